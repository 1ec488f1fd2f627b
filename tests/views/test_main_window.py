"""The explorer window driven through its real widgets."""

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from lrgui.core.config import RunConfig
from lrgui.core.geometry import line_in_rect
from lrgui.core.run import TrainingRun
from lrgui.views.side_panel import position_of

from .conftest import finite


def test_starts_with_the_seed_data_at_theta_zero(driver):
    snap = driver.snap
    w = driver.window
    assert w.windowTitle().startswith("lrgui")
    assert snap.data.n == 80 and snap.data.class_counts() == (40, 40)
    assert snap.run.epoch == 0 and np.array_equal(snap.run.theta, np.zeros(3))
    assert len(w.plane.scatter_points(0)) == 40 and len(w.plane.scatter_points(1)) == 40
    assert not snap.playing
    # θ = 0: no boundary drawn, and nothing raised
    assert len(w.plane.boundary_points()[0]) == 0


def test_clicks_add_points_of_the_right_class(driver):
    c = driver.controller
    targets = [(3.0, 8.5), (10.0, -0.5), (-2.0, 0.0)]
    driver.click(*targets[0])
    driver.click(*targets[1], Qt.MouseButton.RightButton)
    driver.click(*targets[2], modifier=Qt.KeyboardModifier.ShiftModifier)
    snap = driver.settle()
    data = c.data
    assert data.n == 83
    np.testing.assert_allclose(data.X[-3:], targets, atol=0.05)
    assert data.y[-3:].tolist() == [0.0, 1.0, 1.0]
    assert snap.data is data
    scatter0 = driver.window.plane.scatter_points(0)
    assert np.any(np.all(np.abs(scatter0 - targets[0]) < 0.05, axis=1))
    assert len(driver.window.plane.scatter_points(1)) == 42
    # the click class switch and Ctrl+click removal
    driver.qtbot.keyClick(driver.window.plane, Qt.Key.Key_1)
    assert c.click_class == 1
    driver.click(*data.X[-3], modifier=Qt.KeyboardModifier.ControlModifier)
    assert c.data.n == 82


