"""The stored JSON of a revision (`storage.records_json.dump`, written by orjson) is the very
text the standard library wrote before (`json.dumps(to_dict(), ensure_ascii=False,
separators=(",", ":"))`), and reads back to the same record."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from fundclient.domain.photo_exception import CAMERA_BROKEN, PhotoException
from fundclient.domain.records import ArabicName, Beneficiary, Dependant, MaritalStatus, RecordStatus, Relation, Sex
from fundclient.domain.synthetic import generate
from fundclient.storage.records_json import dump, dump_stdlib, load


def test_synthetic_records_are_written_as_the_standard_library_wrote_them():
    records = generate(1_500, seed=21, near_duplicate_rate=0.05, sibling_rate=0.3)
    for record in records:
        text = dump(record)
        assert text == dump_stdlib(record)
        assert load(text) == record
        assert load(text.encode()) == record


def test_odd_texts_dates_and_nested_values_are_written_alike():
    odd = 'سطر\nثانٍ\t"مقتبس" \\ \x01\x1f \u200f\u2028 😀 ﻻ'
    record = Beneficiary(
        national_number="119900000001", name=ArabicName("مُحَمَّد", "عليّ", "", "الورفلّي"), latin_name="O'Neil-Al.",
        mother_name=odd, sex=Sex.FEMALE, date_of_birth=date(1900, 1, 1), marital_status=MaritalStatus.WIDOWED,
        notes=odd, category_fields={"pension_number": "007", "مفتاح": odd}, status=RecordStatus.MOVED,
        dependants=[Dependant(ArabicName("زينب"), Relation.DAUGHTER, Sex.FEMALE, date(2020, 2, 29), "2" * 12)],
        created_at=datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=timezone.utc),
        updated_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=2))),
        photo_exception=PhotoException(CAMERA_BROKEN, "نص", "sup", "2026-01-02T03:04:05+00:00"),
        card_history=[{"old_number": "1", "revision": 3, "note": odd, "nested": [1, None, True, {"a": "b"}]}])
    for each in (record, replace(record, created_at=datetime(2026, 5, 6, 7, 8, 9)), Beneficiary()):
        assert dump(each) == dump_stdlib(each)
        assert load(dump(each)) == each


def test_what_orjson_refuses_is_written_by_the_standard_library():
    record = Beneficiary(notes="\ud800 alone", card_history=[{"big": 2 ** 70}])
    assert dump(replace(record, notes="")) == dump_stdlib(replace(record, notes=""))  # the 2**70: fallback
    assert dump(record) == dump_stdlib(record)  # the lone surrogate: fallback too


def test_a_transient_record_is_the_same_record_with_the_same_json():
    """`from_dict(transient=True)` (a bulk build's helper: objects made without `__init__`) gives
    records equal to `from_dict`'s, written to the same text — also when the JSON leaves fields
    out (then `__init__` fills their defaults) or holds keys that are not fields."""
    from fundclient.domain.records import _jsonable

    records = generate(300, seed=22, near_duplicate_rate=0.05, sibling_rate=0.3)
    for record in records:
        data = record.to_dict()
        made = Beneficiary.from_dict(_jsonable(record), transient=True)
        assert made == Beneficiary.from_dict(data) == record
        assert dump(made) == dump(record) == dump_stdlib(made)
        assert all(type(d) is Dependant for d in made.dependants) and type(made) is Beneficiary
    partial = records[0].to_dict()
    for key in ("notes", "card_history", "status"):
        del partial[key]
    partial["not_a_field"] = 1
    partial["dependants"][0].pop("card_number")
    made = Beneficiary.from_dict(dict(partial), transient=True)
    assert made == Beneficiary.from_dict(dict(partial))
    assert dump(made) == dump(Beneficiary.from_dict(dict(partial)))
    assert made.notes == "" and made.card_history == [] and made.dependants[0].card_number == ""
