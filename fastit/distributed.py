"""fastit's embarrassingly parallel work on a Dask cluster: pairwise MI matrices, feature
relevance and permutation nulls.

Every function takes ``client``: with ``client=None`` (the default) it simply calls the
local fastit function, which runs on this machine's cores; with a
``dask.distributed.Client`` it splits the work into independent tasks and runs them on the
cluster's workers. Either way the result is the same, bit for bit:

- :func:`pairwise_mutual_info` equals :func:`fastit.pairwise_mutual_info`. The (p, p) or
  (p, q) matrix is cut into tiles of ``block_size`` columns by ``block_size`` columns, one
  task each (for X against itself only the tiles on and above the diagonal; the others are
  their transposes). ``"binned"``: each column block is binned once, on one worker, by the
  local function's own binning (a column's edges come from its own values only), and each
  tile counts its pairs from the codes of its two blocks with the local kernel. k-NN
  methods: each tile calls :func:`fastit.pairwise_mutual_info` on its two column blocks.
- :func:`mutual_info_test` equals :func:`fastit.stats.mutual_info_test`: the same
  permutations for the same ``random_state`` (the client records where each batch starts in
  the random stream and each task redraws its own batch), evaluated ``batch_size`` at a
  time; the KSG null runs in the compiled core on the workers.
- :func:`rank_features` equals :func:`fastit.selection.relevance`, in blocks of columns.

The data are sent once per call, in one ``client.scatter`` (``hash=False``): to every
worker (``broadcast=True``) where every task needs all of it, and block by block (each
block to one worker) for the binned matrix, whose blocks are needed by one binning task
each. Tasks receive the scattered futures, never copies in the task graph. The workers must
have fastit (the same version) installed: tasks are fastit functions, imported by name on
the worker. dask is imported only when a client is given; ``import fastit`` never imports
it.

When it pays: a cluster adds scheduling (milliseconds per task) and the transfer of the
data (n x p x 8 bytes, to every worker unless said otherwise). Distribute large problems (a
pairwise matrix of thousands of columns, thousands of k-NN permutations, relevance over
hundreds of thousands of features), whose compute time is minutes; a matrix that takes
seconds locally is faster with ``client=None``. See ``docs/distributed.md`` for running a
cluster.

Threads: tasks that use fastit's Numba kernels (binned and discrete estimators) run one at a
time in each worker process, each on all the worker's threads (Numba's thread pool must not
be entered by several threads at once); tasks that use only the compiled k-NN core run side
by side, one thread each. Results never depend on the thread count.

Examples
--------
>>> import numpy as np
>>> from fastit import distributed
>>> rng = np.random.default_rng(0)
>>> X = rng.standard_normal((2000, 3))
>>> X[:, 2] = X[:, 0] + 0.5 * rng.standard_normal(2000)
>>> M = distributed.pairwise_mutual_info(X)  # client=None: local threads
>>> M.shape, bool(M[0, 2] > M[0, 1])
((3, 3), True)

With a cluster, pass its client (the same matrix, computed in tiles on the workers)::

    from dask.distributed import Client
    client = Client("tcp://scheduler:8786")
    M = distributed.pairwise_mutual_info(X, client=client, progress=True)
"""

from __future__ import annotations

import contextlib
import inspect
import math
import numbers
import re
import threading
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from . import _core, selection, stats
from . import pairwise as _pairwise
from ._validation import (
    FloatArray,
    _to_numpy,
    as_samples,
    check_choice,
    check_correction,
    check_count,
    check_flag,
    check_k,
    log_base,
    n_threads,
    same_length,
    seed_of,
)

__all__ = ["mutual_info_test", "pairwise_mutual_info", "rank_features"]

# Default sizes aim at this many tasks per worker thread (load balance against overhead).
_TASKS_PER_THREAD = 4
# Binned tiles and relevance blocks hold at least this many columns (a binned pair costs
# one pass over n codes, too little to pay for a task of its own).
_MIN_BINNED_BLOCK = 16

# One task at a time per worker process runs Numba's parallel kernels (its workqueue
# threading layer aborts when two threads enter it at once; the tbb and omp layers do not,
# but one task on all threads is as fast as several on one thread each).
_NUMBA_LOCK = threading.Lock()

_COLUMN_NAME = re.compile(r"X\[:, (\d+)\]")


# --------------------------------------------------------------------------- helpers


def _check_client(client: Any) -> Any:
    """None, or the ``dask.distributed.Client`` itself; anything else is a TypeError."""
    if client is None:
        return None
    try:
        from dask.distributed import Client
    except ImportError as err:  # pragma: no cover - dask is a test dependency
        raise ImportError(
            "client= needs dask.distributed; install it with pip install 'fastit[dask]' "
            "(or pass client=None to run locally)"
        ) from err
    if not isinstance(client, Client):
        raise TypeError(
            f"client must be a dask.distributed.Client or None, got {type(client).__name__}; "
            "connect with dask.distributed.Client('tcp://scheduler:8786'), or pass None to "
            "run locally"
        )
    return client


