"""The compiled core on data of extreme magnitude: values near +-1e308 (extents that
overflow), tiny and subnormal scales, data far from 0 with a small spread. The 2-D grid
must never be built from a cell size that is not a normal number (it falls back to the
kd-tree), and every answer must equal the brute-force reference, computed with the same
IEEE arithmetic."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from brute import cheb, count_ref, knn_ref, ksg1_ref
from scipy.special import digamma

import fastit
from fastit.neighbors import count_neighbors, knn_distances

# n >= 64 takes the grid for 2-D nearest-neighbour queries whenever it is balanced.
SIZES = (70, 400)


def _with_outliers(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The report of issue 13: normal data with x[0], x[1] = 1e308, -1e308."""
    x = rng.standard_normal(n)
    y = x + rng.standard_normal(n)
    x[0], x[1] = 1e308, -1e308
    return x, y


def _planar(rng: np.random.Generator, kind: str, n: int) -> np.ndarray:
    p = rng.standard_normal((n, 2))
    if kind == "overflowing":  # the extent of x is inf; y has a near-max outlier too
        p[0, 0], p[1, 0], p[2, 1] = 1e308, -1e308, -1.7e308
        return p
    if kind == "near-max":  # extents just below DBL_MAX: the largest finite cells
        p[0], p[1] = (8e307, 8e307), (-8e307, -8e307)
        return p
    if kind == "tiny":  # cell areas underflow: x * y ~ 1e-600
        return np.ldexp(p, -990)
    if kind == "subnormal":  # every coordinate subnormal
        return np.ldexp(p, -1040)
    if kind == "mixed-scales":  # x ~ 1e300, y ~ 1e-300
        return p * np.array([1e300, 1e-300])
    if kind == "far-from-zero":  # spread 1e-6 at 1e10: cell borders round coarser than h
        return 1e10 + 1e-6 * p
    raise AssertionError(kind)


def _standardized(a: np.ndarray) -> np.ndarray:
    """(a - mean) / std, with both taken in units of max |a| so that no square overflows."""
    unit = np.abs(a).max()
    scaled = a / unit
    return (scaled - scaled.mean()) / scaled.std()


