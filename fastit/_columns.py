"""The per-column parameters the compiled core's k-NN estimators take: shift, scale,
tie-breaking jitter amplitude and jitter stream; and the warning for discrete-valued
columns that the core's tie search reveals.

Streams: every variable of a call gets its own block of stream ids (one id per column),
so the jitter of x, y and z, and of every column of each, are independent draws whatever
the values are. Which block a variable gets depends on its role only, except that the
two variables of a symmetric quantity (x and y of I(X; Y) or I(X; Y | Z)) take their
blocks in a canonical order of their contents, so I(x; y) and I(y; x) see the same values
and agree exactly. (docs/ties.md has the reasons and what they cost.)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from . import _core
from ._validation import FloatArray
from ._warnings import DiscreteDataWarning, warn

# Jitter of 1e-10 of a column's spread: far below any real neighbour distance, far above
# the rounding of the standardised values.
JITTER = 1e-10
# Most columns one variable may have in a core call (csrc/bindings.cpp checks it too).
MAX_COLUMNS = 4096
# Stream ids per variable: more than MAX_COLUMNS, so blocks never overlap.
_STREAMS_PER_VARIABLE = 8192
# Slots of the variables of a call: x and y (in canonical order), then z.
SLOT_Z = 2
# A column is discrete-valued when at least this fraction of its samples share a value.
DISCRETE_FRACTION = 0.5
_ORDER_CHUNK = 1 << 16
# The smallest standardising factor (see column_params).
_SMALLEST_SCALE = 2.0**-1010
# Beyond this deviation from the mean, differences between values may overflow.
_OVERFLOWING_DEVIATION = 2.0**1022

# What the discrete-data warning recommends, per estimator.
MI_REMEDY = (
    "For labels pass x_discrete=True / y_discrete=True; for data that mix atoms with a "
    "continuous part use method='mixed' (Gao et al.); or method='binned'."
)
CMI_REMEDY = "For labels use fastit.discrete_conditional_mutual_info; or bin the data."
ENTROPY_REMEDY = (
    "Data with atoms have no density (their differential entropy is -inf): use "
    "fastit.discrete_entropy for labels, or method='histogram' for binned values."
)


def ross_remedy(name: str) -> str:
    """The advice for a discrete-valued continuous side of the Ross estimator."""
    return f"If {name} holds labels too, pass {name}_discrete=True (the contingency table)."


def column_params(
    a: FloatArray,
    threads: int,
    name: str,
    *,
    standardize: bool,
    jitter: bool = True,
    slot: int = 0,
    shrink_huge: bool = False,
) -> FloatArray:
    """Rows shift, scale, jitter amplitude and stream id of every column of ``a``.

    The core reads ``(a - shift) * scale`` and adds the jitter only to columns with ties.
    ``slot`` numbers the variable within its call (0, 1: x and y; 2: z). ``shrink_huge``
    (for the entropy, which adds ln 4 back per such column): unstandardised columns whose
    differences could overflow are divided by 4, so that distances stay finite.
    """
    if a.shape[1] > MAX_COLUMNS:
        raise ValueError(
            f"{name} has {a.shape[1]} columns; the k-NN estimators take at most "
            f"{MAX_COLUMNS} per variable: reduce the dimension first (e.g. PCA), or use "
            "method='binned' / the discrete estimators"
        )
    mean, std, deviation, magnitude = _core.column_stats(a, threads)
    if standardize:
        with np.errstate(over="ignore", divide="ignore"):
            # At least 2**-1010: a spread near 1e308 (from outliers, say) would otherwise
            # scale the other values into subnormal numbers, which keep few digits.
            scale = np.maximum(1.0 / np.where(std > 0, std, 1.0), _SMALLEST_SCALE)
        if not np.isfinite(scale).all():
            tiny = float(std[~np.isfinite(scale)][0])
            raise ValueError(
                f"a column of {name} has a spread of {tiny:.3g} (subnormal numbers), which "
                "cannot be standardised in float64 (its inverse overflows); multiply the "
                "data by a constant first, or pass standardize=False"
            )
        # Centred unless the column spans more than float64 can subtract (its deviation
        # from the mean overflows): then scaled about 0, which keeps every value finite.
        centred = deviation < _OVERFLOWING_DEVIATION
        shift = np.where(centred, mean, 0.0)
        largest = np.where(centred, deviation, magnitude) * scale
    else:
        shift = np.zeros_like(mean)
        scale = np.where(shrink_huge & (deviation >= _OVERFLOWING_DEVIATION), 0.25, 1.0)
        largest = magnitude * scale
    # Jitter of 1e-10 of the spread (for a constant column, of its size, at least 1), and
    # never below a few units in the last place of the column's largest value.
    spread = np.where(std > 0, std * scale, np.maximum(np.abs(mean - shift) * scale, 1.0))
    amplitude = np.maximum(JITTER * spread, 4 * np.spacing(largest)) if jitter else 0 * spread
    streams = stream_ids(slot, np.arange(a.shape[1]))
    return np.ascontiguousarray(np.stack([shift, scale, amplitude, streams]))


def stream_ids(slot: Any, column: Any) -> FloatArray:
    """The jitter stream id of column ``column`` of the variable in ``slot`` (broadcast)."""
    ids = np.asarray(slot, dtype=np.int64) * _STREAMS_PER_VARIABLE + np.asarray(column)
    return np.asarray(ids, dtype=np.float64)


def precedes(a: FloatArray, b: FloatArray) -> bool:
    """Whether ``a`` comes first in a canonical total order of (n, d) float64 arrays: by
    the number of columns, then lexicographically by the bits of the values in row-major
    order.

    Equal arrays precede each other (either order then gives the same values). The scan
    stops at the first difference, so it costs O(1) on unrelated data.
    """
    if a.shape[1] != b.shape[1]:
        return bool(a.shape[1] < b.shape[1])
    rows = max(1, _ORDER_CHUNK // max(1, a.shape[1]))
    for start in range(0, a.shape[0], rows):
        va = np.ascontiguousarray(a[start : start + rows], dtype=np.float64).view(np.int64)
        vb = np.ascontiguousarray(b[start : start + rows], dtype=np.float64).view(np.int64)
        differ = np.flatnonzero(va != vb)
        if differ.size:
            i = int(differ[0])
            return bool(int(va.flat[i]) < int(vb.flat[i]))
    return True


def pair_slots(a: FloatArray, b: FloatArray) -> tuple[int, int]:
    """Slots of the two variables of a symmetric quantity: the same values for (a, b) and
    (b, a), so swapping them swaps the jitter with them."""
    return (0, 1) if precedes(a, b) else (1, 0)


def pair_params(
    xa: FloatArray,
    ya: FloatArray,
    threads: int,
    *,
    standardize: bool,
    jitter: bool = True,
    names: tuple[str, str] = ("x", "y"),
) -> tuple[FloatArray, FloatArray]:
    """Column parameters of x and y for I(X; Y) or I(X; Y | Z)."""
    sx, sy = pair_slots(xa, ya)
    px = column_params(xa, threads, names[0], standardize=standardize, jitter=jitter, slot=sx)
    py = column_params(ya, threads, names[1], standardize=standardize, jitter=jitter, slot=sy)
    return px, py


def tie_report(a: FloatArray) -> npt.NDArray[np.int64]:
    """The core's tie report of the columns of ``a``, computed here: (2, d) rows tied
    samples and distinct values. For callers that run many estimates on the same columns
    and report on them once."""
    out = np.empty((2, a.shape[1]), dtype=np.int64)
    for c in range(a.shape[1]):
        values = np.sort(a[:, c] + 0.0)  # + 0.0: -0.0 and 0.0 are one value
        new = np.empty(values.size, dtype=bool)
        new[0], new[1:] = True, values[1:] != values[:-1]
        counts = np.diff(np.append(np.flatnonzero(new), values.size))
        out[0, c], out[1, c] = counts[counts > 1].sum(), counts.size
    return out


def discrete_columns(ties: npt.NDArray[np.int64], n: int) -> npt.NDArray[np.bool_]:
    """Columns of a core tie report (rows: tied samples, distinct values; -1 where not
    searched) that are discrete-valued: at least half of their samples share a value."""
    return np.asarray(ties[0] >= DISCRETE_FRACTION * n)


def warn_discrete(
    ties: npt.NDArray[np.int64], n: int, names: Sequence[tuple[str, int]], remedy: str
) -> None:
    """Warn once about the discrete-valued columns of a tie report.

    ``names`` gives, per variable in the report's order, its name and its number of
    columns (``x``, or ``x[:, c]`` for a variable of several); ``remedy`` says which
    estimator fits.
    """
    labels = [name if d == 1 else f"{name}[:, {c}]" for name, d in names for c in range(d)]
    warn_labelled(ties, n, labels, remedy)


def warn_labelled(ties: npt.NDArray[np.int64], n: int, labels: Sequence[str], remedy: str) -> None:
    """:func:`warn_discrete` with one label per column of the report."""
    flagged = discrete_columns(ties, n)
    if not flagged.any():
        return
    found = []
    for column in np.flatnonzero(flagged).tolist():
        tied, distinct = int(ties[0, column]), int(ties[1, column])
        found.append(
            f"{labels[column]} ({distinct} distinct value{'s' if distinct != 1 else ''}; "
            f"{tied} of {n} samples share their value)"
        )
    warn(
        f"discrete-valued data: {', '.join(found)}. The k-NN estimators assume a "
        "density; on atoms they measure the 1e-10 tie-breaking jitter rather than the "
        f"data. {remedy}",
        DiscreteDataWarning,
    )
