"""The sigmoid view of the selected run: σ(z) over z = θᵀx, every point at its z and its label (its
test points hollow), the threshold. The points move every frame, so they are drawn as batches of
dots (``Dots``).

With more than two classes it shows the model of one class (``shown_class``, the class a click
adds): every point at that model's z, at 1 for the class and 0 for the rest, in its own class's
colour. For one-vs-rest z is the class's own score θ_cᵀx; for softmax it is z_c − log Σ_{j≠c} e^(z_j),
whose σ is the softmax probability of the class exactly. No threshold applies (a point goes to
the class of the highest score)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal

from ..core.dataset import MAX_CLASSES
from ..core.features import class_scores_in_original_units, decision_in_original_units, theta_length
from ..core.multiclass import class_margin
from ..core.numerics import sigmoid
from ..core.objective import LOSSES
from ..core.sampling import follow_edit, shown_rows
from .plot_helpers import (
    set_label,
    EMPTY, Curve, Dots, Grid, ItemsByClass, MenuOnDemandViewBox, keep_pixels, nice_ceiling, overlay_view, pen, set_line, set_text, style_plot,
    style_text,
)
from .theme import DEFAULT, Theme

MAX_SHOWN = 2_000
NICE = (6.0, 10.0, 20.0, 50.0)
JITTER = 0.035


class SigmoidView(pg.PlotWidget):
    thresholdChanged = Signal(float)

    def __init__(self, theme: Theme = DEFAULT, parent=None):
        super().__init__(parent=parent, viewBox=MenuOnDemandViewBox(), background=theme.background)
        self.theme = theme
        plot = self.getPlotItem()
        self.grid = Grid(plot, theme.foreground)
        set_label(plot, "bottom", "z = θᵀx")
        set_label(plot, "left", "p = σ(z)")
        plot.setMouseEnabled(x=False, y=False)
        plot.setYRange(-0.12, 1.12, padding=0)
        self.curve = Curve()
        plot.addItem(self.curve)
        keep_pixels(self.curve)         # σ(z) changes only with the z range, the dots every frame
        self.points = ItemsByClass(plot, lambda c: Dots(self.theme.class_colors[c], self.theme.point_size),
                                   self._points_look)
        self.test_points = ItemsByClass(plot, lambda c: Dots(self.theme.class_colors[c], self.theme.point_size,
                                                             hollow=True), self._test_points_look)
        self.shown_class = 0             # the model shown with more than two classes
        self.focus_ring = Dots(theme.focus_color, theme.point_size)
        self.focus_ring.setZValue(20)
        plot.addItem(self.focus_ring)
        self.threshold_line = pg.InfiniteLine(pos=0.5, angle=0, movable=True, label="threshold {value:.2f}",
                                              labelOpts={"position": 0.15, "anchors": [(0, 1), (0, 1)]})
        self.threshold_line.setBounds((0.001, 0.999))
        self.z_line = pg.InfiniteLine(pos=0.0, angle=90, movable=False, label="z = {value:.2f}",
                                      labelOpts={"position": 0.3})
        plot.addItem(self.threshold_line, ignoreBounds=True)
        plot.addItem(self.z_line, ignoreBounds=True)
        keep_pixels(self.threshold_line.label, self.z_line.label)
        self.threshold_line.sigPositionChangeFinished.connect(
            lambda line: self.thresholdChanged.emit(float(line.value())))
        self.note = pg.TextItem(anchor=(0, 0))
        self.note.setZValue(30)                  # over the points, on a backing of its own
        plot.addItem(self.note, ignoreBounds=True)

        # each point's gradient term |∂ℓ/∂z| on a right-hand axis (View tab), with the term as a
        # function of z for either label: why squared error lets confidently wrong points go
        plot.showAxis("right")
        self.terms_box = overlay_view(plot, plot.getAxis("right"), "|∂ℓ/∂z| gradient term",
                                      theme.foreground)
        self.term_curves = [Curve() for _ in (0, 1)]
        self.terms = [pg.ScatterPlotItem(symbol="o", brush=None) for _ in (0, 1)]
        for item in (*self.term_curves, *self.terms):
            self.terms_box.addItem(item)
        self._terms_shown = None
        self._terms_key = None
        self._show_terms(False)
        self._shown = None
        self._data = None
        self._jitter = EMPTY
        self._half_width = NICE[0]
        self._axis_key = None
        self.apply_theme(theme)
        self.setToolTip("Every point at its z = θᵀx and its label (0 or 1): points on the wrong side of "
                        "the threshold are misclassified. Drag the dashed line to move the threshold.")

    def apply_theme(self, theme: Theme) -> None:
        """Every item in ``theme``'s colours and sizes (a theme or zoom change)."""
        self.theme = theme
        style_plot(self, theme, self.grid)
        self.curve.use_pen(pen(theme.curve_color, theme.line_width))
        self.points.restyle()
        self.test_points.restyle()
        self.focus_ring.set_look(theme.focus_color, theme.point_size * 2.4, hollow=True,
                                 ring_width=theme.line_width * 1.5)
        self.threshold_line.setPen(pen(theme.boundary_color, theme.line_width * 0.7, Qt.PenStyle.DashLine))
        self.z_line.setPen(pen(theme.boundary_color, theme.line_width * 0.5, Qt.PenStyle.DotLine))
        for line in (self.threshold_line, self.z_line):
            style_text(line.label, theme)
        # legible over the points, which show through its backing
        style_text(self.note, theme, fill=theme.label_fill[:7] + "99")
        for c in (0, 1):
            self.term_curves[c].use_pen(pen(theme.class_colors[c], theme.line_width * 0.6, Qt.PenStyle.DashLine))
            self.terms[c].setSize(theme.point_size * 0.7)
            self.terms[c].setPen(pg.mkPen(theme.class_colors[c], width=max(1.2, theme.line_width * 0.6)))

    def _points_look(self, c: int, item) -> None:
        item.set_look(self.theme.class_colors[c], self.theme.point_size * 0.8, outline=self.theme.point_outline)

    def _test_points_look(self, c: int, item) -> None:
        item.set_look(self.theme.class_colors[c], self.theme.point_size * 0.8, hollow=True,
                      ring_width=max(1.6, self.theme.line_width))

    def _pick(self, data) -> None:
        """The rows drawn of ``data``, each with its vertical jitter: a stratified sample of new
        data; after edits of the data drawn, the same rows and the edited ones (``follow_edit``)."""
        edits = data.edits_from(self._data)
        if edits is None:
            self._shown = shown_rows(data.y, MAX_SHOWN, seed=1)
            self._jitter = np.random.default_rng(2).uniform(-JITTER, JITTER, len(self._shown))
        for kind, index in edits or ():
            self._shown, came_from = follow_edit(self._shown, kind, index)
            kept = came_from >= 0
            jitter = np.full(len(came_from), np.random.default_rng([2, index]).uniform(-JITTER, JITTER))
            jitter[kept] = self._jitter[came_from[kept]]
            self._jitter = jitter
        self._data = data

    def show_snapshot(self, snap) -> None:
        if snap.data is not self._data:
            self._pick(snap.data)
        t = float(np.clip(snap.view.threshold, 0.001, 0.999))
        if abs(self.threshold_line.value() - t) > 1e-12 and not self.threshold_line.moving:
            self.threshold_line.setValue(t)
        z_t = float(np.log(t / (1 - t)))
        set_line(self.z_line, z_t)
        run = snap.selected
        X, y = snap.data.X[self._shown], snap.data.y[self._shown]
        many = snap.data.classes > 2
        shown_class = min(self.shown_class, snap.data.classes - 1)
        self._label_axes(snap.data, shown_class, run.spec.config.multiclass if run is not None else "ovr")
        if (run is None or not run.trained or len(X) == 0
                or len(run.theta) != theta_length(snap.data.d, run.state.degree, snap.data.classes)):
            for item in (*self.points, *self.test_points, *self.terms, self.focus_ring):
                item.setData(EMPTY, EMPTY)
            self._draw_curve(NICE[0])
            set_text(self.note, "" if run is None or run.trained else run.status_text(snap.playing, snap.position))
            self.note.setPos(-self._half_width, 1.12)
            return
        with np.errstate(all="ignore"):
            z = self._z(snap.data, run, X, shown_class)
        colours = y
        if many:
            y = (y == shown_class).astype(np.float64)
        z = np.where(np.isfinite(z), z, np.sign(np.nan_to_num(z)) * 1e300)
        reach = float(np.max(np.abs(z))) if len(z) else 0.0
        half = next((v for v in NICE if v >= 1.05 * max(reach, abs(z_t))), NICE[-1])
        clipped = np.clip(z, -half, half)
        rows = snap.rows
        test = rows.test[self._shown] if rows is not None else np.zeros(len(y), dtype=bool)
        for c in range(MAX_CLASSES):
            for items, sel in ((self.points, (colours == c) & ~test), (self.test_points, (colours == c) & test)):
                items.show(c, clipped[sel], y[sel] + self._jitter[sel])
        self._draw_curve(half)
        self._draw_focus(snap, run, half, shown_class)
        self._show_terms(snap.view.gradient_terms and not many)
        if snap.view.gradient_terms and not many:
            self._draw_terms(run.spec.config.loss, z, clipped, y, half)
        beyond = np.count_nonzero(np.abs(z) > half)
        shown = f"{len(X):,} of {snap.data.n:,} points shown" if snap.data.n > len(X) else ""
        edge = f"{beyond} points beyond ±{half:g} drawn at the edge" if beyond else ""
        # one remark per line: none runs off the plot
        set_text(self.note, "\n".join(s for s in (f"epoch {run.epoch}", shown, edge) if s))
        self.note.setPos(-half, 1.12)

    def _z(self, data, run, X: np.ndarray, shown_class: int) -> np.ndarray:
        """(n,) each row's z under the model shown: θᵀx, or with more classes the shown class's."""
        if data.classes <= 2:
            return decision_in_original_units(run.theta, X, run.state.degree)
        scores = class_scores_in_original_units(run.theta, X, run.state.degree, data.classes)
        return class_margin(scores, shown_class, run.spec.config.multiclass)

    def _label_axes(self, data, shown_class: int, method: str) -> None:
        """The axis titles and the threshold's lines for the model shown (changed only when it does)."""
        named = data.classes > 2 and not data.numbered
        key = (data.classes > 2, shown_class, method, f" ({data.class_names()[shown_class]})" if named else "")
        if key == self._axis_key:
            return
        self._axis_key = key
        many, c, _, name = key
        plot = self.getPlotItem()
        if not many:
            set_label(plot, "bottom", "z = θᵀx")
            set_label(plot, "left", "p = σ(z)")
        elif method == "ovr":
            set_label(plot, "bottom", f"z{_sub(c)} = θ{_sub(c)}ᵀx{name}")
            set_label(plot, "left", f"p{_sub(c)} = σ(z)")
        else:
            set_label(plot, "bottom", f"z{_sub(c)} − log Σⱼ≠{_sub(c)} e^zⱼ{name}")
            set_label(plot, "left", f"p{_sub(c)} = σ(z)")
        for line in (self.threshold_line, self.z_line):
            line.setVisible(not many)

    def _draw_focus(self, snap, run, half: float, shown_class: int = 0) -> None:
        """The ring around the point taken apart, at its z and label."""
        f = snap.focus                       # an index into snap.data, or None
        if f is None:
            self.focus_ring.setData(EMPTY, EMPTY)
            return
        with np.errstate(all="ignore"):
            z = self._z(snap.data, run, snap.data.X[f:f + 1], shown_class)
        z = float(np.clip(np.nan_to_num(z, nan=0.0, posinf=half, neginf=-half)[0], -half, half))
        label = float(snap.data.y[f])
        self.focus_ring.setData([z], [label if snap.data.classes <= 2 else float(label == shown_class)])

    def focus_position(self) -> np.ndarray:
        """(m, 2) where the focus ring is drawn (m is 0 or 1)."""
        return _positions(self.focus_ring)

    def _show_terms(self, on: bool) -> None:
        if on != self._terms_shown:
            self._terms_shown = on
            self.getPlotItem().getAxis("right").setVisible(on)
            for item in (*self.term_curves, *self.terms):
                item.setVisible(on)

    def _draw_terms(self, loss: str, z: np.ndarray, clipped: np.ndarray, y: np.ndarray, half: float) -> None:
        """|∂ℓ/∂z| of each shown point (at its clipped z) and of either label along z."""
        slope = LOSSES.get(loss).slope
        with np.errstate(all="ignore"):
            terms = np.abs(slope(z, y))
        for c, item in enumerate(self.terms):
            sel = y == c
            item.setData(clipped[sel], terms[sel])
        if (loss, half) != self._terms_key:
            self._terms_key = (loss, half)
            zs = np.linspace(-half, half, 400)
            tops = []
            for c, curve in enumerate(self.term_curves):
                values = np.abs(slope(zs, np.full_like(zs, c)))
                curve.setData(zs, values)
                tops.append(values.max())
            self.terms_box.setYRange(0.0, nice_ceiling(max(tops)) * 1.12, padding=0)

    def term_positions(self, label: int) -> np.ndarray:
        """(m, 2) positions (z, |∂ℓ/∂z|) drawn for the points of class ``label``."""
        return _positions(self.terms[label])

    def _draw_curve(self, half: float) -> None:
        if half != self._half_width or self.curve.xData is None or not len(self.curve.xData):
            zs = np.linspace(-half, half, 400)
            self.curve.setData(zs, sigmoid(zs))
            self.getPlotItem().setXRange(-half, half, padding=0.02)
            self._half_width = half

    def point_positions(self, label: int, test: bool = False) -> np.ndarray:
        """(m, 2) positions (z, label + jitter) drawn for the training (or ``test``) points of
        class ``label``."""
        return _positions((self.test_points if test else self.points)[label])

    def shown_rows(self) -> np.ndarray:
        return self._shown


def _positions(item) -> np.ndarray:
    """(m, 2) positions of the points ``item`` draws."""
    x, y = item.getData()
    return np.column_stack([x, y]) if x is not None and len(x) else np.empty((0, 2))


def _sub(c: int) -> str:
    """``c`` as subscript digits."""
    return str(c).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
