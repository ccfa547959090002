r"""Information-theoretic feature selection: relevance ranking, mRMR, JMI and CMIM.

Every criterion ranks the candidate features :math:`X_j` by an estimate built from mutual
information with the target :math:`y` and with the features :math:`S` already chosen, and
adds the best one, greedily, until ``k`` are chosen (the first pick is always the most
relevant feature, ties going to the lowest column index):

==============  ===========================================================================
``relevance``   :math:`J(j) = I(X_j; y)`, the plain ranking (no redundancy term).
``mrmr``        :math:`J(j) = I(X_j; y) - \frac{1}{|S|}\sum_{s \in S} I(X_j; X_s)`
                (Peng, Long and Ding 2005, the difference form).
``jmi``         :math:`J(j) = \sum_{s \in S} I(X_j, X_s; y)
                = \sum_{s \in S} [I(X_s; y) + I(X_j; y \mid X_s)]` (Yang and Moody 1999).
                Up to the constant :math:`\sum_s I(X_s; y)` this is Brown et al.'s form
                :math:`\sum_s [I(X_j;y) - I(X_j;X_s) + I(X_j;X_s \mid y)]`, so the picks are
                the same; the scores reported are the Yang-Moody sums.
``cmim``        :math:`J(j) = \min_{s \in S} I(X_j; y \mid X_s)` (Fleuret 2004, in Brown et
                al.'s form; Fleuret's own algorithm also takes :math:`I(X_j; y)` into the
                minimum, which changes the picks only where features are synergistic).
==============  ===========================================================================

:func:`select_features` and :class:`MutualInfoSelector` use JMI unless told otherwise:
Brown et al. (2012) found it the best trade-off of accuracy and stability across the
criteria, and it keeps to the informative features where mRMR picks noise
(``docs/selection.md`` has the comparison on scikit-learn's data sets).

Each function returns a :class:`Selection`: the chosen column indices in the order they
were picked, the criterion's score of each pick (for the first pick, its relevance), and
the relevance :math:`I(X_j; y)` of every feature. Scores are in nats unless ``base`` says
otherwise.

Estimators
----------
``estimator="binned"`` (the default) replaces every continuous variable (features and a
continuous target) by its bin codes, once, and estimates every term as the MI or CMI of
codes, as :func:`fastit.discrete_mutual_info` and
:func:`fastit.discrete_conditional_mutual_info` do, with the chosen ``correction``
(Miller-Madow by default). Discrete features and targets are used as labels. The
default bins, ``"quantile-hgr"``, are equal-frequency bins, as many as the rule of
Hacine-Gharbi and Ravier (2018) for the joint histogram of two independent variables
chooses, :math:`B = \operatorname{round}\sqrt{(1 + \sqrt{1 + 24 n}) / 2}` (9 bins at
n = 1000, 16 at n = 10^4, 49 at n = 10^6). Equal-frequency bins give every continuous
feature the same near-uniform marginal, so every feature carries the same histogram bias
and the estimates stay comparable across features (what a ranking needs); they are
invariant to monotone transformations of a feature, as MI itself is, and outliers do not
empty the other bins. Any rule of :mod:`fastit.binning` or a fixed number of bins may be
passed instead. A relevance or redundancy term counts a 2-D table of about B^2 cells; the
conditional terms of JMI and CMIM count 3-D tables of B^2 |y| cells (B^3 for a binned
continuous target), which few samples fill thinly: prefer fewer bins there, or
``estimator="ksg"``.

``estimator="ksg"`` uses fastit's k-nearest-neighbour estimators: :func:`fastit.mutual_info`
(Kraskov et al. algorithm 1 between continuous variables, Ross's estimator between a
continuous and a discrete one, the discrete estimator with ``correction`` between
discrete ones) and, for I(X_j; y | X_s) with all three continuous,
:func:`fastit.conditional_mutual_info` (Frenzel-Pompe); otherwise the CMI is the
difference of MIs given by the chain rule, so that each MI joins variables of one kind:
``I(X_j, X_s; y) - I(X_s; y)``, ``I(X_j; y, X_s) - I(X_j; X_s)`` or
``I(X_j; y) + I(X_j, y; X_s) - I(X_j; X_s) - I(y; X_s)``. The k-NN estimates are
consistent without any binning choice and are the more accurate ones on small samples and
smooth dependencies, but each costs a k-NN search over all n samples.

Speed
-----
Relevance is computed once; each later round estimates only the terms between the
feature picked last and the remaining candidates, as one batch (one compiled call over
all candidates for ``"binned"``; the k-NN estimates spread over ``n_jobs`` threads), and
adds them to running sums (mRMR, JMI) or minima (CMIM). Bin codes are computed once per
feature. mRMR selecting 50 of 1000 features from n = 10^4 samples (the case of
``benchmarks/bench_selection.py``, whose target is 30 s on 2 cores) takes about 1 s with
``"binned"`` (Miller-Madow; JMI and CMIM about 1.3 s; 2.5-4 s while another process held
one of the cores), and over two minutes with ``"ksg"`` (measured: 135-156 s): it needs
about 49,000 k-NN estimates of some 3.5 ms of compiled work each, which no batching
removes. That is why ``"binned"`` is the default.
Corrections other than None and ``"miller-madow"`` estimate each table in Python and are
much slower on wide data.

Caveats of the criteria
-----------------------
mRMR's redundancy is feature-feature MI, which is not bounded by the target's entropy:
when informative features depend strongly on each other (say several linear mixtures of
the same sources, against a binary target), it can prefer a pure-noise feature to an
informative one that is correlated with a feature already chosen. JMI sums over the
chosen set, so a copy of a strong chosen feature still scores high (its pairs with the
other picks are as informative as the original's); CMIM gives such a copy nothing, as
I(copy; y | original) = 0. Brown et al. (2012) compare the criteria in depth.

Results do not depend on ``n_jobs``. ``random_state`` seeds the tie-breaking jitter of the
k-NN estimators (see :mod:`fastit.estimators`): one seed is drawn from it and used for every
estimate, so the selection is reproducible; the binned estimates involve no randomness.

scikit-learn
------------
:class:`MutualInfoSelector` is a scikit-learn transformer (``SelectorMixin``,
``BaseEstimator``) for pipelines and grid searches. scikit-learn is an optional
dependency: the class is created on first access (``fastit.selection.MutualInfoSelector``),
which imports scikit-learn and raises an ``ImportError`` saying how to install it when it
is missing; the functions need only NumPy.

References
----------
Peng, Long, Ding, "Feature selection based on mutual information: criteria of
max-dependency, max-relevance, and min-redundancy", IEEE TPAMI 27(8), 1226-1238 (2005).
Yang, Moody, "Data visualization and feature selection: new algorithms for nongaussian
data", NIPS 12 (1999).
Fleuret, "Fast binary feature selection with conditional mutual information", JMLR 5,
1531-1555 (2004).
Brown, Pocock, Zhao, Lujan, "Conditional likelihood maximisation: a unifying framework for
information theoretic feature selection", JMLR 13, 27-66 (2012).
Hacine-Gharbi, Ravier, "A binning formula of bi-histogram for joint entropy estimation
using mean square error minimization", Pattern Recognition Letters 101, 21-28 (2018).

Examples
--------
>>> import numpy as np
>>> from fastit.selection import MutualInfoSelector
>>> rng = np.random.default_rng(0)
>>> X = rng.standard_normal((2000, 6))
>>> X[:, 4] = X[:, 1]  # a copy of column 1
>>> y = (2 * X[:, 1] + X[:, 3] > 0).astype(int)
>>> selector = MutualInfoSelector(k=2, criterion="mrmr").fit(X, y)
>>> selector.selected_.tolist()  # column 4 repeats column 1: mRMR takes column 3 instead
[1, 3]
>>> selector.transform(X).shape
(2000, 2)
"""

