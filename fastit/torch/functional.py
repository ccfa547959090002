"""fastit's estimators on torch tensors, on whatever device the tensors live.

The k-nearest-neighbour estimators (KSG, Frenzel-Pompe, Kozachenko-Leonenko, Ross) are
exact brute force in tiles (:mod:`fastit.torch._neighbours`): no n-by-n matrix, memory
bounded by ``tile_size`` whatever n. On float64 tensors they compute exactly the compiled
core's neighbour counts, so the estimates equal ``fastit.mutual_info`` and friends up to
rounding (digamma and the final sum: a few 1e-14 nats); ``local=True`` returns the
per-sample values. Ties get the core's own seeded jitter (see :mod:`fastit.estimators`).

Float32 tensors take a float32 path: the data are standardised and jittered in float64,
then distances and comparisons run in float32, which is faster on GPUs. Counts can then
differ from float64 where two distances agree to float32 precision, so estimates agree
with the float64 ones to about 1e-6 nats rather than exactly.

The histogram and label estimators (``method="binned"``, ``differential_entropy(...,
method="histogram")``, :func:`discrete_entropy`) count with ``bincount`` on the device, with
the same bins and corrections as the NumPy functions. :func:`entropy`,
:func:`cross_entropy`, :func:`kl_divergence` and :func:`js_divergence` of distributions
(probabilities or logits) are differentiable.

Shapes: a variable is a tensor of shape (n,) or (n, d). A batch of shape (B, n, d), or a
list of tensors (any widths), estimates B problems in one call and returns B values; an
unbatched tensor on the other side is shared by the whole batch (every layer of a network
against the same labels, say). Because a list means a batch, a plain Python list of
numbers is refused with a TypeError rather than guessed at: pass ``torch.tensor(values)``.
Sparse tensors are refused too (pass ``.to_dense()``). Results are float64 tensors on the
input device, in nats unless ``base`` says otherwise. The k-NN estimators are not
differentiable (counts); their inputs are detached.

Brute force costs O(n^2 d) per problem. On CPU tensors of more than a few thousand
samples the compiled core's kd-tree (``fastit.mutual_info(x.numpy(), ...)``) is faster.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import torch

from .._columns import CMI_REMEDY, ENTROPY_REMEDY, MI_REMEDY, ross_remedy
from .._validation import (
    check_choice,
    check_correction,
    check_flag,
    check_k,
    log_base,
    seed_of,
)
from . import _histogram
from ._neighbours import count_within, kth_distance
from ._tensors import (
    as_batch,
    check_dense,
    check_finite,
    check_labels,
    check_tile,
    pair,
    prepared,
    prepared_pair,
    prepared_z,
    unjittered,
    warn_ties,
)
from .distributions import cross_entropy, entropy, js_divergence, kl_divergence

__all__ = [
    "binned_entropy",
    "conditional_mutual_info",
    "count_neighbors",
    "cross_entropy",
    "differential_entropy",
    "discrete_entropy",
    "entropy",
    "js_divergence",
    "kl_divergence",
    "knn_distances",
    "mutual_info",
]

_MI_METHODS = ("ksg1", "ksg2", "mixed", "binned")
# Above this, 2 eps overflows (the core then takes ln 2 + ln eps).
_HALF_MAX = torch.finfo(torch.float64).max / 2
_ENTROPY_METHODS = ("kl", "histogram")


def _psi(counts: torch.Tensor) -> torch.Tensor:
    psi: torch.Tensor = torch.special.digamma(counts.to(torch.float64))
    return psi


def _psi_of(value: float, like: torch.Tensor) -> torch.Tensor:
    return _psi(torch.tensor(value, device=like.device))


def _common(*values: torch.Tensor) -> tuple[torch.Tensor, ...]:
    """The variables of one estimate in one precision (float64 if any of them needs it)."""
    dtype = torch.float64 if any(v.dtype == torch.float64 for v in values) else values[0].dtype
    return tuple(v.to(dtype) for v in values)


def _finish(local: torch.Tensor, local_wanted: bool, batched: bool, divisor: float) -> torch.Tensor:
    """Per-sample values (B, n) to what the caller asked for, in the caller's unit."""
    out = local if local_wanted else local.nanmean(dim=1)
    out = out / divisor
    return out if batched else out[0]


