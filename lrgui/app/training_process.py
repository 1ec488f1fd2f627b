"""The training process: a Race trained outside the window's interpreter.

The window and the trainer then each have an interpreter (and a core) of their own: neither waits
for the other's lock, so training runs at nearly its headless speed while the window draws. The
window sends commands through one pipe and receives deltas through another; a delta is sent only
when the window has taken the previous one (``ack``), and deltas accumulate in between, so the
window never falls behind and never misses a row. Nothing here imports Qt.

Commands (tuples): ("data", version, Dataset), ("edit", version, base version, "add" | "remove" |
"move", index, point or None, label or None) (version: the data of version base with one point
edited, as ``Dataset.with_point`` and its siblings make it here: a click on a million points sends
a point, not the million), ("runs", [RunSpec], {id: Plan} or None),
("threshold", t), ("play", bool), ("step",), ("back",), ("seek", epoch), ("position", epoch),
("reset", why = "reset" or "opened"), ("speed", epochs per second or None), ("ack",), ("sync", n), ("record", token),
("anatomy", token, run id, epoch, (x, label) or None), ("stop",).
Replies: ("delta", Report), ("record", token, {id: recorded}), ("anatomy", token, Anatomy or a
sentence), ("fault", text).
"""

from __future__ import annotations

import queue
import threading
import time
import traceback
from dataclasses import dataclass

from ..core.errors import LrguiError
from ..core.race import Race, RaceDelta

SLICE_SECONDS = 0.010      # longest stretch of training between two looks at the command pipe
IDLE_SECONDS = 0.050       # how long to wait for a command when there is nothing to do
DATA_VERSIONS_KEPT = 16


def send_all(messages, connection) -> bool:
    """Send ``messages`` (an iterable) until it ends (True) or the pipe breaks (False). Runs in a
    thread of its own, so a full pipe never blocks the sender's loop."""
    for message in messages:
        try:
            connection.send(message)
        except (OSError, ValueError):
            return False
    return True


@dataclass(frozen=True)
class Report:
    """A delta with the playback state: ``notice`` explains a refusal (play with every run
    finished, …); ``busy`` says that runs are catching up."""

    delta: RaceDelta
    playing: bool
    notice: str
    busy: bool
    serial: int
    sync: int = 0              # the last ("sync", n) handled before this report, 0 for none


