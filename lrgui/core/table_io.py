"""Reading and writing data sets as delimited text, through pandas' C parser.

Accepted: comma-, tab-, semicolon- or whitespace-separated values, an optional header row, fields
in double quotes (a quoted field may hold the separator), blank lines and lines starting with ``#``
skipped, spaces around values ignored, UTF-8 with or without a byte-order mark. The label is the
last column unless ``label_column`` names another (a header name, a 1-based column number, or a
negative number counting from the end). Any two distinct label values become classes 0 and 1:
numbers in numeric order, text in alphabetical order; the mapping is kept in
``Dataset.label_map``.

Every problem raises ``DataFileError`` naming the file, line and column.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import stat
from pathlib import Path

import numpy as np

from .dataset import Dataset
from .errors import DataFileError
from .fileio import atomic_writer

_DELIMITERS = (",", "\t", ";")
_COMMENT = re.compile(r"(?m)^[ \t]*#")
_WIDTH_ERROR = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_DECIMAL = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
_NON_FINITE = re.compile(r"[+-]?(nan|inf|infinity)", re.IGNORECASE)


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _label_key(text: str) -> str:
    """Labels "1" and "1.0" are one class: numeric labels are compared as numbers."""
    value = _number(text)
    if value is None or not math.isfinite(value):
        return text
    return str(int(value)) if value == int(value) else repr(value)


def _resolve_label_column(label_column, header: list[str] | None, width: int, path) -> int:
    if label_column is None:
        return width - 1
    if isinstance(label_column, str) and _number(label_column) is None:
        if header is None or label_column not in header:
            raise DataFileError(path, f"no column is named {label_column!r}" + (
                f" (columns: {', '.join(header)})" if header else " (the file has no header row)"))
        return header.index(label_column)
    index = int(float(label_column))
    if index == 0 or abs(index) > width:
        raise DataFileError(path, f"label column {index} does not exist: the file has {width} columns")
    return index - 1 if index > 0 else width + index


class _Lines:
    """The file's text and, on demand, the line number of each data row (for messages only)."""

    def __init__(self, text: str):
        self.text = text
        self._numbers: list[int] | None = None

    def data_lines(self):
        """(line number, line) of every line that is not blank and not a comment."""
        for i, line in enumerate(self.text.splitlines()):
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                yield i + 1, line

    def line_of(self, row: int) -> int:
        """The line number of data row ``row`` (0 is the first line holding data)."""
        if self._numbers is None:
            self._numbers = [n for n, _ in self.data_lines()]
        return self._numbers[row]


def _split(line: str, delimiter: str | None) -> list[str]:
    if delimiter is None:
        return line.split()
    return [f.strip() for f in next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))]


