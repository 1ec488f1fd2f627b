"""Input widgets built from the core's Param descriptions: typed numbers with validation,
logarithmic sliders, and forms that lay them out."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QScrollBar,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QTabBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..core.errors import LrguiError
from ..core.params import Param
from .theme import DEFAULT

INVALID_STYLE = f"QLineEdit {{ border: 2px solid {DEFAULT.wrong_color}; }}"
WHEEL_CONTROLS = (QComboBox, QAbstractSpinBox, QAbstractSlider, QTabBar)
TYPING_CONTROLS = (QLineEdit, QAbstractSpinBox)


def hand_focus_back(widget: QWidget) -> None:
    """Give keyboard focus back to the window's home (the data plane), so its keys work again."""
    window = widget.window()
    home = getattr(window, "focus_home", None)
    if callable(home):
        home()
    else:
        widget.clearFocus()


class InputManners(QObject):
    """What every input control of the window obeys:

    * a combo box, spin box, slider or tab bar takes the mouse wheel only while it has keyboard focus; the
      wheel over it otherwise scrolls the panel it sits in (or does nothing);
    * Enter in a text field or spin box commits what was typed, Escape reverts it, and both hand
      keyboard focus back to the window, so Space and the other keys work again at once;
    * a combo box sized for one type size is sized again for another (Qt keeps its smallest size
      from the first type it was laid out in).
    """

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind == QEvent.Type.FontChange and isinstance(obj, QComboBox):
            QApplication.sendEvent(obj, QEvent(QEvent.Type.StyleChange))     # forgets its sizes
            return False
        if kind == QEvent.Type.FocusIn and type(obj) is QLineEdit:
            obj.setProperty("text_before", obj.text())          # what Escape gives back
            return False
        if (kind == QEvent.Type.Wheel and isinstance(obj, WHEEL_CONTROLS) and not isinstance(obj, QScrollBar)
                and not obj.hasFocus()):
            area = obj.parent()
            while area is not None and not isinstance(area, QAbstractScrollArea):
                area = area.parent()
            if area is not None:
                QApplication.sendEvent(area.verticalScrollBar(), event)
            return True
        if kind == QEvent.Type.KeyPress and isinstance(obj, TYPING_CONTROLS):
            key = event.key()
            if key == Qt.Key.Key_Escape:
                if isinstance(obj, NumberEdit):
                    obj.revert()
                elif isinstance(obj, QAbstractSpinBox):
                    obj.setValue(obj.value())
                elif obj.property("text_before") is not None:
                    obj.setText(obj.property("text_before"))
                hand_focus_back(obj)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                QTimer.singleShot(0, lambda: hand_focus_back(obj))     # after the field commits
        return False


_MANNERS: InputManners | None = None


def mind_manners(*widgets: QWidget) -> None:
    """Apply InputManners to ``widgets`` and every input control inside them."""
    global _MANNERS
    if _MANNERS is None:
        _MANNERS = InputManners()
    for root in widgets:
        controls = [root, *root.findChildren(QWidget)]
        for w in controls:
            if isinstance(w, QScrollBar):       # scroll bars are what the wheel is for
                continue
            if isinstance(w, WHEEL_CONTROLS):
                w.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            if isinstance(w, WHEEL_CONTROLS + TYPING_CONTROLS):
                w.installEventFilter(_MANNERS)


