"""The import dialog: File > Open, a drop on the window and the command line show a data file's
first rows as split; the separator, header, label column, class 1 and the plane's features are
chosen there; a reader error shows with its line and column and the data stay as they were until
the dialog is accepted."""

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from lrgui.core.table_io import read_table
from lrgui.views.import_dialog import ImportDialog, stopped_reads


def open_button(dialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Open)


def choose(box, index):
    """Choose entry ``index`` of a combo box as a user does (the activated signal)."""
    box.setCurrentIndex(index)
    box.activated.emit(index)


def with_dialog(qtbot, act, answer):
    """Run ``act`` (which opens the import dialog) and ``answer(dialog)`` once it is up. A failed
    check in ``answer`` closes the dialog and fails the test (it would otherwise wait for a user)."""
    seen, failed = [], []

    def look():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ImportDialog):
            QTimer.singleShot(10, look)
            return
        seen.append(dialog)
        try:
            answer(dialog)
        except Exception as exc:          # noqa: BLE001 — raised again in the test below
            failed.append(exc)
            dialog.reject()

    QTimer.singleShot(0, look)
    result = act()
    assert seen, "the import dialog did not open"
    if failed:
        raise failed[0]
    return result, seen[0]


@pytest.fixture
def iris_file(tmp_path):
    """Iris as a semicolon-separated file with a header, the species (text) in the first column."""
    from sklearn.datasets import load_iris

    iris = load_iris(as_frame=True)
    frame = iris.data.copy()
    frame.insert(0, "species", [iris.target_names[t] for t in iris.target])
    frame = frame[frame.species != "setosa"]
    path = tmp_path / "iris two species.csv"
    frame.to_csv(path, sep=";", index=False)
    return path, frame


def test_the_classic_exercise_file_opens_as_it_is(qtbot, shared_data):
    dialog = ImportDialog(shared_data / "ex2data1.txt")
    qtbot.addWidget(dialog)
    assert dialog.separator.currentData() == "auto" and dialog.table.rowCount() == 20
    assert dialog.table.item(0, 0).text() == "34.62365962451697" and dialog.label_column.currentIndex() == 2
    assert open_button(dialog).isEnabled()
    assert dialog.data.equals(read_table(shared_data / "ex2data1.txt"))
    assert "100 rows · 2 features" in dialog.status.text()


def test_a_file_with_a_header_text_labels_and_the_label_first(qtbot, iris_file):
    path, frame = iris_file
    dialog = ImportDialog(path)
    qtbot.addWidget(dialog)
    # detected: semicolons and a header; the one column of text is offered as the label
    assert [dialog.table.horizontalHeaderItem(j).text() for j in range(5)] == list(frame.columns)
    assert dialog.label_column.currentIndex() == 0 and open_button(dialog).isEnabled()
    # the last column as the label: the text column is then a feature, and the error says what to do
    choose(dialog.label_column, 4)
    assert not open_button(dialog).isEnabled()
    assert "'versicolor' is not a number (if that column holds the classes, choose it as the label column)" in \
        dialog.status.text()
    choose(dialog.label_column, 0)
    assert open_button(dialog).isEnabled()
    assert dialog.table.horizontalHeaderItem(0).font().bold()
    data = dialog.data
    assert data.feature_names == tuple(frame.columns[1:]) and data.n == 100
    np.testing.assert_array_equal(data.X, frame.iloc[:, 1:].to_numpy())
    assert data.label_map == {"versicolor": 0, "virginica": 1}
    # the other label as class 1: every label flips, nothing else
    assert [dialog.positive.itemText(k) for k in range(2)] == ["versicolor", "virginica"]
    choose(dialog.positive, 0)
    assert dialog.data.label_map == {"virginica": 0, "versicolor": 1}
    np.testing.assert_array_equal(dialog.data.y, (frame.species == "versicolor").to_numpy(float))
    # the plane's features: petal length and petal width; choosing y's feature for x swaps them
    choose(dialog.plane_x, 2)
    choose(dialog.plane_y, 3)
    assert dialog.plane_axes == (2, 3)
    choose(dialog.plane_x, 3)
    assert dialog.plane_axes == (3, 2)


