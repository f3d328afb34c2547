"""Online enrolment names the office: HQ refuses a token of another office before using it.

Before, the office sent only the token and its key: HQ consumed the token and registered a
device, and only then did the office refuse the answer (its own office differs) — an unused
device left at HQ and a spent token. Now the office sends its office code; HQ answers 403
`wrong_office`, uses nothing, and the office says so in the user's language. Real HQ on
127.0.0.1, the office's `fundclient enrol` as its own process."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import requests
from sqlalchemy import func, select

from fundclient.config import Settings
from fundclient.hq.db import devices, enrol_tokens
from fundclient.hq.devices import create_token
from fundclient.encoding import b64e
from fundclient.sync.keys import generate_signing_private, signing_public_bytes
from sync_helpers import env_without_proxies


def fc(data_dir: Path, *args: str, lang: str = "en") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fundclient", "--data-dir", str(data_dir), "--lang", lang, *args],
                          capture_output=True, text=True, timeout=120, env=env_without_proxies())


def _office_dir(tmp_path: Path, name: str, code: str) -> Path:
    data_dir = tmp_path / name
    data_dir.mkdir()
    settings = Settings.load(data_dir)
    settings.office_code = code
    settings.save(data_dir)
    return data_dir


def _hq_state(hq) -> tuple[int, int]:
    """(devices registered, tokens used) at HQ."""
    with hq.ingestor.engine.connect() as conn:
        registered = conn.execute(select(func.count()).select_from(devices)).scalar()
        used = conn.execute(select(func.count()).select_from(enrol_tokens)
                            .where(enrol_tokens.c.used_at.is_not(None))).scalar()
    return registered, used


def test_a_token_of_another_office_is_refused_by_hq_and_stays_unused(hq_sqlite, tmp_path):
    token = create_token(hq_sqlite.ingestor.engine, "GHT", hq_sqlite.ingestor.keys.active_sign)
    sabha = _office_dir(tmp_path, "sbh", "SBH")

    done = fc(sabha, "enrol", "--server", hq_sqlite.url, "--token", token)
    assert done.returncode == 2, done.stdout + done.stderr
    assert "token is for an office other than 'SBH'" in done.stderr and "was not used" in done.stderr
    assert "Traceback" not in done.stderr
    arabic = fc(sabha, "enrol", "--server", hq_sqlite.url, "--token", token, lang="ar")
    assert arabic.returncode == 2 and "رمز التسجيل هذا لمكتب آخر" in arabic.stderr
    assert _hq_state(hq_sqlite) == (0, 0)  # no device left at HQ, the token not spent
    assert not (sabha / "device" / "enrolment.json").exists()

    # The same token still enrols a PC of its own office.
    ghat = _office_dir(tmp_path, "ght", "GHT")
    done = fc(ghat, "enrol", "--server", hq_sqlite.url, "--token", token)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _hq_state(hq_sqlite) == (1, 1)
    assert '"office_code": "GHT"' in (ghat / "device" / "enrolment.json").read_text(encoding="utf-8")


def test_the_office_code_field_is_typed_and_optional(hq_sqlite):
    url = f"{hq_sqlite.url}/api/v1/enrol"
    keys = hq_sqlite.ingestor.keys
    public = b64e(signing_public_bytes(generate_signing_private()))
    token = create_token(hq_sqlite.ingestor.engine, "SBH", keys.active_sign)
    for office in (["SBH"], {"$ne": ""}, 5, "sbh", "SBH' OR 1=1", "S", "SBHXX", ""):
        answer = requests.post(url, json={"token": token, "public_key": public, "office_code": office}, timeout=10)
        assert (answer.status_code, answer.json()) == (400, {"code": "malformed"}), office
    answer = requests.post(url, json={"token": token, "public_key": public, "office_code": "GHT"}, timeout=10)
    assert (answer.status_code, answer.json()) == (403, {"code": "wrong_office"})
    assert _hq_state(hq_sqlite) == (0, 0)
    # An office that does not send its code (older offices) enrols as before.
    answer = requests.post(url, json={"token": token, "public_key": public}, timeout=10)
    assert answer.status_code == 200 and answer.json()["office_code"] == "SBH"
    assert _hq_state(hq_sqlite) == (1, 1)
