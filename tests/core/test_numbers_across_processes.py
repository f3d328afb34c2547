"""#12 item 6: batch sequence numbers and card numbers stay unique when several processes draw
them at once (the app, `fundclient import` and the scheduled `fundclient sync` share a data dir).

Three real processes start together (a barrier file), each draws thousands of numbers, prints
them; no duplicate, no gap, no error."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from fundclient.storage import initialise

SRC = str(Path(__file__).resolve().parents[2] / "src")
PROCESSES = 3

BATCH_DRAWER = r"""
import os, sys, time
from pathlib import Path
from fundclient.sync.device import Device
data_dir, go, count = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
device = Device(data_dir, "dev", 1, "SEB", "", {}, "", {})
while not go.exists():
    time.sleep(0.001)
print("\n".join(str(device.next_sequence()) for _ in range(count)))
"""

CARD_DRAWER = r"""
import sys, time
from pathlib import Path
from fundclient.storage import open_store
data_dir, go, count = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
store, _ = open_store(data_dir, "admin", "admin-pass-1")
while not go.exists():
    time.sleep(0.001)
print("\n".join(str(store.next_sequence("card")) for _ in range(count)))
"""


def _draw_at_once(script: str, data_dir: Path, count: int) -> list[int]:
    go = data_dir.parent / "go"
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    procs = [subprocess.Popen([sys.executable, "-c", script, str(data_dir), str(go), str(count)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for _ in range(PROCESSES)]
    time.sleep(1.0)  # let all of them import and wait at the barrier; the result does not depend on it
    go.touch()
    drawn: list[int] = []
    for proc in procs:
        out, err = proc.communicate(timeout=540)
        assert proc.returncode == 0, err[-2000:]
        assert "Error" not in err and "Traceback" not in err, err[-2000:]
        drawn += [int(line) for line in out.split()]
    return drawn


@pytest.mark.slow
def test_three_processes_draw_batch_sequences_without_duplicates(data_dir):
    count = 2000
    drawn = _draw_at_once(BATCH_DRAWER, data_dir, count)
    assert len(drawn) == PROCESSES * count
    assert sorted(drawn) == list(range(1, PROCESSES * count + 1))  # no duplicate, none lost
    assert (data_dir / "device" / "sequence").read_text() == str(PROCESSES * count)


@pytest.mark.slow
def test_three_processes_draw_card_numbers_without_duplicates(data_dir):
    initialise(data_dir, "SEB", "admin", "admin-pass-1")
    count = 700
    drawn = _draw_at_once(CARD_DRAWER, data_dir, count)
    assert sorted(drawn) == list(range(1, PROCESSES * count + 1))

