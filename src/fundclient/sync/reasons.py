"""Why HQ refused a batch or a record: one code -> one bilingual sentence, used by both ends.

HQ sends the code (and logs it); the client shows the sentence from this table, so the wording
lives here only. `PERMANENT` codes will fail the same way again: the batch goes to quarantine
for the supervisor instead of being retried forever.
"""

from __future__ import annotations

from fundclient.errors import Message

REASONS: dict[str, Message] = {
    "bad_signature": Message("The batch signature is not valid."),
    "unknown_device": Message("This device is not enrolled at HQ."),
    "revoked_device": Message("This device has been revoked by HQ."),
    "sequence_reused": Message("The batch sequence number was already used by another batch."),
    "unknown_key_id": Message("The batch is encrypted to a key HQ does not know."),
    "decrypt_failed": Message("The batch could not be decrypted (damaged or altered)."),
    "malformed": Message("The batch file is damaged or truncated."),
    "oversize": Message("The batch is larger than allowed."),
    "header_mismatch": Message("The batch header does not match its content."),
    # Per-record answers
    "accepted": Message("Accepted by HQ."),
    "duplicate": Message("A beneficiary with the same national number is already registered."),
    "duplicate_person": Message("The beneficiary is already registered: the same name, date of birth and "
                                "mother's name."),
    "invalid_record": Message("The beneficiary record does not meet HQ's rules."),
    "missing_national_number": Message("The national number is missing."),
    "revision_conflict": Message("This revision of the record already arrived with different content."),
    "wrong_office": Message("The record names an office other than the sending device's office at HQ."),
    "card_number_taken": Message("A card number in the record was already issued to another beneficiary at HQ."),
    "unknown": Message("Unknown error at HQ."),
    # HQ's decisions on records it flagged (the HQ console's decisions queue)
    "hq_kept": Message("HQ reviewed the record and kept it."),
    "hq_duplicate": Message("HQ decided the beneficiary was already registered (a duplicate of another record)."),
    "hq_rejected_documents": Message("HQ rejected the record: documents missing or unreadable."),
    "hq_rejected_eligibility": Message("HQ rejected the record: the beneficiary is not eligible for this "
                                       "category."),
    "hq_rejected_data": Message("HQ rejected the record: the data is wrong; contact HQ."),
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
REGISTERED_AT = Message("registered at {office} on {day}")
REGISTERED_AT_OFFICE = Message("registered at {office}")


def join_reason(code: str, office: str | None = None, day: str | None = None) -> str:
    return f"{code}|{office}|{day or ''}" if office else code


def split_reason(text: str) -> tuple[str, str, str]:
    """(code, other office code or "", other registration date ISO or "")."""
    code, _, rest = (text or "").partition("|")
    office, _, day = rest.partition("|")
    return code, office[:32], day[:10]
