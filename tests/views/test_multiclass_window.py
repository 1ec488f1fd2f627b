"""More than two classes in the window: keys 0–9 pick the class a click adds (each class with its
own colour and marker); the plane draws the borders where the predicted class changes, the region
each class wins and each one-vs-rest model's line; the sigmoid view shows the click class's model;
the loss curve each model's loss; the Metrics dock the K × K confusion matrix and each class's
recall; one-vs-rest raced against multinomial. Checked against scikit-learn at the optimum and
against numpy computations of the same θ."""

import numpy as np
import pytest
from PySide6.QtCore import Qt
from sklearn import metrics
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from lrgui.core.session import describe
from lrgui.core.examples import IRIS_SPECIES
from lrgui.core.generators import generate
from lrgui.core.geometry import grid
from lrgui.core.multiclass import blocks
from lrgui.core.problem import split_data
from lrgui.core.config import RunConfig
from lrgui.views.data_plane import REGION_GRID, _region_colors

DIGITS = [getattr(Qt.Key, f"Key_{k}") for k in range(10)]


def scores(theta: np.ndarray, X: np.ndarray, classes: int) -> np.ndarray:
    """z (n, K) of θ in original units (degree 1), computed here on its own."""
    B = blocks(theta, classes)
    return B[:, 0] + X @ B[:, 1:].T


def open_species(driver, **settings):
    """The iris-species example (one-vs-rest and multinomial), every run with ``settings``."""
    c = driver.controller
    c.open_example("iris-species")
    driver.settle()
    for run_id in ("run1", "run2"):
        c.select_run(run_id)
        if settings:
            assert c.set_run_config(**settings)
    c.select_run("run1")
    return driver.settle()


def test_keys_pick_the_click_class_and_a_new_class_joins_clicked_data(driver):
    w, c = driver.window, driver.controller
    w.plane.setFocus()
    driver.key(DIGITS[2])
    assert c.click_class == 2 and w.plane.click_class == 2
    assert w.panel.class_group.button(2).isChecked() and w.panel.class_group.button(2).isVisible()
    before = c.session.data
    x0, x1 = w.plane.getPlotItem().vb.viewRange()[0]
    y0, y1 = w.plane.getPlotItem().vb.viewRange()[1]
    driver.click((x0 + x1) / 2, (y0 + y1) / 2)
    snap = driver.settle()
    assert snap.data.classes == 3 and snap.data.n == before.n + 1 and snap.data.y[-1] == 2
    # at θ = 0 every class ties everywhere: no region is shaded as won
    pixels = w.plane.shading.pixels()
    assert not w.plane.shading.isVisible() or np.all(pixels == w.plane._background)
    assert snap.data.class_counts()[2] == 1
    # each class in its own colour and marker
    theme = w.theme
    for k in range(3):
        item = w.plane.scatters[k]
        assert item.opts["symbol"] == theme.class_symbols[k]
        assert item.opts["brush"].color().name() == theme.class_colors[k].lower()
    assert len(set(theme.class_symbols)) == len(theme.class_symbols) == 10
    assert w.plane.scatter_points(2).tolist() == [list(snap.data.X[-1, :2])]
    # the run trains three models now, from epoch 0
    snap = driver.train(5)
    assert snap.selected.rows == 6 and len(snap.selected.theta) == 9
    assert snap.selected.history.parts == 3
    assert "3 classes" in w.panel.counts.text() and w.panel._model_form.isRowVisible(w.panel.multiclass)
    # a key past the next new class is refused: no class is left without points
    assert c.set_click_class(5) is False and "keys 0 to 3 pick one (3 adds a new class)" in c.last_error
    assert c.click_class == 2
    # a point of class 0 more, five epochs more: the run went on from its θ on other data
    c.add_point(0.0, 0.0, label=0)
    snap = driver.train(5)
    trained, history = snap.selected.theta.copy(), snap.selected.history.column("loss").copy()
    # undo twice gives the two classes back (the run starts over on them); redo twice gives back
    # the run of three classes as it was trained (a run trained anew on the data of the redo
    # would have another θ: it never saw the class-0 point)
    c.undo_stack.undo()
    c.undo_stack.undo()
    snap = driver.settle()
    assert snap.data.classes == 2 and not w.panel._model_form.isRowVisible(w.panel.multiclass)
    assert len(snap.selected.theta) == 3
    c.undo_stack.redo()
    c.undo_stack.redo()
    snap = driver.settle()
    assert snap.data.classes == 3 and snap.selected.rows == 11
    np.testing.assert_array_equal(snap.selected.theta, trained)
    np.testing.assert_array_equal(snap.selected.history.column("loss"), history)


