"""Bin edges for histogram estimators: a count, explicit edges, or a rule.

Rules: NumPy's ("auto", "fd", "scott", "sturges", "sqrt", "doane", "rice", "stone"), with
the same edges as ``numpy.histogram_bin_edges``, and ``"quantile"``: equal-frequency bins,
as many as "auto" would choose, with edges at the sample quantiles (repeated quantiles, from
ties, are merged, so heavily tied data get fewer bins).

Every sample must fall inside the edges: explicit edges that leave samples out raise
instead of dropping them. The last bin is closed, as in NumPy.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import numpy.typing as npt

from ._validation import FloatArray

NUMPY_RULES = ("auto", "fd", "scott", "sturges", "sqrt", "doane", "rice", "stone")
RULES = (*NUMPY_RULES, "quantile")


def bin_edges(values: FloatArray, bins: Any, name: str) -> FloatArray:
    """Edges for the 1-D samples ``values`` (finite float64) from a bins specification."""
    if isinstance(bins, str):
        if bins == "quantile":
            n_bins = len(np.histogram_bin_edges(values, "auto")) - 1
            edges = np.unique(np.quantile(values, np.linspace(0.0, 1.0, n_bins + 1)))
            if edges.size < 2:  # a constant column: one bin around it, as NumPy makes
                edges = np.array([values[0] - 0.5, values[0] + 0.5])
            return np.asarray(edges, dtype=np.float64)
        if bins not in NUMPY_RULES:
            raise ValueError(
                "bins must be an int, a sequence of edges or one of "
                f"{', '.join(map(repr, RULES))}; got {bins!r}"
            )
        return _increasing(_numpy_edges(values, bins, name), name)
    if isinstance(bins, bool):
        raise TypeError(f"bins must be an int, a sequence of edges or a rule name, not {bins!r}")
    if isinstance(bins, numbers.Integral):
        if bins < 1:
            raise ValueError(f"bins must be at least 1, got {bins}")
        return _increasing(_numpy_edges(values, int(bins), name), name)
    edges = np.asarray(bins)
    if edges.dtype.kind not in "biuf":
        raise TypeError(f"bins has dtype {edges.dtype}; pass numbers as edges")
    edges = edges.astype(np.float64)
    if edges.ndim != 1 or edges.size < 2:
        raise ValueError(f"bin edges must be a 1-D sequence of at least 2 edges; got {edges.shape}")
    if not np.isfinite(edges).all() or not (np.diff(edges) > 0).all():
        raise ValueError("bin edges must be finite and strictly increasing")
    low, high = values.min(), values.max()
    if low < edges[0] or high > edges[-1]:
        raise ValueError(
            f"{name} has values in [{low}, {high}] outside the bin edges "
            f"[{edges[0]}, {edges[-1]}]; widen the edges (samples are never dropped)"
        )
    return edges


def _numpy_edges(values: FloatArray, bins: int | str, name: str) -> npt.NDArray[Any]:
    try:
        return np.histogram_bin_edges(values, bins)
    except ValueError as err:  # NumPy's "too many bins for data range", with the name added
        raise ValueError(f"{name}: {err}") from err


def _increasing(edges: npt.NDArray[Any], name: str) -> FloatArray:
    """Equal-width edges, refused when the range is too narrow for distinct edges."""
    if not (np.diff(edges) > 0).all():
        raise ValueError(
            f"{name} spans [{edges[0]}, {edges[-1]}], too narrow for {edges.size - 1} "
            "distinct bins in floating point; use fewer bins"
        )
    return edges.astype(np.float64)


def bin_edges_per_column(samples: FloatArray, bins: Any, name: str) -> list[FloatArray]:
    """Edges for each column of (n, d) samples.

    ``bins`` applies to every column, or is a list with one specification per column
    (needed for explicit edges when d > 1).
    """
    d = samples.shape[1]
    if isinstance(bins, (list, tuple)) and len(bins) > 0 and not np.isscalar(bins[0]):
        if len(bins) != d:
            raise ValueError(f"bins has {len(bins)} specifications for the {d} columns of {name}")
        return [bin_edges(samples[:, c], b, name) for c, b in enumerate(bins)]
    if d > 1 and not isinstance(bins, (str, numbers.Integral)):
        raise ValueError(
            f"{name} has {d} columns: pass one list of edges per column, an int or a rule"
        )
    return [bin_edges(samples[:, c], bins, name) for c in range(d)]
