"""The Dask engine of ``lrgui train`` on a data set of 10⁷ rows × 2 features (10⁶ with ``quick``),
written as CSV parts to a temporary directory: L-BFGS with the engine on a local cluster (one
single-threaded worker process per core), against dask-ml's ``LogisticRegression`` (dask-glm's
L-BFGS, no penalty: the same cost up to the factor n, so the same optimum) on the same files and
cluster, and against the in-memory engine on the same rows. Each time covers reading the files
and training. dask-ml is not a dependency of lrgui (``pip install 'lrgui[dask,bench]'``): without it, a line says so.
"""

from __future__ import annotations

import math
import os
import shutil
import tempfile
import time
import warnings

import numpy as np

from .table import Figure

GOAL = "6 dask"
PARTS = 8
TOL = 1e-6                  # ‖∇J‖ at which both engines stop (dask-glm: the same on its sum cost)
DASK_ML_RATIO = 1.25        # the engine's time at most this × dask-ml's (measured: 0.8–0.95×)


def _write_parts(folder: str, n: int, seed: int = 0) -> None:
    """Write ``n`` rows (x1, x2, label 0/1; two overlapping Gaussian classes) as PARTS CSV files
    into ``folder`` (shortest round-trip decimals)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.4).astype(np.int64)
    X = rng.normal(0.0, 1.0, (n, 2)) + np.outer(y, [1.2, -0.8]) + [0.5, 3.0]
    for i, rows in enumerate(np.array_split(np.arange(n), PARTS)):
        table = pa.table({"x1": X[rows, 0], "x2": X[rows, 1], "label": y[rows]})
        pacsv.write_csv(table, os.path.join(folder, f"part-{i:03d}.csv"))


def _ours(folder: str, scheduler: str, config) -> tuple[float, np.ndarray, dict]:
    """(seconds, θ in original units, result) of the engine on the files in ``folder``."""
    from lrgui.core.distributed import train_on_cluster

    start = time.perf_counter()
    result, _ = train_on_cluster(folder, config, scheduler=scheduler)
    return time.perf_counter() - start, np.array(result["theta"]), result


def _dask_ml(folder: str, client, n: int) -> tuple[float, np.ndarray] | None:
    """(seconds, θ = (b, w)) of dask-ml's L-BFGS without a penalty on the same files, or None
    when dask-ml is not installed. Its tolerance is TOL on the gradient of the summed loss
    scaled by n, i.e. TOL on the mean's."""
    try:
        from dask_ml.linear_model import LogisticRegression
    except ImportError:
        return None
    import dask.dataframe as dd

    start = time.perf_counter()
    frame = dd.read_csv(os.path.join(folder, "*.csv"))
    X = frame[["x1", "x2"]].to_dask_array(lengths=True)
    y = frame["label"].to_dask_array(lengths=True)
    X, y = client.persist([X, y])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")        # dask-glm sets a deprecated configuration key
        model = LogisticRegression(solver="lbfgs", penalty=None, max_iter=1000, tol=TOL * n).fit(X, y)
    seconds = time.perf_counter() - start
    return seconds, np.concatenate(([float(model.intercept_)], np.ravel(model.coef_)))


def _in_memory(folder: str, n: int, config) -> tuple[float, np.ndarray] | None:
    """(seconds, θ) of the in-memory engine reading the same files (``read_table`` each) and
    training, or None when the rows would not fit (four copies of them in half the memory)."""
    from lrgui.core.dataset import Dataset
    from lrgui.core.outcome import train_alone
    from lrgui.core.table_io import read_table

    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        memory = 0
    if memory and 4 * n * 3 * 8 > memory / 2:
        return None
    start = time.perf_counter()
    parts = [read_table(os.path.join(folder, name)) for name in sorted(os.listdir(folder))]
    data = Dataset(np.vstack([p.X for p in parts]), np.concatenate([p.y for p in parts]),
                   parts[0].feature_names, parts[0].label_map)
    run = train_alone(data, config)
    return time.perf_counter() - start, run.theta_original


def measure(quick: bool) -> list[Figure]:
    """The engine's time against dask-ml's and the in-memory engine's, and how far apart their
    θ are, on 10⁷ rows (10⁶ with ``quick``)."""
    from dask.distributed import Client, LocalCluster

    from lrgui.core.config import RunConfig

    n = 10**6 if quick else 10**7
    config = RunConfig(optimizer="lbfgs", tol=TOL, max_epochs=1000)
    folder = tempfile.mkdtemp(prefix="lrgui-bench-dask-")
    figures = []
    try:
        _write_parts(folder, n)
        with LocalCluster(n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True,
                          dashboard_address=None) as cluster, Client(cluster) as client:
            seconds, theta, result = _ours(folder, cluster.scheduler_address, config)
            what = (f"engine: L-BFGS, {n:,} rows × 2 in {result['engine']['chunks']} chunks, "
                    f"{result['epochs']} epochs (read + train)")
            other = _dask_ml(folder, client, n)
        if other is None:
            figures.append(Figure(GOAL, what, seconds, "s"))
            figures.append(Figure(GOAL, "dask-ml LogisticRegression: not installed (pip install dask-ml)",
                                  math.nan, ""))
        else:
            figures.append(Figure(GOAL, what, seconds, "s",
                                  "dask-ml LogisticRegression (dask-glm L-BFGS, no penalty), same files",
                                  other[0], at_most=DASK_ML_RATIO))
            figures.append(Figure(GOAL, "max |θ engine − θ dask-ml| (both unpenalised)",
                                  float(np.max(np.abs(theta - other[1]))), ""))
        memory = _in_memory(folder, n, config)
        if memory is None:
            figures.append(Figure(GOAL, "in-memory engine: the rows do not fit in memory here", math.nan, ""))
        else:
            figures.append(Figure(GOAL, what, seconds, "s", "in-memory engine (lrgui train): read + train",
                                  memory[0]))
            figures.append(Figure(GOAL, "max |θ engine − θ in memory|", float(np.max(np.abs(theta - memory[1]))),
                                  "", value_at_most=1e-10))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return figures
