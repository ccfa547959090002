"""Adversarial data for the binned and discrete estimators: independence gives about 0
(bounded by the plug-in's chi-square null at that n), bijections of a discrete X give H(X),
huge bin counts, extreme magnitudes, subnormals, constants, the smallest n, identical
columns, and memory bounded by the data."""

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fastit
from fastit import binned, binning, pairwise
from fastit._entropy_estimators import OutcomeRange, nsb_posterior
from fastit._numba.histogram import bin_codes_uniform

# Far more bins than samples are the point here; that fastit.mutual_info then warns that
# the estimate measures the bins is checked in test_binned.py.
pytestmark = pytest.mark.filterwarnings("ignore:the bins leave:fastit.EstimationWarning")

sys.path.insert(0, str(Path(__file__).parent))
import _memory  # noqa: E402

CORRECTIONS_EXACT = [None, "miller-madow", "grassberger", "jackknife", "chao-shen"]


def plugin_h(counts):
    p = counts[counts > 0] / counts.sum()
    return float(-np.sum(p * np.log(p)))


def plugin_mi_from_codes(cx, cy):
    """The defining sum over the occupied cells, from codes (no table)."""
    n = cx.size
    pairs, c = np.unique(np.column_stack([cx, cy]), axis=0, return_counts=True)
    nx = np.unique(cx, return_counts=True)
    ny = np.unique(cy, return_counts=True)
    px = dict(zip(nx[0].tolist(), nx[1].tolist(), strict=True))
    py = dict(zip(ny[0].tolist(), ny[1].tolist(), strict=True))
    outer = np.array([px[a] * py[b] for a, b in pairs.tolist()], dtype=float)
    return float(np.sum(c / n * np.log(n * c / outer)))


def linspace_codes(v, lo, hi, k):
    """Reference codes for k equal-width bins without the k + 1 edges: NumPy's edge
    formula (i * step + lo, the last edge hi) evaluated at a guess and its neighbours."""
    step = (hi - lo) / k

    def edge(i):
        return np.where(i >= k, hi, i.astype(np.float64) * step + lo)

    c = np.clip(np.floor((v - lo) / step).astype(np.int64), 0, k - 1)
    for _ in range(4):
        c = np.where(v < edge(c), c - 1, c)
        c = np.where((c < k - 1) & (v >= edge(c + 1)), c + 1, c)
    assert ((edge(c) <= v) & ((v < edge(c + 1)) | ((c == k - 1) & (v <= hi)))).all()
    return c


def chi_square_bound(mi, mx, my, n):
    """2 n I of independent variables is about chi-square with (mx - 1)(my - 1) degrees of
    freedom: 6 standard deviations above its mean (and 10 for small tables) is never hit
    by chance."""
    df = max((mx - 1) * (my - 1), 1)
    return 2 * n * abs(mi) <= df + 6 * np.sqrt(2 * df) + 10


# ---------------------------------------------------------------------------- independence


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(30, 3000),
    bins=st.one_of(st.integers(1, 12), st.sampled_from(["sturges", "fd", "quantile"])),
    correction=st.sampled_from([None, "miller-madow"]),
)
def test_independent_continuous_variables_give_about_zero(seed, n, bins, correction):
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal(n), rng.exponential(size=n)
    mi = fastit.mutual_info(x, y, method="binned", bins=bins, correction=correction)
    bx, by = (binning.bins_per_column(v[:, None], bins, "x")[0] for v in (x, y))
    mx, my = binning.n_bins_of(bx), binning.n_bins_of(by)
    if mx * my <= n / 5:  # about 5 samples a cell or more: the chi-square law holds
        assert chi_square_bound(mi, mx, my, n), (mi, mx, my)
    # Sparse tables (the "fd" rule gives 34 x 55 bins at n = 2195) have a bias the
    # chi-square law does not describe; the permutation null does.
    null = [
        fastit.mutual_info(x, rng.permutation(y), method="binned", bins=bins, correction=correction)
        for _ in range(30)
    ]
    assert abs(mi - np.mean(null)) <= 6 * np.std(null) + 1e-12, (mi, np.mean(null), np.std(null))


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(20, 2000),
    kx=st.integers(1, 8),
    ky=st.integers(1, 8),
)
def test_independent_labels_give_about_zero(seed, n, kx, ky):
    rng = np.random.default_rng(seed)
    x, y = rng.integers(0, kx, n), rng.integers(0, ky, n).astype(str)
    for correction in (None, "miller-madow"):
        mi = fastit.discrete_mutual_info(x, y, correction=correction)
        assert chi_square_bound(mi, kx, ky, n), (correction, mi)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize(("k", "n"), [(6, 800), (6, 200), (10, 100)])
