"""Histogram ("binned") and label (discrete) estimators on torch tensors, batched.

The kernels behind ``fastit.torch.mutual_info(..., method="binned")`` and the both-discrete
case, ``differential_entropy(..., method="histogram")`` and ``discrete_entropy``. Inputs are
3-D tensors (B, n, d), already checked by :mod:`fastit.torch.functional`: B independent
problems of n samples and d columns, x and y on the same device with the same B and n.
Each function returns a float64 tensor of shape (B,) on that device, in nats; entry b is
what the NumPy function (:mod:`fastit.binned`, :mod:`fastit.discrete`) returns for problem
b, up to the rounding of the final sums: the same bin edges, the same counts, the same
correction. Counts have no gradient: inputs are detached.

Bins of a continuous variable (each column binned on its own; a row of a multi-column
variable is one joint cell; bin i is [e_i, e_{i+1}), the last bin closed, [e_{K-1}, e_K],
as in ``np.histogram``):

- an int k: k equal-width bins over each column's [min, max], the edges of
  ``np.histogram_bin_edges(column, k)`` (a constant column widened by 0.5 on each side, as
  NumPy does). The edges are computed on the host with NumPy's own operations from the
  column's min and max, two scalars per column and problem.
- "sturges", "sqrt", "rice": their bin count depends only on n and the range, so they are
  computed the same way, exactly.
- "fd", "scott", "auto", "doane", "stone" (NumPy's rules) and "quantile"
  (:mod:`fastit.binning`): they need statistics of the data (quantiles, standard deviation,
  skewness, a cross-validation), so each such column is copied to the host and
  ``fastit.binning.bin_edges`` computes its edges: exact, at the cost of a device-to-host
  copy of the column. Counting stays on the device.
- a 1-D sequence (or tensor) of strictly increasing, finite edges, used for every column
  (where ``fastit.mutual_info`` asks for one list per column when d > 1). A sample outside
  the edges raises ``ValueError``: nothing is dropped.
- a list with one of the above per column, as in ``fastit.binning.bin_edges_per_column``.

Codes come from a binary search against the exact float64 edges (``torch.searchsorted``,
side "right"), never from arithmetic, so they are NumPy's codes. Float32 samples are
compared in float64 (an exact widening): the result equals NumPy's on the float32 values
widened to float64.

Discrete variables hold labels of any real, integer or boolean dtype; each distinct value
(each distinct row when d > 1) is a symbol, coded by a sort within each problem. With both
variables discrete, ``bins`` is ignored and the result is
``fastit.discrete.discrete_mutual_info``. With one discrete and one continuous variable the
continuous one is binned and the labels are used as they are: I = H(cells) + H(labels) -
H(cells, labels), i.e. ``fastit.discrete.discrete_mutual_info(codes, labels)`` with the
joint bin codes of the continuous variable (``fastit.mutual_info`` itself refuses
``method="binned"`` with a discrete variable).

Corrections (see :mod:`fastit._entropy_estimators`): None (plug-in) and "miller-madow" run
on the device, vectorised over the problems; the plug-in MI is the direct sum
p(x,y) ln(p(x,y) / (p(x) p(y))) of the compiled NumPy kernel, clamped at 0 as it is.
"grassberger", "jackknife", "chao-shen" and "nsb" copy the non-zero counts (at most n per
problem and table) to the host and call ``entropy_from_counts`` per problem. NSB alphabets
are the NumPy paths' ones: a binned variable has as many outcomes as cells (the product of
its columns' bin counts, computed as ``fastit.binned`` does), a discrete one the number of
distinct symbols observed, a pair between the larger of the two and their product
(``fastit._entropy_estimators.joint_outcomes``).

Bin counts whose edge tables would be far larger than the data (more than 8 edges per
sample, and 2**20) are refused up front: these kernels store the edges of every problem,
where the NumPy functions compute equal-width edges on the fly and take any count.

Cells of a multi-column variable and of the pair (x, y) are mixed-radix int64 codes; when
the number of possible cells of all problems together would pass 2**62, the codes are first
re-coded to the occupied cells by one ``torch.unique`` call over all problems (the problem
index is the leading digit, so cells stay grouped by problem). Tables are counted by one
``torch.bincount`` over ``code + b * cells``; a table with more than 4 cells per sample is
re-coded to its occupied cells first, so no table is much larger than the data.
"""

