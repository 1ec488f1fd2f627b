"""Hyperparameters described as data, so that the CLI and the side panel build their controls
from the same description."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .errors import ConfigError


@dataclass(frozen=True)
class Param:
    """One tunable value.

    ``kind`` is "float", "int" or "choice". Numeric params accept the inclusive range
    [``low``, ``high``]; ``ui_range`` (default: the same) is what a slider spans, and ``log`` asks
    for a logarithmic scale.
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

    @property
    def slider_range(self) -> tuple[float, float]:
        return self.ui_range or (self.low, self.high)

    def validate(self, value: Any) -> Any:
        """Return ``value`` converted to this param's type, or raise ConfigError."""
        if self.kind == "choice":
            if value not in self.choices:
                raise ConfigError(
                    f"{self.name} must be one of {', '.join(self.choices)}, not {value!r}"
                )
            return value
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ConfigError(f"{self.name} must be a number, not {value!r}") from None
        if not math.isfinite(number):
            raise ConfigError(f"{self.name} must be finite, not {value!r}")
        if self.kind == "int":
            if number != int(number):
                raise ConfigError(f"{self.name} must be a whole number, not {value!r}")
            number = int(number)
        if (self.low is not None and number < self.low) or (
            self.high is not None and number > self.high
        ):
            raise ConfigError(f"{self.name} must lie in [{self.low:g}, {self.high:g}], not {value!r}")
        return number


def resolve(params: tuple[Param, ...], given: dict[str, Any], owner: str) -> dict[str, Any]:
    """Defaults of ``params`` overridden by ``given``, each validated.

    Raises ConfigError for a name that ``owner`` does not know.
    """
    known = {p.name: p for p in params}
    unknown = set(given) - set(known)
    if unknown:
        names = ", ".join(known) or "none"
        raise ConfigError(f"{owner} has no setting {sorted(unknown)[0]!r} (it has: {names})")
    return {p.name: p.validate(given.get(p.name, p.default)) for p in params}
