"""fastit.compat.sklearn against the installed scikit-learn: same numbers (bit for bit),
same dtypes, same exceptions and warnings, same side effects; patching."""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import scipy.sparse as sp
import sklearn.feature_selection as skfs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.feature_selection import SelectKBest
from sklearn.feature_selection import mutual_info_classif as sk_classif
from sklearn.feature_selection import mutual_info_regression as sk_regression
from sklearn.feature_selection._mutual_info import _compute_mi as sk_compute_mi

import fastit
from fastit.compat import sklearn as twin

HYPO = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_same(ours: Any, theirs: Any) -> None:
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.dtype == theirs.dtype
    assert ours.shape == theirs.shape
    assert np.array_equal(ours, theirs), np.max(np.abs(ours - theirs))  # bit for bit


def same_warnings(ours: Callable[[], Any], theirs: Callable[[], Any]) -> tuple[Any, Any]:
    """Both results, after checking that both calls warn alike (category and text)."""
    results, caught = [], []
    for call in (ours, theirs):
        with warnings.catch_warnings(record=True) as record:
            warnings.simplefilter("always")
            results.append(call())
        caught.append([(w.category, str(w.message)) for w in record])
    assert caught[0] == caught[1]
    return results[0], results[1]


def same_error(ours: Callable[[], Any], theirs: Callable[[], Any]) -> None:
    with pytest.raises(Exception) as expected:  # noqa: PT011 - whatever scikit-learn raises
        theirs()
    with pytest.raises(expected.type) as got:
        ours()
    assert str(got.value) == str(expected.value)


def outcome(call: Callable[[], Any]) -> tuple[Any, ...]:
    """What a call gives: its value (with dtype) or its exception, and its warnings."""
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        try:
            value = np.asarray(call())
            result: tuple[Any, ...] = ("value", value.dtype, value.tolist())
        except Exception as err:  # noqa: BLE001 - whatever scikit-learn raises
            result = ("error", type(err), str(err))
    return (*result, [(w.category, str(w.message)) for w in record])


def features(rng: np.random.Generator, n: int) -> np.ndarray:
    """Continuous, heavy-tailed, rounded (ties), constant and integer-valued columns."""
    z = rng.standard_normal(n)
    return np.column_stack(
        [
            z,
            rng.standard_cauchy(n),
            np.round(2 * z + rng.standard_normal(n)),
            np.full(n, 3.0),
            rng.integers(0, 4, n).astype(np.float64),
            z**2 + 0.1 * rng.standard_normal(n),
        ]
    )


def labels_with_small_classes(rng: np.random.Generator, x: np.ndarray) -> np.ndarray:
    y = (x > 0).astype(np.int64) + (x > 1)
    y[:3] = 7  # a class of 3: scikit-learn's brute-force neighbours
    y[3:5] = 8  # a class of 2
    y[5] = 9  # a singleton: left out of Ross's estimator
    return y


# --------------------------------------------------------------------------- values


@pytest.mark.parametrize("n", [40, 3000])
@pytest.mark.parametrize("n_neighbors", [1, 3, 8])
@pytest.mark.parametrize("discrete_features", ["auto", False, [2, 3, 4], "mask"])
def test_regression_equals_sklearn(n: int, n_neighbors: int, discrete_features: Any) -> None:
    rng = np.random.default_rng(n + n_neighbors)
    X = features(rng, n)
    y = X[:, 0] + 0.5 * X[:, 5] + 0.3 * rng.standard_normal(n)
    if isinstance(discrete_features, str) and discrete_features == "mask":
        discrete_features = np.array([False, False, True, False, True, False])
    kwargs = {"discrete_features": discrete_features, "n_neighbors": n_neighbors}
    for seed in (0, 1):
        assert_same(
            twin.mutual_info_regression(X, y, random_state=seed, **kwargs),
            sk_regression(X, y, random_state=seed, **kwargs),
        )


@pytest.mark.parametrize("n", [40, 3000])
@pytest.mark.parametrize("n_neighbors", [1, 3, 8])
@pytest.mark.parametrize("discrete_features", ["auto", True, [2, 3, 4]])
def test_classif_equals_sklearn(n: int, n_neighbors: int, discrete_features: Any) -> None:
    rng = np.random.default_rng(n * n_neighbors)
    X = features(rng, n)
    y = labels_with_small_classes(rng, X[:, 0])
    kwargs = {"discrete_features": discrete_features, "n_neighbors": n_neighbors}
    named = np.array([f"class {v}" for v in y])  # string labels: the same classes
    for seed in (0, 5):
        for target in (y, named):
            # discrete_features=True on continuous columns: both warn that the
            # "labels" are continuous.
            assert_same(
                *same_warnings(
                    lambda t=target, s=seed: twin.mutual_info_classif(
                        X, t, random_state=s, **kwargs
                    ),
                    lambda t=target, s=seed: sk_classif(X, t, random_state=s, **kwargs),
                )
            )


