"""fastit.torch: Gao et al.'s mixed estimator against the compiled core, and every public
estimator on hostile inputs (Python lists, sparse and meta tensors, gradients, half
precision, non-contiguous views, extreme magnitudes, the smallest n).

Local values are compared to 1e-12, which pins every neighbour count (see
test_torch_knn.py): on atoms the mixed estimator's k is the number of exact copies, so a
miscounted copy moves a local value by at least 1 / n.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import fastit  # noqa: E402
import fastit.torch as ft  # noqa: E402
from fastit.torch import neural_mi  # noqa: E402

# Hostile inputs include tied and integer data on purpose; the warning is checked in
# test_ties.py.
pytestmark = pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")


def _t(a: np.ndarray, device: str = "cpu", dtype: torch.dtype = torch.float64) -> torch.Tensor:
    return torch.as_tensor(a, dtype=dtype, device=device)


def _mixed_data(kind: str, n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    if kind == "continuous":
        x = rng.standard_normal((n, 2))
        return x, x[:, :1] + rng.standard_normal((n, 1))
    if kind == "discrete":  # every sample on an atom, joint copies included
        x = rng.integers(0, 4, (n, 1)).astype(float)
        return x, x + rng.integers(0, 3, (n, 1))
    if kind == "mixture":  # a continuous part and an atom at 0, y partly discrete
        x = rng.standard_normal((n, 1))
        x[: n // 3] = 0.0
        return x, np.maximum(x, 0.0) + rng.integers(0, 2, (n, 1))
    # "rounded": many ties in every column, few exact joint copies
    x = np.round(rng.standard_normal((n, 2)), 1)
    return x, np.round(x[:, :1] + rng.standard_normal((n, 1)), 1)


@pytest.mark.parametrize("kind", ["continuous", "discrete", "mixture", "rounded"])
@pytest.mark.parametrize("k", [1, 3])
@pytest.mark.parametrize("standardize", [True, False])
def test_mixed_equals_the_core(device: str, kind: str, k: int, standardize: bool) -> None:
    x, y = _mixed_data(kind, 300, seed=k)
    options = {"method": "mixed", "k": k, "standardize": standardize}
    want = fastit.mutual_info(x, y, local=True, **options)
    got = ft.mutual_info(_t(x, device), _t(y, device), local=True, **options)
    assert got.dtype == torch.float64
    assert got.device.type == device
    np.testing.assert_allclose(got.cpu().numpy(), want, rtol=0, atol=1e-12)
    total = ft.mutual_info(_t(x, device), _t(y, device), base=2, **options)
    assert total.shape == ()
    assert float(total) == pytest.approx(
        fastit.mutual_info(x, y, base=2, **options), rel=0, abs=1e-12
    )


def test_mixed_is_never_jittered_and_runs_in_float64(device: str) -> None:
    x, y = _mixed_data("rounded", 200, seed=2)
    tx, ty = _t(x, device), _t(y, device)
    a = ft.mutual_info(tx, ty, method="mixed", random_state=1, local=True)
    b = ft.mutual_info(tx, ty, method="mixed", random_state=2, local=True)
    assert torch.equal(a, b)  # no jitter, so no dependence on the seed
    # float32 input: the float32 values exactly, widened; no atoms made by rounding
    x32, y32 = tx.float(), ty.float()
    got = ft.mutual_info(x32, y32, method="mixed", local=True)
    want = fastit.mutual_info(
        x32.cpu().double().numpy(), y32.cpu().double().numpy(), method="mixed", local=True
    )
    np.testing.assert_allclose(got.cpu().numpy(), want, rtol=0, atol=1e-12)


def test_mixed_batches_and_lists_equal_their_members(device: str) -> None:
    rng = np.random.default_rng(3)
    xs = np.round(rng.standard_normal((3, 150, 2)), 1)
    xs[1] = rng.integers(0, 3, (150, 2))  # a discrete member: atoms only
    y = np.round(xs[0, :, :1] + rng.standard_normal((150, 1)), 1)
    got = ft.mutual_info(_t(xs, device), _t(y, device), method="mixed")
    want = [fastit.mutual_info(xs[b], y, method="mixed") for b in range(3)]
    np.testing.assert_allclose(got.cpu().numpy(), want, rtol=0, atol=1e-12)
    listed = ft.mutual_info(
        [_t(xs[0, :, :1], device), _t(xs[1], device)], _t(y, device), method="mixed"
    )
    want_list = [fastit.mutual_info(xs[0, :, :1], y, method="mixed"), want[1]]
    np.testing.assert_allclose(listed.cpu().numpy(), want_list, rtol=0, atol=1e-12)


def test_mixed_on_discrete_data_is_the_plug_in_with_digamma_counts() -> None:
    # Every sample on an atom with at least k copies: the estimate is a closed form of the
    # cell counts, psi(n_xy) + ln n - psi(n_x) - psi(n_y) averaged over the samples.
    x = np.repeat([0.0, 0.0, 1.0, 1.0], 25)[:, None]
    y = np.repeat([0.0, 1.0, 0.0, 1.0], 25)[:, None]
    y[:10] = 1.0  # cells (0, 0): 15, (0, 1): 35, (1, 0): 25, (1, 1): 25
    local = ft.mutual_info(_t(x), _t(y), method="mixed", local=True, k=3).numpy()
    from scipy.special import digamma

    n = 100
    for xv, yv in ((0, 0), (0, 1), (1, 0), (1, 1)):
        cell = (x[:, 0] == xv) & (y[:, 0] == yv)
        nxy, nx, ny = cell.sum(), (x[:, 0] == xv).sum(), (y[:, 0] == yv).sum()
        expected = digamma(nxy) + math.log(n) - digamma(nx) - digamma(ny)
        np.testing.assert_allclose(local[cell], expected, rtol=0, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(6, 60),
    k=st.integers(1, 4),
    levels=st.integers(1, 6),
    tile=st.integers(1, 400),
)
def test_mixed_properties_match_the_core(seed: int, n: int, k: int, levels: int, tile: int) -> None:
    # Few distinct values (levels) make atoms of every size, including fewer than k copies.
    rng = np.random.default_rng(seed)
    x = rng.integers(0, levels, (n, 2)) + np.where(rng.random((n, 2)) < 0.3, rng.random((n, 2)), 0)
    y = x[:, :1] + rng.integers(0, levels, (n, 1))
    want = fastit.mutual_info(x, y, method="mixed", k=k, local=True)
    got = ft.mutual_info(_t(x), _t(y), method="mixed", k=k, local=True, tile_size=tile)
    np.testing.assert_allclose(got.numpy(), want, rtol=0, atol=1e-12)
    swapped = ft.mutual_info(_t(y), _t(x), method="mixed", k=k, local=True, tile_size=tile)
    np.testing.assert_allclose(swapped.numpy(), got.numpy(), rtol=0, atol=1e-12)


def test_mixed_independent_continuous_gives_about_zero() -> None:
    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((3000, 1)), rng.standard_normal((3000, 1))
    assert abs(float(ft.mutual_info(_t(x), _t(y), method="mixed"))) < 0.02


def test_mixed_refuses_discrete_flags() -> None:
    with pytest.raises(ValueError, match="method='mixed' does not take x_discrete"):
        ft.mutual_info(torch.randn(20), torch.arange(20.0) % 3, method="mixed", y_discrete=True)


# --------------------------------------------------------------------------- hostile inputs

X = torch.randn(40, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
Y = X[:, :1] + torch.randn(40, 1, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
LABELS = torch.arange(40) % 3


def _n(a: torch.Tensor | list[float]) -> int:
    """Samples of a test input (40 for a 0-dim tensor, which every estimator refuses)."""
    if isinstance(a, list):
        return len(a)
    return a.shape[0] if a.ndim else 40


# Every public estimator of fastit.torch, as a call on one variable (the first argument).
ESTIMATORS = {
    "mutual_info": lambda a: ft.mutual_info(a, Y[: _n(a)]),
    "mutual_info ksg2": lambda a: ft.mutual_info(a, Y[: _n(a)], method="ksg2"),
    "mutual_info mixed": lambda a: ft.mutual_info(a, Y[: _n(a)], method="mixed"),
    "mutual_info binned": lambda a: ft.mutual_info(a, Y[: _n(a)], method="binned"),
    "mutual_info ross": lambda a: ft.mutual_info(a, LABELS[: _n(a)], y_discrete=True),
    "conditional_mutual_info": lambda a: ft.conditional_mutual_info(a, Y[: _n(a)], Y[: _n(a)]),
    "differential_entropy": lambda a: ft.differential_entropy(a),
    "differential_entropy histogram": lambda a: ft.differential_entropy(a, method="histogram"),
    "binned_entropy": lambda a: ft.binned_entropy(a),
    "discrete_entropy": lambda a: ft.discrete_entropy(a),
    "knn_distances": lambda a: ft.knn_distances(a, 1),
    "count_neighbors": lambda a: ft.count_neighbors(a, torch.ones(_n(a), dtype=torch.float64)),
    "mutual_info_test": lambda a: ft.mutual_info_test(a, Y[: _n(a)], n_permutations=3),
}


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_python_lists_of_numbers_are_refused_clearly(name: str) -> None:
    # A list is the batch form (one tensor per problem), so a list of numbers is not
    # guessed at: a TypeError says how to pass one variable.
    with pytest.raises(TypeError, match=r"torch\.(as_)?tensor\(") as err:
        ESTIMATORS[name](X[:, 0].tolist())
    assert "list" in str(err.value) or "float" in str(err.value)


@pytest.mark.filterwarnings("ignore:Sparse CSR tensor support is in beta")
@pytest.mark.parametrize("name", list(ESTIMATORS))
@pytest.mark.parametrize("layout", ["coo", "csr"])
def test_sparse_tensors_are_refused_with_to_dense(name: str, layout: str) -> None:
    sparse = X.to_sparse() if layout == "coo" else X.to_sparse_csr()
    with pytest.raises(TypeError, match=r"sparse tensor .*\.to_dense\(\)"):
        ESTIMATORS[name](sparse)


def test_sparse_members_radii_and_scores_are_refused() -> None:
    with pytest.raises(TypeError, match=r"x\[1\] is a sparse tensor"):
        ft.mutual_info([X, X.to_sparse()], Y)
    with pytest.raises(TypeError, match=r"radii is a sparse tensor"):
        ft.count_neighbors(X, torch.ones(40, dtype=torch.float64).to_sparse())
    with pytest.raises(TypeError, match=r"scores is a sparse tensor"):
        ft.infonce_bound(torch.eye(3).to_sparse())
    with pytest.raises(TypeError, match=r"scores_joint is a sparse tensor"):
        ft.dv_bound(torch.ones(3).to_sparse(), torch.ones(3))
    with pytest.raises(TypeError, match=r"x is a sparse tensor"):
        ft.estimate_mutual_info(X.to_sparse(), Y, steps=1, progress=False)


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_meta_tensors_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="meta device"):
        ESTIMATORS[name](torch.zeros(40, 2, dtype=torch.float64, device="meta"))


def _values(result: object) -> np.ndarray:
    """An estimator's result as an array (a permutation test's: its statistic)."""
    return np.asarray(torch.as_tensor(getattr(result, "statistic", result)))


def _same(a: object, b: object) -> bool:
    return bool(np.array_equal(_values(a), _values(b)))


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_views_and_gradients_change_nothing(name: str) -> None:
    call = ESTIMATORS[name]
    plain = call(X)
    assert _same(call(X.clone().requires_grad_(True)), plain)
    transposed = X.T.contiguous().T  # a non-contiguous view of the same values
    assert not transposed.is_contiguous()
    assert _same(call(transposed), plain)
    strided = torch.repeat_interleave(X, 2, dim=0)[::2]
    assert _same(call(strided), plain)


@pytest.mark.parametrize("name", [n for n in ESTIMATORS if n != "mutual_info_test"])
@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_half_precision_is_widened_to_float32(name: str, dtype: torch.dtype) -> None:
    half = X.to(dtype)
    got = ESTIMATORS[name](half)
    want = ESTIMATORS[name](half.float())
    assert _same(got, want)


@pytest.mark.parametrize("name", [n for n in ESTIMATORS if "histogram" not in n])
def test_integer_and_boolean_tensors_are_widened_to_float64(name: str) -> None:
    for a in ((X * 4).long(), (X * 4).int(), X > 0):
        got = ESTIMATORS[name](a)
        want = ESTIMATORS[name](a.double())
        assert _same(got, want)


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_empty_zero_dim_and_non_finite_inputs_raise(name: str) -> None:
    call = ESTIMATORS[name]
    for bad, fragment in (
        (torch.zeros(0, 2, dtype=torch.float64), "empty"),
        (torch.zeros(40, 0, dtype=torch.float64), "empty"),
        (torch.tensor(1.0, dtype=torch.float64), r"shape \(\)"),
    ):
        with pytest.raises(ValueError, match=fragment):
            call(bad)
    nan = X.clone()
    nan[3, 1] = math.nan
    with pytest.raises(ValueError, match="NaN"):
        call(nan)
    if name != "discrete_entropy":  # inf is a label like any other
        inf = X.clone()
        inf[5, 0] = -math.inf
        with pytest.raises(ValueError, match="infinite"):
            call(inf)


@pytest.mark.parametrize(
    "name", [n for n in ESTIMATORS if n not in ("count_neighbors", "mutual_info binned")]
)
def test_the_smallest_n(name: str) -> None:
    # k-NN methods need n > k (k = 3; k = 1 for knn_distances): n = k is refused.
    call = ESTIMATORS[name]
    if name in ("binned_entropy", "discrete_entropy"):
        assert math.isfinite(float(call(X[:1])))
        return
    if name == "differential_entropy histogram":  # one sample: constant columns, no density
        assert float(call(X[:1])) == -math.inf
        return
    # k = 1 for knn_distances; the test's k="auto" shrinks with n (fastit.stats.auto_k)
    k = 1 if name in ("knn_distances", "mutual_info_test") else 3
    with pytest.raises(ValueError, match=r"k=\d+ needs more than k samples|at least 2"):
        call(X[:k])
    assert np.isfinite(_values(call(X[: k + 1]))).all()


def test_extreme_magnitudes_equal_the_core() -> None:
    rng = np.random.default_rng(5)
    signs = np.where(rng.random((60, 2)) < 0.5, 1.0, -1.0)
    huge = signs * 1e308 * rng.uniform(0.5, 1.0, (60, 2))
    tiny = rng.standard_normal((60, 2)) * 1e-310  # subnormal
    y = rng.standard_normal((60, 1))
    for a, standardize in ((huge, True), (tiny, False)):
        for method in ("ksg1", "ksg2", "mixed"):
            options = {"method": method, "local": True, "standardize": standardize}
            got = ft.mutual_info(_t(a), _t(y), **options).numpy()
            np.testing.assert_allclose(got, fastit.mutual_info(a, y, **options), rtol=0, atol=1e-12)
            # a spread below 1e-308 has no finite inverse: refused, as by the core
            with pytest.raises(ValueError, match="cannot be standardised"):
                ft.mutual_info(_t(tiny), _t(y), method=method)
        got_h = ft.differential_entropy(_t(a)).item()
        with np.errstate(over="ignore"):  # the core's constant-column check, np.ptp, overflows
            want_h = fastit.differential_entropy(a)
        assert got_h == pytest.approx(want_h, rel=1e-14)
        assert np.array_equal(
            ft.knn_distances(_t(a), 2).numpy(), fastit.neighbors.knn_distances(a, 2)
        )


@pytest.mark.filterwarnings("ignore::fastit.EstimationWarning")  # 20 steps: barely trained
def test_neural_estimates_are_scale_free_down_to_subnormals_and_up_to_1e308(
    one_torch_thread: None,
) -> None:
    # Standardising divides by each column's magnitude first: no overflow to inf (which
    # made training "diverge") and no underflow of a subnormal column to a constant.
    x, y = X.float(), Y.float()
    options = {"steps": 20, "batch_size": 16, "progress": False, "random_state": 3}
    plain = neural_mi.estimate_mutual_info(x, y, **options)
    for scale in (1e307, 1e-310):
        scaled = neural_mi.estimate_mutual_info(X * scale, Y, **options)
        assert scaled.value == pytest.approx(plain.value, abs=1e-6)
    signs = torch.where(X > 0, 1.0, -1.0).double()
    assert math.isfinite(neural_mi.estimate_mutual_info(signs * 1e308, Y, **options).value)


@pytest.mark.filterwarnings("ignore::fastit.EstimationWarning")  # 5 steps: untrained
def test_neural_estimates_take_lists_of_numbers(one_torch_thread: None) -> None:
    # estimate_mutual_info takes array-likes (it has no batch form): a list is one variable.
    options = {"steps": 5, "batch_size": 8, "progress": False}
    a = neural_mi.estimate_mutual_info(X[:, 0].tolist(), Y[:, 0].tolist(), **options)
    b = neural_mi.estimate_mutual_info(X[:, 0], Y[:, 0], **options)
    assert a.value == b.value


@pytest.mark.parametrize(
    "call",
    [
        lambda a: ft.entropy(a),
        lambda a: ft.cross_entropy(a, torch.ones(3, dtype=torch.float64)),
        lambda a: ft.kl_divergence(torch.ones(3, dtype=torch.float64), a),
        lambda a: ft.js_divergence(a, a),
    ],
)
def test_distribution_measures_refuse_sparse_and_meta_tensors(call) -> None:
    dense = torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64)
    with pytest.raises(TypeError, match=r"to_dense\(\)"):
        call(dense.to_sparse())
    with pytest.raises(ValueError, match="meta device"):
        call(torch.empty(3, dtype=torch.float64, device="meta"))
    assert torch.isfinite(call(dense)).all()
