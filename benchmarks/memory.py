"""Peak memory of one KSG estimate, measured in a fresh process.

    python benchmarks/memory.py          # n = 1e8: two float64 arrays of 0.8 GB each
    python benchmarks/memory.py 1e6 --method ksg2 -k 5

The child process imports fastit, builds x and y as float64 arrays of shape (n,) in place
(correlated Gaussians, rho = 0.6; no temporaries), warms fastit up on 2000 samples, reads
its resident set size (RSS, /proc/self/statm), runs ``fastit.mutual_info(x, y)`` once and
reads its peak RSS (``resource.getrusage(RUSAGE_SELF).ru_maxrss``). Reported:

  input         bytes of x and y together
  RSS before    RSS just before the estimator call (interpreter, libraries, input)
  peak RSS      peak RSS of the child over its life
  extra         peak RSS - RSS before: what the estimate itself needed at most
  peak / input  and extra / input, as ratios

If data generation peaked above the estimate (it should not), ``extra`` is a lower bound
and the report says so.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def peak_rss_bytes() -> int:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak if sys.platform == "darwin" else peak * 1024  # kB on Linux, bytes on macOS


def current_rss_bytes() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:  # no /proc: fall back to the peak so far
        return peak_rss_bytes()


def child(n: int, k: int, method: str) -> dict[str, float]:
    import numpy as np

    import fastit

    sys.path.insert(0, HERE)
    from compare import correlated_gaussian, gaussian_mi

    x, y = correlated_gaussian(n, 1, 0.6, seed=0)
    assert x.shape == y.shape == (n,)
    assert x.dtype == y.dtype == np.float64
    fastit.mutual_info(x[:2000], y[:2000], k=k, method=method)
    gc.collect()
    before = current_rss_bytes()
    peak_before = peak_rss_bytes()
    start = time.perf_counter()
    estimate = fastit.mutual_info(x, y, k=k, method=method)
    seconds = time.perf_counter() - start
    return {
        "n": n,
        "input": x.nbytes + y.nbytes,
        "before": before,
        "peak_before": peak_before,
        "peak": peak_rss_bytes(),
        "seconds": seconds,
        "estimate": float(estimate),
        "truth": gaussian_mi(0.6, 1),
    }


def gb(b: float) -> str:
    return f"{b / 1e9:8.3f} GB"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("n", nargs="?", default="1e8", help="samples [1e8]")
    p.add_argument("-k", "--k", type=int, default=3)
    p.add_argument("--method", default="ksg1", choices=["ksg1", "ksg2"])
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    n = int(float(args.n))

    if args.child:
        print(json.dumps(child(n, args.k, args.method)))
        return 0

    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        str(n),
        "-k",
        str(args.k),
        "--method",
        args.method,
        "--child",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        print(f"child process failed with exit code {proc.returncode}", file=sys.stderr)
        return 1
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    extra = r["peak"] - r["before"]
    print(
        f"fastit.mutual_info(x, y, k={args.k}, method={args.method!r}), x and y float64 "
        f"of shape ({n},), in a fresh process"
    )
    print(
        f"  estimate      {r['estimate']:.5f} nats (truth {r['truth']:.5f}) in {r['seconds']:.1f} s"
    )
    print(f"  input         {gb(r['input'])}  ({r['input']} bytes)")
    print(f"  RSS before    {gb(r['before'])}  ({r['before']} bytes)")
    print(f"  peak RSS      {gb(r['peak'])}  ({r['peak']} bytes)")
    print(f"  extra         {gb(extra)}  ({extra} bytes) = peak RSS - RSS before")
    print(f"  peak / input  {r['peak'] / r['input']:8.2f}")
    print(f"  extra / input {extra / r['input']:8.2f}")
    if r["peak_before"] >= r["peak"]:
        print("  note: the process peaked before the estimate; extra is a lower bound")
    return 0


if __name__ == "__main__":
    sys.exit(main())