def _ksg2_where_unambiguous(x: np.ndarray, y: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """brute.ksg2_ref's per-sample values, and where they are defined: no tie between the
    k-th and the (k+1)-th joint distance."""
    n = len(x)
    dx, dy = cheb(x), cheb(y)
    dz = np.maximum(dx, dy)
    np.fill_diagonal(dz, np.inf)
    order = np.argsort(dz, axis=1, kind="stable")
    ranked = np.take_along_axis(dz, order, axis=1)
    rows = np.arange(n)[:, None]
    ex = dx[rows, order[:, :k]].max(axis=1)
    ey = dy[rows, order[:, :k]].max(axis=1)
    nx = count_ref(x, ex, strict=False)
    ny = count_ref(y, ey, strict=False)
    values = digamma(k) - 1.0 / k + digamma(n) - digamma(nx) - digamma(ny)
    return values, ranked[:, k - 1] < ranked[:, k]


KINDS = ["overflowing", "near-max", "tiny", "subnormal", "mixed-scales", "far-from-zero"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("n", SIZES)
def test_planar_queries_on_extreme_data_equal_brute_force(kind: str, n: int) -> None:
    pts = _planar(np.random.default_rng(n), kind, n)
    with np.errstate(over="ignore"):  # the reference's distances overflow as the core's do
        for k in (1, 3, 8):
            expected = knn_ref(pts, k)
            for n_jobs in (1, 2):
                got = knn_distances(pts, k, n_jobs=n_jobs)
                np.testing.assert_array_equal(got, expected, err_msg=f"k={k}")
        radii = knn_ref(pts, 4)
        for strict in (True, False):
            got = count_neighbors(pts, radii, strict=strict, n_jobs=2)
            np.testing.assert_array_equal(got, count_ref(pts, radii, strict))


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("standardize", [False, True])
def test_mutual_info_with_1e308_outliers_equals_brute_force(n: int, standardize: bool) -> None:
    # Used to raise "cannot create std::vector larger than max_size()" (standardize=False):
    # an infinite cell width cast to an integer.
    x, y = _with_outliers(np.random.default_rng(n), n)
    xs, ys = (_standardized(x), _standardized(y)) if standardize else (x, y)
    with np.errstate(over="ignore"):
        for k in (1, 3):
            got1 = fastit.mutual_info(x, y, k=k, standardize=standardize, local=True)
            got2 = fastit.mutual_info(x, y, k=k, method="ksg2", standardize=standardize, local=True)
            assert np.isfinite(got1).all()
            assert np.isfinite(got2).all()
            # Per-sample values: a count off by one would move one by more than 1e-4. The
            # core's digamma and SciPy's agree to a few units in the last place.
            np.testing.assert_allclose(got1, ksg1_ref(xs, ys, k, local=True), rtol=0, atol=1e-12)
            # KSG 2 only where the k neighbours are unambiguous: every normal point is
            # 1e308 away from an outlier, to the last bit.
            values, clear = _ksg2_where_unambiguous(xs, ys, k)
            assert clear.sum() >= n - 2
            np.testing.assert_allclose(got2[clear], values[clear], rtol=0, atol=1e-12)


@pytest.mark.parametrize("exponent", [-990, -1000, 990])
def test_mutual_info_is_unchanged_by_exact_power_of_two_scaling(exponent: int) -> None:
    # Scaling both variables by 2^e is exact (no value becomes subnormal or infinite), so
    # every distance and comparison scales exactly and the estimate is the same to the bit.
    rng = np.random.default_rng(1)
    x = rng.standard_normal(500)
    y = 0.6 * x + 0.8 * rng.standard_normal(500)
    for method in ("ksg1", "ksg2"):
        plain = fastit.mutual_info(x, y, method=method, standardize=False)
        scaled = fastit.mutual_info(
            np.ldexp(x, exponent), np.ldexp(y, exponent), method=method, standardize=False
        )
        assert scaled == plain


def test_tiny_scale_needs_no_memory_beyond_the_data(tmp_path: Path) -> None:
    # At a scale of 1e-300 the cell area underflowed to 0 and the grid sized a table of
    # 2^32 cells (17 GB). Run in a child whose allocations are capped at 2 GB, so that a
    # regression fails here instead of exhausting the machine: by its address space, or,
    # under AddressSanitizer (whose shadow memory needs terabytes of address space), by
    # the sanitizer's own allocation limit.
    env = dict(os.environ)
    cap = 2 << 30
    if "libasan" in env.get("LD_PRELOAD", ""):
        limit = f"max_allocation_size_mb={cap >> 20}:allocator_may_return_null=1"
        env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS"), limit]))
        cap = -1
    script = textwrap.dedent(
        f"""
        import resource
        if {cap} > 0:
            resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
        import numpy as np
        import fastit
        rng = np.random.default_rng(0)
        a = 1e-300 * rng.standard_normal(1000)
        print(fastit.mutual_info(a, a + 1e-300 * rng.standard_normal(1000), standardize=False))
        """
    )
    # Run outside the checkout: its fastit/ may have no compiled core (CI installs one).
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert out.returncode == 0, out.stderr
    assert np.isfinite(float(out.stdout))


def test_entropy_where_twice_the_distance_overflows() -> None:
    # The point at 1.2e308 has its nearest neighbour ~1.2e308 away: 2 eps overflows, its
    # logarithm (710.0...) does not. The extent, 1.7e308, is still finite.
    rng = np.random.default_rng(3)
    x = np.concatenate([[1.2e308, -0.5e308], rng.standard_normal(200)])
    eps = knn_ref(x, 1)
    got = fastit.differential_entropy(x, k=1, local=True)
    expected = digamma(len(x)) - digamma(1) + np.log(2.0) + np.log(eps)
    np.testing.assert_allclose(got, expected, rtol=1e-15, atol=1e-13)
    assert np.isfinite(got).all()