def _drag(qtbot, widget, start: QPoint, end: QPoint, steps=6):
    left = Qt.MouseButton.LeftButton
    qtbot.mousePress(widget, left, pos=start)
    for k in range(1, steps + 1):
        p = start + (end - start) * (k / steps)
        event = QMouseEvent(QMouseEvent.Type.MouseMove, QPointF(p), QPointF(widget.mapToGlobal(p)), Qt.MouseButton.NoButton,
                            left, Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(widget, event)
    qtbot.mouseRelease(widget, left, pos=end)


def test_drag_moves_one_point_and_undo_redo_restore_exact_states(driver):
    c, plane = driver.controller, driver.window.plane
    before = c.data
    i = 5
    x0, y0 = before.X[i]
    _drag(driver.qtbot, plane.viewport(), plane.view_to_widget(x0, y0), plane.view_to_widget(x0 + 2.0, y0 - 1.0))
    after = c.data
    moved = np.flatnonzero(np.any(after.X != before.X, axis=1))
    assert moved.tolist() == [i]
    np.testing.assert_allclose(after.X[i], [x0 + 2.0, y0 - 1.0], atol=0.1)
    assert c.undo_stack.count() == 1
    driver.qtbot.keyClick(driver.window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert c.data.equals(before)
    driver.qtbot.keyClick(driver.window, Qt.Key.Key_Z,
                          Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert c.data.equals(after)
    snap = driver.settle()
    assert snap.data.equals(after)


def test_step_is_exactly_one_optimizer_step(driver):
    c = driver.controller
    reference = TrainingRun(c.data, RunConfig.from_dict(c.config.as_dict()))
    driver.qtbot.keyClick(driver.window, Qt.Key.Key_Right)
    snap = driver.settle()
    reference.step(1)
    assert snap.run.epoch == 1
    np.testing.assert_array_equal(snap.run.theta, reference.theta)
    driver.qtbot.keyClick(driver.window, Qt.Key.Key_Left)
    snap = driver.settle()
    assert snap.run.epoch == 0 and np.array_equal(snap.run.theta, np.zeros(3))


def test_play_then_pause_leaves_the_views_on_the_final_theta(driver):
    c, w = driver.controller, driver.window
    c.set_speed(None)
    driver.qtbot.keyClick(w, Qt.Key.Key_Space)
    driver.qtbot.waitUntil(lambda: c.latest.run.epoch > 30, timeout=10000)
    driver.qtbot.keyClick(w, Qt.Key.Key_Space)
    snap = driver.settle()
    assert not snap.playing
    run = driver.run_core()
    assert run.epoch == snap.run.epoch and np.array_equal(run.theta, snap.run.theta)
    # data plane: the boundary is θᵀx = 0 clipped to the view
    (x0, x1), (y0, y1) = w.plane.getPlotItem().vb.viewRange()
    t = run.theta_original
    (ax, ay), (bx, by) = line_in_rect(t[1], t[2], t[0], (x0, y0, x1, y1))
    bx_, by_ = w.plane.boundary_points()
    np.testing.assert_allclose(sorted(zip(bx_, by_)), sorted([(ax, ay), (bx, by)]), rtol=1e-9, atol=1e-9)
    # sigmoid view: every shown point at its z
    rows = w.sigmoid_view.shown_rows()
    z = run.decision_function(c.data.X[rows])
    y = c.data.y[rows]
    drawn = w.sigmoid_view.point_positions(1)
    np.testing.assert_allclose(np.sort(drawn[:, 0]), np.sort(np.clip(z[y == 1], -50, 50)), rtol=1e-12)
    assert np.all(np.abs(drawn[:, 1] - 1.0) < 0.05)
    # loss curve: one point per recorded epoch
    assert w.loss_view.curve_length() == len(run.history) == run.epoch + 1
    assert f"epoch {run.epoch}" in w.run_label.text()


def test_reset_and_live_learning_rate_change(driver):
    c, w = driver.controller, driver.window
    for _ in range(5):
        c.step()
    snap = driver.settle()
    assert snap.run.epoch == 5
    lr_control = w.panel.hyper_form.controls["lr"]
    lr_control.edit.setText("0.05")
    lr_control.edit.editingFinished.emit()
    c.step()
    snap = driver.settle()
    assert snap.run.epoch == 6                                # the run went on
    assert driver.run_core().optimizer.hyper["lr"] == 0.05
    driver.qtbot.keyClick(w, Qt.Key.Key_R)
    snap = driver.settle()
    assert snap.run.epoch == 0 and np.array_equal(snap.run.theta, np.zeros(3))


def test_changing_the_optimizer_restarts_and_builds_its_controls(driver):
    c, panel = driver.controller, driver.window.panel
    c.step()
    driver.settle()
    panel.optimizer.setCurrentIndex(panel.optimizer.findData("adam"))
    panel.optimizer.activated.emit(panel.optimizer.currentIndex())
    snap = driver.settle()
    assert c.config.optimizer == "adam" and snap.run.epoch == 0
    assert set(panel.hyper_form.controls) == {"lr", "batch_size", "decay", "beta1", "beta2", "eps"}
    assert "restarted" in driver.window.message_label.text()
    panel.optimizer.setCurrentIndex(panel.optimizer.findData("newton"))
    panel.optimizer.activated.emit(panel.optimizer.currentIndex())
    driver.settle()
    assert panel.hyper_form.controls == {} and panel.no_hyper.isVisibleTo(panel)


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
    assert "class" in w.state_label.text() or "points" in w.state_label.text()
    assert len(w.plane.boundary_points()[0]) == 0
    c.add_point(5.0, 5.0, 1)
    if keep == 0:
        c.add_point(0.0, 0.0, 0)
    c.step()
    snap = driver.settle()
    assert snap.run is not None and snap.run.epoch >= 1


def test_divergence_stops_and_keeps_finite_theta(driver):
    c, w = driver.controller, driver.window
    c.set_config(standardize=False)
    c.set_hyper("lr", 1e6)
    c.set_speed(None)
    c.play(True)
    driver.qtbot.waitUntil(lambda: c.latest.run is not None and c.latest.run.status == "diverged", timeout=5000)
    snap = driver.settle()
    assert not snap.playing and finite(snap.run.theta)
    assert "diverged" in w.state_label.text()
    for item in (w.plane.boundary, w.loss_view.train):
        x, y = item.getData()
        assert x is None or (finite(x) and finite(y))
    c.play(True)
    snap = driver.settle()
    assert not snap.playing and "Reset" in snap.notice


def test_closing_while_training_stops_every_thread(driver):
    c = driver.controller
    c.set_limits(10_000_000, 0.0)          # never converges: still training when closed
    c.set_speed(None)
    c.play(True)
    driver.qtbot.waitUntil(lambda: c.latest.playing, timeout=5000)
    driver.window.close()
    assert not c.threads_running()


def test_speed_slider_and_layout_memory(driver, tmp_path):
    panel, w = driver.window.panel, driver.window
    panel.speed.setValue(position_of(None))
    assert driver.controller.speed is None and panel.speed_label.text() == "max"
    w.docks["sigmoid"].hide()
    w.close()
    from PySide6.QtCore import QSettings

    from lrgui.app.controller import ExplorerController
    from lrgui.views.main_window import MainWindow

    again = MainWindow(ExplorerController(), QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    driver.qtbot.addWidget(again)
    again.show()
    assert not again.docks["sigmoid"].isVisible() and again.docks["loss"].isVisible()
    again.close()


def test_bad_typed_values_are_refused_and_explained(driver):
    panel = driver.window.panel
    edit = panel.hyper_form.controls["lr"].edit
    edit.setText("abc")
    edit.textEdited.emit("abc")
    assert "number" in edit.toolTip() and edit.styleSheet()
    edit.editingFinished.emit()
    assert edit.text() == "0.5" and driver.controller.config.hyper["lr"] == 0.5


def test_window_renders_to_a_png(driver, tmp_path):
    c = driver.controller
    for _ in range(40):
        c.step()
    driver.settle()
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
    c.set_config(degree=2, optimizer="newton")
    for _ in range(8):
        c.step()
    snap = driver.settle()
    x, y = plane.boundary_points()
    assert len(x) > 20 and finite(x) and finite(y)
    z = snap.run.decision_function(np.column_stack([x, y]))
    assert np.max(np.abs(z)) < 0.05 * np.max(np.abs(snap.run.theta))      # on the zero contour
    assert snap.run.accuracy > 0.95
    # back to a straight line: the curve item must drop the contour's connect array
    c.set_config(degree=1)
    c.set_start([0.1, 1.0, 1.0])
    driver.settle()
    x, _ = plane.boundary_points()
    assert len(x) == 2
    for item in (plane.boundary, *plane.contours):
        item.getPath()                     # pyqtgraph would raise here on a stale connect array


def test_many_features_show_the_first_two(driver):
    c = driver.controller
    c.generate("breast-cancer", {})
    c.set_config(optimizer="lbfgs")
    c.step()
    snap = driver.settle()
    assert snap.run.epoch == 1 and len(snap.run.theta) == 31
    assert "30 features" in driver.window.plane.note.textItem.toPlainText()


def test_dragging_the_landscape_handle_sets_the_start_point(driver):
    c, view = driver.controller, driver.window.landscape_view
    view.startRequested.emit(0.7, -0.3)
    snap = driver.settle()
    assert snap.run.epoch == 0
    np.testing.assert_allclose(snap.run.theta[1:], [0.7, -0.3], rtol=1e-12)
    np.testing.assert_allclose(c.config.init, snap.run.theta_original, rtol=1e-12)


def test_generate_is_one_undoable_edit(driver):
    c, panel = driver.controller, driver.window.panel
    before = c.data
    panel.generator.setCurrentIndex(panel.generator.findData("moons"))
    panel.generate_button.click()
    assert c.data.n == 200 and c.undo_stack.count() == 1
    c.undo_stack.undo()
    assert c.data.equals(before)


def test_log_scale_applies_to_the_loss_only(driver):
    c, view = driver.controller, driver.window.loss_view
    c.set_config(test_fraction=0.25)
    for _ in range(20):
        c.step()
    c.set_options(log_loss=True)
    snap = driver.settle()
    assert snap.run.has_test and view.log
    assert not view.getPlotItem().getAxis("right").logMode
    x, y = view.test.getData()
    assert len(x) and finite(y)
    assert "test loss" in [label.text for _, label in view.legend.items]


def test_delete_key_removes_the_point_under_the_mouse(driver):
    c, plane = driver.controller, driver.window.plane
    x, y = c.data.X[7]
    driver.qtbot.mouseMove(plane.viewport(), plane.view_to_widget(x, y))
    driver.qtbot.waitUntil(lambda: plane._mouse is not None and abs(plane._mouse[0] - x) < 0.1)
    driver.qtbot.keyClick(driver.window, Qt.Key.Key_Delete)
    assert c.data.n == 79
    assert not np.any(np.all(c.data.X == [x, y], axis=1))


def test_hovering_the_loss_curve_reads_the_values(driver):
    c, view = driver.controller, driver.window.loss_view
    for _ in range(12):
        c.step()
    snap = driver.settle()
    vb = view.getPlotItem().vb
    scene_point = vb.mapViewToScene(QPointF(5.0, float(snap.run.history["loss"][5])))
    driver.qtbot.mouseMove(view.viewport(), view.mapFromScene(scene_point))
    driver.qtbot.waitUntil(lambda: "epoch 5" in view.readout.textItem.toPlainText())
    assert f"{snap.run.history['loss'][5]:.5g}" in view.readout.textItem.toPlainText()


def test_open_and_save_through_the_dialogs(driver, tmp_path, monkeypatch, shared_data):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    from lrgui.core.table_io import read_table

    c, w = driver.controller, driver.window
    before = c.data
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2,0\n3,4,1\n5,6,7\n")
    warnings = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warnings.append(a[2]))
    w.actions["open"].trigger()
    assert c.data is before and "third label value" in warnings[0] and "line 3" in warnings[0]

    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(shared_data / "ex2data1.txt"), ""))
    w.actions["open"].trigger()
    snap = driver.settle()
    assert c.data.n == 100 and snap.data is c.data and "ex2data1.txt" in w.windowTitle()

    target = tmp_path / "saved.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    w.actions["save"].trigger()
    assert read_table(target).equals(c.data) and not w.windowTitle().endswith("*")


def test_impossible_settings_explain_themselves(driver):
    c, w = driver.controller, driver.window
    c.set_config(loss="squared")
    c.set_config(optimizer="newton")
    c.play(True)
    snap = driver.settle()
    assert snap.run is None and not snap.playing
    assert "cross-entropy" in w.state_label.text()
    c.set_config(loss="cross-entropy")
    c.step()
    snap = driver.settle()
    assert snap.run is not None and snap.run.epoch == 1


def test_speed_steps_and_batch_size_display(driver):
    from lrgui.views.side_panel import SPEEDS, speed_of

    panel, c = driver.window.panel, driver.controller
    assert speed_of(panel.speed.value()) == c.speed == 30.0
    c.set_speed(100.0)
    assert panel.speed_label.text() == "100 epochs/s" and speed_of(panel.speed.value()) == 100.0
    panel.speed.setValue(0)
    assert c.speed == SPEEDS[0] == 1
    c.set_config(optimizer="sgd")
    spin = panel.hyper_form.controls["batch_size"]
    spin.setValue(0)
    assert spin.text() == "full batch"


def test_every_control_explains_itself(driver):
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractSlider,
        QAbstractSpinBox,
        QComboBox,
        QLineEdit,
    )

    kinds = (QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox, QLineEdit)
    roots = [driver.window.panel, driver.window.landscape_view]
    controls = [w for root in roots for kind in kinds for w in root.findChildren(kind)
                if type(w).__name__ != "QScrollBar" and w.isVisibleTo(root)]
    assert len(controls) > 30
    silent = [w for w in controls if not w.toolTip() and not (w.parent() and w.parent().toolTip())]
    assert silent == []
    for action in driver.window.actions.values():
        assert action.toolTip()


def test_one_feature_data_lie_on_the_x_axis(driver, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    c, plane = driver.controller, driver.window.plane
    path = tmp_path / "one.csv"
    path.write_text("x,label\n" + "\n".join(f"{v},{int(v > 2.5)}" for v in np.linspace(0, 5, 21)) + "\n")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    driver.window.actions["open"].trigger()
    driver.click(1.0, 0.0)
    assert c.data.d == 1 and c.data.n == 22 and c.data.X[-1, 0] == pytest.approx(1.0, abs=0.1)
    for _ in range(30):
        c.step()
    snap = driver.settle()
    x, y = plane.boundary_points()
    assert len(x) == 2 and x[0] == pytest.approx(x[1])                 # vertical: z = b + w x₁
    assert x[0] == pytest.approx(-snap.run.theta_original[0] / snap.run.theta_original[1])
    assert "one feature" in plane.note.textItem.toPlainText()
    view = driver.window.landscape_view
    driver.qtbot.waitUntil(lambda: view.result is not None and view.result.landscape.axes == (0, 1), timeout=10000)
    assert view.axes_box.currentText() == "b and x"
