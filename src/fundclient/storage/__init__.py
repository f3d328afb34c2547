"""Encrypted local storage: SQLCipher DB, keystore, repositories, audit chain, backups.

Public API (see docs/security.md for the key life cycle):

    recovery_key = initialise(data_dir, office_code, admin_user, admin_password, full_name="")
    store, operator = open_store(data_dir, username, password)
        # raises WrongPassword, AccountLocked(.until), AccountDisabled  (all AuthError)
    reset_password_with_recovery(data_dir, recovery_key, username, new_password)
    store.beneficiaries / .operators / .audit / .drafts / .reports, store.next_sequence(name)
    store.backup_if_due(by), store.rekey(by), store.logout(username)

Threads: one writer thread and any reader threads may use one Store at the same time
(each call takes its own pooled connection; writes serialise on BEGIN IMMEDIATE).
"""

from fundclient.storage.errors import (AccountDisabled, AccountLocked, NotPermitted, NotSetUp,
                                       WrongPassword, WrongRecoveryKey)

# The store, the repositories and search are imported on first use (PEP 562 `__getattr__`):
# `fundclient status`, `--version` and the login window import this package, and the store
# brings SQLAlchemy and SQLCipher with it (start-up time, #11 item 5).
_LAZY = {
    "Operator": "fundclient.storage.operators", "Role": "fundclient.storage.operators",
    "SearchHit": "fundclient.storage.search",
    "Store": "fundclient.storage.store", "check_recovery_key": "fundclient.storage.store",
    "initialise": "fundclient.storage.store", "open_store": "fundclient.storage.store",
    "open_store_with_recovery": "fundclient.storage.store",
    "reset_password_with_recovery": "fundclient.storage.store",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = ["AccountDisabled", "AccountLocked", "NotPermitted", "NotSetUp", "Operator", "Role", "SearchHit",
           "Store", "WrongPassword", "check_recovery_key", "WrongRecoveryKey", "initialise", "open_store",
           "open_store_with_recovery", "reset_password_with_recovery"]
