"""Presentation mode, zoom and themes, measured on the items the views draw."""

import re
from pathlib import Path

import numpy as np
import pytest

from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QFontInfo, QPalette
from PySide6.QtWidgets import QApplication

from lrgui.views.look import PRESENTATION_ZOOM, Look
from lrgui.views.presentation import HIDDEN_VIEWS, SIDE_VIEWS
from lrgui.views.theme import DARK, LIGHT, PROJECTOR, THEMES

VIEWS = Path(__file__).resolve().parents[2] / "lrgui" / "views"


def plots(w) -> dict:
    return {"plane": w.plane, "loss": w.loss_view, "sigmoid": w.sigmoid_view,
            "landscape": w.landscape_view.plot_widget, "sweep": w.sweep_view.plot}


def text_sizes(w) -> dict:
    """The pixel height of the type of every view: tick labels, axis labels, notes, legends,
    line labels, the equations, the status bar."""
    out = {}
    for name, widget in plots(w).items():
        plot = widget.getPlotItem()
        for side in ("bottom", "left"):
            axis = plot.getAxis(side)
            out[f"{name} {side} ticks"] = axis.style["tickFont"].pixelSize()
            out[f"{name} {side} label"] = int(re.search(r"(\d+)px", axis.labelStyle["font-size"]).group(1))
    out["plane note"] = w.plane.note.textItem.font().pixelSize()
    out["sigmoid threshold label"] = w.sigmoid_view.threshold_line.label.textItem.font().pixelSize()
    out["loss readout"] = w.loss_view.readout.textItem.font().pixelSize()
    out["loss legend"] = int(w.loss_view.legend.opts["labelTextSize"].rstrip("px"))
    out["internals legend"] = w.landscape_view.internals.legend.textItem.font().pixelSize()
    out["equations"] = QFontInfo(w.equations_view.font()).pixelSize()
    out["status"] = QFontInfo(w.run_label.font()).pixelSize()
    out["runs table"] = QFontInfo(w.runs_table.font()).pixelSize()
    return out


def layout(w) -> dict:
    """Each dock's visibility, area and width (to a few pixels)."""
    return {key: (dock.isVisible(), w.dockWidgetArea(dock), round(dock.width() / 8) if dock.isVisible() else 0)
            for key, dock in w.docks.items()}


def test_f5_presents_everything_larger_and_esc_restores_the_layout(driver):
    w = driver.window
    driver.train(3)
    before, before_layout, geometry = text_sizes(w), layout(w), w.geometry()
    driver.key(Qt.Key.Key_F5, widget=w.plane)
    assert w.presenter.active and w.actions["presentation"].isChecked()
    assert not w.menuBar().isVisible() and w.presenter.bar.isVisible()
    assert w.geometry() == w.screen().geometry()
    assert all(not w.docks[k].isVisible() for k in HIDDEN_VIEWS)
    assert all(w.docks[k].isVisible() and w.dockWidgetArea(w.docks[k]) == Qt.DockWidgetArea.RightDockWidgetArea
               for k in SIDE_VIEWS)
    assert w.plane.width() > w.landscape_view.width() and w.plane.height() > w.landscape_view.height()
    now = text_sizes(w)
    for what, px in now.items():
        assert px >= 0.9 * PRESENTATION_ZOOM * before[what], what
    assert min(v for k, v in now.items() if "ticks" in k) >= 24
    assert now["status"] >= 22
    # the slim bar's buttons are the window's actions; its label follows the selected run
    bar_actions = {a for a in w.presenter.bar.actions()}
    assert {w.actions[k] for k in ("play", "step", "step_back", "reset", "lr_up", "lr_down", "next_optimizer",
                                   "add_run")} <= bar_actions
    lr = driver.controller.session.selected_run.config.hyper["lr"]
    w.actions["lr_up"].trigger()
    driver.settle()
    assert w.presenter.lr_label.text().startswith(f"η = {2 * lr:.3g}  ·  gd")
    driver.key(Qt.Key.Key_Escape, widget=w.plane)
    assert not w.presenter.active and not w.actions["leave_presentation"].isEnabled()
    assert w.menuBar().isVisible() and not w.presenter.bar.isVisible()
    assert layout(w) == before_layout and w.geometry().size() == geometry.size()
    assert text_sizes(w) == before


