"""Metrics at a threshold, against scikit-learn's own functions on the same predictions."""

import json

import numpy as np
import pytest
from sklearn import metrics
from sklearn.model_selection import train_test_split

from lrgui.cli import main
from lrgui.core.config import RunConfig
from lrgui.core.generators import generate
from lrgui.core.numerics import sigmoid
from lrgui.core.scoring import score

THETA = np.array([-4.2, 0.83, 0.094])


def reference(y, z, t):
    p = sigmoid(z)
    pred = (p >= t).astype(float)
    return {"accuracy": metrics.accuracy_score(y, pred), "balanced_accuracy": metrics.balanced_accuracy_score(y, pred),
            "precision": metrics.precision_score(y, pred, zero_division=0), "recall": metrics.recall_score(y, pred),
            "f1": metrics.f1_score(y, pred), "log_loss": metrics.log_loss(y, p), "auc": metrics.roc_auc_score(y, p),
            "average_precision": metrics.average_precision_score(y, p),
            "confusion": metrics.confusion_matrix(y, pred).tolist()}


@pytest.mark.parametrize("t", [0.2, 0.5, 0.83])
def test_every_figure_agrees_with_scikit_learn_on_train_and_test(t):
    data = generate("gaussian", n0=60, n1=25, seed=3)
    config = RunConfig.from_dict({"test_fraction": 0.3, "seed": 5})
    s = score(data, config, THETA, t)
    # the same rows, split independently: lrgui's split is scikit-learn's, seeded from the run's seed
    rng = np.random.default_rng([5, 1])
    tr, te = train_test_split(np.arange(data.n), test_size=0.3, stratify=data.y, random_state=int(rng.integers(2**31)))
    for part, rows in ((s.train, np.sort(tr)), (s.test, np.sort(te))):
        X, y = data.X[rows], data.y[rows]
        z = THETA[0] + X @ THETA[1:]
        want = reference(y, z, t)
        got = part.report.as_dict()
        assert part.n == len(rows) and got["confusion"] == want.pop("confusion")
        for name, value in want.items():
            assert got[name] == pytest.approx(value, rel=1e-9), name
        fpr, tpr, _ = metrics.roc_curve(y, sigmoid(z))
        assert np.interp(0.5, part.curves.fpr, part.curves.tpr) == pytest.approx(np.interp(0.5, fpr, tpr))
        (tn, fp), (fn, tp) = got["confusion"]
        assert part.curves.roc_point == pytest.approx((fp / (fp + tn), tp / (tp + fn)))
        assert part.curves.pr_point == pytest.approx((tp / (tp + fn), tp / (tp + fp)))


def test_training_figures_count_each_point_once_when_a_run_resamples():
    data = generate("gaussian", n0=80, n1=10, seed=2)
    s = score(data, RunConfig.from_dict({"resample": "over"}), THETA, 0.5)
    assert s.train.n == data.n and s.test is None


def test_train_threshold_reports_the_metrics_at_t(capsys):
    assert main(["train", "gaussian", "--gen", "seed=4", "--threshold", "0.7", "--test-fraction", "0.25",
                 "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    data = generate("gaussian", seed=4)
    theta = np.array(result["theta"])
    s = score(data, RunConfig.from_dict({"test_fraction": 0.25}), theta, 0.7)
    for name in ("train", "test"):
        got, want = result[name], getattr(s, name).report.as_dict()
        assert got["threshold"] == 0.7 and got["confusion"] == want["confusion"]
        for key in ("accuracy", "balanced_accuracy", "precision", "recall", "f1", "auc", "average_precision"):
            assert got[key] == pytest.approx(want[key], rel=1e-9, abs=1e-12), (name, key)
