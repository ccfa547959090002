"""Twins of scikit-learn's ``mutual_info_regression``, ``mutual_info_classif`` and
``_compute_mi``, on fastit's compiled core.

Same signatures, same validation (scikit-learn's own checks run first), same
preprocessing (scaling and the 1e-10 noise, drawn from the same ``random_state`` in the
same order) and the same estimators, so the numbers equal the installed scikit-learn's
bit for bit, with the same exceptions and warnings.  What changes is the speed: the
neighbour searches run in the compiled core (exact max-norm structures instead of
``KDTree``), and the features are processed in parallel threads.  Where scikit-learn's
own searches misbehave (values whose squared distances overflow, near 1e154 and beyond,
or that scaling turns into NaN or inf, near 1e308) the twins hand the feature to
scikit-learn's own estimator, so that it fails, or answers, as scikit-learn does.

The twins reproduce scikit-learn's known faults on purpose:

- **Ties.**  scikit-learn breaks ties with noise of 1e-10 times the column's mean
  magnitude (at least 1e-10); added to a nonzero value the noise is rounded to that
  value's last bits, so a column with few distinct values keeps clusters of tied points,
  and the estimate is biased upward, the more so the larger n.  A constant feature
  (it carries nothing) of value 3.0 against a binary label with 100 positives scores
  0.0001-0.002 nats at n = 1e4, 0.021-0.022 at n = 1e5 and 0.206 at n = 1e6
  (``random_state`` 0 to 2); against balanced labels 0.113 at n = 1e6; a constant 0,
  whose noise is not rounded, at most 0.003.  :func:`fastit.mutual_info` jitters tied
  columns inside the estimator and gets about 0.
- **Clipping.**  Each estimate below 0 is returned as 0, which biases averages upward;
  :func:`fastit.mutual_info` returns the estimate as it is.  The 0 is Python's int, so
  when every feature is clipped the result array has dtype int64, not float64.
- **Tiny classes.**  For a class with at most ``2 * n_neighbors + 1`` samples scikit-learn
  measures distances as ``sqrt(a^2 + b^2 - 2ab)``, off by rounding, so a neighbour on the
  radius may be counted; the twin asks scikit-learn for exactly those radii, so it
  matches, and :func:`fastit.mutual_info` with ``y_discrete=True`` does not.

:func:`patch` routes scikit-learn's own functions to the twins (so ``SelectKBest``,
``SelectPercentile`` and anything else that looks them up in
``sklearn.feature_selection`` uses them), :func:`unpatch` restores them, and
``with patched(): ...`` does both.  Code that imported the functions before
:func:`patch` keeps the originals, as with scikit-learn-intelex: patch first.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from numbers import Integral
from typing import Any

import numpy as np
from scipy.sparse import issparse
from scipy.special import digamma
from sklearn.feature_selection._mutual_info import _compute_mi_cc, _compute_mi_cd
from sklearn.metrics import mutual_info_score
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import scale
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions, validate_params
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_array, check_X_y

from .. import _core
from .._validation import n_threads

__all__ = [
    "_compute_mi",
    "is_patched",
    "mutual_info_classif",
    "mutual_info_regression",
    "patch",
    "patched",
    "unpatch",
]

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


# --------------------------------------------------------------------------- estimators


def _tree_would_be_brute(n_neighbors: int, n_samples: int) -> bool:
    """Whether scikit-learn's ``NearestNeighbors(algorithm="auto")`` takes its brute-force
    path (rounded Euclidean distances) instead of a tree (exact distances)."""
    return n_neighbors >= n_samples // 2


def _column(values: Any) -> FloatArray:
    return np.ascontiguousarray(values, dtype=np.float64).reshape(-1, 1)


def _digamma_table(n: int) -> FloatArray:
    """digamma(m) for m = 0..n (NaN at 0), from SciPy's digamma: looking a count up here
    gives the same bits as scikit-learn's digamma(count), at a fraction of the cost."""
    table = np.empty(n + 1)
    table[0] = np.nan
    table[1:] = digamma(np.arange(1, n + 1, dtype=np.float64))
    return table


