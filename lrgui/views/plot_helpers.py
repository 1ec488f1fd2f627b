"""Small drawing helpers shared by the plot views: finite-only data, contour lines, colour maps."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.ViewBox.ViewBoxMenu import ViewBoxMenu
from pyqtgraph.Qt import internals
from PySide6.QtCore import QLineF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QGraphicsTextItem

from .theme import rgba

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
    import contourpy

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


def contour_lines_many(xs: np.ndarray, ys: np.ndarray, grids: list[np.ndarray], level: float = 0.0):
    """The level set ``level`` of each of ``grids`` (as ``contour_lines``), all in one set of
    (x, y, connect) arrays."""
    parts = [contour_lines(xs, ys, values, level) for values in grids]
    parts = [p for p in parts if len(p[0])]
    if not parts:
        return EMPTY, EMPTY, np.empty(0, dtype=bool)
    return tuple(np.concatenate([p[i] for p in parts]) for i in range(3))


def set_contours(item: pg.PlotCurveItem, xs, ys, values, levels) -> None:
    x, y, connect = contour_lines(xs, ys, values, levels)
    item.setData(x, y, connect=connect if len(x) else "all")


def two_colour_lut(low: str, high: str, background: str, strength: float = 90 / 255) -> np.ndarray:
    """A 256-entry RGB table from ``low`` through ``background`` to ``high``, each end mixed into
    the background at ``strength``: probability shading. The table is opaque (the mix is done
    here, not by the painter), so the image is copied to the screen rather than blended."""
    lo, hi, bg = (QColor(c) for c in (low, high, background))
    t = np.linspace(-1.0, 1.0, 256)[:, None] * strength
    bg_rgb = np.array([bg.red(), bg.green(), bg.blue()], float)
    lo_rgb = np.array([lo.red(), lo.green(), lo.blue()], float)
    hi_rgb = np.array([hi.red(), hi.green(), hi.blue()], float)
    rgb = np.where(t < 0, bg_rgb + (-t) * (lo_rgb - bg_rgb), bg_rgb + t * (hi_rgb - bg_rgb))
    return np.round(rgb).astype(np.ubyte)


def pen(color: str, width: float, style=None) -> "pg.QtGui.QPen":
    p = pg.mkPen(color=color, width=width)
    if style is not None:
        p.setStyle(style)
    return p


def nice_ceiling(value: float) -> float:
    """The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ value (value > 0)."""
    exponent = np.floor(np.log10(value))
    for mantissa in (1.0, 2.0, 2.5, 5.0, 10.0):
        if mantissa * 10**exponent >= value * (1 - 1e-12):
            return float(mantissa * 10**exponent)
    return float(10 ** (exponent + 1))


class MenuOnDemandViewBox(pg.ViewBox):
    """A ViewBox whose context menu (View All, each axis's range, the mouse mode) is made when it
    is first opened: pyqtgraph makes it with the box, a few milliseconds of every plot's start."""

    def __init__(self, **kwargs):
        super().__init__(enableMenu=False, **kwargs)
        self.state["enableMenu"] = True

    def getMenu(self, ev):                       # noqa: N802 (pyqtgraph's name)
        if self.menu is None and self.menuEnabled():
            self.menu = ViewBoxMenu(self)
            self.updateViewLists()               # what a menu made with the box would list
        return self.menu

    def getContextMenus(self, event):            # noqa: N802
        return self.getMenu(event).actions() if self.menuEnabled() else []


def overlay_view(plot: pg.PlotItem, axis: pg.AxisItem, label: str, color: str) -> pg.ViewBox:
    """A ViewBox laid over ``plot``'s own, sharing its x axis, whose y values ``axis`` shows
    (labelled ``label`` in ``color``): a second quantity on a scale of its own. The mouse does
    not zoom it; it follows the plot's size."""
    box = MenuOnDemandViewBox()
    plot.scene().addItem(box)
    axis.linkToView(box)
    axis.setLabel(label, **{**axis.labelStyle, "color": color})
    plain_ticks(axis)
    box.setXLink(plot)
    box.setMouseEnabled(x=False, y=False)

    def follow() -> None:
        box.setGeometry(plot.vb.sceneBoundingRect())
        box.linkedViewChanged(plot.vb, box.XAxis)

    plot.vb.sigResized.connect(follow)
    follow()
    return box


def style_axes(plot_item: pg.PlotItem, theme, axes=None) -> None:
    """Axis fonts and colours from the theme, and each axis rendered into a pixmap that is
    redrawn only when the axis changes: axes are text, and repainting text on every frame costs
    more than everything else in a plot. Ticks show plain numbers (2e+154), never a unit prefix
    beside the label (x₁ (x1e+27) over ticks of 2e+127 misleads). ``axes`` (default: the plot's
    four) are the AxisItems to style; called again with another theme, restyles them."""
    font = pixel_font(theme.px())
    for axis in axes or [plot_item.getAxis(name) for name in ("left", "bottom", "right", "top")]:
        axis.enableAutoSIPrefix(False)
        axis.setStyle(tickFont=font, tickTextOffset=max(3, round(theme.font_px * 0.3)))
        axis.setPen(theme.foreground)
        axis.setTextPen(theme.foreground)
        style = {"font-size": f"{theme.px(1.1)}px", "color": theme.foreground}
        if axis.labelText or axis.labelUnits:
            axis.setLabel(axis.labelText, axis.labelUnits, **style)
        else:
            axis.labelStyle = style
        plain_ticks(axis)
        axis.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


NO_SI_PREFIX = ((np.inf, np.inf),)     # value ranges where pyqtgraph would scale ticks: none


def plain_ticks(axis: pg.AxisItem) -> None:
    """Ticks as plain numbers: pyqtgraph would otherwise show 0 … 50 for 0 … 0.05 and name the
    milli only beside a unit, which these axes do not have. (Setting a label restores its
    default, so every label goes through ``set_label``.)"""
    axis.setSIPrefixEnableRanges(NO_SI_PREFIX)
    axis.updateAutoSIPrefix()


def set_label(plot_item: pg.PlotItem, side: str, text: str) -> None:
    """The label of the axis at ``side`` (its style kept; "" hides it), ticks kept plain."""
    axis = plot_item.getAxis(side)
    axis.setLabel(text or None)
    plain_ticks(axis)


class FittingLabel:
    """The label of ``axis``: the first of its texts (the longest first) that fits along the
    axis, else the last one cut with "…"; chosen again when the axis is resized (call ``fit``
    after restyling it). A label longer than its axis is cut off at the ends, and a projector's
    large type on a short plot would cut "θ: x2 (standardised)" to "(standardis"."""

    def __init__(self, axis: pg.AxisItem):
        self.axis = axis
        self.texts: tuple[str, ...] = ()
        axis.geometryChanged.connect(self.fit)

    def set(self, *texts: str) -> None:
        self.texts = texts
        self.fit()

    def fit(self) -> None:
        if not self.texts:
            return
        axis = self.axis
        room = 0.95 * (axis.height() if axis.orientation in ("left", "right") else axis.width())
        size = str(axis.labelStyle.get("font-size", "")).removesuffix("px")
        metrics = QFontMetrics(pixel_font(int(float(size))) if size else QFont())
        text = next((t for t in self.texts if metrics.horizontalAdvance(t) <= room), None)
        if text is None:
            text = metrics.elidedText(self.texts[-1], Qt.TextElideMode.ElideRight, max(0, int(room)))
        if text != axis.labelText:
            axis.setLabel(text)                    # (its style kept)
            plain_ticks(axis)


def tint_axis(axis: pg.AxisItem, color: str) -> None:
    """An axis's ticks and label in ``color`` (an axis for a second quantity, in that quantity's
    colour); its size stays the theme's."""
    axis.setTextPen(color)
    axis.setLabel(axis.labelText, axis.labelUnits, **{**axis.labelStyle, "color": color})
    plain_ticks(axis)


def pixel_font(px: int, base: QFont | None = None) -> QFont:
    """``base`` (default: the application's font) at ``px`` pixels."""
    font = QFont(base) if base is not None else QFont()
    font.setPixelSize(max(1, int(px)))
    return font


def style_text(item: pg.TextItem, theme, factor: float = 1.0, color: str | None = None, fill: str | None = None,
               border: bool = False) -> None:
    """A TextItem (or an InfiniteLine's label) in the theme: its colour (default: the
    foreground), ``factor`` × the theme's font, ``fill`` behind it and a border if asked."""
    # Qt keeps a cached text's old pixels (or none) through a font change: drop the cache meanwhile.
    text = item.textItem
    modes = [(part, part.cacheMode()) for part in (item, text)]
    for part, _mode in modes:
        part.setCacheMode(QGraphicsItem.CacheMode.NoCache)
    item.setColor(color or theme.foreground)
    font = pixel_font(theme.px(factor), text.font())
    if font != text.font():
        item.setFont(font)
    for part, mode in modes:
        part.setCacheMode(mode)
    if fill is not None:
        item.fill = pg.mkBrush(rgba(fill))
    if border:
        item.border = pg.mkPen(theme.foreground, width=1)
    item.update()


def style_plot(widget: pg.PlotWidget, theme, grid: "Grid | None" = None, legend=None) -> None:
    """The background, axes, grid and legend of a plot widget in ``theme``."""
    widget.setBackground(theme.background)
    style_axes(widget.getPlotItem(), theme)
    # room above the plot for half a tick number: the top one is centred on the plot's edge
    left, _top, right, bottom = widget.getPlotItem().layout.getContentsMargins()
    widget.getPlotItem().layout.setContentsMargins(left, max(1.0, theme.px() * 0.6), right, bottom)
    if grid is not None:
        grid.set_color(theme.foreground, theme.grid_strength)
    if legend is not None:
        legend.setLabelTextColor(theme.foreground)
        legend.setLabelTextSize(f"{theme.px(0.85)}px")      # a legend is read up close: it covers less


def keep_pixels(*items) -> None:
    """Keep the pixels of ``items`` and of every text inside them between frames: text that
    changes rarely (legends, line labels, notes) is then copied, not laid out again, whenever a
    curve beneath it is redrawn."""
    for item in items:
        for part in (item, *item.childItems()):
            if part is item or isinstance(part, QGraphicsTextItem):
                part.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)


