"""Pictures and animations for slides: ``lrgui render`` and File > Export animation, checked by
decoding what they wrote."""

import subprocess
import sys
import xml.etree.ElementTree as ET

import imageio.v3 as iio
import numpy as np
import pytest
from PIL import Image
from PySide6.QtGui import QImage
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QPushButton

from lrgui.cli import main
from lrgui.views.picture_dialog import AnimationDialog


def gif_frames(path):
    with Image.open(path) as im:
        return im.n_frames, im.size


def test_render_writes_a_gif_with_one_frame_per_epoch_of_exactly_the_size(tmp_path):
    out = tmp_path / "race.gif"
    done = subprocess.run([sys.executable, "-m", "lrgui", "render", "gaussian-clouds", "--out", str(out),
                           "--epochs", "3:14", "--size", "320x200", "--view", "plane", "--theme", "dark"],
                          capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"wrote {out}" and done.stderr == ""
    assert gif_frames(out) == (12, (320, 200))
    with Image.open(out) as im:              # dark theme: the plane's background is dark
        im.seek(5)
        rgb = np.asarray(im.convert("RGB"), dtype=float)
    assert rgb.mean() < 110


def test_render_every_kth_epoch_to_mp4(tmp_path, capsys):
    out = tmp_path / "run.mp4"
    assert main(["render", "gaussian-clouds", "--out", str(out), "--epochs", "0:20", "--every", "4",
                 "--size", "400x240", "--fps", "5"]) == 0
    frames = iio.imread(out)
    assert frames.shape == (6, 240, 400, 3)          # epochs 0, 4, 8, 12, 16, 20
    meta = iio.immeta(out)
    assert abs(meta["fps"] - 5) < 1e-6
    assert not np.array_equal(frames[0], frames[-1])


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_render_pictures_are_valid_and_of_the_size_asked(tmp_path, suffix):
    out = tmp_path / f"plane{suffix}"
    assert main(["render", "gaussian-clouds", "--out", str(out), "--epochs", "0:5", "--view", "plane",
                 "--size", "500x300"]) == 0
    if suffix == ".png":
        image = QImage(str(out))
        assert (image.width(), image.height()) == (500, 300)
    else:
        root = ET.parse(out).getroot()
        assert root.get("viewBox") == "0 0 500 300"
        assert len(list(root.iter())) > 50             # drawn, not empty


@pytest.mark.parametrize("args, words", [
    (["--out", "x.mp4", "--size", "321x200"], "even number of pixels"),
    (["--out", "x.gif", "--fps", "80"], "at most 50"),
    (["--out", "x.doc"], "not .doc"),
    (["--out", "x.gif", "--epochs", "9:3"], "0 ≤ A ≤ B"),
    (["--out", "x.gif", "--size", "big"], "WIDTHxHEIGHT"),
])
def test_render_refuses_what_it_cannot_make_in_one_line(tmp_path, capsys, args, words):
    args = [a if not a.startswith("x.") else str(tmp_path / a) for a in args]
    assert main(["render", "gaussian-clouds", *args]) == 2
    err = capsys.readouterr().err
    assert words in err and err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []                  # nothing written, no temporary left


def _export(driver, qtbot, monkeypatch, path, first=0, last=8, every=1):
    w = driver.window

    def accept(dialog):
        dialog.what.setCurrentText("Data plane")
        dialog.size_box.setCurrentIndex(0)                 # 1280 × 720
        dialog.first.setValue(first)
        dialog.last.setValue(last)
        dialog.every.setValue(every)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(AnimationDialog, "exec", accept)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), ""))
    w.actions["export_animation"].trigger()
    assert w.export_job is not None and w.export_progress.isVisible()
    return w


def test_the_window_exports_an_animation_and_keeps_answering_meanwhile(driver, qtbot, monkeypatch, tmp_path):
    out = tmp_path / "plane.gif"
    w = _export(driver, qtbot, monkeypatch, out, 0, 12)
    before = driver.snap.position
    w.actions["step"].trigger()                            # the user's own window, while rendering
    driver.settle()
    assert driver.snap.position == before + 1
    qtbot.waitUntil(lambda: w.export_job is None, timeout=120000)
    assert gif_frames(out) == (13, (1280, 720))
    assert "Saved the animation" in w.message_label.text()


def test_cancel_leaves_no_file(driver, qtbot, monkeypatch, tmp_path):
    out = tmp_path / "never.mp4"
    w = _export(driver, qtbot, monkeypatch, out, 0, 400)
    qtbot.waitUntil(lambda: w.export_progress.value() >= 2, timeout=60000)
    qtbot.mouseClick(w.export_progress.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: w.export_job is None, timeout=30000)
    assert "Cancelled" in w.message_label.text()
    assert list(tmp_path.iterdir()) == []


def test_each_frame_shows_its_epoch_and_nothing_after_it(qtbot):
    """The curves grow: at every frame the session holds no epoch past the one shown, although
    the example recorded more, and the numbers are the recorded ones."""
    from lrgui.cli_slides import load_session
    from lrgui.views.animation import FrameRenderer, RenderJob

    session, recording = load_session("optimizer-race")
    renderer = FrameRenderer(session, recording, RenderJob(view="loss", first=3, last=9, every=2, size=(320, 200)))
    seen, ended = [], []
    renderer.frameReady.connect(lambda i, epoch, image: seen.append(
        (epoch, renderer.controller.latest.end, image.size().toTuple(),
         renderer.controller.latest.selected.theta.copy())))
    renderer.finished.connect(ended.append)
    renderer.start()
    try:
        qtbot.waitUntil(lambda: bool(ended), timeout=60000)
    finally:
        renderer.close()
    assert [(e, end, size) for e, end, size, _theta in seen] == [(e, e, (320, 200)) for e in (3, 5, 7, 9)]
    assert ended == [""]
    from lrgui.core.run import TrainingRun
    run = TrainingRun(session.data, session.selected_run.config)
    for epoch, _end, _size, theta in seen:
        run.step(epoch - run.epoch)
        assert np.array_equal(theta, run.theta_original)


def test_a_dark_render_leaves_the_users_window_as_it_is(driver):
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from lrgui.views.animation import FrameRenderer, RenderJob

    w = driver.window
    window = QPalette.ColorRole.Window
    before = (QApplication.palette().color(window).name(), w.palette().color(window).name())
    c = driver.controller
    renderer = FrameRenderer(c.session, None, RenderJob(theme="dark", size=(320, 200)))
    try:
        assert renderer.window.palette().color(window).name() == "#2a2a31"
        assert (QApplication.palette().color(window).name(), w.palette().color(window).name()) == before
    finally:
        renderer.close()


def test_closing_while_rendering_asks_and_leaves_no_file(driver, qtbot, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    out = tmp_path / "long.mp4"
    w = _export(driver, qtbot, monkeypatch, out, 0, 400)
    asked = []

    def answer(choice):
        return lambda *a, **k: asked.append(a[1]) or choice

    driver.controller.undo_stack.setClean()
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    w.close()
    assert w.isVisible() and w.export_job is not None and asked == ["An animation is being rendered"]
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Close))
    w.close()
    assert not w.isVisible() and w.export_job is None
    qtbot.wait(200)
    assert [p.name for p in tmp_path.iterdir()] == ["settings.ini"]      # the window's own; no video
