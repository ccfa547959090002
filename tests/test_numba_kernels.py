"""The Numba kernels of fastit._numba against NumPy's histograms and plain formulas.

Counts must be *equal* (np.array_equal), edges included: values exactly on interior
edges, on the first edge, on the last edge (closed), just beside edges, and outside.
"""

from __future__ import annotations

import numba
import numpy as np
import pytest
import scipy.stats
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from fastit._numba import (
    bin_codes_edges,
    bin_codes_uniform,
    entropy_from_counts,
    histogram_1d,
    histogram_2d,
    histogram_nd,
    joint_codes,
    joint_counts_uniform,
    mutual_info_from_joint,
    uniform_edges,
)
from fastit._numba.histogram import uniform_edges_at, uniform_edges_distinct
from fastit._numba.scan import finite_range_pair
from fastit._numba.sparse import mutual_info_from_cells, sorted_entropy

HYPO = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def edge_heavy(rng: np.random.Generator, edges: np.ndarray, n: int) -> np.ndarray:
    """Random values plus every edge, its float neighbours and values outside."""
    lo, hi = edges[0], edges[-1]
    width = hi - lo
    parts = [
        rng.uniform(lo - 0.1 * width, hi + 0.1 * width, n),
        edges,
        np.nextafter(edges, -np.inf),
        np.nextafter(edges, np.inf),
        [lo - width, hi + width, -np.inf, np.inf],
    ]
    x = np.concatenate([np.asarray(p, dtype=np.float64) for p in parts])
    return rng.permutation(x)


