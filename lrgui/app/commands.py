"""Undoable data edits. Data sets are immutable, so a command just holds the before and after."""

from __future__ import annotations

from PySide6.QtGui import QUndoCommand

from ..core.dataset import Dataset


class DataEdit(QUndoCommand):
    """Replace the data with ``after``; undo puts ``before`` back. ``apply(dataset, refit)`` is the
    controller's way to install a data set (``refit`` asks the views to frame the new data)."""

    def __init__(self, apply, before: Dataset, after: Dataset, text: str, refit: bool = False):
        super().__init__(text)
        self._apply = apply
        self.before = before
        self.after = after
        self._refit = refit

    def redo(self) -> None:
        self._apply(self.after, self._refit)

    def undo(self) -> None:
        self._apply(self.before, self._refit)
