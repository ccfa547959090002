"""Feature selection (fastit.selection): the criteria pick what they should, the greedy
scores equal a brute-force reference built on fastit's public estimators, invariances,
the scikit-learn transformer, and clear errors."""

from __future__ import annotations

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import fastit
from fastit import selection
from fastit.selection import Selection, cmim, jmi, mrmr, relevance, select_features

# Discrete features go through the k-NN engine on purpose.
pytestmark = pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")

sklearn = pytest.importorskip("sklearn")

from sklearn.datasets import make_classification, make_friedman1  # noqa: E402

CRITERIA = ["mrmr", "jmi", "cmim"]


# --------------------------------------------------------------------------- helpers


def graded(n: int, p: int, seed: int, *, discrete_target: bool = False):
    """Features of clearly different relevance (no ties between scores), some redundant."""
    rng = np.random.default_rng(seed)
    signal = rng.standard_normal((n, 3))
    X = rng.standard_normal((n, p))
    for j in range(p):
        X[:, j] += (1.5 - j / p) * signal[:, j % 3] + 0.3 * j * signal[:, (j + 1) % 3]
    y = signal @ np.array([1.0, 0.7, 0.4]) + 0.5 * rng.standard_normal(n)
    if discrete_target:
        y = np.digitize(y, np.quantile(y, [0.33, 0.66]))
    return X, y


def equal_frequency_codes(column: np.ndarray, n_bins: int) -> np.ndarray:
    """Codes of the "quantile-hgr" bins, computed here independently of fastit."""
    edges = np.unique(np.quantile(column, np.linspace(0, 1, n_bins + 1)))
    return np.clip(np.searchsorted(edges, column, side="right") - 1, 0, len(edges) - 2)


def equal_width_codes(column: np.ndarray, n_bins: int) -> np.ndarray:
    edges = np.histogram_bin_edges(column, n_bins)
    return np.clip(np.searchsorted(edges, column, side="right") - 1, 0, n_bins - 1)


def reference_greedy(p, k, criterion, mi_y, mi_pair, cmi):
    """The greedy selection written out plainly: every score recomputed from scratch."""
    rel = np.array([mi_y(j) for j in range(p)])
    selected = [int(np.argmax(rel))]
    scores = [rel[selected[0]]]
    while len(selected) < k:
        best, best_score = None, -np.inf
        for j in range(p):
            if j in selected:
                continue
            if criterion == "mrmr":
                score = rel[j] - np.mean([mi_pair(j, s) for s in selected])
            elif criterion == "jmi":
                score = sum(rel[s] + cmi(j, s, rel) for s in selected)
            else:
                score = min(cmi(j, s, rel) for s in selected)
            if score > best_score:
                best, best_score = j, score
        selected.append(best)
        scores.append(best_score)
    return np.array(selected), np.array(scores), rel


def assert_same_selection(result: Selection, expected, rel=1e-10):
    selected, scores, relevance_ = expected
    np.testing.assert_array_equal(result.selected, selected)
    atol = 1e-12 if rel else 0.0
    np.testing.assert_allclose(result.scores, scores, rtol=rel, atol=atol)
    np.testing.assert_allclose(result.relevance, relevance_, rtol=rel, atol=atol)


# --------------------------------------------------------------------------- behaviour


@pytest.mark.parametrize("estimator", ["binned", "ksg"])
@pytest.mark.parametrize("criterion", CRITERIA)
def test_classification_picks_informative(criterion, estimator):
    # shuffle=False: columns 0-3 informative, 4-5 redundant (their combinations), 6+ noise.
    X, y = make_classification(
        n_samples=2000,
        n_features=15,
        n_informative=4,
        n_redundant=2,
        n_classes=4,
        n_clusters_per_class=1,
        class_sep=2.0,
        shuffle=False,
        random_state=0,
    )
    result = select_features(X, y, 4, criterion=criterion, estimator=estimator)
    assert set(result.selected.tolist()) <= set(range(6)), result.selected
    assert len(set(result.selected.tolist()) & set(range(4))) >= 2  # not only combinations


