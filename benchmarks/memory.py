"""Peak memory of one KSG estimate, measured in a fresh process.

    python benchmarks/memory.py          # n = 1e8: two float64 arrays of 0.8 GB each
    python benchmarks/memory.py 1e6 --method ksg2 -k 5
    python benchmarks/memory.py 3e7 --data cauchy    # heavy tails: the kd-tree path

The child process imports fastit, builds x and y as float64 arrays of shape (n,) in place
(no temporaries beyond 1 MB chunks) from the chosen distribution, warms fastit up on 2000
samples, reads its resident set size (RSS, /proc/self/statm), runs
``fastit.mutual_info(x, y)`` once and reads its peak RSS
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``). Data (``--data``):

  gaussian      correlated standard normals, rho = 0.6: dense enough everywhere for the
                2-D grid (the default)
  cauchy        a bivariate Cauchy (Student t, 1 degree of freedom, rho = 0.6): heavy
                tails, so the joint k-NN takes the kd-tree

Reported:

  input         bytes of x and y together
  RSS before    RSS just before the estimator call (interpreter, libraries, input)
  peak RSS      peak RSS of the child over its life
  extra         peak RSS - RSS before: what the estimate itself needed at most
  peak / input  and extra / input, as ratios

``--timeline`` also samples the RSS every 5 ms during the call and prints its maximum
over 40 equal slices of the call: where in the estimate the memory goes.

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
import threading
import time
from typing import Any

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


RHO = 0.6
CHUNK = 1 << 17  # samples per generation step (1 MB of float64)


def bivariate_cauchy(n: int, rho: float, seed: int = 0) -> tuple[Any, Any]:
    """x, y of a bivariate Cauchy (Student t, 1 dof) with correlation parameter rho: a
    correlated normal pair divided by one |standard normal|. Built chunk by chunk in place."""
    import numpy as np

    rng = np.random.default_rng(seed)
    x = np.empty(n)
    y = np.empty(n)
    s = np.sqrt(1.0 - rho * rho)
    for i in range(0, n, CHUNK):
        g1, g2, w = rng.standard_normal((3, min(CHUNK, n - i)))
        w = np.abs(w)
        x[i : i + len(w)] = g1 / w
        y[i : i + len(w)] = (rho * g1 + s * g2) / w
    return x, y


def student_t_mi(rho: float, nu: float) -> float:
    """Closed-form I(X;Y) of a bivariate Student t (Arellano-Valle, Contreras-Reyes and
    Genton 2013: H(X) + H(Y) - H(X, Y) of the multivariate t entropies), in nats."""
    import numpy as np
    from scipy.special import digamma, gammaln

    def entropy_without_scale(d: int) -> float:  # H of a d-variate t, less 0.5 ln|Sigma|
        a, b = (nu + d) / 2.0, nu / 2.0
        log_norm = d / 2 * np.log(nu * np.pi) + gammaln(b) - gammaln(a)
        return float(log_norm + a * (digamma(a) - digamma(b)))

    gaussian_part = -0.5 * float(np.log(1.0 - rho * rho))
    return gaussian_part + 2 * entropy_without_scale(1) - entropy_without_scale(2)


def make_data(kind: str, n: int) -> tuple[Any, Any, float]:
    """x, y and the true I(X; Y) in nats."""
    sys.path.insert(0, HERE)
    from compare import correlated_gaussian, gaussian_mi

    if kind == "cauchy":
        return (*bivariate_cauchy(n, RHO), student_t_mi(RHO, 1.0))
    return (*correlated_gaussian(n, 1, RHO, seed=0), gaussian_mi(RHO, 1))


class RssSampler:
    """Samples the RSS every 5 ms on a thread while active: (seconds since start, bytes)."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        start = time.perf_counter()
        while not self._stop.wait(0.005):
            self.samples.append((time.perf_counter() - start, current_rss_bytes()))

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def child(n: int, k: int, method: str, data: str, timeline: bool) -> dict[str, Any]:
    import numpy as np

    import fastit

    x, y, truth = make_data(data, n)
    assert x.shape == y.shape == (n,)
    assert x.dtype == y.dtype == np.float64
    fastit.mutual_info(x[:2000], y[:2000], k=k, method=method)
    gc.collect()
    before = current_rss_bytes()
    peak_before = peak_rss_bytes()
    sampler = RssSampler()
    start = time.perf_counter()
    if timeline:
        with sampler:
            estimate = fastit.mutual_info(x, y, k=k, method=method)
    else:
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
        "truth": truth,
        "timeline": sampler.samples,
    }


def print_timeline(samples: list[tuple[float, int]], before: int, input_bytes: int) -> None:
    if not samples:
        return
    slices = 40
    end = samples[-1][0]
    print("  timeline      max RSS - RSS before, per slice of the call, in units of the input")
    for s in range(slices):
        lo, hi = end * s / slices, end * (s + 1) / slices
        inside = [rss for t, rss in samples if lo <= t < hi or (s == slices - 1 and t == end)]
        if inside:
            ratio = (max(inside) - before) / input_bytes
            print(f"    {lo:7.2f} s  {ratio:5.2f}  {'#' * max(0, round(ratio * 20))}")


def gb(b: float) -> str:
    return f"{b / 1e9:8.3f} GB"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("n", nargs="?", default="1e8", help="samples [1e8]")
    p.add_argument("-k", "--k", type=int, default=3)
    p.add_argument("--method", default="ksg1", choices=["ksg1", "ksg2"])
    p.add_argument("--data", default="gaussian", choices=["gaussian", "cauchy"])
    p.add_argument("--timeline", action="store_true", help="sample the RSS during the call")
    p.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    n = int(float(args.n))

    if args.child:
        print(json.dumps(child(n, args.k, args.method, args.data, args.timeline)))
        return 0

    cmd = [
        sys.executable,
        os.path.abspath(__file__),
        str(n),
        "-k",
        str(args.k),
        "--method",
        args.method,
        "--data",
        args.data,
        "--child",
        *(["--timeline"] if args.timeline else []),
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
        f"of shape ({n},), {args.data} data, in a fresh process"
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
    print_timeline(r["timeline"], r["before"], r["input"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
