"""fastit.torch.vae: loss terms by hand, the ELBO, reverse water-filling, the sweep and its plot."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.usefixtures("one_torch_thread")

from fastit.channel import gaussian_rate_distortion  # noqa: E402
from fastit.torch.vae import (  # noqa: E402
    ELBOLoss,
    RateDistortionCurve,
    RateDistortionVAE,
    RDLoss,
    elbo_loss,
    gaussian_vector_rate_distortion,
    rate_distortion_sweep,
)

F64 = torch.float64
LN2 = math.log(2)
VARIANCES = np.array([4.0, 2.0, 1.0, 0.25])
BETAS = [0.3, 1.0, 3.0]
SWEEP = {"epochs": 30, "batch_size": 128, "lr": 3e-2, "hidden": (16,), "progress": False}


def gaussian_data(n=2000, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, VARIANCES.size)) * np.sqrt(VARIANCES)


@pytest.fixture(scope="module")
def curve():
    """The CPU sweep, trained once for the tests that only read it."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return rate_distortion_sweep(
            BETAS, gaussian_data(), random_state=0, keep_models=True, **SWEEP
        )
    finally:
        torch.set_num_threads(before)


# --------------------------------------------------------------------------- the model's loss


def tiny_vae(distortion, beta):
    """2 features -> 1 latent, affine encoder and decoder with hand-set float64 weights."""
    vae = RateDistortionVAE(2, 1, hidden=(), beta=beta, distortion=distortion).double()
    enc, dec = vae.encoder.net[0], vae.decoder[0]
    with torch.no_grad():
        enc.weight.copy_(torch.tensor([[0.5, -1.0], [0.2, 0.1]], dtype=F64))  # rows: mean, log_var
        enc.bias.copy_(torch.tensor([0.1, -0.3], dtype=F64))
        dec.weight.copy_(torch.tensor([[1.5], [-0.5]], dtype=F64))
        dec.bias.copy_(torch.tensor([0.2, 0.4], dtype=F64))
    return vae


X = [[1.0, 2.0], [-1.0, 0.5], [0.3, 0.0]]


def by_hand(distortion, beta, eps=None):
    """Per-sample distortion and rate of tiny_vae, in plain Python."""
    out = []
    for i, (a, b) in enumerate(X):
        if distortion == "bce":  # Bernoulli data live in [0, 1]
            a, b = min(max(a, 0.0), 1.0), min(max(b, 0.0), 1.0)
        mean = 0.5 * a - 1.0 * b + 0.1
        log_var = 0.2 * a + 0.1 * b - 0.3
        z = mean if eps is None else mean + math.exp(0.5 * log_var) * eps[i]
        o1, o2 = 1.5 * z + 0.2, -0.5 * z + 0.4
        if distortion == "mse":
            d = (a - o1) ** 2 + (b - o2) ** 2
        else:  # Bernoulli with logits o: -[x log s(o) + (1 - x) log(1 - s(o))]
            d = sum(math.log1p(math.exp(o)) - x * o for x, o in ((a, o1), (b, o2)))
        rate = 0.5 * (math.exp(log_var) + mean**2 - 1 - log_var)
        out.append((d, rate))
    return out


@pytest.mark.parametrize("beta", [0.0, 0.5, 2.0])
def test_loss_terms_by_hand_mse(beta):
    vae = tiny_vae("mse", beta)
    vae.eval()
    x = torch.tensor(X, dtype=F64)
    per = vae.loss(x, reduction="none")
    hand = by_hand("mse", beta)
    for i, (d, r) in enumerate(hand):
        assert per.distortion[i].item() == pytest.approx(d, rel=1e-12)
        assert per.rate[i].item() == pytest.approx(r, rel=1e-12)
        assert per.total[i].item() == pytest.approx(d + beta * r, rel=1e-12)
        assert per.rate_bits[i].item() == pytest.approx(r / LN2, rel=1e-12)
    avg = vae.loss(x)
    assert isinstance(avg, RDLoss)
    assert avg.distortion.item() == pytest.approx(np.mean([d for d, _ in hand]), rel=1e-12)
    assert avg.rate.item() == pytest.approx(np.mean([r for _, r in hand]), rel=1e-12)
    assert vae.loss(x, reduction="sum").total.item() == pytest.approx(
        sum(d + beta * r for d, r in hand), rel=1e-12
    )
    # forward in eval mode decodes the mean
    out = vae(x)
    torch.testing.assert_close(out.z, out.mean)
    assert out.reconstruction[0, 0].item() == pytest.approx(1.5 * out.mean[0, 0].item() + 0.2)


