"""The controller without a window: gestures become undoable edits of the session model, each edit
names what it changed, sessions round-trip, saved histories are reproduced exactly on opening, and
the title follows undo across Open."""

import json

import numpy as np
import pytest

from lrgui.app.controller import Controller
from lrgui.core.generators import generate
from lrgui.core.optimizers import OPTIMIZERS
from lrgui.core.session import ViewOptions
from lrgui.core.session_file import VERSION, read_session, session_from_dict, session_json
from lrgui.core.table_io import read_table

ROW_NAMES = ("theta_original", "loss", "grad_norm", "accuracy", "test_loss", "test_accuracy")


@pytest.fixture
def make_controller(qtbot):
    """Controllers that are shut down (and checked for stopped threads and faults) after the test."""
    made = []

    def make(session=None, recording=None):
        controller = Controller(session, recording)
        made.append(controller)
        settle(qtbot, controller)
        return controller

    yield make
    for controller in made:
        controller.shutdown()
    for controller in made:
        assert not controller.threads_running()
        assert controller.faults == []


@pytest.fixture
def controller(make_controller):
    return make_controller()


def settle(qtbot, controller, timeout=30000):
    """Wait until the training process has done everything sent so far and a frame shows it."""
    token = controller.sync()
    qtbot.waitUntil(lambda: controller.drawn_sync >= token, timeout=timeout)


def state(session):
    """Everything a user can change in ``session``, as plain comparable values."""
    return (session.data.X.tobytes(), session.data.X.shape, session.data.y.tobytes(), session.data.feature_names,
            tuple(session.data.label_map.items()), session.origin,
            tuple((r.id, json.dumps(r.config.as_dict(), sort_keys=True), r.color, r.name, r.muted)
                  for r in session.runs),
            session.selected, session.view, session.path)


def adam_defaults():
    return {p.name: p.default for p in OPTIMIZERS.get("adam").params}


# -- (a) undo and redo of settings ------------------------------------------------------------------
def test_each_settings_change_is_undone_and_redone(controller):
    c, s = controller, controller.session
    assert [r.id for r in s.runs] == ["run1"] and s.selected_run.config.optimizer == "gd"
    gd_hyper = dict(s.selected_run.config.hyper)
    assert gd_hyper["lr"] == 0.5

    def check_run1(optimizer, hyper, penalty="none", lam=1.0):
        config = s.run("run1").config
        assert (config.optimizer, config.hyper, config.penalty, config.lam) == (optimizer, hyper, penalty, lam)

    def check_runs(ids, selected):
        assert ([r.id for r in s.runs], s.selected) == (ids, selected)

    def check_view(view):
        assert s.view == view

    adam_l2 = lambda: check_run1("adam", adam_defaults(), "l2", 2.5)          # noqa: E731
    steps = [
        (lambda: c.set_run_config(optimizer="adam"),
         lambda: check_run1("gd", gd_hyper), lambda: check_run1("adam", adam_defaults())),
        (lambda: c.set_run_config(penalty="l2", lam=2.5),
         lambda: check_run1("adam", adam_defaults()), adam_l2),
        (lambda: c.set_hyper("lr", 0.03),
         adam_l2, lambda: check_run1("adam", {**adam_defaults(), "lr": 0.03}, "l2", 2.5)),
        (lambda: c.add_run(),
         lambda: check_runs(["run1"], "run1"), lambda: check_runs(["run1", "run2"], "run2")),
        (lambda: c.remove_run("run1"),
         lambda: check_runs(["run1", "run2"], "run2"), lambda: check_runs(["run2"], "run2")),
        (lambda: c.set_view(threshold=0.3, shading=False),
         lambda: check_view(ViewOptions()), lambda: check_view(ViewOptions(threshold=0.3, shading=False))),
    ]
    for act, check_before, check_after in steps:
        check_before()
        before, count = state(s), c.undo_stack.count()
        act()
        after = state(s)
        check_after()
        assert after != before and c.undo_stack.count() == count + 1
        c.undo_stack.undo()
        assert state(s) == before
        check_before()
        c.undo_stack.redo()
        assert state(s) == after
        check_after()
    # the run added copied the settings of run1 (then removed), with a colour of its own
    config = s.run("run2").config
    assert (config.optimizer, config.hyper, config.penalty, config.lam) == \
        ("adam", {**adam_defaults(), "lr": 0.03}, "l2", 2.5)
    assert s.run("run2").color != 0
    # and the whole way back, one step at a time, to the session it started as
    while c.undo_stack.canUndo():
        c.undo_stack.undo()
    assert [r.id for r in s.runs] == ["run1"] and s.view == ViewOptions()
    check_run1("gd", gd_hyper)


