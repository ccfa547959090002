"""Which features the criteria of fastit.selection pick, and how well a classifier does on
them: cross-validated accuracy on scikit-learn's bundled data sets, beside
``SelectKBest(mutual_info_classif)``: the figures behind the default criterion (JMI).

    python benchmarks/selection_quality.py            # the tables in docs/selection.md (~3 min)
    python benchmarks/selection_quality.py --quick    # iris and wine only

Accuracy: the mean over a stratified 10-fold cross-validation (shuffled, seed 0) of a
pipeline StandardScaler -> selector -> classifier, so the features are selected on the
training folds only. Two classifiers: 3-nearest neighbours (as in Brown et al. 2012) and
logistic regression. fastit's selectors run with their defaults (binned, "quantile-hgr"
bins, Miller-Madow); ``SelectKBest(mutual_info_classif)`` with scikit-learn's (k = 3
neighbours, random_state 0).

A first table counts, on ``make_classification(n_features=30, n_informative=4,
shuffle=False)`` with 100 (scikit-learn's default) and 1000 samples over ten seeds, how
many of the 4 features picked are informative (columns 0-3) or redundant combinations of
them (columns 4-5), the rest being noise.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from scipy.stats import rankdata
from sklearn.datasets import (
    load_breast_cancer,
    load_digits,
    load_iris,
    load_wine,
    make_classification,
)
from sklearn.feature_selection import SelectKBest, mutual_info_classif
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from fastit.selection import MutualInfoSelector, select_features

CRITERIA = ["jmi", "cmim", "mrmr", "relevance"]
SELECTORS = [*CRITERIA, "SelectKBest"]


def synthetic() -> tuple[np.ndarray, np.ndarray]:
    return make_classification(
        n_samples=1000, n_features=30, n_informative=4, shuffle=False, random_state=0
    )


DATASETS: dict[str, tuple[Callable[[], Any], list[int]]] = {
    "iris": (lambda: load_iris(return_X_y=True), [1, 2, 3]),
    "wine": (lambda: load_wine(return_X_y=True), [2, 5, 8]),
    "breast_cancer": (lambda: load_breast_cancer(return_X_y=True), [2, 5, 10]),
    "digits": (lambda: load_digits(return_X_y=True), [5, 10, 20]),
    "make_classification": (synthetic, [2, 4, 8]),
}


def selector(name: str, k: int) -> Any:
    if name == "SelectKBest":

        def score(X: np.ndarray, y: np.ndarray) -> np.ndarray:
            return mutual_info_classif(X, y, random_state=0)

        return SelectKBest(score, k=k)
    return MutualInfoSelector(k=k, criterion=name)


def accuracy(X: np.ndarray, y: np.ndarray, name: str, k: int, classifier: Any) -> float:
    folds = StratifiedKFold(10, shuffle=True, random_state=0)
    model = make_pipeline(StandardScaler(), selector(name, k), classifier)
    return float(cross_val_score(model, X, y, cv=folds).mean())


def accuracy_table(datasets: list[str]) -> None:
    classifiers = {
        "3-NN": KNeighborsClassifier(3),
        "logistic": LogisticRegression(max_iter=5000),
    }
    print("mean 10-fold cross-validated accuracy; the best selector of each row in *stars*\n")
    header = "".join(f"{s:>14}" for s in SELECTORS)
    for label, classifier in classifiers.items():
        print(f"classifier: {label}")
        print(f"{'data set':<22}{'k':>4}{header}")
        wins = dict.fromkeys(SELECTORS, 0)
        rows: list[list[float]] = []
        for data in datasets:
            load, ks = DATASETS[data]
            X, y = load()
            for k in ks:
                start = time.perf_counter()
                scores = {s: accuracy(X, y, s, k, classifier) for s in SELECTORS}
                rows.append(list(scores.values()))
                best = max(scores.values())
                for s in SELECTORS:
                    wins[s] += scores[s] >= best - 1e-12
                cells = "".join(
                    f"{(f'*{v:.3f}*' if v >= best - 1e-12 else f'{v:.3f}'):>14}"
                    for v in scores.values()
                )
                print(
                    f"{data:<22}{k:>4}{cells}   ({time.perf_counter() - start:.0f} s)", flush=True
                )
        table = np.array(rows)
        ranks = np.mean([rankdata(-row) for row in table], axis=0)  # 1 = best; ties share
        print(f"{'rows won (ties count)':<26}" + "".join(f"{wins[s]:>14}" for s in SELECTORS))
        print(f"{'mean accuracy':<26}" + "".join(f"{v:>14.3f}" for v in table.mean(axis=0)))
        print(f"{'mean rank (1 = best)':<26}" + "".join(f"{v:>14.2f}" for v in ranks))
        print()


def synthetic_table(seeds: int) -> None:
    print(f"make_classification (30 features, 4 informative, shuffle=False), {seeds} seeds:")
    print("of the 4 features picked, how many are informative or redundant (columns 0-5)")
    print(f"{'n_samples':<12}" + "".join(f"{c:>11}" for c in CRITERIA))
    for n in (100, 1000):
        counts = dict.fromkeys(CRITERIA, 0.0)
        for seed in range(seeds):
            X, y = make_classification(
                n_samples=n, n_features=30, n_informative=4, shuffle=False, random_state=seed
            )
            for c in CRITERIA:
                picked = select_features(X, y, 4, criterion=c).selected
                counts[c] += np.count_nonzero(picked < 6) / seeds
        print(f"{n:<12}" + "".join(f"{counts[c]:>11.2f}" for c in CRITERIA))
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", nargs="+", default=list(DATASETS), choices=DATASETS)
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="iris and wine, 2 seeds")
    args = parser.parse_args()
    if args.quick:
        args.datasets, args.seeds = ["iris", "wine"], 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # k above the features of a fold
        synthetic_table(args.seeds)
        accuracy_table(args.datasets)


if __name__ == "__main__":
    main()