def _listwise(
    function: Callable[..., torch.Tensor], arguments: dict[str, Any], **options: Any
) -> torch.Tensor:
    """Runs ``function`` once per group of list members of one shape, results in list order.

    ``arguments`` maps argument names to tensors or lists of tensors (lists of one length);
    a tensor is shared by every member. Each group is one batched call.
    """
    lengths = {len(v) for v in arguments.values() if isinstance(v, (list, tuple))}
    if len(lengths) > 1:
        raise ValueError(
            f"the lists passed have different lengths {sorted(lengths)}; pass lists of one "
            "length (one problem per position) or one tensor to share"
        )
    (m,) = lengths
    if m == 0:
        raise ValueError("an empty list of tensors was passed; pass at least one")
    for name, v in arguments.items():
        for i, member in enumerate(v if isinstance(v, (list, tuple)) else ()):
            if not isinstance(member, torch.Tensor):
                raise TypeError(
                    f"{name}[{i}] is a {type(member).__name__}, not a torch.Tensor: a list "
                    "passed to fastit.torch is a batch, one tensor per problem. For one "
                    f"variable held in a Python list pass torch.tensor({name})"
                )
            check_dense(member, f"{name}[{i}]")
    groups: dict[tuple[Any, ...], list[int]] = {}
    for i in range(m):
        key = tuple(
            tuple(v[i].shape[1:]) if isinstance(v, (list, tuple)) else None
            for v in arguments.values()
        )
        groups.setdefault(key, []).append(i)
    results: list[torch.Tensor | None] = [None] * m
    for members in groups.values():
        batch = {}
        for name, v in arguments.items():
            if isinstance(v, (list, tuple)):
                for i in members:
                    if v[i].ndim not in (1, 2):
                        raise ValueError(
                            f"{name}[{i}] has shape {tuple(v[i].shape)}; list members are "
                            "(n,) or (n, d)"
                        )
                    if v[i].shape[0] != v[members[0]].shape[0]:
                        raise ValueError(
                            f"{name}[{i}] has {v[i].shape[0]} samples but "
                            f"{name}[{members[0]}] has {v[members[0]].shape[0]}; every "
                            "member holds the same samples, one per row"
                        )
                batch[name] = torch.stack([v[i] for i in members])
                if batch[name].ndim == 2:
                    batch[name] = batch[name].unsqueeze(2)
            else:
                batch[name] = v
        values = function(**batch, **options)
        for j, i in enumerate(members):
            results[i] = values[j]
    return torch.stack([r for r in results if r is not None])


def _has_list(*values: Any) -> bool:
    return any(isinstance(v, (list, tuple)) for v in values)


def _label_codes(labels: torch.Tensor) -> torch.Tensor:
    """(B, n) int64 codes of the rows of (B, n, d) labels, equal where rows are equal."""
    b, n, d = labels.shape
    rows = torch.cat(
        [
            torch.arange(b, device=labels.device, dtype=labels.dtype).repeat_interleave(n)[:, None],
            labels.reshape(b * n, d),
        ],
        dim=1,
    )
    inverse: torch.Tensor = torch.unique(rows, dim=0, return_inverse=True)[1]
    return inverse.reshape(b, n)


