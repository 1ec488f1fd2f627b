"""A training run: data, feature maps, cost, optimizer and θ, stepped epoch by epoch with a history.

The run never raises for numerical trouble: a non-finite or exploding loss ends it with status
"diverged", the last finite θ kept and the reason in ``reason``.

A run may change course while it trains: the data are edited, a hyperparameter or the tolerance
changes. Each such change starts a new *segment* (the data and settings in force from that epoch
on), and every history row names the segment that trained it. Checkpoints of the optimizer's
state are kept at every segment start and every ``CHECKPOINT_EVERY`` epochs, so ``rewind`` can
return to any recorded epoch exactly, whatever the optimizer: it restores the nearest checkpoint
and replays the few epochs after it (runs are seeded, so the replay gives the same bits). Past
``CHECKPOINTS_KEPT`` checkpoints, every other one is dropped and the interval doubles, so a run of
millions of epochs keeps a bounded number (and replays at most a few hundred epochs).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, replace

import numpy as np

from .anatomy import Anatomy, point_terms
from .config import RunConfig
from .dataset import Dataset
from .diagnose import SEPARABLE_REASON, OscillationWatch, penalised
from .errors import ConfigError, DatasetError
from .history import History, part_columns
from .metrics import accuracy_at
from .numerics import sigmoid
from .objective import Evaluation
from .optimizers import OPTIMIZERS
from .problem import Problem, build_problem, model_key, split_data  # noqa: F401  (split_data: API)

READY, CONVERGED, MAX_EPOCHS, DIVERGED = "ready", "converged", "max_epochs", "diverged"
STALLED = "stalled"             # the optimizer stopped before the tolerance was met
TERMINAL = (CONVERGED, MAX_EPOCHS, DIVERGED, STALLED)

# A loss this many times above max(J(θ₀), 1) counts as exploding.
EXPLODE_FACTOR = 1e3
CHECKPOINT_EVERY = 64
CHECKPOINTS_KEPT = 4096


def _accuracies(problem: Problem, theta: np.ndarray, threshold: float) -> tuple[float, float]:
    """(training accuracy, test accuracy or NaN) of θ (training units) on ``problem``'s rows."""
    train = accuracy_at(problem.train.y, problem.features.decision(theta, problem.train.X), threshold)
    test = float("nan")
    if problem.test is not None:
        test = accuracy_at(problem.test.y, problem.features.decision(theta, problem.test.X), threshold)
    return train, test


def _parts(problem: Problem) -> int:
    """How many models' losses a run of ``problem`` records: K for one-vs-rest, else 0."""
    return problem.objective.classes if hasattr(problem.objective, "class_losses") else 0


def same_course(a: RunConfig, b: RunConfig) -> bool:
    """Whether two settings train the same way (they may differ in where training stops)."""
    return replace(a, max_epochs=0).as_dict() == replace(b, max_epochs=0).as_dict()


@dataclass(frozen=True, eq=False)
class Segment:
    """From the state at epoch ``start`` on, the run trained on ``data`` with ``config`` (a private
    copy, never changed)."""

    start: int
    data: Dataset
    config: RunConfig


@dataclass(frozen=True, eq=False)
class Checkpoint:
    """The state after ``epoch``: θ in the training units of ``segment``, the optimizer's state."""

    epoch: int
    segment: int
    theta: np.ndarray
    optimizer: dict


