"""The shortcut overlay: every action of every menu has a key, and the overlay lists them all."""

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
            if action.isSeparator() or action.menu() is not None:
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