def test_the_default_criterion_is_jmi_and_skips_the_noise_mrmr_takes():
    # make_classification's defaults (2 classes, 2 clusters per class, 2 redundant
    # columns): the informative columns depend on each other within a class, and mRMR's
    # feature-feature redundancy then prefers pure noise (columns 6+) to them.
    picked = {"jmi": [], "mrmr": []}
    for seed in range(5):
        X, y = make_classification(
            n_samples=1000, n_features=30, n_informative=4, shuffle=False, random_state=seed
        )
        default = select_features(X, y, 4)
        assert np.array_equal(default.selected, jmi(X, y, 4).selected)
        fitted = selection.MutualInfoSelector(k=4).fit(X, y)
        assert np.array_equal(fitted.selected_, default.selected)
        picked["jmi"] += default.selected.tolist()
        picked["mrmr"] += mrmr(X, y, 4).selected.tolist()
    assert all(j < 6 for j in picked["jmi"]), picked["jmi"]  # 20 picks, no noise
    assert sum(j >= 6 for j in picked["mrmr"]) >= 5, picked["mrmr"]


@pytest.mark.parametrize("estimator", ["binned", "ksg"])
@pytest.mark.parametrize("criterion", CRITERIA)
def test_regression_picks_informative(criterion, estimator):
    # Friedman #1: y depends on columns 0-4 only (with a product and a square).
    X, y = make_friedman1(n_samples=1500, n_features=10, random_state=0)
    result = select_features(X, y, 5, criterion=criterion, estimator=estimator)
    assert sorted(result.selected.tolist()) == [0, 1, 2, 3, 4]
    assert result.selected[0] == 3  # the strongest linear term


@pytest.mark.parametrize("estimator", ["binned", "ksg"])
def test_mrmr_avoids_a_duplicate_that_relevance_takes(estimator):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((1500, 5))
    X[:, 4] = X[:, 0]  # an exact copy of the strongest feature
    y = 2 * X[:, 0] + X[:, 1] + 0.5 * X[:, 2] + 0.2 * rng.standard_normal(1500)
    by_relevance = select_features(X, y, 2, criterion="relevance", estimator=estimator)
    assert sorted(by_relevance.selected.tolist()) == [0, 4]
    # (JMI may take the copy: I(X_4, X_1; y) = I(X_0, X_1; y) counts in its sum.)
    for criterion in ("mrmr", "cmim"):
        picked = select_features(X, y, 3, criterion=criterion, estimator=estimator).selected
        assert picked.tolist() == [0, 1, 2], criterion


def test_jmi_and_cmim_find_a_synergy_that_mrmr_misses():
    # y = a XOR b: neither input alone is informative, the pair is. After a is picked
    # (a near-tie among irrelevant features, so it is forced here by a small leak),
    # JMI and CMIM take b next; mRMR sees no relevance in b.
    rng = np.random.default_rng(2)
    n = 4000
    a, b = rng.integers(0, 2, (2, n))
    y = a ^ b
    leak = np.where(rng.random(n) < 0.1, y, a)  # column 0: a, slightly informative
    X = np.column_stack([leak, rng.integers(0, 2, (n, 3)), b])
    for criterion in ("jmi", "cmim"):
        assert select_features(X, y, 2, criterion=criterion).selected.tolist() == [0, 4]
    assert 4 not in select_features(X, y, 3, criterion="mrmr").selected


