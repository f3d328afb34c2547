"""Keystore and login: wrong password, lockout (persisted), disabled accounts, password
change, recovery key (format, typos, reset), key rotation."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from fundclient.domain.records import ArabicName, Beneficiary
from fundclient.storage import (AccountDisabled, AccountLocked, Role, WrongPassword, WrongRecoveryKey, initialise,
                                open_store, open_store_with_recovery, reset_password_with_recovery)
from fundclient.storage.errors import AlreadySetUp, DatabaseUnreadable, WeakPassword
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


def test_scrypt_at_owasp_parameters_and_older_entries_upgraded_at_next_login(data_dir, monkeypatch):
    """#12 item 9: new wraps use N=2^17, r=8, p=1; an operator wrapped by 0.1.0 (N=2^15) is
    re-wrapped at their next successful login, transparently (same password, same data)."""
    import fundclient.storage.keycrypto as kc

    assert kc.SCRYPT_DEFAULT["n"] >= 2**17 and kc.SCRYPT_DEFAULT["r"] >= 8 and kc.SCRYPT_DEFAULT["p"] >= 1
    with monkeypatch.context() as old_version:
        old_version.setattr(kc, "SCRYPT_DEFAULT", {"n": 2**15, "r": 8, "p": 1})  # what 0.1.0 wrote
        initialise(data_dir, "SBH", "admin", PASSWORD)
    entry = lambda: json.loads((data_dir / "keystore.json").read_text())["operators"]["admin"]  # noqa: E731
    before = entry()
    assert before["scrypt"]["n"] == 2**15

    with pytest.raises(WrongPassword):
        open_store(data_dir, "admin", "not-the-password")
    assert entry()["scrypt"] == before["scrypt"]  # a wrong password upgrades nothing

    store, _ = open_store(data_dir, "admin", PASSWORD)
    store.close()
    after = entry()
    assert after["scrypt"] == {"n": 2**17, "r": 8, "p": 1}
    assert after["salt"] != before["salt"] and after["private_wrapped"] != before["private_wrapped"]
    assert after["public"] == before["public"] and after["db_key"] == before["db_key"]  # same key pair
    store, _ = open_store(data_dir, "admin", PASSWORD)  # the upgraded entry opens the same DB
    store.close()
    assert entry()["salt"] == after["salt"]  # not re-wrapped at every login