def _ksg(
    vx: torch.Tensor, vy: torch.Tensor, k: int, algorithm: int, tile: int | None
) -> torch.Tensor:
    """Per-sample KSG values (B, n) in nats, Kraskov et al. algorithm 1 or 2."""
    n = vx.shape[1]
    joint = torch.cat([vx, vy], dim=2)
    if algorithm == 1:
        # Marginal counts strictly inside the joint k-th neighbour distance; psi(count + 1).
        eps, _ = kth_distance(joint, k, tile)
        nx = count_within(vx, eps, True, tile)
        ny = count_within(vy, eps, True, tile)
        base = _psi_of(k, vx) + _psi_of(n, vx)
        return base - _psi(nx + 1) - _psi(ny + 1)
    # Per-marginal radii over the k joint neighbours, counts on the radius included; psi(count).
    _, nbrs = kth_distance(joint, k, tile, neighbours=True)
    assert nbrs is not None
    rows = torch.arange(vx.shape[0], device=vx.device)[:, None, None]
    ex = (vx[rows, nbrs] - vx[:, :, None, :]).abs().amax(dim=(2, 3))
    ey = (vy[rows, nbrs] - vy[:, :, None, :]).abs().amax(dim=(2, 3))
    nx = count_within(vx, ex, False, tile)
    ny = count_within(vy, ey, False, tile)
    base = _psi_of(k, vx) + _psi_of(n, vx) - 1.0 / k
    return base - _psi(nx) - _psi(ny)


def _gao_mixed(vx: torch.Tensor, vy: torch.Tensor, k: int, tile: int | None) -> torch.Tensor:
    """Per-sample values (B, n) of Gao et al.'s mixed estimator, the core's counts exactly.

    rho is the joint k-th neighbour distance. Where it is 0 the sample sits on an atom: k
    becomes its number of exact joint copies and the marginal counts count exact copies
    (strictly inside the smallest positive double, which is "at distance 0").
    """
    n = vx.shape[1]
    joint = torch.cat([vx, vy], dim=2)
    rho, _ = kth_distance(joint, k, tile)
    atom = rho == 0
    psi_k = _psi_of(k, vx).expand(rho.shape)
    if bool(atom.any()):
        copies = count_within(joint, torch.zeros_like(rho), False, tile)
        psi_k = torch.where(atom, _psi(copies + 1), psi_k)
    radius = torch.where(atom, torch.full_like(rho, math.ulp(0.0)), rho)
    nx = count_within(vx, radius, True, tile)
    ny = count_within(vy, radius, True, tile)
    return psi_k + math.log(n) - _psi(nx + 1) - _psi(ny + 1)


def _ross(
    vx: torch.Tensor, codes: torch.Tensor, k: int, tile: int | None, label_name: str
) -> torch.Tensor:
    """Per-sample values (B, n) of Ross's estimator (NaN for labels that occur once)."""
    m = torch.bincount(codes.reshape(-1))[codes]  # (B, n): samples sharing each one's label
    kept = m > 1
    if not bool(kept.any(dim=1).all()):
        raise ValueError(
            f"every label of {label_name} occurs once, so MI with it is not estimable; "
            "pass labels that repeat"
        )
    ranks = torch.clamp(m - 1, max=k)
    radius, _ = kth_distance(vx, k, tile, labels=codes, ranks=ranks)
    # Counts run over the kept samples only: the others move to infinity.
    far = vx.masked_fill(~kept[..., None], torch.inf)
    mi = count_within(far, radius.masked_fill(~kept, 0), False, tile)
    n_kept = kept.sum(dim=1, keepdim=True)
    local = _psi(n_kept) + _psi(ranks) - _psi(m) - _psi(mi)
    return local.masked_fill(~kept, torch.nan)


