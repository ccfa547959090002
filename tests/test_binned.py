"""Histogram estimators: equal to NumPy histograms plus the plug-in formulas, closed forms
at large n, the binning rules, and bad input."""

import numba
import numpy as np
import pytest

import fastit

rng = np.random.default_rng(11)
N = 20_000
X = rng.standard_normal(N)
Y = 0.6 * X + 0.8 * rng.standard_normal(N)


def plugin_mi(counts):
    p = counts / counts.sum()
    px, py = p.sum(axis=1, keepdims=True), p.sum(axis=0, keepdims=True)
    nz = p > 0
    return float(np.sum(p[nz] * np.log(p[nz] / (px @ py)[nz])))


def plugin_h(counts):
    p = counts[counts > 0] / counts.sum()
    return float(-np.sum(p * np.log(p)))


@pytest.mark.parametrize("bins", [1, 7, 64, "fd", "sturges", "auto", "sqrt"])
def test_plugin_mi_equals_numpy_histogram2d(bins):
    ex = np.histogram_bin_edges(X, bins)
    ey = np.histogram_bin_edges(Y, bins)
    counts = np.histogram2d(X, Y, bins=(ex, ey))[0]
    got = fastit.mutual_info(X, Y, method="binned", bins=bins, correction=None)
    assert got == pytest.approx(plugin_mi(counts), abs=1e-12)


def test_explicit_unequal_edges_and_quantile_bins():
    edges = np.array([-10.0, -2.0, -0.5, 0.0, 0.1, 1.0, 10.0])
    counts = np.histogram2d(X, Y, bins=(edges, edges))[0]
    got = fastit.mutual_info(X, Y, method="binned", bins=edges, correction=None)
    assert got == pytest.approx(plugin_mi(counts), abs=1e-12)
    # Equal-frequency bins: every marginal bin holds about the same number of samples.
    got_q = fastit.mutual_info(X, Y, method="binned", bins="quantile", correction=None)

    def quantile_edges(v):  # as many bins as "auto" gives evenly spread values
        n_bins = len(np.histogram_bin_edges(np.arange(v.size, dtype=float), "auto")) - 1
        return np.quantile(v, np.linspace(0, 1, n_bins + 1))

    qx, qy = quantile_edges(X), quantile_edges(Y)
    assert got_q == pytest.approx(plugin_mi(np.histogram2d(X, Y, bins=(qx, qy))[0]), abs=1e-12)


def test_quantile_bins_do_not_follow_the_tails():
    # Equal-frequency bins are for heavy tails: their count must not grow with the range
    # (the "auto" rule on Cauchy data, or with one value at 1e308, asked for one bin per
    # sample, and independent variables got 0.5 nats).
    r = np.random.default_rng(8)
    for x in (r.standard_cauchy(2000), np.append(r.standard_normal(1999), 1e308)):
        y = r.standard_normal(2000)
        assert abs(fastit.mutual_info(x, y, method="binned", bins="quantile")) < 0.02
        n_bins = len(np.histogram_bin_edges(np.arange(2000.0), "auto")) - 1  # 13
        assert fastit.mutual_info(x, x, method="binned", bins="quantile", correction=None) == (
            pytest.approx(np.log(n_bins), abs=1e-3)
        )


def test_multidimensional_variables_use_the_joint_histogram():
    x2 = np.column_stack([X, rng.standard_normal(N)])
    edges = [np.histogram_bin_edges(c, 6) for c in x2.T] + [np.histogram_bin_edges(Y, 6)]
    counts = np.histogramdd(np.column_stack([x2, Y]), bins=edges)[0].reshape(36, 6)
    got = fastit.mutual_info(x2, Y, method="binned", bins=6, correction=None)
    assert got == pytest.approx(plugin_mi(counts), abs=1e-12)


def test_independent_and_identical_data():
    z = rng.standard_normal(N)
    assert abs(fastit.mutual_info(X, z, method="binned", bins=20)) < 0.005
    counts = np.histogram(X, 20)[0]
    assert fastit.mutual_info(X, X, method="binned", bins=20, correction=None) == pytest.approx(
        plugin_h(counts), abs=1e-12
    )


def test_gaussian_mi_at_large_n():
    rng2 = np.random.default_rng(2)
    x = rng2.standard_normal(1_000_000)
    y = 0.6 * x + 0.8 * rng2.standard_normal(1_000_000)
    truth = -0.5 * np.log(1 - 0.36)
    assert fastit.mutual_info(x, y, method="binned", bins=64) == pytest.approx(truth, abs=0.01)


