"""The selected run's next update taken apart, for the equations dock and the landscape.

Each frame, ``poll`` compares what is shown (the selected run, its epoch on the timeline, its
settings, the focused point) with what was last asked for, and asks the training process again
when they differ: the trainer holds the optimizer's exact state and answers with a core Anatomy.
One question is out at a time, and while the timeline moves at most ``RATE`` a second and no
more often than keeps answering to ``SHARE`` of the trainer's time (a question on a million
points costs a few passes over them), so training goes on at nearly its speed. The answer is
kept with the update drawn on the landscape's slice (``internals``), computed here once per
answer or grid, never per frame.
"""

from __future__ import annotations

import time

import numpy as np

from ..core.anatomy import Anatomy, SliceInternals, on_slice
from ..core.problem import model_key

RATE = 8.0            # questions a second at most while the shown epoch moves
SHARE = 0.2           # … and at most this share of the time goes to waiting for answers


class Inspector:
    """Only the GUI thread uses it. ``send`` queues a command for the training process."""

    def __init__(self, send):
        self._send = send
        self.wanted = False               # a view shows the anatomy (the dock, the internals)
        self.anatomy: Anatomy | None = None
        self.run_id: str | None = None    # whose anatomy it is
        self.message = ""                 # why there is none, when the trainer said so
        self.internals: SliceInternals | None = None
        self._landscape = None
        self._scale = (None, 1.0)         # (run, grid key, axes) and the arrows' magnification
        self._asked = None                # what the question out, or answered last, was about
        self._asked_data = None           # … and on which data set (compared by identity)
        self.questions = 0                # questions asked so far (the last one's token)
        self._waiting = False
        self._last = 0.0
        self._gap = 1.0 / RATE            # seconds between questions while the epoch moves

    def poll(self, snap) -> None:
        """Ask again if what is shown (the snapshot's selected run and focused point) has changed
        (called every frame)."""
        if not self.wanted or snap is None or self._waiting:
            return
        run = snap.selected
        if run is None or not run.trained:
            self.anatomy, self.internals, self.run_id = None, None, None
            return
        key = (run.id, run.rows_version, run.epoch, run.spec, snap.focus)
        if key == self._asked and snap.data is self._asked_data:
            return
        now = time.perf_counter()
        if self._asked is not None and self._asked[0] == run.id and now - self._last < self._gap:
            return
        f = snap.focus
        point = None if f is None else (snap.data.X[f], float(snap.data.y[f]))
        self.questions += 1
        self._asked, self._asked_data, self._waiting, self._last = key, snap.data, True, now
        self._send("anatomy", self.questions, run.id, run.epoch, point)

    def receive(self, token: int, answer) -> None:
        """The trainer's answer to question ``token``."""
        if token != self.questions:
            return
        self._waiting = False
        self._gap = max(1.0 / RATE, (time.perf_counter() - self._last) / SHARE)
        if isinstance(answer, Anatomy):
            self.anatomy, self.message = answer, ""
            self.run_id = self._asked[0]
        else:
            self.anatomy, self.message = None, str(answer)
        self._update_internals()

    def forget(self) -> None:
        """Ask afresh at the next frame (the trainer restarted, the views were hidden)."""
        self._asked, self._waiting = None, False

    def set_landscape(self, result) -> None:
        self._landscape = result
        self._update_internals()

    def internals_for_run(self, run) -> SliceInternals | None:
        """The internals when they belong to ``run`` (a RunView) and to the grid shown, else None."""
        if (run is None or self.internals is None or self.run_id != run.id
                or self._landscape is None or self._landscape.key[1] != model_key(run.spec.config)):
            return None
        return self.internals

    def _update_internals(self) -> None:
        a, land = self.anatomy, self._landscape
        self.internals = None
        if a is None or land is None or not a.current or len(land.landscape.theta) != len(a.theta):
            return
        u, v = land.landscape.u, land.landscape.v
        span = float(min(u[-1] - u[0], v[-1] - v[0]))
        # the arrows keep their magnification while they fit, for the same run on the same slice
        kept = self._scale[1] if self._scale[0] == (self.run_id, land.key, land.axes) else None
        with np.errstate(all="ignore"):
            self.internals = on_slice(a, land.axes, span, u, v, kept)
        self._scale = ((self.run_id, land.key, land.axes), self.internals.scale)
