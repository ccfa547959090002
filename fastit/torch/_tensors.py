"""Tensor inputs of fastit.torch: checks, batching, and the values the k-NN kernels see.

Samples come as one tensor of shape (n,) or (n, d), a batch of shape (B, n, d), or a list
of (n, d_b) tensors (the layers of a network, say). Every kernel works on 3-D (B, n, d).

The k-NN estimators do not see the raw data: each column is shifted and scaled
(``standardize``) and, where it has repeated values, given a tiny seeded jitter (see
:mod:`fastit.estimators`). Those O(n d) decisions are made by the compiled core on a host
copy, so every device breaks ties with exactly the jitter ``fastit.mutual_info`` uses and
sees bit for bit the values the core sees; the O(n^2) neighbour work stays on the device.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import torch

from .. import _core
from .._validation import n_threads
from ..estimators import _column_params

# The core takes at most this many columns per call.
_MAX_CORE_COLUMNS = 4096


def as_batch(a: Any, name: str) -> tuple[torch.Tensor, bool]:
    """Samples as a (B, n, d) tensor, and whether the caller passed a batch (3-D).

    Float32 and float64 are kept; half precision is widened to float32; integer and
    boolean tensors to float64.
    """
    batched = False
    if not isinstance(a, torch.Tensor):
        raise TypeError(
            f"{name} must be a torch.Tensor, got {type(a).__name__}; convert it with "
            f"torch.as_tensor({name}), or for NumPy arrays use fastit.mutual_info and friends"
        )
    check_dense(a, name)
    if a.is_complex():
        raise TypeError(f"{name} has dtype {a.dtype}; pass real numbers")
    if a.ndim == 1:
        a = a.reshape(1, -1, 1)
    elif a.ndim == 2:
        a = a.unsqueeze(0)
    elif a.ndim == 3:
        batched = True
    else:
        raise ValueError(
            f"{name} has shape {tuple(a.shape)}; pass (n,), (n, d) or a batch (B, n, d) "
            "with samples along the sample axis"
        )
    if a.shape[1] == 0 or a.shape[2] == 0 or a.shape[0] == 0:
        raise ValueError(f"{name} is empty (shape {tuple(a.shape)}); pass at least 2 samples")
    return as_float(a), batched


def check_dense(a: torch.Tensor, name: str) -> None:
    """Refuses sparse tensors and meta tensors: the kernels need stored, strided values."""
    if a.layout != torch.strided:
        raise TypeError(
            f"{name} is a sparse tensor (layout {a.layout}); fastit.torch needs dense "
            f"tensors: pass {name}.to_dense()"
        )
    if a.device.type == "meta":
        raise ValueError(f"{name} is on the meta device, which holds no values; pass real data")


def as_float(a: torch.Tensor) -> torch.Tensor:
    """float32/float64 kept, half precision widened to float32, integers to float64."""
    if a.dtype in (torch.float32, torch.float64):
        return a.detach()
    if a.is_floating_point():
        return a.detach().to(torch.float32)
    return a.detach().to(torch.float64)


def check_finite(a: torch.Tensor, name: str) -> None:
    if not bool(torch.isfinite(a).all()):
        bad = "NaN" if bool(torch.isnan(a).any()) else "infinite values"
        raise ValueError(
            f"{name} contains {bad}; remove or impute them first (nothing is dropped silently)"
        )


def check_labels(a: torch.Tensor, name: str) -> None:
    if a.is_floating_point() and bool(torch.isnan(a).any()):
        raise ValueError(
            f"{name} has NaN labels; give missing values a label of their own or drop "
            "those samples first"
        )


def pair(
    x: torch.Tensor, x_name: str, y: torch.Tensor, y_name: str
) -> tuple[torch.Tensor, torch.Tensor]:
    """Two (B, n, d) inputs on one device with one n, broadcast to one B."""
    if x.device != y.device:
        raise ValueError(
            f"{x_name} is on {x.device} but {y_name} is on {y.device}; move them to one device"
        )
    if x.shape[1] != y.shape[1]:
        raise ValueError(
            f"{y_name} has {y.shape[1]} samples but {x_name} has {x.shape[1]}; "
            "pass the same samples, one per row"
        )
    bx, by = x.shape[0], y.shape[0]
    if bx != by and 1 not in (bx, by):
        raise ValueError(
            f"{x_name} is a batch of {bx} and {y_name} a batch of {by}; pass batches of one "
            "size, or one unbatched tensor to pair with every member of the batch"
        )
    b = max(bx, by)
    return x.expand(b, -1, -1), y.expand(b, -1, -1)


def check_tile(tile_size: Any) -> int | None:
    if tile_size is None:
        return None
    if isinstance(tile_size, bool) or not isinstance(tile_size, numbers.Integral):
        raise TypeError(f"tile_size must be None or an int, got {type(tile_size).__name__}")
    if tile_size < 1:
        raise ValueError(f"tile_size must be a positive number of distances, got {tile_size}")
    return int(tile_size)


def unjittered(a: torch.Tensor, *, standardize: bool) -> torch.Tensor:
    """(B, n, d) float64 values ``(a - shift) * scale`` with the core's shift and scale and
    no jitter: what the core's ``"mixed"`` estimator sees, whose atoms are exact ties.

    Always float64, whatever the input: rounding the scaled values to float32 could merge
    distinct values into atoms that are not in the data.
    """
    b, n, d = a.shape
    host = a.detach().to("cpu", torch.float64).permute(1, 0, 2).reshape(n, b * d).numpy()
    threads = n_threads(None)
    params = np.empty((2, b * d))
    for start in range(0, b * d, _MAX_CORE_COLUMNS):
        part = np.ascontiguousarray(host[:, start : start + _MAX_CORE_COLUMNS])
        p = _column_params(part, threads, standardize=standardize, jitter=False)
        params[:, start : start + part.shape[1]] = p[:2]
    shift = torch.from_numpy(params[0].reshape(b, 1, d)).to(a.device)
    scale = torch.from_numpy(params[1].reshape(b, 1, d)).to(a.device)
    return (a.to(torch.float64) - shift) * scale


def prepared(a: torch.Tensor, *, standardize: bool, seed: int) -> torch.Tensor:
    """The values the k-NN kernels work on: the core's, in the caller's precision.

    (B, n, d) float64 values exactly as the compiled core's estimators see them (see
    :func:`core_values`), rounded to float32 for float32 input unless a column has ties:
    their jitter (1e-10 of the spread) is below float32 resolution, so rounding would
    bring the ties back. Such data stay in float64.
    """
    values, tied = core_values(a, standardize=standardize, seed=seed)
    return values if tied or a.dtype == torch.float64 else values.to(a.dtype)


def core_values(a: torch.Tensor, *, standardize: bool, seed: int) -> tuple[torch.Tensor, bool]:
    """(B, n, d) float64 values exactly as the compiled core's estimators see them, and
    whether any column has ties (and so a jitter).

    ``(a - shift) * scale + jitter``: shift, scale and the tie-breaking jitter come from the
    core (fastit.estimators._column_params and _core.tie_jitter) on a host copy; the
    arithmetic happens on the device in the core's order, so the values agree bit for bit.
    """
    b, n, d = a.shape
    # All problems' columns side by side: (n, B d). Column statistics and ties are per
    # column, so one core call settles every problem of the batch.
    host = a.detach().to("cpu", torch.float64).permute(1, 0, 2).reshape(n, b * d).numpy()
    host = np.ascontiguousarray(host)
    threads = n_threads(None)
    params = np.empty((3, b * d))
    shakes = []  # the jitter of each group of columns, kept only if a column has ties
    any_ties = False
    for start in range(0, b * d, _MAX_CORE_COLUMNS):
        part = np.ascontiguousarray(host[:, start : start + _MAX_CORE_COLUMNS])
        p = _column_params(part, threads, standardize=standardize)
        params[:, start : start + part.shape[1]] = p
        added, flags = _core.tie_jitter(part, p, seed, threads)
        shakes.append(added)
        any_ties = any_ties or bool(flags.any())
    shift = torch.from_numpy(params[0].reshape(b, 1, d)).to(a.device)
    scale = torch.from_numpy(params[1].reshape(b, 1, d)).to(a.device)
    values = (a.to(torch.float64) - shift) * scale
    if not any_ties:
        return values, False
    shake = shakes[0] if len(shakes) == 1 else np.concatenate(shakes, axis=1)
    jitter = torch.from_numpy(shake.reshape(n, b, d)).permute(1, 0, 2).to(a.device)
    return values + jitter, True
