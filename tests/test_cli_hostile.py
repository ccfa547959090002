"""The ``fastit`` command on hostile files and on whatever the library raises: a sound
answer, or one line on stderr with exit status 2 (never a traceback); JSON that strict
parsers read, with non-finite numbers as null and listed in ``non_finite``."""

from __future__ import annotations

import gzip
import json
import math
import os
import subprocess
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import fastit
from fastit.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def strict_json(text: str) -> dict[str, Any]:
    """The object, refusing the NaN and Infinity that only Python's json accepts."""

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    result: dict[str, Any] = json.loads(text, parse_constant=refuse)
    return result


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict[str, Any]:
    code, out, err = run(capsys, *argv, "--json")
    assert code == 0, err
    assert err == ""
    return strict_json(out)


def assert_one_line_error(code: int, out: str, err: str) -> str:
    assert code == 2
    assert out == ""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("fastit: error: ")
    return lines[0]


def write_table(path: Path, names: list[str], a: np.ndarray, newline: str = "\n") -> None:
    lines = [",".join(names), *(",".join(map(repr, row)) for row in a.tolist())]
    path.write_bytes((newline.join(lines) + newline).encode())


@pytest.fixture(scope="module")
def data() -> np.ndarray:
    rng = np.random.default_rng(3)
    a = rng.standard_normal((300, 3))
    a[:, 1] += a[:, 0]
    return a


# --------------------------------------------------------------------------- reading


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_old_mac_and_windows_line_endings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data: np.ndarray, newline: str
) -> None:
    write_table(tmp_path / "unix.csv", ["a", "b", "c"], data)
    expected = run_json(capsys, "mi", str(tmp_path / "unix.csv"), "--x", "a", "--y", "b")
    assert expected["n"] == 300
    other = tmp_path / "other.csv"
    write_table(other, ["a", "b", "c"], data, newline)
    assert run_json(capsys, "mi", str(other), "--x", "a", "--y", "b") == {
        **expected,
        "file": str(other),
    }
    packed = tmp_path / "other.csv.gz"
    packed.write_bytes(gzip.compress(other.read_bytes()))
    assert (
        run_json(capsys, "mi", str(packed), "--x", "a", "--y", "b")["estimate"]
        == (expected["estimate"])
    )
    sniffed = tmp_path / "other.dat"  # delimiter sniffed from the sample
    sniffed.write_bytes(other.read_bytes().replace(b",", b";"))
    assert (
        run_json(capsys, "mi", str(sniffed), "--x", "a", "--y", "b")["estimate"]
        == (expected["estimate"])
    )