def test_compute_mi_equals_sklearn_for_every_pairing() -> None:
    rng = np.random.default_rng(3)
    c = rng.standard_normal(500)
    d = labels_with_small_classes(rng, c)
    e = rng.integers(0, 3, 500)
    c2 = c + rng.standard_normal(500)
    for args in [
        (c, c2, False, False),
        (c, d, False, True),
        (d, c, True, False),
        (d, e, True, True),
    ]:
        for k in (1, 3, 6):
            assert twin._compute_mi(*args, n_neighbors=k) == sk_compute_mi(*args, n_neighbors=k)


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
def test_constant_feature_bias_is_reproduced() -> None:
    # The documented fault: a constant column scores well above 0 against a rare label.
    n = 100_000
    x = np.full((n, 1), 3.0)
    y = np.zeros(n, dtype=np.int64)
    y[np.random.default_rng(0).choice(n, size=20, replace=False)] = 1
    expected = sk_classif(x, y, random_state=0)
    assert expected[0] > 0.01
    assert_same(twin.mutual_info_classif(x, y, random_state=0), expected)
    assert abs(fastit.mutual_info(x[:, 0], y, y_discrete=True)) < 1e-3


@pytest.mark.parametrize("dtype", [np.float32, np.int64])
def test_other_input_dtypes(dtype: type) -> None:
    rng = np.random.default_rng(4)
    X = (10 * features(rng, 800)[:, [0, 2, 4]]).astype(dtype)
    y = (X[:, 0] + rng.normal(size=800)).astype(dtype)
    assert_same(
        twin.mutual_info_regression(X, y, random_state=0), sk_regression(X, y, random_state=0)
    )
    assert_same(
        twin.mutual_info_classif(X, (y > 0).astype(int), random_state=0),
        sk_classif(X, (y > 0).astype(int), random_state=0),
    )


@pytest.mark.parametrize("container", [sp.csr_matrix, sp.csc_matrix, sp.csr_array])
def test_sparse_discrete_input(container: Any) -> None:
    rng = np.random.default_rng(5)
    dense = rng.integers(0, 3, (300, 4)) * (rng.random((300, 4)) < 0.3)
    y = (dense[:, 0] + rng.integers(0, 2, 300)) % 3
    X = container(dense)
    assert_same(twin.mutual_info_classif(X, y), sk_classif(X, y))
    # Sparse X with a continuous feature is refused, with scikit-learn's message.
    same_error(
        lambda: twin.mutual_info_classif(X, y, discrete_features=[0]),
        lambda: sk_classif(X, y, discrete_features=[0]),
    )


def test_random_state_instances_are_consumed_alike() -> None:
    rng = np.random.default_rng(6)
    X, y = features(rng, 500), rng.standard_normal(500)
    ours, theirs = np.random.RandomState(11), np.random.RandomState(11)
    assert_same(
        twin.mutual_info_regression(X, y, random_state=ours),
        sk_regression(X, y, random_state=theirs),
    )
    assert ours.randint(10**9) == theirs.randint(10**9)


def test_copy_false_overwrites_x_as_sklearn_does() -> None:
    rng = np.random.default_rng(7)
    X = features(rng, 300)
    y = X[:, 0] + rng.standard_normal(300)
    ours, theirs = X.copy(), X.copy()
    twin.mutual_info_regression(ours, y, copy=False, random_state=0)
    sk_regression(theirs, y, copy=False, random_state=0)
    assert not np.array_equal(ours, X)  # scaled and noised in place
    assert np.array_equal(ours, theirs)
    kept = X.copy()
    twin.mutual_info_regression(kept, y, copy=True, random_state=0)
    assert np.array_equal(kept, X)


def test_values_do_not_depend_on_n_jobs() -> None:
    rng = np.random.default_rng(8)
    X = features(rng, 2000)
    y = labels_with_small_classes(rng, X[:, 0])
    results = [
        twin.mutual_info_classif(X, y, random_state=0, n_jobs=n_jobs) for n_jobs in (1, 2, None, -1)
    ]
    for other in results[1:]:
        assert np.array_equal(other, results[0])


