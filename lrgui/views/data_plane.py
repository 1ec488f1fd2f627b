"""The data plane: the points, every shown run's decision boundary θᵀx = 0 in its colour (the
selected run's emphasised, with its probability shading, p-contours and misclassified rings), and
a faint ghost of a run's boundary before its settings last changed.

The plane shows two features (the view's ``plane_axes``); the others are held at their means. The
points show the selected run's use of them: its test points hollow, the points its undersampling
left out faded, the points its oversampling repeated ringed (a wider ring for more repeats).

With more than two classes every run draws where its predicted class changes (the borders of the
regions each class wins, argmax of the K scores) in its colour; the selected run shades the
region each class wins (paler where no class's probability reaches ½), and a one-vs-rest run
adds each model's own line θₖᵀx = 0 in its class's colour.

Gestures (forwarded as signals, the view never edits data itself):
left click adds a point of the current class; right click or Shift+click one of the other class
(with more than two classes, the next one);
dragging a point moves it; Ctrl+click or Delete (over a point) removes it. Dragging elsewhere pans,
the wheel zooms.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtWidgets import QGraphicsItem

from ..core.dataset import Dataset
from ..core.dataset import MAX_CLASSES
from ..core.features import class_scores_in_original_units, decision_in_original_units, theta_length
from ..core.geometry import argmax_borders, grid, line_in_rect
from ..core.multiclass import blocks
from ..core.sampling import follow_edit, shown_rows
from ..core.metrics import predict
from ..core.numerics import sigmoid
from .plot_helpers import (
    EMPTY,
    MenuOnDemandViewBox,
    Curve,
    Dots,
    Grid,
    ItemsByClass,
    Raster,
    contour_lines_many,
    keep_pixels,
    lut_pixels,
    pen,
    run_pen,
    set_contours,
    set_label,
    set_text,
    style_plot,
    style_text,
    two_colour_lut,
)
from .theme import rgba
from .theme import DEFAULT, Theme

MAX_SHOWN = 10_000       # points drawn at most (a fixed random subset beyond that)
# Plane coordinates beyond this are not drawn: spans and pixel sizes of larger ones overflow.
DRAWABLE = 1e300
SHADE_GRID = 120
CONTOUR_GRID = 160
REGION_GRID = CONTOUR_GRID   # the classes' regions: on the grid of their borders (one set of scores)
P_LEVELS = (0.25, 0.75)
HIT_PIXELS = 9.0
# pyqtgraph draws these markers smaller than a circle of the same size: as large to the eye
SYMBOL_SCALE = {"d": 1.3, "t": 1.15, "star": 1.25, "+": 1.2, "x": 1.1, "p": 1.1}
HINT = ("<div style='font-size:{px}px; padding:6px'><b>Space</b>: train &nbsp;·&nbsp; <b>→</b>: one epoch "
        "&nbsp;·&nbsp; click: add a point &nbsp;·&nbsp; <b>A</b>: add a run to race</div>")


class PassiveScatter(pg.ScatterPlotItem):
    """A scatter that lets clicks through to the ViewBox (pyqtgraph's takes clicks on points),
    and keeps its bounding rectangle until its points or the view change: Qt asks for it on every
    frame, and pyqtgraph works it out anew each time."""

    _kept_rect: QRectF | None = None

    def mouseClickEvent(self, ev):
        ev.ignore()

    def setData(self, *args, **kwargs):           # noqa: N802 (pyqtgraph's name)
        self._kept_rect = None
        super().setData(*args, **kwargs)

    def viewTransformChanged(self):               # noqa: N802
        self._kept_rect = None
        super().viewTransformChanged()
        # the kept pixels hold only the points that were in view (pyqtgraph draws no others): a
        # pan would uncover an empty strip of them
        self.update()

    def boundingRect(self):                       # noqa: N802
        if self._kept_rect is None:
            self._kept_rect = super().boundingRect()
        return QRectF(self._kept_rect)


class EditableViewBox(MenuOnDemandViewBox):
    """A ViewBox that turns clicks and drags into point edits; other drags pan as usual."""

    clicked = Signal(float, float, object)          # x, y, Qt.KeyboardModifiers / button info
    dragStarted = Signal(float, float)
    dragMoved = Signal(float, float)
    dragFinished = Signal(float, float)

    def __init__(self, hit_test, **kw):
        super().__init__(**kw)
        self._hit_test = hit_test          # (x, y) -> index of the point under (x, y), or -1
        self._dragging = False
        self.setMenuEnabled(False)

    def mouseClickEvent(self, ev):
        if ev.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.RightButton):
            return super().mouseClickEvent(ev)
        ev.accept()
        if ev.currentItem is not self:           # a click on an axis, passed on by it: no point there
            return
        p = self.mapToView(ev.pos())
        self.clicked.emit(p.x(), p.y(), (ev.button(), ev.modifiers()))

    def mouseDragEvent(self, ev, axis=None):
        if ev.button() != Qt.MouseButton.LeftButton or ev.currentItem is not self:   # (an axis's drag pans)
            return super().mouseDragEvent(ev, axis)
        if ev.isStart():
            start = self.mapToView(ev.buttonDownPos())
            self._dragging = self._hit_test(start.x(), start.y()) >= 0
            if self._dragging:
                self.dragStarted.emit(start.x(), start.y())
        if not self._dragging:
            return super().mouseDragEvent(ev, axis)
        ev.accept()
        p = self.mapToView(ev.pos())
        if ev.isFinish():
            self._dragging = False
            self.dragFinished.emit(p.x(), p.y())
        else:
            self.dragMoved.emit(p.x(), p.y())


class DataPlaneView(pg.PlotWidget):
    addRequested = Signal(float, float, int)        # x, y, class
    removeRequested = Signal(int)
    moveStarted = Signal(int)
    moveRequested = Signal(int, float, float)
    moveFinished = Signal(int)
    focusRequested = Signal(int)                    # a point to take apart in the equations

    def __init__(self, theme: Theme = DEFAULT, parent=None):
        self._vb = EditableViewBox(self.point_at)
        super().__init__(parent=parent, viewBox=self._vb, background=theme.background)
        self.theme = theme
        self.click_class = 0
        self.picking = False              # a click on a point takes it apart (the equations are shown)
        self.data: Dataset | None = None
        self.snap = None
        self._axes = (0, 1)
        self._shown = np.empty(0, dtype=int)                # the rows drawn (indices into the data)
        self._shown_plane = np.empty((0, 2))
        self._beyond = 0
        self._drag_index = -1
        self._mouse = None
        self._wrong_mask: np.ndarray | None = None

        plot = self.getPlotItem()
        self.grid = Grid(plot, theme.foreground)
        set_label(plot, "bottom", "x₁")
        set_label(plot, "left", "x₂")
        self.shading = Raster()
        self.shading.setZValue(-10)
        self.contours = [Curve() for _ in P_LEVELS]
        self.threshold_line = Curve()         # p = t of the selected run, when t is not 0.5
        self.threshold_line.setZValue(5)
        self.boundaries: dict[str, pg.PlotCurveItem] = {}
        self.ghosts: dict[str, pg.PlotCurveItem] = {}
        self._pens: dict = {}
        # the points below the models' lines (Z 2 and up), in this order: left out, repeated,
        # training, test
        self.dropped_scatters = ItemsByClass(plot, lambda c: self._points(f"class {c}, left out"),
                                             lambda c, item: self._look(c, item, "dropped"), z=-0.5)
        self.scatters = ItemsByClass(plot, lambda c: self._points(f"class {c}"),
                                     lambda c, item: self._look(c, item, "train"), z=-0.3)
        self.test_scatters = ItemsByClass(plot, lambda c: self._points(f"class {c}, test"),
                                          lambda c, item: self._look(c, item, "test"), z=-0.2)
        # each one-vs-rest model's own line θₖᵀx = 0 (the selected run, more than two classes)
        self.class_lines = ItemsByClass(plot, lambda c: Curve(), self._class_line_look, z=4)
        self._class_lines_drawn = False
        self._grid_memo = None            # (key, (xs, ys, scores over the contour grid))
        self.repeat_rings = self._points("repeated", symbol="o")
        self.repeat_rings.setZValue(-0.4)
        self._rows = None                 # the RowUse the points are drawn for
        self._rows_note: list[str] = []
        self._axes = (0, 1)
        self.wrong = Dots(theme.wrong_color, theme.point_size)
        self.focus_ring = Dots(theme.focus_color, theme.point_size)
        self.focus_ring.setZValue(20)
        self._focus = None
        self.note = pg.TextItem(anchor=(0, 0))
        self.hint = pg.TextItem(anchor=(0.5, 0.5))
        self.wrong.setZValue(-0.6)
        for item in [self.shading, *self.contours, self.threshold_line, self.wrong, self.repeat_rings,
                     self.focus_ring]:
            plot.addItem(item)
        plot.addItem(self.note, ignoreBounds=True)
        plot.addItem(self.hint, ignoreBounds=True)
        keep_pixels(self.note, self.hint)
        self.hint.setZValue(50)
        for c in self.contours:
            c.setZValue(-5)

        self.apply_theme(theme)
        self._vb.clicked.connect(self._on_click)
        self._vb.dragStarted.connect(self._on_drag_start)
        self._vb.dragMoved.connect(self._on_drag_move)
        self._vb.dragFinished.connect(self._on_drag_finish)
        self._vb.sigRangeChanged.connect(lambda *_: self._draw_model())
        self._vb.sigResized.connect(lambda *_: self._draw_model())     # the hint and the notes fit again
        self.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setToolTip("Click: add a point of the current class (keys 0–9) · right/Shift+click: the other "
                        "class (the next one with more classes)\n"
                        "With the equations shown, click a point to take it apart (again: let go)\n"
                        "Drag a point: move it · "
                        "Ctrl+click or Delete: remove it · wheel: zoom")

    @staticmethod
    def _points(name: str, **kw) -> PassiveScatter:
        item = PassiveScatter(name=name, **kw)
        # The points change only with the data or the view: keep their pixels between frames.
        item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        return item

    def _look(self, c: int, item, role: str) -> None:
        """Class ``c``'s points of ``role`` (train, test, dropped) in the theme's colours."""
        theme = self.theme
        outline = max(0.8, theme.line_width * 0.4)
        brush, edge, width = {
            "train": (theme.class_colors[c], theme.point_outline, outline),
            "test": (theme.background, theme.class_colors[c], max(1.6, theme.line_width)),
            "dropped": (theme.class_colors[c] + "40", theme.class_colors[c] + "60", outline)}[role]
        item.setSymbol(theme.class_symbols[c])
        item.setSize(theme.point_size * SYMBOL_SCALE.get(theme.class_symbols[c], 1.0))
        item.setBrush(pg.mkBrush(rgba(brush)))
        item.setPen(pg.mkPen(rgba(edge), width=width))

    def _class_line_look(self, c: int, line) -> None:
        line.use_pen(pen(self.theme.class_colors[c], self.theme.line_width * 0.9, Qt.PenStyle.DotLine))

    # -- hit testing ----------------------------------------------------------------------------------
    def point_at(self, x: float, y: float) -> int:
        """Index (into the data) of the drawn point within a few pixels of (x, y), or −1: a point
        left out of the drawing can be neither dragged nor removed."""
        if self.data is None or not len(self._shown):
            return -1
        pw, ph = self._vb.viewPixelSize()
        if not (pw > 0 and ph > 0):
            return -1
        P = self._shown_plane
        with np.errstate(over="ignore", invalid="ignore"):       # points far beyond the view
            d2 = ((P[:, 0] - x) / pw) ** 2 + ((P[:, 1] - y) / ph) ** 2
        i = int(np.argmin(np.where(np.isnan(d2), np.inf, d2)))
        return int(self._shown[i]) if d2[i] <= HIT_PIXELS**2 else -1

    # -- gestures -------------------------------------------------------------------------------------
    def _on_click(self, x: float, y: float, how) -> None:
        button, mods = how
        if mods & Qt.KeyboardModifier.ControlModifier:
            index = self.point_at(x, y)
            if index >= 0:
                self.removeRequested.emit(index)
            return
        other = button == Qt.MouseButton.RightButton or bool(mods & Qt.KeyboardModifier.ShiftModifier)
        index = self.point_at(x, y) if self.picking and not other else -1
        if index >= 0:
            self.focusRequested.emit(index)
            return
        classes = self.data.classes if self.data is not None else 2
        label = (self.click_class + 1) % max(classes, self.click_class + 1) if other else self.click_class
        self.addRequested.emit(x, y, label)

    def _on_drag_start(self, x, y):
        self._drag_index = self.point_at(x, y)
        if self._drag_index >= 0:
            self.moveStarted.emit(self._drag_index)

    def _on_drag_move(self, x, y):
        if self._drag_index >= 0:
            self.moveRequested.emit(self._drag_index, x, y)

    def _on_drag_finish(self, x, y):
        if self._drag_index >= 0:
            self.moveRequested.emit(self._drag_index, x, y)
            self.moveFinished.emit(self._drag_index)
        self._drag_index = -1

    def _on_mouse_moved(self, scene_pos):
        p = self._vb.mapSceneToView(scene_pos)
        self._mouse = (p.x(), p.y())

    def remove_under_mouse(self) -> bool:
        """Ask to remove the point under the mouse pointer; False if there is none."""
        index = self.point_at(*self._mouse) if self._mouse is not None else -1
        if index >= 0:
            self.removeRequested.emit(index)
        return index >= 0

    # -- the data ---------------------------------------------------------------------------------------
    def point_items(self) -> list:
        """Every scatter that draws data points."""
        return [*self.scatters, *self.test_scatters, *self.dropped_scatters, self.repeat_rings]

    def set_data(self, data: Dataset, refit: bool = False, axes: tuple[int, int] = (0, 1), rows=None) -> None:
        """Show ``data`` on the features ``axes`` with the selected run's ``rows`` (a RowUse or
        None); called when one of them changes, not every frame."""
        edits = data.edits_from(self.data) if axes == self._axes else None
        if edits is None:
            self._sample(data, axes)
        else:
            self._follow_edits(data, edits)
        self.data = data
        self._axes = axes
        self._wrong_mask = None
        # the shown points' inputs, labels and plane positions, taken once per data set
        self._shown_X, self._shown_y = data.X[self._shown], data.y[self._shown]
        self._shown_plane = self._on_plane(self._shown_X)
        self._draw_points(rows)
        names, (i, j) = data.feature_names, axes
        set_label(self.getPlotItem(), "bottom", names[i])
        set_label(self.getPlotItem(), "left", names[j] if data.d > 1 else "")
        if refit or not getattr(self, "_framed", False):
            self.frame_data()

    def _on_plane(self, X: np.ndarray) -> np.ndarray:
        """Plane coordinates (m, 2) of the rows ``X`` (m, d) on the features shown (one
        feature: on the x-axis)."""
        if X.shape[1] == 1:
            return np.column_stack([X[:, 0], np.zeros(len(X))])
        return X[:, list(self._axes)]

    def _drawable(self, row: np.ndarray) -> bool:
        return bool(np.all(np.abs(self._on_plane(row[None, :])) <= DRAWABLE))

    def _sample(self, data: Dataset, axes: tuple[int, int]) -> None:
        """The points drawn of new data: every drawable one, or a stratified sample of them."""
        self._axes = axes
        drawable = np.flatnonzero(np.all(np.abs(self._on_plane(data.X)) <= DRAWABLE, axis=1))
        self._beyond = data.n - len(drawable)
        self._shown = drawable[shown_rows(data.y[drawable], MAX_SHOWN)]

    def _follow_edits(self, data: Dataset, edits: list[tuple[str, int]]) -> None:
        """The points drawn after ``edits`` (points added, removed or moved: ``Dataset.edits_from``):
        the same ones (the sample does not change under the user's hand), and each edited point
        that can be drawn (a point clicked in is seen, among a million too)."""
        if len(edits) == 1:                        # the rows before and after are both at hand
            (kind, index), = edits
            if kind != "add":
                self._beyond -= not self._drawable(self.data.X[index])
            keep = kind != "remove" and self._drawable(data.X[index])
            self._beyond += kind != "remove" and not keep
            self._shown, _came_from = follow_edit(self._shown, kind, index, keep)
            return
        shown = self._shown                        # several at once (frames came slower than edits)
        for kind, index in edits:
            shown, _came_from = follow_edit(shown, kind, index)
        self._shown = shown[np.all(np.abs(self._on_plane(data.X[shown])) <= DRAWABLE, axis=1)]
        self._beyond = data.n - int(np.count_nonzero(np.all(np.abs(self._on_plane(data.X)) <= DRAWABLE, axis=1)))

    def _draw_points(self, rows) -> None:
        """The shown points by class and by their part in the selected run (``rows``, a RowUse
        for this data or None: every point drawn as a training point)."""
        self._rows = rows
        self._rows_note = [] if rows is None else [
            f"{k:,} {what}" for k, what in ((np.count_nonzero(rows.test), "test points hollow"),
                                             (np.count_nonzero(rows.dropped), "left out by undersampling faded"),
                                             (np.count_nonzero(rows.repeated), "repeated by oversampling ringed"))
            if k]
        P, y = self._shown_plane, self._shown_y
        n = len(self._shown)
        test = rows.test[self._shown] if rows is not None else np.zeros(n, dtype=bool)
        dropped = rows.dropped[self._shown] if rows is not None else np.zeros(n, dtype=bool)
        for c in range(MAX_CLASSES):
            mine = y == c
            for items, sel in ((self.scatters, mine & ~test & ~dropped), (self.test_scatters, mine & test),
                               (self.dropped_scatters, mine & dropped)):
                pts = P[sel]
                items.show(c, pts[:, 0], pts[:, 1])
        repeats = rows.count[self._shown] if rows is not None else np.zeros(n, dtype=int)
        twice = np.flatnonzero(repeats >= 2)
        if len(twice):
            size = self.theme.point_size * (1.5 + 0.35 * np.minimum(repeats[twice] - 2, 4))
            self.repeat_rings.setData(P[twice, 0], P[twice, 1], size=size)
        else:
            self.repeat_rings.setData(EMPTY, EMPTY)

    def frame_data(self) -> None:
        """Frame the drawable points with a margin (nothing changes when none can be drawn)."""
        if self.data is not None and len(self._shown_plane):
            lo, hi = self._shown_plane.min(axis=0), self._shown_plane.max(axis=0)
            span = hi - lo                                     # within ±1e300 nothing here overflows
            # a margin of 12 % of the span (features of any scale fill the plane); one point, or a
            # line of them, gets a margin of its own size, or 1 at zero
            pad = np.where(span > 0, span * 0.12, np.maximum(np.abs(hi) * 0.12, 1.0))
            self._vb.setRange(xRange=(lo[0] - pad[0], hi[0] + pad[0]), yRange=(lo[1] - pad[1], hi[1] + pad[1]),
                              padding=0)
            self._framed = True

    def show_snapshot(self, snap) -> None:
        self.snap = snap                     # first: framing new data redraws the models at once
        axes = snap.view.plane_for(snap.data.d)
        if snap.data is not self.data or axes != self._axes:
            self.set_data(snap.data, refit=snap.refit or axes != self._axes, axes=axes, rows=snap.rows)
        elif snap.refit:
            self.frame_data()
        if snap.rows is not self._rows:
            self._draw_points(snap.rows)
        if self._vb.state["aspectLocked"] != (1.0 if snap.view.equal_aspect else False):
            self._vb.setAspectLocked(snap.view.equal_aspect, ratio=1.0)
        self._draw_model()
        self._draw_focus(snap.focus)

    def _draw_focus(self, focus: int | None) -> None:
        """The ring around the point taken apart (redrawn only when it changes)."""
        where = None
        if focus is not None and self._drawable(self.data.X[focus]):   # an index into the data shown
            where = self._on_plane(self.data.X[focus][None, :])[0]
        key = None if where is None else (focus, float(where[0]), float(where[1]))
        if key == self._focus:
            return
        self._focus = key
        self.focus_ring.setData(EMPTY, EMPTY) if where is None else self.focus_ring.setData([where[0]], [where[1]])

    def focus_points(self) -> np.ndarray:
        """(m, 2) where the focus ring is drawn (m is 0 or 1)."""
        x, y = self.focus_ring.getData()
        return np.column_stack([x, y]) if x is not None and len(x) else np.empty((0, 2))

    # -- the models --------------------------------------------------------------------------------------
    def _rect(self) -> tuple[float, float, float, float]:
        (x0, x1), (y0, y1) = self._vb.viewRange()
        return x0, y0, x1, y1

    def _plane_inputs(self, points: np.ndarray) -> np.ndarray:
        """2-D plane points → full inputs (other features at their means)."""
        if self.data.d == 1:
            return points[:, :1]
        full = np.tile(self.data.feature_means(), (len(points), 1))
        full[:, list(self._axes)] = points[:, :2]
        return full

    def _z(self, theta: np.ndarray, degree: int, X: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return decision_in_original_units(theta, X, degree)

    def apply_theme(self, theme: Theme) -> None:
        """Every item in ``theme``'s colours and sizes (a theme or zoom change); the models get
        their pens at the next snapshot (the window asks for one)."""
        self.theme = theme
        style_plot(self, theme, self.grid)
        self._shade_colors = lut_pixels(two_colour_lut(*theme.class_colors[:2], theme.background))
        self._region_colors = _region_colors(theme)
        self._background = lut_pixels(np.array([rgba(theme.background).getRgb()[:3]], dtype=np.ubyte))[0]
        for item in self.contours:
            item.use_pen(pen(theme.contour_color, theme.line_width * 0.6, Qt.PenStyle.DashLine))
        for items in (self.class_lines, self.scatters, self.test_scatters, self.dropped_scatters):
            items.restyle()
        self.repeat_rings.setBrush(None)
        self.repeat_rings.setPen(pg.mkPen(theme.foreground, width=max(1.0, theme.line_width * 0.5)))
        if self.data is not None:
            self._draw_points(self._rows)
        self.wrong.set_look(theme.wrong_color, theme.point_size * 1.9, hollow=True, ring_width=theme.line_width * 0.8)
        self.focus_ring.set_look(theme.focus_color, theme.point_size * 2.8, hollow=True,
                                 ring_width=theme.line_width * 1.5)
        style_text(self.note, theme, fill=theme.label_fill)          # legible over the lines
        style_text(self.hint, theme, fill=theme.label_fill, border=True)
        self.hint.setHtml(HINT.format(px=theme.px(1.1)))
        self._hint_fit = None                            # wrapped again for the new type
        self._pens.clear()

    def _pen(self, run, role: str):
        key = (run.spec.color, run.dash, role)
        if key not in self._pens:
            width, alpha = {"selected": (3.0, 1.0), "other": (2.0, 0.9), "ghost": (2.0, 0.3),
                            "threshold": (2.0, 0.8)}[role]
            dash = {"ghost": "dot", "threshold": "dashdotdot"}.get(role, run.dash)
            self._pens[key] = run_pen(self.theme.run_color(run.spec.color), dash, width * self.theme.line_width / 2,
                                      alpha)
        return self._pens[key]

    def _item(self, store: dict, run_id: str) -> pg.PlotCurveItem:
        item = store.get(run_id)
        if item is None:
            item = Curve()
            item.setZValue(5 if store is self.boundaries else 2)
            self.getPlotItem().addItem(item)
            store[run_id] = item
        return item

    def _boundary(self, item, theta: np.ndarray, degree: int, rect, level: float = 0.0) -> None:
        """The set z(x) = level of a model (one block of θ), as a line (exactly) or a contour over
        a grid."""
        if theta is None or len(theta) != theta_length(self.data.d, degree) or not np.all(np.isfinite(theta)):
            self._set_segment(item, None)
        elif degree == 1:
            c, a, b = self._line(theta)
            self._set_segment(item, line_in_rect(a, b, c - level, rect))
        else:
            xs, ys, pts = grid(rect, CONTOUR_GRID)
            z = self._z(theta, degree, self._plane_inputs(pts)).reshape(CONTOUR_GRID, CONTOUR_GRID)
            if np.isfinite(z).all():
                set_contours(item, xs, ys, z, level)
            else:
                self._set_segment(item, None)

    def _fits(self, theta, degree: int) -> bool:
        """A finite θ made for the data shown (a run scrubbed back past an Open has another length)."""
        return (theta is not None and len(theta) == theta_length(self.data.d, degree, self.data.classes)
                and bool(np.all(np.isfinite(theta))))

    def _clear_model(self) -> None:
        for item in (*self.contours, self.threshold_line, *self.class_lines, *self.boundaries.values(),
                     *self.ghosts.values()):
            self._set_segment(item, None)
        self.wrong.setData(EMPTY, EMPTY)
        self._wrong_mask = None
        self.shading.setVisible(False)

    def _draw_model(self) -> None:
        snap = self.snap
        if snap is None or self.data is None:
            self._clear_model()
            return
        rect = self._rect()
        shown = {r.id: r for r in snap.shown()}
        for store in (self.boundaries, self.ghosts):
            for run_id in [i for i in store if i not in shown]:
                self.getPlotItem().removeItem(store.pop(run_id))
        many = self.data.classes > 2
        for r in shown.values():
            item = self._item(self.boundaries, r.id)
            item.use_pen(self._pen(r, "selected" if r.selected else "other"))
            if item.zValue() != (6 if r.selected else 5):
                item.setZValue(6 if r.selected else 5)
            if many:
                self._borders(item, r.theta, r.state.degree, rect)
            else:
                self._boundary(item, r.theta, r.state.degree, rect)
            if r.ghost is not None and len(r.ghost) and not many:
                ghost = self._item(self.ghosts, r.id)
                ghost.use_pen(self._pen(r, "ghost"))
                e = min(snap.position, len(r.ghost) - 1)
                self._boundary(ghost, r.ghost.at("theta_original", e), r.state.degree, rect)
            elif r.id in self.ghosts:
                self.getPlotItem().removeItem(self.ghosts.pop(r.id))
        selected = shown.get(snap.selected.id) if snap.selected is not None else None
        self._draw_selected(selected, snap.view, rect)
        self._draw_note(snap)

    def _scores(self, theta: np.ndarray, degree: int, X: np.ndarray) -> np.ndarray:
        """z (m, K): every class's score at the raw inputs X (m, d), θ of K blocks."""
        with np.errstate(all="ignore"):
            return class_scores_in_original_units(theta, X, degree, self.data.classes)

    def _grid_scores(self, theta: np.ndarray, degree: int, rect) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(xs, ys, z (CONTOUR_GRID², K)): the scores over the contour grid, kept for the last θ
        and view (a run's borders and its models' lines share them in a frame)."""
        key = (theta.tobytes(), degree, tuple(rect), self._axes, self.data)
        if self._grid_memo is None or self._grid_memo[0] != key:
            xs, ys, pts = grid(rect, CONTOUR_GRID)
            self._grid_memo = (key, (xs, ys, self._scores(theta, degree, self._plane_inputs(pts))))
        return self._grid_memo[1]

    def _borders(self, item, theta: np.ndarray, degree: int, rect) -> None:
        """Where the class of the highest score changes: exact segments for degree 1, else the
        zero contour of each class's lead over the best other class, over a grid."""
        if not self._fits(theta, degree):
            self._set_segment(item, None)
        elif degree == 1:
            segments = argmax_borders(np.array([self._line(block) for block in blocks(theta, self.data.classes)]),
                                      rect)
            if len(segments):
                pts = segments.reshape(-1, 2)
                item.setData(pts[:, 0], pts[:, 1], connect="pairs")
            else:
                self._set_segment(item, None)
        else:
            xs, ys, z = self._grid_scores(theta, degree, rect)
            if np.isfinite(z).all():
                first, second = _top_two(z)
                # each class's lead over the best other class: 0 on its region's border
                lead = z - np.where(z == first[:, None], second[:, None], first[:, None])
                winners = np.unique(np.argmax(z, axis=1))          # a class that wins nowhere has no border
                x, y, connect = contour_lines_many(
                    xs, ys, [lead[:, c].reshape(CONTOUR_GRID, CONTOUR_GRID) for c in winners])
                item.setData(x, y, connect=connect if len(x) else "all")
            else:
                self._set_segment(item, None)

    def _draw_classes(self, run, view, rect) -> None:
        """The selected run on data of K > 2 classes: the region each class wins (paler where no
        class's probability reaches ½), each one-vs-rest model's line θₖᵀx = 0, and rings
        around the points whose predicted class is not theirs."""
        for item in (*self.contours, self.threshold_line):
            self._set_segment(item, None)
        K = self.data.classes
        fits = run is not None and self._fits(run.theta, run.state.degree)
        degree = run.state.degree if fits else 1
        method = run.spec.config.multiclass if fits else "ovr"
        if fits and view.shading:
            z = self._grid_scores(run.theta, degree, rect)[2]
            ok = bool(np.isfinite(z).all())
            if ok:
                winner = np.argmax(z, axis=1)
                first, second = _top_two(z)
                # the winner's probability above ½: σ(z) > ½ (one-vs-rest); softmax: Σ e^(z − z_top) < 2
                sure = first > 0 if method == "ovr" else np.exp(z - first[:, None]).sum(axis=1) < 2.0
                tied = first - second <= 1e-12 * np.maximum(1.0, np.abs(first))   # no winner (θ = 0)
                colour = np.where(tied, self._background, self._region_colors[winner * 2 + sure])
                colour = colour.reshape(REGION_GRID, REGION_GRID)
                self.shading.set_pixels(colour, QRectF(rect[0], rect[1], rect[2] - rect[0], rect[3] - rect[1]))
            self.shading.setVisible(ok)
        else:
            self.shading.setVisible(False)
        own = blocks(run.theta, K) if fits and method == "ovr" else ()
        self._class_lines_drawn = True
        curved = len(own) > 0 and degree > 1
        xs, ys, z = self._grid_scores(run.theta, degree, rect) if curved else (None, None, None)
        for c in sorted({*range(len(own)), *self.class_lines.classes()}):
            line = self.class_lines[c]
            if c >= len(own):
                self._set_segment(line, None)
            elif z is None:
                self._boundary(line, own[c], degree, rect)
            elif np.isfinite(z[:, c]).all():                 # a model's own zero contour
                set_contours(line, xs, ys, z[:, c].reshape(CONTOUR_GRID, CONTOUR_GRID), 0.0)
            else:
                self._set_segment(line, None)
        self._draw_wrong(run if fits else None, view)

    def _draw_selected(self, run, view, rect) -> None:
        """Shading, p-contours, the p = t line and misclassified rings of the selected run."""
        if self.data.classes > 2:
            self._draw_classes(run, view, rect)
            return
        if self._class_lines_drawn:
            for line in self.class_lines:
                self._set_segment(line, None)
            self._class_lines_drawn = False
        if run is None or not self._fits(run.theta, run.state.degree):
            for item in (*self.contours, self.threshold_line):
                self._set_segment(item, None)
            self.shading.setVisible(False)
            self._draw_wrong(None, view)
            return
        degree = run.state.degree
        if view.shading:
            xs, ys, pts = grid(rect, SHADE_GRID)
            z = self._z(run.theta, degree, self._plane_inputs(pts)).reshape(SHADE_GRID, SHADE_GRID)
            if np.isfinite(z).all():
                shade = np.minimum((sigmoid(z) * 256).astype(np.intp), 255)
                self.shading.set_pixels(self._shade_colors[shade],
                                        QRectF(rect[0], rect[1], rect[2] - rect[0], rect[3] - rect[1]))
            self.shading.setVisible(bool(np.isfinite(z).all()))
        else:
            self.shading.setVisible(False)
        for item, p in zip(self.contours, P_LEVELS):
            if view.contours:
                self._boundary(item, run.theta, degree, rect, float(np.log(p / (1 - p))))
            else:
                self._set_segment(item, None)
        t = float(view.threshold)
        if abs(t - 0.5) > 1e-9:               # at 0.5 it is the boundary itself
            self.threshold_line.use_pen(self._pen(run, "threshold"))
            self._boundary(self.threshold_line, run.theta, degree, rect, float(np.log(t / (1 - t))))
        else:
            self._set_segment(self.threshold_line, None)
        self._draw_wrong(run, view)

    def _line(self, theta: np.ndarray) -> np.ndarray:
        """(c, a, b) of the boundary line c + a·u + b·v = 0 in the plane of features u and v
        (the others at their means)."""
        if self.data.d == 1:                       # z = b + w x₁: a vertical line
            return np.array([theta[0], theta[1], 0.0])
        i, j = self._axes
        w = theta[1:]
        others = np.ones(self.data.d, dtype=bool)
        others[[i, j]] = False
        c = theta[0] + (w[others] @ self.data.feature_means()[others] if others.any() else 0.0)
        return np.array([c, w[i], w[j]])

    @staticmethod
    def _set_segment(item, seg) -> None:
        """One straight segment, or nothing. ``connect`` is reset: the same item may have held a
        contour with its own connect array before."""
        if seg is None:
            item.setData(EMPTY, EMPTY, connect="all")
        else:
            (x0, y0), (x1, y1) = seg
            item.setData(np.array([x0, x1]), np.array([y0, y1]), connect="all")

    def _draw_wrong(self, run, view) -> None:
        """Rings around the points on the wrong side of the threshold; none before the first epoch
        (θ₀ is only where training starts). The rings are redrawn only when they change."""
        if run is None or not view.misclassified or self.data.n == 0 or run.epoch == 0:
            mask = None
        elif self.data.classes > 2:
            mask = np.argmax(self._scores(run.theta, run.state.degree, self._shown_X), axis=1) != self._shown_y
        else:
            X, y = self._shown_X, self._shown_y
            p = sigmoid(self._z(run.theta, run.state.degree, X))
            mask = predict(p, view.threshold) != y
        if mask is None:
            if self._wrong_mask is not None or len(self.wrong.getData()[0]):
                self.wrong.setData(EMPTY, EMPTY)
            self._wrong_mask = None
            return
        if self._wrong_mask is not None and np.array_equal(mask, self._wrong_mask):
            return
        self._wrong_mask = mask
        pts = self._shown_plane[mask]
        self.wrong.setData(pts[:, 0], pts[:, 1]) if len(pts) else self.wrong.setData(EMPTY, EMPTY)

    def _draw_note(self, snap) -> None:
        parts = []
        if self._beyond:
            parts.append(f"{self._beyond:,} points lie beyond ±{DRAWABLE:g} and are not drawn")
        if self.data.n - self._beyond > len(self._shown):
            parts.append(f"showing {len(self._shown):,} of {self.data.n:,} points")
        if self.data.d > 2:
            names = self.data.feature_names
            parts.append(f"{self.data.d} features: the plane shows {names[self._axes[0]]} and "
                         f"{names[self._axes[1]]}, the others at their means")
        elif self.data.d == 1:
            parts.append("one feature: the points lie on the x-axis")
        parts += self._rows_note
        set_text(self.note, "\n".join(parts))          # one remark per line: none runs off the plane
        x0, y0, x1, y1 = self._rect()
        if self.note.pos() != QPointF(x0, y1):
            self.note.setPos(x0, y1)
        show_hint = not snap.started and self.data.why_untrainable() is None
        if self.hint.isVisible() != show_hint:
            self.hint.setVisible(show_hint)
        if show_hint:
            self._fit_hint()
            centre = QPointF((x0 + x1) / 2, y0 + 0.88 * (y1 - y0))
            if self.hint.pos() != centre:
                self.hint.setPos(centre)

    def _fit_hint(self) -> None:
        """The hint on one line when it fits across the plane, else wrapped to its width (large
        type on a narrow plane would cut it at both ends)."""
        room = int(0.92 * self._vb.width())
        key = (room, self.theme.px(1.1))           # the room and the type it was fitted to
        if key == getattr(self, "_hint_fit", None) or room <= 0:
            return
        self._hint_fit = key
        text = self.hint.textItem
        text.setTextWidth(-1)
        width = room if text.document().idealWidth() > room else -1
        # Qt keeps a cached text's old pixels (or none) through a new width: no cache meanwhile
        mode = text.cacheMode()
        text.setCacheMode(QGraphicsItem.CacheMode.NoCache)
        self.hint.prepareGeometryChange()              # its bounding rectangle is the text's
        self.hint.setTextWidth(width)
        text.setCacheMode(mode)
        self.hint.update()

    # -- for tests and benchmarks --------------------------------------------------------------------
    def boundary_points(self, run_id: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The drawn boundary of a run (the selected one by default)."""
        if run_id is None:
            run_id = self.snap.selected.id if self.snap is not None and self.snap.selected else None
        item = self.boundaries.get(run_id)
        x, y = (None, None) if item is None else item.getData()
        return (EMPTY, EMPTY) if x is None else (np.asarray(x), np.asarray(y))

    def scatter_points(self, label: int, role: str = "train") -> np.ndarray:
        """(m, 2) positions drawn for class ``label`` as training points, or with ``role``
        "test" or "dropped" as those; "repeated" gives the ringed points of both classes."""
        item = {"train": self.scatters[label], "test": self.test_scatters[label],
                "dropped": self.dropped_scatters[label], "repeated": self.repeat_rings}[role]
        x, y = item.getData()
        return np.column_stack([x, y]) if x is not None and len(x) else np.empty((0, 2))

    def ring_points(self) -> np.ndarray:
        x, y = self.wrong.getData()
        return np.column_stack([x, y]) if x is not None and len(x) else np.empty((0, 2))

    def view_to_widget(self, x: float, y: float):
        """Widget (viewport) coordinates of the data point (x, y)."""
        scene = self._vb.mapViewToScene(QPointF(x, y))
        return self.mapFromScene(scene)


def _region_colors(theme: Theme) -> np.ndarray:
    """(2·MAX_CLASSES,) opaque pixels: class c's colour mixed into the background, faint at 2c
    (no class's probability exceeds ½ there) and stronger at 2c + 1."""
    from PySide6.QtGui import QColor

    bg = QColor(theme.background)
    back = np.array([bg.red(), bg.green(), bg.blue()], float)
    rows = []
    for name in theme.class_colors[:MAX_CLASSES]:
        c = QColor(name)
        rgb = np.array([c.red(), c.green(), c.blue()], float)
        rows += [back + strength * (rgb - back) for strength in (0.12, 0.30)]
    return lut_pixels(np.round(rows).astype(np.ubyte))


def _top_two(z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(m,) the highest and the second highest of each row of z (m, K), K ≥ 2."""
    part = np.partition(z, z.shape[1] - 2, axis=1)
    return part[:, -1], part[:, -2]
