"""A training run: data, feature maps, cost, optimizer and θ, stepped epoch by epoch with a history.

The run never raises for numerical trouble: a non-finite or exploding loss ends it with status
"diverged", the last finite θ kept and the reason in ``reason``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.model_selection import train_test_split

from .config import RunConfig
from .dataset import Dataset
from .errors import DatasetError
from .features import FeatureChain
from .history import History
from .numerics import sigmoid
from .objective import Evaluation, Objective
from .optimizers import OPTIMIZERS
from .resampling import balanced_weights, resample_rows

READY, CONVERGED, MAX_EPOCHS, DIVERGED = "ready", "converged", "max_epochs", "diverged"
TERMINAL = (CONVERGED, MAX_EPOCHS, DIVERGED)

# A loss this many times above max(J(θ₀), 1) counts as exploding.
EXPLODE_FACTOR = 1e3
# Optimizer snapshots kept for stepping back exactly (older epochs restore θ only).
SNAPSHOTS_KEPT = 2000


@dataclass
class Split:
    """The rows a run trains and tests on (after resampling of the training rows)."""

    train: Dataset
    test: Dataset | None


def split_data(data: Dataset, config: RunConfig) -> Split:
    """Seeded, stratified train/test split, then resampling of the training rows."""
    data.require_trainable()
    rng = np.random.default_rng([config.seed, 1])
    train, test = data, None
    if config.test_fraction > 0:
        rows = np.arange(data.n)
        try:
            tr, te = train_test_split(rows, test_size=config.test_fraction, stratify=data.y,
                                      random_state=int(rng.integers(2**31)))
        except ValueError as exc:
            raise DatasetError(f"cannot hold out a test set of {config.test_fraction:.0%}: {exc}") from None
        train, test = data.subset(np.sort(tr)), data.subset(np.sort(te))
        train.require_trainable()
    rows = resample_rows(train.y, config.resample, np.random.default_rng([config.seed, 2]))
    if len(rows) != train.n or np.any(rows != np.arange(train.n)):
        train = train.subset(rows)
    return Split(train, test)


class TrainingRun:
    """Trains logistic regression on ``data`` as ``config`` says.

    ``theta`` is in training units (over standardised columns when standardisation is on);
    ``theta_original`` in original feature units. ``history`` holds one row per epoch, epoch 0
    being the start.
    """

    def __init__(self, data: Dataset, config: RunConfig | None = None):
        self.config = (config or RunConfig()).validate()
        self.data = data
        self._build(data)
        self.theta = self._initial_theta()
        self.optimizer = OPTIMIZERS.get(self.config.optimizer)(
            self.objective, np.random.default_rng([self.config.seed, 4]), self.config.tol,
            **self.config.hyper)
        self.status = READY
        self.reason = ""
        self.history = History(self.objective.k)
        self._snapshots: list = []
        self._first_loss: float | None = None
        self._record(self._evaluate(self.theta))

    # -- set-up -------------------------------------------------------------------------------------
    def _build(self, data: Dataset) -> None:
        split = split_data(data, self.config)
        self.train, self.test = split.train, split.test
        self.features = FeatureChain.build(self.config.degree, self.config.standardize).fit(self.train.X)
        weights = balanced_weights(self.train.y) if self.config.class_weight == "balanced" else None
        cfg = self.config
        self.objective = Objective(self.features.transform(self.train.X), self.train.y, cfg.loss,
                                   cfg.penalty, cfg.lam, weights)
        self.test_objective = None
        if self.test is not None:
            self.test_objective = Objective(self.features.transform(self.test.X), self.test.y,
                                            cfg.loss, cfg.penalty, cfg.lam)

    def _initial_theta(self) -> np.ndarray:
        k = self.objective.k
        init = self.config.init
        if isinstance(init, str):
            if init == "zero":
                return np.zeros(k)
            return np.random.default_rng([self.config.seed, 3]).normal(0.0, 0.5, k)
        theta = np.asarray(init, dtype=np.float64)
        if theta.shape != (k,):
            raise DatasetError(f"the starting θ needs {k} numbers (b and {k - 1} weights), got {theta.size}")
        return self.features.from_original(theta)

    # -- facts ---------------------------------------------------------------------------------------
    @property
    def epoch(self) -> int:
        return int(self.history.epoch[-1])

    @property
    def theta_original(self) -> np.ndarray:
        return self.features.to_original(self.theta)

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL

    def feature_names(self) -> tuple[str, ...]:
        """Names of the weights in ``theta_original`` (after the bias)."""
        return self.features.names(self.data.feature_names)

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """z = θᵀ(1, features(x)) for raw inputs X (n, d); shape (n,)."""
        return self.features.decision(self.theta, X)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return sigmoid(self.decision_function(X))

    # -- stepping --------------------------------------------------------------------------------------
    def _evaluate(self, theta: np.ndarray) -> Evaluation:
        return self.objective.evaluate(theta)

    def _record(self, ev: Evaluation) -> None:
        test_loss = test_acc = np.nan
        if self.test_objective is not None:
            tev = self.test_objective.evaluate(ev.theta)
            test_loss, test_acc = tev.loss, tev.accuracy
        epoch = self.epoch + 1 if len(self.history) else 0
        self.history.append(epoch, ev.theta, self.features.to_original(ev.theta), ev.loss,
                            ev.gradient_norm, ev.accuracy, test_loss, test_acc)
        if self._first_loss is None:
            self._first_loss = ev.loss
        self.last = ev

    def step(self, epochs: int = 1, force: bool = False) -> str:
        """Advance up to ``epochs`` epochs; returns the status.

        Stops early on convergence (‖∇J‖ ≤ tol, or the scipy method is done), at the maximum
        number of epochs, or on divergence. A finished run does not move unless ``force`` is
        set (a diverged run never does).
        """
        if self.status == DIVERGED or (self.finished and not force):
            return self.status
        self.status = READY
        for _ in range(epochs):
            if self.epoch >= self.config.max_epochs and not force:
                self.status, self.reason = MAX_EPOCHS, f"reached the maximum of {self.config.max_epochs} epochs"
                break
            self._snapshot()
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                theta = self.optimizer.epoch(self.theta)
                ev = self._evaluate(theta) if np.all(np.isfinite(theta)) else None
            if self._diverged(ev):
                break
            self.theta = ev.theta
            self._record(ev)
            force = False
            if ev.gradient_norm <= self.config.tol:
                self.status, self.reason = CONVERGED, f"‖∇J‖ = {ev.gradient_norm:.3g} ≤ {self.config.tol:g}"
                break
            if self.optimizer.finished:
                self.status, self.reason = CONVERGED, f"{self.optimizer.label}: {self.optimizer.message}"
                break
            if self.epoch >= self.config.max_epochs:
                self.status, self.reason = MAX_EPOCHS, f"reached the maximum of {self.config.max_epochs} epochs"
                break
        return self.status

    def _diverged(self, ev: Evaluation | None) -> bool:
        limit = EXPLODE_FACTOR * max(self._first_loss, 1.0)
        if ev is None or not np.isfinite(ev.loss) or not np.all(np.isfinite(ev.gradient)):
            why = "θ or the loss became infinite or NaN"
        elif ev.loss > limit:
            why = f"the loss exploded from {self._first_loss:.4g} to {ev.loss:.4g}"
        else:
            return False
        self.status = DIVERGED
        self.reason = (f"diverged at epoch {self.epoch + 1}: {why}; the learning rate is probably "
                       "too large. θ of the last good epoch is kept.")
        self._snapshots.pop()
        return True

    # -- exact step back ---------------------------------------------------------------------------------
    def _snapshot(self) -> None:
        self._snapshots.append(self.optimizer.snapshot())
        if len(self._snapshots) > SNAPSHOTS_KEPT:
            self._snapshots.pop(0)

    def step_back(self) -> bool:
        """Undo the last epoch (θ, history and, for the last epochs kept, the optimizer state).
        Returns False at epoch 0."""
        if len(self.history) <= 1:
            return False
        self.history.truncate(len(self.history) - 1)
        self.theta = self.history.theta[-1].copy()
        if self._snapshots:
            self.optimizer.restore(self._snapshots.pop())
        self.status, self.reason = READY, ""
        self.last = self._evaluate(self.theta)
        return True

    # -- live changes ------------------------------------------------------------------------------------
    def set_hyper(self, **changes) -> None:
        """Change optimizer hyperparameters from the next epoch on, keeping its state."""
        self.optimizer.set_hyper(**changes)
        self.config.hyper.update(changes)

    def set_max_epochs(self, max_epochs: int) -> None:
        self.config.max_epochs = int(max_epochs)
        if self.status == MAX_EPOCHS and self.epoch < max_epochs:
            self.status, self.reason = READY, ""

    def set_tol(self, tol: float) -> None:
        self.config.tol = float(tol)
        self.optimizer.tol = float(tol)
        if self.status == CONVERGED and self.last.gradient_norm > tol:
            self.status, self.reason = READY, ""

    def set_data(self, data: Dataset) -> None:
        """Continue on edited data: θ keeps its meaning in original units, the optimizer its
        state. Raises DatasetError (and changes nothing) if the data cannot be trained on or
        have another number of features (that needs a new run)."""
        if data.d != self.data.d:
            raise DatasetError(f"the new data have {data.d} features where the run has {self.data.d}: "
                               "a new run is needed")
        theta_original = self.theta_original
        old = (self.data, self.train, self.test, self.features, self.objective, self.test_objective)
        try:
            self._build(data)
            self.optimizer.set_objective(self.objective)
        except Exception:
            (self.data, self.train, self.test, self.features, self.objective, self.test_objective) = old
            raise
        self.data = data
        self.theta = self.features.from_original(theta_original)
        self.last = self._evaluate(self.theta)
        if self.status != DIVERGED:
            self.status, self.reason = READY, ""
