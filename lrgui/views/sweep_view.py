"""The sweep dock: a learning-rate range (and optionally one more setting's values) swept in the
background on every core, with a progress bar and Cancel; the result plotted against the learning
rate on a log axis, one curve per value of the second setting. Clicking a result adds that
configuration to the race.

Configurations that diverged (or, for "epochs to converge", did not converge) are not drawn off
the chart: they sit as crosses on a line of their own above the curves, labelled.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.config import MAX_EPOCHS_LIMIT
from ..core.sweep import sweepable
from .controls import mind_manners
from .plot_helpers import LogAxis, MenuOnDemandViewBox, style_plot, style_text, set_label
from .theme import DEFAULT, Theme

# what the plot shows: label → (entry field, axis label)
MEASURES = {
    "final loss": ("loss", "final loss J(θ)"),
    "accuracy": ("accuracy", "training accuracy"),
    "epochs to converge": ("epochs", "epochs to converge"),
}
NO_PARAM = "nothing"
CURVES, HEAT_MAP = "curves", "heat map"


def measure(entry: dict | None, field: str) -> tuple[float, str]:
    """(value to plot, "" ) for an entry, or (nan, why it is not plotted): "diverged", "did not
    converge" (epochs only), "error" or "" for an entry still to come."""
    if entry is None:
        return math.nan, ""
    if "error" in entry:
        return math.nan, "error"
    if entry["status"] == "diverged":
        return math.nan, "diverged"
    if field == "epochs" and entry["status"] != "converged":
        return math.nan, "did not converge"
    return float(entry[field]), ""


