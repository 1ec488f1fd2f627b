"""Undoable changes of the session model.

Every value in the session is immutable, so a command only keeps the values it replaced: redo puts
the new ones in, undo the old ones back. Quick successive changes of the same setting (a slider
dragged, a rate doubled three times) merge into one step.

A point added, removed or moved is kept as that difference (the index and the point), not as two
copies of the data: on a million points a click then costs no copy in the stack, and undo gives
back the data bit for bit. Whole data sets (opened, generated, cleared) are kept whole; ``held_bytes``
counts them so the stack can be held to a memory budget.
"""

from __future__ import annotations

import time

import numpy as np

from PySide6.QtGui import QUndoCommand

from ..core.dataset import Dataset
from ..core.session import Session

MERGE_SECONDS = 1.5
MERGEABLE = 1


class SessionEdit(QUndoCommand):
    """Replace the session fields in ``after``; undo restores their values from before.
    ``on_apply`` (if given) is called after every redo and undo (for example to frame new data)."""

    def __init__(self, session: Session, text: str, after: dict, merge_key=None, on_apply=None):
        super().__init__(text)
        self.session = session
        self.before = session.values(after.keys())
        self.after = dict(after)
        self.merge_key = merge_key
        self.on_apply = on_apply
        self.stamp = time.monotonic()

    def redo(self) -> None:
        if self.__dict__.pop("_applied", False):          # a detached copy: already in force
            return
        self.session.update(**self.after)
        if self.on_apply is not None:
            self.on_apply()

    def detached(self) -> "SessionEdit":
        """The same step as a new command whose first redo does nothing (it is in force)."""
        other = SessionEdit(self.session, self.text(), self.after, self.merge_key, self.on_apply)
        other.before, other.stamp, other._applied = self.before, self.stamp, True
        return other

    def undo(self) -> None:
        self.session.update(**self.before)
        if self.on_apply is not None:
            self.on_apply()

    def id(self) -> int:
        return MERGEABLE if self.merge_key is not None else -1

    def mergeWith(self, other) -> bool:
        if (not isinstance(other, SessionEdit) or other.merge_key != self.merge_key
                or other.stamp - self.stamp > MERGE_SECONDS or set(other.after) != set(self.after)):
            return False
        self.after = other.after
        self.stamp = other.stamp
        return True


class PointEdit(QUndoCommand):
    """One point added at, removed from or moved at ``index``, as a difference of the data.

    ``kind`` is "add", "remove" or "move"; ``point`` (d,) and ``label`` are the point added or
    removed (for a move: the new position, with ``old`` the position before). ``extra`` holds the
    other session fields the edit changes (origin, runs), whose old values are kept for undo.
    ``result`` is the data after the edit, used by the first redo only (it was computed already)."""

    def __init__(self, session: Session, text: str, kind: str, index: int, point, label: int,
                 result: Dataset, extra: dict, old=None):
        super().__init__(text)
        self.session = session
        self.kind, self.index, self.label = kind, int(index), int(label)
        self.point = None if point is None else np.array(point, dtype=np.float64)
        self.old = None if old is None else np.array(old, dtype=np.float64)
        self.extra_after = dict(extra)
        self.extra_before = session.values(extra.keys())
        self._result: Dataset | None = result

    def _forward(self, data: Dataset) -> Dataset:
        if self.kind == "add":
            return data.with_point(self.point, self.label, self.index)
        if self.kind == "remove":
            return data.without_point(self.index)
        return data.with_point_moved(self.index, self.point)

    def _backward(self, data: Dataset) -> Dataset:
        if self.kind == "add":
            return data.without_point(self.index)
        if self.kind == "remove":
            return data.with_point(self.point, self.label, self.index)
        return data.with_point_moved(self.index, self.old)

    def redo(self) -> None:
        if self.__dict__.pop("_applied", False):          # a detached copy: already in force
            return
        data, self._result = self._result or self._forward(self.session.data), None
        self.session.update(data=data, **self.extra_after)

    def detached(self) -> "PointEdit":
        """The same step as a new command whose first redo does nothing (it is in force)."""
        other = PointEdit(self.session, self.text(), self.kind, self.index, self.point, self.label, None,
                          self.extra_after, self.old)
        other.extra_before, other._applied = self.extra_before, True
        return other

    def undo(self) -> None:
        self.session.update(data=self._backward(self.session.data), **self.extra_before)


def held_bytes(command: QUndoCommand) -> dict[int, int]:
    """The data sets ``command`` keeps whole, as {id: bytes} (a data set shared by two commands is
    counted once by whoever sums these)."""
    if not isinstance(command, SessionEdit):
        return {}
    held = {}
    for values in (command.before, command.after):
        data = values.get("data")
        if data is not None:
            held[id(data)] = data.X.nbytes + data.y.nbytes
    return held