from __future__ import annotations

import contextlib
import math
import numbers
import warnings
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from ._entropy_estimators import entropy_from_counts
from ._validation import (
    FloatArray,
    _to_numpy,
    as_labels,
    check_choice,
    check_correction,
    check_count,
    check_flag,
    log_base,
    n_threads,
    same_length,
    seed_of,
)
from ._warnings import DiscreteDataWarning, quiet
from .binning import RULES, bin_edges

# MutualInfoSelector is left out so that ``from fastit.selection import *`` works without
# scikit-learn; import it by name.
__all__ = [
    "CRITERIA",
    "ESTIMATORS",
    "Selection",
    "cmim",
    "hgr_bins",
    "jmi",
    "mrmr",
    "relevance",
    "select_features",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

CRITERIA = ("mrmr", "jmi", "cmim", "relevance")
ESTIMATORS = ("binned", "ksg")
DEFAULT_BINS = "quantile-hgr"
_BIN_RULES = (DEFAULT_BINS, *RULES)
# dtype kinds read as labels by discrete_features="auto" and discrete_target=None.
_LABEL_KINDS = "biuOSU"
# Largest table (cells) the compiled pairwise kernel allocates per pair; larger tables
# (discrete features with huge alphabets) are counted sparsely, pair by pair.
_MAX_TABLE_CELLS = 1 << 22

# Created by the module's __getattr__ on first access (it imports scikit-learn); the
# annotation only declares the name for linters and type checkers.
MutualInfoSelector: Any


class Selection(NamedTuple):
    """The result of a greedy selection.

    Attributes
    ----------
    selected : ndarray of int64, shape (k,)
        Column indices of the chosen features, in the order they were picked.
    scores : ndarray of float64, shape (k,)
        The criterion's score of each pick when it was picked (for the first pick, its
        relevance I(X_j; y)).
    relevance : ndarray of float64, shape (n_features,)
        I(X_j; y) of every feature.
    """

    selected: IntArray
    scores: FloatArray
    relevance: FloatArray


# --------------------------------------------------------------------------- validation


def hgr_bins(n: int) -> int:
    r"""Number of bins of the ``"quantile-hgr"`` rule for n samples.

    .. math:: B = \operatorname{round} \sqrt{(1 + \sqrt{1 + 24 n}) / 2}

    the rule of Hacine-Gharbi and Ravier (2018) for the bi-histogram of two variables,
    taken at correlation 0 (so every feature gets the same bins), and at least 2.

    Parameters
    ----------
    n : int
        Number of samples.

    Returns
    -------
    int
        The number of equal-frequency bins per variable, at least 2.

    References
    ----------
    A. Hacine-Gharbi and P. Ravier, "A binning formula of bi-histogram for joint entropy
    estimation using mean square error minimization", Pattern Recognition Letters 101,
    21-28 (2018).

    Examples
    --------
    >>> from fastit.selection import hgr_bins
    >>> [hgr_bins(n) for n in (100, 1000, 10_000, 1_000_000)]
    [5, 9, 16, 49]
    """
    value = math.sqrt((1.0 + math.sqrt(1.0 + 24.0 * n)) / 2.0)
    return max(2, int(math.floor(value + 0.5)))


def _check_k(k: Any, p: int) -> int:
    """Number of features to select: an int >= 1 (clipped to p with a warning) or "all"."""
    if isinstance(k, str):
        if k != "all":
            raise ValueError(f"k must be a positive int or 'all'; got {k!r}")
        return p
    if isinstance(k, (bool, np.bool_)) or not isinstance(k, numbers.Integral):
        raise TypeError(f"k must be a positive int or 'all', got {type(k).__name__}")
    count = int(k)
    if count < 1:
        raise ValueError(f"k must be at least 1 (or 'all'), got {count}")
    if count > p:
        warnings.warn(
            f"k={count} is greater than n_features={p}. All the features will be returned.",
            UserWarning,
            stacklevel=4,
        )
        return p
    return count


def _check_bins(bins: Any) -> Any:
    """One bins specification for every feature: a rule name or a number of bins."""
    if isinstance(bins, str):
        return check_choice(bins, "bins", _BIN_RULES)
    if isinstance(bins, (bool, np.bool_)) or not isinstance(bins, numbers.Integral):
        raise TypeError(
            "bins must be a number of bins or a rule name "
            f"({', '.join(map(repr, _BIN_RULES))}), got {type(bins).__name__}; explicit "
            "edges cannot serve every feature"
        )
    if bins < 1:
        raise ValueError(f"bins must be at least 1, got {int(bins)}")
    return int(bins)


def _check_discrete_target(discrete_target: Any) -> bool | None:
    if discrete_target is None:
        return None
    return check_flag(discrete_target, "discrete_target")


def _kind(dtype: Any) -> str:
    """dtype kind, with pandas' extension dtypes (category: 'O') read the same way."""
    return str(getattr(dtype, "kind", "O"))


def _discrete_mask(discrete_features: Any, kinds: Sequence[str], p: int) -> BoolArray:
    """The boolean mask of discrete columns from ``discrete_features``.

    ``kinds`` holds the dtype kind of every column, for ``"auto"``.
    """
    if isinstance(discrete_features, str):
        if discrete_features != "auto":
            raise ValueError(
                "discrete_features must be 'auto', a bool, a boolean mask or column indices; "
                f"got {discrete_features!r}"
            )
        return np.array([kind in _LABEL_KINDS for kind in kinds], dtype=bool)
    if isinstance(discrete_features, (bool, np.bool_)):
        return np.full(p, bool(discrete_features))
    arr = _to_numpy(discrete_features, "discrete_features")
    if arr.ndim != 1:
        raise ValueError(
            f"discrete_features has shape {arr.shape}; pass a boolean mask of shape ({p},) "
            "or a 1-D array of column indices"
        )
    if arr.dtype.kind == "b":
        if arr.shape[0] != p:
            raise ValueError(
                f"discrete_features is a mask of {arr.shape[0]} entries but X has {p} "
                "features; pass one entry per column"
            )
        return arr.astype(bool)
    if arr.size == 0:
        return np.zeros(p, dtype=bool)
    if arr.dtype.kind not in "iu":
        raise TypeError(
            f"discrete_features has dtype {arr.dtype}; pass a boolean mask or integer "
            "column indices"
        )
    if arr.min() < 0 or arr.max() >= p:
        raise ValueError(
            f"discrete_features holds column indices outside [0, {p}) (X has {p} features)"
        )
    mask = np.zeros(p, dtype=bool)
    mask[arr.astype(np.int64)] = True
    return mask


@dataclass
class _Data:
    """Validated samples: one row per feature (float values, or label codes if discrete)."""

    n: int
    p: int
    discrete: BoolArray
    values: FloatArray  # (p, n); rows of discrete features are unused (zeros)
    labels: dict[int, tuple[IntArray, int]]  # discrete feature -> (codes, alphabet size)
    y_discrete: bool
    y_values: FloatArray | None  # (n,) continuous target
    y_labels: tuple[IntArray, int] | None  # discrete target

    def variable(self, j: int) -> Any:
        """Feature j as the estimators take it: its codes if discrete, else its values."""
        return self.labels[j][0] if self.discrete[j] else self.values[j]

    def target(self) -> Any:
        return self.y_labels[0] if self.y_labels is not None else self.y_values


def _columns_of(X: Any) -> tuple[Any, list[str], int]:
    """The columns of X: a 2-D array (n, p), or a list of columns for a DataFrame; their
    dtype kinds, and the sample count."""
    if X is None:
        raise TypeError("X is None; pass samples of shape (n_samples, n_features)")
    if hasattr(X, "iloc") and hasattr(X, "dtypes") and hasattr(X, "columns"):  # a DataFrame
        n, p = X.shape
        columns = [np.asarray(X.iloc[:, j].to_numpy()) for j in range(p)]
        return columns, [_kind(dtype) for dtype in X.dtypes], int(n)
    arr = _to_numpy(X, "X")
    if arr.ndim != 2:
        hint = "; use X.reshape(-1, 1) for a single feature" if arr.ndim == 1 else ""
        raise ValueError(
            f"X has shape {arr.shape}; pass a 2-D array of shape (n_samples, n_features)" + hint
        )
    return arr, [arr.dtype.kind] * arr.shape[1], int(arr.shape[0])


def _continuous_values(columns: Any, discrete: BoolArray, n: int) -> FloatArray:
    """(p, n) float64 values of the continuous features (rows of discrete ones: zeros)."""
    p = discrete.shape[0]
    if isinstance(columns, np.ndarray) and columns.dtype.kind in "biuf":
        values = np.array(columns.T, dtype=np.float64, order="C")  # one transposing copy
        values[discrete] = 0.0
    else:
        values = np.zeros((p, n))
        for j in np.flatnonzero(~discrete):
            column = columns[:, j] if isinstance(columns, np.ndarray) else columns[j]
            try:
                values[j] = column.astype(np.float64)
            except (TypeError, ValueError) as err:
                raise TypeError(
                    f"X[:, {j}] has dtype {column.dtype} and non-numeric values; mark it as "
                    "discrete (discrete_features) to use it as labels"
                ) from err
    finite = np.isfinite(values).all(axis=1)
    if not finite.all():
        first = int(np.flatnonzero(~finite)[0])
        bad = "NaN" if np.isnan(values[first]).any() else "infinite values"
        raise ValueError(f"X[:, {first}] contains {bad}; remove or impute them first")
    return values


def _prepare(X: Any, y: Any, discrete_features: Any, discrete_target: bool | None) -> _Data:
    columns, kinds, n = _columns_of(X)
    p = len(kinds)
    if n < 2 or p < 1:
        raise ValueError(
            f"X has {n} sample(s) and {p} feature(s); pass at least 2 samples and 1 feature"
        )
    discrete = _discrete_mask(discrete_features, kinds, p)
    values = _continuous_values(columns, discrete, n)
    labels: dict[int, tuple[IntArray, int]] = {}
    for d in (int(j) for j in np.flatnonzero(discrete)):
        column = columns[:, d] if isinstance(columns, np.ndarray) else columns[d]
        labels[d] = as_labels(column, f"X[:, {d}]")

    if y is None:
        raise TypeError("y is None; pass the target, one value per sample")
    ya = _to_numpy(y, "y")
    if ya.ndim == 2 and ya.shape[1] == 1:
        ya = ya[:, 0]
    if ya.ndim != 1:
        raise ValueError(f"y has shape {ya.shape}; pass one target value per sample, shape (n,)")
    same_length(n, ya, "y", "X")
    if discrete_target is None:
        discrete_target = _kind(getattr(y, "dtype", ya.dtype)) in _LABEL_KINDS
    if discrete_target:
        return _Data(n, p, discrete, values, labels, True, None, as_labels(ya, "y"))
    if ya.dtype.kind not in "biuf":
        raise TypeError(f"y has dtype {ya.dtype}; pass numbers, or discrete_target=True for labels")
    y_values = np.ascontiguousarray(ya, dtype=np.float64)
    if not np.isfinite(y_values).all():
        bad = "NaN" if np.isnan(y_values).any() else "infinite values"
        raise ValueError(f"y contains {bad}; remove or impute them first")
    return _Data(n, p, discrete, values, labels, False, y_values, None)


# --------------------------------------------------------------------------- engines


@contextlib.contextmanager
def _numba_threads(threads: int) -> Iterator[None]:
    import numba

    old = numba.get_num_threads()
    numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))  # type: ignore[attr-defined]
    try:
        yield
    finally:
        numba.set_num_threads(old)