@HYPO
@given(
    n=st.integers(8, 120),
    n_features=st.integers(1, 3),
    n_neighbors=st.integers(1, 4),
    n_classes=st.integers(1, 5),
    seed=st.integers(0, 2**31),
)
def test_twins_equal_sklearn_on_random_data(
    n: int, n_features: int, n_neighbors: int, n_classes: int, seed: int
) -> None:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, n_features))
    X[:, 0] = np.round(X[:, 0] * rng.integers(1, 4))  # ties
    y_continuous = X.sum(axis=1) + rng.standard_normal(n)
    y_labels = rng.integers(0, n_classes, n)
    assert_same(
        twin.mutual_info_regression(X, y_continuous, n_neighbors=n_neighbors, random_state=seed),
        sk_regression(X, y_continuous, n_neighbors=n_neighbors, random_state=seed),
    )
    assert_same(
        twin.mutual_info_classif(X, y_labels, n_neighbors=n_neighbors, random_state=seed),
        sk_classif(X, y_labels, n_neighbors=n_neighbors, random_state=seed),
    )


@pytest.mark.parametrize("seed", range(40))
def test_discrete_features_are_bit_exact(seed: int) -> None:
    # The plug-in MI of a discrete feature is scikit-learn's mutual_info_score, bit for bit.
    rng = np.random.default_rng(seed)
    n = int(rng.integers(20, 3000))
    X = features(rng, n)
    X[:, 2] = rng.integers(0, int(rng.integers(2, 40)), n)  # many labels
    X[:, 3] = rng.choice([-1.5, 0.25, 7.0], n)  # non-integer labels
    y = labels_with_small_classes(rng, X[:, 0] + X[:, 2] / 10)
    y_continuous = X[:, 0] + rng.standard_normal(n)
    for discrete in ([2], [3], [2, 3, 4]):
        options = {"discrete_features": discrete, "random_state": seed}
        ours = outcome(lambda o=options: twin.mutual_info_classif(X, y, **o))
        assert ours[0] == "value"
        assert ours == outcome(lambda o=options: sk_classif(X, y, **o))
        ours = outcome(lambda o=options: twin.mutual_info_regression(X, y_continuous, **o))
        assert ours[0] == "value"
        assert ours == outcome(lambda o=options: sk_regression(X, y_continuous, **o))


