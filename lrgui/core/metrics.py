"""Classification metrics at any threshold, through scikit-learn.

``report`` takes labels ``y`` (n,) in {0, 1} and decision values ``z`` (n,) = θᵀx (the log-loss
is computed from z, so it stays exact where σ(z) rounds to 0 or 1); a point is predicted as
class 1 when p = σ(z) ≥ threshold.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .numerics import sigmoid, softplus


def predict(p: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    return (np.asarray(p) >= threshold).astype(np.float64)


def accuracy_at(y: np.ndarray, z: np.ndarray, threshold: float = 0.5) -> float:
    """The fraction of points whose prediction (class 1 iff σ(z) ≥ threshold) equals y; NaN for
    no points. For scores of K classes, z (n, K), the prediction is the class of the highest
    score (no threshold applies)."""
    y = np.asarray(y)
    if not len(y):
        return float("nan")
    z = np.asarray(z)
    if z.ndim == 2:
        return float(np.mean(np.argmax(z, axis=1) == y))
    return float(np.mean(predict(sigmoid(z), threshold) == y))


@dataclass(frozen=True)
class Report:
    threshold: float
    accuracy: float
    balanced_accuracy: float     # the mean of the two classes' recalls; NaN with one class present
    precision: float
    recall: float
    f1: float
    log_loss: float
    auc: float                   # NaN when only one class is present
    average_precision: float     # the area under the precision-recall curve (NaN likewise)
    confusion: list              # [[TN, FP], [FN, TP]]

    def as_dict(self) -> dict:
        return asdict(self)


def _finite_order(z: np.ndarray) -> np.ndarray:
    """Scores in the same order as z (so the same ranks, ties kept), all finite and far from the
    float limit: z itself when it is moderate, else its ranks. A model far out of range still has
    an AUC and a ROC curve."""
    if np.all(np.abs(z) < 1e300):
        return z
    from scipy.stats import rankdata

    return rankdata(z, method="dense").astype(np.float64)


def report(y: np.ndarray, z: np.ndarray, threshold: float = 0.5) -> Report:
    """The metrics of decision values ``z`` (n,) for labels ``y`` (n,); infinite z (a θ that
    puts points far beyond float range) count as the largest finite values."""
    from sklearn import metrics

    y = np.asarray(y, dtype=np.float64)
    z = np.clip(np.asarray(z, dtype=np.float64), -np.finfo(np.float64).max, np.finfo(np.float64).max)
    p = sigmoid(z)
    pred = predict(p, threshold)
    both = len(np.unique(y)) == 2
    nan = float("nan")
    return Report(
        threshold=float(threshold),
        accuracy=float(metrics.accuracy_score(y, pred)),
        balanced_accuracy=float(metrics.balanced_accuracy_score(y, pred)) if both else nan,
        precision=float(metrics.precision_score(y, pred, zero_division=0.0)),
        recall=float(metrics.recall_score(y, pred, zero_division=0.0)),
        f1=float(metrics.f1_score(y, pred, zero_division=0.0)),
        log_loss=float(np.mean(softplus(z) - y * z)) if np.all(np.abs(z) < 1e300) else _log_loss(y, z),
        auc=float(metrics.roc_auc_score(y, _finite_order(z))) if both else nan,
        average_precision=float(metrics.average_precision_score(y, _finite_order(z))) if both else nan,
        confusion=metrics.confusion_matrix(y, pred, labels=[0, 1]).tolist(),
    )


def _log_loss(y: np.ndarray, z: np.ndarray) -> float:
    """The mean log-loss from the signed margins, for z near the float limit (−y z would overflow)."""
    m = np.where(y == 1, -z, z)
    return float(np.sum(softplus(m) / len(m)))           # a plain mean would overflow in the sum


def roc_curve(y: np.ndarray, z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(false-positive rates, true-positive rates, probability thresholds) from decision values."""
    from sklearn import metrics

    fpr, tpr, thresholds = metrics.roc_curve(y, z)
    return fpr, tpr, sigmoid(np.clip(thresholds, -np.finfo(float).max, np.finfo(float).max))


@dataclass(frozen=True)
class Curves:
    """The ROC curve (false- against true-positive rate) and the precision-recall curve of one
    set of decision values, and where the threshold puts the model on each (``roc_point`` =
    (FPR, TPR), ``pr_point`` = (recall, precision); NaN where a rate has no points to count)."""

    fpr: np.ndarray
    tpr: np.ndarray
    recall: np.ndarray
    precision: np.ndarray
    roc_point: tuple[float, float]
    pr_point: tuple[float, float]


def _rate(count: float, total: float) -> float:
    return count / total if total else float("nan")


def curves(y: np.ndarray, z: np.ndarray, confusion) -> Curves:
    """The curves of decision values ``z`` for labels ``y`` (both classes present), with the
    operating point of ``confusion`` ([[TN, FP], [FN, TP]] at the threshold)."""
    from sklearn import metrics

    y = np.asarray(y, dtype=np.float64)
    scores = _finite_order(np.clip(np.asarray(z, dtype=np.float64), -np.finfo(float).max, np.finfo(float).max))
    fpr, tpr, _ = metrics.roc_curve(y, scores)
    precision, recall, _ = metrics.precision_recall_curve(y, scores)
    (tn, fp), (fn, tp) = confusion
    return Curves(fpr, tpr, recall, precision, (_rate(fp, fp + tn), _rate(tp, tp + fn)),
                  (_rate(tp, tp + fn), _rate(tp, tp + fp)))
