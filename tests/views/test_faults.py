"""An unexpected exception anywhere in the window pauses training, saves a recovery copy of the
session and says where it is; the window goes on working."""

import sys

import pytest

from lrgui.app.faults import FaultGuard
from lrgui.core.session_file import read_session


@pytest.fixture
def guarded(driver, tmp_path):
    guard = FaultGuard(driver.controller, folder=tmp_path / "recovery")
    guard.faulted.connect(driver.window.show_fault)
    guard.install()
    yield driver, guard
    guard.uninstall()


def _inject(monkeypatch, obj, name, message, times=None):
    """Make ``obj.name`` raise RuntimeError(message) (``times`` times, or always)."""
    original = getattr(obj, name)
    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        if times is None or len(calls) <= times:
            raise RuntimeError(message)
        return original(*args, **kwargs)

    monkeypatch.setattr(obj, name, failing)
    return calls


def test_an_exception_in_a_slot_pauses_saves_and_explains(guarded, monkeypatch):
    driver, guard = guarded
    c, w = driver.controller, driver.window
    assert sys.excepthook == guard.handle
    driver.click(3.0, 3.0)                              # unsaved work
    assert not c.undo_stack.isClean()
    title = w.windowTitle()
    c.play(True)
    driver.qtbot.waitUntil(lambda: c.latest.position > 3, timeout=10000)
    _inject(monkeypatch, w.runs_table, "show_snapshot", "injected fault in a view")   # fails every frame
    driver.qtbot.waitUntil(lambda: len(guard.reports) > 0, timeout=10000)
    driver.qtbot.waitUntil(lambda: not c.playing, timeout=10000)
    position = c.latest.position
    driver.qtbot.wait(300)
    assert c.latest.position == position                # paused, and it stays paused
    assert len(guard.reports) == 1 and guard.repeats > 0 # a fault every frame is handled once
    box = w.fault_box
    assert box.isVisible() and not box.isModal()
    recovery = next(guard.folder.iterdir())
    assert str(recovery) in box.text() and "injected fault in a view" in box.detailedText()
    saved = read_session(recovery)
    assert saved.session.data.equals(c.session.data) and saved.session.data.n == c.session.data.n
    assert [r.id for r in saved.session.runs] == [r.id for r in c.session.runs]
    # the recovery copy is not a save: the session keeps its name and its unsaved mark
    assert w.windowTitle() == title and not c.undo_stack.isClean()
    # a different fault joins the open box instead of opening another
    c.trainerFault.emit("Traceback: a fault in the training process")
    assert len(guard.reports) == 2 and "a fault in the training process" in box.detailedText()
    assert len([b for b in w.findChildren(type(box)) if b.isVisible()]) == 1


def test_a_fault_while_handling_one_is_printed_not_handled_again(guarded, monkeypatch, capsys):
    driver, guard = guarded
    _inject(monkeypatch, driver.window, "show_fault", "the dialog itself fails")
    try:
        raise ValueError("first")
    except ValueError:
        guard.handle(*sys.exc_info())
    err = capsys.readouterr().err
    assert "first" in err and "the dialog itself fails" in err
    assert len(guard.reports) == 1 and not guard._handling
