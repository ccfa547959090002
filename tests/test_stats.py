"""fastit.stats: permutation tests (exact nulls, level, power), local permutations,
resampling intervals and the data-processing check."""

from __future__ import annotations

import functools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fastit
from fastit import stats
from fastit._numba.permutation import local_permutation


def gaussian_pair(rng: np.random.Generator, n: int, rho: float) -> tuple[np.ndarray, np.ndarray]:
    x = rng.standard_normal(n)
    return x, rho * x + np.sqrt(1 - rho * rho) * rng.standard_normal(n)


def rng_normal(n: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(n)


# --------------------------------------------------------------------------- exact nulls


@pytest.mark.parametrize("k", [4, "auto"])
@pytest.mark.parametrize("method", ["ksg1", "ksg2"])
def test_ksg_null_equals_the_estimates_on_permuted_data(method: str, k) -> None:
    x, y = gaussian_pair(np.random.default_rng(0), 700, 0.4)
    result = stats.mutual_info_test(x, y, method=method, k=k, n_permutations=70, random_state=3)
    used = 4 if k == 4 else stats.auto_k(700)
    perms = np.concatenate(list(stats.permutations(np.random.default_rng(3), 700, 70)))
    expected = [fastit.mutual_info(x[p], y, method=method, k=used, random_state=3) for p in perms]
    assert np.array_equal(result.null_distribution, expected)  # bit for bit
    assert result.statistic == fastit.mutual_info(x, y, method=method, k=used, random_state=3)


def test_permutations_are_drawn_as_one_permuted_tile_per_chunk() -> None:
    # The stream fastit.distributed redraws from recorded states: chunks of 64 rows, each
    # one Generator.permuted call on a tile of aranges.
    rng = np.random.default_rng(21)
    chunks = list(stats.permutations(np.random.default_rng(21), 50, 150))
    assert [c.shape for c in chunks] == [(64, 50), (64, 50), (22, 50)]
    for chunk in chunks:
        expected = rng.permuted(np.tile(np.arange(50, dtype=np.int64), (len(chunk), 1)), axis=1)
        assert np.array_equal(chunk, expected)


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
def test_multidimensional_and_tied_data_null() -> None:
    rng = np.random.default_rng(1)
    x = np.round(rng.standard_normal((300, 2)), 1)  # ties: jittered inside the core
    y = x[:, :1] + rng.standard_normal((300, 1))
    result = stats.mutual_info_test(x, y, k=3, n_permutations=30, base=2)
    perms = np.concatenate(list(stats.permutations(np.random.default_rng(0), 300, 30)))
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
@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
def test_other_estimators_null(options: dict) -> None:
    rng = np.random.default_rng(2)
    x = rng.integers(0, 4, 400).astype(float)
    y = (x + rng.integers(0, 3, 400)) % 4
    result = stats.mutual_info_test(x, y, n_permutations=20, random_state=5, **options)
    perms = np.concatenate(list(stats.permutations(np.random.default_rng(5), 400, 20)))
    k = stats.auto_k(400)  # the test's k (used by the mixed and Ross estimators)
    expected = [fastit.mutual_info(x[p], y, k=k, random_state=5, **options) for p in perms]
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


def test_auto_k_grows_with_n_within_its_bounds() -> None:
    ks = [stats.auto_k(n) for n in range(2, 3000)]
    assert ks[:3] == [1, 2, 3]  # below 4 samples: n - 1
    assert all(1 <= k < n for n, k in zip(range(2, 3000), ks, strict=True))
    assert all(b >= a for a, b in zip(ks, ks[1:], strict=False))  # monotone
    assert stats.auto_k(200) == 10
    assert stats.auto_k(10**9) == 30
    with pytest.raises(ValueError, match="n must be at least 2"):
        stats.auto_k(1)
    with pytest.raises(TypeError, match="n must be an int"):
        stats.auto_k(200.0)


def test_auto_k_is_the_default_and_reports_the_estimate_at_that_k() -> None:
    x, y = gaussian_pair(np.random.default_rng(22), 400, 0.3)
    k = stats.auto_k(400)
    default = stats.mutual_info_test(x, y, n_permutations=20)
    assert default.statistic == fastit.mutual_info(x, y, k=k)
    assert default.statistic != fastit.mutual_info(x, y)  # not the estimator's k = 3
    same = stats.mutual_info_test(x, y, k=k, n_permutations=20)
    assert np.array_equal(default.null_distribution, same.null_distribution)
    z = x + rng_normal(400, 23)
    cmi = stats.conditional_mutual_info_test(x, y, z, n_permutations=5)
    assert cmi.statistic == fastit.conditional_mutual_info(x, y, z, k=k)
    with pytest.raises(ValueError, match='k must be an int or "auto"'):
        stats.mutual_info_test(x, y, k="big")
    with pytest.raises(TypeError, match="k must be an int"):
        stats.conditional_mutual_info_test(x, y, z, k=2.5)
    with pytest.raises(ValueError, match="k=400 needs more"):
        stats.mutual_info_test(x, y, k=400)


def test_conditional_test_refuses_a_neighbourhood_of_one() -> None:
    z = rng_normal(200, 24)
    x = z + rng_normal(200, 25)
    with pytest.raises(ValueError, match="neighbours must be at least 2.*p-value is 1"):
        stats.conditional_mutual_info_test(x, x + z, z, neighbours=1)
    two = stats.conditional_mutual_info_test(x, x + z, z, neighbours=2, n_permutations=19)
    assert two.pvalue == 1 / 20  # strong dependence beyond z is found with 2


@pytest.mark.parametrize("method", ["binned", "ksg1", "mixed"])
def test_tensors_that_require_grad_are_accepted(method: str) -> None:
    torch = pytest.importorskip("torch")
    x, y = gaussian_pair(np.random.default_rng(26), 300, 0.5)
    tx, ty = torch.tensor(x, requires_grad=True), torch.tensor(y, requires_grad=True)
    got = stats.mutual_info_test(tx, ty, method=method, n_permutations=10)
    want = stats.mutual_info_test(x, y, method=method, n_permutations=10)
    assert got.statistic == want.statistic
    assert np.array_equal(got.null_distribution, want.null_distribution)
    z = torch.tensor(rng_normal(300, 27), requires_grad=True)
    stats.conditional_mutual_info_test(tx, ty, z, n_permutations=3)


class Stop(Exception):
    """Raised by a spy to end a call after a few evaluations."""


def stop_after(function, calls: int):
    count = [0]

    def spy(*args, **kwargs):
        count[0] += 1
        if count[0] > calls:
            raise Stop
        return function(*args, **kwargs)

    return spy, count


def _peak(call) -> int:
    import _memory

    if not _memory.available():
        pytest.skip("peak RSS is not measurable here")
    peak, _ = _memory.peak_increase(call)
    return peak


def _stopped(call):
    def run():
        with pytest.raises(Stop):
            call()

    return run


@pytest.mark.parametrize("method", ["ksg1", "binned"])
def test_a_huge_number_of_permutations_is_drawn_chunk_by_chunk(monkeypatch, method) -> None:
    # 10**8 permutations of 500 rows drawn up front would take 400 GB; drawn chunk by
    # chunk, the call holds one chunk, and stops (Ctrl-C, an error) between chunks.
    x, y = gaussian_pair(np.random.default_rng(28), 500, 0.3)
    if method == "ksg1":
        spy, count = stop_after(stats._core.ksg_permutation_null, 2)
        monkeypatch.setattr(stats._core, "ksg_permutation_null", spy)
    else:
        spy, count = stop_after(stats.mutual_info, 1 + 130)  # the statistic, two chunks
        monkeypatch.setattr(stats, "mutual_info", spy)
    call = functools.partial(stats.mutual_info_test, x, y, method=method, n_permutations=10**8)
    assert _peak(_stopped(call)) < 50 * 2**20
    assert count[0] == (3 if method == "ksg1" else 132)


def test_conditional_test_and_intervals_draw_chunk_by_chunk(monkeypatch) -> None:
    z = rng_normal(300, 29)
    x, y = z + rng_normal(300, 30), z + rng_normal(300, 31)
    spy, count = stop_after(stats.conditional_mutual_info, 1 + 100)
    monkeypatch.setattr(stats, "conditional_mutual_info", spy)
    call = functools.partial(stats.conditional_mutual_info_test, x, y, z, n_permutations=10**8)
    assert _peak(_stopped(call)) < 50 * 2**20
    assert 102 <= count[0] <= 1 + 2 * 64  # the threads finish the chunk they are on
    estimator, count = stop_after(fastit.mutual_info, 1 + 100)
    for method in ("subsample", "bootstrap"):
        count[0] = 0
        call = functools.partial(stats.bootstrap_ci, estimator, x, y, n_resamples=10**8,
                                 method=method)  # fmt: skip
        assert _peak(_stopped(call)) < 50 * 2**20
        assert count[0] == 102


def test_counts_whose_results_cannot_fit_are_refused_up_front() -> None:
    x, y = gaussian_pair(np.random.default_rng(32), 50, 0.3)
    with pytest.raises(ValueError, match="n_permutations=1000000000000000 needs .* GiB"):
        stats.mutual_info_test(x, y, n_permutations=10**15)
    with pytest.raises(ValueError, match="n_permutations=1000000000000000 needs .* GiB"):
        stats.conditional_mutual_info_test(x, y, x, n_permutations=10**15)
    with pytest.raises(ValueError, match="n_resamples=1000000000000000 needs"):
        stats.bootstrap_ci(np.mean, x, n_resamples=10**15)
    with pytest.raises(ValueError, match="n_resamples=1000000000000000 needs"):
        stats.data_processing_check(x, y, x, n_resamples=10**15)


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(5, 40),
    levels=st.integers(1, 6),
    m=st.integers(1, 130),
    method=st.sampled_from(["ksg1", "ksg2", "binned"]),
    seed=st.integers(0, 2**32 - 1),
)
@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
def test_pvalue_and_null_on_any_small_data(n, levels, m, method, seed) -> None:
    # Few distinct values (1: a constant column), any number of permutations across the
    # chunk boundary: the p-value counts the null, which has one value per permutation
    # and does not depend on the threads.
    rng = np.random.default_rng(seed)
    x = rng.integers(0, levels, n).astype(float)
    y = x + rng.integers(0, 2, n)
    one = stats.mutual_info_test(x, y, method=method, n_permutations=m, random_state=seed,
                                 n_jobs=1)  # fmt: skip
    two = stats.mutual_info_test(x, y, method=method, n_permutations=m, random_state=seed,
                                 n_jobs=2)  # fmt: skip
    assert one.null_distribution.shape == (m,)
    assert np.array_equal(one.null_distribution, two.null_distribution)
    b = np.count_nonzero(one.null_distribution >= one.statistic)
    assert one.pvalue == two.pvalue == (b + 1) / (m + 1)


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


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
def test_level_on_two_independent_binary_columns() -> None:
    # Equal counts of 0 and 1 in x and in y, paired at random: the p-values of an exact
    # permutation test are uniform. (A jitter shared by x and y orders both columns' ties
    # alike and makes every such pair look dependent: p = 0.01 every time.)
    from scipy.stats import kstest

    rng = np.random.default_rng(33)
    half = np.repeat([0.0, 1.0], 100)
    pvalues = np.array([
        stats.mutual_info_test(
            rng.permutation(half), rng.permutation(half), n_permutations=99, random_state=r
        ).pvalue
        for r in range(60)
    ])  # fmt: skip
    assert np.mean(pvalues <= 0.05) <= 0.15
    assert kstest(pvalues, "uniform").pvalue > 0.001


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
    # bias under that other null makes the test reject too often (82% here, against 3%).
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


