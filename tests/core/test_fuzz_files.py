"""Property-based fuzzing of the data file reader and the session file reader.

Every input gives a valid result (a Dataset with finite X (n, d), y (n,) in {0, 1} holding both
classes and a label map of two texts; a session whose data, runs and histories fit together) or the
one documented error, DataFileError or SessionFileError, in one short line that starts with the
file's name. Never another exception, never a hang. Well-formed tables are also checked against an
independent reading of their cells (Python's float, exact fractions for the label order).

Each test draws ``EXAMPLES`` inputs (500; 20,000 with the environment variable
``LRGUI_LONG_TESTS=1``), derandomized so that every run draws the same ones.
"""

from __future__ import annotations

import contextlib
import json
import os
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lrgui.core.dataset import Dataset
from lrgui.core.errors import DataFileError
from lrgui.core.features import theta_length
from lrgui.core.session_file import SessionFileError, read_session
from lrgui.core import table_io
from lrgui.core.table_io import read_table

LONG = os.environ.get("LRGUI_LONG_TESTS") == "1"
EXAMPLES = 20_000 if LONG else 500
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))
MESSAGE_LIMIT = 300
if LONG:
    pytestmark = pytest.mark.timeout(4 * 3600)         # the long run takes some 40 times as long


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def _check_message(error: Exception, path) -> None:
    message = str(error)
    assert message.startswith(str(path)), message[:MESSAGE_LIMIT]
    assert "\n" not in message and "\r" not in message, message[:MESSAGE_LIMIT]
    assert len(message) <= MESSAGE_LIMIT, message[:MESSAGE_LIMIT]


def _check_dataset(d: Dataset, trainable: bool = True) -> None:
    assert isinstance(d, Dataset)
    assert d.X.ndim == 2 and d.X.dtype == np.float64 and d.y.shape == (d.X.shape[0],)
    assert np.isfinite(d.X).all() and np.isin(d.y, (0.0, 1.0)).all()
    assert len(d.feature_names) == d.X.shape[1] >= 1
    assert sorted(d.label_map.values()) == [0, 1] and len(d.label_map) == 2
    assert all(isinstance(k, str) for k in d.label_map)
    if trainable:
        assert d.n >= 2 and d.why_untrainable() is None


def _read_table_or_refusal(path, label_column=None) -> Dataset | None:
    """The data set in ``path`` (checked), or None after a checked DataFileError."""
    try:
        d = read_table(path, label_column)
    except DataFileError as exc:
        _check_message(exc, path)
        event("refused")
        return None
    _check_dataset(d)
    event("read")
    return d


# -- data files: what the cells may be ---------------------------------------------------------------
_ODD_NUMBERS = ["1e308", "1.7976931348623157e308", "1.8e308", "-1e308", "1e-320", "4.9e-324", "1e-400", "-0",
                "+0", "0.", ".5", "5.", "1E+05", "-.5e-3", "nan", "NaN", "-nan", "inf", "-inf", "Infinity",
                "1_000", "١٢", "１２", "0x10", "1,5", "1e", "--1", "1" * 400, "9" * 30, "1e999999999999999999999",
                "", " ", "  3  ", "\t4"]
_NUMBERS = st.one_of(
    st.floats().map(repr),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda v: f"{v:.17g}"),
    st.integers(-10 ** 30, 10 ** 30).map(str),
    st.integers(0, 3).map(str),
    st.sampled_from(_ODD_NUMBERS),
)
_TEXTS = st.one_of(
    st.text(max_size=6),
    st.text(st.sampled_from(' ,;\t"#\\\'abc01.-eE\x0b\x0c\x1c\x85\u2028\xa0\ufeff'), max_size=6),
    st.sampled_from(["yes", "no", "a,b", '"a,b"', '"x""y"', '"', '""', "#", "# c", "label", "x1", "True"]),
)
_CELLS = st.one_of(_NUMBERS, _NUMBERS, _TEXTS)
_LABEL_COLUMNS = st.sampled_from(range(4)).flatmap(lambda k: st.none() if k else st.integers(-6, 6) | st.sampled_from(
    ["label", "x1", "1", "-1", "2", "0", "nan", "inf", "3.5", "", "١", "1_0", "yes", "9" * 30]))
_ENCODINGS = ["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252"]


