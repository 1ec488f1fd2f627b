"""Hyperparameters described as data, so that the CLI and the side panel build their controls
from the same description."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError

# Numbers as a user types them: plain ASCII decimals (no "1_000", no digits of other scripts).
# The mantissa's alternatives cannot both match a run of digits, so a failed match costs linear
# time (a 30,000-digit token with a bad last character is refused at once).
DECIMAL = re.compile(
    r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|[+-]?(?:inf|infinity|nan)", re.IGNORECASE
)
_INTEGER = re.compile(r"[+-]?[0-9]+")


def shown(value: Any) -> str:
    """``repr(value)`` for a message, cut to about 40 characters."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def parse_number(value: Any, name: str, kind: str = "float") -> int | float:
    """``value`` (a JSON number or text) as a finite float, or for ``kind`` "int" as an exact int
    (whole numbers given as text are read exactly, however long). Raises ConfigError naming
    ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ConfigError(f"{name} must be a number, not {shown(value)}")
    if isinstance(value, str):
        text = value.strip()
        if kind == "int" and _INTEGER.fullmatch(text):
            return int(text)
        if not DECIMAL.fullmatch(text):
            raise ConfigError(f"{name} must be a number, not {shown(value)}")
        value = text
    if kind == "int" and isinstance(value, int):
        return value
    try:
        number = float(value)
    except OverflowError:           # a whole number beyond the float range
        number = math.inf
    if not math.isfinite(number):
        raise ConfigError(f"{name} must be a finite number, not {shown(value)}")
    if kind == "int":
        if number != int(number):
            raise ConfigError(f"{name} must be a whole number, not {shown(value)}")
        return int(number)
    return number


@dataclass(frozen=True)
class Param:
    """One tunable value.

    ``kind`` is "float", "int" or "choice". Numeric params accept the inclusive range
    [``low``, ``high``]; ``ui_range`` (default: the same) is what a slider spans, and ``log`` asks
    for a logarithmic scale. ``shown_for`` = (name, values) marks a setting that matters only
    while the setting ``name`` has one of ``values`` (the side panel hides it otherwise).
    """

    name: str
    default: Any
    label: str
    help: str
    kind: str = "float"
    low: float | None = None
    high: float | None = None
    log: bool = False
    choices: tuple[str, ...] = ()
    ui_range: tuple[float, float] | None = None
    shown_for: tuple[str, tuple[str, ...]] | None = None

    @property
    def slider_range(self) -> tuple[float, float]:
        return self.ui_range or (self.low, self.high)

    def validate(self, value: Any) -> Any:
        """Return ``value`` converted to this param's type, or raise ConfigError."""
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise ConfigError(f"{self.name} must be one of {', '.join(self.choices)}, not {shown(value)}")
            return value
        number = parse_number(value, self.name, self.kind)
        if (self.low is not None and number < self.low) or (
            self.high is not None and number > self.high
        ):
            raise ConfigError(f"{self.name} must lie in [{self.low:g}, {self.high:g}], not {shown(value)}")
        return number


def resolve(params: tuple[Param, ...], given: dict[str, Any], owner: str) -> dict[str, Any]:
    """Defaults of ``params`` overridden by ``given``, each validated.

    Raises ConfigError for a name that ``owner`` does not know.
    """
    known = {p.name: p for p in params}
    unknown = set(given) - set(known)
    if unknown:
        names = ", ".join(known) or "none"
        raise ConfigError(f"{owner} has no setting {shown(sorted(map(str, unknown))[0])} (it has: {names})")
    return {p.name: p.validate(given.get(p.name, p.default)) for p in params}
