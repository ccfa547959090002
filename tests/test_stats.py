"""fastit.stats: permutation tests (exact nulls, level, power), local permutations,
resampling intervals and the data-processing check."""

from __future__ import annotations

import functools

import numpy as np
import pytest

import fastit
from fastit import stats
from fastit._numba.permutation import local_permutation


def gaussian_pair(rng: np.random.Generator, n: int, rho: float) -> tuple[np.ndarray, np.ndarray]:
    x = rng.standard_normal(n)
    return x, rho * x + np.sqrt(1 - rho * rho) * rng.standard_normal(n)


# --------------------------------------------------------------------------- exact nulls


@pytest.mark.parametrize("method", ["ksg1", "ksg2"])
def test_ksg_null_equals_the_estimates_on_permuted_data(method: str) -> None:
    x, y = gaussian_pair(np.random.default_rng(0), 700, 0.4)
    result = stats.mutual_info_test(x, y, method=method, k=4, n_permutations=70, random_state=3)
    perms = np.concatenate(stats.permutations(np.random.default_rng(3), 700, 70))
    expected = [fastit.mutual_info(x[p], y, method=method, k=4, random_state=3) for p in perms]
    assert np.array_equal(result.null_distribution, expected)  # bit for bit
    assert result.statistic == fastit.mutual_info(x, y, method=method, k=4, random_state=3)


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
def test_multidimensional_and_tied_data_null() -> None:
    rng = np.random.default_rng(1)
    x = np.round(rng.standard_normal((300, 2)), 1)  # ties: jittered inside the core
    y = x[:, :1] + rng.standard_normal((300, 1))
    result = stats.mutual_info_test(x, y, n_permutations=30, base=2)
    perms = np.concatenate(stats.permutations(np.random.default_rng(0), 300, 30))
    expected = [fastit.mutual_info(x[p], y, base=2) for p in perms]
    # The permuted x is jittered by its items' own indices, fastit.mutual_info(x[p]) by
    # the new positions: equal in distribution, close in value.
    difference = np.abs(result.null_distribution - np.array(expected))
    assert difference.max() < 0.06
    assert difference.mean() < 0.01
    assert result.pvalue == 1 / 31


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
@pytest.mark.parametrize(
    "options",
    [
        {"method": "binned", "bins": 8},
        {"method": "mixed"},
        {"y_discrete": True},
        {"x_discrete": True, "y_discrete": True, "correction": None},
    ],
)
def test_other_estimators_null(options: dict) -> None:
    rng = np.random.default_rng(2)
    x = rng.integers(0, 4, 400).astype(float)
    y = (x + rng.integers(0, 3, 400)) % 4
    result = stats.mutual_info_test(x, y, n_permutations=20, random_state=5, **options)
    perms = np.concatenate(stats.permutations(np.random.default_rng(5), 400, 20))
    expected = [fastit.mutual_info(x[p], y, random_state=5, **options) for p in perms]
    np.testing.assert_array_equal(result.null_distribution, expected)
    assert result.pvalue == 1 / 21  # strongly dependent


def test_result_does_not_depend_on_n_jobs() -> None:
    x, y = gaussian_pair(np.random.default_rng(3), 500, 0.1)
    one = stats.mutual_info_test(x, y, n_permutations=100, n_jobs=1)
    two = stats.mutual_info_test(x, y, n_permutations=100, n_jobs=2)
    assert np.array_equal(one.null_distribution, two.null_distribution)
    assert one.pvalue == two.pvalue


def test_pvalue_is_never_zero_and_counts_ties() -> None:
    x, y = gaussian_pair(np.random.default_rng(4), 300, 0.9)
    result = stats.mutual_info_test(x, y, n_permutations=9)
    assert result.pvalue == pytest.approx(0.1)
    b = np.count_nonzero(result.null_distribution >= result.statistic)
    assert result.pvalue == (b + 1) / 10


# --------------------------------------------------------------------------- level, power


@pytest.mark.slow
def test_level_under_independence() -> None:
    # 500 seeded tests at n = 200, 99 permutations each: rejections at 5% +- 2%.
    rng = np.random.default_rng(5)
    rejections = 0
    for r in range(500):
        x, y = rng.standard_normal(200), rng.standard_normal(200)
        rejections += stats.mutual_info_test(x, y, n_permutations=99, random_state=r).pvalue <= 0.05
    assert 15 <= rejections <= 35, rejections


