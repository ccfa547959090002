"""The ``fastit`` command: information estimates from a data file.

    fastit mi FILE --x COLS --y COLS [--z COLS] [--method ksg1|ksg2|mixed|binned] [-k K]
              [--base B] [--bins B] [--correction C] [--x-discrete] [--y-discrete] [--json]
    fastit mi --example
    fastit entropy FILE --cols COLS [--method kl|histogram] [-k K] [--bins B] [--correction C]
    fastit pairwise FILE [--cols COLS] [-o matrix.csv|matrix.npy] [--method binned|ksg1|...]
    fastit select FILE --target COL [--k 20] [--criterion jmi|mrmr|cmim|mi] [--discrete-target]
    fastit test FILE --x COLS --y COLS [--permutations 1000] [--method ...] [--seed S]
    fastit bench [--quick]

``pairwise``, ``select --criterion mi`` and ``test`` take ``--scheduler ADDRESS`` to run
on a Dask cluster through :mod:`fastit.distributed` (dask is imported only then). Every
command that reads a file takes ``--json`` (one JSON object on stdout), ``--base`` (2 gives
bits; the default is nats), ``--no-progress`` and ``--example``.

FILE is a CSV or TSV table (the delimiter comes from the extension, ``.csv`` or ``.tsv``,
and is sniffed otherwise; a ``.gz`` suffix is read compressed), a ``.npy`` array, an
``.npz`` archive or, when pyarrow is installed, a ``.parquet`` file. COLS names one or more
columns, comma-separated (for ``mi``, ``entropy`` and ``test`` several columns make one
multi-dimensional variable; for ``pairwise`` and ``select`` each column is one variable):
by header name, or by 0-based index. A text table has a header when its first row is not
all numbers. The arrays of an ``.npz`` archive with several arrays are selected by name,
each array being one (possibly multi-dimensional) variable.

Text tables may end their lines in ``\n``, ``\r\n`` or ``\r`` (old Mac files), and a header
line of any length is read whole. FILE must be a regular file: a table is read more than
once (its header, then its columns), which a pipe or device cannot give; files holding NUL
bytes are refused as binary.

Only NumPy and the standard library are used to read files. Every error is reported as a
single line on stderr starting with ``fastit: error:``, with exit status 2, whether the
command line is wrong (argparse's convention) or the data or what was asked of them is
(a missing column, non-numeric or non-finite values, too few rows, options the data
cannot support, more memory than the machine has, an overflow inside an estimator); 0 is
success and 130 an interrupt (Ctrl-C). A traceback is a bug. Results go to stdout;
warnings (one line each, ``fastit: warning:``) and progress bars (tqdm, when installed
and stderr is a terminal) go to stderr.

``--json`` prints one JSON object whose numbers are all JSON numbers, so a reader can load
any matrix or list of them as a numeric array. JSON has no infinity or NaN: such a value
(the inf diagonal of a k-NN ``pairwise`` matrix, say) is written as ``null``, and every
object carries ``non_finite``, the list of those values with their place:
``{"path": ["matrix", 0, 0], "value": "inf"}`` (keys and indices from the top of the
object; value ``"inf"``, ``"-inf"`` or ``"nan"``), empty when every number is finite.
``numpy.array(result["matrix"], dtype=float)`` reads the nulls as NaN; put the listed
values back to get the matrix exactly.

The bundled example, ``fastit/data/example.csv``, was made once (the script is not kept):
``rng = numpy.random.default_rng(20240601)``, then, drawn in this order with n = 2000,
``x = rng.standard_normal(n)``, ``y = 0.6 * x + 0.8 * rng.standard_normal(n)`` (so
I(x; y) = -0.5 ln(1 - 0.36) = 0.2231 nats), ``z = rng.standard_normal(n)`` (independent) and
``label = (x + 0.5 * rng.standard_normal(n) > 0).astype(int)``; written with a header
``x,y,z,label`` and the floats to 6 decimals.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import importlib
import io
import json
import math
import os
import stat
import sys
import time
import warnings
import zipfile
import zlib
from array import array
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from importlib import resources
from types import ModuleType
from typing import Any, NoReturn

import numpy as np

from . import _progress
from ._machine import check_fits

__all__ = ["main"]

_PROG = "fastit"
_EXAMPLE = "example.csv"
_METHOD_NAMES = {
    "ksg1": "KSG algorithm 1",
    "ksg2": "KSG algorithm 2",
    "mixed": "Gao et al. mixed",
    "ross": "Ross",
    "plugin": "plug-in",
    "frenzel_pompe": "Frenzel-Pompe",
    "kozachenko_leonenko": "Kozachenko-Leonenko",
    "binned": "histogram",
    "histogram": "histogram",
    "discrete": "discrete",
}
_CORRECTIONS: dict[str, str | None] = {
    "none": None,
    "miller-madow": "miller-madow",
    "grassberger": "grassberger",
    "jackknife": "jackknife",
    "chao-shen": "chao-shen",
    "nsb": "nsb",
}
_CORRECTION_NAMES = {
    None: "plug-in",
    "miller-madow": "Miller-Madow",
    "grassberger": "Grassberger",
    "jackknife": "jackknife",
    "chao-shen": "Chao-Shen",
    "nsb": "NSB",
}
_CRITERIA = {"mrmr": "mRMR", "jmi": "JMI", "cmim": "CMIM", "mi": "MI ranking"}
_SNIFF_BYTES = 64 * 1024
_PROGRESS_BYTES = 16 << 20  # a text file this large is read with a progress bar
_PAIRWISE_BLOCKS = 20  # a pairwise matrix with a progress bar is computed in this many steps
_CONNECT_TIMEOUT_S = 5.0  # seconds to reach a Dask scheduler


class CLIError(Exception):
    """An error that is the user's to fix; reported as one line, exit status 2."""


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# --------------------------------------------------------------------------- tables


class Table:
    """Columns of a file, selected by name or index and read on demand."""

    source: str
    names: list[str]
    by_name: bool  # whether ``names`` came from the file (a header or npz keys)
    n_rows: int  # -1 until known
    show_progress = False  # a progress bar while reading a large text file

    def resolve(self, spec: str, option: str) -> list[int]:
        """Column positions of a comma-separated selection like ``"x,z"`` or ``"0,2"``."""
        tokens = [t.strip() for t in spec.split(",")]
        if not spec.strip() or any(not t for t in tokens):
            raise CLIError(f"{option} {spec!r} has an empty column name; pass e.g. {option} a,b")
        out: list[int] = []
        for token in tokens:
            if self.by_name and token in self.names:
                if self.names.count(token) > 1:
                    raise CLIError(
                        f"column {token!r} appears more than once in {self.source}; "
                        f"select it by its 0-based index in {option}"
                    )
                out.append(self.names.index(token))
            elif token.isdigit():
                j = int(token)
                if j >= len(self.names):
                    raise CLIError(
                        f"{option}: column index {j} is out of range; {self.source} has "
                        f"{len(self.names)} column{'s' if len(self.names) != 1 else ''} "
                        f"(0 to {len(self.names) - 1})"
                    )
                out.append(self._index_ok(j, option))
            else:
                raise CLIError(f"{option}: no column {token!r} in {self.source}; {self._menu()}")
        return out

    def _index_ok(self, j: int, option: str) -> int:
        return j

    def _menu(self) -> str:
        if not self.by_name:
            return f"it has no column names, select by 0-based index (0 to {len(self.names) - 1})"
        shown = ", ".join(repr(n) for n in self.names[:20])
        more = f" and {len(self.names) - 20} more" if len(self.names) > 20 else ""
        return f"its columns are {shown}{more}"

    def load(self, cols: Sequence[int]) -> dict[int, np.ndarray[Any, Any]]:
        raise NotImplementedError

    def where(self, row: int) -> str:
        return f"row {row}"


