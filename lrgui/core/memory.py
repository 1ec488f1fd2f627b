"""Handing freed heap memory back to the system.

glibc's allocator keeps memory freed below the top of its heap for reuse instead of returning it:
a process that allocates a chunk after chunk for hours (a history that spills, the window that
mirrors it) ends up holding megabytes it no longer uses, pinned by the newest allocations.
``malloc_trim`` returns every whole free page; elsewhere (macOS, Windows, musl) there is nothing
to do.
"""

from __future__ import annotations

import ctypes
import sys

_UNSET = object()
_trim = _UNSET


def _malloc_trim():
    global _trim
    if _trim is _UNSET:
        _trim = None
        if sys.platform.startswith("linux"):
            try:
                _trim = ctypes.CDLL("libc.so.6").malloc_trim
                _trim.argtypes = [ctypes.c_size_t]
                _trim.restype = ctypes.c_int
            except (OSError, AttributeError):
                _trim = None
    return _trim


def release_free_memory() -> bool:
    """Return the C heap's free pages to the system; True where that was possible. Costs about a
    millisecond on a heap of a few hundred megabytes."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