class Grid(pg.GraphicsObject):
    """Lines at the major ticks of a plot's bottom and left axes, drawn under the data.

    pyqtgraph draws its grid as part of each axis, so an axis spans the whole plot and, cached,
    costs a full-size picture to copy on every frame; these few lines cost little to stroke. Their
    positions are worked out again only when the view's range or size changes; ``strength`` is
    their opacity."""

    def __init__(self, plot_item: pg.PlotItem, color: str, strength: float = 0.15):
        super().__init__()
        self._axes = (plot_item.getAxis("bottom"), plot_item.getAxis("left"))
        self.set_color(color, strength)
        self._at: tuple[np.ndarray, np.ndarray] = (EMPTY, EMPTY)     # x of vertical, y of horizontal lines
        self._rect = QRectF()
        self.setZValue(-8)
        plot_item.addItem(self, ignoreBounds=True)

    def set_color(self, color: str, strength: float = 0.15) -> None:
        c = QColor(color)
        c.setAlphaF(strength)
        self._pen = QPen(c, 1)
        self._pen.setCosmetic(True)
        self.update()

    def viewTransformChanged(self):               # noqa: N802 (pyqtgraph's name)
        super().viewTransformChanged()
        vb = self.getViewBox()
        if vb is None:
            return
        rect = vb.viewRect()
        at = []
        for axis, lo, hi, pixels in ((self._axes[0], rect.left(), rect.right(), vb.width()),
                                     (self._axes[1], rect.top(), rect.bottom(), vb.height())):
            levels = axis.tickValues(lo, hi, pixels) if pixels > 0 and np.isfinite([lo, hi]).all() and hi > lo else []
            values = np.asarray(levels[0][1] if levels else [], dtype=np.float64)
            at.append(values[(values >= lo) & (values <= hi)])
        self._at = tuple(at)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = QRectF(rect)
        self.update()

    def boundingRect(self):                       # noqa: N802
        return QRectF(self._rect)

    def paint(self, painter, option=None, widget=None) -> None:
        if self._rect.isEmpty():
            return
        t = painter.transform()                 # the view's: a scale and a shift, no rotation
        box = t.mapRect(self._rect)
        xs = np.round(t.m11() * self._at[0] + t.dx()) + 0.5
        ys = np.round(t.m22() * self._at[1] + t.dy()) + 0.5
        lines = ([QLineF(x, box.top(), x, box.bottom()) for x in xs.tolist()]
                 + [QLineF(box.left(), y, box.right(), y) for y in ys.tolist()])
        if lines:
            painter.resetTransform()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(self._pen)
            painter.drawLines(lines)


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


