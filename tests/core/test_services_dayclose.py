"""Supervisor day close on a real encrypted store: review, approve, send back, close."""

from __future__ import annotations


import pytest

from fundclient import storage
from fundclient.domain.synthetic import generate
from fundclient.errors import AuthError, FundError
from fundclient.services import dayclose, registration
from fundclient.services.session import login

PASSWORD = "correct horse 1"


@pytest.fixture
def office(data_dir):
    storage.initialise(data_dir, "SEB", "admin", PASSWORD, provisional_device_number=901)
    admin = login(data_dir, "admin", PASSWORD)
    admin.store.operators.add("clerk", PASSWORD, "clerk", by="admin")
    admin.store.operators.add("super", PASSWORD, "supervisor", by="admin")
    admin.close()
    return data_dir


def today(session):
    return dayclose.office_today(session)


def test_review_approve_send_back_and_close(office):
    clerk = login(office, "clerk", PASSWORD)
    saved = [registration.register(clerk, p).result for p in generate(3, seed=11)]
    with pytest.raises(AuthError):
        dayclose.approve(clerk, [(saved[0].record_id, 1)])
    clerk.close()

    supervisor = login(office, "super", PASSWORD)
    try:
        items = dayclose.review_day(supervisor, today(supervisor))
        assert [i.key for i in items] == [(r.record_id, 1) for r in saved]
        assert all(i.item.saved_by == "clerk" for i in items)
        with pytest.raises(FundError):
            dayclose.close_day(supervisor, today(supervisor))  # nothing decided yet
        dayclose.approve(supervisor, [items[0].key, items[1].key])
        with pytest.raises(FundError):
            dayclose.send_back(supervisor, items[2].key, "   ")
        dayclose.send_back(supervisor, items[2].key, "صورة غير واضحة")
        summary = dayclose.close_day(supervisor, today(supervisor))
        counts = summary.per_operator["clerk"]
        assert (counts.saved, counts.approved, counts.sent_back, counts.undecided) == (3, 2, 1, 0)
        decided = {i.key: (i.item.decision, i.item.comment) for i in dayclose.review_day(supervisor, today(supervisor))}
        assert decided[items[2].key] == ("sent_back", "صورة غير واضحة")
        assert supervisor.store.audit.verify().ok
    finally:
        supervisor.close()


def test_a_day_with_nothing_saved_closes_empty(office):
    supervisor = login(office, "super", PASSWORD)
    try:
        assert dayclose.close_day(supervisor, today(supervisor)).totals.saved == 0
    finally:
        supervisor.close()


def test_the_day_is_the_office_s_day_not_utc():
    from datetime import date

    from fundclient.storage.approvals import _utc_bounds

    # Sebha is UTC+2: its 23 November runs from 22:00 UTC on the 22nd.
    assert _utc_bounds(date(2026, 11, 23), "Africa/Tripoli") == ("2026-11-22T22:00:00+00:00",
                                                                 "2026-11-23T22:00:00+00:00")


def test_a_record_sent_back_reaches_its_clerk_and_the_resubmission_returns_to_day_close(office):
    clerk = login(office, "clerk", PASSWORD)
    saved = [registration.register(clerk, p).result for p in generate(2, seed=12)]
    assert dayclose.returned_count(clerk) == 0
    clerk.close()
    supervisor = login(office, "super", PASSWORD)
    try:
        dayclose.approve(supervisor, [(saved[0].record_id, 1)])
        dayclose.send_back(supervisor, (saved[1].record_id, 1), "رقم المعاش ناقص")
        assert dayclose.returned_count(supervisor) == 0  # returned to the clerk, not to her
    finally:
        supervisor.close()

    clerk = login(office, "clerk", PASSWORD)
    try:
        [item] = dayclose.returned_to_me(clerk)
        assert (item.record_id, item.comment, item.decided_by) == (saved[1].record_id, "رقم المعاش ناقص", "super")
        assert item.beneficiary.name.full() == saved[1].name.full()
        fixed = clerk.store.beneficiaries.get(item.record_id)
        fixed.category_fields["pension_number"] = "7788123"
        registration.edit(clerk, fixed)  # the clerk's correction: revision 2
        assert dayclose.returned_count(clerk) == 0 and dayclose.returned_to_me(clerk) == []
    finally:
        clerk.close()

    supervisor = login(office, "super", PASSWORD)
    try:
        again = [i for i in dayclose.review_day(supervisor, today(supervisor)) if i.key == (saved[1].record_id, 2)]
        assert again and again[0].item.decision == "" and again[0].item.sent_back_before == "رقم المعاش ناقص"
        dayclose.approve(supervisor, [again[0].key])
        dayclose.close_day(supervisor, today(supervisor))
    finally:
        supervisor.close()
