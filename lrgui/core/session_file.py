"""Session files: the session model as strict JSON (no NaN or Infinity), written atomically.

Top-level keys: ``format`` ("lrgui-session"), ``version``, ``data``, ``runs``, ``view``, ``layout``
and optionally ``histories``. A hand-written file may give only ``data`` and ``runs``; everything
else takes its default. A run's keys are the long option names of ``lrgui train`` (plus ``name``,
``color`` and ``muted``); data are values (``features``, ``classes``, ``X``, ``y``), a generator
(``{"generator": "gaussian", "params": {"seed": 3}}``) or a file beside the session
(``{"file": "scores.csv"}``). The ``histories`` hold what each run recorded, with the data and
settings each part of it was trained with, so that opening the file reproduces every epoch.

Reading is strict: only a regular file of at most ``MAX_FILE_BYTES`` (2 GiB), UTF-8 JSON without
NaN or Infinity, numbers within the range of floating point; every value of the right type
(numbers are JSON numbers, never text such as "1_000"; true and false are not numbers); every key
known. Anything else raises ``SessionFileError`` with one short line that starts with the file's
name (and for malformed JSON the line and column).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from .config import RunConfig
from .dataset import MAX_CLASSES, Dataset
from .errors import LrguiError
from .features import theta_length
from .fileio import MAX_FILE_BYTES, UnreadableFile, byte_position, read_head, read_limited, write_text
from .history import SCALARS
from .options import config_from_options, options_from_config
from .params import shown
from .session import DataOrigin, RunSpec, Session, ViewOptions, next_color, next_id

FORMAT = "lrgui-session"
VERSION = 2
SUFFIX = ".lrgui.json"


def _generator_params_v2(d: dict) -> dict:
    """Version 1 → 2: the generators' point noise is called ``spread`` (``noise`` now flips
    labels); make_classification's ``flip_y`` became the exact label noise ``noise``."""
    data = d.get("data")
    if not (isinstance(data, dict) and isinstance(data.get("params"), dict)):
        return d
    renames = {"moons": {"noise": "spread"}, "circles": {"noise": "spread"}, "exams": {"noise": "spread"},
               "xor": {"noise": "spread"}, "classification": {"flip_y": "noise"}}.get(data.get("generator"), {})
    params = {renames.get(k, k): v for k, v in data["params"].items()}
    return {**d, "data": {**data, "params": params}}


# Each older format version's step to the next one; a file is migrated step by step on reading.
MIGRATIONS: dict[int, Any] = {1: _generator_params_v2}
TOP_KEYS = ("format", "version", "data", "runs", "view", "layout", "histories")
DATA_KEYS = ("generator", "params", "edited", "source", "file", "label-column", "features", "classes", "X", "y")
HISTORY_KEYS = ("segments", "epochs", "theta", *SCALARS)
# Figures a run may lack (no test set; no learning rate for Newton or the scipy methods; files
# written before ``lr`` was recorded): left out when not finite throughout, NaN when read back.
OPTIONAL_SCALARS = ("test_loss", "test_accuracy", "lr")
MESSAGE_CHARS = 240                 # a reason in a message is cut to this many characters
_INT_DIGITS = 400                   # no number of a session is written with more characters
_LINE_BREAK = re.compile(r"[\n\r\x00]")         # what no name in a data file can hold
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class SessionFileError(LrguiError):
    """A session file cannot be read: the message names the file and the problem."""


@dataclass(frozen=True)
class RecordedRun:
    """What one run recorded: ``segments`` are (first epoch, index into the recording's data
    versions or None for the session's data, settings); ``rows`` maps "theta_original" to
    (epochs + 1, k) and each of SCALARS to (epochs + 1,) (test columns NaN without a test set)."""

    segments: tuple[tuple[int, int | None, RunConfig], ...]
    rows: dict

    @property
    def epochs(self) -> int:
        return len(self.rows["loss"]) - 1


@dataclass(frozen=True)
class Recording:
    """The recorded histories of a session: the timeline's ``epoch``, earlier data versions the
    runs were partly trained on, and one RecordedRun (or None) per run, in the session's order."""

    epoch: int
    data_versions: tuple[Dataset, ...]
    runs: tuple[RecordedRun | None, ...]


@dataclass(frozen=True)
class LoadedSession:
    session: Session
    recording: Recording | None
    layout: dict


