"""Rapid random actions in the window (seeded), then closing it while it trains, while the
landscape is computed, and with dialogs open: no exception, no thread or timer left, the training
process ended, and the real program exits with status 0."""

import os
import random
import subprocess
import sys
import threading
import time
import traceback

import numpy as np
import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from tests.views.conftest import Driver, make_window
from lrgui.views.import_dialog import ImportDialog

ACTIONS = 1000          # in the first test; the others start from a shorter mess


class Faults:
    """Records every exception that reaches sys.excepthook while it is installed (in the test
    body: pytest-qt puts its own hook in place around each test phase)."""

    def __init__(self):
        self.seen: list[str] = []
        self._previous = None

    def __enter__(self):
        self._previous, sys.excepthook = sys.excepthook, self._record
        return self.seen

    def __exit__(self, *exc):
        sys.excepthook = self._previous

    def _record(self, kind, value, tb):
        self.seen.append("".join(traceback.format_exception(kind, value, tb)))
        print(self.seen[-1], file=sys.stderr)


def _files(tmp_path):
    """Data files good and bad, a session file good and bad, and a path that does not exist."""
    good = tmp_path / "good.csv"
    rng = np.random.default_rng(1)
    X = rng.normal(size=(30, 2))
    good.write_text("a,b,label\n" + "".join(f"{a!r},{b!r},{int(a + b > 0)}\n" for a, b in X.tolist()))
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,label\n1,2,0\n3,x,1\n")
    huge = tmp_path / "huge.csv"
    huge.write_text("a,b,label\n1.7e308,-1.7e308,0\n-1.7e308,1.7e308,1\n2,3,0\n4,1,1\n")
    session = tmp_path / "good.lrgui.json"
    session.write_text('{"format": "lrgui-session", "version": 1, "data": {"generator": "moons", '
                       '"params": {"seed": 4}}, "runs": [{"optimizer": "adam", "lr": 0.05}, {"optimizer": "gd"}]}')
    broken = tmp_path / "broken.lrgui.json"
    broken.write_text('{"format": "lrgui-session", "version": 1, "data": ')
    return [good, bad, huge, session, broken, tmp_path / "missing.csv"]


def _random_actions(driver, rng: random.Random, files, count: int) -> list[str]:
    """``count`` random gestures through the controller, the window's actions, keys and clicks on
    the plane; returns their names (to tell what led to a failure)."""
    c, w = driver.controller, driver.window
    keys = [(Qt.Key.Key_Space,), (Qt.Key.Key_Right,), (Qt.Key.Key_Left,), (Qt.Key.Key_R,), (Qt.Key.Key_Home,),
            (Qt.Key.Key_End,), (Qt.Key.Key_PageUp,), (Qt.Key.Key_PageDown,), (Qt.Key.Key_BracketRight,),
            (Qt.Key.Key_BracketLeft,), (Qt.Key.Key_O,), (Qt.Key.Key_O, Qt.KeyboardModifier.ShiftModifier),
            (Qt.Key.Key_0,), (Qt.Key.Key_1,), (Qt.Key.Key_F,), (Qt.Key.Key_E,), (Qt.Key.Key_H,), (Qt.Key.Key_N,),
            (Qt.Key.Key_Delete,), (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier),
            (Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)]

    def point():
        return rng.randrange(max(1, c.session.data.n))

    def move():
        i = point()
        c.begin_move(i)
        for _ in range(rng.randint(1, 3)):
            c.move_point(i, rng.uniform(-5, 10), rng.uniform(-5, 10))
        c.end_move(i)

    def key():
        chosen = rng.choice(keys)
        driver.key(chosen[0], *chosen[1:], widget=w)

    def click():
        modifier = rng.choice([None, None, Qt.KeyboardModifier.ShiftModifier, Qt.KeyboardModifier.ControlModifier])
        driver.click(rng.uniform(-3, 9), rng.uniform(-3, 9), modifier=modifier)

    actions = {
        "play": lambda: c.play(True), "pause": lambda: c.play(False), "toggle": c.toggle_play,
        "step": c.step, "back": c.step_back, "reset": c.reset,
        "seek": lambda: c.seek(rng.randint(0, 60)), "seek_by": lambda: c.seek_by(rng.choice([-10, -1, 1, 10])),
        "add_run": lambda: c.add_run() if len(c.session.runs) < 4 else None,
        "remove_run": lambda: c.remove_run(rng.choice(c.session.runs).id),
        "select_run": lambda: c.select_run(rng.choice(c.session.runs).id),
        "undo": c.undo_stack.undo, "redo": c.undo_stack.redo,
        "undo2": c.undo_stack.undo, "redo2": c.undo_stack.redo,
        "open": lambda: c.open_path(rng.choice(files)),
        "generate": lambda: c.generate(rng.choice(["gaussian", "moons", "xor", "circles"]), {"seed": rng.randint(0, 9)}),
        "lr": lambda: c.scale_learning_rate(rng.choice([0.5, 2.0, 1e6])),
        "optimizer": lambda: c.cycle_optimizer(rng.choice([-1, 1])),
        "speed": lambda: c.set_speed(rng.choice([None, 30.0, 1000.0])),
        "add_point": lambda: c.add_point(rng.uniform(-5, 10), rng.uniform(-5, 10), rng.randint(0, 1)),
        "remove_point": lambda: c.remove_point(point()),
        "move_point": move,
        "view": lambda: c.set_view(**{rng.choice(["shading", "contours", "misclassified", "log_loss",
                                                  "equal_aspect"]): rng.random() < 0.5}),
        # (degree 6 with the scipy methods is left out: one epoch of theirs can take minutes)
        "degree": lambda: c.set_run_config(degree=rng.choice([1, 2])),
        "standardize": lambda: c.set_run_config(standardize=rng.random() < 0.5),
        "clear": lambda: c.clear() if rng.random() < 0.2 else None,
        "frame": lambda: w.actions["frame"].trigger(),
        "key": key, "key2": key, "click": click, "click2": click,
        "events": QApplication.processEvents,
    }
    names = list(actions)
    done = []
    for i in range(count):
        name = rng.choice(names)
        done.append(name)
        actions[name]()
        if i % 20 == 0:
            driver.qtbot.wait(5)             # let frames, replies and the landscape come in
    return done


