"""Files are read within bounds and written whole: devices, pipes, links, modes, size limits, and a
writer killed at random moments."""

import hashlib
import os
import random
import signal
import stat
import threading

import numpy as np
import pytest

from lrgui.core import fileio, session_file, table_io
from lrgui.core.dataset import Dataset
from lrgui.core.errors import DataFileError
from lrgui.core.fileio import UnreadableFile, atomic_writer, read_limited, write_text
from lrgui.core.session import DataOrigin, Session
from lrgui.core.session_file import SessionFileError, looks_like_session, read_session, write_session
from lrgui.core.table_io import read_table, write_table

CSV = "x1,x2,label\n1,2,no\n3,4,yes\n"


def _in_thread(function, *args, timeout: float = 10.0):
    """``function(*args)`` run in a thread: (returned value, raised exception). Fails the test if it
    has not returned within ``timeout`` seconds (it would block the suite for ever otherwise)."""
    outcome = {}

    def call():
        try:
            outcome["value"] = function(*args)
        except BaseException as exc:       # handed to the test
            outcome["error"] = exc

    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    worker.join(timeout)
    assert not worker.is_alive(), f"{function.__name__} blocked on its file"
    return outcome.get("value"), outcome.get("error")


# -- reading: only regular files, never waiting, never without end ----------------------------------
@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("reader,error", [(read_table, DataFileError), (read_session, SessionFileError)])
@pytest.mark.parametrize("special", ["fifo", "/dev/zero", "/dev/null", "folder"])
def test_devices_pipes_and_folders_are_refused_without_waiting(reader, error, special, fifo, tmp_path):
    path = {"fifo": fifo, "folder": tmp_path}.get(special, special)
    if not os.path.exists(path):
        pytest.skip(f"{path} does not exist here")
    value, raised = _in_thread(reader, path)
    assert isinstance(raised, error) and str(raised).startswith(str(path))
    assert "not a regular file" in str(raised) or "folder" in str(raised)


def test_looks_like_session_never_waits_on_a_pipe_or_a_device(fifo, tmp_path):
    named = tmp_path / "named.lrgui.json"
    os.mkfifo(named)
    for path, expected in ((fifo, False), ("/dev/zero", False), (named, True), (tmp_path / "missing", False)):
        value, raised = _in_thread(looks_like_session, path)
        assert raised is None and value is expected
    value, raised = _in_thread(read_session, named)
    assert isinstance(raised, SessionFileError) and "not a regular file" in str(raised)


def test_a_session_is_told_from_data_by_its_first_bytes(tmp_path):
    session_like, data_like = tmp_path / "a", tmp_path / "b"
    session_like.write_text('\ufeff  {"data": {}}')
    data_like.write_text(CSV)
    assert looks_like_session(session_like) and not looks_like_session(data_like)


def test_files_above_the_limit_are_refused_with_the_limit_named(tmp_path, monkeypatch):
    data, session = tmp_path / "d.csv", tmp_path / "s.lrgui.json"
    data.write_text(CSV + "5,6,no\n" * 200)
    session.write_text('{"data": {"generator": "gaussian"}, "runs": [{}]}' + " " * 2000)
    monkeypatch.setattr(table_io, "MAX_FILE_BYTES", 1000)
    monkeypatch.setattr(session_file, "MAX_FILE_BYTES", 1000)
    with pytest.raises(DataFileError, match=r"d\.csv: the file holds .* larger than 1000 bytes"):
        read_table(data)
    with pytest.raises(SessionFileError, match=r"s\.lrgui\.json: the file holds .* larger than 1000 bytes"):
        read_session(session)
    assert fileio.MAX_FILE_BYTES == 2 << 30


def test_a_file_that_grows_while_read_is_read_no_further_than_the_limit(tmp_path, monkeypatch):
    path = tmp_path / "growing.csv"
    path.write_bytes(b"1,2,0\n" * 10_000)                     # 60,000 bytes
    real_stat, real_read = os.stat, os.read
    small = os.stat_result((stat.S_IFREG | 0o644,) + tuple(real_stat(path))[1:6] + (100,) + tuple(real_stat(path))[7:])
    monkeypatch.setattr(fileio.os, "stat", lambda p, *a, **k: small if str(p) == str(path) else real_stat(p, *a, **k))
    taken = []

    def counting_read(fd, n):
        block = real_read(fd, n)
        taken.append(len(block))
        return block

    monkeypatch.setattr(fileio.os, "read", counting_read)
    with pytest.raises(UnreadableFile, match="grew while it was read and is now larger than 1000 bytes"):
        read_limited(path, 1000)
    assert sum(taken) == 1001


def test_a_file_within_the_limit_is_read_whole(tmp_path):
    path = tmp_path / "d.bin"
    content = bytes(range(256)) * 40
    path.write_bytes(content)
    assert read_limited(path, len(content)) == content
    with pytest.raises(UnreadableFile, match="no such file"):
        read_limited(tmp_path / "missing")
    with pytest.raises(UnreadableFile, match="NUL"):
        read_limited(str(tmp_path / "a\0b"))


