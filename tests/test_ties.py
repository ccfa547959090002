"""Ties, constant features, discrete data and the Gao et al. mixed estimator."""

from __future__ import annotations

import numpy as np
import pytest
from brute import gao_ref, gaussian_mi, gaussian_pairs
from sklearn.metrics import mutual_info_score

import fastit


@pytest.fixture(scope="module")
def constant_and_rare() -> tuple[np.ndarray, np.ndarray]:
    n = 1_000_000
    x = np.full(n, 3.0)
    y = np.zeros(n, dtype=np.int64)
    y[np.random.default_rng(0).choice(n, size=100, replace=False)] = 1
    return x, y


def test_constant_feature_against_rare_label_is_zero(constant_and_rare) -> None:
    # A constant feature carries no information about anything. For these arrays
    # sklearn.feature_selection.mutual_info_classif(x.reshape(-1, 1), y) returns
    # 0.2061 (random_state=0), 0.2065 (1), 0.2060 (2, discrete_features=False) with
    # scikit-learn 1.9.1: its 1e-10 noise breaks the ties of the constant column without
    # removing them from the radius arithmetic. fastit gave 3.8e-06 (Ross) and 2.4e-04 (KSG).
    x, y = constant_and_rare
    x_copy, y_copy = x.copy(), y.copy()
    ross = fastit.mutual_info(x, y, y_discrete=True)
    assert np.isfinite(ross)
    assert abs(ross) < 0.01
    ksg = fastit.mutual_info(x, y.astype(np.float64))
    assert np.isfinite(ksg)
    assert abs(ksg) < 0.01
    assert np.array_equal(x, x_copy)
    assert np.array_equal(y, y_copy)


@pytest.mark.parametrize("value", [3.0, 0.0, -1e12, 1e-300])
@pytest.mark.parametrize("method", ["ksg1", "ksg2"])
def test_constant_feature_is_independent_of_anything(value: float, method: str) -> None:
    rng = np.random.default_rng(1)
    n = 20_000
    x = np.full(n, value)
    y = rng.standard_normal(n)
    for other in (y, (y > 1.5).astype(float), np.round(y)):
        got = fastit.mutual_info(x, other, method=method)
        assert np.isfinite(got)
        assert abs(got) < 0.02, (value, got)
        assert fastit.mutual_info(other, x, method=method) == pytest.approx(got, abs=1e-12)
    ross = fastit.mutual_info(x, (y > 1.0).astype(int), y_discrete=True)
    assert np.isfinite(ross)
    assert abs(ross) < 0.02


@pytest.fixture(scope="module")
def tied() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(2)
    n = 5000
    x = rng.integers(0, 5, n)
    y = x + rng.integers(0, 3, n)
    return x, y


@pytest.mark.parametrize("method", ["ksg1", "ksg2"])
def test_heavily_tied_data(tied, method: str) -> None:
    x, y = tied
    first = fastit.mutual_info(x, y, method=method)
    assert np.isfinite(first)
    # Same answer on every call and for every thread count (jitter is seeded, counter based).
    for n_jobs in (1, 2, 3, 4, None):
        assert fastit.mutual_info(x, y, method=method, n_jobs=n_jobs) == first
    assert fastit.mutual_info(x, y, method=method, random_state=None) == first
    local = fastit.mutual_info(x, y, method=method, local=True, n_jobs=1)
    assert np.isfinite(local).all()
    assert np.array_equal(fastit.mutual_info(x, y, method=method, local=True, n_jobs=3), local)
    # Another seed breaks the ties differently: a small change only (measured <= 0.026 here;
    # the plug-in MI of these labels is 0.768).
    others = [fastit.mutual_info(x, y, method=method, random_state=s) for s in (1, 2, 3, 4)]
    assert len(set(others + [first])) > 1  # the seed is really used on tied data
    assert max(abs(o - first) for o in others) < 0.05
    assert abs(first - mutual_info_score(x, y)) < 0.1
    # A given seed is reproducible, and a Generator with the same state gives the same.
    assert fastit.mutual_info(x, y, method=method, random_state=7) == fastit.mutual_info(
        x, y, method=method, random_state=7
    )
    g1, g2 = np.random.default_rng(5), np.random.default_rng(5)
    assert fastit.mutual_info(x, y, method=method, random_state=g1) == fastit.mutual_info(
        x, y, method=method, random_state=g2
    )


def test_heavily_tied_ross_and_cmi_and_entropy_are_finite_and_deterministic(tied) -> None:
    x, y = tied
    rng = np.random.default_rng(3)
    z = rng.integers(0, 3, len(x))
    for fn in (
        lambda **kw: fastit.mutual_info(x, y, y_discrete=True, **kw),
        lambda **kw: fastit.conditional_mutual_info(x, y, z, **kw),
        lambda **kw: fastit.differential_entropy(np.column_stack([x, y]), **kw),
    ):
        first = fn(n_jobs=1)
        assert np.isfinite(first)
        assert fn(n_jobs=2) == first
        assert fn(n_jobs=4) == first
        assert fn(n_jobs=1) == first