def _timers_running(window) -> list:
    """Active timers parented (at any depth) to the window or the controller."""
    from PySide6.QtCore import QTimer as Timer

    found = window.findChildren(Timer) + window.controller.findChildren(Timer)
    return [t for t in found if t.isActive()]


def _closed_cleanly(window, threads_before) -> None:
    c = window.controller
    assert not window.isVisible()
    assert c.client.process.wait(timeout=10) is not None           # the training process ended
    assert not c.threads_running()
    assert _timers_running(window) == []
    QApplication.processEvents()
    left = [t for t in threading.enumerate() if t not in threads_before and t.is_alive()]
    assert left == []
    assert c.faults == []                                            # none in the training process


def _window(qtbot, tmp_path):
    threads = set(threading.enumerate())
    window = make_window(qtbot, tmp_path)
    driver = Driver(qtbot, window)
    driver.settle()
    return driver, threads


def _trainable(c) -> None:
    """Whatever the mess left, a run that trains: plain gradient descent on a fresh data set."""
    c.generate("gaussian", {"seed": 1})
    c.set_run_config(optimizer="gd", hyper={"lr": 0.5}, degree=1, standardize=True, max_epochs=100_000)
    c.reset()


def test_a_thousand_random_actions_then_close_while_training(qtbot, tmp_path, recwarn):
    driver, threads = _window(qtbot, tmp_path)
    c = driver.controller
    with Faults() as faults:
        _random_actions(driver, random.Random(7), _files(tmp_path), ACTIONS)
        driver.settle(timeout=30000)
        _trainable(c)
        c.set_speed(None)
        c.play(True)
        qtbot.waitUntil(lambda: c.playing and c.latest.position > 20, timeout=20000)
        c.undo_stack.setClean()
        assert driver.window.close()
        _closed_cleanly(driver.window, threads)
    assert faults == []
    # (numbers out of range end in words, never in a warning on the terminal, whatever the thread)
    assert [str(w.message) for w in recwarn if issubclass(w.category, RuntimeWarning)] == []


def test_close_during_a_landscape_computation(qtbot, tmp_path):
    driver, threads = _window(qtbot, tmp_path)
    c = driver.controller
    with Faults() as faults:
        _random_actions(driver, random.Random(11), _files(tmp_path), 100)
        driver.settle(timeout=30000)
        c.generate("gaussian", {"seed": 5, "n0": 20000, "n1": 20000})       # a new landscape is computed
        qtbot.waitUntil(lambda: c.analysis._future is not None and not c.analysis._future.done(), timeout=10000)
        c.undo_stack.setClean()
        assert driver.window.close()
        _closed_cleanly(driver.window, threads)
    assert faults == []


def _answer_later(pick, answered: list, delay: int = 50) -> None:
    """Once a modal message box is open, press the button ``pick(box)`` returns (and note its text)."""

    def answer():
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible():
            answered.append(box.text())
            pick(box).click()
        else:
            QTimer.singleShot(delay, answer)

    QTimer.singleShot(delay, answer)


