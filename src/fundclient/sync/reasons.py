"""Why HQ refused a batch or a record: one code -> one bilingual sentence, used by both ends.

HQ sends the code (and logs it); the client shows the sentence from this table, so the wording
lives here only. `PERMANENT` codes will fail the same way again: the batch goes to quarantine
for the supervisor instead of being retried forever.
"""

from __future__ import annotations

from fundclient.errors import Message

REASONS: dict[str, Message] = {
    "bad_signature": Message(ar="توقيع الدفعة غير صحيح.", en="The batch signature is not valid."),
    "unknown_device": Message(ar="الجهاز غير مسجَّل لدى الإدارة العامة.", en="This device is not enrolled at HQ."),
    "revoked_device": Message(ar="أُلغي تسجيل هذا الجهاز لدى الإدارة العامة.", en="This device has been revoked by HQ."),
    "sequence_reused": Message(ar="رقم تسلسل الدفعة مستعمل لدفعة أخرى.",
                               en="The batch sequence number was already used by another batch."),
    "unknown_key_id": Message(ar="الدفعة مشفرة بمفتاح لا تعرفه الإدارة العامة.",
                              en="The batch is encrypted to a key HQ does not know."),
    "decrypt_failed": Message(ar="تعذر فك تشفير الدفعة (تالفة أو معدلة).",
                              en="The batch could not be decrypted (damaged or altered)."),
    "malformed": Message(ar="ملف الدفعة تالف أو ناقص.", en="The batch file is damaged or truncated."),
    "oversize": Message(ar="الدفعة أكبر من الحد المسموح.", en="The batch is larger than allowed."),
    "header_mismatch": Message(ar="ترويسة الدفعة لا تطابق محتواها.", en="The batch header does not match its content."),
    # Per-record answers
    "accepted": Message(ar="قُبل لدى الإدارة العامة.", en="Accepted by HQ."),
    "duplicate": Message(ar="المنتفع مسجَّل من قبل بنفس الرقم الوطني.",
                         en="A beneficiary with the same national number is already registered."),
    "duplicate_person": Message(ar="المنتفع مسجَّل من قبل: الاسم وتاريخ الميلاد واسم الأم مطابقة لمنتفع آخر.",
                                en="The beneficiary is already registered: the same name, date of birth and mother's name."),
    "invalid_record": Message(ar="بيانات المنتفع لا تستوفي شروط الإدارة العامة.",
                              en="The beneficiary record does not meet HQ's rules."),
    "missing_national_number": Message(ar="الرقم الوطني مفقود.", en="The national number is missing."),
    "revision_conflict": Message(ar="هذه النسخة من السجل وصلت من قبل بمحتوى مختلف.",
                                 en="This revision of the record already arrived with different content."),
    "wrong_office": Message(ar="السجل يحمل رمز مكتب غير مكتب الجهاز المرسِل لدى الإدارة العامة.",
                            en="The record names an office other than the sending device's office at HQ."),
    "card_number_taken": Message(ar="رقم البطاقة في السجل صادر من قبل لمنتفع آخر لدى الإدارة العامة.",
                                 en="A card number in the record was already issued to another beneficiary at HQ."),
    "unknown": Message(ar="خطأ غير معروف لدى الإدارة العامة.", en="Unknown error at HQ."),
    # HQ's decisions on records it flagged (the HQ console's decisions queue)
    "hq_kept": Message(ar="راجعت الإدارة العامة السجل وأبقته مقبولًا.", en="HQ reviewed the record and kept it."),
    "hq_duplicate": Message(ar="قررت الإدارة العامة أن المنتفع مسجَّل من قبل (تكرار لسجل آخر).",
                            en="HQ decided the beneficiary was already registered (a duplicate of another record)."),
    "hq_rejected_documents": Message(ar="رفضت الإدارة العامة السجل: المستندات ناقصة أو غير مقروءة.",
                                     en="HQ rejected the record: documents missing or unreadable."),
    "hq_rejected_eligibility": Message(ar="رفضت الإدارة العامة السجل: المنتفع غير مستحق لهذه الفئة.",
                                       en="HQ rejected the record: the beneficiary is not eligible for this category."),
    "hq_rejected_data": Message(ar="رفضت الإدارة العامة السجل: البيانات غير صحيحة، راجعوا الإدارة العامة.",
                                en="HQ rejected the record: the data is wrong; contact HQ."),
}

DECISION_REASONS = {"keep": ("hq_kept",), "duplicate": ("hq_duplicate",),
                    "reject": ("hq_rejected_documents", "hq_rejected_eligibility", "hq_rejected_data")}

# Batch-level refusals that a retry cannot fix.
PERMANENT = {"bad_signature", "unknown_device", "revoked_device", "sequence_reused", "unknown_key_id",
             "decrypt_failed", "malformed", "oversize", "header_mismatch"}


def reason_message(code: str) -> Message:
    return REASONS.get(split_reason(code)[0], REASONS["unknown"])


# A `duplicate` answer names where and when the other record was registered (#14); the office
# keeps it with the reason code as "code|office|YYYY-MM-DD" (one text column, no migration).
REGISTERED_AT = Message(ar="مسجل في {office} بتاريخ {day}", en="registered at {office} on {day}")
REGISTERED_AT_OFFICE = Message(ar="مسجل في {office}", en="registered at {office}")


def join_reason(code: str, office: str | None = None, day: str | None = None) -> str:
    return f"{code}|{office}|{day or ''}" if office else code


def split_reason(text: str) -> tuple[str, str, str]:
    """(code, other office code or "", other registration date ISO or "")."""
    code, _, rest = (text or "").partition("|")
    office, _, day = rest.partition("|")
    return code, office[:32], day[:10]
