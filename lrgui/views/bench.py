"""Frames per second of the whole explorer window while it trains (``python -m lrgui.bench gui``)."""

from __future__ import annotations

import os
import tempfile
import time


def measure(n: int, seconds: float) -> dict:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from ..app.controller import ExplorerController
    from ..core.generators import generate
    from .main_window import MainWindow

    app = QApplication.instance()
    data = generate("gaussian", n0=n // 2, n1=n - n // 2, seed=1)
    controller = ExplorerController(data)
    settings = QSettings(os.path.join(tempfile.mkdtemp(), "bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(controller, settings)
    window.resize(1600, 1000)
    window.show()
    frames, draw = [0], [0.0]
    original = window.show_snapshot

    def timed(snap):
        start = time.perf_counter()
        original(snap)
        draw[0] += time.perf_counter() - start
        frames[0] += 1

    controller.frame.disconnect(window.show_snapshot)
    controller.frame.connect(timed)
    controller.set_limits(10**9, 0.0)
    controller.set_speed(None)
    controller.play(True)
    deadline = time.perf_counter() + 2.0           # warm up (fonts, caches, the first grids)
    while time.perf_counter() < deadline:
        app.processEvents()
    frames[0], draw[0] = 0, 0.0
    epoch0 = controller.latest.run.epoch if controller.latest and controller.latest.run else 0
    start = time.perf_counter()
    worst = 0.0
    while time.perf_counter() - start < seconds:
        t = time.perf_counter()
        app.processEvents()
        worst = max(worst, time.perf_counter() - t)
    elapsed = time.perf_counter() - start
    epochs = (controller.latest.run.epoch if controller.latest.run else 0) - epoch0
    window.close()
    window.deleteLater()
    app.processEvents()
    return {"n": n, "fps": frames[0] / elapsed, "draw_ms": 1e3 * draw[0] / max(frames[0], 1),
            "epochs_per_s": epochs / elapsed, "longest_event_ms": 1e3 * worst}


def main(seconds: float = 3.0) -> int:
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    pg.setConfigOptions(antialias=True)
    print(f"explorer window, 1600×1000, training at full speed (platform: {app.platformName()})")
    print("frames/s counts frames drawn and painted; update ms is the time to update the plot items")
    print(f"{'n':>8} {'frames/s':>9} {'update ms':>10} {'epochs/s':>9} {'longest event ms':>17}")
    for n in (1_000, 10_000, 100_000):
        r = measure(n, seconds)
        print(f"{r['n']:>8} {r['fps']:>9.1f} {r['draw_ms']:>10.1f} {r['epochs_per_s']:>9.0f} {r['longest_event_ms']:>17.1f}")
    print("goal: ≥ 30 frames/s at n = 10,000; the window answers input within 50 ms")
    return 0
