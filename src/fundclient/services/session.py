"""A logged-in operator's working session: the open store plus what the app needs beside it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fundclient.config import Settings

if TYPE_CHECKING:  # the store (SQLAlchemy, SQLCipher) is imported at login, not with the app
    from fundclient.storage import Operator, Store

log = logging.getLogger(__name__)


@dataclass
class Session:
    data_dir: Path
    settings: Settings
    store: Store
    operator: Operator
    # Supervisor name -> expiry (monotonic) of an override confirmed with their password.
    override_grants: dict[str, float] = field(default_factory=dict)

    @property
    def username(self) -> str:
        return self.operator.username

    @property
    def role(self) -> str:
        return getattr(self.operator.role, "value", self.operator.role)

    def verify_password(self, password: str) -> bool:
        """The idle-lock check. Failures count towards the same lockout as the login screen
        (AuthError subclasses: WrongPassword, AccountLocked)."""
        self.store.keystore.unlock_keys(self.username, password)
        return True

    def close(self) -> None:
        self.store.close()


# What a login imports on top of this module: the storage stack and the housekeeping steps. The
# login window imports them on a worker thread while the person types (`preload`), so what
# Sign in waits for is the password's key derivation and opening the store (#11 item 5).
# Only what a login uses: the pages' own modules (cards, registration …) come with the main
# window, imported on a worker too (ui/main.py).
LOGIN_MODULES = ("fundclient.storage.store", "fundclient.services.reference",
                 "fundclient.sync.reference", "fundclient.services.sealing",
                 "fundclient.sync.outbox", "fundclient.sync.reasons",
                 "cryptography.hazmat.primitives.kdf.argon2",
                 # the device key's X25519 key checks OpenSSL's backend when it is opened
                 "cryptography.hazmat.backends.openssl.backend")


def preload() -> None:
    """Import what `login` needs (any thread; idempotent). A failing import is left for the
    login itself to report."""
    import importlib

    for name in LOGIN_MODULES:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - reported by login()
            log.debug("preloading %s failed", name)


def login(data_dir: Path, username: str, password: str, settings: Settings | None = None) -> Session:
    """Unlock the encrypted store for this operator (AuthError subclasses on failure) and bring
    the local DB up to date with what HQ answered while nobody was logged in."""
    # Imported here: the login window and the CLI's parser import this module, and these bring
    # the storage stack (start-up time, #11 item 5); a worker thread imports them at login.
    from fundclient.services.reference import install_office_reference  # lazy: start-up (see above)
    # lazy: start-up (see above)
    from fundclient.services.sealing import apply_hq_results, seal_pending, sign_upload_claims
    from fundclient.storage import open_store  # lazy: start-up (see above)

    data_dir = Path(data_dir)
    store, operator = open_store(data_dir, username, password)
    session = Session(data_dir, settings or Settings.load(data_dir), store, operator)
    # Housekeeping must never stop an operator from working: a failure is logged (type only,
    # no personal data) and retried at the next login.
    for step in (install_office_reference, apply_hq_results, seal_pending, sign_upload_claims):
        try:
            step(data_dir if step is install_office_reference else session)
        except Exception as exc:  # noqa: BLE001
            log.error("login step %s failed: %s", step.__name__, type(exc).__name__)
    return session