from __future__ import annotations

import numbers
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
import torch
from torch import Tensor

from .._entropy_estimators import OutcomeRange, entropy_from_counts, joint_outcomes
from .._validation import check_correction
from ..binning import (
    RULES,
    bin_edges,
    check_edge_count,
    edges_of,
    equal_width_bins,
    log_difference,
)

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

# Mixed-radix codes, problem index included, stay below this (int64 with room to spare).
_RADIX_LIMIT = 2**62
# Tables with more possible cells per problem than this many per sample are re-coded to
# their occupied cells before counting (fastit.discrete makes the same choice).
_DENSE_CELLS_PER_SAMPLE = 4
_DENSE_MIN_CELLS = 1 << 10
# Columns are binned (or sorted) in groups of about this many elements, so int64 codes of
# all d columns at once (B * n * d) are never held when d is large.
_CHUNK_ELEMENTS = 1 << 24
# Rules whose bin count depends on n and the column's range only.
_RANGE_RULES = ("sturges", "sqrt", "rice")


class _ColumnEdges(NamedTuple):
    """Bin edges of one column in every problem."""

    edges: FloatArray  # (K + 1,) shared by all problems, or (B, max K + 1) padded with +inf
    sizes: IntArray  # (B,) number of bins in each problem


class _Variable(NamedTuple):
    """A variable's histogram in every problem."""

    cells: Tensor  # (B, n) int64: the column of ``counts`` each sample falls in
    counts: Tensor  # (B, K) float64 cell counts, zero-padded
    alphabet: list[int] | None  # NSB alphabet per problem; None: the observed cells


# --------------------------------------------------------------------------- public kernels


def binned_mutual_info(
    x: Tensor,
    y: Tensor,
    *,
    bins: Any,
    correction: str | None,
    x_discrete: bool = False,
    y_discrete: bool = False,
    n_outcomes: tuple[int | None, int | None] | None = None,
) -> Tensor:
    """I(X; Y) in nats of each of the B problems of (B, n, dx) x and (B, n, dy) y.

    Continuous variables are binned by ``bins``; discrete ones are labels (``bins`` is not
    used for them). See the module notes for the semantics. ``n_outcomes`` (NSB only):
    the alphabet sizes of discrete x and y (None: the labels observed), as
    ``fastit.discrete_mutual_info``'s.
    """
    correction = check_correction(correction)
    x, y = x.detach(), y.detach()  # counts have no gradient; host copies need detached data
    n = x.shape[1]
    vx = _labels(x) if x_discrete else _binned(x, bins, "x")[0]
    vy = _labels(y) if y_discrete else _binned(y, bins, "y")[0]
    codes, size = _mix(_mix(None, vx.cells, vx.counts.shape[1]), vy.cells, vy.counts.shape[1])
    cells, counts = _histogram(codes, size)
    if correction is None:
        return _plugin_mutual_info(vx, vy, cells, counts, n)
    given = _given_outcomes(n_outcomes, 2, correction)
    for k, discrete, name in zip(given, (x_discrete, y_discrete), ("x", "y"), strict=True):
        if k is not None and not discrete:
            raise ValueError(f"n_outcomes for {name}: a binned variable's alphabet is its bins")
    ax = ay = None
    axy: list[int | OutcomeRange] | None = None
    if correction == "nsb":
        ax, ay = _alphabet(vx, given[0], "x"), _alphabet(vy, given[1], "y")
        axy = [joint_outcomes([a, b]) for a, b in zip(ax, ay, strict=True)]
    return (
        _entropy(vx.counts, n, correction, ax)
        + _entropy(vy.counts, n, correction, ay)
        - _entropy(counts, n, correction, axy)
    )


