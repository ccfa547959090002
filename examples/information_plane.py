"""Train a small MLP and draw its information plane (Shwartz-Ziv and Tishby's setting).

    python examples/information_plane.py                  # writes information_plane.png
    python examples/information_plane.py out.png --activation relu --estimator kde

The inputs are all 4096 patterns of 12 bits; the label is a fixed non-linear function of
them, so Y is a deterministic function of X. A 12-10-7-5-4-3-2 network trains full-batch on
the CPU (about half a minute), and every few epochs fastit.torch.InformationPlane records
I(X; T) and I(T; Y) of each hidden layer, in bits. Bins follow each unit's observed range,
so a ReLU network shows no "compression" made by fixed [-1, 1] bins.
"""

from __future__ import annotations

import argparse
import time

import torch
from torch import nn
from tqdm.auto import tqdm

import fastit.torch as ft


def task(seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """All 12-bit patterns (as +-1) and a label from a random spherical threshold."""
    bits = (torch.arange(4096)[:, None] >> torch.arange(12)) & 1
    x = bits.float() * 2 - 1
    g = torch.Generator().manual_seed(seed)
    w = torch.randn(12, generator=g)
    score = (x @ w) ** 2 + 3 * (x[:, :3].prod(dim=1))
    y = (score > score.median()).long()
    return x, y


def network(activation: str) -> nn.Sequential:
    act = {"tanh": nn.Tanh, "relu": nn.ReLU}[activation]
    widths = [12, 10, 7, 5, 4, 3]
    layers: list[nn.Module] = []
    for a, b in zip(widths[:-1], widths[1:], strict=True):
        layers += [nn.Linear(a, b), act()]
    layers.append(nn.Linear(widths[-1], 2))
    return nn.Sequential(*layers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", nargs="?", default="information_plane.png")
    parser.add_argument("--activation", choices=["tanh", "relu"], default="tanh")
    parser.add_argument("--estimator", choices=["binned", "kde"], default="binned")
    parser.add_argument("--epochs", type=int, default=1500)
    parser.add_argument("--every", type=int, default=30, help="epochs between measurements")
    args = parser.parse_args()

    torch.manual_seed(0)
    x, y = task()
    model = network(args.activation)
    hidden = [name for name, m in model.named_modules() if isinstance(m, (nn.Tanh, nn.ReLU))]
    optimiser = torch.optim.Adam(model.parameters(), lr=1e-3)
    start = time.perf_counter()
    with ft.InformationPlane(model, hidden, estimator=args.estimator, bins=30, base=2) as plane:
        for epoch in tqdm(range(args.epochs + 1), desc="training", leave=False, disable=None):
            if epoch % args.every == 0:
                plane.update(x, y, epoch=epoch)
            optimiser.zero_grad()
            loss = nn.functional.cross_entropy(model(x), y)
            loss.backward()
            optimiser.step()
        plane.plot(args.output)
    accuracy = float((model(x).argmax(dim=1) == y).float().mean())
    print(
        f"trained {args.epochs} epochs in {time.perf_counter() - start:.1f} s; "
        f"accuracy {accuracy:.3f}; information plane saved to {args.output}"
    )
    last = [r for r in plane.history if r["epoch"] == plane.history[-1]["epoch"]]
    for r in last:
        print(
            f"  layer {r['layer']:>3}: I(X;T) = {r['i_xt']:.3f} bits, I(T;Y) = {r['i_ty']:.3f} bits"
        )


if __name__ == "__main__":
    main()
