"""pytest-benchmark suites for the k-NN layer, with SciPy and scikit-learn baselines.

Every benchmark times one call on data made outside the timed call, then asserts the
answer: exact against a brute-force max-norm reference for the neighbour queries, within
a stated distance of the Gaussian closed form for the estimators. Groups:
knn-distances, neighbour-counts, ksg1, cmi, entropy.

    pytest benchmarks/ --benchmark-disable -q            # smoke test: each case once
    pytest benchmarks/ --benchmark-autosave              # time and save under .benchmarks/
    FASTIT_BENCH_LARGE=1 pytest benchmarks/ ...          # also the n = 1e6 cases

The n = 1e6 cases are skipped unless the environment variable FASTIT_BENCH_LARGE=1 is set.
"""

from __future__ import annotations

import functools
import os

import numpy as np
import pytest
from peers import ckdtree_count_neighbors, ckdtree_knn_distances, ckdtree_ksg1, sklearn_ksg1
from scipy.spatial import cKDTree
from scipy.stats import differential_entropy as scipy_entropy

import fastit
from fastit import neighbors

LARGE = os.environ.get("FASTIT_BENCH_LARGE", "0") == "1"
large = pytest.mark.skipif(not LARGE, reason="n = 1e6: set FASTIT_BENCH_LARGE=1 to run")

K = 3
RHO = 0.6
N_CHECKED = 100  # points checked against brute force in the neighbour benchmarks


def timed(benchmark, lib: str, n: int, fn, *args):
    """benchmark(fn, *args); a peer at n >= 1e6 (tens of seconds) is timed in one round."""
    if lib != "fastit" and n >= 10**6:
        return benchmark.pedantic(fn, args=args, rounds=1, iterations=1)
    return benchmark(fn, *args)


def sizes(*small: int, big: tuple[int, ...] = (10**6,)) -> list:
    return [*small, *(pytest.param(n, marks=large) for n in big)]


def frozen(*arrays: np.ndarray) -> tuple[np.ndarray, ...]:
    for a in arrays:
        a.flags.writeable = False
    return arrays


