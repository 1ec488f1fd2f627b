"""Training on a cluster: the settings the engine trains, the problem DATA makes on the cluster,
and the run driven by ``TrainingRun`` as in memory."""

from __future__ import annotations

import copy
from functools import reduce

import numpy as np

from ..config import RunConfig
from ..dataset import Dataset
from ..errors import ConfigError, DataFileError, DatasetError
from ..features import FeatureChain
from ..optimizers import OPTIMIZERS
from ..outcome import run_summary
from ..params import shown
from ..table_io import label_order
from .chunks import chunk_design, chunk_moments
from .cluster import dask_client, require_dask
from .cost import ChunkedCost, ChunkedProblem
from .moments import Moments, MomentStandardizer
from .reading import Layout, data_files, not_a_number, read_frame, read_layout

DEFAULT_CHUNK_ROWS = 1_000_000
PERSIST_SHARE = 0.5             # persist the chunks when they take at most this share of the memory


def _full_batch(settings: dict) -> bool:
    return int(settings.get("batch_size", 0)) == 0


def supported_optimizers() -> list[str]:
    """The optimizers whose epochs are full-batch by default: the ones the engine trains."""
    return [name for name, cls in OPTIMIZERS.items() if _full_batch(cls.settings({}))]


def refuse_unsupported(config: RunConfig) -> None:
    """Raise ConfigError for settings the engine does not train exactly."""
    if not _full_batch(config.hyper):
        raise ConfigError(f"the dask engine trains full-batch optimizers ({', '.join(supported_optimizers())}; "
                          f"--batch-size 0): {config.optimizer} with batch size {config.hyper['batch_size']} "
                          "makes mini-batch updates")
    if config.test_fraction > 0:
        raise ConfigError("the dask engine trains on every row: --test-fraction is not supported "
                          "(keep a test set in files of its own)")
    if config.resample != "none":
        raise ConfigError("the dask engine does not resample (--resample); --class-weight balanced "
                          "weighs the classes instead")


def _classes(labels: dict[str, int], data: str) -> tuple[str, str]:
    """(label of class 0, label of class 1) of the label counts, ordered as read_table orders them."""
    if "" in labels:
        raise DataFileError(data, "a label is empty")
    if len(labels) > 2:
        names = ", ".join(shown(t) for t in label_order(list(labels))[:4])
        raise ConfigError(f"{data}: {len(labels)} label values ({names}{', …' if len(labels) > 4 else ''}): "
                          "the dask engine trains two classes")
    if len(labels) < 2:
        raise DatasetError(f"every row has the label {shown(next(iter(labels), ''))}: two classes are needed")
    first, second = label_order(list(labels))
    return first, second


def _balanced(labels: dict[str, int], classes: tuple[str, str]) -> tuple[float, float]:
    """Weights n / (2 n_class) of class 0 and class 1, as ``resampling.balanced_weights``."""
    counts = np.array([labels[c] for c in classes])
    weights = sum(counts) / (2 * counts)
    return float(weights[0]), float(weights[1])


def _fits(client, rows: int, k: int) -> bool:
    """Whether the signed designs of ``rows`` rows (k − 1 columns, labels, weights, positions)
    take at most PERSIST_SHARE of the workers' memory (True when a worker has no limit)."""
    limits = [w.get("memory_limit") for w in client.scheduler_info(n_workers=-1)["workers"].values()]
    if not limits or not all(limits):
        return True
    return rows * (k + 2) * 8 <= PERSIST_SHARE * sum(limits)


def _moments(client, parts: list, layout: Layout, chain: FeatureChain, data: str) -> Moments:
    """The combined Moments of every chunk, in one pass."""
    from dask import delayed

    try:
        chunks = client.compute([delayed(chunk_moments)(p, layout, chain) for p in parts], sync=True)
    except DatasetError as exc:                     # raised by chunk_columns on a worker
        raise DataFileError(data, str(exc)) from None
    except ValueError as exc:                       # pandas: a value that is no number
        raise not_a_number(data, exc) from None
    return reduce(lambda a, b: a + b, chunks)


def _report(cost: ChunkedCost, theta: np.ndarray, threshold: float) -> dict:
    """The threshold metrics of ``metrics.report`` (all but AUC and average precision, which need
    every score sorted) at θ over every row, from one pass of counts."""
    tn, fp, fn, tp, log_loss = cost.counts(theta, threshold)

    def ratio(a, b):
        return float(a / b) if b else 0.0

    recall = ratio(tp, tp + fn)
    return {"threshold": float(threshold), "accuracy": ratio(tp + tn, tn + fp + fn + tp),
            "balanced_accuracy": 0.5 * (recall + ratio(tn, tn + fp)), "precision": ratio(tp, tp + fp),
            "recall": recall, "f1": ratio(2 * tp, 2 * tp + fp + fn), "log_loss": float(log_loss),
            "confusion": [[int(tn), int(fp)], [int(fn), int(tp)]]}


