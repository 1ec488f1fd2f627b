"""The Metrics dock: how good the selected run is at the epoch shown, by more than accuracy. One
threshold slider (the same threshold as the sigmoid view's line and the plane's p = t line);
every figure on the training and test rows; the confusion matrices with their counts; the ROC and
precision-recall curves with the threshold's point on each. The numbers come whole from the
snapshot's scores (app.scorer); nothing is computed here but the text and the pictures.

With more than two classes there is no threshold (a point goes to the class of the highest
score): the dock shows accuracy, balanced accuracy, log-loss and each class's recall and
precision, and the K × K confusion matrices; the slider and the two curves step aside."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QGridLayout,
    QHeaderView,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from .controls import ElidedLabel
from .plot_helpers import EMPTY, Curve, Grid, MenuOnDemandViewBox, pen, set_label, style_plot
from .theme import DEFAULT, Theme, rgba

STEPS = 1000                     # the slider's positions: thresholds 0.001 … 0.999
FIGURES = (("accuracy", "accuracy"), ("balanced accuracy", "balanced_accuracy"),
           ("precision (of class 1)", "precision"), ("recall of class 1", "recall"),
           ("recall of class 0", "specificity"), ("F1", "f1"), ("log-loss", "log_loss"),
           ("ROC AUC", "auc"), ("average precision", "average_precision"))


def figure_rows(s) -> list[tuple[str, str, str]]:
    """(label, training figure, test figure) of every row of the table for the scores ``s``."""
    parts = (s.train, s.test)
    if s.train.classes is None:
        return [(label, *(figure(p.report, key) if p is not None else "" for p in parts)) for label, key in FIGURES]

    def text(p, key, c=None):
        if p is None or not p.classes:
            return ""
        value = p.classes[key] if c is None else p.classes[key][c]
        return "—" if not math.isfinite(value) else f"{value:.4f}" if key == "log_loss" else f"{value:.3f}"

    rows = [(label, *(text(p, key) for p in parts)) for label, key in
            (("accuracy", "accuracy"), ("balanced accuracy", "balanced_accuracy"), ("log-loss", "log_loss"))]
    for key in ("recall", "precision"):
        rows += [(f"{key} of {c}: {name}", *(text(p, key, c) for p in parts)) for c, name in enumerate(s.names)]
    return rows


def specificity(confusion) -> float:
    (tn, fp), _ = confusion
    return tn / (tn + fp) if tn + fp else float("nan")


def figure(report, key: str) -> str:
    value = specificity(report.confusion) if key == "specificity" else getattr(report, key)
    return "—" if not math.isfinite(value) else f"{value:.4f}" if key == "log_loss" else f"{value:.3f}"


def fit_to_contents(table: QTableWidget) -> None:
    """A table as tall as its rows (the curves below take the rest of the height)."""
    table.setSizeAdjustPolicy(QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents)
    table.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)     # ten classes may not fit


class CurvePlot(pg.PlotWidget):
    """One of the two curve plots: the training curve solid, the test curve dashed, the
    threshold's point on each, a chance line."""

    def __init__(self, x_label: str, y_label: str, theme: Theme):
        super().__init__(viewBox=MenuOnDemandViewBox(), background=theme.background)
        plot = self.getPlotItem()
        self.grid = Grid(plot, theme.foreground)
        set_label(plot, "bottom", x_label)
        set_label(plot, "left", y_label)
        plot.setRange(xRange=(0, 1), yRange=(0, 1), padding=0.04)
        for side in ("left", "bottom"):       # rates from 0 to 1: three ticks stay legible in any type size
            plot.getAxis(side).setTicks([[(v, f"{v:g}") for v in (0.0, 0.5, 1.0)], [(0.25, ""), (0.75, "")]])
        plot.setMouseEnabled(x=False, y=False)
        plot.hideButtons()
        self.chance = Curve()
        self.curves = {"train": Curve(), "test": Curve()}
        self.points = {"train": pg.ScatterPlotItem(), "test": pg.ScatterPlotItem()}
        for item in (self.chance, *self.curves.values(), *self.points.values()):
            plot.addItem(item)
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        style_plot(self, theme, self.grid)
        self.chance.use_pen(pen(theme.contour_color, max(1.0, theme.line_width / 2), Qt.PenStyle.DotLine))
        for name, dash in (("train", None), ("test", Qt.PenStyle.DashLine)):
            self.curves[name].use_pen(pen(theme.curve_color, theme.line_width, dash))
            self.points[name].setSize(theme.point_size * 1.6)
            self.points[name].setPen(pg.mkPen(theme.foreground, width=max(1.0, theme.line_width / 2)))
            self.points[name].setBrush(pg.mkBrush(theme.path_color if name == "train" else theme.background))

    def show_part(self, name: str, x: np.ndarray, y: np.ndarray, point) -> None:
        self.curves[name].setData(x, y)
        px, py = point
        if math.isfinite(px) and math.isfinite(py):
            self.points[name].setData([px], [py])
        else:
            self.points[name].setData(EMPTY, EMPTY)

    def clear_part(self, name: str) -> None:
        self.curves[name].setData(EMPTY, EMPTY)
        self.points[name].setData(EMPTY, EMPTY)


