"""fastit.torch.distributions: against the NumPy twins, closed forms, gradients, bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra.numpy import arrays  # noqa: E402

import fastit.distributions as nd  # noqa: E402
from fastit.torch import distributions as td  # noqa: E402

LN2 = math.log(2)
PAIRS = ["cross_entropy", "kl_divergence", "js_divergence"]
ALL = ["entropy", *PAIRS]
LOGIT_FLAGS = [(False, False), (True, False), (False, True), (True, True)]
SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
F64 = torch.float64


def t(x, device, dtype=F64):
    return torch.as_tensor(np.asarray(x), dtype=dtype, device=device)


def torch_fn(name):
    return getattr(td, name)


def numpy_fn(name):
    return getattr(nd, name)


def call(name, p, q=None, **kw):
    """Call a torch function of one or two distributions."""
    if name == "entropy":
        return td.entropy(p, **kw)
    return torch_fn(name)(p, q, **kw)


def call_np(name, p, q=None, **kw):
    if name == "entropy":
        return nd.entropy(p, **kw)
    return numpy_fn(name)(p, q, **kw)


def random_dist(rng, shape, zeros=True):
    """Random counts or weights, some exact zeros (see nonzero_slices)."""
    kind = rng.integers(3)
    if kind == 0:
        a = rng.integers(0, 20, size=shape).astype(float)
    elif kind == 1:
        a = rng.random(shape)
    else:
        a = rng.dirichlet(np.full(shape[-1], 0.5), size=shape[:-1])
    if zeros:
        a = np.where(rng.random(shape) < 0.2, 0.0, a)
    else:
        a = a + 0.05
    return a


def nonzero_slices(a, axis):
    """``a`` with every all-zero slice along ``axis`` given one positive entry."""
    a = np.array(a, dtype=float)
    dead = a.sum(axis=axis, keepdims=True) == 0
    first = np.zeros_like(a)
    np.put_along_axis(first, np.zeros_like(dead, dtype=np.intp), 1.0, axis=axis)
    return a + dead * first


def assert_matches_numpy(name, p, q, device, dim=-1, base=None, rtol=1e-12):
    got = call(name, t(p, device), None if q is None else t(q, device), dim=dim, base=base)
    want = call_np(name, p, q, axis=dim, base=base)
    assert got.dtype == F64
    assert got.device.type == torch.device(device).type
    np.testing.assert_allclose(got.cpu().numpy(), want, rtol=rtol, atol=0)
    return got


# ------------------------------------------------------------ agreement with fastit.distributions


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("name", ALL)
def test_random_inputs_match_numpy(name, seed, device):
    rng = np.random.default_rng(seed)
    shape = tuple(int(s) for s in rng.integers(1, 6, size=int(rng.integers(1, 4))))
    dim = int(rng.integers(-len(shape), len(shape)))
    p = nonzero_slices(random_dist(rng, shape), dim)
    q = nonzero_slices(random_dist(rng, shape, zeros=seed % 2 == 0), dim)
    for base in (None, 2, 10):
        got = assert_matches_numpy(name, p, None if name == "entropy" else q, device, dim, base)
        assert got.shape == tuple(np.delete(np.array(shape), dim % len(shape)))


EDGE_CASES = {
    "zeros in p": ([0.0, 0.3, 0.0, 0.7], [0.1, 0.2, 0.3, 0.4]),
    "zeros in both": ([0.0, 0.5, 0.5], [0.0, 0.2, 0.8]),
    "q zero where p positive": ([0.5, 0.5], [1.0, 0.0]),
    "one-hot": ([0.0, 1.0, 0.0], [0.0, 1.0, 0.0]),
    "disjoint one-hots": ([1.0, 0.0], [0.0, 1.0]),
    "one outcome": ([3.0], [0.2]),
    "counts": ([2, 6, 0, 1], [1, 1, 1, 1]),
    "tiny weights": ([1e-300, 3e-300], [2e-300, 2e-300]),
    "subnormal q": ([0.5, 0.5], [1.0, 1e-310]),
    "subnormal q where p is 0": ([1.0, 0.0, 0.0, 0.0], [1.0, 2.2250738585072014e-308, 1.0, 1.0]),
    "sum overflows": ([1e308, 1e308, 1.0], [1.0, 1.0, 1.0]),
    "batched, one-hot rows": ([[1, 0, 0], [0, 0, 5], [1, 1, 1]], [[1, 1, 0], [0, 1, 1], [0, 0, 1]]),
}


@pytest.mark.parametrize("case", list(EDGE_CASES))
@pytest.mark.parametrize("name", ALL)
def test_edge_cases_match_numpy(name, case, device):
    p, q = EDGE_CASES[case]
    for base in (None, 2):
        assert_matches_numpy(name, p, None if name == "entropy" else q, device, -1, base)


@pytest.mark.parametrize("dim", [0, 1, 2, -2, -3])
@pytest.mark.parametrize("name", ALL)
def test_dim_other_than_last(name, dim, device):
    rng = np.random.default_rng(dim + 10)
    p = nonzero_slices(random_dist(rng, (4, 3, 5)), dim)
    q = nonzero_slices(random_dist(rng, (4, 3, 5), zeros=False), dim)
    got = assert_matches_numpy(name, p, None if name == "entropy" else q, device, dim)
    want_shape = [4, 3, 5]
    del want_shape[dim]
    assert got.shape == tuple(want_shape)
    # the same as moving the outcomes to the last dimension
    moved = call(
        name,
        t(np.moveaxis(p, dim, -1), device),
        None if name == "entropy" else t(np.moveaxis(q, dim, -1), device),
    )
    torch.testing.assert_close(got, moved, rtol=1e-13, atol=0)


@pytest.mark.parametrize("name", PAIRS)
def test_broadcasting_matches_numpy(name, device):
    rng = np.random.default_rng(1)
    p = rng.random(5) + 0.01
    q = rng.random((3, 5)) + 0.01
    got = assert_matches_numpy(name, p, q, device)
    assert got.shape == (3,)
    got_t = assert_matches_numpy(name, q, p, device)
    assert got_t.shape == (3,)
    # length 1 along dim is repeated before normalisation, as in SciPy: q becomes uniform
    got_1 = assert_matches_numpy(name, p, [[2.0], [7.0]], device)
    assert got_1.shape == (2,)
    torch.testing.assert_close(got_1[0], got_1[1], rtol=1e-14, atol=0)


def test_empty_batch(device):
    out = td.kl_divergence(torch.ones(0, 3, device=device), torch.ones(1, 3, device=device))
    assert out.shape == (0,)


# ------------------------------------------------------------------------ closed forms


@pytest.mark.parametrize("k", [1, 2, 3, 10, 1000])
def test_uniform_entropy_is_log_k(k, device):
    h = td.entropy(torch.full((k,), 0.25, dtype=F64, device=device))
    assert h.item() == pytest.approx(math.log(k), rel=1e-14, abs=0)
    h2 = td.entropy(torch.zeros(2, k, dtype=F64, device=device), logits=True, base=2)
    torch.testing.assert_close(h2.cpu(), torch.full((2,), math.log2(k), dtype=F64))


@pytest.mark.parametrize(("a", "b"), [(0.5, 0.9), (0.1, 0.7), (0.99, 0.01), (0.3, 0.3)])
def test_kl_and_cross_entropy_of_bernoullis_by_hand(a, b, device):
    p = t([a, 1 - a], device)
    q = t([b, 1 - b], device)
    kl = a * math.log(a / b) + (1 - a) * math.log((1 - a) / (1 - b))
    ce = -a * math.log(b) - (1 - a) * math.log(1 - b)
    assert td.kl_divergence(p, q).item() == pytest.approx(kl, rel=1e-12, abs=1e-16)
    assert td.cross_entropy(p, q).item() == pytest.approx(ce, rel=1e-12)
    # the same from logits log(a / (1 - a)) of the Bernoulli
    lp = t([math.log(a / (1 - a)), 0.0], device)
    lq = t([math.log(b / (1 - b)), 0.0], device)
    got = td.kl_divergence(lp, lq, p_logits=True, q_logits=True)
    assert got.item() == pytest.approx(kl, rel=1e-10, abs=1e-15)


def test_js_bound_symmetry_and_disjoint_supports(device):
    rng = np.random.default_rng(7)
    p = t(rng.dirichlet(np.full(6, 0.3), size=200), device)
    q = t(rng.dirichlet(np.full(6, 0.3), size=200), device)
    js = td.js_divergence(p, q)
    assert (js >= -1e-15).all()
    assert (js <= LN2 + 1e-15).all()
    assert torch.equal(js, td.js_divergence(q, p))
    assert torch.equal(
        td.js_divergence(p.log(), q.log(), p_logits=True, q_logits=True),
        td.js_divergence(q.log(), p.log(), p_logits=True, q_logits=True),
    )
    # disjoint supports reach the bound: ln 2 nats, 1 bit
    a = t([[0.2, 0.8, 0.0, 0.0]], device)
    b = t([[0.0, 0.0, 0.5, 0.5]], device)
    assert td.js_divergence(a, b).item() == pytest.approx(LN2, rel=1e-15)
    assert td.js_divergence(a, b, base=2).item() == pytest.approx(1.0, rel=1e-15)
    assert td.js_divergence(a, a).item() == 0.0


@pytest.mark.parametrize("name", ALL)
def test_bits_are_nats_over_ln2(name, device):
    rng = np.random.default_rng(3)
    p = t(rng.random((4, 5)) + 0.01, device)
    q = t(rng.random((4, 5)) + 0.01, device)
    nats = call(name, p, q)
    torch.testing.assert_close(call(name, p, q, base=2), nats / LN2, rtol=1e-14, atol=0)
    torch.testing.assert_close(call(name, p, q, base=10), nats / math.log(10), rtol=1e-14, atol=0)
    torch.testing.assert_close(call(name, p, q, base=math.e), nats, rtol=1e-15, atol=0)


# ------------------------------------------------------------------ logits and stability


@pytest.mark.parametrize(("p_logits", "q_logits"), LOGIT_FLAGS)
@pytest.mark.parametrize("name", ALL)
def test_logits_agree_with_probabilities(name, p_logits, q_logits, device):
    rng = np.random.default_rng(11)
    zp = rng.normal(scale=3.0, size=(6, 7))
    zq = rng.normal(scale=3.0, size=(6, 7))
    zp[0, :3] = -np.inf  # probability exactly 0
    probs_p = torch.softmax(t(zp, device), -1)
    probs_q = torch.softmax(t(zq, device), -1)
    p_in = t(zp, device) if p_logits else probs_p
    q_in = t(zq, device) if q_logits else probs_q
    if name == "entropy":
        got = td.entropy(p_in, logits=p_logits)
    else:
        got = torch_fn(name)(p_in, q_in, p_logits=p_logits, q_logits=q_logits)
    want = call_np(name, probs_p.cpu().numpy(), probs_q.cpu().numpy(), axis=-1)
    np.testing.assert_allclose(got.cpu().numpy(), want, rtol=1e-11, atol=1e-15)


def test_huge_logits_are_exact(device):
    z = t([1e4, 0.0], device)
    w = t([0.0, 1e4], device)
    logit = {"p_logits": True, "q_logits": True}
    assert td.entropy(z, logits=True).item() == 0.0
    assert td.kl_divergence(z, w, **logit).item() == 1e4
    assert td.cross_entropy(z, w, **logit).item() == 1e4
    assert td.js_divergence(z, w, **logit).item() == pytest.approx(LN2, rel=1e-15)
    # a probability that underflows to 0 but is positive meets a q that is exactly 0
    assert td.kl_divergence(
        t([0.0, -1e4], device), t([0.0, -math.inf], device), **logit
    ).item() == (math.inf)
    # float32 too
    z32 = torch.tensor([1e4, 0.0, -1e4], device=device)
    assert td.entropy(z32, logits=True).item() == 0.0
    assert td.kl_divergence(z32, z32.flip(0), **logit).item() == pytest.approx(2e4, rel=1e-6)


@pytest.mark.parametrize(("p_logits", "q_logits"), [(True, True), (True, False), (False, True)])
@pytest.mark.parametrize("name", ALL)
def test_gradients_finite_when_probabilities_underflow(name, p_logits, q_logits, device):
    if name == "entropy" and not p_logits:
        pytest.skip("entropy of probabilities has no logits")
    zp = [[1e4, 0.0, -1e4, -math.inf], [-800.0, 0.0, 800.0, 3.0]]
    zq = [[0.0, 1e4, -1e4, 5.0], [3.0, -900.0, 0.0, -math.inf]]
    for dtype in (torch.float32, F64):
        p = t(zp, device, dtype).requires_grad_()
        q = t(zq, device, dtype).requires_grad_()
        p_in = p if p_logits else torch.softmax(p, -1).detach().requires_grad_()
        q_in = q if q_logits else torch.softmax(q, -1).detach().requires_grad_()
        if name == "entropy":
            out = td.entropy(p_in, logits=True)
        else:
            out = torch_fn(name)(p_in, q_in, p_logits=p_logits, q_logits=q_logits)
        out.sum().backward()
        for x in (p_in, q_in):
            if x.grad is not None:
                assert torch.isfinite(x.grad).all(), (name, dtype, x.grad)
        if name == "entropy":
            # the first row is a point mass: entropy 0, a minimum, gradient 0
            assert out[0].item() == 0.0
            assert torch.equal(p.grad[0], torch.zeros_like(p.grad[0]))


def test_kl_gradient_by_hand_with_a_tiny_q(device):
    # q sums to 1 exactly, so d/dq_j = -p_j / q_j + 1 and d/dp_j = log(p_j / q_j) - KL
    p = t([0.5, 0.5], device).requires_grad_()
    q = t([1.0, 1e-200], device).requires_grad_()
    kl = td.kl_divergence(p, q)
    kl.backward()
    kl_by_hand = 0.5 * math.log(0.5) + 0.5 * math.log(0.5 / 1e-200)
    assert kl.item() == pytest.approx(kl_by_hand, rel=1e-14)
    want_q = [1 - 0.5, 1 - 0.5 / 1e-200]
    want_p = [math.log(0.5) - kl_by_hand, math.log(0.5 / 1e-200) - kl_by_hand]
    np.testing.assert_allclose(q.grad.cpu().numpy(), want_q, rtol=1e-12)
    np.testing.assert_allclose(p.grad.cpu().numpy(), want_p, rtol=1e-12)


@pytest.mark.parametrize("name", ["cross_entropy", "kl_divergence"])
def test_infinite_result_has_finite_gradient_and_no_nan(name, device):
    p = t([0.2, 0.3, 0.5], device).requires_grad_()
    q = t([0.4, 0.6, 0.0], device).requires_grad_()
    out = torch_fn(name)(p, q)
    assert out.item() == math.inf
    out.backward()
    assert torch.isfinite(p.grad).all()
    assert torch.isfinite(q.grad).all()


@pytest.mark.parametrize(
    ("p", "q"),
    [
        ([0.0, 1.0, 2.0], [0.0, 3.0, 1.0]),
        ([1.0, 0.0, 0.0, 0.0], [1.0, 2.2250738585072014e-308, 1.0, 1.0]),
        ([1.0, 1e-310, 0.0], [1.0, 1.0, 1e-310]),
        ([0.5, 0.5, 0.0], [1.0, 1e-200, 1e-200]),
    ],
)
@pytest.mark.parametrize("name", ALL)
def test_gradients_finite_for_zero_and_subnormal_probabilities(name, p, q, device):
    p = t(p, device).requires_grad_()
    q = t(q, device).requires_grad_()
    out = call(name, p, q)
    assert torch.isfinite(out)
    out.backward()
    for x in (p, q):
        if x.grad is not None:
            assert torch.isfinite(x.grad).all()


# ------------------------------------------------------------------------ dtypes and devices


@pytest.mark.parametrize(("p_logits", "q_logits"), LOGIT_FLAGS)
@pytest.mark.parametrize("name", ALL)
def test_float32_close_to_float64(name, p_logits, q_logits, device):
    rng = np.random.default_rng(5)
    zp = rng.normal(size=(8, 10)) if p_logits else rng.random((8, 10)) + 1e-3
    zq = rng.normal(size=(8, 10)) if q_logits else rng.random((8, 10)) + 1e-3
    out = {}
    for dtype in (torch.float32, F64):
        p = t(np.float32(zp), device, dtype)
        q = t(np.float32(zq), device, dtype)
        if name == "entropy":
            out[dtype] = td.entropy(p, logits=p_logits)
        else:
            out[dtype] = torch_fn(name)(p, q, p_logits=p_logits, q_logits=q_logits)
        assert out[dtype].dtype == dtype
    torch.testing.assert_close(out[torch.float32].double(), out[F64], rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ALL)
def test_dtype_promotion(name, device):
    ints = torch.tensor([2, 6, 1], device=device)
    bools = torch.tensor([True, False, True], device=device)
    f32 = torch.tensor([0.2, 0.5, 0.3], device=device)
    f64 = f32.double()
    default = torch.get_default_dtype()
    assert call(name, ints, bools).dtype == default
    assert call(name, ints, f32).dtype == torch.promote_types(default, torch.float32)
    assert call(name, f32, f32).dtype == torch.float32
    assert call(name, f64, f64).dtype == F64
    if name != "entropy":
        assert call(name, f32, f64).dtype == F64
        # integer counts give the numbers their float64 twin gives
        got = call(name, ints.double(), bools.double())
        np.testing.assert_allclose(
            got.item(), call_np(name, [2, 6, 1], [1, 0, 1]), rtol=1e-12, atol=0
        )
    assert call(name, f32, f32).device.type == torch.device(device).type


# ------------------------------------------------------------------------------ gradcheck


@pytest.mark.parametrize(("p_logits", "q_logits"), LOGIT_FLAGS)
@pytest.mark.parametrize("name", ALL)
def test_gradcheck(name, p_logits, q_logits, device):
    if name == "entropy" and q_logits:
        pytest.skip("entropy has one argument")
    gen = torch.Generator().manual_seed(0)

    def make(logits):
        x = (
            torch.randn(3, 4, generator=gen, dtype=F64)
            if logits
            else (torch.rand(3, 4, generator=gen, dtype=F64) + 0.5)
        )
        return x.to(device).requires_grad_()

    p, q = make(p_logits), make(q_logits)
    if name == "entropy":
        for base in (None, 2):
            assert torch.autograd.gradcheck(
                lambda a, base=base: td.entropy(a, logits=p_logits, base=base), (p,)
            )
        return
    fn = torch_fn(name)
    for base in (None, 2):
        assert torch.autograd.gradcheck(
            lambda a, b, base=base: fn(a, b, p_logits=p_logits, q_logits=q_logits, base=base),
            (p, q),
        )
    # along another dimension, with broadcasting
    q1 = make(q_logits)[:, :1].detach().requires_grad_()
    assert torch.autograd.gradcheck(
        lambda a, b: fn(a, b, p_logits=p_logits, q_logits=q_logits, dim=0), (p, q1)
    )


# ------------------------------------------------------------------------------ properties


def dist_arrays(k):
    return arrays(np.float64, (k,), elements=st.floats(0.0, 10.0)).map(
        lambda a: a + np.eye(1, k, 0)[0] * (a.sum() == 0)
    )


@st.composite
def pair_of_dists(draw):
    k = draw(st.integers(1, 8))
    return draw(dist_arrays(k)), draw(dist_arrays(k))


@SETTINGS
@given(pq=pair_of_dists(), logits=st.booleans())
def test_kl_non_negative_and_zero_on_itself(device, pq, logits):
    p_np, q_np = pq
    p, q = t(p_np, device), t(q_np, device)
    if logits:
        p, q = p.log(), q.log()
    kw = {"p_logits": logits, "q_logits": logits}
    kl = td.kl_divergence(p, q, **kw).item()
    assert kl >= -1e-14 * (1 + td.cross_entropy(p, q, **kw).item())
    assert td.kl_divergence(p, p, **kw).item() == 0.0
    assert td.js_divergence(p, p, **kw).item() == 0.0
    assert 0.0 <= td.js_divergence(p, q, **kw).item() + 1e-15 <= LN2 + 2e-15


@SETTINGS
@given(pq=pair_of_dists())
def test_cross_entropy_is_entropy_plus_kl(device, pq):
    p, q = t(pq[0], device), t(pq[1], device)
    ce = td.cross_entropy(p, q).item()
    assert ce == pytest.approx(
        td.entropy(p).item() + td.kl_divergence(p, q).item(), rel=1e-10, abs=1e-12
    )


@SETTINGS
@given(pq=pair_of_dists(), seed=st.integers(0, 2**32 - 1), batch=st.integers(1, 3))
def test_invariant_to_permuting_categories_jointly(device, pq, seed, batch):
    p_np, q_np = (np.tile(a, (batch, 1)) for a in pq)
    perm = torch.from_numpy(np.random.default_rng(seed).permutation(p_np.shape[-1])).to(device)
    p, q = t(p_np, device), t(q_np, device)
    pp, qp = p[:, perm], q[:, perm]
    for name in ALL:
        torch.testing.assert_close(call(name, pp, qp), call(name, p, q), rtol=1e-12, atol=1e-15)


@SETTINGS
@given(
    z=arrays(
        np.float64,
        st.tuples(st.integers(1, 3), st.integers(1, 6)),
        elements=st.one_of(st.floats(-1e4, 1e4), st.just(-math.inf)),
    ),
    data=st.data(),
)
def test_logits_of_any_size_give_finite_values_and_gradients(device, z, data):
    z = np.where(np.isinf(z).all(axis=-1, keepdims=True), 0.0, z)  # some finite logit
    w = data.draw(arrays(np.float64, z.shape, elements=st.floats(-1e4, 1e4)))
    for name in ALL:
        p = t(z, device).requires_grad_()
        q = t(w, device).requires_grad_()
        if name == "entropy":
            out = td.entropy(p, logits=True)
        else:
            out = torch_fn(name)(p, q, p_logits=True, q_logits=True)
        assert torch.isfinite(out).all()
        assert (out >= -1e-9).all()
        out.sum().backward()
        assert torch.isfinite(p.grad).all()
        assert q.grad is None or torch.isfinite(q.grad).all()


# ------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize("name", ALL)
def test_not_a_tensor(name, device):
    good = torch.tensor([0.5, 0.5], device=device)
    with pytest.raises(TypeError, match="must be a torch.Tensor.*fastit.distributions"):
        call(name, [0.5, 0.5], good)
    with pytest.raises(TypeError, match="p must be a torch.Tensor, got ndarray"):
        call(name, np.array([0.5, 0.5]), good)
    if name != "entropy":
        with pytest.raises(TypeError, match="q must be a torch.Tensor, got list"):
            call(name, good, [0.5, 0.5])


@pytest.mark.parametrize("name", ALL)
def test_negative_probabilities(name, device):
    good = torch.tensor([0.5, 0.5], device=device)
    bad = torch.tensor([1.5, -0.5], device=device)
    with pytest.raises(
        ValueError, match=r"p has 1 negative entries \(smallest -0.5\).*logits=True"
    ):
        call(name, bad, good)
    if name != "entropy":
        with pytest.raises(ValueError, match="q has 1 negative.*q_logits=True"):
            call(name, good, bad)
        # negative logits are fine
        call(name, good, bad, q_logits=True)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize(
    ("value", "message"), [(math.nan, "contains NaN"), (math.inf, "contains infinite values")]
)
def test_nan_and_inf_probabilities(name, value, message, device):
    good = torch.tensor([0.5, 0.5], device=device)
    bad = torch.tensor([[0.5, 0.5], [value, 0.5]], device=device)
    with pytest.raises(ValueError, match=f"p {message}"):
        call(name, bad, good)
    if name != "entropy":
        with pytest.raises(ValueError, match=f"q {message}"):
            call(name, good, bad)


@pytest.mark.parametrize("name", ALL)
def test_bad_logits(name, device):
    good = torch.tensor([0.5, 0.5], device=device)
    flag = "logits" if name == "entropy" else "p_logits"
    cases = [
        ([math.nan, 0.0], "p contains NaN; pass finite logits"),
        ([math.inf, 0.0], r"p contains \+inf logits"),
        ([[0.0, 1.0], [-math.inf, -math.inf]], "p has 1 distribution.*all -inf"),
    ]
    for value, message in cases:
        with pytest.raises(ValueError, match=message):
            call(name, torch.tensor(value, device=device), good, **{flag: True})


@pytest.mark.parametrize("name", ALL)
def test_distribution_summing_to_zero(name, device):
    good = torch.tensor([0.5, 0.5], device=device)
    bad = torch.tensor([[1.0, 0.0], [0.0, 0.0], [0.0, 0.0]], device=device)
    with pytest.raises(ValueError, match=r"p sums to 0 along dim=1 in 2 distribution\(s\)"):
        call(name, bad, good)
    if name != "entropy":
        with pytest.raises(ValueError, match="q sums to 0"):
            call(name, good, bad)


@pytest.mark.parametrize("name", PAIRS)
def test_shapes_that_do_not_broadcast(name, device):
    with pytest.raises(ValueError, match=r"p has shape \(2, 3\) and q has shape \(4,\).*broadcast"):
        call(name, torch.ones(2, 3, device=device), torch.ones(4, device=device))


@pytest.mark.parametrize("name", ALL)
def test_dim_out_of_range_or_not_an_int(name, device):
    x = torch.ones(2, 3, device=device)
    with pytest.raises(ValueError, match=r"dim=2 is out of range.*-2 <= dim < 2"):
        call(name, x, x, dim=2)
    with pytest.raises(ValueError, match="dim=-3 is out of range"):
        call(name, x, x, dim=-3)
    with pytest.raises(TypeError, match="dim must be an int, got float"):
        call(name, x, x, dim=1.0)


@pytest.mark.parametrize("name", PAIRS)
def test_different_devices(name, device):
    p = torch.ones(3, device=device)
    q = torch.ones(3, device="meta")
    # (meta tensors, the one other device every machine has, are refused as such)
    with pytest.raises(ValueError, match="q is on (the )?meta"):
        call(name, p, q)


@pytest.mark.parametrize("name", ALL)
def test_scalar_empty_complex_and_bad_options(name, device):
    good = torch.ones(3, device=device)
    with pytest.raises(ValueError, match="p is a 0-d tensor"):
        call(name, torch.tensor(1.0, device=device), good)
    with pytest.raises(ValueError, match="no outcomes along dim=1 of p"):
        call(name, torch.ones(2, 0, device=device), torch.ones(2, 0, device=device))
    with pytest.raises(TypeError, match="complex"):
        call(name, torch.ones(3, dtype=torch.complex64, device=device), good)
    with pytest.raises(ValueError, match="base must be positive and not 1"):
        call(name, good, good, base=1)
    with pytest.raises(TypeError, match="base must be None or a positive number"):
        call(name, good, good, base="2")
    flag = "logits" if name == "entropy" else "q_logits"
    with pytest.raises(TypeError, match=f"{flag} must be True or False"):
        call(name, good, good, **{flag: 1})


@pytest.mark.parametrize("name", ALL)
def test_validate_false_skips_value_checks_only(name, device):
    rng = np.random.default_rng(2)
    p = t(rng.random((3, 4)) + 0.1, device)
    q = t(rng.random((3, 4)) + 0.1, device)
    assert torch.equal(call(name, p, q, validate=False), call(name, p, q))
    zero = p.clone()
    zero[1] = 0.0
    with pytest.raises(ValueError, match="sums to 0"):
        call(name, zero, q)
    out = call(name, zero, q, validate=False)  # no check: garbage in, NaN out
    assert torch.isnan(out[1])
    assert torch.isfinite(out[[0, 2]]).all()
    with pytest.raises(TypeError, match="must be a torch.Tensor"):  # cheap checks still run
        call(name, zero.tolist(), q, validate=False)
