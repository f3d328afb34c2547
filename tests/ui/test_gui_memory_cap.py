"""The office GUI's login sets SQLite's process-wide memory cap (#18 item 2; the cap itself is
checked in tests/core/test_storage_memory.py). Here because the login window needs Qt, which the
core test environment does not have. A process of its own: the cap is process-wide."""

from __future__ import annotations

import os
import subprocess
import sys


def test_the_gui_login_sets_the_cap(tmp_path):
    code = r"""
import sys
from fundclient.storage import initialise
from fundclient.ui.login import default_login
from fundclient.storage.engine import GUI_MEMORY_MIB
import sqlcipher3
initialise(sys.argv[1], "SBH", "admin", "admin-pass-1")
conn = sqlcipher3.dbapi2.connect(":memory:")
before = conn.execute("PRAGMA soft_heap_limit").fetchone()[0]
default_login(sys.argv[1], "admin", "admin-pass-1").close()
print(before, conn.execute("PRAGMA soft_heap_limit").fetchone()[0], GUI_MEMORY_MIB * 2**20)
"""
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "office")], capture_output=True, text=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    before, after, wanted = map(int, out.stdout.split()[-3:])
    assert before == 0 and after == wanted
