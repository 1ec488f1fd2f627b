"""The loss landscape: J over a 2-D slice of parameter space, the optimum, the optimizer's path,
and the current θ as a handle that can be dragged to choose a new starting point."""

from __future__ import annotations

import itertools

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGraphicsItem,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from .plot_helpers import EMPTY, finite_xy, pen, set_contours, style_axes
from .theme import DEFAULT, Theme

LEVELS = 12


def axis_pairs(k: int) -> list[tuple[int, int]]:
    """The slices offered for a k-long θ: (w₁, w₂) first, then pairs with b; pairs among the
    first four coordinates at most."""
    pairs = list(itertools.combinations(range(min(k, 4)), 2))
    pairs.sort(key=lambda p: (0 not in p, p) if p != (1, 2) else (False, (-1, -1)))
    return pairs


class LandscapeView(QWidget):
    startRequested = Signal(float, float)      # new start coordinates on the slice axes (training units)
    axesChanged = Signal(int, int)

    def __init__(self, theme: Theme = DEFAULT, parent=None):
        super().__init__(parent)
        self.theme = theme
        self.axes = (1, 2)
        self._names: tuple[str, ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Slice:"))
        self.axes_box = QComboBox()
        self.axes_box.setToolTip("The two coordinates of θ that vary across the picture; the others "
                                 "stay at their current values")
        self.axes_box.currentIndexChanged.connect(self._on_axes)
        row.addWidget(self.axes_box, 1)
        self.status = QLabel("")
        row.addWidget(self.status, 2)
        layout.addLayout(row)
        self.plot_widget = pg.PlotWidget(background=theme.background)
        layout.addWidget(self.plot_widget, 1)

        plot = self.plot_widget.getPlotItem()
        style_axes(plot, theme)
        self.image = pg.ImageItem()
        self.image.setLookupTable(pg.colormap.get("viridis").getLookupTable(0.0, 1.0, 256))
        self.image.setZValue(-10)
        plot.addItem(self.image)
        self.contours = pg.PlotCurveItem(pen=pen("#ffffff", 1.0))     # every level in one item
        self.contours.setOpacity(0.55)
        plot.addItem(self.contours)
        # The surface changes only with a new grid, the path every frame: keep the surface's pixels.
        for item in (self.image, self.contours):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.path = pg.PlotCurveItem(pen=pen(theme.path_color, theme.line_width))
        plot.addItem(self.path)
        self.optimum = pg.ScatterPlotItem(symbol="star", size=theme.point_size * 2.2,
                                          brush=pg.mkBrush("#ffffff"), pen=pg.mkPen("#000000", width=1.2))
        plot.addItem(self.optimum)
        self.handle = pg.TargetItem(pos=(0, 0), size=theme.point_size * 1.8, movable=True,
                                    pen=pg.mkPen(theme.path_color, width=theme.line_width),
                                    brush=pg.mkBrush(theme.path_color))
        self.handle.setToolTip("The current θ: drag it to start training from another point")
        plot.addItem(self.handle)
        self.handle.sigPositionChangeFinished.connect(self._on_handle_dropped)
        self.result = None
        self._k = 0

    # -- axes --------------------------------------------------------------------------------------
    def _set_choices(self, k: int, names: tuple[str, ...]) -> None:
        if k == self._k and names == self._names:
            return
        self._k, self._names = k, names
        pairs = axis_pairs(k)
        self.axes_box.blockSignals(True)
        self.axes_box.clear()
        for i, j in pairs:
            self.axes_box.addItem(f"{names[i]} and {names[j]}", (i, j))
        changed = self.axes not in pairs
        if changed:
            self.axes = pairs[0] if pairs else (0, 1)
        self.axes_box.setCurrentIndex(pairs.index(self.axes) if pairs else -1)
        self.axes_box.blockSignals(False)
        if changed:
            self.axesChanged.emit(*self.axes)

    def _on_axes(self, index: int) -> None:
        data = self.axes_box.itemData(index)
        if data is not None and tuple(data) != self.axes:
            self.axes = tuple(data)
            self.result = None
            self.status.setText("computing…")
            self.axesChanged.emit(*self.axes)

    def _label_axes(self, standardized: bool) -> None:
        unit = " (standardised units)" if standardized else ""
        labels = (f"θ: {self._names[self.axes[0]]}{unit}", f"θ: {self._names[self.axes[1]]}{unit}")
        if labels != getattr(self, "_labels", None):       # relabelling repaints the axes
            self._labels = labels
            plot = self.plot_widget.getPlotItem()
            plot.setLabel("bottom", labels[0])
            plot.setLabel("left", labels[1])

    # -- drawing --------------------------------------------------------------------------------------
    def show_snapshot(self, snap, options) -> None:
        run = snap.run
        if run is None or len(run.theta) < 2:
            self.path.setData(EMPTY, EMPTY)
            self.handle.setVisible(False)
            self.status.setText(snap.notice or "no model yet")
            return
        self._set_choices(len(run.theta), run.theta_names)
        self._label_axes(run.standardized)
        i, j = self.axes
        path = run.history["theta"][:, [i, j]]
        self.path.setData(*finite_xy(path[:, 0], path[:, 1]))
        if np.all(np.isfinite(path[-1])) and not self.handle.moving:
            self.handle.setPos(float(path[-1, 0]), float(path[-1, 1]))
        self.handle.setVisible(True)
        self._run = run

    def show_landscape(self, result) -> None:
        land = result.landscape
        if land.axes != self.axes:
            return
        self.result = result
        values = land.values
        finite = np.isfinite(values)
        if not finite.any():
            return
        vmin = float(values[finite].min())
        shown = np.log1p(np.where(finite, values, values[finite].max()) - vmin)
        top = float(shown.max()) or 1.0
        self.image.setImage(shown.T, levels=(0.0, top), autoLevels=False)
        u, v = land.u, land.v
        du, dv = (u[1] - u[0]) / 2, (v[1] - v[0]) / 2
        self.image.setRect(QRectF(u[0] - du, v[0] - dv, u[-1] - u[0] + 2 * du, v[-1] - v[0] + 2 * dv))
        levels = np.quantile(values[finite], np.linspace(0.02, 0.9, LEVELS) ** 2)
        set_contours(self.contours, u, v, values, levels)
        if result.optimum is not None:
            self.optimum.setData([result.optimum[land.axes[0]]], [result.optimum[land.axes[1]]])
        else:
            self.optimum.setData(EMPTY, EMPTY)
        plot = self.plot_widget.getPlotItem()
        if getattr(self, "_framed", None) != (land.axes, u[0], u[-1], v[0], v[-1]):
            plot.setRange(xRange=(u[0], u[-1]), yRange=(v[0], v[-1]), padding=0)
            self._framed = (land.axes, u[0], u[-1], v[0], v[-1])
        notes = []
        if land.sampled < land.total:
            notes.append(f"J estimated on {land.sampled:,} of {land.total:,} points")
        if result.optimum is None:
            notes.append("no finite optimum to mark")
        else:
            notes.append("★ optimum")
        self.status.setText(" · ".join(notes))

    def _on_handle_dropped(self, item) -> None:
        p = item.pos()
        if np.isfinite(p.x()) and np.isfinite(p.y()):
            self.startRequested.emit(float(p.x()), float(p.y()))