def test_jitter_is_the_same_for_both_argument_orders(tied) -> None:
    x, y = tied
    for method in ("ksg1", "ksg2"):
        assert fastit.mutual_info(x, y, method=method) == pytest.approx(
            fastit.mutual_info(y, x, method=method), abs=1e-12
        )


# ---------------------------------------------------------------- discrete-discrete


@pytest.mark.parametrize("seed", range(6))
def test_plugin_mi_equals_sklearn_mutual_info_score(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 5000))
    a = rng.integers(0, int(rng.integers(1, 12)), n)
    b = (a * int(rng.integers(0, 3)) + rng.integers(0, int(rng.integers(1, 6)), n)) % 7
    expected = mutual_info_score(a, b)
    plugin = {"x_discrete": True, "y_discrete": True, "correction": None}
    got = fastit.mutual_info(a, b, **plugin)
    assert got == pytest.approx(expected, rel=1e-12, abs=1e-14)
    # Any label type: strings and floats give the same contingency table.
    sa = np.array([f"s{v}" for v in a], dtype=object)
    got_str = fastit.mutual_info(sa, b.astype(float), **plugin)
    assert got_str == pytest.approx(expected, rel=1e-12, abs=1e-14)
    assert fastit.mutual_info(a, b, base=2, **plugin) == pytest.approx(
        expected / np.log(2), rel=1e-12, abs=1e-14
    )
    # The default, Miller-Madow, adds (m_x + m_y - m_xy - 1) / (2n) to the plug-in value.
    m_x, m_y = len(np.unique(a)), len(np.unique(b))
    m_xy = len(np.unique(a * 7 + b))
    assert fastit.mutual_info(a, b, x_discrete=True, y_discrete=True) == pytest.approx(
        expected + (m_x + m_y - m_xy - 1) / (2 * n), rel=1e-12, abs=1e-14
    )
    local = fastit.mutual_info(a, b, local=True, **plugin)
    assert np.mean(local) == pytest.approx(expected, rel=1e-10, abs=1e-13)


def test_plugin_mi_of_joint_symbols() -> None:
    # Rows of a 2-D label array are joint symbols: I((a, b); c) = I(code(a, b); c).
    rng = np.random.default_rng(9)
    a, b = rng.integers(0, 3, 3000), rng.integers(0, 4, 3000)
    c = (a + b + rng.integers(0, 2, 3000)) % 5
    joint = np.column_stack([a, b])
    expected = mutual_info_score(a * 4 + b, c)
    plugin = {"x_discrete": True, "y_discrete": True, "correction": None}
    got = fastit.mutual_info(joint, c, **plugin)
    assert got == pytest.approx(expected, rel=1e-12)
    # I(a; a) = H(a).
    p = np.bincount(a) / len(a)
    assert fastit.mutual_info(a, a, **plugin) == pytest.approx(-np.sum(p * np.log(p)), rel=1e-12)


# ---------------------------------------------------------------- Gao et al. mixed


def _mixed_data(seed: int, n: int):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    y = np.where(rng.random(n) < 0.5, np.round(x), x + 0.3 * rng.standard_normal(n))
    x[rng.random(n) < 0.2] = 0.0  # an atom in x too
    return x, y


@pytest.mark.parametrize("k", [1, 3, 5])
@pytest.mark.parametrize(
    "kind", ["discrete", "mixed", "continuous", "discrete-continuous", "duplicated-rows"]
)
def test_gao_equals_brute_force_of_reference_code(kind: str, k: int) -> None:
    rng = np.random.default_rng(k)
    n = 250
    if kind == "discrete":
        x = rng.integers(0, 4, n)
        y = (x + rng.integers(0, 2, n)) % 4
    elif kind == "mixed":
        x, y = _mixed_data(k, n)
    elif kind == "continuous":
        x, y = gaussian_pairs(rng, n, 2, 0.7)
    elif kind == "discrete-continuous":
        x = rng.integers(0, 3, n)
        y = x + 2 * rng.random(n)
    else:
        x, y = gaussian_pairs(rng, n, 1, 0.5)
        x[:60], y[:60] = x[0], y[0]  # one joint atom with 60 copies
    got = fastit.mutual_info(x, y, k=k, method="mixed", standardize=False, local=True)
    np.testing.assert_allclose(got, gao_ref(x, y, k, local=True), rtol=0, atol=1e-12)
    mean = fastit.mutual_info(x, y, k=k, method="mixed", standardize=False)
    assert mean == pytest.approx(gao_ref(x, y, k), abs=1e-12)