def test_independent_labels_under_nsb_within_its_posterior_spread(seed, k, n):
    rng = np.random.default_rng(seed)
    x, y = rng.integers(0, k, n), rng.integers(0, k, n)
    mi = fastit.discrete_mutual_info(x, y, correction="nsb")
    pairs = np.unique(x * k + y, return_counts=True)[1]
    spread = nsb_posterior(pairs, OutcomeRange(k, k * k))[1]
    assert abs(mi) <= 5 * spread, (mi, spread)


def test_independent_binned_columns_under_nsb_are_not_negative():
    # The product alphabet used to give -0.13 here: a Dirichlet over all 2500 cells of a
    # table whose tails are empty overstates the joint entropy.
    rng = np.random.default_rng(0)
    values = [
        fastit.mutual_info(
            *rng.standard_normal((2, 500)), method="binned", bins=50, correction="nsb"
        )
        for _ in range(6)
    ]
    assert -0.05 < np.mean(values) < 0.15


# ---------------------------------------------------------------------------- identities


labels_with_repeats = st.lists(st.integers(0, 30), min_size=2, max_size=150).map(
    lambda v: np.array(v + v)  # every label at least twice
)


@settings(max_examples=60, deadline=None)
@given(x=labels_with_repeats, shift=st.integers(-5, 5))
def test_a_bijection_of_a_discrete_x_shares_all_of_h_x(x, shift):
    f = np.array([f"s{v * 7 + shift}" for v in x])  # a relabelling: a bijection of X
    for correction in CORRECTIONS_EXACT:
        h = fastit.discrete_entropy(x, correction=correction)
        assert fastit.discrete_mutual_info(x, f, correction=correction) == pytest.approx(
            h, abs=1e-9
        )
    # NSB: the joint's alphabet is unknown between m and m^2; I(X; f(X)) = H(X) within
    # the joint's posterior spread (repeated outcomes pin its support near m).
    h = fastit.discrete_entropy(x, correction="nsb")
    mi = fastit.discrete_mutual_info(x, f, correction="nsb")
    counts = np.unique(x, return_counts=True)[1]
    spread = nsb_posterior(counts, OutcomeRange(counts.size, counts.size**2))[1]
    assert mi <= h + 1e-9
    assert h - mi <= 3 * spread + 1e-9, (h, mi, spread)


def test_nsb_identity_for_fifty_labels():
    # Issue 13: 0.45 nats where H = 3.9 for 50 labels seen once each (the product alphabet).
    u = np.arange(50).repeat(2)
    h = fastit.discrete_entropy(u, correction="nsb")
    assert h == pytest.approx(np.log(50), abs=0.02)
    assert fastit.discrete_mutual_info(u, u, correction="nsb") == pytest.approx(h, abs=0.3)
    u4 = np.arange(50).repeat(4)
    assert fastit.discrete_mutual_info(u4, u4, correction="nsb") == pytest.approx(
        fastit.discrete_entropy(u4, correction="nsb"), abs=0.03
    )
    # Seen once each, nothing constrains the joint: said so, not hidden.
    with pytest.warns(fastit.EstimationWarning, match="none of the 50 observed outcomes"):
        fastit.discrete_mutual_info(np.arange(50), np.arange(50), correction="nsb")


@pytest.mark.parametrize("bins", [7, "fd", "quantile", 10**6])
def test_identical_continuous_columns_share_the_binned_entropy(bins):
    rng = np.random.default_rng(1)
    x = rng.standard_normal(3000)
    b = binning.bins_per_column(x[:, None], bins, "x")[0]
    codes = binned.column_codes(x[:, None], [b])[0]
    h = plugin_h(np.unique(codes, return_counts=True)[1])
    got = fastit.mutual_info(x, x, method="binned", bins=bins, correction=None)
    assert got == pytest.approx(h, abs=1e-12)
    matrix = fastit.pairwise_mutual_info(np.column_stack([x, x, x]), bins=bins, correction=None)
    np.testing.assert_allclose(matrix, np.full((3, 3), h), rtol=0, atol=1e-12)


# ---------------------------------------------------------------------------- huge bin counts


