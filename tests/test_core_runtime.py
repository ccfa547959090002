"""The compiled core as a citizen of the interpreter: it releases the GIL while it works,
stops on Ctrl-C, and turns bad input into ValueError instead of crashing."""

import subprocess
import sys
import textwrap
import threading
import time

import numpy as np
import pytest

import fastit
from fastit import _core


def _slow_inputs(n=400_000, d=4):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((n, d))
    return x, x + rng.standard_normal((n, d))


def test_gil_is_released_during_an_estimate():
    # A Python thread keeps counting while the core works; with the GIL held it could not.
    x, y = _slow_inputs(200_000, 3)
    ticks = []
    done = threading.Event()

    def recorder():
        while not done.is_set():
            ticks.append(time.perf_counter())
            time.sleep(0.005)

    thread = threading.Thread(target=recorder)
    thread.start()
    try:
        start = time.perf_counter()
        fastit.mutual_info(x, y, n_jobs=1)
        end = time.perf_counter()
    finally:
        done.set()
        thread.join()
    during = [t for t in ticks if start < t < end]
    # One tick every ~5 ms is possible; require a healthy fraction of that.
    assert len(during) >= 0.2 * (end - start) / 0.005


def test_ctrl_c_stops_a_long_estimate(tmp_path):
    script = textwrap.dedent(
        """
        import os, signal, threading, time
        import numpy as np
        import fastit
        rng = np.random.default_rng(0)
        x = rng.standard_normal((2_000_000, 4))
        y = x + rng.standard_normal((2_000_000, 4))
        threading.Timer(1.0, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
        start = time.perf_counter()
        try:
            fastit.mutual_info(x, y, n_jobs=2)
        except KeyboardInterrupt:
            print("interrupted after", round(time.perf_counter() - start, 2))
        else:
            print("finished")
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,  # not the checkout, whose fastit/ may have no compiled core
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("interrupted after"), out.stdout
    assert float(out.stdout.split()[-1]) < 5.0


def _with_params(row: int, value: float) -> tuple[np.ndarray, np.ndarray]:
    """Ten points and valid column parameters (shift 0, scale 1, no jitter, stream 0) with
    one entry replaced."""
    params = np.array([[0.0], [1.0], [0.0], [0.0]])
    params[row, 0] = value
    return np.arange(10.0).reshape(-1, 1), params


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: _core.knn_distances(np.zeros((10, 2)), 10, 1), "k must be"),
        (lambda: _core.knn_distances(np.zeros((10, 2)), 3, 0), "n_jobs"),
        (lambda: _core.knn_distances(np.zeros(10), 3, 1), "2-D"),
        (lambda: _core.knn_distances(np.zeros((1, 2)), 1, 1), "at least 2"),
        (lambda: _core.count_neighbors(np.zeros((10, 2)), np.zeros(9), True, 1), "radii"),
        (
            lambda: _core.ksg(
                np.zeros((10, 1)),
                np.zeros((4, 1)),
                np.zeros((9, 1)),
                np.zeros((4, 1)),
                3,
                1,
                0,
                1,
                False,
            ),
            "as many samples",
        ),
        (
            lambda: _core.ksg(
                np.zeros((10, 1)),
                np.zeros((2, 1)),
                np.zeros((10, 1)),
                np.zeros((4, 1)),
                3,
                1,
                0,
                1,
                False,
            ),
            "x_params",
        ),
        (
            lambda: _core.ksg(
                np.zeros((10, 1)),
                np.zeros((4, 1)),
                np.zeros((10, 1)),
                np.zeros((4, 1)),
                3,
                3,
                0,
                1,
                False,
            ),
            "algorithm",
        ),
        (
            lambda: _core.ross(np.zeros((4, 1)), np.zeros((4, 1)), np.arange(4), 1, 0, 1, False),
            "only once",
        ),
        (
            lambda: _core.ross(
                np.zeros((4, 1)), np.zeros((4, 1)), -np.ones(4, dtype=np.int64), 1, 0, 1, False
            ),
            "codes",
        ),
        (
            lambda: _core.ross(
                np.zeros((4, 1)), np.zeros((4, 1)), np.array([0, 0, 1, 2**63 - 1]), 1, 0, 1, False
            ),
            "codes in",
        ),
        (lambda: _core.count_neighbors(np.zeros((3, 1)), np.array([1.0, -1.0, 0.0]), True), ">= 0"),
        (
            lambda: _core.count_neighbors(np.zeros((3, 1)), np.array([1.0, np.nan, 0.0]), True),
            "NaN",
        ),
        (lambda: _core.kozachenko_leonenko(*_with_params(3, 0.5), 3, 0, 1, False), "stream ids"),
        (lambda: _core.kozachenko_leonenko(*_with_params(3, -1.0), 3, 0, 1, False), "stream ids"),
        (lambda: _core.kozachenko_leonenko(*_with_params(3, 2.0**53), 3, 0, 1, False), "stream"),
        (lambda: _core.kozachenko_leonenko(*_with_params(2, -1e-3), 3, 0, 1, False), "amplitude"),
        (lambda: _core.kozachenko_leonenko(*_with_params(0, np.nan), 3, 0, 1, False), "finite"),
        (lambda: _core.kozachenko_leonenko(*_with_params(1, np.inf), 3, 0, 1, False), "finite"),
    ],
)
def test_core_rejects_bad_input_with_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")
def test_large_input_paths_give_the_same_answers():
    # Above a size threshold the core sorts in place and rebuilds sorted marginals instead
    # of keeping them; lowering the threshold runs those paths on small data.
    rng = np.random.default_rng(5)
    x = rng.standard_normal(20_000)
    y = 0.5 * x + rng.standard_normal(20_000)
    ties = np.round(x, 1)

    def all_estimates():
        return [
            fastit.mutual_info(x, y),
            fastit.mutual_info(ties, y, method="ksg2"),
            fastit.mutual_info(x, y, method="mixed"),
            fastit.differential_entropy(np.column_stack([x, y])),
            fastit.conditional_mutual_info(x, y, ties),
        ]

    default = all_estimates()
    old = _core._set_large_input_threshold(1000)
    try:
        large = all_estimates()
    finally:
        _core._set_large_input_threshold(old)
    # The same counts; sums may run in another order (the grid's cells differ), so compare
    # to rounding.
    np.testing.assert_allclose(large, default, rtol=1e-13, atol=0)


def test_sorted_lines_above_the_radix_split_keep_equal_values_in_index_order():
    # Beyond 2^20 values the radix sort splits in place, which moves equal values out of
    # input order, and puts them back in index order. The Gao estimator sums its marginal
    # terms in sorted order over unjittered, tied data, so the sum is the same to the bit
    # only if the order is: compare with the large-input paths' comparison sort.
    # Copies of an x value get different radii from the continuous y, so their terms differ.
    rng = np.random.default_rng(8)
    n = 1_200_000
    x = np.round(rng.standard_normal(n), 3)
    x[rng.random(n) < 0.9] = 0.0  # one value more than 2^20 times
    y = x + 0.01 * rng.standard_normal(n)
    default = fastit.mutual_info(x, y, method="mixed")
    old = _core._set_large_input_threshold(1000)
    try:
        large = fastit.mutual_info(x, y, method="mixed")
    finally:
        _core._set_large_input_threshold(old)
    assert default == large
