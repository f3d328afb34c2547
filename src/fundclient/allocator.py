"""The C allocator sized for a day-long GUI process (issue #18 item 2; glibc only, a no-op
elsewhere: Windows' and macOS's allocators need nothing here).

The camera hands 0.9 MB frames between threads 15 times a second. glibc's defaults let
every thread get its own malloc arena (up to 8 per core) and raise the mmap threshold after
the first large free, so frames end up inside arenas and their freed space is kept, in
pieces, for the rest of the day. `tune()` (called once when the GUI starts, before the
camera's threads exist) caps the arenas at 2 and keeps blocks of 256 KB and more on mmap,
so a freed frame goes straight back to the system; `trim()` hands back the free memory
the arenas keep (called when the camera stops). Figures: docs/performance.md
(## Memory over a day).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

ARENA_MAX = 2
MMAP_THRESHOLD = 256 * 1024
_M_MMAP_THRESHOLD = -3  # glibc malloc.h
_M_ARENA_MAX = -8

_libc: ctypes.CDLL | None = None
_looked = False


def _glibc() -> ctypes.CDLL | None:
    global _libc, _looked
    if not _looked:
        _looked = True
        if sys.platform.startswith("linux"):
            try:
                libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
                if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim"):
                    _libc = libc
            except OSError:  # musl or an unusual libc: leave the defaults
                _libc = None
    return _libc


def tune(arena_max: int = ARENA_MAX, mmap_threshold: int = MMAP_THRESHOLD) -> bool:
    """Cap malloc arenas and fix the mmap threshold. True when applied (glibc)."""
    libc = _glibc()
    if libc is None:
        return False
    done = bool(libc.mallopt(_M_ARENA_MAX, arena_max)) and bool(libc.mallopt(_M_MMAP_THRESHOLD, mmap_threshold))
    if not done:
        log.debug("mallopt refused the camera's allocator settings")
    return done


def trim() -> bool:
    """Give the free memory malloc keeps back to the system (True when some was)."""
    libc = _glibc()
    return bool(libc.malloc_trim(0)) if libc is not None else False
