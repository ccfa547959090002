"""fastit.torch.neural_mi: the bounds as formulas, MINE's corrected gradient, accuracy on
Gaussians with known mutual information, InfoNCE's log-batch cap, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from fastit import EstimationWarning  # noqa: E402
from fastit.torch import neural_mi as nm  # noqa: E402
from fastit.torch.neural_mi import (  # noqa: E402
    MINE,
    ConcatCritic,
    SeparableCritic,
    dv_bound,
    estimate_mutual_info,
    infonce_bound,
    nwj_bound,
    score_matrix,
)

F64 = torch.float64

# Train on one thread: on small batches torch's intra-op threads cost far more than they
# save (15x the CPU time per step on a loaded 2-core machine).
pytestmark = pytest.mark.usefixtures("one_torch_thread")


def gaussian(d, mi, n, seed, device="cpu"):
    """d independent pairs (x_k, y_k) with correlation rho: I = -d/2 ln(1 - rho^2)."""
    rho = math.sqrt(1.0 - math.exp(-2.0 * mi / d))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    y = rho * x + math.sqrt(1.0 - rho**2) * rng.standard_normal((n, d))
    as_t = lambda a: torch.tensor(a, dtype=torch.float32, device=device)  # noqa: E731
    return as_t(x), as_t(y)


def val(t):
    return float(t.detach())


def fit(x, y, **kwargs):
    kwargs.setdefault("progress", False)
    return estimate_mutual_info(x, y, **kwargs)


# --------------------------------------------------------------------------- the bounds


def test_dv_bound_by_hand(device):
    joint = torch.tensor([1.0, 2.0, 3.0], dtype=F64, device=device)
    marginal = torch.tensor([0.0, math.log(3.0)], dtype=F64, device=device)
    # mean 2, log mean exp = log((1 + 3) / 2)
    assert float(dv_bound(joint, marginal)) == pytest.approx(2.0 - math.log(2.0), abs=1e-14)
    # invariant to a constant shift of the critic
    assert float(dv_bound(joint + 7.0, marginal + 7.0)) == pytest.approx(
        2.0 - math.log(2.0), abs=1e-12
    )


def test_dv_bound_is_stable_for_large_scores(device):
    joint = torch.tensor([1000.0], dtype=F64, device=device)
    marginal = torch.tensor([1000.0, 1000.0 + math.log(3.0)], dtype=F64, device=device)
    assert float(dv_bound(joint, marginal)) == pytest.approx(-math.log(2.0), abs=1e-10)


def test_nwj_bound_by_hand(device):
    joint = torch.tensor([1.0, 2.0], dtype=F64, device=device)
    marginal = torch.tensor([1.0, 1.0 + math.log(2.0)], dtype=F64, device=device)
    # 1.5 - mean(e^0, e^ln2) = 1.5 - 1.5
    assert float(nwj_bound(joint, marginal)) == pytest.approx(0.0, abs=1e-14)
    marginal = torch.tensor([0.0, 2.0], dtype=F64, device=device)
    expected = 1.5 - (math.exp(-1.0) + math.exp(1.0)) / 2
    assert float(nwj_bound(joint, marginal)) == pytest.approx(expected, abs=1e-14)


def test_nwj_never_exceeds_dv(device):
    # log z <= z / e for z > 0, so for any critic NWJ <= DV; equal at mean(e^T_m) = e
    gen = torch.Generator().manual_seed(3)
    for _ in range(20):
        joint = torch.randn(50, generator=gen, dtype=F64).to(device)
        marginal = (3 * torch.randn(70, generator=gen, dtype=F64)).to(device)
        assert float(nwj_bound(joint, marginal)) <= float(dv_bound(joint, marginal)) + 1e-12
    marginal = torch.full((4,), 1.0, dtype=F64, device=device)
    assert float(nwj_bound(joint, marginal)) == pytest.approx(float(dv_bound(joint, marginal)))


def test_infonce_bound_by_hand(device):
    s = torch.tensor([[math.log(3.0), 0.0], [0.0, 0.0]], dtype=F64, device=device)
    # log 2 + ((ln 3 - ln 4) + (0 - ln 2)) / 2 = ln(3/2) / 2
    assert float(infonce_bound(s)) == pytest.approx(0.5 * math.log(1.5), abs=1e-14)
    # rows are the x's: transposing changes the value
    s = torch.tensor([[1.0, 2.0, 0.0], [0.5, 0.0, 1.0], [3.0, 0.0, 2.0]], dtype=F64)
    expected = math.log(3) + np.mean(
        [s[i, i].item() - math.log(sum(math.exp(v) for v in s[i].tolist())) for i in range(3)]
    )
    assert float(infonce_bound(s.to(device))) == pytest.approx(expected, abs=1e-14)
    assert float(infonce_bound(s.T.to(device))) != pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize("k", [2, 8, 64])
def test_infonce_diagonal_dominant_approaches_log_batch(device, k):
    def value(c):
        return float(infonce_bound(c * torch.eye(k, dtype=F64, device=device)))

    for c in (0.0, 1.0, 3.0):
        # log K + c - log(e^c + K - 1)
        assert value(c) == pytest.approx(math.log(k) + c - math.log(math.exp(c) + k - 1), abs=1e-13)
    values = [value(c) for c in (1.0, 5.0, 10.0, 40.0)]
    assert values == sorted(values)
    assert values[-1] <= math.log(k)
    assert values[-1] == pytest.approx(math.log(k), abs=1e-12)
    assert value(0.0) == pytest.approx(0.0, abs=1e-14)


def test_bounds_are_differentiable(device):
    joint = torch.tensor([0.5, 1.5], dtype=F64, device=device, requires_grad=True)
    marginal = torch.tensor([0.0, 1.0, 2.0], dtype=F64, device=device, requires_grad=True)
    dv_bound(joint, marginal).backward()
    # d/dT_m of -log mean exp = -softmax
    soft = torch.softmax(marginal.detach(), 0)
    assert torch.allclose(marginal.grad, -soft)
    assert torch.allclose(joint.grad, torch.full_like(joint, 0.5))
    s = torch.zeros(3, 3, dtype=F64, device=device, requires_grad=True)
    infonce_bound(s).backward()
    expected = (torch.eye(3, dtype=F64) - 1.0 / 3) / 3
    assert torch.allclose(s.grad.cpu(), expected)


def test_bound_errors():
    with pytest.raises(TypeError, match="scores_joint must be a torch.Tensor"):
        dv_bound([1.0], torch.zeros(2))
    with pytest.raises(TypeError, match="floating point"):
        nwj_bound(torch.zeros(2), torch.zeros(2, dtype=torch.long))
    with pytest.raises(ValueError, match="scores_marginal is empty"):
        dv_bound(torch.zeros(2), torch.zeros(0))
    with pytest.raises(ValueError, match=r"square \(K, K\)"):
        infonce_bound(torch.zeros(2, 3))
    with pytest.raises(ValueError, match=r"square \(K, K\)"):
        infonce_bound(torch.zeros(4))


# --------------------------------------------------------------------------- critics


@pytest.mark.parametrize("cls", [ConcatCritic, SeparableCritic])
def test_critic_pairwise_matches_forward(device, cls):
    torch.manual_seed(0)
    critic = cls(2, 3, hidden=8, layers=1).to(device=device, dtype=F64)
    x = torch.randn(5, 2, dtype=F64, device=device)
    y = torch.randn(4, 3, dtype=F64, device=device)
    matrix = critic.pairwise(x, y)
    assert matrix.shape == (5, 4)
    for i in range(5):
        assert torch.allclose(matrix[i], critic(x[i].expand(4, 2), y))
    # a critic without pairwise(): score_matrix calls it on all K^2 pairs
    square = critic.pairwise(x[:4], y)
    generic = score_matrix(lambda a, b: critic(a, b).unsqueeze(1), x[:4], y)
    assert torch.allclose(generic, square)


def test_critic_errors():
    with pytest.raises(ValueError, match="x_dim must be at least 1"):
        ConcatCritic(0, 1)
    with pytest.raises(TypeError, match="hidden must be an int"):
        SeparableCritic(1, 1, hidden=2.5)
    with pytest.raises(ValueError, match="one score per pair"):
        nm._critic_scores(lambda a, b: torch.zeros(len(a), 2), torch.zeros(3, 1), torch.zeros(3, 1))


# --------------------------------------------------------------------------- MINE


class Bilinear(torch.nn.Module):
    """T(x, y) = a x y + b: gradients by hand are (mean x y ..., ...)."""

    def __init__(self):
        super().__init__()
        self.a = torch.nn.Parameter(torch.tensor(0.7, dtype=F64))
        self.b = torch.nn.Parameter(torch.tensor(-0.3, dtype=F64))

    def forward(self, x, y):
        return self.a * (x * y).sum(1) + self.b


def batch(seed, n=6, device="cpu"):
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 1, generator=g, dtype=F64)
    y = x + 0.5 * torch.randn(n, 1, generator=g, dtype=F64)
    return x.to(device), y.to(device), y[torch.tensor([3, 0, 5, 1, 2, 4])].to(device)


def grads(module, loss):
    module.zero_grad()
    loss.backward()
    return torch.stack([module.critic.a.grad.clone(), module.critic.b.grad.clone()])


def test_mine_gradient_uses_the_moving_average(device):
    decay = 0.9
    # (the average is kept in float32, whatever the critic: hence rel 1e-6)
    mine = MINE(Bilinear(), ema_decay=decay).to(device)
    crit = mine.critic

    def by_hand(x, y, ys, ema):
        # -(mean grad T_joint - mean(e^T_m grad T_m) / ema), grad T = (x y, 1)
        xy_j, xy_m = (x * y).sum(1), (x * ys).sum(1)
        e = torch.exp(crit(x, ys)).detach()
        return -torch.stack([xy_j.mean() - (e * xy_m).mean() / ema, 1.0 - e.mean() / ema]).detach()

    # first batch: the bias-corrected average is the batch's own mean -- the DV gradient
    x1, y1, ys1 = batch(1, device=device)
    m1 = val(torch.exp(crit(x1, ys1)).mean())
    loss1 = mine(x1, y1, y_shuffled=ys1)
    g1 = grads(mine, loss1)
    assert mine.ema == pytest.approx(m1, rel=1e-6)
    assert torch.allclose(g1, by_hand(x1, y1, ys1, m1), rtol=1e-6, atol=1e-6)
    plain1 = grads(mine, -dv_bound(crit(x1, y1), crit(x1, ys1)))
    assert torch.allclose(g1, plain1, rtol=1e-6, atol=1e-6)

    # second batch: the average of both, (decay (1 - decay) m1 + (1 - decay) m2) / (1 - decay^2)
    x2, y2, ys2 = batch(2, device=device)
    m2 = val(torch.exp(crit(x2, ys2)).mean())
    ema = (decay * (1 - decay) * m1 + (1 - decay) * m2) / (1 - decay**2)
    assert abs(ema - m2) > 0.05 * m2  # the two denominators really differ
    loss2 = mine(x2, y2, y_shuffled=ys2)
    assert mine.ema == pytest.approx(ema, rel=1e-6)
    g2 = grads(mine, loss2)
    assert torch.allclose(g2, by_hand(x2, y2, ys2, ema), rtol=1e-6, atol=1e-6)
    # against the plain DV gradient: the joint part is the same, the marginal part is
    # scaled by batch mean / EMA (1/EMA instead of 1/batch mean)
    plain2 = grads(mine, -dv_bound(crit(x2, y2), crit(x2, ys2)))
    joint2 = grads(mine, -crit(x2, y2).mean())
    assert not torch.allclose(g2, plain2, atol=1e-6)
    assert torch.allclose(g2 - joint2, (plain2 - joint2) * m2 / ema, rtol=1e-6, atol=1e-6)

    # the loss's value is minus the plain DV bound; estimate() is the DV bound
    dv2 = val(dv_bound(crit(x2, y2), crit(x2, ys2)))
    assert val(loss2) == pytest.approx(-dv2, abs=1e-12)
    assert mine.estimate(x2, y2, y_shuffled=ys2) == pytest.approx(dv2, abs=1e-12)
    assert val(mine.loss(x2, y2, y_shuffled=ys2)) == pytest.approx(-dv2, abs=1e-12)


def test_mine_eval_mode_leaves_the_average(device):
    mine = MINE(Bilinear()).to(device)
    x, y, ys = batch(4, device=device)
    assert math.isnan(mine.ema)
    mine.eval()
    loss = mine(x, y, y_shuffled=ys)  # no average yet: the batch's own mean
    assert val(loss) == pytest.approx(-val(dv_bound(mine.critic(x, y), mine.critic(x, ys))))
    assert math.isnan(mine.ema)
    mine.train()
    mine(x, y, y_shuffled=ys)
    before = mine.ema
    mine.eval()
    mine(*batch(5, device=device)[:2])
    assert mine.ema == before


def test_mine_default_shuffle_pairs_distinct_samples(device):
    """The default product-of-marginals pairs never put y_i with its own x_i."""
    n = 50
    for seed in range(5):
        g = torch.Generator().manual_seed(seed)
        s = nm._derangement(n, g, torch.device(device))
        assert sorted(s.tolist()) == list(range(n))
        assert bool((s != torch.arange(n, device=device)).all())


def test_mine_default_critic_and_errors(device):
    mine = MINE(x_dim=2, y_dim=3).to(device)
    assert isinstance(mine.critic, ConcatCritic)
    loss = mine(torch.randn(8, 2, device=device), torch.randn(8, 3, device=device))
    assert loss.shape == ()
    with pytest.raises(ValueError, match="needs x_dim and y_dim"):
        MINE()
    with pytest.raises(TypeError, match="critic must be an nn.Module"):
        MINE(lambda x, y: x)
    with pytest.raises(ValueError, match=r"ema_decay must be in \[0, 1\)"):
        MINE(x_dim=1, y_dim=1, ema_decay=1.0)
    with pytest.raises(ValueError, match="y has 7 samples but x has 8"):
        mine(torch.randn(8, 2), torch.randn(7, 3))
    with pytest.raises(ValueError, match="y_shuffled has shape"):
        mine(torch.randn(8, 2), torch.randn(8, 3), y_shuffled=torch.randn(8, 2))


# --------------------------------------------------------------------------- accuracy

# (bound, d, true MI in nats, batch_size): n = 1e4 samples, 500 Adam steps at lr 3e-3.
ACCURACY = [
    ("mine", 1, 1.0, 512),
    ("mine", 1, 2.0, 512),
    ("mine", 5, 1.0, 512),
    ("mine", 5, 2.0, 512),
    ("nwj", 1, 2.0, 512),
    ("nwj", 5, 2.0, 512),
    ("dv", 5, 2.0, 512),
    # log 256 = 5.5 nats, well above the truth
    ("infonce", 1, 2.0, 256),
    ("infonce", 5, 2.0, 256),
]


@pytest.mark.parametrize(("bound", "d", "mi", "batch_size"), ACCURACY)
def test_gaussian_accuracy(device, bound, d, mi, batch_size):
    x, y = gaussian(d, mi, 10_000, seed=d, device=device)
    est = fit(x, y, bound=bound, steps=500, batch_size=batch_size, lr=3e-3, random_state=0)
    assert est.value == pytest.approx(mi, rel=0.10)
    assert est.bound == bound
    assert est.unit == "nats"
    assert est.history.shape == (500,)
    # training made progress: the last batches are far above the first
    assert est.history[-50:].mean() > est.history[:10].mean() + 0.5 * mi


def test_infonce_is_capped_at_log_batch(device):
    """With the truth (6 nats) far above log K, InfoNCE saturates at log K and warns."""
    k = 16
    x, y = gaussian(5, 6.0, 10_000, seed=11, device=device)
    with pytest.warns(EstimationWarning, match=r"of its cap log\(batch_size\)"):
        est = fit(x, y, bound="infonce", steps=300, batch_size=k, lr=3e-3, random_state=0)
    assert est.value <= math.log(k) + 1e-6
    assert est.value >= 0.9 * math.log(k)  # it reaches the cap, far below the truth
    assert (est.history <= math.log(k) + 1e-5).all()
    # the same data with MINE go far beyond the cap
    mine = fit(x, y, bound="mine", steps=300, batch_size=512, lr=3e-3, random_state=0)
    assert mine.value > math.log(k) + 1.0


def test_independent_variables_give_about_zero(device):
    rng = np.random.default_rng(5)
    x = torch.tensor(rng.standard_normal((4000, 2)), dtype=torch.float32, device=device)
    y = torch.tensor(rng.standard_normal((4000, 1)), dtype=torch.float32, device=device)
    for bound in ("mine", "infonce"):
        est = fit(x, y, bound=bound, steps=200, batch_size=256, random_state=1)
        assert abs(est.value) < 0.03


# --------------------------------------------------------------------------- estimate API


def test_reproducible_units_and_numpy_input():
    x, y = gaussian(2, 0.7, 600, seed=3)
    state = torch.get_rng_state()
    a = fit(x, y, steps=40, batch_size=64, random_state=7)
    assert torch.equal(torch.get_rng_state(), state)  # the global RNG is left alone
    b = fit(x.numpy(), y.numpy().astype(np.float64), steps=40, batch_size=64, random_state=7)
    assert a.value == b.value
    np.testing.assert_array_equal(a.history, b.history)
    c = fit(x, y, steps=40, batch_size=64, random_state=8)
    assert c.value != a.value
    bits = fit(x, y, steps=40, batch_size=64, random_state=7, base=2)
    assert bits.unit == "bits"
    assert bits.value == pytest.approx(a.value / math.log(2), rel=1e-12)
    assert a.standard_error > 0
    assert bits.standard_error == pytest.approx(a.standard_error / math.log(2), rel=1e-12)
    np.testing.assert_allclose(bits.history, a.history / math.log(2), rtol=1e-12)
    # None is the fixed seed 0; a Generator gives a seed
    assert (
        fit(x, y, steps=5, batch_size=64).value
        == fit(x, y, steps=5, batch_size=64, random_state=0).value
    )
    fit(x, y, steps=5, batch_size=64, random_state=np.random.default_rng(1))


def test_critic_of_choice_and_holdout(device):
    x, y = gaussian(1, 1.0, 2000, seed=4, device=device)

    class Plain(torch.nn.Module):  # no pairwise(): InfoNCE scores all K^2 pairs
        def __init__(self):
            super().__init__()
            self.net = torch.nn.Sequential(
                torch.nn.Linear(2, 32), torch.nn.Tanh(), torch.nn.Linear(32, 1)
            )

        def forward(self, a, b):
            return self.net(torch.cat([a, b], 1))

    torch.manual_seed(0)
    critic = Plain()
    est = fit(x, y, bound="infonce", critic=critic, steps=300, batch_size=64, lr=3e-3)
    assert est.critic is critic
    assert not critic.training
    assert est.value == pytest.approx(1.0, abs=0.2)
    # holdout=0 trains and evaluates on every sample
    est0 = fit(x, y, bound="nwj", steps=300, batch_size=2000, lr=3e-3, holdout=0.0)
    assert est0.value == pytest.approx(1.0, abs=0.15)
    # float64 critics train on float64 data; 5 steps leave the critic untrained, which the
    # held-out value (a random critic's, below 0) shows and the warning says
    crit64 = ConcatCritic(1, 1, hidden=16).double()
    with pytest.warns(EstimationWarning, match="did not learn"):
        assert fit(x, y, critic=crit64, steps=5, batch_size=32).critic is crit64


def test_progress_bar_runs():
    x, y = gaussian(1, 0.5, 100, seed=0)
    est = estimate_mutual_info(x, y, steps=3, batch_size=16, progress=True)
    assert est.history.shape == (3,)


# --------------------------------------------------------------------------- failed runs


def docstring_data(device="cpu"):
    """The docstring example, I = 0.51 nats: where lr = 0.1 and 1 went wrong silently."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal(2000)
    y = 0.8 * x + 0.6 * rng.standard_normal(2000)
    return torch.tensor(x, device=device), torch.tensor(y, device=device)


