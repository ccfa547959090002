"""fastit.torch.bottleneck: KL and VIB loss against hand computations, training, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.usefixtures("one_torch_thread")

from fastit.torch.bottleneck import (  # noqa: E402
    VIBClassifier,
    VIBLoss,
    gaussian_kl,
    information_bottleneck_objective,
    reparameterise,
    vib_loss,
)

F64 = torch.float64
LN2 = math.log(2)


def random_gaussian(n, k, device, seed=0):
    g = torch.Generator().manual_seed(seed)
    mean = torch.randn(n, k, generator=g, dtype=F64)
    log_var = torch.randn(n, k, generator=g, dtype=F64)
    return mean.to(device), log_var.to(device)


def hand_kl(mean, log_var):
    """0.5 sum(sigma^2 + mu^2 - 1 - log sigma^2) per row, in NumPy."""
    m, lv = mean.detach().cpu().numpy(), log_var.detach().cpu().numpy()
    return 0.5 * (np.exp(lv) + m**2 - 1 - lv).sum(axis=1)


def hand_cross_entropy(logits, targets):
    lg = logits.detach().cpu().numpy()
    y = targets.cpu().numpy()
    shifted = lg - lg.max(axis=1, keepdims=True)
    log_softmax = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return -log_softmax[np.arange(len(y)), y]


# --------------------------------------------------------------------------- gaussian_kl


def test_gaussian_kl_closed_form(device):
    mean, log_var = random_gaussian(7, 3, device)
    got = gaussian_kl(mean, log_var)
    assert got.shape == (7,)
    assert got.device.type == device
    np.testing.assert_allclose(got.cpu().numpy(), hand_kl(mean, log_var), rtol=1e-12)
    q = torch.distributions.Normal(mean, (0.5 * log_var).exp())
    p = torch.distributions.Normal(torch.zeros_like(mean), torch.ones_like(mean))
    ref = torch.distributions.kl_divergence(q, p).sum(-1)
    torch.testing.assert_close(got, ref, rtol=1e-12, atol=1e-12)


def test_gaussian_kl_special_values():
    # N(0, I) against itself: 0; a unit shift: 1/2 per dimension; variance e: (e - 2) / 2
    assert gaussian_kl(torch.zeros(3, 4), torch.zeros(3, 4)).tolist() == [0.0] * 3
    assert gaussian_kl(torch.ones(1, 4, dtype=F64), torch.zeros(1, 4, dtype=F64)).item() == 2.0
    one = gaussian_kl(torch.zeros(1, 1, dtype=F64), torch.ones(1, 1, dtype=F64)).item()
    assert one == pytest.approx(0.5 * (math.e - 2.0), rel=1e-15)
    # any leading shape
    assert gaussian_kl(torch.zeros(2, 3, 5), torch.zeros(2, 3, 5)).shape == (2, 3)


def test_gaussian_kl_accurate_near_zero_log_var():
    """log_var = t small: KL = (e^t - 1 - t) / 2 ~ t^2 / 4, lost by the naive formula."""
    t = 1e-7
    got = gaussian_kl(torch.zeros(1, 1, dtype=F64), torch.full((1, 1), t, dtype=F64)).item()
    assert got == pytest.approx(t * t / 4 + t**3 / 12, rel=1e-8)


def test_reparameterise_moments_and_gradients():
    mean = torch.tensor([[1.0, -2.0]], dtype=F64).expand(20000, 2).clone().requires_grad_()
    log_var = torch.tensor([[0.0, math.log(0.25)]], dtype=F64).expand(20000, 2).clone()
    log_var.requires_grad_()
    g = torch.Generator().manual_seed(0)
    z = reparameterise(mean, log_var, generator=g)
    torch.testing.assert_close(z.mean(0), torch.tensor([1.0, -2.0], dtype=F64), atol=0.03, rtol=0)
    torch.testing.assert_close(z.std(0), torch.tensor([1.0, 0.5], dtype=F64), rtol=0.03, atol=0)
    z.sum().backward()
    assert torch.equal(mean.grad, torch.ones_like(mean))
    eps = torch.randn(20000, 2, generator=torch.Generator().manual_seed(0), dtype=F64)
    torch.testing.assert_close(log_var.grad, 0.5 * (0.5 * log_var).exp().detach() * eps)


# --------------------------------------------------------------------------- vib_loss


@pytest.mark.parametrize("beta", [0.0, 1e-3, 0.7, 5.0])
def test_vib_loss_terms(device, beta):
    g = torch.Generator().manual_seed(1)
    logits = torch.randn(9, 4, generator=g, dtype=F64).to(device) * 3
    targets = torch.randint(0, 4, (9,), generator=g).to(device)
    mean, log_var = random_gaussian(9, 2, device, seed=2)
    out = vib_loss(logits, targets, mean, log_var, beta=beta)
    assert isinstance(out, VIBLoss)
    ce = hand_cross_entropy(logits, targets).mean()
    kl = hand_kl(mean, log_var).mean()
    assert out.cross_entropy.item() == pytest.approx(ce, rel=1e-12)
    assert out.kl.item() == pytest.approx(kl, rel=1e-12)
    assert out.kl_bits.item() == pytest.approx(kl / LN2, rel=1e-12)
    assert out.total.item() == pytest.approx(ce + beta * kl, rel=1e-12)
    assert out.total.device.type == device


def test_vib_loss_beta_scales_only_the_kl():
    mean, log_var = random_gaussian(6, 3, "cpu", seed=4)
    logits = torch.randn(6, 2, dtype=F64, generator=torch.Generator().manual_seed(5))
    targets = torch.tensor([0, 1, 1, 0, 1, 0])
    a = vib_loss(logits, targets, mean, log_var, beta=0.0)
    b = vib_loss(logits, targets, mean, log_var, beta=2.5)
    assert torch.equal(a.cross_entropy, b.cross_entropy)
    assert torch.equal(a.kl, b.kl)
    assert a.total.item() == pytest.approx(a.cross_entropy.item(), rel=1e-15)
    assert (b.total - a.total).item() == pytest.approx(2.5 * a.kl.item(), rel=1e-12)
    # gradients: with beta = 0 the Gaussian's parameters get none (the logits are separate)
    for beta, expect_grad in [(0.0, False), (0.5, True)]:
        m = mean.clone().requires_grad_()
        lv = log_var.clone().requires_grad_()
        lg = logits.clone().requires_grad_()
        vib_loss(lg, targets, m, lv, beta=beta).total.backward()
        assert lg.grad.abs().sum() > 0
        assert (m.grad.abs().sum() > 0) == expect_grad
        assert (lv.grad.abs().sum() > 0) == expect_grad
        if expect_grad:  # d KL / d mean = mean / n (mean reduction), times beta
            torch.testing.assert_close(m.grad, beta * mean / 6)


def test_vib_loss_reductions():
    mean, log_var = random_gaussian(5, 2, "cpu")
    logits = torch.randn(5, 3, dtype=F64)
    targets = torch.tensor([0, 2, 1, 1, 0])
    per = vib_loss(logits, targets, mean, log_var, beta=0.3, reduction="none")
    total = vib_loss(logits, targets, mean, log_var, beta=0.3, reduction="sum")
    avg = vib_loss(logits, targets, mean, log_var, beta=0.3)
    assert per.total.shape == per.kl.shape == per.cross_entropy.shape == (5,)
    np.testing.assert_allclose(per.kl.numpy(), hand_kl(mean, log_var), rtol=1e-12)
    for name in VIBLoss._fields:
        assert getattr(total, name).item() == pytest.approx(getattr(per, name).sum().item())
        assert getattr(avg, name).item() == pytest.approx(getattr(per, name).mean().item())


def test_information_bottleneck_objective():
    assert information_bottleneck_objective(2.0, 0.5, 4.0) == 0.0
    assert information_bottleneck_objective(1.5, 1.0, 0.0) == 1.5
    out = information_bottleneck_objective(3, 1, beta=0.5)
    assert isinstance(out, float)
    assert out == 2.5
    # tensors stay tensors, with gradients
    i_xt = torch.tensor([1.0, 2.0], requires_grad=True)
    i_ty = torch.tensor(0.5, requires_grad=True)
    val = information_bottleneck_objective(i_xt, i_ty, beta=3.0)
    assert isinstance(val, torch.Tensor)
    torch.testing.assert_close(val, torch.tensor([-0.5, 0.5]))
    val.sum().backward()
    assert i_ty.grad.item() == -6.0
    assert i_xt.grad.tolist() == [1.0, 1.0]
    # the VIB objective with beta_vib = 1 / beta_ib, up to the factor beta_ib
    b = 4.0
    assert information_bottleneck_objective(2.0, 0.7, b) == pytest.approx(b * (2.0 / b - 0.7))


# --------------------------------------------------------------------------- the classifier


def blobs(n, seed):
    """Three Gaussian classes in 10 dimensions, means 5 apart: Bayes accuracy ~ 0.99."""
    rng = np.random.default_rng(seed)
    centres = np.zeros((3, 10))
    centres[0, 0] = centres[1, 1] = centres[2, 2] = 5.0 / math.sqrt(2)
    y = rng.integers(0, 3, size=n)
    x = centres[y] + rng.normal(size=(n, 10))
    return torch.tensor(x, dtype=torch.float32), torch.tensor(y)


def train_vib(beta, device, steps=150):
    torch.manual_seed(0)
    model = VIBClassifier(10, latent_dim=4, n_classes=3, hidden=(32,), beta=beta).to(device)
    x, y = blobs(600, seed=0)
    x, y = x.to(device), y.to(device)
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    model.train()
    for _ in range(steps):
        loss = model.loss(x, y)
        opt.zero_grad()
        loss.total.backward()
        opt.step()
    model.eval()
    return model


def test_vib_classifier_learns_and_beta_compresses(device):
    models = {beta: train_vib(beta, device) for beta in (1e-3, 0.3)}
    x_test, y_test = blobs(2000, seed=1)
    x_test, y_test = x_test.to(device), y_test.to(device)
    kls = {}
    for beta, model in models.items():
        with torch.no_grad():
            out = model(x_test)
            acc = (out.logits.argmax(1) == y_test).float().mean().item()
            kls[beta] = model.loss(x_test, y_test).kl.item()
        assert acc > 0.9, (beta, acc)
    assert kls[0.3] < 0.5 * kls[1e-3], kls
    assert kls[0.3] > 0.1  # still carries the label (log 3 nats at most is needed)


def test_vib_classifier_sampling_modes(device):
    torch.manual_seed(0)
    model = VIBClassifier(5, latent_dim=3, n_classes=2, hidden=(), beta=0.01).to(device)
    x = torch.randn(4, 5, device=device)
    model.eval()
    a, b = model(x), model(x)
    assert torch.equal(a.logits, b.logits)  # eval: z = mean
    torch.testing.assert_close(a.logits, model.classifier(a.mean))
    assert not torch.equal(model(x, sample=True).logits, a.logits)  # asked to draw
    model.train()
    assert not torch.equal(model(x).logits, model(x).logits)  # training: draws
    assert torch.equal(model(x, sample=False).logits, a.logits)
    # the same generator state gives the same draw, and loss() is vib_loss of forward()
    y = torch.tensor([0, 1, 1, 0], device=device)
    g1 = torch.Generator(device=device).manual_seed(3)
    g2 = torch.Generator(device=device).manual_seed(3)
    out = model(x, generator=g1)
    expected = vib_loss(out.logits, y, out.mean, out.log_var, beta=0.01)
    got = model.loss(x, y, generator=g2)
    for name in VIBLoss._fields:
        torch.testing.assert_close(getattr(got, name), getattr(expected, name))
    model.beta = 0.5
    assert model.beta == 0.5
    assert "beta=0.5" in repr(model)


# --------------------------------------------------------------------------- bad input


def test_bad_beta():
    m, lv = torch.zeros(2, 2), torch.zeros(2, 2)
    lg, y = torch.zeros(2, 3), torch.tensor([0, 1])
    for bad in (-0.1, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="beta"):
            vib_loss(lg, y, m, lv, beta=bad)
        with pytest.raises(ValueError, match="beta"):
            information_bottleneck_objective(1.0, 1.0, bad)
        with pytest.raises(ValueError, match="beta"):
            VIBClassifier(2, 2, 3, beta=bad)
    with pytest.raises(TypeError, match="beta"):
        vib_loss(lg, y, m, lv, beta=True)
    with pytest.raises(TypeError, match="beta"):
        vib_loss(lg, y, m, lv, beta="0.1")
    model = VIBClassifier(2, 2, 3)
    with pytest.raises(ValueError, match="beta"):
        model.beta = -1.0


def test_bad_vib_loss_inputs():
    m, lv = torch.zeros(2, 2), torch.zeros(2, 2)
    lg, y = torch.zeros(2, 3), torch.tensor([0, 1])
    cases = [
        ((lg, y.float(), m, lv), TypeError, "targets"),
        ((lg, [0, 1], m, lv), TypeError, "targets"),
        ((lg, torch.tensor([0, 1, 2]), m, lv), ValueError, "targets"),
        ((lg, torch.tensor([0, 3]), m, lv), ValueError, "targets"),
        ((lg, torch.tensor([-1, 0]), m, lv), ValueError, "targets"),
        ((torch.zeros(2), y, m, lv), ValueError, "logits"),
        ((lg.long(), y, m, lv), TypeError, "logits"),
        ((torch.full((2, 3), float("nan")), y, m, lv), ValueError, "logits"),
        ((lg, y, torch.zeros(3, 2), torch.zeros(3, 2)), ValueError, "mean"),
        ((lg, y, m, torch.zeros(2, 3)), ValueError, "log_var"),
        ((lg, y, m, torch.full((2, 2), float("inf"))), ValueError, "log_var"),
        ((lg, y, np.zeros((2, 2)), lv), TypeError, "mean"),
    ]
    for args, error, name in cases:
        with pytest.raises(error, match=name):
            vib_loss(*args, beta=0.1)
    with pytest.raises(ValueError, match="reduction"):
        vib_loss(lg, y, m, lv, beta=0.1, reduction="max")
    # validate=False skips the value checks (NaN goes through as NaN)
    out = vib_loss(torch.full((2, 3), float("nan")), y, m, lv, beta=0.1, validate=False)
    assert math.isnan(out.total.item())


def test_bad_other_inputs():
    with pytest.raises(ValueError, match="log_var"):
        gaussian_kl(torch.zeros(2, 3), torch.zeros(2, 2))
    with pytest.raises(TypeError, match="mean"):
        gaussian_kl(torch.zeros(2, 3, dtype=torch.long), torch.zeros(2, 3))
    with pytest.raises(ValueError, match="latent_dim"):
        gaussian_kl(torch.zeros(()), torch.zeros(()))
    with pytest.raises(ValueError, match="i_xt"):
        information_bottleneck_objective(float("nan"), 1.0, 1.0)
    with pytest.raises(ValueError, match="i_ty"):
        information_bottleneck_objective(1.0, torch.tensor([1.0, float("inf")]), 1.0)
    with pytest.raises(TypeError, match="i_ty"):
        information_bottleneck_objective(1.0, "0.3", 1.0)
    with pytest.raises(ValueError, match="in_features"):
        VIBClassifier(0, 2, 3)
    with pytest.raises(ValueError, match="n_classes"):
        VIBClassifier(2, 2, 1)
    with pytest.raises(TypeError, match="hidden"):
        VIBClassifier(2, 2, 3, hidden="32")
    with pytest.raises(ValueError, match="hidden"):
        VIBClassifier(2, 2, 3, hidden=(8, 0))
    model = VIBClassifier(4, 2, 3, hidden=(8,))
    with pytest.raises(ValueError, match="x has shape"):
        model(torch.zeros(5, 3))
    with pytest.raises(TypeError, match="x has dtype"):
        model(torch.zeros(5, 4, dtype=torch.long))
    with pytest.raises(TypeError, match="sample"):
        model(torch.zeros(5, 4), sample="yes")
