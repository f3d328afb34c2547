"""The office GUI's login sets SQLite's process-wide memory cap (#18 item 2; the cap itself is
checked in tests/core/test_storage_memory.py): a larger one for the reads of sign-in, the day's
once the main window's pages exist. Here because the login window needs Qt, which the
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
from fundclient.storage.engine import GUI_MEMORY_MIB, GUI_SIGN_IN_MEMORY_MIB, settle_memory
import sqlcipher3
initialise(sys.argv[1], "SBH", "admin", "admin-pass-1")
conn = sqlcipher3.dbapi2.connect(":memory:")
cap = lambda: conn.execute("PRAGMA soft_heap_limit").fetchone()[0]
before = cap()
default_login(sys.argv[1], "admin", "admin-pass-1").close()
signed_in = cap()
settled = settle_memory()
day = cap()
print(before, signed_in, GUI_SIGN_IN_MEMORY_MIB * 2**20, settled, settle_memory(), day, GUI_MEMORY_MIB * 2**20)
"""
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "office")], capture_output=True, text=True,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert out.returncode == 0, out.stderr
    before, signed_in, sign_in_cap, settled, again, day, day_cap = out.stdout.split()[-7:]
    assert int(before) == 0 and int(signed_in) == int(sign_in_cap)
    assert settled == "True" and int(day) == int(day_cap) < int(sign_in_cap)
    assert again == "False"  # settled once: a later call leaves the day's cap alone
