"""The Dask cluster the engine and the sweeps' Dask backend work on: a scheduler's, or a local one."""

from __future__ import annotations

import importlib
import logging
import os
from contextlib import contextmanager
from typing import Any, Iterator

from ..errors import ConfigError

CONNECT_TIMEOUT = "10s"


@contextmanager
def dask_client(scheduler: str | None, workers: int = -1, purpose: str = "engine") -> Iterator[Any]:
    """A ``dask.distributed.Client`` of the scheduler at ``scheduler``, or of a new local cluster
    of ``workers`` single-threaded worker processes (−1: one per core), closed on leaving.
    ``purpose`` names what needs Dask in the message given when it is not installed. Raises
    ConfigError when Dask is missing or the scheduler cannot be reached."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        raise ConfigError(f"the dask {purpose} needs Dask: pip install 'lrgui[dask]'") from None
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        else:
            n = (os.cpu_count() or 1) if workers == -1 else max(1, workers)
            # a task that fails on bad data is reported here in one line, not logged by its worker
            cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                                   silence_logs=logging.CRITICAL)
            client = Client(cluster)
    except (OSError, TimeoutError, ValueError) as exc:       # ValueError: a malformed address
        if cluster is not None:
            cluster.close()
        raise ConfigError(f"cannot reach the Dask scheduler {scheduler or '(local)'}: {exc}") from None
    try:
        yield client
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def require_dask() -> None:
    """Raise ConfigError unless dask.dataframe and dask.distributed can be imported."""
    try:
        for module in ("dask.dataframe", "dask.distributed"):
            importlib.import_module(module)
    except ImportError:
        raise ConfigError("the dask engine needs Dask: pip install 'lrgui[dask]'") from None
