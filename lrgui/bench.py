"""Benchmarks, not part of the test run: ``python -m lrgui.bench core`` (``gui`` comes with the
window; ``sweep`` times a learning-rate sweep on one process and on every core; ``equations``
compares training speed in the window with the live equations hidden and shown). Figures are
printed; nothing is asserted. ``python -m lrgui.bench soak --minutes 10``
trains in the window for that long and ends with PASS or FAIL (exit status 0 or 1) against its
goals for memory and frame rate (see lrgui.views.soak)."""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np


def _rate(fn, seconds: float = 1.0, rounds: int = 5) -> float:
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


def bench_core(sizes=(10**3, 10**4, 10**5, 10**6), seconds: float = 1.0) -> list[dict]:
    """Full-batch gradient descent epochs per second against two references on the same data:
    a bare read of the arrays (np.sum of X and y) and the plain numpy step of the seed notes
    (X.T @ (expit(X @ w) − y), X with its column of ones)."""
    from scipy.special import expit

    from lrgui.core.config import RunConfig
    from lrgui.core.config import MAX_EPOCHS_LIMIT
    from lrgui.core.dataset import Dataset
    from lrgui.core.run import TrainingRun

    rows = []
    for n in sizes:
        rng = np.random.default_rng(0)
        y = (rng.random(n) < 0.5).astype(float)
        X = rng.normal(0.0, 1.0, (n, 2)) + 1.5 * y[:, None]
        Xb = np.column_stack([np.ones(n), X])
        w = np.array([0.1, 0.2, -0.3])
        # A small step keeps θ moving through the whole measurement: an epoch at an unchanged θ
        # would be answered from the cost's cache and flatter the figures.
        run = TrainingRun(Dataset(X, y), RunConfig(optimizer="gd", hyper={"lr": 1e-3},
                                                   max_epochs=MAX_EPOCHS_LIMIT, tol=0.0))
        before = run.theta.copy()
        ours = _rate(lambda: run.step(1), seconds)
        assert not run.finished and not np.array_equal(run.history.theta[-2], run.history.theta[-1]), before
        bare = _rate(lambda: (np.sum(Xb), np.sum(y)), seconds)
        plain = _rate(lambda: Xb.T @ (expit(Xb @ w) - y), seconds)
        rows.append({"n": n, "epoch_per_s": ours, "bare_read_per_s": bare, "plain_step_per_s": plain})
    return rows


def print_core(rows) -> None:
    print("full-batch gradient descent, d = 2 (one epoch = loss, gradient, accuracy, step, history row)")
    print(f"{'n':>9} {'epochs/s':>10} {'bare read/s':>12} {'plain step/s':>13} {'epoch ÷ read':>13} {'vs plain':>9}")
    for r in rows:
        ratio_read = r["bare_read_per_s"] / r["epoch_per_s"]
        speedup = r["epoch_per_s"] / r["plain_step_per_s"]
        print(f"{r['n']:>9} {r['epoch_per_s']:>10.1f} {r['bare_read_per_s']:>12.1f} {r['plain_step_per_s']:>13.1f}"
              f" {ratio_read:>12.2f}× {speedup:>8.2f}×")
    print("goal at n = 1e6: epoch ÷ read ≤ 2.5×, vs plain ≥ 2×")


def bench_sweep(configurations: int = 16, epochs: int = 2000, n: int = 2000) -> list[dict]:
    """Configurations per second of a learning-rate sweep (gd, ``epochs`` epochs each, n Gaussian
    points) run in this process one after another (the reference), with one worker process, and
    with every core; the entries must be equal in all three."""
    import json
    import os

    from lrgui.core.generators import generate
    from lrgui.core.sweep import SweepGrid, check_grid, run_sweep, sweep_entry

    data = generate("gaussian", n0=n // 2, n1=n - n // 2, seed=1)
    grid = SweepGrid(tuple(np.geomspace(1e-3, 3.0, configurations)))
    options = check_grid({"epochs": epochs, "tol": 0}, grid)
    rows = []
    start = time.perf_counter()
    reference = [sweep_entry(data, o) for o in options]
    rows.append({"how": "in this process, one by one", "jobs": 1, "s": time.perf_counter() - start, "same": True})
    for jobs in (1, os.cpu_count() or 1):
        run_sweep(data, options[:jobs], "loky", jobs)             # start the workers first
        start = time.perf_counter()
        entries = run_sweep(data, options, "loky", jobs)
        rows.append({"how": f"loky, {jobs} process{'es' if jobs > 1 else ''}", "jobs": jobs,
                     "s": time.perf_counter() - start, "same": json.dumps(entries) == json.dumps(reference)})
    for r in rows:
        r["per_s"] = configurations / r["s"]
    return rows


def print_sweep(rows) -> None:
    base = rows[0]["per_s"]
    print("learning-rate sweep: gd, 16 configurations × 2,000 epochs on 2,000 points")
    print(f"{'how':<30} {'configurations/s':>17} {'× one by one':>13}  entries equal")
    for r in rows:
        print(f"{r['how']:<30} {r['per_s']:>17.2f} {r['per_s'] / base:>12.2f}×  {'yes' if r['same'] else 'NO'}")
    cores = rows[-1]["jobs"]
    scaling = rows[-1]["per_s"] / rows[1]["per_s"]
    print(f"goal: scales with the cores ({cores} here): every core ≥ {0.8 * cores:.1f}× one process: "
          f"{scaling:.2f}×, {'met' if scaling >= 0.8 * cores else 'not met'}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lrgui.bench", description=__doc__)
    parser.add_argument("what", choices=["core", "gui", "soak", "sweep", "equations"])
    parser.add_argument("--seconds", type=float, default=None,
                        help="time per measurement (core: 1 s; gui: 10 s of full-speed racing, at least 3)")
    parser.add_argument("--long-epochs", type=int, default=100_000,
                        help="gui: the epoch at which the late frame time is measured")
    parser.add_argument("--minutes", type=float, default=10.0,
                        help="soak: how long the window trains, warm-up included (default 10)")
    args = parser.parse_args(argv)
    if args.what == "soak":
        from lrgui.views.soak import soak

        return soak(args.minutes)
    if args.what == "equations":
        from lrgui.views.bench import main_inspecting

        return main_inspecting(args.seconds or 5.0)
    if args.what == "core":
        print_core(bench_core(seconds=args.seconds or 1.0))
    elif args.what == "sweep":
        print_sweep(bench_sweep())
    else:
        from lrgui.views.bench import main as gui_main

        return gui_main(max(args.seconds or 10.0, 3.0), args.long_epochs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
