"""The loss landscape: J over a 2-D slice of the selected run's parameter space, its optimum ★ (or
why there is none), every shown run's path on the same slice in its colour, and the selected
run's θ as a handle that can be dragged to choose a new starting point.

Paths are kept thinned (``series.Thinned``) in original units and converted to the landscape's
training units when drawn, so a frame costs the same at any epoch count.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QComboBox, QGraphicsItem, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..core.landscape import axis_pairs, slice_axes
from ..core.problem import model_key
from .controls import ElidedLabel
from .internals_layer import InternalsLayer
from .plot_helpers import (
    EMPTY, Curve, FittingLabel, MenuOnDemandViewBox, finite_xy, pen, pixel_font, run_pen, set_contours, style_axes,
    style_plot,
)
from .series import ColumnFeed, Thinned
from .theme import DEFAULT, Theme

LEVELS = 12
# each cost's title over its picture, longest first: the first that fits is shown
LOSS_TITLES = {"cross-entropy": ("cross-entropy",), "squared": ("squared error ½(σ(z) − y)²", "squared error")}
PATH_VERTICES = 512       # at most this many points of a path are stroked (plus the newest)
EPOCH_DOTS = 24           # the selected run's path carries this many dots coloured by epoch


class PathSeries(ColumnFeed):
    """One run's θ rows (original units), thinned, fed with new rows only."""

    def __init__(self, item):
        super().__init__(item, "theta_original", Thinned(PATH_VERTICES))

    @property
    def rows(self) -> Thinned:
        return self.store


class Surface:
    """One grid of J drawn in ``plot``: the colours (log(1 + J − min J)), contours at levels spaced
    evenly on a log scale above the minimum, which show the flat stretches of a cost as well as its
    bowl, and a colour bar labelled in J at every other contour level."""

    def __init__(self, plot: pg.PlotItem, theme: Theme = DEFAULT):
        self.image = pg.ImageItem()
        self.image.setZValue(-10)
        plot.addItem(self.image)
        self.bar = pg.ColorBarItem(colorMap=pg.colormap.get("viridis"), interactive=False, width=14,
                                   colorMapMenu=False)
        self.bar.setImageItem(self.image, insert_in=plot)
        self.bar.axis.setWidth(None)        # as wide as its numbers (pyqtgraph's 45 px drops "0.693")
        self.bar.getAxis("top").setLabel("J")
        self.contours = Curve()     # every level in one item
        self.contours.setOpacity(0.55)
        plot.addItem(self.contours)
        self.apply_theme(theme)
        # The surface changes only with a new grid, the paths every frame: keep the surface's pixels.
        for item in (self.image, self.contours):
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.levels = np.empty(0)
        self.ticks: list[tuple[float, str]] = []       # the colour bar's (position, J) marks
        self._scale: tuple[float, float] | None = None  # (min J, the bar's top in log(1 + J − min J))
        self.bar.geometryChanged.connect(self._mark_levels)

    def apply_theme(self, theme: Theme) -> None:
        self._tick_px = theme.px()                     # the height of a number on the bar
        style_axes(None, theme, axes=(self.bar.axis, self.bar.getAxis("top")))
        self.contours.use_pen(pen(theme.marker_color, max(1.0, theme.line_width / 2)))

    def show(self, land) -> bool:
        """Draw ``land`` (a core Landscape); False if it holds no finite value."""
        values = land.values
        finite = np.isfinite(values)
        if not finite.any():
            return False
        vmin = float(values[finite].min())
        shown = np.log1p(np.where(finite, values, values[finite].max()) - vmin)
        top = float(shown.max()) or 1.0
        self.image.setImage(shown.T, levels=(0.0, top), autoLevels=False)
        self.bar.setLevels((0.0, top))
        u, v = land.u, land.v
        du, dv = (u[1] - u[0]) / 2, (v[1] - v[0]) / 2
        self.image.setRect(QRectF(u[0] - du, v[0] - dv, u[-1] - u[0] + 2 * du, v[-1] - v[0] + 2 * dv))
        self.levels = contour_levels(values[finite])
        set_contours(self.contours, u, v, values, self.levels)
        self._scale = (vmin, top)
        self._mark_levels()
        return True

    def _mark_levels(self) -> None:
        """The colour bar's numbers: the levels, a tenth of the bar apart at least and never
        closer than one and a half numbers' height (chosen again when the bar is resized)."""
        if self._scale is None:
            return
        vmin, top = self._scale
        gap = top * max(0.1, 1.5 * self._tick_px / max(self.bar.height(), 1.0))
        self.ticks = []
        for level in [vmin, *self.levels]:
            at = float(np.log1p(level - vmin))
            if not self.ticks or at - self.ticks[-1][0] >= gap:
                self.ticks.append((at, f"{level:#.3g}".rstrip(".")))
        self.bar.axis.setTicks([self.ticks])


