"""Errors raised by storage, each with its bilingual message (worded once, here)."""

from __future__ import annotations

from datetime import datetime

from fundclient.errors import AuthError, Message, StorageError


def tries_left(remaining: int, lock_minutes: int) -> Message:
    """"2 tries left before the account is locked for 15 minutes." (Arabic number agreement)."""
    if remaining == 1:
        count = Message("1 try", context="tries left")
    elif remaining == 2:  # Arabic has a word for two (محاولتان)
        count = Message("2 tries", context="tries left")
    else:
        count = Message("{count} tries", context="tries left").format(count=remaining)
    return Message("{count} left before the account is locked for {lock_minutes} minutes.").format(
        count=count, lock_minutes=lock_minutes)


class WrongPassword(AuthError):
    """`remaining`: wrong passwords still allowed before the lockout (None: unknown user)."""

    def __init__(self, remaining: int | None = None, lock_minutes: int = 15) -> None:
        first = Message("Wrong user name or password.")
        self.tries_left = tries_left(remaining, lock_minutes) if remaining is not None else None
        if self.tries_left is not None:
            first = Message("{first} {tries_left}").format(first=first, tries_left=self.tries_left)
        super().__init__(first, code="wrong_password")
        self.remaining = remaining


class AccountLocked(AuthError):
    """`just_now`: this wrong password was the one that locked the account."""

    def __init__(self, until: datetime, *, just_now: bool = False) -> None:
        shown = until.astimezone().strftime("%H:%M")
        if just_now:
            message = Message("Wrong password for the fifth time: the account is locked until {shown}. Try "
                              "again after that, or ask the administrator for a new password.").format(shown=shown)
        else:
            message = Message("The account is locked after repeated failed logins until {shown}.").format(shown=shown)
        super().__init__(message, code="locked")
        self.until = until
        self.just_now = just_now


class AccountDisabled(AuthError):
    def __init__(self) -> None:
        super().__init__(Message("This account is disabled. Ask the administrator."), code="disabled")


class WrongRecoveryKey(AuthError):
    """Why a recovery key is refused (`kind`): "length" (not 36 letters and digits), "character"
    (a sign the key never has), "typo" (its last group, the check group, does not match the rest:
    a typing mistake) or "wrong_key" (a well-formed key, but not this office's). `typed` is the
    key as read, in groups of four, to compare with the paper."""

    def __init__(self, kind: str = "wrong_key", typed: str = "", length: int = 0) -> None:
        shown = QUOTED_KEY.format(key=typed) if typed else ""
        why = {
            "length": Message("The recovery key{shown} has {length} letters and digits; a key has 36 (9 "
                              "groups of 4). Compare it with the paper.").format(shown=shown, length=length),
            "character": Message("The recovery key{shown} has a sign no key has (Latin letters and digits "
                                 "only). Compare it with the paper.").format(shown=shown),
            "typo": Message("The recovery key{shown} has a typing mistake: its last group (the check "
                            "group) does not match the rest. Compare each group with the paper.").format(shown=shown),
        }.get(kind, Message("The recovery key{shown} is well typed but it is not this office's key "
                            "(perhaps another office's, or from an earlier setup).").format(shown=shown))
        super().__init__(why, code="wrong_recovery_key")
        self.kind = kind


QUOTED_KEY = Message(" '{key}'")  # the recovery key as typed, quoted in the sentence
ADMIN_ONLY = Message("Only an administrator may do this.")
SUPERVISOR_ONLY = Message("Only a supervisor or an administrator may do this.")
# Why an action is refused, said plainly in one language (the action's code stays in `action`).
REFUSED_BECAUSE: dict[str, Message] = {
    "operator_disable_self": Message("You cannot stop your own access; another administrator can, if needed."),
    "import": SUPERVISOR_ONLY, "set_status": SUPERVISOR_ONLY, "approve": SUPERVISOR_ONLY,
}


class NotPermitted(AuthError):
    def __init__(self, action: str) -> None:
        why = REFUSED_BECAUSE.get(action, ADMIN_ONLY)
        super().__init__(Message("You are not allowed to do this: {why}").format(why=why),
                         code="not_permitted")
        self.action = action


class WeakPassword(AuthError):
    def __init__(self, minimum: int) -> None:
        super().__init__(Message("The password is too short: at least {minimum} characters.").format(minimum=minimum),
                         code="weak_password")


class NotSetUp(StorageError):
    def __init__(self) -> None:
        super().__init__(Message("No office is set up in this data folder yet (fundclient setup)."),
                         code="not_set_up")


class UsernameUnavailable(StorageError):
    """A new employee's user name is taken (`taken`) or not a valid name."""

    def __init__(self, username: str, *, taken: bool = False) -> None:
        if taken:
            message = Message("The user name '{username}' belongs to another employee of this office. Choose "
                              "another name.").format(username=username)
        else:
            message = Message("The user name '{username}' is not valid. Use letters and digits (. _ - "
                              "allowed), at most 64, no spaces.").format(username=username)
        super().__init__(message, code="username_taken" if taken else "username_invalid")


class NoSuchOperator(AuthError):
    def __init__(self, username: str) -> None:
        super().__init__(Message("No employee has the user name '{username}'.").format(username=username), code="no_such_operator")


class AlreadySetUp(StorageError):
    def __init__(self) -> None:
        super().__init__(Message("An office is already set up in this data folder."), code="already_set_up")


class RecordNotFound(StorageError):
    def __init__(self, record_id: str) -> None:
        super().__init__(Message("No such record ({record_id}).").format(record_id=record_id),
                         code="not_found")


