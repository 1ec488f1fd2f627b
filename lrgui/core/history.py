"""The record of a training run, one row per epoch, in fixed-size chunks.

Row i is epoch i (epoch 0 is the start), so rows are contiguous from 0 to the last epoch. Rows are
appended or cut off at the end, never changed: appending fills the last chunk or starts a new one
and never moves a recorded row, so a reader holding a view of a full chunk keeps a valid picture,
and reading the rows added since some length costs only those rows.
"""

from __future__ import annotations

import numpy as np

# The per-epoch numbers of every run; NaN where a run has no such figure (no test split).
SCALARS = ("loss", "grad_norm", "accuracy", "test_loss", "test_accuracy")
CHUNK_ROWS = 4096


class History:
    """Columns of ``vectors`` (each (k,) per row, float64), of ``SCALARS`` (float64) and
    ``segment`` (int32: which part of the run, with which data and settings, trained the epoch).

    ``column(name)`` or attribute access (``history.loss``, ``history.theta``) give the whole
    column as one read-only array (a copy when it spans several chunks); ``rows(name, start,
    stop)`` gives a range, ``at(name, i)`` one value or vector.
    """

    def __init__(self, k: int, vectors: tuple[str, ...] = ("theta", "theta_original"),
                 chunk_rows: int = CHUNK_ROWS):
        self.k = k
        self.vectors = tuple(vectors)
        self._widths = {**{name: k for name in self.vectors}, **{name: 0 for name in SCALARS},
                        "segment": 0}
        self._chunk = int(chunk_rows)
        self._chunks: dict[str, list[np.ndarray]] = {name: [] for name in self._widths}
        self._length = 0

    # -- size ---------------------------------------------------------------------------------
    def __len__(self) -> int:
        return self._length

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self._widths)

    def _empty(self, name: str, rows: int) -> np.ndarray:
        """Room for ``rows`` rows of column ``name``."""
        width = self._widths[name]
        return np.empty((rows, width) if width else (rows,), dtype=np.int32 if name == "segment" else np.float64)

    def _new_chunk(self, name: str) -> np.ndarray:
        return self._empty(name, self._chunk)

    # -- writing ------------------------------------------------------------------------------
    def append(self, **row) -> None:
        """One epoch: every column by name (scalars missing from ``row`` are NaN, ``segment`` 0)."""
        c, i = divmod(self._length, self._chunk)
        for name, chunks in self._chunks.items():
            if c == len(chunks):
                chunks.append(self._new_chunk(name))
            chunks[c][i] = row.get(name, 0 if name == "segment" else np.nan)
        self._length += 1

    def extend(self, rows: dict[str, np.ndarray]) -> None:
        """Many epochs at once: ``rows[name]`` holds m values (or (m, k) vectors) per column."""
        m = len(rows["loss"])
        done = 0
        while done < m:
            c, i = divmod(self._length, self._chunk)
            take = min(m - done, self._chunk - i)
            for name, chunks in self._chunks.items():
                if c == len(chunks):
                    chunks.append(self._new_chunk(name))
                values = rows.get(name)
                chunks[c][i:i + take] = (0 if name == "segment" else np.nan) if values is None \
                    else values[done:done + take]
            done += take
            self._length += take

    def truncate(self, length: int) -> None:
        """Forget every row from ``length`` on (chunks no longer needed are released)."""
        self._length = max(0, min(int(length), self._length))
        keep = -(-self._length // self._chunk)
        for chunks in self._chunks.values():
            del chunks[keep:]

    # -- reading ------------------------------------------------------------------------------
    def rows(self, name: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Rows ``start``…``stop − 1`` of column ``name``, read-only (a view within one chunk)."""
        stop = self._length if stop is None else max(start, min(stop, self._length))
        start = max(0, min(start, stop))
        chunks = self._chunks[name]
        first, last = start // self._chunk, (stop - 1) // self._chunk
        if stop == start:
            out = self._empty(name, 0)
        elif first == last:
            out = chunks[first][start - first * self._chunk:stop - first * self._chunk]
        else:
            parts = [chunks[first][start - first * self._chunk:]]
            parts += chunks[first + 1:last]
            parts.append(chunks[last][:stop - last * self._chunk])
            out = np.concatenate(parts)
        out = out.view()
        out.flags.writeable = False
        return out

    def take(self, name: str, indices: np.ndarray) -> np.ndarray:
        """The rows of column ``name`` at ``indices`` (ascending, within the history), as a new
        array: costs only those rows, however long the history."""
        indices = np.asarray(indices, dtype=np.int64)
        out = self._empty(name, len(indices))
        chunk_of = indices // self._chunk
        for c in np.unique(chunk_of):
            here = chunk_of == c
            out[here] = self._chunks[name][c][indices[here] - c * self._chunk]
        return out

    def spread(self, name: str, stop: int, count: int) -> np.ndarray:
        """At most about ``count`` rows of column ``name`` evenly spread over rows 0…``stop − 1``,
        the last one always among them."""
        stop = max(0, min(int(stop), self._length))
        if stop <= count:
            return np.array(self.rows(name, 0, stop))
        step = -(-stop // count)
        indices = np.arange(0, stop, step)
        if indices[-1] != stop - 1:
            indices = np.append(indices, stop - 1)
        return self.take(name, indices)

    def at(self, name: str, i: int):
        """Row ``i`` (negative counts from the end) of column ``name``: a float, int or (k,) copy."""
        if i < 0:
            i += self._length
        if not 0 <= i < self._length:
            raise IndexError(f"row {i} of a history of {self._length} rows")
        value = self._chunks[name][i // self._chunk][i % self._chunk]
        return value.copy() if self._widths[name] else value.item()

    def column(self, name: str) -> np.ndarray:
        return self.rows(name)

    @property
    def epoch(self) -> np.ndarray:
        return np.arange(self._length)

    def __getattr__(self, name: str) -> np.ndarray:
        if name.startswith("_") or name not in self._widths:
            raise AttributeError(name)
        return self.rows(name)

    @property
    def has_test(self) -> bool:
        return self._length > 0 and bool(np.isfinite(self.at("test_loss", 0)))

    def tail(self, start: int) -> dict[str, np.ndarray]:
        """Every column from row ``start`` on, as fresh arrays (what a reader has not seen yet)."""
        return {name: np.array(self.rows(name, start)) for name in self._widths}

    def copy(self) -> "History":
        other = History(self.k, self.vectors, self._chunk)
        other._chunks = {name: [c.copy() for c in chunks] for name, chunks in self._chunks.items()}
        other._length = self._length
        return other

    def records(self) -> list[dict]:
        """Every row as a dict of plain numbers (for CSV and JSON): θ in original units."""
        theta = self.rows("theta_original")
        values = {name: self.rows(name) for name in SCALARS}
        out = []
        for i in range(self._length):
            row = {"epoch": i}
            row.update({f"theta{j}": float(theta[i, j]) for j in range(self.k)})
            row.update({name: float(values[name][i]) for name in SCALARS})
            out.append(row)
        return out
