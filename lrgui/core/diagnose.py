"""Facts about a training problem that explain what a run does: whether the classes are separable
(then no finite optimum exists without a penalty), where the optimum lies, and whether a run's
loss oscillates instead of falling."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from .numerics import norm
from .objective import Objective

# Separability is decided by a linear programme over every row; beyond this many numbers in
# the design it is not attempted (the answer is then unknown).
SEPARATION_LIMIT = 1_500_000
SEPARABLE_REASON = ("the classes are separable: the weights grow without bound and no finite "
                    "optimum exists; a penalty (L2 or L1) gives one")


def separable(objective: Objective) -> bool | None:
    """Whether some θ ≠ 0 classifies every training row correctly or on the boundary (complete
    or quasi-complete separation): then the unpenalised cost has no finite minimiser (Albert &
    Anderson, 1984). None when the data are too large to decide.

    With the signed rows bᵢ (margins mᵢ = bᵢ·θ, correct when mᵢ < 0), the data are separated iff
    max Σ −mᵢ subject to mᵢ ≤ 0 and −1 ≤ θⱼ ≤ 1 is positive.

    One model per class (one-vs-rest): separated when one of the K models' data are. Softmax:
    separated when some Θ ≠ 0 scores every row's own class at least as high as every other,
    (θ_j − θ_yᵢ)·(1, xᵢ) ≤ 0 for all j (the margins of the same programme, n (K − 1) rows)."""
    parts = getattr(objective, "parts", None)
    if parts is not None:
        answers = [separable(part) for part in parts]
        return True if any(answers) else (None if None in answers else False)
    D = getattr(objective, "design", None)
    if D is not None:
        return _separated(D.B) if D.n * D.k <= SEPARATION_LIMIT else None
    K, B, y = objective.classes, objective.B, objective.labels
    if B.shape[0] * (K - 1) * B.shape[1] * K > SEPARATION_LIMIT:
        return None
    rows = []
    for j in range(K):
        others = np.flatnonzero(y != j)
        margin = np.zeros((len(others), K, B.shape[1]))
        margin[:, j] = B[others]
        margin[np.arange(len(others)), y[others]] = -B[others]
        rows.append(margin.reshape(len(others), -1))
    return _separated(np.vstack(rows))


def _separated(B: np.ndarray) -> bool | None:
    """Whether some θ in the box [−1, 1] makes every margin B θ ≤ 0 with their sum below 0
    (B: (m, k) rows of margins); None when the programme cannot be solved."""
    from scipy.optimize import linprog

    largest = np.max(np.abs(B), axis=1)                    # not the 2-norm: it would overflow at 1e300
    B = B / np.where(largest > 0, largest, 1.0)[:, None]  # scaling a row keeps its sign pattern
    result = linprog(B.sum(axis=0), A_ub=B, b_ub=np.zeros(len(B)), bounds=[(-1.0, 1.0)] * B.shape[1],
                     method="highs")
    if result.status != 0:
        return None
    return bool(-result.fun > 1e-7 * len(B) ** 0.5)


def penalised(objective: Objective) -> bool:
    return objective.penalty.name != "none" and objective.lam > 0


@dataclass(frozen=True)
class Optimum:
    """``theta`` the minimiser of J in the problem's training units (k,), or None with ``reason``."""

    theta: np.ndarray | None
    reason: str = ""


def find_optimum(objective: Objective, tol: float = 1e-6) -> Optimum:
    """The minimiser of J: L-BFGS for smooth costs; for L1, L-BFGS-B on w = u − v with u, v ≥ 0
    (a smooth problem with bounds whose solution is the lasso solution, exact zeros included).
    For the squared-error cost, which is not convex, it is the minimum reached from θ = 0."""
    if not penalised(objective) and separable(objective):
        return Optimum(None, SEPARABLE_REASON)
    if not objective.smooth and getattr(objective, "design", None) is None:
        return Optimum(None, "the optimum of an L1 penalty is located for two classes only")
    from scipy.optimize import minimize

    k = objective.k
    with np.errstate(all="ignore"):
        if objective.smooth:
            result = minimize(objective.loss_gradient, np.zeros(k), jac=True, method="L-BFGS-B",
                              options={"maxiter": 5000, "gtol": tol / 10, "ftol": 0.0})
            theta = result.x
        else:
            theta = _l1_optimum(objective, tol)
    if not np.all(np.isfinite(theta)):
        return Optimum(None, "the optimizer found no finite optimum")
    with np.errstate(all="ignore"):
        gradient = objective.gradient(theta)
    if not norm(gradient) <= max(tol * 100, 1e-4):          # (NaN included)
        return Optimum(None, "no optimum could be located to within the tolerance")
    return Optimum(theta)


