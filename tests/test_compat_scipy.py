"""fastit.compat.scipy agrees with the installed SciPy: numbers, dtypes, warnings, errors.

Every check calls SciPy's function and the twin on the same input and compares what came
out: the value (type, dtype, shape and numbers), the warnings (category and message, in
order) and, when one raises, the exception (type and message). ``differential_entropy``
is compared bit for bit; ``entropy`` to rtol 1e-12 in float64 (SciPy's ``entr`` /
``rel_entr`` take the C library's log, NumPy's may differ by one ulp) and to a few float32
ulp in float32.
"""

from __future__ import annotations

import inspect
import re
import warnings
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
import pytest
import scipy.stats
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import array_shapes, arrays
from scipy.stats._axis_nan_policy import SmallSampleWarning

import fastit.compat.scipy as twin

METHODS = ["vasicek", "van es", "ebrahimi", "correa", "auto"]
FLOATS = [np.float16, np.float32, np.float64]
SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# --- calling both -----------------------------------------------------------------------


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None
    warned: tuple[tuple[type[Warning], str], ...] = ()


def outcome(function: Any, *args: Any, **kwargs: Any) -> Outcome:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = function(*args, **kwargs)
        except Exception as error:  # any exception: it is compared with SciPy's
            result = Outcome(error=error)
        else:
            result = Outcome(value=value)
    result.warned = tuple((w.category, str(w.message)) for w in caught)
    return result


def assert_same_value(ours: Any, theirs: Any, exact: bool) -> None:
    assert type(ours) is type(theirs)
    assert np.shape(ours) == np.shape(theirs)
    assert getattr(ours, "dtype", None) == getattr(theirs, "dtype", None)
    ours_a, theirs_a = np.asarray(ours), np.asarray(theirs)
    np.testing.assert_array_equal(np.isnan(ours_a), np.isnan(theirs_a))
    if exact or ours_a.dtype == np.float16:
        np.testing.assert_array_equal(ours_a, theirs_a)
    elif ours_a.dtype == np.float32:
        eps = float(np.finfo(np.float32).eps)
        np.testing.assert_allclose(ours_a, theirs_a, rtol=4 * eps, atol=4 * eps)
    else:
        np.testing.assert_allclose(ours_a, theirs_a, rtol=1e-12, atol=1e-14)


def assert_same(name: str, *args: Any, **kwargs: Any) -> Outcome:
    """Call scipy.stats.<name> and the twin; assert the same result, warnings, errors."""
    theirs = outcome(getattr(scipy.stats, name), *args, **kwargs)
    ours = outcome(getattr(twin, name), *args, **kwargs)
    if theirs.error is not None or ours.error is not None:
        assert type(ours.error) is type(theirs.error), (ours.error, theirs.error)
        assert str(ours.error) == str(theirs.error)
    else:
        assert_same_value(ours.value, theirs.value, exact=name == "differential_entropy")
    assert ours.warned == theirs.warned
    return theirs


def assert_same_error(name: str, *args: Any, **kwargs: Any) -> None:
    """The call raises in SciPy, and the twin raises the same type with the same message."""
    theirs = assert_same(name, *args, **kwargs)
    assert theirs.error is not None
    with pytest.raises(type(theirs.error), match=re.escape(str(theirs.error))):
        getattr(twin, name)(*args, **kwargs)


