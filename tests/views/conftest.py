import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from lrgui.app.controller import Controller
from lrgui.views.main_window import MainWindow


class Driver:
    """Drives the real main window as a user would and waits for the training process."""

    def __init__(self, qtbot, window):
        self.qtbot = qtbot
        self.window = window
        self.controller = window.controller

    @property
    def snap(self):
        return self.controller.latest

    def settle(self, timeout=20000):
        """Wait until the training process has done everything sent so far (runs caught up) and
        a frame shows it."""
        token = self.controller.sync()
        self.qtbot.waitUntil(lambda: self.controller.drawn_sync >= token, timeout=timeout)
        assert self.controller.faults == []
        return self.snap

    def key(self, key, modifier=Qt.KeyboardModifier.NoModifier, widget=None):
        """A key press where the keyboard focus is (or on ``widget``)."""
        QApplication.processEvents()
        target = widget or QApplication.focusWidget() or self.window
        self.qtbot.keyClick(target, key, modifier)

    def type_into(self, field, text):
        """Click-select all of ``field`` and type ``text`` (no Enter)."""
        field.setFocus()
        field.selectAll()
        self.qtbot.keyClicks(field, text)

    def click(self, x, y, button=None, modifier=None):
        plane = self.window.plane
        QApplication.processEvents()       # let pending layout settle before mapping the point
        pos = plane.view_to_widget(x, y)
        self.qtbot.mouseClick(plane.viewport(), button or Qt.MouseButton.LeftButton,
                              modifier or Qt.KeyboardModifier.NoModifier, pos)

    def run(self, index=0):
        return self.snap.runs[index]

    def train(self, epochs):
        for _ in range(epochs):
            self.controller.step()
        return self.settle()


def make_window(qtbot, path, session=None, recording=None):
    controller = Controller(session, recording)
    settings = QSettings(str(path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(controller, settings)
    # Tests end with unsaved work; closing must not stop on the Save / Discard question.
    qtbot.addWidget(window, before_close_func=lambda w: w.controller.undo_stack.setClean())
    window.resize(1600, 1000)          # the offscreen screen is small; give the plots room
    window.show()
    qtbot.waitExposed(window)
    return window


@pytest.fixture
def driver(qtbot, tmp_path):
    window = make_window(qtbot, tmp_path)
    d = Driver(qtbot, window)
    d.settle()
    yield d
    window.controller.undo_stack.setClean()         # nothing to ask about when closing
    window.close()
    assert not window.controller.threads_running()


def finite(a):
    return np.all(np.isfinite(np.asarray(a, dtype=float)))


@pytest.fixture
def import_as_is(monkeypatch):
    """The import dialog accepted as it opens (the user presses Open at once)."""
    from PySide6.QtWidgets import QDialog

    from lrgui.views.import_dialog import ImportDialog

    monkeypatch.setattr(ImportDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
