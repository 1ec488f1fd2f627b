"""Optimizers as steppable objects: ``epoch(θ)`` runs one epoch and returns the new θ.

An epoch is one pass over the training data: one step for full-batch methods, ⌈n/B⌉ steps for
mini-batch ones, one iteration for Newton's method and the scipy methods. Every optimizer
registers itself in ``OPTIMIZERS`` with its hyperparameters described as data (``params``), so the
command line and the side panel offer it without further code. ``anatomy(θ)`` takes its next
update apart (its rule, the numbers in it, its velocity, step sizes or search direction) for the
live equations and the landscape.

Hyperparameters can change between epochs (``set_hyper``) without losing state, and the cost can
be replaced when the data change (``set_objective``): training goes on from where it is.
"""

from __future__ import annotations

import copy
from typing import Any, ClassVar

import numpy as np

from .anatomy import Term, UpdateRule, bfgs_direction, cg_direction, lbfgs_direction
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


# the settings that appear in an update rule, shown with its numbers (μ, ρ, β₁, β₂, ε)
RULE_SETTINGS = ("momentum", "rho", "beta1", "beta2", "eps")

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

    def anatomy(self, theta: np.ndarray) -> UpdateRule:
        """The next update from ``theta`` taken apart. The trajectory is not changed (a method may
        compute ahead what its next epoch would: scipy's solve)."""
        raise NotImplementedError

    def copy(self) -> "Optimizer":
        """An independent optimizer in the same state (its random stream included)."""
        other = copy.copy(self)
        other.hyper = dict(self.hyper)
        other.rng = np.random.default_rng()
        other.rng.bit_generator.state = self.rng.bit_generator.state
        return other

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

    def update(self, theta: np.ndarray, gradient, lr: float, terms: dict | None = None
               ) -> tuple[np.ndarray, Any]:
        """One update from ``gradient(θ)``; returns (new θ, the step size per coordinate). A dict
        given as ``terms`` receives the quantities of the update by name."""
        raise NotImplementedError

    # The rule's formulas, and the entries of ``terms`` it shows: (name, symbol, meaning).
    rule: ClassVar[tuple[str, ...]]
    shown_terms: ClassVar[tuple[tuple[str, str, str], ...]] = ()

    def anatomy(self, theta):
        """The next update as if on the whole data (the first update of the next epoch when the
        batch is the whole data set)."""
        terms: dict = {}
        lr = self.learning_rate()
        self.copy().update(theta, self.objective.smooth_gradient, lr, terms)
        notes = []
        size = int(self.hyper.get("batch_size", 0))
        if 0 < size < self.objective.n:
            notes.append(f"shown with the whole data's gradient; the epoch makes "
                         f"{-(-self.objective.n // size)} updates on mini-batches of {size}")
        if not self.objective.smooth:
            notes.append("each update is followed by the L1 soft-threshold step")
        settings = tuple(Term(p.label.split()[-1], p.help, self.hyper[p.name]) for p in self.params
                         if p.name in RULE_SETTINGS)
        shown = (Term("η", "learning rate of this epoch", lr), *settings) + tuple(
            Term(symbol, meaning, terms[name]) for name, symbol, meaning in self.shown_terms)
        return UpdateRule(self.rule, shown, "; ".join(notes), lr, momentum=terms.get("carried"),
                          step_sizes=terms.get("step_sizes"), scaled=terms.get("scaled"))


@OPTIMIZERS.register("gd")
class GradientDescent(GradientMethod):
    name, label, short = "gd", "Batch gradient descent", "GD"
    params = (_lr(0.05), *SCHEDULE_PARAMS)
    rule = ("θ ← θ − η ∇J(θ)",)
    shown_terms = (("g", "∇J(θ)", "gradient"),)

    def update(self, theta, gradient, lr, terms=None):
        g = gradient(theta)
        if terms is not None:
            terms["g"] = g
        return theta - lr * g, lr


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
    rule = ("v ← μ v − η ∇J(θ)", "θ ← θ + v")
    shown_terms = (("velocity", "v", "velocity carried in"), ("g", "∇J", "the gradient it adds"),
                   ("new_velocity", "v′", "new velocity: the step"))

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.velocity = np.zeros(self.objective.k)

    def _gradient_at(self, theta, gradient):
        return gradient(theta)

    def update(self, theta, gradient, lr, terms=None):
        mu = self.hyper["momentum"]
        g = self._gradient_at(theta, gradient)
        if terms is not None:
            terms.update(velocity=self.velocity, g=g, carried=mu * self.velocity)
        self.velocity = mu * self.velocity - lr * g
        if terms is not None:
            terms["new_velocity"] = self.velocity
        return theta + self.velocity, lr


