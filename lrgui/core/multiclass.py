"""Training on data of more than two classes (K ≥ 3), as the seed notes teach it and as softmax.

"ovr" (one-vs-rest): K two-class runs side by side, run c separating class c (label 1) from the
rest (label 0), each with the run's settings and its optimizer; all K train on the same rows (one
stratified hold-out of the K classes). A point goes to the class whose model gives the highest
probability. "multinomial": one softmax model (core.softmax) trained as any run.

Either way θ is K rows of (b, w…) in original units, one per class.
"""

from __future__ import annotations

import copy
from dataclasses import replace

import numpy as np

from .config import RunConfig
from .dataset import Dataset
from .numerics import sigmoid
from .problem import split_rows
from .run import CONVERGED, DIVERGED, MAX_EPOCHS, READY, STALLED, TrainingRun

# The status of K runs together: the first of these any of them has.
_WORST_FIRST = (DIVERGED, STALLED, MAX_EPOCHS, READY, CONVERGED)


def one_vs_rest(data: Dataset, c: int) -> Dataset:
    """Two-class data: class ``c`` of ``data`` is 1, every other class 0."""
    name = data.class_names()[c]
    return Dataset(data.X, (data.y == c).astype(np.float64), data.feature_names, {f"not {name}": 0, name: 1})


class MulticlassRun:
    """``config`` trained on ``data`` of K ≥ 3 classes by ``config.multiclass``; ``runs`` holds the
    K two-class runs (ovr) or the one softmax run (multinomial)."""

    def __init__(self, data: Dataset, config: RunConfig):
        self.data = data
        self.config = copy.deepcopy(config).validate()
        self.method = self.config.multiclass
        self.classes = data.classes
        train, test = split_rows(data, self.config, resample=False)
        self.train = data.subset(train)                     # every training row once
        self.test = None if test is None else data.subset(test)
        if self.method == "ovr":
            alone = replace(self.config, test_fraction=0.0)
            self.runs = [TrainingRun(one_vs_rest(self.train, c), alone) for c in range(self.classes)]
        else:
            self.runs = [TrainingRun(data, self.config)]

    # -- training --------------------------------------------------------------------------------
    def step(self, epochs: int = 1) -> str:
        for run in self.runs:
            run.step(epochs)
        return self.status

    @property
    def status(self) -> str:
        statuses = {run.status for run in self.runs}
        return next(s for s in _WORST_FIRST if s in statuses)

    @property
    def reason(self) -> str:
        if self.method == "multinomial":
            return self.runs[0].reason
        names = self.data.class_names()
        return "; ".join(f"{names[c]}: {run.reason}" for c, run in enumerate(self.runs) if run.reason)

    @property
    def epoch(self) -> int:
        return max(run.epoch for run in self.runs)

    # -- the model ---------------------------------------------------------------------------------
    @property
    def theta_original(self) -> np.ndarray:
        """(K, k): θ of each class in original units."""
        if self.method == "ovr":
            return np.vstack([run.theta_original for run in self.runs])
        return self.runs[0].theta_original.reshape(self.classes, -1)

    def feature_names(self) -> tuple[str, ...]:
        return self.runs[0].feature_names()

    def scores(self, X: np.ndarray) -> np.ndarray:
        """z (n, K): each class's score for the raw inputs X (n, d)."""
        if self.method == "ovr":
            return np.column_stack([run.decision_function(X) for run in self.runs])
        return self.runs[0].decision_function(X)

    def probabilities(self, X: np.ndarray) -> np.ndarray:
        """p (n, K), rows summing to 1: softmax of the scores (multinomial), or each model's
        σ(z) divided by their sum (ovr, as scikit-learn's OneVsRestClassifier gives them)."""
        z = self.scores(X)
        with np.errstate(over="ignore", invalid="ignore"):
            if self.method == "ovr":
                p = sigmoid(z)
                return p / p.sum(axis=1, keepdims=True)
            e = np.exp(z - z.max(axis=1, keepdims=True))
            return e / e.sum(axis=1, keepdims=True)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """(n,) the class of the highest score (the highest probability, either way)."""
        return np.argmax(self.scores(X), axis=1)


def train_multiclass(data: Dataset, config: RunConfig) -> MulticlassRun:
    """``config`` trained on ``data`` until every model stops by itself."""
    run = MulticlassRun(data, config)
    run.step(max(1, run.config.max_epochs))
    return run


def multiclass_report(run: MulticlassRun, rows: Dataset) -> dict:
    """The figures of ``run`` on ``rows``, by scikit-learn's metrics: accuracy, balanced accuracy,
    per-class recall and precision, log-loss of the probabilities, the K × K confusion matrix
    (rows: true class, columns: predicted)."""
    from sklearn import metrics

    labels = list(range(run.classes))
    y = rows.y.astype(int)
    predicted = run.predict(rows.X)
    p = run.probabilities(rows.X)
    return {
        "accuracy": float(metrics.accuracy_score(y, predicted)),
        "balanced_accuracy": float(metrics.balanced_accuracy_score(y, predicted)),
        "recall": [float(v) for v in metrics.recall_score(y, predicted, labels=labels, average=None, zero_division=0)],
        "precision": [float(v) for v in metrics.precision_score(y, predicted, labels=labels, average=None,
                                                                 zero_division=0)],
        "log_loss": float(metrics.log_loss(y, np.clip(p, 1e-300, 1.0), labels=labels)),
        "confusion": metrics.confusion_matrix(y, predicted, labels=labels).tolist(),
    }


def multiclass_result(run: MulticlassRun) -> dict:
    """The outcome of a finished K-class run as plain data (what ``lrgui train --json`` prints)."""
    names = run.data.class_names()
    models = [{"class": names[c] if run.method == "ovr" else "all", "status": r.status, "reason": r.reason,
               "epochs": r.epoch, "loss": float(r.last.loss), "grad_norm": float(r.last.gradient_norm)}
              for c, r in enumerate(run.runs)]
    result = {
        "multiclass": run.method,
        "classes": list(names),
        "status": run.status,
        "reason": run.reason,
        "epochs": run.epoch,
        "theta": [[float(v) for v in row] for row in run.theta_original],
        "theta_names": ["bias"] + list(run.feature_names()),
        "models": models,
        "label_map": run.data.label_map,
        "optimizer": run.config.optimizer,
        "config": run.config.as_dict(),
        "train": multiclass_report(run, run.train),
    }
    if run.method == "multinomial":
        result["loss"] = models[0]["loss"]
    if run.test is not None:
        result["test"] = multiclass_report(run, run.test)
    return result
