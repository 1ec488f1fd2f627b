"""Goal 3, a million points in the window: the data plane's and the sigmoid view's frame times at
n = 1e6 against n = 1e3, and the whole window training at 1e6 (frames per second, and how long a
posted event waits for the event loop); and, beside them, how long the window pauses after a click
adds a point to a million."""

from __future__ import annotations

import os
import statistics
import time

from .table import Figure

GOAL = "3 million points"


def _qt_app():
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def _trained_window(n: int, epochs: int = 30):
    """A shown window training gd on n Gaussian points, paused after ``epochs`` epochs."""
    from ..views.bench import racing_window

    app, controller, window, meter = racing_window(("gd",), n)
    controller.set_speed(None)
    controller.play(True)
    meter.spin(until=lambda: controller.latest is not None and controller.latest.position >= epochs)
    controller.play(False)
    # the landscape and the metrics of the last epoch are computed on threads after a pause:
    # frames are timed once they are done, not against them
    meter.spin(3.0)
    return app, controller, window, meter


def view_frame_ms(view, snap, repeats: int) -> float:
    """Median time of one frame of ``view``: its update for ``snap`` and a paint of it."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        view.show_snapshot(snap)
        view.grab()
        times.append(time.perf_counter() - start)
    return 1e3 * statistics.median(times)


def frame_times(n: int, repeats: int) -> tuple[float, float]:
    """(data plane, sigmoid view) frame times in ms at n points, trained for 30 epochs."""
    from ..views.bench import close_window

    app, controller, window, _ = _trained_window(n)
    snap = controller.latest
    plane = view_frame_ms(window.plane, snap, repeats)
    sigmoid = view_frame_ms(window.sigmoid_view, snap, repeats)
    close_window(app, controller, window)
    return plane, sigmoid


def live_window(n: int, seconds: float) -> tuple[float, float]:
    """(frames per second, 95th percentile of the wait of a posted event in ms) of the whole
    window training gd at full speed on n points, run by Qt's own event loop."""
    from PySide6.QtCore import QEventLoop, QTimer

    from ..views.bench import close_window

    app, controller, window, meter = _trained_window(n, epochs=5)
    waits, frames = [], [0]
    controller.frame.connect(lambda _s: frames.__setitem__(0, frames[0] + 1))

    def probe():
        posted = time.perf_counter()
        QTimer.singleShot(0, lambda: waits.append(time.perf_counter() - posted))

    prober = QTimer()
    prober.setInterval(47)                    # not a multiple of the frame interval
    prober.timeout.connect(probe)
    controller.play(True)
    loop = QEventLoop()
    QTimer.singleShot(1000, loop.quit)        # warm up
    loop.exec()
    frames[0] = 0
    prober.start()
    start = time.perf_counter()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()
    wall = time.perf_counter() - start
    prober.stop()
    fps = frames[0] / wall
    close_window(app, controller, window)
    waits.sort()
    p95 = 1e3 * waits[int(0.95 * (len(waits) - 1))] if waits else float("nan")
    return fps, p95


def click_pause_ms(n: int, clicks: int) -> float:
    """The longest the event loop goes unanswered after a point is clicked into the plane of n
    points (a 5 ms timer's largest gap within 0.6 s of the click), the median over ``clicks``."""
    import numpy as np
    from PySide6.QtCore import QEventLoop, QTimer

    from ..views.bench import close_window

    app, controller, window, _ = _trained_window(n, epochs=5)
    last, gaps = [time.perf_counter()], []

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    ticker = QTimer()
    ticker.setInterval(5)
    ticker.timeout.connect(tick)
    ticker.start()
    centre = controller.session.data.X.mean(axis=0)
    longest = []
    for k in range(clicks):
        loop = QEventLoop()
        QTimer.singleShot(300, loop.quit)          # quiet before the click
        loop.exec()
        gaps.clear()
        last[0] = time.perf_counter()
        window.plane.addRequested.emit(float(centre[0]) + 0.01 * k, float(centre[1]), k % 2)
        QTimer.singleShot(600, loop.quit)
        loop.exec()
        longest.append(max(gaps, default=0.0))
    ticker.stop()
    close_window(app, controller, window)
    return 1e3 * float(np.median(longest))


def measure(quick: bool = False) -> list[Figure]:
    _qt_app()
    repeats = 15 if quick else 41
    small_plane, small_sigmoid = frame_times(1_000, repeats)
    big_plane, big_sigmoid = frame_times(1_000_000, repeats)
    fps, p95 = live_window(1_000_000, 3.0 if quick else 8.0)
    clicks = 3 if quick else 8
    big_click, small_click = click_pause_ms(1_000_000, clicks), click_pause_ms(1_000, clicks)
    return [
        Figure(GOAL, "data plane frame, n = 1e6", big_plane, "ms", "same at n = 1e3", small_plane, at_most=1.5),
        Figure(GOAL, "sigmoid view frame, n = 1e6", big_sigmoid, "ms", "same at n = 1e3", small_sigmoid,
               value_at_most=16.0),
        Figure(GOAL, "window training at n = 1e6", fps, "frames/s", "goal", 30.0, at_least=1.0),
        Figure(GOAL, "posted event's wait, 95th percentile", p95, "ms", "goal", 30.0, at_most=1.0),
        Figure(GOAL, "(context) longest pause after a click adds a point, n = 1e6", big_click, "ms",
               "same at n = 1e3", small_click),
    ]
