"""Goal 5, solving to the optimum at n = 1e6, d = 2: Newton's method and L-BFGS in ``lrgui
train`` (a TrainingRun to its stopping rule) against scikit-learn's LogisticRegression(lbfgs) on
the same data, with the same (no) penalty; the optima must agree."""

from __future__ import annotations

import time

import numpy as np

from .table import Figure

GOAL = "5 solve"


def _seconds(fn, repeats: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def measure(quick: bool = False) -> list[Figure]:
    from sklearn.linear_model import LogisticRegression

    from ..core.config import RunConfig
    from ..core.generators import generate
    from ..core.run import TrainingRun

    n = 10**6
    data = generate("gaussian", n0=n // 2, n1=n - n // 2, seed=3)
    repeats = 1 if quick else 3

    def sklearn_fit():
        return LogisticRegression(C=np.inf, solver="lbfgs", tol=1e-8, max_iter=1000).fit(data.X, data.y)

    reference, model = _seconds(sklearn_fit, repeats)
    theta_ref = np.concatenate([model.intercept_, model.coef_[0]])
    figures = []
    for name in ("newton", "lbfgs"):
        def ours():
            run = TrainingRun(data, RunConfig(optimizer=name, standardize=False, max_epochs=1000, tol=1e-8))
            run.step(1000)
            return run

        seconds, run = _seconds(ours, repeats)
        gap = float(np.max(np.abs(run.theta_original - theta_ref)))
        figures.append(Figure(GOAL, f"{name} to the optimum (|Δθ| {gap:.1e} from scikit-learn's)", seconds, "s",
                              "scikit-learn lbfgs", reference, at_most=1.0))
    return figures