def test_quick_edits_of_one_hyperparameter_merge_into_one_step(controller):
    c, s = controller, controller.session
    c.set_run_config(optimizer="adam")
    count = c.undo_stack.count()
    for lr in (0.02, 0.04, 0.08):
        c.set_hyper("lr", lr)
    assert c.undo_stack.count() == count + 1
    assert s.selected_run.config.hyper["lr"] == 0.08
    c.set_hyper("beta1", 0.8)                     # another setting: a step of its own
    assert c.undo_stack.count() == count + 2
    c.undo_stack.undo()
    assert s.selected_run.config.hyper == {**adam_defaults(), "lr": 0.08}
    c.undo_stack.undo()                           # the three rates go back at once
    assert s.selected_run.config.hyper == adam_defaults()
    assert s.selected_run.config.optimizer == "adam"
    c.undo_stack.redo()
    assert s.selected_run.config.hyper["lr"] == 0.08


def test_edits_apart_in_time_or_of_another_run_do_not_merge(controller):
    c, s = controller, controller.session
    c.set_hyper("lr", 0.2)
    count = c.undo_stack.count()
    c.undo_stack.command(count - 1).stamp -= 10.0        # as if made ten seconds ago
    c.set_hyper("lr", 0.3)
    assert c.undo_stack.count() == count + 1
    c.add_run()
    c.set_hyper("lr", 0.4)                               # the new run's rate: not run1's step
    assert c.undo_stack.count() == count + 3
    assert s.run("run1").config.hyper["lr"] == 0.3 and s.run("run2").config.hyper["lr"] == 0.4
    c.undo_stack.undo()
    assert s.run("run2").config.hyper["lr"] == 0.3


def test_quick_changes_of_one_view_option_merge(controller):
    c, s = controller, controller.session
    count = c.undo_stack.count()
    for t in (0.4, 0.35, 0.3):
        c.set_view(threshold=t)
    c.set_view(log_loss=True)
    assert c.undo_stack.count() == count + 2
    c.undo_stack.undo()
    assert s.view == ViewOptions(threshold=0.3)
    c.undo_stack.undo()
    assert s.view == ViewOptions()


def test_a_refused_setting_changes_nothing(controller):
    c, s = controller, controller.session
    messages = []
    c.message.connect(messages.append)
    before, count = state(s), c.undo_stack.count()
    assert c.set_run_config(degree=9) is False
    assert state(s) == before and c.undo_stack.count() == count
    assert messages and "degree" in messages[-1]


# -- (b) what each change names ----------------------------------------------------------------------
def test_each_gesture_emits_one_change_naming_what_changed(controller):
    c, s = controller, controller.session
    seen, signalled = [], []
    s.events.connect(seen.append)
    c.sessionChanged.connect(signalled.append)

    def one_change(act, fields, runs=()):
        before = len(seen)
        act()
        assert len(seen) == before + 1, f"{len(seen) - before} changes"
        assert seen[-1].fields == frozenset(fields)
        assert seen[-1].runs == frozenset(runs)

    n = s.data.n
    one_change(lambda: c.add_point(3.0, 4.0, 1), {"data", "origin"})       # the generated data are now edited
    assert s.data.n == n + 1 and s.data.X[-1].tolist() == [3.0, 4.0] and s.data.y[-1] == 1 and s.origin.edited
    one_change(lambda: c.add_point(5.0, 6.0, 0), {"data"})
    one_change(lambda: c.remove_point(0), {"data"})
    one_change(lambda: c.set_run_config(optimizer="adam"), {"runs"}, {"run1"})
    one_change(lambda: c.set_hyper("lr", 0.2), {"runs"}, {"run1"})
    one_change(lambda: c.set_view(log_loss=True), {"view"})
    one_change(lambda: c.set_view(threshold=0.7), {"view"})
    one_change(lambda: c.add_run(), {"runs", "selected"}, {"run2"})
    one_change(lambda: c.rename_run("run2", "mine"), {"runs"}, {"run2"})

    count, text = c.undo_stack.count(), c.undo_stack.undoText()
    one_change(lambda: c.select_run("run1"), {"selected"})
    assert (c.undo_stack.count(), c.undo_stack.undoText()) == (count, text)       # not an edit
    one_change(lambda: c.remove_run("run2"), {"runs"}, {"run2"})
    one_change(lambda: c.add_run(), {"runs", "selected"}, {"run2"})
    one_change(lambda: c.remove_run("run2"), {"runs", "selected"}, {"run2"})        # the selected one
    assert s.selected == "run1"
    one_change(lambda: c.undo_stack.undo(), {"runs", "selected"}, {"run2"})         # undo names it too …
    assert [r.id for r in s.runs] == ["run1", "run2"] and s.selected == "run2"     # … and selects it again
    one_change(lambda: c.undo_stack.undo(), {"runs", "selected"}, {"run2"})
    assert [r.id for r in s.runs] == ["run1"] and s.selected == "run1"
    one_change(lambda: c.undo_stack.undo(), {"runs"}, {"run2"})                    # the removal of run2 …
    assert [r.id for r in s.runs] == ["run1", "run2"] and s.selected == "run1"     # … which was not selected

    before = len(seen)
    c.set_view(threshold=0.7)                  # no change: no event, no step
    c.select_run("run1")
    assert len(seen) == before
    assert signalled == seen                   # the controller passes every change on