def data(shape: tuple[int, ...], dtype: Any, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind in "iub":
        return rng.integers(0, 2 if dtype is bool else 10, size=shape).astype(dtype)
    return rng.random(shape).astype(dtype)


def axes(ndim: int) -> list[int | None]:
    return [*range(-ndim, ndim), None]


# --- the API ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["entropy", "differential_entropy"])
def test_signature_matches_scipy(name):
    ours = inspect.signature(getattr(twin, name)).parameters.values()
    theirs = inspect.signature(getattr(scipy.stats, name)).parameters.values()
    assert [(p.name, p.kind, p.default) for p in ours] == [
        (p.name, p.kind, p.default) for p in theirs
    ]
    assert getattr(twin, name).__name__ == name
    assert getattr(twin, name).__module__ == "fastit.compat.scipy"


# --- entropy ----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [*FLOATS, np.int8, np.uint8, np.int64, bool])
@pytest.mark.parametrize("shape", [(1,), (7,), (4, 5), (3, 1, 6), (2, 3, 4)])
def test_entropy_agrees(shape, dtype):
    pk, qk = data(shape, dtype, 1), data(shape, dtype, 2)
    if np.dtype(dtype).kind in "iub":
        qk = qk + np.ones_like(qk)  # keep qk positive: D is then finite
    for axis in axes(len(shape)):
        for keepdims in (False, True):
            assert_same("entropy", pk, axis=axis, keepdims=keepdims)
            assert_same("entropy", pk, qk, axis=axis, keepdims=keepdims)
        assert_same("entropy", pk, base=2, axis=axis)
        assert_same("entropy", pk, qk, base=10.0, axis=axis)


@pytest.mark.parametrize("order", ["C", "F"])
def test_entropy_memory_layout(order):
    pk = np.asarray(data((6, 50), np.float64, 3), order=order)
    qk = np.asarray(data((6, 50), np.float64, 4), order=order)
    for axis in (0, 1, None):
        assert_same("entropy", pk, axis=axis)
        assert_same("entropy", pk, qk, axis=axis)
    assert_same("entropy", pk[:, ::3], qk[:, ::3], axis=1)


def test_entropy_known_values():
    # H of a fair coin is ln 2 nats, 1 bit; D(p || q) in closed form.
    assert twin.entropy([1, 1]) == pytest.approx(np.log(2), rel=1e-15)
    assert twin.entropy([0.5, 0.5], base=2) == 1.0
    p, q = np.array([0.9, 0.1]), np.array([0.5, 0.5])
    expected = np.sum(p * np.log(p / q))
    assert twin.entropy(p, q) == pytest.approx(expected, rel=1e-15)
    assert twin.entropy(p, p) == 0.0


@pytest.mark.parametrize(
    ("pk_shape", "qk_shape", "axis"),
    [
        ((3,), (2, 1), -1),
        ((2, 1), (3,), -1),
        ((4, 3), (3,), -1),
        ((4, 3), (3,), 0),
        ((4, 3), (1, 3), 0),
        ((5, 1, 4), (3, 4), 2),
        ((5, 1, 4), (3, 4), 0),
        ((3,), (1,), 0),
        ((3,), (1,), None),
        ((2, 3), (3,), None),
        ((2, 3), (6,), None),
        ((2, 3), (3, 2), 0),
        ((10, 1, 12), (11, 2), 0),
    ],
)
def test_entropy_broadcasting(pk_shape, qk_shape, axis):
    assert_same("entropy", data(pk_shape, np.float64, 5), data(qk_shape, np.float64, 6), axis=axis)


def test_entropy_zeros_infinities_negatives():
    values = [0.0, -0.0, 1e-320, 1e-300, 1e-10, 0.5, 1.0, 2.0, 1e300, np.inf, -1.0, np.nan]
    pk, qk = np.meshgrid(values, values)
    for axis in (0, 1):
        for nan_policy in ("propagate", "omit"):
            assert_same("entropy", pk, axis=axis, nan_policy=nan_policy)
            assert_same("entropy", pk, qk, axis=axis, nan_policy=nan_policy)
            assert_same("entropy", qk, pk, axis=axis, nan_policy=nan_policy)


@pytest.mark.parametrize(
    ("pk", "qk"),
    [
        ([0.5, 0.5, 0.0], None),  # 0 log 0 = 0
        ([0.5, 0.5, 0.0], [0.25, 0.5, 0.25]),
        ([0.5, 0.5], [1.0, 0.0]),  # q = 0 where p > 0: inf
        ([0.0, 1.0], [0.0, 1.0]),
        ([0, 0], None),  # 0 / 0: NaN, quietly
        ([0, 0], [1, 1]),
        ([1, 1], [0, 0]),
        ([1, -1], None),  # sums to 0: division by zero warning
        ([1, 2], [1, -1]),
        ([2, -1], None),  # a negative "probability"
        ([1e300, 1e300], None),
        ([np.inf, 1.0], None),
        (np.array([60000, 60000], dtype=np.float16), None),  # the sum overflows
        (np.array([1e-7, 1.0], dtype=np.float16), None),
    ],
)
def test_entropy_edge_values(pk, qk):
    assert_same("entropy", pk, qk)


@pytest.mark.parametrize("nan_policy", ["propagate", "omit", "raise"])
@pytest.mark.parametrize("keepdims", [False, True])
def test_entropy_nan_policy(nan_policy, keepdims):
    pk = data((4, 6), np.float64, 7)
    qk = data((4, 6), np.float64, 8)
    pk[1, 2] = np.nan
    qk[2, 5] = np.nan
    for axis in (0, 1, -1, None):
        assert_same("entropy", pk, axis=axis, nan_policy=nan_policy, keepdims=keepdims)
        assert_same("entropy", pk, qk, axis=axis, nan_policy=nan_policy, keepdims=keepdims)
        assert_same("entropy", pk[0], qk[2], axis=axis, nan_policy=nan_policy)
    assert_same("entropy", [np.nan, np.nan], nan_policy=nan_policy)
    assert_same("entropy", np.full((2, 3), np.nan), axis=1, nan_policy=nan_policy)


def test_entropy_masked_arrays_and_matrices():
    pk = np.ma.array([[1.0, 2, 3], [4, 5, 6]], mask=[[0, 0, 1], [0, 0, 0]])
    qk = np.ma.array([[1.0, 1, 1], [1, 2, 3]], mask=[[1, 0, 0], [0, 0, 0]])
    for axis in (0, 1, None):
        assert_same("entropy", pk, axis=axis)
        assert_same("entropy", pk, qk, axis=axis)
        assert_same("entropy", np.ma.array(pk.data), axis=axis)  # no mask set
    assert_same("entropy", np.ma.array([1.0, 2, 3], mask=[0, 0, 1]))
    assert_same("entropy", np.ma.array([1.0, 2, 3], mask=True))
    with pytest.warns(PendingDeprecationWarning, match="matrix subclass"):
        matrix = np.matrix([[1.0, 2], [3, 4]])
    assert_same("entropy", matrix)
    assert_same("entropy", matrix, axis=1)


@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0), (2, 0, 3)])
def test_entropy_empty(shape):
    for axis in axes(len(shape)):
        assert_same("entropy", np.ones(shape), axis=axis)
        assert_same("entropy", np.ones(shape), np.ones(shape), axis=axis)
        assert_same("entropy", np.ones(shape), axis=axis, keepdims=True)