class MetricsView(QWidget):
    thresholdChanged = Signal(float)          # as the slider moves (a drag is one undo step)

    def __init__(self, theme: Theme = DEFAULT, parent=None):
        super().__init__(parent)
        self.theme = theme
        self._shown = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        self.threshold_label = QLabel()
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(1, STEPS - 1)
        self.slider.setSingleStep(5)
        self.slider.setPageStep(50)
        self.slider.setToolTip("The threshold t: a point is classified as 1 when p = σ(θᵀx) ≥ t. It moves the "
                               "p = t line in the plane, the threshold in the sigmoid view and the points on "
                               "the ROC and precision-recall curves")
        self.slider.valueChanged.connect(self._slid)
        row.addWidget(self.threshold_label)
        row.addWidget(self.slider, 1)
        layout.addLayout(row)
        self.note = ElidedLabel("")
        layout.addWidget(self.note)
        self.table = QTableWidget(len(FIGURES), 2)
        self.table.setHorizontalHeaderLabels(["train", "test"])
        self.table.setVerticalHeaderLabels([label for label, _key in FIGURES])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        fit_to_contents(self.table)
        self.table.setToolTip("Every figure at the threshold, on the rows the run trains on (each counted "
                              "once, even when the run resamples) and on the rows it holds out")
        layout.addWidget(self.table)
        matrices = QGridLayout()
        self.matrices = {}
        for column, name in enumerate(("train", "test")):
            title = QLabel(f"confusion ({name})")
            grid = QTableWidget(2, 2)
            grid.setHorizontalHeaderLabels(["predicted 0", "predicted 1"])
            grid.setVerticalHeaderLabels(["true 0", "true 1"])
            grid.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
            grid.setToolTip("How many points of each true class (rows) were predicted as each class (columns)")
            grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
            fit_to_contents(grid)
            matrices.addWidget(title, 0, column)
            matrices.addWidget(grid, 1, column)
            self.matrices[name] = (title, grid)
        layout.addLayout(matrices)
        plots = QHBoxLayout()
        self.roc = CurvePlot("false-positive rate", "true-positive rate", theme)
        self.pr = CurvePlot("recall", "precision", theme)
        self.roc.setToolTip("ROC: every threshold's true- against false-positive rate (train solid, test "
                            "dashed); the dot is the threshold chosen")
        self.pr.setToolTip("Precision against recall at every threshold (train solid, test dashed); the dot "
                           "is the threshold chosen")
        plots.addWidget(self.roc, 1)
        plots.addWidget(self.pr, 1)
        layout.addLayout(plots, 1)
        self.set_threshold(0.5)
        self.apply_theme(theme)

    # -- the threshold --------------------------------------------------------------------------
    def threshold(self) -> float:
        return self.slider.value() / STEPS

    def set_threshold(self, t: float) -> None:
        """Show ``t`` without announcing it (it came from elsewhere)."""
        position = int(round(min(max(t, 1 / STEPS), 1 - 1 / STEPS) * STEPS))
        if position != self.slider.value() and not self.slider.isSliderDown():
            self.slider.blockSignals(True)
            self.slider.setValue(position)
            self.slider.blockSignals(False)
        self.threshold_label.setText(f"threshold t = {self.threshold():.3f}")

    def _slid(self, _position: int) -> None:
        self.threshold_label.setText(f"threshold t = {self.threshold():.3f}")
        self.thresholdChanged.emit(self.threshold())

    # -- drawing ----------------------------------------------------------------------------------
    def apply_theme(self, theme: Theme) -> None:
        self.theme = theme
        self.roc.apply_theme(theme)
        self.pr.apply_theme(theme)
        self.roc.chance.setData([0, 1], [0, 1])
        self._shown = None

    def show_snapshot(self, snap) -> None:
        self.set_threshold(snap.view.threshold)
        scored = snap.scores
        key = (scored, snap.selected.id if snap.selected is not None else None)
        if self._shown is not None and key[0] is self._shown[0] and key[1] == self._shown[1]:
            return
        self._shown = key
        if scored is None or scored.scores is None:
            why = scored.why if scored is not None else ("No run is selected." if snap.selected is None
                                                         else "Train the run to see its figures.")
            self.note.setText(why)
            self._clear()
            return
        s = scored.scores
        many = s.train.classes is not None
        self._show_threshold(not many)
        tested = "" if s.test is not None else " · no test rows (hold some out on the Model tab)"
        rule = f"{len(s.names)} classes: each point goes to the class of the highest score" if many \
            else f"t = {s.threshold:.3f}"
        self.note.setText(f"epoch {scored.epoch} · {rule} · {s.train.n} training points{tested}")
        rows = figure_rows(s)
        if [self.table.verticalHeaderItem(r).text() if self.table.verticalHeaderItem(r) else None
                for r in range(self.table.rowCount())] != [label for label, *_ in rows]:
            self.table.setRowCount(len(rows))
            self.table.setVerticalHeaderLabels([label for label, *_ in rows])
        for row, (_label, *texts) in enumerate(rows):
            for column, text in enumerate(texts):
                item = self.table.item(row, column)
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.table.setItem(row, column, item)
                item.setText(text)
        for column, part in enumerate((s.train, s.test)):
            name = ("train", "test")[column]
            self._show_matrix(name, part, s.names if many else ("0", "1"))
            for plot, xy in ((self.roc, ("fpr", "tpr", "roc_point")), (self.pr, ("recall", "precision", "pr_point"))):
                if part is None or part.curves is None:
                    plot.clear_part(name)
                else:
                    c = part.curves
                    plot.show_part(name, getattr(c, xy[0]), getattr(c, xy[1]), getattr(c, xy[2]))
        if many:
            return
        title = {"color": self.theme.foreground, "size": f"{self.theme.px()}px"}
        self.roc.setTitle(self._title("ROC · AUC", "auc", s), **title)
        self.pr.setTitle(self._title("AP", "average_precision", s), **title)

    @staticmethod
    def _title(name: str, key: str, s) -> str:
        """"ROC · AUC 0.903 · test 0.980": the area of the training rows' curve, and the test rows'."""
        test = f" · test {getattr(s.test.report, key):.3f}" if s.test is not None else ""
        return f"{name} {getattr(s.train.report, key):.3f}{test}"

    def _show_threshold(self, on: bool) -> None:
        """The slider and the two curves, which only a threshold gives meaning to."""
        for widget in (self.threshold_label, self.slider, self.roc, self.pr):
            if widget.isVisibleTo(self) != on:
                widget.setVisible(on)

    def _show_matrix(self, name: str, part, names=("0", "1")) -> None:
        title, grid = self.matrices[name]
        title.setVisible(part is not None)
        grid.setVisible(part is not None)
        if part is None:
            return
        counts = np.asarray(part.report.confusion if part.classes is None else part.classes["confusion"], dtype=float)
        K = len(counts)
        short = [n if len(n) <= 10 else n[:9] + "…" for n in names]
        rows = [f"true {n}" for n in short] if K == 2 else short
        if grid.rowCount() != K or [grid.verticalHeaderItem(i).text() for i in range(K)] != rows:
            grid.setRowCount(K)
            grid.setColumnCount(K)
            grid.setHorizontalHeaderLabels([f"predicted {n}" for n in short] if K == 2 else short)
            grid.setVerticalHeaderLabels(rows)
        title.setText(f"confusion ({name})" + ("" if K == 2 else ": rows true, columns predicted"))
        top = max(counts.max(), 1.0)
        for i in range(K):
            for j in range(K):
                item = grid.item(i, j)
                if item is None:
                    item = QTableWidgetItem()
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                    grid.setItem(i, j, item)
                item.setText(f"{int(counts[i, j]):,}")
                colour = QColor(rgba(self.theme.curve_color if i == j else self.theme.wrong_color))
                colour.setAlphaF(0.15 + 0.55 * counts[i, j] / top)
                item.setBackground(colour)

    def _clear(self) -> None:
        for row in range(self.table.rowCount()):
            for column in range(2):
                if self.table.item(row, column) is not None:
                    self.table.item(row, column).setText("")
        for name in ("train", "test"):
            self._show_matrix(name, None)
            self.roc.clear_part(name)
            self.pr.clear_part(name)
        self.roc.setTitle("ROC", color=self.theme.foreground)
        self.pr.setTitle("precision and recall", color=self.theme.foreground)
