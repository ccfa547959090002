"""The ``fastit`` command line: fastit/cli.py."""

from __future__ import annotations

import csv
import gzip
import json
import math
import re
import subprocess
import sys
from collections.abc import Iterable, Iterator
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import fastit
import fastit.cli
from fastit.cli import main
from fastit.selection import relevance

TRUE_MI = -0.5 * math.log(1 - 0.6**2)  # 0.2231 nats: y = 0.6 x + 0.8 noise
LINE = re.compile(r"^I\(x; y\) = (-?\d+\.\d{4}) (nats|bits)  \[KSG algorithm 1, k=3, n=2000\]$")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    assert err == ""
    return json.loads(out)


@pytest.fixture(scope="module")
def data() -> np.ndarray:
    """A small table with a known relationship: column 1 depends on column 0."""
    rng = np.random.default_rng(7)
    a = rng.standard_normal((400, 3))
    a[:, 1] += a[:, 0]
    return a


def test_example_data_ships_with_the_package() -> None:
    ref = resources.files("fastit").joinpath("data").joinpath("example.csv")
    lines = ref.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "x,y,z,label"
    assert len(lines) == 2001


def test_console_script_is_registered() -> None:
    scripts = metadata.entry_points(group="console_scripts")
    assert any(ep.name == "fastit" and ep.value == "fastit.cli:main" for ep in scripts)


def test_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "mi", "--example")
    assert code == 0, err
    assert err == ""
    match = LINE.match(out.strip())
    assert match, out
    assert match.group(2) == "nats"
    assert abs(float(match.group(1)) - TRUE_MI) < 0.05