def test_entropy_axis_tuples():
    pk, qk = data((2, 3, 4), np.float64, 9), data((2, 3, 4), np.float64, 10)
    for axis in [(0, 2), (2, 0), (0, 1, 2), (-1, 1)]:
        assert_same("entropy", pk, axis=axis)
        assert_same("entropy", pk, qk, axis=axis, keepdims=True)


def test_entropy_inputs_that_are_not_arrays():
    assert_same("entropy", 3.0)
    assert_same("entropy", np.array(3.0))
    assert_same("entropy", [1, 2, 3], (3, 2, 1))
    assert_same("entropy", [Fraction(1), Fraction(2)])
    assert_same("entropy", [True, False, True])
    assert_same("entropy", pk=[1, 2])


def test_float16_probabilities_give_float32():
    pk = np.array([1, 2, 3], dtype=np.float16)
    assert twin.entropy(pk).dtype == np.float32
    assert twin.entropy(pk, pk).dtype == np.float32
    assert twin.entropy(pk.astype(np.float32)).dtype == np.float32
    assert twin.entropy(pk.astype(np.int16)).dtype == np.float64


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((np.ones(10),), {"base": -2}),
        ((np.ones(10),), {"base": 0}),
        ((np.ones(10),), {"base": "2"}),
        ((np.ones(10),), {"base": np.array([2.0, 3.0])}),
        (([1, 2],), {"axis": 1}),
        (([1, 2],), {"axis": 1.5}),
        (([1, 2],), {"axis": "0"}),
        ((np.ones((2, 3, 4)),), {"axis": (0, 0)}),
        (([1, 2],), {"nan_policy": "ignore"}),
        (([1, np.nan],), {"nan_policy": "raise"}),
        ((np.ones((3, 2)), np.ones((2, 2))), {}),
        ((np.ones((10, 1, 12)), np.ones((11, 2))), {}),
        ((np.ones((2, 3)), np.ones(2)), {"axis": 1}),
        ((np.array([1, 2], dtype=np.longdouble),), {}),
        ((np.array([1, 2], dtype=complex),), {}),
        ((np.array([1, 2], dtype=object),), {}),
        ((["a", "b"],), {}),
        (([1, 2],), {"foo": 1}),
        (([1, 2], None, None, 0, 5), {}),
        (([1, 2],), {"pk": [1]}),
        ((), {}),
    ],
)
def test_entropy_errors(args, kwargs):
    assert_same_error("entropy", *args, **kwargs)


@pytest.mark.parametrize("base", [1, 1.0, np.nan, np.inf])
def test_entropy_odd_bases(base):
    assert_same("entropy", [1, 2, 3], base=base)
    assert_same("entropy", np.ones((2, 3)), base=base)


