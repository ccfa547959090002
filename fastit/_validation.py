"""Input checks shared by every public function.

Each check raises ``TypeError`` (wrong kind of object) or ``ValueError`` (right kind,
unusable value) with a message that names the argument and says what to pass instead.
Nothing is dropped, clipped or converted silently except numeric dtypes, which are
widened to float64 (never truncated). The caller's arrays are never modified.
"""

from __future__ import annotations

import math
import numbers
import os
from typing import Any

import numpy as np
import numpy.typing as npt

from ._entropy_estimators import CORRECTIONS

FloatArray = npt.NDArray[np.float64]

# More threads than any machine has cores; the compiled core takes a C int.
MAX_THREADS = 1 << 16
# Values checked for NaN and inf at a time.
_FINITE_CHUNK = 1 << 16
# Integers up to this magnitude are exactly float64 values.
_EXACT_INTEGERS = 2**53


def _to_numpy(a: Any, name: str) -> np.ndarray[Any, Any]:
    if hasattr(a, "detach") and hasattr(a, "cpu"):  # a torch tensor
        a = a.detach().cpu().numpy()
    if isinstance(a, np.ma.MaskedArray):
        if np.ma.getmaskarray(a).any():
            raise ValueError(f"{name} has masked entries; fill or remove them first")
        a = a.data
    try:
        return np.asarray(a)
    except ValueError as err:  # ragged nested sequences
        raise ValueError(
            f"{name} cannot be read as an array ({err}); pass a rectangular array"
        ) from err


def as_samples(a: Any, name: str, *, check_finite: bool = True) -> FloatArray:
    """Samples as a C-contiguous float64 array of shape (n, d); (n,) becomes (n, 1).

    ``check_finite=False`` leaves the NaN/inf check to a caller that makes its own pass
    over the data anyway (it must then raise :func:`not_finite`'s error itself).
    """
    if a is None:
        raise TypeError(f"{name} is None; pass an array of samples of shape (n,) or (n, d)")
    arr = _to_numpy(a, name)
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} has dtype {arr.dtype}; pass numbers (bool, int or float). "
            "For labels use the discrete options (x_discrete=True / y_discrete=True)."
        )
    if arr.ndim == 1:
        arr = arr.reshape(-1, 1)
    elif arr.ndim != 2:
        raise ValueError(
            f"{name} has shape {arr.shape}; pass samples of shape (n,) or (n, d) "
            "with samples along the first axis"
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); pass at least 2 samples")
    if arr.dtype.kind in "iu" and arr.size and arr.dtype.itemsize > 4:
        _check_exact_integers(arr, name)
    out = np.ascontiguousarray(arr, dtype=np.float64)
    if check_finite and not all_finite(out):
        raise not_finite(out, name)
    return out


def all_finite(a: FloatArray) -> bool:
    """Whether every value is finite, in chunks: ``np.isfinite(a).all()`` holds an n-byte
    mask, which the allocator then keeps beside the estimators' own memory."""
    flat = a.reshape(-1)
    for start in range(0, flat.size, _FINITE_CHUNK):
        if not np.isfinite(flat[start : start + _FINITE_CHUNK]).all():
            return False
    return True


def _check_exact_integers(arr: np.ndarray[Any, Any], name: str) -> None:
    """64-bit integers that float64 would round (beyond 2**53) could merge distinct values
    into ties: refuse them."""
    if -_EXACT_INTEGERS <= int(arr.min()) and int(arr.max()) <= _EXACT_INTEGERS:
        return
    with np.errstate(invalid="ignore", over="ignore"):
        exact = np.array_equal(arr.astype(np.float64).astype(arr.dtype), arr)
    if not exact:
        raise ValueError(
            f"{name} holds integers beyond 2**53 that float64 rounds (distinct values "
            "could become ties); pass them as labels (x_discrete=True / y_discrete=True), "
            "or convert to float yourself if the rounding is acceptable"
        )


def not_finite(a: FloatArray, name: str) -> ValueError:
    """The error for samples that contain NaN or inf."""
    bad = "NaN" if np.isnan(a).any() else "infinite values"
    return ValueError(f"{name} contains {bad}; remove or impute them first")


def as_radii(radii: Any, n: int) -> FloatArray:
    """One non-negative radius per point, as float64; +inf (count everything) is allowed."""
    if radii is None:
        raise TypeError("radii is None; pass one non-negative radius per point")
    r = _to_numpy(radii, "radii")
    if r.dtype.kind not in "biuf":
        raise TypeError(f"radii has dtype {r.dtype}; pass numbers")
    if r.shape != (n,):
        raise ValueError(f"radii has shape {r.shape}; radii must have shape ({n},), one per point")
    r = np.ascontiguousarray(r, dtype=np.float64)
    if np.isnan(r).any():
        raise ValueError("radii contains NaN; pass non-negative numbers")
    if (r < 0).any():
        raise ValueError("radii must be non-negative")
    return r


