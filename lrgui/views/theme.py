"""Colours, symbols and sizes of every view, in one object: the themes (light, dark, projector)
and, through ``scaled``, the zoom of presentation mode.

Sizes are in screen pixels: ``font_px`` is the height of tick labels and notes, ``point_size``
the diameter of a data point, ``line_width`` the width of a boundary. Every colour a view draws
with comes from here; the run colours are indexed by a run's colour number (``RunSpec.color``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from PySide6.QtGui import QColor


# (none the sky blue of the accuracy curve or the pink of the test loss)
MORE_CLASS_COLORS = ("#009E73", "#6A3D9A", "#D55E00", "#8B4513", "#9E9D24", "#7F7F7F", "#17BECF", "#B22222")
CLASS_SYMBOLS = ("o", "t1", "s", "d", "t", "p", "h", "star", "+", "x")
CLASS_SYMBOL_NAMES = ("circle", "triangle", "square", "diamond", "down triangle", "pentagon", "hexagon", "star",
                      "plus", "cross")


@dataclass(frozen=True)
class Theme:
    name: str = "light"
    title: str = "Light"
    dark: bool = False                     # the widgets get a dark palette too
    # Okabe–Ito colours: distinguishable with every common colour-vision deficiency. Classes 2 to
    # 9 (more than two classes) follow; each class has its own marker too, so colour is not needed.
    class_colors: tuple[str, ...] = ("#0072B2", "#E69F00", *MORE_CLASS_COLORS)
    class_symbols: tuple[str, ...] = CLASS_SYMBOLS
    class_names: tuple[str, ...] = CLASS_SYMBOL_NAMES
    run_colors: tuple[str, ...] = ("#000000", "#D55E00", "#009E73", "#CC79A7", "#0072B2", "#E69F00",
                                   "#56B4E9", "#999999")
    boundary_color: str = "#000000"
    contour_color: str = "#555555"
    wrong_color: str = "#CC0066"
    curve_color: str = "#009E73"
    test_color: str = "#CC79A7"
    accuracy_color: str = "#56B4E9"
    lr_color: str = "#999933"
    path_color: str = "#D55E00"
    focus_color: str = "#000000"       # the point taken apart in the equations, in every view
    point_outline: str = "#FFFFFF"
    message_color: str = "#CC0066"
    muted_color: str = "#444444"       # words beside the numbers: still legible on a projector
    label_fill: str = "#FFFFFFD7"      # behind notes drawn over a plot (#RRGGBBAA)
    background: str = "#FFFFFF"
    foreground: str = "#202020"
    grid_strength: float = 0.15
    # the optimizer's internals, drawn over the landscape's viridis colours (the same in every theme)
    gradient_color: str = "#FFFFFF"
    step_color: str = "#FF3B3B"
    momentum_color: str = "#00E5FF"
    direction_color: str = "#FF66FF"
    ellipse_color: str = "#F0E442"
    marker_color: str = "#FFFFFF"      # the optimum's star and the start of the epoch ramp
    marker_outline: str = "#000000"
    legend_fill: str = "#000000A0"     # the internals' legend, over the landscape
    legend_text: str = "#FFFFFF"
    # the shortcut list, over the whole window
    overlay_fill: str = "#14141CE1"
    overlay_text: str = "#FFFFFF"
    overlay_key: str = "#FFD54A"
    overlay_heading: str = "#9ECBFF"
    font_px: float = 13.0
    point_size: float = 9.0
    line_width: float = 2.0

    def scaled(self, factor: float) -> "Theme":
        """The same theme with fonts, points and lines ``factor`` times larger (zoom)."""
        return replace(self, font_px=self.font_px * factor, point_size=self.point_size * factor,
                       line_width=self.line_width * factor)

    def run_color(self, index: int) -> str:
        return self.run_colors[index % len(self.run_colors)]

    def px(self, factor: float = 1.0) -> int:
        """A font's pixel size: ``factor`` × ``font_px``, at least 6."""
        return max(6, round(self.font_px * factor))


def rgba(text: str) -> QColor:
    """A colour written #RRGGBB or #RRGGBBAA (alpha last, as CSS writes it; Qt alone would read
    eight digits as #AARRGGBB)."""
    if len(text) == 9:
        color = QColor(text[:7])
        color.setAlpha(int(text[7:], 16))
        return color
    return QColor(text)


LIGHT = Theme()

DARK = replace(
    LIGHT, name="dark", title="Dark", dark=True,
    class_colors=("#56B4E9", "#E69F00", "#2BD9A5", "#B39DDB", "#FF7F50", "#C8A27A", "#D8D86A", "#BBBBBB",
                  "#40E0F0", "#FF6F6F"),
    run_colors=("#FFFFFF", "#FF7F50", "#2BD9A5", "#E79BC8", "#6FA8FF", "#F0E442", "#56B4E9", "#BBBBBB"),
    boundary_color="#FFFFFF", contour_color="#B0B0B0", wrong_color="#FF5FA2", curve_color="#2BD9A5",
    test_color="#E79BC8", accuracy_color="#56B4E9", lr_color="#D8D86A", path_color="#FF7F50",
    focus_color="#FFFFFF", point_outline="#1B1B1F", message_color="#FF7FB5", muted_color="#C8C8C8",
    label_fill="#26262CD7", background="#1B1B1F", foreground="#EDEDED", grid_strength=0.22)

# Large, thick and saturated, on white: what survives a washed-out projector at the back of a hall.
PROJECTOR = replace(
    LIGHT, name="projector", title="Projector (high contrast)",
    class_colors=("#0057B8", "#D55E00", "#007A5A", "#5E2A84", "#B07800", "#6B4C00", "#6B6B00", "#555555",
                  "#008B9A", "#A00000"),
    # the first runs of a race in none of the two classes' colours
    run_colors=("#000000", "#AA3377", "#007A5A", "#6B4C00", "#5E2A84", "#B07800", "#008B9A", "#666666"),
    contour_color="#000000", wrong_color="#B0005A", curve_color="#007A5A", test_color="#AA3377",
    accuracy_color="#0057B8", lr_color="#6B6B00", path_color="#D55E00", muted_color="#000000",
    label_fill="#FFFFFFF0", foreground="#000000", grid_strength=0.3,
    font_px=16.0, point_size=12.0, line_width=3.0)

THEMES: dict[str, Theme] = {t.name: t for t in (LIGHT, DARK, PROJECTOR)}
DEFAULT = LIGHT
