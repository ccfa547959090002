"""The variational autoencoder as a lossy code: rate, distortion and their trade-off.

An encoder gives a diagonal Gaussian ``q(z|x)``, a decoder maps a sample ``z`` back to a
reconstruction ``x_hat``. Alemi et al. [1]_ read the two terms of the (beta-weighted)
VAE objective as a point on a rate-distortion plane:

- the **rate** ``R = E_x KL(q(z|x) || N(0, I))`` in nats per sample, an upper bound on
  ``I(X; Z)`` (and so on ``I(X; X_hat)``): the prior ``N(0, I)`` stands in for the
  aggregate posterior;
- the **distortion** ``D = E_x E_{q(z|x)} d(x, x_hat(z))`` per sample: here the squared
  error summed over the features (``"mse"``) or the Bernoulli negative log-likelihood,
  i.e. the binary cross entropy in nats summed over the features (``"bce"``).

Minimising ``D + beta R`` traces the operational rate-distortion curve of the model
family as ``beta`` varies: small ``beta`` buys low distortion with a high rate, large
``beta`` compresses to ``R -> 0``. With ``beta = 1`` and the Bernoulli distortion the
objective is the negative ELBO of Kingma and Welling [2]_; with the squared error,
``D + beta R`` is, up to a constant and the factor ``beta``, the negative ELBO of a
Gaussian decoder of variance ``beta / 2`` per feature.

Contents
    - :func:`elbo_loss` and :class:`ELBOLoss`: the negative ELBO with its terms named, for
      Gaussian or Bernoulli likelihoods.
    - :class:`RateDistortionVAE` and :class:`RDLoss`: a VAE whose loss is ``D + beta R``.
    - :func:`rate_distortion_sweep` and :class:`RateDistortionCurve`: one model per
      ``beta``, the measured ``(D, R)`` points and a plot against the Gaussian ``R(D)``.

The Gaussian bound
    For a Gaussian source ``X ~ N(mu, Sigma)`` under the summed squared error, the
    rate-distortion function is given by reverse water-filling over the eigenvalues
    ``sigma_i^2`` of ``Sigma`` (Cover and Thomas [3]_, theorem 10.3.3):

    .. math::

        R(D) = \\sum_i \\tfrac12 \\log\\frac{\\sigma_i^2}{D_i}, \\qquad
        D_i = \\min(\\lambda, \\sigma_i^2), \\qquad \\sum_i D_i = D,

    computed here with :func:`fastit.channel.gaussian_rate_distortion` per component. No
    code does better, and a VAE is a code: its encoder is a channel ``X -> Z`` and its
    decoder gives ``X_hat = g(Z)``, so ``R >= I(X; Z) >= I(X; X_hat) >= R(D)`` when the
    distortion ``D`` is measured with ``z`` drawn from ``q(z|x)``, not set to its mean
    (a deterministic ``x -> x_hat`` has unbounded information, and its distortion is no
    point of the curve). So every point ``(D, R)`` of a VAE trained on Gaussian data lies
    on or above the bound, up to sampling error from measuring on a finite data set; a
    linear VAE can reach it. The bound applies to Gaussian data and the ``"mse"``
    distortion only: for other sources with the same covariance the Gaussian ``R(D)`` is
    an *upper* bound on the true ``R(D)`` (the Gaussian is the hardest source to describe
    at a given variance), and the Bernoulli distortion is in other units.

References
----------
.. [1] A. A. Alemi, B. Poole, I. Fischer, J. V. Dillon, R. A. Saurous and K. Murphy,
   "Fixing a broken ELBO", ICML 2018 (arXiv:1711.00464).
.. [2] D. P. Kingma and M. Welling, "Auto-encoding variational Bayes", ICLR 2014
   (arXiv:1312.6114).
.. [3] T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed., Wiley,
   2006, section 10.3.
.. [4] I. Higgins et al., "beta-VAE: learning basic visual concepts with a constrained
   variational framework", ICLR 2017.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .._progress import progress as _progress_bar
from .._validation import FloatArray, check_choice, check_count, check_flag, seed_of
from ..channel import gaussian_rate_distortion
from ._tensors import check_finite
from .bottleneck import (
    GaussianEncoder,
    GaussianParams,
    _check_beta,
    _check_float_tensor,
    _check_gaussian,
    _check_hidden,
    _check_input,
    _mlp,
    _reduce,
    gaussian_kl,
    reparameterise,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "ELBOLoss",
    "RDLoss",
    "RateDistortionCurve",
    "RateDistortionVAE",
    "VAEOutput",
    "elbo_loss",
    "gaussian_vector_rate_distortion",
    "rate_distortion_sweep",
]

_LN2 = math.log(2.0)
_REDUCTIONS = ("mean", "sum", "none")
_DISTORTIONS = ("mse", "bce")
_LIKELIHOODS = ("gaussian", "bernoulli")
_EVAL_CHUNK = 8192


# --------------------------------------------------------------------------- results


class VAEOutput(NamedTuple):
    """What :meth:`RateDistortionVAE.forward` returns.

    Attributes
    ----------
    reconstruction : torch.Tensor
        ``x_hat``, shape ``(n, in_features)``: the decoder's output for ``"mse"``, the
        Bernoulli probabilities (``sigmoid`` of its output) for ``"bce"``.
    mean, log_var : torch.Tensor
        Parameters of ``q(z|x)``, shape ``(n, latent_dim)``.
    z : torch.Tensor
        The latent that was decoded (a draw, or ``mean``), shape ``(n, latent_dim)``.
    """

    reconstruction: torch.Tensor
    mean: torch.Tensor
    log_var: torch.Tensor
    z: torch.Tensor


class RDLoss(NamedTuple):
    """The rate-distortion loss of :class:`RateDistortionVAE` and its terms.

    Attributes
    ----------
    total : torch.Tensor
        ``distortion + beta * rate``: the tensor to call ``backward()`` on.
    distortion : torch.Tensor
        Per sample: the squared error summed over features (``"mse"``), or the binary
        cross entropy in nats summed over features (``"bce"``).
    rate : torch.Tensor
        ``KL(q(z|x) || N(0, I))`` in nats per sample.
    rate_bits : torch.Tensor
        ``rate / ln 2``.

    Each is a scalar with ``reduction`` "mean" or "sum", shape ``(n,)`` with "none".
    """

    total: torch.Tensor
    distortion: torch.Tensor
    rate: torch.Tensor
    rate_bits: torch.Tensor


class ELBOLoss(NamedTuple):
    """The negative evidence lower bound and its terms, in nats.

    Attributes
    ----------
    total : torch.Tensor
        ``nll + kl = -elbo``: the tensor to minimise; an upper bound on ``-log p(x)``.
    nll : torch.Tensor
        The reconstruction term ``-log p(x | z)`` (Alemi et al.'s distortion).
    kl : torch.Tensor
        ``KL(q(z|x) || N(0, I))`` (Alemi et al.'s rate).
    elbo : torch.Tensor
        ``-total``.
    """

    total: torch.Tensor
    nll: torch.Tensor
    kl: torch.Tensor
    elbo: torch.Tensor


# --------------------------------------------------------------------------- functions


def _check_pair(x: Any, reconstruction: Any) -> tuple[torch.Tensor, torch.Tensor]:
    what = "data of shape (n, n_features)"
    xt = _check_float_tensor(x, "x", what)
    rt = _check_float_tensor(reconstruction, "reconstruction", "reconstructions of x's shape")
    if xt.ndim != 2 or xt.shape[1] == 0:
        raise ValueError(f"x has shape {tuple(xt.shape)}; pass {what}")
    if rt.shape != xt.shape:
        raise ValueError(
            f"reconstruction has shape {tuple(rt.shape)} but x has {tuple(xt.shape)}; pass "
            "one reconstruction per sample, of x's shape"
        )
    return xt, rt


def elbo_loss(
    x: torch.Tensor,
    reconstruction: torch.Tensor,
    mean: torch.Tensor,
    log_var: torch.Tensor,
    *,
    likelihood: str = "gaussian",
    scale: float = 1.0,
    logits: bool = False,
    reduction: str = "mean",
    validate: bool = True,
) -> ELBOLoss:
    """The negative ELBO of a VAE with a standard normal prior, with its terms named.

    .. math::

        -\\mathrm{ELBO}(x) = \\underbrace{-\\log p(x | z)}_{\\texttt{nll}}
            + \\underbrace{KL(q(z|x) \\,\\|\\, N(0, I))}_{\\texttt{kl}}

    with ``z`` the sample of ``q(z|x)`` that produced ``reconstruction`` (a one-sample
    Monte Carlo estimate of the expectation over ``q``, as in [1]_) and the KL exact
    (:func:`~fastit.torch.bottleneck.gaussian_kl`).

    Parameters
    ----------
    x : torch.Tensor
        Data, shape ``(n, n_features)``.
    reconstruction : torch.Tensor
        The decoder's output for each sample, shape ``(n, n_features)``: the Gaussian's
        mean (``"gaussian"``), or the Bernoulli probabilities (``"bernoulli"``; logits
        with ``logits=True``).
    mean, log_var : torch.Tensor
        Parameters of ``q(z|x)``, shape ``(n, latent_dim)``.
    likelihood : {"gaussian", "bernoulli"}, default "gaussian"
        ``"gaussian"``: ``p(x|z) = N(reconstruction, scale^2 I)``, so ``nll = ||x -
        x_hat||^2 / (2 scale^2) + (n_features / 2) log(2 pi scale^2)``, the constant
        included (the ELBO is then a true bound on ``log p(x)`` of a density).
        ``"bernoulli"``: ``nll = -sum_j [x_j log p_j + (1 - x_j) log(1 - p_j)]``, for
        ``x`` in ``[0, 1]`` (binary data, or grey levels read as probabilities).
    scale : float, default 1.0
        The Gaussian's standard deviation, ``> 0`` (ignored for ``"bernoulli"``).
    logits : bool, default False
        For ``"bernoulli"``: ``reconstruction`` holds logits (computed with the stable
        :func:`torch.nn.functional.binary_cross_entropy_with_logits`). With
        probabilities, a probability of exactly 0 or 1 on the wrong side gives ``inf``
        (nothing is clipped); logits are the better choice for training.
    reduction : {"mean", "sum", "none"}, default "mean"
        How the per-sample terms are combined over the batch.
    validate : bool, default True
        Check the values (NaN or infinite inputs, Bernoulli data or probabilities outside
        ``[0, 1]``); reads the tensors back, which synchronises a GPU.

    Returns
    -------
    ELBOLoss
        ``total`` (the negative ELBO), ``nll``, ``kl`` and ``elbo``, in nats.

    Raises
    ------
    TypeError
        Non-tensor or non-floating input.
    ValueError
        Shapes that do not match; unknown ``likelihood`` or ``reduction``; ``scale`` not
        positive; (with ``validate``) NaN or infinite values, or Bernoulli values outside
        ``[0, 1]``.

    References
    ----------
    .. [1] D. P. Kingma and M. Welling, "Auto-encoding variational Bayes", ICLR 2014,
       equation 10 and appendix C.
    .. [2] A. A. Alemi et al., "Fixing a broken ELBO", ICML 2018 (arXiv:1711.00464).

    Examples
    --------
    >>> import math, torch
    >>> from fastit.torch.vae import elbo_loss
    >>> x = torch.zeros(1, 2)
    >>> out = elbo_loss(x, x + 1.0, torch.zeros(1, 3), torch.zeros(1, 3))
    >>> round(out.nll.item() - math.log(2 * math.pi), 6), out.kl.item()
    (1.0, 0.0)
    """
    lik = check_choice(likelihood, "likelihood", _LIKELIHOODS)
    check_choice(reduction, "reduction", _REDUCTIONS)
    as_logits = check_flag(logits, "logits")
    do_check = check_flag(validate, "validate")
    xt, rt = _check_pair(x, reconstruction)
    m, lv = _check_gaussian(mean, log_var)
    if m.ndim != 2 or m.shape[0] != xt.shape[0]:
        raise ValueError(
            f"mean has shape {tuple(m.shape)} but x has {xt.shape[0]} rows; pass the Gaussian "
            "parameters of shape (n, latent_dim), one row per sample"
        )
    if do_check:
        for t, name in ((xt, "x"), (rt, "reconstruction"), (m, "mean"), (lv, "log_var")):
            check_finite(t, name)
    if lik == "gaussian":
        if isinstance(scale, bool) or not isinstance(scale, numbers.Real):
            raise TypeError(f"scale must be a positive number, got {type(scale).__name__}")
        s = float(scale)
        if not (math.isfinite(s) and s > 0):
            raise ValueError(
                f"scale must be a positive finite number (the Gaussian's std), got {scale}"
            )
        sq = (xt - rt).square().sum(dim=1)
        nll = sq / (2.0 * s * s) + 0.5 * xt.shape[1] * math.log(2.0 * math.pi * s * s)
    else:
        if do_check:
            _check_unit_interval(xt, "x", "Bernoulli data")
            if not as_logits:
                _check_unit_interval(rt, "reconstruction", "Bernoulli probabilities")
        if as_logits:
            nll = F.binary_cross_entropy_with_logits(rt, xt, reduction="none").sum(dim=1)
        else:
            nll = -(torch.xlogy(xt, rt) + torch.xlogy(1.0 - xt, 1.0 - rt)).sum(dim=1)
    kl = gaussian_kl(m, lv)
    nll_r = _reduce(nll, reduction)
    kl_r = _reduce(kl, reduction)
    total = nll_r + kl_r
    return ELBOLoss(total=total, nll=nll_r, kl=kl_r, elbo=-total)


def _check_unit_interval(t: torch.Tensor, name: str, what: str) -> None:
    if t.numel() and (float(t.min()) < 0.0 or float(t.max()) > 1.0):
        raise ValueError(
            f"{name} has values outside [0, 1] (range {float(t.min())!r}..{float(t.max())!r}); "
            f"pass {what} in [0, 1]"
        )


def gaussian_vector_rate_distortion(variances: Any, distortion: Any) -> Any:
    """``R(D)`` of a Gaussian vector under the summed squared error, by reverse water-filling.

    .. math::

        R(D) = \\sum_i \\tfrac12 \\log\\frac{\\sigma_i^2}{\\min(\\lambda, \\sigma_i^2)},
        \\qquad \\sum_i \\min(\\lambda, \\sigma_i^2) = D,

    for independent components of variances ``sigma_i^2`` (for a correlated source, the
    eigenvalues of its covariance). Each term is
    :func:`fastit.channel.gaussian_rate_distortion` at the water level ``lambda``.

    Parameters
    ----------
    variances : array_like
        The component variances ``>= 0``, shape ``(m,)``.
    distortion : float or array_like
        Allowed expected squared error per vector (summed over the ``m`` components),
        ``>= 0``.

    Returns
    -------
    float or numpy.ndarray
        ``R(D)`` in nats per vector, of the shape of ``distortion``: 0 for
        ``D >= sum(variances)``, ``inf`` at ``D = 0`` (unless every variance is 0).

    Raises
    ------
    ValueError
        Variances not 1-D, empty, negative or not finite; negative or non-finite
        distortions.

    References
    ----------
    .. [1] T. M. Cover and J. A. Thomas, *Elements of Information Theory*, 2nd ed.,
       Wiley, 2006, theorem 10.3.3.

    Examples
    --------
    >>> from fastit.torch.vae import gaussian_vector_rate_distortion
    >>> round(gaussian_vector_rate_distortion([4.0, 1.0], 1.0), 6)  # lambda = 0.5
    1.386294
    """
    v = np.asarray(variances, dtype=np.float64)
    if v.ndim != 1 or v.size == 0:
        raise ValueError(f"variances has shape {v.shape}; pass a 1-D array of variances")
    if not np.isfinite(v).all() or (v < 0).any():
        raise ValueError("variances must be finite and >= 0; pass the component variances")
    d = np.asarray(distortion, dtype=np.float64)
    if not np.isfinite(d).all() or (d < 0).any():
        raise ValueError(
            "distortion must be finite and >= 0; pass expected squared errors per vector"
        )
    levels = np.unique(np.concatenate(([0.0], v)))  # candidate water levels, ascending
    filled = np.minimum(levels[:, None], v[None, :]).sum(axis=1)  # sum_i min(level, v_i)
    lam = np.interp(d, filled, levels)  # f is linear between the levels: exact
    rates = gaussian_rate_distortion(v[:, None], np.atleast_1d(lam)[None, :])
    out = np.asarray(rates).sum(axis=0).reshape(d.shape)
    return float(out) if out.ndim == 0 else out


# --------------------------------------------------------------------------- the model


class RateDistortionVAE(nn.Module):
    """A Gaussian-latent VAE trained on ``distortion + beta * rate``.

    ``x -> encoder MLP -> (mean, log_var) -> z -> decoder MLP -> x_hat``, with the prior
    ``N(0, I)`` on ``z``. In training mode ``z`` is a reparameterised draw
    ``mean + exp(log_var / 2) * eps`` [2]_; in eval mode ``z = mean`` unless
    ``sample=True`` is passed. For a point on the rate-distortion plane measure the
    distortion with ``sample=True`` (see the module notes; :func:`rate_distortion_sweep`
    does).

    Parameters
    ----------
    in_features : int
        Size of each sample.
    latent_dim : int
        Size of ``z``.
    hidden : int or sequence of int, default (64,)
        Widths of the hidden layers (ReLU) of the encoder and, mirrored, the decoder; an
        empty sequence gives affine maps (a linear VAE, which is optimal for Gaussian
        data).
    beta : float, default 1.0
        Weight of the rate in :meth:`loss`, ``>= 0``; an attribute that may be changed.
    distortion : {"mse", "bce"}, default "mse"
        ``"mse"``: the squared error summed over features, per sample (the mean squared
        error per feature is this over ``in_features``); the decoder is linear at the
        output. ``"bce"``: the binary cross entropy in nats summed over features, per
        sample, for data in ``[0, 1]``; the decoder outputs logits and
        ``reconstruction`` is their sigmoid.

    References
    ----------
    .. [1] A. A. Alemi et al., "Fixing a broken ELBO", ICML 2018 (arXiv:1711.00464).
    .. [2] D. P. Kingma and M. Welling, "Auto-encoding variational Bayes", ICLR 2014.

    Examples
    --------
    >>> import torch
    >>> from fastit.torch.vae import RateDistortionVAE
    >>> _ = torch.manual_seed(0)
    >>> vae = RateDistortionVAE(4, latent_dim=2, hidden=(16,), beta=0.5)
    >>> loss = vae.loss(torch.randn(8, 4))
    >>> loss.total.backward()
    >>> sorted(loss._fields)
    ['distortion', 'rate', 'rate_bits', 'total']
    """

    def __init__(
        self,
        in_features: int,
        latent_dim: int,
        *,
        hidden: int | Sequence[int] = (64,),
        beta: float = 1.0,
        distortion: str = "mse",
    ) -> None:
        super().__init__()
        self.in_features = check_count(in_features, "in_features")
        self.latent_dim = check_count(latent_dim, "latent_dim")
        self.hidden = _check_hidden(hidden)
        self._beta = _check_beta(beta)
        self.distortion = check_choice(distortion, "distortion", _DISTORTIONS)
        self.encoder = GaussianEncoder(self.in_features, self.latent_dim, self.hidden)
        self.decoder = _mlp(self.latent_dim, self.hidden[::-1], self.in_features)

    @property
    def beta(self) -> float:
        """Weight of the rate in :meth:`loss` (``>= 0``)."""
        return self._beta

    @beta.setter
    def beta(self, value: float) -> None:
        self._beta = _check_beta(value)

    def extra_repr(self) -> str:
        return f"beta={self._beta:g}, distortion={self.distortion!r}"

    def encode(self, x: torch.Tensor) -> GaussianParams:
        """The parameters of ``q(z|x)``, each of shape ``(n, latent_dim)``."""
        return self.encoder(_check_input(x, self.in_features))  # type: ignore[no-any-return]

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """``x_hat`` for latents ``z`` of shape ``(n, latent_dim)`` (probabilities for "bce")."""
        out: torch.Tensor = self.decoder(z)
        return torch.sigmoid(out) if self.distortion == "bce" else out

    def _latent(
        self, x: torch.Tensor, sample: bool | None, generator: torch.Generator | None
    ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        mean, log_var = self.encode(x)
        draw = self.training if sample is None else check_flag(sample, "sample")
        z = reparameterise(mean, log_var, generator=generator) if draw else mean
        return mean, log_var, z

    def forward(
        self,
        x: torch.Tensor,
        *,
        sample: bool | None = None,
        generator: torch.Generator | None = None,
    ) -> VAEOutput:
        """Encode, draw (training) or take the mean (eval), decode.

        Parameters
        ----------
        x : torch.Tensor
            Data, shape ``(n, in_features)``, floating point.
        sample : bool, optional
            Draw ``z`` (True) or use the mean (False); None draws in training mode only.
        generator : torch.Generator, optional
            Source of the draw.

        Returns
        -------
        VAEOutput
        """
        mean, log_var, z = self._latent(x, sample, generator)
        return VAEOutput(self.decode(z), mean, log_var, z)

    def loss(
        self,
        x: torch.Tensor,
        *,
        sample: bool | None = None,
        generator: torch.Generator | None = None,
        reduction: str = "mean",
    ) -> RDLoss:
        """``distortion + beta * rate`` of a forward pass, with its terms.

        ``x`` of shape ``(n, in_features)``; ``sample`` and ``generator`` as in
        :meth:`forward`; ``reduction`` ``"mean"`` (default, per-sample averages),
        ``"sum"`` or ``"none"``. Values are not read back (no GPU synchronisation): a NaN
        in ``x`` gives a NaN loss.
        """
        check_choice(reduction, "reduction", _REDUCTIONS)
        mean, log_var, z = self._latent(x, sample, generator)
        out: torch.Tensor = self.decoder(z)
        if self.distortion == "mse":
            dist = (x - out).square().sum(dim=1)
        else:
            dist = F.binary_cross_entropy_with_logits(out, x, reduction="none").sum(dim=1)
        rate = gaussian_kl(mean, log_var)
        d_r = _reduce(dist, reduction)
        r_r = _reduce(rate, reduction)
        return RDLoss(total=d_r + self._beta * r_r, distortion=d_r, rate=r_r, rate_bits=r_r / _LN2)


# --------------------------------------------------------------------------- the sweep


@dataclass(frozen=True, eq=False)
class RateDistortionCurve:
    """Measured ``(distortion, rate)`` points of VAEs trained at several ``beta``.

    Attributes
    ----------
    betas : numpy.ndarray
        The rate weights, in the order given, shape ``(n_betas,)``.
    rate : numpy.ndarray
        ``E_x KL(q(z|x) || N(0, I))`` on the data after training, in nats per sample:
        an upper bound on ``I(X; Z)``, the operational rate of the model.
    distortion : numpy.ndarray
        Expected distortion per sample on the data after training, with ``z`` drawn from
        ``q(z|x)`` (averaged over ``eval_samples`` draws): the summed squared error
        (``"mse"``) or the summed binary cross entropy in nats (``"bce"``).
    distortion_kind : str
        ``"mse"`` or ``"bce"``.
    variances : numpy.ndarray
        Eigenvalues of the data's covariance (divisor ``n``), largest first: the
        component variances of the Gaussian bound.
    n_samples : int
        Number of data samples the models were trained and measured on.
    models : list of RateDistortionVAE or None
        The trained models (in eval mode), when ``keep_models=True``.
    """

    betas: FloatArray
    rate: FloatArray
    distortion: FloatArray
    distortion_kind: str
    variances: FloatArray
    n_samples: int
    models: list[RateDistortionVAE] | None = None

    @property
    def rate_bits(self) -> FloatArray:
        """The rates in bits per sample."""
        out: FloatArray = self.rate / _LN2
        return out

    def gaussian_bound(self, distortion: Any = None) -> Any:
        """The Gaussian ``R(D)`` (nats per sample) of a source with the data's covariance.

        A lower bound on the rate of any code when the data are Gaussian and the
        distortion is ``"mse"`` (see the module notes); ``distortion`` defaults to the
        measured distortions. See :func:`gaussian_vector_rate_distortion`.

        Raises
        ------
        ValueError
            For a ``"bce"`` curve, where the bound does not apply.
        """
        if self.distortion_kind != "mse":
            raise ValueError(
                f"the Gaussian R(D) bound is for the squared error; this curve's distortion is "
                f"{self.distortion_kind!r}. Sweep with distortion='mse' to compare with it"
            )
        d = self.distortion if distortion is None else distortion
        return gaussian_vector_rate_distortion(self.variances, d)

    def plot(self, ax: Axes | None = None, *, bound: bool = True, path: Any = None) -> Axes:
        """Draw the measured ``(D, R)`` points and, for ``"mse"``, the Gaussian ``R(D)``.

        Needs matplotlib (the ``plot`` extra), imported here.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Where to draw; a new figure by default.
        bound : bool, default True
            Also draw the Gaussian ``R(D)`` of the data's covariance (reverse
            water-filling) where it applies, i.e. for the ``"mse"`` distortion: there
            it is the lower bound for Gaussian data (for non-Gaussian data with this
            covariance it is an upper bound on their ``R(D)`` and no floor). For
            ``"bce"`` there is no such bound and nothing more is drawn.
        path : str or os.PathLike, optional
            Save the figure there (the format from the suffix: ``.png``, ``.pdf``, ...).

        Returns
        -------
        matplotlib.axes.Axes
        """
        try:
            import matplotlib.pyplot as plt
            from matplotlib.figure import Figure
        except ImportError as err:  # pragma: no cover - exercised without matplotlib
            raise ImportError(
                "RateDistortionCurve.plot needs matplotlib: pip install 'fastit[plot]'"
            ) from err
        draw_bound = check_flag(bound, "bound")
        if ax is None:
            _, ax = plt.subplots(figsize=(6.0, 4.5))
        order = np.argsort(self.distortion, kind="stable")
        d, r = self.distortion[order], self.rate[order]
        ax.plot(d, r, "o-", color="C0", label=f"VAE ({self.n_samples} samples)")
        for di, ri, bi in zip(d, r, self.betas[order], strict=True):
            ax.annotate(
                f"β={bi:g}", (di, ri), textcoords="offset points", xytext=(4, 4), fontsize=8
            )
        if draw_bound and self.distortion_kind == "mse":
            total = float(self.variances.sum())
            hi = max(total, float(d.max())) * 1.05
            lo = max(min(float(d.min()), total) * 0.7, total * 1e-6)
            grid = np.geomspace(lo, hi, 256) if lo > 0 else np.linspace(0.0, hi, 256)[1:]
            ax.plot(
                grid,
                gaussian_vector_rate_distortion(self.variances, grid),
                "--",
                color="k",
                label="Gaussian R(D) (reverse water-filling)",
            )
            ax.set_ylim(bottom=0.0, top=max(float(r.max()), 1e-3) * 1.15)
        kind = (
            "squared error per sample"
            if self.distortion_kind == "mse"
            else "binary cross entropy per sample (nats)"
        )
        ax.set_xlabel(f"distortion D ({kind})")
        ax.set_ylabel("rate R (nats per sample)")
        ax.set_title("Rate-distortion of a VAE")
        ax.legend()
        if path is not None:
            fig: Any = ax.figure
            root = fig if isinstance(fig, Figure) else fig.figure  # a SubFigure's root
            root.savefig(path, dpi=120, bbox_inches="tight")
        return ax


def _check_betas(betas: Any) -> FloatArray:
    if isinstance(betas, torch.Tensor):
        betas = betas.detach().cpu().numpy()
    if isinstance(betas, numbers.Real) and not isinstance(betas, bool):
        betas = [betas]
    try:
        arr = np.asarray(betas, dtype=np.float64)
    except (TypeError, ValueError) as err:
        raise TypeError(f"betas must be a sequence of real numbers; got {betas!r}") from err
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"betas has shape {arr.shape}; pass a non-empty 1-D sequence of betas")
    if not np.isfinite(arr).all() or (arr < 0).any():
        raise ValueError(f"betas must be finite and >= 0, got {arr.tolist()}")
    return arr


def _check_data(data: Any, distortion: str, device: torch.device) -> torch.Tensor:
    what = "samples of shape (n, n_features), one per row"
    if isinstance(data, torch.Tensor):
        t = data.detach()
    else:
        try:
            arr = np.asarray(data)
        except Exception as err:  # noqa: BLE001 - any failure means not array-like
            raise TypeError(f"data must be a tensor or array of {what}") from err
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"data has dtype {arr.dtype}; pass real {what}")
        t = torch.from_numpy(np.ascontiguousarray(arr, dtype=np.float64))
    if t.is_complex() or t.dtype == torch.bool:
        raise TypeError(f"data has dtype {t.dtype}; pass real {what}")
    if t.ndim != 2 or t.shape[1] == 0:
        raise ValueError(f"data has shape {tuple(t.shape)}; pass {what}")
    if t.shape[0] < 2:
        raise ValueError(f"data has {t.shape[0]} sample(s); pass at least 2")
    t = t.to(device=device, dtype=torch.get_default_dtype())
    check_finite(t, "data")
    if distortion == "bce":
        _check_unit_interval(t, "data", "data for the binary cross entropy")
    return t


def _check_positive(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number, got {type(value).__name__}")
    out = float(value)
    if not (math.isfinite(out) and out > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value}")
    return out


def _evaluate(
    model: RateDistortionVAE, data: torch.Tensor, eval_samples: int, seed: int
) -> tuple[float, float]:
    """Rate and expected distortion per sample, ``z`` drawn ``eval_samples`` times."""
    gen = torch.Generator(device=data.device).manual_seed(seed)
    rate_sum = 0.0
    dist_sum = 0.0
    model.eval()
    with torch.no_grad():
        for start in range(0, data.shape[0], _EVAL_CHUNK):
            xb = data[start : start + _EVAL_CHUNK]
            for _ in range(eval_samples):
                out = model.loss(xb, sample=True, generator=gen, reduction="sum")
                dist_sum += float(out.distortion)
            rate_sum += float(out.rate)  # exact, the same for every draw
    n = data.shape[0]
    return rate_sum / n, dist_sum / (n * eval_samples)


def rate_distortion_sweep(
    betas: Any,
    data: Any,
    *,
    latent_dim: int | None = None,
    epochs: int = 100,
    batch_size: int = 128,
    lr: float = 1e-2,
    hidden: int | Sequence[int] = (32,),
    distortion: str = "mse",
    eval_samples: int = 16,
    keep_models: bool = False,
    random_state: Any = None,
    progress: bool = True,
    device: str | torch.device | None = None,
) -> RateDistortionCurve:
    """Train one :class:`RateDistortionVAE` per ``beta`` and measure its ``(D, R)`` point.

    Each model is trained from scratch on ``data`` with Adam on minibatches of
    ``distortion + beta * rate``, the learning rate decayed to 0 over the epochs (a
    cosine schedule, so the final weights settle), then measured on ``data``: the rate
    exactly (the mean KL to the prior) and the distortion with ``z`` drawn from
    ``q(z|x)``, averaged over ``eval_samples`` draws. All models start from the same
    seeded initial weights and see the same minibatches and noise, so the differences
    between points come from ``beta`` alone.

    Parameters
    ----------
    betas : float or sequence of float
        Rate weights ``>= 0``: small values give high rates and low distortions. For
        ``"mse"``, a Gaussian component of variance ``sigma^2`` is described at all only
        when ``beta / 2 < sigma^2`` (the optimal water level is ``beta / 2``).
    data : array_like or torch.Tensor
        Samples of shape ``(n, n_features)``, finite (in ``[0, 1]`` for ``"bce"``);
        trained on in torch's default dtype (float32).
    latent_dim : int, optional
        Size of ``z``; ``n_features`` by default.
    epochs : int, default 100
        Passes over the data per model.
    batch_size : int, default 128
        Minibatch size.
    lr : float, default 1e-2
        Adam's initial learning rate.
    hidden : int or sequence of int, default (32,)
        Hidden layer widths of encoder and decoder; ``()`` gives a linear VAE.
    distortion : {"mse", "bce"}, default "mse"
        See :class:`RateDistortionVAE`.
    eval_samples : int, default 16
        Draws of ``z`` per sample when measuring the distortion.
    keep_models : bool, default False
        Return the trained models in the result.
    random_state : None, int or numpy.random.Generator
        Seed of the initial weights, the minibatch order and the noise (None: a fixed
        seed). Torch's global random state is left as it was.
    progress : bool, default True
        Show a progress bar over the betas (tqdm, when installed and stderr is a
        terminal).
    device : str or torch.device, optional
        Where to train: ``data``'s device for a tensor, else the CPU.

    Returns
    -------
    RateDistortionCurve
        ``betas``, ``rate`` (nats per sample), ``distortion`` (per sample), the data's
        covariance eigenvalues for the Gaussian bound, and optionally the models; its
        :meth:`~RateDistortionCurve.plot` draws the curve.

    Raises
    ------
    TypeError, ValueError
        Bad ``betas`` (empty, negative, not finite), ``data`` (not 2-D, fewer than 2
        samples, NaN or infinite values, outside ``[0, 1]`` for ``"bce"``), or bad
        training settings; each message names the argument.

    References
    ----------
    .. [1] A. A. Alemi et al., "Fixing a broken ELBO", ICML 2018 (arXiv:1711.00464).

    Examples
    --------
    >>> import numpy as np
    >>> from fastit.torch.vae import rate_distortion_sweep
    >>> x = np.random.default_rng(0).normal(size=(256, 2)) * [2.0, 0.5]
    >>> curve = rate_distortion_sweep([0.2, 2.0], x, epochs=5, hidden=(), progress=False)
    >>> bool(curve.rate[0] > curve.rate[1])
    True
    """
    dist_kind = check_choice(distortion, "distortion", _DISTORTIONS)
    beta_arr = _check_betas(betas)
    if device is None:
        dev = data.device if isinstance(data, torch.Tensor) else torch.device("cpu")
    elif isinstance(device, (str, torch.device)):
        dev = torch.device(device)
    else:
        raise TypeError(
            f"device must be None, a str or a torch.device, got {type(device).__name__}"
        )
    x = _check_data(data, dist_kind, dev)
    n, n_features = x.shape
    latent = n_features if latent_dim is None else check_count(latent_dim, "latent_dim")
    n_epochs = check_count(epochs, "epochs")
    bs = check_count(batch_size, "batch_size")
    rate0 = _check_positive(lr, "lr")
    widths = _check_hidden(hidden)
    n_eval = check_count(eval_samples, "eval_samples")
    keep = check_flag(keep_models, "keep_models")
    show = check_flag(progress, "progress")
    seed = seed_of(random_state) % 2**63

    host = x.detach().to("cpu", torch.float64).numpy()
    cov = np.atleast_2d(np.cov(host, rowvar=False, bias=True))
    # eigenvalues of a PSD matrix; rounding can make a zero one -1e-17, which is 0
    variances = np.maximum(np.linalg.eigvalsh(cov)[::-1], 0.0)

    steps_per_epoch = -(-n // bs)
    rates: list[float] = []
    dists: list[float] = []
    models: list[RateDistortionVAE] = []
    for beta in _progress_bar(beta_arr, total=beta_arr.size, desc="rate-distortion", show=show):
        with torch.random.fork_rng(devices=[]):
            torch.default_generator.manual_seed(seed)
            model = RateDistortionVAE(
                n_features, latent, hidden=widths, beta=float(beta), distortion=dist_kind
            )
        model.to(dev)
        model.train()
        noise = torch.Generator(device=dev).manual_seed(seed)
        order = torch.Generator().manual_seed(seed)
        opt = torch.optim.Adam(model.parameters(), lr=rate0)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=n_epochs * steps_per_epoch)
        for _ in range(n_epochs):
            perm = torch.randperm(n, generator=order).to(dev)
            for start in range(0, n, bs):
                xb = x[perm[start : start + bs]]
                loss = model.loss(xb, generator=noise).total
                opt.zero_grad(set_to_none=True)
                loss.backward()  # type: ignore[no-untyped-call]
                opt.step()
                sched.step()
        r, d = _evaluate(model, x, n_eval, seed)
        rates.append(r)
        dists.append(d)
        if keep:
            models.append(model)
    return RateDistortionCurve(
        betas=beta_arr,
        rate=np.array(rates),
        distortion=np.array(dists),
        distortion_kind=dist_kind,
        variances=variances,
        n_samples=int(n),
        models=models if keep else None,
    )
