"""Presentation mode: full screen, the data plane as large as it can be with the loss landscape,
the loss curve and the sigmoid beside it, a slim bar of what a lecture uses instead of the side
panel, large type (the presentation zoom), the mouse pointer hidden while it rests. Esc or F5
leaves, and the layout, the window's size and the zoom come back as they were.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCursor
from PySide6.QtWidgets import QApplication, QLabel, QToolBar

# what the slim bar holds, in order, and the buttons' short names (None: a separator; "lr": the
# learning rate and optimizer shown)
BAR = (("play", "▶ Play"), ("step_back", "◀ Back"), ("step", "Step ▶"), ("reset", "Reset"), None,
       ("lr_down", "η ÷ 2"), ("lr", ""), ("lr_up", "η × 2"), None, ("next_optimizer", "Next optimizer"),
       ("add_run", "+ Run"), None, ("leave_presentation", "Leave (Esc)"))
SIDE_VIEWS = ("landscape", "loss", "sigmoid")      # beside the plane, top to bottom
HIDDEN_VIEWS = ("panel", "runs", "sweep", "equations", "code", "metrics", "coefficients")
SIDE_SHARE = 0.40                                  # of the screen's width
CURSOR_REST_MS = 2000


class PointerHider(QObject):
    """Hides the mouse pointer after it has rested CURSOR_REST_MS; any movement shows it again."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.hidden = False
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(CURSOR_REST_MS)
        self.timer.timeout.connect(self._hide)

    def start(self) -> None:
        QApplication.instance().installEventFilter(self)
        self.timer.start()

    def stop(self) -> None:
        QApplication.instance().removeEventFilter(self)
        self.timer.stop()
        self._show()

    def _hide(self) -> None:
        if not self.hidden:
            QApplication.setOverrideCursor(QCursor(Qt.CursorShape.BlankCursor))
            self.hidden = True

    def _show(self) -> None:
        if self.hidden:
            QApplication.restoreOverrideCursor()
            self.hidden = False

    def eventFilter(self, obj, event) -> bool:      # noqa: N802 (Qt's name)
        if event.type() in (QEvent.Type.MouseMove, QEvent.Type.HoverMove, QEvent.Type.MouseButtonPress):
            self._show()
            self.timer.start()
        return False


class Presenter:
    """Enters and leaves presentation mode for ``window`` (a MainWindow)."""

    def __init__(self, window):
        self.window = window
        self.active = False
        self._saved: tuple | None = None
        self.pointer = PointerHider(window)
        self.bar = QToolBar("Presentation bar", window)
        self.bar.setObjectName("presentation-bar")
        self.bar.setMovable(False)
        self.bar.setFloatable(False)
        self.bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.bar.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.lr_label = QLabel()
        self.lr_label.setToolTip("The selected run's learning rate η ([ halves it, ] doubles it)")
        for entry in BAR:
            if entry is None:
                self.bar.addSeparator()
            elif entry[0] == "lr":
                self.bar.addWidget(self.lr_label)
            else:
                action = window.actions[entry[0]]
                action.setIconText(entry[1])
                self.bar.addAction(action)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.bar)
        self.bar.hide()

    def enter(self) -> None:
        w = self.window
        if self.active:
            return
        self._saved = (QByteArray(w.saveState()), w.geometry(), w.isFullScreen(), w.isMaximized())
        self.active = True
        w.menuBar().hide()
        for key in HIDDEN_VIEWS:
            w.docks[key].hide()
        area = Qt.DockWidgetArea.RightDockWidgetArea
        for key in SIDE_VIEWS:
            dock = w.docks[key]
            w.addDockWidget(area, dock, Qt.Orientation.Vertical)
            dock.show()
        self.bar.show()
        w.showFullScreen()
        screen = w.screen().geometry()
        w.setGeometry(screen)              # without a window manager, full screen alone keeps the size
        side = [w.docks[key] for key in SIDE_VIEWS]
        w.resizeDocks(side[:1], [int(screen.width() * SIDE_SHARE)], Qt.Orientation.Horizontal)
        w.resizeDocks(side, [int(screen.height() * share) for share in (0.4, 0.3, 0.3)], Qt.Orientation.Vertical)
        self.pointer.start()

    def leave(self) -> None:
        w = self.window
        if not self.active:
            return
        self.active = False
        self.pointer.stop()
        self.bar.hide()
        w.menuBar().show()
        state, geometry, full, maximized = self._saved
        if full:
            w.showFullScreen()
        elif maximized:
            w.showMaximized()
        else:
            w.showNormal()
            w.setGeometry(geometry)
        w.restoreState(state)

    def show_snapshot(self, snap) -> None:
        """The learning rate in the bar (only while presenting)."""
        run = snap.selected
        lr = float(run.spec.config.hyper.get("lr", np.nan)) if run is not None else np.nan
        text = f"η = {lr:.3g}" if np.isfinite(lr) else "η: none"
        if run is not None:
            text += f"  ·  {run.spec.config.optimizer}"
        if self.lr_label.text() != text:
            self.lr_label.setText(text)
        play = self.window.actions["play"]
        label = "❚❚ Pause" if snap.playing else "▶ Play"
        if play.iconText() != label:
            play.setIconText(label)
