"""What the views draw: an immutable picture of the data and the run at one moment.

The worker thread builds snapshots; the GUI thread only reads them. Arrays are copies (or
read-only objects the worker never changes again), so nothing is shared mutably across threads.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..core.dataset import Dataset
from ..core.features import FeatureChain
from ..core.objective import Objective
from ..core.run import TrainingRun


@dataclass(frozen=True)
class RunSnapshot:
    """One run at one epoch. ``theta`` is in training units, ``theta_original`` in original
    feature units; ``history`` maps "epoch", "loss", "test_loss", "accuracy", "test_accuracy",
    "grad_norm" to (N,) arrays and "theta" to (N, k), all copies."""

    epoch: int
    theta: np.ndarray
    theta_original: np.ndarray
    theta_names: tuple[str, ...]
    features: FeatureChain
    objective: Objective
    status: str
    reason: str
    loss: float
    accuracy: float
    grad_norm: float
    history: dict
    has_test: bool
    optimizer_label: str
    optimizer_state: dict
    standardized: bool

    @classmethod
    def of(cls, run: TrainingRun) -> "RunSnapshot":
        h = run.history
        history = {name: np.array(getattr(h, name)) for name in
                   ("epoch", "loss", "test_loss", "accuracy", "test_accuracy", "grad_norm", "theta")}
        return cls(
            epoch=run.epoch, theta=run.theta.copy(), theta_original=run.theta_original.copy(),
            theta_names=("b",) + tuple(run.feature_names()), features=run.features,
            objective=run.objective, status=run.status, reason=run.reason, loss=float(run.last.loss),
            accuracy=float(run.last.accuracy), grad_norm=float(run.last.gradient_norm),
            history=history, has_test=h.has_test, optimizer_label=run.optimizer.label,
            optimizer_state=run.optimizer.state(), standardized=run.config.standardize,
        )

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """z = θᵀ(1, features(x)) for raw inputs X (m, d); shape (m,)."""
        return self.features.decision(self.theta, X)


@dataclass(frozen=True)
class Snapshot:
    """The data, the run (None while the data cannot be trained on) and the playback state.
    ``notice`` explains why training cannot go on, when it cannot."""

    serial: int
    data: Dataset
    run: RunSnapshot | None
    playing: bool
    notice: str = ""