@pytest.mark.parametrize(("bound", "lr"), [("nwj", 0.1), ("infonce", 1.0)])
def test_diverged_runs_warn_and_return_the_negative_value(device, bound, lr):
    # Both used to return about -28 and -161 nats without a word.
    x, y = docstring_data(device)
    with pytest.warns(EstimationWarning) as caught:
        est = fit(x, y, bound=bound, lr=lr, steps=300)
    messages = " | ".join(str(w.message) for w in caught)
    assert "training was unstable" in messages
    assert "below 0 by" in messages
    assert "not clipped" in messages
    assert est.value < -10 * est.standard_error  # returned as computed


def test_a_collapsed_run_that_looks_like_independence_warns(device):
    # MINE at lr = 1 ends near 0.02 nats (truth 0.51): harmless-looking, but its training
    # bound fell to thousands of nats below the untrained critic's on the way.
    x, y = docstring_data(device)
    with pytest.warns(EstimationWarning, match="training was unstable") as caught:
        est = fit(x, y, bound="mine", lr=1.0, steps=300)
    assert 0 <= est.value < 0.2
    assert len(caught) == 1


def test_an_overfitted_critic_warns():
    # 100 training samples of 5 + 5 dims and 1000 steps: the critic learns its training
    # pairs (about 1.7 nats there) and keeps little on new ones (truth 1 nat).
    x, y = gaussian(5, 1.0, 200, seed=1)
    with pytest.warns(EstimationWarning, match="overfits the training samples"):
        est = fit(x, y, bound="nwj", steps=1000)
    assert est.value < 0.5 * est.history[-100:].mean()