def test_example_as_a_subprocess(tmp_path: Path) -> None:
    # Run outside the checkout: ``python -m`` puts the working directory first on sys.path,
    # and a checkout built elsewhere (pip install .) has no compiled core in it.
    proc = subprocess.run(
        [sys.executable, "-m", "fastit.cli", "mi", "--example"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    match = LINE.match(proc.stdout.strip())
    assert match, proc.stdout
    assert abs(float(match.group(1)) - TRUE_MI) < 0.05


def test_base_2_gives_bits(capsys: pytest.CaptureFixture[str]) -> None:
    nats = run_json(capsys, "mi", "--example")
    bits = run_json(capsys, "mi", "--example", "--base", "2")
    assert nats["units"] == "nats"
    assert bits["units"] == "bits"
    assert bits["base"] == 2
    assert bits["estimate"] == pytest.approx(nats["estimate"] / math.log(2), rel=1e-12)
    code, out, _ = run(capsys, "mi", "--example", "--base", "2")
    assert code == 0
    assert LINE.match(out.strip()).group(2) == "bits"
    code, out, _ = run(capsys, "mi", "--example", "--base", "10")
    assert code == 0
    assert "log base 10 units" in out


def test_json_fields(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "mi", "--example")
    assert {"estimate", "units", "method", "k", "n", "columns"} <= set(result)
    assert abs(result["estimate"] - TRUE_MI) < 0.05
    assert result["units"] == "nats"
    assert result["method"] == "ksg1"
    assert result["k"] == 3
    assert result["n"] == 2000
    assert result["columns"] == {"x": ["x"], "y": ["y"]}


def test_methods_and_k(capsys: pytest.CaptureFixture[str]) -> None:
    for method in ("ksg1", "ksg2", "mixed"):
        result = run_json(capsys, "mi", "--example", "--method", method, "-k", "5")
        assert result["method"] == method
        assert result["k"] == 5
        assert 0.1 < result["estimate"] < 0.3


def test_conditional(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "mi", "--example", "--z", "z")
    assert code == 0, err
    assert out.startswith("I(x; y | z) = ")
    assert "Frenzel-Pompe" in out
    result = run_json(capsys, "mi", "--example", "--z", "z")
    assert result["columns"]["z"] == ["z"]
    assert abs(result["estimate"] - TRUE_MI) < 0.05  # z is independent of both


def test_discrete_labels(capsys: pytest.CaptureFixture[str]) -> None:
    ross = run_json(capsys, "mi", "--example", "--y", "label", "--y-discrete")
    assert ross["method"] == "ross"
    assert ross["estimate"] > 0.1  # label is derived from x
    plugin = run_json(
        capsys, "mi", "--example", "--x", "label", "--y", "label", "--x-discrete", "--y-discrete"
    )
    assert plugin["method"] == "plugin"
    assert plugin["k"] is None
    assert 0 < plugin["estimate"] <= math.log(2) + 1e-12  # the entropy of a binary label


def test_entropy(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "entropy", "--example", "--cols", "x")
    assert code == 0, err
    assert out.startswith("h(x) = ")
    assert "nats  [Kozachenko-Leonenko, k=3, n=2000]" in out
    result = run_json(capsys, "entropy", "--example", "--cols", "x,z", "--base", "2")
    assert result["units"] == "bits"
    assert result["columns"] == {"x": ["x", "z"]}
    truth = math.log(2 * math.pi * math.e) / math.log(2)  # two standard normals, in bits
    assert abs(result["estimate"] - truth) < 0.15


def test_npy_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: np.ndarray) -> None:
    path = tmp_path / "data.npy"
    np.save(path, data)
    result = run_json(capsys, "mi", str(path), "--x", "0,2", "--y", "1")
    assert result["estimate"] == fastit.mutual_info(data[:, [0, 2]], data[:, 1])
    assert result["n"] == len(data)
    result = run_json(capsys, "entropy", str(path), "--cols", "1")
    assert result["estimate"] == fastit.differential_entropy(data[:, 1])


def test_npz_input(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: np.ndarray) -> None:
    path = tmp_path / "data.npz"
    np.savez(path, a=data[:, :1], b=data[:, 1])
    result = run_json(capsys, "mi", str(path), "--x", "a", "--y", "b")
    assert result["estimate"] == fastit.mutual_info(data[:, 0], data[:, 1])


def test_parquet_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: np.ndarray
) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "data.parquet"
    names = ["alpha", "beta", "gamma"]
    columns = [pa.array(data[:, j]) for j in range(3)] + [pa.array(["u", "v"] * (len(data) // 2))]
    pq.write_table(pa.table(columns, names=[*names, "word"]), path)
    result = run_json(capsys, "mi", str(path), "--x", "alpha,gamma", "--y", "beta")
    assert result["estimate"] == fastit.mutual_info(data[:, [0, 2]], data[:, 1])
    matrix = run_json(capsys, "pairwise", str(path))
    assert matrix["columns"] == names
    assert matrix["skipped"] == ["word"]
    assert np.array_equal(np.array(matrix["matrix"]), fastit.pairwise_mutual_info(data[:, :3]))
    code, _, err = run(capsys, "mi", str(path), "--x", "word", "--y", "beta")
    assert code == 2
    assert err.count("\n") == 1
    assert "word" in err


def test_text_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str], data: np.ndarray) -> None:
    expected = fastit.mutual_info(data[:, 0], data[:, 1])
    tsv = tmp_path / "data.tsv"
    tsv.write_text("p\tq\n" + "".join(f"{a!r}\t{b!r}\n" for a, b in data[:, :2].tolist()))
    assert run_json(capsys, "mi", str(tsv), "--x", "p", "--y", "q")["estimate"] == expected
    bare = tmp_path / "bare.txt"  # no header, delimiter sniffed: columns by index
    bare.write_text("".join(f"{a!r};{b!r}\n" for a, b in data[:, :2].tolist()))
    assert run_json(capsys, "mi", str(bare), "--x", "0", "--y", "1")["estimate"] == expected


def test_help_exits_cleanly(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "mi", "--help")
    assert code == 0
    assert "--method" in out


def test_binned_mi_and_histogram_entropy(
    capsys: pytest.CaptureFixture[str], data: np.ndarray, tmp_path: Path
) -> None:
    path = tmp_path / "data.npy"
    np.save(path, data)
    x, y = data[:, 0], data[:, 1]
    result = run_json(capsys, "mi", str(path), "--x", "0", "--y", "1", "--method", "binned")
    assert result["estimate"] == fastit.mutual_info(x, y, method="binned")
    assert (result["method"], result["bins"], result["correction"]) == (
        "binned",
        "fd",
        "miller-madow",
    )
    assert result["k"] is None
    argv = ["mi", str(path), "--x", "0", "--y", "1", "--method", "binned", "--bins", "12"]
    for correction, value in [("none", None), ("grassberger", "grassberger")]:
        result = run_json(capsys, *argv, "--correction", correction, "--base", "2")
        expected = fastit.mutual_info(x, y, method="binned", bins=12, correction=value, base=2)
        assert result["estimate"] == expected
        assert result["correction"] == value
    code, out, _ = run(capsys, *argv, "--bins", "quantile")
    assert code == 0
    assert out.startswith("I(#0; #1) = ")
    assert out.rstrip().endswith("nats  [histogram, quantile bins, Miller-Madow, n=400]")
    result = run_json(capsys, "entropy", str(path), "--cols", "0", "--method", "histogram")
    assert result["estimate"] == fastit.differential_entropy(x, method="histogram")
    assert (result["method"], result["units"]) == ("histogram", "nats")
    # both discrete: the plug-in value by default (as before), a correction when asked
    argv = ["mi", "--example", "--x", "label", "--y", "label", "--x-discrete", "--y-discrete"]
    plugin, corrected = run_json(capsys, *argv), run_json(capsys, *argv, "--correction", "nsb")
    assert plugin["method"] == "plugin"
    assert corrected["method"] == "discrete"
    assert corrected["correction"] == "nsb"
    assert corrected["estimate"] != plugin["estimate"]


@pytest.fixture(scope="module")
def wide(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, np.ndarray, list[str]]:
    """A CSV of nine numeric columns (three related) and one text column."""
    rng = np.random.default_rng(11)
    a = rng.standard_normal((300, 9))
    a[:, 1] += a[:, 0]
    a[:, 5] -= 0.5 * a[:, 1]
    names = [f"c{j}" for j in range(9)]
    path = tmp_path_factory.mktemp("wide") / "wide.csv"
    rows = [",".join([*names[:3], "name", *names[3:]])]
    rows += [
        ",".join([*map(repr, r[:3]), f"s{i % 3}", *map(repr, r[3:])])
        for i, r in enumerate(a.tolist())
    ]
    path.write_text("\n".join(rows) + "\n")
    return path, a, names


def test_pairwise_equals_the_library(
    capsys: pytest.CaptureFixture[str], wide: tuple[Path, np.ndarray, list[str]]
) -> None:
    path, a, names = wide
    expected = fastit.pairwise_mutual_info(a)
    for extra in ([], ["--no-progress"]):  # in blocks under a progress bar, and in one call
        result = run_json(capsys, "pairwise", str(path), *extra)
        assert result["columns"] == names
        assert result["skipped"] == ["name"]
        assert np.array_equal(np.array(result["matrix"]), expected)
        assert result["units"] == "nats"
    result = run_json(
        capsys, "pairwise", str(path), "--cols", "c4,c0", "--bins", "7", "--base", "2"
    )
    expected = fastit.pairwise_mutual_info(a[:, [4, 0]], bins=7, base=2)
    assert np.array_equal(np.array(result["matrix"]), expected)
    assert result["columns"] == ["c4", "c0"]
    assert result["units"] == "bits"


def test_pairwise_knn_methods(
    capsys: pytest.CaptureFixture[str], data: np.ndarray, tmp_path: Path
) -> None:
    path = tmp_path / "data.npy"
    np.save(path, data)
    result = run_json(capsys, "pairwise", str(path), "--method", "ksg2", "-k", "4")
    expected = fastit.pairwise_mutual_info(data, method="ksg2", k=4)
    matrix = np.array(result["matrix"], dtype=float)  # nulls read as NaN
    for entry in result["non_finite"]:  # where they were, and what
        _, i, j = entry["path"]
        matrix[i, j] = float(entry["value"])
    assert np.array_equal(matrix, expected)
    assert result["matrix"][0][0] is None
    assert {"path": ["matrix", 0, 0], "value": "inf"} in result["non_finite"]
    assert result["k"] == 4
    code, out, _ = run(capsys, "pairwise", str(path), "--method", "ksg2", "-k", "4")
    assert code == 0
    assert "diagonal: inf" in out


def test_pairwise_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "pairwise", "--example", "--base", "2")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("I(row; column) in bits  [histogram, fd bins, Miller-Madow, n=2000]")
    assert lines[1].split() == ["x", "y", "z", "label"]
    expected = run_json(capsys, "pairwise", "--example", "--base", "2")["matrix"]
    assert lines[3].split() == ["y", *(f"{v:.4f}" for v in expected[1])]