def mutual_info(
    x: Any,
    y: Any,
    *,
    k: int = 3,
    method: str = "ksg1",
    base: float | None = None,
    bins: Any = "fd",
    correction: str | None = "miller-madow",
    x_discrete: bool = False,
    y_discrete: bool = False,
    n_outcomes: Any = None,
    standardize: bool = True,
    local: bool = False,
    random_state: Any = None,
    tile_size: int | None = None,
) -> torch.Tensor:
    r"""Mutual information I(X; Y) of tensors: k-nearest neighbours, histogram or labels.

    The tensor twin of :func:`fastit.mutual_info`: the same estimators, options and
    numbers (see the module notes on exactness and the float32 path).

    Parameters
    ----------
    x, y : Tensor of shape (n,), (n, d) or (B, n, d), or a list of (n,) / (n, d) tensors
        Paired samples, one per row. A batch or list gives one estimate per member; a plain
        tensor on the other side pairs with every member. Integer and boolean tensors are
        widened to float64, half precision to float32.
    k : int, default 3
        Neighbours (k-NN methods).
    method : {"ksg1", "ksg2", "mixed", "binned"}, default "ksg1"
        Kraskov et al. algorithm 1 (marginal counts strictly inside the joint k-th
        neighbour distance) or 2 (per-marginal radii, counts on the radius included);
        Gao et al. (2017) for variables that mix continuous values and atoms (never
        jittered, and always computed in float64, whatever the input: its atoms are exact
        ties); or the histogram estimator H(X) + H(Y) - H(X, Y).
    base : float, optional
        None for nats, 2 for bits.
    bins, correction
        For ``method="binned"`` and discrete variables, as in :func:`fastit.mutual_info`.
    x_discrete, y_discrete : bool, default False
        Labels (rows of a multi-column variable are joint symbols). One discrete variable
        with a k-NN method gives Ross's estimator; both give the MI of the contingency
        table with ``correction``.
    n_outcomes : (int or None, int or None), optional
        For ``correction="nsb"``: the numbers of possible labels of discrete x and y
        (None: the labels observed), as in :func:`fastit.mutual_info`.
    standardize : bool, default True
        Scale each continuous column to unit variance first (k-NN methods).
    local : bool, default False
        Per-sample values (k-NN methods): shape (n,) or (B, n).
    random_state : None, int or numpy.random.Generator
        Seed of the tie-breaking jitter, as in :func:`fastit.mutual_info`.
    tile_size : int, optional
        Most distances held at once per tile (memory about 9 bytes each in float64);
        None picks 2**18 on CPUs and 2**26 on GPUs.

    Returns
    -------
    Tensor
        float64, on the input device: shape () for one problem, (B,) for a batch or list,
        or the per-sample values with ``local``.

    References
    ----------
    Kraskov, Stoegbauer, Grassberger, "Estimating mutual information", PRE 69, 066138 (2004).
    Ross, "Mutual information between discrete and continuous data sets", PLoS ONE (2014).
    Gao, Kannan, Oh, Viswanath, "Estimating mutual information for discrete-continuous
    mixtures", NeurIPS (2017).

    Examples
    --------
    >>> import torch, fastit.torch
    >>> g = torch.Generator().manual_seed(0)
    >>> x = torch.randn(2000, generator=g, dtype=torch.float64)
    >>> y = 0.6 * x + 0.8 * torch.randn(2000, generator=g, dtype=torch.float64)
    >>> round(float(fastit.torch.mutual_info(x, y)), 1)  # truth: -0.5 ln(1 - 0.36) = 0.223
    0.2
    """
    options = {
        "k": k,
        "method": method,
        "base": base,
        "bins": bins,
        "correction": correction,
        "x_discrete": x_discrete,
        "y_discrete": y_discrete,
        "n_outcomes": n_outcomes,
        "standardize": standardize,
        "local": local,
        "random_state": random_state,
        "tile_size": tile_size,
    }
    if _has_list(x, y):
        return _listwise(mutual_info, {"x": x, "y": y}, **options)
    method = check_choice(method, "method", _MI_METHODS)
    correction = check_correction(correction)
    x_discrete = check_flag(x_discrete, "x_discrete")
    y_discrete = check_flag(y_discrete, "y_discrete")
    standardize = check_flag(standardize, "standardize")
    local = check_flag(local, "local")
    divisor = log_base(base)
    seed = seed_of(random_state)
    tile = check_tile(tile_size)
    xt, x_batched = as_batch(x, "x")
    yt, y_batched = as_batch(y, "y")
    xt, yt = pair(xt, "x", yt, "y")
    batched = x_batched or y_batched
    for t, name, discrete in ((xt, "x", x_discrete), (yt, "y", y_discrete)):
        if discrete:
            check_labels(t, name)
        else:
            check_finite(t, name)

    if method == "binned" or (x_discrete and y_discrete):
        if local:
            raise ValueError(
                "local values are not available for method='binned' or two discrete "
                "variables; pass local=False"
            )
        value = _histogram.binned_mutual_info(
            xt,
            yt,
            bins=bins,
            correction=correction,
            x_discrete=x_discrete,
            y_discrete=y_discrete,
            n_outcomes=n_outcomes,
        )
        value = value / divisor
        return value if batched else value[0]

    if n_outcomes is not None:
        raise ValueError(
            "n_outcomes gives NSB the alphabets of discrete variables: pass it with "
            "correction='nsb' and discrete or binned variables, or leave it out"
        )
    k = check_k(k, xt.shape[1])
    if method == "mixed":
        if x_discrete or y_discrete:
            raise ValueError(
                "method='mixed' does not take x_discrete/y_discrete: leave them False, or "
                "use method='ksg1' for the Ross estimator"
            )
        vx = unjittered(xt, standardize=standardize)
        vy = unjittered(yt, standardize=standardize)
        return _finish(_gao_mixed(vx, vy, k, tile), local, batched, divisor)
    if x_discrete or y_discrete:
        cont, labels = (yt, xt) if x_discrete else (xt, yt)
        name = "y" if x_discrete else "x"
        v, ties, _ = prepared(cont, standardize=standardize, seed=seed)
        warn_ties([(name, v.shape[2], ties)], v.shape[1], ross_remedy(name))
        values = _ross(v, _label_codes(labels), k, tile, "x" if x_discrete else "y")
        return _finish(values, local, batched, divisor)

    vx, vy, ties_x, ties_y = prepared_pair(xt, yt, standardize=standardize, seed=seed)
    warn_ties([("x", vx.shape[2], ties_x), ("y", vy.shape[2], ties_y)], vx.shape[1], MI_REMEDY)
    vx, vy = _common(vx, vy)
    values = _ksg(vx, vy, k, 1 if method == "ksg1" else 2, tile)
    return _finish(values, local, batched, divisor)


