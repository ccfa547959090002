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


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
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


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
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


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
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


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
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


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
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
    from fastit._columns import pair_params

    rng = np.random.default_rng(1)
    x = np.round(rng.standard_normal((2000, 2)), 1)
    x[:, 1] = rng.standard_normal(2000)  # a column without ties: no jitter
    y = np.round(x[:, :1] + rng.standard_normal((2000, 1)), 2)

    def seen(a: np.ndarray, params: np.ndarray):
        jitter, jittered, ties = _core.tie_jitter(a, params, 7, 2)
        return (a - params[0]) * params[1] + jitter, jitter, jittered, ties

    px, py = pair_params(x, y, 2, standardize=standardize)
    vx, jx, fx, tx = seen(x, px)
    vy, _, fy, ty = seen(y, py)
    assert fx.tolist() == [True, False]
    assert fy.tolist() == [True]
    assert (jx[:, 1] == 0).all()
    assert (jx[:, 0] != 0).all()
    assert np.abs(jx[:, 0]).max() < 1e-9
    # The tie report: tied samples and distinct values per column, as NumPy counts them.
    for a, report in ((x, tx), (y, ty)):
        for c in range(a.shape[1]):
            values, counts = np.unique(a[:, c], return_counts=True)
            assert report[:, c].tolist() == [counts[counts > 1].sum(), values.size]
    with pytest.warns(fastit.DiscreteDataWarning):
        expected = fastit.mutual_info(x, y, standardize=standardize, random_state=7)
    assert fastit.mutual_info(vx, vy, standardize=False, random_state=3) == expected


# ---------------------------------------------------------------- independent jitter


