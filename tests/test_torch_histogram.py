"""fastit.torch._histogram: binned and label kernels against the NumPy estimators, per problem.

Every problem b of a batch must give what fastit.mutual_info(..., method="binned"),
fastit.differential_entropy(..., method="histogram") and fastit.discrete give for x[b], to
1e-12: the same edges, the same counts, the same correction. A single sample in another bin
changes a plug-in estimate by far more than 1e-12 at these sizes, so agreement means equal
counts.
"""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

import fastit  # noqa: E402
from fastit import discrete as npd  # noqa: E402
from fastit._entropy_estimators import entropy_from_counts, joint_outcomes  # noqa: E402
from fastit.binned import column_codes, variable  # noqa: E402
from fastit.binning import bin_edges_per_column, bins_per_column  # noqa: E402
from fastit.torch import _histogram as th  # noqa: E402

# The NumPy references use small samples with many bins, where fastit.mutual_info warns
# that the estimate measures the bins (tested in test_binned.py).
pytestmark = pytest.mark.filterwarnings("ignore:the bins leave:fastit.EstimationWarning")

CORRECTIONS = [None, "miller-madow", "grassberger", "jackknife", "chao-shen", "nsb"]
TOL = 1e-12
PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _t(a: np.ndarray, device: str, dtype: torch.dtype | None = torch.float64) -> torch.Tensor:
    return torch.as_tensor(a, dtype=dtype, device=device)


