"""The explorer's controller: the one place where gestures become changes.

It keeps the data (with an undo stack), the run configuration and the view options on the GUI
thread, forwards every change to the training worker, and turns the worker's snapshots into
frames: a single-shot timer, restarted at the end of each frame, takes the newest snapshot, so
slow frames never pile up.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QThread, QTimer, Signal
from PySide6.QtGui import QUndoStack

from ..core.config import RunConfig
from ..core.dataset import Dataset
from ..core.errors import LrguiError
from ..core.generators import generate
from ..core.optimizers import OPTIMIZERS
from ..core.table_io import read_table, write_table
from .commands import DataEdit
from .landscape_jobs import LandscapeJobs
from .snapshot import Snapshot
from .worker import TrainingWorker

FRAME_MS = 16          # aim: about 60 frames a second when drawing is quick


@dataclass(frozen=True)
class ViewOptions:
    shading: bool = True
    contours: bool = True
    misclassified: bool = True
    threshold: float = 0.5
    log_loss: bool = False
    landscape_axes: tuple[int, int] = (1, 2)


def default_config() -> RunConfig:
    """What the window starts with: plain gradient descent on standardised features, so the
    boundary settles within a few hundred epochs (θ is still shown in original units)."""
    return RunConfig(optimizer="gd", hyper={"lr": 0.5}, standardize=True, max_epochs=5000, tol=1e-6).validate()


class ExplorerController(QObject):
    frame = Signal(object)                 # Snapshot, newest first, at most one per frame
    landscapeReady = Signal(object)        # LandscapeResult
    dataReplaced = Signal(object, bool)    # Dataset, refit the view to it
    configChanged = Signal(object)         # RunConfig
    optionsChanged = Signal(object)        # ViewOptions
    clickClassChanged = Signal(int)
    speedChanged = Signal(object)          # epochs per second, or None for as fast as possible
    message = Signal(str)                  # a passing remark for the status bar
    pathChanged = Signal(str)              # the open file, "" for none
    _send = Signal(object)

    def __init__(self, data: Dataset | None = None, config: RunConfig | None = None, parent=None):
        super().__init__(parent)
        self.data = data if data is not None else generate("gaussian")
        self.config = config or default_config()
        self.options = ViewOptions()
        self.click_class = 0
        self.path = ""
        self.latest: Snapshot | None = None
        self.speed: float | None = 30.0
        self.undo_stack = QUndoStack(self)
        self._move_before: Dataset | None = None

        self._thread = QThread()
        self._thread.setObjectName("lrgui-training")
        self._worker = TrainingWorker(self.data, copy.deepcopy(self.config))
        self._worker.speed = self.speed
        self._worker.moveToThread(self._thread)
        self._thread.started.connect(self._worker.start)
        self._thread.finished.connect(self._worker.deleteLater)
        self._send.connect(self._worker.perform)
        self._thread.start()

        self._landscape = LandscapeJobs()
        self._frame_timer = QTimer(self)
        self._frame_timer.setSingleShot(True)
        self._frame_timer.setInterval(FRAME_MS)
        self._frame_timer.timeout.connect(self._on_frame)
        self._frame_timer.start()
        self._closed = False

    # -- frames -------------------------------------------------------------------------------------
    def _on_frame(self) -> None:
        started = time.perf_counter()
        snap = self._worker.take()
        if snap is not None:
            self.latest = snap
            self.frame.emit(snap)
        if self.latest is not None:
            result = self._landscape.poll(self.latest.run, self.options.landscape_axes)
            if result is not None:
                self.landscapeReady.emit(result)
        if not self._closed:
            spent_ms = int(1000 * (time.perf_counter() - started))
            self._frame_timer.start(max(2, FRAME_MS - spent_ms))

    def _do(self, work) -> None:
        """Run ``work(worker)`` in the training thread, after everything sent before."""
        self._send.emit(work)

    # -- playback -------------------------------------------------------------------------------------
    @property
    def playing(self) -> bool:
        return bool(self.latest and self.latest.playing)

    def play(self, on: bool = True) -> None:
        self._do(lambda w: w.play(on))

    def toggle_play(self) -> None:
        self.play(not self.playing)

    def step(self) -> None:
        self._do(lambda w: w.step())

    def step_back(self) -> None:
        self._do(lambda w: w.step_back())

    def reset(self) -> None:
        self._landscape.reset_range()
        self._do(lambda w: w.reset())

    def set_speed(self, epochs_per_second: float | None) -> None:
        """Epochs per second, or None for as fast as possible."""
        self.speed = epochs_per_second
        self.speedChanged.emit(epochs_per_second)
        self._do(lambda w: w.set_speed(epochs_per_second))

    def set_limits(self, max_epochs: int, tol: float) -> None:
        self.config.max_epochs, self.config.tol = int(max_epochs), float(tol)
        self._do(lambda w: w.set_limits(int(max_epochs), float(tol)))

    # -- model and optimizer ----------------------------------------------------------------------------
    def set_hyper(self, name: str, value) -> None:
        """Takes effect at the next epoch; the run goes on."""
        try:
            param = {p.name: p for p in OPTIMIZERS.get(self.config.optimizer).params}[name]
            value = param.validate(value)
        except (LrguiError, KeyError) as exc:
            self.message.emit(str(exc))
            return
        self.config.hyper[name] = value
        self._do(lambda w: w.set_hyper({name: value}))

    def set_config(self, **changes) -> None:
        """Change the model or the optimizer: the run restarts from its start point."""
        candidate = replace(self.config, **changes)
        if "optimizer" in changes and changes["optimizer"] != self.config.optimizer:
            candidate.hyper = {}
        try:
            candidate = RunConfig.from_dict(copy.deepcopy(candidate.as_dict()))
        except LrguiError as exc:
            self.message.emit(str(exc))
            self.configChanged.emit(self.config)
            return
        self.config = candidate
        self.configChanged.emit(self.config)
        self._landscape.reset_range()
        self._do(lambda w, c=copy.deepcopy(candidate): w.set_config(c))
        what = "optimizer" if "optimizer" in changes else "model"
        self.message.emit(f"The {what} changed: the run restarted from its start point.")

    def set_start(self, theta_original) -> None:
        """Start (and restart) from θ₀ given in original units."""
        self.set_config(init=[float(v) for v in theta_original])

    def set_options(self, **changes) -> None:
        self.options = replace(self.options, **changes)
        self.optionsChanged.emit(self.options)
        if "landscape_axes" in changes:
            self._landscape.reset_range()

    def set_click_class(self, label: int) -> None:
        self.click_class = int(label)
        self.clickClassChanged.emit(self.click_class)

    # -- data ---------------------------------------------------------------------------------------------
    def _install(self, data: Dataset, refit: bool = False) -> None:
        config = None
        if data.d != self.data.d and not isinstance(self.config.init, str):
            self.config.init = "zero"            # a θ₀ of the old length means nothing now
            self.configChanged.emit(self.config)
            config = copy.deepcopy(self.config)
        self.data = data
        self.dataReplaced.emit(data, refit)
        self._do(lambda w: w.set_data(data, config))

    def _edit(self, after: Dataset, text: str, refit: bool = False) -> None:
        self.undo_stack.push(DataEdit(self._install, self.data, after, text, refit))

    def _full_point(self, x: float, y: float, index: int | None = None) -> np.ndarray:
        """A point of the data's dimension from plane coordinates: the features not on the plane
        keep the moved point's values, or take the column means for a new point."""
        d = self.data.d
        if index is not None:
            point = self.data.X[index].copy()
        else:
            point = self.data.X.mean(axis=0) if self.data.n else np.zeros(d)
        point[:2] = (x, y)[: min(d, 2)]
        return point

    def add_point(self, x: float, y: float, label: int | None = None) -> None:
        label = self.click_class if label is None else label
        self._edit(self.data.with_point(self._full_point(x, y), label), f"Add a class-{label} point")

    def remove_point(self, index: int) -> None:
        if 0 <= index < self.data.n:
            self._edit(self.data.without_point(index), "Remove a point")

    def begin_move(self, index: int) -> None:
        self._move_before = self.data

    def move_point(self, index: int, x: float, y: float) -> None:
        """Live while dragging: training follows, the undo stack waits for the release."""
        if self._move_before is None:
            self._move_before = self.data
        self._install(self.data.with_point_moved(index, self._full_point(x, y, index)))

    def end_move(self, index: int) -> None:
        before, self._move_before = self._move_before, None
        if before is not None and not before.equals(self.data):
            self.undo_stack.push(DataEdit(self._install, before, self.data, "Move a point"))

    def clear(self) -> None:
        empty = Dataset(np.empty((0, self.data.d)), np.empty(0), self.data.feature_names, self.data.label_map)
        self._edit(empty, "Clear all points")

    def generate(self, name: str, params: dict) -> bool:
        try:
            data = generate(name, **params)
        except LrguiError as exc:
            self.message.emit(f"Cannot generate: {exc}")
            return False
        self._edit(data, f"Generate {name} data", refit=True)
        return True

    def open_file(self, path) -> bool:
        try:
            data = read_table(path)
        except LrguiError as exc:
            self.message.emit(str(exc))
            return False
        self._edit(data, f"Open {Path(path).name}", refit=True)
        self.path = str(path)
        self.pathChanged.emit(self.path)
        return True

    def save_file(self, path) -> bool:
        try:
            write_table(self.data, path)
        except OSError as exc:
            self.message.emit(f"Cannot save {path}: {exc.strerror or exc}")
            return False
        self.path = str(path)
        self.pathChanged.emit(self.path)
        self.message.emit(f"Saved {self.data.n} points to {path}")
        return True

    # -- shutting down ---------------------------------------------------------------------------------------
    def shutdown(self) -> None:
        """Stop the frame timer, the worker and the landscape thread; wait for both threads."""
        if self._closed:
            return
        self._closed = True
        self._frame_timer.stop()
        self._send.emit(lambda w: w.stop())     # stops playback, then ends the thread's loop
        self._thread.wait()
        self._landscape.shutdown()

    def threads_running(self) -> bool:
        return self._thread.isRunning()
