"""Numba kernels of fastit: bin codes, histograms and plug-in measures from counts.

Importing this package imports Numba; ``import fastit`` does not import it, the
estimators that need these kernels do.  Every kernel takes NumPy arrays and numbers
only and is compiled with the options of :mod:`fastit._numba._jit`.
"""

from .counts import entropy_from_counts, joint_codes, mutual_info_from_joint
from .histogram import (
    bin_codes_edges,
    bin_codes_uniform,
    histogram_1d,
    histogram_2d,
    histogram_nd,
    joint_counts_uniform,
    uniform_edges,
)

__all__ = [
    "bin_codes_edges",
    "bin_codes_uniform",
    "entropy_from_counts",
    "histogram_1d",
    "histogram_2d",
    "histogram_nd",
    "joint_codes",
    "joint_counts_uniform",
    "mutual_info_from_joint",
    "uniform_edges",
]
