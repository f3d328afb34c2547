"""#12 items 1 and 5, the office side: acks files on a hostile drive, export onto a hostile
drive, and exit codes that tell the OS scheduler the truth.

Real HQ on 127.0.0.1 (SQLite), real sealed batches, real `fundclient` processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fundclient.hq.devices import revoke_device
from fundclient.hq.usb import import_batches
from fundclient.sync.outbox import Outbox
from fundclient.sync.usb import ACKS_PREFIX, EXPORT_FOLDER, export_batches
from hostile_drive import make_hostile_drive
from sync_helpers import enrol_office, env_without_proxies, people, photos_for

POSIX = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX drive fixture (links, FIFOs)")


def fc(data_dir: Path, *args: str, lang: str = "en") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fundclient", "--data-dir", str(data_dir), "--lang", lang, *args],
                          capture_output=True, text=True, timeout=120, env=env_without_proxies())


def acks_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{ACKS_PREFIX}*.json"))


def hq_reads_drive(hq, drive: Path) -> Path:
    """HQ's own `import-batches` on the drive; returns the acks file it wrote there."""
    before = set(acks_files(drive))
    import_batches(hq.ingestor, drive)
    [written] = [p for p in acks_files(drive) if p not in before]
    return written


# --- exit codes ---------------------------------------------------------------------------

def test_sync_is_not_ok_when_hq_refused_everything(hq_sqlite, data_dir):
    device = enrol_office(hq_sqlite, data_dir)
    Outbox(data_dir).seal([p.to_dict() for p in people(1)])
    done = fc(data_dir, "sync")
    assert done.returncode == 0, done.stderr
    assert "1 batch(es) sent and acknowledged" in done.stdout
    status = fc(data_dir, "sync-status")
    assert status.returncode == 0 and "Everything was sent" in status.stdout

    revoke_device(hq_sqlite.ingestor.engine, device.device_id, "stolen laptop")
    Outbox(data_dir).seal([p.to_dict() for p in people(2, seed=5)])
    done = fc(data_dir, "sync", "--json")
    summary = json.loads(done.stdout)
    assert done.returncode == 1, done.stdout  # was 0 and "ok": every batch quarantined
    assert summary["status"] == "partial" and summary["batches_quarantined"] == 1
    assert summary["error"]["code"] == "revoked_device"

    status = fc(data_dir, "sync-status")
    assert status.returncode == 1
    assert "refused by HQ (quarantined)" in status.stdout and "revoked by HQ" in status.stdout
    assert "sync-requeue" in status.stdout
    doc = json.loads(fc(data_dir, "sync-status", "--json").stdout)
    assert doc["ok"] is False and doc["why"] and doc["quarantined"][0]["code"] == "revoked_device"
    arabic = fc(data_dir, "sync-status", lang="ar")
    assert "أُلغي تسجيل هذا الجهاز" in arabic.stdout

    # The name sync-status shows is accepted by sync-requeue.
    name = doc["quarantined"][0]["batch"]
    requeued = fc(data_dir, "sync-requeue", name)
    assert requeued.returncode == 0 and f"Batch {name} is back in the queue" in requeued.stdout
    assert fc(data_dir, "sync").returncode == 1  # still revoked: refused again, not "ok"


def test_not_enrolled_cannot_start(data_dir, tmp_path):
    done = fc(data_dir, "sync")
    assert done.returncode == 2 and "not enrolled" in done.stderr
    drive = tmp_path / "usb"
    drive.mkdir()
    export = fc(data_dir, "export-batches", "--to", str(drive))
    assert export.returncode == 2 and "not enrolled" in export.stderr  # was: prints 0, exit 0
    assert list(drive.iterdir()) == []
    acks = drive / f"{ACKS_PREFIX}x.json"
    acks.write_text("{}")
    assert fc(data_dir, "import-acks", str(acks)).returncode == 2


# --- acks on a hostile drive --------------------------------------------------------------

@pytest.fixture
def office_with_drive(hq_sqlite, data_dir, tmp_path):
    """An enrolled office with 3 batches exported to a drive and answered by HQ, and one more
    pending batch that HQ has not seen."""
    enrol_office(hq_sqlite, data_dir)
    outbox = Outbox(data_dir)
    for seed in (1, 2, 3):
        persons = people(2, seed=seed)
        outbox.seal([p.to_dict() for p in persons], photos_for(persons, size=2000))
    drive = tmp_path / "usb"
    report = export_batches(data_dir, drive)
    assert len(report.written) == 3 and not report.failed
    good = hq_reads_drive(hq_sqlite, drive)
    [unseen] = outbox.seal([people(1, seed=9)[0].to_dict()])
    return data_dir, drive, good, unseen