@pytest.mark.parametrize("k", [10**5, 10**9, 10**12, 2**40])
def test_huge_bin_counts_give_numpys_codes_without_the_edges(k):
    rng = np.random.default_rng(k % 97)
    lo, hi = -3.0, 4.0
    v = rng.uniform(lo, hi, 20_000)
    step = (hi - lo) / k
    v[:500] = lo + rng.integers(0, k, 500) * step  # values on computed edges
    v[500:510] = [lo, hi, *np.nextafter(lo + step * np.arange(1, 9), np.inf)]
    assert np.array_equal(bin_codes_uniform(v, lo, hi, k), linspace_codes(v, lo, hi, k))


def test_huge_bins_equal_the_defining_sum_over_the_occupied_cells():
    rng = np.random.default_rng(2)
    x = rng.standard_normal(2000)
    y = np.round(x + rng.standard_normal(2000), 2)
    for k in (5000, 10**5, 10**9):
        lo_x, hi_x, lo_y, hi_y = x.min(), x.max(), y.min(), y.max()
        cx, cy = linspace_codes(x, lo_x, hi_x, k), linspace_codes(y, lo_y, hi_y, k)
        got = fastit.mutual_info(x, y, method="binned", bins=k, correction=None)
        assert got == pytest.approx(plugin_mi_from_codes(cx, cy), abs=1e-12)
        h = fastit.differential_entropy(x, method="histogram", bins=k, correction=None)
        width = np.log((hi_x - lo_x) / k)  # equal widths, up to the edges' last bits
        assert h == pytest.approx(plugin_h(np.unique(cx, return_counts=True)[1]) + width)


def test_every_sample_alone_in_its_cell():
    rng = np.random.default_rng(3)
    x, y = rng.standard_normal((2, 300))
    n = 300
    got = fastit.mutual_info(x, y, method="binned", bins=10**9, correction=None)
    assert got == pytest.approx(np.log(n), abs=1e-12)  # H(X) = H(Y) = H(X, Y) = ln n


@pytest.mark.parametrize("correction", [None, "miller-madow", "grassberger", "nsb"])
def test_sparse_tables_equal_dense_tables(monkeypatch, correction):
    rng = np.random.default_rng(4)
    x = np.column_stack([rng.standard_normal(3000), rng.integers(0, 3, 3000)])
    y = x[:, 0] + rng.standard_normal(3000)
    options = {"method": "binned", "bins": 9, "correction": correction}
    dense = fastit.mutual_info(x, y, **options)
    h_dense = fastit.differential_entropy(x, method="histogram", bins=9, correction=correction)
    matrix = fastit.pairwise_mutual_info(np.column_stack([x, y]), bins=9, correction=correction)
    monkeypatch.setattr(binned, "_DENSE_CELLS_PER_SAMPLE", 0)
    monkeypatch.setattr(binned, "_DENSE_MIN_CELLS", 1)  # every table sparse
    assert fastit.mutual_info(x, y, **options) == pytest.approx(dense, abs=1e-12)
    h = fastit.differential_entropy(x, method="histogram", bins=9, correction=correction)
    assert h == pytest.approx(h_dense, abs=1e-12)
    np.testing.assert_allclose(
        fastit.pairwise_mutual_info(np.column_stack([x, y]), bins=9, correction=correction),
        matrix,
        rtol=0,
        atol=1e-12,
    )


def test_rules_asking_for_huge_counts():
    # fd on heavy tails: millions of bins, counted sparsely.
    rng = np.random.default_rng(5)
    x = rng.standard_cauchy(5000) * 1e3
    y = x + rng.standard_cauchy(5000)
    k = binning.n_bins_of(binning.bins_per_column(x[:, None], "fd", "x")[0])
    assert k > 10**5
    cx = linspace_codes(x, x.min(), x.max(), k)
    ky = binning.n_bins_of(binning.bins_per_column(y[:, None], "fd", "y")[0])
    cy = linspace_codes(y, y.min(), y.max(), ky)
    got = fastit.mutual_info(x, y, method="binned", bins="fd", correction=None)
    assert got == pytest.approx(plugin_mi_from_codes(cx, cy), abs=1e-12)


def test_what_cannot_be_indexed_is_refused_up_front():
    x = np.random.default_rng(6).standard_normal(100)
    with pytest.raises(ValueError, match="more than float64 can index"):
        fastit.mutual_info(x, x, method="binned", bins=2**60)
    x[0] = 1e300
    with pytest.raises(ValueError, match="the 'fd' rule asks for"):
        fastit.differential_entropy(x, method="histogram", bins="fd")


