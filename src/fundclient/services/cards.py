"""Reprints and replacement cards: the new number, the revoked one, the audit entry and the
revocation's trip to HQ, in one place (the numbering decision itself is cards.replacement)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fundclient.cards.replacement import Reissue, ReissueReason, reissue_card
from fundclient.errors import FundError, Message
from fundclient.services.changes import Changes
from fundclient.services.registration import card_number_maker
from fundclient.services.sealing import seal_records

if TYPE_CHECKING:
    from fundclient.domain.records import Beneficiary
    from fundclient.services.session import Session

NO_CARD = Message("This person has no insurance card yet.")
NO_SUCH_DEPENDANT = Message("No such dependant on this record.")


def replace_card(session: "Session", record_id: str, reason: ReissueReason | str, note: str = "",
                 dependant_id: str = "") -> Changes:
    """A misprint reprints the same number (audited as a print). Any other reason gives a new
    card number, revokes the old one, saves a new revision (audited `card_replace`) and seals
    the revocation for HQ. `Changes.result` is the `Reissue`."""
    repo = session.store.beneficiaries
    record = repo.get(record_id)
    holder = _holder(record, dependant_id)
    if not holder.card_number:
        raise FundError(NO_CARD, code="no_card")
    numbers = card_number_maker(session)
    reissue = reissue_card(holder.card_number, ReissueReason(reason), by=session.username, note=note,
                           next_number=lambda: numbers(session.store.next_sequence("card")))
    if reissue.revocation is None:
        session.store.audit_event(session.username, "print", record_id, reason=ReissueReason.MISPRINT.value)
        return Changes(records={record_id}, result=reissue)
    holder.card_number = reissue.card_number
    record.card_history.append({**reissue.revocation.to_dict(), "revision": record.revision + 1,
                                "dependant_id": dependant_id})
    saved = repo.update(record, by=session.username, action="card_replace")
    changes = Changes(records={record_id}, beneficiaries=True)
    if session.settings.seal_on == "save":
        changes = changes.merge(seal_records(session, [saved]))
    changes.result = reissue
    return changes


def _holder(record: "Beneficiary", dependant_id: str):
    if not dependant_id:
        return record
    for dependant in record.dependants:
        if dependant.dependant_id == dependant_id:
            return dependant
    raise FundError(NO_SUCH_DEPENDANT, code="no_dependant")


__all__ = ["Reissue", "ReissueReason", "replace_card"]
