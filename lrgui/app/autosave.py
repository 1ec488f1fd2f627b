"""Autosave: the session with unsaved changes is written to the user's data folder a few seconds
after every burst of edits and every minute, so a crash or a kill loses at most that much; the
next start offers it back.

The files are written by the writing process (``session_writer``), which also writes the
user's own saves, in the order asked: the last autosave asked for is the one on disk.

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

from ..core.session_file import SUFFIX
from .session_writer import ENDED, SessionWriter, frozen_copy
from .writing_process import remove_files

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
    files are written by ``controller.writer``, apart from the window)."""

    def __init__(self, controller, folder: Path | None = None):
        super().__init__(controller)
        self.controller = controller
        self.writer: SessionWriter = controller.writer
        self.folder = folder or autosave_folder()
        self.session_file = self.folder / f"autosave-{os.getpid()}{SUFFIX}"
        self.meta_file = self.folder / f"autosave-{os.getpid()}.json"
        self.failed = ""                  # why the last autosave failed, once said
        self._last = 0                    # the writer's number of the last autosave asked for
        self._quiet = QTimer(self)
        self._quiet.setSingleShot(True)
        self._quiet.setInterval(QUIET_MS)
        self._quiet.timeout.connect(self.save)
        self._every = QTimer(self)
        self._every.setInterval(EVERY_MS)
        self._every.timeout.connect(self.save)
        self._every.start()
        controller.undo_stack.indexChanged.connect(lambda _i: self._quiet.start())

    def save(self, wait: bool = False) -> bool:
        """Write the session if it has unsaved changes (else remove the autosave). With
        ``wait``, wait until it is done and return whether the files are up to date; without,
        return True at once."""
        c = self.controller
        if not c.dirty:
            self.remove()
            return True
        self._last = self.writer.write("autosave", self.session_file, self.meta_file, frozen_copy(c.session),
                                       os.getpid(), done=self._written)
        return (self.writer.wait(self._last) and not self.failed) if wait else True

    def _written(self, why: str) -> None:
        """A failure is said once, until an autosave succeeds again."""
        if why == ENDED:
            why = "Autosave failed (its process ended): save the session yourself"
        if why and why != self.failed:
            self.controller.message.emit(why)
        self.failed = why

    def remove(self) -> None:
        """Remove this process's autosave (a clean exit, or nothing unsaved), after the
        autosaves asked for before."""
        self.writer.wait(self._last)
        remove_files(self.session_file, self.meta_file)

    def stop(self) -> None:
        """No more autosaves: the timers stop; those asked for are written."""
        self._quiet.stop()
        self._every.stop()
        self.writer.wait(self._last)
