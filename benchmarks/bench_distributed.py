"""Pairwise MI on a Dask cluster (issue 8): a 2000-column binned matrix at n = 1e5, locally
and through fastit.distributed on a LocalCluster of 1 and 2 worker processes (one thread
each), with the speed-up of each run over the local call.

    python benchmarks/bench_distributed.py                    # p = 2000, n = 1e5 (minutes)
    python benchmarks/bench_distributed.py --p 300 --n 2e4    # a quick run (seconds)
    pytest benchmarks/bench_distributed.py                    # the pytest-benchmark suite

Every distributed matrix is checked against the local one (bit for bit) outside the timed
call. The timed distributed call includes sending X to the workers (one scatter per call);
the cluster's start and the workers' first import of fastit (one small call) are not
timed. The full size needs about 8 GB of memory: X (1.6 GB) in this process and in every
worker, plus each tile's two column blocks and their bin codes.

The workers start without dask's default ``MALLOC_TRIM_THRESHOLD_=65536`` (see
docs/distributed.md): with it, glibc serves every allocation above 128 kB by mmap, and the
binned kernel, which allocates a joint table per pair, runs about 1.6 times slower in the
workers than in this process. ``--dask-malloc`` keeps dask's setting, to see that.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import fastit
from fastit import distributed

MALLOC_KEY = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"


def columns(n: int, p: int, seed: int = 0) -> np.ndarray:
    """n samples of p Gaussian columns, every odd column tied to the even one before it."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    odd = X[:, 1::2]
    odd += X[:, 0 : 2 * odd.shape[1] : 2]
    return X


def best_of(repeat: int, call: Callable[[], Any]) -> tuple[float, Any]:
    best, result = np.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--p", type=int, default=2000, help="columns (default 2000)")
    parser.add_argument("--n", type=float, default=1e5, help="samples (default 1e5)")
    parser.add_argument("--repeat", type=int, default=1, help="best of this many (default 1)")
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2], help="worker processes (default 1 2)"
    )
    parser.add_argument(
        "--dask-malloc",
        action="store_true",
        help="keep dask's MALLOC_TRIM_THRESHOLD_=65536 in the workers (slower binned kernel)",
    )
    args = parser.parse_args()
    import dask
    from dask.distributed import Client, LocalCluster

    if not args.dask_malloc:
        dask.config.set({MALLOC_KEY: None})

    n, p = int(args.n), args.p
    X = columns(n, p)
    print(
        f"pairwise MI, binned (bins='fd', Miller-Madow), n = {n:,}, p = {p:,}: "
        f"{p * (p + 1) // 2:,} pairs; X is {X.nbytes / 1e9:.2f} GB; workers with "
        + ("dask's MALLOC_TRIM_THRESHOLD_=65536" if args.dask_malloc else "glibc's malloc defaults")
    )
    fastit.pairwise_mutual_info(X[:500, :4])  # Numba's cached kernels loaded
    rows: list[tuple[str, float]] = []
    local_s, want = best_of(args.repeat, lambda: fastit.pairwise_mutual_info(X))
    rows.append(("local, every core (n_jobs=None)", local_s))
    print(f"  {rows[-1][0]}: {local_s:.2f} s", flush=True)
    one_s, _ = best_of(args.repeat, lambda: fastit.pairwise_mutual_info(X, n_jobs=1))
    rows.append(("local, one thread (n_jobs=1)", one_s))
    print(f"  {rows[-1][0]}: {one_s:.2f} s", flush=True)
    for workers in args.workers:
        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            Client(cluster) as client,
        ):
            distributed.pairwise_mutual_info(X[:500, :20], client=client, block_size=8)  # warm
            scatter_s, _ = best_of(1, lambda: client.scatter(X, broadcast=True, hash=False))
            seconds, got = best_of(
                args.repeat, lambda: distributed.pairwise_mutual_info(X, client=client)
            )
        if not np.array_equal(got, want):
            raise AssertionError(f"{workers} worker(s): the matrix differs from the local one")
        label = f"LocalCluster, {workers} process{'es' if workers > 1 else ''} x 1 thread"
        rows.append((label, seconds))
        print(f"  {label}: {seconds:.2f} s (scattering X alone: {scatter_s:.2f} s)", flush=True)
    print()
    print("| run | time (s) | speed-up vs local, every core | vs local, one thread |")
    print("|---|---:|---:|---:|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.2f} | {local_s / seconds:.2f} | {one_s / seconds:.2f} |")
    print("(every distributed matrix equals the local one bit for bit)")


# --------------------------------------------------------------------------- pytest-benchmark


@pytest.fixture(scope="module")
def client():
    dask_distributed = pytest.importorskip("dask.distributed")
    import dask

    with dask.config.set({MALLOC_KEY: None}):
        cluster = dask_distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
    with cluster, dask_distributed.Client(cluster) as c:
        yield c


@pytest.mark.benchmark(group="distributed-pairwise")
def test_distributed_pairwise(benchmark, client):
    X = columns(20_000, 96)
    result = benchmark.pedantic(
        distributed.pairwise_mutual_info, args=(X,), kwargs={"client": client}, rounds=3
    )
    assert np.array_equal(result, fastit.pairwise_mutual_info(X))


if __name__ == "__main__":
    main()