def conditional_mutual_info(
    x: Any,
    y: Any,
    z: Any,
    *,
    k: int = 3,
    base: float | None = None,
    standardize: bool = True,
    local: bool = False,
    random_state: Any = None,
    tile_size: int | None = None,
) -> torch.Tensor:
    r"""Conditional mutual information I(X; Y | Z) of tensors, by Frenzel and Pompe.

    .. math::
        \hat I(X;Y|Z) = \psi(k) - \langle \psi(n_{xz}+1) + \psi(n_{yz}+1) - \psi(n_z+1) \rangle

    counts strictly inside the max-norm distance to the k-th neighbour in (x, y, z).

    Parameters
    ----------
    x, y, z : Tensor of shape (n,), (n, d) or (B, n, d), or lists of tensors
    k, base, standardize, local, random_state, tile_size
        As in :func:`mutual_info`.

    Returns
    -------
    Tensor
        float64: shape (), (B,), or the per-sample values with ``local``.

    References
    ----------
    Frenzel, Pompe, "Partial mutual information for coupling analysis of multivariate time
    series", PRL 99, 204101 (2007).

    Examples
    --------
    x and y share only their common cause z; x + y depends on x beyond z:

    >>> import torch, fastit.torch
    >>> g = torch.Generator().manual_seed(0)
    >>> z = torch.randn(500, generator=g, dtype=torch.float64)
    >>> x = z + 0.5 * torch.randn(500, generator=g, dtype=torch.float64)
    >>> y = z + 0.5 * torch.randn(500, generator=g, dtype=torch.float64)
    >>> round(float(fastit.torch.conditional_mutual_info(x, y, z)), 2)  # truth: 0
    -0.03
    >>> # a list is a batch, z shared; truths 0 and 0.5 ln 2 = 0.347
    >>> fastit.torch.conditional_mutual_info([x, x], [y, x + y], z).round(decimals=2)
    tensor([-0.0300,  0.3800], dtype=torch.float64)
    """
    options = {
        "k": k,
        "base": base,
        "standardize": standardize,
        "local": local,
        "random_state": random_state,
        "tile_size": tile_size,
    }
    if _has_list(x, y, z):
        return _listwise(conditional_mutual_info, {"x": x, "y": y, "z": z}, **options)
    standardize = check_flag(standardize, "standardize")
    local = check_flag(local, "local")
    divisor = log_base(base)
    seed = seed_of(random_state)
    tile = check_tile(tile_size)
    (xt, bx), (yt, by), (zt, bz) = as_batch(x, "x"), as_batch(y, "y"), as_batch(z, "z")
    xt, yt = pair(xt, "x", yt, "y")
    xt, zt = pair(xt, "x", zt, "z")
    yt, _ = pair(yt, "y", zt, "z")
    for t, name in ((xt, "x"), (yt, "y"), (zt, "z")):
        check_finite(t, name)
    k = check_k(k, xt.shape[1])
    vx, vy, ties_x, ties_y = prepared_pair(xt, yt, standardize=standardize, seed=seed)
    vz, ties_z = prepared_z(zt, standardize=standardize, seed=seed)
    reports = [("x", vx.shape[2], ties_x), ("y", vy.shape[2], ties_y), ("z", vz.shape[2], ties_z)]
    warn_ties(reports, vx.shape[1], CMI_REMEDY)
    vx, vy, vz = _common(vx, vy, vz)
    eps, _ = kth_distance(torch.cat([vx, vy, vz], dim=2), k, tile)
    nxz = count_within(torch.cat([vx, vz], dim=2), eps, True, tile)
    nyz = count_within(torch.cat([vy, vz], dim=2), eps, True, tile)
    nz = count_within(vz, eps, True, tile)
    values = _psi_of(k, vx) - _psi(nxz + 1) - _psi(nyz + 1) + _psi(nz + 1)
    return _finish(values, local, bx or by or bz, divisor)


