"""Goal 1, start-up: from launch to the first painted window, against a bare PySide6 + pyqtgraph
window on the same machine, and ``lrgui train --help`` against a bare interpreter. Each is a fresh
process; the figure is the median of several launches, taken in turns."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time

from .table import Figure

GOAL = "1 start-up"

# Both children print time.time() once their window has been painted, then leave at once.
_PAINTED = """
import os, time
def on_ready(window):
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    def done():
        print(repr(time.time()), flush=True)
        os._exit(0)

    class FirstPaint(QObject):
        def eventFilter(self, obj, event):
            if (event.type() == QEvent.Type.Paint and not self.seen and isinstance(obj, QWidget)
                    and obj.window() is window):
                self.seen = True
                QTimer.singleShot(0, done)        # once this paint (the window's first) is done
            return False

        seen = False

    window._first_paint = FirstPaint()
    QApplication.instance().installEventFilter(window._first_paint)
"""

LRGUI_WINDOW = _PAINTED + """
from lrgui.explorer import run_explorer
run_explorer(None, on_ready)
"""

BARE_WINDOW = _PAINTED + """
import pyqtgraph as pg
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
window = QMainWindow()
window.setCentralWidget(pg.PlotWidget())
window.resize(1600, 1000)
window.show()
on_ready(window)
app.exec()
"""


def _environment() -> dict:
    env = dict(os.environ)
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    home = tempfile.mkdtemp(prefix="lrgui-bench-")          # no autosave or settings of the user's
    env.update(XDG_CONFIG_HOME=home, XDG_DATA_HOME=home, XDG_CACHE_HOME=home)
    # as on a user's machine, modules are compiled once and their bytecode kept
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def launch_to_paint(code: str, env: dict) -> float:
    """Seconds from starting ``python -c code`` to the time it prints (its first paint)."""
    start = time.time()
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    lines = [line for line in out.stdout.splitlines() if line.strip()]
    if not lines:
        raise RuntimeError(f"the window did not paint: {out.stderr.strip()[-500:]}")
    return float(lines[-1]) - start


def run_seconds(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, *args], env=env, capture_output=True, check=True, timeout=120)
    return time.perf_counter() - start


def measure(quick: bool = False) -> list[Figure]:
    env = _environment()
    launches = 3 if quick else 7
    ours, bare, helped, python = [], [], [], []
    launch_to_paint(BARE_WINDOW, env)                  # the first launches read every library from
    launch_to_paint(LRGUI_WINDOW, env)                 # disk and write the bytecode of every module
    for _ in range(launches):
        ours.append(launch_to_paint(LRGUI_WINDOW, env))
        bare.append(launch_to_paint(BARE_WINDOW, env))
        helped.append(run_seconds(["-m", "lrgui", "train", "--help"], env))
        python.append(run_seconds(["-c", "pass"], env))
    median = statistics.median
    return [
        Figure(GOAL, "launch → first painted window", median(ours), "s",
               "bare PySide6 + pyqtgraph window", median(bare), at_most=1.5),
        Figure(GOAL, "lrgui train --help", median(helped), "s", "python -c pass", median(python),
               value_at_most=0.3),
    ]
