"""Optimizers as steppable objects: ``epoch(θ)`` runs one epoch and returns the new θ.

An epoch is one pass over the training data: one step for full-batch methods, ⌈n/B⌉ steps for
mini-batch ones, one iteration for Newton's method and the scipy methods. Every optimizer
registers itself in ``OPTIMIZERS`` with its hyperparameters described as data (``params``), so the
command line and the side panel offer it without further code. ``state()`` exposes the internal
state (velocity, moments, step sizes) for the views.

Hyperparameters can change between epochs (``set_hyper``) without losing state, and the cost can
be replaced when the data change (``set_objective``): training goes on from where it is.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from scipy.optimize import minimize

from .errors import ConfigError
from .numerics import norm
from .objective import Objective
from .params import Param, resolve
from .registry import Registry
from .schedules import SCHEDULE_PARAMS, infer_schedule, learning_rate

OPTIMIZERS: Registry[type["Optimizer"]] = Registry("optimizer")


def _lr(default: float) -> Param:
    return Param("lr", default, "Learning rate η", "Step size of each update", "float", 1e-9, 1e9,
                 log=True, ui_range=(1e-5, 10.0))


def _batch(default: int) -> Param:
    return Param("batch_size", default, "Batch size",
                 "Points per update; 0 means the whole data set (full batch). Reshuffled every epoch.",
                 "int", 0, 1_000_000)


EPS = Param("eps", 1e-8, "ε", "Added to the denominator for numerical safety", "float", 1e-12, 1.0, log=True)


class Optimizer:
    """Base class. Subclasses set ``name``, ``label``, ``params`` and implement ``epoch``."""

    name: ClassVar[str]
    label: ClassVar[str]
    short: ClassVar[str]        # a few letters for names of runs ("Adam η = 0.05")
    params: ClassVar[tuple[Param, ...]] = ()
    family: ClassVar[str] = "gradient"
    # Attributes that make up the state restored by ``restore``. Updates replace these values
    # rather than change them in place, so a snapshot needs no copies.
    state_attributes: ClassVar[tuple[str, ...]] = ("epochs_done", "finished", "message")

    def __init__(self, objective: Objective, rng: np.random.Generator, tol: float = 1e-6,
                 horizon: int = 0, **hyper):
        reason = self.why_unsuitable(objective)
        if reason:
            raise ConfigError(reason)
        self.hyper: dict[str, Any] = self.settings(hyper)
        self.objective = objective
        self.rng = rng
        self.tol = tol
        self.horizon = horizon      # the run's maximum of epochs (a cosine schedule spans it)
        self.epochs_done = 0
        self.finished = False       # True once a method with a fixed sequence of iterates is done
        self.message = ""

    @classmethod
    def settings(cls, hyper: dict[str, Any]) -> dict[str, Any]:
        """``hyper`` completed with the defaults and validated; a decay given without a schedule
        means 1/t decay, as it did before there were schedules. Raises ConfigError."""
        return resolve(cls.params, infer_schedule(hyper), f"optimizer {cls.name!r}")

    @classmethod
    def why_unsuitable(cls, objective: Objective) -> str | None:
        """None if this optimizer can minimise ``objective``, else the reason in a sentence."""
        return None

    def set_hyper(self, **changes) -> None:
        """Change hyperparameters between epochs; the state (moments, velocity …) is kept."""
        unknown = [k for k in changes if k not in self.hyper]
        if unknown:
            raise ConfigError(f"optimizer {self.name!r} has no setting {unknown[0]!r}")
        by_name = {p.name: p for p in self.params}
        self.hyper.update({k: by_name[k].validate(v) for k, v in changes.items()})

    def set_objective(self, objective: Objective) -> None:
        """Continue on a new cost of the same θ length (the data were edited)."""
        reason = self.why_unsuitable(objective)
        if reason:
            raise ConfigError(reason)
        self.objective = objective

    def epoch(self, theta: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def state(self) -> dict[str, Any]:
        return {}

    def snapshot(self) -> dict[str, Any]:
        """Everything needed to continue exactly from here (hyperparameters excluded)."""
        snap = {name: getattr(self, name) for name in self.state_attributes}
        snap["rng"] = self.rng.bit_generator.state
        return snap

    def restore(self, snap: dict[str, Any]) -> None:
        snap = dict(snap)
        self.rng.bit_generator.state = snap.pop("rng")
        for name, value in snap.items():
            setattr(self, name, value)


# -- the gradient family -------------------------------------------------------------------------
class GradientMethod(Optimizer):
    """Updates θ from gradients of the smooth part of J, then applies the penalty's proximal
    step (soft-thresholding for L1) with the step size that update used."""

    params = (_lr(0.05), _batch(0), *SCHEDULE_PARAMS)

    def learning_rate(self) -> float:
        """η_t for the coming epoch t = ``epochs_done``, as the schedule gives it."""
        return learning_rate(self.hyper["lr"], self.epochs_done, self.hyper, self.horizon)

    def _batches(self):
        n, size = self.objective.n, int(self.hyper.get("batch_size", 0))
        if size <= 0 or size >= n:
            yield self.objective
            return
        order = self.rng.permutation(n)
        for start in range(0, n, size):
            yield self.objective.batch(order[start:start + size])

    def epoch(self, theta):
        lr = self.learning_rate()
        for objective in self._batches():
            theta, step = self.update(theta, objective.smooth_gradient, lr)
            theta = self.objective.prox(theta, step)
        self.epochs_done += 1
        return theta

    def update(self, theta: np.ndarray, gradient, lr: float) -> tuple[np.ndarray, Any]:
        """One update from ``gradient(θ)``; returns (new θ, the step size per coordinate)."""
        raise NotImplementedError

    def state(self):
        return {"learning rate": self.learning_rate()}


@OPTIMIZERS.register("gd")
class GradientDescent(GradientMethod):
    name, label, short = "gd", "Batch gradient descent", "GD"
    params = (_lr(0.05), *SCHEDULE_PARAMS)

    def update(self, theta, gradient, lr):
        return theta - lr * gradient(theta), lr


@OPTIMIZERS.register("sgd")
class StochasticGradientDescent(GradientDescent):
    name, label, short = "sgd", "Stochastic / mini-batch gradient descent", "SGD"
    params = (_lr(0.05), _batch(32), *SCHEDULE_PARAMS)


@OPTIMIZERS.register("momentum")
class Momentum(GradientMethod):
    """v ← μ v − η ∇J(θ);  θ ← θ + v."""

    name, label, short = "momentum", "Gradient descent with momentum", "Momentum"
    params = GradientMethod.params + (
        Param("momentum", 0.9, "Momentum μ", "Fraction of the previous step kept", "float", 0.0, 0.999),)

    state_attributes = Optimizer.state_attributes + ("velocity",)

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.velocity = np.zeros(self.objective.k)

    def _gradient_at(self, theta, gradient):
        return gradient(theta)

    def update(self, theta, gradient, lr):
        mu = self.hyper["momentum"]
        self.velocity = mu * self.velocity - lr * self._gradient_at(theta, gradient)
        return theta + self.velocity, lr

    def state(self):
        return {**super().state(), "velocity": self.velocity.copy()}


@OPTIMIZERS.register("nesterov")
class Nesterov(Momentum):
    """Momentum with the gradient taken at the look-ahead point θ + μ v."""

    name, label, short = "nesterov", "Nesterov accelerated gradient", "Nesterov"

    def _gradient_at(self, theta, gradient):
        return gradient(theta + self.hyper["momentum"] * self.velocity)


class ScaledByGradientSquares(GradientMethod):
    """θ ← θ − η g / (√s + ε), with s a running statistic of g² kept per coordinate."""

    state_attributes = Optimizer.state_attributes + ("squares",)
    squares_label: ClassVar[str]

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.squares = np.zeros(self.objective.k)

    def accumulate(self, squares: np.ndarray, g2: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _step_size(self, lr: float) -> np.ndarray:
        return lr / (np.sqrt(self.squares) + self.hyper["eps"])

    def update(self, theta, gradient, lr):
        g = gradient(theta)
        self.squares = self.accumulate(self.squares, g * g)
        step = self._step_size(lr)
        return theta - step * g, step

    def state(self):
        return {**super().state(), self.squares_label: self.squares.copy(),
                "step size": self._step_size(self.learning_rate())}


@OPTIMIZERS.register("adagrad")
class AdaGrad(ScaledByGradientSquares):
    """s ← s + g²: every coordinate's steps shrink with its history."""

    name, label, short = "adagrad", "AdaGrad", "AdaGrad"
    params = (_lr(0.5), _batch(0), *SCHEDULE_PARAMS, EPS)
    squares_label = "sum of squared gradients"

    def accumulate(self, squares, g2):
        return squares + g2


