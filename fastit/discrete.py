"""Mutual information of discrete samples (label codes)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt


def plugin_mutual_info(
    cx: npt.NDArray[np.int64], cy: npt.NDArray[np.int64], *, local: bool = False
) -> Any:
    """Plug-in MI (nats) of two label-code arrays: sum p(x,y) ln(p(x,y) / (p(x) p(y)))."""
    n = cx.shape[0]
    ny = int(cy.max()) + 1
    joint = cx * ny + cy
    n_xy = np.bincount(joint)
    n_x = np.bincount(cx)
    n_y = np.bincount(cy)
    if local:
        return np.log(n * n_xy[joint] / (n_x[cx] * n_y[cy].astype(np.float64)))
    nz = np.flatnonzero(n_xy)
    c = n_xy[nz].astype(np.float64)
    outer = n_x[nz // ny] * n_y[nz % ny].astype(np.float64)
    return float(np.sum(c * np.log(n * c / outer)) / n)
