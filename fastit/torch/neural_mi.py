"""Neural estimators of mutual information: variational lower bounds maximised over a critic.

A critic ``T(x, y)`` is a network that scores pairs. Every bound below is a lower bound on
``I(X; Y)`` for any critic and is tight for the right one, so training the critic to
maximise the bound estimates the mutual information. Values are in nats.

The bounds (Poole et al. 2019 compare them all):

``dv`` -- Donsker-Varadhan, ``E_p[T] - log E_q[e^T]`` with ``p`` the joint distribution and
    ``q = p(x) p(y)`` the product of the marginals (pairs with ``y`` shuffled). Tight at
    ``T = log p(x, y) / (p(x) p(y)) + c`` for any constant ``c``. The ``log`` of a batch mean
    makes both the value and its gradient biased on minibatches.
``mine`` -- the DV bound trained as in MINE (Belghazi et al. 2018): in the gradient the
    batch mean ``E_q[e^T]`` of the denominator is replaced by an exponential moving average
    over batches, which reduces the bias of the gradient (:class:`MINE`). The value reported
    is the plain DV bound.
``nwj`` -- Nguyen, Wainwright and Jordan 2010 (f-divergence, "f-GAN KL", "MINE-f"),
    ``E_p[T] - E_q[e^(T - 1)]``. No logarithm of a mean, so its minibatch value and gradient
    are unbiased; tight only at ``T = 1 + log p(x, y) / (p(x) p(y))``, so the critic must
    also learn the normalisation. Never larger than DV for the same critic.
``infonce`` -- InfoNCE / contrastive predictive coding (van den Oord et al. 2018): for a
    batch of ``K`` pairs, each ``x_i`` must pick out its own ``y_i`` among the ``K`` ``y``'s,
    ``log K + mean_i [T(x_i, y_i) - logsumexp_j T(x_i, y_j)]``. Low variance, but the bound
    can never exceed ``log K``: with ``I(X; Y)`` near or above ``log K`` it underestimates
    badly, whatever the critic, and only a larger batch helps.

Bias and variance: DV and NWJ can reach large values, but the variance of their estimates
grows like ``e^I`` (the marginal term averages ``e^T``, a density ratio whose second moment
under ``q`` blows up exponentially with the information; McAllester and Stratos 2020 show
that no distribution-free lower bound does better than ``O(log n)``). Above a few nats they
need very many samples, and their estimates from ``n`` samples are noisy and biased.
InfoNCE has low variance but is capped at ``log K``; it is the bound of choice for
representation learning and for small information, DV/MINE/NWJ for estimating larger
values. Every estimate is a lower bound only up to optimisation and sampling error: a poor
critic underestimates, an overfitted critic can overestimate.

References
----------
Belghazi, M. I. et al. (2018). Mutual information neural estimation. ICML.
Nguyen, X., Wainwright, M. J. and Jordan, M. I. (2010). Estimating divergence functionals
and the likelihood ratio by convex risk minimization. IEEE Trans. Inf. Theory 56(11).
van den Oord, A., Li, Y. and Vinyals, O. (2018). Representation learning with contrastive
predictive coding. arXiv:1807.03748.
Poole, B., Ozair, S., van den Oord, A., Alemi, A. A. and Tucker, G. (2019). On variational
bounds of mutual information. ICML.
McAllester, D. and Stratos, K. (2020). Formal limitations on the measurement of mutual
information. AISTATS.
"""

from __future__ import annotations

import math
import numbers
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import torch
from torch import nn

from .._progress import progress as _progress
from .._validation import check_choice, check_count, check_flag, log_base, seed_of
from .._warnings import EstimationWarning
from ._tensors import check_dense

__all__ = [
    "MINE",
    "ConcatCritic",
    "MutualInfoEstimate",
    "SeparableCritic",
    "dv_bound",
    "estimate_mutual_info",
    "infonce_bound",
    "nwj_bound",
    "score_matrix",
]

BOUNDS = ("mine", "infonce", "nwj", "dv")

# InfoNCE estimates at or above this fraction of log(batch_size) trigger a warning. The
# estimate approaches its cap slowly: on Gaussians with K = 16 it is 69% of log K when the
# truth is log K, and 96% of it when the truth is 2.2 log K; with K = 256 it is 10% low
# already when the estimate is 68% of log K. Half the cap is where its bias starts to
# matter.
INFONCE_CAP_FRACTION = 0.5
# Checks of a finished run (see _training_problems), set on measured runs: 71 on Gaussians
# at lr 1e-3 and 3e-3 (1, 3, 5 and 10 dims, 0.5 to 4 nats, n = 1000 to 1e4, every bound),
# 32 on independent variables and 12 overfitting ones at the default settings, and 48 at
# lr 0.1 to 1 (the cases among them). Every run at lr >= 0.1 warns or raises; no
# run at lr <= 3e-3 within 20% of the truth warns, nor does any test-suite case.
# - Unstable: no run at lr <= 3e-3 ever had a batch bound below its first value (the
#   untrained critic's) by more than 0.02 nats; every run at lr >= 0.1 fell by 3 nats or
#   more (up to 1e8), those that still ended near the truth included. Hence 1 nat, plus 5
#   late standard deviations for bounds whose batch values are noisy at high information.
_UNSTABLE_DROP_NATS = 1.0
_UNSTABLE_DROP_SPREADS = 5.0
# - Below 0: on the test suite's independent variables (n = 4000, 200 steps) the held-out
#   value lies up to 2.5 standard errors below 0, biased low by what the critic learned
#   from noise; failed runs lie 4 to 355 below. Independent 5-dim variables at the default
#   1000 steps warn at every n (-0.9 nats at n = 200, -0.014 at 1e4; NWJ's -0.005 at
#   1e4 does not): fitted noise.
_NEGATIVE_ERRORS = 4.0
# - Overfitting: a held-out value under half the final training level, by more than 0.1
#   nats and 4 standard errors of the difference. Runs within 20% of the truth kept at
#   least 60% of their training level; independent variables left gaps up to 0.03 nats at
#   n = 1000; overfitted runs (n = 200, 5 + 5 dims, 1000 steps) kept 24-32% of it or fell
#   below 0, as did InfoNCE at n = 2000 in 5 dims (0.33 and -0.006 nats for 0.5).
# - Collapse: a training level (mean of the last tenth of the steps) under half of the
#   best moving average over steps // 20, by the same margins. Well-tuned runs ended within
#   7% of their best.
_FAR_FRACTION = 0.5
_FAR_NATS = 0.1
_FAR_ERRORS = 4.0
# Pairs scored when the trained critic is evaluated: product-of-marginal pairs for DV/NWJ
# (at least one shuffle of the evaluation samples), entries of the score matrices for
# InfoNCE (at least one partition into batches, at most _MAX_PARTITIONS).
_EVAL_PAIRS = 2**19
_MAX_PARTITIONS = 100
# Rows per critic call when evaluating on all the data.
_EVAL_CHUNK = 65_536


