"""Operator accounts: profile and role in the DB, password (key wrap) in the keystore.

Roles: clerk (registers), supervisor (also status changes, overrides), admin (also
accounts, backups, restore). Adding or re-enabling an account needs a logged-in admin,
because the DB key is sealed to the new account with the admin's open store.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from fundclient.domain.records import utc_now
from fundclient.storage.errors import NoSuchOperator, NotPermitted, UsernameUnavailable
from fundclient.storage.keystore import check_password_strength

if TYPE_CHECKING:
    from fundclient.storage.store import Store


class Role(str, Enum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


@dataclass(frozen=True)
class Operator:
    username: str
    full_name: str
    role: Role
    active: bool
    created_at: str
    created_by: str


def valid_username(username: str) -> bool:
    return 0 < len(username) <= 64 and username.replace(".", "").replace("_", "").replace("-", "").isalnum()


class OperatorRepository:
    def __init__(self, store: "Store") -> None:
        self._store = store

    def _require_admin(self, by: str, action: str, username: str | None = None) -> None:
        """`by` must be an active administrator; `username`, when given, must be an employee."""
        if self.role_of(by) != Role.ADMIN.value:
            raise NotPermitted(action)
        if username is not None and self.get(username) is None:
            raise NoSuchOperator(username)

    def role_of(self, username: str) -> str | None:
        with self._store.read() as conn:
            row = conn.exec_driver_sql("SELECT role FROM operators WHERE username = ? AND active = 1",
                                       (username,)).fetchone()
        return row[0] if row else None

    def get(self, username: str) -> Operator | None:
        with self._store.read() as conn:
            row = conn.exec_driver_sql("SELECT username, full_name, role, active, created_at, created_by"
                                       " FROM operators WHERE username = ?", (username,)).fetchone()
        return Operator(row[0], row[1], Role(row[2]), bool(row[3]), row[4], row[5]) if row else None

    def list(self) -> list[Operator]:
        with self._store.read() as conn:
            rows = conn.exec_driver_sql("SELECT username, full_name, role, active, created_at, created_by"
                                        " FROM operators ORDER BY username").fetchall()
        return [Operator(r[0], r[1], Role(r[2]), bool(r[3]), r[4], r[5]) for r in rows]

    def add(self, username: str, password: str, role: Role | str, *, full_name: str = "", by: str) -> Operator:
        self._require_admin(by, "operator_add")
        if not valid_username(username):
            raise UsernameUnavailable(username)
        if self.get(username) is not None:
            raise UsernameUnavailable(username, taken=True)
        check_password_strength(password)
        role = Role(role)
        with self._store.write(by, "operator_add", role=role.value) as tx:
            tx.conn.exec_driver_sql(
                "INSERT INTO operators (username, full_name, role, active, created_at, created_by)"
                " VALUES (?, ?, ?, 1, ?, ?)", (username, full_name, role.value, utc_now().isoformat(), by))
            tx.detail["username"] = username if username.isascii() else "non-ascii"
            self._store.keystore.set_password(username, password, self._store.db_key)
        return self.get(username)

    def disable(self, username: str, *, by: str) -> None:
        self._require_admin(by, "operator_disable", username)
        if username == by:
            raise NotPermitted("operator_disable_self")
        with self._store.write(by, "operator_disable") as tx:
            tx.conn.exec_driver_sql("UPDATE operators SET active = 0 WHERE username = ?", (username,))
            self._store.keystore.disable(username)

    def enable(self, username: str, new_password: str, *, by: str) -> None:
        """Re-enable with a new password (the old wrap was destroyed when disabled)."""
        self._require_admin(by, "operator_enable", username)
        check_password_strength(new_password)
        with self._store.write(by, "operator_enable") as tx:
            tx.conn.exec_driver_sql("UPDATE operators SET active = 1 WHERE username = ?", (username,))
            self._store.keystore.set_password(username, new_password, self._store.db_key)

    def reset_password(self, username: str, new_password: str, *, by: str) -> None:
        """An admin sets a new password for someone who forgot theirs."""
        self._require_admin(by, "password_reset", username)
        check_password_strength(new_password)
        with self._store.write(by, "password_reset"):
            self._store.keystore.set_password(username, new_password, self._store.db_key)

    def change_password(self, username: str, old_password: str, new_password: str) -> None:
        """The operator changes their own password: the key is re-wrapped, nothing re-encrypted."""
        self._store.keystore.unlock_keys(username, old_password)  # counts toward the lockout
        check_password_strength(new_password)
        with self._store.write(username, "password_change"):
            self._store.keystore.set_password(username, new_password, self._store.db_key)