_FINITE_NUMBERS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.floats(allow_nan=False, allow_infinity=False).map(lambda v: f"{v:.17e}"),
    st.integers(-10 ** 40, 10 ** 40).map(str),
    st.sampled_from(["1e308", "-1.7976931348623157e308", "1e-320", "4.9e-324", "1e-400", "-0", "+0", "0.",
                     ".5", "5.", "1E+05", "-.5e-3", "1" * 300]),
)
_LABEL_TEXTS = st.one_of(
    st.text(st.characters(exclude_characters='\n\r\x00"', exclude_categories=("Cs",)), min_size=1, max_size=8),
    _FINITE_NUMBERS,
    st.sampled_from(["0", "1", "1.0", "007", "7", "1e300", "-0", "yes", "no", "No"]),
).map(lambda t: t.strip(" \t")).filter(bool)
_NAMES = st.text(st.characters(categories=("L",)), min_size=1, max_size=6).filter(
    lambda t: t.lower() not in ("nan", "inf", "infinity", "e"))


_FLAWS = ("cell", "cell", "ragged", "label", "line", "cut", "encoding", "header", "quote", "rows", "wide", "empty")
_JUNK_LINES = ["", "   ", "# comment", "\t#x", "\x0b", '"', "a,b", "1;2;3;4;5", "\ufeff1,2,0"]


def _rarely(draw, one_in: int) -> bool:
    """True about once in ``one_in`` draws."""
    return draw(st.sampled_from(range(one_in))) == one_in - 1


@st.composite
def noisy_tables(draw) -> bytes:
    """Delimited text in the shapes real files take: a sound table (numbers of every form, one to
    three label texts, a header or none, any separator, quoting, line end and encoding) with up to
    four flaws of every kind mixed in (a bad cell, a ragged row, a third label, junk lines, a cut
    in the middle of a character, a wrong encoding, duplicate header names, a lone quote, one row
    or none, hundreds of columns)."""
    width = draw(st.sampled_from([2, 2, 3, 3, 4, 5, 6, 1]))
    labels = draw(st.lists(_CELLS if _rarely(draw, 4) else _LABEL_TEXTS, min_size=2, max_size=2, unique=True))
    rows = [draw(st.lists(_FINITE_NUMBERS, min_size=width - 1, max_size=width - 1)) + [label]
            for label in labels + draw(st.lists(st.sampled_from(labels), max_size=5))]
    header = draw(st.lists(_NAMES, min_size=width, max_size=width)) if draw(st.booleans()) else None
    encoding, cut = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-32"])), False
    lines_to_add = []
    flaws = [draw(st.sampled_from(_FLAWS)) for _ in range(draw(st.sampled_from([0, 0, 0, 1, 1, 2, 3, 4])))]
    for flaw in flaws:
        r = draw(st.integers(0, len(rows) - 1)) if rows else 0
        if flaw == "cell" and rows and rows[r]:
            rows[r][draw(st.integers(0, len(rows[r]) - 1))] = draw(_CELLS)
        elif flaw == "ragged" and rows:
            if draw(st.booleans()) and rows[r]:
                rows[r].pop()
            else:
                rows[r].append(draw(_CELLS))
        elif flaw == "label" and rows and rows[r]:
            rows[r][-1] = draw(_CELLS)
        elif flaw == "line":
            lines_to_add.append(draw(st.sampled_from(_JUNK_LINES)))
        elif flaw == "cut":
            cut = True
        elif flaw == "encoding":
            encoding = draw(st.sampled_from(["latin-1", "cp1252", "utf-16-le", "utf-16-be", "utf-32-le"]))
        elif flaw == "header":
            header = draw(st.lists(st.sampled_from(["a", "a", "label", "", "nan", "1", "#x"]) | _TEXTS,
                                   min_size=width, max_size=width))
        elif flaw == "quote" and rows and rows[r]:
            rows[r][0] = '"' + rows[r][0]
        elif flaw == "rows":
            rows = rows[:draw(st.integers(0, 1))]
        elif flaw == "wide":
            copies = draw(st.sampled_from([2, 50, 300]))
            rows = [row[:-1] * copies + row[-1:] for row in rows]
            header = header[:-1] * copies + header[-1:] if header else None
        elif flaw == "empty":
            rows, header = [], None
    if header is not None:
        rows.insert(0, header)
    rows = rows * draw(st.sampled_from([1, 1, 1, 1, 3, 300]))
    delimiter = draw(st.sampled_from([",", ",", "\t", ";", " ", "  ", ", ", " ,"]))
    quote = draw(st.sampled_from(["never", "never", "text", "always"]))

    def cell(text: str) -> str:
        if quote == "always" or delimiter.strip(" ") in text or '"' in text or (
                quote == "text" and not text.replace(".", "").isdigit()):
            return '"' + text.replace('"', '""') + '"'
        return text

    lines = [delimiter.join(cell(c) for c in row) for row in rows]
    for junk in lines_to_add:
        lines.insert(draw(st.integers(0, len(lines))), junk)
    eol = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = eol.join(lines) + draw(st.sampled_from(["", eol, eol * 2]))
    data = text.encode(encoding, errors="replace")
    if cut and data:
        data = data[:draw(st.integers(0, len(data) - 1))]       # anywhere, inside a character too
    return data


