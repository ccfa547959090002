"""Bins for histogram estimators: a count, explicit edges, or a rule.

Rules: NumPy's ("auto", "fd", "scott", "sturges", "sqrt", "doane", "rice", "stone"), with
the same edges as ``numpy.histogram_bin_edges``, and ``"quantile"``: equal-frequency bins,
as many as "auto" chooses for evenly spread values (:func:`quantile_bin_count`, whatever
the tails), with edges at the sample quantiles (repeated quantiles, from ties, are merged,
so heavily tied data get fewer bins).

Every sample must fall inside the edges: explicit edges that leave samples out raise
instead of dropping them. The last bin is closed, as in NumPy.

Equal-width bins (a count or one of NumPy's rules) are kept as :class:`UniformBins`, the
range and the count, never as an array of edges: their edges are an arithmetic function of
the three (``fastit._numba.histogram.uniform_edge``, ``np.linspace``'s values bit for
bit), so a rule that asks for 10**9 bins costs no memory. A count is refused only when its
edges cannot be told apart in floating point. Where the width of the range overflows
(data near +-1.8e308), the rules run on the data scaled by a power of 2 (the same count)
and the edges come from halved values (NumPy has no edges there).
"""

from __future__ import annotations

import importlib
import numbers
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from ._validation import FloatArray


def _numpy_width_rules() -> dict[str, Any]:
    """NumPy's bin-width rules, the functions np.histogram_bin_edges dispatches to (private,
    so looked up by name: their module moved in NumPy 2)."""
    for module in ("numpy.lib._histograms_impl", "numpy.lib.histograms"):
        try:
            return dict(importlib.import_module(module)._hist_bin_selectors)
        except (ImportError, AttributeError):
            continue
    raise ImportError("NumPy's histogram bin rules were not found")


_WIDTH_RULES = _numpy_width_rules()

NUMPY_RULES = ("auto", "fd", "scott", "sturges", "sqrt", "doane", "rice", "stone")
RULES = (*NUMPY_RULES, "quantile")

# Equal-width edges must be distinct floats; beyond 2**53 bins the bin index itself is
# not exact in float64.
_MAX_EQUAL_WIDTH_BINS = 2**53
# Up to this many bins, edges that the O(1) test cannot vouch for are compared one by one
# (time only, no memory).
_EXHAUSTIVE_EDGE_CHECK = 1 << 24


class UniformBins(NamedTuple):
    """``n_bins`` equal-width bins on ``[lo, hi]``: the edges of
    ``np.linspace(lo, hi, n_bins + 1)``, computed where needed and never stored."""

    lo: float
    hi: float
    n_bins: int


ColumnBins = FloatArray | UniformBins


class PerColumn(list[Any]):
    """One bins specification per column (how a split of a shared list is marked)."""


def n_bins_of(column: ColumnBins) -> int:
    """Number of bins of one column."""
    if isinstance(column, UniformBins):
        return column.n_bins
    return int(column.size) - 1


def check_edge_count(n_bins: int, n_samples: int, name: str) -> None:
    """Refuse, up front, an array of edges far larger than the data (8 per sample, and
    at least 2**20): where edges must be stored, memory stays bounded by the data."""
    limit = max(8 * n_samples, 1 << 20)
    if n_bins + 1 > limit:
        raise ValueError(
            f"{name}: {n_bins} bins need an array of {n_bins + 1} edges here, more than "
            f"{limit} for {n_samples} samples; use fewer bins (fastit.mutual_info and "
            "fastit.differential_entropy on NumPy arrays take any number)"
        )


def edges_of(column: ColumnBins, name: str, n_samples: int) -> FloatArray:
    """The edges as an array; refused when they would take far more memory than the data."""
    if not isinstance(column, UniformBins):
        return column
    from ._numba.histogram import uniform_edges

    check_edge_count(column.n_bins, n_samples, name)
    return np.asarray(uniform_edges(column.lo, column.hi, column.n_bins))


def log_widths(column: ColumnBins, codes: npt.NDArray[np.int64]) -> FloatArray:
    """ln(e[c + 1] - e[c]) for each bin code c, also where the difference overflows."""
    if isinstance(column, UniformBins):
        from ._numba.histogram import uniform_edges_at

        lower = uniform_edges_at(column.lo, column.hi, column.n_bins, codes)
        upper = uniform_edges_at(column.lo, column.hi, column.n_bins, codes + 1)
    else:
        lower, upper = column[codes], column[codes + 1]
    return log_difference(lower, upper)


def log_difference(lower: FloatArray, upper: FloatArray) -> FloatArray:
    """ln(upper - lower) elementwise for finite edges, also where the difference overflows
    (halving is exact); infinite edges (padding) give NaN or inf, as the plain formula."""
    with np.errstate(over="ignore", invalid="ignore"):
        width = upper - lower
        out = np.log(width)
        wide = np.isinf(width) & np.isfinite(lower) & np.isfinite(upper)
    if wide.any():
        out[wide] = np.log(0.5 * upper[wide] - 0.5 * lower[wide]) + np.log(2.0)
    return np.asarray(out, dtype=np.float64)


