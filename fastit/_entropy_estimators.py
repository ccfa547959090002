"""Entropy of a discrete distribution estimated from its histogram of counts.

The plug-in estimate -sum p_i ln p_i with p_i = n_i / N is biased low: it never sees the
outcomes a small sample missed, and it treats the observed frequencies as exact. The
estimators here correct that in different ways; all work from the counts alone (NSB also
needs the number of possible outcomes, which defaults to the number observed).

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

import numpy as np
import numpy.typing as npt
from scipy.special import digamma, gammaln, polygamma

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


def nsb(counts: npt.ArrayLike, n_outcomes: int | None = None) -> float:
    """Posterior mean entropy under the NSB prior (Nemenman, Shafee, Bialek 2002).

    For a Dirichlet(beta) prior over K outcomes the posterior mean entropy is
        E[H | n, beta] = psi(N + K beta + 1) - sum_i (n_i + beta)/(N + K beta) psi(n_i + beta + 1),
    and NSB averages it over beta with weight P(n | beta) d xi / d beta, where
    xi(beta) = psi(K beta + 1) - psi(beta + 1) is the prior's expected entropy, so the
    prior is flat in expected entropy. The beta integral runs on a log grid wide enough
    for the posterior (1e-8 to 1e8 in beta, 4000 points), with the trapezoid rule.
    K defaults to the number of observed outcomes; pass the alphabet size when known.
    """
    c, n = _observed(counts)
    m = c.size
    k = m if n_outcomes is None else int(n_outcomes)
    if k < m:
        raise ValueError(f"n_outcomes={k} is below the {m} outcomes observed")
    if n == 0 or k == 1:
        return 0.0
    log_beta = np.linspace(np.log(1e-8), np.log(1e8), 4000)
    beta = np.exp(log_beta)[:, None]
    kb = k * beta[:, 0]
    # log P(n | beta): Dirichlet-multinomial; unseen outcomes contribute factors of 1.
    log_like = gammaln(kb) - gammaln(n + kb) + np.sum(gammaln(c + beta) - gammaln(beta), axis=1)
    dxi = k * polygamma(1, kb + 1) - polygamma(1, beta[:, 0] + 1)
    log_weight = log_like + np.log(dxi) + log_beta  # + log beta: integrating over ln beta
    weight = np.exp(log_weight - log_weight.max())
    seen = np.sum((c + beta) * digamma(c + beta + 1), axis=1)
    unseen = (k - m) * beta[:, 0] * digamma(beta[:, 0] + 1)
    mean_h = digamma(n + kb + 1) - (seen + unseen) / (n + kb)
    return float(np.trapezoid(weight * mean_h, log_beta) / np.trapezoid(weight, log_beta))


def entropy_from_counts(
    counts: npt.ArrayLike, correction: str | None, n_outcomes: int | None = None
) -> float:
    """Entropy (nats) of the distribution behind a histogram, by the chosen estimator.

    ``n_outcomes`` (the alphabet size) is used by NSB only; the others ignore it.
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
