"""Small drawing helpers shared by the plot views: finite-only data, contour lines, colour maps."""

from __future__ import annotations

import contourpy
import numpy as np
import pyqtgraph as pg
from pyqtgraph.Qt import internals
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem

EMPTY = np.empty(0)


def finite_xy(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs of (x, y) where both are finite: plot items never receive NaN or infinity."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    keep = np.isfinite(x) & np.isfinite(y)
    if keep.all():
        return x, y
    return x[keep], y[keep]


def contour_lines(xs: np.ndarray, ys: np.ndarray, values: np.ndarray, levels):
    """The level sets ``values == level`` for each of ``levels`` over the grid (values[j, i] at
    (xs[i], ys[j])), as (x, y, connect) arrays for one PlotCurveItem: points joined where
    ``connect`` is True."""
    finite = np.isfinite(values)
    if not finite.any():
        return EMPTY, EMPTY, np.empty(0, dtype=bool)
    z = np.where(finite, values, np.nanmax(np.where(finite, values, -np.inf)))
    generator = contourpy.contour_generator(xs, ys, z, line_type="Separate")
    lines = [ln for level in np.atleast_1d(levels) for ln in generator.lines(float(level))
             if len(ln) > 1 and np.isfinite(ln).all()]
    if not lines:
        return EMPTY, EMPTY, np.empty(0, dtype=bool)
    pts = np.concatenate(lines)
    connect = np.ones(len(pts), dtype=bool)
    connect[np.cumsum([len(ln) for ln in lines]) - 1] = False
    return pts[:, 0], pts[:, 1], connect


def set_contours(item: pg.PlotCurveItem, xs, ys, values, levels) -> None:
    x, y, connect = contour_lines(xs, ys, values, levels)
    item.setData(x, y, connect=connect if len(x) else "all")


def two_colour_lut(low: str, high: str, alpha: int = 90) -> np.ndarray:
    """A 256-entry RGBA table from ``low`` through white to ``high``: probability shading."""
    lo, hi = QColor(low), QColor(high)
    t = np.linspace(-1.0, 1.0, 256)[:, None]
    white = np.array([255.0, 255.0, 255.0])
    lo_rgb = np.array([lo.red(), lo.green(), lo.blue()], float)
    hi_rgb = np.array([hi.red(), hi.green(), hi.blue()], float)
    rgb = np.where(t < 0, white + (-t) * (lo_rgb - white), white + t * (hi_rgb - white))
    a = (np.abs(t) * alpha)
    return np.hstack([rgb, a]).astype(np.ubyte)


def pen(color: str, width: float, style=None) -> "pg.QtGui.QPen":
    p = pg.mkPen(color=color, width=width)
    if style is not None:
        p.setStyle(style)
    return p


def style_axes(plot_item: pg.PlotItem, theme) -> None:
    """Axis fonts and colours from the theme, and each axis rendered into a pixmap that is
    redrawn only when the axis changes: axes are text, and repainting text on every frame costs
    more than everything else in a plot."""
    font = QFont()
    font.setPointSizeF(theme.font_size)
    for name in ("left", "bottom", "right", "top"):
        axis = plot_item.getAxis(name)
        axis.setStyle(tickFont=font)
        axis.setTextPen(theme.foreground)
        axis.labelStyle = {"font-size": f"{theme.font_size * 1.1:g}pt", "color": theme.foreground}
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


def set_text(item: pg.TextItem, text: str) -> None:
    """Set a TextItem's text only when it changes (each change re-lays out rich text)."""
    if getattr(item, "_lrgui_text", None) != text:
        item._lrgui_text = text
        item.setText(text)


def set_line(line: pg.InfiniteLine, value: float) -> None:
    """Move an InfiniteLine only when it moves (its label is re-rendered on every move)."""
    if line.value() != value:
        line.setValue(value)


_DASHES = {"solid": "SolidLine", "dash": "DashLine", "dot": "DotLine", "dashdot": "DashDotLine",
           "dashdotdot": "DashDotDotLine"}


def dash_style(name: str):
    """The Qt pen style of a run's dash pattern name (see core.session.RUN_DASHES)."""
    return getattr(Qt.PenStyle, _DASHES.get(name, "SolidLine"))


def run_pen(color: str, dash: str, width: float, alpha: float = 1.0):
    """A cosmetic pen for a run's line: its colour, its dash pattern, ``width`` pixels."""
    c = QColor(color)
    c.setAlphaF(alpha)
    p = pg.mkPen(color=c, width=width)
    p.setStyle(dash_style(dash))
    p.setCosmetic(True)
    return p


class Dots(pg.GraphicsObject):
    """Many round dots of one look, stamped from one antialiased picture in a single call: for
    points that move every frame, where a ScatterPlotItem would walk every point in Python.
    Positions in data coordinates; ``size`` is the dot's diameter in pixels. A dot is filled with
    ``color`` and edged with ``outline``, or (``hollow``) is only a ring of ``color``."""

    def __init__(self, color: str, size: float, outline: str | None = "#ffffff", hollow: bool = False,
                 ring_width: float = 1.6):
        super().__init__()
        self._look = (color, float(size), outline, hollow, ring_width)
        self._size = float(size)
        self._stamp = None                   # (device pixel ratio, QPixmap)
        self._xy = np.empty((0, 2))
        self._bounds = QRectF()
        self._fragments = internals.PrimitiveArray(QPainter.PixmapFragment, 10)

    def _pixmap(self, ratio: float):
        """The dot, drawn once per device pixel ratio."""
        if self._stamp is not None and self._stamp[0] == ratio:
            return self._stamp[1]

        color, size, outline, hollow, ring = self._look
        side = int(np.ceil((size + 2 * ring + 2) * ratio))
        pixmap = QPixmap(side, side)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.scale(ratio, ratio)
        half = side / ratio / 2
        box = QRectF(half - size / 2, half - size / 2, size, size)
        if hollow:
            painter.setPen(QPen(QColor(color), ring))
            painter.setBrush(Qt.BrushStyle.NoBrush)
        else:
            painter.setPen(QPen(QColor(outline), ring) if outline else Qt.PenStyle.NoPen)
            painter.setBrush(QColor(color))
        painter.drawEllipse(box)
        painter.end()
        pixmap.setDevicePixelRatio(ratio)
        self._stamp = (ratio, pixmap)
        return pixmap

    def setData(self, x, y) -> None:              # noqa: N802 (pyqtgraph's name)
        x, y = finite_xy(x, y)
        self.prepareGeometryChange()
        self._xy = np.column_stack([x, y])
        if len(x):
            self._bounds = QRectF(float(x.min()), float(y.min()),
                                            float(x.max() - x.min()), float(y.max() - y.min()))
        else:
            self._bounds = QRectF()
        self.update()

    def getData(self):                            # noqa: N802
        return self._xy[:, 0], self._xy[:, 1]

    def boundingRect(self):                       # noqa: N802
        # the dots reach a few pixels beyond their centres
        px = self.pixelLength(pg.Point(1, 0)) or 0.0
        py = self.pixelLength(pg.Point(0, 1)) or 0.0
        pad = self._size
        return self._bounds.adjusted(-pad * px, -pad * py, pad * px, pad * py)

    def dataBounds(self, axis, frac=1.0, orthoRange=None):   # noqa: N802
        if not len(self._xy):
            return None, None
        values = self._xy[:, axis]
        return float(values.min()), float(values.max())

    def paint(self, painter, option=None, widget=None) -> None:
        if not len(self._xy):
            return
        ratio = widget.devicePixelRatioF() if widget is not None else painter.device().devicePixelRatioF()
        pixmap = self._pixmap(ratio)
        device = pg.functions.transformCoordinates(painter.transform(), self._xy.T).T
        painter.resetTransform()
        self._fragments.resize(len(device))
        f = self._fragments.ndarray()
        f[:, 0:2] = device                                   # centre of each stamp
        f[:, 2:6] = [0, 0, pixmap.width(), pixmap.height()]  # the whole picture (device pixels)
        f[:, 6:10] = [1 / ratio, 1 / ratio, 0.0, 1.0]        # scale, rotation, opacity
        painter.drawPixmapFragments(*self._fragments.drawargs(), pixmap)