def codes_np(x: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """histogramdd's rule: searchsorted(side='right') - 1, last edge closed, else -1."""
    c = np.searchsorted(edges, x, side="right") - 1
    c[x == edges[-1]] = len(edges) - 2
    c[~((x >= edges[0]) & (x <= edges[-1]))] = -1
    return c


UNIFORM_CASES = [
    (0.0, 1.0, 1),
    (0.0, 1.0, 10),
    (-3.7, 2.9, 64),
    (0.1, 0.7, 3),
    (-1e-3, 1e-3, 7),
    (1e6, 1e6 + 1.0, 33),
    (-2.5e12, 7.5e11, 100),
    (1.0, 1.0 + 2**-40, 17),
    # Ranges so narrow for their magnitude that every value is checked against the edges.
    (1.0, 1.0 + 2**-44, 16),
    (1e15, 1e15 + 64.0, 64),
]


# --------------------------------------------------------------------------- edges


@pytest.mark.parametrize(("lo", "hi", "n_bins"), UNIFORM_CASES)
def test_uniform_edges_are_linspace_bit_for_bit(lo: float, hi: float, n_bins: int) -> None:
    assert np.array_equal(uniform_edges(lo, hi, n_bins), np.linspace(lo, hi, n_bins + 1))


@pytest.mark.parametrize(
    ("lo", "hi", "n_bins"),
    [
        (1.0, 1.0, 4),
        (2.0, 1.0, 4),
        (0.0, 1.0, 0),
        (0.0, np.inf, 4),
        (np.nan, 1.0, 3),
        (1.0, np.nextafter(1.0, 2.0), 4),
    ],
)
def test_uniform_edges_reject_bad_ranges(lo: float, hi: float, n_bins: int) -> None:
    with pytest.raises(ValueError, match=r"n_bins|finite|smaller|too many bins"):
        uniform_edges(lo, hi, n_bins)


# --------------------------------------------------------------------------- 1-D


@pytest.mark.parametrize(("lo", "hi", "n_bins"), UNIFORM_CASES)
def test_uniform_codes_equal_np_histogram(lo: float, hi: float, n_bins: int) -> None:
    rng = np.random.default_rng(n_bins)
    edges = np.linspace(lo, hi, n_bins + 1)
    x = edge_heavy(rng, edges, 5000)
    codes = bin_codes_uniform(x, lo, hi, n_bins)
    assert np.array_equal(codes, codes_np(x, edges))
    counts, skipped = histogram_1d(codes, n_bins)
    expected, _ = np.histogram(x, bins=n_bins, range=(lo, hi))
    assert counts.dtype == np.int64
    assert np.array_equal(counts, expected)
    assert skipped == np.count_nonzero((x < lo) | (x > hi))


def test_first_and_last_edge() -> None:
    x = np.array([0.0, 1.0, 0.5, 0.25, 0.75, -0.0, np.nextafter(1.0, 2.0), np.nan])
    codes = bin_codes_uniform(x, 0.0, 1.0, 4)
    assert codes.tolist() == [0, 3, 2, 1, 3, 0, -1, -1]
    assert np.array_equal(bin_codes_edges(x, np.linspace(0.0, 1.0, 5)), codes)
    counts, skipped = histogram_1d(codes, 4)
    assert counts.tolist() == [2, 1, 1, 2]
    assert skipped == 2


@pytest.mark.parametrize(
    "edges",
    [
        [0.0, 1.0],
        [0.0, 0.1, 0.5, 2.0, 10.0],
        [-5.0, -1.0, -0.5, 0.0, 0.3, 7.0],
        [0.0, 1.0, 1.0, 2.0],  # a repeated interior edge: an empty bin [1, 1)
        [0.0, 1.0, 2.0, 2.0],  # a repeated last edge: last bin [2, 2]
        list(np.geomspace(1e-3, 1e3, 40)),
    ],
)
def test_edge_codes_equal_np_histogram(edges: list[float]) -> None:
    e = np.asarray(edges)
    rng = np.random.default_rng(len(edges))
    x = edge_heavy(rng, e, 3000)
    codes = bin_codes_edges(x, e)
    assert np.array_equal(codes, codes_np(x, e))
    counts, skipped = histogram_1d(codes, len(e) - 1)
    assert np.array_equal(counts, np.histogram(x, bins=e)[0])
    assert skipped == np.count_nonzero((x < e[0]) | (x > e[-1]))


def test_integer_data_on_edges() -> None:
    # Integer-valued data put most samples exactly on edges.
    x = np.random.default_rng(1).integers(-3, 13, 20000).astype(np.float64)
    for n_bins in (1, 2, 5, 10, 16, 30):
        codes = bin_codes_uniform(x, -3.0, 12.0, n_bins)
        counts, _ = histogram_1d(codes, n_bins)
        assert np.array_equal(counts, np.histogram(x, bins=n_bins, range=(-3.0, 12.0))[0])


def test_edges_reject_unsorted_or_short() -> None:
    x = np.zeros(3)
    with pytest.raises(ValueError, match="non-decreasing"):
        bin_codes_edges(x, np.array([0.0, 2.0, 1.0]))
    with pytest.raises(ValueError, match="non-decreasing"):
        bin_codes_edges(x, np.array([0.0, np.nan, 1.0]))
    with pytest.raises(ValueError, match="at least 2"):
        bin_codes_edges(x, np.array([0.0]))


def test_histogram_1d_skips_any_out_of_range_code() -> None:
    counts, skipped = histogram_1d(np.array([0, 1, 1, -1, 3, 2, 7], np.int64), 3)
    assert counts.tolist() == [1, 2, 1]
    assert skipped == 3


# --------------------------------------------------------------------------- 2-D, N-D


def test_joint_counts_uniform_equal_histogram2d() -> None:
    rng = np.random.default_rng(2)
    ex = np.linspace(-2.0, 3.0, 65)
    ey = np.linspace(-1.0, 1.0, 33)
    n = 100_000
    x = np.concatenate([rng.normal(size=n), ex, ex[:33], [np.nan, 4.0, -np.inf]])
    y = np.concatenate([rng.normal(size=n), ey[np.arange(65) % 33], ey, [0.0, 0.0, 0.0]])
    counts, skipped = joint_counts_uniform(x, y, -2.0, 3.0, -1.0, 1.0, 64, 32)
    expected, _, _ = np.histogram2d(x, y, bins=(64, 32), range=((-2.0, 3.0), (-1.0, 1.0)))
    assert counts.shape == (64, 32)
    assert np.array_equal(counts, expected)
    inside = (x >= -2) & (x <= 3) & (y >= -1) & (y <= 1)
    assert skipped == np.count_nonzero(~inside)
    cx = bin_codes_uniform(x, -2.0, 3.0, 64)
    cy = bin_codes_uniform(y, -1.0, 1.0, 32)
    c2, s2 = histogram_2d(cx, cy, 64, 32)
    assert np.array_equal(c2, counts)
    assert s2 == skipped


def test_joint_counts_uniform_on_integer_grid() -> None:
    # Every sample on an edge: the fused kernel's exact fallback does all the work.
    rng = np.random.default_rng(3)
    x = rng.integers(0, 9, 50_000).astype(np.float64)
    y = rng.integers(0, 5, 50_000).astype(np.float64)
    counts, skipped = joint_counts_uniform(x, y, 0.0, 8.0, 0.0, 4.0, 8, 4)
    assert np.array_equal(counts, np.histogram2d(x, y, bins=(8, 4), range=((0, 8), (0, 4)))[0])
    assert skipped == 0


def test_joint_counts_uniform_narrow_range_uses_exact_edges() -> None:
    rng = np.random.default_rng(10)
    x = 1e15 + rng.integers(-2, 67, 5000) * 0.5
    y = 1.0 + rng.integers(0, 40, 5000) * 2**-47
    args = (1e15, 1e15 + 32.0, 1.0, 1.0 + 2**-44, 64, 16)
    counts, skipped = joint_counts_uniform(x, y, *args)
    rng_ = ((args[0], args[1]), (args[2], args[3]))
    expected, _, _ = np.histogram2d(x, y, bins=(64, 16), range=rng_)
    assert np.array_equal(counts, expected)
    assert counts.sum() + skipped == x.size


def test_subnormal_width_single_bin() -> None:
    # The scale n / (hi - lo) is infinite; every value must go through the edges.
    x = np.array([0.0, 5e-324, 0.0, 1.0, -5e-324])
    y = np.array([0.0, 0.0, 5e-324, 0.0, 0.0])
    counts, skipped = joint_counts_uniform(x, y, 0.0, 5e-324, 0.0, 5e-324, 1, 1)
    rng_ = ((0.0, 5e-324), (0.0, 5e-324))
    assert np.array_equal(counts, np.histogram2d(x, y, bins=1, range=rng_)[0])
    assert skipped == 2
    codes = bin_codes_uniform(x, 0.0, 5e-324, 1)
    assert codes.tolist() == [0, 0, 0, -1, -1]


def test_histogram_2d_unequal_edges() -> None:
    rng = np.random.default_rng(4)
    ex = np.array([-3.0, -1.0, -0.2, 0.0, 0.1, 2.5])
    ey = np.array([0.0, 0.5, 0.6, 4.0])
    x = edge_heavy(rng, ex, 4000)
    y = rng.choice(np.concatenate([ey, rng.uniform(-0.5, 4.5, 100)]), size=x.size)
    counts, skipped = histogram_2d(bin_codes_edges(x, ex), bin_codes_edges(y, ey), 5, 3)
    assert np.array_equal(counts, np.histogram2d(x, y, bins=(ex, ey))[0])
    inside = (x >= ex[0]) & (x <= ex[-1]) & (y >= ey[0]) & (y <= ey[-1])
    assert skipped == np.count_nonzero(~inside)


def test_histogram_nd_equal_histogramdd() -> None:
    rng = np.random.default_rng(5)
    n = 20_000
    sample = rng.normal(size=(n, 3))
    sample[:50, 0] = 1.5  # on the last edge of dimension 0
    sample[50:100, 1] = np.linspace(-2.0, 2.0, 9)[rng.integers(0, 9, 50)]
    e0 = np.linspace(-1.5, 1.5, 7)
    e1 = np.linspace(-2.0, 2.0, 9)
    e2 = np.array([-4.0, -1.0, 0.0, 0.3, 5.0])
    codes = np.column_stack(
        [
            bin_codes_uniform(sample[:, 0], -1.5, 1.5, 6),
            bin_codes_edges(sample[:, 1], e1),
            bin_codes_edges(sample[:, 2], e2),
        ]
    )
    shape = np.array([6, 8, 4], np.int64)
    counts, skipped = histogram_nd(codes, shape)
    expected, _ = np.histogramdd(sample, bins=(e0, e1, e2))
    assert np.array_equal(counts.reshape(tuple(shape)), expected)
    assert skipped == n - int(expected.sum())


def test_histogram_nd_rejects_bad_shape() -> None:
    codes = np.zeros((4, 2), np.int64)
    with pytest.raises(ValueError, match="one entry per column"):
        histogram_nd(codes, np.array([3], np.int64))
    with pytest.raises(ValueError, match="at least 1"):
        histogram_nd(codes, np.array([3, 0], np.int64))
    with pytest.raises(ValueError, match="too many cells"):
        histogram_nd(codes, np.array([2**40, 2**40], np.int64))


def test_length_mismatch_raises() -> None:
    with pytest.raises(ValueError, match="same length"):
        joint_counts_uniform(np.zeros(3), np.zeros(4), 0.0, 1.0, 0.0, 1.0, 2, 2)
    with pytest.raises(ValueError, match="same length"):
        histogram_2d(np.zeros(3, np.int64), np.zeros(4, np.int64), 2, 2)
    with pytest.raises(ValueError, match="same length"):
        finite_range_pair(np.zeros(3), np.zeros(4))


def test_joint_counts_uniform_refuses_more_cells_than_int32() -> None:
    with pytest.raises(ValueError, match="below 2\\*\\*31"):
        joint_counts_uniform(np.zeros(3), np.zeros(3), 0.0, 1.0, 0.0, 1.0, 2**16, 2**15)


def test_joint_counts_uniform_at_batch_and_block_boundaries() -> None:
    # Lengths around the batch size and several blocks: the unrolled counting loop,
    # its tail and the prefetches past the end of the data.
    rng = np.random.default_rng(12)
    for n in (1, 7, 8, 9, 2047, 2048, 2049, 4096 * 3 + 5, 70_001):
        x, y = rng.normal(size=n), rng.normal(size=n)
        counts, skipped = joint_counts_uniform(x, y, -2.0, 2.0, -3.0, 3.0, 16, 8)
        expected, _, _ = np.histogram2d(x, y, bins=(16, 8), range=((-2, 2), (-3, 3)))
        assert np.array_equal(counts, expected)
        assert counts.sum() + skipped == n


# --------------------------------------------------------------------------- range scan


@pytest.mark.parametrize("n", [1, 5, 65_536, 65_537, 200_003])
def test_finite_range_pair_equals_numpy(n: int) -> None:
    rng = np.random.default_rng(n)
    x = rng.standard_cauchy(n)
    y = rng.normal(size=n) * 1e-310  # subnormal and tiny values of both signs
    lo_x, hi_x, bad_x, lo_y, hi_y, bad_y = finite_range_pair(x, y)
    assert (lo_x, hi_x, lo_y, hi_y) == (x.min(), x.max(), y.min(), y.max())
    assert bad_x == bad_y == 0


def test_finite_range_pair_extremes_and_signed_zero() -> None:
    big = np.finfo(np.float64).max
    x = np.array([0.0, -0.0, big, -big, 5e-324, -5e-324])
    y = np.array([-0.0, -0.0, 0.0, -0.0, -0.0, -0.0])
    lo_x, hi_x, _, lo_y, hi_y, _ = finite_range_pair(x, y)
    assert (lo_x, hi_x) == (-big, big)
    assert lo_y == hi_y == 0.0


def test_finite_range_pair_counts_non_finite() -> None:
    x = np.array([1.0, np.nan, 2.0, np.inf, -np.inf, 3.0])
    y = np.array([1.0, 2.0, 3.0, 4.0, 5.0, -np.nan])
    lo_x, hi_x, bad_x, lo_y, hi_y, bad_y = finite_range_pair(x, y)
    assert (bad_x, bad_y) == (3, 1)
    assert finite_range_pair(np.empty(0), np.empty(0))[2::3] == (0, 0)


def test_results_do_not_depend_on_thread_count() -> None:
    rng = np.random.default_rng(6)
    n = 300_000  # several blocks of samples
    x = rng.normal(size=n)
    y = x + rng.normal(size=n)
    default = numba.get_num_threads()
    results = []
    try:
        for threads in sorted({1, min(2, numba.config.NUMBA_NUM_THREADS)}):
            numba.set_num_threads(threads)
            cx = bin_codes_uniform(x, -3.0, 3.0, 20)
            cy = bin_codes_edges(y, np.array([-4.0, -1.0, 0.0, 0.5, 4.0]))
            results.append(
                (
                    cx,
                    cy,
                    histogram_1d(cx, 20),
                    histogram_2d(cx, cy, 20, 4),
                    histogram_nd(np.column_stack([cx, cy]), np.array([20, 4], np.int64)),
                    joint_counts_uniform(x, y, -3.0, 3.0, -4.0, 4.0, 64, 64),
                )
            )
    finally:
        numba.set_num_threads(default)
    first = results[0]
    for other in results[1:]:
        assert np.array_equal(first[0], other[0])
        assert np.array_equal(first[1], other[1])
        for a, b in zip(first[2:], other[2:], strict=True):
            assert np.array_equal(a[0], b[0])
            assert a[1] == b[1]


# --------------------------------------------------------------------------- hypothesis

finite = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False, width=64)
data_arrays = hnp.arrays(np.float64, st.integers(1, 200), elements=finite)
grid_arrays = hnp.arrays(np.float64, st.integers(1, 200), elements=st.integers(-20, 20).map(float))


