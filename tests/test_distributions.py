"""Measures of given distributions (fastit.distributions) against SciPy and identities."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.stats
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.spatial.distance import jensenshannon
from sklearn.metrics import mutual_info_score

from fastit.distributions import (
    conditional_entropy,
    cross_entropy,
    entropy,
    joint_entropy,
    js_divergence,
    kl_divergence,
    mutual_info_table,
)

LN2 = math.log(2)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def random_dist(rng: np.random.Generator, shape: tuple[int, ...], zeros: bool = True):
    """Random counts or weights, some exact zeros (never a whole slice of them)."""
    kind = rng.integers(3)
    if kind == 0:
        a = rng.integers(0, 20, size=shape).astype(float)
    elif kind == 1:
        a = rng.random(shape)
    else:
        a = rng.dirichlet(np.full(shape[-1], 0.5), size=shape[:-1])
    if zeros:
        a = np.where(rng.random(shape) < 0.2, 0.0, a)
    else:
        a = a + 0.05
    # keep every slice along every axis non-empty
    a[(0,) * len(shape)] += 1.0
    a += np.where(a.sum(axis=0, keepdims=True) == 0, 1.0, 0.0)
    if a.ndim > 1:
        a += np.where(a.sum(axis=-1, keepdims=True) == 0, 1.0, 0.0)
    return a


# ------------------------------------------------------------------ agreement with SciPy


@pytest.mark.parametrize("seed", range(40))
def test_entropy_matches_scipy(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 12))
    p = random_dist(rng, (n,))
    for base in (None, 2, 10):
        assert entropy(p, base=base) == pytest.approx(
            scipy.stats.entropy(p, base=base), rel=1e-12, abs=1e-14
        )
    q = random_dist(rng, (n,), zeros=False)
    for base in (None, 2):
        assert entropy(p, q, base=base) == pytest.approx(
            scipy.stats.entropy(p, q, base=base), rel=1e-12, abs=1e-14
        )


@pytest.mark.parametrize("seed", range(20))
@pytest.mark.parametrize("axis", [0, 1, -1, None])
def test_entropy_matches_scipy_2d(seed, axis):
    rng = np.random.default_rng(seed)
    shape = (int(rng.integers(1, 6)), int(rng.integers(1, 6)))
    p = random_dist(rng, shape)
    q = random_dist(rng, shape, zeros=False)
    got = entropy(p, base=2, axis=axis)
    want = scipy.stats.entropy(p, base=2, axis=axis)
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-14)
    got_kl = entropy(p, q, axis=axis)
    want_kl = scipy.stats.entropy(p, q, axis=axis)
    np.testing.assert_allclose(got_kl, want_kl, rtol=1e-12, atol=1e-14)
    assert np.shape(got) == np.shape(want)
    if axis is None:
        assert isinstance(got, float)
    else:
        assert isinstance(got, np.ndarray)
        assert got.dtype == np.float64


def test_entropy_3d_and_broadcasting_match_scipy():
    rng = np.random.default_rng(1)
    p = rng.random((3, 4, 5))
    for axis in (0, 1, 2):
        np.testing.assert_allclose(entropy(p, axis=axis), scipy.stats.entropy(p, axis=axis))
    q_row = rng.random((1, 5)) + 0.1
    p2 = rng.random((4, 5))
    for axis in (0, 1):
        np.testing.assert_allclose(
            entropy(p2, q_row, axis=axis), scipy.stats.entropy(p2, q_row, axis=axis)
        )
    q_vec = rng.random(5) + 0.1
    np.testing.assert_allclose(entropy(p2, q_vec, axis=1), scipy.stats.entropy(p2, q_vec, axis=1))


def test_entropy_inf_where_q_zero_matches_scipy():
    p, q = [0.5, 0.5], [1.0, 0.0]
    assert entropy(p, q) == math.inf == scipy.stats.entropy(p, q)


def test_known_values():
    assert entropy([1, 1, 1, 1], base=2) == pytest.approx(2.0)
    assert entropy([7]) == 0.0
    assert entropy([0, 3, 0]) == 0.0
    assert entropy([1, 1]) == pytest.approx(LN2)
    assert entropy([1, 1], base=2) == pytest.approx(entropy([1, 1]) / LN2)


def test_accepts_lists_pandas_and_ints():
    p = [3, 1, 0, 4]
    want = scipy.stats.entropy(p)
    assert entropy(pd.Series(p)) == pytest.approx(want)
    assert entropy(np.array(p, dtype=np.int8)) == pytest.approx(want)
    table = pd.DataFrame([[3, 1], [0, 4]])
    assert joint_entropy(table) == pytest.approx(want)
    assert mutual_info_table(table) == pytest.approx(mutual_info_table(np.asarray(table)))
    assert kl_divergence(pd.Series([1, 2]), [2, 1]) == pytest.approx(
        scipy.stats.entropy([1, 2], [2, 1])
    )


def test_inputs_not_modified():
    p = np.array([2.0, 0.0, 6.0])
    q = np.array([1.0, 1.0, 2.0])
    kl_divergence(p, q)
    js_divergence(p, q)
    np.testing.assert_array_equal(p, [2.0, 0.0, 6.0])
    np.testing.assert_array_equal(q, [1.0, 1.0, 2.0])


def test_huge_counts_do_not_overflow():
    p = np.array([1e308, 1e308, 0.0])
    assert entropy(p, base=2) == pytest.approx(1.0)
    assert kl_divergence(p, [1, 1, 0]) == pytest.approx(0.0, abs=1e-15)


def test_subnormal_q_gives_finite_kl():
    q = np.array([1.0, 5e-324])
    p = np.array([0.5, 0.5])
    got = kl_divergence(p, q)
    want = 0.5 * math.log(0.5) + 0.5 * (math.log(0.5) - math.log(5e-324))
    assert math.isfinite(got)
    assert got == pytest.approx(want, rel=1e-12)


# ------------------------------------------------------------------ divergences


@pytest.mark.parametrize("seed", range(30))
def test_cross_entropy_identity(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 10))
    p = random_dist(rng, (n,))
    q = random_dist(rng, (n,), zeros=False)
    for base in (None, 2):
        h_pq = cross_entropy(p, q, base=base)
        assert h_pq == pytest.approx(
            entropy(p, base=base) + kl_divergence(p, q, base=base), rel=1e-12, abs=1e-14
        )
        assert h_pq >= entropy(p, base=base) - 1e-12
    pn, qn = p / p.sum(), q / q.sum()
    assert cross_entropy(p, q) == pytest.approx(-np.sum(pn[pn > 0] * np.log(qn[pn > 0])))


def test_cross_entropy_identity_2d():
    rng = np.random.default_rng(5)
    p, q = rng.random((4, 6)), rng.random((4, 6))
    for axis in (0, 1):
        np.testing.assert_allclose(
            cross_entropy(p, q, axis=axis),
            entropy(p, axis=axis) + kl_divergence(p, q, axis=axis),
            rtol=1e-12,
        )


def test_cross_entropy_identity_inf_case():
    p, q = [0.2, 0.8], [1.0, 0.0]
    assert cross_entropy(p, q) == math.inf
    assert kl_divergence(p, q) == math.inf
    assert entropy(p) + kl_divergence(p, q) == math.inf


def test_kl_inf_where_q_zero_and_p_positive():
    assert kl_divergence([0.5, 0.5], [1.0, 0.0]) == math.inf
    assert kl_divergence([0.5, 0.5], [1.0, 0.0], base=2) == math.inf
    # one inf slice does not spoil the others
    got = kl_divergence([[0.5, 0.5], [0.5, 0.5]], [[1.0, 0.0], [0.5, 0.5]], axis=1)
    assert got[0] == math.inf
    assert got[1] == 0.0


def test_kl_finite_where_p_and_q_zero():
    assert kl_divergence([0.5, 0.5, 0.0], [0.25, 0.75, 0.0]) == pytest.approx(
        scipy.stats.entropy([0.5, 0.5], [0.25, 0.75])
    )
    assert kl_divergence([1, 0], [1, 0]) == 0.0
    assert kl_divergence([0.0, 1.0], [0.5, 0.5], base=2) == pytest.approx(1.0)


@pytest.mark.parametrize("seed", range(30))
def test_js_properties(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 10))
    p = random_dist(rng, (n,))
    q = random_dist(rng, (n,))
    js = js_divergence(p, q)
    assert js == js_divergence(q, p) or js == pytest.approx(js_divergence(q, p), abs=1e-16)
    assert -1e-15 <= js <= LN2 + 1e-15
    assert js == pytest.approx(jensenshannon(p, q) ** 2, rel=1e-9, abs=1e-14)
    assert js_divergence(p, q, base=2) == pytest.approx(js / LN2)
    assert js_divergence(p, p) == 0.0  # m is exactly p: every log is log(1) = 0
    # the same distribution after normalisation, up to the rounding of p / sum(p)
    assert js_divergence(p, 3.5 * p) == pytest.approx(0.0, abs=1e-15)
    if not np.allclose(p / p.sum(), q / q.sum()):
        assert js > 0


def test_js_bound_and_axis():
    assert js_divergence([1, 0, 0], [0, 2, 3], base=2) == pytest.approx(1.0)
    assert js_divergence([1, 0, 0], [0, 2, 3]) == pytest.approx(LN2)
    p = np.array([[1.0, 0.0], [1.0, 1.0]])
    q = np.array([[0.0, 1.0], [1.0, 1.0]])
    np.testing.assert_allclose(js_divergence(p, q, axis=1, base=2), [1.0, 0.0])
    np.testing.assert_allclose(
        js_divergence(p, q, axis=0), jensenshannon(p, q, axis=0) ** 2, atol=1e-15
    )


# ------------------------------------------------------------------ joint tables


@pytest.mark.parametrize("seed", range(20))
def test_chain_rule_2d(seed):
    rng = np.random.default_rng(seed)
    t = random_dist(rng, (int(rng.integers(1, 6)), int(rng.integers(1, 6))))
    h_xy = joint_entropy(t)
    h_y = entropy(t.sum(axis=0))
    h_x = entropy(t.sum(axis=1))
    assert h_xy == pytest.approx(h_y + conditional_entropy(t, given=1), abs=1e-12)
    assert h_xy == pytest.approx(h_x + conditional_entropy(t, given=0), abs=1e-12)
    assert h_xy == pytest.approx(scipy.stats.entropy(t.ravel()), abs=1e-12)
    assert conditional_entropy(t, given=-1) == conditional_entropy(t, given=1)
    assert 0.0 <= conditional_entropy(t) <= h_x + 1e-12
    assert mutual_info_table(t) == pytest.approx(h_x + h_y - h_xy, abs=1e-12)
    if np.array_equal(t, np.round(t)):  # sklearn takes a contingency table of counts
        assert mutual_info_table(t) == pytest.approx(
            mutual_info_score(None, None, contingency=t.astype(np.int64)), abs=1e-12
        )


def test_chain_rule_nd():
    rng = np.random.default_rng(3)
    t = rng.random((3, 4, 2, 5))
    h = joint_entropy(t)
    h_given_13 = conditional_entropy(t, given=(1, 3))
    assert h == pytest.approx(joint_entropy(t.sum(axis=(0, 2))) + h_given_13)
    assert conditional_entropy(t, given=[3, 1]) == h_given_13
    assert conditional_entropy(t, given=2) == pytest.approx(h - entropy(t.sum(axis=(0, 1, 3))))
    assert conditional_entropy(t, given=()) == pytest.approx(h)
    assert conditional_entropy(t, given=(0, 1, 2, 3)) == 0.0


def test_mutual_info_product_and_diagonal():
    rng = np.random.default_rng(4)
    px, py = rng.dirichlet(np.ones(5)), rng.dirichlet(np.ones(7))
    assert mutual_info_table(np.outer(px, py)) == pytest.approx(0.0, abs=1e-14)
    assert mutual_info_table(np.outer([1, 3], [2, 6])) == pytest.approx(0.0, abs=1e-15)
    d = rng.integers(1, 10, size=6).astype(float)
    assert mutual_info_table(np.diag(d)) == pytest.approx(entropy(d), rel=1e-12)
    assert mutual_info_table(np.diag(d), base=2) == pytest.approx(entropy(d, base=2))
    assert conditional_entropy(np.diag(d)) == 0.0
    assert mutual_info_table([[5]]) == 0.0


# ------------------------------------------------------------------ hypothesis properties

WEIGHTS = st.one_of(
    st.floats(min_value=0.0, max_value=1e6, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, 1.0, 1e-300, 3.0]),
)


def _table(max_side: int = 6):
    return arrays(
        np.float64,
        st.tuples(st.integers(1, max_side), st.integers(1, max_side)),
        elements=WEIGHTS,
    ).filter(lambda a: a.sum() > 0)


def _vec_pair(draw, positive_q: bool = False):
    n = draw(st.integers(1, 8))
    p = draw(arrays(np.float64, n, elements=WEIGHTS).filter(lambda a: a.sum() > 0))
    q_el = st.floats(min_value=1e-3, max_value=1e3) if positive_q else WEIGHTS
    q = draw(arrays(np.float64, n, elements=q_el).filter(lambda a: a.sum() > 0))
    return p, q


@st.composite
def vec_pairs(draw):
    return _vec_pair(draw)


@SETTINGS
@given(vec_pairs())
def test_kl_and_js_non_negative(pq):
    p, q = pq
    kl = kl_divergence(p, q)
    assert kl >= -1e-12 or math.isinf(kl)
    assert -1e-15 <= js_divergence(p, q) <= LN2 + 1e-12
    assert js_divergence(p, q) == pytest.approx(js_divergence(q, p), abs=1e-15)


@SETTINGS
@given(_table())
def test_mutual_info_properties(t):
    mi = mutual_info_table(t)
    assert mi >= -1e-12
    assert mi == pytest.approx(mutual_info_table(t.T), abs=1e-12)
    assert mi <= min(entropy(t.sum(axis=1)), entropy(t.sum(axis=0))) + 1e-12
    assert mutual_info_table(t, base=2) == pytest.approx(mi / LN2, abs=1e-15)
    assert conditional_entropy(t) >= 0.0


@SETTINGS
@given(
    arrays(np.float64, st.integers(1, 10), elements=WEIGHTS).filter(lambda a: a.sum() > 0),
    st.randoms(use_true_random=False),
)
def test_entropy_invariances(p, rnd):
    h = entropy(p)
    perm = list(range(p.size))
    rnd.shuffle(perm)
    assert entropy(p[perm]) == pytest.approx(h, abs=1e-12)
    assert entropy(p, base=2) == pytest.approx(h / LN2, abs=1e-15)
    assert 0.0 <= h <= math.log(p.size) + 1e-12
    assert entropy(p) == pytest.approx(float(scipy.stats.entropy(p)), abs=1e-12)


# ------------------------------------------------------------------ bad input

CALLS = {
    "entropy pk": ("pk", lambda a: entropy(a)),
    "entropy qk": ("qk", lambda a: entropy([1.0, 2.0, 3.0], a)),
    "kl p": ("p", lambda a: kl_divergence(a, [1.0, 2.0, 3.0])),
    "kl q": ("q", lambda a: kl_divergence([1.0, 2.0, 3.0], a)),
    "cross p": ("p", lambda a: cross_entropy(a, [1.0, 2.0, 3.0])),
    "cross q": ("q", lambda a: cross_entropy([1.0, 2.0, 3.0], a)),
    "js p": ("p", lambda a: js_divergence(a, [1.0, 2.0, 3.0])),
    "js q": ("q", lambda a: js_divergence([1.0, 2.0, 3.0], a)),
    "joint": ("pxy", lambda a: joint_entropy(a)),
    "conditional": ("pxy", lambda a: conditional_entropy(np.reshape(a, (1, -1)))),
    "mi": ("pxy", lambda a: mutual_info_table(np.reshape(a, (1, -1)))),
}
IDS = list(CALLS)

BAD_VALUES = {
    "negative": ([1.0, -0.5, 2.0], "negative"),
    "nan": ([1.0, np.nan, 2.0], "NaN"),
    "inf": ([1.0, np.inf, 2.0], "infinite"),
    "all zero": ([0.0, 0.0, 0.0], "sums to 0"),
}


@pytest.mark.parametrize("case", list(BAD_VALUES))
@pytest.mark.parametrize("call", IDS)
def test_bad_values_raise_naming_argument(call, case):
    name, f = CALLS[call]
    value, what = BAD_VALUES[case]
    with pytest.raises(ValueError, match=rf"^{name} .*{what}"):
        f(np.array(value))


@pytest.mark.parametrize("call", IDS)
def test_non_numeric_raises_type_error(call):
    name, f = CALLS[call]
    with pytest.raises(TypeError, match=rf"^{name} has dtype"):
        f(np.array(["a", "b", "c"]))
    with pytest.raises(TypeError, match=rf"^{name} has dtype"):
        f(np.array([1 + 1j, 2, 3]))


@pytest.mark.parametrize("call", ["entropy pk", "kl p", "js q", "joint"])
def test_none_empty_scalar_ragged_raise(call):
    name, f = CALLS[call]
    with pytest.raises(TypeError, match=rf"^{name} is None"):
        f(None)
    with pytest.raises(ValueError, match=rf"^{name} is empty"):
        f(np.array([]))
    with pytest.raises(ValueError, match=rf"^{name} cannot be read"):
        f([[1.0, 2.0], [3.0]])


def test_scalar_raises():
    with pytest.raises(ValueError, match="^pk is a scalar"):
        entropy(3.0)


def test_shapes_that_do_not_broadcast_raise():
    for f, names in [
        (lambda p, q: entropy(p, q), "pk .* qk"),
        (kl_divergence, "p .* q "),
        (cross_entropy, "p .* q "),
        (js_divergence, "p .* q "),
    ]:
        with pytest.raises(ValueError, match=rf"{names}.*do not broadcast"):
            f([1, 2, 3], [1, 2])
        with pytest.raises(ValueError, match="do not broadcast"):
            f(np.ones((3, 4)), np.ones((5, 4)))


def test_all_zero_slice_along_axis_raises():
    with pytest.raises(ValueError, match=r"^pk sums to 0 along axis 1 \(1 slice"):
        entropy([[1, 2], [0, 0]], axis=1)
    # the same array is fine along axis 0
    assert entropy([[1, 2], [0, 0]], axis=0).tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="^q sums to 0 along axis 0"):
        kl_divergence([[1, 2], [1, 1]], [[0, 1], [0, 1]], axis=0)


def test_bad_axis_raises():
    with pytest.raises(ValueError, match="^axis=2 is out of range"):
        entropy(np.ones((2, 3)), axis=2)
    with pytest.raises(ValueError, match="^axis=-3 is out of range"):
        kl_divergence(np.ones((2, 3)), np.ones((2, 3)), axis=-3)
    with pytest.raises(TypeError, match="^axis must be an int"):
        entropy([1, 2], axis=0.0)
    with pytest.raises(TypeError, match="^axis must be an int"):
        js_divergence([1, 2], [1, 2], axis=True)


def test_bad_given_and_table_shapes_raise():
    t = np.ones((2, 3, 4))
    with pytest.raises(ValueError, match="^given=3 is out of range"):
        conditional_entropy(t, given=3)
    with pytest.raises(ValueError, match="^given=.* repeats an axis"):
        conditional_entropy(t, given=(1, -2))
    with pytest.raises(TypeError, match="^given must be an int"):
        conditional_entropy(t, given="y")
    with pytest.raises(ValueError, match="^pxy has shape .*at least 2 axes"):
        conditional_entropy([1, 2, 3], given=0)
    with pytest.raises(ValueError, match="^pxy has shape .*2-D joint table"):
        mutual_info_table(t)
    with pytest.raises(ValueError, match="^pxy has shape .*2-D joint table"):
        mutual_info_table([1, 2])


@pytest.mark.parametrize("bad", [0, -2, 1, math.inf, math.nan])
def test_bad_base_raises_value_error(bad):
    for call in (
        lambda: entropy([1, 2], base=bad),
        lambda: entropy([1, 2], [2, 1], base=bad),
        lambda: kl_divergence([1, 2], [2, 1], base=bad),
        lambda: cross_entropy([1, 2], [2, 1], base=bad),
        lambda: js_divergence([1, 2], [2, 1], base=bad),
        lambda: joint_entropy([[1, 2]], base=bad),
        lambda: conditional_entropy([[1, 2]], base=bad),
        lambda: mutual_info_table([[1, 2]], base=bad),
    ):
        with pytest.raises(ValueError, match="^base must be positive"):
            call()


@pytest.mark.parametrize("bad", ["2", True, [2]])
def test_bad_base_type_raises_type_error(bad):
    with pytest.raises(TypeError, match="^base must be None or a positive number"):
        entropy([1, 2], base=bad)
    with pytest.raises(TypeError, match="^base must be None or a positive number"):
        mutual_info_table([[1, 2]], base=bad)


def test_js_divergence_with_subnormal_entries_is_finite():
    # Half of the smallest subnormal rounds to 0, so a mixture computed as (p + q) / 2 would
    # put q's mass where m = 0 and make the divergence infinite.
    tiny = np.nextafter(0.0, 1.0)
    assert js_divergence([1.0, 0.0], [1.0, tiny]) == pytest.approx(0.0, abs=1e-300)
    assert js_divergence([0.0, 1.0], [tiny, 1.0]) == js_divergence([tiny, 1.0], [0.0, 1.0])


def test_negative_entry_message_shows_the_plain_number() -> None:
    with pytest.raises(ValueError, match=r"\(smallest -0\.5\); counts and probabilities"):
        entropy([1.0, -0.5, 2.0])