# -- (c) the state model's round trip ----------------------------------------------------------------
def test_the_session_round_trips_through_its_dictionary_after_edits(controller):
    c, s = controller, controller.session
    c.add_point(1.25, -3.5, 1)
    c.add_point(1e-300, 7e300, 0)
    c.remove_point(2)
    c.set_run_config(penalty="l1", lam=3.0)
    c.add_run()
    c.set_run_config(optimizer="adam")
    c.set_hyper("beta1", 0.75)
    c.set_start([0.5, -1.0, 2.0])
    c.rename_run("run2", "my adam")
    c.add_run("run1")
    c.set_muted("run3", True)
    c.remove_run("run1")
    c.set_view(threshold=0.3, landscape_axes=(0, 2), equal_aspect=True, contours=False)
    c.select_run("run2")

    # an independent account of the data: the seed notes' data with the same edits made by numpy
    base = generate("gaussian")
    X = np.vstack([base.X, [[1.25, -3.5], [1e-300, 7e300]]])
    y = np.r_[base.y, 1, 0]
    X, y = np.delete(X, 2, axis=0), np.delete(y, 2)
    np.testing.assert_array_equal(s.data.X, X)
    np.testing.assert_array_equal(s.data.y, y)

    text = session_json(s)
    loaded = session_from_dict(json.loads(text)).session
    assert loaded.data.equals(s.data)
    assert np.array_equal(loaded.data.X, X) and np.array_equal(loaded.data.y, y)
    assert loaded.origin == s.origin and loaded.origin.edited
    assert [r.config.as_dict() for r in loaded.runs] == [r.config.as_dict() for r in s.runs]
    assert [(r.name, r.color, r.muted) for r in loaded.runs] == [(r.name, r.color, r.muted) for r in s.runs]
    assert [(r.name, r.muted) for r in loaded.runs] == [("my adam", False), ("", True)]
    assert loaded.runs[0].config.optimizer == "adam" and loaded.runs[0].config.hyper["beta1"] == 0.75
    assert loaded.runs[0].config.init == [0.5, -1.0, 2.0]
    assert (loaded.runs[1].config.penalty, loaded.runs[1].config.lam) == ("l1", 3.0)
    assert [r.id for r in loaded.runs].index(loaded.selected) == [r.id for r in s.runs].index(s.selected) == 0
    assert loaded.view == s.view == ViewOptions(threshold=0.3, contours=False, landscape_axes=(0, 2),
                                                equal_aspect=True)
    assert session_json(loaded) == text                 # and once more gives the very same file


# -- (d) saved histories are reproduced exactly --------------------------------------------------------
def train(qtbot, controller, epochs):
    for _ in range(epochs):
        controller.step()
    settle(qtbot, controller)


def histories(controller):
    """Each run's shown rows, in the session's order."""
    return [{name: np.array(controller.mirror.runs[r.id].history.rows(name)) for name in ROW_NAMES}
            for r in controller.session.runs]


def assert_same_rows(got, expected):
    assert len(got) == len(expected)
    for a, b in zip(got, expected):
        for name in ROW_NAMES:
            np.testing.assert_array_equal(a[name], b[name], err_msg=name)     # NaN equals NaN, else bits


