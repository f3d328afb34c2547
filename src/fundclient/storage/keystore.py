"""keystore.json: the DB key, sealed to each operator and to the recovery key, plus lockouts.

The file is read before the database can be opened, so it also carries what the login
screen must know without the DB: failed-login counters, lock times and disabled accounts,
and login events waiting to be written to the audit log at the next successful login.
It holds no personal data and no usable secret without a password or the recovery key.
"""

from __future__ import annotations

import os
import secrets
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

from fundclient.encoding import b64d, b64e
from fundclient.storage import keycrypto as kc
from fundclient.storage.errors import (AccountDisabled, AccountLocked, KeyFileDamaged, NotSetUp, WeakPassword,
                                       WrongPassword, WrongRecoveryKey)
from fundclient.storage.files import KEYSTORE_FILE, read_json, write_json_atomic

MAX_FAILURES = 5
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 8
_lock = threading.RLock()  # one keystore writer at a time inside the app process


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(MIN_PASSWORD_LENGTH)


def _seal_key(public: bytes, db_key: bytes, key_id: str, holder: str) -> dict:
    return kc.seal(public, db_key, f"{key_id}|{holder}".encode())


class Keystore:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / KEYSTORE_FILE

    def exists(self) -> bool:
        return self.path.exists()

    def load(self) -> dict:
        data = read_json(self.path)
        if data is None:
            raise NotSetUp()
        return data

    def save(self, data: dict) -> None:
        write_json_atomic(self.path, data)

    # --- creation --------------------------------------------------------------------

    def create(self, office_code: str, db_key: bytes, admin: str, password: str) -> str:
        """Write a fresh keystore; returns the recovery key text (shown once, never stored)."""
        check_password_strength(password)
        key_id = secrets.token_hex(8)
        recovery_text, secret = kc.new_recovery_key()
        recovery_public = kc.public_of(kc.recovery_private_key(secret))
        data = {"version": 1, "office_code": office_code, "key_id": key_id, "operators": {},
                "recovery": {"public": b64e(recovery_public),
                             "db_key": _seal_key(recovery_public, db_key, key_id, "recovery")},
                "pending_events": [], "created_at": _now().isoformat()}
        data["operators"][admin] = self._operator_entry(admin, password, db_key, key_id)
        with _lock:
            self.save(data)
        return recovery_text

    @staticmethod
    def _operator_entry(username: str, password: str, db_key: bytes, key_id: str) -> dict:
        private, public = kc.new_keypair()
        return {**Keystore._wrap(username, password, private), "public": b64e(public),
                "db_key": _seal_key(public, db_key, key_id, username),
                "failures": 0, "locked_until": None, "disabled": False}

    @staticmethod
    def _wrap(username: str, password: str, private: bytes) -> dict:
        """The operator's private key wrapped by a KEK from the password (Argon2id, today's
        parameters)."""
        salt = os.urandom(16)
        kek = kc.password_kek(password, salt, kc.ARGON2ID_DEFAULT)
        return {"salt": b64e(salt), "kdf": dict(kc.ARGON2ID_DEFAULT),
                "private_wrapped": kc.aead_encrypt(kek, private, f"op|{username}".encode())}

    # --- login -----------------------------------------------------------------------

    def unlock(self, username: str, password: str) -> bytes:
        return self.unlock_keys(username, password)[0]

    def unlock_keys(self, username: str, password: str) -> list[bytes]:
        """[DB key] (+ the previous key while a rotation is unfinished), or WrongPassword /
        AccountLocked / AccountDisabled. Counts failures and locks after MAX_FAILURES."""
        with _lock:
            data = self.load()
            entry = data["operators"].get(username)
            if entry is None:
                # Not the typed text: people type their password into the user-name box.
                self._note_event(data, "login_failed", "(unknown user)")
                self.save(data)
                raise WrongPassword()
            if entry.get("disabled"):
                raise AccountDisabled()
            locked_until = entry.get("locked_until")
            if locked_until and datetime.fromisoformat(locked_until) > _now():
                raise AccountLocked(datetime.fromisoformat(locked_until))
            try:
                keys, private = self._unlock_entry(data, username, entry, password, self.path)
            except kc.Undecryptable:
                entry["failures"] = int(entry.get("failures", 0)) + 1
                self._note_event(data, "login_failed", username)
                if entry["failures"] >= MAX_FAILURES:
                    entry["failures"] = 0
                    until = _now() + timedelta(minutes=LOCK_MINUTES)
                    entry["locked_until"] = until.isoformat()
                    self._note_event(data, "locked", username)
                    self.save(data)
                    raise AccountLocked(until, just_now=True) from None  # say so at once
                self.save(data)
                raise WrongPassword(MAX_FAILURES - entry["failures"], LOCK_MINUTES) from None
            changed = bool(entry.get("failures") or entry.get("locked_until"))
            entry["failures"], entry["locked_until"] = 0, None
            if kc.kdf_outdated(entry):  # scrypt, or weaker parameters: re-wrapped with today's
                entry.pop("scrypt", None)
                entry.update(self._wrap(username, password, private))
                changed = True
            if changed:
                self.save(data)
            return keys

    @staticmethod
    def _unlock_entry(data: dict, username: str, entry: dict, password: str, path: Path) -> tuple[list[bytes], bytes]:
        try:
            salt = b64d(entry["salt"])
        except (KeyError, TypeError, ValueError) as exc:  # a damaged or hand-edited keystore.json
            raise KeyFileDamaged(str(path)) from exc
        kek = kc.password_kek(password, salt, kc.kdf_params(entry))
        private = kc.aead_decrypt(kek, entry["private_wrapped"], f"op|{username}".encode())
        keys = [kc.unseal(private, entry["db_key"], f"{data['key_id']}|{username}".encode())]
        previous = data.get("previous", {})
        if username in previous.get("operators", {}):
            keys.append(kc.unseal(private, previous["operators"][username],
                                  f"{previous['key_id']}|{username}".encode()))
        return keys, private

    def abandon_rotation(self) -> None:
        """The DB still uses the previous key: put its sealed copies back."""
        with _lock:
            data = self.load()
            previous = data.pop("previous", None)
            if previous:
                data["key_id"] = previous["key_id"]
                data["recovery"]["db_key"] = previous["recovery"]
                for username, sealed in previous["operators"].items():
                    data["operators"][username]["db_key"] = sealed
                self.save(data)

    def unlock_with_recovery(self, recovery_text: str) -> bytes:
        secret = kc.parse_recovery_key(recovery_text)
        data = self.load()
        try:
            return kc.unseal(kc.recovery_private_key(secret), data["recovery"]["db_key"],
                             f"{data['key_id']}|recovery".encode())
        except kc.Undecryptable:
            cleaned = "".join(ch for ch in recovery_text.upper() if ch.isalnum())
            raise WrongRecoveryKey("wrong_key", "-".join(cleaned[i:i + 4] for i in range(0, 36, 4))) from None

    # --- changes that need the DB key (the caller is logged in or used the recovery key) ---

    def set_password(self, username: str, password: str, db_key: bytes) -> None:
        """New keypair + wrap for `username` (add, password change, reset, re-enable)."""
        check_password_strength(password)
        with _lock:
            data = self.load()
            data["operators"][username] = self._operator_entry(username, password, db_key, data["key_id"])
            self.save(data)

    def disable(self, username: str) -> None:
        """Remove the operator's wrap entirely: a disabled account cannot derive the key."""
        with _lock:
            data = self.load()
            data["operators"][username] = {"disabled": True}
            self.save(data)

    def reseal_for_new_key(self, new_key: bytes) -> dict:
        """Keystore content for a rotated DB key: same operators, same recovery key."""
        data = self.load()
        new_id = secrets.token_hex(8)
        for username, entry in data["operators"].items():
            if not entry.get("disabled"):
                entry["db_key"] = _seal_key(b64d(entry["public"]), new_key, new_id, username)
        recovery = data["recovery"]
        recovery["db_key"] = _seal_key(b64d(recovery["public"]), new_key, new_id, "recovery")
        data["key_id"] = new_id
        return data

    # --- events the audit log could not receive while the DB was closed ---------------

    @staticmethod
    def _note_event(data: dict, action: str, username: str) -> None:
        events = data.setdefault("pending_events", [])
        events.append({"action": action, "operator": username[:64], "at": _now().isoformat()})
        del events[:-200]  # bounded: a script hammering the login screen cannot grow the file

    def note_event(self, action: str, username: str) -> None:
        with _lock:
            data = self.load()
            self._note_event(data, action, username)
            self.save(data)

    def take_events(self) -> list[dict]:
        with _lock:
            data = self.load()
            events = data.get("pending_events", [])
            if events:
                data["pending_events"] = []
                self.save(data)
            return events

    def office_code(self) -> str:
        return self.load().get("office_code", "")

    def operator_state(self, username: str) -> dict:
        entry = self.load()["operators"].get(username, {})
        return {"disabled": bool(entry.get("disabled")), "failures": entry.get("failures", 0),
                "locked_until": entry.get("locked_until")}
