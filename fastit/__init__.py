"""fastit: fast, correct information theory.

Estimates are in nats unless ``base`` says otherwise. Importing fastit loads NumPy, SciPy
and the compiled core only; torch, dask and matplotlib are imported by the modules that
need them.
"""

from . import channel, neighbors, selection, stats
from ._warnings import DiscreteDataWarning, EstimationWarning, FastitWarning
from .channel import (
    channel_capacity,
    gaussian_channel_capacity,
    gaussian_rate_distortion,
    layer_capacity,
    rate_distortion,
    water_filling,
)
from .discrete import (
    discrete_conditional_mutual_info,
    discrete_entropy,
    discrete_joint_entropy,
    discrete_mutual_info,
)
from .distributions import (
    conditional_entropy,
    cross_entropy,
    entropy,
    joint_entropy,
    js_divergence,
    kl_divergence,
    mutual_info_table,
)
from .estimators import conditional_mutual_info, differential_entropy, mutual_info
from .pairwise import pairwise_mutual_info
from .selection import cmim, jmi, mrmr, select_features
from .stats import (
    bootstrap_ci,
    conditional_mutual_info_test,
    data_processing_check,
    mutual_info_test,
)

__version__ = "0.1.0"
__all__ = [
    "DiscreteDataWarning",
    "EstimationWarning",
    "FastitWarning",
    "bootstrap_ci",
    "channel",
    "channel_capacity",
    "cmim",
    "conditional_entropy",
    "conditional_mutual_info",
    "conditional_mutual_info_test",
    "cross_entropy",
    "data_processing_check",
    "differential_entropy",
    "discrete_conditional_mutual_info",
    "discrete_entropy",
    "discrete_joint_entropy",
    "discrete_mutual_info",
    "entropy",
    "gaussian_channel_capacity",
    "gaussian_rate_distortion",
    "joint_entropy",
    "jmi",
    "js_divergence",
    "kl_divergence",
    "layer_capacity",
    "mrmr",
    "mutual_info",
    "mutual_info_table",
    "mutual_info_test",
    "neighbors",
    "pairwise_mutual_info",
    "rate_distortion",
    "select_features",
    "selection",
    "stats",
    "water_filling",
]
