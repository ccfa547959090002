"""Entropy and MI of discrete samples: plug-in values against SciPy, scikit-learn and the
defining sums; every correction consistent across entropies; properties; bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import entropy as scipy_entropy
from sklearn.metrics import mutual_info_score

import fastit
from fastit._entropy_estimators import CORRECTIONS

rng = np.random.default_rng(3)
X = rng.integers(0, 6, 800)
Y = (X + rng.integers(0, 3, 800)) % 6
Z = rng.integers(0, 3, 800)


def test_plugin_entropy_matches_scipy_for_any_label_type():
    counts = np.bincount(X)
    assert fastit.discrete_entropy(X, correction=None) == pytest.approx(scipy_entropy(counts))
    words = np.array(["red", "green", "blue", "cyan", "gray", "pink"])[X]
    assert fastit.discrete_entropy(words, correction=None) == pytest.approx(scipy_entropy(counts))
    assert fastit.discrete_entropy(X, correction=None, base=2) == pytest.approx(
        scipy_entropy(counts, base=2)
    )


def test_rows_of_a_2d_array_are_joint_symbols():
    pairs = np.column_stack([X, Y])
    # NSB is left out: for a 2-D array its alphabet is the observed pairs, for separate
    # variables the product of the marginal alphabets.
    for c in CORRECTIONS[:-1]:
        assert fastit.discrete_entropy(pairs, correction=c) == pytest.approx(
            fastit.discrete_joint_entropy(X, Y, correction=c)
        )


def test_plugin_mutual_info_matches_sklearn():
    assert fastit.discrete_mutual_info(X, Y, correction=None) == pytest.approx(
        mutual_info_score(X, Y), abs=1e-12
    )


# Plug-in MI comes from the contingency table (tested above); NSB's joint term uses the
# product alphabet, so its sum differs from the entropy of the pairs by design.
@pytest.mark.parametrize("correction", CORRECTIONS[1:-1])
def test_mutual_info_is_a_sum_of_entropies_with_the_same_correction(correction):
    h = fastit.discrete_entropy
    expected = (
        h(X, correction=correction)
        + h(Y, correction=correction)
        - h(np.column_stack([X, Y]), correction=correction)
    )
    assert fastit.discrete_mutual_info(X, Y, correction=correction) == pytest.approx(expected)


def test_nsb_mutual_info_gives_the_joint_a_range_of_alphabets():
    from fastit._entropy_estimators import OutcomeRange, nsb

    mx, my = len(np.unique(X)), len(np.unique(Y))
    pairs = np.unique(np.column_stack([X, Y]), axis=0, return_counts=True)[1]
    joint = OutcomeRange(max(mx, my), mx * my)
    expected = nsb(np.bincount(X), mx) + nsb(np.bincount(Y), my) - nsb(pairs, joint)
    assert fastit.discrete_mutual_info(X, Y, correction="nsb") == pytest.approx(expected)
    # Given alphabets replace the observed ones, in every term.
    given = (10, 8)
    expected = nsb(np.bincount(X), 10) + nsb(np.bincount(Y), 8) - nsb(pairs, OutcomeRange(10, 80))
    got = fastit.discrete_mutual_info(X, Y, correction="nsb", n_outcomes=given)
    assert got == pytest.approx(expected)
    assert fastit.discrete_entropy(X, correction="nsb", n_outcomes=10) == pytest.approx(
        nsb(np.bincount(X), 10)
    )
    cmi = fastit.discrete_conditional_mutual_info(X, Y, Z, correction="nsb", n_outcomes=(6, 6, 3))
    assert cmi == pytest.approx(
        fastit.discrete_conditional_mutual_info(X, Y, Z, correction="nsb"), abs=1e-12
    )  # 6, 6 and 3 are the observed alphabets
    assert fastit.discrete_joint_entropy(
        X, Y, correction="nsb", n_outcomes=(None, 8)
    ) == pytest.approx(nsb(pairs, OutcomeRange(8, 48)))


def test_plugin_conditional_mutual_info_is_the_defining_sum():
    n = len(X)
    value = 0.0
    triples, counts = np.unique(np.column_stack([X, Y, Z]), axis=0, return_counts=True)
    for (x, y, z), c in zip(triples, counts, strict=True):
        p_xyz = c / n
        p_z = np.mean(Z == z)
        p_xz = np.mean((X == x) & (Z == z))
        p_yz = np.mean((Y == y) & (Z == z))
        value += p_xyz * np.log(p_z * p_xyz / (p_xz * p_yz))
    assert fastit.discrete_conditional_mutual_info(X, Y, Z, correction=None) == pytest.approx(
        value, abs=1e-12
    )


def test_identities():
    assert fastit.discrete_joint_entropy(X, X, correction=None) == pytest.approx(
        fastit.discrete_entropy(X, correction=None)
    )
    assert fastit.discrete_mutual_info(X, X, correction=None) == pytest.approx(
        fastit.discrete_entropy(X, correction=None)
    )
    # Z independent of (X, Y) by construction: conditioning on it changes little.
    assert fastit.discrete_conditional_mutual_info(X, Y, Z, correction=None) == pytest.approx(
        fastit.discrete_mutual_info(X, Y, correction=None), abs=0.05
    )


labels = st.lists(st.integers(0, 4), min_size=2, max_size=60)


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_plugin_mi_bounds_symmetry_and_relabelling(data):
    x = np.array(data.draw(labels))
    y = np.array(data.draw(st.lists(st.integers(0, 4), min_size=len(x), max_size=len(x))))
    mi = fastit.discrete_mutual_info(x, y, correction=None)
    hx = fastit.discrete_entropy(x, correction=None)
    hy = fastit.discrete_entropy(y, correction=None)
    assert -1e-12 <= mi <= min(hx, hy) + 1e-12
    assert mi == pytest.approx(fastit.discrete_mutual_info(y, x, correction=None), abs=1e-12)
    relabel = np.array([7, -3, 11, 0, 5])
    assert mi == pytest.approx(
        fastit.discrete_mutual_info(relabel[x], y.astype(str), correction=None), abs=1e-12
    )


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: fastit.discrete_entropy(X, correction="bayes"), ValueError, "correction"),
        (lambda: fastit.discrete_mutual_info(X, Y[:-1]), ValueError, "y has 799 samples"),
        (lambda: fastit.discrete_conditional_mutual_info(X, Y, Z[:5]), ValueError, "^z has"),
        (lambda: fastit.discrete_entropy(None), TypeError, "x is None"),
        (lambda: fastit.discrete_entropy(np.zeros((2, 2, 2))), ValueError, "x has shape"),
        (lambda: fastit.discrete_entropy([]), ValueError, "x is empty"),
        (lambda: fastit.discrete_entropy(X, base=1), ValueError, "base"),
        (lambda: fastit.discrete_joint_entropy(), TypeError, "at least one"),
        (lambda: fastit.discrete_entropy(X, n_outcomes=9), ValueError, "correction='nsb' only"),
        (
            lambda: fastit.discrete_entropy(X, correction="nsb", n_outcomes=4),
            ValueError,
            "n_outcomes for x is 4, but x has 6 distinct labels",
        ),
        (
            lambda: fastit.discrete_entropy(X, correction="nsb", n_outcomes=6.5),
            TypeError,
            "n_outcomes for x must be an int",
        ),
        (
            lambda: fastit.discrete_mutual_info(X, Y, correction="nsb", n_outcomes=6),
            ValueError,
            "one alphabet size",
        ),
        (
            lambda: fastit.discrete_mutual_info(X, Y, correction="nsb", n_outcomes=(6, 5)),
            ValueError,
            "n_outcomes for y is 5",
        ),
        (lambda: fastit.discrete_entropy([1.0, np.nan]), ValueError, "x contains NaN"),
        (lambda: fastit.discrete_entropy(["a", None, "a"]), ValueError, "x contains 1 missing"),
        (
            lambda: fastit.discrete_mutual_info(X[:3], np.array(["a", np.nan, "b"], dtype=object)),
            ValueError,
            "y contains 1 missing",
        ),
        (
            lambda: fastit.discrete_entropy(np.array(["2020-01-01", "NaT"], dtype="M8[D]")),
            ValueError,
            "x contains missing \\(NaT\\)",
        ),
        (
            lambda: fastit.discrete_entropy(np.array([[1, None], [1, 2]], dtype=object)),
            ValueError,
            "x contains 1 missing",
        ),
    ],
)
def test_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


@pytest.mark.parametrize(
    "labels",
    [
        np.array([-128, 127, 0, 5, 5, -128], dtype=np.int8),  # range wider than int8
        np.array([True, False, True, True]),
        np.array([7, 7, 7], dtype=np.uint64),
        np.array([2**64 - 1, 2**64 - 2, 2**63, 2**64 - 1], dtype=np.uint64),  # beyond int64
        np.array([2**63 + 5, 2**63 + 5, 3], dtype=np.uint64),  # a range too wide for a table
        np.array([-(2**63), -(2**63) + 3, -(2**63)], dtype=np.int64),
        rng.integers(-3, 40, 500).astype(np.int32),
        rng.integers(0, 2**40, 50),  # too wide for a lookup table: sorted instead
    ],
)
def test_integer_label_codes_match_numpy_unique(labels):
    from fastit._validation import as_labels

    codes, m = as_labels(labels, "x")
    uniq, inverse = np.unique(labels, return_inverse=True)
    assert np.array_equal(codes, inverse)
    assert m == len(uniq)


def test_mutual_info_passes_nsb_alphabets_through() -> None:
    rng = np.random.default_rng(40)
    u = rng.integers(0, 5, 300)
    for n_outcomes in ((5, 5), (10, 10), (None, 20)):
        got = fastit.mutual_info(
            u, u, x_discrete=True, y_discrete=True, correction="nsb", n_outcomes=n_outcomes
        )
        assert got == fastit.discrete_mutual_info(u, u, correction="nsb", n_outcomes=n_outcomes)
    for options in ({}, {"x_discrete": True, "y_discrete": True}, {"method": "binned"}):
        with pytest.raises(ValueError, match="n_outcomes gives NSB"):
            fastit.mutual_info(u, u, n_outcomes=(5, 5), **options)
