"""Fisher information of a network's parameters, and elastic weight consolidation.

:func:`fisher_diagonal` computes the diagonal of the Fisher information matrix of a
classifier's or regressor's parameters, averaged over the inputs of a data set, from
per-sample gradients (``torch.func``: ``functional_call`` + ``vmap`` + ``grad``).
:class:`EWC` uses it to keep a network close to what it learnt on earlier tasks while it
trains on a new one (elastic weight consolidation).

Empirical versus true Fisher
----------------------------
For a model ``p(y | x, theta)`` the Fisher information is

.. math::

    F(\\theta) = E_{x} \\, E_{y \\sim p(y | x, \\theta)}
        \\left[\\nabla_\\theta \\log p(y | x, \\theta) \\,
        \\nabla_\\theta \\log p(y | x, \\theta)^T\\right],

the labels drawn from the *model's own* predictive distribution (the "true" Fisher,
``empirical=False``). The "empirical" Fisher (``empirical=True``) puts the observed labels
in place of the draw. The two agree only where the model fits the data distribution;
elsewhere the empirical Fisher is a different matrix, not an approximation of the true
one, and it can be badly off as a curvature estimate (Kunstner, Balles and Hennig 2019).
Kirkpatrick et al. (2017) used the empirical one for EWC, and it is the default here
because that is what most EWC code computes; pass ``empirical=False`` for the Fisher.

Both are means of *squared per-sample gradients* ``E[g g^T]``: the square of the mean
(batch) gradient ``(E g)(E g)^T`` is a different, much smaller quantity (at a minimum of
the training loss it is zero), which is why every sample gets its own gradient here.

References
----------
.. [1] J. Kirkpatrick et al., "Overcoming catastrophic forgetting in neural networks",
   *PNAS* 114(13), 3521-3526, 2017.
.. [2] F. Kunstner, L. Balles and P. Hennig, "Limitations of the empirical Fisher
   approximation for natural gradient descent", *NeurIPS* 2019.
.. [3] J. Schwarz et al., "Progress & compress: a scalable framework for continual
   learning", *ICML* 2018 (online EWC).
.. [4] F. Huszar, "Note on the quadratic penalties in elastic weight consolidation",
   *PNAS* 115(11), E2496-E2497, 2018.
.. [5] J. Martens, "New insights and perspectives on the natural gradient method",
   *JMLR* 21(146), 1-76, 2020.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np
import torch
from torch.func import functional_call, grad, vmap

from .._progress import progress as _progress_bar
from .._validation import check_count, check_flag, seed_of

__all__ = ["EWC", "fisher_diagonal"]

_LOSSES = ("cross_entropy", "gaussian")

#: Per-sample gradients held at once: at most about this many numbers (chunks of samples
#: are vmapped, squared and summed before the next chunk), so memory stays bounded
#: whatever the batch size.
_GRAD_BUDGET = 2**24

Targets = tuple[torch.Tensor, torch.Tensor, torch.Tensor]


# --------------------------------------------------------------------------- checks


def _check_model(model: Any) -> dict[str, torch.nn.Parameter]:
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    params = {name: p for name, p in model.named_parameters() if p.requires_grad}
    if not params:
        raise ValueError(
            "model has no trainable parameters (none with requires_grad=True); the Fisher "
            "information is taken with respect to trainable parameters, so unfreeze some"
        )
    for name, p in params.items():
        if torch.nn.parameter.is_lazy(p):
            raise ValueError(
                f"model parameter {name!r} is not initialised yet (a lazy module); run one "
                "forward pass first"
            )
        if not p.is_floating_point():
            raise TypeError(f"model parameter {name!r} has dtype {p.dtype}; pass a float model")
    return params


def _check_loss(loss: Any) -> str | None:
    if loss is None:
        return None
    if loss not in _LOSSES:
        raise ValueError(
            f"loss must be None (inferred from the labels), 'cross_entropy' (a classifier "
            f"returning logits) or 'gaussian' (a regressor returning the mean); got {loss!r}"
        )
    return str(loss)


def _batches(data: Any) -> tuple[Iterable[Any], int | None]:
    """The batches of ``data`` and how many there are, if known."""
    if isinstance(data, torch.Tensor):
        return [data], 1
    if isinstance(data, (tuple, list)) and len(data) == 2:
        if all(isinstance(t, torch.Tensor) for t in data):
            return [tuple(data)], 1
    if isinstance(data, (str, bytes)) or not isinstance(data, Iterable):
        raise TypeError(
            f"data must be an (x, y) pair of tensors or an iterable of (x, y) batches "
            f"(a DataLoader, say), got {type(data).__name__}"
        )
    try:
        total: int | None = len(data)  # type: ignore[arg-type]
    except TypeError:
        total = None
    return data, total


def _unpack(batch: Any, empirical: bool, loss: str | None) -> tuple[torch.Tensor, Any]:
    """``(x, y)`` of one batch; ``y`` is None for an x-only batch (true Fisher only)."""
    if isinstance(batch, torch.Tensor):
        if empirical or loss is None:
            raise ValueError(
                "data yielded a batch of inputs without labels; the empirical Fisher needs "
                "the labels (batches of (x, y)), and without them pass empirical=False with "
                "an explicit loss='cross_entropy' or loss='gaussian'"
            )
        return batch, None
    if not isinstance(batch, (tuple, list)) or len(batch) != 2:
        raise TypeError(
            "data must yield (x, y) batches (pairs of tensors, as a DataLoader over a "
            f"TensorDataset does); got a batch of type {type(batch).__name__}"
            + (f" with {len(batch)} entries" if isinstance(batch, (tuple, list)) else "")
        )
    x, y = batch
    if not isinstance(x, torch.Tensor) or not isinstance(y, torch.Tensor):
        raise TypeError(
            "data must yield (x, y) batches of tensors; got "
            f"({type(x).__name__}, {type(y).__name__})"
        )
    return x, y


def _infer_loss(y: Any) -> str:
    if y is None or y.dtype == torch.bool or y.is_complex():
        raise TypeError(
            "loss=None infers the likelihood from the labels (integer: 'cross_entropy', float: "
            f"'gaussian'), but they have dtype {None if y is None else y.dtype}; pass loss"
        )
    return "gaussian" if y.is_floating_point() else "cross_entropy"


def _torch_generator(seed: int, device: torch.device) -> torch.Generator:
    gen = torch.Generator(device=device)
    gen.manual_seed(seed % 2**63)
    return gen


# --------------------------------------------------------------------------- targets


def _targets(
    out: torch.Tensor,
    y: torch.Tensor | None,
    loss: str,
    empirical: bool,
    n_samples: int | None,
    gen: torch.Generator,
) -> Targets:
    """``(index, target, weight)``: the (input, label) pairs whose squared gradients count.

    Input ``index[k]`` with label ``target[k]`` contributes ``weight[k] * g_k**2``; the
    weights of one input sum to 1 (to ``d`` output dimensions in the exact Gaussian case,
    where the Fisher is a sum over them).
    """
    n = out.shape[0]
    dev = out.device
    if loss == "cross_entropy":
        if out.ndim != 2:
            raise ValueError(
                f"loss='cross_entropy' needs model outputs of shape (batch, n_classes) (logits), "
                f"got {tuple(out.shape)}; for a single-logit binary classifier return two logits "
                "(0 and the logit)"
            )
        n_classes = out.shape[1]
        if empirical:
            assert y is not None
            if y.is_floating_point() or y.dtype == torch.bool or y.is_complex():
                raise TypeError(
                    f"loss='cross_entropy' needs integer class labels, got dtype {y.dtype}; "
                    "pass class indices (torch.long)"
                )
            if y.shape != (n,):
                raise ValueError(
                    f"labels have shape {tuple(y.shape)} for {n} inputs; loss='cross_entropy' "
                    f"needs one class index per input, shape ({n},)"
                )
            if n and (int(y.min()) < 0 or int(y.max()) >= n_classes):
                raise ValueError(
                    f"labels must be class indices in [0, {n_classes}) (the model returns "
                    f"{n_classes} logits); got values in [{int(y.min())}, {int(y.max())}]"
                )
            return torch.arange(n, device=dev), y.long(), torch.ones(n, device=dev)
        low = out.dtype in (torch.float16, torch.bfloat16)
        probs = torch.softmax(out.float() if low else out, dim=1)
        if n_samples is None:  # every class, weighted by its probability: the exact mean
            index = torch.arange(n, device=dev).repeat_interleave(n_classes)
            target = torch.arange(n_classes, device=dev).repeat(n)
            return index, target, probs.reshape(-1)
        draws = torch.multinomial(probs, n_samples, replacement=True, generator=gen)
        index = torch.arange(n, device=dev).repeat_interleave(n_samples)
        return index, draws.reshape(-1), torch.full((n * n_samples,), 1.0 / n_samples, device=dev)

    mean = out.reshape(n, -1)
    d = mean.shape[1]
    if empirical:
        assert y is not None
        if not y.is_floating_point():
            raise TypeError(
                f"loss='gaussian' needs real-valued targets, got dtype {y.dtype}; for class "
                "labels use loss='cross_entropy'"
            )
        if y.shape[:1] != (n,) or y[:1].numel() != d:
            raise ValueError(
                f"targets have shape {tuple(y.shape)} but the model returns "
                f"{tuple(out.shape)}; loss='gaussian' needs one target per output"
            )
        return torch.arange(n, device=dev), y.reshape(n, d), torch.ones(n, device=dev)
    if n_samples is None:
        # y = mean + e_k (unit vector k) makes the score J^T (y - mean) = grad of output k,
        # and sum_k (grad f_k)^2 is the exact diagonal of E_y[g g^T] = J^T J.
        eye = torch.eye(d, dtype=mean.dtype, device=dev)
        target = (mean[:, None, :] + eye).reshape(n * d, d)
        index = torch.arange(n, device=dev).repeat_interleave(d)
        return index, target, torch.ones(n * d, device=dev)
    noise = torch.randn((n, n_samples, d), generator=gen, dtype=mean.dtype, device=dev)
    target = (mean[:, None, :] + noise).reshape(n * n_samples, d)
    index = torch.arange(n, device=dev).repeat_interleave(n_samples)
    return index, target, torch.full((n * n_samples,), 1.0 / n_samples, device=dev)


def _log_likelihood(out: torch.Tensor, target: torch.Tensor, loss: str) -> torch.Tensor:
    """``log p(target | x)`` up to a constant, for the output of one input (batch of 1)."""
    flat = out.reshape(-1)
    if loss == "cross_entropy":
        return torch.log_softmax(flat, dim=0).gather(0, target.reshape(1)).squeeze(0)
    return -0.5 * ((target.reshape(-1) - flat) ** 2).sum()


# --------------------------------------------------------------------------- gradients


def _accumulate_vmap(
    model: torch.nn.Module,
    params: dict[str, torch.nn.Parameter],
    x: torch.Tensor,
    pairs: Targets,
    loss: str,
    acc: dict[str, torch.Tensor],
) -> None:
    """Add ``sum_k weight[k] * g_k**2`` to ``acc``, per-sample gradients by vmap(grad)."""
    detached = {name: p.detach() for name, p in params.items()}

    def log_lik(p: dict[str, torch.Tensor], xi: torch.Tensor, ti: torch.Tensor) -> torch.Tensor:
        out = functional_call(model, p, (xi.unsqueeze(0),))
        return _log_likelihood(out, ti, loss)

    per_sample: Callable[..., dict[str, torch.Tensor]] = vmap(grad(log_lik), in_dims=(None, 0, 0))
    index, target, weight = pairs
    n_params = sum(p.numel() for p in params.values())
    chunk = max(1, _GRAD_BUDGET // n_params)
    for start in range(0, index.shape[0], chunk):
        sl = slice(start, start + chunk)
        grads = per_sample(detached, x[index[sl]], target[sl])
        for name, g in grads.items():
            w = weight[sl].to(g.dtype).reshape((-1,) + (1,) * (g.ndim - 1))
            acc[name] += (w * g.square()).sum(0)


def _accumulate_loop(
    model: torch.nn.Module,
    params: dict[str, torch.nn.Parameter],
    x: torch.Tensor,
    pairs: Targets,
    loss: str,
    acc: dict[str, torch.Tensor],
) -> None:
    """As :func:`_accumulate_vmap`, one forward and backward pass per (input, label) pair.

    The fallback for models ``vmap`` cannot trace (``.item()``, data-dependent control
    flow): slow but it runs any model autograd can differentiate. Each pair is its own
    batch of one, so the gradient is that sample's, not a batch mean.
    """
    names = list(params)
    tensors = [params[name] for name in names]
    index, target, weight = pairs
    for k in range(index.shape[0]):
        out = model(x[index[k]].unsqueeze(0))
        ll = _log_likelihood(out, target[k], loss)
        grads = torch.autograd.grad(ll, tensors, allow_unused=True)
        w = float(weight[k])
        for name, g in zip(names, grads, strict=True):
            if g is not None:
                acc[name] += w * g.square()


# --------------------------------------------------------------------------- public


def fisher_diagonal(
    model: torch.nn.Module,
    data: Any,
    *,
    empirical: bool = True,
    loss: str | None = None,
    n_samples: int | None = None,
    progress: bool = True,
    random_state: Any = None,
) -> dict[str, torch.Tensor]:
    r"""Diagonal of the Fisher information of a model's parameters, averaged over inputs.

    For a classifier (logits, ``loss='cross_entropy'``) or a regressor (the mean of a
    unit-variance Gaussian, ``loss='gaussian'``) the diagonal is

    .. math::

        F_i = \frac1n \sum_{j=1}^{n} E_{y}\left[\left(
            \frac{\partial \log p(y \mid x_j, \theta)}{\partial \theta_i}\right)^2\right],

    with ``y`` the observed label of ``x_j`` (``empirical=True``) or drawn from the model's
    predictive distribution ``p(y | x_j, theta)`` (``empirical=False``, the true Fisher).
    Gradients are per sample (the Fisher is ``E[g^2]``, not ``(E g)^2``), computed with
    ``torch.func`` (``functional_call`` + ``vmap`` + ``grad``) on the model's device.

    Parameters
    ----------
    model : torch.nn.Module
        Maps a batch of inputs of shape ``(batch, ...)`` to logits of shape
        ``(batch, n_classes)`` (``'cross_entropy'``) or means of shape ``(batch,)`` or
        ``(batch, ...)`` (``'gaussian'``). It is put in eval mode for the computation
        (dropout off, batch-norm running statistics) and every submodule's mode is
        restored afterwards. Parameters with ``requires_grad=False`` are left out.
    data : (x, y) pair of tensors, or an iterable of (x, y) batches
        A ``DataLoader`` over ``(x, y)`` say; batches are moved to the model's device.
        ``y`` holds class indices of shape ``(batch,)`` (``'cross_entropy'``) or real
        targets with one value per model output (``'gaussian'``). With
        ``empirical=False`` the labels are not used, and batches may be inputs alone if
        ``loss`` is given. A tuple or list of exactly two tensors is read as one
        ``(x, y)`` batch, never as two batches of inputs.
    empirical : bool, default True
        True: the empirical Fisher (observed labels). False: the true Fisher (labels from
        the model). See the module docstring for why they differ.
    loss : {None, 'cross_entropy', 'gaussian'}, default None
        The likelihood. None infers it from the labels of the first batch: integer labels
        give ``'cross_entropy'``, floating-point ones ``'gaussian'``.
    n_samples : int, optional
        Only with ``empirical=False``. None (the default) computes the expectation over
        the model's labels *exactly*: a sum over all classes weighted by their
        probabilities (``n_classes`` gradients per input), or, for ``'gaussian'``, the sum
        over output dimensions of the squared output gradients (``J^T J``, one gradient
        per output dimension). An int draws that many labels per input instead (a
        Monte Carlo estimate, cheaper when there are many classes).
    progress : bool, default True
        Show a progress bar over the batches (when tqdm is installed).
    random_state : None, int or numpy.random.Generator
        Seeds the label draws of ``n_samples``; None is a fixed seed.

    Returns
    -------
    dict of str to torch.Tensor
        One entry per trainable parameter, keyed as in ``model.named_parameters()``, with
        the parameter's shape, dtype and device; non-negative.

    Raises
    ------
    TypeError
        ``model`` not a module, ``data`` not (x, y) batches, labels of the wrong dtype
        for ``loss``, model output not a tensor.
    ValueError
        No trainable parameters, ``data`` empty, labels out of range or of the wrong
        shape, unknown ``loss``, ``n_samples`` with ``empirical=True`` or below 1, model
        output with NaN or inf.

    Notes
    -----
    *Gaussian likelihood.* ``'gaussian'`` is ``y ~ N(f(x), I)``: ``log p = -||y - f||^2 / 2``,
    score ``J^T (y - f)`` with ``J`` the Jacobian of the outputs. The true Fisher is
    ``E_x[J^T J]`` (what ``n_samples=None`` returns; sampling draws
    ``y = f(x) + N(0, I)``). For a known noise variance ``s^2`` divide the true Fisher by
    ``s^2`` and the empirical one by ``s^4``.

    *Cost.* The empirical Fisher and ``n_samples=1`` cost about one backward pass per
    input; the exact true Fisher ``n_classes`` (or output dimension) of them. Per-sample
    gradients are formed for chunks of inputs and reduced at once, so memory stays near
    ``2**24`` numbers plus the activations of a chunk.

    *Models vmap cannot trace* (``.item()``, data-dependent ``if``): the function falls
    back to one forward and backward pass per sample, with a ``RuntimeWarning``; the
    numbers are the same, only slower.

    Because the returned diagonal is a mean over inputs, the Fisher of the whole data
    set (the Laplace precision) is ``n`` times it.

    References
    ----------
    .. [1] J. Kirkpatrick et al., "Overcoming catastrophic forgetting in neural
       networks", *PNAS* 114(13), 3521-3526, 2017.
    .. [2] F. Kunstner, L. Balles and P. Hennig, "Limitations of the empirical Fisher
       approximation for natural gradient descent", *NeurIPS* 2019.
    .. [3] J. Martens, "New insights and perspectives on the natural gradient method",
       *JMLR* 21(146), 1-76, 2020.

    Examples
    --------
    >>> import torch
    >>> from fastit.torch.fisher import fisher_diagonal
    >>> model = torch.nn.Linear(3, 2)
    >>> x, y = torch.randn(100, 3), torch.randint(0, 2, (100,))
    >>> fisher = fisher_diagonal(model, (x, y), progress=False)
    >>> {name: tuple(f.shape) for name, f in fisher.items()}
    {'weight': (2, 3), 'bias': (2,)}
    """
    params = _check_model(model)
    empirical = check_flag(empirical, "empirical")
    progress = check_flag(progress, "progress")
    loss = _check_loss(loss)
    if n_samples is not None:
        if empirical:
            raise ValueError(
                "n_samples draws labels from the model, which only the true Fisher does; "
                "pass empirical=False, or leave n_samples=None for the empirical Fisher"
            )
        n_samples = check_count(n_samples, "n_samples")
    batches, total = _batches(data)
    first = next(iter(params.values()))
    device = first.device
    gen = _torch_generator(seed_of(random_state), device)
    acc = {
        name: torch.zeros_like(p, memory_format=torch.contiguous_format).detach()
        for name, p in params.items()
    }
    n_seen = 0
    use_vmap = True
    modes = {m: m.training for m in model.modules()}
    model.eval()
    try:
        for batch in _progress_bar(batches, total=total, desc="Fisher diagonal", show=progress):
            x, y = _unpack(batch, empirical, loss)
            x = x.to(device)
            y = y.to(device) if y is not None else None
            if loss is None:
                loss = _infer_loss(y)
            if x.ndim == 0:
                raise ValueError(
                    "data yielded a 0-d input; batches of inputs have shape (batch, ...)"
                )
            if x.shape[0] == 0:
                continue
            with torch.no_grad():
                out = model(x)
            if not isinstance(out, torch.Tensor):
                raise TypeError(
                    f"model must return a tensor (logits or means), got {type(out).__name__}; "
                    "wrap it so that forward returns the output tensor"
                )
            if out.shape[:1] != x.shape[:1]:
                raise ValueError(
                    f"model returned shape {tuple(out.shape)} for a batch of {x.shape[0]} "
                    "inputs; the first axis of the output must be the batch axis"
                )
            if not bool(torch.isfinite(out).all()):
                raise ValueError(
                    "model output contains NaN or inf on data; fix the model or the inputs "
                    "(the Fisher of a non-finite output is undefined)"
                )
            pairs = _targets(out, y, loss, empirical, n_samples, gen)
            batch_acc = {name: torch.zeros_like(a) for name, a in acc.items()}
            with torch.enable_grad():
                if use_vmap:
                    try:
                        _accumulate_vmap(model, params, x, pairs, loss, batch_acc)
                    except RuntimeError as err:
                        if "vmap" not in str(err):
                            raise
                        warnings.warn(
                            "fisher_diagonal: torch.func.vmap cannot trace this model "
                            f"({str(err).splitlines()[0][:160]}); falling back to one "
                            "backward pass per sample (same result, slower)",
                            RuntimeWarning,
                            stacklevel=2,
                        )
                        use_vmap = False
                        for t in batch_acc.values():
                            t.zero_()  # drop the chunks of this batch vmap already did
                if not use_vmap:
                    _accumulate_loop(model, params, x, pairs, loss, batch_acc)
            for name, a in batch_acc.items():
                acc[name] += a
            n_seen += x.shape[0]
    finally:
        for m, mode in modes.items():
            m.train(mode)
    if n_seen == 0:
        raise ValueError(
            "data is empty (no batch had any input); pass at least one (x, y) batch with samples"
        )
    return {name: a / n_seen for name, a in acc.items()}


def _nonnegative(value: Any, name: str, hint: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    out = float(value)
    if not math.isfinite(out) or out < 0:
        raise ValueError(f"{name} must be finite and >= 0, got {value!r}; {hint}")
    return out


class EWC:
    r"""Elastic weight consolidation: a quadratic penalty that keeps what earlier tasks learnt.

    After training on a task, :meth:`consolidate` stores the current parameters
    ``theta*`` and the diagonal Fisher information ``F`` on that task's data; while
    training on the next task, add :meth:`penalty` to its loss:

    .. math::

        \Omega(\theta) = \frac{\lambda}{2} \sum_i F_i \, (\theta_i - \theta^*_i)^2 ,

    a Laplace approximation of the earlier tasks' posterior (Kirkpatrick et al. 2017):
    parameters the old tasks depend on (large ``F_i``) are held near their values, the
    others stay free.

    Several tasks: online EWC. One anchor and one Fisher are kept, whatever the number of
    tasks: each :meth:`consolidate` sets

    .. math::

        F \leftarrow \gamma F + F_{\text{new}}, \qquad \theta^* \leftarrow \theta ,

    the online EWC of Schwarz et al. (2018). With ``gamma=1`` (the default) ``F`` is the
    sum of the tasks' Fishers, anchored at the latest parameters: the recursive Laplace
    approximation of the posterior after all tasks (Huszar 2018), rather than the original
    paper's one penalty per task with its own anchor (whose memory grows with the number of
    tasks and which counts the first task's data more than once). ``gamma < 1`` forgets
    old tasks' Fishers geometrically.

    Parameters
    ----------
    model : torch.nn.Module
        The network; its trainable parameters (``requires_grad=True``) are consolidated,
        on whatever device it is on (the stored tensors follow it if it moves).
    lam : float
        Strength ``lambda >= 0`` of the penalty. :func:`fisher_diagonal` is a *mean*
        over inputs, so with a mean loss over the new task's ``n_B`` samples,
        ``lam = n_A / n_B`` is the Bayesian (Laplace) weight of ``n_A`` old samples;
        continual-learning practice uses larger values (tens to thousands), chosen on
        validation data.
    gamma : float, default 1.0
        Decay ``0 <= gamma <= 1`` of the stored Fisher at each consolidation.
    empirical, loss, n_samples, progress, random_state
        Passed to :func:`fisher_diagonal` by :meth:`consolidate`; ``random_state`` seeds
        the sequence of consolidations (each draws fresh labels when ``n_samples`` is set).

    Attributes
    ----------
    fisher : dict of str to torch.Tensor
        The accumulated Fisher diagonal per parameter name (empty before consolidation).
    anchors : dict of str to torch.Tensor
        The parameters at the last consolidation (empty before).
    n_tasks : int
        Number of :meth:`consolidate` calls so far.

    Raises
    ------
    TypeError, ValueError
        ``model`` not a module or without trainable parameters, ``lam`` negative or not
        finite, ``gamma`` outside ``[0, 1]``, bad ``loss`` or ``n_samples``.

    References
    ----------
    .. [1] J. Kirkpatrick et al., "Overcoming catastrophic forgetting in neural
       networks", *PNAS* 114(13), 3521-3526, 2017.
    .. [2] J. Schwarz et al., "Progress & compress: a scalable framework for continual
       learning", *ICML* 2018.
    .. [3] F. Huszar, "Note on the quadratic penalties in elastic weight consolidation",
       *PNAS* 115(11), E2496-E2497, 2018.
    .. [4] F. Kunstner, L. Balles and P. Hennig, "Limitations of the empirical Fisher
       approximation for natural gradient descent", *NeurIPS* 2019.

    Examples
    --------
    >>> import torch
    >>> from fastit.torch.fisher import EWC
    >>> model = torch.nn.Linear(3, 2)
    >>> ewc = EWC(model, lam=10.0, progress=False)
    >>> float(ewc.penalty())  # nothing consolidated yet
    0.0
    >>> x, y = torch.randn(50, 3), torch.randint(0, 2, (50,))
    >>> _ = ewc.consolidate((x, y))
    >>> float(ewc.penalty().detach())  # at the anchor
    0.0
    >>> with torch.no_grad():
    ...     model.bias += 1.0
    >>> float(ewc.penalty().detach()) > 0
    True
    """

    def __init__(
        self,
        model: torch.nn.Module,
        *,
        lam: float,
        gamma: float = 1.0,
        empirical: bool = True,
        loss: str | None = None,
        n_samples: int | None = None,
        progress: bool = True,
        random_state: Any = None,
    ) -> None:
        _check_model(model)
        self.model = model
        self.lam = _nonnegative(lam, "lam", "pass the penalty strength (0 turns EWC off)")
        self.gamma = _nonnegative(gamma, "gamma", "pass a decay in [0, 1] (1: plain sum)")
        if self.gamma > 1:
            raise ValueError(
                f"gamma must be in [0, 1], got {gamma!r}; 1 sums the tasks' Fishers, smaller "
                "values forget old tasks geometrically"
            )
        self.empirical = check_flag(empirical, "empirical")
        self.loss = _check_loss(loss)
        if n_samples is not None:
            if self.empirical:
                raise ValueError(
                    "n_samples draws labels from the model, which only the true Fisher does; "
                    "pass empirical=False, or leave n_samples=None"
                )
            n_samples = check_count(n_samples, "n_samples")
        self.n_samples = n_samples
        self.progress = check_flag(progress, "progress")
        self._rng = np.random.default_rng(seed_of(random_state))
        self.fisher: dict[str, torch.Tensor] = {}
        self.anchors: dict[str, torch.Tensor] = {}
        self.n_tasks = 0

    def consolidate(self, data: Any) -> dict[str, torch.Tensor]:
        """Store the current parameters and add this task's Fisher diagonal.

        Parameters
        ----------
        data : (x, y) pair of tensors, or an iterable of (x, y) batches
            The data of the task just learnt (see :func:`fisher_diagonal`).

        Returns
        -------
        dict of str to torch.Tensor
            This task's Fisher diagonal (before adding it to :attr:`fisher`).
        """
        new = fisher_diagonal(
            self.model,
            data,
            empirical=self.empirical,
            loss=self.loss,
            n_samples=self.n_samples,
            progress=self.progress,
            random_state=self._rng,
        )
        params = dict(self.model.named_parameters())
        fisher: dict[str, torch.Tensor] = {}
        for name, f in new.items():
            old = self.fisher.get(name)
            if old is not None and old.shape == f.shape:
                fisher[name] = self.gamma * old.to(f.device) + f
            else:  # a parameter new since the last task starts from its own Fisher
                fisher[name] = f
        self.fisher = fisher
        self.anchors = {name: params[name].detach().clone() for name in new}
        self.n_tasks += 1
        return new

    def penalty(self) -> torch.Tensor:
        """``(lam / 2) * sum_i F_i (theta_i - theta*_i)^2``, differentiable in the parameters.

        Returns
        -------
        torch.Tensor
            A scalar on the model's device, to add to the loss of the next task; exactly 0
            (no graph) before any :meth:`consolidate`.

        Raises
        ------
        ValueError
            A consolidated parameter is gone from the model or changed shape.
        """
        params = dict(self.model.named_parameters())
        if not self.fisher:
            first = next(iter(params.values()))
            return torch.zeros((), dtype=first.dtype, device=first.device)
        total: torch.Tensor | None = None
        for name, f in list(self.fisher.items()):
            p = params.get(name)
            if p is None or p.shape != f.shape:
                got = "missing" if p is None else f"of shape {tuple(p.shape)}"
                raise ValueError(
                    f"parameter {name!r} was consolidated with shape {tuple(f.shape)} but is "
                    f"now {got}; EWC needs the same architecture across tasks (make a new EWC "
                    "for a new model)"
                )
            if f.device != p.device:  # the model moved: move the stored tensors once
                f = self.fisher[name] = f.to(p.device)
                self.anchors[name] = self.anchors[name].to(p.device)
            term = (f * (p - self.anchors[name]).square()).sum()
            total = term if total is None else total + term
        assert total is not None
        return 0.5 * self.lam * total
