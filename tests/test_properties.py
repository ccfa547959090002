"""Properties of the estimators, checked on inputs chosen by hypothesis."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import fastit

# Hypothesis draws tied and discrete-valued data on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FAST = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Any finite value of moderate size, ties and constants included: hypothesis picks from a
# small pool of values often, which gives repeated values.
VALUES = st.one_of(
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 1.0, -1.0, 2.5, 1e6, -1e6]),
    st.integers(-3, 3).map(float),
)


@st.composite
def paired(draw, max_n: int = 40, max_d: int = 3, k_max: int = 5):
    """(x, y, k): two finite arrays of the same length n > k, 1-D or 2-D."""
    k = draw(st.integers(1, k_max))
    n = draw(st.integers(k + 1, max(k + 1, max_n)))
    out = []
    for _ in range(2):
        d = draw(st.integers(0, max_d))  # 0: a 1-D array
        shape = (n,) if d == 0 else (n, d)
        out.append(draw(arrays(np.float64, shape, elements=VALUES)))
    return out[0], out[1], k


@st.composite
def continuous(draw, max_n: int = 120):
    """Tie-free data from a seeded generator, with a hypothesis-chosen permutation."""
    seed = draw(st.integers(0, 2**32 - 1))
    n = draw(st.integers(8, max_n))
    dx, dy, dz = draw(st.integers(1, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, dz))
    x = rng.standard_normal((n, dx)) + 0.5 * z[:, :1]
    y = 0.6 * x[:, :1] + rng.standard_normal((n, dy))
    perm = np.array(draw(st.permutations(range(n))))
    k = draw(st.integers(1, min(6, n - 1)))
    return x, y, z, perm, k


# ---------------------------------------------------------------- symmetry


@SETTINGS
@given(paired())
def test_ksg1_is_symmetric(data) -> None:
    x, y, k = data
    assert fastit.mutual_info(x, y, k=k) == pytest.approx(fastit.mutual_info(y, x, k=k), abs=1e-12)


@SETTINGS
@given(paired())
def test_ksg2_is_symmetric(data) -> None:
    x, y, k = data
    a = fastit.mutual_info(x, y, k=k, method="ksg2")
    b = fastit.mutual_info(y, x, k=k, method="ksg2")
    assert a == pytest.approx(b, abs=1e-12)


@SETTINGS
@given(paired())
def test_mixed_is_symmetric(data) -> None:
    x, y, k = data
    a = fastit.mutual_info(x, y, k=k, method="mixed")
    assert a == pytest.approx(fastit.mutual_info(y, x, k=k, method="mixed"), abs=1e-12)


@FAST
@given(continuous())
def test_symmetric_on_continuous_data(data) -> None:
    x, y, z, _, k = data
    for method in ("ksg1", "ksg2", "mixed"):
        a = fastit.mutual_info(x, y, k=k, method=method)
        assert a == pytest.approx(fastit.mutual_info(y, x, k=k, method=method), abs=1e-12)
    a = fastit.conditional_mutual_info(x, y, z, k=k)
    assert a == pytest.approx(fastit.conditional_mutual_info(y, x, z, k=k), abs=1e-12)


# ---------------------------------------------------------------- invariances


@SETTINGS
@given(continuous())
def test_invariant_to_permuting_samples(data) -> None:
    x, y, z, perm, k = data
    for method in ("ksg1", "ksg2", "mixed"):
        a = fastit.mutual_info(x, y, k=k, method=method)
        b = fastit.mutual_info(x[perm], y[perm], k=k, method=method)
        assert a == pytest.approx(b, abs=1e-9), method
        local = fastit.mutual_info(x, y, k=k, method=method, local=True)
        local_p = fastit.mutual_info(x[perm], y[perm], k=k, method=method, local=True)
        np.testing.assert_allclose(local_p, local[perm], rtol=0, atol=1e-9)
    a = fastit.conditional_mutual_info(x, y, z, k=k)
    assert a == pytest.approx(
        fastit.conditional_mutual_info(x[perm], y[perm], z[perm], k=k), abs=1e-9
    )
    a = fastit.differential_entropy(x, k=k)
    assert a == pytest.approx(fastit.differential_entropy(x[perm], k=k), abs=1e-9)
    labels = (y[:, 0] > 0).astype(int)
    if np.bincount(labels).min() >= 2:
        a = fastit.mutual_info(x, labels, k=k, y_discrete=True)
        b = fastit.mutual_info(x[perm], labels[perm], k=k, y_discrete=True)
        assert a == pytest.approx(b, abs=1e-9)


@SETTINGS
@given(continuous(), st.floats(-100, 100), st.floats(-100, 100))
def test_invariant_to_translation(data, cx: float, cy: float) -> None:
    x, y, z, _, k = data
    for method in ("ksg1", "ksg2", "mixed"):
        a = fastit.mutual_info(x, y, k=k, method=method)
        b = fastit.mutual_info(x + cx, y + cy, k=k, method=method)
        assert a == pytest.approx(b, abs=1e-6), method
    a = fastit.conditional_mutual_info(x, y, z, k=k)
    assert a == pytest.approx(fastit.conditional_mutual_info(x + cx, y, z + cy, k=k), abs=1e-6)
    a = fastit.differential_entropy(x, k=k)
    assert a == pytest.approx(fastit.differential_entropy(x + cx, k=k), abs=1e-6)


# ---------------------------------------------------------------- any finite input


@SETTINGS
@given(paired())
def test_finite_on_any_finite_input(data) -> None:
    x, y, k = data
    for method in ("ksg1", "ksg2", "mixed"):
        value = fastit.mutual_info(x, y, k=k, method=method)
        assert np.isfinite(value), method
        local = fastit.mutual_info(x, y, k=k, method=method, local=True)
        assert np.isfinite(local).all(), method
        assert np.mean(local) == pytest.approx(value, abs=1e-9), method
    assert np.isfinite(fastit.conditional_mutual_info(x, y, x, k=k))
    assert np.isfinite(fastit.mutual_info(x, y, k=k, x_discrete=True, y_discrete=True))


@SETTINGS
@given(paired())
def test_finite_on_any_finite_input_with_labels(data) -> None:
    x, y, k = data
    labels = np.round(y if y.ndim == 1 else y[:, 0])
    if np.unique(labels, return_counts=True)[1].max() < 2:
        labels = np.zeros(len(x))
    value = fastit.mutual_info(x, labels, k=k, y_discrete=True)
    assert np.isfinite(value)


@SETTINGS
@given(paired())
def test_independent_of_n_jobs(data) -> None:
    x, y, k = data
    for method in ("ksg1", "ksg2", "mixed"):
        values = {fastit.mutual_info(x, y, k=k, method=method, n_jobs=j) for j in (1, 2, 3)}
        assert len(values) == 1, method
    values = {fastit.conditional_mutual_info(x, y, x, k=k, n_jobs=j) for j in (1, 2, 3)}
    assert len(values) == 1
    values = {fastit.differential_entropy(x, k=k, n_jobs=j) for j in (1, 2, 3)}
    assert len(values) == 1


@SETTINGS
@given(paired())
def test_entropy_is_a_number_or_minus_infinity(data) -> None:
    # -inf only where the data have no density (a constant column); never NaN or +inf.
    x, _, k = data
    value = fastit.differential_entropy(x, k=k)
    assert value == -np.inf or np.isfinite(value)
    if np.isfinite(value):
        assert np.isfinite(fastit.differential_entropy(x, k=k, local=True)).all()


# ---------------------------------------------------------------- magnitude


@pytest.mark.parametrize("exponent", [-900, -540, -300, -40, 40, 300, 510, 600, 1000])
def test_standardized_estimates_do_not_depend_on_the_magnitude(exponent: int) -> None:
    # Multiplying by a power of two is exact, and standardising divides it out again, so
    # with standardize=True the estimate must be the same number at any magnitude the
    # data can be stored at (here |values| from ~1e-271 to ~1e302; all normal doubles).
    rng = np.random.default_rng(abs(exponent))
    n = 500
    x = rng.standard_normal(n)
    y = 0.8 * x + 0.6 * rng.standard_normal(n)
    z = rng.standard_normal(n)
    labels = (y > 0).astype(int)
    a = 2.0**exponent
    for method in ("ksg1", "ksg2", "mixed"):
        expected = fastit.mutual_info(x, y, method=method)
        assert fastit.mutual_info(a * x, y, method=method) == pytest.approx(expected, abs=1e-12)
        assert fastit.mutual_info(a * x, a * y, method=method) == pytest.approx(expected, abs=1e-12)
    expected = fastit.mutual_info(x, labels, y_discrete=True)
    assert fastit.mutual_info(a * x, labels, y_discrete=True) == pytest.approx(expected, abs=1e-12)
    expected = fastit.conditional_mutual_info(x, y, z)
    assert fastit.conditional_mutual_info(a * x, y, a * z) == pytest.approx(expected, abs=1e-12)
    # Entropy is not standardised: it shifts by ln a.
    h = fastit.differential_entropy(x)
    assert fastit.differential_entropy(a * x) == pytest.approx(h + exponent * np.log(2), abs=1e-9)
