"""Starting and ending the explorer: one window, closed cleanly, exit status 0."""

from __future__ import annotations

import os
import sys

from .app import system_check


def _fail(text: str) -> int:
    print(f"lrgui: error: {text}", file=sys.stderr)
    return 2


def load(path: str | None):
    """(Session, Recording or None, layout) for ``path``: a session file, or the default session
    for a data file (which the window opens through its import dialog) or None. Raises LrguiError
    with a message for the user."""
    from pathlib import Path

    from .core.errors import DataFileError
    from .core.session import Session
    from .core.session_file import looks_like_session, read_session

    if path and looks_like_session(path):
        loaded = read_session(path)
        return loaded.session, loaded.recording, loaded.layout
    if path and not Path(path).is_file():
        raise DataFileError(path, "no such file" if not Path(path).exists() else "not a regular file")
    return Session.default(), None, {}


def run_explorer(path: str | None = None, on_ready=None) -> int:
    """Open the explorer on ``path`` (a session, or a data file shown in the import dialog; by
    default two Gaussian clouds) and run until it closes. ``on_ready(window)`` is called once the window is shown (scripts and tests
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
    from .views.gui_gc import collect_in_gui_thread
    from .views.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("lrgui")
    app.setOrganizationName("lrgui")
    pg.setConfigOptions(antialias=True)
    collect_in_gui_thread()
    controller = Controller(session, recording, autosave=True)
    window = MainWindow(controller)
    guard = FaultGuard(controller)
    guard.faulted.connect(window.show_fault)
    guard.install()
    if layout:
        window.apply_layout(layout)
    window.show()
    from functools import partial

    from PySide6.QtCore import QTimer

    from .core.session_file import looks_like_session

    QTimer.singleShot(0, window.offer_recovery)      # after a crash: the work autosaved, offered back
    if path and not looks_like_session(path):        # a data file: shown in the import dialog
        QTimer.singleShot(0, partial(window.import_file, path))
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