class TextTable(Table):
    """A delimited text table (CSV, TSV, ...), read with the standard csv module."""

    def __init__(self, path: str, display: str) -> None:
        self.path = path
        self.source = display
        self.gz = path.lower().endswith(".gz")
        stem = path[:-3] if self.gz else path
        ext = os.path.splitext(stem)[1].lower()
        try:
            with self._open() as f:
                sample = f.read(_SNIFF_BYTES)
                if "\x00" in sample:
                    raise CLIError(
                        f"cannot read {display}: it holds NUL bytes, so it is binary, not a "
                        "text table; pass a CSV/TSV table, .npy or .npz file"
                    )
                sample += f.readline()  # the rest of the line the sample ends in (a wide header)
        except UnicodeDecodeError:
            raise CLIError(
                f"cannot read {display}: it is not UTF-8 text; pass a CSV/TSV table, "
                ".npy or .npz file"
            ) from None
        except (OSError, EOFError, zlib.error) as err:  # (zlib: a corrupt .gz)
            raise CLIError(f"cannot read {display}: {_one_line(str(err))}") from None
        if not sample.strip():
            raise CLIError(f"{display} is empty; it needs a header and data rows")
        if ext == ".csv":
            self.delimiter = ","
        elif ext in (".tsv", ".tab"):
            self.delimiter = "\t"
        else:
            self.delimiter = self._sniff(sample)
        # newline="": lines end in \n, \r\n or \r (old Mac files), as when the file is read
        try:
            first = next(
                csv.reader(io.StringIO(sample, newline=""), delimiter=self.delimiter), None
            )
        except csv.Error as err:
            raise CLIError(f"cannot read {display}: {_one_line(str(err))}") from None
        first = [field.strip() for field in first or []]
        self.header = not all(_is_number(field) for field in first)
        self.by_name = self.header
        self.names = first if self.header else [f"#{j}" for j in range(len(first))]
        self.n_rows = -1
        self._lines = array("q")
        self.large = os.path.getsize(path) > _PROGRESS_BYTES

    def _open(self) -> io.TextIOWrapper:
        try:
            if self.gz:
                return io.TextIOWrapper(
                    gzip.open(self.path, "rb"), encoding="utf-8-sig", newline=""
                )
            return open(self.path, encoding="utf-8-sig", newline="")  # noqa: SIM115
        except OSError as err:
            raise CLIError(f"cannot read {self.source}: {err.strerror or err}") from None

    def _sniff(self, sample: str) -> str:
        try:
            return csv.Sniffer().sniff(sample, delimiters=",\t;| ").delimiter
        except csv.Error:
            first = sample.splitlines()[0] if sample.splitlines() else ""
            if not any(c in first for c in ",\t;|"):
                return ","  # a single column
            raise CLIError(
                f"cannot tell the delimiter of {self.source}; name it .csv or .tsv"
            ) from None

    def load(self, cols: Sequence[int]) -> dict[int, np.ndarray[Any, Any]]:
        wanted = sorted(set(cols))
        values: dict[int, list[str]] = {j: [] for j in wanted}
        width = len(self.names)
        lines = array("q")
        try:
            with self._open() as f:
                reader = csv.reader(f, delimiter=self.delimiter)
                if self.header:
                    next(reader, None)
                rows = _progress.progress(
                    reader, desc=f"reading {self.source}", show=self.show_progress and self.large
                )
                for row in rows:
                    if not row or (len(row) == 1 and not row[0].strip()):
                        continue  # a blank line
                    if len(row) != width:
                        raise CLIError(
                            f"line {reader.line_num} of {self.source} has {len(row)} "
                            f"field{'s' if len(row) != 1 else ''} but "
                            f"{'the header has' if self.header else 'the first line has'} "
                            f"{width}"
                        )
                    for j in wanted:
                        values[j].append(row[j].strip())
                    lines.append(reader.line_num)
        except UnicodeDecodeError:
            raise CLIError(
                f"cannot read {self.source}: it is not UTF-8 text; pass a CSV/TSV table, "
                ".npy or .npz file"
            ) from None
        except (csv.Error, OSError, EOFError, zlib.error) as err:
            raise CLIError(f"cannot read {self.source}: {_one_line(str(err))}") from None
        self._lines = lines
        self.n_rows = len(lines)
        return {j: np.array(v, dtype=str) for j, v in values.items()}

    def where(self, row: int) -> str:
        return f"line {self._lines[row]}"


class ArrayTable(Table):
    """The columns of a 1-D or 2-D array (.npy, one-array .npz), or the arrays of an .npz."""

    def __init__(self, arrays: dict[str, np.ndarray[Any, Any]], display: str, keyed: bool) -> None:
        self.source = display
        self.arrays = arrays
        for key, a in arrays.items():
            label = f"array {key!r} of {display}" if keyed else display
            if a.ndim not in (1, 2):
                raise CLIError(
                    f"{label} has shape {a.shape}; pass a 1-D array or a 2-D array of "
                    "samples by columns"
                )
            if a.dtype.kind not in "biufUS":
                raise CLIError(f"{label} has dtype {a.dtype}; pass numbers")
        self.keyed = keyed
        if keyed:
            self.names = list(arrays)
            self.by_name = True
            lengths = {a.shape[0] for a in arrays.values()}
            self.n_rows = -1 if len(lengths) != 1 else lengths.pop()
        else:
            (a,) = arrays.values()
            self.names = [f"#{j}" for j in range(1 if a.ndim == 1 else a.shape[1])]
            self.by_name = False
            self.n_rows = a.shape[0]

    def _index_ok(self, j: int, option: str) -> int:
        if self.keyed:
            raise CLIError(
                f"{option}: {self.source} holds several arrays; select them by name "
                f"({', '.join(map(repr, self.names))})"
            )
        return j

    def load(self, cols: Sequence[int]) -> dict[int, np.ndarray[Any, Any]]:
        if self.keyed:
            picked = {j: self.arrays[self.names[j]] for j in set(cols)}
            lengths = {a.shape[0] for a in picked.values()}
            if len(lengths) > 1:
                sizes = ", ".join(f"{self.names[j]!r}: {a.shape[0]}" for j, a in picked.items())
                raise CLIError(f"the selected arrays of {self.source} differ in length ({sizes})")
            self.n_rows = lengths.pop()
            return {j: np.asarray(a) for j, a in picked.items()}
        (a,) = self.arrays.values()
        a = np.asarray(a)
        return {j: (a if a.ndim == 1 else a[:, j]) for j in set(cols)}


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _read_npz(path: str, display: str) -> ArrayTable:
    try:
        with np.load(path, allow_pickle=False) as npz:
            arrays = {key: npz[key] for key in npz.files}
    except ValueError as err:
        raise CLIError(f"cannot read {display}: {_one_line(str(err))}") from None
    if not arrays:
        raise CLIError(f"{display} holds no arrays")
    return ArrayTable(arrays, display, keyed=len(arrays) > 1)