def _quantile_edges(values: FloatArray, n_bins: int) -> FloatArray:
    """Equal-frequency edges (repeated quantiles merged, as in fastit.binning)."""
    edges = np.unique(np.quantile(values, np.linspace(0.0, 1.0, n_bins + 1)))
    if edges.size < 2:  # a constant column: one bin around it
        edges = np.array([values[0] - 0.5, values[0] + 0.5])
    return np.asarray(edges, dtype=np.float64)


def _edges(values: FloatArray, bins: Any, name: str) -> FloatArray:
    if bins == DEFAULT_BINS:
        return _quantile_edges(values, hgr_bins(values.shape[0]))
    return bin_edges(values, bins, name)


def _bin_codes(values: FloatArray, edges: FloatArray) -> tuple[IntArray, int]:
    """Bin codes as ``np.histogram`` bins (last bin closed); every value lies inside."""
    n_bins = len(edges) - 1
    codes = np.searchsorted(edges, values, side="right") - 1
    np.minimum(codes, n_bins - 1, out=codes)  # the last edge belongs to the last bin
    return codes.astype(np.int64, copy=False), n_bins


class _Binned:
    """Every term from codes: continuous variables binned once, discrete ones as labels."""

    def __init__(self, data: _Data, bins: Any, correction: str | None, threads: int):
        self.n = data.n
        self.correction = correction
        self.threads = threads
        self.codes = np.empty((data.p, data.n), dtype=np.int32)
        self.sizes = np.empty(data.p, dtype=np.int64)
        continuous = [int(j) for j in np.flatnonzero(~data.discrete)]

        def bin_column(j: int) -> None:
            edges = _edges(data.values[j], bins, f"X[:, {j}]")
            self.codes[j], self.sizes[j] = _bin_codes(data.values[j], edges)

        # Column by column in threads (NumPy's sorting and searching release the GIL);
        # each thread writes its own rows.
        if threads > 1 and len(continuous) > 1:
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(bin_column, continuous))
        else:
            for j in continuous:
                bin_column(j)
        for d, (codes, size) in data.labels.items():
            self.codes[d], self.sizes[d] = codes, size
        if data.y_labels is not None:
            y_codes, self.y_size = data.y_labels
        else:
            assert data.y_values is not None
            y_codes, self.y_size = _bin_codes(data.y_values, _edges(data.y_values, bins, "y"))
        self.y_codes = y_codes.astype(np.int32)
        self._entropies: dict[int, float] = {}

    def relevance(self) -> FloatArray:
        rows = np.arange(self.codes.shape[0], dtype=np.int64)
        return self._against(rows, self.y_codes, self.y_size, self.y_size)

    def redundancy(self, s: int, rows: IntArray) -> FloatArray:
        size = int(self.sizes[s])
        return self._against(rows, self.codes[s], size, size)

    def conditional(self, s: int, rows: IntArray, relevance: FloatArray) -> FloatArray:
        """I(X_j; y | X_s) = I(X_j; (y, X_s)) - I(X_j; X_s), every term from entropies."""
        size_s = int(self.sizes[s])
        alphabet = self.y_size * size_s
        joint = self.y_codes.astype(np.int64) * size_s + self.codes[s]
        if alphabet > self.n:  # keep the tables small: code the observed pairs only
            _, joint = np.unique(joint, return_inverse=True)
            joint = joint.reshape(-1)
        size = int(joint.max()) + 1
        with_both = self._against(rows, joint.astype(np.int32), size, alphabet)
        return with_both - self.redundancy(s, rows)

    def _against(self, rows: IntArray, column: Any, size: int, alphabet: int) -> FloatArray:
        """I(X_j; C) for the features in ``rows`` against one coded variable C.

        ``size`` bounds C's codes; ``alphabet`` is C's number of possible outcomes (NSB).
        """
        if rows.size == 0:
            return np.zeros(0)
        widest = int(self.sizes[rows].max())
        if self.correction in (None, "miller-madow") and widest * size <= _MAX_TABLE_CELLS:
            from ._numba.pairwise import pairwise_binned_mi

            with _numba_threads(self.threads):
                values = pairwise_binned_mi(
                    self.codes,
                    self.sizes,
                    np.ascontiguousarray(column, dtype=np.int32).reshape(1, -1),
                    np.array([size], dtype=np.int64),
                    rows,
                    np.zeros(rows.size, dtype=np.int64),
                    self.correction == "miller-madow",
                )
            return np.asarray(values, dtype=np.float64)
        # Other corrections (or huge tables): each table counted and estimated here.
        c = np.asarray(column, dtype=np.int64)
        h_c = self._entropy(c, size, alphabet)
        out = np.empty(rows.size)
        for t, j in enumerate(rows):
            j = int(j)
            if j not in self._entropies:
                self._entropies[j] = self._entropy(
                    self.codes[j].astype(np.int64), int(self.sizes[j]), int(self.sizes[j])
                )
            joint = self.codes[j].astype(np.int64) * size + c
            h_joint = self._entropy(joint, int(self.sizes[j]) * size, int(self.sizes[j]) * alphabet)
            out[t] = self._entropies[j] + h_c - h_joint
        return out

    def _entropy(self, codes: IntArray, size: int, alphabet: int) -> float:
        if size <= 4 * codes.shape[0]:
            counts = np.bincount(codes)
        else:
            counts = np.unique(codes, return_counts=True)[1]
        return entropy_from_counts(counts, self.correction, alphabet)


