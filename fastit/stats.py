"""Significance and uncertainty for information estimates: permutation tests, bootstrap
intervals and a data-processing-inequality check.

- :func:`mutual_info_test`: is I(X; Y) > 0?  Permutations of x give the null; the KSG
  null runs in the compiled core, which settles ties and builds the marginal indexes once
  and redoes only the joint neighbour search per permutation, in parallel.
- :func:`conditional_mutual_info_test`: is I(X; Y | Z) > 0?  x is permuted only among
  samples that are close in z (Runge 2018), so the null keeps the dependence of x on z;
  a plain permutation destroys it, and when y depends on z strongly the test then
  rejects well above its level.
- :func:`bootstrap_ci`: a percentile interval for any estimator, by resampling rows.
- :func:`data_processing_check`: for samples of a chain X -> Y -> Z, whether
  I(X; Z) <= min(I(X; Y), I(Y; Z)) holds within the estimation error.

P-values are (b + 1) / (m + 1) with b of the m null values at least the statistic: never
0, and exact (valid at any level) for exchangeable permutations (Phipson and Smyth 2010).
Randomness follows fastit's convention: ``random_state=None`` is a fixed seed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from . import _core
from ._columns import pair_params
from ._progress import progress as _progress
from ._validation import (
    FloatArray,
    as_samples,
    check_choice,
    check_count,
    check_flag,
    check_k,
    log_base,
    n_threads,
    same_length,
    seed_of,
)
from .estimators import conditional_mutual_info, mutual_info

__all__ = [
    "BootstrapResult",
    "DataProcessingResult",
    "PermutationTestResult",
    "bootstrap_ci",
    "conditional_mutual_info_test",
    "data_processing_check",
    "mutual_info_test",
]

# Permutations are drawn and evaluated in chunks of this many (memory: chunk x n int64);
# a constant, so the draws do not depend on n_jobs.
_CHUNK = 64


@dataclass(frozen=True)
class PermutationTestResult:
    """Outcome of a permutation test.

    Attributes
    ----------
    statistic : float
        The estimate on the data (same unit as the null).
    pvalue : float
        (b + 1) / (m + 1), b the number of null values >= statistic.
    null_distribution : ndarray, shape (m,)
        The estimate on each of the m permuted data sets.
    """

    statistic: float
    pvalue: float
    null_distribution: FloatArray


@dataclass(frozen=True)
class BootstrapResult:
    """A percentile confidence interval.

    Attributes
    ----------
    estimate : float
        The estimator on the original data.
    low, high : float
        The interval at ``confidence_level``.
    distribution : ndarray, shape (n_resamples,)
        The estimator on each resample.
    """

    estimate: float
    low: float
    high: float
    distribution: FloatArray


@dataclass(frozen=True)
class DataProcessingResult:
    """:func:`data_processing_check`'s findings for a presumed chain X -> Y -> Z.

    Attributes
    ----------
    i_xy, i_yz, i_xz : BootstrapResult
        The three mutual informations with their intervals.
    excess : BootstrapResult
        I(X; Z) - min(I(X; Y), I(Y; Z)) per resample: the inequality asks for <= 0.
    consistent : bool
        False when the whole interval of ``excess`` lies above 0 (a violation beyond the
        estimation error: Z carries information about X that does not pass through Y).
    """

    i_xy: BootstrapResult
    i_yz: BootstrapResult
    i_xz: BootstrapResult
    excess: BootstrapResult
    consistent: bool


def _check_level(confidence_level: Any) -> float:
    if isinstance(confidence_level, bool) or not isinstance(confidence_level, (int, float)):
        raise TypeError("confidence_level must be a number in (0, 1)")
    if not 0.0 < confidence_level < 1.0:
        raise ValueError(f"confidence_level must be in (0, 1), got {confidence_level}")
    return float(confidence_level)


def _resamples(
    rng: np.random.Generator, n: int, b: int, method: str
) -> tuple[list[npt.NDArray[np.int64]], float]:
    """Row indices of b resamples, and the factor that scales their spread to size n."""
    if method == "bootstrap":
        return [rng.integers(0, n, n) for _ in range(b)], 1.0
    half = max(2, n // 2)
    return [rng.choice(n, half, replace=False) for _ in range(b)], float(np.sqrt(half / n))


def _interval(
    estimate: float, distribution: FloatArray, level: float, method: str, scale: float
) -> BootstrapResult:
    """Percentile interval (bootstrap), or the subsampling interval: the estimate plus the
    centred quantiles of the half-size estimates, shrunk by sqrt(1/2) to the full size."""
    quantiles = np.quantile(distribution, [(1 - level) / 2, (1 + level) / 2])
    if method == "subsample":
        quantiles = estimate + scale * (quantiles - distribution.mean())
    return BootstrapResult(float(estimate), float(quantiles[0]), float(quantiles[1]), distribution)


def _pvalue(statistic: float, null: FloatArray) -> float:
    return float((np.count_nonzero(null >= statistic) + 1) / (null.size + 1))


def permutations(rng: np.random.Generator, n: int, m: int) -> Sequence[npt.NDArray[np.int64]]:
    """The m permutations of 0..n-1 a test with this ``rng`` uses, in chunks of rows."""
    chunks = []
    for start in range(0, m, _CHUNK):
        rows = min(_CHUNK, m - start)
        chunks.append(rng.permuted(np.tile(np.arange(n, dtype=np.int64), (rows, 1)), axis=1))
    return chunks


def _map(
    function: Callable[[Any], Any], items: Sequence[Any], threads: int, show: bool = False
) -> FloatArray:
    """function over items on a thread pool (the estimators release the GIL), with a
    progress bar over the results as they arrive when ``show``."""

    def collect(results: Iterable[Any]) -> FloatArray:
        done = _progress(results, total=len(items), desc="permutations", show=show)
        return np.array(list(done), dtype=np.float64)

    if threads == 1 or len(items) < 2:
        return collect(map(function, items))
    with ThreadPoolExecutor(min(threads, len(items))) as pool:
        return collect(pool.map(function, items))


def mutual_info_test(
    x: Any,
    y: Any,
    *,
    method: str = "ksg1",
    k: int = 3,
    n_permutations: int = 1000,
    base: float | None = None,
    bins: Any = "fd",
    correction: str | None = "miller-madow",
    x_discrete: bool = False,
    y_discrete: bool = False,
    standardize: bool = True,
    random_state: Any = None,
    n_jobs: int | None = None,
    progress: bool = False,
) -> PermutationTestResult:
    """Permutation test of independence with mutual information as the statistic.

    The statistic is ``fastit.mutual_info(x, y, ...)`` with the same keywords; the null
    distribution is the same estimate with the rows of x shuffled against y, which keeps
    both marginals and breaks any dependence.  For ``method="ksg1"``/``"ksg2"`` on
    continuous data the whole null runs in the compiled core: the marginal indexes and tie
    handling are done once and each permutation redoes only the joint neighbour search,
    permutations in parallel.  Other estimators are called once per permutation.

    Parameters
    ----------
    x, y : array_like, shape (n,) or (n, d)
    method, k, base, bins, correction, x_discrete, y_discrete, standardize
        As in :func:`fastit.mutual_info`.
    n_permutations : int, default 1000
        m; the smallest attainable p-value is 1 / (m + 1).
    random_state : None, int or numpy.random.Generator
        Seeds the permutations (and the estimator's tie-breaking); None is a fixed seed.
    n_jobs : int, optional
        Threads; the result does not depend on it.
    progress : bool, default False
        Show a progress bar over the chunks of permutations on stderr (needs tqdm).

    Returns
    -------
    PermutationTestResult
        statistic, pvalue = (b + 1) / (m + 1), null_distribution.

    References
    ----------
    B. Phipson and G. K. Smyth, Permutation p-values should never be zero, Statistical
    Applications in Genetics and Molecular Biology 9(1), 39 (2010).

    Examples
    --------
    >>> import numpy as np, fastit.stats
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal(500)
    >>> result = fastit.stats.mutual_info_test(x, x + rng.standard_normal(500), n_permutations=99)
    >>> result.pvalue  # no permuted estimate reached the statistic: 1 / (99 + 1)
    0.01
    """
    m = check_count(n_permutations, "n_permutations", 1)
    seed = seed_of(random_state)
    threads = n_threads(n_jobs)
    options: dict[str, Any] = {
        "method": method,
        "k": k,
        "base": base,
        "bins": bins,
        "correction": correction,
        "x_discrete": x_discrete,
        "y_discrete": y_discrete,
        "standardize": standardize,
        "random_state": seed,
    }
    show = check_flag(progress, "progress")
    statistic = float(mutual_info(x, y, n_jobs=threads, **options))
    rng = np.random.default_rng(seed)
    continuous = not (check_flag(x_discrete, "x_discrete") or check_flag(y_discrete, "y_discrete"))
    if continuous and method in ("ksg1", "ksg2"):
        xa, ya = as_samples(x, "x"), as_samples(y, "y")
        px, py = pair_params(xa, ya, threads, standardize=standardize)
        algorithm = 1 if method == "ksg1" else 2
        k = check_k(k, xa.shape[0])
        chunks = permutations(rng, xa.shape[0], m)
        null = np.concatenate(
            [
                _core.ksg_permutation_null(xa, px, ya, py, k, algorithm, perms, seed, threads)
                for perms in _progress(chunks, total=len(chunks), desc="permutations", show=show)
            ]
        ) / log_base(base)
        return PermutationTestResult(statistic, _pvalue(statistic, null), null)

    xs = np.asarray(x)
    rows = [perm for chunk in permutations(rng, xs.shape[0], m) for perm in chunk]
    if method == "binned" or not continuous:
        # Numba's parallel kernels: one estimate at a time, each on all threads (Numba's
        # workqueue threading layer must not be entered from several threads at once).
        null = _map(lambda perm: mutual_info(xs[perm], y, n_jobs=threads, **options), rows, 1, show)
    else:  # the C++ estimators release the GIL: one permutation per thread
        null = _map(lambda perm: mutual_info(xs[perm], y, n_jobs=1, **options), rows, threads, show)
    return PermutationTestResult(statistic, _pvalue(statistic, null), null)


def conditional_mutual_info_test(
    x: Any,
    y: Any,
    z: Any,
    *,
    k: int = 3,
    n_permutations: int = 1000,
    neighbours: int = 5,
    base: float | None = None,
    standardize: bool = True,
    random_state: Any = None,
    n_jobs: int | None = None,
) -> PermutationTestResult:
    """Test of conditional independence X _||_ Y | Z with the Frenzel-Pompe CMI.

    The null permutes x only among samples whose z are close: sample i receives the x of
    one of its ``neighbours`` nearest samples in z (max-norm, itself included), each
    used once where possible (Runge 2018).  The permuted x keeps its dependence on z and
    loses any dependence on y beyond it, which is the null hypothesis.  (Shuffling x over
    all samples also breaks x's tie to z; the estimator's bias differs under that other
    null, and with x and y both close to z the test rejects several times too often.)

    Parameters
    ----------
    x, y, z : array_like, shape (n,) or (n, d)
    k, base, standardize
        As in :func:`fastit.conditional_mutual_info`.
    n_permutations : int, default 1000
    neighbours : int, default 5
        Size of the z-neighbourhood x is drawn from; small values keep the null close to
        the conditional distribution, large ones approach a plain permutation.
    random_state, n_jobs
        As in :func:`mutual_info_test`.

    Returns
    -------
    PermutationTestResult

    References
    ----------
    J. Runge, Conditional independence testing based on a nearest-neighbor estimator of
    conditional mutual information, AISTATS (2018).  S. Frenzel and B. Pompe, Partial
    mutual information for coupling analysis of multivariate time series, PRL 99 (2007).

    Examples
    --------
    x and y depend on each other only through z; x + y depends on x beyond z:

    >>> import numpy as np, fastit.stats
    >>> rng = np.random.default_rng(0)
    >>> z = rng.standard_normal(300)
    >>> x = z + 0.5 * rng.standard_normal(300)
    >>> y = z + 0.5 * rng.standard_normal(300)
    >>> fastit.stats.conditional_mutual_info_test(x, y, z, n_permutations=99).pvalue > 0.05
    True
    >>> fastit.stats.conditional_mutual_info_test(x, x + y, z, n_permutations=99).pvalue
    0.01
    """
    from scipy.spatial import cKDTree

    from ._numba.permutation import local_permutation

    m = check_count(n_permutations, "n_permutations", 1)
    seed = seed_of(random_state)
    threads = n_threads(n_jobs)
    xa, za = as_samples(x, "x"), as_samples(z, "z")
    same_length(xa.shape[0], za, "z")
    n = xa.shape[0]
    neighbours = check_count(neighbours, "neighbours", 1)
    if neighbours > n:
        raise ValueError(
            f"neighbours must be at most the number of samples ({n}), got {neighbours}"
        )
    options: dict[str, Any] = {
        "k": k,
        "base": base,
        "standardize": standardize,
        "random_state": seed,
    }
    statistic = float(conditional_mutual_info(x, y, z, n_jobs=threads, **options))
    zs = (za - za.mean(axis=0)) / np.where(za.std(axis=0) > 0, za.std(axis=0), 1.0)
    _, near = cKDTree(zs).query(zs, k=neighbours, p=np.inf, workers=threads)
    near = np.asarray(near, dtype=np.int64).reshape(n, neighbours)
    rng = np.random.default_rng(seed)
    rows = [
        local_permutation(near, rng.permutation(n).astype(np.int64), rng.random((n, neighbours)))
        for _ in range(m)
    ]
    null = _map(
        lambda perm: conditional_mutual_info(xa[perm], y, z, n_jobs=1, **options), rows, threads
    )
    return PermutationTestResult(statistic, _pvalue(statistic, null), null)


def bootstrap_ci(
    estimator: Callable[..., Any],
    *samples: Any,
    n_resamples: int = 1000,
    confidence_level: float = 0.95,
    method: str = "bootstrap",
    random_state: Any = None,
    n_jobs: int | None = 1,
) -> BootstrapResult:
    """Confidence interval for ``estimator(*samples)`` by resampling rows jointly.

    Parameters
    ----------
    estimator : callable
        Called as ``estimator(*resampled)`` and returning a number, e.g.
        ``fastit.mutual_info`` or ``functools.partial(fastit.mutual_info, k=5)``.
    *samples : array_like, each with n rows
    n_resamples : int, default 1000
    confidence_level : float, default 0.95
    method : {"bootstrap", "subsample"}, default "bootstrap"
        ``"bootstrap"``: n rows drawn with replacement, percentile interval.
        ``"subsample"``: n / 2 rows drawn without replacement; the interval is the
        estimate plus the centred quantiles of the half-size estimates times
        sqrt(1/2), their spread scaled to the full sample (Politis and Romano 1994,
        for root-n estimators). Use it for k-NN estimators (see Notes).
    random_state : None, int or numpy.random.Generator
        Seeds the resampling; None is a fixed seed.
    n_jobs : int or None, default 1
        Resamples evaluated side by side on this many threads (None: every core). Only
        for estimators that release the GIL and may run concurrently, such as fastit's
        k-NN estimators; keep 1 for Numba-based ones (binned, discrete), which use every
        core themselves.

    Returns
    -------
    BootstrapResult

    Notes
    -----
    Resampling with replacement duplicates rows, and a k-NN estimator sees each copy as
    the other's nearest neighbour (fastit's tie-breaking moves them apart by 1e-10 of the
    spread, which does not change that): bootstrap k-NN estimates of MI come out far too
    high, by tenths of a nat, and the bootstrap interval misses the estimate entirely.
    ``method="subsample"`` draws without replacement and has no such copies.

    References
    ----------
    D. N. Politis and J. P. Romano, Large sample confidence regions based on subsamples
    under minimal assumptions, Annals of Statistics 22(4), 2031-2050 (1994).

    Examples
    --------
    >>> import numpy as np, fastit, fastit.stats
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal(1000)
    >>> y = x + rng.standard_normal(1000)  # I(X; Y) = 0.5 ln 2 = 0.347
    >>> ci = fastit.stats.bootstrap_ci(
    ...     fastit.mutual_info, x, y, n_resamples=50, method="subsample"
    ... )
    >>> f"{ci.estimate:.2f} [{ci.low:.2f}, {ci.high:.2f}]"
    '0.36 [0.32, 0.41]'
    >>> ci.distribution.shape
    (50,)
    """
    if not callable(estimator):
        raise TypeError("estimator must be callable, e.g. fastit.mutual_info")
    if not samples:
        raise ValueError("pass the samples to resample after the estimator")
    b = check_count(n_resamples, "n_resamples", 1)
    level = _check_level(confidence_level)
    method = check_choice(method, "method", ("bootstrap", "subsample"))
    arrays = [np.asarray(s) for s in samples]
    n = arrays[0].shape[0] if arrays[0].ndim else 0
    for i, a in enumerate(arrays[1:], start=2):
        rows = a.shape[0] if a.ndim else 0
        if rows != n:
            raise ValueError(f"sample {i} has {rows} rows, sample 1 has {n}")
    if n < 4:
        raise ValueError(f"the samples need at least 4 rows to resample, got {n}")
    rows_of, scale = _resamples(np.random.default_rng(seed_of(random_state)), n, b, method)
    estimate = float(estimator(*arrays))
    distribution = _map(lambda r: estimator(*(a[r] for a in arrays)), rows_of, n_threads(n_jobs))
    return _interval(estimate, distribution, level, method, scale)


def data_processing_check(
    x: Any,
    y: Any,
    z: Any,
    *,
    method: str = "ksg1",
    k: int = 3,
    n_resamples: int = 200,
    confidence_level: float = 0.95,
    random_state: Any = None,
    n_jobs: int | None = None,
) -> DataProcessingResult:
    """Check the data processing inequality on samples of a presumed chain X -> Y -> Z.

    If Z depends on X only through Y, then I(X; Z) <= min(I(X; Y), I(Y; Z)).  The three
    estimates are computed on the data and on ``n_resamples`` bootstrap resamples (the
    same rows for all three, so their differences are paired); the chain is declared
    inconsistent only when the whole interval of I(X; Z) - min(I(X; Y), I(Y; Z)) lies
    above 0, which allows for the estimators' error.  (The resamples are bootstrap ones,
    with replacement, for ``method="binned"`` only; for the k-NN methods they are half-size
    subsamples without replacement, as :func:`bootstrap_ci` with ``method="subsample"``,
    since bootstrap copies inflate k-NN estimates.)

    Parameters
    ----------
    x, y, z : array_like, shape (n,) or (n, d)
    method : {"ksg1", "ksg2", "binned"}, default "ksg1"
    k : int, default 3
    n_resamples, confidence_level, random_state, n_jobs
        As in :func:`bootstrap_ci`.

    Returns
    -------
    DataProcessingResult

    References
    ----------
    A. Kraskov, H. Stoegbauer and P. Grassberger, Estimating mutual information, Phys.
    Rev. E 69, 066138 (2004).  D. N. Politis and J. P. Romano, Large sample confidence
    regions based on subsamples under minimal assumptions, Annals of Statistics 22(4),
    2031-2050 (1994).

    Examples
    --------
    Samples of the chain X -> Y -> Z pass; taken in the order (X, Z, Y), they do not:

    >>> import numpy as np, fastit.stats
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal(500)
    >>> y = x + 0.5 * rng.standard_normal(500)
    >>> z = y + 0.5 * rng.standard_normal(500)
    >>> fastit.stats.data_processing_check(x, y, z, n_resamples=20).consistent
    True
    >>> fastit.stats.data_processing_check(x, z, y, n_resamples=20).consistent
    False
    """
    method = check_choice(method, "method", ("ksg1", "ksg2", "binned"))
    b = check_count(n_resamples, "n_resamples", 1)
    level = _check_level(confidence_level)
    xa, ya, za = as_samples(x, "x"), as_samples(y, "y"), as_samples(z, "z")
    same_length(xa.shape[0], ya, "y")
    same_length(xa.shape[0], za, "z")
    seed = seed_of(random_state)
    n = xa.shape[0]

    def three(rows: Any) -> FloatArray:
        a, b_, c = (xa, ya, za) if rows is None else (xa[rows], ya[rows], za[rows])
        options: dict[str, Any] = {"method": method, "k": k, "n_jobs": 1, "random_state": seed}
        return np.array(
            [
                mutual_info(a, b_, **options),
                mutual_info(b_, c, **options),
                mutual_info(a, c, **options),
            ]
        )

    # k-NN estimates are subsampled (bootstrap copies would inflate them), binned ones
    # bootstrapped.
    resampling = "bootstrap" if method == "binned" else "subsample"
    resamples, scale = _resamples(np.random.default_rng(seed), n, b, resampling)
    estimates = three(None)
    threads = n_threads(n_jobs) if method != "binned" else 1  # (see bootstrap_ci)
    if threads == 1:
        values = np.array([three(r) for r in resamples])
    else:
        with ThreadPoolExecutor(threads) as pool:
            values = np.array(list(pool.map(three, resamples)))
    excess_values = values[:, 2] - np.minimum(values[:, 0], values[:, 1])
    excess_estimate = estimates[2] - min(estimates[0], estimates[1])

    def interval(estimate: float, distribution: FloatArray) -> BootstrapResult:
        return _interval(float(estimate), distribution, level, resampling, scale)

    excess = interval(excess_estimate, excess_values)
    return DataProcessingResult(
        interval(estimates[0], values[:, 0]),
        interval(estimates[1], values[:, 1]),
        interval(estimates[2], values[:, 2]),
        excess,
        consistent=bool(excess.low <= 0.0),
    )