QT_PATH_LIMIT = 1e100          # coordinates a QPainterPath keeps (it drops points beyond ~1e128)


class Curve(pg.PlotCurveItem):
    """A PlotCurveItem whose line is stroked in device pixels.

    Qt's raster engine strokes a cosmetic pen under a scaling transform many times slower than
    the same path already in device coordinates (a straight boundary across the plane: about
    2.5 ms against 0.2 ms), so a plain line (no fill, no shadow) is mapped to the device first.
    Everything else is drawn as pyqtgraph draws it."""

    def boundingRect(self):                       # noqa: N802 (Qt's name)
        # pyqtgraph's, without its general data-bounds machinery (NaN-aware minima inside a
        # warnings guard), which Qt calls for many times a frame: the items here only ever hold
        # finite data. The result is kept until the data, the pen or the view change.
        if self._boundingRect is None:
            x, y = self.xData, self.yData
            if x is None or not len(x):
                return QRectF()
            x0, x1, y0, y1 = float(x.min()), float(x.max()), float(y.min()), float(y.max())
            if not np.isfinite([x0, x1, y0, y1]).all():
                return super().boundingRect()
            px = py = 0.0
            pad = self.pixelPadding()
            if pad > 0:
                vx, vy = self.pixelVectors()
                px = 0.0 if vx is None else vx.length() * pad
                py = 0.0 if vy is None else vy.length() * pad
            self._boundingRect = QRectF(x0 - px, y0 - py, (x1 - x0) + 2 * px, (y1 - y0) + 2 * py)
            self._huge = max(abs(x0), abs(x1), abs(y0), abs(y1)) > QT_PATH_LIMIT
        return self._boundingRect

    def use_pen(self, pen) -> None:
        """Draw with ``pen`` from now on (nothing happens when it is already the pen in use:
        pyqtgraph's setPen copies the pen and repaints)."""
        if getattr(self, "_pen_in_use", None) is not pen:
            self._pen_in_use = pen
            self.setPen(pen)

    def paint(self, painter, option, widget) -> None:
        pen = self.opts["pen"]
        plain = (self.opts["fillLevel"] is None and self.opts["shadowPen"] is None
                 and self.opts["compositionMode"] is None and pen.isCosmetic())
        if not plain:
            return super().paint(painter, option, widget)
        if self.xData is None or not len(self.xData) or pen.style() == Qt.PenStyle.NoPen:
            return
        export = self._exportOpts
        painter.setRenderHint(QPainter.RenderHint.Antialiasing,
                              export.get("antialias", True) if export is not False else self.opts["antialias"])
        self.boundingRect()
        if getattr(self, "_huge", False):
            path = self._device_path(painter.transform())
        else:
            path = painter.transform().map(self.getPath())
        painter.resetTransform()
        painter.setPen(pen)
        painter.drawPath(path)


    def _device_path(self, transform):
        """The curve in device pixels, mapped in float64 here: QPainterPath drops points beyond
        about 1e128, so data near 1e154 cannot go through a path in data coordinates."""
        t = transform
        x, y = self.xData, self.yData
        with np.errstate(over="ignore", invalid="ignore"):
            dx = t.m11() * x + t.m21() * y + t.dx()
            dy = t.m12() * x + t.m22() * y + t.dy()
        np.clip(dx, -QT_PATH_LIMIT, QT_PATH_LIMIT, out=dx)     # (far outside the window anyway)
        np.clip(dy, -QT_PATH_LIMIT, QT_PATH_LIMIT, out=dy)
        return pg.arrayToQPath(dx, dy, connect=self.opts["connect"])


