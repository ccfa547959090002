"""Feature selection: mRMR selecting 50 of 1000 features at n = 10^4 (target: < 30 s, 2 cores).

Run as a script to print the times (``python benchmarks/bench_selection.py``; add ``--ksg``
to also time the k-NN estimator, which takes minutes), or under pytest-benchmark
(``pytest benchmarks/bench_selection.py``) for the binned default.

The data: 1000 standard normal features, of which the first 10 decide a binary target
(a noisy linear rule) and the next 10 are noisy copies of them (redundant); the rest are
noise. Each run also checks that the selection starts with informative features.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any

import numpy as np
import pytest

from fastit.selection import mrmr, select_features

N, P, K = 10_000, 1000, 50
N_INFORMATIVE = 10


def problem(n: int = N, p: int = P, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[:, N_INFORMATIVE : 2 * N_INFORMATIVE] = X[:, :N_INFORMATIVE] + 0.5 * rng.standard_normal(
        (n, N_INFORMATIVE)
    )
    weights = np.linspace(2.0, 1.0, N_INFORMATIVE)
    y = (X[:, :N_INFORMATIVE] @ weights + rng.standard_normal(n) > 0).astype(int)
    return X, y


def check(selected: np.ndarray) -> None:
    # The first picks are the informative columns (or their noisy copies).
    assert set(selected[:5].tolist()) <= set(range(2 * N_INFORMATIVE)), selected[:10]


@pytest.mark.benchmark(group="selection")
def test_mrmr_binned_50_of_1000(benchmark: Any) -> None:
    X, y = problem()
    mrmr(X[:200, :5], y[:200], 2)  # compile the kernels outside the timing
    result = benchmark.pedantic(mrmr, args=(X, y, K), kwargs={"n_jobs": 2}, rounds=3)
    check(result.selected)


def timed(label: str, **options: Any) -> float:
    X, y = problem()
    select_features(X[:200, :5], y[:200], 2, **options)  # compile the kernels
    start = time.perf_counter()
    result = select_features(X, y, K, **options)
    seconds = time.perf_counter() - start
    check(result.selected)
    print(f"{label:<48s} {seconds:8.2f} s   first picks {result.selected[:6].tolist()}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ksg", action="store_true", help="also time estimator='ksg' (minutes)")
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"n = {N}, {P} features, select {K}; n_jobs = {args.n_jobs} ({cores} cores visible)")
    jobs = {"n_jobs": args.n_jobs}
    timed("mrmr, binned (quantile-hgr, miller-madow)", criterion="mrmr", **jobs)
    timed("mrmr, binned, correction=None", criterion="mrmr", correction=None, **jobs)
    timed("jmi, binned", criterion="jmi", **jobs)
    timed("cmim, binned", criterion="cmim", **jobs)
    timed("relevance, binned", criterion="relevance", **jobs)
    if args.ksg:
        timed("mrmr, ksg (n_neighbors=3)", criterion="mrmr", estimator="ksg", **jobs)


if __name__ == "__main__":
    main()
