"""Pictures, histories and θ written from the window, checked by reading the files back and
against a separate training run."""

import csv
import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from PySide6.QtGui import QImage

from lrgui.core.run import TrainingRun
from lrgui.views.picture import PictureError, save_picture


@pytest.mark.parametrize("view", ["window", "plane", "landscape"])
@pytest.mark.parametrize("size", [(1920, 1080), (640, 900)])
def test_a_png_has_the_size_asked_for_and_shows_the_view(driver, tmp_path, view, size):
    w = driver.window
    driver.train(5)
    widget = {"window": w, "plane": w.plane, "landscape": w.landscape_view}[view]
    path = tmp_path / "picture.png"
    save_picture(widget, path, size)
    image = QImage(str(path))
    assert not image.isNull() and (image.width(), image.height()) == size
    colours = {image.pixel(x, y) for x in range(0, size[0], 37) for y in range(0, size[1], 41)}
    assert len(colours) > 8                          # something was drawn, not a blank page


def test_an_svg_is_valid_with_the_size_asked_for(driver, tmp_path):
    w = driver.window
    driver.train(3)
    path = tmp_path / "plane.svg"
    save_picture(w.plane, path, (1280, 720))
    from PySide6.QtSvg import QSvgRenderer

    assert QSvgRenderer(str(path)).isValid()
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    assert [float(x) for x in root.attrib["viewBox"].split()] == [0, 0, 1280, 720]
    assert len(list(root.iter())) > 20


def test_a_picture_refuses_a_bad_size_or_type_and_writes_nothing(driver, tmp_path):
    for name, size in (("a.png", (0, 100)), ("a.png", (9000, 100)), ("a.gifx", (100, 100))):
        with pytest.raises(PictureError):
            save_picture(driver.window.plane, tmp_path / name, size)
    assert list(tmp_path.iterdir()) == []


def test_the_history_and_theta_exports_equal_a_separate_run(driver, tmp_path):
    c = driver.controller
    snap = driver.train(12)
    reference = TrainingRun(snap.data, snap.selected.spec.config)
    reference.step(12)
    assert c.export_history(tmp_path / "history.csv")
    with open(tmp_path / "history.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 13
    expected = reference.history.rows("theta_original")
    got = np.array([[float(r[f"theta{j}"]) for j in range(3)] for r in rows])
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal([float(r["loss"]) for r in rows], reference.history.rows("loss"))
    c.seek(7)
    driver.settle()
    assert c.export_theta(tmp_path / "theta.json")
    record = json.loads((tmp_path / "theta.json").read_text())
    assert record["epoch"] == 7 and record["theta_names"] == ["b", "x1", "x2"]
    np.testing.assert_array_equal(record["theta"], expected[7])


def test_an_export_that_cannot_be_written_says_why_and_leaves_nothing(driver, tmp_path):
    c = driver.controller
    driver.train(2)
    target = tmp_path / "missing" / "h.csv"
    assert not c.export_history(target) and "Cannot save" in c.last_error
    assert not c.export_theta(tmp_path / "missing" / "t.json") and "Cannot save" in c.last_error
    assert not (tmp_path / "missing").exists()


def test_the_export_picture_action_saves_the_view_chosen_at_the_size_chosen(driver, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QDialog, QFileDialog

    from lrgui.views.picture_dialog import PictureDialog

    w = driver.window
    driver.train(3)
    chosen = {}

    def exec_(dialog):
        dialog.what.setCurrentText("Loss curve")
        dialog.size_box.setCurrentIndex(dialog.size_box.findText("custom"))
        dialog.width_box.setValue(800)
        dialog.height_box.setValue(500)
        chosen["widget"] = dialog.widget()
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(PictureDialog, "exec", exec_)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "loss"), ""))
    w.actions["export_picture"].trigger()
    image = QImage(str(tmp_path / "loss.png"))
    assert chosen["widget"] is w.loss_view and (image.width(), image.height()) == (800, 500)
    assert "Saved the picture" in w.message_label.text()
    assert w.actions["export_picture"].shortcut().toString() == "Ctrl+Shift+P"


def test_file_examples_opens_a_lecture_session_that_undo_takes_back(driver):
    w, c = driver.window, driver.controller
    titles = [a.text() for a in w.examples_menu.actions()]
    assert len(titles) == 7 and "Circles: polynomial features" in titles
    before = c.session.data
    w.examples_menu.actions()[titles.index("Circles: polynomial features")].trigger()
    snap = driver.settle()
    assert [r.config.degree for r in c.session.runs] == [2, 1] and c.session.origin.name == "circles"
    assert c.session.path == "" and not c.dirty and snap.data.n == 200
    c.undo_stack.undo()
    assert c.session.data is before
    driver.settle()
    assert w.panel.generator_form.values()["seed"] == 0          # the fields show the data's generator again
