"""The window's look: which theme, how large (the zoom), remembered between sessions.

The window keeps two zooms, one for its ordinary layout and one for presentation mode (which
starts large enough to read from the back of a hall); Ctrl+= / Ctrl+- / Ctrl+0 change the one in
use. The widgets (panel, tables, status bar) follow the theme's palette and the zoomed font.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QFont, QFontInfo, QPalette
from PySide6.QtWidgets import QApplication

from .theme import LIGHT, THEMES, Theme

ZOOM_STEP = 1.15
ZOOM_RANGE = (0.6, 4.0)
# At 1920 × 1080 this makes tick labels 26 px and the status text 24 px high.
PRESENTATION_ZOOM = 2.0


def _within(zoom: float) -> float:
    return min(max(zoom, ZOOM_RANGE[0]), ZOOM_RANGE[1])


class Look:
    """The theme's name and the two zooms, read from and written to ``settings``."""

    def __init__(self, settings: QSettings):
        self.settings = settings
        name = str(settings.value("look/theme", LIGHT.name))
        self.theme_name = name if name in THEMES else LIGHT.name
        self.presenting = False

    def _zoom_key(self) -> str:
        return "look/presentation_zoom" if self.presenting else "look/zoom"

    def default_zoom(self) -> float:
        return PRESENTATION_ZOOM if self.presenting else 1.0

    @property
    def zoom(self) -> float:
        try:
            z = float(self.settings.value(self._zoom_key(), self.default_zoom()))
        except (TypeError, ValueError):
            z = self.default_zoom()
        return _within(z) if z == z else self.default_zoom()

    def set_zoom(self, zoom: float) -> float:
        """Set the zoom in use (kept within ZOOM_RANGE); returns what was set."""
        zoom = _within(float(zoom))
        self.settings.setValue(self._zoom_key(), zoom)
        return zoom

    def set_theme(self, name: str) -> None:
        if name not in THEMES:
            raise KeyError(name)
        self.theme_name = name
        self.settings.setValue("look/theme", name)

    def next_theme(self) -> str:
        """The name of the theme after the chosen one (the last is followed by the first)."""
        names = list(THEMES)
        return names[(names.index(self.theme_name) + 1) % len(names)]

    @property
    def theme(self) -> Theme:
        """The chosen theme at the zoom in use."""
        return THEMES[self.theme_name].scaled(self.zoom)


_LIGHT_PALETTE: QPalette | None = None
_BASE_FONT: QFont | None = None


def widget_look(theme: Theme) -> tuple[QPalette, QFont]:
    """The palette and the font of a window's widgets in ``theme``: the platform's own (as they
    were before any theme was applied) or a dark palette, and the platform's font scaled as the
    theme's fonts are."""
    global _LIGHT_PALETTE, _BASE_FONT
    app = QApplication.instance()
    if _LIGHT_PALETTE is None:
        _LIGHT_PALETTE, _BASE_FONT = QPalette(app.palette()), QFont(app.font())
    font = QFont(_BASE_FONT)
    font.setPixelSize(max(8, round(QFontInfo(_BASE_FONT).pixelSize() * theme.font_px / LIGHT.font_px)))
    return (dark_palette(theme) if theme.dark else QPalette(_LIGHT_PALETTE)), font


def type_factor() -> float:
    """How many times the platform's own the application's type now is (zoom, presentation)."""
    if _BASE_FONT is None:
        return 1.0
    return QFontInfo(QApplication.font()).pixelSize() / max(1, QFontInfo(_BASE_FONT).pixelSize())


def dark_palette(theme: Theme) -> QPalette:
    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    colours = {
        # fields lighter than the window: Fusion draws the rims of radio buttons and check boxes a
        # shade darker than the window, so on a darker field they would vanish
        role.Window: "#2A2A31", role.WindowText: theme.foreground, role.Base: "#3A3A43",
        role.AlternateBase: "#34343C", role.Text: theme.foreground, role.Button: "#34343C",
        role.ButtonText: theme.foreground, role.BrightText: "#FFFFFF", role.Highlight: "#3D6FB6",
        role.HighlightedText: "#FFFFFF", role.ToolTipBase: "#34343C", role.ToolTipText: theme.foreground,
        role.PlaceholderText: "#9A9AA2", role.Link: "#7FB2FF", role.Light: "#4A4A52", role.Midlight: "#3E3E46",
        role.Mid: "#2E2E35", role.Dark: "#1A1A1E", role.Shadow: "#000000",
    }
    for r, c in colours.items():
        p.setColor(r, QColor(c))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(group.Disabled, r, QColor("#80808A"))
    return p
