"""A photo exception: why a record is saved without an accepted ID photo, and who allowed it.

The fund registers people who cannot be photographed the usual way (bedridden at a home
visit, a face covering that cannot be removed, a broken camera). A clerk asks for the
exception with a reason from this list; a supervisor confirms it with their own password
(services.registration.authorise_override, purpose "photo"). It is stored with the record's
revision (so it travels to HQ in the sealed batch), audited with the save, shown on the record
view, in day close, in the review step, and printed in the card's photo box (docs/cards.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fundclient.errors import Message

BEDRIDDEN, FACE_COVERING, CAMERA_BROKEN, OTHER = "bedridden", "face_covering", "camera_broken", "other"
# The list the clerk chooses from, in this order; the labels are the one source of these words.
REASONS: dict[str, Message] = {
    BEDRIDDEN: Message("The beneficiary is bedridden"),
    FACE_COVERING: Message("The face covering cannot be removed"),
    CAMERA_BROKEN: Message("The camera is broken"),
    OTHER: Message("Other reason"),
}
MAX_TEXT = 300
MIN_OTHER_TEXT = 5

TITLE = Message("Photo exception")
NEEDS_TEXT = Message("Write the reason for the exception")
UNKNOWN_REASON = Message("Unknown reason for the photo exception")
TEXT_TOO_LONG = Message("The text is too long")
NOT_APPROVED = Message("A photo exception needs a supervisor's approval")
PHOTO_REQUIRED = Message("There is no photo: take or import it, or ask for a photo exception approved by a "
                         "supervisor")


@dataclass(frozen=True)
class PhotoException:
    reason: str  # one of REASONS
    text: str = ""  # required for OTHER, optional details otherwise
    approved_by: str = ""  # the supervisor's user name (set by the registration service)
    approved_at: str = ""  # ISO 8601 UTC, set when the record is saved

    def problem(self) -> Message | None:
        """What is wrong with the clerk's request, or None."""
        if self.reason not in REASONS:
            return UNKNOWN_REASON
        if len(self.text) > MAX_TEXT:
            return TEXT_TOO_LONG
        if self.reason == OTHER and len(self.text.strip()) < MIN_OTHER_TEXT:
            return NEEDS_TEXT
        return None

    def label(self) -> Message:
        return REASONS.get(self.reason, REASONS[OTHER])

    def describe(self, language: str) -> str:
        """«المنتفع طريح الفراش — details» in the UI language (without who approved it)."""
        words = self.label().in_language(language)
        return f"{words} — {self.text.strip()}" if self.text.strip() else words

    def short(self, language: str) -> str:
        """For the card's photo box: the reason, or the clerk's own words for "other"."""
        if self.reason == OTHER and self.text.strip():
            return self.text.strip()
        return self.label().in_language(language)

    @classmethod
    def from_dict(cls, data: Any) -> "PhotoException | None":
        """From stored or received JSON; None for none. Anything malformed raises ValueError
        (HQ answers such a record "invalid_record")."""
        if data is None or data == {}:
            return None
        if not isinstance(data, dict):
            raise ValueError("photo_exception must be an object")
        values = {}
        for key in ("reason", "text", "approved_by", "approved_at"):
            value = data.get(key, "")
            if not isinstance(value, str) or len(value) > MAX_TEXT:
                raise ValueError(f"photo_exception.{key} must be a short string")
            values[key] = value
        if values["reason"] not in REASONS:
            raise ValueError("unknown photo exception reason")
        return cls(**values)
