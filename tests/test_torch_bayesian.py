"""fastit.torch.bayesian: the exact KL against closed forms and Monte Carlo, sampling, gradients."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.usefixtures("one_torch_thread")

from torch import nn  # noqa: E402

from fastit.torch.bayesian import BayesianLinear, gaussian_kl_to_prior, total_kl  # noqa: E402

F64 = torch.float64


def fixed_layer(device, prior_std, bias=True, seed=0):
    """A float64 3 -> 2 layer with random means and log-stds spread around log(prior_std)."""
    g = torch.Generator().manual_seed(seed)
    layer = BayesianLinear(3, 2, prior_std=prior_std, bias=bias).to(device, F64)
    with torch.no_grad():
        layer.weight_mu.copy_(torch.randn(2, 3, generator=g, dtype=F64) * prior_std)
        ls = math.log(prior_std) + torch.empty(2, 3, dtype=F64).uniform_(-1.5, 0.5, generator=g)
        layer.weight_log_std.copy_(ls)
        if bias:
            layer.bias_mu.copy_(torch.randn(2, generator=g, dtype=F64) * prior_std)
            layer.bias_log_std.copy_(math.log(prior_std) + torch.full((2,), -0.7, dtype=F64))
    return layer


def hand_kl(mu, sigma, s):
    """sum log(s / sigma) + (sigma^2 + mu^2) / (2 s^2) - 1/2, element by element, in Python."""
    return sum(
        math.log(s / sg) + (sg * sg + m * m) / (2 * s * s) - 0.5
        for m, sg in zip(mu, sigma, strict=True)
    )


def params(layer):
    mu = layer.weight_mu.detach().cpu().flatten().tolist()
    sd = layer.weight_std.detach().cpu().flatten().tolist()
    if layer.bias_mu is not None:
        mu += layer.bias_mu.detach().cpu().tolist()
        sd += layer.bias_std.detach().cpu().tolist()
    return mu, sd


# --------------------------------------------------------------------------- the KL


@pytest.mark.parametrize("prior_std", [0.1, 1.0, 3.0])
@pytest.mark.parametrize("bias", [True, False])
def test_kl_equals_closed_form(device, prior_std, bias):
    layer = fixed_layer(device, prior_std, bias=bias)
    mu, sd = params(layer)
    assert len(mu) == (8 if bias else 6)
    got = layer.kl()
    assert got.device.type == device
    assert got.item() == pytest.approx(hand_kl(mu, sd, prior_std), rel=1e-12)
    # and torch's own Normal-Normal KL
    q = torch.distributions.Normal(torch.tensor(mu, dtype=F64), torch.tensor(sd, dtype=F64))
    p = torch.distributions.Normal(torch.zeros(len(mu), dtype=F64), prior_std)
    assert got.item() == pytest.approx(torch.distributions.kl_divergence(q, p).sum().item(), 1e-12)


@pytest.mark.parametrize("prior_std", [0.5, 1.0, 2.0])
def test_kl_equals_monte_carlo(prior_std):
    """E_q[log q(w) - log p(w)] over draws of the layer itself, within 5 standard errors."""
    layer = fixed_layer("cpu", prior_std, seed=1)
    torch.manual_seed(123)
    n_draws = 20000
    mu, sd = params(layer)
    q = torch.distributions.Normal(torch.tensor(mu, dtype=F64), torch.tensor(sd, dtype=F64))
    p = torch.distributions.Normal(torch.zeros(len(mu), dtype=F64), prior_std)
    with torch.no_grad():
        draws = []
        for _ in range(n_draws):
            w, b = layer.sample_weights()
            draws.append(torch.cat([w.flatten(), b]))
        w = torch.stack(draws)
    log_ratio = (q.log_prob(w) - p.log_prob(w)).sum(dim=1)
    mc = log_ratio.mean().item()
    se = log_ratio.std().item() / math.sqrt(n_draws)
    exact = layer.kl().item()
    assert abs(mc - exact) < 5 * se, (mc, exact, se)
    assert se < 0.05 * exact  # the check has teeth: the KL is well resolved
    # the draws themselves have the posterior's mean and std
    assert torch.allclose(w.mean(0), torch.tensor(mu, dtype=F64), atol=5 * max(sd) / 141)
    assert torch.allclose(w.std(0), torch.tensor(sd, dtype=F64), rtol=0.05)


def test_kl_accurate_near_the_prior():
    """sigma = prior_std (1 + eps): KL ~ eps^2 per weight, where a naive formula cancels."""
    eps = 1e-6
    mu = torch.zeros(4, dtype=F64)
    log_std = torch.full((4,), math.log(2.0) + math.log1p(eps), dtype=F64)
    got = gaussian_kl_to_prior(mu, log_std, 2.0).sum().item()
    t = 2 * math.log1p(eps)
    expected = 4 * 0.5 * (math.expm1(t) - t)
    assert got == pytest.approx(expected, rel=1e-6)
    assert got == pytest.approx(4 * eps**2, rel=1e-4)
    # exactly the prior: exactly 0
    assert gaussian_kl_to_prior(mu, torch.full((4,), math.log(2.0), dtype=F64), 2.0).sum() == 0


def test_kl_minimised_at_the_prior():
    """Descending the KL alone drives mu to 0 and sigma to prior_std, and the KL to 0."""
    layer = BayesianLinear(4, 3, prior_std=0.3, init_log_std=-3.0).double()
    opt = torch.optim.Adam(layer.parameters(), lr=0.05)
    start = layer.kl().item()
    for _ in range(600):
        opt.zero_grad()
        layer.kl().backward()
        opt.step()
    assert start > 10
    assert layer.kl().item() < 1e-4
    assert torch.allclose(layer.weight_std, torch.full((3, 4), 0.3, dtype=F64), rtol=1e-2)
    assert layer.weight_mu.abs().max().item() < 1e-2


def test_total_kl_sums_layers():
    model = nn.Sequential(
        BayesianLinear(3, 5, prior_std=0.5), nn.ReLU(), BayesianLinear(5, 1, prior_std=2.0)
    )
    expected = model[0].kl() + model[2].kl()
    assert total_kl(model).item() == pytest.approx(expected.item(), rel=1e-6)
    assert total_kl(nn.Linear(2, 2)).item() == 0.0


# --------------------------------------------------------------------------- forward


def test_eval_is_the_posterior_mean(device):
    layer = fixed_layer(device, 1.0)
    layer.eval()
    x = torch.randn(16, 3, dtype=F64, device=device)
    y1, y2 = layer(x), layer(x)
    assert torch.equal(y1, y2)
    expected = x @ layer.weight_mu.T + layer.bias_mu
    assert torch.allclose(y1, expected, rtol=1e-12, atol=1e-12)


def test_training_samples_weights(device):
    """Draws differ between calls, and their output moments are those of the posterior."""
    layer = fixed_layer(device, 1.0, seed=3)
    layer.train()
    x = torch.tensor([[1.0, -2.0, 0.5]], dtype=F64, device=device)
    torch.manual_seed(0)
    with torch.no_grad():
        ys = torch.cat([layer(x) for _ in range(8000)])  # (draws, 2)
    assert not torch.equal(ys[0], ys[1])
    mean = x @ layer.weight_mu.T + layer.bias_mu
    var = (x.square() @ layer.weight_std.square().T + layer.bias_std.square()).squeeze(0)
    se = (var / ys.shape[0]).sqrt()
    assert ((ys.mean(0) - mean.squeeze(0)).abs() < 5 * se).all()
    assert torch.allclose(ys.var(0), var, rtol=0.06)
    # one weight draw per call, shared by the batch: identical rows give identical outputs
    batch = layer(x.expand(4, 3))
    assert torch.allclose(batch, batch[:1].expand(4, 2))


def test_gradients_reach_means_and_stds(device):
    layer = BayesianLinear(3, 2, prior_std=1.0, init_log_std=-1.0).to(device)
    layer.train()
    x = torch.randn(8, 3, device=device)
    layer(x).square().sum().backward()  # the data term alone, through the draw
    for p in (layer.weight_mu, layer.weight_log_std, layer.bias_mu, layer.bias_log_std):
        assert p.grad is not None
        assert p.grad.abs().sum().item() > 0
    # in eval mode the data term does not involve the stds
    layer.zero_grad()
    layer.eval()
    layer(x).square().sum().backward()
    assert layer.weight_log_std.grad is None or layer.weight_log_std.grad.abs().sum() == 0
    # the KL reaches both
    layer.zero_grad()
    layer.kl().backward()
    assert layer.weight_mu.grad.abs().sum().item() > 0
    assert layer.weight_log_std.grad.abs().sum().item() > 0


def test_no_bias():
    layer = BayesianLinear(3, 2, bias=False)
    assert layer.bias_mu is None
    assert layer.bias_std is None
    assert len(list(layer.parameters())) == 2
    layer.eval()
    x = torch.randn(5, 3)
    assert torch.allclose(layer(x), x @ layer.weight_mu.T)
    assert "prior_std=1" in repr(layer)


def test_init_log_std():
    layer = BayesianLinear(4, 3, init_log_std=-2.0)
    assert torch.allclose(layer.weight_std, torch.full((3, 4), math.exp(-2.0)))
    assert torch.allclose(layer.bias_std, torch.full((3,), math.exp(-2.0)))


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan"), float("inf")])
def test_bad_prior_std(bad):
    with pytest.raises(ValueError, match="prior_std"):
        BayesianLinear(2, 2, prior_std=bad)
    with pytest.raises(ValueError, match="prior_std"):
        gaussian_kl_to_prior(torch.zeros(2), torch.zeros(2), bad)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"in_features": 0}, ValueError, "in_features"),
        ({"out_features": 2.5}, TypeError, "out_features"),
        ({"prior_std": "1"}, TypeError, "prior_std"),
        ({"prior_std": True}, TypeError, "prior_std"),
        ({"init_log_std": float("nan")}, ValueError, "init_log_std"),
        ({"bias": 1}, TypeError, "bias"),
    ],
)
def test_bad_arguments(kwargs, error, name):
    args = {"in_features": 2, "out_features": 2, **kwargs}
    with pytest.raises(error, match=name):
        BayesianLinear(args.pop("in_features"), args.pop("out_features"), **args)


def test_bad_forward_input():
    layer = BayesianLinear(3, 2)
    with pytest.raises(ValueError, match="x has shape"):
        layer(torch.zeros(4, 2))
    with pytest.raises(TypeError, match="x must be a torch.Tensor"):
        layer(np.zeros((4, 3)))
    with pytest.raises(TypeError, match="module"):
        total_kl([layer])
