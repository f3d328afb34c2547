"""Errors raised by storage, each with its bilingual message (worded once, here)."""

from __future__ import annotations

from datetime import datetime

from fundclient.errors import AuthError, Message, StorageError


class WrongPassword(AuthError):
    def __init__(self) -> None:
        super().__init__(Message("اسم المستخدم أو كلمة المرور غير صحيحة.",
                                 "Wrong user name or password."), code="wrong_password")


class AccountLocked(AuthError):
    def __init__(self, until: datetime) -> None:
        shown = until.astimezone().strftime("%H:%M")
        super().__init__(Message(f"الحساب مقفل بعد محاولات دخول خاطئة متكررة حتى الساعة {shown}.",
                                 f"The account is locked after repeated failed logins until {shown}."),
                         code="locked")
        self.until = until


class AccountDisabled(AuthError):
    def __init__(self) -> None:
        super().__init__(Message("هذا الحساب موقوف. راجع مدير المنظومة.",
                                 "This account is disabled. Ask the administrator."), code="disabled")


class WrongRecoveryKey(AuthError):
    def __init__(self) -> None:
        super().__init__(Message("مفتاح الاسترداد غير صحيح.", "The recovery key is not valid."),
                         code="wrong_recovery_key")


class NotPermitted(AuthError):
    def __init__(self, action: str) -> None:
        super().__init__(Message(f"لا تملك صلاحية هذا الإجراء ({action}).",
                                 f"You are not allowed to do this ({action})."), code="not_permitted")


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
    def __init__(self, username: str) -> None:
        super().__init__(Message(f"اسم المستخدم «{username}» مستعمل أو غير صالح. استعمل حروفاً وأرقاماً "
                                 "(ويُسمح بـ . _ -) حتى 64 حرفاً، واختر اسماً غير مستعمل.",
                                 f"The user name '{username}' is taken or not valid. Use letters and digits "
                                 "(. _ - allowed), at most 64, and a name nobody has."), code="username_unavailable")


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
    def __init__(self, detail: str) -> None:
        super().__init__(Message("ملف النسخة الاحتياطية غير صالح.", f"Not a valid backup file ({detail})."),
                         code="bad_backup")


class ImportFileUnreadable(StorageError):
    def __init__(self, detail_ar: str, detail_en: str) -> None:
        super().__init__(Message(f"تعذّرت قراءة ملف الاستيراد: {detail_ar}",
                                 f"The import file cannot be read: {detail_en}"), code="import_unreadable")
