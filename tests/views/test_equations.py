"""The live equations dock, the focused point and the optimizer internals on the landscape, driven
through the real window and checked against a separate training run of the same settings."""

import numpy as np
from PySide6.QtCore import Qt

from lrgui.core.run import TrainingRun
from lrgui.views.equations_view import number, vector


def _reference(snap, epochs):
    """The selected run trained again in this process, and its θ rows (training units)."""
    run = TrainingRun(snap.data, snap.selected.spec.config)
    run.step(epochs)
    return run, run.history.rows("theta")


def _wait_anatomy(driver, epoch, point=False):
    driver.qtbot.waitUntil(lambda: driver.snap.anatomy is not None and driver.snap.anatomy.epoch == epoch
                           and (driver.snap.anatomy.point is not None) == point, timeout=20000)
    return driver.snap.anatomy


def _text(window):
    return window.equations_view.toPlainText()


def _check_numbers(driver, epoch, reference, thetas):
    a = _wait_anatomy(driver, epoch)
    loss, gradient = reference.problem.objective.loss_gradient(thetas[epoch])
    assert a.loss == loss and np.array_equal(a.gradient, gradient)
    assert np.array_equal(a.next_theta, thetas[epoch + 1])
    driver.qtbot.waitUntil(lambda: f"after epoch {epoch}" in _text(driver.window), timeout=5000)
    text = _text(driver.window)
    assert number(loss) in text
    assert vector(gradient) in text
    assert vector(thetas[epoch + 1] - thetas[epoch]) in text


def test_equations_show_the_core_numbers_now_and_at_a_scrubbed_epoch(driver):
    w, c = driver.window, driver.controller
    c.set_run_config(optimizer="adam")
    w.actions["equations"].trigger()
    assert w.docks["equations"].isVisible()
    snap = driver.train(12)
    reference, thetas = _reference(snap, 13)
    _check_numbers(driver, 12, reference, thetas)
    assert "m̂ = m / (1 − β₁ᵗ)" in _text(w)
    c.seek(5)
    driver.settle()
    _check_numbers(driver, 5, reference, thetas)


def test_clicking_a_point_takes_it_apart_and_marks_it_in_every_view(driver):
    w, c = driver.window, driver.controller
    w.show_equations()
    snap = driver.train(6)
    n = snap.data.n
    x = snap.data.X[3]
    driver.click(*x)
    driver.settle()
    assert c.focus == 3 and driver.snap.data.n == n          # taken apart, not a new point
    np.testing.assert_allclose(w.plane.focus_points(), [x])
    theta = driver.snap.selected.theta
    z = theta[0] + x @ theta[1:]
    z_drawn, label = w.sigmoid_view.focus_position()[0]
    assert abs(z_drawn - z) < 1e-9
    assert label == snap.data.y[3]
    a = _wait_anatomy(driver, 6, point=True)
    assert abs(a.point.z - z) < 1e-9
    driver.qtbot.waitUntil(lambda: number(a.point.z) in _text(w) and "∂ℓ/∂z = p − y" in _text(w), timeout=5000)
    driver.click(*x)                                          # again: let go
    driver.settle()
    assert c.focus is None and len(w.plane.focus_points()) == 0 and driver.snap.data.n == n


