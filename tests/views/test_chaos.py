"""A seeded storm of gestures and settings: nothing may raise, in the window or in the worker."""

import numpy as np
import pytest
from PySide6.QtCore import Qt

from lrgui.core.generators import GENERATORS
from lrgui.core.optimizers import OPTIMIZERS

from .conftest import finite


@pytest.mark.parametrize("seed", [2026, 2, 4])
def test_random_session_never_breaks(driver, seed):
    rng = np.random.default_rng(seed)
    c, w = driver.controller, driver.window
    actions = [
        lambda: c.add_point(*rng.uniform(-5, 15, 2), int(rng.integers(2))),
        lambda: c.remove_point(int(rng.integers(max(c.data.n, 1)))),
        lambda: c.undo_stack.undo(),
        lambda: c.undo_stack.redo(),
        lambda: c.clear() if rng.random() < 0.2 else None,
        lambda: c.generate(str(rng.choice(GENERATORS.names())), {}),
        lambda: c.set_config(optimizer=str(rng.choice(OPTIMIZERS.names()))),
        lambda: c.set_config(penalty=str(rng.choice(["none", "l2", "l1"])), lam=float(rng.choice([0.0, 1.0, 50.0]))),
        lambda: c.set_config(degree=int(rng.integers(1, 4)), standardize=bool(rng.integers(2))),
        lambda: c.set_config(loss=str(rng.choice(["cross-entropy", "squared"]))),
        lambda: c.set_config(class_weight=str(rng.choice(["none", "balanced"])),
                             resample=str(rng.choice(["none", "under", "over"]))),
        lambda: c.set_config(test_fraction=float(rng.choice([0.0, 0.3]))),
        lambda: c.set_hyper("lr", float(10 ** rng.uniform(-5, 3))) if "lr" in c.config.hyper else None,
        lambda: c.set_speed(None if rng.random() < 0.5 else 100.0),
        lambda: c.play(bool(rng.integers(2))),
        lambda: c.step(),
        lambda: c.step_back(),
        lambda: c.reset(),
        lambda: c.set_options(threshold=float(rng.uniform(0.05, 0.95)), log_loss=bool(rng.integers(2))),
        lambda: c.set_options(landscape_axes=[(1, 2), (0, 1), (0, 2)][int(rng.integers(3))]),
        lambda: driver.qtbot.keyClick(w, Qt.Key.Key_Space),
        lambda: driver.qtbot.wait(30),
    ]
    for _ in range(250):
        actions[int(rng.integers(len(actions)))]()
        driver.qtbot.wait(2)
    c.play(False)
    snap = driver.settle(timeout=20000)
    assert c._worker.faults == []
    if snap.run is not None:
        assert finite(snap.run.theta) and finite(snap.run.history["loss"][np.isfinite(snap.run.history["loss"])])
    for item in (w.plane.boundary, w.loss_view.train, w.landscape_view.path):
        x, y = item.getData()
        assert x is None or (finite(x) and finite(y))
