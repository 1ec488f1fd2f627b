"""Work for the views that is too slow for a frame: each run's optimum (for the ★ and the distance
to it) and the loss-landscape grid of the selected run, computed in one background thread.

The GUI thread decides what to compute (``poll``, once per frame) and keeps every result; a job
receives immutable inputs (a data set, a copy of the settings, θ in original units, the grid's
range) and builds its own problem, so the two threads share nothing that changes.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace

import numpy as np

from ..core.config import RunConfig
from ..core.dataset import Dataset
from ..core.diagnose import find_optimum
from ..core.errors import LrguiError
from ..core.features import FeatureChain, theta_length
from ..core.landscape import Landscape, loss_slice, slice_axes
from ..core.problem import Problem, build_problem, model_key

GRID = 48
MIN_INTERVAL = 0.25       # seconds between two grids while θ moves
SHARE = 0.2               # at most this share of a core goes to following a moving θ
PATH_POINTS = 2000        # rows of a path sent to a job (to frame the grid)
KEPT = 32                 # problems whose facts are remembered


@dataclass(frozen=True)
class Facts:
    """What a problem's optimum is, in training units (``optimum``) and original units, or why
    there is none (``reason``). ``features`` converts θ between the two."""

    features: FeatureChain
    optimum: np.ndarray | None
    optimum_original: np.ndarray | None
    reason: str


@dataclass(frozen=True)
class LandscapeResult:
    """J of the selected run's model over the slice; with ``other``, the same slice and the same
    model under the other cost (cross-entropy beside squared error), named ``other_loss``."""

    key: tuple
    axes: tuple[int, int]
    landscape: Landscape
    facts: Facts
    grid_range: tuple
    other: Landscape | None = None
    other_loss: str = ""


OTHER_LOSS = {"cross-entropy": "squared", "squared": "cross-entropy"}


def problem_key(data: Dataset, config: RunConfig) -> tuple:
    return (data, model_key(config))


def _facts(problem: Problem) -> Facts:
    optimum = find_optimum(problem.objective)
    original = None if optimum.theta is None else problem.features.to_original(optimum.theta)
    return Facts(problem.features, optimum.theta, original, optimum.reason)


def _span(values: np.ndarray) -> tuple[float, float]:
    lo, hi = float(values.min()), float(values.max())
    centre, half = (lo + hi) / 2, max((hi - lo) / 2, 1.0)
    return centre - 1.6 * half, centre + 1.6 * half


class AnalysisJobs:
    def __init__(self):
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="lrgui-analysis")
        self._future: Future | None = None
        self._cancel = threading.Event()
        self.facts: OrderedDict = OrderedDict()      # problem key → Facts (GUI thread only)
        self._failed: set = set()
        self._key = None
        self._fixed: np.ndarray | None = None
        self._range: tuple | None = None
        self._last_start = 0.0
        self._gap = MIN_INTERVAL
        self._problems: OrderedDict = OrderedDict()  # key → Problem (the job thread only)
        self._closed = False

    # -- the GUI thread ------------------------------------------------------------------------
    def facts_for(self, data: Dataset, config: RunConfig) -> Facts | None:
        return self.facts.get(problem_key(data, config))

    def poll(self, snap) -> LandscapeResult | None:
        """Called every frame: returns a finished landscape once, and starts the next job."""
        done = self._collect()
        if self._future is not None or self._closed or snap is None:
            return done
        run = snap.selected
        # θ of the run's own settings only: just after a change of model the trainer may still
        # show the previous run's θ (of another length) for a frame or two
        if (run is not None and run.trained and len(run.theta) >= 2
                and len(run.theta) == theta_length(snap.data.d, run.spec.config.degree, snap.data.classes)):
            axes = slice_axes(snap.view.landscape_axes, len(run.theta))
            key = problem_key(snap.data, run.spec.config)
            compare = bool(snap.view.compare_losses)
            other = np.delete(run.theta, axes)
            new_problem = (key, axes, compare) != self._key
            moved = (self._fixed is None or other.shape != self._fixed.shape
                     or not np.allclose(other, self._fixed, rtol=1e-3, atol=1e-6))
            outside = self._outside(key, run.theta, axes)
            if (new_problem or moved or outside) and (
                    new_problem or time.perf_counter() - self._last_start > self._gap):
                grid_range = None if new_problem or outside else self._range
                self._key, self._fixed = (key, axes, compare), other
                path = run.history.spread("theta_original", run.epoch + 1, PATH_POINTS)
                self._start_landscape(key, snap.data, run.spec.config, run.theta.copy(), path, axes,
                                      grid_range, compare)
                return done
        for r in snap.shown():
            key = problem_key(snap.data, r.spec.config)
            if key not in self.facts and key not in self._failed:
                self._start_facts(key, snap.data, r.spec.config)
                break
        return done

    def _outside(self, key, theta_original: np.ndarray, axes) -> bool:
        """Whether θ has left the grid (then the next grid is framed anew)."""
        facts = self.facts.get(key)
        if facts is None or self._range is None:
            return False
        theta = facts.features.from_original(theta_original)
        (u0, u1), (v0, v1) = self._range
        return not (u0 <= theta[axes[0]] <= u1 and v0 <= theta[axes[1]] <= v1)

    def _collect(self):
        if self._future is None or not self._future.done():
            return None
        future, self._future = self._future, None
        if future.cancelled():
            return None
        try:
            kind, key, value = future.result()
        except Exception:  # noqa: BLE001 - a failed picture must never stop the window's frames
            traceback.print_exc()
            self._key = None
            return None
        if kind == "landscape":
            # a grid that took t seconds is followed by the next one only t / SHARE after it began:
            # the trainer and the window keep the cores
            self._gap = max(MIN_INTERVAL, (time.perf_counter() - self._last_start) / SHARE)
        if value is None:
            if kind == "facts":
                self._failed.add(key)
            return None
        facts = value if kind == "facts" else value.facts
        self.facts[key] = facts
        self.facts.move_to_end(key)
        while len(self.facts) > KEPT:
            self.facts.popitem(last=False)
        if kind == "landscape":
            if self._key is not None and (value.key, value.axes) == self._key[:2]:
                self._range = value.grid_range
            return value
        return None

    def _start_facts(self, key, data: Dataset, config: RunConfig) -> None:
        self._future = self._pool.submit(self._facts_job, key, data, config)

    def _start_landscape(self, key, data, config, theta_original, path_original, axes, grid_range,
                         compare: bool = False) -> None:
        self._cancel = cancel = threading.Event()
        self._last_start = time.perf_counter()
        facts = self.facts.get(key)
        self._future = self._pool.submit(self._landscape_job, key, data, config, theta_original, path_original,
                                         axes, grid_range, facts, cancel, compare)

    def reset_range(self) -> None:
        self._range = None
        self._key = None

    def shutdown(self) -> None:
        self._closed = True
        self._cancel.set()
        self._pool.shutdown(wait=True, cancel_futures=True)

    # -- the job thread ------------------------------------------------------------------------
    def _problem(self, key, data: Dataset, config: RunConfig) -> Problem:
        problem = self._problems.get(key)
        if problem is None:
            problem = build_problem(data, config)
            self._problems[key] = problem
            while len(self._problems) > 4:
                self._problems.popitem(last=False)
        return problem

    def _facts_job(self, key, data, config):
        try:
            return "facts", key, _facts(self._problem(key, data, config))
        except LrguiError:
            return "facts", key, None

    def _landscape_job(self, key, data, config, theta_original, path_original, axes, grid_range, facts, cancel,
                       compare=False):
        try:
            problem = self._problem(key, data, config)
            facts = facts or _facts(problem)
        except LrguiError:
            return "landscape", key, None
        features = problem.features
        theta = features.from_original(theta_original)
        if grid_range is None:
            path = features.from_original(path_original)[:, list(axes)]
            if facts.optimum is not None:
                path = np.vstack([path, facts.optimum[list(axes)]])
            path = path[np.all(np.isfinite(path), axis=1)]
            if not len(path):
                return "landscape", key, None
            grid_range = (_span(path[:, 0]), _span(path[:, 1]))
        u = np.linspace(*grid_range[0], GRID)
        v = np.linspace(*grid_range[1], GRID)
        land = loss_slice(problem.objective, theta, axes, u, v, cancelled=cancel.is_set)
        if land is None:
            return "landscape", key, None
        other, other_loss = None, ""
        if compare and config.loss in OTHER_LOSS:
            other_loss = OTHER_LOSS[config.loss]
            other_config = replace(config, loss=other_loss)
            try:
                other_problem = self._problem(problem_key(data, other_config), data, other_config)
            except LrguiError:
                other_problem = None
            if other_problem is not None:
                # the same features (a change of cost keeps them), so θ and the grid mean the same
                other = loss_slice(other_problem.objective, theta, axes, u, v, cancelled=cancel.is_set)
                if other is None:
                    return "landscape", key, None
        return "landscape", key, LandscapeResult(key, axes, land, facts, grid_range, other, other_loss)
