"""Peak memory of a call, measured by the kernel: everything the process touches counts
(NumPy, Numba's allocator, the C++ core, threads' stacks), not only what tracemalloc sees.

Linux resets the peak resident set size (VmHWM) when 5 is written to /proc/self/clear_refs;
the peak after the call minus the resident size before it bounds what the call allocated
and touched. Elsewhere :func:`available` is False and the memory tests skip.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from typing import Any

_STATUS = "/proc/self/status"
_CLEAR_REFS = "/proc/self/clear_refs"


def _field(name: str) -> int:
    with open(_STATUS) as status:
        for line in status:
            if line.startswith(name + ":"):
                return int(line.split()[1]) * 1024
    raise RuntimeError(f"{name} is not in {_STATUS}")


def available() -> bool:
    """Whether peaks can be measured, and mean something: not under AddressSanitizer,
    whose shadow memory and quarantine multiply every allocation."""
    if "libasan" in os.environ.get("LD_PRELOAD", ""):
        return False
    if not (os.path.exists(_STATUS) and os.path.exists(_CLEAR_REFS)):
        return False
    try:
        with open(_CLEAR_REFS, "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def peak_increase(function: Callable[[], Any]) -> tuple[int, Any]:
    """Bytes by which the resident set peaked above its size before ``function()``, and
    what the call returned."""
    gc.collect()
    with open(_CLEAR_REFS, "w") as f:
        f.write("5")
    before = _field("VmRSS")
    result = function()
    return _field("VmHWM") - before, result