@pytest.mark.parametrize("suffix", [".csv", ".txt"])
def test_header_longer_than_the_sniffed_sample(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    rng = np.random.default_rng(4)
    a = np.round(rng.standard_normal((40, 20_000)), 3)
    a[:, -1] = a[:, 0] + 0.1 * rng.standard_normal(40)
    names = [f"column_{j}" for j in range(20_000)]
    path = tmp_path / f"wide{suffix}"
    write_table(path, names, a)
    assert len(",".join(names)) > 64 * 1024
    result = run_json(capsys, "mi", str(path), "--x", "column_19999", "--y", "column_0")
    assert result["estimate"] == fastit.mutual_info(a[:, -1], a[:, 0])
    result = run_json(capsys, "entropy", str(path), "--cols", "19999")
    assert result["columns"] == {"x": ["column_19999"]}


def test_devices_and_pipes_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    devices = [d for d in ("/dev/zero", "/dev/null", "/dev/urandom") if os.path.exists(d)]
    if hasattr(os, "mkfifo"):
        os.mkfifo(tmp_path / "pipe.csv")
        devices.append(str(tmp_path / "pipe.csv"))  # opening it would wait for a writer
    if not devices:
        pytest.skip("no device files or FIFOs here")
    for device in devices:
        line = assert_one_line_error(*run(capsys, "mi", device, "--x", "0", "--y", "0"))
        assert "is not a regular file" in line


def test_zeros_in_a_regular_file_are_refused_as_binary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "zeros"
    path.write_bytes(bytes(1 << 20))
    line = assert_one_line_error(*run(capsys, "pairwise", str(path)))
    assert "holds NUL bytes" in line


# --------------------------------------------------------------------------- JSON


def test_every_command_says_what_is_not_finite(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, data: np.ndarray
) -> None:
    np.save(tmp_path / "data.npy", data)
    npy = str(tmp_path / "data.npy")
    finite = [
        ("mi", "--example"),
        ("entropy", "--example"),
        ("pairwise", "--example"),
        ("select", "--example", "--k", "2"),
        ("test", "--example", "--permutations", "9"),
    ]
    for argv in finite:
        assert run_json(capsys, *argv)["non_finite"] == []
    result = run_json(capsys, "pairwise", npy, "--method", "ksg1")
    assert result["non_finite"] == [
        {"path": ["matrix", j, j], "value": "inf"} for j in range(data.shape[1])
    ]
    matrix = np.array(result["matrix"], dtype=float)
    assert np.isnan(np.diag(matrix)).all()
    off = ~np.eye(3, dtype=bool)
    assert np.array_equal(matrix[off], fastit.pairwise_mutual_info(data, method="ksg1")[off])


@pytest.mark.parametrize("value", [-math.inf, math.inf, math.nan])
def test_non_finite_estimates_are_null(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, value: float
) -> None:
    monkeypatch.setattr(fastit, "mutual_info", lambda *a, **k: value)
    result = run_json(capsys, "mi", "--example")
    assert result["estimate"] is None
    assert result["non_finite"] == [{"path": ["estimate"], "value": str(value)}]
    code, out, err = run(capsys, "mi", "--example")
    assert code == 0
    assert f" = {value} nats" in out


def test_relevance_and_scores_with_infinities(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import fastit.selection

    def relevance(x: np.ndarray, y: np.ndarray, **options: Any) -> np.ndarray:
        out = np.zeros(x.shape[1])
        out[1] = math.inf
        return out

    monkeypatch.setattr(fastit.selection, "relevance", relevance)
    result = run_json(capsys, "select", "--example", "--criterion", "mi", "--k", "2")
    assert result["selected"][0] == "y"  # x, y, z: the inf one first
    assert result["scores"][0] is None
    assert result["relevance"]["y"] is None
    assert {"path": ["relevance", "y"], "value": "inf"} in result["non_finite"]
    assert {"path": ["scores", 0], "value": "inf"} in result["non_finite"]


# --------------------------------------------------------------------------- library errors


@pytest.mark.parametrize(
    ("raised", "shown"),
    [
        (ValueError("x has a problem;\n fix it"), "x has a problem; fix it"),
        (TypeError("bins must be an int"), "bins must be an int"),
        (MemoryError("Unable to allocate 7.28 TiB"), "not enough memory for mutual_info"),
        (MemoryError(), "(MemoryError)"),
        (OverflowError("cannot convert float infinity to integer"), "overflowed on this data"),
    ],
)
def test_what_the_library_raises_is_one_line(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    raised: Exception,
    shown: str,
) -> None:
    import fastit.stats

    def mutual_info(*args: Any, **kwargs: Any) -> float:
        warnings.warn("shown only when the command succeeds", UserWarning, stacklevel=1)
        raise raised

    monkeypatch.setattr(fastit, "mutual_info", mutual_info)
    monkeypatch.setattr(fastit.stats, "mutual_info_test", mutual_info)
    for argv in (["mi", "--example"], ["test", "--example", "--permutations", "9"]):
        line = assert_one_line_error(*run(capsys, *argv))
        assert shown in line


def test_warnings_are_one_line_each(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def mutual_info(*args: Any, **kwargs: Any) -> float:
        for _ in range(3):  # the same warning is shown once
            warnings.warn("a column\n is discrete", fastit.DiscreteDataWarning, stacklevel=1)
        warnings.warn("overflow encountered in subtract", RuntimeWarning, stacklevel=1)
        return 0.25

    monkeypatch.setattr(fastit, "mutual_info", mutual_info)
    code, out, err = run(capsys, "mi", "--example")
    assert code == 0
    assert out.startswith("I(x; y) = 0.2500 nats")
    assert err.splitlines() == [
        "fastit: warning: DiscreteDataWarning: a column is discrete",
        "fastit: warning: RuntimeWarning: overflow encountered in subtract",
    ]


def extreme_table(tmp_path: Path) -> str:
    rng = np.random.default_rng(5)
    a = rng.standard_normal((500, 2))
    a[0, 0], a[1, 0] = 1e308, -1e308
    np.save(tmp_path / "extreme.npy", a)
    return str(tmp_path / "extreme.npy")


def sound_or_one_line(code: int, out: str, err: str) -> None:
    """A finite answer (the library fixed) or one line (the library still failing)."""
    if code == 0:
        result = strict_json(out)
        assert result["non_finite"] == []
        assert all(line.startswith("fastit: warning: ") for line in err.splitlines())
    else:
        assert_one_line_error(code, out, err)


@pytest.mark.parametrize(
    "argv",
    [
        ["mi", "{npy}", "--x", "0", "--y", "1", "--method", "binned"],
        ["mi", "{npy}", "--x", "0", "--y", "1", "--method", "binned", "--bins", "quantile"],
        ["entropy", "{npy}", "--cols", "0", "--method", "histogram"],
        ["pairwise", "{npy}"],
        ["select", "{npy}", "--target", "1", "--continuous-target"],
        ["test", "{npy}", "--x", "0", "--y", "1", "--method", "binned", "--permutations", "5"],
        ["mi", "{npy}", "--x", "0", "--y", "1", "--method", "binned", "--bins", str(10**12)],
        ["entropy", "--example", "--method", "histogram", "--bins", str(10**12)],
        ["pairwise", "--example", "--bins", str(10**12)],
        ["select", "--example", "--bins", str(10**12)],
        ["mi", "--example", "--method", "binned", "--bins", str(10**30)],
    ],
)
def test_extreme_values_and_huge_bins(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    # +-1e308 with binned methods and 10**12 bins: today the library raises OverflowError
    # and MemoryError (10**12 bins ask for 7 TiB, refused at once by the allocator).
    npy = extreme_table(tmp_path)
    sound_or_one_line(*run(capsys, *(a.format(npy=npy) for a in argv), "--json"))


def test_no_traceback_in_a_real_process(tmp_path: Path) -> None:
    path = tmp_path / "cr.csv"
    path.write_bytes(b"a,b\r1,2\r2,1\r3,5\r4,4\r5,3\r")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    for argv, code in (
        (["mi", str(path), "--x", "a", "--y", "b", "-k", "1"], 0),
        (["mi", "/dev/zero", "--x", "0", "--y", "0"], 2),
        (["mi", extreme_table(tmp_path), "--x", "0", "--y", "1", "--method", "binned"], None),
    ):
        if not os.path.exists(argv[1]):
            continue
        proc = subprocess.run(
            [sys.executable, "-m", "fastit.cli", *argv],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert "Traceback" not in proc.stderr
        if code is not None:
            assert proc.returncode == code, proc.stderr
        assert proc.returncode in (0, 2)
