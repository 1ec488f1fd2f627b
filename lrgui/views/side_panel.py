"""The side panel: playback always in sight, then tabs for the data, the selected run's model and
optimizer, and the view options.

It only shows the session (the selected run's settings, the view options) and forwards what the
user changes to the controller; it redraws itself from the session's change events. Lists of
generators, losses, penalties and optimizers, and every optimizer's hyperparameters, come from
the core's registries.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontInfo
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
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..core.dataset import MAX_CLASSES
from ..core.generators import GENERATORS
from ..core.objective import LOSSES, PENALTIES
from ..core.optimizers import OPTIMIZERS
from ..core.params import Param
from ..core.resampling import CLASS_WEIGHTS, RESAMPLING
from .controls import ElidedLabel, NumberEdit, ParamForm, checkbox, mind_manners
from .theme import DEFAULT, Theme

# Slider positions: these epochs per second, then (rightmost) as fast as possible.
SPEEDS = (1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000)
LAMBDA = Param("lam", 1.0, "λ", "Penalty strength λ = 1/C (the bias is never penalised)", "float", 0.0, 1e9)
TEST_FRACTION = Param("test_fraction", 0.0, "Test fraction",
                      "Fraction of the points held out as a stratified test set", "float", 0.0, 0.9)
TOL = Param("tol", 1e-6, "Tolerance", "Training stops when ‖∇J‖ falls to this", "float", 0.0, 1e3)
THRESHOLD = Param("threshold", 0.5, "Threshold", "A point is predicted as class 1 when p ≥ threshold",
                  "float", 0.001, 0.999)
STARTS = (("zero", "θ₀ = 0"), ("random", "random θ₀ (seeded)"))


def speed_of(position: int) -> float | None:
    """Epochs per second at a slider position; None is as fast as possible."""
    return None if position >= len(SPEEDS) else float(SPEEDS[position])


def position_of(speed: float | None) -> int:
    """The slider position nearest to ``speed`` (on a log scale)."""
    if speed is None:
        return len(SPEEDS)
    return int(np.argmin(np.abs(np.log(SPEEDS) - math.log(max(speed, 1.0)))))


def _speed_text(speed: float | None) -> str:
    return "max" if speed is None else f"{speed:g} epoch/s" if speed == 1 else f"{speed:g} epochs/s"


def _combo(items, tip: str) -> QComboBox:
    box = QComboBox()
    for key, label in items:
        box.addItem(label, key)
    box.setToolTip(tip)
    # a long entry is elided in the closed box (the open list shows it whole): the panel stays narrow
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(14)
    return box


def _page(layout_owner: QWidget) -> QScrollArea:
    """A tab page that scrolls vertically and is wide enough for its fields beside the scroll bar."""
    area = QScrollArea()
    area.setWidget(layout_owner)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


class SidePanel(QWidget):
    def __init__(self, controller, actions: dict, theme=DEFAULT, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.actions = actions
        self._form_for = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self._run_bar(actions))
        layout.addWidget(self._playback(actions))
        self.tabs = QTabWidget()
        self.tabs.setToolTip("")
        self.pages = {}
        for title, page in (("Data", self._data_section(actions, theme)), ("Model", self._model_section()),
                            ("Optimizer", self._optimizer_section(actions)), ("View", self._view_section())):
            self.pages[title] = _page(page)
            self.tabs.addTab(self.pages[title], title)
        layout.addWidget(self.tabs, 1)
        mind_manners(self)
        self.apply_theme(theme)
        controller.sessionChanged.connect(self._on_change)
        controller.clickClassChanged.connect(self._show_click_class)
        controller.speedChanged.connect(self.show_speed)
        self.show_session()

    def _fit_width(self) -> None:
        """Wide enough that no field hides under a page's scroll bar."""
        widest = max(area.widget().minimumSizeHint().width() for area in self.pages.values())
        bar = max(area.verticalScrollBar().sizeHint().width() for area in self.pages.values())
        self.setMinimumWidth(widest + bar + 24)

    # -- the selected run and playback -----------------------------------------------------------
    def _run_bar(self, actions) -> QWidget:
        w = QWidget()
        row = QHBoxLayout(w)
        row.setContentsMargins(0, 0, 0, 0)
        self.run_name = ElidedLabel()
        self.run_name.setToolTip("The selected run: the Model and Optimizer tabs edit it "
                                 "(choose another in the Runs table)")
        row.addWidget(self.run_name, 1)
        self.add_run_button = QPushButton("Add run")
        self.add_run_button.setToolTip(actions["add_run"].toolTip())
        self.add_run_button.clicked.connect(actions["add_run"].trigger)
        row.addWidget(self.add_run_button)
        return w

    def _playback(self, actions) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        v.setContentsMargins(0, 0, 0, 0)
        grid = QGridLayout()
        self.buttons = {}
        for i, key in enumerate(("play", "step", "step_back", "reset")):
            b = QPushButton(actions[key].text().replace("&", ""))
            b.setToolTip(actions[key].toolTip())
            b.clicked.connect(actions[key].trigger)
            self.buttons[key] = b
            grid.addWidget(b, 0, i)
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
        return w

    def _speed_moved(self, position: int) -> None:
        speed = speed_of(position)
        self.speed_label.setText(_speed_text(speed))
        if speed != self.controller.speed:
            self.controller.set_speed(speed)

    def show_speed(self, speed: float | None) -> None:
        self.speed.blockSignals(True)
        self.speed.setValue(position_of(speed))
        self.speed.blockSignals(False)
        self.speed_label.setText(_speed_text(speed))

    def show_playing(self, playing: bool) -> None:
        self.buttons["play"].setText("Pause" if playing else "Play")

    # -- data -----------------------------------------------------------------------------------
    def _data_section(self, actions, theme) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        row = QHBoxLayout()
        row.addWidget(QLabel("Click adds:"), 0, Qt.AlignmentFlag.AlignTop)
        choices = QVBoxLayout()
        row.addLayout(choices, 1)
        self.class_group = QButtonGroup(self)
        for c in range(MAX_CLASSES):
            button = QRadioButton(f"class {c} ({theme.class_names[c]})")
            button.setToolTip(f"Left click on the data plane adds a class-{c} point (key {c}); "
                              "right click or Shift+click adds the other class (the next one with more classes)")
            button.setVisible(c < 2)
            self.class_group.addButton(button, c)
            choices.addWidget(button)
        self.class_group.button(0).setChecked(True)
        # a refused class (named data have no more) leaves the button of the class in force checked
        self.class_group.idClicked.connect(lambda k: self.controller.set_click_class(k)
                                           or self._show_click_class(self.controller.click_class))
        v.addLayout(row)
        self.counts = QLabel()
        self.counts.setWordWrap(True)
        v.addWidget(self.counts)
        self.plane_box = QWidget()
        plane = QFormLayout(self.plane_box)
        plane.setContentsMargins(0, 0, 0, 0)
        self.plane_axes = []
        for axis, tip in (("Plane x", "The feature on the data plane's horizontal axis"),
                          ("Plane y", "The feature on the data plane's vertical axis")):
            box = _combo([], f"{tip}; the features not on the plane are held at their means there")
            box.activated.connect(lambda _index, axis=len(self.plane_axes): self._plane_chosen(axis))
            self.plane_axes.append(box)
            plane.addRow(axis, box)
        v.addWidget(self.plane_box)
        buttons = QHBoxLayout()
        for key, text in (("open", "Open…"), ("export", "Export CSV…"), ("clear", "Clear")):
            b = QPushButton(text)
            b.setToolTip(actions[key].toolTip())
            b.clicked.connect(actions[key].trigger)
            buttons.addWidget(b)
        v.addLayout(buttons)
        self.origin = QLabel()                   # where the data shown came from
        self.origin.setWordWrap(True)
        v.addWidget(self.origin)
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
        v.addStretch(1)
        self.generator.currentIndexChanged.connect(self._show_generator)
        self._show_generator()
        return w

    def _show_generator(self) -> None:
        self.generator_form.set_params(GENERATORS.get(self.generator.currentData()).params)

    def _generate(self) -> None:
        self.controller.generate(self.generator.currentData(), self.generator_form.values())

    def _show_counts(self, data) -> None:
        """A button per class (numbered data offer one class more, for a click to add), named by
        the class's label text when the data have one of their own, and the count of each."""
        names = data.class_names()
        offered = data.click_classes
        for c in range(MAX_CLASSES):
            button = self.class_group.button(c)
            if c >= data.classes:
                text = f"class {c}, a new one ({self.theme.class_names[c]})"
            elif data.numbered:
                text = f"class {c} ({self.theme.class_names[c]})"
            else:
                name = names[c] if len(names[c]) <= 20 else names[c][:19] + "…"
                text = f"class {c}: {name} ({self.theme.class_names[c]})"
            if button.text() != text:
                button.setText(text)
            shown = c < offered or (button.isChecked() and data.numbered)
            if button.isVisibleTo(self) != shown:
                button.setVisible(shown)
        self._model_form.setRowVisible(self.multiclass, data.classes > 2)
        two = data.classes == 2             # p-contours and a threshold belong to one probability
        if self.contours.isEnabled() != two:
            why = "" if two else ("\nWith more than two classes each point goes to the class of the highest "
                                  "score: no threshold applies")
            self.contours.setEnabled(two)
            self.contours.setToolTip(self.contours.toolTip().split("\n")[0] + why)
            self.threshold.set_help(THRESHOLD.help + why)
            self.threshold.setEnabled(two)
        counts = data.class_counts()
        if data.classes == 2:
            text = f"{data.n:,} points: {counts[0]:,} of class 0, {counts[1]:,} of class 1"
        else:
            text = f"{data.n:,} points in {data.classes} classes: " + ", ".join(f"{k:,}" for k in counts)
        self.counts.setText(text + (f" · {data.d} features" if data.d > 2 else ""))

    def _show_plane(self, data, view) -> None:
        """The plane's two features, offered when the data have more than two."""
        self.plane_box.setVisible(data.d > 2)
        if data.d <= 2:
            return
        axes = view.plane_for(data.d)
        for box, column in zip(self.plane_axes, axes):
            if [box.itemText(k) for k in range(box.count())] != list(data.feature_names):
                box.clear()
                box.addItems(list(data.feature_names))
            box.setCurrentIndex(column)

    def _plane_chosen(self, axis: int) -> None:
        """A feature chosen for one axis; choosing the other axis's feature swaps the two."""
        view, d = self.controller.session.view, self.controller.session.data.d
        axes = list(view.plane_for(d))
        chosen = self.plane_axes[axis].currentIndex()
        if chosen == axes[1 - axis]:
            axes[1 - axis] = axes[axis]
        axes[axis] = chosen
        self.controller.set_plane_axes(tuple(axes))

    def _show_click_class(self, label: int) -> None:
        button = self.class_group.button(label)
        button.setVisible(True)
        button.setChecked(True)

    # -- model ------------------------------------------------------------------------------------
    def _model_section(self) -> QWidget:
        w = QWidget()
        form = QFormLayout(w)
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
        self.start = _combo(STARTS, "Where the run starts: θ = 0, a seeded random θ, or (after dragging the "
                                    "handle in the loss landscape) a point of your choice")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setKeyboardTracking(False)
        self.seed.setToolTip("Seed of every random choice of the run (test split, resampling, mini-batches, "
                             "random θ₀): the same seed trains the same way")
        self.multiclass = _combo([("ovr", "one model per class (one-vs-rest)"),
                                  ("multinomial", "one softmax model (multinomial)")],
                                 "With more than two classes: K two-class models, each separating its class "
                                 "from the rest, or one softmax model of K scores")
        self._model_form = form
        form.addRow("Classes", self.multiclass)
        for label, widget in (("Loss", self.loss), ("Penalty", self.penalty), ("λ", self.lam),
                              ("Class weights", self.class_weight), ("Resampling", self.resample),
                              ("", self.standardize), ("Polynomial degree", self.degree),
                              ("Test fraction", self.test_fraction), ("Start", self.start), ("Seed", self.seed)):
            form.addRow(label, widget)
        c = self.controller
        self.multiclass.activated.connect(lambda _: c.set_run_config(multiclass=self.multiclass.currentData()))
        self.loss.activated.connect(lambda _: c.set_run_config(loss=self.loss.currentData()))
        self.penalty.activated.connect(lambda _: c.set_run_config(penalty=self.penalty.currentData()))
        self.lam.committed.connect(lambda v: c.set_run_config(lam=v))
        self.class_weight.activated.connect(lambda _: c.set_run_config(class_weight=self.class_weight.currentData()))
        self.resample.activated.connect(lambda _: c.set_run_config(resample=self.resample.currentData()))
        self.standardize.clicked.connect(lambda on: c.set_run_config(standardize=bool(on)))
        self.degree.valueChanged.connect(lambda d: c.set_run_config(degree=int(d)))
        self.test_fraction.committed.connect(lambda v: c.set_run_config(test_fraction=v))
        self.start.activated.connect(self._start_chosen)
        self.seed.valueChanged.connect(lambda s: c.set_run_config(seed=int(s)))
        return w

    def _start_chosen(self, _index: int) -> None:
        key = self.start.currentData()
        if key in ("zero", "random"):
            self.controller.set_run_config(init=key)

    # -- optimizer --------------------------------------------------------------------------------
    def _optimizer_section(self, actions) -> QWidget:
        w = QWidget()
        v = QVBoxLayout(w)
        self.optimizer = _combo([(k, cls.label) for k, cls in OPTIMIZERS.items()],
                                "The optimizer of the selected run (keys O / Shift+O); a new one starts the "
                                "run again from its start point")
        self.optimizer.activated.connect(
            lambda _: self.controller.set_run_config(optimizer=self.optimizer.currentData()))
        v.addWidget(self.optimizer)
        self.hyper_form = ParamForm()
        self.hyper_form.changed.connect(self.controller.set_hyper)
        v.addWidget(self.hyper_form)
        self.no_hyper = QLabel("This method has no learning rate or other settings: every epoch is one "
                               "of its iterations.")
        self.no_hyper.setWordWrap(True)
        v.addWidget(self.no_hyper)
        form = QFormLayout()
        self.max_epochs = QSpinBox()
        self.max_epochs.setRange(1, 10_000_000)
        self.max_epochs.setKeyboardTracking(False)
        self.max_epochs.setToolTip("The run stops after this many epochs")
        self.stop_at_convergence = checkbox("Stop at convergence", "Stop when ‖∇J‖ falls to the tolerance", True)
        self.tol = NumberEdit(TOL, 1e-6)
        form.addRow("Max epochs", self.max_epochs)
        form.addRow("", self.stop_at_convergence)
        form.addRow("Tolerance", self.tol)
        v.addLayout(form)
        c = self.controller
        self.max_epochs.valueChanged.connect(lambda n: c.set_run_config(max_epochs=int(n)))
        self.stop_at_convergence.clicked.connect(lambda _: self._tolerance())
        self.tol.committed.connect(lambda _: self._tolerance())
        races = QHBoxLayout()
        for key in ("compare_optimizers", "compare_rates"):
            b = QPushButton(actions[key].text().replace("&", ""))
            b.setToolTip(actions[key].toolTip())
            b.clicked.connect(actions[key].trigger)
            races.addWidget(b)
        v.addLayout(races)
        v.addStretch(1)
        return w

    def _tolerance(self) -> None:
        on = self.stop_at_convergence.isChecked()
        self.tol.setEnabled(on)
        self.controller.set_run_config(tol=self.tol.value() if on else 0.0)

    # -- view -------------------------------------------------------------------------------------
    def _view_section(self) -> QWidget:
        w = QWidget()
        form = QFormLayout(w)
        o = self.controller.session.view
        self.shading = checkbox("Probability shading", "Shade the plane by σ(θᵀx) of the selected run", o.shading)
        self.contours = checkbox("p = 0.25 / 0.75 contours", "Dashed lines where p is 0.25 and 0.75", o.contours)
        self.misclassified = checkbox("Mark misclassified points", "Ring the points on the wrong side of "
                                      "the threshold (from the first epoch on)", o.misclassified)
        self.log_loss = checkbox("Log-scale loss", "Show the loss curves on a logarithmic axis", o.log_loss)
        self.show_lr = checkbox("Learning rate on the loss curve", "Draw the selected run's learning rate "
                                "η_t (as its schedule sets it) on an axis of its own", o.show_lr)
        self.compare_losses = checkbox("Landscape: cross-entropy beside squared error",
                                       "Show the loss landscape's slice under both costs side by side, with the "
                                       "same paths: the squared error's plateaus beside the cross-entropy bowl",
                                       o.compare_losses)
        self.gradient_terms = checkbox("Sigmoid: each point's gradient term",
                                       "Show |∂ℓ/∂z| of every point in the sigmoid view: how much it pulls on θ. "
                                       "Under squared error it carries σ′(z) and vanishes for confidently wrong points",
                                       o.gradient_terms)
        self.internals = checkbox("Landscape: optimizer internals",
                                  "Draw the selected run's next update on the landscape: −∇J, the step taken, the "
                                  "velocity, the per-coordinate step sizes, the search direction or Newton's "
                                  "quadratic model (I)", o.internals)
        self.equal_aspect = checkbox("Equal axis scales", "One unit is as long on both axes of the data plane "
                                     "(circles look round)", o.equal_aspect)
        self.threshold = NumberEdit(THRESHOLD, o.threshold)
        for widget in (self.shading, self.contours, self.misclassified, self.log_loss, self.show_lr,
                       self.compare_losses, self.gradient_terms, self.internals, self.equal_aspect):
            form.addRow("", widget)
        form.addRow("Threshold", self.threshold)
        c = self.controller
        self.shading.clicked.connect(lambda on: c.set_view(shading=bool(on)))
        self.contours.clicked.connect(lambda on: c.set_view(contours=bool(on)))
        self.misclassified.clicked.connect(lambda on: c.set_view(misclassified=bool(on)))
        self.log_loss.clicked.connect(lambda on: c.set_view(log_loss=bool(on)))
        self.show_lr.clicked.connect(lambda on: c.set_view(show_lr=bool(on)))
        self.compare_losses.clicked.connect(lambda on: c.set_view(compare_losses=bool(on)))
        self.gradient_terms.clicked.connect(lambda on: c.set_view(gradient_terms=bool(on)))
        self.internals.clicked.connect(lambda on: c.set_view(internals=bool(on)))
        self.equal_aspect.clicked.connect(lambda on: c.set_view(equal_aspect=bool(on)))
        self.threshold.committed.connect(lambda t: c.set_view(threshold=t))
        return w

    # -- showing the session ------------------------------------------------------------------------
    def _on_change(self, change) -> None:
        self.show_session()

    def apply_theme(self, theme: Theme) -> None:
        """Class and run colours from ``theme``; the width follows the (zoomed) font."""
        self.theme = theme
        px = QFontInfo(self.font()).pixelSize()         # a style sheet's font does not follow the window's
        for c in range(MAX_CLASSES):
            self.class_group.button(c).setStyleSheet(
                f"QRadioButton {{ color: {theme.class_colors[c]}; font-weight: bold; font-size: {px}px; }}")
        self._fit_width()
        if self._form_for is not None:
            self.show_session()

    def show_session(self) -> None:
        session = self.controller.session
        spec = session.selected_run
        color = self.theme.run_color(spec.color)
        self.run_name.setText(f"Run: {spec.label}")
        self.run_name.set_look(color, bold=True)
        self._show_counts(session.data)
        self._show_plane(session.data, session.view)
        self._show_origin(session.origin)
        self.show_config(spec.config)
        self.show_view(session.view)

    def _show_origin(self, origin) -> None:
        """Where the data came from; the generator (and its settings) that made them, when one
        did (otherwise the form below is only what Generate would make)."""
        edited = " (edited by hand)" if origin is not None and origin.edited else ""
        if origin is None:
            self.origin.setText("")
        elif origin.kind == "file":
            self.origin.setText(f"Data from the file {origin.title()}{edited}. Generate replaces them with:")
        else:
            self.origin.setText(f"Data generated: {origin.title()}{edited}")
        if origin is None or origin.kind != "generator" or origin.name not in GENERATORS:
            return
        if self.generator.currentData() != origin.name:
            self.generator.blockSignals(True)
            self.generator.setCurrentIndex(self.generator.findData(origin.name))
            self.generator.blockSignals(False)
            self._show_generator()
        defaults = {p.name: p.default for p in GENERATORS.get(origin.name).params}
        self.generator_form.set_values({**defaults, **dict(origin.params)})     # unnamed: the default

    def show_view(self, o) -> None:
        for box, on in ((self.shading, o.shading), (self.contours, o.contours), (self.misclassified, o.misclassified),
                        (self.log_loss, o.log_loss), (self.show_lr, o.show_lr), (self.compare_losses, o.compare_losses),
                        (self.gradient_terms, o.gradient_terms), (self.internals, o.internals),
                        (self.equal_aspect, o.equal_aspect)):
            box.setChecked(on)
        self.threshold.set_value(o.threshold)

    def show_config(self, config) -> None:
        widgets = (self.multiclass, self.loss, self.penalty, self.class_weight, self.resample, self.optimizer,
                   self.standardize, self.degree, self.max_epochs, self.start, self.seed)
        for wdg in widgets:
            wdg.blockSignals(True)
        self.multiclass.setCurrentIndex(self.multiclass.findData(config.multiclass))
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
        self.stop_at_convergence.setChecked(config.tol > 0)
        self.tol.setEnabled(config.tol > 0)
        if config.tol > 0:
            self.tol.set_value(config.tol)
        self._show_start(config.init)
        self.seed.setValue(config.seed)
        self.optimizer.setCurrentIndex(self.optimizer.findData(config.optimizer))
        if self._form_for != config.optimizer:
            self._form_for = config.optimizer
            params = OPTIMIZERS.get(config.optimizer).params
            self.hyper_form.set_params(params, config.hyper)
            self.no_hyper.setVisible(not params)
        else:
            self.hyper_form.set_values(config.hyper)
        for wdg in widgets:
            wdg.blockSignals(False)

    def _show_start(self, init) -> None:
        custom = self.start.findData("custom")
        if isinstance(init, str):
            if custom >= 0:
                self.start.removeItem(custom)
            self.start.setCurrentIndex(self.start.findData(init))
            return
        text = "θ₀ = (" + ", ".join(f"{v:.3g}" for v in init) + ")"
        if custom < 0:
            self.start.addItem(text, "custom")
            custom = self.start.count() - 1
        self.start.setItemText(custom, text)
        self.start.setCurrentIndex(custom)
