"""Colours, symbols and sizes of every view, in one object so presentation mode can scale them."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Theme:
    # Okabe–Ito colours: distinguishable with every common colour-vision deficiency.
    class_colors: tuple[str, str] = ("#0072B2", "#E69F00")
    class_symbols: tuple[str, str] = ("o", "t1")
    class_names: tuple[str, str] = ("circle", "triangle")
    boundary_color: str = "#000000"
    contour_color: str = "#555555"
    wrong_color: str = "#CC0066"
    curve_color: str = "#009E73"
    test_color: str = "#CC79A7"
    accuracy_color: str = "#56B4E9"
    lr_color: str = "#999933"
    path_color: str = "#D55E00"
    focus_color: str = "#000000"      # the point taken apart in the equations, in every view
    background: str = "#FFFFFF"
    foreground: str = "#202020"
    font_size: float = 10.0
    point_size: float = 9.0
    line_width: float = 2.0

    def scaled(self, factor: float) -> "Theme":
        """The same theme with fonts, points and lines ``factor`` times larger (presentation)."""
        return replace(self, font_size=self.font_size * factor, point_size=self.point_size * factor,
                       line_width=self.line_width * factor)


DEFAULT = Theme()
