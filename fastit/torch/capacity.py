"""Channel capacity of every linear layer of a network, as a Gaussian channel.

:func:`layer_capacities` reads each ``torch.nn.Linear`` of a model as the channel
``y = W x + n`` with Gaussian noise ``n ~ N(0, noise_std^2 I)`` and an input power budget
``E ||x||^2 <= input_power``, and reports its capacity by water-filling over the singular
values of ``W`` (:func:`fastit.channel.layer_capacity`, which does the work).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import torch

from .._validation import FloatArray
from ..channel import layer_capacity

__all__ = ["LayerCapacity", "layer_capacities"]


@dataclass(frozen=True, eq=False)
class LayerCapacity:
    """Capacity of one linear layer read as a Gaussian channel ``y = W x + n``.

    A list of these goes straight into ``pandas.DataFrame(records)``.

    Attributes
    ----------
    name : str
        The layer's name in ``model.named_modules()`` (``""`` for the model itself).
    shape : tuple of int
        ``(n_out, n_in)``, the shape of ``W`` (``layer.weight``).
    capacity : float
        Capacity per use of the layer, in the requested unit (nats by default).
    n_active : int
        Number of SVD modes that get power (``active.sum()``).
    singular_values : numpy.ndarray
        Singular values of ``W``, largest first (``min(n_out, n_in)`` of them).
    power : numpy.ndarray
        Input power put on each mode (sums to ``input_power`` when ``W`` is not zero).
    active : numpy.ndarray of bool
        The modes that get power.
    water_level : float
        The water level, in units of effective noise ``noise_std**2 / s_i**2``; NaN when
        ``W`` has no usable mode.
    """

    name: str
    shape: tuple[int, int]
    capacity: float
    n_active: int
    singular_values: FloatArray
    power: FloatArray
    active: npt.NDArray[np.bool_]
    water_level: float


def layer_capacities(
    model: torch.nn.Module,
    *,
    input_power: float = 1.0,
    noise_std: float = 1.0,
    rtol: float | None = None,
    base: float | None = None,
) -> list[LayerCapacity]:
    r"""Gaussian channel capacity of every ``torch.nn.Linear`` layer of a model.

    Each linear layer (``torch.nn.Linear`` and its subclasses, in the order of
    ``model.named_modules()``) is taken on its own as the channel ``y = W x + n``, with
    ``n ~ N(0, noise_std^2 I)`` on every output and the budget ``E ||x||^2 <= input_power``
    on its input; its capacity is water-filling over the singular values ``s_i`` of
    ``W``:

    .. math::

        C = \sum_i \tfrac12 \log\left(1 + \frac{p_i s_i^2}{\sigma^2}\right), \qquad
        p_i = \max\left(0, \mu - \frac{\sigma^2}{s_i^2}\right), \quad \sum_i p_i = P .

    Parameters
    ----------
    model : torch.nn.Module
        The network, on any device (the weights are copied to the CPU as float64).
    input_power : float, default 1.0
        The budget ``P >= 0`` for ``E ||x||^2`` (the sum over input coordinates), the
        same for every layer.
    noise_std : float, default 1.0
        Standard deviation ``sigma > 0`` of the noise on each output.
    rtol : float, optional
        Singular values ``<= rtol * s_max`` count as no channel; None is NumPy's
        ``matrix_rank`` tolerance. See :func:`fastit.channel.layer_capacity`.
    base : float, optional
        Logarithm base: None gives nats, 2 gives bits.

    Returns
    -------
    list of LayerCapacity
        One record per linear layer, in ``named_modules()`` order (a layer shared under
        two names is reported once, under the first).

    Raises
    ------
    TypeError
        ``model`` not a ``torch.nn.Module``; scalars of the wrong type.
    ValueError
        ``model`` without ``torch.nn.Linear`` layers; a lazy layer not yet initialised; a
        weight with NaN or inf; ``noise_std`` not positive, ``input_power`` negative,
        ``rtol`` negative or a bad ``base`` (from :func:`fastit.channel.layer_capacity`).

    Notes
    -----
    Only ``torch.nn.Linear`` layers are covered. A convolution is a linear map too, but
    its channel matrix is the (large, structured) operator on the whole feature map, not
    the kernel reshaped to ``(out_channels, in_channels * k * k)``; rather than report the
    capacity of a matrix that is not the layer's, convolutions are left out. The bias is a
    known shift and does not change the capacity; the nonlinearities between layers and
    the real statistics of the activations are ignored, so these are per-layer ceilings
    under a common budget, not the information a trained network carries (for that,
    estimate ``I(X; T)`` from activations with :func:`fastit.torch.mutual_info`).

    Examples
    --------
    >>> import torch
    >>> from fastit.torch.capacity import layer_capacities
    >>> model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))
    >>> [(r.name, r.shape) for r in layer_capacities(model)]
    [('0', (3, 4)), ('2', (2, 3))]
    """
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
    records: list[LayerCapacity] = []
    for name, module in model.named_modules():
        if not isinstance(module, torch.nn.Linear):
            continue
        weight: Any = module.weight
        if torch.nn.parameter.is_lazy(weight):
            raise ValueError(
                f"layer {name!r} is a lazy linear layer not initialised yet; run one forward "
                "pass before asking for its capacity"
            )
        if weight.is_meta:
            raise ValueError(
                f"layer {name!r} has its weight on the meta device (no values); materialise "
                "the model (to_empty + load_state_dict) first"
            )
        w = weight.detach().to(device="cpu", dtype=torch.float64)
        res = layer_capacity(w, noise_std=noise_std, input_power=input_power, rtol=rtol, base=base)
        records.append(
            LayerCapacity(
                name=name,
                shape=(int(w.shape[0]), int(w.shape[1])),
                capacity=res.capacity,
                n_active=int(np.count_nonzero(res.active)),
                singular_values=res.singular_values,
                power=res.power,
                active=res.active,
                water_level=res.water_level,
            )
        )
    if not records:
        raise ValueError(
            "model has no torch.nn.Linear layers; layer_capacities covers linear layers only "
            "(for another linear map, pass its matrix to fastit.channel.layer_capacity)"
        )
    return records
