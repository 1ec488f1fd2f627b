"""Small drawing helpers shared by the plot views: finite-only data, contour lines, colour maps."""

from __future__ import annotations

import contourpy
import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

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
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QGraphicsItem

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