def test_result_fields_and_units():
    X, y = graded(400, 5, 0)
    nats = mrmr(X, y, 3)
    bits = mrmr(X, y, 3, base=2)
    selected, scores, rel = nats  # a named tuple
    assert selected.dtype == np.int64
    assert selected.shape == scores.shape == (3,)
    assert rel.shape == (5,)
    assert scores[0] == rel[selected[0]]
    np.testing.assert_array_equal(bits.selected, selected)
    np.testing.assert_allclose(bits.scores, scores / np.log(2), rtol=1e-14)
    np.testing.assert_allclose(relevance(X, y, base=2), rel / np.log(2), rtol=1e-14)
    ranking = select_features(X, y, "all", criterion="relevance")
    np.testing.assert_array_equal(ranking.selected, np.argsort(-rel, kind="stable"))
    assert select_features(X, y, "all").selected.shape == (5,)


def test_criterion_functions_are_select_features():
    X, y = graded(300, 6, 3)
    for function, criterion in ((mrmr, "mrmr"), (jmi, "jmi"), (cmim, "cmim")):
        a = function(X, y, 4, estimator="ksg")
        b = select_features(X, y, 4, criterion=criterion, estimator="ksg")
        np.testing.assert_array_equal(a.selected, b.selected)
        np.testing.assert_array_equal(a.scores, b.scores)


def test_dataframe_with_mixed_columns():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(4)
    n = 1000
    colour = rng.choice(["red", "green", "blue"], n)
    level = rng.integers(0, 4, n)
    noise = rng.standard_normal(n)
    value = rng.standard_normal(n)
    y = (colour == "red").astype(int) + (value > 0.5) + 2 * (level == 3)
    frame = pd.DataFrame(
        {
            "colour": pd.Categorical(colour),
            "level": level,
            "noise": noise,
            "value": value,
            "tag": rng.choice(["u", "v"], n),
        }
    )
    for estimator in ("binned", "ksg"):
        result = select_features(frame, y, 3, estimator=estimator, criterion="cmim")
        assert sorted(result.selected.tolist()) == [0, 1, 3], estimator


# --------------------------------------------------------------------------- reference


def ksg_reference(X, y, k, criterion, discrete, y_discrete, seed=0, n_neighbors=3):
    """Brute force through fastit.mutual_info / conditional_mutual_info, pair by pair."""
    options = {"k": n_neighbors, "random_state": seed, "correction": "miller-madow"}

    def var(j):
        return X[:, j].astype(np.int64) if discrete[j] else X[:, j]

    def mi(a, a_discrete, b, b_discrete):
        return fastit.mutual_info(a, b, x_discrete=a_discrete, y_discrete=b_discrete, **options)

    def cmi(j, s, rel):
        dj, ds, dy = discrete[j], discrete[s], y_discrete
        if not (dj or ds or dy):
            return fastit.conditional_mutual_info(
                var(j), y, var(s), k=n_neighbors, random_state=seed
            )
        if dj and ds and dy:
            return fastit.discrete_conditional_mutual_info(var(j), y, var(s))
        if dj == ds:
            return mi(np.column_stack([var(j), var(s)]), dj, y, dy) - rel[s]
        if dy == ds:
            return mi(var(j), dj, np.column_stack([y, var(s)]), dy) - mi(var(j), dj, var(s), ds)
        return (
            rel[j]
            + mi(np.column_stack([var(j), y]), dj, var(s), ds)
            - mi(var(j), dj, var(s), ds)
            - rel[s]
        )

    return reference_greedy(
        X.shape[1],
        k,
        criterion,
        lambda j: mi(var(j), discrete[j], y, y_discrete),
        lambda j, s: mi(var(j), discrete[j], var(s), discrete[s]),
        cmi,
    )


