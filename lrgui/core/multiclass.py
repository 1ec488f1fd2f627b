"""More than two classes (K ≥ 3), as the seed notes teach it and as softmax.

"ovr" (one-vs-rest): K two-class models side by side, model c separating class c (label 1) from
the rest (label 0). Their cost is the sum of the K two-class costs, J(Θ) = Σ_c J_c(θ_c), over a
flat Θ of K blocks θ_c = (b_c, w_c). The blocks do not interact, so a gradient step on J is the K
two-class steps at once, Newton's Hessian is block-diagonal, and the minimiser of J is every
model's own minimiser: a run of K models is one run of this cost, with any optimizer. A point goes
to the class whose model gives the highest probability.

"multinomial": one softmax model (core.softmax), trained as any run.

Either way Θ is flat (K·k,), class 0 first; ``blocks`` makes it K rows of (b, w…).
"""

from __future__ import annotations

import numpy as np

from .dataset import Dataset
from .numerics import sigmoid
from .objective import Objective, PenalisedCost


def blocks(theta: np.ndarray, classes: int) -> np.ndarray:
    """Flat Θ (…, K·k) → (…, K, k): one row (b, w…) per class."""
    theta = np.asarray(theta, dtype=np.float64)
    return theta.reshape(*theta.shape[:-1], classes, theta.shape[-1] // classes)


def one_vs_rest(data: Dataset, c: int) -> Dataset:
    """Two-class data: class ``c`` of ``data`` is 1, every other class 0."""
    name = data.class_names()[c]
    return Dataset(data.X, (data.y == c).astype(np.float64), data.feature_names, {f"not {name}": 0, name: 1})


class OneVsRestCost(PenalisedCost):
    """J(Θ) = Σ_c J_c(θ_c): ``parts`` the K two-class costs (each on the same rows, labels 1 for
    its class), ``labels`` (n,) the classes 0 … K − 1 of the rows and ``B`` (n, k) the rows with
    their bias column, in the caller's order (the parts keep theirs class 0 first)."""

    def __init__(self, parts: list[Objective], labels: np.ndarray, B: np.ndarray):
        self.parts = list(parts)
        first = self.parts[0]
        self.loss_kind, self.penalty, self.lam, self.penalty_n = first.loss_kind, first.penalty, first.lam, first.penalty_n
        self.classes = len(self.parts)
        self.width = first.k
        self.labels = np.asarray(labels).astype(np.intp)
        self._B = B
        mask = np.ones((self.classes, self.width), dtype=bool)
        mask[:, 0] = False
        self._weights = mask.reshape(-1)
        self._memo: tuple[np.ndarray, tuple] | None = None

    @classmethod
    def build(cls, columns: np.ndarray, y: np.ndarray, classes: int, loss: str, penalty: str, lam: float,
              weights_of=None) -> "OneVsRestCost":
        """The cost of ``classes`` models on the rows ``columns`` (n, k − 1) with classes ``y``;
        ``weights_of(binary labels)`` gives each model's sample weights (None: all ones)."""
        parts = []
        for c in range(classes):
            yc = (np.asarray(y) == c).astype(np.float64)
            parts.append(Objective(columns, yc, loss, penalty, lam, None if weights_of is None else weights_of(yc)))
        return cls(parts, y, np.column_stack([np.ones(len(columns)), np.asarray(columns, dtype=np.float64)]))

    # -- facts ---------------------------------------------------------------------------------
    @property
    def n(self) -> int:
        return self.parts[0].n

    @property
    def k(self) -> int:
        """Length of Θ: K blocks of (b, w)."""
        return self.classes * self.width

    @property
    def columns(self) -> np.ndarray:
        """(n, k − 1) the model columns of the rows."""
        return self._B[:, 1:]

    def scores(self, theta: np.ndarray) -> np.ndarray:
        """z (n, K): every row's score under every model."""
        return self._B @ blocks(theta, self.classes).T

    # -- the one pass over the data ------------------------------------------------------------
    def _sums(self, theta: np.ndarray) -> tuple[float, np.ndarray, float, np.ndarray]:
        """(data loss, its gradient (K·k,), accuracy of the argmax, each model's data loss (K,)),
        cached for the last Θ."""
        memo = self._memo
        if memo is not None and np.array_equal(memo[0], theta):
            return memo[1]
        parts = [part._sums(block) for part, block in zip(self.parts, blocks(theta, self.classes))]
        losses = np.array([p[0] for p in parts])
        loss = float(losses.sum())
        with np.errstate(over="ignore", invalid="ignore"):
            right = np.argmax(self.scores(theta), axis=1) == self.labels
        accuracy = float(np.mean(right)) if np.isfinite(loss) else float("nan")
        result = (loss, np.concatenate([p[1] for p in parts]), accuracy, losses)
        self._memo = (np.array(theta, dtype=np.float64), result)
        return result

    def class_losses(self, theta: np.ndarray) -> np.ndarray:
        """(K,) each model's cost J_c(θ_c), its penalty included; they sum to J(Θ)."""
        return np.array([part.loss(block) for part, block in zip(self.parts, blocks(theta, self.classes))])

    # -- second order ----------------------------------------------------------------------------
    def hessian(self, theta: np.ndarray) -> np.ndarray:
        """∇²J (K·k, K·k): the models' Hessians on the diagonal."""
        from scipy.linalg import block_diag

        return block_diag(*[part.hessian(block) for part, block in zip(self.parts, blocks(theta, self.classes))])

    def hessp(self, theta: np.ndarray, v: np.ndarray) -> np.ndarray:
        pairs = zip(self.parts, blocks(theta, self.classes), blocks(v, self.classes))
        return np.concatenate([part.hessp(block, vc) for part, block, vc in pairs])

    # -- sub-problems ----------------------------------------------------------------------------
    def batch(self, rows: np.ndarray) -> "OneVsRestCost":
        """The same cost on the rows ``rows`` (a mini-batch); λ/n keeps the full data's n."""
        return OneVsRestCost([part.batch(rows) for part in self.parts], self.labels[rows], self._B[rows])


def class_probabilities(z: np.ndarray, method: str) -> np.ndarray:
    """p (n, K), rows summing to 1, from the scores z (n, K): softmax (multinomial), or each
    model's σ(z) divided by their sum (one-vs-rest, as scikit-learn's OneVsRestClassifier)."""
    with np.errstate(over="ignore", invalid="ignore"):
        if method == "ovr":
            p = sigmoid(z)
            return p / p.sum(axis=1, keepdims=True)
        from scipy.special import softmax

        return softmax(z, axis=1)


def class_margin(z: np.ndarray, c: int, method: str) -> np.ndarray:
    """(n,) the number whose σ is class ``c``'s probability under its own model: z_c for
    one-vs-rest; for softmax z_c − log Σ_{j≠c} e^(z_j), since p_c = σ(that) exactly."""
    z = np.asarray(z, dtype=np.float64)
    if method == "ovr":
        return z[:, c]
    from scipy.special import logsumexp

    others = np.delete(z, c, axis=1)
    with np.errstate(over="ignore", invalid="ignore"):
        return z[:, c] - logsumexp(others, axis=1)


def multiclass_report(y: np.ndarray, z: np.ndarray, method: str, classes: int) -> dict:
    """The figures of scores ``z`` (n, K) for classes ``y`` (n,) by scikit-learn's metrics:
    accuracy, balanced accuracy, per-class recall and precision, log-loss of the probabilities,
    the K × K confusion matrix (rows: true class, columns: predicted)."""
    from sklearn import metrics

    labels = list(range(classes))
    y = np.asarray(y).astype(int)
    if not len(y):
        return {}
    predicted = np.argmax(z, axis=1)
    p = class_probabilities(z, method)
    return {
        "accuracy": float(metrics.accuracy_score(y, predicted)),
        "balanced_accuracy": float(metrics.balanced_accuracy_score(y, predicted)),
        "recall": [float(v) for v in metrics.recall_score(y, predicted, labels=labels, average=None, zero_division=0)],
        "precision": [float(v) for v in metrics.precision_score(y, predicted, labels=labels, average=None,
                                                                 zero_division=0)],
        "log_loss": float(metrics.log_loss(y, np.clip(p, 1e-300, 1.0), labels=labels)),
        "confusion": metrics.confusion_matrix(y, predicted, labels=labels).tolist(),
    }


def multiclass_result(run) -> dict:
    """The outcome of a finished K-class ``TrainingRun`` as plain data (``lrgui train --json``):
    θ as K rows in original units, each model's loss (one-vs-rest), the figures of the training
    and test rows (accuracy: the class of the highest score)."""
    data, config = run.data, run.config
    K = data.classes
    names = data.class_names()
    result = {
        "multiclass": config.multiclass,
        "classes": list(names),
        "status": run.status,
        "reason": run.reason,
        "epochs": run.epoch,
        "loss": float(run.last.loss),
        "grad_norm": float(run.last.gradient_norm),
        "accuracy": float(run.last.accuracy),
        "theta": blocks(run.theta_original, K).tolist(),
        "theta_names": ["bias"] + list(run.feature_names()),
        "label_map": data.label_map,
        "optimizer": config.optimizer,
        "config": config.as_dict(),
        "train": multiclass_report(run.train.y, run.decision_function(run.train.X), config.multiclass, K),
    }
    if config.multiclass == "ovr":
        result["class_losses"] = {name: float(v) for name, v in zip(names, run.objective.class_losses(run.theta))}
    if run.test is not None:
        result["test_loss"] = float(run.history.at("test_loss", -1))
        result["test_accuracy"] = float(run.history.at("test_accuracy", -1))
        result["test"] = multiclass_report(run.test.y, run.decision_function(run.test.X), config.multiclass, K)
    return result
