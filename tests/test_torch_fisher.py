"""fastit.torch.fisher: Fisher diagonal against brute force and closed forms, EWC, bad input."""

from __future__ import annotations

import copy
import warnings

import pytest

torch = pytest.importorskip("torch")

import torch.nn.functional as F  # noqa: E402

from fastit.torch import fisher as fisher_mod  # noqa: E402
from fastit.torch.fisher import EWC, fisher_diagonal  # noqa: E402

F64 = torch.float64


def softmax_regression(d, c, device, seed=0):
    torch.manual_seed(seed)
    return torch.nn.Linear(d, c).to(device=device, dtype=F64)


def mlp(d, h, c, device, seed=0):
    torch.manual_seed(seed)
    return torch.nn.Sequential(torch.nn.Linear(d, h), torch.nn.Tanh(), torch.nn.Linear(h, c)).to(
        device=device, dtype=F64
    )


def class_data(n, d, c, device, seed=1):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g, dtype=F64)
    y = torch.randint(0, c, (n,), generator=g)
    return x.to(device), y.to(device)


def brute_empirical(model, x, y, loglik):
    """Per-sample gradients by a plain loop (batch of one each), squared and averaged."""
    params = dict(model.named_parameters())
    acc = {k: torch.zeros_like(p) for k, p in params.items()}
    for i in range(x.shape[0]):
        ll = loglik(model(x[i : i + 1]), y[i : i + 1])
        grads = torch.autograd.grad(ll, list(params.values()))
        for k, g in zip(params, grads, strict=True):
            acc[k] += g.detach() ** 2
    return {k: a / x.shape[0] for k, a in acc.items()}


def ce_loglik(out, y):
    return -F.cross_entropy(out, y, reduction="sum")


def gauss_loglik(out, y):
    return -0.5 * ((y.reshape(out.shape) - out) ** 2).sum()


def assert_close_dict(got, want, **tol):
    assert list(got) == list(want)
    for k in want:
        assert got[k].shape == want[k].shape, k
        torch.testing.assert_close(got[k], want[k], **tol)


# --------------------------------------------------------------------------- empirical


@pytest.mark.parametrize("make", ["softmax", "mlp"])
def test_empirical_matches_per_sample_loop(device, make):
    model = softmax_regression(4, 3, device) if make == "softmax" else mlp(4, 6, 3, device)
    x, y = class_data(40, 4, 3, device)
    got = fisher_diagonal(model, (x, y), progress=False)
    want = brute_empirical(model, x, y, ce_loglik)
    assert_close_dict(got, want, rtol=1e-10, atol=1e-14)
    for k, p in model.named_parameters():
        assert got[k].device == p.device
        assert got[k].dtype == p.dtype


def test_empirical_closed_form_softmax_regression(device):
    # g_W = (onehot(y) - p) x^T, g_b = onehot(y) - p
    model = softmax_regression(3, 4, device)
    x, y = class_data(30, 3, 4, device)
    got = fisher_diagonal(model, (x, y), progress=False)
    with torch.no_grad():
        r = F.one_hot(y, 4).to(F64) - torch.softmax(model(x), 1)
    torch.testing.assert_close(got["weight"], ((r**2).T @ (x**2)) / 30)
    torch.testing.assert_close(got["bias"], (r**2).mean(0))


def test_fisher_is_mean_of_squares_not_square_of_mean(device):
    # At a fitted optimum the batch gradient is ~0 but the Fisher is not.
    model = softmax_regression(2, 2, device)
    x, y = class_data(200, 2, 2, device)
    opt = torch.optim.LBFGS(model.parameters(), max_iter=200, tolerance_grad=1e-12)

    def closure():
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        return loss

    opt.step(closure)
    batch_grad = torch.autograd.grad(F.cross_entropy(model(x), y), model.weight)[0]
    fisher = fisher_diagonal(model, (x, y), progress=False)
    # (E g)^2 is ~1e-12 here, E[g^2] is O(0.1): they are not the same thing
    assert float(fisher["weight"].min()) > 1e-3
    assert float(batch_grad.square().max()) < 1e-6 * float(fisher["weight"].min())


# --------------------------------------------------------------------------- true Fisher