@pytest.mark.parametrize("method", ["subsample", "bootstrap"])
def test_interval_of_a_mean_matches_the_normal_theory(method: str) -> None:
    # Half-size subsamples drawn without replacement spread as much as the full-sample
    # mean (finite-population factor 1 - b / n = 1/2): scaled by sqrt(1/2), as fastit 0.1
    # did, the interval came out sqrt(2) too narrow.
    x = np.random.default_rng(10).standard_normal(2000)
    result = stats.bootstrap_ci(np.mean, x, n_resamples=2000, random_state=1, method=method)
    half_width = 1.96 * x.std() / np.sqrt(x.size)
    assert result.estimate == x.mean()
    assert result.low == pytest.approx(x.mean() - half_width, abs=0.1 * half_width)
    assert result.high == pytest.approx(x.mean() + half_width, abs=0.1 * half_width)


def test_subsampling_interval_equals_its_formula_on_the_same_draws() -> None:
    x, y = gaussian_pair(np.random.default_rng(15), 301, 0.5)
    result = stats.bootstrap_ci(fastit.mutual_info, x, y, n_resamples=150, random_state=4)
    rng = np.random.default_rng(4)
    rows = [rng.choice(301, 150, replace=False) for _ in range(150)]  # one by one
    expected = np.array([fastit.mutual_info(x[r], y[r]) for r in rows])
    assert np.array_equal(result.distribution, expected)
    assert result.estimate == fastit.mutual_info(x, y)
    lo, hi = np.quantile(expected, [0.025, 0.975])
    scale = np.sqrt(150 / 151)  # sqrt(b / (n - b))
    assert result.low == pytest.approx(result.estimate + scale * (lo - expected.mean()))
    assert result.high == pytest.approx(result.estimate + scale * (hi - expected.mean()))


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
def test_subsampling_covers_knn_mi_where_the_bootstrap_fails() -> None:
    x, y = gaussian_pair(np.random.default_rng(11), 2000, 0.6)
    truth = -0.5 * np.log(1 - 0.36)
    sub = stats.bootstrap_ci(fastit.mutual_info, x, y, n_resamples=100, n_jobs=2)  # default
    assert sub.low < truth < sub.high
    with pytest.warns(fastit.EstimationWarning, match="method='subsample'"):
        boot = stats.bootstrap_ci(
            fastit.mutual_info, x, y, n_resamples=30, method="bootstrap", n_jobs=2
        )
    assert boot.low > sub.high  # duplicated rows inflate every k-NN estimate