def _digamma_of(counts: Any, psi: FloatArray | None) -> FloatArray:
    """digamma of non-negative integer counts, from ``psi`` when it reaches far enough."""
    top = int(counts.max()) if counts.size else 0
    if psi is None or psi.shape[0] <= top:
        psi = _digamma_table(top)
    found: FloatArray = psi[counts]
    return found


def _mi_cc(x: Any, y: Any, n_neighbors: int, threads: int, psi: FloatArray | None = None) -> Any:
    """KSG algorithm 1 as scikit-learn computes it: radius nextafter(eps, 0) in the
    max-norm, marginal counts with <= (so strictly inside eps), clipped at 0.
    ``psi``: an optional :func:`_digamma_table` shared by many features."""
    n_samples = x.size
    if n_neighbors >= n_samples:  # scikit-learn's own error
        return _compute_mi_cc(x, y, n_neighbors)
    xc, yc = _column(x), _column(y)
    radius = np.nextafter(_core.knn_distances(np.hstack((xc, yc)), n_neighbors, threads), 0)
    nx = _core.count_neighbors(xc, radius, False, threads)
    ny = _core.count_neighbors(yc, radius, False, threads)
    return _ksg_from_counts(n_samples, n_neighbors, nx, ny, psi)


def _ksg_from_counts(n_samples: int, n_neighbors: int, nx: Any, ny: Any, psi: Any) -> Any:
    """scikit-learn's KSG formula on the marginal counts, clipped at 0."""
    mi = (
        digamma(n_samples)
        + digamma(n_neighbors)
        - np.mean(_digamma_of(nx + 1, psi))
        - np.mean(_digamma_of(ny + 1, psi))
    )
    return max(0, mi)  # the int 0 when clipped: all-clipped results come out int64