# ---------------------------------------------------------------------------- magnitudes


def overflowing_data(n=1000, seed=7):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    x[0], x[1] = 1e308, -1e308  # hi - lo overflows
    return x, rng.standard_normal(n)


def test_a_range_whose_width_overflows():
    x, y = overflowing_data()
    # One bin of width 2e308: h = ln(2e308), computed without overflow.
    h1 = fastit.differential_entropy(x, method="histogram", bins=1, correction=None)
    assert h1 == pytest.approx(np.log(2.0) + np.log(1e308), abs=1e-9)
    # Two bins split at 0 (the halved edges): h = H(counts) + ln(1e308).
    counts = np.array([np.sum(x < 0), np.sum(x >= 0)])
    h2 = fastit.differential_entropy(x, method="histogram", bins=2, correction=None)
    assert h2 == pytest.approx(plugin_h(counts) + np.log(1e308), abs=1e-9)
    edges = np.array([-1e308, 0.0, 1e308])
    ey = np.linspace(y.min(), y.max(), 4)
    table = np.histogram2d(x, y, bins=(edges, ey))[0]
    cx, cy = np.nonzero(table)
    expected = plugin_mi_from_codes(
        np.repeat(cx, table[cx, cy].astype(int)), np.repeat(cy, table[cx, cy].astype(int))
    )
    got = fastit.mutual_info(x, y, method="binned", bins=[2, 3], correction=None)
    assert got == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("bins", ["auto", "sturges", "scott", "doane", "stone", "quantile", 10])
def test_rules_on_a_range_whose_width_overflows(bins):
    x, y = overflowing_data()
    for value in (
        fastit.mutual_info(x, y, method="binned", bins=bins),
        fastit.differential_entropy(x, method="histogram", bins=bins),
    ):
        assert np.isfinite(value)
    # Rules are scale-free: halving the data leaves their bin counts alone.
    b = binning.bins_per_column(x[:, None], bins, "x")[0]
    half = binning.bins_per_column(x[:, None] / 2, bins, "x")[0]
    assert binning.n_bins_of(b) == binning.n_bins_of(half)


def test_quantile_bins_on_overflowing_data_equal_the_quantile_edges():
    x, y = overflowing_data()
    edges = binning.bins_per_column(x[:, None], "quantile", "x")[0]
    assert (edges[0], edges[-1]) == (-1e308, 1e308)
    cx = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, edges.size - 2)
    ey = binning.bins_per_column(y[:, None], "quantile", "y")[0]
    cy = np.clip(np.searchsorted(ey, y, side="right") - 1, 0, ey.size - 2)
    got = fastit.mutual_info(x, y, method="binned", bins="quantile", correction=None)
    assert got == pytest.approx(plugin_mi_from_codes(cx, cy), abs=1e-12)


@pytest.mark.parametrize("k", [1, 2, 3, 7, 12])  # 12: NumPy's edges repeat, so it raises
def test_subnormal_data_match_numpy_or_raise_like_it(k):
    rng = np.random.default_rng(8)
    x = rng.integers(0, 9, 400) * 5e-324  # subnormal values, 9 distinct
    y = rng.integers(0, 9, 400).astype(float)
    try:
        ex = np.histogram_bin_edges(x, k)
    except ValueError:
        with pytest.raises(ValueError, match="too narrow"):
            fastit.mutual_info(x, y, method="binned", bins=k)
        return
    table = np.histogram2d(x, y, bins=(ex, np.histogram_bin_edges(y, k)))[0]
    p = table / table.sum()
    outer = p.sum(axis=1, keepdims=True) @ p.sum(axis=0, keepdims=True)
    nz = p > 0
    expected = float(np.sum(p[nz] * np.log(p[nz] / outer[nz])))
    got = fastit.mutual_info(x, y, method="binned", bins=k, correction=None)
    assert got == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("value", [0.0, 2.5, -1e300, 1e300, 5e-324])
