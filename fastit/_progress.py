"""Progress bars for long loops: tqdm's when it is installed, otherwise none."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")


def progress(
    items: Iterable[T], *, total: int | None = None, desc: str | None = None, show: bool = True
) -> Iterator[T]:
    """``items`` with a progress bar on stderr when ``show`` and tqdm is importable.

    The bar disappears when the loop ends (``leave=False``) and stays quiet when stderr is
    not a terminal (tqdm's ``disable=None``).
    """
    if show:
        try:
            from tqdm.auto import tqdm
        except ImportError:
            pass
        else:
            bar: Any = tqdm(items, total=total, desc=desc, leave=False, disable=None)
            return iter(bar)
    return iter(items)
