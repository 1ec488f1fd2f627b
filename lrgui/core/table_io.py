"""Reading and writing data sets as delimited text, through pandas' C parser.

Accepted: comma-, tab-, semicolon- or whitespace-separated values, an optional header row, fields
in double quotes (a quoted field may hold the separator), blank lines and lines starting with ``#``
skipped, spaces and tabs around values ignored. Text is UTF-8 with or without a byte-order mark,
or UTF-16 / UTF-32 with one; lines end in LF, CRLF or CR. Only regular files of at most
``MAX_FILE_BYTES`` (2 GiB) are read: a device or a pipe is refused without being waited on.

The separator is the one that splits the first rows (up to ``SAMPLE_ROWS``, the header included)
into the same number of fields, at least two. When several do, the one giving the most numbers
and the fewest empty fields wins, and among equals the first of tab, semicolon, comma, whitespace: a tab-separated
file whose header or labels hold commas is split at its tabs, a semicolon-separated one with
decimal commas at its semicolons (and then refused for the decimal commas, which are not read).
The first row is a header when one of its feature fields is not a number, or is a number in quotes,
where the second row has a number (the label column does not count: labels may be text or numbers,
or both). ``write_table`` quotes header names that look like numbers, so they read back as names.

Features are plain ASCII decimals (``1.5``, ``-2e-3``, ``.5``). Refused, with the file, line and
column: ``1_000``, digits of other scripts, hexadecimal, ``nan`` and infinities, and values beyond
the range of floating point (``1e400``); values below the smallest subnormal become 0 as in any
float parser.

Labels are text: the label column's values with the spaces around them removed, compared as the
text they are. ``1`` and ``1.0`` are two different labels (so are ``007`` and ``7``). The label is
the last column unless ``label_column`` names another: a header name, a 1-based column number,
or a negative number counting from the end (a whole number in ASCII digits; ``3.5`` or ``nan`` are
refused). Exactly two distinct label values are needed. When both are numbers, class 0 is the
smaller by exact value (huge integers and ``1e300`` compare correctly); labels of equal value
(``1`` and ``1.0``) and any other texts are ordered by code point (``"No" < "Yes" < "no"``).
``Dataset.label_map`` keeps each label's text as the file has it, and ``write_table`` writes it
back unchanged.

Every problem raises ``DataFileError`` naming the file and, where it applies, the line and
column; a message quotes at most about 40 characters of a bad value.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import warnings
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import islice
from pathlib import Path

import numpy as np

from .dataset import Dataset
from .errors import DataFileError
from .fileio import MAX_FILE_BYTES, UnreadableFile, atomic_writer, byte_position, read_blocks, read_limited
from .params import shown

__all__ = ["MAX_FILE_BYTES", "SAMPLE_ROWS", "SEPARATORS", "Preview", "preview_table", "read_table", "write_table"]

SAMPLE_ROWS = 10                                   # rows that decide the separator
PREVIEW_ROWS = 20
# The separators one may ask for by name ("auto": the one the first rows show; None: runs of
# spaces and tabs).
SEPARATORS: dict[str, str | None] = {"comma": ",", "tab": "\t", "semicolon": ";", "whitespace": None}
WIDE_COLUMNS = 1_000      # from this width rows are split here: pandas builds a frame column by column
_DELIMITERS = ("\t", ";", ",", None)               # None: runs of spaces and tabs; order breaks ties
# Written so that a failed match takes time linear in the text (no two ways to match a digit).
_FINITE = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_FINITE_RE = re.compile(_FINITE)
_NUMBER_RE = re.compile(_FINITE + r"|[+-]?(?:inf|infinity|nan)", re.IGNORECASE)
_WHOLE = re.compile(r"[+-]?[0-9]+")
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]+,[0-9]+")
_SKIPPED_LINES = re.compile(r"(?m)^[ \t]*(?:#[^\n]*)?(?:\n|\Z)")
_SPACE_FIELDS = re.compile(r'"(?:[^"]|"")*"|[^ \t]+')
_WIDTH_ERROR = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_CSV_FIELD_LIMIT = csv.field_size_limit()


def _quoted(text: str) -> str:
    """``text`` quoted for a message, cut to about 40 characters."""
    return shown(text[:41])


def _is_number(text: str) -> bool:
    """Whether ``text`` is written as a number (a plain decimal, nan or an infinity)."""
    return _NUMBER_RE.fullmatch(text) is not None


# -- text ----------------------------------------------------------------------------------------
def _text_position(text: str, at: int) -> tuple[int, int]:
    """(line, column), both 1-based, of character ``at`` of ``text`` (lines end in LF)."""
    start = text.rfind("\n", 0, at) + 1
    return text.count("\n", 0, at) + 1, at - start + 1


def _decode(path, data: bytes) -> str:
    """The text of ``data`` (see the module docstring for the encodings), lines ending in LF."""
    codec, skip = "utf-8", 0
    for bom, name in _BOMS:
        if data.startswith(bom):
            codec, skip = name, len(bom)
            break
    try:
        text = codecs.decode(memoryview(data)[skip:], codec)
    except UnicodeDecodeError as exc:
        if codec == "utf-8":
            line, column = byte_position(data[skip:], exc.start)
            byte = data[skip + exc.start]
            raise DataFileError(path, f"not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8",
                                line, column) from None
        raise DataFileError(path, f"not valid {codec.upper()} text (at byte {skip + exc.start})") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    at = text.find("\0")
    if at >= 0:
        line, column = _text_position(text, at)
        raise DataFileError(path, "a NUL character: this is not a text file (or it is UTF-16 text "
                                  "without a byte-order mark)", line, column)
    return text


class _Lines:
    """The file's text (lines ending in LF) and, on demand, where each data row is in it.

    A data row is a line that is neither blank (spaces and tabs only) nor a comment (``#`` after
    spaces and tabs). Row r of ``data_text()`` is the r-th data row; ``line_of(r)`` is its 1-based
    line number in the file.
    """

    def __init__(self, text: str):
        self.text = text

    def data_lines(self):
        """(line number, line) of every data row, in order, found lazily."""
        text, pos, number, size = self.text, 0, 0, len(self.text)
        while pos < size:
            end = text.find("\n", pos)
            if end < 0:
                end = size
            number += 1
            line = text[pos:end]
            start = line.lstrip(" \t")[:1]
            if start and start != "#":                # neither blank nor a comment
                yield number, line
            pos = end + 1

    def data_text(self, block: int = 1 << 20) -> str:
        """The data rows alone, one per line (blank and comment lines removed), a block of lines
        at a time (a reader on a thread of its own lets the window's thread run between them)."""
        text, pieces, start = self.text, [], 0
        while start < len(text):
            end = text.find("\n", start + block) + 1 or len(text)
            pieces.append(_SKIPPED_LINES.sub("", text[start:end]))
            start = end
        return "".join(pieces)

    def at(self, row: int) -> tuple[int, str]:
        """(line number, text) of data row ``row``, or of the last one if there are fewer."""
        found = (0, "")
        for found in islice(self.data_lines(), row + 1):
            pass
        return found

    def line_of(self, row: int) -> int:
        """The line number of data row ``row`` (0 is the first line holding data)."""
        return self.at(row)[0]

    def row_text(self, row: int) -> str:
        """The text of data row ``row``."""
        return self.at(row)[1]


# -- fields --------------------------------------------------------------------------------------
def _split(line: str, delimiter: str | None) -> list[str] | None:
    """The fields of ``line`` (quotes removed, spaces and tabs around each stripped), or None when
    a field is longer than the csv module reads (131,072 characters)."""
    if delimiter is None:
        return [f[1:-1].replace('""', '"').strip(" \t") if len(f) > 1 and f[0] == f[-1] == '"' else f
                for f in _SPACE_FIELDS.findall(line)]
    try:
        return [f.strip(" \t") for f in next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))]
    except csv.Error:
        return None


