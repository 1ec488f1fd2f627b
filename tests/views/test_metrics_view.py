"""The Metrics dock: its figures against scikit-learn on the run's own rows, and one threshold
moving the plane's p = t line, the sigmoid's threshold and the points on the curves together."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSlider
from sklearn import metrics

from lrgui.core.numerics import sigmoid
from lrgui.core.problem import split_data
from lrgui.views.metrics_view import FIGURES


def shown(w, column):
    return {key: w.metrics_view.table.item(row, column).text() for row, (_label, key) in enumerate(FIGURES)}


def scores_for(driver, epoch, t):
    driver.qtbot.waitUntil(lambda: driver.snap.scores is not None and driver.snap.scores.epoch == epoch
                           and driver.snap.scores.threshold == t, timeout=20000)
    driver.controller.redraw()
    return driver.settle()


def test_the_figures_follow_one_threshold_everywhere(driver):
    w, c = driver.window, driver.controller
    assert c.set_run_config(test_fraction=0.25)
    snap = driver.train(40)
    driver.key(Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier, widget=w.plane)
    assert w.docks["metrics"].isVisible()
    snap = scores_for(driver, 40, 0.5)
    # two page steps up the slider, as a click on its groove makes them: 0.5 → 0.7
    slider = w.metrics_view.slider
    for _ in range(2):
        slider.triggerAction(QAbstractSlider.SliderAction.SliderPageStepAdd)
    t = slider.value() / 1000
    assert t == pytest.approx(0.5 + 2 * slider.pageStep() / 1000) and c.session.view.threshold == t
    snap = scores_for(driver, 40, t)
    run = snap.selected
    split = split_data(snap.data, run.spec.config, resample=False)
    for column, rows in ((0, split.train), (1, split.test)):
        z = run.theta[0] + rows.X @ run.theta[1:]
        p = sigmoid(z)
        pred = (p >= t).astype(float)
        want = {"accuracy": metrics.accuracy_score(rows.y, pred),
                "balanced_accuracy": metrics.balanced_accuracy_score(rows.y, pred),
                "precision": metrics.precision_score(rows.y, pred, zero_division=0),
                "recall": metrics.recall_score(rows.y, pred),
                "specificity": metrics.recall_score(rows.y, pred, pos_label=0),
                "f1": metrics.f1_score(rows.y, pred), "log_loss": metrics.log_loss(rows.y, p),
                "auc": metrics.roc_auc_score(rows.y, p), "average_precision": metrics.average_precision_score(rows.y, p)}
        got = shown(w, column)
        for key, value in want.items():
            assert float(got[key]) == pytest.approx(value, abs=6e-4 if key == "log_loss" else 6e-4), key
        cm = metrics.confusion_matrix(rows.y, pred)
        grid = w.metrics_view.matrices[("train", "test")[column]][1]
        assert [[int(grid.item(i, j).text()) for j in range(2)] for i in range(2)] == cm.tolist()
        (tn, fp), (fn, tp) = cm
        name = ("train", "test")[column]
        x, y = w.metrics_view.roc.points[name].getData()
        assert (x[0], y[0]) == pytest.approx((fp / (fp + tn), tp / (tp + fn)))
        x, y = w.metrics_view.pr.points[name].getData()
        assert (x[0], y[0]) == pytest.approx((tp / (tp + fn), tp / (tp + fp)))
    # the sigmoid's line and the plane's p = t line are at t
    assert w.sigmoid_view.threshold_line.value() == pytest.approx(t)
    xs, ys = w.plane.threshold_line.getData()
    assert len(xs) >= 2
    z_line = run.theta[0] + run.theta[1] * xs + run.theta[2] * ys
    assert np.allclose(z_line, np.log(t / (1 - t)), atol=1e-6 * max(1.0, np.abs(run.theta).max() * 20))
    # one undo step puts the threshold back, and the line goes
    c.undo_stack.undo()
    driver.settle()
    assert c.session.view.threshold == 0.5 and w.metrics_view.slider.value() == 500
    assert len(w.plane.threshold_line.getData()[0] if w.plane.threshold_line.getData()[0] is not None else []) == 0


def test_without_test_rows_the_dock_says_so(driver):
    w = driver.window
    driver.train(5)
    w.docks["metrics"].show()
    w.docks["metrics"].raise_()
    scores_for(driver, 5, 0.5)
    assert "no test rows" in w.metrics_view.note.text()
    assert w.metrics_view.table.item(0, 1).text() == "" and not w.metrics_view.matrices["test"][1].isVisible()