class StaleRevision(StorageError):
    def __init__(self, record_id: str) -> None:
        super().__init__(Message("Record {record_id} was changed meanwhile; reopen it and save again.").format(record_id=record_id),
                         code="stale")


class CardNumberTaken(StorageError):
    def __init__(self) -> None:
        super().__init__(Message("This insurance card number belongs to another beneficiary."),
                         code="card_taken")


class DatabaseUnreadable(StorageError):
    def __init__(self, detail: str) -> None:
        super().__init__(Message("The encrypted database cannot be opened ({detail}).").format(detail=detail), code="db_unreadable")


class KeyFileDamaged(StorageError):
    """keystore.json cannot be read as the office's key file (torn, or edited by hand)."""

    def __init__(self, path: str) -> None:
        super().__init__(Message("The office's key file is damaged: {file}. Restore the office from "
                                 "its backup, or call the fund's IT staff.").format(file=path),
                         code="key_file_damaged")


class BadBackup(StorageError):
    """A backup file that cannot be restored; `detail` names the member and field when known
    (a Message), else is the library's technical text."""

    def __init__(self, detail: "str | Message") -> None:
        if isinstance(detail, Message):
            message = Message("Not a valid backup file: {detail}. Nothing was changed.").format(detail=detail)
        else:
            message = Message("Not a valid backup file ({detail}). Nothing was changed.").format(detail=detail)
        super().__init__(message, code="bad_backup")


class DeviceNumberTaken(StorageError):
    """A restore on another PC was given a device number the office's cards already carry."""

    def __init__(self, number: int, used: tuple[int, ...]) -> None:
        taken = ", ".join(str(n) for n in used)
        super().__init__(Message("Device number {number} is already on this office's cards ({taken}); using "
                                 "it here would issue card numbers twice. Choose another number from 900 to "
                                 "999. Nothing was changed.").format(number=number, taken=taken), code="device_number_taken")


class OtherOfficeHere(StorageError):
    """The data dir holds (or is enrolled for) another office than the backup's."""

    def __init__(self, *, here: str, backup: str) -> None:
        super().__init__(Message("This data folder belongs to office '{here}' and the backup to office "
                                 "'{backup}'. Restore into an empty data folder (--data-dir). Nothing was "
                                 "changed.").format(here=here, backup=backup),
                         code="other_office")


class BackupCancelled(StorageError):
    """The store closed (sign-out, quit) during a backup: nothing was kept; the next start
    makes it again."""

    def __init__(self) -> None:
        super().__init__(Message("The backup was stopped when closing; it is made again at the next start."),
                         code="backup_cancelled")


class HelperStopped(StorageError):
    """A helper process of an import or a bulk build (storage.importer, storage.bulk) died
    before its end mark — killed, out of memory, or it failed to start. Never waited for and
    never taken for the end of the file; what was written before stays (each batch is one
    transaction), and an import run again adds only the rows still missing."""

    IMPORT_BEFORE_ROWS = Message("The helper process reading the import file stopped before handing over any row. "
                                 "Nothing was imported: run the import again.")
    IMPORT_AFTER_ROWS = Message("The helper process checking the import file stopped after {done} of {total} rows. "
                                "The rows saved so far are kept: run the import again to add the rest.")
    BULK_STOPPED = Message("A helper process of the bulk build stopped after {done} records. The batches written "
                           "so far are kept.")
    BULK_STOPPED_OF = Message("A helper process of the bulk build stopped after {done} of {total} records. The "
                              "batches written so far are kept.")
    UPGRADE_STOPPED = Message("A helper process of this office's upgrade stopped. What was done so far is kept: "
                              "open the office again to go on.")

    def __init__(self, message: Message) -> None:
        super().__init__(message, code="helper_stopped")


class IndexNotRetirable(StorageError):
    """A migration asked `storage.retired_drop.retire` to retire a table one of whose indexes is
    not on plain ascending columns of the table (an expression, DESC, another collation): its
    b-tree is then no table's, and it cannot be retired. A programming error of that migration,
    caught by its tests before any office runs it; the upgrade stops, the office unchanged (the
    migration's transaction is rolled back). `index`: the index's name."""

    def __init__(self, index: str) -> None:
        super().__init__(Message("This version cannot upgrade the office's data: the index {index} is not on plain "
                                 "ascending columns. Nothing was changed; keep this office on its previous version "
                                 "and tell the support team.").format(index=index), code="index_not_retirable")
        self.index = index


class OpenedWhileHelperStarts(StorageError):
    """A helper process (spawned: the re-keying's, an import's, a bulk build's) ran its parent's
    script again while starting — Python's `spawn` re-imports the parent's `__main__` — and that
    script opens the office's store at module level, without `if __name__ == "__main__":`. The
    helper would wait for ever for a lock its parent holds (the upgrade's, the writer's); it
    stops with this instead (`storage.helper_start`), and its parent with `HelperStopped`."""

    def __init__(self) -> None:
        super().__init__(Message("A helper process ran its program's script again while starting, and the script "
                                 "opens the office's data when it is read: the helper stops here instead of "
                                 "waiting for the lock its parent holds. Put the script's work under "
                                 "'if __name__ == \"__main__\":'."), code="opened_while_helper_starts")


class ImportFileUnreadable(StorageError):
    def __init__(self, detail: Message) -> None:
        super().__init__(Message("The import file cannot be read: {detail}").format(detail=detail),
                         code="import_unreadable")
        self.detail = detail
        # A file damaged part-way (`importer.LATE_DAMAGE`): the import of the rows before the
        # damage (`ImportResult`: counts, report), else None — nothing imported.
        self.result = None
