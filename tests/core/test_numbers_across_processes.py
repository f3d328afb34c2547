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



SEALER = r"""
import sys, time
from pathlib import Path
from fundclient.sync.outbox import Outbox
from fundclient.domain.synthetic import generate
data_dir, go, count, seed = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
people = [p.to_dict() for p in generate(count, seed=seed)]
outbox = Outbox(data_dir)
while not go.exists():
    time.sleep(0.001)
for person in people:  # one batch per record, as the app seals each save
    outbox.seal([person])
print("done")
"""


@pytest.mark.slow
def test_app_and_import_sealing_at_once_never_reuse_a_batch_number(data_dir, tmp_path):
    """Two processes seal real batches into one outbox at once (the app and `fundclient import`):
    every batch gets its own sequence number and every batch file opens at HQ."""
    from fundclient.hq.keys import HQKeys, init_keys
    from fundclient.sync import envelope
    from fundclient.sync.device import Device, ensure_signing_key, save_enrolment
    from fundclient.sync.keys import signing_public_bytes
    from fundclient.sync.outbox import Outbox

    hq_dir = tmp_path / "hq"
    init_keys(hq_dir)
    keys = HQKeys(hq_dir)
    keyset = keys.keyset()["keyset"]
    ensure_signing_key(data_dir)
    save_enrolment(data_dir, {"device_id": "0b8f3f5e-8a57-4a63-9d6c-1f2e3d4c5b6a", "device_number": 1,
                              "office_code": "SBH", "hq_url": "https://127.0.0.1:9",
                              "hq_encryption_keys": keyset["encryption"], "hq_active_key_id": keyset["active"],
                              "hq_signing_keys": keyset["signing"]})
    go = data_dir.parent / "go-seal"
    env = dict(os.environ, PYTHONPATH=SRC + os.pathsep + os.environ.get("PYTHONPATH", ""))
    count = 60
    procs = [subprocess.Popen([sys.executable, "-c", SEALER, str(data_dir), str(go), str(count), str(seed)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
             for seed in (1, 2)]
    time.sleep(1.0)
    go.touch()
    for proc in procs:
        out, err = proc.communicate(timeout=540)
        assert proc.returncode == 0 and out.strip() == "done", err[-2000:]
    batches = Outbox(data_dir).pending()
    sequences = sorted(int(p.name.split("-", 1)[0]) for p in batches)
    assert sequences == list(range(1, 2 * count + 1))
    device_public = signing_public_bytes(Device.load(data_dir).signing_private())
    seen = set()
    for path in batches:  # each one a whole, signed batch that HQ can open
        env = envelope.parse(path.read_bytes())
        envelope.check_signature(env, device_public)
        [item] = envelope.open_items(env, keys.decrypt_private[keyset["active"]])
        seen.add(item["record"]["record_id"])
    assert len(seen) == 2 * count