def equal_width_bins(lo: float, hi: float, n_bins: int, name: str) -> UniformBins:
    """``n_bins`` equal-width bins over a column's [min, max] (NumPy widens a constant
    column by 0.5 on each side), refused when their edges are not distinct floats."""
    if lo == hi:
        value = lo
        lo, hi = value - 0.5, value + 0.5
        if not lo < hi:  # |value| >= 2**54: 0.5 is lost; widen by enough ulps
            half = 4.0 * n_bins * float(np.spacing(abs(value)))
            with np.errstate(over="ignore"):
                lo, hi = value - half, value + half
    if n_bins > _MAX_EQUAL_WIDTH_BINS:
        raise ValueError(
            f"{name}: {n_bins} equal-width bins are more than float64 can index "
            f"(2**53); use fewer bins"
        )
    from ._numba.histogram import uniform_edges_distinct

    if not (np.isfinite(lo) and np.isfinite(hi)) or not uniform_edges_distinct(
        lo, hi, n_bins, n_bins <= _EXHAUSTIVE_EDGE_CHECK
    ):
        raise ValueError(
            f"{name} spans [{lo}, {hi}], too narrow for {n_bins} distinct bins in floating "
            "point; use fewer bins"
        )
    return UniformBins(float(lo), float(hi), int(n_bins))


def _rule_width(values: FloatArray, rule: str, lo: float, hi: float) -> float:
    """NumPy's bin width for ``rule``; NaN where its arithmetic overflows."""
    try:
        with np.errstate(all="ignore"):
            return float(_WIDTH_RULES[rule](values, (lo, hi)))
    except (ValueError, OverflowError, IndexError):  # "stone" histograms a range whose
        return float("nan")  # width overflows


def rule_bin_count(values: FloatArray, rule: str, name: str, lo: float, hi: float) -> int:
    """The number of equal-width bins NumPy's ``rule`` chooses for ``values``.

    ``np.histogram_bin_edges``'s count, ``ceil((max - min) / width)`` (1 where the width
    is 0, as in NumPy, or infinite), without building the edges. Where the width or the
    count overflows, the rule runs on the values scaled by a power of 2, which changes
    neither. A count too large to index (a rule such as "fd" on data spanning 1e300) is
    refused with the rule's width in the message. ``lo`` and ``hi`` are the values' min
    and max.
    """
    width = _rule_width(values, rule, lo, hi)
    with np.errstate(over="ignore"):
        count = (hi - lo) / width if width else 1.0
    if not np.isfinite(width) or not np.isfinite(count):
        scale = 2.0 ** -np.frexp(max(abs(lo), abs(hi)))[1]
        scaled_width = _rule_width(values * scale, rule, lo * scale, hi * scale)
        width = scaled_width / scale
        with np.errstate(over="ignore"):
            count = (hi * scale - lo * scale) / scaled_width if scaled_width else 1.0
    if np.isnan(count):
        raise ValueError(f"{name}: the {rule!r} rule gives no bin width for these data")
    if count > _MAX_EQUAL_WIDTH_BINS:
        raise ValueError(
            f"{name}: the {rule!r} rule asks for {count:.3g} bins (width {width:.3g} over "
            f"[{lo:.6g}, {hi:.6g}]), more than float64 can index (2**53); pass a bin count "
            "or bins='quantile'"
        )
    return max(1, int(np.ceil(count)))


def column_bins(values: FloatArray, bins: Any, name: str) -> ColumnBins:
    """Bins of the 1-D samples ``values`` (finite float64) from one bins specification:
    :class:`UniformBins` for a count or one of NumPy's rules, edges otherwise."""
    if isinstance(bins, str):
        if bins == "quantile":
            return _quantile_edges(values, name)
        if bins not in NUMPY_RULES:
            raise ValueError(
                "bins must be an int, a sequence of edges or one of "
                f"{', '.join(map(repr, RULES))}; got {bins!r}"
            )
        lo, hi = float(values.min()), float(values.max())
        return equal_width_bins(lo, hi, rule_bin_count(values, bins, name, lo, hi), name)
    _check_kind(bins)
    if isinstance(bins, numbers.Integral):
        if bins < 1:
            raise ValueError(f"bins must be at least 1, got {bins}")
        return equal_width_bins(float(values.min()), float(values.max()), int(bins), name)
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


