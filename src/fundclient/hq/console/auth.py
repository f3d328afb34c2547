"""Staff accounts, passwords, lockout, TOTP and sessions for the HQ console.

Passwords: Argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane). Sessions: a random
token in an HttpOnly, SameSite=Strict cookie (Secure unless HQ is reached on loopback);
HQ stores only its SHA-256, with the session's CSRF token. Idle sessions end after
IDLE_MINUTES, every session after MAX_HOURS.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Engine

from fundclient.errors import Message, SyncError
from fundclient.hq.console import audit
from fundclient.hq.console.models import staff, staff_sessions

ROLES = ("viewer", "reviewer", "admin")
RANK = {r: i for i, r in enumerate(ROLES)}
MAX_FAILURES = 5
LOCK_MINUTES = 15
IDLE_MINUTES = 30
MAX_HOURS = 12
MIN_PASSWORD = 10

HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
_DUMMY = HASHER.hash("timing-equaliser-for-unknown-users")

BAD_ROLE = Message("Unknown role (viewer, reviewer or admin).")
BAD_NAME = Message("User name: Latin letters, digits, . _ - only, up to 64 characters.")
SHORT_PASSWORD = Message("The password is too short: at least {MIN_PASSWORD} characters.").format(MIN_PASSWORD=MIN_PASSWORD)
LOGIN_FAILED = Message("Wrong user name, password or verification code.")
WRONG_CURRENT = Message("The current password is wrong.")
NEW_DIFFERS = Message("The two new passwords differ.")
SAME_PASSWORD = Message("The new password is the same as the current one.")
LOCKED = Message("The account is locked for a while after repeated wrong attempts. Try again in 15 minutes.")


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:  # SQLite returns naive datetimes
        return value.replace(tzinfo=timezone.utc)
    return value


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def valid_username(name: str) -> bool:
    return 0 < len(name) <= 64 and all(c.isascii() and (c.isalnum() or c in "._-") for c in name)


def add_user(engine: Engine, username: str, role: str, password: str, *, totp: bool = False,
             actor: str = "cli") -> str | None:
    """Create or reset a staff account; returns the TOTP secret when one was made."""
    if role not in ROLES:
        raise SyncError(BAD_ROLE, code="bad_role")
    if not valid_username(username):
        raise SyncError(BAD_NAME, code="bad_username")
    if len(password) < MIN_PASSWORD:
        raise SyncError(SHORT_PASSWORD, code="short_password")
    import pyotp  # lazy: start-up (pyotp)
    secret = pyotp.random_base32() if totp else None
    values = dict(role=role, password_hash=HASHER.hash(password), totp_secret=secret, failed=0, locked_until=None,
                  disabled=False)
    with engine.begin() as conn:
        exists = conn.execute(select(staff.c.username).where(staff.c.username == username)).first()
        if exists:
            conn.execute(update(staff).where(staff.c.username == username).values(**values))
            conn.execute(delete(staff_sessions).where(staff_sessions.c.username == username))
        else:
            conn.execute(insert(staff).values(username=username, created_at=_now(), **values))
        audit.record(conn, actor, "user_reset" if exists else "user_added", username, role=role, totp=bool(secret))
    return secret


@dataclass(frozen=True)
class StaffSession:
    username: str
    role: str
    csrf: str

    def may(self, role: str) -> bool:
        return RANK[self.role] >= RANK[role]


def login(engine: Engine, username: str, password: str, code: str = "") -> str:
    """Returns a new session token, or raises SyncError (same message for every wrong input,
    a distinct one for a locked account). Failures are committed before the error is raised."""
    refusal: Message | None = None
    with engine.begin() as conn:
        row = conn.execute(select(staff).where(staff.c.username == username[:64]).with_for_update()).first()
        locked = _aware(row.locked_until) if row is not None else None
        if row is None or row.disabled:
            try:
                HASHER.verify(_DUMMY, password + "x")  # same cost as a real check
            except VerificationError:
                pass
            audit.record(conn, username[:64] or "?", "login_failed", "", why="unknown_user")
            refusal = LOGIN_FAILED
        elif locked is not None and locked > _now():
            audit.record(conn, row.username, "login_refused_locked")
            refusal = LOCKED
        else:
            try:
                ok = HASHER.verify(row.password_hash, password)
            except (VerificationError, InvalidHashError):
                ok = False
            if ok and row.totp_secret:
                import pyotp  # lazy: start-up (pyotp)
                ok = pyotp.TOTP(row.totp_secret).verify(code.strip(), valid_window=1)
            if not ok:
                failed = row.failed + 1
                lock = _now() + timedelta(minutes=LOCK_MINUTES) if failed >= MAX_FAILURES else None
                conn.execute(update(staff).where(staff.c.username == row.username)
                             .values(failed=0 if lock else failed, locked_until=lock))
                audit.record(conn, row.username, "login_failed", "", locked=bool(lock))
                refusal = LOCKED if lock else LOGIN_FAILED
            else:
                if HASHER.check_needs_rehash(row.password_hash):
                    conn.execute(update(staff).where(staff.c.username == row.username)
                                 .values(password_hash=HASHER.hash(password)))
                conn.execute(update(staff).where(staff.c.username == row.username)
                             .values(failed=0, locked_until=None))
                token = secrets.token_urlsafe(32)
                conn.execute(insert(staff_sessions).values(token_hash=_sha(token), username=row.username,
                                                           csrf=secrets.token_urlsafe(32), created_at=_now(),
                                                           seen_at=_now()))
                audit.record(conn, row.username, "login")
    if refusal is not None:
        raise SyncError(refusal, code="locked" if refusal is LOCKED else "login_failed")
    return token


def session_for(engine: Engine, token: str | None) -> StaffSession | None:
    if not token or len(token) > 200:
        return None
    now = _now()
    with engine.begin() as conn:
        row = conn.execute(select(staff_sessions, staff.c.role, staff.c.disabled)
                           .join(staff, staff.c.username == staff_sessions.c.username)
                           .where(staff_sessions.c.token_hash == _sha(token))).first()
        if row is None:
            return None
        if row.disabled or _aware(row.seen_at) < now - timedelta(minutes=IDLE_MINUTES) \
                or _aware(row.created_at) < now - timedelta(hours=MAX_HOURS):
            conn.execute(delete(staff_sessions).where(staff_sessions.c.token_hash == row.token_hash))
            return None
        if _aware(row.seen_at) < now - timedelta(minutes=1):  # one write a minute at most
            conn.execute(update(staff_sessions).where(staff_sessions.c.token_hash == row.token_hash)
                         .values(seen_at=now))
    return StaffSession(row.username, row.role, row.csrf)


def change_password(engine: Engine, session: StaffSession, token: str, current: str, new: str, again: str) -> None:
    """A staff member changes their own password. The current password is checked first and a
    wrong one counts towards the lockout like a wrong sign-in; the rule is checked before
    anything changes; every other session of the account ends."""
    refusal: Message | None = None
    with engine.begin() as conn:
        row = conn.execute(select(staff).where(staff.c.username == session.username).with_for_update()).first()
        try:
            ok = row is not None and HASHER.verify(row.password_hash, current)
        except (VerificationError, InvalidHashError):
            ok = False
        if not ok:
            failed = (row.failed if row is not None else 0) + 1
            lock = _now() + timedelta(minutes=LOCK_MINUTES) if failed >= MAX_FAILURES else None
            conn.execute(update(staff).where(staff.c.username == session.username)
                         .values(failed=0 if lock else failed, locked_until=lock))
            if lock:  # locked: this session ends too
                conn.execute(delete(staff_sessions).where(staff_sessions.c.username == session.username))
            audit.record(conn, session.username, "password_change_failed", session.username, locked=bool(lock))
            refusal = LOCKED if lock else WRONG_CURRENT
        elif len(new) < MIN_PASSWORD:
            refusal = SHORT_PASSWORD
        elif new != again:
            refusal = NEW_DIFFERS
        elif new == current:
            refusal = SAME_PASSWORD
        else:
            conn.execute(update(staff).where(staff.c.username == session.username)
                         .values(password_hash=HASHER.hash(new), failed=0, locked_until=None))
            conn.execute(delete(staff_sessions).where(staff_sessions.c.username == session.username,
                                                      staff_sessions.c.token_hash != _sha(token)))
            audit.record(conn, session.username, "password_changed", session.username)
    if refusal is not None:
        raise SyncError(refusal, code="password_change_refused")


def logout(engine: Engine, token: str | None, username: str) -> None:
    with engine.begin() as conn:
        if token:
            conn.execute(delete(staff_sessions).where(staff_sessions.c.token_hash == _sha(token)))
        audit.record(conn, username, "logout")


def csrf_ok(session: StaffSession, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(session.csrf, sent)
