"""Many runs on one timeline, driven through the real window: races, scrubbing, ghosts, keys, and
the defects found by trying the window as users would."""

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent, QWheelEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QScrollBar,
    QTabBar,
    QToolButton,
)
from sklearn.metrics import accuracy_score

from lrgui.core.geometry import line_in_rect
from lrgui.core.optimizers import OPTIMIZERS
from lrgui.core.run import TrainingRun
from lrgui.views.runs_table import COLUMNS, STATUS

from .conftest import finite


def solo(data, config, epochs):
    run = TrainingRun(data, config)
    run.step(epochs)
    return run


def recorded(run_view, stop):
    return np.asarray(run_view.history.rows("theta_original", 0, stop))


def wheel(widget, notches=3):
    """Wheel notches over the middle of ``widget``, as a mouse would send them (no focus given)."""
    centre = QPointF(widget.rect().center())
    for _ in range(notches):
        event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(), QPoint(0, -120),
                            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase,
                            False)
        QApplication.sendEvent(widget, event)


def hover(view, scene_point):
    """The pointer moved over ``scene_point`` of a plot (no button held)."""
    pos = QPointF(view.mapFromScene(scene_point))
    event = QMouseEvent(QEvent.Type.MouseMove, pos, QPointF(view.viewport().mapToGlobal(pos.toPoint())),
                        Qt.MouseButton.NoButton, Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(view.viewport(), event)


# -- keys and the wheel (defects 1 and 2) -----------------------------------------------------------------
def test_the_wheel_over_every_panel_control_changes_nothing(driver):
    panel, c = driver.window.panel, driver.controller
    before, undo_count = c.session.values(), c.undo_stack.count()
    kinds = (QComboBox, QAbstractSpinBox, QAbstractSlider)
    for index in range(panel.tabs.count()):
        panel.tabs.setCurrentIndex(index)
        page = panel.tabs.currentWidget()
        controls = [w for w in page.findChildren(object) if isinstance(w, kinds) and w.isVisibleTo(page)]
        assert controls, panel.tabs.tabText(index)
        values = [w.currentIndex() if isinstance(w, QComboBox) else w.value() for w in controls]
        page.verticalScrollBar().setValue(0)
        for w in controls:
            wheel(w)
        QApplication.processEvents()
        after = [w.currentIndex() if isinstance(w, QComboBox) else w.value() for w in controls]
        assert after == values, panel.tabs.tabText(index)
        if page.verticalScrollBar().maximum() > 0:           # the page scrolled instead
            assert page.verticalScrollBar().value() > 0
    driver.settle()
    assert c.session.values() == before and c.undo_stack.count() == undo_count


def test_the_wheel_over_every_control_of_the_window_changes_nothing(driver):
    """The timeline, the landscape's slice, the tab bars and the sweep dock too, not only the panel."""
    w, c = driver.window, driver.controller
    driver.train(5)
    c.seek(2)
    driver.settle()
    w.show_sweep()
    w.focus_home()
    kinds = (QComboBox, QAbstractSpinBox, QAbstractSlider, QTabBar)

    def value(x):
        return x.currentIndex() if isinstance(x, (QComboBox, QTabBar)) else x.value()

    controls = [x for x in w.findChildren(object) if isinstance(x, kinds) and x.isVisible()
                and not isinstance(x, QScrollBar)]
    assert w.timeline.slider in controls and w.landscape_view.findChild(QComboBox) in controls
    assert any(isinstance(x, QTabBar) for x in controls)
    before = [value(x) for x in controls]
    for x in controls:
        wheel(x)
    QApplication.processEvents()
    assert [value(x) for x in controls] == before
    assert driver.settle().position == 2


def test_space_plays_after_typing_a_learning_rate_and_enter(driver):
    c, w = driver.controller, driver.window
    edit = w.panel.hyper_form.controls["lr"].edit
    driver.type_into(edit, "0.2")
    driver.key(Qt.Key.Key_Return, widget=edit)
    driver.qtbot.waitUntil(lambda: not isinstance(QApplication.focusWidget(), QLineEdit), timeout=2000)
    assert c.session.selected_run.config.hyper["lr"] == 0.2
    c.set_speed(None)
    driver.key(Qt.Key.Key_Space)
    driver.qtbot.waitUntil(lambda: c.latest.position > 5, timeout=10000)
    assert edit.text() == "0.2"
    driver.key(Qt.Key.Key_Space)
    assert not driver.settle().playing


def test_escape_reverts_the_field_and_hands_the_keys_back(driver):
    c, w = driver.controller, driver.window
    edit = w.panel.hyper_form.controls["lr"].edit
    driver.type_into(edit, "7")
    driver.key(Qt.Key.Key_Escape, widget=edit)
    assert edit.text() == "0.5" and not edit.hasFocus()
    driver.key(Qt.Key.Key_Right)
    assert driver.settle().position == 1 and c.session.selected_run.config.hyper["lr"] == 0.5


def test_keys_for_the_learning_rate_and_the_optimizer(driver):
    c = driver.controller
    driver.key(Qt.Key.Key_BracketRight)
    assert c.session.selected_run.config.hyper["lr"] == 1.0
    driver.key(Qt.Key.Key_BracketLeft)
    driver.key(Qt.Key.Key_BracketLeft)
    assert c.session.selected_run.config.hyper["lr"] == 0.25
    names = OPTIMIZERS.names()
    driver.key(Qt.Key.Key_O)
    assert c.session.selected_run.config.optimizer == names[names.index("gd") + 1]
    driver.key(Qt.Key.Key_O, Qt.KeyboardModifier.ShiftModifier)
    assert c.session.selected_run.config.optimizer == "gd"
    c.undo_stack.undo()
    assert c.session.selected_run.config.optimizer == names[1]


# -- races ---------------------------------------------------------------------------------------------------
def test_in_a_race_every_run_equals_a_solo_run_at_every_epoch(driver):
    c = driver.controller
    first = c.session.selected
    second = c.add_run()
    assert c.session.selected == second
    c.set_run_config(optimizer="adam")
    c.set_hyper("lr", 0.05)
    snap = driver.train(25)
    assert [r.epoch for r in snap.runs] == [25, 25]
    for run_view in snap.runs:
        reference = solo(c.session.data, run_view.spec.config, 25)
        np.testing.assert_array_equal(recorded(run_view, 26), reference.history.theta_original)
        np.testing.assert_array_equal(run_view.history.rows("loss", 0, 26), reference.history.loss)
    assert {r.id for r in snap.runs} == {first, second}
    assert snap.runs[1].spec.label == "Adam η = 0.05"
    assert set(driver.window.plane.boundaries) == {first, second}
    assert set(driver.window.loss_view.curves) >= {first, second}


def test_a_finished_run_waits_while_the_others_go_on(driver):
    c = driver.controller
    c.set_run_config(optimizer="lbfgs")
    c.add_run()
    c.set_run_config(optimizer="gd")
    c.set_speed(None)
    c.play(True)
    driver.qtbot.waitUntil(lambda: c.latest.position >= 200, timeout=20000)
    c.play(False)
    snap = driver.settle()
    lbfgs, gd = snap.runs
    assert lbfgs.state.status == "converged" and lbfgs.epoch == lbfgs.state.last_epoch < snap.position
    assert gd.epoch == snap.position
    assert lbfgs.first_to_converge
    table = driver.window.runs_table
    assert table.item(0, STATUS).text().startswith("converged first")


def test_mute_remove_and_duplicate_from_the_table_come_back_with_undo(driver):
    c, w = driver.controller, driver.window
    table = w.runs_table
    c.add_run()
    c.set_run_config(optimizer="momentum")
    snap = driver.train(10)
    first, second = (r.id for r in snap.runs)
    table.item(1, 1).setCheckState(Qt.CheckState.Unchecked)           # hide the momentum run
    snap = driver.settle()
    assert [r.id for r in snap.shown()] == [first]
    assert second not in w.plane.boundaries and second not in w.loss_view.curves
    assert snap.runs[1].epoch == 10                                   # still trained
    c.undo_stack.undo()
    snap = driver.settle()
    assert [r.id for r in snap.shown()] == [first, second] and second in w.plane.boundaries

    table.cellWidget(0, table.columnCount() - 1).findChildren(QToolButton)[0].click()      # ⧉
    snap = driver.settle()
    assert len(snap.runs) == 3 and snap.runs[2].spec.config == snap.runs[0].spec.config
    assert snap.runs[2].spec.color not in (snap.runs[0].spec.color, snap.runs[1].spec.color)
    np.testing.assert_array_equal(recorded(snap.runs[2], 11), recorded(snap.runs[0], 11))

    kept = recorded(snap.runs[1], 11).copy()
    table.cellWidget(1, table.columnCount() - 1).findChildren(QToolButton)[1].click()      # ✕
    snap = driver.settle()
    assert [r.id for r in snap.runs] == [first, snap.runs[1].id] and second not in w.plane.boundaries
    c.undo_stack.undo()
    snap = driver.settle()
    assert snap.runs[1].id == second and snap.runs[1].epoch == 10
    np.testing.assert_array_equal(recorded(snap.runs[1], 11), kept)


def test_clicking_a_row_selects_the_run_the_panel_edits(driver):
    c, w = driver.controller, driver.window
    c.add_run()
    c.set_run_config(optimizer="adam")
    driver.settle()
    w.runs_table.selectRow(0)
    driver.settle()
    assert c.session.selected == c.session.runs[0].id
    assert w.panel.optimizer.currentData() == "gd"
    w.runs_table.selectRow(1)
    assert w.panel.optimizer.currentData() == "adam"


def test_compare_optimizers_and_learning_rates_are_one_click_and_one_undo(driver):
    c, w = driver.controller, driver.window
    w.actions["compare_optimizers"].trigger()
    snap = driver.train(3)
    assert [r.spec.config.optimizer for r in snap.runs] == ["gd", "momentum", "adam", "lbfgs"]
    for r in snap.runs:
        default = {p.name: p.default for p in OPTIMIZERS.get(r.spec.config.optimizer).params}
        assert r.spec.config.hyper == default
        np.testing.assert_array_equal(r.theta, solo(c.session.data, r.spec.config, 3).theta_original)
    c.undo_stack.undo()
    assert len(c.session.runs) == 1
    c.set_hyper("lr", 0.3)
    w.actions["compare_rates"].trigger()
    rates = [r.config.hyper["lr"] for r in c.session.runs]
    np.testing.assert_allclose(rates, [0.03, 0.3, 3.0])
    assert len({r.color for r in c.session.runs}) == 3


# -- the timeline ----------------------------------------------------------------------------------------
def test_scrubbing_shows_the_recorded_theta_in_every_view(driver):
    c, w = driver.controller, driver.window
    c.add_run()
    c.set_run_config(optimizer="adam")
    driver.train(40)
    w.timeline.slider.setValue(12)                       # as a drag would
    snap = driver.settle()
    assert snap.position == 12 and snap.end == 40 and w.timeline.label.text() == "epoch 12 of 40"
    for r in snap.runs:
        theta = r.history.at("theta_original", 12)
        assert r.epoch == 12 and np.array_equal(r.theta, theta)
        (x0, x1), (y0, y1) = w.plane.getPlotItem().vb.viewRange()
        (ax, ay), (bx, by) = line_in_rect(theta[1], theta[2], theta[0], (x0, y0, x1, y1))
        px, py = w.plane.boundary_points(r.id)
        np.testing.assert_allclose(sorted(zip(px, py)), sorted([(ax, ay), (bx, by)]), atol=1e-9)
    selected = snap.selected
    assert "epoch 12" in w.run_label.text() and "epoch 12" in w.sigmoid_view.note.textItem.toPlainText()
    rows = w.sigmoid_view.shown_rows()
    z = selected.theta[0] + c.session.data.X[rows] @ selected.theta[1:]
    y = c.session.data.y[rows]
    np.testing.assert_allclose(np.sort(w.sigmoid_view.point_positions(1)[:, 0]), np.sort(z[y == 1]), rtol=1e-9)
    assert w.loss_view.marker.value() == 12
    driver.qtbot.waitUntil(lambda: w.landscape_view.result is not None, timeout=10000)
    driver.settle()
    features = w.landscape_view.result.facts.features
    handle = w.landscape_view.handle.pos()
    np.testing.assert_allclose([handle.x(), handle.y()], features.from_original(selected.theta)[1:3], rtol=1e-9)
    # keys move the same timeline; training on from here drops the later epochs
    driver.key(Qt.Key.Key_End)
    assert driver.settle().position == 40
    driver.key(Qt.Key.Key_Home)
    assert driver.settle().position == 0
    driver.key(Qt.Key.Key_PageDown)
    assert driver.settle().position == c.page()
    c.seek(12)
    snap = driver.train(1)
    assert snap.position == snap.end == 13
    for r in snap.runs:
        np.testing.assert_array_equal(r.theta, solo(c.session.data, r.spec.config, 13).theta_original)


@pytest.mark.parametrize("optimizer", ["gd", "bfgs"])
def test_stepping_back_across_a_data_edit_restores_what_was_recorded(driver, optimizer):
    c = driver.controller
    c.set_run_config(optimizer=optimizer, standardize=True)
    config = c.session.selected_run.config
    before = c.session.data
    driver.train(5)
    c.add_point(4.0, -3.0, 1)
    after = c.session.data
    snap = driver.train(1)
    old = solo(before, config, 5)
    recorded_5 = old.theta_original.copy()
    old.set_data(after)
    old.step(1)
    np.testing.assert_array_equal(snap.selected.theta, old.theta_original)
    driver.key(Qt.Key.Key_Left)
    snap = driver.settle()
    assert snap.position == 5
    np.testing.assert_array_equal(snap.selected.theta, recorded_5)
    driver.key(Qt.Key.Key_Left)
    snap = driver.settle()
    np.testing.assert_array_equal(snap.selected.theta, solo(before, config, 4).theta_original)
    # training on from epoch 4 uses the data of now, from the state recorded at 4
    snap = driver.train(1)
    again = solo(before, config, 4)
    again.set_data(after)
    again.step(1)
    assert snap.position == snap.end == 5
    np.testing.assert_array_equal(snap.selected.theta, again.theta_original)


# -- the ghost ---------------------------------------------------------------------------------------------
def test_a_model_change_leaves_a_ghost_until_the_next_change(driver):
    c, w = driver.controller, driver.window
    driver.train(15)
    old = recorded(driver.snap.selected, 16).copy()
    c.set_run_config(penalty="l2", lam=0.5)
    snap = driver.settle()
    run = snap.selected
    np.testing.assert_array_equal(run.ghost.rows("theta_original", 0, 16), old)
    assert run.id in w.plane.ghosts and run.id in w.loss_view.ghosts
    gx, gy = w.plane.ghosts[run.id].getData()
    assert len(gx) == 2 and finite(gx) and finite(gy)
    penalised = recorded(snap.selected, 16).copy()
    c.set_run_config(optimizer="adam")
    snap = driver.settle()
    np.testing.assert_array_equal(snap.selected.ghost.rows("theta_original", 0, 16), penalised)


# -- what the status says (defects 3, 4, 5, 6) -------------------------------------------------------------
def test_one_threshold_serves_the_status_the_rings_and_the_table(driver):
    c, w = driver.controller, driver.window
    snap = driver.train(30)
    for threshold in (0.5, 0.8, 0.2):
        c.set_view(threshold=threshold)
        snap = driver.settle()
        run = snap.selected
        X, y = c.session.data.X, c.session.data.y
        p = 1 / (1 + np.exp(-(run.theta[0] + X @ run.theta[1:])))
        expected = accuracy_score(y, (p >= threshold).astype(int))
        assert run.accuracy == pytest.approx(expected, abs=1e-12)
        assert f"accuracy {expected:.1%}" in w.run_label.text()
        assert w.runs_table.item(0, 4).text() == f"{expected:.1%}"
        assert len(w.plane.ring_points()) == np.count_nonzero((p >= threshold) != y)


def test_the_loss_readout_leaves_with_the_pointer_and_never_outlives_its_run(driver):
    w = driver.window
    driver.train(20)
    view = w.loss_view
    vb = view.getPlotItem().vb
    vb.updateMatrix()                   # the range set by the last frame, before any paint
    (x0, x1), (y0, y1) = vb.viewRange()
    assert x0 <= 10 <= x1
    scene_point = vb.mapViewToScene(QPointF(10, (y0 + y1) / 2))
    hover(view, scene_point)
    assert view.readout.isVisible()
    assert "epoch 10" in view.readout.textItem.toPlainText()
    assert view.readout.pos().x() == pytest.approx(x0)               # inside, from the left edge
    driver.key(Qt.Key.Key_R, widget=w.plane)                         # a restart: epoch 10 is gone
    driver.settle()
    assert not view.readout.isVisible()
    driver.train(15)
    hover(view, vb.mapViewToScene(QPointF(10.2, (y0 + y1) / 2)))
    assert view.readout.isVisible() and "epoch 10" in view.readout.textItem.toPlainText()
    QApplication.sendEvent(view, QEvent(QEvent.Type.Leave))
    assert not view.readout.isVisible()


def test_the_status_forgets_the_maximum_after_a_step_back(driver):
    c, w = driver.controller, driver.window
    c.set_run_config(max_epochs=10)
    c.set_speed(None)
    c.play(True)
    driver.settle()
    driver.qtbot.waitUntil(lambda: c.latest.position == 10 and not c.latest.playing, timeout=10000)
    assert "maximum" in w.state_label.text()
    driver.key(Qt.Key.Key_Left)
    driver.settle()
    assert "maximum" not in w.state_label.text() and "epoch 9 of 10" in w.state_label.text()


def test_a_long_status_never_takes_room_from_the_plane(driver):
    c, w = driver.controller, driver.window
    w.resize(1600, 1000)
    driver.train(3)
    width = w.plane.width()
    c.clear()                              # "cannot train: there are no points yet: click to add …"
    c.play(True)
    driver.settle()
    w.show_message("a very long remark " * 30)
    QApplication.processEvents()
    assert w.plane.width() >= width - 1 and w.width() == 1600


def test_separable_classes_are_named_and_no_optimum_is_drawn(driver, tmp_path):
    c, w = driver.controller, driver.window
    rng = np.random.default_rng(3)
    X = np.vstack([rng.normal(-3, 0.5, (20, 2)), rng.normal(3, 0.5, (20, 2))])
    path = tmp_path / "separable.csv"
    np.savetxt(path, np.column_stack([X, np.repeat([0, 1], 20)]), delimiter=",", header="x1,x2,label",
               comments="")
    assert c.open_path(path)
    c.set_run_config(max_epochs=300, tol=0.0)
    c.set_speed(None)
    c.play(True)
    driver.qtbot.waitUntil(lambda: c.latest.selected.state.status != "ready", timeout=20000)
    snap = driver.settle()
    assert "separable" in w.state_label.text() and "without bound" in w.state_label.text()
    view = w.landscape_view
    driver.qtbot.waitUntil(lambda: view.result is not None and view.result.key[0] is snap.data, timeout=20000)
    assert view.optimum.data.size == 0 and "separable" in view.status.text()
    driver.qtbot.waitUntil(lambda: w.runs_table.item(0, COLUMNS.index("‖θ−θ*‖")).text() == "∞", timeout=5000)


def test_an_oscillating_loss_says_the_learning_rate_is_too_large(driver):
    c, w = driver.controller, driver.window
    c.set_hyper("lr", 70.0)
    snap = driver.train(300)
    assert snap.selected.state.status == "ready"
    assert "learning rate is too large" in w.state_label.text()
    assert "learning rate is too large" in w.runs_table.item(0, STATUS).text()


def test_l1_with_a_large_penalty_still_marks_its_optimum(driver):
    c, w = driver.controller, driver.window
    c.set_run_config(penalty="l1", lam=20.0)
    driver.train(2)
    view = w.landscape_view
    driver.qtbot.waitUntil(lambda: view.result is not None and view.result.facts.optimum is not None,
                           timeout=20000)
    assert view.optimum.data.size == 1 and "no finite optimum" not in view.status.text()


# -- room (defect 7), quitting (defect 9's sibling) --------------------------------------------------------
def test_at_1920_by_1080_the_panel_fits_and_the_plane_is_the_largest_view(driver):
    w = driver.window
    w.resize(1920, 1080)
    driver.settle()
    QApplication.processEvents()
    areas = {name: v.width() * v.height() for name, v in
             (("plane", w.plane), ("loss", w.loss_view), ("sigmoid", w.sigmoid_view),
              ("landscape", w.landscape_view))}
    assert max(areas, key=areas.get) == "plane", areas
    panel = w.panel
    for index in range(panel.tabs.count()):
        panel.tabs.setCurrentIndex(index)
        QApplication.processEvents()
        page = panel.tabs.currentWidget()
        viewport = page.viewport().rect()
        for field in page.widget().findChildren(QAbstractButton) + page.widget().findChildren(QComboBox):
            if field.isVisibleTo(page.widget()):
                right = field.mapTo(page.viewport(), QPoint(field.width(), 0)).x()
                assert right <= viewport.width(), (panel.tabs.tabText(index), field)


def test_quitting_with_unsaved_points_asks_first(driver, monkeypatch):
    c, w = driver.controller, driver.window
    c.add_point(1.0, 1.0, 1)
    assert w.windowTitle().endswith("*")
    answers = []

    def answer(choice):
        def exec_(box):
            answers.append(box.text())
            return choice
        return exec_

    monkeypatch.setattr(QMessageBox, "exec", answer(QMessageBox.StandardButton.Cancel))
    w.actions["quit"].trigger()
    assert w.isVisible() and len(answers) == 1 and "not saved" in answers[0]
    monkeypatch.setattr(QMessageBox, "exec", answer(QMessageBox.StandardButton.Discard))
    w.actions["quit"].trigger()
    assert not w.isVisible() and len(answers) == 2


def test_a_new_degree_while_training_keeps_every_view_alive(driver):
    """The landscape must never be asked for a grid of the old run's θ under the new model."""
    from lrgui.core.problem import model_key

    c, w = driver.controller, driver.window
    c.set_speed(None)
    c.play(True)
    driver.qtbot.waitUntil(lambda: c.latest.position > 20, timeout=10000)
    c.set_run_config(degree=2)
    key = model_key(c.session.selected_run.config)
    driver.qtbot.waitUntil(lambda: w.landscape_view.result is not None and w.landscape_view.result.key[1] == key,
                           timeout=20000)
    serial = c.latest.serial
    driver.qtbot.waitUntil(lambda: c.latest.serial > serial + 3, timeout=5000)
    c.play(False)
    snap = driver.settle()
    assert len(snap.selected.theta) == 6 and finite(snap.selected.theta)


def test_the_data_tab_names_the_generator_that_made_the_data(driver):
    c, panel = driver.controller, driver.window.panel
    c.generate("moons", {"seed": 4})
    driver.settle()
    assert panel.generator.currentData() == "moons"
    assert panel.generator_form.values()["seed"] == 4
    c.undo_stack.undo()
    driver.settle()
    assert panel.generator.currentData() == "gaussian"
