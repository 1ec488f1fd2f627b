"""The selected run's next update drawn on the landscape: −∇J as an arrow (scaled, its factor in
the legend), the step actually taken, the momentum carried in, the ellipse of per-coordinate step
sizes, the search direction of a line-search method and the contours of Newton's quadratic model.
Everything drawn comes from the snapshot's SliceInternals; the items are made once and updated.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt

from .plot_helpers import EMPTY, Curve, pen, set_contours, style_text

ELLIPSE_POINTS = 96
SAME = 0.01               # arrows within this share of the longer one's length are drawn as one
VISIBLE_PIXELS = 10       # an arrow shorter than this hides under the run's marker: the legend says so


class Arrow:
    """A line from a start to an end with a head at the end, in data coordinates."""

    def __init__(self, plot: pg.PlotItem, style=None, z: float = 11):
        self.style = style
        self.line = Curve()
        self.head = pg.ArrowItem(angle=0, headLen=14, tipAngle=32, tailLen=0)
        for item in (self.line, self.head):
            item.setZValue(z)
            plot.addItem(item, ignoreBounds=True)
        self.start = self.end = None

    def set_look(self, color: str, width: float) -> None:
        self.line.use_pen(pen(color, width, self.style))
        self.head.setStyle(pen=pg.mkPen(color), brush=pg.mkBrush(color), headLen=round(5 + 4.5 * width))

    def set(self, start, end, pixel: tuple[float, float]) -> None:
        """Draw from ``start`` to ``end`` ((2,) each), or nothing when either is None or not
        finite; ``pixel`` is the view's (width, height) of a pixel, which orients the head."""
        if start is None or end is None or not (np.all(np.isfinite(start)) and np.all(np.isfinite(end))):
            self.start = self.end = None
            self.line.setData(EMPTY, EMPTY)
            self.head.setVisible(False)
            return
        self.start, self.end = np.asarray(start, float), np.asarray(end, float)
        self.line.setData([start[0], end[0]], [start[1], end[1]])
        sx, sy = (end[0] - start[0]) / pixel[0], -(end[1] - start[1]) / pixel[1]   # screen y points down
        if math.hypot(sx, sy) < 3:          # shorter than the head: no head
            self.head.setVisible(False)
            return
        self.head.setStyle(angle=math.degrees(math.atan2(-sy, -sx)))
        self.head.setPos(float(end[0]), float(end[1]))
        self.head.setVisible(True)


def _same(a, b) -> bool:
    return a is not None and b is not None and \
        float(np.hypot(*(a - b))) <= SAME * max(float(np.hypot(*a)), float(np.hypot(*b)))