def histogram_entropy(x: Tensor, *, bins: Any, correction: str | None) -> Tensor:
    """Differential entropy h(X) in nats of each problem of (B, n, d) samples.

    The entropy of the cells' counts plus the mean log cell volume, as
    ``fastit.differential_entropy(x, method="histogram")``.
    """
    correction = check_correction(correction)
    variable, width = _binned(x.detach(), bins, "x", widths=True)
    assert width is not None
    return _entropy(variable.counts, x.shape[1], correction, variable.alphabet) + width


def binned_entropy(x: Tensor, *, bins: Any, correction: str | None) -> Tensor:
    """H in nats of the cells of each problem of (B, n, d) samples: the Shannon entropy of
    the binned values (``histogram_entropy`` without the log-volume term)."""
    correction = check_correction(correction)
    variable, _ = _binned(x.detach(), bins, "x")
    return _entropy(variable.counts, x.shape[1], correction, variable.alphabet)


def discrete_entropy(x: Tensor, *, correction: str | None, n_outcomes: int | None = None) -> Tensor:
    """H(X) in nats of the labels of each problem of (B, n, d) x (rows are joint symbols);
    ``n_outcomes`` (NSB only) is the alphabet size, by default the labels observed."""
    correction = check_correction(correction)
    (given,) = _given_outcomes(None if n_outcomes is None else (n_outcomes,), 1, correction)
    variable = _labels(x.detach())
    alphabet = _alphabet(variable, given, "x") if correction == "nsb" else None
    return _entropy(variable.counts, x.shape[1], correction, alphabet)


# ------------------------------------------------------------------------- cells and tables


def _offsets(batch: int, step: int, device: torch.device) -> Tensor:
    """(B, 1) int64 column ``b * step``: puts each problem's codes in its own range."""
    return (torch.arange(batch, device=device, dtype=torch.int64) * step).unsqueeze(1)


def _compact(codes: Tensor, size: int) -> tuple[Tensor, int]:
    """Re-code (B, n) codes in [0, size) to each problem's occupied cells, in code order.

    One sorted ``torch.unique`` over ``b * size + code`` serves all problems: the ids of a
    problem's cells are contiguous, so subtracting the problem's smallest id leaves
    0..u_b - 1.
    """
    batch, n = codes.shape
    keys = codes + _offsets(batch, size, codes.device)
    _, inverse = torch.unique(keys.reshape(-1), sorted=True, return_inverse=True)
    inverse = inverse.reshape(batch, n)
    local = inverse - inverse.amin(dim=1, keepdim=True)
    return local, int(local.max()) + 1


def _mix(acc: tuple[Tensor, int] | None, codes: Tensor, size: int) -> tuple[Tensor, int]:
    """Append a digit (codes in [0, size)) to the mixed-radix codes ``acc`` (codes, bound)."""
    if acc is None:
        return codes, size
    joint, bound = acc
    batch = codes.shape[0]
    if batch * bound * size > _RADIX_LIMIT:  # would overflow: keep the occupied cells only
        joint, bound = _compact(joint, bound)
        if batch * bound * size > _RADIX_LIMIT:
            codes, size = _compact(codes, size)
        if batch * bound * size > _RADIX_LIMIT:
            raise ValueError(
                f"too many occupied cells ({bound} x {size} in each of {batch} problems) "
                "for int64 codes; use fewer bins or fewer problems per call"
            )
    return joint * size + codes, bound * size


def _histogram(codes: Tensor, size: int) -> tuple[Tensor, Tensor]:
    """Each sample's cell (B, n) and the (B, K) float64 counts of codes in [0, size)."""
    batch, n = codes.shape
    if size > max(_DENSE_CELLS_PER_SAMPLE * n, _DENSE_MIN_CELLS):
        codes, size = _compact(codes, size)
    keys = codes + _offsets(batch, size, codes.device)
    counts = torch.bincount(keys.reshape(-1), minlength=batch * size)
    return codes, counts.reshape(batch, size).to(torch.float64)