# --------------------------------------------------------------------------- bounds


def _scores(scores: Any, name: str) -> torch.Tensor:
    if not isinstance(scores, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor of critic scores, got {type(scores).__name__}"
        )
    check_dense(scores, name)
    if not scores.is_floating_point():
        raise TypeError(f"{name} has dtype {scores.dtype}; critic scores must be floating point")
    if scores.numel() == 0:
        raise ValueError(f"{name} is empty; pass the critic's score of at least one pair")
    return scores


def dv_bound(scores_joint: torch.Tensor, scores_marginal: torch.Tensor) -> torch.Tensor:
    """Donsker-Varadhan lower bound ``mean(T_joint) - log mean(exp(T_marginal))``, in nats.

    Parameters
    ----------
    scores_joint : Tensor of shape (n,)
        Critic values ``T(x_i, y_i)`` on pairs drawn from the joint distribution. Any shape
        is accepted; every element counts as one pair.
    scores_marginal : Tensor of shape (m,)
        Critic values on pairs from the product of the marginals, e.g.
        ``T(x_i, y_perm(i))`` with ``y`` shuffled. Any shape; every element is one pair.

    Returns
    -------
    Tensor of shape ()
        The bound, differentiable (the log-mean-exp is computed stably with
        ``logsumexp``). Maximise it to train a critic; :class:`MINE` corrects the bias of
        its minibatch gradient.

    References
    ----------
    Donsker, M. D. and Varadhan, S. R. S. (1983). Asymptotic evaluation of certain Markov
    process expectations for large time IV. Comm. Pure Appl. Math. 36.
    Belghazi, M. I. et al. (2018). Mutual information neural estimation. ICML.

    Examples
    --------
    >>> import torch
    >>> from fastit.torch.neural_mi import dv_bound
    >>> float(dv_bound(torch.tensor([1.0, 2.0]), torch.tensor([0.0, 0.0])))
    1.5
    """
    joint = _scores(scores_joint, "scores_joint")
    marginal = _scores(scores_marginal, "scores_marginal").reshape(-1)
    log_mean_exp = torch.logsumexp(marginal, 0) - math.log(marginal.numel())
    return joint.mean() - log_mean_exp


def nwj_bound(scores_joint: torch.Tensor, scores_marginal: torch.Tensor) -> torch.Tensor:
    """Nguyen-Wainwright-Jordan lower bound ``mean(T_joint) - mean(exp(T_marginal - 1))``.

    In nats. Also known as the f-divergence (f-GAN KL) bound or MINE-f; tight at
    ``T = 1 + log p(x, y) / (p(x) p(y))``.

    Parameters
    ----------
    scores_joint : Tensor of shape (n,)
        Critic values on pairs from the joint distribution (any shape; every element is one
        pair).
    scores_marginal : Tensor of shape (m,)
        Critic values on pairs from the product of the marginals (shuffled ``y``; any
        shape).

    Returns
    -------
    Tensor of shape ()
        The bound, differentiable; an unbiased estimate from a minibatch, as is its
        gradient, but with variance growing like ``exp(I)``.

    References
    ----------
    Nguyen, X., Wainwright, M. J. and Jordan, M. I. (2010). Estimating divergence
    functionals and the likelihood ratio by convex risk minimization. IEEE Trans. Inf.
    Theory 56(11).
    Poole, B. et al. (2019). On variational bounds of mutual information. ICML.

    Examples
    --------
    >>> import torch
    >>> from fastit.torch.neural_mi import nwj_bound
    >>> float(nwj_bound(torch.tensor([1.0, 3.0]), torch.tensor([1.0, 1.0])))
    1.0
    """
    joint = _scores(scores_joint, "scores_joint")
    marginal = _scores(scores_marginal, "scores_marginal")
    return joint.mean() - torch.exp(marginal - 1.0).mean()


def infonce_bound(scores: torch.Tensor) -> torch.Tensor:
    """InfoNCE lower bound on a batch of K pairs, in nats; never more than ``log K``.

    ``log K + mean_i [S_ii - logsumexp_j S_ij]``: each ``x_i`` classifies its own ``y_i``
    among the batch's ``K`` values of ``y``.

    Parameters
    ----------
    scores : Tensor of shape (K, K)
        ``scores[i, j] = T(x_i, y_j)`` for a batch of ``K`` joint samples ``(x_i, y_i)``:
        the positive pairs on the diagonal, every other entry a pair from the product of
        the marginals.

    Returns
    -------
    Tensor of shape ()
        The bound, differentiable. It is at most ``log K`` whatever the scores (each term
        is the log of a probability times ``K``), so it underestimates any information near
        or above ``log K``: use a larger batch.

    References
    ----------
    van den Oord, A., Li, Y. and Vinyals, O. (2018). Representation learning with
    contrastive predictive coding. arXiv:1807.03748.
    Poole, B. et al. (2019). On variational bounds of mutual information. ICML.

    Examples
    --------
    >>> import torch
    >>> from fastit.torch.neural_mi import infonce_bound
    >>> float(infonce_bound(torch.zeros(4, 4)))  # an uninformative critic
    0.0
    """
    s = _scores(scores, "scores")
    if s.ndim != 2 or s.shape[0] != s.shape[1]:
        raise ValueError(
            f"scores has shape {tuple(s.shape)}; pass a square (K, K) matrix with "
            "scores[i, j] = T(x_i, y_j) and the positive pairs on the diagonal"
        )
    k = s.shape[0]
    return (torch.diagonal(s) - torch.logsumexp(s, dim=1)).mean() + math.log(k)


# --------------------------------------------------------------------------- critics


def _mlp(d_in: int, hidden: int, layers: int, d_out: int) -> nn.Sequential:
    modules: list[nn.Module] = []
    width = d_in
    for _ in range(layers):
        modules += [nn.Linear(width, hidden), nn.ELU()]
        width = hidden
    modules.append(nn.Linear(width, d_out))
    return nn.Sequential(*modules)


def _check_dims(x_dim: Any, y_dim: Any, hidden: Any, layers: Any) -> tuple[int, int, int, int]:
    return (
        check_count(x_dim, "x_dim"),
        check_count(y_dim, "y_dim"),
        check_count(hidden, "hidden"),
        check_count(layers, "layers", minimum=0),
    )


def _rows(a: torch.Tensor) -> torch.Tensor:
    return a.reshape(-1, 1) if a.ndim == 1 else a