def differential_entropy(
    x: Any,
    *,
    k: int = 3,
    method: str = "kl",
    base: float | None = None,
    bins: Any = "fd",
    correction: str | None = "miller-madow",
    local: bool = False,
    random_state: Any = None,
    tile_size: int | None = None,
) -> torch.Tensor:
    r"""Differential entropy h(X) of a tensor: Kozachenko-Leonenko k-NN, or a histogram.

    .. math::
        \hat h(X) = \psi(n) - \psi(k) + d \, \langle \ln (2 \varepsilon_i) \rangle

    with max-norm k-th neighbour distances, the data in their own units. A constant
    column gives -inf (no density).

    Parameters
    ----------
    x : Tensor of shape (n,), (n, d) or (B, n, d), or a list of tensors
    method : {"kl", "histogram"}, default "kl"
    k, base, bins, correction, local, random_state, tile_size
        As in :func:`mutual_info`.

    Returns
    -------
    Tensor
        float64: shape (), (B,), or the per-sample values with ``local``.

    References
    ----------
    Kozachenko, Leonenko, "Sample estimate of the entropy of a random vector",
    Probl. Inf. Transm. 23, 95-101 (1987).

    Examples
    --------
    >>> import torch, fastit, fastit.torch
    >>> g = torch.Generator().manual_seed(0)
    >>> x = 2 * torch.rand(2000, generator=g, dtype=torch.float64)
    >>> h = fastit.torch.differential_entropy(x)
    >>> round(float(h), 2)  # truth: ln 2 = 0.693
    0.7
    >>> abs(float(h) - fastit.differential_entropy(x.numpy())) < 1e-12  # the NumPy estimate
    True
    """
    options = {
        "k": k,
        "method": method,
        "base": base,
        "bins": bins,
        "correction": correction,
        "local": local,
        "random_state": random_state,
        "tile_size": tile_size,
    }
    if _has_list(x):
        return _listwise(differential_entropy, {"x": x}, **options)
    method = check_choice(method, "method", _ENTROPY_METHODS)
    correction = check_correction(correction)
    local = check_flag(local, "local")
    divisor = log_base(base)
    seed = seed_of(random_state)
    tile = check_tile(tile_size)
    xt, batched = as_batch(x, "x")
    check_finite(xt, "x")
    # A constant column puts the mass on a lower-dimensional set: -inf with every method,
    # not a number made up from the tie-breaking jitter or a bin width.
    constant = (xt.amax(dim=1) == xt.amin(dim=1)).any(dim=1)
    if method == "histogram":
        if local:
            raise ValueError("local values are not available for method='histogram'")
        value = _histogram.histogram_entropy(xt, bins=bins, correction=correction) / divisor
        value = value.masked_fill(constant, -torch.inf)
        return value if batched else value[0]
    b, n, d = xt.shape
    k = check_k(k, n)
    v, ties, scale = prepared(xt, standardize=False, seed=seed, shrink_huge=True)
    ties.reshape(2, b, d)[:, constant.cpu().numpy()] = -1  # -inf below, not a warning
    warn_ties([("x", d, ties)], n, ENTROPY_REMEDY)
    eps, _ = kth_distance(v, k, tile)
    # ln(2 eps), or ln 2 + ln eps where 2 eps overflows: the core's arithmetic.
    eps = eps.to(torch.float64)
    huge = eps > _HALF_MAX
    log_2eps = torch.where(
        huge, math.log(2) + torch.log(eps), torch.log(2 * eps.clamp(max=_HALF_MAX))
    )
    values = _psi_of(n, v) - _psi_of(k, v) + d * log_2eps
    # Columns spanning nearly the float64 range were scaled down (exactly) by the core's
    # rule; h(a X) = h(X) + ln |a| per column.
    unscale = torch.from_numpy(-np.log(scale).sum(axis=1)).to(values.device)
    values = values + unscale[:, None]
    values = values.masked_fill(constant[:, None], -torch.inf)
    return _finish(values, local, batched, divisor)


