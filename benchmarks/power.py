"""Level and power of the KSG permutation test (fastit.stats.mutual_info_test) for several
neighbourhood rules k(n), and its run time: the figures behind the default k="auto".

    python benchmarks/power.py                          # the table in docs/testing.md
    python benchmarks/power.py --quick                  # a smoke test (seconds)
    python benchmarks/power.py --sizes 200 --rules 3 20 auto --reps 400
    python benchmarks/power.py --conditional 5 --sizes 200 1000 --reps 40

For every n, scenario and rule, ``--reps`` data sets are drawn (the same data sets for
every rule, so the rules are compared on paired data) and each is tested with
``--perms`` permutations; the table shows the fraction of tests with p <= 0.05 and the
time of one test scaled to 1000 permutations (``n_jobs=1``; all cores divide it roughly
by their number).

Scenarios (x standard normal unless said; strengths shrink with n as n^(-1/4), the rate at
which a fixed-k KSG test loses detection power, so that the columns stay informative):

- ``independent``: y an independent normal (the level: should be 0.05).
- ``independent, 5 values``: x and y independent uniform on {0, ..., 4}, tied data (the
  level on discrete-valued data).
- ``linear``: y = r x + sqrt(1 - r^2) e, r = 0.37 (200 / n)^(1/4) (r = 0.37 at n = 200).
- ``quadratic``: y = a (x^2 - 1) / sqrt(2) + e, a = 0.45 (200 / n)^(1/4).
- ``sine``: y = a sin(4 x) + e, a = 0.6 (200 / n)^(1/4): fine structure, where a large
  neighbourhood averages the dependence away.

With ``--conditional NEIGHBOURS`` the table is of fastit.stats.conditional_mutual_info_test
(local permutations among NEIGHBOURS z-neighbours), z standard normal:

- ``common cause z, noise s``: x = z + s e, y = z + s e', independent given z (the level;
  s = 0.1 is the hard case, where a plain permutation rejects far too often).
- ``linear beyond z``: x = z + e, y = z + r (x - z) + e', r = 0.3 (200 / n)^(1/4).
- ``sine beyond z``: x = z + e, y = z + a sin(4 (x - z)) + e', a = 0.6 (200 / n)^(1/4).

Rules: an int is a fixed k; ``auto`` is fastit's default for the test; ``F*n`` is the
fraction F of n (at least 3) and ``F*n:C`` the same capped at C.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable

import numpy as np

import fastit
from fastit import stats

Scenario = Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]]


def _strength(base: float, n: int) -> float:
    return base * (200 / n) ** 0.25


def independent(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    return rng.standard_normal(n), rng.standard_normal(n)


def five_values(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    return rng.integers(0, 5, n).astype(float), rng.integers(0, 5, n).astype(float)


def linear(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    r = _strength(0.37, n)
    x = rng.standard_normal(n)
    return x, r * x + np.sqrt(1 - r * r) * rng.standard_normal(n)


def quadratic(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    x = rng.standard_normal(n)
    return x, _strength(0.45, n) * (x * x - 1) / np.sqrt(2) + rng.standard_normal(n)


def sine(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    x = rng.standard_normal(n)
    return x, _strength(0.6, n) * np.sin(4 * x) + rng.standard_normal(n)


SCENARIOS: dict[str, Scenario] = {
    "independent": independent,
    "independent, 5 values": five_values,
    "linear": linear,
    "quadratic": quadratic,
    "sine": sine,
}


def common_cause(noise: float) -> Callable[[np.random.Generator, int], tuple[np.ndarray, ...]]:
    def draw(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
        z = rng.standard_normal(n)
        return z + noise * rng.standard_normal(n), z + noise * rng.standard_normal(n), z

    return draw


def beyond_z(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    z = rng.standard_normal(n)
    x = z + rng.standard_normal(n)
    return x, z + _strength(0.3, n) * (x - z) + rng.standard_normal(n), z


def sine_beyond_z(rng: np.random.Generator, n: int) -> tuple[np.ndarray, ...]:
    z = rng.standard_normal(n)
    x = z + rng.standard_normal(n)
    return x, z + _strength(0.6, n) * np.sin(4 * (x - z)) + rng.standard_normal(n), z


# For --conditional: (x, y, z) with x independent of y given z (the first two) or not.
CONDITIONAL: dict[str, Callable[[np.random.Generator, int], tuple[np.ndarray, ...]]] = {
    "common cause z, noise 0.5": common_cause(0.5),
    "common cause z, noise 0.1": common_cause(0.1),
    "linear beyond z": beyond_z,
    "sine beyond z": sine_beyond_z,
}


def neighbours_of(rule: str, n: int) -> int | str:
    """The k a rule gives at n ("auto" is passed through to fastit)."""
    if rule == "auto":
        return "auto"
    if "*n" in rule:
        fraction, _, cap = rule.partition("*n")
        k = max(3, round(float(fraction) * n))
        if cap:
            k = min(k, int(cap.lstrip(":")))
        return min(k, n - 1)
    return int(rule)


def resolved(rule: str, n: int) -> int:
    k = neighbours_of(rule, n)
    return stats.auto_k(n) if k == "auto" else int(k)


def run(
    sizes: list[int],
    rules: list[str],
    scenarios: list[str],
    reps: int,
    perms: int,
    neighbours: int | None,
) -> None:
    """The table; ``neighbours`` None: the MI test, else the CMI test with it."""
    conditional = neighbours is not None
    test = f"conditional test, neighbours={neighbours}" if conditional else "MI test"
    print(f"{test}: rejection rate at 5% ({reps} data sets per cell, {perms} permutations")
    print("each) and seconds per test of 1000 permutations, n_jobs=1\n")
    for n in sizes:
        ks = [resolved(rule, n) for rule in rules]
        header = "  ".join(f"{rule}={k}".rjust(12) for rule, k in zip(rules, ks, strict=True))
        print(f"n = {n}")
        print(f"{'scenario':<28}{header}")
        seconds = np.zeros(len(rules))
        for name in scenarios:
            rejected = np.zeros(len(rules))
            for r in range(reps):
                rng = np.random.default_rng([n, r])
                data = CONDITIONAL[name](rng, n) if conditional else SCENARIOS[name](rng, n)
                for i, rule in enumerate(rules):
                    options = {"k": neighbours_of(rule, n), "n_permutations": perms}
                    options.update(random_state=r, n_jobs=1)
                    start = time.perf_counter()
                    if conditional:
                        result = stats.conditional_mutual_info_test(
                            *data, neighbours=neighbours, **options
                        )
                    else:
                        result = stats.mutual_info_test(*data, **options)
                    seconds[i] += time.perf_counter() - start
                    rejected[i] += result.pvalue <= 0.05
            cells = "  ".join(f"{v / reps:12.3f}" for v in rejected)
            print(f"{name:<28}{cells}", flush=True)
        per_test = seconds / (reps * len(scenarios)) * 1000 / perms
        print(f"{'s / 1000 permutations':<28}" + "  ".join(f"{s:12.3f}" for s in per_test))
        print(flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 200, 1000, 5000])
    parser.add_argument("--rules", nargs="+", default=["3", "10", "20", "auto"])
    parser.add_argument("--scenarios", nargs="+", help="default: all of the test's")
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--perms", type=int, default=99)
    parser.add_argument(
        "--conditional",
        type=int,
        metavar="NEIGHBOURS",
        help="the conditional test instead, with this many z-neighbours (5 is its default)",
    )
    parser.add_argument("--quick", action="store_true", help="n = 200, 10 data sets")
    args = parser.parse_args()
    if args.quick:
        args.sizes, args.reps = [200], 10
    known = SCENARIOS if args.conditional is None else CONDITIONAL
    scenarios = args.scenarios or list(known)
    unknown = set(scenarios) - set(known)
    if unknown:
        parser.error(f"unknown scenarios {sorted(unknown)}; choose from {list(known)}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fastit.DiscreteDataWarning)  # the tied scenario
        run(args.sizes, args.rules, scenarios, args.reps, args.perms, args.conditional)


if __name__ == "__main__":
    main()
