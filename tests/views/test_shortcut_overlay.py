"""The shortcut overlay: every action of every menu has a key, and the overlay lists them all."""

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from lrgui.views.shortcut_overlay import menu_shortcuts


def test_every_menu_action_has_a_key_and_the_overlay_lists_it(driver):
    w = driver.window
    driver.key(Qt.Key.Key_F1, widget=w.plane)
    overlay = w.shortcut_overlay
    assert overlay.isVisible() and overlay.geometry() == w.rect()
    shown = overlay.label.text()
    count = 0
    for menu_action in w.menuBar().actions():
        for action in menu_action.menu().actions():
            if action.isSeparator():
                continue
            if action.menu() is not None:          # a submenu of keys is one row: its first … last key
                keyed = [a for a in action.menu().actions() if a.shortcuts()]
                if keyed:
                    first, last = (a.shortcuts()[0].toString() for a in (keyed[0], keyed[-1]))
                    assert f"{first} … {last}" in shown
                    count += 1
                continue
            assert action.shortcuts(), f"{action.text()} has no key"
            keys = action.shortcuts()[0].toString()
            assert keys.replace("&", "&amp;") in shown or keys in shown, keys
            count += 1
    assert count == sum(len(rows) for _title, rows in menu_shortcuts(w.menuBar())) and count > 50
    driver.key(Qt.Key.Key_Escape, widget=overlay)
    assert not overlay.isVisible() and QApplication.focusWidget() is w.plane


def test_the_question_mark_opens_it_and_a_click_closes_it(driver, qtbot):
    w = driver.window
    driver.key(Qt.Key.Key_Question, widget=w.plane)
    assert w.shortcut_overlay.isVisible()
    qtbot.mouseClick(w.shortcut_overlay, Qt.MouseButton.LeftButton)
    assert not w.shortcut_overlay.isVisible()


def test_help_has_first_steps_and_about(driver, monkeypatch):
    w = driver.window
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[1:3]))
    monkeypatch.setattr(QMessageBox, "about", lambda *a: shown.append(a[1:3]))
    w.actions["first_steps"].trigger()
    w.actions["about"].trigger()
    assert [title for title, _text in shown] == ["First steps", "About lrgui"]
    assert "Space" in shown[0][1] and "0.1.0" in shown[1][1]


def test_lecture_keys_toggle_the_view_options_and_draw_new_data(driver):
    w, c = driver.window, driver.controller
    before = c.session.view
    for key, name in ((Qt.Key.Key_S, "shading"), (Qt.Key.Key_C, "contours"), (Qt.Key.Key_M, "misclassified"),
                      (Qt.Key.Key_L, "log_loss")):
        was = getattr(c.session.view, name)
        driver.key(key, widget=w.plane)
        driver.settle()
        assert getattr(c.session.view, name) is (not was) and w.actions[name].isChecked() is (not was)
    assert not c.session.view.shading and not w.plane.shading.isVisible()     # S turned it off
    for _ in range(4):
        c.undo_stack.undo()
    assert c.session.view == before
    seed = dict(c.session.origin.params).get("seed", 0)
    old = c.session.data
    driver.key(Qt.Key.Key_G, widget=w.plane)
    assert dict(c.session.origin.params)["seed"] == seed + 1 and not np.array_equal(c.session.data.X, old.X)
    c.undo_stack.undo()
    assert c.session.data is old


def test_new_data_from_a_file_says_it_cannot(driver, tmp_path):
    c = driver.controller
    path = tmp_path / "points.csv"
    path.write_text("x1,x2,label\n0,0,0\n1,1,1\n2,0,0\n3,1,1\n")
    assert c.open_path(path)
    assert not c.new_data() and "from a file" in c.last_error
    assert c.session.data.n == 4
