"""Before Qt opens a window on X11: missing xcb libraries are named, with the packages to install,
in one line and exit status 2 (instead of Qt's abort about the platform plugin)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from lrgui import explorer as main
from lrgui.app import system_check
from lrgui.core.errors import LrguiError

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the xcb check is for Linux")

FAKE_SONAME = "libxcb-doesnotexist.so.0"
FAKE_PACKAGE = "libxcb-doesnotexist0"
ROOT = Path(__file__).resolve().parents[2]
DISPLAY = ":7391"          # a display nobody runs: the check must stop the program before it is used


def _loader_knows() -> set[str]:
    """The sonames the dynamic loader's cache lists (an independent view of what is installed)."""
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    return {line.split()[0] for line in out.splitlines()[1:] if line.strip()}


def _packages_in(line: str) -> list[str]:
    """The packages of the install command in a message."""
    return line.split("apt-get install", 1)[1].split()


# -- which packages are missing ---------------------------------------------------------------------
def test_a_missing_library_names_its_package(monkeypatch):
    monkeypatch.setitem(system_check.XCB_LIBRARIES, FAKE_SONAME, FAKE_PACKAGE)
    missing = system_check.missing_packages()
    assert FAKE_PACKAGE in missing
    assert system_check.missing_packages({"libc.so.6": "libc6", FAKE_SONAME: FAKE_PACKAGE}) == [FAKE_PACKAGE]
    assert system_check.missing_packages({"libc.so.6": "libc6"}) == []


@pytest.mark.skipif(shutil.which("ldconfig") is None, reason="needs ldconfig")
def test_missing_packages_agree_with_the_loader_cache(monkeypatch):
    monkeypatch.setitem(system_check.XCB_LIBRARIES, FAKE_SONAME, FAKE_PACKAGE)
    known = _loader_knows()
    expected = [package for soname, package in system_check.XCB_LIBRARIES.items() if soname not in known]
    assert system_check.missing_packages() == expected
    assert expected[-1] == FAKE_PACKAGE


@pytest.mark.skipif(shutil.which("dpkg") is None or shutil.which("ldconfig") is None,
                    reason="needs a Debian-like system")
def test_each_installed_library_belongs_to_the_package_named_for_it():
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=True).stdout
    where = {}
    for line in out.splitlines()[1:]:
        if "=>" in line:
            where.setdefault(line.split()[0], line.split("=>")[1].strip())
    checked = 0
    for soname, package in system_check.XCB_LIBRARIES.items():
        if soname not in where:
            continue
        owner = subprocess.run(["dpkg", "-S", os.path.realpath(where[soname])], capture_output=True, text=True)
        if owner.returncode != 0:
            continue                        # installed outside the package manager
        assert owner.stdout.split(":")[0] == package, (soname, owner.stdout)
        checked += 1
    if checked == 0:
        pytest.skip("no xcb library of the list is installed through dpkg here")


def test_the_list_covers_the_x11_libraries_the_xcb_plugin_needs():
    import PySide6

    qt = Path(PySide6.__file__).parent / "Qt"
    plugins = [qt / "plugins" / "platforms" / "libqxcb.so", *sorted((qt / "lib").glob("libQt6XcbQpa.so*"))]
    plugins = [p for p in plugins if p.exists()]
    if not plugins or shutil.which("ldd") is None:
        pytest.skip("no xcb plugin of PySide6 (or no ldd) here")
    needed = set()
    for plugin in plugins:
        out = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True).stdout
        needed |= {line.split()[0] for line in out.splitlines()
                   if re.match(r"\s*lib(xcb|X11|xkbcommon)", line)}
    assert needed, "ldd found no X11 library at all"
    assert needed <= set(system_check.XCB_LIBRARIES), needed - set(system_check.XCB_LIBRARIES)


def test_the_message_is_one_line_with_an_install_command():
    packages = ["libxcb-cursor0", FAKE_PACKAGE]
    text = system_check.message(packages)
    assert "\n" not in text
    assert _packages_in(text) == packages
    assert "libxcb-cursor0, libxcb-doesnotexist0" in text


# -- when the check runs ----------------------------------------------------------------------------
@pytest.mark.parametrize("environ,expected", [
    ({"QT_QPA_PLATFORM": "offscreen", "DISPLAY": ":0"}, False),
    ({"QT_QPA_PLATFORM": "minimal"}, False),
    ({"QT_QPA_PLATFORM": "wayland", "DISPLAY": ":0"}, False),
    ({"QT_QPA_PLATFORM": "xcb"}, True),
    ({"QT_QPA_PLATFORM": "xcb:nograb"}, True),
    ({"DISPLAY": ":0"}, True),
    ({"DISPLAY": ":0", "WAYLAND_DISPLAY": "wayland-0"}, False),
    ({}, False),
])
def test_uses_xcb(environ, expected):
    assert system_check.uses_xcb(environ) is expected


class Stop(LrguiError):
    pass


def _stop_at_load(path):
    raise Stop("stopped where the data would be loaded")


def test_offscreen_makes_no_check(monkeypatch, capsys):
    calls = []
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setenv("DISPLAY", DISPLAY)
    monkeypatch.setattr(system_check, "missing_packages", lambda *a: calls.append(a) or [FAKE_PACKAGE])
    monkeypatch.setattr(main, "load", _stop_at_load)
    assert main.run_explorer() == 2
    assert calls == []
    err = capsys.readouterr().err
    assert "stopped where the data would be loaded" in err and FAKE_PACKAGE not in err


def test_xcb_checks_before_anything_else(monkeypatch, capsys):
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("DISPLAY", DISPLAY)
    monkeypatch.setitem(system_check.XCB_LIBRARIES, FAKE_SONAME, FAKE_PACKAGE)
    monkeypatch.setattr(main, "load", _stop_at_load)
    assert main.run_explorer() == 2
    err = capsys.readouterr().err
    assert "stopped where" not in err
    assert len(err.strip().splitlines()) == 1 and FAKE_PACKAGE in _packages_in(err)


SCRIPT = f"""
import sys
from lrgui.app import system_check
system_check.XCB_LIBRARIES[{FAKE_SONAME!r}] = {FAKE_PACKAGE!r}
from lrgui.cli import main
sys.exit(main([]))
"""


def test_the_explorer_exits_2_with_one_line_when_libraries_are_missing(tmp_path):
    script = tmp_path / "start.py"
    script.write_text(SCRIPT)
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env.update(QT_QPA_PLATFORM="xcb", DISPLAY=DISPLAY,
               PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p))
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, env=env,
                         cwd=tmp_path)
    assert out.returncode == 2, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert "Traceback" not in out.stderr and "platform plugin" not in out.stderr
    assert lines[0].startswith("lrgui: error: the window needs system libraries that are missing")
    expected = system_check.missing_packages({**system_check.XCB_LIBRARIES, FAKE_SONAME: FAKE_PACKAGE})
    assert _packages_in(lines[0]) == expected
    assert expected[-1] == FAKE_PACKAGE
    assert out.stdout == ""