def _given_outcomes(n_outcomes: Any, count: int, correction: str | None) -> list[int | None]:
    """One given alphabet size (or None) per variable, checked as ``fastit.discrete`` does."""
    if n_outcomes is None:
        return [None] * count
    if correction != "nsb":
        raise ValueError("n_outcomes is used by correction='nsb' only")
    if not isinstance(n_outcomes, (list, tuple)) or len(n_outcomes) != count:
        raise ValueError(
            f"n_outcomes must give {count} alphabet sizes (or None); got {n_outcomes!r}"
        )
    for k in n_outcomes:
        if k is not None and (isinstance(k, bool) or not isinstance(k, numbers.Integral)):
            raise TypeError(f"n_outcomes must hold ints or None, got {type(k).__name__}")
    return [None if k is None else int(k) for k in n_outcomes]


def _alphabet(variable: _Variable, given: int | None = None, name: str = "x") -> list[int]:
    """NSB alphabet per problem: the bins' cells, the given size, or the labels observed."""
    if variable.alphabet is not None:
        return variable.alphabet
    observed = [int(m) for m in (variable.counts > 0).sum(dim=1).tolist()]
    if given is None:
        return observed
    if max(observed) > given:
        raise ValueError(
            f"n_outcomes for {name} is {given}, but {name} has {max(observed)} distinct labels"
        )
    return [given] * len(observed)


# ---------------------------------------------------------------------------- labels


