"""Every shortcut of the window over the window itself, grouped as the menus group them, large
enough to read from the back of a room. F1 or ? shows it; Esc, F1, ? or a click hides it."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence, QPainter
from PySide6.QtWidgets import QLabel, QMenuBar, QVBoxLayout, QWidget

from .plot_helpers import pixel_font
from .theme import DEFAULT, Theme, rgba

COLUMNS = 3


def keys_text(action) -> str:
    """An action's shortcuts as the platform writes them ("Ctrl+Z / F14 / Undo"), or ""."""
    return " / ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in action.shortcuts())


def menu_shortcuts(bar: QMenuBar) -> list[tuple[str, list[tuple[str, str]]]]:
    """(menu title, [(keys, action text)]) for every menu of ``bar`` and every action in it that
    has a shortcut; a submenu of keyed actions (Click adds class 0 … 9) is one row, its first
    and last keys (submenus without keys, such as Open recent, are left out)."""
    groups = []
    for menu_action in bar.actions():
        menu = menu_action.menu()
        if menu is None:
            continue
        rows = []
        for action in menu.actions():
            if action.isSeparator():
                continue
            if action.menu() is not None:
                keyed = [a for a in action.menu().actions() if keys_text(a)]
                if keyed:
                    rows.append((f"{keys_text(keyed[0])} … {keys_text(keyed[-1])}", _plain(action.text())))
                continue
            keys = keys_text(action)
            if keys:
                rows.append((keys, _plain(action.text())))
        groups.append((menu.title().replace("&", ""), rows))
    return groups


def _plain(text: str) -> str:
    """A menu text without its mnemonic marks (a doubled & stays as one)."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


class ShortcutOverlay(QWidget):
    """A child of the main window that covers it while shown."""

    def __init__(self, window, theme: Theme = DEFAULT):
        super().__init__(window)
        self.window_ = window
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.apply_theme(theme)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        self.hide()
        window.installEventFilter(self)

    def apply_theme(self, theme: Theme) -> None:
        """The overlay's colours and its type (1.15 × the theme's); shown again if open."""
        self.theme = theme
        self.label.setFont(pixel_font(theme.px(1.15), self.label.font()))
        if self.isVisible():
            self.label.setText(self._html())
            self._fit()

    def text(self) -> str:
        """What the overlay shows, as plain text (for tests)."""
        return self.label.text()

    def _html(self) -> str:
        import html

        t = self.theme
        columns: list[list[str]] = [[] for _ in range(COLUMNS)]
        groups = menu_shortcuts(self.window_.menuBar())
        target = sum(len(rows) + 2 for _title, rows in groups) / COLUMNS
        filled, column = 0, 0
        for title, rows in groups:            # the menus in order, a column filled before the next
            if filled and filled + (len(rows) + 2) / 2 > target * (column + 1) and column < COLUMNS - 1:
                column += 1
            body = "".join(f"<tr><td align=right style='color:{t.overlay_key}; padding-right:10px'>"
                           f"<b>{html.escape(k)}</b></td><td style='color:{t.overlay_text}'>{html.escape(name)}</td></tr>"
                           for k, name in rows)
            columns[column].append(f"<p style='color:{t.overlay_heading}; font-size:large'><b>{html.escape(title)}"
                                   f"</b></p><table cellspacing=2>{body}</table>")
            filled += len(rows) + 2
        cells = "".join(f"<td valign=top style='padding:0 20px'>{''.join(c)}</td>" for c in columns if c)
        return (f"<p style='color:{t.overlay_text}; font-size:x-large'><b>Keyboard shortcuts</b></p>"
                f"<table><tr>{cells}</tr></table><p style='color:{t.overlay_heading}'>Esc, F1 or ? closes this</p>")

    def _fit(self) -> None:
        """The theme's type, made smaller until the whole list fits over the window."""
        room = self.window_.rect().size()
        px = self.theme.px(1.15)
        while px > 8:
            self.label.setFont(pixel_font(px, self.label.font()))
            hint = self.label.sizeHint()
            if hint.width() <= room.width() - 20 and hint.height() <= room.height() - 20:
                break
            px -= 1

    def toggle(self) -> None:
        self.close_overlay() if self.isVisible() else self.open_overlay()

    def open_overlay(self) -> None:
        self.label.setText(self._html())
        self.setGeometry(self.window_.rect())
        self._fit()
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_overlay(self) -> None:
        if self.isVisible():
            self.hide()
            focus_home = getattr(self.window_, "focus_home", None)
            if callable(focus_home):
                focus_home()

    def paintEvent(self, event) -> None:        # noqa: N802 (Qt's name)
        painter = QPainter(self)
        painter.fillRect(self.rect(), rgba(self.theme.overlay_fill))

    def keyPressEvent(self, event) -> None:     # noqa: N802
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F1, Qt.Key.Key_Question):
            self.close_overlay()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event) -> None:   # noqa: N802
        self.close_overlay()

    def eventFilter(self, watched, event) -> bool:   # noqa: N802
        if watched is self.window_ and event.type() == QEvent.Type.Resize and self.isVisible():
            self.setGeometry(self.window_.rect())
        return False
