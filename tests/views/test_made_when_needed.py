"""What the window makes only when it is first needed, so that it opens sooner: the views of the
docks hidden at start, the plots' context menus and the landscape's side-by-side twin. Each must
work, once made, as if it had been there from the start."""

import numpy as np
import pyqtgraph as pg
import pytest
from pyqtgraph.graphicsItems.ViewBox.ViewBoxMenu import ViewBoxMenu
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from lrgui.core.run import TrainingRun
from lrgui.views.look import Look
from lrgui.views.main_window import LATER_DOCKS
from lrgui.views.plot_helpers import MenuOnDemandViewBox
from lrgui.views.theme import THEMES


def test_the_hidden_docks_are_empty_until_first_shown_then_filled_themed_and_wired(driver, monkeypatch):
    w, c = driver.window, driver.controller
    assert all(w.docks[name].widget() is None and not w.docks[name].isVisible() for name in LATER_DOCKS)
    driver.key(Qt.Key.Key_Right, widget=w.plane)          # one epoch: θ is no longer 0
    snap = driver.settle()
    w.set_theme("projector")                              # a theme chosen before the views exist
    shortcut = w.docks["coefficients"].toggleViewAction().shortcut()
    driver.qtbot.keyClick(w.plane, shortcut[0].key(), shortcut[0].keyboardModifiers())
    view = w.docks["coefficients"].widget()
    assert w.docks["coefficients"].isVisible() and view is not None and view is w.coefficients_view
    assert view.theme == Look(w.settings).theme and view.theme.name == "projector"
    # its rows are θ after one epoch, as a run of its own on the same data gives it
    driver.qtbot.waitUntil(lambda: len(view.rows()) == 3, timeout=20000)
    alone = TrainingRun(snap.data, snap.selected.spec.config)
    alone.step(1)
    shown = [float(text) for _term, text in view.rows()]
    np.testing.assert_allclose(shown, alone.theta_original, rtol=1e-5)
    # the metrics dock's slider reaches the controller; the code dock's button asks for a file
    w.docks["metrics"].toggleViewAction().trigger()
    w.metrics_view.slider.setValue(700)
    assert c.session.view.threshold == pytest.approx(0.7)
    asked = []
    monkeypatch.setattr(w, "_save_as", lambda *args: asked.append(args) or "")
    w.docks["code"].toggleViewAction().trigger()
    w.code_view.save_button.click()
    assert len(asked) == 1 and asked[0][0] == "Save the script"
    # a theme change reaches the views made so far and those made later
    w.set_theme("dark")
    assert all(w.docks[n].widget().theme.name == "dark" for n in ("coefficients", "metrics"))
    assert w.code_view.text.font().pixelSize() == w.theme.px()
    assert w.docks["equations"].widget() is None
    assert w.equations_view.font().pixelSize() == w.theme.px(1.45)
    assert w.theme.muted_color in w.equations_view.document().defaultStyleSheet()
    QApplication.processEvents()
    assert c.faults == []


def test_a_plot_makes_its_context_menu_when_first_opened_with_what_pyqtgraph_would_show(driver):
    w = driver.window
    box = w.loss_view.getPlotItem().getViewBox()
    assert isinstance(box, MenuOnDemandViewBox) and box.menu is None and box.menuEnabled()
    named = pg.ViewBox(name="named elsewhere")              # a view another plot could link to
    eager = pg.ViewBox()                                     # pyqtgraph's own, its menu made at once
    menu = box.getMenu(None)
    assert isinstance(menu, ViewBoxMenu) and box.getMenu(None) is menu
    assert [a.text() for a in menu.actions()] == [a.text() for a in eager.menu.actions()]
    assert [a.text() for a in box.getContextMenus(None)] == [a.text() for a in eager.getContextMenus(None)]
    links = [menu.ctrl[0].linkCombo.itemText(i) for i in range(menu.ctrl[0].linkCombo.count())]
    assert "named elsewhere" in links
    # View All from the menu frames the curves again after a zoom
    box.setXRange(1000, 2000, padding=0)
    menu.viewAll.trigger()
    assert box.viewRange()[0][0] < 1000
    # the data plane keeps its menu off: a right click there adds a point of the other class
    plane_box = w.plane.getPlotItem().getViewBox()
    assert not plane_box.menuEnabled() and plane_box.getMenu(None) is None and plane_box.getContextMenus(None) == []
    del named


