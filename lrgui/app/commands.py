"""Undoable changes of the session model.

Every value in the session is immutable, so a command only keeps the values it replaced: redo puts
the new ones in, undo the old ones back. Quick successive changes of the same setting (a slider
dragged, a rate doubled three times) merge into one step.
"""

from __future__ import annotations

import time

from PySide6.QtGui import QUndoCommand

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
        self.session.update(**self.after)
        if self.on_apply is not None:
            self.on_apply()

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
