"""Starting and ending the explorer: one window, closed cleanly, exit status 0."""

from __future__ import annotations

import os
import sys


def run_explorer(path: str | None = None, on_ready=None) -> int:
    """Open the explorer on ``path`` (or the default Gaussian data) and run until it closes.

    ``on_ready(window)`` is called once the window is shown (scripts and tests drive it so).
    Returns the exit status: 0, or 2 when ``path`` cannot be read.
    """
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from ..core.errors import LrguiError
    from ..core.table_io import read_table
    from ..views.main_window import MainWindow
    from .controller import ExplorerController

    if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")):
        print("lrgui: error: no display to open the window on (DISPLAY is not set); "
              "'lrgui train' works without one", file=sys.stderr)
        return 2
    data = None
    if path:
        try:
            data = read_table(path)
        except LrguiError as exc:
            print(f"lrgui: error: {exc}", file=sys.stderr)
            return 2
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("lrgui")
    app.setOrganizationName("lrgui")
    pg.setConfigOptions(antialias=True)
    controller = ExplorerController(data)
    if path:
        controller.path = path
    window = MainWindow(controller)
    window.show()
    if on_ready is not None:
        on_ready(window)
    status = app.exec()
    # Delete every widget while the application still exists (teardown at exit can crash).
    window.deleteLater()
    controller.deleteLater()
    app.processEvents()
    del window, controller
    return status
