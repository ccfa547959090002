"""The ``fastit`` command: k-NN estimates of mutual information and entropy from a file.

    fastit mi FILE --x COLS --y COLS [--z COLS] [--method ksg1|ksg2|mixed] [-k K] [--base B]
              [--x-discrete] [--y-discrete] [--json]
    fastit mi --example
    fastit entropy FILE --cols COLS [-k K] [--base B] [--json]

FILE is a CSV or TSV table (the delimiter comes from the extension, ``.csv`` or ``.tsv``,
and is sniffed otherwise; a ``.gz`` suffix is read compressed), a ``.npy`` array, an
``.npz`` archive or, when pyarrow is installed, a ``.parquet`` file. COLS names one or more
columns, comma-separated (several columns make one multi-dimensional variable): by header
name, or by 0-based index. A text table has a header when its first row is not all
numbers. The arrays of an ``.npz`` archive with several arrays are selected by name, each
array being one (possibly multi-dimensional) variable.

Only NumPy and the standard library are used to read files. Every error is reported as a
single line on stderr starting with ``fastit: error:``, with exit status 2.

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
import io
import json
import math
import os
import sys
import zipfile
from array import array
from collections.abc import Sequence
from contextlib import ExitStack
from importlib import resources
from typing import Any, NoReturn

import numpy as np

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
}
_SNIFF_BYTES = 64 * 1024


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
        except UnicodeDecodeError:
            raise CLIError(
                f"cannot read {display}: it is not UTF-8 text; pass a CSV/TSV table, "
                ".npy or .npz file"
            ) from None
        except (OSError, EOFError) as err:
            raise CLIError(f"cannot read {display}: {_one_line(str(err))}") from None
        if not sample.strip():
            raise CLIError(f"{display} is empty; it needs a header and data rows")
        if ext == ".csv":
            self.delimiter = ","
        elif ext in (".tsv", ".tab"):
            self.delimiter = "\t"
        else:
            self.delimiter = self._sniff(sample)
        first = next(csv.reader(io.StringIO(sample), delimiter=self.delimiter), None)
        first = [field.strip() for field in first or []]
        self.header = not all(_is_number(field) for field in first)
        self.by_name = self.header
        self.names = first if self.header else [f"#{j}" for j in range(len(first))]
        self.n_rows = -1
        self._lines = array("q")

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
                for row in reader:
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
        except (csv.Error, OSError, EOFError) as err:
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


# --------------------------------------------------------------------------- commands


def _units(base: float | None) -> str:
    if base is None or base == math.e:
        return "nats"
    if base == 2:
        return "bits"
    return f"log base {base:g} units"


def _fmt(value: float) -> str:
    return f"{value:.4f}" if math.isfinite(value) else str(value)


def _json_number(value: float) -> float | str:
    return value if math.isfinite(value) else str(value)  # JSON has no inf or NaN


def _report(args: argparse.Namespace, result: dict[str, Any], formula: str) -> None:
    if args.json:
        print(json.dumps(result, allow_nan=False))
        return
    k = result["k"]
    details = [result["method_name"]] + ([f"k={k}"] if k is not None else [])
    details.append(f"n={result['n']}")
    print(
        f"{formula} = {_fmt(float(result['estimate']))} {result['units']}  [{', '.join(details)}]"
    )


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


def _estimate(fn: Any, *args: Any, **kwargs: Any) -> float:
    """Call a fastit estimator; its ValueError/TypeError (bad data or options) is the user's."""
    try:
        return float(fn(*args, **kwargs))
    except (ValueError, TypeError) as err:
        raise CLIError(_one_line(str(err))) from None


