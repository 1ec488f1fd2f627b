"""The whole window racing 1 and 4 runs at n = 10,000 (``python -m lrgui.bench gui``).

For each race it prints, next to references measured in the same run:

* frames per second while every run trains at full speed (goal ≥ 30);
* epochs per second while animating, as a fraction of the same race stepped headless, without a
  window, in this process (goal ≥ 50 %);
* the GUI thread's time per frame over 1.5 s from epoch ``long_epochs`` over that over 1.5 s from
  epoch 20 (to about epoch 900), both at the same playback speed so that every frame carries the
  same number of new epochs (goal ≤ 1.2).

Frame time is the time the GUI thread spends in the event loop per frame drawn: reading the
trainer's reports, building the snapshot, updating every plot item and painting.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
import time

N = 10_000
RACES = {1: ("gd",), 4: ("gd", "momentum", "adam", "lbfgs")}
MEASURED_SPEED = 600.0        # epochs per second while frame times are compared
WINDOW_S = 1.5                # … over this long: about 45 frames, epochs 20–920 for the early one


def _specs(optimizers):
    from ..core.config import MAX_EPOCHS_LIMIT
    from ..core.session import RunSpec, window_default_config

    specs = []
    for i, name in enumerate(optimizers):
        config = dataclasses.replace(window_default_config(), optimizer=name, hyper={}, max_epochs=MAX_EPOCHS_LIMIT, tol=0.0)
        specs.append(RunSpec.make(f"r{i}", config.validate(), i))
    return specs


def _data(n: int = N):
    from ..core.generators import generate

    return generate("gaussian", n0=n // 2, n1=n - n // 2, seed=1)


def headless_rate(optimizers, seconds: float) -> float:
    """Epochs per second of the race stepped without a window (the trainer's own loop)."""
    from ..core.race import Race

    race = Race()
    race.set_data(_data(), 1)
    race.set_runs(_specs(optimizers), None)
    for _ in range(20):
        race.step()
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        race.step()
        steps += 1
    return steps / (time.perf_counter() - start)


class _Meter:
    """Counts frames and the GUI thread's busy time inside the event loop."""

    def __init__(self, app, controller):
        self.app, self.controller = app, controller
        self.frames = 0
        controller.frame.connect(self._count)

    def _count(self, _snap) -> None:
        self.frames += 1

    def spin(self, seconds: float | None = None, until=None, limit: float = 900.0) -> tuple[float, int, float]:
        """Run the event loop for ``seconds`` (or until ``until()``); returns (busy seconds,
        frames, wall seconds)."""
        busy, frames0, start = 0.0, self.frames, time.perf_counter()
        while True:
            now = time.perf_counter()
            if seconds is not None and now - start >= seconds:
                break
            if until is not None and until():
                break
            if now - start > limit:
                raise TimeoutError("the race did not get there in time")
            self.app.processEvents()
            busy += time.perf_counter() - now
            time.sleep(0.0005)              # the loop's own spinning is not the window's work
        return busy, self.frames - frames0, time.perf_counter() - start


def racing_window(optimizers, n: int = N):
    """A shown 1600 × 1000 window whose runs (one per optimizer name) train on ``n`` Gaussian
    points, with a meter of its frames: (app, controller, window, meter). Its settings are kept
    in a temporary file, not the user's."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from ..app.controller import Controller
    from ..core.session import DataOrigin, Session
    from .main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    session = Session.default()
    session.update(data=_data(n), origin=DataOrigin.generator("gaussian"), runs=tuple(_specs(optimizers)),
                   selected="r0")
    controller = Controller(session)
    settings = QSettings(os.path.join(tempfile.mkdtemp(), "lrgui-bench.ini"), QSettings.Format.IniFormat)
    window = MainWindow(controller, settings)
    window.resize(1600, 1000)
    window.show()
    return app, controller, window, _Meter(app, controller)


def close_window(app, controller, window) -> None:
    """Stop a benchmark's window: training paused, nothing to ask about, every widget gone."""
    controller.play(False)
    controller.undo_stack.setClean()
    window.close()
    window.deleteLater()
    app.processEvents()


def measure(optimizers, seconds: float, long_epochs: int) -> dict:
    app, controller, window, meter = racing_window(optimizers)
    position = lambda: controller.latest.position if controller.latest else 0     # noqa: E731

    # frame time near epoch 100, at a fixed playback speed, once the start-up work is done (fonts,
    # caches, the first landscape)
    controller.set_speed(MEASURED_SPEED)
    controller.play(True)
    meter.spin(until=lambda: position() >= 20)
    controller.play(False)
    meter.spin(3.0)
    controller.play(True)
    busy, frames, _ = meter.spin(WINDOW_S)
    early = busy / max(frames, 1)

    # full speed: frames per second and epochs per second
    controller.set_speed(None)
    meter.spin(1.0)
    e0 = position()
    _busy, frames, wall = meter.spin(seconds)
    fps, animated = frames / wall, (position() - e0) / wall

    # on to the long history, then the same fixed speed again
    meter.spin(until=lambda: position() >= long_epochs)
    controller.set_speed(MEASURED_SPEED)
    meter.spin(0.5)
    busy, frames, _ = meter.spin(WINDOW_S)
    late = busy / max(frames, 1)
    reached = position()

    close_window(app, controller, window)
    return {"runs": len(optimizers), "fps": fps, "animated": animated, "early_ms": 1e3 * early,
            "late_ms": 1e3 * late, "late_epoch": reached}


def measure_inspecting(n: int, seconds: float) -> dict:
    """Epochs per second of one Adam run at full speed with the equations and the internals
    hidden, then shown (the trainer then also answers what the update is, several times a
    second), in the same window; and the answers per second."""
    app, controller, window, meter = racing_window(("adam",), n)
    position = lambda: controller.latest.position if controller.latest else 0     # noqa: E731
    controller.set_speed(None)
    controller.play(True)
    meter.spin(until=lambda: position() >= 20)
    rates = {}
    for shown in (False, True):
        if shown:
            window.show_equations()
            controller.set_view(internals=True)
        meter.spin(1.0)
        e0, q0 = position(), controller.inspector.questions
        _busy, _frames, wall = meter.spin(seconds)
        rates[shown] = (position() - e0) / wall
        answers = (controller.inspector.questions - q0) / wall
    close_window(app, controller, window)
    return {"n": n, "hidden": rates[False], "shown": rates[True], "answers": answers}


def main_inspecting(seconds: float = 5.0) -> int:
    """``python -m lrgui.bench equations``: training speed with the live equations shown."""
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    QApplication.instance() or QApplication([])
    print("one Adam run at full speed in the window: epochs/s with the equations dock and the internals")
    print(f"{'n':>9} {'hidden':>9} {'shown':>9} {'ratio':>6} {'answers/s':>10}")
    for n in (10_000, 1_000_000):
        r = measure_inspecting(n, seconds)
        print(f"{r['n']:>9,} {r['hidden']:>9.0f} {r['shown']:>9.0f} {r['shown'] / r['hidden']:>6.0%} "
              f"{r['answers']:>10.1f}")
    print("goal: shown ≥ 75 % of hidden (the trainer answers at most 8 times a second, and with at "
          "most a fifth of its time)")
    return 0


def main(seconds: float = 3.0, long_epochs: int = 100_000) -> int:
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import pyqtgraph as pg
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    pg.setConfigOptions(antialias=True)
    print(f"the window (1600×1000, platform {app.platformName()}) racing runs on n = {N:,} Gaussian points")
    print(f"frame ms: GUI thread time per frame at {MEASURED_SPEED:g} epochs/s, from epoch 20 and "
          f"from epoch {long_epochs:,}, {WINDOW_S:g} s each")
    print(f"{'runs':>4} {'frames/s':>9} {'epochs/s animated':>18} {'headless':>9} {'ratio':>6} "
          f"{'frame ms @start':>15} {'@long':>7} {'ratio':>6}")
    for optimizers in RACES.values():
        reference = headless_rate(optimizers, seconds)
        r = measure(optimizers, seconds, long_epochs)
        print(f"{r['runs']:>4} {r['fps']:>9.1f} {r['animated']:>18.0f} {reference:>9.0f} "
              f"{r['animated'] / reference:>6.0%} {r['early_ms']:>15.2f} {r['late_ms']:>7.2f} "
              f"{r['late_ms'] / r['early_ms']:>6.2f}   (long = epoch {r['late_epoch']:,})")
    print("goals: ≥ 30 frames/s; animated ≥ 50 % of headless; frame time ratio ≤ 1.2")
    return 0
