"""#12 item 7: an office with no link enrols by USB, exactly as online.

Real processes, a real HQ data dir (keys + SQLite), a real office set up by `fundclient setup`:
request → `hq enrol-offline` (one-time token) → signed answer → `enrol --from-file` → the
office's batches travel by USB and come back acknowledged. Forged, foreign and replayed answers
are refused with a clear message."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from fundclient.sync.outbox import Outbox
from sync_helpers import people

POSIX = os.name != "nt"


def fc(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fundclient", "--lang", "en", *args],
                          capture_output=True, text=True, timeout=180)


def office(tmp_path: Path, name: str, code: str = "BRK", device_number: str = "901") -> Path:
    data_dir = tmp_path / name
    password = tmp_path / f"{name}-pw"
    password.write_text("admin-pass-1\n", encoding="utf-8")
    done = fc("--data-dir", str(data_dir), "setup", "--office", code, "--admin", "ali", "--password-file",
              str(password), "--full-name", "علي", "--device-number", device_number)
    assert done.returncode == 0, done.stderr
    return data_dir


def hq(hq_dir: Path, *args: str) -> subprocess.CompletedProcess:
    return fc("hq", "--hq-dir", str(hq_dir), *args)


def token(hq_dir: Path, office_code: str = "BRK") -> str:
    done = hq(hq_dir, "enrol-token", "--office", office_code)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


def request(data_dir: Path, drive: Path) -> Path:
    done = fc("--data-dir", str(data_dir), "enrol-request", "--to", str(drive), "--label", "laptop 2")
    assert done.returncode == 0, done.stderr
    [path] = [p for p in drive.glob("fundclient-enrol-request-*.json") if p.name in done.stdout]
    return path


def answer(hq_dir: Path, request_file: Path, the_token: str) -> Path:
    done = hq(hq_dir, "enrol-offline", str(request_file), "--token", the_token)
    assert done.returncode == 0, done.stderr
    request_id = request_file.name[len("fundclient-enrol-request-"):-len(".json")]
    return request_file.with_name(f"fundclient-enrol-response-{request_id}.json")


@pytest.fixture
def hq_dir(tmp_path):
    path = tmp_path / "hq"
    assert hq(path, "init").returncode == 0
    return path


@pytest.fixture
def drive(tmp_path):
    path = tmp_path / "usb"
    path.mkdir()
    return path


def test_usb_enrolment_round_trip_then_batches_by_usb(tmp_path, hq_dir, drive):
    data_dir = office(tmp_path, "brk")
    refused = fc("--data-dir", str(data_dir), "export-batches", "--to", str(drive))
    assert refused.returncode == 2 and "not enrolled" in refused.stderr

    the_token = token(hq_dir)
    request_file = request(data_dir, drive)
    doc = json.loads(request_file.read_text(encoding="utf-8"))
    assert doc["office_code"] == "BRK" and "token" not in json.dumps(doc)  # no secret on the drive
    assert request(data_dir, drive).name.startswith(request_file.stem)  # written again: same request id

    answer_file = answer(hq_dir, request_file, the_token)
    done = fc("--data-dir", str(data_dir), "enrol", "--from-file", str(answer_file), "--token", the_token)
    assert done.returncode == 0, done.stderr
    enrolled = json.loads(done.stdout)
    assert enrolled["office_code"] == "BRK" and enrolled["device_number"] == 1
    assert "device number 1" in done.stderr
    listed = json.loads(hq(hq_dir, "devices", "--json").stdout)
    assert [(d["device_id"], d["office_code"], d["device_number"]) for d in listed] == \
        [(enrolled["device_id"], "BRK", 1)]
    if POSIX:
        assert stat.S_IMODE((data_dir / "device").stat().st_mode) == 0o700
        assert stat.S_IMODE((data_dir / "device" / "enrolment.json").stat().st_mode) == 0o600

    # Enrolled exactly as online: batches sealed for HQ's key travel by USB and come back acknowledged.
    # (Sealing happens in a logged-in session: the login unlocks the device key.)
    from fundclient.storage import open_store
    open_store(data_dir, "ali", "admin-pass-1")[0].close()
    batches = Outbox(data_dir).seal([p.to_dict() for p in people(3, office="BRK")])
    exported = fc("--data-dir", str(data_dir), "export-batches", "--to", str(drive))
    assert exported.returncode == 0, exported.stdout + exported.stderr
    assert hq(hq_dir, "import-batches", str(drive)).returncode == 0
    acks = fc("--data-dir", str(data_dir), "import-acks", str(drive))
    assert acks.returncode == 0, acks.stdout
    assert not Outbox(data_dir).pending() and len(Outbox(data_dir).sent()) == len(batches)

    again = fc("--data-dir", str(data_dir), "enrol", "--from-file", str(answer_file), "--token", the_token)
    assert again.returncode == 2 and "already enrolled" in again.stderr


def test_the_token_is_one_time_and_for_the_requests_office(tmp_path, hq_dir, drive):
    data_dir = office(tmp_path, "brk")
    request_file = request(data_dir, drive)
    other_office = token(hq_dir, "GHT")
    done = hq(hq_dir, "enrol-offline", str(request_file), "--token", other_office)
    assert done.returncode == 2 and "is for office 'GHT'" in done.stderr
    assert json.loads(hq(hq_dir, "devices", "--json").stdout) == []
    the_token = token(hq_dir)
    answer(hq_dir, request_file, the_token)
    reused = hq(hq_dir, "enrol-offline", str(request_file), "--token", the_token)
    assert reused.returncode == 2 and "already used" in reused.stderr


def test_forged_foreign_and_mismatched_answers_are_refused(tmp_path, hq_dir, drive):
    data_dir = office(tmp_path, "brk")
    other_pc = office(tmp_path, "brk-2", device_number="902")
    the_token, other_token = token(hq_dir), token(hq_dir)
    mine = answer(hq_dir, request(data_dir, drive), the_token)
    theirs = answer(hq_dir, request(other_pc, drive), other_token)

    def enrol(answer_file: Path, with_token: str) -> subprocess.CompletedProcess:
        return fc("--data-dir", str(data_dir), "enrol", "--from-file", str(answer_file), "--token", with_token)

    foreign = enrol(theirs, other_token)  # genuine, but for another PC's request and key
    assert foreign.returncode == 2 and "another enrolment request or another PC" in foreign.stderr
    wrong_token = enrol(mine, other_token)  # the answer was not made with the token typed here
    assert wrong_token.returncode == 2 and "not made with this token" in wrong_token.stderr

    forged = json.loads(mine.read_text(encoding="utf-8"))
    forged["enrolment"]["device_number"] = 7  # e.g. to reuse another PC's card numbers
    tampered = drive / "tampered.json"
    tampered.write_text(json.dumps(forged), encoding="utf-8")
    refused = enrol(tampered, the_token)
    assert refused.returncode == 2 and "did not prove it is the HQ" in refused.stderr
    (drive / "garbage.json").write_bytes(b"\x00\xff{")
    garbage = enrol(drive / "garbage.json", the_token)
    assert garbage.returncode == 2 and "not valid" in garbage.stderr and "unexpected" not in garbage.stderr
    if POSIX:
        (drive / "link.json").symlink_to(mine)
        link = enrol(drive / "link.json", the_token)
        assert link.returncode == 2 and "a link, not a file" in link.stderr
    assert not (data_dir / "device" / "enrolment.json").exists()

    assert enrol(mine, the_token).returncode == 0


def test_an_answer_for_another_office_is_refused_like_online(tmp_path, hq_dir, drive):
    """The answer says office GHT (a request edited on the drive) while this PC is BRK."""
    data_dir = office(tmp_path, "brk")
    request_file = request(data_dir, drive)
    doc = json.loads(request_file.read_text(encoding="utf-8"))
    doc["office_code"] = "GHT"
    request_file.write_text(json.dumps(doc), encoding="utf-8")
    seb_token = token(hq_dir, "GHT")
    answer_file = answer(hq_dir, request_file, seb_token)
    done = fc("--data-dir", str(data_dir), "enrol", "--from-file", str(answer_file), "--token", seb_token)
    assert done.returncode == 2 and "this PC belongs to office 'BRK'" in done.stderr