def _require(value: str | None, option: str, default: str | None) -> str:
    if value is not None:
        return value
    if default is not None:
        return default
    raise CLIError(f"{option} is required: name the column(s), e.g. {option} a or {option} a,b")


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
    elif (args.x_discrete or args.y_discrete) and args.method not in (None, "ksg1"):
        raise CLIError(
            f"--method {args.method} does not apply to discrete variables: with one of "
            "--x-discrete/--y-discrete fastit uses the Ross estimator, with both the plug-in "
            "estimator"
        )
    with ExitStack() as stack:
        src = _Source(args, stack)
        table = src.table
        example = args.example
        xs = _require(args.x, "--x", "x" if example else None)
        ys = _require(args.y, "--y", "y" if example else None)
        xi = table.resolve(xs, "--x")
        yi = table.resolve(ys, "--y")
        zi = table.resolve(args.z, "--z") if args.z is not None else []
        loaded = table.load(xi + yi + zi)
    if table.n_rows == 0:
        raise CLIError(f"{table.source} has no data rows")
    hint = "; mark a column of labels with --x-discrete or --y-discrete"
    x = variable(table, xi, loaded, discrete=args.x_discrete, hint=hint)
    y = variable(table, yi, loaded, discrete=args.y_discrete, hint=hint)
    n = len(x)
    names = {"x": [table.names[j] for j in xi], "y": [table.names[j] for j in yi]}
    k: int | None = args.k
    if args.z is not None:
        z = variable(table, zi, loaded, discrete=False, hint="")
        names["z"] = [table.names[j] for j in zi]
        value = _estimate(fastit.conditional_mutual_info, x, y, z, k=args.k, base=args.base)
        quantity, method = "conditional_mutual_info", "frenzel_pompe"
        formula = f"I({','.join(names['x'])}; {','.join(names['y'])} | {','.join(names['z'])})"
    else:
        method_arg = args.method or "ksg1"
        value = _estimate(
            fastit.mutual_info,
            x,
            y,
            k=args.k,
            method=method_arg,
            base=args.base,
            x_discrete=args.x_discrete,
            y_discrete=args.y_discrete,
            correction=None,  # both discrete: the plug-in value, as the output names it
        )
        quantity = "mutual_info"
        if args.x_discrete and args.y_discrete:
            method, k = "plugin", None
        elif args.x_discrete or args.y_discrete:
            method = "ross"
        else:
            method = method_arg
        formula = f"I({','.join(names['x'])}; {','.join(names['y'])})"
    result = {
        "quantity": quantity,
        "estimate": _json_number(value),
        "units": _units(args.base),
        "base": args.base,
        "method": method,
        "method_name": _METHOD_NAMES[method],
        "k": k,
        "n": n,
        "columns": names,
        "file": src.name,
    }
    _report(args, result, formula)
    return 0


def _cmd_entropy(args: argparse.Namespace) -> int:
    import fastit

    with ExitStack() as stack:
        src = _Source(args, stack)
        table = src.table
        cols = table.resolve(_require(args.cols, "--cols", "x" if args.example else None), "--cols")
        loaded = table.load(cols)
    if table.n_rows == 0:
        raise CLIError(f"{table.source} has no data rows")
    x = variable(table, cols, loaded, discrete=False, hint="")
    names = [table.names[j] for j in cols]
    value = _estimate(fastit.differential_entropy, x, k=args.k, base=args.base)
    result = {
        "quantity": "differential_entropy",
        "estimate": _json_number(value),
        "units": _units(args.base),
        "base": args.base,
        "method": "kozachenko_leonenko",
        "method_name": _METHOD_NAMES["kozachenko_leonenko"],
        "k": args.k,
        "n": len(x),
        "columns": {"x": names},
        "file": src.name,
    }
    _report(args, result, f"h({','.join(names)})")
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


def build_parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = _Parser(
        prog=_PROG,
        description="Estimate mutual information and entropy from a data file with fastit's "
        "k-nearest-neighbour estimators. Results are in nats unless --base says otherwise.",
    )
    parser.add_argument("--version", action="version", version=f"fastit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def common(p: argparse.ArgumentParser) -> None:
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
        p.add_argument("-k", type=_int, default=3, help="number of neighbours (default 3)")
        p.add_argument(
            "--base",
            type=_float,
            default=None,
            help="logarithm base of the result: 2 gives bits (default: nats)",
        )
        p.add_argument("--json", action="store_true", help="print one JSON object")

    mi = sub.add_parser(
        "mi",
        help="mutual information I(X; Y), or I(X; Y | Z) with --z",
        description="Mutual information between column groups of FILE. COLS are column names "
        "or 0-based indices, comma-separated for a multi-dimensional variable.",
    )
    common(mi)
    mi.add_argument("--x", metavar="COLS", help="columns of X (with --example: x)")
    mi.add_argument("--y", metavar="COLS", help="columns of Y (with --example: y)")
    mi.add_argument("--z", metavar="COLS", help="condition on these columns (Frenzel-Pompe)")
    mi.add_argument(
        "--method",
        choices=("ksg1", "ksg2", "mixed"),
        default=None,
        help="KSG algorithm 1 (default), 2, or Gao et al.'s estimator for mixed data",
    )
    mi.add_argument("--x-discrete", action="store_true", help="X is labels (any values)")
    mi.add_argument("--y-discrete", action="store_true", help="Y is labels (any values)")
    mi.set_defaults(handler=_cmd_mi)

    ent = sub.add_parser(
        "entropy",
        help="differential entropy h(X) (Kozachenko-Leonenko)",
        description="Differential entropy of a column group of FILE, in the data's own units.",
    )
    common(ent)
    ent.add_argument("--cols", metavar="COLS", help="columns of X (with --example: x)")
    ent.set_defaults(handler=_cmd_entropy)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``fastit`` command with ``argv`` (default ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    try:
        try:
            args = parser.parse_args(None if argv is None else list(argv))
        except _ParserExit as stop:
            return stop.status
        if args.command is None:
            raise CLIError(f"choose a command, mi or entropy (see '{_PROG} --help')")
        return int(args.handler(args))
    except CLIError as err:
        print(f"{_PROG}: error: {_one_line(str(err))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
