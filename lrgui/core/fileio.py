"""Reading files within bounds, and writing them safely: whole or not at all.

Reading (``read_limited``) takes regular files only: a device or a pipe (``/dev/zero``, a FIFO) is
refused without waiting on it, and no more than ``MAX_FILE_BYTES`` (2 GiB) are ever read, even from
a file that grows while it is read.

Writing (``atomic_writer``): a regular file is written to a temporary file beside it, flushed to
disk and renamed over the target, so a crash leaves the old or the new version, never half of one;
the target keeps its permissions. A symbolic link is followed (the file it points to is replaced,
the link stays), and a device or pipe (``/dev/null``, a FIFO) is written directly, never replaced
by a regular file. A write killed midway may leave a hidden ``.NAME.*.tmp`` file beside the target;
nothing ever reads it, and the target is whole.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import IO, Iterator

MAX_FILE_BYTES = 2 << 30           # the largest file read_limited reads: 2 GiB
_CHUNK = 64 << 20                  # bytes asked of the system per read call


class UnreadableFile(Exception):
    """A file that ``read_limited`` will not read; ``reason`` says why, in words for the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _size_text(n: int) -> str:
    """``n`` bytes for a message: "3.1 GiB", "512 MiB", "12 KiB", "17 bytes"."""
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            return f"{n / (1 << shift):.3g} {unit}"
    return f"{n} bytes"


def _kind(mode: int) -> str | None:
    """Why a file of st_mode ``mode`` cannot be read as a file, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "this is a folder, not a file"
    return "not a regular file (a device or a pipe cannot be read as a file)"


def _open_error(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return exc.strerror or type(exc).__name__


def read_limited(path, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of the regular file ``path``: at most ``limit`` bytes are accepted, and at most
    ``limit + 1`` are ever read. Raises UnreadableFile for a missing or unreadable file, a folder,
    a device or pipe (never opened for reading, never waited on) and a file above ``limit``."""
    return b"".join(read_blocks(path, limit))


def read_blocks(path, limit: int = MAX_FILE_BYTES, block: int = _CHUNK) -> Iterator[bytes]:
    """The bytes of the regular file ``path`` in blocks of at most ``block`` bytes, checked as
    ``read_limited`` checks them (the checks before the first block is read; a file that grows
    beyond ``limit`` raises after the blocks read so far)."""
    try:
        info = os.stat(path)
    except OSError as exc:
        raise UnreadableFile(_open_error(exc)) from None
    except ValueError:                                   # a NUL character in the name
        raise UnreadableFile("the file name holds a NUL character") from None
    if _kind(info.st_mode):
        raise UnreadableFile(_kind(info.st_mode))
    too_large = f"larger than {_size_text(limit)}, the largest file that can be read"
    if info.st_size > limit:
        raise UnreadableFile(f"the file holds {_size_text(info.st_size)}: {too_large}")
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise UnreadableFile(_open_error(exc)) from None
    try:
        info = os.fstat(fd)                               # what was opened, not what was looked at
        if _kind(info.st_mode):
            raise UnreadableFile(_kind(info.st_mode))
        total = 0
        while total <= limit:
            try:
                data = os.read(fd, min(block, limit + 1 - total))
            except OSError as exc:
                raise UnreadableFile(_open_error(exc)) from None
            if not data:
                break
            total += len(data)
            if total > limit:
                raise UnreadableFile(f"the file grew while it was read and is now {too_large}")
            yield data
    finally:
        os.close(fd)


def byte_position(data: bytes, at: int) -> tuple[int, int]:
    """(line, column), both 1-based, of byte ``at`` of UTF-8 ``data`` whose lines end in LF, CRLF
    or CR; the column counts characters."""
    head = data[:at]
    line = head.count(b"\n") + head.count(b"\r") - head.count(b"\r\n") + 1
    start = max(head.rfind(b"\n"), head.rfind(b"\r")) + 1
    return line, len(head[start:].decode("utf-8", "replace")) + 1


def is_regular_file(path) -> bool:
    """Whether ``path`` names a regular file (following links); never opens it."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def read_head(path, size: int = 64) -> bytes:
    """Up to ``size`` bytes from the start of the regular file ``path``; b"" for anything else
    (a missing file, a folder, a device or a pipe, which are never waited on)."""
    if not is_regular_file(path):
        return b""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except (OSError, ValueError):
        return b""
    try:
        return os.read(fd, size) if stat.S_ISREG(os.fstat(fd).st_mode) else b""
    except OSError:
        return b""
    finally:
        os.close(fd)


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
    binary = "b" in mode
    open_args = {} if binary else {"encoding": encoding, "newline": newline}
    if target.exists() and not target.is_file():
        with open(target, mode, **open_args) as fh:       # a device or a pipe: write into it
            yield fh
        return
    with atomic_path(target) as tmp, open(tmp, mode, **open_args) as fh:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())


@contextlib.contextmanager
def atomic_path(path, suffix: str = ".tmp") -> Iterator[Path]:
    """A fresh temporary path beside ``path`` (the file a symbolic link points to, if it is
    one) for a writer that needs a name (an encoder, a subprocess): when the block ends
    without an exception it replaces ``path`` atomically, keeping its permissions; otherwise it
    is removed and ``path`` is untouched. ``suffix`` ends the temporary name (encoders choose
    the format by it)."""
    target = Path(os.path.realpath(path))
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=suffix)
    os.close(fd)
    try:
        yield Path(tmp)
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
