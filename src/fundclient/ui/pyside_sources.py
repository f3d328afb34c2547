"""PySide6 reads every module imported after it, and Python keeps what it read (issue #18
item 2: a day-long GUI process under 250 MB).

PySide6 replaces `__import__` to support `from __feature__ import snake_case`: after each
import it asks `shibokensupport.feature._mod_uses_pyside(module)`, which calls
`inspect.getsource(module)` — and `inspect` reads the file through `linecache`, which keeps
every line of every module imported after Qt for the rest of the process: ~430 files, ~20 MB
of Python strings in the office GUI run from sources (docs/performance.md, *Memory over a
day*), interleaved with the modules' own objects, so clearing the cache later gives back
almost nothing. The PyInstaller bundle ships no sources (nothing to read, nothing kept).

`install()` (in `fundclient/ui/__init__.py`, before the modules of the window are imported)
swaps that check for the same test ("PySide6" in the module's source file) read once and
dropped, and empties what PySide's own start-up imports had left in `linecache`. fundclient never uses
`__feature__`, so the answer only tells PySide which modules to leave alone. A PySide6 without
that function (another version) is left as it is.
"""

from __future__ import annotations

import linecache
import sys

import PySide6.QtCore  # noqa: F401 - initialises shiboken's import hook, which install() adjusts

_HOOK_MODULE = "shibokensupport.feature"
_HOOK = "_mod_uses_pyside"


def _uses_pyside(module) -> bool:
    """PySide's test, without keeping the source: does the module's .py file name PySide6?"""
    path = getattr(module, "__file__", None)
    if not isinstance(path, str) or not path.endswith(".py"):
        return False  # built-in, extension or bytecode-only module: no source to look at
    try:
        with open(path, "rb") as source:
            return b"PySide6" in source.read()
    except OSError:
        return False


def install() -> bool:
    """Swap PySide's per-import source check (idempotent). True when it is in place."""
    feature = sys.modules.get(_HOOK_MODULE)
    if feature is None or not callable(getattr(feature, _HOOK, None)):
        return False
    setattr(feature, _HOOK, _uses_pyside)
    linecache.clearcache()  # what PySide read of its own start-up imports before this ran
    return True