def _read_parquet(path: str, display: str) -> ArrayTable:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise CLIError(
            f"reading Parquet ({display}) needs pyarrow; pip install pyarrow, or pass CSV, "
            ".npy or .npz"
        ) from None
    try:
        table = pq.read_table(path)
    except Exception as err:  # pyarrow raises its own exception types
        raise CLIError(f"cannot read {display}: {_one_line(str(err))}") from None
    arrays = {name: table.column(name).to_numpy() for name in table.column_names}
    for name, a in arrays.items():
        if a.dtype.kind == "O":
            arrays[name] = a.astype(str)
    return ArrayTable(arrays, display, keyed=True)


def open_table(path: str) -> Table:
    """The table in ``path``, by its extension (text tables are sniffed)."""
    display = repr(path)
    if not os.path.exists(path):
        raise CLIError(f"no such file: {display}")
    if os.path.isdir(path):
        raise CLIError(f"{display} is a directory; pass a CSV/TSV, .npy or .npz file")
    if not stat.S_ISREG(os.stat(path).st_mode):
        raise CLIError(
            f"{display} is not a regular file (a device, pipe or socket); fastit reads a table "
            "more than once (its header, then its columns): save it to a file and pass that"
        )
    ext = os.path.splitext(path)[1].lower()
    try:
        if ext in (".npy", ".npz"):
            with open(path, "rb") as f:
                magic = f.read(6)
            if ext == ".npy" and magic != b"\x93NUMPY":
                raise CLIError(f"cannot read {display}: it is not a NumPy .npy file")
            if ext == ".npz" and not zipfile.is_zipfile(path):
                raise CLIError(f"cannot read {display}: it is not a NumPy .npz archive")
        if ext == ".npy":
            try:
                arr = np.load(path, mmap_mode="r", allow_pickle=False)
            except ValueError:  # not memory-mappable (e.g. object arrays): say why plainly
                arr = np.load(path, allow_pickle=False)
            return ArrayTable({"": arr}, display, keyed=False)
        if ext == ".npz":
            return _read_npz(path, display)
        if ext in (".parquet", ".pq"):
            return _read_parquet(path, display)
    except CLIError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as err:
        kind = ext.lstrip(".")
        raise CLIError(f"cannot read {display} as .{kind}: {_one_line(str(err))}") from None
    return TextTable(path, display)


# --------------------------------------------------------------------------- variables


def _first_bad(mask: np.ndarray[Any, Any]) -> int:
    """The first row where ``mask`` (1-D or 2-D) is true."""
    return int(np.flatnonzero(mask.reshape(len(mask), -1).any(axis=1))[0])


def _as_float(
    table: Table, name: str, col: np.ndarray[Any, Any], hint: str
) -> np.ndarray[Any, Any]:
    if col.dtype.kind in "biuf":
        out = np.asarray(col, dtype=np.float64)
    else:
        empty = col == ""
        if empty.any():
            raise CLIError(
                f"column {name!r} of {table.source} has an empty cell at "
                f"{table.where(_first_bad(empty))}; remove or impute missing values first"
            )
        try:
            out = col.astype(np.float64)
        except ValueError:
            numeric = np.vectorize(lambda v: _is_number(str(v)), otypes=[bool])(col)
            i = _first_bad(~numeric)
            text = str(col.reshape(len(col), -1)[i][~numeric.reshape(len(col), -1)[i]][0])
            raise CLIError(
                f"column {name!r} of {table.source} is not numeric: {table.where(i)} "
                f"holds {text!r}{hint}"
            ) from None
    bad = ~np.isfinite(out)
    if bad.any():
        i = _first_bad(bad)
        what = "NaN" if np.isnan(out.reshape(len(out), -1)[i]).any() else "an infinite value"
        raise CLIError(
            f"column {name!r} of {table.source} has {what} at {table.where(i)}; "
            "remove or impute missing values first"
        )
    return out


def _as_labels(table: Table, name: str, col: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    if col.dtype.kind in "US":
        empty = col == ""
        if empty.any():
            raise CLIError(
                f"column {name!r} of {table.source} has an empty cell at "
                f"{table.where(_first_bad(empty))}; remove or label the missing values first"
            )
        if all(_is_number(str(v)) for v in np.unique(col)):
            return _as_float(table, name, col, "")  # "1" and "1.0" are the same label
        return col
    return _as_float(table, name, col, "")


def variable(
    table: Table,
    cols: list[int],
    loaded: dict[int, np.ndarray[Any, Any]],
    *,
    discrete: bool,
    hint: str,
) -> np.ndarray[Any, Any]:
    parts = []
    for j in cols:
        name = table.names[j]
        col = loaded[j]
        parts.append(
            _as_labels(table, name, col) if discrete else _as_float(table, name, col, hint)
        )
    if len(parts) == 1:
        return parts[0]
    if discrete and len({p.dtype.kind for p in parts}) > 1:
        parts = [p.astype(str) for p in parts]
    return np.column_stack(parts)


# --------------------------------------------------------------------------- output


def _units(base: float | None) -> str:
    if base is None or base == math.e:
        return "nats"
    if base == 2:
        return "bits"
    return f"log base {base:g} units"


def _fmt(value: float) -> str:
    return f"{value:.4f}" if math.isfinite(value) else str(value)


def _json_ready(value: Any, path: list[str | int], non_finite: list[dict[str, Any]]) -> Any:
    """``value`` as JSON types; a non-finite number becomes null and is recorded in
    ``non_finite`` with its path (keys and indices) and ``"inf"``, ``"-inf"`` or ``"nan"``."""
    if isinstance(value, dict):
        return {k: _json_ready(v, [*path, k], non_finite) for k, v in value.items()}
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [_json_ready(v, [*path, i], non_finite) for i, v in enumerate(value)]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        if math.isfinite(value):
            return float(value)
        non_finite.append({"path": path, "value": str(float(value))})
        return None  # JSON has no inf or NaN
    return value


def _print_json(result: dict[str, Any]) -> None:
    """One JSON object: numbers are numbers, a non-finite one is null and listed in
    ``non_finite`` (e.g. ``{"path": ["matrix", 0, 0], "value": "inf"}``)."""
    non_finite: list[dict[str, Any]] = []
    out = _json_ready(result, [], non_finite)
    out["non_finite"] = non_finite
    print(json.dumps(out, allow_nan=False))


def _details(result: dict[str, Any]) -> str:
    """The bracketed method summary of a result: ``[histogram, fd bins, Miller-Madow, n=2000]``."""
    parts = [result["method_name"]]
    if result.get("k") is not None:
        parts.append(f"k={result['k']}")
    if result.get("bins") is not None:
        parts.append(f"{result['bins']} bins")
    if "correction" in result and result["method"] != "plugin":
        parts.append(_CORRECTION_NAMES[result["correction"]])
    parts.append(f"n={result['n']}")
    return f"[{', '.join(parts)}]"


def _report(args: argparse.Namespace, result: dict[str, Any], formula: str) -> None:
    if args.json:
        _print_json(result)
        return
    print(f"{formula} = {_fmt(float(result['estimate']))} {result['units']}  {_details(result)}")


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str) -> str:
    """Rows of text cells in aligned columns; ``align`` has a ``<`` or ``>`` per column."""
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(len(header))]
    lines = [
        "  ".join(f"{cell:{a}{w}}" for cell, a, w in zip(row, align, widths, strict=True))
        for row in [header, *rows]
    ]
    return "\n".join(line.rstrip() for line in lines)