def _split_row(path, number: int, line: str, delimiter: str | None) -> list[str]:
    fields = _split(line, delimiter)
    if fields is None:
        raise DataFileError(path, f"a value longer than {_CSV_FIELD_LIMIT:,} characters", number)
    return fields


def _delimiter(sample: list[str]) -> str | None:
    """The separator of the rows in ``sample`` (see the module docstring)."""
    consistent, partial = [], []
    for rank, delimiter in enumerate(_DELIMITERS):
        rows = [_split(line, delimiter) for line in sample]
        if any(r is None for r in rows) or len(rows[0]) < 2:
            continue
        if all(len(r) == len(rows[0]) for r in rows):
            score = sum(_is_number(f) - (f == "") for r in rows for f in r)
            consistent.append((score, -rank, delimiter))
        else:
            partial.append((sum(len(r) == len(rows[0]) for r in rows), -rank, delimiter))
    best = max(consistent or partial, default=None)
    return None if best is None else best[2]


def _names_text(header: list[str]) -> str:
    """The column names for a message: as many as fit in about 80 characters."""
    out = ""
    for name in header:
        item = _quoted(name) if len(name) > 41 else name
        if len(out) + len(item) > 80:
            return out + ", …"
        out = f"{out}, {item}" if out else item
    return out


