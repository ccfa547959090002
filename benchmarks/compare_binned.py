"""Histogram and discrete estimators beside NumPy and scikit-learn, in one process.

    python benchmarks/compare_binned.py             # n = 1e7
    python benchmarks/compare_binned.py --quick     # n = 1e5, seconds (smoke test)
    python benchmarks/compare_binned.py --pairwise  # also a 1000-column matrix at n = 1e5

Cases (issue 3's targets): binned MI with 64 x 64 equal-width bins against
``np.histogram2d`` plus the plug-in formula, and against one read pass over x and y
(``x.sum() + y.sum()``); plug-in MI of two label arrays against
``sklearn.metrics.mutual_info_score``; optionally the 1000-column pairwise binned matrix.
Best of ``--repeat`` runs after a warm-up (which also compiles the Numba kernels).
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import fastit


def best(fn, repeat: int) -> tuple[float, float]:
    fn()
    seconds, value = np.inf, np.nan
    for _ in range(repeat):
        start = time.perf_counter()
        value = fn()
        seconds = min(seconds, time.perf_counter() - start)
    return seconds, float(value)


def numpy_binned_mi(x: np.ndarray, y: np.ndarray, bins: int) -> float:
    counts = np.histogram2d(x, y, bins=bins)[0]
    p = counts / counts.sum()
    outer = p.sum(axis=1, keepdims=True) @ p.sum(axis=0, keepdims=True)
    nz = p > 0
    return float(np.sum(p[nz] * np.log(p[nz] / outer[nz])))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--pairwise", action="store_true")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    n = 10**5 if args.quick else 10**7
    rng = np.random.default_rng(0)
    x = rng.standard_normal(n)
    y = 0.6 * x + 0.8 * rng.standard_normal(n)
    print(f"{os.cpu_count()} cores, n = {n:.0e}\n")

    rows = []
    plugin_64 = {"method": "binned", "bins": 64, "correction": None}
    ours = best(lambda: fastit.mutual_info(x, y, **plugin_64), args.repeat)
    numpy = best(lambda: numpy_binned_mi(x, y, 64), 1)
    read = best(lambda: x.sum() + y.sum(), args.repeat)
    rows.append(("binned MI 64x64", ours, "np.histogram2d + formula", numpy))
    rows.append(("binned MI 64x64", ours, "x.sum() + y.sum()", read))

    from sklearn.metrics import mutual_info_score

    a = rng.integers(0, 50, n)
    b = (a + rng.integers(0, 10, n)) % 50
    ours_d = best(lambda: fastit.discrete_mutual_info(a, b, correction=None), args.repeat)
    sk = best(lambda: mutual_info_score(a, b), 1)
    rows.append(("discrete MI, 50 labels", ours_d, "sklearn mutual_info_score", sk))

    print(f"{'case':24} {'fastit s':>9} {'peer':>26} {'peer s':>9} {'ratio':>7}  values")
    for case, (t, v), peer, (tp, vp) in rows:
        print(f"{case:24} {t:9.4f} {peer:>26} {tp:9.4f} {tp / t:7.2f}  {v:.6f} {vp:.6f}")
    print("\nratio = peer time / fastit time (for the read pass, < 1: fastit is slower by 1/ratio)")

    if args.pairwise:
        m = rng.standard_normal((10**5, 1000))
        fastit.pairwise_mutual_info(m[:1000, :3])
        start = time.perf_counter()
        fastit.pairwise_mutual_info(m)
        print(f"pairwise binned MI, 1000 columns, n = 1e5: {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
