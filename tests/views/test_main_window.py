"""The explorer window driven through its real widgets: data, training, the four views."""

import re
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from lrgui.core.geometry import line_in_rect
from lrgui.core.run import TrainingRun
from lrgui.core.session import window_default_config
from lrgui.views.side_panel import position_of

from .conftest import finite


def solo(data, config=None, epochs=0):
    run = TrainingRun(data, config or window_default_config())
    run.step(epochs)
    return run


def test_starts_with_the_seed_data_at_theta_zero_and_a_hint(driver):
    snap, w = driver.snap, driver.window
    assert w.windowTitle() == "lrgui — Two Gaussian clouds"
    assert snap.data.n == 80 and snap.data.class_counts() == (40, 40)
    run = snap.selected
    assert len(snap.runs) == 1 and run.epoch == 0 and np.array_equal(run.theta, np.zeros(3))
    assert len(w.plane.scatter_points(0)) == 40 and len(w.plane.scatter_points(1)) == 40
    assert not snap.playing
    assert len(w.plane.boundary_points()[0]) == 0                 # θ = 0: no boundary
    assert len(w.plane.ring_points()) == 0                        # and no ring before the first epoch
    assert w.plane.hint.isVisible() and "Space" in w.plane.hint.textItem.toPlainText()
    driver.key(Qt.Key.Key_Right)
    driver.settle()
    assert not w.plane.hint.isVisible() and len(w.plane.ring_points()) > 0


def test_clicks_add_points_of_the_right_class(driver):
    c = driver.controller
    targets = [(3.0, 8.5), (10.0, -0.5), (-2.0, 0.0)]
    driver.click(*targets[0])
    driver.click(*targets[1], Qt.MouseButton.RightButton)
    driver.click(*targets[2], modifier=Qt.KeyboardModifier.ShiftModifier)
    snap = driver.settle()
    data = c.session.data
    assert data.n == 83
    np.testing.assert_allclose(data.X[-3:], targets, atol=0.05)
    assert data.y[-3:].tolist() == [0.0, 1.0, 1.0]
    assert snap.data is data and driver.window.plane.data is data
    scatter0 = driver.window.plane.scatter_points(0)
    assert np.any(np.all(np.abs(scatter0 - targets[0]) < 0.05, axis=1))
    assert len(driver.window.plane.scatter_points(1)) == 42
    driver.key(Qt.Key.Key_1)
    assert c.click_class == 1
    driver.click(*data.X[-3], modifier=Qt.KeyboardModifier.ControlModifier)
    assert c.session.data.n == 82


def test_points_clicked_while_training_never_flicker_back(driver):
    c, plane = driver.controller, driver.window.plane
    c.set_speed(None)
    c.play(True)
    seen = []
    c.frame.connect(lambda snap: seen.append(snap.data.n))
    for i in range(6):
        driver.click(1.0 + i, 9.0)
        driver.qtbot.wait(40)
    snap = driver.settle()
    c.play(False)
    assert snap.data.n == 86 and plane.data is snap.data
    assert seen == sorted(seen)                 # the drawn data only ever grew


def _drag(qtbot, widget, start: QPoint, end: QPoint, steps=6):
    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(widget, left, pos=start)
    for k in range(1, steps + 1):
        p = start + (end - start) * (k / steps)
        event = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(p), QPointF(widget.mapToGlobal(p)),
                            Qt.MouseButton.NoButton, left, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(widget, event)
    qtbot.mouseRelease(widget, left, pos=end)


