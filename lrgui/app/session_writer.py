"""Sessions written apart from the window: each write is handed to the writing process
(``writing_process``, started at the first write) as a copy of the session's immutable values,
and its outcome comes back to a callback on the GUI thread, which goes on meanwhile."""

from __future__ import annotations

import time
from typing import Callable

from PySide6.QtCore import QObject, QTimer

from ..core.session import Session
from .worker import ProcessClient

WAIT_S = 60.0              # the longest a write waited for (saving on the way out, a restore) may take
ENDED = "its process ended"


def frozen_copy(session: Session, path: str | None = None) -> Session:
    """A Session of ``session``'s values as they are now (under ``path`` if given): its values
    are immutable, so the copy can be written elsewhere while the session goes on changing."""
    s = session
    return Session(s.data, s.origin, s.runs, s.selected, s.view, s.path if path is None else path)


class SessionWriter(QObject):
    """Writes in the writing process, in the order asked; ``write`` returns at once."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self._process: ProcessClient | None = None
        self._asked = self._answered = 0             # writes asked for, and replied to (by number)
        self._done: dict[int, Callable[[str], None]] = {}
        self._replies = QTimer(self)                 # looks for replies while some are due
        self._replies.setInterval(50)
        self._replies.timeout.connect(self._collect)

    def write(self, kind: str, *arguments, done: Callable[[str], None] | None = None) -> int:
        """Ask for one write of ``writing_process.WRITERS[kind]`` with ``arguments``; ``done``
        is called with "" or why it failed, in words, once it is over. Returns its number."""
        if self._process is None or not self._process.alive:
            self._process = ProcessClient("lrgui.app.writing_process")
        self._asked += 1
        if done is not None:
            self._done[self._asked] = done
        self._process.send(kind, self._asked, *arguments)
        self._replies.start()
        return self._asked

    @property
    def pending(self) -> bool:
        return self._answered < self._asked

    def _collect(self, timeout: float = 0.0) -> None:
        """Take the replies that have come (waiting up to ``timeout`` s for one) and tell each
        write's ``done``; if the process has ended, every write still due has failed."""
        process = self._process
        for number, why in process.poll(timeout) if process is not None else ():
            self._answered = number
            self._tell(number, why)
        if process is not None and not process.alive and self.pending:
            for number in range(self._answered + 1, self._asked + 1):
                self._tell(number, ENDED)
            self._answered = self._asked
        if not self.pending:
            self._replies.stop()

    def _tell(self, number: int, why: str) -> None:
        done = self._done.pop(number, None)
        if done is not None:
            done(why)

    def wait(self, number: int | None = None, timeout: float = WAIT_S) -> bool:
        """Wait until write ``number`` (by default every write asked for) is over, telling the
        ``done`` of each that ends meanwhile; whether it is over."""
        number = self._asked if number is None else number
        deadline = time.monotonic() + timeout
        while self._answered < number and time.monotonic() < deadline:
            self._collect(timeout=0.1)
        return self._answered >= number

    def close(self) -> None:
        """Let every write asked for end, then the process."""
        self.wait()
        if self._process is not None:
            self._process.close()
            self._process = None
