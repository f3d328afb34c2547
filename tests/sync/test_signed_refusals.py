"""HQ's refusals on a USB drive are signed like its acknowledgements (#12 follow-up).

`hq import-batches` signs every entry it writes into the acks file: an ack, or a refusal that
names the batch id, the code and the SHA-256 of the exact bytes HQ refused. The office's
`import-acks` moves a batch to quarantine only for such a refusal about its own batch file;
an unsigned refusal (a bare code — what an attacker with the drive can write, and what HQs
before this change wrote), a refusal with a bad signature, one moved to another batch's key,
or one HQ signed about other bytes (a file swapped on the drive) is reported, exit 1, and
changes nothing. Real HQ (SQLite), real sealed batches, the office CLI in its own process."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from fundclient.hq.devices import revoke_device
from fundclient.hq.usb import import_batches
from fundclient.sync.outbox import Outbox, batch_id_of
from fundclient.sync.usb import ACKS_PREFIX, EXPORT_FOLDER, export_batches
from sync_helpers import enrol_office, env_without_proxies, people


def fc(data_dir: Path, *args: str, lang: str = "en") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fundclient", "--data-dir", str(data_dir), "--lang", lang, *args],
                          capture_output=True, text=True, timeout=120, env=env_without_proxies())


def _hq_answers(hq, drive: Path) -> dict:
    report = import_batches(hq.ingestor, drive)
    assert report.acks_path is not None
    return json.loads(report.acks_path.read_text(encoding="utf-8"))["batches"]


def _seal(data_dir: Path, count: int) -> list[Path]:
    outbox = Outbox(data_dir)
    return [outbox.seal([p.to_dict()])[0] for p in people(count, seed=7)]


def test_hq_signs_its_refusals_and_the_office_acts_on_them(hq_sqlite, data_dir, tmp_path):
    device = enrol_office(hq_sqlite, data_dir)
    batches = _seal(data_dir, 2)
    drive = tmp_path / "usb"
    export_batches(data_dir, drive)
    revoke_device(hq_sqlite.ingestor.engine, device.device_id, "stolen laptop")

    answers = _hq_answers(hq_sqlite, drive)
    for batch in batches:
        entry = answers[batch_id_of(batch)]
        assert set(entry) == {"refusal", "sigs"} and entry["refusal"]["code"] == "revoked_device"
        assert entry["sigs"]  # signed with every HQ signing key

    done = fc(data_dir, "import-acks", str(drive))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 batch(es) acknowledged, 2 quarantined" in done.stdout
    outbox = Outbox(data_dir)
    assert outbox.pending() == [] and sorted(q.code for q in outbox.quarantined()) == ["revoked_device"] * 2


def test_a_forged_refusal_is_reported_and_changes_nothing(hq_sqlite, data_dir, tmp_path):
    enrol_office(hq_sqlite, data_dir)
    a, b, c, d = _seal(data_dir, 4)
    ids = {p: batch_id_of(p) for p in (a, b, c, d)}
    drive = tmp_path / "usb"
    export_batches(data_dir, drive)

    # A genuine HQ refusal, but about bytes the attacker put on the drive under c's name.
    (drive / EXPORT_FOLDER / c.name).write_bytes(c.read_bytes()[:100])
    for other in (a, b, d):
        (drive / EXPORT_FOLDER / other.name).unlink()
    real = _hq_answers(hq_sqlite, drive)[ids[c]]
    assert real["refusal"]["code"] == "malformed"

    bad_sig = json.loads(json.dumps(real))
    bad_sig["refusal"]["batch_id"] = ids[b]
    bad_sig["refusal"]["sha256"] = hashlib.sha256(b.read_bytes()).hexdigest()  # right bytes, no sig
    forged = {"batches": {
        ids[a]: {"code": "bad_signature"},  # unsigned, the old format: what anyone can write
        ids[b]: bad_sig,                    # edited after signing
        ids[c]: real,                       # signed by HQ, but not about c's own file
        ids[d]: real,                       # signed by HQ for c, replayed under d's id
    }}
    acks = drive / f"{ACKS_PREFIX}forged.json"
    acks.write_text(json.dumps(forged))

    done = fc(data_dir, "import-acks", str(acks))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "4 refusal(s) not signed by HQ or not about the batch's file" in done.stdout
    assert "the batches stay pending" in done.stdout and "0 quarantined" in done.stdout
    outbox = Outbox(data_dir)
    assert sorted(outbox.pending()) == sorted([a, b, c, d]) and outbox.quarantined() == []
    arabic = fc(data_dir, "import-acks", str(acks), lang="ar")
    assert arabic.returncode == 1 and "رفض غير موقَّع من الإدارة العامة" in arabic.stdout


def test_old_acks_files_signed_acks_still_work(hq_sqlite, data_dir, tmp_path):
    """An acks file in the earlier layout (signed acks, bare refusal codes): its acks are used,
    its unsigned refusal is reported and not acted on."""
    enrol_office(hq_sqlite, data_dir)
    first, second = _seal(data_dir, 2)
    drive = tmp_path / "usb"
    export_batches(data_dir, drive)
    (drive / EXPORT_FOLDER / second.name).unlink()
    answers = _hq_answers(hq_sqlite, drive)
    old = {"batches": {batch_id_of(first): answers[batch_id_of(first)],
                       batch_id_of(second): {"code": "sequence_reused"}}}
    acks = tmp_path / f"{ACKS_PREFIX}20260101T000000Z.json"
    acks.write_text(json.dumps(old))

    done = fc(data_dir, "import-acks", str(acks))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 batch(es) acknowledged, 0 quarantined" in done.stdout
    assert "1 refusal(s) not signed by HQ" in done.stdout
    outbox = Outbox(data_dir)
    assert outbox.pending() == [second] and len(outbox.sent()) == 1 and outbox.quarantined() == []