class TrainingRun:
    """Trains logistic regression on ``data`` as ``config`` says.

    ``theta`` is in training units (over standardised columns when standardisation is on);
    ``theta_original`` in original feature units. ``history`` holds one row per epoch, epoch 0
    being the start. ``data`` and ``config`` are what the next epoch trains with.
    """

    def __init__(self, data: Dataset, config: RunConfig | None = None, problem: Problem | None = None):
        """``problem``, when given, is the problem ``data`` and ``config`` make, built elsewhere
        (a cost over rows held on a Dask cluster, with ``data`` their names and labels only)."""
        config = copy.deepcopy(config or RunConfig()).validate()
        self._start(data, config, problem if problem is not None else build_problem(data, config))

    def _start(self, data: Dataset, config: RunConfig, problem: Problem) -> None:
        """Everything at epoch 0, as a new run on ``data`` with ``config`` would have it."""
        self.data, self.config, self.problem = data, config, problem
        self.theta = self._initial_theta(problem)
        self._require_finite_start(problem)
        self.optimizer = OPTIMIZERS.get(config.optimizer)(
            problem.objective, np.random.default_rng([config.seed, 4]), config.tol, config.max_epochs,
            **config.hyper)
        self.status = READY
        self.reason = ""
        self.segments = [Segment(0, data, copy.deepcopy(config))]
        self._problems = {0: problem}
        self._checkpoints: list[Checkpoint] = []
        self._checkpoint_every = CHECKPOINT_EVERY
        self._watch = OscillationWatch()
        self._separable: dict[int, bool | None] = {}
        self.history = History(problem.k, parts=_parts(problem))
        self._first_loss: float | None = None
        # θ₀ given in original units is recorded as given (converting it there and back may move
        # the last bit)
        given = None if isinstance(config.init, str) else np.array(config.init, dtype=np.float64)
        self._record(self._evaluate(self.theta), given)
        self._checkpoint()

    def _initial_theta(self, problem: Problem) -> np.ndarray:
        k = problem.k
        init = self.config.init
        if isinstance(init, str):
            if init == "zero":
                return np.zeros(k)
            return np.random.default_rng([self.config.seed, 3]).normal(0.0, 0.5, k)
        theta = np.asarray(init, dtype=np.float64)
        if theta.shape != (k,):
            raise DatasetError(f"the starting θ needs {k} numbers (b and {k - 1} weights), got {theta.size}")
        return problem.features.from_original(theta)

    def _require_finite_start(self, problem: Problem) -> None:
        """Refuse a start whose θ, loss or gradient cannot be represented (a start θ near 1e308,
        features whose sums overflow): training from it could only report infinities."""
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            ev = problem.objective.evaluate(self.theta) if np.all(np.isfinite(self.theta)) else None
            original = problem.features.to_original(self.theta)
        if ev is not None and np.isfinite(ev.loss) and np.all(np.isfinite(ev.gradient)) \
                and np.all(np.isfinite(original)):
            return
        if not isinstance(self.config.init, str):
            raise ConfigError("the starting θ is too large: the loss or θ in training units exceeds "
                              "the range of floating point")
        raise DatasetError("the gradient at the start exceeds the range of floating point"
                           + (f" ({problem.scale_advice()})" if problem.scale_advice() else ""))

    # -- facts ---------------------------------------------------------------------------------------
    @property
    def epoch(self) -> int:
        return len(self.history) - 1

    @property
    def theta_original(self) -> np.ndarray:
        return self.problem.features.to_original(self.theta)

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL

    @property
    def train(self) -> Dataset:
        return self.problem.train

    @property
    def test(self) -> Dataset | None:
        return self.problem.test

    @property
    def features(self):
        return self.problem.features

    @property
    def objective(self):
        return self.problem.objective

    @property
    def test_objective(self):
        return self.problem.test_objective

    def feature_names(self) -> tuple[str, ...]:
        """Names of the weights in ``theta_original`` (after the bias)."""
        return self.problem.feature_names()

    def theta_names(self) -> tuple[str, ...]:
        """A name for every number of θ (see Problem.theta_names)."""
        return self.problem.theta_names()

    def decision_function(self, X: np.ndarray) -> np.ndarray:
        """z = θᵀ(1, features(x)) for raw inputs X (n, d); shape (n,), or (n, K) with a block per
        class."""
        return self.features.decision(self.theta, X)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return sigmoid(self.decision_function(X))

    @property
    def warning(self) -> str:
        """A remark on a run that goes on but goes badly (an oscillating loss), or ""."""
        if self.optimizer.family == "gradient" and not self.finished and self._watch.oscillating:
            return self._watch.message()
        return ""

    def segment_at(self, epoch: int) -> int:
        """The index of the segment whose state ``epoch`` belongs to (the last one starting at or
        before it)."""
        for s in range(len(self.segments) - 1, -1, -1):
            if self.segments[s].start <= epoch:
                return s
        return 0

    def problem_of(self, segment: int) -> Problem:
        """The problem segment ``segment`` trained on (rebuilt if it is no longer kept)."""
        problem = self._problems.get(segment)
        if problem is None:
            seg = self.segments[segment]
            problem = build_problem(seg.data, seg.config)
            self._problems[segment] = problem
        return problem

    def accuracy_at(self, epoch: int, threshold: float) -> tuple[float, float]:
        """(training accuracy, test accuracy or NaN) of the θ recorded at ``epoch`` when a point is
        predicted as class 1 for p ≥ ``threshold``, on the rows that epoch was trained on."""
        problem = self.problem_of(int(self.history.at("segment", epoch)))
        return _accuracies(problem, self.history.at("theta", epoch), threshold)

    def accuracy_now(self, threshold: float) -> tuple[float, float]:
        """(training accuracy, test accuracy or NaN) of θ now on the rows the next epoch trains on
        (after the data changed, θ of the last epoch on the new data)."""
        return _accuracies(self.problem, self.theta, threshold)

    def learning_rate(self) -> float:
        """η of the coming epoch (NaN for an optimizer without a learning rate)."""
        rate = getattr(self.optimizer, "learning_rate", None)
        return rate() if rate is not None else float("nan")

    # -- stepping --------------------------------------------------------------------------------------
    def _evaluate(self, theta: np.ndarray) -> Evaluation:
        return self.problem.objective.evaluate(theta)

    def _record(self, ev: Evaluation, original: np.ndarray | None = None) -> None:
        test_loss = test_acc = np.nan
        if self.problem.test_objective is not None:
            tev = self.problem.test_objective.evaluate(ev.theta)
            test_loss, test_acc = tev.loss, tev.accuracy
        if original is None:
            original = self.features.to_original(ev.theta)
        parts = {}
        if self.history.parts and _parts(self.problem) == self.history.parts:
            parts = dict(zip(part_columns(self.history.parts), self.problem.objective.class_losses(ev.theta)))
        self.history.append(theta=ev.theta, theta_original=original,
                            loss=ev.loss, grad_norm=ev.gradient_norm, accuracy=ev.accuracy,
                            test_loss=test_loss, test_accuracy=test_acc, lr=self.learning_rate(),
                            segment=len(self.segments) - 1, **parts)
        if self._first_loss is None:
            self._first_loss = ev.loss
        self._watch.add(ev.loss)
        self.last = ev

    def _checkpoint(self) -> None:
        self._checkpoints.append(Checkpoint(self.epoch, len(self.segments) - 1, self.theta.copy(),
                                            self.optimizer.snapshot()))
        if len(self._checkpoints) > CHECKPOINTS_KEPT + len(self.segments):
            self._checkpoint_every *= 2
            self._checkpoints = [c for c in self._checkpoints
                                 if c.epoch % self._checkpoint_every == 0 or c.epoch == self.segments[c.segment].start]

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
                self._stop_at_max()
                break
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                theta = self.optimizer.epoch(self.theta)
                ev = self._evaluate(theta) if np.all(np.isfinite(theta)) else None
                original = None if ev is None else self.features.to_original(ev.theta)
            if self._diverged(ev, original):
                break
            self.theta = ev.theta
            self._record(ev, original)
            if self.epoch % self._checkpoint_every == 0:
                self._checkpoint()
            force = False
            if ev.gradient_norm <= self.config.tol:
                self.status, self.reason = CONVERGED, f"‖∇J‖ = {ev.gradient_norm:.3g} ≤ {self.config.tol:g}"
                break
            if self.optimizer.finished:
                self._stall(ev)
                break
            if self.epoch >= self.config.max_epochs:
                self._stop_at_max()
                break
        return self.status

    def _stall(self, ev: Evaluation) -> None:
        """The optimizer can go no further although ‖∇J‖ is above the tolerance."""
        self.status = STALLED
        self.reason = (f"{self.optimizer.label} stopped with ‖∇J‖ = {ev.gradient_norm:.3g} above the "
                       f"tolerance {self.config.tol:g} ({self.optimizer.message.rstrip(': ') or 'no reason given'})")
        advice = self.problem.scale_advice()
        self.reason += f"; {advice}" if advice else "; Newton's method or standardised features may get further"

    def _stop_at_max(self) -> None:
        self.status = MAX_EPOCHS
        self.reason = f"reached the maximum of {self.config.max_epochs} epochs"
        if self.problem_separable():
            self.reason += f"; {SEPARABLE_REASON}"

    def problem_separable(self) -> bool:
        """Whether the current problem has no finite optimum because its classes are separable."""
        s = len(self.segments) - 1
        if s not in self._separable:
            self._separable[s] = None if penalised(self.objective) else self.problem.separable()
        return bool(self._separable[s])

    def _diverged(self, ev: Evaluation | None, original: np.ndarray | None) -> bool:
        limit = EXPLODE_FACTOR * max(self._first_loss, 1.0)
        if ev is None or not np.isfinite(ev.loss) or not np.all(np.isfinite(ev.gradient)):
            why = "θ or the loss became infinite or NaN"
        elif ev.loss > limit:
            why = f"the loss exploded from {self._first_loss:.4g} to {ev.loss:.4g}"
        elif not np.all(np.isfinite(original)):
            why = "θ in the data's units exceeds the range of floating point"
        else:
            return False
        self.status = DIVERGED
        self.reason = f"at epoch {self.epoch + 1} {why}; {self._cure()}. θ of the last good epoch is kept."
        return True

    def _cure(self) -> str:
        """What probably went wrong when a run diverged, in words that fit its optimizer."""
        if self.optimizer.family != "gradient" and self.optimizer.message:
            cause = f"{self.optimizer.label}: {self.optimizer.message}"
            advice = self.problem.scale_advice()
            return f"{cause}; {advice}" if advice else cause
        advice = self.problem.scale_advice()
        if advice:
            return advice
        if self.optimizer.family == "gradient":
            return "the learning rate is probably too large"
        return "the numbers left the range of floating point (the data may be badly scaled)"

    # -- going back exactly ------------------------------------------------------------------------------
    def rewind(self, epoch: int) -> None:
        """Make ``epoch`` the last epoch, with θ and the optimizer's state exactly as they were
        then (history rows after it are dropped), and continue from there on the current data and
        settings (a new segment starts if they differ from those ``epoch`` was trained with)."""
        epoch = max(0, min(int(epoch), self.epoch))
        s = self.segment_at(epoch)
        problem = self.problem_of(s)
        seg = self.segments[s]
        theta = self._replay(self.optimizer, epoch)
        self.history.truncate(epoch + 1)
        if not self.history.exact(epoch):
            self.history.replace_last(theta=theta, theta_original=problem.features.to_original(theta))
        del self.segments[s + 1:]
        self._problems = {i: p for i, p in self._problems.items() if i <= s}
        self._separable = {i: v for i, v in self._separable.items() if i <= s}
        self._checkpoints = [c for c in self._checkpoints if c.epoch <= epoch and c.segment <= s]
        self.problem, self.theta = problem, theta
        self.status, self.reason = READY, ""
        self._watch.reset(self.history.rows("loss", max(0, epoch - self._watch.window)))
        self.last = self._evaluate(theta)
        if seg.data is not self.data or not same_course(seg.config, self.config):
            self._switch(self.data, self.config)

    def _replay(self, optimizer, epoch: int) -> np.ndarray:
        """Put ``optimizer`` in the state it had after ``epoch`` (nearest checkpoint, then the
        epochs after it again); returns θ then (training units of that epoch's segment)."""
        s = self.segment_at(epoch)
        cp = next(c for c in reversed(self._checkpoints) if c.segment == s and c.epoch <= epoch)
        seg = self.segments[s]
        optimizer.set_objective(self.problem_of(s).objective)
        optimizer.hyper = dict(seg.config.hyper)
        optimizer.tol = seg.config.tol
        optimizer.restore(cp.optimizer)
        theta = cp.theta.copy()
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            for _ in range(cp.epoch, epoch):
                theta = optimizer.epoch(theta)
        return theta

    def anatomy(self, epoch: int, point: tuple[np.ndarray, float] | None = None) -> Anatomy:
        """The update after the recorded ``epoch`` taken apart (exactly as the run makes or made
        it), with the terms of ``point`` = (x (d,), label) at θ then. The run is not changed.
        Raises ConfigError for a model of more than two classes."""
        if self.data.classes > 2:
            raise ConfigError(f"the equations take a two-class model apart; these data have {self.data.classes} "
                              "classes (the coefficients dock lists every class's θ)")
        epoch = max(0, min(int(epoch), self.epoch))
        s = self.segment_at(epoch)
        problem = self.problem_of(s)
        optimizer = self.optimizer.copy()
        if epoch == self.epoch and self.status != DIVERGED and s == len(self.segments) - 1:
            theta = self.theta.copy()
        else:
            theta = self._replay(optimizer, epoch)
        objective = problem.objective
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            loss, gradient = objective.loss_gradient(theta)
            update = optimizer.anatomy(theta)
            following = optimizer.copy().epoch(theta)
        moved = np.all(np.isfinite(following)) and not np.array_equal(following, theta)
        terms = None if point is None else point_terms(problem.features, objective.loss_kind, theta, *point)
        return Anatomy(
            epoch, optimizer.label, theta, problem.features.to_original(theta), problem.feature_names(),
            problem.features.standardized, float(loss), gradient, objective.n,
            following if moved else None, update, objective.loss_kind.name, objective.penalty.name,
            objective.lam, problem is self.problem, terms, float(self.history.at("loss", epoch)))

    def step_back(self) -> bool:
        """Undo the last epoch exactly. Returns False at epoch 0."""
        if self.epoch == 0:
            return False
        self.rewind(self.epoch - 1)
        return True

    # -- live changes ------------------------------------------------------------------------------------
    def _problem_for(self, data: Dataset, config: RunConfig) -> Problem:
        """The current problem when ``data`` and the model settings are unchanged, else a new one."""
        if data is self.problem.data and model_key(config) == model_key(self.segments[-1].config):
            return self.problem
        return build_problem(data, config)

    def _switch(self, data: Dataset, config: RunConfig) -> None:
        """Train on ``data`` with ``config`` from the current epoch on: a new segment. θ keeps its
        meaning in original units, the optimizer its state. Raises (and changes nothing) if the
        data or settings cannot be used."""
        problem = self._problem_for(data, config)
        if self.epoch == 0:
            self._start(data, config, problem)
            return
        theta_original = self.features.to_original(self.theta)
        if problem is not self.problem:
            self.optimizer.set_objective(problem.objective)
        self.optimizer.hyper = dict(config.hyper)
        self.optimizer.tol = config.tol
        segment = Segment(self.epoch, data, copy.deepcopy(config))
        if self.segments[-1].start == self.epoch:          # nothing trained in the last one: replace it
            s = len(self.segments) - 1
            self.segments[s] = segment
            self._checkpoints = [c for c in self._checkpoints if c.segment < s]
            self._separable.pop(s, None)
        else:
            self.segments.append(segment)
        self._problems[len(self.segments) - 1] = problem
        if problem is not self.problem:     # the same problem keeps θ bit for bit (no round trip)
            self.theta = problem.features.from_original(theta_original)
        self.problem = problem
        self._checkpoint()
        self.last = self._evaluate(self.theta)

    def set_data(self, data: Dataset) -> None:
        """Continue on edited data: θ keeps its meaning in original units, the optimizer its
        state. Raises DatasetError (and changes nothing) if the data cannot be trained on or
        have another number of features (that needs a new run)."""
        if data.d != self.data.d:
            raise DatasetError(f"the new data have {data.d} features where the run has {self.data.d}: "
                               "a new run is needed")
        if data.classes != self.data.classes:
            raise DatasetError(f"the new data have {data.classes} classes where the run has {self.data.classes}: "
                               "a new run is needed")
        if self.status == DIVERGED:
            self.rewind(self.epoch)
        self._switch(data, self.config)
        self.data = data
        self.status, self.reason = READY, ""

    def set_hyper(self, **changes) -> None:
        """Change optimizer hyperparameters from the next epoch on, keeping its state. A diverged
        run goes back to its last good epoch and may go on from there."""
        by_name = {p.name: p for p in self.optimizer.params}
        unknown = [k for k in changes if k not in by_name]
        if unknown:
            raise ConfigError(f"optimizer {self.config.optimizer!r} has no setting {unknown[0]!r}")
        hyper = {**self.config.hyper, **{k: by_name[k].validate(v) for k, v in changes.items()}}
        self.change_course(replace(self.config, hyper=hyper))

    def set_tol(self, tol: float) -> None:
        self.change_course(replace(self.config, tol=float(tol)))
        if self.status == CONVERGED and self.last.gradient_norm > tol:
            self.status, self.reason = READY, ""

    def change_course(self, config: RunConfig) -> None:
        """Train with ``config`` from the next epoch on, where it differs from the current settings
        only in hyperparameters, tolerance or maximum epochs (anything else needs a new run). A
        diverged run first goes back to its last good epoch."""
        config = copy.deepcopy(config)
        if not same_course(replace(config, hyper=self.config.hyper, tol=self.config.tol), self.config):
            raise ConfigError("a new optimizer or model needs a new run")
        self.config = config
        if self.status == DIVERGED:
            self.rewind(self.epoch)
        else:
            self._switch(self.data, config)

    def set_max_epochs(self, max_epochs: int) -> None:
        """The maximum decides only where the run stops, so no new segment starts."""
        self.config = replace(self.config, max_epochs=int(max_epochs))
        self.optimizer.horizon = self.config.max_epochs
        if self.status == MAX_EPOCHS and self.epoch < max_epochs:
            self.status, self.reason = READY, ""

    # -- copies ---------------------------------------------------------------------------------------------
    def clone(self) -> "TrainingRun":
        """An independent run in the same state, sharing the immutable data and problems."""
        other = copy.copy(self)
        other.config = copy.deepcopy(self.config)
        other.history = self.history.copy()
        other.segments = list(self.segments)
        other._problems = dict(self._problems)
        other._separable = dict(self._separable)
        other._checkpoints = list(self._checkpoints)
        other._watch = copy.deepcopy(self._watch)
        other.optimizer = self.optimizer.copy()
        other.theta = self.theta.copy()
        return other
