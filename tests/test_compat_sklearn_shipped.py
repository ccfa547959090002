"""scikit-learn's own tests of mutual_info_regression / mutual_info_classif / _compute_mi,
read from the installed package and run against fastit.compat.sklearn's twins."""

from __future__ import annotations

import re
from pathlib import Path

from _shipped import run_shipped

TWINS = {
    "sklearn.feature_selection.mutual_info_regression": (
        "fastit.compat.sklearn.mutual_info_regression"
    ),
    "sklearn.feature_selection.mutual_info_classif": "fastit.compat.sklearn.mutual_info_classif",
    "sklearn.feature_selection._mutual_info._compute_mi": "fastit.compat.sklearn._compute_mi",
}


def test_sklearn_mutual_info_tests_pass_on_the_twins(tmp_path: Path) -> None:
    # Every seed scikit-learn's CI can draw (0-99) and its float32 variants: no skips.
    env = {"SKLEARN_TESTS_GLOBAL_RANDOM_SEED": "all", "SKLEARN_RUN_FLOAT32_TESTS": "1"}
    passed, failed, output = run_shipped(
        "sklearn.feature_selection.tests.test_mutual_info", TWINS, tmp_path, env=env
    )
    assert failed == 0, output[-4000:]
    assert "3 targets, 3 imported by name" in output
    assert not re.search(r"\d+ skipped", output.splitlines()[-1]), output[-2000:]
    assert passed >= 400  # 22 tests, most of them over 100 seeds
