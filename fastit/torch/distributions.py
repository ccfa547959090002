"""Differentiable information measures of discrete distributions held as torch tensors.

The torch twins of :mod:`fastit.distributions`: entropy, cross entropy, Kullback-Leibler
and Jensen-Shannon divergence of categorical distributions, on tensors of any device,
with gradients. Each distribution lies along ``dim`` (the last axis by default), so a
tensor of shape ``(..., K)`` holds a batch of distributions over ``K`` outcomes and the
result has shape ``(...)``.

Inputs
    Each distribution is given either as probabilities or as logits.

    - Probabilities (the default) may be counts or unnormalised weights: they are divided
      by their sum along ``dim``, as :func:`scipy.stats.entropy` and
      :mod:`fastit.distributions` do, so ``[2, 6]`` and ``[0.25, 0.75]`` give the same
      answer. On the same float64 input the results agree with
      :mod:`fastit.distributions` (whose ``axis`` is this ``dim``) to rounding.
    - Logits (``logits=True``, ``p_logits=True``, ``q_logits=True``) are unnormalised
      log-probabilities, normalised with :func:`torch.log_softmax`: logits of size
      ``1e4`` are fine, and ``-inf`` is allowed and means probability 0.

    Two distributions broadcast against each other like any torch tensors (before
    normalisation, as in SciPy) and must be on the same device. Floating dtypes are kept
    (float32 in, float32 out); integer and bool tensors are promoted to
    :func:`torch.get_default_dtype`. The result is on the inputs' device.

Conventions (as in :mod:`fastit.distributions`)
    - Units are nats; ``base=2`` gives bits (any positive ``base`` other than 1).
    - ``0 log 0 = 0``: outcomes of probability 0 under ``p`` contribute nothing.
    - Where ``q = 0 < p`` the KL divergence and the cross entropy are ``+inf`` (never NaN,
      never clipped or smoothed). With logits, ``p > 0`` means a logit above ``-inf``,
      even one so low that its probability underflows to 0.
    - Results that are non-negative in exact arithmetic are not clipped: ``-1e-17`` is
      rounding, returned as computed.

Gradients
    Every function is differentiable in both arguments, probabilities or logits. The
    logit path works in log space throughout, so its gradients stay finite when some
    probabilities underflow to 0, for logits of any size. For a probability of exactly 0
    the term ``0 log 0`` contributes no gradient (its one-sided derivative is infinite),
    and where a result is ``+inf`` the infinite terms contribute no gradient either: the
    gradient is that of the finite terms, so it is not NaN, but a training loop should
    watch the loss. (With probabilities, a derivative such as ``-p / q`` can still exceed
    the dtype's range when ``q`` is subnormal; logits do not have that limit.)

Validation
    With ``validate=True`` (the default) bad input raises ``TypeError`` (not a tensor, a
    complex dtype, a non-integer ``dim``) or ``ValueError`` (negative, NaN or infinite
    probabilities, a distribution summing to 0, NaN or ``+inf`` logits, a distribution
    whose logits are all ``-inf``, shapes that do not broadcast, ``dim`` out of range,
    no outcomes along ``dim``, tensors on different devices); each message names the
    argument and the fix. The checks of values read the tensors back (one
    ``.tolist()`` per call), which synchronises a GPU: ``validate=False`` skips them,
    for training loops whose inputs are known to be good. It keeps the checks that cost
    nothing (types, shapes, ``dim``, devices); invalid values then give NaN or garbage
    instead of an error.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

from .._validation import check_flag, log_base
from ._tensors import check_dense

__all__ = ["cross_entropy", "entropy", "js_divergence", "kl_divergence"]

_LN2 = math.log(2.0)


# --------------------------------------------------------------------------- input checks


def _as_float_tensor(value: Any, name: str) -> Tensor:
    """``value`` as a floating tensor of at least one dimension (cheap checks only)."""
    if not isinstance(value, Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor, got {type(value).__name__}; pass a tensor "
            f"(torch.as_tensor({name})), or use fastit.distributions for lists and NumPy "
            "arrays"
        )
    x: Tensor = value
    check_dense(x, name)
    if x.is_complex():
        raise TypeError(
            f"{name} has dtype {x.dtype}; pass real probabilities or logits (a float tensor)"
        )
    if not x.is_floating_point():  # bool and integer counts
        x = x.to(torch.get_default_dtype())
    if x.ndim == 0:
        raise ValueError(
            f"{name} is a 0-d tensor; pass a vector of probabilities or logits, "
            "or a batch of them of shape (..., K) with the outcomes along dim"
        )
    return x


def _check_dim(dim: Any, shape: torch.Size, subject: str) -> int:
    """A valid dimension of ``shape``, made non-negative; the outcomes along it exist."""
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
        raise TypeError(f"dim must be an int, got {type(dim).__name__}")
    ndim = len(shape)
    d = int(dim)
    if not -ndim <= d < ndim:
        raise ValueError(
            f"dim={d} is out of range for {subject} (shape {tuple(shape)}, {ndim} "
            f"dimension(s)); use -{ndim} <= dim < {ndim}"
        )
    d %= ndim
    if shape[d] == 0:
        raise ValueError(
            f"there are no outcomes along dim={d} of {subject} (shape {tuple(shape)}); "
            "pass at least one outcome per distribution"
        )
    return d


def _broadcast_shape(s1: torch.Size, s2: torch.Size) -> torch.Size | None:
    """The shape two tensors broadcast to, or None when they do not (torch's rules)."""
    n = max(len(s1), len(s2))
    padded1 = (1,) * (n - len(s1)) + tuple(s1)
    padded2 = (1,) * (n - len(s2)) + tuple(s2)
    out = []
    for a, b in zip(padded1, padded2, strict=True):
        if a != b and a != 1 and b != 1:
            return None
        out.append(b if a == 1 else a)
    return torch.Size(out)


def _pair(
    p: Any, q: Any, dim: Any, p_logits: bool, q_logits: bool, validate: bool
) -> tuple[Tensor, Tensor, int]:
    """Two distributions as tensors of one dtype and shape, and the dimension of outcomes."""
    a = _as_float_tensor(p, "p")
    b = _as_float_tensor(q, "q")
    if a.device != b.device:
        raise ValueError(
            f"p is on {a.device} and q is on {b.device}; put them on the same device "
            "(for example q.to(p.device))"
        )
    shape = _broadcast_shape(a.shape, b.shape)
    if shape is None:
        raise ValueError(
            f"p has shape {tuple(a.shape)} and q has shape {tuple(b.shape)}, which do not "
            "broadcast; pass distributions over the same outcomes (the same size along dim)"
        )
    dtype = torch.promote_types(a.dtype, b.dtype)
    a_b = a.to(dtype).expand(shape)
    b_b = b.to(dtype).expand(shape)
    d = _check_dim(dim, a_b.shape, "p and q broadcast together")
    if validate:
        _check_values([("p", a, a_b, p_logits, "p_logits"), ("q", b, b_b, q_logits, "q_logits")], d)
    return a_b, b_b, d


_Check = tuple[Tensor, Callable[[], str]]


def _value_checks(
    name: str, x: Tensor, xb: Tensor, logits: bool, flag: str, dim: int
) -> list[_Check]:
    """Lazy checks of the values of one input: (bad-flag tensor, message) pairs.

    ``x`` is the input as given (for counts in messages), ``xb`` the input broadcast to
    the common shape (for the per-distribution checks along ``dim``).
    """
    if logits:
        return [
            (torch.isnan(x).any(), lambda: f"{name} contains NaN; pass finite logits"),
            (
                (x == math.inf).any(),
                lambda: (
                    f"{name} contains +inf logits, which define no distribution; pass "
                    "finite logits (-inf is allowed and means probability 0)"
                ),
            ),
            (
                (xb == -math.inf).all(dim).any(),
                lambda: (
                    f"{name} has {int((xb == -math.inf).all(dim).sum())} distribution(s) "
                    f"whose logits along dim={dim} are all -inf, so they cannot be "
                    "normalised; give at least one outcome a finite logit"
                ),
            ),
        ]

    def negative() -> str:
        n_neg = int((x < 0).sum())
        return (
            f"{name} has {n_neg} negative entries (smallest {float(x.min())!r}); "
            f"probabilities must be >= 0 (if these are logits, pass {flag}=True)"
        )

    return [
        (
            torch.isnan(x).any(),
            lambda: f"{name} contains NaN; pass finite probabilities or counts",
        ),
        (
            torch.isinf(x).any(),
            lambda: (
                f"{name} contains infinite values; pass finite probabilities or counts "
                f"(if these are log-probabilities, pass {flag}=True)"
            ),
        ),
        ((x < 0).any(), negative),
        (
            (xb.sum(dim) == 0).any(),
            lambda: (
                f"{name} sums to 0 along dim={dim} in {int((xb.sum(dim) == 0).sum())} "
                "distribution(s), so it cannot be normalised; pass at least one positive "
                "probability per distribution"
            ),
        ),
    ]


def _check_values(inputs: list[tuple[str, Tensor, Tensor, bool, str]], dim: int) -> None:
    """Run the value checks of every input with a single device synchronisation."""
    with torch.no_grad():
        checks: list[_Check] = []
        for name, x, xb, logits, flag in inputs:
            checks.extend(_value_checks(name, x, xb, logits, flag, dim))
        bad = torch.stack([flag for flag, _ in checks]).tolist()  # the one sync
        for is_bad, (_, message) in zip(bad, checks, strict=True):
            if is_bad:
                raise ValueError(message())


def _flags(**flags: Any) -> None:
    for name, value in flags.items():
        check_flag(value, name)


# --------------------------------------------------------------------------- numerics


def _normalise(x: Tensor, dim: int) -> Tensor:
    """``x`` divided by its sum along ``dim``.

    A sum that overflows (finite entries near the dtype's maximum) is rescued by dividing
    by the largest entry first; elsewhere the scale is exactly 1 and changes nothing.
    """
    total = x.sum(dim, keepdim=True)
    ones = torch.ones_like(total)
    scale = torch.where(torch.isfinite(total), ones, x.amax(dim, keepdim=True))
    x = x / scale
    return x / x.sum(dim, keepdim=True)


def _log_parts(x: Tensor, logits: bool, dim: int) -> tuple[Tensor, Tensor, Tensor]:
    """``(prob, log_prob, positive)`` of one distribution, safe for autograd.

    ``log_prob`` is finite everywhere: the log-probability where ``positive``, 0 elsewhere
    (where ``prob`` is 0), so ``prob * log_prob`` is ``0 log 0 = 0`` with zero gradient.
    """
    if logits:
        logp = torch.log_softmax(x, dim)
        pos = logp > -math.inf
        return logp.exp(), torch.where(pos, logp, torch.zeros_like(logp)), pos
    p = _normalise(x, dim)
    pos = p > 0
    return p, torch.log(torch.where(pos, p, torch.ones_like(p))), pos


def _log_ratio(a: Tensor, b: Tensor) -> Tensor:
    """``log(a / b)`` for ``0 < a <= 2`` and ``b > 0``, also where ``a / b`` overflows.

    ``a / b`` overflows only for a subnormal ``b``; there ``b`` is first scaled up by an
    exact power of two (enough to bring the quotient back in range) and the log of that
    power added back, which gives ``log a - log b`` to rounding, as
    :mod:`fastit.distributions` does.
    """
    shift = round(-math.log2(torch.finfo(a.dtype).eps)) + 2  # the dtype's mantissa bits + 2
    with torch.no_grad():
        big = torch.isinf(a / b)
    scaled = torch.where(big, b * 2.0**shift, b)
    return torch.log(a / scaled) + big.to(a.dtype) * (shift * _LN2)


def _rel_entr(a: Tensor, b: Tensor) -> Tensor:
    """``a log(a / b)`` for ``0 <= a <= 2`` and ``b >= 0``: 0 where ``a = 0``.

    Where ``b = 0 < a`` the value is finite and meaningless (the caller puts ``inf``
    there). The value is computed as in :mod:`fastit.distributions` (``log(a / b)``, exact
    for ``a`` close to ``b``). Its gradient is taken from ``a (log a - log b)`` instead:
    autograd's derivative of ``a / b`` computes ``(a / b) / b``, which overflows for a
    small ``b`` (below about 1e-154 in float64) where the true derivative ``-a / b`` does
    not, and would turn into NaN.
    """
    ones = torch.ones_like(a)
    a_safe = torch.where(a > 0, a, ones)
    b_safe = torch.where(b > 0, b, ones)
    value = a * _log_ratio(a_safe, b_safe)
    if not value.requires_grad:
        return value
    surrogate = a * (torch.log(a_safe) - torch.log(b_safe))
    # the value of ``value``, the gradient of ``surrogate``: (s - s) is exactly 0
    return value.detach() + (surrogate - surrogate.detach())


def _finish(terms: Tensor, dim: int, base: float) -> Tensor:
    total = terms.sum(dim) + 0.0  # + 0.0 turns -0.0 into 0.0
    return total / base if base != 1.0 else total


def _inf_where(mask: Tensor, values: Tensor) -> Tensor:
    return torch.where(mask, torch.full_like(values, math.inf), values)


# --------------------------------------------------------------------------- public API


def entropy(
    p: Tensor,
    *,
    logits: bool = False,
    dim: int = -1,
    base: float | None = None,
    validate: bool = True,
) -> Tensor:
    r"""Shannon entropy of categorical distributions, differentiable.

    .. math::

        H(p) = -\sum_i p_i \log p_i, \qquad 0 \log 0 = 0

    Parameters
    ----------
    p : torch.Tensor, shape (..., K, ...)
        Probabilities, counts or unnormalised weights along ``dim`` (divided by their
        sum), or logits with ``logits=True``.
    logits : bool, default False
        Read ``p`` as logits (unnormalised log-probabilities, normalised with
        :func:`torch.log_softmax`).
    dim : int, default -1
        The dimension along which each distribution lies.
    base : float, optional
        Logarithm base: None gives nats, 2 gives bits.
    validate : bool, default True
        Check the values of ``p`` (one GPU synchronisation); False skips that, for
        training loops (invalid values then give NaN instead of an error).

    Returns
    -------
    torch.Tensor, shape of ``p`` without ``dim``
        ``0 <= H(p) <= log K``; a 0-d tensor for a single distribution. Same floating
        dtype and device as ``p``.

    Raises
    ------
    TypeError
        ``p`` not a tensor or complex; ``dim``, ``logits`` or ``base`` of the wrong type.
    ValueError
        Negative, NaN or infinite probabilities, or a distribution summing to 0; NaN or
        ``+inf`` logits, or all logits ``-inf``; a 0-d ``p``, ``dim`` out of range or no
        outcomes along it; a bad ``base``.

    Examples
    --------
    >>> import torch
    >>> from fastit.torch.distributions import entropy
    >>> entropy(torch.tensor([1.0, 1.0, 1.0, 1.0]), base=2)  # 4 equally likely outcomes
    tensor(2.)
    >>> entropy(torch.tensor([[1, 3], [1, 1]], dtype=torch.float64), base=2)
    tensor([0.8113, 1.0000], dtype=torch.float64)
    >>> logits = torch.tensor([0.0, 0.0], requires_grad=True)
    >>> h = entropy(logits, logits=True)
    >>> round(h.item(), 6)  # ln 2
    0.693147
    >>> h.backward()
    >>> logits.grad  # a maximum: the gradient is zero
    tensor([0., 0.])
    """
    b = log_base(base)
    _flags(logits=logits, validate=validate)
    x = _as_float_tensor(p, "p")
    d = _check_dim(dim, x.shape, "p")
    if validate:
        _check_values([("p", x, x, logits, "logits")], d)
    prob, logp, _ = _log_parts(x, logits, d)
    return _finish(-prob * logp, d, b)


def cross_entropy(
    p: Tensor,
    q: Tensor,
    *,
    p_logits: bool = False,
    q_logits: bool = False,
    dim: int = -1,
    base: float | None = None,
    validate: bool = True,
) -> Tensor:
    r"""Cross entropy ``H(p, q)`` of categorical distributions, differentiable.

    .. math::

        H(p, q) = -\sum_i p_i \log q_i = H(p) + D(p \,\|\, q)

    Terms with ``p_i = 0`` are 0; a term with ``q_i = 0 < p_i`` makes the result ``+inf``.
    With ``p`` one-hot and ``q_logits=True`` this is the usual classification loss
    (:func:`torch.nn.functional.cross_entropy` with soft targets, before the mean over
    the batch).

    Parameters
    ----------
    p, q : torch.Tensor, shapes that broadcast to (..., K, ...)
        Probabilities, counts or unnormalised weights along ``dim`` (each divided by its
        sum after broadcasting), or logits with ``p_logits`` / ``q_logits``. Same device.
    p_logits, q_logits : bool, default False
        Read ``p`` (``q``) as logits, normalised with :func:`torch.log_softmax`.
    dim : int, default -1
        The dimension (of the broadcast shape) along which each distribution lies.
    base : float, optional
        Logarithm base: None gives nats, 2 gives bits.
    validate : bool, default True
        Check the values of ``p`` and ``q`` (one GPU synchronisation); False skips that,
        for training loops.

    Returns
    -------
    torch.Tensor, broadcast shape without ``dim``
        ``H(p, q) >= H(p)``, possibly ``+inf``. Dtype promoted from the inputs' (float32
        stays float32); the inputs' device.

    Raises
    ------
    TypeError
        ``p`` or ``q`` not a tensor or complex; an option of the wrong type.
    ValueError
        Bad values (as for :func:`entropy`), shapes that do not broadcast, ``dim`` out of
        range, tensors on different devices, a bad ``base``.

    Examples
    --------
    >>> import torch
    >>> from fastit.torch.distributions import cross_entropy
    >>> p = torch.tensor([1.0, 0.0], dtype=torch.float64)
    >>> q = torch.tensor([1.0, 3.0], dtype=torch.float64)
    >>> cross_entropy(p, q, base=2)  # -log2(1/4)
    tensor(2., dtype=torch.float64)
    >>> cross_entropy(torch.tensor([0.5, 0.5]), torch.tensor([1.0, 0.0]))
    tensor(inf)
    >>> target = torch.tensor([[0.0, 1.0, 0.0]])
    >>> logits = torch.tensor([[2.0, 1.0, 0.1]])
    >>> cross_entropy(target, logits, q_logits=True)
    tensor([1.4170])
    """
    b = log_base(base)
    _flags(p_logits=p_logits, q_logits=q_logits, validate=validate)
    a, c, d = _pair(p, q, dim, p_logits, q_logits, validate)
    prob_p, _, pos_p = _log_parts(a, p_logits, d)
    _, logq, pos_q = _log_parts(c, q_logits, d)
    return _finish(_inf_where(pos_p & ~pos_q, -prob_p * logq), d, b)


def kl_divergence(
    p: Tensor,
    q: Tensor,
    *,
    p_logits: bool = False,
    q_logits: bool = False,
    dim: int = -1,
    base: float | None = None,
    validate: bool = True,
) -> Tensor:
    r"""Kullback-Leibler divergence ``D(p || q)`` of categorical distributions, differentiable.

    .. math::

        D(p \,\|\, q) = \sum_i p_i \log \frac{p_i}{q_i}

    Terms with ``p_i = 0`` are 0 (also where ``q_i = 0``); a term with ``q_i = 0 < p_i``
    makes the divergence ``+inf``. Probabilities use ``p log(p / q)`` as
    :mod:`fastit.distributions` does; logits use ``p (log p - log q)`` with log-softmax
    log-probabilities, exact for logits of any size.

    Parameters
    ----------
    p, q : torch.Tensor, shapes that broadcast to (..., K, ...)
        Probabilities, counts or unnormalised weights along ``dim`` (each divided by its
        sum after broadcasting), or logits with ``p_logits`` / ``q_logits``. Same device.
    p_logits, q_logits : bool, default False
        Read ``p`` (``q``) as logits, normalised with :func:`torch.log_softmax`.
    dim : int, default -1
        The dimension (of the broadcast shape) along which each distribution lies.
    base : float, optional
        Logarithm base: None gives nats, 2 gives bits.
    validate : bool, default True
        Check the values of ``p`` and ``q`` (one GPU synchronisation); False skips that,
        for training loops.

    Returns
    -------
    torch.Tensor, broadcast shape without ``dim``
        ``D(p || q) >= 0`` up to rounding (not clipped), possibly ``+inf``. Dtype
        promoted from the inputs'; the inputs' device.

    Raises
    ------
    TypeError
        ``p`` or ``q`` not a tensor or complex; an option of the wrong type.
    ValueError
        Bad values (as for :func:`entropy`), shapes that do not broadcast, ``dim`` out of
        range, tensors on different devices, a bad ``base``.

    Examples
    --------
    >>> import torch
    >>> from fastit.torch.distributions import kl_divergence
    >>> p = torch.tensor([0.5, 0.5], dtype=torch.float64)
    >>> q = torch.tensor([0.9, 0.1], dtype=torch.float64)
    >>> round(kl_divergence(p, q, base=2).item(), 6)
    0.736966
    >>> kl_divergence(p, torch.tensor([1.0, 0.0], dtype=torch.float64))
    tensor(inf, dtype=torch.float64)
    >>> big = torch.tensor([1e4, 0.0], dtype=torch.float64)  # huge logits are fine
    >>> kl_divergence(big, big.flip(0), p_logits=True, q_logits=True)
    tensor(10000., dtype=torch.float64)
    """
    b = log_base(base)
    _flags(p_logits=p_logits, q_logits=q_logits, validate=validate)
    a, c, d = _pair(p, q, dim, p_logits, q_logits, validate)
    if not (p_logits or q_logits):
        prob_p = _normalise(a, d)
        prob_q = _normalise(c, d)
        pos_p, pos_q = prob_p > 0, prob_q > 0
        terms = _rel_entr(prob_p, prob_q)
    else:
        prob_p, logp, pos_p = _log_parts(a, p_logits, d)
        _, logq, pos_q = _log_parts(c, q_logits, d)
        terms = prob_p * (logp - logq)
    return _finish(_inf_where(pos_p & ~pos_q, terms), d, b)


def js_divergence(
    p: Tensor,
    q: Tensor,
    *,
    p_logits: bool = False,
    q_logits: bool = False,
    dim: int = -1,
    base: float | None = None,
    validate: bool = True,
) -> Tensor:
    r"""Jensen-Shannon divergence of categorical distributions, differentiable.

    .. math::

        \mathrm{JS}(p, q) = \tfrac12 D(p \,\|\, m) + \tfrac12 D(q \,\|\, m),
        \qquad m = \tfrac12 (p + q)

    Symmetric, always finite, 0 exactly when ``p == q`` (after normalisation), and at
    most ``ln 2`` nats (1 bit), reached when the supports are disjoint. This is the
    divergence, not the distance (its square root).

    Parameters
    ----------
    p, q : torch.Tensor, shapes that broadcast to (..., K, ...)
        Probabilities, counts or unnormalised weights along ``dim`` (each divided by its
        sum after broadcasting), or logits with ``p_logits`` / ``q_logits``. Same device.
    p_logits, q_logits : bool, default False
        Read ``p`` (``q``) as logits, normalised with :func:`torch.log_softmax`.
    dim : int, default -1
        The dimension (of the broadcast shape) along which each distribution lies.
    base : float, optional
        Logarithm base: None gives nats (bound ``ln 2``), 2 gives bits (bound 1).
    validate : bool, default True
        Check the values of ``p`` and ``q`` (one GPU synchronisation); False skips that,
        for training loops.

    Returns
    -------
    torch.Tensor, broadcast shape without ``dim``
        ``0 <= JS <= ln 2`` nats up to rounding (not clipped). Dtype promoted from the
        inputs'; the inputs' device.

    Raises
    ------
    TypeError
        ``p`` or ``q`` not a tensor or complex; an option of the wrong type.
    ValueError
        Bad values (as for :func:`entropy`), shapes that do not broadcast, ``dim`` out of
        range, tensors on different devices, a bad ``base``.

    Examples
    --------
    >>> import torch
    >>> from fastit.torch.distributions import js_divergence
    >>> js_divergence(torch.tensor([1.0, 0.0]), torch.tensor([0.0, 1.0]), base=2)
    tensor(1.)
    >>> js_divergence(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([2.0, 4.0, 6.0]))
    tensor(0.)
    >>> p = torch.tensor([0.5, 0.5], dtype=torch.float64)
    >>> q = torch.tensor([0.9, 0.1], dtype=torch.float64)
    >>> round(js_divergence(p, q, base=2).item(), 6)
    0.146793
    """
    b = log_base(base)
    _flags(p_logits=p_logits, q_logits=q_logits, validate=validate)
    a, c, d = _pair(p, q, dim, p_logits, q_logits, validate)
    if not (p_logits or q_logits):
        # As in fastit.distributions: p log(p / m) = (2p) log(2p / (p + q)) / 2, whose
        # denominator cannot underflow to 0 where p or q is positive (halving q can).
        prob_p = _normalise(a, d)
        prob_q = _normalise(c, d)
        both = prob_p + prob_q
        two_p, two_q = 2 * prob_p, 2 * prob_q
        return _finish(0.25 * (_rel_entr(two_p, both) + _rel_entr(two_q, both)), d, b)
    # log(p / m) = log 2 - log(1 + q / p) = log 2 - logaddexp(log q - log p, 0): finite
    # and exact for logits of any size; log 2 where q = 0.
    prob_p, logp, pos_p = _log_parts(a, p_logits, d)
    prob_q, logq, pos_q = _log_parts(c, q_logits, d)
    zeros = torch.zeros_like(logp)
    ratio_p = _LN2 - torch.where(pos_q, torch.logaddexp(logq - logp, zeros), zeros)
    ratio_q = _LN2 - torch.where(pos_p, torch.logaddexp(logp - logq, zeros), zeros)
    return _finish(0.5 * (prob_p * ratio_p + prob_q * ratio_q), d, b)
