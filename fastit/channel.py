"""Channel capacity, water-filling and rate-distortion.

Gaussian channels in closed form (:func:`gaussian_channel_capacity`), parallel Gaussian
channels by exact water-filling (:func:`water_filling`), a linear layer ``y = W x + n``
as parallel channels through the SVD of ``W`` (:func:`layer_capacity`), the capacity of
any discrete memoryless channel by Blahut-Arimoto (:func:`channel_capacity`), and the
rate-distortion function of a discrete source by Blahut's algorithm
(:func:`rate_distortion`), with the Gaussian closed form
(:func:`gaussian_rate_distortion`).

Conventions shared by every function:

- Units are nats; ``base=2`` gives bits (any positive base other than 1 is allowed).
  Capacities are per (real) channel use; the Gaussian formulas are for real-valued
  signals, hence the ``1/2`` in ``0.5 log(1 + S/N)``.
- Iterative algorithms stop on a certified bound, not on a small change between
  iterations: the reported ``gap`` bounds the distance to the true optimum. When
  ``max_iter`` runs out first, the result says ``converged=False`` and a
  ``RuntimeWarning`` is emitted; nothing is silently passed off as converged.
- Bad input raises ``ValueError`` (unusable values) or ``TypeError`` (wrong kind of
  object) naming the argument. Nothing is clipped: a rate that rounding makes
  ``-1e-17`` is returned as computed. The only allowances are for rounding, and are
  documented where they apply (channel rows summing to 1 within ``ROW_SUM_TOL``,
  target distortions a few ulps below ``D_min``).
- Any finite magnitude works, from the subnormals to the float maximum: powers, noises
  and distortions are rescaled by powers of 2 (exactly) before the work, and ratios that
  would over- or underflow are taken from logarithms. Inputs whose work cannot fit in
  this machine's memory (a broadcast view can be far larger than its memory) are
  refused up front with a ``ValueError``.
- ``base`` below 1 is allowed (its logarithm is negative, and so are the results); the
  tolerances are in the unit of the result, whatever its sign.

References
----------
.. [1] T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed., Wiley,
   2006: sections 9.4 (parallel Gaussian channels, water-filling), 10.3 (rate distortion
   of a Gaussian source) and 10.8 (computation of channel capacity and the rate
   distortion function).
.. [2] R. E. Blahut, "Computation of channel capacity and rate-distortion functions",
   *IEEE Trans. Inf. Theory* 18(4), 460-473, 1972.
.. [3] S. Arimoto, "An algorithm for computing the capacity of arbitrary discrete
   memoryless channels", *IEEE Trans. Inf. Theory* 18(1), 14-20, 1972.
"""

from __future__ import annotations

import math
import numbers
import warnings
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.special

from ._machine import check_fits
from ._validation import (
    FloatArray,
    _to_numpy,
    as_distribution,
    check_count,
    check_flag,
    log_base,
    normalise,
)

__all__ = [
    "ROW_SUM_TOL",
    "ChannelCapacityResult",
    "LayerCapacityResult",
    "RateDistortionResult",
    "WaterFillingResult",
    "channel_capacity",
    "gaussian_channel_capacity",
    "gaussian_rate_distortion",
    "layer_capacity",
    "rate_distortion",
    "water_filling",
]

BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

#: Targets below ``D_min`` by at most this times the largest distortion count as ``D_min``
#: (rounding in how a caller computed ``D_min``); further below, no test channel exists.
_DMIN_SLACK = 1e-12

#: Most Blahut solves spent on one target distortion.
_MAX_SOLVES = 200

#: Points of the curve when neither ``betas`` nor ``distortions`` is given.
_DEFAULT_POINTS = 21

#: The test channel of a solved point that can no longer bracket a target (dropped).
_NO_CHANNEL = np.empty((0, 0))

#: Uniform share mixed into a warm start, so no reproduction symbol starts at 0.
_WARM_FLOOR = 1e-10

# Newton steps in Blahut's rate-distortion iteration (with ``accelerate``): tried after
# this many iterations, then again as soon if the gap fell 4-fold, else twice as late
# (up to the cap); only on faces of at most so many symbols, the face being the symbols
# with more than ``_NEWTON_FLOOR`` times the largest mass (or that want more).
_NEWTON_WAIT = 8
_NEWTON_MAX_WAIT = 1024
_NEWTON_MAX_SUPPORT = 200
_NEWTON_FLOOR = 1e-12

_TINY = float(np.finfo(np.float64).tiny)

#: Largest ``|row sum - 1|`` accepted in a channel matrix; rows within it are divided by
#: their sum, anything further off raises.
ROW_SUM_TOL = 1e-6

_LN2 = math.log(2.0)

# How many float64 arrays the size of the input each function holds at its peak, the
# input included (peak RSS measured on 1500 x 1500 channels and matrices, 2e6 noises,
# a 500 x 500 distortion matrix, rounded up): work that cannot fit is refused up front.
_WATER_FILLING_COPIES = 13  # sorting, volumes, scaled noises, powers, logarithms
_SVD_COPIES = 2  # LAPACK's working copy
_CAPACITY_COPIES = 5  # the normalised channel, its logarithms and their temporaries
_RATE_DISTORTION_COPIES = 18  # plus one per point asked for (its test channel)
_GAUSSIAN_COPIES = 4  # the broadcast inputs, ratios and logarithms


# --------------------------------------------------------------------------- results


@dataclass(frozen=True, eq=False)
class WaterFillingResult:
    """The optimal power allocation over parallel Gaussian channels.

    Attributes
    ----------
    power : numpy.ndarray
        Power per sub-channel, in the order the noise powers were given; sums to the
        total power (up to rounding).
    water_level : float
        The water level ``mu``: ``power[i] = max(0, mu - noise[i])``. With zero total
        power it is the smallest noise power.
    capacity : float
        ``sum_i 0.5 log(1 + power[i] / noise[i])``, in the requested unit.
    active : numpy.ndarray of bool
        The sub-channels that get power (``noise[i] < mu``).
    """

    power: FloatArray
    water_level: float
    capacity: float
    active: BoolArray


@dataclass(frozen=True, eq=False)
class LayerCapacityResult:
    """Capacity of a linear Gaussian layer ``y = W x + n`` and the power per SVD mode.

    Attributes
    ----------
    capacity : float
        Capacity per use of the layer, in the requested unit.
    power : numpy.ndarray
        Input power along each right singular vector ``v_i`` (the optimal input
        covariance is ``V diag(power) V^T``), one per singular value; sums to
        ``input_power`` when some mode is usable.
    singular_values : numpy.ndarray
        The singular values of ``W``, largest first (``min(n_out, n_in)`` of them).
    active : numpy.ndarray of bool
        The modes that get power.
    water_level : float
        The water level ``mu`` in units of effective noise ``noise_std**2 / s_i**2``
        (``power[i] = max(0, mu - noise_std**2 / s_i**2)``), rounded to a float: 0 or
        inf when it lies beyond the float range (the other fields are still exact);
        NaN when ``W`` has no usable mode.
    """

    capacity: float
    power: FloatArray
    singular_values: FloatArray
    active: BoolArray
    water_level: float


@dataclass(frozen=True, eq=False)
class ChannelCapacityResult:
    """Capacity of a discrete memoryless channel, from Blahut-Arimoto.

    Attributes
    ----------
    capacity : float
        ``I(X; Y)`` under ``input_distribution`` (a lower bound on the capacity, achieved
        by that input), in the requested unit.
    input_distribution : numpy.ndarray
        The capacity-achieving input distribution found, one entry per row of the channel.
    output_distribution : numpy.ndarray
        The output distribution it induces, one entry per column.
    upper_bound : float
        ``max_x D(p(y|x) || q(y))``, an upper bound on the capacity.
    gap : float
        ``upper_bound - capacity``: the true capacity lies within ``gap`` above
        ``capacity``.
    n_iter : int
        Blahut-Arimoto updates performed.
    converged : bool
        Whether ``gap <= tol`` was reached within ``max_iter``.
    """

    capacity: float
    input_distribution: FloatArray
    output_distribution: FloatArray
    upper_bound: float
    gap: float
    n_iter: int
    converged: bool


@dataclass(frozen=True, eq=False)
class RateDistortionResult:
    """Points ``(D, R(D))`` of a rate-distortion curve, with the test channels that reach them.

    Attributes
    ----------
    distortion : numpy.ndarray
        Distortion of each point, shape ``(n_points,)``.
    rate : numpy.ndarray
        Rate of each point, in the requested unit: the mutual information
        ``I(X; X_hat)`` of ``conditional``, so an achievable rate within ``gap`` of
        ``R(distortion)``.
    beta : numpy.ndarray
        Slope parameter of each point, in nats per unit of distortion (``0`` on the
        ``R = 0`` part, ``inf`` at the smallest distortion).
    conditional : numpy.ndarray
        The test channel ``p(x_hat | x)`` of each point, shape
        ``(n_points, n_x, n_x_hat)``, rows summing to 1. Its expected distortion is at
        most ``distortion`` (equal to it, up to rounding, below ``D_max``).
    gap : numpy.ndarray
        Certified bound: ``rate - R(distortion) <= gap``, in the requested unit.
    n_iter : numpy.ndarray
        Blahut iterations spent on each point.
    converged : numpy.ndarray of bool
        Whether ``gap <= tol`` was reached for each point.
    """

    distortion: FloatArray
    rate: FloatArray
    beta: FloatArray
    conditional: FloatArray
    gap: FloatArray
    n_iter: IntArray
    converged: BoolArray