def test_esc_closes_the_shortcut_list_before_it_leaves_presentation(driver):
    w = driver.window
    w.actions["presentation"].trigger()
    driver.key(Qt.Key.Key_F1, widget=w.plane)
    assert w.shortcut_overlay.isVisible()
    driver.key(Qt.Key.Key_Escape, widget=w.shortcut_overlay)
    assert not w.shortcut_overlay.isVisible() and w.presenter.active
    driver.key(Qt.Key.Key_Escape, widget=w.plane)
    assert not w.presenter.active


def test_the_pointer_hides_while_it_rests_and_comes_back_when_moved(driver, qtbot):
    w = driver.window
    w.presenter.pointer.timer.setInterval(30)
    w.actions["presentation"].trigger()

    def blank():
        cursor = QApplication.overrideCursor()
        return cursor is not None and cursor.shape() == Qt.CursorShape.BlankCursor

    qtbot.waitUntil(blank, timeout=3000)
    qtbot.mouseMove(w.plane.viewport(), QPoint(40, 40))
    qtbot.mouseMove(w.plane.viewport(), QPoint(60, 50))
    assert not blank()
    w.actions["leave_presentation"].trigger()
    assert QApplication.overrideCursor() is None


def test_zoom_keys_scale_and_are_remembered_apart_for_presentation(driver, tmp_path):
    w = driver.window
    ticks = lambda: w.plane.getPlotItem().getAxis("bottom").style["tickFont"].pixelSize()   # noqa: E731
    assert ticks() == round(LIGHT.font_px)
    driver.key(Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier, widget=w.plane)
    driver.key(Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier, widget=w.plane)
    assert ticks() == round(LIGHT.font_px * 1.15 ** 2)
    assert w.plane.scatters[0].opts["size"] == LIGHT.point_size * 1.15 ** 2
    w.actions["presentation"].trigger()
    assert ticks() == round(LIGHT.font_px * PRESENTATION_ZOOM)
    driver.key(Qt.Key.Key_Minus, Qt.KeyboardModifier.ControlModifier, widget=w.plane)
    assert ticks() == round(LIGHT.font_px * PRESENTATION_ZOOM / 1.15)
    w.actions["leave_presentation"].trigger()
    assert ticks() == round(LIGHT.font_px * 1.15 ** 2)
    w.settings.sync()
    remembered = Look(QSettings(w.settings.fileName(), QSettings.Format.IniFormat))
    assert abs(remembered.zoom - 1.15 ** 2) < 1e-9
    remembered.presenting = True
    assert abs(remembered.zoom - PRESENTATION_ZOOM / 1.15) < 1e-9
    driver.key(Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier, widget=w.plane)
    assert ticks() == round(LIGHT.font_px)


def colours(w) -> dict:
    run = driver_run_boundary(w)
    return {
        "plane background": w.plane.backgroundBrush().color().name(),
        "loss background": w.loss_view.backgroundBrush().color().name(),
        "sigmoid background": w.sigmoid_view.backgroundBrush().color().name(),
        "landscape background": w.landscape_view.plot_widget.backgroundBrush().color().name(),
        "class 0": w.plane.scatters[0].opts["brush"].color().name(),
        "class 1": w.plane.scatters[1].opts["brush"].color().name(),
        "boundary": run,
        "ticks": w.plane.getPlotItem().getAxis("bottom").textPen().color().name(),
        "sigmoid curve": w.sigmoid_view.curve.opts["pen"].color().name(),
        "window": QApplication.palette().color(QPalette.ColorRole.Window).name(),
    }