def _label_index(label_column, width: int) -> int | None:
    """The label column's 0-based index when it is known without a header (not given, or given
    as a whole number that exists), else None."""
    if label_column is None:
        return width - 1
    if isinstance(label_column, str) and _WHOLE.fullmatch(label_column.strip(" \t")) and len(label_column) < 20:
        label_column = int(label_column)
    if isinstance(label_column, int) and not isinstance(label_column, bool) and 0 < abs(label_column) <= width:
        return label_column - 1 if label_column > 0 else width + label_column
    return None


def _quotes(line: str, delimiter: str | None, width: int) -> list[bool]:
    """For each of the ``width`` fields of ``line``, whether it is written in quotes (all False
    when the fields cannot be told apart without reading the quotes)."""
    if delimiter is None:
        raw = re.split(r"[ \t]+", line.strip(" \t"))
    else:
        try:
            raw = next(csv.reader([line], delimiter=delimiter, quoting=csv.QUOTE_NONE))
        except csv.Error:
            raw = []
    if len(raw) != width:
        return [False] * width
    return [f.strip(" \t").startswith('"') for f in raw]


def _is_header(rows: list[tuple[str, list[str]]], delimiter, label_at: int | None) -> bool:
    """Whether the first of ``rows`` (text, fields) is a header: one of its feature fields (any
    field when the label column is not yet known) is not a number, or is a number in quotes, where
    the second row has a number (in quotes only when the first row's field is no number)."""
    if len(rows) < 2:
        return False
    (line0, first), (line1, second) = rows
    quoted0, quoted1 = _quotes(line0, delimiter, len(first)), _quotes(line1, delimiter, len(second))
    return any(_is_number(b) and (not _is_number(a) or (quoted0[j] and not quoted1[j]))
               for j, (a, b) in enumerate(zip(first, second)) if j != label_at)


def label_column_index(label_column, header: list[str] | None, width: int, path) -> int:
    """The 0-based index of the label column among ``width`` columns (see the module docstring)."""
    if label_column is None:
        return width - 1
    if isinstance(label_column, bool) or not isinstance(label_column, (int, str)):
        raise DataFileError(path, f"the label column is a column name or a whole number, not {shown(label_column)}")
    if isinstance(label_column, str):
        if header is not None and label_column in header:
            return header.index(label_column)
        text = label_column.strip(" \t")
        if header is not None and text in header:
            return header.index(text)
        if not _WHOLE.fullmatch(text):
            if _is_number(text):
                raise DataFileError(path, f"the label column is a column name or a whole number, "
                                          f"not {_quoted(label_column)}")
            known = f" (columns: {_names_text(header)})" if header else " (the file has no header row)"
            raise DataFileError(path, f"no column is named {_quoted(label_column)}{known}")
        if len(text.lstrip("+-")) > 18:
            raise DataFileError(path, f"label column {_quoted(text)} does not exist: the file has {width} columns")
        label_column = int(text)
    if label_column == 0 or abs(label_column) > width:
        raise DataFileError(path, f"label column {shown(label_column)} does not exist: the file has {width} "
                                  f"columns (1 to {width}, or -1 to -{width} from the end)")
    return label_column - 1 if label_column > 0 else width + label_column


# -- reading -------------------------------------------------------------------------------------
PREVIEW_BYTES = 1 << 20            # a preview of a file in UTF-8 reads no more than its first MiB


def _text_lines(path: Path, head: bool = False) -> _Lines:
    """The file's text; with ``head``, of a UTF-8 file only the whole lines of its first
    PREVIEW_BYTES (enough for any preview, and quick whatever the file's size)."""
    try:
        if head:
            first = next(read_blocks(path, block=PREVIEW_BYTES), b"")
            if len(first) < PREVIEW_BYTES:                 # the whole file
                return _Lines(_decode(path, first))
            if not any(first.startswith(bom) for bom, name in _BOMS if name != "utf-8"):
                cut = first.rfind(b"\n") + 1               # no LF byte lies inside a UTF-8 character
                return _Lines(_decode(path, first[:cut] if cut else first))
        data = read_limited(path, MAX_FILE_BYTES)
    except UnreadableFile as exc:
        raise DataFileError(path, exc.reason) from None
    return _Lines(_decode(path, data))