@pytest.mark.parametrize("criterion", CRITERIA)
@pytest.mark.parametrize(
    ("discrete", "y_discrete"),
    [
        ([False] * 5, False),  # KSG and Frenzel-Pompe
        ([False] * 5, True),  # Ross, and the chain rule through I(X_j, X_s; y)
        ([True, False, True, False, False], True),  # every mixed case of the chain rule
        ([True, False, True, False, False], False),
        ([True] * 5, True),  # discrete estimators only
    ],
)
def test_ksg_scores_equal_the_reference(criterion, discrete, y_discrete):
    X, y = graded(250, 5, 5, discrete_target=y_discrete)
    X[:, 0] = np.round(X[:, 0])  # discrete columns hold integer labels
    X[:, 2] = np.round(X[:, 2] / 2)
    for j in (1, 3, 4):
        if discrete[j]:
            X[:, j] = np.round(X[:, j])
    result = select_features(
        X,
        y,
        4,
        criterion=criterion,
        estimator="ksg",
        discrete_features=np.array(discrete),
        discrete_target=y_discrete,
        random_state=7,
    )
    expected = ksg_reference(X, y, 4, criterion, discrete, y_discrete, seed=7)
    assert_same_selection(result, expected, rel=0)  # the same estimates, bit for bit


def binned_reference(codes, y_codes, k, criterion, correction):
    """Brute force through fastit.discrete_mutual_info / discrete_conditional_mutual_info."""

    def mi(a, b):
        return fastit.discrete_mutual_info(a, b, correction=correction)

    def cmi(j, s, rel):
        return fastit.discrete_conditional_mutual_info(
            codes[:, j], y_codes, codes[:, s], correction=correction
        )

    return reference_greedy(
        codes.shape[1],
        k,
        criterion,
        lambda j: mi(codes[:, j], y_codes),
        lambda j, s: mi(codes[:, j], codes[:, s]),
        cmi,
    )


@pytest.mark.parametrize("criterion", CRITERIA)
@pytest.mark.parametrize("correction", [None, "miller-madow", "grassberger"])
@pytest.mark.parametrize("y_discrete", [False, True])
def test_binned_scores_equal_the_reference(criterion, correction, y_discrete):
    X, y = graded(600, 6, 6, discrete_target=y_discrete)
    X[:, 5] = np.round(X[:, 5])  # one discrete feature
    discrete = np.array([False] * 5 + [True])
    b = selection.hgr_bins(600)
    codes = np.column_stack(
        [equal_frequency_codes(X[:, j], b) for j in range(5)] + [X[:, 5].astype(int)]
    )
    y_codes = y if y_discrete else equal_frequency_codes(y, b)
    result = select_features(
        X,
        y,
        4,
        criterion=criterion,
        discrete_features=discrete,
        discrete_target=y_discrete,
        correction=correction,
    )
    assert_same_selection(result, binned_reference(codes, y_codes, 4, criterion, correction))


@pytest.mark.parametrize("criterion", CRITERIA)
def test_binned_with_a_bin_count_equals_the_reference(criterion):
    X, y = graded(500, 5, 8)
    codes = np.column_stack([equal_width_codes(X[:, j], 7) for j in range(5)])
    y_codes = equal_width_codes(y, 7)
    result = select_features(X, y, 4, criterion=criterion, bins=7)
    assert_same_selection(result, binned_reference(codes, y_codes, 4, criterion, "miller-madow"))
    # The relevance is fastit.mutual_info's own histogram estimate.
    expected = [fastit.mutual_info(X[:, j], y, method="binned", bins=7) for j in range(5)]
    np.testing.assert_allclose(result.relevance, expected, rtol=1e-12)


def test_sparse_table_path_equals_the_compiled_one(monkeypatch):
    # Discrete features with large alphabets are counted pair by pair (no dense table).
    X, y = graded(800, 5, 9, discrete_target=True)
    X[:, 1] = np.round(X[:, 1] * 50)
    options = {"discrete_features": [1], "criterion": "jmi"}
    fast = select_features(X, y, 4, **options)
    monkeypatch.setattr(selection, "_MAX_TABLE_CELLS", 0)
    slow = select_features(X, y, 4, **options)
    np.testing.assert_array_equal(fast.selected, slow.selected)
    np.testing.assert_allclose(fast.scores, slow.scores, rtol=1e-12, atol=1e-14)


# --------------------------------------------------------------------------- invariances


