"""Bayesian layers: a linear layer with a Gaussian posterior over its weights.

"Bayes by backprop" [1]_: each weight ``w`` has a variational posterior
``q(w) = N(mu, sigma^2)``, independent across weights, and a prior
``p(w) = N(0, prior_std^2)``. Training minimises the negative evidence lower bound

.. math::

    KL(q \\,\\|\\, p) - E_{q(w)} \\log p(\\mathcal D | w),

the first term in nats from :meth:`BayesianLinear.kl` (exact, in closed form) and the
second estimated with weights drawn by the reparameterisation ``w = mu + sigma * eps``,
so both are differentiable in ``mu`` and ``sigma``. With ``N`` training samples and a
per-sample data loss (mean over a batch), the usual per-sample objective is
``data_loss + kl / N``. :func:`total_kl` sums the KL of every Bayesian layer of a model.

The KL term is also the description length of the weights (Hinton and van Camp 1993):
the nats the weights carry about the data, which is how it enters information-theoretic
views of generalisation.

References
----------
.. [1] C. Blundell, J. Cornebise, K. Kavukcuoglu and D. Wierstra, "Weight uncertainty in
   neural networks", ICML 2015 (arXiv:1505.05424).
.. [2] G. E. Hinton and D. van Camp, "Keeping neural networks simple by minimizing the
   description length of the weights", COLT 1993.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from .._validation import check_count, check_flag

__all__ = ["BayesianLinear", "gaussian_kl_to_prior", "total_kl"]


def _check_real(value: Any, name: str, *, positive: bool, hint: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    out = float(value)
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {value}; {hint}")
    if positive and out <= 0:
        raise ValueError(f"{name} must be > 0, got {value}; {hint}")
    return out


def gaussian_kl_to_prior(
    mean: torch.Tensor, log_std: torch.Tensor, prior_std: float
) -> torch.Tensor:
    """Elementwise ``KL(N(mean, exp(log_std)^2) || N(0, prior_std^2))``, in nats.

    .. math::

        KL = \\log\\frac{s}{\\sigma} + \\frac{\\sigma^2 + \\mu^2}{2 s^2} - \\frac12
           = \\tfrac12\\left(e^{t} - 1 - t + \\mu^2 / s^2\\right),
        \\quad t = 2 (\\log\\sigma - \\log s),

    computed in the second form with ``expm1``, accurate when ``sigma`` is close to the
    prior's ``s``.

    Parameters
    ----------
    mean, log_std : torch.Tensor
        Posterior means and natural logarithms of the standard deviations, one shape.
    prior_std : float
        Standard deviation ``s > 0`` of the zero-mean Gaussian prior.

    Returns
    -------
    torch.Tensor
        The KL of each element, ``>= 0``, of the inputs' shape.

    References
    ----------
    .. [1] C. Blundell, J. Cornebise, K. Kavukcuoglu and D. Wierstra, "Weight
       uncertainty in neural networks", ICML 2015 (arXiv:1505.05424).

    Examples
    --------
    >>> import math, torch
    >>> from fastit.torch.bayesian import gaussian_kl_to_prior
    >>> mean = torch.tensor([0.0, 1.0, 0.0], dtype=torch.float64)
    >>> log_std = torch.tensor([0.0, 0.0, math.log(2.0)], dtype=torch.float64)
    >>> gaussian_kl_to_prior(mean, log_std, prior_std=1.0)  # 0, 1/2, (3 - ln 4) / 2
    tensor([0.0000, 0.5000, 0.8069], dtype=torch.float64)
    """
    s = _check_real(prior_std, "prior_std", positive=True, hint="pass the prior's std (> 0)")
    t = 2.0 * (log_std - math.log(s))
    return 0.5 * (torch.expm1(t) - t + (mean / s).square())


class BayesianLinear(nn.Module):
    """``y = x W^T + b`` with a diagonal Gaussian posterior over ``W`` and ``b``.

    Each weight (and bias) has a posterior mean and a posterior standard deviation,
    parameterised by its natural logarithm: ``weight_mu``, ``weight_log_std`` (shape
    ``(out_features, in_features)``), ``bias_mu``, ``bias_log_std`` (shape
    ``(out_features,)``). The log parameterisation keeps ``sigma > 0`` without
    constraints, reaches any positive ``sigma`` (no ``softplus`` underflow, as with
    Blundell et al.'s ``sigma = log(1 + e^rho)``), and gives the KL's ``log sigma``
    exactly.

    - Training mode: one weight matrix (and bias) is drawn per call of :meth:`forward`,
      ``w = mu + sigma * eps``, shared by the batch; gradients reach ``mu`` and
      ``log_std`` through the draw (the reparameterisation trick).
    - Eval mode: the posterior mean is used, so the layer is deterministic.

    Parameters
    ----------
    in_features, out_features : int
        Sizes of each input and output sample.
    prior_std : float, default 1.0
        Standard deviation of the prior ``N(0, prior_std^2)`` on every weight and bias,
        ``> 0``.
    bias : bool, default True
        Whether the layer has a (Bayesian) bias.
    init_log_std : float, default -5.0
        Initial ``log sigma`` of every weight (``sigma ~ 0.0067``: training starts close
        to a deterministic layer, as Blundell et al. recommend). The means are
        initialised as in :class:`torch.nn.Linear`.

    Raises
    ------
    TypeError, ValueError
        Sizes that are not positive integers; ``prior_std`` not a positive finite number;
        ``init_log_std`` not finite.

    References
    ----------
    .. [1] C. Blundell, J. Cornebise, K. Kavukcuoglu and D. Wierstra, "Weight
       uncertainty in neural networks", ICML 2015 (arXiv:1505.05424).

    Examples
    --------
    >>> import torch
    >>> from fastit.torch.bayesian import BayesianLinear
    >>> _ = torch.manual_seed(0)
    >>> layer = BayesianLinear(3, 2, prior_std=0.5)
    >>> layer(torch.randn(4, 3)).shape
    torch.Size([4, 2])
    >>> bool(layer.kl() > 0)
    True
    """

    weight_mu: nn.Parameter
    weight_log_std: nn.Parameter
    bias_mu: nn.Parameter | None
    bias_log_std: nn.Parameter | None

    def __init__(
        self,
        in_features: int,
        out_features: int,
        *,
        prior_std: float = 1.0,
        bias: bool = True,
        init_log_std: float = -5.0,
    ) -> None:
        super().__init__()
        self.in_features = check_count(in_features, "in_features")
        self.out_features = check_count(out_features, "out_features")
        self.prior_std = _check_real(
            prior_std, "prior_std", positive=True, hint="pass the prior's std (> 0)"
        )
        has_bias = check_flag(bias, "bias")
        log_std0 = _check_real(
            init_log_std,
            "init_log_std",
            positive=False,
            hint="pass the initial log posterior std (-5 gives sigma ~ 0.0067)",
        )
        shape = (self.out_features, self.in_features)
        self.weight_mu = nn.Parameter(torch.empty(shape))
        self.weight_log_std = nn.Parameter(torch.full(shape, log_std0))
        if has_bias:
            self.bias_mu = nn.Parameter(torch.empty(self.out_features))
            self.bias_log_std = nn.Parameter(torch.full((self.out_features,), log_std0))
        else:
            self.register_parameter("bias_mu", None)
            self.register_parameter("bias_log_std", None)
        self.reset_means()

    def reset_means(self) -> None:
        """Initialise the posterior means as :class:`torch.nn.Linear` initialises weights."""
        nn.init.kaiming_uniform_(self.weight_mu, a=math.sqrt(5))
        if self.bias_mu is not None:
            bound = 1.0 / math.sqrt(self.in_features)
            nn.init.uniform_(self.bias_mu, -bound, bound)

    def extra_repr(self) -> str:
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias_mu is not None}, prior_std={self.prior_std:g}"
        )

    @property
    def weight_std(self) -> torch.Tensor:
        """Posterior standard deviations of the weights, ``exp(weight_log_std)``."""
        return self.weight_log_std.exp()

    @property
    def bias_std(self) -> torch.Tensor | None:
        """Posterior standard deviations of the bias (None without a bias)."""
        return None if self.bias_log_std is None else self.bias_log_std.exp()

    def sample_weights(
        self, *, generator: torch.Generator | None = None
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """One draw ``(W, b)`` from the posterior, differentiable in its parameters."""
        w = self.weight_mu + self.weight_std * torch.randn(
            self.weight_mu.shape,
            generator=generator,
            device=self.weight_mu.device,
            dtype=self.weight_mu.dtype,
        )
        if self.bias_mu is None or self.bias_log_std is None:
            return w, None
        b = self.bias_mu + self.bias_log_std.exp() * torch.randn(
            self.bias_mu.shape,
            generator=generator,
            device=self.bias_mu.device,
            dtype=self.bias_mu.dtype,
        )
        return w, b

    def kl(self) -> torch.Tensor:
        """Exact ``KL(q(W, b) || p(W, b))`` in nats, summed over every weight and bias.

        The posterior is ``N(mu, sigma^2)`` per weight and the prior ``N(0,
        prior_std^2)``, so the KL is a sum of closed forms (see
        :func:`gaussian_kl_to_prior`); it is differentiable in ``mu`` and ``log_std``.
        """
        total = gaussian_kl_to_prior(self.weight_mu, self.weight_log_std, self.prior_std).sum()
        if self.bias_mu is not None and self.bias_log_std is not None:
            total = (
                total + gaussian_kl_to_prior(self.bias_mu, self.bias_log_std, self.prior_std).sum()
            )
        return total

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``x W^T + b`` with ``(W, b)`` drawn (training) or the posterior mean (eval).

        Parameters
        ----------
        x : torch.Tensor
            Shape ``(..., in_features)``.

        Returns
        -------
        torch.Tensor
            Shape ``(..., out_features)``.
        """
        if not isinstance(x, torch.Tensor):
            raise TypeError(f"x must be a torch.Tensor, got {type(x).__name__}")
        if x.ndim == 0 or x.shape[-1] != self.in_features:
            raise ValueError(
                f"x has shape {tuple(x.shape)}; pass inputs of shape (..., {self.in_features})"
            )
        if self.training:
            w, b = self.sample_weights()
        else:
            w, b = self.weight_mu, self.bias_mu
        return F.linear(x, w, b)


def total_kl(module: nn.Module) -> torch.Tensor:
    """The sum of :meth:`BayesianLinear.kl` over every Bayesian layer in ``module``, in nats.

    Parameters
    ----------
    module : torch.nn.Module
        A model (or a single layer); its submodules are searched recursively.

    Returns
    -------
    torch.Tensor
        A scalar: 0 (on the CPU) when the model has no Bayesian layer.

    Raises
    ------
    TypeError
        ``module`` is not a :class:`torch.nn.Module`.

    Examples
    --------
    A layer whose posterior is the prior, N(0, 1), except two weight means moved to 1
    (KL 1/2 each):

    >>> import torch
    >>> from torch import nn
    >>> from fastit.torch.bayesian import BayesianLinear, total_kl
    >>> layer = BayesianLinear(2, 1, prior_std=1.0, init_log_std=0.0)
    >>> with torch.no_grad():
    ...     _ = layer.weight_mu.fill_(1.0)
    ...     _ = layer.bias_mu.zero_()
    >>> model = nn.Sequential(layer, nn.ReLU(), nn.Linear(1, 1))
    >>> round(total_kl(model).item(), 4)
    1.0
    >>> float(total_kl(nn.Linear(2, 2)))  # no Bayesian layer
    0.0
    """
    if not isinstance(module, nn.Module):
        raise TypeError(f"module must be a torch.nn.Module, got {type(module).__name__}")
    terms = [m.kl() for m in module.modules() if isinstance(m, BayesianLinear)]
    if not terms:
        return torch.zeros(())
    return torch.stack(terms).sum()
