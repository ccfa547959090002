"""Entropy of a discrete distribution estimated from its histogram of counts.

The plug-in estimate -sum p_i ln p_i with p_i = n_i / N is biased low: it never sees the
outcomes a small sample missed, and it treats the observed frequencies as exact. The
estimators here correct that in different ways; all work from the counts alone (NSB also
needs the number of possible outcomes, which defaults to the number observed).

NSB and joint variables. NSB's prior is a symmetric Dirichlet over K outcomes, so K
matters: with K too large it spreads mass over outcomes that cannot occur and overstates
the entropy. A joint variable (X, Y) has between max(K_X, K_Y) possible outcomes (Y a
function of X and the reverse) and K_X K_Y (every combination); taking the product, as
fastit did, made I(X; X) = H(X) + H(X) - H(X, X) fall far below H(X) (0.45 nats for 50
labels seen once each, where H = 3.9), and gave negative MI for independent binned
columns whose joint table is mostly empty tails. So a joint's entropy averages NSB over
the support size K between those bounds (:class:`OutcomeRange`), each K weighted by the
evidence of the observed partition of the samples (K! / (K - m)! times the
Dirichlet-multinomial likelihood, under a prior uniform in ln K): repeated outcomes
concentrate it near the observed support, sparse data spread it toward the product.

    None            plug-in (maximum likelihood)
    "miller-madow"  plug-in + (m - 1) / (2N), m = number of observed outcomes
    "grassberger"   Grassberger (2003): ln N - (1/N) sum n_i G(n_i),
                    G(n) = psi(n) + (-1)^n / 2 * (psi((n + 1) / 2) - psi(n / 2))
    "jackknife"     N H - (N - 1)/N sum_j H_(-j), leave-one-out over the samples
    "chao-shen"     Chao and Shen (2003): coverage-adjusted Horvitz-Thompson estimate
    "nsb"           Nemenman, Shafee and Bialek (2002): posterior mean of the entropy
                    under a mixture of Dirichlet priors that is flat in expected entropy

Miller-Madow is the default of fastit's discrete functions: it removes the leading 1/N term
of the bias at no cost and never does worse than plug-in on the usual small-sample cases;
the others trade more computation (NSB) or variance (jackknife, Chao-Shen) for less bias
when many outcomes are unseen.

All values are in nats. Counts must be non-negative integers (as integer or float arrays).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
from scipy.special import digamma, gammaln, polygamma

from ._warnings import EstimationWarning

CORRECTIONS = (None, "miller-madow", "grassberger", "jackknife", "chao-shen", "nsb")


def _observed(counts: npt.ArrayLike) -> tuple[npt.NDArray[np.float64], float]:
    c = np.asarray(counts, dtype=np.float64).reshape(-1)
    c = c[c > 0]
    return c, float(c.sum())


def plugin(counts: npt.ArrayLike) -> float:
    """-sum (n_i / N) ln(n_i / N) over the observed outcomes (compensated sum, compiled)."""
    from ._numba import entropy_from_counts as compiled_plugin

    c, n = _observed(counts)
    if n == 0:
        return 0.0
    return float(compiled_plugin(c))


def miller_madow(counts: npt.ArrayLike) -> float:
    """Plug-in + (m - 1) / (2N) (Miller 1955)."""
    c, n = _observed(counts)
    if n == 0:
        return 0.0
    return plugin(c) + (c.size - 1) / (2.0 * n)


def grassberger(counts: npt.ArrayLike) -> float:
    """ln N - (1/N) sum n_i G(n_i), G(n) = psi(n) + (-1)^n/2 (psi((n+1)/2) - psi(n/2))."""
    c, n = _observed(counts)
    if n == 0:
        return 0.0
    sign = np.where(c % 2 == 0, 1.0, -1.0)
    g = digamma(c) + 0.5 * sign * (digamma((c + 1) / 2) - digamma(c / 2))
    return float(np.log(n) - np.dot(c, g) / n)


def jackknife(counts: npt.ArrayLike) -> float:
    """N H - (N - 1)/N sum_j H_(-j) (Zahl 1977), grouped by outcome: O(m), not O(N)."""
    c, n = _observed(counts)
    if n <= 1:
        return plugin(c)
    s = np.dot(c, np.log(c))
    # Removing one sample of outcome i: n_i -> n_i - 1 and N -> N - 1.
    reduced = c - 1
    reduced_term = reduced * np.log(np.maximum(reduced, 1))  # 0 ln 0 = 0
    s_without = s - c * np.log(c) + reduced_term
    h_without = np.log(n - 1) - s_without / (n - 1)
    return float(n * plugin(c) - (n - 1) / n * np.dot(c, h_without))


def chao_shen(counts: npt.ArrayLike) -> float:
    """-sum p ln p / (1 - (1 - p)^N) with p = C n_i / N, coverage C = 1 - f1 / N."""
    c, n = _observed(counts)
    if n == 0:
        return 0.0
    singletons = float(np.sum(c == 1))
    if singletons == n:  # every sample seen once: coverage would be 0
        singletons = n - 1
    p = (1.0 - singletons / n) * c / n
    return float(-np.sum(p * np.log(p) / (1.0 - (1.0 - p) ** n)))


class OutcomeRange(NamedTuple):
    """Bounds on the number of possible outcomes when it is not known exactly (a joint
    variable: at least its largest marginal alphabet, at most their product)."""

    least: int
    most: int


def joint_outcomes(alphabets: Sequence[int]) -> int | OutcomeRange:
    """Possible outcomes of a joint variable whose parts have these alphabets: between the
    largest of them (each outcome of each part occurs with some outcome of the others)
    and their product (every combination)."""
    least, most = max(alphabets), math.prod(alphabets)
    return most if least == most else OutcomeRange(int(least), int(most))


def _log_rising(a: npt.NDArray[np.float64], v: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """ln Gamma(a + v) - ln Gamma(a) for a > 0, v >= 0, without the cancellation of the
    direct difference when a is large (Stirling's series, whose leading terms cancel
    analytically)."""
    a, v = np.broadcast_arrays(np.asarray(a, np.float64), np.asarray(v, np.float64))
    out = np.empty(a.shape)
    big = a >= 100.0
    small = ~big
    out[small] = gammaln(a[small] + v[small]) - gammaln(a[small])
    ab, vb = a[big], v[big]
    s = ab + vb

    def tail(x: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
        r = 1.0 / (x * x)
        return (1.0 / 12.0 - r * (1.0 / 360.0 - r / 1260.0)) / x

    out[big] = (ab - 0.5) * np.log1p(vb / ab) + vb * np.log(s) - vb + (tail(s) - tail(ab))
    return out


def _log_prior(beta: npt.NDArray[np.float64], k: float) -> npt.NDArray[np.float64]:
    """ln(d xi / d beta) - ln ln K: NSB's normalised prior density of beta, where
    xi(beta) = psi(K beta + 1) - psi(beta + 1) rises from 0 to ln K. For large beta the
    two trigamma terms cancel; their asymptotic difference is used there."""
    out = np.empty(beta.shape)
    big = beta > 1e4
    b = beta[~big]
    out[~big] = np.log(k * polygamma(1, k * b + 1.0) - polygamma(1, b + 1.0))
    b = beta[big]
    diff = (1.0 - 1.0 / k) / (2.0 * b * b) - (1.0 - 1.0 / k**2) / (6.0 * b**3)
    out[big] = np.log(diff)
    return np.asarray(out - math.log(math.log(k)))


class _Counts(NamedTuple):
    """A histogram grouped by count value: ``mult[j]`` outcomes were seen ``values[j]``
    times. NSB depends on the counts only through this multiset, which has at most
    sqrt(2N) distinct values."""

    values: npt.NDArray[np.float64]
    mult: npt.NDArray[np.float64]
    n: float  # samples
    m: int  # observed outcomes


def _grouped(c: npt.NDArray[np.float64]) -> _Counts:
    values, mult = np.unique(c, return_counts=True)
    return _Counts(values, mult.astype(np.float64), float(c.sum()), int(c.size))


def _log_weight(t: npt.NDArray[np.float64], g: _Counts, k: float) -> npt.NDArray[np.float64]:
    """ln of the posterior density of t = ln beta (up to the evidence): the
    Dirichlet-multinomial likelihood of the counts times the prior, times beta."""
    beta = np.exp(t)
    like = -_log_rising(k * beta, g.n) + _log_rising(beta[:, None], g.values) @ g.mult
    return np.asarray(like + _log_prior(beta, k) + t)


def _entropy_moments(
    t: npt.NDArray[np.float64], g: _Counts, k: float, second: bool
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64] | None]:
    """E[H] and E[H^2] under the Dirichlet(n_i + beta) posterior (Wolpert and Wolf 1995),
    over the groups of equal counts and the K - m unseen outcomes."""
    beta = np.exp(t)[:, None]
    alpha = np.concatenate([g.values[None, :] + beta, beta], axis=1)  # (grid, groups + 1)
    weight = np.concatenate([g.mult, [k - g.m]])[None, :]
    total = g.n + k * beta[:, 0]
    mean = digamma(total + 1.0) - (weight * alpha * digamma(alpha + 1.0)).sum(axis=1) / total
    if not second:
        return mean, None
    a_total = total[:, None]
    d1 = digamma(alpha + 1.0) - digamma(a_total + 2.0)
    s1 = (weight * alpha * d1).sum(axis=1)
    s2 = (weight * (alpha * d1) ** 2).sum(axis=1)
    tri = polygamma(1, total + 2.0)
    pairs = (weight * alpha).sum(axis=1) ** 2 - (weight * alpha * alpha).sum(axis=1)
    cross = s1 * s1 - s2 - tri * pairs
    d2 = digamma(alpha + 2.0) - digamma(a_total + 2.0)
    own = weight * alpha * (alpha + 1.0) * (d2 * d2 + polygamma(1, alpha + 2.0) - tri[:, None])
    moment = (cross + own.sum(axis=1)) / (total * (total + 1.0))
    return mean, moment


def _beta_grid(g: _Counts, k: float) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """A grid in t = ln beta that resolves the posterior, and the log weights on it.

    A coarse grid over every plausible beta (total concentration K beta from 1e-10 / N to
    1e16 N: beyond it the weight has fallen by more than e^-30), then grids over the
    region within e^-50 of the peak, refined until that region holds 200 points.
    """
    lo = math.log(1e-10 / (k * (g.n + 1.0)))
    hi = math.log(1e16 * (g.n + 1.0))
    t = np.linspace(lo, hi, max(200, int((hi - lo) / 0.25)))
    for _ in range(8):
        w = _log_weight(t, g, k)
        keep = np.flatnonzero(w > w.max() - 50.0)
        first, last = max(keep[0] - 1, 0), min(keep[-1] + 1, t.size - 1)
        if last - first >= 200:
            return t[first : last + 1], w[first : last + 1]
        t = np.linspace(t[first], t[last], 401)
    return t, _log_weight(t, g, k)


def _nsb_fixed(g: _Counts, k: float, second: bool) -> tuple[float, float, float]:
    """(ln evidence, E[H], E[H^2]) of NSB with exactly K outcomes; the evidence is that of
    the observed partition of the samples, comparable between values of K."""
    t, w = _beta_grid(g, k)
    top = w.max()
    density = np.exp(w - top)
    z = np.trapezoid(density, t)
    mean, moment = _entropy_moments(t, g, k, second)
    h = float(np.trapezoid(density * mean, t) / z)
    h2 = float(np.trapezoid(density * moment, t) / z) if moment is not None else h * h
    # K! / (K - m)!: the ways to give the m observed outcomes distinct labels among K.
    labels = float(_log_rising(np.array([k - g.m + 1.0]), g.m)[0])
    return float(math.log(z) + top) + labels, h, h2


def _support_grid(least: int, most: int) -> npt.NDArray[np.float64]:
    """Support sizes to average over: every integer near the smallest (while integers are
    exact floats), then a geometric grid (at most 8 points per e-fold, 96 in all)."""
    lo, hi = float(least), float(most)
    dense_top = min(hi, lo + 32.0) if lo < 2.0**50 else lo
    ks = np.arange(lo, dense_top + 1.0)
    if hi > dense_top:
        count = max(2, min(64, int(8 * math.log(hi / dense_top)) + 1))
        ks = np.concatenate([ks, np.geomspace(dense_top, hi, count)[1:]])
    return np.unique(ks)


def _posterior(
    counts: npt.ArrayLike, n_outcomes: int | OutcomeRange | None, second: bool
) -> tuple[float, float]:
    """(E[H], E[H^2]) under NSB; E[H]^2 in place of E[H^2] unless ``second``."""
    c, n = _observed(counts)
    m = c.size
    if isinstance(n_outcomes, OutcomeRange):
        least, most = max(int(n_outcomes.least), m), int(n_outcomes.most)
    else:
        least = most = m if n_outcomes is None else int(n_outcomes)
    if most < m or least > most:
        raise ValueError(f"n_outcomes={n_outcomes} is below the {m} outcomes observed")
    if n == 0 or most == 1:
        return 0.0, 0.0
    if n == m and most > m:
        warnings.warn(
            f"NSB: none of the {m} observed outcomes was seen twice, so the data do not "
            "constrain the entropy and the estimate follows the prior "
            f"(up to ln {float(most):.4g}); it needs repeated outcomes",
            EstimationWarning,
            stacklevel=4,
        )
    g = _grouped(c)
    if least == most:
        _, mean, moment = _nsb_fixed(g, float(least), second)
        return mean, moment
    # The support size K is unknown: a prior uniform in ln K (a trapezoid rule over the
    # grid of ln K), each K weighted by its evidence.
    ks = _support_grid(least, most)
    found = np.array([_nsb_fixed(g, float(k), second) for k in ks])
    step = np.diff(np.log(ks))
    rule = np.concatenate([[step[0]], step[:-1] + step[1:], [step[-1]]]) / 2.0
    log_w = found[:, 0] + np.log(rule)
    weight = np.exp(log_w - log_w.max())
    weight /= weight.sum()
    return float(weight @ found[:, 1]), float(weight @ found[:, 2])


def nsb_posterior(
    counts: npt.ArrayLike, n_outcomes: int | OutcomeRange | None = None
) -> tuple[float, float]:
    """Posterior mean and standard deviation of the entropy under the NSB prior.

    ``n_outcomes``: the number K of possible outcomes (default: the number observed), or an
    :class:`OutcomeRange` when only bounds are known; then the support size is averaged
    over too, from the bounds (raised to the observed count) with a prior uniform in
    ln K, each K weighted by the evidence of the observed partition. See :func:`nsb`.
    """
    mean, moment = _posterior(counts, n_outcomes, True)
    return mean, math.sqrt(max(moment - mean * mean, 0.0))


def nsb(counts: npt.ArrayLike, n_outcomes: int | OutcomeRange | None = None) -> float:
    """Posterior mean entropy under the NSB prior (Nemenman, Shafee, Bialek 2002).

    For a Dirichlet(beta) prior over K outcomes the posterior mean entropy is
        E[H | n, beta] = psi(N + K beta + 1) - sum_i (n_i + beta)/(N + K beta) psi(n_i + beta + 1),
    and NSB averages it over beta with weight P(n | beta) d xi / d beta, where
    xi(beta) = psi(K beta + 1) - psi(beta + 1) is the prior's expected entropy, so the
    prior is flat in expected entropy. The sums run over the distinct count values (the
    counts' multiset), so memory and time grow with sqrt(N), not with the outcomes; the
    beta integral runs on a grid in ln beta that follows the posterior's peak, for any K.
    K defaults to the number of observed outcomes; pass the alphabet size when known, or
    an :class:`OutcomeRange` (see :func:`nsb_posterior`). With K above the observed count
    and no outcome seen twice an ``EstimationWarning`` says the data do not constrain it.
    """
    return _posterior(counts, n_outcomes, False)[0]


def entropy_from_counts(
    counts: npt.ArrayLike, correction: str | None, n_outcomes: int | OutcomeRange | None = None
) -> float:
    """Entropy (nats) of the distribution behind a histogram, by the chosen estimator.

    ``n_outcomes`` (the alphabet size, or an :class:`OutcomeRange` for a joint variable)
    is used by NSB only; the others ignore it.
    """
    if correction is None:
        return plugin(counts)
    if correction == "miller-madow":
        return miller_madow(counts)
    if correction == "grassberger":
        return grassberger(counts)
    if correction == "jackknife":
        return jackknife(counts)
    if correction == "chao-shen":
        return chao_shen(counts)
    if correction == "nsb":
        return nsb(counts, n_outcomes)
    raise ValueError(
        f"correction must be one of {', '.join(map(repr, CORRECTIONS))}; got {correction!r}"
    )