@HYPO
@given(x=st.one_of(data_arrays, grid_arrays), n_bins=st.integers(1, 40))
def test_uniform_counts_match_numpy_property(x: np.ndarray, n_bins: int) -> None:
    lo, hi = float(x.min()), float(x.max())
    if lo == hi:  # NumPy widens an empty range the same way
        lo, hi = lo - 0.5, hi + 0.5
    try:
        expected, _ = np.histogram(x, bins=n_bins, range=(lo, hi))
    except ValueError:
        with pytest.raises(ValueError, match="too many bins"):
            bin_codes_uniform(x, lo, hi, n_bins)
        return
    counts, skipped = histogram_1d(bin_codes_uniform(x, lo, hi, n_bins), n_bins)
    assert np.array_equal(counts, expected)
    assert skipped == 0
    assert counts.sum() == x.size


@HYPO
@given(
    x=st.one_of(data_arrays, grid_arrays),
    edges=hnp.arrays(np.float64, st.integers(2, 12), elements=finite).map(np.sort),
)
def test_edge_counts_match_numpy_property(x: np.ndarray, edges: np.ndarray) -> None:
    counts, skipped = histogram_1d(bin_codes_edges(x, edges), edges.size - 1)
    assert np.array_equal(counts, np.histogram(x, bins=edges)[0])
    # Counts sum to the number of in-range values.
    assert counts.sum() + skipped == x.size
    assert skipped == np.count_nonzero((x < edges[0]) | (x > edges[-1]))


