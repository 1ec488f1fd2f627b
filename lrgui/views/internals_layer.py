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
from PySide6.QtGui import QFont

from .plot_helpers import EMPTY, Curve, pen, set_contours

GRADIENT, STEP, VELOCITY, DIRECTION, ELLIPSE, MODEL = (
    "#FFFFFF", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#F0E442")
ELLIPSE_POINTS = 96


class Arrow:
    """A line from a start to an end with a head at the end, in data coordinates."""

    def __init__(self, plot: pg.PlotItem, color: str, width: float, style=None):
        self.line = Curve(pen=pen(color, width, style))
        self.head = pg.ArrowItem(angle=0, headLen=14, tipAngle=32, tailLen=0,
                                 pen=pg.mkPen(color), brush=pg.mkBrush(color))
        for item in (self.line, self.head):
            item.setZValue(11)
            plot.addItem(item, ignoreBounds=True)
        self.start = self.end = None

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


class InternalsLayer:
    """The items on ``plot``; ``show(internals)`` draws one SliceInternals (or hides for None)."""

    def __init__(self, plot: pg.PlotItem, theme):
        self.plot = plot
        w = theme.line_width
        self.gradient = Arrow(plot, GRADIENT, w * 1.2)
        self.velocity = Arrow(plot, VELOCITY, w * 1.2)
        self.direction = Arrow(plot, DIRECTION, w * 1.1, Qt.PenStyle.DashLine)
        self.step = Arrow(plot, STEP, w * 1.6)
        self.ellipse = Curve(pen=pen(ELLIPSE, w))
        self.model = Curve(pen=pen(MODEL, w * 0.7, Qt.PenStyle.DashLine))
        for item in (self.ellipse, self.model):
            item.setZValue(10)
            plot.addItem(item, ignoreBounds=True)
        self.legend = pg.TextItem(anchor=(0, 0), fill=pg.mkBrush(0, 0, 0, 150))
        font = QFont(self.legend.textItem.font())
        font.setPointSizeF(theme.font_size)
        self.legend.textItem.setFont(font)
        self.legend.setZValue(30)
        plot.addItem(self.legend, ignoreBounds=True)
        self.shown = None

    def show(self, internals, levels=None, grid=None) -> None:
        """Draw ``internals`` (core.anatomy.SliceInternals); ``levels`` are the landscape's
        contour levels and ``grid`` its (u, v), for Newton's model."""
        self.shown = internals
        pixel = self.plot.getViewBox().viewPixelSize()
        if internals is None or not all(p > 0 for p in pixel):
            for arrow in (self.gradient, self.velocity, self.direction, self.step):
                arrow.set(None, None, (1, 1))
            self.ellipse.setData(EMPTY, EMPTY)
            self.model.setData(EMPTY, EMPTY)
            self.legend.setVisible(False)
            return
        o = internals.origin
        entries = []
        self.gradient.set(o, o + internals.gradient_scale * internals.gradient, pixel)
        entries.append((GRADIENT, f"−∇J × {internals.gradient_scale:g}"))
        m = internals.step_scale
        times = f" × {m:g}" if m != 1 else ""
        step = internals.step
        self.step.set(o, None if step is None else o + m * step, pixel)
        if step is not None:
            entries.append((STEP, "step taken" + times))
        v = internals.velocity
        self.velocity.set(o, None if v is None else o + m * v, pixel)
        if v is not None:
            entries.append((VELOCITY, "velocity carried in" + times))
        d = internals.direction
        self.direction.set(o, None if d is None else o + m * d, pixel)
        if d is not None:
            entries.append((DIRECTION, "search direction d (α = 1)" + times))
        a = None if internals.ellipse_axes is None else m * internals.ellipse_axes
        if a is not None and np.all(np.isfinite(a)):
            t = np.linspace(0.0, 2.0 * np.pi, ELLIPSE_POINTS)
            self.ellipse.setData(o[0] + a[0] * np.cos(t), o[1] + a[1] * np.sin(t))
            entries.append((ELLIPSE, "per-coordinate step sizes" + times))
        else:
            self.ellipse.setData(EMPTY, EMPTY)
        if internals.model is not None and grid is not None and levels is not None and len(levels):
            set_contours(self.model, grid[0], grid[1], internals.model, levels)
            entries.append((MODEL, "Newton's quadratic model"))
        else:
            self.model.setData(EMPTY, EMPTY)
        self.legend.setHtml("<br>".join(f"<span style='color:{c}'>━</span> "
                                         f"<span style='color:#fff'>{t}</span>" for c, t in entries))
        (x0, _), (_, y1) = self.plot.getViewBox().viewRange()
        self.legend.setPos(x0, y1)
        self.legend.setVisible(True)
