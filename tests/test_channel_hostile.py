"""fastit.channel on hostile input: subnormal and huge magnitudes, zero power, one-symbol
alphabets, bases below 1, and inputs whose work cannot fit in memory."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest
from _memory import available, peak_increase
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastit.channel import (
    channel_capacity,
    gaussian_channel_capacity,
    gaussian_rate_distortion,
    layer_capacity,
    rate_distortion,
    water_filling,
)

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HAMMING = np.array([[0.0, 1.0], [1.0, 0.0]])
SUBNORMAL = 5e-324
# Exponents k for which x * 2**k stays a normal number for every x used below.
SHIFTS = st.integers(-1000, 1000)


def binary_entropy(p: float) -> float:
    return -p * math.log(p) - (1 - p) * math.log1p(-p)


# ------------------------------------------------------------------ layer capacity


def test_layer_with_huge_weights_and_zero_power_is_zero() -> None:
    res = layer_capacity(np.full((2, 2), 1e300), noise_std=1, input_power=0)
    assert res.capacity == 0.0
    assert res.power.tolist() == [0.0, 0.0]
    assert not res.active.any()
    assert res.water_level == 0.0  # (1 / 2e300)**2 rounds to 0


def test_layer_with_huge_weights_is_finite() -> None:
    # one mode s = 2e300: C = 0.5 log(1 + P s^2 / sigma^2) = log s to double precision
    res = layer_capacity(np.full((2, 2), 1e300), noise_std=1, input_power=1)
    assert res.capacity == pytest.approx(math.log(2e300), rel=1e-15)
    assert res.power.tolist() == [1.0, 0.0]
    tiny_noise = layer_capacity(np.eye(2), noise_std=1e-300, input_power=1)
    # each mode: 0.5 log(0.5 / 1e-600)
    assert tiny_noise.capacity == pytest.approx(math.log(0.5) + 600 * math.log(10), rel=1e-15)


def test_layer_whose_effective_noise_is_beyond_the_floats() -> None:
    # sigma^2 / s^2 = 1e620 per mode: the budget is still spent (and split by symmetry),
    # and the capacity 0.5 log(1 + 0.5e-620) per mode rounds to 0
    res = layer_capacity(np.eye(2) * 1e-300, noise_std=1e10, input_power=1)
    assert res.power.tolist() == [0.5, 0.5]
    assert res.active.all()
    assert res.capacity == 0.0
    assert res.water_level == math.inf  # 1e620 is not a float
    lone = layer_capacity(np.full((2, 2), SUBNORMAL), noise_std=1, input_power=1)
    assert lone.power.tolist() == [1.0, 0.0]
    assert lone.capacity == 0.0


def test_layer_with_subnormal_noise_and_huge_budget() -> None:
    # s = 2e154, sigma = 5e-324, P = 1e308: C = 0.5 (log P - 2 log(sigma / s))
    res = layer_capacity(np.full((2, 2), 1e154), noise_std=SUBNORMAL, input_power=1e308)
    expected = 0.5 * (math.log(1e308) - 2 * (math.log(SUBNORMAL) - math.log(2e154)))
    assert res.capacity == pytest.approx(expected, rel=1e-14)
    assert res.power.tolist() == [1e308, 0.0]


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    k=st.integers(-400, 400),
    power=st.floats(0.0, 100.0),
)
def test_layer_is_scale_free(seed: int, k: int, power: float) -> None:
    # W and noise_std scaled together: the same channels
    w = np.random.default_rng(seed).standard_normal((3, 4))
    base = layer_capacity(w, noise_std=0.7, input_power=power)
    scaled = layer_capacity(w * 2.0**k, noise_std=0.7 * 2.0**k, input_power=power)
    assert scaled.capacity == pytest.approx(base.capacity, rel=1e-12, abs=1e-300)
    np.testing.assert_allclose(scaled.power, base.power, rtol=1e-12, atol=1e-300)


# ------------------------------------------------------------------ water-filling


def test_water_filling_subnormal_noise_and_budget() -> None:
    # both channels get P / 2 = n / 2: C = 2 * 0.5 log(1.5), though the powers round to 0
    res = water_filling([SUBNORMAL, SUBNORMAL], SUBNORMAL)
    assert res.capacity == pytest.approx(math.log(1.5), rel=1e-15)
    assert res.active.all()


def test_water_filling_budget_below_the_subnormals_of_the_noise() -> None:
    res = water_filling([1e300, 1e300, 2e300], 1e-300)
    assert res.power.tolist() == [5e-301, 5e-301, 0.0]
    assert res.active.tolist() == [True, True, False]
    assert res.capacity == 0.0
    assert res.water_level == 1e300


@SETTINGS
@given(
    noise=st.lists(st.floats(1e-3, 1e3), min_size=1, max_size=6),
    total=st.just(0.0) | st.floats(1e-3, 1e3),
    k=SHIFTS,
)
def test_water_filling_is_exactly_scale_free(noise: list[float], total: float, k: int) -> None:
    base = water_filling(noise, total)
    scaled = water_filling(np.ldexp(noise, k), math.ldexp(total, k))
    assert scaled.capacity == base.capacity
    assert np.array_equal(scaled.power, np.ldexp(base.power, k))
    assert np.array_equal(scaled.active, base.active)
    assert scaled.water_level == math.ldexp(base.water_level, k)


@SETTINGS
@given(
    s=st.lists(st.floats(1e-2, 1e2), min_size=1, max_size=5),
    sigma=st.floats(0.1, 10.0),
    power=st.floats(0.0, 1e3),
)
def test_layer_is_water_filling_over_the_modes(s: list[float], sigma: float, power: float) -> None:
    layer = layer_capacity(np.diag(s), noise_std=sigma, input_power=power, rtol=0)
    order = np.argsort(s)[::-1]
    fill = water_filling((sigma / np.asarray(s)[order]) ** 2, power)
    assert layer.capacity == pytest.approx(fill.capacity, rel=1e-12, abs=1e-300)
    np.testing.assert_allclose(layer.power, fill.power, rtol=1e-12, atol=1e-12 * power)


# ------------------------------------------------------------------ rate-distortion


def test_rate_distortion_subnormal_source_probability() -> None:
    p = [SUBNORMAL, 1.0]
    res = rate_distortion(p, HAMMING)
    assert np.isfinite(res.rate).all()
    # R(0) = H(X) = 5e-324 * 744.44 (+ a negligible term)
    entropy = SUBNORMAL * -math.log(SUBNORMAL)
    assert abs(res.rate[0] - entropy) <= 4 * SUBNORMAL
    assert res.distortion[0] == 0.0
    slopes = rate_distortion(p, HAMMING, betas=[0.0, 1.0, 1e300, math.inf])
    assert np.isfinite(slopes.rate).all()
    assert slopes.beta.tolist() == [0.0, 1.0, 1e300, math.inf]


def test_rate_distortion_subnormal_distortions() -> None:
    # D_max = 2**-1075 lies between 0 and the smallest float: R(0) = log 2, R(5e-324) = 0
    res = rate_distortion([0.5, 0.5], HAMMING * SUBNORMAL, distortions=[0.0, SUBNORMAL])
    assert res.rate.tolist() == [math.log(2), 0.0]
    d = HAMMING * 1e-310  # subnormal: R(D) = log 2 - H_b(D / 1e-310)
    res = rate_distortion([0.5, 0.5], d, distortions=[2e-311])
    assert res.rate[0] == pytest.approx(math.log(2) - binary_entropy(0.2), abs=1e-9)
    assert res.converged.all()


def test_rate_distortion_huge_distortions_and_slopes() -> None:
    d = HAMMING * 1e308
    res = rate_distortion([0.5, 0.5], d, distortions=[0.0, 1e307, 5e307])
    assert res.rate[1] == pytest.approx(math.log(2) - binary_entropy(0.1), abs=1e-9)
    assert res.rate[2] == 0.0
    assert res.distortion.tolist() == [0.0, 1e307, 5e307]
    # beta * d beyond the floats is the D_min end; beta * d below them is D_max
    ends = rate_distortion([0.5, 0.5], HAMMING, betas=[1e308, SUBNORMAL])
    assert ends.rate.tolist() == [math.log(2), 0.0]
    assert ends.beta.tolist() == [1e308, SUBNORMAL]
    counts = rate_distortion([1e308, 1e308], HAMMING, distortions=[0.11])
    assert counts.rate[0] == pytest.approx(math.log(2) - binary_entropy(0.11), abs=1e-9)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), k=SHIFTS)
def test_rate_distortion_is_exactly_scale_free(seed: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(3))
    d = rng.random((3, 3))
    d_min, d_max = float(p @ d.min(axis=1)), float((p @ d).min())
    targets = d_min + np.sort(rng.random(3)) * (d_max - d_min)
    targets[0] = d_min
    base = rate_distortion(p, d, distortions=targets, tol=1e-6)
    scaled = rate_distortion(p, np.ldexp(d, k), distortions=np.ldexp(targets, k), tol=1e-6)
    assert np.array_equal(scaled.rate, base.rate)
    assert np.array_equal(scaled.distortion, np.ldexp(base.distortion, k))
    assert np.array_equal(scaled.conditional, base.conditional)
    assert np.array_equal(scaled.beta, np.ldexp(base.beta, -k))  # nats per unit distortion
    slopes = np.array([0.0, 0.5, 3.0, math.inf])
    base = rate_distortion(p, d, betas=slopes, tol=1e-6)
    scaled = rate_distortion(p, np.ldexp(d, k), betas=np.ldexp(slopes, -k), tol=1e-6)
    assert np.array_equal(scaled.rate, base.rate)
    assert np.array_equal(scaled.distortion, np.ldexp(base.distortion, k))


def test_channel_with_subnormal_probabilities() -> None:
    # rows sum to 1 (1 + 5e-324 rounds to 1): a noiseless binary channel to double precision
    res = channel_capacity([[1.0, SUBNORMAL], [SUBNORMAL, 1.0]])
    assert res.capacity == pytest.approx(math.log(2), rel=1e-15)
    assert res.upper_bound >= res.capacity
    assert res.converged
    # an output reached with probability 5e-324 from one input carries ~nothing
    res = channel_capacity([[1.0, SUBNORMAL, 0.0], [0.0, SUBNORMAL, 1.0], [0.5, 0.0, 0.5]])
    assert res.capacity == pytest.approx(math.log(2), rel=1e-12)


# ------------------------------------------------------------------ small alphabets, bases


def test_one_symbol_alphabets() -> None:
    assert channel_capacity([[1.0]]).capacity == 0.0
    assert channel_capacity([[0.25, 0.75]]).capacity == 0.0  # one input
    assert channel_capacity([[1.0], [1.0]]).capacity == 0.0  # one output
    res = rate_distortion([1.0], [[3.0, 1.0, 2.0]])  # one source symbol
    assert np.all(res.rate == 0.0)
    assert np.all(res.distortion == 1.0)
    res = rate_distortion([0.3, 0.7], [[1.0], [2.0]], distortions=[1.7, 5.0])
    assert res.rate.tolist() == [0.0, 0.0]
    assert water_filling([0.7], 2.3).capacity == gaussian_channel_capacity(2.3, 0.7)
    assert layer_capacity([[2.0]], noise_std=1, input_power=3).capacity == pytest.approx(
        gaussian_channel_capacity(12.0, 1.0), rel=1e-15
    )


def test_base_below_one_converges() -> None:
    bsc = [[0.9, 0.1], [0.1, 0.9]]
    bits = channel_capacity(bsc, base=2).capacity
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        half = channel_capacity(bsc, base=0.5, tol=1e-12)
        tiny = channel_capacity(bsc, base=SUBNORMAL)
        curve = rate_distortion([0.5, 0.5], HAMMING, distortions=[0.11], base=0.5)
    assert half.converged
    assert tiny.converged
    assert curve.converged.all()
    assert half.capacity == pytest.approx(-bits, rel=1e-12)
    assert curve.rate[0] == pytest.approx(-(1 - binary_entropy(0.11) / math.log(2)), rel=1e-8)


def test_gaussian_closed_forms_at_the_float_limits() -> None:
    assert gaussian_channel_capacity(1e308, SUBNORMAL) == pytest.approx(
        0.5 * (math.log(1e308) - math.log(SUBNORMAL)), rel=1e-15
    )
    assert gaussian_channel_capacity(SUBNORMAL, 1e308) == 0.0
    # subnormal signal and noise: their ratio keeps every bit
    assert gaussian_channel_capacity(SUBNORMAL, SUBNORMAL) == 0.5 * math.log(2)
    assert gaussian_channel_capacity(1e-310, 3e-310) == pytest.approx(
        0.5 * math.log1p(1 / 3), rel=1e-15
    )
    assert gaussian_rate_distortion(1e308, SUBNORMAL) == pytest.approx(
        0.5 * (math.log(1e308) - math.log(SUBNORMAL)), rel=1e-15
    )
    assert gaussian_rate_distortion(SUBNORMAL, 0.0) == math.inf


# ------------------------------------------------------------------ what cannot fit


def huge(shape: tuple[int, ...], value: float = 1.0) -> np.ndarray:
    """A read-only view of that shape backed by one float (petabytes if materialised)."""
    return np.broadcast_to(np.float64(value), shape)


TOO_BIG = [
    (lambda: water_filling(huge((10**14,)), 1.0), "noise_powers has 100000000000000 entries"),
    (lambda: layer_capacity(huge((10**7, 10**7)), noise_std=1, input_power=1), "weight has"),
    (lambda: channel_capacity(huge((10**7, 10**7), 1e-7)), "p_y_given_x has"),
    (lambda: rate_distortion(huge((10**7,)), huge((10**7, 10**7))), "distortion has"),
    (lambda: rate_distortion(huge((10**14,)), huge((10**14, 1))), "p_x has"),
    (lambda: rate_distortion([0.5, 0.5], HAMMING, betas=huge((10**14,))), "betas has"),
    (
        lambda: rate_distortion(np.ones(1000), np.ones((1000, 1000)), distortions=huge((10**8,))),
        "with 100000000 point(s) asked for",
    ),
    (
        lambda: gaussian_channel_capacity(huge((10**7, 1)), huge((1, 10**7))),
        "signal_power and noise_power",
    ),
    (lambda: gaussian_rate_distortion(huge((10**7, 1)), huge((1, 10**7))), "variance and"),
    (
        lambda: channel_capacity([[0.5, 0.5], [0.5, 0.5]], initial=huge((10**14,))),
        "initial has",
    ),
]


@pytest.mark.parametrize(("call", "match"), TOO_BIG, ids=[m for _, m in TOO_BIG])
def test_what_cannot_fit_is_refused_up_front(call, match) -> None:  # noqa: ANN001
    with pytest.raises(ValueError, match=re.escape(match)) as err:
        call()
    assert "memory" in str(err.value)


@pytest.mark.skipif(not available(), reason="needs /proc peak-RSS accounting")
def test_refusal_allocates_nothing() -> None:
    def refused() -> None:
        with pytest.raises(ValueError, match="memory"):
            rate_distortion(huge((10**7,)), huge((10**7, 10**7)))

    grown, _ = peak_increase(refused)
    assert grown < 200 * 2**20  # p_x's 80 MB check, never the 800 TB distortion matrix
