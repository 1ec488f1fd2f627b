"""Show the code in the window: the dock follows the selected run, copies and saves the script."""

import json
import subprocess
import sys

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QFileDialog

from lrgui.core.outcome import train_alone, train_result


def test_the_code_dock_follows_the_run_and_its_script_reproduces_it(driver, monkeypatch, tmp_path):
    w, c = driver.window, driver.controller
    driver.key(Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
               widget=w.plane)
    assert w.docks["code"].isVisible()
    text = w.code_view.text.toPlainText()
    assert "trained by Batch gradient descent" in text and "θ ← θ − η ∇J" in text
    driver.key(Qt.Key.Key_O, widget=w.plane)               # the next optimizer
    driver.settle()
    assert c.session.selected_run.config.optimizer != "gd"
    text = w.code_view.text.toPlainText()
    assert "Batch gradient descent" not in text
    w.code_view.copy_button.click()
    assert QApplication.clipboard().text() == text
    path = tmp_path / "run.py"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    w.code_view.save_button.click()
    done = subprocess.run([sys.executable, "-I", str(path)], capture_output=True, text=True, cwd=tmp_path,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    want = train_result(train_alone(c.session.data, c.session.selected_run.config))["theta"]
    assert np.allclose(json.loads(done.stdout.splitlines()[-1]), want, rtol=1e-10, atol=1e-10)


def test_a_run_that_cannot_be_written_says_so_in_the_dock(driver):
    w, c = driver.window, driver.controller
    w.actions["show_code"].trigger()
    c.clear()
    driver.settle()
    assert w.code_view.text.toPlainText().startswith("# This run cannot be written out:")
    assert not w.code_view.save_button.isEnabled()
    c.undo_stack.undo()
    driver.settle()
    assert w.code_view.save_button.isEnabled()
