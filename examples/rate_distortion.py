"""Rate-distortion of a VAE on Gaussian data, against Shannon's R(D).

Trains one small VAE per beta on 3000 samples of a 4-dimensional Gaussian with
independent components of variances 4, 2, 1 and 1/4, measures each model's rate (the
mean KL of q(z|x) to the prior, nats per sample) and distortion (squared error summed
over the 4 features, with z drawn from q(z|x)), prints the table, and saves a plot with
the Gaussian R(D) by reverse water-filling, the lower bound no code can beat.

Usage::

    python examples/rate_distortion.py [OUTPUT]

OUTPUT is the PNG to write, or a folder to write ``rate_distortion.png`` into (default:
the current folder). Runs on the CPU in well under a minute.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import matplotlib
import numpy as np
import torch

from fastit.torch.vae import rate_distortion_sweep

VARIANCES = np.array([4.0, 2.0, 1.0, 0.25])
BETAS = [0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 10.0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "output",
        nargs="?",
        default=".",
        help="PNG file to write, or a folder for rate_distortion.png (default: .)",
    )
    parser.add_argument("--epochs", type=int, default=60, help="training epochs per beta")
    args = parser.parse_args()
    out = Path(args.output)
    if out.is_dir() or out.suffix == "":
        out = out / "rate_distortion.png"
    out.parent.mkdir(parents=True, exist_ok=True)

    matplotlib.use("Agg")  # no display needed
    torch.set_num_threads(1)  # networks this small only lose time to intra-op threads

    rng = np.random.default_rng(0)
    data = rng.normal(size=(3000, VARIANCES.size)) * np.sqrt(VARIANCES)

    start = time.perf_counter()
    curve = rate_distortion_sweep(
        BETAS,
        data,
        latent_dim=4,
        epochs=args.epochs,
        batch_size=128,
        lr=3e-2,
        hidden=(32,),
        random_state=0,
    )
    elapsed = time.perf_counter() - start

    bound = curve.gaussian_bound()
    print(f"{len(BETAS)} VAEs on {curve.n_samples} samples in {elapsed:.1f} s")
    print(f"covariance eigenvalues of the data: {np.round(curve.variances, 3).tolist()}")
    print()
    print(f"{'beta':>6} {'rate (nats)':>12} {'distortion':>11} {'R(D) bound':>11} {'excess':>8}")
    for beta, r, d, b in zip(curve.betas, curve.rate, curve.distortion, bound, strict=True):
        print(f"{beta:6.2f} {r:12.4f} {d:11.4f} {b:11.4f} {r - b:8.4f}")
    print()
    print("rate: E KL(q(z|x) || N(0, I)), nats per sample; distortion: squared error summed")
    print("over the features, z drawn from q(z|x); R(D): Gaussian reverse water-filling.")

    curve.plot(path=out)
    print(f"saved {out}")


if __name__ == "__main__":
    main()
