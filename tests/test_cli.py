"""The ``fastit`` command line: fastit/cli.py."""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from importlib import metadata, resources
from pathlib import Path

import numpy as np
import pytest

import fastit
from fastit.cli import main

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


def _write_errors(tmp: Path) -> None:
    (tmp / "text.csv").write_text("a,b\n1,2\n3,hello\n5,7\n6,1\n7,3\n")
    (tmp / "nan.csv").write_text("a,b\n1,2\n3,nan\n5,7\n6,1\n7,3\n")
    (tmp / "hole.csv").write_text("a,b\n1,2\n3,\n5,7\n6,1\n7,3\n")
    (tmp / "few.csv").write_text("a,b\n1,2\n3,4\n5,7\n")
    (tmp / "head.csv").write_text("a,b\n")
    (tmp / "ragged.csv").write_text("a,b\n1,2\n3\n")
    (tmp / "fake.npy").write_text("not an array")


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
]


@pytest.mark.parametrize(("argv", "expected"), ERRORS, ids=[e[1] for e in ERRORS])
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