def _l1_optimum(objective: Objective, tol: float) -> np.ndarray:
    k = objective.k
    scale = objective.lam / objective.penalty_n

    def value_gradient(x):
        b, u, v = x[0], x[1:k], x[k:]
        theta = np.concatenate(([b], u - v))
        loss, grad = objective.smooth_loss_gradient(theta)
        loss += scale * (u.sum() + v.sum())
        gw = grad[1:]
        return loss, np.concatenate(([grad[0]], gw + scale, -gw + scale))

    from scipy.optimize import minimize

    bounds = [(None, None)] + [(0.0, None)] * (2 * (k - 1))
    result = minimize(value_gradient, np.zeros(2 * k - 1), jac=True, method="L-BFGS-B",
                      bounds=bounds, options={"maxiter": 20000, "gtol": tol / 10, "ftol": 0.0})
    x = result.x
    w = x[1:k] - x[k:]
    w[np.abs(w) <= 1e-12 * max(1.0, np.abs(w).max(initial=0.0))] = 0.0
    theta = np.concatenate(([x[0]], w))
    # A few proximal-gradient steps make the zeros exact and polish the rest.
    step = 1.0 / max(_lipschitz_bound(objective), 1e-12)
    for _ in range(200):
        g = objective.smooth_gradient(theta)
        theta = objective.prox(theta - step * g, step)
    return theta


def _lipschitz_bound(objective: Objective) -> float:
    """An upper bound of the curvature of the smooth part: ¼ λ_max(BᵀB)/n (cross-entropy) plus L2."""
    B = objective.design.B
    w = objective.design.weights
    if w is not None:
        B = B * np.sqrt(w)[:, None]
    top = np.linalg.norm(B, 2) ** 2 / objective.n
    return 0.25 * top + objective.lam / objective.penalty_n


class OscillationWatch:
    """Counts, over the last ``window`` epochs, how often the loss went up. A loss that rises in
    many epochs (``rises`` of ``window``; a well-tuned full-batch step never raises a convex loss,
    and the noise of mini-batches stays below ``relative``), by more than rounding, means the
    steps overshoot: the learning rate is too large for the curvature where θ is. O(1) per
    epoch."""

    def __init__(self, window: int = 100, rises: int = 15, relative: float = 1e-3):
        self.window = window
        self.limit = rises
        self.relative = relative
        self._ups: deque[bool] = deque(maxlen=window)
        self._losses: deque[float] = deque(maxlen=window + 1)
        self.count = 0

    def reset(self, losses=()) -> None:
        self._ups.clear()
        self._losses.clear()
        self.count = 0
        for loss in losses:
            self.add(float(loss))

    def add(self, loss: float) -> None:
        if self._losses:
            up = loss > self._losses[-1]
            if len(self._ups) == self.window and self._ups[0]:
                self.count -= 1
            self._ups.append(up)
            self.count += up
        self._losses.append(loss)

    @property
    def oscillating(self) -> bool:
        if len(self._ups) < self.window or self.count < self.limit:
            return False
        losses = np.fromiter(self._losses, dtype=np.float64)
        rises = np.diff(losses)
        return bool(np.max(rises / np.maximum(np.abs(losses[:-1]), 1e-300)) > self.relative)

    def message(self) -> str:
        return (f"the loss oscillates (it rose in {self.count} of the last {self.window} epochs): the "
                "learning rate is too large for the curvature here; try a smaller η")
