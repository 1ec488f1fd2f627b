"""Real data in the window: the Data sets menu, the plane's two features of many, the selected
run's test points hollow and resampled points marked, the test figures in the runs table, and the
imbalance remedies raced in one click."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from lrgui.core.generators import GENERATORS, generate
from lrgui.core.problem import build_problem
from lrgui.views.runs_table import COLUMNS


def rows_of(points: np.ndarray, plane: np.ndarray) -> list[int]:
    """The data rows whose plane position is each of ``points`` (sorted, with repeats)."""
    return sorted(int(np.flatnonzero((plane == p).all(axis=1))[0]) for p in points)


@pytest.mark.parametrize("name", list(GENERATORS.names()))
def test_each_data_sets_entry_draws_its_generator_at_its_defaults(driver, name):
    w, c = driver.window, driver.controller
    action = w.findChild(type(w.actions["open"]), f"data-set-{name}")
    assert GENERATORS.get(name).lesson in action.text() and action.shortcuts()
    action.trigger()
    snap = driver.settle()
    want = generate(name)
    assert snap.data.equals(want) and snap.data.X.shape == want.X.shape
    assert c.session.origin.name == name and c.undo_stack.undoText() == f"Generate {name} data"


def test_the_plane_shows_the_two_chosen_features_with_the_others_at_their_means(driver):
    w, c = driver.window, driver.controller
    w.findChild(type(w.actions["open"]), "data-set-breast-cancer").trigger()
    driver.settle()
    panel = w.panel
    assert panel.plane_box.isVisible()
    names = c.session.data.feature_names
    panel.plane_axes[0].setCurrentIndex(3)
    panel.plane_axes[0].activated.emit(3)
    panel.plane_axes[1].setCurrentIndex(7)
    panel.plane_axes[1].activated.emit(7)
    assert c.session.view.plane_axes == (3, 7)
    assert c.set_run_config(standardize=True, optimizer="lbfgs", hyper={})
    snap = driver.train(30)
    plot = w.plane.getPlotItem()
    assert plot.getAxis("bottom").labelText == names[3] and plot.getAxis("left").labelText == names[7]
    X = snap.data.X
    np.testing.assert_array_equal(np.sort(w.plane.scatter_points(1)[:, 0]), np.sort(X[snap.data.y == 1, 3]))
    assert f"the plane shows {names[3]} and {names[7]}, the others at their means" in w.plane.note.toPlainText()
    # framed on the two features, whatever their scale (mean concave points lie in 0 … 0.2)
    for (lo, hi), column in zip(w.plane.getPlotItem().vb.viewRange(), (3, 7)):
        span = np.ptp(X[:, column])
        assert lo <= X[:, column].min() and X[:, column].max() <= hi and hi - lo < 1.5 * span
    # the drawn boundary: z = 0 where features 3 and 7 are the line's and the others their means
    xs, ys = w.plane.boundary_points()
    theta = snap.selected.theta
    full = np.tile(X.mean(axis=0), (len(xs), 1))
    full[:, 3], full[:, 7] = xs, ys
    z = theta[0] + full @ theta[1:]
    assert len(xs) == 2 and np.allclose(z, 0.0, atol=1e-8 * np.abs(theta[1:]) @ np.abs(full).max(axis=0))
    # choosing the other axis's feature swaps the two; a click adds a point at the means elsewhere
    panel.plane_axes[0].setCurrentIndex(7)
    panel.plane_axes[0].activated.emit(7)
    assert c.session.view.plane_axes == (7, 3)
    driver.settle()
    (x0, x1), (y0, y1) = w.plane.getPlotItem().vb.viewRange()
    at = ((x0 + x1) / 2, (y0 + y1) / 2)
    driver.click(*at)
    added = c.session.data.X[-1]
    expected = X.mean(axis=0)
    expected[[7, 3]] = at
    np.testing.assert_allclose(added, expected, rtol=0.02, atol=0)
    np.testing.assert_array_equal(np.delete(added, [3, 7]), np.delete(X.mean(axis=0), [3, 7]))
    c.undo_stack.undo()
    c.undo_stack.undo()
    assert c.session.view.plane_axes == (3, 7)


def test_test_points_are_hollow_in_the_plane_and_the_sigmoid_view_and_figured_in_the_table(driver):
    w, c = driver.window, driver.controller
    table = w.runs_table
    assert all(table.isColumnHidden(k) for k in (5, 6))
    assert c.set_run_config(test_fraction=0.25)
    snap = driver.train(20)
    problem = build_problem(snap.data, snap.selected.spec.config)
    plane = snap.data.X
    for label in (0, 1):
        hollow = w.plane.scatter_points(label, "test")
        want = problem.test.X[problem.test.y == label]
        assert rows_of(hollow, plane) == rows_of(want, plane)
        filled = w.plane.scatter_points(label)
        assert len(filled) + len(hollow) == np.count_nonzero(snap.data.y == label)
        assert len(w.sigmoid_view.point_positions(label, test=True)) == len(want)
    assert "test points hollow" in w.plane.note.toPlainText()
    assert not any(table.isColumnHidden(k) for k in (5, 6))
    r = snap.selected
    assert table.item(0, COLUMNS.index("Test loss")).text() == f"{r.test_loss:.4g}"
    assert table.item(0, COLUMNS.index("Test acc.")).text() == f"{r.test_accuracy:.1%}"


@pytest.mark.parametrize("how", ["under", "over"])
def test_resampling_marks_exactly_the_rows_left_out_and_repeated(driver, how):
    w, c = driver.window, driver.controller
    c.generate("gaussian", {"n0": 60, "n1": 15})
    assert c.set_run_config(resample=how, test_fraction=0.2)
    snap = driver.settle()
    problem = build_problem(snap.data, snap.selected.spec.config)
    X = snap.data.X
    # how many times each data row is among the rows the run trains on, counted from the values
    used = np.array([np.count_nonzero((problem.train.X == x).all(axis=1)) for x in X])
    tested = np.array([np.any((problem.test.X == x).all(axis=1)) for x in X])
    faded = np.vstack([w.plane.scatter_points(k, "dropped") for k in (0, 1)])
    ringed = w.plane.scatter_points(0, "repeated")
    assert rows_of(faded, X) == sorted(np.flatnonzero((used == 0) & ~tested))
    assert rows_of(ringed, X) == sorted(np.flatnonzero(used >= 2))
    assert (len(faded) > 0) == (how == "under") and (len(ringed) > 0) == (how == "over")
    if how == "over":
        sizes = w.plane.repeat_rings.data["size"]
        order = np.argsort(rows_of(ringed, X))
        assert np.all(np.diff(sizes[order][np.argsort(used[used >= 2])]) >= 0)   # more repeats, wider rings
    c.set_run_config(resample="none")
    driver.settle()
    assert len(w.plane.scatter_points(0, "dropped")) == len(w.plane.scatter_points(0, "repeated")) == 0


def test_the_remedies_race_in_one_click_with_the_metrics_in_front(driver):
    w, c = driver.window, driver.controller
    c.generate("gaussian", {"n0": 90, "n1": 10, "mean1_x1": 5.0, "mean1_x2": 5.0})
    driver.key(Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier, widget=w.plane)
    runs = c.session.runs
    assert [(r.name, r.config.class_weight, r.config.resample) for r in runs] == [
        ("no remedy", "none", "none"), ("balanced weights", "balanced", "none"),
        ("undersampled", "none", "under"), ("oversampled", "none", "over")]
    assert w.docks["metrics"].isVisible()
    c.set_run_config(runs[2].id, resample="over")          # "undersampled" no longer is
    assert c.session.run(runs[2].id).name == "" and "oversampled" in c.session.run(runs[2].id).label
    c.undo_stack.undo()
    assert c.session.run(runs[2].id).name == "undersampled"
    c.undo_stack.undo()
    assert len(c.session.runs) == 1
    QApplication.processEvents()


def test_the_coefficient_table_names_each_weight_and_marks_l1s_exact_zeros(driver):
    """Breast cancer under L1 (proximal gradient): the table lists θ by feature name in original
    units, and the weights marked exactly 0 are those scikit-learn's L1 solution also zeroes at
    the same strength, within the few near the edge."""
    from sklearn.preprocessing import StandardScaler

    from tests.core.reference import l1_logistic_regression

    w, c = driver.window, driver.controller
    w.findChild(type(w.actions["open"]), "data-set-breast-cancer").trigger()
    assert c.set_run_config(standardize=True, penalty="l1", lam=5.0, optimizer="gd", hyper={"lr": 0.5},
                            max_epochs=3000, tol=1e-9)
    driver.key(Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier, widget=w.plane)
    assert w.docks["coefficients"].isVisible()
    c.set_speed(None)
    c.play(True)
    driver.qtbot.waitUntil(lambda: c.latest.selected.state.status != "ready", timeout=60000)
    snap = driver.settle()
    theta = snap.selected.theta
    rows = dict(w.coefficients_view.rows())
    names = snap.data.feature_names
    assert len(rows) == 31 and rows["bias b"] == f"{theta[0]:.6g}"
    zero = [n for n, v in zip(names, theta[1:]) if v == 0.0]
    assert 5 <= len(zero) < 30
    assert all(rows[n] == "0 (exactly)" for n in zero)
    assert all(rows[n] == f"{v:.6g}" for n, v in zip(names, theta[1:]) if v != 0.0)
    assert f"{len(zero)} of 30 weights exactly 0 (L1 λ = 5)" in w.coefficients_view.note.text()
    # |θ|·σ: each weight times its feature's standard deviation, comparable across units
    effects = dict(w.coefficients_view.rows(3))
    for name, v, s in zip(names, theta[1:], snap.data.X.std(axis=0)):
        assert effects[name] == "0" if v == 0.0 else float(effects[name]) == pytest.approx(abs(v) * s, rel=6e-3)
    # the same sparsity as scikit-learn's L1 fit of the same cost: mean loss + (λ/n)‖w‖₁ ⇔ C = 1/λ
    X = StandardScaler().fit_transform(snap.data.X)
    ref = l1_logistic_regression(X, snap.data.y, 5.0)[1:]
    ours = set(zero)
    theirs = {n for n, v in zip(names, ref) if abs(v) < 1e-6}
    assert len(ours ^ theirs) <= 2, (ours ^ theirs)


def test_undo_and_redo_across_data_of_other_widths_with_the_metrics_shown_raise_nothing(driver):
    """θ of 31 numbers meets data of 2 features for a frame or two while undo and redo switch
    between breast cancer and the clouds: the metrics wait for a θ that fits, nothing faults."""
    w, c = driver.window, driver.controller
    driver.key(Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier, widget=w.plane)
    w.findChild(type(w.actions["open"]), "data-set-breast-cancer").trigger()
    c.set_speed(None)
    c.play(True)
    driver.qtbot.waitUntil(lambda: c.latest.selected.epoch > 20, timeout=20000)
    for k in range(16):
        (c.undo_stack.undo if k % 2 == 0 else c.undo_stack.redo)()
        driver.qtbot.wait(60)
    c.play(False)
    snap = driver.settle()                        # asserts that nothing faulted
    assert c.faults == []
    driver.qtbot.waitUntil(lambda: c.latest.scores is not None and c.latest.scores.scores is not None, timeout=20000)
    assert c.latest.scores.scores.train.n == snap.data.n


def test_changing_the_degree_with_the_metrics_shown_raises_nothing(driver):
    w, c = driver.window, driver.controller
    driver.key(Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier, widget=w.plane)
    c.generate("moons", {})
    assert c.set_run_config(test_fraction=0.3)
    driver.train(10)
    for degree in (3, 1, 2, 4, 1):
        c.set_run_config(degree=degree)
        driver.qtbot.wait(80)
    driver.train(3)                                # asserts that nothing faulted
    driver.qtbot.waitUntil(lambda: c.latest.scores is not None and c.latest.scores.scores is not None
                           and c.latest.scores.epoch == c.latest.selected.epoch, timeout=20000)


def test_the_landscape_follows_the_plane_to_any_two_features(driver):
    w, c = driver.window, driver.controller
    w.findChild(type(w.actions["open"]), "data-set-breast-cancer").trigger()
    driver.settle()
    names = c.session.data.feature_names
    c.set_plane_axes((0, 27))
    driver.settle()
    box = w.landscape_view.axes_box
    assert c.session.view.landscape_axes == (1, 28)
    assert box.currentData() == (1, 28) and box.currentText() == f"{names[0]} and {names[27]}"


def test_the_panel_names_the_classes_of_data_with_label_texts(driver):
    w = driver.window
    w.findChild(type(w.actions["open"]), "data-set-breast-cancer").trigger()
    driver.settle()
    texts = [w.panel.class_group.button(k).text() for k in (0, 1)]
    assert texts[0].startswith("class 0: benign") and texts[1].startswith("class 1: malignant")


def test_after_the_data_change_the_figures_are_theta_on_the_new_data(driver):
    """Runs go on from θ on new data: until they train again, the table and the status show θ's
    loss and accuracy on the data shown, not those its last row recorded on the data before."""
    from sklearn.metrics import accuracy_score, log_loss

    w, c = driver.window, driver.controller
    driver.train(30)
    before = driver.snap.selected.loss
    assert c.generate("moons", {"seed": 2})
    snap = driver.settle()
    run = snap.selected
    p = 1.0 / (1.0 + np.exp(-(run.theta[0] + snap.data.X @ run.theta[1:])))
    assert run.epoch == 30 and run.loss != before
    assert run.loss == pytest.approx(log_loss(snap.data.y, p), rel=1e-9)
    assert run.accuracy == pytest.approx(accuracy_score(snap.data.y, p >= 0.5))
    assert w.runs_table.item(0, 3).text() == f"{run.loss:.4g}"
    assert w.runs_table.item(0, 4).text() == f"{run.accuracy:.1%}"
    # ‖∇J‖ in the units it trains in (standardised columns, population spread), on the new data
    X = snap.data.X
    B = np.column_stack([np.ones(len(X)), (X - X.mean(axis=0)) / X.std(axis=0)])
    assert run.grad_norm == pytest.approx(np.linalg.norm((p - snap.data.y) @ B / len(X)), rel=1e-6)
    # training on records the new data's rows; going back shows the row as recorded
    snap = driver.train(1)
    assert snap.selected.epoch == 31
    c.seek(30)
    snap = driver.settle()
    assert snap.selected.loss == pytest.approx(before)


def test_an_example_opens_at_epoch_zero_with_nothing_of_the_runs_before(driver):
    """Its first run has the settings of the window's run: it must not carry that run's epochs,
    nor a ghost of it."""
    w, c = driver.window, driver.controller
    c.generate("gaussian", {"seed": 4})
    assert c.set_run_config(optimizer="momentum", hyper={})
    driver.train(12)
    assert c.set_run_config(optimizer="gd", hyper={"lr": 0.5})        # a ghost of the momentum run
    driver.train(25)
    assert driver.snap.selected.ghost is not None
    c.undo_stack.setClean()
    assert w.open_example("imbalanced")
    snap = driver.settle()
    assert [r.epoch for r in snap.runs] == [0, 0, 0, 0] and snap.end == 0
    assert all(r.ghost is None for r in snap.runs)
    assert all(len(r.history) == 1 for r in snap.runs if r.history is not None)


def test_the_data_tab_says_where_the_data_came_from(driver, tmp_path):
    """File data are not mistaken for the generator form's: the tab names the file."""
    from lrgui.core.generators import generate
    from lrgui.core.table_io import write_table

    w, c = driver.window, driver.controller
    origin = w.panel.origin
    assert origin.text() == "Data generated: Two Gaussian clouds"
    path = tmp_path / "points.csv"
    write_table(generate("moons", seed=2), path)
    assert c.open_data(str(path))
    driver.settle()
    assert origin.text() == "Data from the file points.csv. Generate replaces them with:"
    c.add_point(0.0, 0.0, 1)
    driver.settle()
    assert origin.text().startswith("Data from the file points.csv (edited by hand)")
    c.undo_stack.undo()
    c.undo_stack.undo()
    driver.settle()
    assert origin.text() == "Data generated: Two Gaussian clouds"
