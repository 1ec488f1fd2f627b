"""The explorer's controller: the one place where gestures become changes.

Gestures that change what the user made (data, runs, settings, view options) become undoable
edits of the session model; the session's change events tell the training process what to train.
Playback (play, step, the timeline, speed) goes to the training process directly. Each frame, a
single-shot timer collects the training process's newest delta into the mirror, builds one
Snapshot and emits it; the timer is restarted at the end of the frame, so slow frames never pile
up.
"""

from __future__ import annotations

import json
import time
import weakref
from dataclasses import replace
from pathlib import Path
from typing import Callable

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from ..core.config import RunConfig
from ..core.dataset import Dataset
from ..core.errors import ConfigError, LrguiError
from ..core.examples import (COMPARED_OPTIMIZERS, EXAMPLES, IMBALANCE_REMEDIES, MULTICLASS_METHODS, SQUARED_DEMO_DATA,
                              SQUARED_DEMO_RUN, names_describing)
from ..core.code import script
from ..core.fileio import atomic_writer, write_text
from ..core.history import write_history_csv
from ..core.generators import generate
from ..core.optimizers import OPTIMIZERS
from ..core.problem import RowUse, row_use
from ..core.options import config_from_options, options_from_config
from ..core.race import Plan, RaceMirror, RunState
from ..core.session import DataOrigin, RunSpec, Session, describe, next_color, next_id
from ..core.session_file import (
    Recording,
    RecordedRun,
    looks_like_session,
    read_session,
)
from ..core.sweep import SweepGrid, parse_lr_range, parse_param
from ..core.table_io import read_table, write_table
from .analysis import AnalysisJobs
from .autosave import Autosaved, Autosaver
from .session_writer import ENDED, SessionWriter, frozen_copy
from .commands import PointEdit, SessionEdit, held_bytes
from .inspector import Inspector
from .scorer import Scorer
from .snapshot import RunView, Snapshot
from .sweeper import SweepJob
from .worker import TrainingClient

FRAME_MS = 16                       # aim: about 60 frames a second when drawing is quick
UNDO_BUDGET = 256 << 20             # the undo stack keeps whole data sets of at most this many bytes


def _unwritable(target: Path) -> str:
    """Why no file can be written at ``target`` as far as can be told without writing ("" when
    it may be: the writing itself says the rest)."""
    try:
        if target.is_dir():
            return "it is a folder"
        if not target.parent.is_dir():
            return f"there is no folder {target.parent}"
    except OSError:                            # (a name too long, …): left to the writing
        pass
    return ""


