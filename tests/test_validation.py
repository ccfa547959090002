"""Bad input raises ValueError or TypeError naming the argument; import stays light."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import fastit
from fastit.neighbors import count_neighbors, knn_distances

RNG = np.random.default_rng(0)
N = 20
X = RNG.standard_normal(N)
Y = RNG.standard_normal((N, 2))
Z = RNG.standard_normal(N)
LABELS = np.arange(N) % 3


# Every continuous-sample argument of every public function, as f(bad) -> call.
SAMPLE_ARGS = {
    "mutual_info x": ("x", lambda a: fastit.mutual_info(a, Y)),
    "mutual_info y": ("y", lambda a: fastit.mutual_info(X, a)),
    "mutual_info ksg2 y": ("y", lambda a: fastit.mutual_info(X, a, method="ksg2")),
    "mutual_info mixed x": ("x", lambda a: fastit.mutual_info(a, Y, method="mixed")),
    "ross x": ("x", lambda a: fastit.mutual_info(a, LABELS, y_discrete=True)),
    "ross y": ("y", lambda a: fastit.mutual_info(LABELS, a, x_discrete=True)),
    "cmi x": ("x", lambda a: fastit.conditional_mutual_info(a, Y, Z)),
    "cmi y": ("y", lambda a: fastit.conditional_mutual_info(X, a, Z)),
    "cmi z": ("z", lambda a: fastit.conditional_mutual_info(X, Y, a)),
    "entropy x": ("x", lambda a: fastit.differential_entropy(a)),
    "knn points": ("points", lambda a: knn_distances(a, 1)),
    "count points": ("points", lambda a: count_neighbors(a, np.ones(N))),
}
SAMPLE_IDS = list(SAMPLE_ARGS)


def _with(value: float) -> np.ndarray:
    a = RNG.standard_normal(N)
    a[7] = value
    return a


@pytest.mark.parametrize("case", SAMPLE_IDS)
@pytest.mark.parametrize(
    ("bad", "error", "what"),
    [
        (_with(np.nan), ValueError, "contains NaN"),
        (_with(np.inf), ValueError, "contains infinite"),
        (_with(-np.inf), ValueError, "contains infinite"),
        (np.column_stack([X, _with(np.nan)]), ValueError, "contains NaN"),
        (np.zeros((N, 2, 2)), ValueError, r"has shape \(20, 2, 2\)"),
        (np.float64(1.5), ValueError, r"has shape \(\)"),
        (np.array([]), ValueError, "is empty"),
        (np.empty((0, 3)), ValueError, "is empty"),
        (np.empty((N, 0)), ValueError, "is empty"),
        (None, TypeError, "is None"),
        (np.array(["a"] * N), TypeError, "has dtype <U1"),
        (X.astype(str), TypeError, "has dtype <U"),
        (X + 1j, TypeError, "has dtype complex128"),
        (X.astype(object), TypeError, "has dtype object"),
        (np.arange(N).astype("datetime64[D]"), TypeError, "has dtype datetime64"),
    ],
    ids=[
        "nan",
        "inf",
        "-inf",
        "nan-2d",
        "3d",
        "scalar",
        "empty",
        "empty-rows",
        "empty-cols",
        "none",
        "strings",
        "numeric-strings",
        "complex",
        "object",
        "datetime",
    ],
)
def test_bad_samples(case: str, bad, error: type, what: str) -> None:
    name, call = SAMPLE_ARGS[case]
    with pytest.raises(error, match=rf"^{name} {what}"):
        call(bad)


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: fastit.mutual_info(X, Y[:-1]), "y"),
        (lambda: fastit.mutual_info(X[:-1], Y), "y"),
        (lambda: fastit.mutual_info(X, Y[:5], method="mixed"), "y"),
        (lambda: fastit.mutual_info(X, LABELS[:-1], y_discrete=True), "y"),
        (lambda: fastit.mutual_info(LABELS, LABELS[:5], x_discrete=True, y_discrete=True), "y"),
        (lambda: fastit.conditional_mutual_info(X, Y[:-2], Z), "y"),
        (lambda: fastit.conditional_mutual_info(X, Y, Z[:-1]), "z"),
        (lambda: fastit.conditional_mutual_info(X, Y, np.ones((N + 1, 2))), "z"),
    ],
)
def test_mismatched_lengths(call, name: str) -> None:
    with pytest.raises(ValueError, match=rf"^{name} has \d+ samples but x has \d+"):
        call()


def test_mismatched_lengths_with_discrete_x_names_both_arguments() -> None:
    # With x_discrete the labels are x and the samples are y: the message must not read
    # "x has 10 samples but x has 20".
    with pytest.raises(ValueError, match=r"x has 10 samples but y has 20"):
        fastit.mutual_info(LABELS[:10], X, x_discrete=True)


K_CALLS = {
    "ksg1": lambda k: fastit.mutual_info(X, Y, k=k),
    "ksg2": lambda k: fastit.mutual_info(X, Y, k=k, method="ksg2"),
    "mixed": lambda k: fastit.mutual_info(X, Y, k=k, method="mixed"),
    "ross": lambda k: fastit.mutual_info(X, LABELS, k=k, y_discrete=True),
    "cmi": lambda k: fastit.conditional_mutual_info(X, Y, Z, k=k),
    "entropy": lambda k: fastit.differential_entropy(X, k=k),
    "knn": lambda k: knn_distances(X, k),
}


@pytest.mark.parametrize("fn", list(K_CALLS))
@pytest.mark.parametrize(
    ("k", "error", "what"),
    [
        (N, ValueError, "k=20 needs more than k samples"),
        (N + 5, ValueError, "k=25 needs more than k samples"),
        (0, ValueError, "k must be at least 1"),
        (-3, ValueError, "k must be at least 1"),
        (3.0, TypeError, "k must be an int, got float"),
        (2.5, TypeError, "k must be an int"),
        (np.float64(3), TypeError, "k must be an int"),
        (True, TypeError, "k must be an int, got bool"),
        ("3", TypeError, "k must be an int, got str"),
        (None, TypeError, "k must be an int"),
    ],
)
def test_bad_k(fn: str, k, error: type, what: str) -> None:
    with pytest.raises(error, match=what):
        K_CALLS[fn](k)


def test_numpy_integer_k_is_accepted() -> None:
    assert fastit.mutual_info(X, Y, k=np.int64(3)) == fastit.mutual_info(X, Y, k=3)
    assert fastit.mutual_info(X, Y, k=N - 1) == fastit.mutual_info(X, Y, k=np.int32(N - 1))


def test_one_sample_asks_for_more_samples() -> None:
    # n = 1 admits no k at all: "use k <= 0" would be advice that cannot be followed.
    with pytest.raises(ValueError, match="at least 2"):
        fastit.mutual_info([1.0], [2.0], k=1)


ALL_CALLS = {
    "mi": lambda **kw: fastit.mutual_info(X, Y, **kw),
    "ross": lambda **kw: fastit.mutual_info(X, LABELS, y_discrete=True, **kw),
    "plugin": lambda **kw: fastit.mutual_info(
        LABELS, LABELS, x_discrete=True, y_discrete=True, **kw
    ),
    "cmi": lambda **kw: fastit.conditional_mutual_info(X, Y, Z, **kw),
    "entropy": lambda **kw: fastit.differential_entropy(X, **kw),
}


@pytest.mark.parametrize("fn", list(ALL_CALLS))
@pytest.mark.parametrize(
    ("n_jobs", "error", "what"),
    [
        (0, ValueError, "n_jobs must be a positive number"),
        (-2, ValueError, "n_jobs must be a positive number"),
        (1.5, TypeError, "n_jobs must be None or an int, got float"),
        (2.0, TypeError, "n_jobs must be None or an int"),
        (True, TypeError, "n_jobs must be None or an int, got bool"),
        ("2", TypeError, "n_jobs must be None or an int, got str"),
        (2**31, ValueError, "more threads than fastit starts"),
        (np.int64(2**40), ValueError, "more threads than fastit starts"),
    ],
)
def test_bad_n_jobs(fn: str, n_jobs, error: type, what: str) -> None:
    with pytest.raises(error, match=what):
        ALL_CALLS[fn](n_jobs=n_jobs)


def test_integers_that_float64_would_merge_are_refused() -> None:
    # 2**63 + i for i < 100 all round to 2**63: distinct values would become ties.
    big = np.arange(N, dtype=np.uint64) + np.uint64(2**63)
    for call in (
        lambda: fastit.mutual_info(big, Y),
        lambda: fastit.conditional_mutual_info(X, Z, -(big // np.uint64(2)).astype(np.int64)),
        lambda: fastit.differential_entropy(big),
    ):
        with pytest.raises(ValueError, match="beyond 2\\*\\*53"):
            call()
    # Large integers that float64 holds exactly are accepted.
    exact = np.arange(N, dtype=np.int64) * 2**20 - 2**62
    assert np.isfinite(fastit.mutual_info(exact, Y))


def test_too_many_columns_name_the_argument() -> None:
    wide = np.random.default_rng(0).standard_normal((N, 4097))
    with pytest.raises(ValueError, match="^y has 4097 columns"):
        fastit.mutual_info(X, wide)
    with pytest.raises(ValueError, match="^z has 4097 columns"):
        fastit.conditional_mutual_info(X, Z, wide)


def test_bad_n_jobs_for_neighbors() -> None:
    for bad, error in ((0, ValueError), (-2, ValueError), (1.5, TypeError), (False, TypeError)):
        with pytest.raises(error, match="n_jobs"):
            knn_distances(X, 1, n_jobs=bad)
        with pytest.raises(error, match="n_jobs"):
            count_neighbors(X, np.ones(N), n_jobs=bad)


@pytest.mark.parametrize("fn", list(ALL_CALLS))
@pytest.mark.parametrize(
    ("base", "error"),
    [
        (0, ValueError),
        (1, ValueError),
        (1.0, ValueError),
        (-2, ValueError),
        (np.inf, ValueError),
        (np.nan, ValueError),
        ("e", TypeError),
        (True, TypeError),
        ([2], TypeError),
    ],
)
def test_bad_base(fn: str, base, error: type) -> None:
    with pytest.raises(error, match="base must be"):
        ALL_CALLS[fn](base=base)


@pytest.mark.parametrize("fn", list(ALL_CALLS))
@pytest.mark.parametrize(
    ("random_state", "error"),
    [
        ("seed", TypeError),
        (1.5, TypeError),
        (True, TypeError),
        ([1, 2], TypeError),
        (np.random.default_rng, TypeError),
        (-1, ValueError),
    ],
)
def test_bad_random_state(fn: str, random_state, error: type) -> None:
    with pytest.raises(error, match="random_state must be"):
        ALL_CALLS[fn](random_state=random_state)


@pytest.mark.parametrize("method", ["KSG1", "ksg3", "", None, "kraskov", ["ksg1"]])
def test_bad_method(method) -> None:
    with pytest.raises(ValueError, match="method must be one of 'ksg1', 'ksg2', 'mixed'"):
        fastit.mutual_info(X, Y, method=method)


@pytest.mark.parametrize("flag", ["standardize", "local", "x_discrete", "y_discrete"])
@pytest.mark.parametrize("value", [1, 0, "yes", None, 1.0])
def test_flags_must_be_bool(flag: str, value) -> None:
    with pytest.raises(TypeError, match=f"{flag} must be True or False"):
        fastit.mutual_info(X, Y, **{flag: value})


@pytest.mark.parametrize("flag", ["standardize", "local"])
def test_cmi_and_entropy_flags_must_be_bool(flag: str) -> None:
    with pytest.raises(TypeError, match=f"{flag} must be True or False"):
        fastit.conditional_mutual_info(X, Y, Z, **{flag: 1})
    if flag == "local":
        with pytest.raises(TypeError, match="local must be True or False"):
            fastit.differential_entropy(X, local="no")
    with pytest.raises(TypeError, match="strict must be True or False"):
        count_neighbors(X, np.ones(N), strict=1)


def test_numpy_bools_are_accepted_as_flags() -> None:
    assert fastit.mutual_info(X, Y, standardize=np.bool_(False)) == fastit.mutual_info(
        X, Y, standardize=False
    )


@pytest.mark.parametrize("method", ["mixed", "binned"])
@pytest.mark.parametrize("which", ["x_discrete", "y_discrete"])
def test_mixed_and_binned_methods_refuse_discrete_flags(method: str, which: str) -> None:
    with pytest.raises(ValueError, match=f"method='{method}' does not take x_discrete"):
        fastit.mutual_info(X, LABELS, method=method, **{which: True})


@pytest.mark.parametrize("labels", [np.arange(N), np.arange(N).astype(str), RNG.standard_normal(N)])
def test_labels_that_never_repeat(labels) -> None:
    with pytest.raises(ValueError, match="every label of y occurs once"):
        fastit.mutual_info(X, labels, y_discrete=True)
    with pytest.raises(ValueError, match="every label of x occurs once"):
        fastit.mutual_info(labels, X, x_discrete=True)


@pytest.mark.parametrize(
    ("labels", "error", "what"),
    [
        (None, TypeError, "y is None"),
        (np.zeros((N, 2, 2)), ValueError, r"y has shape \(20, 2, 2\)"),
        (np.array([]), ValueError, "y is empty"),
        (np.r_[np.nan, np.zeros(N - 1)], ValueError, "y contains NaN or infinite labels"),
        (np.r_[np.inf, np.zeros(N - 1)], ValueError, "y contains NaN or infinite labels"),
    ],
)
def test_bad_labels(labels, error: type, what: str) -> None:
    with pytest.raises(error, match=what):
        fastit.mutual_info(X, labels, y_discrete=True)
    with pytest.raises(error, match=what):
        fastit.mutual_info(LABELS, labels, x_discrete=True, y_discrete=True)


@pytest.mark.parametrize(
    ("radii", "error", "what"),
    [
        (np.ones(N - 1), ValueError, r"radii must have shape \(20,\)"),
        (np.ones(N + 1), ValueError, r"radii must have shape \(20,\)"),
        (np.ones((N, 2)), ValueError, r"radii must have shape \(20,\)"),
        (np.ones((2, N)), ValueError, r"radii must have shape \(20,\)"),
        (np.ones((N, 1, 1)), ValueError, "radii has shape"),
        (np.float64(1.0), ValueError, "radii has shape"),
        (np.r_[-1.0, np.ones(N - 1)], ValueError, "radii must be non-negative"),
        (np.r_[-1e-300, np.ones(N - 1)], ValueError, "radii must be non-negative"),
        (np.r_[np.nan, np.ones(N - 1)], ValueError, "radii contains NaN"),
        (None, TypeError, "radii is None"),
        (np.array(["1"] * N), TypeError, "radii has dtype"),
    ],
)
def test_bad_radii(radii, error: type, what: str) -> None:
    with pytest.raises(error, match=what):
        count_neighbors(X, radii)


def test_two_bad_arguments_name_one_of_them() -> None:
    # When x and y are both bad, the message names one of them, not a generic error.
    with pytest.raises(ValueError, match=r"^(x|y) contains NaN"):
        fastit.mutual_info(_with(np.nan), _with(np.nan))


def test_ragged_input_names_the_argument() -> None:
    with pytest.raises((ValueError, TypeError), match=r"\bx\b"):
        fastit.mutual_info([[1.0, 2.0], [3.0]] * 10, X)


# ---------------------------------------------------------------- import weight


def test_import_does_not_load_torch_dask_or_matplotlib(tmp_path: Path) -> None:
    # Stub packages shadow the real ones (installed or not), so an import of any of them
    # by fastit would show up in sys.modules even where the real package is missing.
    for name in ("torch", "dask", "matplotlib"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("STUB = True\n")
    code = (
        "import sys\n"
        "import fastit, fastit.neighbors, fastit.estimators, fastit.discrete\n"
        "loaded = sorted(m for m in sys.modules\n"
        "                if m.split('.')[0] in ('torch', 'dask', 'matplotlib'))\n"
        "print(loaded)\n"
        "assert not loaded, loaded\n"
        "import torch\n"
        "assert torch.STUB  # the stubs are what an import would find\n"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), env.get("PYTHONPATH", "")])
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,  # not the checkout, whose fastit/ may have no compiled core
    )
    assert result.returncode == 0, result.stdout + result.stderr