def test_entropy_warnings_are_scipy_s():
    with pytest.warns(RuntimeWarning, match="divide by zero encountered in divide"):
        assert twin.entropy([1, -1]) == -np.inf
    with pytest.warns(RuntimeWarning, match="divide by zero encountered in scalar divide"):
        assert twin.entropy([1, 2], base=1) == np.inf


# --- differential entropy ---------------------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dtype", [*FLOATS, np.int64, np.int8])
def test_differential_entropy_agrees(method, dtype):
    rng = np.random.default_rng(11)
    for shape in [(12,), (40,), (3, 25), (30, 4), (2, 3, 21)]:
        x = rng.standard_normal(shape) * 5
        x = x.astype(dtype)
        for axis in axes(len(shape)):
            n = x.size if axis is None else x.shape[axis]
            for window in {None, 1, 2, 3, (n - 1) // 2}:
                for keepdims in (False, True):
                    assert_same(
                        "differential_entropy",
                        x,
                        window_length=window,
                        method=method,
                        axis=axis,
                        keepdims=keepdims,
                    )


@pytest.mark.parametrize("method", METHODS)
def test_differential_entropy_base_and_layout(method):
    x = np.random.default_rng(12).exponential(size=(60, 5))
    for base in (None, 2, 10.0, np.e):
        assert_same("differential_entropy", x, method=method, base=base)
    assert_same("differential_entropy", np.asfortranarray(x), method=method)
    assert_same("differential_entropy", np.ascontiguousarray(x.T), method=method, axis=1)
    assert_same("differential_entropy", x[::2, ::2], method=method)
    assert_same("differential_entropy", x, method=method.upper())


@pytest.mark.parametrize("n", [5, 9, 10, 11, 999, 1000, 1001, 1200])
def test_differential_entropy_auto_rule(n):
    x = np.random.default_rng(n).standard_normal(n)
    expected = "van es" if n <= 10 else "ebrahimi" if n <= 1000 else "vasicek"
    assert twin.differential_entropy(x) == twin.differential_entropy(x, method=expected)
    assert_same("differential_entropy", x)


@pytest.mark.parametrize("method", METHODS)
def test_differential_entropy_ties_and_discrete_data(method):
    # Runs of ties wider than the window give zero spacings: -inf (Correa: NaN) with a
    # RuntimeWarning, in SciPy and in the twin alike.
    for x in [
        np.repeat(np.arange(10.0), 5),
        np.arange(40) % 3,
        np.ones(20),
        np.r_[np.zeros(10), np.arange(10.0)],
        (np.arange(40) % 3).reshape(20, 2),
    ]:
        assert_same("differential_entropy", x, method=method)
        assert_same("differential_entropy", x, method=method, window_length=1)


@pytest.mark.parametrize("method", METHODS)
def test_differential_entropy_extreme_values(method):
    x = np.random.default_rng(13).standard_normal(30)
    for values in [
        np.r_[x, np.inf],
        np.r_[x, np.inf, -np.inf],
        x * 1e-320,
        np.linspace(-1, 1, 30) * 1e308,
        np.r_[x, 0.0, -0.0, 0.0, -0.0],
    ]:
        assert_same("differential_entropy", values, method=method)


@pytest.mark.parametrize("nan_policy", ["propagate", "omit", "raise"])
@pytest.mark.parametrize("method", METHODS)
def test_differential_entropy_nan_policy(nan_policy, method):
    x = np.random.default_rng(14).standard_normal((3, 30))
    x[0, 4] = np.nan
    x[2, :27] = np.nan  # after omitting NaNs, too few values remain
    for axis in (1, -1, None):
        assert_same("differential_entropy", x, axis=axis, method=method, nan_policy=nan_policy)
        assert_same("differential_entropy", x[0], method=method, nan_policy=nan_policy)
        assert_same("differential_entropy", x[2], method=method, nan_policy=nan_policy)
    assert_same(
        "differential_entropy", x, axis=1, method=method, nan_policy=nan_policy, keepdims=True
    )


def test_differential_entropy_masked_arrays():
    x = np.random.default_rng(15).standard_normal((3, 20))
    masked = np.ma.array(x, mask=x > 1)
    for method in METHODS:
        assert_same("differential_entropy", masked, axis=1, method=method)
        assert_same("differential_entropy", masked[0], method=method)
        assert_same("differential_entropy", np.ma.array(x), axis=1, method=method)


@pytest.mark.parametrize("shape", [(0,), (0, 3), (3, 0), (5, 0), (2, 0, 3)])
def test_differential_entropy_empty(shape):
    for axis in axes(len(shape)):
        assert_same("differential_entropy", np.ones(shape), axis=axis)


def test_differential_entropy_too_small_samples():
    # 1-D: NaN with a SmallSampleWarning; N-D: ValueError. SciPy's own inconsistency.
    for n in range(1, 6):
        x = np.arange(float(n))
        assert_same("differential_entropy", x)
        assert_same("differential_entropy", x, window_length=1)
        assert_same("differential_entropy", np.stack([x, x]), axis=1)
    with pytest.warns(SmallSampleWarning, match="too small"):
        assert np.isnan(twin.differential_entropy(np.arange(4.0)))
    message = re.escape("Window length (2) must be positive and less than half the sample")
    with pytest.raises(ValueError, match=message):
        twin.differential_entropy(np.ones((2, 4)), axis=1)


@pytest.mark.parametrize(
    "window", [0, -1, 15, 30, 3.0, 2.5, np.float64(3.0), np.array(3.0), True, "3", [3], 1j]
)
@pytest.mark.parametrize("method", METHODS)
def test_differential_entropy_bad_windows(window, method):
    x = np.random.default_rng(16).standard_normal((3, 30))
    assert_same("differential_entropy", x, window_length=window, method=method, axis=1)
    assert_same("differential_entropy", x[0], window_length=window, method=method)


@pytest.mark.parametrize("window", [np.int64(3), np.int8(3), np.array(3), np.uint16(4)])
@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("dtype", FLOATS)
def test_differential_entropy_numpy_integer_windows(window, method, dtype):
    # A NumPy integer window promotes float32 arithmetic to float64 in SciPy (NEP 50);
    # the twin does the same operations and gets the same bits.
    x = np.random.default_rng(17).standard_normal((2, 30)).astype(dtype)
    assert_same("differential_entropy", x, window_length=window, method=method, axis=1)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((np.ones((3, 10)),), {"base": -2, "axis": 1}),
        ((np.ones(10),), {"base": 0}),
        ((np.ones(10),), {"base": "e"}),
        ((np.arange(10.0),), {"method": "ekki-ekki"}),
        ((np.arange(10.0),), {"method": 3}),
        ((np.arange(10.0),), {"method": None}),
        ((np.arange(10.0),), {"axis": 1}),
        ((np.arange(10.0),), {"axis": 0.5}),
        ((np.arange(10.0),), {"nan_policy": "skip"}),
        ((np.r_[np.arange(10.0), np.nan],), {"nan_policy": "raise"}),
        ((np.ones((3, 10)),), {"window_length": 5, "axis": 1}),
        ((np.ones((3, 10)),), {"window_length": 0, "axis": 1}),
        ((np.array(["a"] * 20),), {}),
        ((np.arange(10.0), 3), {}),
        ((np.arange(10.0),), {"foo": 1}),
        ((), {}),
    ],
)
def test_differential_entropy_errors(args, kwargs):
    assert_same_error("differential_entropy", *args, **kwargs)


