"""Permutation tests of independence on the device.

:func:`mutual_info_test` is the tensor twin of :func:`fastit.stats.mutual_info_test`: the
same permutations for the same ``random_state`` (drawn on the host, 64 at a time), each
chunk estimated as one batch on the device. For KSG the data are standardised and their
ties jittered once, and each permutation reorders those values (the jitter moves with its
value, as in the compiled core's null), so the null equals the NumPy function's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch

from .._validation import check_count, check_flag, log_base, seed_of
from .._warnings import DiscreteDataWarning, quiet
from ..stats import PermutationTestResult, _pvalue, permutations, resolve_test_k
from ._tensors import as_batch, check_tile, pair, prepared_pair
from .functional import _common, _ksg, mutual_info

__all__ = ["PermutationTestResult", "mutual_info_test"]


def mutual_info_test(
    x: torch.Tensor,
    y: torch.Tensor,
    *,
    method: str = "ksg1",
    k: int | str = "auto",
    n_permutations: int = 1000,
    base: float | None = None,
    bins: Any = "fd",
    correction: str | None = "miller-madow",
    x_discrete: bool = False,
    y_discrete: bool = False,
    standardize: bool = True,
    random_state: Any = None,
    tile_size: int | None = None,
) -> PermutationTestResult:
    """Permutation test of independence with mutual information as the statistic.

    The statistic is :func:`fastit.torch.mutual_info` on (x, y); the null is the same
    estimate with the rows of x permuted, every permutation of a chunk in one batched call
    on the device.

    Parameters
    ----------
    x, y : Tensor of shape (n,) or (n, d)
        One pair of variables on one device.
    method, base, bins, correction, x_discrete, y_discrete, standardize, tile_size
        As in :func:`fastit.torch.mutual_info`.
    k : int or "auto", default "auto"
        Neighbours of the k-NN methods; ``"auto"`` is :func:`fastit.stats.auto_k` of n, as
        in :func:`fastit.stats.mutual_info_test` (larger than the estimator's default 3,
        for power; the statistic is the estimate at that k).
    n_permutations : int, default 1000
        m; the smallest attainable p-value is 1 / (m + 1).
    random_state : None, int or numpy.random.Generator
        Seeds the permutations and the tie-breaking, exactly as
        :func:`fastit.stats.mutual_info_test` does.

    Returns
    -------
    fastit.stats.PermutationTestResult
        statistic (float), pvalue = (b + 1) / (m + 1) with b the null values at least the
        statistic, null_distribution (NumPy array of the m permuted estimates).

    Examples
    --------
    >>> import torch, fastit.torch
    >>> g = torch.Generator().manual_seed(0)
    >>> x = torch.randn(300, generator=g, dtype=torch.float64)
    >>> y = x + torch.randn(300, generator=g, dtype=torch.float64)
    >>> fastit.torch.mutual_info_test(x, y, n_permutations=49).pvalue  # 1 / (49 + 1)
    0.02
    """
    m = check_count(n_permutations, "n_permutations", 1)
    seed = seed_of(random_state)
    options: dict[str, Any] = {
        "method": method,
        "k": k,
        "base": base,
        "bins": bins,
        "correction": correction,
        "x_discrete": x_discrete,
        "y_discrete": y_discrete,
        "standardize": standardize,
        "random_state": seed,
        "tile_size": tile_size,
    }
    xt, x_batched = as_batch(x, "x")
    yt, y_batched = as_batch(y, "y")
    if x_batched or y_batched:
        raise ValueError(
            "mutual_info_test takes one pair (n,) or (n, d); test the members of a batch "
            "one at a time"
        )
    xt, yt = pair(xt, "x", yt, "y")
    n = xt.shape[1]
    k = options["k"] = resolve_test_k(k, n)
    statistic = float(mutual_info(xt[0], yt[0], **options))
    rng = np.random.default_rng(seed)
    continuous = not (check_flag(x_discrete, "x_discrete") or check_flag(y_discrete, "y_discrete"))
    divisor = log_base(base)
    null = []
    if continuous and method in ("ksg1", "ksg2"):
        # The statistic's call has checked the data and options.
        px, py, _, _ = prepared_pair(xt, yt, standardize=standardize, seed=seed)
        vx, vy = _common(px[0], py)
        algorithm = 1 if method == "ksg1" else 2
        tile = check_tile(tile_size)
        for chunk in permutations(rng, n, m):
            perms = torch.from_numpy(chunk).to(xt.device)
            local = _ksg(vx[perms], vy.expand(len(chunk), -1, -1), int(k), algorithm, tile)
            null.append(local.mean(dim=1))
    else:
        with quiet(DiscreteDataWarning):  # the statistic's call has reported on the data
            for chunk in permutations(rng, n, m):
                perms = torch.from_numpy(chunk).to(xt.device)
                null.append(mutual_info(xt[0][perms], yt[0], **{**options, "base": None}))
    values = (torch.cat(null) / divisor).cpu().numpy()
    return PermutationTestResult(statistic, _pvalue(statistic, values), values)
