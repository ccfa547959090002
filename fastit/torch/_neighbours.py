"""Exact max-norm neighbour kernels on (B, n, d) tensors, in bounded memory.

Brute force in tiles: a tile holds the max-norm distances from a block of query points to
a block of points (exact: max_c |a_c - b_c|, no matrix product), never the n-by-n matrix.
``tile_size`` bounds the distances per tile, so memory is about
``tile_size * (itemsize + 1)`` bytes plus O(n k) whatever n is.

Results equal the compiled core's on the same values: the k-th neighbour distance excludes
the point by identity (a duplicate is another point at distance 0), counts compare the
rounded differences |x_j - x_i| with the radius exactly as the core does, strictly (<) or
not (<=). One-dimensional data take sorted paths, O(n log n), with the same comparisons.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

# Distances per tile when the caller does not say: small enough to stay in a CPU's cache,
# large enough that a GPU kernel launch carries real work.
_DEFAULT_TILE = {"cpu": 1 << 18, "cuda": 1 << 26}
# Below this many dimensions a CUDA tile is built dimension by dimension (see max_norm).
_CDIST_MIN_DIMS_CUDA = 32


def _tile_plan(
    batch: int, queries: int, points: int, tile_size: int | None, device: torch.device
) -> tuple[int, int, int]:
    """Block sizes (problems, queries, points) whose product stays within the tile size."""
    budget = tile_size or _DEFAULT_TILE.get(device.type, 1 << 24)
    per_point = min(points, budget)
    per_query = min(queries, max(1, budget // per_point))
    per_batch = min(batch, max(1, budget // (per_query * per_point)))
    return per_batch, per_query, per_point


def max_norm(q: torch.Tensor, p: torch.Tensor, by_dimension: bool | None = None) -> torch.Tensor:
    """Distances max_c |q_ic - p_jc| between (B, a, d) and (B, b, d) points, (B, a, b).

    ``torch.cdist`` (p = inf) computes exactly this, but its CUDA kernel spends one thread
    block per pair, idle for the few dimensions the estimators have; there (or when
    ``by_dimension``) the tile is built one dimension at a time: the same rounded values.
    """
    d = q.shape[2]
    if by_dimension is None:
        by_dimension = q.device.type == "cuda" and d < _CDIST_MIN_DIMS_CUDA
    if not by_dimension:
        return torch.cdist(q, p, p=math.inf)
    out = torch.sub(q[:, :, None, 0], p[:, None, :, 0]).abs_()
    if d > 1:
        gap = torch.empty_like(out)
        for c in range(1, d):
            torch.sub(q[:, :, None, c], p[:, None, :, c], out=gap)
            torch.maximum(out, gap.abs_(), out=out)
    return out


def kth_distance(
    points: torch.Tensor,
    k: int,
    tile_size: int | None,
    *,
    neighbours: bool = False,
    labels: torch.Tensor | None = None,
    ranks: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Distance from every point to its k-th nearest other point, (B, n).

    With ``neighbours`` also the indexes of the k nearest others, (B, n, k), nearest first
    (among equal distances the choice is arbitrary). With ``labels`` (B, n) only points of
    the same label count as neighbours, and ``ranks`` (B, n), each at most k, says which
    neighbour's distance each point wants (k when None).
    """
    b, n, d = points.shape
    if d == 1 and not neighbours and labels is None:
        return _kth_distance_sorted(points[..., 0], k), None
    pb, pq, pp = _tile_plan(b, n, n, tile_size, points.device)
    dist = torch.empty(b, n, dtype=points.dtype, device=points.device)
    index = torch.empty(b, n, k, dtype=torch.int64, device=points.device) if neighbours else None
    ordered = neighbours or ranks is not None
    for b0 in range(0, b, pb):
        for q0 in range(0, n, pq):
            q = points[b0 : b0 + pb, q0 : q0 + pq]
            rows = torch.arange(q0, q0 + q.shape[1], device=points.device)
            best_d = best_i = None
            for p0 in range(0, n, pp):
                tile = max_norm(q, points[b0 : b0 + pb, p0 : p0 + pp])
                if labels is not None:
                    same = (
                        labels[b0 : b0 + pb, q0 : q0 + pq, None]
                        == labels[b0 : b0 + pb, None, p0 : p0 + pp]
                    )
                    tile.masked_fill_(~same, math.inf)
                ids = None
                if neighbours:
                    # The point itself at -1: first among the k + 1 nearest, whatever ties.
                    own = (rows >= p0) & (rows < p0 + tile.shape[2])
                    tile[:, own.nonzero()[:, 0], rows[own] - p0] = -1
                    ids = torch.arange(p0, p0 + tile.shape[2], device=points.device)
                    ids = ids.expand(tile.shape)
                if best_d is not None:
                    tile = torch.cat([best_d, tile], dim=2)
                    if ids is not None and best_i is not None:
                        ids = torch.cat([best_i, ids], dim=2)
                elif tile.shape[2] < k + 1:  # a first block narrower than k + 1: pad it
                    pad = (0, k + 1 - tile.shape[2])
                    tile = F.pad(tile, pad, value=math.inf)
                    ids = None if ids is None else F.pad(ids, pad, value=0)
                # k + 1 nearest, the point itself included (it is at distance 0 or -1).
                best_d, pos = torch.topk(tile, k + 1, dim=2, largest=False, sorted=ordered)
                if ids is not None:
                    best_i = torch.gather(ids, 2, pos)
            assert best_d is not None
            # The k-th nearest other point is the (k + 1)-th nearest, the point included.
            if ranks is None:
                dist[b0 : b0 + pb, q0 : q0 + pq] = best_d.amax(dim=2)
            else:
                rank = ranks[b0 : b0 + pb, q0 : q0 + pq, None]
                dist[b0 : b0 + pb, q0 : q0 + pq] = torch.gather(best_d, 2, rank)[..., 0]
            if index is not None and best_i is not None:
                index[b0 : b0 + pb, q0 : q0 + pq] = best_i[..., 1:]
    return dist, index


