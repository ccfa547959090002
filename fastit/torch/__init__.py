"""fastit on torch tensors: the estimators on any device, and the deep-learning tools.

``import fastit`` never imports torch; this subpackage does. The functions live in
:mod:`fastit.torch.functional` (estimators and distribution measures) and
:mod:`fastit.torch.stats` (permutation tests on the device); the training monitors in
:mod:`fastit.torch.monitor`.
"""

from __future__ import annotations

try:
    import torch as _torch  # noqa: F401
except ImportError as err:  # pragma: no cover - exercised without torch installed
    raise ImportError(
        "fastit.torch needs PyTorch: pip install 'fastit[torch]' "
        "(or first `pip install torch` for the build that suits your machine)"
    ) from err

from . import capacity, fisher, functional, monitor, stats
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
from .stats import mutual_info_test

__all__ = [
    "EWC",
    "InformationFlowMonitor",
    "InformationPlane",
    "LayerCapacity",
    "binned_entropy",
    "capacity",
    "conditional_mutual_info",
    "count_neighbors",
    "cross_entropy",
    "differential_entropy",
    "discrete_entropy",
    "entropy",
    "fisher",
    "fisher_diagonal",
    "functional",
    "js_divergence",
    "kl_divergence",
    "knn_distances",
    "layer_capacities",
    "mutual_info",
    "monitor",
    "mutual_info_test",
    "stats",
]