def _missing_object(value: Any) -> bool:
    """Whether one object label is a missing value: None, a float NaN, NaT, pandas.NA."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN and NaT differ from themselves
    except (TypeError, ValueError):  # pandas.NA has no truth value; arrays are labels
        return type(value).__name__ == "NAType"


def as_labels(a: Any, name: str) -> tuple[npt.NDArray[np.int64], int]:
    """Discrete samples of any type as codes 0..m-1 (rows of a 2-D array are joint symbols).

    Missing labels of every kind (float NaN, None, NaN or NaT objects, pandas.NA, NaT
    datetimes) are refused, as are infinite floats: a missing value is not a category.
    """
    if a is None:
        raise TypeError(f"{name} is None; pass an array of labels of shape (n,) or (n, d)")
    arr = _to_numpy(a, name)
    if arr.ndim not in (1, 2):
        raise ValueError(f"{name} has shape {arr.shape}; pass labels of shape (n,) or (n, d)")
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty; pass at least 2 samples")
    if arr.dtype.kind in "fc" and not np.isfinite(arr).all():
        raise ValueError(f"{name} contains NaN or infinite labels; remove them first")
    if arr.dtype.kind in "mM" and np.isnat(arr).any():
        raise ValueError(f"{name} contains missing (NaT) labels; remove or fill them first")
    if arr.dtype.kind == "O":
        missing = sum(map(_missing_object, arr.ravel().tolist()))
        if missing:
            raise ValueError(
                f"{name} contains {missing} missing labels (None, NaN, NaT or pandas.NA); "
                "remove or fill them first"
            )
        try:
            arr = arr.astype(str)
        except (TypeError, ValueError) as err:
            raise TypeError(f"{name} holds objects that cannot serve as labels") from err
    if arr.ndim == 1 and arr.dtype.kind in "biu":
        small = _small_integer_codes(arr)
        if small is not None:
            return small
    if arr.ndim == 2:
        _, codes = np.unique(arr, axis=0, return_inverse=True)
    else:
        _, codes = np.unique(arr, return_inverse=True)
    codes = np.ascontiguousarray(codes.reshape(-1), dtype=np.int64)
    return codes, int(codes.max()) + 1


def _small_integer_codes(arr: np.ndarray[Any, Any]) -> tuple[npt.NDArray[np.int64], int] | None:
    """Codes of integer labels in a narrow range without sorting: O(n), not O(n log n).

    The same codes as ``numpy.unique(arr, return_inverse=True)`` (sorted label order).
    None when the range is too wide for a lookup table. Offsets from the smallest label
    are taken in the array's own type (exact, they are small), so uint64 labels beyond
    int64 work too.
    """
    from ._numba.labels import rank_codes

    if arr.dtype.kind == "b":
        arr = arr.view(np.uint8)
    lo, hi = int(arr.min()), int(arr.max())
    if hi - lo >= max(4 * arr.shape[0], 1 << 16):
        return None
    if arr.dtype == np.uint64:
        offsets = (arr - np.uint64(lo)).astype(np.int64)
    else:
        offsets = np.subtract(arr, lo, dtype=np.int64)
    present = np.bincount(offsets, minlength=hi - lo + 1) > 0
    rank = np.cumsum(present, dtype=np.int64) - 1
    return rank_codes(offsets, 0, rank), int(present.sum())


def same_length(n: int, other: np.ndarray[Any, Any], name: str, reference: str = "x") -> None:
    if other.shape[0] != n:
        raise ValueError(
            f"{name} has {other.shape[0]} samples but {reference} has {n}; "
            "pass the same samples, one per row"
        )


def check_k(k: Any, n: int) -> int:
    if isinstance(k, bool) or not isinstance(k, numbers.Integral):
        raise TypeError(f"k must be an int, got {type(k).__name__}")
    k_int: int = int(k)
    if k_int < 1:
        raise ValueError(f"k must be at least 1, got {k_int}")
    if n < 2:
        raise ValueError(f"there are {n} samples; k-NN estimates need at least 2")
    if k_int >= n:
        raise ValueError(
            f"k={k_int} needs more than k samples, but there are {n}; use k <= {n - 1}"
        )
    return k_int


def check_count(value: Any, name: str, minimum: int = 1) -> int:
    """An integer count of at least ``minimum`` (bools refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {int(value)}")
    return int(value)


def check_choice(value: Any, name: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return str(value)


def n_threads(n_jobs: Any) -> int:
    """None or -1: every core this process may use; otherwise a positive count."""
    if n_jobs is None or (not isinstance(n_jobs, bool) and n_jobs == -1):
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except AttributeError:  # not on Linux
            return os.cpu_count() or 1
    if isinstance(n_jobs, bool) or not isinstance(n_jobs, numbers.Integral):
        raise TypeError(f"n_jobs must be None or an int, got {type(n_jobs).__name__}")
    if n_jobs < 1:
        raise ValueError(
            f"n_jobs must be a positive number of threads, or -1 for all; got {n_jobs}"
        )
    if int(n_jobs) > MAX_THREADS:
        raise ValueError(
            f"n_jobs={n_jobs} asks for more threads than fastit starts (at most "
            f"{MAX_THREADS}); pass -1 to use every core"
        )
    return int(n_jobs)


def seed_of(random_state: Any) -> int:
    """A 64-bit seed: None gives a fixed seed, so results are reproducible by default."""
    if random_state is None:
        return 0
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(0, 2**63))
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(0, 2**31))
    if isinstance(random_state, bool) or not isinstance(random_state, numbers.Integral):
        raise TypeError(
            "random_state must be None, an int or a numpy.random.Generator; "
            f"got {type(random_state).__name__}"
        )
    if random_state < 0:
        raise ValueError(f"random_state must be >= 0, got {random_state}")
    return int(random_state) % 2**64


