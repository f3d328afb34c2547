"""Guard for docs/decisions/0002-pyside6-pin.md: the installed PySide6 must not leak
references to None (6.12.0 on Python 3.11 aborts the interpreter after a few thousand calls)."""

import subprocess
import sys

SNIPPET = """
import sys
from PySide6.QtGui import QFont
f = QFont()
before = sys.getrefcount(None)
for _ in range(20_000):
    f.setPointSizeF(12.0)
print(sys.getrefcount(None) - before)
"""


def test_void_qt_calls_do_not_consume_references_to_none():
    out = subprocess.run([sys.executable, "-c", SNIPPET], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-500:]
    assert abs(int(out.stdout.strip())) < 100
