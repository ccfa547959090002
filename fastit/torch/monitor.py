"""Watching the information in a network while it trains.

:class:`InformationPlane` records I(X; T) and I(T; Y) for chosen layers T (Shwartz-Ziv and
Tishby 2017); :class:`InformationFlowMonitor` records per-layer activation statistics and
gradient norms. Both attach hooks to the model's modules and remove them on :meth:`close`
or on leaving a ``with`` block.

Estimators of the information plane (``estimator=``):

- ``"binned"`` (default): every unit of T is cut into ``bins`` equal-width bins over the
  range its activations actually take in this update, a layer's pattern of bins is one
  symbol, and X (each distinct input row) and Y are symbols too. Binning over the
  observed range matters: the original code binned every layer on [-1, 1], so ReLU
  layers, whose activations grow past 1, fell into ever fewer bins as training went on and
  showed a "compression" made by the binning. The plug-in estimate (``correction=None``,
  the literature's choice) is bounded by ln n; with one symbol per input,
  I(X; T) = H(T). The numbers depend on ``bins``; compare runs with the same setting.
- ``"ksg1"`` / ``"ksg2"``: Kraskov et al. on the continuous activations, with Ross's
  estimator for discrete labels Y. For a deterministic network I(X; T) is infinite in
  theory; the k-NN estimate is finite and reflects the geometry of T at the scale of
  the k-th neighbour, not a true mutual information.
- ``"kde"``: the pairwise-distance upper bound of Kolchinsky and Tracey (2017) for T plus
  Gaussian noise of variance ``noise_variance``, as Saxe et al. (2018) used it: finite
  for deterministic networks, and the noise sets the scale.

All estimates run on the activations' device; results are in nats (``base=2``: bits).
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import Any

import torch
from torch import nn

from .._validation import check_choice, log_base
from .functional import binned_entropy, mutual_info

__all__ = ["InformationFlowMonitor", "InformationPlane"]

_ESTIMATORS = ("binned", "ksg1", "ksg2", "kde")


def _resolve_layers(
    model: nn.Module, layers: Iterable[str | nn.Module]
) -> list[tuple[str, nn.Module]]:
    """(name, module) for each requested layer, named as in ``model.named_modules()``."""
    names = {id(m): name for name, m in model.named_modules()}
    resolved = []
    for layer in layers:
        if isinstance(layer, str):
            try:
                resolved.append((layer, model.get_submodule(layer)))
            except AttributeError as err:
                raise ValueError(
                    f"layers: the model has no submodule {layer!r}; pick names from "
                    "model.named_modules()"
                ) from err
        elif isinstance(layer, nn.Module):
            if id(layer) not in names:
                raise ValueError(
                    f"layers: {type(layer).__name__} module is not part of the model; pass "
                    "its submodules or their names"
                )
            resolved.append((names[id(layer)] or "(model)", layer))
        else:
            raise TypeError(
                f"layers must hold module names or nn.Module objects, got {type(layer).__name__}"
            )
    if not resolved:
        raise ValueError("layers is empty; name at least one layer to watch")
    return resolved


def _unit(base: float | None) -> str:
    return "nats" if base is None else ("bits" if base == 2 else f"log base {base}")


def _output_tensor(output: Any) -> torch.Tensor | None:
    """The tensor a layer returned (the first one, for tuples)."""
    if isinstance(output, torch.Tensor):
        return output
    if isinstance(output, (tuple, list)):
        for item in output:
            if isinstance(item, torch.Tensor):
                return item
    return None


def _flat(t: torch.Tensor) -> torch.Tensor:
    """(batch, ...) activations as (batch, units)."""
    return t.reshape(t.shape[0], -1) if t.ndim > 1 else t.reshape(-1, 1)


class _Hooked:
    """Forward hooks on some modules that keep their latest outputs; removable."""

    def __init__(self, layers: list[tuple[str, nn.Module]]) -> None:
        self.layers = layers
        self.outputs: dict[str, list[torch.Tensor]] = {name: [] for name, _ in layers}
        self.handles = [m.register_forward_hook(self._keeper(name)) for name, m in layers]
        self.recording = False

    def _keeper(self, name: str) -> Any:
        def hook(module: nn.Module, inputs: Any, output: Any) -> None:
            if self.recording:
                t = _output_tensor(output)
                if t is not None:
                    self.outputs[name].append(_flat(t.detach()))

        return hook

    def close(self) -> None:
        for handle in self.handles:
            handle.remove()
        self.handles = []


def _kde_information(t: torch.Tensor, labels: torch.Tensor | None, variance: float) -> torch.Tensor:
    """Kolchinsky-Tracey upper bound on I(X; T + noise) for (n, d) activations, and with
    ``labels`` on I(T + noise; Y) = bound(T) - sum_y p(y) bound(T | Y = y), in nats.

    bound(T) = -mean_i ln mean_j exp(-|t_i - t_j|^2 / (2 variance)).
    """
    t = t.to(torch.float64)

    def bound(points: torch.Tensor) -> torch.Tensor:
        m = points.shape[0]
        total = torch.zeros((), dtype=torch.float64, device=points.device)
        block = max(1, (1 << 22) // m)  # rows per tile: bounded memory for any n
        for start in range(0, m, block):
            sq = torch.cdist(points[start : start + block], points).square()
            total += (torch.logsumexp(-sq / (2 * variance), dim=1) - math.log(m)).sum()
        return -total / m

    whole = bound(t)
    if labels is None:
        return whole
    codes = torch.unique(labels.reshape(labels.shape[0], -1), dim=0, return_inverse=True)[1]
    conditional = torch.zeros((), dtype=torch.float64, device=t.device)
    for c in range(int(codes.max()) + 1):
        members = t[codes == c]
        conditional += members.shape[0] / t.shape[0] * bound(members)
    return whole - conditional


class InformationPlane:
    r"""I(X; T) and I(T; Y) of chosen layers of a network, epoch after epoch.

    Forward hooks capture the layers' outputs while :meth:`update` runs the model on
    (a fixed set of) inputs; the estimates run on the model's device.

    Parameters
    ----------
    model : nn.Module
    layers : sequence of str or nn.Module
        The layers T to track: names from ``model.named_modules()`` or the modules.
    estimator : {"binned", "ksg1", "ksg2", "kde"}, default "binned"
        See the module notes for what each measures.
    bins : int or str, default 30
        ``"binned"``: bins per unit, equal width over the unit's observed range.
    correction : str or None, default None
        ``"binned"``: entropy estimator (None: plug-in, as the literature reports).
    k : int, default 3
        ``"ksg1"``/``"ksg2"``: neighbours.
    noise_variance : float, default 0.1
        ``"kde"``: variance of the Gaussian noise added to T.
    base : float, optional
        None for nats, 2 for bits.

    Attributes
    ----------
    history : list of dict
        One record per layer and update: ``epoch``, ``layer``, ``i_xt``, ``i_ty``,
        ``estimator``, ``unit``; ``pandas.DataFrame(plane.history)`` makes a table.

    References
    ----------
    Shwartz-Ziv, Tishby, "Opening the black box of deep neural networks via information",
    arXiv:1703.00810 (2017). Saxe et al., "On the information bottleneck theory of deep
    learning", ICLR (2018). Kolchinsky, Tracey, "Estimating mixture entropy with pairwise
    distances", Entropy 19, 361 (2017).

    Examples
    --------
    >>> import torch, fastit.torch
    >>> model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2))
    >>> x, y = torch.randn(256, 4), torch.randint(0, 2, (256,))
    >>> with fastit.torch.InformationPlane(model, ["1", "2"], bins=10) as plane:
    ...     records = plane.update(x, y, epoch=0)
    >>> [r["layer"] for r in plane.history]
    ['1', '2']
    """

    def __init__(
        self,
        model: nn.Module,
        layers: Sequence[str | nn.Module],
        *,
        estimator: str = "binned",
        bins: Any = 30,
        correction: str | None = None,
        k: int = 3,
        noise_variance: float = 0.1,
        base: float | None = None,
    ) -> None:
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
        self.model = model
        self.estimator = check_choice(estimator, "estimator", _ESTIMATORS)
        if isinstance(noise_variance, bool) or not isinstance(noise_variance, numbers.Real):
            raise TypeError("noise_variance must be a positive number")
        if not (math.isfinite(noise_variance) and noise_variance > 0):
            raise ValueError(f"noise_variance must be positive and finite, got {noise_variance}")
        self.bins: Any = bins
        self.correction: str | None = correction
        self.k: int = k
        self.noise_variance: float = float(noise_variance)
        self.base: float | None = base
        self._divisor: float = log_base(base)
        self.unit: str = _unit(base)
        self._hooks: _Hooked = _Hooked(_resolve_layers(model, layers))
        self.history: list[dict[str, Any]] = []

    @property
    def layers(self) -> list[str]:
        """Names of the tracked layers."""
        return [name for name, _ in self._hooks.layers]

    def activations(
        self, x: torch.Tensor, *, batch_size: int | None = None
    ) -> dict[str, torch.Tensor]:
        """The tracked layers' outputs on x, (n, units) each, with the model in eval mode."""
        if not self._hooks.handles:
            raise RuntimeError("this InformationPlane is closed; make a new one")
        training = self.model.training
        self.model.eval()
        for stored in self._hooks.outputs.values():
            stored.clear()
        self._hooks.recording = True
        try:
            with torch.no_grad():
                step = batch_size or x.shape[0]
                for start in range(0, x.shape[0], step):
                    self.model(x[start : start + step])
        finally:
            self._hooks.recording = False
            self.model.train(training)
        out = {}
        for name, stored in self._hooks.outputs.items():
            if not stored:
                raise RuntimeError(
                    f"layer {name!r} produced no tensor when the model ran; is it used in "
                    "forward()?"
                )
            out[name] = torch.cat(stored)
            stored.clear()
        return out

    def update(
        self,
        x: torch.Tensor,
        y: torch.Tensor,
        epoch: int | None = None,
        *,
        y_discrete: bool | None = None,
        batch_size: int | None = None,
    ) -> list[dict[str, Any]]:
        """Run the model on x and record I(X; T) and I(T; Y) of every tracked layer.

        Parameters
        ----------
        x : Tensor of shape (n, ...)
            Inputs, on the model's device.
        y : Tensor of shape (n,) or (n, d)
            Targets.
        epoch : int, optional
            Stored with the records (default: the number of updates so far).
        y_discrete : bool, optional
            Whether y holds labels; None: integer and boolean tensors do.
        batch_size : int, optional
            Run the model on x in batches of this size (the estimates use all of x).

        Returns
        -------
        list of dict
            This update's records, also appended to :attr:`history`.
        """
        if not isinstance(x, torch.Tensor) or not isinstance(y, torch.Tensor):
            raise TypeError("x and y must be torch tensors (inputs and targets)")
        if x.shape[0] != y.shape[0]:
            raise ValueError(
                f"y has {y.shape[0]} samples but x has {x.shape[0]}; pass one target per input"
            )
        if y_discrete is None:
            y_discrete = not y.is_floating_point()
        if epoch is None:
            epoch = len({r["epoch"] for r in self.history})
        acts = self.activations(x, batch_size=batch_size)
        layers = list(acts.values())
        xs = _flat(x.detach())
        if self.estimator == "binned":
            options: dict[str, Any] = {
                "method": "binned",
                "bins": self.bins,
                "correction": self.correction,
                "base": self.base,
            }
            i_xt = mutual_info(layers, xs, y_discrete=True, **options)
            i_ty = mutual_info(layers, y, y_discrete=y_discrete, **options)
        elif self.estimator == "kde":
            labels = y if y_discrete else None
            if labels is None:
                raise ValueError("estimator='kde' measures I(T; Y) for labels: y must be discrete")
            i_xt = torch.stack([_kde_information(t, None, self.noise_variance) for t in layers])
            i_ty = torch.stack([_kde_information(t, labels, self.noise_variance) for t in layers])
            i_xt, i_ty = i_xt / self._divisor, i_ty / self._divisor
        else:
            options = {"method": self.estimator, "k": self.k, "base": self.base}
            i_xt = mutual_info(layers, xs, **options)
            i_ty = mutual_info(layers, y, y_discrete=y_discrete, **options)
        records = [
            {
                "epoch": epoch,
                "layer": name,
                "i_xt": float(a),
                "i_ty": float(b),
                "estimator": self.estimator,
                "unit": self.unit,
            }
            for name, a, b in zip(acts, i_xt.tolist(), i_ty.tolist(), strict=True)
        ]
        self.history.extend(records)
        return records

    def plot(self, path: Any = None, *, ax: Any = None, cmap: str = "viridis") -> Any:
        """Draw the information plane: one line per layer, points coloured by epoch.

        Parameters
        ----------
        path : str or path-like, optional
            Save the figure there (PNG for a .png name).
        ax : matplotlib Axes, optional
            Draw into it; otherwise a new figure.
        cmap : str, default "viridis"

        Returns
        -------
        matplotlib.axes.Axes
        """
        if not self.history:
            raise ValueError("nothing to plot: call update() at least once first")
        try:
            from matplotlib.figure import Figure
        except ImportError as err:  # pragma: no cover - the plot extra is missing
            raise ImportError("plot() needs matplotlib: pip install 'fastit[plot]'") from err
        if ax is None:
            ax = Figure(figsize=(6, 4.5), layout="constrained").subplots()
        epochs = [r["epoch"] for r in self.history]
        lo, hi = min(epochs), max(epochs)
        points = None
        for name in self.layers:
            rows = sorted((r for r in self.history if r["layer"] == name), key=lambda r: r["epoch"])
            xs = [r["i_xt"] for r in rows]
            ys = [r["i_ty"] for r in rows]
            ax.plot(xs, ys, color="0.75", linewidth=0.8, zorder=1)
            points = ax.scatter(
                xs, ys, c=[r["epoch"] for r in rows], cmap=cmap, vmin=lo, vmax=hi, s=14, zorder=2
            )
            ax.annotate(name, (xs[-1], ys[-1]), textcoords="offset points", xytext=(4, 4))
        ax.set_xlabel(f"I(X; T) [{self.unit}]")
        ax.set_ylabel(f"I(T; Y) [{self.unit}]")
        ax.set_title(f"Information plane ({self.estimator})")
        if points is not None:
            ax.figure.colorbar(points, ax=ax, label="epoch")
        if path is not None:
            ax.figure.savefig(path, dpi=120)
        return ax

    def close(self) -> None:
        """Remove the hooks (the history stays)."""
        self._hooks.close()

    def __enter__(self) -> InformationPlane:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InformationFlowMonitor:
    """Per-layer activation statistics and gradient norms, from hooks.

    Every forward pass through a watched layer keeps its output (detached); when the
    output takes part in a backward pass, the norm of the gradient reaching it is kept
    too. :meth:`records` summarises the latest batch of each layer:

    - ``entropy``: the Shannon entropy of each unit's activation cut into ``bins``
      equal-width bins over its observed range in the batch (Miller-Madow corrected),
      averaged over units, in nats (bits with ``base=2``). It is the entropy of a
      discretised unit, between 0 (a dead or constant unit) and ln(bins); it is not a
      differential entropy, which ReLU's atom at 0 would send to minus infinity.
    - ``mean``, ``std``: over all units and samples; ``sparsity``: the fraction of exact
      zeros; ``grad_norm``: the L2 norm of d(loss)/d(output) in the latest backward pass
      (NaN before one).

    Parameters
    ----------
    model : nn.Module
    layers : sequence of str or nn.Module, optional
        Default: every leaf module (no children) of the model.
    bins : int, default 30
    base : float, optional

    Examples
    --------
    >>> import torch, fastit.torch
    >>> model = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.ReLU(), torch.nn.Linear(5, 1))
    >>> with fastit.torch.InformationFlowMonitor(model) as monitor:
    ...     model(torch.randn(64, 3)).square().mean().backward()
    ...     table = monitor.records()
    >>> [row["layer"] for row in table]
    ['0', '1', '2']
    """

    def __init__(
        self,
        model: nn.Module,
        layers: Sequence[str | nn.Module] | None = None,
        *,
        bins: int = 30,
        base: float | None = None,
    ) -> None:
        if not isinstance(model, nn.Module):
            raise TypeError(f"model must be a torch.nn.Module, got {type(model).__name__}")
        if layers is None:
            layers = [name for name, m in model.named_modules() if name and not any(m.children())]
        self.layers = _resolve_layers(model, layers)
        self.bins: int = bins
        self.base: float | None = base
        self._divisor: float = log_base(base)
        self.unit: str = _unit(base)
        self._last: dict[str, torch.Tensor] = {}
        self._grad: dict[str, float] = {}
        self._handles = [m.register_forward_hook(self._keeper(name)) for name, m in self.layers]

    def _keeper(self, name: str) -> Any:
        def hook(module: nn.Module, inputs: Any, output: Any) -> None:
            t = _output_tensor(output)
            if t is None:
                return
            self._last[name] = _flat(t.detach())
            if t.requires_grad:
                # A tensor hook, not a module backward hook: it works with in-place layers.
                t.register_hook(  # type: ignore[no-untyped-call]
                    lambda g: self._grad.__setitem__(name, float(g.norm()))
                )

        return hook

    def records(self) -> list[dict[str, Any]]:
        """One dict per watched layer that has run: the statistics of its latest batch."""
        rows = []
        for name, _ in self.layers:
            if name not in self._last:
                continue
            a = self._last[name]
            units = a.shape[1]
            if a.shape[0] > 1:
                per_unit = a.T.unsqueeze(2).to(torch.float64)  # one problem per unit
                entropy = float(
                    binned_entropy(per_unit, bins=self.bins, correction="miller-madow").mean()
                )
            else:
                entropy = 0.0
            rows.append(
                {
                    "layer": name,
                    "units": units,
                    "entropy": entropy / self._divisor,
                    "mean": float(a.float().mean()),
                    "std": float(a.float().std()) if a.numel() > 1 else 0.0,
                    "sparsity": float((a == 0).float().mean()),
                    "grad_norm": self._grad.get(name, math.nan),
                    "unit": self.unit,
                }
            )
        return rows

    def summary(self) -> str:
        """The records as a text table."""
        rows = self.records()
        header = (
            f"{'layer':<16} {'units':>6} {'entropy':>9} {'mean':>9} {'std':>9} "
            f"{'sparsity':>8} {'grad norm':>10}"
        )
        lines = [header, "-" * len(header)]
        for r in rows:
            lines.append(
                f"{r['layer'][:16]:<16} {r['units']:>6} {r['entropy']:>9.4f} {r['mean']:>9.4f} "
                f"{r['std']:>9.4f} {r['sparsity']:>8.3f} {r['grad_norm']:>10.4g}"
            )
        lines.append(f"entropy in {self.unit} per unit ({self.bins} equal-width bins)")
        return "\n".join(lines)

    def reset(self) -> None:
        """Forget the kept batches and gradient norms."""
        self._last.clear()
        self._grad.clear()

    def close(self) -> None:
        """Remove the hooks."""
        for handle in self._handles:
            handle.remove()
        self._handles = []

    def __enter__(self) -> InformationFlowMonitor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