def test_the_landscapes_twin_is_made_when_two_costs_are_first_compared(driver):
    c, w = driver.window.controller, driver.window
    view = w.landscape_view
    assert len(view.findChildren(pg.PlotWidget)) == 1
    w.actions["squared_demo"].trigger()
    c.play(False)
    driver.settle()
    driver.qtbot.waitUntil(lambda: view.result is not None and view.result.other is not None
                           and view.result.key[0].equals(c.session.data), timeout=20000)
    driver.settle()
    plots = view.findChildren(pg.PlotWidget)
    assert len(plots) == 2 and view.twin_widget in plots and view.twin_widget.isVisible()
    main_axis = view.plot_widget.getPlotItem().getAxis("bottom")
    twin = view.twin_widget.getPlotItem()
    assert twin.getAxis("bottom").labelText == main_axis.labelText != ""
    assert twin.getViewBox().viewRange() == view.plot_widget.getPlotItem().getViewBox().viewRange()
    assert view.twin.levels is not None and np.all(np.isfinite(view.twin.levels))
    c.set_view(compare_losses=False)
    driver.qtbot.waitUntil(lambda: not view.twin_widget.isVisible(), timeout=20000)
    assert THEMES[w.look.theme_name].background.lower() == view.twin_widget.backgroundBrush().color().name()


def test_a_dock_first_shown_zoomed_in_takes_the_usual_sizes_back_when_zoomed_out(driver):
    """Qt keeps a combo box's smallest size from the first type it was laid out in: the sweep
    dock, made while zoomed in, must not keep boxes sized for the larger type."""
    from PySide6.QtWidgets import QComboBox

    w = driver.window
    w.zoom_by(1.25)
    w.zoom_by(1.25)
    w.show_sweep()
    QApplication.processEvents()
    w.zoom_reset()
    QApplication.processEvents()
    for box in w.sweep_view.findChildren(QComboBox):
        fresh = QComboBox()
        fresh.addItems([box.itemText(i) for i in range(box.count())])
        fresh.setSizeAdjustPolicy(box.sizeAdjustPolicy())
        fresh.setMinimumContentsLength(box.minimumContentsLength())
        fresh.setFont(box.font())
        assert box.minimumSizeHint() == fresh.minimumSizeHint(), box.currentText()


def test_pictures_offer_the_docks_hidden_at_first_only_once_they_were_shown(driver):
    w = driver.window
    offered = w.picture_views()
    assert set(offered) == {"Whole window", "Data plane", "Loss curve", "Sigmoid", "Loss landscape"}
    assert all(w.docks[n].widget() is None for n in ("equations", "code", "metrics", "sweep"))  # none made
    w.docks["metrics"].toggleViewAction().trigger()
    QApplication.processEvents()
    assert w.picture_views()["Metrics"] is w.metrics_view and "Sweep" not in w.picture_views()


def test_side_by_side_both_pictures_keep_their_colour_bars_and_numbers_within_their_plots(driver):
    """Two costs side by side in a narrow dock: no title widens a plot beyond its widget (the
    twin's colour bar was cut off), and each bar is as wide as its numbers."""
    from PySide6.QtGui import QFontMetrics

    from lrgui.views.landscape_view import LOSS_TITLES
    from lrgui.views.plot_helpers import pixel_font

    c, w = driver.controller, driver.window
    view = w.landscape_view
    w.actions["squared_demo"].trigger()
    c.play(False)
    driver.qtbot.waitUntil(lambda: view.result is not None and view.result.other is not None
                           and view.result.key[0].equals(c.session.data), timeout=20000)
    driver.settle()
    dock = w.docks["landscape"]
    dock.setFloating(True)                  # as narrow as beside the plane at 1920 × 1080
    dock.resize(650, 700)
    driver.qtbot.waitUntil(lambda: view.twin_widget.width() > 250)
    QApplication.processEvents()
    for widget, surface in ((view.plot_widget, view.surface), (view.twin_widget, view.twin)):
        plot = widget.getPlotItem()
        assert plot.geometry().width() <= widget.viewport().width() + 1
        bar = surface.bar
        assert bar.mapRectToScene(bar.boundingRect()).right() <= widget.viewport().width() + 1
        assert bar.axis.width() >= bar.axis.textWidth and len(surface.ticks) >= 2
        title = plot.titleLabel.text
        font = pixel_font(w.theme.px(1.1))
        assert title in LOSS_TITLES["cross-entropy"] + LOSS_TITLES["squared"]
        assert QFontMetrics(font).horizontalAdvance(title) <= plot.vb.width() or title in ("cross-entropy", "squared error")
