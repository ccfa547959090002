"""The information bottleneck for networks: the variational bottleneck (VIB) and the IB Lagrangian.

A stochastic encoder maps an input ``x`` to a diagonal Gaussian ``q(z|x) = N(mean,
diag exp(log_var))`` over a latent ``z``; a classifier reads the label from a sample of
``z``. The deep variational information bottleneck [1]_ trains both on

.. math::

    \\mathcal L = \\underbrace{E\\,[-\\log q(y|z)]}_{\\text{cross entropy}}
                 + \\beta\\, \\underbrace{E\\, KL(q(z|x) \\,\\|\\, N(0, I))}_{\\text{rate}},

whose two terms are variational bounds on the two informations of the information
bottleneck [2]_: the cross entropy bounds ``H(Y) - I(Z; Y)`` from above and the KL term,
the *rate*, bounds ``I(X; Z)`` from above (the prior ``N(0, I)`` stands in for the
marginal ``q(z)``).

Contents
    - :func:`gaussian_kl`: the exact ``KL(N(mean, diag exp(log_var)) || N(0, I))`` per
      sample, in nats.
    - :func:`reparameterise`: ``z = mean + exp(log_var / 2) * eps``, differentiable in both
      parameters [3]_.
    - :func:`vib_loss` and :class:`VIBLoss`: the VIB objective with its named terms.
    - :class:`VIBClassifier`: a Gaussian encoder, reparameterised sampling, and a linear
      softmax classifier on the sample, as in [1]_.
    - :func:`information_bottleneck_objective`: the IB Lagrangian
      ``I(X; T) - beta I(T; Y)`` of [2]_, for informations estimated any way.

Two betas
    The two objectives weigh their terms differently, and it matters which is which:

    - In :func:`vib_loss` (Alemi et al. [1]_) ``beta`` multiplies the **rate** ``I(X; Z)``
      (the KL): ``beta = 0`` is a plain classifier, larger ``beta`` compresses more.
    - In :func:`information_bottleneck_objective` (Tishby et al. [2]_) ``beta`` multiplies
      the **relevant information** ``I(T; Y)``: ``beta = 0`` compresses everything away,
      larger ``beta`` keeps more about ``Y``.

    Up to the constant ``H(Y)`` and a positive factor the two agree with
    ``beta_vib = 1 / beta_ib``: ``I(X;T) - beta_ib I(T;Y) = beta_ib (beta_vib I(X;T) -
    I(T;Y))``.

Units and reductions
    Every term is in nats (``kl_bits`` is the KL in bits). With ``reduction="mean"`` (the
    default) the terms are averages over the batch, so the KL is the rate in nats per
    sample; ``"sum"`` sums over the batch and ``"none"`` keeps one value per sample.

References
----------
.. [1] A. A. Alemi, I. Fischer, J. V. Dillon and K. Murphy, "Deep variational information
   bottleneck", ICLR 2017 (arXiv:1612.00410, 2016).
.. [2] N. Tishby, F. C. Pereira and W. Bialek, "The information bottleneck method",
   Proc. 37th Allerton Conference on Communication, Control and Computing, 368-377, 1999
   (arXiv:physics/0004057).
.. [3] D. P. Kingma and M. Welling, "Auto-encoding variational Bayes", ICLR 2014
   (arXiv:1312.6114).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any, NamedTuple, overload

import torch
import torch.nn.functional as F
from torch import nn

from .._validation import check_choice, check_count, check_flag
from ._tensors import check_finite

__all__ = [
    "GaussianEncoder",
    "GaussianParams",
    "VIBClassifier",
    "VIBLoss",
    "VIBOutput",
    "gaussian_kl",
    "information_bottleneck_objective",
    "reparameterise",
    "vib_loss",
]

_LN2 = math.log(2.0)
_REDUCTIONS = ("mean", "sum", "none")


# --------------------------------------------------------------------------- results


class GaussianParams(NamedTuple):
    """A diagonal Gaussian ``N(mean, diag exp(log_var))``, one per sample.

    Attributes
    ----------
    mean : torch.Tensor
        Shape ``(n, latent_dim)``.
    log_var : torch.Tensor
        Natural logarithm of the variances, shape ``(n, latent_dim)``.
    """

    mean: torch.Tensor
    log_var: torch.Tensor


class VIBOutput(NamedTuple):
    """What :meth:`VIBClassifier.forward` returns.

    Attributes
    ----------
    logits : torch.Tensor
        Class logits, shape ``(n, n_classes)``.
    mean : torch.Tensor
        Mean of ``q(z|x)``, shape ``(n, latent_dim)``.
    log_var : torch.Tensor
        Log-variance of ``q(z|x)``, shape ``(n, latent_dim)``.
    """

    logits: torch.Tensor
    mean: torch.Tensor
    log_var: torch.Tensor


class VIBLoss(NamedTuple):
    """The variational information bottleneck loss and its terms.

    Attributes
    ----------
    total : torch.Tensor
        ``cross_entropy + beta * kl``: the tensor to call ``backward()`` on.
    cross_entropy : torch.Tensor
        ``-log q(y|z)`` in nats, an upper bound on ``H(Y) - I(Z; Y)`` on average.
    kl : torch.Tensor
        ``KL(q(z|x) || N(0, I))`` in nats (the rate), an upper bound on ``I(X; Z)`` on
        average.
    kl_bits : torch.Tensor
        ``kl / ln 2``.

    Each is a scalar with ``reduction`` "mean" or "sum", shape ``(n,)`` with "none".
    """

    total: torch.Tensor
    cross_entropy: torch.Tensor
    kl: torch.Tensor
    kl_bits: torch.Tensor


# --------------------------------------------------------------------------- validation


def _check_beta(beta: Any, name: str = "beta") -> float:
    """A finite real number >= 0 (bools refused)."""
    if isinstance(beta, bool) or not isinstance(beta, numbers.Real):
        raise TypeError(f"{name} must be a real number >= 0, got {type(beta).__name__}")
    value = float(beta)
    if not math.isfinite(value) or value < 0:
        raise ValueError(
            f"{name} must be finite and >= 0, got {beta}; it weighs the rate term (0 turns it off)"
        )
    return value


def _check_float_tensor(a: Any, name: str, what: str) -> torch.Tensor:
    if not isinstance(a, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor ({what}), got {type(a).__name__}")
    if not a.is_floating_point():
        raise TypeError(f"{name} has dtype {a.dtype}; pass {what} as a floating-point tensor")
    return a


def _check_gaussian(mean: Any, log_var: Any) -> tuple[torch.Tensor, torch.Tensor]:
    what = "the Gaussian's parameters, shape (..., latent_dim)"
    m = _check_float_tensor(mean, "mean", what)
    lv = _check_float_tensor(log_var, "log_var", what)
    if m.shape != lv.shape:
        raise ValueError(
            f"mean has shape {tuple(m.shape)} but log_var has {tuple(lv.shape)}; pass one "
            "mean and one log-variance per latent dimension"
        )
    if m.ndim == 0 or m.shape[-1] == 0:
        raise ValueError(
            f"mean has shape {tuple(m.shape)}; pass shape (..., latent_dim) with latent_dim >= 1"
        )
    if m.device != lv.device:
        raise ValueError(
            f"mean is on {m.device} but log_var is on {lv.device}; move them to one device"
        )
    return m, lv


def _check_hidden(hidden: Any) -> tuple[int, ...]:
    """Hidden layer widths: an int (one layer) or a sequence of ints (possibly empty)."""
    if isinstance(hidden, numbers.Integral) and not isinstance(hidden, bool):
        return (check_count(hidden, "hidden"),)
    if isinstance(hidden, (str, bytes)) or not isinstance(hidden, Sequence):
        raise TypeError(
            "hidden must be an int or a sequence of ints (the widths of the hidden layers), "
            f"got {type(hidden).__name__}"
        )
    return tuple(check_count(h, "hidden") for h in hidden)


def _reduce(value: torch.Tensor, reduction: str) -> torch.Tensor:
    if reduction == "mean":
        return value.mean()
    if reduction == "sum":
        return value.sum()
    return value


# --------------------------------------------------------------------------- functions


def gaussian_kl(mean: torch.Tensor, log_var: torch.Tensor) -> torch.Tensor:
    """Exact ``KL(N(mean, diag exp(log_var)) || N(0, I))`` per sample, in nats.

    .. math::

        KL = \\tfrac12 \\sum_j \\left(\\sigma_j^2 + \\mu_j^2 - 1 - \\log \\sigma_j^2\\right)

    summed over the last (latent) axis. ``sigma^2 - 1 - log sigma^2`` is computed as
    ``expm1(log_var) - log_var``, which keeps its accuracy near ``log_var = 0``.

    Parameters
    ----------
    mean : torch.Tensor
        Means, shape ``(..., latent_dim)``, floating point.
    log_var : torch.Tensor
        Natural logarithms of the variances, same shape and device as ``mean``.

    Returns
    -------
    torch.Tensor
        Shape ``(...)``: one KL per sample, ``>= 0``; differentiable in both arguments.

    Raises
    ------
    TypeError
        Non-tensor or non-floating input.
    ValueError
        Shapes that differ, no latent axis, or tensors on different devices.

    References
    ----------
    .. [1] D. P. Kingma and M. Welling, "Auto-encoding variational Bayes", ICLR 2014,
       appendix B.

    Examples
    --------
    >>> import torch
    >>> from fastit.torch.bottleneck import gaussian_kl
    >>> gaussian_kl(torch.tensor([[0.0, 0.0], [1.0, 0.0]]), torch.zeros(2, 2))
    tensor([0.0000, 0.5000])
    """
    m, lv = _check_gaussian(mean, log_var)
    return 0.5 * (torch.expm1(lv) - lv + m.square()).sum(dim=-1)


def reparameterise(
    mean: torch.Tensor, log_var: torch.Tensor, *, generator: torch.Generator | None = None
) -> torch.Tensor:
    """A sample ``z = mean + exp(log_var / 2) * eps``, ``eps ~ N(0, I)``, differentiable.

    Parameters
    ----------
    mean, log_var : torch.Tensor
        The Gaussian's parameters, same shape and device.
    generator : torch.Generator, optional
        Source of ``eps`` (on the tensors' device); the global generator by default.

    Returns
    -------
    torch.Tensor
        A sample of the shape of ``mean``.

    References
    ----------
    .. [1] D. P. Kingma and M. Welling, "Auto-encoding variational Bayes", ICLR 2014,
       section 2.4.

    Examples
    --------
    >>> import math, torch
    >>> from fastit.torch.bottleneck import reparameterise
    >>> g = torch.Generator().manual_seed(0)
    >>> mean = torch.zeros(10_000, dtype=torch.float64, requires_grad=True)
    >>> log_var = torch.full((10_000,), math.log(9.0), dtype=torch.float64)  # variance 9
    >>> z = reparameterise(mean, log_var, generator=g)
    >>> round(z.detach().std().item(), 1)
    3.0
    >>> z.sum().backward()  # differentiable: dz_i / dmean_i = 1
    >>> bool((mean.grad == 1).all())
    True
    """
    m, lv = _check_gaussian(mean, log_var)
    eps = torch.randn(m.shape, generator=generator, device=m.device, dtype=m.dtype)
    return m + torch.exp(0.5 * lv) * eps


def vib_loss(
    logits: torch.Tensor,
    targets: torch.Tensor,
    mean: torch.Tensor,
    log_var: torch.Tensor,
    *,
    beta: float,
    reduction: str = "mean",
    validate: bool = True,
) -> VIBLoss:
    """The deep variational information bottleneck loss, with its terms named.

    ``total = cross_entropy + beta * kl`` where ``cross_entropy`` is the softmax cross
    entropy of ``logits`` (computed from a sample of ``q(z|x)``) against ``targets`` and
    ``kl = KL(N(mean, diag exp(log_var)) || N(0, I))``; ``beta`` weighs the KL (the rate)
    only [1]_.

    Parameters
    ----------
    logits : torch.Tensor
        Class logits, shape ``(n, n_classes)``.
    targets : torch.Tensor
        Class indices in ``[0, n_classes)``, shape ``(n,)``, integer dtype.
    mean, log_var : torch.Tensor
        Parameters of the encoder's ``q(z|x)``, shape ``(n, latent_dim)``.
    beta : float
        Weight of the KL term, ``>= 0`` (Alemi's convention; see the module notes for
        Tishby's). Alemi et al. found ``1e-3`` or so a good value for MNIST.
    reduction : {"mean", "sum", "none"}, default "mean"
        How the per-sample terms are combined over the batch.
    validate : bool, default True
        Check the values (NaN and infinite logits and parameters, labels out of range);
        this reads the tensors back, which synchronises a GPU. False keeps only the free
        checks (types, shapes).

    Returns
    -------
    VIBLoss
        ``total``, ``cross_entropy``, ``kl`` (nats) and ``kl_bits``.

    Raises
    ------
    TypeError
        Non-tensor input, non-floating logits or parameters, non-integer targets, a
        non-number ``beta``.
    ValueError
        Negative or non-finite ``beta``, shapes that do not match, and (with ``validate``)
        NaN or infinite values or labels out of range.

    References
    ----------
    .. [1] A. A. Alemi, I. Fischer, J. V. Dillon and K. Murphy, "Deep variational
       information bottleneck", ICLR 2017 (arXiv:1612.00410), equation 8.

    Examples
    --------
    >>> import torch
    >>> from fastit.torch.bottleneck import vib_loss
    >>> logits = torch.tensor([[0.0, 0.0]])
    >>> out = vib_loss(logits, torch.tensor([1]), torch.ones(1, 2), torch.zeros(1, 2), beta=0.5)
    >>> round(out.cross_entropy.item(), 4), out.kl.item(), round(out.total.item(), 4)
    (0.6931, 1.0, 1.1931)
    """
    b = _check_beta(beta)
    check_choice(reduction, "reduction", _REDUCTIONS)
    do_check = check_flag(validate, "validate")
    lg = _check_float_tensor(logits, "logits", "class logits of shape (n, n_classes)")
    if lg.ndim != 2 or lg.shape[1] == 0:
        raise ValueError(
            f"logits has shape {tuple(lg.shape)}; pass class logits of shape (n, n_classes)"
        )
    if not isinstance(targets, torch.Tensor):
        raise TypeError(
            f"targets must be a torch.Tensor of class indices, got {type(targets).__name__}"
        )
    if targets.is_floating_point() or targets.is_complex() or targets.dtype == torch.bool:
        raise TypeError(
            f"targets has dtype {targets.dtype}; pass class indices as an integer tensor "
            "(targets.long())"
        )
    if targets.shape != lg.shape[:1]:
        raise ValueError(
            f"targets has shape {tuple(targets.shape)} but logits has {tuple(lg.shape)}; pass "
            "one class index per row of logits, shape (n,)"
        )
    m, lv = _check_gaussian(mean, log_var)
    if m.ndim != 2 or m.shape[0] != lg.shape[0]:
        raise ValueError(
            f"mean has shape {tuple(m.shape)} but logits has {lg.shape[0]} rows; pass the "
            "Gaussian parameters of shape (n, latent_dim), one row per sample"
        )
    if do_check:
        check_finite(lg, "logits")
        check_finite(m, "mean")
        check_finite(lv, "log_var")
        if targets.numel() and (int(targets.min()) < 0 or int(targets.max()) >= lg.shape[1]):
            raise ValueError(
                f"targets has labels outside [0, {lg.shape[1]}) (range "
                f"{int(targets.min())}..{int(targets.max())}); pass class indices below "
                "n_classes = logits.shape[1]"
            )
    ce = F.cross_entropy(lg, targets.long(), reduction="none")
    kl = gaussian_kl(m, lv)
    ce_r = _reduce(ce, reduction)
    kl_r = _reduce(kl, reduction)
    return VIBLoss(total=ce_r + b * kl_r, cross_entropy=ce_r, kl=kl_r, kl_bits=kl_r / _LN2)


@overload
def information_bottleneck_objective(
    i_xt: float, i_ty: float, beta: float, *, validate: bool = ...
) -> float: ...


@overload
def information_bottleneck_objective(
    i_xt: torch.Tensor | float, i_ty: torch.Tensor | float, beta: float, *, validate: bool = ...
) -> torch.Tensor | float: ...


def information_bottleneck_objective(
    i_xt: torch.Tensor | float,
    i_ty: torch.Tensor | float,
    beta: float,
    *,
    validate: bool = True,
) -> torch.Tensor | float:
    """The information bottleneck Lagrangian ``I(X; T) - beta I(T; Y)``, to be minimised.

    Tishby, Pereira and Bialek's functional [1]_: a representation ``T`` of ``X`` should be
    as compressed as possible (small ``I(X; T)``) while keeping as much as possible about
    the relevant variable ``Y`` (large ``I(T; Y)``). Here ``beta`` multiplies the relevant
    information: ``beta = 0`` rewards compression only, and a larger ``beta`` keeps more
    about ``Y``. This is the reverse of :func:`vib_loss`, whose ``beta`` multiplies the
    rate ``I(X; T)`` as in Alemi et al. [2]_; up to the constant ``H(Y)`` and the positive
    factor ``beta``, ``I(X;T) - beta I(T;Y)`` is ``beta (I(X;T) / beta - I(T;Y))``, the VIB
    objective with ``beta_vib = 1 / beta``.

    Parameters
    ----------
    i_xt : float or torch.Tensor
        ``I(X; T)``, in any unit (the same as ``i_ty``): a number or a tensor (for instance
        a differentiable bound, or one value per layer).
    i_ty : float or torch.Tensor
        ``I(T; Y)``, broadcastable against ``i_xt``.
    beta : float
        Weight of ``I(T; Y)``, ``>= 0``.
    validate : bool, default True
        Raise on NaN or infinite values (for tensors this reads them back, which
        synchronises a GPU; False skips that check).

    Returns
    -------
    float or torch.Tensor
        A float when both informations are numbers, otherwise a tensor (differentiable).
        Negative informations (estimates can be) are used as given.

    Raises
    ------
    TypeError
        Inputs that are neither real numbers nor real tensors, or a non-number ``beta``.
    ValueError
        Negative or non-finite ``beta``; NaN or infinite informations (with
        ``validate``).

    References
    ----------
    .. [1] N. Tishby, F. C. Pereira and W. Bialek, "The information bottleneck method",
       Proc. 37th Allerton Conference, 368-377, 1999 (arXiv:physics/0004057), equation 15.
    .. [2] A. A. Alemi, I. Fischer, J. V. Dillon and K. Murphy, "Deep variational
       information bottleneck", ICLR 2017 (arXiv:1612.00410).

    Examples
    --------
    >>> from fastit.torch.bottleneck import information_bottleneck_objective
    >>> information_bottleneck_objective(2.0, 0.5, beta=4.0)
    0.0
    """
    b = _check_beta(beta)
    do_check = check_flag(validate, "validate")
    values: list[torch.Tensor | float] = []
    for value, name in ((i_xt, "i_xt"), (i_ty, "i_ty")):
        if isinstance(value, torch.Tensor):
            if value.is_complex() or value.dtype == torch.bool:
                raise TypeError(f"{name} has dtype {value.dtype}; pass a real information")
            if do_check:
                check_finite(value, name)
            values.append(value)
        elif isinstance(value, numbers.Real) and not isinstance(value, bool):
            f = float(value)
            if do_check and not math.isfinite(f):
                raise ValueError(f"{name} is {f}; pass a finite information (nats or bits)")
            values.append(f)
        else:
            raise TypeError(
                f"{name} must be a real number or a torch.Tensor, got {type(value).__name__}"
            )
    xt, ty = values
    return xt - b * ty


# --------------------------------------------------------------------------- modules


def _mlp(in_features: int, hidden: tuple[int, ...], out_features: int) -> nn.Sequential:
    """Linear layers with ReLU between them: in -> hidden... -> out (no final activation)."""
    layers: list[nn.Module] = []
    width = in_features
    for h in hidden:
        layers += [nn.Linear(width, h), nn.ReLU()]
        width = h
    layers.append(nn.Linear(width, out_features))
    return nn.Sequential(*layers)


class GaussianEncoder(nn.Module):
    """An MLP from ``x`` to the parameters of a diagonal Gaussian ``q(z|x)``.

    The last linear layer outputs ``2 * latent_dim`` numbers: the mean and the
    log-variance (unconstrained, so any variance is reachable).

    Parameters
    ----------
    in_features : int
        Size of each input.
    latent_dim : int
        Size of ``z``.
    hidden : tuple of int
        Widths of the hidden layers (ReLU); empty for an affine encoder.
    """

    def __init__(self, in_features: int, latent_dim: int, hidden: tuple[int, ...]) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.net = _mlp(in_features, hidden, 2 * latent_dim)

    def forward(self, x: torch.Tensor) -> GaussianParams:
        out = self.net(x)
        mean, log_var = out.split(self.latent_dim, dim=-1)
        return GaussianParams(mean, log_var)


def _check_input(x: Any, in_features: int, name: str = "x") -> torch.Tensor:
    what = f"inputs of shape (n, {in_features})"
    t = _check_float_tensor(x, name, what)
    if t.ndim != 2 or t.shape[1] != in_features:
        raise ValueError(f"{name} has shape {tuple(t.shape)}; pass {what}")
    return t


class VIBClassifier(nn.Module):
    """A classifier with a variational information bottleneck (Alemi et al. 2016).

    ``x -> encoder MLP -> (mean, log_var) -> z -> linear -> logits``. The encoder gives a
    diagonal Gaussian ``q(z|x)``; the classifier is a single linear (softmax) layer on
    ``z``, as in [1]_, so everything it knows about the label passes through ``z``.

    Sampling: in training mode ``z`` is drawn with the reparameterisation trick
    ``z = mean + exp(log_var / 2) * eps`` [2]_; in eval mode ``z = mean`` (a
    deterministic prediction) unless ``forward(x, sample=True)`` asks for a draw.
    (Alemi et al. average the softmax over several draws at test time; the mean is the
    cheaper, usual choice and does about as well.)

    Parameters
    ----------
    in_features : int
        Size of each input.
    latent_dim : int
        Size of the bottleneck ``z`` (Alemi et al. used 256).
    n_classes : int
        Number of classes (at least 2).
    hidden : int or sequence of int, default (128, 128)
        Widths of the encoder's hidden layers (ReLU); an empty sequence gives an affine
        encoder.
    beta : float, default 1e-3
        Weight of the KL (rate) term in :meth:`loss`, ``>= 0``; an attribute that may be
        changed during training (an annealing schedule, say).

    Raises
    ------
    TypeError, ValueError
        Sizes that are not positive integers; a bad ``beta``.

    References
    ----------
    .. [1] A. A. Alemi, I. Fischer, J. V. Dillon and K. Murphy, "Deep variational
       information bottleneck", ICLR 2017 (arXiv:1612.00410).
    .. [2] D. P. Kingma and M. Welling, "Auto-encoding variational Bayes", ICLR 2014.

    Examples
    --------
    >>> import torch
    >>> from fastit.torch.bottleneck import VIBClassifier
    >>> _ = torch.manual_seed(0)
    >>> model = VIBClassifier(5, latent_dim=2, n_classes=3, hidden=(8,), beta=0.01)
    >>> out = model(torch.randn(4, 5))
    >>> tuple(out.logits.shape), tuple(out.mean.shape)
    ((4, 3), (4, 2))
    >>> loss = model.loss(torch.randn(4, 5), torch.tensor([0, 1, 2, 0]))
    >>> loss.total.backward()
    """

    def __init__(
        self,
        in_features: int,
        latent_dim: int,
        n_classes: int,
        *,
        hidden: int | Sequence[int] = (128, 128),
        beta: float = 1e-3,
    ) -> None:
        super().__init__()
        self.in_features = check_count(in_features, "in_features")
        self.latent_dim = check_count(latent_dim, "latent_dim")
        self.n_classes = check_count(n_classes, "n_classes", minimum=2)
        self.hidden = _check_hidden(hidden)
        self._beta = _check_beta(beta)
        self.encoder = GaussianEncoder(self.in_features, self.latent_dim, self.hidden)
        self.classifier = nn.Linear(self.latent_dim, self.n_classes)

    @property
    def beta(self) -> float:
        """Weight of the KL term in :meth:`loss` (``>= 0``)."""
        return self._beta

    @beta.setter
    def beta(self, value: float) -> None:
        self._beta = _check_beta(value)

    def extra_repr(self) -> str:
        return f"beta={self._beta:g}"

    def encode(self, x: torch.Tensor) -> GaussianParams:
        """The parameters of ``q(z|x)``, each of shape ``(n, latent_dim)``."""
        return self.encoder(_check_input(x, self.in_features))  # type: ignore[no-any-return]

    def forward(
        self,
        x: torch.Tensor,
        *,
        sample: bool | None = None,
        generator: torch.Generator | None = None,
    ) -> VIBOutput:
        """Logits from a sample of ``q(z|x)`` (training) or its mean (eval).

        Parameters
        ----------
        x : torch.Tensor
            Inputs, shape ``(n, in_features)``, floating point.
        sample : bool, optional
            Draw ``z`` (True) or use the mean (False); None (the default) draws in
            training mode only.
        generator : torch.Generator, optional
            Source of the draw.

        Returns
        -------
        VIBOutput
            ``logits`` ``(n, n_classes)``, ``mean`` and ``log_var`` ``(n, latent_dim)``.
        """
        mean, log_var = self.encode(x)
        draw = self.training if sample is None else check_flag(sample, "sample")
        z = reparameterise(mean, log_var, generator=generator) if draw else mean
        return VIBOutput(self.classifier(z), mean, log_var)

    def loss(
        self,
        x: torch.Tensor,
        y: torch.Tensor,
        *,
        sample: bool | None = None,
        generator: torch.Generator | None = None,
        reduction: str = "mean",
    ) -> VIBLoss:
        """:func:`vib_loss` of a forward pass, with the module's ``beta``.

        ``x`` of shape ``(n, in_features)``, ``y`` class indices of shape ``(n,)``;
        ``sample``, ``generator`` as in :meth:`forward`. Values are not read back (no
        GPU synchronisation): a NaN in ``x`` gives a NaN loss.
        """
        out = self.forward(x, sample=sample, generator=generator)
        return vib_loss(
            out.logits,
            y,
            out.mean,
            out.log_var,
            beta=self._beta,
            reduction=reduction,
            validate=False,
        )