class _Neighbours:
    """Every term from fastit's k-NN estimators (discrete pairs: discrete estimators)."""

    def __init__(
        self,
        data: _Data,
        n_neighbors: int,
        correction: str | None,
        seed: int,
        threads: int,
        pool: ThreadPoolExecutor | None,
    ):
        self.data = data
        self.k = n_neighbors
        self.correction = correction
        self.seed = seed
        self.threads = threads
        self.pool = pool
        self.y = data.target()

    def _map(self, one: Callable[[int, int], float], items: IntArray) -> FloatArray:
        """one(item, threads) for every item; items spread over the pool's threads."""
        if self.pool is None or items.size < 2:
            return np.array([one(int(i), self.threads) for i in items], dtype=np.float64)
        inner = max(1, self.threads // items.size)
        return np.array(list(self.pool.map(lambda i: one(int(i), inner), items)), dtype=float)

    def _mi(self, a: Any, a_discrete: bool, b: Any, b_discrete: bool, threads: int) -> float:
        from .estimators import mutual_info

        return float(
            mutual_info(
                a,
                b,
                k=self.k,
                method="ksg1",
                correction=self.correction,
                x_discrete=a_discrete,
                y_discrete=b_discrete,
                n_jobs=threads,
                random_state=self.seed,
            )
        )

    def relevance(self) -> FloatArray:
        d = self.data

        def one(j: int, threads: int) -> float:
            return _named(
                f"I(X[:, {j}]; y)",
                lambda: self._mi(d.variable(j), bool(d.discrete[j]), self.y, d.y_discrete, threads),
            )

        return self._map(one, np.arange(d.p, dtype=np.int64))

    def redundancy(self, s: int, rows: IntArray) -> FloatArray:
        d = self.data
        xs, ds = d.variable(s), bool(d.discrete[s])

        def one(j: int, threads: int) -> float:
            return _named(
                f"I(X[:, {j}]; X[:, {s}])",
                lambda: self._mi(d.variable(j), bool(d.discrete[j]), xs, ds, threads),
            )

        return self._map(one, rows)

    def conditional(self, s: int, rows: IntArray, relevance: FloatArray) -> FloatArray:
        def one(j: int, threads: int) -> float:
            return _named(
                f"I(X[:, {j}]; y | X[:, {s}])",
                lambda: self._cmi(j, s, relevance, threads),
            )

        return self._map(one, rows)

    def _cmi(self, j: int, s: int, relevance: FloatArray, threads: int) -> float:
        """I(X_j; y | X_s): Frenzel-Pompe, the discrete CMI, or the chain rule (see module)."""
        from .discrete import discrete_conditional_mutual_info
        from .estimators import conditional_mutual_info

        d = self.data
        xj, xs, y = d.variable(j), d.variable(s), self.y
        dj, ds, dy = bool(d.discrete[j]), bool(d.discrete[s]), d.y_discrete
        if not (dj or ds or dy):
            return float(
                conditional_mutual_info(xj, y, xs, k=self.k, n_jobs=threads, random_state=self.seed)
            )
        if dj and ds and dy:
            return discrete_conditional_mutual_info(xj, y, xs, correction=self.correction)
        if dj == ds:  # I(X_j, X_s; y) - I(X_s; y)
            both = np.column_stack([xj, xs])
            return self._mi(both, dj, y, dy, threads) - float(relevance[s])
        if dy == ds:  # I(X_j; y, X_s) - I(X_j; X_s)
            y_and_s = np.column_stack([y, xs])
            return self._mi(xj, dj, y_and_s, dy, threads) - self._mi(xj, dj, xs, ds, threads)
        # y is of X_j's kind: I(X_j; y) + I(X_j, y; X_s) - I(X_j; X_s) - I(y; X_s)
        j_and_y = np.column_stack([xj, y])
        return (
            float(relevance[j])
            + self._mi(j_and_y, dj, xs, ds, threads)
            - self._mi(xj, dj, xs, ds, threads)
            - float(relevance[s])
        )


def _warn_discrete_valued(data: _Data) -> None:
    """One warning for the features (and target) taken as continuous whose values are
    discrete: the k-NN terms on them would each say so."""
    from ._columns import tie_report, warn_labelled

    continuous = np.flatnonzero(~data.discrete).tolist()
    columns = [data.values[j] for j in continuous]
    labels = [f"X[:, {j}]" for j in continuous]
    if data.y_values is not None:
        columns.append(data.y_values)
        labels.append("y")
    if not columns:
        return
    report = tie_report(np.column_stack(columns))
    warn_labelled(
        report,
        data.n,
        labels,
        "Name discrete features in discrete_features (and pass discrete_target=True for "
        "class labels), or use estimator='binned'.",
    )


def _named(what: str, estimate: Callable[[], float]) -> float:
    """Run one estimate; its ValueError says which term it was estimating."""
    try:
        return estimate()
    except ValueError as err:
        raise ValueError(f"while estimating {what}: {err}") from err


# --------------------------------------------------------------------------- selection


def _greedy(engine: _Binned | _Neighbours, criterion: str, k: int, p: int) -> Selection:
    rel = np.asarray(engine.relevance(), dtype=np.float64)
    if criterion == "relevance":
        order = np.argsort(-rel, kind="stable")[:k].astype(np.int64)
        return Selection(order, rel[order], rel)
    first = int(np.argmax(rel))  # ties: the lowest index
    selected = [first]
    scores = [float(rel[first])]
    remaining = np.ones(p, dtype=bool)
    remaining[first] = False
    # mRMR: sum of redundancies; JMI: sum of I(X_j, X_s; y); CMIM: running minimum.
    state = np.full(p, np.inf) if criterion == "cmim" else np.zeros(p)
    for t in range(1, k):
        s = selected[-1]
        rows = np.flatnonzero(remaining).astype(np.int64)
        if criterion == "mrmr":
            state[rows] += engine.redundancy(s, rows)
            score = rel[rows] - state[rows] / t
        elif criterion == "jmi":
            state[rows] += rel[s] + engine.conditional(s, rows, rel)
            score = state[rows]
        else:
            state[rows] = np.minimum(state[rows], engine.conditional(s, rows, rel))
            score = state[rows]
        best = int(np.argmax(score))  # ties: the lowest index
        pick = int(rows[best])
        selected.append(pick)
        scores.append(float(score[best]))
        remaining[pick] = False
    return Selection(np.array(selected, dtype=np.int64), np.array(scores), rel)


def _run(
    X: Any,
    y: Any,
    k: Any,
    *,
    criterion: str,
    estimator: str,
    discrete_features: Any,
    discrete_target: Any,
    n_neighbors: Any,
    bins: Any,
    correction: Any,
    base: Any,
    n_jobs: Any,
    random_state: Any,
) -> Selection:
    criterion = check_choice(criterion, "criterion", CRITERIA)
    estimator = check_choice(estimator, "estimator", ESTIMATORS)
    n_neighbors = check_count(n_neighbors, "n_neighbors")
    bins = _check_bins(bins)
    correction = check_correction(correction)
    divisor = log_base(base)
    threads = n_threads(n_jobs)
    seed = seed_of(random_state)
    target_flag = _check_discrete_target(discrete_target)
    if not isinstance(k, str) and (
        isinstance(k, (bool, np.bool_)) or not isinstance(k, numbers.Integral)
    ):
        _check_k(k, 1)  # the type error, before the data are read
    data = _prepare(X, y, discrete_features, target_flag)
    k = _check_k(k, data.p)
    p = data.p
    if estimator == "binned":
        engine: _Binned | _Neighbours = _Binned(data, bins, correction, threads)
        del data  # the codes replace the values: free them before the rounds
        result = _greedy(engine, criterion, k, p)
    else:
        continuous = not (data.discrete.all() and data.y_discrete)
        if continuous and n_neighbors >= data.n:
            raise ValueError(
                f"n_neighbors={n_neighbors} needs more samples than neighbours, but there are "
                f"{data.n}; use n_neighbors <= {data.n - 1}"
            )
        _warn_discrete_valued(data)
        pool = ThreadPoolExecutor(threads) if threads > 1 else None
        try:
            engine = _Neighbours(data, n_neighbors, correction, seed, threads, pool)
            with quiet(DiscreteDataWarning):  # said once above, not once per term
                result = _greedy(engine, criterion, k, p)
        finally:
            if pool is not None:
                pool.shutdown()
    if divisor == 1.0:
        return result
    return Selection(result.selected, result.scores / divisor, result.relevance / divisor)


_COMMON_PARAMETERS = """
    X : array_like or DataFrame, shape (n_samples, n_features)
        Samples in rows, one feature per column. Continuous columns must be numbers;
        discrete columns may hold labels of any type.
    y : array_like, shape (n_samples,)
        The target.
    estimator : {"binned", "ksg"}, default "binned"
        How each term is estimated (see the module notes). ``"binned"``: bin codes, fast
        on wide data; ``"ksg"``: k-nearest-neighbour estimators, more accurate on small
        samples, about a hundred times slower.
    discrete_features : "auto", bool, array of bool or array of int, default "auto"
        Which features are discrete (labels). ``"auto"``: the columns of boolean, integer,
        string, object or categorical dtype (a float array is all continuous, an int
        array all discrete). A bool applies to every feature; a mask has one entry per
        feature; an int array lists the discrete columns (as in scikit-learn). Integer
        columns with many distinct values (counts, say) are better read as continuous:
        as labels, their MI estimates grow with the number of labels.
    discrete_target : bool, optional
        Whether y is discrete (class labels). None infers it from y's dtype: boolean,
        integer, string, object and categorical targets are labels, float targets are
        continuous (pass True for float-coded labels).
    n_neighbors : int, default 3
        Neighbours of the k-NN estimators (their ``k``), for ``estimator="ksg"``.
    bins : int or str, default "quantile-hgr"
        Binning of the continuous variables for ``estimator="binned"``: a number of
        equal-width bins, a rule of :mod:`fastit.binning` ("fd", "quantile", ...), or
        ``"quantile-hgr"``: equal-frequency bins, :func:`hgr_bins` of them.
    correction : {"miller-madow", None, "grassberger", "jackknife", "chao-shen", "nsb"}
        Entropy estimator of the binned and discrete terms (see
        :func:`fastit.discrete_mutual_info`). None and Miller-Madow run in compiled code;
        the others estimate each table in Python (slow on wide data).
    base : float, optional
        Logarithm base of the scores: None for nats, 2 for bits.
    n_jobs : int, optional
        Threads; None or -1 uses every core. The result does not depend on it.
    random_state : None, int or numpy.random.Generator
        Seed of the k-NN estimators' tie-breaking jitter; one seed is drawn from it and
        used for every estimate. None is a fixed seed.
"""


def _document(func: Callable[..., Any]) -> Callable[..., Any]:
    if func.__doc__:
        func.__doc__ = func.__doc__.replace("    {common}\n", _COMMON_PARAMETERS.lstrip("\n"))
    return func


@_document
def select_features(
    X: Any,
    y: Any,
    k: int | str = 10,
    *,
    criterion: str = "jmi",
    estimator: str = "binned",
    discrete_features: Any = "auto",
    discrete_target: bool | None = None,
    n_neighbors: int = 3,
    bins: int | str = DEFAULT_BINS,
    correction: str | None = "miller-madow",
    base: float | None = None,
    n_jobs: int | None = None,
    random_state: Any = None,
) -> Selection:
    """Greedy forward selection of k features by an information-theoretic criterion.

    Parameters
    ----------
    k : int or "all", default 10
        Number of features to select; "all" orders every feature. A k above the number
        of features selects them all, with a warning (as scikit-learn's ``SelectKBest``).
    criterion : {"jmi", "cmim", "mrmr", "relevance"}, default "jmi"
        The criterion (see the module notes). JMI, the default, is the criterion Brown et
        al. (2012) found the best trade-off of accuracy and stability; mRMR can prefer
        noise to informative features that depend on each other (module notes).
    {common}

    Returns
    -------
    Selection
        ``(selected, scores, relevance)``: the chosen column indices in order, the score
        of each pick, and I(X_j; y) of every feature.

    Raises
    ------
    ValueError, TypeError
        For unusable arguments (each message names the argument).

    Examples
    --------
    >>> import numpy as np
    >>> from fastit.selection import select_features
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((5000, 4))
    >>> y = X[:, 2] + 0.5 * X[:, 0] + 0.1 * rng.standard_normal(5000)
    >>> select_features(X, y, 2, criterion="jmi").selected.tolist()
    [2, 0]
    """
    return _run(
        X,
        y,
        k,
        criterion=criterion,
        estimator=estimator,
        discrete_features=discrete_features,
        discrete_target=discrete_target,
        n_neighbors=n_neighbors,
        bins=bins,
        correction=correction,
        base=base,
        n_jobs=n_jobs,
        random_state=random_state,
    )


@_document
def relevance(
    X: Any,
    y: Any,
    *,
    estimator: str = "binned",
    discrete_features: Any = "auto",
    discrete_target: bool | None = None,
    n_neighbors: int = 3,
    bins: int | str = DEFAULT_BINS,
    correction: str | None = "miller-madow",
    base: float | None = None,
    n_jobs: int | None = None,
    random_state: Any = None,
) -> FloatArray:
    """Relevance I(X_j; y) of every feature: the scores of a plain MI ranking.

    Parameters
    ----------
    {common}

    Returns
    -------
    ndarray of float64, shape (n_features,)
        In nats unless ``base`` says otherwise. Bias-corrected and k-NN estimates may be
        slightly negative for independent features; they are returned as computed.

    Examples
    --------
    >>> import numpy as np
    >>> from fastit.selection import relevance
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((5000, 3))
    >>> y = (X[:, 1] > 0).astype(int)
    >>> int(np.argmax(relevance(X, y)))
    1
    """
    return _run(
        X,
        y,
        1,
        criterion="relevance",
        estimator=estimator,
        discrete_features=discrete_features,
        discrete_target=discrete_target,
        n_neighbors=n_neighbors,
        bins=bins,
        correction=correction,
        base=base,
        n_jobs=n_jobs,
        random_state=random_state,
    ).relevance


def _criterion_function(criterion: str, summary: str, example: str) -> Callable[..., Selection]:
    def select(
        X: Any,
        y: Any,
        k: int | str = 10,
        *,
        estimator: str = "binned",
        discrete_features: Any = "auto",
        discrete_target: bool | None = None,
        n_neighbors: int = 3,
        bins: int | str = DEFAULT_BINS,
        correction: str | None = "miller-madow",
        base: float | None = None,
        n_jobs: int | None = None,
        random_state: Any = None,
    ) -> Selection:
        return _run(
            X,
            y,
            k,
            criterion=criterion,
            estimator=estimator,
            discrete_features=discrete_features,
            discrete_target=discrete_target,
            n_neighbors=n_neighbors,
            bins=bins,
            correction=correction,
            base=base,
            n_jobs=n_jobs,
            random_state=random_state,
        )

    select.__name__ = select.__qualname__ = criterion
    select.__module__ = __name__
    select.__doc__ = f"""{summary}

    ``select_features(X, y, k, criterion={criterion!r}, ...)``; see the module notes.

    Parameters
    ----------
    k : int or "all", default 10
        Number of features to select; "all" orders every feature. A k above the number
        of features selects them all, with a warning.
    {{common}}

    Returns
    -------
    Selection
        ``(selected, scores, relevance)``: the chosen column indices in order, the score
        of each pick, and I(X_j; y) of every feature.

    Examples
    --------
{example}"""
    return _document(select)


mrmr = _criterion_function(
    "mrmr",
    "Max-relevance min-redundancy: J(j) = I(X_j; y) - mean_{s in S} I(X_j; X_s).",
    """    >>> import numpy as np
    >>> from fastit.selection import mrmr
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((5000, 4))
    >>> X[:, 3] = X[:, 0]  # a copy of the most relevant feature
    >>> y = 2 * X[:, 0] + X[:, 1] + 0.1 * rng.standard_normal(5000)
    >>> mrmr(X, y, 2).selected.tolist()  # relevance alone would take 0 and 3
    [0, 1]
""",
)
jmi = _criterion_function(
    "jmi",
    "Joint mutual information: J(j) = sum_{s in S} I(X_j, X_s; y).",
    """    >>> import numpy as np
    >>> from fastit.selection import jmi
    >>> rng = np.random.default_rng(0)
    >>> a, b = rng.integers(0, 2, 5000), rng.integers(0, 3, 5000)
    >>> X = np.column_stack([a, rng.integers(0, 2, 5000), b])  # column 1 is noise
    >>> jmi(X, a + 2 * b, 2).selected.tolist()
    [2, 0]
""",
)
cmim = _criterion_function(
    "cmim",
    "Conditional mutual information maximisation: J(j) = min_{s in S} I(X_j; y | X_s).",
    """    >>> import numpy as np
    >>> from fastit.selection import cmim
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((5000, 4))
    >>> X[:, 3] = X[:, 0]  # a copy adds nothing once column 0 is in
    >>> y = (2 * X[:, 0] + X[:, 1] > 0).astype(int)
    >>> cmim(X, y, 2).selected.tolist()
    [0, 1]
""",
)


# --------------------------------------------------------------------------- scikit-learn


def _build_selector() -> type:
    """Create MutualInfoSelector (scikit-learn is imported here, on first access)."""
    try:
        from sklearn.base import BaseEstimator
        from sklearn.feature_selection import SelectorMixin
        from sklearn.utils.validation import check_is_fitted, validate_data
    except ImportError as err:
        raise ImportError(
            "fastit.selection.MutualInfoSelector needs scikit-learn; install it with "
            "`pip install 'fastit[sklearn]'` (or `pip install scikit-learn`). The "
            "functions mrmr, jmi, cmim, relevance and select_features work without it."
        ) from err

    class MutualInfoSelector(SelectorMixin, BaseEstimator):  # type: ignore[misc]
        """Select k features by mutual information: relevance, mRMR, JMI or CMIM.

        A scikit-learn transformer over :func:`fastit.selection.select_features`:
        ``fit`` runs the greedy selection, ``transform`` keeps the selected columns (in
        their original order, as every scikit-learn selector; ``selected_`` has the order
        of selection). Usable in ``Pipeline`` and ``GridSearchCV``.

        Parameters
        ----------
        k : int or "all", default 10
            Number of features to select. As in ``SelectKBest``, a k above the number of
            features selects them all, with a warning; "all" orders every feature.
        criterion : {"jmi", "cmim", "mrmr", "relevance"}, default "jmi"
        estimator : {"binned", "ksg"}, default "binned"
        discrete_features : "auto", bool, array of bool or array of int, default "auto"
            ``"auto"`` reads the dtypes of X: integer and boolean columns (of an array,
            or of a DataFrame column by column) are discrete, float columns continuous.
        discrete_target : bool, optional
            None infers it from y's dtype (integer, boolean, string: labels; float:
            continuous).
        n_neighbors : int, default 3
        bins : int or str, default "quantile-hgr"
        correction : str or None, default "miller-madow"
        n_jobs : int, optional
            Threads; None or -1 uses every core (results do not depend on it).
        random_state : None, int or numpy.random.Generator
            As in :func:`fastit.selection.select_features`.

        Attributes
        ----------
        selected_ : ndarray of int64, shape (n_selected,)
            Indices of the selected features in the order they were picked.
        scores_ : ndarray of float64, shape (n_selected,)
            The criterion's score of each pick, aligned with ``selected_`` (not one per
            feature as in ``SelectKBest``: greedy scores exist only for the picks).
        relevance_ : ndarray of float64, shape (n_features_in_,)
            I(X_j; y) of every feature, in nats.
        discrete_features_ : ndarray of bool, shape (n_features_in_,)
            Which features were treated as discrete.
        discrete_target_ : bool
            Whether y was treated as discrete.
        n_features_in_ : int
        feature_names_in_ : ndarray of str
            Defined when X has string column names.

        See the module :mod:`fastit.selection` for the criteria, the estimators and an
        example.
        """

        def __init__(
            self,
            k: int | str = 10,
            *,
            criterion: str = "jmi",
            estimator: str = "binned",
            discrete_features: Any = "auto",
            discrete_target: bool | None = None,
            n_neighbors: int = 3,
            bins: int | str = DEFAULT_BINS,
            correction: str | None = "miller-madow",
            n_jobs: int | None = None,
            random_state: Any = None,
        ) -> None:
            self.k = k
            self.criterion = criterion
            self.estimator = estimator
            self.discrete_features = discrete_features
            self.discrete_target = discrete_target
            self.n_neighbors = n_neighbors
            self.bins = bins
            self.correction = correction
            self.n_jobs = n_jobs
            self.random_state = random_state

        def fit(self, X: Any, y: Any = None) -> MutualInfoSelector:
            """Select the features of X by their information about y.

            Parameters
            ----------
            X : array_like of shape (n_samples, n_features)
                Numbers (encode string categories first, and mark them discrete).
            y : array_like of shape (n_samples,)
                The target (required; None raises scikit-learn's error).

            Returns
            -------
            self
            """
            pandas_kinds = (
                [_kind(dtype) for dtype in X.dtypes]
                if hasattr(X, "dtypes") and hasattr(X, "columns")
                else None
            )
            X, y = validate_data(self, X, y, dtype="numeric", ensure_min_samples=2)
            kinds = pandas_kinds or [X.dtype.kind] * X.shape[1]
            mask = _discrete_mask(self.discrete_features, kinds, X.shape[1])
            target = _check_discrete_target(self.discrete_target)
            if target is None:
                target = _kind(y.dtype) in _LABEL_KINDS
            result = _run(
                X,
                y,
                self.k,
                criterion=self.criterion,
                estimator=self.estimator,
                discrete_features=mask,
                discrete_target=target,
                n_neighbors=self.n_neighbors,
                bins=self.bins,
                correction=self.correction,
                base=None,
                n_jobs=self.n_jobs,
                random_state=self.random_state,
            )
            self.selected_ = result.selected
            self.scores_ = result.scores
            self.relevance_ = result.relevance
            self.discrete_features_ = mask
            self.discrete_target_ = bool(target)
            return self

        def _get_support_mask(self) -> BoolArray:
            check_is_fitted(self, "selected_")
            mask = np.zeros(self.n_features_in_, dtype=bool)
            mask[self.selected_] = True
            return mask

        def __sklearn_tags__(self) -> Any:
            tags = super().__sklearn_tags__()
            tags.target_tags.required = True
            return tags

    MutualInfoSelector.__module__ = __name__
    MutualInfoSelector.__qualname__ = "MutualInfoSelector"
    for name, member in vars(MutualInfoSelector).items():
        if callable(member) and hasattr(member, "__qualname__"):
            member.__qualname__ = f"MutualInfoSelector.{name}"
    return MutualInfoSelector


def __getattr__(name: str) -> Any:
    if name == "MutualInfoSelector":
        cls = _build_selector()
        globals()["MutualInfoSelector"] = cls  # built once; pickle finds it here
        return cls
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