def test_the_gradient_arrow_on_the_landscape_is_the_core_gradient_on_the_slice(driver):
    w, c = driver.window, driver.controller
    c.set_run_config(optimizer="momentum", hyper={"lr": 0.05, "momentum": 0.8})
    driver.key(Qt.Key.Key_I, widget=w.plane)
    snap = driver.settle()
    assert snap.view.internals and w.actions["internals"].isChecked()
    snap = driver.train(9)
    reference, thetas = _reference(snap, 9)
    layer = w.landscape_view.internals
    driver.qtbot.waitUntil(lambda: layer.shown is not None and driver.snap.anatomy is not None
                           and driver.snap.anatomy.epoch == 9, timeout=20000)
    driver.qtbot.waitUntil(lambda: layer.gradient.start is not None, timeout=5000)
    m = layer.shown.scale
    gradient = reference.problem.objective.gradient(thetas[9])[[1, 2]]
    # momentum: μ times the velocity carried in (the last step) from θ, −η∇J from its tip, and
    # the step taken next
    np.testing.assert_array_equal(layer.momentum.start, thetas[9][[1, 2]])
    np.testing.assert_allclose(layer.momentum.end - layer.momentum.start, m * 0.8 * (thetas[9] - thetas[8])[[1, 2]],
                               rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(layer.gradient.start, layer.momentum.end, rtol=1e-12)
    np.testing.assert_allclose(layer.gradient.end - layer.gradient.start, -m * 0.05 * gradient,
                               rtol=1e-12, atol=1e-15)
    _, after = _reference(snap, 10)
    np.testing.assert_allclose(layer.step.end - layer.step.start, m * (after[10] - thetas[9])[[1, 2]],
                               rtol=1e-9, atol=1e-15)
    legend = layer.legend.textItem.toPlainText()
    assert layer.legend.isVisible() and f"arrows × {m:g}" in legend and "−η∇J" in legend and "μv" in legend
    c.undo_stack.undo()                                       # the view option is undoable
    driver.settle()
    assert not driver.snap.view.internals
    driver.qtbot.waitUntil(lambda: not layer.legend.isVisible(), timeout=5000)


def test_newton_s_quadratic_model_is_drawn_with_the_landscape_s_levels(driver):
    w, c = driver.window, driver.controller
    c.set_run_config(optimizer="newton")
    c.set_view(internals=True)
    driver.train(1)
    layer = w.landscape_view.internals
    driver.qtbot.waitUntil(lambda: layer.shown is not None and layer.shown.model is not None, timeout=20000)
    x, _ = layer.model.getData()
    assert x is not None and len(x) > 10
    assert "Newton's quadratic model" in layer.legend.textItem.toPlainText()


def test_gradient_descent_s_step_and_its_gradient_arrow_are_one_arrow(driver):
    """GD's step is −η∇J: one arrow, both names in the legend."""
    w, c = driver.window, driver.controller
    c.set_view(internals=True)
    driver.train(3)
    layer = w.landscape_view.internals
    driver.qtbot.waitUntil(lambda: layer.shown is not None and driver.snap.anatomy is not None
                           and driver.snap.anatomy.epoch == 3, timeout=20000)
    driver.qtbot.waitUntil(lambda: "−η∇J = step taken" in layer.legend.textItem.toPlainText(), timeout=5000)
    assert layer.gradient.end is not None and layer.step.end is None


def test_the_landscape_has_a_colour_bar_in_j_and_the_path_dots_follow_the_epochs(driver):
    w = driver.window
    snap = driver.train(40)
    view = w.landscape_view
    driver.qtbot.waitUntil(lambda: view.result is not None and view.result.key[0] is snap.data, timeout=20000)
    snap = driver.settle()
    values = view.result.landscape.values
    low = float(np.nanmin(values))
    ticks = view.surface.ticks
    assert len(ticks) >= 3 and abs(float(ticks[0][1]) - low) <= 5e-3 * abs(low)
    for at, label in ticks:                      # each mark sits where its J is on the colour scale
        assert abs(float(label) - (low + np.expm1(at))) <= 5e-3 * abs(float(label))   # 3 digits shown
    assert view.surface.bar.levels() == (0.0, float(np.log1p(np.nanmax(values) - low)))
    reference, thetas = _reference(snap, 40)
    x, y = view.epoch_dots.getData()
    epochs = snap.selected.history.spread_rows(41, 24)
    np.testing.assert_allclose(np.column_stack([x, y]), thetas[epochs][:, [1, 2]], rtol=1e-9, atol=1e-12)
    brushes = [b.color().name() for b in view.epoch_dots.data["brush"]]
    assert brushes[0] == "#ffffff" and brushes[-1] == w.theme.path_color.lower()


def test_numbers_read_from_the_back_of_a_room():
    assert number(7.59e-5) == "7.590×10⁻⁵"
    assert number(0.33) == "0.3300"
    assert number(31) == "31" and number(-2.5) == "−2.500"
    assert number(1.5e12) == "1.500×10¹²"
    assert vector([1.0, -0.25]) == "(1, −0.2500)"
