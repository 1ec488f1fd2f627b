"""Column statistics combined over chunks in one pass, and the standardisation they give: the
means and standard deviations ``features.Standardizer`` computes on all rows."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..features import Standardizer


@dataclass(frozen=True, eq=False)
class Moments:
    """Column statistics of some rows of the model columns, (k − 1,) arrays each: ``count`` rows,
    ``peak`` the largest |x| (0 for no rows), ``centre`` and ``squares`` the mean and the sum of
    squared deviations of x / unit (unit = peak, or 1 where peak is 0), ``low`` and ``high`` the
    smallest and largest x; ``labels`` {label text: rows}."""

    count: int
    peak: np.ndarray
    centre: np.ndarray
    squares: np.ndarray
    low: np.ndarray
    high: np.ndarray
    labels: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, columns: np.ndarray, labels) -> "Moments":
        """The moments of the rows ``columns`` (m, k − 1) with labels ``labels`` (a pandas Series
        of m texts)."""
        k = columns.shape[1]
        label_counts = {str(t): int(c) for t, c in labels.value_counts(dropna=False).items()}
        if not len(columns):
            zero = np.zeros(k)
            return cls(0, zero, zero, zero, np.full(k, np.inf), np.full(k, -np.inf), label_counts)
        peak = np.max(np.abs(columns), axis=0)
        scaled = columns / np.where(peak > 0, peak, 1.0)
        centre = scaled.mean(axis=0)
        squares = np.sum((scaled - centre) ** 2, axis=0)
        return cls(len(columns), peak, centre, squares, columns.min(axis=0), columns.max(axis=0), label_counts)

    @property
    def unit(self) -> np.ndarray:
        return np.where(self.peak > 0, self.peak, 1.0)

    def _in_unit(self, unit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(centre, squares) of these rows measured in ``unit`` ≥ own unit (columns whose peak is
        0 have centre and squares 0 in any unit)."""
        with np.errstate(under="ignore"):
            ratio = np.where(self.peak > 0, self.unit / unit, 0.0)
            return self.centre * ratio, self.squares * ratio * ratio

    def __add__(self, other: "Moments") -> "Moments":
        """The moments of both sets of rows (pairwise update: no sum of squares of raw values)."""
        labels = dict(self.labels)
        for text, count in other.labels.items():
            labels[text] = labels.get(text, 0) + count
        if not other.count or not self.count:
            base = self if self.count else other
            return Moments(base.count, base.peak, base.centre, base.squares, base.low, base.high, labels)
        n = self.count + other.count
        peak = np.maximum(self.peak, other.peak)
        unit = np.where(peak > 0, peak, 1.0)
        (a, sa), (b, sb) = self._in_unit(unit), other._in_unit(unit)
        delta = b - a
        centre = a + delta * (other.count / n)
        squares = sa + sb + delta * delta * (self.count * other.count / n)
        return Moments(n, peak, centre, squares, np.minimum(self.low, other.low),
                       np.maximum(self.high, other.high), labels)


class MomentStandardizer(Standardizer):
    """The Standardizer that ``fit`` on every row gives, fitted from their combined Moments
    instead: μ = unit · centre, σ = unit · √(squares / n) (ddof 0), a constant column only
    divided by its unit."""

    def __init__(self, moments: Moments):
        super().__init__()
        spread = np.sqrt(moments.squares / moments.count)
        self._unit, self._centre = moments.unit, moments.centre
        self._spread = np.where(spread > 0, spread, 1.0)
        self.mean, self.scale = self._unit * self._centre, self._unit * self._spread
