"""The session: everything a user can change, in one evented model.

It holds the data (and where they came from), the runs (each with its own settings, colour and
name), which run is selected, the view options and the session file's path. Every value in it is
immutable; a change replaces values through ``update`` and emits one ``Change`` naming what
changed, so listeners (the panel, the views, the trainer) react to exactly that. Undo is a matter
of putting the old values back (``values`` / ``update``). No Qt: the same model is saved, loaded,
scripted and tested headless.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from .config import RunConfig
from .dataset import Dataset
from .errors import ConfigError
from .optimizers import OPTIMIZERS
from .schedules import SCHEDULE_PARAMS

# A run's colour is a number: the views' theme gives each number a colour (colour-blind safe).
# Each run also has its own dash pattern, so colour is never the only cue.
RUN_DASHES = ("solid", "dash", "dot", "dashdot", "dashdotdot", "dash", "dot", "dashdot")
RUN_COLOR_COUNT = len(RUN_DASHES)
SESSION_FIELDS = ("data", "origin", "runs", "selected", "view", "path")


def window_default_config() -> RunConfig:
    """What a new window trains with: plain gradient descent on standardised features, so the
    boundary settles within a few hundred epochs (θ is still shown in original units)."""
    return RunConfig(optimizer="gd", hyper={"lr": 0.5}, standardize=True, max_epochs=5000, tol=1e-6).validate()


@dataclass(frozen=True)
class ViewOptions:
    """How the views draw. ``threshold`` decides class 1 (p ≥ threshold) for the rings, the status
    and every metric; ``landscape_axes`` are the two coordinates of θ the landscape varies;
    ``show_lr`` draws the selected run's learning rate η_t on the loss curve; ``compare_losses``
    shows the landscape under cross-entropy and squared error side by side; ``gradient_terms``
    shows each point's gradient term |∂ℓ/∂z| in the sigmoid view; ``internals`` draws the selected
    run's next update on the landscape (gradient, velocity, step sizes, direction, Newton's model).
    ``plane_axes`` are the two features (0-based columns) the data plane draws; the others are
    held at their means there."""

    threshold: float = 0.5
    shading: bool = True
    contours: bool = True
    misclassified: bool = True
    log_loss: bool = False
    landscape_axes: tuple[int, int] = (1, 2)
    equal_aspect: bool = False
    show_lr: bool = True
    compare_losses: bool = False
    gradient_terms: bool = False
    internals: bool = False
    plane_axes: tuple[int, int] = (0, 1)

    def plane_for(self, d: int) -> tuple[int, int]:
        """The plane's two feature columns for data of ``d`` features: ``plane_axes`` when both
        exist, else the first two (one feature: (0, 0))."""
        i, j = self.plane_axes
        if d < 2:
            return 0, 0
        return (i, j) if max(i, j) < d and i != j else (0, 1)


@dataclass(frozen=True)
class DataOrigin:
    """Where the data came from: a generator with its parameters, or a file; ``edited`` once
    points were added, moved or removed by hand."""

    kind: str = "generator"                 # "generator" or "file"
    name: str = "gaussian"                  # the generator's name, or the file's path
    params: tuple[tuple[str, Any], ...] = ()
    edited: bool = False

    @classmethod
    def generator(cls, name: str, params: dict | None = None) -> "DataOrigin":
        return cls("generator", name, tuple(sorted((params or {}).items())))

    @classmethod
    def file(cls, path: str) -> "DataOrigin":
        return cls("file", str(path))

    def title(self) -> str:
        if self.kind == "file":
            from pathlib import Path

            return Path(self.name).name
        from .generators import GENERATORS

        label = GENERATORS.get(self.name).label if self.name in GENERATORS else self.name
        return label


def _short(value: float) -> str:
    return f"{value:g}"


# settings a run's name shows in their own words (or not at all: a schedule's own settings)
NAMED_APART = {"lr", "batch_size", *(p.name for p in SCHEDULE_PARAMS)}


def describe(config: RunConfig) -> str:
    """A readable name for a run from its settings: "Adam η = 0.05", "GD η = 0.5, L2 λ = 1",
    "Momentum η = 0.05, μ = 0.5" (an optimizer's setting is named when it is not the default)."""
    cls = OPTIMIZERS.get(config.optimizer)
    parts = [cls.short + (f" η = {_short(config.hyper['lr'])}" if "lr" in config.hyper else "")]
    if config.hyper.get("batch_size"):
        parts.append(f"batch {config.hyper['batch_size']}")
    if config.hyper.get("schedule", "constant") != "constant":
        parts.append(f"{config.hyper['schedule']} schedule")
    for p in cls.params:                # the optimizer's other settings where they are not its defaults
        value = config.hyper.get(p.name, p.default)
        if p.name not in NAMED_APART and value != p.default:
            parts.append(f"{p.label.split()[-1]} = {_short(value)}")
    if config.penalty != "none":
        parts.append(f"{config.penalty.upper()} λ = {_short(config.lam)}")
    if config.loss != "cross-entropy":
        parts.append(f"{config.loss} error" if config.loss == "squared" else config.loss)
    if config.degree > 1:
        parts.append(f"degree {config.degree}")
    if config.class_weight != "none":
        parts.append(f"{config.class_weight} weights")
    if config.resample != "none":
        parts.append(f"{config.resample}sampled")
    return ", ".join(parts)


@dataclass(frozen=True, eq=False)
class RunSpec:
    """One run of the race: ``config`` (never changed in place: a change makes a new RunSpec),
    a palette ``color`` index, a user-given ``name`` ("" for one made from the settings) and
    ``muted`` (hidden in the views, still trained)."""

    id: str
    config: RunConfig
    color: int = 0
    name: str = ""
    muted: bool = False

    @classmethod
    def make(cls, id: str, config: RunConfig, color: int = 0, name: str = "", muted: bool = False) -> "RunSpec":
        return cls(id, copy.deepcopy(config).validate(), int(color), str(name), bool(muted))

    @property
    def label(self) -> str:
        return self.name or describe(self.config)

    def with_config(self, **changes) -> "RunSpec":
        """A copy with settings changed (validated; ConfigError says what is wrong). A new
        optimizer starts from its own default hyperparameters."""
        config = copy.deepcopy(self.config)
        if "optimizer" in changes and changes["optimizer"] != config.optimizer:
            config.hyper = {}
        if "hyper" in changes:
            changes = {**changes, "hyper": {**config.hyper, **changes["hyper"]}}
        config = RunConfig.from_dict({**config.as_dict(), **changes})
        return replace(self, config=config)

    def same(self, other: "RunSpec") -> bool:
        return (self.id, self.color, self.name, self.muted) == (other.id, other.color, other.name, other.muted) \
            and self.config.as_dict() == other.config.as_dict()


@dataclass(frozen=True)
class Change:
    """What one update changed: ``fields`` among SESSION_FIELDS; ``runs`` the ids of runs added,
    removed or changed."""

    fields: frozenset
    runs: frozenset = frozenset()


@dataclass
class Events:
    """A minimal signal: ``connect(callback)``; every ``emit(change)`` calls each callback."""

    _callbacks: list = field(default_factory=list)

    def connect(self, callback: Callable[[Change], None]) -> None:
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable[[Change], None]) -> None:
        self._callbacks.remove(callback)

    def emit(self, change: Change) -> None:
        for callback in list(self._callbacks):
            callback(change)