def test_loss_terms_by_hand_sampled():
    """With sample=True, z = mean + exp(log_var / 2) eps, eps from the given generator."""
    vae = tiny_vae("mse", 0.7)
    vae.eval()
    x = torch.tensor(X, dtype=F64)
    eps = torch.randn(3, 1, generator=torch.Generator().manual_seed(9), dtype=F64)
    got = vae.loss(x, sample=True, generator=torch.Generator().manual_seed(9), reduction="none")
    hand = by_hand("mse", 0.7, eps=eps[:, 0].tolist())
    for i, (d, r) in enumerate(hand):
        assert got.distortion[i].item() == pytest.approx(d, rel=1e-12)
        assert got.rate[i].item() == pytest.approx(r, rel=1e-12)
    # training mode draws by default
    vae.train()
    assert not torch.equal(vae.loss(x).distortion, vae.loss(x).distortion)


def test_loss_terms_by_hand_bce():
    vae = tiny_vae("bce", 1.0)
    vae.eval()
    x = torch.tensor(X, dtype=F64).clamp(0, 1)  # Bernoulli data live in [0, 1]
    per = vae.loss(x, reduction="none")
    for i, (d, r) in enumerate(by_hand("bce", 1.0)):
        assert per.distortion[i].item() == pytest.approx(d, rel=1e-12)
        assert per.rate[i].item() == pytest.approx(r, rel=1e-12)
    # beta = 1 with the Bernoulli distortion is the negative ELBO
    out = vae(x)
    logits = vae.decoder(out.z)
    elbo = elbo_loss(x, logits, out.mean, out.log_var, likelihood="bernoulli", logits=True)
    assert vae.loss(x).total.item() == pytest.approx(elbo.total.item(), rel=1e-12)
    assert torch.all((out.reconstruction > 0) & (out.reconstruction < 1))
    torch.testing.assert_close(out.reconstruction, torch.sigmoid(logits))


def test_mse_loss_is_a_scaled_gaussian_elbo():
    """D + beta R = beta (-ELBO with decoder variance beta / 2) - beta d/2 log(pi beta)."""
    beta = 0.8
    vae = tiny_vae("mse", beta)
    vae.eval()
    x = torch.tensor(X, dtype=F64)
    out = vae(x)
    elbo = elbo_loss(x, out.reconstruction, out.mean, out.log_var, scale=math.sqrt(beta / 2))
    rd = vae.loss(x)
    expected = beta * elbo.total.item() - beta * 0.5 * 2 * math.log(math.pi * beta)
    assert rd.total.item() == pytest.approx(expected, rel=1e-12)


# --------------------------------------------------------------------------- elbo_loss


