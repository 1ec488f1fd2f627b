"""The explorer's main window: the data plane in the middle, dockable views and the side panel
around it, menus with every action and its shortcut, and a status bar."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QPixmapCache
from PySide6.QtWidgets import QDockWidget, QFileDialog, QLabel, QMainWindow, QMessageBox

from ..app.controller import ExplorerController
from .data_plane import DataPlaneView
from .landscape_view import LandscapeView
from .loss_curve import LossCurveView
from .side_panel import SidePanel
from .sigmoid_view import SigmoidView
from .theme import DEFAULT, Theme

APP_NAME = "lrgui"
STATUS_TEXT = {"ready": "paused", "converged": "converged", "max_epochs": "stopped: maximum epochs reached",
               "diverged": "diverged"}


def _fmt(v: float) -> str:
    return f"{v:.4g}"


class MainWindow(QMainWindow):
    def __init__(self, controller: ExplorerController, settings: QSettings | None = None,
                 theme: Theme = DEFAULT):
        super().__init__()
        self.controller = controller
        self.settings = settings if settings is not None else QSettings()
        self.theme = theme
        self.setObjectName("lrgui-main")
        available = self.screen().availableGeometry()
        self.resize(min(1500, int(available.width() * 0.95)), min(950, int(available.height() * 0.92)))
        # Room for the cached layers of every view (Qt's default 10 MB thrashes at full HD).
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), 128 * 1024))

        self.plane = DataPlaneView(theme)
        self.setCentralWidget(self.plane)
        self.loss_view = LossCurveView(theme)
        self.sigmoid_view = SigmoidView(theme)
        self.landscape_view = LandscapeView(theme)
        self.actions = self._make_actions()
        self.panel = SidePanel(controller, self.actions, theme)
        self.docks = {
            "panel": self._dock("Controls", self.panel, Qt.DockWidgetArea.LeftDockWidgetArea),
            "loss": self._dock("Loss curve", self.loss_view, Qt.DockWidgetArea.BottomDockWidgetArea),
            "sigmoid": self._dock("Sigmoid", self.sigmoid_view, Qt.DockWidgetArea.BottomDockWidgetArea),
            "landscape": self._dock("Loss landscape", self.landscape_view, Qt.DockWidgetArea.RightDockWidgetArea),
        }
        self.resizeDocks([self.docks["landscape"]], [480], Qt.Orientation.Horizontal)
        self.resizeDocks([self.docks["loss"]], [300], Qt.Orientation.Vertical)
        self._default_state = self.saveState()
        self._make_menus()
        self._make_status_bar()
        self._connect()
        self.plane.set_data(controller.data, refit=True)
        self._update_title()
        self._restore_layout()

    # -- building --------------------------------------------------------------------------------
    def _dock(self, title: str, widget, area) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock-{title.lower().replace(' ', '-')}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        return dock

    def _action(self, text, shortcut, tip, slot, checkable=False) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        keys = " / ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())
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
        for a, tip in ((undo, "Undo the last data edit"), (redo, "Redo the edit undone last")):
            a.setToolTip(tip)
            self.addAction(a)
        return {
            "open": self._action("&Open…", "Ctrl+O", "Open a data file", self.open_file),
            "save": self._action("&Save data…", "Ctrl+S", "Save the points as a CSV file", self.save_file),
            "quit": self._action("&Quit", "Ctrl+Q", "Close the window", self.close),
            "undo": undo,
            "redo": redo,
            "clear": self._action("&Clear all", "Ctrl+Shift+Delete", "Remove every point (undoable)", c.clear),
            "delete": self._action("&Delete point", "Delete", "Remove the point under the mouse pointer",
                                   self._delete_point),
            "class0": self._action("Click adds class &0", "0", "Left clicks add class-0 points",
                                   lambda: c.set_click_class(0)),
            "class1": self._action("Click adds class &1", "1", "Left clicks add class-1 points",
                                   lambda: c.set_click_class(1)),
            "play": self._action("&Play", "Space", "Play or pause training", c.toggle_play),
            "step": self._action("&Step", "Right", "Train one epoch", c.step),
            "step_back": self._action("Step &back", "Left", "Go back one epoch", c.step_back),
            "reset": self._action("&Reset", "R", "Back to the start point θ₀", c.reset),
            "fullscreen": self._action("&Full screen", "F11", "Full screen on or off", self.toggle_full_screen,
                                       checkable=True),
            "frame": self._action("Fit &data in view", "F", "Frame all the points", self.plane.frame_data),
            "restore": self._action("Restore &layout", None, "Put every view back in its place",
                                    self.restore_default_layout),
        }

    def _make_menus(self) -> None:
        a = self.actions
        bar = self.menuBar()
        for title, keys in (("&File", ("open", "save", None, "quit")),
                            ("&Edit", ("undo", "redo", None, "delete", "clear", None, "class0", "class1")),
                            ("&Run", ("play", "step", "step_back", "reset"))):
            menu = bar.addMenu(title)
            for key in keys:
                menu.addSeparator() if key is None else menu.addAction(a[key])
        view = bar.addMenu("&View")
        for dock in self.docks.values():
            view.addAction(dock.toggleViewAction())
        view.addSeparator()
        for key in ("frame", "fullscreen", "restore"):
            view.addAction(a[key])

    def _make_status_bar(self) -> None:
        bar = self.statusBar()
        self.class_label = QLabel()
        self.run_label = QLabel()
        self.state_label = QLabel()
        self.message_label = QLabel()
        self.message_label.setStyleSheet("color: #CC0066;")
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self.message_label.clear)
        self.class_label.setToolTip("The class a left click adds (keys 0 and 1 switch)")
        bar.addWidget(self.class_label)
        bar.addWidget(self.run_label, 1)
        bar.addPermanentWidget(self.message_label)
        bar.addPermanentWidget(self.state_label)
        self._show_click_class(self.controller.click_class)

    def _connect(self) -> None:
        c = self.controller
        c.frame.connect(self.show_snapshot)
        c.landscapeReady.connect(self.landscape_view.show_landscape)
        c.dataReplaced.connect(self.plane.set_data)
        c.clickClassChanged.connect(self._show_click_class)
        c.message.connect(self.show_message)
        c.pathChanged.connect(lambda _: self._update_title())
        c.optionsChanged.connect(lambda _: self._redraw())
        c.undo_stack.cleanChanged.connect(self._update_title)
        p = self.plane
        p.addRequested.connect(lambda x, y, label: c.add_point(x, y, label))
        p.removeRequested.connect(c.remove_point)
        p.moveStarted.connect(c.begin_move)
        p.moveRequested.connect(c.move_point)
        p.moveFinished.connect(c.end_move)
        self.sigmoid_view.thresholdChanged.connect(lambda t: c.set_options(threshold=t))
        self.landscape_view.axesChanged.connect(lambda i, j: c.set_options(landscape_axes=(i, j)))
        self.landscape_view.startRequested.connect(self._start_from_landscape)

    # -- drawing -----------------------------------------------------------------------------------------
    def show_snapshot(self, snap) -> None:
        opts = self.controller.options
        self.plane.show_snapshot(snap, opts)
        self.loss_view.show_snapshot(snap, opts)
        self.sigmoid_view.show_snapshot(snap, opts)
        self.landscape_view.show_snapshot(snap, opts)
        self.panel.show_playing(snap.playing)
        self.actions["play"].setText("&Pause" if snap.playing else "&Play")
        self._show_run(snap)

    def show_message(self, text: str) -> None:
        """A remark beside the run's figures (they stay visible), cleared after a few seconds."""
        self.message_label.setText(text)
        self.message_label.setToolTip(text)
        self._message_timer.start(8000)

    def _redraw(self) -> None:
        if self.controller.latest is not None:
            self.show_snapshot(self.controller.latest)

    def _show_run(self, snap) -> None:
        run = snap.run
        if run is None:
            self.run_label.setText(f"{snap.data.n} points")
            self.state_label.setText(snap.notice or "cannot train yet")
            return
        theta = ", ".join(f"{name} {_fmt(v)}" for name, v in zip(run.theta_names, run.theta_original[:4]))
        more = " …" if len(run.theta_original) > 4 else ""
        self.run_label.setText(f"epoch {run.epoch}   loss {run.loss:.5g}   accuracy {run.accuracy:.1%}   "
                               f"‖∇J‖ {run.grad_norm:.3g}   θ: {theta}{more}")
        if snap.notice:
            state = snap.notice
        elif snap.playing:
            state = "running"
        else:
            state = STATUS_TEXT.get(run.status, run.status)
            if run.status in ("converged", "diverged") and run.reason:
                state = f"{state}: {run.reason}"
        self.state_label.setText(state)
        self.state_label.setToolTip(state)

    def _show_click_class(self, label: int) -> None:
        color = self.theme.class_colors[label]
        self.class_label.setText(f"<b style='color:{color}'>click adds class {label} "
                                 f"({self.theme.class_names[label]})</b>")
        self.plane.click_class = label

    def _update_title(self, *_) -> None:
        path = self.controller.path
        name = Path(path).name if path else "Gaussian clouds"
        dirty = "" if self.controller.undo_stack.isClean() else " *"
        self.setWindowTitle(f"{APP_NAME} — {name}{dirty}")

    # -- gestures that need a dialog or a snapshot ------------------------------------------------------
    def _start_from_landscape(self, u: float, v: float) -> None:
        snap = self.controller.latest
        if snap is None or snap.run is None:
            return
        theta = snap.run.theta.copy()
        i, j = self.landscape_view.axes
        theta[i], theta[j] = u, v
        self.controller.set_start(snap.run.features.to_original(theta))

    def _delete_point(self) -> None:
        if not self.plane.remove_under_mouse():
            self.show_message("Point at a point to remove it (or Ctrl+click it)")

    def open_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Open data", str(Path(self.controller.path or ".").parent),
                                              "Data files (*.csv *.txt *.tsv *.dat);;All files (*)")
        if path and not self.controller.open_file(path):
            QMessageBox.warning(self, "Cannot open the file",
                                f"The file could not be read; your data are unchanged.\n\n{self._last_message()}")

    def _last_message(self) -> str:
        return self.message_label.text()

    def save_file(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save data", self.controller.path or "data.csv",
                                              "CSV files (*.csv);;All files (*)")
        if path and self.controller.save_file(path):
            self.controller.undo_stack.setClean()

    def toggle_full_screen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()
        self.actions["fullscreen"].setChecked(self.isFullScreen())

    # -- layout memory -----------------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def restore_default_layout(self) -> None:
        self.restoreState(self._default_state)
        for dock in self.docks.values():
            dock.show()

    def closeEvent(self, event) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()
        self.controller.undo_stack.cleanChanged.disconnect(self._update_title)
        self.controller.shutdown()
        super().closeEvent(event)
