"""#17 item 1: records saved before enrolment are sealed at enrolment, not at some later GUI
login; `sync` says what waits and exits 1 while records wait; `status --json` is true right
after a sync, with nobody logged in.

Real `fundclient` processes, a real office (encrypted store), a real HQ on 127.0.0.1."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from fundclient.hq.devices import create_token
from fundclient.hq.enrol_usb import enrol_offline
from fundclient.hq.export import write_export
from fundclient.hq.usb import import_batches
from fundclient.services import registration
from fundclient.services.session import login
from fundclient.storage import initialise
from sync_helpers import env_without_proxies, people

PASSWORD = "admin-pass-1"


def fc(data_dir: Path, *args: str, lang: str = "en") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fundclient", "--data-dir", str(data_dir), "--lang", lang, *args],
                          capture_output=True, text=True, timeout=180, env=env_without_proxies(),
                          stdin=subprocess.DEVNULL)


@pytest.fixture
def office(tmp_path) -> tuple[Path, Path]:
    """An office set up with four registrations saved before it was enrolled."""
    data_dir = tmp_path / "office"
    initialise(data_dir, "SBH", "ali", PASSWORD, "علي", provisional_device_number=901)
    session = login(data_dir, "ali", PASSWORD)
    try:
        for person in people(4, office="SBH", seed=3):
            registration.register(session, person)
    finally:
        session.close()
    password_file = tmp_path / "pw"
    password_file.write_text(PASSWORD + "\n", encoding="utf-8")
    return data_dir, password_file


def status(data_dir: Path) -> dict:
    done = fc(data_dir, "status", "--json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def token(hq) -> str:
    return create_token(hq.ingestor.engine, "SBH", hq.ingestor.keys.active_sign)


def test_unattended_enrolment_says_what_waits_then_seal_and_sync(hq_sqlite, office):
    data_dir, password_file = office
    assert status(data_dir)["pending_sync"] == 4 and status(data_dir)["awaiting_seal"] == 4
    plain = fc(data_dir, "status")
    assert "4 not yet answered by HQ, 4 of them waiting to be sealed" in plain.stdout.splitlines()[-1]

    # No operator given and no one at the keyboard: enrolled, and it says plainly what waits.
    done = fc(data_dir, "enrol", "--server", hq_sqlite.url, "--token", token(hq_sqlite))
    assert done.returncode == 1, done.stderr
    assert "enrolled with HQ" in done.stderr
    assert "4 saved record(s) are not sealed" in done.stderr and "fundclient seal --user" in done.stderr

    # The scheduler's sync: nothing to send yet, and it says so (was: "ok", exit 0).
    done = fc(data_dir, "sync", "--json")
    summary = json.loads(done.stdout)
    assert done.returncode == 1 and summary["status"] == "partial"
    assert summary["records_awaiting_seal"] == 4 and summary["batches_acknowledged"] == 0
    plain = fc(data_dir, "sync")
    assert plain.returncode == 1 and "4 saved record(s) are not sealed" in plain.stderr

    wrong = password_file.with_name("wrong")
    wrong.write_text("not-the-password\n", encoding="utf-8")
    refused = fc(data_dir, "seal", "--user", "ali", "--password-file", str(wrong))
    assert refused.returncode == 2 and status(data_dir)["awaiting_seal"] == 4

    done = fc(data_dir, "seal", "--user", "ali", "--password-file", str(password_file))
    assert done.returncode == 0, done.stderr
    assert "4 saved record(s) sealed and ready to send" in done.stdout
    assert status(data_dir)["awaiting_seal"] == 0

    done = fc(data_dir, "sync")
    assert done.returncode == 0, done.stderr + done.stdout
    assert "1 batch(es) sent and acknowledged" in done.stdout
    # Nobody logged in since: status.json still counts HQ's answers (was: 4 until a login).
    assert status(data_dir)["pending_sync"] == 0
    assert len(hq_records(hq_sqlite)) == 4


def hq_records(hq) -> list[dict]:
    out = io.StringIO()
    write_export(hq.ingestor.engine, out, "jsonl")
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_enrolment_with_an_operator_seals_at_once(hq_sqlite, office):
    data_dir, password_file = office
    done = fc(data_dir, "enrol", "--server", hq_sqlite.url, "--token", token(hq_sqlite),
              "--user", "ali", "--password-file", str(password_file))
    assert done.returncode == 0, done.stderr
    assert "4 saved record(s) sealed and ready to send" in done.stderr
    assert json.loads(done.stdout)["office_code"] == "SBH"  # stdout stays the enrolment's JSON

    done = fc(data_dir, "sync", "--json")
    summary = json.loads(done.stdout)
    assert done.returncode == 0 and summary["status"] == "ok" and summary["records_awaiting_seal"] == 0
    assert summary["batches_acknowledged"] == 1
    assert status(data_dir)["pending_sync"] == 0

    arabic = fc(data_dir, "sync", lang="ar")
    assert arabic.returncode == 0 and "أُرسلت" in arabic.stdout


def test_usb_enrolment_with_an_operator_seals_at_once(hq_sqlite, office, tmp_path):
    data_dir, password_file = office
    drive = tmp_path / "usb"
    drive.mkdir()
    assert fc(data_dir, "enrol-request", "--to", str(drive)).returncode == 0
    [request_file] = drive.glob("fundclient-enrol-request-*.json")
    the_token = token(hq_sqlite)
    _, answer_file = enrol_offline(hq_sqlite.ingestor.engine, hq_sqlite.ingestor.keys, request_file, the_token)
    done = fc(data_dir, "enrol", "--from-file", str(answer_file), "--token", the_token,
              "--user", "ali", "--password-file", str(password_file))
    assert done.returncode == 0, done.stderr
    assert "4 saved record(s) sealed and ready to send" in done.stderr
    assert status(data_dir)["awaiting_seal"] == 0

    done = fc(data_dir, "export-batches", "--to", str(drive))
    assert done.returncode == 0, done.stderr
    assert list((drive).rglob("*.fcb"))
    assert status(data_dir)["pending_sync"] == 4

    import_batches(hq_sqlite.ingestor, drive)  # HQ reads the drive and writes its answer on it
    done = fc(data_dir, "import-acks", str(drive))
    assert done.returncode == 0, done.stderr
    # Nobody logged in since: the answers count at once (was: 4 until the next login).
    assert status(data_dir)["pending_sync"] == 0
    assert len(hq_records(hq_sqlite)) == 4