@pytest.fixture
def no_hang() -> Any:
    """Turn a call that would loop forever into a failure (SIGALRM after 120 s)."""
    import signal

    if not hasattr(signal, "SIGALRM"):  # not on POSIX: no guard
        yield
        return

    def stop(*_: Any) -> None:
        raise TimeoutError("the call did not return within 120 s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def extreme_columns(n: int) -> dict[str, np.ndarray]:
    z = np.random.default_rng(n).standard_normal(n)
    first = np.arange(n)
    return {
        "spanning +-1e308": np.where(first < 3, 1e308, np.where(first < 6, -1e308, z)),
        "one 1e308": np.r_[1e308, z[1:]],
        "constant 1e308": np.full(n, 1e308),  # its noise overflows
        "constant 1e200": np.full(n, 1e200),  # squared distances overflow
        "constant 1e-300": np.full(n, 1e-300),
        "subnormal": z * 5e-322,
        "spread 1e154": z * 1e154,
        "tied 1e300": np.round(z) * 1e300,
    }


@pytest.mark.usefixtures("no_hang")
@pytest.mark.parametrize("n", [8, 120])
@pytest.mark.parametrize("column", list(extreme_columns(8)))
def test_extreme_magnitudes_give_what_sklearn_gives(n: int, column: str) -> None:
    # scikit-learn raises (NaN after scaling, neighbour searches whose squared distances
    # overflow) or answers; the twins do the same, never loop (nextafter(inf) did).
    rng = np.random.default_rng(n)
    X = np.column_stack([extreme_columns(n)[column], rng.standard_normal(n), rng.integers(0, 3, n)])
    labels = labels_with_small_classes(rng, rng.standard_normal(n))
    binary = rng.integers(0, 2, n)
    targets = {
        "normal": rng.standard_normal(n),
        "spanning +-1e308": np.r_[1e308, -1e308, rng.standard_normal(n - 2)],
        "constant 1e200": np.full(n, 1e200),
    }
    for k, discrete in ((1, False), (3, [2]), (3, [0])):
        options = {"discrete_features": discrete, "n_neighbors": k, "random_state": 1}
        for y in (labels, binary):
            assert outcome(lambda y=y, o=options: twin.mutual_info_classif(X, y, **o)) == outcome(
                lambda y=y, o=options: sk_classif(X, y, **o)
            )
        for y in targets.values():
            assert outcome(
                lambda y=y, o=options: twin.mutual_info_regression(X, y, **o)
            ) == outcome(lambda y=y, o=options: sk_regression(X, y, **o))


# --------------------------------------------------------------------------- errors


BAD_CALLS: list[tuple[str, str, dict[str, Any]]] = [
    ("regression", "nan in X", {}),
    ("regression", "1-D X", {}),
    ("regression", "length mismatch", {}),
    ("regression", "too few samples for k", {"n_neighbors": 20}),
    ("regression", "unknown option", {"discrete_features": "sometimes"}),
    ("regression", "k = 0", {"n_neighbors": 0}),
    ("regression", "copy not a bool", {"copy": "yes"}),
    ("regression", "n_jobs not an int", {"n_jobs": 1.5}),
    ("regression", "n_jobs = 0", {"n_jobs": 0}),
    ("regression", "index out of range", {"discrete_features": [9]}),
    ("regression", "bad random_state", {"random_state": "seed"}),
    ("classif", "continuous target", {}),
]


@pytest.mark.parametrize(("kind", "case", "kwargs"), BAD_CALLS)
def test_bad_input_raises_what_sklearn_raises(kind: str, case: str, kwargs: dict[str, Any]) -> None:
    rng = np.random.default_rng(9)
    X, y = rng.standard_normal((10, 2)), rng.standard_normal(10)
    if case == "nan in X":
        X[3, 1] = np.nan
    if case == "1-D X":
        X = X[:, 0]
    if case == "length mismatch":
        y = y[:-1]
    if kind == "classif" and case != "continuous target":
        y = (y > 0).astype(int)
    ours = twin.mutual_info_regression if kind == "regression" else twin.mutual_info_classif
    theirs = sk_regression if kind == "regression" else sk_classif
    same_error(functools.partial(ours, X, y, **kwargs), functools.partial(theirs, X, y, **kwargs))


def test_signatures_equal_sklearn() -> None:
    import inspect

    for ours, theirs in [
        (twin.mutual_info_regression, sk_regression),
        (twin.mutual_info_classif, sk_classif),
        (twin._compute_mi, sk_compute_mi),
    ]:
        assert [
            (p.name, p.kind, p.default) for p in inspect.signature(ours).parameters.values()
        ] == [(p.name, p.kind, p.default) for p in inspect.signature(theirs).parameters.values()]


# --------------------------------------------------------------------------- patching


@pytest.fixture
def restore_sklearn():
    yield
    twin.unpatch()
    assert skfs.mutual_info_classif is sk_classif


def test_patch_and_unpatch(restore_sklearn: None) -> None:
    from sklearn.feature_selection import _mutual_info

    twin.patch()
    twin.patch()  # idempotent: unpatch still restores the originals
    assert twin.is_patched()
    assert skfs.mutual_info_regression is twin.mutual_info_regression
    assert _mutual_info.mutual_info_classif is twin.mutual_info_classif
    assert _mutual_info._compute_mi is twin._compute_mi
    twin.unpatch()
    assert not twin.is_patched()
    assert skfs.mutual_info_regression is sk_regression
    assert _mutual_info._compute_mi is sk_compute_mi


def test_patched_routes_select_k_best_and_restores(restore_sklearn: None) -> None:
    rng = np.random.default_rng(10)
    X = features(rng, 400)
    y = labels_with_small_classes(rng, X[:, 0])
    with twin.patched():
        score = functools.partial(skfs.mutual_info_classif, random_state=0)
        selector = SelectKBest(score, k=2).fit(X, y)
        assert score.func is twin.mutual_info_classif
    assert not twin.is_patched()
    reference = SelectKBest(functools.partial(sk_classif, random_state=0), k=2).fit(X, y)
    assert_same(selector.scores_, reference.scores_)
    assert np.array_equal(selector.get_support(), reference.get_support())
    # A block inside an outer patch leaves the outer patch in place.
    twin.patch()
    with twin.patched():
        pass
    assert twin.is_patched()
