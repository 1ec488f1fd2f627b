"""Writing files safely: whole or not at all.

A regular file is written to a temporary file beside it, flushed to disk and renamed over the
target, so a crash leaves the old or the new version, never half of one; the target keeps its
permissions. A symbolic link is followed (the file it points to is replaced, the link stays), and a
device or pipe (``/dev/null``, a FIFO) is written directly, never replaced by a regular file.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Iterator


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022


@contextlib.contextmanager
def atomic_writer(path, mode: str = "w", encoding: str | None = "utf-8", newline: str | None = "") -> Iterator[IO]:
    """A file object for ``path`` that replaces it atomically when the block ends without an
    exception (and leaves it untouched otherwise)."""
    target = Path(os.path.realpath(path))
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    binary = "b" in mode
    open_args = {} if binary else {"encoding": encoding, "newline": newline}
    if info is not None and not stat.S_ISREG(info.st_mode):
        with open(target, mode, **open_args) as fh:       # a device or a pipe: write into it
            yield fh
        return
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **open_args) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, stat.S_IMODE(info.st_mode) if info is not None else 0o666 & ~_umask())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):                     # make the rename itself durable
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def write_text(path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically (see the module docstring)."""
    with atomic_writer(path, "w", newline="") as fh:
        fh.write(text)