def _separator(path, separator: str, sample: list[str]) -> str | None:
    """The delimiter of ``separator`` ("auto" or a name of SEPARATORS) for rows like ``sample``."""
    if separator == "auto":
        return _delimiter(sample)
    if separator not in SEPARATORS:
        raise DataFileError(path, f"the separator is auto, {', '.join(SEPARATORS)}, not {shown(separator)}")
    return SEPARATORS[separator]


def _layout(path, lines: _Lines, separator: str, header: bool | None, label_column, strict: bool = True):
    """(delimiter, width, header fields or None) of the file: the separator and header row asked
    for, or (for "auto" and None) those the first rows show. ``strict`` refuses rows of fewer
    than two fields."""
    sample = list(islice(lines.data_lines(), SAMPLE_ROWS))
    if not sample:
        raise DataFileError(path, "the file holds no data")
    delimiter = _separator(path, separator, [line for _, line in sample])
    fields = [_split_row(path, number, line, delimiter) for number, line in sample[:2]]
    width = len(fields[0])
    if width < 2 and strict:
        long_line = next((n for n, line in sample[:2] if len(line) > _CSV_FIELD_LIMIT), None)
        if long_line is not None:
            raise DataFileError(path, f"a value longer than {_CSV_FIELD_LIMIT:,} characters", long_line)
        raise DataFileError(path, "each row needs at least one feature and a label", sample[0][0])
    if header is None:
        rows = [(line, f) for (_, line), f in zip(sample, fields)]
        header = _is_header(rows, delimiter, _label_index(label_column, width))
    return delimiter, width, (fields[0] if header else None)


@dataclass(frozen=True)
class TextLayout:
    """How a delimited text splits, as ``read_table`` finds it from the first rows: ``delimiter``
    (None: runs of spaces and tabs), ``width`` fields per row, ``header`` (the header row's
    fields, or None), ``label_at`` (the label column's 0-based index) and ``rows`` (the data rows
    of the text looked at)."""

    delimiter: str | None
    width: int
    header: tuple[str, ...] | None
    label_at: int
    rows: int

    @property
    def features(self) -> list[int]:
        """The indices of the feature columns."""
        return [j for j in range(self.width) if j != self.label_at]

    def feature_names(self) -> tuple[str, ...]:
        """The features' names from the header (a blank one as x1, x2, …), or () without one."""
        return _feature_names(self.header, self.features)


def layout_of(path, head: bytes, label_column=None, separator: str = "auto",
              header: bool | None = None) -> TextLayout:
    """The layout of a file from its first whole lines ``head`` (bytes in any encoding
    ``read_table`` reads); raises DataFileError as ``read_table`` would."""
    lines = _Lines(_decode(path, head))
    delimiter, width, names = _layout(path, lines, separator, header, label_column)
    label_at = label_column_index(label_column, names, width, path)
    rows = sum(1 for _ in lines.data_lines()) - (names is not None)
    return TextLayout(delimiter, width, None if names is None else tuple(names), label_at, rows)


@dataclass(frozen=True)
class Preview:
    """The first rows of a file as the reader splits them: ``separator`` (a name of SEPARATORS),
    ``header`` (the header row's fields, or None), ``rows`` ((line number, fields) of the first
    data rows, at most PREVIEW_ROWS) and ``width`` (the fields of the first row)."""

    separator: str
    header: tuple[str, ...] | None
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    width: int

    def column_names(self) -> tuple[str, ...]:
        """The header's names, or "column 1", "column 2", … without one."""
        if self.header is None:
            return tuple(f"column {j + 1}" for j in range(self.width))
        return tuple(name or f"column {j + 1}" for j, name in enumerate(self.header))


def preview_table(path, separator: str = "auto", header: bool | None = None,
                  limit: int = PREVIEW_ROWS) -> Preview:
    """The first ``limit`` data rows of ``path`` split by ``separator`` ("auto" or a name of
    SEPARATORS), with the header row asked for (None: as the first rows show). Raises
    DataFileError when the text cannot be read or split."""
    path = Path(path)
    lines = _text_lines(path, head=True)
    delimiter, width, names = _layout(path, lines, separator, header, None, strict=False)
    offset = 1 if names is not None else 0
    rows = tuple((number, tuple(_split_row(path, number, line, delimiter)))
                 for number, line in islice(lines.data_lines(), offset, offset + limit))
    name = next(k for k, v in SEPARATORS.items() if v == delimiter)
    return Preview(name, None if names is None else tuple(names), rows, width)


