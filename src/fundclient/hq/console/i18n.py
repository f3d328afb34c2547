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


def languages() -> tuple[str, ...]:
    return available_languages()


def translate(text: str, lang: str, context: str | None = None, **values) -> str:
    """`text` (English, or a key of BY_KEY) in `lang`, placeholders filled."""
    keyed = BY_KEY.get(text)
    if keyed is not None:
        return keyed.format(**values).in_language(lang) if values else keyed.text(lang)
    pattern = lookup(text, lang, context)
    return pattern.format(**values) if values else pattern


__all__ = ["BY_KEY", "is_rtl", "language_name", "languages", "translate"]
