"""InformationPlane and InformationFlowMonitor: hooks, estimates, history, plots."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from torch import nn  # noqa: E402

import fastit  # noqa: E402
import fastit.torch as ft  # noqa: E402
from fastit.binned import column_codes  # noqa: E402
from fastit.binning import bin_edges_per_column  # noqa: E402


def _model(seed: int = 0) -> nn.Sequential:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(5, 6), nn.ReLU(), nn.Linear(6, 3), nn.Tanh(), nn.Linear(3, 2))


def _data(n: int = 300, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 5, generator=g)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).long()
    return x, y


def _numpy_cells(t: np.ndarray, bins: int) -> np.ndarray:
    """One symbol per row of binned activations, as fastit.binned bins them."""
    codes = column_codes(t, bin_edges_per_column(t, bins, "t"))
    _, cells = np.unique(np.column_stack(codes), axis=0, return_inverse=True)
    return cells.reshape(-1)


def test_hooks_capture_the_layer_outputs(device: str) -> None:
    model = _model().to(device)
    x, _ = _data()
    x = x.to(device)
    plane = ft.InformationPlane(model, ["1", model[3]])
    acts = plane.activations(x, batch_size=64)
    assert list(acts) == ["1", "3"]
    with torch.no_grad():
        relu = model[1](model[0](x))
        tanh = model[3](model[2](relu))
    assert torch.equal(acts["1"], relu)
    assert torch.equal(acts["3"], tanh)
    plane.close()
    assert all(not m._forward_hooks for m in model.modules())


def test_binned_plane_equals_the_numpy_estimators(device: str) -> None:
    model = _model().to(device)
    x, y = _data()
    with ft.InformationPlane(model, ["1", "3"], bins=8) as plane:
        records = plane.update(x.to(device), y.to(device), epoch=4)
        acts = plane.activations(x.to(device))
    assert [r["layer"] for r in records] == ["1", "3"]
    for r in records:
        t = acts[r["layer"]].cpu().double().numpy()
        cells = _numpy_cells(t, 8)
        # Distinct inputs: I(X; T) = H(T) of the binned patterns (plug-in).
        want_xt = fastit.discrete_entropy(cells, correction=None)
        want_ty = fastit.discrete_mutual_info(cells, y.numpy(), correction=None)
        assert r["i_xt"] == pytest.approx(want_xt, abs=1e-12)
        assert r["i_ty"] == pytest.approx(want_ty, abs=1e-12)
        assert r["epoch"] == 4
        assert r["unit"] == "nats"
        assert 0 <= r["i_ty"] <= math.log(2) + 1e-12


def test_binning_follows_the_range_so_scale_makes_no_compression() -> None:
    # Scaling a ReLU layer's pre-activations by 5 scales its outputs by 5. Bins over the
    # observed range see the same patterns; fixed [-1, 1] bins would see fewer.
    model = _model()
    x, y = _data()
    with ft.InformationPlane(model, ["1"], bins=10) as plane:
        before = plane.update(x, y)[0]
        with torch.no_grad():
            model[0].weight *= 5
            model[0].bias *= 5
        after = plane.update(x, y)[0]
    assert after["i_xt"] == pytest.approx(before["i_xt"], abs=1e-12)
    assert after["i_ty"] == pytest.approx(before["i_ty"], abs=1e-12)
    assert after["epoch"] == 1  # epochs count the updates when not given


def test_ksg_plane_equals_the_estimators_on_the_activations(device: str) -> None:
    model = _model().to(device)
    x, y = _data(200)
    x, y = x.to(device), y.to(device)
    with ft.InformationPlane(model, ["2"], estimator="ksg1", k=4, base=2) as plane:
        (record,) = plane.update(x, y)
        t = plane.activations(x)["2"]
    assert record["i_xt"] == pytest.approx(float(ft.mutual_info(t, x, k=4, base=2)), abs=1e-12)
    want_ty = float(ft.mutual_info(t, y, y_discrete=True, k=4, base=2))
    assert record["i_ty"] == pytest.approx(want_ty, abs=1e-12)
    assert record["unit"] == "bits"


def test_kde_plane_equals_the_pairwise_bound_by_hand() -> None:
    model = _model()
    x, y = _data(120)
    variance = 0.05
    with ft.InformationPlane(model, ["3"], estimator="kde", noise_variance=variance) as plane:
        (record,) = plane.update(x, y)
        t = plane.activations(x)["3"].double().numpy()
    labels = y.numpy()

    def bound(points: np.ndarray) -> float:
        sq = ((points[:, None, :] - points[None, :, :]) ** 2).sum(axis=2)
        return float(-np.mean(np.log(np.mean(np.exp(-sq / (2 * variance)), axis=1))))

    whole = bound(t)
    conditional = sum((labels == c).mean() * bound(t[labels == c]) for c in np.unique(labels))
    assert record["i_xt"] == pytest.approx(whole, rel=1e-10)
    assert record["i_ty"] == pytest.approx(whole - conditional, rel=1e-10)
    assert 0 <= record["i_ty"] <= math.log(2)


def test_history_makes_a_dataframe_and_a_plot(tmp_path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    model = _model()
    x, y = _data()
    with ft.InformationPlane(model, ["1", "3"], bins=6) as plane:
        for epoch in range(3):
            plane.update(x, y, epoch=epoch)
            with torch.no_grad():
                model[0].weight.add_(0.1)
        frame = pd.DataFrame(plane.history)
        assert list(frame.columns) == ["epoch", "layer", "i_xt", "i_ty", "estimator", "unit"]
        assert len(frame) == 6
        path = tmp_path / "plane.png"
        ax = plane.plot(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert ax.get_xlabel() == "I(X; T) [nats]"
    assert len(ax.collections) == 2  # one scatter per layer


@pytest.mark.parametrize(
    ("make", "error", "fragment"),
    [
        (lambda m: ft.InformationPlane(m, ["nope"]), ValueError, "no submodule"),
        (lambda m: ft.InformationPlane(m, [nn.Linear(2, 2)]), ValueError, "not part"),
        (lambda m: ft.InformationPlane(m, [3]), TypeError, "module names"),
        (lambda m: ft.InformationPlane(m, []), ValueError, "empty"),
        (lambda m: ft.InformationPlane("model", ["1"]), TypeError, "nn.Module"),
        (lambda m: ft.InformationPlane(m, ["1"], estimator="mine"), ValueError, "estimator"),
        (lambda m: ft.InformationPlane(m, ["1"], noise_variance=0.0), ValueError, "noise"),
        (lambda m: ft.InformationPlane(m, ["1"]).plot(), ValueError, "update"),
        (
            lambda m: ft.InformationPlane(m, ["1"]).update(torch.randn(9, 5), torch.zeros(8)),
            ValueError,
            "one target per input",
        ),
        (
            lambda m: ft.InformationPlane(m, ["1"], estimator="kde").update(
                torch.randn(9, 5), torch.randn(9)
            ),
            ValueError,
            "discrete",
        ),
    ],
)
def test_bad_arguments_raise(make, error: type, fragment: str) -> None:
    with pytest.raises(error, match=fragment):
        make(_model())


def test_a_closed_plane_refuses_updates() -> None:
    model = _model()
    plane = ft.InformationPlane(model, ["1"])
    plane.close()
    with pytest.raises(RuntimeError, match="closed"):
        plane.update(*_data(20))


def test_flow_monitor_statistics_by_hand(device: str) -> None:
    model = _model().to(device)
    with torch.no_grad():
        model[0].bias[:2] = -100.0  # two dead ReLU units: constant 0
    x, _ = _data(256)
    x = x.to(device)
    kept = {}
    with ft.InformationFlowMonitor(model, base=2) as monitor:
        assert [name for name, _ in monitor.layers] == ["0", "1", "2", "3", "4"]
        hidden = model[1](model[0](x))
        hidden.retain_grad()
        kept["relu"] = hidden
        out = model[4](model[3](model[2](hidden)))
        out.square().sum().backward()
        rows = {r["layer"]: r for r in monitor.records()}
    relu = rows["1"]
    a = kept["relu"].detach().cpu().double().numpy()
    assert relu["units"] == 6
    assert relu["mean"] == pytest.approx(a.mean(), rel=1e-6)
    assert relu["std"] == pytest.approx(a.std(ddof=1), rel=1e-6)
    assert relu["sparsity"] == pytest.approx((a == 0).mean())
    assert relu["grad_norm"] == pytest.approx(float(kept["relu"].grad.norm()), rel=1e-6)
    per_unit = []
    for u in range(6):
        if np.ptp(a[:, u]) == 0:
            per_unit.append(0.0)  # a dead unit carries nothing
            continue
        codes = column_codes(a[:, [u]], bin_edges_per_column(a[:, [u]], 30, "a"))[0]
        per_unit.append(fastit.discrete_entropy(codes, correction="miller-madow", base=2))
    assert relu["entropy"] == pytest.approx(np.mean(per_unit), abs=1e-12)
    assert relu["unit"] == "bits"
    text = monitor.summary()
    assert "grad norm" in text
    assert "bits" in text
    assert all(not m._forward_hooks for m in model.modules())


def test_flow_monitor_before_backward_and_reset() -> None:
    model = _model()
    monitor = ft.InformationFlowMonitor(model, ["0"])
    assert monitor.records() == []
    with torch.no_grad():
        model(torch.randn(10, 5))
    (row,) = monitor.records()
    assert math.isnan(row["grad_norm"])
    monitor.reset()
    assert monitor.records() == []
    monitor.close()


def test_the_information_plane_example_runs(tmp_path) -> None:
    import subprocess
    import sys
    from pathlib import Path

    pytest.importorskip("matplotlib")
    script = Path(__file__).parents[1] / "examples" / "information_plane.py"
    out = tmp_path / "plane.png"
    done = subprocess.run(
        [sys.executable, str(script), str(out), "--epochs", "40", "--every", "20"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert out.read_bytes()[:4] == b"\x89PNG"
    assert "I(X;T) =" in done.stdout
