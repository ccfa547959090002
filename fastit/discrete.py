"""Entropy and mutual information of discrete samples: label arrays of any type.

Labels are turned into codes 0..m-1 (``numpy.unique``; rows of a 2-D array are joint
symbols), counted, and the entropy of each histogram is estimated with the chosen
``correction`` (see ``fastit._entropy_estimators``): ``None`` (plug-in), ``"miller-madow"``
(the default: it removes the leading 1/N bias term at no cost), ``"grassberger"``,
``"jackknife"``, ``"chao-shen"`` or ``"nsb"``. Mutual information and conditional mutual
information are sums of such entropies, so one correction applies to every term.

NSB needs each variable's number of possible outcomes: ``n_outcomes`` gives it (one per
variable), and it defaults to the number of distinct labels observed. A joint variable has
between the largest of its parts' alphabets and their product possible outcomes; NSB
averages over that range (``fastit._entropy_estimators.OutcomeRange``), so that
I(X; X) = H(X) holds within NSB's posterior spread and independent variables get about 0.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import numpy.typing as npt

from ._entropy_estimators import entropy_from_counts, joint_outcomes
from ._validation import as_labels, check_correction, log_base, same_length

Codes = npt.NDArray[np.int64]


def plugin_mutual_info(cx: Codes, cy: Codes, *, local: bool = False) -> Any:
    """Plug-in MI (nats) of two label-code arrays: sum p(x,y) ln(p(x,y) / (p(x) p(y))).

    A dense contingency table while it has at most 4 cells per sample, otherwise the
    occupied cells found by sorting: memory grows with the samples, not with nx * ny.
    """
    n = cx.shape[0]
    nx, ny = int(cx.max()) + 1, int(cy.max()) + 1
    dense = nx * ny <= max(4 * n, 1 << 16)
    if dense and not local:  # counted in parallel
        from ._numba import histogram_2d, mutual_info_from_joint

        return float(mutual_info_from_joint(histogram_2d(cx, cy, nx, ny)[0]))
    n_x, n_y = np.bincount(cx), np.bincount(cy)
    if local:
        joint = cx * ny + cy
        if dense:
            n_xy = np.bincount(joint)[joint]
        else:
            _, inverse, counts = np.unique(joint, return_inverse=True, return_counts=True)
            n_xy = counts[inverse.reshape(-1)]
        return np.log(n * n_xy / (n_x[cx] * n_y[cy].astype(np.float64)))
    from ._numba.sparse import mutual_info_from_cells

    pairs, n_xy = np.unique(cx * ny + cy, return_counts=True)
    return float(mutual_info_from_cells(pairs // ny, pairs % ny, n_xy, n_x, n_y))


def _joint(codes: list[tuple[Codes, int]]) -> Codes:
    """Codes of the joint variable (mixed radix, re-coded before they could overflow)."""
    joint, size = codes[0]
    for c, m in codes[1:]:
        if size * m >= 2**62:
            _, joint = np.unique(joint, return_inverse=True)
            size = int(joint.max()) + 1
        joint = joint * m + c
        size *= m
    return joint.astype(np.int64, copy=False)


def _entropy(codes: list[tuple[Codes, int]], correction: str | None) -> float:
    """Entropy of the joint variable of ``codes``: (label codes, alphabet) per part."""
    joint = _joint(codes)
    alphabets = [alphabet for _, alphabet in codes]
    if int(joint.max()) < 4 * joint.shape[0]:
        counts = np.bincount(joint)  # empty cells are ignored by every estimator
    else:
        counts = np.unique(joint, return_counts=True)[1]
    return entropy_from_counts(counts, correction, joint_outcomes(alphabets))


def _alphabet(value: Any, observed: int, name: str) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"n_outcomes for {name} must be an int, got {type(value).__name__}")
    if value < observed:
        raise ValueError(
            f"n_outcomes for {name} is {int(value)}, but {name} has {observed} distinct labels"
        )
    return int(value)


def _labels(
    variables: tuple[Any, ...],
    names: tuple[str, ...],
    n_outcomes: Any,
    correction: str | None,
) -> list[tuple[Codes, int]]:
    """(codes, alphabet) of each variable: the alphabet is the given number of outcomes,
    or the number of distinct labels observed."""
    coded = [as_labels(v, name) for v, name in zip(variables, names, strict=True)]
    for (c, _), name in zip(coded[1:], names[1:], strict=True):
        same_length(coded[0][0].shape[0], c, name, names[0])
    if n_outcomes is None:
        return coded
    if correction != "nsb":
        raise ValueError(
            "n_outcomes is used by correction='nsb' only; leave it out for the "
            f"{correction!r} estimate"
        )
    if len(variables) == 1 and not isinstance(n_outcomes, (list, tuple)):
        n_outcomes = (n_outcomes,)
    if not isinstance(n_outcomes, (list, tuple)) or len(n_outcomes) != len(variables):
        raise ValueError(
            f"n_outcomes must give one alphabet size (or None) per variable, "
            f"{len(variables)} in all; got {n_outcomes!r}"
        )
    return [
        (c, m if k is None else _alphabet(k, m, name))
        for (c, m), k, name in zip(coded, n_outcomes, names, strict=True)
    ]


def discrete_entropy(
    x: Any,
    *,
    correction: str | None = "miller-madow",
    base: float | None = None,
    n_outcomes: int | None = None,
) -> float:
    r"""Entropy H(X) of discrete samples.

    .. math:: \hat H = -\sum_i \hat p_i \ln \hat p_i \quad (\text{plug-in}), \; \hat p_i = n_i / N

    plus the chosen bias correction.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, d)
        Labels of any type; the rows of a 2-D array are joint symbols.
    correction : {"miller-madow", None, "grassberger", "jackknife", "chao-shen", "nsb"}
        Estimator; see the module notes.
    base : float, optional
        None for nats, 2 for bits.
    n_outcomes : int, optional
        For ``correction="nsb"`` only: the number of possible outcomes (alphabet size) of
        x, at least the number of distinct labels observed, which is the default.

    Returns
    -------
    float
        The estimate in nats (or the unit of ``base``).

    References
    ----------
    G. A. Miller, "Note on the bias of information estimates", in H. Quastler (ed.),
    Information Theory in Psychology, Free Press, 95-100 (1955).
    P. Grassberger, "Entropy estimates from insufficient samplings", arXiv:physics/0307138
    (2003).
    A. Chao and T.-J. Shen, "Nonparametric estimation of Shannon's index of diversity when
    there are unseen species in sample", Environ. Ecol. Stat. 10, 429-443 (2003).
    I. Nemenman, F. Shafee and W. Bialek, "Entropy and inference, revisited", NIPS 14 (2002).

    Examples
    --------
    >>> import fastit
    >>> round(fastit.discrete_entropy(["a", "b", "a", "b"], correction=None), 4)  # ln 2
    0.6931
    >>> round(fastit.discrete_entropy(["a", "b", "a", "b"]), 4)  # + (2 - 1) / (2 * 4)
    0.8181
    """
    correction = check_correction(correction)
    return _entropy(_labels((x,), ("x",), n_outcomes, correction), correction) / log_base(base)


def discrete_joint_entropy(
    *variables: Any,
    correction: str | None = "miller-madow",
    base: float | None = None,
    n_outcomes: Any = None,
) -> float:
    """Joint entropy H(X1, ..., Xm) of paired discrete samples, one label array each.

    Parameters
    ----------
    *variables : array_like, each of shape (n,) or (n, d)
        Labels of any type, one array per variable, paired by row; the rows of a 2-D
        array are joint symbols. At least one.
    correction : {"miller-madow", None, "grassberger", "jackknife", "chao-shen", "nsb"}
        Estimator; see the module notes.
    base : float, optional
        None for nats, 2 for bits.
    n_outcomes : sequence of int or None, optional
        For ``correction="nsb"`` only: each variable's number of possible outcomes (None
        for the number observed, the default). The joint has between the largest of them
        and their product; NSB averages over that range.

    Returns
    -------
    float
        The estimate in nats (or the unit of ``base``).

    References
    ----------
    The corrections: Miller (1955), Grassberger (2003), Chao and Shen (2003), Nemenman,
    Shafee and Bialek (2002); see :func:`discrete_entropy`.

    Examples
    --------
    >>> import fastit
    >>> round(fastit.discrete_joint_entropy([0, 0, 1, 1], [0, 1, 0, 1], correction=None, base=2), 4)
    2.0
    >>> round(fastit.discrete_joint_entropy([0, 0, 1, 1], [0, 0, 1, 1], correction=None, base=2), 4)
    1.0
    """
    if not variables:
        raise TypeError("pass at least one variable")
    correction = check_correction(correction)
    names = tuple(f"variables[{i}]" for i in range(len(variables)))
    coded = _labels(variables, names, n_outcomes, correction)
    return _entropy(coded, correction) / log_base(base)


def discrete_mutual_info(
    x: Any,
    y: Any,
    *,
    correction: str | None = "miller-madow",
    base: float | None = None,
    n_outcomes: Any = None,
) -> float:
    r"""Mutual information I(X; Y) = H(X) + H(Y) - H(X, Y) of paired discrete samples.

    With ``correction=None`` it is the plug-in value (``sklearn.metrics.mutual_info_score``),
    computed from the contingency table; corrected estimates may be slightly negative for
    independent variables and are returned as computed.

    Parameters
    ----------
    x, y : array_like, shape (n,) or (n, d)
        Paired labels of any type; the rows of a 2-D array are joint symbols.
    correction : {"miller-madow", None, "grassberger", "jackknife", "chao-shen", "nsb"}
        Estimator of each of the three entropies; see the module notes.
    base : float, optional
        None for nats, 2 for bits.
    n_outcomes : (int or None, int or None), optional
        For ``correction="nsb"`` only: the numbers of possible outcomes of x and of y
        (None: the number observed, the default).

    Returns
    -------
    float
        The estimate in nats (or the unit of ``base``).

    References
    ----------
    The corrections: Miller (1955), Grassberger (2003), Chao and Shen (2003), Nemenman,
    Shafee and Bialek (2002); see :func:`discrete_entropy`.

    Examples
    --------
    >>> import fastit
    >>> round(fastit.discrete_mutual_info([0, 0, 1, 1], [1, 1, 0, 0], correction=None), 4)
    0.6931
    >>> fastit.discrete_mutual_info([0, 0, 1, 1], [0, 1, 0, 1], correction=None)
    0.0
    """
    correction = check_correction(correction)
    (cx, mx), (cy, my) = _labels((x, y), ("x", "y"), n_outcomes, correction)
    if correction is None:
        return plugin_mutual_info(cx, cy) / log_base(base)  # type: ignore[no-any-return]
    h = _entropy([(cx, mx)], correction) + _entropy([(cy, my)], correction)
    return (h - _entropy([(cx, mx), (cy, my)], correction)) / log_base(base)


def discrete_conditional_mutual_info(
    x: Any,
    y: Any,
    z: Any,
    *,
    correction: str | None = "miller-madow",
    base: float | None = None,
    n_outcomes: Any = None,
) -> float:
    """I(X; Y | Z) = H(X, Z) + H(Y, Z) - H(X, Y, Z) - H(Z) of paired discrete samples.

    Parameters
    ----------
    x, y, z : array_like, shape (n,) or (n, d)
        Paired labels of any type; the rows of a 2-D array are joint symbols.
    correction : {"miller-madow", None, "grassberger", "jackknife", "chao-shen", "nsb"}
        Estimator of each of the four entropies; see the module notes.
    base : float, optional
        None for nats, 2 for bits.
    n_outcomes : (int or None, int or None, int or None), optional
        For ``correction="nsb"`` only: the numbers of possible outcomes of x, y and z
        (None: the number observed, the default).

    Returns
    -------
    float
        The estimate in nats (or the unit of ``base``); corrected estimates may be slightly
        negative and are returned as computed.

    References
    ----------
    The corrections: Miller (1955), Grassberger (2003), Chao and Shen (2003), Nemenman,
    Shafee and Bialek (2002); see :func:`discrete_entropy`.

    Examples
    --------
    Two independent bits are dependent given their exclusive or:

    >>> import fastit
    >>> x, y = [0, 0, 1, 1], [0, 1, 0, 1]
    >>> z = [0, 1, 1, 0]  # x xor y
    >>> fastit.discrete_mutual_info(x, y, correction=None, base=2)
    0.0
    >>> round(fastit.discrete_conditional_mutual_info(x, y, z, correction=None, base=2), 4)
    1.0
    """
    correction = check_correction(correction)
    cx, cy, cz = _labels((x, y, z), ("x", "y", "z"), n_outcomes, correction)
    value = (
        _entropy([cx, cz], correction)
        + _entropy([cy, cz], correction)
        - _entropy([cx, cy, cz], correction)
        - _entropy([cz], correction)
    )
    return value / log_base(base)
