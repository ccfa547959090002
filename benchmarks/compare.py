"""fastit beside scikit-learn, SciPy, NPEET-style and ennemi on the same data, in one process.

    python benchmarks/compare.py                 # the cases below
    python benchmarks/compare.py --quick         # small sizes, a few seconds (smoke test)
    python benchmarks/compare.py --sizes 1e5 1e6 --repeat 5
    python benchmarks/compare.py --slow-peers    # also cKDTree at the fastit-alone size
    python benchmarks/compare.py --big           # also n = 1e8, fastit alone (~2 GB of input)

Cases (KSG algorithm 1, k = 3, correlated Gaussians with rho = 0.6, fixed seed):
  1+1 dims at n = 1e6 (``--sizes``) vs scikit-learn, a KSG on SciPy's cKDTree, NPEET's
  algorithm (one thread, as NPEET runs) and ennemi (if installed: ``pip install ennemi``);
  1+1 dims at n = 1e7, fastit alone (target under 5 s);
  4+4 dims (four independent pairs) at n = 1e5 vs cKDTree KSG and NPEET-style;
  1+1 dims at n = 1e8 with ``--big``, fastit alone.
Drop-in twin (``fastit.compat.sklearn.mutual_info_regression`` against scikit-learn's,
same arguments and random_state, so the same numbers), target at least 20x:
  one feature at n = 1e6, and 1000 features at n = 1e4 (``--no-compat`` skips them);
``fastit.compat.scipy.differential_entropy`` against SciPy's at n = 1e6 (vasicek, ebrahimi).

Every library is warmed up once on the first 2000 samples; then fastit is timed best of
``--repeat`` and each peer best of ``--peer-repeat`` (time.perf_counter). fastit runs
with its defaults (standardised, all cores); cKDTree uses ``workers=-1``;
scikit-learn uses one thread. ratio = peer time / fastit time.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from peers import ckdtree_ksg1, ennemi_ksg, npeet_style_ksg1, sklearn_ksg1

import fastit

WARMUP_N = 2000
FASTIT_TARGET_S = {10**7: 5.0}


def correlated_gaussian(n: int, d: int, rho: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """d independent pairs (x_c, y_c) of standard normals with correlation rho.

    Shapes (n,) each for d == 1, else (n, d); float64. Built in place, so the peak
    memory is the two arrays and nothing more (memory.py relies on it).
    """
    rng = np.random.default_rng(seed)
    shape = (n,) if d == 1 else (n, d)
    x = np.empty(shape)
    y = np.empty(shape)
    rng.standard_normal(out=x)
    rng.standard_normal(out=y)
    s = np.sqrt(1.0 - rho * rho)
    step = 1 << 20
    for i in range(0, n, step):
        part = y[i : i + step]
        part *= s
        part += rho * x[i : i + step]
    return x, y


def gaussian_mi(rho: float, d: int) -> float:
    """Closed-form I(X;Y) of d independent pairs with correlation rho, in nats."""
    return -0.5 * d * np.log(1.0 - rho * rho)


@dataclass
class Timing:
    seconds: float
    estimate: float


def best_of(fn: Callable[[np.ndarray, np.ndarray], float], x, y, repeat: int) -> Timing:
    fn(x[:WARMUP_N], y[:WARMUP_N])
    seconds, estimate = np.inf, np.nan
    for _ in range(repeat):
        start = time.perf_counter()
        estimate = fn(x, y)
        seconds = min(seconds, time.perf_counter() - start)
    return Timing(seconds, float(estimate))


@dataclass
class Row:
    case: str
    n: int
    dims: str
    fastit: Timing
    truth: float
    peer: str = "-"
    other: Timing | None = None
    raw_diff: float | None = None  # |fastit(standardize=False) - peer|, cKDTree only
    note: str = ""


def fmt_n(n: int) -> str:
    e = int(np.log10(n))
    return f"1e{e}" if 10**e == n else str(n)


def print_table(rows: list[Row]) -> None:
    head = (
        f"{'case':<6} {'n':>5} {'dims':>5} {'peer':<11} {'fastit s':>9} {'peer s':>9}"
        f" {'ratio':>7} {'fastit MI':>10} {'peer MI':>10} {'|d raw|':>8} {'truth':>7}  note"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        peer_s = f"{r.other.seconds:9.3f}" if r.other else f"{'-':>9}"
        ratio = f"{r.other.seconds / r.fastit.seconds:7.1f}" if r.other else f"{'-':>7}"
        peer_mi = f"{r.other.estimate:10.5f}" if r.other else f"{'-':>10}"
        diff = f"{r.raw_diff:8.1e}" if r.raw_diff is not None else f"{'-':>8}"
        print(
            f"{r.case:<6} {fmt_n(r.n):>5} {r.dims:>5} {r.peer:<11} {r.fastit.seconds:9.3f}"
            f" {peer_s} {ratio} {r.fastit.estimate:10.5f} {peer_mi} {diff} {r.truth:7.4f}"
            f"  {r.note}".rstrip()
        )


def run_case(
    n: int,
    d: int,
    peers: list[str],
    args: argparse.Namespace,
) -> list[Row]:
    x, y = correlated_gaussian(n, d, args.rho, args.seed)
    k = args.k
    truth = gaussian_mi(args.rho, d)

    def ours(a, b):
        return fastit.mutual_info(a, b, k=k, method="ksg1")

    def ours_raw(a, b):
        return fastit.mutual_info(a, b, k=k, method="ksg1", standardize=False)

    peer_fns = {
        "sklearn": lambda a, b: sklearn_ksg1(a, b, k),
        "cKDTree": lambda a, b: ckdtree_ksg1(a, b, k),
        "NPEET-style": lambda a, b: npeet_style_ksg1(a, b, k),
        "ennemi": lambda a, b: ennemi_ksg(a, b, k),
    }
    case = "ksg1"
    dims = f"{d}+{d}"
    mine = best_of(ours, x, y, args.repeat)
    note = ""
    if not peers and n in FASTIT_TARGET_S:
        target = FASTIT_TARGET_S[n]
        note = f"target < {target:g} s: {'met' if mine.seconds < target else 'MISSED'}"
    if not peers:
        return [Row(case, n, dims, mine, truth, note=note)]
    rows = []
    for name in peers:
        if name in ("sklearn", "ennemi") and d != 1:  # both take one 1-D x against 1-D y
            continue
        try:
            other = best_of(peer_fns[name], x, y, args.peer_repeat)
        except ImportError as exc:
            rows.append(Row(case, n, dims, mine, truth, peer=name, note=f"skipped: {exc}"))
            continue
        raw_diff = None
        if name == "cKDTree":
            raw_diff = abs(ours_raw(x, y) - other.estimate)
        rows.append(Row(case, n, dims, mine, truth, peer=name, other=other, raw_diff=raw_diff))
    return rows


def compat_case(n: int, p: int, args: argparse.Namespace) -> str:
    """fastit.compat.sklearn.mutual_info_regression beside scikit-learn's, on y = x_0 +
    noise with p - 1 independent features; one line of the compat table."""
    from sklearn.feature_selection import mutual_info_regression as theirs

    from fastit.compat.sklearn import mutual_info_regression as ours

    rng = np.random.default_rng(args.seed)
    X = rng.standard_normal((n, p))
    y = X[:, 0] + rng.standard_normal(n)
    ours(X[:WARMUP_N], y[:WARMUP_N], random_state=0)
    theirs(X[:WARMUP_N], y[:WARMUP_N], random_state=0)
    mine, value = np.inf, None
    for _ in range(args.repeat):
        start = time.perf_counter()
        value = ours(X, y, random_state=0)
        mine = min(mine, time.perf_counter() - start)
    peer, expected = np.inf, None
    for _ in range(args.peer_repeat):
        start = time.perf_counter()
        expected = theirs(X, y, random_state=0)
        peer = min(peer, time.perf_counter() - start)
    diff = float(np.max(np.abs(value - expected)))
    ratio = peer / mine
    verdict = "met" if ratio >= 20 else "MISSED"
    return (
        f"{fmt_n(n):>5} {p:>8} {mine:9.3f} {peer:9.3f} {ratio:7.1f} {diff:9.1e}"
        f"  target >= 20x: {verdict}"
    )


def scipy_case(n: int, method: str, args: argparse.Namespace) -> str:
    """fastit.compat.scipy.differential_entropy beside SciPy's on n Gaussian samples."""
    from scipy.stats import differential_entropy as theirs

    from fastit.compat.scipy import differential_entropy as ours

    x = np.random.default_rng(args.seed).standard_normal(n)
    timings = []
    for function, repeat in ((ours, args.repeat), (theirs, args.peer_repeat)):
        function(x[:WARMUP_N], method=method)
        best, value = np.inf, 0.0
        for _ in range(repeat):
            start = time.perf_counter()
            value = function(x, method=method)
            best = min(best, time.perf_counter() - start)
        timings.append((best, value))
    (mine, a), (peer, b) = timings
    return f"{fmt_n(n):>5} {method:>9} {mine:9.3f} {peer:9.3f} {peer / mine:7.1f} {abs(a - b):9.1e}"


