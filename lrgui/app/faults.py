"""What happens when something unexpected goes wrong in the window: nothing the user made is lost.

Qt hands an exception raised in a slot to ``sys.excepthook``; the training process reports its
own as a fault. Either way ``FaultGuard`` pauses training, saves the session (with what every run
recorded, if the trainer still answers) to a recovery file, and emits ``faulted`` with the details
and the file's path for the window to show. The session keeps its own file name and its unsaved
mark: the recovery file is a copy, not a save. A fault while one is being handled is only printed,
never handled again; a fault that repeats (a paint that fails every frame) is handled once and then
only counted, and a new recovery file is written at most every ``RECOVERY_EVERY_S`` seconds.
"""

from __future__ import annotations

import sys
import time
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, Signal

from ..core.session_file import SUFFIX, write_session

RECORDING_WAIT_S = 2.0        # how long the recovery waits for the trainer's histories
RECOVERY_EVERY_S = 30.0


def recovery_folder() -> Path:
    """Where recovery files go: the application's local data folder, subfolder ``recovery``."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(base or Path.home() / ".lrgui") / "recovery"


class FaultGuard(QObject):
    """Installed as ``sys.excepthook`` while the window is open (``install`` / ``uninstall``)."""

    faulted = Signal(str, str)          # the details (a traceback), the recovery file or ""

    def __init__(self, controller, folder: Path | None = None, parent=None):
        super().__init__(parent)
        self.controller = controller
        self.folder = Path(folder) if folder is not None else recovery_folder()
        self.reports: list[str] = []        # each distinct fault once
        self.repeats = 0                    # faults seen again
        self._previous = None
        self._handling = False
        self._recovery = ("", float("-inf"))     # the last recovery file and when it was written
        controller.trainerFault.connect(self.handle_report)

    def install(self) -> None:
        self._previous = sys.excepthook
        sys.excepthook = self.handle

    def uninstall(self) -> None:
        if sys.excepthook == self.handle:
            sys.excepthook = self._previous or sys.__excepthook__

    def handle(self, kind, value, tb) -> None:
        """sys.excepthook: an exception nobody caught (in a slot, a timer, a paint)."""
        if issubclass(kind, KeyboardInterrupt):
            (self._previous or sys.__excepthook__)(kind, value, tb)
            return
        self.handle_report("".join(traceback.format_exception(kind, value, tb)))

    def handle_report(self, details: str) -> None:
        """Pause, save a recovery copy and tell the window, for a fault described by ``details``."""
        if details in self.reports:
            self.repeats += 1
            return
        print(details, file=sys.stderr, flush=True)
        if self._handling:
            return
        self._handling = True
        try:
            self.reports.append(details)
            self.controller.play(False)
            path, written = self._recovery
            if time.monotonic() - written > RECOVERY_EVERY_S:
                path = self._save_recovery()
                self._recovery = (path, time.monotonic())
            self.faulted.emit(details, path)
        except Exception:                                     # noqa: BLE001 (the last line of defence)
            print(traceback.format_exc(), file=sys.stderr, flush=True)
        finally:
            self._handling = False

    def _save_recovery(self) -> str:
        """The path of a fresh recovery file holding the session, or "" if none could be written."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"recovery-{time.strftime('%Y%m%d-%H%M%S')}-{len(self.reports)}{SUFFIX}"
            recording = None
            if self.controller.client.alive:
                recording = self.controller.recording(timeout=RECORDING_WAIT_S)
            write_session(path, self.controller.session, recording, self.controller.layout)
            return str(path)
        except Exception:                                     # noqa: BLE001
            print(traceback.format_exc(), file=sys.stderr, flush=True)
            return ""
