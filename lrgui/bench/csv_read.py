"""Goal 4, big files: reading a CSV of 1e6 rows (two features and a label) as the window opens it,
against pandas' ``read_csv`` (C engine) on the same file, and the reader's peak memory against the
size of the data: the file's (the goal), with pandas' own peak and the arrays read (n × 3 numbers of
8 bytes) beside it. Each read runs in a fresh process, so that its peak memory is its own."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np

from .table import Figure

GOAL = "4 big files"

# prints: seconds of the read, and how far the resident size rose above where it was before it,
# in bytes (Linux: the high-water mark is reset to the current size first, through clear_refs)
_READ = """
import sys, time
which, path = sys.argv[1], sys.argv[2]
import pandas as pd
from lrgui.core.table_io import read_table

def status(key):
    with open("/proc/self/status") as fh:
        return 1024 * next(int(line.split()[1]) for line in fh if line.startswith(key + ":"))

with open("/proc/self/clear_refs", "w") as fh:
    fh.write("5")
before = status("VmRSS")
start = time.perf_counter()
if which == "pandas":
    frame = pd.read_csv(path, engine="c")
else:
    data = read_table(path)
seconds = time.perf_counter() - start
print(seconds, status("VmHWM") - before)
"""


def write_file(path: str, n: int) -> None:
    import pandas as pd

    rng = np.random.default_rng(4)
    y = (rng.random(n) < 0.5).astype(int)
    X = rng.normal(0.0, 1.0, (n, 2)) + 1.5 * y[:, None]
    pd.DataFrame({"x1": X[:, 0], "x2": X[:, 1], "label": y}).to_csv(path, index=False)


def read_in_child(which: str, path: str) -> tuple[float, float]:
    out = subprocess.run([sys.executable, "-c", _READ, which, path], capture_output=True, text=True,
                         check=True, timeout=600)
    seconds, grown = out.stdout.split()
    return float(seconds), float(grown)


def measure(quick: bool = False) -> list[Figure]:
    n = 10**6
    repeats = 3 if quick else 5
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "big.csv")
        write_file(path, n)
        file_size = os.path.getsize(path)
        ours, theirs, peaks, their_peaks = [], [], [], []
        for _ in range(repeats):
            seconds, grown = read_in_child("lrgui", path)
            ours.append(seconds)
            peaks.append(grown)
            seconds, grown = read_in_child("pandas", path)
            theirs.append(seconds)
            their_peaks.append(grown)
    median = statistics.median
    peak = median(peaks) / 2**20
    return [
        Figure(GOAL, "read 1e6 rows × 3 columns", median(ours), "s", "pandas read_csv (C engine)", median(theirs),
               at_most=1.0),
        Figure(GOAL, "reader's peak memory", peak, "MiB", "the file's size", file_size / 2**20, at_most=3.0),
        Figure(GOAL, "reader's peak memory", peak, "MiB", "pandas read_csv's own peak", median(their_peaks) / 2**20),
        Figure(GOAL, "reader's peak memory", peak, "MiB", "the arrays read (n × 3 × 8 bytes)", n * 3 * 8 / 2**20),
    ]