@HYPO
@given(
    xy=hnp.arrays(np.float64, st.tuples(st.integers(1, 100), st.just(2)), elements=finite),
    nx=st.integers(1, 12),
    ny=st.integers(1, 12),
    pad=st.floats(0.0, 2.0),
)
def test_joint_counts_match_histogram2d_property(
    xy: np.ndarray, nx: int, ny: int, pad: float
) -> None:
    x, y = xy[:, 0].copy(), xy[:, 1].copy()
    # A range narrower than the data when pad < 1, so some samples fall outside.
    lx, hx = float(x.min()), float(x.min() + pad * (x.max() - x.min()))
    ly, hy = float(y.min()), float(y.max())
    if lx == hx:
        lx, hx = lx - 0.5, hx + 0.5
    if ly == hy:
        ly, hy = ly - 0.5, hy + 0.5
    ranges = ((lx, hx, nx), (ly, hy, ny))
    increasing = all((np.diff(np.linspace(lo, hi, m + 1)) > 0).all() for lo, hi, m in ranges)
    if not increasing:  # a range too narrow for that many bins: refused, not binned
        with pytest.raises(ValueError, match="too many bins"):
            joint_counts_uniform(x, y, lx, hx, ly, hy, nx, ny)
        return
    try:
        expected, _, _ = np.histogram2d(x, y, bins=(nx, ny), range=((lx, hx), (ly, hy)))
    except ValueError:
        return
    counts, skipped = joint_counts_uniform(x, y, lx, hx, ly, hy, nx, ny)
    assert np.array_equal(counts, expected)
    assert counts.sum() + skipped == x.size