def _mi_cc_columns(
    X: FloatArray, y: FloatArray, n_neighbors: int, threads: int, psi: FloatArray | None
) -> FloatArray:
    """:func:`_mi_cc` of every column of X against y, the columns spread over the threads
    inside the core (which sorts y once), in chunks that bound the count arrays."""
    n_samples, n_features = X.shape
    yc = _column(y)
    chunk = max(1, min(n_features, (1 << 23) // n_samples))  # 2 x 64 MiB of counts at most
    mi: list[Any] = []
    for start in range(0, n_features, chunk):
        columns = np.ascontiguousarray(X[:, start : start + chunk].T)
        nx, ny = _core.ksg_counts_columns(columns, yc, n_neighbors, threads)
        mi += [
            _ksg_from_counts(n_samples, n_neighbors, a, b, psi) for a, b in zip(nx, ny, strict=True)
        ]
    return np.array(mi)


def _largest_square_at_most(bound: FloatArray, start: FloatArray) -> FloatArray:
    """Largest t >= start with fl(t * t) <= bound, by bisection on the bit patterns of
    non-negative doubles (which order like the values); ``start`` must satisfy it."""
    lo = start.view(np.int64).copy()
    hi = np.full(lo.shape, np.float64(1e-150)).view(np.int64)  # its square exceeds bound
    while np.any(hi - lo > 1):
        mid = lo + (hi - lo) // 2
        t = mid.view(np.float64)
        inside = t * t <= bound
        lo = np.where(inside, mid, lo)
        hi = np.where(inside, hi, mid)
    found: FloatArray = lo.view(np.float64)
    return found


# From this magnitude on, the square of a difference of two values can overflow (and
# nextafter would climb to inf looking for the largest t with t * t <= r * r).
_SQUARES_OVERFLOW = 2.0**511

# Largest t whose square rounds to 0.
_ZERO_SQUARE_LIMIT = float(_largest_square_at_most(np.zeros(1), np.zeros(1))[0])


def _squared_radius_limit(radius: FloatArray) -> FloatArray:
    """Largest t with fl(t * t) <= fl(r * r), elementwise, for r >= 0: scikit-learn's
    Euclidean ``KDTree.query_radius`` compares squared distances, so a distance d is
    inside r exactly when d <= t (squaring is monotone)."""
    bound = radius * radius  # finite: :func:`_mi_cd` keeps |values| below _SQUARES_OVERFLOW
    limit: FloatArray = radius.copy()
    # Squares in the normal range: t is at most a few ulps above r.
    todo = np.flatnonzero(bound >= np.finfo(np.float64).tiny)
    while todo.size:
        up = np.nextafter(limit[todo], np.inf)
        with np.errstate(over="ignore"):  # (r within an ulp of 2**512)
            grow = up * up <= bound[todo]
        todo = todo[grow]
        limit[todo] = up[grow]
    # Below it squares round coarsely (r = 0 is common: duplicated samples).
    limit[bound == 0] = _ZERO_SQUARE_LIMIT
    tiny = np.flatnonzero((bound > 0) & (bound < np.finfo(np.float64).tiny))
    if tiny.size:
        limit[tiny] = _largest_square_at_most(bound[tiny], radius[tiny])
    return limit


def _mi_cd(c: Any, d: Any, n_neighbors: int, threads: int, psi: FloatArray | None = None) -> Any:
    """Ross's estimator as scikit-learn computes it (1-D Euclidean = max-norm): per-label
    k-th neighbour distance (k capped at count - 1), radius nextafter(r, 0), counts of
    all samples with squared distance <= radius^2 (the sample itself included); labels
    seen once are left out.  Clipped at 0."""
    c = np.ascontiguousarray(c, dtype=np.float64).reshape(-1)
    if c.size and float(np.abs(c).max()) >= _SQUARES_OVERFLOW:
        # scikit-learn's Euclidean searches square distances, which overflow here: its
        # trees then return arbitrary neighbours (or fail to reshape them), its brute
        # force NaN distances. Only scikit-learn itself gives what scikit-learn gives.
        return _compute_mi_cd(c, d, n_neighbors)
    n_samples = c.shape[0]
    radius = np.empty(n_samples)
    label_counts = np.empty(n_samples)
    k_all = np.empty(n_samples)
    labels, codes, counts = np.unique(d, return_inverse=True, return_counts=True)
    codes = codes.reshape(-1)
    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(counts)))
    for label in range(labels.size):
        members = order[bounds[label] : bounds[label + 1]]
        count = members.size
        label_counts[members] = count
        if count < 2:
            continue
        k = min(n_neighbors, count - 1)
        k_all[members] = k
        points = c[members].reshape(-1, 1)
        if _tree_would_be_brute(k, count):
            # scikit-learn's rounded brute-force distances, reproduced by asking it.
            nn = NearestNeighbors(n_neighbors=k).fit(points)
            r = nn.kneighbors()[0][:, -1]
        else:
            r = _core.knn_distances(points, k, threads)
        radius[members] = np.nextafter(r, 0)
    kept = label_counts > 1
    n_kept = int(np.sum(kept))
    if n_kept == 0:  # scikit-learn fails inside KDTree here; let it raise its own error
        return _compute_mi_cd(c, d, n_neighbors)
    points = _column(c[kept])
    limit = _squared_radius_limit(radius[kept])
    m_all = _core.count_neighbors(points, limit, False, threads) + 1
    mi = (
        digamma(n_kept)
        + np.mean(_digamma_of(k_all[kept].astype(np.int64), psi))
        - np.mean(_digamma_of(label_counts[kept].astype(np.int64), psi))
        - np.mean(_digamma_of(m_all, psi))
    )
    return max(0, mi)  # the int 0 when clipped: all-clipped results come out int64


def _mi_dd(x: Any, y: Any) -> float:
    """``sklearn.metrics.mutual_info_score(x, y)`` itself: the plug-in MI of the contingency
    table, with its warning for non-integer labels and its clip at 0. Its rounding (each
    cell's term ``c/N (log c - log N) + c/N (log N + log N - log(n_x n_y))``, terms below
    machine epsilon zeroed, summed in the table's row-major order) differs from any other
    formula in the last bits, and reproducing it costs what calling it costs."""
    return float(mutual_info_score(x, y))