@settings(max_examples=12, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    criterion=st.sampled_from(CRITERIA),
    estimator=st.sampled_from(["binned", "ksg"]),
    data=st.data(),
)
def test_permuting_columns_permutes_the_selection(seed, criterion, estimator, data):
    X, y = graded(200, 6, seed, discrete_target=seed % 2 == 0)
    perm = np.array(data.draw(st.permutations(range(6))))
    options = {"criterion": criterion, "estimator": estimator}
    base = select_features(X, y, 4, **options)
    permuted = select_features(X[:, perm], y, 4, **options)
    np.testing.assert_array_equal(perm[permuted.selected], base.selected)
    np.testing.assert_array_equal(permuted.scores, base.scores)
    np.testing.assert_array_equal(permuted.relevance, base.relevance[perm])


@settings(max_examples=8, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    criterion=st.sampled_from(CRITERIA),
    estimator=st.sampled_from(["binned", "ksg"]),
)
def test_results_do_not_depend_on_n_jobs(seed, criterion, estimator):
    X, y = graded(200, 6, seed)
    one = select_features(X, y, 4, criterion=criterion, estimator=estimator, n_jobs=1)
    two = select_features(X, y, 4, criterion=criterion, estimator=estimator, n_jobs=2)
    three = select_features(X, y, 4, criterion=criterion, estimator=estimator, n_jobs=3)
    for other in (two, three):
        np.testing.assert_array_equal(other.selected, one.selected)
        np.testing.assert_array_equal(other.scores, one.scores)
        np.testing.assert_array_equal(other.relevance, one.relevance)


@settings(max_examples=10, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    criterion=st.sampled_from(CRITERIA),
    estimator=st.sampled_from(["binned", "ksg"]),
    names=st.permutations(["cat", "dog", "emu"]),
)
def test_relabelling_the_target_keeps_the_selection(seed, criterion, estimator, names):
    X, y = graded(200, 6, seed, discrete_target=True)
    relabelled = np.array(names)[y]
    base = select_features(X, y, 4, criterion=criterion, estimator=estimator)
    other = select_features(X, relabelled, 4, criterion=criterion, estimator=estimator)
    np.testing.assert_array_equal(other.selected, base.selected)
    np.testing.assert_allclose(other.scores, base.scores, rtol=1e-12, atol=1e-14)


# --------------------------------------------------------------------------- scikit-learn

from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

MutualInfoSelector = selection.MutualInfoSelector


@parametrize_with_checks(
    [
        MutualInfoSelector(k=1),
        MutualInfoSelector(k="all", criterion="jmi"),
        MutualInfoSelector(k="all", criterion="cmim", estimator="ksg"),
    ]
)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def test_transformer_attributes_and_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = graded(400, 5, 10, discrete_target=True)
    frame = pd.DataFrame(X, columns=[f"f{j}" for j in range(5)])
    frame["f4"] = np.round(frame["f4"]).astype(int)  # an int column: discrete under "auto"
    selector = MutualInfoSelector(k=3, criterion="cmim").fit(frame, y)
    expected = select_features(frame, y, 3, criterion="cmim")
    np.testing.assert_array_equal(selector.selected_, expected.selected)
    np.testing.assert_array_equal(selector.scores_, expected.scores)
    np.testing.assert_array_equal(selector.relevance_, expected.relevance)
    assert selector.discrete_features_.tolist() == [False] * 4 + [True]
    assert selector.discrete_target_ is True
    assert selector.n_features_in_ == 5
    names = [f"f{j}" for j in sorted(expected.selected)]
    assert selector.get_feature_names_out().tolist() == names
    assert selector.transform(frame).shape == (400, 3)
    restored = pickle.loads(pickle.dumps(selector))
    np.testing.assert_array_equal(restored.transform(frame), selector.transform(frame))
    assert selector.inverse_transform(selector.transform(frame)).shape == (400, 5)
    continuous = MutualInfoSelector(k=2).fit(X, y.astype(float))
    assert continuous.discrete_target_ is False