class ElidedLabel(QWidget):
    """A one-line text that never asks for more room than it has: a long text is cut with "…"
    (the whole text in its tooltip), so a long message can never widen a dock or the window.

    It paints its text itself: a new text (every frame, for figures that change while training)
    only repaints the label, where a QLabel would also lay out its whole row again."""

    def __init__(self, text: str = "", parent=None):
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(10)
        self.setText(text)

    def setText(self, text: str) -> None:       # noqa: N802 (Qt's name)
        if text != self._full:
            self._full = text
            self.setToolTip(text)
            self.update()

    def text(self) -> str:
        return self._full

    def set_look(self, color: str | None = None, bold: bool = False) -> None:
        """The text's colour (the palette's by default) and weight."""
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.WindowText,
                         QColor(color) if color else QApplication.palette().color(QPalette.ColorRole.WindowText))
        self.setPalette(palette)
        font = QFont()                   # only the weight is set: size and face follow the window's
        if bold:
            font.setBold(True)
        self.setFont(font)
        self.updateGeometry()
        self.update()

    def shown_text(self) -> str:
        """The text as it fits the label's width."""
        return self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, max(10, self.width() - 4))

    def paintEvent(self, event) -> None:        # noqa: N802
        painter = QPainter(self)
        painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
        painter.drawText(self.rect().adjusted(2, 0, -2, 0),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self.shown_text())

    def minimumSizeHint(self):                  # noqa: N802
        return QSize(10, self.fontMetrics().height() + 4)

    def sizeHint(self):                         # noqa: N802
        width = min(self.fontMetrics().horizontalAdvance(self._full) + 4, 200)
        return QSize(max(width, 10), self.fontMetrics().height() + 4)


class NumberEdit(QLineEdit):
    """A number typed in any notation (0.01, 1e-5). Invalid input is marked, explained in the
    tooltip, and reverted when focus leaves; a valid one is emitted as ``committed``."""

    committed = Signal(float)

    def __init__(self, param: Param, value: float, parent=None):
        super().__init__(parent)
        self.param = param
        self._value = value
        self._help = param.help
        self.setToolTip(param.help)
        self.setText(self.format(value))
        self.editingFinished.connect(self._commit)
        self.textEdited.connect(self._check)

    @staticmethod
    def format(value: float) -> str:
        return f"{value:.6g}"

    def value(self) -> float:
        return self._value

    def set_value(self, value: float) -> None:
        self._value = value
        self.setText(self.format(value))
        self._mark(None)

    def revert(self) -> None:
        """Show the value in force again (what was typed is dropped)."""
        self.set_value(self._value)

    def _parse(self):
        try:
            return self.param.validate(self.text().strip()), None
        except LrguiError as exc:
            # the window names the field by its label ("Class 0: mean x₁"), not by its key
            text, p = str(exc), self.param
            return None, p.label + text[len(p.name):] if text.startswith(p.name) else text

    def set_help(self, text: str) -> None:
        """The tooltip the field shows while its text is valid."""
        self._help = text
        self._mark(None)

    def _mark(self, error: str | None) -> None:
        self.setStyleSheet(INVALID_STYLE if error else "")
        self.setToolTip(f"{error}\n\n{self._help}" if error else self._help)

    def _check(self, _text: str) -> None:
        self._mark(self._parse()[1])

    def _commit(self) -> None:
        value, error = self._parse()
        if error:
            self.setText(self.format(self._value))
            self._mark(None)
            say = getattr(self.window(), "show_message", None)
            if callable(say):               # the refusal is said where it is seen, not only in a tooltip
                say(f"Not taken: {error}; {self.format(self._value)} is kept.")
            return
        if value != self._value:
            self._value = value
            self.setText(self.format(value))
            self.committed.emit(value)


class LogSlider(QWidget):
    """A logarithmic slider over ``param.slider_range`` next to a NumberEdit; typed values may go
    beyond the slider (within the param's limits)."""

    valueChanged = Signal(float)
    STEPS = 600

    def __init__(self, param: Param, value: float, parent=None):
        super().__init__(parent)
        self.param = param
        lo, hi = param.slider_range
        self._lo, self._hi = math.log10(lo), math.log10(hi)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, self.STEPS)
        self.slider.setToolTip(f"{param.help} (logarithmic scale {lo:g} … {hi:g})")
        self.edit = NumberEdit(param, value)
        self.edit.setMaximumWidth(90)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.edit)
        self._place(value)
        self.slider.valueChanged.connect(self._slid)
        self.edit.committed.connect(self._typed)

    def _place(self, value: float) -> None:
        pos = (math.log10(max(value, 1e-300)) - self._lo) / (self._hi - self._lo) * self.STEPS
        self.slider.blockSignals(True)
        self.slider.setValue(int(round(min(max(pos, 0), self.STEPS))))
        self.slider.blockSignals(False)

    def _slid(self, pos: int) -> None:
        value = float(f"{10 ** (self._lo + (self._hi - self._lo) * pos / self.STEPS):.3g}")
        self.edit.set_value(value)
        self.valueChanged.emit(value)

    def _typed(self, value: float) -> None:
        self._place(value)
        self.valueChanged.emit(value)

    def value(self) -> float:
        return self.edit.value()

    def set_value(self, value: float) -> None:
        self.edit.set_value(value)
        self._place(value)


