"""What the views draw: one picture of the data, the runs and the view options at one moment.

Built by the controller on the GUI thread once per frame, from the session (names, colours, view
options) and the mirror of the training process (histories and states). Histories are not copied:
a RunView holds the mirror's history and the number of rows valid for this frame (``rows``), so a
frame costs the same at epoch 100 and at epoch 100,000. Only the GUI thread builds and reads
snapshots.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.anatomy import Anatomy, SliceInternals
from ..core.dataset import Dataset
from ..core.history import History
from ..core.problem import RowUse
from ..core.race import RunState
from ..core.session import RUN_DASHES, RunSpec, ViewOptions

STATUS_TEXT = {"ready": "paused", "converged": "converged", "max_epochs": "stopped at the maximum epochs",
               "diverged": "diverged", "blocked": "cannot train"}


@dataclass(frozen=True, eq=False)
class RunView:
    """One run for one frame. ``epoch`` is the epoch shown (the timeline's, or the run's last if it
    finished earlier); ``theta`` is θ in original units then, ``loss`` … its figures then;
    ``accuracy`` is at the session's threshold. ``history`` has ``rows`` valid rows."""

    spec: RunSpec
    state: RunState
    history: History | None
    rows: int
    epoch: int
    theta: np.ndarray | None
    loss: float
    grad_norm: float
    accuracy: float
    test_loss: float
    test_accuracy: float
    ghost: History | None
    selected: bool
    first_to_converge: bool
    cuts: int = 0

    @property
    def rows_version(self) -> tuple:
        """Changes whenever rows a reader has seen may have changed (a restart or a cut). It holds
        the history itself, not its id(): a new history may be given the id of a freed one."""
        return (self.history, self.cuts)

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def lr(self) -> float:
        """η_t, the learning rate of the epoch after the shown one (NaN for an optimizer without
        one, or before the first row)."""
        return float(self.history.at("lr", self.epoch)) if self.trained else float("nan")

    @property
    def dash(self) -> str:
        return RUN_DASHES[self.spec.color % len(RUN_DASHES)]

    @property
    def trained(self) -> bool:
        return self.history is not None and self.rows > 0 and self.theta is not None

    def status_text(self, playing: bool, position: int) -> str:
        """The run's state in words, as the runs table and the status bar show it."""
        s = self.state
        if s.notice:
            return s.notice
        if s.catching_up:
            return f"catching up: epoch {s.last_epoch} of {position}"
        if self.epoch < s.last_epoch:
            return f"at epoch {self.epoch} of {s.last_epoch} recorded"
        if s.status == "ready":
            text = "running" if playing else "paused"
        else:
            text = STATUS_TEXT.get(s.status, s.status)
            if s.status == "converged" and self.first_to_converge:
                text = "converged first"
        detail = s.warning or (s.reason if s.status != "ready" else "")
        return f"{text}: {detail}" if detail else text


@dataclass(frozen=True, eq=False)
class Snapshot:
    """``data`` is what the runs train on for this frame; ``position`` the timeline's epoch and
    ``end`` the last recorded one; ``notice`` explains why training does not go on, when it does
    not; ``started`` turns true at the first epoch trained; ``refit`` asks the views to frame new
    data. ``anatomy`` is the selected run's update taken apart (core.anatomy; for the epoch it
    names, which may lag the timeline by a frame), or None with ``anatomy_note`` saying why;
    ``internals`` that update on the landscape's slice; ``focus`` the index of the data point
    taken apart and marked in every view. ``scores`` are the selected run's metrics (app.scorer's
    Scored, for the epoch and threshold it names) while a view asks for them, else None.
    ``rows`` is the selected run's use of each row of ``data`` (core.problem's RowUse: test
    rows, rows resampling dropped or repeated), or None when every row trains once (no test set,
    no resampling) or it cannot train on them."""

    serial: int
    data: Dataset
    view: ViewOptions
    runs: tuple[RunView, ...]
    selected: RunView | None
    position: int
    end: int
    playing: bool
    notice: str
    busy: bool
    started: bool
    refit: bool
    anatomy: Anatomy | None = None
    anatomy_note: str = ""
    internals: SliceInternals | None = None
    focus: int | None = None
    scores: object = None
    rows: RowUse | None = None

    def status_line(self) -> str:
        """The status bar's words: a stopped run's own reason says more than the timeline's notice."""
        run = self.selected
        if run is None:
            return self.notice
        if run.state.status != "ready" or run.state.notice or not self.notice:
            return run.status_text(self.playing, self.position)
        return self.notice

    def shown(self) -> tuple[RunView, ...]:
        """The runs drawn in the views (not muted, with something to draw)."""
        return tuple(r for r in self.runs if not r.spec.muted and r.trained)