# --------------------------------------------------------------------------- counts


def entropy_np(counts: np.ndarray) -> float:
    p = counts[counts > 0] / counts.sum()
    return float(-np.sum(p * np.log(p)))


def mi_np(table: np.ndarray) -> float:
    p = table / table.sum()
    outer = p.sum(axis=1, keepdims=True) * p.sum(axis=0, keepdims=True)
    m = p > 0
    return float(np.sum(p[m] * np.log(p[m] / outer[m])))


@pytest.mark.parametrize(
    "counts",
    [
        np.array([1], np.int64),
        np.array([5, 0, 5], np.int64),
        np.array([1, 2, 3, 4, 0, 0, 10], np.int64),
        np.random.default_rng(7).integers(0, 1000, 500),
        np.array([10**9, 1, 3], np.int64),
        np.array([0.5, 1.5, 2.0]),
    ],
)
def test_entropy_from_counts(counts: np.ndarray) -> None:
    h = entropy_from_counts(counts)
    assert h == pytest.approx(entropy_np(counts), rel=1e-12, abs=1e-15)
    assert h == pytest.approx(scipy.stats.entropy(counts), rel=1e-12, abs=1e-15)


def test_entropy_of_a_table_and_degenerate_cases() -> None:
    table = np.random.default_rng(8).integers(0, 50, (6, 9))
    assert entropy_from_counts(table) == pytest.approx(entropy_np(table.ravel()), rel=1e-12)
    assert entropy_from_counts(np.array([0, 7, 0], np.int64)) == 0.0
    assert np.isnan(entropy_from_counts(np.zeros(3, np.int64)))
    with pytest.raises(ValueError, match="non-negative"):
        entropy_from_counts(np.array([1, -1, 3], np.int64))
    with pytest.raises(ValueError, match="non-negative"):
        entropy_from_counts(np.array([1.0, np.nan]))