def test_pairwise_output_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, wide: tuple[Path, np.ndarray, list[str]]
) -> None:
    path, a, names = wide
    expected = fastit.pairwise_mutual_info(a)
    out_csv, out_npy = tmp_path / "m.csv", tmp_path / "m.npy"
    code, out, err = run(capsys, "pairwise", str(path), "-o", str(out_csv))
    assert code == 0, err
    assert "nats" in out
    assert str(out_csv) in out
    with out_csv.open(newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["", *names]
    assert [r[0] for r in rows[1:]] == names
    assert np.array_equal(np.array([[float(v) for v in r[1:]] for r in rows[1:]]), expected)
    result = run_json(capsys, "pairwise", str(path), "--output", str(out_npy))
    assert result["output"] == str(out_npy)
    assert np.array_equal(np.load(out_npy), expected)


def test_select_equals_the_library(
    capsys: pytest.CaptureFixture[str], wide: tuple[Path, np.ndarray, list[str]]
) -> None:
    path, a, names = wide
    y, x = a[:, 5], np.delete(a, 5, axis=1)
    features = [n for n in names if n != "c5"]
    for criterion in ("mrmr", "jmi", "cmim"):
        result = run_json(
            capsys, "select", str(path), "--target", "c5", "--k", "3", "--criterion", criterion
        )
        expected = fastit.select_features(x, y, 3, criterion=criterion)
        assert result["selected"] == [features[j] for j in expected.selected]
        assert result["scores"] == expected.scores.tolist()
        assert list(result["relevance"].values()) == expected.relevance.tolist()
        assert result["discrete_target"] is False
        assert result["skipped"] == ["name"]
    result = run_json(
        capsys, "select", str(path), "--target", "c5", "--criterion", "mi", "--base", "2"
    )
    rel = relevance(x, y, base=2)
    order = np.argsort(-rel, kind="stable")
    assert result["selected"] == [features[j] for j in order]  # --k 20: all 8
    assert result["scores"] == rel[order].tolist()
    assert result["units"] == "bits"
    argv = ["select", str(path), "--target", "c5", "--cols", "c0,c1,c2", "--estimator", "ksg"]
    result = run_json(capsys, *argv, "--criterion", "jmi", "--k", "2", "-k", "5")
    expected = fastit.select_features(
        a[:, :3], y, 2, criterion="jmi", estimator="ksg", n_neighbors=5
    )
    assert result["scores"] == expected.scores.tolist()
    assert result["n_neighbors"] == 5


def test_select_target_kind(capsys: pytest.CaptureFixture[str]) -> None:
    text = resources.files("fastit").joinpath("data").joinpath("example.csv").read_text()
    table = np.loadtxt(text.splitlines(), delimiter=",", skiprows=1)
    x, label = table[:, :3], table[:, 3]
    result = run_json(capsys, "select", "--example", "--k", "2")  # target: label, whole numbers
    expected = fastit.select_features(x, label.astype(int), 2)
    assert result["target"] == "label"
    assert result["discrete_target"] is True
    assert result["selected"] == [["x", "y", "z"][j] for j in expected.selected]
    assert result["scores"] == expected.scores.tolist()
    result = run_json(capsys, "select", "--example", "--k", "2", "--continuous-target")
    expected = fastit.select_features(x, label, 2, discrete_target=False)
    assert result["discrete_target"] is False
    assert result["scores"] == expected.scores.tolist()
    result = run_json(
        capsys,
        "select",
        "--example",
        "--target",
        "z",
        "--cols",
        "x,y",
        "--discrete-target",
        "--criterion",
        "mi",
    )
    assert result["discrete_target"] is True  # float labels: every value its own class
    code, out, err = run(capsys, "select", "--example", "--criterion", "cmim")
    assert code == 0, err
    assert out.startswith("CMIM: 3 of 3 features for 'label' (discrete target), scores in nats")
    assert out.splitlines()[2].split()[:2] == ["1", "x"]


def test_permutation_test_equals_the_library(
    capsys: pytest.CaptureFixture[str], data: np.ndarray, tmp_path: Path
) -> None:
    path = tmp_path / "data.npy"
    np.save(path, data)
    result = run_json(
        capsys, "test", str(path), "--x", "0", "--y", "2", "--permutations", "49", "--seed", "5"
    )
    expected = fastit.stats.mutual_info_test(
        data[:, 0], data[:, 2], n_permutations=49, random_state=5
    )
    assert result["statistic"] == expected.statistic
    assert result["pvalue"] == expected.pvalue
    assert result["n_permutations"] == 49
    assert (result["units"], result["method"], result["seed"]) == ("nats", "ksg1", 5)
    argv = ["test", str(path), "--x", "0", "--y", "1", "--permutations", "19", "--method", "binned"]
    result = run_json(capsys, *argv, "--bins", "8", "--base", "2")
    expected = fastit.stats.mutual_info_test(
        data[:, 0], data[:, 1], n_permutations=19, method="binned", bins=8, base=2
    )
    assert (result["statistic"], result["pvalue"]) == (expected.statistic, expected.pvalue)
    assert result["pvalue"] == 1 / 20
    assert result["units"] == "bits"
    code, out, err = run(capsys, "test", "--example", "--permutations", "19")
    assert code == 0, err
    assert re.match(
        r"^I\(x; y\) = 0\.\d{4} nats, permutation p-value 0\.05 \(19 permutations\)  "
        r"\[KSG algorithm 1, k=30, n=2000\]$",  # the test's k: fastit.stats.auto_k(2000)
        out.splitlines()[0],
    ), out
    assert result["k"] is None  # binned: no neighbours
    assert run_json(capsys, "test", "--example", "--permutations", "9", "-k", "4")["k"] == 4


def test_bench_quick(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "bench", "--quick")
    assert result["units"] == "nats"
    rows = result["rows"]
    assert {r["library"] for r in rows} >= {"fastit", "scipy"}
    assert {r["n"] for r in rows} == {2000, 20000}
    for r in rows:
        assert r["seconds"] > 0
        assert abs(r["estimate"] - result["truth"]) < 0.05
        if r["library"] == "fastit":
            assert r["ratio"] == 1.0
    code, out, _ = run(capsys, "bench", "--help")
    assert code == 0
    assert "benchmarks/compare.py" in out


def test_progress_goes_to_stderr_and_no_progress_silences_it(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    wide: tuple[Path, np.ndarray, list[str]],
) -> None:
    shown: list[str | None] = []

    def fake(
        items: Iterable[Any],
        *,
        total: int | None = None,
        desc: str | None = None,
        show: bool = True,
    ) -> Iterator[Any]:
        if show:
            shown.append(desc)
            print(f"[{desc}]", file=sys.stderr)
        return iter(items)

    monkeypatch.setattr(fastit._progress, "progress", fake)
    monkeypatch.setattr(fastit.cli, "_PROGRESS_BYTES", 0)  # every text file counts as large
    path = wide[0]
    code, out, err = run(capsys, "pairwise", str(path), "--json")
    assert code == 0
    assert shown == [f"reading '{path}'", "pairwise MI"]
    assert "pairwise MI" in err
    assert json.loads(out)["columns"]  # stdout is the JSON alone
    shown.clear()
    code, out, err = run(capsys, "pairwise", str(path), "--json", "--no-progress")
    assert code == 0
    assert (shown, err) == ([], "")
    code, _, err = run(capsys, "mi", str(path), "--x", "c0", "--y", "c1", "--no-progress")
    assert (code, shown, err) == (0, [], "")


def test_no_progress_leaves_stderr_empty(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["pairwise", "--example"],
        ["select", "--example"],
        ["test", "--example", "--permutations", "9"],
    ):
        code, out, err = run(capsys, *argv, "--no-progress")
        assert code == 0
        assert out
        assert err == ""


# --------------------------------------------------------------------------- --scheduler


def test_scheduler_unreachable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("dask.distributed")
    monkeypatch.setattr(fastit.cli, "_CONNECT_TIMEOUT_S", 0.5)
    for argv in (["pairwise"], ["test", "--permutations", "9"], ["select", "--criterion", "mi"]):
        code, out, err = run(capsys, *argv, "--example", "--scheduler", "tcp://127.0.0.1:1")
        assert (code, out) == (2, "")
        assert len(err.splitlines()) == 1
        assert err.startswith(
            "fastit: error: cannot connect to the Dask scheduler at 'tcp://127.0.0.1:1'"
        )


def test_scheduler_without_dask(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # import fails
    code, out, err = run(capsys, "pairwise", "--example", "--scheduler", "tcp://127.0.0.1:8786")
    assert (code, out) == (2, "")
    assert err.startswith("fastit: error: --scheduler needs dask.distributed: pip install")
    assert len(err.splitlines()) == 1


def test_dask_is_imported_only_for_scheduler(tmp_path: Path) -> None:
    code = (
        "import sys, fastit.cli\n"
        "assert fastit.cli.main(['pairwise', '--example', '--no-progress']) == 0\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')]\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of an in-process one-worker Dask cluster."""
    pytest.importorskip("dask.distributed")
    pytest.importorskip("fastit.distributed", reason="fastit.distributed is missing")
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=1, processes=False, dashboard_address=":0") as cluster:
        yield cluster.scheduler_address


@pytest.mark.parametrize(
    ("argv", "keys"),
    [
        (["pairwise", "--example"], ["matrix", "columns"]),
        (["pairwise", "--example", "--method", "ksg1", "--cols", "x,y,z"], ["matrix"]),
        (["select", "--example", "--criterion", "mi"], ["selected", "scores", "relevance"]),
        (["test", "--example", "--permutations", "49", "--seed", "3"], ["statistic", "pvalue"]),
        (
            ["test", "--example", "--permutations", "19", "--method", "binned"],
            ["statistic", "pvalue"],
        ),
    ],
    ids=["pairwise", "pairwise-ksg1", "select-mi", "test", "test-binned"],
)
def test_scheduler_gives_the_local_numbers(
    capsys: pytest.CaptureFixture[str], scheduler: str, argv: list[str], keys: list[str]
) -> None:
    local = run_json(capsys, *argv)
    remote = run_json(capsys, *argv, "--scheduler", scheduler)  # progress=True: stderr empty
    assert remote["scheduler"] == scheduler
    for key in keys:
        assert remote[key] == local[key], key


def _write_errors(tmp: Path) -> None:
    (tmp / "text.csv").write_text("a,b\n1,2\n3,hello\n5,7\n6,1\n7,3\n")
    (tmp / "nan.csv").write_text("a,b\n1,2\n3,nan\n5,7\n6,1\n7,3\n")
    (tmp / "hole.csv").write_text("a,b\n1,2\n3,\n5,7\n6,1\n7,3\n")
    (tmp / "few.csv").write_text("a,b\n1,2\n3,4\n5,7\n")
    (tmp / "head.csv").write_text("a,b\n")
    (tmp / "ragged.csv").write_text("a,b\n1,2\n3\n")
    (tmp / "fake.npy").write_text("not an array")
    (tmp / "one.csv").write_text("a,b\n1,2\n")
    (tmp / "words.csv").write_text("a,w\n1,x\n2,y\n3,z\n")
    (tmp / "nul.csv").write_bytes(b"a,b\n1,2\n3,\x004\n")
    packed = gzip.compress(("a,b\n" + "".join(f"{i},{i % 7}\n" for i in range(3000))).encode())
    (tmp / "truncated.csv.gz").write_bytes(packed[: len(packed) // 2])
    middle = len(packed) // 2
    (tmp / "corrupt.csv.gz").write_bytes(packed[:middle] + b"\xff" * 40 + packed[middle + 40 :])
    (tmp / "wide_field.csv").write_text("x" * 200_000 + ",b\n1,2\n3,4\n")


ERRORS = [
    (["mi", "{tmp}/missing.csv", "--x", "a", "--y", "b"], "no such file"),
    (["mi", "--example", "--x", "nope"], "no column 'nope'"),
    (["mi", "--example", "--x", "7"], "column index 7 is out of range"),
    (["mi", "{tmp}/text.csv", "--x", "a", "--y", "b"], "not numeric: line 3 holds 'hello'"),
    (["mi", "{tmp}/nan.csv", "--x", "a", "--y", "b"], "has NaN at line 3"),
    (["mi", "{tmp}/hole.csv", "--x", "a", "--y", "b"], "empty cell at line 3"),
    (["mi", "{tmp}/few.csv", "--x", "a", "--y", "b"], "k=3 needs more than k samples"),
    (["entropy", "{tmp}/head.csv", "--cols", "a"], "no data rows"),
    (["mi", "{tmp}/ragged.csv", "--x", "a", "--y", "b"], "line 3"),
    (["mi", "{tmp}/fake.npy", "--x", "0", "--y", "1"], "not a NumPy .npy file"),
    (["mi", "--example", "-k", "0"], "k must be at least 1"),
    (["mi", "--example", "-k", "three"], "invalid value 'three'"),
    (["mi", "--example", "--base", "1"], "base must be positive and not 1"),
    (["mi", "--example", "--base", "-2"], "base must be positive"),
    (["mi", "--example", "--method", "ksg3"], "invalid choice: 'ksg3'"),
    (["mi", "--example", "--z", "z", "--method", "ksg2"], "does not apply with --z"),
    (["mi", "--example", "--y", "label", "--y-discrete", "--method", "mixed"], "discrete"),
    (["mi", "{tmp}/few.csv", "--y", "b"], "--x is required"),
    (["mi"], "pass a FILE"),
    ([], "choose a command"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["mi", "{tmp}/one.csv", "--x", "a", "--y", "b"], "has only 1 data row"),
    (["mi", "--example", "--bins", "5"], "--bins applies to --method binned only"),
    (["mi", "--example", "--correction", "nsb"], "--correction applies to --method binned"),
    (["mi", "--example", "--z", "z", "--bins", "5"], "do not apply with --z"),
    (["mi", "--example", "--method", "binned", "--bins", "0"], "bins must be at least 1"),
    (["mi", "--example", "--method", "binned", "--bins", "wide"], "bins must be an int"),
    (["mi", "--example", "--method", "binned", "--correction", "x"], "invalid choice: 'x'"),
    (["entropy", "--example", "--bins", "5"], "apply to --method histogram only"),
    (["entropy", "--example", "--method", "kde"], "invalid choice: 'kde'"),
    (["pairwise", "{tmp}/missing.csv"], "no such file"),
    (["pairwise", "--example", "--cols", "x,nope"], "no column 'nope'"),
    (["pairwise", "{tmp}/text.csv", "--cols", "a,b"], "not numeric: line 3 holds 'hello'"),
    (["pairwise", "{tmp}/nan.csv"], "has NaN at line 3"),
    (["pairwise", "{tmp}/words.csv"], "needs at least 2 numeric columns"),
    (["pairwise", "{tmp}/one.csv"], "has only 1 data row"),
    (["pairwise", "{tmp}/head.csv"], "no data rows"),
    (["pairwise", "--example", "--method", "ksg1", "--bins", "5"], "apply to --method binned"),
    (["pairwise", "--example", "--bins", "wide"], "bins must be an int"),
    (["pairwise", "--example", "--base", "0"], "base must be positive"),
    (["pairwise", "--example", "-o", "{tmp}/no/such/dir/m.csv"], "cannot write"),
    (["select", "{tmp}/few.csv"], "--target is required"),
    (["select", "--example", "--target", "nope"], "no column 'nope'"),
    (["select", "--example", "--target", "x,y"], "--target names one column"),
    (["select", "--example", "--criterion", "relief"], "invalid choice: 'relief'"),
    (["select", "--example", "--k", "0"], "--k must be at least 1"),
    (["select", "--example", "--cols", "x,label"], "includes the target column 'label'"),
    (["select", "--example", "--discrete-target", "--continuous-target"], "not allowed with"),
    (["select", "--example", "--estimator", "ksg", "--bins", "5"], "--bins applies"),
    (["select", "{tmp}/words.csv", "--target", "a"], "no numeric feature columns"),
    (["select", "--example", "--scheduler", "tcp://h:1"], "only the mi ranking is distributed"),
    (["test", "--example", "--permutations", "0"], "--permutations must be at least 1"),
    (["test", "--example", "--permutations", "many"], "invalid value 'many'"),
    (["test", "--example", "--seed", "-1"], "random_state must be >= 0"),
    (["test", "{tmp}/text.csv", "--x", "a", "--y", "b"], "not numeric"),
    (["test", "{tmp}/few.csv", "--x", "a", "--y", "b", "-k", "3"], "k=3 needs more than k samples"),
    (["test", "--example", "--x-discrete", "--method", "ksg2"], "discrete"),
    (["bench", "--sizes", "10"], "unrecognized arguments: --sizes 10"),
    (["mi", "{tmp}/nul.csv", "--x", "a", "--y", "b"], "holds NUL bytes"),
    (["mi", "{tmp}/corrupt.csv.gz", "--x", "a", "--y", "b"], "Error -3 while decompressing"),
    (["mi", "{tmp}/truncated.csv.gz", "--x", "a", "--y", "b"], "Compressed file ended"),
    (["mi", "{tmp}/wide_field.csv", "--x", "0", "--y", "1"], "field larger than field limit"),
    (["test", "--example", "--permutations", str(10**12)], "for the null distribution alone"),
]


@pytest.mark.parametrize(
    ("argv", "expected"), ERRORS, ids=[f"{e[0][0] if e[0] else ''}: {e[1]}" for e in ERRORS]
)
def test_errors_are_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    _write_errors(tmp_path)
    code, out, err = run(capsys, *(a.format(tmp=tmp_path) for a in argv))
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("fastit: error: ")
    assert expected in lines[0]
