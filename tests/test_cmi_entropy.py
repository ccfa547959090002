"""Frenzel-Pompe conditional MI and Kozachenko-Leonenko entropy."""

from __future__ import annotations

import numpy as np
import pytest
from brute import frenzel_pompe_ref, kozachenko_leonenko_ref

import fastit


def _logdet(s: np.ndarray) -> float:
    sign, value = np.linalg.slogdet(s)
    assert sign > 0
    return float(value)


def gaussian_cmi(cov: np.ndarray, ix: list[int], iy: list[int], iz: list[int]) -> float:
    """I(X;Y|Z) = 1/2 ln(det S_xz det S_yz / (det S_z det S_xyz))."""

    def ld(idx: list[int]) -> float:
        return _logdet(cov[np.ix_(idx, idx)])

    return 0.5 * (ld(ix + iz) + ld(iy + iz) - ld(iz) - ld(ix + iy + iz))


# ---------------------------------------------------------------- Frenzel-Pompe


@pytest.mark.parametrize(("dx", "dy", "dz"), [(1, 1, 1), (2, 1, 2), (1, 2, 1), (1, 1, 3)])
@pytest.mark.parametrize("k", [1, 3, 6])
def test_frenzel_pompe_equals_brute_force(dx: int, dy: int, dz: int, k: int) -> None:
    rng = np.random.default_rng(100 * dx + 10 * dy + dz + k)
    n = 200
    z = rng.standard_normal((n, dz))
    x = 0.7 * z[:, :1] + rng.standard_normal((n, dx))
    y = 0.5 * x[:, :1] - 0.6 * z[:, :1] + rng.standard_normal((n, dy))
    got = fastit.conditional_mutual_info(x, y, z, k=k, standardize=False)
    assert got == pytest.approx(frenzel_pompe_ref(x, y, z, k), abs=1e-12)
    local = fastit.conditional_mutual_info(x, y, z, k=k, standardize=False, local=True)
    np.testing.assert_allclose(local, frenzel_pompe_ref(x, y, z, k, local=True), atol=1e-12, rtol=0)
    # Symmetric in x and y.
    assert fastit.conditional_mutual_info(y, x, z, k=k, standardize=False) == pytest.approx(
        got, abs=1e-12
    )


def test_frenzel_pompe_counts_strictly_on_integer_data() -> None:
    # Tie-free integer columns (permutations): many points exactly on the radius.
    rng = np.random.default_rng(3)
    n = 150
    z = rng.permutation(n).astype(float)
    x = np.empty(n)
    x[np.argsort(z + rng.normal(0, 15, n), kind="stable")] = np.arange(n)
    y = np.empty(n)
    y[np.argsort(z + rng.normal(0, 15, n), kind="stable")] = np.arange(n)
    got = fastit.conditional_mutual_info(x, y, z, standardize=False)
    assert got == pytest.approx(frenzel_pompe_ref(x, y, z, 3), abs=1e-12)


def test_frenzel_pompe_markov_chain_is_zero() -> None:
    # X -> Y -> Z: X and Z are independent given Y (measured 0.0024, 0.0044, -0.0008).
    rng = np.random.default_rng(0)
    n = 100_000
    x = rng.standard_normal(n)
    y = 0.8 * x + 0.6 * rng.standard_normal(n)
    z = 0.8 * y + 0.6 * rng.standard_normal(n)
    assert abs(fastit.conditional_mutual_info(x, z, y)) < 0.01
    # ... while they are far from independent: I(X;Z) = -1/2 ln(1 - 0.64^2) = 0.26.
    assert fastit.mutual_info(x, z) == pytest.approx(-0.5 * np.log(1 - 0.64**2), abs=0.01)


@pytest.mark.parametrize(
    ("mixing", "split", "tol"),
    [
        # (lower-triangular mixing A, S = A A^T; columns (z..., x..., y...); tolerance).
        # Measured errors at n = 1e5, seeds 0..3: 3-D <= 0.002, 5-D <= 0.006.
        ([[1, 0, 0], [0.5, 1, 0], [0.7, 0.6, 1.0]], (1, 1, 1), 0.01),
        (
            [
                [1.0, 0, 0, 0, 0],
                [0.3, 1.0, 0, 0, 0],
                [0.5, -0.4, 1.0, 0, 0],
                [0.2, 0.6, 0.3, 1.0, 0],
                [-0.4, 0.3, 0.5, 0.4, 1.0],
            ],
            (2, 2, 1),
            0.015,
        ),
    ],
)
def test_frenzel_pompe_gaussian_closed_form(mixing, split, tol: float) -> None:
    a = np.asarray(mixing, dtype=float)
    cov = a @ a.T
    dz, dx, dy = split
    iz = list(range(dz))
    ix = list(range(dz, dz + dx))
    iy = list(range(dz + dx, dz + dx + dy))
    truth = gaussian_cmi(cov, ix, iy, iz)
    assert truth > 0.05
    rng = np.random.default_rng(1)
    w = rng.standard_normal((100_000, a.shape[0])) @ a.T
    got = fastit.conditional_mutual_info(w[:, ix], w[:, iy], w[:, iz])
    assert abs(got - truth) < tol, (got, truth)


