"""The Export picture dialog: which part of the window, at which size."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QSpinBox

from .picture import SIZE_LIMIT

SIZES = (("as on screen", None), ("1280 × 720", (1280, 720)), ("1920 × 1080 (full HD)", (1920, 1080)),
         ("3840 × 2160 (4K)", (3840, 2160)), ("custom", "custom"))


class PictureDialog(QDialog):
    """``views`` maps a name ("Whole window", "Data plane", …) to its widget."""

    def __init__(self, views: dict, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Export picture")
        self.views = views
        form = QFormLayout(self)
        self.what = QComboBox()
        self.what.addItems(list(views))
        self.what.setToolTip("The part of the window the picture shows")
        form.addRow("Picture of", self.what)
        self.size_box = QComboBox()
        for label, size in SIZES:
            self.size_box.addItem(label, size)
        self.size_box.setCurrentIndex(2)
        self.size_box.setToolTip("The picture's size in pixels: the view is scaled to fit it, centred")
        form.addRow("Size", self.size_box)
        self.width_box, self.height_box = QSpinBox(), QSpinBox()
        for box, value in ((self.width_box, 1920), (self.height_box, 1080)):
            box.setRange(16, SIZE_LIMIT)
            box.setValue(value)
            box.setSuffix(" px")
        form.addRow("Width", self.width_box)
        form.addRow("Height", self.height_box)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.size_box.currentIndexChanged.connect(self._show_custom)
        self._show_custom()

    def _show_custom(self) -> None:
        custom = self.size_box.currentData() == "custom"
        for box in (self.width_box, self.height_box):
            box.setEnabled(custom)

    def widget(self):
        return self.views[self.what.currentText()]

    def picture_size(self):
        """(width, height) of the picture, or None for the widget's own size."""
        data = self.size_box.currentData()
        if data == "custom":
            return self.width_box.value(), self.height_box.value()
        return data