def _labels(x: Tensor) -> _Variable:
    """Label codes 0..m_b - 1 per problem (sorted label order, as ``numpy.unique``)."""
    batch, n, d = x.shape
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    step = max(1, _CHUNK_ELEMENTS // max(1, batch * n))
    acc: tuple[Tensor, int] | None = None
    for c0 in range(0, d, step):
        values = x[:, :, c0 : c0 + step].transpose(1, 2)  # (B, g, n)
        ordered, order = torch.sort(values, dim=-1)
        # A new symbol starts wherever the sorted value changes (-0.0 == 0.0, as in NumPy).
        ranks = torch.zeros_like(order)
        ranks[..., 1:] = torch.cumsum(ordered[..., 1:] != ordered[..., :-1], dim=-1)
        codes = torch.empty_like(order).scatter_(-1, order, ranks)
        sizes = (ranks[..., -1] + 1).amax(dim=0).tolist()  # symbols per column, worst problem
        for j, size in enumerate(sizes):
            acc = _mix(acc, codes[:, j], int(size))
    assert acc is not None
    cells, counts = _histogram(*acc)
    return _Variable(cells, counts, None)


# ---------------------------------------------------------------------------- bin edges


def _host_spec(spec: Any) -> Any:
    """A tensor bins specification as a Python int or a NumPy array of edges."""
    if isinstance(spec, Tensor):
        spec = spec.detach().cpu()
        return spec.item() if spec.ndim == 0 else spec.numpy()
    return spec


def _column_specs(bins: Any, d: int, name: str) -> list[Any]:
    """One bins specification per column (the same object for every column when shared)."""
    if isinstance(bins, (list, tuple)) and len(bins) > 0 and not np.isscalar(bins[0]):
        if len(bins) != d:
            raise ValueError(f"bins has {len(bins)} specifications for the {d} columns of {name}")
        return [_host_spec(b) for b in bins]
    return [_host_spec(bins)] * d


def _rule_divisor(rule: str, n: int) -> float:
    """NumPy's width = ptp / divisor for the range-only rules (numpy.lib._histograms_impl)."""
    if rule == "sturges":
        return float(np.log2(n) + 1.0)
    if rule == "sqrt":
        return float(np.sqrt(n))
    cube_root: float = float(n) ** (1.0 / 3)  # as NumPy's n ** (1.0 / 3)
    return 2.0 * cube_root


def _rule_bins(rule: str, lo: FloatArray, hi: FloatArray, n: int) -> IntArray | None:
    """Bin counts of a range-only rule, as NumPy computes them; None where NumPy would fail."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        ptp = hi - lo
        width = ptp / _rule_divisor(rule, n)
        ratio = np.ceil(ptp / width)  # NumPy: ceil((last - first) / width) when width != 0
    sizes = np.ones(lo.shape, dtype=np.int64)  # width 0 (constant column): one bin
    used = width != 0
    if not np.isfinite(ratio[used]).all():
        return None
    sizes[used] = ratio[used].astype(np.int64)
    return sizes


def _equal_width(
    lo: FloatArray, hi: FloatArray, sizes: IntArray, n: int, name: str
) -> _ColumnEdges:
    """``np.histogram_bin_edges(column, k)`` of every problem, from its min and max.

    The operations of ``np.linspace`` elementwise: e_i = i * step + lo, e_k = hi, and
    (i / k) * delta + lo where the step underflows to 0. A row that is not strictly
    increasing goes through ``fastit.binning``, which raises NumPy's error (or gives the
    halved edges of a range whose width overflows). Edge tables far larger than the data
    are refused up front (``fastit.binning.check_edge_count``).
    """
    check_edge_count(int(sizes.max()), n, name)
    widen = lo == hi  # NumPy's widening of an empty range
    first = np.where(widen, lo - 0.5, lo)
    last = np.where(widen, hi + 0.5, hi)
    out = np.full((lo.size, int(sizes.max()) + 1), np.inf)
    for k in np.unique(sizes).tolist():
        rows = np.flatnonzero(sizes == k)
        a, z = first[rows], last[rows]
        i = np.arange(k + 1, dtype=np.float64)
        with np.errstate(over="ignore", invalid="ignore"):
            delta = z - a
            step = delta / k
            e = i * step[:, None] + a[:, None]
            tiny = step == 0
            if tiny.any():
                e[tiny] = (i / k) * delta[tiny, None] + a[tiny, None]
            e[:, -1] = z
            bad = ~(np.diff(e, axis=1) > 0).all(axis=1)
        for r in np.flatnonzero(bad).tolist():  # NumPy's error, or the edges of a range
            # whose width overflows, from fastit.binning
            exact = equal_width_bins(float(lo[rows[r]]), float(hi[rows[r]]), k, name)
            e[r] = edges_of(exact, name, n)
        out[rows, : k + 1] = e
    return _ColumnEdges(out, sizes.astype(np.int64))


def _padded(rows: list[FloatArray]) -> _ColumnEdges:
    sizes = np.array([r.size - 1 for r in rows], dtype=np.int64)
    out = np.full((len(rows), int(sizes.max()) + 1), np.inf)
    for b, r in enumerate(rows):
        out[b, : r.size] = r
    return _ColumnEdges(out, sizes)


def _is_explicit(spec: Any) -> bool:
    return not isinstance(spec, (str, numbers.Integral))


def _column_edges(
    x: Tensor, c: int, spec: Any, lo: FloatArray, hi: FloatArray, name: str
) -> _ColumnEdges:
    """Edges of column c in every problem for an int or a rule."""
    batch, n = x.shape[0], x.shape[1]
    if isinstance(spec, bool):
        raise TypeError(f"bins must be an int, a sequence of edges or a rule name, not {spec!r}")
    if isinstance(spec, numbers.Integral):
        if spec < 1:
            raise ValueError(f"bins must be at least 1, got {spec}")
        return _equal_width(lo, hi, np.full(batch, int(spec), dtype=np.int64), n, name)
    if spec not in RULES:
        bin_edges(np.array([0.0, 1.0]), spec, name)  # raises fastit.binning's error
        raise AssertionError(f"unexpected bins {spec!r}")
    if spec in _RANGE_RULES:
        sizes = _rule_bins(spec, lo, hi, n)
        if sizes is not None:
            return _equal_width(lo, hi, sizes, n, name)
    # A rule that needs the data's statistics: the column goes to the host (exact, one copy).
    column = x[:, :, c].to(torch.float64).cpu().numpy()
    return _padded([bin_edges(column[b], spec, name) for b in range(batch)])


def _edges(x: Tensor, bins: Any, lo: FloatArray, hi: FloatArray, name: str) -> list[_ColumnEdges]:
    """Edges of every column; explicit edges are checked once against all their columns."""
    specs = _column_specs(bins, x.shape[2], name)
    shared: dict[int, _ColumnEdges] = {}
    columns = []
    for c, spec in enumerate(specs):
        if not _is_explicit(spec):
            columns.append(_column_edges(x, c, spec, lo[:, c], hi[:, c], name))
            continue
        if id(spec) not in shared:
            group = [j for j, s in enumerate(specs) if s is spec]
            # fastit.binning validates the edges and raises if any sample lies outside.
            span = np.array([lo[:, group].min(), hi[:, group].max()])
            edges = bin_edges(span, spec, name)
            shared[id(spec)] = _ColumnEdges(edges, np.full(x.shape[0], edges.size - 1))
        columns.append(shared[id(spec)])
    return columns


# ---------------------------------------------------------------------------- binning


def _bin_chunk(values: Tensor, chunk: list[_ColumnEdges], sizes: IntArray) -> Tensor:
    """(B, g, n) codes of float64 values (B, g, n) for the chunk's columns."""
    device = values.device
    if all(e is chunk[0] for e in chunk) and chunk[0].edges.ndim == 1:
        boundaries = torch.tensor(chunk[0].edges, device=device)
        position = torch.bucketize(values, boundaries, right=True)
    else:
        table = np.full((values.shape[0], len(chunk), int(sizes.max()) + 1), np.inf)
        for j, e in enumerate(chunk):
            table[:, j, : e.edges.shape[-1]] = e.edges
        position = torch.searchsorted(torch.tensor(table, device=device), values, right=True)
    last = torch.tensor(sizes - 1, device=device).unsqueeze(-1)
    # searchsorted(side="right") - 1 is [e_i, e_{i+1}); the last edge closes the last bin.
    return torch.minimum(position - 1, last)


