"""Type stubs for the compiled core (csrc/bindings.cpp). Estimates are in nats."""

from typing import Literal, overload

import numpy as np
import numpy.typing as npt

_F64 = npt.NDArray[np.float64]
_I64 = npt.NDArray[np.int64]
# (2, total columns): samples that share their value, distinct values (-1: not searched).
_TieReport = _I64

def _set_large_input_threshold(n: int) -> int: ...
def column_stats(data: _F64, n_jobs: int = 1) -> _F64: ...
def tie_jitter(
    data: _F64, params: _F64, seed: int, n_jobs: int = 1
) -> tuple[_F64, npt.NDArray[np.bool_], _TieReport]: ...
def knn_distances(points: _F64, k: int, n_jobs: int = 1) -> _F64: ...
def count_neighbors(
    points: _F64, radii: _F64, strict: bool, n_jobs: int = 1
) -> npt.NDArray[np.int64]: ...
def ksg_permutation_null(
    x: _F64,
    x_params: _F64,
    y: _F64,
    y_params: _F64,
    k: int,
    algorithm: int,
    perms: npt.NDArray[np.int64],
    seed: int,
    n_jobs: int,
) -> _F64: ...
def ksg_counts_columns(
    columns: _F64, y: _F64, k: int, n_jobs: int = 1
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]: ...
@overload
def ksg(
    x: _F64,
    x_params: _F64,
    y: _F64,
    y_params: _F64,
    k: int,
    algorithm: int,
    seed: int,
    n_jobs: int,
    local: bool,
    ties: Literal[False] = ...,
) -> float | _F64: ...
@overload
def ksg(
    x: _F64,
    x_params: _F64,
    y: _F64,
    y_params: _F64,
    k: int,
    algorithm: int,
    seed: int,
    n_jobs: int,
    local: bool,
    ties: Literal[True],
) -> tuple[float | _F64, _TieReport]: ...
@overload
def frenzel_pompe(
    x: _F64,
    x_params: _F64,
    y: _F64,
    y_params: _F64,
    z: _F64,
    z_params: _F64,
    k: int,
    seed: int,
    n_jobs: int,
    local: bool,
    ties: Literal[False] = ...,
) -> float | _F64: ...
@overload
def frenzel_pompe(
    x: _F64,
    x_params: _F64,
    y: _F64,
    y_params: _F64,
    z: _F64,
    z_params: _F64,
    k: int,
    seed: int,
    n_jobs: int,
    local: bool,
    ties: Literal[True],
) -> tuple[float | _F64, _TieReport]: ...
@overload
def kozachenko_leonenko(
    x: _F64,
    x_params: _F64,
    k: int,
    seed: int,
    n_jobs: int,
    local: bool,
    ties: Literal[False] = ...,
) -> float | _F64: ...
@overload
def kozachenko_leonenko(
    x: _F64, x_params: _F64, k: int, seed: int, n_jobs: int, local: bool, ties: Literal[True]
) -> tuple[float | _F64, _TieReport]: ...
@overload
def ross(
    x: _F64,
    x_params: _F64,
    labels: npt.NDArray[np.int64],
    k: int,
    seed: int,
    n_jobs: int,
    local: bool,
    ties: Literal[False] = ...,
) -> float | _F64: ...
@overload
def ross(
    x: _F64,
    x_params: _F64,
    labels: npt.NDArray[np.int64],
    k: int,
    seed: int,
    n_jobs: int,
    local: bool,
    ties: Literal[True],
) -> tuple[float | _F64, _TieReport]: ...
def gao_mixed(
    x: _F64, x_params: _F64, y: _F64, y_params: _F64, k: int, n_jobs: int, local: bool
) -> float | _F64: ...
