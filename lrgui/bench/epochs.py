"""Goal 2, small data and many epochs: an epoch of full-batch gradient descent (loss, gradient,
accuracy, the step and the history row) against the plain numpy step of the seed notes,
X.T @ (expit(X @ w) − y), at every n from 1e3 to 1e6, and against a bare read of the arrays
(np.sum of X and of y) at n = 1e6."""

from __future__ import annotations

import time

import numpy as np

from .table import Figure

GOAL = "2 epochs"


def rate(fn, seconds: float = 1.0, rounds: int = 5) -> float:
    """Calls per second of ``fn``: the best of ``rounds`` rounds of about seconds/rounds each
    (after one warm-up call), as timeit does, so that a busy moment of the machine does not
    count against the code."""
    fn()
    best = 0.0
    for _ in range(rounds):
        calls, start = 0, time.perf_counter()
        while calls < 2 or time.perf_counter() - start < seconds / rounds:
            fn()
            calls += 1
        best = max(best, calls / (time.perf_counter() - start))
    return best


def rates(n: int, seconds: float) -> dict:
    """Per second at n Gaussian points, d = 2: our epochs, plain numpy steps, bare reads."""
    from scipy.special import expit

    from ..core.config import MAX_EPOCHS_LIMIT, RunConfig
    from ..core.dataset import Dataset
    from ..core.run import TrainingRun

    rng = np.random.default_rng(0)
    y = (rng.random(n) < 0.5).astype(float)
    X = rng.normal(0.0, 1.0, (n, 2)) + 1.5 * y[:, None]
    Xb = np.column_stack([np.ones(n), X])
    w = np.array([0.1, 0.2, -0.3])
    # A small step keeps θ moving through the whole measurement: an epoch at an unchanged θ
    # would be answered from the cost's cache and flatter the figures.
    run = TrainingRun(Dataset(X, y), RunConfig(optimizer="gd", hyper={"lr": 1e-3},
                                               max_epochs=MAX_EPOCHS_LIMIT, tol=0.0))
    ours = rate(lambda: run.step(1), seconds)
    if run.finished or np.array_equal(run.history.theta[-2], run.history.theta[-1]):
        raise RuntimeError("the run stopped moving: the figure would measure a cache")
    return {"epoch": ours, "plain": rate(lambda: Xb.T @ (expit(Xb @ w) - y), seconds),
            "read": rate(lambda: (np.sum(Xb), np.sum(y)), seconds)}


def measure(quick: bool = False) -> list[Figure]:
    seconds = 0.3 if quick else 1.0
    figures = []
    for n in (10**3, 10**4, 10**5, 10**6):
        r = rates(n, seconds)
        figures.append(Figure(GOAL, f"epochs/s at n = {n:,}", r["epoch"], "1/s",
                              "plain numpy step", r["plain"], at_least=1.0))
        if n == 10**6:
            # time per epoch over time per read: the epoch's cost in reads of the data
            figures.append(Figure(GOAL, "epoch time at n = 1e6", 1e3 / r["epoch"], "ms",
                                  "bare read of the arrays", 1e3 / r["read"], at_most=2.5))
    return figures
