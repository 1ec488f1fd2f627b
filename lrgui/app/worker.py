"""The window's side of the training process (and of the autosave process): starts it, sends it
commands, collects its replies.

Commands leave through a small sender thread, so the GUI thread never blocks on a full pipe (a
large data set is sent while the window goes on answering). Replies are read, without waiting,
by the GUI thread's frame timer (``poll``). Messages are immutable values (data sets, run specs,
deltas), so nothing mutable is shared between the threads or the processes.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path

from .training_process import send_all


def _start_process(module: str) -> tuple[subprocess.Popen, Connection, Connection]:
    """A fresh interpreter running ``module`` with a pipe each way. It imports only what its work
    needs (never the program that started it), and ends when its command pipe closes, so it
    cannot outlive the window."""
    command_read, command_write = os.pipe()
    reply_read, reply_write = os.pipe()
    env = dict(os.environ)
    package_root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH", "")) if p)
    process = subprocess.Popen(
        [sys.executable, "-m", module, str(command_read), str(reply_write)],
        pass_fds=(command_read, reply_write), env=env, stdin=subprocess.DEVNULL)
    os.close(command_read)
    os.close(reply_write)
    return process, Connection(command_write, readable=False), Connection(reply_read, writable=False)


_NOTHING = object()


def latest_data(outbox: queue.Queue):
    """The commands of ``outbox`` in order until it yields None, except that of data sets queued
    one right after another only the last is sent: nothing could have used the others before
    they were replaced (thirty quick undos on a million points send one data set, not thirty)."""
    held = _NOTHING
    while True:
        message = outbox.get() if held is _NOTHING else held
        held = _NOTHING
        while message is not None and message[0] == "data":
            try:
                following = outbox.get_nowait()
            except queue.Empty:
                break
            if following is not None and following[0] == "data":
                message = following
            else:
                held = following
                break
        if message is None:
            return
        yield message


class ProcessClient:
    """One child process running ``module`` (see ``_start_process``); it serves commands until
    ("stop",) or until its command pipe closes. ``alive`` turns False if it ends unexpectedly."""

    def __init__(self, module: str):
        self.process, command_in, self._replies = _start_process(module)
        self._outbox: queue.Queue = queue.Queue()
        self._sender = threading.Thread(target=self._send_loop, args=(command_in,), daemon=True,
                                        name="lrgui-commands")
        self._sender.start()
        self.alive = True
        self._closed = False

    def _send_loop(self, pipe) -> None:
        if not send_all(latest_data(self._outbox), pipe):
            self.alive = False
        pipe.close()

    def send(self, *message) -> None:
        """Queue a command (it is sent after every command queued before it)."""
        if not self._closed:
            self._outbox.put(message)

    def poll(self, timeout: float = 0.0) -> list:
        """Every reply that has arrived, oldest first, waiting up to ``timeout`` seconds for the
        first (by default not at all)."""
        out = []
        try:
            while self._replies.poll(timeout):
                out.append(self._replies.recv())
                timeout = 0.0
        except (EOFError, OSError):
            self.alive = False
        if self.alive and self.process.poll() is not None:
            self.alive = False
        return out

    def close(self, timeout: float = 5.0) -> None:
        """Ask the process to stop and wait for it (ended by force if it does not answer)."""
        if self._closed:
            return
        self._closed = True
        self._outbox.put(("stop",))
        self._outbox.put(None)
        self._sender.join(timeout)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout)
        self._replies.close()

    @property
    def running(self) -> bool:
        return self.process.poll() is None or self._sender.is_alive()


class TrainingClient(ProcessClient):
    """The training process (``lrgui.app.training_process``)."""

    def __init__(self):
        super().__init__("lrgui.app.training_process")