def binned_entropy(
    x: Any, *, bins: Any = "fd", correction: str | None = "miller-madow", base: float | None = None
) -> torch.Tensor:
    """Shannon entropy of binned samples: the entropy of the histogram's cells.

    Each column is binned as in :func:`mutual_info` with ``method="binned"`` (equal-width
    bins over the column's observed range for an int), a row's bins make one cell. Unlike
    :func:`differential_entropy` with ``method="histogram"`` there is no bin-width term:
    this is the entropy of the discretised variable, H(T) of the information plane.

    Parameters
    ----------
    x : Tensor of shape (n,), (n, d) or (B, n, d), or a list of tensors
    bins, correction, base
        As in :func:`mutual_info`.

    Returns
    -------
    Tensor
        float64: shape () or (B,).

    Examples
    --------
    >>> import torch, fastit.torch
    >>> x = torch.arange(8.0)
    >>> round(float(fastit.torch.binned_entropy(x, bins=4, correction=None, base=2)), 6)
    2.0
    """
    if _has_list(x):
        return _listwise(binned_entropy, {"x": x}, bins=bins, correction=correction, base=base)
    correction = check_correction(correction)
    divisor = log_base(base)
    xt, batched = as_batch(x, "x")
    check_finite(xt, "x")
    value = _histogram.binned_entropy(xt, bins=bins, correction=correction) / divisor
    return value if batched else value[0]


def discrete_entropy(
    x: Any, *, correction: str | None = "miller-madow", base: float | None = None
) -> torch.Tensor:
    """Entropy of labels: each distinct value (row, for (n, d)) is a symbol.

    Parameters
    ----------
    x : Tensor of shape (n,), (n, d) or (B, n, d), or a list of tensors
        Labels of any real dtype.
    correction : {"miller-madow", None, "grassberger", "jackknife", "chao-shen", "nsb"}
        As in :func:`fastit.discrete_entropy`.
    base : float, optional

    Returns
    -------
    Tensor
        float64: shape () or (B,).

    References
    ----------
    The corrections: Miller (1955), Grassberger (2003), Chao and Shen (2003), Nemenman,
    Shafee and Bialek (2002); see :func:`fastit.discrete_entropy`.

    Examples
    --------
    >>> import torch, fastit.torch
    >>> labels = torch.tensor([0, 0, 1, 1])
    >>> round(float(fastit.torch.discrete_entropy(labels, correction=None, base=2)), 4)
    1.0
    >>> pairs = torch.tensor([[0, 0], [0, 1], [1, 0], [1, 1]])  # rows are symbols
    >>> round(float(fastit.torch.discrete_entropy(pairs, correction=None, base=2)), 4)
    2.0
    """
    if _has_list(x):
        return _listwise(discrete_entropy, {"x": x}, correction=correction, base=base)
    correction = check_correction(correction)
    divisor = log_base(base)
    xt, batched = as_batch(x, "x")
    check_labels(xt, "x")
    value = _histogram.discrete_entropy(xt, correction=correction) / divisor
    return value if batched else value[0]