def test_true_fisher_exact_closed_form_softmax(device):
    # F = E_x[(diag(p) - p p^T) kron x x^T]: diagonal p_c (1 - p_c) x_j^2 (bias: x_j = 1)
    model = softmax_regression(5, 4, device)
    x, y = class_data(50, 5, 4, device)
    got = fisher_diagonal(model, (x, y), empirical=False, progress=False)
    with torch.no_grad():
        p = torch.softmax(model(x), 1)
    v = p * (1 - p)
    torch.testing.assert_close(got["weight"], v.T @ x**2 / 50, rtol=1e-10, atol=1e-14)
    torch.testing.assert_close(got["bias"], v.mean(0), rtol=1e-10, atol=1e-14)


def test_true_fisher_exact_is_probability_weighted_sum_over_labels(device):
    model = mlp(3, 5, 3, device)
    x, _ = class_data(12, 3, 3, device)
    got = fisher_diagonal(model, x, empirical=False, loss="cross_entropy", progress=False)
    with torch.no_grad():
        p = torch.softmax(model(x), 1)
    want = {k: torch.zeros_like(v) for k, v in model.named_parameters()}
    for c in range(3):
        yc = torch.full((12,), c, device=device)
        # per-sample squared gradients for label c, weighted by p_c(x_i)
        for i in range(12):
            ll = ce_loglik(model(x[i : i + 1]), yc[i : i + 1])
            grads = torch.autograd.grad(ll, list(model.parameters()))
            for k, g in zip(want, grads, strict=True):
                want[k] += p[i, c] * g**2 / 12
    assert_close_dict(got, want, rtol=1e-10, atol=1e-14)


def test_true_fisher_sampled_converges_to_exact(device):
    model = softmax_regression(3, 3, device)
    with torch.no_grad():
        model.weight.mul_(2.0)
    x, y = class_data(100, 3, 3, device)
    exact = fisher_diagonal(model, (x, y), empirical=False, progress=False)
    mc = fisher_diagonal(
        model, (x, y), empirical=False, n_samples=400, random_state=0, progress=False
    )
    for k in exact:  # 40,000 draws: a few per cent
        torch.testing.assert_close(mc[k], exact[k], rtol=0.05, atol=1e-3)
    again = fisher_diagonal(
        model, (x, y), empirical=False, n_samples=400, random_state=0, progress=False
    )
    other = fisher_diagonal(
        model, (x, y), empirical=False, n_samples=400, random_state=1, progress=False
    )
    assert_close_dict(again, mc, rtol=0, atol=0)
    assert not torch.equal(other["weight"], mc["weight"])


def test_gaussian_true_fisher_exact_and_sampled(device):
    # y ~ N(W x + b, I): F = E_x[J^T J], diag x_j^2 for W[k, j] and 1 for b[k]
    model = softmax_regression(3, 2, device)
    g = torch.Generator().manual_seed(3)
    x = torch.randn(60, 3, generator=g, dtype=F64).to(device)
    y = torch.randn(60, 2, generator=g, dtype=F64).to(device)
    exact = fisher_diagonal(model, (x, y), empirical=False, progress=False)
    torch.testing.assert_close(exact["weight"], (x**2).mean(0).expand(2, 3))
    torch.testing.assert_close(exact["bias"], torch.ones(2, dtype=F64, device=device))
    mc = fisher_diagonal(
        model, (x, y), empirical=False, n_samples=500, random_state=0, progress=False
    )
    for k in exact:
        torch.testing.assert_close(mc[k], exact[k], rtol=0.06, atol=0)


def test_gaussian_empirical_closed_form_and_scalar_output(device):
    model = softmax_regression(3, 1, device)
    g = torch.Generator().manual_seed(4)
    x = torch.randn(40, 3, generator=g, dtype=F64).to(device)
    y = torch.randn(40, generator=g, dtype=F64).to(device)  # (n,) against output (n, 1)
    got = fisher_diagonal(model, (x, y), progress=False)  # float labels: gaussian
    with torch.no_grad():
        r = y - model(x)[:, 0]
    torch.testing.assert_close(got["weight"], ((r**2) @ (x**2) / 40).reshape(1, 3))
    torch.testing.assert_close(got["bias"], (r**2).mean().reshape(1))
    want = brute_empirical(model, x, y, gauss_loglik)
    assert_close_dict(got, want)


# --------------------------------------------------------------------------- data, modes


