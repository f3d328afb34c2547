"""#17 item 7: `reset-password` checks the recovery key before the new password is typed, says
whether it is a typo (the check group) or the wrong key, and shows the key as typed.

Real `fundclient` processes on a real encrypted office; the key typed at the prompt (stdin)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fundclient.storage import initialise, open_store
from fundclient.storage.keycrypto import new_recovery_key


def fc(data_dir: Path, *args: str, typed: str = "", lang: str = "en") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fundclient", "--data-dir", str(data_dir), "--lang", lang, *args],
                          input=typed, capture_output=True, text=True, timeout=120)


@pytest.fixture
def office(tmp_path):
    data_dir = tmp_path / "office"
    recovery = initialise(data_dir, "SBH", "admin", "Sebha-admin-1", "المدير")
    new_pw = tmp_path / "new.pw"
    new_pw.write_text("Sebha-new-pw-2\n", encoding="utf-8")
    return data_dir, recovery, new_pw


def test_a_typo_is_said_before_the_new_password_and_the_key_is_shown(office):
    data_dir, recovery, new_pw = office
    typo = ("1" if recovery[5] != "1" else "2").join((recovery[:5], recovery[6:]))  # one character in group 2
    done = fc(data_dir, "reset-password", "--user", "admin", typed=typo + "\n")
    assert done.returncode == 2
    assert "typing mistake" in done.stderr and "check group" in done.stderr
    assert typo in done.stderr  # the key as read, to compare with the paper
    assert "New password" not in done.stdout + done.stderr  # asked nothing more
    arabic = fc(data_dir, "reset-password", "--user", "admin", typed=typo + "\n", lang="ar")
    assert "خطأ كتابة" in arabic.stderr and "مجموعة التحقق" in arabic.stderr

    short = fc(data_dir, "reset-password", "--user", "admin", typed=recovery[:-5] + "\n")
    assert short.returncode == 2 and "has 32 letters and digits; a key has 36" in short.stderr


def test_another_offices_key_is_the_wrong_key_not_a_typo(office):
    data_dir, _, _ = office
    other = new_recovery_key()[0]
    done = fc(data_dir, "reset-password", "--user", "admin", typed=other + "\n")
    assert done.returncode == 2 and "not this office's key" in done.stderr and other in done.stderr
    assert "typing mistake" not in done.stderr


def test_the_right_key_is_confirmed_then_the_password_is_set(office):
    data_dir, recovery, new_pw = office
    done = fc(data_dir, "reset-password", "--user", "admin", "--password-file", str(new_pw),
              typed=recovery.lower().replace("-", " ") + "\n")
    assert done.returncode == 0, done.stderr
    assert "The recovery key is right." in done.stderr
    assert done.stdout.strip().endswith("The new password of 'admin' is set.")
    open_store(data_dir, "admin", "Sebha-new-pw-2")[0].close()
