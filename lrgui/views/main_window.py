"""The explorer's main window: the data plane with its timeline in the middle, dockable views, the
runs table and the side panel around it, menus with every action and its shortcut, a status bar.

The window draws snapshots and forwards gestures to the controller; it holds no state of its own
beyond the layout and the list of recent files.
"""

from __future__ import annotations

import base64
import json
import re
from functools import partial
from pathlib import Path

import numpy as np
from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QFontInfo, QKeySequence, QPixmapCache
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QProgressDialog,
    QTabBar,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..app.autosave import orphans
from ..app.controller import Controller
from ..core.dataset import MAX_CLASSES
from ..core.diagnose import SEPARABLE_REASON
from ..core.examples import EXAMPLES, MORE_CLASS_SETS
from ..core.generators import GENERATORS
from ..core.errors import LrguiError
from ..core.numerics import norm
from ..core.session import Session
from ..core.session_file import SUFFIX
from .controls import ElidedLabel, mind_manners
from .data_plane import DataPlaneView
from .landscape_view import LandscapeView
from .loss_curve import LossCurveView
from .runs_table import RunsTable
from .side_panel import SidePanel
from .sigmoid_view import SigmoidView
from .import_dialog import ImportDialog
from .picture import save_picture
from .picture_dialog import AnimationDialog, PictureDialog
from .animation import Export
from .shortcut_overlay import ShortcutOverlay, keys_text
from .look import ZOOM_STEP, Look, type_factor, widget_look
from .presentation import Presenter
from .theme import THEMES
from .timeline import Timeline

APP_NAME = "lrgui"
RECENT_KEPT = 8
OPEN_FILTER = "Data files and sessions (*.csv *.txt *.tsv *.dat *.json);;Sessions (*.lrgui.json);;All files (*)"
FIRST_STEPS = (
    "<ol>"
    "<li><b>Space</b> trains every run; Space again pauses. <b>→</b> trains one epoch, <b>←</b> goes back one.</li>"
    "<li><b>Click</b> the plane to add a point (keys <b>0</b> / <b>1</b> choose the class; right click adds the "
    "other); drag a point to move it. Training goes on from where it is.</li>"
    "<li><b>]</b> and <b>[</b> double and halve the learning rate; <b>O</b> changes the optimizer.</li>"
    "<li><b>A</b> adds a run to race; <b>Ctrl+Shift+O</b> races four optimizers at once.</li>"
    "<li>Drag the timeline under the plane to see any epoch again, in every view.</li>"
    "<li><b>Ctrl+Shift+E</b> shows the equations with their numbers; <b>I</b> draws the optimizer's update on "
    "the landscape.</li>"
    "<li><b>Ctrl+Z</b> undoes any change; <b>Ctrl+S</b> saves the session. <b>F1</b> lists every key.</li>"
    "</ol>")


# The docks hidden at first: each one's title, and how its view is made (and wired to the window)
# when the dock is first shown or the view first asked for; a window that never shows them does not
# pay for them at start.
def _sweep_view(window) -> QWidget:
    from .sweep_view import SweepView

    return SweepView(window.controller, window.theme)


def _equations_view(window) -> QWidget:
    from .equations_view import EquationsView

    return EquationsView(window.theme)


def _code_view(window) -> QWidget:
    from .code_view import CodeView

    view = CodeView(window.controller, window.theme)
    view.saveRequested.connect(window.save_code)
    return view


def _metrics_view(window) -> QWidget:
    from .metrics_view import MetricsView

    view = MetricsView(window.theme)
    view.thresholdChanged.connect(lambda t: window.controller.set_view(threshold=t))
    return view


def _coefficients_view(window) -> QWidget:
    from .coefficients_view import CoefficientsView

    return CoefficientsView(window.theme)


LATER_DOCKS = {"sweep": ("Sweep", _sweep_view), "equations": ("Equations", _equations_view),
               "code": ("Code", _code_view), "metrics": ("Metrics", _metrics_view),
               "coefficients": ("Coefficients", _coefficients_view)}


def _fmt(v: float) -> str:
    return f"{v:.4g}"