def cluster_problem(client, data: str, config: RunConfig, *, label_column=None,
                    chunk_rows: int = DEFAULT_CHUNK_ROWS, persist: bool | None = None) -> ChunkedProblem:
    """The problem ``config`` makes of DATA (a CSV or Parquet file, a directory or a glob) on the
    cluster of ``client``: one pass of moments, then the chunks' designs, persisted on the
    workers when ``persist`` says so (None: when they fit). Raises ConfigError, DataFileError or
    DatasetError in one line."""
    from dask import delayed

    refuse_unsupported(config)
    if isinstance(chunk_rows, bool) or not isinstance(chunk_rows, int) or chunk_rows < 1:
        raise ConfigError(f"--chunk-rows must be a whole number of rows ≥ 1, not {shown(chunk_rows)}")
    files, kind = data_files(data)
    layout = read_layout(files, kind, label_column)
    try:
        parts = read_frame(files, layout, chunk_rows).to_delayed()
    except ValueError as exc:
        raise not_a_number(data, exc) from None
    inputs = FeatureChain.build(config.degree, False).fit(np.empty((0, len(layout.features))))
    moments = _moments(client, parts, layout, inputs, data)
    if moments.count < 2:
        raise DataFileError(data, f"at least two data rows are needed, found {moments.count}")
    classes = _classes(moments.labels, data)
    ends = np.vstack([moments.low, moments.high])
    maps = list(inputs.maps)
    if config.standardize:
        maps.append(MomentStandardizer(moments))
        ends = maps[-1].transform(ends)
    chain = FeatureChain(maps)
    weights = _balanced(moments.labels, classes) if config.class_weight == "balanced" else None
    k = len(moments.peak) + 1
    chunks = [delayed(chunk_design)(p, layout, chain, classes[1], weights) for p in parts]
    kept = _fits(client, moments.count, k) if persist is None else persist
    if kept:
        chunks = client.persist(chunks)
    cost = ChunkedCost(client, chunks, moments.count, k, config.loss, config.penalty, config.lam)
    schema = Dataset(np.empty((0, len(layout.features))), np.empty(0), layout.feature_names,
                     {classes[0]: 0, classes[1]: 1})
    return ChunkedProblem(schema, schema, None, chain, cost, None, float(np.max(np.abs(ends))), len(files), kept)


def _result(run, client, threshold: float) -> dict:
    """What ``lrgui train --json`` prints for a run of the engine: the fields of
    ``outcome.train_result`` (the train report without AUC and average precision) and the
    engine's facts under ``engine``."""
    problem = run.problem
    engine = {"name": "dask", "scheduler": client.scheduler.address,
              "workers": len(client.scheduler_info(n_workers=-1)["workers"]), "files": problem.files,
              "chunks": len(problem.objective.chunks), "rows": problem.objective.n, "persisted": problem.persisted}
    return {**run_summary(run), "train": _report(run.objective, run.theta, threshold), "engine": engine}


def train_on_cluster(data: str, config: RunConfig, *, label_column=None, scheduler: str | None = None,
                     chunk_rows: int = DEFAULT_CHUNK_ROWS, threshold: float = 0.5, workers: int = -1,
                     persist: bool | None = None):
    """Train ``config`` on DATA (a CSV or Parquet file, a directory or a glob) on the Dask cluster
    at ``scheduler`` (None: a local cluster of ``workers`` processes, −1: one per core) until the
    run stops by itself, through ``TrainingRun`` as in memory. Returns (result, run): the result
    as ``lrgui train --json`` prints it, with the engine's facts under ``engine``; the run holds
    the history (its cost can no longer be evaluated: the client is closed). Raises
    ConfigError, DataFileError or DatasetError in one line."""
    from ..run import TrainingRun

    config = copy.deepcopy(config).validate()
    refuse_unsupported(config)
    data_files(data)                                   # a missing file is said before a cluster starts
    require_dask()
    with dask_client(scheduler, workers) as client:
        problem = cluster_problem(client, data, config, label_column=label_column, chunk_rows=chunk_rows,
                                  persist=persist)
        run = TrainingRun(problem.data, config, problem)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            run.step(max(1, run.config.max_epochs))
            result = _result(run, client, threshold)
    return result, run
