"""The HQ-wide duplicate check answers the same from the stored profiles (hq/profiles.py) as from
the held records' JSON (the path it takes for records filed under another rule): random held
records and random near-copies of their people (numbers kept or not, names respelled, «ال»
dropped, parts swapped, birth dates moved, sex and mother changed, wives registered as holders,
dependants copied), checked both ways on one real HQ database, SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, event, given, settings, strategies as st
from sqlalchemy import update

from fundclient.domain.records import ArabicName, Beneficiary, Dependant, Sex
from fundclient.hq import duplicates, profiles
from fundclient.hq.db import open_engine, person_profiles, records

from sync_helpers import people

_RESPELL = [("أ", "ا"), ("ال", ""), ("ة", "ه"), ("ي", "ى"), ("محمد", "امحمد")]


def _respelled(name: ArabicName, how: int) -> ArabicName:
    if how == 0:
        return name
    if how == 1:  # family typed first
        return ArabicName(name.family, name.father, name.grandfather, name.first)
    if how == 2:  # no grandfather
        return replace(name, grandfather="")
    if how == 3:
        return ArabicName("سالم", name.father, name.grandfather, name.family)
    old, new = _RESPELL[how % len(_RESPELL)]
    return ArabicName(*(part.replace(old, new, 1) for part in (name.first, name.father, name.grandfather,
                                                                name.family)))


@st.composite
def _variant(draw, held: list[Beneficiary]) -> Beneficiary:
    source = draw(st.sampled_from(held))
    person = source
    if source.dependants and draw(st.booleans()):
        person = draw(st.sampled_from(source.dependants))  # a dependant at A, a holder at B
    born = person.date_of_birth
    move = draw(st.sampled_from(["same", "day", "swap", "year", "none"]))
    if born is not None and move == "day":
        born = born + timedelta(days=1)
    elif born is not None and move == "swap" and born.day <= 12:
        born = born.replace(month=born.day, day=born.month)
    elif born is not None and move == "year":
        born = born.replace(year=born.year + 1) if not (born.month == 2 and born.day == 29) else born
    elif move == "none":
        born = None
    number = draw(st.sampled_from([person.national_number, "", ("1" if person.national_number[:1] == "2" else "2")
                                   + person.national_number[1:]]))
    dependants = []
    if source.dependants and draw(st.integers(0, 3)) == 0:  # the same family registered again
        dependants = [replace(d, dependant_id=Dependant().dependant_id, card_number="") for d in source.dependants]
    return Beneficiary(national_number=number, name=_respelled(person.name, draw(st.integers(0, 8))),
                       mother_name=draw(st.sampled_from([source.mother_name, source.mother_name, "", "عائشة الفيتوري"])),
                       sex=person.sex if draw(st.booleans()) else (Sex.MALE if person.sex == Sex.FEMALE else Sex.FEMALE),
                       date_of_birth=born, office_code="BRK", dependants=dependants,
                       created_at=datetime(2026, 5, 6, tzinfo=timezone.utc))


@pytest.fixture
def engine(hq_dir, hq_database_url):
    """One migrated HQ database for all of a test's examples (each rolls its writes back)."""
    engine = open_engine(hq_dir, hq_database_url)
    yield engine
    engine.dispose()


def _answers(results) -> list:
    return [None if f is None else (f.other_record_id, f.other_office, f.other_date, f.kind, f.score, f.evidence)
            for f in results]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(seed=st.integers(1, 100_000), data=st.data())
def test_the_check_answers_the_same_from_stored_profiles_as_from_json(engine, seed, data):
    held = people(5, office="SBH", seed=seed)
    for n, person in enumerate(held):
        if n % 2:
            person.created_at = None  # registered on the day HQ received it
    batch = [(c.record_id, c.to_dict()) for c in data.draw(st.lists(_variant(held), min_size=1, max_size=4))]
    # (the undated ones are registered on the day HQ received them: the records' received_at and
    # the filing's moment, as in one ingest)
    received = datetime.now(timezone.utc)
    with engine.connect() as conn, conn.begin() as transaction:
        try:
            for person in held:
                record = person.to_dict()
                text = json.dumps(record)
                conn.execute(records.insert().values(
                    record_id=person.record_id, revision=person.revision, national_number=person.national_number,
                    office_code="SBH", device_id="d", batch_id="b", status="accepted",
                    sha256=hashlib.sha256(text.encode()).hexdigest(), data=text, received_at=received))
            duplicates.check_batch(conn, [(p.record_id, p.to_dict()) for p in held], "SBH")
            from_profiles = duplicates.read(conn, batch, "BRK")
            assert from_profiles.refile == []  # every held person compared from its stored profile
            conn.execute(update(person_profiles).values(rule=profiles.RULE + 1))  # another rule: JSON
            from_json = duplicates.read(conn, batch, "BRK")
            assert {r[0] for r in from_json.refile} <= {p.record_id for p in held}
            assert _answers(from_profiles.results) == _answers(from_json.results)
            for f in from_profiles.results:
                event(f"found: {f.kind} through {f.evidence['through']}, matched {f.evidence['matched']}" if f
                      else "not found")
        finally:
            transaction.rollback()