@FUZZ
@given(st.binary(max_size=3000) | st.tuples(st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff",
                                                             b"\xff\xfe\x00\x00", b"1,2,0\n3,4,1\n"]),
                                            st.binary(max_size=300)).map(b"".join),
       _LABEL_COLUMNS)
def test_random_bytes_give_a_data_set_or_a_data_file_error(folder, data, label_column):
    path = folder / "bytes.csv"
    path.write_bytes(data)
    _read_table_or_refusal(path, label_column)


@contextlib.contextmanager
def _split_as_wide():
    """Every file read the way a wide one is (rows split by the reader, not by pandas)."""
    kept, table_io.WIDE_COLUMNS = table_io.WIDE_COLUMNS, 0
    try:
        yield
    finally:
        table_io.WIDE_COLUMNS = kept


def _same_data(a: Dataset, b: Dataset) -> None:
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert (a.feature_names, a.label_map) == (b.feature_names, b.label_map)


@FUZZ
@given(noisy_tables(), _LABEL_COLUMNS)
def test_flawed_tables_give_a_data_set_or_a_data_file_error(folder, data, label_column):
    """… and the same one whether pandas parses the rows or the reader of wide files does."""
    path = folder / "table.txt"
    path.write_bytes(data)
    d = _read_table_or_refusal(path, label_column)
    with _split_as_wide():
        wide = _read_table_or_refusal(path, label_column)
    assert (d is None) == (wide is None)
    if d is not None:
        _same_data(d, wide)


# -- data files that are well formed: read exactly --------------------------------------------------------
def _exact_order(a: str, b: str) -> tuple[str, str]:
    """(class 0, class 1) by the documented rule, with exact fractions."""
    try:
        fa, fb = Fraction(a), Fraction(b)
    except (ValueError, ZeroDivisionError):
        fa = fb = None
    if fa is not None and fa != fb and all(c in "0123456789+-.eE" for c in a + b):
        return (a, b) if fa < fb else (b, a)
    return (a, b) if a < b else (b, a)


@st.composite
def clean_tables(draw):
    """(file bytes, label column argument, expected X, expected label texts per row, feature names)."""
    d = draw(st.integers(1, 4))
    n = draw(st.integers(2, 9))
    cells = draw(st.lists(st.lists(_FINITE_NUMBERS, min_size=d, max_size=d), min_size=n, max_size=n))
    pair = draw(st.lists(_LABEL_TEXTS, min_size=2, max_size=2, unique=True))
    picks = draw(st.lists(st.integers(0, 1), min_size=n - 2, max_size=n - 2))
    texts = [pair[0], pair[1]] + [pair[p] for p in picks]
    at = draw(st.integers(0, d))                                  # where the label column stands
    header = draw(st.booleans())
    names = draw(st.lists(_NAMES, min_size=d + 1, max_size=d + 1, unique=True)) if header else None
    delimiter = draw(st.sampled_from([",", "\t", ";", " "]))

    def label(text: str) -> str:
        if delimiter in text or '"' in text or text[0] in "#" or (delimiter == " " and ("\t" in text or " " in text)):
            return '"' + text.replace('"', '""') + '"'
        return text

    rows = [[*row[:at], label(t), *row[at:]] for row, t in zip(cells, texts)]
    quoted = any(label(t) != t for t in pair)
    # spaces around values; tabs too, unless a value is quoted (a quote after a tab opens nothing)
    spaces = "" if delimiter == " " else draw(st.sampled_from(["", " "] + ([] if quoted or delimiter == "\t" else ["\t"])))
    if names is not None:
        rows.insert(0, names)
    lines = [delimiter.join(spaces + c + spaces for c in row) for row in rows]
    if draw(st.booleans()):
        lines.insert(draw(st.integers(0, len(lines))), "# a comment, with; separators\t")
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    text = eol.join(lines) + eol
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
    column = draw(st.sampled_from(["number", "negative", "name", "default"] if names else ["number", "negative"]))
    if at == d and column == "default":
        argument = None
    elif column == "name" and names:
        argument = names[at]
    elif column == "negative":
        argument = at - (d + 1)
    else:
        argument = str(at + 1)
    X = np.array([[float(c) for c in row] for row in cells])
    feature_names = tuple(nm for j, nm in enumerate(names) if j != at) if names else tuple(f"x{j + 1}" for j in range(d))
    return text.encode(encoding), argument, X, texts, feature_names


