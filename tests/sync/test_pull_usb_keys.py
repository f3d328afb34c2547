"""Reference data and revoked cards (incremental pull), card revocations inside batches,
USB export/import with acks, HQ key rotation with batches in flight, HQ CLI."""

from __future__ import annotations

import json
import stat
import subprocess
import sys

from fundclient.config import Settings
from fundclient.hq.keys import rotate_keys
from fundclient.hq.refdata import revoke_card, set_reference
from fundclient.hq.server import start_in_thread
from fundclient.sync.device import Device
from fundclient.sync.engine import run_sync
from fundclient.sync.outbox import Outbox
from fundclient.sync.reference import ReferenceStore
from fundclient.sync.usb import export_batches, import_acks

from sync_helpers import enrol_office, people, photos_for


def test_incremental_pull_and_card_revocation_round_trip(hq, data_dir):
    enrol_office(hq, data_dir)
    engine = hq.ingestor.engine
    set_reference(engine, "municipalities", "SBH", {"ar": "سبها", "en": "Sabha"})
    set_reference(engine, "offices", "UBR", {"ar": "أوباري", "en": "Ubari"})
    with engine.begin() as conn:
        revoke_card(conn, "SBH-1-000001", "stolen", source="hq")
    assert run_sync(data_dir).reference_changes == 4  # the three above + this device in the devices list
    store = ReferenceStore(data_dir)
    assert store.entries("municipalities")["SBH"]["en"] == "Sabha"
    assert store.is_card_revoked("SBH-1-000001")
    # Only what changed since the last pull comes down.
    set_reference(engine, "municipalities", "SBH", {"ar": "سبها", "en": "Sebha"})
    set_reference(engine, "offices", "UBR", None)
    assert run_sync(data_dir).reference_changes == 2
    assert store.entries("municipalities")["SBH"]["en"] == "Sebha" and "UBR" not in store.entries("offices")
    assert run_sync(data_dir).reference_changes == 0
    # A lost card replaced at the office travels in a sealed batch and comes back to everyone.
    Outbox(data_dir).seal([], card_revocations=[{"card_number": "SBH-1-000007", "reason": "lost",
                                                 "replacement_card_number": "SBH-1-000099"}])
    run_sync(data_dir)
    assert run_sync(data_dir).status == "ok"
    assert store.revoked_cards()["SBH-1-000007"] == "lost"


def test_usb_round_trip_same_checks_same_acks(hq_sqlite, data_dir, tmp_path):
    enrol_office(hq_sqlite, data_dir)
    persons = people(20)
    outbox = Outbox(data_dir)
    batches = outbox.seal([p.to_dict() for p in persons], photos_for(persons))
    drive = tmp_path / "usb"
    assert len(export_batches(data_dir, drive).written) == len(batches)
    assert len(outbox.pending()) == len(batches)  # nothing removed before an ack
    hq_dir = tmp_path / "hq"
    out = subprocess.run([sys.executable, "-m", "fundclient", "hq", "--hq-dir", str(hq_dir),
                          "import-batches", str(drive)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    ack_file = out.stdout.strip().splitlines()[-1].split(": ")[-1]
    # Importing twice is harmless (same acks, records held once).
    subprocess.run([sys.executable, "-m", "fundclient", "hq", "--hq-dir", str(hq_dir), "import-batches", str(drive)],
                   check=True, capture_output=True, timeout=120)
    assert import_acks(data_dir, ack_file).totals["acknowledged"] == len(batches)
    assert not outbox.pending()
    assert len(list(outbox.iter_record_results())) == 20
    export = subprocess.run([sys.executable, "-m", "fundclient", "hq", "--hq-dir", str(hq_dir), "export",
                             "--format", "csv"], capture_output=True, text=True, check=True, timeout=120).stdout
    assert len(export.strip().splitlines()) == 21
    # A forged acks file does not mark anything sent.
    doc = json.loads(open(ack_file).read())
    for answer in doc["batches"].values():
        answer["ack"]["sigs"] = {k: v[:-4] + "AAA=" for k, v in answer["ack"]["sigs"].items()}
    more = outbox.seal([people(1, seed=4)[0].to_dict()])
    doc["batches"] = {more[0].name[11:-4]: next(iter(doc["batches"].values()))}
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(doc))
    assert import_acks(data_dir, forged).totals["forged"] == 1 and outbox.pending() == more


def test_key_rotation_keeps_in_flight_batches_readable(hq_dir, data_dir):
    server = start_in_thread(hq_dir)
    enrol_office(server, data_dir)
    old_key = Device.load(data_dir).hq_active_key_id
    Outbox(data_dir).seal([p.to_dict() for p in people(2)])  # sealed to the old key
    server.stop()
    ring = rotate_keys(hq_dir, signing=True)
    server = start_in_thread(hq_dir)
    settings = Settings.load(data_dir)
    settings.hq_url = server.url
    settings.save(data_dir)
    try:
        assert run_sync(data_dir).status == "ok"  # old key still opens it; ack signed by the new key
        assert Device.load(data_dir).hq_active_key_id == ring["active_decrypt"] != old_key
        [new_batch] = Outbox(data_dir).seal([people(1, seed=8)[0].to_dict()])
        assert json.loads(new_batch.read_bytes()[8:8 + 400].split(b"}")[0] + b"}")["hq_key_id"] == ring["active_decrypt"]
        assert run_sync(data_dir).status == "ok"
    finally:
        server.stop()


def _run(cmd: list[str]) -> str:
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (cmd[3:], done.stdout, done.stderr)
    return done.stdout


def test_hq_cli_init_token_enrol_revoke(tmp_path):
    hq_dir, office = tmp_path / "hq", tmp_path / "office"
    pw = tmp_path / "pw"
    pw.write_text("correct horse\n")
    base = [sys.executable, "-m", "fundclient", "hq", "--hq-dir", str(hq_dir), "--passphrase-file", str(pw)]
    _run(base + ["init"])
    for key_file in (hq_dir / "keys").glob("*-*.json"):
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600 and "private_sealed" in key_file.read_text()
    token = _run(base + ["enrol-token", "--office", "SBH"]).strip()
    server = start_in_thread(hq_dir, passphrase=b"correct horse")
    try:
        cmd = [sys.executable, "-m", "fundclient", "--data-dir", str(office), "enrol", "--server", server.url,
               "--token", token]
        first = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert first.returncode == 0, first.stderr
        info = json.loads(first.stdout)
        assert info["device_number"] == 1 and info["office_code"] == "SBH"
        assert stat.S_IMODE((office / "device" / "signing_key.json").stat().st_mode) == 0o600
        reuse = subprocess.run([*cmd[:3], str(tmp_path / "other"), *cmd[4:]], capture_output=True, text=True,
                               timeout=120)
        assert reuse.returncode == 2 and "token" in reuse.stderr  # one-time token
        _run(base + ["revoke-device", info["device_id"]])
        Outbox(office).seal([people(1)[0].to_dict()])
        assert run_sync(office).quarantined[0]["code"] == "revoked_device"
    finally:
        server.stop()
