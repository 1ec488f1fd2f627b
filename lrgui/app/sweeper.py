"""A learning-rate sweep trained in the background for the window.

The sweep runs ``core.sweep.run_sweep`` in a thread of its own (which hands the configurations
to worker processes); entries come back to the GUI thread through a queued signal as each
configuration finishes, and only the GUI thread keeps them. ``cancel()`` raises the sweep's flag:
every configuration still training gives up within a fraction of a second, and the thread ends.
"""

from __future__ import annotations

import threading
import traceback
from dataclasses import dataclass, replace

from PySide6.QtCore import QObject, Signal

from ..core.dataset import Dataset
from ..core.sweep import Cancel, SweepGrid, check_grid, run_sweep


@dataclass(frozen=True)
class SweepResults:
    """What a sweep has given so far: ``configurations`` (run options, in grid order) and
    ``entries`` (the same length; None where none came yet or a cancel stopped it)."""

    grid: SweepGrid
    configurations: tuple[dict, ...]
    entries: tuple[dict | None, ...]
    running: bool
    outcome: str = ""              # "finished", "cancelled" or the sentence of a failure
    data: Dataset | None = None    # what the sweep trained on
    base: dict | None = None       # … with these run options besides the swept ones

    def made_for(self, data: Dataset, base: dict) -> bool:
        """Whether the sweep is of ``data`` and the run options ``base`` (else its results are
        those of earlier data or settings)."""
        same_data = data is self.data or (self.data is not None and data.equals(self.data))
        return same_data and base == self.base

    @property
    def done(self) -> int:
        return sum(e is not None for e in self.entries)


class SweepJob(QObject):
    """One sweep at a time. ``changed`` carries a SweepResults whenever an entry arrives, the
    sweep starts or it ends."""

    changed = Signal(object)
    _arrived = Signal(int, int, object)           # sweep serial, index, entry (from the thread)
    _ended = Signal(int, str)                     # sweep serial, outcome

    def __init__(self, parent=None):
        super().__init__(parent)
        self.results: SweepResults | None = None
        self._serial = 0
        self._flags: list[Cancel] = []          # one per sweep, the last the running one's; removed
                                                # at shutdown (workers may still look at them)
        self._thread: threading.Thread | None = None
        self._arrived.connect(self._on_arrived)
        self._ended.connect(self._on_ended)

    @property
    def running(self) -> bool:
        return self.results is not None and self.results.running

    def start(self, data: Dataset, base: dict, grid: SweepGrid, jobs: int = -1) -> None:
        """Train every configuration of ``grid`` on ``data`` with the run options ``base``.
        Raises ConfigError (and starts nothing) for a grid with a bad configuration."""
        configurations = tuple(check_grid(base, grid))
        self.cancel()
        self._serial += 1
        cancel = Cancel()
        self._flags.append(cancel)
        self.results = SweepResults(grid, configurations, (None,) * len(configurations), True, "", data,
                                    dict(base))
        serial = self._serial

        def work() -> None:
            try:
                run_sweep(data, list(configurations), "loky", jobs,
                          on_entry=lambda i, entry: self._arrived.emit(serial, i, entry), cancel=cancel,
                          order=grid.interleaved())
                outcome = "cancelled" if cancel.is_set else "finished"
            except Exception:  # noqa: BLE001 — shown to the user, the window goes on
                outcome = "the sweep failed: " + traceback.format_exc().strip().splitlines()[-1]
            self._ended.emit(serial, outcome)

        self._thread = threading.Thread(target=work, name="lrgui-sweep", daemon=True)
        self._thread.start()
        self.changed.emit(self.results)

    def cancel(self) -> None:
        """Stop the running sweep (its entries so far stay)."""
        if self.running:
            self._flags[-1].set()

    def shutdown(self, timeout: float = 5.0) -> None:
        self.cancel()
        if self._thread is not None:
            self._thread.join(timeout)
        for flag in self._flags:
            flag.close()
        self._flags.clear()

    def _on_arrived(self, serial: int, index: int, entry: dict) -> None:
        r = self.results
        if serial != self._serial or r is None:
            return
        entries = list(r.entries)
        entries[index] = entry
        self.results = replace(r, entries=tuple(entries))
        self.changed.emit(self.results)

    def _on_ended(self, serial: int, outcome: str) -> None:
        r = self.results
        if serial != self._serial or r is None:
            return
        self.results = replace(r, running=False, outcome=outcome)
        self.changed.emit(self.results)
