"""Python's cyclic garbage collector run from the GUI thread's event loop only.

Left to itself, Python collects cycles wherever an allocation happens to trigger it: in a worker
thread, or inside a Qt call that holds one of Qt's locks. A Qt object freed there takes Qt's locks
again (or waits for the GIL the GUI thread holds), and the program hangs. pyqtgraph's
GarbageCollector turns automatic collection off and collects on a timer, from the event loop,
where no such lock is held. It runs once per process, from the first call on, to its end.
"""

from __future__ import annotations

COLLECT_EVERY_S = 1.0
_collector = None


def collect_in_gui_thread(interval_s: float = COLLECT_EVERY_S):
    """Start collecting cycles from the GUI thread's event loop only (a QApplication must exist);
    later calls keep the collector already running."""
    global _collector
    if _collector is None:
        from pyqtgraph.util.garbage_collector import GarbageCollector

        _collector = GarbageCollector(interval=interval_s)
    return _collector
