"""Autosave: the session with unsaved changes is written to the user's data folder a few seconds
after every burst of edits and every minute, so a crash or a kill loses at most that much; the
next start offers it back.

The files are written by a process of its own (started at the first save), one save at a
time: a session of a million points takes seconds to write as JSON, and a thread of this process
doing it would hold Python's interpreter lock against the window for as long. The GUI thread hands
over a copy of the session's immutable values; saves are written in the order asked, so the last
one asked is the one on disk.

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
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from ..core.session import Session
from ..core.session_file import SUFFIX
from .autosave_files import remove_files
from .worker import ProcessClient

WAIT_S = 60.0              # the longest a save waited for (a clean exit, a restore) may take

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


@dataclass(frozen=True)
class Autosaved:
    """A session left by a window that did not close cleanly: ``session_file``, the time it was
    written (seconds since the epoch) and the file it had been opened from or saved to ("")."""

    session_file: Path
    meta_file: Path
    saved: float
    path: str

    def discard(self) -> None:
        remove_files(self.session_file, self.meta_file)

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
    files are written by the autosave process)."""

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
        self._process: ProcessClient | None = None   # started at the first save
        self._asked = self._answered = 0              # saves asked for, and replied to (by number)
        self._replies = QTimer(self)                  # looks for replies while some are due
        self._replies.setInterval(100)
        self._replies.timeout.connect(self._collect)

    def save(self, wait: bool = False) -> bool:
        """Write the session if it has unsaved changes (else remove the autosave), in the
        autosave process. With ``wait``, wait until it is done and return whether the files are
        up to date; without, return True at once."""
        c = self.controller
        if not c.dirty:
            self.remove()
            return True
        s = c.session               # its values are immutable: the copy is the session as it is now
        copy = Session(s.data, s.origin, s.runs, s.selected, s.view, s.path)
        if self._process is None or not self._process.alive:
            self._process = ProcessClient("lrgui.app.autosave_files")
        self._asked += 1
        self._process.send("write", self._asked, self.session_file, self.meta_file, copy, os.getpid())
        self._replies.start()
        return self._wait() if wait else True

    def _collect(self, timeout: float = 0.0) -> None:
        """Take the autosave process's replies (waiting up to ``timeout`` s for one); a failure
        is said once, until a save succeeds again."""
        process = self._process
        for number, why in process.poll(timeout) if process is not None else ():
            self._answered = number
            if why and why != self.failed:
                self.controller.message.emit(why)
            self.failed = why
        if process is None or self._answered >= self._asked or not process.alive:
            self._replies.stop()
            if process is not None and not process.alive and self._answered < self._asked:
                self._answered = self._asked            # nothing more will come
                self.failed = "Autosave failed (its process ended): save the session yourself"
                self.controller.message.emit(self.failed)

    def _wait(self) -> bool:
        """Wait for the replies to every save asked for; whether the last one succeeded."""
        deadline = time.monotonic() + WAIT_S
        while self._answered < self._asked and time.monotonic() < deadline:
            self._collect(timeout=0.1)
        return self._answered >= self._asked and not self.failed

    def remove(self) -> None:
        """Remove this process's autosave (a clean exit, or nothing unsaved), after the saves
        asked for before."""
        self._wait()
        remove_files(self.session_file, self.meta_file)

    def stop(self) -> None:
        """No more saves: the timers stop, and the autosave process ends once it has written
        what was asked."""
        self._quiet.stop()
        self._every.stop()
        self._wait()
        if self._process is not None:
            self._process.close()
            self._process = None
