"""Measures of distributions on entries of any finite magnitude, against an exact
reference (mpmath, 700 digits): subnormal and near-maximal counts side by side, zeros, one outcome.

Normalising 1e-308 beside 1e308 underflows to 0 in float64; the divergences must still
come out finite (the logarithm of the ratio is), never inf."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastit.distributions import (
    conditional_entropy,
    cross_entropy,
    entropy,
    joint_entropy,
    js_divergence,
    kl_divergence,
    mutual_info_table,
)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Ratios of entries reach 1e632 (1.7e308 against 5e-324): 1 - p must stay exact.
mpmath.mp.dps = 700

# Entries from subnormal to near the float64 maximum, zeros and repeats included.
ENTRY = st.one_of(
    st.just(0.0),
    st.sampled_from([5e-324, 1e-310, 1e-300, 1.0, 3.0, 1e300, 1e308, 1.7e308]),
    st.floats(min_value=0.0, max_value=1.7e308, allow_nan=False, allow_infinity=False),
)
VECTOR = st.lists(ENTRY, min_size=1, max_size=6).filter(lambda v: any(e > 0 for e in v))


def _normalised(v: list[float]) -> list[mpmath.mpf]:
    total = mpmath.fsum(mpmath.mpf(e) for e in v)
    return [mpmath.mpf(e) / total for e in v]


def _close(got: float, expected: mpmath.mpf, floor: float = 1e-300) -> None:
    if mpmath.isinf(expected):
        assert got == np.inf
        return
    # Relative 1e-9, or ``floor`` absolute: a divergence is computed from normalised
    # float64 values, each rounded by half an ulp, so its logarithms of ratios carry a few
    # 1e-16 of absolute error (a relative one only where the divergence is not tiny);
    # entropies keep their relative precision down to the smallest doubles.
    assert got == pytest.approx(float(expected), rel=1e-9, abs=floor)


def _terms(p: list[mpmath.mpf], q: list[mpmath.mpf], term) -> mpmath.mpf:
    return mpmath.fsum(term(a, b) for a, b in zip(p, q, strict=True) if a > 0)


@SETTINGS
@given(VECTOR)
def test_entropy_of_any_magnitudes(v: list[float]) -> None:
    p = _normalised(v)
    _close(entropy(v), -mpmath.fsum(a * mpmath.log(a) for a in p if a > 0))


@SETTINGS
@given(
    st.integers(1, 6).flatmap(
        lambda m: st.tuples(
            *(st.lists(ENTRY, min_size=m, max_size=m).filter(lambda v: any(e > 0 for e in v)),) * 2
        )
    )
)
def test_divergences_of_any_magnitudes(pair) -> None:
    v, w = pair
    p, q = _normalised(v), _normalised(w)

    def kl_term(a, b):
        return mpmath.inf if b == 0 else a * mpmath.log(a / b)

    def ce_term(a, b):
        return mpmath.inf if b == 0 else -a * mpmath.log(b)

    _close(kl_divergence(v, w), _terms(p, q, kl_term), 1e-15)
    _close(entropy(v, w), _terms(p, q, kl_term), 1e-15)
    _close(cross_entropy(v, w), _terms(p, q, ce_term))
    m = [(a + b) / 2 for a, b in zip(p, q, strict=True)]
    js = (_terms(p, m, kl_term) + _terms(q, m, kl_term)) / 2
    _close(js_divergence(v, w), js, 1e-15)
    assert kl_divergence(v, w) >= -1e-15  # not clipped: rounding may go below 0
    assert 0 <= js_divergence(v, w) <= np.log(2) + 1e-15


@SETTINGS
@given(st.lists(ENTRY, min_size=4, max_size=4).filter(lambda v: any(e > 0 for e in v)))
def test_tables_of_any_magnitudes(v: list[float]) -> None:
    table = np.array(v).reshape(2, 2)
    cells = _normalised(v)
    pxy = [[cells[0], cells[1]], [cells[2], cells[3]]]
    px = [pxy[0][0] + pxy[0][1], pxy[1][0] + pxy[1][1]]
    py = [pxy[0][0] + pxy[1][0], pxy[0][1] + pxy[1][1]]
    h = -mpmath.fsum(c * mpmath.log(c) for c in cells if c > 0)
    _close(joint_entropy(table), h)
    hx = -mpmath.fsum(c * mpmath.log(c) for c in px if c > 0)
    _close(conditional_entropy(table, given=0), h - hx, 1e-15)  # H(columns | rows): ratios
    mi = mpmath.fsum(
        pxy[i][j] * mpmath.log(pxy[i][j] / (px[i] * py[j]))
        for i in range(2)
        for j in range(2)
        if pxy[i][j] > 0
    )
    assert mutual_info_table(table) == pytest.approx(float(mi), rel=1e-7, abs=1e-12)


def test_a_tiny_entry_beside_a_huge_one_gives_a_finite_divergence() -> None:
    # q = [1e308, 1e-308] normalises to [1, 0] in float64, yet q_2 = 1e-616 > 0: the
    # divergence from p = [0, 1] is ln(1e616) = 1418.39 nats, not inf.
    assert kl_divergence([0.0, 1.0], [1e308, 1e-308]) == pytest.approx(616 * np.log(10))
    assert cross_entropy([0.0, 1.0], [1e308, 1e-308]) == pytest.approx(616 * np.log(10))
    assert kl_divergence([0.0, 1.0], [1.0, 0.0]) == np.inf  # a true zero stays inf
