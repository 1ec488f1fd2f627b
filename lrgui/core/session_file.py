"""Session files: the session model as strict JSON (no NaN or Infinity), written atomically.

Top-level keys: ``format`` ("lrgui-session"), ``version``, ``data``, ``runs``, ``view``, ``layout``
and optionally ``histories``. A hand-written file may give only ``data`` and ``runs``; everything
else takes its default. A run's keys are the long option names of ``lrgui train`` (plus ``name``,
``color`` and ``muted``); data are values (``features``, ``classes``, ``X``, ``y``), a generator
(``{"generator": "gaussian", "params": {"seed": 3}}``) or a file beside the session
(``{"file": "scores.csv"}``). The ``histories`` hold what each run recorded, with the data and
settings each part of it was trained with, so that opening the file reproduces every epoch.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from .config import RunConfig
from .dataset import Dataset
from .errors import LrguiError
from .fileio import write_text
from .history import SCALARS
from .options import config_from_options, options_from_config
from .session import DataOrigin, RunSpec, Session, ViewOptions, next_color, next_id

FORMAT = "lrgui-session"
VERSION = 1
SUFFIX = ".lrgui.json"
# Each older format version's step to the next one; a file is migrated step by step on reading.
MIGRATIONS: dict[int, Any] = {}
TOP_KEYS = ("format", "version", "data", "runs", "view", "layout", "histories")


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
    out["X"] = data.X.tolist()
    out["y"] = data.y.astype(int).tolist()
    return out


def data_from_dict(d: dict, base: Path | None, where: str = "data") -> tuple[Dataset, DataOrigin]:
    from .generators import generate
    from .table_io import read_table

    if not isinstance(d, dict):
        raise SessionFileError(f"{where} must be an object")
    if "X" in d:
        try:
            X = np.array(d["X"], dtype=np.float64)
            y = np.array(d.get("y", []), dtype=np.float64)
            names = tuple(str(n) for n in d.get("features", ()))
            classes = [str(c) for c in d.get("classes", ("0", "1"))]
        except (TypeError, ValueError) as exc:
            raise SessionFileError(f"{where}: the values are not a table of numbers ({exc})") from None
        if X.size == 0:
            X = X.reshape(0, max(len(names), 2))
        if len(classes) != 2 or classes[0] == classes[1]:
            raise SessionFileError(f"{where}: 'classes' must name two different classes")
        data = Dataset(X, y, names, {classes[0]: 0, classes[1]: 1})
        if "generator" in d:
            origin = DataOrigin("generator", str(d["generator"]), tuple(sorted(dict(d.get("params", {})).items())),
                                bool(d.get("edited", False)))
        elif "source" in d:
            origin = DataOrigin("file", str(d["source"]), (), bool(d.get("edited", False)))
        else:
            origin = DataOrigin("file", "points", (), True)
        return data, origin
    if "generator" in d:
        params = d.get("params", {})
        if not isinstance(params, dict):
            raise SessionFileError(f"{where}: 'params' must be an object")
        return generate(str(d["generator"]), **params), DataOrigin.generator(str(d["generator"]), params)
    if "file" in d:
        path = Path(str(d["file"]))
        if not path.is_absolute() and base is not None:
            path = base / path
        return read_table(path, d.get("label-column")), DataOrigin.file(str(path))
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


def run_from_dict(d: dict, runs: tuple[RunSpec, ...], where: str) -> RunSpec:
    if not isinstance(d, dict):
        raise SessionFileError(f"{where} must be an object of settings")
    d = dict(d)
    name = d.pop("name", "")
    color = d.pop("color", None)
    muted = d.pop("muted", False)
    d.pop("id", None)
    try:
        config = config_from_options(d)
    except LrguiError as exc:
        raise SessionFileError(f"{where}: {exc}") from None
    if color is None:
        color = next_color(runs)
    if isinstance(color, bool) or not isinstance(color, int) or color < 0:
        raise SessionFileError(f"{where}: color must be a palette number ≥ 0, not {color!r}")
    return RunSpec.make(next_id(runs), config, color, str(name), bool(muted))


_VIEW_KEYS = {f.name.replace("_", "-"): f.name for f in fields(ViewOptions)}


def view_to_dict(view: ViewOptions, selected: int) -> dict:
    out = {key: getattr(view, name) for key, name in _VIEW_KEYS.items()}
    out["landscape-axes"] = list(view.landscape_axes)
    out["selected"] = selected
    return out


def view_from_dict(d: dict) -> tuple[ViewOptions, int]:
    if not isinstance(d, dict):
        raise SessionFileError("view must be an object")
    d = {k.replace("_", "-"): v for k, v in d.items()}
    selected = d.pop("selected", 0)
    unknown = set(d) - set(_VIEW_KEYS)
    if unknown:
        raise SessionFileError(f"view has no option {sorted(unknown)[0]!r} (it has: {', '.join(_VIEW_KEYS)})")
    values = {_VIEW_KEYS[k]: v for k, v in d.items()}
    if "landscape_axes" in values:
        axes = values["landscape_axes"]
        if (not isinstance(axes, (list, tuple)) or len(axes) != 2
                or not all(isinstance(a, int) and not isinstance(a, bool) and a >= 0 for a in axes) or axes[0] == axes[1]):
            raise SessionFileError(f"view: landscape-axes must be two different coordinates of θ, not {axes!r}")
        values["landscape_axes"] = tuple(axes)
    threshold = values.get("threshold", 0.5)
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not 0 < threshold < 1:
        raise SessionFileError(f"view: threshold must lie strictly between 0 and 1, not {threshold!r}")
    for name, value in values.items():
        if name not in ("landscape_axes", "threshold") and not isinstance(value, bool):
            raise SessionFileError(f"view: {name.replace('_', '-')} must be true or false, not {value!r}")
    if not isinstance(selected, int) or isinstance(selected, bool):
        raise SessionFileError(f"view: selected must be a run number, not {selected!r}")
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
            values = np.asarray(run.rows[name], dtype=np.float64)
            if name.startswith("test_") and not np.isfinite(values).all():
                continue
            entry[name] = _floats(values)
        runs.append(entry)
    return {"epoch": int(recording.epoch), "data": [data_to_dict(d) for d in recording.data_versions],
            "runs": runs}


def recording_from_dict(d: dict, n_runs: int) -> Recording:
    if not isinstance(d, dict):
        raise SessionFileError("histories must be an object")
    versions = tuple(data_from_dict(v, None, f"histories: data version {i + 1}")[0]
                     for i, v in enumerate(d.get("data", [])))
    entries = d.get("runs", [])
    if not isinstance(entries, list) or len(entries) > n_runs:
        raise SessionFileError("histories: 'runs' must list at most one history per run")
    runs = []
    for i, entry in enumerate(entries):
        runs.append(None if entry is None else _recorded_run(entry, len(versions), f"histories of run {i + 1}"))
    runs += [None] * (n_runs - len(runs))
    epoch = d.get("epoch", max((r.epochs for r in runs if r is not None), default=0))
    if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
        raise SessionFileError(f"histories: epoch must be a whole number ≥ 0, not {epoch!r}")
    return Recording(epoch, versions, tuple(runs))


def _recorded_run(entry: dict, n_versions: int, where: str) -> RecordedRun:
    try:
        segments = []
        for s in entry["segments"]:
            data = s.get("data", "session")
            if data != "session" and (not isinstance(data, int) or not 0 <= data < n_versions):
                raise SessionFileError(f"{where}: a segment refers to data version {data!r}, which is not in the file")
            segments.append((int(s["from"]), None if data == "session" else data, config_from_options(s["settings"])))
        theta = np.array(entry["theta"], dtype=np.float64)
        rows = {"theta_original": theta}
        m = theta.shape[0]
        for name in SCALARS:
            rows[name] = np.array(entry[name], dtype=np.float64) if name in entry else np.full(m, np.nan)
            if len(rows[name]) != m:
                raise SessionFileError(f"{where}: '{name}' has {len(rows[name])} rows where 'theta' has {m}")
    except SessionFileError:
        raise
    except (KeyError, TypeError, ValueError, LrguiError) as exc:
        raise SessionFileError(f"{where} are malformed ({exc})") from None
    if not segments or segments[0][0] != 0 or theta.ndim != 2:
        raise SessionFileError(f"{where} are malformed (the first segment must start at epoch 0)")
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
        raise SessionFileError(f"'version' must be a whole number ≥ 1, not {version!r}")
    if version > VERSION:
        raise SessionFileError(f"it was written by a newer lrgui (session format version {version}); "
                               f"this lrgui reads versions up to {VERSION}. The file is left as it is.")
    while version < VERSION:
        d = MIGRATIONS[version](d)
        version += 1
    return {**d, "version": VERSION}


def session_from_dict(d: Any, base: Path | None = None) -> LoadedSession:
    if not isinstance(d, dict):
        raise SessionFileError("a session file holds one JSON object")
    fmt = d.get("format", FORMAT)
    if fmt != FORMAT:
        raise SessionFileError(f"'format' is {fmt!r}, not {FORMAT!r}: this is not an lrgui session")
    d = migrate(d)
    unknown = set(d) - set(TOP_KEYS)
    if unknown:
        raise SessionFileError(f"unknown key {sorted(unknown)[0]!r} (a session has: {', '.join(TOP_KEYS)})")
    if "data" not in d or "runs" not in d:
        raise SessionFileError("a session needs at least 'data' and 'runs'")
    try:
        data, origin = data_from_dict(d["data"], base)
    except SessionFileError:
        raise
    except LrguiError as exc:
        raise SessionFileError(f"data: {exc}") from None
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
    recording = recording_from_dict(d["histories"], len(runs)) if "histories" in d else None
    session = Session(data, origin, runs, runs[selected].id, view)
    return LoadedSession(session, recording, layout)


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def read_session(path) -> LoadedSession:
    """Read a session file; SessionFileError names the file and the problem."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise SessionFileError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SessionFileError(f"{path}: cannot be read ({exc})") from None
    try:
        d = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as exc:
        raise SessionFileError(f"{path}: not valid JSON ({exc})") from None
    try:
        loaded = session_from_dict(d, path.parent)
    except LrguiError as exc:
        raise SessionFileError(f"{path}: {exc}") from None
    loaded.session.path = str(path)
    return loaded


def session_json(session: Session, recording: Recording | None = None, layout: dict | None = None) -> str:
    try:
        return json.dumps(session_to_dict(session, recording, layout), allow_nan=False, ensure_ascii=False,
                          indent=1) + "\n"
    except ValueError as exc:      # a non-finite number: refuse rather than write invalid JSON
        raise SessionFileError(f"the session holds a number JSON cannot represent ({exc})") from None


def write_session(path, session: Session, recording: Recording | None = None, layout: dict | None = None) -> None:
    """Write atomically: the file is the old or the new session, whole, whatever happens."""
    write_text(path, session_json(session, recording, layout))


def looks_like_session(path) -> bool:
    """Whether ``path`` is a session file (by its name, or by a JSON object at its start)."""
    path = Path(path)
    if path.name.endswith(SUFFIX) or path.suffix.lower() == ".json":
        return True
    try:
        with open(path, "rb") as fh:
            head = fh.read(64).decode("utf-8-sig", errors="ignore").lstrip()
    except OSError:
        return False
    return head.startswith("{")