def _kth_distance_sorted(values: torch.Tensor, k: int) -> torch.Tensor:
    """kth_distance for 1-D points: the k nearest lie among the k on either side in order."""
    b, n = values.shape
    sorted_values, order = torch.sort(values, dim=1)
    inf = torch.full((b, k), math.inf, dtype=values.dtype, device=values.device)
    padded = torch.cat([inf, sorted_values, inf], dim=1)  # pad so every window exists
    offsets = torch.cat([torch.arange(-k, 0), torch.arange(1, k + 1)]).to(values.device)
    window = torch.arange(n, device=values.device)[:, None] + k + offsets  # (n, 2k)
    around = padded[:, window]  # (B, n, 2k)
    gaps = (around - sorted_values[..., None]).abs()
    kth = torch.topk(gaps, k, dim=2, largest=False).values.amax(dim=2)
    return torch.empty_like(kth).scatter_(1, order, kth)


def count_within(
    points: torch.Tensor, radii: torch.Tensor, strict: bool, tile_size: int | None
) -> torch.Tensor:
    """For every point i, how many other points lie within radii[i], (B, n) int64.

    Strictly (``max_c |p_jc - p_ic| < r_i``) or with ``<=``.
    """
    b, n, d = points.shape
    if d == 1:
        counts = _count_within_sorted(points[..., 0], radii, strict)
    else:
        counts = torch.empty(b, n, dtype=torch.int64, device=points.device)
        pb, pq, pp = _tile_plan(b, n, n, tile_size, points.device)
        for b0 in range(0, b, pb):
            for q0 in range(0, n, pq):
                q = points[b0 : b0 + pb, q0 : q0 + pq]
                r = radii[b0 : b0 + pb, q0 : q0 + pq, None]
                total = None
                for p0 in range(0, n, pp):
                    tile = max_norm(q, points[b0 : b0 + pb, p0 : p0 + pp])
                    inside = (tile < r if strict else tile <= r).sum(dim=2)
                    total = inside if total is None else total + inside
                assert total is not None
                counts[b0 : b0 + pb, q0 : q0 + pq] = total
    # The point itself is at distance 0: counted unless the radius is 0 and strict.
    return counts - ((radii > 0) if strict else torch.ones_like(counts, dtype=torch.bool)).long()


def _count_within_sorted(values: torch.Tensor, radii: torch.Tensor, strict: bool) -> torch.Tensor:
    """count_within for 1-D points, the point itself included, by bisection on sorted values.

    |s_p - q| rounded is non-increasing in p left of q and non-decreasing right of it, so
    the points within the radius are a run of the sorted values: find its two ends with
    the same rounded comparison the brute force makes (never q +- r, which rounds).
    """
    b, n = values.shape
    s = torch.sort(values, dim=1).values

    def inside(gap: torch.Tensor) -> torch.Tensor:
        return gap < radii if strict else gap <= radii

    def first(condition: object) -> torch.Tensor:
        lo = torch.zeros(b, n, dtype=torch.int64, device=values.device)
        hi = torch.full_like(lo, n)
        for _ in range(n.bit_length()):
            mid = (lo + hi) // 2
            sm = torch.gather(s, 1, mid.clamp(max=n - 1))
            ok = condition(sm) | (mid >= n)  # type: ignore[operator]
            hi = torch.where(ok, mid, hi)
            lo = torch.where(ok, lo, mid + 1)
        return lo

    left = first(lambda sm: (sm >= values) | inside(values - sm))
    right = first(lambda sm: (sm > values) & ~inside(sm - values))
    counts = right - left
    if strict:  # nothing lies strictly within a radius of 0 (the run holds equal values)
        counts = torch.where(radii > 0, counts, torch.zeros_like(counts))
    return counts