def test_power_on_dependent_data() -> None:
    rng = np.random.default_rng(6)
    pvalues = [
        stats.mutual_info_test(
            *gaussian_pair(rng, 400, 0.5), n_permutations=99, random_state=r
        ).pvalue
        for r in range(20)
    ]
    assert np.mean(np.array(pvalues) <= 0.05) >= 0.9


@pytest.mark.slow
def test_conditional_test_keeps_its_level_when_y_depends_on_z() -> None:
    # x and y both follow z closely: independent given z. A local permutation keeps x's
    # tie to z; shuffling over all samples (neighbours = n) breaks it, and the estimator's
    # bias under that other null makes the test reject too often (about 20% here).
    rng = np.random.default_rng(7)
    local = shuffled = 0
    for r in range(100):
        z = rng.standard_normal(200)
        x = z + 0.1 * rng.standard_normal(200)
        y = z + 0.1 * rng.standard_normal(200)
        local += (
            stats.conditional_mutual_info_test(x, y, z, n_permutations=49, random_state=r).pvalue
            <= 0.05
        )
        shuffled += (
            stats.conditional_mutual_info_test(
                x, y, z, n_permutations=49, neighbours=200, random_state=r
            ).pvalue
            <= 0.05
        )
    assert local <= 10, local
    assert shuffled >= 12, shuffled


def test_conditional_test_has_power() -> None:
    rng = np.random.default_rng(8)
    z = rng.standard_normal(400)
    x = z + rng.standard_normal(400)
    y = z + x + rng.standard_normal(400)
    assert stats.conditional_mutual_info_test(x, y, z, n_permutations=49).pvalue == 1 / 50


# --------------------------------------------------------------------------- local permutation


def local_permutation_reference(neighbours, order, keys):
    taken, perm = set(), np.empty(len(order), np.int64)
    for i in order:
        tries = [neighbours[i, s] for s in np.argsort(keys[i], kind="stable")]
        free = [j for j in tries if j not in taken]
        perm[i] = free[0] if free else tries[0]
        taken.add(perm[i])
    return perm


def test_local_permutation_equals_reference_and_stays_local() -> None:
    rng = np.random.default_rng(9)
    n, m = 60, 4
    neighbours = np.array([rng.choice(n, m, replace=False) for _ in range(n)], dtype=np.int64)
    neighbours[:, 0] = np.arange(n)
    for _ in range(20):
        order, keys = rng.permutation(n).astype(np.int64), rng.random((n, m))
        perm = local_permutation(neighbours, order, keys)
        assert np.array_equal(perm, local_permutation_reference(neighbours, order, keys))
        assert all(perm[i] in neighbours[i] for i in range(n))
    # With every sample a neighbour of every sample it is a true permutation.
    everyone = np.tile(np.arange(n, dtype=np.int64), (n, 1))
    perm = local_permutation(everyone, rng.permutation(n).astype(np.int64), rng.random((n, n)))
    assert np.array_equal(np.sort(perm), np.arange(n))


# --------------------------------------------------------------------------- intervals


def test_bootstrap_interval_of_a_mean_matches_the_normal_theory() -> None:
    x = np.random.default_rng(10).standard_normal(2000)
    result = stats.bootstrap_ci(np.mean, x, n_resamples=2000, random_state=1)
    half_width = 1.96 * x.std() / np.sqrt(x.size)
    assert result.estimate == x.mean()
    assert result.low == pytest.approx(x.mean() - half_width, abs=0.2 * half_width)
    assert result.high == pytest.approx(x.mean() + half_width, abs=0.2 * half_width)


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
def test_subsampling_covers_knn_mi_where_the_bootstrap_fails() -> None:
    x, y = gaussian_pair(np.random.default_rng(11), 2000, 0.6)
    truth = -0.5 * np.log(1 - 0.36)
    sub = stats.bootstrap_ci(
        fastit.mutual_info, x, y, n_resamples=100, method="subsample", n_jobs=2
    )
    assert sub.low < truth < sub.high
    assert sub.low < sub.estimate < sub.high
    boot = stats.bootstrap_ci(fastit.mutual_info, x, y, n_resamples=30, n_jobs=2)
    assert boot.low > sub.high  # duplicated rows inflate every k-NN estimate


