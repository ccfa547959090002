"""Information measures of given distributions: probability vectors, counts, joint tables.

Every function here takes the distribution itself (not samples): a vector of counts or
probabilities, or a joint table with one axis per variable. Counts and unnormalised
weights are welcome: each distribution is divided by its sum, as :func:`scipy.stats.entropy`
does, so ``[2, 6]`` and ``[0.25, 0.75]`` give the same answer.

Conventions shared by every function:

- Units are nats; ``base=2`` gives bits (any positive base other than 1 is allowed).
- ``0 log 0 = 0``: outcomes of probability 0 under ``p`` contribute nothing.
- Where ``q = 0 < p`` the divergence and the cross entropy are ``inf``. Nothing is
  clipped, smoothed or floored behind the caller's back.
- Negative entries, NaN and inf raise ``ValueError``; a distribution that sums to 0 (it
  cannot be normalised) raises ``ValueError``; non-numeric input raises ``TypeError``.
  Every message names the argument.
- A single distribution gives a Python ``float``; a stack of distributions (``axis`` of
  a 2-D or larger array) gives a NumPy array with that axis removed.
- Quantities that are non-negative in exact arithmetic (divergences, mutual information)
  are computed with formulas that keep them so where possible, and are never clipped: a
  result like ``-1e-17`` is rounding, returned as computed.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._validation import (
    FloatArray,
    as_distribution,
    check_axes,
    check_axis,
    log_base,
    normalise,
)

__all__ = [
    "conditional_entropy",
    "cross_entropy",
    "entropy",
    "joint_entropy",
    "js_divergence",
    "kl_divergence",
    "mutual_info_table",
]


# --------------------------------------------------------------------------- helpers


_SMALLEST = float(np.nextafter(0.0, 1.0))
_TINY = float(np.finfo(np.float64).tiny)  # the smallest normal double


def _axis_or_none(axis: Any, ndim: int) -> int | None:
    return None if axis is None else check_axis(axis, ndim, "axis")


def _one(p: Any, name: str, axis: Any) -> tuple[FloatArray, int | None]:
    """One distribution (or a stack of them along ``axis``), normalised."""
    arr = as_distribution(p, name)
    ax = _axis_or_none(axis, arr.ndim)
    return normalise(arr, name, ax), ax


def _pair(
    p: Any, q: Any, names: tuple[str, str], axis: Any
) -> tuple[FloatArray, FloatArray, FloatArray | None, int | None]:
    """Two distributions broadcast against each other, then each normalised along ``axis``;
    and, where a positive entry of q underflows on normalisation (to 0 or to a subnormal
    number, which keeps few digits: 1e-308 beside 1e308), the logarithms of normalised q
    computed from q itself (else None).

    Broadcasting comes first, as in :func:`scipy.stats.entropy`: a ``q`` of length 1 along
    ``axis`` is repeated (and so becomes uniform) before normalisation.
    """
    a = as_distribution(p, names[0])
    b = as_distribution(q, names[1])
    try:
        a_b, b_b = np.broadcast_arrays(a, b)
    except ValueError as err:
        raise ValueError(
            f"{names[0]} has shape {a.shape} and {names[1]} has shape {b.shape}, which do "
            "not broadcast; pass distributions over the same outcomes (same shape)"
        ) from err
    ax = _axis_or_none(axis, a_b.ndim)
    pp, qq = normalise(a_b, names[0], ax), normalise(b_b, names[1], ax)
    # A positive p that underflows keeps the smallest positive double: its terms stay
    # about 0, or inf where q is 0 there.
    pp = np.where((a_b > 0) & (pp == 0), _SMALLEST, pp)
    log_q = _log_normalised(b_b, ax) if ((b_b > 0) & (qq < _TINY)).any() else None
    return pp, qq, log_q, ax


def _log_normalised(b: FloatArray, axis: int | None) -> FloatArray:
    """``log(b / sum(b))`` along ``axis``, from logarithms, so nothing underflows."""
    scale = np.max(b, axis=axis, keepdims=True)
    total = np.sum(b / scale, axis=axis, keepdims=True)
    with np.errstate(divide="ignore"):
        out: FloatArray = np.log(b) - np.log(scale) - np.log(total)
    return out


def _log_dist(p: FloatArray, axis: int | None) -> FloatArray:
    """``log p`` for distributions along ``axis`` (-inf where p = 0).

    An entry above 1/2 (at most one per distribution) takes ``log1p(-rest)`` with
    ``rest`` the sum of the other entries: the logarithm of the rounded ``p`` would lose
    the relative precision of a nearly degenerate distribution.
    """
    with np.errstate(divide="ignore"):
        out: FloatArray = np.log(p)
    big = p > 0.5
    if big.any():
        rest = np.broadcast_to(np.sum(np.where(big, 0.0, p), axis=axis, keepdims=True), p.shape)
        out[big] = np.log1p(-rest[big])
    return out


def _neg_xlogx(p: FloatArray, axis: int | None) -> FloatArray:
    """``-p log p`` elementwise, with ``0 log 0 = 0``, for distributions along ``axis``."""
    out = np.zeros(p.shape)
    pos = p > 0
    out[pos] = -p[pos] * _log_dist(p, axis)[pos]
    return out


def _log_ratio(a: FloatArray, b: FloatArray) -> FloatArray:
    """``log(a / b)`` for ``a > 0``: inf where ``b = 0``.

    Where ``a / b`` overflows although ``b > 0`` (``b`` subnormal), ``log a - log b``
    gives the finite value instead.
    """
    with np.errstate(divide="ignore", over="ignore"):
        ratio = a / b
        out: FloatArray = np.log(ratio)
        overflow = np.isinf(ratio) & (b > 0)
        if overflow.any():
            out[overflow] = np.log(a[overflow]) - np.log(b[overflow])
    return out


def _rel_entr(p: FloatArray, q: FloatArray, log_q: FloatArray | None = None) -> FloatArray:
    """``p log(p / q)`` elementwise: 0 where p = 0, inf where q = 0 < p.

    Same formula as :func:`scipy.special.rel_entr`, except where ``p / q`` overflows with
    ``q > 0`` (see :func:`_log_ratio`), and where q underflowed on normalisation and
    ``log_q`` (from :func:`_pair`) holds its logarithm.
    """
    out = np.zeros(p.shape)
    pos = p > 0
    pp = p[pos]
    out[pos] = pp * _log_ratio(pp, q[pos])
    if log_q is not None:
        lost = pos & (q < _TINY) & np.isfinite(log_q)
        out[lost] = p[lost] * (np.log(p[lost]) - log_q[lost])
    return out


def _neg_xlogy(
    p: FloatArray, q: FloatArray, log_q: FloatArray | None, axis: int | None
) -> FloatArray:
    """``-p log q`` elementwise for distributions along ``axis``: 0 where p = 0, inf where
    q = 0 < p (``log_q``: as in :func:`_rel_entr`)."""
    out = np.zeros(p.shape)
    pos = p > 0
    out[pos] = -p[pos] * _log_dist(q, axis)[pos]
    if log_q is not None:
        lost = pos & (q < _TINY) & np.isfinite(log_q)
        out[lost] = -p[lost] * log_q[lost]
    return out


def _finish(terms: FloatArray, axis: int | None, base: float) -> Any:
    total = np.sum(terms, axis=axis) + 0.0  # + 0.0 turns -0.0 into 0.0
    if base != 1.0:
        total = total / base
    if np.ndim(total) == 0:
        return float(total)
    return np.asarray(total, dtype=np.float64)


# --------------------------------------------------------------------------- public API


def entropy(pk: Any, qk: Any = None, *, base: float | None = None, axis: int | None = 0) -> Any:
    r"""Shannon entropy of a distribution, or relative entropy (KL divergence) to another.

    A drop-in for :func:`scipy.stats.entropy` that gives the same numbers on valid input
    and refuses invalid input instead of returning ``nan``.

    .. math::

        H(p) = -\sum_i p_i \log p_i, \qquad
        D(p \,\|\, q) = \sum_i p_i \log \frac{p_i}{q_i}

    with ``0 log 0 = 0`` and ``D = inf`` when some ``q_i = 0 < p_i``.

    Parameters
    ----------
    pk : array_like
        Counts or (possibly unnormalised) probabilities, one outcome per entry along
        ``axis``; divided by their sum along ``axis``.
    qk : array_like, optional
        A second distribution over the same outcomes; broadcast against ``pk`` and then
        normalised along ``axis``, as SciPy does. With ``qk``, the result is
        ``D(pk || qk)``.
    base : float, optional
        Logarithm base: None gives nats, 2 gives bits.
    axis : int or None, default 0
        Axis along which each distribution lies; None treats the whole array as one
        distribution.

    Returns
    -------
    float or numpy.ndarray
        A float for one distribution; an array with ``axis`` removed for several.

    Raises
    ------
    ValueError
        Negative, NaN or infinite entries; a distribution summing to 0 (including empty
        input); shapes that do not broadcast; an axis out of range; a bad ``base``.
    TypeError
        Non-numeric input, or an ``axis`` or ``base`` of the wrong type.

    Notes
    -----
    Unlike :func:`scipy.stats.entropy`, which returns ``nan`` (or ``0`` for empty input)
    for such cases, negative entries, NaN, inf and all-zero distributions raise.

    Examples
    --------
    >>> from fastit.distributions import entropy
    >>> round(entropy([1, 1]), 6)  # a fair coin, in nats
    0.693147
    >>> entropy([1, 1], base=2)
    1.0
    >>> entropy([[1, 3], [1, 1]], axis=1, base=2).round(4).tolist()
    [0.8113, 1.0]
    >>> round(entropy([9, 1], [1, 1]), 6)  # KL divergence from counts
    0.368064
    """
    b = log_base(base)
    if qk is None:
        p, ax = _one(pk, "pk", axis)
        return _finish(_neg_xlogx(p, ax), ax, b)
    p, q, log_q, ax = _pair(pk, qk, ("pk", "qk"), axis)
    return _finish(_rel_entr(p, q, log_q), ax, b)


def kl_divergence(p: Any, q: Any, *, base: float | None = None, axis: int | None = 0) -> Any:
    r"""Kullback-Leibler divergence (relative entropy) ``D(p || q)``.

    .. math::

        D(p \,\|\, q) = \sum_i p_i \log \frac{p_i}{q_i}

    Terms with ``p_i = 0`` are 0 (also when ``q_i = 0``); a term with ``q_i = 0 < p_i``
    makes the divergence ``inf``, which is returned as is (never clipped or smoothed).

    Parameters
    ----------
    p, q : array_like
        Counts or probabilities over the same outcomes along ``axis``; broadcast against
        each other, then each normalised along ``axis``.
    base : float, optional
        Logarithm base: None gives nats, 2 gives bits.
    axis : int or None, default 0
        Axis along which each distribution lies; None for the whole array.

    Returns
    -------
    float or numpy.ndarray
        ``D(p || q) >= 0`` (up to rounding; not clipped), possibly ``inf``.

    Raises
    ------
    ValueError
        Negative, NaN or infinite entries, an all-zero distribution, shapes that do not
        broadcast, an axis out of range, or a bad ``base``.
    TypeError
        Non-numeric input.

    Examples
    --------
    >>> from fastit.distributions import kl_divergence
    >>> round(kl_divergence([0.5, 0.5], [0.9, 0.1], base=2), 6)
    0.736966
    >>> kl_divergence([0.5, 0.5], [1.0, 0.0])
    inf
    >>> kl_divergence([1.0, 0.0], [0.5, 0.5], base=2)
    1.0
    """
    b = log_base(base)
    pp, qq, log_q, ax = _pair(p, q, ("p", "q"), axis)
    return _finish(_rel_entr(pp, qq, log_q), ax, b)


def cross_entropy(p: Any, q: Any, *, base: float | None = None, axis: int | None = 0) -> Any:
    r"""Cross entropy ``H(p, q)``: the expected code length under ``q`` of outcomes from ``p``.

    .. math::

        H(p, q) = -\sum_i p_i \log q_i = H(p) + D(p \,\|\, q)

    Terms with ``p_i = 0`` are 0; a term with ``q_i = 0 < p_i`` makes the result ``inf``
    (never clipped or smoothed: add a pseudo-count to ``q`` yourself if that is what you
    want).

    Parameters
    ----------
    p, q : array_like
        Counts or probabilities over the same outcomes along ``axis``; broadcast against
        each other, then each normalised along ``axis``.
    base : float, optional
        Logarithm base: None gives nats, 2 gives bits.
    axis : int or None, default 0
        Axis along which each distribution lies; None for the whole array.

    Returns
    -------
    float or numpy.ndarray
        ``H(p, q) >= H(p)``, possibly ``inf``.

    Raises
    ------
    ValueError
        Negative, NaN or infinite entries, an all-zero distribution, shapes that do not
        broadcast, an axis out of range, or a bad ``base``.
    TypeError
        Non-numeric input.

    Examples
    --------
    >>> from fastit.distributions import cross_entropy
    >>> cross_entropy([0.5, 0.5], [0.5, 0.5], base=2)
    1.0
    >>> round(cross_entropy([1, 0], [1, 3], base=2), 6)  # -log2(1/4)
    2.0
    >>> cross_entropy([0.5, 0.5], [1, 0])
    inf
    """
    b = log_base(base)
    pp, qq, log_q, ax = _pair(p, q, ("p", "q"), axis)
    return _finish(_neg_xlogy(pp, qq, log_q, ax), ax, b)


def js_divergence(p: Any, q: Any, *, base: float | None = None, axis: int | None = 0) -> Any:
    r"""Jensen-Shannon divergence (not the distance, which is its square root).

    .. math::

        \mathrm{JS}(p, q) = \tfrac12 D(p \,\|\, m) + \tfrac12 D(q \,\|\, m),
        \qquad m = \tfrac12 (p + q)

    Symmetric, always finite, 0 exactly when ``p == q`` (after normalisation), and at most
    ``ln 2`` nats (1 bit), reached when the supports are disjoint. Equals
    ``scipy.spatial.distance.jensenshannon(p, q) ** 2``.

    Parameters
    ----------
    p, q : array_like
        Counts or probabilities over the same outcomes along ``axis``; broadcast against
        each other, then each normalised along ``axis``.
    base : float, optional
        Logarithm base: None gives nats (bound ``ln 2``), 2 gives bits (bound 1).
    axis : int or None, default 0
        Axis along which each distribution lies; None for the whole array.

    Returns
    -------
    float or numpy.ndarray
        ``0 <= JS <= ln 2`` nats, up to rounding of order 1e-16 (never clipped).

    Raises
    ------
    ValueError
        Negative, NaN or infinite entries, an all-zero distribution, shapes that do not
        broadcast, an axis out of range, or a bad ``base``.
    TypeError
        Non-numeric input.

    Examples
    --------
    >>> from fastit.distributions import js_divergence
    >>> js_divergence([1, 0], [0, 1], base=2)  # disjoint supports: the bound
    1.0
    >>> js_divergence([1, 2, 3], [2, 4, 6])  # the same distribution
    0.0
    >>> round(js_divergence([0.5, 0.5], [0.9, 0.1], base=2), 6)
    0.146793
    """
    b = log_base(base)
    pp, qq, _, ax = _pair(p, q, ("p", "q"), axis)
    # p log(p / m) with m = (p + q) / 2, written as (2p) log(2p / (p + q)) / 2: the sum
    # cannot underflow to 0 where p or q is positive (halving a subnormal q can).
    both = pp + qq
    return _finish(0.25 * (_rel_entr(2 * pp, both) + _rel_entr(2 * qq, both)), ax, b)


def joint_entropy(pxy: Any, *, base: float | None = None) -> float:
    r"""Entropy of a joint table of any number of variables (one axis per variable).

    .. math::

        H(X_1, \dots, X_k) = -\sum_{x_1, \dots, x_k} p(x_1, \dots, x_k)
        \log p(x_1, \dots, x_k)

    Parameters
    ----------
    pxy : array_like
        Joint counts or probabilities, any shape; normalised by the sum of all cells.
    base : float, optional
        Logarithm base: None gives nats, 2 gives bits.

    Returns
    -------
    float
        The joint entropy.

    Raises
    ------
    ValueError
        Negative, NaN or infinite cells, an all-zero or empty table, or a bad ``base``.
    TypeError
        Non-numeric input.

    Examples
    --------
    >>> from fastit.distributions import joint_entropy
    >>> joint_entropy([[1, 1], [1, 1]], base=2)  # two fair independent coins
    2.0
    >>> joint_entropy([[5, 0], [0, 5]], base=2)  # two copies of one coin
    1.0
    """
    b = log_base(base)
    p, ax = _one(pxy, "pxy", None)
    out: float = _finish(_neg_xlogx(p, ax), ax, b)
    return out


def conditional_entropy(pxy: Any, *, given: Any = 1, base: float | None = None) -> float:
    r"""Conditional entropy ``H(X | Y)`` from a joint table.

    .. math::

        H(X \mid Y) = \sum_{x, y} p(x, y) \log \frac{p(y)}{p(x, y)} = H(X, Y) - H(Y)

    Computed from the first form over the nonzero cells: every term is ``>= 0`` (the
    marginal ``p(y)`` is at least ``p(x, y)``, also in floating point), so the result is
    never negative.

    Parameters
    ----------
    pxy : array_like
        Joint counts or probabilities with at least 2 axes, one axis per variable;
        normalised by the sum of all cells.
    given : int or tuple of int, default 1
        The axis (or axes) of the conditioning variable(s) Y; the other axes are X. For a
        2-D table, ``given=1`` gives ``H(rows | columns)`` and ``given=0`` gives
        ``H(columns | rows)``. An empty tuple conditions on nothing (``H(X)``); all axes
        give 0.
    base : float, optional
        Logarithm base: None gives nats, 2 gives bits.

    Returns
    -------
    float
        ``0 <= H(X | Y) <= H(X)``.

    Raises
    ------
    ValueError
        Negative, NaN or infinite cells, an all-zero table, a table with fewer than 2
        axes, an out-of-range or repeated axis in ``given``, or a bad ``base``.
    TypeError
        Non-numeric input, or ``given`` not an int or tuple of ints.

    Examples
    --------
    >>> from fastit.distributions import conditional_entropy
    >>> table = [[1, 1], [1, 1]]  # X and Y independent fair coins
    >>> conditional_entropy(table, base=2)
    1.0
    >>> conditional_entropy([[5, 0], [0, 5]], base=2)  # X is a function of Y
    0.0
    """
    b = log_base(base)
    arr = as_distribution(pxy, "pxy")
    if arr.ndim < 2:
        raise ValueError(
            f"pxy has shape {arr.shape}; pass a joint table with one axis per variable "
            "(at least 2 axes). For the entropy of one variable use entropy()"
        )
    y_axes = check_axes(given, arr.ndim, "given")
    x_axes = tuple(ax for ax in range(arr.ndim) if ax not in y_axes)
    p = normalise(arr, "pxy", None)
    py = np.broadcast_to(np.sum(p, axis=x_axes, keepdims=True), p.shape)
    # -p log(p / p(y)): p / p(y) <= 1 neither overflows nor (p(y) <= 1) underflows to 0
    terms = -_rel_entr(p, py)
    out: float = _finish(terms, None, b)
    return out


def mutual_info_table(pxy: Any, *, base: float | None = None) -> float:
    r"""Mutual information ``I(X; Y)`` from a 2-D joint table (rows X, columns Y).

    .. math::

        I(X; Y) = \sum_{x, y:\, p(x, y) > 0} p(x, y) \log \frac{p(x, y)}{p(x)\, p(y)}
                = H(X) + H(Y) - H(X, Y)

    Computed from the first form over the nonzero cells (as
    :func:`sklearn.metrics.mutual_info_score` does from a contingency table), which avoids
    the cancellation of ``H(X) + H(Y) - H(X, Y)``. The result is ``>= 0`` up to rounding
    (about 1e-16 times the entropies): it is not clipped, so an independent table can
    give ``-1e-17``.

    Parameters
    ----------
    pxy : array_like
        Joint counts or probabilities, shape ``(n_x, n_y)``; normalised by the sum of all
        cells.
    base : float, optional
        Logarithm base: None gives nats, 2 gives bits.

    Returns
    -------
    float
        ``0 <= I(X; Y) <= min(H(X), H(Y))``.

    Raises
    ------
    ValueError
        Negative, NaN or infinite cells, an all-zero table, a table that is not 2-D, or a
        bad ``base``.
    TypeError
        Non-numeric input.

    Examples
    --------
    >>> from fastit.distributions import mutual_info_table
    >>> mutual_info_table([[5, 0], [0, 5]], base=2)  # Y = X, a fair coin
    1.0
    >>> mutual_info_table([[1, 3], [2, 6]])  # a product table: independent
    0.0
    """
    b = log_base(base)
    arr = as_distribution(pxy, "pxy")
    if arr.ndim != 2:
        raise ValueError(
            f"pxy has shape {arr.shape}; pass a 2-D joint table (rows X, columns Y). "
            "For more variables use joint_entropy() and conditional_entropy()"
        )
    p = normalise(arr, "pxy", None)
    px = np.broadcast_to(np.sum(p, axis=1, keepdims=True), p.shape)
    py = np.broadcast_to(np.sum(p, axis=0, keepdims=True), p.shape)
    pos = p > 0
    pp = p[pos]
    # p / p(x) lies in [p, 1]; dividing by p(y) overflows only for subnormal p(y)
    terms = pp * _log_ratio(pp / px[pos], py[pos])
    out: float = _finish(terms, None, b)
    return out
