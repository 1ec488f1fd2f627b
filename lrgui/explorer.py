"""Starting and ending the explorer: one window, closed cleanly, exit status 0."""

from __future__ import annotations

import os
import sys

from .app import system_check


def _fail(text: str) -> int:
    print(f"lrgui: error: {text}", file=sys.stderr)
    return 2


def load(path: str | None):
    """(Session, Recording or None, layout) for ``path``: a session file, a data file, or None for
    the default session. Raises LrguiError with a message for the user."""
    from .core.session import DataOrigin, Session
    from .core.session_file import looks_like_session, read_session
    from .core.table_io import read_table

    if not path:
        return Session.default(), None, {}
    if looks_like_session(path):
        loaded = read_session(path)
        return loaded.session, loaded.recording, loaded.layout
    data = read_table(path)
    return Session(data, DataOrigin.file(str(path))), None, {}


def run_explorer(path: str | None = None, on_ready=None) -> int:
    """Open the explorer on ``path`` (a data file or a session; by default two Gaussian clouds) and
    run until it closes. ``on_ready(window)`` is called once the window is shown (scripts and tests
    drive it so). Returns the exit status: 0, or 2 when the window cannot open or ``path`` cannot be
    read."""
    if sys.platform.startswith("linux") and not (
            os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("QT_QPA_PLATFORM")):
        return _fail("no display to open the window on (DISPLAY is not set); 'lrgui train' works without one")
    if system_check.uses_xcb():
        missing = system_check.missing_packages()
        if missing:
            return _fail(system_check.message(missing))

    from .core.errors import LrguiError

    try:
        session, recording, layout = load(path)
    except LrguiError as exc:
        return _fail(str(exc))

    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    from .app.controller import Controller
    from .app.faults import FaultGuard
    from .views.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("lrgui")
    app.setOrganizationName("lrgui")
    pg.setConfigOptions(antialias=True)
    controller = Controller(session, recording, autosave=True)
    window = MainWindow(controller)
    guard = FaultGuard(controller)
    guard.faulted.connect(window.show_fault)
    guard.install()
    if layout:
        window.apply_layout(layout)
    window.show()
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, window.offer_recovery)      # after a crash: the work autosaved, offered back
    if on_ready is not None:
        on_ready(window)
    try:
        status = app.exec()
    finally:
        guard.uninstall()
    # Delete every widget while the application still exists (teardown at exit can crash).
    window.deleteLater()
    controller.deleteLater()
    app.processEvents()
    del window, controller, guard
    return status