def test_drag_moves_one_point_and_undo_redo_restore_exact_states(driver):
    c, plane = driver.controller, driver.window.plane
    before = c.session.data
    i = 5
    x0, y0 = before.X[i]
    _drag(driver.qtbot, plane.viewport(), plane.view_to_widget(x0, y0), plane.view_to_widget(x0 + 2.0, y0 - 1.0))
    after = c.session.data
    moved = np.flatnonzero(np.any(after.X != before.X, axis=1))
    assert moved.tolist() == [i]
    np.testing.assert_allclose(after.X[i], [x0 + 2.0, y0 - 1.0], atol=0.1)
    assert c.undo_stack.count() == 1
    driver.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert c.session.data.equals(before)
    driver.key(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert c.session.data.equals(after)
    assert driver.settle().data.equals(after)


def test_step_is_exactly_one_epoch_and_back_shows_the_start(driver):
    c = driver.controller
    reference = solo(c.session.data, epochs=1)
    driver.key(Qt.Key.Key_Right)
    snap = driver.settle()
    assert snap.selected.epoch == 1
    np.testing.assert_array_equal(snap.selected.theta, reference.theta_original)
    driver.key(Qt.Key.Key_Left)
    snap = driver.settle()
    assert snap.position == 0 and np.array_equal(snap.selected.theta, np.zeros(3))


def test_play_then_pause_leaves_every_view_on_the_same_theta(driver):
    c, w = driver.controller, driver.window
    c.set_speed(None)
    driver.key(Qt.Key.Key_Space)
    driver.qtbot.waitUntil(lambda: c.latest.position > 30, timeout=10000)
    driver.key(Qt.Key.Key_Space)
    snap = driver.settle()
    assert not snap.playing
    run = snap.selected
    reference = solo(c.session.data, epochs=run.epoch)
    np.testing.assert_array_equal(run.theta, reference.theta_original)
    (x0, x1), (y0, y1) = w.plane.getPlotItem().vb.viewRange()
    t = run.theta
    (ax, ay), (bx, by) = line_in_rect(t[1], t[2], t[0], (x0, y0, x1, y1))
    bx_, by_ = w.plane.boundary_points()
    np.testing.assert_allclose(sorted(zip(bx_, by_)), sorted([(ax, ay), (bx, by)]), rtol=1e-9, atol=1e-9)
    rows = w.sigmoid_view.shown_rows()
    z = reference.decision_function(c.session.data.X[rows])
    y = c.session.data.y[rows]
    drawn = w.sigmoid_view.point_positions(1)
    np.testing.assert_allclose(np.sort(drawn[:, 0]), np.sort(np.clip(z[y == 1], -50, 50)), rtol=1e-9)
    assert np.all(np.abs(drawn[:, 1] - 1.0) < 0.05)
    # σ(z) itself, over a range that holds every drawn z, and the view shows that range
    zs, ps = w.sigmoid_view.curve.getData()
    assert len(zs) > 100 and zs.min() <= drawn[:, 0].min() and zs.max() >= drawn[:, 0].max()
    np.testing.assert_allclose(ps, 1 / (1 + np.exp(-zs)), rtol=1e-12)
    (v0, v1), _ = w.sigmoid_view.getPlotItem().vb.viewRange()
    assert v0 <= zs.min() and v1 >= zs.max()
    assert w.loss_view.curve_length() == run.epoch + 1
    assert f"epoch {run.epoch}" in w.run_label.text()


def test_live_learning_rate_change_and_reset(driver):
    c, w = driver.controller, driver.window
    driver.train(5)
    lr_control = w.panel.hyper_form.controls["lr"]
    driver.type_into(lr_control.edit, "0.05")
    driver.key(Qt.Key.Key_Return, widget=lr_control.edit)
    snap = driver.train(1)
    assert snap.selected.epoch == 6
    reference = solo(c.session.data, epochs=5)
    reference.set_hyper(lr=0.05)
    reference.step(1)
    np.testing.assert_array_equal(snap.selected.theta, reference.theta_original)
    driver.key(Qt.Key.Key_R)
    snap = driver.settle()
    assert snap.selected.epoch == 0 and np.array_equal(snap.selected.theta, np.zeros(3))


def test_changing_the_optimizer_starts_over_with_its_controls_and_a_ghost(driver):
    c, panel = driver.controller, driver.window.panel
    driver.train(20)
    panel.optimizer.setCurrentIndex(panel.optimizer.findData("adam"))
    panel.optimizer.activated.emit(panel.optimizer.currentIndex())
    snap = driver.settle()
    assert c.session.selected_run.config.optimizer == "adam"
    assert snap.selected.epoch == 20                          # caught up to the timeline
    np.testing.assert_array_equal(snap.selected.theta,
                                  solo(c.session.data, c.session.selected_run.config, 20).theta_original)
    assert panel.hyper_form.relevant_names() == ["lr", "batch_size", "schedule", "beta1", "beta2", "eps"]
    assert snap.selected.ghost is not None and len(snap.selected.ghost) == 21
    assert driver.window.plane.ghosts and driver.window.loss_view.ghosts
    panel.optimizer.setCurrentIndex(panel.optimizer.findData("newton"))
    panel.optimizer.activated.emit(panel.optimizer.currentIndex())
    driver.settle()
    assert panel.hyper_form.controls == {} and not panel.no_hyper.isHidden()
    c.undo_stack.undo()
    c.undo_stack.undo()
    assert c.session.selected_run.config.optimizer == "gd"


@pytest.mark.parametrize("keep", [0, 1, 2])
def test_degenerate_data_is_shown_calmly(driver, keep):
    c, w = driver.controller, driver.window
    c.clear()
    if keep >= 1:
        c.add_point(1.0, 1.0, 0)
    if keep == 2:
        c.add_point(2.0, 2.0, 0)
    c.play(True)
    snap = driver.settle()
    assert not snap.playing
    assert "class" in w.state_label.text() or "points" in w.state_label.text(), snap.selected.state
    assert len(w.plane.boundary_points()[0]) == 0
    c.add_point(5.0, 5.0, 1)
    if keep == 0:
        c.add_point(0.0, 0.0, 0)
    snap = driver.train(1)
    assert snap.selected.trained and snap.selected.epoch >= 1


def test_divergence_stops_and_keeps_finite_theta(driver):
    c, w = driver.controller, driver.window
    c.set_run_config(standardize=False)
    c.set_hyper("lr", 1e6)
    c.set_speed(None)
    c.play(True)
    driver.qtbot.waitUntil(lambda: c.latest.selected.state.status == "diverged", timeout=10000)
    snap = driver.settle()
    assert not snap.playing and finite(snap.selected.theta)
    status = w.state_label.text()
    assert status.startswith("diverged: at epoch") and status.count("diverged") == 1
    for item in (w.plane.boundary_points(), w.loss_view.curves[snap.selected.id].item.getData()):
        x, y = item
        assert x is None or (finite(x) and finite(y))
    c.play(True)
    snap = driver.settle()
    assert not snap.playing and "Reset" in snap.notice
    c.set_hyper("lr", 0.01)                     # a smaller rate goes on from the last good epoch
    snap = driver.train(3)
    assert snap.selected.state.status == "ready"


def test_closing_while_training_stops_the_training_process(driver):
    c = driver.controller
    c.set_run_config(max_epochs=10_000_000, tol=0.0)
    c.set_speed(None)
    c.play(True)
    driver.qtbot.waitUntil(lambda: c.latest.playing, timeout=10000)
    c.undo_stack.setClean()
    driver.window.close()
    assert not c.threads_running()


def test_speed_slider_and_layout_memory(driver, tmp_path):
    from .conftest import make_window

    panel, w = driver.window.panel, driver.window
    panel.speed.setValue(position_of(None))
    assert driver.controller.speed is None and panel.speed_label.text() == "max"
    w.docks["sigmoid"].hide()
    w.close()
    again = make_window(driver.qtbot, tmp_path)
    assert not again.docks["sigmoid"].isVisible() and again.docks["loss"].isVisible()
    again.close()


def test_bad_typed_values_are_refused_and_explained(driver):
    edit = driver.window.panel.hyper_form.controls["lr"].edit
    edit.setText("abc")
    edit.textEdited.emit("abc")
    assert "number" in edit.toolTip() and edit.styleSheet()
    edit.editingFinished.emit()
    assert edit.text() == "0.5" and driver.controller.session.selected_run.config.hyper["lr"] == 0.5
    said = driver.window.message_label.text()
    assert said.startswith("Not taken:") and "number" in said and "0.5 is kept" in said


def test_window_renders_to_a_png(driver, tmp_path):
    driver.train(40)
    driver.qtbot.waitUntil(lambda: driver.window.landscape_view.result is not None, timeout=10000)
    path = tmp_path / "window.png"
    assert driver.window.grab().save(str(path))
    assert path.stat().st_size > 20_000


def test_boundary_is_vertical_when_w2_is_zero_and_absent_when_w_is_zero(driver):
    c, plane = driver.controller, driver.window.plane
    c.set_start([-5.0, 1.0, 0.0])
    driver.settle()
    x, y = plane.boundary_points()
    np.testing.assert_allclose(x, [5.0, 5.0], rtol=1e-12)
    (y0, y1) = plane.getPlotItem().vb.viewRange()[1]
    np.testing.assert_allclose(sorted(y), [y0, y1], rtol=1e-9)
    c.set_start([1.0, 0.0, 0.0])
    driver.settle()
    assert len(plane.boundary_points()[0]) == 0


def test_polynomial_features_draw_the_zero_contour(driver):
    c, plane = driver.controller, driver.window.plane
    c.generate("circles", {})
    c.set_run_config(degree=2, optimizer="newton")
    snap = driver.train(8)
    x, y = plane.boundary_points()
    assert len(x) > 20 and finite(x) and finite(y)
    run = solo(c.session.data, c.session.selected_run.config, 8)
    np.testing.assert_array_equal(snap.selected.theta, run.theta_original)
    z = run.decision_function(np.column_stack([x, y]))
    assert np.max(np.abs(z)) < 0.05 * np.max(np.abs(run.theta))      # on the zero contour
    assert snap.selected.state.status in ("ready", "converged") and run.last.accuracy > 0.95
    c.set_run_config(degree=1)
    c.set_start([0.1, 1.0, 1.0])
    driver.settle()
    x, _ = plane.boundary_points()
    assert len(x) == 2
    for item in (*plane.boundaries.values(), *plane.contours):
        item.getPath()                     # pyqtgraph would raise here on a stale connect array


def test_many_features_show_the_first_two(driver):
    c = driver.controller
    c.generate("breast-cancer", {})
    c.set_run_config(optimizer="lbfgs")
    snap = driver.train(1)
    assert snap.selected.epoch == 1 and len(snap.selected.theta) == 31
    assert "30 features" in driver.window.plane.note.textItem.toPlainText()


def test_dragging_the_landscape_handle_sets_the_start_point(driver):
    c, view = driver.controller, driver.window.landscape_view
    driver.train(3)
    driver.qtbot.waitUntil(lambda: view.result is not None, timeout=10000)
    view.startRequested.emit(0.7, -0.3)
    snap = driver.settle()
    assert snap.selected.epoch == 3 and "start point" in driver.window.message_label.text()
    init = np.array(c.session.selected_run.config.init)
    theta = view.result.facts.features.from_original(init)
    np.testing.assert_allclose(theta[1:], [0.7, -0.3], rtol=1e-12)
    np.testing.assert_array_equal(snap.selected.history.at("theta_original", 0), init)


def test_generate_is_one_undoable_edit(driver):
    c, panel = driver.controller, driver.window.panel
    before = c.session.data
    panel.generator.setCurrentIndex(panel.generator.findData("moons"))
    panel.generate_button.click()
    assert c.session.data.n == 200 and c.undo_stack.count() == 1
    assert driver.window.windowTitle().endswith("Two interleaving moons *")
    c.undo_stack.undo()
    assert c.session.data.equals(before) and driver.window.windowTitle() == "lrgui — Two Gaussian clouds"


def test_log_scale_applies_to_the_loss_only(driver):
    c, view = driver.controller, driver.window.loss_view
    c.set_run_config(test_fraction=0.25)
    driver.train(20)
    c.set_view(log_loss=True)
    snap = driver.settle()
    assert snap.selected.state.has_test and view.log
    assert not view.getPlotItem().getAxis("right").logMode
    x, y = view.test.item.getData()
    assert len(x) and finite(y)
    assert "test loss (selected)" in [label.text for _, label in view.legend.items]
    # drawn in the log10 units of the log axis, inside the range shown
    x, y = view.curves[snap.selected.id].item.getData()
    loss = snap.selected.history.rows("loss", 0, snap.selected.rows)
    np.testing.assert_allclose(y, np.log10(loss[x.astype(int)]), rtol=1e-12)
    low, high = view.getPlotItem().vb.viewRange()[1]
    assert low <= y.min() and y.max() <= high


def test_delete_key_removes_the_point_under_the_mouse(driver):
    c, plane = driver.controller, driver.window.plane
    x, y = c.session.data.X[7]
    driver.qtbot.mouseMove(plane.viewport(), plane.view_to_widget(x, y))
    driver.qtbot.waitUntil(lambda: plane._mouse is not None and abs(plane._mouse[0] - x) < 0.1)
    driver.key(Qt.Key.Key_Delete, widget=plane)
    assert c.session.data.n == 79
    assert not np.any(np.all(c.session.data.X == [x, y], axis=1))


def test_impossible_settings_explain_themselves(driver):
    c, w = driver.controller, driver.window
    c.set_run_config(loss="squared")
    c.set_run_config(optimizer="newton")
    c.play(True)
    snap = driver.settle()
    assert not snap.selected.trained and not snap.playing
    assert "cross-entropy" in w.state_label.text()
    c.set_run_config(loss="cross-entropy")
    snap = driver.train(1)
    assert snap.selected.trained and snap.selected.epoch == 1


def test_speed_steps_and_batch_size_display(driver):
    from lrgui.views.side_panel import SPEEDS, speed_of

    panel, c = driver.window.panel, driver.controller
    assert speed_of(panel.speed.value()) == c.speed == 30.0
    c.set_speed(100.0)
    assert panel.speed_label.text() == "100 epochs/s" and speed_of(panel.speed.value()) == 100.0
    panel.speed.setValue(0)
    assert c.speed == SPEEDS[0] == 1
    c.set_run_config(optimizer="sgd")
    spin = panel.hyper_form.controls["batch_size"]
    spin.setValue(0)
    assert spin.text() == "full batch"


def test_every_control_and_action_explains_itself(driver):
    from PySide6.QtWidgets import QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QLineEdit

    kinds = (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QLineEdit)
    w = driver.window
    roots = [w.panel, w.landscape_view, w.timeline, w.runs_table]
    controls = [c for root in roots for kind in kinds for c in root.findChildren(kind)
                if type(c).__name__ != "QScrollBar" and c.isVisibleTo(root)]
    assert len(controls) > 30
    silent = [c for c in controls if not c.toolTip() and not (c.parent() and c.parent().toolTip())]
    assert silent == []
    for action in [*w.actions.values(), *(d.toggleViewAction() for d in w.docks.values())]:
        assert action.toolTip() and action.shortcuts(), action.text()
    menus = [a for m in w.menuBar().findChildren(type(w.recent_menu)) for a in m.actions()]
    in_menus = {id(a) for a in menus}
    assert all(id(a) in in_menus for a in w.actions.values())


def test_one_feature_data_lie_on_the_x_axis(driver, tmp_path, monkeypatch, import_as_is):
    from PySide6.QtWidgets import QFileDialog

    c, plane = driver.controller, driver.window.plane
    path = tmp_path / "one.csv"
    path.write_text("x,label\n" + "\n".join(f"{v},{int(v > 2.5)}" for v in np.linspace(0, 5, 21)) + "\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    driver.window.actions["open"].trigger()
    driver.settle()
    driver.click(1.0, 0.0)
    assert c.session.data.d == 1 and c.session.data.n == 22 and c.session.data.X[-1, 0] == pytest.approx(1.0, abs=0.1)
    snap = driver.train(30)
    x, y = plane.boundary_points()
    assert len(x) == 2 and x[0] == pytest.approx(x[1])                 # vertical: z = b + w x₁
    assert x[0] == pytest.approx(-snap.selected.theta[0] / snap.selected.theta[1])
    assert "one feature" in plane.note.textItem.toPlainText()
    view = driver.window.landscape_view
    driver.qtbot.waitUntil(lambda: view.result is not None and view.result.axes == (0, 1), timeout=10000)
    assert view.axes_box.currentText() == "b and x"


def test_the_name_offered_for_a_new_session_is_a_plain_file_name(driver, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    offered = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (offered.append(a[2]), ("", ""))[1])
    driver.controller.generate("gaussian", {"seed": 3})
    driver.settle()
    assert driver.window.save_as() is False                     # cancelled: nothing written
    name = Path(offered[0]).name
    assert name.endswith(".lrgui.json") and re.fullmatch(r"[\w-]+\.lrgui\.json", name), name


def test_data_near_the_float_limit_open_train_and_frame_without_a_fault(driver, tmp_path, monkeypatch, import_as_is):
    """±1.7e308 cannot be framed (the span overflows): such points are left out of the picture and
    said so; the run trains on them (standardised) and F frames what can be drawn."""
    from PySide6.QtWidgets import QFileDialog

    faults = []
    monkeypatch.setattr(sys, "excepthook", lambda *exc: faults.append(exc))
    rng = np.random.default_rng(0)
    X = np.vstack([rng.normal(-1, 1, (20, 2)), rng.normal(1, 1, (20, 2))])
    X = X / np.abs(X).max() * 1.7e308
    X[:5] = [[1.0, 2.0], [2.0, 1.0], [0.5, 0.5], [3.0, 3.0], [2.5, 0.0]]          # a few drawable ones
    path = tmp_path / "huge.csv"
    path.write_text("a,b,label\n" + "".join(f"{float(a)!r},{float(b)!r},{int(i >= 20)}\n" for i, (a, b) in enumerate(X)))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    driver.window.actions["open"].trigger()
    driver.settle()
    plane = driver.window.plane
    driver.window.actions["frame"].trigger()
    snap = driver.train(20)
    (x0, x1), (y0, y1) = plane._vb.viewRange()
    assert finite([x0, x1, y0, y1]) and x1 - x0 < 100 and y1 - y0 < 100
    assert len(plane.scatter_points(0)) + len(plane.scatter_points(1)) == 5
    assert "35 points lie beyond" in plane.note.textItem.toPlainText()
    assert finite(snap.selected.theta) and snap.selected.loss < np.log(2)
    assert faults == []


def test_ticks_near_the_float_limit_say_plain_numbers(driver):
    """No unit prefix beside an axis label: "x₁ (x1e+27)" over ticks of "2e+127" misled."""
    c, plane = driver.controller, driver.window.plane
    c.add_point(1e154, 2e154, 0)
    c.add_point(-1e154, -2e154, 1)
    driver.settle()
    driver.window.actions["frame"].trigger()
    axis = plane.getPlotItem().getAxis("bottom")
    spacing, values = axis.tickValues(*axis.range, axis.width())[0]
    ticks = axis.tickStrings(values, 1.0, spacing)
    assert "(x1e" not in axis.labelString() and any("e+15" in t for t in ticks)


def test_a_schedule_chosen_in_the_panel_shows_its_settings_and_draws_its_learning_rate(driver):
    c, w = driver.controller, driver.window
    form = w.panel.hyper_form
    assert form.relevant_names() == ["lr", "schedule"]
    assert form.form.isRowVisible(list(form.controls).index("schedule"))
    assert not form.form.isRowVisible(list(form.controls).index("step_every"))
    form.controls["schedule"].setCurrentText("step")
    driver.settle()
    assert c.session.selected_run.config.hyper["schedule"] == "step"
    assert form.relevant_names() == ["lr", "schedule", "step_every", "step_factor"]
    form.controls["step_every"].setValue(5)
    driver.settle()
    assert c.session.selected_run.config.hyper["step_every"] == 5
    snap = driver.train(12)
    run = snap.selected
    lr0 = run.spec.config.hyper["lr"]
    assert run.history.rows("lr", 0, 13) == pytest.approx(lr0 * 0.5 ** (np.arange(13) // 5))
    assert f"η {lr0 * 0.25:.3g}" in w.run_label.text()                    # epoch 12: two steps down
    view = w.loss_view
    assert view.lr_axis.isVisible() and view.lr.item.isVisible()
    x, y = view.lr.item.getData()
    assert x[-1] == 12 and y[-1] == pytest.approx(lr0 * 0.25) and y.max() == pytest.approx(lr0)
    assert view.lr_box.viewRange()[1][1] >= lr0
    w.panel.show_lr.click()
    driver.settle()
    assert not c.session.view.show_lr and not view.lr_axis.isVisible()
    c.undo_stack.undo()
    driver.settle()
    assert c.session.view.show_lr and view.lr_axis.isVisible()
    w.panel.optimizer.setCurrentIndex(w.panel.optimizer.findData("newton"))
    w.panel.optimizer.activated.emit(w.panel.optimizer.currentIndex())
    driver.train(1)
    assert not view.lr_axis.isVisible() and "   η " not in w.run_label.text()


def _wait_sweep(driver, timeout=60000):
    job = driver.controller.sweep
    driver.qtbot.waitUntil(lambda: job.results is not None and not job.results.running, timeout=timeout)
    return job.results


def test_a_sweep_from_the_dock_plots_each_configuration_and_a_click_races_it(driver):
    c, w = driver.controller, driver.window
    c.set_run_config(standardize=False)
    driver.settle()
    w.actions["sweep"].trigger()
    view = w.sweep_view
    assert w.docks["sweep"].isVisible() and view.lr_range.hasFocus()
    driver.type_into(view.lr_range, "0.01:1e4:5")
    view.epochs.setValue(300)
    view.start.click()
    assert not view.start.isEnabled() and view.cancel.isEnabled()
    results = _wait_sweep(driver)
    assert results.outcome == "finished" and results.done == 5
    assert view.start.isEnabled() and not view.cancel.isEnabled() and view.progress.value() == 5
    # each point is the entry of its configuration, which is the run trained alone
    from lrgui.core.options import config_from_options
    from lrgui.core.outcome import train_alone

    x, y = view.curve_data()
    for i, (options, entry) in enumerate(zip(results.configurations, results.entries)):
        alone = train_alone(c.session.data, config_from_options(options))
        assert entry["loss"] == float(alone.last.loss) and entry["epochs"] == alone.epoch
        if entry["status"] == "diverged":
            assert i in list(view.failed.data["data"])
        else:
            assert y[list(x).index(options["lr"])] == entry["loss"]
    assert results.entries[-1]["status"] == "diverged"              # η = 10⁴ on features up to 12
    assert "diverged" in view.failed_label.toPlainText()
    assert np.all(view.curve_data()[1] < view.failed.data["y"].min())   # marked above, not off the chart
    view.shown.setCurrentText("accuracy")
    assert np.all((view.curve_data()[1] >= 0) & (view.curve_data()[1] <= 1))
    # a click on a result adds its configuration as a selected run (undoable)
    before = len(c.session.runs)
    curve = view.curves[0]
    points = curve.scatter.points()
    curve.sigPointsClicked.emit(curve, [points[1]], None)
    driver.settle()
    assert len(c.session.runs) == before + 1
    added = c.session.selected_run.config
    assert added.hyper["lr"] == results.configurations[1]["lr"] and added.max_epochs == 300
    c.undo_stack.undo()
    assert len(c.session.runs) == before


def test_cancel_stops_a_sweep_within_a_second_and_the_window_goes_on(driver):
    c, w = driver.controller, driver.window
    c.generate("gaussian", {"n0": 3000, "n1": 3000})
    driver.settle()
    view = w.sweep_view
    view.lr_range.setText("1e-4:1e-3:4")
    view.epochs.setValue(5_000_000)
    c.set_run_config(tol=0.0)
    view.start.click()
    driver.qtbot.wait(300)
    assert c.sweep.running
    started = time.perf_counter()
    view.cancel.click()
    results = _wait_sweep(driver, timeout=5000)
    assert time.perf_counter() - started < 1.0
    assert results.outcome == "cancelled" and results.done == 0
    assert view.start.isEnabled() and "cancelled" in view.progress.text()
    driver.train(3)                                   # the window still trains
    assert driver.snap.selected.epoch == 3


def test_a_bad_sweep_is_refused_in_words(driver):
    c, w = driver.controller, driver.window
    messages = []
    c.message.connect(messages.append)
    view = w.sweep_view
    view.lr_range.setText("0.1:1")
    view.start.click()
    assert c.sweep.results is None and "FROM:TO:COUNT" in messages[-1]
    view.lr_range.setText("0.1:1:3")
    assert view.param.findText("momentum") == -1                  # gd has no momentum to vary
    view.param.setCurrentText("lam")
    view.values.setText("1, x")
    view.start.click()
    assert c.sweep.results is None and "'x' is not a number" in messages[-1]
    c.set_run_config(optimizer="momentum")
    driver.settle()
    assert view.param.findText("momentum") > 0 and view.param.findText("beta1") == -1


def test_a_setting_of_a_schedule_no_longer_chosen_does_not_block_a_sweep(driver):
    c, w = driver.controller, driver.window
    for name, value in (("schedule", "inverse"), ("decay", 1.0), ("schedule", "cosine"), ("lr_min", 0.01),
                        ("schedule", "constant")):
        assert c.set_hyper(name, value)
    assert "step-every" not in [w.sweep_view.param.itemText(i) for i in range(w.sweep_view.param.count())]
    assert c.start_sweep("0.1:1:2", "", 20)
    results = _wait_sweep(driver)
    assert results.outcome == "finished" and all(e["config"]["hyper"]["schedule"] == "constant"
                                                 for e in results.entries)


def test_the_squared_error_demonstration_stalls_where_cross_entropy_converges(driver):
    c, w = driver.controller, driver.window
    w.actions["squared_demo"].trigger()
    assert [r.config.loss for r in c.session.runs] == ["cross-entropy", "squared"]
    c.set_speed(None)
    driver.qtbot.waitUntil(lambda: driver.snap is not None and driver.snap.position >= 400, timeout=60000)
    c.play(False)
    c.seek(400)
    snap = driver.settle()
    ce, se = snap.runs
    assert snap.position == 400 and se.epoch == 400
    assert ce.state.status == "converged" and ce.accuracy >= 0.9
    assert se.accuracy <= 0.15 and se.loss > 0.4                       # still on the plateau
    # why: the gradients at the start, computed here from the data and θ₀
    data = c.session.data
    A = np.c_[np.ones(data.n), data.X]
    p = 1 / (1 + np.exp(-A @ np.array([0.0, -6.0, -6.0])))
    grad_ce = A.T @ (p - data.y) / data.n
    grad_se = A.T @ ((p - data.y) * p * (1 - p)) / data.n
    assert ce.history.at("grad_norm", 0) == pytest.approx(np.linalg.norm(grad_ce), rel=1e-9)
    assert se.history.at("grad_norm", 0) == pytest.approx(np.linalg.norm(grad_se), rel=1e-9)
    assert np.linalg.norm(grad_se) < 0.01 * np.linalg.norm(grad_ce)
    c.undo_stack.undo()
    assert len(c.session.runs) == 1 and c.session.data.n == 80


def test_the_landscape_shows_both_costs_side_by_side_with_the_same_path(driver):
    c, w = driver.controller, driver.window
    view = w.landscape_view
    w.actions["squared_demo"].trigger()
    assert c.session.view.compare_losses and w.panel.compare_losses.isChecked()
    c.play(False)
    c.seek(60)
    driver.settle()
    driver.qtbot.waitUntil(lambda: view.result is not None and view.result.other is not None
                           and view.result.key[0].equals(c.session.data), timeout=20000)
    snap = driver.settle()
    result = view.result
    assert view.twin_widget.isVisible() and result.other_loss == "squared"
    # the squared-error surface, computed here at some grid points: ½ mean (σ(z) − y)²
    data = c.session.data
    A = np.c_[np.ones(data.n), data.X]
    land, other = result.landscape, result.other
    for i, j in ((0, 0), (10, 30), (47, 47)):
        theta = land.theta.copy()
        theta[list(land.axes)] = land.u[i], land.v[j]
        p = 1 / (1 + np.exp(-A @ theta))
        assert other.values[j, i] == pytest.approx(0.5 * np.mean((p - data.y) ** 2), rel=1e-9)
        assert land.values[j, i] == pytest.approx(np.mean(np.logaddexp(0, A @ theta) - data.y * (A @ theta)),
                                                  rel=1e-9)
    # log-spaced contour levels above the minimum on both
    for surface, values in ((view.surface, land.values), (view.twin, other.values)):
        gaps = np.diff(np.log(surface.levels - values.min()))
        np.testing.assert_allclose(gaps, gaps[0], rtol=1e-9)
    # each run's path drawn on both pictures at the same coordinates
    for run in snap.shown():
        np.testing.assert_array_equal(view.twin_paths[run.id].getData()[0], view.paths[run.id].item.getData()[0])
    c.set_view(compare_losses=False)
    driver.qtbot.waitUntil(lambda: not view.twin_widget.isVisible(), timeout=20000)


def test_sweep_results_say_when_the_data_or_settings_changed_since(driver):
    c, w = driver.controller, driver.window
    assert c.start_sweep("0.1:1:2", "", 20)
    _wait_sweep(driver)
    title = w.sweep_view.plot.getPlotItem().titleLabel

    def warned():
        return title.isVisible() and "earlier data or settings" in title.text

    assert c.sweep_is_current() and not warned()
    c.add_point(1.0, 1.0, 0)
    assert not c.sweep_is_current() and warned()
    c.undo_stack.undo()
    assert c.sweep_is_current() and not warned()
    c.set_run_config(penalty="l2")
    assert not c.sweep_is_current() and warned()


def test_the_sigmoid_view_shows_each_points_gradient_term(driver):
    """|∂ℓ/∂z| per point, against a computation here: σ(z) − y under cross-entropy, and
    (σ(z) − y) σ(z)(1 − σ(z)) under squared error, which is tiny for confidently wrong points."""
    c, w = driver.controller, driver.window
    view = w.sigmoid_view
    w.actions["squared_demo"].trigger()
    c.play(False)
    c.seek(0)
    w.panel.gradient_terms.click()
    snap = driver.settle()
    assert c.session.view.gradient_terms and view.getPlotItem().getAxis("right").isVisible()
    data = c.session.data
    rows = view.shown_rows()
    pull = {}
    for run_id, loss in (("run1", "cross-entropy"), ("run2", "squared")):
        c.select_run(run_id)
        snap = driver.settle()
        theta = snap.selected.theta
        z = theta[0] + data.X[rows] @ theta[1:]
        y = data.y[rows]
        p, q = 1 / (1 + np.exp(-z)), 1 / (1 + np.exp(z))       # σ(z) and 1 − σ(z), each without cancellation
        miss = np.where(y == 1, q, p)                           # |σ(z) − y|
        expected = miss if loss == "cross-entropy" else miss * p * q
        for label in (0, 1):
            drawn = view.term_positions(label)
            np.testing.assert_allclose(drawn[:, 1], expected[y == label], rtol=1e-9, atol=1e-300)
        pull[loss] = expected
        if loss == "squared":
            assert view.terms_box.viewRange()[1][1] < 0.5          # its own scale: at most 0.096
    # nearly every point is confidently wrong at the start: cross-entropy pulls with nearly the
    # full |σ(z) − y| ≈ 1, squared error with almost nothing
    assert np.median(pull["cross-entropy"]) > 0.9 and np.median(pull["squared"]) < 1e-3
    assert pull["squared"].sum() < 0.01 * pull["cross-entropy"].sum()
    w.panel.gradient_terms.click()
    driver.settle()
    assert not view.getPlotItem().getAxis("right").isVisible()


def test_a_two_setting_sweep_as_a_heat_map(driver):
    c, w = driver.controller, driver.window
    view = w.sweep_view
    c.set_run_config(optimizer="momentum", standardize=False)
    driver.settle()
    assert c.start_sweep("0.01:1e4:4", "momentum=0,0.9", 100)
    results = _wait_sweep(driver)
    view.layout_box.setCurrentText("heat map")
    assert view.heat_mode and view.heat.isVisible() and not view.curves[0].isVisible()
    losses = np.array([[e["loss"] if e["status"] != "diverged" else np.nan for e in results.entries[g * 4:(g + 1) * 4]]
                       for g in range(2)])
    for g in range(2):
        for i in range(4):
            if np.isfinite(losses[g, i]):
                assert view.heat_cell(i, g) == pytest.approx(losses[g, i], rel=1e-12)
    crosses = list(zip(view.failed.data["x"], view.failed.data["y"]))
    assert crosses and all(results.entries[int(round(y)) * 4 + int(np.argmin(np.abs(np.log10(results.grid.lrs) - x)))]
                           ["status"] == "diverged" for x, y in crosses)
    assert "colour: final loss" in view.plot.getPlotItem().titleLabel.text and "log scale" in \
        view.plot.getPlotItem().titleLabel.text
    view.shown.setCurrentText("accuracy")
    accuracies = [e["accuracy"] for e in results.entries[:4]]
    assert [view.heat_cell(i, 0) for i in range(4) if results.entries[i]["status"] != "diverged"] == \
        [a for a, e in zip(accuracies, results.entries) if e["status"] != "diverged"]
    view.layout_box.setCurrentText("curves")
    assert not view.heat.isVisible() and view.curves[0].isVisible()


def test_the_sweep_plot_frames_the_learning_rates_swept(driver):
    c, w = driver.controller, driver.window
    w.show_sweep()
    assert c.start_sweep("1:100:3", "", 10)
    _wait_sweep(driver)
    driver.qtbot.waitUntil(lambda: w.sweep_view.curves and len(w.sweep_view.curves[0].getData()[0]) == 3,
                           timeout=10000)
    vb = w.sweep_view.plot.getPlotItem().vb

    def framed():                                                 # log10 of 1 … 100
        (x0, x1), _ = vb.viewRange()
        return x0 <= 0.0 and x1 >= 2.0 and x1 - x0 < 3.0

    driver.qtbot.waitUntil(framed, timeout=5000)
    labels = w.sweep_view.plot.getPlotItem().getAxis("bottom").logTickStrings([0.0, 1.0, 2.0], 1, 1)
    assert labels == ["1", "10", "100"]


def test_a_refused_value_names_its_field_as_the_panel_does(driver):
    w = driver.window
    field = w.panel.generator_form.controls["mean0_x1"]
    label = next(p.label for p in w.panel.generator_form._params if p.name == "mean0_x1")
    field.setFocus()
    field.selectAll()
    driver.key(Qt.Key.Key_Delete, widget=field)
    assert field.text() == ""
    driver.key(Qt.Key.Key_Return, widget=field)
    text = w.message_label.text()
    assert text.startswith(f"Not taken: {label} must be") and "mean0_x1" not in text


def test_the_timeline_keeps_room_for_its_epoch_label(driver):
    timeline = driver.window.timeline
    driver.train(3)
    label = timeline.label.geometry()
    assert label.left() > timeline.slider.geometry().right() and label.right() <= timeline.rect().right()
    assert label.width() >= timeline.label.fontMetrics().horizontalAdvance("epoch 3")


def test_careless_gestures_found_by_trying_the_window(driver, monkeypatch):
    """A click on the plane's axes adds no point; Escape gives a plain field its text back; the
    wheel over the docks' tabs does nothing unless they have focus; Restore layout gives every
    dock its room; Why not squared error? brings the landscape to the front."""
    from PySide6.QtWidgets import QTabBar

    from .test_races import wheel

    w, c = driver.window, driver.controller
    n = c.session.data.n
    plot = w.plane.getPlotItem()
    for side in ("bottom", "left"):
        axis = plot.getAxis(side)
        centre = axis.mapToScene(axis.boundingRect().center())
        pos = w.plane.mapFromScene(centre)
        driver.qtbot.mouseClick(w.plane.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
        driver.qtbot.mouseClick(w.plane.viewport(), Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier, pos)
    assert driver.settle().data.n == n
    driver.click(*c.session.data.X.mean(axis=0))                   # inside the plot it still adds one
    assert driver.settle().data.n == n + 1
    # Escape in the sweep's range field: the text it had, and the keys back to the window
    w.show_sweep()
    field = w.sweep_view.lr_range
    before = field.text()
    driver.qtbot.keyClicks(field, "abc")
    assert field.text() != before
    driver.qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert field.text() == before and not field.hasFocus()
    # the docks' tab bars take the wheel only with focus
    QApplication.processEvents()
    bars = [b for b in w.findChildren(QTabBar) if b.isVisible() and b.count() > 1 and b not in
            w.panel.findChildren(QTabBar)]
    assert bars
    w.focus_home()
    for bar in bars:
        index = bar.currentIndex()
        wheel(bar)
        assert bar.currentIndex() == index and bar.focusPolicy() == Qt.FocusPolicy.StrongFocus
    # Why not squared error? with the sweep in front: the landscape comes to the front
    assert w.docks["landscape"].visibleRegion().isEmpty()
    w.actions["squared_demo"].trigger()
    QApplication.processEvents()
    assert not w.docks["landscape"].visibleRegion().isEmpty()
    # Restore layout: the sigmoid beside the loss curve in their proportion, not a sliver
    w.actions["restore_layout"].trigger() if "restore_layout" in w.actions else w.restore_default_layout()
    QApplication.processEvents()
    loss, sigmoid = w.docks["loss"].width(), w.docks["sigmoid"].width()
    assert sigmoid > 0.5 * loss and sigmoid > 150
    from lrgui.views.main_window import LATER_DOCKS

    assert all(w.docks[n].isVisible() != (n in LATER_DOCKS) for n in w.docks)   # as in the first layout