def test_the_wheel_changes_a_choice_only_once_it_is_clicked(qtbot, iris_file):
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QWheelEvent

    dialog = ImportDialog(iris_file[0])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.focusWidget() is open_button(dialog)     # no choice has the keys (nor the wheel)
    box = dialog.separator
    before = box.currentIndex()
    wheel = QWheelEvent(QPointF(5, 5), QPointF(box.mapToGlobal(QPoint(5, 5))), QPoint(0, 0), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(box, wheel)
    assert box.currentIndex() == before and dialog.data is not None


def test_separator_and_header_can_be_chosen_and_a_wrong_choice_is_explained(qtbot, iris_file):
    path, _ = iris_file
    dialog = ImportDialog(path)
    qtbot.addWidget(dialog)
    choose(dialog.separator, [dialog.separator.itemData(k) for k in range(5)].index("comma"))
    assert dialog.table.columnCount() == 1 and not open_button(dialog).isEnabled()
    assert "choose another separator" in dialog.status.text()
    choose(dialog.separator, [dialog.separator.itemData(k) for k in range(5)].index("semicolon"))
    assert dialog.label_column.currentIndex() == 0 and open_button(dialog).isEnabled()
    choose(dialog.header, 2)                       # "no header row": the names become a data row
    assert dialog.table.item(0, 1).text() == "sepal length (cm)"
    assert "Line 1, column 2: 'sepal length (cm)' is not a number" in dialog.status.text()
    assert dialog.marked_cells() == [(0, 1)] and dialog.data is None


@pytest.mark.parametrize("text,line,column,words", [
    ("a,b,label\n1,2,0\n3,abc,1\n5,6,1\n", 3, 2, "'abc' is not a number"),
    ("a,b,label\n1,2,0\n3,4\n5,6,1\n", 3, None, "expected 3 values, found 2"),
    ("a,b,label\n" + "".join(f"{k},{k},{k}\n" for k in range(11)), 12, 3, "'10': at most 10 classes"),
    ("a,b,label\n1,2,0\n3,4,0\n", None, None, "two classes are needed"),
])
def test_malformed_files_show_the_error_with_line_and_column_and_leave_the_data(driver, tmp_path, text, line,
                                                                                 column, words):
    w, c = driver.window, driver.controller
    path = tmp_path / "bad.csv"
    path.write_text(text)
    before, undo = c.session.data, c.undo_stack.count()

    def answer(dialog):
        status = dialog.status.text()
        where = ", ".join(f"{k} {v}" for k, v in (("Line", line), ("column", column)) if v is not None)
        assert words in status and (where in status if where else "Line" not in status)
        assert not open_button(dialog).isEnabled()
        if line is not None:
            rows = [r for r, _ in dialog.marked_cells()]
            assert rows and all(dialog.table.verticalHeaderItem(r).text() == f"line {line}" for r in rows)
        dialog.reject()

    opened, _ = with_dialog(driver.qtbot, lambda: w.open_path(str(path)), answer)
    assert opened is False
    assert c.session.data is before and c.undo_stack.count() == undo


def test_accepting_opens_the_data_with_the_plane_chosen_in_one_undoable_step(driver, iris_file):
    w, c = driver.window, driver.controller
    path, frame = iris_file
    before = c.session.data

    def answer(dialog):
        choose(dialog.label_column, 0)
        choose(dialog.plane_x, 2)
        choose(dialog.plane_y, 3)
        open_button(dialog).click()

    opened, _ = with_dialog(driver.qtbot, lambda: w.open_path(str(path)), answer)
    assert opened
    snap = driver.settle()
    assert snap.data.n == 100 and c.session.view.plane_axes == (2, 3)
    assert w.plane.getPlotItem().getAxis("bottom").labelText == "petal length (cm)"
    assert f"Open {path.name}" == c.undo_stack.undoText()
    c.undo_stack.undo()
    assert c.session.data is before and c.session.view.plane_axes == (0, 1)


def test_a_file_dropped_on_the_window_opens_in_the_import_dialog(driver, tmp_path):
    w, c = driver.window, driver.controller
    path = tmp_path / "dropped.csv"
    pd.DataFrame({"x1": [0.0, 1.0, 2.0, 3.0], "x2": [1.0, 0.0, 1.0, 2.0], "y": ["no", "yes", "no", "yes"]}).to_csv(
        path, index=False)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    target = w.plane.viewport()                      # dropped over the data plane
    centre = target.rect().center()
    enter = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, enter)
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(centre), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)

    def answer(dialog):
        assert dialog.path == path and "4 rows · 2 features" in dialog.status.text()
        open_button(dialog).click()

    def act():
        QApplication.sendEvent(target, drop)
        driver.qtbot.waitUntil(lambda: c.session.origin.name == str(path), timeout=5000)
        return True

    with_dialog(driver.qtbot, act, answer)
    assert c.session.data.label_map == {"no": 0, "yes": 1} and c.session.data.n == 4
    # two files, or text, are not taken
    mime2 = QMimeData()
    mime2.setText("1,2,0")
    refused = QDragEnterEvent(centre, Qt.DropAction.CopyAction, mime2, Qt.MouseButton.LeftButton,
                              Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(target, refused)
    assert not refused.isAccepted()


def test_the_dialog_makes_the_last_choices_for_a_file_again(driver, iris_file):
    w = driver.window
    path, _ = iris_file

    def first(dialog):
        choose(dialog.positive, 0)                  # versicolor as class 1
        choose(dialog.plane_x, 2)
        choose(dialog.plane_y, 3)
        open_button(dialog).click()

    with_dialog(driver.qtbot, lambda: w.open_path(str(path)), first)
    seen = {}

    def again(dialog):
        seen.update(label=dialog.label_column.currentText(), positive=dialog.positive.currentText(),
                    plane=dialog.plane_axes, separator=dialog.separator.currentData())
        dialog.reject()

    with_dialog(driver.qtbot, lambda: w.open_path(str(path)), again)
    assert seen == {"label": "species", "positive": "versicolor", "plane": (2, 3), "separator": "auto"}


def test_a_file_of_three_labels_opens_as_three_classes_in_their_order(driver, tmp_path):
    w = driver.window
    path = tmp_path / "fruit.csv"
    path.write_text("width,height,kind\n1,2,pear\n3,4,apple\n5,6,fig\n7,8,apple\n2,1,pear\n")

    def answer(dialog):
        assert "class 0: 'apple' (2 rows) · class 1: 'fig' (1 rows) · class 2: 'pear' (2 rows)" in dialog.status.text()
        assert not dialog.positive.isEnabled()          # with more than two classes the order is the labels'
        open_button(dialog).click()

    opened, _ = with_dialog(driver.qtbot, lambda: w.open_path(str(path)), answer)
    assert opened
    snap = driver.settle()
    assert snap.data.class_names() == ("apple", "fig", "pear") and snap.data.y.tolist() == [2, 0, 1, 0, 2]
    assert "3 classes" in w.panel.counts.text()
    assert w.panel.class_group.button(2).text() == "class 2: pear (square)"
    assert not w.panel.class_group.button(3).isVisibleTo(w.panel)     # named classes: no new one offered


@pytest.fixture
def large_file(tmp_path):
    """A file above the size read in the background: 120,000 rows of two features, labels a/b."""
    from lrgui.views.import_dialog import BACKGROUND_BYTES

    rng = np.random.default_rng(5)
    n = 120_000
    frame = pd.DataFrame({"u": rng.normal(size=n), "v": rng.normal(size=n),
                          "kind": np.where(rng.random(n) < 0.4, "b", "a")})
    path = tmp_path / "large.csv"
    frame.to_csv(path, index=False, float_format="%.17g")
    assert path.stat().st_size >= BACKGROUND_BYTES
    return path


def test_a_large_file_is_read_on_a_thread_with_progress_and_then_opens(driver, large_file):
    w = driver.window
    seen = []

    def answer(dialog):
        assert dialog.reading() and dialog.progress.isVisible() and not open_button(dialog).isEnabled()
        dialog.progress.valueChanged.connect(seen.append)
        choose(dialog.positive, 0) if dialog.positive.count() else None      # no effect while reading
        driver.qtbot.waitUntil(lambda: not dialog.reading(), timeout=30_000)
        assert not dialog.progress.isVisible() and open_button(dialog).isEnabled()
        assert "120,000 rows" in dialog.status.text()
        open_button(dialog).click()

    opened, _ = with_dialog(driver.qtbot, lambda: w.open_path(str(large_file)), answer)
    assert opened
    expected = read_table(large_file)
    data = driver.controller.session.data
    np.testing.assert_array_equal(data.X, expected.X)
    np.testing.assert_array_equal(data.y, expected.y)
    assert data.label_map == {"a": 0, "b": 1}
    assert seen and seen == sorted(seen) and seen[-1] == 1000     # the bar moved forward to the end


def test_cancel_stops_a_large_read_and_leaves_the_data(driver, large_file, monkeypatch):
    from lrgui.core import table_io

    import threading

    fractions, gate = [], threading.Event()
    real = table_io._Reporting.readinto

    def slow(self, buffer):                   # a disk that stalls after two reads, until let go
        fractions.append(self._done / self._size)
        if len(fractions) > 2:
            gate.wait(20)
        return real(self, buffer)

    monkeypatch.setattr(table_io._Reporting, "readinto", slow)
    w = driver.window
    before = driver.controller.session.data
    readers = []

    def answer(dialog):
        assert dialog.reading()
        readers.append(dialog._reader)
        driver.qtbot.waitUntil(lambda: len(fractions) > 2, timeout=10_000)
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()

    opened, dialog = with_dialog(driver.qtbot, lambda: w.open_path(str(large_file)), answer)
    assert not opened and dialog.data is None and not dialog.reading()
    assert readers[0].isRunning() and readers[0] in stopped_reads()._reads   # Cancel did not wait for it
    gate.set()
    driver.qtbot.waitUntil(lambda: len(stopped_reads()) == 0, timeout=10_000)   # it ended on its own
    assert fractions[-1] < 1.0                                    # stopped before the end
    assert driver.controller.session.data is before


def test_a_new_choice_during_a_large_read_starts_it_over(qtbot, large_file):
    dialog = ImportDialog(large_file)
    qtbot.addWidget(dialog)
    first = dialog._reader
    assert first is not None
    choose(dialog.label_column, 0)            # the feature "u" as the label: refused once read
    assert dialog.reading() and dialog._reader is not first
    assert not dialog.positive.isEnabled() and dialog.positive.count() == 0    # no choice of the last read
    qtbot.waitUntil(lambda: not dialog.reading(), timeout=30_000)
    assert dialog.data is None and "Cannot read the file" in dialog.status.text()
    choose(dialog.label_column, 2)
    qtbot.waitUntil(lambda: not dialog.reading(), timeout=30_000)
    assert dialog.data is not None and dialog.data.n == 120_000 and dialog.data.label_map == {"a": 0, "b": 1}
