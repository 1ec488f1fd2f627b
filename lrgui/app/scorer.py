"""The selected run's scores (core.scoring: every metric on its training and test rows, the ROC
and precision-recall curves) at the epoch shown and the threshold, for the Metrics dock.

They are computed in one background thread, only while a view asks for them (``wanted``), at
most RATE times a second; a request made while a job runs waits and is replaced by any newer
one. Jobs receive immutable inputs (the data set, a copy of the settings, θ, the threshold)."""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from ..core.config import RunConfig
from ..core.errors import LrguiError
from ..core.features import theta_length
from ..core.scoring import Scores, score

RATE = 5.0                 # answers a second at most


@dataclass(frozen=True)
class Scored:
    """The scores of ``run_id`` at ``epoch`` and ``threshold`` on ``data`` (or why there are none)."""

    run_id: str
    epoch: int
    threshold: float
    scores: Scores | None
    why: str = ""
    data: object = None


class Scorer:
    def __init__(self):
        self.wanted = False
        self.latest: Scored | None = None
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="lrgui-scores")
        self._job: Future | None = None
        self._asked: tuple | None = None        # (data, run id, settings, epoch, θ bytes, threshold)
        self._last = 0.0

    def poll(self, snap) -> bool:
        """Collect a finished job and start the next one the snapshot needs; True when a new
        answer came in (the frame should be drawn again)."""
        arrived = False
        if self._job is not None and self._job.done():
            job, self._job = self._job, None             # taken whatever its outcome: asked once
            self.latest = job.result()
            arrived = True
        run = snap.selected if snap is not None else None
        if not self.wanted or run is None or not run.trained or self._job is not None:
            return arrived
        if len(run.theta) != theta_length(snap.data.d, run.spec.config.degree, snap.data.classes):
            return arrived          # θ of other data (a scrub back past an Open, an undo): no scores
        ask = (snap.data, run.id, repr(run.spec.config.as_dict()), run.epoch, run.theta.tobytes(),
               float(snap.view.threshold))
        same = self._asked is not None and ask[0] is self._asked[0] and ask[1:] == self._asked[1:]
        if same or time.monotonic() - self._last < 1.0 / RATE:
            return arrived
        self._asked, self._last = ask, time.monotonic()
        config = RunConfig.from_dict(run.spec.config.as_dict())
        self._job = self._pool.submit(_score, snap.data, config, run.id, run.epoch, np.array(run.theta),
                                      float(snap.view.threshold))
        return arrived

    def for_run(self, run, data) -> Scored | None:
        """The latest answer if it is about ``run`` (a RunView) on ``data``, else None (the figures
        of other data are not shown, not even for a frame)."""
        latest = self.latest
        ours = latest is not None and run is not None and latest.run_id == run.id and latest.data is data
        return latest if ours else None

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _score(data, config, run_id, epoch, theta, threshold) -> Scored:
    try:
        with np.errstate(all="ignore"):
            return Scored(run_id, epoch, threshold, score(data, config, theta, threshold), data=data)
    except LrguiError as exc:
        return Scored(run_id, epoch, threshold, None, str(exc), data)