def test_elbo_gaussian_by_hand(device):
    x = torch.tensor([[0.0, 1.0, 2.0], [1.0, 1.0, -1.0]], dtype=F64, device=device)
    rec = torch.tensor([[0.5, 1.0, 1.0], [0.0, 2.0, -1.0]], dtype=F64, device=device)
    mean = torch.tensor([[1.0], [0.0]], dtype=F64, device=device)
    log_var = torch.tensor([[0.0], [math.log(2.0)]], dtype=F64, device=device)
    s = 0.5
    out = elbo_loss(x, rec, mean, log_var, scale=s, reduction="none")
    const = 1.5 * math.log(2 * math.pi * s * s)
    nll = [1.25 / (2 * s * s) + const, 2.0 / (2 * s * s) + const]
    kl = [0.5, 0.5 * (2.0 - 1 - math.log(2.0))]
    assert isinstance(out, ELBOLoss)
    np.testing.assert_allclose(out.nll.cpu().numpy(), nll, rtol=1e-12)
    np.testing.assert_allclose(out.kl.cpu().numpy(), kl, rtol=1e-12)
    np.testing.assert_allclose(out.total.cpu().numpy(), np.add(nll, kl), rtol=1e-12)
    np.testing.assert_allclose(out.elbo.cpu().numpy(), -np.add(nll, kl), rtol=1e-12)
    avg = elbo_loss(x, rec, mean, log_var, scale=s)
    assert avg.total.item() == pytest.approx(np.mean(np.add(nll, kl)), rel=1e-12)


def test_elbo_bernoulli_probabilities_and_logits(device):
    g = torch.Generator().manual_seed(0)
    x = (torch.rand(6, 5, generator=g, dtype=F64) > 0.5).to(F64).to(device)
    x[0, 0] = 0.3  # grey levels are allowed
    logits = (torch.randn(6, 5, generator=g, dtype=F64) * 2).to(device)
    mean = torch.randn(6, 2, generator=g, dtype=F64).to(device)
    log_var = torch.randn(6, 2, generator=g, dtype=F64).to(device)
    a = elbo_loss(x, logits, mean, log_var, likelihood="bernoulli", logits=True)
    b = elbo_loss(x, torch.sigmoid(logits), mean, log_var, likelihood="bernoulli")
    p = torch.sigmoid(logits).cpu().numpy()
    xn = x.cpu().numpy()
    hand = -(xn * np.log(p) + (1 - xn) * np.log1p(-p)).sum(axis=1).mean()
    assert a.nll.item() == pytest.approx(hand, rel=1e-10)
    assert b.nll.item() == pytest.approx(hand, rel=1e-10)
    # a probability of 0 where x = 1 costs infinitely many nats (nothing is clipped)
    zero = torch.zeros(1, 2, dtype=F64)
    inf = elbo_loss(torch.ones(1, 2, dtype=F64), zero, zero, zero, likelihood="bernoulli")
    assert inf.nll.item() == math.inf


# --------------------------------------------------------------------------- the Gaussian R(D)


def brute_rd(variances, d):
    """R(D) by bisection on the water level, in Python."""
    lo, hi = 0.0, max(variances)
    for _ in range(200):
        lam = 0.5 * (lo + hi)
        if sum(min(lam, v) for v in variances) < d:
            lo = lam
        else:
            hi = lam
    return sum(0.5 * math.log(v / lam) for v in variances if v > lam)


def test_reverse_water_filling():
    v = [4.0, 2.0, 1.0, 0.25, 0.0]
    for d in [0.01, 0.5, 1.0, 1.7, 3.0, 5.0, 7.0, 7.2]:
        assert gaussian_vector_rate_distortion(v, d) == pytest.approx(brute_rd(v, d), abs=1e-12)
    assert gaussian_vector_rate_distortion(v, 7.25) == 0.0  # sum of the variances
    assert gaussian_vector_rate_distortion(v, 100.0) == 0.0
    assert gaussian_vector_rate_distortion(v, 0.0) == math.inf
    # one component: the scalar formula
    for d in [0.1, 0.9, 2.0]:
        assert gaussian_vector_rate_distortion([1.5], d) == pytest.approx(
            gaussian_rate_distortion(1.5, d), abs=1e-15
        )
    # equal variances: m times the scalar formula at D / m
    got = gaussian_vector_rate_distortion([2.0, 2.0, 2.0], np.array([0.3, 3.0]))
    np.testing.assert_allclose(got, 3 * np.asarray(gaussian_rate_distortion(2.0, [0.1, 1.0])))
    with pytest.raises(ValueError, match="variances"):
        gaussian_vector_rate_distortion([1.0, -1.0], 0.5)
    with pytest.raises(ValueError, match="distortion"):
        gaussian_vector_rate_distortion([1.0], -0.5)