def _compute_mi(x: Any, y: Any, x_discrete: bool, y_discrete: bool, n_neighbors: int = 3) -> Any:
    """Mutual information (nats) of two 1-D samples, as scikit-learn's private helper of
    the same name: plug-in for two discrete variables, Ross (2014) for one discrete,
    Kraskov et al. (2004) algorithm 1 for two continuous ones; clipped at 0."""
    return _compute_mi_threads(x, y, x_discrete, y_discrete, n_neighbors, 1)


def _compute_mi_threads(
    x: Any,
    y: Any,
    x_discrete: bool,
    y_discrete: bool,
    n_neighbors: int,
    threads: int,
    psi: FloatArray | None = None,
) -> Any:
    if x_discrete and y_discrete:
        return _mi_dd(x, y)
    if x_discrete:
        return _mi_cd(y, x, n_neighbors, threads, psi)
    if y_discrete:
        return _mi_cd(x, y, n_neighbors, threads, psi)
    return _mi_cc(x, y, n_neighbors, threads, psi)


# --------------------------------------------------------------------------- drivers


def _columns(X: Any) -> Iterator[Any]:
    """Dense columns of X (a CSC matrix is expanded one column at a time)."""
    for i in range(X.shape[1]):
        if issparse(X):
            column = np.zeros(X.shape[0])
            lo, hi = X.indptr[i], X.indptr[i + 1]
            column[X.indices[lo:hi]] = X.data[lo:hi]
            yield column
        else:
            yield X[:, i]


def _scaled_with_noise(X: Any, rng: np.random.RandomState) -> FloatArray:
    """scikit-learn's preprocessing of an all-continuous dense X, bit for bit, into a new
    array whose columns are contiguous.

    scikit-learn scales a masked copy ``X[:, mask]`` (NumPy lays it out column-major, and
    the layout decides how the column sums are rounded), writes it back, takes a second
    masked copy for the mean magnitudes and a third to add the noise.  Here the first
    masked copy is kept and everything happens in it: the same operations on the same
    values in the same layout, with one copy instead of four.
    """
    X = X.astype(np.float64, copy=False)  # never written to
    # The noise does not depend on the data: draw it (NumPy releases the GIL) while the
    # data are scaled.  Nothing else draws from rng meanwhile, so the stream is unchanged.
    with ThreadPoolExecutor(1) as pool:
        drawn = pool.submit(rng.standard_normal, size=X.shape)
        work = X[:, np.ones(X.shape[1], dtype=bool)]
        work = scale(work, with_mean=False, copy=False)
        means = np.maximum(1, np.mean(np.abs(work), axis=0))
        noise = drawn.result()
    noise *= 1e-10 * means
    work += noise
    result: FloatArray = work
    return result


def _meets_non_finite(
    X: Any, y: Any, continuous_mask: Any, discrete_target: bool
) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """The features whose estimate would read a NaN or infinite value (after scaling): a
    continuous feature holding one, or any feature against such a continuous target."""
    if not discrete_target and not np.isfinite(y).all():
        return np.ones(X.shape[1], dtype=bool)
    unsafe = np.zeros(X.shape[1], dtype=bool)
    if np.any(continuous_mask):  # (then X is dense)
        unsafe[continuous_mask] = ~np.isfinite(X[:, continuous_mask]).all(axis=0)
    return unsafe


def _sklearn_compute_mi(
    x: Any, y: Any, x_discrete: bool, y_discrete: bool, n_neighbors: int
) -> Any:
    """scikit-learn's own ``_compute_mi`` (not the name, which :func:`patch` replaces)."""
    if x_discrete and y_discrete:
        return mutual_info_score(x, y)
    if x_discrete:
        return _compute_mi_cd(y, x, n_neighbors)
    if y_discrete:
        return _compute_mi_cd(x, y, n_neighbors)
    return _compute_mi_cc(x, y, n_neighbors)


def _threads(n_jobs: Any) -> int:
    """Threads for the twins: every core by default (results never depend on it),
    otherwise joblib's reading of ``n_jobs`` (-1 all, -2 all but one, 0 an error)."""
    if n_jobs is None:
        return n_threads(None)
    from joblib import effective_n_jobs

    return int(effective_n_jobs(n_jobs))


