"""Keystore and login: wrong password, lockout (persisted), disabled accounts, password
change, recovery key (format, typos, reset), key rotation."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from fundclient.domain.records import ArabicName, Beneficiary
from fundclient.storage import (AccountDisabled, AccountLocked, Role, WrongPassword, WrongRecoveryKey, initialise,
                                open_store, open_store_with_recovery, reset_password_with_recovery)
from fundclient.storage.errors import AlreadySetUp, DatabaseUnreadable, KeyFileDamaged, WeakPassword
from fundclient.storage.keycrypto import new_recovery_key, parse_recovery_key
from fundclient.storage.keystore import Keystore
from fundclient.storage.store import Store

PASSWORD = "admin-pass-1"


@pytest.fixture
def recovery(data_dir):
    return initialise(data_dir, "SBH", "admin", PASSWORD, "مدير")


def test_setup_once_and_login(data_dir, recovery):
    with pytest.raises(AlreadySetUp):
        initialise(data_dir, "SBH", "admin2", PASSWORD)
    store, operator = open_store(data_dir, "admin", PASSWORD)
    assert operator.role == Role.ADMIN and operator.full_name == "مدير"
    store.close()
    keystore = (data_dir / "keystore.json").read_text()
    assert PASSWORD not in keystore and "مدير" not in keystore


def test_weak_password_refused(tmp_path):
    with pytest.raises(WeakPassword):
        initialise(tmp_path / "d", "SBH", "admin", "short")


def test_wrong_password_and_unknown_user(data_dir, recovery):
    with pytest.raises(WrongPassword):
        open_store(data_dir, "admin", "not-the-password")
    with pytest.raises(WrongPassword):
        open_store(data_dir, "nobody", PASSWORD)


def test_lockout_after_five_failures_persists_and_expires(data_dir, recovery):
    for left in (4, 3, 2, 1):  # each wrong password says how many are left
        with pytest.raises(WrongPassword) as wrong:
            open_store(data_dir, "admin", "wrong-password")
        assert wrong.value.remaining == left
        assert f"{left} tr" in wrong.value.message.en
    assert "محاولة واحدة" in wrong.value.message.ar
    with pytest.raises(AccountLocked) as now:  # the fifth locks, and says so at once
        open_store(data_dir, "admin", "wrong-password")
    assert now.value.just_now and "اسم المستخدم" not in now.value.message.ar
    with pytest.raises(AccountLocked) as locked:
        open_store(data_dir, "admin", PASSWORD)  # even the right password, until the lock ends
    assert locked.value.until > datetime.now(timezone.utc) + timedelta(minutes=14)
    # Persisted in keystore.json: a new process (a fresh Keystore object) sees it too.
    assert Keystore(data_dir).operator_state("admin")["locked_until"]
    data = json.loads((data_dir / "keystore.json").read_text())
    data["operators"]["admin"]["locked_until"] = (datetime.now(timezone.utc) - timedelta(seconds=1)).isoformat()
    (data_dir / "keystore.json").write_text(json.dumps(data))
    store, _ = open_store(data_dir, "admin", PASSWORD)
    # Failed attempts reach the audit log at the next successful login.
    actions = [e.action for e in store.audit.entries()]
    assert actions.count("login_failed") == 5 and "locked" in actions
    store.close()


def test_operators_add_disable_enable_and_change_password(data_dir, recovery):
    store, _ = open_store(data_dir, "admin", PASSWORD)
    store.operators.add("clerk1", "clerk-pass-1", Role.CLERK, full_name="موظف", by="admin")
    clerk_store, clerk = open_store(data_dir, "clerk1", "clerk-pass-1")
    assert clerk.role == Role.CLERK
    clerk_store.operators.change_password("clerk1", "clerk-pass-1", "clerk-pass-2")
    clerk_store.close()
    with pytest.raises(WrongPassword):
        open_store(data_dir, "clerk1", "clerk-pass-1")
    open_store(data_dir, "clerk1", "clerk-pass-2")[0].close()
    store.operators.disable("clerk1", by="admin")
    with pytest.raises(AccountDisabled):
        open_store(data_dir, "clerk1", "clerk-pass-2")
    assert "private_wrapped" not in json.loads((data_dir / "keystore.json").read_text())["operators"]["clerk1"]
    store.operators.enable("clerk1", "clerk-pass-3", by="admin")
    open_store(data_dir, "clerk1", "clerk-pass-3")[0].close()
    store.close()


def test_recovery_key_format_and_typos():
    text, secret = new_recovery_key()
    groups = text.split("-")
    assert len(groups) == 9 and all(len(g) == 4 for g in groups)
    assert parse_recovery_key(text) == secret
    assert parse_recovery_key(text.lower().replace("-", " ")) == secret
    assert parse_recovery_key(text.replace("0", "O").replace("1", "I")) == secret
    wrong = ("1" if text[0] != "1" else "2") + text[1:]
    with pytest.raises(WrongRecoveryKey):
        parse_recovery_key(wrong)  # the check group catches a mistyped character
    with pytest.raises(WrongRecoveryKey):
        parse_recovery_key("ABCD")


def test_recovery_key_resets_lost_password(data_dir, recovery):
    with pytest.raises(WrongRecoveryKey):
        reset_password_with_recovery(data_dir, new_recovery_key()[0], "admin", "new-pass-123")
    reset_password_with_recovery(data_dir, recovery, "admin", "new-pass-123")
    with pytest.raises(WrongPassword):
        open_store(data_dir, "admin", PASSWORD)
    store, _ = open_store(data_dir, "admin", "new-pass-123")
    assert "password_reset" in [e.action for e in store.audit.entries()]
    store.close()


def test_rekey_keeps_data_passwords_and_recovery(data_dir, recovery):
    store, _ = open_store(data_dir, "admin", PASSWORD)
    store.operators.add("clerk1", "clerk-pass-1", Role.CLERK, by="admin")
    b = store.beneficiaries.add(Beneficiary(national_number="119550123456", name=ArabicName("سالم")), by="admin")
    old_key = store.db_key
    store.rekey("admin")
    assert store.db_key != old_key
    assert store.beneficiaries.get(b.record_id).name.first == "سالم"
    store.close()
    with pytest.raises(DatabaseUnreadable):
        Store(data_dir, old_key)
    for user, password in (("admin", PASSWORD), ("clerk1", "clerk-pass-1")):
        s, _ = open_store(data_dir, user, password)
        assert s.audit.verify().ok
        s.close()
    open_store_with_recovery(data_dir, recovery).close()


def test_interrupted_rekey_falls_back_to_previous_key(data_dir, recovery):
    """Keystore already re-sealed to a new key, but PRAGMA rekey never ran (crash)."""
    keystore = Keystore(data_dir)
    before = keystore.load()
    rotated = keystore.reseal_for_new_key(b"\x01" * 32)
    rotated["previous"] = {"key_id": before["key_id"], "recovery": before["recovery"]["db_key"],
                           "operators": {"admin": before["operators"]["admin"]["db_key"]}}
    keystore.save(rotated)
    store, _ = open_store(data_dir, "admin", PASSWORD)
    store.close()
    assert "previous" not in keystore.load()
    open_store(data_dir, "admin", PASSWORD)[0].close()


def test_unknown_user_name_is_not_recorded(data_dir, recovery):
    with pytest.raises(WrongPassword):
        open_store(data_dir, "my-secret-password", PASSWORD)
    assert "my-secret-password" not in (data_dir / "keystore.json").read_text()
    store, _ = open_store(data_dir, "admin", PASSWORD)
    assert [e.operator for e in store.audit.entries() if e.action == "login_failed"] == ["(unknown user)"]
    store.close()


OLD_OFFICE = Path(__file__).resolve().parents[1] / "data" / "office-scrypt-kek"
OLD_PASSWORD = "correct horse battery"  # tests/data/office-scrypt-kek: admin, and clerk1 / clerk-pass-1


def _entries(data_dir) -> dict:
    return json.loads((data_dir / "keystore.json").read_text())["operators"]


def test_argon2id_at_owasp_parameters(data_dir, recovery):
    """#11 item 5: new wraps use Argon2id at OWASP's first choice (m=19 MiB, t=2, p=1), not
    scrypt (docs/decisions/argon2id-password-kek.md)."""
    import fundclient.storage.keycrypto as kc

    entry = _entries(data_dir)["admin"]
    assert "scrypt" not in entry
    assert entry["kdf"]["name"] == "argon2id"
    assert entry["kdf"]["m_kib"] >= 19 * 1024 and entry["kdf"]["t"] >= 2 and entry["kdf"]["p"] >= 1
    assert not kc.kdf_outdated(entry)
    store, _ = open_store(data_dir, "admin", PASSWORD)
    store.close()
    assert _entries(data_dir)["admin"]["salt"] == entry["salt"]  # not re-wrapped at every login


def test_office_from_before_argon2id_opens_and_each_operator_is_rewrapped_at_next_login(tmp_path):
    """A real office written by the scrypt version (tests/data/office-scrypt-kek: its
    keystore, DB and device key as that version left them) opens with the same passwords;
    each operator's entry is re-wrapped with Argon2id at their own next successful login
    (same key pair, same sealed DB key), a wrong password upgrades nothing."""
    data_dir = tmp_path / "office"
    shutil.copytree(OLD_OFFICE, data_dir)
    before = _entries(data_dir)
    assert before["admin"]["scrypt"] == {"n": 2**17, "r": 8, "p": 1} and "kdf" not in before["admin"]

    with pytest.raises(WrongPassword):
        open_store(data_dir, "admin", "not-the-password")
    assert _entries(data_dir)["admin"]["scrypt"] == before["admin"]["scrypt"]

    store, operator = open_store(data_dir, "admin", OLD_PASSWORD)
    assert operator.role == Role.ADMIN
    assert {o.username for o in store.operators.list()} >= {"admin", "clerk1"}
    store.close()
    after = _entries(data_dir)
    assert "scrypt" not in after["admin"] and after["admin"]["kdf"]["name"] == "argon2id"
    assert after["admin"]["salt"] != before["admin"]["salt"]
    assert after["admin"]["private_wrapped"] != before["admin"]["private_wrapped"]
    assert after["admin"]["public"] == before["admin"]["public"]
    assert after["admin"]["db_key"] == before["admin"]["db_key"]
    assert after["clerk1"] == before["clerk1"]  # not signed in yet: still scrypt

    store, _ = open_store(data_dir, "clerk1", "clerk-pass-1")
    store.close()
    assert _entries(data_dir)["clerk1"]["kdf"]["name"] == "argon2id"
    store, _ = open_store(data_dir, "admin", OLD_PASSWORD)  # the upgraded entry opens the same DB
    store.close()
    assert _entries(data_dir)["admin"]["salt"] == after["admin"]["salt"]


def test_weaker_argon2id_entries_upgraded_at_next_login(data_dir, monkeypatch):
    import fundclient.storage.keycrypto as kc

    with monkeypatch.context() as old_version:
        old_version.setattr(kc, "ARGON2ID_DEFAULT", {"name": "argon2id", "m_kib": 8 * 1024, "t": 1, "p": 1})
        initialise(data_dir, "SBH", "admin", PASSWORD)
    assert _entries(data_dir)["admin"]["kdf"]["m_kib"] == 8 * 1024
    store, _ = open_store(data_dir, "admin", PASSWORD)
    store.close()
    assert _entries(data_dir)["admin"]["kdf"] == kc.ARGON2ID_DEFAULT


@pytest.mark.parametrize("kdf", [{"name": "argon2id", "m_kib": 2**40, "t": 2, "p": 1},
                                 {"name": "argon2id", "m_kib": 19456, "t": 10**9, "p": 1},
                                 {"name": "argon2id", "m_kib": "many", "t": 2, "p": 1},
                                 {"name": "md5"}, {}])
def test_hostile_kdf_parameters_are_a_wrong_password_not_a_hang(data_dir, recovery, kdf):
    path = data_dir / "keystore.json"
    data = json.loads(path.read_text())
    data["operators"]["admin"]["kdf"] = kdf
    path.write_text(json.dumps(data))
    with pytest.raises(WrongPassword):
        open_store(data_dir, "admin", PASSWORD)


@pytest.mark.parametrize("salt", ["not base64 at all!", None, 12])
def test_a_damaged_salt_says_the_key_file_is_damaged(data_dir, recovery, salt):
    """A hand-edited or torn keystore.json: a typed error naming the file, not a crash and not
    a «wrong password» that would lock out someone who typed the right one."""
    path = data_dir / "keystore.json"
    data = json.loads(path.read_text())
    data["operators"]["admin"]["salt"] = salt
    path.write_text(json.dumps(data))
    with pytest.raises(KeyFileDamaged) as caught:
        open_store(data_dir, "admin", PASSWORD)
    assert str(path) in caught.value.message.in_language("ar")
    assert json.loads(path.read_text())["operators"]["admin"].get("failures", 0) == 0  # not counted as a wrong password
