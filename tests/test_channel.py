"""Channel capacity, water-filling and rate-distortion (fastit.channel) against closed forms."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
import scipy.optimize
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fastit.channel import (
    ROW_SUM_TOL,
    channel_capacity,
    gaussian_channel_capacity,
    gaussian_rate_distortion,
    layer_capacity,
    rate_distortion,
    water_filling,
)
from fastit.distributions import mutual_info_table

LN2 = math.log(2)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
HAMMING = np.array([[0.0, 1.0], [1.0, 0.0]])


def h_b(p: float) -> float:
    """Binary entropy in nats."""
    if p in (0.0, 1.0):
        return 0.0
    return -p * math.log(p) - (1 - p) * math.log1p(-p)


def bsc(p: float) -> np.ndarray:
    return np.array([[1 - p, p], [p, 1 - p]])


def random_channel(rng: np.random.Generator, m: int, n: int) -> np.ndarray:
    alpha = rng.choice([0.3, 1.0, 3.0])
    return rng.dirichlet(np.full(n, alpha), size=m)


# ------------------------------------------------------------------ Gaussian closed forms


def test_gaussian_capacity_values():
    assert gaussian_channel_capacity(3.0, 1.0, base=2) == 1.0
    assert gaussian_channel_capacity(0.0, 2.0) == 0.0
    assert gaussian_channel_capacity(1.0, 1.0) == pytest.approx(0.5 * LN2, rel=1e-15)
    assert isinstance(gaussian_channel_capacity(1, 1), float)


def test_gaussian_capacity_broadcasts():
    s = np.array([[0.0], [1.0], [3.0]])
    n = np.array([1.0, 3.0])
    out = gaussian_channel_capacity(s, n)
    assert out.shape == (3, 2)
    np.testing.assert_allclose(out, 0.5 * np.log1p(s / n), rtol=1e-15)
    assert gaussian_channel_capacity([1.0, 3.0], 1.0, base=2).tolist() == [0.5, 1.0]


def test_gaussian_capacity_extreme_snr():
    # tiny SNR keeps full precision: C = S / (2N) - S^2 / (4N^2) + ...
    assert gaussian_channel_capacity(1e-20, 1.0) == pytest.approx(0.5e-20, rel=1e-15)
    # SNR beyond the float range: 0.5 log(S / N), not inf
    out = gaussian_channel_capacity(1e300, 1e-300)
    assert out == pytest.approx(0.5 * (math.log(1e300) - math.log(1e-300)), rel=1e-15)


def test_gaussian_rate_distortion_values():
    assert gaussian_rate_distortion(1.0, 0.25, base=2) == 1.0
    assert gaussian_rate_distortion(4.0, 1.0) == pytest.approx(0.5 * math.log(4.0), rel=1e-15)
    out = gaussian_rate_distortion(2.0, [0.0, 0.5, 2.0, 3.0])
    assert out[0] == math.inf  # exact description of a continuous source
    assert out[1] == pytest.approx(0.5 * math.log(4.0), rel=1e-15)
    assert out[2] == 0.0
    assert out[3] == 0.0
    assert gaussian_rate_distortion(0.0, 0.0) == 0.0  # a constant source costs nothing
    assert gaussian_rate_distortion(1e300, 1e-300) == pytest.approx(
        0.5 * (math.log(1e300) - math.log(1e-300)), rel=1e-15
    )
    np.testing.assert_allclose(
        gaussian_rate_distortion([[1.0], [4.0]], [0.5, 1.0], base=2),
        [[0.5, 0.0], [1.5, 1.0]],
        rtol=1e-15,
    )


# ------------------------------------------------------------------ water-filling


def check_kkt(noise: np.ndarray, total: float, res) -> None:
    """p_i = max(0, mu - n_i), sum p_i = P, active iff n_i < mu (to rounding of mu)."""
    mu = res.water_level
    scale = max(mu, total, 1e-300)
    np.testing.assert_allclose(res.power, np.maximum(0.0, mu - noise), rtol=0, atol=1e-12 * scale)
    assert res.power.sum() == pytest.approx(total, rel=1e-12, abs=1e-300)
    assert (res.power >= 0).all()
    assert np.all(noise[res.active] <= mu)
    assert np.all(noise[~res.active] >= mu * (1 - 1e-14))
    assert np.all(res.power[~res.active] == 0)
    np.testing.assert_allclose(
        res.capacity, np.sum(0.5 * np.log1p(res.power / noise)), rtol=1e-13, atol=1e-300
    )


def bisection_water_level(noise: np.ndarray, total: float) -> float:
    """An independent reference: solve sum max(0, mu - n_i) = P by bisection on mu."""
    lo, hi = noise.min(), noise.max() + total
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        if np.maximum(0.0, mid - noise).sum() < total:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


noise_vectors = st.lists(
    st.one_of(
        st.floats(1e-3, 1e3),
        st.sampled_from([0.5, 1.0, 2.0]),  # repeated levels
    ),
    min_size=1,
    max_size=8,
).map(np.array)
powers = st.one_of(st.floats(0.0, 1e4), st.sampled_from([0.0, 0.5, 1.0]))


@SETTINGS
@given(noise=noise_vectors, total=powers)
def test_water_filling_kkt_and_beats_equal_split(noise, total):
    res = water_filling(noise, total)
    check_kkt(noise, total, res)
    assert res.water_level == pytest.approx(bisection_water_level(noise, total), rel=1e-12)
    equal = np.sum(0.5 * np.log1p(total / noise.size / noise))
    assert res.capacity >= equal - 1e-12 * max(1.0, equal)
    # any other feasible allocation does no better either
    rng = np.random.default_rng(noise.size)
    other = total * rng.dirichlet(np.ones(noise.size))
    assert res.capacity >= np.sum(0.5 * np.log1p(other / noise)) - 1e-12 * max(1.0, equal)


def brute_force_capacity(noise: np.ndarray, total: float) -> float:
    """Numerical optimisation over the simplex {p >= 0, sum p = P} with SLSQP."""

    def neg(p):
        return -np.sum(0.5 * np.log1p(p / noise))

    def grad(p):
        return -0.5 / (noise + p)

    best = math.inf
    rng = np.random.default_rng(0)
    starts = [np.full(noise.size, total / noise.size)] + [
        total * rng.dirichlet(np.ones(noise.size)) for _ in range(3)
    ]
    for x0 in starts:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SLSQP may note steps outside the bounds
            opt = scipy.optimize.minimize(
                neg,
                x0,
                jac=grad,
                method="SLSQP",
                bounds=[(0.0, total)] * noise.size,
                constraints=[{"type": "eq", "fun": lambda p: p.sum() - total}],
                options={"ftol": 1e-15, "maxiter": 1000},
            )
        p = np.clip(opt.x, 0.0, None)  # the reference, not the code under test
        p *= total / p.sum()
        best = min(best, neg(p))
    return -best


@settings(max_examples=40, deadline=None)
@given(
    noise=st.lists(st.floats(0.05, 20.0), min_size=1, max_size=5).map(np.array),
    total=st.floats(0.01, 20.0),
)
def test_water_filling_matches_brute_force(noise, total):
    res = water_filling(noise, total)
    brute = brute_force_capacity(noise, total)
    assert res.capacity == pytest.approx(brute, abs=1e-6)
    assert res.capacity >= brute - 1e-12  # the optimiser never beats the optimum


def test_water_filling_example_and_base():
    res = water_filling([1.0, 2.0, 4.0], 2.0)
    assert res.power.tolist() == [1.5, 0.5, 0.0]
    assert res.water_level == 2.5
    assert res.active.tolist() == [True, True, False]
    assert res.capacity == pytest.approx(0.5 * math.log(2.5) + 0.5 * math.log(1.25), rel=1e-15)
    bits = water_filling([1.0, 2.0, 4.0], 2.0, base=2)
    assert bits.capacity == pytest.approx(res.capacity / LN2, rel=1e-15)
    assert bits.power.tolist() == res.power.tolist()


def test_water_filling_order_and_ties():
    res = water_filling([4.0, 1.0, 1.0, 2.0], 3.0)  # level 7/3 over n = 1, 1, 2
    np.testing.assert_allclose(res.power, [0.0, 4 / 3, 4 / 3, 1 / 3], rtol=1e-15)
    assert res.water_level == pytest.approx(7 / 3, rel=1e-15)
    assert res.active.tolist() == [False, True, True, True]
    # the level lands exactly on a noise level: that channel stays inactive
    res = water_filling([1.0, 1.0, 2.0], 2.0)
    assert res.water_level == 2.0
    assert res.power.tolist() == [1.0, 1.0, 0.0]
    assert res.active.tolist() == [True, True, False]
    res = water_filling([3.0] * 4, 2.0)
    assert res.power.tolist() == [0.5] * 4


def test_water_filling_zero_power():
    res = water_filling([2.0, 1.0, 3.0], 0.0)
    assert res.power.tolist() == [0.0, 0.0, 0.0]
    assert res.water_level == 1.0
    assert not res.active.any()
    assert res.capacity == 0.0


def test_water_filling_single_channel_is_gaussian_capacity():
    res = water_filling([0.7], 2.3)
    assert res.power.tolist() == [2.3]
    assert res.capacity == pytest.approx(gaussian_channel_capacity(2.3, 0.7), rel=1e-15)


def test_water_filling_huge_and_tiny_powers():
    tiny = water_filling([1.0, 1.0], 1e-300)  # mu rounds to 1, the powers do not
    assert tiny.power.tolist() == [5e-301, 5e-301]
    assert tiny.active.all()
    assert tiny.capacity == pytest.approx(1e-300 / 2, rel=1e-12)
    huge = water_filling([1.0, 2.0], 1e300)
    assert huge.power.sum() == pytest.approx(1e300, rel=1e-15)
    assert huge.capacity == pytest.approx(math.log(0.5e300) - 0.5 * math.log(2.0), rel=1e-12)
    big_snr = water_filling([1e-300], 1e300)  # SNR overflows: still finite
    assert big_snr.capacity == pytest.approx(0.5 * (math.log(1e300) + math.log(1e300)), rel=1e-15)
    spread = water_filling([1e-200, 1.0, 1e200], 1.0)
    assert spread.power.tolist() == [1.0, 0.0, 0.0]
    assert spread.water_level == pytest.approx(1.0, rel=1e-15)


# ------------------------------------------------------------------ linear layer


def test_layer_orthogonal_equal_singular_values():
    rng = np.random.default_rng(1)
    n, s, sigma, power = 6, 1.7, 0.4, 3.0
    q, _ = np.linalg.qr(rng.standard_normal((n, n)))
    res = layer_capacity(s * q, noise_std=sigma, input_power=power)
    even = n * gaussian_channel_capacity(power / n * s**2, sigma**2)
    assert res.capacity == pytest.approx(even, rel=1e-12)
    np.testing.assert_allclose(res.power, power / n, rtol=1e-12)
    np.testing.assert_allclose(res.singular_values, s, rtol=1e-12)
    assert res.active.all()


def test_layer_rank_deficient_uses_only_nonzero_modes():
    rng = np.random.default_rng(2)
    w = rng.standard_normal((5, 2)) @ rng.standard_normal((2, 7))  # rank 2, shape (out, in)
    res = layer_capacity(w, noise_std=0.5, input_power=1e6)  # power enough for every mode
    assert res.singular_values.shape == (5,)
    assert res.active.tolist() == [True, True, False, False, False]
    assert res.power[2:].tolist() == [0.0, 0.0, 0.0]
    s = res.singular_values[:2]
    ref = water_filling((0.5 / s) ** 2, 1e6)
    assert res.capacity == pytest.approx(ref.capacity, rel=1e-12)
    np.testing.assert_allclose(res.power[:2], ref.power, rtol=1e-10)
    # rtol=0 would turn rounding-error singular values (~1e-16) into channels
    assert np.all(np.linalg.svd(w, compute_uv=False)[2:] < 1e-12)


def test_layer_equals_log_det_of_optimal_covariance():
    """0.5 logdet(I + W S W^T / sigma^2) with S = V diag(p) V^T, and no trace-P S beats it."""
    rng = np.random.default_rng(3)
    w = rng.standard_normal((4, 3))
    sigma, power = 0.8, 2.0
    res = layer_capacity(w, noise_std=sigma, input_power=power)
    _, _, vt = np.linalg.svd(w)
    cov = vt.T @ np.diag(res.power) @ vt
    logdet = np.linalg.slogdet(np.eye(4) + w @ cov @ w.T / sigma**2)[1]
    assert res.capacity == pytest.approx(0.5 * logdet, rel=1e-12)
    for _ in range(50):
        a = rng.standard_normal((3, 3))
        other = a @ a.T
        other *= power / np.trace(other)
        rate = 0.5 * np.linalg.slogdet(np.eye(4) + w @ other @ w.T / sigma**2)[1]
        assert rate <= res.capacity + 1e-12


def test_layer_tutorial_formula_is_not_the_capacity():
    """Summing 0.5 log(1 + s^2 / sigma^2) over singular values is not water-filling."""
    w = np.diag([3.0, 1.0, 0.1])
    tutorial = np.sum(0.5 * np.log1p(np.linalg.svd(w, compute_uv=False) ** 2 / 1.0))
    assert tutorial == pytest.approx(1.502841, abs=1e-6)
    # it ignores the budget: the true capacity at P = 1 is far lower ...
    at_one = layer_capacity(w, noise_std=1.0, input_power=1.0)
    assert at_one.capacity == pytest.approx(1.152680, abs=1e-6)
    # ... and at the power it implicitly spends (1 per mode) water-filling does better,
    # by switching off the weak third mode
    at_three = layer_capacity(w, noise_std=1.0, input_power=3.0)
    assert at_three.capacity == pytest.approx(1.819158, abs=1e-6)
    assert at_three.active.tolist() == [True, True, False]
    assert at_three.capacity > tutorial + 0.3


def test_layer_shapes_and_inputs():
    rng = np.random.default_rng(4)
    w = rng.standard_normal((3, 8))
    res = layer_capacity(w, noise_std=1.0, input_power=2.0)
    assert res.power.shape == res.singular_values.shape == res.active.shape == (3,)
    assert res.power.sum() == pytest.approx(2.0, rel=1e-12)
    # the capacity depends on W only through its singular values
    assert layer_capacity(w.T, noise_std=1.0, input_power=2.0).capacity == pytest.approx(
        res.capacity, rel=1e-12
    )
    assert layer_capacity(w.tolist(), noise_std=1, input_power=2).capacity == res.capacity
    bits = layer_capacity(w, noise_std=1.0, input_power=2.0, base=2)
    assert bits.capacity == pytest.approx(res.capacity / LN2, rel=1e-15)
    zero = layer_capacity(np.zeros((2, 3)), noise_std=1.0, input_power=1.0)
    assert zero.capacity == 0.0
    assert not zero.active.any()
    assert math.isnan(zero.water_level)
    none = layer_capacity(w, noise_std=1.0, input_power=0.0)
    assert none.capacity == 0.0
    assert not none.active.any()


def test_layer_accepts_torch_weights():
    torch = pytest.importorskip("torch")
    lin = torch.nn.Linear(5, 3)
    res = layer_capacity(lin.weight, noise_std=0.1, input_power=1.0)
    ref = layer_capacity(lin.weight.detach().numpy(), noise_std=0.1, input_power=1.0)
    assert res.capacity == ref.capacity
    assert res.singular_values.shape == (3,)


# ------------------------------------------------------------------ channel capacity


@pytest.mark.parametrize("p", [0.0, 0.01, 0.1, 0.25, 0.4, 0.5, 0.9])
def test_binary_symmetric_channel(p):
    res = channel_capacity(bsc(p))
    assert res.capacity == pytest.approx(LN2 - h_b(p), abs=1e-9)
    assert res.converged
    assert res.gap <= 1e-9
    assert res.upper_bound - res.capacity == pytest.approx(res.gap, abs=1e-15)
    np.testing.assert_allclose(res.input_distribution, [0.5, 0.5], atol=1e-6)
    bits = channel_capacity(bsc(p), base=2)
    assert bits.capacity == pytest.approx(1 - h_b(p) / LN2, abs=1e-9)


@pytest.mark.parametrize("e", [0.0, 0.2, 0.5, 0.99, 1.0])
def test_binary_erasure_channel(e):
    bec = [[1 - e, e, 0.0], [0.0, e, 1 - e]]
    assert channel_capacity(bec).capacity == pytest.approx((1 - e) * LN2, abs=1e-9)
    assert channel_capacity(bec, base=2).capacity == pytest.approx(1 - e, abs=1e-9)


def z_capacity_bits(p: float) -> float:
    """C = log2(1 + (1 - p) p^(p / (1 - p))) bits for the Z-channel 1 -> 0 with probability p.

    Derivation: with P(X = 1) = a and q = a (1 - p), I = H_b(q) - a H_b(p). Setting
    dI/da = 0 gives log2((1 - q) / q) = H_b(p) / (1 - p), i.e. q = 1 / (1 + 2^(H/(1-p))),
    and then C = log2(1 + 2^(-H_b(p) / (1 - p))); finally
    2^(-H_b(p) / (1 - p)) = p^(p / (1 - p)) (1 - p).
    """
    return math.log2(1 + (1 - p) * p ** (p / (1 - p)))


@pytest.mark.parametrize("p", [0.01, 0.1, 0.3, 0.5, 0.8, 0.99])
def test_z_channel(p):
    z = [[1.0, 0.0], [p, 1 - p]]
    res = channel_capacity(z, base=2)
    assert res.capacity == pytest.approx(z_capacity_bits(p), abs=1e-9)

    # verify the closed form itself by maximising I(X; Y) over P(X = 1) numerically
    def neg_info(a):
        return -(h_b(a * (1 - p)) - a * h_b(p)) / LN2

    opt = scipy.optimize.minimize_scalar(neg_info, bounds=(0, 1), method="bounded")
    assert -opt.fun == pytest.approx(z_capacity_bits(p), abs=1e-9)
    assert res.input_distribution[1] == pytest.approx(opt.x, abs=1e-4)


@pytest.mark.parametrize("n", [1, 2, 3, 7, 16])
def test_noiseless_channel(n):
    perm = np.eye(n)[np.random.default_rng(n).permutation(n)]
    assert channel_capacity(perm).capacity == pytest.approx(math.log(n), abs=1e-9)
    assert channel_capacity(np.eye(n), base=2).capacity == pytest.approx(math.log2(n), abs=1e-9)


def test_symmetric_channel_and_useless_inputs():
    row = np.array([0.5, 0.3, 0.2])
    sym = np.stack([np.roll(row, k) for k in range(3)])
    expected = math.log(3) + float(np.sum(row * np.log(row)))
    assert channel_capacity(sym).capacity == pytest.approx(expected, abs=1e-9)
    # identical rows: the output says nothing about the input
    assert channel_capacity([row, row, row]).capacity == pytest.approx(0.0, abs=1e-9)
    # an input that only mixes the others is never used
    ch = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    res = channel_capacity(ch)
    assert res.capacity == pytest.approx(LN2, abs=1e-9)
    assert res.input_distribution[2] < 1e-6


def test_capacity_upper_bound_survives_underflow():
    """An input started at a subnormal probability: its output's q(y) underflows.

    Taking log q(y) = 0 there (a common shortcut) gives that input D_x = 0 instead of a
    huge divergence, the bounds meet at log 2 and the iteration stops at a wrong answer.
    """
    res = channel_capacity(np.eye(3), initial=[1.0, 1.0, 1e-320])
    assert res.capacity == pytest.approx(math.log(3), abs=1e-9)
    np.testing.assert_allclose(res.input_distribution, 1 / 3, atol=1e-6)


def test_capacity_result_fields():
    ch = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]])
    res = channel_capacity(ch)
    np.testing.assert_allclose(res.output_distribution, res.input_distribution @ ch, rtol=1e-12)
    joint = res.input_distribution[:, None] * ch
    assert res.capacity == pytest.approx(mutual_info_table(joint), abs=1e-12)
    assert res.capacity <= res.upper_bound
    assert res.input_distribution.sum() == pytest.approx(1.0, abs=1e-15)
    assert isinstance(res.n_iter, int)
    assert res.n_iter >= 1


@SETTINGS
@given(seed=st.integers(0, 2**32 - 1), m=st.integers(2, 5), n=st.integers(2, 5))
@example(seed=2100, m=2, n=2)  # nearly equal rows: the textbook iteration runs out
def test_blahut_arimoto_converges_from_any_interior_start(seed, m, n):
    rng = np.random.default_rng(seed)
    ch = random_channel(rng, m, n)
    ref = channel_capacity(ch, tol=1e-12, max_iter=500_000)
    start = rng.dirichlet(np.full(m, rng.choice([0.2, 1.0, 5.0]))) + 1e-12
    for initial in (None, start):
        # the textbook iteration crawls on nearly useless channels: a looser tol for it, and
        # from a lopsided start it may still run out of iterations (seed=2100, m=n=2: gap
        # 1.4e-6 after 1e6), which it must say
        for accelerate, tol, max_iter in ((True, 1e-9, 1_000_000), (False, 1e-7, 100_000)):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                res = channel_capacity(
                    ch, initial=initial, accelerate=accelerate, tol=tol, max_iter=max_iter
                )
            assert res.converged or not accelerate
            assert res.converged == (not caught)
            assert (res.gap <= tol) == res.converged
            slack = 1e-6 if res.converged else res.gap + 1e-12  # C lies within gap above it
            assert res.capacity == pytest.approx(ref.capacity, abs=slack)
            # the certified bounds bracket the capacity (ref is itself within 1e-12)
            assert res.capacity <= ref.upper_bound + 1e-12
            assert res.upper_bound >= ref.capacity - 1e-12


def binary_input_capacity(ch: np.ndarray) -> float:
    """Reference for 2-input channels: maximise the concave I(a) over P(X = 1) = a."""

    def neg_info(a):
        joint = np.array([1 - a, a])[:, None] * ch
        return -mutual_info_table(joint)

    opt = scipy.optimize.minimize_scalar(
        neg_info, bounds=(0, 1), method="bounded", options={"xatol": 1e-12}
    )
    return max(-opt.fun, -neg_info(0.0), -neg_info(1.0))


@pytest.mark.parametrize(
    "ch",
    [
        [[0.0933, 0.9067], [0.0941, 0.9059]],  # nearly useless: C ~ 1e-6 nats
        [[0.3, 0.5, 0.2], [0.3, 0.5 - 1e-3, 0.2 + 1e-3]],
        [[0.9, 0.1, 0.0], [0.0, 0.2, 0.8]],
        [[0.25, 0.25, 0.5], [0.5, 0.25, 0.25]],
    ],
)
def test_binary_input_channels_against_one_dimensional_search(ch):
    ch = np.array(ch)
    res = channel_capacity(ch)  # default tol and max_iter: no warning
    assert res.converged
    assert res.capacity == pytest.approx(binary_input_capacity(ch), abs=1e-9)


def test_hard_channels_converge_with_the_defaults():
    """Near-duplicate rows and dominated inputs make the textbook iteration crawl."""
    ch = np.array(
        [
            [3.4047e-04, 9.9966e-01],
            [3.6451e-01, 6.3549e-01],
            [1.0 - 3.0682e-09, 3.0682e-09],
            [1.7925e-06, 1.0 - 1.7925e-06],
            [1.0 - 1.3128e-03, 1.3128e-03],
            [1.8012e-06, 1.0 - 1.8012e-06],
        ]
    )
    fast = channel_capacity(ch)
    assert fast.converged
    with pytest.warns(RuntimeWarning, match="max_iter=10000"):
        plain = channel_capacity(ch, accelerate=False)
    assert plain.capacity <= fast.upper_bound  # both bracket the same capacity
    assert fast.capacity <= plain.upper_bound


def test_plain_and_accelerated_agree():
    rng = np.random.default_rng(5)
    ch = random_channel(rng, 6, 4)
    fast = channel_capacity(ch, max_iter=200_000)
    plain = channel_capacity(ch, accelerate=False, max_iter=200_000)
    assert fast.capacity == pytest.approx(plain.capacity, abs=2e-9)
    assert fast.n_iter <= plain.n_iter


def test_capacity_warns_when_max_iter_runs_out():
    ch = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]])
    with pytest.warns(RuntimeWarning, match="max_iter=2"):
        res = channel_capacity(ch, max_iter=2, initial=[0.9, 0.05, 0.05])
    assert not res.converged
    assert res.n_iter == 2
    assert res.gap > 1e-9


def test_capacity_row_sum_tolerance():
    ok = np.array([[0.5, 0.5 + 0.5 * ROW_SUM_TOL], [0.2, 0.8]])
    assert channel_capacity(ok).converged
    bad = np.array([[0.5, 0.5 + 2 * ROW_SUM_TOL], [0.2, 0.8]])
    with pytest.raises(ValueError, match="p_y_given_x row 0 sums to"):
        channel_capacity(bad)
    with pytest.raises(ValueError, match="pass the transpose"):
        channel_capacity([[0.9, 0.4], [0.1, 0.6]])  # columns are the inputs


# ------------------------------------------------------------------ rate-distortion


def bernoulli_rd(p: float, d: float) -> float:
    return h_b(p) - h_b(d) if d < min(p, 1 - p) else 0.0


@pytest.mark.parametrize("p", [0.5, 0.3, 0.11, 0.9])
def test_bernoulli_hamming_rate_distortion(p):
    dmax = min(p, 1 - p)
    targets = np.concatenate([[0.0, 1e-4], np.linspace(0.01, dmax, 9), [dmax - 1e-4, 0.6, 1.0]])
    res = rate_distortion([1 - p, p], HAMMING, distortions=targets)
    expected = [bernoulli_rd(p, d) for d in targets]
    np.testing.assert_allclose(res.rate, expected, rtol=0, atol=1e-6)
    # each rate is achievable and within the certified gap of R(D)
    assert np.all(res.rate - expected >= -1e-12)
    assert np.all(res.rate - expected <= res.gap + 1e-12)
    assert res.converged.all()
    assert (res.gap <= 1e-9).all()
    np.testing.assert_array_equal(res.distortion, targets)
    assert res.rate[0] == pytest.approx(h_b(p), abs=1e-12)  # D_min = 0: R = H(X)
    assert res.beta[0] == math.inf
    assert res.beta[-1] == 0.0
    bits = rate_distortion([1 - p, p], HAMMING, distortions=targets, base=2)
    np.testing.assert_allclose(bits.rate, np.array(expected) / LN2, rtol=0, atol=1e-6)


def test_rate_distortion_test_channels():
    p = np.array([0.6, 0.4])
    targets = [0.0, 0.05, 0.2, 0.39, 0.4, 0.5]
    res = rate_distortion(p, HAMMING, distortions=targets)
    assert res.conditional.shape == (6, 2, 2)
    np.testing.assert_allclose(res.conditional.sum(axis=2), 1.0, rtol=1e-12)
    for k, target in enumerate(targets):
        cond = res.conditional[k]
        reached = float(np.sum(p[:, None] * cond * HAMMING))
        if target < 0.4:
            assert reached == pytest.approx(target, abs=1e-12)  # hits the target exactly
        else:
            assert reached <= target
        # the rate is the mutual information of the returned test channel
        assert res.rate[k] == pytest.approx(mutual_info_table(p[:, None] * cond), abs=1e-12)


def test_rate_distortion_betas():
    p = 0.3
    betas = [0.0, 0.5, 1.0, 2.0, 5.0, math.inf]
    res = rate_distortion([1 - p, p], HAMMING, betas=betas)
    np.testing.assert_array_equal(res.beta, betas)
    # beta = 0: the point (D_max, 0); beta below the slope at D_max (ln(7/3)): the same
    assert res.distortion[0] == pytest.approx(0.3, abs=1e-15)
    assert res.rate[0] == 0.0
    assert res.rate[1] == pytest.approx(0.0, abs=1e-8)
    for k in (2, 3, 4):  # slope -beta of H_b(p) - H_b(D) is at D = 1 / (1 + e^beta)
        d = 1 / (1 + math.exp(betas[k]))
        assert res.distortion[k] == pytest.approx(d, abs=1e-5)
        assert res.rate[k] == pytest.approx(bernoulli_rd(p, res.distortion[k]), abs=1e-8)
    assert res.distortion[-1] == 0.0
    assert res.rate[-1] == pytest.approx(h_b(p), abs=1e-12)


def test_rate_distortion_default_grid_three_symbols():
    p = np.array([0.2, 0.3, 0.5])
    d = np.abs(np.subtract.outer(np.arange(3), np.arange(3))).astype(float)
    res = rate_distortion(p, d)
    assert res.distortion.shape == (21,)
    assert res.distortion[0] == 0.0  # D_min
    # D_max = 0.7: always reproduce 1 (or 2, a tie)
    assert res.distortion[-1] == pytest.approx(0.7, abs=1e-15)
    assert res.rate[0] == pytest.approx(-np.sum(p * np.log(p)), abs=1e-9)
    assert res.rate[-1] == 0.0
    assert np.all(np.diff(res.rate) <= 1e-9)  # non-increasing
    slopes = np.diff(res.rate) / np.diff(res.distortion)
    assert np.all(np.diff(slopes) >= -1e-5)  # convex
    assert res.converged.all()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), m=st.integers(2, 3), k=st.integers(2, 4))
def test_rate_distortion_random_sources(seed, m, k):
    """Targets are hit exactly, no feasible test channel beats ``rate - gap``, and the
    curve is non-increasing and convex.

    Convergence to the default tol is not asserted: where the curve has a straight piece
    Blahut's iteration crawls and a point can stop short (with a warning and an honest
    ``gap``); every check below uses the reported gap, so it holds either way.
    """
    rng = np.random.default_rng(seed)
    p = rng.dirichlet(np.ones(m))
    d = rng.random((m, k))
    d_min = float(p @ d.min(axis=1))
    d_max = float((p @ d).min())
    targets = d_min + (d_max - d_min) * np.array([0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0])
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "rate_distortion: ", RuntimeWarning)
        res = rate_distortion(p, d, distortions=targets)
    assert (res.gap <= 1e-6).all()
    best = np.zeros((m, k))
    best[np.arange(m), d.argmin(axis=1)] = 1.0  # the D_min test channel
    for j, target in enumerate(targets):
        cond = res.conditional[j]
        reached = float(np.sum(p[:, None] * cond * d))
        assert reached == pytest.approx(min(target, d_max), abs=1e-9)
        assert res.rate[j] == pytest.approx(mutual_info_table(p[:, None] * cond), abs=1e-12)
        # random feasible test channels, mixed with the D_min one to reach <= target
        for _ in range(20):
            other = rng.dirichlet(np.ones(k), size=m)
            d_other = float(np.sum(p[:, None] * other * d))
            lam = 1.0 if d_other <= target else (target - d_min) / (d_other - d_min)
            lam = min(1.0, max(0.0, lam))  # D_max = D_min up to rounding: lam ~ -1e-17
            mix = lam * other + (1 - lam) * best
            rate = mutual_info_table(p[:, None] * mix)
            assert rate >= res.rate[j] - res.gap[j] - 1e-12
    assert np.all(np.diff(res.rate) <= 1e-9)
    if d_max - d_min > 1e-6:
        slopes = np.diff(res.rate) / np.diff(targets)
        assert np.all(np.diff(slopes) >= -1e-4 * (1 + np.abs(slopes[1:])))


def test_rate_distortion_nearly_straight_curve():
    """A 3-symbol source whose curve is almost straight for D in (0.34, 0.39) (the
    optimal reproduction support changes there): Blahut's iteration crawls near that
    slope (100k+ textbook steps per solve), yet each target is certified within the
    default max_iter, and R is nearly linear."""
    p = np.array([0.04945, 0.3773, 0.57325])
    d = np.array(
        [[0.54168, 0.24979, 0.38568], [0.17035, 0.84525, 0.45671], [0.78794, 0.17858, 0.37817]]
    )
    targets = np.array([0.35, 0.365, 0.38])
    res = rate_distortion(p, d, distortions=targets)
    assert res.converged.all()
    slopes = np.diff(res.rate) / np.diff(targets)
    np.testing.assert_allclose(slopes, -1.6037, atol=1e-3)
    assert slopes[1] - slopes[0] > 0  # still convex


def test_rate_distortion_drops_dominated_reproductions():
    p = [0.7, 0.3]
    worse = [[0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 1.0, 1.0]]  # column 2 dominated, 3 a copy of 0
    res = rate_distortion(p, worse, distortions=[0.05, 0.1, 0.2])
    ref = rate_distortion(p, HAMMING, distortions=[0.05, 0.1, 0.2])
    np.testing.assert_allclose(res.rate, ref.rate, rtol=0, atol=2e-9)
    assert np.all(res.conditional[:, :, 2:] == 0)
    np.testing.assert_allclose(res.conditional[:, :, :2], ref.conditional, atol=1e-6)


def test_discretised_gaussian_approaches_closed_form():
    """A finely discretised N(0, 1) under squared error: R(D) -> 0.5 log(1 / D).

    Tolerance 1e-4 nats: the computed points are within ``tol = 1e-5`` of the *discrete*
    source's R(D) (certified), and the grid (spacing 0.12 over +-6 sigma, much finer than
    sqrt(D)) changes R(D) by far less than that; a coarse tolerance on a certificate
    that is slow to tighten (see the rate_distortion notes) keeps the test fast.
    """
    x = np.linspace(-6.0, 6.0, 101)
    p = np.exp(-(x**2) / 2)
    p /= p.sum()
    d = np.subtract.outer(x, x) ** 2
    res = rate_distortion(p, d, betas=[0.625, 1.0, 2.5, 5.0], tol=1e-5, max_iter=50_000)
    assert res.converged.all()
    np.testing.assert_allclose(res.distortion, [0.8, 0.5, 0.2, 0.1], atol=1e-3)  # D = 1/(2 beta)
    np.testing.assert_allclose(
        res.rate, gaussian_rate_distortion(1.0, res.distortion), rtol=0, atol=1e-4
    )


def test_rate_distortion_warns_when_max_iter_runs_out():
    with pytest.warns(RuntimeWarning, match="did not reach tol"):
        res = rate_distortion([0.3, 0.7], HAMMING, betas=[1.0], max_iter=1, accelerate=False)
    assert not res.converged[0]
    assert res.n_iter[0] == 1


def test_rate_distortion_plain_iteration_agrees():
    p = [0.2, 0.8]
    a = rate_distortion(p, HAMMING, distortions=[0.05, 0.1], accelerate=False, max_iter=100_000)
    b = rate_distortion(p, HAMMING, distortions=[0.05, 0.1])
    np.testing.assert_allclose(a.rate, b.rate, rtol=0, atol=2e-9)
    np.testing.assert_allclose(a.rate, [bernoulli_rd(0.2, 0.05), bernoulli_rd(0.2, 0.1)], atol=1e-6)


def test_rate_distortion_zero_probability_symbol_and_counts():
    res = rate_distortion([3, 0, 1], [[0, 1], [1, 0], [1, 0]], distortions=[0.1])
    assert res.rate[0] == pytest.approx(bernoulli_rd(0.25, 0.1), abs=1e-6)
    np.testing.assert_allclose(res.conditional[0].sum(axis=1), 1.0, rtol=1e-12)


# ------------------------------------------------------------------ bad input

CH = bsc(0.1)


def layer(w=None, **kw):
    kw = {"noise_std": 1.0, "input_power": 1.0, **kw}
    return layer_capacity(np.eye(2) if w is None else w, **kw)


def cap(ch=CH, **kw):
    return channel_capacity(ch, **kw)


def rd(p=(0.5, 0.5), d=HAMMING, **kw):
    return rate_distortion(p, d, **kw)


BAD = [
    (lambda: gaussian_channel_capacity(-1.0, 1.0), ValueError, "signal_power has negative"),
    (lambda: gaussian_channel_capacity(1.0, 0.0), ValueError, "noise_power must be positive"),
    (lambda: gaussian_channel_capacity(1.0, -2.0), ValueError, "noise_power must be positive"),
    (lambda: gaussian_channel_capacity(np.inf, 1.0), ValueError, "signal_power contains inf"),
    (lambda: gaussian_channel_capacity(1.0, np.nan), ValueError, "noise_power contains NaN"),
    (lambda: gaussian_channel_capacity("1", 1.0), TypeError, "signal_power has dtype"),
    (lambda: gaussian_channel_capacity(None, 1.0), TypeError, "signal_power is None"),
    (lambda: gaussian_channel_capacity([1, 2], [1, 2, 3]), ValueError, "do not broadcast"),
    (lambda: gaussian_channel_capacity(1.0, 1.0, base=1), ValueError, "base must be"),
    (lambda: gaussian_rate_distortion(-1.0, 1.0), ValueError, "variance has negative"),
    (lambda: gaussian_rate_distortion(1.0, -0.1), ValueError, "distortion has negative"),
    (lambda: gaussian_rate_distortion(1.0, np.nan), ValueError, "distortion contains NaN"),
    (lambda: gaussian_rate_distortion(np.inf, 1.0), ValueError, "variance contains inf"),
    (lambda: gaussian_rate_distortion(1.0, 1j), TypeError, "distortion has dtype complex"),
    (lambda: gaussian_rate_distortion([1, 2], [1, 2, 3]), ValueError, "do not broadcast"),
    (lambda: water_filling([[1.0, 2.0]], 1.0), ValueError, r"noise_powers has shape \(1, 2\)"),
    (lambda: water_filling(1.0, 1.0), ValueError, r"noise_powers has shape \(\)"),
    (lambda: water_filling([], 1.0), ValueError, "noise_powers is empty"),
    (lambda: water_filling([1.0, 0.0], 1.0), ValueError, "noise_powers must be positive"),
    (lambda: water_filling([1.0, -1.0], 1.0), ValueError, "noise_powers must be positive"),
    (lambda: water_filling([1.0, np.inf], 1.0), ValueError, "noise_powers contains inf"),
    (lambda: water_filling([1.0, np.nan], 1.0), ValueError, "noise_powers contains NaN"),
    (lambda: water_filling(["a"], 1.0), TypeError, "noise_powers has dtype"),
    (lambda: water_filling([1.0], -1.0), ValueError, "total_power must be non-negative"),
    (lambda: water_filling([1.0], np.inf), ValueError, "total_power must be finite"),
    (lambda: water_filling([1.0], np.nan), ValueError, "total_power must be finite"),
    (lambda: water_filling([1.0], "1"), TypeError, "total_power must be a real number"),
    (lambda: water_filling([1.0], True), TypeError, "total_power must be a real number"),
    (lambda: water_filling([1.0], [1.0]), TypeError, "total_power must be a real number"),
    (lambda: layer(np.ones(3)), ValueError, r"weight has shape \(3,\)"),
    (lambda: layer(np.ones((2, 2, 2))), ValueError, r"weight has shape \(2, 2, 2\)"),
    (lambda: layer(np.ones((0, 3))), ValueError, "weight is empty"),
    (lambda: layer([[1.0, np.nan]]), ValueError, "weight contains NaN"),
    (lambda: layer([[1.0, np.inf]]), ValueError, "weight contains inf"),
    (lambda: layer(np.eye(2) * 1j), TypeError, "weight has dtype complex"),
    (lambda: layer_capacity(None, noise_std=1, input_power=1), TypeError, "weight is None"),
    (lambda: layer(noise_std=0), ValueError, "noise_std must be positive"),
    (lambda: layer(noise_std=-1), ValueError, "noise_std must be positive"),
    (lambda: layer(noise_std=np.inf), ValueError, "noise_std must be finite"),
    (lambda: layer(noise_std=None), TypeError, "noise_std must be a real"),
    (lambda: layer(input_power=-1), ValueError, "input_power must be non-negative"),
    (lambda: layer(input_power=np.nan), ValueError, "input_power must be finite"),
    (lambda: layer(rtol=-1), ValueError, "rtol must be non-negative"),
    (lambda: layer(base=1), ValueError, "base must be positive and not 1"),
    (lambda: cap([0.5, 0.5]), ValueError, r"p_y_given_x has shape \(2,\)"),
    (lambda: cap(np.empty((0, 2))), ValueError, "p_y_given_x is empty"),
    (lambda: cap([[0.5, np.nan], [0.5, 0.5]]), ValueError, "p_y_given_x contains NaN"),
    (lambda: cap([[0.5, np.inf], [0.5, 0.5]]), ValueError, "p_y_given_x contains inf"),
    (lambda: cap([[1.5, -0.5], [0.5, 0.5]]), ValueError, "p_y_given_x has negative"),
    (lambda: cap([[0.5, 0.4], [0.5, 0.5]]), ValueError, "p_y_given_x row 0 sums to 0.9"),
    (lambda: cap([["a", "b"]]), TypeError, "p_y_given_x has dtype"),
    (lambda: cap(None), TypeError, "p_y_given_x is None"),
    (lambda: cap(initial=[1.0, 0.0]), ValueError, "initial has zero entries"),
    (lambda: cap(initial=[0.5, 0.3, 0.2]), ValueError, r"initial has shape \(3,\)"),
    (lambda: cap(initial=[0.5, -0.5]), ValueError, "initial has 1 negative"),
    (lambda: cap(initial=[0.5, np.nan]), ValueError, "initial contains NaN"),
    (lambda: cap(tol=0.0), ValueError, "tol must be positive"),
    (lambda: cap(tol=np.nan), ValueError, "tol must be finite"),
    (lambda: cap(tol="small"), TypeError, "tol must be a real number"),
    (lambda: cap(max_iter=0), ValueError, "max_iter must be at least 1"),
    (lambda: cap(max_iter=10.0), TypeError, "max_iter must be an int"),
    (lambda: cap(accelerate="yes"), TypeError, "accelerate must be True or False"),
    (lambda: cap(base=-2), ValueError, "base must be positive"),
    (lambda: rd([[0.5, 0.5]]), ValueError, r"p_x has shape \(1, 2\)"),
    (lambda: rd([0.5, -0.5]), ValueError, "p_x has 1 negative"),
    (lambda: rd([0.0, 0.0]), ValueError, "p_x sums to 0"),
    (lambda: rd([0.5, np.nan]), ValueError, "p_x contains NaN"),
    (lambda: rd(None), TypeError, "p_x is None"),
    (lambda: rd(d=[0, 1]), ValueError, r"distortion has shape \(2,\)"),
    (lambda: rd([0.2, 0.3, 0.5]), ValueError, "p_x has 3 outcomes"),
    (lambda: rd(d=np.empty((2, 0))), ValueError, r"distortion has shape \(2, 0\)"),
    (lambda: rd(d=[[0, -1], [1, 0]]), ValueError, "distortion has negative"),
    (lambda: rd(d=[[0, np.inf], [1, 0]]), ValueError, "distortion contains inf"),
    (lambda: rd(d=[[0, np.nan], [1, 0]]), ValueError, "distortion contains NaN"),
    (lambda: rd(d=[["a", "b"], ["c", "d"]]), TypeError, "distortion has dtype"),
    (lambda: rd(betas=[-1.0]), ValueError, "betas has negative"),
    (lambda: rd(betas=[np.nan]), ValueError, "betas contains NaN"),
    (lambda: rd(betas=[]), ValueError, "betas is empty"),
    (lambda: rd(betas=[[1.0]]), ValueError, r"betas has shape \(1, 1\)"),
    (lambda: rd(d=[[1, 2], [2, 1]], distortions=[0.5]), ValueError, "below D_min = 1.0"),
    (lambda: rd(distortions=[-0.1]), ValueError, "distortions has negative"),
    (lambda: rd(distortions=[np.inf]), ValueError, "distortions contains inf"),
    (lambda: rd(distortions=[np.nan]), ValueError, "distortions contains NaN"),
    (lambda: rd(betas=1, distortions=0.1), ValueError, "not both"),
    (lambda: rd(tol=-1), ValueError, "tol must be positive"),
    (lambda: rd(max_iter=-5), ValueError, "max_iter must be at least 1"),
    (lambda: rd(accelerate=1), TypeError, "accelerate must be True or False"),
    (lambda: rd(base=0), ValueError, "base must be positive"),
]


@pytest.mark.parametrize(("call", "error", "match"), BAD, ids=[m for _, _, m in BAD])
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