def driver_run_boundary(w) -> str:
    item = next(iter(w.plane.boundaries.values()))
    return item.opts["pen"].color().name()


def test_t_cycles_the_themes_every_view_follows_and_the_choice_is_remembered(driver):
    w = driver.window
    driver.train(2)
    light = colours(w)
    assert light["plane background"] == LIGHT.background.lower() and light["boundary"] == LIGHT.run_colors[0].lower()
    for theme in (DARK, PROJECTOR):
        driver.key(Qt.Key.Key_T, widget=w.plane)
        driver.settle()
        now = colours(w)
        for view in ("plane", "loss", "sigmoid", "landscape"):
            assert now[f"{view} background"] == theme.background.lower()
        assert (now["class 0"], now["class 1"]) == tuple(c.lower() for c in theme.class_colors[:2])
        assert now["boundary"] == theme.run_colors[0].lower()
        assert now["ticks"] == theme.foreground.lower()
        assert now["sigmoid curve"] == theme.curve_color.lower()
        assert w.theme_actions[theme.name].isChecked()
        assert w.settings.value("look/theme") == theme.name
    assert colours(w)["window"] == light["window"] != "#2a2a31"        # the projector is light
    w.theme_actions["dark"].trigger()
    assert colours(w)["window"] == "#2a2a31"
    w.theme_actions["light"].trigger()
    assert colours(w) == light
    assert set(THEMES) == {"light", "dark", "projector"}


