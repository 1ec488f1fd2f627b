"""The import dialog: a data file's first rows as the reader splits them, and the choices that
make a data set of it — the separator, whether the first row is a header, the label column, which
label is class 1, and the two features the plane shows. Every choice reads the file again and
says at once what came of it: the data's size, or the reader's error with its line and column
(marked in the preview). Nothing changes in the window until the dialog is accepted.

A file of BACKGROUND_BYTES or more is read on a thread of its own, with a progress bar: the
dialog answers meanwhile, a new choice starts the read over, and Cancel stops it."""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QProgressBar,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ..core.dataset import MAX_CLASSES, Dataset
from ..core.errors import DataFileError
from ..core.params import DECIMAL
from ..core.table_io import Preview, ReadCancelled, preview_table, read_table
from .controls import mind_manners
from .theme import DEFAULT, Theme, rgba

SEPARATOR_CHOICES = (("auto", "Detect"), ("comma", "Comma ( , )"), ("tab", "Tab"), ("semicolon", "Semicolon ( ; )"),
                     ("whitespace", "Spaces or tabs"))
HEADER_CHOICES = ((None, "Detect"), (True, "First row names the columns"), (False, "No header row"))
BACKGROUND_BYTES = 4 << 20         # from this size a file is read on a thread, with a progress bar


class FileRead(QThread):
    """``read_table(path, **options)`` on its own thread. It reports (itself, the fraction read)
    as ``progressed`` and ends with ``read`` (itself, the Dataset or the DataFileError); after
    ``stop`` it ends with neither. Nothing of it is shared with the GUI thread but the stop flag.
    Connect its signals to methods of objects of the GUI thread, so that they run there."""

    progressed = Signal(object, float)
    read = Signal(object, object)

    def __init__(self, path: Path, options: dict, parent=None):
        super().__init__(parent)
        self.path, self.options = path, dict(options)
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()

    def run(self) -> None:
        try:
            data = read_table(self.path, progress=self._report, **self.options)
        except ReadCancelled:
            return
        except DataFileError as exc:
            data = exc
        if not self._stop.is_set():
            self.read.emit(self, data)

    def _report(self, fraction: float) -> bool:
        self.progressed.emit(self, fraction)
        return not self._stop.is_set()


class _Stopped(QObject):
    """Reads that were told to stop but have not yet ended (a long step of the reader ends
    first): kept here, not waited for, so that Cancel answers at once; waited for when the
    program quits, since a thread destroyed while it runs would end the program."""

    def __init__(self, app):
        super().__init__(app)
        self._reads: set[FileRead] = set()
        app.aboutToQuit.connect(self.wait_all)

    def keep(self, reader: FileRead) -> None:
        reader.setParent(None)
        self._reads.add(reader)
        reader.finished.connect(self._ended)           # run here, in the GUI thread
        if reader.isFinished():
            self._forget(reader)

    def _ended(self) -> None:
        self._forget(self.sender())

    def _forget(self, reader) -> None:
        if reader in self._reads:
            reader.wait()                              # it has ended: this returns at once
            self._reads.discard(reader)
            reader.deleteLater()

    def wait_all(self) -> None:
        for reader in list(self._reads):
            reader.wait()
            self._forget(reader)

    def __len__(self) -> int:
        return len(self._reads)