# --------------------------------------------------------------------------- validation


def _real_array(
    a: Any, name: str, what: str, *, copies: int = 2, fix: str = "a smaller array"
) -> FloatArray:
    """Real numbers as a float64 array (a copy when converted); NaN raises. Refused before
    any pass over it when ``copies`` arrays of its size cannot fit in memory (a broadcast
    view can be far larger than the memory that backs it)."""
    if a is None:
        raise TypeError(f"{name} is None; pass {what}")
    arr = _to_numpy(a, name)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} has dtype {arr.dtype}; pass {what} as real numbers")
    _check_fits(arr.size, copies, name, fix)
    out = np.asarray(arr, dtype=np.float64)
    if np.isnan(out).any():
        raise ValueError(f"{name} contains NaN; pass {what}")
    return out


def _finite(a: FloatArray, name: str, what: str) -> None:
    if not np.isfinite(a).all():
        raise ValueError(f"{name} contains infinite values; pass finite {what}")


def _real_scalar(value: Any, name: str, *, positive: bool, hint: str) -> float:
    """A finite real number, > 0 (``positive``) or >= 0."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    out = float(value)
    if math.isnan(out) or math.isinf(out):
        raise ValueError(f"{name} must be finite, got {value}; {hint}")
    if positive and out <= 0:
        raise ValueError(f"{name} must be positive, got {value}; {hint}")
    if out < 0:
        raise ValueError(f"{name} must be non-negative, got {value}; {hint}")
    return out


def _check_fits(size: int, copies: int, name: str, fix: str) -> None:
    """Refuse up front work that holds ``copies`` float64 arrays of ``size`` entries."""
    what = f"{name} has {size} entries, and the computation on about {copies} arrays of that size"
    check_fits(8 * size * copies, what, f"pass {fix}")


def _check_tol(tol: Any) -> float:
    return _real_scalar(tol, "tol", positive=True, hint="pass a small positive number")


def _scalar_or_array(a: FloatArray) -> Any:
    if a.ndim == 0:
        return float(a)
    return a


# --------------------------------------------------------------------------- helpers


def _half_log1p_ratio(s: FloatArray, n: FloatArray, log_n: FloatArray | None = None) -> FloatArray:
    """``0.5 log(1 + s / n)`` for ``s >= 0``, ``n >= 0``, finite where ``s / n`` overflows.

    The ratio is taken with ``n`` scaled to [0.5, 1) by a power of 2 (exact, so a
    subnormal ``n`` keeps every bit); where it still overflows, ``log(1 + s/n)`` is
    ``log s - log n`` to double precision, with ``log n`` from ``log_n`` (default
    ``log(n)``; pass it where ``n`` has underflowed in scaled units). ``s = 0`` gives 0.
    """
    shape = s.shape
    s, n = np.atleast_1d(s), np.atleast_1d(n)
    out = np.zeros(s.shape)
    on = s > 0
    shift = -np.frexp(n[on])[1]
    with np.errstate(over="ignore", divide="ignore"):
        ratio = np.ldexp(s[on], shift) / np.ldexp(n[on], shift)
    big = np.isinf(ratio)
    values = 0.5 * np.log1p(np.where(big, 0.0, ratio))
    if big.any():
        logs = np.log(n[on][big]) if log_n is None else np.atleast_1d(log_n)[on][big]
        values[big] = 0.5 * (np.log(s[on][big]) - logs)
    out[on] = values
    return out.reshape(shape)


def _water_fill(noise: FloatArray, total: float) -> tuple[FloatArray, float, BoolArray]:
    """Exact water-filling: powers, water level and active set (noise > 0, finite).

    The water volume below level ``n_(k)`` (noise sorted ascending) is
    ``f_k = sum_{i<k} (n_(k) - n_(i))``, built as a cumulative sum of non-negative terms
    ``k (n_(k+1) - n_(k))`` (no cancellation). The active set is the ``k`` lowest
    channels with ``f_k < P``; then ``mu = n_(k) + (P - f_k) / k`` and each active power is
    ``(n_(k) - n_(i)) + (P - f_k) / k``, which keeps powers far below ``mu`` exact.
    """
    order = np.argsort(noise, kind="stable")
    ns = noise[order]
    m = ns.shape[0]
    with np.errstate(over="ignore"):
        volume = np.concatenate(([0.0], np.cumsum(np.arange(1, m) * np.diff(ns))))
    k = int(np.searchsorted(volume, total, side="left"))  # number of levels below P
    sorted_power = np.zeros(m)
    if k == 0:  # no power to pour: the level sits at the lowest noise
        mu = float(ns[0])
    else:
        top = ns[k - 1]
        extra = (total - volume[k - 1]) / k
        mu = float(top + extra)
        sorted_power[:k] = (top - ns[:k]) + extra
    power = np.empty(m)
    power[order] = sorted_power
    active = np.zeros(m, dtype=bool)
    active[order[:k]] = True
    return power, mu, active


def _exponent(value: float) -> int:
    """``e`` with ``value = m 2**e``, ``0.5 <= m < 1`` (``value > 0``)."""
    return int(np.frexp(value)[1])


#: Scaled units (powers of 2, so scaling is exact) put the largest quantity that matters
#: near ``2**_SCALE``: far from overflow, and its products with probabilities or shares
#: down to the smallest subnormal stay normal numbers.
_SCALE = 512


def _water_fill_exact(
    mantissa: FloatArray, k: IntArray, log_noise: FloatArray, total: float
) -> tuple[FloatArray, float, BoolArray, float]:
    """Water-filling of the noises ``mantissa * 2**k`` (``k`` integers, so a noise beyond
    the floats is fine) with budget ``total``: powers, water level (rounded to a float),
    active set and capacity in nats; ``log_noise`` holds the noises' logarithms.

    The fill runs in units where the larger of the budget and the smallest noise is
    ``2**_SCALE``: water-filling is scale-free, so nothing changes but the rounding, and
    no power or active noise is lost to the subnormals. Noises that overflow there lie
    far above the water level (at most twice that unit) and get nothing. A budget that
    underflows there (below 2**-1074 of the smallest noise) goes to the channels tied at
    the smallest noise, each adding ``0.5 log(1 + p/n) < 2**-1075``: 0.
    """
    lowest = int(np.argmin(log_noise))
    smallest = _exponent(float(mantissa[lowest])) + int(k[lowest])
    e = (max(_exponent(total), smallest) if total > 0 else smallest) - _SCALE
    with np.errstate(over="ignore"):
        noise = np.ldexp(mantissa, k - e)
        budget = math.ldexp(total, -e)
        if total > 0 and budget == 0:
            active = noise == noise.min()
            power = np.where(active, total / int(active.sum()), 0.0)
            return power, float(np.ldexp(noise.min(), e)), active, 0.0
        power = np.zeros(noise.shape)
        active = np.zeros(noise.shape, dtype=bool)
        fill = np.isfinite(noise)
        p_fill, mu, act_fill = _water_fill(noise[fill], budget)
        power[fill] = p_fill
        active[fill] = act_fill
        capacity = float(np.sum(_half_log1p_ratio(power, noise, log_noise - e * _LN2)))
        return np.ldexp(power, e), float(np.ldexp(mu, e)), active, capacity


def _mutual_info(p: FloatArray, cond: FloatArray) -> float:
    """``I(X; Y)`` in nats for ``p(x)`` and rows ``p(y|x)``, over the nonzero cells."""
    joint = p[:, None] * cond
    q = joint.sum(axis=0)
    pos = joint > 0
    cols = np.broadcast_to(q, cond.shape)[pos]
    rows = cond[pos]
    with np.errstate(over="ignore"):
        ratio = rows / cols
    # a ratio that overflows or underflows (q(x_hat) or p(x_hat|x) near the subnormals):
    # from the logarithms instead, which are finite
    exact = np.isfinite(ratio) & (ratio >= _TINY)
    logs = np.log(np.where(exact, ratio, 1.0))
    logs[~exact] = np.log(rows[~exact]) - np.log(cols[~exact])
    return float(np.sum(joint[pos] * logs) + 0.0)


def _log_normalise(log_w: FloatArray) -> FloatArray:
    """Logarithms of weights made into log-probabilities (``-inf`` entries stay)."""
    shifted = log_w - log_w.max()
    out: FloatArray = shifted - math.log(float(np.sum(np.exp(shifted))))
    return out


# Step-size acceleration of the Blahut-Arimoto iterations: the first longer step tried,
# its growth after a step is kept, its shrinkage after one is refused, and its cap.
_STEP_MIN = 2.0
_STEP_GROW = 1.5
_STEP_SHRINK = 0.7
_STEP_MAX = 2.0**30


def _face_newton_step(hess: FloatArray, rhs: FloatArray) -> FloatArray | None:
    """Newton step on a face of the simplex: ``hess delta + nu 1 = rhs``, ``sum delta = 0``.

    ``rhs`` is minus the gradient of the convex objective on the face and ``hess`` its
    Hessian (positive semi-definite; a ridge of 1e-12 of its mean diagonal handles
    flat directions). None when the system cannot be solved.
    """
    n = rhs.size
    kkt = np.zeros((n + 1, n + 1))
    kkt[:n, :n] = hess
    kkt[np.diag_indices(n)] += 1e-12 * float(np.trace(hess)) / n
    kkt[:n, n] = kkt[n, :n] = 1.0
    try:
        step: FloatArray = np.linalg.solve(kkt, np.concatenate([rhs, [0.0]]))[:n]
    except np.linalg.LinAlgError:
        return None
    return step if np.isfinite(step).all() else None


def _longest_step(values: FloatArray, step: FloatArray) -> float:
    """The largest ``t <= 1`` with ``values + t step >= 0``."""
    shrink = step < 0
    return min(1.0, float(np.min(values[shrink] / -step[shrink]))) if shrink.any() else 1.0


class _NewtonSchedule:
    """When to try a Newton step inside a first-order iteration.

    First after ``_NEWTON_WAIT`` iterations; after a step that cut the gap 4-fold, as
    soon again; otherwise (no step, or little gain) twice as late, up to
    ``_NEWTON_MAX_WAIT``. So a problem where Newton does not pay costs it little.
    """

    def __init__(self) -> None:
        self.wait = self.countdown = _NEWTON_WAIT
        self.gap_before = math.nan

    def due(self) -> bool:
        self.countdown -= 1
        if self.countdown > 0:
            return False
        self.wait = min(2 * self.wait, _NEWTON_MAX_WAIT)  # unless it pays, see record
        self.countdown = self.wait
        return True

    def took(self, gap: float) -> None:
        self.gap_before = gap

    def record(self, gap: float) -> None:
        if not math.isnan(self.gap_before):
            if gap <= 0.25 * self.gap_before:
                self.wait = self.countdown = _NEWTON_WAIT
            self.gap_before = math.nan


def _blahut_arimoto(
    ch: FloatArray, r0: FloatArray, tol: float, max_iter: int, accelerate: bool
) -> tuple[FloatArray, FloatArray, float, float, int, bool]:
    """Blahut-Arimoto on a row-stochastic ``ch`` from ``r0 > 0``.

    Returns ``(r, q, lower, upper, n_iter, converged)``, bounds in nats. The input
    distribution is kept as logarithms, so an input whose probability becomes tiny is
    never lost to underflow (an input at exactly 0 could never come back).

    With ``accelerate``, the step ``r e^{lam D}`` (Blahut-Arimoto's is ``lam = 1``) of
    Matz and Duhamel is tried with a growing ``lam`` and kept only when it reaches
    ``log sum_x r(x) e^{D_x}``, the value Blahut-Arimoto's own step is guaranteed to
    reach (Arimoto's bound); otherwise the plain step is taken. Now and then (see
    :class:`_NewtonSchedule`) a Newton step on the face of the inputs with mass is
    tried and kept if ``I`` rises. Any ``r`` gives valid bounds, so the stopping rule
    and its certificate do not depend on how ``r`` was reached.
    """
    pos = ch > 0
    log_ch = np.log(np.where(pos, ch, 1.0))
    neg_cond_entropy = np.sum(ch * log_ch, axis=1)  # sum_y p(y|x) log p(y|x)
    reachable = pos.any(axis=0)

    def state(log_r: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, float]:
        log_r = _log_normalise(log_r)
        r = np.exp(log_r)
        q = r @ ch
        log_q = np.log(np.where(q > 0, q, 1.0))
        # an output reached only from inputs whose probability underflows: its log q(y)
        # from the logarithms (a wrong log q would make the upper bound a false one)
        lost = np.flatnonzero((q < _TINY) & reachable)
        if lost.size:
            terms = np.where(pos[:, lost], log_ch[:, lost], -np.inf) + log_r[:, None]
            log_q[lost] = scipy.special.logsumexp(terms, axis=0)
        div = neg_cond_entropy - ch @ log_q  # D(p(y|x) || q) per input x
        return log_r, r, q, div, float(r @ div)

    def newton() -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, float] | None:
        """A Newton step for ``max I(r)`` on the inputs with (or wanting) mass.

        Gradient ``D_x`` (up to a constant), Hessian of ``-I``:
        ``sum_y p(y|x) p(y|x') / q(y)``. Kept only if ``I`` rises; see ``_RDProblem._newton``.
        """
        face = np.flatnonzero((r > _NEWTON_FLOOR * r.max()) | (div > lower))
        if not 2 <= face.size <= _NEWTON_MAX_SUPPORT:
            return None
        used = q > 0
        rows = ch[face][:, used]
        step = _face_newton_step(rows @ (rows / q[used]).T, div[face])
        if step is None:
            return None
        rf = r[face]
        floor = np.maximum(1e-20 * rf, _TINY)  # kept positive, so it can come back
        t = _longest_step(rf, step)
        for _ in range(20):
            log_try = log_r.copy()
            log_try[face] = np.log(np.maximum(rf + t * step, floor))
            trial = state(log_try)
            if trial[4] > lower:
                return trial
            t *= 0.5
        return None

    log_r, r, q, div, lower = state(np.log(r0))
    lam = _STEP_MIN
    schedule = _NewtonSchedule()
    it = 0
    while True:
        upper = float(div.max())
        schedule.record(upper - lower)
        if upper - lower <= tol:
            return r, q, lower, upper, it, True
        if it == max_iter:
            return r, q, lower, upper, it, False
        it += 1
        if accelerate and schedule.due():
            polished = newton()
            if polished is not None:
                schedule.took(upper - lower)
                log_r, r, q, div, lower = polished
                continue
        if accelerate:
            guaranteed = upper + math.log(float(r @ np.exp(div - upper)))
            trial = state(log_r + lam * div)
            if trial[4] >= guaranteed:
                log_r, r, q, div, lower = trial
                lam = min(lam * _STEP_GROW, _STEP_MAX)
                continue
            lam = max(_STEP_MIN, lam * _STEP_SHRINK)
        log_r, r, q, div, lower = state(log_r + div)


# --------------------------------------------------------------------------- Gaussian


def gaussian_channel_capacity(
    signal_power: Any, noise_power: Any, *, base: float | None = None
) -> Any:
    r"""Capacity of the real additive white Gaussian noise channel, per channel use.

    .. math::

        C = \tfrac12 \log\left(1 + \frac{S}{N}\right)

    for a real input with power (second moment) at most ``S`` and Gaussian noise of
    variance ``N`` [1]_. Computed with ``log1p``, so small SNRs keep full precision, and
    without overflow for SNRs beyond the float range.

    Parameters
    ----------
    signal_power : float or array_like
        Input power constraint ``S >= 0``.
    noise_power : float or array_like
        Noise variance ``N > 0``; broadcast against ``signal_power``.
    base : float, optional
        Logarithm base: None gives nats, 2 gives bits.

    Returns
    -------
    float or numpy.ndarray
        A float when both inputs are scalars, otherwise an array of the broadcast shape.

    Raises
    ------
    ValueError
        Negative or non-finite ``signal_power``; zero, negative or non-finite
        ``noise_power`` (noise-free channels have infinite capacity); shapes that do not
        broadcast; a bad ``base``.
    TypeError
        Non-numeric input.

    Notes
    -----
    This is the real channel. A complex (baseband) channel carries two real ones and
    has capacity ``log(1 + S/N)``, with no ``1/2``; mixing the two is a common mistake.

    References
    ----------
    .. [1] T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed.,
       Wiley, 2006, section 9.1.

    Examples
    --------
    >>> from fastit.channel import gaussian_channel_capacity
    >>> gaussian_channel_capacity(3.0, 1.0, base=2)  # 0.5 log2(4)
    1.0
    >>> gaussian_channel_capacity([0.0, 1.0, 15.0], 1.0, base=2).tolist()
    [0.0, 0.5, 2.0]
    """
    b = log_base(base)
    s = _real_array(signal_power, "signal_power", "the signal power (a number >= 0)")
    n = _real_array(noise_power, "noise_power", "the noise power (a number > 0)")
    _finite(s, "signal_power", "powers")
    _finite(n, "noise_power", "powers")
    if (s < 0).any():
        raise ValueError(
            f"signal_power has negative entries (smallest {float(s.min())!r}); powers must be >= 0"
        )
    if (n <= 0).any():
        raise ValueError(
            f"noise_power must be positive, got {float(n.min())!r}; a noise-free Gaussian channel "
            "has infinite capacity"
        )
    try:
        s_b, n_b = np.broadcast_arrays(s, n)
    except ValueError as err:
        raise ValueError(
            f"signal_power has shape {s.shape} and noise_power has shape {n.shape}, which "
            "do not broadcast; pass arrays of compatible shapes"
        ) from err
    _check_fits(s_b.size, _GAUSSIAN_COPIES, "signal_power and noise_power", "smaller arrays")
    out = _half_log1p_ratio(np.array(s_b), np.array(n_b)) / b
    return _scalar_or_array(out)


def gaussian_rate_distortion(variance: Any, distortion: Any, *, base: float | None = None) -> Any:
    r"""Rate-distortion function of a Gaussian source under squared error.

    .. math::

        R(D) = \max\left(0, \tfrac12 \log \frac{\sigma^2}{D}\right)

    the fewest nats per sample that describe an ``N(mu, sigma^2)`` source with mean
    squared error at most ``D`` [1]_.

    Parameters
    ----------
    variance : float or array_like
        Source variance ``sigma^2 >= 0``.
    distortion : float or array_like
        Allowed mean squared error ``D >= 0``; broadcast against ``variance``.
    base : float, optional
        Logarithm base: None gives nats, 2 gives bits.

    Returns
    -------
    float or numpy.ndarray
        ``R(D)``: 0 for ``D >= sigma^2``, ``inf`` for ``D = 0 < sigma^2`` (a continuous
        source cannot be described exactly at a finite rate).

    Raises
    ------
    ValueError
        Negative or non-finite inputs, shapes that do not broadcast, or a bad ``base``.
    TypeError
        Non-numeric input.

    References
    ----------
    .. [1] T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed.,
       Wiley, 2006, theorem 10.3.2.

    Examples
    --------
    >>> from fastit.channel import gaussian_rate_distortion
    >>> gaussian_rate_distortion(1.0, 0.25, base=2)  # each bit quarters the error
    1.0
    >>> gaussian_rate_distortion(1.0, [0.0625, 1.0, 2.0], base=2).tolist()
    [2.0, 0.0, 0.0]
    """
    b = log_base(base)
    v = _real_array(variance, "variance", "the source variance (a number >= 0)")
    d = _real_array(distortion, "distortion", "the allowed mean squared error (a number >= 0)")
    _finite(v, "variance", "variances")
    _finite(d, "distortion", "distortions")
    if (v < 0).any():
        raise ValueError(f"variance has negative entries (smallest {float(v.min())!r}); pass >= 0")
    if (d < 0).any():
        raise ValueError(
            f"distortion has negative entries (smallest {float(d.min())!r}); a mean squared "
            "error is >= 0"
        )
    try:
        v_b, d_b = np.broadcast_arrays(v, d)
    except ValueError as err:
        raise ValueError(
            f"variance has shape {v.shape} and distortion has shape {d.shape}, which do "
            "not broadcast; pass arrays of compatible shapes"
        ) from err
    _check_fits(v_b.size, _GAUSSIAN_COPIES, "variance and distortion", "smaller arrays")
    out = np.zeros(v_b.shape)
    below = d_b < v_b  # R > 0 only here
    vv, dd = v_b[below], d_b[below]
    with np.errstate(divide="ignore", over="ignore"):
        ratio = vv / dd
        r = 0.5 * np.log(ratio)
    big = np.isinf(ratio) & (dd > 0)  # overflowed ratio, not D = 0
    r[big] = 0.5 * (np.log(vv[big]) - np.log(dd[big]))
    out[below] = r
    return _scalar_or_array(out / b)


# --------------------------------------------------------------------------- water-filling


def water_filling(
    noise_powers: Any, total_power: Any, *, base: float | None = None
) -> WaterFillingResult:
    r"""Optimal power allocation over parallel real Gaussian channels (water-filling).

    Maximises :math:`\sum_i \tfrac12 \log(1 + p_i / n_i)` subject to
    :math:`\sum_i p_i = P`, :math:`p_i \ge 0`. The optimum (the KKT conditions of this
    concave problem, [1]_) is

    .. math::

        p_i = \max(0, \mu - n_i), \qquad \sum_i \max(0, \mu - n_i) = P,

    so channels with noise below the water level ``mu`` are active and the others get
    nothing. The solution is exact, not iterative: sort the noise powers, find the
    number ``k`` of active channels in closed form from the water volume below each
    noise level, then ``mu = (P + sum_{i<=k} n_(i)) / k``. Equal noise levels, zero total
    power and powers from subnormal to near the float maximum are handled.

    Parameters
    ----------
    noise_powers : array_like
        Noise variance of each sub-channel, shape ``(n,)``, each finite and ``> 0``.
    total_power : float
        Total power budget ``P >= 0`` (finite).
    base : float, optional
        Logarithm base of the capacity: None gives nats, 2 gives bits.

    Returns
    -------
    WaterFillingResult
        ``power`` (per sub-channel, input order), ``water_level`` (``mu``),
        ``capacity`` and ``active``.

    Raises
    ------
    ValueError
        ``noise_powers`` not 1-D, empty, with NaN, infinite, zero or negative entries;
        ``total_power`` negative or not finite; a bad ``base``; more sub-channels than
        fit in memory.
    TypeError
        Non-numeric input.

    Notes
    -----
    Rounding: the powers sum to ``P`` and satisfy ``p_i = max(0, mu - n_i)`` to within a
    few ulps of ``mu``; ``active`` comes from the algorithm, not from comparing rounded
    numbers, so a channel with a tiny power whose ``mu - n_i`` rounds to 0 still reads
    as active.

    *Summing* ``0.5 log(1 + s_i^2 / sigma^2)`` *over singular values is not
    water-filling.* That tutorial formula, for a channel ``y = W x + n``, is the rate of
    a white input with unit power in every mode: it spends ``rank(W)`` units of power
    whatever the budget (the result does not even depend on it), it splits the power
    equally instead of moving it from weak modes into strong ones, and it counts modes
    whose effective noise ``sigma^2 / s_i^2`` lies above the water level, which
    water-filling switches off. With the same budget it is never more, and usually
    less, than the water-filling capacity; see :func:`layer_capacity`.

    References
    ----------
    .. [1] T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed.,
       Wiley, 2006, section 9.4.

    Examples
    --------
    >>> from fastit.channel import water_filling
    >>> res = water_filling([1.0, 2.0, 4.0], 2.0)
    >>> res.power.tolist(), res.water_level  # the noisiest channel stays dry
    ([1.5, 0.5, 0.0], 2.5)
    >>> res.active.tolist()
    [True, True, False]
    >>> round(res.capacity, 6)  # 0.5 ln 2.5 + 0.5 ln 1.25
    0.569717
    """
    b = log_base(base)
    noise = _real_array(
        noise_powers,
        "noise_powers",
        "one noise power (> 0) per sub-channel",
        copies=_WATER_FILLING_COPIES,
        fix="fewer sub-channels",
    )
    if noise.ndim != 1:
        raise ValueError(
            f"noise_powers has shape {noise.shape}; pass a 1-D array, one noise power per "
            "sub-channel"
        )
    if noise.shape[0] == 0:
        raise ValueError("noise_powers is empty; pass at least one sub-channel")
    _finite(noise, "noise_powers", "noise powers")
    if (noise <= 0).any():
        raise ValueError(
            f"noise_powers must be positive, got {float(noise.min())!r}; a noise-free sub-channel "
            "has infinite capacity"
        )
    total = _real_scalar(
        total_power, "total_power", positive=False, hint="pass the power budget (>= 0)"
    )
    mantissa, k = np.frexp(noise)
    power, mu, active, capacity = _water_fill_exact(
        mantissa, k.astype(np.int64), np.log(noise), total
    )
    return WaterFillingResult(power=power, water_level=mu, capacity=capacity / b, active=active)


def layer_capacity(
    weight: Any,
    *,
    noise_std: Any,
    input_power: Any,
    rtol: float | None = None,
    base: float | None = None,
) -> LayerCapacityResult:
    r"""Capacity of a linear Gaussian layer ``y = W x + n`` under a total input power budget.

    With ``n ~ N(0, noise_std^2 I)`` and ``E ||x||^2 <= input_power``, the SVD
    ``W = U diag(s) V^T`` turns the layer into parallel channels
    ``y~_i = s_i x~_i + n~_i`` (``x~ = V^T x``, ``y~ = U^T y``; ``U`` and ``V`` are
    orthogonal so neither the noise nor the power changes). Mode ``i`` has gain
    ``s_i^2 / noise_std^2``, i.e. effective noise ``noise_std^2 / s_i^2``, and the
    capacity is :func:`water_filling` over the modes with nonzero singular values [1]_:

    .. math::

        C = \sum_i \tfrac12 \log\left(1 + \frac{p_i s_i^2}{\sigma^2}\right), \qquad
        p_i = \max\left(0, \mu - \frac{\sigma^2}{s_i^2}\right), \quad \sum_i p_i = P.

    Parameters
    ----------
    weight : array_like
        The matrix ``W`` of shape ``(n_out, n_in)``, the layout of
        ``torch.nn.Linear.weight`` (``y = W x``); NumPy arrays, nested lists and torch
        tensors (moved to the CPU) are accepted. Real, finite, not empty.
    noise_std : float
        Standard deviation of the noise on each output, ``> 0``.
    input_power : float
        Budget ``P >= 0`` for ``E ||x||^2`` (the sum over input coordinates).
    rtol : float, optional
        Singular values ``<= rtol * s_max`` count as zero (no channel). None uses
        ``max(n_out, n_in) * eps``, the tolerance of :func:`numpy.linalg.matrix_rank`,
        so a rank-deficient ``W`` is not given channels made of rounding error; 0 keeps
        every mode with ``s_i > 0``.
    base : float, optional
        Logarithm base: None gives nats, 2 gives bits.

    Returns
    -------
    LayerCapacityResult
        ``capacity``, ``power`` per mode, ``singular_values`` (largest first),
        ``active`` modes and the ``water_level``. A ``W`` with no usable mode (all zero)
        has capacity 0, zero powers and a NaN water level.

    Raises
    ------
    ValueError
        ``weight`` not 2-D, empty, or with NaN or infinite entries; ``noise_std`` not
        positive and finite; ``input_power`` negative or not finite; ``rtol`` negative;
        a bad ``base``; a ``weight`` too large for its SVD to fit in memory.
    TypeError
        Non-numeric or complex ``weight``, or scalars of the wrong type.

    Notes
    -----
    The often-quoted ``sum_i 0.5 log(1 + s_i^2 / noise_std^2)`` is *not* this capacity:
    it is the rate of a white input with unit power per mode, ignores ``input_power``,
    and spends power on weak modes that water-filling leaves off. For
    ``W = diag(3, 1, 0.1)``, ``noise_std = 1`` it gives 1.503 nats whatever the budget;
    the capacity is 1.153 nats at ``input_power = 1`` and 1.819 nats at
    ``input_power = 3`` (the power the formula implicitly spends), where water-filling
    puts no power in the third mode. See :func:`water_filling`.

    References
    ----------
    .. [1] T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed.,
       Wiley, 2006, sections 9.4-9.5.

    Examples
    --------
    >>> import numpy as np
    >>> from fastit.channel import layer_capacity
    >>> res = layer_capacity(np.diag([3.0, 1.0, 0.1]), noise_std=1.0, input_power=3.0)
    >>> round(res.capacity, 4), res.active.tolist()
    (1.8192, [True, True, False])
    >>> res.power.round(4).tolist()
    [1.9444, 1.0556, 0.0]
    """
    b = log_base(base)
    w = _real_array(
        weight,
        "weight",
        "the weight matrix W of shape (n_out, n_in)",
        copies=_SVD_COPIES,
        fix="a smaller matrix",
    )
    if w.ndim != 2:
        raise ValueError(
            f"weight has shape {w.shape}; pass a 2-D matrix of shape (n_out, n_in), as "
            "torch.nn.Linear.weight (y = W x)"
        )
    if w.size == 0:
        raise ValueError(f"weight is empty (shape {w.shape}); pass a non-empty matrix")
    _finite(w, "weight", "weights")
    sigma = _real_scalar(
        noise_std, "noise_std", positive=True, hint="pass the noise standard deviation (> 0)"
    )
    total = _real_scalar(
        input_power, "input_power", positive=False, hint="pass the power budget (>= 0)"
    )
    if rtol is None:
        rel = max(w.shape) * float(np.finfo(np.float64).eps)
    else:
        rel = _real_scalar(rtol, "rtol", positive=False, hint="pass a small number >= 0")
    s: FloatArray = np.asarray(np.linalg.svd(w, compute_uv=False), dtype=np.float64)
    power = np.zeros(s.shape)
    active = np.zeros(s.shape, dtype=bool)
    usable = s > rel * s[0] if s[0] > 0 else np.zeros(s.shape, dtype=bool)
    if not usable.any():
        return LayerCapacityResult(0.0, power, s, active, math.nan)
    # The effective noise (noise_std / s_i)**2 = m_i 2**k_i, with m_i the squared ratio of
    # the mantissas and k_i an integer: exact, and never over- or underflowing.
    m_sigma, e_sigma = np.frexp(sigma)
    m_s, e_s = np.frexp(s[usable])
    log_noise = 2.0 * (math.log(sigma) - np.log(s[usable]))
    p_used, mu, act_used, capacity = _water_fill_exact(
        (m_sigma / m_s) ** 2, 2 * (int(e_sigma) - e_s.astype(np.int64)), log_noise, total
    )
    power[usable] = p_used
    active[usable] = act_used
    return LayerCapacityResult(capacity / b, power, s, active, mu)


# --------------------------------------------------------------------------- Blahut-Arimoto


def _channel_matrix(p_y_given_x: Any) -> FloatArray:
    name = "p_y_given_x"
    what = "a row-stochastic matrix p(y|x) (rows: inputs x, columns: outputs y)"
    ch = _real_array(p_y_given_x, name, what, copies=_CAPACITY_COPIES, fix="a smaller channel")
    if ch.ndim != 2:
        raise ValueError(f"{name} has shape {ch.shape}; pass {what}")
    if ch.size == 0:
        raise ValueError(f"{name} is empty (shape {ch.shape}); pass {what}")
    _finite(ch, name, "probabilities")
    if (ch < 0).any():
        raise ValueError(
            f"{name} has negative entries (smallest {float(ch.min())!r}); probabilities "
            "must be >= 0"
        )
    sums = ch.sum(axis=1)
    bad = np.abs(sums - 1.0) > ROW_SUM_TOL
    if bad.any():
        i = int(np.argmax(bad))
        hint = "divide each row by its sum"
        col_sums = ch.sum(axis=0)
        if np.all(np.abs(col_sums - 1.0) <= ROW_SUM_TOL):
            hint = "its columns sum to 1: pass the transpose (rows must be the inputs x)"
        raise ValueError(
            f"{name} row {i} sums to {float(sums[i])!r} ({int(bad.sum())} row(s) do not sum to 1 "
            f"within {ROW_SUM_TOL:g}); each row is p(y|x) for one input x: {hint}"
        )
    out: FloatArray = ch / sums[:, None]
    return out


def channel_capacity(
    p_y_given_x: Any,
    *,
    tol: float = 1e-9,
    max_iter: int = 10000,
    initial: Any = None,
    accelerate: bool = True,
    base: float | None = None,
) -> ChannelCapacityResult:
    r"""Capacity of a discrete memoryless channel by the Blahut-Arimoto algorithm.

    .. math::

        C = \max_{p(x)} I(X; Y)

    Each step sets ``q(y) = sum_x p(x) p(y|x)``, ``D_x = D(p(y|x) || q(y))`` and updates
    ``p(x) <- p(x) exp(D_x) / sum``. For every ``p(x)`` [2]_ [3]_

    .. math::

        I(p; \text{channel}) = \sum_x p(x) D_x \;\le\; C \;\le\; \max_x D_x,

    and the iteration stops when the gap between the two bounds is at most ``tol``, so
    the result is within ``tol`` of the capacity (a rule on the change between steps,
    as in many tutorials, certifies nothing).

    Parameters
    ----------
    p_y_given_x : array_like
        Channel matrix of shape ``(n_x, n_y)``: row ``x`` is the distribution of the
        output given input ``x``. Rows must sum to 1 within ``ROW_SUM_TOL`` (1e-6) and
        are then divided by their sums; entries must be finite and ``>= 0``.
    tol : float, default 1e-9
        Stop when ``upper_bound - capacity <= tol``, in the unit of the result.
    max_iter : int, default 10000
        Most updates; when reached first, the result has ``converged=False`` and a
        ``RuntimeWarning`` is emitted.
    initial : array_like, optional
        Starting input distribution, shape ``(n_x,)``, every entry ``> 0`` (an input
        started at 0 stays at 0); normalised by its sum. Default uniform. Any interior
        start converges to the capacity.
    accelerate : bool, default True
        Try longer steps ``p(x) exp(lam D_x)`` (Matz and Duhamel [4]_), each kept only
        when it reaches the value Blahut-Arimoto's own step is guaranteed to reach
        (Arimoto's bound ``log sum_x p(x) exp(D_x)``), else the plain step is taken;
        and, now and then, a Newton step for ``max I`` on the inputs that carry mass
        (at most 200 of them), kept only when ``I`` rises. The stopping rule and the
        certified gap are the same; False gives the textbook iteration.
    base : float, optional
        Logarithm base: None gives nats, 2 gives bits.

    Returns
    -------
    ChannelCapacityResult
        ``capacity``, ``input_distribution``, ``output_distribution``, ``upper_bound``,
        ``gap``, ``n_iter`` and ``converged``.

    Raises
    ------
    ValueError
        ``p_y_given_x`` not 2-D, empty, with NaN, infinite or negative entries, or with
        rows not summing to 1; ``initial`` of the wrong length or with zero entries;
        ``tol`` not positive; ``max_iter < 1``; a bad ``base``.
    TypeError
        Non-numeric input, or parameters of the wrong type.

    Warns
    -----
    RuntimeWarning
        When ``max_iter`` updates do not bring the gap to ``tol``.

    Notes
    -----
    The input distribution is iterated as logarithms, so an input whose probability
    becomes tiny can still come back, and the upper bound stays a true one when some
    probabilities underflow. The textbook iteration is fast when the optimal input is
    unique with clear margins and crawls on channels with nearly identical rows or
    inputs whose divergence ``D_x`` stays just below ``C`` (tens of thousands of steps
    for 1e-9); the accelerated one (the default) needs a few hundred at most on such
    small channels. Past 200 inputs carrying mass the Newton steps are skipped.

    References
    ----------
    .. [2] R. E. Blahut, "Computation of channel capacity and rate-distortion
       functions", *IEEE Trans. Inf. Theory* 18(4), 460-473, 1972.
    .. [3] S. Arimoto, "An algorithm for computing the capacity of arbitrary discrete
       memoryless channels", *IEEE Trans. Inf. Theory* 18(1), 14-20, 1972.
    .. [4] G. Matz and P. Duhamel, "Information geometric formulation and interpretation
       of accelerated Blahut-Arimoto-type algorithms", *Proc. IEEE Information Theory
       Workshop*, 66-70, 2004.

    Examples
    --------
    >>> from fastit.channel import channel_capacity
    >>> bsc = [[0.9, 0.1], [0.1, 0.9]]  # binary symmetric, crossover 0.1
    >>> round(channel_capacity(bsc, base=2).capacity, 6)  # 1 - H_b(0.1)
    0.531004
    >>> bec = [[0.8, 0.2, 0.0], [0.0, 0.2, 0.8]]  # binary erasure, erasure 0.2
    >>> res = channel_capacity(bec, base=2)
    >>> round(res.capacity, 6), res.input_distribution.tolist()
    (0.8, [0.5, 0.5])
    """
    b = log_base(base)
    ch = _channel_matrix(p_y_given_x)
    tol_nats = _check_tol(tol) * abs(b)  # (a base below 1 has a negative logarithm)
    n_max = check_count(max_iter, "max_iter")
    accelerate = check_flag(accelerate, "accelerate")
    m = ch.shape[0]
    if initial is None:
        r = np.full(m, 1.0 / m)
    else:
        _check_fits(np.size(_to_numpy(initial, "initial")), 2, "initial", f"shape ({m},)")
        r0 = as_distribution(initial, "initial")
        if r0.shape != (m,):
            raise ValueError(
                f"initial has shape {r0.shape}; pass one probability per input, shape ({m},)"
            )
        if (r0 == 0).any():
            raise ValueError(
                "initial has zero entries; pass a strictly positive start (an input started "
                "at probability 0 stays at 0 under Blahut-Arimoto)"
            )
        r = normalise(r0, "initial", None)
    r, q, lower, upper, it, converged = _blahut_arimoto(ch, r, tol_nats, n_max, accelerate)
    gap = upper - lower
    if not converged:
        warnings.warn(
            f"channel_capacity: Blahut-Arimoto stopped after max_iter={n_max} updates with "
            f"a gap of {gap / b:.3g} > tol={tol:g}; raise max_iter (or tol)",
            RuntimeWarning,
            stacklevel=2,
        )
    return ChannelCapacityResult(
        capacity=lower / b + 0.0,
        input_distribution=r,
        output_distribution=q,
        upper_bound=upper / b,
        gap=gap / b,
        n_iter=it,
        converged=converged,
    )


# --------------------------------------------------------------------------- rate-distortion


@dataclass
class _RDPoint:
    """One solution of Blahut's iteration for R(D) at slope ``beta`` (nats)."""

    beta: float
    distortion: float
    rate: float
    gap: float
    cond: FloatArray
    q: FloatArray
    n_iter: int
    converged: bool


def _undominated(d: FloatArray, live: BoolArray) -> BoolArray:
    """The reproduction symbols (columns of ``d``) that no other one dominates.

    Column ``j`` is dominated by column ``i`` when ``d(x, i) <= d(x, j)`` for every source
    symbol of positive probability, strictly for some (or the columns are equal and
    ``i < j``). Sending ``j``'s share to ``i`` lowers the distortion and, being a function
    of ``X_hat``, cannot raise ``I(X; X_hat)`` (data processing), so dropping ``j`` leaves
    ``R(D)`` unchanged, while Blahut's iteration would drain ``q(j)`` ever more slowly.
    Domination is a strict order, so every dropped column is dominated by a kept one.
    Skipped (everything kept) beyond ``10**8`` comparisons.
    """
    dl = d[live]
    k = d.shape[1]
    keep = np.ones(k, dtype=bool)
    if dl.shape[0] * k * k > 10**8:
        return keep
    index = np.arange(k)
    for j in range(k):
        col = dl[:, j : j + 1]
        below: BoolArray = np.all(dl <= col, axis=0) & (index != j)
        if below.any():
            strict = np.any(dl < col, axis=0)
            keep[j] = not np.any(below & (strict | (index < j)))
    return keep


class _RDProblem:
    """A source ``p`` and distortion matrix ``d``: Blahut's iteration and its endpoints.

    ``d`` should already be reduced to undominated columns (:func:`_undominated`).
    """

    def __init__(
        self, p: FloatArray, d: FloatArray, tol: float, max_iter: int, accelerate: bool
    ) -> None:
        self.p = p
        self.accelerate = accelerate
        self.d = d
        self.tol = tol
        self.max_iter = max_iter
        self.row_min = d.min(axis=1)
        self.d_min = float(p @ self.row_min)
        expected = p @ d  # E d(X, x_hat) for each fixed x_hat
        self.best = int(np.argmin(expected))
        self.d_max = float(expected[self.best])
        self.excess = d - self.row_min[:, None]  # >= 0, exactly 0 at each row's minimum
        self.uniform = np.full(d.shape[1], 1.0 / d.shape[1])

    def zero_rate(self) -> _RDPoint:
        """``beta = 0``: the point ``(D_max, 0)``, every x sent to the best constant x_hat."""
        cond = np.zeros(self.d.shape)
        cond[:, self.best] = 1.0
        return _RDPoint(0.0, self.d_max, 0.0, 0.0, cond, cond[0].copy(), 0, True)

    def solve(
        self, beta: float, q0: FloatArray | None = None, tol: float | None = None
    ) -> _RDPoint:
        """Blahut's iteration at slope ``beta`` (``inf`` for the ``D_min`` end).

        The reproduction distribution ``q`` is kept as logarithms, so an entry that
        becomes tiny is never lost to underflow. With ``accelerate``, a longer step
        ``q c^lam`` (Blahut's step is ``q c``) is kept only when it lowers the dual
        objective ``F(q) = -sum_x p(x) log sum_x_hat q(x_hat) e^{-beta d}`` at least as
        much as Blahut's step is guaranteed to (by ``D(q c || q)``).
        """
        if beta == 0.0:
            return self.zero_rate()
        if math.isinf(beta):
            kernel = (self.excess == 0).astype(np.float64)
        else:
            kernel = np.exp(-beta * self.excess)  # row-shifted: each row's max is 1
        p = self.p
        live = p > 0
        p_live = p[live]

        def state(log_q: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray, float]:
            log_q = _log_normalise(log_q)
            q = np.exp(log_q)
            z = kernel @ q
            with np.errstate(divide="ignore"):
                objective = -float(p_live @ np.log(z[live]))
            return log_q, q, z, objective

        with np.errstate(divide="ignore"):
            log_q, q, z, objective = state(np.log(self.uniform if q0 is None else q0))
        stop = self.tol if tol is None else tol
        lam = _STEP_MIN
        schedule = _NewtonSchedule()
        converged = False
        it = 0
        while True:
            w = np.zeros_like(p)
            np.divide(p, z, out=w, where=live)
            c = w @ kernel  # Blahut's step q c sums to 1
            q_new = q * c
            pos = q_new > 0
            gain = float(np.sum(q_new[pos] * np.log(c[pos])))  # D(q c || q)
            # Blahut's bound [2]: R(D) >= rate - gap at the current distortion
            gap = float(np.log(c.max())) - gain
            schedule.record(gap)
            if gap <= stop:
                converged = True
                break
            if it == self.max_iter:
                break
            it += 1
            if self.accelerate and schedule.due():
                newton = self._newton(kernel[live], p_live, q, z[live], c, objective)
                if newton is not None:
                    face, values = newton
                    log_try = log_q.copy()  # off the face: as it was, even if it underflows
                    log_try[face] = np.log(values)
                    log_q, q, z, objective = state(log_try)
                    schedule.took(gap)
                    continue
            with np.errstate(divide="ignore"):
                log_c = np.log(c)
            if self.accelerate:
                trial = state(log_q + lam * log_c)
                if trial[3] <= objective - gain:
                    log_q, q, z, objective = trial
                    lam = min(lam * _STEP_GROW, _STEP_MAX)
                    continue
                lam = max(_STEP_MIN, lam * _STEP_SHRINK)
            log_q, q, z, objective = state(log_q + log_c)
        cond = self._conditional(kernel, q, z)
        if math.isinf(beta):  # on the row minima only: exactly D_min, whatever the rounding
            distortion = self.d_min
        else:
            distortion = float(np.sum(p[:, None] * cond * self.d))
        rate = _mutual_info(p, cond)
        return _RDPoint(beta, distortion, rate, gap, cond, q, it, converged)

    @staticmethod
    def _newton(
        kernel: FloatArray, p: FloatArray, q: FloatArray, z: FloatArray, c: FloatArray, f: float
    ) -> tuple[IntArray, FloatArray] | None:
        """A Newton step on the dual objective, on the symbols that carry (or want) mass.

        Minimises ``F(q) = -sum_x p(x) log z(x)``, ``z = kernel q`` (rows of positive
        ``p`` only), over the face of the simplex spanned by the symbols with
        ``q > 1e-12 max q`` or ``c > 1`` (those Blahut's step would grow): gradient
        ``-c``, Hessian ``kernel^T diag(p / z^2) kernel``, the constraint ``sum q = 1``
        through a Lagrange multiplier. The step is cut to keep ``q`` positive and halved
        until ``F`` falls below ``f``. Returns the face and its new (unnormalised)
        masses; None when ``F`` does not fall, or when the face has more than
        ``_NEWTON_MAX_SUPPORT`` symbols. Where the first-order iteration crawls
        (near a straight piece of the curve, where the Hessian is nearly singular),
        this lands on the optimal face in a few steps; the stopping rule is unchanged.
        """
        face = np.flatnonzero((q > _NEWTON_FLOOR * q.max()) | (c > 1.0))
        if not 2 <= face.size <= _NEWTON_MAX_SUPPORT:
            return None
        ks = kernel[:, face]
        step = _face_newton_step(ks.T @ ((p / z**2)[:, None] * ks), c[face])
        if step is None:
            return None
        qf = q[face]
        t = _longest_step(qf, step)
        floor = np.maximum(1e-20 * qf, _TINY)  # kept positive, so it can come back
        out = q.copy()
        for _ in range(20):
            out[face] = np.maximum(qf + t * step, floor)
            zt = kernel @ out / out.sum()
            if (zt > 0).all() and -float(p @ np.log(zt)) < f:
                return face, out[face]
            t *= 0.5
        return None

    def _conditional(self, kernel: FloatArray, q: FloatArray, z: FloatArray) -> FloatArray:
        cond = np.zeros(kernel.shape)
        ok = z > 0
        cond[ok] = q[None, :] * kernel[ok] / z[ok, None]
        # a source symbol of probability 0 whose kernel misses q: its best reproduction
        for i in np.flatnonzero(~ok):
            cond[i, int(np.argmin(self.d[i]))] = 1.0
        return cond

    def lower_bound(self, points: list[_RDPoint], target: float) -> tuple[float, float]:
        """Best certified lower bound on ``R(target)`` from the points' dual lines.

        Each solved point gives ``R(D) >= (rate - gap) - beta (D - distortion)`` for
        every ``D`` (the Lagrange dual of the rate-distortion problem). Returns the bound
        and the ``beta`` of the line that gives it.
        """
        best, best_beta = 0.0, 0.0
        for pt in points:
            if math.isinf(pt.beta):
                continue
            bound = pt.rate - pt.gap + pt.beta * (pt.distortion - target)
            if bound > best:
                best, best_beta = bound, pt.beta
        return best, best_beta

    @staticmethod
    def bracket(points: list[_RDPoint], target: float) -> tuple[_RDPoint, _RDPoint]:
        """The solved points closest to ``target`` from above and from below."""
        above = min((pt for pt in points if pt.distortion >= target), key=_by_distortion)
        below = max((pt for pt in points if pt.distortion <= target), key=_by_distortion)
        return above, below

    def chord(self, points: list[_RDPoint], target: float) -> tuple[FloatArray, float]:
        """Mix the closest solved points on each side of ``target`` to hit it exactly."""
        above, below = self.bracket(points, target)
        span = above.distortion - below.distortion
        lam = 0.0 if span <= 0 else (target - below.distortion) / span
        cond = (1.0 - lam) * below.cond + lam * above.cond
        return cond, _mutual_info(self.p, cond)

    def at_distortion(
        self, target: float, inf_point: _RDPoint
    ) -> tuple[float, float, FloatArray, float, int, bool]:
        """``R(target)`` for ``D_min < target < D_max``: root-find the slope, then mix.

        Returns ``(rate, beta, conditional, gap, n_iter, converged)`` with a certified
        gap (see :meth:`lower_bound`).
        """
        points = [self.zero_rate(), inf_point]
        tried: set[float] = set()
        n_iter = 0
        width = math.inf  # distortion gap between the two closest points around the target
        bisect = False
        for _ in range(_MAX_SOLVES):
            cond, rate = self.chord(points, target)
            low, beta = self.lower_bound(points, target)
            if rate - low <= self.tol:
                break
            above, below = self.bracket(points, target)
            lo, hi = above.beta, below.beta  # slopes: lo < hi (0 and inf at the ends)
            # the slope of the chord is the slope of the curve somewhere between the two
            # points (convexity); on a straight piece of the curve it is that piece's
            span = above.distortion - below.distortion
            slope = (below.rate - above.rate) / span if span > 0 else math.nan
            if bisect or not lo < slope < hi or slope in tried:
                if lo > 0 and math.isfinite(hi):
                    slope = math.sqrt(lo) * math.sqrt(hi)
                elif lo > 0:
                    slope = 4.0 * lo
                elif math.isfinite(hi):
                    slope = 0.25 * hi
                else:
                    slope = 1.0 / (self.d_max - self.d_min)
            if slope in tried or slope in (lo, hi):
                break  # the slopes cannot be told apart in floating point
            tried.add(slope)
            # Start from the reproduction distribution of the mixed test channel: on a
            # straight piece of the curve it already lies on the optimal face, where the
            # iteration crawls, so it starts where it would end. A tiny uniform share
            # keeps every symbol able to come back. A quarter of tol leaves room for mixing.
            start = (1 - _WARM_FLOOR) * (self.p @ cond) + _WARM_FLOOR * self.uniform
            pt = self.solve(slope, start, 0.25 * self.tol)
            n_iter += pt.n_iter
            points.append(pt)
            new_above, new_below = self.bracket(points, target)
            # Only the bracketing points' test channels are used again (the bracket only
            # narrows): the others keep their dual lines, so memory stays a few matrices.
            kept = (new_above, new_below, inf_point)
            points = [
                q if any(q is k for k in kept) else replace(q, cond=_NO_CHANNEL) for q in points
            ]
            new_width = new_above.distortion - new_below.distortion
            # a chord step that does not halve the bracket: bisect the slopes next time
            bisect = not bisect and new_width > 0.5 * width
            width = new_width
        cond, rate = self.chord(points, target)
        low, beta = self.lower_bound(points, target)
        gap = rate - low
        return rate, beta, cond, gap, n_iter, gap <= self.tol


def _by_distortion(pt: _RDPoint) -> float:
    return pt.distortion


def _rd_inputs(p_x: Any, distortion: Any) -> tuple[FloatArray, FloatArray]:
    if p_x is not None:  # (None: as_distribution's error)
        _check_fits(np.size(_to_numpy(p_x, "p_x")), 2, "p_x", "fewer source symbols")
    p0 = as_distribution(p_x, "p_x")
    if p0.ndim != 1:
        raise ValueError(f"p_x has shape {p0.shape}; pass a 1-D source distribution p(x)")
    p = normalise(p0, "p_x", None)
    what = "a distortion matrix d(x, x_hat) of shape (n_x, n_x_hat)"
    d = _real_array(
        distortion, "distortion", what, copies=_RATE_DISTORTION_COPIES, fix="fewer symbols"
    )
    if d.ndim != 2:
        raise ValueError(f"distortion has shape {d.shape}; pass {what}")
    if d.shape[0] != p.shape[0] or d.shape[1] == 0:
        raise ValueError(
            f"distortion has shape {d.shape} but p_x has {p.shape[0]} outcomes; pass "
            f"{what} with one row per source symbol (shape ({p.shape[0]}, n_x_hat))"
        )
    _finite(d, "distortion", "distortions (forbid a pair with a large finite value)")
    if (d < 0).any():
        raise ValueError(
            f"distortion has negative entries (smallest {float(d.min())!r}); distortions "
            "must be >= 0"
        )
    return p, d


def _parameter_values(values: Any, name: str, what: str, *, allow_inf: bool) -> FloatArray:
    arr = _real_array(values, name, what)
    if arr.ndim > 1:
        raise ValueError(f"{name} has shape {arr.shape}; pass a number or a 1-D array of {what}")
    arr = np.atleast_1d(arr)
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty; pass at least one of {what}")
    if not allow_inf and not np.isfinite(arr).all():
        raise ValueError(f"{name} contains infinite values; pass finite {what}")
    if (arr < 0).any():
        raise ValueError(
            f"{name} has negative entries (smallest {float(arr.min())!r}); pass {what}"
        )
    return arr


def rate_distortion(
    p_x: Any,
    distortion: Any,
    *,
    betas: Any = None,
    distortions: Any = None,
    tol: float = 1e-9,
    max_iter: int = 10000,
    accelerate: bool = True,
    base: float | None = None,
) -> RateDistortionResult:
    r"""Rate-distortion function ``R(D)`` of a discrete source, by Blahut's algorithm.

    .. math::

        R(D) = \min_{p(\hat x | x):\; E\,d(X, \hat X) \le D} I(X; \hat X)

    For a slope parameter ``beta >= 0`` Blahut's iteration [2]_ minimises
    ``I(X; X_hat) + beta E d(X, X_hat)``: with ``q(x_hat)`` the reproduction
    distribution,

    .. math::

        p(\hat x | x) = \frac{q(\hat x)\, e^{-\beta d(x, \hat x)}}
                             {\sum_{\hat x'} q(\hat x')\, e^{-\beta d(x, \hat x')}},
        \qquad q(\hat x) = \sum_x p(x)\, p(\hat x | x),

    and reaches the point of the curve where its slope is ``-beta``. It stops when
    Blahut's lower bound on ``R`` is within ``tol`` of the rate reached, so every
    returned point is achievable and within ``gap`` of the curve (the lower bound of
    [2]_, which comes from the Lagrange dual of the problem).

    Parameters
    ----------
    p_x : array_like
        Source distribution, shape ``(n_x,)``: counts or probabilities, normalised by
        their sum.
    distortion : array_like
        Distortion matrix ``d(x, x_hat)``, shape ``(n_x, n_x_hat)`` (rows: source
        symbols, columns: reproduction symbols), finite and ``>= 0``.
    betas : float or array_like, optional
        Slope parameters ``beta >= 0`` in nats per unit of distortion (whatever
        ``base``); ``inf`` is allowed and gives the ``D_min`` end, ``0`` the point
        ``(D_max, 0)``. Each point is solved from a uniform ``q``.
    distortions : float or array_like, optional
        Target distortions ``D >= D_min``. For each, slopes are searched (the next is
        the slope of the chord between the solved points closest to ``D`` on either
        side, safeguarded by bisection in ``log beta``), and those two points are mixed,
        which hits ``D`` exactly and stays achievable (``I`` is convex in the test
        channel). The search stops when the mixture's rate is certified within ``tol``
        of ``R(D)`` by the dual lines of the solved points. Targets ``>= D_max`` give
        ``R = 0``; ``D_min`` gives the limit ``beta -> inf`` (so do targets below it by
        at most 1e-12 times the largest distortion: rounding in how ``D_min`` was
        computed). Without ``betas`` and ``distortions``, 21 evenly spaced targets from
        ``D_min`` to ``D_max`` are used.
    tol : float, default 1e-9
        Largest certified gap ``rate - R(distortion)``, in the unit of the result.
    max_iter : int, default 10000
        Most iterations per solve; when reached first, ``converged`` is False for that
        point and a ``RuntimeWarning`` is emitted.
    accelerate : bool, default True
        Try longer steps ``q(x_hat) c(x_hat)^lam`` (Blahut's step is ``lam = 1``), each
        kept only when it lowers Blahut's dual objective at least as much as the plain
        step is guaranteed to, and now and then a Newton step on that objective over
        the reproduction symbols that carry mass (at most 200), kept only when it
        lowers it; as in :func:`channel_capacity`. The stopping rule is the same; False
        gives the textbook iteration.
    base : float, optional
        Logarithm base of the rates: None gives nats, 2 gives bits.

    Returns
    -------
    RateDistortionResult
        Arrays ``distortion``, ``rate``, ``beta``, ``conditional`` (one test channel
        ``p(x_hat|x)`` per point), ``gap``, ``n_iter`` and ``converged``, in the order of
        ``betas`` or ``distortions``.

    Raises
    ------
    ValueError
        ``p_x`` not 1-D, with negative, NaN or infinite entries, or summing to 0;
        ``distortion`` not 2-D, of the wrong shape, negative or not finite; negative or
        NaN ``betas``; NaN, infinite or below-``D_min`` ``distortions`` (no code reaches
        them: ``R = inf``); both ``betas`` and ``distortions`` given; bad ``tol``,
        ``max_iter`` or ``base``.
    TypeError
        Non-numeric input, or parameters of the wrong type.

    Warns
    -----
    RuntimeWarning
        When some point does not reach the tolerance within ``max_iter`` iterations.

    Notes
    -----
    The ends of the curve: ``D_min = sum_x p(x) min_x_hat d(x, x_hat)`` (below it no
    test channel exists) and ``D_max = min_x_hat sum_x p(x) d(x, x_hat)`` (one constant
    reproduction; ``R(D) = 0`` for ``D >= D_max``). Reproduction symbols that another
    one dominates (no larger distortion for any source symbol of positive probability)
    are dropped first: they cannot lower ``R(D)`` and only slow the iteration down; the
    returned test channels give them probability 0.

    Where the curve is a straight line (the optimal reproduction support changes), the
    iteration crawls at that line's slope; mixing the points at its two ends gives the
    line exactly, and the search starts each solve from the mixture's reproduction
    distribution. Near ``D_max`` the iteration slows down as well. In such cases a point
    can stop short of ``tol`` (``converged`` False, with a warning); its ``gap`` is
    still a true bound.

    The certificate can lag far behind the rate: for a fine discretisation of a
    continuous source (a smooth, ill-conditioned kernel ``e^{-beta d}``) the rate is
    accurate to 1e-9 long before Blahut's bound proves it, so pass a looser ``tol``
    (1e-5, say) there, and prefer ``betas`` to ``distortions``, which solve several
    slopes per target.

    References
    ----------
    .. [1] T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed.,
       Wiley, 2006, section 10.8.
    .. [2] R. E. Blahut, "Computation of channel capacity and rate-distortion
       functions", *IEEE Trans. Inf. Theory* 18(4), 460-473, 1972.

    Examples
    --------
    A fair coin under Hamming distortion: ``R(D) = 1 - H_b(D)`` bits for ``D < 1/2``.

    >>> from fastit.channel import rate_distortion
    >>> hamming = [[0, 1], [1, 0]]
    >>> res = rate_distortion([0.5, 0.5], hamming, distortions=[0.0, 0.11, 0.5], base=2)
    >>> res.rate.round(4).tolist()
    [1.0, 0.5001, 0.0]
    >>> res.conditional[1].round(2).tolist()  # flip each bit with probability D
    [[0.89, 0.11], [0.11, 0.89]]
    """
    b = log_base(base)
    p, d_given = _rd_inputs(p_x, distortion)
    tol_nats = _check_tol(tol) * abs(b)  # (a base below 1 has a negative logarithm)
    n_max = check_count(max_iter, "max_iter")
    if betas is not None and distortions is not None:
        raise ValueError(
            "pass betas or distortions, not both: betas trace the curve by its slope, "
            "distortions ask for R at given D"
        )
    accelerate = check_flag(accelerate, "accelerate")
    if betas is not None:
        beta_values = _parameter_values(
            betas, "betas", "slopes beta >= 0 (inf allowed)", allow_inf=True
        )
        n_points = beta_values.size
    elif distortions is not None:
        targets = _parameter_values(
            distortions, "distortions", "target distortions >= D_min", allow_inf=False
        )
        n_points = targets.size
    else:
        n_points = _DEFAULT_POINTS
    _check_fits(
        d_given.size,
        _RATE_DISTORTION_COPIES + n_points,
        f"distortion (with {n_points} point(s) asked for)",
        "fewer symbols or fewer points",
    )
    # In units of 2**e, the largest distortion is about 2**_SCALE: no distortion or
    # expected distortion is lost to the subnormals. R(D) does not change; slopes scale by
    # 2**e the other way.
    top = float(d_given.max())
    e = _exponent(top) - _SCALE if top > 0 else 0
    d = np.ldexp(d_given, -e)
    keep = _undominated(d, p > 0)
    prob = _RDProblem(p, d[:, keep], tol_nats, n_max, accelerate)
    conditional = np.zeros((n_points,) + d.shape)
    dist = np.empty(n_points)
    rate = np.empty(n_points)
    beta_out = np.empty(n_points)
    gaps = np.empty(n_points)
    iters = np.empty(n_points, dtype=np.int64)
    converged = np.empty(n_points, dtype=bool)

    def add(
        i: int, di: float, ri: float, bi: float, ci: FloatArray, gi: float, ni: int, ok: bool
    ) -> None:
        """Point i, from scaled units (distortion di, slope bi)."""
        dist[i] = math.ldexp(di, e)
        rate[i], gaps[i], iters[i], converged[i] = ri, gi, ni, ok
        with np.errstate(over="ignore"):
            beta_out[i] = np.ldexp(bi, -e)
        conditional[i][:, keep] = ci  # dominated reproductions get probability 0

    if betas is not None:
        with np.errstate(over="ignore"):
            scaled_betas = np.ldexp(beta_values, e)  # beyond the floats: the D_min end
        for i, beta in enumerate(scaled_betas):
            pt = prob.solve(float(beta))
            add(i, pt.distortion, pt.rate, pt.beta, pt.cond, pt.gap, pt.n_iter, pt.converged)
        beta_out[:] = beta_values  # as given, bit for bit
    else:
        if distortions is None:
            scaled = np.linspace(prob.d_min, prob.d_max, n_points)
        else:
            with np.errstate(over="ignore"):
                scaled = np.ldexp(targets, -e)  # beyond the floats: above D_max, R = 0
            # D_min computed another way may differ in the last bits: such targets are D_min
            low = scaled < prob.d_min - _DMIN_SLACK * float(d.max())
            if low.any():
                raise ValueError(
                    f"distortions has values below D_min = {math.ldexp(prob.d_min, e)!r} "
                    f"(smallest {float(targets.min())!r}), the least expected distortion any "
                    "test channel reaches (R = inf there); pass targets >= D_min"
                )
        inf_point: _RDPoint | None = None
        for i, t in enumerate(scaled):
            target = float(t)
            if target >= prob.d_max:
                pt = prob.zero_rate()
                add(i, target, 0.0, 0.0, pt.cond, 0.0, 0, True)
            else:
                if inf_point is None:
                    inf_point = prob.solve(math.inf, None, 0.25 * tol_nats)
                if target <= prob.d_min:
                    pt = inf_point
                    add(i, target, pt.rate, pt.beta, pt.cond, pt.gap, pt.n_iter, pt.converged)
                else:
                    add(i, target, *prob.at_distortion(target, inf_point))
        if distortions is not None:
            dist[:] = targets  # as given, bit for bit
    gaps /= b
    if not converged.all():
        bad = np.flatnonzero(~converged)
        warnings.warn(
            f"rate_distortion: {bad.size} point(s) (indices {bad[:10].tolist()}) did not "
            f"reach tol={tol:g} within max_iter={n_max} (largest gap "
            f"{gaps[bad].max():.3g}); raise max_iter (or tol)",
            RuntimeWarning,
            stacklevel=2,
        )
    return RateDistortionResult(
        distortion=dist,
        rate=rate / b + 0.0,
        beta=beta_out,
        conditional=conditional,
        gap=gaps,
        n_iter=iters,
        converged=converged,
    )
