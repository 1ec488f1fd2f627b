"""The timeline under the data plane: a slider over every recorded epoch. Moving it shows that epoch
in every view for every run; training on from there drops the later epochs."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QSlider, QToolButton, QWidget

from .controls import ElidedLabel


SYMBOLS = {"first": "⇤", "page_back": "«", "page_forward": "»", "last": "⇥"}


class Timeline(QWidget):
    seekRequested = Signal(int)

    def __init__(self, actions: dict, parent=None):
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(6, 2, 6, 2)
        self.buttons = {}
        for key in ("first", "page_back"):
            self.buttons[key] = self._button(actions[key], SYMBOLS[key])
            row.addWidget(self.buttons[key])
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)      # its keys are the window's
        self.slider.setToolTip("Every recorded epoch: drag to show it in every view for every run "
                               "(Home / End / PgUp / PgDn); training on from an earlier epoch drops the later ones")
        row.addWidget(self.slider, 1)
        for key in ("page_forward", "last"):
            self.buttons[key] = self._button(actions[key], SYMBOLS[key])
            row.addWidget(self.buttons[key])
        self.label = ElidedLabel()
        # room for most runs; a longer text is elided (its whole is in the tooltip) rather than
        # pushing the row past a narrow window's edge
        self.label.setMinimumWidth(self.label.fontMetrics().horizontalAdvance("epoch 00,000 of 00,000") + 8)
        # the row keeps that room for it (an ignored size would let the slider take it all and
        # push the label past the row's end)
        self.label.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
        self.label.setToolTip("The epoch shown, of the epochs recorded")
        row.addWidget(self.label)
        self.slider.valueChanged.connect(self._moved)
        self._showing = False

    @staticmethod
    def _button(action, symbol: str) -> QToolButton:
        action.setIconText(symbol)       # the menus keep the words; the button shows the symbol
        b = QToolButton()
        b.setDefaultAction(action)
        b.setAutoRaise(True)
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return b

    def _moved(self, value: int) -> None:
        if not self._showing:
            self.seekRequested.emit(int(value))

    def show_snapshot(self, snap) -> None:
        self._showing = True
        if self.slider.maximum() != snap.end:
            self.slider.setMaximum(max(snap.end, 0))
        if not self.slider.isSliderDown() and self.slider.value() != snap.position:
            self.slider.setValue(snap.position)
        self._showing = False
        text = f"epoch {snap.position:,} of {snap.end:,}" if snap.position < snap.end else f"epoch {snap.end:,}"
        if self.label.text() != text:
            self.label.setText(text)
