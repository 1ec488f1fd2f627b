"""Frames of a session, one per epoch, for animations and pictures: a window of its own that is
never on screen (so the user's window stays as it is and keeps answering) shows the session's
recorded history at each epoch of a range, and the chosen view is painted at the chosen size.

The renderer is driven by the frames its controller emits, one epoch after another, so in the
window it runs between the user's events; ``render_session`` runs it to the end for the command
line. Every frame shows the session as it was at its epoch, nothing after it (the curves grow):
the renderer's own copy goes back to the first epoch and trains on from there, as → does (runs
are seeded, so the numbers are those recorded).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtCore import QObject, QPointF, QRectF, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter

from ..core.errors import LrguiError
from .picture import RASTER, picture_image
from .plot_helpers import pixel_font
from .theme import THEMES, rgba

VIEWS = {"window": None, "plane": "plane", "loss": "loss_view", "sigmoid": "sigmoid_view",
         "landscape": "landscape_view"}
DEFAULT_LAST = 100             # the last epoch when a session has recorded none
LANDSCAPE_WAIT_MS = 20000      # for the first loss landscape before the first frame
WINDOW_SIZE = (1600, 1000)     # the hidden window's size when one view is rendered


class RenderError(LrguiError):
    """A render that cannot be done as asked."""


@dataclass(frozen=True)
class RenderJob:
    """What to render: ``view`` (a key of VIEWS), epochs ``first``…``last`` (None: the session's
    recorded position) every ``every``-th, ``size`` = (width, height) pixels, the theme's name,
    its zoom, and whether each frame carries its epoch in a corner."""

    view: str = "window"
    first: int = 0
    last: int | None = None
    every: int = 1
    size: tuple[int, int] = (1280, 720)
    theme: str = "light"
    zoom: float = 1.0
    caption: bool = True
    still: bool = False          # one frame: the last epoch

    def check(self) -> "RenderJob":
        if self.view not in VIEWS:
            raise RenderError(f"--view is one of {', '.join(VIEWS)}, not {self.view!r}")
        if self.theme not in THEMES:
            raise RenderError(f"--theme is one of {', '.join(THEMES)}, not {self.theme!r}")
        if self.first < 0 or (self.last is not None and self.last < self.first):
            raise RenderError(f"the epochs run from A to B with 0 ≤ A ≤ B, not {self.first}:{self.last}")
        if self.every < 1:
            raise RenderError(f"--every is a whole number of at least 1, not {self.every}")
        if not 0.25 <= self.zoom <= 8:
            raise RenderError(f"--zoom is between 0.25 and 8, not {self.zoom:g}")
        return self

    def epochs(self, last: int) -> list[int]:
        return [last] if self.still else list(range(self.first, last + 1, self.every))


def image_rgb(image: QImage) -> np.ndarray:
    """A QImage as an (height, width, 3) uint8 RGB array (a copy)."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, line = rgb.width(), rgb.height(), rgb.bytesPerLine()
    pixels = np.frombuffer(rgb.constBits(), dtype=np.uint8, count=line * height).reshape(height, line)
    return pixels[:, :width * 3].reshape(height, width, 3).copy()