@pytest.mark.parametrize("bins", [1, 4, "fd", "quantile"])
def test_constants_share_nothing(value, bins):
    rng = np.random.default_rng(9)
    c, y = np.full(500, value), rng.standard_normal(500)
    for correction in (None, "miller-madow"):
        got = fastit.mutual_info(c, y, method="binned", bins=bins, correction=correction)
        assert got == pytest.approx(0.0, abs=1e-12)
    # NSB: a constant in one of 4 possible cells still leaves a little posterior doubt.
    got = fastit.mutual_info(c, y, method="binned", bins=bins, correction="nsb")
    assert got == pytest.approx(0.0, abs=0.01)
    assert fastit.differential_entropy(c, method="histogram", bins=bins) == -np.inf  # no density
    assert fastit.discrete_mutual_info(c, y.round(1)) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_the_smallest_n(n):
    x, y = np.arange(n, dtype=float), np.arange(n, dtype=float)[::-1].copy()
    assert fastit.mutual_info(x, y, method="binned", bins=n, correction=None) == pytest.approx(
        np.log(n), abs=1e-12
    )
    assert fastit.discrete_mutual_info(x, y, correction=None) == pytest.approx(np.log(n))
    assert fastit.discrete_entropy(x[:1], correction="nsb") == 0.0
    m = fastit.pairwise_mutual_info(np.column_stack([x, y]), bins=n, correction=None)
    np.testing.assert_allclose(m, np.full((2, 2), np.log(n)), atol=1e-12)


# ---------------------------------------------------------------------------- pairwise


def test_pairwise_blocks_and_threads_do_not_change_the_matrix(monkeypatch):
    rng = np.random.default_rng(10)
    X = rng.standard_normal((700, 9))
    X[:, 3] = np.round(X[:, 3])
    whole = fastit.pairwise_mutual_info(X, bins=10**6, n_jobs=1)
    monkeypatch.setattr(pairwise, "_WORK_PER_CALL", 1)  # one pair (or column) per call
    for jobs in (1, 2):
        assert np.array_equal(fastit.pairwise_mutual_info(X, bins=10**6, n_jobs=jobs), whole)
    single = fastit.mutual_info(X[:, 0], X[:, 3], method="binned", bins=10**6)
    assert whole[0, 3] == pytest.approx(single, abs=1e-12)


def test_pairwise_huge_bins_are_not_uninitialised_memory():
    # Issue 13: bins=100000 returned 4.6e-310 in 4 runs of 5 (an allocation failure in prange).
    rng = np.random.default_rng(11)
    x = rng.standard_normal(200)
    y = x + rng.standard_normal(200)
    for _ in range(5):
        m = fastit.pairwise_mutual_info(np.c_[x, y], bins=100000)
        assert m[0, 1] == pytest.approx(
            fastit.mutual_info(x, y, method="binned", bins=100000), abs=1e-12
        )
        assert m[0, 1] > 1.0


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
def test_knn_diagonals_follow_the_columns_kind():
    rng = np.random.default_rng(12)
    n = 400
    discrete = rng.integers(0, 4, n).astype(float)
    continuous = rng.standard_normal(n)
    zero_inflated = np.where(rng.random(n) < 0.5, 0.0, rng.standard_normal(n))
    X = np.column_stack([discrete, continuous, zero_inflated])
    mixed = fastit.pairwise_mutual_info(X, method="mixed")
    assert mixed[0, 0] == fastit.mutual_info(discrete, discrete, method="mixed")
    assert mixed[0, 0] == pytest.approx(
        fastit.discrete_entropy(discrete, correction=None), abs=0.02
    )
    assert np.isinf([mixed[1, 1], mixed[2, 2]]).all()
    ksg = fastit.pairwise_mutual_info(X, method="ksg1")
    assert ksg[0, 0] == pytest.approx(fastit.discrete_entropy(discrete, correction=None))
    assert np.isinf([ksg[1, 1], ksg[2, 2]]).all()
    assert np.array_equal(ksg, ksg.T)
    assert np.array_equal(mixed, mixed.T)


# ---------------------------------------------------------------------------- per-column bins