@pytest.mark.parametrize(
    "values",
    [
        np.arange(20) + 0j,
        np.arange(20).astype(object),
        np.arange(20, dtype=np.longdouble),
        (np.arange(20) % 2).astype(bool),
        np.arange(20, dtype=np.uint8),
        list(range(20)),
        5.0,
    ],
    ids=["complex", "object", "longdouble", "bool", "uint8", "list", "scalar"],
)
def test_differential_entropy_unusual_dtypes(values):
    for method in METHODS:
        assert_same("differential_entropy", values, method=method)


@pytest.mark.parametrize("block", [1, 50, 1000])
def test_correa_blocks_change_nothing(monkeypatch, block):
    # Correa gathers its windows in blocks; any block size gives SciPy's bits.
    monkeypatch.setattr(twin, "_CORREA_BLOCK", block)
    rng = np.random.default_rng(18)
    for x, axis in [(rng.standard_normal(200), 0), (rng.standard_normal((3, 60)), 1)]:
        for dtype in FLOATS:
            for window in (None, 1, 4, 9):
                assert_same(
                    "differential_entropy",
                    x.astype(dtype),
                    method="correa",
                    window_length=window,
                    axis=axis,
                )


def test_consistency_on_large_samples():
    # Every estimator converges to the true entropy of a standard normal (slowly: van Es
    # is still 0.8% low at n = 2e5).
    x = np.random.default_rng(19).standard_normal(1_000_000)
    truth = 0.5 * np.log(2 * np.pi * np.e)
    for method in ["vasicek", "van es", "ebrahimi", "auto"]:
        assert twin.differential_entropy(x, method=method) == pytest.approx(truth, rel=5e-3)
    assert twin.differential_entropy(x[:20_000], method="correa") == pytest.approx(truth, rel=5e-3)


