"""The loss curves: every shown run's training loss against epoch in its colour, the selected run's
test loss, accuracy (on a second axis) and learning rate η_t (on a third, when shown), a faint
ghost of a run's curve before its settings last changed, and the timeline's epoch marked. A
selected run of one model per class (one-vs-rest) adds each model's loss in its class's colour
(its loss is their sum); its accuracy is that of the class of the highest score.

Each curve is a min–max envelope fed only with the rows added since the last frame (see
``series.Envelope``), so a frame costs the same at any epoch count.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from .plot_helpers import (
    set_label,
    EMPTY, Curve, FittingLabel, Grid, MenuOnDemandViewBox, keep_pixels, nice_ceiling, overlay_view, pen, run_pen, set_text, style_axes, style_plot,
    style_text, tint_axis,
)
from ..core.dataset import MAX_CLASSES
from ..core.history import part_columns
from .series import ColumnFeed, Envelope
from .theme import DEFAULT, Theme

LOG_FLOOR = 1e-300
MODELS_NAMED = 4             # one-vs-rest models named one by one in the legend, at most
HOVER_TIP = "Loss against epoch for every run; hover to read the selected run's values at an epoch"


class Series(ColumnFeed):
    """One column of one history as a min–max envelope."""

    def __init__(self, item, column: str):
        super().__init__(item, column, Envelope())

    @property
    def envelope(self) -> Envelope:
        return self.store

    def clear(self) -> None:
        self.store.reset()
        self._version = None
        self.item.setData(EMPTY, EMPTY)


class LossCurveView(pg.PlotWidget):
    def __init__(self, theme: Theme = DEFAULT, parent=None):
        super().__init__(parent=parent, viewBox=MenuOnDemandViewBox(), background=theme.background)
        self.theme = theme
        self.snap = None
        plot = self.getPlotItem()
        self.grid = Grid(plot, theme.foreground)
        set_label(plot, "bottom", "epoch")
        # on a short plot in large type the labels shorten rather than run off it
        self.loss_label = FittingLabel(plot.getAxis("left"))
        self.loss_label.set("loss J(θ)", "J(θ)")
        self.legend = plot.addLegend(offset=(-10, 10))
        self.curves: dict[str, Series] = {}
        self.ghosts: dict[str, Series] = {}
        self.test = Series(Curve(), "test_loss")
        plot.addItem(self.test.item)
        self.parts = [Series(Curve(), name) for name in part_columns(MAX_CLASSES)]    # one-vs-rest models
        for s in self.parts:
            plot.addItem(s.item)
        self._legend_names: dict = {}
        self.log = False
        self._range = None
        self._user_range = False
        self._setting_range = False
        self._end_seen = 0
        plot.vb.sigRangeChangedManually.connect(self._range_changed_by_user)
        self.marker = pg.InfiniteLine(angle=90, movable=False)
        plot.addItem(self.marker, ignoreBounds=True)

        # accuracy of the selected run on its own axis at the right, sharing the epoch axis
        plot.showAxis("right")
        self.acc_box = overlay_view(plot, plot.getAxis("right"), "accuracy", theme.accuracy_color)
        self.acc_label = FittingLabel(plot.getAxis("right"))
        self.acc_label.set("accuracy", "acc.")
        self.acc_box.setYRange(0.0, 1.0, padding=0.02)
        self.accuracy = Series(Curve(), "accuracy")
        self.acc_box.addItem(self.accuracy.item)

        # the selected run's learning rate η_t on a third axis, outside the accuracy axis
        self.lr_axis = pg.AxisItem("right")
        plot.layout.addItem(self.lr_axis, 2, 3)
        self.lr_box = overlay_view(plot, self.lr_axis, "learning rate η", theme.lr_color)
        self.lr_label = FittingLabel(self.lr_axis)
        self.lr_label.set("learning rate η", "η")
        self.lr = Series(Curve(), "lr")
        self.lr_box.addItem(self.lr.item)
        self._lr_top = None
        self._show_lr_axis(False)

        self.readout = pg.TextItem(anchor=(0, 1))
        plot.addItem(self.readout, ignoreBounds=True)
        self.readout.setVisible(False)
        self.apply_theme(theme)
        self._hovered: tuple | None = None
        self.scene().sigMouseMoved.connect(self._hover)
        self.setToolTip(HOVER_TIP)

    def apply_theme(self, theme: Theme) -> None:
        """Every item in ``theme``'s colours and sizes (a theme or zoom change); the runs' curves
        and the legend at the next snapshot (the window asks for one)."""
        self.theme = theme
        plot = self.getPlotItem()
        style_plot(self, theme, self.grid, self.legend)
        style_axes(plot, theme, axes=(self.lr_axis,))
        tint_axis(plot.getAxis("right"), theme.accuracy_color)
        tint_axis(self.lr_axis, theme.lr_color)
        for label in (self.loss_label, self.acc_label, self.lr_label):
            label.fit()                                  # the type's size changed
        self.test.item.use_pen(pen(theme.test_color, theme.line_width, Qt.PenStyle.DashLine))
        for c, s in enumerate(self.parts):
            s.item.use_pen(pen(theme.class_colors[c], theme.line_width * 0.8, Qt.PenStyle.DotLine))
        self.accuracy.item.use_pen(pen(theme.accuracy_color, theme.line_width * 0.7))
        self.lr.item.use_pen(pen(theme.lr_color, theme.line_width * 0.7, Qt.PenStyle.DashDotLine))
        self.marker.setPen(pen(theme.foreground, max(1.0, theme.line_width / 2), Qt.PenStyle.DotLine))
        style_text(self.readout, theme, fill=theme.label_fill)
        for s in (*self.curves.values(), *self.ghosts.values()):
            s._pen_key = None
        self._legend_names = {}          # the labels are laid out again in the new colour and size

    def _show_lr_axis(self, on: bool) -> None:
        if self.lr_axis.isVisible() != on:
            self.lr_axis.setVisible(on)
            self.lr.item.setVisible(on)
        if not on and self.lr._version is not None:
            self.lr.clear()
            self._lr_top = None

    def _draw_lr(self, run) -> None:
        """η_t of the selected run from 0 to a round ceiling (an optimizer without a learning rate,
        or the option off: no axis)."""
        wanted = run is not None and self.snap.view.show_lr and run.history is not None
        if wanted:
            self._draw_series(self.lr, run.history, run.rows, (run.id, run.rows_version), log=False)
            bounds = self.lr.envelope.bounds()
            wanted = bounds is not None
        self._show_lr_axis(wanted)
        if wanted:
            top = nice_ceiling(max(bounds[1], 1e-300))
            if top != self._lr_top:
                self._lr_top = top
                self.lr_box.setYRange(0.0, top, padding=0.02)

    def set_log(self, on: bool) -> None:
        self.log = on
        self.getPlotItem().setLogMode(y=on)
        self.getPlotItem().getAxis("right").setLogMode(False, False)    # accuracy stays linear
        self.loss_label.set(*(("loss J(θ) (log scale)", "J(θ), log scale", "J(θ), log") if on else ("loss J(θ)", "J(θ)")))
        self._range = None
        for s in (*self.curves.values(), *self.ghosts.values(), self.test, *self.parts):
            s._version = None

    # -- drawing -----------------------------------------------------------------------------------------
    def _series(self, store: dict, run, role: str) -> Series:
        s = store.get(run.id)
        if s is None:
            s = Series(Curve(), "loss")
            s.item.setZValue(3 if store is self.curves else 1)
            self.getPlotItem().addItem(s.item)
            store[run.id] = s
        width, alpha, dash = {"selected": (2.6, 1.0, run.dash), "other": (1.8, 0.9, run.dash),
                              "ghost": (1.8, 0.3, "dot")}[role]
        key = (run.spec.color, dash, width, alpha)
        if getattr(s, "_pen_key", None) != key:
            s.item.use_pen(run_pen(self.theme.run_color(run.spec.color), dash, width * self.theme.line_width / 2, alpha))
            s._pen_key = key
        return s

    def _draw_series(self, s: Series, history, rows: int, version, log: bool | None = None) -> None:
        if s.feed(history, rows, version):
            x, y = s.envelope.arrays()
            if self.log if log is None else log:
                # the plot's axis is logarithmic, and its items are drawn in log10 units: a
                # PlotCurveItem (unlike a PlotDataItem) does not take the log itself
                y = np.log10(np.maximum(y, LOG_FLOOR))
            s.item.setData(x, y)

    def show_snapshot(self, snap) -> None:
        if self.log != snap.view.log_loss:
            self.set_log(snap.view.log_loss)
        self.snap = snap
        shown = {r.id: r for r in snap.shown()}
        for store in (self.curves, self.ghosts):
            for run_id in [i for i in store if i not in shown or (store is self.ghosts and shown[i].ghost is None)]:
                self.getPlotItem().removeItem(store.pop(run_id).item)
        for r in shown.values():
            self._draw_series(self._series(self.curves, r, "selected" if r.selected else "other"),
                              r.history, r.rows, r.rows_version)
            if r.ghost is not None:
                self._draw_series(self._series(self.ghosts, r, "ghost"), r.ghost, len(r.ghost), id(r.ghost))
        self._legend(shown)
        sel = shown.get(snap.selected.id) if snap.selected is not None else None
        if sel is not None:
            self._draw_series(self.accuracy, sel.history, sel.rows, (sel.id, sel.rows_version))
            if sel.state.has_test:
                self._draw_series(self.test, sel.history, sel.rows, (sel.id, sel.rows_version))
            elif self.test._version is not None:
                self.test.clear()
        else:
            self.accuracy.clear()
            self.test.clear()
        models = sel.history.parts if sel is not None and sel.history is not None else 0
        for c, s in enumerate(self.parts):
            if c < models:
                self._draw_series(s, sel.history, sel.rows, (sel.id, sel.rows_version))
            elif s._version is not None:
                s.clear()
        self._draw_lr(sel)
        if shown:
            self.marker.setVisible(True)
            if self.marker.value() != snap.position:
                self.marker.setValue(float(snap.position))
        else:
            self.marker.setVisible(False)
        self._frame(snap)
        self._refresh_readout()

    def _legend(self, shown: dict) -> None:
        wanted = {i: r.spec.label for i, r in shown.items()}
        sel = self.snap.selected
        if sel is not None and sel.id in shown and sel.state.has_test:
            wanted["__test"] = "test loss (selected)"
        if sel is not None and sel.id in shown and sel.history is not None and sel.history.parts:
            names = self.snap.data.class_names()
            models = min(sel.history.parts, len(names))
            if models > MODELS_NAMED:          # one entry for all: a long legend would cover the curves
                wanted["__part0"] = f"models 0–{models - 1}: dotted, in their classes' colours"
            for c in range(models if models <= MODELS_NAMED else 0):
                wanted[f"__part{c}"] = f"model {c}" if self.snap.data.numbered else f"model {c}: {names[c]}"
        if wanted == self._legend_names:
            return
        self.legend.clear()
        for i, name in wanted.items():
            item = (self.test.item if i == "__test" else self.parts[int(i[6:])].item if i.startswith("__part")
                    else self.curves[i].item)
            self.legend.addItem(item, name)
        for sample, label in self.legend.items:
            keep_pixels(sample, label)
        self._legend_names = wanted

    def _frame(self, snap) -> None:
        """Keep the axes on round limits that change rarely: every change of range repaints the
        axes' text, which costs more than the curves. A user's own zoom is left alone until the
        timeline is cut back."""
        if snap.end < self._end_seen:
            self._user_range = False
        self._end_seen = snap.end
        if self._user_range:
            return
        lows, highs = [], []
        for s in list(self.curves.values()) + ([self.test] if self.test._version is not None else []):
            bounds = s.envelope.bounds()
            if bounds is not None:
                lows.append(bounds[0])
                highs.append(bounds[1])
        if not highs:
            return
        x_max = nice_ceiling(max(float(snap.end), 10.0))
        if self.log:
            lo = np.floor(np.log10(max(min(lows), LOG_FLOOR)))
            hi = np.ceil(np.log10(max(max(highs), LOG_FLOOR)))
            y_range = (lo, hi if hi > lo else lo + 1)
        else:
            y_range = (0.0, nice_ceiling(max(float(max(highs)), 1e-12)))
        wanted = (x_max, y_range)
        if wanted != self._range:
            self._range = wanted
            self._setting_range = True
            self.getPlotItem().setRange(xRange=(0, x_max), yRange=y_range, padding=0.02)
            self._setting_range = False

    def follow(self) -> None:
        """Leave the user's zoom: the axes follow the curves again."""
        self._user_range, self._range = False, None
        if self.snap is not None:
            self._frame(self.snap)

    def _range_changed_by_user(self, *_) -> None:
        if not self._setting_range:
            self._user_range = True

    # -- reading values ------------------------------------------------------------------------------------
    def _hover(self, scene_pos) -> None:
        vb = self.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(scene_pos):
            self._hovered = None
        else:
            self._hovered = (vb.mapSceneToView(scene_pos).x(),)
        self._refresh_readout()

    def leaveEvent(self, event) -> None:            # noqa: N802 (Qt's name)
        self._hovered = None
        self._refresh_readout()
        super().leaveEvent(event)

    def _refresh_readout(self) -> None:
        """The selected run's values at the hovered epoch, inside the plot's lower left corner;
        nothing when the pointer is elsewhere or the run has no such epoch."""
        run = self.snap.selected if self.snap is not None else None
        if self._hovered is None or run is None or not run.trained:
            self.readout.setVisible(False)
            return
        i = int(round(self._hovered[0]))
        if not 0 <= i < run.rows:
            self.readout.setVisible(False)
            return
        h = run.history
        text = f"{run.spec.label} · epoch {i}   loss {h.at('loss', i):.5g}   accuracy {h.at('accuracy', i):.1%}"
        if run.state.has_test:
            text += f"   test loss {h.at('test_loss', i):.5g}"
        if np.isfinite(h.at("lr", i)):
            text += f"   η {h.at('lr', i):.4g}"
        set_text(self.readout, text)
        (x0, _x1), (y0, _y1) = self.getPlotItem().vb.viewRange()
        self.readout.setPos(x0, y0)
        self.readout.setVisible(True)

    def curve_length(self, run_id: str | None = None) -> int:
        """Number of epochs the run's loss curve holds (before decimation for drawing)."""
        if run_id is None:
            run_id = self.snap.selected.id if self.snap is not None and self.snap.selected else None
        s = self.curves.get(run_id)
        return 0 if s is None else len(s.envelope)