def test_entropy_keeps_precision_near_zero() -> None:
    # H = -p ln p - q ln q with q = 1/N tiny; compare with a series that has no cancellation.
    big = 10**12
    q = 1.0 / (big + 1)
    exact = q * np.log1p(big) + (1 - q) * np.log1p(1 / big)
    assert entropy_from_counts(np.array([big, 1], np.int64)) == pytest.approx(exact, rel=1e-13)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mutual_info_from_joint(seed: int) -> None:
    rng = np.random.default_rng(seed)
    table = rng.integers(0, 30, (5, 8))
    table[0, :] = 0  # an empty row
    mi = mutual_info_from_joint(table)
    assert mi == pytest.approx(mi_np(table), rel=1e-12, abs=1e-15)
    hx = scipy.stats.entropy(table.sum(axis=1))
    hy = scipy.stats.entropy(table.sum(axis=0))
    assert mi == pytest.approx(hx + hy - scipy.stats.entropy(table.ravel()), abs=1e-12)


def test_mutual_info_edge_cases() -> None:
    assert mutual_info_from_joint(np.outer([1, 2, 3], [4, 5])) == 0.0  # independent
    diag = np.diag([3, 3, 3, 3]).astype(np.int64)
    assert mutual_info_from_joint(diag) == pytest.approx(np.log(4), rel=1e-14)
    assert np.isnan(mutual_info_from_joint(np.zeros((2, 2), np.int64)))
    with pytest.raises(ValueError, match="non-negative"):
        mutual_info_from_joint(np.array([[1, -2], [3, 4]], np.int64))