# -- pieces -------------------------------------------------------------------------------------
def data_to_dict(data: Dataset, origin: DataOrigin | None = None) -> dict:
    out: dict[str, Any] = {}
    if origin is not None and origin.kind == "generator":
        out["generator"] = origin.name
        out["params"] = dict(origin.params)
        if origin.edited:
            out["edited"] = True
    elif origin is not None and origin.kind == "file":
        out["source"] = origin.name
    out["features"] = list(data.feature_names)
    out["classes"] = list(data.class_names())
    out["X"] = _Table(data.X)
    out["y"] = _Table(data.y.astype(int))
    return out


class _Table:
    """A table of numbers (n,) or (n, d) in a session's content: written by ``session_json``
    exactly as ``json.dumps(…, indent=1)`` writes its list, but a block of rows at a time through
    the C encoder: a million rows in about a second, where the indenting encoder takes four."""

    BLOCK = 16_384

    def __init__(self, values: np.ndarray):
        self.values = values

    def tolist(self) -> list:
        return self.values.tolist()

    def text(self, depth: int) -> str:
        """The list as indent=1 JSON whose opening bracket stands at nesting ``depth``."""
        a = self.values
        if a.size == 0:
            return json.dumps(a.tolist())
        item = "\n" + " " * (depth + 1)              # where an entry of the list starts
        number = item + " "                           # where a number of a row starts
        blocks = []
        for start in range(0, len(a), self.BLOCK):
            part = a[start:start + self.BLOCK]
            cells = json.dumps(part.ravel().tolist(), allow_nan=False)[1:-1].split(", ")
            if a.ndim == 2:
                d = a.shape[1]
                cells = ["[" + number + ("," + number).join(row) + item + "]"
                         for row in zip(*(cells[j::d] for j in range(d)))]
            blocks.append(("," + item).join(cells))
        return "[" + item + ("," + item).join(blocks) + "\n" + " " * depth + "]"


def _kind(value: Any) -> str:
    """What a JSON value is, in words: "text", "true or false", "a list", ..."""
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "null" if value is None else type(value).__name__


def _text(value: Any, where: str) -> str:
    """``value`` if it is text, else SessionFileError naming ``where``."""
    if not isinstance(value, str):
        raise SessionFileError(f"{where} must be text, not {_kind(value)}")
    return value


def _flag(value: Any, where: str) -> bool:
    """``value`` if it is true or false, else SessionFileError naming ``where``."""
    if not isinstance(value, bool):
        raise SessionFileError(f"{where} must be true or false, not {shown(value)}")
    return value


def _names(value: Any, where: str) -> tuple[str, ...]:
    """A list of texts without line breaks (or NUL characters), as names in a data file are."""
    if not isinstance(value, list):
        raise SessionFileError(f"{where} must be a list of texts, not {_kind(value)}")
    for item in value:
        if _LINE_BREAK.search(_text(item, f"{where}: every name")):
            raise SessionFileError(f"{where}: a name holds a line break")
    return tuple(value)


def _table(value: Any, where: str, min_width: int = 1) -> np.ndarray:
    """A list of rows of JSON numbers, all of one length ≥ ``min_width``, as float64 (n, width)."""
    if not isinstance(value, list):
        raise SessionFileError(f"{where} must be a list of rows of numbers, not {_kind(value)}")
    kinds: set = set()
    widths: set = set()
    for row in value:
        if not isinstance(row, list):
            raise SessionFileError(f"{where}: every row must be a list of numbers, not {_kind(row)}")
        widths.add(len(row))
        kinds.update(map(type, row))
    for kind in kinds - {int, float}:
        example = next(v for row in value for v in row if type(v) is kind)
        raise SessionFileError(f"{where} holds {_kind(example)} where numbers belong")
    if len(widths) > 1:
        raise SessionFileError(f"{where}: the rows have different lengths ({min(widths)} and {max(widths)})")
    if not value:
        return np.empty((0, 0))
    if widths.pop() < min_width:
        raise SessionFileError(f"{where}: every row needs at least {min_width} number(s)")
    try:
        return np.array(value, dtype=np.float64).reshape(len(value), -1)
    except OverflowError:
        raise SessionFileError(f"{where} holds a number beyond the range of floating point") from None