def stopped_reads() -> _Stopped:
    """The one keeper of stopped reads of this program."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    keeper = app.findChild(_Stopped)
    return keeper if keeper is not None else _Stopped(app)


def _combo(items, tip: str) -> QComboBox:
    box = QComboBox()
    for key, label in items:
        box.addItem(label, key)
    box.setToolTip(tip)
    return box


class ImportDialog(QDialog):
    """After ``exec`` returns Accepted, ``data`` is the data set (class 1 as chosen) and
    ``plane_axes`` the two feature columns (0-based) the plane shows. ``choices`` (from an
    earlier ``choices()``, for the same file) are made again where they still fit the file."""

    def __init__(self, path, parent=None, theme: Theme = DEFAULT, choices: dict | None = None):
        super().__init__(parent)
        self.path = Path(path)
        self.theme = theme
        self.data: Dataset | None = None
        self.plane_axes = (0, 1)
        self._preview: Preview | None = None
        self._parsed: Dataset | None = None          # as read, class 1 the reader's choice
        self.setWindowTitle(f"Import {self.path.name}")
        layout = QVBoxLayout(self)
        form = QGridLayout()
        self.separator = _combo(SEPARATOR_CHOICES, "How the values of a row are separated")
        self.header = _combo(HEADER_CHOICES, "Whether the first row holds the columns' names")
        self.label_column = _combo([], "The column that holds each row's class; the others are the features")
        self.positive = _combo([], "Which of the two labels is class 1 (the class whose probability σ(θᵀx) is)")
        self.plane_x = _combo([], "The feature on the data plane's horizontal axis (every feature is trained on)")
        self.plane_y = _combo([], "The feature on the data plane's vertical axis (every feature is trained on)")
        for k, (label, box) in enumerate((("Separator", self.separator), ("Header", self.header),
                                          ("Label column", self.label_column), ("Class 1 is", self.positive),
                                          ("Plane x", self.plane_x), ("Plane y", self.plane_y))):
            caption = QLabel(label)
            caption.setBuddy(box)
            form.addWidget(caption, k % 3, 2 * (k // 3))
            form.addWidget(box, k % 3, 2 * (k // 3) + 1)
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 1)
        layout.addLayout(form)
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setToolTip("The first rows of the file as they are split; the label column is in bold")
        layout.addWidget(self.table, 1)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setFormat("Reading the file … %p %")
        self.progress.setToolTip("The whole file is read with the choices made; Cancel stops it")
        self.progress.hide()
        layout.addWidget(self.progress)
        self._reader: FileRead | None = None
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.separator.activated.connect(lambda _: self._load())
        self.header.activated.connect(lambda _: self._load())
        self.label_column.activated.connect(lambda _: self._read())
        self.positive.activated.connect(lambda _: self._map_labels())
        self.plane_x.activated.connect(lambda _: self._plane_chosen(0))
        self.plane_y.activated.connect(lambda _: self._plane_chosen(1))
        self.resize(900, 560)
        mind_manners(self)                # a choice changes by the wheel only once it is clicked
        self._wanted = dict(choices or {})
        for box, key in ((self.separator, "separator"), (self.header, "header")):
            index = box.findData(self._wanted.get(key, box.currentData()))
            box.setCurrentIndex(max(index, 0))
        self._load()
        if not self.reading():
            self._wanted = {}                # else once the read is done
        # the keys start on the buttons: Enter opens, and no choice takes the wheel unasked
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setFocus()

    def choices(self) -> dict:
        """The choices made, as plain data (to make them again next time)."""
        return {"separator": self.separator.currentData(), "header": self.header.currentData(),
                "label": self.label_column.currentIndex(), "positive": self.positive.currentText(),
                "plane": list(self.plane_axes)}

    # -- reading -----------------------------------------------------------------------------------
    def _load(self) -> None:
        """Split the file's first rows with the separator and header chosen, then read it all."""
        try:
            self._preview = preview_table(self.path, self.separator.currentData(), self.header.currentData())
        except DataFileError as exc:
            self._preview = None
            self.table.clear()
            self.table.setRowCount(0)
            self.table.setColumnCount(0)
            self._refuse(exc)
            return
        p = self._preview
        names = p.column_names()
        keep = self.label_column.currentIndex() if self.label_column.count() == p.width else self._likely_label(p)
        wanted = self._wanted.get("label")
        if isinstance(wanted, int) and 0 <= wanted < p.width:
            keep = wanted
        self._fill(self.label_column, names, keep)
        self._read()

    @staticmethod
    def _likely_label(p: Preview) -> int:
        """The label column to offer first: the one column of text among numbers in the first
        row, else the last column."""
        first = p.rows[0][1] if p.rows else ()
        text = [j for j, field in enumerate(first) if not DECIMAL.fullmatch(field)]
        return text[0] if len(text) == 1 and len(first) == p.width else p.width - 1

    def _read(self) -> None:
        """Read the whole file with the choices made: at once, or for a large file on a thread
        whose outcome shows when it is done."""
        self._stop_reading()
        self._show_rows()
        p = self._preview
        if p is None:
            return
        if p.width < 2:
            self._refuse(DataFileError(self.path, "each row splits into one value: choose another separator",
                                       p.rows[0][0] if p.rows else None))
            return
        options = {"label_column": self.label_column.currentIndex() + 1, "separator": self.separator.currentData(),
                   "header": p.header is not None, "max_classes": MAX_CLASSES}
        try:
            size = self.path.stat().st_size
        except OSError:
            size = 0                                  # read at once: the reader says what is wrong
        if size >= BACKGROUND_BYTES:
            self._read_in_background(options, size)
            return
        try:
            data = read_table(self.path, **options)
        except DataFileError as exc:
            self._refuse(exc)
            return
        self._take(data)

    def _read_in_background(self, options: dict, size: int) -> None:
        self._clear_choices()                         # they belong to the read to come
        self.status.setStyleSheet("")
        self.status.setText(f"Reading {self.path.name} ({size / 2**20:,.0f} MiB) …")
        self.progress.setValue(0)
        self.progress.show()
        reader = self._reader = FileRead(self.path, options, self)
        reader.progressed.connect(self._show_progress)
        reader.read.connect(self._background_read)
        reader.start()

    def _show_progress(self, reader: FileRead, fraction: float) -> None:
        if reader is self._reader:
            self.progress.setValue(round(1000 * fraction))

    def _background_read(self, reader: FileRead, outcome) -> None:
        if reader is not self._reader:               # a read since started over
            return
        self._reader = None
        reader.wait()
        self.progress.hide()
        if isinstance(outcome, DataFileError):
            self._refuse(outcome)
        else:
            self._take(outcome)

    def _stop_reading(self) -> None:
        """Stop a read under way: its outcome no longer counts, and it ends on its own."""
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.stop()
            reader.progressed.disconnect(self._show_progress)
            reader.read.disconnect(self._background_read)
            stopped_reads().keep(reader)
            self.progress.hide()

    def reading(self) -> bool:
        """Whether the file is being read on a thread."""
        return self._reader is not None

    def done(self, result: int) -> None:              # noqa: D401 (Qt's name): Open, Cancel, Escape, close
        self._stop_reading()
        super().done(result)

    def _take(self, data: Dataset) -> None:
        """The data as read: the choices that depend on them, and the summary."""
        self._parsed = data
        names = data.class_names()
        wanted = self._wanted.get("positive")
        self._fill(self.positive, names, names.index(wanted) if wanted in names else 1)
        features = data.feature_names
        plane = self._wanted.get("plane")
        if (isinstance(plane, list) and len(plane) == 2 and all(isinstance(a, int) for a in plane)
                and plane[0] != plane[1]):
            self.plane_axes = tuple(plane)
        axes = self.plane_axes if max(self.plane_axes) < data.d else (0, min(1, data.d - 1))
        self._fill(self.plane_x, features, axes[0])
        self._fill(self.plane_y, features, axes[1])
        for box in (self.positive, self.plane_x, self.plane_y):
            box.setEnabled(True)
        self.positive.setEnabled(data.classes == 2)     # more classes keep the labels' order
        self.plane_y.setEnabled(data.d > 1)
        self._wanted = {}
        self._map_labels()

    def _map_labels(self) -> None:
        """The data with the label chosen as class 1."""
        data = self._parsed
        names = data.class_names()
        if data.classes == 2 and self.positive.currentText() == names[0]:   # the other way round from the reader's
            data = Dataset(data.X, 1.0 - data.y, data.feature_names, {names[1]: 0, names[0]: 1})
        self.data = data
        self.plane_axes = (self.plane_x.currentIndex(), max(self.plane_y.currentIndex(), 0))
        classes = " · ".join(f"class {c}: {name!r} ({count:,} rows)"
                             for c, (name, count) in enumerate(zip(data.class_names(), data.class_counts())))
        self.status.setStyleSheet("")
        self.status.setText(f"{data.n:,} rows · {data.d} feature{'s' if data.d > 1 else ''} · {classes}")
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(True)

    def _plane_chosen(self, axis: int) -> None:
        """Choosing the other axis's feature swaps the two."""
        boxes = (self.plane_x, self.plane_y)
        chosen, other = boxes[axis].currentIndex(), boxes[1 - axis]
        if chosen == self.plane_axes[1 - axis]:
            other.setCurrentIndex(self.plane_axes[axis])
        self._map_labels()

    def _clear_choices(self) -> None:
        """No data read: the choices that depend on them empty and disabled, and no Open."""
        self.data = self._parsed = None
        for box in (self.positive, self.plane_x, self.plane_y):
            box.clear()
            box.setEnabled(False)
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(False)

    def _refuse(self, exc: DataFileError) -> None:
        """The reader's error, where it is: in words and marked in the preview."""
        self._clear_choices()
        where = ", ".join(f"{k} {v}" for k, v in (("line", exc.line), ("column", exc.column)) if v is not None)
        text = f"{where[0].upper()}{where[1:]}: {exc.reason}" if where else exc.reason[:1].upper() + exc.reason[1:]
        if (exc.column is not None and exc.column - 1 != self.label_column.currentIndex()
                and exc.reason.endswith("is not a number")):
            text += " (if that column holds the classes, choose it as the label column)"
        self.status.setText(f"Cannot read the file as chosen. {text}")
        self.status.setStyleSheet(f"color: {self.theme.message_color}; font-weight: bold;")
        self._mark(exc.line, exc.column)

    # -- the preview -------------------------------------------------------------------------------
    def _show_rows(self) -> None:
        p = self._preview
        if p is None:
            return
        width = max([p.width, *(len(fields) for _, fields in p.rows)])
        names = list(p.column_names()) + [f"column {j + 1}" for j in range(p.width, width)]
        table = self.table
        table.clear()
        table.setColumnCount(width)
        table.setRowCount(len(p.rows))
        table.setHorizontalHeaderLabels(names)
        table.setVerticalHeaderLabels([f"line {number}" for number, _ in p.rows])
        label = self.label_column.currentIndex()
        header_font = table.horizontalHeader().font()
        for j in range(width):
            item = table.horizontalHeaderItem(j)
            font = type(header_font)(header_font)
            font.setBold(j == label)
            item.setFont(font)
            item.setToolTip("the label column" if j == label else "a feature")
        for r, (_number, fields) in enumerate(p.rows):
            for j, text in enumerate(fields):
                table.setItem(r, j, QTableWidgetItem(text))
        table.resizeColumnsToContents()
        header = table.horizontalHeader()            # the last column takes the width left over
        header.setStretchLastSection(False)
        header.setStretchLastSection(True)

    def _mark(self, line: int | None, column: int | None) -> None:
        """Mark the cell (or row) the error names, when the preview shows it."""
        p = self._preview
        if p is None or line is None:
            return
        row = next((r for r, (number, _) in enumerate(p.rows) if number == line), None)
        if row is None:
            return
        columns = [column - 1] if column is not None else range(self.table.columnCount())
        for j in columns:
            item = self.table.item(row, j)
            if item is not None:
                item.setBackground(QBrush(rgba(self.theme.message_color + "60")))
        self.table.clearSelection()                   # the selection's colour would hide the mark
        shown = self.table.item(row, columns[0]) if columns else None
        self.table.scrollToItem(shown or self.table.item(row, 0))

    @staticmethod
    def _fill(box: QComboBox, texts, current: int) -> None:
        """``texts`` in ``box`` (kept when the same), ``current`` chosen."""
        if [box.itemText(k) for k in range(box.count())] != list(texts):
            box.clear()
            box.addItems(list(texts))
        box.setCurrentIndex(max(0, min(current, box.count() - 1)))

    # -- for tests -----------------------------------------------------------------------------------
    def marked_cells(self) -> list[tuple[int, int]]:
        """(row, column) of the preview's cells marked as where the error is."""
        return [(r, j) for r in range(self.table.rowCount()) for j in range(self.table.columnCount())
                if self.table.item(r, j) is not None and self.table.item(r, j).background().style() != Qt.BrushStyle.NoBrush]
