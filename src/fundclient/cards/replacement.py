"""Reprints and replacement cards: which number the new card gets and what gets revoked (no Qt, no DB).

A card that never left the office (spoiled in the printer) is printed again under the same
number. Any card that was handed over — lost, stolen, damaged, or replaced because its data
changed — may still be in someone's hands, so the new card gets a new number and the old number
is revoked. The app stores the returned `CardRevocation`, queues it for sync to HQ and writes the
audit entry; HQ keeps both numbers so an old card is recognised as revoked, not unknown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from enum import Enum
from typing import Callable

from fundclient.domain.card_numbers import normalise
from fundclient.domain.records import Beneficiary
from fundclient.errors import FundError, Message


class ReissueReason(str, Enum):
    MISPRINT = "misprint"  # spoiled before it was handed over: same number
    LOST = "lost"
    STOLEN = "stolen"
    DAMAGED = "damaged"
    DATA_CHANGED = "data_changed"
    EXPIRED = "expired"


REASON_LABELS = {
    ReissueReason.MISPRINT: Message("Misprint before hand-over"),
    ReissueReason.LOST: Message("Card lost"),
    ReissueReason.STOLEN: Message("Card stolen"),
    ReissueReason.DAMAGED: Message("Card damaged"),
    ReissueReason.DATA_CHANGED: Message("Beneficiary's data changed"),
    ReissueReason.EXPIRED: Message("Card expired"),
}
NEEDS_OPERATOR = Message("The issuing operator is required")
SAME_NUMBER = Message("The new card number must differ from the revoked one")


@dataclass(frozen=True)
class CardRevocation:
    """The old number is no longer valid; synced to HQ like a record change."""

    old_number: str
    new_number: str
    reason: ReissueReason
    at: datetime
    by: str
    note: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"old_number": self.old_number, "new_number": self.new_number, "reason": self.reason.value,
                "at": self.at.isoformat(), "by": self.by, "note": self.note}

    def to_outbox_item(self, record_id: str = "") -> dict[str, str]:
        """The item sync.outbox seals for HQ (`card_revocations=[...]`); HQ puts the old number on
        the revoked list every device pulls."""
        return {"card_number": self.old_number, "replacement_card_number": self.new_number,
                "reason": self.reason.value, "record_id": record_id, "at": self.at.isoformat(), "by": self.by}

    @classmethod
    def from_dict(cls, data: dict[str, str]) -> "CardRevocation":
        return cls(data["old_number"], data["new_number"], ReissueReason(data["reason"]),
                   datetime.fromisoformat(data["at"]), data["by"], data.get("note", ""))


@dataclass(frozen=True)
class Reissue:
    card_number: str  # the number to print
    revocation: CardRevocation | None  # None for a misprint reprint


def reissue_card(current_number: str, reason: ReissueReason, *, by: str,
                 next_number: Callable[[], str], at: datetime | None = None, note: str = "") -> Reissue:
    """Decide the new card's number. `next_number` draws a fresh number (the device's next
    sequence); it is called only when a new number is needed, so no sequence is wasted."""
    if not by.strip():
        raise FundError(NEEDS_OPERATOR, code="card_reissue")
    current = normalise(current_number)
    reason = ReissueReason(reason)
    if reason is ReissueReason.MISPRINT:
        return Reissue(current, None)
    new_number = normalise(next_number())
    if new_number == current:
        raise FundError(SAME_NUMBER, code="card_reissue")
    moment = at or datetime.now(timezone.utc).replace(microsecond=0)
    return Reissue(new_number, CardRevocation(current, new_number, reason, moment, by, note))


def revocations_of(record: Beneficiary) -> list[dict]:
    """The outbox items for the cards this revision replaced (sealed with the revision)."""
    return [CardRevocation.from_dict(entry).to_outbox_item(record.record_id)
            for entry in record.card_history if entry.get("revision") == record.revision]
