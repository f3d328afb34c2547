"""Stored duplicate profiles at HQ (migration 0012, hq/profiles.py, #11 item 7): every person of
a record HQ ingests — holder and dependants — is filed as the domain's own `DuplicateProfile`, in
compact columns, with the name shown, office and registration day; a new revision replaces them;
a refused record files none. Real offices syncing to a real HQ on 127.0.0.1, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from fundclient.domain.duplicates import profile
from fundclient.hq import profiles
from fundclient.hq.db import person_profiles
from fundclient.sync.engine import run_sync
from fundclient.sync.outbox import Outbox

from sync_helpers import enrol_office, people


def _send(data_dir, *records) -> None:
    Outbox(data_dir).seal([r.to_dict() for r in records])
    assert run_sync(data_dir).status == "ok"


def test_each_person_ingested_is_filed_as_the_domain_profile(hq, tmp_path):
    office = tmp_path / "office"
    office.mkdir()
    enrol_office(hq, office, "SBH")
    records = people(4, office="SBH", seed=31)
    records[0].created_at = datetime(2025, 3, 4, 9, 30, tzinfo=timezone.utc)
    assert any(r.dependants for r in records)
    _send(office, *records)
    with hq.ingestor.engine.connect() as conn:
        held = profiles.read(conn, [r.record_id for r in records] + ["not-held"])
    assert set(held) == {r.record_id for r in records}
    for record in records:
        filed = held[record.record_id]
        persons = [record, *record.dependants]
        assert [p.person for p in filed] == list(range(len(persons)))
        assert [p.role for p in filed] == ["holder"] + ["dependant"] * len(record.dependants)
        assert [p.profile for p in filed] == [profile(p) for p in persons]  # compares exactly as computed
        assert [p.shown for p in filed] == [p.name.full()[:120] for p in persons]
        assert {(p.revision, p.office_code) for p in filed} == {(record.revision, "SBH")}
    assert held[records[0].record_id][0].registered_on == "2025-03-04"


def test_a_new_revision_replaces_the_profiles_and_a_refused_record_files_none(hq, tmp_path):
    office = tmp_path / "office"
    office.mkdir()
    enrol_office(hq, office, "SBH")
    record = next(r for r in people(10, office="SBH", seed=32) if len(r.dependants) >= 2)
    _send(office, record)
    edited = record.next_revision(dependants=record.dependants[:1], mother_name="عائشة المبروك")
    _send(office, edited)
    refused = people(1, office="SBH", seed=33)[0]
    refused.national_number = ""  # missing_national_number: refused, never compared
    _send(office, refused)
    with hq.ingestor.engine.connect() as conn:
        held = profiles.read(conn, [record.record_id, refused.record_id])
        rows = conn.execute(select(func.count()).select_from(person_profiles)).scalar()
    assert [p.profile for p in held[record.record_id]] == [profile(edited), profile(edited.dependants[0])]
    assert {p.revision for p in held[record.record_id]} == {2}
    assert held[record.record_id][0].profile.mother == profile(edited).mother != profile(record).mother
    assert refused.record_id not in held and rows == 2


def _rules(hq) -> set[int]:
    with hq.ingestor.engine.connect() as conn:
        return set(conn.execute(select(person_profiles.c.rule).distinct()).scalars())


def test_the_check_compares_held_people_from_their_profiles_not_their_json(hq, tmp_path):
    """The held record's JSON is made unreadable after it was filed: the check still finds the
    same person from its stored profiles (it reads no candidate's JSON)."""
    from dataclasses import replace

    from fundclient.domain.records import Beneficiary
    from fundclient.hq.db import records as records_table
    from fundclient.sync.outbox import Outbox as _Outbox

    from sync_helpers import two_offices

    a, b = two_offices(hq, tmp_path)
    at_a = people(1, office="SBH", seed=41)[0]
    _send(a, at_a)
    with hq.ingestor.engine.begin() as conn:
        conn.execute(records_table.update().values(data="{not json"))
    at_b = replace(at_a, record_id=Beneficiary().record_id, office_code="BRK", dependants=[], card_number="")
    _send(b, at_b)
    answer = _Outbox(b).result_for(at_b.record_id, at_b.revision)
    assert (answer.status, answer.duplicate_of, answer.duplicate_office) == ("duplicate", at_a.record_id, "SBH")


def test_profiles_of_another_rule_are_compared_from_json_and_filed_again(hq, tmp_path):
    """A change of the profile rule (`profiles.RULE`): rows filed under another rule are never
    compared; the check compares their records from JSON (same answer) and files them again."""
    from dataclasses import replace

    from fundclient.domain.records import Beneficiary
    from fundclient.sync.outbox import Outbox as _Outbox

    from sync_helpers import two_offices

    a, b = two_offices(hq, tmp_path)
    at_a = next(p for p in people(10, office="SBH", seed=42) if p.dependants)
    _send(a, at_a)
    with hq.ingestor.engine.begin() as conn:
        conn.execute(person_profiles.update().values(rule=profiles.RULE - 1, first="", family="", sounds=""))
    with hq.ingestor.engine.connect() as conn:
        assert profiles.read(conn, [at_a.record_id]) == {}  # stale: not given to the check
    wife = at_a.dependants[0]
    # the wife, registered at B as a holder: found through A's dependant, from A's JSON
    at_b = replace(at_a, record_id=Beneficiary().record_id, office_code="BRK", dependants=[], card_number="",
                   name=wife.name, national_number=wife.national_number, date_of_birth=wife.date_of_birth,
                   sex=wife.sex)
    _send(b, at_b)
    answer = _Outbox(b).result_for(at_b.record_id, at_b.revision)
    assert (answer.status, answer.duplicate_of) == ("duplicate", at_a.record_id)
    assert _rules(hq) == {profiles.RULE}
    with hq.ingestor.engine.connect() as conn:
        held = profiles.read(conn, [at_a.record_id])
    assert [p.profile for p in held[at_a.record_id]] == [profile(at_a)] + [profile(d) for d in at_a.dependants]


def test_the_profile_rule_is_bumped_with_the_profiles():
    """HQ's stored profiles are compared only under the rule they were filed by (`profiles.RULE`).
    These are what rule 1 files for two people: when `domain.duplicates.profile` (name keys,
    sounds, the number's normal form) changes what it makes of them, this fails — bump
    `profiles.RULE` (HQ then compares the older rows from JSON and files them again) and write
    the new profiles here."""
    from datetime import date

    from fundclient.domain.duplicates import DuplicateProfile
    from fundclient.domain.records import ArabicName, Beneficiary, Sex

    assert profiles.RULE == 1
    held = Beneficiary(national_number="1 1968-0012 3456", name=ArabicName("أحمد", "امحمد", "علي", "الورفلي"),
                       mother_name="فاطمة الفرجاني", sex=Sex.MALE, date_of_birth=date(1968, 4, 15))
    assert profile(held) == DuplicateProfile(
        national_number="1196800123456", parts=("احمد", "امحمد", "علي", "الورفلي"),
        sounds=frozenset({"احمد", "ورفل", "محمد", "عل"}), words=("احمد", "الورفلي", "امحمد", "علي"), sex="M",
        date_of_birth=date(1968, 4, 15), mother="فاطمهالفرجاني")
    held = Beneficiary(name=ArabicName("عائشة", "", "", "بن سالم"), sex=Sex.FEMALE)
    assert profile(held) == DuplicateProfile(
        national_number="", parts=("عايشه", "", "", "بنسالم"), sounds=frozenset({"عشح", "بنسلم"}),
        words=("بنسالم", "عايشه"), sex="F", date_of_birth=None, mother="")
