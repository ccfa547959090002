"""The warnings fastit issues, so that users can filter them by kind."""

from __future__ import annotations

import contextlib
import os
import sys
import types
import warnings
from collections.abc import Iterator


class FastitWarning(UserWarning):
    """Base class of fastit's warnings."""


class DiscreteDataWarning(FastitWarning):
    """Discrete-valued data (atoms: few distinct values, or ties on most samples) were
    passed to an estimator for continuous data, which then measures the tie-breaking
    jitter rather than the data; the message names the column and the estimator to use."""


class EstimationWarning(FastitWarning):
    """An estimate or interval is unreliable: a training run diverged, a bound is near its
    cap, a resampling scheme is known to be biased for the estimator, and the like."""


def warn(message: str, category: type[Warning]) -> None:
    """``warnings.warn`` attributed to the first caller outside fastit, so the warning
    points at the user's line however deep inside fastit it was raised."""
    package = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frame: types.FrameType | None = sys._getframe(1)  # the caller of warn(): stacklevel 2
    level = 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)


@contextlib.contextmanager
def quiet(category: type[Warning]) -> Iterator[None]:
    """Ignores ``category`` inside the block: for the many estimates of a null or a
    resampling, whose data the estimate on the original data has already reported on.
    (Warning filters are process-wide, so this holds for the block's threads too.)"""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category)
        yield
