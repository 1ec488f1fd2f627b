"""The data set: features X, labels y (classes 0 … K − 1, two unless the labels say more), names,
and the original label values."""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field

import numpy as np

from .errors import DatasetError

# The most classes the window, its keys 0–9 and ``lrgui train`` take.
MAX_CLASSES = 10
LINEAGE = 64               # how many edits back a data set knows what it was made of (edits_from)


def plain_labels(classes: int) -> dict[str, int]:
    """The label map of classes known by their numbers: {"0": 0, "1": 1, …} (two at least)."""
    return {str(c): c for c in range(max(classes, 2))}


@dataclass(frozen=True, eq=False)
class Dataset:
    """X of shape (n, d) float64, y of shape (n,) float64 with values in {0, …, K − 1}.

    ``feature_names`` has d entries. ``label_map`` maps the original label text of each class to
    its number 0 … K − 1 (for generated data it is {"0": 0, "1": 1}); K = ``classes`` is the
    number of its entries, two at least. The arrays are made read-only: edits make
    a new Dataset, which keeps undo and threads simple.

    A data set may be empty or hold one class only (the explorer passes through such states while
    the user clicks points in); ``require_trainable`` says whether a model can be fitted to it.
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...] = ()
    label_map: dict[str, int] = field(default_factory=lambda: {"0": 0, "1": 1})

    def __post_init__(self):
        X = np.array(self.X, dtype=np.float64, copy=True, order="C")     # one layout: sums in one order
        y = np.array(self.y, dtype=np.float64, copy=True).reshape(-1)
        if X.ndim == 1 and X.size == 0:
            X = X.reshape(0, max(len(self.feature_names), 2))
        if X.ndim != 2:
            raise DatasetError(f"X must be a 2-D table (n × d), got {X.ndim} dimension(s)")
        if X.shape[0] != y.shape[0]:
            raise DatasetError(f"X has {X.shape[0]} rows but y has {y.shape[0]} labels")
        if X.shape[1] == 0:
            raise DatasetError("the data need at least one feature column")
        if not np.all(np.isfinite(X)):
            row, col = np.argwhere(~np.isfinite(X))[0]
            raise DatasetError(f"feature value at row {row + 1}, column {col + 1} is {X[row, col]}")
        classes = max(len(self.label_map), 2)
        if sorted(self.label_map.values()) != list(range(len(self.label_map))):
            raise DatasetError(f"the label map must number the classes 0 to {len(self.label_map) - 1}")
        if y.size and not np.all((y >= 0) & (y < classes) & (y == np.floor(y))):
            bad = y[~((y >= 0) & (y < classes) & (y == np.floor(y)))][0]
            raise DatasetError(f"labels must be 0 or 1, found {bad}" if classes == 2 else
                               f"labels must be whole numbers from 0 to {classes - 1}, found {bad}")
        names = tuple(self.feature_names) or tuple(f"x{j + 1}" for j in range(X.shape[1]))
        if len(names) != X.shape[1]:
            raise DatasetError(f"{len(names)} feature names for {X.shape[1]} feature columns")
        X.setflags(write=False)
        y.setflags(write=False)
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "feature_names", names)
        object.__setattr__(self, "label_map", dict(self.label_map))

    # -- facts --------------------------------------------------------------------------------
    @property
    def n(self) -> int:
        return self.X.shape[0]

    @property
    def d(self) -> int:
        return self.X.shape[1]

    @property
    def classes(self) -> int:
        """K, the number of classes (two at least)."""
        return max(len(self.label_map), 2)

    def __getstate__(self) -> dict:
        """The fields only (pickling, copying): the facts worked out so far stay behind, and
        another thread may be adding one while these data are sent to the training process."""
        return {name: getattr(self, name) for name in ("X", "y", "feature_names", "label_map")}

    def __setstate__(self, state: dict) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)

    def _fact(self, name: str, compute):
        """A fact of these data, worked out once: the data never change, and a fact of a million
        points asked for at every click or frame would cost milliseconds each time."""
        facts = self.__dict__.setdefault("_facts", {})
        if name not in facts:
            facts[name] = compute()
        return facts[name]

    def class_counts(self) -> tuple[int, ...]:
        """(number of class-0 points, number of class-1 points, …): K counts."""
        return self._fact("class_counts", self._count_classes)

    def _count_classes(self) -> tuple[int, ...]:
        if self.classes == 2:
            n1 = int(np.count_nonzero(self.y))
            return self.n - n1, n1
        return tuple(int(c) for c in np.bincount(self.y.astype(np.intp), minlength=self.classes))

    def feature_means(self) -> np.ndarray:
        """The mean of each feature, shape (d,) (``numerics.column_means``); read-only."""
        from .numerics import column_means

        def means():
            m = column_means(self.X)
            m.setflags(write=False)
            return m

        return self._fact("feature_means", means)

    def why_untrainable(self) -> str | None:
        """None when a model can be fitted, else a sentence that says what is missing."""
        counts = self.class_counts()
        if self.n == 0:
            return "there are no points yet: a model needs points of both classes"
        missing = [c for c, count in enumerate(counts) if count == 0]
        if missing and self.classes == 2:
            return f"all points are of class {1 - missing[0]}: at least one point of class {missing[0]} is needed"
        if missing:
            names = self.class_names()
            return (f"no point is of class {missing[0]} ({names[missing[0]]!r}): every class needs at least "
                    "one point")
        return None

    def require_trainable(self) -> None:
        reason = self.why_untrainable()
        if reason:
            raise DatasetError(reason)

    # -- edits (each returns a new Dataset) ---------------------------------------------------
    @property
    def click_classes(self) -> int:
        """How many classes a click may add a point of: the data's own, and for numbered data the
        next one too (it joins with its first point), MAX_CLASSES at most."""
        return min(MAX_CLASSES, self.classes + self.numbered)

    @property
    def numbered(self) -> bool:
        """Whether the classes are known by their numbers only ("0", "1", …: clicked or generated
        data). Such data have as many classes as their largest label says, two at least."""
        return self.label_map == plain_labels(self.classes)

    def _with(self, X: np.ndarray, y: np.ndarray, kind: str, index: int) -> "Dataset":
        """These data with one point added at, removed from or moved at ``index`` (``kind``):
        ``X`` and ``y``, new arrays of this data set's layout whose changed values have been
        checked, are taken as they are, not copied and checked whole again (an edit of a million
        points costs the copy the edit makes, no more). Numbered classes follow the largest label.
        The new data remember the edit (``edits_from``)."""
        labels = self.label_map
        if self.numbered:
            labels = plain_labels(int(np.max(y)) + 1 if len(y) else 2)
        edited = object.__new__(Dataset)
        # the last LINEAGE edits, newest first: (a weak reference to the data edited, kind, index)
        lineage = ((weakref.ref(self), kind, int(index)), *self.__dict__.get("_lineage", ())[:LINEAGE - 1])
        for name, value in (("X", X), ("y", y), ("feature_names", self.feature_names), ("label_map", dict(labels)),
                            ("_lineage", lineage)):
            if isinstance(value, np.ndarray):
                value.setflags(write=False)
            object.__setattr__(edited, name, value)
        return edited

    def edits_from(self, other: "Dataset | None") -> list[tuple[str, int]] | None:
        """The edits that make these data of ``other``, oldest first: (kind, index) for a point
        added at ("add"), removed from ("remove") or moved at ("move") ``index``; [] when they are
        ``other``; None when they are not one of its last LINEAGE edits away (or ``other`` is
        None). A view that drew ``other`` then need only redraw the points edited."""
        if other is None:
            return None
        if other is self:
            return []
        lineage = self.__dict__.get("_lineage", ())
        for depth, (source, _kind, _index) in enumerate(lineage):
            if source() is other:
                return [(kind, index) for _source, kind, index in reversed(lineage[:depth + 1])]
        return None

    def _checked_point(self, x) -> np.ndarray:
        """``x`` as a point of these data, shape (d,), finite (else DatasetError)."""
        point = np.asarray(x, dtype=np.float64).reshape(-1)
        if point.shape != (self.d,):
            raise DatasetError(f"a point of these data has {self.d} features, not {point.size}")
        if not np.all(np.isfinite(point)):
            raise DatasetError(f"a point's features must be finite numbers, not {point.tolist()}")
        return point

    def with_point(self, x, label: int, index: int | None = None) -> "Dataset":
        """A copy with the point ``x`` (d,) of class ``label`` inserted at ``index`` (default: end).
        A class past the last one is added to numbered data (up to MAX_CLASSES); other data
        raise DatasetError."""
        if not 0 <= label < (MAX_CLASSES if self.numbered else self.classes):
            names = ", ".join(self.class_names())
            raise DatasetError(f"there is no class {label}: these data have {self.classes} classes ({names})"
                               if not self.numbered else f"at most {MAX_CLASSES} classes (0 to {MAX_CLASSES - 1})")
        index = self.n if index is None else range(self.n + 1)[index]      # IndexError beyond the ends
        X = np.insert(self.X, index, self._checked_point(x), axis=0)
        y = np.insert(self.y, index, float(label))
        return self._with(X, y, "add", index)

    def without_point(self, index: int) -> "Dataset":
        index = range(self.n)[index]
        return self._with(np.delete(self.X, index, axis=0), np.delete(self.y, index), "remove", index)

    def with_point_moved(self, index: int, x) -> "Dataset":
        index = range(self.n)[index]
        X = self.X.copy()
        X[index] = self._checked_point(x)
        return self._with(X, self.y, "move", index)

    def subset(self, rows: np.ndarray) -> "Dataset":
        """The rows ``rows`` (an index array or boolean mask), names and label map kept (every
        class stays, with or without rows)."""
        return Dataset(self.X[rows], self.y[rows], self.feature_names, self.label_map)

    def equals(self, other: "Dataset") -> bool:
        """Same values, names and label map (bit for bit); O(n) unless ``other`` is this object."""
        return self is other or (
            np.array_equal(self.X, other.X)
            and np.array_equal(self.y, other.y)
            and self.feature_names == other.feature_names
            and self.label_map == other.label_map
        )

    def class_names(self) -> tuple[str, ...]:
        """The original label text of class 0, of class 1, …: K texts."""
        by_value = {v: k for k, v in self.label_map.items()}
        return tuple(by_value.get(c, str(c)) for c in range(self.classes))
