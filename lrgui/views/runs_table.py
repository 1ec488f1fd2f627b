"""The runs of the race as a table: each with its colour and line, name, epoch, loss, accuracy (and
on the test rows, while a run holds out a test set), ‖∇J‖, distance to the optimum and status. A row's click selects the run the side panel edits;
each row can be shown or hidden, duplicated or removed in one click, and renamed by double click.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QWidget,
)

from .theme import DEFAULT, Theme
from .plot_helpers import dash_style

COLUMNS = ("Run", "On", "Epoch", "Loss", "Acc.", "Test loss", "Test acc.", "‖∇J‖", "‖θ−θ*‖", "Status", "")
TEST_COLUMNS = (5, 6)
STATUS = COLUMNS.index("Status")
# The widest text each number column shows: those columns get a fixed width, so a new figure on
# every frame never makes the table measure its cells again.
REFRESH_S = 0.1          # figures shown at most this often while training
WIDEST = {2: "0000000000", 3: "−0.0000e−00", 4: "100.0%", 5: "−0.0000e−00", 6: "100.0%", 7: "0.0e−00",
          8: "0.0e−00"}
TIPS = ("The run's colour and line in every view, and its name (double click to rename)",
        "Show or hide the run in the views (it trains either way)",
        "The epoch shown (the timeline's, or where the run stopped)",
        "Training loss J(θ) at that epoch, on the rows the run trains on (resampled rows as often as drawn). "
        "With more than two classes a one-vs-rest run's J is the sum of its K models' losses, a softmax "
        "run's one cross-entropy: compare the two by the Metrics dock's log-loss",
        "Training accuracy at the threshold, on the rows the run trains on (resampled rows as often as drawn; "
        "the Metrics dock counts each row once)",
        "Loss on the held-out test rows at that epoch (runs with a test fraction)",
        "Accuracy on the held-out test rows at the threshold (runs with a test fraction)",
        "Length of the gradient: 0 at the optimum",
        "Distance from θ to the optimum θ* of the run's problem, in original units (∞ when the classes are "
        "separable and no optimum exists)",
        "Running, converged, stopped or diverged, with the reason", "Duplicate or remove the run")


def swatch(color: str, dash: str, size: QSize = QSize(34, 14)) -> QIcon:
    """A short line in the run's colour and dash pattern."""
    pix = QPixmap(size)
    pix.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pix)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    pen = QPen(QColor(color), 3)
    pen.setStyle(dash_style(dash))
    painter.setPen(pen)
    painter.drawLine(2, size.height() // 2, size.width() - 2, size.height() // 2)
    painter.end()
    return QIcon(pix)


def _fmt(value: float, spec: str) -> str:
    return "—" if value is None or not np.isfinite(value) else format(value, spec)


class RunsTable(QTableWidget):
    selectRequested = Signal(str)
    muteRequested = Signal(str, bool)
    duplicateRequested = Signal(str)
    removeRequested = Signal(str)
    renameRequested = Signal(str, str)

    def __init__(self, theme: Theme = DEFAULT, parent=None):
        super().__init__(0, len(COLUMNS), parent)
        self.theme = theme
        self.setHorizontalHeaderLabels(COLUMNS)
        for i, tip in enumerate(TIPS):
            self.horizontalHeaderItem(i).setToolTip(tip)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked)
        self.verticalHeader().setVisible(False)
        # the status column gives way (elided, whole in its tooltip); a narrow dock scrolls sideways
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        # the status keeps a readable width (a narrow dock scrolls sideways to it); the buttons'
        # column takes what is left over
        header.setSectionResizeMode(STATUS, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        metrics = self.fontMetrics()
        pad = 2 * self.style().pixelMetric(self.style().PixelMetric.PM_FocusFrameHMargin) + 12
        for col, text in WIDEST.items():
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Fixed)
            wanted = max(metrics.horizontalAdvance(text), header.fontMetrics().horizontalAdvance(COLUMNS[col]))
            header.resizeSection(col, wanted + pad)
        header.resizeSection(STATUS, metrics.horizontalAdvance("converged first: ‖∇J‖ = 0.00e-00") + pad)
        self.setIconSize(QSize(34, 14))
        self.setToolTip("The runs of the race: click a row to edit that run in the side panel")
        self._ids: list[str] = []
        self._shown: dict = {}
        self._updating = False
        self._refreshed = -np.inf
        self._structure = None
        self._testing = None
        self.itemSelectionChanged.connect(self._selection_moved)
        self.itemChanged.connect(self._item_changed)

    # -- rows -------------------------------------------------------------------------------------
    def _set(self, row: int, col: int, text: str, tip: str | None = None) -> None:
        """Show ``text`` in a cell (and ``tip`` over it), touching the cell only when they
        change: each change makes the table repaint."""
        key = (row, col)
        if self._shown.get(key) == (text, tip):
            return
        self._shown[key] = (text, tip)
        item = self.item(row, col)
        if item is None:
            item = QTableWidgetItem()
            flags = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
            if col == 0:
                flags |= Qt.ItemFlag.ItemIsEditable
            if col == 1:
                flags |= Qt.ItemFlag.ItemIsUserCheckable
            item.setFlags(flags)
            if col >= 2:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                                      if col < STATUS else Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            self.setItem(row, col, item)
        if item.text() != text:
            item.setText(text)
        if tip is not None and item.toolTip() != tip:
            item.setToolTip(tip)

    def _actions(self, run_id: str) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(2, 0, 2, 0)
        row.setSpacing(2)
        for text, tip, signal in (("❐", "Duplicate this run (a copy that then may differ in anything)",
                                   self.duplicateRequested),
                                  ("✕", "Remove this run (undoable)", self.removeRequested)):
            b = QToolButton()
            b.setText(text)
            b.setToolTip(tip)
            b.setAutoRaise(True)
            b.clicked.connect(lambda _=False, s=signal, i=run_id: s.emit(i))
            row.addWidget(b)
        return w

    def apply_theme(self, theme: Theme) -> None:
        """Run colours from ``theme`` (the rows are drawn again with the next snapshot)."""
        self.theme = theme
        self._structure = None

    def show_snapshot(self, snap, distances) -> None:
        """Update the rows from a snapshot; ``distances(snap)`` maps run id → ‖θ − θ*‖ (or ∞),
        asked only when the figures are shown."""
        self._updating = True
        ids = [r.id for r in snap.runs]
        structure = (tuple((r.id, r.spec.label, r.spec.muted, r.spec.color, r.dash) for r in snap.runs),
                     snap.selected.id if snap.selected is not None else None)
        structure_changed = structure != self._structure
        self._structure = structure
        if ids != self._ids:
            self.setRowCount(len(ids))
            self._shown.clear()
            for row, run_id in enumerate(ids):
                self.setCellWidget(row, len(COLUMNS) - 1, self._actions(run_id))
            self._ids = ids
        # While the runs train, the figures change faster than anyone reads them: the table shows
        # them at most REFRESH_S apart (a new run, a stop, a step or a scrub shows at once).
        now = time.monotonic()
        if snap.playing and not structure_changed and now - self._refreshed < REFRESH_S:
            self._updating = False
            return
        self._refreshed = now
        # The cells change quietly and the table hears of them once: a cell's change, heard on
        # its own, costs the table a repaint and a relayout each.
        model = self.model()
        was_blocked = model.blockSignals(True)
        try:
            changed = self._show_rows(snap, distances(snap))
        finally:
            model.blockSignals(was_blocked)
        if changed and self.rowCount():
            model.dataChanged.emit(model.index(0, 0), model.index(self.rowCount() - 1, len(COLUMNS) - 2))
        selected = ids.index(snap.selected.id) if snap.selected is not None and snap.selected.id in ids else -1
        if selected >= 0 and self.currentRow() != selected:
            self.selectRow(selected)
        self._updating = False

    def _show_rows(self, snap, distances: dict) -> bool:
        """Every cell's text from the snapshot; returns whether any changed."""
        before = dict(self._shown)
        touched = False
        for row, r in enumerate(snap.runs):
            name = r.spec.label
            self._set(row, 0, name, f"{name}: double click to rename")
            item = self.item(row, 0)
            color = self.theme.run_color(r.spec.color)
            icon_key = (color, r.dash)
            if getattr(item, "_icon_key", None) != icon_key:
                item.setIcon(swatch(color, r.dash))
                item._icon_key = icon_key
                touched = True
            self._set(row, 1, "", "Shown in the views" if not r.spec.muted else "Hidden (still trained)")
            check = Qt.CheckState.Unchecked if r.spec.muted else Qt.CheckState.Checked
            if self.item(row, 1).checkState() != check:
                self.item(row, 1).setCheckState(check)
                touched = True
            self._set(row, 2, str(r.epoch) if r.trained else "—")
            self._set(row, 3, _fmt(r.loss, ".4g"))
            self._set(row, 4, _fmt(r.accuracy, ".1%"))
            self._set(row, 5, _fmt(r.test_loss, ".4g"))
            self._set(row, 6, _fmt(r.test_accuracy, ".1%"))
            self._set(row, 7, _fmt(r.grad_norm, ".2g"))
            d = distances.get(r.id)
            self._set(row, 8, "∞" if d == np.inf else _fmt(d, ".2g"))
            status = r.status_text(snap.playing, snap.position)
            self._set(row, STATUS, status, status)
        testing = any(r.spec.config.test_fraction > 0 for r in snap.runs)
        if testing != self._testing:            # the test columns only while a run holds out rows
            self._testing = testing
            for col in TEST_COLUMNS:
                self.setColumnHidden(col, not testing)
        return touched or self._shown != before

    # -- gestures ---------------------------------------------------------------------------------
    def _selection_moved(self) -> None:
        if self._updating:
            return
        rows = {i.row() for i in self.selectedIndexes()}
        if len(rows) == 1:
            row = rows.pop()
            if row < len(self._ids):
                self.selectRequested.emit(self._ids[row])

    def _item_changed(self, item: QTableWidgetItem) -> None:
        if self._updating or item.row() >= len(self._ids):
            return
        run_id = self._ids[item.row()]
        if item.column() == 1:
            self.muteRequested.emit(run_id, item.checkState() != Qt.CheckState.Checked)
        elif item.column() == 0:
            self.renameRequested.emit(run_id, item.text())