def _lab(colour: str) -> np.ndarray:
    """CIE L*a*b* (D65) of an sRGB "#RRGGBB", by the standard formulas."""
    c = np.array([int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    linear = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]]) @ linear
    t = xyz / np.array([0.95047, 1.0, 1.08883])
    f = np.where(t > (6 / 29) ** 3, np.cbrt(t), t / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


@pytest.mark.parametrize("theme", list(THEMES.values()), ids=list(THEMES))
def test_the_first_runs_of_a_race_are_told_apart_from_each_other_and_from_both_classes(theme):
    """On the plane a run's boundary crosses points of both classes: none of the first four runs
    may share a class's colour (CIE76 ΔE ≥ 25, clearly different hues), nor one another's."""
    runs, classes = theme.run_colors[:4], theme.class_colors[:2]
    for i, run in enumerate(runs):
        for other in (*classes, *runs[i + 1:]):
            assert np.linalg.norm(_lab(run) - _lab(other)) >= 25, (theme.name, run, other)
    assert np.linalg.norm(_lab("#D55E00") - _lab("#D55E00")) == 0 and \
        np.linalg.norm(_lab("#FFFFFF") - _lab("#000000")) == pytest.approx(100, abs=0.01)


def test_no_view_names_a_colour_of_its_own():
    """Every colour the views draw with comes from the theme (only the theme and the palette
    builder spell colours out)."""
    literal = re.compile(r"#[0-9A-Fa-f]{6}\b|#[0-9A-Fa-f]{3}\b|QColor\(\d|mkBrush\(\d|mkColor\(\d")
    offenders = [f"{path.name}:{i}" for path in VIEWS.glob("*.py") if path.name not in ("theme.py", "look.py")
                 for i, line in enumerate(path.read_text().splitlines(), 1) if literal.search(line)]
    assert offenders == []


def test_axes_show_their_own_numbers_in_every_theme_and_zoom(driver):
    """η of 0.05 reads 0.05 on its axis, not 50 with an unnamed milli (pyqtgraph's SI prefix)."""
    w = driver.window
    driver.train(2)
    axes = (w.loss_view.lr_axis, w.loss_view.getPlotItem().getAxis("left"), w.plane.getPlotItem().getAxis("bottom"),
            w.sigmoid_view.getPlotItem().getAxis("right"))
    assert w.loss_view.lr_axis.isVisible() and w.loss_view.lr_axis.range[1] < 1
    for change in (lambda: None, w.next_theme, lambda: w.zoom_by(1.15), lambda: w.loss_view.set_log(True)):
        change()
        driver.settle()
        for axis in axes:
            assert axis.autoSIPrefixScale == 1.0 and axis.labelUnitPrefix == ""


def test_an_axis_label_shows_its_longest_text_that_fits_and_chooses_again_when_resized(qtbot):
    import pyqtgraph as pg
    from PySide6.QtGui import QFont, QFontMetrics

    from lrgui.views.plot_helpers import FittingLabel

    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    widget.resize(400, 420)
    widget.show()
    qtbot.waitExposed(widget)
    axis = widget.getPlotItem().getAxis("left")
    axis.labelStyle = {"font-size": "20px"}
    label = FittingLabel(axis)
    texts = ("θ: petal width (standardised)", "θ: petal width (std.)", "θ: petal width")
    font = QFont()
    font.setPixelSize(20)
    width = [QFontMetrics(font).horizontalAdvance(t) for t in texts]

    def settle(height):
        widget.resize(400, height)
        qtbot.waitUntil(lambda: abs(axis.height() - (height - 60)) < 40)
        QApplication.processEvents()
        return axis.height()

    for height in (520, 330, 230, 120):
        room = settle(height)
        label.set(*texts) if height == 520 else None
        fitting = [t for t, px in zip(texts, width) if px <= 0.95 * room]
        if fitting:
            assert axis.labelText == fitting[0], (room, axis.labelText)
        else:                                  # none fits: the shortest, cut short with "…"
            assert axis.labelText.endswith("…") and texts[-1].startswith(axis.labelText[:-1])
            assert QFontMetrics(font).horizontalAdvance(axis.labelText) <= room
    settle(520)
    assert axis.labelText == texts[0]


def test_in_presentation_the_landscapes_labels_fit_and_dialogs_take_the_larger_type(driver, tmp_path):
    from PySide6.QtGui import QFontMetrics
    from PySide6.QtWidgets import QMessageBox

    from lrgui.views.import_dialog import ImportDialog

    w = driver.window
    data = tmp_path / "d.csv"
    data.write_text("x1,x2,label\n1,2,0\n3,4,1\n")
    assert driver.controller.set_run_config(standardize=True)
    driver.train(3)
    normal = QFontInfo(ImportDialog(str(data), w, w.theme).font()).pixelSize()
    driver.key(Qt.Key.Key_F5, widget=w.plane)
    driver.settle()
    QApplication.processEvents()
    plot = w.landscape_view.plot_widget.getPlotItem()
    for side in ("left", "bottom"):
        axis = plot.getAxis(side)
        room = axis.height() if side == "left" else axis.width()
        size = int(axis.labelStyle["font-size"].removesuffix("px"))
        font = QApplication.font()
        font.setPixelSize(size)
        assert axis.labelText.startswith("θ: x") and QFontMetrics(font).horizontalAdvance(axis.labelText) <= room
    # the colour bar's numbers: as wide as they are, one and a half heights apart at least
    driver.qtbot.waitUntil(lambda: len(w.landscape_view.surface.ticks) >= 2, timeout=20000)
    QApplication.processEvents()
    surface = w.landscape_view.surface
    bar = surface.bar
    assert bar.axis.width() >= bar.axis.textWidth
    top = surface._scale[1]
    at = np.array([a for a, _text in surface.ticks]) / top * bar.height()
    assert np.all(np.diff(at) >= 1.5 * w.theme.px() - 1e-6)
    dialog = ImportDialog(str(data), w, w.theme)
    shown = QFontInfo(dialog.font()).pixelSize()
    assert shown == QFontInfo(w.font()).pixelSize() and shown >= 1.3 * normal
    box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes", "Save them?", QMessageBox.StandardButton.Save, w)
    assert QFontInfo(box.font()).pixelSize() == shown
    driver.key(Qt.Key.Key_Escape, widget=w.plane)
    assert QFontInfo(ImportDialog(str(data), w, w.theme).font()).pixelSize() == normal


def test_the_first_steps_hint_wraps_rather_than_run_off_a_narrow_plane_in_large_type(driver):
    w = driver.window
    plane = w.plane
    assert plane.hint.isVisible()
    for _ in range(6):
        w.zoom_by(1.25)
    driver.settle()
    QApplication.processEvents()
    room = plane.getPlotItem().getViewBox().width()
    shown = plane.hint.textItem.boundingRect().width()
    assert plane.hint.isVisible() and 0 < shown <= room
    assert "Space" in plane.hint.textItem.toPlainText()
    w.zoom_reset()
    driver.settle()
    QApplication.processEvents()
    assert plane.hint.textItem.textWidth() == -1 or plane.hint.textItem.boundingRect().width() <= room


def _hint_ink(w) -> int:
    """Dark pixels inside the first-steps hint's box, as the plane paints it."""
    plane = w.plane
    QApplication.processEvents()
    image = plane.grab().toImage()
    box = plane.mapFromScene(plane.hint.sceneBoundingRect()).boundingRect().intersected(image.rect())
    return sum(1 for x in range(box.left() + 2, box.right() - 2, 2) for y in range(box.top() + 2, box.bottom() - 2, 2)
               if image.pixelColor(x, y).lightness() < 90)


def test_the_hint_is_written_at_start_and_after_presentation_fits_the_plane_again(driver):
    w = driver.window
    plane = w.plane
    assert plane.hint.isVisible() and _hint_ink(w) > 20           # its words drawn, not an empty box
    driver.key(Qt.Key.Key_F5, widget=w.plane)
    driver.settle()
    driver.key(Qt.Key.Key_Escape, widget=w.plane)
    driver.settle()
    QApplication.processEvents()
    room = plane.getPlotItem().getViewBox().width()
    assert 0 < plane.hint.textItem.boundingRect().width() <= room
    assert _hint_ink(w) > 20


def test_a_file_dialog_in_presentation_is_as_much_larger_as_its_type(driver):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QFileDialog

    w = driver.window

    def size_of_dialog() -> tuple[int, int]:
        seen = []

        def close():
            dialog = QApplication.activeModalWidget()
            seen.append((dialog.width(), dialog.height(), dialog.geometry()))
            dialog.reject()

        QTimer.singleShot(300, close)
        w._modal(QFileDialog(w, "Open data or a session").exec)
        return seen[0]

    width, height, _ = size_of_dialog()
    driver.key(Qt.Key.Key_F5, widget=w.plane)
    driver.settle()
    big_width, big_height, where = size_of_dialog()
    screen = w.screen().availableGeometry()
    assert big_width > 1.2 * width or big_width >= int(0.9 * screen.width())
    assert screen.contains(where.center())
    driver.key(Qt.Key.Key_Escape, widget=w.plane)


def test_a_window_opened_in_the_remembered_projector_theme_looks_as_one_switched_to_it(qtbot, tmp_path):
    from .conftest import make_window

    first = make_window(qtbot, tmp_path)
    first.set_theme("projector")
    first.settings.sync()
    switched = {"panel class": first.panel.class_group.button(0).styleSheet(),
                "runs": QFontInfo(first.runs_table.font()).pixelSize()}
    first.controller.undo_stack.setClean()
    first.close()
    from lrgui.views import look

    QApplication.setFont(look._BASE_FONT)             # as at a fresh start, before any window
    again = make_window(qtbot, tmp_path)              # the same settings: the projector theme
    assert again.look.theme_name == "projector"
    opened = {"panel class": again.panel.class_group.button(0).styleSheet(),
              "runs": QFontInfo(again.runs_table.font()).pixelSize()}
    assert opened == switched
    again.controller.undo_stack.setClean()