def read_table(path, label_column: str | int | None = None, *, separator: str = "auto",
               header: bool | None = None, positive: str | None = None, max_classes: int = 2,
               progress=None) -> Dataset:
    """The data set in the text file ``path``: X of shape (n, d) from the feature columns, y of
    shape (n,) in {0, 1} from the label column. ``separator`` ("auto" or a name of SEPARATORS) and
    ``header`` (None: as the first rows show) say how to split the file; ``positive`` names the
    label text of class 1 (by default the larger label, see the module docstring). With
    ``max_classes`` above 2, up to that many label values make as many classes 0 … K − 1, in the
    labels' order. Any problem raises DataFileError.

    ``progress(fraction)`` (or None) is called as the file is read, with the fraction of its
    bytes read so far; when it returns False the read stops and ReadCancelled is raised."""
    import pandas as pd

    path = Path(path)
    plain = _read_plain(path, label_column, separator, header, positive, max_classes, progress)
    if plain is not None:
        return plain
    lines = _text_lines(path)
    if progress is not None and progress(0.5) is False:        # the text is read; the parse is quick
        raise ReadCancelled(str(path))
    delimiter, width, header = _layout(path, lines, separator, header, label_column)
    label_at = label_column_index(label_column, header, width, path)
    offset = 1 if header else 0                      # data row r of the frame is row r + offset
    features = [j for j in range(width) if j != label_at]
    if width < WIDE_COLUMNS:
        frame = _parse(path, lines, delimiter, offset, label_at, width)
        n, labels = len(frame), frame.iloc[:, label_at]
    else:
        cells = _split_rows(path, lines, delimiter, offset, width)
        n, labels = len(cells), pd.Series(cells[:, label_at], dtype=object)
    if n < 2:
        raise DataFileError(path, f"at least two data rows are needed, found {n}")
    if width < WIDE_COLUMNS:
        X = _features(frame, features)
    else:
        X = _text_numbers(pd.Series(cells[:, features].ravel(), dtype=object)).reshape(n, len(features))
    _check_finite(X, features, path, lines, offset, width, delimiter)
    y, label_map = _labels(labels, path, lines, offset, label_at, width, delimiter, positive, max_classes)
    return Dataset(X, y, _feature_names(header, features), label_map)


def _feature_names(header: list[str] | None, features: list[int]) -> tuple[str, ...]:
    return () if header is None else tuple(header[j] or f"x{j + 1}" for j in features)


class ReadCancelled(Exception):
    """The read was stopped by its progress callback."""


PLAIN_MIN_BYTES = 1 << 20          # smaller files are read whole: they take milliseconds


def _plain_block(block: bytes) -> bool:
    """Whether a block holds nothing the careful reader must see to: ASCII text without NUL
    characters, comments, quotes or line ends other than LF and CRLF."""
    return (block.isascii() and b"\0" not in block and b"#" not in block and b'"' not in block
            and (b"\r" not in block or block.count(b"\r") == block.count(b"\r\n")))


def _plain_head(path: Path) -> tuple[bytes, int] | None:
    """(the whole lines of the first 64 KiB, the file's size in bytes) when every block of the
    file is plain (``_plain_block``), else None; one pass over the bytes, none of them kept."""
    head, size = None, 0
    for block in read_blocks(path, block=1 << 20):          # small blocks: little memory held
        if not _plain_block(block):
            return None
        if head is None:
            head = block[:1 << 16]
            head = head[:head.rfind(b"\n") + 1]
        size += len(block)
    return None if head is None else (head, size)


class _Reporting(io.RawIOBase):
    """The file at ``path`` as pandas reads it, telling ``progress`` (as in read_table) the
    fraction of ``size`` bytes read at each read; False from it raises ReadCancelled there."""

    def __init__(self, path: Path, size: int, progress):
        super().__init__()
        self._file = open(path, "rb", buffering=0)
        self._size, self._done, self._progress = max(size, 1), 0, progress

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        n = self._file.readinto(buffer)
        self._done += n or 0
        if self._progress(min(self._done / self._size, 1.0)) is False:
            raise ReadCancelled(self._file.name)
        return n

    def close(self) -> None:
        self._file.close()
        super().close()