@OPTIMIZERS.register("rmsprop")
class RMSProp(ScaledByGradientSquares):
    """s ← ρ s + (1 − ρ) g²: a moving mean square, so old gradients fade."""

    name, label, short = "rmsprop", "RMSProp", "RMSProp"
    params = (_lr(0.01), _batch(0), *SCHEDULE_PARAMS,
              Param("rho", 0.9, "Decay ρ", "Weight of the past in the mean square", "float", 0.0, 0.9999), EPS)
    squares_label = "mean square gradient"

    def accumulate(self, squares, g2):
        rho = self.hyper["rho"]
        return rho * squares + (1.0 - rho) * g2


@OPTIMIZERS.register("adam")
class Adam(GradientMethod):
    """m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − η m̂ / (√v̂ + ε) with bias-corrected
    m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ), t counting updates."""

    name, label, short = "adam", "Adam", "Adam"
    params = (_lr(0.01), _batch(0), *SCHEDULE_PARAMS,
              Param("beta1", 0.9, "β₁", "Decay of the first moment (mean gradient)", "float", 0.0, 0.9999),
              Param("beta2", 0.999, "β₂", "Decay of the second moment (mean square gradient)", "float", 0.0, 0.99999),
              EPS)

    state_attributes = Optimizer.state_attributes + ("m", "v", "t")

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.m = np.zeros(self.objective.k)
        self.v = np.zeros(self.objective.k)
        self.t = 0

    def update(self, theta, gradient, lr):
        g = gradient(theta)
        b1, b2 = self.hyper["beta1"], self.hyper["beta2"]
        self.t += 1
        self.m = b1 * self.m + (1.0 - b1) * g
        self.v = b2 * self.v + (1.0 - b2) * g * g
        m_hat = self.m / (1.0 - b1**self.t)
        v_hat = self.v / (1.0 - b2**self.t)
        step = lr / (np.sqrt(v_hat) + self.hyper["eps"])
        return theta - step * m_hat, step

    def state(self):
        return {**super().state(), "first moment": self.m.copy(), "second moment": self.v.copy(),
                "updates": self.t}