def _width_term(codes: Tensor, chunk: list[_ColumnEdges], sizes: IntArray, n: int) -> Tensor:
    """sum over the chunk's columns of (bin counts . ln bin widths) / n, per problem."""
    batch, g, _ = codes.shape
    k = int(sizes.max())
    keys = codes + (torch.arange(batch * g, device=codes.device) * k).reshape(batch, g, 1)
    counts = torch.bincount(keys.reshape(-1), minlength=batch * g * k).reshape(batch, g, k)
    log_width = np.zeros((batch, g, k))
    for j, e in enumerate(chunk):
        lw = log_difference(e.edges[..., :-1], e.edges[..., 1:])  # NaN in the padding
        inside = np.arange(lw.shape[-1]) < e.sizes[:, None]
        log_width[:, j, : lw.shape[-1]] = np.where(inside, lw, 0.0)
    weighted = counts.to(torch.float64) * torch.tensor(log_width, device=codes.device)
    return (weighted.sum(dim=-1) / n).sum(dim=-1)


def _binned(
    x: Tensor, bins: Any, name: str, *, widths: bool = False
) -> tuple[_Variable, Tensor | None]:
    """The histogram of a continuous variable, and (``widths``) its mean log cell volume."""
    batch, n, d = x.shape
    low, high = torch.aminmax(x, dim=1)
    # The only statistics ints and range rules need: 2 scalars per column and problem.
    lo_hi = torch.stack((low, high)).to(torch.float64).cpu().numpy()
    columns = _edges(x, bins, lo_hi[0], lo_hi[1], name)
    sizes = np.stack([e.sizes for e in columns], axis=1)  # (B, d)
    step = max(1, _CHUNK_ELEMENTS // (batch * max(n, int(sizes.max()) + 1)))
    acc: tuple[Tensor, int] | None = None
    width = torch.zeros(batch, dtype=torch.float64, device=x.device) if widths else None
    for c0 in range(0, d, step):
        chunk, chunk_sizes = columns[c0 : c0 + step], sizes[:, c0 : c0 + step]
        # float64 comparisons: float32 samples are widened exactly, the edges are float64.
        values = x[:, :, c0 : c0 + step].transpose(1, 2).to(torch.float64).contiguous()
        codes = _bin_chunk(values, chunk, chunk_sizes)
        for j in range(len(chunk)):
            acc = _mix(acc, codes[:, j], int(chunk_sizes[:, j].max()))
        if width is not None:
            width += _width_term(codes, chunk, chunk_sizes, n)
    assert acc is not None
    cells, counts = _histogram(*acc)
    # NSB alphabet as fastit.binned computes it (a float64 product for several columns).
    alphabet = [
        int(np.prod(row, dtype=np.float64)) if d > 1 else int(row[0]) for row in sizes.tolist()
    ]
    return _Variable(cells, counts, alphabet), width


# ---------------------------------------------------------------------------- estimators


def _plugin_entropy(counts: Tensor, n: int) -> Tensor:
    """-sum p ln p per row, with log1p for a cell holding more than half the mass (as the
    compiled NumPy kernel, which keeps nearly degenerate tables accurate)."""
    total = float(n)
    p = counts / total
    term = torch.where(
        counts > 0.5 * total, -p * torch.log1p(-(total - counts) / total), -p * torch.log(p)
    )
    return term.masked_fill(counts == 0, 0.0).sum(dim=1)


def _entropy(
    counts: Tensor, n: int, correction: str | None, alphabet: list[int] | list[Any] | None
) -> Tensor:
    """Entropy (nats) of each row of a (B, K) table of counts by the chosen estimator."""
    if correction is None or correction == "miller-madow":
        h = _plugin_entropy(counts, n)
        if correction == "miller-madow":
            observed = (counts > 0).sum(dim=1).to(torch.float64)
            h = h + (observed - 1.0) / (2.0 * n)
        return h
    # The other estimators run on the host, on the non-zero counts of each problem.
    nonzero = counts > 0
    values = counts[nonzero].cpu().numpy()
    per_problem = nonzero.sum(dim=1).cpu().numpy()
    parts = np.split(values, np.cumsum(per_problem)[:-1])
    out = [
        entropy_from_counts(part, correction, None if alphabet is None else alphabet[b])
        for b, part in enumerate(parts)
    ]
    return torch.tensor(out, dtype=torch.float64, device=counts.device)


def _plugin_mutual_info(
    vx: _Variable, vy: _Variable, cells: Tensor, counts: Tensor, n: int
) -> Tensor:
    """sum over occupied joint cells of (c/N) ln((c / n_x) (N / n_y)), clamped at 0."""
    batch = counts.shape[0]
    nx = vx.counts.gather(1, vx.cells)  # each sample's marginal counts
    ny = vy.counts.gather(1, vy.cells)
    # One sample of each occupied joint cell, to read the cell's marginal counts.
    sample = torch.arange(n, device=counts.device).expand(batch, n)
    rep = torch.zeros(counts.shape, dtype=torch.int64, device=counts.device)
    rep.scatter_reduce_(1, cells, sample, reduce="amax", include_self=False)
    total = float(n)
    term = (counts / total) * torch.log((counts / nx.gather(1, rep)) * (total / ny.gather(1, rep)))
    mi = term.masked_fill(counts == 0, 0.0).sum(dim=1)
    return mi.clamp_min(0.0)  # the plug-in MI is non-negative; drop a rounding residue
