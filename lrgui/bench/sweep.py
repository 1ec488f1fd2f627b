"""A learning-rate sweep on one process and on every core (context for the sweep command)."""

from __future__ import annotations

import time

import numpy as np


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
