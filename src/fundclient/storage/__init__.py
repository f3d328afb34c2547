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
from fundclient.storage.operators import Operator, Role
from fundclient.storage.search import SearchHit
from fundclient.storage.store import (Store, check_recovery_key, initialise, open_store, open_store_with_recovery,
                                      reset_password_with_recovery)

__all__ = ["AccountDisabled", "AccountLocked", "NotPermitted", "NotSetUp", "Operator", "Role", "SearchHit",
           "Store", "WrongPassword", "check_recovery_key", "WrongRecoveryKey", "initialise", "open_store",
           "open_store_with_recovery", "reset_password_with_recovery"]