class Server:
    def __init__(self, commands, replies):
        self.commands = commands
        self.race = Race()
        self.playing = False
        self.speed: float | None = 30.0
        self.credit = True
        self.changed = True
        self.notice = ""
        self.stopping = False
        self.serial = 0
        self._carry = 0.0
        self._last = time.perf_counter()
        self._datasets: dict = {}
        self._sync = 0             # a ("sync", n) waiting to be answered once nothing is left to do
        self._synced = 0
        self._outbox: queue.Queue = queue.Queue()
        self._sender = threading.Thread(target=self._send_loop, args=(replies,), daemon=True,
                                        name="lrgui-replies")
        self._sender.start()

    # -- the loop -------------------------------------------------------------------------------
    def _wait(self) -> float:
        """How long to wait for a command before there is work to do."""
        if self.race.behind() or (self.changed and self.credit) or self._sync > self._synced:
            return 0.0
        if self.playing:
            if self.speed is None:
                return 0.0
            return min(IDLE_SECONDS, max(0.0, (1.0 - self._carry) / self.speed))
        return IDLE_SECONDS

    def loop(self) -> None:
        while not self.stopping:
            try:
                if self.commands.poll(self._wait()):
                    self._receive()
            except (EOFError, OSError):          # the window is gone
                break
            if self.stopping:
                break
            self._work()
            self._publish()
        self._outbox.put(None)
        self._sender.join(timeout=2)

    def _receive(self) -> None:
        while self.commands.poll(0):
            message = self.commands.recv()
            try:
                getattr(self, "do_" + message[0])(*message[1:])
            except LrguiError as exc:
                self.notice = str(exc)
            except Exception:  # noqa: BLE001 — a fault of the program: report it, keep serving
                self._outbox.put(("fault", traceback.format_exc()))
            self.changed = True
            if self.stopping:
                return

    def _work(self) -> None:
        deadline = time.perf_counter() + SLICE_SECONDS
        try:
            if self.race.behind():
                while self.race.catch_up(1) and time.perf_counter() < deadline and not self.commands.poll(0):
                    pass
                self.changed = True
            elif self.playing:
                self._play(deadline)
        except Exception:  # noqa: BLE001
            self.playing = False
            self._outbox.put(("fault", traceback.format_exc()))
            self.changed = True

    def _play(self, deadline: float) -> None:
        now = time.perf_counter()
        if self.speed is None:
            due = float("inf")
        else:
            self._carry = min(self._carry + (now - self._last) * self.speed, max(1.0, self.speed * 0.1))
            due = self._carry
        self._last = now
        moved = 0
        while moved < due and time.perf_counter() < deadline:
            if not self.race.step():
                if not self.race.behind():
                    self.playing = False
                    self.notice = self.race.why_stopped()
                break
            moved += 1
            if self.commands.poll(0):
                break
        if self.speed is not None:
            self._carry -= moved
        if moved:
            self.changed = True

    def _publish(self) -> None:
        """Send what changed, once the window took the last report; a sync is answered (even
        without that) once every command before it is done and no run is catching up."""
        answer_sync = self._sync > self._synced and not self.race.behind()
        if not ((self.credit and self.changed) or answer_sync):
            return
        self.serial += 1
        if answer_sync:
            self._synced = self._sync
        report = Report(self.race.delta(), self.playing, self.notice,
                        bool(self.race.behind()), self.serial, self._synced)
        self.credit = self.changed = False
        self._outbox.put(("delta", report))

    def _send_loop(self, replies) -> None:
        send_all(iter(self._outbox.get, None), replies)

    # -- commands -------------------------------------------------------------------------------
    def do_data(self, version, data) -> None:
        # A version seen before (an undo) is the very object the runs' segments hold, so runs kept
        # aside (a removal undone) can be taken back as they are.
        data = self._datasets.pop(version, data)
        self._datasets[version] = data
        while len(self._datasets) > DATA_VERSIONS_KEPT:
            self._datasets.pop(next(iter(self._datasets)))
        self.race.set_data(data, version)

    def do_edit(self, version, base, kind, index, point, label) -> None:
        source = self._datasets.get(base)
        if source is None:                    # the window sends edits of the last data it sent
            raise RuntimeError(f"an edit of data version {base}, which is not kept")
        if kind == "add":
            data = source.with_point(point, label, index)
        elif kind == "remove":
            data = source.without_point(index)
        else:
            data = source.with_point_moved(index, point)
        self.do_data(version, data)

    def do_runs(self, specs, plans=None) -> None:
        self.race.set_runs(list(specs), plans)

    def do_threshold(self, threshold) -> None:
        self.race.set_threshold(threshold)

    def do_play(self, on) -> None:
        self.notice = ""
        if on and not self.race.tracks:
            on = False
        if on and not self.race.can_advance() and self.race.position >= self.race.end:
            self.notice = self.race.why_stopped()
            on = False
        self.playing = bool(on)
        self._carry, self._last = 0.0, time.perf_counter()

    def do_step(self) -> None:
        self.playing = False
        self.notice = ""
        if self.race.behind():
            self.race.catch_up(10**9)
        if not self.race.step(force=True):
            self.notice = "no run can train one more epoch"

    def do_back(self) -> None:
        self.playing = False
        self.notice = ""
        self.race.seek(self.race.position - 1)

    def do_seek(self, epoch) -> None:
        self.playing = False
        self.notice = ""
        self.race.seek(epoch)

    def do_position(self, epoch) -> None:
        """Put the timeline at ``epoch`` before runs exist there (a session being reproduced)."""
        self.race.position = max(0, int(epoch))

    def do_reset(self, why: str = "reset") -> None:
        self.playing = False
        self.notice = ""
        self.race.reset(why)

    def do_speed(self, speed) -> None:
        self.speed = speed
        self._carry, self._last = 0.0, time.perf_counter()

    def do_ack(self) -> None:
        self.credit = True

    def do_sync(self, token: int) -> None:
        """Answer (in a report's ``sync``) once everything sent before is done."""
        self._sync = max(self._sync, int(token))

    def do_record(self, token) -> None:
        race = self.race
        recorded = {}
        for run_id in race.order:
            r = race.recorded(run_id)
            if r is not None:
                r["segments"] = [(start, None if data is race.data else data, config)
                                 for start, data, config in r["segments"]]
            recorded[run_id] = r
        self._outbox.put(("record", token, {"position": race.position, "runs": recorded}))

    def do_anatomy(self, token, run_id, epoch, point) -> None:
        """Take apart the update after ``epoch`` of a run (see core.anatomy); the answer is a
        sentence when the run has nothing to show."""
        track = self.race.tracks.get(run_id)
        if track is None or track.run is None:
            answer = "the run has not started"
        else:
            try:
                answer = track.run.anatomy(epoch, point)
            except LrguiError as exc:
                answer = str(exc)
        self._outbox.put(("anatomy", token, answer))

    def do_stop(self) -> None:
        self.stopping = True


def serve(commands, replies) -> None:
    """Serve until told to stop or until the window's end of the command pipe closes."""
    Server(commands, replies).loop()


if __name__ == "__main__":
    import sys
    from multiprocessing.connection import Connection

    # Serve from the module under its own name, so what it sends unpickles in the window as
    # lrgui.app.training_process.Report, not as __main__.Report.
    from lrgui.app.training_process import serve as serve_by_name

    serve_by_name(Connection(int(sys.argv[1]), writable=False), Connection(int(sys.argv[2]), readable=False))
