"""Repositories on a real encrypted DB: records, revisions, photos, searches, sync state,
sequences, drafts, reports."""

from __future__ import annotations

import csv
import threading
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from fundclient.domain.records import ArabicName, Beneficiary, Channel, Dependant, Photo, RecordStatus
from fundclient.storage import NotPermitted, Role, initialise, open_store
from fundclient.storage.errors import CardNumberTaken, StaleRevision
from fundclient.storage.report_export import export_report


@pytest.fixture
def store(data_dir):
    initialise(data_dir, "SEB", "admin", "admin-pass-1", "مدير النظام")
    store, _ = open_store(data_dir, "admin", "admin-pass-1")
    yield store
    store.close()


def person(first="أحمد", father="محمد", grandfather="علي", family="الورفلي", nn="119550123456", **kw):
    return Beneficiary(national_number=nn, name=ArabicName(first, father, grandfather, family),
                       date_of_birth=date(1955, 3, 1), **kw)


def test_add_get_history_and_photo(store):
    b = person(dependants=[Dependant(name=ArabicName("فاطمة", "سالم", "", "القذافي"))], mobile="+218912345678")
    store.beneficiaries.add(b, by="admin", photos=[Photo(b"\xff\xd8jpeg" * 100, quality={"sharp": 0.9})])
    got = store.beneficiaries.get(b.record_id)
    assert got.to_dict() == b.to_dict()
    edited = got
    edited.address = "سبها - حي الجديد"
    second = store.beneficiaries.update(edited, by="admin", photos=[Photo(b"doc", kind="document")])
    assert second.revision == 2
    history = store.beneficiaries.history(b.record_id)
    assert [h.revision for h in history] == [1, 2]
    assert history[0].beneficiary.address == "" and history[1].beneficiary.address == "سبها - حي الجديد"
    # The revision-1 portrait is still the current portrait; the document belongs to revision 2.
    assert store.beneficiaries.photo(b.record_id).quality == {"sharp": 0.9}
    assert store.beneficiaries.photo(b.record_id, "document").data == b"doc"
    assert store.beneficiaries.photo(b.record_id, "document", revision=1) is None
    assert store.counters() == {"records": 1, "dependants": 1, "pending_sync": 2, "revisions": 2}


def test_stale_revision_is_refused(store):
    b = store.beneficiaries.add(person(), by="admin")
    first = store.beneficiaries.get(b.record_id)
    other = store.beneficiaries.get(b.record_id)
    store.beneficiaries.update(first, by="admin")
    with pytest.raises(StaleRevision):
        store.beneficiaries.update(other, by="admin")


def test_card_numbers_unique_and_sequenced(store):
    fmt = lambda n: f"SEB{n:06d}"  # noqa: E731
    a = store.beneficiaries.add(person(nn="119550000001"), by="admin", card_number_from=fmt)
    b = store.beneficiaries.add(person(nn="119550000002"), by="admin", card_number_from=fmt)
    assert (a.card_number, b.card_number) == ("SEB000001", "SEB000002")
    with pytest.raises(CardNumberTaken):
        store.beneficiaries.add(person(nn="119550000003", card_number="SEB000001"), by="admin")
    assert store.counters()["records"] == 2
    assert store.next_sequence("receipt") == 1 and store.next_sequence("receipt") == 2


def test_search_detects_what_was_typed(store):
    b = store.beneficiaries.add(person(mobile="+218912345678", card_number="SEB000777",
                                       dependants=[Dependant(national_number="219900000011")]), by="admin")
    store.beneficiaries.add(person("سالم", "عمر", "خليفة", "المقرحي", nn="119600000002"), by="admin")
    assert [h.matched_by for h in store.beneficiaries.search("١١٩٥٥٠١٢٣٤٥٦")] == ["national_number"]
    assert [h.matched_by for h in store.beneficiaries.search("219900000011")] == ["dependant_national_number"]
    assert [h.matched_by for h in store.beneficiaries.search("091-2345678")] == ["phone"]
    assert [h.record_id for h in store.beneficiaries.search("seb000777")] == [b.record_id]
    # Spelling variants: hamza, taa marbuta, a typo'd sound, unfinished last word.
    for typed in ("احمد محمد", "أحمد", "احمد الورف", "أحمد محمد علي الورفلى"):
        hits = store.beneficiaries.search(typed)
        assert hits and hits[0].record_id == b.record_id, typed
    assert store.beneficiaries.search("خديجة") == []
    assert store.beneficiaries.search("   ") == []