class Raster(pg.GraphicsObject):
    """An opaque picture spread over a rectangle of data coordinates and scaled to it in device
    pixels: for a picture made anew every frame (the probability shading), where pyqtgraph's
    ImageItem, drawn under the view's transform, takes several times longer."""

    def __init__(self):
        super().__init__()
        self._image: QImage | None = None
        self._pixels = np.empty((0, 0), dtype=np.uint32)     # the image's memory
        self._rect = QRectF()

    def set_pixels(self, pixels: np.ndarray, rect: QRectF) -> None:
        """Show ``pixels``, (rows, columns) of 0xffRRGGBB, row 0 at the bottom of ``rect`` (the
        lowest y), column 0 at its left."""
        self._pixels = np.ascontiguousarray(pixels[::-1], dtype=np.uint32)
        rows, cols = self._pixels.shape
        self._image = QImage(self._pixels.data, cols, rows, 4 * cols, QImage.Format.Format_RGB32)
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = QRectF(rect)
        self.update()

    def pixels(self) -> np.ndarray:
        """The picture as set, row 0 at the bottom."""
        return self._pixels[::-1]

    def boundingRect(self):                       # noqa: N802 (Qt's name)
        return QRectF(self._rect)

    def paint(self, painter, option=None, widget=None) -> None:
        if self._image is None or self._rect.isEmpty():
            return
        transform = painter.transform()
        # rows are stored top row first for a view whose y grows upwards (device y downwards)
        image = self._image if transform.m22() < 0 else self._image.mirrored(False, True)
        target = transform.mapRect(self._rect)
        painter.resetTransform()
        painter.drawImage(target, image)


