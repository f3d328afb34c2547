"""`fundclient selftest` fails when the office set up here cannot work (issue #17): no office
code, not enrolled although an HQ link is configured, no device number, a device HQ has
revoked (HQ's signed answer, from a real HQ on 127.0.0.1), a configured camera that is not
there; `--require-hq` with no HQ configured fails; in Arabic the details are Arabic.

The office checks run in this process (no Qt involved); the CLI runs in a subprocess, as an
IT technician runs it, for the exit code and the printed table."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fundclient.cli import main
from fundclient.config import Settings
from fundclient.selftest import FAIL, PASS, SKIP, run_selftest

from sync_helpers import enrol_office

PASSWORD = "admin-pass-1"
ARABIC = re.compile(r"[\u0600-\u06ff]")
FACE = Path(__file__).resolve().parents[2] / "src" / "fundclient" / "resources" / "samples"


def setup_office(data_dir, tmp_path, *extra) -> None:
    secret = tmp_path / "pw"
    secret.write_text(PASSWORD + "\n", encoding="utf-8")
    assert main(["--data-dir", str(data_dir), "setup", "--office", "SBH", "--admin", "admin",
                 "--password-file", str(secret), *extra]) == 0


def selftest_cli(data_dir, *extra, lang="en"):
    out = subprocess.run([sys.executable, "-m", "fundclient", "--data-dir", str(data_dir), "--lang", lang,
                          "selftest", *extra], capture_output=True, text=True, encoding="utf-8", timeout=300)
    return out.returncode, out.stdout + out.stderr


def office_check(data_dir, **kw):
    return run_selftest(data_dir, only=("office",), hq_timeout=5, **kw).check("office")


def change_settings(data_dir, **values) -> None:
    settings = Settings.load(data_dir)
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save(data_dir)


def test_no_office_set_up_is_an_install_check_only(data_dir):
    assert office_check(data_dir).status == SKIP


def test_an_empty_office_code_fails_in_the_language_asked(data_dir, tmp_path):
    setup_office(data_dir, tmp_path, "--device-number", "901")
    assert office_check(data_dir).status == PASS
    change_settings(data_dir, office_code="")
    result = office_check(data_dir)
    assert result.status == FAIL and "No office code in the settings" in result.detail.en
    code, out = selftest_cli(data_dir, "--only", "office", lang="ar")
    assert code == 1, out
    assert "[فشل] المكتب وتسجيل الجهاز: لم يُحدَّد رمز المكتب في الإعدادات" in out
    assert "فشل فحص مطلوب واحد على الأقل" in out and "No office code" not in out


def test_no_device_number_and_no_enrolment_fails(data_dir, tmp_path):
    setup_office(data_dir, tmp_path)  # no --device-number: cards could not be numbered
    result = office_check(data_dir)
    assert result.status == FAIL and "cards cannot be numbered" in result.detail.en


def test_a_link_configured_without_enrolment_fails(data_dir, tmp_path, hq_sqlite):
    setup_office(data_dir, tmp_path, "--device-number", "901")
    change_settings(data_dir, hq_url=hq_sqlite.url)
    result = office_check(data_dir)
    assert result.status == FAIL and "is not enrolled there" in result.detail.en
    enrol_office(hq_sqlite, data_dir)
    result = office_check(data_dir)
    assert result.status == PASS and "HQ confirms it is active" in result.detail.en


def test_a_device_revoked_at_hq_fails_by_hqs_signed_answer(data_dir, tmp_path, hq_sqlite, hq_dir):
    setup_office(data_dir, tmp_path, "--device-number", "901")
    device = enrol_office(hq_sqlite, data_dir)
    code, out = selftest_cli(data_dir, "--only", "office", "hq", "--json")
    assert code == 0, out
    assert main(["hq", "--hq-dir", str(hq_dir), "revoke-device", device.device_id]) == 0
    code, out = selftest_cli(data_dir, "--only", "office", "hq", "--json")
    report = json.loads(out[out.index("{"):])
    checks = {c["key"]: c for c in report["checks"]}
    assert code == 1 and report["ok"] is False
    assert checks["office"]["status"] == FAIL and "HQ has revoked this device" in checks["office"]["detail"]["en"]
    assert "أوقفت الإدارة العامة هذا الجهاز" in checks["office"]["detail"]["ar"]


def test_an_answer_not_signed_by_hq_is_not_taken_for_hqs_word(data_dir, tmp_path, hq_sqlite):
    """A device enrolled with one HQ and pointed at another server: nobody who can sign as its
    HQ says anything about it, so the office check cannot pass as "HQ confirms"."""
    from fundclient.hq.keys import init_keys
    from fundclient.hq.server import start_in_thread

    setup_office(data_dir, tmp_path, "--device-number", "901")
    enrol_office(hq_sqlite, data_dir)
    other_dir = tmp_path / "other-hq"
    init_keys(other_dir)
    other = start_in_thread(other_dir, None)
    try:
        doc = json.loads((data_dir / "device" / "enrolment.json").read_text())
        doc["hq_url"] = other.url
        (data_dir / "device" / "enrolment.json").write_text(json.dumps(doc))
        result = office_check(data_dir)
    finally:
        other.stop()
    assert result.status == PASS and "HQ did not answer about it now" in result.detail.en


def test_a_configured_camera_that_is_not_there_fails(data_dir, tmp_path):
    setup_office(data_dir, tmp_path, "--device-number", "901")
    change_settings(data_dir, camera="7")  # no webcam number 7 on this machine
    result = run_selftest(data_dir, only=("camera",)).check("camera")
    assert result.status == FAIL and "Camera 7 was not found" in result.detail.en
    assert "لم يتم العثور على الكاميرا 7" in result.detail.ar
    code, out = selftest_cli(data_dir, "--only", "camera")
    assert code == 1 and "[FAIL] Camera: Camera 7 was not found" in out, out
    # This run's --camera is what is checked (not the setting, not the bundled sample).
    missing = tmp_path / "no-such-folder"
    out = subprocess.run([sys.executable, "-m", "fundclient", "--data-dir", str(data_dir), "--lang", "en",
                          "--camera", str(missing), "selftest", "--only", "camera"],
                         capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert out.returncode == 1 and f"File or folder not found: {missing}" in out.stdout, out.stdout
    change_settings(data_dir, camera=str(FACE))  # a folder of photos standing in for a camera
    result = run_selftest(data_dir, only=("camera",)).check("camera")
    assert result.status == PASS and f"camera '{FACE}' works" in result.detail.en


def test_require_hq_with_no_hq_configured_fails(data_dir):
    code, out = selftest_cli(data_dir, "--only", "hq", "--require-hq")
    assert code == 1 and "[FAIL]" in out and "no HQ address is configured" in out
    code, out = selftest_cli(data_dir, "--only", "hq")
    assert code == 0 and "[SKIP]" in out


def test_every_detail_is_arabic_in_arabic(data_dir, tmp_path):
    setup_office(data_dir, tmp_path, "--device-number", "901")
    change_settings(data_dir, camera=str(FACE))
    code, out = selftest_cli(data_dir, lang="ar")
    assert code == 0, out
    lines = [line for line in out.splitlines() if line.startswith("[")]
    assert len(lines) >= 9
    for line in lines:
        assert ARABIC.search(line.partition(":")[2]), line


@pytest.fixture
def data_dir(tmp_path):
    return tmp_path / "office"


def test_a_batch_hq_refused_as_revoked_fails_when_hq_cannot_be_asked(data_dir, tmp_path, hq_sqlite):
    """Offline today, but HQ refused this device's batch as revoked on the last sync: still FAIL."""
    import socket

    from fundclient.sync.outbox import Outbox

    setup_office(data_dir, tmp_path, "--device-number", "901")
    enrol_office(hq_sqlite, data_dir)
    outbox = Outbox(data_dir)
    batch = outbox.root / "pending" / "000001-00000000-0000-4000-8000-000000000001.fcb"
    batch.write_bytes(b"sealed")
    outbox.quarantine(batch, "revoked_device")
    with socket.socket() as sock:  # a port nobody listens on: HQ cannot be asked
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}"
    doc = json.loads((data_dir / "device" / "enrolment.json").read_text())
    doc["hq_url"] = dead
    (data_dir / "device" / "enrolment.json").write_text(json.dumps(doc))
    result = office_check(data_dir)
    assert result.status == FAIL and "HQ has revoked this device" in result.detail.en
