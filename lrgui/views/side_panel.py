"""The side panel: data tools, model, optimizer, playback and view options.

It only shows settings and forwards what the user changes to the controller; lists of
generators, losses, penalties and optimizers, and every optimizer's hyperparameters, come from
the core's registries.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..core.generators import GENERATORS
from ..core.objective import LOSSES, PENALTIES
from ..core.optimizers import OPTIMIZERS
from ..core.params import Param
from ..core.resampling import CLASS_WEIGHTS, RESAMPLING
from .controls import NumberEdit, ParamForm, Section, checkbox
from .theme import DEFAULT

# Slider positions: these epochs per second, then (rightmost) as fast as possible.
SPEEDS = (1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000)
LAMBDA = Param("lam", 1.0, "λ", "Penalty strength λ = 1/C (the bias is never penalised)", "float", 0.0, 1e9)
TEST_FRACTION = Param("test_fraction", 0.0, "Test fraction",
                      "Fraction of the points held out as a stratified test set", "float", 0.0, 0.9)
TOL = Param("tol", 1e-6, "Tolerance", "Training stops when ‖∇J‖ falls to this", "float", 0.0, 1e3)
THRESHOLD = Param("threshold", 0.5, "Threshold", "A point is predicted as class 1 when p ≥ threshold",
                  "float", 0.001, 0.999)


def speed_of(position: int) -> float | None:
    """Epochs per second at a slider position; None is as fast as possible."""
    return None if position >= len(SPEEDS) else float(SPEEDS[position])


def position_of(speed: float | None) -> int:
    """The slider position nearest to ``speed`` (on a log scale)."""
    if speed is None:
        return len(SPEEDS)
    return int(np.argmin(np.abs(np.log(SPEEDS) - math.log(max(speed, 1.0)))))


def _combo(items, tip: str) -> QComboBox:
    box = QComboBox()
    for key, label in items:
        box.addItem(label, key)
    box.setToolTip(tip)
    return box


class SidePanel(QScrollArea):
    def __init__(self, controller, actions: dict, theme=DEFAULT, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.setWidgetResizable(True)
        self.setMinimumWidth(340)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(Section("Data", self._data_section(actions, theme)))
        layout.addWidget(Section("Model", self._model_section()))
        layout.addWidget(Section("Optimizer", self._optimizer_section()))
        layout.addWidget(Section("Playback", self._playback_section(actions)))
        layout.addWidget(Section("View", self._view_section()))
        layout.addStretch(1)
        self.setWidget(body)
        controller.configChanged.connect(self.show_config)
        controller.clickClassChanged.connect(self._show_click_class)
        controller.dataReplaced.connect(lambda data, _refit: self._show_counts(data))
        self.show_config(controller.config)
        self._show_counts(controller.data)

    # -- data -----------------------------------------------------------------------------------
    def _data_section(self, actions, theme) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        v.setContentsMargins(6, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Click adds:"))
        self.class_group = QButtonGroup(self)
        for c in (0, 1):
            button = QRadioButton(f"class {c} ({theme.class_names[c]})")
            button.setStyleSheet(f"QRadioButton {{ color: {theme.class_colors[c]}; font-weight: bold; }}")
            button.setToolTip(f"Left click on the data plane adds a class-{c} point (key {c}); "
                              "right click or Shift+click adds the other class")
            self.class_group.addButton(button, c)
            row.addWidget(button)
        self.class_group.button(0).setChecked(True)
        self.class_group.idClicked.connect(self.controller.set_click_class)
        v.addLayout(row)
        self.counts = QLabel()
        v.addWidget(self.counts)
        buttons = QHBoxLayout()
        for key in ("open", "save", "clear"):
            b = QPushButton(actions[key].text().replace("&", "").rstrip("…"))
            b.setToolTip(actions[key].toolTip())
            b.clicked.connect(actions[key].trigger)
            buttons.addWidget(b)
        v.addLayout(buttons)
        form = QFormLayout()
        self.generator = _combo([(name, g.label) for name, g in GENERATORS.items()],
                                "The kind of data Generate makes")
        form.addRow("Generator", self.generator)
        v.addLayout(form)
        self.generator_form = ParamForm()
        v.addWidget(self.generator_form)
        self.generate_button = QPushButton("Generate")
        self.generate_button.setToolTip("Replace the data with freshly generated points (undoable)")
        self.generate_button.clicked.connect(self._generate)
        v.addWidget(self.generate_button)
        self.generator.currentIndexChanged.connect(self._show_generator)
        self._show_generator()
        return w

    def _show_generator(self) -> None:
        self.generator_form.set_params(GENERATORS.get(self.generator.currentData()).params)

    def _generate(self) -> None:
        self.controller.generate(self.generator.currentData(), self.generator_form.values())

    def _show_counts(self, data) -> None:
        n0, n1 = data.class_counts()
        self.counts.setText(f"{data.n} points: {n0} of class 0, {n1} of class 1")

    def _show_click_class(self, label: int) -> None:
        self.class_group.button(label).setChecked(True)

    # -- model ------------------------------------------------------------------------------------
    def _model_section(self) -> QWidget:
        w = QWidget()
        form = QFormLayout(w)
        form.setContentsMargins(6, 0, 0, 0)
        self.loss = _combo([(k, v.label) for k, v in LOSSES.items()], "The cost the optimizer minimises")
        self.penalty = _combo([(k, v.label) for k, v in PENALTIES.items()], "Regularisation of the weights w")
        self.lam = NumberEdit(LAMBDA, 1.0)
        self.class_weight = _combo([(k, k) for k in CLASS_WEIGHTS],
                                   "'balanced' weighs each point by n / (2 n_class): both classes count alike")
        self.resample = _combo([(k, {"none": "none", "under": "undersample", "over": "oversample"}[k])
                                for k in RESAMPLING], "Random resampling of the training points (seeded)")
        self.standardize = checkbox("Standardise features", "Train on z-scored features; θ is still "
                                    "drawn and reported in original units")
        self.degree = QSpinBox()
        self.degree.setRange(1, 6)
        self.degree.setToolTip("Polynomial features of the two inputs up to this degree; the boundary "
                               "becomes a curve")
        self.degree.setKeyboardTracking(False)
        self.test_fraction = NumberEdit(TEST_FRACTION, 0.0)
        for label, widget in (("Loss", self.loss), ("Penalty", self.penalty), ("λ", self.lam),
                              ("Class weights", self.class_weight), ("Resampling", self.resample),
                              ("", self.standardize), ("Polynomial degree", self.degree),
                              ("Test fraction", self.test_fraction)):
            form.addRow(label, widget)
        c = self.controller
        self.loss.activated.connect(lambda _: c.set_config(loss=self.loss.currentData()))
        self.penalty.activated.connect(lambda _: c.set_config(penalty=self.penalty.currentData()))
        self.lam.committed.connect(lambda v: c.set_config(lam=v))
        self.class_weight.activated.connect(lambda _: c.set_config(class_weight=self.class_weight.currentData()))
        self.resample.activated.connect(lambda _: c.set_config(resample=self.resample.currentData()))
        self.standardize.clicked.connect(lambda on: c.set_config(standardize=bool(on)))
        self.degree.valueChanged.connect(lambda d: c.set_config(degree=int(d)) if d != c.config.degree else None)
        self.test_fraction.committed.connect(lambda v: c.set_config(test_fraction=v))
        return w

    # -- optimizer --------------------------------------------------------------------------------
    def _optimizer_section(self) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        v.setContentsMargins(6, 0, 0, 0)
        self.optimizer = _combo([(k, cls.label) for k, cls in OPTIMIZERS.items()],
                                "The optimizer; changing it restarts the run from its start point")
        self.optimizer.activated.connect(lambda _: self.controller.set_config(optimizer=self.optimizer.currentData()))
        v.addWidget(self.optimizer)
        self.hyper_form = ParamForm()
        self.hyper_form.changed.connect(self.controller.set_hyper)
        v.addWidget(self.hyper_form)
        self.no_hyper = QLabel("This method has no learning rate or other settings: every epoch is one "
                               "of its iterations.")
        self.no_hyper.setWordWrap(True)
        v.addWidget(self.no_hyper)
        return w

    # -- playback ---------------------------------------------------------------------------------
    def _playback_section(self, actions) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        v.setContentsMargins(6, 0, 0, 0)
        grid = QGridLayout()
        self.buttons = {}
        for i, key in enumerate(("play", "step", "step_back", "reset")):
            b = QPushButton(actions[key].text().replace("&", ""))
            b.setToolTip(actions[key].toolTip())
            b.clicked.connect(actions[key].trigger)
            self.buttons[key] = b
            grid.addWidget(b, i // 2, i % 2)
        v.addLayout(grid)
        speed_row = QHBoxLayout()
        speed_row.addWidget(QLabel("Speed"))
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(SPEEDS))
        self.speed.setToolTip("Epochs per second, from 1 to as fast as possible (rightmost)")
        self.speed_label = QLabel()
        self.speed_label.setMinimumWidth(90)
        speed_row.addWidget(self.speed, 1)
        speed_row.addWidget(self.speed_label)
        v.addLayout(speed_row)
        self.speed.valueChanged.connect(self._speed_moved)
        self.show_speed(self.controller.speed)
        self.controller.speedChanged.connect(self.show_speed)
        form = QFormLayout()
        self.max_epochs = QSpinBox()
        self.max_epochs.setRange(1, 10_000_000)
        self.max_epochs.setKeyboardTracking(False)
        self.max_epochs.setToolTip("Training stops after this many epochs")
        self.stop_at_convergence = checkbox("Stop at convergence", "Stop when ‖∇J‖ falls to the tolerance", True)
        self.tol = NumberEdit(TOL, 1e-6)
        form.addRow("Max epochs", self.max_epochs)
        form.addRow("", self.stop_at_convergence)
        form.addRow("Tolerance", self.tol)
        v.addLayout(form)
        self.max_epochs.valueChanged.connect(lambda _: self._limits())
        self.stop_at_convergence.clicked.connect(lambda _: self._limits())
        self.tol.committed.connect(lambda _: self._limits())
        return w

    def _speed_moved(self, position: int) -> None:
        speed = speed_of(position)
        self.speed_label.setText("max" if speed is None else f"{speed:g} epochs/s")
        if speed != self.controller.speed:
            self.controller.set_speed(speed)

    def show_speed(self, speed: float | None) -> None:
        self.speed.blockSignals(True)
        self.speed.setValue(position_of(speed))
        self.speed.blockSignals(False)
        self.speed_label.setText("max" if speed is None else f"{speed:g} epochs/s")

    def _limits(self) -> None:
        tol = self.tol.value() if self.stop_at_convergence.isChecked() else 0.0
        self.tol.setEnabled(self.stop_at_convergence.isChecked())
        self.controller.set_limits(self.max_epochs.value(), tol)

    def show_playing(self, playing: bool) -> None:
        self.buttons["play"].setText("Pause" if playing else "Play")

    # -- view -------------------------------------------------------------------------------------
    def _view_section(self) -> QWidget:
        w = QWidget()
        form = QFormLayout(w)
        form.setContentsMargins(6, 0, 0, 0)
        o = self.controller.options
        self.shading = checkbox("Probability shading", "Shade the plane by σ(θᵀx)", o.shading)
        self.contours = checkbox("p = 0.25 / 0.75 contours", "Dashed lines where p is 0.25 and 0.75", o.contours)
        self.misclassified = checkbox("Mark misclassified points", "Ring the points on the wrong side of "
                                      "the threshold", o.misclassified)
        self.log_loss = checkbox("Log-scale loss", "Show the loss curve on a logarithmic axis", o.log_loss)
        self.threshold = NumberEdit(THRESHOLD, o.threshold)
        for widget in (self.shading, self.contours, self.misclassified, self.log_loss):
            form.addRow("", widget)
        form.addRow("Threshold", self.threshold)
        c = self.controller
        self.shading.toggled.connect(lambda on: c.set_options(shading=on))
        self.contours.toggled.connect(lambda on: c.set_options(contours=on))
        self.misclassified.toggled.connect(lambda on: c.set_options(misclassified=on))
        self.log_loss.toggled.connect(lambda on: c.set_options(log_loss=on))
        self.threshold.committed.connect(lambda t: c.set_options(threshold=t))
        c.optionsChanged.connect(lambda opts: self.threshold.set_value(opts.threshold))
        return w

    # -- showing the configuration -------------------------------------------------------------------
    def show_config(self, config) -> None:
        widgets = (self.loss, self.penalty, self.class_weight, self.resample, self.optimizer,
                   self.standardize, self.degree, self.max_epochs)
        for wdg in widgets:
            wdg.blockSignals(True)
        self.loss.setCurrentIndex(self.loss.findData(config.loss))
        self.penalty.setCurrentIndex(self.penalty.findData(config.penalty))
        self.lam.set_value(config.lam)
        self.lam.setEnabled(config.penalty != "none")
        self.class_weight.setCurrentIndex(self.class_weight.findData(config.class_weight))
        self.resample.setCurrentIndex(self.resample.findData(config.resample))
        self.standardize.setChecked(config.standardize)
        self.degree.setValue(config.degree)
        self.test_fraction.set_value(config.test_fraction)
        self.max_epochs.setValue(config.max_epochs)
        if config.tol > 0:
            self.tol.set_value(config.tol)
        self.optimizer.setCurrentIndex(self.optimizer.findData(config.optimizer))
        if getattr(self, "_form_for", None) != config.optimizer:
            self._form_for = config.optimizer
            params = OPTIMIZERS.get(config.optimizer).params
            self.hyper_form.set_params(params, config.hyper)
            self.no_hyper.setVisible(not params)
        else:
            self.hyper_form.set_values(config.hyper)
        for wdg in widgets:
            wdg.blockSignals(False)
