"""The command line: ``lrgui [FILE|SESSION]`` opens the explorer, ``lrgui train DATA|SESSION …``
trains headless, ``lrgui sweep`` sweeps, ``lrgui render`` and ``lrgui code`` (in cli_slides)
make pictures, animations and scripts of a session."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import __version__

PROG = "lrgui"
KEYS_HELP = """In the window:
  click                     add a point of the current class (keys 0 to 9 pick it: a class past the
                            last one is added; the sigmoid view shows that class's model)
  right click, Shift+click  add a point of the other class (with more classes, the next one)
  drag a point              move it;  Ctrl+click or Delete removes it
  Space  play/pause   →  one epoch   ←  one epoch back   R  reset every run
  Home / End / PgUp / PgDn  move along the timeline of recorded epochs
  ]  /  [                   double / halve the learning rate of the selected run
  O  /  Shift+O             next / previous optimizer for the selected run
  A                         add a run (a copy of the selected one) to the race
  Ctrl+Z / Ctrl+Shift+Z     undo / redo any change        Ctrl+O open a data file or session
                            (a data file, opened or dropped on the window, shows in the import
                            dialog: separator, header, label column, class 1, the plane's features)
  Alt+1 … Alt+9, Alt+0      the Data sets menu: each generator and bundled set, with what it teaches
  Ctrl+S / Ctrl+Shift+S     save the session (as)          F11 full screen   Ctrl+Q quit
  Ctrl+Shift+W              learning-rate sweep            Ctrl+Shift+J why not squared error?
  Ctrl+Shift+E              live equations (then a click on a point takes it apart)
  I                         optimizer internals on the loss landscape
  Ctrl+Shift+P              export a picture of the window or a view (PNG, SVG, any size)
  Ctrl+Shift+H / T          export the selected run's history (CSV) / θ (JSON)
  S / C / M / L             shading / p contours / misclassified rings / log-scale loss
  G                         new data from the same generator (the next seed)
  Ctrl+Shift+M              export an animation (GIF, MP4) of the window or a view
  Ctrl+Shift+C              show the code: the selected run as a plain numpy script
  Ctrl+9                    metrics: every figure, the confusion matrix, ROC and PR curves, one threshold
  Ctrl+Shift+F              coefficients: θ by feature name, exact zeros marked
  Ctrl+Shift+B              race the imbalance remedies (none, balanced weights, under-, oversampling)
  Ctrl+Shift+K              race one model per class (one-vs-rest) against one softmax model
  F5                        presentation mode (Esc leaves)   T  next theme (light, dark, projector)
  Ctrl+= / Ctrl+- / Ctrl+0  zoom type, points and lines in / out / back
  F1 or ?                   every shortcut, over the window"""


class _Parser(argparse.ArgumentParser):
    """argparse, except that a bad option is said in one line (no usage block) with exit status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {_short(message)} (see '{self.prog} --help')\n")


def _short(text: str, limit: int = 200) -> str:
    """``text`` on one line, cut to ``limit`` characters (a huge bad value is not echoed whole)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _open_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog=PROG,
        description="Watch logistic regression learn: an explorer window with the data, the "
                    "decision boundaries of racing runs, their loss curves, the sigmoid, the loss "
                    "landscape and a timeline of every recorded epoch.",
        epilog="Commands:\n"
               f"  {PROG} [FILE]            open the explorer on a session (*.lrgui.json), or on "
               "two Gaussian clouds with a data file in the import dialog\n"
               f"  {PROG} train DATA …      train without a window and print the result "
               f"(DATA may be a session: every run is trained; with --engine dask, CSV or Parquet "
               f"files larger than memory on a Dask cluster)\n"
               f"  {PROG} sweep DATA --lr FROM:TO:COUNT …   train a learning-rate sweep on every "
               f"core or a Dask cluster\n"
               f"  {PROG} render SESSION --out FILE.{{png,svg,gif,mp4}} …   a picture or an animation "
               f"without a window\n"
               f"  {PROG} code SESSION [--run K]   a plain numpy script that reproduces a run\n\n{KEYS_HELP}\n\n"
               f"See '{PROG} train --help' for the training options and the README for the session format.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("file", nargs="?", help="a session file to open, or a data file (comma-, tab-, "
                        "semicolon- or space-separated) to open in the import dialog")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _train_parser(sweep: bool = False) -> argparse.ArgumentParser:
    """``lrgui train``'s options, or with ``sweep`` those of ``lrgui sweep`` (``--lr`` a range)."""
    from .core.dataset import MAX_CLASSES
    from .core.generators import GENERATORS
    from .core.optimizers import OPTIMIZERS
    from .core.options import run_options

    optimizers = "\n".join(f"  {name:10s}{cls.label}" for name, cls in OPTIMIZERS.items())
    generators = "\n".join(
        f"  {name:15s}{g.label}" + (f" ({', '.join(p.name for p in g.params)})" if g.params else "")
        + f"\n  {'':15s}{g.lesson}" for name, g in GENERATORS.items())
    if sweep:
        description = ("Train every configuration of a learning-rate sweep (optionally crossed with "
                       "the values of one more setting) and print a table, or with --json one JSON "
                       "array: one object per configuration with its settings and the fields "
                       f"'{PROG} train --json' prints for it alone (bit for bit, whatever the backend "
                       "or the number of jobs). Configurations run on every core, or on a Dask cluster.")
        status = ("Exit status: 0 with every configuration's entry (an entry whose data and settings "
                  "cannot be trained together holds 'error' instead of figures), 2 with one line on "
                  "stderr for input that cannot give a sweep.")
    else:
        description = ("Train logistic regression without a window and print a summary "
                       "(or one JSON object with --json). Given a session file, train every run of it "
                       "and print one summary per run (or a JSON array, one object per run, in order). "
                       f"Labels of three to {MAX_CLASSES} values train one model per class against the "
                       "rest (--multiclass ovr, the default) or one softmax model (--multiclass "
                       "multinomial); the JSON then gives θ per class ('theta': one row per class of "
                       "'classes'), each model's status, and per-class recall and the K × K confusion "
                       "matrix (rows: true class).")
        status = ("Exit status: 0 with a result whose numbers are all finite (whatever the run's status), "
                  "2 with one line on stderr for input that cannot give one.")
    parser = _Parser(
        prog=f"{PROG} {'sweep' if sweep else 'train'}",
        description=description,
        epilog=f"Optimizers:\n{optimizers}\n\nGenerators (set their parameters with --gen KEY=VALUE):\n"
               f"{generators}\n\nThe long option names are also the keys of a run in a session file, "
               'e.g. {"optimizer": "adam", "lr": 0.05, "standardize": true, "epochs": 500}.\n\n'
               "A run ends converged (‖∇J‖ ≤ --tol), max_epochs, stalled (the optimizer can go no "
               f"further above the tolerance) or diverged; the reason says why.\n{status}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("data", help="a data file, the name of a generator (see below)"
                        + ("" if sweep else " or a session file (or a shipped example's name, e.g. "
                                            "optimizer-race); with --engine dask, data files (see engine)"))
    groups = {
        "data": parser.add_argument_group("data"),
        "model": parser.add_argument_group("model"),
        "optimizer": parser.add_argument_group("optimizer"),
        "run": parser.add_argument_group("run"),
    }
    groups["data"].add_argument("--label-column", metavar="COL",
                                help="the label column: a header name, a 1-based number, or negative "
                                     "from the end (default: the last column)")
    groups["data"].add_argument("--gen", action="append", default=[], metavar="KEY=VALUE",
                                help="a generator parameter, e.g. --gen n0=100 --gen seed=3 (repeatable)")
    for option in run_options():
        if sweep and option.name == "lr":
            continue
        flags = ["--" + option.name] + (["-o"] if option.name == "optimizer" else [])
        kw = {"dest": "opt_" + option.name.replace("-", "_"), "help": option.help, "default": None}
        if option.kind == "flag":
            kw["action"] = "store_true"
        else:
            kw["metavar"] = option.metavar or option.name.upper().replace("-", "_")
            if option.kind == "choice":
                kw["choices"] = option.choices
                kw.pop("metavar")
        groups[option.group].add_argument(*flags, **kw)
    out = parser.add_argument_group("output")
    out.add_argument("--json", action="store_true", help="print JSON instead of a summary")
    if sweep:
        from .core.sweep import BACKENDS

        grid = parser.add_argument_group("sweep")
        grid.add_argument("--lr", required=True, metavar="FROM:TO:COUNT",
                          help="COUNT learning rates evenly spaced on a log scale from FROM to TO")
        grid.add_argument("--param", metavar="NAME=V1,V2,…",
                          help="also vary one more setting over these values, e.g. momentum=0,0.5,0.9 "
                               "or batch-size=8,32,0 or lam=0.01,1 or degree=1,2,3")
        grid.add_argument("--backend", choices=BACKENDS, default="loky",
                          help="loky: processes on this machine (default); dask: a Dask cluster "
                               "(pip install 'lrgui[dask]')")
        grid.add_argument("--scheduler", metavar="ADDRESS",
                          help="the Dask scheduler to use, e.g. tcp://10.0.0.5:8786 (default: start a "
                               "local cluster)")
        grid.add_argument("--jobs", type=int, default=-1, metavar="N",
                          help="processes (or local Dask workers) to use; -1, the default, uses every core")
    else:
        _engine_options(parser)
        out.add_argument("--history", metavar="FILE.csv", help="write the per-epoch history as CSV")
        out.add_argument("--threshold", type=float, default=0.5, metavar="T",
                         help="a point is classified as 1 when p = σ(θᵀx) ≥ T: the metrics (accuracy, "
                              "balanced accuracy, precision, recall, F1, the confusion matrix) are at T "
                              "(default 0.5; AUC, average precision and log-loss do not depend on it). "
                              "With more than two classes a point goes to the class of the highest "
                              "probability and T is not used")
    return parser


def _engine_options(parser: argparse.ArgumentParser) -> None:
    """``lrgui train``'s choice of engine: in memory, or chunk by chunk on a Dask cluster."""
    import textwrap

    from .core.distributed import DEFAULT_CHUNK_ROWS, supported_optimizers

    engine = parser.add_argument_group("engine", textwrap.fill(
        "With --engine dask, DATA is a CSV or Parquet file, a directory of them or a glob "
        "('data/part-*.csv'), and may be larger than memory: each epoch's loss, gradient and "
        "accuracy (and Newton's Hessian) are summed over chunks of rows on a Dask cluster (pip "
        f"install 'lrgui[dask]'). It trains {', '.join(supported_optimizers())} (full batch), any "
        "loss and penalty, --standardize, --degree and --class-weight balanced; it refuses "
        "--test-fraction, --resample, mini-batches and more than two classes. On data that fit in "
        "memory it gives the in-memory result (up to rounding); its report leaves out the AUC and "
        "average precision.", 94, initial_indent="  ", subsequent_indent="  "))
    engine.add_argument("--engine", choices=("memory", "dask"), default="memory",
                        help="memory: read DATA into this process (default); dask: train on a Dask cluster")
    engine.add_argument("--scheduler", metavar="ADDRESS",
                        help="with --engine dask, the scheduler to use, e.g. tcp://10.0.0.5:8786 "
                             "(default: start a local cluster of one worker process per core)")
    engine.add_argument("--chunk-rows", type=int, metavar="N",
                        help=f"with --engine dask, N to 2N rows per chunk of a CSV file (default "
                             f"{DEFAULT_CHUNK_ROWS:,}; dask cuts a file into blocks of N times the mean "
                             "length of its first rows, the last block taking the rest). A Parquet chunk "
                             "is a row group")


def _given_options(args) -> dict:
    return {k[len("opt_"):]: v for k, v in vars(args).items()
            if k.startswith("opt_") and v is not None and v is not False}


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
    from .core.dataset import MAX_CLASSES

    return read_table(args.data, args.label_column, max_classes=MAX_CLASSES), args.data


def _write_history(run, path: str) -> None:
    from .core.history import write_history_csv

    write_history_csv(run.history, path)


def _multiclass_summary(result: dict, source: str, n: int) -> str:
    """The text of a K-class result: θ as a table, one column per class."""
    classes = result["classes"]
    width = max(len(s) for s in result["theta_names"])
    columns = [max(12, len(c) + 2) for c in classes]
    head = " " * (width + 4) + "".join(f"{c:>{w}}" for c, w in zip(classes, columns))
    rows = [f"    {name:<{width}}" + "".join(f"{theta[j]: >{w}.6g}" for theta, w in zip(result["theta"], columns))
            for j, name in enumerate(result["theta_names"])]
    method = {"ovr": "one-vs-rest (one model per class)", "multinomial": "multinomial (softmax)"}[result["multiclass"]]
    lines = [f"data        {source} ({n} points; {len(classes)} classes: {', '.join(classes)})",
             f"model       {method}, optimizer {result['optimizer']}",
             f"status      {result['status']} after {result['epochs']} epochs ({result['reason']})"]
    lines.append(f"loss        {result['loss']:.6g}, ‖∇J‖ {result['grad_norm']:.3g}")
    for name, loss in result.get("class_losses", {}).items():
        lines.append(f"  model {name!r:<14} loss {loss:.6g}")
    for part in ("train", "test"):
        if part in result:
            r = result[part]
            recall = ", ".join(f"{c} {v:.3f}" for c, v in zip(classes, r["recall"]))
            lines.append(f"{part:<12}accuracy {r['accuracy']:.2%}  balanced {r['balanced_accuracy']:.2%}  "
                         f"log-loss {r['log_loss']:.4g}  recall: {recall}")
    lines.append("θ (original units), one column per class\n" + head + "\n" + "\n".join(rows))
    return "\n".join(lines)


def _trained(data, config, threshold: float):
    """(result, run) of ``config`` trained alone on ``data``: a two-class run, or for more classes
    the K models (one-vs-rest) or the softmax model."""
    from .core.outcome import train_alone, train_result

    run = train_alone(data, config)
    return train_result(run, threshold), run


def _text_of(result: dict, source: str, n: int) -> str:
    return (_multiclass_summary if "multiclass" in result else _summary)(result, source, n)


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
        f"recall {tr['recall']:.3f}  F1 {tr['f1']:.3f}" + (f"  AUC {tr['auc']:.3f}" if "auc" in tr else ""),
    ]
    if "engine" in result:
        e = result["engine"]
        lines.insert(1, f"engine      dask at {e['scheduler']} ({e['workers']} workers): {e['rows']:,} rows "
                        f"in {e['chunks']} chunks of {e['files']} files, "
                        + ("kept on the workers" if e["persisted"] else "read again every epoch"))
    if "test" in result:
        te = result["test"]
        lines.append(f"test        loss {result['test_loss']:.6g}  accuracy {te['accuracy']:.2%}  "
                     f"F1 {te['f1']:.3f}  AUC {te['auc']:.3f}")
    lines.append("θ (original units)\n" + theta)
    return "\n".join(lines)


def _train_session(args, path: str) -> tuple[list, list[str], int]:
    """Every run of the session at ``path`` (``args.data`` or its example), trained alone from its start:
    (results, run names, number of points)."""
    from .core.errors import ConfigError
    from .core.session_file import read_session

    if _given_options(args) or args.gen or args.label_column or args.history:
        raise ConfigError("a session's runs carry their own settings: give training options, --gen, "
                          "--label-column and --history only with a data file or generator")
    session = read_session(path).session
    results, titles = [], []
    for spec in session.runs:
        results.append(_trained(session.data, spec.config, args.threshold)[0])
        titles.append(spec.label)
    return results, titles, session.data.n


def run_train(argv: list[str]) -> int:
    """``lrgui train``: 0 with a result whose numbers are all finite, or 2 with one line on stderr."""
    return _answer("train", _train_text, _train_parser().parse_args(argv))


def run_sweep_command(argv: list[str]) -> int:
    """``lrgui sweep``: 0 with every configuration's entry, or 2 with one line on stderr."""
    return _answer("sweep", _sweep_text, _train_parser(sweep=True).parse_args(argv))


def _answer(command: str, make_text, args) -> int:
    """Print ``make_text(args)`` (0), or refuse in one line on stderr (2)."""
    import warnings

    from .core.errors import LrguiError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # a result or a refusal says all there is to say
        try:
            text = make_text(args)
        except (LrguiError, OSError) as exc:
            return _refuse(command, str(exc))
        except MemoryError:
            return _refuse(command, "not enough memory for this data and these settings "
                                    "(fewer epochs, fewer columns or fewer rows would fit)")
        except RecursionError:
            return _refuse(command, "the input is nested too deeply to be read")
    try:
        print(text)
    except BrokenPipeError:          # the reader stopped reading (| head): nothing more to say
        sys.stdout = open(os.devnull, "w")
    return 0


def _refuse(command: str, text: str) -> int:
    print(f"{PROG} {command}: error: {_short(text, 400)}", file=sys.stderr)
    return 2


def _is_file(path: str) -> bool:
    try:
        return Path(path).is_file()
    except (OSError, ValueError):        # a name too long, or with a NUL byte
        return False


def session_path(name: str) -> str:
    """``name`` itself, or the session file of the shipped example of that name (a file of that
    name wins, and so does a generator: ``circles`` is generated data)."""
    from .core.examples import example_session_path
    from .core.generators import GENERATORS

    if name in GENERATORS:
        return name
    path = example_session_path(name)
    return str(path) if path is not None else name


def _train_text(args) -> str:
    """What ``lrgui train`` prints for ``args``; raises LrguiError or OSError for bad input."""
    from .core.errors import LrguiError
    from .core.options import config_from_options
    from .core.outcome import require_finite
    from .core.session_file import looks_like_session

    if "\0" in args.data:
        raise LrguiError("a file name cannot hold a NUL character")
    if not 0.0 < args.threshold < 1.0:
        raise LrguiError(f"--threshold is a probability strictly between 0 and 1, not {args.threshold:g}")
    if args.engine == "dask":
        return _cluster_text(args)
    if args.scheduler or args.chunk_rows is not None:
        raise LrguiError("--scheduler and --chunk-rows need --engine dask")
    path = session_path(args.data)
    if _is_file(path) and looks_like_session(path):
        results, titles, n = _train_session(args, path)
        require_finite(results)
        if args.json:
            return json.dumps(results, allow_nan=False)
        return "\n\n".join(f"run         {title}\n" + _text_of(r, args.data, n)
                            for r, title in zip(results, titles))
    data, source = _load_data(args)
    result, run = _trained(data, config_from_options(_given_options(args)), args.threshold)
    require_finite(result)
    if args.history:
        _write_history(run, args.history)
    return json.dumps(result, allow_nan=False) if args.json else _text_of(result, source, data.n)


def _cluster_text(args) -> str:
    """What ``lrgui train --engine dask`` prints: DATA (files) trained chunk by chunk on a Dask cluster."""
    from .core.distributed import DEFAULT_CHUNK_ROWS, train_on_cluster
    from .core.errors import ConfigError
    from .core.generators import GENERATORS
    from .core.options import config_from_options
    from .core.outcome import require_finite
    from .core.session_file import looks_like_session

    if args.gen or (args.data in GENERATORS and not Path(args.data).exists()):
        raise ConfigError("the dask engine trains data files (CSV or Parquet), not generated data")
    if _is_file(args.data) and looks_like_session(args.data):
        raise ConfigError("a session's runs train in memory: --engine dask trains data files")
    chunk_rows = DEFAULT_CHUNK_ROWS if args.chunk_rows is None else args.chunk_rows
    result, run = train_on_cluster(args.data, config_from_options(_given_options(args)),
                                   label_column=args.label_column, scheduler=args.scheduler,
                                   chunk_rows=chunk_rows, threshold=args.threshold)
    require_finite(result)
    if args.history:
        _write_history(run, args.history)
    return json.dumps(result, allow_nan=False) if args.json else _summary(result, args.data, result["engine"]["rows"])


def _sweep_text(args) -> str:
    """What ``lrgui sweep`` prints for ``args``; raises LrguiError or OSError for bad input."""
    from .core.errors import ConfigError
    from .core.session_file import looks_like_session
    from .core.sweep import SweepGrid, check_grid, parse_lr_range, parse_param, run_sweep

    if _is_file(args.data) and looks_like_session(args.data):
        raise ConfigError("a sweep trains a data file or a generator, not a session")
    grid = SweepGrid(parse_lr_range(args.lr), *(parse_param(args.param) if args.param else (None, ())))
    base = _given_options(args)
    if grid.param in base:
        raise ConfigError(f"--{grid.param} is varied by --param: give it there only")
    configurations = check_grid(base, grid)
    data, source = _load_data(args)
    entries = run_sweep(data, configurations, args.backend, args.jobs, args.scheduler)
    if all("error" in e for e in entries):
        raise ConfigError(entries[0]["error"])
    if args.json:
        return json.dumps(entries, allow_nan=False)
    return _sweep_table(entries, grid, source, data.n)


def _sweep_table(entries: list[dict], grid, source: str, n: int) -> str:
    swept = [grid.param] if grid.param else []
    head = f"{'lr':>10}" + "".join(f"  {name:>10}" for name in swept)
    lines = [f"data        {source} ({n} points), {len(entries)} configurations",
             f"{head}  {'status':<11} {'epochs':>8}  {'loss':>10}  {'accuracy':>8}"]
    for e in entries:
        row = f"{e['settings']['lr']:>10.4g}" + "".join(f"  {e['settings'][name]:>10g}" for name in swept)
        if "error" in e:
            lines.append(f"{row}  error: {e['error']}")
        else:
            lines.append(f"{row}  {e['status']:<11} {e['epochs']:>8}  {e['loss']:>10.5g}  {e['accuracy']:>8.2%}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "train":
        return run_train(argv[1:])
    if argv and argv[0] == "sweep":
        return run_sweep_command(argv[1:])
    if argv and argv[0] in ("render", "code"):
        from . import cli_slides

        return (cli_slides.run_render if argv[0] == "render" else cli_slides.run_code)(argv[1:])
    args = _open_parser().parse_args(argv)
    from .explorer import run_explorer

    return run_explorer(args.file)
