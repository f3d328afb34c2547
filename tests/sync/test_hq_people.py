"""HQ reads a received record's people straight from its JSON (hq/people.py, #11 item 7): exactly
as strict as `Beneficiary.from_dict` — it refuses every record the domain's parse refuses and
no other (but one whose name cannot be shown) — and each person's duplicate profile and shown
name are the ones `domain.duplicates.profile` and `ArabicName.full` give for the parsed record.
Real synthetic records, and hostile ones made from them field by field (hypothesis); then a real
office's batch with such records through a real HQ on 127.0.0.1."""

from __future__ import annotations

import copy
import json

from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import select

from fundclient.domain.duplicates import profile
from fundclient.domain.records import Beneficiary
from fundclient.domain.synthetic import generate
from fundclient.hq import people
from fundclient.hq.db import records as records_table
from fundclient.sync.engine import run_sync
from fundclient.sync.outbox import Outbox

from sync_helpers import enrol_office

SETTINGS = settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
PARSE_ERRORS = (TypeError, ValueError, KeyError, AttributeError, RecursionError)  # what ingest refuses on

# Real records as an office sends them (JSON round trip: what HQ decodes), with dependants.
REAL = [json.loads(json.dumps(b.to_dict(), ensure_ascii=False)) for b in generate(60, seed=77)]


def _parsed(record: dict) -> Beneficiary | None:
    try:
        return Beneficiary.from_dict(record)
    except PARSE_ERRORS:
        return None


def _shown(person) -> str | None:
    try:
        return person.name.full()
    except TypeError:  # a name part that is not text: cannot be shown
        return None


def _assert_same(record: dict) -> None:
    """`people.read` answers as the domain's parse would, and profiles as the domain does."""
    parsed = _parsed(record)
    holder = people.read(record)
    if parsed is None:
        assert holder is None, "HQ accepted a record the domain's parse refuses"
        return
    persons = [parsed, *parsed.dependants]
    if any(_shown(p) is None for p in persons):
        assert holder is None, "a name that cannot be shown was accepted"
        return
    assert holder is not None, "HQ refused a record the domain's parse accepts"
    read = [holder, *holder.dependants]
    assert [p.profile for p in read] == [profile(p) for p in persons]
    assert [p.name.full() for p in read] == [p.name.full() for p in persons]
    assert {p.record_id for p in read} == {record["record_id"]}


def test_real_records_read_as_the_domain_parses_them():
    assert sum(len(r["dependants"]) for r in REAL) > 60
    for record in REAL:
        _assert_same(record)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)
dates = st.sampled_from(["1970-01-01", "2020-02-29", "2021-02-29", "20200101", "2020-W01-1", "2020-1-1", " 2020-01-01",
                         "", "0", "2020-01-01T00:00:00", "١٩٧٠-٠١-٠١"]) | json_values
date_times = st.sampled_from(["2025-03-04T09:30:00+00:00", "2025-03-04", "2025-03-04T25:00:00", "yesterday", ""]) \
    | json_values
codes = st.sampled_from(["M", "F", "m", "", "single", "married", "office", "home_visit", "active", "moved", "spouse",
                         "son", "daughter", "other", "OTHER"]) | json_values
name_values = st.sampled_from(["", "محمد", "عبد الله", " ", "Ali"]) | json_values
names = st.dictionaries(st.sampled_from(["first", "father", "grandfather", "family", "middle", "First"]),
                        name_values, max_size=5) | json_values
photo_exceptions = st.none() | st.just({}) | st.fixed_dictionaries(
    {}, optional={"reason": st.sampled_from(["bedridden", "other", "nope"]) | json_values, "text": json_values,
                  "approved_by": st.text(max_size=5), "approved_at": st.text(max_size=5)}) | json_values

HOLDER_FIELDS = {"name": names, "sex": codes, "marital_status": codes, "channel": codes, "status": codes,
                 "date_of_birth": dates, "created_at": date_times, "updated_at": date_times,
                 "photo_exception": photo_exceptions, "mother_name": name_values, "national_number": name_values,
                 "dependants": st.sampled_from(["", {}, "x", {"a": 1}, [], None, 0, [1], ["x"], [[]], [{}]])
                 | json_values}
DEPENDANT_FIELDS = {"name": names, "sex": codes, "relation": codes, "date_of_birth": dates,
                    "national_number": name_values, "card_number": json_values, "unknown": json_values}


@st.composite
def hostile_records(draw) -> dict:
    record = copy.deepcopy(draw(st.sampled_from(REAL)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        dependants = record.get("dependants")
        if isinstance(dependants, list) and dependants and isinstance(dependants[0], dict) and draw(st.booleans()):
            target = dependants[draw(st.integers(min_value=0, max_value=len(dependants) - 1))]
            if not isinstance(target, dict):
                continue
            key = draw(st.sampled_from(sorted(DEPENDANT_FIELDS)))
            fields = DEPENDANT_FIELDS
        else:
            target, key, fields = record, draw(st.sampled_from(sorted(HOLDER_FIELDS))), HOLDER_FIELDS
        if draw(st.integers(min_value=0, max_value=7)) == 0:
            target.pop(key, None)
        elif key == "name" and isinstance(target.get("name"), dict) and draw(st.booleans()):
            target["name"][draw(st.sampled_from(["first", "father", "grandfather", "family", "x"]))] = \
                draw(name_values)
        else:
            target[key] = draw(fields[key])
    return record


@SETTINGS
@given(hostile_records())
def test_hostile_records_are_refused_exactly_as_the_domain_parse_refuses_them(record):
    _assert_same(record)


def test_the_usual_refusals_are_each_seen():
    """The property above meets each kind of answer (else it proves little)."""
    base = REAL[0]
    cases = {"name": [], "sex": "X", "date_of_birth": "1970-13-01", "dependants": [[]], "photo_exception": 5,
             "created_at": "yesterday", "status": "gone"}
    for key, value in cases.items():
        record = {**base, key: value}
        assert _parsed(record) is None and people.read(record) is None, key
    for key, value in {"dependants": "", "created_at": 5, "date_of_birth": "", "mother_name": 7}.items():
        record = {**base, key: value}
        assert _parsed(record) is not None and people.read(record) is not None, key
    record = {**base, "name": {"first": 5}}
    assert _parsed(record) is not None and people.read(record) is None  # cannot be shown


def test_a_record_whose_name_cannot_be_shown_is_refused_and_its_batch_stored(hq, tmp_path):
    """Before hq/people.py such a record passed the domain's parse and failed its whole batch
    when its profiles were filed (`ArabicName.full`), so the office sent it again for ever."""
    office = tmp_path / "office"
    office.mkdir()
    enrol_office(hq, office, "SBH")
    good, bad, bad_dependant = (json.loads(json.dumps(b.to_dict(), ensure_ascii=False))
                                for b in generate(3, seed=78))
    for record in (good, bad, bad_dependant):
        record["office_code"] = "SBH"
    bad["name"]["first"] = 5
    bad_dependant["dependants"] = [{"name": {"first": ["x"]}, "relation": "son", "sex": "M"}]
    Outbox(office).seal([good, bad, bad_dependant])
    assert run_sync(office).status == "ok"
    with hq.ingestor.engine.connect() as conn:
        held = set(conn.execute(select(records_table.c.record_id)).scalars())
    assert held == {good["record_id"]}