def stamp(image: QImage, text: str, theme, top: bool) -> None:
    """``text`` in the image's upper right corner (``top``: of a window, over its docks' title
    bars) or lower left (of a plot, where its two axes leave a corner free), on the theme's label
    fill."""
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    painter.setFont(pixel_font(max(12, image.height() // 36)))
    metrics = painter.fontMetrics()
    pad = metrics.height() // 4
    box = QRectF(0, 0, metrics.horizontalAdvance(text) + 2 * pad, metrics.height() + pad)
    corner = QRectF(image.rect())
    if top:
        box.moveTopRight(corner.topRight() + QPointF(-pad, pad))
    else:
        box.moveBottomLeft(corner.bottomLeft() + QPointF(pad, -pad))
    painter.fillRect(box, rgba(theme.label_fill))
    painter.setPen(QColor(theme.foreground))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
    painter.end()


class FrameRenderer(QObject):
    """Renders ``job`` for ``session`` (and its ``recording``, if any). ``start()`` begins;
    ``frameReady(index, epoch, image)`` comes once per frame in order, then ``finished(note)``
    (a note when the runs stopped before the last epoch asked for), or ``failed(why)``.
    ``cancel()`` stops at the next frame. ``close()`` ends its training process."""

    frameReady = Signal(int, int, object)
    finished = Signal(str)
    failed = Signal(str)

    def __init__(self, session, recording, job: RenderJob, parent=None):
        super().__init__(parent)
        from ..app.controller import Controller
        from .main_window import MainWindow

        self.job = job.check()
        self._folder = tempfile.TemporaryDirectory(prefix="lrgui-render-")
        settings = QSettings(os.path.join(self._folder.name, "render.ini"), QSettings.Format.IniFormat)
        settings.setValue("look/theme", job.theme)
        settings.setValue("look/zoom", job.zoom)
        self.controller = Controller(session, recording)
        self.controller.started = True           # no "Space: train" hint over the first frame
        self.window = MainWindow(self.controller, settings, owns_application=False)
        self.window.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
        self.window.resize(*(job.size if job.view == "window" else WINDOW_SIZE))
        self.window.show()
        self.widget = self.window
        if VIEWS[job.view] is not None:          # the view on its own, at the size asked for
            self.widget = getattr(self.window, VIEWS[job.view])
            self.widget.setParent(None)
            self.widget.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
            self.widget.resize(*job.size)
            self.widget.show()
        self.epochs: list[int] = []
        self.note = ""
        self._phase = "idle"
        self._token = 0
        self._index = 0
        self._cancelled = False
        self._landscape_timer = QTimer(self)
        self._landscape_timer.setSingleShot(True)
        self.controller.frame.connect(self._on_frame)
        self.controller.trainerFault.connect(lambda details: self._fail(f"the trainer failed: {details}"))

    def start(self) -> None:
        self._phase = "catching up"
        self._token = self.controller.sync()

    def cancel(self) -> None:
        self._cancelled = True

    def _synced(self) -> bool:
        return self.controller.drawn_sync >= self._token

    def _on_frame(self, snap) -> None:
        if self._phase in ("idle", "done"):
            return
        if self._cancelled:
            return self._fail("cancelled")
        if not self._synced():
            return
        if self._phase == "catching up":
            last = self.job.last if self.job.last is not None else (snap.end or DEFAULT_LAST)
            self.epochs = self.job.epochs(last)
            if not self.epochs:
                return self._fail(f"no epoch from {self.job.first} to {last} (the session has recorded up to "
                                  f"epoch {snap.end}): give the range with A:B")
            self._phase = "landscape"
            self._landscape_timer.start(LANDSCAPE_WAIT_MS)
            self._start_at(self.epochs[0], snap.end)
        elif self._phase == "landscape":
            waiting = self.job.view in ("window", "landscape") and self.window.landscape_view.result is None
            if waiting and self._landscape_timer.isActive():
                self.controller.redraw()
                return
            self._phase = "frames"
            self._grab(snap)
        elif self._phase == "frames":
            self._grab(snap)

    def _start_at(self, epoch: int, end: int) -> None:
        """Show ``epoch`` with nothing recorded after it, so that the curves grow frame by frame:
        every run starts over (epoch 0), or goes back to the epoch before and trains one more
        (runs are seeded: the same numbers), or trains on from the last recorded epoch."""
        c = self.controller
        if epoch == 0:
            c.reset()
        elif epoch <= end:
            c.seek(epoch - 1)
            c.step()
        else:
            c.seek(end)
            for _ in range(epoch - end):
                c.step()
        self._token = c.sync()

    def _grab(self, snap) -> None:
        wanted, epoch = self.epochs[self._index], snap.position
        if epoch < wanted and not self.note:
            self.note = (f"the runs stopped at epoch {epoch} (every run diverged or cannot train): "
                         "the frames after it show that epoch")
        image = picture_image(self.widget, self.job.size)
        if self.job.caption:
            text = f"epoch {epoch}" if epoch == wanted else f"epoch {epoch} (stopped) · frame {self._index + 1}"
            stamp(image, text, self.window.theme, top=self.widget is self.window)
        self.frameReady.emit(self._index, epoch, image)
        self._index += 1
        if self._cancelled:
            self._fail("cancelled")
        elif self._index == len(self.epochs):
            self._phase = "done"
            self.finished.emit(self.note)
        else:
            for _ in range(self.epochs[self._index] - epoch):
                self.controller.step()
            self._token = self.controller.sync()

    def _fail(self, why: str) -> None:
        if self._phase != "done":
            self._phase = "done"
            self.failed.emit(why)

    def close(self) -> None:
        self._phase = "done"
        self.controller.frame.disconnect(self._on_frame)
        self.controller.undo_stack.setClean()          # nothing of the user's is here: no question
        self.window.close()
        if self.widget is not self.window:
            self.widget.close()
            self.widget.deleteLater()
        self.window.deleteLater()
        self._folder.cleanup()


class Export(QObject):
    """``job`` rendered into the file ``out``: .png or .svg, one picture of the last epoch (vectors
    stay vectors in SVG); .gif or .mp4, every frame at ``fps``. ``start()`` begins;
    ``progress(done, total)`` after each frame, then ``done(note)`` once the file is in place or
    ``failed(why)`` (the file untouched). ``cancel()`` stops; ``close()`` frees the renderer."""

    progress = Signal(int, int)
    done = Signal(str)
    failed = Signal(str)

    def __init__(self, session, recording, job: RenderJob, out, fps: float = 10.0, parent=None):
        super().__init__(parent)
        self.out, self.fps = str(out), float(fps)
        self.job = self.checked(job, self.out, self.fps)
        self.movie = not self.job.still
        self.writer = None
        self._why = ""                           # why the file could not be written, if it could not
        self.renderer = FrameRenderer(session, recording, job, self)
        self.renderer.frameReady.connect(self._frame)
        self.renderer.finished.connect(self._finished)
        self.renderer.failed.connect(self._failed)

    @staticmethod
    def checked(job: RenderJob, out: str, fps: float) -> RenderJob:
        """``job`` as ``out`` needs it (one still frame for a picture), or RenderError or
        MovieError saying why ``out`` cannot be made; nothing is rendered or asked yet."""
        from ..core.movie import SUFFIXES, check_movie

        suffix = os.path.splitext(out)[1].lower()
        if suffix in SUFFIXES:
            check_movie(out, job.size, fps, 1)
            return job
        if suffix not in (*RASTER, ".svg"):
            raise RenderError(f"the file is a picture (.png, .svg) or an animation (.gif, .mp4), not "
                              f"{suffix or 'a name without an extension'}")
        return replace(job, still=True, caption=False)

    def _cannot_write(self, exc: Exception) -> str:
        return f"cannot write {self.out}: {getattr(exc, 'strerror', None) or exc}"

    def start(self) -> None:
        self.renderer.start()

    def cancel(self) -> None:
        self.renderer.cancel()

    def _frame(self, index: int, _epoch: int, image: QImage) -> None:
        from ..core.movie import MovieWriter
        from .picture import save_picture

        total = len(self.renderer.epochs)
        try:
            if not self.movie:
                save_picture(self.renderer.widget, self.out, self.job.size)
            else:
                if self.writer is None:
                    self.writer = MovieWriter(self.out, self.job.size, self.fps, total)
                self.writer.add(image_rgb(image))
        except (LrguiError, OSError) as exc:
            self._why = self._cannot_write(exc)
            self.renderer.cancel()
            return
        self.progress.emit(index + 1, total)

    def _finished(self, note: str) -> None:
        try:
            if self.writer is not None:
                self.writer.close()
                self.writer = None
        except (LrguiError, OSError) as exc:
            self.writer = None
            self.failed.emit(self._cannot_write(exc))
            return
        self.done.emit(note)

    def _failed(self, why: str) -> None:
        self._abort()
        self.failed.emit(self._why or why)

    def _abort(self) -> None:
        if self.writer is not None:
            self.writer.abort()
            self.writer = None

    def close(self) -> None:
        self._abort()
        self.renderer.close()


def _quiet_offscreen(mode, context, message) -> None:
    """Qt's messages, less the offscreen platform's remark that it cannot resize windows to hints."""
    if "propagateSizeHints" not in message:
        print(message, file=sys.stderr)


def render_session(session, recording, job: RenderJob, out, fps: float = 10.0, progress=None) -> str:
    """Render ``job`` into ``out`` (see Export) with a window never shown, waiting until it is
    done; ``progress(done, total)`` after each frame. Returns a note (empty when everything asked
    for was rendered). Raises LrguiError or OSError; on Ctrl+C (KeyboardInterrupt) ``out`` is
    left as it was."""
    from PySide6.QtCore import qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    from .gui_gc import collect_in_gui_thread

    app = QApplication.instance() or QApplication([])
    previous = qInstallMessageHandler(_quiet_offscreen)       # from the hidden window's first paint on
    collect_in_gui_thread()
    export = None
    result: dict = {}
    try:
        export = Export(session, recording, job, out, fps)
        if progress is not None:
            export.progress.connect(progress)
        export.done.connect(lambda note: result.setdefault("note", note))
        export.failed.connect(lambda why: result.setdefault("error", why))
        export.start()
        while not result:
            app.processEvents()
            time.sleep(0.002)
        if "error" in result:
            raise RenderError(result["error"])
        return result["note"]
    finally:
        if export is not None:
            export.close()
            app.processEvents()
        qInstallMessageHandler(previous)
