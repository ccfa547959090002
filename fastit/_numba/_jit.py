"""The one place that sets Numba's ``njit`` options for fastit's kernels.

Every kernel in :mod:`fastit._numba` is decorated with :func:`kernel` or
:func:`parallel_kernel`; no other module passes options to ``numba.njit``.
Kernels take NumPy arrays, ints and floats only, never Python objects, so they
compile in nopython mode and can be called from a user's own ``@numba.njit``
code.

Options (one line each):

- ``cache=True``: write the compiled machine code next to the module
  (``__pycache__``) so later processes load it instead of recompiling.
- ``nogil=True``: release the GIL while a kernel runs, so Dask workers and
  Python thread pools can run kernels side by side.
- ``error_model="numpy"``: division by zero gives inf/nan as in NumPy instead of
  raising, which also removes the zero-divisor branch from inner loops.
- ``fastmath`` is deliberately left off: it lets LLVM assume no NaN or inf
  (so ``x != x`` and range checks may be deleted) and reassociate arithmetic
  (so a value on a bin edge may change bins, and compensated sums collapse).
  Bin edges must match NumPy exactly and NaN checks must stay, so every
  kernel uses strict IEEE-754 arithmetic.
- ``parallel=True`` (:func:`parallel_kernel` only): enable ``numba.prange``;
  loops over ``prange`` run on Numba's thread pool (``numba.set_num_threads``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba

__all__ = ["JIT_OPTIONS", "PARALLEL_JIT_OPTIONS", "kernel", "parallel_kernel"]

#: Options of every serial kernel; see the module docstring for the reason of each.
JIT_OPTIONS: dict[str, Any] = {"cache": True, "nogil": True, "error_model": "numpy"}

#: Options of every parallel kernel: the serial options plus ``parallel=True``.
PARALLEL_JIT_OPTIONS: dict[str, Any] = {**JIT_OPTIONS, "parallel": True}


def _decorate(options: dict[str, Any], func: Callable[..., Any] | None) -> Any:
    if func is None:
        return numba.njit(**options)
    return numba.njit(**options)(func)


def kernel(func: Callable[..., Any] | None = None) -> Any:
    """Compile ``func`` as a serial fastit kernel (``numba.njit(**JIT_OPTIONS)``).

    Usable as ``@kernel`` or ``@kernel()``.
    """
    return _decorate(JIT_OPTIONS, func)


def parallel_kernel(func: Callable[..., Any] | None = None) -> Any:
    """Compile ``func`` as a parallel fastit kernel (``numba.njit(**PARALLEL_JIT_OPTIONS)``).

    The body must use ``numba.prange`` for its outer loop; results must not depend on
    the number of threads (give each ``prange`` iteration its own fixed block of the
    input and its own partial output, then combine them in a fixed order).
    Usable as ``@parallel_kernel`` or ``@parallel_kernel()``.
    """
    return _decorate(PARALLEL_JIT_OPTIONS, func)