def _numbers(value: Any, where: str) -> np.ndarray:
    """A list of JSON numbers as float64 (m,)."""
    if not isinstance(value, list) or any(type(v) not in (int, float) for v in value):
        raise SessionFileError(f"{where} must be a list of numbers")
    try:
        return np.array(value, dtype=np.float64)
    except OverflowError:
        raise SessionFileError(f"{where} holds a number beyond the range of floating point") from None


def _label_texts(value: Any, where: str) -> list[str]:
    """Two to MAX_CLASSES different label texts that a data file can hold: not empty, without
    spaces around them or line breaks."""
    classes = list(_names(value, where))
    if not 2 <= len(classes) <= MAX_CLASSES or len(set(classes)) != len(classes):
        raise SessionFileError(f"{where} must name two to {MAX_CLASSES} different classes")
    for c in classes:
        if c == "" or c != c.strip(" \t"):
            raise SessionFileError(f"{where}: a class name is text without spaces around it, not {shown(c)}")
    return classes


def _params(value: Any, where: str) -> dict:
    """Generator parameters: an object of numbers, texts and true/false."""
    if not isinstance(value, dict):
        raise SessionFileError(f"{where} must be an object, not {_kind(value)}")
    for key, item in value.items():
        if not isinstance(item, (int, float, str)):        # bool is an int
            raise SessionFileError(f"{where}: {shown(key)} must be a number, text or true/false, not {_kind(item)}")
    return dict(value)


def data_from_dict(d: dict, base: Path | None, where: str = "data") -> tuple[Dataset, DataOrigin]:
    """The data of a session (or of a recorded data version) and where they came from; raises
    SessionFileError naming ``where``."""
    try:
        return _data_from_dict(d, base, where)
    except SessionFileError:
        raise
    except LrguiError as exc:
        raise SessionFileError(f"{where}: {exc}") from None


def _data_from_dict(d: dict, base: Path | None, where: str) -> tuple[Dataset, DataOrigin]:
    from .generators import generate
    from .table_io import read_table

    if not isinstance(d, dict):
        raise SessionFileError(f"{where} must be an object, not {_kind(d)}")
    unknown = sorted(set(d) - set(DATA_KEYS))
    if unknown:
        raise SessionFileError(f"{where} has no key {shown(unknown[0])} (it has: {', '.join(DATA_KEYS)})")
    edited = _flag(d.get("edited", False), f"{where}: edited")
    if "X" in d:
        X = _table(d["X"], f"{where}: X")
        y = _numbers(d.get("y", []), f"{where}: y")
        names = _names(d.get("features", []), f"{where}: features")
        classes = _label_texts(d.get("classes", ["0", "1"]), f"{where}: classes")
        if X.size == 0:                             # no points: as many columns as names (two without)
            X = X.reshape(0, len(names) or 2)
        data = Dataset(X, y, names, {name: c for c, name in enumerate(classes)})
        if "generator" in d:
            params = _params(d.get("params", {}), f"{where}: params")
            origin = DataOrigin("generator", _text(d["generator"], f"{where}: generator"),
                                tuple(sorted(params.items())), edited)
        elif "source" in d:
            origin = DataOrigin("file", _text(d["source"], f"{where}: source"), (), edited)
        else:
            origin = DataOrigin("file", "points", (), True)
        return data, origin
    if "generator" in d:
        name = _text(d["generator"], f"{where}: generator")
        params = _params(d.get("params", {}), f"{where}: params")
        return generate(name, **params), DataOrigin.generator(name, params)
    if "file" in d:
        name = _text(d["file"], f"{where}: file")
        path = Path(name)
        if not path.is_absolute() and base is not None:
            path = base / path
        return read_table(path, d.get("label-column"), max_classes=MAX_CLASSES), DataOrigin.file(str(path))
    raise SessionFileError(f"{where} needs values (X and y), a generator or a file")


def run_to_dict(spec: RunSpec) -> dict:
    out: dict[str, Any] = {}
    if spec.name:
        out["name"] = spec.name
    out["color"] = spec.color
    if spec.muted:
        out["muted"] = True
    out.update(options_from_config(spec.config))
    return out