def _independent_multisets(rng: np.random.Generator, n: int, kind: str):
    """Two independent columns that hold the same multiset of values."""
    if kind == "binary":
        a = np.repeat([0.0, 1.0], n // 2)
    elif kind == "likert":
        a = np.repeat(np.arange(1.0, 6.0), n // 5)
    elif kind == "constant":
        return np.ones(n), np.ones(n)
    else:  # a few atoms inside continuous values
        a = rng.standard_normal(n)
        a[: n // 2] = np.round(a[: n // 2])
    return rng.permutation(a), rng.permutation(a)


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
@pytest.mark.parametrize("kind", ["binary", "likert", "constant", "atoms"])
@pytest.mark.parametrize("method", ["ksg1", "ksg2"])
def test_columns_with_the_same_values_are_not_made_dependent(kind: str, method: str) -> None:
    # The jitter of a column used to be seeded by its sorted values, so two independent
    # columns holding the same multiset got the same jitter on rows of equal value: two
    # independent binary columns gave 5.23 nats, two constants 6.68. Each variable now has
    # its own stream. Bound: on jittered atoms at n = 2000 the estimate under independence
    # has mean about 0 and sd about 0.02 nats (measured over 20 draws of 2, 5 and 10
    # levels: sd 0.015-0.021), so 0.08 is 4 sd.
    rng = np.random.default_rng(20)
    a, b = _independent_multisets(rng, 2000, kind)
    got = fastit.mutual_info(a, b, method=method)
    assert abs(got) < 0.08, got
    assert fastit.mutual_info(b, a, method=method) == got  # still symmetric
    # A column against a permutation of itself, and inside a 2-D variable.
    assert abs(fastit.mutual_info(np.column_stack([a, b]), rng.standard_normal(2000))) < 0.08
    z = rng.permutation(a)
    assert abs(fastit.conditional_mutual_info(a, b, z)) < 0.08


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
def test_a_discrete_variable_shares_its_entropy_with_a_bijection_of_itself() -> None:
    # I(X; f(X)) = H(X) for a bijection f; with independent jitter on the two sides KSG
    # sees each atom as an independent uniform square and recovers the entropy (today:
    # 0.680 for ln 2 = 0.693 at n = 2000; 1.584 for ln 5 = 1.609).
    rng = np.random.default_rng(21)
    for levels in (2, 5):
        x = rng.integers(0, levels, 20_000).astype(float)
        h = fastit.discrete_entropy(x, correction=None)
        for fx in (x, 3 - 2 * x, np.exp(x)):
            assert fastit.mutual_info(x, fx) == pytest.approx(h, abs=0.05)


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
def test_the_columns_of_a_variable_get_independent_jitter() -> None:
    # x = (a, a) and y = a: if the two copies shared their jitter the joint would be
    # degenerate. Each column has its own stream, so x's second column adds nothing
    # beyond its first, and I((a, a); b) stays about 0 for independent b.
    rng = np.random.default_rng(22)
    a = rng.integers(0, 3, 4000).astype(float)
    b = rng.permutation(a)
    assert abs(fastit.mutual_info(np.column_stack([a, a]), b)) < 0.08
    assert abs(fastit.mutual_info(np.column_stack([a, a]), np.column_stack([b, b]))) < 0.08


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
@pytest.mark.parametrize("method", ["ksg1", "ksg2"])
def test_permutation_test_keeps_its_level_on_tied_data(method: str) -> None:
    # Two independent binary columns with equal counts: p was 0.01 ("dependent") when
    # their jitter was shared. Under independence p is uniform on {1/(m+1), ..., 1}:
    # over 40 pairs at most 2 * 0.05 * 40 = 4 rejections at level 0.05 by chance (the
    # binomial(40, 0.05) tail above 6 is 0.014).
    rng = np.random.default_rng(23)
    rejections = 0
    for _ in range(40):
        a, b = _independent_multisets(rng, 400, "binary")
        p = fastit.mutual_info_test(a, b, method=method, n_permutations=99).pvalue
        rejections += p <= 0.05
    assert rejections <= 6


def test_the_seed_moves_the_jitter_of_tied_data_only() -> None:
    rng = np.random.default_rng(24)
    x = rng.standard_normal(500)
    y = x + rng.standard_normal(500)
    # Tie-free data are used exactly: the seed changes nothing.
    assert fastit.mutual_info(x, y, random_state=1) == fastit.mutual_info(x, y, random_state=2)
    with pytest.warns(fastit.DiscreteDataWarning):
        tied = [fastit.mutual_info(np.round(x), y, random_state=s) for s in (1, 2)]
    assert tied[0] != tied[1]


# ---------------------------------------------------------------- discrete-valued data


@pytest.mark.parametrize(
    ("call", "names"),
    [
        (lambda a, c: fastit.mutual_info(a, c), ["x ("]),
        (lambda a, c: fastit.mutual_info(c, a), ["y ("]),
        (lambda a, c: fastit.mutual_info(np.column_stack([c, a]), c), ["x[:, 1] ("]),
        (lambda a, c: fastit.mutual_info(a, a), ["x (", "y ("]),
        (lambda a, c: fastit.mutual_info(a, c > 0, y_discrete=True), ["x ("]),
        (lambda a, c: fastit.conditional_mutual_info(c, c + a, a), ["z ("]),
        (lambda a, c: fastit.differential_entropy(a), ["x ("]),
    ],
)
def test_discrete_valued_columns_are_named_in_a_warning(call, names) -> None:
    rng = np.random.default_rng(25)
    c = rng.standard_normal(3000)
    a = np.round(rng.standard_normal(3000), 1)  # 60-odd levels, every sample tied
    with pytest.warns(fastit.DiscreteDataWarning) as caught:
        call(a, c)
    assert len(caught) == 1
    message = str(caught[0].message)
    for name in names:
        assert name in message
    assert "distinct values" in message
    assert __file__ == caught[0].filename  # attributed to the caller's line


def test_continuous_data_with_a_few_ties_do_not_warn() -> None:
    # The warning is for discrete-valued columns (half the samples or more on shared
    # values), not for the occasional repeat that rounding leaves in continuous data.
    rng = np.random.default_rng(26)
    x = np.round(rng.standard_normal(20_000), 4)  # about 25% of samples tied
    y = x + rng.standard_normal(20_000)
    values, counts = np.unique(x, return_counts=True)
    assert 0.05 < counts[counts > 1].sum() / x.size < 0.5
    fastit.mutual_info(x, y)  # filterwarnings = error: a warning would fail this test
    fastit.differential_entropy(x)
    fastit.mutual_info(x, y, method="mixed")  # the mixed estimator never warns
    fastit.mutual_info(np.round(x), y, method="mixed")


def test_differential_entropy_of_a_constant_column_is_minus_infinity_for_every_method() -> None:
    x = np.column_stack([np.random.default_rng(27).standard_normal(500), np.full(500, 2.0)])
    for method in ("kl", "histogram"):
        assert fastit.differential_entropy(x, method=method) == -np.inf
        assert fastit.differential_entropy(np.full(100, -3.0), method=method) == -np.inf
    assert (fastit.differential_entropy(x, local=True) == -np.inf).all()


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
def test_tensors_and_pairwise_matrices_break_ties_independently_too() -> None:
    # The torch path (5.23 nats on two independent binary columns) and the k-NN pairwise
    # matrix (6.68 for two constant columns) inherited the shared jitter.
    torch = pytest.importorskip("torch")
    import fastit.torch

    rng = np.random.default_rng(28)
    a, b = _independent_multisets(rng, 2000, "binary")
    expected = fastit.mutual_info(a, b)
    assert abs(expected) < 0.08
    got = fastit.torch.mutual_info(torch.from_numpy(a), torch.from_numpy(b))
    assert float(got) == pytest.approx(expected, abs=1e-12)
    both = np.column_stack([a, b, np.ones(2000), np.ones(2000)])
    matrix = fastit.pairwise_mutual_info(both, method="ksg1")
    off_diagonal = matrix[~np.eye(4, dtype=bool)]
    assert np.abs(off_diagonal).max() < 0.08
