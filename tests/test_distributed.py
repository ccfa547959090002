"""fastit.distributed on local Dask clusters: the same numbers as the local functions, bit for
bit (np.array_equal, equal p-values), the data scattered once, and the errors.

One cluster of two worker processes (one thread each) serves the module; a threaded
cluster in this process (one worker, two threads) checks that tasks sharing a process give
the same numbers. Data are small: the whole file takes well under a minute on two cores.
"""

from __future__ import annotations

import doctest
import subprocess
import sys

import numpy as np
import pytest

distributed_dask = pytest.importorskip("dask.distributed")

import fastit  # noqa: E402
from fastit import distributed, selection, stats  # noqa: E402

# Some columns are rounded on purpose, so that the seeds of the jitter matter.
pytestmark = pytest.mark.filterwarnings("ignore::fastit.DiscreteDataWarning")

Client = distributed_dask.Client
Future = distributed_dask.Future
LocalCluster = distributed_dask.LocalCluster


@pytest.fixture(scope="module")
def client():
    cluster = LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, Client(cluster) as c:
        yield c


@pytest.fixture(scope="module")
def threaded_client():
    cluster = LocalCluster(
        n_workers=1, threads_per_worker=2, processes=False, dashboard_address=":0"
    )
    with cluster, Client(cluster) as c:
        yield c


