"""How much memory this machine has, and the up-front refusal of work that cannot fit."""

from __future__ import annotations

import os


def physical_memory() -> int | None:
    """Bytes of physical memory, or None where the system does not say (not POSIX)."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


def check_fits(need: int, what: str, fix: str) -> None:
    """Raise ValueError when ``what`` needs more than ``need`` bytes this machine has in all
    (rather than fail, or be killed, midway); ``fix`` says what to ask for instead."""
    total = physical_memory()
    if total is not None and need > total:
        raise ValueError(
            f"{what} needs {need / 2**30:.0f} GiB, more than this machine's "
            f"{total / 2**30:.0f} GiB of memory; {fix}"
        )
