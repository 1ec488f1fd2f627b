"""The command line: ``lrgui [FILE]`` opens the explorer, ``lrgui train DATA …`` trains headless."""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import sys
import tempfile
from pathlib import Path

from . import __version__

PROG = "lrgui"


def _optimizer_params() -> dict:
    """Every optimizer hyperparameter, by name, with the optimizers that have it."""
    from .core.optimizers import OPTIMIZERS

    found: dict = {}
    for name, cls in OPTIMIZERS.items():
        for p in cls.params:
            found.setdefault(p.name, (p, []))[1].append(name)
    return found


def _open_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Watch logistic regression learn: an explorer window with the data, the "
                    "decision boundary, the loss curve, the sigmoid and the loss landscape.",
        epilog="Commands:\n"
               f"  {PROG} [FILE]          open the explorer (on FILE, or on two Gaussian clouds)\n"
               f"  {PROG} train DATA …    train without a window and print the result\n\n"
               "In the window:\n"
               "  click                  add a point of the current class (keys 0 and 1 switch)\n"
               "  right click, Shift+click  add a point of the other class\n"
               "  drag a point           move it;  Ctrl+click or Delete removes it\n"
               "  Space  play/pause   →  one epoch   ←  one epoch back   R  reset\n"
               "  Ctrl+Z / Ctrl+Shift+Z  undo / redo   Ctrl+O open   Ctrl+S save   F11 full screen\n\n"
               f"See '{PROG} train --help' for the training options.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", nargs="?", help="a data file to open (comma-, tab-, semicolon- or "
                        "space-separated; the label in the last column)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _train_parser() -> argparse.ArgumentParser:
    from .core.generators import GENERATORS
    from .core.objective import LOSSES, PENALTIES
    from .core.optimizers import OPTIMIZERS
    from .core.resampling import CLASS_WEIGHTS, RESAMPLING

    optimizers = "\n".join(f"  {name:10s}{cls.label}" for name, cls in OPTIMIZERS.items())
    generators = "\n".join(
        f"  {name:15s}{g.label}" + (f" ({', '.join(p.name for p in g.params)})" if g.params else "")
        for name, g in GENERATORS.items())
    parser = argparse.ArgumentParser(
        prog=f"{PROG} train",
        description="Train logistic regression without a window and print a summary "
                    "(or one JSON object with --json).",
        epilog=f"Optimizers:\n{optimizers}\n\nGenerators (set their parameters with --gen KEY=VALUE):\n"
               f"{generators}\n\nExit status: 0 on success (whatever the run's status), 2 on bad input.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("data", help="a data file, or the name of a generator (see below)")
    data = parser.add_argument_group("data")
    data.add_argument("--label-column", metavar="COL",
                      help="the label column: a header name, a 1-based number, or negative from "
                           "the end (default: the last column)")
    data.add_argument("--gen", action="append", default=[], metavar="KEY=VALUE",
                      help="a generator parameter, e.g. --gen n0=100 --gen seed=3 (repeatable)")
    data.add_argument("--test-fraction", type=float, default=0.0, metavar="F",
                      help="fraction of the data held out as a stratified test set (default 0)")
    data.add_argument("--resample", choices=RESAMPLING, default="none",
                      help="random under- or oversampling of the training rows (default none)")
    model = parser.add_argument_group("model")
    model.add_argument("--loss", choices=LOSSES.names(), default="cross-entropy")
    model.add_argument("--penalty", choices=PENALTIES.names(), default="none")
    model.add_argument("--lam", type=float, default=1.0, metavar="λ",
                       help="penalty strength λ = 1/C (default 1; only with --penalty)")
    model.add_argument("--class-weight", choices=CLASS_WEIGHTS, default="none",
                       help="'balanced' weighs each point by n / (2 n_class)")
    model.add_argument("--standardize", action="store_true",
                       help="train on z-scored features (θ is still reported in original units)")
    model.add_argument("--degree", type=int, default=1, help="polynomial degree 1-6 (two inputs only)")
    opt = parser.add_argument_group("optimizer")
    opt.add_argument("--optimizer", "-o", choices=OPTIMIZERS.names(), default="gd")
    for name, (p, owners) in _optimizer_params().items():
        kind = int if p.kind == "int" else float
        flag = "--" + name.replace("_", "-")
        who = "all gradient methods" if len(owners) >= 6 else ", ".join(owners)
        opt.add_argument(flag, dest=f"hyper_{name}", type=kind, metavar=name.upper(),
                         help=f"{p.help} [{who}]")
    run = parser.add_argument_group("run")
    run.add_argument("--epochs", type=int, default=1000, help="maximum number of epochs (default 1000)")
    run.add_argument("--tol", type=float, default=1e-6,
                     help="stop when ‖∇J‖ falls to this (default 1e-6)")
    run.add_argument("--init", default="zero",
                     help="starting θ: zero, random (seeded) or b,w1,w2,… in original units")
    run.add_argument("--seed", type=int, default=0, help="seed of every random choice (default 0)")
    out = parser.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")
    out.add_argument("--history", metavar="FILE.csv", help="write the per-epoch history as CSV")
    return parser


def _load_data(args):
    from .core.errors import ConfigError
    from .core.generators import GENERATORS, generate
    from .core.table_io import read_table

    if args.data in GENERATORS and not Path(args.data).exists():
        params = {}
        for item in args.gen:
            key, sep, value = item.partition("=")
            if not sep:
                raise ConfigError(f"--gen takes KEY=VALUE, not {item!r}")
            params[key.strip()] = value.strip()
        return generate(args.data, **params), f"generator {args.data}"
    if args.gen:
        raise ConfigError("--gen only applies to generated data")
    label = args.label_column
    return read_table(args.data, label), args.data


def _config(args):
    from .core.config import RunConfig
    from .core.errors import ConfigError

    hyper = {k[len("hyper_"):]: v for k, v in vars(args).items() if k.startswith("hyper_") and v is not None}
    init = args.init
    if init not in ("zero", "random"):
        try:
            init = [float(v) for v in init.split(",")]
        except ValueError:
            raise ConfigError(f"--init takes zero, random or numbers separated by commas, not {args.init!r}") from None
    return RunConfig(optimizer=args.optimizer, hyper=hyper, loss=args.loss, penalty=args.penalty,
                     lam=args.lam, class_weight=args.class_weight, resample=args.resample,
                     standardize=args.standardize, degree=args.degree,
                     test_fraction=args.test_fraction, init=init, seed=args.seed, tol=args.tol,
                     max_epochs=args.epochs).validate()


def _write_history(run, path: str) -> None:
    rows = run.history.rows()
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent or ".", prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def train_result(run) -> dict:
    """The outcome of a finished run as plain data (what ``--json`` prints)."""
    from .core.metrics import report

    names = run.feature_names()
    result = {
        "status": run.status,
        "reason": run.reason,
        "epochs": run.epoch,
        "theta": [float(v) for v in run.theta_original],
        "theta_names": ["bias"] + list(names),
        "loss": float(run.last.loss),
        "grad_norm": float(run.last.gradient_norm),
        "accuracy": float(run.last.accuracy),
        "label_map": run.data.label_map,
        "optimizer": run.config.optimizer,
        "config": run.config.as_dict(),
        "train": report(run.train.y, run.decision_function(run.train.X)).as_dict(),
    }
    if run.test is not None:
        result["test_loss"] = float(run.history.test_loss[-1])
        result["test_accuracy"] = float(run.history.test_accuracy[-1])
        result["test"] = report(run.test.y, run.decision_function(run.test.X)).as_dict()
    return result


def _finite(value):
    """``value`` with every NaN or infinity replaced by None (JSON has no such numbers)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _summary(result: dict, source: str, n: int) -> str:
    width = max(len(s) for s in result["theta_names"])
    theta = "\n".join(f"    {name:<{width}}  {value: .6g}" for name, value in
                      zip(result["theta_names"], result["theta"]))
    labels = ", ".join(f"{k!s} → {v}" for k, v in result["label_map"].items())
    tr = result["train"]
    lines = [
        f"data        {source} ({n} points; labels {labels})",
        f"optimizer   {result['optimizer']}",
        f"status      {result['status']} after {result['epochs']} epochs ({result['reason']})",
        f"loss        {result['loss']:.6g}   ‖∇J‖ {result['grad_norm']:.3g}",
        f"train       accuracy {tr['accuracy']:.2%}  precision {tr['precision']:.3f}  "
        f"recall {tr['recall']:.3f}  F1 {tr['f1']:.3f}  AUC {tr['auc']:.3f}",
    ]
    if "test" in result:
        te = result["test"]
        lines.append(f"test        loss {result['test_loss']:.6g}  accuracy {te['accuracy']:.2%}  "
                     f"F1 {te['f1']:.3f}  AUC {te['auc']:.3f}")
    lines.append("θ (original units)\n" + theta)
    return "\n".join(lines)


def run_train(argv: list[str]) -> int:
    from .core.errors import LrguiError
    from .core.run import TrainingRun

    args = _train_parser().parse_args(argv)
    try:
        data, source = _load_data(args)
        run = TrainingRun(data, _config(args))
        run.step(run.config.max_epochs)
        result = train_result(run)
        if args.history:
            _write_history(run, args.history)
    except (LrguiError, OSError) as exc:
        print(f"{PROG} train: error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(_finite(result), allow_nan=False))
    else:
        print(_summary(result, source, data.n))
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "train":
        return run_train(argv[1:])
    args = _open_parser().parse_args(argv)
    from .app.main import run_explorer

    return run_explorer(args.file)