def test_per_column_bins_as_documented():
    rng = np.random.default_rng(13)
    x = np.column_stack([rng.standard_normal(2000), rng.exponential(size=2000)])
    y = x[:, 0] + rng.standard_normal(2000)
    specs = [5, "sturges", np.linspace(-9, 9, 7)]
    edges = [
        np.histogram_bin_edges(x[:, 0], 5),
        np.histogram_bin_edges(x[:, 1], "sturges"),
        specs[2],
    ]
    table = np.histogramdd(np.column_stack([x, y]), bins=edges)[0]
    table = table.reshape(-1, table.shape[-1])
    cx, cy = np.nonzero(table)
    reps = table[cx, cy].astype(int)
    expected = plugin_mi_from_codes(np.repeat(cx, reps), np.repeat(cy, reps))
    got = fastit.mutual_info(x, y, method="binned", bins=specs, correction=None)
    assert got == pytest.approx(expected, abs=1e-12)
    # [nx, ny] for two 1-D variables, as np.histogram2d reads it.
    two = fastit.mutual_info(x[:, 0], y, method="binned", bins=[4, 6], correction=None)
    table2 = np.histogram2d(x[:, 0], y, bins=[4, 6])[0]
    p = table2 / table2.sum()
    nz = p > 0
    outer = p.sum(axis=1, keepdims=True) @ p.sum(axis=0, keepdims=True)
    assert two == pytest.approx(float(np.sum(p[nz] * np.log(p[nz] / outer[nz]))), abs=1e-12)
    with pytest.raises(ValueError, match="one per column of x and y together"):
        fastit.mutual_info(x, y, method="binned", bins=[5, "fd"] * 2)
    # One entry for one column (never a valid set of edges), and lists for pairwise matrices.
    h = fastit.differential_entropy(y, method="histogram", bins=[5])
    assert h == fastit.differential_entropy(y, method="histogram", bins=5)
    cross = fastit.pairwise_mutual_info(x, y, bins=[5, "sturges", 7], correction=None)
    assert cross[1, 0] == pytest.approx(
        fastit.mutual_info(x[:, 1], y, method="binned", bins=["sturges", 7], correction=None),
        abs=1e-12,
    )


# ---------------------------------------------------------------------------- memory


needs_memory = pytest.mark.skipif(not _memory.available(), reason="needs /proc peak RSS")
MiB = 2**20


@needs_memory
def test_huge_bin_counts_cost_memory_per_sample_not_per_bin():
    rng = np.random.default_rng(14)
    x, y = rng.standard_normal((2, 300))
    heavy = x.copy()
    heavy[0] = 1e9
    calls = {
        "mi": lambda: fastit.mutual_info(x, y, method="binned", bins=10**9),
        "nsb": lambda: fastit.mutual_info(x, y, method="binned", bins=10**9, correction="nsb"),
        "h": lambda: fastit.differential_entropy(x, method="histogram", bins=10**9),
        "pairwise": lambda: fastit.pairwise_mutual_info(np.c_[x, y], bins=10**9),
        "rule": lambda: fastit.mutual_info(heavy, y, method="binned"),  # fd: ~1e9 bins
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fastit.EstimationWarning)  # NSB: nothing repeats
        for name, call in calls.items():
            call()  # compiled and warm
            peak, value = _memory.peak_increase(call)
            assert np.isfinite(value).all()
            assert peak < 20 * MiB, (name, peak / MiB)


@needs_memory
def test_nsb_memory_follows_the_distinct_counts():
    # Issue 13: 54 GiB for 100000 outcomes (a 4000 x outcomes grid).
    labels = np.arange(100_000).repeat(2)
    fastit.discrete_entropy(labels[:1000], correction="nsb")
    peak, h = _memory.peak_increase(lambda: fastit.discrete_entropy(labels, correction="nsb"))
    assert h == pytest.approx(np.log(100_000), abs=0.01)
    assert peak < 40 * MiB, peak / MiB


@needs_memory
def test_sparse_tables_at_larger_n_stay_linear():
    rng = np.random.default_rng(15)
    n = 200_000
    x, y = rng.standard_normal((2, n))
    fastit.mutual_info(x[:1000], y[:1000], method="binned", bins=10**6)
    peak, _ = _memory.peak_increase(lambda: fastit.mutual_info(x, y, method="binned", bins=10**6))
    assert peak < 40 * n * 8, peak / MiB  # a few int64 arrays of n codes


def test_local_plugin_values_of_many_labels_without_a_dense_table():
    rng = np.random.default_rng(16)
    x = rng.integers(0, 400, 600)  # 400 x 400 possible cells: past the dense bound
    y = (x + rng.integers(0, 3, 600)) % 400
    local = fastit.mutual_info(x, y, x_discrete=True, y_discrete=True, local=True, correction=None)
    assert local.mean() == pytest.approx(plugin_mi_from_codes(x, y), abs=1e-12)
    assert fastit.discrete_mutual_info(x, y, correction=None) == pytest.approx(
        plugin_mi_from_codes(x, y), abs=1e-12
    )
