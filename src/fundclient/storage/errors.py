"""Errors raised by storage, each with its bilingual message (worded once, here)."""

from __future__ import annotations

from datetime import datetime

from fundclient.errors import USER_NAME, AuthError, Message, StorageError


def tries_left(remaining: int, lock_minutes: int) -> Message:
    """"2 tries left before the account is locked for 15 minutes." (Arabic number agreement)."""
    if remaining == 1:
        ar_count = "محاولة واحدة"
    elif remaining == 2:
        ar_count = "محاولتان"
    else:
        ar_count = f"{remaining} محاولات"
    en_count = "1 try" if remaining == 1 else f"{remaining} tries"
    return Message(f"بقيت {ar_count} قبل قفل الحساب لمدة {lock_minutes} دقيقة.",
                   f"{en_count} left before the account is locked for {lock_minutes} minutes.")


class WrongPassword(AuthError):
    """`remaining`: wrong passwords still allowed before the lockout (None: unknown user)."""

    def __init__(self, remaining: int | None = None, lock_minutes: int = 15) -> None:
        first = Message(f"{USER_NAME.ar} أو كلمة المرور غير صحيحة.",
                        f"Wrong {USER_NAME.en.lower()} or password.")
        self.tries_left = tries_left(remaining, lock_minutes) if remaining is not None else None
        if self.tries_left is not None:
            first = Message(f"{first.ar} {self.tries_left.ar}", f"{first.en} {self.tries_left.en}")
        super().__init__(first, code="wrong_password")
        self.remaining = remaining


class AccountLocked(AuthError):
    """`just_now`: this wrong password was the one that locked the account."""

    def __init__(self, until: datetime, *, just_now: bool = False) -> None:
        shown = until.astimezone().strftime("%H:%M")
        if just_now:
            message = Message(f"كلمة المرور غير صحيحة للمرة الخامسة: قُفل الحساب حتى الساعة {shown}. "
                              "حاول مرة أخرى بعد ذلك، أو اطلب من المدير كلمة مرور جديدة.",
                              f"Wrong password for the fifth time: the account is locked until {shown}. "
                              "Try again after that, or ask the administrator for a new password.")
        else:
            message = Message(f"الحساب مقفل بعد محاولات دخول خاطئة متكررة حتى الساعة {shown}.",
                              f"The account is locked after repeated failed logins until {shown}.")
        super().__init__(message, code="locked")
        self.until = until
        self.just_now = just_now


class AccountDisabled(AuthError):
    def __init__(self) -> None:
        super().__init__(Message("هذا الحساب موقوف. راجع مدير المنظومة.",
                                 "This account is disabled. Ask the administrator."), code="disabled")


class WrongRecoveryKey(AuthError):
    """Why a recovery key is refused (`kind`): "length" (not 36 letters and digits), "character"
    (a sign the key never has), "typo" (its last group, the check group, does not match the rest:
    a typing mistake) or "wrong_key" (a well-formed key, but not this office's). `typed` is the
    key as read, in groups of four, to compare with the paper."""

    def __init__(self, kind: str = "wrong_key", typed: str = "", length: int = 0) -> None:
        shown = f" «{typed}»" if typed else ""
        shown_en = f" '{typed}'" if typed else ""
        why = {
            "length": Message(f"مفتاح الاسترداد{shown} فيه {length} حرفاً ورقماً، والمفتاح 36 (9 مجموعات من 4). "
                              "قارنه بالورقة.",
                              f"The recovery key{shown_en} has {length} letters and digits; a key has 36 "
                              "(9 groups of 4). Compare it with the paper."),
            "character": Message(f"مفتاح الاسترداد{shown} فيه رمز لا يكون في المفاتيح (حروف لاتينية وأرقام فقط). "
                                 "قارنه بالورقة.",
                                 f"The recovery key{shown_en} has a sign no key has (Latin letters and digits "
                                 "only). Compare it with the paper."),
            "typo": Message(f"في مفتاح الاسترداد{shown} خطأ كتابة: المجموعة الأخيرة (مجموعة التحقق) لا تطابق "
                            "بقية المفتاح. قارن كل مجموعة بالورقة.",
                            f"The recovery key{shown_en} has a typing mistake: its last group (the check group) "
                            "does not match the rest. Compare each group with the paper."),
        }.get(kind, Message(f"مفتاح الاسترداد{shown} مكتوب صحيحاً لكنه ليس مفتاح هذا المكتب (ربما من مكتب آخر "
                            "أو من تهيئة سابقة).",
                            f"The recovery key{shown_en} is well typed but it is not this office's key (perhaps "
                            "another office's, or from an earlier setup)."))
        super().__init__(why, code="wrong_recovery_key")
        self.kind = kind


ADMIN_ONLY = Message("هذا الإجراء لمدير المنظومة فقط.", "Only an administrator may do this.")
SUPERVISOR_ONLY = Message("هذا الإجراء للمشرف أو المدير فقط.", "Only a supervisor or an administrator may do this.")
# Why an action is refused, said plainly in one language (the action's code stays in `action`).
REFUSED_BECAUSE: dict[str, Message] = {
    "operator_disable_self": Message("لا يمكنك إيقاف دخولك أنت؛ يوقفه مدير آخر إن لزم.",
                                     "You cannot stop your own access; another administrator can, if needed."),
    "import": SUPERVISOR_ONLY, "set_status": SUPERVISOR_ONLY, "approve": SUPERVISOR_ONLY,
}


class NotPermitted(AuthError):
    def __init__(self, action: str) -> None:
        why = REFUSED_BECAUSE.get(action, ADMIN_ONLY)
        super().__init__(Message(f"لا تملك صلاحية هذا الإجراء: {why.ar}", f"You are not allowed to do this: {why.en}"),
                         code="not_permitted")
        self.action = action