def parse_n(text: str) -> int:
    value = float(text)
    if value < 10 or value != int(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of samples >= 10")
    return int(value)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--quick", action="store_true", help="small sizes (seconds); a smoke test")
    p.add_argument("--sizes", type=parse_n, nargs="+", help="n of the 1+1 case vs peers [1e6]")
    p.add_argument("--alone-n", type=parse_n, help="n of the fastit-alone 1+1 case [1e7]")
    p.add_argument("--n-4d", type=parse_n, help="n of the 4+4 case vs cKDTree [1e5]")
    p.add_argument("--big", action="store_true", help="add n = 1e8 (1+1), fastit alone")
    p.add_argument("--slow-peers", action="store_true", help="run cKDTree at --alone-n too")
    p.add_argument("--repeat", type=int, default=3, help="fastit: best of N [3]")
    p.add_argument("--peer-repeat", type=int, default=1, help="peers: best of N [1]")
    p.add_argument("-k", "--k", type=int, default=3, help="neighbours [3]")
    p.add_argument("--rho", type=float, default=0.6, help="correlation of each pair [0.6]")
    p.add_argument("--seed", type=int, default=0, help="data seed [0]")
    p.add_argument("--no-compat", action="store_true", help="skip the compat.sklearn cases")
    args = p.parse_args(argv)

    sizes = args.sizes or ([10**4] if args.quick else [10**6])
    alone_n = args.alone_n or (10**5 if args.quick else 10**7)
    n_4d = args.n_4d or (10**4 if args.quick else 10**5)

    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    python = platform.python_version()
    print(f"fastit {fastit.__version__}, numpy {np.__version__}, Python {python}")
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores ({usable} usable here)")
    if hasattr(os, "getloadavg"):  # other busy processes make every time here meaningless
        print(f"load average before: {os.getloadavg()[0]:.2f}")
    print(
        f"KSG algorithm 1, k={args.k}, rho={args.rho}, seed={args.seed}; "
        f"fastit best of {args.repeat}, peers best of {args.peer_repeat}\n"
    )

    everyone = ["sklearn", "cKDTree", "NPEET-style", "ennemi"]
    plan: list[tuple[int, int, list[str]]] = [(n, 1, everyone) for n in sizes]
    plan.append((alone_n, 1, ["cKDTree"] if args.slow_peers else []))
    plan.append((n_4d, 4, ["cKDTree", "NPEET-style"]))
    if args.big:
        plan.append((10**8, 1, []))

    rows: list[Row] = []
    for n, d, peers in plan:
        print(
            f"  running ksg1 {d}+{d} at n={fmt_n(n)} ({', '.join(['fastit', *peers])}) ...",
            flush=True,
        )
        rows += run_case(n, d, peers, args)
    print()
    if hasattr(os, "getloadavg"):
        load = os.getloadavg()[0]
        print(f"load average after: {load:.2f} (about {usable} is this script alone)\n")
    print_table(rows)
    print(
        "\nratio: peer time / fastit time. truth: -0.5 ln(1 - rho^2) per pair, summed."
        "\n|d raw|: |fastit.mutual_info(..., standardize=False) - cKDTree KSG1| on the same data"
        " (same algorithm; should be ~1e-12)."
        "\nscikit-learn rescales and jitters its input and fastit standardises by default,"
        " so those estimates differ in the last digits."
    )
    if not args.no_compat:
        cases = [(10**4, 1), (2000, 50)] if args.quick else [(10**6, 1), (10**4, 1000)]
        print(
            "\nfastit.compat.sklearn.mutual_info_regression vs scikit-learn's (same arguments,"
            " random_state=0)\n"
            f"{'n':>5} {'features':>8} {'fastit s':>9} {'sklearn s':>9} {'ratio':>7}"
            f" {'max |d|':>9}"
        )
        for n, features in cases:
            print(compat_case(n, features, args), flush=True)
        n_scipy = 10**4 if args.quick else 10**6
        print(
            "\nfastit.compat.scipy.differential_entropy vs SciPy's (same arguments)\n"
            f"{'n':>5} {'method':>9} {'fastit s':>9} {'scipy s':>9} {'ratio':>7} {'|d|':>9}"
        )
        for method in ("vasicek", "ebrahimi"):
            print(scipy_case(n_scipy, method, args), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