@OPTIMIZERS.register("nesterov")
class Nesterov(Momentum):
    """Momentum with the gradient taken at the look-ahead point θ + μ v."""

    name, label, short = "nesterov", "Nesterov accelerated gradient", "Nesterov"
    rule = ("v ← μ v − η ∇J(θ + μ v)", "θ ← θ + v")
    shown_terms = (("velocity", "v", "velocity carried in"),
                   ("g", "∇J(θ + μv)", "the gradient at the look-ahead point"),
                   ("new_velocity", "v′", "new velocity: the step"))

    def _gradient_at(self, theta, gradient):
        return gradient(theta + self.hyper["momentum"] * self.velocity)


class ScaledByGradientSquares(GradientMethod):
    """θ ← θ − η g / (√s + ε), with s a running statistic of g² kept per coordinate."""

    state_attributes = Optimizer.state_attributes + ("squares",)

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.squares = np.zeros(self.objective.k)

    def accumulate(self, squares: np.ndarray, g2: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def _step_size(self, lr: float) -> np.ndarray:
        return lr / (np.sqrt(self.squares) + self.hyper["eps"])

    def update(self, theta, gradient, lr, terms=None):
        g = gradient(theta)
        self.squares = self.accumulate(self.squares, g * g)
        step = self._step_size(lr)
        if terms is not None:
            terms.update(g=g, squares=self.squares, step_sizes=step, scaled=g)
        return theta - step * g, step


@OPTIMIZERS.register("adagrad")
class AdaGrad(ScaledByGradientSquares):
    """s ← s + g²: every coordinate's steps shrink with its history."""

    name, label, short = "adagrad", "AdaGrad", "AdaGrad"
    params = (_lr(0.5), _batch(0), *SCHEDULE_PARAMS, EPS)
    rule = ("s ← s + g²", "θ ← θ − η g / (√s + ε)")
    shown_terms = (("g", "g", "gradient ∇J(θ)"), ("squares", "s", "sum of squared gradients"),
                   ("step_sizes", "η / (√s + ε)", "step size of each coordinate"))

    def accumulate(self, squares, g2):
        return squares + g2


@OPTIMIZERS.register("rmsprop")
class RMSProp(ScaledByGradientSquares):
    """s ← ρ s + (1 − ρ) g²: a moving mean square, so old gradients fade."""

    name, label, short = "rmsprop", "RMSProp", "RMSProp"
    params = (_lr(0.01), _batch(0), *SCHEDULE_PARAMS,
              Param("rho", 0.9, "Decay ρ", "Weight of the past in the mean square", "float", 0.0, 0.9999), EPS)
    rule = ("s ← ρ s + (1 − ρ) g²", "θ ← θ − η g / (√s + ε)")
    shown_terms = (("g", "g", "gradient ∇J(θ)"), ("squares", "s", "mean square gradient"),
                   ("step_sizes", "η / (√s + ε)", "step size of each coordinate"))

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
    rule = ("m ← β₁ m + (1 − β₁) g", "v ← β₂ v + (1 − β₂) g²",
            "m̂ = m / (1 − β₁ᵗ),   v̂ = v / (1 − β₂ᵗ)", "θ ← θ − η m̂ / (√v̂ + ε)")
    shown_terms = (("g", "g", "gradient ∇J(θ)"), ("t", "t", "updates, this one included"),
                   ("m", "m", "first moment (mean gradient)"),
                   ("v", "v", "second moment (mean square gradient)"),
                   ("m_hat", "m̂", "bias-corrected first moment"),
                   ("v_hat", "v̂", "bias-corrected second moment"),
                   ("step_sizes", "η / (√v̂ + ε)", "step size of each coordinate"))

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.m = np.zeros(self.objective.k)
        self.v = np.zeros(self.objective.k)
        self.t = 0

    def update(self, theta, gradient, lr, terms=None):
        g = gradient(theta)
        b1, b2 = self.hyper["beta1"], self.hyper["beta2"]
        self.t += 1
        self.m = b1 * self.m + (1.0 - b1) * g
        self.v = b2 * self.v + (1.0 - b2) * g * g
        m_hat = self.m / (1.0 - b1**self.t)
        v_hat = self.v / (1.0 - b2**self.t)
        step = lr / (np.sqrt(v_hat) + self.hyper["eps"])
        if terms is not None:
            terms.update(g=g, t=self.t, m=self.m, v=self.v, m_hat=m_hat, v_hat=v_hat,
                         step_sizes=step, scaled=m_hat)
        return theta - step * m_hat, step


# -- second order --------------------------------------------------------------------------------
# Newton's method forms the k × k Hessian: beyond this many bytes it is refused.
HESSIAN_LIMIT = 1 << 30
HESSIAN_SHOWN = 64          # the live equations and the landscape get Newton's Hessian up to this k


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

    rule = ("H = ∇²J(θ) = (1/n) Σ pᵢ(1 − pᵢ) φᵢ φᵢᵀ  (+ λ/n on w)", "solve  H Δ = ∇J(θ)", "θ ← θ − Δ")

    def _step(self, theta) -> tuple[np.ndarray, np.ndarray | None, str]:
        """(H, the step H⁻¹∇J or None, why there is none) at ``theta``."""
        g = self.objective.gradient(theta)
        H = self.objective.hessian(theta)
        if not (np.all(np.isfinite(g)) and np.all(np.isfinite(H))):
            return H, None, "the curvature (Hessian) exceeds the range of floating point"
        try:
            return H, np.linalg.solve(H, g), ""
        except np.linalg.LinAlgError:   # singular: separable data without a penalty
            try:
                return H, np.linalg.lstsq(H, g, rcond=None)[0], ""
            except np.linalg.LinAlgError:
                return H, None, "the Newton system cannot be solved (its scales differ too much)"

    def epoch(self, theta):
        self.epochs_done += 1
        _H, step, why = self._step(theta)
        if step is None:
            self.message = why
            return np.full_like(theta, np.nan)
        self.last_step = step
        return theta - step

    def anatomy(self, theta):
        H, step, why = self._step(theta)
        terms = () if step is None else (Term("Δ", "Newton step H⁻¹∇J", step),)
        if self.objective.k > HESSIAN_SHOWN:        # a large matrix is neither shown nor sent
            return UpdateRule(self.rule, terms, why or f"the {self.objective.k} × {self.objective.k} Hessian is not shown")
        return UpdateRule(self.rule, (Term("H", "Hessian", H), *terms), why, hessian=H)


# -- scipy.optimize ------------------------------------------------------------------------------
class _OutOfRange(Exception):
    """The cost was asked at a θ where it is not finite."""


class ScipyMethod(Optimizer):
    """A method of ``scipy.optimize.minimize``, replayed one iterate per epoch.

    The first epoch solves the problem from θ, recording every iterate scipy reports (``_path``
    holds the start and the iterates, ``_at`` where the run is on it); each epoch then moves to
    the next one, in order. When scipy stops short of the tolerance (a line search
    that lost precision), it is restarted from where it stopped, a few times at most. Editing the
    data starts a new solve from where θ is.
    """

    family = "scipy"
    method: ClassVar[str]
    state_attributes = Optimizer.state_attributes + ("_path", "_at", "_restarts", "_solved")
    MAX_RESTARTS = 20
    rule: ClassVar[tuple[str, ...]]

    @classmethod
    def why_unsuitable(cls, objective):
        if not objective.smooth:
            return f"{cls.label} needs a differentiable cost: use L2 or no penalty with it"
        return None

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self._path: tuple = ()
        self._at = 0
        self._restarts = 0
        self._solved = False

    @property
    def _left(self) -> int:
        """Iterates of the current solve not yet reached."""
        return max(0, len(self._path) - 1 - self._at)

    def set_objective(self, objective):
        super().set_objective(objective)
        self._path, self._at, self._restarts, self._solved, self.finished = (), 0, 0, False, False

    def _solve(self, theta: np.ndarray) -> None:
        iterates: list = []

        def record(intermediate_result):
            iterates.append(np.array(intermediate_result.x, dtype=np.float64))

        start = np.array(theta, dtype=np.float64)

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
                from scipy.optimize import minimize

                result = minimize(loss_gradient, theta, jac=True, method=self.method,
                                  callback=record, options=options)
        except _OutOfRange:
            # A line search tried a θ whose loss is beyond floating point: the iterates so far stand.
            self.message = "a trial step left the range of floating point"
            self._path, self._at, self._solved = (start, *iterates), 0, False
            return
        self.message = str(result.message)
        self._path, self._at = (start, *iterates), 0
        self._solved = bool(result.success)

    def epoch(self, theta):
        if not self._left and not self.finished:
            self._solve(theta)
        if self._left:
            self._at += 1
            theta = self._path[self._at]
            self.epochs_done += 1
        if not self._left:
            stuck = self._solved or self._restarts >= self.MAX_RESTARTS
            if stuck or norm(self.objective.gradient(theta)) <= self.tol:
                self.finished = True
            else:
                self._restarts += 1
        return theta

    def direction(self, path: tuple) -> tuple[np.ndarray | None, tuple[Term, ...]]:
        """The search direction taken from ``path[-1]`` by a solve through ``path`` (None when
        rebuilding it would cost too much), and the method's own terms of it."""
        raise NotImplementedError

    def anatomy(self, theta):
        if not self._left and not self.finished:
            self._solve(theta)          # what the next epoch would do first: it then takes these iterates
        if not self._left:
            return UpdateRule(self.rule, note="the method has no further iterate")
        path = self._path[:self._at + 1]
        d, own = self.direction(path)
        if d is None:
            return UpdateRule(self.rule, note="the search direction is not rebuilt for this many "
                                              "rows, weights and iterates")
        s = self._path[self._at + 1] - path[-1]
        alpha = float(np.dot(s, d) / np.dot(d, d)) if np.dot(d, d) > 0 else float("nan")
        return UpdateRule(self.rule, (*own, Term("d", "search direction", d),
                                      Term("α", "step length of the line search", alpha)),
                          direction=d, step_length=alpha)


@OPTIMIZERS.register("cg")
class ConjugateGradient(ScipyMethod):
    name, label, short, method = "cg", "Conjugate gradient (scipy)", "CG", "CG"
    rule = ("β = max(0, gₖᵀ(gₖ − gₖ₋₁) / ‖gₖ₋₁‖²)   (Polak–Ribière)", "d ← −gₖ + β d",
            "θ ← θ + α d   (α from a Wolfe line search)")

    def direction(self, path):
        d, beta = cg_direction(self.objective, path)
        return d, (Term("β", "0 restarts along −∇J", beta),) if d is not None else ()


@OPTIMIZERS.register("bfgs")
class BFGS(ScipyMethod):
    name, label, short, method = "bfgs", "BFGS (scipy)", "BFGS", "BFGS"
    rule = ("d = −H̃ ∇J(θ)   (H̃: inverse-Hessian estimate from every step s and gradient change Δg)",
            "θ ← θ + α d   (α from a Wolfe line search)",
            "H̃ ← (I − ρ s Δgᵀ) H̃ (I − ρ Δg sᵀ) + ρ s sᵀ,   ρ = 1 / Δgᵀs")

    def direction(self, path):
        return bfgs_direction(self.objective, path), ()


@OPTIMIZERS.register("lbfgs")
class LBFGS(ScipyMethod):
    name, label, short, method = "lbfgs", "L-BFGS (scipy)", "L-BFGS", "L-BFGS-B"
    rule = ("d = −H̃ ∇J(θ)   (H̃ from up to the last 10 steps s and gradient changes Δg, by the "
            "two-loop recursion)", "θ ← θ + α d   (α from a line search)")

    def direction(self, path):
        return lbfgs_direction(self.objective, path), ()
