"""Reading and writing data sets as delimited text.

Accepted: comma-, tab-, semicolon- or whitespace-separated values, an optional header row, blank
lines and lines starting with ``#`` skipped, spaces around values ignored. The label is the last
column unless ``label_column`` names another (a header name, a 1-based column number, or a negative
number counting from the end). Any two distinct label values become classes 0 and 1: numbers in
numeric order, text in alphabetical order; the mapping is kept in ``Dataset.label_map``.

Every problem raises ``DataFileError`` naming the file, line and column.
"""

from __future__ import annotations

import math
import os
import tempfile
from pathlib import Path

import numpy as np

from .dataset import Dataset
from .errors import DataFileError

_DELIMITERS = (",", "\t", ";")


def _split(line: str, delimiter: str | None) -> list[str]:
    return [f.strip() for f in (line.split(delimiter) if delimiter else line.split())]


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


def read_table(path, label_column: str | int | None = None) -> Dataset:
    """Read the data set in ``path``. See the module docstring for the accepted format."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DataFileError(path, "no such file") from None
    except UnicodeDecodeError as exc:
        raise DataFileError(path, f"not a text file ({exc.reason})") from None
    except OSError as exc:
        raise DataFileError(path, exc.strerror or str(exc)) from None

    rows = [(i + 1, line) for i, line in enumerate(text.splitlines())
            if line.strip() and not line.lstrip().startswith("#")]
    if not rows:
        raise DataFileError(path, "the file holds no data")
    first = rows[0][1]
    delimiter = next((d for d in _DELIMITERS if d in first), None)
    fields = [(lineno, _split(line, delimiter)) for lineno, line in rows]

    width = len(fields[0][1])
    if width < 2:
        raise DataFileError(path, "each row needs at least one feature and a label", fields[0][0])
    # A header row has a name where the next row has a number (text labels are text in both).
    header = None
    if len(fields) > 1 and any(_number(a) is None and _number(b) is not None
                               for a, b in zip(fields[0][1], fields[1][1])):
        header = fields[0][1]
        fields = fields[1:]
    label_at = _resolve_label_column(label_column, header, width, path)

    if len(fields) < 2:
        raise DataFileError(path, f"at least two data rows are needed, found {len(fields)}")
    X = np.empty((len(fields), width - 1))
    labels: list[str] = []
    first_seen: dict[str, tuple[int, str]] = {}
    for r, (lineno, values) in enumerate(fields):
        if len(values) != width:
            raise DataFileError(path, f"expected {width} values, found {len(values)}", lineno)
        c = 0
        for j, value in enumerate(values):
            if j == label_at:
                key = _label_key(value)
                if value == "":
                    raise DataFileError(path, "the label is empty", lineno, j + 1)
                if key not in first_seen:
                    if len(first_seen) == 2:
                        seen = ", ".join(repr(v) for _, v in first_seen.values())
                        raise DataFileError(
                            path, f"a third label value {value!r} (already seen: {seen}); "
                            "logistic regression needs exactly two classes", lineno, j + 1)
                    first_seen[key] = (lineno, value)
                labels.append(key)
                continue
            number = _number(value)
            if number is None:
                raise DataFileError(path, f"{value!r} is not a number", lineno, j + 1)
            if not math.isfinite(number):
                raise DataFileError(path, f"{value!r} is not a finite number", lineno, j + 1)
            X[r, c] = number
            c += 1
    if len(first_seen) < 2:
        only = next(iter(first_seen.values()))[1]
        raise DataFileError(path, f"every row has the label {only!r}: two classes are needed")

    keys = list(first_seen)
    numeric = all(_number(k) is not None for k in keys)
    keys.sort(key=(lambda k: float(k)) if numeric else None)
    y = np.fromiter((keys.index(k) for k in labels), dtype=np.float64, count=len(labels))
    label_map = {first_seen[k][1] if not numeric else k: i for i, k in enumerate(keys)}
    names = None
    if header is not None:
        names = tuple(h or f"x{j + 1}" for j, h in enumerate(header) if j != label_at)
    return Dataset(X, y, names or (), label_map)


def write_table(dataset: Dataset, path) -> None:
    """Write ``dataset`` as comma-separated text with a header, atomically.

    Values are written with 17 significant digits, so reading the file back gives the same bits.
    The label column holds each class's original label text and is named ``label``.
    """
    path = Path(path)
    names = dataset.class_names()
    lines = [",".join(list(dataset.feature_names) + ["label"])]
    for x, y in zip(dataset.X, dataset.y):
        lines.append(",".join(f"{v:.17g}" for v in x) + "," + names[int(y)])
    fd, tmp = tempfile.mkstemp(dir=path.parent or ".", prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write("\n".join(lines) + "\n")
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