def _config(settings: dict, where: str) -> RunConfig:
    """The run settings ``settings`` (option names as keys) as a validated RunConfig. A text value
    with a part (between commas) longer than ``_INT_DIGITS`` characters is refused first: no
    setting is written so long, and checking such text as a number would take very long."""
    for key, value in settings.items():
        if isinstance(value, str) and any(len(part) > _INT_DIGITS for part in value.split(",")):
            raise SessionFileError(f"{where}: {shown(key)} holds a text of {len(value):,} characters, "
                                   "longer than any setting")
    try:
        return config_from_options(settings)
    except LrguiError as exc:
        raise SessionFileError(f"{where}: {exc}") from None


def run_from_dict(d: dict, runs: tuple[RunSpec, ...], where: str) -> RunSpec:
    if not isinstance(d, dict):
        raise SessionFileError(f"{where} must be an object of settings")
    d = dict(d)
    name = _text(d.pop("name", ""), f"{where}: name")
    color = d.pop("color", None)
    muted = _flag(d.pop("muted", False), f"{where}: muted")
    d.pop("id", None)
    config = _config(d, where)
    if color is None:
        color = next_color(runs)
    if isinstance(color, bool) or not isinstance(color, int) or color < 0:
        raise SessionFileError(f"{where}: color must be a palette number ≥ 0, not {shown(color)}")
    return RunSpec.make(next_id(runs), config, color, name, muted)


_VIEW_KEYS = {f.name.replace("_", "-"): f.name for f in fields(ViewOptions)}


def view_to_dict(view: ViewOptions, selected: int) -> dict:
    out = {key: getattr(view, name) for key, name in _VIEW_KEYS.items()}
    out["landscape-axes"] = list(view.landscape_axes)
    out["plane-axes"] = list(view.plane_axes)
    out["selected"] = selected
    return out


def view_from_dict(d: dict) -> tuple[ViewOptions, int]:
    if not isinstance(d, dict):
        raise SessionFileError("view must be an object")
    d = {k.replace("_", "-"): v for k, v in d.items()}
    selected = d.pop("selected", 0)
    unknown = set(d) - set(_VIEW_KEYS)
    if unknown:
        raise SessionFileError(f"view has no option {shown(sorted(unknown)[0])} (it has: {', '.join(_VIEW_KEYS)})")
    values = {_VIEW_KEYS[k]: v for k, v in d.items()}
    for name, what in (("landscape_axes", "coordinates of θ"), ("plane_axes", "feature columns")):
        if name in values:
            axes = values[name]
            if (not isinstance(axes, (list, tuple)) or len(axes) != 2
                    or not all(isinstance(a, int) and not isinstance(a, bool) and a >= 0 for a in axes)
                    or axes[0] == axes[1]):
                raise SessionFileError(f"view: {name.replace('_', '-')} must be two different {what}, "
                                       f"not {shown(axes)}")
            values[name] = tuple(axes)
    threshold = values.get("threshold", 0.5)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold < 1:
        raise SessionFileError(f"view: threshold must lie strictly between 0 and 1, not {shown(threshold)}")
    for name, value in values.items():
        if name not in ("landscape_axes", "plane_axes", "threshold") and not isinstance(value, bool):
            raise SessionFileError(f"view: {name.replace('_', '-')} must be true or false, not {shown(value)}")
    if not isinstance(selected, int) or isinstance(selected, bool):
        raise SessionFileError(f"view: selected must be a run number, not {shown(selected)}")
    return ViewOptions(**values), selected


# -- histories ----------------------------------------------------------------------------------
def _floats(values) -> list:
    return np.asarray(values, dtype=np.float64).tolist()


def recording_to_dict(recording: Recording) -> dict:
    runs = []
    for run in recording.runs:
        if run is None:
            runs.append(None)
            continue
        entry: dict[str, Any] = {
            "segments": [{"from": start, "data": "session" if data is None else data,
                          "settings": options_from_config(config)} for start, data, config in run.segments],
            "epochs": run.epochs,
            "theta": _floats(run.rows["theta_original"]),
        }
        for name in SCALARS:
            if name in OPTIONAL_SCALARS and name not in run.rows:
                continue
            values = np.asarray(run.rows[name], dtype=np.float64)
            if name in OPTIONAL_SCALARS and not np.isfinite(values).all():
                continue
            entry[name] = _floats(values)
        runs.append(entry)
    return {"epoch": int(recording.epoch), "data": [data_to_dict(d) for d in recording.data_versions],
            "runs": runs}