def _read_plain(path: Path, label_column, separator: str, header, positive, max_classes: int,
                progress) -> Dataset | None:
    """The data of a large file with no surprises (see ``_plain_block``; every row the width of
    the first, every feature a finite number, every label non-empty and at most ``max_classes``
    of them), parsed by pandas straight from the file, so that the text is never held whole;
    None for any other file, which the careful reader then reads (and explains)."""
    import pandas as pd

    try:
        if not path.is_file() or path.stat().st_size < PLAIN_MIN_BYTES:
            return None
        plain = _plain_head(path)
        if plain is None:
            return None
        head, size = plain
        layout = layout_of(path, head, label_column, separator, header)
    except (UnreadableFile, DataFileError, OSError):
        return None
    delimiter, width, label_at, features = layout.delimiter, layout.width, layout.label_at, layout.features
    source = _Reporting(path, size, progress) if progress is not None else path
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # a blank row is kept (as empty values), so that it sends the file to the careful reader
            frame = pd.read_csv(source, sep=delimiter or r"\s+", header=None, names=range(width),
                                skiprows=1 if layout.header is not None else 0, skipinitialspace=True, na_filter=False,
                                skip_blank_lines=False, engine="c", dtype={label_at: object}, index_col=False)
    except (ValueError, pd.errors.ParserError, UnicodeDecodeError, OSError):
        return None
    finally:
        if progress is not None:
            source.close()
    if len(frame) < 2 or not all(pd.api.types.is_numeric_dtype(frame[j]) and not pd.api.types.is_bool_dtype(frame[j])
                                 for j in features):
        return None                                     # a blank or ragged row, a value that is no number
    raw_codes, raw = pd.factorize(frame.pop(label_at), sort=False)
    texts = [str(t).strip(" \t") for t in raw]
    uniques = list(dict.fromkeys(texts))                # stripping may make two texts one label
    if "" in uniques or len(uniques) > max_classes or max(map(len, texts)) > _CSV_FIELD_LIMIT:
        return None
    codes = np.array([uniques.index(t) for t in texts], dtype=np.int8)[raw_codes]
    del raw_codes
    X = np.empty((len(frame), len(features)))          # C order, as the Dataset keeps it
    for c, j in enumerate(features):
        X[:, c] = frame.pop(j).to_numpy(dtype=np.float64)    # each column let go once copied
    if not np.isfinite(X).all():
        return None
    y, label_map = _classes(codes, uniques, path, positive)
    return Dataset(X, y, layout.feature_names(), label_map)


def _parse(path, lines: _Lines, delimiter, offset: int, label_at: int, width: int):
    """The data rows as a pandas frame of ``width`` columns (the label column as text)."""
    import pandas as pd

    text = lines.data_text()
    rows = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")          # mixed types across chunks are read as text
            frame = pd.read_csv(io.BytesIO(text.encode("utf-8")), encoding="utf-8", sep=delimiter or r"\s+",
                                header=None, skiprows=offset, skipinitialspace=True, na_filter=False,
                                engine="c", quotechar='"', dtype={label_at: str}, index_col=False)
    except pd.errors.ParserError as exc:
        found = _WIDTH_ERROR.search(str(exc))
        if found and int(found.group(1)) == width:         # the row pandas names is the first ragged one
            number, line = lines.at(int(found.group(2)) - 1)
            if line.count('"') % 2 == 0:
                raise DataFileError(path, f"expected {width} values, found {found.group(3)}", number) from None
        ragged = _first_ragged(path, lines, delimiter, width)
        if ragged is not None:
            raise ragged from None
        if "inside string" in str(exc):
            raise _open_quote(path, lines) from None
        if found:
            expected, line, saw = (int(g) for g in found.groups())
            raise DataFileError(path, f"expected {expected} values, found {saw}", lines.line_of(line - 1)) from None
        raise DataFileError(path, f"cannot be parsed ({_quoted(str(exc).strip().splitlines()[-1])})") from None
    except pd.errors.EmptyDataError:
        raise DataFileError(path, "at least two data rows are needed, found 0") from None
    if len(frame) != rows - offset:
        raise _open_quote(path, lines)
    if frame.shape[1] != width:
        raise _first_ragged(path, lines, delimiter, width) or DataFileError(
            path, f"expected {width} values in every row, found {frame.shape[1]}")
    return frame


