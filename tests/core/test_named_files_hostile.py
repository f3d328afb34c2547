"""Files a person hands the office or HQ on the command line are read the hostile way
(fundclient.drive), like batches and acks on a drive: `restore FILE`, `verify-card --devices
FILE` and a QR file, `card --photo/--from-json/--key`, `--password-file`, HQ's
`--passphrase-file`. A link (to a file, to /dev/zero), a FIFO, a folder or an oversize file is
refused with a message naming the file and the reason — never followed, never a hang, never a
traceback — and nothing changes. Each command runs as its own process (a FIFO would hang it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from fundclient.cli import main
from hostile_drive import make_hostile_drive

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX drive fixture (links, FIFOs)")

REASONS = {"link": "a link, not a file", "fifo": "a pipe (FIFO), not a file", "directory": "a folder, not a file",
           "oversize": "larger than the limit"}


def fc(data_dir: Path, *args: str, lang: str = "en") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fundclient", "--data-dir", str(data_dir), "--lang", lang, *args],
                          capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)


def _assert_refused(done: subprocess.CompletedProcess, path: Path, reason: str) -> None:
    assert done.returncode == 2, (path.name, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "unexpected" not in done.stderr.lower(), done.stderr
    assert path.name in done.stderr and REASONS[reason] in done.stderr, (path.name, done.stderr)


@pytest.fixture
def office(data_dir, tmp_path):
    password = tmp_path / "pw"
    password.write_text("admin-pass-1\n", encoding="utf-8")
    assert main(["--data-dir", str(data_dir), "setup", "--office", "SBH", "--admin", "admin",
                 "--password-file", str(password), "--full-name", "مدير", "--device-number", "901"]) == 0
    assert main(["--data-dir", str(data_dir), "backup", "--to", str(tmp_path / "bk"), "--user", "admin",
                 "--password-file", str(password)]) == 0
    [backup] = (tmp_path / "bk").glob("*.zip")
    return data_dir, backup


def test_restore_refuses_what_is_not_a_regular_file(office, tmp_path):
    data_dir, backup = office
    before = sorted(p.name for p in data_dir.iterdir())
    hostile = make_hostile_drive(tmp_path / "usb", suffix=".fcbackup.zip", max_bytes=1 << 20,
                                 good=backup.read_bytes())
    for name, reason in hostile.expected_skips.items():
        if reason == "oversize":
            continue  # the limit is 64 GiB; the bound itself is checked with the devices file below
        _assert_refused(fc(data_dir, "restore", str(hostile.folder / name), "--yes"), hostile.folder / name, reason)
    assert sorted(p.name for p in data_dir.iterdir()) == before  # nothing replaced, nothing set aside
    arabic = fc(data_dir, "restore", str(hostile.folder / "fifo.fcbackup.zip"), "--yes", lang="ar")
    assert arabic.returncode == 2 and "أنبوب (FIFO)" in arabic.stderr
    # The real backup, named directly, still restores.
    done = fc(data_dir, "restore", str(backup), "--yes")
    assert done.returncode == 0, done.stderr


def _devices_file(path: Path) -> bytes:
    raw = Ed25519PrivateKey.generate().public_key().public_bytes(serialization.Encoding.Raw,
                                                                  serialization.PublicFormat.Raw)
    data = json.dumps({"devices": [{"device_id": "d-1", "public_key": raw.hex()}]}).encode()
    path.write_bytes(data)
    return data


def test_verify_card_devices_file_and_qr_file_are_read_the_hostile_way(tmp_path):
    data_dir = tmp_path / "data"
    good = _devices_file(tmp_path / "devices.json")
    hostile = make_hostile_drive(tmp_path / "usb", suffix=".json", max_bytes=4 * 1024 * 1024, good=good)
    for name, reason in hostile.expected_skips.items():
        _assert_refused(fc(data_dir, "verify-card", "FC:x", "--devices", str(hostile.folder / name)),
                        hostile.folder / name, reason)
    # A devices file that is a file but not a devices list: a clear message, not a traceback.
    for content in (b"[1, 2]", b'{"devices": [{"x": 1}]}', b"\xff\xfe", b'{"d": "not a key"}'):
        bad = tmp_path / "bad-devices.json"
        bad.write_bytes(content)
        done = fc(data_dir, "verify-card", "FC:x", "--devices", str(bad))
        assert done.returncode == 2 and "bad-devices.json" in done.stderr and "is not valid" in done.stderr, \
            (content, done.stderr)
        assert "Traceback" not in done.stderr
    # The good file: the devices file is accepted (the made-up QR text is then simply invalid).
    done = fc(data_dir, "verify-card", "FC:x", "--devices", str(tmp_path / "devices.json"))
    assert done.returncode == 1 and "INVALID" in done.stdout, done.stderr
    # A QR text file or image given as the source is read the same way.
    qr = make_hostile_drive(tmp_path / "qr", suffix=".png", max_bytes=64 * 1024 * 1024, good=b"x")
    for name in ("fifo.png", "link-to-zero.png"):
        _assert_refused(fc(data_dir, "verify-card", str(qr.folder / name), "--devices", str(tmp_path / "devices.json")),
                        qr.folder / name, qr.expected_skips[name])


def test_password_and_passphrase_files_are_never_a_fifo_or_a_link(data_dir, tmp_path):
    hostile = make_hostile_drive(tmp_path / "usb", suffix=".txt", max_bytes=64 * 1024, good=b"admin-pass-1\n")
    for name in ("fifo.txt", "link-to-zero.txt", "link-to-file.txt"):
        path = hostile.folder / name
        done = fc(data_dir, "setup", "--office", "SBH", "--admin", "admin", "--password-file", str(path),
                  "--full-name", "x", "--device-number", "901")
        _assert_refused(done, path, hostile.expected_skips[name])
        done = fc(data_dir, "hq", "--hq-dir", str(tmp_path / "hq"), "--passphrase-file", str(path), "init")
        _assert_refused(done, path, hostile.expected_skips[name])
    assert not (data_dir / "fundclient.db").exists() and not (tmp_path / "hq").exists()


def test_card_inputs_are_read_the_hostile_way(tmp_path):
    data_dir = tmp_path / "data"
    hostile = make_hostile_drive(tmp_path / "usb", suffix=".json", max_bytes=4 * 1024 * 1024, good=b"{}")
    for option in ("--from-json", "--key", "--photo"):
        for name in ("fifo.json", "link-to-zero.json", "directory.json"):
            path = hostile.folder / name
            extra = ["--device-id", "d-1"] if option == "--key" else []
            source = [] if option == "--from-json" else ["--sample"]
            done = fc(data_dir, "card", *source, option, str(path), *extra, "--pdf", str(tmp_path / "c.pdf"))
            _assert_refused(done, path, hostile.expected_skips[name])
    assert not (tmp_path / "c.pdf").exists()
