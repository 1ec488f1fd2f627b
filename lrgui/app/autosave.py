"""Autosave: the session with unsaved changes is written to the user's data folder a few seconds
after every burst of edits and every minute, so a crash or a kill loses at most that much; the
next start offers it back.

The files are written on a thread of their own, one save at a time: a session of a million
points takes seconds to write as JSON, and the window goes on answering meanwhile. The thread
writes a copy of the session's immutable values, taken on the GUI thread; a save asked for while
another is under way replaces any that waits.

Each window process writes its own pair of files, ``autosave-PID.lrgui.json`` (the session,
without histories: the runs are trained again) and ``autosave-PID.json`` (when and from which
file). A clean exit, or a session with nothing unsaved, removes them. Files left by a process
that no longer runs are the ones offered back (``orphans``), newest first. Restoring never
writes over the user's own file: the session comes back with unsaved changes, under its old
name, and the user saves it.
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer, Signal

from ..core.errors import LrguiError
from ..core.fileio import write_text
from ..core.session import Session
from ..core.session_file import SUFFIX, write_session

QUIET_MS = 3_000           # a burst of edits is over after this long without one
EVERY_MS = 60_000          # and while changes are unsaved, at least this often


def autosave_folder() -> Path:
    """``lrgui/autosave`` in the user's data folder ($XDG_DATA_HOME on Linux)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericDataLocation)
    return Path(base) / "lrgui" / "autosave"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:          # another user's process of that number
        return True
    return True


def _remove(*files: Path) -> None:
    for f in files:
        try:
            f.unlink()
        except FileNotFoundError:
            pass


@dataclass(frozen=True)
class Autosaved:
    """A session left by a window that did not close cleanly: ``session_file``, the time it was
    written (seconds since the epoch) and the file it had been opened from or saved to ("")."""

    session_file: Path
    meta_file: Path
    saved: float
    path: str

    def discard(self) -> None:
        _remove(self.session_file, self.meta_file)

    @property
    def when(self) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.saved))


def orphans(folder: Path | None = None) -> list[Autosaved]:
    """The autosaves of processes that no longer run, newest first."""
    folder = folder or autosave_folder()
    found = []
    for meta_file in folder.glob("autosave-*.json"):
        if meta_file.name.endswith(SUFFIX):
            continue
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            pid = int(meta["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        session_file = folder / f"autosave-{pid}{SUFFIX}"
        if pid == os.getpid() or _alive(pid) or not session_file.is_file():
            continue
        found.append(Autosaved(session_file, meta_file, float(meta.get("saved", 0.0)), str(meta.get("path") or "")))
    return sorted(found, key=lambda a: a.saved, reverse=True)


class Autosaver(QObject):
    """Saves ``controller``'s session while it has unsaved changes (called on the GUI thread; the
    files are written on the autosave thread)."""

    _written = Signal(str)          # from the autosave thread: "" or why the save failed

    def __init__(self, controller, folder: Path | None = None):
        super().__init__(controller)
        self.controller = controller
        self.folder = folder or autosave_folder()
        self.session_file = self.folder / f"autosave-{os.getpid()}{SUFFIX}"
        self.meta_file = self.folder / f"autosave-{os.getpid()}.json"
        self.failed = ""                  # why the last autosave failed, once said
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(QUIET_MS)
        self._quiet.timeout.connect(self.save)
        self._every = QTimer(self)
        self._every.setInterval(EVERY_MS)
        self._every.timeout.connect(self.save)
        self._every.start()
        controller.undo_stack.indexChanged.connect(lambda _i: self._quiet.start())
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="lrgui-autosave")
        self._waiting: Future | None = None          # the last job given to the thread
        self._written.connect(self._said)

    def save(self, wait: bool = False) -> bool:
        """Write the session if it has unsaved changes (else remove the autosave), on the
        autosave thread. With ``wait``, wait until it is done and return whether the files are
        up to date; without, return True at once."""
        c = self.controller
        if not c.dirty:
            return self._run(self._remove_files, wait)
        s = c.session               # its values are immutable: the copy is the session as it is now
        copy = Session(s.data, s.origin, s.runs, s.selected, s.view, s.path)
        return self._run(lambda: self._write(copy), wait)

    def _run(self, job, wait: bool) -> bool:
        """Run ``job`` on the autosave thread after what is under way (and instead of what waits)."""
        if self._waiting is not None:
            self._waiting.cancel()                   # nothing, once it has begun
        future = self._waiting = self._thread.submit(job)
        return future.result() if wait else True

    def _write(self, session: Session) -> bool:
        """(autosave thread) The session's files; says the outcome through ``_written``."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_session(self.session_file, session)
            write_text(self.meta_file, json.dumps({"pid": os.getpid(), "saved": time.time(),
                                                   "path": session.path or ""}))
        except (LrguiError, OSError) as exc:
            self._written.emit(f"Autosave failed ({getattr(exc, 'strerror', None) or exc}): "
                               "save the session yourself")
            return False
        self._written.emit("")
        return True

    def _remove_files(self) -> bool:
        _remove(self.session_file, self.meta_file)
        return True

    def _said(self, why: str) -> None:
        """(GUI thread) A failure is said once, until a save succeeds again."""
        if why and why != self.failed:
            self.controller.message.emit(why)
        self.failed = why

    def remove(self) -> None:
        """Remove this process's autosave (a clean exit, or nothing unsaved), after any save
        under way."""
        self._run(self._remove_files, wait=True)

    def stop(self) -> None:
        self._quiet.stop()
        self._every.stop()
