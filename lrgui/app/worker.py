"""The training worker: owns the TrainingRun, steps it in its own thread, publishes snapshots.

The GUI never touches the run. It sends work as callables (``perform``), which run in the worker
thread between slices of training, in the order sent. After every slice or command the worker
stores a fresh Snapshot in a one-slot mailbox; the GUI's frame timer takes the latest one, so
frames that cannot be drawn in time are dropped, never queued.
"""

from __future__ import annotations

import threading
import time
import traceback

from PySide6.QtCore import QObject, QThread, QTimer, Slot

from ..core.config import RunConfig
from ..core.dataset import Dataset
from ..core.errors import LrguiError
from ..core.run import DIVERGED, MAX_EPOCHS, TrainingRun
from .snapshot import RunSnapshot, Snapshot

SLICE_SECONDS = 0.025   # longest stretch of training between two looks at the event queue
REST_MS = 6             # pause between slices when training as fast as possible


class TrainingWorker(QObject):
    """Lives in a QThread. ``speed`` is epochs per second, or None for as fast as possible."""

    def __init__(self, data: Dataset, config: RunConfig):
        super().__init__()
        self.data = data
        self.config = config
        self.run: TrainingRun | None = None
        self.playing = False
        self.speed: float | None = 30.0
        self.notice = ""
        self._timer: QTimer | None = None
        self._mail_lock = threading.Lock()
        self._mail: Snapshot | None = None
        self._serial = 0
        self._carry = 0.0
        self._last_tick = 0.0
        self.faults: list[Exception] = []

    # -- running in the worker thread -----------------------------------------------------------
    @Slot()
    def start(self) -> None:
        """Called once the thread runs: make the timer here so it belongs to this thread."""
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._tick)
        self._rebuild()
        self.publish()

    @Slot(object)
    def perform(self, work) -> None:
        """Run ``work(self)`` here; user errors become the notice, never an exception. Anything
        else is a fault of the program: it is printed, kept in ``faults`` and shown as a notice,
        and the window goes on."""
        try:
            work(self)
        except LrguiError as exc:
            self.notice = str(exc)
            self._set_playing(False)
        except Exception as exc:  # noqa: BLE001 — the window must survive its own bugs
            traceback.print_exc()
            self.faults.append(exc)
            self.notice = f"internal error: {exc!r}"
            self._set_playing(False)
        self.publish()

    def stop(self) -> None:
        """Stop playback and end this thread's event loop (sent last, by the controller)."""
        self._set_playing(False)
        QThread.currentThread().quit()

    # -- commands (called through perform) --------------------------------------------------------
    def _rebuild(self) -> None:
        """A new run on the current data and config, or none with the reason as notice."""
        reason = self.data.why_untrainable()
        self.run = None
        self.notice = reason or ""
        if reason is None:
            try:
                self.run = TrainingRun(self.data, RunConfig.from_dict(self.config.as_dict()))
            except LrguiError as exc:
                self.notice = str(exc)
        if self.run is None:
            self._set_playing(False)

    def set_data(self, data: Dataset, config: RunConfig | None = None) -> None:
        """Train on ``data`` from the next epoch; a ``config`` given replaces the current one."""
        self.data = data
        self.config = config or self.config
        reason = data.why_untrainable()
        if reason:
            self.notice = f"cannot train: {reason}"
            self._set_playing(False)
            return
        if self.run is None or self.run.data.d != data.d:
            self._rebuild()
            return
        self.run.set_data(data)
        self.notice = ""

    def set_config(self, config: RunConfig) -> None:
        """A new model or optimizer: restart from the configured start point."""
        self.config = config
        playing = self.playing
        self._rebuild()
        self._set_playing(playing and self.run is not None)

    def set_hyper(self, changes: dict) -> None:
        self.config.hyper.update(changes)
        if self.run is not None:
            self.run.set_hyper(**changes)

    def set_limits(self, max_epochs: int, tol: float) -> None:
        self.config.max_epochs, self.config.tol = max_epochs, tol
        if self.run is not None:
            self.run.set_max_epochs(max_epochs)
            self.run.set_tol(tol)

    def set_speed(self, speed: float | None) -> None:
        self.speed = speed
        if self.playing:
            self._set_playing(True)

    def _trainable(self) -> bool:
        """Whether the current data can be trained on; if not, the notice says why."""
        reason = self.data.why_untrainable()
        if reason:
            self.notice = f"cannot train: {reason}"
        elif self.run is None:
            self.notice = self.notice or "cannot train with these settings"
        return reason is None and self.run is not None

    def play(self, on: bool) -> None:
        if on and not self._trainable():
            on = False
        elif on and self.run.status == DIVERGED:
            self.notice = "the run diverged: press Reset (R) to start again, perhaps with a smaller learning rate"
            on = False
        elif on and self.run.status == MAX_EPOCHS:
            self.notice = "the maximum number of epochs is reached: raise it, or Reset"
            on = False
        elif on and self.run.finished:
            self.notice = f"{self.run.status}: {self.run.reason}"
            on = False
        elif on:
            self.notice = ""
        self._set_playing(on)

    def step(self) -> None:
        if not self._trainable():
            return
        self._set_playing(False)
        self.run.step(1, force=True)

    def step_back(self) -> None:
        if self.run is not None:
            self._set_playing(False)
            self.run.step_back()

    def reset(self) -> None:
        self._set_playing(False)
        self._rebuild()

    # -- playback ---------------------------------------------------------------------------------
    def _set_playing(self, on: bool) -> None:
        self.playing = on
        if self._timer is None:
            return
        if on:
            self._carry = 0.0
            self._last_tick = time.perf_counter()
            # Even at full speed, a short rest between slices leaves the interpreter and a core
            # to the window, so it keeps answering input.
            interval = REST_MS if self.speed is None else int(min(50, max(5, 500 / self.speed)))
            self._timer.start(interval)
        else:
            self._timer.stop()

    @Slot()
    def _tick(self) -> None:
        run = self.run
        if run is None or not self.playing:
            self._set_playing(False)
            return
        now = time.perf_counter()
        if self.speed is None:
            deadline = now + SLICE_SECONDS
            while not run.finished and time.perf_counter() < deadline:
                run.step(1)
                time.sleep(0)     # hand the GIL to the GUI thread if it waits (no convoy)
        else:
            due = self._carry + (now - self._last_tick) * self.speed
            epochs = int(due)
            self._carry = due - epochs
            started = time.perf_counter()
            for _ in range(epochs):
                if run.finished or time.perf_counter() - started > SLICE_SECONDS:
                    self._carry = 0.0     # drop what cannot be done in time instead of piling it up
                    break
                run.step(1)
                time.sleep(0)
        self._last_tick = now
        if run.finished:
            self._set_playing(False)
        self.publish()

    # -- mailbox ------------------------------------------------------------------------------------
    def publish(self) -> None:
        self._serial += 1
        # While the data cannot be trained on, the views show the data alone; the run waits.
        run = RunSnapshot.of(self.run) if self.run and not self.data.why_untrainable() else None
        snap = Snapshot(self._serial, self.data, run, self.playing, self.notice)
        with self._mail_lock:
            self._mail = snap

    def take(self) -> Snapshot | None:
        """The newest snapshot not taken yet, or None (called from the GUI thread)."""
        with self._mail_lock:
            snap, self._mail = self._mail, None
        return snap