def _estimate_mi(
    X: Any,
    y: Any,
    *,
    discrete_features: Any = "auto",
    discrete_target: bool = False,
    n_neighbors: int = 3,
    copy: bool = True,
    random_state: Any = None,
    n_jobs: Any = None,
) -> FloatArray:
    """scikit-learn's preprocessing, step for step (so the same random numbers reach
    the same entries), then every feature's estimate on the compiled core."""
    X, y = check_X_y(X, y, accept_sparse="csc", y_numeric=not discrete_target)
    n_samples, n_features = X.shape
    if isinstance(discrete_features, (str, bool)):
        if isinstance(discrete_features, str):
            if discrete_features != "auto":
                raise ValueError("Invalid string value for discrete_features.")
            discrete_features = issparse(X)
        discrete_mask = np.full(n_features, discrete_features, dtype=bool)
    else:
        discrete_features = check_array(discrete_features, ensure_2d=False)
        if discrete_features.dtype != "bool":
            discrete_mask = np.zeros(n_features, dtype=bool)
            discrete_mask[discrete_features] = True
        else:
            discrete_mask = discrete_features
    continuous_mask = ~discrete_mask
    if np.any(continuous_mask) and issparse(X):
        raise ValueError("Sparse matrix `X` can't have continuous features.")

    rng = check_random_state(random_state)
    in_place = not copy and X.dtype == np.float64
    if np.all(continuous_mask) and not in_place:
        X = _scaled_with_noise(X, rng)
    elif np.any(continuous_mask):
        X = X.astype(np.float64, copy=copy)
        X[:, continuous_mask] = scale(X[:, continuous_mask], with_mean=False, copy=False)
        means = np.maximum(1, np.mean(np.abs(X[:, continuous_mask]), axis=0))
        X[:, continuous_mask] += (
            1e-10 * means * rng.standard_normal(size=(n_samples, np.sum(continuous_mask)))
        )
    if not discrete_target:
        y = scale(y, with_mean=False)
        y += 1e-10 * np.maximum(1, np.mean(np.abs(y))) * rng.standard_normal(size=n_samples)

    threads = _threads(n_jobs)
    unsafe = _meets_non_finite(X, y, continuous_mask, discrete_target)
    if unsafe.any():
        # scaling made NaN or inf (magnitudes near the float maximum): scikit-learn fails
        # inside its estimators on those features, feature by feature in order; so do its
        # own estimators here, with the others computed as usual in between.
        return np.array(
            [
                (_sklearn_compute_mi if bad else _compute_mi)(
                    column, y, bool(discrete), discrete_target, n_neighbors
                )
                for column, discrete, bad in zip(_columns(X), discrete_mask, unsafe, strict=True)
            ]
        )
    # Shared by the features when they are many; one feature sizes its own to its counts.
    psi = _digamma_table(n_samples) if n_features > 1 else None
    if n_features > 1 and not discrete_target and np.all(continuous_mask):
        if n_neighbors < n_samples:  # (else scikit-learn's own error, below)
            return _mi_cc_columns(X, y, n_neighbors, threads, psi)
    tasks = list(zip(_columns(X), discrete_mask, strict=True))

    def one(task: tuple[Any, bool], inner: int) -> Any:
        column, discrete = task
        return _compute_mi_threads(
            column, y, bool(discrete), discrete_target, n_neighbors, inner, psi
        )

    if threads == 1 or len(tasks) < 2:
        return np.array([one(task, threads) for task in tasks])
    # One feature per thread (the core releases the GIL); spare threads go inside.
    inner = max(1, threads // len(tasks))
    with ThreadPoolExecutor(min(threads, len(tasks))) as pool:
        return np.array(list(pool.map(lambda task: one(task, inner), tasks)))


_PARAMETERS = {
    "X": ["array-like", "sparse matrix"],
    "y": ["array-like"],
    "discrete_features": [StrOptions({"auto"}), "boolean", "array-like"],
    "n_neighbors": [Interval(Integral, 1, None, closed="left")],
    "copy": ["boolean"],
    "random_state": ["random_state"],
    "n_jobs": [Integral, None],
}


@validate_params(_PARAMETERS, prefer_skip_nested_validation=True)  # type: ignore[untyped-decorator]
def mutual_info_regression(
    X: Any,
    y: Any,
    *,
    discrete_features: Any = "auto",
    n_neighbors: int = 3,
    copy: bool = True,
    random_state: Any = None,
    n_jobs: Any = None,
) -> FloatArray:
    """Mutual information (nats) between each feature and a continuous target.

    Twin of :func:`sklearn.feature_selection.mutual_info_regression`: same parameters,
    validation, errors and values (see the module docstring for the faults it keeps).
    Continuous features use Kraskov et al.'s estimator, discrete ones Ross's.

    Parameters
    ----------
    X : array-like or sparse matrix, shape (n_samples, n_features)
    y : array-like, shape (n_samples,)
    discrete_features : {"auto", bool, array-like}, default "auto"
        A bool for all features, a boolean mask or the indices of the discrete ones;
        "auto" is False for dense and True for sparse X.
    n_neighbors : int, default 3
    copy : bool, default True
        With False, a float64 X is scaled and noised in place, as in scikit-learn.
    random_state : int, RandomState instance or None
        Seeds the 1e-10 tie-breaking noise; pass an int for reproducible values.
    n_jobs : int or None
        Threads. Unlike scikit-learn, None uses every core (the values do not
        depend on it); -1 is every core, -2 all but one.

    Returns
    -------
    ndarray of shape (n_features,)
        Estimates in nats, negative ones replaced by 0. float64, except that when every
        estimate is clipped scikit-learn returns int64 zeros, and so does the twin.

    References
    ----------
    A. Kraskov, H. Stoegbauer and P. Grassberger, Estimating mutual information,
    Phys. Rev. E 69, 066138 (2004).  B. C. Ross, Mutual information between discrete
    and continuous data sets, PLoS ONE 9(2), e87357 (2014).

    Examples
    --------
    >>> import numpy as np
    >>> from fastit.compat.sklearn import mutual_info_regression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((1000, 2))
    >>> y = X[:, 0] + 0.5 * rng.standard_normal(1000)
    >>> mi = mutual_info_regression(X, y, random_state=0)
    >>> bool(mi[0] > 0.5 > mi[1])
    True
    """
    return _estimate_mi(
        X,
        y,
        discrete_features=discrete_features,
        discrete_target=False,
        n_neighbors=n_neighbors,
        copy=copy,
        random_state=random_state,
        n_jobs=n_jobs,
    )


@validate_params(_PARAMETERS, prefer_skip_nested_validation=True)  # type: ignore[untyped-decorator]
def mutual_info_classif(
    X: Any,
    y: Any,
    *,
    discrete_features: Any = "auto",
    n_neighbors: int = 3,
    copy: bool = True,
    random_state: Any = None,
    n_jobs: Any = None,
) -> FloatArray:
    """Mutual information (nats) between each feature and a discrete target.

    Twin of :func:`sklearn.feature_selection.mutual_info_classif`: same parameters,
    validation, errors and values (see the module docstring for the faults it keeps,
    notably the constant-feature bias; :func:`fastit.mutual_info` with
    ``y_discrete=True`` is the unbiased estimate).  Continuous features use Ross's
    estimator, discrete ones the plug-in MI of their contingency table.

    Parameters and returns as :func:`mutual_info_regression`; ``y`` holds class labels.

    Parameters
    ----------
    X, discrete_features, n_neighbors, copy, random_state, n_jobs
        As in :func:`mutual_info_regression`.
    y : array-like, shape (n_samples,)
        Class labels.

    Returns
    -------
    ndarray, shape (n_features,)
        Estimates in nats, negative ones replaced by 0 (Python's int 0, so the dtype is
        int64 when every feature is clipped; see the module docstring).

    References
    ----------
    B. C. Ross, Mutual information between discrete and continuous data sets, PLoS ONE
    9(2), e87357 (2014).

    Examples
    --------
    >>> import numpy as np
    >>> from fastit.compat.sklearn import mutual_info_classif
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 1000)
    >>> X = np.column_stack([y + rng.standard_normal(1000), rng.standard_normal(1000)])
    >>> mi = mutual_info_classif(X, y, random_state=0)
    >>> bool(mi[0] > 0.1 > mi[1])
    True
    """
    check_classification_targets(y)
    return _estimate_mi(
        X,
        y,
        discrete_features=discrete_features,
        discrete_target=True,
        n_neighbors=n_neighbors,
        copy=copy,
        random_state=random_state,
        n_jobs=n_jobs,
    )


# --------------------------------------------------------------------------- patching

# Where scikit-learn keeps each function: the public package and the defining module.
_TARGETS = {
    "mutual_info_regression": (
        "sklearn.feature_selection",
        "sklearn.feature_selection._mutual_info",
    ),
    "mutual_info_classif": ("sklearn.feature_selection", "sklearn.feature_selection._mutual_info"),
    "_compute_mi": ("sklearn.feature_selection._mutual_info",),
}
_TWINS: dict[str, Callable[..., Any]] = {
    "mutual_info_regression": mutual_info_regression,
    "mutual_info_classif": mutual_info_classif,
    "_compute_mi": _compute_mi,
}
_originals: dict[tuple[str, str], Any] = {}


def patch() -> None:
    """Route scikit-learn's ``mutual_info_regression``, ``mutual_info_classif`` (and
    its private ``_compute_mi``) to the twins.  Idempotent; undone by :func:`unpatch`.

    Returns
    -------
    None

    Examples
    --------
    >>> import sklearn.feature_selection
    >>> from fastit.compat import sklearn as fastit_sklearn
    >>> fastit_sklearn.patch()
    >>> sklearn.feature_selection.mutual_info_classif is fastit_sklearn.mutual_info_classif
    True
    >>> fastit_sklearn.unpatch()
    """
    for name, modules in _TARGETS.items():
        for module_name in modules:
            module = importlib.import_module(module_name)
            _originals.setdefault((module_name, name), getattr(module, name))
            setattr(module, name, _TWINS[name])


def unpatch() -> None:
    """Restore scikit-learn's own functions (a no-op when not patched).

    Returns
    -------
    None

    Examples
    --------
    >>> import sklearn.feature_selection
    >>> from fastit.compat import sklearn as fastit_sklearn
    >>> fastit_sklearn.patch()
    >>> fastit_sklearn.unpatch()
    >>> sklearn.feature_selection.mutual_info_classif is fastit_sklearn.mutual_info_classif
    False
    """
    for (module_name, name), original in _originals.items():
        setattr(importlib.import_module(module_name), name, original)
    _originals.clear()


def is_patched() -> bool:
    """Whether :func:`patch` is in effect.

    Returns
    -------
    bool
        True when ``sklearn.feature_selection.mutual_info_classif`` is the twin.

    Examples
    --------
    >>> from fastit.compat.sklearn import is_patched, patched
    >>> with patched():
    ...     print(is_patched())
    True
    """
    import sklearn.feature_selection

    return sklearn.feature_selection.mutual_info_classif is mutual_info_classif


@contextlib.contextmanager
def patched() -> Iterator[None]:
    """``with patched(): ...`` runs the block with scikit-learn routed to the twins,
    and restores whatever was there before (patched or not) on exit.

    Returns
    -------
    contextlib.AbstractContextManager
        A context manager; ``with`` binds None.

    Examples
    --------
    >>> import numpy as np, sklearn.feature_selection
    >>> from fastit.compat.sklearn import patched
    >>> X = np.arange(40.0).reshape(20, 2)
    >>> y = np.repeat([0, 1], 10)
    >>> with patched():
    ...     mi = sklearn.feature_selection.mutual_info_classif(X, y, random_state=0)
    >>> mi.shape
    (2,)
    """
    was_patched = is_patched()
    patch()
    try:
        yield
    finally:
        if not was_patched:
            unpatch()
