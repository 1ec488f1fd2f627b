"""Several runs on the same data, trained in lockstep on one timeline.

The race has a position: the epoch every view shows. Each run shows its state at
min(position, its last recorded epoch), so a run that finished early waits at its end while the
others go on. Stepping advances the position by one epoch for every run at the front; a run that
is behind (new, or started over after a change of its settings) first catches up in the background
so that all runs stand at the same epoch. Moving the position back only moves what is shown;
training on from an earlier position rewinds every run to it exactly (its later epochs are
dropped) and continues from there on the current data and settings.

``delta()`` tells a reader what changed since the last call: per run, how many of the rows it
already has are still valid and the rows after them, plus each run's state. A reader never needs
a whole history twice.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from .dataset import Dataset
from .errors import LrguiError
from .history import part_columns
from .run import CONVERGED, DIVERGED, TrainingRun, same_course
from .session import RunSpec

RETIRED_KEPT = 16
ROW_COLUMNS = ("theta_original", "loss", "grad_norm", "accuracy", "test_loss", "test_accuracy", "lr", "segment")


@dataclass(frozen=True)
class RunState:
    """One run as the views need it besides its rows. ``status`` is ready, converged, max_epochs,
    diverged, or "blocked" (``notice`` says why it cannot train: bad settings, unusable data);
    ``accuracy`` and ``test_accuracy`` are at the race's threshold for the shown epoch. When the
    shown epoch is the last and its row was recorded before the data changed, they are θ's on the
    data now, and so are ``loss_now``, ``test_loss_now`` and ``grad_norm_now`` (NaN otherwise:
    the history's row holds them)."""

    status: str = "blocked"
    reason: str = ""
    warning: str = ""
    notice: str = ""
    last_epoch: int = -1
    converged_at: int | None = None
    accuracy: float = float("nan")
    test_accuracy: float = float("nan")
    catching_up: bool = False
    degree: int = 1
    standardized: bool = False
    theta_names: tuple[str, ...] = ()
    has_test: bool = False
    loss_now: float = float("nan")
    test_loss_now: float = float("nan")
    grad_norm_now: float = float("nan")


@dataclass(frozen=True)
class RunDelta:
    """``keep`` rows of the reader's copy stay valid; ``rows`` (or None) follow them. A new
    ``generation`` (unique among all tracks, also those of a removed run whose id comes back)
    means the run started over (``restarted`` says why: "settings", "reset", "data", or "opened"
    for the runs of a session just opened); the reader then drops all its rows first."""

    id: str
    generation: int
    restarted: str
    keep: int
    rows: dict | None
    state: RunState


@dataclass(frozen=True)
class RaceDelta:
    data_version: int
    position: int
    end: int
    order: tuple[str, ...]
    runs: dict
    threshold: float


@dataclass
class Plan:
    """How to reproduce a recorded run: switch to these (data, settings) at these epochs, and
    train (past convergence if need be) up to ``epochs``."""

    switches: list                # [(epoch, Dataset, RunConfig)], first epoch first
    epochs: int


_GENERATIONS = itertools.count(1)
SHELF = 4                     # runs a track keeps aside for data of another shape
SHELF_SEGMENTS = 8            # of a run set aside, the data of this many last segments are compared


@dataclass
class Track:
    spec: RunSpec
    run: TrainingRun | None = None
    notice: str = ""
    generation: int = 0
    restarted: str = ""
    sent: int = 0                 # rows the reader has
    valid: int = 0                # of those, rows still valid
    plan: Plan | None = None
    extra: dict = field(default_factory=dict)
    # runs set aside when data of another shape came (newest last), taken back when the same data
    # come again (an undo or redo across a new class or feature)
    shelf: list = field(default_factory=list)

    def shelve(self) -> None:
        if self.run is not None:
            self.shelf = [r for r in self.shelf if r.data is not self.run.data][-(SHELF - 1):] + [self.run]

    def unshelve(self, data: Dataset) -> TrainingRun | None:
        """The run set aside that trained on data equal to ``data`` (an undo or redo makes them
        anew; quick undos reach the trainer as their last data only, so any of its last segments'
        data count), with the track's settings, or None. The run goes on on ``data`` from its θ,
        as it would have on each edit. O(n) per segment compared, only when the shape changes."""
        for run in reversed(self.shelf):
            if run.config.as_dict() != self.spec.config.as_dict():
                continue
            seen = [run.data] + [s.data for s in run.segments[-SHELF_SEGMENTS:]]
            if any(d.equals(data) for d in seen):
                self.shelf.remove(run)
                if run.data is not data:
                    run.set_data(data)          # the same shape: θ keeps its meaning
                return run
        return None

    def start_over(self, run: TrainingRun | None, why: str, notice: str = "") -> None:
        self.run, self.notice = run, notice
        self.generation = next(_GENERATIONS)
        self.restarted = why
        self.sent = self.valid = 0
        self.plan = None

    def cut(self, length: int) -> None:
        """Rows from ``length`` on are no longer what the reader has."""
        self.valid = min(self.valid, length)


def _rows(run: TrainingRun, start: int) -> dict:
    h = run.history
    return {name: np.array(h.rows(name, start)) for name in ROW_COLUMNS + part_columns(h.parts)}


class Race:
    """Not thread-safe: one thread owns a race (the training process)."""

    def __init__(self):
        self.data: Dataset | None = None
        self.data_version = -1
        self.tracks: dict[str, Track] = {}
        self.order: list[str] = []
        self.position = 0
        self.threshold = 0.5
        self._retired: dict[str, Track] = {}

    # -- facts ---------------------------------------------------------------------------------
    def runs(self) -> list[TrainingRun]:
        return [t.run for t in self._live()]

    def _live(self) -> list[Track]:
        return [self.tracks[i] for i in self.order if self.tracks[i].run is not None]

    def _trainable(self, track: Track) -> bool:
        return track.run is not None and not track.notice

    @property
    def end(self) -> int:
        return max((t.run.epoch for t in self._live()), default=0)

    def behind(self) -> list[Track]:
        """Tracks that still have epochs to (re)compute before the race can go on."""
        out = []
        for t in self.tracks.values():
            if not self._trainable(t):
                continue
            if t.plan is not None:
                out.append(t)
            elif t.run.epoch < self.position and not t.run.finished:
                out.append(t)
        return out

    # -- the data ------------------------------------------------------------------------------
    def set_data(self, data: Dataset, version: int) -> None:
        """Every run trains on ``data`` from its next epoch (a run of other inputs or another
        number of classes starts over)."""
        self.data, self.data_version = data, version
        reason = data.why_untrainable()
        for track in self.tracks.values():
            if track.run is None or (track.run.data.d, track.run.data.classes) != (data.d, data.classes):
                track.shelve()
                try:
                    kept = None if reason else track.unshelve(data)
                except LrguiError:
                    kept = None
                if kept is not None:
                    track.start_over(kept, "data")
                else:
                    self._build(track, "data")
                continue
            if reason:
                track.notice = f"cannot train: {reason}"
                continue
            try:
                track.run.set_data(data)
                track.notice = ""
            except LrguiError as exc:
                track.notice = str(exc)

    # -- the runs ------------------------------------------------------------------------------
    def _build(self, track: Track, why: str) -> None:
        """A fresh run of ``track``'s settings on the current data (or none, with the reason)."""
        run, notice = None, ""
        reason = self.data.why_untrainable() if self.data is not None else "no data yet"
        if reason:
            notice = f"cannot train: {reason}"
        else:
            try:
                run = TrainingRun(self.data, track.spec.config)
            except LrguiError as exc:
                notice = str(exc)
        track.start_over(run, why, notice)

    def _twin(self, spec: RunSpec) -> Track | None:
        """A live track that trains exactly as ``spec`` would (a duplicate can start as its copy)."""
        for t in self.tracks.values():
            if (self._trainable(t) and t.plan is None and t.run.data is self.data
                    and t.spec.config.as_dict() == spec.config.as_dict() and len(t.run.segments) == 1):
                return t
        return None

    def set_runs(self, specs: list[RunSpec], plans: dict[str, Plan] | None = None) -> None:
        """Make the race's runs ``specs`` (in this order). New runs start as a copy of an identical
        one, or from a retired one (an undone removal), or fresh; a change of settings is applied
        live where it can be (hyperparameters, tolerance, maximum epochs), else the run starts
        over; ``plans`` reproduce recorded runs."""
        plans = plans or {}
        wanted = {s.id: s for s in specs}
        for run_id in list(self.tracks):
            if run_id not in wanted:
                self._retire(self.tracks.pop(run_id))
        for spec in specs:
            track = self.tracks.get(spec.id)
            if spec.id in plans:
                track = track or Track(spec)
                track.spec = spec
                self.tracks[spec.id] = track
                self._start_plan(track, plans[spec.id])
            elif track is None:
                self.tracks[spec.id] = self._new_track(spec)
            else:
                self._change(track, spec)
        self.order = [s.id for s in specs]

    def _new_track(self, spec: RunSpec) -> Track:
        old = self._retired.pop(spec.id, None)
        if (old is not None and old.run is not None and old.spec.config.as_dict() == spec.config.as_dict()
                and old.run.data is self.data and old.plan is None):
            old.spec = spec
            old.generation = next(_GENERATIONS)
            old.restarted = "restored"
            old.sent = old.valid = 0
            return old
        track = Track(spec)
        twin = self._twin(spec)
        if twin is not None:
            track.run = twin.run.clone()
            track.generation = next(_GENERATIONS)
            track.restarted = "duplicated"
        else:
            self._build(track, "new")
        return track

    def _retire(self, track: Track) -> None:
        self._retired.pop(track.spec.id, None)
        self._retired[track.spec.id] = track
        while len(self._retired) > RETIRED_KEPT:
            self._retired.pop(next(iter(self._retired)))

    def _change(self, track: Track, spec: RunSpec) -> None:
        old, new = track.spec.config, spec.config
        track.spec = spec
        if old.as_dict() == new.as_dict():
            return
        run = track.run
        if run is None or track.plan is not None or not same_course(replace(old, hyper=new.hyper, tol=new.tol), new):
            self._build(track, "settings")
            return
        try:
            length = len(run.history)
            if same_course(old, new):
                run.set_max_epochs(new.max_epochs)
            else:
                run.change_course(new)
            track.cut(min(length, len(run.history)))
        except LrguiError as exc:
            track.notice = str(exc)

    def _start_plan(self, track: Track, plan: Plan) -> None:
        # Data that arrived apart from the race's own (a copy from a file) but equal to it is the
        # race's: the run then goes on without a data switch once reproduced.
        switches = [(epoch, self.data if self.data is not None and data.equals(self.data) else data, config)
                    for epoch, data, config in plan.switches]
        _, data0, config0 = switches[0]
        try:
            run = TrainingRun(data0, config0)
            track.start_over(run, "restored")
            track.plan = Plan(switches[1:], plan.epochs)
        except LrguiError as exc:
            track.start_over(None, "restored", f"cannot reproduce the recorded run: {exc}")

    # -- the timeline --------------------------------------------------------------------------
    def seek(self, epoch: int) -> None:
        """Show ``epoch`` (clamped to what is recorded). Nothing is trained or dropped."""
        self.position = max(0, min(int(epoch), self.end))

    def _resume(self) -> None:
        """Before training on from the position: every run that went past it is rewound to it."""
        for track in self._live():
            if track.run.epoch > self.position:
                track.run.rewind(self.position)
                track.cut(self.position + 1)
                self._follow_data(track)

    def _follow_data(self, track: Track) -> None:
        """Make a rewound run train on the current data if it can."""
        if self.data is None or track.run.data is self.data:
            return
        if self.data.why_untrainable():
            return
        try:
            track.run.set_data(self.data)
        except LrguiError as exc:
            track.notice = str(exc)

    def step(self, force: bool = False) -> bool:
        """Advance the position one epoch: every trainable run at the front trains one epoch
        (``force`` also moves converged runs and those at their maximum). Returns whether
        anything moved; nothing moves while some run is still catching up."""
        self._resume()
        if self.behind():
            return False
        moved = False
        for track in self._live():
            run = track.run
            if not self._trainable(track) or run.epoch != self.position:
                continue
            if run.finished and not (force and run.status != DIVERGED):
                continue
            before = run.epoch
            run.step(1, force=force)
            moved |= run.epoch > before
        if moved:
            self.position += 1
        return moved

    def why_stopped(self) -> str:
        """Why playing stops: the first run's reason it cannot train, or that every run has
        finished."""
        reasons = [t.notice for t in (self.tracks[i] for i in self.order) if t.notice]
        if reasons and not any(self._trainable(t) for t in self.tracks.values()):
            return reasons[0]
        return "every run has finished: raise the maximum epochs, or Reset (R)"

    def can_advance(self) -> bool:
        """Whether some run at the front can still train without being forced."""
        return any(self._trainable(t) and t.run.epoch >= self.position and not t.run.finished
                   for t in self._live()) or bool(self.behind())

    def catch_up(self, epochs: int) -> bool:
        """Train up to ``epochs`` epochs (in all) of runs that are behind; returns whether any
        remain behind."""
        for track in self.behind():
            run = track.run
            while epochs > 0:
                plan = track.plan
                if plan is not None:
                    while plan.switches and plan.switches[0][0] <= run.epoch:
                        _, data, config = plan.switches.pop(0)
                        if data is not run.data:
                            run.set_data(data)
                        run.change_course(config)
                    if run.epoch >= plan.epochs or run.status == DIVERGED:
                        self._end_plan(track)
                        break
                    run.step(1, force=True)
                elif run.epoch >= self.position or run.finished:
                    break
                else:
                    run.step(1)
                epochs -= 1
        return bool(self.behind())

    def _end_plan(self, track: Track) -> None:
        """A reproduced run goes on with the current data and its run's settings."""
        track.plan = None
        self._follow_data(track)
        if track.run.config.as_dict() != track.spec.config.as_dict():
            try:
                track.run.change_course(track.spec.config)
            except LrguiError:
                self._build(track, "settings")

    def reset(self, why: str = "reset") -> None:
        """Every run back to its start θ₀ at epoch 0; ``why`` is "reset", or "opened" for the runs
        of a session just opened (nothing of the runs before them is kept, not even a ghost)."""
        for track in self.tracks.values():
            self._build(track, why)
        self.position = 0

    def set_threshold(self, threshold: float) -> None:
        self.threshold = float(threshold)

    # -- what a reader needs -------------------------------------------------------------------
    def state(self, track: Track) -> RunState:
        run = track.run
        if run is None:
            return RunState(notice=track.notice)
        shown = min(self.position, run.epoch)
        # θ of the last row on data that changed after it was recorded: its figures on the data now
        stale = shown == run.epoch and run.data is not run.segments[int(run.history.at("segment", shown))].data
        if stale:
            acc, test_acc = run.accuracy_now(self.threshold)
        elif self.threshold == 0.5:
            acc, test_acc = run.history.at("accuracy", shown), run.history.at("test_accuracy", shown)
        else:
            acc, test_acc = run.accuracy_at(shown, self.threshold)
        now = (run.last.loss, run.test_objective.loss(run.theta) if run.test_objective is not None else np.nan,
               run.last.gradient_norm) if stale else (np.nan, np.nan, np.nan)
        status = run.status
        return RunState(
            status=status, reason=run.reason, warning=run.warning, notice=track.notice,
            last_epoch=run.epoch, converged_at=run.epoch if status == CONVERGED else None,
            accuracy=acc, test_accuracy=test_acc, catching_up=track in self.behind(),
            degree=run.config.degree, standardized=run.config.standardize,
            theta_names=run.theta_names(), has_test=run.history.has_test,
            loss_now=float(now[0]), test_loss_now=float(now[1]), grad_norm_now=float(now[2]))

    def delta(self) -> RaceDelta:
        runs = {}
        for run_id in self.order:
            track = self.tracks[run_id]
            rows = None
            if track.run is not None:
                length = len(track.run.history)
                if track.valid < track.sent or length > track.sent:
                    rows = _rows(track.run, track.valid)
                runs[run_id] = RunDelta(run_id, track.generation, track.restarted, track.valid, rows,
                                        self.state(track))
                track.sent = track.valid = length
            else:
                runs[run_id] = RunDelta(run_id, track.generation, track.restarted, 0, None, self.state(track))
                track.sent = track.valid = 0
            track.restarted = ""
        return RaceDelta(self.data_version, self.position, self.end, tuple(self.order), runs, self.threshold)

    # -- recordings ----------------------------------------------------------------------------
    def recorded(self, run_id: str) -> dict[str, Any] | None:
        """A run's segments as (start, data, settings) and its rows (for saving)."""
        track = self.tracks.get(run_id)
        if track is None or track.run is None:
            return None
        run = track.run
        rows = {name: np.array(run.history.rows(name)) for name in ROW_COLUMNS if name != "segment"}
        return {"segments": [(s.start, s.data, s.config) for s in run.segments], "rows": rows}


@dataclass
class MirroredRun:
    """A reader's copy of one run: its rows (θ in original units and the per-epoch figures),
    its state, and the ``ghost`` of its previous trajectory when a change of settings made it
    start over (kept until the next such change)."""

    history: Any
    generation: int
    state: RunState
    ghost: Any = None
    cuts: int = 0              # how often rows were cut off (a reader of rows must start over)


class RaceMirror:
    """The reading side of ``Race.delta``: applies deltas and holds what the views draw from.
    Only appends and cuts histories, never copies a whole one."""

    def __init__(self):
        self.runs: dict[str, MirroredRun] = {}
        self.order: tuple[str, ...] = ()
        self.position = 0
        self.end = 0
        self.data_version = -1
        self.threshold = 0.5

    def apply(self, delta: RaceDelta) -> set[str]:
        """Returns the ids of runs whose rows changed."""
        from .history import History, part_columns_in

        changed = set()
        for run_id, d in delta.runs.items():
            mirror = self.runs.get(run_id)
            if mirror is None or mirror.generation != d.generation:
                ghost = None if mirror is None else mirror.ghost
                if mirror is not None and d.restarted == "settings" and len(mirror.history) > 1:
                    ghost = mirror.history
                elif d.restarted in ("data", "opened"):
                    ghost = None
                k = len(d.state.theta_names) or (mirror.history.k if mirror else 0)
                mirror = MirroredRun(History(k, vectors=("theta_original",)), d.generation, d.state, ghost)
                self.runs[run_id] = mirror
                changed.add(run_id)
            mirror.state = d.state
            if d.rows is not None:
                shape = (d.rows["theta_original"].shape[1], len(part_columns_in(d.rows)))
                if (mirror.history.k, mirror.history.parts) != shape:
                    mirror.history = History(shape[0], vectors=("theta_original",), parts=shape[1])
                if d.keep < len(mirror.history):
                    mirror.cuts += 1
                mirror.history.truncate(d.keep)
                mirror.history.extend(d.rows)
                changed.add(run_id)
        for run_id in set(self.runs) - set(delta.runs):
            del self.runs[run_id]
        self.order = delta.order
        self.position, self.end = delta.position, delta.end
        self.data_version = delta.data_version
        self.threshold = delta.threshold
        return changed
