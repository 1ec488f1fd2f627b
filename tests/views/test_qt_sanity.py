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


DIALOG_SCRIPT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from lrgui.explorer import run_explorer
from lrgui.views.import_dialog import ImportDialog

def ready(window):
    def look():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, ImportDialog):
            QTimer.singleShot(20, look)
            return
        print("STATUS", dialog.status.text(), flush=True)
        dialog.reject()
        QTimer.singleShot(50, lambda: (print("POINTS", window.controller.session.data.n, flush=True),
                                       window.close()))
    look()

sys.exit(run_explorer(sys.argv[1], on_ready=ready))
"""


def test_a_data_file_on_the_command_line_opens_in_the_import_dialog_with_its_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("1,2,0\n3,x,1\n")
    env = {**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path),
           "XDG_CONFIG_HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", DIALOG_SCRIPT, str(bad)], capture_output=True, text=True,
                         timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    assert "STATUS Cannot read the file as chosen. Line 2, column 2: 'x' is not a number" in out.stdout
    assert "POINTS 80" in out.stdout and "Traceback" not in out.stderr      # the start data, untouched


def test_a_missing_file_on_the_command_line_is_refused_in_one_line(tmp_path):
    out = subprocess.run([sys.executable, "-m", "lrgui", str(tmp_path / "nowhere.csv")], capture_output=True,
                         text=True, timeout=60, env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 2
    assert "nowhere.csv: no such file" in out.stderr and "Traceback" not in out.stderr


def test_no_display_is_explained_not_crashed():
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    out = subprocess.run([sys.executable, "-m", "lrgui"], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 2
    assert "no display" in out.stderr and "lrgui train" in out.stderr
