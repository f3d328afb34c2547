"""`fundclient selftest`: every check runs for real (temp encrypted DB, OpenCV on the bundled
photo, HPKE/Ed25519, fonts) and the HQ check talks to a real HTTP server on 127.0.0.1.

The whole run (which creates a Qt application when PySide6 is present) goes through a
subprocess, so this test process never owns a QGuiApplication that would clash with
pytest-qt's QApplication in the full suite. Works with and without PySide6 installed.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from fundclient.config import Settings
from fundclient.selftest import CHECK_KEYS, FAIL, PASS, SKIP, WARN, qt_available, run_selftest
from fundclient.cli.selftest import format_table
from fundclient.sync.ack import sign_probe
from fundclient.sync.device import save_enrolment
from fundclient.encoding import b64e
from fundclient.sync.keys import generate_signing_private, key_id, signing_public_bytes

NON_QT = ("data_dir", "database", "migrations", "camera", "face_detector", "crypto", "card_qr")


def run_cli(data_dir, *extra, lang=None):
    language = ["--lang", lang] if lang else []
    return subprocess.run([sys.executable, "-m", "fundclient", "--data-dir", str(data_dir), *language, "selftest",
                           *extra],
                          capture_output=True, text=True, encoding="utf-8", timeout=300)


def test_cli_json_passes_on_a_healthy_install(data_dir):
    out = run_cli(data_dir, "--json")
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    statuses = {c["key"]: c["status"] for c in report["checks"]}
    assert list(statuses) == list(CHECK_KEYS)
    assert all(statuses[key] == PASS for key in NON_QT + ("fonts",))
    # Without PySide6 (the core venv) there is no GUI to translate; with it the .qm must load.
    assert statuses["translations"] == (PASS if qt_available() else SKIP)
    assert statuses["hq"] == SKIP  # nothing configured: not an error
    assert report["ok"] is True and report["frozen"] is False


def test_require_qt_fails_exactly_when_qt_is_missing(data_dir):
    out = run_cli(data_dir, "--json", "--only", "fonts", "translations", "--require-qt")
    report = json.loads(out.stdout)
    expected = PASS if qt_available() else FAIL
    assert [c["status"] for c in report["checks"]] == [expected, expected]
    assert out.returncode == (0 if qt_available() else 1)


def test_a_broken_data_dir_fails_with_exit_code_1(tmp_path):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the data folder should be")
    out = run_cli(blocked, "--only", "data_dir", "crypto", lang="en")
    assert out.returncode == 1
    assert "[FAIL] Data folder" in out.stdout
    assert "[PASS] Encryption and signatures" in out.stdout
    assert "at least one required check failed" in out.stdout


def test_table_shows_both_languages_when_none_is_chosen(data_dir):
    report = run_selftest(data_dir, only=("crypto",))
    both = format_table(report)
    assert "ناجح / PASS" in both and "التشفير والتوقيع / Encryption and signatures" in both
    arabic = format_table(report, "ar")
    assert "[ناجح] التشفير والتوقيع" in arabic and "PASS" not in arabic


def test_unknown_check_is_refused(data_dir):
    with pytest.raises(ValueError):
        run_selftest(data_dir, only=("warp_drive",))


def test_checks_in_process_without_qt(data_dir):
    report = run_selftest(data_dir, only=NON_QT)
    assert [c.status for c in report.checks] == [PASS] * len(NON_QT), [c.detail.en for c in report.checks]
    assert "head" in report.check("migrations").detail.en
    assert all(c.seconds >= 0 for c in report.checks)


# --- HQ reachability -------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ProbeServer:
    """A stand-in HQ answering GET /api/v1/probe?nonce=N signed with `signing_private`."""

    def __init__(self, signing_private: bytes) -> None:
        private = signing_private

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server API
                url = urlparse(self.path)
                if url.path != "/api/v1/probe":
                    self.send_error(404)  # any HTTP answer shows a server is there
                    return
                nonce = parse_qs(url.query)["nonce"][0]
                body = json.dumps(sign_probe(nonce, datetime.now(timezone.utc).isoformat(), private)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def enrol_against(data_dir, url: str, hq_signing_private: bytes) -> None:
    public = signing_public_bytes(hq_signing_private)
    save_enrolment_dir = data_dir / "device"
    save_enrolment_dir.mkdir(parents=True, exist_ok=True)
    save_enrolment(data_dir, {"device_id": "dev-1", "device_number": 1, "office_code": "SBH", "hq_url": url,
                              "hq_encryption_keys": {}, "hq_active_key_id": "",
                              "hq_signing_keys": {key_id(public): b64e(public)}})


def test_hq_enrolled_and_answering_with_its_signature_passes(data_dir):
    hq_key = generate_signing_private()
    with ProbeServer(hq_key) as hq:
        enrol_against(data_dir, hq.url, hq_key)
        result = run_selftest(data_dir, only=("hq",), require_hq=True).check("hq")
    assert result.status == PASS, result.detail.en
    assert "HQ's signature" in result.detail.en


def test_hq_answering_with_another_signature_is_caught(data_dir):
    """A captive portal or a wrong server answers, but cannot sign as HQ."""
    with ProbeServer(generate_signing_private()) as impostor:
        enrol_against(data_dir, impostor.url, generate_signing_private())
        report = run_selftest(data_dir, only=("hq",), require_hq=True)
    assert report.check("hq").status == FAIL and not report.ok
    assert "did not answer with HQ's signature" in report.check("hq").detail.en


def test_configured_but_unreachable_hq_only_warns_unless_required(data_dir):
    settings = Settings()
    settings.hq_url = f"http://127.0.0.1:{free_port()}"
    settings.save(data_dir)
    relaxed = run_selftest(data_dir, only=("hq",), hq_timeout=3)
    assert relaxed.check("hq").status == WARN and relaxed.ok  # offline-first: the office still works
    strict = run_selftest(data_dir, only=("hq",), require_hq=True, hq_timeout=3)
    assert strict.check("hq").status == FAIL and not strict.ok


def test_configured_hq_before_enrolment_is_reachability_only(data_dir):
    with ProbeServer(generate_signing_private()) as hq:
        settings = Settings()
        settings.hq_url = hq.url + "/"
        settings.save(data_dir)
        result = run_selftest(data_dir, only=("hq",)).check("hq")
    assert result.status == PASS
    assert "not enrolled" in result.detail.en
