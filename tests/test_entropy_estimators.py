"""Entropy estimators from counts: each against its defining formula computed the long way,
and all of them against the plug-in bias on a known small-sample case."""

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.special import digamma, gammaln, polygamma
from scipy.stats import entropy as scipy_entropy

import fastit
from fastit import _entropy_estimators as est

rng = np.random.default_rng(42)
SAMPLES = [rng.integers(0, 6, size=n) for n in (1, 2, 5, 17, 60)] + [np.array([0, 0, 0, 1])]


def counts_of(labels):
    return np.bincount(labels)


@pytest.mark.parametrize("labels", SAMPLES)
def test_plugin_and_miller_madow(labels):
    c = counts_of(labels)
    assert est.plugin(c) == pytest.approx(scipy_entropy(c), abs=1e-12)
    m, n = np.count_nonzero(c), c.sum()
    assert est.miller_madow(c) == pytest.approx(scipy_entropy(c) + (m - 1) / (2 * n), abs=1e-12)


@pytest.mark.parametrize("labels", SAMPLES)
def test_grassberger_formula(labels):
    c = counts_of(labels)
    n = c.sum()
    total = 0.0
    for ni in c[c > 0]:
        g = digamma(ni) + 0.5 * (-1) ** int(ni) * (digamma((ni + 1) / 2) - digamma(ni / 2))
        total += ni * g
    assert est.grassberger(c) == pytest.approx(np.log(n) - total / n, abs=1e-12)


@pytest.mark.parametrize("labels", SAMPLES)
def test_jackknife_is_leave_one_out_over_samples(labels):
    c = counts_of(labels)
    n = len(labels)
    if n < 2:
        assert est.jackknife(c) == pytest.approx(scipy_entropy(c))
        return
    loo = [scipy_entropy(np.bincount(np.delete(labels, j))) for j in range(n)]
    expected = n * scipy_entropy(c) - (n - 1) / n * np.sum(loo)
    assert est.jackknife(c) == pytest.approx(expected, abs=1e-10)


@pytest.mark.parametrize("labels", SAMPLES)
def test_chao_shen_formula(labels):
    c = counts_of(labels)
    c = c[c > 0].astype(float)
    n = c.sum()
    f1 = np.sum(c == 1)
    f1 = n - 1 if f1 == n else f1
    p = (1 - f1 / n) * c / n
    expected = -np.sum(p * np.log(p) / (1 - (1 - p) ** n))
    assert est.chao_shen(c) == pytest.approx(expected, abs=1e-12)


def nsb_by_quadrature(counts, k):
    c = np.asarray(counts, float)
    c = c[c > 0]
    n, m = c.sum(), c.size

    def log_weight(b):
        prior = np.log(k * polygamma(1, k * b + 1) - polygamma(1, b + 1))
        return gammaln(k * b) - gammaln(n + k * b) + np.sum(gammaln(c + b) - gammaln(b)) + prior

    def mean_entropy(b):
        seen = np.sum((c + b) * digamma(c + b + 1)) + (k - m) * b * digamma(b + 1)
        return digamma(n + k * b + 1) - seen / (n + k * b)

    top = max(log_weight(np.exp(t)) for t in np.linspace(-18, 18, 400))

    def integrand(t, with_h):
        b = np.exp(t)
        w = np.exp(log_weight(b) - top) * b
        return w * mean_entropy(b) if with_h else w

    num = quad(integrand, -18.4, 18.4, args=(True,), limit=500, points=[0])[0]
    den = quad(integrand, -18.4, 18.4, args=(False,), limit=500, points=[0])[0]
    return num / den


@pytest.mark.parametrize(
    ("counts", "k"),
    [([3, 1, 1, 5, 2, 4, 4], 10), ([1, 1, 1], 50), ([7, 1], 2), ([1] * 5 + [2] * 3, 100)],
)
def test_nsb_matches_quadrature(counts, k):
    if max(counts) == 1:  # no outcome seen twice: the estimate is the prior's, and says so
        with pytest.warns(fastit.EstimationWarning, match="none of the 3 observed"):
            got = est.nsb(counts, k)
    else:
        got = est.nsb(counts, k)
    assert got == pytest.approx(nsb_by_quadrature(counts, k), abs=1e-7)


def test_nsb_rejects_fewer_outcomes_than_observed():
    with pytest.raises(ValueError, match="n_outcomes"):
        est.nsb([1, 2, 3], n_outcomes=2)


@pytest.mark.parametrize("correction", est.CORRECTIONS)
def test_zero_counts_are_ignored_and_empty_is_zero(correction):
    c = np.array([3, 0, 5, 0, 1])
    k = 5 if correction == "nsb" else None
    assert est.entropy_from_counts(c, correction, k) == pytest.approx(
        est.entropy_from_counts(c[c > 0], correction, k)
    )
    assert est.entropy_from_counts(np.zeros(4), correction, 4 if k else None) == 0.0


def test_unknown_correction():
    with pytest.raises(ValueError, match="correction must be one of"):
        est.entropy_from_counts([1, 2], "bayes")


def test_corrections_reduce_small_sample_bias():
    # Uniform over 10 outcomes, 20 samples: the plug-in estimate is ~0.26 nats low.
    gen = np.random.default_rng(7)
    k, n, truth = 10, 20, np.log(10)
    draws = [np.bincount(gen.integers(0, k, n), minlength=k) for _ in range(400)]
    bias = {
        c: np.mean([est.entropy_from_counts(d, c, k if c == "nsb" else None) for d in draws])
        - truth
        for c in est.CORRECTIONS
    }
    assert bias[None] < -0.2
    for c in est.CORRECTIONS[1:]:
        assert abs(bias[c]) < 0.6 * abs(bias[None]), (c, bias)
