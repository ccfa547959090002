"""The estimators on samples: mutual information, conditional MI, differential entropy.

The k-nearest-neighbour methods use max-norm (Chebyshev) distances; the neighbour search,
counts and sums run in the compiled core (``fastit._core``) on all cores, without the GIL.
The histogram methods live in :mod:`fastit.binned`, the discrete ones in
:mod:`fastit.discrete`.

Ties
----
Repeated values make k-th neighbour distances zero, which breaks the continuous
estimators (KSG, Frenzel-Pompe, Kozachenko-Leonenko, Ross). Every column that has a
repeated value gets a uniform jitter of 1e-10 of its spread, drawn from a counter-based
generator seeded by ``random_state``, with a stream of its own: the jitter of x, y, z and
of each of their columns are independent whatever the values. Columns without ties are
used exactly as given. Data whose columns are discrete-valued (at least half the samples
share a value) get a :class:`fastit.DiscreteDataWarning` naming the column and the
estimator that fits. The ``"mixed"`` estimator of Gao et al. is built for ties and is
never jittered. docs/ties.md says more.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _core
from ._columns import (
    CMI_REMEDY,
    ENTROPY_REMEDY,
    MI_REMEDY,
    SLOT_Z,
    column_params,
    pair_params,
    ross_remedy,
    warn_discrete,
)
from ._validation import (
    as_labels,
    as_samples,
    check_choice,
    check_correction,
    check_flag,
    check_k,
    log_base,
    n_threads,
    same_length,
    seed_of,
)
from .binned import binned_mutual_info, histogram_entropy
from .discrete import discrete_mutual_info, plugin_mutual_info

_MI_METHODS = ("ksg1", "ksg2", "mixed", "binned")
_ENTROPY_METHODS = ("kl", "histogram")


def _finish(value: Any, divisor: float) -> Any:
    if isinstance(value, np.ndarray):
        return value / divisor
    return float(value) / divisor


def mutual_info(
    x: Any,
    y: Any,
    *,
    k: int = 3,
    method: str = "ksg1",
    base: float | None = None,
    bins: Any = "fd",
    correction: str | None = "miller-madow",
    x_discrete: bool = False,
    y_discrete: bool = False,
    n_outcomes: Any = None,
    standardize: bool = True,
    local: bool = False,
    n_jobs: int | None = None,
    random_state: Any = None,
) -> Any:
    r"""Mutual information I(X; Y) from samples: k-nearest neighbours, histogram or labels.

    Parameters
    ----------
    x, y : array_like, shape (n,) or (n, d)
        Paired samples, one per row. NumPy arrays, pandas Series/DataFrames and CPU
        tensors are accepted; integer, boolean and float32 data are widened to float64.
    k : int, default 3
        Number of neighbours (k-NN methods). Small k: less bias, more variance.
    method : {"ksg1", "ksg2", "mixed", "binned"}, default "ksg1"
        ``"ksg1"``: Kraskov et al. algorithm 1 (marginal counts strictly inside the joint
        k-th neighbour distance). ``"ksg2"``: algorithm 2 (per-marginal radii, counts on the
        radius included). ``"mixed"``: Gao et al. (2017), for variables that mix continuous
        values and atoms (repeated values); it needs no jitter. As in the authors'
        reference code, counts include the sample itself and enter through digamma; the
        paper's ``ln(n + 1)`` form is biased low when counts stay small (a discrete x).
        ``"binned"``: the histogram estimator H(X) + H(Y) - H(X, Y) (see ``bins``).
    base : float, optional
        Logarithm base of the result: None for nats, 2 for bits.
    bins : int, sequence, str or list, default "fd"
        For ``method="binned"``: a number of equal-width bins, explicit edges, or a rule
        ("fd", "scott", "sturges", "sqrt", "auto", "doane", "rice", "stone", "quantile"
        for equal-frequency bins); the same for every column, or a list with one per
        column of x and y together (for two 1-D variables ``[bins_x, bins_y]``, as
        ``np.histogram2d``). Memory is bounded by the data whatever the count: tables far
        larger than the sample are counted sparsely.
    correction : {"miller-madow", None, "grassberger", "jackknife", "chao-shen", "nsb"}
        Entropy estimator behind ``method="binned"`` and the both-discrete case; None is
        the plain plug-in value. Miller-Madow, the default, removes the leading 1/N bias
        at no cost.
    n_outcomes : (int or None, int or None), optional
        For ``correction="nsb"`` with both variables discrete: the numbers of possible
        labels of x and y (None: the labels observed), as in
        :func:`fastit.discrete_mutual_info`.
    x_discrete, y_discrete : bool, default False
        Treat a variable as labels (any dtype; rows of a 2-D array are joint symbols).
        One discrete variable gives the estimator of Ross (2014), as scikit-learn's
        ``mutual_info_classif``; both give the MI of the contingency table, with
        ``correction`` (None: the plug-in value of ``sklearn.metrics.mutual_info_score``).
    standardize : bool, default True
        Centre each continuous column and scale it to unit variance first. KSG estimates
        are not invariant to rescaling a marginal; unit variance is the usual choice.
    local : bool, default False
        Return the per-sample values (an array of length n) whose mean is the estimate.
        For the Ross estimator, samples whose label occurs once get NaN. Not available for
        histogram estimates, nor for corrected discrete ones.
    n_jobs : int, optional
        Threads; None or -1 uses every core. The result does not depend on it.
    random_state : None, int or numpy.random.Generator
        Seed of the tie-breaking jitter (see the module notes). None is a fixed seed.

    Returns
    -------
    float or ndarray
        The estimate in nats (or the unit of ``base``). KSG estimates can be slightly
        negative on independent data; they are returned as computed, not clipped.

    References
    ----------
    Kraskov, Stoegbauer, Grassberger, "Estimating mutual information", PRE 69, 066138 (2004).
    Ross, "Mutual information between discrete and continuous data sets", PLoS ONE (2014).
    Gao, Kannan, Oh, Viswanath, "Estimating mutual information for discrete-continuous
    mixtures", NeurIPS (2017).

    Examples
    --------
    >>> import numpy as np, fastit
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal(10_000)
    >>> y = 0.6 * x + 0.8 * rng.standard_normal(10_000)
    >>> round(fastit.mutual_info(x, y), 2)  # truth: -0.5 ln(1 - 0.36) = 0.223
    0.22
    """
    method = check_choice(method, "method", _MI_METHODS)
    x_discrete = check_flag(x_discrete, "x_discrete")
    y_discrete = check_flag(y_discrete, "y_discrete")
    standardize = check_flag(standardize, "standardize")
    local = check_flag(local, "local")
    divisor = log_base(base)
    threads = n_threads(n_jobs)
    seed = seed_of(random_state)

    correction = check_correction(correction)
    if n_outcomes is not None and not (x_discrete and y_discrete and correction == "nsb"):
        raise ValueError(
            "n_outcomes gives NSB the alphabets of two discrete variables: pass it with "
            "x_discrete=True, y_discrete=True and correction='nsb', or leave it out"
        )
    if x_discrete and y_discrete:
        if local and correction is not None:
            raise ValueError(
                "local values exist for the plug-in estimate only: pass correction=None"
            )
        if not local:
            return discrete_mutual_info(
                x, y, correction=correction, base=base, n_outcomes=n_outcomes
            )
        cx, _ = as_labels(x, "x")
        cy, _ = as_labels(y, "y")
        same_length(len(cx), cy, "y", "x")
        return _finish(plugin_mutual_info(cx, cy, local=local), divisor)
    if x_discrete or y_discrete:
        if method in ("mixed", "binned"):
            raise ValueError(
                f"method={method!r} does not take x_discrete/y_discrete: leave them False, or "
                "use method='ksg1' for the Ross estimator"
            )
        cont, labels = (y, x) if x_discrete else (x, y)
        cont_name, label_name = ("y", "x") if x_discrete else ("x", "y")
        c = as_samples(cont, cont_name)
        codes, _ = as_labels(labels, label_name)
        same_length(c.shape[0], codes, label_name, cont_name)
        k = check_k(k, c.shape[0])
        if np.bincount(codes).max() < 2:
            raise ValueError(
                f"every label of {label_name} occurs once, so MI with it is not estimable; "
                "pass labels that repeat"
            )
        params = column_params(c, threads, cont_name, standardize=standardize)
        value, ties = _core.ross(c, params, codes, k, seed, threads, local, ties=True)
        warn_discrete(ties, c.shape[0], [(cont_name, c.shape[1])], ross_remedy(cont_name))
        return _finish(value, divisor)

    # The binned estimator checks for NaN and inf in its own first pass over the data.
    xa = as_samples(x, "x", check_finite=method != "binned")
    ya = as_samples(y, "y", check_finite=method != "binned")
    same_length(xa.shape[0], ya, "y")
    if method == "binned":
        if local:
            raise ValueError("local values are not available for method='binned'")
        return binned_mutual_info(xa, ya, bins, correction) / divisor
    k = check_k(k, xa.shape[0])
    if method == "mixed":
        px, py = pair_params(xa, ya, threads, standardize=standardize, jitter=False)
        value = _core.gao_mixed(xa, px, ya, py, k, threads, local)
        return _finish(value, divisor)
    px, py = pair_params(xa, ya, threads, standardize=standardize)
    algorithm = 1 if method == "ksg1" else 2
    value, ties = _core.ksg(xa, px, ya, py, k, algorithm, seed, threads, local, ties=True)
    warn_discrete(ties, xa.shape[0], [("x", xa.shape[1]), ("y", ya.shape[1])], MI_REMEDY)
    return _finish(value, divisor)


def conditional_mutual_info(
    x: Any,
    y: Any,
    z: Any,
    *,
    k: int = 3,
    base: float | None = None,
    standardize: bool = True,
    local: bool = False,
    n_jobs: int | None = None,
    random_state: Any = None,
) -> Any:
    r"""Conditional mutual information I(X; Y | Z), by the Frenzel-Pompe estimator.

    .. math::
        \hat I(X;Y|Z) = \psi(k) - \langle \psi(n_{xz}+1) + \psi(n_{yz}+1) - \psi(n_z+1) \rangle

    where the counts are of samples strictly inside the max-norm distance from each sample
    to its k-th neighbour in the joint (x, y, z) space.

    Parameters
    ----------
    x, y, z : array_like, shape (n,) or (n, d)
        Paired continuous samples, one per row.
    k, base, standardize, local, n_jobs, random_state
        As in :func:`mutual_info`.

    Returns
    -------
    float or ndarray
        The estimate in nats (or the unit of ``base``), or per-sample values if ``local``.

    References
    ----------
    Frenzel, Pompe, "Partial mutual information for coupling analysis of multivariate time
    series", PRL 99, 204101 (2007).

    Examples
    --------
    x and y share only their common cause z: dependent, yet independent given z.

    >>> import numpy as np, fastit
    >>> rng = np.random.default_rng(0)
    >>> z = rng.standard_normal(2000)
    >>> x = z + 0.5 * rng.standard_normal(2000)
    >>> y = z + 0.5 * rng.standard_normal(2000)
    >>> round(fastit.mutual_info(x, y), 2)  # truth: -0.5 ln(1 - 0.8^2) = 0.511
    0.5
    >>> round(fastit.conditional_mutual_info(x, y, z), 2)  # truth: 0
    0.02
    """
    standardize = check_flag(standardize, "standardize")
    local = check_flag(local, "local")
    divisor = log_base(base)
    threads = n_threads(n_jobs)
    seed = seed_of(random_state)
    xa = as_samples(x, "x")
    ya = as_samples(y, "y")
    za = as_samples(z, "z")
    same_length(xa.shape[0], ya, "y")
    same_length(xa.shape[0], za, "z")
    k = check_k(k, xa.shape[0])
    px, py = pair_params(xa, ya, threads, standardize=standardize)
    pz = column_params(za, threads, "z", standardize=standardize, slot=SLOT_Z)
    value, ties = _core.frenzel_pompe(xa, px, ya, py, za, pz, k, seed, threads, local, ties=True)
    names = [("x", xa.shape[1]), ("y", ya.shape[1]), ("z", za.shape[1])]
    warn_discrete(ties, xa.shape[0], names, CMI_REMEDY)
    return _finish(value, divisor)


def differential_entropy(
    x: Any,
    *,
    k: int = 3,
    method: str = "kl",
    base: float | None = None,
    bins: Any = "fd",
    correction: str | None = "miller-madow",
    local: bool = False,
    n_jobs: int | None = None,
    random_state: Any = None,
) -> Any:
    r"""Differential entropy h(X): Kozachenko-Leonenko k-NN estimator, or a histogram.

    .. math::
        \hat h(X) = \psi(n) - \psi(k) + d \, \langle \ln (2 \varepsilon_i) \rangle

    with :math:`\varepsilon_i` the max-norm distance from sample i to its k-th neighbour
    (a max-norm ball of radius r has volume :math:`(2r)^d`). The data are used in their
    own units: rescaling x by a shifts the entropy by ln|a| per dimension.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, d)
        Continuous samples, one per row, any dimension.
    method : {"kl", "histogram"}, default "kl"
        ``"histogram"``: the entropy of the bins' counts plus the mean log bin volume
        (unequal widths allowed), :math:`-\sum_i p_i \ln(p_i / w_i)`.
    k, base, local, n_jobs, random_state, bins, correction
        As in :func:`mutual_info` (``bins`` and ``correction`` for the histogram).

    Returns
    -------
    float or ndarray
        The estimate in nats (or the unit of ``base``). If any column is constant the
        samples have no density and the result is -inf.

    References
    ----------
    Kozachenko, Leonenko, "Sample estimate of the entropy of a random vector",
    Probl. Inf. Transm. 23, 95-101 (1987); Kraskov et al. (2004), eq. (20).

    Examples
    --------
    >>> import numpy as np, fastit
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(0, 2, 10_000)
    >>> round(fastit.differential_entropy(x), 2)  # truth: ln 2 = 0.693
    0.7
    >>> round(fastit.differential_entropy(x, base=2), 1)  # truth: 1 bit
    1.0
    >>> fastit.differential_entropy(np.column_stack([x, np.ones_like(x)]))  # a constant column
    -inf
    """
    method = check_choice(method, "method", _ENTROPY_METHODS)
    correction = check_correction(correction)
    local = check_flag(local, "local")
    divisor = log_base(base)
    threads = n_threads(n_jobs)
    seed = seed_of(random_state)
    xa = as_samples(x, "x")
    if (xa.max(axis=0) == xa.min(axis=0)).any():
        # A constant column puts all the mass on a lower-dimensional set: no density, and
        # the entropy is -inf (not a number made up from the jitter or a bin width).
        if local and method == "histogram":
            raise ValueError("local values are not available for method='histogram'")
        minus_inf = -np.inf
        return np.full(xa.shape[0], minus_inf) if local else minus_inf
    if method == "histogram":
        if local:
            raise ValueError("local values are not available for method='histogram'")
        return histogram_entropy(xa, bins, correction) / divisor
    k = check_k(k, xa.shape[0])
    params = column_params(xa, threads, "x", standardize=False, shrink_huge=True)
    value, ties = _core.kozachenko_leonenko(xa, params, k, seed, threads, local, ties=True)
    warn_discrete(ties, xa.shape[0], [("x", xa.shape[1])], ENTROPY_REMEDY)
    # Columns spanning nearly the float64 range were scaled down by an exact power of two
    # (fastit._columns); h(a X) = h(X) + ln |a| per column.
    return _finish(value - np.log(params[1]).sum(), divisor)
