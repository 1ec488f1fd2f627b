"""The undo stack keeps point edits as differences and holds whole data sets within a budget."""

import queue
import time

import numpy as np

from lrgui.app import controller as controller_module
from lrgui.app.commands import held_bytes
from lrgui.app.worker import latest_data
from lrgui.core.dataset import Dataset
from lrgui.core.session import DataOrigin, Session
from tests.app.test_controller import make_controller, settle, state  # noqa: F401  (fixture)


def _stack_bytes(stack) -> int:
    """Bytes of every array the stack's commands reference (each array once)."""
    seen = {}
    for i in range(stack.count()):
        command = stack.command(i)
        for value in vars(command).values():
            candidates = [value]
            if isinstance(value, dict):
                candidates = list(value.values())
            for v in candidates:
                arrays = [v] if isinstance(v, np.ndarray) else [v.X, v.y] if isinstance(v, Dataset) else []
                for a in arrays:
                    seen[id(a)] = a.nbytes
    return sum(seen.values())


def test_clicks_on_a_million_points_are_kept_as_differences_and_undo_exactly(qtbot, make_controller):
    rng = np.random.default_rng(0)
    n = 1_000_000
    y = (rng.random(n) < 0.5).astype(float)
    data = Dataset(rng.normal(size=(n, 2)) + y[:, None], y)
    c = make_controller(Session(data, DataOrigin()))
    states = [state(c.session)]
    started = time.perf_counter()
    for i in range(30):
        if i % 3 == 0:
            c.add_point(0.1 * i, -0.2 * i, i % 2)
        elif i % 3 == 1:
            c.remove_point(17 * i)
        else:
            c.begin_move(5 * i)
            c.move_point(5 * i, 1.5, 2.5)
            c.end_move(5 * i)
        states.append(state(c.session))
    per_edit = (time.perf_counter() - started) / 30
    assert c.undo_stack.count() == 30
    # 30 edits keep a few numbers each, not 30 copies of 24 MB
    assert _stack_bytes(c.undo_stack) < 100_000
    assert sum(sum(held_bytes(c.undo_stack.command(i)).values()) for i in range(30)) == 0
    for expected in reversed(states[:-1]):
        c.undo_stack.undo()
        assert state(c.session) == expected                 # bit for bit
    for expected in states[1:]:
        c.undo_stack.redo()
        assert state(c.session) == expected
    settle(qtbot, c)
    assert per_edit < 1.0          # a loose bound; the figure itself is measured in the note


def test_whole_data_sets_beyond_the_budget_forget_the_oldest_steps(qtbot, make_controller, monkeypatch):
    monkeypatch.setattr(controller_module, "UNDO_BUDGET", 3 * 80 * 3 * 8)       # about three small data sets
    c = make_controller()
    messages = []
    c.message.connect(messages.append)
    c.add_point(1.0, 1.0, 0)
    for seed in range(6):
        assert c.generate("gaussian", {"seed": seed})
    kept = c.undo_stack.count()
    assert 1 <= kept < 7
    assert any("undo steps were forgotten" in m for m in messages)
    held = {}
    for i in range(kept):
        held.update(held_bytes(c.undo_stack.command(i)))
    assert sum(held.values()) <= controller_module.UNDO_BUDGET
    # the steps kept still undo and redo exactly
    newest = state(c.session)
    for _ in range(kept):
        c.undo_stack.undo()
    assert not c.undo_stack.canUndo()
    for _ in range(kept):
        c.undo_stack.redo()
    assert state(c.session) == newest and not c.undo_stack.canRedo()


def test_of_data_sets_queued_one_after_another_only_the_last_is_sent():
    outbox = queue.Queue()
    for message in [("data", 1), ("data", 2), ("runs", []), ("data", 3), ("sync", 1), ("data", 4), ("data", 5),
                    None, ("data", 6)]:
        outbox.put(message)
    assert list(latest_data(outbox)) == [("data", 2), ("runs", []), ("data", 3), ("sync", 1), ("data", 5)]