def _wrapped(function):
    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        return function(*args, **kwargs)

    return wrapper


@pytest.mark.parametrize(
    "estimator",
    [
        fastit.mutual_info,
        functools.partial(fastit.mutual_info, k=5),
        functools.partial(fastit.mutual_info, method="ksg2"),
        functools.partial(fastit.mutual_info, method="mixed"),
        functools.partial(functools.partial(fastit.mutual_info, k=4), method="ksg2"),
        _wrapped(fastit.mutual_info),
        fastit.conditional_mutual_info,
        lambda x, y: fastit.mutual_info(x, y, k=5),  # caught by its interval, not its name
    ],
)
def test_resampling_a_knn_estimator_with_replacement_warns(estimator) -> None:
    x, y = gaussian_pair(np.random.default_rng(16), 400, 0.6)
    samples = (x, y) if estimator is not fastit.conditional_mutual_info else (x, y, x + y)
    with pytest.warns(fastit.EstimationWarning, match="method='subsample'"):
        stats.bootstrap_ci(estimator, *samples, n_resamples=20, method="bootstrap")


def test_resampling_entropy_with_replacement_warns_for_kl_only() -> None:
    x = np.random.default_rng(17).standard_normal(500)
    with pytest.warns(fastit.EstimationWarning, match="k-NN estimator"):
        stats.bootstrap_ci(fastit.differential_entropy, x, n_resamples=20, method="bootstrap")
    histogram = functools.partial(fastit.differential_entropy, method="histogram")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats.bootstrap_ci(histogram, x, n_resamples=20, method="bootstrap")


