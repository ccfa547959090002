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
from .._columns import (
    MAX_COLUMNS,
    SLOT_Z,
    column_params,
    pair_slots,
    stream_ids,
    warn_discrete,
)
from .._validation import n_threads


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
    host = _side_by_side(a)
    threads = n_threads(None)
    params = np.empty((2, b * d))
    for start in range(0, b * d, MAX_COLUMNS):
        part = np.ascontiguousarray(host[:, start : start + MAX_COLUMNS])
        p = column_params(part, threads, "x", standardize=standardize, jitter=False)
        params[:, start : start + part.shape[1]] = p[:2]
    shift = torch.from_numpy(params[0].reshape(b, 1, d)).to(a.device)
    scale = torch.from_numpy(params[1].reshape(b, 1, d)).to(a.device)
    return (a.to(torch.float64) - shift) * scale


def prepared(
    a: torch.Tensor, *, standardize: bool, seed: int, slots: Any = 0, shrink_huge: bool = False
) -> tuple[torch.Tensor, np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """The values the k-NN kernels work on: the core's, in the caller's precision, the
    core's tie report (2, B d) of the columns and the scale (B, d) each column was
    multiplied by (see :func:`core_values`).

    Float32 input is rounded to float32 unless a column has ties: their jitter (1e-10 of
    the spread) is below float32 resolution, so rounding would bring the ties back. Such
    data stay in float64.
    """
    values, tied, ties, scale = core_values(
        a, standardize=standardize, seed=seed, slots=slots, shrink_huge=shrink_huge
    )
    out = values if tied or a.dtype == torch.float64 else values.to(a.dtype)
    return out, ties, scale


def prepared_pair(
    x: torch.Tensor, y: torch.Tensor, *, standardize: bool, seed: int
) -> tuple[torch.Tensor, torch.Tensor, np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """:func:`prepared` for the x and y of I(X; Y) or I(X; Y | Z): each member of the batch
    gives its x and y the jitter streams ``fastit.mutual_info`` gives them."""
    slots = [pair_slots(_host(x[b]), _host(y[b])) for b in range(x.shape[0])]
    vx, ties_x, _ = prepared(x, standardize=standardize, seed=seed, slots=[s[0] for s in slots])
    vy, ties_y, _ = prepared(y, standardize=standardize, seed=seed, slots=[s[1] for s in slots])
    return vx, vy, ties_x, ties_y


def prepared_z(z: torch.Tensor, *, standardize: bool, seed: int) -> tuple[torch.Tensor, Any]:
    """:func:`prepared` for the conditioning variable of I(X; Y | Z)."""
    vz, ties_z, _ = prepared(z, standardize=standardize, seed=seed, slots=SLOT_Z)
    return vz, ties_z


def warn_ties(reports: list[tuple[str, int, np.ndarray[Any, Any]]], n: int, remedy: str) -> None:
    """One :class:`fastit.DiscreteDataWarning` for the discrete-valued columns of the
    variables' tie reports (name, d, report of shape (2, B d)); a column counts as
    discrete-valued when it is in any member of the batch."""
    names = []
    merged = []
    for name, d, ties in reports:
        per_member = ties.reshape(2, -1, d)
        member = np.argmax(per_member[0], axis=0)  # the most tied member, per column
        merged.append(per_member[:, member, np.arange(d)])
        names.append((name, d))
    warn_discrete(np.concatenate(merged, axis=1), n, names, remedy)


def _side_by_side(a: torch.Tensor) -> np.ndarray[Any, Any]:
    """A (B, n, d) batch as one host array (n, B d): column statistics and ties are per
    column, so one core call settles every problem of the batch."""
    b, n, d = a.shape
    host = a.detach().to("cpu", torch.float64).permute(1, 0, 2).reshape(n, b * d).numpy()
    return np.ascontiguousarray(host)


def _host(a: torch.Tensor) -> np.ndarray[Any, Any]:
    """(n, d) float64 host copy of one member of a batch."""
    return np.asarray(a.detach().to("cpu", torch.float64).numpy())


def core_values(
    a: torch.Tensor, *, standardize: bool, seed: int, slots: Any = 0, shrink_huge: bool = False
) -> tuple[torch.Tensor, bool, np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """(B, n, d) float64 values exactly as the compiled core's estimators see them, whether
    any column has ties (and so a jitter), the core's tie report (2, B d) and the scale
    (B, d) of each column.

    ``(a - shift) * scale + jitter``: shift, scale and the tie-breaking jitter come from the
    core (fastit._columns.column_params and _core.tie_jitter) on a host copy; the
    arithmetic happens on the device in the core's order, so the values agree bit for bit.
    ``slots`` is the variable's slot in its call (fastit._columns), one for the whole batch
    or one per member; ``shrink_huge`` as in ``fastit._columns.column_params``.
    """
    b, n, d = a.shape
    member_slots = np.broadcast_to(np.asarray(slots, dtype=np.int64), (b,))
    host = _side_by_side(a)
    threads = n_threads(None)
    params = np.empty((4, b * d))
    ties = np.empty((2, b * d), dtype=np.int64)
    shakes = []  # the jitter of each group of columns, kept only if a column has ties
    any_ties = False
    for start in range(0, b * d, MAX_COLUMNS):
        part = np.ascontiguousarray(host[:, start : start + MAX_COLUMNS])
        stop = start + part.shape[1]
        p = column_params(part, threads, "x", standardize=standardize, shrink_huge=shrink_huge)
        # Each member's columns take the stream ids fastit.mutual_info gives that member.
        columns = np.arange(start, stop)
        p[3] = stream_ids(member_slots[columns // d], columns % d)
        params[:, start:stop] = p
        added, flags, found = _core.tie_jitter(part, p, seed, threads)
        ties[:, start:stop] = found
        shakes.append(added)
        any_ties = any_ties or bool(flags.any())
    shift = torch.from_numpy(params[0].reshape(b, 1, d)).to(a.device)
    scale = torch.from_numpy(params[1].reshape(b, 1, d)).to(a.device)
    values = (a.to(torch.float64) - shift) * scale
    column_scale = params[1].reshape(b, d)
    if not any_ties:
        return values, False, ties, column_scale
    shake = shakes[0] if len(shakes) == 1 else np.concatenate(shakes, axis=1)
    jitter = torch.from_numpy(shake.reshape(n, b, d)).permute(1, 0, 2).to(a.device)
    return values + jitter, True, ties, column_scale