def test_possible_duplicates_uses_domain_scoring(store):
    original = store.beneficiaries.add(person(mother_name="زينب"), by="admin")
    store.beneficiaries.add(person("سالم", "أحمد", "محمد", "الورفلي", nn="119800000001"), by="admin")
    variant = person("احمد", "امحمد", "على", "الورفلي", nn="", mother_name="زينب")
    matches = store.beneficiaries.possible_duplicates(variant)
    assert [m.existing.record_id for m in matches] == [original.record_id]
    same_number = person("محمود", nn="119550123456")
    assert store.beneficiaries.possible_duplicates(same_number)[0].certain


def test_status_change_needs_a_supervisor(store):
    b = store.beneficiaries.add(person(), by="admin")
    store.operators.add("clerk1", "clerk-pass-1", Role.CLERK, full_name="موظف", by="admin")
    with pytest.raises(NotPermitted):
        store.beneficiaries.set_status(b.record_id, RecordStatus.DECEASED, "وفاة", by="clerk1")
    after = store.beneficiaries.set_status(b.record_id, RecordStatus.DECEASED, "وفاة", by="admin")
    assert after.status == RecordStatus.DECEASED and after.revision == 2
    assert store.audit.entries()[-1].action == "status"


def test_sync_state_per_revision(store):
    b = store.beneficiaries.add(person(), by="admin")
    store.beneficiaries.update(store.beneficiaries.get(b.record_id), by="admin")
    assert store.beneficiaries.pending_sync_count() == 2
    assert store.beneficiaries.pending_sync() == [(b.record_id, 1), (b.record_id, 2)]
    store.beneficiaries.set_sync_state(b.record_id, 1, "accepted")
    store.beneficiaries.set_sync_state(b.record_id, 2, "rejected", "bad_photo")
    assert store.beneficiaries.sync_state(b.record_id, 2) == ("rejected", "bad_photo")
    assert store.beneficiaries.pending_sync_count() == 0
    with pytest.raises(ValueError):
        store.beneficiaries.set_sync_state(b.record_id, 1, "lost")


def test_drafts_per_operator(store):
    store.drafts.save("admin", "d1", '{"name": "أحمد"}')
    store.drafts.save("admin", "d1", '{"name": "أحمد محمد"}')
    store.drafts.save("other", "d2", "{}")
    assert [d.draft_id for d in store.drafts.list("admin")] == ["d1"]
    assert store.drafts.load("admin", "d1") == '{"name": "أحمد محمد"}'
    assert store.drafts.load("admin", "d2") is None
    assert store.drafts.delete("admin", "d1") and not store.drafts.delete("admin", "d1")


def test_reports_grouped_and_exported(store, tmp_path):
    store.operators.add("clerk1", "clerk-pass-1", Role.CLERK, by="admin")
    store.beneficiaries.add(person(municipality="سبها", dependants=[Dependant(), Dependant()]), by="admin")
    store.beneficiaries.add(person(nn="1", municipality="براك", channel=Channel.HOME_VISIT), by="clerk1")
    today = date.today()
    by_operator = store.reports.counts(today - timedelta(days=1), today, "operator")
    assert {(r.group, r.records, r.dependants) for r in by_operator} == {("admin", 1, 2), ("clerk1", 1, 0)}
    assert {r.group for r in store.reports.counts(today, today, "channel")} == {"office", "home_visit"}
    assert store.reports.counts(today + timedelta(days=1), today + timedelta(days=2)) == []
    rows = store.reports.counts(today, today, "municipality")
    with open(export_report(rows, tmp_path / "r.csv"), encoding="utf-8-sig") as fh:
        assert ["سبها", "1", "2"] in list(csv.reader(fh))
    sheet = load_workbook(export_report(rows, tmp_path / "r.xlsx", language="en")).active
    assert ["Group", "Number of beneficiaries", "Number of dependants"] == [c.value for c in sheet[1]]


def test_writer_and_reader_threads(store):
    """One thread writes while another searches (the UI's two executors)."""
    errors = []

    def write():
        try:
            for i in range(30):
                store.beneficiaries.add(person(nn=f"1195500{i:05d}"), by="admin")
        except Exception as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)

    def read():
        try:
            for _ in range(60):
                store.beneficiaries.search("احمد")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=write), threading.Thread(target=read)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert store.counters()["records"] == 30


def test_sync_states_in_one_batch(store):
    a = store.beneficiaries.add(person(), by="admin")
    b = store.beneficiaries.add(person(nn="2"), by="admin")
    updated = store.beneficiaries.set_sync_states([(a.record_id, 1, "accepted", ""), (b.record_id, 1, "duplicate",
                                                   "same_national_number"), ("missing", 1, "accepted", "")])
    assert updated == 2 and store.beneficiaries.pending_sync_count() == 0
    assert store.audit.entries()[-1].detail == {"results": 3, "updated": 2}


def test_other_packages_audit_codes(store):
    store.audit_event("admin", "override")
    with pytest.raises(ValueError):
        store.audit_event("admin", "Not A Code!")
