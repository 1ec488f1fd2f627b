"""The settings of a run as named options: ``lrgui train``'s long options and the keys of a run in a
session file are the same names (``{"optimizer": "adam", "lr": 0.05, "standardize": true}``).

Everything here is built from the registries (optimizers and their hyperparameters, losses,
penalties), so a new optimizer or hyperparameter appears on the command line and in session files
without further code.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from .config import INITS, MULTICLASS, RunConfig
from .errors import ConfigError
from .objective import LOSSES, PENALTIES
from .optimizers import OPTIMIZERS
from .params import DECIMAL, parse_number, shown
from .resampling import CLASS_WEIGHTS, RESAMPLING
from .schedules import check_used, infer_schedule

_DEFAULTS = RunConfig()


@dataclass(frozen=True)
class RunOption:
    """``name`` is the long option (and session key); ``field`` the RunConfig field it sets, or
    ``hyper`` for an optimizer hyperparameter. ``kind`` is float, int, choice, flag or init."""

    name: str
    field: str
    kind: str
    help: str
    group: str
    choices: tuple[str, ...] = ()
    metavar: str | None = None
    owners: tuple[str, ...] = ()          # for hyperparameters: the optimizers that have it

    @property
    def default(self) -> Any:
        if self.field == "hyper":
            return None
        return getattr(_DEFAULTS, self.field)


def _hyper_options() -> list[RunOption]:
    found: dict[str, tuple] = {}
    for name, cls in OPTIMIZERS.items():
        for p in cls.params:
            found.setdefault(p.name, (p, []))[1].append(name)
    out = []
    for pname, (p, owners) in found.items():
        who = "all gradient methods" if len(owners) >= 6 else ", ".join(owners)
        out.append(RunOption(pname.replace("_", "-"), "hyper", p.kind if p.kind != "choice" else "choice",
                             f"{p.help} [{who}]", "optimizer", p.choices, pname.upper(), tuple(owners)))
    return out


def run_options() -> list[RunOption]:
    """Every option of a run, in the order ``lrgui train --help`` lists them."""
    return [
        RunOption("test-fraction", "test_fraction", "float",
                  "fraction of the data held out as a stratified test set (default 0)", "data", metavar="F"),
        RunOption("resample", "resample", "choice",
                  "random under- or oversampling of the training rows (default none)", "data", RESAMPLING),
        RunOption("loss", "loss", "choice", "the cost (default cross-entropy)", "model", tuple(LOSSES.names())),
        RunOption("penalty", "penalty", "choice", "the penalty on the weights (default none)", "model",
                  tuple(PENALTIES.names())),
        RunOption("lam", "lam", "float", "penalty strength λ = 1/C (default 1; only with --penalty)", "model",
                  metavar="λ"),
        RunOption("class-weight", "class_weight", "choice", "'balanced' weighs each point by n / (2 n_class)",
                  "model", CLASS_WEIGHTS),
        RunOption("standardize", "standardize", "flag",
                  "train on z-scored features (θ is still reported in original units)", "model"),
        RunOption("degree", "degree", "int", "polynomial degree 1-6 (two inputs only)", "model"),
        RunOption("multiclass", "multiclass", "choice",
                  "with more than two classes: one model per class against the rest (ovr, default) or one "
                  "softmax model (multinomial)", "model", MULTICLASS),
        RunOption("optimizer", "optimizer", "choice", "the optimizer (default gd)", "optimizer",
                  tuple(OPTIMIZERS.names())),
        *_hyper_options(),
        RunOption("epochs", "max_epochs", "int", "maximum number of epochs (default 1000)", "run"),
        RunOption("tol", "tol", "float", "stop when ‖∇J‖ falls to this (default 1e-6)", "run"),
        RunOption("init", "init", "init", "starting θ: zero, random (seeded) or b,w1,w2,… in original units",
                  "run"),
        RunOption("seed", "seed", "int", "seed of every random choice (default 0)", "run"),
    ]


def _key(name: str) -> str:
    return name.strip().replace("_", "-")


def _number(option: RunOption, value: Any):
    return parse_number(value, option.name, option.kind)


def _init(value: Any):
    if isinstance(value, str):
        if value.strip() in INITS:
            return value.strip()
        parts = [p.strip() for p in value.split(",")]
        if not all(DECIMAL.fullmatch(p) for p in parts):
            raise ConfigError(f"init takes zero, random or numbers separated by commas, not {shown(value)}")
        return [float(p) for p in parts]
    if isinstance(value, (list, tuple)):
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
            raise ConfigError(f"init takes zero, random or a list of numbers, not {shown(value)}")
        return [float(v) for v in value]
    raise ConfigError(f"init takes zero, random or a list of numbers, not {shown(value)}")


def config_from_options(values: dict[str, Any]) -> RunConfig:
    """A validated RunConfig from option values (keys with - or _; values as JSON gives them, or
    text). Options left out take ``lrgui train``'s defaults. Raises ConfigError naming the
    first bad or unknown option."""
    by_name = {o.name: o for o in run_options()}
    settings: dict[str, Any] = {}
    hyper: dict[str, Any] = {}
    for raw, value in values.items():
        option = by_name.get(_key(raw))
        if option is None:
            raise ConfigError(f"unknown run setting {shown(raw)} (known: {', '.join(by_name)})")
        if value is None:
            continue
        if option.kind in ("float", "int"):
            value = _number(option, value)
        elif option.kind == "flag":
            if not isinstance(value, bool):
                raise ConfigError(f"{option.name} must be true or false, not {shown(value)}")
        elif option.kind == "init":
            value = _init(value)
        elif option.kind == "choice" and value not in option.choices:
            raise ConfigError(f"{option.name} must be one of {', '.join(option.choices)}, not {shown(value)}")
        if option.field == "hyper":
            hyper[option.name.replace("-", "_")] = value
        else:
            settings[option.field] = value
    hyper = infer_schedule(hyper)
    check_used(hyper, hyper.get("schedule", "constant"))
    return RunConfig(hyper=hyper, **settings).validate()


def options_from_config(config: RunConfig) -> dict[str, Any]:
    """The options that give ``config`` (its optimizer's hyperparameters only, and of those not
    the settings its choices leave unused, such as another schedule's), JSON-ready."""
    out: dict[str, Any] = {}
    field_names = {f.name for f in fields(RunConfig)}
    params = {p.name: p for p in OPTIMIZERS.get(config.optimizer).params}
    for option in run_options():
        if option.field == "hyper":
            name = option.name.replace("-", "_")
            p = params.get(name)
            if p is not None and p.shown_for is not None and config.hyper.get(p.shown_for[0]) not in p.shown_for[1]:
                continue
            if name in config.hyper:
                out[option.name] = config.hyper[name]
        elif option.field in field_names:
            value = getattr(config, option.field)
            out[option.name] = list(value) if isinstance(value, (list, tuple)) else value
    return out