def _first_ragged(path, lines: _Lines, delimiter, width: int) -> DataFileError | None:
    """The error for the first data row that does not hold ``width`` fields, if any."""
    for number, line in lines.data_lines():
        fields = _split(line, delimiter)
        if line.count('"') % 2 and (fields is None or len(fields) != width):
            return DataFileError(path, "a quote opened on this line is not closed on it", number)
        if fields is None:
            return DataFileError(path, f"a value longer than {_CSV_FIELD_LIMIT:,} characters", number)
        if len(fields) != width:
            return DataFileError(path, f"expected {width} values, found {len(fields)}", number)
    return None


def _open_quote(path, lines: _Lines) -> DataFileError:
    """The error for a quoted value that is not closed on its own line."""
    for number, line in lines.data_lines():
        if line.count('"') % 2:
            return DataFileError(path, "a quote opened on this line is not closed on it", number)
    return DataFileError(path, "a quoted value runs over several lines")


def _row_error(path, lines: _Lines, row: int, column: int, width: int, delimiter,
               label: bool = False) -> DataFileError:
    """The error for the bad value in data row ``row``, column ``column`` (0-based), quoting the
    text as the file has it."""
    line, text = lines.at(row)
    found = _split(text, delimiter)
    if found is None:
        return DataFileError(path, f"a value longer than {_CSV_FIELD_LIMIT:,} characters", line)
    if len(found) != width:
        return DataFileError(path, f"expected {width} values, found {len(found)}", line)
    value = found[column]
    if value == "":
        return DataFileError(path, "the label is empty" if label else "a value is empty", line, column + 1)
    if _FINITE_RE.fullmatch(value):
        reason = "is beyond the range of floating-point numbers (about ±1.8e308)"
    elif _is_number(value):
        reason = "is not a finite number"
    elif _DECIMAL_COMMA.fullmatch(value):
        reason = "is not a number (decimals are written with a point)"
    else:
        reason = "is not a number"
    return DataFileError(path, f"{_quoted(value)} {reason}", line, column + 1)


def _text_numbers(column) -> np.ndarray:
    """(n,) float64 of a column pandas did not read as numbers: whole numbers too long for int64
    exactly rounded, plain decimals read, anything else ("1_000", "١٢", "abc") NaN."""
    import pandas as pd

    if pd.api.types.infer_dtype(column, skipna=False) == "integer":
        try:
            return column.to_numpy(dtype=np.float64)
        except OverflowError:                       # beyond the range of floating point
            pass
    return pd.to_numeric(column.astype(str), errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)


def _split_rows(path, lines: _Lines, delimiter, offset: int, width: int) -> np.ndarray:
    """The data rows (after ``offset`` header rows) as an (n, width) array of their texts, for a
    wide file; a row of another width raises the error of the first such row."""
    rows = []
    for number, line in islice(lines.data_lines(), offset, None):
        fields = _split(line, delimiter)
        if fields is None or len(fields) != width:
            raise _first_ragged(path, lines, delimiter, width) or DataFileError(
                path, f"expected {width} values, found {len(fields or ())}", number)
        rows.append(fields)
    return np.array(rows, dtype=object).reshape(len(rows), width)


def _features(frame, columns: list[int]) -> np.ndarray:
    """X (n, len(columns)) float64 from the frame's ``columns``: NaN or ±∞ where a value is not a
    finite number."""
    import pandas as pd

    table = frame.iloc[:, columns]
    numeric = np.array([pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t)
                        for t in table.dtypes], dtype=bool)
    X = np.empty((len(frame), len(columns)))
    if numeric.any():
        X[:, numeric] = table.iloc[:, np.flatnonzero(numeric)].to_numpy(dtype=np.float64)
    for c in np.flatnonzero(~numeric):
        X[:, c] = _text_numbers(table.iloc[:, c])
    return X


def _check_finite(X: np.ndarray, columns: list[int], path, lines: _Lines, offset: int, width: int,
                  delimiter) -> None:
    """The first value of X that is not a finite number (by line, then column) raises DataFileError."""
    bad = ~np.isfinite(X)
    if bad.any():
        row = int(np.argmax(bad.any(axis=1)))
        c = int(np.argmax(bad[row]))
        raise _row_error(path, lines, row + offset, columns[c], width, delimiter)


def _numeric_value(text: str) -> Decimal | None:
    """The exact value of a label written as a finite decimal, else None."""
    if not _FINITE_RE.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:                        # an exponent beyond Decimal's range
        return None


