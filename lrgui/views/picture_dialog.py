"""The Export picture and Export animation dialogs: which part of the window, at which size
(and for an animation: which epochs, how fast, in which theme)."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QSpinBox

from .animation import RenderJob
from .picture import SIZE_LIMIT
from .theme import THEMES

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
        """The width and height fields: editable for a custom size, else showing the size chosen."""
        data = self.size_box.currentData()
        custom = data == "custom"
        for i, box in enumerate((self.width_box, self.height_box)):
            box.setEnabled(custom)
            if isinstance(data, tuple):
                box.setValue(data[i])

    def widget(self):
        return self.views[self.what.currentText()]

    def picture_size(self):
        """(width, height) of the picture, or None for the widget's own size."""
        data = self.size_box.currentData()
        if data == "custom":
            return self.width_box.value(), self.height_box.value()
        return data


ANIMATED = {"Whole window": "window", "Data plane": "plane", "Loss curve": "loss", "Sigmoid": "sigmoid",
            "Loss landscape": "landscape"}


class AnimationDialog(PictureDialog):
    """What to animate, which epochs (``end``: the last recorded), the frame rate, the theme."""

    def __init__(self, end: int, theme: str, parent=None):
        super().__init__({name: None for name in ANIMATED}, parent)
        self.setWindowTitle("Export animation")
        self.size_box.removeItem(0)              # "as on screen": the animation is drawn apart
        self.size_box.setCurrentIndex(0)
        form = self.layout()
        row = form.rowCount() - 1                # above the buttons
        self.first, self.last, self.every = QSpinBox(), QSpinBox(), QSpinBox()
        for box, value, tip in ((self.first, 0, "The first epoch shown"),
                                (self.last, max(end, 1), "The last epoch shown (epochs not yet trained "
                                                         "are trained first)"),
                                (self.every, 1, "Show every k-th epoch of the range")):
            box.setRange(1 if box is self.every else 0, 10**7)
            box.setValue(value)
            box.setToolTip(tip)
        self.fps = QDoubleSpinBox()
        self.fps.setRange(0.5, 50)
        self.fps.setValue(10)
        self.fps.setSuffix(" frames/s")
        self.fps.setToolTip("Frames a second (at most 50 for GIF)")
        self.theme = QComboBox()
        for name, t in THEMES.items():
            self.theme.addItem(t.title, name)
        self.theme.setCurrentIndex(list(THEMES).index(theme))
        self.theme.setToolTip("The colours of the animation")
        self.zoom = QDoubleSpinBox()
        self.zoom.setRange(0.5, 4)
        self.zoom.setSingleStep(0.25)
        self.zoom.setValue(1)
        self.zoom.setToolTip("Type, points and lines this many times the usual size (2 for slides)")
        for i, (label, box) in enumerate((("From epoch", self.first), ("To epoch", self.last), ("Every", self.every),
                                          ("Frame rate", self.fps), ("Theme", self.theme), ("Zoom", self.zoom))):
            form.insertRow(row + i, label, box)

    def job(self) -> RenderJob:
        return RenderJob(view=ANIMATED[self.what.currentText()], first=self.first.value(),
                         last=max(self.first.value(), self.last.value()), every=self.every.value(),
                         size=self.picture_size(), theme=self.theme.currentData(), zoom=self.zoom.value())
