"""Everything that defines a training run except the data, as plain data (``as_dict`` /
``from_dict`` round-trip through JSON)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from .errors import ConfigError
from .objective import LOSSES, PENALTIES
from .optimizers import OPTIMIZERS
from .params import shown
from .resampling import CLASS_WEIGHTS, RESAMPLING

INITS = ("zero", "random")
# More than two classes: one two-class model per class against the rest, or one softmax model.
MULTICLASS = ("ovr", "multinomial")
# Bounds that keep a run's memory finite: the history grows by about 50 bytes per epoch.
MAX_EPOCHS_LIMIT = 10_000_000
MAX_SEED = 2**63 - 1


@dataclass
class RunConfig:
    """``init`` is "zero", "random" (seeded, N(0, 0.5²) per coordinate in training units) or a
    list θ₀ = (b, w…) in original feature units. ``hyper`` holds the optimizer's own settings
    (defaults from the registry for the ones left out). ``multiclass`` says how data of more than
    two classes are trained: "ovr" (one model per class) or "multinomial" (softmax)."""

    optimizer: str = "gd"
    hyper: dict[str, Any] = field(default_factory=dict)
    loss: str = "cross-entropy"
    penalty: str = "none"
    lam: float = 1.0
    class_weight: str = "none"
    resample: str = "none"
    standardize: bool = False
    degree: int = 1
    test_fraction: float = 0.0
    init: Any = "zero"
    seed: int = 0
    tol: float = 1e-6
    max_epochs: int = 1000
    multiclass: str = "ovr"

    def validate(self) -> "RunConfig":
        """Raise ConfigError for the first bad value; return self."""
        self.hyper = OPTIMIZERS.get(self.optimizer).settings(self.hyper)
        LOSSES.get(self.loss)
        PENALTIES.get(self.penalty)
        for name, allowed in (("class_weight", CLASS_WEIGHTS), ("resample", RESAMPLING), ("multiclass", MULTICLASS)):
            if getattr(self, name) not in allowed:
                raise ConfigError(f"{name} must be one of {', '.join(allowed)}, not {getattr(self, name)!r}")
        if not (math.isfinite(self.lam) and self.lam >= 0):
            raise ConfigError(f"λ must be a finite number ≥ 0, not {self.lam}")
        if not _whole(self.degree) or not 1 <= self.degree <= 6:
            raise ConfigError(f"degree must be a whole number from 1 to 6, not {self.degree}")
        if not 0.0 <= self.test_fraction < 1.0:
            raise ConfigError(f"test fraction must lie in [0, 1), not {self.test_fraction}")
        if not (math.isfinite(self.tol) and self.tol >= 0):
            raise ConfigError(f"tolerance must be a finite number ≥ 0, not {self.tol}")
        if not _whole(self.max_epochs) or not 0 <= self.max_epochs <= MAX_EPOCHS_LIMIT:
            raise ConfigError(f"maximum epochs must be a whole number from 0 to {MAX_EPOCHS_LIMIT:,}, "
                              f"not {shown(self.max_epochs)}")
        if not _whole(self.seed) or not 0 <= self.seed <= MAX_SEED:
            raise ConfigError(f"seed must be a whole number from 0 to 2^63 − 1, not {shown(self.seed)}")
        if isinstance(self.init, str):
            if self.init not in INITS:
                raise ConfigError(f"init must be zero, random or a list of numbers, not {self.init!r}")
        else:
            try:
                values = [float(v) for v in self.init]
            except (TypeError, ValueError):
                raise ConfigError(f"init must be zero, random or a list of numbers, not {self.init!r}") from None
            if not all(math.isfinite(v) for v in values):
                raise ConfigError("the starting θ must be finite")
            self.init = values
        return self

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RunConfig":
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ConfigError(f"unknown run setting {sorted(unknown)[0]!r}")
        return cls(**data).validate()


def _whole(value: Any) -> bool:
    """Whether ``value`` is a whole number (an int, or a float without a fraction; not a bool)."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    return isinstance(value, float) and math.isfinite(value) and value == int(value)

