"""#17 item 4: a stolen laptop cannot speak for the office.

Each claim of docs/security.md's stolen-laptop row, proved with real `fundclient` processes, a real
encrypted office and a real HQ on 127.0.0.1:

- the device signing key is wrapped at rest (no clear private key anywhere in the folder), and a
  clear key left by an older version is wrapped at the first login, its file replaced;
- a copy of the data folder without a password cannot sign a card (`card --from-json`);
- the nightly sync, with nobody logged in (key locked), still sends the sealed batches;
- after `hq revoke-device` the copied folder cannot sync as the office, and cards that device
  signs from the day of revocation verify as REVOKED DEVICE — through the devices list HQ exports
  (`hq devices --export`) and through the one the office pulls with its reference data — while a
  card it issued before stays VALID;
- an edited devices list is refused.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest

from fundclient.domain.card_numbers import make_card_number
from fundclient.hq.devices import create_token
from fundclient.services import registration
from fundclient.services.session import login
from fundclient.storage import initialise
from sync_helpers import env_without_proxies, people

PASSWORD = "admin-pass-1"


def fc(data_dir: Path, *args: str, lang: str = "en") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fundclient", "--data-dir", str(data_dir), "--lang", lang, *args],
                          capture_output=True, text=True, timeout=300, env=env_without_proxies(),
                          stdin=subprocess.DEVNULL)


def status_of(done: subprocess.CompletedProcess) -> str:
    """The English verdict of verify-card's status line: «Status: VALID» with --lang en, else
    «الحالة / Status: … / VALID»."""
    line = next(line for line in done.stdout.splitlines() if "Status:" in line)
    return line.split(": ", 1)[1].rsplit(" / ", 1)[-1]


def every_file_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.fixture
def office(tmp_path, hq_sqlite):
    """An office set up, enrolled at HQ (CLI, unattended), with three registrations saved and sealed."""
    data_dir = tmp_path / "office"
    initialise(data_dir, "SBH", "ali", PASSWORD, "علي", provisional_device_number=901)
    password_file = tmp_path / "pw"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    token = create_token(hq_sqlite.ingestor.engine, "SBH", hq_sqlite.ingestor.keys.active_sign)
    done = fc(data_dir, "enrol", "--server", hq_sqlite.url, f"--token={token}", "--user", "ali",
              "--password-file", str(password_file))
    assert done.returncode == 0, done.stderr
    session = login(data_dir, "ali", PASSWORD)
    try:
        for person in people(3, office="SBH", seed=5):
            registration.register(session, person)
    finally:
        session.close()
    person = people(1, office="SBH", seed=9)[0]
    person.card_number = make_card_number("SBH", 1, 777)
    record = tmp_path / "invented.json"
    record.write_text(json.dumps(person.to_dict(), ensure_ascii=False), encoding="utf-8")
    return data_dir, password_file, record


def test_the_device_key_is_never_in_clear_in_the_folder(office):
    data_dir, _pw, _record = office
    doc = json.loads((data_dir / "device" / "signing_key.json").read_text())
    assert "private" not in doc and doc["wrapped"], doc.keys()
    # The private key (this process logged in above, so it holds it) appears in no file, in any encoding.
    from fundclient import device_key
    raw = device_key.private_key(data_dir)
    blob = every_file_bytes(data_dir)
    for form in (raw, raw.hex().encode(), base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        assert form not in blob


def test_a_clear_key_of_an_older_version_is_wrapped_at_the_first_login_and_the_clear_file_is_gone(tmp_path):
    from fundclient import device_key
    from fundclient.sync.keys import generate_signing_private, signing_public_bytes, write_private_key_file

    data_dir = tmp_path / "office"
    initialise(data_dir, "SBH", "ali", PASSWORD, provisional_device_number=902)
    # What 0.x left: the same file name, the private key in clear.
    raw = generate_signing_private()
    path = data_dir / "device" / "signing_key.json"
    write_private_key_file(path, kind="device-signing", private_raw=raw, public_raw=signing_public_bytes(raw))
    device_key.forget()
    assert device_key.private_key(data_dir) == raw  # until the first login (the nightly task still signs)

    login(data_dir, "ali", PASSWORD).close()
    doc = json.loads(path.read_text())
    assert "private" not in doc and base64.b64decode(doc["public"]) == signing_public_bytes(raw)
    assert base64.b64encode(raw) not in every_file_bytes(data_dir)
    assert sorted(p.name for p in (data_dir / "device").iterdir()) == ["key.lock", "signing_key.json"]
    device_key.forget()
    with pytest.raises(Exception) as locked:
        device_key.private_key(data_dir)
    assert getattr(locked.value, "code", "") == "device_key_locked"
    # The key survives a DB key rotation and still opens with the new key.
    session = login(data_dir, "ali", PASSWORD)
    session.store.rekey("ali")
    session.close()
    device_key.forget()
    login(data_dir, "ali", PASSWORD).close()
    assert device_key.private_key(data_dir) == raw


def test_stolen_folder_cannot_sign_revoked_device_cards_and_sync(office, hq_sqlite, tmp_path):
    data_dir, password_file, record = office
    stolen = tmp_path / "stolen"
    shutil.copytree(data_dir, stolen)

    # 1. With the folder and no password: no card.
    done = fc(stolen, "card", "--from-json", str(record), "--png", str(tmp_path / "forged"))
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "signing key is locked" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "forged_front.png").exists()
    # A wrong password does not unlock it either.
    wrong = tmp_path / "wrong"
    wrong.write_text("not-the-password\n")
    done = fc(stolen, "card", "--from-json", str(record), "--png", str(tmp_path / "forged"), "--user", "ali",
              "--password-file", str(wrong))
    assert done.returncode == 2 and not (tmp_path / "forged_front.png").exists()

    # 2. The nightly sync (nobody logged in: the key is locked) still sends the sealed batches.
    done = fc(data_dir, "sync", "--json")
    assert done.returncode == 0, (done.stdout, done.stderr)
    assert json.loads(done.stdout)["batches_acknowledged"] >= 1

    # 3. A card the office printed before the theft (an operator logged in).
    before = date.today() - timedelta(days=30)
    done = fc(data_dir, "card", "--from-json", str(record), "--png", str(tmp_path / "before"), "--user", "ali",
              "--password-file", str(password_file), "--issued", before.isoformat())
    assert done.returncode == 0, done.stderr

    # 4. HQ revokes the laptop.
    device_id = json.loads((data_dir / "device" / "enrolment.json").read_text())["device_id"]
    hq = ["hq", "--hq-dir", str(tmp_path / "hq")]  # the hq_dir fixture: HQ's keys and SQLite database
    done = fc(tmp_path, *hq, "revoke-device", device_id, "--reason", "stolen")
    assert done.returncode == 0, done.stderr

    # 5. The thief knows a password (or the laptop was taken unlocked): the card it prints today…
    done = fc(stolen, "card", "--from-json", str(record), "--png", str(tmp_path / "after"), "--user", "ali",
              "--password-file", str(password_file))
    assert done.returncode == 0, done.stderr

    # … is REVOKED DEVICE against HQ's exported, signed devices list; the older card stays VALID.
    devices = tmp_path / "devices.json"
    done = fc(tmp_path, *hq, "devices", "--export", str(devices))
    assert done.returncode == 0, done.stderr
    assert "1 of them revoked" in done.stdout
    clinic = tmp_path / "clinic"  # a PC that is no office: it trusts the file it was handed, and says so
    after = fc(clinic, "verify-card", str(tmp_path / "after_front.png"), "--devices", str(devices))
    assert after.returncode == 1, after.stdout
    assert status_of(after) == "REVOKED DEVICE" and "revoked by HQ on" in after.stdout
    assert "was not checked" in after.stderr
    older = fc(clinic, "verify-card", str(tmp_path / "before_front.png"), "--devices", str(devices))
    assert older.returncode == 0 and status_of(older) == "VALID", older.stdout

    # An office checks the list's signature against HQ's keys: an edited list is refused.
    doc = json.loads(devices.read_text())
    doc["devices"][device_id]["revoked_at"] = None
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(doc))
    done = fc(data_dir, "verify-card", str(tmp_path / "after_front.png"), "--devices", str(edited))
    assert done.returncode == 2 and "not signed by HQ" in done.stderr, (done.stdout, done.stderr)

    # 6. The stolen copy cannot sync as the office any more: HQ refuses every batch (quarantined),
    # by the network or by a USB drive, and every later `sync` says the device is revoked (exit 1)
    # — HQ's devices list, pulled with the reference data, tells it — even with nothing to send.
    session = login(stolen, "ali", PASSWORD)
    try:
        registration.register(session, people(1, office="SBH", seed=11)[0])
    finally:
        session.close()
    usb = tmp_path / "usb"
    usb.mkdir()
    done = fc(stolen, "export-batches", "--to", str(usb))
    assert done.returncode == 0, done.stderr
    done = fc(tmp_path, *hq, "import-batches", str(usb))
    batches = [line for line in done.stdout.splitlines() if ".fcb:" in line]
    assert done.returncode == 1 and len(batches) == 4, (done.stdout, done.stderr)  # 3 from before + the new one
    assert all("(code revoked_device)" in line for line in batches), done.stdout
    done = fc(stolen, "sync", "--json")
    assert done.returncode == 1, (done.stdout, done.stderr)
    summary = json.loads(done.stdout)
    assert summary["batches_acknowledged"] == 0 and summary["batches_quarantined"] == 4
    assert {q["code"] for q in summary["quarantined"]} == {"revoked_device"}
    assert summary["error"]["code"] == "revoked_device"
    done = fc(stolen, "sync")  # nothing left to send: still not "ok"
    assert done.returncode == 1 and "This device has been revoked by HQ." in done.stderr, (done.stdout, done.stderr)

    # 7. Every office that synced since knows it too, with no file: the devices list comes with the
    # reference data.
    other = fc(data_dir, "sync", "--json")  # the laptop itself, had it come back: told the same way
    assert other.returncode == 1 and json.loads(other.stdout)["error"]["code"] == "revoked_device"
    done = fc(data_dir, "verify-card", str(tmp_path / "after_front.png"))
    assert done.returncode == 1 and status_of(done) == "REVOKED DEVICE", done.stdout
    done = fc(data_dir, "verify-card", str(tmp_path / "before_front.png"))
    assert done.returncode == 0 and status_of(done) == "VALID", done.stdout


def test_a_pc_restored_without_its_device_folder_enrols_after_a_login(tmp_path, hq_sqlite):
    """A backup does not carry device/ (each PC its own identity): on the new PC the key is made,
    wrapped, by the first login — `enrol --user` does that login first; without it, it says so."""
    data_dir = tmp_path / "office"
    initialise(data_dir, "SBH", "ali", PASSWORD, provisional_device_number=903)
    shutil.rmtree(data_dir / "device")  # what a restore on a new PC leaves
    password_file = tmp_path / "pw"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    token = create_token(hq_sqlite.ingestor.engine, "SBH", hq_sqlite.ingestor.keys.active_sign)
    done = fc(data_dir, "enrol", "--server", hq_sqlite.url, f"--token={token}")
    assert done.returncode == 2 and "no device signing key yet" in done.stderr, (done.stdout, done.stderr)
    assert not (data_dir / "device" / "signing_key.json").exists()
    done = fc(data_dir, "enrol", "--server", hq_sqlite.url, f"--token={token}", "--user", "ali",
              "--password-file", str(password_file))
    assert done.returncode == 0, done.stderr
    assert "private" not in json.loads((data_dir / "device" / "signing_key.json").read_text())


def test_batches_sealed_by_an_older_version_get_their_upload_claim_at_the_next_login(office, hq_sqlite):
    """Upload claims are signed at sealing; a batch sealed before this version has none, so the
    nightly sync (key locked) cannot send it and says why — until the next login signs its claim."""
    data_dir, password_file, _record = office
    claims = data_dir / "outbox" / "claims"
    assert sorted(p.stem for p in claims.glob("*.json")) == \
        sorted(p.stem.partition("-")[2] for p in (data_dir / "outbox" / "pending").glob("*.fcb"))
    shutil.rmtree(claims)  # as an older version left the outbox
    done = fc(data_dir, "sync", "--json")
    assert done.returncode != 0 and json.loads(done.stdout)["batches_acknowledged"] == 0, done.stdout
    assert "signing key is locked" in done.stdout + done.stderr
    login(data_dir, "ali", PASSWORD).close()  # any login: the app's, or `seal --user`
    assert len(list(claims.glob("*.json"))) >= 1
    done = fc(data_dir, "sync", "--json")
    assert done.returncode == 0 and json.loads(done.stdout)["batches_acknowledged"] >= 1, done.stdout
    assert not list(claims.glob("*.json"))  # a batch acknowledged: its claim is gone
