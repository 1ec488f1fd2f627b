"""The autosave process: it writes an autosave's two files for each ("write", …) command and
replies with the outcome. Nothing here imports Qt, so that it starts light (the window starts it
with ``worker.ProcessClient("lrgui.app.autosave_files")``)."""

from __future__ import annotations

import json
import time
from pathlib import Path

from ..core.errors import LrguiError
from ..core.fileio import write_text
from ..core.session import Session
from ..core.session_file import write_session


def write_autosave(session_file: Path, meta_file: Path, session: Session, pid: int) -> str:
    """Write ``session`` to ``session_file`` and, beside it, when and from which file (and by
    which window process, ``pid``) to ``meta_file``. Returns "" or why it failed, in words."""
    try:
        session_file.parent.mkdir(parents=True, exist_ok=True)
        write_session(session_file, session)
        write_text(meta_file, json.dumps({"pid": pid, "saved": time.time(), "path": session.path or ""}))
    except (LrguiError, OSError) as exc:
        return f"Autosave failed ({getattr(exc, 'strerror', None) or exc}): save the session yourself"
    return ""


def remove_files(*files: Path) -> None:
    for f in files:
        Path(f).unlink(missing_ok=True)


def serve(commands, replies) -> None:
    """Write what ("write", number, session file, meta file, session, pid) asks and reply
    (number, "" or why it failed), until ("stop",) or until the command pipe closes."""
    while True:
        try:
            message = commands.recv()
        except (EOFError, OSError):
            return
        if message[0] != "write":
            return
        _, number, session_file, meta_file, session, pid = message
        try:
            replies.send((number, write_autosave(session_file, meta_file, session, pid)))
        except (OSError, ValueError):
            return


if __name__ == "__main__":
    import sys
    from multiprocessing.connection import Connection

    # served from the module under its own name, as the training process is
    from lrgui.app.autosave_files import serve as serve_by_name

    serve_by_name(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
