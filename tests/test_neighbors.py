"""fastit.neighbors against a brute-force max-norm reference (exactly) and scipy's cKDTree."""

from __future__ import annotations

import numpy as np
import pytest
from brute import cheb, count_ref, knn_ref
from scipy.spatial import cKDTree

from fastit.neighbors import count_neighbors, knn_distances

N_JOBS = (1, 2, 3)


def _points(rng: np.random.Generator, kind: str, n: int, d: int) -> np.ndarray:
    if kind == "gauss":
        return rng.standard_normal((n, d))
    if kind == "lattice":  # integers: many exact duplicates and exact distance ties
        return rng.integers(-2, 3, size=(n, d)).astype(np.float64)
    if kind == "coarse":  # decimal steps that are not exact in binary, with duplicates
        return 0.1 * rng.integers(0, 7, size=(n, d)) - 0.3
    if kind == "mixed":  # some columns tied, some continuous, some rows copied
        p = rng.standard_normal((n, d))
        p[:, 0] = np.round(p[:, 0])
        dup = rng.integers(0, n, size=n // 3)
        p[rng.integers(0, n, size=n // 3)] = p[dup]
        return p
    raise AssertionError(kind)


def _radii(rng: np.random.Generator, pts: np.ndarray) -> dict[str, np.ndarray]:
    """Radii that put points exactly on the radius, plus a few other shapes."""
    n = pts.shape[0]
    d = cheb(pts)
    other = (np.arange(n) + rng.integers(1, n, size=n)) % n if n > 1 else np.zeros(n, int)
    exact = d[np.arange(n), other]  # each radius is the distance to some other point
    return {
        "exact": exact,
        "above": np.nextafter(exact, np.inf),
        "below": np.nextafter(exact, 0.0),
        "zero": np.zeros(n),
        "random": rng.uniform(0.0, 1.5, size=n) * (d.max() + 1.0),
        "kth": knn_ref(pts, int(rng.integers(1, n))) if n > 1 else np.zeros(n),
    }


CASES = (
    [
        (seed, kind, d)
        for seed, (kind, d) in enumerate(
            (kind, d) for kind in ("gauss", "lattice", "coarse", "mixed") for d in (1, 2, 3, 4, 5)
        )
    ]
    + [(100 + s, "lattice", 1 + s % 5) for s in range(10)]
    + [(200 + s, "gauss", 1 + s % 5) for s in range(10)]
)


def _sizes(rng: np.random.Generator) -> list[int]:
    return [2, 3, int(rng.integers(4, 40)), int(rng.integers(40, 301))]


@pytest.mark.parametrize(("seed", "kind", "d"), CASES)
def test_knn_distances_equal_brute_force(seed: int, kind: str, d: int) -> None:
    rng = np.random.default_rng(seed)
    for n in _sizes(rng):
        pts = _points(rng, kind, n, d)
        ks = sorted({1, n - 1, int(rng.integers(1, n)), min(3, n - 1)})
        for k in ks:
            expected = knn_ref(pts, k)
            for n_jobs in N_JOBS:
                got = knn_distances(pts, k, n_jobs=n_jobs)
                assert got.shape == (n,)
                assert np.array_equal(got, expected), (kind, n, d, k, n_jobs)
        if d == 1:  # the (n,) form is the same as (n, 1)
            assert np.array_equal(knn_distances(pts[:, 0], 1), knn_ref(pts, 1))


@pytest.mark.parametrize(("seed", "kind", "d"), CASES)
@pytest.mark.parametrize("strict", [True, False])
def test_count_neighbors_equal_brute_force(seed: int, kind: str, d: int, strict: bool) -> None:
    rng = np.random.default_rng(seed)
    for n in _sizes(rng):
        pts = _points(rng, kind, n, d)
        for name, radii in _radii(rng, pts).items():
            expected = count_ref(pts, radii, strict)
            for n_jobs in N_JOBS:
                got = count_neighbors(pts, radii, strict=strict, n_jobs=n_jobs)
                assert got.dtype == np.int64
                assert np.array_equal(got, expected), (kind, name, n, d, strict, n_jobs)


def test_points_on_the_radius_are_counted_only_when_not_strict() -> None:
    # 0, 1, 2, 3 on a line: from 0 with radius 2, the point 2 is exactly on the radius.
    pts = np.array([0.0, 1.0, 2.0, 3.0])
    radii = np.full(4, 2.0)
    assert count_neighbors(pts, radii, strict=True).tolist() == [1, 2, 2, 1]
    assert count_neighbors(pts, radii, strict=False).tolist() == [2, 3, 3, 2]
    # The same in 2-D on a lattice, with an exact duplicate of the origin.
    grid = np.array([[0, 0], [0, 0], [1, 1], [1, -1], [2, 0]], dtype=float)
    r = np.ones(5)
    assert count_neighbors(grid, r, strict=True).tolist() == [1, 1, 0, 0, 0]
    assert count_neighbors(grid, r, strict=False).tolist() == [3, 3, 3, 3, 2]
    # Duplicates are other points at distance 0: the nearest distance is 0.
    assert knn_distances(grid, 1).tolist() == [0.0, 0.0, 1.0, 1.0, 1.0]


def _searchsorted_counts(x: np.ndarray, r: np.ndarray, strict: bool) -> np.ndarray:
    """The tempting but wrong 1-D count: compares x_j with the rounded x_i +- r."""
    s = np.sort(x)
    if strict:
        hi = np.searchsorted(s, x + r, side="left")
        lo = np.searchsorted(s, x - r, side="right")
    else:
        hi = np.searchsorted(s, x + r, side="right")
        lo = np.searchsorted(s, x - r, side="left")
    return hi - lo - 1


@pytest.mark.parametrize("strict", [True, False])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_dimensional_counts_compare_differences_not_rounded_sums(
    seed: int, strict: bool
) -> None:
    # Near 1e8 doubles are 1.5e-8 apart, so x_i + r rounds whenever r is not an exact
    # difference of two representable values (DESIGN.md, "Floating point at the radius").
    rng = np.random.default_rng(seed)
    n = 300
    x = 1e8 + rng.uniform(0.0, 1.0, size=n)
    d = cheb(x)
    j = (np.arange(n) + rng.integers(1, n, size=n)) % n
    exact = d[np.arange(n), j]
    radii = {
        "exact": exact,
        # A hair above / below a computed difference: x_i +- r rounds back onto x_j.
        "above": exact * (1 + 1e-12),
        "below": exact * (1 - 1e-12),
        "next_up": np.nextafter(exact, np.inf),
        "next_down": np.nextafter(exact, 0.0),
    }
    n_disagree = 0
    for name, r in radii.items():
        expected = count_ref(x, r, strict)
        n_disagree += int((_searchsorted_counts(x, r, strict) != expected).sum())
        for n_jobs in N_JOBS:
            got = count_neighbors(x, r, strict=strict, n_jobs=n_jobs)
            assert np.array_equal(got, expected), (name, n_jobs)
    # The data really exercise the rounding: the searchsorted shortcut gets it wrong.
    assert n_disagree > 0


@pytest.mark.parametrize("seed", [0, 1])
def test_one_dimensional_knn_near_1e8(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = 1e8 + rng.uniform(0.0, 1e-5, size=250)  # only a few hundred representable values
    assert len(np.unique(x)) < len(x)  # duplicates included
    for k in (1, 2, 5, 249):
        for n_jobs in N_JOBS:
            assert np.array_equal(knn_distances(x, k, n_jobs=n_jobs), knn_ref(x, k))


def test_count_neighbors_accepts_the_radius_of_every_point_as_its_own() -> None:
    # Radii are per point, not shared: point i's radius does not apply to point j.
    pts = np.array([0.0, 1.0, 10.0])
    assert count_neighbors(pts, np.array([1.5, 0.5, 20.0])).tolist() == [1, 0, 2]


@pytest.fixture(scope="module", params=[1, 2], ids=["1d", "2d"])
def large(request: pytest.FixtureRequest) -> tuple[np.ndarray, cKDTree]:
    d = request.param
    rng = np.random.default_rng(1234 + d)
    pts = rng.standard_normal((200_000, d))
    # Tie-free in every coordinate.
    assert all(len(np.unique(pts[:, c])) == len(pts) for c in range(d))
    return pts, cKDTree(pts)


@pytest.mark.parametrize("k", [1, 4, 20])
def test_knn_distances_match_ckdtree_at_large_n(large, k: int) -> None:
    pts, tree = large
    expected = tree.query(pts, k=k + 1, p=np.inf)[0][:, -1]
    got = knn_distances(pts if pts.shape[1] > 1 else pts[:, 0], k, n_jobs=2)
    assert np.array_equal(got, expected)


@pytest.mark.parametrize("strict", [True, False])
def test_count_neighbors_match_ckdtree_at_large_n(large, strict: bool) -> None:
    pts, tree = large
    rng = np.random.default_rng(7)
    # Radii equal to k-th neighbour distances put one point exactly on every radius.
    radii = tree.query(pts, k=int(rng.integers(2, 9)) + 1, p=np.inf)[0][:, -1]
    radii[::3] = rng.uniform(0.0, 0.05, size=radii[::3].shape)
    r = np.nextafter(radii, 0.0) if strict else radii
    expected = tree.query_ball_point(pts, r, p=np.inf, return_length=True) - 1
    got = count_neighbors(pts, radii, strict=strict, n_jobs=2)
    assert np.array_equal(got, expected)


# 1-D samples beyond 2^20, where the sorted line's radix sort splits in place before its
# LSD passes: "mostly-zero" has one value more than 2^20 times (its indices are split too).
ABOVE_SPLIT = 1_150_000


@pytest.fixture(scope="module")
def above_split() -> dict[str, np.ndarray]:
    rng = np.random.default_rng(99)
    n = ABOVE_SPLIT
    return {
        "continuous": rng.standard_normal(n),
        "offset": 1e8 + 1.5e-8 * rng.integers(0, 5000, size=n),  # only low bits vary
        "ties": rng.integers(-500, 500, size=n).astype(np.float64),
        "mostly-zero": (rng.random(n) < 0.03) * rng.integers(1, 4, size=n).astype(np.float64),
    }


@pytest.mark.parametrize("kind", ["continuous", "offset", "ties", "mostly-zero"])
def test_one_dimensional_counts_above_the_radix_split(above_split, kind: str) -> None:
    x = above_split[kind]
    rng = np.random.default_rng(5)
    if kind in ("ties", "mostly-zero"):  # integers: x +- r is exact, so searching for it is
        radii = rng.choice([0.0, 1.0, 2.5], size=len(x))
        s = np.sort(x)
        inside = np.searchsorted(s, x + radii, "right") - np.searchsorted(s, x - radii, "left")
        assert np.array_equal(count_neighbors(x, radii, strict=False, n_jobs=2), inside - 1)
        open_ = np.searchsorted(s, x + radii, "left") - np.searchsorted(s, x - radii, "right")
        expected = np.maximum(open_, 0) - (radii > 0)
        assert np.array_equal(count_neighbors(x, radii, strict=True, n_jobs=2), expected)
        return
    radii = rng.uniform(0.0, 2e-3 if kind == "continuous" else 1e-6, size=len(x))
    tree = cKDTree(x[:, None])
    expected = tree.query_ball_point(x[:, None], radii, p=np.inf, return_length=True) - 1
    assert np.array_equal(count_neighbors(x, radii, strict=False, n_jobs=2), expected)


def _planar(rng: np.random.Generator, kind: str, n: int) -> np.ndarray:
    if kind == "offset":  # near 1e8, a spread of a few hundred representable values
        return 1e8 + 3e-6 * rng.random((n, 2))
    if kind == "lattice":
        return 0.1 * rng.integers(0, 30, size=(n, 2)) + 7.0
    if kind == "band":  # strongly dependent: a thin diagonal band
        x = rng.standard_normal(n)
        return np.column_stack([x, x + 1e-9 * rng.standard_normal(n)])
    if kind == "cauchy":  # heavy tails: far outliers
        return rng.standard_cauchy((n, 2))
    if kind == "blobs":  # two far apart clusters, one with copies
        p = rng.standard_normal((n, 2))
        p[: n // 2] += 1e4
        p[: n // 10] = p[0]
        return p
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["offset", "lattice", "band", "cauchy", "blobs"])
@pytest.mark.parametrize("n", [64, 1500])
def test_planar_queries_equal_brute_force_at_medium_n(kind: str, n: int) -> None:
    # 2-D queries of a few thousand points: exercises the structures used above small n.
    rng = np.random.default_rng(n)
    pts = _planar(rng, kind, n)
    for k in (1, 4, 13):
        expected = knn_ref(pts, k)
        for n_jobs in N_JOBS:
            assert np.array_equal(knn_distances(pts, k, n_jobs=n_jobs), expected), (k, n_jobs)
    radii = knn_ref(pts, 5)
    for strict in (True, False):
        expected = count_ref(pts, radii, strict)
        for n_jobs in N_JOBS:
            got = count_neighbors(pts, radii, strict=strict, n_jobs=n_jobs)
            assert np.array_equal(got, expected), (strict, n_jobs)


# ------------------------------------------------------ scikit-learn's KSG counts, batched


@pytest.mark.parametrize("kind", ["gauss", "lattice", "coarse"])
@pytest.mark.parametrize("n", [70, 600])
@pytest.mark.parametrize("k", [1, 4])
def test_ksg_counts_columns_equal_brute_force(kind: str, n: int, k: int) -> None:
    from fastit import _core

    rng = np.random.default_rng(n + k)
    columns = np.ascontiguousarray(_points(rng, kind, n, 5).T)  # 5 columns of n samples
    y = _points(rng, kind, n, 1)
    for n_jobs in N_JOBS:
        nx, ny = _core.ksg_counts_columns(columns, y, k, n_jobs)
        for j, x in enumerate(columns):
            joint = np.column_stack([x, y[:, 0]])
            radius = np.nextafter(knn_ref(joint, k), 0)  # scikit-learn's radius
            assert np.array_equal(nx[j], count_ref(x[:, None], radius, strict=False))
            assert np.array_equal(ny[j], count_ref(y, radius, strict=False))


def test_ksg_counts_columns_refuses_bad_shapes() -> None:
    from fastit import _core

    columns, y = np.zeros((3, 10)), np.arange(10.0).reshape(-1, 1)
    with pytest.raises(ValueError, match="as many samples as y"):
        _core.ksg_counts_columns(columns[:, :9], y, 3, 1)
    with pytest.raises(ValueError, match="shape"):
        _core.ksg_counts_columns(columns, np.zeros((10, 2)), 3, 1)
    with pytest.raises(ValueError, match="k must be"):
        _core.ksg_counts_columns(columns, y, 10, 1)
    with pytest.raises(ValueError, match="shape"):
        _core.ksg_counts_columns(np.zeros(10), y, 3, 1)