def recording_from_dict(d: dict, n_runs: int, data: Dataset | None = None) -> Recording:
    """The recorded histories of a session with ``n_runs`` runs on ``data`` (the session's data,
    which fixes how many numbers θ has per epoch; None skips that check)."""
    if not isinstance(d, dict):
        raise SessionFileError(f"histories must be an object, not {_kind(d)}")
    unknown = sorted(set(d) - {"epoch", "data", "runs"})
    if unknown:
        raise SessionFileError(f"histories have no key {shown(unknown[0])} (they have: epoch, data, runs)")
    listed = d.get("data", [])
    if not isinstance(listed, list):
        raise SessionFileError(f"histories: 'data' must be a list of data versions, not {_kind(listed)}")
    versions = tuple(data_from_dict(v, None, f"histories: data version {i + 1}")[0] for i, v in enumerate(listed))
    entries = d.get("runs", [])
    if not isinstance(entries, list) or len(entries) > n_runs:
        raise SessionFileError("histories: 'runs' must list at most one history per run")
    runs = []
    for i, entry in enumerate(entries):
        runs.append(None if entry is None else _recorded_run(entry, versions, data, f"histories of run {i + 1}"))
    runs += [None] * (n_runs - len(runs))
    last = max((r.epochs for r in runs if r is not None), default=0)
    epoch = d.get("epoch", last)
    if isinstance(epoch, bool) or not isinstance(epoch, int) or not 0 <= epoch <= last:
        raise SessionFileError(f"histories: epoch must be a whole number from 0 to {last}, not {shown(epoch)}")
    return Recording(epoch, versions, tuple(runs))


def _segments(value: Any, versions: tuple[Dataset, ...], where: str) -> list[tuple[int, int | None, RunConfig]]:
    """(first epoch, data version or None, settings) of each segment: first epochs rise from 0."""
    if not isinstance(value, list) or not value:
        raise SessionFileError(f"{where}: 'segments' must be a list of at least one segment")
    segments: list[tuple[int, int | None, RunConfig]] = []
    for s in value:
        if not isinstance(s, dict) or not {"from", "settings"} <= set(s) or set(s) - {"from", "data", "settings"}:
            raise SessionFileError(f"{where}: a segment is an object of 'from', 'data' and 'settings'")
        start, data = s["from"], s.get("data", "session")
        first = segments[-1][0] + 1 if segments else 0
        if isinstance(start, bool) or not isinstance(start, int) or start < first or (not segments and start):
            raise SessionFileError(f"{where}: segments start at epoch 0 and then later, "
                                   f"not at {shown(start)}")
        if data != "session" and (isinstance(data, bool) or not isinstance(data, int)
                                  or not 0 <= data < len(versions)):
            raise SessionFileError(f"{where}: a segment refers to data version {shown(data)}, which is not in the file")
        if not isinstance(s["settings"], dict):
            raise SessionFileError(f"{where}: a segment's settings must be an object, not {_kind(s['settings'])}")
        config = _config(s["settings"], where)
        segments.append((start, None if data == "session" else data, config))
    return segments


def _recorded_run(entry: Any, versions: tuple[Dataset, ...], data: Dataset | None, where: str) -> RecordedRun:
    """One run's recorded segments and rows: θ (m, k) finite, each scalar column (m,)."""
    if not isinstance(entry, dict):
        raise SessionFileError(f"{where} must be an object, not {_kind(entry)}")
    unknown = sorted(set(entry) - set(HISTORY_KEYS))
    if unknown:
        raise SessionFileError(f"{where} have no key {shown(unknown[0])} (they have: {', '.join(HISTORY_KEYS)})")
    if "segments" not in entry or "theta" not in entry:
        raise SessionFileError(f"{where} need 'segments' and 'theta'")
    segments = _segments(entry["segments"], versions, where)
    theta = _table(entry["theta"], f"{where}: theta", min_width=2)
    m, k = theta.shape
    if m == 0:
        raise SessionFileError(f"{where}: 'theta' needs at least the row of epoch 0")
    if segments[-1][0] > m - 1:
        raise SessionFileError(f"{where}: a segment starts at epoch {segments[-1][0]}, after the last recorded one")
    for _, version, config in segments:
        used = data if version is None else versions[version]
        if used is not None and theta_length(used.d, config.degree, used.classes) != k:
            raise SessionFileError(f"{where}: θ has {k} numbers per epoch, where the data and settings "
                                   f"give {theta_length(used.d, config.degree, used.classes)}")
    epochs = entry.get("epochs", m - 1)
    if isinstance(epochs, bool) or epochs != m - 1:
        raise SessionFileError(f"{where}: 'epochs' is {shown(epochs)} but 'theta' has {m} rows (epochs 0 to {m - 1})")
    rows = {"theta_original": theta}
    for name in SCALARS:
        rows[name] = _numbers(entry[name], f"{where}: {name}") if name in entry else np.full(m, np.nan)
        if len(rows[name]) != m:
            raise SessionFileError(f"{where}: '{name}' has {len(rows[name])} rows where 'theta' has {m}")
    return RecordedRun(tuple(segments), rows)