def knn_distances(points: Any, k: int, *, tile_size: int | None = None) -> torch.Tensor:
    """Max-norm distance from every point to its k-th nearest other point.

    The tensor twin of :func:`fastit.neighbors.knn_distances`: the points as given (no
    scaling, no jitter), the point itself excluded by identity (a duplicate is another
    point at distance 0), exact.

    Parameters
    ----------
    points : Tensor of shape (n,), (n, d) or (B, n, d)
    k : int, 1 <= k < n
    tile_size : int, optional

    Returns
    -------
    Tensor of shape (n,) or (B, n), in the points' dtype

    Examples
    --------
    >>> import torch, fastit.torch
    >>> points = torch.tensor([0.0, 1.0, 3.0, 6.0], dtype=torch.float64)
    >>> fastit.torch.knn_distances(points, 1)
    tensor([1., 1., 2., 3.], dtype=torch.float64)
    >>> fastit.torch.knn_distances(points, 2)
    tensor([3., 2., 3., 5.], dtype=torch.float64)
    """
    pts, batched = as_batch(points, "points")
    check_finite(pts, "points")
    k = check_k(k, pts.shape[1])
    dist, _ = kth_distance(pts, k, check_tile(tile_size))
    return dist if batched else dist[0]


def count_neighbors(
    points: Any, radii: Any, *, strict: bool = True, tile_size: int | None = None
) -> torch.Tensor:
    """For every point i, the number of other points within max-norm distance radii[i].

    The tensor twin of :func:`fastit.neighbors.count_neighbors`: ``<`` (or ``<=`` with
    ``strict=False``) on the rounded differences, exactly as NumPy would compare them.

    Parameters
    ----------
    points : Tensor of shape (n,), (n, d) or (B, n, d)
    radii : Tensor of shape (n,) or (B, n)
        Non-negative radius per point, in the points' dtype.
    strict : bool, default True
    tile_size : int, optional

    Returns
    -------
    Tensor of int64, shape (n,) or (B, n)

    Examples
    --------
    >>> import torch, fastit.torch
    >>> points = torch.tensor([0.0, 1.0, 3.0, 6.0], dtype=torch.float64)
    >>> radii = torch.ones(4, dtype=torch.float64)
    >>> fastit.torch.count_neighbors(points, radii)  # strictly inside: none
    tensor([0, 0, 0, 0])
    >>> fastit.torch.count_neighbors(points, radii, strict=False)  # on the radius counts
    tensor([1, 1, 0, 0])
    """
    strict = check_flag(strict, "strict")
    pts, batched = as_batch(points, "points")
    check_finite(pts, "points")
    if not isinstance(radii, torch.Tensor):
        raise TypeError(f"radii must be a torch.Tensor, got {type(radii).__name__}")
    check_dense(radii, "radii")
    b, n, _ = pts.shape
    r = radii.detach().to(device=pts.device, dtype=pts.dtype)
    if r.ndim == 1:
        r = r.expand(b, -1)
    if tuple(r.shape) != (b, n):
        raise ValueError(
            f"radii has shape {tuple(radii.shape)}; pass one radius per point, shape ({n},)"
            + (f" or ({b}, {n})" if batched else "")
        )
    if not bool(torch.isfinite(r).all()) or bool((r < 0).any()):
        raise ValueError("radii must be finite and non-negative")
    counts = count_within(pts, r, strict, check_tile(tile_size))
    return counts if batched else counts[0]