def label_order(labels: list[str]) -> list[str]:
    """The labels as classes 0, 1, …: by exact value when all are numbers, otherwise (and among
    equal values) by code point."""
    values = [_numeric_value(t) for t in labels]
    if all(v is not None for v in values):
        return [t for _, t in sorted(zip(values, labels))]
    return sorted(labels)


def _labels(column, path, lines: _Lines, offset: int, j: int, width: int, delimiter,
            positive: str | None = None, max_classes: int = 2) -> tuple[np.ndarray, dict]:
    """y (n,) in {0, …, K − 1} and the label map {text: class} from the label column's texts
    (for two classes, class 1 is ``positive`` when given); at most ``max_classes`` labels."""
    import pandas as pd

    raw_codes, raw = pd.factorize(column.astype(str), sort=False)   # in order of first appearance
    stripped = [str(u).strip(" \t") for u in raw]
    merged, uniques = pd.factorize(np.array(stripped, dtype=object), sort=False)
    codes = merged[raw_codes]
    uniques = [str(u) for u in uniques]
    problems = [k for k in (uniques.index("") if "" in uniques else None,
                            max_classes if len(uniques) > max_classes else None) if k is not None]
    if problems:
        k = min(problems)
        row = int(np.argmax(codes == k)) + offset
        if uniques[k] == "":
            raise _row_error(path, lines, row, j, width, delimiter, label=True)
        if max_classes == 2:
            seen = f"{_quoted(uniques[0])}, {_quoted(uniques[1])}"
            raise DataFileError(path, f"a third label value {_quoted(uniques[2])} (already seen: {seen}); "
                                      "a two-class model needs exactly two classes", lines.line_of(row), j + 1)
        raise DataFileError(path, f"label value number {max_classes + 1}, {_quoted(uniques[k])}: at most "
                                  f"{max_classes} classes are read", lines.line_of(row), j + 1)
    return _classes(codes, uniques, path, positive)


def _classes(codes: np.ndarray, uniques: list[str], path, positive: str | None) -> tuple[np.ndarray, dict]:
    """y (n,) in {0, …, K − 1} and the label map from each row's index ``codes`` (n,) into the
    label texts ``uniques`` (in order of first appearance, none empty)."""
    if len(uniques) < 2:
        raise DataFileError(path, f"every row has the label {_quoted(uniques[0])}: two classes are needed")
    if len(uniques) > 2:
        order = label_order(uniques)
        if positive is not None:
            raise DataFileError(path, f"class 1 can be chosen for two classes only; the file has {len(order)}")
        classes = np.array([order.index(u) for u in uniques], dtype=np.float64)
        return classes[codes], {t: c for c, t in enumerate(order)}
    first, second = label_order(uniques)
    if positive is not None:
        if positive not in uniques:
            raise DataFileError(path, f"no row has the label {_quoted(positive)} (the labels are "
                                      f"{_quoted(first)} and {_quoted(second)})")
        first, second = (second, first) if positive == first else (first, second)
    y = (codes == uniques.index(second)).astype(np.float64)
    return y, {first: 0, second: 1}


# -- writing -------------------------------------------------------------------------------------
def _header_field(name: str) -> str:
    """``name`` for the header row, quoted where reading it back unquoted would change it."""
    if (name == "" or name != name.strip(" \t") or name.startswith("#") or _is_number(name)
            or any(c in name for c in ',"\n\r')):
        return '"' + name.replace('"', '""') + '"'
    return name


def write_table(dataset: Dataset, path) -> None:
    """Write ``dataset`` as comma-separated text with a header, atomically.

    Values are written with 17 significant digits, so reading the file back gives the same
    numbers. The label column is named ``label`` and holds each class's label text exactly as
    ``label_map`` has it (quoted where it holds a comma or a quote), so reading the file back gives
    the same label texts and the same classes.
    """
    import pandas as pd

    names = dataset.class_names()
    frame = pd.DataFrame(dataset.X)
    frame[dataset.d] = np.asarray(names, dtype=object)[dataset.y.astype(int)] if dataset.n else []
    header = [*dataset.feature_names, "label"]
    with atomic_writer(path, "w", newline="") as fh:
        fh.write(",".join(_header_field(str(name)) for name in header) + "\n")
        frame.to_csv(fh, header=False, index=False, float_format="%.17g", lineterminator="\n",
                     quoting=csv.QUOTE_MINIMAL)