# --------------------------------------------------------------------------- the sweep


def test_sweep_traces_the_curve_above_the_bound(curve):
    assert isinstance(curve, RateDistortionCurve)
    np.testing.assert_array_equal(curve.betas, BETAS)
    assert curve.n_samples == 2000
    assert curve.distortion_kind == "mse"
    # eigenvalues of the sample covariance: close to the true variances
    np.testing.assert_allclose(curve.variances, VARIANCES, rtol=0.1)
    # larger beta: lower rate, higher distortion
    assert np.all(np.diff(curve.rate) < 0), curve.rate
    assert np.all(np.diff(curve.distortion) > 0), curve.distortion
    assert curve.rate[-1] > 0.2  # beta = 3 still describes the largest component
    bound = curve.gaussian_bound()
    excess = curve.rate - bound
    # on or above R(D), within the sampling error of measuring on 2000 samples...
    assert np.all(excess > -0.03), excess
    # ... and close to it: the VAE found a good code
    assert np.all(excess < 0.25), excess
    np.testing.assert_allclose(curve.rate_bits, curve.rate / LN2)


def test_sweep_points_need_sampled_distortion(curve):
    """Decoding the mean gives a distortion below what R(D) allows at that rate."""
    x = torch.tensor(gaussian_data(), dtype=torch.float32)
    model = curve.models[-1]
    assert not model.training
    with torch.no_grad():
        det = model.loss(x, sample=False)
    d_mean = det.distortion.item()
    assert d_mean < curve.distortion[-1]
    assert gaussian_vector_rate_distortion(curve.variances, d_mean) > det.rate.item() + 0.05


def test_sweep_is_seeded_and_leaves_the_global_rng(device):
    x = torch.tensor(gaussian_data(400, seed=1), dtype=torch.float32, device=device)
    kw = {**SWEEP, "epochs": 3}
    state = torch.get_rng_state()
    a = rate_distortion_sweep([0.5, 2.0], x, random_state=7, **kw)
    assert torch.equal(torch.get_rng_state(), state)
    b = rate_distortion_sweep([0.5, 2.0], x, random_state=7, **kw)
    c = rate_distortion_sweep([0.5, 2.0], x, random_state=8, **kw)
    np.testing.assert_array_equal(a.rate, b.rate)
    np.testing.assert_array_equal(a.distortion, b.distortion)
    assert not np.array_equal(a.rate, c.rate)
    assert a.models is None


def test_sweep_bce():
    rng = np.random.default_rng(0)
    x = (rng.random((300, 6)) < [0.1, 0.5, 0.9, 0.5, 0.3, 0.7]).astype(float)
    c = rate_distortion_sweep([0.5, 4.0], x, distortion="bce", **{**SWEEP, "epochs": 5})
    assert c.distortion_kind == "bce"
    assert np.all(np.isfinite(c.rate))
    assert np.all(c.rate >= 0)
    assert c.rate[0] > c.rate[1]
    with pytest.raises(ValueError, match="squared error"):
        c.gaussian_bound()