def _read_text(path: Path) -> str:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise DataFileError(path, "no such file") from None
    except OSError as exc:
        raise DataFileError(path, exc.strerror or str(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise DataFileError(path, "this is a folder, not a data file")
    if not stat.S_ISREG(info.st_mode):
        raise DataFileError(path, "not a regular file (a device or a pipe cannot be read as data)")
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataFileError(path, f"not a UTF-8 text file ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise DataFileError(path, exc.strerror or str(exc)) from None


def read_table(path, label_column: str | int | None = None) -> Dataset:
    """Read the data set in ``path``. See the module docstring for the accepted format."""
    import pandas as pd

    path = Path(path)
    lines = _Lines(_read_text(path))
    first_two = []
    for item in lines.data_lines():
        first_two.append(item)
        if len(first_two) == 2:
            break
    if not first_two:
        raise DataFileError(path, "the file holds no data")
    first_line = first_two[0][1]
    unquoted = re.sub(r'"[^"]*"', "", first_line)        # a quoted comma is not the separator
    delimiter = next((d for d in _DELIMITERS if d in unquoted), None)
    fields = [_split(line, delimiter) for _, line in first_two]
    width = len(fields[0])
    if width < 2:
        raise DataFileError(path, "each row needs at least one feature and a label", first_two[0][0])
    # A header row has a name where the next row has a number (text labels are text in both).
    header = None
    if len(fields) > 1 and any(_number(a) is None and _number(b) is not None
                               for a, b in zip(fields[0], fields[1])):
        header = fields[0]
    label_at = _resolve_label_column(label_column, header, width, path)

    text = lines.text
    if _COMMENT.search(text):
        text = "\n".join(line for _, line in lines.data_lines())
    try:
        frame = pd.read_csv(io.StringIO(text), sep=delimiter or r"\s+", header=0 if header else None,
                            skipinitialspace=True, na_filter=False, engine="c", quotechar='"',
                            dtype={label_at: str} if header is None else None, index_col=False)
    except pd.errors.ParserError as exc:
        found = _WIDTH_ERROR.search(str(exc))
        if found:
            expected, line, saw = (int(g) for g in found.groups())
            raise DataFileError(path, f"expected {expected} values, found {saw}",
                                _file_line(lines, text, line)) from None
        raise DataFileError(path, f"cannot be parsed: {str(exc).splitlines()[-1]}") from None
    except (ValueError, pd.errors.EmptyDataError) as exc:
        raise DataFileError(path, f"cannot be parsed: {exc}") from None
    offset = 1 if header else 0                      # data row r is data line r + offset
    n = len(frame)
    if n < 2:
        raise DataFileError(path, f"at least two data rows are needed, found {n}")
    if frame.shape[1] != width:
        raise DataFileError(path, f"expected {width} values, found {frame.shape[1]}", lines.line_of(offset))

    X = np.empty((n, width - 1))
    c = 0
    for j in range(width):
        column = frame.iloc[:, j]
        if j == label_at:
            continue
        X[:, c] = _numeric_column(column, path, lines, offset, j, width, delimiter)
        c += 1
    y, label_map = _labels(frame.iloc[:, label_at], path, lines, offset, label_at, width, delimiter)
    names = None
    if header is not None:
        names = tuple(h or f"x{j + 1}" for j, h in enumerate(header) if j != label_at)
    return Dataset(X, y, names or (), label_map)


def _file_line(lines: _Lines, text: str, parser_line: int) -> int:
    """pandas counts lines of the text it was given; map that back to the file's line."""
    if text is lines.text:
        return parser_line
    return lines.line_of(parser_line - 1)


def _row_error(path, lines: _Lines, offset: int, row: int, column: int, width: int, delimiter,
               label: bool = False):
    """The message for the bad value in data row ``row``, column ``column`` (0-based), with the
    text as the file has it."""
    line = lines.line_of(row + offset)
    found = _split(next(text for n, text in lines.data_lines() if n == line), delimiter)
    if len(found) != width:
        return DataFileError(path, f"expected {width} values, found {len(found)}", line)
    value = found[column]
    if value == "":
        return DataFileError(path, "the label is empty" if label else "a value is empty", line, column + 1)
    if re.fullmatch(_DECIMAL, value) or _NON_FINITE.fullmatch(value):
        return DataFileError(path, f"{value!r} is not a finite number", line, column + 1)
    shown = value if len(value) <= 40 else value[:37] + "…"
    return DataFileError(path, f"{shown!r} is not a number", line, column + 1)


def _numeric_column(column, path, lines, offset, j, width, delimiter) -> np.ndarray:
    import pandas as pd

    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        values = column.to_numpy(dtype=np.float64)
        bad = ~np.isfinite(values)
        if bad.any():
            raise _row_error(path, lines, offset, int(np.argmax(bad)), j, width, delimiter)
        return values
    text = column.astype(str).str.strip()
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64)
    # pandas also reads "1_000" and digits of other scripts as numbers: only plain decimals count
    bad = ~np.isfinite(values) | ~text.str.fullmatch(_DECIMAL).to_numpy(dtype=bool)
    if bad.any():
        raise _row_error(path, lines, offset, int(np.argmax(bad)), j, width, delimiter)
    return values


def _labels(column, path, lines: _Lines, offset: int, j: int, width: int, delimiter) -> tuple[np.ndarray, dict]:
    import pandas as pd

    text = column.astype(str).str.strip()
    codes, uniques = pd.factorize(text, sort=False)
    keys = [_label_key(u) for u in uniques]
    if "" in list(uniques):
        row = int(np.argmax(text.to_numpy() == ""))
        raise _row_error(path, lines, offset, row, j, width, delimiter, label=True)
    distinct: list[str] = []
    first_text: dict[str, str] = {}
    for u, key in zip(uniques, keys):        # in order of first appearance
        if key not in first_text:
            if len(distinct) == 2:
                row = int(np.argmax(codes == list(uniques).index(u)))
                seen = ", ".join(repr(first_text[k]) for k in distinct)
                raise DataFileError(
                    path, f"a third label value {u!r} (already seen: {seen}); "
                    "logistic regression needs exactly two classes", lines.line_of(row + offset), j + 1)
            distinct.append(key)
            first_text[key] = u
    if len(distinct) < 2:
        raise DataFileError(path, f"every row has the label {first_text[distinct[0]]!r}: two classes are needed")
    numeric = all(_number(k) is not None for k in distinct)
    ordered = sorted(distinct, key=(lambda k: float(k)) if numeric else None)
    class_of_unique = np.array([ordered.index(k) for k in keys], dtype=np.float64)
    y = class_of_unique[codes]
    label_map = {(k if numeric else first_text[k]): i for i, k in enumerate(ordered)}
    return y, label_map


def write_table(dataset: Dataset, path) -> None:
    """Write ``dataset`` as comma-separated text with a header, atomically.

    Values are written with 17 significant digits, so reading the file back gives the same bits.
    The label column holds each class's original label text (quoted where it holds a comma or a
    quote) and is named ``label``.
    """
    import pandas as pd

    names = dataset.class_names()
    frame = pd.DataFrame(dataset.X, columns=list(dataset.feature_names))
    frame["label"] = np.asarray(names, dtype=object)[dataset.y.astype(int)] if dataset.n else []
    with atomic_writer(path, "w", newline="") as fh:
        frame.to_csv(fh, index=False, float_format="%.17g", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
