"""The cost J(θ) of logistic regression: a loss on σ(z) plus a penalty on w, as one object that
gives the value, the gradient, the Hessian and Hessian-vector products.

Conventions (DESIGN.md): θ = (b, w₁ … w_k), z = b + wᵀx,

    cross-entropy  J = (1/n) Σ sᵢ [log(1 + e^(zᵢ)) − yᵢ zᵢ]  + penalty
    squared error  J = (1/2n) Σ sᵢ (pᵢ − yᵢ)²                + penalty
    L2 penalty     (λ/2n) ‖w‖²        L1 penalty   (λ/n) ‖w‖₁          (b is never penalised)

with per-sample weights sᵢ (1 unless class weights are on). For L1, ``gradient`` returns the
minimum-norm subgradient (zero exactly at an optimum), ``smooth_gradient`` the gradient of the rest,
and ``prox`` the soft-threshold step that the gradient family applies after each update.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import kernels
from .numerics import norm, sigmoid, sigmoid_minus_label
from .errors import ConfigError
from .registry import Registry


# -- losses --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Loss:
    name: str
    label: str
    sums: callable          # (θ, SignedDesign) → (loss sum, gradient sum, misclassified count)
    has_hessian: bool       # Newton's method needs it
    slope: callable         # (z, y) → ∂ℓ/∂z per point: a point adds slope · (1, x) to n·∇J
    # the formulas, as the equations show them: J, one point's term ℓ, ∂ℓ/∂z, and ∇J
    formula: str = ""
    term_formula: str = ""
    slope_formula: str = ""
    gradient_formula: str = ""


def _cross_entropy_slope(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    return sigmoid_minus_label(z, y)


def _squared_error_slope(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    # (σ(z) − y) σ′(z), with σ′(z) = σ(z) σ(−z) (no 1 − σ(z) that rounds to 0 for large z)
    return sigmoid_minus_label(z, y) * sigmoid(z) * sigmoid(-z)


LOSSES: Registry[Loss] = Registry("loss")
LOSSES.register("cross-entropy")(Loss(
    "cross-entropy", "Cross-entropy (log loss)", kernels.cross_entropy_sums, True, _cross_entropy_slope,
    "J = (1/n) Σ [log(1 + eᶻⁱ) − yᵢ zᵢ]", "ℓ = log(1 + eᶻ) − y z", "∂ℓ/∂z = p − y",
    "∇J = (1/n) Σ (pᵢ − yᵢ) φᵢ"))
LOSSES.register("squared")(Loss(
    "squared", "Squared error on σ(z)", kernels.squared_error_sums, False, _squared_error_slope,
    "J = (1/2n) Σ (pᵢ − yᵢ)²", "ℓ = ½ (p − y)²", "∂ℓ/∂z = (p − y) p (1 − p)",
    "∇J = (1/n) Σ (pᵢ − yᵢ) pᵢ(1 − pᵢ) φᵢ"))


# -- penalties -----------------------------------------------------------------------------------
class Penalty:
    """A penalty on w = θ[1:], scaled by λ/n. ``smooth`` penalties are part of the gradient."""

    name = "none"
    label = "None"
    smooth = True
    formula = ""              # what it adds to J and to ∇J, as the equations show it
    gradient_formula = ""

    def value(self, w: np.ndarray, scale: float) -> float:
        return 0.0

    def gradient(self, w: np.ndarray, scale: float) -> np.ndarray:
        return np.zeros_like(w)

    def hessian_diagonal(self, w: np.ndarray, scale: float) -> np.ndarray:
        return np.zeros_like(w)

    def prox(self, w: np.ndarray, threshold) -> np.ndarray:
        return w


class L2(Penalty):
    name, label = "l2", "L2 (ridge)"
    formula, gradient_formula = "(λ/2n) ‖w‖²", "(λ/n) (0, w)"

    def value(self, w, scale):
        return 0.5 * scale * float(np.dot(w, w))

    def gradient(self, w, scale):
        return scale * w

    def hessian_diagonal(self, w, scale):
        return np.full_like(w, scale)


class L1(Penalty):
    name, label = "l1", "L1 (lasso)"
    smooth = False
    formula, gradient_formula = "(λ/n) ‖w‖₁", "(λ/n) (0, sign w)"

    def value(self, w, scale):
        return scale * float(np.abs(w).sum())

    def prox(self, w, threshold):
        """Soft threshold: sign(w) max(|w| − t, 0); ``threshold`` is a scalar or per-weight."""
        return np.sign(w) * np.maximum(np.abs(w) - threshold, 0.0)


PENALTIES: Registry[type[Penalty]] = Registry("penalty")
for _p in (Penalty, L2, L1):
    PENALTIES.register(_p.name)(_p)


@dataclass(frozen=True)
class Evaluation:
    """The cost at one θ: ``loss`` J(θ), ``gradient`` ∇J (k,) (minimum-norm subgradient for L1),
    ``accuracy`` the fraction classified right with threshold 0.5 (class 1 iff z ≥ 0)."""

    theta: np.ndarray
    loss: float
    gradient: np.ndarray
    accuracy: float

    @cached_property
    def gradient_norm(self) -> float:
        return norm(self.gradient)


class PenalisedCost:
    """What every cost shares, whatever its data term: J = the data term (``_sums(θ)`` gives its
    value, gradient and accuracy) + the penalty on the weights θ[``_weights``] (never a bias),
    scaled by λ/n (``_scale``)."""

    _weights = slice(1, None)              # θ = (b, w): the weights follow the bias

    @property
    def smooth(self) -> bool:
        return self.penalty.smooth

    @property
    def _scale(self) -> float:
        return self.lam / self.penalty_n

    def smooth_loss_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """Value and gradient of J without a non-smooth (L1) penalty."""
        theta = np.asarray(theta, dtype=np.float64)
        loss, grad = self._sums(theta)[:2]
        if self.lam == 0.0:                    # no penalty (the common case): nothing to add
            return loss, grad.copy()
        if self.penalty.smooth:
            loss = loss + self.penalty.value(theta[self._weights], self._scale)
            grad = grad.copy()
            grad[self._weights] += self.penalty.gradient(theta[self._weights], self._scale)
        return loss, grad

    def smooth_gradient(self, theta: np.ndarray) -> np.ndarray:
        return self.smooth_loss_gradient(theta)[1]

    def loss_gradient(self, theta: np.ndarray) -> tuple[float, np.ndarray]:
        """(J(θ), ∇J(θ)); for L1 the gradient is the minimum-norm subgradient."""
        theta = np.asarray(theta, dtype=np.float64)
        loss, grad = self.smooth_loss_gradient(theta)
        if not self.penalty.smooth:
            w, t = theta[self._weights], self._scale
            loss += self.penalty.value(w, t)
            gw = grad[self._weights]
            grad = grad.copy()
            grad[self._weights] = np.where(w != 0, gw + t * np.sign(w), np.sign(gw) * np.maximum(np.abs(gw) - t, 0.0))
        return loss, grad

    def loss(self, theta: np.ndarray) -> float:
        return self.loss_gradient(theta)[0]

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        return self.loss_gradient(theta)[1]

    def evaluate(self, theta: np.ndarray) -> Evaluation:
        theta = np.array(theta, dtype=np.float64)
        loss, grad = self.loss_gradient(theta)
        return Evaluation(theta, loss, grad, self._sums(theta)[2])

    def _require_hessian(self) -> None:
        if not (self.loss_kind.has_hessian and self.penalty.smooth):
            raise ConfigError("second-order methods need the cross-entropy loss and no L1 penalty")

    def prox(self, theta: np.ndarray, step) -> np.ndarray:
        """The proximal step of the non-smooth penalty for a gradient step of size ``step``
        (a scalar, or per-coordinate (k,)); θ itself for smooth penalties."""
        if self.penalty.smooth:
            return theta
        step = np.broadcast_to(np.asarray(step, dtype=np.float64), theta.shape)
        out = theta.copy()
        out[self._weights] = self.penalty.prox(theta[self._weights], step[self._weights] * self._scale)
        return out


class Objective(PenalisedCost):
    """J(θ) on fixed training rows.

    ``features`` (n, k − 1) are the model columns (after feature maps; no bias column), ``y`` (n,)
    labels in {0, 1}, ``sample_weight`` (n,) or None, ``lam`` λ ≥ 0. ``penalty_n`` is the n of
    λ/n (by default the number of rows; mini-batches keep the full data's n).
    """

    def __init__(self, features: np.ndarray, y: np.ndarray, loss: str = "cross-entropy",
                 penalty: str = "none", lam: float = 0.0, sample_weight: np.ndarray | None = None,
                 penalty_n: int | None = None, *, _design: kernels.SignedDesign | None = None):
        self.loss_kind = LOSSES.get(loss)
        self.penalty = PENALTIES.get(penalty)()
        if not (np.isfinite(lam) and lam >= 0):
            raise ConfigError(f"λ must be a finite number ≥ 0, not {lam}")
        self.lam = float(lam) if penalty != "none" else 0.0
        self.design = _design or kernels.SignedDesign(features, y, sample_weight)
        if self.design.n == 0:
            raise ConfigError("the cost needs at least one training row")
        self.penalty_n = penalty_n or self.design.n
        self._memo: tuple[np.ndarray, tuple] | None = None

    # -- facts -------------------------------------------------------------------------------
    @property
    def n(self) -> int:
        return self.design.n

    @property
    def k(self) -> int:
        """Length of θ (bias included)."""
        return self.design.k

    @property
    def columns(self) -> np.ndarray:
        """(n, k − 1) the model columns of the rows."""
        return self.design.F

    # -- the one pass over the data -----------------------------------------------------------
    def _sums(self, theta: np.ndarray) -> tuple[float, np.ndarray, float]:
        """(data loss J_data, its gradient, accuracy), cached for the last θ.

        The cache is one tuple swapped whole, so threads sharing the object read it safely."""
        memo = self._memo
        if memo is not None and np.array_equal(memo[0], theta):
            return memo[1]
        loss_sum, grad_sum, wrong = self.loss_kind.sums(theta, self.design)
        # A NaN margin is neither right nor wrong: no accuracy is claimed for a NaN loss.
        accuracy = 1.0 - wrong / self.n if np.isfinite(loss_sum) else float("nan")
        result = (loss_sum / self.n, grad_sum / self.n, accuracy)
        self._memo = (np.array(theta, dtype=np.float64), result)
        return result

    # -- second order ---------------------------------------------------------------------------
    def hessian(self, theta: np.ndarray) -> np.ndarray:
        """∇²J (k, k) of the cross-entropy cost: (1/n) Σ hᵢ bᵢ bᵢᵀ + (λ/n) diag(0, 1, …, 1)."""
        self._require_hessian()
        H = kernels.curvature_sums(np.asarray(theta, dtype=np.float64), self.design) / self.n
        H[1:, 1:] += np.diag(self.penalty.hessian_diagonal(np.asarray(theta)[1:], self._scale))
        return H

    def hessp(self, theta: np.ndarray, v: np.ndarray) -> np.ndarray:
        """∇²J(θ) v, shape (k,), without forming the Hessian."""
        self._require_hessian()
        theta = np.asarray(theta, dtype=np.float64)
        v = np.asarray(v, dtype=np.float64)
        out = kernels.curvature_product(theta, v, self.design) / self.n
        out[1:] += self.penalty.hessian_diagonal(theta[1:], self._scale) * v[1:]
        return out

    # -- sub-problems ---------------------------------------------------------------------------
    def batch(self, rows: np.ndarray) -> "Objective":
        """The same cost on the rows ``rows`` (a mini-batch); λ/n keeps the full data's n."""
        obj = Objective.__new__(Objective)
        obj.loss_kind, obj.penalty, obj.lam = self.loss_kind, self.penalty, self.lam
        obj.design = self.design.take(rows)
        obj.penalty_n = self.penalty_n
        obj._memo = None
        return obj
