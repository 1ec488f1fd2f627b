"""The cost of multinomial (softmax) logistic regression over K classes, with the interface of
``Objective``, so that every optimizer trains it as it trains the two-class cost.

Θ is flat, (K·k,): K blocks θ_c = (b_c, w_c) of k numbers, class 0 first. With zᵢ_c = θ_cᵀ(1, xᵢ)
and p = softmax(z),

    J = (1/n) Σ sᵢ [log Σ_c e^(zᵢ_c) − zᵢ_yᵢ]  +  (λ/2n) Σ_c ‖w_c‖²   (L2)   or   (λ/n) Σ_c ‖w_c‖₁   (L1)

as scikit-learn's multinomial LogisticRegression with C = 1/λ (its sum over rows is n times this
mean). Adding one number to every b_c changes no probability: J is flat along that direction
(and, without a penalty, along each column of W). Gradients never point along such a direction,
so gradient methods never move along it; ``hessian`` fills it with curvature 1 so that Newton's
system has one solution, the step orthogonal to it.
"""

from __future__ import annotations

import numpy as np

from .errors import ConfigError
from .objective import LOSSES, PENALTIES, PenalisedCost


class SoftmaxObjective(PenalisedCost):
    """J(Θ) on fixed rows: ``features`` (n, k − 1) model columns, ``y`` (n,) classes 0 … K − 1,
    ``classes`` K, optional ``sample_weight`` (n,); ``penalty_n`` the n of λ/n."""

    def __init__(self, features: np.ndarray, y: np.ndarray, classes: int, penalty: str = "none",
                 lam: float = 0.0, sample_weight: np.ndarray | None = None, penalty_n: int | None = None):
        self.loss_kind = LOSSES.get("cross-entropy")
        self.penalty = PENALTIES.get(penalty)()
        if not (np.isfinite(lam) and lam >= 0):
            raise ConfigError(f"λ must be a finite number ≥ 0, not {lam}")
        self.lam = float(lam) if penalty != "none" else 0.0
        F = np.asarray(features, dtype=np.float64)
        self.B = np.column_stack([np.ones(len(F)), F])            # (n, k): the bias column first
        self.labels = np.asarray(y).astype(np.intp)
        if len(self.B) == 0:
            raise ConfigError("the cost needs at least one training row")
        self.classes = int(classes)
        self.Y = np.eye(self.classes)[self.labels]                 # (n, K) one-hot
        self.s = None if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
        self.penalty_n = penalty_n or len(self.B)
        self.width = self.B.shape[1]
        mask = np.ones((self.classes, self.width), dtype=bool)
        mask[:, 0] = False
        self._weights = mask.reshape(-1)                           # the coordinates a penalty applies to
        self._memo: tuple[np.ndarray, tuple] | None = None

    # -- facts ---------------------------------------------------------------------------------
    @property
    def n(self) -> int:
        return len(self.B)

    @property
    def k(self) -> int:
        """Length of Θ: K blocks of (b, w)."""
        return self.classes * self.width

    @property
    def columns(self) -> np.ndarray:
        """(n, k − 1) the model columns of the rows."""
        return self.B[:, 1:]

    def scores(self, theta: np.ndarray) -> np.ndarray:
        """z (n, K): every row's score for every class."""
        return self.B @ np.asarray(theta, dtype=np.float64).reshape(self.classes, self.width).T

    # -- the one pass over the data --------------------------------------------------------------
    def _sums(self, theta: np.ndarray) -> tuple[float, np.ndarray, float, np.ndarray]:
        """(data loss, its gradient (K·k,), accuracy, probabilities (n, K)), cached for the last Θ."""
        memo = self._memo
        if memo is not None and np.array_equal(memo[0], theta):
            return memo[1]
        from scipy.special import logsumexp, softmax

        with np.errstate(over="ignore", invalid="ignore"):
            Z = self.scores(theta)
            lse = logsumexp(Z, axis=1)
            terms = lse - Z[np.arange(self.n), self.labels]
            P = softmax(Z, axis=1)
            R = P - self.Y
            if self.s is not None:
                terms = terms * self.s
                R = R * self.s[:, None]
            loss = float(terms.sum()) / self.n
            grad = (R.T @ self.B).reshape(-1) / self.n
        right = np.argmax(Z, axis=1) == self.labels
        accuracy = float(np.mean(right)) if np.isfinite(loss) else float("nan")
        result = (loss, grad, accuracy, P)
        self._memo = (np.array(theta, dtype=np.float64), result)
        return result

    def probabilities(self, theta: np.ndarray) -> np.ndarray:
        """p (n, K): softmax of every row's scores."""
        return self._sums(np.asarray(theta, dtype=np.float64))[3]

    # -- second order ------------------------------------------------------------------------------
    def _require_hessian(self) -> None:
        if not self.penalty.smooth:
            raise ConfigError("second-order methods need a smooth cost (no L1 penalty)")

    def _flat_directions(self) -> np.ndarray:
        """(m, K·k) unit vectors along which J is flat: one number added to the same column of
        every class (the bias column; every column without a penalty)."""
        columns = [0] if self.lam > 0 else range(self.width)
        out = np.zeros((len(columns), self.k))
        for row, j in enumerate(columns):
            out[row, j::self.width] = 1.0 / np.sqrt(self.classes)
        return out

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        """∇²J (K·k, K·k): blocks (1/n) Σ sᵢ pᵢ_c (δ_cc′ − pᵢ_c′) bᵢ bᵢᵀ, plus the penalty's
        diagonal, plus curvature 1 along the flat directions."""
        self._require_hessian()
        theta = np.asarray(theta, dtype=np.float64)
        P = self.probabilities(theta)
        s = np.ones(self.n) if self.s is None else self.s
        K, k = self.classes, self.width
        H = np.zeros((K * k, K * k))
        for c in range(K):
            for d in range(c, K):
                h = s * P[:, c] * ((c == d) - P[:, d])
                block = (self.B.T * h) @ self.B / self.n
                H[c * k:(c + 1) * k, d * k:(d + 1) * k] = block
                H[d * k:(d + 1) * k, c * k:(c + 1) * k] = block.T
        H[self._weights, self._weights] += self.penalty.hessian_diagonal(theta[self._weights], self._scale)
        U = self._flat_directions()
        return H + U.T @ U

    def hessp(self, theta: np.ndarray, v: np.ndarray) -> np.ndarray:
        """∇²J(Θ) v (as ``hessian`` has it), without forming the matrix."""
        self._require_hessian()
        theta = np.asarray(theta, dtype=np.float64)
        v = np.asarray(v, dtype=np.float64)
        P = self.probabilities(theta)
        s = np.ones(self.n) if self.s is None else self.s
        Zv = self.B @ v.reshape(self.classes, self.width).T             # (n, K): each row's change of z
        inner = P * (Zv - np.sum(P * Zv, axis=1, keepdims=True)) * s[:, None]
        out = (inner.T @ self.B).reshape(-1) / self.n
        out[self._weights] += self.penalty.hessian_diagonal(theta[self._weights], self._scale) * v[self._weights]
        U = self._flat_directions()
        return out + U.T @ (U @ v)

    # -- sub-problems ------------------------------------------------------------------------------
    def batch(self, rows: np.ndarray) -> "SoftmaxObjective":
        """The same cost on the rows ``rows`` (a mini-batch); λ/n keeps the full data's n."""
        obj = SoftmaxObjective.__new__(SoftmaxObjective)
        obj.__dict__.update(self.__dict__)
        obj.B, obj.labels, obj.Y = self.B[rows], self.labels[rows], self.Y[rows]
        obj.s = None if self.s is None else self.s[rows]
        obj._memo = None
        return obj