@HYPO
@given(
    table=hnp.arrays(
        np.int64, st.tuples(st.integers(1, 6), st.integers(1, 6)), elements=st.integers(0, 50)
    )
)
def test_mutual_info_bounds_property(table: np.ndarray) -> None:
    if table.sum() == 0:
        return
    mi = mutual_info_from_joint(table)
    hx = entropy_from_counts(table.sum(axis=1))
    hy = entropy_from_counts(table.sum(axis=0))
    assert 0.0 <= mi <= min(hx, hy) + 1e-12
    assert mi == pytest.approx(mutual_info_from_joint(np.ascontiguousarray(table.T)), abs=1e-12)


# --------------------------------------------------------------------------- joint codes


def test_joint_codes_round_trip() -> None:
    rng = np.random.default_rng(9)
    cards = np.array([3, 1, 7, 4], np.int64)
    codes = np.column_stack([rng.integers(0, k, 1000) for k in cards]).astype(np.int64)
    joint = joint_codes(codes, cards)
    assert np.array_equal(joint, np.ravel_multi_index(codes.T, cards))
    assert np.array_equal(np.column_stack(np.unravel_index(joint, cards)), codes)
    counts, skipped = histogram_1d(joint, int(cards.prod()))
    assert skipped == 0
    assert np.array_equal(counts, np.bincount(joint, minlength=int(cards.prod())))


def test_joint_codes_errors() -> None:
    codes = np.zeros((5, 3), np.int64)
    with pytest.raises(ValueError, match="exceeds int64"):
        joint_codes(codes, np.array([2**31, 2**31, 4], np.int64))
    # 2**62 * 2 = 2**63 overflows as well; 2**62 alone fits.
    with pytest.raises(ValueError, match="exceeds int64"):
        joint_codes(codes[:, :2], np.array([2**62, 2], np.int64))
    assert joint_codes(codes[:, :2], np.array([2**62, 1], np.int64)).tolist() == [0] * 5
    with pytest.raises(ValueError, match="at least 1"):
        joint_codes(codes, np.array([2, 0, 2], np.int64))
    with pytest.raises(ValueError, match="one entry per column"):
        joint_codes(codes, np.array([2, 2], np.int64))
    bad = codes.copy()
    bad[3, 1] = 2
    with pytest.raises(ValueError, match="outside"):
        joint_codes(bad, np.array([2, 2, 2], np.int64))


# --------------------------------------------------------------------------- composability


@numba.njit(cache=False)
def _user_entropy(x: np.ndarray) -> float:
    codes = bin_codes_uniform(x, 0.0, 1.0, 4)
    counts, _ = histogram_1d(codes, 4)
    return entropy_from_counts(counts)


def test_kernels_callable_from_user_njit_code() -> None:
    x = np.array([0.1, 0.3, 0.6, 0.9, 1.0, 0.0, 0.55, 0.8])
    assert _user_entropy(x) == pytest.approx(scipy.stats.entropy([2, 1, 2, 3]), rel=1e-14)


# --------------------------------------------------------------------------- edges on the fly

magnitudes = st.sampled_from([1e-300, 1e-8, 1.0, 1e6, 1e15, 1e300])


@HYPO
@given(
    centre=st.floats(-1.0, 1.0),
    magnitude=magnitudes,
    ulps=st.integers(1, 10_000),
    n_bins=st.integers(1, 3000),
)
def test_distinct_edges_test_is_exact_or_sound(centre, magnitude, ulps, n_bins) -> None:
    # Ranges from a few ulps wide (edges repeat) to wide ones.
    lo = centre * magnitude
    hi = lo + ulps * np.spacing(abs(lo)) * max(1.0, n_bins / 64)
    if not (np.isfinite(hi) and lo < hi):
        return
    distinct = bool((np.diff(np.linspace(lo, hi, n_bins + 1)) > 0).all())
    assert uniform_edges_distinct(lo, hi, n_bins, True) == distinct
    if uniform_edges_distinct(lo, hi, n_bins, False):  # the O(1) test never vouches wrongly
        assert distinct


