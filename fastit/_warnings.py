"""The warnings fastit issues, so that users can filter them by kind."""

from __future__ import annotations


class FastitWarning(UserWarning):
    """Base class of fastit's warnings."""


class DiscreteDataWarning(FastitWarning):
    """Discrete-valued data (atoms: few distinct values, or ties on most samples) were
    passed to an estimator for continuous data, which then measures the tie-breaking
    jitter rather than the data; the message names the column and the estimator to use."""


class EstimationWarning(FastitWarning):
    """An estimate or interval is unreliable: a training run diverged, a bound is near its
    cap, a resampling scheme is known to be biased for the estimator, and the like."""