def test_a_class_not_in_named_data_is_refused_in_words(driver):
    c = driver.controller
    c.open_example("iris-species")
    driver.settle()
    before, steps = c.session.data, c.undo_stack.count()
    assert c.set_click_class(5) is False and c.click_class == 0
    assert "These data have 3 classes (setosa, versicolor, virginica): keys 0 to 2 pick one" in c.last_error
    c.add_point(3.0, 3.0, label=5)
    driver.settle()
    assert "there is no class 5: these data have 3 classes (setosa, versicolor, virginica)" in c.last_error
    assert c.session.data is before and c.undo_stack.count() == steps
    assert not driver.window.panel.class_group.button(5).isVisibleTo(driver.window.panel)


def test_the_plane_shades_the_regions_scikit_learn_predicts_and_draws_their_borders(driver):
    """At the optimum (Newton, L2 λ = 1) the shading's class at every grid cell is the class
    scikit-learn's OneVsRestClassifier predicts there; every border segment lies where two
    classes tie above the others; each model's dotted line is its θₖᵀx = 0."""
    w = driver.window
    snap = open_species(driver, optimizer="newton", hyper={}, tol=1e-10, standardize=False)
    snap = driver.train(15)
    run = snap.selected
    assert run.spec.config.multiclass == "ovr" and run.state.status == "converged"
    data = snap.data
    ref = OneVsRestClassifier(LogisticRegression(C=1.0, tol=1e-12, max_iter=10_000)).fit(data.X, data.y)
    theta = np.array([np.r_[e.intercept_, e.coef_[0]] for e in ref.estimators_])
    np.testing.assert_allclose(blocks(run.theta, 3), theta, atol=1e-6)
    plane = w.plane
    (x0, x1), (y0, y1) = plane.getPlotItem().vb.viewRange()
    _, _, pts = grid((x0, y0, x1, y1), REGION_GRID)
    colours = _region_colors(w.theme)
    shown = plane.shading.pixels().reshape(-1)
    predicted = ref.predict(pts)
    p = ref.predict_proba(pts)
    sure = (1 / (1 + np.exp(-scores(theta.reshape(-1), pts, 3)))).max(axis=1) > 0.5
    expected = colours[predicted.astype(int) * 2 + sure]
    # a cell whose top two scores all but tie may go either way in rounding
    top = np.sort(p, axis=1)
    clear = top[:, -1] - top[:, -2] > 1e-9
    assert clear.mean() > 0.99
    np.testing.assert_array_equal(shown[clear], expected[clear])
    # the borders: ends of segments where two classes tie at the top
    x, y = plane.boundary_points()
    ends = np.column_stack([x, y])
    assert len(ends) >= 4 and len(ends) % 2 == 0
    z = scores(run.theta, ends, 3)
    ordered = np.sort(z, axis=1)
    np.testing.assert_allclose(ordered[:, -1], ordered[:, -2], atol=1e-7 * np.abs(z).max())
    # each one-vs-rest model's own line
    for k in range(3):
        lx, ly = plane.class_lines[k].getData()
        assert lx is not None and len(lx) == 2
        zk = blocks(run.theta, 3)[k] @ np.vstack([np.ones(2), lx, ly])
        np.testing.assert_allclose(zk, 0.0, atol=1e-9 * np.abs(blocks(run.theta, 3)[k]).max() * 10)
    # misclassified rings: the points whose predicted class is not theirs
    rings = plane.ring_points()
    wrong = ref.predict(data.X) != data.y
    assert len(rings) == np.count_nonzero(wrong)


def test_the_multinomial_run_draws_its_own_borders_and_its_sigmoid_view_gives_softmax_probabilities(driver):
    w, c = driver.window, driver.controller
    open_species(driver, optimizer="newton", hyper={}, tol=1e-10, standardize=False)
    c.select_run("run2")
    c.set_click_class(2)
    snap = driver.train(15)
    run = snap.selected
    assert run.spec.config.multiclass == "multinomial"
    ref = LogisticRegression(C=1.0, tol=1e-12, max_iter=10_000).fit(snap.data.X, snap.data.y)
    # no one-vs-rest lines for a softmax model
    assert all(line.getData()[0] is None or len(line.getData()[0]) == 0 for line in w.plane.class_lines)
    # the sigmoid view: class 2's softmax probability as σ of each point's z, at 1 for class 2
    view = w.sigmoid_view
    shown = view.shown_rows()
    X, y = snap.data.X[shown], snap.data.y[shown]
    p = ref.predict_proba(X)[:, 2]
    for k in range(3):
        pts = view.point_positions(k)
        mine = y == k
        assert len(pts) == np.count_nonzero(mine)
        np.testing.assert_allclose(1 / (1 + np.exp(-pts[:, 0])), p[mine], atol=1e-6)
        np.testing.assert_allclose(np.round(pts[:, 1]), 1.0 if k == 2 else 0.0)
    assert not view.threshold_line.isVisible()
    assert "virginica" in view.getPlotItem().getAxis("bottom").labelText


