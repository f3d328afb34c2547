"""`fundclient hq import-batches` on a hostile drive, run the way HQ's operator runs it (the CLI
in its own process): links, FIFOs, device links, folders, truncated, oversize and malformed
batches are each skipped or refused with a reason, the good batches are ingested and
acknowledged, a link planted at the acks file's name never makes HQ write through it, and the
console says what happened to every file in Arabic and English."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from fundclient.sync.outbox import Outbox
from fundclient.sync.usb import EXPORT_FOLDER, export_batches, import_acks

from hostile_batches import mutated_header, with_header
from hostile_drive import make_hostile_drive
from sync_helpers import enrol_office, people

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX drive fixture (links, FIFOs)")

BATCH_LIMIT = 8 * 1024 * 1024  # ingest.DEFAULT_MAX_BATCH_BYTES


def _import(hq_dir, drive) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fundclient", "hq", "--hq-dir", str(hq_dir), "import-batches",
                           str(drive)], capture_output=True, text=True, timeout=180)


def test_import_batches_on_a_hostile_drive(hq_sqlite, hq_dir, data_dir, tmp_path):
    enrol_office(hq_sqlite, data_dir)
    outbox = Outbox(data_dir)
    batches = [outbox.seal([p.to_dict()])[0] for p in people(3)]
    drive = tmp_path / "usb"
    export_batches(data_dir, drive)
    folder = drive / EXPORT_FOLDER
    good = batches[0].read_bytes()
    hostile = make_hostile_drive(folder, suffix=".fcb", max_bytes=BATCH_LIMIT, good=good)
    # Headers that used to reach SQL or the key ring untyped (HTTP gave 500, USB "unexpected error").
    malformed = {
        "device-list.fcb": mutated_header(good, device_id=["x", {"y": 1}]),
        "device-object.fcb": mutated_header(good, device_id={"$gt": ""}),
        "key-list.fcb": mutated_header(good, hq_key_id=["a"]),
        "seq-huge.fcb": mutated_header(good, seq=2**70),
        "header-array.fcb": with_header(good, [1, 2, 3]),
    }
    for name, blob in malformed.items():
        (folder / name).write_bytes(blob)
    # A link at every acks-file name of the next two minutes, pointing at a file HQ can write.
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    now = datetime.now(timezone.utc)
    for s in range(-5, 120):
        stamp = (now + timedelta(seconds=s)).strftime("%Y%m%dT%H%M%SZ")
        os.symlink(victim, drive / f"fundclient-acks-{stamp}.json")

    done = _import(hq_dir, drive)

    assert done.returncode == 1, done.stderr  # something was skipped or refused: not "all well"
    assert "Traceback" not in done.stderr and "unexpected" not in done.stdout + done.stderr
    assert victim.read_text() == "precious"
    lines = done.stdout.splitlines()

    def line_for(name: str) -> str:
        [line] = [line for line in lines if line.startswith(name + ":")]
        assert " | " in line  # Arabic | English
        return line

    assert "link" in line_for("link-to-zero.fcb") and "رابط" in line_for("link-to-zero.fcb")
    assert "FIFO" in line_for("fifo.fcb")
    assert "folder" in line_for("directory.fcb") and "مجلد" in line_for("directory.fcb")
    assert "limit" in line_for("oversize.fcb")
    for name in ("truncated.fcb", "empty.fcb", *malformed):
        assert "code malformed" in line_for(name), name
    for batch in batches:
        assert "batch received (1 records)" in line_for(batch.name)
    acks = drive / lines[-1].split(": ")[-1]
    assert acks.is_file() and not acks.is_symlink() and acks.parent == drive
    assert set(hostile.expected_skips) | set(malformed) <= {line.split(":")[0] for line in lines}
    # The office applies the acks: every good batch is sent, nothing forged or lost.
    counts = import_acks(data_dir, acks).totals
    assert counts["acknowledged"] == len(batches) and counts["forged"] == counts["malformed"] == 0
    assert not outbox.pending()
    # Importing the same drive again is harmless (same answers) and HQ is still healthy.
    again = _import(hq_dir, drive)
    assert again.returncode == 1 and victim.read_text() == "precious"
    assert sum("batch received" in line for line in again.stdout.splitlines()) == len(batches)


def test_a_clean_drive_exits_zero_and_an_empty_one_says_so(hq_sqlite, hq_dir, data_dir, tmp_path):
    enrol_office(hq_sqlite, data_dir)
    Outbox(data_dir).seal([p.to_dict() for p in people(2)])
    drive = tmp_path / "usb"
    export_batches(data_dir, drive)
    done = _import(hq_dir, drive)
    assert done.returncode == 0, done.stdout + done.stderr
    doc = json.loads((drive / done.stdout.splitlines()[-1].split(": ")[-1]).read_text())
    assert len(doc["batches"]) == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    done = _import(hq_dir, empty)
    assert done.returncode == 0 and "no batch files" in done.stdout and "لا توجد" in done.stdout
    assert list(empty.iterdir()) == []


def test_a_linked_batch_folder_is_refused_not_followed(hq_sqlite, hq_dir, data_dir, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    drive = tmp_path / "usb"
    drive.mkdir()
    os.symlink(elsewhere, drive / EXPORT_FOLDER)
    done = _import(hq_dir, drive)
    assert done.returncode == 0 and "no batch files" in done.stdout
    assert list(elsewhere.iterdir()) == []