def _rising(steps, level, noise, seed=0):
    """A well-behaved history: from 0 up to level, with batch noise."""
    rng = np.random.default_rng(seed)
    return level * (1 - np.exp(-np.arange(steps) / (steps / 10))) + noise * rng.standard_normal(
        steps
    )


def test_training_checks_on_histories():
    problems = nm._training_problems
    good = _rising(500, 2.0, 0.15)
    assert problems(good, 1.95, 0.05) == []
    # a dip far below the untrained critic's value: unstable, however it ends
    dipped = good.copy()
    dipped[20] = good[0] - 1.0 - 5 * good[-50:].std() - 0.01
    assert [p.split(":")[0] for p in problems(dipped, 1.95, 0.05)] == ["training was unstable"]
    dipped[20] += 0.02  # just above the threshold
    assert problems(dipped, 1.95, 0.05) == []
    # rise to 2 nats, then fall to 0.5 and stay: collapsed
    collapsed = good.copy()
    collapsed[300:] = 0.5 + 0.15 * np.random.default_rng(1).standard_normal(200)
    assert [p.split(":")[0] for p in problems(collapsed, 0.5, 0.05)] == [
        "the training bound collapsed"
    ]
    # held out: 4 standard errors below 0 is a failed critic, 3.9 is noise
    flat = _rising(500, 0.0, 0.01)
    assert problems(flat, -0.039, 0.01) == []
    assert "below 0 by 4.1 standard errors" in " ".join(problems(flat, -0.041, 0.01))
    assert "below 0 by inf standard errors" in " ".join(problems(flat, -1e-9, 0.0))
    # held out under half the training level, beyond noise and 0.1 nats: overfitted
    assert "overfits" in " ".join(problems(good, 0.9, 0.02))
    assert problems(good, 1.1, 0.02) == []
    small = _rising(500, 0.08, 0.005)
    assert problems(small, 0.0, 0.005) == []  # a gap under 0.1 nats says nothing


