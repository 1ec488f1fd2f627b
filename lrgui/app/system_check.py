"""Before Qt starts on an X11 display: are the system libraries its xcb platform plugin loads there?

Without them Qt aborts with a message about the platform plugin that pip cannot fix. The list is
what ``ldd`` shows the plugin (libqxcb.so and libQt6XcbQpa) needs beyond the rest of Qt, with the
Debian/Ubuntu package of each.
"""

from __future__ import annotations

import ctypes
import os
import sys

# soname → Debian/Ubuntu package
XCB_LIBRARIES = {
    "libxcb.so.1": "libxcb1",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
}


def uses_xcb(environ=os.environ) -> bool:
    """Whether Qt will open its window through the xcb plugin (X11 on Linux)."""
    platform = environ.get("QT_QPA_PLATFORM", "")
    if not sys.platform.startswith("linux"):
        return False
    if platform:
        return platform.split(":")[0] == "xcb"
    return bool(environ.get("DISPLAY")) and not environ.get("WAYLAND_DISPLAY")


def missing_packages(libraries: dict[str, str] | None = None) -> list[str]:
    """The packages of the libraries in ``libraries`` (default: XCB_LIBRARIES) that the dynamic
    loader cannot find."""
    missing = []
    for soname, package in (XCB_LIBRARIES if libraries is None else libraries).items():
        try:
            ctypes.CDLL(soname)
        except OSError:
            missing.append(package)
    return missing


def message(packages: list[str]) -> str:
    return (f"the window needs system libraries that are missing ({', '.join(packages)}); on Debian or "
            f"Ubuntu install them with: sudo apt-get install {' '.join(packages)}")
