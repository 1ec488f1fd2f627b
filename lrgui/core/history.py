"""The record of a training run, one row per epoch, in preallocated arrays that grow by doubling."""

from __future__ import annotations

import numpy as np

_COLUMNS = ("loss", "grad_norm", "accuracy", "test_loss", "test_accuracy")


class History:
    """Epoch 0 is the start. For k-long θ, ``theta`` is (length, k) in training units and
    ``theta_original`` (length, k) in original feature units. ``test_loss`` and ``test_accuracy``
    are NaN when the run has no test split (they are never handed to a plot as such)."""

    def __init__(self, k: int, capacity: int = 256):
        self.k = k
        self._length = 0
        self._epoch = np.empty(capacity, dtype=np.int64)
        self._theta = np.empty((capacity, k))
        self._theta_original = np.empty((capacity, k))
        self._values = {name: np.empty(capacity) for name in _COLUMNS}

    def __len__(self) -> int:
        return self._length

    def _grow(self) -> None:
        def bigger(a):
            out = np.empty((2 * a.shape[0],) + a.shape[1:], dtype=a.dtype)
            out[: a.shape[0]] = a
            return out

        self._epoch = bigger(self._epoch)
        self._theta = bigger(self._theta)
        self._theta_original = bigger(self._theta_original)
        self._values = {k: bigger(v) for k, v in self._values.items()}

    def append(self, epoch: int, theta, theta_original, loss: float, grad_norm: float,
               accuracy: float, test_loss: float = np.nan, test_accuracy: float = np.nan) -> None:
        if self._length == self._epoch.shape[0]:
            self._grow()
        i = self._length
        self._epoch[i] = epoch
        self._theta[i] = theta
        self._theta_original[i] = theta_original
        for name, value in zip(_COLUMNS, (loss, grad_norm, accuracy, test_loss, test_accuracy)):
            self._values[name][i] = value
        self._length += 1

    def truncate(self, length: int) -> None:
        """Forget every row from ``length`` on."""
        self._length = max(0, min(length, self._length))

    # Read-only views of the recorded rows (no copies).
    def _view(self, a: np.ndarray) -> np.ndarray:
        v = a[: self._length]
        v.flags.writeable = False
        return v

    @property
    def epoch(self) -> np.ndarray:
        return self._view(self._epoch)

    @property
    def theta(self) -> np.ndarray:
        return self._view(self._theta)

    @property
    def theta_original(self) -> np.ndarray:
        return self._view(self._theta_original)

    def __getattr__(self, name: str) -> np.ndarray:
        if name in _COLUMNS:
            return self._view(self._values[name])
        raise AttributeError(name)

    @property
    def has_test(self) -> bool:
        return self._length > 0 and bool(np.isfinite(self._values["test_loss"][0]))

    def rows(self) -> list[dict]:
        """Every row as a dict of plain numbers (for CSV and JSON)."""
        out = []
        for i in range(self._length):
            row = {"epoch": int(self._epoch[i])}
            row.update({f"theta{j}": float(self._theta_original[i, j]) for j in range(self.k)})
            row.update({name: float(self._values[name][i]) for name in _COLUMNS})
            out.append(row)
        return out