class GaussianCritic(torch.nn.Module):
    """A fixed critic: 0.8 times the log density ratio of unit Gaussians with correlation rho
    (plus 1 for NWJ's optimum), so the evaluation's noise can be measured without training."""

    def __init__(self, rho, shift):
        super().__init__()
        self.rho, self.shift = rho, shift

    def forward(self, x, y):
        r = self.rho
        pmi = -0.5 * math.log(1 - r * r) - (r * r * (x * x + y * y) - 2 * r * x * y) / (
            2 * (1 - r * r)
        )
        return 0.8 * pmi.sum(1) + self.shift

    def pairwise(self, x, y):
        return self(x.repeat_interleave(y.shape[0], 0), y.repeat(x.shape[0], 1)).reshape(
            x.shape[0], y.shape[0]
        )


@pytest.mark.parametrize(
    ("bound", "m", "k"), [("dv", 400, 2), ("nwj", 1500, 2), ("infonce", 1000, 64)]
)
def test_standard_error_matches_the_spread_over_samples(bound, m, k):
    rho = math.sqrt(1 - math.exp(-2.0))  # 1 nat
    critic = GaussianCritic(rho, 1.0 if bound == "nwj" else 0.0)
    values, errors = [], []
    for seed in range(40):
        g = torch.Generator().manual_seed(seed)
        x = torch.randn(m, 1, generator=g, dtype=F64)
        y = rho * x + math.sqrt(1 - rho * rho) * torch.randn(m, 1, generator=g, dtype=F64)
        value, error = nm._evaluate(bound, critic, x, y, k, g)
        values.append(value)
        errors.append(error)
    # measured: the mean standard error is 0.85 to 1.06 times the spread, over 21 settings
    assert np.mean(errors) / np.std(values, ddof=1) == pytest.approx(1.0, abs=0.3)


