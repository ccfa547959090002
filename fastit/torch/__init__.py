"""fastit on torch tensors: the estimators on any device, and the deep-learning tools.

``import fastit`` never imports torch; this subpackage does. The functions live in
:mod:`fastit.torch.functional` (estimators and distribution measures) and
:mod:`fastit.torch.stats` (permutation tests on the device); the deep-learning tools in
:mod:`fastit.torch.monitor` (information plane, flow monitor), :mod:`fastit.torch.bottleneck`
(variational information bottleneck), :mod:`fastit.torch.vae` (rate-distortion VAE),
:mod:`fastit.torch.bayesian` (Bayesian layers), :mod:`fastit.torch.fisher` (Fisher
information, EWC), :mod:`fastit.torch.capacity` and :mod:`fastit.torch.neural_mi`.
"""

from __future__ import annotations

try:
    import torch as _torch  # noqa: F401
except ImportError as err:  # pragma: no cover - exercised without torch installed
    raise ImportError(
        "fastit.torch needs PyTorch: pip install 'fastit[torch]' "
        "(or first `pip install torch` for the build that suits your machine)"
    ) from err

from . import (
    bayesian,
    bottleneck,
    capacity,
    fisher,
    functional,
    monitor,
    neural_mi,
    stats,
    vae,
)
from .bayesian import BayesianLinear
from .bottleneck import VIBClassifier, information_bottleneck_objective, vib_loss
from .capacity import LayerCapacity, layer_capacities
from .fisher import EWC, fisher_diagonal
from .functional import (
    binned_entropy,
    conditional_mutual_info,
    count_neighbors,
    cross_entropy,
    differential_entropy,
    discrete_entropy,
    entropy,
    js_divergence,
    kl_divergence,
    knn_distances,
    mutual_info,
)
from .monitor import InformationFlowMonitor, InformationPlane
from .neural_mi import MINE, dv_bound, estimate_mutual_info, infonce_bound, nwj_bound
from .stats import mutual_info_test
from .vae import RateDistortionVAE, elbo_loss, rate_distortion_sweep

__all__ = [
    "BayesianLinear",
    "EWC",
    "InformationFlowMonitor",
    "InformationPlane",
    "LayerCapacity",
    "MINE",
    "RateDistortionVAE",
    "VIBClassifier",
    "bayesian",
    "binned_entropy",
    "bottleneck",
    "capacity",
    "conditional_mutual_info",
    "count_neighbors",
    "cross_entropy",
    "differential_entropy",
    "discrete_entropy",
    "dv_bound",
    "elbo_loss",
    "entropy",
    "estimate_mutual_info",
    "fisher",
    "fisher_diagonal",
    "functional",
    "infonce_bound",
    "information_bottleneck_objective",
    "js_divergence",
    "kl_divergence",
    "knn_distances",
    "layer_capacities",
    "monitor",
    "mutual_info",
    "mutual_info_test",
    "neural_mi",
    "nwj_bound",
    "rate_distortion_sweep",
    "stats",
    "vae",
    "vib_loss",
]
