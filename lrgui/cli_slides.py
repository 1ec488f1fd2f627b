"""``lrgui render`` (pictures and animations of a session, without a window) and ``lrgui code``
(a plain numpy script that reproduces a run)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .cli import PROG, _Parser, _refuse, session_path

RENDER_HELP = """Render a session without a window: a PNG or SVG picture of its last epoch, or a GIF or
MP4 animation with one frame per epoch of a range (B − A + 1 frames, or every K-th with --every),
each of exactly --size pixels. Epochs the session has not recorded are trained first, as → would.
SESSION is a session file (*.lrgui.json) or the name of a shipped example."""


def _examples_text() -> str:
    from .core.examples import EXAMPLES

    return "\n".join(f"  {name:17s}{e.title}" for name, e in EXAMPLES.items())


def _session_parser(command: str, description: str, example: str, status: str) -> argparse.ArgumentParser:
    """A parser for ``lrgui COMMAND SESSION …`` whose help lists the shipped examples."""
    parser = _Parser(prog=f"{PROG} {command}", description=description,
                     epilog=f"Examples shipped with {PROG}:\n{_examples_text()}\n\ne.g. {example}\n"
                            f"Exit status: {status}", formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("session", help="a session file or an example's name")
    return parser


def _render_parser() -> argparse.ArgumentParser:
    from .views.animation import VIEWS
    from .views.theme import THEMES

    parser = _session_parser(
        "render", RENDER_HELP,
        f"{PROG} render optimizer-race --out race.mp4 --epochs 0:150 --size 1920x1080 --zoom 2",
        "0 when the file is written, 2 with one line on stderr for input that cannot give one, 130 when "
        "interrupted (the file is left as it was).")
    parser.add_argument("--out", required=True, metavar="FILE",
                        help="the file to write: .png or .svg (a picture), .gif or .mp4 (an animation)")
    parser.add_argument("--view", choices=list(VIEWS), default="window",
                        help="the whole window (default) or one view")
    parser.add_argument("--epochs", metavar="A:B",
                        help="the epochs to show (default: 0 to the session's recorded epoch; "
                             "a picture shows B)")
    parser.add_argument("--every", type=int, default=1, metavar="K", help="every K-th epoch of the range")
    parser.add_argument("--fps", type=float, default=10.0, metavar="F",
                        help="frames a second of an animation (default 10; at most 50 for GIF)")
    parser.add_argument("--size", default="1280x720", metavar="WxH", help="pixels (default 1280x720)")
    parser.add_argument("--theme", choices=list(THEMES), default="light", help="the colours (default light)")
    parser.add_argument("--zoom", type=float, default=1.0, metavar="Z",
                        help="type, points and lines Z times the usual size (e.g. 2 for slides)")
    parser.add_argument("--no-caption", action="store_true",
                        help="no 'epoch N' in the corner of each frame")
    return parser


def _size(text: str) -> tuple[int, int]:
    from .core.errors import ConfigError

    width, sep, height = text.lower().partition("x")
    try:
        size = (int(width), int(height)) if sep else None
    except ValueError:
        size = None
    if size is None or min(size) < 16 or max(size) > 8192:
        raise ConfigError(f"--size is WIDTHxHEIGHT, each 16 to 8192 pixels (e.g. 1920x1080), not {text!r}")
    return size


def _epochs(text: str | None) -> tuple[int, int | None]:
    from .core.errors import ConfigError

    if text is None:
        return 0, None
    first, sep, last = text.partition(":")
    try:
        a = int(first) if first.strip() else 0
        b = int(last) if last.strip() else None
    except ValueError:
        a = b = -1
    if not sep or a < 0 or (b is not None and b < a):
        raise ConfigError(f"--epochs is A:B with whole numbers 0 ≤ A ≤ B (e.g. 0:100), not {text!r}")
    return a, b


def load_session(name: str):
    """(session, recording or None) from a session file or a shipped example's name."""
    from .core.errors import LrguiError
    from .core.session_file import looks_like_session, read_session

    path = Path(session_path(name))
    if not path.is_file():
        raise LrguiError(f"no session file or example named {name!r}")
    if not looks_like_session(path):
        raise LrguiError(f"{name} is not a session file (*.lrgui.json): open the data in the window "
                         "and save a session, or name a shipped example")
    loaded = read_session(path)
    return loaded.session, loaded.recording


def run_render(argv: list[str]) -> int:
    from .core.errors import LrguiError

    args = _render_parser().parse_args(argv)
    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"        # never a window, with or without a display
    try:
        from .views.animation import RenderJob, render_session

        first, last = _epochs(args.epochs)
        job = RenderJob(view=args.view, first=first, last=last, every=args.every, size=_size(args.size),
                        theme=args.theme, zoom=args.zoom, caption=not args.no_caption).check()
        session, recording = load_session(args.session)
        show = sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if show:
                print(f"\rframe {done} of {total}", end="", file=sys.stderr, flush=True)

        note = render_session(session, recording, job, args.out, args.fps, progress)
    except KeyboardInterrupt:
        print(f"\n{PROG} render: interrupted; {args.out} was not written", file=sys.stderr)
        return 130
    except (LrguiError, OSError) as exc:
        return _refuse("render", str(exc))
    if show:
        print(file=sys.stderr)
    if note:
        print(f"{PROG} render: note: {note}", file=sys.stderr)
    print(f"wrote {args.out}")
    return 0


CODE_HELP = """Print a short, plain numpy script that reproduces one run of a session: the same training
rows, the same feature maps, the cost and the optimizer's update rule written out (scipy.optimize
for cg, bfgs and lbfgs), the same stopping rules. Run with plain `python`, its last line is θ in
the data's units as a JSON array, as '{prog} train SESSION --json' gives it for that run."""


def _code_parser() -> argparse.ArgumentParser:
    parser = _session_parser(
        "code", CODE_HELP.format(prog=PROG),
        f"{PROG} code optimizer-race --run 2 > race_adam.py && python race_adam.py",
        "0 with the script, 2 with one line on stderr for input that cannot give one.")
    parser.add_argument("--run", metavar="K",
                        help="the run: its number (1 is the first), id or name (default: the selected run)")
    parser.add_argument("--out", metavar="FILE.py", help="write the script to FILE.py instead of printing it")
    parser.add_argument("--data-file", metavar="FILE.csv",
                        help="write the training rows to FILE.csv and have the script read them "
                             "(needed beyond 5,000 rows)")
    return parser


def pick_run(session, which: str | None):
    """The run named by ``which`` (1-based number, id or name), or the selected one."""
    from .core.errors import ConfigError

    if which is None:
        return session.selected_run
    for i, spec in enumerate(session.runs, 1):
        if which in (str(i), spec.id, spec.label):
            return spec
    names = ", ".join(f"{i} ({spec.label})" for i, spec in enumerate(session.runs, 1))
    raise ConfigError(f"no run {which!r} in the session; its runs are {names}")


def code_text(args) -> str:
    from .core.code import script, write_rows
    from .core.fileio import write_text

    session, _recording = load_session(args.session)
    spec = pick_run(session, args.run)
    title = f"{spec.label} ({Path(args.session).name})"
    if args.data_file:
        write_rows(session.data, spec.config, args.data_file)
    text = script(session.data, spec.config, title, args.data_file)
    if args.out:
        write_text(args.out, text)
        return f"wrote {args.out}"
    return text.rstrip("\n")


def run_code(argv: list[str]) -> int:
    from .cli import _answer

    return _answer("code", code_text, _code_parser().parse_args(argv))