def test_bootstrap_of_other_estimators_does_not_warn() -> None:
    rng = np.random.default_rng(18)
    x = rng.integers(0, 3, 2000)
    y = (x + rng.integers(0, 2, 2000)) % 3
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stats.bootstrap_ci(np.mean, x, n_resamples=50, method="bootstrap")
        labels = functools.partial(fastit.mutual_info, x_discrete=True, y_discrete=True)
        stats.bootstrap_ci(labels, x, y, n_resamples=50, method="bootstrap")
        stats.bootstrap_ci(fastit.mutual_info, rng.standard_normal(200), rng.standard_normal(200),
                           n_resamples=20)  # fmt: skip


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")  # bootstrap copies
def test_resampling_is_reproducible_and_thread_independent() -> None:
    x, y = gaussian_pair(np.random.default_rng(12), 500, 0.3)
    estimator = functools.partial(fastit.mutual_info, k=5)
    a = stats.bootstrap_ci(estimator, x, y, n_resamples=70, random_state=2)
    b = stats.bootstrap_ci(estimator, x, y, n_resamples=70, random_state=2, n_jobs=2)
    assert np.array_equal(a.distribution, b.distribution)
    rng = np.random.default_rng(2)
    rows = [rng.integers(0, 500, 500) for _ in range(70)]
    with pytest.warns(fastit.EstimationWarning):
        boot = stats.bootstrap_ci(estimator, x, y, n_resamples=70, method="bootstrap",
                                  random_state=2)  # fmt: skip
    assert np.array_equal(boot.distribution, [estimator(x[r], y[r]) for r in rows])