def test_a_saved_session_reopens_with_every_recorded_epoch(qtbot, make_controller, tmp_path):
    c = make_controller()
    c.add_run()
    c.set_run_config(optimizer="adam")
    settle(qtbot, c)
    train(qtbot, c, 6)
    c.add_point(5.0, 5.0, 1)                     # both runs go on with other data …
    settle(qtbot, c)
    train(qtbot, c, 5)
    c.set_hyper("lr", 0.2)                       # … and the Adam run with another rate
    settle(qtbot, c)
    train(qtbot, c, 5)
    shown = histories(c)
    assert [len(h["loss"]) for h in shown] == [17, 17] and c.mirror.position == 16
    assert c.save_session(tmp_path / "s.lrgui.json")
    assert not c.dirty and c.title() == "s.lrgui.json"

    recording = read_session(tmp_path / "s.lrgui.json").recording
    assert recording.epoch == 16
    assert [[start for start, _, _ in r.segments] for r in recording.runs] == [[0, 6], [0, 6, 11]]
    for r in recording.runs:                     # the first part on the data before the point was added
        assert recording.data_versions[r.segments[0][1]].equals(generate("gaussian"))
        assert r.segments[1][1] is None          # the rest on the session's data
    assert_same_rows([r.rows for r in recording.runs], [{k: h[k] for k in ROW_NAMES} for h in shown])

    # opened in a new window's controller …
    d = make_controller()
    messages = []
    d.message.connect(messages.append)
    assert d.open_path(tmp_path / "s.lrgui.json")
    settle(qtbot, d)
    assert_same_rows(histories(d), shown)
    assert d.mirror.position == 16 and d.records == {}
    assert not any("did not reproduce" in m for m in messages), messages
    assert not d.dirty and d.title() == "s.lrgui.json"

    # … and given to a controller as it starts (the command line's way)
    loaded = read_session(tmp_path / "s.lrgui.json")
    e = make_controller(loaded.session, loaded.recording)
    e_messages = []
    e.message.connect(e_messages.append)
    settle(qtbot, e)
    assert_same_rows(histories(e), shown)
    assert e.mirror.position == 16 and e.records == {}
    assert not any("did not reproduce" in m for m in e_messages), e_messages


def test_a_session_with_the_same_runs_as_the_open_one_is_still_reproduced(qtbot, make_controller, tmp_path):
    """The runs of the file equal those already open (only their recorded course differs)."""
    c = make_controller()
    train(qtbot, c, 4)
    c.set_hyper("lr", 3.0)
    settle(qtbot, c)
    train(qtbot, c, 4)
    c.undo_stack.command(c.undo_stack.count() - 1).stamp -= 10.0     # not merged with the next change
    c.set_hyper("lr", 0.5)                                           # back to the default settings
    settle(qtbot, c)
    train(qtbot, c, 4)
    shown = histories(c)
    assert c.save_session(tmp_path / "same.lrgui.json")
    recording = read_session(tmp_path / "same.lrgui.json").recording
    assert [(start, config.hyper["lr"]) for start, _, config in recording.runs[0].segments] == \
        [(0, 0.5), (4, 3.0), (8, 0.5)]

    d = make_controller()
    assert d.session.runs[0].same(c.session.runs[0])
    messages = []
    d.message.connect(messages.append)
    assert d.open_path(tmp_path / "same.lrgui.json")
    settle(qtbot, d)
    assert_same_rows(histories(d), shown)
    assert not any("did not reproduce" in m for m in messages), messages


# -- (e) the title follows undo across Open ----------------------------------------------------------
def test_the_title_follows_undo_and_redo_of_open(controller, tmp_path):
    c = controller
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text("x1,x2,label\n0,0,0\n1,1,1\n2,0,0\n3,1,1\n")
    b.write_text("x1,x2,label\n5,5,0\n6,6,1\n7,5,0\n")
    a_X, b_X = np.array([[0, 0], [1, 1], [2, 0], [3, 1]], float), np.array([[5, 5], [6, 6], [7, 5]], float)
    titles = []
    c.titleChanged.connect(lambda: titles.append((c.title(), c.dirty)))

    assert (c.title(), c.dirty) == ("Two Gaussian clouds", False)
    assert c.open_path(a)
    assert (c.title(), c.dirty) == ("a.csv", False)           # the data are in their file
    assert c.open_path(b)
    assert (c.title(), c.dirty) == ("b.csv", False)
    np.testing.assert_array_equal(c.session.data.X, b_X)

    c.undo_stack.undo()
    np.testing.assert_array_equal(c.session.data.X, a_X)
    assert c.session.data.equals(read_table(a))
    assert (c.title(), c.dirty) == ("a.csv", True)            # not what was opened last: unsaved
    assert titles[-1] == ("a.csv", True)                      # and the window was told

    c.undo_stack.undo()
    assert (c.title(), c.dirty) == ("Two Gaussian clouds", True)
    assert titles[-1] == ("Two Gaussian clouds", True)

    c.undo_stack.redo()
    c.undo_stack.redo()
    np.testing.assert_array_equal(c.session.data.X, b_X)
    assert (c.title(), c.dirty) == ("b.csv", False)
    assert titles[-1] == ("b.csv", False)