@pytest.mark.parametrize(("lo", "hi", "n_bins"), UNIFORM_CASES)
def test_edges_at_chosen_indices_are_linspace(lo: float, hi: float, n_bins: int) -> None:
    idx = np.random.default_rng(n_bins).integers(0, n_bins + 1, 50)
    assert np.array_equal(
        uniform_edges_at(lo, hi, n_bins, idx), np.linspace(lo, hi, n_bins + 1)[idx]
    )


@pytest.mark.parametrize("n_bins", [1, 2, 3, 10, 1000])
@pytest.mark.parametrize(("lo", "hi"), [(-1e308, 1e308), (-1.7e308, 1.0), (-5.0, 1.79e308)])
def test_ranges_whose_width_overflows_get_halved_edges(lo: float, hi: float, n_bins: int) -> None:
    edges = uniform_edges(lo, hi, n_bins)
    assert (edges[0], edges[-1]) == (lo, hi)
    assert (np.diff(edges / 2) > 0).all()  # strictly increasing (the halves do not overflow)
    rng = np.random.default_rng(n_bins)
    x = np.concatenate([edges, rng.uniform(-1.0, 1.0, 500) * min(-lo, hi), [np.nan]])
    assert np.array_equal(bin_codes_uniform(x, lo, hi, n_bins), codes_np(x, edges))
    y = np.zeros_like(x)
    counts, skipped = joint_counts_uniform(x, y, lo, hi, -1.0, 1.0, n_bins, 1)
    assert np.array_equal(counts[:, 0], np.bincount(codes_np(x, edges)[:-1], minlength=n_bins))
    assert skipped == 1


@HYPO
@given(counts=hnp.arrays(np.int64, st.integers(1, 60), elements=st.integers(0, 50)))
def test_sorted_entropy_and_sparse_mutual_info(counts: np.ndarray) -> None:
    if counts.sum() == 0:
        return
    keys = np.repeat(np.arange(counts.size, dtype=np.int64) * 7, counts)
    n = keys.size
    h, distinct = sorted_entropy(np.random.default_rng(0).permutation(keys), n)
    assert h == pytest.approx(scipy.stats.entropy(counts), abs=1e-12)
    assert distinct == np.count_nonzero(counts)
    table = counts[: (counts.size // 3) * 3].reshape(-1, 3)
    if table.sum() == 0:
        return
    cx, cy = np.nonzero(table)
    got = mutual_info_from_cells(cx, cy, table[cx, cy], table.sum(axis=1), table.sum(axis=0))
    assert got == pytest.approx(mutual_info_from_joint(table), abs=1e-12)


def test_pairwise_kernels_sort_tables_past_the_dense_bound() -> None:
    from fastit._numba.pairwise import pairwise_binned_mi

    rng = np.random.default_rng(3)
    n = 500
    codes = rng.integers(0, n, (3, n)).astype(np.int32)
    rows, cols = (g.ravel().astype(np.int64) for g in np.indices((3, 3)))
    dense = pairwise_binned_mi(codes, np.full(3, n), codes, np.full(3, n), rows, cols, True)
    sparse = pairwise_binned_mi(
        codes, np.full(3, 10**9), codes, np.full(3, 10**9), rows, cols, True
    )
    np.testing.assert_allclose(sparse, dense, rtol=0, atol=1e-12)  # n^2 > 4n: dense sorted too
    h = [scipy.stats.entropy(np.bincount(c)) + (np.unique(c).size - 1) / (2 * n) for c in codes]
    assert sparse[0] == pytest.approx(h[0], abs=1e-12)  # I(X; X) = H(X), Miller-Madow