def test_batches_dataloader_and_uneven_batches(device):
    model = mlp(4, 5, 3, device)
    x, y = class_data(37, 4, 3, "cpu")
    whole = fisher_diagonal(model, (x.to(device), y.to(device)), progress=False)
    ds = torch.utils.data.TensorDataset(x, y)
    loader = torch.utils.data.DataLoader(ds, batch_size=10)  # 10, 10, 10, 7; on the CPU
    assert_close_dict(fisher_diagonal(model, loader, progress=True), whole)
    batches = [(x[:5], y[:5]), [x[5:5], y[5:5]], (x[5:], y[5:])]  # an empty one is skipped
    assert_close_dict(fisher_diagonal(model, iter(batches), progress=False), whole)


def test_eval_mode_for_the_computation_and_modes_restored(device):
    torch.manual_seed(0)
    model = torch.nn.Sequential(
        torch.nn.Linear(4, 8), torch.nn.Dropout(0.5), torch.nn.BatchNorm1d(8), torch.nn.Linear(8, 3)
    ).to(device=device, dtype=F64)
    x, y = class_data(30, 4, 3, device)
    model.train()
    model(x)  # give batch norm running statistics
    model[2].eval()  # a submodule the caller left in eval mode stays so
    got = fisher_diagonal(model, (x, y), progress=False)
    assert model.training
    assert model[1].training
    assert not model[2].training
    model.eval()
    want = brute_empirical(model, x, y, ce_loglik)
    assert_close_dict(got, want, rtol=1e-10, atol=1e-14)


def test_frozen_parameters_left_out(device):
    model = mlp(3, 4, 2, device)
    model[0].weight.requires_grad_(False)
    x, y = class_data(10, 3, 2, device)
    got = fisher_diagonal(model, (x, y), progress=False)
    assert list(got) == ["0.bias", "2.weight", "2.bias"]


def test_chunking_does_not_change_the_result(device, monkeypatch):
    model = mlp(4, 5, 3, device)
    x, y = class_data(25, 4, 3, device)
    want = fisher_diagonal(model, (x, y), empirical=False, progress=False)
    monkeypatch.setattr(fisher_mod, "_GRAD_BUDGET", 7)  # one pair per chunk
    assert_close_dict(fisher_diagonal(model, (x, y), empirical=False, progress=False), want)


class ItemModel(torch.nn.Module):
    """Data-dependent control flow: vmap cannot trace it."""

    def __init__(self):
        super().__init__()
        self.lin = torch.nn.Linear(3, 2)

    def forward(self, x):
        if float(x.abs().sum().item()) > 1e9:
            return 2 * self.lin(x)
        return self.lin(x)


def test_falls_back_to_a_loop_when_vmap_cannot_trace(device):
    torch.manual_seed(0)
    model = ItemModel().to(device=device, dtype=F64)
    x, y = class_data(15, 3, 2, device)
    with pytest.warns(RuntimeWarning, match="vmap cannot trace"):
        got = fisher_diagonal(model, [(x[:8], y[:8]), (x[8:], y[8:])], progress=False)
    want = brute_empirical(model, x, y, ce_loglik)
    assert_close_dict(got, want, rtol=1e-10, atol=1e-14)
    with pytest.warns(RuntimeWarning, match="vmap cannot trace"):
        exact = fisher_diagonal(model, (x, y), empirical=False, progress=False)
    plain = torch.nn.Linear(3, 2).to(device=device, dtype=F64)
    plain.load_state_dict({k.removeprefix("lin."): v for k, v in model.state_dict().items()})
    want = fisher_diagonal(plain, (x, y), empirical=False, progress=False)
    torch.testing.assert_close(exact["lin.weight"], want["weight"])


def test_float32_model(device):
    torch.manual_seed(0)
    model = torch.nn.Linear(4, 3).to(device)
    x, y = class_data(20, 4, 3, device)
    got = fisher_diagonal(model, (x.float(), y), progress=False)
    want = brute_empirical(model, x.float(), y, ce_loglik)
    assert got["weight"].dtype == torch.float32
    assert_close_dict(got, want, rtol=1e-5, atol=1e-7)


# --------------------------------------------------------------------------- bad input