@functools.lru_cache(maxsize=8)
def gaussian_pairs(n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    """d independent pairs with correlation RHO; (n,) each for d == 1, else (n, d)."""
    rng = np.random.default_rng(12345 + d)
    shape = (n,) if d == 1 else (n, d)
    x = rng.standard_normal(shape)
    y = RHO * x + np.sqrt(1 - RHO**2) * rng.standard_normal(shape)
    return frozen(x, y)


# (x, y, z) jointly Gaussian with unit variances and this correlation matrix.
COV_XYZ = np.array([[1.0, 0.6, 0.5], [0.6, 1.0, 0.5], [0.5, 0.5, 1.0]])


@functools.lru_cache(maxsize=8)
def gaussian_xyz(n: int) -> np.ndarray:
    rng = np.random.default_rng(777)
    return frozen(rng.standard_normal((n, 3)) @ np.linalg.cholesky(COV_XYZ).T)[0]


def logdet(idx: list[int]) -> float:
    return float(np.linalg.slogdet(COV_XYZ[np.ix_(idx, idx)])[1])


MI_TRUE = -0.5 * np.log(1 - RHO**2)
CMI_TRUE = 0.5 * (logdet([0, 2]) + logdet([1, 2]) - logdet([2]) - logdet([0, 1, 2]))


def entropy_true(d: int) -> float:
    """Differential entropy of the first d of (x, y, z), in nats."""
    return 0.5 * (d * np.log(2 * np.pi * np.e) + logdet(list(range(d))))


def brute_force_sample(points: np.ndarray, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Indices of N_CHECKED points and their max-norm distances to every point (self = inf)."""
    pts = points.reshape(len(points), -1)
    idx = np.random.default_rng(seed).choice(len(pts), N_CHECKED, replace=False)
    dist = np.abs(pts[None, :, :] - pts[idx, None, :]).max(axis=2)
    dist[np.arange(N_CHECKED), idx] = np.inf
    return idx, dist


# ---------------------------------------------------------------------------------------
# knn-distances: max-norm distance to the k-th nearest other point, 2-D points.

KNN_LIBS = {
    "fastit": lambda p: neighbors.knn_distances(p, K),
    "scipy": lambda p: ckdtree_knn_distances(p, K),
}


@pytest.mark.benchmark(group="knn-distances")
@pytest.mark.parametrize("lib", list(KNN_LIBS))
@pytest.mark.parametrize("n", sizes(10**4, 10**5))
def test_knn_distances(benchmark, n, lib):
    points = gaussian_pairs(n, 2)[0]
    got = timed(benchmark, lib, n, KNN_LIBS[lib], points)
    idx, dist = brute_force_sample(points)
    np.testing.assert_array_equal(got[idx], np.partition(dist, K - 1, axis=1)[:, K - 1])


# ---------------------------------------------------------------------------------------
# neighbour-counts: other points strictly inside a per-point radius, as KSG counts the
# marginals: points are x (1-D, sorted line) or x = (x1, x2) (2-D, tree), the radii the
# k-th neighbour distances in the joint space of (x, y).

COUNT_LIBS = {
    "fastit": lambda p, r: neighbors.count_neighbors(p, r, strict=True),
    "scipy": lambda p, r: ckdtree_count_neighbors(p, r, strict=True),
}


@functools.lru_cache(maxsize=8)
def count_case(n: int, d: int) -> tuple[np.ndarray, np.ndarray]:
    x, y = gaussian_pairs(n, d)
    joint = np.hstack([x.reshape(n, -1), y.reshape(n, -1)])
    radii = cKDTree(joint).query(joint, k=K + 1, p=np.inf, workers=-1)[0][:, -1]
    return frozen(np.ascontiguousarray(x), radii)


@pytest.mark.benchmark(group="neighbour-counts")
@pytest.mark.parametrize("lib", list(COUNT_LIBS))
@pytest.mark.parametrize("d", [1, 2])
@pytest.mark.parametrize("n", sizes(10**4, 10**5))
def test_neighbour_counts(benchmark, n, d, lib):
    points, radii = count_case(n, d)
    got = timed(benchmark, lib, n, COUNT_LIBS[lib], points, radii)
    idx, dist = brute_force_sample(points)
    np.testing.assert_array_equal(got[idx], (dist < radii[idx, None]).sum(axis=1))


# ---------------------------------------------------------------------------------------
# ksg1: KSG algorithm 1, k = 3, against -0.5 ln(1 - rho^2) per pair.

KSG_LIBS = {
    "fastit": lambda x, y: fastit.mutual_info(x, y, k=K, method="ksg1"),
    "ckdtree": lambda x, y: ckdtree_ksg1(x, y, K),
    "sklearn": lambda x, y: sklearn_ksg1(x, y, K),
}
# (n, dims per variable, libraries, tolerance in nats). 4+4 dims at 1e4: KSG is biased
# low by 0.05-0.09 nats in 8 joint dimensions, so the tolerance is wider.
KSG_CASES = [
    (10**4, 1, ["fastit", "ckdtree", "sklearn"], 0.04),
    (10**5, 1, ["fastit", "ckdtree", "sklearn"], 0.02),
    (10**6, 1, ["fastit", "ckdtree"], 0.01),
    (10**4, 4, ["fastit", "ckdtree"], 0.15),
]


def ksg_params() -> list:
    out = []
    for n, d, libs, tol in KSG_CASES:
        marks = [large] if n >= 10**6 else []
        out += [pytest.param(n, d, lib, tol, marks=marks, id=f"{n}-{d}+{d}-{lib}") for lib in libs]
    return out


@pytest.mark.benchmark(group="ksg1")
@pytest.mark.parametrize(("n", "d", "lib", "tol"), ksg_params())
def test_ksg1(benchmark, n, d, lib, tol):
    if lib == "sklearn":
        pytest.importorskip("sklearn")
    x, y = gaussian_pairs(n, d)
    got = timed(benchmark, lib, n, KSG_LIBS[lib], x, y)
    assert got == pytest.approx(d * MI_TRUE, abs=tol)


@pytest.mark.parametrize(("n", "d"), [(1000, 1), (10**4, 1), (10**5, 1), (10**4, 2), (5000, 4)])
def test_ksg1_matches_ckdtree_peer(n, d):
    """Same algorithm, same tie-free data, same counts: only summation order differs."""
    x, y = gaussian_pairs(n, d)
    ours = fastit.mutual_info(x, y, k=K, method="ksg1", standardize=False)
    assert ours == pytest.approx(ckdtree_ksg1(x, y, K), rel=0, abs=1e-12)


# ---------------------------------------------------------------------------------------
# cmi: Frenzel-Pompe I(X;Y|Z), 1+1+1 dims, against the Gaussian log-determinant formula.


@pytest.mark.benchmark(group="cmi")
@pytest.mark.parametrize("n", sizes(10**4, 10**5))
def test_cmi(benchmark, n):
    xyz = gaussian_xyz(n)
    x, y, z = (np.ascontiguousarray(xyz[:, c]) for c in range(3))
    got = benchmark(fastit.conditional_mutual_info, x, y, z, k=K)
    assert got == pytest.approx(CMI_TRUE, abs=0.04 if n < 10**5 else 0.02)


# ---------------------------------------------------------------------------------------
# entropy: Kozachenko-Leonenko (max norm) in 1 and 3 dims; SciPy's Vasicek estimator in 1.

ENTROPY_LIBS = {
    "fastit": lambda a: fastit.differential_entropy(a, k=K),
    "scipy": scipy_entropy,
}


def entropy_params() -> list:
    out = []
    for n in (10**4, 10**5, 10**6):
        marks = [large] if n >= 10**6 else []
        for d, lib in ((1, "fastit"), (1, "scipy"), (3, "fastit")):
            out.append(pytest.param(n, d, lib, marks=marks, id=f"{n}-{d}d-{lib}"))
    return out


@pytest.mark.benchmark(group="entropy")
@pytest.mark.parametrize(("n", "d", "lib"), entropy_params())
def test_entropy(benchmark, n, d, lib):
    xyz = gaussian_xyz(n)
    data = np.ascontiguousarray(xyz[:, 0]) if d == 1 else xyz
    got = timed(benchmark, lib, n, ENTROPY_LIBS[lib], data)
    assert got == pytest.approx(entropy_true(d), abs=0.04 if n < 10**5 else 0.02)
