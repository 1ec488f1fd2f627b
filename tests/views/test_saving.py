"""Saving the session from the window: the file is written by the writing process while the
window goes on; what is written is the session as it was at Ctrl+S; a failure says why and
leaves the work unsaved; quitting waits for a save on its way."""

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from lrgui.core.generators import generate
from lrgui.core.session_file import read_session


@pytest.fixture
def save_to(monkeypatch):
    """The Save dialog answers with the path set in the returned list's first place."""
    answer = [""]
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args, **kw: (answer[0], "")))
    return answer


def _press(driver, key, modifiers):
    driver.qtbot.keyClick(driver.window.plane, key, modifiers)


CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def test_ctrl_s_writes_the_session_as_it_was_in_another_process_while_the_window_goes_on(driver, save_to, tmp_path):
    w, c = driver.window, driver.controller
    c.open_data("many.csv", generate("gaussian", n0=100_000, n1=100_000, seed=3))
    c.add_point(0.0, 0.0, 0)
    driver.settle()
    assert w.windowTitle().endswith("*")
    path = tmp_path / "mine.lrgui.json"
    save_to[0] = str(path)
    _press(driver, Qt.Key.Key_S, CTRL_SHIFT)                   # Save as…: returns before the file is written
    assert c.writer.pending and not w.windowTitle().endswith("*")
    assert c.writer._process.process.pid != os.getpid()
    c.add_point(0.25, 0.5, 1)                                  # the window answers meanwhile
    assert w.windowTitle().endswith("*") and c.session.data.n == 200_002
    driver.qtbot.waitUntil(lambda: not c.writer.pending, timeout=60000)
    saved = read_session(path)
    assert saved.session.data.n == 200_001                     # the session as it was at Save
    np.testing.assert_array_equal(saved.session.data.X, c.session.data.X[:-1])
    assert saved.recording is not None and saved.session.path in ("", str(path))
    assert c.session.path == str(path) and "Saved the session" in w.message_label.text()
    assert str(path.resolve()) == w.settings.value("files/recent", [], type=list)[0]
    assert w.windowTitle().endswith("*")                       # the point added after Save is unsaved
    _press(driver, Qt.Key.Key_S, CTRL)                         # Ctrl+S: the same file, now with it
    assert not w.windowTitle().endswith("*")
    driver.qtbot.waitUntil(lambda: not c.writer.pending, timeout=60000)
    assert read_session(path).session.data.n == 200_002


def test_a_save_that_fails_says_why_and_leaves_the_work_unsaved_under_its_old_name(driver, save_to, tmp_path,
                                                                                  monkeypatch):
    w, c = driver.window, driver.controller
    c.add_point(1.0, 1.0, 0)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *args: warned.append(args[1:]) or 0))
    # a name the file system refuses: found by the writing process, said when it replies
    blocked = tmp_path / ("x" * 300 + ".lrgui.json")
    save_to[0] = str(blocked)
    _press(driver, Qt.Key.Key_S, CTRL_SHIFT)
    assert not w.windowTitle().endswith("*")                  # counted as saved while on its way
    driver.qtbot.waitUntil(lambda: bool(warned), timeout=30000)
    title, text = warned[0]
    assert title == "Cannot save the session" and str(blocked) in text and text == c.last_error
    assert c.dirty and w.windowTitle().endswith("*") and c.session.path == ""
    assert list(tmp_path.glob("x*")) == []
    assert w.settings.value("files/recent", [], type=list) == []
    # a folder where the file would go, or no folder: said at once, nothing asked of the writer
    folder = tmp_path / "a-folder.lrgui.json"
    folder.mkdir()
    for path, why in ((folder, "it is a folder"), (tmp_path / "none" / "s.lrgui.json", "there is no folder")):
        warned.clear()
        save_to[0] = str(path)
        asked = c.writer._asked
        _press(driver, Qt.Key.Key_S, CTRL_SHIFT)
        assert warned and why in warned[0][1] and c.writer._asked == asked and c.dirty
    # the work is still there to save elsewhere
    good = tmp_path / "good.lrgui.json"
    save_to[0] = str(good)
    _press(driver, Qt.Key.Key_S, CTRL_SHIFT)
    driver.qtbot.waitUntil(lambda: not c.writer.pending, timeout=30000)
    assert read_session(good).session.data.n == c.session.data.n and not c.dirty


def test_quitting_right_after_a_save_waits_for_it_and_asks_only_if_it_failed(qtbot, tmp_path, save_to, monkeypatch):
    from .conftest import make_window

    asked = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: asked.append(box.text()) or QMessageBox.StandardButton.Discard)
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda *args: 0))
    for target, fails in (("kept.lrgui.json", False), ("x" * 300 + ".lrgui.json", True)):
        w = make_window(qtbot, tmp_path)
        c = w.controller
        c.open_data("many.csv", generate("gaussian", n0=50_000, n1=50_000, seed=1))
        c.add_point(0.0, 0.0, 0)
        path = tmp_path / target
        save_to[0] = str(path)
        assert w.save_as() is True and not c.dirty              # asked for; counted as saved meanwhile
        asked.clear()
        w.close()                                              # at once: the write is on its way
        assert not w.isVisible() and not c.writer.pending
        if fails:
            assert asked and "not saved" in asked[0]           # the failure came back: asked, then discarded
        else:
            assert asked == [] and read_session(path).session.data.n == 100_001
        assert not c.threads_running() and c.writer._process is None
    assert Path(tmp_path / "kept.lrgui.json").is_file()
