"""One line of a benchmark's table: a measured figure next to its reference, measured in the same
run, and the goal their ratio is held to. Ratios compare across machines; the figures do not."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    """``value`` and ``reference`` are in ``unit`` (seconds, ms, epochs/s, …). ``ratio`` is
    value ÷ reference. The goal is ``ratio ≤ at_most`` or ``ratio ≥ at_least`` (or, for absolute
    goals, ``value ≤ value_at_most``); a figure with no goal is context only (``met`` is None)."""

    goal: str                       # the goal's number and short name, e.g. "1 start-up"
    what: str                       # what was measured, e.g. "launch → first painted window"
    value: float
    unit: str
    reference_what: str = ""
    reference: float = math.nan
    at_most: float | None = None
    at_least: float | None = None
    value_at_most: float | None = None

    @property
    def ratio(self) -> float:
        if not (self.reference and math.isfinite(self.reference)):
            return math.nan
        return self.value / self.reference

    @property
    def met(self) -> bool | None:
        checks = []
        if self.at_most is not None:
            checks.append(self.ratio <= self.at_most)
        if self.at_least is not None:
            checks.append(self.ratio >= self.at_least)
        if self.value_at_most is not None:
            checks.append(self.value <= self.value_at_most)
        return all(checks) if checks else None

    @property
    def goal_text(self) -> str:
        parts = []
        if self.at_most is not None:
            parts.append(f"ratio ≤ {self.at_most:g}")
        if self.at_least is not None:
            parts.append(f"ratio ≥ {self.at_least:g}")
        if self.value_at_most is not None:
            parts.append(f"≤ {self.value_at_most:g} {self.unit}")
        return ", ".join(parts)


def _number(x: float) -> str:
    if not math.isfinite(x):
        return "–"
    if x == 0 or 0.01 <= abs(x) < 100_000:
        return f"{x:.3g}" if abs(x) < 100 else f"{x:,.0f}"
    return f"{x:.2e}"


def render(figures: list[Figure], markdown: bool = False) -> str:
    """The table of ``figures``: plain text for a terminal, or Markdown for the README."""
    head = ["goal", "measured", "value", "reference", "ref. value", "ratio", "goal", "met"]
    rows = []
    for f in figures:
        met = {True: "met", False: "NOT MET", None: ""}[f.met]
        rows.append([f.goal, f.what, f"{_number(f.value)} {f.unit}",
                     f.reference_what, f"{_number(f.reference)} {f.unit}" if f.reference_what else "",
                     f"{f.ratio:.2f}×" if math.isfinite(f.ratio) else "", f.goal_text, met])
    if markdown:
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in r) + " |" for r in rows]
        return "\n".join(lines)
    widths = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    return "\n".join(fmt.format(*r).rstrip() for r in [head] + rows)
