"""#17 item 5: the office's employees from the command line — the same storage functions as the
app's Employees dialog, the administrator's password required, every change audited.

Real `fundclient` processes on a real encrypted office."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from fundclient.storage import initialise, open_store
from fundclient.storage.errors import AccountDisabled

ADMIN_PW, CLERK_PW = "Sebha-admin-1", "Sebha-clerk-1"


def fc(data_dir: Path, *args: str, lang: str | None = "en") -> subprocess.CompletedProcess:
    language = ["--lang", lang] if lang else []
    return subprocess.run([sys.executable, "-m", "fundclient", "--data-dir", str(data_dir), *language, *args],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


@pytest.fixture
def office(tmp_path):
    data_dir = tmp_path / "office"
    initialise(data_dir, "SBH", "admin", ADMIN_PW, "المدير")
    files = {}
    for name, secret in (("admin", ADMIN_PW), ("clerk", CLERK_PW), ("short", "short"), ("wrong", "nope-nope-1")):
        files[name] = tmp_path / f"{name}.pw"
        files[name].write_text(secret + "\n", encoding="utf-8")
    return data_dir, files


def test_admin_adds_lists_resets_and_stops_an_employee(office):
    data_dir, pw = office
    admin = ["--user", "admin", "--password-file", str(pw["admin"])]
    done = fc(data_dir, "operators", "add", "salem", "--role", "clerk", "--full-name", "سالم المقريف",
              "--new-password-file", str(pw["clerk"]), *admin)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "Employee 'salem' added (clerk)."
    store, op = open_store(data_dir, "salem", CLERK_PW)  # the new clerk can sign in
    store.close()

    listed = fc(data_dir, "operators", "list", *admin, lang="ar")
    assert listed.returncode == 0, listed.stderr
    assert "salem\tسالم المقريف\tموظف تسجيل\tيدخل" in listed.stdout
    assert listed.stdout.strip().splitlines()[-1] == "2 موظفاً، منهم 2 يدخلون."

    taken = fc(data_dir, "operators", "add", "salem", "--role", "clerk", "--new-password-file", str(pw["clerk"]),
               *admin)
    assert taken.returncode == 2 and "belongs to another employee" in taken.stderr

    short = fc(data_dir, "operators", "reset-password", "salem", "--new-password-file", str(pw["short"]), *admin)
    assert short.returncode == 2 and "too short" in short.stderr
    reset = fc(data_dir, "operators", "reset-password", "salem", "--new-password-file", str(pw["admin"]), *admin)
    assert reset.returncode == 0 and "new password is set for 'salem'" in reset.stdout
    open_store(data_dir, "salem", ADMIN_PW)[0].close()

    nobody = fc(data_dir, "operators", "disable", "nobody", *admin)
    assert nobody.returncode == 2 and "No employee has the user name 'nobody'" in nobody.stderr
    yourself = fc(data_dir, "operators", "disable", "admin", *admin, lang="ar")
    assert yourself.returncode == 2 and "لا يمكنك إيقاف دخولك" in yourself.stderr
    assert "disable" not in yourself.stderr  # one language: no action code inside the Arabic
    done = fc(data_dir, "operators", "disable", "salem", *admin)
    assert done.returncode == 0 and "Access of 'salem' was stopped." in done.stdout
    with pytest.raises(AccountDisabled):
        open_store(data_dir, "salem", ADMIN_PW)

    store, _ = open_store(data_dir, "admin", ADMIN_PW)
    try:
        actions = [e.action for e in store.audit.entries()]
    finally:
        store.close()
    for action in ("operator_add", "operator_list", "password_reset", "operator_disable"):
        assert action in actions, actions


def test_only_an_administrator_with_the_password(office):
    data_dir, pw = office
    admin = ["--user", "admin", "--password-file", str(pw["admin"])]
    assert fc(data_dir, "operators", "add", "salem", "--role", "clerk", "--new-password-file", str(pw["clerk"]),
              *admin).returncode == 0
    wrong = fc(data_dir, "operators", "list", "--user", "admin", "--password-file", str(pw["wrong"]))
    assert wrong.returncode == 2 and "Wrong user name or password" in wrong.stderr
    clerk = fc(data_dir, "operators", "list", "--user", "salem", "--password-file", str(pw["clerk"]))
    assert clerk.returncode == 2 and "Only an administrator may do this." in clerk.stderr
    # No --lang: the office's language (one rule for every command, cli.output), Arabic only.
    office_language = fc(data_dir, "operators", "add", "ali", "--role", "admin", "--new-password-file",
                         str(pw["clerk"]), "--user", "salem", "--password-file", str(pw["clerk"]), lang=None)
    assert office_language.returncode == 2 and "لمدير المنظومة فقط" in office_language.stderr
    assert "Only an administrator" not in office_language.stderr