@POSIX
def test_import_acks_reads_only_regular_files_and_one_bad_file_stops_nothing(office_with_drive, tmp_path):
    data_dir, drive, good, unseen = office_with_drive
    outbox = Outbox(data_dir)
    doc = json.loads(good.read_text(encoding="utf-8"))
    answer = next(iter(doc["batches"].values()))
    # A key used as a file pattern would have quarantined every pending batch.
    (drive / f"{ACKS_PREFIX}pattern.json").write_text(json.dumps(
        {"batches": {"*": {"code": "bad_signature"}, "../../x": {"code": "malformed"}}}))
    forged = json.loads(json.dumps(answer))
    forged["ack"]["sigs"] = {k: v[:-4] + "AAA=" for k, v in forged["ack"]["sigs"].items()}
    unseen_id = unseen.stem.split("-", 1)[1]
    (drive / f"{ACKS_PREFIX}forged.json").write_text(json.dumps({"batches": {unseen_id: forged}}))
    (drive / f"{ACKS_PREFIX}broken.json").write_bytes(good.read_bytes()[:50])
    (drive / f"{ACKS_PREFIX}list.json").write_text(json.dumps({"batches": [1, 2]}))
    (drive / f"{ACKS_PREFIX}typed.json").write_text(json.dumps({"batches": {unseen_id: {"ack": "x"}}}))
    hostile = make_hostile_drive(tmp_path / "staging", suffix=".json", max_bytes=64 * 1024 * 1024 + 1,
                                 good=good.read_bytes())
    for entry in sorted((tmp_path / "staging").iterdir()):
        os.rename(entry, drive / f"{ACKS_PREFIX}{entry.name}")

    done = fc(data_dir, "import-acks", str(drive))
    assert done.returncode == 1, done.stdout + done.stderr
    lines = {line.split(":", 1)[0]: line for line in done.stdout.splitlines() if line.startswith(ACKS_PREFIX)}
    for name, reason in hostile.expected_skips.items():
        if reason == "oversize":
            continue  # the fixture's limit is ours + 1: a regular file, read and judged below
        assert f"{ACKS_PREFIX}{name}" in lines, (name, done.stdout)
    assert "a link, not a file" in lines[f"{ACKS_PREFIX}link-to-zero.json"]
    assert "a pipe (FIFO)" in lines[f"{ACKS_PREFIX}fifo.json"]
    assert "a folder, not a file" in lines[f"{ACKS_PREFIX}directory.json"]
    assert "3 batch(es) acknowledged" in lines[good.name]
    assert "not signed by HQ" in lines[f"{ACKS_PREFIX}forged.json"]
    assert "not a valid acknowledgements file" in lines[f"{ACKS_PREFIX}broken.json"]
    assert "not a valid acknowledgements file" in lines[f"{ACKS_PREFIX}list.json"]
    assert "2 malformed" in lines[f"{ACKS_PREFIX}pattern.json"]
    assert "1 malformed" in lines[f"{ACKS_PREFIX}typed.json"]
    # What HQ acknowledged is sent; the batch HQ never saw is still pending, not quarantined.
    assert outbox.pending() == [unseen] and outbox.quarantined() == []
    assert len(outbox.sent()) == 3
    assert hostile.outside.read_bytes() == good.read_bytes()  # the link's target untouched

    again = fc(data_dir, "import-acks", str(good))  # the same file again: nothing new, all fine
    assert again.returncode == 0 and "3 already acknowledged" in again.stdout


def test_one_malformed_acks_file_is_a_clear_message_and_exit_2(office_with_drive, tmp_path):
    data_dir, drive, good, unseen = office_with_drive
    broken = tmp_path / "acks.json"
    broken.write_bytes(b'{"batches": {"' + b"\xff" * 10)
    done = fc(data_dir, "import-acks", str(broken))
    assert done.returncode == 2
    assert "not a valid acknowledgements file" in done.stdout and "unexpected" not in done.stderr
    arabic = fc(data_dir, "import-acks", str(broken), lang="ar")
    assert "ليس ملف إشعارات صالحًا" in arabic.stdout
    assert len(Outbox(data_dir).pending()) == 4


# --- export onto a hostile drive -----------------------------------------------------------

@POSIX
def test_export_never_writes_through_a_link(hq_sqlite, data_dir, tmp_path):
    enrol_office(hq_sqlite, data_dir)
    [batch] = Outbox(data_dir).seal([people(1)[0].to_dict()])
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    drive = tmp_path / "usb"
    drive.mkdir()
    (drive / EXPORT_FOLDER).symlink_to(elsewhere)
    done = fc(data_dir, "export-batches", "--to", str(drive))
    assert done.returncode == 2 and "not a plain folder" in done.stderr
    assert list(elsewhere.iterdir()) == []

    (drive / EXPORT_FOLDER).unlink()
    (drive / EXPORT_FOLDER).mkdir()
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    (drive / EXPORT_FOLDER / batch.name).symlink_to(victim)
    done = fc(data_dir, "export-batches", "--to", str(drive))
    assert done.returncode == 1 and "already exists on the drive" in done.stdout
    assert victim.read_text() == "keep me"

    (drive / EXPORT_FOLDER / batch.name).unlink()
    done = fc(data_dir, "export-batches", "--to", str(drive))
    assert done.returncode == 0 and "1 batch(es) written" in done.stdout
    assert (drive / EXPORT_FOLDER / batch.name).read_bytes() == batch.read_bytes()
    again = fc(data_dir, "export-batches", "--to", str(drive))
    assert again.returncode == 0 and "1 already there" in again.stdout


def test_the_exit_code_table_in_install_md_is_the_code():
    from fundclient.errors import ExitCode
    text = (Path(__file__).resolve().parents[2] / "docs" / "install.md").read_text(encoding="utf-8")
    section = text.split("### Exit codes", 1)[1]
    table = next(block for block in section.split("\n\n") if block.lstrip().startswith("| code"))
    documented = [line.split("|")[1].strip() for line in table.strip().splitlines()[2:]]
    assert documented == [str(int(code)) for code in ExitCode]