class ConcatCritic(nn.Module):
    """MLP critic on the concatenation ``[x, y]``: ``T(x, y) = MLP([x, y])``.

    The most flexible default: it can represent any smooth log density ratio. Scoring all
    ``K^2`` pairs of a batch (InfoNCE) costs ``K^2`` network evaluations.

    Parameters
    ----------
    x_dim, y_dim : int
        Widths of ``x`` and ``y`` (1 for a tensor of shape (n,)).
    hidden : int, default 64
        Width of the hidden layers.
    layers : int, default 2
        Number of hidden layers (ELU); 0 gives a linear critic.

    Notes
    -----
    ``forward(x, y)`` takes ``x`` of shape (n, x_dim) (or (n,)) and ``y`` of shape
    (n, y_dim) (or (n,)) and returns the scores of the n pairs, shape (n,).
    ``pairwise(x, y)`` returns the (n, n) matrix ``T(x_i, y_j)``.
    """

    def __init__(self, x_dim: int, y_dim: int, hidden: int = 64, layers: int = 2) -> None:
        super().__init__()
        x_dim, y_dim, hidden, layers = _check_dims(x_dim, y_dim, hidden, layers)
        self.x_dim, self.y_dim = x_dim, y_dim
        self.net = _mlp(x_dim + y_dim, hidden, layers, 1)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = self.net(torch.cat([_rows(x), _rows(y)], dim=1))
        return out.reshape(-1)

    def pairwise(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Scores of every pair, shape (n_x, n_y): ``out[i, j] = T(x_i, y_j)``."""
        x, y = _rows(x), _rows(y)
        nx, ny = x.shape[0], y.shape[0]
        xx = x.unsqueeze(1).expand(nx, ny, x.shape[1])
        yy = y.unsqueeze(0).expand(nx, ny, y.shape[1])
        out: torch.Tensor = self.net(torch.cat([xx, yy], dim=2))
        return out.reshape(nx, ny)


class SeparableCritic(nn.Module):
    """Separable critic ``T(x, y) = g(x) . h(y)`` with two MLP embeddings.

    Scoring all ``K^2`` pairs of a batch costs ``2K`` embeddings and one matrix product,
    which makes it the cheap choice for InfoNCE (the bilinear critic of CPC is its linear
    case). It represents log density ratios of rank ``embed_dim``; Gaussian ones need
    ``x_dim + y_dim + 2`` at most, since ``g`` and ``h`` can carry constants.

    Parameters
    ----------
    x_dim, y_dim : int
        Widths of ``x`` and ``y`` (1 for a tensor of shape (n,)).
    hidden : int, default 64
        Width of the hidden layers of both embeddings.
    layers : int, default 2
        Number of hidden layers (ELU) of each embedding; 0 gives linear maps.
    embed_dim : int, default 32
        Width of the embeddings ``g(x)`` and ``h(y)``.

    Notes
    -----
    ``forward(x, y)`` returns the scores of the n pairs, shape (n,); ``pairwise(x, y)``
    the (n, n) matrix ``g(x_i) . h(y_j)``.
    """

    def __init__(
        self, x_dim: int, y_dim: int, hidden: int = 64, layers: int = 2, embed_dim: int = 32
    ) -> None:
        super().__init__()
        x_dim, y_dim, hidden, layers = _check_dims(x_dim, y_dim, hidden, layers)
        embed_dim = check_count(embed_dim, "embed_dim")
        self.x_dim, self.y_dim = x_dim, y_dim
        self.g = _mlp(x_dim, hidden, layers, embed_dim)
        self.h = _mlp(y_dim, hidden, layers, embed_dim)

    def forward(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        out: torch.Tensor = (self.g(_rows(x)) * self.h(_rows(y))).sum(dim=1)
        return out

    def pairwise(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Scores of every pair, shape (n_x, n_y): ``out[i, j] = g(x_i) . h(y_j)``."""
        out: torch.Tensor = self.g(_rows(x)) @ self.h(_rows(y)).T
        return out


def _critic_scores(critic: Callable[..., Any], x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """One score per pair, shape (n,), whatever (n,) or (n, 1) the critic returns."""
    out = critic(x, y)
    n = x.shape[0]
    if not isinstance(out, torch.Tensor) or out.numel() != n or out.shape[0] != n:
        shape = tuple(out.shape) if isinstance(out, torch.Tensor) else type(out).__name__
        raise ValueError(
            f"the critic returned {shape} for {n} pairs; a critic must map x of shape "
            "(n, x_dim) and y of shape (n, y_dim) to one score per pair, shape (n,) or (n, 1)"
        )
    return out.reshape(n)


def score_matrix(critic: Callable[..., Any], x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The (K, K) matrix ``T(x_i, y_j)`` of a batch, as :func:`infonce_bound` takes it.

    Uses ``critic.pairwise`` when the critic has one (:class:`ConcatCritic`,
    :class:`SeparableCritic`); otherwise calls the critic on all ``K^2`` pairs at once.
    """
    pairwise = getattr(critic, "pairwise", None)
    k = x.shape[0]
    if callable(pairwise):
        out = pairwise(x, y)
        if not isinstance(out, torch.Tensor) or tuple(out.shape) != (k, k):
            raise ValueError(
                f"critic.pairwise returned {getattr(out, 'shape', type(out).__name__)} for a "
                f"batch of {k}; it must return the ({k}, {k}) matrix of T(x_i, y_j)"
            )
        return out
    xx = x.repeat_interleave(k, dim=0)
    yy = y.repeat(k, 1)
    return _critic_scores(critic, xx, yy).reshape(k, k)


# --------------------------------------------------------------------------- MINE


def _derangement(n: int, generator: torch.Generator | None, device: torch.device) -> torch.Tensor:
    """Indices ``s`` with ``s[i] != i``: one random n-cycle, so ``(x_i, y_s[i])`` are pairs
    of distinct samples (a shuffle with fixed points would mix joint pairs into the
    product of the marginals)."""
    perm = torch.randperm(n, generator=generator, device=generator.device if generator else device)
    perm = perm.to(device)
    s = torch.empty_like(perm)
    s[perm] = torch.roll(perm, -1)
    return s


class MINE(nn.Module):
    """Mutual information neural estimation (Belghazi et al. 2018): DV with a corrected gradient.

    The Donsker-Varadhan bound ``E_p[T] - log E_q[e^T]`` has a biased minibatch gradient:
    its second term's gradient ``E_q[e^T grad T] / E_q[e^T]`` divides by a batch mean.
    MINE replaces that denominator by an exponential moving average over batches. Here
    the average is kept in log space (no overflow) and bias-corrected as in Adam, so the
    first batch uses its own mean and ``ema_decay`` sets the memory afterwards.

    Parameters
    ----------
    critic : nn.Module, optional
        Any module mapping ``x`` of shape (n, x_dim) and ``y`` of shape (n, y_dim) to one
        score per pair, shape (n,) or (n, 1). Default: ``ConcatCritic(x_dim, y_dim,
        hidden, layers)``.
    x_dim, y_dim : int, optional
        Widths of ``x`` and ``y``; needed only for the default critic.
    hidden, layers : int, default 64 and 2
        Size of the default critic.
    ema_decay : float, default 0.99
        Weight of the past in the moving average, in [0, 1); 0 gives the plain DV
        gradient.

    Notes
    -----
    ``forward(x, y)`` (or :meth:`loss`) returns the training loss of one batch: its value
    is minus the DV bound on the batch, and its gradient is that of
    ``-(mean(T_joint) - mean(exp(T_marginal)) / EMA)``, the MINE estimator of the
    bound's gradient. In training mode each call first folds the batch's
    ``mean(exp(T_marginal))`` into the moving average, then uses it; in eval mode the
    average is left alone. :meth:`estimate` returns the plain DV bound (a float, in
    nats) without touching the average.

    The product of the marginals is sampled by pairing each ``x_i`` with the ``y`` of
    another sample of the batch (a random n-cycle, never ``y_i`` itself), or with
    ``y_shuffled`` when given.

    References
    ----------
    Belghazi, M. I., Baratin, A., Rajeswar, S., Ozair, S., Bengio, Y., Courville, A. and
    Hjelm, R. D. (2018). Mutual information neural estimation. ICML.

    Examples
    --------
    >>> import torch
    >>> from fastit.torch.neural_mi import MINE
    >>> _ = torch.manual_seed(0)
    >>> x = torch.randn(256, 1)
    >>> y = x + torch.randn(256, 1)
    >>> mine = MINE(x_dim=1, y_dim=1)
    >>> opt = torch.optim.Adam(mine.parameters(), lr=1e-3)
    >>> for _ in range(5):
    ...     opt.zero_grad()
    ...     mine(x, y).backward()
    ...     opt.step()
    >>> isinstance(mine.estimate(x, y), float)
    True
    """

    critic: nn.Module
    ema_decay: float
    log_ema: torch.Tensor
    ema_steps: torch.Tensor

    def __init__(
        self,
        critic: nn.Module | None = None,
        *,
        x_dim: int | None = None,
        y_dim: int | None = None,
        hidden: int = 64,
        layers: int = 2,
        ema_decay: float = 0.99,
    ) -> None:
        super().__init__()
        if critic is None:
            if x_dim is None or y_dim is None:
                raise ValueError(
                    "MINE needs x_dim and y_dim to build its default critic; pass them, or "
                    "pass critic=<an nn.Module mapping (x, y) to scores>"
                )
            critic = ConcatCritic(x_dim, y_dim, hidden, layers)
        elif not isinstance(critic, nn.Module):
            raise TypeError(
                f"critic must be an nn.Module mapping (x, y) to scores, got {type(critic).__name__}"
            )
        if isinstance(ema_decay, bool) or not isinstance(ema_decay, numbers.Real):
            raise TypeError(f"ema_decay must be a float in [0, 1), got {type(ema_decay).__name__}")
        if not 0.0 <= float(ema_decay) < 1.0:
            raise ValueError(f"ema_decay must be in [0, 1) (0.99 is usual), got {ema_decay}")
        self.critic = critic
        self.ema_decay = float(ema_decay)
        # log of the (not yet bias-corrected) moving average of mean(exp(T_marginal)).
        self.register_buffer("log_ema", torch.tensor(-math.inf))
        self.register_buffer("ema_steps", torch.tensor(0, dtype=torch.long))

    def _pairs(
        self,
        x: torch.Tensor,
        y: torch.Tensor,
        y_shuffled: torch.Tensor | None,
        generator: torch.Generator | None,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        x, y = _rows(x), _rows(y)
        if x.shape[0] != y.shape[0]:
            raise ValueError(
                f"y has {y.shape[0]} samples but x has {x.shape[0]}; pass paired samples, "
                "one per row"
            )
        if x.shape[0] < 2:
            raise ValueError("a batch needs at least 2 samples to pair x with another y")
        if y_shuffled is None:
            y_shuffled = y[_derangement(x.shape[0], generator, y.device)]
        else:
            y_shuffled = _rows(y_shuffled)
            if y_shuffled.shape != y.shape:
                raise ValueError(
                    f"y_shuffled has shape {tuple(y_shuffled.shape)}; pass y's rows "
                    f"reordered, shape {tuple(y.shape)}"
                )
        return _critic_scores(self.critic, x, y), _critic_scores(self.critic, x, y_shuffled)

    def corrected_loss(
        self, scores_joint: torch.Tensor, scores_marginal: torch.Tensor
    ) -> torch.Tensor:
        """The MINE loss from critic scores; updates the moving average in training mode.

        Parameters
        ----------
        scores_joint : Tensor of shape (n,)
            ``T(x_i, y_i)``.
        scores_marginal : Tensor of shape (m,)
            ``T`` on pairs from the product of the marginals.

        Returns
        -------
        Tensor of shape ()
            Value ``-dv_bound(scores_joint, scores_marginal)``; gradient that of
            ``-(mean(T_joint) - mean(exp(T_marginal)) / EMA)``.
        """
        marginal = scores_marginal.reshape(-1)
        log_batch = torch.logsumexp(marginal, 0) - math.log(marginal.numel())
        decay = self.ema_decay
        if self.training:
            with torch.no_grad():
                past = self.log_ema + math.log(decay) if decay > 0 else self.log_ema - math.inf
                new = torch.logaddexp(past, log_batch.detach().to(past.dtype) + math.log1p(-decay))
                self.log_ema.copy_(new)
                self.ema_steps += 1
        steps = self.ema_steps.clamp(min=1).to(self.log_ema.dtype)
        # Adam's bias correction: the average of t batches weighs them by 1 - decay^t.
        log_denominator = self.log_ema - torch.log1p(-torch.pow(decay, steps))
        # (in eval mode before any training step the batch is all there is)
        log_denominator = torch.where(
            self.ema_steps > 0, log_denominator, log_batch.detach().to(log_denominator.dtype)
        )
        ratio = torch.exp(marginal - log_denominator.to(marginal.dtype)).mean()
        # value: minus the DV bound; gradient: that of -(mean T_j - mean(e^T_m) / EMA).
        dv_value = scores_joint.mean() - log_batch
        return -(dv_value.detach() + scores_joint.mean() - scores_joint.mean().detach()) + (
            ratio - ratio.detach()
        )

    def forward(
        self,
        x: torch.Tensor,
        y: torch.Tensor,
        *,
        y_shuffled: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """Training loss of one batch: minimise it (value ``-DV``, MINE's gradient).

        Parameters
        ----------
        x : Tensor of shape (n, x_dim) or (n,)
        y : Tensor of shape (n, y_dim) or (n,)
            Joint samples: row ``i`` of ``x`` goes with row ``i`` of ``y``.
        y_shuffled : Tensor like y, optional
            ``y`` reordered so that ``(x_i, y_shuffled_i)`` are pairs from the product of
            the marginals. Default: a random n-cycle of ``y`` (no ``y_i`` stays with its
            ``x_i``).
        generator : torch.Generator, optional
            Draws the default shuffle.

        Returns
        -------
        Tensor of shape ()
            The loss, in nats.
        """
        joint, marginal = self._pairs(x, y, y_shuffled, generator)
        return self.corrected_loss(joint, marginal)

    def loss(
        self,
        x: torch.Tensor,
        y: torch.Tensor,
        *,
        y_shuffled: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """The same as calling the module: the training loss of one batch."""
        out: torch.Tensor = self(x, y, y_shuffled=y_shuffled, generator=generator)
        return out

    def bound(
        self,
        x: torch.Tensor,
        y: torch.Tensor,
        *,
        y_shuffled: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ) -> torch.Tensor:
        """The plain DV bound of the batch (differentiable, nats); no moving average."""
        joint, marginal = self._pairs(x, y, y_shuffled, generator)
        return dv_bound(joint, marginal)

    def estimate(
        self,
        x: torch.Tensor,
        y: torch.Tensor,
        *,
        y_shuffled: torch.Tensor | None = None,
        generator: torch.Generator | None = None,
    ) -> float:
        """The current estimate: the DV bound of the critic on (x, y), in nats."""
        with torch.no_grad():
            return float(self.bound(x, y, y_shuffled=y_shuffled, generator=generator))

    @property
    def ema(self) -> float:
        """The bias-corrected moving average of ``mean(exp(T_marginal))`` (nan before any
        training step)."""
        t = int(self.ema_steps)
        if t == 0:
            return math.nan
        return math.exp(float(self.log_ema) - math.log1p(-(self.ema_decay**t)))


# --------------------------------------------------------------------------- estimation


@dataclass(frozen=True)
class MutualInfoEstimate:
    """Result of :func:`estimate_mutual_info`.

    Attributes
    ----------
    value : float
        The estimate: the bound of the trained critic evaluated on the held-out samples
        (all samples with ``holdout=0``), in ``unit``.
    history : ndarray of shape (steps,)
        The bound on each training batch (before that step's update), in ``unit``. For
        ``"mine"`` it is the plain DV bound of the batch.
    bound : str
        ``"mine"``, ``"infonce"``, ``"nwj"`` or ``"dv"``.
    unit : str
        ``"nats"``, ``"bits"`` or ``"log base b units"``.
    standard_error : float
        Standard error of ``value`` from the evaluation samples, the trained critic held
        fixed (delta method on per-sample terms for DV/MINE and NWJ; the spread of the
        batch values for InfoNCE), in ``unit``. It says how far ``value`` may move on
        other samples, not how far it is from the truth: a poorly trained critic
        underestimates by more.
    critic : nn.Module
        The trained critic (in eval mode, on the device it was trained on).
    """

    value: float
    history: npt.NDArray[np.float64]
    bound: str
    unit: str
    standard_error: float
    critic: nn.Module = field(repr=False, compare=False)


def _unit(base: float | None) -> str:
    if base is None or base == math.e:
        return "nats"
    if base == 2:
        return "bits"
    return f"log base {base:g} units"


def _samples(a: Any, name: str) -> torch.Tensor:
    """(n, d) floating tensor; NumPy arrays (and array-likes) converted."""
    if isinstance(a, torch.Tensor):
        check_dense(a, name)
        t = a.detach()
    else:
        try:
            arr = np.asarray(a)
        except Exception as err:  # pragma: no cover - exotic objects
            raise TypeError(
                f"{name} must be a torch.Tensor or a NumPy array, got {type(a).__name__}"
            ) from err
        if arr.dtype.kind not in "biuf":
            raise TypeError(
                f"{name} has dtype {arr.dtype}; pass a torch.Tensor or NumPy array of "
                "real numbers, shape (n,) or (n, d)"
            )
        t = torch.from_numpy(np.ascontiguousarray(arr))
    if t.is_complex():
        raise TypeError(f"{name} has dtype {t.dtype}; pass real numbers")
    if t.ndim == 1:
        t = t.reshape(-1, 1)
    elif t.ndim != 2:
        raise ValueError(
            f"{name} has shape {tuple(t.shape)}; pass (n,) or (n, d) with samples along "
            "the first axis"
        )
    if t.shape[0] < 2 or t.shape[1] == 0:
        raise ValueError(f"{name} has shape {tuple(t.shape)}; pass at least 2 samples")
    if not t.is_floating_point():
        t = t.to(torch.float64)
    if not bool(torch.isfinite(t).all()):
        bad = "NaN" if bool(torch.isnan(t).any()) else "infinite values"
        raise ValueError(
            f"{name} contains {bad}; remove or impute them first (nothing is dropped silently)"
        )
    return t


def _standardised(t: torch.Tensor) -> torch.Tensor:
    """Columns shifted to mean 0 and scaled to standard deviation 1 (constant ones: 0).

    Mutual information is invariant under such maps; the critic trains far better on
    unit-scale inputs. Each column is first divided by its largest magnitude, so that sums
    and squares neither overflow (1e308) nor underflow (subnormal values)."""
    t64 = t.to(torch.float64)
    size = t64.abs().amax(dim=0)
    t64 = t64 / torch.where(size > 0, size, torch.ones_like(size))
    mean = t64.mean(dim=0)
    std = t64.std(dim=0)
    std = torch.where(std > 0, std, torch.ones_like(std))
    return (t64 - mean) / std


def _check_real(value: Any, name: str, *, positive: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    out = float(value)
    if not math.isfinite(out) or (positive and out <= 0):
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    return out


def _device_of(device: Any, *tensors: torch.Tensor) -> torch.device:
    if device is not None:
        try:
            return torch.device(device)
        except (RuntimeError, TypeError) as err:
            raise ValueError(
                f"device must be None, a torch.device or a name like 'cpu' or 'cuda:0'; "
                f"got {device!r}"
            ) from err
    devices = {t.device for t in tensors}
    if len(devices) > 1:
        names = " and ".join(sorted(str(d) for d in devices))
        raise ValueError(
            f"x and y are on different devices ({names}); move them to one device or pass device="
        )
    return devices.pop()


def _evaluate(
    bound: str,
    critic: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    batch_size: int,
    generator: torch.Generator,
) -> tuple[float, float]:
    """The bound of the trained critic on the evaluation samples, and its standard error.

    Both in nats. The standard error is that of the evaluation alone, the critic held
    fixed: how much the value would move on other samples of the same size.
    """
    n = x.shape[0]
    if bound == "infonce":
        return _evaluate_infonce(critic, x, y, batch_size, generator)
    joint = torch.cat([_critic_scores(critic, xc, yc) for xc, yc in _chunks(x, y)])
    arange = torch.arange(n, device=x.device)
    if n * (n - 1) <= _EVAL_PAIRS:
        # every pair (x_i, y_j), i != j: the exact U-statistic of the product of marginals
        i, j = torch.meshgrid(arange, arange, indexing="ij")
        off = i != j
        rows, cols = i[off], j[off]
    else:
        # random n-cycles of y; with an optimal critic E_y[e^T(x, y)] is the same for every
        # x, so more shuffles of the same samples keep reducing the variance
        shuffles = math.ceil(_EVAL_PAIRS / n)
        rows = arange.repeat(shuffles)
        cols = torch.cat([_derangement(n, generator, y.device) for _ in range(shuffles)])
    marginal = torch.cat(
        [
            _critic_scores(critic, x[rows[s : s + _EVAL_CHUNK]], y[cols[s : s + _EVAL_CHUNK]])
            for s in range(0, rows.numel(), _EVAL_CHUNK)
        ]
    )
    value = dv_bound(joint, marginal) if bound in ("mine", "dv") else nwj_bound(joint, marginal)
    # Standard error by the delta method on per-sample influences: sample i enters through
    # its joint score and through the mean of e^T over the marginal pairs holding x_i or
    # y_i (a U-statistic: its variance is that of those row and column means over n).
    j64, m64 = joint.to(torch.float64), marginal.to(torch.float64)
    shift = float(m64.max()) if bound in ("mine", "dv") else 1.0
    weights = torch.exp(m64 - shift)
    mean = weights.mean()
    per_row = torch.zeros(n, dtype=torch.float64, device=x.device).index_add_(0, rows, weights)
    per_col = torch.zeros(n, dtype=torch.float64, device=x.device).index_add_(0, cols, weights)
    spread = (per_row + per_col) * (n / weights.numel()) - 2 * mean
    influence = j64 - (spread / mean if bound in ("mine", "dv") else spread * math.exp(shift - 1))
    return float(value), float(influence.std() / math.sqrt(n))


def _evaluate_infonce(
    critic: nn.Module, x: torch.Tensor, y: torch.Tensor, k: int, generator: torch.Generator
) -> tuple[float, float]:
    """InfoNCE on disjoint batches of k evaluation samples (the remainder is left out: a
    smaller batch has a smaller cap), averaged over them and over a few random partitions;
    and its standard error, from the spread of the batch values."""
    n = x.shape[0]
    used = (n // k) * k
    partitions = min(_MAX_PARTITIONS, max(1, math.ceil(_EVAL_PAIRS / (used * k))))
    rows = [
        torch.diagonal(s) - torch.logsumexp(s, dim=1) + math.log(k)
        for _ in range(partitions)
        for idx in _randperm(n, generator, x.device)[:used].reshape(-1, k)
        for s in [score_matrix(critic, x[idx], y[idx])]
    ]
    terms = torch.stack(rows).to(torch.float64)  # (batches, k) row terms
    value = float(terms.mean())
    if n == k:  # one batch, the same in every partition: the spread of its rows
        return value, float(terms[0].std() / math.sqrt(k))
    # the batches of one partition are independent; the partitions reuse the same samples
    return value, float(terms.mean(dim=1).std() / math.sqrt(n // k))


def _training_problems(
    history: npt.NDArray[np.float64], value: float, standard_error: float
) -> list[str]:
    """What the training history and held-out value say went wrong (nats; empty if none).

    Thresholds and the runs that set them: see the constants at the top of the module.
    """
    steps = history.shape[0]
    late = history[-max(5, steps // 10) :]
    level, spread = float(late.mean()), float(late.std())
    problems = []
    start, low = float(history[0]), int(history.argmin())
    if history[low] < start - _UNSTABLE_DROP_NATS - _UNSTABLE_DROP_SPREADS * spread:
        problems.append(
            f"training was unstable: the batch bound fell to {history[low]:.4g} nats at step "
            f"{low}, far below the {start:.3g} nats of the untrained critic. Such a run can "
            "end anywhere, near the truth or far below it: lower lr"
        )
    window = min(steps, max(5, steps // 20))
    smooth = np.convolve(history, np.ones(window) / window, mode="valid")
    best = int(smooth.argmax())
    noise = spread * (1 / math.sqrt(window) + 1 / math.sqrt(late.shape[0]))
    if _far_below(level, float(smooth[best]), noise):
        problems.append(
            f"the training bound collapsed: from {smooth[best]:.3g} nats around step "
            f"{best + window // 2} to {level:.3g} nats at the end: lower lr"
        )
    if value < -_NEGATIVE_ERRORS * standard_error:
        why = (
            f"it reached {level:.3g} nats on its last training batches, so it fitted noise "
            "of the training samples"
            if level > 0
            else f"its last training batches gave {level:.3g} nats: it did not learn"
        )
        errors = -value / standard_error if standard_error > 0 else math.inf
        problems.append(
            f"the held-out estimate {value:.3g} nats is below 0 by {errors:.1f} standard "
            f"errors ({standard_error:.2g} nats): the "
            f"critic scores new pairs worse than a constant critic would, so it failed ({why})."
            " It is returned as computed, not clipped; the information may be about 0: "
            "compare with a k-NN estimate (fastit.mutual_info)"
        )
    elif _far_below(value, level, math.hypot(standard_error, spread / math.sqrt(late.shape[0]))):
        problems.append(
            f"the held-out estimate {value:.3g} nats is less than half of the {level:.3g} "
            "nats the critic reached on its last training batches: it overfits the training "
            "samples. Use more samples, fewer steps or a smaller critic"
        )
    return problems


def _far_below(value: float, reference: float, noise: float) -> bool:
    """``value`` under a fraction of ``reference``, by more than the noise and a floor."""
    gap = reference - value
    return value < _FAR_FRACTION * reference and gap > max(_FAR_NATS, _FAR_ERRORS * noise)


def _chunks(x: torch.Tensor, y: torch.Tensor) -> list[tuple[torch.Tensor, torch.Tensor]]:
    return [
        (x[i : i + _EVAL_CHUNK], y[i : i + _EVAL_CHUNK]) for i in range(0, x.shape[0], _EVAL_CHUNK)
    ]


def _randperm(n: int, generator: torch.Generator, device: torch.device) -> torch.Tensor:
    return torch.randperm(n, generator=generator, device=generator.device).to(device)


def estimate_mutual_info(
    x: Any,
    y: Any,
    *,
    bound: str = "mine",
    critic: nn.Module | None = None,
    steps: int = 1000,
    batch_size: int | None = None,
    lr: float = 1e-3,
    device: Any = None,
    holdout: float = 0.5,
    random_state: Any = None,
    progress: bool = True,
    base: float | None = None,
) -> MutualInfoEstimate:
    """Estimate I(X; Y) by training a critic to maximise a variational lower bound.

    Parameters
    ----------
    x : Tensor, ndarray or sequence of numbers, shape (n,) or (n, d_x)
    y : Tensor, ndarray or sequence of numbers, shape (n,) or (n, d_y)
        Paired samples: row ``i`` of ``x`` goes with row ``i`` of ``y``. Real and finite;
        dense (a sparse tensor raises TypeError: pass ``.to_dense()``).
        Every column is standardised (mean 0, standard deviation 1) before training, which
        leaves the mutual information unchanged.
    bound : {"mine", "infonce", "nwj", "dv"}, default "mine"
        The objective (see :mod:`fastit.torch.neural_mi`): ``"mine"`` trains the
        Donsker-Varadhan bound with MINE's moving-average gradient (:class:`MINE`),
        ``"dv"`` with its plain minibatch gradient, ``"nwj"`` trains the
        Nguyen-Wainwright-Jordan bound, ``"infonce"`` InfoNCE, whose estimate cannot
        exceed ``log(batch_size)``.
    critic : nn.Module, optional
        Any module mapping ``x`` of shape (b, d_x) and ``y`` of shape (b, d_y) to one score
        per pair, shape (b,) or (b, 1); a ``pairwise(x, y)`` method returning the (b, b)
        matrix saves work for InfoNCE. It is trained in place (its parameters must be
        floating point; inputs are cast to their dtype). Default:
        ``SeparableCritic(d_x, d_y)`` for InfoNCE, ``ConcatCritic(d_x, d_y)`` otherwise
        (64 units, 2 hidden ELU layers).
    steps : int, default 1000
        Optimiser steps (Adam).
    batch_size : int, optional
        Pairs per step, between 2 and the number of training samples; default 512 or
        all of them if fewer. Batches are drawn without replacement, epoch after epoch.
        For InfoNCE it is also ``K``, the cap ``log K`` of the estimate, and at most the
        number of held-out samples.
    lr : float, default 1e-3
        Adam's learning rate. It is decayed to zero over the last half of training
        (cosine), so that the final critic settles.
    device : torch.device or str, optional
        Where to train (the critic is moved there). Default: the device of ``x`` (and
        ``y``) for tensors, else the CPU.
    holdout : float, default 0.5
        Fraction of the samples, in [0, 1), set aside to evaluate the trained critic on
        (see Notes); 0 trains and evaluates on all samples.
    random_state : None, int or numpy.random.Generator
        Seeds the default critic's initialisation, the batches and the shuffles. None is a
        fixed seed (0), so results are reproducible by default. The global torch random
        state is left as it was.
    progress : bool, default True
        Show a progress bar (tqdm, when it is installed and stderr is a terminal).
    base : float, optional
        Logarithm base of the result: None or e for nats, 2 for bits.

    Returns
    -------
    MutualInfoEstimate
        ``value``: the bound of the trained critic on the held-out samples (see Notes),
        in ``unit``, returned as computed (never clipped at 0); ``standard_error``: its
        sampling error, the critic held fixed; ``history``: the bound on each training
        batch; ``bound``; ``unit``; ``critic``.

    Warns
    -----
    EstimationWarning
        When the run says the estimate is not to be trusted (one warning per finding):

        - training was unstable: a batch bound fell more than 1 nat (plus 5 standard
          deviations of the last batches) below the untrained critic's. Well-tuned runs
          never do; runs at too high a learning rate end anywhere, some near the truth,
          some near 0, some far below it;
        - the training bound collapsed: it ended under half of its best moving average;
        - the held-out value is more than 4 standard errors below 0: the critic scores
          new pairs worse than a constant critic would (it fitted noise, or never
          learned);
        - the held-out value is under half of the last training batches' level: the
          critic overfits its training samples (undetectable with ``holdout=0``);
        - for InfoNCE, the estimate is half or more of its cap ``log(batch_size)``. The
          estimate nears the cap only slowly (on Gaussians with a batch of 16 it is 69% of
          ``log 16`` when the truth is ``log 16``, 96% when the truth is 2.2 times that), so
          by the time it is within a few percent of the cap the truth may be far above
          it; from half the cap on its bias is already several percent.

        The thresholds come from measured runs (see the module's constants): every run
        at a learning rate of 0.1 or more warned; at 1e-3 and 3e-3 none whose estimate
        was within 20% of the truth did.

    Raises
    ------
    RuntimeError
        If training diverged (non-finite values); lower ``lr``.

    Notes
    -----
    Protocol. A random ``holdout`` fraction of the samples (half, by default) is set
    aside. The critic trains on the rest with Adam, its learning rate annealed to zero
    (cosine) over the second half of the steps, so that the critic evaluated is a settled
    one rather than a snapshot of Adam's noise. ``value`` is then the bound of the trained
    critic on the ``m`` held-out samples, without gradients: for DV/MINE and NWJ the joint
    term averages all held-out pairs and the marginal term all ``m (m - 1)`` pairs of
    distinct held-out samples or, when those are more than about 5e5, random derangements
    of ``y`` totalling at least that many pairs; for InfoNCE the bound is averaged over
    disjoint batches of ``batch_size`` held-out samples (the remainder left out: a smaller
    batch has a smaller cap), over random partitions totalling about 5e5 scores.

    Why held out, and why half. The training values are not the estimate: each is one noisy
    batch, and a critic scores the samples it trained on optimistically. On 10-dimensional
    Gaussians with 1 nat, the default critic's bound on its own 500 training samples was
    about 10% above the truth while on fresh samples it was 9% below; InfoNCE on 1000
    samples, 20% above against 20% below. A held-out bound has no such optimism (it is a
    lower bound of the critic up to sampling noise, about ``sqrt(var(pmi) / m)``), but the
    noise is what limits it: on 10^4 samples of the same Gaussians the spread of the
    estimate over seeds was 3.6% with 20% held out and 1.9% with half. ``holdout=0``
    trains and evaluates on all samples: the least noise, and with 10^4 samples or more
    and the default critics little optimism (1-2%), but do not use it with few samples or
    a large critic.

    References
    ----------
    Belghazi, M. I. et al. (2018). Mutual information neural estimation. ICML.
    Nguyen, X., Wainwright, M. J. and Jordan, M. I. (2010). Estimating divergence
    functionals and the likelihood ratio by convex risk minimization. IEEE Trans. Inf.
    Theory 56(11).
    van den Oord, A., Li, Y. and Vinyals, O. (2018). Representation learning with
    contrastive predictive coding. arXiv:1807.03748.
    Poole, B. et al. (2019). On variational bounds of mutual information. ICML.

    Examples
    --------
    >>> import numpy as np
    >>> from fastit.torch.neural_mi import estimate_mutual_info
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal(2000)
    >>> y = 0.8 * x + 0.6 * rng.standard_normal(2000)  # I = -0.5 ln(1 - 0.64) = 0.51 nats
    >>> est = estimate_mutual_info(x, y, steps=300, progress=False)
    >>> 0.4 < est.value < 0.6
    True
    """
    bound = check_choice(bound, "bound", BOUNDS)
    xt = _samples(x, "x")
    yt = _samples(y, "y")
    n = xt.shape[0]
    if yt.shape[0] != n:
        raise ValueError(
            f"y has {yt.shape[0]} samples but x has {n}; pass the same samples, one per row"
        )
    steps = check_count(steps, "steps")
    holdout = _check_real(holdout, "holdout", positive=False)
    if not 0.0 <= holdout < 1.0:
        raise ValueError(
            f"holdout must be a fraction in [0, 1) (0 evaluates on the training samples), "
            f"got {holdout:g}"
        )
    n_eval = round(holdout * n) if holdout > 0 else n
    n_train = n - n_eval if holdout > 0 else n
    if n_eval < 2 or n_train < 2:
        raise ValueError(
            f"holdout={holdout:g} of {n} samples leaves {n_train} to train on and {n_eval} to "
            "evaluate on; each needs at least 2: pass more samples or another holdout"
        )
    # InfoNCE evaluates on batches of batch_size taken from the evaluation samples.
    room = min(n_train, n_eval) if bound == "infonce" else n_train
    if batch_size is None:
        batch_size = min(room, 512)
    batch_size = check_count(batch_size, "batch_size", minimum=2)
    if batch_size > n_train:
        raise ValueError(
            f"batch_size is {batch_size} but there are only {n_train} training samples "
            f"({n} samples, holdout={holdout:g}); pass batch_size <= {n_train}"
        )
    if batch_size > room:
        raise ValueError(
            f"batch_size is {batch_size} but InfoNCE evaluates on batches of batch_size from "
            f"the {n_eval} held-out samples; pass batch_size <= {n_eval} or a larger holdout"
        )
    lr = _check_real(lr, "lr")
    show = check_flag(progress, "progress")
    divisor = log_base(base)
    seed = seed_of(random_state)
    dev = _device_of(device, xt, yt)
    if critic is not None and not isinstance(critic, nn.Module):
        raise TypeError(
            f"critic must be an nn.Module mapping (x, y) to scores, got {type(critic).__name__}"
        )

    with torch.random.fork_rng(devices=[]):
        torch.default_generator.manual_seed(seed)
        if critic is None:
            dx, dy = xt.shape[1], yt.shape[1]
            critic = SeparableCritic(dx, dy) if bound == "infonce" else ConcatCritic(dx, dy)
        critic = critic.to(dev)
        params = [p for p in critic.parameters() if p.requires_grad]
        if not params:
            raise ValueError("critic has no trainable parameters; pass a module with some")
        dtype = params[0].dtype
        if not dtype.is_floating_point:
            raise TypeError(f"critic's parameters have dtype {dtype}; they must be floating")
        generator = torch.Generator(device="cpu")
        generator.manual_seed(seed)
        xs = _standardised(xt).to(device=dev, dtype=dtype)
        ys = _standardised(yt).to(device=dev, dtype=dtype)
        if holdout > 0:
            order = _randperm(n, generator, dev)
            train, held = order[:n_train], order[n_train:]
            x_train, y_train, x_eval, y_eval = xs[train], ys[train], xs[held], ys[held]
        else:
            x_train, y_train, x_eval, y_eval = xs, ys, xs, ys
        history = _train(bound, critic, x_train, y_train, steps, batch_size, lr, generator, show)
        critic.eval()
        with torch.no_grad():
            value, standard_error = _evaluate(bound, critic, x_eval, y_eval, batch_size, generator)
    if not math.isfinite(value) or not np.isfinite(history).all():
        raise RuntimeError(
            f"training the {bound} critic diverged (non-finite bound); lower lr (got {lr:g}) "
            "or use a smaller critic"
        )
    for problem in _training_problems(history, value, standard_error):
        warnings.warn(
            f"estimate_mutual_info(bound={bound!r}, lr={lr:g}): {problem}",
            EstimationWarning,
            stacklevel=2,
        )
    if bound == "infonce":
        cap = math.log(batch_size)
        if value >= INFONCE_CAP_FRACTION * cap:
            warnings.warn(
                f"the InfoNCE estimate {value:.3g} nats is {value / cap:.0%} of its cap "
                f"log(batch_size) = {cap:.3g} nats; InfoNCE underestimates increasingly "
                "as the information approaches the cap, and the true mutual information "
                "may be much larger. Use a larger batch_size or bound='mine'/'nwj'",
                EstimationWarning,
                stacklevel=2,
            )
    return MutualInfoEstimate(
        value=value / divisor,
        history=history / divisor,
        bound=bound,
        unit=_unit(base),
        standard_error=standard_error / divisor,
        critic=critic,
    )


def _train(
    bound: str,
    critic: nn.Module,
    x: torch.Tensor,
    y: torch.Tensor,
    steps: int,
    batch_size: int,
    lr: float,
    generator: torch.Generator,
    show: bool,
) -> npt.NDArray[np.float64]:
    n = x.shape[0]
    mine = MINE(critic).to(x.device) if bound == "mine" else None
    optimiser = torch.optim.Adam(critic.parameters(), lr=lr)
    warm = steps // 2

    def factor(step: int) -> float:
        if step < warm:
            return 1.0
        return 0.5 * (1.0 + math.cos(math.pi * (step - warm) / max(1, steps - warm)))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, factor)
    history = torch.empty(steps, dtype=torch.float64, device=x.device)
    order = _randperm(n, generator, x.device)
    start = 0
    critic.train()
    for step in _progress(range(steps), desc=f"{bound} MI", show=show):
        if start + batch_size > n:
            order = _randperm(n, generator, x.device)
            start = 0
        idx = order[start : start + batch_size]
        start += batch_size
        xb, yb = x[idx], y[idx]
        if bound == "infonce":
            value = infonce_bound(score_matrix(critic, xb, yb))
            loss = -value
        else:
            shuffled = yb[_derangement(batch_size, generator, yb.device)]
            joint = _critic_scores(critic, xb, yb)
            marginal = _critic_scores(critic, xb, shuffled)
            if mine is not None:
                loss = mine.corrected_loss(joint, marginal)
                value = -loss
            else:
                value = dv_bound(joint, marginal) if bound == "dv" else nwj_bound(joint, marginal)
                loss = -value
        history[step] = value.detach()
        optimiser.zero_grad(set_to_none=True)
        loss.backward()  # type: ignore[no-untyped-call]
        optimiser.step()
        schedule.step()
    return history.cpu().numpy()