def _theta_label(name: str, standardized: bool) -> tuple[str, ...]:
    """An axis label for the coordinate of θ that weighs ``name``, longest first."""
    return (f"θ: {name} (standardised)", f"θ: {name} (std.)", f"θ: {name}") if standardized else (f"θ: {name}",)


def contour_levels(values: np.ndarray, count: int = LEVELS) -> np.ndarray:
    """``count`` levels above min J, their heights over the minimum spaced evenly on a log scale
    from 1/1000 of the range to 90 % of it."""
    low, high = float(values.min()), float(values.max())
    span = high - low
    if not span > 0:
        return np.array([low])
    return low + span * np.geomspace(1e-3, 0.9, count)


class LandscapeView(QWidget):
    startRequested = Signal(float, float)      # new start coordinates on the slice axes (training units)
    axesChanged = Signal(int, int)

    def __init__(self, theme: Theme = DEFAULT, parent=None):
        super().__init__(parent)
        self.theme = theme
        self.axes = (1, 2)
        self._names: tuple[str, ...] = ()
        self._k = 0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Slice:"))
        self.axes_box = QComboBox()
        self.axes_box.setToolTip("The two coordinates of θ that vary across the picture; the others "
                                 "stay at the selected run's current values")
        self.axes_box.activated.connect(self._on_axes)
        row.addWidget(self.axes_box, 1)
        self.status = ElidedLabel("")
        row.addWidget(self.status, 2)
        layout.addLayout(row)
        self.plot_widget = pg.PlotWidget(viewBox=MenuOnDemandViewBox(), background=theme.background)
        layout.addWidget(self.plot_widget, 1)

        plot = self.plot_widget.getPlotItem()
        self.surface = Surface(plot, theme)
        # each axis's label, with the texts of each slice axis (longest first) it chooses from
        self._axis_labels = [(FittingLabel(plot.getAxis("bottom")), 0), (FittingLabel(plot.getAxis("left")), 1)]
        self._labels: tuple[tuple[str, ...], ...] = ()
        self._titles: dict[pg.PlotItem, tuple[str, ...]] = {}      # the titles of each picture, longest first
        plot.vb.sigResized.connect(lambda _box: self._fit_title(plot))
        # the same slice under the other cost, beside it (View tab: side by side), made when first asked
        self._twin: tuple[pg.PlotWidget, Surface] | None = None
        self.twin_paths: dict[str, Curve] = {}
        layout.removeWidget(self.plot_widget)
        self._plots = QHBoxLayout()
        self._plots.setSpacing(2)
        self._plots.addWidget(self.plot_widget, 1)
        layout.addLayout(self._plots, 1)
        self.paths: dict[str, PathSeries] = {}
        self.optimum = pg.ScatterPlotItem(symbol="star")
        self.optimum.setZValue(8)
        plot.addItem(self.optimum)
        self.handle = pg.TargetItem(pos=(0, 0), size=theme.point_size * 1.8, movable=True)
        self.handle.setToolTip("The selected run's θ: drag it to start that run from another point")
        self.handle.setZValue(9)
        plot.addItem(self.handle)
        self.handle.sigPositionChangeFinished.connect(self._on_handle_dropped)
        # dots along the selected run's path from white (epoch 0) to its colour (the epoch shown)
        self.epoch_dots = pg.ScatterPlotItem()
        self.epoch_dots.setZValue(8)
        plot.addItem(self.epoch_dots)
        self.internals = InternalsLayer(plot, theme)
        self._hollow = False                   # the run's marker is a ring (while internals show)
        self.result = None
        self.snap = None
        self.apply_theme(theme)

    @property
    def twin_widget(self) -> pg.PlotWidget:
        """The plot of the other cost's slice, beside the first (made now if it is not yet)."""
        return self._made_twin()[0]

    @property
    def twin(self) -> Surface:
        return self._made_twin()[1]

    def _made_twin(self) -> tuple[pg.PlotWidget, Surface]:
        if self._twin is None:
            widget = pg.PlotWidget(viewBox=MenuOnDemandViewBox(), background=self.theme.background)
            widget.setVisible(False)
            plot = widget.getPlotItem()
            plot.setXLink(self.plot_widget.getPlotItem())
            plot.setYLink(self.plot_widget.getPlotItem())
            self._twin = (widget, Surface(plot, self.theme))
            style_plot(widget, self.theme)
            self._axis_labels.append((FittingLabel(plot.getAxis("bottom")), 0))     # its y axis is the first's
            plot.vb.sigResized.connect(lambda _box: self._fit_title(plot))
            if self._labels:
                self._axis_labels[-1][0].set(*self._labels[0])
            self._plots.addWidget(widget, 1)
        return self._twin

    def _twin_shown(self) -> bool:
        return self._twin is not None and self._twin[0].isVisible()

    def apply_theme(self, theme: Theme) -> None:
        """Every item in ``theme``'s colours and sizes (a theme or zoom change)."""
        self.theme = theme
        for widget, surface in ((self.plot_widget, self.surface), *([self._twin] if self._twin else [])):
            style_plot(widget, theme)
            surface.apply_theme(theme)
        for label, _texts in self._axis_labels:
            label.fit()                                    # the type's size changed
        self.optimum.setSize(theme.point_size * 2.2)
        self.optimum.setBrush(pg.mkBrush(theme.marker_color))
        self.optimum.setPen(pg.mkPen(theme.marker_outline, width=max(1.2, theme.line_width * 0.6)))
        self.handle.setPen(pg.mkPen(theme.path_color, width=theme.line_width))
        self.handle.setBrush(pg.mkBrush(None) if self._hollow else pg.mkBrush(theme.path_color))
        self.epoch_dots.setSize(theme.point_size * 0.8)
        self.epoch_dots.setPen(pg.mkPen(theme.marker_outline, width=0.8))
        ramp = pg.ColorMap([0.0, 1.0], [theme.marker_color, theme.path_color])
        self._dot_brushes = [pg.mkBrush(c) for c in ramp.getLookupTable(0.0, 1.0, EPOCH_DOTS + 1, alpha=False)]
        self.internals.apply_theme(theme)
        for series in self.paths.values():
            series._pen_key = None
        if self.result is not None:
            self.show_landscape(self.result)
        elif self.snap is not None:
            self.show_snapshot(self.snap)

    # -- axes --------------------------------------------------------------------------------------
    def _set_choices(self, k: int, names: tuple[str, ...], axes: tuple[int, int]) -> None:
        if (k, names) != (self._k, self._names):
            self._k, self._names = k, names
            self.axes_box.blockSignals(True)
            self.axes_box.clear()
            for i, j in axis_pairs(k):
                self.axes_box.addItem(f"{names[i]} and {names[j]}", (i, j))
            self.axes_box.blockSignals(False)
        self.axes = axes
        index = self.axes_box.findData(axes)
        if index < 0 and max(axes) < len(names):      # a pair chosen elsewhere (the plane's features)
            self.axes_box.blockSignals(True)
            self.axes_box.addItem(f"{names[axes[0]]} and {names[axes[1]]}", axes)
            self.axes_box.blockSignals(False)
            index = self.axes_box.count() - 1
        if index >= 0 and index != self.axes_box.currentIndex():
            self.axes_box.blockSignals(True)
            self.axes_box.setCurrentIndex(index)
            self.axes_box.blockSignals(False)

    def _on_axes(self, index: int) -> None:
        data = self.axes_box.itemData(index)
        if data is not None and tuple(data) != self.axes:
            self.status.setText("computing…")
            self.axesChanged.emit(*data)

    def _label_axes(self, standardized: bool) -> None:
        labels = tuple(_theta_label(self._names[i], standardized) for i in self.axes)
        if labels != self._labels:                         # relabelling repaints the axes
            self._labels = labels
            for label, texts in self._axis_labels:
                label.set(*labels[texts])

    # -- drawing --------------------------------------------------------------------------------------
    def _features(self):
        return None if self.result is None else self.result.facts.features

    def show_snapshot(self, snap) -> None:
        self.snap = snap
        run = snap.selected
        if run is None or not run.trained or len(run.theta) < 2:
            for s in self.paths.values():
                s.item.setData(EMPTY, EMPTY)
            self.handle.setVisible(False)
            self.epoch_dots.setData(EMPTY, EMPTY)
            self.internals.show(None)
            self.status.setText(snap.notice or (run.status_text(snap.playing, snap.position) if run else ""))
            return
        k = len(run.theta)
        self._set_choices(k, run.state.theta_names, slice_axes(snap.view.landscape_axes, k))
        self._label_axes(run.state.standardized)
        shown = {r.id: r for r in snap.shown() if r.trained and len(r.theta) == k}
        for run_id in [i for i in self.paths if i not in shown]:
            self.plot_widget.getPlotItem().removeItem(self.paths.pop(run_id).item)
        for run_id in [i for i in self.twin_paths if i not in shown or not self._twin_shown()]:
            self.twin_widget.getPlotItem().removeItem(self.twin_paths.pop(run_id))
        features = self._features()
        # a grid of the selected run's model (the data may have moved a little since: that is fine)
        # (the settings may have changed before the trainer restarted the run: θ's length tells)
        fresh = (self.result is not None and self.result.axes == self.axes
                 and self.result.key[1] == model_key(run.spec.config) and self.result.key[0].d == snap.data.d
                 and len(self.result.landscape.theta) == k)
        for r in shown.values():
            series = self.paths.get(r.id)
            if series is None:
                series = PathSeries(Curve())
                self.plot_widget.getPlotItem().addItem(series.item)
                self.paths[r.id] = series
            width = 3.0 if r.selected else 2.0
            key = (r.spec.color, r.dash, width)
            if getattr(series, "_pen_key", None) != key:
                series.item.setPen(run_pen(self.theme.run_color(r.spec.color), r.dash, width * self.theme.line_width / 2))
                series.item.setZValue(7 if r.selected else 6)
                series._pen_key = key
            series.feed(r.history, r.epoch + 1, r.rows_version)
            if features is None or not fresh:
                series.item.setData(EMPTY, EMPTY)
                continue
            with np.errstate(all="ignore"):
                path = features.from_original(series.rows.array())[:, list(self.axes)]
            xy = finite_xy(path[:, 0], path[:, 1])
            series.item.setData(*xy)
            if self._twin_shown():
                self._twin_path(r.id, series.item.opts["pen"]).setData(*xy)
        if features is not None and fresh:
            with np.errstate(all="ignore"):
                theta = features.from_original(run.theta)
            point = theta[list(self.axes)]
            if np.all(np.isfinite(point)) and not self.handle.moving:
                self.handle.setPos(float(point[0]), float(point[1]))
            self.handle.setVisible(bool(np.all(np.isfinite(point))))
        else:
            self.handle.setVisible(False)
        self._show_epoch_dots(run, features if fresh else None)
        self._show_internals(snap, fresh)

    def _show_epoch_dots(self, run, features) -> None:
        """Dots at epochs spread evenly over the selected run's path, coloured by epoch."""
        if features is None or run.epoch == 0:
            self.epoch_dots.setData(EMPTY, EMPTY)
            return
        epochs = run.history.spread_rows(run.epoch + 1, EPOCH_DOTS)
        with np.errstate(all="ignore"):
            xy = features.from_original(run.history.take("theta_original", epochs))[:, list(self.axes)]
        keep = np.all(np.isfinite(xy), axis=1)
        shade = np.rint(epochs[keep] / run.epoch * EPOCH_DOTS).astype(int)
        self.epoch_dots.setData(xy[keep, 0], xy[keep, 1], brush=[self._dot_brushes[i] for i in shade])
        self.epoch_dots.setToolTip(f"{run.spec.label}: dots from white at epoch 0 to its colour at epoch {run.epoch}")

    def _show_internals(self, snap, fresh: bool) -> None:
        internals = snap.internals if snap.view.internals and fresh else None
        # the run's marker is a ring while arrows start under it
        hollow = snap.view.internals
        if self._hollow != hollow:
            self._hollow = hollow
            self.handle.setBrush(pg.mkBrush(None) if hollow else pg.mkBrush(self.theme.path_color))
        if internals is not None and self.result is not None and self.result.axes == self.axes:
            land = self.result.landscape
            self.internals.show(internals, self.surface.levels, (land.u, land.v))
        else:
            self.internals.show(None)

    def show_landscape(self, result) -> None:
        land = result.landscape
        self.result = result
        if not self.surface.show(land):
            return
        u, v = land.u, land.v
        compare = result.other is not None
        if compare or self._twin is not None:
            self.twin_widget.setVisible(compare)
        if compare:
            self.twin.show(result.other)
        self._titles = {self.plot_widget.getPlotItem(): LOSS_TITLES.get(result.key[1][0], ()) if compare else (),
                        **({self.twin_widget.getPlotItem(): LOSS_TITLES.get(result.other_loss, ())} if compare else {})}
        for plot in self._titles:
            self._fit_title(plot, force=True)
        optimum = result.facts.optimum
        if optimum is not None:
            self.optimum.setData([optimum[land.axes[0]]], [optimum[land.axes[1]]])
        else:
            self.optimum.setData(EMPTY, EMPTY)
        plot = self.plot_widget.getPlotItem()
        if getattr(self, "_framed", None) != (land.axes, u[0], u[-1], v[0], v[-1]):
            plot.setRange(xRange=(u[0], u[-1]), yRange=(v[0], v[-1]), padding=0)
            self._framed = (land.axes, u[0], u[-1], v[0], v[-1])
        notes = []
        if land.sampled < land.total:
            notes.append(f"J estimated on {land.sampled:,} of {land.total:,} points")
        notes.append("★ optimum" if optimum is not None else f"no ★: {result.facts.reason}")
        self.status.setText(" · ".join(notes))
        if self.snap is not None:
            self.show_snapshot(self.snap)

    def _fit_title(self, plot: pg.PlotItem, force: bool = False) -> None:
        """The longest of ``plot``'s titles that fits over it (none when it has none); a title
        never widens the plot beyond its widget (the colour bar would be cut off)."""
        texts = self._titles.get(plot, ())
        px = self.theme.px(1.1)
        metrics = QFontMetrics(pixel_font(px))
        room = plot.vb.width() or plot.width()
        text = next((t for t in texts if metrics.horizontalAdvance(t) <= room), texts[-1] if texts else None)
        if not force and text == (plot.titleLabel.text if plot.titleLabel.isVisible() else None):
            return
        plot.setTitle(text, color=self.theme.foreground, size=f"{px}px")
        plot.titleLabel.setMinimumWidth(0)

    def _twin_path(self, run_id: str, path_pen) -> Curve:
        """The run's path on the other cost's picture (the same coordinates: the same model)."""
        curve = self.twin_paths.get(run_id)
        if curve is None:
            curve = self.twin_paths[run_id] = Curve()
            self.twin_widget.getPlotItem().addItem(curve)
        if curve.opts.get("pen") is not path_pen:
            curve.setPen(path_pen)
        return curve

    def frame(self) -> None:
        """Show the whole grid again after the user's zoom."""
        if self.result is not None:
            u, v = self.result.landscape.u, self.result.landscape.v
            self.plot_widget.getPlotItem().setRange(xRange=(u[0], u[-1]), yRange=(v[0], v[-1]), padding=0)

    def _on_handle_dropped(self, item) -> None:
        p = item.pos()
        if np.isfinite(p.x()) and np.isfinite(p.y()):
            self.startRequested.emit(float(p.x()), float(p.y()))
