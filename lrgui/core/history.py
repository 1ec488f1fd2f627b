"""The record of a training run, one row per epoch, in fixed-size chunks.

Row i is epoch i (epoch 0 is the start), so rows are contiguous from 0 to the last epoch. Rows are
appended or cut off at the end, never changed: appending fills the last chunk or starts a new one
and never moves a recorded row, so a reader holding a view of a full chunk keeps a valid picture,
and reading the rows added since some length costs only those rows.

The per-epoch figures (loss, ‖∇J‖, accuracy …) are kept for every epoch. The θ vectors are kept
for every epoch too while they fit in ``VECTOR_BUDGET`` bytes, which a model of a few dozen weights
never exceeds; beyond it (a model of 200,000 weights, a very long run) only every ``stride``-th
epoch's θ is kept, the stride doubling as the run goes on, and the last epoch's θ is always exact.
Reading θ at an epoch that was not kept gives the nearest kept epoch before it (``exact`` tells).

Only the newest chunk of each column stays in memory: a full chunk moves to an unnamed temporary
file (``Spill``) and is read back when asked for, so a run of millions of epochs holds a few
hundred kilobytes of memory, not hundreds of megabytes. Reading recent rows, the last row and a
sample of rows (what every frame reads) stays cheap; where the file cannot be written, chunks
simply stay in memory.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from dataclasses import dataclass

import numpy as np

from .memory import release_free_memory

# The per-epoch numbers of every run; NaN where a run has no such figure (no test split, no
# learning rate). ``lr`` is η_t, the step size of the epoch that follows the row.
SCALARS = ("loss", "grad_norm", "accuracy", "test_loss", "test_accuracy", "lr")
CHUNK_ROWS = 4096
CHUNK_BYTES = 4 << 20              # a chunk of θ rows holds at most this much (wide models)
VECTOR_BUDGET = 128 << 20          # the θ rows of one history hold at most this much
TRIM_EVERY = 64                    # chunks written to a spill file between two heap trims
_SERIALS = itertools.count(1)


def part_columns(parts: int) -> tuple[str, ...]:
    """The names of the per-model loss columns of a run of ``parts`` models (one-vs-rest)."""
    return tuple(f"part_loss_{c}" for c in range(parts))


def part_columns_in(rows: dict) -> tuple[str, ...]:
    """The per-model loss columns among the columns ``rows`` (by name)."""
    return tuple(name for name in rows if name.startswith("part_loss_"))


@dataclass(frozen=True)
class Block:
    """A chunk moved to a ``Spill`` file: ``shape`` and ``dtype`` of the array at byte ``offset``."""

    offset: int
    shape: tuple
    dtype: str

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape)) * np.dtype(self.dtype).itemsize


class Spill:
    """Full chunks of one history in an unnamed temporary file (removed by the system when the
    process ends, however it ends). Freed blocks are reused by chunks of the same size, so the
    file is never larger than the chunks it holds at the most."""

    def __init__(self):
        self._file = None
        self._end = 0
        self._free: dict[int, list[int]] = {}
        self._puts = 0
        self.broken = False                  # a write failed: chunks stay in memory from then on

    def put(self, array: np.ndarray) -> "Block | np.ndarray":
        """``array`` written out as a Block, or ``array`` itself if the file cannot be written."""
        if self.broken:
            return array
        data = np.ascontiguousarray(array).tobytes()
        free = self._free.get(len(data))
        try:
            if self._file is None:
                self._file = tempfile.TemporaryFile(prefix="lrgui-history-")
            offset = free.pop() if free else self._end
            if os.pwrite(self._file.fileno(), data, offset) != len(data):
                raise OSError("short write")
        except OSError:
            self.broken = True
            return array
        if offset == self._end:
            self._end += len(data)
        self._puts += 1
        if self._puts % TRIM_EVERY == 0:
            # The chunk just written was freed below newer allocations: without a trim now and
            # then, a run of millions of epochs holds tens of megabytes it no longer uses.
            release_free_memory()
        return Block(offset, array.shape, array.dtype.str)

    def rows(self, block: Block, start: int, stop: int) -> np.ndarray:
        """Rows ``start``…``stop − 1`` of ``block`` (read-only)."""
        dtype = np.dtype(block.dtype)
        row = dtype.itemsize * int(np.prod(block.shape[1:], dtype=np.int64))
        data = os.pread(self._file.fileno(), (stop - start) * row, block.offset + start * row)
        return np.frombuffer(data, dtype=dtype).reshape((stop - start,) + tuple(block.shape[1:]))

    def free(self, block: Block) -> None:
        self._free.setdefault(block.nbytes, []).append(block.offset)


class History:
    """Columns of ``vectors`` (each (k,) per row, float64), of ``SCALARS`` (float64), of each of
    ``parts`` models' loss (``part_columns``, float64; a run of K one-vs-rest models has K) and
    ``segment`` (int32: which part of the run, with which data and settings, trained the epoch).

    ``column(name)`` or attribute access (``history.loss``, ``history.theta``) give the whole
    column as one read-only array (a copy when it spans several chunks); ``rows(name, start,
    stop)`` gives a range, ``at(name, i)`` one value or vector.
    """

    def __init__(self, k: int, vectors: tuple[str, ...] = ("theta", "theta_original"),
                 chunk_rows: int = CHUNK_ROWS, vector_budget: int = VECTOR_BUDGET, parts: int = 0):
        self.k = k
        self.parts = int(parts)
        self.serial = next(_SERIALS)       # tells histories apart (id() of a freed one is reused)
        self.vectors = tuple(vectors)
        self._widths = {**{name: k for name in self.vectors}, **{name: 0 for name in SCALARS},
                        **{name: 0 for name in part_columns(self.parts)}, "segment": 0}
        self._chunk = int(chunk_rows)
        self._vector_chunk = max(1, min(self._chunk, CHUNK_BYTES // max(1, 8 * k)))
        self._budget = int(vector_budget)
        self._row_bytes = 8 * k * len(self.vectors)
        self._scalars = tuple(name for name, width in self._widths.items() if not width)
        self._chunks: dict[str, list[np.ndarray | Block]] = {name: [] for name in self._widths}
        self._spill = Spill()
        self._length = 0
        self.stride = 1                                  # θ is kept at epochs 0, stride, 2·stride …
        self._last: dict[str, np.ndarray] = {}           # θ of the last epoch, always exact
        self._last_exact = True

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

    def _rows_per_chunk(self, name: str) -> int:
        return self._vector_chunk if self._widths[name] else self._chunk

    def _start_chunk(self, name: str) -> np.ndarray:
        """A new chunk at the end of column ``name``; the full one before it goes to the spill file."""
        chunks = self._chunks[name]
        if chunks and isinstance(chunks[-1], np.ndarray):
            chunks[-1] = self._spill.put(chunks[-1])
        chunks.append(self._empty(name, self._rows_per_chunk(name)))
        return chunks[-1]

    def _drop_chunks(self, name: str, keep: int) -> None:
        """Forget the chunks of column ``name`` from index ``keep`` on; the last one kept comes
        back to memory (rows are appended to it)."""
        chunks = self._chunks[name]
        for chunk in chunks[keep:]:
            if isinstance(chunk, Block):
                self._spill.free(chunk)
        del chunks[keep:]
        if chunks and isinstance(chunks[-1], Block):
            block = chunks[-1]
            chunks[-1] = np.array(self._spill.rows(block, 0, block.shape[0]))
            self._spill.free(block)

    def _chunk_rows(self, name: str, c: int, start: int, stop: int) -> np.ndarray:
        """Rows ``start``…``stop − 1`` of chunk ``c`` of column ``name`` (a view of one in memory)."""
        chunk = self._chunks[name][c]
        if isinstance(chunk, Block):
            return self._spill.rows(chunk, start, stop)
        return chunk[start:stop]

    def _gather(self, name: str, c: int, rows: np.ndarray) -> np.ndarray:
        """Rows ``rows`` (ascending, within the chunk) of chunk ``c`` of column ``name``."""
        chunk = self._chunks[name][c]
        if isinstance(chunk, Block):
            first = int(rows[0])
            return self._spill.rows(chunk, first, int(rows[-1]) + 1)[rows - first]
        return chunk[rows]

    def _kept(self, length: int) -> int:
        """How many θ rows are kept for the epochs before ``length``."""
        return -(-length // self.stride)

    def exact(self, epoch: int) -> bool:
        """Whether θ at ``epoch`` is the one recorded then (not the nearest kept one before it)."""
        if epoch == self._length - 1:
            return self._last_exact
        return epoch % self.stride == 0

    # -- writing ------------------------------------------------------------------------------
    def _put(self, name: str, first: int, values) -> None:
        """Store ``values`` (m rows, or one value broadcast over ``m`` = len) in column ``name`` from
        stored row ``first`` on, starting chunks as needed."""
        per = self._rows_per_chunk(name)
        chunks = self._chunks[name]
        m = len(values)
        done = 0
        while done < m:
            c, i = divmod(first + done, per)
            if c == len(chunks):
                self._start_chunk(name)
            take = min(m - done, per - i)
            chunks[c][i:i + take] = values[done:done + take]
            done += take

    def append(self, **row) -> None:
        """One epoch: every column by name (scalars missing from ``row`` are NaN, ``segment`` 0)."""
        length = self._length
        c, i = divmod(length, self._chunk)
        for name in self._scalars:
            chunks = self._chunks[name]
            if c == len(chunks):
                self._start_chunk(name)
            chunks[c][i] = row.get(name, 0 if name == "segment" else np.nan)
        slot, off = divmod(length, self.stride)
        for name in self.vectors:
            last = self._last.get(name)
            if last is None:
                last = self._last[name] = np.empty(self.k)
            last[:] = row.get(name, np.nan)
            if off == 0:
                vc, vi = divmod(slot, self._vector_chunk)
                chunks = self._chunks[name]
                if vc == len(chunks):
                    self._start_chunk(name)
                chunks[vc][vi] = last
        self._length = length + 1
        self._last_exact = True
        if off == 0 and (slot + 1) * self._row_bytes > self._budget:
            self._bound()

    def extend(self, rows: dict[str, np.ndarray]) -> None:
        """Many epochs at once: ``rows[name]`` holds m values (or (m, k) vectors) per column."""
        m = len(rows["loss"])
        if m == 0:
            return
        start = self._length
        for name in self._widths:
            if self._widths[name]:
                continue
            values = rows.get(name)
            if values is None:
                values = np.full(m, 0 if name == "segment" else np.nan)
            self._put(name, start, values)
        first = -(-start // self.stride) * self.stride         # the first epoch ≥ start to keep
        for name in self.vectors:
            values = rows.get(name)
            values = np.full((m, self.k), np.nan) if values is None else np.asarray(values, dtype=np.float64)
            if first < start + m:
                self._put(name, first // self.stride, values[first - start::self.stride])
            self._last[name] = values[-1].copy()
        self._length += m
        self._last_exact = True
        self._bound()

    def _bound(self) -> None:
        """Keep every other θ row (doubling the stride) while the kept rows exceed the budget."""
        while self.vectors and self._kept(self._length) * self._row_bytes > self._budget and self._kept(self._length) > 2:
            kept = self._kept(self._length)
            for name in self.vectors:
                every_other = self.take_stored(name, np.arange(0, kept, 2))
                self._drop_chunks(name, 0)
                self._put(name, 0, every_other)
            self.stride *= 2
            release_free_memory()

    def take_stored(self, name: str, slots: np.ndarray) -> np.ndarray:
        """Stored rows ``slots`` (indices of kept rows, not epochs) of a θ column, as a new array."""
        slots = np.asarray(slots, dtype=np.int64)
        per = self._rows_per_chunk(name)
        out = self._empty(name, len(slots))
        chunk_of = slots // per
        for c in np.unique(chunk_of):
            here = chunk_of == c
            out[here] = self._gather(name, c, slots[here] - c * per)
        return out

    def truncate(self, length: int) -> None:
        """Forget every row from ``length`` on (chunks no longer needed are released). If θ of the
        new last epoch was not kept, the nearest kept one stands in until ``replace_last``."""
        self._length = max(0, min(int(length), self._length))
        for name in self._chunks:
            stored = self._kept(self._length) if self._widths[name] else self._length
            self._drop_chunks(name, -(-stored // self._rows_per_chunk(name)))
        if self._length and self.vectors:
            last = self._length - 1
            for name in self.vectors:
                self._last[name] = self.take_stored(name, [last // self.stride])[0]
            self._last_exact = last % self.stride == 0

    def replace_last(self, **vectors) -> None:
        """Give the last epoch its exact θ (after ``truncate`` to an epoch that was not kept)."""
        for name, value in vectors.items():
            self._last[name] = np.array(value, dtype=np.float64)
        self._last_exact = True

    # -- reading ------------------------------------------------------------------------------
    def rows(self, name: str, start: int = 0, stop: int | None = None) -> np.ndarray:
        """Rows ``start``…``stop − 1`` of column ``name``, read-only (a view within one chunk)."""
        stop = self._length if stop is None else max(start, min(stop, self._length))
        start = max(0, min(start, stop))
        if self._widths[name] and (self.stride > 1 or not self._last_exact):
            out = self.take(name, np.arange(start, stop))
            out.flags.writeable = False
            return out
        per = self._rows_per_chunk(name)
        first, last = start // per, (stop - 1) // per
        if stop == start:
            out = self._empty(name, 0)
        elif first == last:
            out = self._chunk_rows(name, first, start - first * per, stop - first * per)
        else:
            parts = [self._chunk_rows(name, first, start - first * per, per)]
            parts += [self._chunk_rows(name, c, 0, per) for c in range(first + 1, last)]
            parts.append(self._chunk_rows(name, last, 0, stop - last * per))
            out = np.concatenate(parts)
        out = out.view()
        out.flags.writeable = False
        return out

    def take(self, name: str, indices: np.ndarray) -> np.ndarray:
        """The rows of column ``name`` at epochs ``indices`` (ascending, within the history), as a
        new array: costs only those rows, however long the history. θ at an epoch that was not
        kept is the nearest kept one before it."""
        indices = np.asarray(indices, dtype=np.int64)
        if not self._widths[name]:
            out = self._empty(name, len(indices))
            chunk_of = indices // self._chunk
            for c in np.unique(chunk_of):
                here = chunk_of == c
                out[here] = self._gather(name, c, indices[here] - c * self._chunk)
            return out
        out = self.take_stored(name, indices // self.stride)
        out[indices == self._length - 1] = self._last[name]
        return out

    def spread_rows(self, stop: int, count: int) -> np.ndarray:
        """At most about ``count`` row numbers evenly spread over 0…``stop − 1``, the last one
        always among them."""
        stop = max(0, min(int(stop), self._length))
        if stop <= count:
            return np.arange(stop)
        indices = np.arange(0, stop, -(-stop // count))
        return indices if indices[-1] == stop - 1 else np.append(indices, stop - 1)

    def spread(self, name: str, stop: int, count: int) -> np.ndarray:
        """Rows of column ``name`` at ``spread_rows(stop, count)``."""
        stop = max(0, min(int(stop), self._length))
        if stop <= count:
            return np.array(self.rows(name, 0, stop))
        return self.take(name, self.spread_rows(stop, count))

    def at(self, name: str, i: int):
        """Row ``i`` (negative counts from the end) of column ``name``: a float, int or (k,) copy
        (θ: see ``exact``)."""
        if i < 0:
            i += self._length
        if not 0 <= i < self._length:
            raise IndexError(f"row {i} of a history of {self._length} rows")
        if self._widths[name]:
            if i == self._length - 1:
                return self._last[name].copy()
            return self.take_stored(name, [i // self.stride])[0]
        c, j = divmod(i, self._chunk)
        return self._chunk_rows(name, c, j, j + 1)[0].item()

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
        other = History(self.k, self.vectors, self._chunk, self._budget, self.parts)
        for name, chunks in self._chunks.items():
            per = self._rows_per_chunk(name)
            copies = other._chunks[name]
            for c in range(len(chunks)):
                rows = np.array(self._chunk_rows(name, c, 0, per))
                copies.append(rows if c == len(chunks) - 1 else other._spill.put(rows))
        other._length = self._length
        other.stride = self.stride
        other._last = {name: v.copy() for name, v in self._last.items()}
        other._last_exact = self._last_exact
        return other

    def records(self) -> list[dict]:
        """Every row as a dict of plain numbers (for CSV and JSON): θ in original units, or None
        for an epoch whose θ was not kept (see the module docstring)."""
        theta = self.rows("theta_original")
        names = SCALARS + part_columns(self.parts)
        values = {name: self.rows(name) for name in names}
        out = []
        for i in range(self._length):
            row = {"epoch": i}
            kept = self.exact(i)
            row.update({f"theta{j}": float(theta[i, j]) if kept else None for j in range(self.k)})
            row.update({name: float(values[name][i]) for name in names})
            out.append(row)
        return out


def write_history_csv(history: "History", path) -> None:
    """Write every row of ``history`` (see ``History.records``) as CSV to ``path``, atomically."""
    import csv

    from .fileio import atomic_writer

    rows = history.records()
    with atomic_writer(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
