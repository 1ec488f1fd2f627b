"""Learning-rate sweeps: every configuration of a grid trained alone, on every core or on a Dask
cluster.

A grid is a log-spaced range of learning rates, optionally crossed with the values of one more
setting (``momentum``, ``batch-size``, ``lam``, ``beta1``, ``degree`` … any numeric run option).
Each configuration is a set of run options (the names of ``lrgui train``'s options) trained by
``outcome.train_alone`` exactly as ``lrgui train`` would train it, so an entry equals, bit for
bit, what ``lrgui train --json`` prints for that configuration; the kernels' sums do not depend
on the number of cores, so neither do the results depend on the backend or the number of jobs.

Work is spread through joblib: its ``loky`` backend (processes on this machine) or its ``dask``
backend on a Dask cluster (a local one, or the scheduler at an address). A sweep can be
cancelled: every task looks at a flag file between slices of epochs and gives up within a
fraction of a second.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator

import numpy as np

from .dataset import Dataset
from .errors import ConfigError, LrguiError
from .options import config_from_options, options_from_config, run_options
from .params import DECIMAL, parse_number, shown

# joblib warns when its generator is left early, which is what a cancel means to do
_EARLY_EXIT = r".*tasks (have been successfully executed|which were still being processed)"

BACKENDS = ("loky", "dask")
MAX_CONFIGURATIONS = 10_000
_SWEPT_KINDS = ("float", "int")


@dataclass(frozen=True)
class SweepGrid:
    """``lrs`` (learning rates, ascending as given) crossed with ``values`` of the run option
    ``param`` (None: learning rates only). Configurations go value by value, each over every
    learning rate."""

    lrs: tuple[float, ...]
    param: str | None = None
    values: tuple[Any, ...] = ()

    def __len__(self) -> int:
        return len(self.lrs) * max(1, len(self.values))

    def index(self, value: int, lr: int) -> int:
        """Where the configuration of value number ``value`` and learning rate number ``lr`` is."""
        return value * len(self.lrs) + lr

    def interleaved(self) -> list[int]:
        """Configuration indices learning rate by learning rate, each over every value: the
        order to hand them out in when a cancel should leave a point on every curve."""
        return [self.index(g, i) for i in range(len(self.lrs)) for g in range(max(1, len(self.values)))]

    def configurations(self, base: dict[str, Any]) -> list[dict[str, Any]]:
        """The option dicts of every configuration: ``base`` with ``lr`` (and ``param``) set."""
        values = self.values if self.param else (None,)
        out = []
        for value in values:
            for lr in self.lrs:
                options = {**base, "lr": lr}
                if self.param:
                    options[self.param] = value
                out.append(options)
        return out


def parse_lr_range(text: str) -> tuple[float, ...]:
    """"FROM:TO:COUNT" → COUNT learning rates spaced evenly on a log scale from FROM to TO."""
    parts = str(text).split(":")
    if len(parts) != 3:
        raise ConfigError(f"--lr takes FROM:TO:COUNT (e.g. 1e-3:10:20), not {shown(text)}")
    low = parse_number(parts[0], "the first learning rate")
    high = parse_number(parts[1], "the last learning rate")
    count = parse_number(parts[2], "the number of learning rates", "int")
    if low <= 0 or high <= 0:
        raise ConfigError("learning rates of a log-spaced range must be above 0")
    if not 1 <= count <= MAX_CONFIGURATIONS:
        raise ConfigError(f"the number of learning rates must lie in [1, {MAX_CONFIGURATIONS:,}], not {count}")
    if count == 1:
        if low != high:
            raise ConfigError("one learning rate needs FROM equal to TO")
        return (float(low),)
    lrs = np.geomspace(low, high, count)
    lrs[0], lrs[-1] = low, high                 # the ends exactly as typed
    return tuple(float(v) for v in lrs)


def sweepable(config=None) -> dict[str, str]:
    """The run options a sweep can vary besides the learning rate: name → kind; with a RunConfig,
    only those it has (its optimizer's settings that its choices use, and the model's)."""
    has = None if config is None else set(options_from_config(config))
    return {o.name: o.kind for o in run_options() if o.kind in _SWEPT_KINDS and o.name not in ("lr", "seed")
            and (has is None or o.name in has)}


def parse_param(text: str) -> tuple[str, tuple[Any, ...]]:
    """"NAME=V1,V2,…" → (option name, values as numbers)."""
    name, sep, rest = str(text).partition("=")
    name = name.strip().replace("_", "-")
    kinds = sweepable()
    if not sep or not rest.strip():
        raise ConfigError(f"--param takes NAME=V1,V2,… (e.g. momentum=0,0.5,0.9), not {shown(text)}")
    if name not in kinds:
        raise ConfigError(f"--param cannot vary {shown(name)}; it varies one of: {', '.join(kinds)}")
    values = []
    for item in rest.split(","):
        item = item.strip()
        if not DECIMAL.fullmatch(item):
            raise ConfigError(f"--param {name}: {shown(item)} is not a number")
        values.append(parse_number(item, name, kinds[name]))
    if len(set(values)) != len(values):
        raise ConfigError(f"--param {name}: a value is given twice")
    return name, tuple(values)


def check_grid(base: dict[str, Any], grid: SweepGrid) -> list[dict[str, Any]]:
    """Every configuration's options, each checked as ``lrgui train`` would check it; raises
    ConfigError naming the first bad one."""
    if len(grid) > MAX_CONFIGURATIONS:
        raise ConfigError(f"a sweep has at most {MAX_CONFIGURATIONS:,} configurations, not {len(grid):,}")
    configurations = grid.configurations(base)
    for options in configurations:
        try:
            config_from_options(options)
        except ConfigError as exc:
            raise ConfigError(f"{describe(options, grid)}: {exc}") from None
    return configurations


def describe(options: dict[str, Any], grid: SweepGrid) -> str:
    """"lr = 0.1, momentum = 0.9": the swept settings of one configuration."""
    text = f"lr = {options['lr']:.4g}"
    if grid.param:
        text += f", {grid.param} = {options[grid.param]:g}"
    return text


# -- running ----------------------------------------------------------------------------------
def sweep_entry(data: Dataset, options: dict[str, Any], cancel_path: str | None = None) -> dict | None:
    """One configuration trained alone: {"settings": options, **what lrgui train --json prints},
    or {"settings": options, "error": sentence} when the data and settings cannot be trained
    together; None when the sweep was cancelled meanwhile."""
    from .outcome import require_finite, train_alone, train_result

    should_stop = None if cancel_path is None else (lambda: os.path.exists(cancel_path))
    if should_stop is not None and should_stop():
        return None
    try:
        with np.errstate(all="ignore"):
            run = train_alone(data, config_from_options(options), should_stop)
            if run is None:
                return None
            result = train_result(run)
            require_finite(result)
    except LrguiError as exc:
        return {"settings": options, "error": str(exc)}
    return {"settings": options, **result}


class Cancel:
    """A flag every task of a sweep can see: a file in a private temporary folder (tasks run in
    other processes). ``set()`` raises it; ``close()`` removes the folder."""

    def __init__(self):
        self._folder = tempfile.mkdtemp(prefix="lrgui-sweep-")
        self.path = os.path.join(self._folder, "cancel")

    def set(self) -> None:
        with open(self.path, "w"):
            pass

    @property
    def is_set(self) -> bool:
        return os.path.exists(self.path)

    def close(self) -> None:
        for name in (self.path, self._folder):
            try:
                (os.remove if name == self.path else os.rmdir)(name)
            except OSError:
                pass


@contextmanager
def _parallel(backend: str, jobs: int, scheduler: str | None) -> Iterator[int]:
    """joblib set up for ``backend``; gives the n_jobs to use."""
    import joblib

    if backend == "loky":
        if scheduler:
            raise ConfigError("--scheduler is an address of a Dask cluster: it needs --backend dask")
        with joblib.parallel_config(backend="loky"):
            yield jobs
        return
    if backend != "dask":
        raise ConfigError(f"backend must be one of {', '.join(BACKENDS)}, not {shown(backend)}")
    from .distributed import dask_client

    with dask_client(scheduler, jobs, "backend"), joblib.parallel_config(backend="dask"):
        yield -1


def run_sweep(data: Dataset, configurations: list[dict[str, Any]], backend: str = "loky", jobs: int = -1,
              scheduler: str | None = None, on_entry: Callable[[int, dict], None] | None = None,
              cancel: Cancel | None = None, order: list[int] | None = None) -> list[dict | None]:
    """Train every configuration; returns their entries in the order given (None for those a
    cancel stopped). ``on_entry(i, entry)`` is called in this thread as each one finishes, in
    the order they finish; ``order`` (indices) is the order they are handed out in (default:
    as given). ``jobs`` is joblib's n_jobs (−1: every core)."""
    from joblib import Parallel, delayed

    if jobs == 0 or jobs < -1:
        raise ConfigError(f"--jobs must be a number of processes ≥ 1, or -1 for every core, not {jobs}")
    entries: list[dict | None] = [None] * len(configurations)
    path = cancel.path if cancel is not None else None
    with _parallel(backend, jobs, scheduler) as n_jobs, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=_EARLY_EXIT, category=UserWarning)
        tasks = (delayed(_indexed)(i, data, configurations[i], path)
                 for i in (range(len(configurations)) if order is None else order))
        results = Parallel(n_jobs=n_jobs, return_as="generator_unordered")(tasks)
        for i, entry in results:
            entries[i] = entry
            if on_entry is not None and entry is not None:
                on_entry(i, entry)
            if cancel is not None and cancel.is_set:
                break
        results.close()
    return entries


def _indexed(i: int, data: Dataset, options: dict[str, Any], cancel_path: str | None):
    return i, sweep_entry(data, options, cancel_path)