def _pair(b: int, n: int, dx: int, dy: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """B problems that differ: scale, offset and coupling change with b."""
    rng = np.random.default_rng(seed)
    scale = (1.0 + np.arange(b))[:, None, None]
    x = rng.standard_normal((b, n, dx)) * scale + np.arange(b)[:, None, None]
    coupling = np.linspace(0.0, 2.0, b)[:, None, None]
    y = coupling * x[:, :, :1] / scale + rng.standard_normal((b, n, dy))
    return x, y


def _numpy_mi(x: np.ndarray, y: np.ndarray, bins: object, correction: str | None) -> np.ndarray:
    return np.array(
        [
            fastit.mutual_info(x[b], y[b], method="binned", bins=bins, correction=correction)
            for b in range(x.shape[0])
        ]
    )


def _numpy_h(x: np.ndarray, bins: object, correction: str | None) -> np.ndarray:
    # The histogram estimate itself: fastit.differential_entropy returns -inf for a
    # constant column before binning.
    from fastit.binned import histogram_entropy

    return np.array(
        [
            histogram_entropy(np.ascontiguousarray(x[b], dtype=np.float64), bins, correction)
            for b in range(x.shape[0])
        ]
    )


def _numpy_mixed(
    cont: np.ndarray, labels: np.ndarray, bins: object, correction: str | None
) -> float:
    """The binned continuous variable's joint codes against the labels, with fastit.discrete;
    for NSB the binned variable's alphabet is its number of cells (as in fastit.binned)."""
    edges = bin_edges_per_column(cont, bins, "x")
    sizes = [len(e) - 1 for e in edges]
    codes, cells = (lambda v: (v.codes, v.alphabet))(variable(column_codes(cont, edges), sizes))
    if correction != "nsb":
        return npd.discrete_mutual_info(codes, labels, correction=correction)
    labels2 = labels.reshape(len(labels), -1)
    symbols = np.unique(labels2, axis=0, return_inverse=True)[1].reshape(-1)
    m = int(symbols.max()) + 1

    def h(c: np.ndarray, k: object) -> float:
        return entropy_from_counts(np.unique(c, axis=0, return_counts=True)[1], "nsb", k)

    joint = h(np.column_stack([codes, symbols]), joint_outcomes([cells, m]))
    return h(codes, cells) + h(symbols, m) - joint


def _check(got: torch.Tensor, want: np.ndarray, device: str) -> None:
    assert got.dtype == torch.float64
    assert got.shape == (len(want),)
    assert got.device.type == torch.device(device).type
    np.testing.assert_allclose(got.cpu().numpy(), want, rtol=0, atol=TOL)


# ---------------------------------------------------------------------------- binned MI


@pytest.mark.parametrize("correction", CORRECTIONS)
@pytest.mark.parametrize("bins", [1, 2, 7, 64, 300])
def test_int_bins_equal_numpy(device, bins, correction):
    x, y = _pair(4, 400, 1, 1, seed=1)
    got = th.binned_mutual_info(_t(x, device), _t(y, device), bins=bins, correction=correction)
    _check(got, _numpy_mi(x, y, bins, correction), device)


@pytest.mark.parametrize("correction", CORRECTIONS)
@pytest.mark.parametrize("bins", ["sturges", "sqrt", "rice", "fd", "scott", "auto", "doane"])
def test_rules_equal_numpy(device, bins, correction):
    x, y = _pair(3, 500, 1, 1, seed=2)
    y[1] = np.exp(y[1])  # skewed: doane and fd choose differently from sturges
    got = th.binned_mutual_info(_t(x, device), _t(y, device), bins=bins, correction=correction)
    _check(got, _numpy_mi(x, y, bins, correction), device)


@pytest.mark.parametrize("bins", ["stone", "quantile"])
def test_host_rules_equal_numpy(device, bins):
    x, y = _pair(3, 200, 2, 1, seed=3)
    if bins == "quantile":
        y = np.round(y, 1)  # ties: repeated quantile edges merge
    for correction in (None, "miller-madow", "nsb"):
        got = th.binned_mutual_info(_t(x, device), _t(y, device), bins=bins, correction=correction)
        _check(got, _numpy_mi(x, y, bins, correction), device)
        got = th.histogram_entropy(_t(x, device), bins=bins, correction=correction)
        _check(got, _numpy_h(x, bins, correction), device)


# NSB warns that joint cells seen once each (3 columns, 200 samples) do not constrain it.
@pytest.mark.filterwarnings("ignore::fastit.EstimationWarning")
@pytest.mark.parametrize("correction", CORRECTIONS)
@pytest.mark.parametrize("bins", [5, "sturges", "fd", [[-50.0, -1.0, 0.0, 1.0, 50.0], "rice", 4]])
def test_multicolumn_variables_equal_numpy(device, bins, correction):
    x, y = _pair(3, 300, 3, 3, seed=4)
    y[:, :, 1] = np.round(y[:, :, 1])  # a column with few distinct values
    got = th.binned_mutual_info(_t(x, device), _t(y, device), bins=bins, correction=correction)
    _check(got, _numpy_mi(x, y, bins, correction), device)


def test_different_widths_of_x_and_y(device):
    x, y = _pair(2, 300, 3, 1, seed=5)
    for bins in (6, "sqrt", "scott"):
        got = th.binned_mutual_info(_t(x, device), _t(y, device), bins=bins, correction=None)
        _check(got, _numpy_mi(x, y, bins, None), device)


@pytest.mark.parametrize("correction", CORRECTIONS)
def test_explicit_edges_equal_numpy(device, correction):
    x, y = _pair(3, 300, 1, 1, seed=6)
    edges = [-20.0, -2.0, -0.5, 0.0, 0.1, 1.0, 3.0, 25.0]  # unequal widths
    want = _numpy_mi(x, y, edges, correction)
    for spec in (edges, np.array(edges), _t(np.array(edges), device)):
        got = th.binned_mutual_info(_t(x, device), _t(y, device), bins=spec, correction=correction)
        _check(got, want, device)
    got = th.histogram_entropy(_t(x, device), bins=edges, correction=correction)
    _check(got, _numpy_h(x, edges, correction), device)


def test_shared_edges_for_every_column_and_per_column_specs(device):
    x, y = _pair(2, 300, 2, 2, seed=7)
    edges = np.linspace(-30.0, 30.0, 13)
    per_column = [edges, edges]  # what fastit.binning asks for when d > 1
    for correction in (None, "chao-shen"):
        want = _numpy_mi(x, y, per_column, correction)
        got = th.binned_mutual_info(_t(x, device), _t(y, device), bins=edges, correction=correction)
        _check(got, want, device)
        got = th.binned_mutual_info(
            _t(x, device), _t(y, device), bins=per_column, correction=correction
        )
        _check(got, want, device)
    mixed_specs = [np.array([-30.0, -1.0, 0.0, 2.0, 30.0]), "sturges"]
    got = th.histogram_entropy(_t(x, device), bins=mixed_specs, correction="miller-madow")
    _check(got, _numpy_h(x, mixed_specs, "miller-madow"), device)


def test_values_on_the_edges_last_bin_closed(device):
    rng = np.random.default_rng(8)
    edges = np.array([0.0, 0.25, 0.5, 0.75, 1.0])
    x = rng.choice(edges, size=(2, 200, 1))  # every value on an edge, both ends included
    y = rng.choice(edges, size=(2, 200, 1))
    x[:, :2, 0], y[:, :2, 0] = [0.0, 1.0], [1.0, 0.0]
    for bins in (edges, 4):
        got = th.binned_mutual_info(_t(x, device), _t(y, device), bins=bins, correction=None)
        _check(got, _numpy_mi(x, y, bins, None), device)
    got = th.histogram_entropy(_t(x, device), bins=edges, correction=None)
    _check(got, _numpy_h(x, edges, None), device)


def test_samples_outside_explicit_edges_raise(device):
    x, y = _pair(2, 100, 1, 1, seed=9)
    edges = [-1.0, 0.0, 1.0]
    with pytest.raises(ValueError, match="outside the bin edges"):
        th.binned_mutual_info(_t(x, device), _t(y, device), bins=edges, correction=None)
    inside = np.clip(x, -1.0, 1.0)
    with pytest.raises(ValueError, match="y has values in"):
        th.binned_mutual_info(_t(inside, device), _t(y, device), bins=edges, correction=None)
    with pytest.raises(ValueError, match="outside the bin edges"):
        th.histogram_entropy(_t(x, device), bins=edges, correction=None)
    # One problem out of range is enough, even when the others fit.
    partly = inside.copy()
    partly[1, 5, 0] = 1.5
    clipped_y = np.clip(y, -1.0, 1.0)
    with pytest.raises(ValueError, match="outside the bin edges"):
        th.binned_mutual_info(
            _t(partly, device), _t(clipped_y, device), bins=edges, correction=None
        )


@pytest.mark.parametrize(
    ("bins", "error", "match"),
    [
        (0, ValueError, "at least 1"),
        (True, TypeError, "not True"),
        ("nope", ValueError, "bins must be an int"),
        ([0.0, 1.0, 1.0], ValueError, "strictly increasing"),
        ([[-9.0, 9.0]] * 3, ValueError, "3 specifications for the 2 columns"),
        ("quantiles", ValueError, "bins must be an int"),
    ],
)
def test_bad_bins_raise(device, bins, error, match):
    x, y = _pair(2, 50, 2, 2, seed=10)
    with pytest.raises(error, match=match):
        th.binned_mutual_info(_t(x, device), _t(y, device), bins=bins, correction=None)


def test_bad_correction_raises(device):
    x, y = _pair(1, 50, 1, 1, seed=10)
    with pytest.raises(ValueError, match="correction must be one of"):
        th.binned_mutual_info(_t(x, device), _t(y, device), bins=4, correction="mm")


def test_edge_tables_far_larger_than_the_data_are_refused_up_front(device):
    x, y = _pair(2, 300, 1, 1, seed=21)
    heavy = x.copy()
    heavy[:, 0, 0] = 1e9  # "fd" then asks for ~1e9 bins
    for bins, data in ((10**9, x), ("fd", heavy)):
        with pytest.raises(ValueError, match="edges here, more than"):
            th.binned_mutual_info(_t(data, device), _t(y, device), bins=bins, correction=None)
        with pytest.raises(ValueError, match="edges here, more than"):
            th.histogram_entropy(_t(data, device), bins=bins, correction=None)
    # The NumPy functions take them, sparsely.
    assert np.isfinite(fastit.mutual_info(heavy[0], y[0], method="binned"))


def test_a_range_whose_width_overflows_equals_numpy(device):
    rng = np.random.default_rng(22)
    x = rng.standard_normal((2, 500, 1))
    x[:, 0, 0], x[:, 1, 0] = 1e308, -1e308
    y = rng.standard_normal((2, 500, 1))
    for bins in (1, 2, 9, "sturges", "auto", "quantile"):
        got = th.histogram_entropy(_t(x, device), bins=bins, correction=None)
        _check(got, _numpy_h(x, bins, None), device)
        got = th.binned_mutual_info(_t(x, device), _t(y, device), bins=bins, correction=None)
        _check(got, _numpy_mi(x, y, bins, None), device)


def test_too_many_bins_for_the_range_raises_like_numpy(device):
    x = np.full((1, 20, 1), 1.0)
    x[0, 0, 0] = np.nextafter(1.0, 2.0)  # a range of one ulp cannot hold 10 bins
    with pytest.raises(ValueError, match="too narrow for 10 distinct bins") as ours:
        th.histogram_entropy(_t(x, device), bins=10, correction=None)
    with pytest.raises(ValueError, match="too narrow for 10 distinct bins") as numpys:
        fastit.differential_entropy(x[0], method="histogram", bins=10)
    assert str(ours.value) == str(numpys.value)


# ---------------------------------------------------------------------------- histogram entropy


@pytest.mark.parametrize("correction", CORRECTIONS)
@pytest.mark.parametrize("d", [1, 3])
@pytest.mark.parametrize("bins", [1, 9, "sturges", "fd", "auto"])
def test_histogram_entropy_equals_numpy(device, bins, d, correction):
    x, _ = _pair(3, 300, d, 1, seed=11)
    x[2] = np.exp(x[2] / 3.0)  # a skewed problem: rules choose other bin counts
    got = th.histogram_entropy(_t(x, device), bins=bins, correction=correction)
    _check(got, _numpy_h(x, bins, correction), device)


# ---------------------------------------------------------------------------- constant columns


@pytest.mark.parametrize("bins", [1, 5, "sturges", "rice", "fd", "doane", "quantile"])
def test_constant_column(device, bins):
    x, y = _pair(3, 200, 2, 1, seed=12)
    x[1, :, 0] = 3.25  # widened by 0.5 on each side, as NumPy does
    y[2, :, 0] = -7.0
    for correction in (None, "miller-madow", "nsb"):
        got = th.binned_mutual_info(_t(x, device), _t(y, device), bins=bins, correction=correction)
        _check(got, _numpy_mi(x, y, bins, correction), device)
        got = th.histogram_entropy(_t(x, device), bins=bins, correction=correction)
        _check(got, _numpy_h(x, bins, correction), device)
    # A constant y shares no information: the plug-in value is exactly 0.
    mi = th.binned_mutual_info(_t(x, device), _t(y, device), bins=bins, correction=None)
    assert mi[2].item() == 0.0


# ---------------------------------------------------------------------------- float32


@pytest.mark.parametrize("bins", [13, "sturges", "rice"])
def test_float32_equals_numpy_on_widened_values(device, bins):
    x64, y64 = _pair(3, 600, 2, 1, seed=13)
    x32, y32 = x64.astype(np.float32), y64.astype(np.float32)
    # Put samples on, just below and just above the float32 roundings of the interior
    # edges (these bins depend on min, max and n only, which stay as they are): there
    # comparisons in float32 and in float64 disagree.
    for b in range(3):
        for c in range(2):
            col = x32[b, :, c].astype(np.float64)
            interior = np.float32(bin_edges_per_column(col[:, None], bins, "x")[0][1:-1])
            keep = {int(np.argmin(col)), int(np.argmax(col))}
            slots = [i for i in range(len(col)) if i not in keep][: 3 * interior.size]
            up = np.nextafter(interior, np.float32(np.inf))
            down = np.nextafter(interior, np.float32(-np.inf))
            x32[b, slots, c] = np.concatenate([interior, up, down])[: len(slots)]
    xw, yw = x32.astype(np.float64), y32.astype(np.float64)
    mismatched = 0
    for b in range(3):
        for c in range(2):
            edges = bin_edges_per_column(xw[b, :, c : c + 1], bins, "x")[0]
            v = x32[b, :, c]
            in32 = np.searchsorted(edges.astype(np.float32), v, side="right")
            mismatched += int(np.sum(in32 != np.searchsorted(edges, xw[b, :, c], side="right")))
    assert mismatched > 0  # the data tell float32 comparisons from float64 ones
    for correction in (None, "grassberger"):
        got = th.binned_mutual_info(
            _t(x32, device, torch.float32),
            _t(y32, device, torch.float32),
            bins=bins,
            correction=correction,
        )
        _check(got, _numpy_mi(xw, yw, bins, correction), device)
        got = th.histogram_entropy(_t(x32, device, torch.float32), bins=bins, correction=correction)
        _check(got, _numpy_h(xw, bins, correction), device)


def test_float32_with_a_statistics_rule(device):
    x64, y64 = _pair(2, 400, 1, 2, seed=24)
    x32, y32 = x64.astype(np.float32), y64.astype(np.float32)
    xw, yw = x32.astype(np.float64), y32.astype(np.float64)
    for bins in ("fd", "quantile"):
        got = th.binned_mutual_info(
            _t(x32, device, torch.float32),
            _t(y32, device, torch.float32),
            bins=bins,
            correction="miller-madow",
        )
        _check(got, _numpy_mi(xw, yw, bins, "miller-madow"), device)


# ---------------------------------------------------------------------------- huge tables


@pytest.mark.filterwarnings("ignore::fastit.EstimationWarning")  # NSB: no cell seen twice
def test_cells_overflowing_int64_take_the_unique_path(device, monkeypatch):
    calls: list[int] = []
    compact = th._compact

    def spy(codes, size):
        calls.append(size)
        local, occupied = compact(codes, size)
        assert occupied <= codes.shape[1]  # each problem's cells re-coded to 0..u_b - 1
        assert int(local.min()) == 0
        return local, occupied

    monkeypatch.setattr(th, "_compact", spy)
    x, y = _pair(2, 200, 4, 1, seed=14)
    bins = 2**16  # 4 columns: 2**64 cells, past the mixed radix
    for correction in (None, "miller-madow", "nsb"):
        got = th.histogram_entropy(_t(x, device), bins=bins, correction=correction)
        _check(got, _numpy_h(x, bins, correction), device)
        got = th.binned_mutual_info(_t(x, device), _t(y, device), bins=bins, correction=correction)
        _check(got, _numpy_mi(x, y, bins, correction), device)
    # The re-coding ran on a mixed code past 2**62 / B (not only on a sparse table).
    assert any(2 * size * 2**16 > 2**62 for size in calls)


def test_many_distinct_label_columns_overflow_to_unique(device):
    rng = np.random.default_rng(15)
    labels = rng.standard_normal((2, 300, 8))  # every row distinct: 300**8 > 2**62 cells
    labels[1, 150:] = labels[1, :150]  # problem 1: every row twice
    for correction in (None, "miller-madow", "jackknife"):
        got = th.discrete_entropy(_t(labels, device), correction=correction)
        want = [npd.discrete_entropy(labels[b], correction=correction) for b in range(2)]
        _check(got, np.array(want), device)
    assert th.discrete_entropy(_t(labels, device), correction=None)[0].item() == pytest.approx(
        np.log(300), abs=1e-12
    )


# ---------------------------------------------------------------------------- discrete


def _labels(b: int, n: int, d: int, k: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, k + np.arange(b)[:, None, None], size=(b, n, d))


@pytest.mark.parametrize("correction", CORRECTIONS)
@pytest.mark.parametrize("d", [1, 2])
def test_discrete_entropy_equals_numpy(device, d, correction):
    ints = _labels(3, 300, d, 4, seed=16)
    floats = ints * 0.37 - 0.5
    floats[0, :10] = -0.0  # -0.0 and 0.0 are one symbol, as in numpy.unique
    floats[0, 10:20] = 0.0
    for labels, dtype in ((ints, torch.int64), (floats, torch.float64), (ints, torch.float32)):
        got = th.discrete_entropy(_t(labels, device, dtype), correction=correction)
        want = [npd.discrete_entropy(labels[b], correction=correction) for b in range(3)]
        _check(got, np.array(want), device)


def test_boolean_and_wide_integer_labels(device):
    rng = np.random.default_rng(17)
    flags = rng.random((2, 100, 1)) < np.array([0.2, 0.7])[:, None, None]
    wide = rng.choice([-(2**60), 3, 2**61, 7], size=(2, 100, 1))
    for labels, dtype in ((flags, torch.bool), (wide, torch.int64)):
        got = th.discrete_entropy(_t(labels, device, dtype), correction="miller-madow")
        want = [npd.discrete_entropy(labels[b], correction="miller-madow") for b in range(2)]
        _check(got, np.array(want), device)


@pytest.mark.parametrize("correction", CORRECTIONS)
@pytest.mark.parametrize(("dx", "dy"), [(1, 1), (2, 1), (2, 3)])
def test_both_discrete_equals_discrete_mutual_info(device, dx, dy, correction):
    x = _labels(3, 300, dx, 3, seed=18)
    y = (x[:, :, :1] + _labels(3, 300, dy, 2, seed=19)) * 0.5  # float labels, dependent on x
    got = th.binned_mutual_info(
        _t(x, device),
        _t(y, device),
        bins="this is ignored",
        correction=correction,
        x_discrete=True,
        y_discrete=True,
    )
    want = [npd.discrete_mutual_info(x[b], y[b], correction=correction) for b in range(3)]
    _check(got, np.array(want), device)


@pytest.mark.parametrize("correction", CORRECTIONS)
@pytest.mark.parametrize("bins", [6, "sturges", "fd", [-40.0, -1.0, 0.0, 1.0, 40.0]])
@pytest.mark.parametrize("dc", [1, 2])
def test_one_discrete_bins_the_other(device, bins, dc, correction):
    cont, _ = _pair(3, 300, dc, 1, seed=20)
    labels = (cont[:, :, 0] > 0.5).astype(np.int64) + _labels(3, 300, 1, 2, seed=21)[:, :, 0]
    labels = labels[:, :, None]
    spec = [bins] * dc if isinstance(bins, list) else bins
    want = np.array([_numpy_mixed(cont[b], labels[b, :, 0], spec, correction) for b in range(3)])
    got = th.binned_mutual_info(
        _t(cont, device), _t(labels, device), bins=spec, correction=correction, y_discrete=True
    )
    _check(got, want, device)
    got = th.binned_mutual_info(
        _t(labels, device), _t(cont, device), bins=spec, correction=correction, x_discrete=True
    )
    _check(got, want, device)


def test_labels_shared_by_the_batch_through_expand(device):
    x, _ = _pair(4, 300, 1, 1, seed=22)
    labels = _labels(1, 300, 1, 3, seed=23)
    shared = _t(labels, device).expand(4, 300, 1)  # stride 0 over the batch, as broadcasting gives
    got = th.binned_mutual_info(
        _t(x, device), shared, bins=8, correction="miller-madow", y_discrete=True
    )
    want = [_numpy_mixed(x[b], labels[0, :, 0], 8, "miller-madow") for b in range(4)]
    _check(got, np.array(want), device)
    got = th.discrete_entropy(shared, correction=None)
    _check(got, np.full(4, npd.discrete_entropy(labels[0], correction=None)), device)


def test_inputs_that_require_grad(device):
    x, y = _pair(2, 200, 1, 1, seed=25)
    xt = _t(x, device).requires_grad_(True)
    yt = _t(y, device).requires_grad_(True)
    got = th.binned_mutual_info(xt, yt, bins="fd", correction="nsb")  # host copies of x, y
    _check(got, _numpy_mi(x, y, "fd", "nsb"), device)
    got = th.histogram_entropy(xt, bins="quantile", correction=None)
    _check(got, _numpy_h(x, "quantile", None), device)
    got = th.discrete_entropy(yt, correction="chao-shen")
    _check(
        got,
        np.array([npd.discrete_entropy(y[b], correction="chao-shen") for b in range(2)]),
        device,
    )


# ---------------------------------------------------------------------------- properties

_VALUES = st.sampled_from([-2.0, -0.5, 0.0, 0.25, 1.0, 3.5])


@st.composite
def _problems(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    b = draw(st.integers(1, 3))
    n = draw(st.integers(2, 40))
    dx, dy = draw(st.integers(1, 2)), draw(st.integers(1, 2))
    x = draw(hnp.arrays(np.float64, (b, n, dx), elements=_VALUES))
    y = draw(hnp.arrays(np.float64, (b, n, dy), elements=_VALUES))
    return x, y


_BINS = st.sampled_from([1, 2, 5, "sturges", "fd"])


@pytest.mark.filterwarnings("ignore::fastit.EstimationWarning")  # NSB on tiny samples
@PROPERTY
@given(_problems(), _BINS, st.sampled_from(CORRECTIONS), st.booleans(), st.randoms())
def test_invariant_to_permuting_samples(device, xy, bins, correction, discrete, random):
    x, y = xy
    order = list(range(x.shape[1]))
    random.shuffle(order)
    kw = {"bins": bins, "correction": correction, "x_discrete": discrete}
    a = th.binned_mutual_info(_t(x, device), _t(y, device), **kw)
    b = th.binned_mutual_info(_t(x[:, order], device), _t(y[:, order], device), **kw)
    np.testing.assert_allclose(a.cpu().numpy(), b.cpu().numpy(), rtol=0, atol=TOL)
    h = th.histogram_entropy(_t(x, device), bins=bins, correction=correction)
    h2 = th.histogram_entropy(_t(x[:, order], device), bins=bins, correction=correction)
    np.testing.assert_allclose(h.cpu().numpy(), h2.cpu().numpy(), rtol=0, atol=TOL)


@pytest.mark.filterwarnings("ignore::fastit.EstimationWarning")  # NSB on tiny samples
@PROPERTY
@given(_problems(), st.sampled_from(CORRECTIONS), st.permutations(range(6)))
def test_invariant_to_relabelling_symbols(device, xy, correction, perm):
    x, y = xy
    values = np.array([-2.0, -0.5, 0.0, 0.25, 1.0, 3.5])
    new = np.array([10.0, -3.0, 7.5, 0.0, 2.0, 99.0])[list(perm)]  # a bijection of the labels
    relabel = new[np.searchsorted(values, x)]
    kw = {"bins": None, "correction": correction, "x_discrete": True, "y_discrete": True}
    a = th.binned_mutual_info(_t(x, device), _t(y, device), **kw)
    b = th.binned_mutual_info(_t(relabel, device), _t(y, device), **kw)
    np.testing.assert_allclose(a.cpu().numpy(), b.cpu().numpy(), rtol=0, atol=TOL)
    h = th.discrete_entropy(_t(x, device), correction=correction)
    h2 = th.discrete_entropy(_t(relabel, device), correction=correction)
    np.testing.assert_allclose(h.cpu().numpy(), h2.cpu().numpy(), rtol=0, atol=TOL)


@PROPERTY
@given(_problems(), _BINS, st.booleans(), st.booleans())
def test_plugin_is_symmetric(device, xy, bins, x_discrete, y_discrete):
    x, y = _t(xy[0], device), _t(xy[1], device)
    a = th.binned_mutual_info(
        x, y, bins=bins, correction=None, x_discrete=x_discrete, y_discrete=y_discrete
    )
    b = th.binned_mutual_info(
        y, x, bins=bins, correction=None, x_discrete=y_discrete, y_discrete=x_discrete
    )
    np.testing.assert_allclose(a.cpu().numpy(), b.cpu().numpy(), rtol=0, atol=TOL)


@PROPERTY
@given(_problems(), _BINS)
def test_plugin_between_zero_and_the_smaller_entropy(device, xy, bins):
    x, y = _t(xy[0], device), _t(xy[1], device)
    both = {"correction": None, "x_discrete": True, "y_discrete": True, "bins": None}
    i = th.binned_mutual_info(x, y, **both).cpu().numpy()
    hx = th.discrete_entropy(x, correction=None).cpu().numpy()
    hy = th.discrete_entropy(y, correction=None).cpu().numpy()
    assert (i >= 0).all()
    assert (i <= np.minimum(hx, hy) + TOL).all()
    # Binned: H(cells of X) is I(X; X).
    i = th.binned_mutual_info(x, y, bins=bins, correction=None).cpu().numpy()
    hx = th.binned_mutual_info(x, x, bins=bins, correction=None).cpu().numpy()
    hy = th.binned_mutual_info(y, y, bins=bins, correction=None).cpu().numpy()
    assert (i >= 0).all()
    assert (i <= np.minimum(hx, hy) + TOL).all()


@pytest.mark.parametrize("bins", [5, "sturges", "fd"])
@pytest.mark.parametrize("correction", [None, "miller-madow", "nsb"])
def test_binned_entropy_is_the_entropy_of_numpys_cells(device, bins, correction) -> None:
    import fastit.torch as ft

    rng = np.random.default_rng(5)
    x = np.column_stack([rng.standard_normal(300), rng.exponential(size=300)])
    found = variable(
        column_codes(x, bins_per_column(x, bins, "x")),
        [len(e) - 1 for e in bin_edges_per_column(x, bins, "x")],
    )
    cells, alphabet = found.codes, found.alphabet
    want = npd.discrete_entropy(cells, correction=correction, base=2)
    if correction == "nsb":  # the cells' alphabet, as fastit.binned gives NSB
        want = entropy_from_counts(np.bincount(cells), "nsb", alphabet) / np.log(2)
    got = ft.binned_entropy(
        torch.as_tensor(x, device=device), bins=bins, correction=correction, base=2
    )
    assert float(got) == pytest.approx(want, abs=1e-12)
    batch = ft.binned_entropy(
        [torch.as_tensor(x, device=device)] * 2, bins=bins, correction=correction, base=2
    )
    assert batch.shape == (2,)
    assert torch.equal(batch[0], batch[1])


def test_nsb_alphabet_sizes_as_the_numpy_functions_take_them(device):
    rng = np.random.default_rng(23)
    a = rng.integers(0, 5, (2, 300, 1))
    b = (a + rng.integers(0, 2, a.shape)) % 5
    got = th.discrete_entropy(_t(a, device), correction="nsb", n_outcomes=9)
    want = [npd.discrete_entropy(a[p], correction="nsb", n_outcomes=9) for p in range(2)]
    _check(got, np.array(want), device)
    got = th.binned_mutual_info(
        _t(a, device),
        _t(b, device),
        bins=None,
        correction="nsb",
        x_discrete=True,
        y_discrete=True,
        n_outcomes=(9, None),
    )
    want = [
        npd.discrete_mutual_info(a[p], b[p], correction="nsb", n_outcomes=(9, None))
        for p in range(2)
    ]
    _check(got, np.array(want), device)
    with pytest.raises(ValueError, match="n_outcomes for x is 3, but x has 5"):
        th.discrete_entropy(_t(a, device), correction="nsb", n_outcomes=3)
    with pytest.raises(ValueError, match="correction='nsb' only"):
        th.discrete_entropy(_t(a, device), correction=None, n_outcomes=9)
    with pytest.raises(ValueError, match="alphabet is its bins"):
        th.binned_mutual_info(
            _t(a, device), _t(b, device), bins=4, correction="nsb", n_outcomes=(9, None)
        )
