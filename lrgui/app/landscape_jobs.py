"""Loss-landscape grids computed off the GUI thread, at most one at a time, newest wins."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize

from ..core.landscape import Landscape, loss_slice
from ..core.objective import Objective
from .snapshot import RunSnapshot

GRID = 48
MIN_INTERVAL = 0.15     # seconds between two recomputations while θ moves


@dataclass(frozen=True)
class LandscapeResult:
    """A grid and the optimum (training units, (k,)) of the same cost, or None where the cost has
    no finite optimum that L-BFGS can reach (separable data without a penalty, L1)."""

    landscape: Landscape
    optimum: np.ndarray | None


def find_optimum(objective: Objective) -> np.ndarray | None:
    if not objective.smooth:
        return None
    with np.errstate(all="ignore"):
        result = minimize(objective.loss_gradient, np.zeros(objective.k), jac=True, method="L-BFGS-B",
                          options={"maxiter": 2000})
    x = result.x
    if not np.all(np.isfinite(x)) or np.linalg.norm(objective.gradient(x)) > 1e-4 or np.abs(x).max() > 1e4:
        return None
    return x


def _span(values: np.ndarray) -> tuple[float, float]:
    lo, hi = float(values.min()), float(values.max())
    centre, half = (lo + hi) / 2, max((hi - lo) / 2, 1.0)
    return centre - 1.6 * half, centre + 1.6 * half


class LandscapeJobs:
    """Decides when the grid is stale and computes a new one in a background thread.

    ``poll(run, axes)`` is called every frame from the GUI thread; it returns a finished
    LandscapeResult once, or None.
    """

    def __init__(self):
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="lrgui-landscape")
        self._future: Future | None = None
        self._cancel = threading.Event()
        self._key = None
        self._fixed: np.ndarray | None = None
        self._range: tuple | None = None
        self._optimum_for: tuple = (None, None)
        self._last_start = 0.0

    def poll(self, run: RunSnapshot | None, axes: tuple[int, int]) -> LandscapeResult | None:
        done = None
        if self._future is not None and self._future.done():
            done = self._future.result() if not self._future.cancelled() else None
            self._future = None
        if run is None or max(axes) >= len(run.theta):
            return done
        key = (run.objective, axes)
        other = np.delete(run.theta, axes)
        path = run.history["theta"][:, axes]
        new_problem = key != self._key
        moved = (self._fixed is None or other.shape != self._fixed.shape
                 or not np.allclose(other, self._fixed, rtol=1e-3, atol=1e-6))
        outside = self._range is not None and not self._contains(path[-1])
        if self._future is None and (new_problem or moved or outside) and (
                new_problem or time.perf_counter() - self._last_start > MIN_INTERVAL):
            if new_problem or outside:
                self._range = None
            self._key, self._fixed = key, other
            self._start(run, axes, path)
        return done

    def _contains(self, point) -> bool:
        (u0, u1), (v0, v1) = self._range
        return u0 <= point[0] <= u1 and v0 <= point[1] <= v1

    def _start(self, run: RunSnapshot, axes, path) -> None:
        self._cancel = cancel = threading.Event()
        self._last_start = time.perf_counter()
        objective, theta, previous_range = run.objective, run.theta.copy(), self._range
        optimum_cache = self._optimum_for

        def job() -> LandscapeResult | None:
            if optimum_cache[0] is objective:
                optimum = optimum_cache[1]
            else:
                optimum = find_optimum(objective)
                self._optimum_for = (objective, optimum)
            grid_range = previous_range
            if grid_range is None:
                pts = path if optimum is None else np.vstack([path, optimum[list(axes)]])
                grid_range = (_span(pts[:, 0]), _span(pts[:, 1]))
                self._range = grid_range
            u = np.linspace(*grid_range[0], GRID)
            v = np.linspace(*grid_range[1], GRID)
            land = loss_slice(objective, theta, axes, u, v, cancelled=cancel.is_set)
            return None if land is None else LandscapeResult(land, optimum)

        self._future = self._pool.submit(job)

    def reset_range(self) -> None:
        self._range = None
        self._key = None

    def shutdown(self) -> None:
        self._cancel.set()
        self._pool.shutdown(wait=True, cancel_futures=True)
