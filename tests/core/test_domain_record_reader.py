"""The one reader of a record's JSON (`domain.records.typed_values`): what `Beneficiary.from_dict`
builds its objects from and what HQ reads a received record's people from (hq/people.py) — so the
refusal rules live once. Real records read back as they were written; each rule refuses what it
refused before; the input is never changed."""

from __future__ import annotations

import copy
import json
from datetime import date, datetime

import pytest

from fundclient.domain.records import (Beneficiary, Channel, MaritalStatus, RecordStatus, Relation, Sex,
                                       typed_values)
from fundclient.domain.synthetic import generate

REAL = [json.loads(json.dumps(b.to_dict(), ensure_ascii=False)) for b in generate(40, seed=81)]


def test_real_records_are_read_as_they_were_written():
    for b, record in zip(generate(40, seed=81), REAL):
        before = copy.deepcopy(record)
        values = typed_values(record)
        assert record == before  # the input is not changed
        assert values["name"] == (b.name.first, b.name.father, b.name.grandfather, b.name.family)
        assert values["sex"] is b.sex and values["marital_status"] is b.marital_status
        assert values["date_of_birth"] == b.date_of_birth
        assert isinstance(values["created_at"], datetime)
        assert [d["name"] for d in values["dependants"]] == [
            (d.name.first, d.name.father, d.name.grandfather, d.name.family) for d in b.dependants]
        assert [(d["relation"], d["sex"]) for d in values["dependants"]] == [(d.relation, d.sex) for d in b.dependants]
        assert Beneficiary.from_dict(record) == b
    assert sum(len(r["dependants"]) for r in REAL) > 20


def test_absent_fields_take_the_records_defaults():
    values = typed_values({"dependants": [{}]})
    assert values["name"] == ("", "", "", "")
    assert values["dependants"][0]["relation"] is Relation.OTHER and values["dependants"][0]["sex"] is Sex.FEMALE
    assert "sex" not in values and values["photo_exception"] is None
    b = Beneficiary.from_dict({"dependants": [{}], "unknown": 1})
    assert b.sex is Sex.MALE and b.channel is Channel.OFFICE and b.status is RecordStatus.ACTIVE
    assert b.marital_status is MaritalStatus.MARRIED and b.dependants[0].relation is Relation.OTHER


@pytest.mark.parametrize("change, error", [
    ({"name": []}, TypeError), ({"name": "محمد"}, TypeError), ({"name": {"middle": "x"}}, TypeError),
    ({"dependants": "x"}, AttributeError), ({"dependants": {"a": 1}}, AttributeError), ({"dependants": None}, TypeError),
    ({"dependants": [[]]}, AttributeError), ({"dependants": [{"name": {"x": ""}}]}, TypeError),
    ({"dependants": [{"relation": "cousin"}]}, ValueError), ({"dependants": [{"sex": "X"}]}, ValueError),
    ({"dependants": [{"date_of_birth": "1970-13-01"}]}, ValueError),
    ({"sex": "m"}, ValueError), ({"marital_status": ["single"]}, ValueError), ({"channel": 1}, ValueError),
    ({"status": "gone"}, ValueError), ({"date_of_birth": "20200101x"}, ValueError), ({"date_of_birth": 5}, TypeError),
    ({"created_at": "yesterday"}, ValueError), ({"updated_at": "2025-03-04T25:00:00"}, ValueError),
    ({"photo_exception": 5}, ValueError),
])
def test_each_rule_refuses_as_from_dict_does(change, error):
    record = {**REAL[0], **change}
    with pytest.raises(error):
        typed_values(record)
    with pytest.raises(error):
        Beneficiary.from_dict(record)


@pytest.mark.parametrize("change", [
    {"dependants": ""}, {"dependants": {}}, {"dependants": []}, {"created_at": 5}, {"date_of_birth": ""},
    {"date_of_birth": 0}, {"mother_name": 7}, {"name": {"first": 5}}, {"photo_exception": {}}, {"photo_exception": None},
])
def test_what_from_dict_lets_through_is_read(change):
    record = {**REAL[0], **change}
    values = typed_values(record)
    assert Beneficiary.from_dict(record) is not None
    if "date_of_birth" in change:
        assert values["date_of_birth"] == change["date_of_birth"]  # (falsy: kept as it is, no date)
    if change.get("dependants") in ("", {}):
        assert values["dependants"] == []