def next_color(runs: tuple[RunSpec, ...]) -> int:
    """The first palette colour no run has (cycling when all are taken)."""
    used = [r.color for r in runs]
    free = [c for c in range(RUN_COLOR_COUNT) if c not in used]
    return free[0] if free else len(runs) % RUN_COLOR_COUNT


def next_id(runs: tuple[RunSpec, ...]) -> str:
    taken = {r.id for r in runs}
    i = 1
    while f"run{i}" in taken:
        i += 1
    return f"run{i}"


class Session:
    """The state model. Read the fields as attributes; change them only through ``update``."""

    def __init__(self, data: Dataset, origin: DataOrigin | None = None, runs: tuple[RunSpec, ...] = (),
                 selected: str = "", view: ViewOptions | None = None, path: str = ""):
        self.events = Events()
        self.data = data
        self.origin = origin or DataOrigin()
        self.runs: tuple[RunSpec, ...] = ()
        self.selected = ""
        self.view = view or ViewOptions()
        self.path = path
        self._set_runs(tuple(runs) or (RunSpec.make("run1", window_default_config()),), selected)

    @classmethod
    def default(cls) -> "Session":
        from .generators import generate

        return cls(generate("gaussian"), DataOrigin.generator("gaussian"))

    # -- reading ------------------------------------------------------------------------------
    def run(self, run_id: str) -> RunSpec:
        for r in self.runs:
            if r.id == run_id:
                return r
        raise KeyError(run_id)

    @property
    def selected_run(self) -> RunSpec:
        return self.run(self.selected)

    def values(self, names=SESSION_FIELDS) -> dict[str, Any]:
        """The current values of ``names`` (immutable: safe to keep for undo)."""
        return {name: getattr(self, name) for name in names}

    # -- changing -----------------------------------------------------------------------------
    def _set_runs(self, runs: tuple[RunSpec, ...], selected: str | None) -> None:
        ids = [r.id for r in runs]
        if not runs:
            raise ConfigError("a session needs at least one run")
        if len(set(ids)) != len(ids):
            raise ConfigError("two runs have the same id")
        self.runs = tuple(runs)
        chosen = selected if selected is not None else self.selected
        self.selected = chosen if chosen in ids else ids[0]

    def update(self, **changes) -> Change | None:
        """Replace the given fields (among SESSION_FIELDS) and emit one Change; returns it, or
        None when nothing changed. ``selected`` is kept valid (the first run if its run went)."""
        unknown = set(changes) - set(SESSION_FIELDS)
        if unknown:
            raise AttributeError(f"a session has no field {sorted(unknown)[0]!r}")
        before_runs = {r.id: r for r in self.runs}
        before = self.values()
        if "runs" in changes or "selected" in changes:
            self._set_runs(tuple(changes.get("runs", self.runs)), changes.get("selected"))
        for name in ("data", "origin", "view", "path"):
            if name in changes:
                setattr(self, name, changes[name])
        changed = {name for name in SESSION_FIELDS if getattr(self, name) is not before[name]
                   and not _equal(getattr(self, name), before[name])}
        after_runs = {r.id: r for r in self.runs}
        touched = {i for i in before_runs.keys() | after_runs.keys()
                   if i not in before_runs or i not in after_runs or not before_runs[i].same(after_runs[i])}
        if not changed:
            return None
        change = Change(frozenset(changed), frozenset(touched))
        self.events.emit(change)
        return change


def _equal(a, b) -> bool:
    if isinstance(a, Dataset) or isinstance(b, Dataset):
        return a is b
    if isinstance(a, tuple) and a and isinstance(a[0], RunSpec):
        return isinstance(b, tuple) and len(a) == len(b) and all(x.same(y) for x, y in zip(a, b))
    return a == b
