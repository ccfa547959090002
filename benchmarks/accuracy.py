"""Accuracy on distributions with known mutual information: fastit beside its peers.

    python benchmarks/accuracy.py              # n = 1e3 and 1e4, 10 seeds each (~1 min)
    python benchmarks/accuracy.py --n 500 --seeds 20

Each cell is the mean (standard deviation) over seeds of the estimate minus the truth, in
nats; every estimator sees the same samples. k = 3 throughout. Distributions:

- gauss 0.6 / gauss 0.9: bivariate Gaussian, I = -ln(1 - rho^2) / 2;
- gauss 4+4: four independent pairs with rho = 0.6, I = 4 x 0.2231;
- monotone: gauss 0.6 seen through x -> exp(x), y -> y^3 (MI is unchanged by monotone
  maps of each variable; a k-NN estimate is not exactly invariant);
- uniform: X ~ U(0, 1), Y = X + U(0, 1/2): I = h(Y) - h(noise) = 1/4 + ln 2;
- independent: two independent Gaussians, I = 0 (scikit-learn clips at 0, so its error
  there is never negative).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

import numpy as np
from peers import ennemi_ksg, npeet_style_ksg1, sklearn_ksg1

import fastit

Sampler = Callable[[np.random.Generator, int], tuple[np.ndarray, np.ndarray]]


def _gauss(rho: float, d: int = 1) -> Sampler:
    def draw(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
        x = rng.standard_normal((n, d))
        return x, rho * x + math.sqrt(1 - rho**2) * rng.standard_normal((n, d))

    return draw


def _monotone(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    x, y = _gauss(0.6)(rng, n)
    return np.exp(x), y**3


def _uniform(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    x = rng.random((n, 1))
    return x, x + 0.5 * rng.random((n, 1))


def _independent(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    return rng.standard_normal((n, 1)), rng.standard_normal((n, 1))


CASES: dict[str, tuple[Sampler, float]] = {
    "gauss 0.6": (_gauss(0.6), -0.5 * math.log(1 - 0.36)),
    "gauss 0.9": (_gauss(0.9), -0.5 * math.log(1 - 0.81)),
    "gauss 4+4": (_gauss(0.6, 4), -2.0 * math.log(1 - 0.36)),
    "monotone": (_monotone, -0.5 * math.log(1 - 0.36)),
    "uniform": (_uniform, 0.25 + math.log(2)),
    "independent": (_independent, 0.0),
}

ESTIMATORS: dict[str, Callable[[np.ndarray, np.ndarray], float]] = {
    "fastit ksg1": lambda x, y: fastit.mutual_info(x, y, k=3),
    "fastit ksg2": lambda x, y: fastit.mutual_info(x, y, k=3, method="ksg2"),
    "scikit-learn": lambda x, y: sklearn_ksg1(x, y, 3),
    "NPEET-style": lambda x, y: npeet_style_ksg1(x, y, 3),
    "ennemi": lambda x, y: ennemi_ksg(x, y, 3),
}
ONE_DIMENSIONAL = {"scikit-learn", "ennemi"}  # they take one 1-D x against a 1-D y


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=float, nargs="+", default=[1e3, 1e4])
    parser.add_argument("--seeds", type=int, default=10)
    args = parser.parse_args()
    names = list(ESTIMATORS)
    try:
        import ennemi  # noqa: F401
    except ImportError:
        names.remove("ennemi")
        print("(ennemi not installed: pip install ennemi to add it)")
    print("| case | n | truth | " + " | ".join(names) + " |")
    print("|---|---|---|" + "---|" * len(names))
    for case, (draw, truth) in CASES.items():
        for n in (int(v) for v in args.n):
            errors: dict[str, list[float]] = {name: [] for name in names}
            for seed in range(args.seeds):
                x, y = draw(np.random.default_rng(seed), n)
                for name in names:
                    if name in ONE_DIMENSIONAL and x.shape[1] > 1:
                        continue
                    errors[name].append(ESTIMATORS[name](x, y) - truth)
            cells = [
                f"{np.mean(e):+.4f} ({np.std(e):.4f})" if e else "-" for e in errors.values()
            ]
            print(f"| {case} | {n:.0e} | {truth:.4f} | " + " | ".join(cells) + " |", flush=True)
    print(f"\nmean (sd) of estimate - truth over {args.seeds} seeds, nats; k = 3")


if __name__ == "__main__":
    main()