# -- the whole file -----------------------------------------------------------------------------
def session_to_dict(session: Session, recording: Recording | None = None, layout: dict | None = None) -> dict:
    selected = [r.id for r in session.runs].index(session.selected)
    out = {
        "format": FORMAT,
        "version": VERSION,
        "data": data_to_dict(session.data, session.origin),
        "runs": [run_to_dict(r) for r in session.runs],
        "view": view_to_dict(session.view, selected),
        "layout": dict(layout or {}),
    }
    if recording is not None:
        out["histories"] = recording_to_dict(recording)
    return out


def migrate(d: dict) -> dict:
    """Bring a file of an older format version up to ``VERSION``; refuse a newer one."""
    version = d.get("version", VERSION)
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise SessionFileError(f"'version' must be a whole number ≥ 1, not {shown(version)}")
    if version > VERSION:
        raise SessionFileError(f"it was written by a newer lrgui (session format version {version}); "
                               f"this lrgui reads versions up to {VERSION}. The file is left as it is.")
    while version < VERSION:
        d = MIGRATIONS[version](d)
        version += 1
    return {**d, "version": VERSION}


def session_from_dict(d: Any, base: Path | None = None) -> LoadedSession:
    if not isinstance(d, dict):
        raise SessionFileError(f"a session file holds one JSON object, not {_kind(d)}")
    fmt = d.get("format", FORMAT)
    if fmt != FORMAT:
        raise SessionFileError(f"'format' is {shown(fmt)}, not {FORMAT!r}: this is not an lrgui session")
    d = migrate(d)
    unknown = set(d) - set(TOP_KEYS)
    if unknown:
        raise SessionFileError(f"unknown key {shown(sorted(unknown)[0])} (a session has: {', '.join(TOP_KEYS)})")
    if "data" not in d or "runs" not in d:
        raise SessionFileError("a session needs at least 'data' and 'runs'")
    data, origin = data_from_dict(d["data"], base)
    if not isinstance(d["runs"], list) or not d["runs"]:
        raise SessionFileError("'runs' must be a list of at least one run")
    runs: tuple[RunSpec, ...] = ()
    for i, entry in enumerate(d["runs"]):
        runs += (run_from_dict(entry, runs, f"run {i + 1}"),)
    view, selected = view_from_dict(d.get("view", {}))
    if not 0 <= selected < len(runs):
        raise SessionFileError(f"view: selected run {selected} does not exist (there are {len(runs)})")
    layout = d.get("layout", {})
    if not isinstance(layout, dict):
        raise SessionFileError("layout must be an object")
    recording = recording_from_dict(d["histories"], len(runs), data) if "histories" in d else None
    session = Session(data, origin, runs, runs[selected].id, view)
    return LoadedSession(session, recording, layout)


class _Refused(ValueError):
    """A JSON value that a session file cannot hold (NaN, 1e400, a number of 5,000 digits)."""


def _refuse_constant(name: str):
    """JSON's parse_constant: NaN, Infinity and -Infinity are not numbers a session can hold."""
    raise _Refused(f"{name} is not a JSON number")


def _finite_float(text: str) -> float:
    """JSON's parse_float: the number, refused beyond the range of floating point."""
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _Refused(f"the number {shown(text[:41])} is beyond the range of floating point")
    return value


def _bounded_int(text: str) -> int:
    """A JSON whole number, refused beyond the range of floating point (no setting and no value
    of a session can be that large)."""
    digits = len(text.lstrip("-"))
    if digits > _INT_DIGITS:
        raise _Refused(f"a whole number of {digits:,} digits is beyond the range of floating point")
    value = int(text)
    if digits > 300:
        try:
            float(value)
        except OverflowError:
            raise _Refused(f"a whole number of {digits:,} digits is beyond the range of floating point") from None
    return value