class MainWindow(QMainWindow):
    def __init__(self, controller: Controller, settings: QSettings | None = None, owns_application: bool = True):
        super().__init__()
        self.controller = controller
        self.owns_application = owns_application
        self._closed = False
        self.settings = settings if settings is not None else QSettings()
        self.look = Look(self.settings)
        self.theme = theme = self.look.theme
        self.shortcut_overlay = None          # made when first shown
        self.export_job = None                # an animation being rendered apart (Export)
        self.setObjectName("lrgui-main")
        available = self.screen().availableGeometry()
        self.resize(min(1800, int(available.width() * 0.95)), min(1000, int(available.height() * 0.92)))
        # Room for the cached layers of every view (Qt's default 10 MB thrashes at full HD).
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), 128 * 1024))

        self.plane = DataPlaneView(theme)
        self.loss_view = LossCurveView(theme)
        self.sigmoid_view = SigmoidView(theme)
        self.landscape_view = LandscapeView(theme)
        self.runs_table = RunsTable(theme)
        self._views: dict[str, QWidget] = {}      # the views of LATER_DOCKS made so far, by dock
        self.actions = self._make_actions()
        self.timeline = Timeline(self.actions)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.plane, 1)
        column.addWidget(self.timeline)
        self.setCentralWidget(central)
        self.panel = SidePanel(controller, self.actions, theme)
        self._make_docks()
        mind_manners(self.timeline, self.landscape_view, *self.docks.values())
        self._make_menus()
        self._make_status_bar()
        self.presenter = Presenter(self)
        self.setAcceptDrops(True)
        self._connect()
        self.apply_look(views=False)
        self._default_state = self.saveState()
        self._update_title()
        self._restore_layout()
        self._show_click_class(controller.click_class)
        QTimer.singleShot(0, self.focus_home)

    # -- building --------------------------------------------------------------------------------
    def _dock(self, title: str, widget, area, key: str) -> QDockWidget:
        """A dock of ``widget`` (None: a dock of LATER_DOCKS, whose view comes when first shown)."""
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower().replace(' ', '-')}")
        if widget is not None:
            dock.setWidget(widget)
        self.addDockWidget(area, dock)
        toggle = dock.toggleViewAction()
        toggle.setShortcut(QKeySequence(key))
        toggle.setToolTip(f"Show or hide the {title.lower()} ({key})")
        toggle.triggered.connect(lambda on: on and dock.raise_())    # in front of the docks tabbed with it
        return dock

    def _view(self, name: str) -> QWidget:
        """The view of the dock ``name`` of LATER_DOCKS, made now if it is not yet."""
        view = self._views.get(name)
        if view is None:
            view = self._views[name] = LATER_DOCKS[name][1](self)
            mind_manners(view)
            view.apply_theme(self.theme)
            self.docks[name].setWidget(view)
        return view

    sweep_view = property(lambda self: self._view("sweep"))
    equations_view = property(lambda self: self._view("equations"))
    code_view = property(lambda self: self._view("code"))
    metrics_view = property(lambda self: self._view("metrics"))
    coefficients_view = property(lambda self: self._view("coefficients"))

    def _later_dock(self, name: str, area, key: str) -> QDockWidget:
        """The dock of LATER_DOCKS ``name``, empty until it is first shown."""
        dock = self._dock(LATER_DOCKS[name][0], None, area, key)
        dock.visibilityChanged.connect(lambda on: on and self._view(name))  # before anything else hears it
        return dock

    def _make_docks(self) -> None:
        area = Qt.DockWidgetArea
        self.setCorner(Qt.Corner.BottomLeftCorner, area.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, area.RightDockWidgetArea)
        self.docks = {
            "panel": self._dock("Controls", self.panel, area.LeftDockWidgetArea, "Ctrl+1"),
            "runs": self._dock("Runs", self.runs_table, area.RightDockWidgetArea, "Ctrl+2"),
            "landscape": self._dock("Loss landscape", self.landscape_view, area.RightDockWidgetArea, "Ctrl+3"),
            "loss": self._dock("Loss curve", self.loss_view, area.BottomDockWidgetArea, "Ctrl+4"),
            "sigmoid": self._dock("Sigmoid", self.sigmoid_view, area.BottomDockWidgetArea, "Ctrl+5"),
            "sweep": self._later_dock("sweep", area.RightDockWidgetArea, "Ctrl+6"),
            "equations": self._later_dock("equations", area.RightDockWidgetArea, "Ctrl+7"),
            "code": self._later_dock("code", area.RightDockWidgetArea, "Ctrl+8"),
            "metrics": self._later_dock("metrics", area.RightDockWidgetArea, "Ctrl+9"),
            "coefficients": self._later_dock("coefficients", area.RightDockWidgetArea, "Ctrl+Shift+F"),
        }
        self.splitDockWidget(self.docks["runs"], self.docks["landscape"], Qt.Orientation.Vertical)
        self.tabifyDockWidget(self.docks["landscape"], self.docks["sweep"])
        self.tabifyDockWidget(self.docks["landscape"], self.docks["equations"])
        self.tabifyDockWidget(self.docks["landscape"], self.docks["code"])
        self.tabifyDockWidget(self.docks["landscape"], self.docks["metrics"])
        self.tabifyDockWidget(self.docks["landscape"], self.docks["coefficients"])
        for key in ("sweep", "equations", "code", "metrics", "coefficients"):
            self.docks[key].hide()
        self.splitDockWidget(self.docks["loss"], self.docks["sigmoid"], Qt.Orientation.Horizontal)
        self._default_sizes()
        for dock in self.docks.values():       # tab bars come and go as docks are tabbed together
            dock.dockLocationChanged.connect(self._mind_dock_tabs)

    def _mind_dock_tabs(self, *_changed) -> None:
        """The wheel over the tabs of docks tabbed together switches them only with focus."""
        QTimer.singleShot(0, self, lambda: mind_manners(*self.findChildren(QTabBar)))   # once Qt has made them

    def _default_sizes(self) -> None:
        """The docks' sizes in the first layout, in proportion to the window's."""
        width, height = self.width(), self.height()
        self.resizeDocks([self.docks["panel"]], [self.panel.minimumWidth()], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["runs"]], [int(width * 0.36)], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["runs"], self.docks["landscape"]], [int(height * 0.25), int(height * 0.6)],
                         Qt.Orientation.Vertical)
        self.resizeDocks([self.docks["loss"]], [int(height * 0.28)], Qt.Orientation.Vertical)
        self.resizeDocks([self.docks["loss"], self.docks["sigmoid"]], [3, 2], Qt.Orientation.Horizontal)

    def _action(self, text, shortcut, tip, slot, checkable=False) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        keys = keys_text(action)
        action.setToolTip(f"{tip} ({keys})" if keys else tip)
        action.setStatusTip(tip)
        action.setCheckable(checkable)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _make_actions(self) -> dict:
        c = self.controller
        undo = c.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcuts(QKeySequence.StandardKey.Undo)
        redo = c.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        for a, tip in ((undo, "Undo the last change of data, runs, settings or view options"),
                       (redo, "Redo the change undone last")):
            keys = keys_text(a)
            a.setToolTip(f"{tip} ({keys})")
            self.addAction(a)
        a = self._action
        actions = {
            "open": a("&Open…", "Ctrl+O", "Open a data file or a session", self.open_file),
            "save": a("&Save session", "Ctrl+S", "Save the session: data, runs, views and histories",
                      lambda: self.save()),
            "save_as": a("Save session &as…", "Ctrl+Shift+S", "Save the session to a new file",
                         lambda: self.save_as()),
            "export": a("&Export data as CSV…", "Ctrl+E", "Write the points to a CSV file", self.export_data),
            "export_history": a("Export run &history as CSV…", "Ctrl+Shift+H",
                                "Write the selected run's history (epoch, θ in the data's units, loss, accuracy, "
                                "‖∇J‖, learning rate) to a CSV file", self.export_history),
            "export_theta": a("Export &θ as JSON…", "Ctrl+Shift+T",
                              "Write the selected run's θ at the epoch shown, in the data's units, to a JSON file",
                              self.export_theta),
            "export_picture": a("Export &picture…", "Ctrl+Shift+P",
                                "Save the whole window or one view as PNG or SVG at a chosen size (for slides)",
                                self.export_picture),
            "export_animation": a("Export a&nimation…", "Ctrl+Shift+M",
                                  "Save the run as a GIF or MP4, one frame per epoch, of the whole window or one "
                                  "view (drawn apart: the window stays usable)", self.export_animation),
            "histories": a("Include &histories when saving", "Ctrl+Alt+H",
                           "Save what every run recorded, so that the session reopens at the same epoch",
                           lambda on: self.settings.setValue("session/histories", bool(on)), checkable=True),
            "quit": a("&Quit", "Ctrl+Q", "Close the window (asks before unsaved changes are lost)", self.close),
            "undo": undo,
            "redo": redo,
            "clear": a("&Clear all points", "Ctrl+Shift+Delete", "Remove every point (undoable)", c.clear),
            "delete": a("&Delete point", "Delete", "Remove the point under the mouse pointer", self._delete_point),
            **{f"class{k}": a(f"Click adds class &{k}", str(k),
                              f"Left clicks add class-{k} points" + (" (a class past the last one is added to numbered "
                                                                     "data)" if k > 1 else ""),
                              partial(c.set_click_class, k)) for k in range(MAX_CLASSES)},
            "play": a("&Play", "Space", "Play or pause training of every run", c.toggle_play),
            "step": a("&Step", "Right", "Train every run one epoch", c.step),
            "step_back": a("Step &back", "Left", "Show the epoch before", c.step_back),
            "reset": a("&Reset", "R", "Every run back to its start point θ₀", c.reset),
            "first": a("&First epoch", "Home", "Show epoch 0 on the timeline", lambda: c.seek(0)),
            "last": a("&Last epoch", "End", "Show the last recorded epoch", lambda: c.seek(10**12)),
            "page_back": a("Page b&ack", "PgUp", "Move back a tenth of the timeline", lambda: c.seek_by(-c.page())),
            "page_forward": a("Page &forward", "PgDown", "Move forward a tenth of the timeline",
                              lambda: c.seek_by(c.page())),
            "add_run": a("&Add run", "A", "Add a run to the race: a copy of the selected run, in the next "
                                          "colour, that may then differ in anything", lambda: c.add_run()),
            "remove_run": a("Re&move run", "Ctrl+Delete", "Remove the selected run (undoable)",
                            lambda: c.remove_run(c.session.selected)),
            "next_run": a("Select ne&xt run", "N", "Edit the next run in the side panel", lambda: self._select_by(1)),
            "previous_run": a("Select pre&vious run", "Shift+N", "Edit the previous run in the side panel",
                              lambda: self._select_by(-1)),
            "mute_run": a("&Hide or show run", "H", "Hide the selected run in the views, or show it again",
                          lambda: c.set_muted(c.session.selected, not c.session.selected_run.muted)),
            "compare_optimizers": a("Compare &optimizers", "Ctrl+Shift+O",
                                    "Race gd, momentum, adam and lbfgs at their defaults on the selected run's model",
                                    c.compare_optimizers),
            "squared_demo": a("&Why not squared error?", "Ctrl+Shift+J",
                              "Race gradient descent on cross-entropy and on squared error from a start where every "
                              "point is confidently wrong: squared error stalls on a plateau", self.squared_error_demo),
            "sweep": a("Learning-rate s&weep…", "Ctrl+Shift+W", "Sweep the selected run's learning rate (and one "
                       "more setting) in the background on every core; click a result to race it",
                       self.show_sweep),
            "compare_remedies": a("Compare imbalance re&medies", "Ctrl+Shift+B",
                                  "Race the selected run's model with no remedy, balanced class weights, "
                                  "undersampling and oversampling; the metrics dock shows each one's recall",
                                  self.compare_remedies),
            "compare_multiclass": a("Compare one-vs-rest and m&ultinomial", "Ctrl+Shift+K",
                                    "Race the selected run's model as one two-class model per class against the "
                                    "rest beside one softmax model (data of three or more classes)",
                                    c.compare_multiclass),
            "compare_rates": a("Compare learning &rates", "Ctrl+Shift+L",
                               "Race the selected run's optimizer at η/10, η and 10η", c.compare_learning_rates),
            "lr_up": a("Double the learning rate", "]", "η × 2 for the selected run", lambda: c.scale_learning_rate(2.0)),
            "lr_down": a("Halve the learning rate", "[", "η ÷ 2 for the selected run",
                         lambda: c.scale_learning_rate(0.5)),
            "next_optimizer": a("Next optimi&zer", "O", "The next optimizer for the selected run",
                                lambda: c.cycle_optimizer(1)),
            "previous_optimizer": a("Previous optimizer", "Shift+O", "The previous optimizer for the selected run",
                                    lambda: c.cycle_optimizer(-1)),
            "show_code": a("Show the c&ode", "Ctrl+Shift+C", "A plain numpy script that reproduces the selected "
                           "run: the data, the features, the cost and the update rule written out",
                           self.show_code),
            "internals": a("Optimizer &internals", "I", "Draw the selected run's next update on the landscape: "
                           "−∇J, the step, the velocity, the step sizes, the search direction or Newton's model",
                           lambda on: c.set_view(internals=bool(on)), checkable=True),
            "equations": a("Live &equations", "Ctrl+Shift+E", "Show the selected run's model, cost, gradient and "
                           "update with the numbers of the epoch shown (click a point for its share)",
                           self.show_equations),
            "equal_aspect": a("&Equal axis scales", "E", "One unit as long on both axes of the data plane",
                              lambda on: c.set_view(equal_aspect=bool(on)), checkable=True),
            "shading": a("Probability &shading", "S", "Shade the plane by p = σ(θᵀx) of the selected run",
                         lambda on: c.set_view(shading=bool(on)), checkable=True),
            "contours": a("p = 0.25 / 0.75 &contours", "C", "Dashed lines where p is 0.25 and 0.75",
                          lambda on: c.set_view(contours=bool(on)), checkable=True),
            "misclassified": a("&Mark misclassified points", "M", "Ring the points on the wrong side of the "
                               "threshold", lambda on: c.set_view(misclassified=bool(on)), checkable=True),
            "log_loss": a("&Log-scale loss", "L", "The loss curves on a logarithmic axis",
                          lambda on: c.set_view(log_loss=bool(on)), checkable=True),
            "new_data": a("&New data", "G", "Draw new points from the same generator (the next seed)",
                          c.new_data),
            "frame": a("&Fit every view", "F", "Frame all the points, the whole loss curve and the whole "
                                             "landscape (after zooming with the wheel)", self.frame_views),
            "fullscreen": a("F&ull screen", "F11", "Full screen on or off", self.toggle_full_screen, checkable=True),
            "presentation": a("&Presentation", "F5", "Full screen with large type, the plane beside the other "
                              "views and a slim bar of lecture controls (Esc leaves)", self.toggle_presentation,
                              checkable=True),
            "leave_presentation": a("Leave presentation", "Esc", "Back to the window as it was",
                                    self.leave_presentation),
            "zoom_in": a("&Zoom in", [QKeySequence("Ctrl+="), QKeySequence("Ctrl++")],
                         "Larger type, points and lines (remembered; presentation has its own zoom)",
                         lambda: self.zoom_by(ZOOM_STEP)),
            "zoom_out": a("Zoom &out", "Ctrl+-", "Smaller type, points and lines", lambda: self.zoom_by(1 / ZOOM_STEP)),
            "zoom_reset": a("&Actual size", "Ctrl+0", "The usual size (in presentation: the presentation size)",
                            self.zoom_reset),
            "next_theme": a("Next &theme", "T", "Light, dark or projector (high contrast); remembered",
                            self.next_theme),
            "restore": a("Restore &layout", "Ctrl+Alt+L", "Put every view back in its place",
                         self.restore_default_layout),
            "shortcuts": a("&Keyboard shortcuts", [QKeySequence("F1"), QKeySequence("?")],
                           "Every action and its key, over the window (Esc closes)", self.show_shortcuts),
            "first_steps": a("&First steps", "Shift+F1", "What to do first: a short tour", self.show_first_steps),
            "about": a("&About lrgui", "Ctrl+F1", "The program's version and what it is for", self.show_about),
        }
        actions["histories"].setChecked(self.settings.value("session/histories", True, type=bool))
        return actions

    def _make_menus(self) -> None:
        a = self.actions
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addAction(a["open"])
        self.recent_menu = file_menu.addMenu("Open &recent")
        self.recent_menu.setToolTipsVisible(True)
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        self.examples_menu = file_menu.addMenu("E&xamples")
        self.examples_menu.setToolTipsVisible(True)
        for name, example in EXAMPLES.items():
            action = self.examples_menu.addAction(example.title)
            action.setToolTip(example.description)
            action.setObjectName(f"example-{name}")
            action.triggered.connect(lambda _checked=False, name=name: self.open_example(name))
        for key in ("save", "save_as", None, "export", "export_history", "export_theta", "export_picture", "export_animation", None,
                    "histories", None, "quit"):
            file_menu.addSeparator() if key is None else file_menu.addAction(a[key])
        for title, keys in (("&Edit", ("undo", "redo", None, "delete", "clear", "new_data", None, "click_class")),
                            ("&Run", ("play", "step", "step_back", "reset", None, "first", "page_back",
                                      "page_forward", "last", None, "add_run", "remove_run", "mute_run",
                                      "next_run", "previous_run", "compare_optimizers", "compare_rates", "compare_remedies", "compare_multiclass", "sweep", "squared_demo", None,
                                      "lr_up", "lr_down", "next_optimizer", "previous_optimizer"))):
            menu = bar.addMenu(title)
            menu.setToolTipsVisible(True)
            for key in keys:
                if key == "click_class":
                    classes = menu.addMenu("Click adds &class")
                    classes.setToolTipsVisible(True)
                    group = QActionGroup(self)            # the class in force is checked
                    for k in range(MAX_CLASSES):
                        a[f"class{k}"].setCheckable(True)
                        group.addAction(a[f"class{k}"])
                        classes.addAction(a[f"class{k}"])
                    continue
                menu.addSeparator() if key is None else menu.addAction(a[key])
        self._make_data_sets_menu(bar)
        view = bar.addMenu("&View")
        view.setToolTipsVisible(True)
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        for key in ("equations", "show_code", "internals", None, "shading", "contours", "misclassified", "log_loss",
                    "equal_aspect", None, "frame", "fullscreen", "presentation", "leave_presentation", "restore", None,
                    "zoom_in", "zoom_out", "zoom_reset", "next_theme"):
            view.addSeparator() if key is None else view.addAction(a[key])
        themes = view.addMenu("T&heme")
        themes.setToolTipsVisible(True)
        group = QActionGroup(self)
        self.theme_actions = {}
        for name, theme in THEMES.items():
            action = themes.addAction(theme.title)
            action.setCheckable(True)
            action.setToolTip(f"Colours of the {theme.title.lower()} theme (T cycles the themes)")
            action.triggered.connect(lambda _on=False, name=name: self.set_theme(name))
            group.addAction(action)
            self.theme_actions[name] = action
        help_menu = bar.addMenu("&Help")
        for key in ("shortcuts", "first_steps", "about"):
            help_menu.addAction(a[key])

    def _make_data_sets_menu(self, bar) -> None:
        """Every generator and bundled set with the sentence on what it teaches; choosing one
        draws its data at their default settings (one undoable step)."""
        menu = bar.addMenu("&Data sets")
        menu.setToolTipsVisible(True)
        for number, (name, generator) in enumerate(GENERATORS.items(), start=1):
            action = self._action(f"{generator.label} — {generator.lesson}", f"Alt+{number}" if number < 10 else None,
                                  f"Draw these data at their default settings (lrgui train {name})",
                                  lambda _checked=False, name=name: self.controller.generate(name, {}))
            action.setObjectName(f"data-set-{name}")
            action.setStatusTip(generator.lesson)
            menu.addAction(action)
        menu.addSeparator()
        for number, (name, params, label, lesson) in enumerate(MORE_CLASS_SETS):
            action = self._action(f"{label} — {lesson}", "Alt+0" if number == 0 else None, f"Draw these data (lrgui train {name} "
                                  + " ".join(f"--gen '{k}={v}'" for k, v in params.items()) + ")",
                                  lambda _checked=False, name=name, params=params: self.controller.generate(name, params))
            action.setObjectName(f"data-set-{name}-" + "-".join(str(v).replace(" ", "-") for v in params.values()))
            action.setStatusTip(lesson)
            menu.addAction(action)

    def squared_error_demo(self) -> None:
        """The squared-error race, with the landscape (both costs side by side) in front."""
        self.controller.squared_error_demo()
        self._show_dock("landscape")

    def compare_remedies(self) -> None:
        """The remedies race, with the metrics dock in front: accuracy alone hides what they do."""
        self.controller.compare_remedies()
        self._show_dock("metrics")

    def _show_dock(self, key: str) -> None:
        dock = self.docks[key]
        dock.show()
        dock.raise_()

    def _make_status_bar(self) -> None:
        bar = self.statusBar()
        self.class_label = QLabel()
        self.run_label = ElidedLabel()
        self.state_label = ElidedLabel()
        self.message_label = ElidedLabel()
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(lambda: self.message_label.setText(""))
        self.class_label.setToolTip("The class a left click adds (keys 0 and 1 switch)")
        bar.addWidget(self.class_label)
        bar.addWidget(self.run_label, 5)
        bar.addWidget(self.message_label, 3)
        bar.addWidget(self.state_label, 3)

    def _connect(self) -> None:
        c = self.controller
        c.frame.connect(self.show_snapshot)
        c.landscapeReady.connect(self.landscape_view.show_landscape)
        c.clickClassChanged.connect(self._show_click_class)
        c.message.connect(self.show_message)
        c.titleChanged.connect(self._update_title)
        c.sessionChanged.connect(self._session_changed)
        p = self.plane
        p.addRequested.connect(lambda x, y, label: c.add_point(x, y, label))
        p.removeRequested.connect(c.remove_point)
        p.moveStarted.connect(c.begin_move)
        p.moveRequested.connect(c.move_point)
        p.moveFinished.connect(c.end_move)
        p.focusRequested.connect(c.focus_point)
        self.docks["equations"].visibilityChanged.connect(self._equations_shown)
        self.docks["metrics"].visibilityChanged.connect(c.set_scoring)
        self.docks["coefficients"].visibilityChanged.connect(lambda on: on and c.redraw())
        self.sigmoid_view.thresholdChanged.connect(lambda t: c.set_view(threshold=t))
        self.landscape_view.axesChanged.connect(lambda i, j: c.set_view(landscape_axes=(i, j)))
        self.landscape_view.startRequested.connect(self._start_from_landscape)
        self.timeline.seekRequested.connect(c.seek)
        t = self.runs_table
        t.selectRequested.connect(c.select_run)
        t.muteRequested.connect(c.set_muted)
        t.duplicateRequested.connect(lambda run_id: c.add_run(run_id))
        t.removeRequested.connect(c.remove_run)
        t.renameRequested.connect(c.rename_run)

    def focus_home(self) -> None:
        """Keyboard focus to the data plane: every single-key action works from there."""
        self.plane.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- drawing -----------------------------------------------------------------------------------------
    def show_snapshot(self, snap) -> None:
        self.plane.show_snapshot(snap)
        self.timeline.show_snapshot(snap)
        self.loss_view.show_snapshot(snap)
        self.sigmoid_view.show_snapshot(snap)
        self.landscape_view.show_snapshot(snap)
        if self.docks["equations"].isVisible():
            self.equations_view.show_snapshot(snap)
        if self.docks["code"].isVisible():
            self.code_view.show_session(self.controller.session)
        if self.docks["metrics"].isVisible():
            self.metrics_view.show_snapshot(snap)
        if self.docks["coefficients"].isVisible():
            self.coefficients_view.show_snapshot(snap)
        self.runs_table.show_snapshot(snap, self._distances)
        if self.presenter.active:
            self.presenter.show_snapshot(snap)
        self.panel.show_playing(snap.playing)
        self.actions["play"].setText("&Pause" if snap.playing else "&Play")
        for key in ("equal_aspect", "shading", "contours", "misclassified", "log_loss"):
            self.actions[key].setChecked(getattr(snap.view, key))
        if self.actions["contours"].isEnabled() != (snap.data.classes == 2):     # p-contours: two classes
            self.actions["contours"].setEnabled(snap.data.classes == 2)
        self.actions["internals"].setChecked(snap.view.internals)
        self._show_run(snap)

    def _distances(self, snap) -> dict:
        """‖θ − θ*‖ in original units for every run whose optimum is known (∞ when separable)."""
        out = {}
        for r in snap.runs:
            facts = self.controller.analysis.facts_for(snap.data, r.spec.config) if r.trained else None
            if facts is None:
                continue
            if facts.optimum_original is not None and len(facts.optimum_original) == len(r.theta):
                with np.errstate(over="ignore", invalid="ignore"):
                    out[r.id] = norm(r.theta - facts.optimum_original)
            elif facts.reason == SEPARABLE_REASON:
                out[r.id] = np.inf
        return out

    def show_message(self, text: str) -> None:
        """A remark beside the run's figures (they stay visible), cleared after a few seconds."""
        self.message_label.setText(text)
        if not self._closed:
            self._message_timer.start(10000)

    def _session_changed(self, _change) -> None:
        self.controller.redraw()

    def _show_run(self, snap) -> None:
        run = snap.selected
        if run is None or not run.trained:
            self.run_label.setText(f"{snap.data.n} points")
            self.state_label.setText(snap.status_line())
            return
        names = run.state.theta_names
        theta = ", ".join(f"{name} {_fmt(v)}" for name, v in zip(names, run.theta[:4]))
        more = " …" if len(run.theta) > 4 else ""
        lr = f"   η {run.lr:.3g}" if np.isfinite(run.lr) else ""
        self.run_label.setText(f"{run.spec.label} · epoch {run.epoch}   loss {run.loss:.5g}   "
                               f"accuracy {run.accuracy:.1%}   ‖∇J‖ {run.grad_norm:.3g}{lr}   θ: {theta}{more}")
        self.state_label.setText(snap.status_line())

    def _show_click_class(self, label: int) -> None:
        color = self.theme.class_colors[label]
        self.class_label.setText(f"<b style='color:{color}'>click adds class {label} "
                                 f"({self.theme.class_names[label]})</b>")
        self.plane.click_class = label
        self.actions[f"class{label}"].setChecked(True)
        self.sigmoid_view.shown_class = label        # with more than two classes: that class's model
        if self.plane.snap is not None:                 # the newest snapshot, drawn again
            self.sigmoid_view.show_snapshot(self.plane.snap)

    def _update_title(self, *_) -> None:
        dirty = " *" if self.controller.dirty else ""
        self.setWindowTitle(f"{APP_NAME} — {self.controller.title()}{dirty}")

    # -- gestures that need a dialog or the selection ------------------------------------------------------
    def _select_by(self, step: int) -> None:
        ids = [r.id for r in self.controller.session.runs]
        i = ids.index(self.controller.session.selected)
        self.controller.select_run(ids[(i + step) % len(ids)])

    def _start_from_landscape(self, u: float, v: float) -> None:
        snap, result = self.controller.latest, self.landscape_view.result
        if snap is None or snap.selected is None or not snap.selected.trained or result is None:
            return
        features = result.facts.features
        theta = features.from_original(snap.selected.theta)
        i, j = self.landscape_view.axes
        theta[i], theta[j] = u, v
        self.controller.set_start(features.to_original(theta))
        self.show_message("The start point θ₀ moved: the run starts again from there.")

    def _delete_point(self) -> None:
        if not self.plane.remove_under_mouse():
            self.show_message("Point at a point to remove it (or Ctrl+click it)")

    def _folder(self) -> str:
        current = self.controller.session.path or (
            self.controller.session.origin.name if self.controller.session.origin.kind == "file" else "")
        return str(Path(current).parent) if current else str(self.settings.value("files/folder", "."))

    def open_file(self) -> None:
        path, _ = self._modal(QFileDialog.getOpenFileName, self, "Open data or a session", self._folder(),
                              OPEN_FILTER)
        if path:
            self.open_path(path)

    def open_example(self, name: str) -> bool:
        """Open a shipped example (asks first about unsaved changes, as opening a session does)."""
        if not self._may_discard("opening an example"):
            return False
        if not self.controller.open_example(name):
            self._modal(QMessageBox.warning, self, "Cannot open the example", self.controller.last_error)
            return False
        return True

    def open_path(self, path: str) -> bool:
        from ..core.session_file import looks_like_session

        if not looks_like_session(path):
            return self.import_file(path)
        if not self._may_discard("opening another session"):
            return False
        if not self.controller.open_path(path):
            self._modal(QMessageBox.warning, self, "Cannot open the file",
                                f"The file could not be read; your data and runs are unchanged.\n\n"
                                f"{self.controller.last_error}")
            return False
        if self.controller.layout:
            self.apply_layout(self.controller.layout)
            self.controller.layout = {}
        self._remember(path)
        return True

    # -- drag and drop: a data file or a session dropped anywhere on the window opens ---------------------
    @staticmethod
    def _dropped_file(event) -> str | None:
        """The one local file a drag carries, or None."""
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if len(urls) != 1 or not urls[0].isLocalFile():
            return None
        return urls[0].toLocalFile() or None

    def dragEnterEvent(self, event) -> None:          # noqa: N802 (Qt's name)
        if self._dropped_file(event) and not self.presenter.active:
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:           # noqa: N802
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:               # noqa: N802
        path = self._dropped_file(event)
        if path is None:
            event.ignore()
            return
        event.acceptProposedAction()
        # opened after the drop returns: the drag's source must not wait on the dialog
        QTimer.singleShot(0, lambda: self.open_path(path))

    def import_file(self, path: str) -> bool:
        """A data file through the import dialog; the data change only when it is accepted."""
        import hashlib

        key = "import/" + hashlib.sha1(str(Path(path).resolve()).encode()).hexdigest()
        try:
            before = json.loads(self.settings.value(key, "{}", type=str))
        except ValueError:
            before = {}
        dialog = ImportDialog(path, self, self.theme, before if isinstance(before, dict) else {})
        if self._modal(dialog.exec) != QDialog.DialogCode.Accepted or dialog.data is None:
            return False
        if not self.controller.open_data(path, dialog.data, dialog.plane_axes):
            return False
        self.settings.setValue(key, json.dumps(dialog.choices()))        # made again next time
        self._remember(path)
        return True

    def save(self, wait: bool = False) -> bool:
        """Save the session to its file (asking for one if it has none). The writing goes on apart
        from the window; with ``wait`` (before leaving), until it is over. Whether it was written
        (without ``wait``: whether it was asked for)."""
        if not self.controller.session.path:
            return self.save_as(wait)
        return self._save_to(self.controller.session.path, wait)

    def save_as(self, wait: bool = False) -> bool:
        # a name any file system takes: "gaussian (seed 3)" → "gaussian-seed-3"
        stem = re.sub(r"[^\w-]+", "-", Path(self.controller.title()).name.split(".")[0]).strip("-") or "session"
        start = self.controller.session.path or str(Path(self._folder()) / f"{stem}{SUFFIX}")
        path, _ = self._modal(QFileDialog.getSaveFileName, self, "Save the session", start,
                              f"Sessions (*{SUFFIX});;All files (*)")
        if not path:
            return False
        if not path.endswith(".json"):
            path += SUFFIX
        return self._save_to(path, wait)

    def _save_to(self, path: str, wait: bool = False) -> bool:
        # a million points take a second or two to write: say so while it lasts
        self.show_message(f"Saving {Path(path).name} …")            # replaced by the outcome
        histories = self.actions["histories"].isChecked()
        if not wait:
            asked = self.controller.save_session(path, self.layout_state(), histories, done=partial(self._saved, path))
            if not asked:                     # refused at once (no such folder)
                self._saved(path, False)
            return asked
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            written = self.controller.save_session(path, self.layout_state(), histories)
        finally:
            QApplication.restoreOverrideCursor()
        self._saved(path, written)
        return written

    def _saved(self, path: str, written: bool) -> None:
        """A save to ``path`` is over: remembered among the recent files, or why it failed said."""
        if self._closed:
            return
        if written:
            self._remember(path)
        else:
            self._modal(QMessageBox.warning, self, "Cannot save the session", self.controller.last_error)
        self._update_title()

    def _saves_over(self) -> None:
        """Wait for the saves on their way (their outcome decides whether work is unsaved)."""
        if self.controller.writer.pending:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                self.controller.writer.wait()
            finally:
                QApplication.restoreOverrideCursor()

    def export_data(self) -> None:
        path, _ = self._modal(QFileDialog.getSaveFileName, self, "Export the points",
                              str(Path(self._folder()) / "data.csv"), "CSV files (*.csv);;All files (*)")
        if path and not self.controller.export_data(path):
            self._modal(QMessageBox.warning, self, "Cannot export the data", self.controller.last_error)

    def offer_recovery(self) -> bool:
        """After a crash or a kill: offer the newest session a window left behind (Restore,
        Discard, or Not now: asked again at the next start). Returns whether it was restored."""
        left = orphans()
        if not left:
            return False
        answer = self._ask_restore(left[0], len(left) - 1)
        if answer == "restore":
            return self.controller.restore_autosave(left[0])
        if answer == "discard":
            left[0].discard()
        return False

    def _ask_restore(self, left, older: int) -> str:
        came = f" (from {Path(left.path).name})" if left.path else ""
        more = f"\n\n{older} older autosaved session(s) will be offered afterwards." if older else ""
        box = QMessageBox(QMessageBox.Icon.Question, "Restore unsaved work?",
                          f"lrgui did not close cleanly. Your unsaved session{came} was autosaved at "
                          f"{left.when}: its points, runs and settings. Restore it?{more}", parent=self)
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Not now", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(restore)
        self._modal(box.exec)
        clicked = box.clickedButton()
        return "restore" if clicked is restore else "discard" if clicked is discard else "later"

    def _save_as(self, title: str, name: str, filters: str) -> str:
        path, _ = self._modal(QFileDialog.getSaveFileName, self, title, str(Path(self._folder()) / name), filters)
        return path

    def export_history(self) -> None:
        path = self._save_as("Export the run's history", "history.csv", "CSV files (*.csv);;All files (*)")
        if path and not self.controller.export_history(path):
            self._modal(QMessageBox.warning, self, "Cannot export the history", self.controller.last_error)

    def export_theta(self) -> None:
        path = self._save_as("Export θ", "theta.json", "JSON files (*.json);;All files (*)")
        if path and not self.controller.export_theta(path):
            self._modal(QMessageBox.warning, self, "Cannot export θ", self.controller.last_error)

    def picture_views(self) -> dict:
        """What a picture can show, by name: the window, its views, and the views of the docks
        hidden at first once they have been shown (one never shown has no size to draw at)."""
        views = {"Whole window": self, "Data plane": self.plane, "Loss curve": self.loss_view,
                 "Sigmoid": self.sigmoid_view, "Loss landscape": self.landscape_view}
        for name in ("equations", "code", "metrics", "sweep"):
            if name in self._views:
                views[LATER_DOCKS[name][0]] = self._views[name]
        return views

    def _export_path(self, dialog, title: str, suffix: str, filters: str) -> str:
        """After ``dialog`` (a PictureDialog) is accepted, the file to write: named after what it
        shows, with ``suffix`` when the name has none; "" when either is cancelled."""
        if self._modal(dialog.exec) != QDialog.DialogCode.Accepted:
            return ""
        name = dialog.what.currentText().lower().replace(" ", "-")
        path = self._save_as(title, f"{name}{suffix}", filters)
        return path + suffix if path and not Path(path).suffix else path

    def export_picture(self) -> None:
        dialog = PictureDialog(self.picture_views(), self)
        path = self._export_path(dialog, "Export picture", ".png", "PNG pictures (*.png);;SVG pictures (*.svg)")
        if not path:
            return
        try:
            save_picture(dialog.widget(), path, dialog.picture_size())
        except (LrguiError, OSError) as exc:
            why = f"Cannot save {path}: {getattr(exc, 'strerror', None) or exc}"
            self.show_message(why)
            self._modal(QMessageBox.warning, self, "Cannot export the picture", why)
            return
        self.show_message(f"Saved the picture to {path}")

    def export_animation(self) -> None:
        """Ask what to animate and where, then render it apart from this window, with progress
        and Cancel (the window goes on answering meanwhile)."""
        if self.export_job is not None:
            self.export_progress.show()
            self.export_progress.raise_()
            return
        snap = self.controller.latest
        dialog = AnimationDialog(snap.end if snap is not None else 0, self.look.theme_name, self)
        while True:                     # asked again, as filled in, until it can be made or is cancelled
            path = self._export_path(dialog, "Export animation", ".gif",
                                     "GIF animations (*.gif);;MP4 videos (*.mp4)")
            if not path:
                return
            try:                        # checked before the trainer is asked for the recording
                Export.checked(dialog.job(), path, dialog.fps.value())
                break
            except LrguiError as exc:
                why = str(exc)
                self._modal(QMessageBox.warning, self, "Cannot export the animation", why[:1].upper() + why[1:])
        export = Export(Session(**self.controller.session.values()), self.controller.recording(), dialog.job(), path,
                        dialog.fps.value(), self)
        progress = QProgressDialog(f"Rendering {Path(path).name}…", "Cancel", 0, 0, self)
        progress.setWindowTitle("Export animation")
        progress.setMinimumDuration(0)
        progress.setModal(False)
        progress.canceled.connect(export.cancel)
        export.progress.connect(lambda done, total: (progress.setMaximum(total), progress.setValue(done)))
        export.done.connect(lambda note: self._animation_ended(path, note, None))
        export.failed.connect(lambda why: self._animation_ended(path, "", why))
        self.export_job, self.export_progress = export, progress
        progress.show()
        export.start()

    def _animation_ended(self, path: str, note: str, error: str | None) -> None:
        export, progress = self.export_job, self.export_progress
        self.export_job = None
        progress.reset()
        progress.hide()
        QTimer.singleShot(0, export.close)      # not from inside its own signal
        QTimer.singleShot(0, progress.deleteLater)
        self.activateWindow()                   # the keys come back here, not to the closed dialog
        self.focus_home()
        if error == "cancelled":
            self.show_message(f"Cancelled: {Path(path).name} was not written")
        elif error:
            self.show_message(error)
            self._modal(QMessageBox.warning, self, "Cannot export the animation", error)
        else:
            self.show_message(f"Saved the animation to {path}" + (f" ({note})" if note else ""))

    def _remember(self, path: str) -> None:
        path = str(Path(path).resolve())
        recent = [p for p in self.settings.value("files/recent", [], type=list) if p != path]
        self.settings.setValue("files/recent", [path, *recent][:RECENT_KEPT])
        self.settings.setValue("files/folder", str(Path(path).parent))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        recent = self.settings.value("files/recent", [], type=list)
        if not recent:
            empty = self.recent_menu.addAction("(no files yet)")
            empty.setEnabled(False)
        for i, path in enumerate(recent):
            action = self.recent_menu.addAction(f"&{i + 1} {Path(path).name}")
            action.setToolTip(path)
            action.setEnabled(Path(path).exists())
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))

    def _modal(self, show, *args):
        """Run a modal dialog; afterwards the keys come back to this window (on a bare X server,
        or under some window managers, they would otherwise go nowhere)."""
        QTimer.singleShot(0, self, self._fit_file_dialog)        # once it is open
        try:
            return show(*args)
        finally:
            self.activateWindow()

    @staticmethod
    def _fit_file_dialog() -> None:
        """A file dialog opens at one size whatever its type: in larger type (presentation, zoom)
        it is made larger in proportion, within the screen, so that its names are not cut."""
        dialog, factor = QApplication.activeModalWidget(), type_factor()
        if isinstance(dialog, QFileDialog) and factor > 1.05:
            room = dialog.screen().availableGeometry()
            dialog.resize(min(round(dialog.width() * factor), int(room.width() * 0.9)),
                          min(round(dialog.height() * factor), int(room.height() * 0.9)))
            dialog.move(room.center() - dialog.rect().center())

    def show_fault(self, details: str, recovery: str) -> None:
        """Say that something went wrong inside, where the work was saved, and the details. One
        box at a time (it does not block the window): a later fault adds its details to it."""
        box = getattr(self, "fault_box", None)
        if box is not None and box.isVisible():
            box.setDetailedText(box.detailedText() + "\n" + details)
            return
        if box is None:
            self.fault_box = box = QMessageBox(QMessageBox.Icon.Critical, "Something went wrong", "",
                                               QMessageBox.StandardButton.Close, self)
            box.setModal(False)
        saved = (f"Your work was saved to\n{recovery}\n(open it with File > Open if anything is amiss)."
                 if recovery else "Saving a recovery copy failed as well: save your work now under a new name.")
        box.setText("An unexpected error happened inside lrgui. Training is paused; the window goes on "
                    f"working.\n\n{saved}")
        box.setDetailedText(details)
        box.show()

    def _may_discard(self, doing: str) -> bool:
        """Before unsaved work would be left behind: ask Save / Discard / Cancel. True to go on.
        Training pauses while the question is open (the runs do not run on unseen), and goes on
        after Cancel."""
        self._saves_over()
        if not self.controller.dirty:
            return True
        playing = self.controller.playing
        if playing:
            self.controller.play(False)
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                          f"The session has changes that are not saved. Save them before {doing}?",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel, self)
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = self._modal(box.exec)
        if answer == QMessageBox.StandardButton.Save:
            go_on = self.save(wait=True)
        else:
            go_on = answer == QMessageBox.StandardButton.Discard
        if playing and not go_on:
            self.controller.play(True)
        return go_on

    def _may_stop_export(self) -> bool:
        """While an animation is being rendered: ask before closing stops it. True to go on."""
        if self.export_job is None:
            return True
        answer = self._modal(QMessageBox.question, self, "An animation is being rendered",
                             "Closing stops the animation being rendered; its file is not written. Close anyway?",
                             QMessageBox.StandardButton.Close | QMessageBox.StandardButton.Cancel,
                             QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Close

    def frame_views(self) -> None:
        self.plane.frame_data()
        self.loss_view.follow()
        self.landscape_view.frame()

    def show_sweep(self) -> None:
        """Show the sweep dock in front, with the learning-rate range ready to type."""
        self._show_dock("sweep")
        self.sweep_view.lr_range.setFocus()
        self.sweep_view.lr_range.selectAll()

    def toggle_full_screen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()
        self.actions["fullscreen"].setChecked(self.isFullScreen())

    # -- look: theme, zoom, presentation --------------------------------------------------------------
    def apply_look(self, views: bool = True) -> None:
        """Every view, widget and the pointer's overlay in the chosen theme at the zoom in use
        (``views`` False: not the plots, which were just made in it)."""
        theme = self.theme = self.look.theme
        panel = self.docks["panel"]
        narrowest = panel.isVisible() and panel.width() <= self.panel.minimumWidth() + 8
        palette, font = widget_look(theme)
        self.setPalette(palette)
        self.setFont(font)
        if self.owns_application:        # dialogs and menus too (a window drawn apart leaves them be)
            QApplication.setPalette(palette)
            if QFontInfo(QApplication.font()).pixelSize() != QFontInfo(font).pixelSize():
                QApplication.setFont(font)          # (each widget is told, so not for nothing)
        plots = (self.plane, self.loss_view, self.sigmoid_view, self.landscape_view, *self._views.values())
        for view in (*(plots if views else ()), self.runs_table, self.panel):    # (these two follow the font just set)
            view.apply_theme(theme)
        self.message_label.set_look(theme.message_color)
        self._show_click_class(self.controller.click_class)
        if narrowest:                   # a panel as narrow as it could be stays so in the new type
            self.resizeDocks([panel], [self.panel.minimumWidth()], Qt.Orientation.Horizontal)
        if self.shortcut_overlay is not None:
            self.shortcut_overlay.apply_theme(theme)
        for name, action in self.theme_actions.items():
            action.setChecked(name == self.look.theme_name)
        self._show_presenting()
        if self.controller.latest is not None:
            self.controller.redraw()

    def _show_presenting(self) -> None:
        self.actions["presentation"].setChecked(self.presenter.active)
        self.actions["leave_presentation"].setEnabled(self.presenter.active)

    def set_theme(self, name: str) -> None:
        self.look.set_theme(name)
        self.apply_look()
        self.show_message(f"Theme: {THEMES[name].title}")

    def next_theme(self) -> None:
        self.set_theme(self.look.next_theme())

    def zoom_by(self, factor: float) -> None:
        zoom = self.look.set_zoom(self.look.zoom * factor)
        self.apply_look()
        self.show_message(f"Zoom {zoom:.0%}")

    def zoom_reset(self) -> None:
        self.look.set_zoom(self.look.default_zoom())
        self.apply_look()
        self.show_message(f"Zoom {self.look.zoom:.0%}")

    def toggle_presentation(self) -> None:
        self.leave_presentation() if self.presenter.active else self.enter_presentation()

    def enter_presentation(self) -> None:
        if self.shortcut_overlay is not None:
            self.shortcut_overlay.hide()
        self.look.presenting = True
        self.presenter.enter()
        self.apply_look()
        self.focus_home()

    def leave_presentation(self) -> None:
        """Esc: close the shortcut list if it is open, else leave presentation mode."""
        if self.shortcut_overlay is not None and self.shortcut_overlay.isVisible():
            self.shortcut_overlay.hide()
            self.focus_home()
            return
        if not self.presenter.active:
            return
        self.look.presenting = False
        self.apply_look()               # the usual sizes first: the docks then get their widths back
        self.presenter.leave()
        self._show_presenting()
        self.actions["fullscreen"].setChecked(self.isFullScreen())
        self.focus_home()

    def _equations_shown(self, visible: bool) -> None:
        """While the equations are in view, a click on a point takes it apart instead of adding one
        (and the point taken apart is let go when they are hidden)."""
        self.plane.picking = visible
        self.controller.set_inspecting(visible)
        if not visible and self.controller.focus is not None:
            self.controller.focus_point(None)

    def show_code(self) -> None:
        self._show_dock("code")
        self.code_view.show_session(self.controller.session)

    def save_code(self) -> None:
        stem = re.sub(r"[^\w-]+", "_", self.controller.session.selected_run.label).strip("_") or "run"
        path = self._save_as("Save the script", f"{stem}.py", "Python scripts (*.py);;All files (*)")
        if path and not self.controller.save_script(path):
            self._modal(QMessageBox.warning, self, "Cannot save the script", self.controller.last_error)

    def show_equations(self) -> None:
        self._show_dock("equations")

    def show_shortcuts(self) -> None:
        """Show (or hide) every shortcut over the window."""
        if self.shortcut_overlay is None:
            self.shortcut_overlay = ShortcutOverlay(self, self.theme)
        self.shortcut_overlay.toggle()

    def show_first_steps(self) -> None:
        self._modal(QMessageBox.information, self, "First steps", FIRST_STEPS)

    def show_about(self) -> None:
        self._modal(QMessageBox.about, self, "About lrgui",
                    f"<p><b>lrgui {__version__}</b></p><p>Watch logistic regression learn: the decision "
                    "boundary, the loss, the sigmoid and the loss landscape, epoch by epoch, for every "
                    "optimizer raced side by side.</p><p>Python, PySide6, pyqtgraph, numpy, scipy and "
                    "scikit-learn.</p>")

    # -- layout memory -----------------------------------------------------------------------------------
    def layout_state(self) -> dict:
        """The dock layout as JSON-safe data (saved in sessions)."""
        return {"state": base64.b64encode(bytes(self.saveState())).decode("ascii")}

    def apply_layout(self, layout: dict) -> None:
        state = layout.get("state")
        if isinstance(state, str):
            try:
                self.restoreState(QByteArray(base64.b64decode(state)))
            except (ValueError, TypeError):
                pass
            self._mind_dock_tabs()

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)
        self._mind_dock_tabs()

    def restore_default_layout(self) -> None:
        self.restoreState(self._default_state)
        for name, dock in self.docks.items():      # closed docks back; those hidden at first hidden
            dock.setVisible(name not in LATER_DOCKS)
        self._default_sizes()                  # (the state was saved before the window had its size)
        self._mind_dock_tabs()

    def closeEvent(self, event) -> None:    # noqa: N802 (Qt's name)
        """Ask about unsaved work, then stop training and close every dialog of the window: a
        message box left open would keep its own event loop, and the program, running. (Qt
        ignores a close requested while the question is open: the answer decides.)"""
        if self._closed:
            super().closeEvent(event)
            return
        if not self._may_discard("closing") or not self._may_stop_export():
            event.ignore()
            return
        self._closed = True
        if self.export_job is not None:
            self.export_job.close()
            self.export_job = None
        if self.presenter.active:           # remember the window as it is outside presentation
            self.look.presenting = False
            self.presenter.leave()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()
        self.controller.titleChanged.disconnect(self._update_title)
        self.controller.shutdown()
        self._message_timer.stop()
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()
        super().closeEvent(event)