def test_pipeline_and_grid_search():
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import Pipeline

    X, y = make_classification(
        n_samples=600, n_features=12, n_informative=3, n_redundant=0, shuffle=False, random_state=1
    )
    pipe = Pipeline([("select", MutualInfoSelector()), ("model", LogisticRegression())])
    grid = GridSearchCV(
        pipe,
        {"select__k": [1, 3], "select__criterion": ["mrmr", "cmim"]},
        cv=3,
    )
    grid.fit(X, y)
    assert len(grid.cv_results_["params"]) == 4
    assert set(grid.best_estimator_["select"].selected_.tolist()) <= {0, 1, 2}
    assert grid.predict(X).shape == (600,)
    assert grid.score(X, y) > 0.8


def test_transformer_k_above_n_features_selects_all_with_a_warning():
    X, y = graded(200, 4, 11)
    with pytest.warns(UserWarning, match="k=10 is greater than n_features=4"):
        selector = MutualInfoSelector(k=10).fit(X, y)
    assert selector.get_support().all()


def test_import_without_sklearn_and_the_error(monkeypatch, tmp_path):
    code = "import sys, fastit.selection; assert 'sklearn' not in sys.modules"
    # From outside the checkout, so the installed package is the one imported.
    subprocess.run([sys.executable, "-c", code], check=True, cwd=tmp_path)
    monkeypatch.setitem(sys.modules, "sklearn.base", None)  # makes the import fail
    with pytest.raises(ImportError, match="needs scikit-learn"):
        selection._build_selector()
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        selection.nothing  # noqa: B018


# --------------------------------------------------------------------------- errors


@pytest.fixture(scope="module")
def small():
    return graded(60, 4, 12)


BAD_OPTIONS = [
    ({"k": 0}, ValueError, "k must be at least 1"),
    ({"k": -3}, ValueError, "k must be at least 1"),
    ({"k": 2.5}, TypeError, "k must be a positive int or 'all'"),
    ({"k": True}, TypeError, "k must be a positive int or 'all'"),
    ({"k": "most"}, ValueError, "k must be a positive int or 'all'"),
    ({"criterion": "mifs"}, ValueError, "criterion must be one of"),
    ({"estimator": "knn"}, ValueError, "estimator must be one of"),
    ({"discrete_features": "yes"}, ValueError, "discrete_features must be 'auto'"),
    ({"discrete_features": [True, False]}, ValueError, "mask of 2 entries but X has 4"),
    ({"discrete_features": [0, 7]}, ValueError, "outside \\[0, 4\\)"),
    ({"discrete_features": [0.5]}, TypeError, "discrete_features has dtype float64"),
    ({"discrete_features": [[0, 1]]}, ValueError, "discrete_features has shape"),
    ({"discrete_target": "yes"}, TypeError, "discrete_target must be True or False"),
    ({"n_neighbors": 0}, ValueError, "n_neighbors must be at least 1"),
    ({"n_neighbors": 2.0}, TypeError, "n_neighbors must be an int"),
    ({"n_neighbors": 60, "estimator": "ksg"}, ValueError, "n_neighbors=60 needs more"),
    ({"bins": 0}, ValueError, "bins must be at least 1"),
    ({"bins": "golden"}, ValueError, "bins must be one of"),
    ({"bins": [0.0, 1.0, 2.0]}, TypeError, "explicit edges cannot serve every feature"),
    ({"correction": "laplace"}, ValueError, "correction must be one of"),
    ({"base": 1}, ValueError, "base must be positive and not 1"),
    ({"n_jobs": 0}, ValueError, "n_jobs must be a positive number"),
    ({"random_state": "seed"}, TypeError, "random_state must be None"),
]


@pytest.mark.parametrize(("options", "error", "match"), BAD_OPTIONS)
def test_bad_options(small, options, error, match):
    X, y = small
    options = {"k": 2, **options}
    k = options.pop("k")
    with pytest.raises(error, match=match):
        select_features(X, y, k, **options)


