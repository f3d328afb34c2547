"""Work around PySide6 6.12.0 dropping a reference to None on every void method (Python < 3.12).

With PySide6-Essentials 6.12.0 on CPython 3.11, each call of a Qt method that returns nothing
(`painter.setPen`, `QTextLayout.endLayout`, `QFont.setPointSizeF`, ...) decrements None's
reference count without having incremented it. After a few thousand calls None's count reaches
zero and the interpreter aborts with "Fatal Python error: none_dealloc". Python 3.12 made None
immortal (PEP 683), which hides the defect there. Until a fixed PySide6 is pinned, we give None
a reference count no program can use up. No effect on Python >= 3.12.
"""

from __future__ import annotations

import ctypes
import sys

_RESERVE = 1 << 40
_applied = False


def keep_none_alive() -> None:
    """Idempotent; call before painting much with PySide6 (cards.fonts does it on import)."""
    global _applied
    if _applied or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    ctypes.c_ssize_t.from_address(id(None)).value += _RESERVE
    _applied = True