def test_cmi_units_local_and_threads() -> None:
    rng = np.random.default_rng(4)
    n = 20_000
    z = rng.standard_normal((n, 2))
    x = z[:, 0] + rng.standard_normal(n)
    y = x + z[:, 1] + rng.standard_normal(n)
    value = fastit.conditional_mutual_info(x, y, z, n_jobs=1)
    assert type(value) is float
    for n_jobs in (2, 3, 4):
        assert fastit.conditional_mutual_info(x, y, z, n_jobs=n_jobs) == value
    assert fastit.conditional_mutual_info(x, y, z, base=2) == pytest.approx(
        value / np.log(2), rel=1e-13
    )
    local = fastit.conditional_mutual_info(x, y, z, local=True)
    assert local.shape == (n,)
    assert np.mean(local) == pytest.approx(value, abs=1e-12)
    # Tie-free data: the seed changes nothing.
    assert fastit.conditional_mutual_info(x, y, z, random_state=5) == value


# ---------------------------------------------------------------- Kozachenko-Leonenko


@pytest.mark.parametrize("d", [1, 2, 3, 4])
@pytest.mark.parametrize("k", [1, 3, 8])
def test_kozachenko_leonenko_equals_brute_force(d: int, k: int) -> None:
    rng = np.random.default_rng(10 * d + k)
    x = rng.standard_normal((180, d)) @ (np.eye(d) + 0.4)
    got = fastit.differential_entropy(x, k=k)
    assert got == pytest.approx(kozachenko_leonenko_ref(x, k), abs=1e-12)
    local = fastit.differential_entropy(x, k=k, local=True)
    np.testing.assert_allclose(local, kozachenko_leonenko_ref(x, k, local=True), atol=1e-12)
    assert np.mean(local) == pytest.approx(got, abs=1e-12)


def test_kozachenko_leonenko_uses_the_data_in_their_own_units() -> None:
    # Scaling by a power of two is exact in floating point: h(4x) = h(x) + d ln 4.
    rng = np.random.default_rng(5)
    for d in (1, 3):
        x = rng.standard_normal((3000, d))
        h = fastit.differential_entropy(x)
        assert fastit.differential_entropy(4.0 * x) == pytest.approx(h + d * np.log(4), abs=1e-12)
        assert fastit.differential_entropy(x + 1000.0) == pytest.approx(h, abs=1e-6)
        assert fastit.differential_entropy(x, base=2) == pytest.approx(h / np.log(2), rel=1e-13)
        for n_jobs in (1, 2, 3):
            assert fastit.differential_entropy(x, n_jobs=n_jobs) == h


def _gaussian_case(rng: np.random.Generator, n: int, d: int) -> tuple[np.ndarray, float]:
    b = np.eye(d) + 0.3 * np.tril(np.ones((d, d)), -1)
    cov = b @ b.T
    x = rng.standard_normal((n, d)) @ b.T
    return x, 0.5 * (d * np.log(2 * np.pi * np.e) + _logdet(cov))


# Measured |error| at n = 1e5 over seeds 0..2: 1-D Gaussian <= 0.007, 2-D <= 0.004,
# 3-D <= 0.006, 5-D -0.030..-0.037 (bias); uniform 1-D/2-D <= 0.007, 3-D +0.028..+0.034
# (boundary bias); exponential <= 0.005.
@pytest.mark.parametrize(("d", "tol"), [(1, 0.015), (2, 0.015), (3, 0.02), (5, 0.07)])
def test_kozachenko_leonenko_gaussian(d: int, tol: float) -> None:
    x, truth = _gaussian_case(np.random.default_rng(20 + d), 100_000, d)
    assert abs(fastit.differential_entropy(x) - truth) < tol
    if d == 1:  # a scaled 1-D Gaussian: 1/2 ln(2 pi e sigma^2)
        got = fastit.differential_entropy(2.0 * x[:, 0])
        assert abs(got - 0.5 * np.log(2 * np.pi * np.e * 4.0)) < tol


@pytest.mark.parametrize(("d", "tol"), [(1, 0.015), (2, 0.015), (3, 0.06)])
def test_kozachenko_leonenko_uniform(d: int, tol: float) -> None:
    a = 2.5
    x = a * np.random.default_rng(30 + d).random((100_000, d))
    assert abs(fastit.differential_entropy(x) - d * np.log(a)) < tol


@pytest.mark.parametrize("lam", [0.5, 2.0])
def test_kozachenko_leonenko_exponential(lam: float) -> None:
    x = np.random.default_rng(40).exponential(1.0 / lam, size=100_000)
    assert abs(fastit.differential_entropy(x) - (1.0 - np.log(lam))) < 0.015


@pytest.mark.parametrize("value", [3.0, 0.0, -7.5e9])
def test_constant_column_has_entropy_minus_infinity(value: float) -> None:
    n = 1000
    assert fastit.differential_entropy(np.full(n, value)) == -np.inf
    assert fastit.differential_entropy(np.full((n, 3), value)) == -np.inf
    local = fastit.differential_entropy(np.full(n, value), local=True)
    assert np.all(local == -np.inf)


def test_constant_column_beside_a_varying_one_has_entropy_minus_infinity() -> None:
    # The docstring: "A column that is constant has no density: its entropy is -inf."
    # A point mass in one coordinate makes the joint distribution singular whatever the
    # other columns do.
    rng = np.random.default_rng(6)
    x = np.column_stack([np.full(1000, 3.0), rng.standard_normal(1000)])
    assert fastit.differential_entropy(x) == -np.inf
