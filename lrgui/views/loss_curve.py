"""The loss curve: training (and test) loss against epoch, accuracy on a second axis."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from .plot_helpers import EMPTY, finite_xy, pen, style_axes
from .theme import DEFAULT, Theme

LOG_FLOOR = 1e-300


def _nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ value (value > 0)."""
    exponent = np.floor(np.log10(value))
    for mantissa in (1.0, 2.0, 2.5, 5.0, 10.0):
        if mantissa * 10**exponent >= value * (1 - 1e-12):
            return float(mantissa * 10**exponent)
    return float(10 ** (exponent + 1))


class LossCurveView(pg.PlotWidget):
    def __init__(self, theme: Theme = DEFAULT, parent=None):
        super().__init__(parent=parent, background=theme.background)
        self.theme = theme
        self.history: dict | None = None
        plot = self.getPlotItem()
        style_axes(plot, theme)
        plot.showGrid(x=True, y=True, alpha=0.15)
        plot.setLabel("bottom", "epoch")
        plot.setLabel("left", "loss J(θ)")
        plot.getAxis("left").enableAutoSIPrefix(False)
        plot.getAxis("bottom").enableAutoSIPrefix(False)
        self.legend = plot.addLegend(offset=(-10, 10))
        self.train = plot.plot(pen=pen(theme.curve_color, theme.line_width), name="training loss")
        self.test = plot.plot(pen=pen(theme.test_color, theme.line_width, Qt.PenStyle.DashLine))
        self._test_in_legend = False
        self.log = False
        self._range = None
        self._user_range = False
        self._setting_range = False
        self._length_seen = 0
        plot.vb.sigRangeChangedManually.connect(self._range_changed_by_user)
        for item in (self.train, self.test):
            item.setDownsampling(auto=True, method="peak")
            item.setClipToView(True)
        self.marker = pg.InfiniteLine(angle=90, movable=False, pen=pen(theme.foreground, 1, Qt.PenStyle.DotLine))
        plot.addItem(self.marker, ignoreBounds=True)

        # accuracy on its own axis at the right, sharing the epoch axis
        self.acc_box = pg.ViewBox()
        plot.showAxis("right")
        plot.scene().addItem(self.acc_box)
        plot.getAxis("right").linkToView(self.acc_box)
        right = plot.getAxis("right")
        right.setLabel("accuracy", **{**right.labelStyle, "color": theme.accuracy_color})
        self.acc_box.setXLink(plot)
        self.acc_box.setYRange(0.0, 1.0, padding=0.02)
        self.acc_box.setMouseEnabled(x=False, y=False)
        self.accuracy = pg.PlotCurveItem(pen=pen(theme.accuracy_color, theme.line_width * 0.7))
        self.acc_box.addItem(self.accuracy)
        plot.vb.sigResized.connect(self._sync_boxes)
        self._sync_boxes()

        self.readout = pg.TextItem(color=theme.foreground, anchor=(1, 1))
        plot.addItem(self.readout, ignoreBounds=True)
        self.scene().sigMouseMoved.connect(self._hover)
        self.setToolTip("Loss against epoch; hover to read the values at an epoch")

    def _sync_boxes(self) -> None:
        plot = self.getPlotItem()
        self.acc_box.setGeometry(plot.vb.sceneBoundingRect())
        self.acc_box.linkedViewChanged(plot.vb, self.acc_box.XAxis)

    def set_log(self, on: bool) -> None:
        self.log = on
        self.getPlotItem().setLogMode(y=on)
        self.getPlotItem().getAxis("right").setLogMode(False, False)    # accuracy stays linear
        self.getPlotItem().setLabel("left", "loss J(θ) (log scale)" if on else "loss J(θ)")
        if self.history is not None:
            self._draw()


    def show_snapshot(self, snap, options) -> None:
        if self.log != options.log_loss:
            self.set_log(options.log_loss)
        self.history = None if snap.run is None else snap.run.history
        self.has_test = bool(snap.run and snap.run.has_test)
        self._draw()

    def _draw(self) -> None:
        h = self.history
        if h is None or len(h["epoch"]) == 0:
            for item in (self.train, self.test, self.accuracy):
                item.setData(EMPTY, EMPTY)
            self.marker.setVisible(False)
            return
        epochs = h["epoch"].astype(np.float64)
        floor = LOG_FLOOR if self.log else -np.inf
        self.train.setData(*finite_xy(epochs, np.maximum(h["loss"], floor)))
        if self.has_test:
            self.test.setData(*finite_xy(epochs, np.maximum(h["test_loss"], floor)))
        else:
            self.test.setData(EMPTY, EMPTY)
        if self.has_test != self._test_in_legend:
            if self.has_test:
                self.legend.addItem(self.test, "test loss")
            else:
                self.legend.removeItem(self.test)
            self._test_in_legend = self.has_test
        self.accuracy.setData(*finite_xy(epochs, h["accuracy"]))
        self.marker.setVisible(True)
        self.marker.setValue(float(epochs[-1]))
        self._frame(epochs, h)

    def _frame(self, epochs: np.ndarray, h: dict) -> None:
        """Keep the axes on round limits that change rarely: every change of range repaints the
        axes' text, which costs more than the curves. A user's own zoom is left alone until the
        run restarts."""
        if len(epochs) < self._length_seen:
            self._user_range = False
        self._length_seen = len(epochs)
        if self._user_range:
            return
        losses = np.concatenate([h["loss"], h["test_loss"] if self.has_test else []])
        losses = losses[np.isfinite(losses)]
        if not len(losses):
            return
        x_max = _nice_ceiling(max(float(epochs[-1]), 10.0))
        if self.log:
            lo = np.floor(np.log10(max(losses.min(), LOG_FLOOR)))
            hi = np.ceil(np.log10(max(losses.max(), LOG_FLOOR)))
            y_range = (lo, hi if hi > lo else lo + 1)
        else:
            y_range = (0.0, _nice_ceiling(max(float(losses.max()), 1e-12)))
        wanted = (x_max, y_range)
        if wanted != self._range:
            self._range = wanted
            self._setting_range = True
            self.getPlotItem().setRange(xRange=(0, x_max), yRange=y_range, padding=0.02)
            self._setting_range = False

    def _range_changed_by_user(self, *_) -> None:
        if not self._setting_range:
            self._user_range = True

    def _hover(self, scene_pos) -> None:
        h = self.history
        vb = self.getPlotItem().vb
        if h is None or len(h["epoch"]) == 0 or not vb.sceneBoundingRect().contains(scene_pos):
            self.readout.setText("")
            return
        x = vb.mapSceneToView(scene_pos).x()
        i = int(np.clip(np.searchsorted(h["epoch"], x), 0, len(h["epoch"]) - 1))
        text = f"epoch {h['epoch'][i]}   loss {h['loss'][i]:.5g}   accuracy {h['accuracy'][i]:.1%}"
        if self.has_test:
            text += f"   test loss {h['test_loss'][i]:.5g}"
        self.readout.setText(text)
        (x0, x1), (y0, y1) = vb.viewRange()
        self.readout.setPos(x1, y0)

    def curve_length(self) -> int:
        """Number of epochs the training-loss curve holds (before any display downsampling)."""
        x = self.train.xData
        return 0 if x is None else len(x)