def test_small_samples_get_errors_that_name_what_was_passed() -> None:
    rng = np.random.default_rng(19)
    with pytest.raises(ValueError, match=r"3 rows \(shapes \(3,\)\)"):
        stats.bootstrap_ci(np.mean, np.arange(3.0))
    with pytest.raises(ValueError, match=r"shapes \(2, 500\), \(2, 500\).*transpose"):
        stats.bootstrap_ci(fastit.mutual_info, rng.random((2, 500)), rng.random((2, 500)))
    with pytest.raises(ValueError, match="0 rows"):
        stats.bootstrap_ci(np.mean, 5.0)
    # Ten rows are enough for the estimate (k = 3), not for its half-size subsamples:
    x, y = gaussian_pair(rng, 7, 0.5)
    with pytest.raises(ValueError, match="half-size subsample \\(3 of the 7 rows passed\\).*k=3"):
        stats.bootstrap_ci(fastit.mutual_info, x, y, n_resamples=5)


def test_samples_may_be_tensors_that_require_grad() -> None:
    torch = pytest.importorskip("torch")
    x, y = gaussian_pair(np.random.default_rng(20), 300, 0.5)
    tx = torch.tensor(x, requires_grad=True)
    a = stats.bootstrap_ci(fastit.mutual_info, tx, torch.tensor(y), n_resamples=20)
    b = stats.bootstrap_ci(fastit.mutual_info, x, y, n_resamples=20)
    assert (a.estimate, a.low, a.high) == (b.estimate, b.low, b.high)
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


def test_conditional_progress_bar_changes_nothing() -> None:
    z = rng_normal(150, 34)
    x, y = z + rng_normal(150, 35), z + rng_normal(150, 36)
    quiet = stats.conditional_mutual_info_test(x, y, z, n_permutations=70)
    shown = stats.conditional_mutual_info_test(x, y, z, n_permutations=70, progress=True)
    assert np.array_equal(quiet.null_distribution, shown.null_distribution)
    with pytest.raises(TypeError, match="progress"):
        stats.conditional_mutual_info_test(x, y, z, n_permutations=5, progress=1)