def test_histogram_entropy_formula_with_unequal_widths():
    edges = np.array([-6.0, -1.0, -0.2, 0.0, 0.5, 2.0, 6.0])
    counts, _ = np.histogram(X, edges)
    p = counts / N
    nz = p > 0
    expected = -np.sum(p[nz] * np.log(p[nz] / np.diff(edges)[nz]))
    got = fastit.differential_entropy(X, method="histogram", bins=edges, correction=None)
    assert got == pytest.approx(expected, abs=1e-12)


def test_histogram_entropy_closed_forms():
    rng2 = np.random.default_rng(4)
    g = rng2.standard_normal(500_000)
    assert fastit.differential_entropy(g, method="histogram") == pytest.approx(
        0.5 * np.log(2 * np.pi * np.e), abs=0.01
    )
    u = rng2.uniform(0.0, 3.0, (500_000, 2))
    assert fastit.differential_entropy(u, method="histogram", bins=30) == pytest.approx(
        2 * np.log(3.0), abs=0.01
    )
    assert fastit.differential_entropy(g, method="histogram", base=2) == pytest.approx(
        fastit.differential_entropy(g, method="histogram") / np.log(2)
    )


def test_results_do_not_depend_on_the_thread_count():
    old = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        one = fastit.mutual_info(X, Y, method="binned", bins=50)
        numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
        two = fastit.mutual_info(X, Y, method="binned", bins=50)
    finally:
        numba.set_num_threads(old)
    assert one == two


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"bins": 0}, ValueError, "bins must be at least 1"),
        ({"bins": True}, TypeError, "bins must be"),
        ({"bins": "bogus"}, ValueError, "bins must be an int"),
        ({"bins": [0.0, -1.0, 2.0]}, ValueError, "strictly increasing"),
        ({"bins": [-1.0, 0.0, 1.0]}, ValueError, "outside the bin edges"),
        ({"bins": [[0.0, "a"]]}, TypeError, "bins has dtype"),
        ({"bins": ["a"]}, ValueError, "bins must be an int"),
        ({"correction": "bayes"}, ValueError, "correction must be one of"),
        ({"local": True}, ValueError, "local values are not available"),
    ],
)
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        fastit.mutual_info(X, Y, method="binned", **kwargs)
    if "local" not in kwargs:
        with pytest.raises(error, match=match):
            fastit.differential_entropy(X, method="histogram", **kwargs)


def test_explicit_edges_for_each_column():
    x2 = np.column_stack([X, X])
    with pytest.raises(ValueError, match="one specification per column"):
        fastit.differential_entropy(x2, method="histogram", bins=np.linspace(-9, 9, 5))
    per_column = [np.linspace(-9, 9, 5), np.linspace(-9, 9, 7)]
    got = fastit.differential_entropy(x2, method="histogram", bins=per_column, correction=None)
    counts = np.histogramdd(x2, bins=per_column)[0].ravel()
    volume = np.diff(per_column[0])[:, None] * np.diff(per_column[1])[None, :]
    p = counts / N
    nz = p > 0
    assert got == pytest.approx(-np.sum(p[nz] * np.log(p[nz] / volume.ravel()[nz])), abs=1e-12)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("bins", [16, "fd", [-9.0, 0.0, 9.0]])
def test_nan_and_inf_are_refused(bad, bins):
    x = X.copy()
    x[7] = bad
    with pytest.raises(ValueError, match="^x contains (NaN|infinite values)"):
        fastit.mutual_info(x, Y, method="binned", bins=bins)
    with pytest.raises(ValueError, match="^y contains (NaN|infinite values)"):
        fastit.mutual_info(Y, x, method="binned", bins=bins)


def test_constant_column_gets_numpys_widened_range():
    c = np.full(N, 2.5)
    expected = plugin_mi(np.histogram2d(c, Y, bins=(5, 5))[0])
    got = fastit.mutual_info(c, Y, method="binned", bins=5, correction=None)
    assert got == pytest.approx(expected, abs=1e-12)


def test_bins_that_leave_most_samples_alone_warn() -> None:
    # 10**5 bins on 200 samples: every sample alone in its cell, MI about ln n whatever
    # the data. The estimate is returned as computed, with a warning that says why.
    r = np.random.default_rng(9)
    x, y = r.standard_normal(200), r.standard_normal(200)
    for bins in (10**5, 10**9, 400):
        with pytest.warns(fastit.EstimationWarning, match="alone in their joint cell"):
            got = fastit.mutual_info(x, y, method="binned", bins=bins)
        assert got > 4.0  # ln 200 = 5.3: a measure of the bins
    fastit.mutual_info(x, y, method="binned")  # the default rule: no warning
    fastit.mutual_info(x, y, method="binned", bins=8)