def log_base(base: Any) -> float:
    """The divisor that turns nats into the requested unit."""
    if base is None:
        return 1.0
    if isinstance(base, bool) or not isinstance(base, numbers.Real):
        raise TypeError(f"base must be None or a positive number, got {type(base).__name__}")
    value = float(base)
    if not math.isfinite(value) or value <= 0 or value == 1:
        raise ValueError(f"base must be positive and not 1 (2 gives bits), got {base}")
    return math.log(value)


def check_correction(correction: Any) -> str | None:
    """One of the entropy estimators of ``fastit._entropy_estimators``."""
    if correction not in CORRECTIONS:
        raise ValueError(
            f"correction must be one of {', '.join(map(repr, CORRECTIONS))}; got {correction!r}"
        )
    return correction  # type: ignore[no-any-return]


def check_flag(value: Any, name: str) -> bool:
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__}")
    return bool(value)


def as_distribution(a: Any, name: str) -> FloatArray:
    """Counts or (unnormalised) probabilities as float64: finite, non-negative, not empty.

    Any number of dimensions from 1 up; pandas objects and torch tensors are read as arrays.
    """
    if a is None:
        raise TypeError(f"{name} is None; pass counts or probabilities as an array")
    arr = _to_numpy(a, name)
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} has dtype {arr.dtype}; pass counts or probabilities as numbers "
            "(bool, int or float)"
        )
    if arr.ndim == 0:
        raise ValueError(
            f"{name} is a scalar; pass a vector of counts or probabilities (or a table)"
        )
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); pass at least one outcome")
    out = np.asarray(arr, dtype=np.float64)
    if not np.isfinite(out).all():
        bad = "NaN" if np.isnan(out).any() else "infinite values"
        raise ValueError(f"{name} contains {bad}; pass finite counts or probabilities")
    n_neg = int(np.count_nonzero(out < 0))
    if n_neg:
        raise ValueError(
            f"{name} has {n_neg} negative entries (smallest {float(out.min())!r}); "
            "counts and probabilities must be >= 0"
        )
    return out


def check_axis(axis: Any, ndim: int, name: str = "axis") -> int:
    """A valid axis of an array with ``ndim`` dimensions, made non-negative."""
    if isinstance(axis, (bool, np.bool_)) or not isinstance(axis, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(axis).__name__}")
    ax = int(axis)
    if not -ndim <= ax < ndim:
        raise ValueError(
            f"{name}={ax} is out of range for an array with {ndim} dimension(s); "
            f"use -{ndim} <= {name} < {ndim}"
        )
    return ax % ndim


def check_axes(axes: Any, ndim: int, name: str) -> tuple[int, ...]:
    """An int or a tuple of distinct valid axes, made non-negative and sorted."""
    if isinstance(axes, (tuple, list)):
        out = tuple(check_axis(ax, ndim, name) for ax in axes)
    else:
        out = (check_axis(axes, ndim, name),)
    if len(set(out)) != len(out):
        raise ValueError(f"{name}={axes!r} repeats an axis; name each axis once")
    return tuple(sorted(out))


def normalise(p: FloatArray, name: str, axis: int | None) -> FloatArray:
    """``p`` divided by its sum along ``axis`` (all of it for None); all-zero slices raise.

    ``p`` must already have passed :func:`as_distribution`. Sums that overflow (finite
    entries near the float64 maximum) are handled by scaling by the largest entry first.
    """
    with np.errstate(over="ignore"):
        total = np.sum(p, axis=axis, keepdims=True)
    if not np.isfinite(total).all():
        scale = np.max(p, axis=axis, keepdims=True)
        p = p / np.where(scale > 0, scale, 1.0)
        total = np.sum(p, axis=axis, keepdims=True)
    zero = total == 0
    if zero.any():
        where = "" if axis is None else f" along axis {axis} ({int(zero.sum())} slice(s))"
        raise ValueError(
            f"{name} sums to 0{where}, so it cannot be normalised; "
            "pass at least one positive count or probability per distribution"
        )
    out: FloatArray = p / total
    return out


def as_array(a: Any, name: str) -> np.ndarray[Any, Any]:
    """``a`` as a NumPy array of its own dtype, for callers that index its rows before the
    estimators validate it: torch tensors are detached and copied to the host (also those
    that require grad), pandas objects read as arrays, masked arrays refused if masked."""
    return _to_numpy(a, name)