class Controller(QObject):
    frame = Signal(object)               # Snapshot, at most one per frame
    landscapeReady = Signal(object)      # LandscapeResult
    message = Signal(str)                # a passing remark for the status bar
    titleChanged = Signal()              # the session's name or its unsaved mark may have changed
    clickClassChanged = Signal(int)
    speedChanged = Signal(object)        # epochs per second, or None for as fast as possible
    sessionChanged = Signal(object)      # core.session.Change (for the panel and the runs table)
    trainerFault = Signal(str)           # the training process met an unexpected error (details)

    def __init__(self, session: Session | None = None, recording: Recording | None = None, parent=None,
                 autosave: bool = False):
        super().__init__(parent)
        self.session = session or Session.default()
        self.undo_stack = QUndoStack(self)
        self.writer = SessionWriter(self)                 # saves and autosaves, apart from the window
        self.autosaver = Autosaver(self) if autosave else None
        self.undo_stack.setUndoLimit(500)
        self.click_class = 0
        self.speed: float | None = 30.0
        self.mirror = RaceMirror()
        self.analysis = AnalysisJobs()
        self.inspector = Inspector(lambda *message: self.client.send(*message))
        self.scorer = Scorer()
        self._rows_key: tuple | None = None
        self._rows: RowUse | None = None
        self.focus: int | None = None        # the data point taken apart in the equations
        self.sweep = SweepJob(self)
        self.latest: Snapshot | None = None
        self.inspecting = False
        self.playing = False
        self.notice = ""
        self.busy = False
        self.faults: list[str] = []
        self.started = False
        self.synced = 0                     # the last sync the training process answered
        self.drawn_sync = 0                 # … and the last one a frame has shown
        self._sync_sent = 0
        self._versions: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._datasets: dict[int, Dataset] = {}
        self._next_version = 0
        self._refit_version: int | None = None
        self._serial = 0
        self._dirty_frame = True
        self._move_before: Dataset | None = None
        self._pending_plans: dict | None = None
        self._records_in: dict = {}
        self.records: dict = {}             # run id → what a reopened session recorded for it
        self.layout: dict = {}              # the window layout of the session file opened last
        self.last_error = ""
        self._closed = False
        self._records_sync = 0              # the sync after which reproduced runs may be checked

        self.session.events.connect(self._on_change)
        self.undo_stack.cleanChanged.connect(self._on_clean_changed)    # a method: disconnected as we go
        self.client = self._start_client(recording)
        self._frame_timer = QTimer(self)
        self._frame_timer.setSingleShot(True)
        self._frame_timer.timeout.connect(self._on_frame)
        self._frame_timer.start(FRAME_MS)

    # -- the training process --------------------------------------------------------------------
    def _start_client(self, recording: Recording | None = None) -> TrainingClient:
        client = TrainingClient()
        self.client = client
        self._data_sent: tuple[int, Dataset] | None = None     # (version, data) sent to it last
        client.send("speed", self.speed)
        client.send("threshold", self.session.view.threshold)
        self._send_data()
        plans = None
        if recording is not None:
            plans, self.records = self._plans(self.session, recording)
            client.send("position", recording.epoch)
        client.send("runs", list(self.session.runs), plans)
        if recording is not None:
            self._records_sync = self.sync()
        return client

    def _version(self, data: Dataset) -> int:
        version = self._versions.get(data)
        if version is None:
            version = self._next_version
            self._next_version += 1
            self._versions[data] = version
        self._datasets[version] = data
        return version

    def _send_data(self) -> None:
        """The session's data to the training process: as one edit of the data sent last when
        they are that (``Dataset.edits_from``), else whole."""
        data, sent = self.session.data, self._data_sent
        version = self._version(data)
        edits = data.edits_from(sent[1]) if sent is not None else None
        if edits is None or len(edits) != 1:
            self.client.send("data", version, data)
        else:
            (kind, index), = edits
            point = None if kind == "remove" else data.X[index].copy()
            label = int(data.y[index]) if kind == "add" else None
            self.client.send("edit", version, sent[0], kind, index, point, label)
        self._data_sent = (version, data)

    @staticmethod
    def _plans(session: Session, recording: Recording) -> tuple[dict, dict]:
        """How the training process reproduces each recorded run of ``session``, and the records
        (by run id) to check the reproduction against."""
        plans, records = {}, {}
        for spec, recorded in zip(session.runs, recording.runs):
            if recorded is None:
                continue
            switches = [(start, session.data if index is None else recording.data_versions[index], config)
                        for start, index, config in recorded.segments]
            plans[spec.id] = Plan(switches, recorded.epochs)
            records[spec.id] = recorded
        return plans, records

    def _on_change(self, change) -> None:
        if "data" in change.fields:
            self._send_data()
            data = self.session.data
            if self.click_class >= data.click_classes:     # the class went with the data
                self.click_class = 0
                self.clickClassChanged.emit(0)
        if "runs" in change.fields:
            plans, self._pending_plans = self._pending_plans, None
            self.client.send("runs", list(self.session.runs), plans)
        if "view" in change.fields:
            self.client.send("threshold", self.session.view.threshold)
        if change.fields & {"path", "origin"}:
            self.titleChanged.emit()
        self._dirty_frame = True
        self.sessionChanged.emit(change)

    def _on_clean_changed(self, _clean: bool) -> None:
        self.titleChanged.emit()

    def _restart_client(self) -> None:
        """The training process ended unexpectedly: start a new one on the same session."""
        self.client.close(timeout=1.0)
        self.mirror = RaceMirror()
        self.inspector.forget()
        self.message.emit("The trainer stopped unexpectedly and was restarted: the runs start again "
                          "from epoch 0. Your data and settings are unchanged.")
        self._start_client()
        if self._sync_sent > self.synced:          # a script waits for an answer the old one owed
            self.client.send("sync", self._sync_sent)

    # -- frames --------------------------------------------------------------------------------------
    def _on_frame(self) -> None:
        started = time.perf_counter()
        try:
            self._frame_work()
        finally:                           # whatever went wrong, the next frame comes
            if not self._closed:
                spent = int(1000 * (time.perf_counter() - started))
                self._frame_timer.start(max(2, FRAME_MS - spent))

    def _frame_work(self) -> None:
        reports = []
        for message in self.client.poll():
            if message[0] == "delta":
                reports.append(message[1])
            elif message[0] == "record":
                self._records_in[message[1]] = message[2]
            elif message[0] == "anatomy":
                self.inspector.receive(message[1], message[2])
                self._dirty_frame = True
            elif message[0] == "fault":
                self.faults.append(message[1])
                self.message.emit("Internal error in the trainer; training paused.")
                self.trainerFault.emit(message[1])
        for report in reports:
            self.mirror.apply(report.delta)
            self.playing, self.notice, self.busy = report.playing, report.notice, report.busy
            self.synced = max(self.synced, report.sync)
        if reports:
            self.client.send("ack")
            self._dirty_frame = True
        if not self.client.alive and not self._closed:
            self._restart_client()
        if self.records and reports and not self.busy and self.synced >= self._records_sync:
            self._check_reproduction()
        if self._dirty_frame:
            self._dirty_frame = False
            self.latest = self.snapshot()
            self.frame.emit(self.latest)
            self.drawn_sync = self.synced
        landscape = self.analysis.poll(self.latest)
        if landscape is not None:
            self.inspector.set_landscape(landscape)
            self.landscapeReady.emit(landscape)
            self._dirty_frame = self._dirty_frame or self.inspector.wanted    # internals on the new grid
        self.inspector.wanted = self.inspecting or self.session.view.internals
        self.inspector.poll(self.latest)
        if self.scorer.poll(self.latest):
            self._dirty_frame = True

    def snapshot(self) -> Snapshot:
        """The picture of this moment (see Snapshot)."""
        self._serial += 1
        mirror, session = self.mirror, self.session
        data = self._datasets.get(mirror.data_version)
        if data is None or not self.mirror.runs:
            data = session.data                        # the trainer has not answered yet
        for version in [v for v in self._datasets if v < mirror.data_version]:
            del self._datasets[version]
        views = []
        converged = [(m.state.converged_at, i) for i, m in mirror.runs.items() if m.state.converged_at is not None]
        first = min(converged)[1] if converged else None
        for spec in session.runs:
            m = mirror.runs.get(spec.id)
            views.append(self._run_view(spec, m, spec.id == session.selected, spec.id == first))
        views = tuple(views)
        selected = next((v for v in views if v.selected), None)
        refit = self._refit_version is not None and self._refit_version == mirror.data_version
        if refit:
            self._refit_version = None
        self.started = self.started or mirror.end > 0
        inspector = self.inspector
        mine = selected is not None and inspector.run_id == selected.id
        focus = self.focus if self.focus is not None and self.focus < data.n else None
        return Snapshot(self._serial, data, session.view, views, selected, mirror.position, mirror.end,
                        self.playing, self.notice, self.busy, self.started, refit,
                        anatomy=inspector.anatomy if mine else None, anatomy_note=inspector.message,
                        internals=inspector.internals_for_run(selected), focus=focus,
                        scores=self.scorer.for_run(selected, data), rows=self._row_use(data, selected))

    def _row_use(self, data: Dataset, run) -> RowUse | None:
        """The selected run's use of each row (computed again only when the data or the settings
        that choose rows change)."""
        config = None if run is None else run.spec.config
        if config is None or (config.test_fraction == 0 and config.resample == "none"):
            return None                       # every row trains once: nothing to mark, nothing to work out
        key = (data, config.seed, config.test_fraction, config.resample)
        if key != self._rows_key:             # (data sets compare by identity)
            try:
                rows = row_use(data, config)
            except LrguiError:
                rows = None
            self._rows_key, self._rows = key, rows
        return self._rows

    def _run_view(self, spec: RunSpec, m, selected: bool, first: bool) -> RunView:
        if m is None or len(m.history) == 0:
            state = m.state if m is not None else RunState(notice="starting the trainer…")
            return RunView(spec, state, None, 0, 0, None, np.nan, np.nan, np.nan, np.nan, np.nan,
                           None if m is None else m.ghost, selected, False)
        h = m.history
        epoch = min(self.mirror.position, len(h) - 1)
        latest = epoch == m.state.last_epoch and np.isfinite(m.state.loss_now)    # on data changed since
        loss = m.state.loss_now if latest else h.at("loss", epoch)
        test_loss = m.state.test_loss_now if latest else h.at("test_loss", epoch)
        grad_norm = m.state.grad_norm_now if latest else h.at("grad_norm", epoch)
        return RunView(spec, m.state, h, len(h), epoch, h.at("theta_original", epoch), loss,
                       grad_norm, m.state.accuracy, test_loss,
                       m.state.test_accuracy, m.ghost, selected, first, m.cuts)

    def _check_reproduction(self) -> None:
        """Once a reopened session's runs are reproduced, compare them with what the file
        recorded, bit for bit, and say so if they differ."""
        for run_id, record in list(self.records.items()):
            m = self.mirror.runs.get(run_id)
            if m is None or m.state.catching_up:
                continue
            del self.records[run_id]
            n = record.epochs + 1
            theta = m.history.rows("theta_original", 0, n)
            if len(theta) < n or not np.array_equal(theta, record.rows["theta_original"]):
                name = self.session.run(run_id).label if run_id in {r.id for r in self.session.runs} else run_id
                bad = np.flatnonzero(np.any(theta != record.rows["theta_original"][:len(theta)], axis=1))
                where = f"from epoch {bad[0]}" if len(bad) else f"after epoch {len(theta) - 1}"
                self.message.emit(f"{name} did not reproduce its saved history exactly ({where}); "
                                  "the recomputed epochs are shown")

    def sync(self) -> int:
        """Ask the training process to answer once it has done everything sent so far (and no run
        is catching up); returns the number to wait for in ``drawn_sync`` (scripts and tests)."""
        self._sync_sent += 1
        self.client.send("sync", self._sync_sent)
        return self._sync_sent

    def redraw(self) -> None:
        """Ask for a new frame (after something the snapshot shows changed outside the session)."""
        self._dirty_frame = True

    # -- undoable edits ------------------------------------------------------------------------------
    def _edit(self, text: str, merge_key=None, refit: bool = False, **after) -> None:
        self._push(SessionEdit(self.session, text, after, merge_key, self._request_refit if refit else None))

    def _push(self, command) -> None:
        self.undo_stack.push(command)
        self._bound_undo()

    def _bound_undo(self) -> None:
        """Forget the oldest steps while the data sets the stack keeps whole exceed UNDO_BUDGET.

        QUndoStack cannot drop its oldest commands, so the newest ones are put on a fresh stack
        (right after a push nothing is undone, so they are all done and need no redo)."""
        stack = self.undo_stack
        held: dict[int, int] = {}
        keep = stack.count()
        while keep > 0:
            more = {**held, **held_bytes(stack.command(keep - 1))}
            if sum(more.values()) > UNDO_BUDGET and keep < stack.count():
                break
            held, keep = more, keep - 1
        if keep == 0 or stack.index() != stack.count():
            return
        was_clean = stack.isClean()
        kept = [stack.command(i).detached() for i in range(keep, stack.count())]
        stack.clear()
        for command in kept:
            stack.push(command)
        if was_clean:
            stack.setClean()
        self.message.emit(f"The oldest {keep} undo steps were forgotten to keep memory in bounds")

    def _request_refit(self) -> None:
        self._refit_version = self._version(self.session.data)

    def _runs_for(self, data: Dataset) -> tuple[RunSpec, ...]:
        """The runs, with a start θ that no longer fits the data's number of features dropped."""
        runs = []
        for r in self.session.runs:
            init = r.config.init
            if not isinstance(init, str) and data.d != self.session.data.d:
                r = r.with_config(init="zero")
            runs.append(r)
        return tuple(runs)

    def _set_data(self, data: Dataset, text: str, origin: DataOrigin | None = None, refit: bool = False,
                  **more) -> None:
        origin = origin or replace(self.session.origin, edited=True)
        after = {"data": data, "origin": origin, **more}
        runs = self._runs_for(data)
        if any(a is not b for a, b in zip(runs, self.session.runs)):
            after["runs"] = runs
        self.focus = None
        self._edit(text, refit=refit, **after)

    def _full_point(self, x: float, y: float, index: int | None = None) -> np.ndarray:
        """A point of the data's dimension from plane coordinates (x, y) on the plane's two
        features: the other features keep the moved point's values, or take the column means for
        a new point."""
        data = self.session.data
        if index is not None:
            point = data.X[index].copy()
        elif data.d <= 2:
            point = np.zeros(data.d)             # both coordinates are the plane's
        else:
            point = data.feature_means().copy()
        if data.d == 1:
            point[0] = x
        else:
            point[list(self.session.view.plane_for(data.d))] = (x, y)
        return point

    def _point_edit(self, text: str, kind: str, index: int, point, label: int, result: Dataset,
                    old=None) -> None:
        origin = replace(self.session.origin, edited=True)
        self._push(PointEdit(self.session, text, kind, index, point, label, result, {"origin": origin}, old))

    def add_point(self, x: float, y: float, label: int | None = None) -> None:
        label = self.click_class if label is None else int(label)
        data, point = self.session.data, self._full_point(x, y)
        try:
            result = data.with_point(point, label)
        except LrguiError as exc:
            self._refuse(f"Cannot add a class-{label} point: {exc}")
            return
        self._point_edit(f"Add a class-{label} point", "add", data.n, point, label, result)

    def remove_point(self, index: int) -> None:
        data = self.session.data
        if 0 <= index < data.n:
            if self.focus is not None:
                self.focus = None if self.focus == index else self.focus - (index < self.focus)
            self._point_edit("Remove a point", "remove", index, data.X[index], int(data.y[index]),
                             data.without_point(index))

    def begin_move(self, index: int) -> None:
        self._move_before = self.session.data

    def move_point(self, index: int, x: float, y: float) -> None:
        """Live while dragging: training follows; the undo stack waits for the release."""
        if self._move_before is None:
            self._move_before = self.session.data
        data = self.session.data
        if 0 <= index < data.n:
            self.session.update(data=data.with_point_moved(index, self._full_point(x, y, index)),
                                origin=replace(self.session.origin, edited=True))

    def end_move(self, index: int) -> None:
        before, self._move_before = self._move_before, None
        if before is None or before is self.session.data:
            return
        moved = self.session.data
        self.session.update(data=before)                  # the command puts it back as one step
        if before.n != moved.n or not 0 <= index < moved.n:
            self._set_data(moved, "Move a point")
            return
        self._point_edit("Move a point", "move", index, moved.X[index], int(moved.y[index]), moved,
                         old=before.X[index])

    def clear(self) -> None:
        data = self.session.data
        empty = Dataset(np.empty((0, data.d)), np.empty(0), data.feature_names, data.label_map)
        self._set_data(empty, "Clear all points")

    def generate(self, name: str, params: dict) -> bool:
        try:
            data = generate(name, **params)
        except LrguiError as exc:
            self.message.emit(f"Cannot generate: {exc}")
            return False
        self._set_data(data, f"Generate {name} data", DataOrigin.generator(name, params), refit=True,
                       view=replace(self.session.view, plane_axes=(0, 1)))
        return True

    def focus_point(self, index: int | None) -> None:
        """Take the data point ``index`` apart in the equations and mark it in every view (None,
        or the point already focused, lets go of it)."""
        data = self.session.data
        index = None if index is None or not 0 <= index < data.n or index == self.focus else int(index)
        self.focus = index
        self.redraw()

    def set_scoring(self, on: bool) -> None:
        """Whether a view shows the selected run's metrics (the metrics dock)."""
        self.scorer.wanted = bool(on)
        self.redraw()

    def set_inspecting(self, on: bool) -> None:
        """Whether a view shows the selected run's update taken apart (the equations dock)."""
        self.inspecting = bool(on)
        self.redraw()

    def new_data(self) -> bool:
        """The same generator with the next seed: new points of the same kind (one undoable
        step). Data from a file have no next draw: said so, nothing changes."""
        origin = self.session.origin
        if origin.kind != "generator":
            return self._refuse("New data come from a generator; these points came from a file")
        params = dict(origin.params)
        params["seed"] = int(params.get("seed", 0)) + 1
        return self.generate(origin.name, params)

    def set_click_class(self, label: int) -> bool:
        """Clicks add points of class ``label`` from now on: one of the data's classes, or for
        numbered data the next one (it joins with its first point). Refused with the reason
        otherwise, so that no class is left without points."""
        data = self.session.data
        offered = data.click_classes
        if label >= offered:
            if data.numbered:
                self._refuse(f"These data have {data.classes} classes: keys 0 to {offered - 1} pick one"
                             + (f" ({offered - 1} adds a new class)" if offered > data.classes else ""))
            else:
                self._refuse(f"These data have {data.classes} classes ({', '.join(data.class_names())}): "
                             f"keys 0 to {data.classes - 1} pick one")
            return False
        self.click_class = int(label)
        self.clickClassChanged.emit(self.click_class)
        return True

    # -- files ---------------------------------------------------------------------------------------
    def open_path(self, path) -> bool:
        """A session file or a data file, told apart by name and content."""
        return self.open_session(path) if looks_like_session(path) else self.open_data(path)

    def _refuse(self, why) -> bool:
        """Say why a file could not be used or written (nothing else changes); returns False."""
        self.last_error = str(why)
        self.message.emit(self.last_error)
        return False

    def open_data(self, path, data: Dataset | None = None, plane_axes: tuple[int, int] = (0, 1)) -> bool:
        """The data of the file ``path`` (read as they are, or ``data`` as the import dialog read
        them), the plane on the features ``plane_axes``; one undoable step."""
        if data is None:
            try:
                data = read_table(path)
            except LrguiError as exc:
                return self._refuse(exc)
        nothing_unsaved = self.undo_stack.isClean() and not self.session.path
        axes = tuple(int(a) for a in plane_axes)
        axes = axes if data.d >= 2 and axes[0] != axes[1] else (0, 1)
        view = replace(self.session.view, **self._plane_changes(axes))
        self._set_data(data, f"Open {Path(path).name}", DataOrigin.file(str(path)), refit=True, view=view)
        if nothing_unsaved:                 # the data are in their file: nothing of the user's is unsaved
            self.undo_stack.setClean()
        return True

    def open_session(self, path) -> bool:
        try:
            loaded = read_session(path)
        except LrguiError as exc:
            return self._refuse(exc)
        s = loaded.session
        if loaded.recording is not None:
            self._pending_plans, self.records = self._plans(s, loaded.recording)
            self.client.send("position", loaded.recording.epoch)
        self.layout = loaded.layout
        self._edit(f"Open {Path(path).name}", refit=True, data=s.data, origin=s.origin, runs=s.runs,
                   selected=s.selected, view=s.view, path=str(path))
        if self._pending_plans is not None:      # the runs equal the current ones: no change sent them
            plans, self._pending_plans = self._pending_plans, None
            self.client.send("runs", list(self.session.runs), plans)
        if loaded.recording is None:             # its runs start at epoch 0, nothing kept of the runs before
            self.client.send("reset", "opened")
        else:                                    # check the reproduction only once the plans are done
            self._records_sync = self.sync()
        self.undo_stack.setClean()
        return True

    def save_session(self, path, layout: dict | None = None, histories: bool = True,
                     done: Callable[[bool], None] | None = None) -> bool:
        """Write the session (and, with ``histories``, what every run recorded) to ``path``, in
        the writing process. It counts as saved from now on (edits made meanwhile do not); should
        the write fail, it is unsaved again and ``last_error`` says why. Without ``done``, waits
        and returns whether it was written; with it, returns at once and calls ``done(written)``
        once the write is over."""
        why = _unwritable(Path(path))
        if why:                                # said at once, before any writing
            return self._refuse(f"Cannot save {path}: {why}")
        recording = self.recording() if histories else None
        if histories and recording is None:
            self.message.emit("The trainer did not answer: the session was saved without histories.")
        path, before, outcome = str(path), self.session.path, []
        number = self.writer.write("save", path, frozen_copy(self.session, path), recording, layout,
                                   done=lambda why: outcome.append(self._saved(path, before, why, done)))
        if path != before:
            self.session.update(path=path)
        self.undo_stack.setClean()
        if done is not None:
            return True
        if not self.writer.wait(number):
            return self._refuse(f"{path} is still being written: it is not saved yet")
        return outcome == [True]

    def _saved(self, path: str, before: str, why: str, done: Callable[[bool], None] | None) -> bool:
        """A save to ``path`` is over (``why`` it failed, or ""): if it failed, the session is
        unsaved again, under its name ``before``. Tells ``done``; returns whether it was written."""
        if why:
            self._refuse(f"Cannot save {path}: the writing process ended" if why == ENDED else why)
            self.undo_stack.resetClean()
            if self.session.path == path != before:
                self.session.update(path=before)
            self.titleChanged.emit()
        else:
            if self.autosaver is not None:       # nothing unsaved: no older copy is left to offer back
                self.autosaver.save()
            self.message.emit(f"Saved the session to {path}")
        if done is not None:
            done(not why)
        return not why

    def open_example(self, name: str) -> bool:
        """Open a shipped example session (one undoable step); saving it asks for a file name, so
        the example itself is never written over."""
        example = EXAMPLES.get(name)
        if not self.open_session(example.path):
            return False
        self.session.update(path="")
        self.titleChanged.emit()
        self.message.emit(f"Example: {example.title}. {example.description}")
        return True

    def restore_autosave(self, left: Autosaved) -> bool:
        """Take back the session a window left when it did not close cleanly: it comes back with
        unsaved changes, under the name of the file it came from (never written to here)."""
        if not self.open_session(left.session_file):
            return False
        self.session.update(path=left.path)
        self.undo_stack.resetClean()            # unsaved until the user saves it
        self.titleChanged.emit()
        if self.autosaver is None or self.autosaver.save(wait=True):
            left.discard()
        self.message.emit(f"Restored the session autosaved at {left.when}: save it to keep it")
        return True

    def recording(self, timeout: float = 20.0) -> Recording | None:
        """What every run recorded, asked of the training process (waits up to ``timeout``)."""
        token = object()
        key = id(token)
        self._records_in = {}
        self.client.send("record", key)
        deadline = time.perf_counter() + timeout
        while key not in self._records_in and time.perf_counter() < deadline and self.client.alive:
            for message in self.client.poll():
                if message[0] == "record":
                    self._records_in[message[1]] = message[2]
                elif message[0] == "delta":
                    self.mirror.apply(message[1].delta)
                    self.client.send("ack")
                    self._dirty_frame = True
            time.sleep(0.002)
        reply = self._records_in.pop(key, None)
        if reply is None:
            return None
        versions: list[Dataset] = []
        runs = []
        for spec in self.session.runs:
            r = reply["runs"].get(spec.id)
            if r is None:
                runs.append(None)
                continue
            segments = []
            for start, data, config in r["segments"]:
                index = None
                if data is not None:
                    versions.append(data)
                    index = len(versions) - 1
                segments.append((start, index, config))
            runs.append(RecordedRun(tuple(segments), r["rows"]))
        return Recording(reply["position"], tuple(versions), tuple(runs))

    def export_data(self, path) -> bool:
        try:
            write_table(self.session.data, path)
        except (LrguiError, OSError) as exc:
            return self._refuse(f"Cannot save {path}: {getattr(exc, 'strerror', None) or exc}")
        self.message.emit(f"Saved {self.session.data.n} points to {path}")
        return True

    def _shown_run(self):
        """The selected run as the window shows it, or None with the reason said."""
        run = self.latest.selected if self.latest is not None else None
        if run is None or not run.trained:
            self._refuse("The selected run has no recorded epoch yet: train it first")
            return None
        return run

    def export_history(self, path) -> bool:
        """Write the selected run's history (epoch, θ in original units, loss, accuracy, ‖∇J‖,
        learning rate …) as CSV."""
        run = self._shown_run()
        if run is None:
            return False
        try:
            write_history_csv(run.history, path)
        except (LrguiError, OSError) as exc:
            return self._refuse(f"Cannot save {path}: {getattr(exc, 'strerror', None) or exc}")
        self.message.emit(f"Saved {len(run.history):,} epochs of {run.spec.label} to {path}")
        return True

    def export_theta(self, path) -> bool:
        """Write the selected run's θ at the epoch shown, in original units, as JSON."""
        run = self._shown_run()
        if run is None:
            return False
        record = {"run": run.spec.label, "optimizer": run.spec.config.optimizer, "epoch": int(run.epoch),
                  "theta_names": list(run.state.theta_names), "theta": [float(x) for x in run.theta],
                  "loss": float(run.loss)}
        try:
            with atomic_writer(path, "w") as fh:
                json.dump(record, fh, indent=2, allow_nan=False)
                fh.write("\n")
        except (ValueError, OSError) as exc:          # ValueError: a θ beyond floating point
            return self._refuse(f"Cannot save {path}: {getattr(exc, 'strerror', None) or exc}")
        self.message.emit(f"Saved θ of {run.spec.label} at epoch {run.epoch:,} to {path}")
        return True

    def run_script(self) -> str:
        """"Show the code": a plain numpy script that reproduces the selected run trained alone
        from its start. Raises LrguiError when the run cannot be trained on the data."""
        spec = self.session.selected_run
        return script(self.session.data, spec.config, f"{spec.label} ({self.title()})")

    def save_script(self, path) -> bool:
        try:
            write_text(path, self.run_script())
        except (LrguiError, OSError) as exc:
            return self._refuse(f"Cannot save {path}: {getattr(exc, 'strerror', None) or exc}")
        self.message.emit(f"Saved the script to {path}: run it with python")
        return True

    def title(self) -> str:
        """The session's name for the window title (without the unsaved mark)."""
        if self.session.path:
            return Path(self.session.path).name
        return self.session.origin.title()

    @property
    def dirty(self) -> bool:
        return not self.undo_stack.isClean()

    # -- runs ----------------------------------------------------------------------------------------
    def select_run(self, run_id: str) -> None:
        """Choosing the run the panel edits is not an edit: it is not undone."""
        if run_id != self.session.selected:
            self.session.update(selected=run_id)

    def _replace_run(self, spec: RunSpec, text: str, merge_key=None) -> None:
        runs = tuple(spec if r.id == spec.id else r for r in self.session.runs)
        self._edit(text, merge_key, runs=runs)

    def set_run_config(self, run_id: str | None = None, text: str | None = None, merge_key=None, **changes) -> bool:
        """Change settings of a run (the selected one by default). A bad value is refused with a
        message (and the panel shows the settings as they are)."""
        spec = self.session.run(run_id or self.session.selected)
        try:
            changed = spec.with_config(**changes)
        except LrguiError as exc:
            self.message.emit(str(exc))
            self.sessionChanged.emit(None)
            return False
        before, after = spec.config.as_dict(), changed.config.as_dict()
        if after == before:
            return True
        if spec.name in names_describing([k for k in after if after[k] != before[k]]):
            changed = replace(changed, name="")        # a race's name for a setting that is no more
        what = next(iter(changes))
        self._replace_run(changed, text or f"Change {what.replace('_', ' ')} of {spec.label}", merge_key)
        return True

    def set_hyper(self, name: str, value) -> bool:
        """A hyperparameter of the selected run: it takes effect at the next epoch."""
        spec = self.session.selected_run
        return self.set_run_config(spec.id, f"Set {name} of {spec.label}", (spec.id, name), hyper={name: value})

    def scale_learning_rate(self, factor: float) -> None:
        spec = self.session.selected_run
        if "lr" not in spec.config.hyper:
            self.message.emit(f"{OPTIMIZERS.get(spec.config.optimizer).label} has no learning rate")
            return
        param = next(p for p in OPTIMIZERS.get(spec.config.optimizer).params if p.name == "lr")
        lr = float(np.clip(spec.config.hyper["lr"] * factor, param.low, param.high))
        if self.set_hyper("lr", float(f"{lr:.6g}")):
            self.message.emit(f"Learning rate of {spec.label.split(' η')[0]}: η = {lr:.4g}")

    def cycle_optimizer(self, step: int) -> None:
        names = OPTIMIZERS.names()
        spec = self.session.selected_run
        name = names[(names.index(spec.config.optimizer) + step) % len(names)]
        if self.set_run_config(spec.id, f"Optimizer {name}", optimizer=name):
            self.message.emit(f"Optimizer: {OPTIMIZERS.get(name).label}")

    def set_start(self, theta_original) -> None:
        """Start the selected run from θ₀ given in original units."""
        spec = self.session.selected_run
        self.set_run_config(spec.id, f"Move the start point of {spec.label}", init=[float(v) for v in theta_original])

    def add_run(self, run_id: str | None = None) -> str:
        """A copy of a run (the selected one by default) with the next colour; it becomes selected."""
        runs = self.session.runs
        source = self.session.run(run_id or self.session.selected)
        new = RunSpec.make(next_id(runs), source.config, next_color(runs))
        self._edit(f"Add a run ({source.label})", runs=runs + (new,), selected=new.id)
        return new.id

    def remove_run(self, run_id: str) -> None:
        runs = self.session.runs
        if len(runs) == 1:
            self.message.emit("The last run cannot be removed: a session has at least one run")
            return
        spec = self.session.run(run_id)
        left = tuple(r for r in runs if r.id != run_id)
        # name the selection too, so that undo selects a removed selected run again
        selected = left[0].id if run_id == self.session.selected else self.session.selected
        self._edit(f"Remove {spec.label}", runs=left, selected=selected)

    def set_muted(self, run_id: str, muted: bool) -> None:
        spec = self.session.run(run_id)
        if spec.muted != muted:
            self._replace_run(replace(spec, muted=bool(muted)), f"{'Hide' if muted else 'Show'} {spec.label}")

    def rename_run(self, run_id: str, name: str) -> None:
        """A name of the user's; an empty one (or the one made from the settings) goes back to
        naming the run from its settings."""
        spec = self.session.run(run_id)
        name = name.strip()
        if name == describe(spec.config):
            name = ""
        if spec.name != name:
            self._replace_run(replace(spec, name=name), f"Rename {spec.label}")

    def _race(self, text: str, configs: list, names: tuple[str, ...] = (), **more) -> None:
        """A race of ``configs`` (named ``names``, or after their settings) in place of the runs
        (one undoable step, with the session changes ``more``), from their start points."""
        runs: tuple[RunSpec, ...] = ()
        for config, name in zip(configs, names or [""] * len(configs)):
            runs += (RunSpec.make(next_id(runs), config, next_color(runs), name),)
        self._edit(text, runs=runs, selected=runs[0].id, **more)
        self.client.send("reset")

    def squared_error_demo(self) -> None:
        """Race gradient descent on cross-entropy against the same run on squared error from a
        start where every point is confidently wrong (one undoable step), and play."""
        configs = [replace(SQUARED_DEMO_RUN, loss=loss).validate() for loss in ("cross-entropy", "squared")]
        self._race("Why not squared error?", configs, refit=True, data=generate("gaussian", **SQUARED_DEMO_DATA),
                   origin=DataOrigin.generator("gaussian", SQUARED_DEMO_DATA),
                   view=replace(self.session.view, compare_losses=True, log_loss=True, landscape_axes=(1, 2)))
        self.message.emit("Squared error starts on a plateau (σ′(z) ≈ 0 where points are confidently wrong); "
                          "cross-entropy does not")
        self.play(True)

    def compare_optimizers(self) -> None:
        """gd, momentum, adam and lbfgs at their default settings, on the selected run's model."""
        base = self.session.selected_run.config
        configs = [RunConfig.from_dict({**base.as_dict(), "optimizer": name, "hyper": {}})
                   for name in COMPARED_OPTIMIZERS]
        self._race("Compare optimizers", configs)

    def compare_remedies(self) -> None:
        """The selected run's model with no remedy for class imbalance, balanced class weights,
        random undersampling and random oversampling, side by side."""
        base = self.session.selected_run
        configs = [base.with_config(class_weight=weight, resample=how).config for _, weight, how in IMBALANCE_REMEDIES]
        self._race("Compare imbalance remedies", configs, names=tuple(name for name, _, _ in IMBALANCE_REMEDIES))
        counts = self.session.data.class_counts()
        if min(counts) and max(counts) < 1.5 * min(counts):
            self.message.emit(f"The classes are nearly balanced ({' : '.join(map(str, counts))}): the remedies will "
                              "differ little")

    def compare_multiclass(self) -> None:
        """The selected run's settings as K one-vs-rest models beside one softmax model."""
        base = self.session.selected_run
        configs = [base.with_config(multiclass=method).config for _, method in MULTICLASS_METHODS]
        self._race("Compare one-vs-rest and multinomial", configs, names=tuple(name for name, _ in MULTICLASS_METHODS))
        if self.session.data.classes <= 2:
            self.message.emit("These data have two classes: one-vs-rest and multinomial train the same model here; "
                              "generate or open data of three or more classes to see them differ")

    def compare_learning_rates(self) -> None:
        """The selected run's optimizer at η/10, η and 10η."""
        base = self.session.selected_run
        if "lr" not in base.config.hyper:
            self.message.emit(f"{OPTIMIZERS.get(base.config.optimizer).label} has no learning rate to compare")
            return
        param = next(p for p in OPTIMIZERS.get(base.config.optimizer).params if p.name == "lr")
        lr = base.config.hyper["lr"]
        rates = [float(np.clip(lr * f, param.low, param.high)) for f in (0.1, 1.0, 10.0)]
        self._race("Compare learning rates", [base.with_config(hyper={"lr": r}).config for r in rates])

    # -- sweeps ------------------------------------------------------------------------------------
    def start_sweep(self, lr_range: str, param: str = "", epochs: int | None = None) -> bool:
        """Sweep the selected run's settings over the learning rates "FROM:TO:COUNT" (and the
        values of ``param``, "NAME=V1,V2,…", if given), ``epochs`` each (default: the run's
        maximum), on the current data. False (with the reason in a message) if it cannot start."""
        spec = self.session.selected_run
        try:
            if "lr" not in spec.config.hyper:
                raise ConfigError(f"{OPTIMIZERS.get(spec.config.optimizer).label} has no learning rate to sweep")
            grid = SweepGrid(parse_lr_range(lr_range), *(parse_param(param) if param.strip() else (None, ())))
            base = self.sweep_base(grid.param, epochs)
            self.sweep.start(self.session.data, base, grid)
        except LrguiError as exc:
            self.message.emit(f"Sweep: {exc}")
            return False
        self.message.emit(f"Sweep of {len(grid)} configurations started")
        return True

    def sweep_base(self, param: str | None = None, epochs: int | None = None) -> dict:
        """The selected run's options that a sweep keeps fixed (all but lr, ``param`` and the
        epochs, when given)."""
        base = options_from_config(self.session.selected_run.config)
        for name in ("lr", param):
            base.pop(name, None)
        if epochs is not None:
            base["epochs"] = int(epochs)
        return base

    def sweep_is_current(self) -> bool:
        """Whether the last sweep is of the current data and the selected run's settings."""
        r = self.sweep.results
        return r is not None and r.made_for(self.session.data, self.sweep_base(r.grid.param, r.base.get("epochs")))

    def cancel_sweep(self) -> None:
        if self.sweep.running:
            self.sweep.cancel()
            done = 0 if self.sweep.results is None else self.sweep.results.done
            self.message.emit(f"Sweep cancelled: the {done} configurations finished are kept" if done
                              else "Sweep cancelled before any configuration finished")

    def add_sweep_run(self, index: int) -> str | None:
        """Add configuration ``index`` of the last sweep to the race as a new, selected run."""
        r = self.sweep.results
        if r is None or not 0 <= index < len(r.configurations):
            return None
        try:
            config = config_from_options(r.configurations[index])
        except LrguiError as exc:
            self.message.emit(f"Sweep: {exc}")
            return None
        runs = self.session.runs
        new = RunSpec.make(next_id(runs), config, next_color(runs))
        self._edit(f"Add a run from the sweep ({new.label})", runs=runs + (new,), selected=new.id)
        return new.id

    # -- view options ------------------------------------------------------------------------------
    def set_view(self, **changes) -> None:
        view = replace(self.session.view, **changes)
        if view != self.session.view:
            what = ", ".join(k.replace("_", " ") for k in changes)
            merge = ("view", tuple(sorted(changes)))
            self._edit(f"Change {what}", merge_key=merge, view=view)
            if "landscape_axes" in changes:
                self.analysis.reset_range()

    def set_plane_axes(self, axes: tuple[int, int]) -> None:
        """The plane's two features (one undoable step), the landscape following them."""
        self.set_view(**self._plane_changes(axes))

    def _plane_changes(self, axes: tuple[int, int]) -> dict:
        """The view changes that put the plane on the features ``axes``: the landscape follows to
        their weights (for a model of the features themselves), so both views speak of the same
        two features."""
        changes = {"plane_axes": tuple(axes)}
        if self.session.selected_run.config.degree == 1:
            changes["landscape_axes"] = (axes[0] + 1, axes[1] + 1)
        return changes

    # -- playback (not edits: not undone, not saved as changes) ----------------------------------------
    def play(self, on: bool = True) -> None:
        if on:
            self.started = True
        self.client.send("play", bool(on))

    def toggle_play(self) -> None:
        self.play(not self.playing)

    def step(self) -> None:
        self.started = True
        self.client.send("step")

    def step_back(self) -> None:
        self.client.send("back")

    def seek(self, epoch: int) -> None:
        self.client.send("seek", int(epoch))

    def seek_by(self, epochs: int) -> None:
        self.seek(max(0, self.mirror.position + epochs))

    def page(self) -> int:
        """How far PageUp and PageDown move along the timeline: a tenth of it (at least one)."""
        return max(1, self.mirror.end // 10)

    def reset(self) -> None:
        self.analysis.reset_range()
        self.client.send("reset")

    def set_speed(self, epochs_per_second: float | None) -> None:
        """Epochs per second, or None for as fast as possible."""
        self.speed = epochs_per_second
        self.speedChanged.emit(epochs_per_second)
        self.client.send("speed", epochs_per_second)

    # -- shutting down -------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop the frame timer, the training process and the analysis thread; wait for them."""
        if self._closed:
            return
        self._closed = True
        self._frame_timer.stop()
        if self.autosaver is not None:          # a clean exit: nothing is left to restore
            self.autosaver.stop()
            self.autosaver.remove()
        self.writer.close()
        self.client.close()
        self.analysis.shutdown()
        self.scorer.shutdown()
        self.sweep.shutdown()

    def threads_running(self) -> bool:
        return self.client.running
