"""fastit.torch.capacity: per-layer Gaussian capacities equal fastit.channel.layer_capacity."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from fastit.channel import layer_capacity  # noqa: E402
from fastit.torch.capacity import LayerCapacity, layer_capacities  # noqa: E402


class Net(torch.nn.Module):
    """Linear layers at several depths, a conv layer (left out) and a shared layer."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv1d(1, 2, 3)
        self.body = torch.nn.Sequential(
            torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 4, bias=False)
        )
        self.head = torch.nn.Linear(4, 3)
        self.again = self.head  # the same module under a second name


def make_net(device, dtype=torch.float32):
    torch.manual_seed(0)
    return Net().to(device=device, dtype=dtype)


def test_matches_layer_capacity_by_hand(device):
    net = make_net(device)
    recs = layer_capacities(net, input_power=2.5, noise_std=0.7)
    assert [r.name for r in recs] == ["body.0", "body.2", "head"]
    assert [r.shape for r in recs] == [(5, 6), (4, 5), (3, 4)]
    for rec, layer in zip(recs, [net.body[0], net.body[2], net.head], strict=True):
        want = layer_capacity(layer.weight, noise_std=0.7, input_power=2.5)
        assert isinstance(rec, LayerCapacity)
        assert rec.capacity == want.capacity
        np.testing.assert_array_equal(rec.singular_values, want.singular_values)
        np.testing.assert_array_equal(rec.power, want.power)
        np.testing.assert_array_equal(rec.active, want.active)
        assert rec.n_active == int(want.active.sum())
        assert rec.water_level == want.water_level
        assert rec.capacity > 0


def test_closed_form_diagonal_layer(device):
    # W = diag(3, 1, 0.1), sigma = 1, P = 3: 0.5 ln(1 + 9 mu) ... = 1.8192 nats, two modes
    layer = torch.nn.Linear(3, 3).to(device)
    with torch.no_grad():
        layer.weight.copy_(torch.diag(torch.tensor([3.0, 1.0, 0.1])))
    (rec,) = layer_capacities(layer, input_power=3.0)
    assert rec.name == ""
    mu = (3.0 + 1 / 9 + 1) / 2
    want = 0.5 * math.log(9 * mu) + 0.5 * math.log(mu)
    assert rec.capacity == pytest.approx(want, rel=1e-6)
    assert rec.active.tolist() == [True, True, False]
    assert rec.n_active == 2


def test_bits_and_nats(device):
    net = make_net(device)
    nats = layer_capacities(net)
    bits = layer_capacities(net, base=2)
    for n, b in zip(nats, bits, strict=True):
        assert b.capacity == pytest.approx(n.capacity / math.log(2), rel=1e-12)


def test_more_power_more_capacity_and_zero_power(device):
    net = make_net(device)
    low = layer_capacities(net, input_power=0.1)
    high = layer_capacities(net, input_power=10.0)
    assert all(h.capacity > lo.capacity for h, lo in zip(high, low, strict=True))
    assert all(r.capacity == 0.0 for r in layer_capacities(net, input_power=0.0))


def test_float64_and_half_weights(device):
    net64 = make_net(device, torch.float64)
    want = [
        layer_capacity(m.weight, noise_std=1.0, input_power=1.0).capacity
        for m in (net64.body[0], net64.body[2], net64.head)
    ]
    assert [r.capacity for r in layer_capacities(net64)] == want
    half = make_net(device, torch.bfloat16)  # NumPy has no bfloat16: converted first
    got = [r.capacity for r in layer_capacities(half)]
    assert got == pytest.approx(want, rel=0.05)


def test_zero_weight_and_records_for_pandas(device):
    layer = torch.nn.Linear(4, 2).to(device)
    with torch.no_grad():
        layer.weight.zero_()
    (rec,) = layer_capacities(layer)
    assert rec.capacity == 0.0
    assert rec.n_active == 0
    assert math.isnan(rec.water_level)
    row = dataclasses.asdict(rec)
    assert list(row) == [
        "name",
        "shape",
        "capacity",
        "n_active",
        "singular_values",
        "power",
        "active",
        "water_level",
    ]
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame(layer_capacities(make_net(device)))
    assert frame["name"].tolist() == ["body.0", "body.2", "head"]


def test_bad_input_names_the_argument():
    net = make_net("cpu")
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        layer_capacities(net.head.weight)
    with pytest.raises(ValueError, match=r"no torch.nn.Linear layers"):
        layer_capacities(torch.nn.Sequential(torch.nn.Conv1d(1, 1, 2), torch.nn.ReLU()))
    with pytest.raises(ValueError, match="noise_std must be positive"):
        layer_capacities(net, noise_std=0.0)
    with pytest.raises(ValueError, match="input_power must be non-negative"):
        layer_capacities(net, input_power=-1.0)
    with pytest.raises(ValueError, match="base must be positive"):
        layer_capacities(net, base=1)
    with pytest.raises(ValueError, match="rtol must be non-negative"):
        layer_capacities(net, rtol=-1.0)
    with pytest.raises(ValueError, match="not initialised"):
        layer_capacities(torch.nn.LazyLinear(3))
    with pytest.raises(ValueError, match="meta device"):
        layer_capacities(torch.nn.Linear(3, 2, device="meta"))
    with torch.no_grad():
        net.head.weight[0, 0] = float("nan")
    with pytest.raises(ValueError, match="weight contains NaN"):
        layer_capacities(net)
