"""``python -m lrgui.bench GOAL [--quick] [--markdown]``: see the package's docstring."""

from __future__ import annotations

import argparse
import importlib
import os
import platform
import sys
import time

from . import __doc__ as DOC
from .table import render

GOALS = {"startup": "startup", "epochs": "epochs", "window": "window", "csv": "csv_read", "solve": "solve",
         "dask": "dask_engine"}


def machine() -> str:
    """One line on the machine the figures were measured on."""
    import numpy as np

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), cpu)
    except OSError:
        pass
    display = "offscreen" if not os.environ.get("DISPLAY") else f"display {os.environ['DISPLAY']}"
    return (f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, numpy {np.__version__}, "
            f"{platform.system()} {platform.release()}, Qt {display}")


def run_goals(names: list[str], quick: bool, markdown: bool) -> int:
    figures = []
    for name in names:
        start = time.perf_counter()
        module = importlib.import_module(f".{GOALS[name]}", __package__)
        figures += module.measure(quick=quick)
        print(f"[{name}: {time.perf_counter() - start:.0f} s]", file=sys.stderr)
    print(f"Measured on: {machine()}{' (--quick)' if quick else ''}\n")
    print(render(figures, markdown=markdown))
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lrgui.bench", description=DOC,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=[*GOALS, "all", "gui", "soak", "sweep", "equations"])
    parser.add_argument("--quick", action="store_true", help="fewer and shorter measurements (all: about a minute)")
    parser.add_argument("--markdown", action="store_true", help="print the table in Markdown (for the README)")
    parser.add_argument("--seconds", type=float, default=None,
                        help="gui: seconds of full-speed racing (default 10, at least 3); equations: per measurement")
    parser.add_argument("--long-epochs", type=int, default=100_000,
                        help="gui: the epoch at which the late frame time is measured")
    parser.add_argument("--minutes", type=float, default=10.0,
                        help="soak: how long the window trains, warm-up included (default 10)")
    args = parser.parse_args(argv)
    if args.what in GOALS or args.what == "all":
        return run_goals(list(GOALS) if args.what == "all" else [args.what], args.quick, args.markdown)
    if args.what == "soak":
        from ..views.soak import soak

        return soak(args.minutes)
    if args.what == "equations":
        from ..views.bench import main_inspecting

        return main_inspecting(args.seconds or 5.0)
    if args.what == "sweep":
        from .sweep import bench_sweep, print_sweep

        print_sweep(bench_sweep())
        return 0
    from ..views.bench import main as gui_main

    return gui_main(max(args.seconds or 10.0, 3.0), args.long_epochs)


if __name__ == "__main__":
    sys.exit(main())
