import numpy as np
import pytest
from PySide6.QtCore import QSettings

from lrgui.app.controller import ExplorerController
from lrgui.views.main_window import MainWindow


class Driver:
    """Drives the real main window as a user would and waits for the worker to catch up."""

    def __init__(self, qtbot, window):
        self.qtbot = qtbot
        self.window = window
        self.controller = window.controller

    @property
    def snap(self):
        return self.controller.latest

    def settle(self, timeout=5000):
        """Wait until the worker has handled everything sent so far and the frame is drawn."""
        marker = object()
        done = []
        self.controller._do(lambda w: done.append(marker))
        self.qtbot.waitUntil(lambda: bool(done), timeout=timeout)
        serial = self.controller._worker._serial
        self.qtbot.waitUntil(lambda: self.snap is not None and self.snap.serial >= serial, timeout=timeout)
        return self.snap

    def click(self, x, y, button=None, modifier=None):
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication

        plane = self.window.plane
        QApplication.processEvents()       # let pending layout settle before mapping the point
        pos = plane.view_to_widget(x, y)
        self.qtbot.mouseClick(plane.viewport(), button or Qt.MouseButton.LeftButton,
                              modifier or Qt.KeyboardModifier.NoModifier, pos)

    def run_core(self):
        """The run as the worker holds it (only read while the worker is idle)."""
        return self.controller._worker.run


@pytest.fixture
def driver(qtbot, tmp_path):
    controller = ExplorerController()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(controller, settings)
    qtbot.addWidget(window)
    window.resize(1500, 950)           # the offscreen screen is small; give the plots room
    window.show()
    qtbot.waitExposed(window)
    d = Driver(qtbot, window)
    d.settle()
    yield d
    window.close()
    assert not controller.threads_running()


def finite(a):
    return np.all(np.isfinite(np.asarray(a, dtype=float)))
