"""Autosave: written after a burst of edits, removed when nothing is unsaved or at a clean exit,
and a window killed with SIGKILL is offered back, whole, at the next start."""

import json
import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from lrgui.app.autosave import autosave_folder, orphans
from lrgui.core.session_file import read_session

KILLED = textwrap.dedent("""
    import os, sys, time
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from lrgui.app.controller import Controller
    c = Controller(autosave=True)
    c.add_point(1.5, 2.5, 1)
    c.add_run()
    c.set_run_config(optimizer="adam")
    end = time.time() + 30
    while not c.autosaver.meta_file.exists() and time.time() < end:   # the quiet timer writes it
        app.processEvents()
        time.sleep(0.02)
    print("saved" if c.autosaver.meta_file.exists() else "not saved", flush=True)
    while True:
        app.processEvents()
        time.sleep(0.05)
""")


@pytest.fixture
def data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return tmp_path / "data"


def test_a_burst_of_edits_is_autosaved_and_nothing_is_left_when_saved_or_closed(qtbot, data_home, tmp_path):
    from lrgui.app.controller import Controller

    c = Controller(autosave=True)
    try:
        assert autosave_folder() == data_home / "lrgui" / "autosave"
        n = c.session.data.n
        c.add_point(0.5, 0.5, 0)
        qtbot.waitUntil(lambda: c.autosaver.meta_file.exists(), timeout=10000)
        saved = read_session(c.autosaver.session_file).session
        assert saved.data.n == n + 1 and np.array_equal(saved.data.X[-1], [0.5, 0.5])
        assert orphans() == []                                   # this process still runs
        assert c.save_session(tmp_path / "mine.lrgui.json", histories=False)
        assert not c.autosaver.session_file.exists()          # saved: the older copy went at once
        assert c.autosaver.save(wait=True) and not c.autosaver.session_file.exists()     # nothing unsaved
        c.add_point(0.7, 0.7, 1)
        assert c.autosaver.save(wait=True) and c.autosaver.session_file.exists()
    finally:
        c.shutdown()
    assert not c.autosaver.session_file.exists() and not c.autosaver.meta_file.exists()


def test_a_killed_window_is_offered_back_with_its_points_and_runs(qtbot, data_home, tmp_path):
    from tests.views.conftest import make_window

    process = subprocess.Popen([sys.executable, "-c", KILLED], stdout=subprocess.PIPE, text=True,
                               env={**os.environ, "XDG_DATA_HOME": str(data_home)})
    try:
        assert process.stdout.readline().strip() == "saved"
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    left = orphans()
    assert len(left) == 1 and left[0].path == ""
    window = make_window(qtbot, tmp_path)
    c = window.controller
    n = c.session.data.n
    window._ask_restore = lambda left, older: "restore"
    assert window.offer_recovery()
    data = c.session.data
    assert data.n == n + 1 and np.array_equal(data.X[-1], [1.5, 2.5]) and data.y[-1] == 1
    assert [r.config.optimizer for r in c.session.runs] == ["gd", "adam"]
    assert c.dirty and "*" in window.windowTitle()
    assert c.session.path == ""                                 # never the autosave's own file
    assert orphans() == []                                      # taken: not offered again
    c.undo_stack.setClean()
    window.close()


def test_discarding_an_autosave_removes_it_and_not_now_keeps_it(qtbot, data_home, tmp_path):
    from tests.views.conftest import make_window

    folder = data_home / "lrgui" / "autosave"
    folder.mkdir(parents=True)
    dead = 2 ** 22 + 12345                                       # above Linux's default pid_max
    (folder / f"autosave-{dead}.lrgui.json").write_text("{}")
    (folder / f"autosave-{dead}.json").write_text(f'{{"pid": {dead}, "saved": 0, "path": "/x/a.lrgui.json"}}')
    window = make_window(qtbot, tmp_path)
    asked = []
    window._ask_restore = lambda left, older: (asked.append(left.path), "later")[1]
    assert not window.offer_recovery() and len(orphans()) == 1 and asked == ["/x/a.lrgui.json"]
    window._ask_restore = lambda left, older: "discard"
    assert not window.offer_recovery() and orphans() == []
    window.controller.undo_stack.setClean()
    window.close()


def test_the_session_is_written_by_the_autosave_process_and_the_window_goes_on(qtbot, data_home):
    """A large session takes seconds to write: another process writes it, from a copy handed over."""
    from lrgui.app.controller import Controller
    from lrgui.core.generators import generate

    c = Controller(autosave=True)
    try:
        c.open_data("many.csv", generate("gaussian", n0=500, n1=500, seed=2))
        c.add_point(0.3, 0.4, 0)                  # unsaved
        assert c.autosaver.save() is True         # returns at once
        c.add_point(0.1, 0.2, 1)                  # the window answers meanwhile
        assert c.autosaver.save(wait=True)
        meta = json.loads(c.autosaver.meta_file.read_text())
        assert meta["pid"] == os.getpid()         # written for this window ...
        writer = c.writer._process.process
        assert writer.pid != os.getpid() and writer.poll() is None        # ... by a process of its own
        saved = read_session(c.autosaver.session_file).session.data
        assert saved.n == 1002 and np.array_equal(saved.X[-1], [0.1, 0.2])   # the last save asked for
    finally:
        c.shutdown()
    assert not c.autosaver.session_file.exists() and c.writer._process is None
