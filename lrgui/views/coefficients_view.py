"""The Coefficients dock: the selected run's θ at the epoch shown, one row per term (the bias, then
each feature or polynomial term by name), in original units, with the weights that are exactly
zero marked: L1's sparsity read off by name. Beside each weight of a feature, |θ|·σ: the weight
times the feature's standard deviation in the data, how far a typical change of that feature
moves z, which compares across features of any units. Sorting by a column orders the rows by its
numbers."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHeaderView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from ..core.features import model_blocks
from .controls import ElidedLabel
from .theme import DEFAULT, Theme

COLUMNS = ("Term", "θ", "|θ|", "|θ|·σ")
ZERO_MARK = "0 (exactly)"


class NumberItem(QTableWidgetItem):
    """A cell that sorts by its number, not by its text."""

    def __init__(self, value: float, text: str):
        super().__init__(text)
        self.value = value
        self.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def __lt__(self, other):
        return self.value < getattr(other, "value", 0.0)


class CoefficientsView(QWidget):
    def __init__(self, theme: Theme = DEFAULT, parent=None):
        super().__init__(parent)
        self.theme = theme
        self._shown = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        self.note = ElidedLabel("")
        layout.addWidget(self.note)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):
            self.table.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        # θ's own order (the bias, then the features) until a header is clicked
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.table.setToolTip("θ of the selected run in original units: the bias b, then one weight per "
                              "feature or polynomial term. Weights that are exactly 0 are marked (L1 sets "
                              "them so). |θ|·σ is the weight times the feature's standard deviation in the "
                              "data: how far a typical change of the feature moves z (it compares across "
                              "units). Click a header to sort")
        self._spread: tuple = (None, None)          # (data, the standard deviation of each feature)
        layout.addWidget(self.table, 1)

    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self._shown = None

    def show_snapshot(self, snap) -> None:
        run = snap.selected
        theta = run.theta if run is not None else None
        key = (None if run is None else (run.id, run.state.degree, run.spec.config.penalty, run.spec.config.lam),
               snap.data.feature_names, None if theta is None else theta.tobytes())
        if key == self._shown:
            return
        self._shown = key
        if run is None or theta is None or len(theta) != len(run.state.theta_names):
            self.note.setText("No θ yet: train the selected run" if run is not None else "No run is selected")
            self.table.setRowCount(0)
            return
        data = snap.data
        names = run.state.theta_names
        if data.classes <= 2:
            names = ("bias b",) + names[1:]
        width = len(theta) // model_blocks(data.classes)              # (b, w…) of one class
        weight = np.arange(len(theta)) % width != 0                   # a bias starts every block
        if self._spread[0] is not data:              # once per data set, not per frame
            self._spread = (data, data.X.std(axis=0) if data.n else np.zeros(data.d))
        # each weight's feature's spread (features, not polynomial terms)
        spread = np.r_[np.nan, self._spread[1]][np.arange(len(theta)) % width] if width == data.d + 1 else None
        zeros = np.count_nonzero(weight & (theta == 0.0))
        config = run.spec.config
        penalty = f" ({config.penalty.upper()} λ = {config.lam:g})" if config.penalty != "none" else ""
        self.note.setText(f"{run.spec.label} · epoch {run.epoch} · {zeros} of {np.count_nonzero(weight)} weights "
                          f"exactly 0{penalty}")
        self.note.setToolTip(self.note.text())
        self._fill(names, theta, weight, spread)

    def _fill(self, names: tuple[str, ...], theta: np.ndarray, weight: np.ndarray, spread: np.ndarray | None) -> None:
        """One row per number of θ; ``weight`` (k,) marks the weights (not biases), ``spread``
        (k,) each weight's feature's standard deviation, or None."""
        table = self.table
        table.setSortingEnabled(False)              # rows are written in place, then sorted once
        table.setRowCount(len(theta))
        faint = self.palette().color(self.palette().ColorRole.PlaceholderText)
        for row, (name, value) in enumerate(zip(names, theta)):
            zero = weight[row] and value == 0.0
            effect = abs(float(value)) * float(spread[row]) if spread is not None and weight[row] else None
            cells = (QTableWidgetItem(name),
                     NumberItem(float(value), ZERO_MARK if zero else f"{value:.6g}"),
                     NumberItem(abs(float(value)), "0" if zero else f"{abs(value):.3g}"),
                     NumberItem(-1.0 if effect is None else effect,
                                "" if effect is None else "0" if zero else f"{effect:.3g}"))
            for col, item in enumerate(cells):
                item.setToolTip(f"{name}: θ = {value!r}" + (" (set to exactly 0)" if zero else ""))
                if zero:
                    item.setForeground(faint)
                    font = QFont(item.font())
                    font.setItalic(True)
                    item.setFont(font)
                table.setItem(row, col, item)
        table.setSortingEnabled(True)

    # -- for tests --------------------------------------------------------------------------------
    def rows(self, column: int = 1) -> list[tuple[str, str]]:
        """(term, text of ``column``) of each row as shown."""
        return [(self.table.item(r, 0).text(), self.table.item(r, column).text()) for r in range(self.table.rowCount())]