def test_bad_data(small):
    X, y = small
    with_nan = X.copy()
    with_nan[3, 2] = np.nan
    with_inf = X.copy()
    with_inf[0, 1] = np.inf
    y_nan = y.copy()
    y_nan[5] = np.nan
    cases = [
        ((with_nan, y), ValueError, r"X\[:, 2\] contains NaN"),
        ((with_inf, y), ValueError, r"X\[:, 1\] contains infinite values"),
        ((X, y_nan), ValueError, "y contains NaN"),
        ((X, y[:-1]), ValueError, "y has 59 samples but X has 60"),
        ((X[:, 0], y), ValueError, r"X has shape \(60,\).*reshape\(-1, 1\)"),
        ((X[None], y), ValueError, "pass a 2-D array"),
        ((X[:1], y[:1]), ValueError, "pass at least 2 samples"),
        ((X[:, :0], y), ValueError, "1 feature"),
        ((X, np.column_stack([y, y])), ValueError, r"y has shape \(60, 2\)"),
        ((None, y), TypeError, "X is None"),
        ((X, None), TypeError, "y is None"),
    ]
    for args, error, match in cases:
        with pytest.raises(error, match=match):
            select_features(*args, 2)
    words = np.where(X > 0, "up", "down")
    with pytest.raises(TypeError, match=r"X\[:, 0\] has dtype <U4.*mark it as discrete"):
        select_features(words, y, 2, discrete_features=False)
    assert select_features(words, y, 2).selected.shape == (2,)  # "auto": strings are labels
    with pytest.raises(TypeError, match="discrete_target=True for labels"):
        select_features(X, y.astype(str), 2, discrete_target=False)
    with pytest.raises(ValueError, match=r"X\[:, 0\] contains NaN or infinite labels"):
        select_features(with_nan[:, [2, 0]], y, 2, discrete_features=[0])


def test_estimate_errors_name_the_term(small):
    X, y = small
    ids = np.column_stack([np.arange(60), X[:, 1]])  # labels that never repeat
    with pytest.raises(ValueError, match=r"while estimating I\(X\[:, 0\]; y\).*occurs once"):
        select_features(ids, y, 2, estimator="ksg", discrete_features=[0])


def test_k_above_n_features_warns_and_selects_all(small):
    X, y = small
    with pytest.warns(UserWarning, match="All the features will be returned"):
        result = mrmr(X, y, 9)
    assert sorted(result.selected.tolist()) == [0, 1, 2, 3]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert mrmr(X, y, "all").selected.shape == (4,)


def test_transformer_errors(small):
    X, y = small
    with pytest.raises(ValueError, match="k must be at least 1"):
        MutualInfoSelector(k=0).fit(X, y)
    with pytest.raises(ValueError, match="criterion must be one of"):
        MutualInfoSelector(criterion="best").fit(X, y)
    with pytest.raises(ValueError, match="Input X contains NaN"):
        MutualInfoSelector(k=2).fit(np.where(X > 2, np.nan, X), y)
    with pytest.raises(ValueError, match="requires y to be passed"):
        MutualInfoSelector(k=2).fit(X)


@pytest.mark.filterwarnings("error::fastit.DiscreteDataWarning")
def test_knn_selection_warns_once_about_discrete_valued_features() -> None:
    rng = np.random.default_rng(30)
    X = np.column_stack(
        [rng.standard_normal(300), rng.integers(0, 3, 300).astype(float), rng.standard_normal(300)]
    )
    y = (X[:, 0] + X[:, 1] > 1).astype(int)
    with pytest.warns(fastit.DiscreteDataWarning) as caught:
        select_features(X, y, 2, estimator="ksg")
    assert len(caught) == 1
    assert "X[:, 1] (3 distinct values" in str(caught[0].message)
    assert "X[:, 0]" not in str(caught[0].message)
    # Named as discrete, the column goes to the discrete estimators: nothing to warn about.
    select_features(X, y, 2, estimator="ksg", discrete_features=[1])
