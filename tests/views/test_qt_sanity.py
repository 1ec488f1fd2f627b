"""Guards against known faults of the Qt stack and the program's exit."""

import subprocess
import sys
import textwrap

from PySide6.QtCore import QLineF, Qt
from PySide6.QtGui import QImage, QPainter, QPen


def test_void_painter_calls_keep_none_alive(qapp):
    """PySide6-Essentials 6.12.0 on Python < 3.12 lost a reference to None on every call of a
    method returning nothing and the process died after a few thousand paints."""
    image = QImage(64, 64, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    pen = QPen(Qt.GlobalColor.black)
    before = sys.getrefcount(None)
    for i in range(5000):
        painter.setPen(pen)
        painter.drawLine(QLineF(0, 0, i % 64, 63))
    after = sys.getrefcount(None)
    painter.end()
    assert after >= before - 50


def test_the_explorer_exits_with_status_zero_while_training(tmp_path):
    script = textwrap.dedent("""
        from PySide6.QtCore import QTimer
        from lrgui.explorer import run_explorer

        def ready(window):
            window.controller.set_speed(None)
            window.controller.set_run_config(max_epochs=10_000_000, tol=0.0)
            window.controller.undo_stack.setClean()     # closing asks nothing
            window.controller.play(True)
            QTimer.singleShot(1500, window.close)

        raise SystemExit(run_explorer(on_ready=ready))
    """)
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr


def test_a_bad_file_on_the_command_line_is_refused_cleanly(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2,0\n3,x,1\n")
    out = subprocess.run([sys.executable, "-m", "lrgui", str(bad)], capture_output=True, text=True, timeout=60,
                         env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 2
    assert "line 2, column 2" in out.stderr and "Traceback" not in out.stderr


def test_no_display_is_explained_not_crashed():
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run([sys.executable, "-m", "lrgui"], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 2
    assert "no display" in out.stderr and "lrgui train" in out.stderr
