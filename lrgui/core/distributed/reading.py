"""DATA as the engine reads it: its files (a file, a directory or a glob of CSV or Parquet), their
layout (found as ``table_io.read_table`` finds it) and a dask DataFrame of their chunks."""

from __future__ import annotations

import codecs
import glob
from dataclasses import dataclass
from pathlib import Path

from ..errors import ConfigError, DataFileError, LrguiError
from ..table_io import SEPARATORS, TextLayout, label_column_index, layout_of

PARQUET_SUFFIXES = (".parquet", ".parq", ".pq")
HEAD_BYTES = 1 << 16            # the start of a CSV file that shows its layout and row length


def _visible(path: Path) -> bool:
    """Whether ``path`` is a part of a data set (not a hidden file or a writer's marker such as
    ``_SUCCESS`` or ``_metadata``)."""
    return path.is_file() and not path.name.startswith((".", "_"))


def data_files(data: str) -> tuple[list[str], str]:
    """(the files of DATA, sorted, and their kind: "csv" or "parquet"). DATA is a file, a
    directory (its visible files) or a glob. Raises DataFileError when nothing is found and
    ConfigError when Parquet and other files are mixed."""
    path = Path(data)
    if any(c in data for c in "*?[") and not path.exists():
        files = sorted(p for p in map(Path, glob.glob(data)) if p.is_file())
        if not files:
            raise DataFileError(data, "no file matches this pattern")
    elif path.is_dir():
        files = sorted(p for p in path.iterdir() if _visible(p))
        if not files:
            raise DataFileError(data, "the directory holds no data files")
    elif path.is_file():
        files = [path]
    else:
        raise DataFileError(data, "no such file or directory")
    parquet = [p.suffix.lower() in PARQUET_SUFFIXES for p in files]
    if any(parquet) and not all(parquet):
        raise ConfigError(f"{data}: Parquet files and other files are mixed; give one kind")
    return [str(p) for p in files], "parquet" if all(parquet) else "csv"


@dataclass(frozen=True)
class Layout:
    """How the files of a data set are read: ``kind`` "csv" or "parquet"; ``columns`` the names
    dask reads the file's columns under, in order (c0, c1, … for CSV, the file's own for Parquet);
    ``label`` and ``features`` the label column's and the feature columns' names among them;
    ``feature_names`` the names θ is reported with (empty: x1, x2, …); for CSV ``delimiter``
    (None: runs of spaces and tabs), ``header`` (whether each file starts with a header row),
    ``row_bytes``, the mean length of a row in bytes, and ``encoding``."""

    kind: str
    columns: tuple[str, ...]
    label: str
    features: tuple[str, ...]
    feature_names: tuple[str, ...] = ()
    delimiter: str | None = ","
    header: bool = False
    row_bytes: float = 0.0
    encoding: str = "utf-8"


def _head(path: str) -> bytes:
    """The first whole lines of the file at ``path``: at least HEAD_BYTES when it is that long."""
    size = HEAD_BYTES
    with open(path, "rb") as fh:
        while True:
            head = fh.read(size)
            cut = head.rfind(b"\n")
            if len(head) < size or cut >= 0 or size >= 1 << 26:
                return head if len(head) < size else head[:cut + 1]
            fh.seek(0)
            size *= 4


def _csv_layout(path: str, label_column, separator: str = "auto", header: bool | None = None) -> TextLayout:
    """The layout of the CSV file at ``path`` from its first lines, found as ``read_table`` finds
    it, with the mean length of a row."""
    head = _head(path)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):     # UTF-32's start so too
        raise DataFileError(path, "the dask engine reads UTF-8 text; save the file as UTF-8")
    return layout_of(path, head, label_column, separator, header), len(head)


def _read_csv_layout(files: list[str], label_column) -> Layout:
    """The layout of the first file, after checking that every file has the same separator, width
    and header row."""
    first, size = _csv_layout(files[0], label_column)
    separator = next(k for k, v in SEPARATORS.items() if v == first.delimiter)
    for other in files[1:]:
        layout, _ = _csv_layout(other, label_column, separator, first.header is not None)
        if layout.width != first.width or (layout.header is not None and layout.header != first.header):
            raise DataFileError(other, f"its columns differ from those of {files[0]} ({layout.width} columns "
                                       f"where it has {first.width}, or another header row)")
    columns = tuple(f"c{j}" for j in range(first.width))
    features = tuple(columns[j] for j in first.features)
    with open(files[0], "rb") as fh:
        encoding = "utf-8-sig" if fh.read(3) == codecs.BOM_UTF8 else "utf-8"
    return Layout("csv", columns, columns[first.label_at], features, first.feature_names(), first.delimiter,
                  first.header is not None, size / max(first.rows, 1), encoding)


def _read_parquet_layout(files: list[str], label_column) -> Layout:
    """The layout of Parquet files: their columns, the label column chosen as for CSV."""
    import pyarrow.parquet as pq

    names = pq.read_schema(files[0]).names
    for other in files[1:]:
        if pq.read_schema(other).names != names:
            raise DataFileError(other, f"its columns differ from those of {files[0]}")
    if len(names) < 2:
        raise DataFileError(files[0], "each row needs at least one feature and a label")
    label_at = label_column_index(label_column, names, len(names), files[0])
    features = tuple(c for j, c in enumerate(names) if j != label_at)
    return Layout("parquet", tuple(names), names[label_at], features, features)


def read_layout(files: list[str], kind: str, label_column=None) -> Layout:
    """The layout of the data set in ``files`` (all of ``kind``); raises DataFileError."""
    try:
        if kind == "parquet":
            return _read_parquet_layout(files, label_column)
        return _read_csv_layout(files, label_column)
    except LrguiError:
        raise
    except ImportError:
        raise ConfigError("the dask engine reads Parquet through pyarrow: pip install 'lrgui[dask]'") from None
    except (OSError, ValueError) as exc:                # pyarrow's errors are ValueErrors too
        reason = getattr(exc, "strerror", None) or str(exc).strip().splitlines()[0][:100]
        raise DataFileError(getattr(exc, "filename", None) or files[0], reason) from None


def read_frame(files: list[str], layout: Layout, chunk_rows: int):
    """The data set as a dask DataFrame (nothing is read yet): the feature columns as float64 and
    the label column as text, in chunks of ``chunk_rows`` to twice as many rows (CSV) or of a
    row group (Parquet)."""
    import dask.dataframe as dd

    if layout.kind == "parquet":
        return dd.read_parquet(files, columns=list(layout.columns), split_row_groups=True)
    dtypes = {name: "float64" for name in layout.features} | {layout.label: str}
    return dd.read_csv(files, blocksize=max(1, int(chunk_rows * layout.row_bytes)),
                       sep=layout.delimiter or r"\s+", header=0 if layout.header else None,
                       names=list(layout.columns), dtype=dtypes, skipinitialspace=True,
                       na_filter=False, quotechar='"', index_col=False, engine="c",
                       encoding=layout.encoding)


def not_a_number(data: str, exc: Exception) -> DataFileError:
    """The error for a value pandas could not read as a number (dask wraps pandas' message)."""
    reason = str(exc).strip().splitlines()[-1].removeprefix("Original Message: ")
    return DataFileError(data, f"a feature value is not a finite number ({reason[:100]})")