def _data(n: int, p: int, seed: int = 0) -> np.ndarray:
    """Correlated columns, a few with ties (so k-NN jitter, and its seed, matter)."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    X[:, 1::3] += X[:, :1]
    X[:, 2::5] = np.round(X[:, 2::5])
    return X


# --------------------------------------------------------------------------- pairwise


@pytest.mark.parametrize("block_size", [None, 3, 4, 40])  # 3 does not divide 20, 4 does
@pytest.mark.parametrize("two_arrays", [False, True])
def test_pairwise_binned_identical(client, two_arrays, block_size):
    X = _data(400, 20)
    Y = _data(400, 7, seed=1) if two_arrays else None
    got = distributed.pairwise_mutual_info(X, Y, client=client, block_size=block_size)
    want = fastit.pairwise_mutual_info(X, Y)
    assert got.shape == want.shape
    assert np.array_equal(got, want)  # the diagonal (binned entropies) included


@pytest.mark.parametrize("block_size", [None, 3, 4])
@pytest.mark.parametrize("two_arrays", [False, True])
def test_pairwise_ksg_identical(client, two_arrays, block_size):
    X = _data(300, 8)
    Y = _data(300, 5, seed=1) if two_arrays else None
    got = distributed.pairwise_mutual_info(
        X, Y, client=client, block_size=block_size, method="ksg1", random_state=7
    )
    want = fastit.pairwise_mutual_info(X, Y, method="ksg1", random_state=7)
    assert np.array_equal(got, want)
    if not two_arrays:
        assert np.isinf(np.diag(got)).all()


@pytest.mark.parametrize(
    "options",
    [
        {"correction": "grassberger", "base": 2},
        {"correction": None, "bins": 6},
        {"bins": "quantile"},
        {"method": "ksg2", "k": 5, "base": 10},
    ],
)
def test_pairwise_options_identical(client, options):
    X = _data(300, 9)
    got = distributed.pairwise_mutual_info(X, client=client, block_size=4, **options)
    assert np.array_equal(got, fastit.pairwise_mutual_info(X, **options))


@pytest.mark.parametrize(
    "options",
    [
        {"bins": 10**6},  # far more bins than samples: sparse tables, re-coded columns
        pytest.param(
            {"bins": 10**6, "correction": "nsb"},  # all singletons: NSB says it is the prior
            marks=pytest.mark.filterwarnings("ignore::fastit.EstimationWarning"),
        ),
        {"bins": 8, "correction": "nsb"},
        {"bins": 5, "correction": "chao-shen"},
    ],
)
def test_pairwise_huge_bins_and_python_corrections_identical(client, options):
    X = _data(300, 7)
    got = distributed.pairwise_mutual_info(X, client=client, block_size=3, **options)
    assert np.array_equal(got, fastit.pairwise_mutual_info(X, **options))


@pytest.mark.parametrize("method", ["ksg1", "mixed"])
def test_pairwise_discrete_diagonal_like_local(client, method):
    # A purely discrete column's diagonal is H(X), also on the per-pair-seeded path.
    rng = np.random.default_rng(4)
    X = np.column_stack(
        [rng.integers(0, 3, 300), rng.standard_normal(300), rng.integers(0, 2, 300)]
    )
    X = X.astype(float)
    for state in (5, np.random.default_rng(5)):
        local_state = state if isinstance(state, int) else np.random.default_rng(5)
        got = distributed.pairwise_mutual_info(
            X, client=client, block_size=2, method=method, random_state=state
        )
        want = fastit.pairwise_mutual_info(X, method=method, random_state=local_state)
        assert np.array_equal(got, want)
        assert np.isfinite(got[0, 0])
        assert got[1, 1] == np.inf


@pytest.mark.parametrize("two_arrays", [False, True])
def test_pairwise_per_column_bins_identical(client, two_arrays):
    X = _data(300, 7)
    Y = _data(300, 7, seed=2) if two_arrays else None
    bins = [np.linspace(-8, 8, 12), 4, "fd", 9, "sturges", 5, "quantile"]  # edges first
    got = distributed.pairwise_mutual_info(X, Y, client=client, block_size=3, bins=bins)
    assert np.array_equal(got, fastit.pairwise_mutual_info(X, Y, bins=bins))


@pytest.mark.parametrize("two_arrays", [False, True])
def test_pairwise_generator_seeds_like_local(client, two_arrays):
    # A Generator gives every pair its own seed, drawn in the local order.
    X = _data(200, 6)
    Y = _data(200, 4, seed=3) if two_arrays else None
    mine, theirs = np.random.default_rng(11), np.random.default_rng(11)
    got = distributed.pairwise_mutual_info(
        X, Y, client=client, block_size=4, method="ksg1", random_state=mine
    )
    want = fastit.pairwise_mutual_info(X, Y, method="ksg1", random_state=theirs)
    assert np.array_equal(got, want)
    assert mine.integers(0, 2**32) == theirs.integers(0, 2**32)  # as many draws


def test_pairwise_threaded_cluster_identical(threaded_client):
    X = _data(400, 18)
    got = distributed.pairwise_mutual_info(X, client=threaded_client, block_size=5)
    assert np.array_equal(got, fastit.pairwise_mutual_info(X))
    got = distributed.pairwise_mutual_info(
        X[:, :6], client=threaded_client, block_size=2, method="ksg1"
    )
    assert np.array_equal(got, fastit.pairwise_mutual_info(X[:, :6], method="ksg1"))


# --------------------------------------------------------------------------- permutation test


def _pair(n: int = 300, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(n)
    return x, 0.2 * x + rng.standard_normal(n)


def _same(a: stats.PermutationTestResult, b: stats.PermutationTestResult) -> bool:
    return (
        a.statistic == b.statistic
        and a.pvalue == b.pvalue
        and np.array_equal(a.null_distribution, b.null_distribution)
    )


@pytest.mark.parametrize("batch_size", [None, 50, 64, 500])
@pytest.mark.parametrize("method", ["ksg1", "ksg2", "binned"])
def test_permutation_test_identical(client, method, batch_size):
    x, y = _pair()
    got = distributed.mutual_info_test(
        x, y, client=client, n_permutations=150, batch_size=batch_size, random_state=5,
        method=method,
    )  # fmt: skip
    want = stats.mutual_info_test(x, y, n_permutations=150, random_state=5, method=method)
    assert got.null_distribution.shape == (150,)
    assert _same(got, want)


@pytest.mark.parametrize(
    "options",
    [
        {"method": "mixed"},
        {"x_discrete": True, "base": 2},
        {"x_discrete": True, "y_discrete": True, "correction": None},
    ],
)
def test_permutation_test_other_estimators_identical(client, options):
    x, y = _pair(200)
    if options.get("x_discrete"):
        x = np.round(x)
    if options.get("y_discrete"):
        y = np.round(y)
    got = distributed.mutual_info_test(
        x, y, client=client, n_permutations=40, batch_size=15, random_state=2, **options
    )
    assert _same(got, stats.mutual_info_test(x, y, n_permutations=40, random_state=2, **options))


def test_permutation_test_seeds(client):
    x, y = _pair()
    x = np.round(x, 1)  # ties: the seed also drives the jitter
    first = distributed.mutual_info_test(x, y, client=client, n_permutations=80, random_state=1)
    again = distributed.mutual_info_test(
        x, y, client=client, n_permutations=80, random_state=1, batch_size=7
    )
    other = distributed.mutual_info_test(x, y, client=client, n_permutations=80, random_state=2)
    assert _same(first, again)
    assert not np.array_equal(first.null_distribution, other.null_distribution)
    generator = distributed.mutual_info_test(
        x, y, client=client, n_permutations=80, random_state=np.random.default_rng(4)
    )
    local = stats.mutual_info_test(x, y, n_permutations=80, random_state=np.random.default_rng(4))
    assert _same(generator, local)


def test_permutation_test_threaded_cluster_identical(threaded_client):
    x, y = _pair()
    for method in ("ksg1", "binned"):
        got = distributed.mutual_info_test(
            x, y, client=threaded_client, n_permutations=70, batch_size=20, method=method
        )
        assert _same(got, stats.mutual_info_test(x, y, n_permutations=70, method=method))


# --------------------------------------------------------------------------- relevance


@pytest.mark.parametrize("block_size", [None, 4, 7])
@pytest.mark.parametrize(
    "options",
    [
        {},
        {"estimator": "ksg", "random_state": 3},
        {"bins": 5, "base": 2, "discrete_features": [2, 3]},
        {"correction": "jackknife", "discrete_target": False},
    ],
)
def test_rank_features_identical(client, options, block_size):
    X = _data(300, 17)
    y = (X[:, 0] + X[:, 4] > 0).astype(int)
    if options.get("discrete_target") is False:
        y = X[:, 0] + np.random.default_rng(0).standard_normal(300)
    got = distributed.rank_features(X, y, client=client, block_size=block_size, **options)
    assert np.array_equal(got, selection.relevance(X, y, **options))


def test_rank_features_dataframe_identical(client):
    pd = pytest.importorskip("pandas")
    X = _data(250, 6)
    frame = pd.DataFrame(X, columns=list("abcdef"))
    frame["label"] = np.where(X[:, 0] > 0, "up", "down")
    frame["count"] = np.round(np.abs(X[:, 1]) * 3).astype(int)
    y = pd.Series(np.where(X[:, 0] + X[:, 3] > 0, "yes", "no"), dtype="category")
    for options in ({}, {"estimator": "ksg"}):
        got = distributed.rank_features(frame, y, client=client, block_size=3, **options)
        assert np.array_equal(got, selection.relevance(frame, y, **options))


def test_rank_features_wide_table_identical(client):
    # One feature with 3000 labels against y in 2000 bins: its table exceeds relevance's
    # limit for compiled counting, so relevance counts every table in Python; the blocks
    # without that feature must do the same (their values differ in the last bits if not).
    rng = np.random.default_rng(1)
    n = 3000
    X = rng.integers(0, 3, (n, 6))
    X[:, 4] = rng.permutation(n)
    y = rng.standard_normal(n) + X[:, 1]
    want = selection.relevance(X, y, bins=2000)
    got = distributed.rank_features(X, y, client=client, block_size=2, bins=2000)
    assert np.array_equal(got, want)


def test_rank_features_column_errors_numbered_in_X(client):
    X = _data(100, 12)
    X[5, 9] = np.nan
    y = (X[:, 0] > 0).astype(int)
    with pytest.raises(ValueError, match=r"X\[:, 9\] contains NaN") as local:
        selection.relevance(X, y)
    with pytest.raises(ValueError, match="contains NaN") as remote:
        distributed.rank_features(X, y, client=client, block_size=4)
    assert str(remote.value) == str(local.value)


# --------------------------------------------------------------------------- scattering, local


def test_data_scattered_once_and_tasks_get_futures(client, monkeypatch):
    scattered, submitted = [], []
    scatter, submit = client.scatter, client.submit

    def counting_scatter(data, **kwargs):
        scattered.append(len(data))
        return scatter(data, **kwargs)

    def recording_submit(function, *args, **kwargs):
        submitted.append(args)
        return submit(function, *args, **kwargs)

    monkeypatch.setattr(client, "scatter", counting_scatter)
    monkeypatch.setattr(client, "submit", recording_submit)
    X, Y = _data(200, 12), _data(200, 5, seed=1)
    distributed.pairwise_mutual_info(X, Y, client=client, block_size=3)
    assert scattered == [4 + 2]  # the column blocks of X and Y, in one call
    assert len(submitted) == (4 + 2) + 4 * 2  # each block binned once; the tiles
    for args in submitted:  # blocks, or their codes, as futures
        assert isinstance(args[0], Future)
        assert not any(isinstance(a, np.ndarray) and a.size >= 200 for a in args)

    scattered.clear()
    submitted.clear()
    distributed.pairwise_mutual_info(X, Y, client=client, block_size=3, method="ksg1")
    assert scattered == [2]  # X and Y to every worker, in one call
    assert len(submitted) == 4 * 2
    for args in submitted:
        assert isinstance(args[0], Future)
        assert isinstance(args[1], Future)
        assert not any(isinstance(a, np.ndarray) and a.size >= 200 for a in args)

    scattered.clear()
    submitted.clear()
    x, y = _pair()
    distributed.mutual_info_test(x, y, client=client, n_permutations=100, batch_size=10)
    assert scattered == [2]
    assert len(submitted) == 10
    scattered.clear()
    distributed.rank_features(X, (X[:, 0] > 0).astype(int), client=client, block_size=2)
    assert scattered == [2]


def test_client_none_runs_locally(monkeypatch):
    calls = []
    real = fastit.pairwise.pairwise_mutual_info

    def spy(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(fastit.pairwise, "pairwise_mutual_info", spy)
    X = _data(200, 5)
    got = distributed.pairwise_mutual_info(X, block_size=2, method="ksg1", random_state=3)
    assert len(calls) == 1
    assert np.array_equal(got, real(X, method="ksg1", random_state=3))
    x, y = _pair()
    assert _same(
        distributed.mutual_info_test(x, y, n_permutations=30, random_state=1),
        stats.mutual_info_test(x, y, n_permutations=30, random_state=1),
    )
    yb = (X[:, 0] > 0).astype(int)
    assert np.array_equal(distributed.rank_features(X, yb), selection.relevance(X, yb))


def test_import_does_not_load_dask(tmp_path):
    code = (
        "import sys, fastit.distributed\n"
        "assert not any(m.split('.')[0] in ('dask', 'distributed') for m in sys.modules)\n"
    )
    # cwd outside the checkout: there `import fastit` finds the installed package, not a
    # source tree without the compiled core.
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr


def test_progress_bar(client, monkeypatch):
    from fastit import _progress

    seen = []
    real = _progress.progress

    def spy(items, **kwargs):
        seen.append(kwargs)
        return real(items, **kwargs)

    monkeypatch.setattr(_progress, "progress", spy)
    X = _data(200, 8)
    got = distributed.pairwise_mutual_info(X, client=client, block_size=4, progress=True)
    assert np.array_equal(got, fastit.pairwise_mutual_info(X))
    assert seen == [{"total": 2 + 3, "desc": "pairwise MI tiles"}]  # blocks binned, tiles
    seen.clear()
    x, y = _pair()
    got = distributed.mutual_info_test(
        x, y, client=client, n_permutations=50, batch_size=10, progress=True
    )
    assert _same(got, stats.mutual_info_test(x, y, n_permutations=50))
    assert seen == [{"total": 5, "desc": "permutations"}]
    local = distributed.mutual_info_test(x, y, n_permutations=50, progress=True)  # stats' bar
    assert _same(local, got)


def test_docstring_examples():
    result = doctest.testmod(distributed, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


# --------------------------------------------------------------------------- errors


def test_client_must_be_a_client():
    X = _data(50, 3)
    with pytest.raises(TypeError, match="client must be a dask.distributed.Client"):
        distributed.pairwise_mutual_info(X, client="tcp://127.0.0.1:8786")
    with pytest.raises(TypeError, match="client must be"):
        distributed.mutual_info_test(X[:, 0], X[:, 1], client=object())
    with pytest.raises(TypeError, match="client must be"):
        distributed.rank_features(X, X[:, 0] > 0, client=42)


@pytest.mark.parametrize("bad", [0, -3])
def test_bad_sizes(client, bad):
    X = _data(50, 3)
    with pytest.raises(ValueError, match="block_size must be at least 1"):
        distributed.pairwise_mutual_info(X, client=client, block_size=bad)
    with pytest.raises(ValueError, match="block_size must be at least 1"):
        distributed.rank_features(X, X[:, 0] > 0, client=client, block_size=bad)
    with pytest.raises(ValueError, match="batch_size must be at least 1"):
        distributed.mutual_info_test(X[:, 0], X[:, 1], client=client, batch_size=bad)
    with pytest.raises(TypeError, match="block_size must be an int"):
        distributed.pairwise_mutual_info(X, block_size=2.5)
    with pytest.raises(TypeError, match="batch_size must be an int"):
        distributed.mutual_info_test(X[:, 0], X[:, 1], batch_size="64")


_X = _data(60, 4)
_BAD = _X.copy()
_BAD[3, 2] = np.inf
_x, _y, _up = _X[:, 0], _X[:, 1], _X[:, 0] > 0
_PAIRWISE, _TEST, _RANK = (
    distributed.pairwise_mutual_info,
    distributed.mutual_info_test,
    distributed.rank_features,
)


@pytest.mark.parametrize(
    ("error", "message", "function", "args", "options"),
    [
        (ValueError, "X contains infinite", _PAIRWISE, (_BAD,), {}),
        (ValueError, "method must be", _PAIRWISE, (_X,), {"method": "kde"}),
        (ValueError, "Y has 10 samples", _PAIRWISE, (_X, _X[:10]), {}),
        (ValueError, "bins must be", _PAIRWISE, (_X,), {"bins": "nope"}),
        (ValueError, "X has 4 columns", _PAIRWISE, (_X,), {"bins": [0.0, 1.0]}),
        (ValueError, "k=80 needs more", _PAIRWISE, (_X,), {"method": "ksg1", "k": 80}),
        (ValueError, "n_permutations must be", _TEST, (_x, _y), {"n_permutations": 0}),
        (ValueError, "method must be", _TEST, (_x, _y), {"method": "kde"}),
        (TypeError, "argument 'n_neighbours'", _TEST, (_x, _y), {"n_neighbours": 3}),
        (ValueError, "y has 59 samples", _TEST, (_x, _y[:-1]), {}),
        (ValueError, "estimator must be", _RANK, (_X, _up), {"estimator": "kde"}),
        (TypeError, "unexpected keyword argument 'k'", _RANK, (_X, _up), {"k": 3}),
        (ValueError, "y contains NaN", _RANK, (_X, np.full(60, np.nan)), {}),
        (ValueError, "discrete_features holds", _RANK, (_X, _up), {"discrete_features": [7]}),
        (ValueError, "X has shape", _RANK, (_x, _up), {}),
    ],
)
def test_errors_before_any_task(client, monkeypatch, error, message, function, args, options):
    submitted = []
    monkeypatch.setattr(client, "submit", lambda *a, **k: submitted.append(a))
    with pytest.raises(error, match=message):
        function(*args, client=client, **options)
    with pytest.raises(error, match=message):  # as the local function says it
        function(*args, **options)
    assert submitted == []
