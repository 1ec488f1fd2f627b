"""The writing process: it writes sessions, the user's own (Save, Save as) and autosaves, one
at a time in the order asked, and replies with each outcome. A session of a million points takes
seconds to encode as JSON; written here, the window goes on meanwhile (a thread of the window's
process would hold Python's interpreter lock against it for as long). Nothing here imports Qt, so
that it starts light (``session_writer.SessionWriter`` starts it)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from ..core.errors import LrguiError
from ..core.fileio import write_text
from ..core.session import Session
from ..core.session_file import write_session


def _why(exc: Exception) -> str:
    return str(getattr(exc, "strerror", None) or exc)


def write_autosave(session_file: Path, meta_file: Path, session: Session, pid: int) -> str:
    """Write ``session`` to ``session_file`` and, beside it, when and from which file (and by
    which window process, ``pid``) to ``meta_file``. Returns "" or why it failed, in words."""
    try:
        session_file.parent.mkdir(parents=True, exist_ok=True)
        write_session(session_file, session)
        write_text(meta_file, json.dumps({"pid": pid, "saved": time.time(), "path": session.path or ""}))
    except (LrguiError, OSError) as exc:
        return f"Autosave failed ({_why(exc)}): save the session yourself"
    return ""


def write_saved(path: str, session: Session, recording, layout: dict | None) -> str:
    """Write ``session`` (with ``recording``, the runs' histories, or None) and the window's
    ``layout`` to ``path``. Returns "" or why it failed, in words."""
    try:
        write_session(path, session, recording, layout)
    except (LrguiError, OSError) as exc:
        return f"Cannot save {path}: {_why(exc)}"
    return ""


def remove_files(*files: Path) -> None:
    for f in files:
        Path(f).unlink(missing_ok=True)


WRITERS = {"autosave": write_autosave, "save": write_saved}


def serve(commands, replies) -> None:
    """Carry out (kind, number, *arguments) for each kind of WRITERS and reply (number, "" or
    why it failed), until ("stop",) or until the command pipe closes."""
    while True:
        try:
            message = commands.recv()
        except (EOFError, OSError):
            return
        if message[0] not in WRITERS:
            return
        kind, number, *arguments = message
        try:
            replies.send((number, WRITERS[kind](*arguments)))
        except (OSError, ValueError):
            return


if __name__ == "__main__":
    import sys
    from multiprocessing.connection import Connection

    # served from the module under its own name, as the training process is
    from lrgui.app.writing_process import serve as serve_by_name

    serve_by_name(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
