"""The fast reader of large plain files gives what the careful reader gives, and hands every
file with a surprise in it to the careful reader (which explains it)."""

import numpy as np
import pytest

from lrgui.core import table_io
from lrgui.core.errors import DataFileError
from lrgui.core.table_io import ReadCancelled, read_table

FILES = {
    "header, comma": "x1,x2,label\n1.5,2,a\n-3e-2,.5,b\n4,5,a\n",
    "no header": "1.5,2,0\n-3,0.5,1\n4,5,0\n",
    "tab, label first": "label\tx\ty\nyes\t1\t2\nno\t3\t4\nyes\t5\t6\n",
    "whitespace": "1 2 0\n3   4 1\n  5 6 0\n",
    "semicolon": "a;b;c\n1;2;x\n3;4;y\n",
    "crlf and spaces": "x, y, label\r\n1, 2, yes \r\n3, 4,no\r\n5,6, yes\r\n",
    "numbers as labels": "x,label\n1,1\n2,01\n3,1.0\n",
    "three classes": "x,label\n1,a\n2,b\n3,c\n4,a\n",
    "no final line end": "x,y,label\n1,2,a\n3,4,b",
    "one label": "x,y,label\n1,2,a\n3,4,a\n",              # refused alike by both
}
SURPRISES = {
    "blank line": "x,y,label\n1,2,a\n\n3,4,b\n",
    "comment": "x,y,label\n# a note\n1,2,a\n3,4,b\n",
    "quotes": 'x,y,label\n1,2,"a,b"\n3,4,c\n',
    "not a number": "x,y,label\n1,2,a\n3,four,b\n",
    "nan": "x,y,label\n1,2,a\n3,nan,b\n",
    "ragged": "x,y,label\n1,2,a\n3,b\n",
    "empty label": "x,y,label\n1,2,a\n3,4,\n",
    "third label": "x,y,label\n1,2,a\n3,4,b\n5,6,c\n",
    "utf-8": "x,y,label\n1,2,é\n3,4,b\n",
    "huge": "x,y,label\n1,2,a\n1e400,4,b\n",
}


def _read(path, plain: bool, monkeypatch, **kw):
    monkeypatch.setattr(table_io, "PLAIN_MIN_BYTES", 0 if plain else 1 << 62)
    try:
        return read_table(path, **kw)
    except DataFileError as exc:
        return str(exc)


def _same(a, b):
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return (np.array_equal(a.X, b.X) and np.array_equal(a.y, b.y) and a.label_map == b.label_map
            and a.feature_names == b.feature_names)


@pytest.mark.parametrize("name", [*FILES, *SURPRISES])
def test_the_plain_reader_gives_what_the_careful_one_gives(name, tmp_path, monkeypatch):
    path = tmp_path / "data.csv"
    path.write_bytes({**FILES, **SURPRISES}[name].encode())
    for kw in ({}, {"max_classes": 3}, {"positive": "a"}, {"label_column": 1}):
        plain, careful = _read(path, True, monkeypatch, **kw), _read(path, False, monkeypatch, **kw)
        assert _same(plain, careful), (kw, plain, careful)


@pytest.mark.parametrize("name", list(SURPRISES))
def test_a_surprise_goes_to_the_careful_reader(name, tmp_path, monkeypatch):
    path = tmp_path / "data.csv"
    path.write_bytes(SURPRISES[name].encode())
    monkeypatch.setattr(table_io, "PLAIN_MIN_BYTES", 0)
    called = []
    monkeypatch.setattr(table_io, "_text_lines", lambda p, real=table_io._text_lines: called.append(p) or real(p))
    try:
        read_table(path)
    except DataFileError:
        pass
    assert called, "the careful reader never saw the file"


def test_a_large_file_is_read_with_progress_and_can_be_cancelled(tmp_path):
    rng = np.random.default_rng(0)
    n = 60_000
    X = rng.normal(size=(n, 2))
    y = (rng.random(n) < 0.3).astype(int)
    path = tmp_path / "big.csv"
    with open(path, "w") as fh:
        fh.write("a,b,label\n")
        np.savetxt(fh, np.column_stack([X, y]), fmt=["%.17g", "%.17g", "%d"], delimiter=",")
    assert path.stat().st_size > table_io.PLAIN_MIN_BYTES
    seen = []
    data = read_table(path, progress=seen.append)
    np.testing.assert_array_equal(data.X, X)
    np.testing.assert_array_equal(data.y, y)
    assert data.label_map == {"0": 0, "1": 1}
    assert len(seen) >= 2 and seen == sorted(seen) and seen[-1] == 1.0
    stops = []
    with pytest.raises(ReadCancelled):
        read_table(path, progress=lambda f: stops.append(f) or f < 0.2)
    assert stops[-1] < 1.0                  # stopped before the end of the file
