"""Curves that grow epoch by epoch, drawn with a bounded number of vertices.

Both classes are fed only the rows added since the last frame, so a frame costs the same at epoch
100 and at epoch 1,000,000; a cut of the history (stepping back, a restart) rebuilds them once.
"""

from __future__ import annotations

import numpy as np


class Envelope:
    """A y(x) curve for x = 0, 1, 2, … kept as buckets of ``size`` consecutive points, each bucket
    drawn by its minimum and its maximum (in x order), so every peak and dip shows at any length.
    When the buckets exceed ``capacity`` they merge in pairs (``size`` doubles). Non-finite values
    are left out. The first and the last point are always drawn exactly."""

    # 256 buckets draw at most 514 points, about one per pixel column of the loss plot: a curve
    # costs the same to paint at epoch 10⁵ as at epoch 10³, and stroking more vertices than
    # pixels only costs time.
    def __init__(self, capacity: int = 256):
        self.capacity = capacity
        self.reset()

    def reset(self) -> None:
        self.size = 1
        self.count = 0                       # points taken so far
        self._lo = np.empty(0)
        self._hi = np.empty(0)
        self._lo_x = np.empty(0, dtype=np.int64)
        self._hi_x = np.empty(0, dtype=np.int64)
        self._first: tuple | None = None
        self._last: tuple | None = None

    def __len__(self) -> int:
        return self.count

    def extend(self, y: np.ndarray) -> None:
        """Append the values for x = count, count + 1, …"""
        y = np.asarray(y, dtype=np.float64)
        if not len(y):
            return
        x0 = self.count
        self.count += len(y)
        finite = np.isfinite(y)
        if finite.any():
            xs = np.flatnonzero(finite)
            if self._first is None:
                self._first = (x0 + xs[0], y[xs[0]])
            self._last = (x0 + xs[-1], y[xs[-1]])
        # fill the open bucket, then whole buckets
        start = 0
        if x0 % self.size and len(self._lo):
            take = min(len(y), self.size - x0 % self.size)
            self._merge_into_last(y[:take], x0)
            start = take
        rest = y[start:]
        if len(rest):
            self._append_buckets(rest, x0 + start)
        while len(self._lo) > self.capacity:
            self._halve()

    def _bucket_stats(self, y: np.ndarray, x0: int, size: int):
        n = len(y)
        pad = (-n) % size
        values = np.concatenate([y, np.full(pad, np.nan)]).reshape(-1, size)
        finite = np.isfinite(values)
        lo_values = np.where(finite, values, np.inf)
        hi_values = np.where(finite, values, -np.inf)
        lo_i = np.argmin(lo_values, axis=1)
        hi_i = np.argmax(hi_values, axis=1)
        rows = np.arange(values.shape[0])
        lo = lo_values[rows, lo_i]
        hi = hi_values[rows, hi_i]
        base = x0 + rows * size
        return lo, hi, base + lo_i, base + hi_i

    def _append_buckets(self, y: np.ndarray, x0: int) -> None:
        lo, hi, lo_x, hi_x = self._bucket_stats(y, x0, self.size)
        self._lo = np.concatenate([self._lo, lo])
        self._hi = np.concatenate([self._hi, hi])
        self._lo_x = np.concatenate([self._lo_x, lo_x])
        self._hi_x = np.concatenate([self._hi_x, hi_x])

    def _merge_into_last(self, y: np.ndarray, x0: int) -> None:
        lo, hi, lo_x, hi_x = self._bucket_stats(y, x0, len(y))
        if lo[0] < self._lo[-1]:
            self._lo[-1], self._lo_x[-1] = lo[0], lo_x[0]
        if hi[0] > self._hi[-1]:
            self._hi[-1], self._hi_x[-1] = hi[0], hi_x[0]

    def _halve(self) -> None:
        n = len(self._lo)
        if n % 2:
            self._lo = np.append(self._lo, np.inf)
            self._hi = np.append(self._hi, -np.inf)
            self._lo_x = np.append(self._lo_x, self._lo_x[-1])
            self._hi_x = np.append(self._hi_x, self._hi_x[-1])
        lo = self._lo.reshape(-1, 2)
        hi = self._hi.reshape(-1, 2)
        pick_lo = np.argmin(lo, axis=1)
        pick_hi = np.argmax(hi, axis=1)
        rows = np.arange(lo.shape[0])
        self._lo_x = self._lo_x.reshape(-1, 2)[rows, pick_lo]
        self._hi_x = self._hi_x.reshape(-1, 2)[rows, pick_hi]
        self._lo = lo[rows, pick_lo]
        self._hi = hi[rows, pick_hi]
        self.size *= 2

    def bounds(self) -> tuple[float, float] | None:
        """The smallest and the largest finite value taken, or None before any."""
        if self._first is None:
            return None
        lo, hi = self._lo[np.isfinite(self._lo)], self._hi[np.isfinite(self._hi)]
        return float(lo.min()), float(hi.max())

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(x, y) to draw: each bucket's minimum and maximum in x order, finite values only."""
        keep = np.isfinite(self._lo)
        lo_x, hi_x = self._lo_x[keep], self._hi_x[keep]
        lo, hi = self._lo[keep], self._hi[keep]
        first = lo_x <= hi_x
        x = np.empty(2 * len(lo))
        y = np.empty(2 * len(lo))
        x[0::2] = np.where(first, lo_x, hi_x)
        x[1::2] = np.where(first, hi_x, lo_x)
        y[0::2] = np.where(first, lo, hi)
        y[1::2] = np.where(first, hi, lo)
        if self._first is not None:
            x = np.concatenate([[self._first[0]], x, [self._last[0]]])
            y = np.concatenate([[self._first[1]], y, [self._last[1]]])
        return x.astype(np.float64), y


class Thinned:
    """Rows (for example θ along a path) kept with a stride that doubles whenever more than
    ``capacity`` are held: every ``stride``-th row, plus always the newest one."""

    def __init__(self, capacity: int = 4096):
        self.capacity = capacity
        self.reset()

    def reset(self) -> None:
        self.stride = 1
        self.count = 0
        self._rows: np.ndarray | None = None
        self._last: np.ndarray | None = None

    def __len__(self) -> int:
        return self.count

    def extend(self, rows: np.ndarray) -> None:
        rows = np.asarray(rows, dtype=np.float64)
        if not len(rows):
            return
        index = self.count + np.arange(len(rows))
        kept = rows[index % self.stride == 0]
        self._rows = kept if self._rows is None else np.concatenate([self._rows, kept])
        self._last = rows[-1]
        self.count += len(rows)
        while len(self._rows) > self.capacity:
            self._rows = self._rows[::2]
            self.stride *= 2

    def array(self) -> np.ndarray:
        """The kept rows and, if it is not among them, the newest row."""
        if self._rows is None:
            return np.empty((0, 0))
        if (self.count - 1) % self.stride:
            return np.vstack([self._rows, self._last[None, :]])
        return self._rows


class ColumnFeed:
    """One column of a run's history drawn by ``item``, held in ``store`` (an Envelope or a
    Thinned) and fed with the rows added since the last frame only; a new ``version`` of the
    history (a restart, a cut) starts the store again."""

    def __init__(self, item, column: str, store):
        self.item = item
        self.column = column
        self.store = store
        self._version = None

    def feed(self, history, rows: int, version) -> bool:
        """Bring the store up to ``rows`` rows; returns whether it changed."""
        if version != self._version or rows < len(self.store):
            self.store.reset()
            self._version = version
        if rows == len(self.store):
            return False
        self.store.extend(history.rows(self.column, len(self.store), rows))
        return True