@FUZZ
@given(clean_tables())
def test_well_formed_tables_are_read_exactly(folder, table):
    data, argument, X, texts, names = table
    path = folder / "clean.txt"
    path.write_bytes(data)
    d = read_table(path, argument)
    _check_dataset(d)
    zero, one = _exact_order(texts[0], texts[1])
    assert d.label_map == {zero: 0, one: 1}
    np.testing.assert_array_equal(d.y, [float(t == one) for t in texts])
    np.testing.assert_array_equal(d.X, X)
    assert d.feature_names == names
    with _split_as_wide():
        _same_data(read_table(path, argument), d)


# -- session files ---------------------------------------------------------------------------------------
_JUNK = st.recursive(
    st.none() | st.booleans() | st.integers(-10 ** 30, 10 ** 30) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6) | st.sampled_from([10 ** 350, 1e308, 5e-324, -0.0, "1_000", "١٢", "nan", "1e400"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)
_EXTREME = st.sampled_from([1e308, -1e308, 5e-324, -0.0, 10 ** 30, 10 ** 308, 2 ** 63, 0.5, 1])


def _maybe(value_strategy, junk_rate: int = 25):
    """Mostly ``value_strategy``, about once in ``junk_rate`` draws anything at all."""
    return st.sampled_from(range(junk_rate)).flatmap(lambda k: _JUNK if k == junk_rate - 1 else value_strategy)


_NUMBER = st.sampled_from(range(20)).flatmap(         # an extreme number about once in 20
    lambda k: _EXTREME if k == 19 else st.integers(-3, 3) | st.floats(-1e3, 1e3, allow_nan=False))


@st.composite
def points(draw) -> dict:
    d = draw(st.integers(1, 3))
    n = draw(st.integers(0, 6))
    X = draw(st.lists(st.lists(_NUMBER, min_size=d, max_size=d), min_size=n, max_size=n))
    y = draw(st.lists(st.sampled_from([0, 1, 0.0, 1.0]), min_size=n, max_size=n))
    out = {"X": draw(_maybe(st.just(X))), "y": draw(_maybe(st.just(y)))}
    if draw(st.booleans()):
        out["features"] = draw(_maybe(st.lists(st.text(max_size=4), min_size=d, max_size=d)))
    if draw(st.booleans()):
        out["classes"] = draw(_maybe(st.sampled_from([["no", "yes"], ["0", "1"], ["1", "1.0"], ["a b", "é"]])))
    for key in draw(st.lists(st.sampled_from(["generator", "source", "edited", "params"]), max_size=2)):
        out[key] = draw(_maybe({"generator": st.sampled_from(["gaussian", "xor"]), "source": st.text(max_size=5),
                                "edited": st.booleans(), "params": st.just({"seed": 1})}[key]))
    return out


_PARAMS = {
    "gaussian": {"seed": st.integers(0, 9), "n0": st.integers(1, 30), "n1": st.integers(1, 30),
                 "mean0_x1": _NUMBER},
    "xor": {"seed": st.integers(0, 9), "n_samples": st.integers(2, 60), "spread": st.floats(0, 10)},
    "moons": {"seed": st.integers(0, 9), "n_samples": st.integers(2, 60), "spread": st.floats(0, 10)},
    "nonesuch": {"seed": st.integers(0, 9)},
}
_GENERATED = st.sampled_from(["gaussian", "xor", "moons"] * 6 + ["nonesuch"]).flatmap(
    lambda name: st.fixed_dictionaries({"generator": st.just(name)}, optional={"params": _maybe(
        st.fixed_dictionaries({}, optional={key: _maybe(value) for key, value in _PARAMS[name].items()}))}))
_RUN = st.fixed_dictionaries({}, optional={
    "optimizer": _maybe(st.sampled_from(["gd", "adam", "newton", "lbfgs", "sgd"])),
    "lr": _maybe(st.floats(1e-6, 10)), "epochs": _maybe(st.integers(0, 50)), "degree": _maybe(st.integers(1, 6)),
    "standardize": _maybe(st.booleans()), "init": _maybe(st.sampled_from(["zero", "random", "1,2,3", [0.0, 1.0, 2.0]])),
    "penalty": _maybe(st.sampled_from(["none", "l1", "l2"])), "lam": _maybe(st.floats(0, 1e6)), "seed": _maybe(st.integers(0, 2 ** 63 - 1)),
    "name": _maybe(st.text(max_size=5)), "color": _maybe(st.integers(0, 20)), "muted": _maybe(st.booleans()),
    "tol": _maybe(st.floats(0, 1)),
})
_VIEW = st.fixed_dictionaries({}, optional={
    "threshold": _maybe(st.floats(0, 1)), "shading": _maybe(st.booleans()), "landscape-axes": _maybe(st.lists(
        st.integers(0, 4), min_size=2, max_size=2)), "selected": _maybe(st.integers(0, 2)),
    "log-loss": _maybe(st.booleans()),
})


@st.composite
def histories(draw, n_runs: int, width: int) -> dict:
    """Recorded histories, mostly fitting runs on data of ``width`` features, with flaws mixed in."""
    versions = draw(_maybe(st.lists(points(), max_size=2))) if _rarely(draw, 3) else None
    runs = []
    for _ in range(draw(st.integers(0, n_runs + int(_rarely(draw, 10))))):
        m = draw(st.integers(1, 4)) if not _rarely(draw, 20) else 0
        k = width + 1 if not _rarely(draw, 8) else draw(st.integers(1, 5))
        theta = draw(st.lists(st.lists(_NUMBER, min_size=k, max_size=k), min_size=m, max_size=m))
        starts = sorted({0, *draw(st.lists(st.integers(1, max(1, m - 1)), max_size=2))})
        if _rarely(draw, 10):
            starts = draw(st.lists(st.integers(-1, 5), min_size=1, max_size=3))
        segments = [{"from": start, "data": draw(st.sampled_from(["session"] * 4 + [0, 1])),
                     "settings": draw(_maybe(st.just({}) | st.just({"optimizer": "adam"})))} for start in starts]
        entry = {"segments": draw(_maybe(st.just(segments))), "theta": draw(_maybe(st.just(theta)))}
        for name in draw(st.lists(st.sampled_from(["loss", "grad_norm", "accuracy", "test_loss", "epochs"]),
                                  max_size=3, unique=True)):
            entry[name] = draw(_maybe(st.just(m - 1) if name == "epochs" else
                                      st.lists(_NUMBER, min_size=m, max_size=m)))
        runs.append(draw(st.one_of(st.none(), _JUNK)) if _rarely(draw, 7) else entry)
    out = {"runs": runs}
    if _rarely(draw, 3):
        out["epoch"] = draw(_maybe(st.integers(0, 4)))
    if versions is not None:
        out["data"] = versions
    return out


@st.composite
def sessions(draw) -> dict:
    out = {}
    if _rarely(draw, 6):
        out["format"] = draw(_maybe(st.just("lrgui-session")))
        out["version"] = draw(_maybe(st.sampled_from([1] * 6 + [2, 0])))
    if not _rarely(draw, 30):
        out["data"] = draw(_maybe(points() | _GENERATED))
    if not _rarely(draw, 30):
        out["runs"] = draw(_maybe(st.lists(_RUN, min_size=1, max_size=3)))
    if draw(st.booleans()):
        out["view"] = draw(_maybe(_VIEW))
    if _rarely(draw, 4):
        out["layout"] = draw(_maybe(st.just({"state": "AAAA"})))
    if _rarely(draw, 3):
        n_runs = len(out["runs"]) if isinstance(out.get("runs"), list) else 1
        data = out.get("data")
        rows = data.get("X") if isinstance(data, dict) else None
        width = len(rows[0]) if isinstance(rows, list) and rows and isinstance(rows[0], list) else 2
        out["histories"] = draw(_maybe(histories(n_runs, width)))
    if _rarely(draw, 20):
        out[draw(st.text(max_size=4))] = draw(_JUNK)
    return out


def _check_session(loaded) -> None:
    s, recording = loaded.session, loaded.recording
    _check_dataset(s.data, trainable=False)
    assert s.runs and s.selected in {r.id for r in s.runs}
    assert 0 < s.view.threshold < 1 and isinstance(loaded.layout, dict)
    if recording is None:
        return
    assert len(recording.runs) == len(s.runs) and recording.epoch >= 0
    for version in recording.data_versions:
        _check_dataset(version, trainable=False)
    for spec, run in zip(s.runs, recording.runs):
        if run is None:
            continue
        theta = run.rows["theta_original"]
        m, k = theta.shape
        assert m >= 1 and np.isfinite(theta).all()
        assert all(run.rows[name].shape == (m,) for name in run.rows if name != "theta_original")
        starts = [start for start, _, _ in run.segments]
        assert starts[0] == 0 and starts == sorted(set(starts)) and starts[-1] <= m - 1
        for _, version, config in run.segments:
            data = s.data if version is None else recording.data_versions[version]
            assert theta_length(data.d, config.degree) == k


def _read_session_or_refusal(path) -> None:
    try:
        loaded = read_session(path)
    except SessionFileError as exc:
        _check_message(exc, path)
        event("refused")
        return
    _check_session(loaded)
    event("read with histories" if loaded.recording else "read")


@FUZZ
@given(st.binary(max_size=2000) | st.tuples(st.sampled_from([b"", b"\xef\xbb\xbf", b'{"data": ', b"{", b"["]),
                                            st.binary(max_size=300)).map(b"".join))
def test_random_bytes_give_a_session_or_a_session_file_error(folder, data):
    path = folder / "bytes.lrgui.json"
    path.write_bytes(data)
    _read_session_or_refusal(path)


@FUZZ
@given(sessions(), st.sampled_from(["plain"] * 6 + ["ascii", "bom", "latin-1", "cut", "nan"]))
def test_session_json_of_every_shape_gives_a_session_or_a_session_file_error(folder, content, form):
    path = folder / "session.lrgui.json"
    text = json.dumps(content, ensure_ascii=form == "ascii")
    if form == "cut":
        text = text[:len(text) // 2]
    elif form == "nan":
        text = text.replace("0.5", "NaN", 1).replace("1e+308", "1e400", 1)
    data = text.encode("latin-1", errors="replace") if form == "latin-1" else text.encode("utf-8")
    path.write_bytes(b"\xef\xbb\xbf" + data if form == "bom" else data)
    _read_session_or_refusal(path)


# -- sessions the writer wrote: read back as they were ---------------------------------------------------
_FLOATS = st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([1e308, -5e-324, -0.0, 1e-320])
_LINE_TEXT = st.text(st.characters(exclude_characters="\n\r\x00", exclude_categories=("Cs",)), max_size=6)


@st.composite
def written_sessions(draw):
    """(Session, Recording or None, layout) as the window would save them."""
    from lrgui.core.optimizers import OPTIMIZERS
    from lrgui.core.schedules import SCHEDULES
    from lrgui.core.options import config_from_options
    from lrgui.core.session import RunSpec, Session, ViewOptions
    from lrgui.core.session_file import Recording, RecordedRun

    def dataset(d: int) -> Dataset:
        n = draw(st.integers(0, 6))
        X = np.array(draw(st.lists(st.lists(_FLOATS, min_size=d, max_size=d), min_size=n, max_size=n))).reshape(n, d)
        labels = draw(st.lists(_LABEL_TEXTS.filter(lambda t: t == t.strip(" \t")), min_size=2, max_size=2,
                               unique=True))
        names = tuple(draw(st.lists(_LINE_TEXT, min_size=d, max_size=d)))
        return Dataset(X, draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=n, max_size=n)), names,
                       {labels[0]: 0, labels[1]: 1})

    def config(d: int):
        optimizer = draw(st.sampled_from(OPTIMIZERS.names()))
        options = {"optimizer": optimizer, "epochs": draw(st.integers(0, 10 ** 7)),
                   "seed": draw(st.integers(0, 2 ** 63 - 1)), "tol": draw(st.floats(0, 1)),
                   "penalty": draw(st.sampled_from(["none", "l1", "l2"])), "lam": draw(st.floats(0, 1e6)),
                   "standardize": draw(st.booleans()), "test-fraction": draw(st.sampled_from([0.0, 0.25])),
                   "degree": draw(st.integers(1, 6)) if d == 2 else 1}
        if any(p.name == "lr" for p in OPTIMIZERS.get(optimizer).params):
            options["lr"] = draw(st.floats(1e-9, 1e9))
            options["schedule"] = draw(st.sampled_from(SCHEDULES.names()))
        if draw(st.booleans()):
            options["init"] = draw(st.lists(_FLOATS.filter(lambda v: abs(v) < 1e300),
                                            min_size=theta_length(d, options["degree"]),
                                            max_size=theta_length(d, options["degree"])))
        return config_from_options(options)

    d = draw(st.integers(1, 3))
    data = dataset(d)
    runs = tuple(RunSpec.make(f"run{i + 1}", config(d), draw(st.integers(0, 40)), draw(_LINE_TEXT), draw(st.booleans()))
                 for i in range(draw(st.integers(1, 3))))
    view = ViewOptions(threshold=draw(st.floats(0.001, 0.999)), shading=draw(st.booleans()),
                       landscape_axes=tuple(draw(st.lists(st.integers(0, 5), min_size=2, max_size=2, unique=True))))
    session = Session(data, None, runs, draw(st.sampled_from(runs)).id, view)
    recording = None
    if draw(st.booleans()):
        versions = tuple(dataset(d) for _ in range(draw(st.integers(0, 2))))
        recorded = []
        for spec in runs:
            if draw(st.booleans()):
                recorded.append(None)
                continue
            m = draw(st.integers(1, 5))
            k = theta_length(d, spec.config.degree)
            starts = sorted({0, *draw(st.lists(st.integers(1, max(1, m - 1)), max_size=2))} - ({m} if m == 1 else set()))
            segments = tuple((start, draw(st.sampled_from([None, *range(len(versions))])), spec.config)
                             for start in starts)
            rows = {"theta_original": np.array(draw(st.lists(_FLOATS, min_size=m * k, max_size=m * k))).reshape(m, k)}
            for name in ("loss", "grad_norm", "accuracy"):
                rows[name] = np.array(draw(st.lists(_FLOATS, min_size=m, max_size=m)))
            has_test = draw(st.booleans())
            for name in ("test_loss", "test_accuracy"):
                rows[name] = np.array(draw(st.lists(_FLOATS, min_size=m, max_size=m))) if has_test else np.full(m, np.nan)
            has_lr = draw(st.booleans())
            rows["lr"] = np.array(draw(st.lists(_FLOATS, min_size=m, max_size=m))) if has_lr else np.full(m, np.nan)
            recorded.append(RecordedRun(segments, rows))
        last = max((r.epochs for r in recorded if r is not None), default=0)
        recording = Recording(draw(st.integers(0, last)), versions, tuple(recorded))
    layout = draw(st.dictionaries(_LINE_TEXT, _LINE_TEXT | st.integers(), max_size=2))
    return session, recording, layout