# -- writing: links followed, modes kept, devices written into ---------------------------------------
def _dataset(n: int = 6, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    return Dataset(rng.normal(size=(n, 2)), np.arange(n) % 2, ("a", "b"), {"007": 0, "1e300": 1})


@pytest.mark.parametrize("write", ["text", "table", "session"])
def test_a_link_is_kept_and_the_file_it_points_to_is_replaced(tmp_path, write):
    target = tmp_path / "real"
    target.write_text("old")
    link = tmp_path / "link"
    link.symlink_to(target)
    data = _dataset()
    if write == "text":
        write_text(link, "new")
        assert target.read_text() == "new"
    elif write == "table":
        write_table(data, link)
        assert read_table(target).equals(data)
    else:
        write_session(link, Session(data, DataOrigin("file", "points", (), True)))
        assert read_session(target).session.data.equals(data)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]


@pytest.mark.parametrize("mode", [0o644, 0o600, 0o664, 0o400])
def test_a_replaced_file_keeps_its_permissions(tmp_path, mode):
    path = tmp_path / "d.csv"
    path.write_text("old")
    os.chmod(path, mode)
    inode = os.stat(path).st_ino
    write_table(_dataset(), path)
    assert stat.S_IMODE(os.stat(path).st_mode) == mode and os.stat(path).st_ino != inode
    assert read_table(path).equals(_dataset())


def test_a_new_file_gets_the_mode_the_umask_allows(tmp_path):
    old = os.umask(0o027)
    try:
        write_text(tmp_path / "new.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.txt").st_mode) == 0o640


def test_a_pipe_is_written_into_and_stays_a_pipe(fifo):
    copy = fifo.parent / "copy.csv"
    write_table(_dataset(), copy)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()), daemon=True)
    reader.start()
    write_table(_dataset(), fifo)
    reader.join(10)
    assert not reader.is_alive() and received == [copy.read_text()]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert sorted(p.name for p in fifo.parent.iterdir()) == ["copy.csv", "pipe"]


@pytest.mark.skipif(os.geteuid() != 0 or not os.path.exists("/dev/null"), reason="replacing /dev/null needs root")
def test_dev_null_is_written_into_and_stays_a_device():
    before = os.stat("/dev/null")
    write_text("/dev/null", "nothing")
    with atomic_writer("/dev/null") as fh:
        fh.write("still nothing")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino
    assert not [p for p in os.listdir("/dev") if p.startswith(".null.")]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_file(tmp_path):
    path = tmp_path / "d.txt"
    path.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_writer(path) as fh:
            fh.write("half")
            raise RuntimeError("stop")
    assert path.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["d.txt"]


# -- a writer killed at random moments -------------------------------------------------------------------
def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _versions() -> list[tuple[str, object]]:
    """Two large data sets and two large sessions: (kind, value), each written whole by the writer."""
    rng = np.random.default_rng(11)
    out = []
    for seed in (1, 2):
        X = rng.normal(size=(40_000, 3)) * 10.0 ** rng.integers(-200, 200, size=(40_000, 3))
        data = Dataset(X, np.arange(40_000) % 2, ("a", "b", "c"), {"no": 0, "yes": 1})
        out.append(("table", data))
        out.append(("session", Session(data, DataOrigin("file", "points", (), True))))
    return out


def _write(kind: str, value, path) -> None:
    if kind == "table":
        write_table(value, path)
    else:
        write_session(path, value)


def test_a_writer_killed_at_any_moment_leaves_the_old_or_the_new_file_whole(tmp_path):
    versions = _versions()
    expected = {}
    for i, (kind, value) in enumerate(versions):      # what each version is, written once undisturbed
        reference = tmp_path / f"reference{i}"
        _write(kind, value, reference)
        expected[i] = _sha(reference.read_bytes())
        reference.unlink()
    rng = random.Random(20240611)
    for attempt in range(20):
        kind = "table" if attempt % 2 == 0 else "session"
        mine = [i for i, (k, _) in enumerate(versions) if k == kind]
        target = tmp_path / f"target.{kind}"
        if not target.exists():
            _write(kind, versions[mine[0]][1], target)
        ready_r, ready_w = os.pipe()
        pid = os.fork()
        if pid == 0:                                       # the writer: write both versions in turn
            try:
                os.close(ready_r)
                os.write(ready_w, b"go")
                while True:
                    for i in mine:
                        _write(kind, versions[i][1], target)
            finally:
                os._exit(0)
        os.close(ready_w)
        assert os.read(ready_r, 2) == b"go"
        os.close(ready_r)
        threading.Event().wait(rng.uniform(0.0, 1.0))       # the random moment of the kill
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
        found = _sha(target.read_bytes())
        assert found in {expected[i] for i in mine}, f"attempt {attempt}: the file is neither version"
    assert read_table(tmp_path / "target.table").n == 40_000
    assert read_session(tmp_path / "target.session").session.data.n == 40_000
    # a kill during a write leaves its hidden temporary file (never read); that some are left shows
    # that kills landed inside writes, and the targets were whole all the same
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers and all(p.startswith(".target.") and p.endswith(".tmp") for p in leftovers)
