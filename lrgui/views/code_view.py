""""Show the code": the plain numpy script that reproduces the selected run, read-only, in a
fixed-width face, with Copy and Save. The script is written again only while the dock is shown
and when the selected run, its settings or the data change."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from ..core.errors import LrguiError
from .plot_helpers import pixel_font
from .theme import DEFAULT, Theme


class CodeView(QWidget):
    saveRequested = Signal()

    def __init__(self, controller, theme: Theme = DEFAULT, parent=None):
        super().__init__(parent)
        self.controller = controller
        self._data = None                    # the data and the run the script was written for
        self._run = None
        self._shown_run = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        row = QHBoxLayout()
        self.note = QLabel("Run it with plain python: its last line is θ, as lrgui train gives it.")
        self.note.setWordWrap(True)
        row.addWidget(self.note, 1)
        self.copy_button = QPushButton("Copy")
        self.copy_button.setToolTip("Copy the whole script to the clipboard")
        self.copy_button.clicked.connect(self.copy)
        self.save_button = QPushButton("Save as…")
        self.save_button.setToolTip("Save the script as a .py file")
        self.save_button.clicked.connect(self.saveRequested)
        row.addWidget(self.copy_button)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self.text = QPlainTextEdit()
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setToolTip("The selected run written out in numpy: the data, the features, the cost, "
                             "the update rule and the stopping rules")
        layout.addWidget(self.text, 1)
        self.apply_theme(theme)

    def apply_theme(self, theme: Theme) -> None:
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.text.setFont(pixel_font(theme.px(), font))

    def show_session(self, session) -> None:
        """Write the script again if the selected run's settings or the data changed."""
        spec = session.selected_run
        run = (spec.id, spec.label, repr(spec.config.as_dict()))
        if session.data is self._data and run == self._run:
            return
        self._data, self._run = session.data, run
        try:
            text = self.controller.run_script()
        except LrguiError as exc:
            self.text.setPlainText(f"# This run cannot be written out: {exc}")
            self.copy_button.setEnabled(False)
            self.save_button.setEnabled(False)
            return
        bar = self.text.verticalScrollBar().value() if run[:1] == self._shown_run else 0
        self._shown_run = run[:1]
        self.text.setPlainText(text)           # the same run stays where it was read; another starts at the top
        self.text.verticalScrollBar().setValue(bar)
        self.copy_button.setEnabled(True)
        self.save_button.setEnabled(True)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())
        self.controller.message.emit("Copied the script to the clipboard")