def test_resampling_is_reproducible_and_thread_independent() -> None:
    x, y = gaussian_pair(np.random.default_rng(12), 500, 0.3)
    estimator = functools.partial(fastit.mutual_info, k=5)
    a = stats.bootstrap_ci(estimator, x, y, n_resamples=40, method="subsample", random_state=2)
    b = stats.bootstrap_ci(
        estimator, x, y, n_resamples=40, method="subsample", random_state=2, n_jobs=2
    )
    assert np.array_equal(a.distribution, b.distribution)


def test_data_processing_check_on_a_chain_and_off_it() -> None:
    rng = np.random.default_rng(13)
    a = rng.standard_normal(2000)
    b = a + rng.standard_normal(2000)
    c = b + rng.standard_normal(2000)
    chain = stats.data_processing_check(a, b, c, n_resamples=60)
    assert chain.consistent
    assert chain.i_xz.estimate < min(chain.i_xy.estimate, chain.i_yz.estimate)
    broken = stats.data_processing_check(b, c, a, n_resamples=60)  # a is not after c
    assert not broken.consistent
    assert broken.excess.low > 0
    binned = stats.data_processing_check(a, b, c, method="binned", n_resamples=30)
    assert binned.consistent


# --------------------------------------------------------------------------- bad input


def test_bad_input_raises_clear_errors() -> None:
    x, y = gaussian_pair(np.random.default_rng(14), 50, 0.3)
    with pytest.raises(ValueError, match="n_permutations must be at least 1"):
        stats.mutual_info_test(x, y, n_permutations=0)
    with pytest.raises(TypeError, match="n_permutations must be an int"):
        stats.mutual_info_test(x, y, n_permutations=10.5)
    with pytest.raises(TypeError, match="n_permutations must be an int"):
        stats.mutual_info_test(x, y, n_permutations=True)
    with pytest.raises(ValueError, match="method"):
        stats.mutual_info_test(x, y, method="kde")
    with pytest.raises(ValueError, match="same|length|samples"):
        stats.mutual_info_test(x, y[:-1])
    with pytest.raises(ValueError, match="neighbours must be at most"):
        stats.conditional_mutual_info_test(x, y, y, neighbours=51)
    with pytest.raises(ValueError, match="confidence_level"):
        stats.bootstrap_ci(np.mean, x, confidence_level=1.5)
    with pytest.raises(ValueError, match="method"):
        stats.bootstrap_ci(np.mean, x, method="jackknife")
    with pytest.raises(ValueError, match="sample 2 has 49 rows"):
        stats.bootstrap_ci(fastit.mutual_info, x, y[:-1])
    with pytest.raises(TypeError, match="callable"):
        stats.bootstrap_ci(x, y)
    with pytest.raises(ValueError, match="pass the samples"):
        stats.bootstrap_ci(np.mean)
    with pytest.raises(ValueError, match="method"):
        stats.data_processing_check(x, y, y, method="mixed")


def test_core_refuses_rows_that_are_not_permutations() -> None:
    from fastit import _core

    x = np.arange(10.0).reshape(-1, 1)
    params = np.array([[0.0], [1.0], [0.0], [0.0]])
    bad = np.tile(np.arange(10), (2, 1))
    bad[1, 3] = 4
    with pytest.raises(ValueError, match="permutation"):
        _core.ksg_permutation_null(x, params, x, params, 3, 1, bad, 0, 1)
    with pytest.raises(ValueError, match="shape"):
        _core.ksg_permutation_null(x, params, x, params, 3, 1, bad[:, :9], 0, 1)


@pytest.mark.parametrize("method", ["ksg1", "binned"])
def test_progress_bar_changes_nothing(method: str) -> None:
    rng = np.random.default_rng(2)
    x = rng.standard_normal(200)
    y = x + rng.standard_normal(200)
    quiet = stats.mutual_info_test(x, y, method=method, n_permutations=20)
    shown = stats.mutual_info_test(x, y, method=method, n_permutations=20, progress=True)
    assert np.array_equal(quiet.null_distribution, shown.null_distribution)
    with pytest.raises(TypeError, match="progress"):
        stats.mutual_info_test(x, y, n_permutations=5, progress="yes")
