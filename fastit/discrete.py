"""Entropy and mutual information of discrete samples: label arrays of any type.

Labels are turned into codes 0..m-1 (``numpy.unique``; rows of a 2-D array are joint
symbols), counted, and the entropy of each histogram is estimated with the chosen
``correction`` (see ``fastit._entropy_estimators``): ``None`` (plug-in), ``"miller-madow"``
(the default: it removes the leading 1/N bias term at no cost), ``"grassberger"``,
``"jackknife"``, ``"chao-shen"`` or ``"nsb"``. Mutual information and conditional mutual
information are sums of such entropies, so one correction applies to every term; for NSB
the alphabet of a joint variable is the product of the observed marginal alphabets.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from ._entropy_estimators import entropy_from_counts
from ._validation import as_labels, check_correction, log_base, same_length

Codes = npt.NDArray[np.int64]


def plugin_mutual_info(cx: Codes, cy: Codes, *, local: bool = False) -> Any:
    """Plug-in MI (nats) of two label-code arrays: sum p(x,y) ln(p(x,y) / (p(x) p(y)))."""
    n = cx.shape[0]
    nx, ny = int(cx.max()) + 1, int(cy.max()) + 1
    if local:
        joint = cx * ny + cy
        n_xy = np.bincount(joint)
        n_x = np.bincount(cx)
        n_y = np.bincount(cy)
        return np.log(n * n_xy[joint] / (n_x[cx] * n_y[cy].astype(np.float64)))
    if nx * ny <= 4 * n:  # a dense contingency table, counted in parallel
        from ._numba import histogram_2d, mutual_info_from_joint

        return float(mutual_info_from_joint(histogram_2d(cx, cy, nx, ny)[0]))
    pairs, n_xy = np.unique(cx * ny + cy, return_counts=True)
    n_x, n_y = np.bincount(cx), np.bincount(cy)
    c = n_xy.astype(np.float64)
    outer = n_x[pairs // ny] * n_y[pairs % ny].astype(np.float64)
    return float(np.sum(c * np.log(n * c / outer)) / n)


def _joint(codes: list[tuple[Codes, int]]) -> tuple[Codes, int]:
    """Codes of the joint variable, and its alphabet size (product of the marginal ones)."""
    joint, size = codes[0]
    alphabet = size
    for c, m in codes[1:]:
        alphabet *= m
        if size * m >= 2**62:  # re-code before the mixed codes could overflow
            _, joint = np.unique(joint, return_inverse=True)
            size = int(joint.max()) + 1
        joint = joint * m + c
        size *= m
    return joint.astype(np.int64, copy=False), alphabet


def _entropy(codes: list[tuple[Codes, int]], correction: str | None) -> float:
    joint, alphabet = _joint(codes)
    if alphabet <= 4 * joint.shape[0]:
        counts = np.bincount(joint)  # empty cells are ignored by every estimator
    else:
        counts = np.unique(joint, return_counts=True)[1]
    return entropy_from_counts(counts, correction, alphabet)


def _labels(variables: tuple[Any, ...], names: tuple[str, ...]) -> list[tuple[Codes, int]]:
    coded = [as_labels(v, name) for v, name in zip(variables, names, strict=True)]
    for (c, _), name in zip(coded[1:], names[1:], strict=True):
        same_length(coded[0][0].shape[0], c, name, names[0])
    return coded


def discrete_entropy(
    x: Any, *, correction: str | None = "miller-madow", base: float | None = None
) -> float:
    r"""Entropy H(X) of discrete samples.

    .. math:: \hat H = -\sum_i \hat p_i \ln \hat p_i \quad (\text{plug-in}), \; \hat p_i = n_i / N

    plus the chosen bias correction.

    Parameters
    ----------
    x : array_like, shape (n,) or (n, d)
        Labels of any type; the rows of a 2-D array are joint symbols.
    correction : {"miller-madow", None, "grassberger", "jackknife", "chao-shen", "nsb"}
        Estimator; see the module notes. For NSB the alphabet is the observed one.
    base : float, optional
        None for nats, 2 for bits.

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
    return _entropy(_labels((x,), ("x",)), correction) / log_base(base)


def discrete_joint_entropy(
    *variables: Any, correction: str | None = "miller-madow", base: float | None = None
) -> float:
    """Joint entropy H(X1, ..., Xm) of paired discrete samples, one label array each.

    Parameters
    ----------
    *variables : array_like, each of shape (n,) or (n, d)
        Labels of any type, one array per variable, paired by row; the rows of a 2-D
        array are joint symbols. At least one.
    correction : {"miller-madow", None, "grassberger", "jackknife", "chao-shen", "nsb"}
        Estimator; see the module notes. For NSB the alphabet is the product of the
        observed marginal alphabets.
    base : float, optional
        None for nats, 2 for bits.

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
    return _entropy(_labels(variables, names), correction) / log_base(base)


def discrete_mutual_info(
    x: Any, y: Any, *, correction: str | None = "miller-madow", base: float | None = None
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
    (cx, mx), (cy, my) = _labels((x, y), ("x", "y"))
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
    cx, cy, cz = _labels((x, y, z), ("x", "y", "z"))
    value = (
        _entropy([cx, cz], correction)
        + _entropy([cy, cz], correction)
        - _entropy([cx, cy, cz], correction)
        - _entropy([cz], correction)
    )
    return value / log_base(base)