class SweepView(QWidget):
    def __init__(self, controller, theme: Theme = DEFAULT, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.theme = theme
        self.results = None
        self._heat_title = ""
        self._heat_log = False

        self.lr_range = QLineEdit("1e-3:10:13")
        self.lr_range.setToolTip("FROM:TO:COUNT — COUNT learning rates evenly spaced on a log scale")
        self.param = QComboBox()
        self.param.setToolTip("A second setting of the selected run to vary: one curve per value")
        self.values = QLineEdit("0, 0.5, 0.9")
        self.values.setToolTip("The second setting's values, separated by commas")
        self.epochs = QSpinBox()
        self.epochs.setRange(1, MAX_EPOCHS_LIMIT)
        self.epochs.setValue(500)
        self.epochs.setToolTip("Epochs each configuration trains for (at most; it may converge before)")
        self.start = QPushButton("Sweep")
        self.start.setToolTip("Train every configuration of the selected run's settings in the background, "
                              "on every core")
        self.cancel = QPushButton("Cancel")
        self.cancel.setToolTip("Stop the sweep (the results so far stay)")
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.shown = QComboBox()
        self.shown.addItems(list(MEASURES))
        self.shown.setToolTip("What the plot shows against the learning rate")
        self.layout_box = QComboBox()
        self.layout_box.addItems([CURVES, HEAT_MAP])
        self.layout_box.setToolTip("With a second setting: one curve per value, or a heat map of the two "
                                   "(colour: the measure shown; crosses: diverged or not converged)")

        form = QFormLayout()
        form.addRow("Learning rates", self.lr_range)
        vary = QHBoxLayout()
        vary.addWidget(self.param)
        vary.addWidget(self.values, 1)
        form.addRow("Also vary", vary)
        form.addRow("Epochs", self.epochs)
        buttons = QHBoxLayout()
        for w in (self.start, self.cancel, self.progress):
            buttons.addWidget(w)
        form.addRow(buttons)
        show = QHBoxLayout()
        show.addWidget(self.shown, 1)
        show.addWidget(self.layout_box)
        form.addRow("Show", show)

        self.plot = pg.PlotWidget(viewBox=MenuOnDemandViewBox(), background=theme.background, axisItems={"bottom": LogAxis("bottom")})
        item = self.plot.getPlotItem()
        item.setLogMode(x=True, y=False)
        item.setXRange(-3, 1, padding=0.02)             # 0.001 … 10 until there are results
        set_label(item, "bottom", "learning rate η (log scale)")
        item.showGrid(x=True, y=True, alpha=0.2)
        self.legend = item.addLegend(offset=(-10, 10))
        self.curves: list[pg.PlotDataItem] = []
        self.failed = pg.ScatterPlotItem(symbol="x", brush=None)
        self.failed.setZValue(5)
        item.addItem(self.failed)
        self.failed_label = pg.TextItem(anchor=(0, 1))
        item.addItem(self.failed_label, ignoreBounds=True)
        self.heat = pg.ImageItem()
        self.heat.setLookupTable(pg.colormap.get("viridis").getLookupTable(0.0, 1.0, 256))
        self.heat.setZValue(-10)
        self.heat.setVisible(False)
        item.addItem(self.heat)
        self.plot.scene().sigMouseClicked.connect(self._clicked_heat)
        self.apply_theme(theme)
        self.plot.setToolTip("Click a point to add that configuration to the race as a new run")

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.plot, 1)
        mind_manners(self)

        self.start.clicked.connect(self._start)
        for field in (self.lr_range, self.values):
            field.returnPressed.connect(self._start)
        self.cancel.clicked.connect(controller.cancel_sweep)
        self.shown.currentTextChanged.connect(lambda _t: self._draw(rebuild=False))
        self.layout_box.currentTextChanged.connect(lambda _t: self._draw(rebuild=False))
        self.param.currentTextChanged.connect(self._param_chosen)
        self.failed.sigClicked.connect(self._clicked_failed)
        controller.sweep.changed.connect(self.show_results)
        controller.sessionChanged.connect(lambda _change: (self._offer_params(), self._mark_stale()))
        self._offer_params()
        self._param_chosen(self.param.currentText())
        self.show_results(controller.sweep.results)

    # -- input ----------------------------------------------------------------------------------
    def _offer_params(self) -> None:
        """The settings the selected run has (momentum only for momentum methods, …)."""
        names = [NO_PARAM, *sweepable(self.controller.session.selected_run.config)]
        if names == [self.param.itemText(i) for i in range(self.param.count())]:
            return
        current = self.param.currentText()
        self.param.blockSignals(True)
        self.param.clear()
        self.param.addItems(names)
        self.param.setCurrentText(current if current in names else NO_PARAM)
        self.param.blockSignals(False)
        self._param_chosen(self.param.currentText())

    def apply_theme(self, theme: Theme) -> None:
        """Every item in ``theme``'s colours and sizes (a theme or zoom change)."""
        self.theme = theme
        style_plot(self.plot, theme, legend=self.legend)
        self.failed.setSize(theme.point_size * 1.6)
        self.failed.setPen(pg.mkPen(theme.wrong_color, width=max(2.0, theme.line_width)))
        style_text(self.failed_label, theme, color=theme.wrong_color)
        if self.results is not None:
            self._mark_stale()
            self._draw(rebuild=True)

    def _mark_stale(self) -> None:
        """The plot's title: a warning when the results are of other data or settings than the
        selected run's now, and the heat map's colour scale."""
        stale = self.results is not None and not self.controller.sweep_is_current()
        parts = (["results of earlier data or settings: sweep again"] if stale else []) + \
            ([self._heat_title] if self._heat_title else [])
        self.plot.getPlotItem().setTitle(" · ".join(parts) or None, size=f"{self.theme.px(1.1)}px",
                                         color=self.theme.wrong_color if stale else self.theme.foreground)

    def _param_chosen(self, name: str) -> None:
        self.values.setEnabled(name != NO_PARAM)

    def _start(self) -> None:
        param = self.param.currentText()
        text = "" if param == NO_PARAM else f"{param}={self.values.text()}"
        self.controller.start_sweep(self.lr_range.text(), text, self.epochs.value())

    # -- drawing --------------------------------------------------------------------------------
    def show_results(self, results) -> None:
        new_grid = results is None or self.results is None or results.grid is not self.results.grid
        self.results = results
        running = results is not None and results.running
        self.start.setEnabled(not running)
        self.cancel.setEnabled(running)
        total = len(results.configurations) if results is not None else 0
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(results.done if results is not None else 0)
        if results is None:
            self.progress.setFormat("no sweep yet")
        elif running:
            self.progress.setFormat(f"%v of {total} configurations")
        else:
            self.progress.setFormat(f"{results.done} of {total}: {results.outcome}")
        self._draw(rebuild=new_grid)

    def _groups(self) -> list[tuple[str, list[int]]]:
        """(legend name, configuration indices in learning-rate order) per value of the second setting."""
        r = self.results
        count = len(r.grid.lrs)
        if not r.grid.param:
            return [("", list(range(count)))]
        return [(f"{r.grid.param} = {v:g}", [r.grid.index(g, i) for i in range(count)])
                for g, v in enumerate(r.grid.values)]

    def _draw(self, rebuild: bool) -> None:
        item = self.plot.getPlotItem()
        if rebuild:
            for curve in self.curves:
                item.removeItem(curve)
            self.curves = []
            self.legend.clear()
        r = self.results
        if r is None:
            self.failed.setData([], [])
            self.failed_label.setText("")
            return
        field, label = MEASURES[self.shown.currentText()]
        set_label(item, "left", label)
        groups = self._groups()
        lrs = np.asarray(r.grid.lrs)
        if rebuild:
            for g, (name, _indices) in enumerate(groups):
                color = self.theme.run_color(g)
                curve = pg.PlotDataItem(pen=pg.mkPen(color, width=self.theme.line_width), symbol="o",
                                        symbolSize=self.theme.point_size, symbolBrush=color, symbolPen=None)
                curve.sigPointsClicked.connect(lambda _item, points, _ev, g=g: self._clicked(g, points))
                item.addItem(curve)
                if name:
                    self.legend.addItem(curve, name)
                self.curves.append(curve)
        values = [[measure(r.entries[i], field) for i in indices] for _name, indices in groups]
        finite = [v for group in values for v, _why in group if math.isfinite(v)]
        top = max(finite) if finite else 1.0
        bottom = min(finite) if finite else 0.0
        heat = self.heat_mode
        self.layout_box.setEnabled(bool(r.grid.param))
        self.heat.setVisible(heat)
        for curve in self.curves:
            curve.setVisible(not heat)
        self.legend.setVisible(not heat)
        left = item.getAxis("left")
        if heat:
            left.setTicks([[(g, f"{v:g}") for g, v in enumerate(r.grid.values)]])
            set_label(item, "left", r.grid.param)
            grid = np.array([[v for v, _why in group] for group in values])        # (values, lrs)
            grid = np.where(np.isfinite(grid), grid, bottom)
            # losses and epochs span decades: coloured on a log scale; accuracy on a linear one
            self._heat_log = field != "accuracy" and bottom > 0
            low, high = (np.log10(bottom), np.log10(top)) if self._heat_log else (bottom, top)
            self.heat.setImage(np.log10(grid).T if self._heat_log else grid.T, levels=(low, max(high, low + 1e-12)),
                               autoLevels=False)
            logs = np.log10(lrs)
            step = (logs[-1] - logs[0]) / max(len(logs) - 1, 1) or 1.0
            self.heat.setRect(QRectF(logs[0] - step / 2, -0.5, logs[-1] - logs[0] + step, len(groups)))
            scale = ", log scale" if self._heat_log else ""
            self._heat_title = f"colour: {label}, {bottom:.4g} (dark) to {top:.4g} (yellow){scale}"
        else:
            left.setTicks(None)
            self._heat_title = ""
        mark = top + 0.12 * max(top - bottom, abs(top), 1e-12)   # the line of configurations not drawn
        fx, fy, fdata, reasons = [], [], [], set()
        for g, (curve, (_name, indices), group) in enumerate(zip(self.curves, groups, values)):
            y = np.array([v for v, _why in group])
            keep = np.isfinite(y)
            # missing values are left out: the line joins the points around them
            curve.setData(lrs[keep], y[keep], data=np.asarray(indices)[keep])
            for i, (v, why) in zip(indices, group):
                if why:
                    fx.append(r.grid.lrs[i % len(r.grid.lrs)])
                    fy.append(g if heat else mark)
                    fdata.append(i)
                    reasons.add(why)
        self.failed.setData(np.log10(fx) if fx else [], fy, data=fdata)
        self.failed_label.setText("" if heat else " / ".join(sorted(reasons)))
        if fx:
            self.failed_label.setPos(math.log10(min(r.grid.lrs)), mark)
        item.enableAutoRange()              # frame the results (the empty plot showed 0.001 … 10)
        self._mark_stale()

    @property
    def heat_mode(self) -> bool:
        return (self.layout_box.currentText() == HEAT_MAP and self.results is not None
                and bool(self.results.grid.param))

    def heat_cell(self, lr_index: int, value_index: int) -> float:
        """The value drawn in the heat map's cell (the measure shown, or the minimum for a cell
        marked by a cross)."""
        value = float(self.heat.image[lr_index, value_index])
        return 10.0 ** value if self._heat_log else value

    def _clicked_heat(self, event) -> None:
        """A click on a heat-map cell adds that configuration to the race."""
        if not self.heat_mode or event.button() != Qt.MouseButton.LeftButton:
            return
        vb = self.plot.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(event.scenePos()):
            return
        point = vb.mapSceneToView(event.scenePos())
        r = self.results
        logs = np.log10(np.asarray(r.grid.lrs))
        column = int(np.argmin(np.abs(logs - point.x())))
        row = int(round(point.y()))
        if 0 <= row < len(r.grid.values):
            event.accept()
            self.controller.add_sweep_run(r.grid.index(row, column))

    def _clicked(self, group: int, points) -> None:
        if len(points):
            self.controller.add_sweep_run(int(points[0].data()))

    def _clicked_failed(self, _item, points, _ev=None) -> None:
        if len(points):
            self.controller.add_sweep_run(int(points[0].data()))

    def curve_data(self, group: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """The (learning rate, value) points drawn for one value of the second setting."""
        curve = self.curves[group]
        if curve.xData is None:
            return np.array([]), np.array([])
        return np.asarray(curve.xData), np.asarray(curve.yData)
