"""Coverage of fastit.stats.bootstrap_ci's intervals: how often the 95% interval holds the
true value, on data whose information is known in closed form.

    python benchmarks/interval_coverage.py          # the table in docs/testing.md
    python benchmarks/interval_coverage.py --quick  # a smoke test
    python benchmarks/interval_coverage.py --sizes 500 --reps 200 --resamples 400

Every row draws ``--reps`` data sets (seeds 0, 1, ...) and builds each interval from the
same resamples, so the columns differ only in how the interval is made:

- ``bootstrap``: n rows drawn with replacement, percentile interval
  (``method="bootstrap"``).
- ``subsample, 0.1``: half-size subsamples (b = n // 2) without replacement, the
  interval of fastit 0.1: the estimate plus the quantiles of the subsample estimates
  centred on their mean, times sqrt(b / n). That factor is right only for b << n.
- ``reflected``: Politis and Romano's interval centred on the estimate,
  theta - s (q - theta), with the finite-population scale s = sqrt(b / (n - b)) of
  subsamples drawn without replacement (1 at b = n / 2). The half-size estimates carry
  the estimator's bias at size b; reflecting them about the estimate would remove a bias
  of order 1 / n, at the price of the noise in that correction.
- ``subsample`` (the default since 0.2): centred on the subsample mean as in 0.1, with
  the finite-population scale s.

Estimators and data (truth in nats):

- ``ksg``: fastit.mutual_info (KSG, k = 3) on Gaussian pairs of correlation rho,
  -0.5 ln(1 - rho^2).
- ``ksg k=10``: the same with k = 10 (passed as functools.partial).
- ``frenzel-pompe``: fastit.conditional_mutual_info on x = z + e, y = x + z + e,
  I(X; Y | Z) = 0.5 ln 2 (partial correlation 1 / sqrt 2).
- ``discrete``: fastit.discrete_mutual_info (Miller-Madow) of x uniform on 4 symbols and
  y = x with probability 0.5, otherwise uniform; the MI of that channel.
- ``mean``: numpy.mean of exponential samples (a skewed root-n estimator), truth 1.
"""

from __future__ import annotations

import argparse
import functools
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

import fastit
from fastit import stats

Data = Callable[[np.random.Generator, int], tuple[tuple[np.ndarray, ...], float]]


def gaussian_pair(rho: float) -> Data:
    def draw(rng: np.random.Generator, n: int) -> tuple[tuple[np.ndarray, ...], float]:
        x = rng.standard_normal(n)
        y = rho * x + np.sqrt(1 - rho * rho) * rng.standard_normal(n)
        return (x, y), -0.5 * np.log(1 - rho * rho)

    return draw


def gaussian_chain(rng: np.random.Generator, n: int) -> tuple[tuple[np.ndarray, ...], float]:
    z = rng.standard_normal(n)
    x = z + rng.standard_normal(n)
    y = x + z + rng.standard_normal(n)
    return (x, y, z), 0.5 * np.log(2)


def symmetric_channel(rng: np.random.Generator, n: int) -> tuple[tuple[np.ndarray, ...], float]:
    x = rng.integers(0, 4, n)
    y = np.where(rng.random(n) < 0.5, x, rng.integers(0, 4, n))
    same = 0.5 + 0.5 / 4  # P(y = x); each other symbol 0.125
    joint = np.where(np.eye(4, dtype=bool), same / 4, (1 - same) / 12)
    truth = float(np.sum(joint * np.log(joint * 16)))
    return (x, y), truth


def exponential(rng: np.random.Generator, n: int) -> tuple[tuple[np.ndarray, ...], float]:
    return (rng.exponential(size=n),), 1.0


CASES: dict[str, tuple[Callable[..., Any], list[tuple[str, Data]]]] = {
    "ksg": (
        fastit.mutual_info,
        [(f"rho = {rho}", gaussian_pair(rho)) for rho in (0.3, 0.6, 0.9)],
    ),
    "ksg k=10": (functools.partial(fastit.mutual_info, k=10), [("rho = 0.6", gaussian_pair(0.6))]),
    "frenzel-pompe": (
        fastit.conditional_mutual_info,
        [("x = z + e, y = x + z + e", gaussian_chain)],
    ),
    "discrete": (fastit.discrete_mutual_info, [("4 symbols, channel 0.5", symmetric_channel)]),
    "mean": (np.mean, [("exponential", exponential)]),
}


def intervals(
    estimate: float, sub: np.ndarray, n: int, level: float
) -> dict[str, tuple[float, float]]:
    """The subsampling intervals compared here, from one set of half-size estimates."""
    b = max(2, n // 2)
    lo, hi = np.quantile(sub, [(1 - level) / 2, (1 + level) / 2])
    old, fpc = np.sqrt(b / n), np.sqrt(b / (n - b))
    centre = sub.mean()
    return {
        "subsample, 0.1": (estimate + old * (lo - centre), estimate + old * (hi - centre)),
        "reflected": (estimate - fpc * (hi - estimate), estimate - fpc * (lo - estimate)),
        "subsample": (estimate + fpc * (lo - centre), estimate + fpc * (hi - centre)),
    }


def run(sizes: list[int], reps: int, resamples: int, cases: list[str]) -> None:
    level = 0.95
    methods = ["bootstrap", "subsample, 0.1", "reflected", "subsample"]
    print(f"coverage of {level:.0%} intervals ({reps} data sets, {resamples} resamples each)")
    print("and the median width of the default interval\n")
    print(f"{'estimator':<15}{'data':<26}{'n':>6}" + "".join(f"{m:>16}" for m in methods)
          + f"{'width':>9}{'bias':>9}")  # fmt: skip
    for case in cases:
        estimator, draws = CASES[case]
        for label, draw in draws:
            for n in sizes:
                start = time.perf_counter()
                hits = dict.fromkeys(methods, 0)
                widths, errors = [], []
                for r in range(reps):
                    samples, truth = draw(np.random.default_rng([n, r]), n)
                    common = {"n_resamples": resamples, "random_state": r, "n_jobs": None}
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore", fastit.EstimationWarning)
                        boot = stats.bootstrap_ci(estimator, *samples, method="bootstrap", **common)
                    sub = stats.bootstrap_ci(estimator, *samples, method="subsample", **common)
                    found = intervals(sub.estimate, sub.distribution, n, level)
                    found["bootstrap"] = (boot.low, boot.high)
                    assert np.isclose(found["subsample"][0], sub.low), "the default changed"
                    for m in methods:
                        hits[m] += found[m][0] <= truth <= found[m][1]
                    widths.append(sub.high - sub.low)
                    errors.append(sub.estimate - truth)
                cells = "".join(f"{hits[m] / reps:>16.2f}" for m in methods)
                print(
                    f"{case:<15}{label:<26}{n:>6}{cells}{np.median(widths):>9.3f}"
                    f"{np.mean(errors):>+9.3f}   ({time.perf_counter() - start:.0f} s)",
                    flush=True,
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[250, 1000, 4000])
    parser.add_argument("--reps", type=int, default=100)
    parser.add_argument("--resamples", type=int, default=200)
    parser.add_argument("--cases", nargs="+", default=list(CASES), choices=CASES)
    parser.add_argument("--quick", action="store_true", help="n = 250, 10 data sets")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.reps, args.resamples = [250], 10, 50
    run(args.sizes, args.reps, args.resamples, args.cases)


if __name__ == "__main__":
    main()
