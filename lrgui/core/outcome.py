"""A run trained alone from its start, and its outcome as plain data: what ``lrgui train --json``
prints, and what each entry of a sweep holds."""

from __future__ import annotations

import math
from typing import Callable

from .config import RunConfig
from .dataset import Dataset
from .errors import LrguiError
from .run import READY, TrainingRun

SLICE_EPOCHS = 256          # epochs between two looks at ``should_stop``


def train_alone(data: Dataset, config: RunConfig,
                should_stop: Callable[[], bool] | None = None) -> TrainingRun | None:
    """``config`` trained on ``data`` until it stops by itself (converged, stalled, diverged or at
    its maximum of epochs). With ``should_stop``, that is asked every ``SLICE_EPOCHS`` epochs and
    a True answer gives None. Stepping in slices changes no bit of the result."""
    run = TrainingRun(data, config)
    if should_stop is None:
        run.step(max(1, run.config.max_epochs))     # with 0 epochs, one call only states the stop
        return run
    while run.step(SLICE_EPOCHS) == READY:
        if should_stop():
            return None
    return run


def train_result(run: TrainingRun, threshold: float = 0.5) -> dict:
    """The outcome of a finished run as plain data (what ``--json`` prints); its metrics count a
    point as class 1 when p ≥ ``threshold``. A run of more than two classes gives
    ``multiclass.multiclass_result`` (no threshold applies)."""
    from .metrics import report
    from .multiclass import multiclass_result

    if run.data.classes > 2:
        return multiclass_result(run)

    result = run_summary(run)
    result["train"] = report(run.train.y, run.decision_function(run.train.X), threshold).as_dict()
    if run.test is not None:
        result["test_loss"] = float(run.history.at("test_loss", -1))
        result["test_accuracy"] = float(run.history.at("test_accuracy", -1))
        result["test"] = report(run.test.y, run.decision_function(run.test.X), threshold).as_dict()
    return result


def run_summary(run) -> dict:
    """The fields of a two-class run's result that its history and settings give: the status and
    why, the epochs, θ in the data's units with its names, the last loss, ‖∇J‖ and accuracy, the
    label map, the optimizer and every setting."""
    return {
        "status": run.status,
        "reason": run.reason,
        "epochs": run.epoch,
        "theta": [float(v) for v in run.theta_original],
        "theta_names": ["bias"] + list(run.feature_names()),
        "loss": float(run.last.loss),
        "grad_norm": float(run.last.gradient_norm),
        "accuracy": float(run.last.accuracy),
        "label_map": run.data.label_map,
        "optimizer": run.config.optimizer,
        "config": run.config.as_dict(),
    }


def require_finite(value, where: str = "result") -> None:
    """Raise LrguiError if ``value`` (nested dicts and lists) holds a NaN or an infinity: JSON has
    no such numbers, and a result must not claim one."""
    if isinstance(value, float) and not math.isfinite(value):
        raise LrguiError(f"the {where} holds a number that cannot be represented ({value})")
    if isinstance(value, dict):
        for k, v in value.items():
            require_finite(v, k)
    elif isinstance(value, (list, tuple)):
        for v in value:
            require_finite(v, where)