def test_bad_input_names_the_argument():
    model = torch.nn.Linear(3, 2)
    x, y = torch.randn(6, 3), torch.randint(0, 2, (6,))
    with pytest.raises(TypeError, match="model must be a torch.nn.Module"):
        fisher_diagonal("model", (x, y))
    with pytest.raises(ValueError, match="no trainable parameters"):
        fisher_diagonal(torch.nn.ReLU(), (x, y))
    with pytest.raises(ValueError, match="data is empty"):
        fisher_diagonal(model, [], progress=False)
    with pytest.raises(ValueError, match="data is empty"):
        fisher_diagonal(model, (x[:0], y[:0]), progress=False)
    with pytest.raises(TypeError, match="data must be"):
        fisher_diagonal(model, 5)
    with pytest.raises(TypeError, match=r"data must yield \(x, y\)"):
        fisher_diagonal(model, [(x, y, y)], progress=False)
    with pytest.raises(ValueError, match="loss must be"):
        fisher_diagonal(model, (x, y), loss="mse")
    with pytest.raises(ValueError, match="n_samples"):
        fisher_diagonal(model, (x, y), n_samples=3)
    with pytest.raises(ValueError, match="n_samples must be at least 1"):
        fisher_diagonal(model, (x, y), empirical=False, n_samples=0)
    with pytest.raises(TypeError, match="empirical must be True or False"):
        fisher_diagonal(model, (x, y), empirical="yes")
    with pytest.raises(ValueError, match=r"labels must be class indices in \[0, 2\)"):
        fisher_diagonal(model, (x, y + 1), progress=False)
    with pytest.raises(ValueError, match=r"labels have shape \(6, 1\)"):
        fisher_diagonal(model, (x, y[:, None]), progress=False)
    with pytest.raises(TypeError, match="integer class labels"):
        fisher_diagonal(model, (x, y.double()), loss="cross_entropy", progress=False)
    with pytest.raises(TypeError, match="real-valued targets"):
        fisher_diagonal(model, (x, y), loss="gaussian", progress=False)
    with pytest.raises(ValueError, match="one target per output"):
        fisher_diagonal(model, (x, torch.randn(6, 3)), progress=False)
    with pytest.raises(ValueError, match="without labels"):
        fisher_diagonal(model, x, progress=False)
    with pytest.raises(TypeError, match="loss=None infers"):
        fisher_diagonal(model, (x, y.bool()), progress=False)
    with pytest.raises(ValueError, match="NaN or inf"):
        fisher_diagonal(model, (x * float("nan"), y), progress=False)
    with pytest.raises(ValueError, match=r"\(batch, n_classes\)"):
        fisher_diagonal(
            torch.nn.Sequential(model, torch.nn.Unflatten(1, (1, 2))), (x, y), progress=False
        )


# --------------------------------------------------------------------------- EWC


def test_ewc_penalty_formula_anchor_and_gradient(device):
    model = mlp(3, 4, 2, device)
    x, y = class_data(20, 3, 2, device)
    ewc = EWC(model, lam=7.5, progress=False)
    zero = ewc.penalty()
    assert zero.shape == ()
    assert float(zero) == 0.0
    assert zero.device.type == device
    fisher = ewc.consolidate((x, y))
    assert ewc.n_tasks == 1
    assert_close_dict(fisher, fisher_diagonal(model, (x, y), progress=False))
    assert float(ewc.penalty().detach()) == 0.0  # at the anchor
    anchors = {k: p.detach().clone() for k, p in model.named_parameters()}
    torch.manual_seed(5)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.3 * torch.randn_like(p))
    pen = ewc.penalty()
    params = dict(model.named_parameters())
    want = 0.5 * 7.5 * sum(((fisher[k] * (params[k] - anchors[k]) ** 2).sum()) for k in fisher)
    torch.testing.assert_close(pen, want)
    assert float(pen.detach()) > 0
    grads = torch.autograd.grad(pen, list(params.values()))
    for k, g in zip(params, grads, strict=True):
        torch.testing.assert_close(g, 7.5 * fisher[k] * (params[k] - anchors[k]).detach())


@pytest.mark.parametrize("gamma", [1.0, 0.5])
def test_ewc_online_accumulation(device, gamma):
    model = mlp(3, 4, 2, device)
    xa, ya = class_data(20, 3, 2, device, seed=1)
    xb, yb = class_data(20, 3, 2, device, seed=2)
    ewc = EWC(model, lam=1.0, gamma=gamma, progress=False)
    fa = ewc.consolidate((xa, ya))
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.1)
    fb = ewc.consolidate((xb, yb))
    assert ewc.n_tasks == 2
    for k, p in model.named_parameters():
        torch.testing.assert_close(ewc.fisher[k], gamma * fa[k] + fb[k])
        assert torch.equal(ewc.anchors[k], p.detach())  # anchored at the latest parameters
    assert float(ewc.penalty().detach()) == 0.0


