"""fastit.torch's kernels against the compiled core on the CPU (issue 6).

    python benchmarks/bench_torch.py                    # on the GPU if there is one
    python benchmarks/bench_torch.py --device cpu --sizes 1e4 --binned-n 1e7
    pytest benchmarks/bench_torch.py                    # the pytest-benchmark suite

The table: KSG algorithm 1 (k = 3) on correlated Gaussians, 1+1 and 8+8 dimensions, with
``fastit.torch.mutual_info`` on float64 and float32 tensors of the device beside
``fastit.mutual_info`` (the compiled core's kd-tree, every CPU core); then binned MI
(64 x 64 equal-width bins) on the device beside the NumPy path. ``ratio`` is core time /
torch time (above 1: the device is faster); ``|diff|`` the difference of the estimates
(float64 should show about 1e-13 or less: the same counts). Device times include the
synchronisation, and each case is warmed up once on a small input. Defaults: n = 1e5 and
1e6 and binned n = 1e8 on a GPU; n = 1e4 and binned n = 1e7 on a CPU, where brute force
costs O(n^2) and the core's kd-tree wins by far.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import fastit

torch = pytest.importorskip("torch")
import fastit.torch as ft  # noqa: E402


def correlated(n: int, d: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """d independent pairs with correlation 0.6: I = -d/2 ln(1 - 0.36) nats."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    return x, 0.6 * x + 0.8 * rng.standard_normal((n, d))


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def timed(function: Callable[[], Any], device: str, repeat: int) -> tuple[float, Any]:
    best, value = np.inf, None
    for _ in range(repeat):
        _sync(device)
        start = time.perf_counter()
        value = function()
        _sync(device)
        best = min(best, time.perf_counter() - start)
    return best, value


@pytest.mark.benchmark(group="torch-ksg")
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_torch_ksg_cpu(benchmark, dtype: str) -> None:
    x, y = correlated(3000, 1)
    tx = torch.from_numpy(x).to(getattr(torch, dtype))
    ty = torch.from_numpy(y).to(getattr(torch, dtype))
    value = benchmark(ft.mutual_info, tx, ty)
    tolerance = 1e-12 if dtype == "float64" else 1e-3
    assert float(value) == pytest.approx(fastit.mutual_info(x, y), abs=tolerance)


@pytest.mark.benchmark(group="torch-binned")
def test_torch_binned_cpu(benchmark) -> None:
    x, y = correlated(10**6, 1)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    value = benchmark(ft.mutual_info, tx, ty, method="binned", bins=64, correction=None)
    want = fastit.mutual_info(x, y, method="binned", bins=64, correction=None)
    assert float(value) == pytest.approx(want, abs=1e-12)


def ksg_rows(device: str, sizes: list[int], dims: list[int], repeat: int) -> list[str]:
    rows = []
    warm_x, warm_y = correlated(2000, 1)
    fastit.mutual_info(warm_x, warm_y)
    ft.mutual_info(torch.from_numpy(warm_x).to(device), torch.from_numpy(warm_y).to(device))
    for d in dims:
        for n in sizes:
            x, y = correlated(n, d)
            core_s, core_value = timed(lambda x=x, y=y: fastit.mutual_info(x, y), "cpu", 1)
            for dtype in (torch.float64, torch.float32):
                tx = torch.from_numpy(x).to(device=device, dtype=dtype)
                ty = torch.from_numpy(y).to(device=device, dtype=dtype)
                seconds, value = timed(
                    lambda tx=tx, ty=ty: float(ft.mutual_info(tx, ty)), device, repeat
                )
                name = str(dtype).removeprefix("torch.")
                rows.append(
                    f"| KSG1 {d}+{d} | {n:.0e} | {name} | {seconds:.3f} | {core_s:.3f} | "
                    f"{core_s / seconds:.2f} | {abs(value - core_value):.1e} |"
                )
                print(rows[-1], flush=True)
    return rows


def binned_rows(device: str, n: int, repeat: int) -> list[str]:
    rng = np.random.default_rng(0)
    x = rng.standard_normal(n)
    y = 0.6 * x + 0.8 * rng.standard_normal(n)
    options = {"method": "binned", "bins": 64, "correction": None}
    core_s, core_value = timed(lambda: fastit.mutual_info(x, y, **options), "cpu", repeat)
    rows = []
    for dtype in (torch.float64, torch.float32):
        tx = torch.from_numpy(x).to(device=device, dtype=dtype)
        ty = torch.from_numpy(y).to(device=device, dtype=dtype)
        ft.mutual_info(tx[:1000], ty[:1000], **options)  # warm-up
        seconds, value = timed(
            lambda tx=tx, ty=ty: float(ft.mutual_info(tx, ty, **options)), device, repeat
        )
        name = str(dtype).removeprefix("torch.")
        rows.append(
            f"| binned 64x64 | {n:.0e} | {name} | {seconds:.4f} | {core_s:.4f} | "
            f"{core_s / seconds:.2f} | {abs(value - core_value):.1e} |"
        )
        print(rows[-1], flush=True)
    return rows


def main() -> None:
    cuda = torch.cuda.is_available()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--device", default="cuda" if cuda else "cpu")
    parser.add_argument("--sizes", type=float, nargs="+", default=[1e5, 1e6] if cuda else [1e4])
    parser.add_argument("--dims", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--binned-n", type=float, default=1e8 if cuda else 1e7)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    where = torch.cuda.get_device_name() if args.device.startswith("cuda") else "CPU"
    print(f"fastit.torch on {args.device} ({where}); core on the CPU with every core")
    print("| case | n | dtype | torch s | core s | ratio | abs(diff) |")
    print("|---|---|---|---|---|---|---|", flush=True)
    ksg_rows(args.device, [int(n) for n in args.sizes], args.dims, args.repeat)
    binned_rows(args.device, int(args.binned_n), args.repeat)


if __name__ == "__main__":
    main()
