"""The drawing helpers that keep a frame cheap draw what pyqtgraph would have drawn.

Each is rendered into an image through a real PlotWidget and compared with a second rendering:
pyqtgraph's own item, or the colour worked out from the numbers.
"""

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QGraphicsItem

from lrgui.core.history import History
from lrgui.core.numerics import sigmoid
from lrgui.views.controls import ElidedLabel
from lrgui.views.plot_helpers import Curve, Dots, Grid, Raster, lut_pixels, two_colour_lut
from lrgui.views.series import Envelope

SIZE = (400, 300)


def _plot(qtbot, x_range=(0.0, 10.0), y_range=(-2.0, 2.0)):
    widget = pg.PlotWidget(background="#ffffff")
    qtbot.addWidget(widget)
    widget.resize(*SIZE)
    widget.getPlotItem().hideAxis("left")
    widget.getPlotItem().hideAxis("bottom")
    widget.setRange(xRange=x_range, yRange=y_range, padding=0)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _render(widget) -> np.ndarray:
    """The widget as an (h, w, 3) array of 0–255 colours."""
    image = QImage(widget.size(), QImage.Format.Format_RGB32)
    image.fill(QColor("#ffffff"))
    painter = QPainter(image)
    widget.render(painter)
    painter.end()
    bits = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(image.height(), image.width(), 4)
    return bits[:, :, 2::-1].astype(int)           # BGRA in memory → RGB


def _ink(pixels: np.ndarray) -> np.ndarray:
    """Where something other than the white background was drawn."""
    return np.any(pixels < 250, axis=2)


@pytest.mark.parametrize("width, dash", [(1.0, "solid"), (3.0, "solid"), (2.0, "dash")])
def test_a_curve_drawn_in_device_pixels_covers_the_pixels_pyqtgraph_covers(qtbot, width, dash):
    x = np.linspace(0.0, 10.0, 300)
    y = np.sin(x) * 1.5
    p = pg.mkPen("#1060c0", width=width)
    if dash == "dash":
        p.setStyle(pg.QtCore.Qt.PenStyle.DashLine)
    inks = []
    for cls in (pg.PlotCurveItem, Curve):
        widget = _plot(qtbot)
        item = cls(pen=p)
        item.setData(x, y)
        widget.addItem(item)
        inks.append(_ink(_render(widget)))
    ours, theirs = inks
    assert theirs.sum() > 300
    # the same stroke: at most a sliver of edge pixels differ (antialiasing rounds differently)
    assert np.count_nonzero(ours ^ theirs) <= 0.08 * theirs.sum()


@pytest.mark.parametrize("scale", [1e154, 1e300])
def test_a_curve_near_the_float_limit_is_drawn_where_the_same_curve_is_at_scale_one(qtbot, scale):
    """A path in data coordinates loses points beyond about 1e128 (a boundary near 1e154 was drawn
    from the origin): the same picture at scale 1 is the reference."""
    x = np.linspace(0.0, 10.0, 50)
    y = np.cos(x)
    inks = []
    for factor in (1.0, scale):
        widget = _plot(qtbot, (0.0, 10.0 * factor), (-2.0 * factor, 2.0 * factor))
        item = Curve(pen=pg.mkPen("#202020", width=2))
        item.setData(x * factor, y * factor)
        widget.addItem(item)
        inks.append(_ink(_render(widget)))
    reference, ours = inks
    assert reference.sum() > 300
    assert np.count_nonzero(ours ^ reference) <= 0.08 * reference.sum()


def test_a_curve_bounding_rect_is_pyqtgraphs(qtbot):
    widget = _plot(qtbot)
    ours, theirs = Curve(pen=pg.mkPen("#000", width=3)), pg.PlotCurveItem(pen=pg.mkPen("#000", width=3))
    for item in (ours, theirs):
        widget.addItem(item)
        item.setData(np.array([1.0, 4.0, 7.5]), np.array([-1.0, 0.5, 1.2]))
    a, b = ours.boundingRect(), theirs.boundingRect()
    assert (a.left(), a.top(), a.width(), a.height()) == pytest.approx((b.left(), b.top(), b.width(), b.height()))


def test_the_shading_picture_lands_where_its_numbers_say(qtbot):
    """Left half of the plane p ≈ 0 (class-0 tint), right half p ≈ 1 (class-1 tint), each
    exactly the table's colour, and the picture is not flipped."""
    widget = _plot(qtbot, (0.0, 4.0), (0.0, 3.0))
    colours = two_colour_lut("#1f77b4", "#d62728", "#ffffff")
    table = lut_pixels(colours)
    rows, cols = 30, 40
    xs = (np.arange(cols) + 0.5) / cols * 4.0
    ys = (np.arange(rows) + 0.5) / rows * 3.0
    z = 40.0 * (xs[None, :] - 2.0) + 0.0 * ys[:, None]
    z[:5, :] = 40.0                         # the bottom rows: p ≈ 1 all along (orientation check)
    shade = np.minimum((sigmoid(z) * 256).astype(np.intp), 255)
    raster = Raster()
    widget.addItem(raster)
    raster.set_pixels(table[shade], QRectF(0.0, 0.0, 4.0, 3.0))
    np.testing.assert_array_equal(raster.pixels(), table[shade])
    pixels = _render(widget)
    vb = widget.getPlotItem().vb

    def colour_at(x, y):
        p = widget.mapFromScene(vb.mapViewToScene(pg.QtCore.QPointF(x, y)))
        return pixels[p.y(), p.x()]

    np.testing.assert_array_equal(colour_at(0.5, 2.0), colours[0])        # p ≈ 0: class-0 end
    np.testing.assert_array_equal(colour_at(3.5, 2.0), colours[255])      # p ≈ 1: class-1 end
    np.testing.assert_array_equal(colour_at(0.5, 0.2), colours[255])      # bottom rows: p ≈ 1


