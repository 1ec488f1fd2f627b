"""Learning-rate schedules: η_t, the step size of epoch t (t = 0 for the first epoch), from the
learning rate η and the schedule's own settings.

Every schedule registers itself in ``SCHEDULES``; its settings are hyperparameters of the gradient
family (``SCHEDULE_PARAMS``), each shown only with the schedules that use it, so the side panel,
the command line (``--schedule step --step-every 100``) and session files offer them without
further code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

from .errors import ConfigError
from .params import Param
from .registry import Registry


@dataclass(frozen=True)
class Schedule:
    """``rate(η, t, hyper, horizon)`` gives η_t; ``horizon`` is the run's maximum of epochs (the
    length of a cosine annealing). ``uses`` names the settings the schedule reads."""

    name: str
    label: str
    formula: str
    rate: Callable[[float, int, dict[str, Any], int], float]
    uses: tuple[str, ...] = ()


SCHEDULES: Registry[Schedule] = Registry("learning-rate schedule")


def _register(name, label, formula, uses=()):
    def add(rate):
        SCHEDULES.register(name)(Schedule(name, label, formula, rate, uses))
        return rate
    return add


@_register("constant", "Constant", "η_t = η")
def _constant(lr, t, hyper, horizon):
    return lr


@_register("step", "Step decay", "η_t = η · F^⌊t / K⌋", ("step_every", "step_factor"))
def _step(lr, t, hyper, horizon):
    return lr * hyper["step_factor"] ** (t // int(hyper["step_every"]))


@_register("exponential", "Exponential", "η_t = η · Gᵗ", ("gamma",))
def _exponential(lr, t, hyper, horizon):
    return lr * hyper["gamma"] ** t


@_register("inverse", "1/t decay", "η_t = η / (1 + D·t)", ("decay",))
def _inverse(lr, t, hyper, horizon):
    return lr / (1.0 + hyper["decay"] * t)


@_register("cosine", "Cosine annealing", "η_t = η_min + (η − η_min)·(1 + cos(π t / T)) / 2 over T epochs",
           ("lr_min",))
def _cosine(lr, t, hyper, horizon):
    low = hyper["lr_min"]
    if horizon <= 0:
        return lr
    return low + (lr - low) * 0.5 * (1.0 + math.cos(math.pi * min(t, horizon) / horizon))


@_register("cyclic", "Cyclical (triangular)",
           "η_t rises linearly from η_min to η in P/2 epochs and falls back in the next P/2", ("lr_min", "period"))
def _cyclic(lr, t, hyper, horizon):
    low, period = hyper["lr_min"], int(hyper["period"])
    phase = (t % period) / period
    return low + (lr - low) * (1.0 - abs(2.0 * phase - 1.0))


def _for(*names: str) -> tuple[str, tuple[str, ...]]:
    return ("schedule", names)


SCHEDULE_PARAMS: tuple[Param, ...] = (
    Param("schedule", "constant", "Schedule", "How the learning rate changes from epoch to epoch: "
          + "; ".join(f"{s.name}: {s.formula}" for _, s in SCHEDULES.items()), "choice",
          choices=tuple(SCHEDULES.names())),
    Param("decay", 0.0, "Decay D", "1/t decay: η_t = η / (1 + D·t)", "float", 0.0, 10.0,
          shown_for=_for("inverse")),
    Param("step_every", 100, "Every K epochs", "Step decay: η is multiplied by F every K epochs",
          "int", 1, 10_000_000, shown_for=_for("step")),
    Param("step_factor", 0.5, "Factor F", "Step decay: η is multiplied by F every K epochs",
          "float", 1e-6, 1.0, shown_for=_for("step")),
    Param("gamma", 0.99, "γ", "Exponential: η_t = η · γᵗ", "float", 1e-6, 1.0, shown_for=_for("exponential")),
    Param("lr_min", 0.0, "Lowest η", "Cosine: η falls to this at the last epoch; cyclical: the bottom of "
          "the cycle (η is the top)", "float", 0.0, 1e9, shown_for=_for("cosine", "cyclic")),
    Param("period", 100, "Period P", "Cyclical: epochs of one cycle from the lowest η up to η and back",
          "int", 2, 10_000_000, shown_for=_for("cyclic")),
)


def learning_rate(lr: float, t: int, hyper: dict[str, Any], horizon: int) -> float:
    """η_t for epoch ``t`` under the schedule named in ``hyper`` (constant where none is)."""
    schedule = SCHEDULES.get(hyper.get("schedule", "constant"))
    return float(schedule.rate(lr, t, hyper, horizon))


def infer_schedule(hyper: dict[str, Any]) -> dict[str, Any]:
    """``hyper`` with the schedule made explicit where older sessions and commands imply it: a
    decay given without a schedule means 1/t decay (the only schedule there once was)."""
    if "schedule" not in hyper and "decay" in hyper:
        try:
            implied = float(hyper["decay"]) != 0.0
        except (TypeError, ValueError):
            return hyper                 # validation will name the bad value
        if implied:
            return {**hyper, "schedule": "inverse"}
    return hyper


def check_used(given: dict[str, Any], schedule: str) -> None:
    """Refuse a schedule setting given, with other than its default value, for a schedule that
    does not read it (``--gamma 0.9 --schedule step``): it would be silently ignored."""
    for p in SCHEDULE_PARAMS:
        if p.shown_for and p.name in given and schedule not in p.shown_for[1] \
                and p.validate(given[p.name]) != p.default:
            users = " or ".join(p.shown_for[1])
            raise ConfigError(f"{p.name.replace('_', '-')} is a setting of the {users} schedule, "
                              f"not of {schedule}")