class InternalsLayer:
    """The items on ``plot``; ``show(internals)`` draws one SliceInternals (or hides for None).
    Arrows that coincide (gradient descent's step is −η∇J; a unit step length makes the step the
    search direction) are drawn once, with both names in the legend. With momentum, −η∇J is drawn
    from the tip of μv, so the two add up to the step before the eye."""

    def __init__(self, plot: pg.PlotItem, theme):
        self.plot = plot
        self.gradient = Arrow(plot)
        self.momentum = Arrow(plot, z=12)      # thinner, over the step along it
        self.direction = Arrow(plot, Qt.PenStyle.DashLine)
        self.step = Arrow(plot)
        self.ellipse = Curve()
        self.model = Curve()
        for item in (self.ellipse, self.model):
            item.setZValue(10)
            plot.addItem(item, ignoreBounds=True)
        self.legend = pg.TextItem(anchor=(0, 0))
        self.legend.setZValue(30)
        plot.addItem(self.legend, ignoreBounds=True)
        self.shown = None
        self._levels = None
        self._drawn = None
        self.apply_theme(theme)

    def apply_theme(self, theme) -> None:
        """Colours, widths and the legend's font from ``theme``; drawn again at the next show."""
        self.theme = theme
        w = theme.line_width
        self.gradient.set_look(theme.gradient_color, w * 1.3)
        self.momentum.set_look(theme.momentum_color, w * 0.9)
        self.direction.set_look(theme.direction_color, w * 1.2)
        self.step.set_look(theme.step_color, w * 1.6)
        self.ellipse.use_pen(pen(theme.ellipse_color, w))
        self.model.use_pen(pen(theme.ellipse_color, w * 0.7, Qt.PenStyle.DashLine))
        style_text(self.legend, theme, color=theme.legend_text, fill=theme.legend_fill)
        self._drawn = None

    def show(self, internals, levels=None, grid=None) -> None:
        """Draw ``internals`` (core.anatomy.SliceInternals); ``levels`` are the landscape's
        contour levels and ``grid`` its (u, v), for Newton's model."""
        box = self.plot.getViewBox()
        pixel = box.viewPixelSize()
        # drawn again only for a new answer or grid, or a moved or zoomed view (not every frame)
        drawn = (pixel, tuple(map(tuple, box.viewRange())))
        if internals is self.shown and levels is self._levels and drawn == self._drawn:
            return
        self.shown, self._levels, self._drawn = internals, levels, drawn
        arrows = (self.gradient, self.momentum, self.direction, self.step)
        if internals is None or not all(p > 0 for p in pixel):
            for arrow in arrows:
                arrow.set(None, None, (1, 1))
            self.ellipse.setData(EMPTY, EMPTY)
            self.model.setData(EMPTY, EMPTY)
            self.legend.setVisible(False)
            return
        o, m, t = internals.origin, internals.scale, self.theme
        entries: list[list] = []          # [colour, names]
        drawn: list = []                  # (vector, entry) of the arrows drawn
        tail = o if internals.momentum is None else o + m * internals.momentum
        for arrow, start, vector, colour, name in (
                (self.momentum, o, internals.momentum, t.momentum_color, "μv, the velocity carried in"),
                (self.gradient, tail, internals.gradient, t.gradient_color, internals.gradient_label),
                (self.direction, o, internals.direction, t.direction_color, "search direction d"),
                (self.step, o, internals.step, t.step_color, "step taken")):
            twin = next((entry for v, entry in drawn if _same(v, vector)), None)
            if vector is None or twin is not None:
                arrow.set(None, None, pixel)
                if twin is not None:
                    twin[1] += f" = {name}"
                continue
            arrow.set(start, start + m * vector, pixel)
            entry = [colour, name]
            if np.hypot(m * vector[0] / pixel[0], m * vector[1] / pixel[1]) < VISIBLE_PIXELS:
                entry[1] += " (too short to see)"
            entries.append(entry)
            drawn.append((vector, entry))
        (x0, x1), (y0, y1) = box.viewRange()
        a = internals.ellipse_axes
        if a is not None and np.all(np.isfinite(a)):
            a = np.minimum(m * a, 2 * max(x1 - x0, y1 - y0))     # a needle, not a line across the screen
            t = np.linspace(0.0, 2.0 * np.pi, ELLIPSE_POINTS)
            self.ellipse.setData(o[0] + a[0] * np.cos(t), o[1] + a[1] * np.sin(t))
            entries.append([t.ellipse_color, "per-coordinate step sizes ηᵢ (the step ends on it)"])
        else:
            self.ellipse.setData(EMPTY, EMPTY)
        if internals.model is not None and grid is not None and levels is not None and len(levels):
            set_contours(self.model, grid[0], grid[1], internals.model, levels)
            entries.append([t.ellipse_color, "Newton's quadratic model (dashed)"])
        else:
            self.model.setData(EMPTY, EMPTY)
        scale = f"arrows × {m:g}<br>" if m != 1 else ""
        self.legend.setHtml(scale + "<br>".join(f"<span style='color:{c}'>━━</span> {t}" for c, t in entries))
        self.legend.setPos(x0, y1)
        self.legend.setVisible(True)