def test_diverging_training_raises():
    class Exploding(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.tensor(200.0))

        def forward(self, a, b):
            return self.w * (a * b).sum(1) ** 2

    x, y = gaussian(1, 0.5, 200, seed=0)
    with pytest.raises(RuntimeError, match="diverged"):
        fit(x, y, bound="nwj", critic=Exploding(), steps=3, batch_size=32)


@pytest.mark.parametrize(
    ("kwargs", "error", "fragment"),
    [
        ({"y": torch.zeros(99)}, ValueError, "y has 99 samples but x has 100"),
        ({"x": torch.zeros(100, 2, 2)}, ValueError, r"x has shape \(100, 2, 2\); pass \(n,\)"),
        ({"x": torch.zeros(1)}, ValueError, "at least 2 samples"),
        ({"x": torch.full((100,), math.nan)}, ValueError, "x contains NaN"),
        ({"y": torch.full((100,), math.inf)}, ValueError, "y contains infinite values"),
        ({"x": np.array(["a"] * 100)}, TypeError, "real numbers"),
        ({"x": torch.zeros(100, dtype=torch.complex64)}, TypeError, "pass real numbers"),
        ({"bound": "mi"}, ValueError, "bound must be one of 'mine', 'infonce'"),
        ({"steps": 0}, ValueError, "steps must be at least 1"),
        ({"steps": 2.5}, TypeError, "steps must be an int"),
        ({"batch_size": 1}, ValueError, "batch_size must be at least 2"),
        ({"batch_size": 51}, ValueError, "only 50 training samples"),
        ({"batch_size": 200, "holdout": 0.0}, ValueError, "batch_size <= 100"),
        ({"bound": "infonce", "batch_size": 40, "holdout": 0.2}, ValueError, "batch_size <= 20"),
        ({"holdout": 1.0}, ValueError, r"holdout must be a fraction in \[0, 1\)"),
        ({"holdout": 0.99}, ValueError, "leaves 1 to train on"),
        ({"lr": 0.0}, ValueError, "lr must be a positive finite number"),
        ({"lr": "fast"}, TypeError, "lr must be a number"),
        ({"critic": lambda a, b: a}, TypeError, "critic must be an nn.Module"),
        ({"critic": torch.nn.Identity()}, ValueError, "no trainable parameters"),
        ({"random_state": "seed"}, TypeError, "random_state must be None, an int"),
        ({"base": 1}, ValueError, "base must be positive and not 1"),
        ({"progress": "yes"}, TypeError, "progress must be True or False"),
        ({"device": "nowhere"}, ValueError, "device must be None, a torch.device"),
    ],
)
def test_bad_input(kwargs, error, fragment):
    args = {"x": torch.zeros(100), "y": torch.randn(100), "steps": 2, "progress": False}
    args.update(kwargs)
    x, y = args.pop("x"), args.pop("y")
    with pytest.raises(error, match=fragment):
        estimate_mutual_info(x, y, **args)


def test_critic_with_wrong_output_shape():
    class Wide(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.net = torch.nn.Linear(2, 3)

        def forward(self, a, b):
            return self.net(torch.cat([a, b], 1))

    with pytest.raises(ValueError, match=r"one score per pair, shape \(n,\) or \(n, 1\)"):
        fit(torch.randn(100), torch.randn(100), critic=Wide(), steps=2)