def _check_size(value: Any, name: str) -> int | None:
    """None (choose) or a positive int: ``block_size`` and ``batch_size``."""
    if value is None:
        return None
    return check_count(value, name, 1)


def _cluster_threads(client: Any) -> int:
    """Worker threads of the whole cluster (1 while it has no workers)."""
    return max(1, sum(int(t) for t in client.nthreads().values()))


def _worker_threads() -> int:
    """Threads of the worker running the current task (1 outside a worker)."""
    try:
        from dask.distributed import get_worker

        return max(1, int(get_worker().state.nthreads))
    except (ImportError, ValueError, AttributeError):
        return 1


@contextlib.contextmanager
def _task_threads(uses_numba: bool) -> Iterator[int]:
    """The ``n_jobs`` of a task's fastit call: Numba work under the process's lock, on all
    the worker's threads; k-NN work on one thread, beside the worker's other tasks."""
    if not uses_numba:
        yield 1
        return
    with _NUMBA_LOCK:
        yield _worker_threads()


def _scatter(client: Any, arrays: Sequence[Any], *, broadcast: bool = True) -> list[Any]:
    """The arrays sent once, in one call: one future each, on every worker (``broadcast``)
    or each on one worker."""
    return list(client.scatter(list(arrays), broadcast=broadcast, hash=False))


def _collect(
    client: Any, futures: list[Any], show: bool, desc: str, also: Sequence[Any] = ()
) -> list[Any]:
    """Results of the futures in order; when ``show``, a progress bar as they (and the
    tasks they depend on, ``also``) complete.

    If a task fails, its exception is raised here and the other tasks are cancelled.
    """
    every = [*also, *futures]
    try:
        if show:
            import importlib

            from . import _progress

            dask_distributed: Any = importlib.import_module("dask.distributed")
            completed = dask_distributed.as_completed(every)
            for future in _progress.progress(completed, total=len(every), desc=desc):
                if future.status == "error":
                    break
        return list(client.gather(futures))
    except BaseException:
        client.cancel(every)
        raise


def _submit(client: Any, function: Any, *args: Any) -> Any:
    return client.submit(function, *args, pure=False)


def _blocks(p: int, size: int) -> list[tuple[int, int]]:
    return [(start, min(start + size, p)) for start in range(0, p, size)]