def test_the_loss_curve_shows_each_models_loss_summing_to_the_runs(driver):
    w = driver.window
    snap = open_species(driver)
    snap = driver.train(20)
    run = snap.selected
    parts = [w.loss_view.parts[k] for k in range(3)]
    assert all(len(p.envelope) == 21 for p in parts)
    # every epoch's losses (the curves hold min and max per bucket: their ends are exact)
    total = w.loss_view.curves[run.id].item.getData()[1]
    ends = np.array([p.item.getData()[1][[0, -1]] for p in parts])
    np.testing.assert_allclose(ends.sum(axis=0), total[[0, -1]], rtol=1e-12)
    np.testing.assert_allclose(ends[:, -1].sum(), run.loss, rtol=1e-12)
    assert all(w.loss_view.parts[k].item.getData()[0] is None or not len(w.loss_view.parts[k].item.getData()[0])
               for k in range(3, 10))
    legend = [label.text for _sample, label in w.loss_view.legend.items]
    assert "model 0: setosa" in legend and "model 2: virginica" in legend


def test_the_metrics_dock_shows_the_k_by_k_confusion_and_each_classs_recall(driver, qtbot):
    w, c = driver.window, driver.controller
    open_species(driver, test_fraction=0.2)
    w.docks["metrics"].show()
    w.docks["metrics"].raise_()
    driver.train(30)
    view = w.metrics_view
    qtbot.waitUntil(lambda: c.latest.scores is not None and c.latest.scores.scores is not None
                    and c.latest.scores.epoch == c.latest.selected.epoch, timeout=20000)
    snap = driver.settle()
    run = snap.selected
    view.show_snapshot(snap)
    split = split_data(snap.data, RunConfig(test_fraction=0.2), resample=False)
    for column, (name, rows) in enumerate((("train", split.train), ("test", split.test))):
        predicted = np.argmax(scores(run.theta, rows.X, 3), axis=1)
        _title, table = view.matrices[name]
        shown = [[int(table.item(i, j).text()) for j in range(3)] for i in range(3)]
        assert shown == metrics.confusion_matrix(rows.y, predicted).tolist()
        recall = metrics.recall_score(rows.y, predicted, average=None)
        labels = [view.table.verticalHeaderItem(r).text() for r in range(view.table.rowCount())]
        for k, name_ in enumerate(("setosa", "versicolor", "virginica")):
            row = labels.index(f"recall of {k}: {name_}")
            assert float(view.table.item(row, column).text()) == pytest.approx(recall[k], abs=5e-4)
    assert not view.slider.isVisibleTo(view) and not view.roc.isVisibleTo(view)


def test_one_vs_rest_races_multinomial_in_one_click(driver):
    w, c = driver.window, driver.controller
    c.generate("blobs", {"centers": 4, "seed": 1})
    driver.settle()
    w.actions["compare_multiclass"].trigger()
    snap = driver.train(10)
    assert [r.spec.config.multiclass for r in snap.runs] == ["ovr", "multinomial"]
    assert [r.spec.label for r in snap.runs] == ["one-vs-rest", "multinomial"]
    assert {len(r.theta) for r in snap.runs} == {12}
    assert w.actions["compare_multiclass"].shortcut().toString() == "Ctrl+Shift+K"
    # switched to softmax, the "one-vs-rest" run no longer says so; undo gives the name back
    first = snap.runs[0].spec
    c.set_run_config(first.id, multiclass="multinomial")
    label = c.session.run(first.id).label
    assert label != "one-vs-rest" and label == describe(c.session.run(first.id).config)
    c.set_run_config(first.id, lam=0.5, penalty="l2")          # a setting the name does not tell
    c.undo_stack.undo()
    c.undo_stack.undo()
    assert c.session.run(first.id).label == "one-vs-rest"
    c.set_run_config(first.id, penalty="l2", lam=0.5)
    assert c.session.run(first.id).label == "one-vs-rest"       # kept: still one-vs-rest


def test_the_data_sets_menu_offers_iris_with_three_species(driver):
    w = driver.window
    action = w.findChild(type(w.actions["open"]), "data-set-iris-all-three-petal-length-sepal-width")
    action.trigger()
    snap = driver.settle()
    assert snap.data.equals(generate("iris", **IRIS_SPECIES)) and snap.data.classes == 3
