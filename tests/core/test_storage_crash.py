"""kill -9 during saves: the DB still opens, passes integrity_check, and holds only whole
records (each with its dependants, revision JSON and photo)."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time

import pytest

from fundclient.storage import initialise, open_store

WRITER = r"""
import sys, os
from fundclient.domain.records import ArabicName, Beneficiary, Dependant, Photo
from fundclient.storage import open_store
store, _ = open_store(sys.argv[1], "admin", "admin-pass-1")
print("ready", flush=True)
i = 0
while True:
    i += 1
    b = Beneficiary(national_number=f"{os.getpid()}{i:06d}", name=ArabicName("سالم", "علي", "محمد", "الزوي"),
                    dependants=[Dependant(name=ArabicName("فاطمة")), Dependant(name=ArabicName("عمر"))])
    store.beneficiaries.add(b, by="admin", photos=[Photo(os.urandom(30_000))],
                            card_number_from=lambda n: f"SBH{n:07d}")
    if i % 3 == 0:
        edited = store.beneficiaries.get(b.record_id)
        edited.address = "x"
        store.beneficiaries.update(edited, by="admin", photos=[Photo(os.urandom(1000), kind="document")])
"""


def _check_whole(data_dir) -> int:
    store, _ = open_store(data_dir, "admin", "admin-pass-1")
    try:
        assert store.integrity_check() == "ok"
        with store.read() as conn:
            rows = conn.exec_driver_sql(
                "SELECT b.record_id, b.revision, r.data, (SELECT count(*) FROM dependants d WHERE d.record_id ="
                " b.record_id), (SELECT count(*) FROM blobs p WHERE p.record_id = b.record_id AND p.kind ="
                " 'portrait'), (SELECT count(*) FROM revisions v WHERE v.record_id = b.record_id)"
                " FROM beneficiaries b JOIN revisions r ON r.record_id = b.record_id AND r.revision = b.revision"
            ).fetchall()
            counted = dict(conn.exec_driver_sql("SELECT name, value FROM counters").fetchall())
            actual = conn.exec_driver_sql("SELECT count(*) FROM beneficiaries").scalar_one()
            orphans = conn.exec_driver_sql("SELECT count(*) FROM revisions WHERE record_id NOT IN"
                                           " (SELECT record_id FROM beneficiaries)").scalar_one()
        for record_id, revision, data, dependants, portraits, revisions in rows:
            assert len(json.loads(data)["dependants"]) == dependants == 2, record_id
            assert portraits == 1 and revisions == revision, record_id
        assert counted["records"] == actual == len(rows) and orphans == 0
        result = store.audit.verify()
        assert result.ok, result.problems
        return len(rows)
    finally:
        store.close()


@pytest.mark.slow
def test_kill_9_during_saves_leaves_only_whole_records(data_dir):
    initialise(data_dir, "SBH", "admin", "admin-pass-1")
    rng = random.Random(os.getpid())
    saved = 0
    for _ in range(6):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(data_dir)], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        time.sleep(rng.uniform(0.2, 1.2))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        count = _check_whole(data_dir)
        assert count >= saved  # committed saves survive the kill
        saved = count
    assert saved > 6