def test_plot_saves_png(curve, tmp_path):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = tmp_path / "rd.png"
    ax = curve.plot(path=path)
    try:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert path.stat().st_size > 5000
        assert len(ax.lines) == 2  # the VAE points and the Gaussian bound
        assert "nats" in ax.get_ylabel()
        _, ax2 = plt.subplots()
        assert curve.plot(ax2, bound=False) is ax2
        assert len(ax2.lines) == 1
    finally:
        plt.close("all")


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("betas", "data", "kwargs", "error", "name"),
    [
        ([-1.0, 1.0], None, {}, ValueError, "betas"),
        ([], None, {}, ValueError, "betas"),
        ([float("nan")], None, {}, ValueError, "betas"),
        ([[1.0, 2.0]], None, {}, ValueError, "betas"),
        (["a"], None, {}, TypeError, "betas"),
        ([1.0], np.zeros(10), {}, ValueError, "data"),
        ([1.0], np.zeros((1, 3)), {}, ValueError, "data"),
        ([1.0], np.full((5, 2), np.nan), {}, ValueError, "data"),
        ([1.0], np.array([["a", "b"]]), {}, TypeError, "data"),
        ([1.0], np.full((5, 2), 2.0), {"distortion": "bce"}, ValueError, "data"),
        ([1.0], None, {"distortion": "l1"}, ValueError, "distortion"),
        ([1.0], None, {"epochs": 0}, ValueError, "epochs"),
        ([1.0], None, {"batch_size": 1.5}, TypeError, "batch_size"),
        ([1.0], None, {"lr": 0.0}, ValueError, "lr"),
        ([1.0], None, {"lr": "fast"}, TypeError, "lr"),
        ([1.0], None, {"latent_dim": 0}, ValueError, "latent_dim"),
        ([1.0], None, {"hidden": (4, -1)}, ValueError, "hidden"),
        ([1.0], None, {"eval_samples": 0}, ValueError, "eval_samples"),
        ([1.0], None, {"random_state": "seed"}, TypeError, "random_state"),
        ([1.0], None, {"device": 0}, TypeError, "device"),
        ([1.0], None, {"progress": "no"}, TypeError, "progress"),
    ],
)
def test_bad_sweep_arguments(betas, data, kwargs, error, name):
    x = np.random.default_rng(0).normal(size=(10, 2)) if data is None else data
    with pytest.raises(error, match=name):
        rate_distortion_sweep(betas, x, **{"epochs": 1, "progress": False, **kwargs})


def test_bad_model_and_loss_arguments():
    with pytest.raises(ValueError, match="beta"):
        RateDistortionVAE(2, 1, beta=-0.5)
    with pytest.raises(ValueError, match="distortion"):
        RateDistortionVAE(2, 1, distortion="l2")
    with pytest.raises(ValueError, match="latent_dim"):
        RateDistortionVAE(2, 0)
    vae = RateDistortionVAE(2, 1)
    with pytest.raises(ValueError, match="beta"):
        vae.beta = float("inf")
    with pytest.raises(ValueError, match="x has shape"):
        vae.loss(torch.zeros(3, 3))
    with pytest.raises(ValueError, match="reduction"):
        vae.loss(torch.zeros(3, 2), reduction="avg")
    x, z = torch.zeros(2, 3), torch.zeros(2, 1)
    with pytest.raises(ValueError, match="reconstruction"):
        elbo_loss(x, torch.zeros(2, 2), z, z)
    with pytest.raises(ValueError, match="mean"):
        elbo_loss(x, x, torch.zeros(3, 1), torch.zeros(3, 1))
    with pytest.raises(ValueError, match="likelihood"):
        elbo_loss(x, x, z, z, likelihood="poisson")
    with pytest.raises(ValueError, match="scale"):
        elbo_loss(x, x, z, z, scale=0.0)
    with pytest.raises(ValueError, match="x contains NaN"):
        elbo_loss(torch.full((2, 3), math.nan), x, z, z)
    with pytest.raises(ValueError, match="x has values outside"):
        elbo_loss(x + 2, x, z, z, likelihood="bernoulli")
    with pytest.raises(ValueError, match="reconstruction has values outside"):
        elbo_loss(x, x - 1, z, z, likelihood="bernoulli")


def test_the_rate_distortion_example_runs(tmp_path) -> None:
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).parents[1] / "examples" / "rate_distortion.py"
    done = subprocess.run(
        [sys.executable, str(script), str(tmp_path / "rd.png"), "--epochs", "2"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "rd.png").read_bytes()[:4] == b"\x89PNG"
    assert "R(D) bound" in done.stdout
