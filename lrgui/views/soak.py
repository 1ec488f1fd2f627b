"""The window training at full speed for minutes (``python -m lrgui.bench soak --minutes 10``).

One run of gradient descent trains on n = 10,000 Gaussian points, without a tolerance, for the
whole soak, or until it comes within two measuring windows of the largest number of epochs a run
may have (``MAX_EPOCHS_LIMIT``; it gets there in about ten minutes on a fast machine), so that the
end frame rate is always measured while training. It prints the resident memory (RSS, MB) of the
window's process and of the training process after a warm-up and at the end, and the frames drawn
per second over the first and the last ``RATE_WINDOW_S`` seconds, then checks the goals:

* memory growth (both processes together, end minus after warm-up) below ``GROWTH_GOAL_MB``;
* the end frame rate within ``FPS_DROP_GOAL`` (20 %) of the start frame rate.

It ends with PASS (exit status 0) or FAIL (exit status 1). Not part of the test run.
"""

from __future__ import annotations

import gc
import os
import sys
import time

GROWTH_GOAL_MB = 50.0
FPS_DROP_GOAL = 0.20
RATE_WINDOW_S = 10.0          # frames are counted over this long at the start and at the end
WARMUP_S = 20.0               # at most; a short soak warms up for a quarter of its time


def rss_mb(pid: int | None = None) -> float | None:
    """Resident memory of process ``pid`` (this one by default) in MB (10⁶ bytes), or None where
    the system does not tell (it is read from /proc)."""
    try:
        with open(f"/proc/{pid or os.getpid()}/statm") as f:
            pages = int(f.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def _both(controller) -> tuple[float | None, float | None]:
    gc.collect()
    return rss_mb(), rss_mb(controller.client.process.pid)


def _mb(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f} MB"


def soak(minutes: float) -> int:
    """Train in the window for ``minutes`` (warm-up included) and report; returns the exit status."""
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import pyqtgraph as pg

    from ..core.config import MAX_EPOCHS_LIMIT
    from .bench import N, close_window, racing_window

    total = max(60.0 * minutes, 4 * RATE_WINDOW_S)
    warmup = min(WARMUP_S, total / 4)
    pg.setConfigOptions(antialias=True)
    app, controller, window, meter = racing_window(("gd",))
    epoch = lambda: controller.latest.position if controller.latest else 0      # noqa: E731
    print(f"soak: the window (platform {app.platformName()}) training gd at full speed on n = {N:,} "
          f"points for {total / 60:g} min", flush=True)

    started = time.perf_counter()
    controller.set_speed(None)
    controller.play(True)
    meter.spin(warmup)
    gui0, trainer0 = _both(controller)
    epoch0 = epoch()
    _busy, frames, wall = meter.spin(RATE_WINDOW_S)
    fps0 = frames / wall
    rate = (epoch() - epoch0) / wall
    last_start = MAX_EPOCHS_LIMIT - 2 * RATE_WINDOW_S * rate
    meter.spin(max(0.0, total - RATE_WINDOW_S - (time.perf_counter() - started)),
               until=lambda: epoch() >= last_start)
    _busy, frames, wall = meter.spin(RATE_WINDOW_S)
    fps1 = frames / wall
    gui1, trainer1 = _both(controller)
    epoch1 = epoch()
    elapsed = time.perf_counter() - started

    close_window(app, controller, window)

    print(f"epochs: {epoch0:,} after warm-up ({warmup:g} s), {epoch1:,} at the end ({elapsed:.0f} s)"
          + ("; ended early: the run neared the limit of epochs" if elapsed < total - 1 else ""))
    print(f"RSS window:  {_mb(gui0)} after warm-up, {_mb(gui1)} at the end")
    print(f"RSS trainer: {_mb(trainer0)} after warm-up, {_mb(trainer1)} at the end")
    print(f"frames/s:    {fps0:.1f} at the start, {fps1:.1f} at the end ({RATE_WINDOW_S:g} s each)")
    checks = []
    if None in (gui0, gui1, trainer0, trainer1):
        print("memory: not measurable on this system")
        checks.append(False)
    else:
        growth = (gui1 + trainer1) - (gui0 + trainer0)
        ok = growth < GROWTH_GOAL_MB
        checks.append(ok)
        print(f"memory growth {growth:+.1f} MB (goal < {GROWTH_GOAL_MB:g} MB): {'PASS' if ok else 'FAIL'}")
    ok = fps0 > 0 and fps1 >= (1 - FPS_DROP_GOAL) * fps0
    checks.append(ok)
    change = fps1 / fps0 - 1 if fps0 > 0 else float("nan")
    print(f"frame rate change {change:+.0%} (goal within {FPS_DROP_GOAL:.0%}): {'PASS' if ok else 'FAIL'}")
    print("PASS" if all(checks) else "FAIL", flush=True)
    return 0 if all(checks) else 1


if __name__ == "__main__":
    sys.exit(soak(float(sys.argv[1]) if len(sys.argv) > 1 else 10.0))