def lut_pixels(lut: np.ndarray) -> np.ndarray:
    """A (256, 3) RGB table as 256 opaque 0xffRRGGBB values for ``Raster``."""
    lut = np.asarray(lut, dtype=np.uint32)
    return np.uint32(0xFF000000) | (lut[:, 0] << 16) | (lut[:, 1] << 8) | lut[:, 2]


class Dots(pg.GraphicsObject):
    """Many round dots of one look, stamped from one antialiased picture in a single call: for
    points that move every frame, where a ScatterPlotItem would walk every point in Python.
    Positions in data coordinates; ``size`` is the dot's diameter in pixels. A dot is filled with
    ``color`` and edged with ``outline``, or (``hollow``) is only a ring of ``color``."""

    def __init__(self, color: str, size: float, outline: str | None = None, hollow: bool = False,
                 ring_width: float = 1.6):
        super().__init__()
        self._look = (color, float(size), outline, hollow, ring_width)
        self._size = float(size)
        self._stamp = None                   # (device pixel ratio, QPixmap)
        self._xy = np.empty((0, 2))
        self._bounds = QRectF()
        self._padded: QRectF | None = None
        self._fragments = internals.PrimitiveArray(QPainter.PixmapFragment, 10)

    def set_look(self, color: str, size: float, outline: str | None = None, hollow: bool = False,
                 ring_width: float = 1.6) -> None:
        """Another colour or size for every dot (a theme or zoom change)."""
        self.prepareGeometryChange()
        self._look = (color, float(size), outline, hollow, ring_width)
        self._size = float(size)
        self._stamp = None
        self._padded = None
        self.update()

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
        self._padded = None
        self.update()

    def getData(self):                            # noqa: N802
        return self._xy[:, 0], self._xy[:, 1]

    def viewTransformChanged(self):               # noqa: N802 (pyqtgraph's name)
        super().viewTransformChanged()
        self.prepareGeometryChange()
        self._padded = None

    def boundingRect(self):                       # noqa: N802
        # the dots reach a few pixels beyond their centres; kept until the data or the view change
        if self._padded is None:
            px = self.pixelLength(pg.Point(1, 0)) or 0.0
            py = self.pixelLength(pg.Point(0, 1)) or 0.0
            pad = self._size
            self._padded = self._bounds.adjusted(-pad * px, -pad * py, pad * px, pad * py)
        return QRectF(self._padded)

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


class LogAxis(pg.AxisItem):
    """A log-scale axis labelled in plain numbers (0.001 … 10), only at 1, 2 and 5 × 10ᵏ when a
    decade would hold more labels than fit (0.02, 0.05, 0.1 rather than every one of 0.02 … 0.09)."""

    def logTickStrings(self, values, scale, spacing):          # noqa: N802 (pyqtgraph's name)
        mantissas = [round(10 ** (v % 1.0), 6) if np.isfinite(v) else 0.0 for v in values]
        crowded = len(values) > 6
        return ["" if not np.isfinite(v) or (crowded and m not in (1.0, 2.0, 5.0, 10.0)) else f"{10 ** v:g}"
                for v, m in zip(values, mantissas)]


class ItemsByClass:
    """One plot item per class, made the first time a class needs one: ``make(c)`` builds it,
    it is added to ``plot`` at Z value ``z`` and given its look by ``look(c, item)``. Data of two
    classes never pay for the items of the other eight (each costs about a millisecond to make).
    Iterating gives the items made so far."""

    def __init__(self, plot, make, look, z: float = 0.0):
        self._plot, self._make, self._look, self._z = plot, make, look, z
        self._items: dict[int, object] = {}

    def __getitem__(self, c: int):
        item = self._items.get(c)
        if item is None:
            item = self._items[c] = self._make(c)
            item.setZValue(self._z)
            self._plot.addItem(item)
            self._look(c, item)
        return item

    def __iter__(self):
        return iter([self._items[c] for c in sorted(self._items)])

    def classes(self) -> list[int]:
        """The classes whose item has been made."""
        return sorted(self._items)

    def show(self, c: int, x: np.ndarray, y: np.ndarray) -> None:
        """Class ``c``'s points (x, y); nothing made when there are none."""
        if len(x):
            self[c].setData(x, y)
        elif c in self._items:
            self._items[c].setData(EMPTY, EMPTY)

    def restyle(self) -> None:
        """Every item made, given its look again (after a theme change)."""
        for c, item in self._items.items():
            self._look(c, item)
