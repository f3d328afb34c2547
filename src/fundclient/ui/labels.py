"""Display words shared by several screens: sync states, record statuses, reference labels.

Field labels come from `domain.fields` (one source of truth, bilingual `Message`s);
reference codes (municipality, relation...) from `domain.reference`. Only words that are
UI-only live here, marked for translation with QT_TRANSLATE_NOOP.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QT_TRANSLATE_NOOP

from fundclient.domain.reference import default_reference
from fundclient.ui.i18n import current_language
from fundclient.domain.photo_exception import TITLE
from fundclient.sync.reasons import REASONS, REGISTERED_AT, REGISTERED_AT_OFFICE, split_reason

_SYNC_STATES = {
    "pending": QT_TRANSLATE_NOOP("SyncState", "Waiting to send"),
    "sent": QT_TRANSLATE_NOOP("SyncState", "Sent, awaiting reply"),
    "accepted": QT_TRANSLATE_NOOP("SyncState", "Accepted"),
    "duplicate": QT_TRANSLATE_NOOP("SyncState", "Duplicate registration"),
    "rejected": QT_TRANSLATE_NOOP("SyncState", "Rejected"),
}
SYNC_STATE_COLOURS = {"pending": "#8a5a00", "sent": "#1d4f91", "accepted": "#1b6e20",
                      "duplicate": "#a40000", "rejected": "#a40000"}


def sync_state_text(state: str) -> str:
    source = _SYNC_STATES.get(state)
    return QCoreApplication.translate("SyncState", source) if source else state


def hq_reason_text(code: str) -> str:
    """HQ's per-record reason code (sync.reasons) as a sentence in the UI language; text that is
    not a known code is shown as it is."""
    from datetime import date

    code, office, day = split_reason(code or "")
    message = REASONS.get(code)
    if message is None:
        return code
    text = message.in_language(current_language())
    if office:  # a duplicate: where and when the other record was registered (#14)
        try:
            when = date.fromisoformat(day) if day else None
        except ValueError:
            when = None
        where = reference_label("offices", office)
        said = REGISTERED_AT.format(office=where, day=when) if when else REGISTERED_AT_OFFICE.format(office=where)
        text += " " + said.in_language(current_language())
    return text


def reference_label(list_name: str, code: str) -> str:
    """The label of a reference code in the UI language (the code itself if unknown)."""
    if not code:
        return ""
    item = default_reference().item(list_name, code)
    return item.label(current_language()) if item else code


def enum_code(value) -> str:
    return str(getattr(value, "value", value) or "")


def field_label(key: str, *, dependant: bool = False) -> str:
    from fundclient.domain.fields import BENEFICIARY_FIELDS, DEPENDANT_FIELDS  # lazy: start-up (7 more modules)

    table = DEPENDANT_FIELDS if dependant else BENEFICIARY_FIELDS
    definition = table.get(key)
    return definition.label.in_language(current_language()) if definition else key


def photo_exception_text(exception) -> str:
    """A record's photo exception as every screen shows it: «استثناء من الصورة: reason — words
    (وافق عليه: supervisor)», or "" for none (domain/photo_exception.py holds the words)."""
    if exception is None:
        return ""
    language = current_language()
    text = f"{TITLE.in_language(language)}: {exception.describe(language)}"
    if exception.approved_by:
        text += " " + QCoreApplication.translate("PhotoException", "(approved by %1)").replace(
            "%1", exception.approved_by)
    return text
