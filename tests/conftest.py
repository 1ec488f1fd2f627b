import os
import tempfile
from pathlib import Path

import pytest

if not os.environ.get("DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Autosaves and other user data of the windows the tests open go to a folder of their own, never
# to the user's (the test processes started from here inherit it).
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="lrgui-tests-data-")

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    if not (SHARED_DATA / "ex2data1.txt").exists():
        pytest.skip("the shared reference data are not beside the repository")
    return SHARED_DATA


@pytest.fixture(scope="session", autouse=True)
def _collect_in_the_gui_thread(request):
    """As in the program: Python's cycle collector runs in the GUI thread only (a Qt object freed
    by a collection in a worker thread can hang the process)."""
    if not any("qtbot" in item.fixturenames or "driver" in item.fixturenames for item in request.session.items):
        yield
        return
    request.getfixturevalue("qapp")
    from lrgui.views.gui_gc import collect_in_gui_thread

    collect_in_gui_thread()
    yield