# -- (f) a newer session file is refused and left alone ------------------------------------------------
def test_a_session_of_a_newer_version_is_refused_and_left_byte_identical(controller, tmp_path):
    c = controller
    path = tmp_path / "future.lrgui.json"
    content = {"format": "lrgui-session", "version": VERSION + 1,
               "data": {"generator": "gaussian", "params": {"seed": 9}}, "runs": [{"optimizer": "adam"}],
               "layout": {"future": "things"}}
    path.write_bytes(json.dumps(content, indent=3).encode() + b"\n\n")
    before = path.read_bytes()
    messages = []
    c.message.connect(messages.append)
    c.add_point(1.0, 1.0, 0)
    session_before, count = state(c.session), c.undo_stack.count()

    assert c.open_path(path) is False
    assert "newer lrgui" in c.last_error and f"version {VERSION + 1}" in c.last_error
    assert messages and messages[-1] == c.last_error
    assert path.read_bytes() == before
    assert state(c.session) == session_before and c.undo_stack.count() == count
    assert c.title() == "Two Gaussian clouds" and c.dirty
    assert c.layout == {}


# -- ending --------------------------------------------------------------------------------------------
ENDING = """
import sys
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication
app = QApplication([])
from lrgui.app.controller import Controller
c = Controller()
c.add_point(1.0, 2.0, 0)          # unsaved work: the undo stack is not clean as it goes
c.shutdown()
running = c.threads_running()
c.deleteLater()
QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
app.processEvents()
del c
print("ended", running)
"""


def test_a_controller_with_unsaved_edits_ends_without_a_traceback(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = tmp_path / "ending.py"
    script.write_text(ENDING)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH", "")) if p)}
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env,
                         cwd=root)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ended False"
    assert "Traceback" not in out.stderr and "Error" not in out.stderr, out.stderr


def test_a_killed_trainer_is_restarted_and_a_waiting_script_still_gets_its_answer(qtbot, controller):
    messages = []
    controller.message.connect(messages.append)
    before = state(controller.session)
    for _ in range(5):
        controller.step()
    settle(qtbot, controller)
    controller.client.process.kill()
    controller.client.process.wait()
    settle(qtbot, controller)                      # answered by the new process
    assert controller.client.alive and any("restarted" in m for m in messages)
    assert state(controller.session) == before
    controller.step()
    settle(qtbot, controller)
    assert controller.latest.selected.epoch == 1


def test_point_edits_reach_the_training_process_as_edits_and_it_trains_on_the_same_data(controller, qtbot):
    """A click sends the point, not the data; the runs then train on exactly the session's data:
    θ after the edits equals a run of its own on them."""
    from lrgui.core.run import TrainingRun

    c = controller
    c.open_data("many.csv", generate("gaussian", n0=3_000, n1=2_000, seed=9))
    settle(qtbot, c)
    sent = []
    send = c.client.send

    def spy(*message):
        sent.append("data whole" if message[0] == "data" and message[2] is not None else message[0])
        send(*message)

    c.client.send = spy
    c.add_point(0.5, 0.25, 1)
    c.add_point(-1.0, 2.0, 0)
    c.begin_move(10)
    c.move_point(10, 3.0, 3.0)
    c.end_move(10)
    c.remove_point(3)
    c.undo_stack.undo()                           # the removal undone: the point back at 3
    settle(qtbot, c)
    # letting a drag go puts the data from before it back for a moment (the undo step is made of
    # that), sent whole; every other edit is sent as the point
    assert sent[:7] == ["edit"] * 3 + ["data whole"] + ["edit"] * 3
    data = c.session.data
    assert data.n == 5_002 and np.array_equal(data.X[10], [3.0, 3.0])
    for _ in range(25):
        c.step()
    snap = settle(qtbot, c) or c.latest
    alone = TrainingRun(data, c.session.selected_run.config)
    alone.step(25)
    assert snap.selected.epoch == 25
    np.testing.assert_array_equal(snap.selected.theta, alone.theta_original)
