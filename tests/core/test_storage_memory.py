"""The office GUI caps what SQLite holds in memory for all its connections together (#18 item 2:
a day at 1 M records grew the process past 250 MB with 32 MB of page cache per connection).

Each check runs in a process of its own: the cap (`PRAGMA soft_heap_limit`) is process-wide."""

from __future__ import annotations

import subprocess
import sys

import pytest

SCRIPT = r"""
import ctypes, sys, threading
from pathlib import Path
import sqlcipher3._sqlite3 as ext
from fundclient.domain.synthetic import iter_generate
from fundclient.storage import initialise, open_store
from fundclient.storage.bulk import bulk_add
from fundclient.storage.engine import limit_memory

lib = ctypes.CDLL(ext.__file__)
lib.sqlite3_memory_used.restype = ctypes.c_int64
data_dir, cap = Path(sys.argv[1]), int(sys.argv[2])
if not (data_dir / "keystore.json").exists():
    initialise(data_dir, "SBH", "admin", "admin-pass-1")
    store, _ = open_store(data_dir, "admin", "admin-pass-1")
    bulk_add(store, iter_generate(6000, seed=4), by="admin")
    store.close()
if cap:
    limit_memory(cap)
store, _ = open_store(data_dir, "admin", "admin-pass-1")

def read_everything():  # every page of every table, on pooled reader connections
    with store._engines.reader.connect() as conn:
        for (name,) in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            conn.exec_driver_sql(f'SELECT * FROM "{name}"').fetchall()

threads = [threading.Thread(target=read_everything) for _ in range(3)]  # three readers at once
for t in threads:
    t.start()
for t in threads:
    t.join()
read_everything()
print(lib.sqlite3_memory_used())
store.close()
"""


def _sqlite_bytes_after_reading_everything(data_dir, cap_mib: int) -> int:
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(data_dir), str(cap_mib)],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return int(out.stdout.split()[-1])


@pytest.mark.slow
def test_the_cap_bounds_every_connection_together(tmp_path):
    data_dir = tmp_path / "office"
    uncapped = _sqlite_bytes_after_reading_everything(data_dir, 0)
    capped = _sqlite_bytes_after_reading_everything(data_dir, 2)
    assert uncapped > 8 * 2**20  # the office's pages, cached by each reader connection
    assert capped < 4 * 2**20 < uncapped / 2