# --------------------------------------------------------------------------- inputs


class _Source:
    """The file a command reads: FILE, or the bundled example with --example."""

    def __init__(self, args: argparse.Namespace, stack: ExitStack) -> None:
        if args.example and args.file is not None:
            raise CLIError(f"pass either FILE or --example, not both (got FILE {args.file!r})")
        if args.example:
            ref = resources.files("fastit").joinpath("data").joinpath(_EXAMPLE)
            path = str(stack.enter_context(resources.as_file(ref)))
            if not os.path.exists(path):
                raise CLIError(
                    f"the bundled example data ({_EXAMPLE}) is missing from this install"
                )
            self.table = open_table(path)
            self.table.source = f"the example data ({_EXAMPLE})"
            self.name = _EXAMPLE
        elif args.file is None:
            raise CLIError("pass a FILE to read (CSV/TSV, .npy or .npz), or --example")
        else:
            self.table = open_table(args.file)
            self.name = args.file
        self.table.show_progress = args.progress


def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call a fastit function; what it raises about the data or options is the user's:
    ValueError/TypeError (their messages are written for users), and MemoryError and
    OverflowError (named, since their messages are not)."""
    try:
        return fn(*args, **kwargs)
    except (ValueError, TypeError) as err:
        raise CLIError(_one_line(str(err))) from None
    except MemoryError as err:
        raise CLIError(
            f"not enough memory for {fn.__name__} on this data and these options "
            f"({_one_line(str(err)) or 'MemoryError'}); ask for less (fewer bins, permutations "
            "or columns)"
        ) from None
    except OverflowError as err:
        raise CLIError(
            f"{fn.__name__} overflowed on this data ({_one_line(str(err))}); values near the "
            "float limits (about 1e308) may need rescaling"
        ) from None


def _estimate(fn: Any, *args: Any, **kwargs: Any) -> float:
    return float(_call(fn, *args, **kwargs))


def _require(value: str | None, option: str, default: str | None) -> str:
    if value is not None:
        return value
    if default is not None:
        return default
    raise CLIError(f"{option} is required: name the column(s), e.g. {option} a or {option} a,b")


def _check_rows(table: Table) -> None:
    if table.n_rows == 0:
        raise CLIError(f"{table.source} has no data rows")
    if table.n_rows == 1:
        raise CLIError(f"{table.source} has only 1 data row; estimates need at least 2")


def _is_text(col: np.ndarray[Any, Any]) -> bool:
    """Whether a column holds words rather than numbers (empty cells aside)."""
    if col.dtype.kind not in "US":
        return False
    try:
        col[col != ""].astype(np.float64)
    except ValueError:
        return True
    return False


def _label_like(col: np.ndarray[Any, Any]) -> bool:
    """Whether a target column reads as class labels, as fastit.select_features infers from a
    dtype: integers, booleans and words are labels, other numbers are continuous (a text
    column of whole numbers, written without a decimal point, reads as integers)."""
    if col.ndim != 1:
        return False
    if col.dtype.kind in "biu":
        return True
    if col.dtype.kind not in "US":
        return False
    digits = np.char.lstrip(np.char.strip(col.astype(str)), "+-")
    return bool(np.all(np.char.isdigit(digits))) or _is_text(col)


def _columns(
    table: Table, spec: str | None, option: str, exclude: Sequence[int] = ()
) -> tuple[list[int], dict[int, np.ndarray[Any, Any]], list[str]]:
    """The columns ``spec`` names, or every numeric one but ``exclude``; the loaded columns
    (``exclude`` included) and the names of the non-numeric columns left out."""
    if spec is not None:
        cols = table.resolve(spec, option)
        return cols, table.load([*cols, *exclude]), []
    loaded = table.load(list(range(len(table.names))))
    text = {j for j in range(len(table.names)) if j not in exclude and _is_text(loaded[j])}
    cols = [j for j in range(len(table.names)) if j not in exclude and j not in text]
    return cols, loaded, [table.names[j] for j in sorted(text)]


def _column(table: Table, j: int, loaded: dict[int, np.ndarray[Any, Any]]) -> np.ndarray[Any, Any]:
    """Column j as float64, one-dimensional."""
    if loaded[j].ndim != 1:
        raise CLIError(
            f"array {table.names[j]!r} of {table.source} has {loaded[j].shape[1]} columns; "
            "name one-dimensional arrays here"
        )
    return _as_float(table, table.names[j], loaded[j], "")


def _default(fn: Callable[..., Any], name: str) -> Any:
    import inspect

    return inspect.signature(fn).parameters[name].default


def _correction(args: argparse.Namespace, default: str | None) -> str | None:
    return default if args.correction is None else _CORRECTIONS[args.correction]


def _method_fields(key: str, k: int | None, options: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {"method": key, "method_name": _METHOD_NAMES[key], "k": k}
    if key in ("binned", "histogram"):
        fields["bins"] = options["bins"]
    if key in ("binned", "histogram", "plugin", "discrete"):
        fields["correction"] = options["correction"]
    return fields


# --------------------------------------------------------------------------- dask


def _connect(address: str | None, stack: ExitStack) -> Any:
    """A dask.distributed Client of the scheduler at ``address`` (closed by ``stack``), or
    None without an address. dask is imported here only."""
    if address is None:
        return None
    try:
        from dask.distributed import Client
    except ImportError:
        raise CLIError(
            "--scheduler needs dask.distributed: pip install 'fastit[dask]', or run "
            "without --scheduler"
        ) from None
    connect: Any = Client  # untyped in some dask releases
    try:
        client = connect(address, timeout=_CONNECT_TIMEOUT_S)
    except Exception as err:  # OSError (unreachable, timed out), ValueError (bad address)
        raise CLIError(
            f"cannot connect to the Dask scheduler at {address!r}: {_one_line(str(err))}"
        ) from None
    stack.callback(client.close)
    return client


def _distributed() -> ModuleType:
    try:
        return importlib.import_module("fastit.distributed")
    except ImportError as err:
        raise CLIError(
            f"--scheduler needs fastit.distributed, which this install lacks "
            f"({_one_line(str(err))})"
        ) from None


# --------------------------------------------------------------------------- mi, entropy


def _mi_options(args: argparse.Namespace) -> tuple[dict[str, Any], str, int | None]:
    """fastit.mutual_info's keywords from the options of ``mi`` and ``test``; the method's
    key for the output, and k (None where the method has none)."""
    import fastit

    xd, yd = args.x_discrete, args.y_discrete
    method = args.method or "ksg1"
    if (xd or yd) and method != "ksg1":
        raise CLIError(
            f"--method {args.method} does not apply to discrete variables: with one of "
            "--x-discrete/--y-discrete fastit uses the Ross estimator, with both the plug-in "
            "estimator"
        )
    binned = method == "binned"
    if args.bins is not None and not binned:
        raise CLIError("--bins applies to --method binned only")
    if args.correction is not None and not (binned or (xd and yd)):
        raise CLIError(
            "--correction applies to --method binned and to two discrete variables "
            "(--x-discrete --y-discrete)"
        )
    options: dict[str, Any] = {
        "k": args.k,
        "method": method,
        "base": args.base,
        "x_discrete": xd,
        "y_discrete": yd,
    }
    k: int | None = args.k
    if xd and yd:
        options["correction"] = _correction(args, None)  # the plug-in value unless asked
        key, k = ("plugin" if options["correction"] is None else "discrete"), None
    elif xd or yd:
        key = "ross"
    elif binned:
        options["bins"] = (
            args.bins if args.bins is not None else _default(fastit.mutual_info, "bins")
        )
        options["correction"] = _correction(args, "miller-madow")
        key, k = "binned", None
    else:
        key = method
    return options, key, k


def _xy(
    args: argparse.Namespace, stack: ExitStack, z: bool = False
) -> tuple[_Source, dict[str, list[str]], list[np.ndarray[Any, Any]]]:
    """Read --x, --y (and --z) from the command's file: the source, the column names and
    the variables."""
    src = _Source(args, stack)
    table = src.table
    example = args.example
    xi = table.resolve(_require(args.x, "--x", "x" if example else None), "--x")
    yi = table.resolve(_require(args.y, "--y", "y" if example else None), "--y")
    zi = table.resolve(args.z, "--z") if z and args.z is not None else []
    loaded = table.load(xi + yi + zi)
    _check_rows(table)
    hint = "; mark a column of labels with --x-discrete or --y-discrete"
    names = {"x": [table.names[j] for j in xi], "y": [table.names[j] for j in yi]}
    variables = [
        variable(table, xi, loaded, discrete=args.x_discrete, hint=hint),
        variable(table, yi, loaded, discrete=args.y_discrete, hint=hint),
    ]
    if zi:
        names["z"] = [table.names[j] for j in zi]
        variables.append(variable(table, zi, loaded, discrete=False, hint=""))
    return src, names, variables


def _cmd_mi(args: argparse.Namespace) -> int:
    import fastit

    if args.z is not None:
        if args.method not in (None, "ksg1"):
            raise CLIError(
                f"--method {args.method} does not apply with --z; conditional MI uses the "
                "Frenzel-Pompe estimator (the KSG algorithm 1 analogue)"
            )
        if args.x_discrete or args.y_discrete:
            raise CLIError(
                "--x-discrete/--y-discrete do not apply with --z; conditional MI needs "
                "continuous x, y and z"
            )
        if args.bins is not None or args.correction is not None:
            raise CLIError("--bins/--correction do not apply with --z (a k-NN estimate)")
        options: dict[str, Any] = {}
        key, k = "frenzel_pompe", args.k
    else:
        options, key, k = _mi_options(args)
    with ExitStack() as stack:
        src, names, variables = _xy(args, stack, z=True)
    formula = f"{','.join(names['x'])}; {','.join(names['y'])}"
    if args.z is not None:
        x, y, z = variables
        value = _estimate(fastit.conditional_mutual_info, x, y, z, k=args.k, base=args.base)
        quantity = "conditional_mutual_info"
        formula = f"I({formula} | {','.join(names['z'])})"
    else:
        x, y = variables
        value = _estimate(fastit.mutual_info, x, y, **options)
        quantity, formula = "mutual_info", f"I({formula})"
    result = {
        "quantity": quantity,
        "estimate": value,
        "units": _units(args.base),
        "base": args.base,
        **_method_fields(key, k, options),
        "n": len(x),
        "columns": names,
        "file": src.name,
    }
    _report(args, result, formula)
    return 0


def _cmd_entropy(args: argparse.Namespace) -> int:
    import fastit

    method = args.method or "kl"
    if method == "kl" and (args.bins is not None or args.correction is not None):
        raise CLIError("--bins and --correction apply to --method histogram only")
    options: dict[str, Any] = {"k": args.k, "method": method, "base": args.base}
    key, k = "kozachenko_leonenko", args.k
    if method == "histogram":
        bins = args.bins if args.bins is not None else _default(fastit.differential_entropy, "bins")
        options.update(bins=bins, correction=_correction(args, "miller-madow"))
        key, k = "histogram", None
    with ExitStack() as stack:
        src = _Source(args, stack)
        table = src.table
        cols = table.resolve(_require(args.cols, "--cols", "x" if args.example else None), "--cols")
        loaded = table.load(cols)
    _check_rows(table)
    x = variable(table, cols, loaded, discrete=False, hint="")
    names = [table.names[j] for j in cols]
    value = _estimate(fastit.differential_entropy, x, **options)
    result = {
        "quantity": "differential_entropy",
        "estimate": value,
        "units": _units(args.base),
        "base": args.base,
        **_method_fields(key, k, options),
        "n": len(x),
        "columns": {"x": names},
        "file": src.name,
    }
    _report(args, result, f"h({','.join(names)})")
    return 0


# --------------------------------------------------------------------------- pairwise


def _pairwise_local(x: np.ndarray[Any, Any], options: dict[str, Any], show: bool) -> Any:
    """fastit.pairwise_mutual_info(x, **options); with ``show``, in blocks of rows of the
    upper triangle (equal numbers of pairs) under a progress bar. Every pair is estimated
    from its two columns alone, so the blocks give the same matrix, bit for bit."""
    import fastit

    p = x.shape[1]
    steps = min(_PAIRWISE_BLOCKS, p // 4) if show else 1
    if steps <= 1:
        return _call(fastit.pairwise_mutual_info, x, **options)
    done = np.cumsum(np.arange(p, 0, -1))  # pairs in rows 0..i of the upper triangle
    ends = np.searchsorted(done, np.linspace(0, done[-1], steps + 1)[1:]) + 1
    bounds = [0, *sorted({int(e) for e in ends})]
    blocks = list(zip(bounds[:-1], bounds[1:], strict=True))
    out = np.empty((p, p))
    for i0, i1 in _progress.progress(blocks, total=len(blocks), desc="pairwise MI", show=True):
        out[i0:i1, i0:i1] = _call(fastit.pairwise_mutual_info, x[:, i0:i1], **options)
        if i1 < p:
            block = _call(fastit.pairwise_mutual_info, x[:, i0:i1], x[:, i1:], **options)
            out[i0:i1, i1:] = block
            out[i1:, i0:i1] = block.T
    return out


def _write_matrix(path: str, names: list[str], matrix: np.ndarray[Any, Any]) -> None:
    """``.npy``: the array; otherwise a CSV (TSV for .tsv) with a header row of the names
    and the names as the first column (its header cell empty, as pandas writes an index)."""
    try:
        if path.lower().endswith(".npy"):
            np.save(path, matrix)
            return
        delimiter = "\t" if path.lower().endswith((".tsv", ".tab")) else ","
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, delimiter=delimiter)
            writer.writerow(["", *names])
            for name, row in zip(names, matrix, strict=True):
                writer.writerow([name, *(repr(float(v)) for v in row)])
    except OSError as err:
        raise CLIError(f"cannot write {path!r}: {err.strerror or err}") from None


def _cmd_pairwise(args: argparse.Namespace) -> int:
    import fastit

    method = args.method or "binned"
    options: dict[str, Any] = {"method": method, "k": args.k, "base": args.base}
    key, k = method, args.k
    if method == "binned":
        bins = args.bins if args.bins is not None else _default(fastit.pairwise_mutual_info, "bins")
        options.update(bins=bins, correction=_correction(args, "miller-madow"))
        k = None
    elif args.bins is not None or args.correction is not None:
        raise CLIError("--bins and --correction apply to --method binned only")
    with ExitStack() as stack:
        client = _connect(args.scheduler, stack)
        src = _Source(args, stack)
        table = src.table
        cols, loaded, skipped = _columns(table, args.cols, "--cols")
        _check_rows(table)
        if len(cols) < 2:
            found = f"{table.source} has {len(cols)} numeric column{'s' if len(cols) != 1 else ''}"
            raise CLIError(f"pairwise needs at least 2 numeric columns; {found}")
        names = [table.names[j] for j in cols]
        x = np.column_stack([_column(table, j, loaded) for j in cols])
        if client is not None:
            matrix = _call(
                _distributed().pairwise_mutual_info,
                x,
                client=client,
                progress=args.progress,
                **options,
            )
        else:
            matrix = _pairwise_local(x, options, args.progress)
    matrix = np.asarray(matrix, dtype=np.float64)
    if args.output is not None:
        _write_matrix(args.output, names, matrix)
    units = _units(args.base)
    result = {
        "quantity": "pairwise_mutual_info",
        "columns": names,
        "matrix": matrix,
        "units": units,
        "base": args.base,
        **_method_fields(key, k, options),
        "n": x.shape[0],
        "skipped": skipped,
        "output": args.output,
        "scheduler": args.scheduler,
        "file": src.name,
    }
    if args.json:
        _print_json(result)
        return 0
    diagonal = (
        "the entropy of each binned column"
        if method == "binned"
        else "inf for a column with a continuous part, H(X) for a purely discrete one"
    )
    print(f"I(row; column) in {units}  {_details(result)}; diagonal: {diagonal}")
    if args.output is not None:
        print(f"wrote the {len(names)} x {len(names)} matrix to {args.output}")
    else:
        rows = [[name, *map(_fmt, row)] for name, row in zip(names, matrix, strict=True)]
        print(_table(["", *names], rows, "<" + ">" * len(names)))
    if skipped:
        print(f"skipped non-numeric columns: {', '.join(skipped)}")
    return 0


# --------------------------------------------------------------------------- select


def _cmd_select(args: argparse.Namespace) -> int:
    import fastit
    from fastit.selection import relevance

    criterion = args.criterion
    if args.scheduler is not None and criterion != "mi":
        raise CLIError(
            f"--scheduler: only the mi ranking is distributed, not --criterion {criterion}; "
            "pass --criterion mi, or drop --scheduler"
        )
    if args.n_features < 1:
        raise CLIError(f"--k must be at least 1 (features to select), got {args.n_features}")
    estimator = args.estimator
    if estimator == "ksg" and args.bins is not None:
        raise CLIError("--bins applies to --estimator binned only")
    with ExitStack() as stack:
        client = _connect(args.scheduler, stack)
        src = _Source(args, stack)
        table = src.table
        targets = table.resolve(
            _require(args.target, "--target", "label" if args.example else None), "--target"
        )
        if len(targets) != 1:
            raise CLIError(f"--target names one column, got {len(targets)} ({args.target})")
        t = targets[0]
        cols, loaded, skipped = _columns(table, args.cols, "--cols", exclude=[t])
        if t in cols:
            raise CLIError(f"--cols includes the target column {table.names[t]!r}; leave it out")
        _check_rows(table)
        if not cols:
            raise CLIError(f"{table.source} has no numeric feature columns besides the target")
        names = [table.names[j] for j in cols]
        x = np.column_stack([_column(table, j, loaded) for j in cols])
        if args.discrete_target:
            discrete = True
        else:
            discrete = not args.continuous_target and _label_like(loaded[t])
        y = _as_labels(table, table.names[t], loaded[t]) if discrete else _column(table, t, loaded)
        if y.ndim != 1:
            raise CLIError(f"--target {table.names[t]!r} is not one column")
        options: dict[str, Any] = {
            "estimator": estimator,
            "discrete_features": False,
            "discrete_target": discrete,
            "n_neighbors": args.k,
            "correction": _correction(args, "miller-madow"),
            "base": args.base,
        }
        if estimator == "binned":
            bins = args.bins if args.bins is not None else _default(fastit.select_features, "bins")
            options["bins"] = bins
        k = min(args.n_features, len(cols))
        if criterion == "mi":
            if client is not None:
                scores = _call(
                    _distributed().rank_features,
                    x,
                    y,
                    client=client,
                    progress=args.progress,
                    **options,
                )
            else:
                scores = _call(relevance, x, y, **options)
            rel = np.asarray(scores, dtype=np.float64)
            picked = np.argsort(-rel, kind="stable")[:k]  # ties: the lower column first
            picked_scores = rel[picked]
        else:
            selection = _call(fastit.select_features, x, y, k, criterion=criterion, **options)
            picked, picked_scores, rel = selection.selected, selection.scores, selection.relevance
    units = _units(args.base)
    result = {
        "quantity": "feature_selection",
        "criterion": criterion,
        "criterion_name": _CRITERIA[criterion],
        "target": table.names[t],
        "discrete_target": discrete,
        "selected": [names[j] for j in picked],
        "scores": np.asarray(picked_scores, dtype=np.float64),
        "relevance": dict(zip(names, np.asarray(rel, dtype=np.float64).tolist(), strict=True)),
        "units": units,
        "base": args.base,
        "estimator": estimator,
        "bins": options.get("bins"),
        "correction": options["correction"],
        "n_neighbors": args.k if estimator == "ksg" else None,
        "n": x.shape[0],
        "skipped": skipped,
        "scheduler": args.scheduler,
        "file": src.name,
    }
    if args.json:
        _print_json(result)
        return 0
    details = [estimator if estimator == "binned" else "k-NN", f"n={x.shape[0]}"]
    if estimator == "binned":
        details[1:1] = [f"{options['bins']} bins", _CORRECTION_NAMES[options["correction"]]]
    else:
        details[1:1] = [f"k={args.k}"]
    kind = "discrete" if discrete else "continuous"
    print(
        f"{_CRITERIA[criterion]}: {k} of {len(names)} features for {table.names[t]!r} "
        f"({kind} target), scores in {units}  [{', '.join(details)}]"
    )
    header = ["rank", "feature", f"score ({units})", f"I(feature; target) ({units})"]
    rows = [
        [str(r + 1), names[j], _fmt(float(s)), _fmt(float(rel[j]))]
        for r, (j, s) in enumerate(zip(picked, picked_scores, strict=True))
    ]
    if criterion == "mi":  # the score is the relevance
        header, rows = header[:2] + header[3:], [row[:2] + row[3:] for row in rows]
    print(_table(header, rows, "><>>"[: len(header)]))
    if skipped:
        print(f"skipped non-numeric columns: {', '.join(skipped)}")
    return 0


# --------------------------------------------------------------------------- test


def _cmd_test(args: argparse.Namespace) -> int:
    import fastit.stats

    m = args.n_permutations
    if m < 1:
        raise CLIError(f"--permutations must be at least 1, got {m}")
    # The null distribution comes back whole: refused before the data are read.
    fix = "that is for the null distribution alone: ask for fewer"
    _call(check_fits, 8 * m, f"--permutations {m}", fix)
    options, key, k = _mi_options(args)
    with ExitStack() as stack:
        client = _connect(args.scheduler, stack)
        src, names, (x, y) = _xy(args, stack)
        if args.k is None:  # the test's own default: k for power
            options["k"] = "auto"
            if key in ("ksg1", "ksg2", "mixed", "ross"):
                k = options["k"] = fastit.stats.auto_k(len(x))
        common = {"n_permutations": m, "random_state": args.seed, **options}
        if client is not None:
            fn = _distributed().mutual_info_test
            test = _call(fn, x, y, client=client, progress=args.progress, **common)
        else:
            test = _call(fastit.stats.mutual_info_test, x, y, progress=args.progress, **common)
    null = np.asarray(test.null_distribution, dtype=np.float64)
    units = _units(args.base)
    result = {
        "quantity": "mutual_info_test",
        "statistic": float(test.statistic),
        "pvalue": float(test.pvalue),
        "n_permutations": int(null.size),
        "null_mean": float(null.mean()),
        "null_sd": float(null.std()),
        "units": units,
        "base": args.base,
        **_method_fields(key, k, options),
        "n": len(x),
        "seed": args.seed,
        "columns": names,
        "scheduler": args.scheduler,
        "file": src.name,
    }
    if args.json:
        _print_json(result)
        return 0
    formula = f"I({','.join(names['x'])}; {','.join(names['y'])})"
    print(
        f"{formula} = {_fmt(float(test.statistic))} {units}, permutation p-value "
        f"{test.pvalue:.3g} ({null.size} permutations)  {_details(result)}"
    )
    print(
        f"null distribution: mean {_fmt(float(null.mean()))} {units}, "
        f"sd {_fmt(float(null.std()))} {units}; the smallest possible p-value is "
        f"1/({null.size} + 1) = {1 / (null.size + 1):.3g}"
    )
    return 0


# --------------------------------------------------------------------------- bench


def _cmd_bench(args: argparse.Namespace) -> int:
    from scipy.spatial import cKDTree
    from scipy.special import digamma

    import fastit

    k, rho = 3, 0.6

    def ckdtree_ksg1(x: np.ndarray[Any, Any], y: np.ndarray[Any, Any]) -> float:
        # KSG algorithm 1 as benchmarks/peers.py has it: cKDTree counts <= r, so the radius
        # is nextafter(eps, 0) for strict counts; the counts include the point itself.
        xy = np.column_stack((x, y))
        dist, _ = cKDTree(xy).query(xy, k=k + 1, p=np.inf, workers=-1)
        radius = np.nextafter(dist[:, -1], 0)
        psi = 0.0
        for v in (x[:, None], y[:, None]):
            counts = cKDTree(v).query_ball_point(
                v, r=radius, p=np.inf, return_length=True, workers=-1
            )
            psi += float(np.mean(digamma(counts)))
        return float(digamma(k) + digamma(len(x)) - psi)

    libraries: list[tuple[str, str, Callable[[Any, Any], float]]] = [
        ("fastit", "fastit.mutual_info, all cores", lambda x, y: fastit.mutual_info(x, y, k=k))
    ]
    missing = []
    try:
        from sklearn.feature_selection import mutual_info_regression
    except ImportError:
        missing.append("scikit-learn")
    else:
        libraries.append(
            (
                "scikit-learn",
                "mutual_info_regression, 1 thread",
                lambda x, y: float(
                    mutual_info_regression(x[:, None], y, n_neighbors=k, random_state=0)[0]
                ),
            )
        )
    libraries.append(("scipy", "cKDTree KSG, workers=-1", ckdtree_ksg1))
    sizes = (2_000, 20_000) if args.quick else (100_000, 1_000_000)
    repeat = 1 if args.quick else 3
    truth = -0.5 * math.log(1 - rho * rho)
    rng = np.random.default_rng(0)
    warm = rng.standard_normal((2, 500))
    for _, _, fn in libraries:  # imports, thread pools, caches
        fn(warm[0], warm[1])
    rows: list[dict[str, Any]] = []
    reference = math.nan  # fastit's time at this size
    for n in sizes:
        x = rng.standard_normal(n)
        y = rho * x + math.sqrt(1 - rho * rho) * rng.standard_normal(n)
        for name, label, fn in libraries:  # fastit first: the ratios divide by its time
            seconds, estimate = math.inf, math.nan
            for _ in range(repeat if name == "fastit" else 1):  # the peers are slow: once
                start = time.perf_counter()
                estimate = float(fn(x, y))
                seconds = min(seconds, time.perf_counter() - start)
            if name == "fastit":
                reference = seconds
            row = {"n": n, "library": name, "function": label, "seconds": seconds}
            rows.append({**row, "ratio": seconds / reference, "estimate": estimate})
    result = {
        "quantity": "benchmark",
        "case": f"KSG algorithm 1, k={k}, correlated Gaussians rho={rho}",
        "truth": truth,
        "units": "nats",
        "cpu_count": os.cpu_count(),
        "rows": rows,
        "missing": missing,
    }
    if args.json:
        _print_json(result)
        return 0
    print(
        f"fastit beside its peers: KSG algorithm 1, k={k}, correlated Gaussians (rho={rho}, "
        f"I = {truth:.4f} nats), {os.cpu_count()} CPU cores; ratio = time / fastit's time"
    )
    table = [
        [
            f"{r['n']:,}",
            r["library"],
            r["function"],
            f"{r['seconds']:.4f}",
            f"{r['ratio']:.1f}",
            _fmt(r["estimate"]),
        ]
        for r in rows
    ]
    header = ["n", "library", "function", "seconds", "ratio", "estimate (nats)"]
    print(_table(header, table, "><<>>>"))
    if missing:
        print(f"not installed: {', '.join(missing)}")
    print(
        "the full comparison (more peers and sizes): python benchmarks/compare.py in the repository"
    )
    return 0


# --------------------------------------------------------------------------- parser


class _ParserExit(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one line and never exit the interpreter."""

    def error(self, message: str) -> NoReturn:
        raise CLIError(f"{_one_line(message)} (see '{self.prog} --help')")

    def exit(self, status: int = 0, message: str | None = None) -> NoReturn:
        if message:
            self._print_message(message, sys.stderr)
        raise _ParserExit(status)


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid value {text!r}; pass a number such as 2 (bits) or 10"
        ) from None


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"invalid value {text!r}; pass a whole number such as 3"
        ) from None