# --- properties (hypothesis) -------------------------------------------------------------


@st.composite
def arrays_and_axis(draw, dtypes=(np.float32, np.float64), min_side=0, nan=True):
    dtype = draw(st.sampled_from(dtypes))
    shape = draw(array_shapes(min_dims=1, max_dims=3, min_side=min_side, max_side=7))
    if np.dtype(dtype).kind == "i":
        pool = st.integers(0, 1000) | st.sampled_from([0, 1, 2])
    else:
        pool = st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]) | st.floats(
            0, 1e3, allow_nan=False, width=16 if dtype == np.float16 else 32
        )
        if nan:
            pool = pool | st.just(np.nan)
    values = draw(arrays(dtype, shape, elements=pool))
    axis = draw(st.sampled_from([*range(-len(shape), len(shape)), None]))
    return values, axis


@SETTINGS
@given(
    arrays_and_axis(dtypes=(np.float16, np.float32, np.float64, np.int32)),
    st.booleans(),
    st.sampled_from(["propagate", "omit"]),
    st.sampled_from([None, 2, np.e]),
    st.booleans(),
)
def test_property_entropy_agrees(pk_axis, with_qk, nan_policy, base, keepdims):
    pk, axis = pk_axis
    qk = pk[::-1] + 1 if with_qk else None
    assert_same("entropy", pk, qk, base, axis, nan_policy=nan_policy, keepdims=keepdims)


@SETTINGS
@given(arrays_and_axis(min_side=1, nan=False))
def test_property_entropy_is_non_negative_and_bounded(pk_axis):
    # For non-negative weights, 0 <= H <= ln(number of outcomes) (NaN for all-zero slices).
    pk, axis = pk_axis
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        h = np.asarray(twin.entropy(pk, axis=axis), dtype=np.float64)
    outcomes = pk.size if axis is None else pk.shape[axis]
    finite = h[~np.isnan(h)]
    assert np.all(finite >= 0)
    assert np.all(finite <= np.log(outcomes) * (1 + 1e-6) + 1e-6)


@SETTINGS
@given(arrays_and_axis(dtypes=(np.float64,), min_side=1, nan=False))
def test_property_relative_entropy_of_itself_is_zero(pk_axis):
    pk, axis = pk_axis
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        d = np.asarray(twin.entropy(pk, pk, axis=axis))
    assert np.all((d == 0) | np.isnan(d))


@st.composite
def samples_and_axis(draw):
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    shape = draw(array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=40))
    pool = st.floats(-1e3, 1e3, allow_nan=False, width=32) | st.sampled_from([0.0, 1.0, 2.5])
    values = draw(arrays(dtype, shape, elements=pool))
    axis = draw(st.sampled_from([*range(-len(shape), len(shape)), None]))
    return values, axis


@SETTINGS
@given(
    samples_and_axis(),
    st.sampled_from(METHODS),
    st.sampled_from([None, 1, 2, 3, 5]),
    st.sampled_from(["propagate", "omit"]),
)
def test_property_differential_entropy_agrees(values_axis, method, window, nan_policy):
    values, axis = values_axis
    assert_same(
        "differential_entropy",
        values,
        window_length=window,
        axis=axis,
        method=method,
        nan_policy=nan_policy,
    )


@SETTINGS
@given(samples_and_axis(), st.sampled_from(METHODS), st.randoms(use_true_random=False))
def test_property_differential_entropy_ignores_order(values_axis, method, random):
    # The estimators see only the order statistics: permuting a slice changes no bit.
    values, axis = values_axis
    shuffled = values.copy()
    if axis is None:
        flat = shuffled.reshape(-1)
        flat[:] = flat[random.sample(range(flat.size), flat.size)]
    else:
        n = shuffled.shape[axis]
        shuffled = np.take(shuffled, random.sample(range(n), n), axis=axis)
    first = outcome(twin.differential_entropy, values, axis=axis, method=method)
    second = outcome(twin.differential_entropy, shuffled, axis=axis, method=method)
    assert type(first.error) is type(second.error)
    if first.error is None:
        np.testing.assert_array_equal(first.value, second.value)