def test_grid_lines_sit_at_the_axes_major_ticks(qtbot):
    widget = _plot(qtbot, (0.0, 10.0), (-2.0, 2.0))
    plot = widget.getPlotItem()
    grid = Grid(plot, "#000000", strength=1.0)
    qtbot.waitUntil(lambda: len(grid._at[0]) > 0)
    rect = plot.vb.viewRect()
    expected_x = [v for v in plot.getAxis("bottom").tickValues(0.0, 10.0, plot.vb.width())[0][1] if 0 <= v <= 10]
    np.testing.assert_allclose(grid._at[0], expected_x)
    pixels = _render(widget)
    ink = _ink(pixels)
    vb = plot.vb
    for v in expected_x[1:-1]:
        column = widget.mapFromScene(vb.mapViewToScene(pg.QtCore.QPointF(v, 0.0))).x()
        near = ink[:, max(column - 1, 0):column + 2]
        assert near.any(axis=1).mean() > 0.9        # a full-height line at each tick
    assert rect.width() == pytest.approx(10.0)


def test_dots_keep_their_bounding_rect_until_the_data_or_the_view_change(qtbot):
    widget = _plot(qtbot)
    dots = Dots("#000000", 8.0)
    widget.addItem(dots)
    dots.setData(np.array([2.0, 5.0]), np.array([0.0, 1.0]))
    first = dots.boundingRect()
    assert first.contains(QRectF(2.0, 0.0, 3.0, 1.0))
    dots.setData(np.array([1.0, 9.0]), np.array([-1.0, 1.5]))
    assert dots.boundingRect().contains(QRectF(1.0, -1.0, 8.0, 2.5))

    def padded_for_this_view() -> bool:
        px = dots.pixelLength(pg.Point(1, 0))
        return dots.boundingRect().left() == pytest.approx(1.0 - 8.0 * px, rel=1e-9)

    qtbot.waitUntil(padded_for_this_view)
    widget.setRange(xRange=(0.0, 40.0), yRange=(-2.0, 2.0), padding=0)       # zoom out: pixels grow
    qtbot.waitUntil(lambda: dots.pixelLength(pg.Point(1, 0)) > 0.09)
    assert padded_for_this_view()


def test_kept_pixels_are_a_device_cache():
    item = pg.TextItem("label")
    from lrgui.views.plot_helpers import keep_pixels

    keep_pixels(item)
    assert item.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache
    assert item.textItem.cacheMode() == QGraphicsItem.CacheMode.DeviceCoordinateCache


def test_an_elided_label_never_asks_for_more_room_and_keeps_the_whole_text(qtbot):
    label = ElidedLabel()
    qtbot.addWidget(label)
    long = "diverged: the loss grew without bound; try a smaller learning rate " * 4
    label.setText(long)
    label.resize(200, 24)
    assert label.text() == long and label.toolTip() == long
    assert label.sizeHint().width() <= 200 and label.minimumSizeHint().width() <= 10
    shown = label.shown_text()
    assert shown.endswith("…") and label.fontMetrics().horizontalAdvance(shown) <= 200


def test_history_spread_and_take_read_the_rows_they_name():
    h = History(3, chunk_rows=64)
    theta = np.arange(1000 * 3, dtype=float).reshape(1000, 3)
    h.extend({"loss": np.arange(1000.0), "theta": theta, "theta_original": -theta})
    picked = np.array([0, 5, 63, 64, 65, 500, 999])
    np.testing.assert_array_equal(h.take("theta_original", picked), -theta[picked])
    np.testing.assert_array_equal(h.take("loss", picked), picked.astype(float))
    spread = h.spread("theta_original", 700, 50)
    assert 40 <= len(spread) <= 52
    np.testing.assert_array_equal(spread[-1], -theta[699])
    np.testing.assert_array_equal(spread[0], -theta[0])
    every = np.array(h.rows("theta_original", 0, 700))
    assert all(any(np.array_equal(row, r) for r in every) for row in spread)
    np.testing.assert_array_equal(h.spread("theta_original", 30, 50), -theta[:30])


def test_envelope_bounds_are_the_extremes_drawn():
    rng = np.random.default_rng(3)
    env = Envelope(capacity=32)
    assert env.bounds() is None
    y = np.cumsum(rng.normal(size=5000))
    y[100] = np.nan
    env.extend(y[:1234])
    env.extend(y[1234:])
    _, drawn = env.arrays()
    assert env.bounds() == (drawn.min(), drawn.max()) == (np.nanmin(y), np.nanmax(y))
