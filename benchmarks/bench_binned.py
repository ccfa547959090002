"""pytest-benchmark suites for the histogram and discrete estimators (issue 3).

Each benchmark also checks its answer against NumPy or scikit-learn, computed outside
the timed call.
"""

from __future__ import annotations

import numpy as np
import pytest

import fastit

SIZES = [10**4, 10**6]


def gaussian(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(n)
    return x, 0.6 * x + 0.8 * rng.standard_normal(n)


@pytest.mark.benchmark(group="binned-mi")
@pytest.mark.parametrize("n", SIZES)
def test_binned_mi(benchmark, n):
    x, y = gaussian(n)
    counts = np.histogram2d(x, y, bins=64)[0]
    p = counts / n
    outer = p.sum(axis=1, keepdims=True) @ p.sum(axis=0, keepdims=True)
    nz = p > 0
    expected = np.sum(p[nz] * np.log(p[nz] / outer[nz]))
    fastit.mutual_info(x[:100], y[:100], method="binned", bins=64)  # compile the kernels
    got = benchmark(fastit.mutual_info, x, y, method="binned", bins=64, correction=None)
    assert got == pytest.approx(expected, abs=1e-12)


@pytest.mark.benchmark(group="discrete-mi")
@pytest.mark.parametrize("n", SIZES)
def test_discrete_mi(benchmark, n):
    from sklearn.metrics import mutual_info_score

    rng = np.random.default_rng(1)
    a = rng.integers(0, 50, n)
    b = (a + rng.integers(0, 10, n)) % 50
    fastit.discrete_mutual_info(a[:100], b[:100], correction=None)
    got = benchmark(fastit.discrete_mutual_info, a, b, correction=None)
    assert got == pytest.approx(mutual_info_score(a, b), abs=1e-12)


@pytest.mark.benchmark(group="pairwise-mi")
def test_pairwise_binned(benchmark):
    rng = np.random.default_rng(2)
    m = rng.standard_normal((10**4, 50))
    fastit.pairwise_mutual_info(m[:100, :2])
    got = benchmark(fastit.pairwise_mutual_info, m, bins=16)
    assert got[3, 7] == pytest.approx(
        fastit.mutual_info(m[:, 3], m[:, 7], method="binned", bins=16), abs=1e-12
    )


@pytest.mark.benchmark(group="binned-mi-sparse")
@pytest.mark.parametrize(("n", "bins"), [(300, 10**9), (10**5, 10**6)])
def test_binned_mi_sparse(benchmark, n, bins):
    """Tables far larger than the data: counted by sorting the samples' cells."""
    x, y = gaussian(n)
    step_x, step_y = (x.max() - x.min()) / bins, (y.max() - y.min()) / bins
    cx = np.minimum(np.floor((x - x.min()) / step_x), bins - 1)
    cy = np.minimum(np.floor((y - y.min()) / step_y), bins - 1)
    fastit.mutual_info(x[:100], y[:100], method="binned", bins=bins)
    got = benchmark(fastit.mutual_info, x, y, method="binned", bins=bins, correction=None)
    # (the floor of the scaled value is the bin away from edges: enough at this tolerance)
    expected = fastit.discrete_mutual_info(cx, cy, correction=None)
    assert got == pytest.approx(expected, abs=1e-9)


@pytest.mark.benchmark(group="nsb")
def test_nsb_many_outcomes(benchmark):
    labels = np.arange(10**5).repeat(2)
    fastit.discrete_entropy(labels[:100], correction="nsb")
    got = benchmark(fastit.discrete_entropy, labels, correction="nsb")
    assert got == pytest.approx(np.log(10**5), abs=0.01)