class ParamForm(QWidget):
    """One control per Param; ``changed(name, value)`` when the user commits a value."""

    changed = Signal(str, object)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.form = QFormLayout(self)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.controls: dict = {}
        self._params: tuple[Param, ...] = ()
        self.changed.connect(self._show_relevant)

    def set_params(self, params: tuple[Param, ...], values: dict | None = None) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.controls = {}
        self._params = tuple(params)
        values = values or {}
        for p in params:
            value = values.get(p.name, p.default)
            control = self._make(p, value)
            control.setToolTip(p.help)
            self.controls[p.name] = control
            self.form.addRow(p.label, control)
        mind_manners(self)
        self._show_relevant()

    def _show_relevant(self, *_changed) -> None:
        """Show only the settings that matter with the current choices (``Param.shown_for``)."""
        shown = set(self.relevant_names())
        for row, p in enumerate(self._params):
            self.form.setRowVisible(row, p.name in shown)

    def relevant_names(self) -> list[str]:
        """The settings that matter with the current choices, in order (the rows shown)."""
        current = self.values()
        return [p.name for p in self._params
                if p.shown_for is None or current.get(p.shown_for[0]) in p.shown_for[1]]

    def _make(self, p: Param, value):
        name = p.name
        if p.kind == "choice":
            box = QComboBox()
            box.addItems(list(p.choices))
            box.setCurrentText(str(value))
            box.currentTextChanged.connect(lambda v, name=name: self.changed.emit(name, v))
            return box
        if p.kind == "int":
            spin = QSpinBox()
            spin.setRange(int(p.low), int(min(p.high, 2**31 - 1)))
            if name == "batch_size":
                spin.setSpecialValueText("full batch")      # shown for 0
            spin.setValue(int(value))
            spin.setKeyboardTracking(False)
            spin.valueChanged.connect(lambda v, name=name: self.changed.emit(name, int(v)))
            return spin
        if p.log:
            slider = LogSlider(p, float(value))
            slider.valueChanged.connect(lambda v, name=name: self.changed.emit(name, v))
            return slider
        edit = NumberEdit(p, float(value))
        edit.committed.connect(lambda v, name=name: self.changed.emit(name, v))
        return edit

    def values(self) -> dict:
        out = {}
        for name, c in self.controls.items():
            if isinstance(c, QComboBox):
                out[name] = c.currentText()
            elif isinstance(c, QSpinBox):
                out[name] = c.value()
            else:
                out[name] = c.value()
        return out

    def set_values(self, values: dict) -> None:
        for name, value in values.items():
            c = self.controls.get(name)
            if c is None:
                continue
            c.blockSignals(True)
            if isinstance(c, QComboBox):
                c.setCurrentText(str(value))
            elif isinstance(c, QSpinBox):
                c.setValue(int(value))
            else:
                c.set_value(float(value))
            c.blockSignals(False)
        self._show_relevant()


class Section(QWidget):
    """A titled block whose content folds away when the title is clicked."""

    def __init__(self, title: str, content: QWidget, parent=None):
        super().__init__(parent)
        self.toggle = QToolButton()
        self.toggle.setText(title)
        self.toggle.setCheckable(True)
        self.toggle.setChecked(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow)
        self.toggle.setStyleSheet("QToolButton { border: none; font-weight: bold; }")
        self.toggle.setToolTip(f"Show or hide the {title.lower()} settings")
        self.content = content
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(self.toggle)
        layout.addWidget(content)
        self.toggle.toggled.connect(self._fold)

    def _fold(self, open_: bool) -> None:
        self.content.setVisible(open_)
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)


def checkbox(text: str, tip: str, checked: bool = False) -> QCheckBox:
    box = QCheckBox(text)
    box.setChecked(checked)
    box.setToolTip(tip)
    return box