def test_close_with_the_unsaved_work_question_open(qtbot, tmp_path):
    """Closing asks about unsaved work; a second close while that question is open asks nothing
    more (the answer decides); Discard closes the window."""
    driver, threads = _window(qtbot, tmp_path)
    c, w = driver.controller, driver.window
    with Faults() as faults:
        _random_actions(driver, random.Random(3), _files(tmp_path), 100)
        c.add_point(1.0, 1.0, 1)                                       # unsaved work: closing asks
        c.play(True)
        asked, boxes = [], []

        def close_again():
            box = QApplication.activeModalWidget()
            if not isinstance(box, QMessageBox):
                QTimer.singleShot(20, close_again)
                return
            boxes.append(box)
            _answer_later(lambda b: b.button(QMessageBox.StandardButton.Discard), asked)
            w.close()                                                 # no second question
            boxes.append(QApplication.activeModalWidget())

        QTimer.singleShot(20, close_again)
        assert w.close()
        assert len(asked) == 1 and "not saved" in asked[0]
        assert len(boxes) == 2 and boxes[0] is boxes[1] and QApplication.activeModalWidget() is None
        _closed_cleanly(w, threads)
    assert faults == []


def test_close_while_a_message_box_is_open(qtbot, tmp_path):
    """A close request (the desktop's, while the import dialog shows why a file cannot be read)
    closes the window and the dialog: the dialog's own loop returns, nothing hangs."""
    driver, threads = _window(qtbot, tmp_path)
    c, w = driver.controller, driver.window
    files = _files(tmp_path)
    with Faults() as faults:
        c.play(True)
        c.add_point(2.0, 2.0, 0)
        asked = []

        def close_from_outside():
            if not isinstance(QApplication.activeModalWidget(), ImportDialog):
                QTimer.singleShot(20, close_from_outside)
                return
            _answer_later(lambda b: b.button(QMessageBox.StandardButton.Discard), asked)
            w.close()

        QTimer.singleShot(20, close_from_outside)
        started = time.perf_counter()
        assert w.open_path(str(files[1])) is False                    # the box, closed by the close
        assert time.perf_counter() - started < 20
        assert len(asked) == 1 and "not saved" in asked[0]
        assert [d for d in w.findChildren(QDialog) if d.isVisible()] == []
        _closed_cleanly(w, threads)
    assert faults == []


SCRIPT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from lrgui.explorer import run_explorer
from lrgui.views.import_dialog import ImportDialog

BAD = sys.argv[1]

def drive(window):
    c = window.controller
    c.set_speed(None)
    c.play(True)
    c.add_point(2.0, 3.0, 1)                     # unsaved work: closing asks

    def answer():                                # the question about unsaved work: Discard
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and "not saved" in box.text():
            box.button(QMessageBox.StandardButton.Discard).click()
        else:
            QTimer.singleShot(20, answer)

    def close():                                 # while the import dialog shows the file's error
        if not isinstance(QApplication.activeModalWidget(), ImportDialog):
            QTimer.singleShot(20, close)
            return
        QTimer.singleShot(20, answer)
        window.close()

    QTimer.singleShot(1500, lambda: (QTimer.singleShot(20, close), window.open_path(BAD)))

sys.exit(run_explorer(None, on_ready=drive))
"""


def test_the_program_exits_with_status_zero_when_closed_mid_training_with_a_box_open(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,label\n1,2,0\n3,x,1\n")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_DATA_HOME": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", SCRIPT, str(bad)], env=env, capture_output=True, text=True,
                          timeout=90)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert time.perf_counter() - started < 60


def test_training_pauses_while_the_unsaved_work_question_is_open(qtbot, tmp_path):
    """The runs do not train on unseen behind the question; Cancel lets them go on."""
    driver, threads = _window(qtbot, tmp_path)
    c, w = driver.controller, driver.window
    c.add_point(1.0, 1.0, 1)                                           # unsaved work: closing asks
    c.play(True)
    qtbot.waitUntil(lambda: c.playing, timeout=10000)
    seen = []

    def cancel(box):
        # the pause reaches the training process as the question opens; from then on, no epoch
        qtbot.waitUntil(lambda: not c.playing, timeout=10000)
        epoch = c.latest.selected.epoch
        qtbot.wait(300)
        seen.append((c.playing, c.latest.selected.epoch - epoch))
        return box.button(QMessageBox.StandardButton.Cancel)

    asked = []
    _answer_later(cancel, asked)
    assert not w.close()                                               # Cancel: the window stays
    assert asked and seen == [(False, 0)]
    qtbot.waitUntil(lambda: c.playing, timeout=10000)                  # and training goes on
    c.undo_stack.setClean()
    assert w.close()
    _closed_cleanly(w, threads)
