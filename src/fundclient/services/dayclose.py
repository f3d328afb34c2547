"""Supervisor day close: review the day's registrations, approve or send back, close the day.

With `Settings.seal_on == "approval"` a revision is sealed for HQ only once approved, so
nothing leaves the office unchecked; with "save" (the default) approval is a local quality
step and the record has usually gone to HQ already.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo
from typing import TYPE_CHECKING

from fundclient.domain.day_close import DayCloseSummary, OperatorCounts
from fundclient.domain.duplicates import DuplicateMatch
from fundclient.errors import FundError, Message
from fundclient.services.changes import Changes
from fundclient.services.registration import duplicates
from fundclient.services.sealing import SealedIndex, photos_of, seal_records
from fundclient.storage.approvals import DayItem, ReturnedItem

if TYPE_CHECKING:
    from fundclient.services.session import Session

COMMENT_NEEDED = Message("Tell the clerk why the registration is sent back and what to correct.")
UNDECIDED_LEFT = Message("{count} of today's registrations still need a decision. Approve or send them back "
                         "before closing the day.")


@dataclass(frozen=True)
class ReviewItem:
    item: DayItem
    duplicates: list[DuplicateMatch]
    has_photo: bool

    @property
    def key(self) -> tuple[str, int]:
        return self.item.record_id, self.item.revision


def review_day(session: "Session", day: date) -> list[ReviewItem]:
    repo = session.store.beneficiaries
    return [ReviewItem(item, duplicates(session, item.beneficiary),
                       repo.photo(item.record_id, "portrait", item.revision) is not None)
            for item in session.store.approvals.day(day, session.settings.timezone)]


def approve(session: "Session", keys: list[tuple[str, int]], comment: str = "") -> Changes:
    for record_id, revision in keys:
        session.store.approvals.decide(record_id, revision, "approved", comment, by=session.username)
    changes = Changes(records={k[0] for k in keys}, beneficiaries=True)
    if session.settings.seal_on == "approval" and keys:
        repo = session.store.beneficiaries
        sealed = SealedIndex(session.data_dir).load()
        records = [repo.get(record_id, revision) for record_id, revision in keys if (record_id, revision) not in sealed]
        changes = changes.merge(seal_records(session, records, {r.record_id: photos_of(session, r) for r in records}))
    return changes


def send_back(session: "Session", key: tuple[str, int], comment: str) -> Changes:
    if not comment.strip():
        raise FundError(COMMENT_NEEDED, code="comment_needed")
    session.store.approvals.decide(key[0], key[1], "sent_back", comment.strip(), by=session.username)
    return Changes(records={key[0]}, beneficiaries=True)


def returned_to_me(session: "Session") -> list[ReturnedItem]:
    """What supervisors sent back to the logged-in employee and not yet resubmitted."""
    return session.store.approvals.returned(session.username)


def returned_count(session: "Session") -> int:
    return session.store.approvals.count_returned(session.username)


def summarise(session: "Session", day: date, items: list[ReviewItem] | None = None) -> DayCloseSummary:
    items = review_day(session, day) if items is None else items
    summary = DayCloseSummary(day, session.settings.office_code, session.username)
    for review in items:
        counts = summary.per_operator.setdefault(review.item.saved_by, OperatorCounts())
        counts.saved += 1
        decision = review.item.decision or "undecided"
        setattr(counts, decision, getattr(counts, decision) + 1)
        counts.home_visits += review.item.beneficiary.channel.value == "home_visit"
        summary.duplicates_flagged += bool(review.duplicates)
        summary.photo_exceptions += review.item.beneficiary.photo_exception is not None
    return summary


def office_today(session: "Session") -> date:
    """Today's date on the office's clock (not UTC: a registration at 01:00 in Sebha is today's)."""
    return datetime.now(ZoneInfo(session.settings.timezone)).date()


def close_day(session: "Session", day: date) -> DayCloseSummary:
    """The day's summary, once every registration of the day has a decision (audited)."""
    summary = summarise(session, day)
    left = summary.totals.undecided
    if left:
        raise FundError(UNDECIDED_LEFT.format(count=left), code="undecided_left")
    session.store.audit_event(session.username, "day_close", day=day.isoformat(),
                              saved=summary.totals.saved, approved=summary.totals.approved)
    return summary


def count_decisions(items: list[ReviewItem]) -> Counter:
    return Counter(item.item.decision or "undecided" for item in items)