def test_gao_on_discrete_data_approaches_plugin_mi() -> None:
    rng = np.random.default_rng(10)
    n = 200_000
    x = rng.integers(0, 5, n)
    y = x + rng.integers(0, 3, n)
    got = fastit.mutual_info(x, y, method="mixed")
    assert got == pytest.approx(mutual_info_score(x, y), abs=5e-4)  # measured 7.5e-6
    # Discrete data are exact atoms: no jitter, so random_state and n_jobs change nothing.
    assert fastit.mutual_info(x, y, method="mixed", random_state=3, n_jobs=1) == got


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.6, 0.9])
def test_gao_on_gaussian_data_approaches_closed_form(rho: float) -> None:
    x, y = gaussian_pairs(np.random.default_rng(11), 100_000, 1, rho)
    got = fastit.mutual_info(x, y, method="mixed")
    assert abs(got - gaussian_mi(1, rho)) < 0.006  # measured <= 0.0025


@pytest.mark.parametrize("m", [2, 5])
def test_gao_on_discrete_continuous_pairs_approaches_closed_form(m: int) -> None:
    # Gao et al. (2017), section 5: X uniform on {0..m-1}, Y | X uniform on [X, X + 2]:
    # I = ln m - (m - 1) ln 2 / m.
    rng = np.random.default_rng(12)
    n = 100_000
    x = rng.integers(0, m, n)
    y = x + 2.0 * rng.random(n)
    truth = np.log(m) - (m - 1) * np.log(2) / m
    assert abs(fastit.mutual_info(x, y, method="mixed") - truth) < 0.006  # measured 0.002
    # Ross's estimator with x as labels targets the same quantity.
    assert abs(fastit.mutual_info(x, y, x_discrete=True) - truth) < 0.006


@pytest.mark.parametrize(("p", "rho"), [(0.3, 0.6), (0.2, 0.0)])
def test_gao_on_zero_inflated_gaussian(p: float, rho: float) -> None:
    # With probability p, (X, Y) = (0, 0); otherwise a Gaussian pair. The atom indicator B
    # is a function of X and of Y, so I = H(B) + (1 - p) I_gauss. Continuous samples whose
    # marginal ball reaches the atom count its p*n copies, a bias that fades slowly
    # (measured -0.039 and -0.040 at n = 1e5), so the window is wide and one-sided.
    rng = np.random.default_rng(13)
    n = 100_000
    x, y = gaussian_pairs(rng, n, 1, rho)
    atom = rng.random(n) < p
    x[atom] = 0.0
    y[atom] = 0.0
    truth = -(p * np.log(p) + (1 - p) * np.log1p(-p)) + (1 - p) * gaussian_mi(1, rho)
    got = fastit.mutual_info(x, y, method="mixed")
    assert truth - 0.07 < got < truth + 0.01, (got, truth)


def test_gao_on_a_mixture_is_finite_and_positive() -> None:
    # x continuous, y = x rounded with probability 1/2 and y = x otherwise: half the samples
    # lie on the diagonal, so the true MI is infinite; the estimate is finite, large and
    # grows with n.
    rng = np.random.default_rng(14)
    estimates = []
    for n in (2000, 50_000):
        x = rng.standard_normal(n)
        y = np.where(rng.random(n) < 0.5, np.round(x), x)
        got = fastit.mutual_info(x, y, method="mixed")
        assert np.isfinite(got)
        assert got > 1.0
        local = fastit.mutual_info(x, y, method="mixed", local=True)
        assert np.isfinite(local).all()
        estimates.append(got)
    assert estimates[1] > estimates[0]


@pytest.mark.parametrize("standardize", [True, False])
def test_tie_jitter_gives_the_values_the_estimators_see(standardize: bool) -> None:
    # _core.tie_jitter lets another implementation (fastit.torch) see exactly the core's
    # values: the core fed (data - shift) * scale + jitter, which has no ties left, must
    # return the same estimate bit for bit.
    from fastit import _core
    from fastit.estimators import _column_params

    rng = np.random.default_rng(1)
    x = np.round(rng.standard_normal((2000, 2)), 1)
    x[:, 1] = rng.standard_normal(2000)  # a column without ties: no jitter
    y = np.round(x[:, :1] + rng.standard_normal((2000, 1)), 2)

    def seen(a: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        params = _column_params(a, 2, standardize=standardize)
        jitter, jittered = _core.tie_jitter(a, params, 7, 2)
        return (a - params[0]) * params[1] + jitter, jitter, jittered

    vx, jx, fx = seen(x)
    vy, _, fy = seen(y)
    assert fx.tolist() == [True, False]
    assert fy.tolist() == [True]
    assert (jx[:, 1] == 0).all()
    assert (jx[:, 0] != 0).all()
    assert np.abs(jx[:, 0]).max() < 1e-9
    expected = fastit.mutual_info(x, y, standardize=standardize, random_state=7)
    assert fastit.mutual_info(vx, vy, standardize=False, random_state=3) == expected