class WeakPassword(AuthError):
    def __init__(self, minimum: int) -> None:
        super().__init__(Message(f"كلمة المرور قصيرة: {minimum} أحرف على الأقل.",
                                 f"The password is too short: at least {minimum} characters."),
                         code="weak_password")


class NotSetUp(StorageError):
    def __init__(self) -> None:
        super().__init__(Message("لم تُهيّأ المنظومة في هذا المجلد بعد (fundclient setup).",
                                 "No office is set up in this data folder yet (fundclient setup)."),
                         code="not_set_up")


class UsernameUnavailable(StorageError):
    """A new employee's user name is taken (`taken`) or not a valid name."""

    def __init__(self, username: str, *, taken: bool = False) -> None:
        if taken:
            message = Message(f"اسم المستخدم «{username}» لموظف آخر في هذا المكتب. اختر اسماً آخر.",
                              f"The user name '{username}' belongs to another employee of this office. "
                              "Choose another name.")
        else:
            message = Message(f"اسم المستخدم «{username}» غير صالح. استعمل حروفاً وأرقاماً "
                              "(ويُسمح بـ . _ -) حتى 64 حرفاً، دون مسافات.",
                              f"The user name '{username}' is not valid. Use letters and digits "
                              "(. _ - allowed), at most 64, no spaces.")
        super().__init__(message, code="username_taken" if taken else "username_invalid")


class NoSuchOperator(AuthError):
    def __init__(self, username: str) -> None:
        super().__init__(Message(f"لا يوجد موظف باسم المستخدم «{username}».",
                                 f"No employee has the user name '{username}'."), code="no_such_operator")


class AlreadySetUp(StorageError):
    def __init__(self) -> None:
        super().__init__(Message("المنظومة مهيّأة مسبقاً في هذا المجلد.",
                                 "An office is already set up in this data folder."), code="already_set_up")


class RecordNotFound(StorageError):
    def __init__(self, record_id: str) -> None:
        super().__init__(Message(f"السجل غير موجود ({record_id}).", f"No such record ({record_id})."),
                         code="not_found")


class StaleRevision(StorageError):
    def __init__(self, record_id: str) -> None:
        super().__init__(Message("عدّل مستخدم آخر هذا السجل؛ أعد فتحه ثم احفظ.",
                                 f"Record {record_id} was changed meanwhile; reopen it and save again."),
                         code="stale")


class CardNumberTaken(StorageError):
    def __init__(self) -> None:
        super().__init__(Message("رقم البطاقة التأمينية مستخدم لمنتفع آخر.",
                                 "This insurance card number belongs to another beneficiary."),
                         code="card_taken")


class DatabaseUnreadable(StorageError):
    def __init__(self, detail: str) -> None:
        super().__init__(Message("تعذّر فتح قاعدة البيانات المشفّرة.",
                                 f"The encrypted database cannot be opened ({detail})."), code="db_unreadable")


class BadBackup(StorageError):
    """A backup file that cannot be restored; `detail` names the member and field when known
    (a Message), else is the library's technical text."""

    def __init__(self, detail: "str | Message") -> None:
        if isinstance(detail, Message):
            message = Message(f"ملف النسخة الاحتياطية غير صالح: {detail.ar}. لم يتغير شيء.",
                              f"Not a valid backup file: {detail.en}. Nothing was changed.")
        else:
            message = Message(f"ملف النسخة الاحتياطية غير صالح ({detail}). لم يتغير شيء.",
                              f"Not a valid backup file ({detail}). Nothing was changed.")
        super().__init__(message, code="bad_backup")


class DeviceNumberTaken(StorageError):
    """A restore on another PC was given a device number the office's cards already carry."""

    def __init__(self, number: int, used: tuple[int, ...]) -> None:
        taken = ", ".join(str(n) for n in used)
        super().__init__(Message(f"رقم الجهاز {number} استُعمل في بطاقات هذا المكتب من قبل ({taken})؛ "
                                 "لو استُعمل هنا لتكررت أرقام بطاقات. اختر رقماً آخر بين 900 و999. لم يتغير شيء.",
                                 f"Device number {number} is already on this office's cards ({taken}); using it "
                                 "here would issue card numbers twice. Choose another number from 900 to 999. "
                                 "Nothing was changed."), code="device_number_taken")


class OtherOfficeHere(StorageError):
    """The data dir holds (or is enrolled for) another office than the backup's."""

    def __init__(self, *, here: str, backup: str) -> None:
        super().__init__(Message(f"مجلد البيانات هذا لمكتب «{here}»، والنسخة لمكتب «{backup}». استعد النسخة في "
                                 "مجلد بيانات فارغ (--data-dir). لم يتغير شيء.",
                                 f"This data folder belongs to office '{here}' and the backup to office '{backup}'. "
                                 "Restore into an empty data folder (--data-dir). Nothing was changed."),
                         code="other_office")


class BackupCancelled(StorageError):
    """The store closed (sign-out, quit) during a backup: nothing was kept; the next start
    makes it again."""

    def __init__(self) -> None:
        super().__init__(Message("أُوقفت النسخة الاحتياطية عند الإغلاق، وستُعاد عند التشغيل التالي.",
                                 "The backup was stopped when closing; it is made again at the next start."),
                         code="backup_cancelled")


class ImportFileUnreadable(StorageError):
    def __init__(self, detail_ar: str, detail_en: str) -> None:
        super().__init__(Message(f"تعذّرت قراءة ملف الاستيراد: {detail_ar}",
                                 f"The import file cannot be read: {detail_en}"), code="import_unreadable")