def _bind(function: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Arguments of ``function`` as it would receive them, defaults filled in; unknown
    keywords raise the TypeError the function itself would raise."""
    try:
        bound = inspect.signature(function).bind(*args, **kwargs)
    except TypeError as err:
        raise TypeError(f"{function.__name__}() {err}") from err
    bound.apply_defaults()
    return dict(bound.arguments)


def _renumbered(err: Exception, columns: Sequence[int]) -> Exception:
    """``err`` again, with the block's column numbers in ``X[:, j]`` replaced by X's own."""
    message = _COLUMN_NAME.sub(lambda m: f"X[:, {columns[int(m.group(1))]}]", str(err))
    return type(err)(message)


# --------------------------------------------------------------------------- pairwise


def _block_codes(block: FloatArray, bins: Any, name: str) -> _pairwise.ColumnCodes:
    """Bin codes of a block of columns, as the local function bins them (``bins``: one
    specification, or ``_Specs``, one per column)."""
    with _task_threads(True) as threads, selection._numba_threads(threads):
        if not isinstance(bins, _Specs):
            return _pairwise.column_codes(block, bins, name)
        parts = [_pairwise.column_codes(block[:, c : c + 1], b, name) for c, b in enumerate(bins)]
    return _pairwise.ColumnCodes(
        np.concatenate([part.codes for part in parts]),
        np.concatenate([part.bounds for part in parts]),
        [alphabet for part in parts for alphabet in part.alphabets],
    )


class _Specs(list[Any]):
    """One bins specification per column of a block (not one list of edges)."""


def _binned_tile(
    x_codes: _pairwise.ColumnCodes,
    y_codes: _pairwise.ColumnCodes | None,
    correction: str | None,
    divisor: float,
) -> FloatArray:
    """One tile of the binned matrix from the codes of its two blocks (a diagonal tile of X
    against itself: the block's upper triangle, mirrored), each pair as
    ``fastit.pairwise_mutual_info`` computes it."""
    other = x_codes if y_codes is None else y_codes
    a, b = x_codes.codes.shape[0], other.codes.shape[0]
    if y_codes is None:
        rows, cols = np.triu_indices(a)
    else:
        rows, cols = (g.ravel() for g in np.indices((a, b)))
    rows, cols = rows.astype(np.int64), cols.astype(np.int64)
    with _task_threads(True) as threads, selection._numba_threads(threads):
        values = _pairwise.binned_pair_values(x_codes, other, rows, cols, correction, threads)
    out = np.empty((a, b))
    out[rows, cols] = values
    if y_codes is None:
        out[cols, rows] = values
    return out / divisor


def _knn_tile(
    x: FloatArray,
    y: FloatArray | None,
    rows: tuple[int, int],
    cols: tuple[int, int],
    options: dict[str, Any],
) -> FloatArray:
    """One k-NN tile: ``fastit.pairwise_mutual_info`` on two column blocks (a diagonal tile
    of X against itself: on one block, with its diagonal convention)."""
    diagonal = y is None and rows == cols
    other = x if y is None else y
    a, b = x[:, rows[0] : rows[1]], other[:, cols[0] : cols[1]]
    with _task_threads(False) as threads:
        return _pairwise.pairwise_mutual_info(a, None if diagonal else b, n_jobs=threads, **options)


def _knn_seeded_tile(
    x: FloatArray,
    y: FloatArray | None,
    rows: tuple[int, int],
    cols: tuple[int, int],
    seeds: npt.NDArray[np.uint64],
    options: dict[str, Any],
) -> FloatArray:
    """A k-NN tile whose pairs each have their own seed (drawn, as the local function draws
    them, from a ``random_state`` Generator): ``fastit.mutual_info`` per pair."""
    from .estimators import mutual_info

    other = x if y is None else y
    out = np.empty((rows[1] - rows[0], cols[1] - cols[0]))
    with _task_threads(False) as threads:
        for r, i in enumerate(range(*rows)):
            for c, j in enumerate(range(*cols)):
                if y is None and i == j:
                    method = options["method"]
                    diagonal = _pairwise.knn_diagonal(
                        x[:, i], method, {"k": options["k"], "method": method, "n_jobs": threads}
                    )
                    out[r, c] = diagonal / log_base(options["base"])
                elif y is None and j < i:  # a diagonal tile's lower triangle: mirrored below
                    continue
                else:
                    out[r, c] = mutual_info(
                        x[:, i],
                        other[:, j],
                        k=options["k"],
                        method=options["method"],
                        base=options["base"],
                        n_jobs=threads,
                        random_state=int(seeds[r, c]),
                    )
    if y is None and rows == cols:
        lower = np.tril_indices(out.shape[0], -1)
        out[lower] = out.T[lower]
    return out


def _pair_seeds(random_state: Any, p: int, q: int, symmetric: bool) -> npt.NDArray[np.uint64]:
    """The seed of every pair, drawn in the local function's order (row by row over the
    upper triangle without its diagonal, or over the whole (p, q) matrix)."""
    seeds = np.zeros((p, q), dtype=np.uint64)
    for i in range(p):
        for j in range(i + 1 if symmetric else 0, q):
            seeds[i, j] = seed_of(random_state)
    return seeds


def _default_block(p: int, q: int, symmetric: bool, threads: int, minimum: int) -> int:
    """Tile width giving about ``_TASKS_PER_THREAD`` tiles per cluster thread."""
    target = _TASKS_PER_THREAD * threads
    if symmetric:  # b blocks per side make b (b + 1) / 2 tiles
        size = math.ceil(p / math.ceil(math.sqrt(2 * target)))
    else:
        size = math.ceil(math.sqrt(p * q / target))
    widest = max(p, q)
    return max(min(minimum, widest), min(size, widest))


def _per_column_bins(bins: Any, p: int, q: int, symmetric: bool) -> list[Any] | None:
    """A list of one bins specification per column, checked as the local function checks
    it (the same list serves X and Y), or None for one specification for every column."""
    if not (isinstance(bins, (list, tuple)) and len(bins) > 0 and not np.isscalar(bins[0])):
        return None
    for d, name in ((p, "X"),) if symmetric else ((p, "X"), (q, "Y")):
        if len(bins) != d:
            raise ValueError(f"bins has {len(bins)} specifications for the {d} columns of {name}")
    return list(bins)


def _check_bins(bins: Any, xa: FloatArray, ya: FloatArray | None, options: dict[str, Any]) -> Any:
    """The binned method's ``bins`` checked as the whole call checks it (rules, counts and
    edges on at most two columns; only a column's own range is left to its task): the one
    specification, or ``_Specs``, one per column."""
    p, q = xa.shape[1], (xa if ya is None else ya).shape[1]
    per_column = _per_column_bins(bins, p, q, ya is None)
    if per_column is None and not isinstance(bins, (str, numbers.Integral)):
        for d, name in ((p, "X"),) if ya is None else ((p, "X"), (q, "Y")):
            if d > 1:  # binning's check, with the whole array's column count
                raise ValueError(
                    f"{name} has {d} columns: pass one list of edges per column, an int or a rule"
                )
    # (A per-column list serves X and Y alike, and needs p == q.)
    few_x, few_y = min(2, p), min(2, q)
    _pairwise.pairwise_mutual_info(
        xa[:, :few_x],
        None if ya is None else ya[:, :few_y],
        bins=bins if per_column is None else per_column[:few_x],
        n_jobs=1,
        **options,
    )
    return bins if per_column is None else _Specs(per_column)


def pairwise_mutual_info(
    X: Any,
    Y: Any = None,
    *,
    client: Any = None,
    block_size: int | None = None,
    method: str = "binned",
    bins: Any = "fd",
    correction: str | None = "miller-madow",
    k: int = 3,
    base: float | None = None,
    random_state: Any = None,
    progress: bool = False,
) -> FloatArray:
    """Mutual information between every column of X and every column of Y (or of X), in
    tiles on a Dask cluster.

    The same matrix as :func:`fastit.pairwise_mutual_info` with the same arguments, bit for
    bit. With a client, the matrix is cut into tiles of ``block_size`` by ``block_size``
    columns, one task each; for X against itself only the tiles on and above the diagonal
    are computed (the others are their transposes).

    - ``"binned"``: the column blocks of X (and Y) are scattered, one block to one worker,
      and binned there once each, by the local function's own binning (every column's
      edges come from its own values); each tile task counts its pairs from the codes of
      its two blocks with the local function's kernel. Columns are binned once, however
      many tiles use them.
    - k-NN methods: X (and Y) are scattered to every worker once, and each tile task calls
      :func:`fastit.pairwise_mutual_info` on its two column blocks.

    Parameters
    ----------
    X : array_like, shape (n, p)
        Samples in rows, one variable per column.
    Y : array_like, shape (n, q), optional
        A second set of columns on the same samples; without it the symmetric (p, p) matrix
        of X against itself.
    client : dask.distributed.Client, optional
        The cluster to run on; None (default) runs :func:`fastit.pairwise_mutual_info`
        locally, on every core of this machine.
    block_size : int, optional
        Columns per tile side. The default gives about four tiles per worker thread (at
        least 16 columns for ``"binned"``, whose pairs are cheap), capped at max(p, q).
        Smaller tiles balance the load better; each is one task (milliseconds of
        scheduling) and moves two blocks of codes (block_size x n x 4 bytes each) to its
        worker.
    method, bins, correction, k, base, random_state
        As in :func:`fastit.pairwise_mutual_info`. A ``numpy.random.Generator`` as
        ``random_state`` (k-NN methods) gives one seed per pair, drawn on the client in
        the local function's order.
    progress : bool, default False
        Show a progress bar (tqdm, when installed) as tasks complete. No effect without a
        client.

    Returns
    -------
    ndarray of shape (p, p) or (p, q)
        In nats unless ``base`` says otherwise. The diagonal of the (p, p) matrix is the
        entropy of the binned column for ``"binned"``, +inf for the k-NN methods.

    Raises
    ------
    TypeError
        If ``client`` is not a ``dask.distributed.Client`` (or None), or ``block_size`` is
        not an int.
    ValueError
        If ``block_size`` is below 1. Bad data and options raise the errors of
        :func:`fastit.pairwise_mutual_info` before any task is submitted, except a bins
        rule that fails on one column's own range (too narrow for the bins asked), which
        comes from that column's task.

    Notes
    -----
    Distribution pays for large p: the work grows as p^2 n, the data sent as p n (8 bytes
    a value, to every worker for the k-NN methods). A binned pair costs one pass over n
    codes (about 0.2 ms at n = 1e5), so a matrix of a few hundred columns takes seconds
    locally and is faster with ``client=None``; thousands of columns, or the k-NN methods
    (a neighbour search per pair) from tens of columns on, are worth a cluster.

    Examples
    --------
    >>> import numpy as np
    >>> from fastit import distributed
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((1000, 4))
    >>> M = distributed.pairwise_mutual_info(X, client=None)  # local
    >>> M.shape, bool(np.allclose(M, M.T))
    ((4, 4), True)
    """
    client = _check_client(client)
    size = _check_size(block_size, "block_size")
    show = check_flag(progress, "progress")
    options: dict[str, Any] = {"method": method, "correction": correction, "k": k, "base": base}
    if client is None:
        return _pairwise.pairwise_mutual_info(X, Y, bins=bins, random_state=random_state, **options)

    # The local function's checks, in its order, before anything is sent.
    method = check_choice(method, "method", _pairwise._METHODS)
    options["method"] = method
    options["correction"] = check_correction(correction)
    divisor = log_base(base)
    xa = as_samples(X, "X")
    symmetric = Y is None
    ya = xa if symmetric else as_samples(Y, "Y")
    same_length(xa.shape[0], ya, "Y", "X")
    n, p, q = xa.shape[0], xa.shape[1], ya.shape[1]
    binned = method == "binned"
    seeds: npt.NDArray[np.uint64] | None = None
    if binned:
        bins = _check_bins(bins, xa, None if symmetric else ya, options)
    elif not symmetric or p > 1:  # (X alone with one column: only its diagonal, no estimate)
        check_k(k, n)
        if isinstance(random_state, (np.random.Generator, np.random.RandomState)):
            seeds = _pair_seeds(random_state, p, q, symmetric)
        else:
            options["random_state"] = seed_of(random_state)
    else:
        options["random_state"] = random_state

    minimum = _MIN_BINNED_BLOCK if binned else 1
    width = size or _default_block(p, q, symmetric, _cluster_threads(client), minimum)
    row_blocks = _blocks(p, width)
    col_blocks = row_blocks if symmetric else _blocks(q, width)
    tiles = [
        (i, j)
        for i in range(len(row_blocks))
        for j in range(len(col_blocks))
        if not symmetric or j >= i
    ]
    waiting: list[Any] = []  # futures that only the progress bar counts
    if binned:
        # Column blocks stored column by column (each column contiguous, as the binning
        # reads it), one block to one worker, binned there once.
        sources = [(xa, "X", r) for r in row_blocks]
        if not symmetric:
            sources += [(ya, "Y", c) for c in col_blocks]
        parts = _scatter(
            client, [np.asfortranarray(a[:, lo:hi]) for a, _, (lo, hi) in sources], broadcast=False
        )
        codes = [
            _submit(
                client,
                _block_codes,
                part,
                _Specs(bins[lo:hi]) if isinstance(bins, _Specs) else bins,
                name,
            )
            for part, (_, name, (lo, hi)) in zip(parts, sources, strict=True)
        ]
        x_codes, y_codes = codes[: len(row_blocks)], codes[len(row_blocks) :]
        correction = options["correction"]
        futures = [
            _submit(
                client,
                _binned_tile,
                x_codes[i],
                None if symmetric and i == j else (x_codes if symmetric else y_codes)[j],
                correction,
                divisor,
            )
            for i, j in tiles
        ]
        waiting = codes
    else:
        data = _scatter(client, [xa] if symmetric else [xa, ya])
        x_future, y_future = data[0], (None if symmetric else data[1])
        futures = []
        for i, j in tiles:
            r, c = row_blocks[i], col_blocks[j]
            if seeds is None:
                futures.append(_submit(client, _knn_tile, x_future, y_future, r, c, options))
            else:
                block_seeds = seeds[r[0] : r[1], c[0] : c[1]]
                futures.append(
                    _submit(
                        client, _knn_seeded_tile, x_future, y_future, r, c, block_seeds, options
                    )
                )
    results = _collect(client, futures, show, "pairwise MI tiles", also=waiting)
    out = np.empty((p, q))
    for (i, j), tile in zip(tiles, results, strict=True):
        r, c = row_blocks[i], col_blocks[j]
        out[r[0] : r[1], c[0] : c[1]] = tile
        if symmetric and i != j:
            out[c[0] : c[1], r[0] : r[1]] = tile.T
    return out


# --------------------------------------------------------------------------- permutation test


def _generator(state: dict[str, Any]) -> np.random.Generator:
    bit_generator = getattr(np.random, state["bit_generator"])()
    bit_generator.state = state
    return np.random.Generator(bit_generator)


def _permutation_rows(
    state: dict[str, Any], first: int, lo: int, hi: int, n: int, m: int
) -> Iterator[npt.NDArray[np.int64]]:
    """Rows lo..hi-1 of the test's permutations, in pieces that each lie in one of
    ``fastit.stats``'s chunks; ``state`` is the stream's state at the start of chunk
    ``first`` (the one holding row lo)."""
    chunk = stats._CHUNK
    rng = _generator(state)
    start = first * chunk
    while start < hi:
        count = min(chunk, m - start)
        perms = next(stats.permutations(rng, n, count))  # one chunk, as the test draws it
        a, b = max(lo, start) - start, min(hi, start + count) - start
        yield np.ascontiguousarray(perms[a:b])
        start += count


def _ksg_null_batch(
    x: FloatArray,
    y: FloatArray,
    params: tuple[FloatArray, FloatArray],
    k: int,
    algorithm: int,
    seed: int,
    where: tuple[dict[str, Any], int, int, int, int, int],
) -> FloatArray:
    """The KSG null (nats) of one batch of permutations, in the compiled core."""
    with _task_threads(False) as threads:
        return np.concatenate(
            [
                _core.ksg_permutation_null(
                    x, params[0], y, params[1], k, algorithm, perms, seed, threads
                )
                for perms in _permutation_rows(*where)
            ]
        )


def _estimator_null_batch(
    x: Any,
    y: Any,
    options: dict[str, Any],
    uses_numba: bool,
    where: tuple[dict[str, Any], int, int, int, int, int],
) -> FloatArray:
    """``fastit.mutual_info`` of x permuted against y, for one batch of permutations."""
    from .estimators import mutual_info

    with _task_threads(uses_numba) as threads:
        return np.array(
            [
                mutual_info(x[perm], y, n_jobs=threads, **options)
                for perms in _permutation_rows(*where)
                for perm in perms
            ],
            dtype=np.float64,
        )


def mutual_info_test(
    x: Any,
    y: Any,
    *,
    client: Any = None,
    n_permutations: int = 1000,
    batch_size: int | None = None,
    random_state: Any = None,
    progress: bool = False,
    **options: Any,
) -> stats.PermutationTestResult:
    """Permutation test of independence with mutual information, the null on a Dask
    cluster.

    The same test as :func:`fastit.stats.mutual_info_test`: for the same ``random_state``
    the same permutations, so the statistic, the null distribution and the p-value are
    identical. The statistic is computed on the client (which also checks every argument);
    the permutations are evaluated in batches of ``batch_size``, one task each. The client
    draws the permutations once, in order, to record where each batch starts in the random
    stream (time O(m n), memory one chunk of 64 permutations); each task redraws its own
    batch from that state, so no permutation is sent over the network. For
    ``method="ksg1"``/``"ksg2"`` on continuous data each batch runs in the compiled core
    (marginal indexes built once per 64 permutations); other estimators call
    :func:`fastit.mutual_info` per permutation, as the local test does.

    Parameters
    ----------
    x, y : array_like, shape (n,) or (n, d)
        Paired samples, one per row.
    client : dask.distributed.Client, optional
        The cluster; None (default) runs :func:`fastit.stats.mutual_info_test` locally.
    n_permutations : int, default 1000
        m; the smallest attainable p-value is 1 / (m + 1).
    batch_size : int, optional
        Permutations per task. The default gives about four batches per worker thread, a
        multiple of 64 (fastit.stats draws permutations 64 at a time) when above 64.
    random_state : None, int or numpy.random.Generator
        Seeds the permutations and the estimator's tie-breaking; None is a fixed seed.
    progress : bool, default False
        Show a progress bar as batches complete (without a client, the local test's bar
        over its permutations).
    **options
        The other keywords of :func:`fastit.stats.mutual_info_test`: ``method`` (default
        ``"ksg1"``), ``k``, ``base``, ``bins``, ``correction``, ``x_discrete``,
        ``y_discrete``, ``standardize``, ``n_jobs`` (threads of the client's share of the
        work; the tasks choose their own).

    Returns
    -------
    fastit.stats.PermutationTestResult
        ``statistic``, ``pvalue`` = (b + 1) / (m + 1), ``null_distribution`` of shape (m,),
        in nats unless ``base`` says otherwise.

    Raises
    ------
    TypeError
        If ``client`` is not a ``dask.distributed.Client`` (or None), ``batch_size`` is not
        an int, or an option is unknown.
    ValueError
        If ``batch_size`` is below 1; bad data and options raise the errors of
        :func:`fastit.stats.mutual_info_test`, before any task is submitted.

    Notes
    -----
    Distribution pays when the null is expensive: k-NN estimates at large n (each
    permutation a neighbour search over n points) and thousands of permutations. The data
    (n x d values for each of x and y) go to every worker once.

    Examples
    --------
    >>> import numpy as np
    >>> from fastit import distributed
    >>> rng = np.random.default_rng(0)
    >>> x = rng.standard_normal(500)
    >>> result = distributed.mutual_info_test(x, x + rng.standard_normal(500), n_permutations=99)
    >>> result.pvalue
    0.01
    """
    client = _check_client(client)
    size = _check_size(batch_size, "batch_size")
    show = check_flag(progress, "progress")
    args = _bind(
        stats.mutual_info_test,
        x,
        y,
        n_permutations=n_permutations,
        random_state=random_state,
        **options,
    )
    if client is None:
        return stats.mutual_info_test(
            x, y, n_permutations=n_permutations, random_state=random_state, progress=show, **options
        )

    # As fastit.stats.mutual_info_test, up to the evaluation of the null.
    m = check_count(n_permutations, "n_permutations", 1)
    seed = seed_of(random_state)
    threads = n_threads(args["n_jobs"])
    estimator: dict[str, Any] = {
        name: args[name]
        for name in (
            "method",
            "k",
            "base",
            "bins",
            "correction",
            "x_discrete",
            "y_discrete",
            "standardize",
        )
    }
    estimator["random_state"] = seed
    from ._columns import pair_params
    from .estimators import mutual_info

    xs = _to_numpy(x, "x")
    n = xs.shape[0] if xs.ndim else 0  # (a scalar: the estimator's error below)
    estimator["k"] = stats.resolve_test_k(estimator["k"], n)  # k="auto" as the local test sets it
    statistic = float(mutual_info(x, y, n_jobs=threads, **estimator))
    method = estimator["method"]
    continuous = not (
        check_flag(estimator["x_discrete"], "x_discrete")
        or check_flag(estimator["y_discrete"], "y_discrete")
    )
    ksg = continuous and method in ("ksg1", "ksg2")
    if ksg:
        xa, ya = as_samples(x, "x"), as_samples(y, "y")
        params = pair_params(xa, ya, threads, standardize=estimator["standardize"])
        k = estimator["k"]
        arrays: list[Any] = [xa, ya]
    else:
        arrays = [xs, _to_numpy(y, "y")]

    # Where each batch starts in the permutation stream (drawn here once, then dropped).
    chunk = stats._CHUNK
    if size is None:
        size = math.ceil(m / (_TASKS_PER_THREAD * _cluster_threads(client)))
        if size > chunk:
            size = chunk * math.ceil(size / chunk)
    rng = np.random.default_rng(seed)
    starts = {lo // chunk for lo, _ in _blocks(m, size)}  # the chunk holding each batch's start
    states: dict[int, dict[str, Any]] = {}
    for c in range(max(starts) + 1):  # (the chunks after the last start need no state)
        if c in starts:
            states[c] = dict(rng.bit_generator.state)
        next(stats.permutations(rng, n, min(chunk, m - c * chunk)))
    batches = [(states[lo // chunk], lo // chunk, lo, hi, n, m) for lo, hi in _blocks(m, size)]

    data = _scatter(client, arrays)
    if ksg:
        algorithm = 1 if method == "ksg1" else 2
        futures = [
            _submit(client, _ksg_null_batch, data[0], data[1], params, k, algorithm, seed, where)
            for where in batches
        ]
    else:
        uses_numba = method == "binned" or not continuous
        futures = [
            _submit(client, _estimator_null_batch, data[0], data[1], estimator, uses_numba, where)
            for where in batches
        ]
    null = np.concatenate(_collect(client, futures, show, "permutations"))
    if ksg:
        null = null / log_base(estimator["base"])
    return stats.PermutationTestResult(statistic, stats._pvalue(statistic, null), null)


# --------------------------------------------------------------------------- relevance


class _Relevance(NamedTuple):
    """A relevance block's values (nats) and what decides the binned engine's path."""

    values: FloatArray
    widest: int  # the most bins (or labels) of a column in the block
    widest_column: int  # that column, numbered in X
    y_size: int  # bins (or labels) of y


def _is_frame(X: Any) -> bool:
    return hasattr(X, "iloc") and hasattr(X, "dtypes") and hasattr(X, "columns")


def _columns(X: Any, columns: list[int]) -> Any:
    """Those columns of an array or DataFrame (a view for a contiguous run)."""
    index: Any = columns
    if columns == list(range(columns[0], columns[-1] + 1)):
        index = slice(columns[0], columns[-1] + 1)
    return X.iloc[:, index] if _is_frame(X) else X[:, index]


def _relevance_block(
    X: Any,
    y: Any,
    columns: list[int],
    discrete: npt.NDArray[np.bool_],
    target: bool,
    options: dict[str, Any],
) -> _Relevance:
    """Relevance of X's ``columns`` as :func:`fastit.selection.relevance` computes it.

    ``"binned"`` builds relevance's own engine (its bin codes and kernel) so that the widest
    column is known too; ``"ksg"`` calls relevance itself.
    """
    block = _columns(X, columns)
    binned = options["estimator"] == "binned"
    uses_numba = binned or bool(discrete.any()) or target
    with _task_threads(uses_numba) as threads:
        try:
            if not binned:
                values = selection.relevance(
                    block,
                    y,
                    discrete_features=discrete,
                    discrete_target=target,
                    n_jobs=threads,
                    **options,
                )
                return _Relevance(values, 0, -1, 0)
            data = selection._prepare(block, y, discrete, target)
            engine = selection._Binned(data, options["bins"], options["correction"], threads)
            del data
            values = np.asarray(engine.relevance(), dtype=np.float64)
        except (TypeError, ValueError) as err:
            if type(err) not in (TypeError, ValueError):
                raise
            raise _renumbered(err, columns) from None
    widest = int(np.argmax(engine.sizes))
    return _Relevance(values, int(engine.sizes[widest]), columns[widest], int(engine.y_size))


def rank_features(
    X: Any,
    y: Any,
    *,
    client: Any = None,
    block_size: int | None = None,
    random_state: Any = None,
    progress: bool = False,
    **options: Any,
) -> FloatArray:
    """Relevance I(X_j; y) of every column of X, in column blocks on a Dask cluster.

    The same values as :func:`fastit.selection.relevance` with the same arguments, bit for
    bit. With a client, the columns are split into blocks of ``block_size``; each block is
    one task estimating the relevance of its columns, against y, from X and y scattered to
    every worker once. Sort the result (``numpy.argsort(-relevance)``) for the ranking.

    Parameters
    ----------
    X : array_like or DataFrame, shape (n_samples, n_features)
        Samples in rows, one feature per column.
    y : array_like, shape (n_samples,)
        The target.
    client : dask.distributed.Client, optional
        The cluster; None (default) runs :func:`fastit.selection.relevance` locally.
    block_size : int, optional
        Columns per task. The default gives about four blocks per worker thread (at least
        16 columns for the binned estimator).
    random_state : None, int or numpy.random.Generator
        Seed of the k-NN estimators' tie-breaking, as in relevance (one seed drawn, used
        for every column).
    progress : bool, default False
        Show a progress bar as blocks complete. No effect without a client.
    **options
        The other keywords of :func:`fastit.selection.relevance`: ``estimator``
        ({"binned", "ksg"}, default "binned"), ``discrete_features``, ``discrete_target``,
        ``n_neighbors``, ``bins``, ``correction``, ``base``, ``n_jobs`` (threads of the
        client's share of the work).

    Returns
    -------
    ndarray of float64, shape (n_features,)
        In nats unless ``base`` says otherwise.

    Raises
    ------
    TypeError
        If ``client`` is not a ``dask.distributed.Client`` (or None), ``block_size`` is not
        an int, or an option is unknown.
    ValueError
        If ``block_size`` is below 1. Options and y are checked (by relevance, on X's first
        column) before any task is submitted; a column that cannot be used raises
        relevance's error for it, numbered in X, from its task.

    Notes
    -----
    Distribution pays for many features or large n (the binned estimator makes one pass
    per feature, the k-NN one a neighbour search per feature); X goes to every worker once.
    With the binned estimator and the plug-in or Miller-Madow correction, relevance counts
    every table in compiled code unless one column's table would exceed 2^22 cells, in which
    case it counts all of them in Python; blocks that went the other way are redone with that
    widest column added, so the values still match the local call.

    Examples
    --------
    >>> import numpy as np
    >>> from fastit import distributed
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((5000, 3))
    >>> y = (X[:, 1] > 0).astype(int)
    >>> int(np.argmax(distributed.rank_features(X, y)))
    1
    """
    client = _check_client(client)
    size = _check_size(block_size, "block_size")
    show = check_flag(progress, "progress")
    args = _bind(selection.relevance, X, y, random_state=random_state, **options)
    if client is None:
        local: FloatArray = selection.relevance(X, y, random_state=random_state, **options)
        return local

    seed = seed_of(random_state)  # one draw from a Generator, as relevance makes
    if _is_frame(X):
        data: Any = X
        kinds = [selection._kind(dtype) for dtype in X.dtypes]
    else:
        data = _to_numpy(X, "X")
        kinds = [data.dtype.kind] * (data.shape[1] if data.ndim == 2 else 0)
    if data.ndim != 2 or data.shape[0] < 2 or data.shape[1] < 1:  # relevance's own error
        local = selection.relevance(X, y, random_state=seed, **options)
        return local
    n, p = int(data.shape[0]), int(data.shape[1])
    discrete = selection._discrete_mask(args["discrete_features"], kinds, p)
    settings = {name: args[name] for name in ("estimator", "n_neighbors", "bins", "correction")}
    # Every option, and y, checked by relevance itself on the first column.
    selection.relevance(
        _columns(data, [0]),
        y,
        discrete_features=discrete[:1],
        discrete_target=args["discrete_target"],
        base=args["base"],
        n_jobs=args["n_jobs"],
        random_state=seed,
        **settings,
    )
    settings["bins"] = selection._check_bins(settings["bins"])
    settings["correction"] = check_correction(settings["correction"])
    divisor = log_base(args["base"])
    target = args["discrete_target"]
    ya = _to_numpy(y, "y")
    if target is None:  # inferred from y's dtype, as relevance infers it
        target = selection._kind(getattr(y, "dtype", ya.dtype)) in selection._LABEL_KINDS
    target = bool(target)
    binned = settings["estimator"] == "binned"
    if not binned:
        if not (discrete.all() and target) and settings["n_neighbors"] >= n:
            raise ValueError(
                f"n_neighbors={settings['n_neighbors']} needs more samples than neighbours, "
                f"but there are {n}; use n_neighbors <= {n - 1}"
            )
        settings["random_state"] = seed

    minimum = _MIN_BINNED_BLOCK if binned else 1
    threads = _cluster_threads(client)
    width = size or max(min(minimum, p), math.ceil(p / (_TASKS_PER_THREAD * threads)))
    blocks = [list(range(lo, hi)) for lo, hi in _blocks(p, width)]
    X_future, y_future = _scatter(client, [data, ya])

    def submit(columns: list[int]) -> Any:
        return _submit(
            client,
            _relevance_block,
            X_future,
            y_future,
            columns,
            discrete[columns],
            target,
            settings,
        )

    results: list[_Relevance] = _collect(client, [submit(b) for b in blocks], show, "relevance")
    values = [r.values for r in results]
    if binned and settings["correction"] in (None, "miller-madow"):
        # relevance takes its compiled path only when every table is small enough; redo
        # the blocks that took it alone, with the widest column added.
        cells = selection._MAX_TABLE_CELLS
        widest = max(results, key=lambda r: r.widest)
        wide = [r.widest * r.y_size > cells for r in results]
        if any(wide) and not all(wide):
            redo = [i for i, w in enumerate(wide) if not w]
            again = _collect(
                client,
                [submit([*blocks[i], widest.widest_column]) for i in redo],
                show,
                "relevance",
            )
            for i, r in zip(redo, again, strict=True):
                values[i] = r.values[: len(blocks[i])]
    relevance = np.concatenate(values)
    return relevance if divisor == 1.0 else relevance / divisor
