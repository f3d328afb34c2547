"""The HQ console's language: its strings are in the one catalogue (fundclient.catalogue).

Templates call `t("English text", name=value)`, or `pt("context", "English text")` where one
English text needs two translations; `python scripts/translations.py extract` finds both.
Labels chosen by a value (a record's status, a reference kind, a role) are the `Message`s of
`BY_KEY`, looked up as `t("st_" ~ status)`.
"""

from __future__ import annotations

from fundclient.catalogue import available_languages, is_rtl, language_name, lookup
from fundclient.errors import Message

BY_KEY: dict[str, Message] = {
    "role_viewer": Message("viewer"),
    "role_reviewer": Message("reviewer"),
    "role_admin": Message("admin"),
    "st_accepted": Message("accepted"),
    "st_duplicate": Message("duplicate"),
    "st_rejected": Message("rejected"),
    "act_keep": Message("kept"),
    "act_reject": Message("rejected", context="act_reject"),
    "act_duplicate": Message("duplicate", context="act_duplicate"),
    "kind_offices": Message("Offices"),
    "kind_municipalities": Message("Municipalities"),
    "kind_pension_authorities": Message("Pension authorities"),
    "kind_categories": Message("Categories"),
}

# What each HQ audit entry's action code means to the staff reading the log (the code itself
# stays in the hash chain and the export; the page shows it beside the words).
AUDIT_ACTIONS: dict[str, Message] = {
    "login": Message("signed in"),
    "logout": Message("signed out"),
    "login_failed": Message("sign-in refused: wrong name or password"),
    "login_refused_locked": Message("sign-in refused: account locked"),
    "password_changed": Message("changed their password"),
    "password_change_failed": Message("password change refused"),
    "user_added": Message("staff account added"),
    "user_reset": Message("staff account reset"),
    "token_issued": Message("enrolment token issued"),
    "device_revoked": Message("device revoked"),
    "device_renamed": Message("device renamed"),
    "keys_rotated": Message("HQ keys rotated"),
    "reference_saved": Message("reference data saved"),
    "reference_deleted": Message("reference data deleted"),
    "export": Message("data exported"),
    "decision_keep": Message("decision: record kept"),
    "decision_reject": Message("decision: record rejected"),
    "decision_duplicate": Message("decision: record is a duplicate"),
}


def audit_action(code: str, lang: str) -> str:
    """The words for an audit action code in `lang`; an unknown code (a newer release's) as is."""
    label = AUDIT_ACTIONS.get(code)
    return label.text(lang) if label is not None else code


def languages() -> tuple[str, ...]:
    return available_languages()


def translate(text: str, lang: str, context: str | None = None, **values) -> str:
    """`text` (English, or a key of BY_KEY) in `lang`, placeholders filled."""
    keyed = BY_KEY.get(text)
    if keyed is not None:
        return keyed.format(**values).in_language(lang) if values else keyed.text(lang)
    pattern = lookup(text, lang, context)
    return pattern.format(**values) if values else pattern


__all__ = ["AUDIT_ACTIONS", "BY_KEY", "audit_action", "is_rtl", "language_name", "languages", "translate"]