# -- second order --------------------------------------------------------------------------------
# Newton's method forms the k × k Hessian: beyond this many bytes it is refused.
HESSIAN_LIMIT = 1 << 30


def _second_order_reason(objective: Objective) -> str | None:
    k = objective.k
    if 8 * k * k > HESSIAN_LIMIT:
        return (f"Newton's method would need a {k:,} × {k:,} Hessian ({8 * k * k / 1e9:,.0f} GB): "
                "use L-BFGS or a gradient method for this many weights")
    if not objective.loss_kind.has_hessian:
        return "Newton's method needs the cross-entropy loss (the squared-error cost is not convex)"
    if not objective.smooth:
        return "Newton's method cannot handle the L1 penalty (it has no second derivative at 0)"
    return None


@OPTIMIZERS.register("newton")
class Newton(Optimizer):
    """θ ← θ − H⁻¹ ∇J: iteratively reweighted least squares for the cross-entropy cost."""

    name, label, short = "newton", "Newton's method (IRLS)", "Newton"
    family = "newton"
    state_attributes = Optimizer.state_attributes + ("last_step",)

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.last_step = np.zeros(self.objective.k)

    @classmethod
    def why_unsuitable(cls, objective):
        return _second_order_reason(objective)

    def epoch(self, theta):
        g = self.objective.gradient(theta)
        H = self.objective.hessian(theta)
        self.epochs_done += 1
        if not (np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
            self.message = "the curvature (Hessian) exceeds the range of floating point"
            return np.full_like(theta, np.nan)
        try:
            self.last_step = np.linalg.solve(H, g)
        except np.linalg.LinAlgError:   # singular: separable data without a penalty
            try:
                self.last_step = np.linalg.lstsq(H, g, rcond=None)[0]
            except np.linalg.LinAlgError:
                self.message = "the Newton system cannot be solved (its scales differ too much)"
                return np.full_like(theta, np.nan)
        return theta - self.last_step

    def state(self):
        return {"newton step": self.last_step.copy()}


# -- scipy.optimize ------------------------------------------------------------------------------
class _OutOfRange(Exception):
    """The cost was asked at a θ where it is not finite."""


class ScipyMethod(Optimizer):
    """A method of ``scipy.optimize.minimize``, replayed one iterate per epoch.

    The first epoch solves the problem from θ, recording every iterate scipy reports; each epoch
    then moves to the next one, in order. When scipy stops short of the tolerance (a line search
    that lost precision), it is restarted from where it stopped, a few times at most. Editing the
    data starts a new solve from where θ is.
    """

    family = "scipy"
    method: ClassVar[str]
    state_attributes = Optimizer.state_attributes + ("_iterates", "_restarts", "_solved")
    MAX_RESTARTS = 20

    @classmethod
    def why_unsuitable(cls, objective):
        if not objective.smooth:
            return f"{cls.label} needs a differentiable cost: use L2 or no penalty with it"
        return None

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self._iterates: tuple = ()
        self._restarts = 0
        self._solved = False

    def set_objective(self, objective):
        super().set_objective(objective)
        self._iterates, self._restarts, self._solved, self.finished = (), 0, False, False

    def _solve(self, theta: np.ndarray) -> None:
        iterates: list = []

        def record(intermediate_result):
            iterates.append(np.array(intermediate_result.x, dtype=np.float64))

        def loss_gradient(t):
            loss, gradient = self.objective.loss_gradient(t)
            if not (np.isfinite(loss) and np.all(np.isfinite(gradient))):
                raise _OutOfRange
            return loss, gradient

        gtol = self.tol / np.sqrt(self.objective.k)   # scipy tests the largest component
        options = {"maxiter": 100_000, "gtol": gtol}
        if self.method == "L-BFGS-B":
            options["ftol"] = 0.0
        try:
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                result = minimize(loss_gradient, theta, jac=True, method=self.method,
                                  callback=record, options=options)
        except _OutOfRange:
            # A line search tried a θ whose loss is beyond floating point: the iterates so far stand.
            self.message = "a trial step left the range of floating point"
            self._iterates, self._solved = tuple(iterates), False
            return
        self.message = str(result.message)
        self._iterates = tuple(iterates)
        self._solved = bool(result.success)

    def epoch(self, theta):
        if not self._iterates and not self.finished:
            self._solve(theta)
        if self._iterates:
            theta, self._iterates = self._iterates[0], self._iterates[1:]
            self.epochs_done += 1
        if not self._iterates:
            stuck = self._solved or self._restarts >= self.MAX_RESTARTS
            if stuck or norm(self.objective.gradient(theta)) <= self.tol:
                self.finished = True
            else:
                self._restarts += 1
        return theta

    def state(self):
        return {"iterates left": len(self._iterates), "restarts": self._restarts}


@OPTIMIZERS.register("cg")
class ConjugateGradient(ScipyMethod):
    name, label, short, method = "cg", "Conjugate gradient (scipy)", "CG", "CG"


@OPTIMIZERS.register("bfgs")
class BFGS(ScipyMethod):
    name, label, short, method = "bfgs", "BFGS (scipy)", "BFGS", "BFGS"


@OPTIMIZERS.register("lbfgs")
class LBFGS(ScipyMethod):
    name, label, short, method = "lbfgs", "L-BFGS (scipy)", "L-BFGS", "L-BFGS-B"