def _bins(text: str) -> int | str:
    """A number of bins, or a rule name (checked by the estimator)."""
    try:
        return int(text)
    except ValueError:
        return text


_COMMANDS = "mi, entropy, pairwise, select, test or bench"


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(
        prog=_PROG,
        description="Estimate mutual information and entropy, MI matrices, feature rankings "
        "and independence tests from a data file with fastit's estimators. Results are in "
        "nats unless --base says otherwise.",
    )
    parser.add_argument("--version", action="version", version=f"fastit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def common(p: argparse.ArgumentParser, k_help: str = "number of neighbours") -> None:
        p.add_argument(
            "file",
            nargs="?",
            metavar="FILE",
            help="CSV/TSV table (delimiter from the extension, else sniffed), .npy or .npz",
        )
        p.add_argument(
            "--example",
            action="store_true",
            help="use the bundled example data (2000 rows: x, y = 0.6x + 0.8 noise, z, label)",
        )
        default = "" if "default" in k_help else " (default 3)"
        p.add_argument("-k", type=_int, default=3, help=f"{k_help}{default}")
        p.add_argument(
            "--base",
            type=_float,
            default=None,
            help="logarithm base of the result: 2 gives bits (default: nats)",
        )
        p.add_argument("--json", action="store_true", help="print one JSON object")
        p.add_argument(
            "--no-progress",
            dest="progress",
            action="store_false",
            help="no progress bars (they go to stderr, and only when it is a terminal)",
        )

    def histogram(p: argparse.ArgumentParser, method: str, default_bins: str) -> None:
        p.add_argument(
            "--bins",
            type=_bins,
            default=None,
            metavar="B",
            help=f"with {method}: a number of equal-width bins or a rule (fd, scott, sturges, "
            f"sqrt, doane, rice, stone, auto, quantile; default {default_bins})",
        )
        p.add_argument(
            "--correction",
            choices=tuple(_CORRECTIONS),
            default=None,
            help=f"with {method}: the entropy estimator of the counts (default miller-madow; "
            "none is the plug-in value)",
        )

    def scheduler(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--scheduler",
            metavar="ADDRESS",
            help="run on the Dask cluster at ADDRESS (tcp://host:8786) with fastit.distributed",
        )

    def x_and_y(p: argparse.ArgumentParser) -> None:
        p.add_argument("--x", metavar="COLS", help="columns of X (with --example: x)")
        p.add_argument("--y", metavar="COLS", help="columns of Y (with --example: y)")
        p.add_argument("--x-discrete", action="store_true", help="X is labels (any values)")
        p.add_argument("--y-discrete", action="store_true", help="Y is labels (any values)")

    mi_methods = ("ksg1", "ksg2", "mixed", "binned")
    mi_help = (
        "KSG algorithm 1 (default), 2, Gao et al.'s estimator for mixed data, or the "
        "histogram estimator"
    )
    mi = sub.add_parser(
        "mi",
        help="mutual information I(X; Y), or I(X; Y | Z) with --z",
        description="Mutual information between column groups of FILE. COLS are column names "
        "or 0-based indices, comma-separated for a multi-dimensional variable.",
    )
    common(mi)
    x_and_y(mi)
    mi.add_argument("--z", metavar="COLS", help="condition on these columns (Frenzel-Pompe)")
    mi.add_argument("--method", choices=mi_methods, default=None, help=mi_help)
    histogram(mi, "--method binned", "fd")
    mi.set_defaults(handler=_cmd_mi)

    ent = sub.add_parser(
        "entropy",
        help="differential entropy h(X) (Kozachenko-Leonenko or a histogram)",
        description="Differential entropy of a column group of FILE, in the data's own units.",
    )
    common(ent)
    ent.add_argument("--cols", metavar="COLS", help="columns of X (with --example: x)")
    ent.add_argument(
        "--method",
        choices=("kl", "histogram"),
        default=None,
        help="Kozachenko-Leonenko k-NN estimator (default) or the histogram estimator",
    )
    histogram(ent, "--method histogram", "fd")
    ent.set_defaults(handler=_cmd_entropy)

    pw = sub.add_parser(
        "pairwise",
        help="the matrix of MI between every two columns",
        description="Mutual information between every two columns of FILE (each column one "
        "variable), printed as a table or written to -o. The diagonal is the entropy of the "
        "binned column (binned) or inf (k-NN methods).",
    )
    common(pw, "number of neighbours of the k-NN methods")
    pw.add_argument("--cols", metavar="COLS", help="the columns (default: every numeric one)")
    pw.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="write the matrix to PATH: .npy, or CSV (TSV for .tsv) with the names as a header "
        "row and first column",
    )
    pw.add_argument(
        "--method",
        choices=("binned", "ksg1", "ksg2", "mixed"),
        default=None,
        help="histogram estimator (default) or a k-NN estimator per pair",
    )
    histogram(pw, "--method binned", "fd")
    scheduler(pw)
    pw.set_defaults(handler=_cmd_pairwise)

    sel = sub.add_parser(
        "select",
        help="feature selection by MI with a target (mRMR, JMI, CMIM, or a plain MI ranking)",
        description="Greedy forward selection of the columns of FILE that tell most about "
        "--target (fastit.select_features), or a plain ranking by I(feature; target) with "
        "--criterion mi. A target of integers or words is discrete unless "
        "--continuous-target says otherwise.",
    )
    common(sel, "neighbours of --estimator ksg")
    sel.add_argument("--target", metavar="COL", help="the target column (with --example: label)")
    sel.add_argument(
        "--cols", metavar="COLS", help="candidate features (default: every other numeric column)"
    )
    sel.add_argument(
        "--k",
        dest="n_features",
        type=_int,
        default=20,
        metavar="N",
        help="number of features to select (default 20, at most all); -k is the neighbours",
    )
    sel.add_argument(
        "--criterion",
        choices=tuple(_CRITERIA),
        default="jmi",
        help="jmi (default), mrmr, cmim, or mi: a plain ranking by relevance",
    )
    sel.add_argument(
        "--estimator",
        choices=("binned", "ksg"),
        default="binned",
        help="equal-frequency bins (default, fast) or k-NN estimates",
    )
    kind = sel.add_mutually_exclusive_group()
    kind.add_argument("--discrete-target", action="store_true", help="the target is labels")
    kind.add_argument("--continuous-target", action="store_true", help="the target is continuous")
    histogram(sel, "--estimator binned", "quantile-hgr")
    scheduler(sel)
    sel.set_defaults(handler=_cmd_select)

    test = sub.add_parser(
        "test",
        help="permutation test of independence, with I(X; Y) as the statistic",
        description="Is I(X; Y) > 0? The rows of X are permuted against Y to draw the null "
        "distribution (fastit.stats.mutual_info_test); the p-value is (b + 1) / (m + 1).",
    )
    common(test, "number of neighbours (default: fastit.stats.auto_k of n, for power)")
    test.set_defaults(k=None)
    x_and_y(test)
    test.add_argument(
        "--permutations",
        dest="n_permutations",
        type=_int,
        default=1000,
        metavar="M",
        help="number of permutations (default 1000)",
    )
    test.add_argument("--method", choices=mi_methods, default=None, help=mi_help)
    test.add_argument(
        "--seed", type=_int, default=None, help="seed of the permutations (default: fixed)"
    )
    histogram(test, "--method binned", "fd")
    scheduler(test)
    test.set_defaults(handler=_cmd_test)

    bench = sub.add_parser(
        "bench",
        help="time fastit.mutual_info beside scikit-learn and a SciPy KSG",
        description="Time KSG mutual information on correlated Gaussians with fastit, "
        "scikit-learn's mutual_info_regression (when installed) and a KSG on SciPy's "
        "cKDTree, at n = 1e5 and 1e6 (about a minute; --quick: 2000 and 20000, seconds). "
        "The full comparison, with more peers, sizes and checks, is benchmarks/compare.py "
        "in the fastit repository.",
    )
    bench.add_argument("--quick", action="store_true", help="small sizes, a smoke test")
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.set_defaults(handler=_cmd_bench)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``fastit`` command with ``argv`` (default ``sys.argv[1:]``); return the exit code.

    Warnings raised on the way are shown after the result, one line each (the same one
    once); after an error only the error's line is shown.
    """
    parser = build_parser()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")  # once per place: a warning per permutation is one
        try:
            try:
                args = parser.parse_args(None if argv is None else list(argv))
            except _ParserExit as stop:
                return stop.status
            if args.command is None:
                raise CLIError(f"choose a command: {_COMMANDS} (see '{_PROG} --help')")
            code = int(args.handler(args))
        except CLIError as err:
            print(f"{_PROG}: error: {_one_line(str(err))}", file=sys.stderr)
            return 2
        except KeyboardInterrupt:
            return 130
    shown = dict.fromkeys(f"{w.category.__name__}: {_one_line(str(w.message))}" for w in caught)
    for line in shown:
        print(f"{_PROG}: warning: {line}", file=sys.stderr)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