def _one_line(text: str, limit: int = MESSAGE_CHARS) -> str:
    """``text`` on one line, cut to ``limit`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _holds_lone_surrogate(value: Any) -> bool:
    """Whether a text anywhere in the JSON ``value`` holds half of a UTF-16 surrogate pair."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def parse_session_text(text: str) -> Any:
    """The JSON value of a session file's ``text``; SessionFileError (without the file's name)
    for anything a session file cannot hold."""
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=_finite_float, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        raise SessionFileError(f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})") from None
    except _Refused as exc:
        raise SessionFileError(str(exc)) from None
    except RecursionError:
        raise SessionFileError("the JSON is nested too deeply to be read") from None
    if _SURROGATE_ESCAPE.search(text) and _holds_lone_surrogate(value):
        raise SessionFileError("a text holds an unpaired UTF-16 surrogate (\\ud800-\\udfff), which is not a character")
    return value


def read_session(path) -> LoadedSession:
    """Read a session file; SessionFileError names the file and the problem in one short line."""
    path = Path(path)
    try:
        data = read_limited(path, MAX_FILE_BYTES)
    except UnreadableFile as exc:
        raise SessionFileError(f"{path}: {exc.reason}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        skip = 3 if data.startswith(b"\xef\xbb\xbf") else 0
        line, column = byte_position(data[skip:], exc.start)
        raise SessionFileError(f"{path}, line {line}, column {column}: not UTF-8 text "
                               f"(byte 0x{data[skip + exc.start]:02x})") from None
    del data
    try:
        loaded = session_from_dict(parse_session_text(text), path.parent)
    except LrguiError as exc:
        reason = _one_line(str(exc))
        raise SessionFileError(f"{path}{',' if reason.startswith('line ') else ':'} {reason}") from None
    loaded.session.path = str(path)
    return loaded


def session_json(session: Session, recording: Recording | None = None, layout: dict | None = None) -> str:
    return indented_json(session_to_dict(session, recording, layout))


def indented_json(content) -> str:
    """``json.dumps(content, indent=1)`` and a final newline, the _Tables in it written as their
    lists, a block of rows at a time."""
    tables: dict[str, tuple[_Table, int]] = {}      # mark → (table, its depth)
    content = _marked(content, 0, tables)
    try:
        text = json.dumps(content, allow_nan=False, ensure_ascii=False, indent=1, default=_Table.tolist) + "\n"
    except ValueError as exc:      # a non-finite number: refuse rather than write invalid JSON
        raise SessionFileError(f"the session holds a number JSON cannot represent ({exc})") from None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:     # a text that is no character: written as an escape, still JSON
        text = json.dumps(content, allow_nan=False, ensure_ascii=True, indent=1, default=_Table.tolist) + "\n"
    pieces, at = [], 0                 # the marks stand in the text in the order they were made
    for mark, (table, depth) in tables.items():
        found = text.index(mark, at)
        pieces += [text[at:found], table.text(depth)]
        at = found + len(mark)
    return "".join(pieces) + text[at:]


def _marked(value, depth: int, tables: dict):
    """``value`` with every _Table in it replaced by a text of its own, which ``tables`` maps
    (as JSON writes it) to the table and its nesting depth."""
    if isinstance(value, _Table):
        mark = f"\0table {len(tables)}\0"
        tables[json.dumps(mark)] = (value, depth)
        return mark
    if isinstance(value, dict):
        return {k: _marked(v, depth + 1, tables) for k, v in value.items()}
    if isinstance(value, list) and value and isinstance(value[0], (dict, list, _Table)):
        return [_marked(v, depth + 1, tables) for v in value]
    return value                   # a number, a text, or a list of them (any _Table left: default=)


def write_session(path, session: Session, recording: Recording | None = None, layout: dict | None = None) -> None:
    """Write atomically: the file is the old or the new session, whole, whatever happens."""
    write_text(path, session_json(session, recording, layout))


def looks_like_session(path) -> bool:
    """Whether ``path`` is a session file (by its name, or by a JSON object at its start)."""
    path = Path(path)
    if path.name.endswith(SUFFIX) or path.suffix.lower() == ".json":
        return True
    head = read_head(path, 64)          # b"" for a device or a pipe: never waited on
    return head.decode("utf-8-sig", errors="ignore").lstrip().startswith("{")
