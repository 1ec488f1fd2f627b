"""Python's cyclic garbage collector run in the GUI thread only.

Left to itself, Python collects cycles in whichever thread happens to allocate at the time, and a
Qt object freed there takes Qt's locks from a thread that is not the GUI thread; with the GUI
thread waiting on the same lock while holding Python's, the program hangs. pyqtgraph's
GarbageCollector turns automatic collection off and collects on a timer in the GUI thread.
"""

from __future__ import annotations

import gc

COLLECT_EVERY_S = 1.0


class GuiThreadCollection:
    """While it lives (from a QApplication's thread), cycles are collected in that thread only;
    ``stop`` gives collection back to Python."""

    def __init__(self, interval_s: float = COLLECT_EVERY_S):
        from pyqtgraph.util.garbage_collector import GarbageCollector

        self._collector = GarbageCollector(interval=interval_s)

    def stop(self) -> None:
        self._collector.timer.stop()
        gc.enable()