def test_ewc_true_fisher_options_and_state_checks(device):
    model = mlp(3, 4, 2, device)
    x, y = class_data(20, 3, 2, device)
    ewc = EWC(model, lam=1.0, empirical=False, n_samples=3, random_state=0, progress=False)
    f = ewc.consolidate((x, y))
    assert all(bool((v >= 0).all()) for v in f.values())
    model[2] = torch.nn.Linear(4, 3).to(device=device, dtype=F64)
    with pytest.raises(ValueError, match="was consolidated with shape"):
        ewc.penalty()


def test_ewc_bad_input():
    model = torch.nn.Linear(3, 2)
    with pytest.raises(ValueError, match="lam must be finite and >= 0"):
        EWC(model, lam=-1.0)
    with pytest.raises(ValueError, match="lam must be finite"):
        EWC(model, lam=float("inf"))
    with pytest.raises(TypeError, match="lam must be a real number"):
        EWC(model, lam="big")
    with pytest.raises(ValueError, match=r"gamma must be in \[0, 1\]"):
        EWC(model, lam=1.0, gamma=1.5)
    with pytest.raises(ValueError, match="n_samples"):
        EWC(model, lam=1.0, n_samples=5)
    with pytest.raises(ValueError, match="loss must be"):
        EWC(model, lam=1.0, loss="hinge")
    with pytest.raises(TypeError, match="model must be"):
        EWC(None, lam=1.0)
    with pytest.raises(ValueError, match="no trainable parameters"):
        EWC(torch.nn.Tanh(), lam=1.0)


# --------------------------------------------------------------------------- forgetting


def _task(n, shift, rule_seed, data_seed):
    """Labels from a linear rule of its own, on inputs around a centre of its own."""
    d = shift.shape[0]
    x = torch.randn(n, d, generator=torch.Generator().manual_seed(data_seed)) + shift
    w = torch.randn(d, generator=torch.Generator().manual_seed(rule_seed))
    return x, ((x - shift) @ w > 0).long()


def _train(model, x, y, steps, ewc=None):
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(steps):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), y)
        if ewc is not None:
            loss = loss + ewc.penalty()
        loss.backward()
        opt.step()


def _accuracy(model, x, y):
    with torch.no_grad():
        return float((model(x).argmax(1) == y).float().mean())


@pytest.mark.usefixtures("one_torch_thread")
def test_ewc_reduces_forgetting():
    d = 10
    centre = torch.zeros(d)
    centre[0] = 3.0
    xa, ya = _task(1000, centre, rule_seed=100, data_seed=1)
    xb, yb = _task(1000, -centre, rule_seed=200, data_seed=2)
    xa_test, ya_test = _task(1000, centre, rule_seed=100, data_seed=3)
    xb_test, yb_test = _task(1000, -centre, rule_seed=200, data_seed=4)
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(d, 64), torch.nn.ReLU(), torch.nn.Linear(64, 2))
    _train(model, xa, ya, 300)
    acc_a = _accuracy(model, xa_test, ya_test)
    assert acc_a > 0.95

    plain = copy.deepcopy(model)
    _train(plain, xb, yb, 300)
    with_ewc = copy.deepcopy(model)
    ewc = EWC(with_ewc, lam=1000.0, empirical=False, progress=False)
    ewc.consolidate((xa, ya))
    _train(with_ewc, xb, yb, 300, ewc=ewc)

    plain_a, plain_b = _accuracy(plain, xa_test, ya_test), _accuracy(plain, xb_test, yb_test)
    ewc_a, ewc_b = _accuracy(with_ewc, xa_test, ya_test), _accuracy(with_ewc, xb_test, yb_test)
    print(f"task A: {acc_a:.3f} after A; after B {plain_a:.3f} plain, {ewc_a:.3f} EWC")
    print(f"task B: {plain_b:.3f} plain, {ewc_b:.3f} EWC")
    assert plain_a < acc_a - 0.15  # training on B alone forgets A
    assert ewc_a > plain_a + 0.1  # EWC keeps much of it
    assert ewc_b > 0.9  # while still learning B


def test_no_warnings_from_a_plain_run():
    model = torch.nn.Linear(3, 2)
    x, y = torch.randn(6, 3), torch.randint(0, 2, (6,))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fisher_diagonal(model, (x, y), progress=False)