def _check_kind(bins: Any) -> None:
    """Refuse what is neither a count, a rule name nor a sequence (floats, None, bools)."""
    ok = isinstance(bins, (str, numbers.Integral)) or isinstance(bins, (list, tuple))
    if isinstance(bins, (bool, np.bool_)) or not (ok or np.ndim(bins) >= 1):
        raise TypeError(f"bins must be an int, a sequence of edges or a rule name, not {bins!r}")


def quantile_bin_count(n: int) -> int:
    """The number of equal-frequency bins for n samples: as many as NumPy's "auto" rule
    gives n evenly spread values, max(Sturges, n^(1/3)) (the rule on the data themselves
    would follow their tails: Cauchy samples or one outlier at 1e308 asked for one bin per
    sample, and the estimate measured nothing but the bins)."""
    return len(np.histogram_bin_edges(np.arange(n, dtype=np.float64), "auto")) - 1


def _quantile_edges(values: FloatArray, name: str) -> FloatArray:
    n_bins = quantile_bin_count(values.size)
    edges = np.unique(np.quantile(values, np.linspace(0.0, 1.0, n_bins + 1)))
    if edges.size < 2:  # a constant column: one bin around it, as NumPy makes
        b = equal_width_bins(float(values[0]), float(values[0]), 1, name)
        edges = np.array([b.lo, b.hi])
    return np.asarray(edges, dtype=np.float64)


def bin_edges(values: FloatArray, bins: Any, name: str) -> FloatArray:
    """Edges (an array) for the 1-D samples ``values`` from a bins specification; equal-width
    edges far more numerous than the samples are refused (see :func:`column_bins`, which
    never builds them)."""
    return edges_of(column_bins(values, bins, name), name, values.size)


def _is_spec(item: Any) -> bool:
    """An entry of a per-column list: a count, a rule name or a sequence of edges."""
    if isinstance(item, (bool, np.bool_)):
        return False
    return isinstance(item, (str, numbers.Integral)) or np.ndim(item) == 1


def _per_column(bins: Any, d: int) -> bool:
    """Whether ``bins`` gives one specification per column of d columns: a list or tuple of
    d counts, rule names or edge sequences, as ``np.histogramdd``'s ``bins``; with d == 1
    a list of two or more numbers is one set of edges, as in ``np.histogram``."""
    if isinstance(bins, PerColumn):
        return True
    if not isinstance(bins, (list, tuple)) or len(bins) == 0:
        return False
    if not all(_is_spec(b) for b in bins):
        return False
    return d > 1 or len(bins) == 1 or not all(isinstance(b, numbers.Number) for b in bins)


def bins_per_column(samples: FloatArray, bins: Any, name: str) -> list[ColumnBins]:
    """Bins of each column of (n, d) samples.

    ``bins`` applies to every column, or is a list with one specification per column (a
    count, a rule name or edges for each; see :func:`_per_column`).
    """
    d = samples.shape[1]
    _check_kind(bins)
    if _per_column(bins, d):
        if len(bins) != d:
            raise ValueError(
                f"bins has {len(bins)} specifications for the {d} columns of {name}; "
                "pass one per column"
            )
        return [column_bins(samples[:, c], b, name) for c, b in enumerate(bins)]
    if d > 1 and not isinstance(bins, (str, numbers.Integral)):
        raise ValueError(
            f"{name} has {d} columns: pass one specification per column (a list of {d} "
            "counts, rule names or edge sequences), an int or a rule"
        )
    return [column_bins(samples[:, c], bins, name) for c in range(d)]


def bin_edges_per_column(samples: FloatArray, bins: Any, name: str) -> list[FloatArray]:
    """Edges (arrays) of each column of (n, d) samples; see :func:`bins_per_column`."""
    n = samples.shape[0]
    return [edges_of(b, name, n) for b in bins_per_column(samples, bins, name)]


def split_bins(bins: Any, widths: tuple[int, ...], names: tuple[str, ...]) -> list[Any]:
    """The bins specification of each of several variables with ``widths`` columns.

    A list with one entry per column of all the variables together (as ``np.histogram2d``
    reads ``[nx, ny]``) is split between them; a per-column list that fits each variable
    on its own applies to each; a list of numbers that fits neither is shared edges.
    """
    total = sum(widths)
    if not _per_column(bins, total) or isinstance(bins, PerColumn):
        return [bins] * len(widths)
    if len(bins) == total:
        parts, start = [], 0
        for w in widths:
            parts.append(PerColumn(bins[start : start + w]))
            start += w
        return parts
    if all(len(bins) == w for w in widths):
        return [PerColumn(bins)] * len(widths)
    if all(isinstance(b, numbers.Number) for b in bins):  # integer edges shared by all
        return [bins] * len(widths)
    columns = " + ".join(f"{w} ({n})" for w, n in zip(widths, names, strict=True))
    raise ValueError(
        f"bins has {len(bins)} specifications; pass one per column of {' and '.join(names)} "
        f"together: {columns} = {total}"
    )
