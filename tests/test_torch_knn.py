"""fastit.torch's k-NN estimators against the compiled core, on every available device.

Local (per-sample) values are compared to 1e-12: two different neighbour counts c != c'
change a local value by at least psi(c + 1) - psi(c) = 1 / c >= 1 / n, so agreement to
1e-12 means every count is identical to the core's; only the digamma implementation and
the order of the final sum differ.
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
from fastit import neighbors  # noqa: E402

# Tied data are fed on purpose, to check the jitter against the core's.
pytestmark = pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")


def _data(n: int, dx: int, dy: int, seed: int = 0, ties: bool = False) -> tuple[np.ndarray, ...]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, dx))
    y = 0.7 * x[:, :1] + rng.standard_normal((n, dy))
    if ties:  # rounding leaves many repeated values in every column
        x, y = np.round(x, 1), np.round(y, 1)
    return x, y


def _t(a: np.ndarray, device: str, dtype: torch.dtype = torch.float64) -> torch.Tensor:
    return torch.as_tensor(a, dtype=dtype, device=device)


@pytest.mark.parametrize("d", [1, 2, 4])
@pytest.mark.parametrize("tile_size", [None, 1, 37])
def test_neighbour_queries_equal_the_core(device: str, d: int, tile_size: int | None) -> None:
    rng = np.random.default_rng(d)
    pts = np.round(rng.standard_normal((150, d)), 1)  # ties: distances of 0 and repeats
    for k in (1, 4):
        expected = neighbors.knn_distances(pts, k)
        got = ft.knn_distances(_t(pts, device), k, tile_size=tile_size)
        assert np.array_equal(got.cpu().numpy(), expected)
        radii = expected.copy()
        radii[::5] = 0.0
        for strict in (True, False):
            want = neighbors.count_neighbors(pts, radii, strict=strict)
            counts = ft.count_neighbors(
                _t(pts, device), _t(radii, device), strict=strict, tile_size=tile_size
            )
            assert counts.dtype == torch.int64
            assert np.array_equal(counts.cpu().numpy(), want)


def test_counts_compare_rounded_differences_not_shifted_bounds(device: str) -> None:
    # DESIGN.md: x_i + r rounds. Here 0.1 + 0.2 > 0.3 in floating point, and the pair at
    # distance fl(0.3 - 0.1) = 0.19999999999999998 < 0.2 counts strictly inside 0.2.
    pts = np.array([0.1, 0.3, 0.7])
    radii = np.array([0.2, 0.2, 0.2])
    want = neighbors.count_neighbors(pts, radii, strict=True)
    got = ft.count_neighbors(_t(pts, device), _t(radii, device), strict=True)
    assert got.tolist() == want.tolist() == [1, 1, 0]


@pytest.mark.parametrize("method", ["ksg1", "ksg2"])
@pytest.mark.parametrize(("dx", "dy"), [(1, 1), (2, 3)])
@pytest.mark.parametrize("ties", [False, True])
@pytest.mark.parametrize("standardize", [True, False])
def test_ksg_equals_the_core(
    device: str, method: str, dx: int, dy: int, ties: bool, standardize: bool
) -> None:
    x, y = _data(400, dx, dy, seed=dx + dy, ties=ties)
    options = {"k": 3, "method": method, "standardize": standardize, "random_state": 5}
    want_local = fastit.mutual_info(x, y, local=True, **options)
    got_local = ft.mutual_info(_t(x, device), _t(y, device), local=True, **options)
    np.testing.assert_allclose(got_local.cpu().numpy(), want_local, rtol=0, atol=1e-12)
    got = ft.mutual_info(_t(x, device), _t(y, device), **options)
    assert got.shape == ()
    assert got.dtype == torch.float64
    assert got.device.type == device
    assert float(got) == pytest.approx(fastit.mutual_info(x, y, **options), rel=0, abs=1e-12)


def test_ties_follow_random_state_like_the_core(device: str) -> None:
    x, y = _data(300, 1, 1, ties=True)
    a = ft.mutual_info(_t(x, device), _t(y, device), random_state=1)
    b = ft.mutual_info(_t(x, device), _t(y, device), random_state=2)
    assert float(a) != float(b)  # the jitter differs...
    assert float(b) == pytest.approx(fastit.mutual_info(x, y, random_state=2), abs=1e-13)


def test_tile_size_does_not_change_anything(device: str) -> None:
    x, y = _data(257, 2, 1)
    tx, ty = _t(x, device), _t(y, device)
    for method in ("ksg1", "ksg2"):
        results = [
            ft.mutual_info(tx, ty, method=method, local=True, tile_size=t)
            for t in (None, 1, 5, 1000, 10**9)
        ]
        for r in results[1:]:
            assert torch.equal(r, results[0])


def test_conditional_mutual_info_equals_the_core(device: str) -> None:
    rng = np.random.default_rng(3)
    z = rng.standard_normal((300, 1))
    x = z + 0.5 * rng.standard_normal((300, 2))
    y = np.round(z + 0.5 * rng.standard_normal((300, 1)), 1)
    want = fastit.conditional_mutual_info(x, y, z, k=4, local=True)
    got = ft.conditional_mutual_info(_t(x, device), _t(y, device), _t(z, device), k=4, local=True)
    np.testing.assert_allclose(got.cpu().numpy(), want, rtol=0, atol=1e-12)


@pytest.mark.parametrize("d", [1, 3])
def test_kozachenko_leonenko_entropy_equals_the_core(device: str, d: int) -> None:
    rng = np.random.default_rng(d)
    x = rng.standard_normal((500, d)) * np.arange(1, d + 1)
    x[:50, 0] = x[50:100, 0]  # duplicated values in one column: jittered by the core
    want = fastit.differential_entropy(x, k=2, local=True)
    got = ft.differential_entropy(_t(x, device), k=2, local=True)
    np.testing.assert_allclose(got.cpu().numpy(), want, rtol=0, atol=1e-12)
    total = ft.differential_entropy(_t(x, device), k=2, base=2)
    assert float(total) == pytest.approx(fastit.differential_entropy(x, k=2, base=2), abs=1e-12)


def test_entropy_of_a_constant_column_is_minus_infinity(device: str) -> None:
    x = np.column_stack([np.arange(10.0), np.full(10, 2.0)])
    assert float(ft.differential_entropy(_t(x, device))) == -math.inf
    assert fastit.differential_entropy(x) == -math.inf


def test_ross_estimator_equals_the_core(device: str) -> None:
    rng = np.random.default_rng(4)
    labels = rng.integers(0, 4, 300)
    labels[:3] = [7, 8, 9]  # labels that occur once: left out (NaN local values)
    labels[3:5] = 11  # a label with 2 samples: k capped at 1
    x = labels[:, None] + rng.standard_normal((300, 2))
    want = fastit.mutual_info(x, labels, y_discrete=True, k=3, local=True)
    got = ft.mutual_info(_t(x, device), _t(labels, device), y_discrete=True, k=3, local=True)
    got_np = got.cpu().numpy()
    assert np.array_equal(np.isnan(got_np), np.isnan(want))
    np.testing.assert_allclose(got_np, want, rtol=0, atol=1e-12)
    flipped = ft.mutual_info(_t(labels, device), _t(x, device), x_discrete=True, k=3)
    assert float(flipped) == pytest.approx(fastit.mutual_info(x, labels, y_discrete=True, k=3))


def test_a_batch_equals_its_members(device: str) -> None:
    rng = np.random.default_rng(6)
    xs = rng.standard_normal((4, 200, 2))
    xs[1] = np.round(xs[1], 1)  # one member with ties
    y = xs[0, :, :1] + rng.standard_normal((200, 1))
    got = ft.mutual_info(_t(xs, device), _t(y, device), method="ksg2")
    assert got.shape == (4,)
    want = [fastit.mutual_info(xs[b], y, method="ksg2") for b in range(4)]
    np.testing.assert_allclose(got.cpu().numpy(), want, rtol=0, atol=1e-12)
    local = ft.mutual_info(_t(xs, device), _t(y, device), local=True)
    assert local.shape == (4, 200)


def test_a_list_of_layers_of_any_width(device: str) -> None:
    rng = np.random.default_rng(7)
    y = rng.standard_normal(250)
    layers = [y[:, None] + rng.standard_normal((250, w)) for w in (3, 1, 3, 5)]
    got = ft.mutual_info([_t(a, device) for a in layers], _t(y, device))
    assert got.shape == (4,)
    want = [fastit.mutual_info(a, y) for a in layers]
    np.testing.assert_allclose(got.cpu().numpy(), want, rtol=0, atol=1e-12)
    entropies = ft.differential_entropy([_t(a, device) for a in layers])
    want_h = [fastit.differential_entropy(a) for a in layers]
    np.testing.assert_allclose(entropies.cpu().numpy(), want_h, rtol=0, atol=1e-12)


def test_float32_path_agrees_within_float32_precision(device: str) -> None:
    x, y = _data(500, 2, 2, seed=8)
    want = fastit.mutual_info(x, y)
    x32, y32 = _t(x, device, torch.float32), _t(y, device, torch.float32)
    got = ft.mutual_info(x32, y32)
    assert got.dtype == torch.float64  # the estimate itself is summed in float64
    assert float(got) == pytest.approx(
        fastit.mutual_info(x32.cpu().double().numpy(), y32.cpu().double().numpy()), abs=1e-4
    )
    assert float(got) == pytest.approx(want, abs=1e-3)


def test_integer_and_half_inputs_are_widened(device: str) -> None:
    rng = np.random.default_rng(9)
    x = rng.integers(0, 50, (200, 1))
    y = x + rng.integers(0, 20, (200, 1))
    got = ft.mutual_info(_t(x, device, torch.int64), _t(y, device, torch.int32))
    assert float(got) == pytest.approx(fastit.mutual_info(x, y), abs=1e-13)
    half = ft.mutual_info(_t(x, device, torch.float16), _t(y, device, torch.float16))
    assert float(half) == pytest.approx(float(got), abs=1e-3)


def test_inputs_that_require_grad_are_detached(device: str) -> None:
    x = torch.randn(100, 2, dtype=torch.float64, device=device, requires_grad=True)
    value = ft.mutual_info(x, x[:, 0] ** 2)
    assert not value.requires_grad


def test_gaussian_closed_form_large_n() -> None:
    rng = np.random.default_rng(10)
    rho = 0.8
    x = rng.standard_normal(4000)
    y = rho * x + math.sqrt(1 - rho**2) * rng.standard_normal(4000)
    truth = -0.5 * math.log(1 - rho**2)
    got = ft.mutual_info(torch.from_numpy(x), torch.from_numpy(y), k=5)
    assert float(got) == pytest.approx(truth, abs=0.03)
    bits = ft.mutual_info(torch.from_numpy(x), torch.from_numpy(y), k=5, base=2)
    assert float(bits) == pytest.approx(float(got) / math.log(2), rel=1e-12)


@pytest.mark.parametrize("method", ["ksg1", "ksg2", "mixed", "binned"])
def test_permutation_null_equals_the_numpy_test(device: str, method: str) -> None:
    x, y = _data(120, 1, 2, seed=11, ties=method in ("ksg1", "mixed"))
    options = {"method": method, "n_permutations": 70, "random_state": 3, "bins": 6}
    want = fastit.stats.mutual_info_test(x, y, **options)
    got = ft.mutual_info_test(_t(x, device), _t(y, device), **options)
    assert got.statistic == pytest.approx(want.statistic, rel=0, abs=1e-12)
    np.testing.assert_allclose(got.null_distribution, want.null_distribution, rtol=0, atol=1e-13)
    assert got.pvalue == want.pvalue


def test_permutation_test_rejects_dependence_only() -> None:
    rng = np.random.default_rng(12)
    x = torch.from_numpy(rng.standard_normal(200))
    dependent = ft.mutual_info_test(
        x, x + torch.from_numpy(rng.standard_normal(200)), n_permutations=99
    )
    assert dependent.pvalue == 0.01
    independent = ft.mutual_info_test(
        x, torch.from_numpy(rng.standard_normal(200)), n_permutations=99
    )
    assert independent.pvalue > 0.05


@pytest.mark.parametrize(
    ("call", "error", "fragment"),
    [
        (lambda: ft.mutual_info(np.zeros(10), torch.zeros(10)), TypeError, "torch.Tensor"),
        (lambda: ft.mutual_info(torch.zeros(2, 3, 4, 5), torch.zeros(3)), ValueError, "shape"),
        (lambda: ft.mutual_info(torch.zeros(10), torch.zeros(11)), ValueError, "11 samples"),
        (lambda: ft.mutual_info(torch.zeros(0), torch.zeros(0)), ValueError, "empty"),
        (
            lambda: ft.mutual_info(torch.zeros(10), torch.zeros(10, device="meta")),
            ValueError,
            "meta device",
        ),
        (
            lambda: ft.mutual_info(torch.tensor([1.0, math.nan, 2.0]), torch.zeros(3)),
            ValueError,
            "NaN",
        ),
        (lambda: ft.mutual_info(torch.randn(5), torch.randn(5), k=5), ValueError, "k <= 4"),
        (
            lambda: ft.mutual_info(torch.randn(9), torch.randn(9), method="kde"),
            ValueError,
            "method",
        ),
        (
            lambda: ft.mutual_info(torch.randn(9), torch.randn(9), tile_size=0),
            ValueError,
            "tile_size",
        ),
        (
            lambda: ft.mutual_info(torch.randn(2, 9, 1), torch.randn(3, 9, 1)),
            ValueError,
            "batch of 2",
        ),
        (
            lambda: ft.mutual_info(torch.randn(9), torch.randn(9), method="binned", local=True),
            ValueError,
            "local",
        ),
        (
            lambda: ft.mutual_info(torch.randn(5), torch.arange(5.0), y_discrete=True, k=1),
            ValueError,
            "occurs once",
        ),
        (
            lambda: ft.mutual_info(torch.randn(5, dtype=torch.complex64), torch.randn(5)),
            TypeError,
            "real",
        ),
        (
            lambda: ft.mutual_info([torch.randn(9)], [torch.randn(9)] * 2),
            ValueError,
            "different lengths",
        ),
        (
            lambda: ft.mutual_info([torch.randn(9), torch.randn(8)], torch.randn(9)),
            ValueError,
            "x\\[1\\] has 8 samples",
        ),
        (lambda: ft.count_neighbors(torch.randn(5), torch.full((4,), 1.0)), ValueError, "radii"),
        (
            lambda: ft.count_neighbors(torch.randn(5), torch.full((5,), -1.0)),
            ValueError,
            "negative",
        ),
        (
            lambda: ft.mutual_info_test(torch.randn(2, 9, 1), torch.randn(9)),
            ValueError,
            "one pair",
        ),
    ],
)
def test_bad_input_raises_a_clear_error(call, error: type, fragment: str) -> None:
    with pytest.raises(error, match=fragment):
        call()


@pytest.mark.cuda
def test_inputs_on_two_devices_raise() -> None:
    with pytest.raises(ValueError, match="one device"):
        ft.mutual_info(torch.zeros(10), torch.zeros(10, device="cuda"))


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(8, 60),
    k=st.integers(1, 4),
    tile=st.integers(1, 500),
    method=st.sampled_from(["ksg1", "ksg2"]),
)
def test_properties_match_the_core(seed: int, n: int, k: int, tile: int, method: str) -> None:
    rng = np.random.default_rng(seed)
    x = np.round(rng.standard_normal((n, 2)), 1)
    y = x[:, :1] + np.round(rng.standard_normal((n, 1)), 1)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    got = ft.mutual_info(tx, ty, k=k, method=method, tile_size=tile, local=True)
    want = fastit.mutual_info(x, y, k=k, method=method, local=True)
    np.testing.assert_allclose(got.numpy(), want, rtol=0, atol=1e-12)
    # Symmetric in x and y, and invariant to the order of the samples.
    swapped = ft.mutual_info(ty, tx, k=k, method=method, tile_size=tile, local=True)
    np.testing.assert_allclose(swapped.numpy(), got.numpy(), rtol=0, atol=1e-12)
    # Invariant to the order of the samples (on tie-free data: the jitter of ties goes
    # with the position).
    free_x, free_y = rng.standard_normal((n, 2)), rng.standard_normal((n, 1))
    order = rng.permutation(n)
    a = ft.mutual_info(torch.from_numpy(free_x), torch.from_numpy(free_y), k=k, method=method)
    b = ft.mutual_info(
        torch.from_numpy(free_x[order]), torch.from_numpy(free_y[order]), k=k, method=method
    )
    assert float(a) == pytest.approx(float(b), abs=1e-12)


@pytest.mark.parametrize("d", [1, 2, 5])
def test_both_tile_builders_give_the_same_distances(device: str, d: int) -> None:
    from fastit.torch._neighbours import max_norm

    g = torch.Generator().manual_seed(d)
    q = torch.randn(2, 30, d, generator=g, dtype=torch.float64).to(device)
    p = torch.randn(2, 40, d, generator=g, dtype=torch.float64).to(device)
    reference = (q[:, :, None, :] - p[:, None, :, :]).abs().amax(dim=3)
    assert torch.equal(max_norm(q, p, by_dimension=True), reference)
    assert torch.equal(max_norm(q, p, by_dimension=False), reference)


def test_batches_wider_than_one_core_call_settle_ties_like_the_core() -> None:
    # 3 problems x 1500 columns: the host preparation takes them in groups of 4096.
    rng = np.random.default_rng(13)
    xs = np.round(rng.standard_normal((3, 60, 1500)), 1)
    y = rng.standard_normal((60, 1))
    got = ft.mutual_info(torch.from_numpy(xs), torch.from_numpy(y)).numpy()
    want = [fastit.mutual_info(xs[b], y) for b in range(3)]
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
