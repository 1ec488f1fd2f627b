"""Pictures of the window or one of its views, as PNG (or another raster format Qt writes) or
SVG, at a chosen size for slides.

The widget is painted at the requested size: scaled uniformly (vector drawing, so lines and text
stay sharp) and centred on the window's background, so the file has exactly the size asked for.
The bytes are made in memory and then written atomically (``core.fileio.atomic_writer``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QGraphicsView, QWidget

from ..core.errors import LrguiError
from ..core.fileio import atomic_writer

RASTER = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".bmp": "BMP"}
SIZE_LIMIT = 8192          # pixels per side


class PictureError(LrguiError):
    """A picture that cannot be made: a size out of range or an unknown file type."""


def _paint(widget: QWidget, painter: QPainter, size: QSize, background: QColor) -> None:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.fillRect(QRectF(0, 0, size.width(), size.height()), background)
    w, h = max(widget.width(), 1), max(widget.height(), 1)
    scale = min(size.width() / w, size.height() / h)
    painter.translate(QPointF((size.width() - w * scale) / 2, (size.height() - h * scale) / 2))
    painter.scale(scale, scale)
    QWidget.render(widget, painter, QPoint(0, 0))      # the widget's own paint, scaled: still vectors


def _size(widget: QWidget, size: tuple[int, int] | None) -> QSize:
    width, height = size or (widget.width(), widget.height())
    if not (1 <= width <= SIZE_LIMIT and 1 <= height <= SIZE_LIMIT):
        raise PictureError(f"a picture is 1 to {SIZE_LIMIT} pixels wide and high, not {width} × {height}")
    return QSize(int(width), int(height))


def _background(widget: QWidget) -> QColor:
    if isinstance(widget, QGraphicsView) and widget.backgroundBrush().style() != Qt.BrushStyle.NoBrush:
        return widget.backgroundBrush().color()          # a plot: its own background
    return widget.palette().color(widget.backgroundRole())


def picture_image(widget: QWidget, size: tuple[int, int] | None = None) -> QImage:
    """The widget painted into an image of ``size`` = (width, height) pixels (default: its own)."""
    qsize = _size(widget, size)
    image = QImage(qsize, QImage.Format.Format_ARGB32_Premultiplied)
    painter = QPainter(image)
    _paint(widget, painter, qsize, _background(widget))
    painter.end()
    return image


def picture_bytes(widget: QWidget, suffix: str, size: tuple[int, int] | None = None) -> bytes:
    """The widget as a file of type ``suffix`` (".png", ".svg", …), ``size`` = (width, height)
    in pixels (default: the widget's own)."""
    qsize = _size(widget, size)
    width, height = qsize.width(), qsize.height()
    suffix = suffix.lower()
    background = _background(widget)
    if suffix == ".svg":
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        generator = QSvgGenerator()
        generator.setOutputDevice(buffer)
        generator.setSize(qsize)
        generator.setViewBox(QRectF(0, 0, width, height))
        generator.setTitle(widget.windowTitle() or "lrgui")
        painter = QPainter(generator)
        _paint(widget, painter, qsize, background)
        painter.end()
        buffer.close()
        return bytes(data)
    if suffix not in RASTER:
        raise PictureError(f"a picture is saved as {', '.join(sorted([*RASTER, '.svg']))}, not {suffix or 'no extension'}")
    image = picture_image(widget, (width, height))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, RASTER[suffix]):
        raise PictureError(f"Qt could not encode the picture as {RASTER[suffix]}")
    buffer.close()
    return bytes(data)


def save_picture(widget: QWidget, path, size: tuple[int, int] | None = None) -> None:
    """Write the widget's picture to ``path`` (its type from the extension). Raises PictureError
    or OSError."""
    data = picture_bytes(widget, Path(path).suffix, size)
    with atomic_writer(path, "wb", encoding=None, newline=None) as fh:
        fh.write(data)
