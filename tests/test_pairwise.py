"""pairwise_mutual_info: every entry equals the single-pair estimate."""

import numpy as np
import pytest

import fastit

rng = np.random.default_rng(8)
N = 3000
X = rng.standard_normal((N, 5))
X[:, 1] += X[:, 0]
X[:, 4] = np.round(X[:, 4])
Y = np.column_stack([X[:, 2] + rng.standard_normal(N), rng.standard_normal(N)])


@pytest.mark.parametrize("correction", [None, "miller-madow", "grassberger", "nsb"])
@pytest.mark.parametrize("bins", [8, "fd", "quantile"])
def test_binned_matrix_equals_pairwise_calls(correction, bins):
    got = fastit.pairwise_mutual_info(X, bins=bins, correction=correction)
    options = {"method": "binned", "bins": bins, "correction": correction}
    expected = np.array(
        [[fastit.mutual_info(X[:, i], X[:, j], **options) for j in range(5)] for i in range(5)]
    )
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    assert np.array_equal(got, got.T)


def test_diagonal_is_the_binned_entropy():
    got = fastit.pairwise_mutual_info(X, bins=10, correction=None)
    for i in range(5):
        counts = np.histogram(X[:, i], 10)[0]
        p = counts[counts > 0] / N
        assert got[i, i] == pytest.approx(-np.sum(p * np.log(p)), abs=1e-12)


def test_cross_matrix_and_units():
    got = fastit.pairwise_mutual_info(X, Y, bins=12, base=2)
    assert got.shape == (5, 2)
    assert got[2, 0] == pytest.approx(
        fastit.mutual_info(X[:, 2], Y[:, 0], method="binned", bins=12) / np.log(2), abs=1e-12
    )


def test_knn_matrix():
    got = fastit.pairwise_mutual_info(X[:, :3], method="ksg1", k=4)
    assert np.isinf(np.diag(got)).all()
    assert got[0, 1] == fastit.mutual_info(X[:, 0], X[:, 1], k=4)
    assert got[1, 0] == got[0, 1]


def test_results_do_not_depend_on_n_jobs():
    one = fastit.pairwise_mutual_info(X, n_jobs=1)
    two = fastit.pairwise_mutual_info(X, n_jobs=2)
    assert np.array_equal(one, two)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"method": "kde"}, ValueError, "method must be one of"),
        ({"correction": "bayes"}, ValueError, "correction must be one of"),
        ({"Y": Y[:-1]}, ValueError, "Y has 2999 samples but X has 3000"),
        ({"bins": 0}, ValueError, "bins must be at least 1"),
    ],
)
def test_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        fastit.pairwise_mutual_info(X, **kwargs)


def test_a_knn_matrix_warns_once_naming_the_discrete_columns() -> None:
    rng = np.random.default_rng(7)
    X = np.column_stack(
        [rng.standard_normal(400), rng.integers(0, 3, 400), rng.standard_normal(400)]
    )
    Y = rng.integers(0, 2, (400, 2)).astype(float)
    for matrix in (
        lambda: fastit.pairwise_mutual_info(X),
        lambda: fastit.pairwise_mutual_info(X, Y),
    ):
        with pytest.warns(fastit.DiscreteDataWarning) as caught:
            matrix_values = fastit.pairwise_mutual_info(X, method="ksg1")
        assert len(caught) == 1
        assert "X[:, 1] (3 distinct values" in str(caught[0].message)
        assert "X[:, 0]" not in str(caught[0].message)
        assert np.isfinite(matrix_values[1, 1])
        matrix()  # binned: no warning (filterwarnings = error)
    with pytest.warns(fastit.DiscreteDataWarning) as caught:
        fastit.pairwise_mutual_info(X, Y, method="ksg2")
    assert len(caught) == 1
    assert "Y[:, 0]" in str(caught[0].message)
    assert "Y[:, 1]" in str(caught[0].message)
    fastit.pairwise_mutual_info(X, Y, method="mixed")  # built for atoms: no warning