@FUZZ
@given(written_sessions())
def test_a_written_session_reads_back_as_it_was(folder, written):
    from lrgui.core.session_file import write_session

    session, recording, layout = written
    path = folder / "written.lrgui.json"
    write_session(path, session, recording, layout)
    loaded = read_session(path)
    _check_session(loaded)
    s = loaded.session
    assert s.data.equals(session.data) and s.data.label_map == session.data.label_map
    assert [(r.name, r.color, r.muted, r.config.as_dict()) for r in s.runs] == \
           [(r.name, r.color, r.muted, r.config.as_dict()) for r in session.runs]
    assert s.view == session.view and loaded.layout == layout
    assert [r.id for r in s.runs].index(s.selected) == [r.id for r in session.runs].index(session.selected)
    if recording is None:
        assert loaded.recording is None
        return
    back = loaded.recording
    assert back.epoch == recording.epoch and len(back.data_versions) == len(recording.data_versions)
    assert all(a.equals(b) for a, b in zip(back.data_versions, recording.data_versions))
    for a, b in zip(back.runs, recording.runs):
        assert (a is None) == (b is None)
        if b is None:
            continue
        assert [(x, y, z.as_dict()) for x, y, z in a.segments] == [(x, y, z.as_dict()) for x, y, z in b.segments]
        for name, values in b.rows.items():
            np.testing.assert_array_equal(a.rows[name], values, err_msg=name)
