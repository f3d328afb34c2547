"""#11 item 8: an import's helper process makes each valid row's rows and duplicate keys before
the card numbers are known (`storage.rows.unnumbered_rows`, `duplicate_candidates.record_keys`);
the importing process patches the numbers in (`rows.numbered_rows`). The result is exactly the
rows a save of the numbered record writes — whatever the record holds (no dependants, four,
text that looks like a card number's JSON) — and a record the patching cannot place is made anew."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings, strategies as st

from fundclient.domain.records import Dependant
from fundclient.domain.synthetic import SyntheticGenerator
from fundclient.storage.duplicate_candidates import form_numbers, record_keys
from fundclient.domain.duplicate_keys import person_keys
from fundclient.storage.rows import (current_row, dependant_rows, numbered_rows, ready_for_import, revision_row,
                                     unnumbered_rows)

SAVED_AT = "2026-11-30T06:00:00+00:00"


def _numbered(record, first: int):
    for offset, person in enumerate((record, *record.dependants)):
        person.card_number = f"SBH-901-{first + offset:07d}-{offset % 10}"
    return record


def _as_saved(record):
    return current_row(record), revision_row(record, "admin", SAVED_AT), dependant_rows(record)


def _made(record):
    ready_for_import(record, "SBH")
    record.created_by, record.updated_by = record.created_by or "admin", "admin"
    made = unnumbered_rows(record, record_keys(record)[2])  # as the import's helper makes them
    assert made == unnumbered_rows(record)  # the people's keys made once: the same rows
    return made


def test_patched_rows_are_the_rows_of_the_numbered_record():
    maker = SyntheticGenerator(seed=11, near_duplicate_rate=0.1, sibling_rate=0.3)
    seen_dependants = set()
    for i in range(400):
        record = maker.next()
        record.card_number = "stale"  # whatever the row said: numbers are given at the save
        made = _made(record)
        _numbered(record, 1000 + 5 * i)
        assert numbered_rows(made, record, "admin", SAVED_AT) == _as_saved(record)
        seen_dependants.add(len(record.dependants))
    assert {0, 1, 2} <= seen_dependants


@settings(max_examples=60, deadline=None)
@given(address=st.text(max_size=40), mother=st.sampled_from(['"card_number":""', 'card_number', '\\"', "أم"]),
       dependants=st.integers(0, 4))
def test_text_that_looks_like_a_card_number_never_moves_a_number(address, mother, dependants):
    record = SyntheticGenerator(seed=3).next()
    record.address, record.mother_name = address, mother
    record.dependants = [replace(record.dependants[0] if record.dependants else Dependant(), dependant_id=f"d{i}")
                         for i in range(dependants)]
    made = _made(record)
    _numbered(record, 77)
    patched = numbered_rows(made, record, "admin", SAVED_AT)
    assert patched is None or patched == _as_saved(record)
    assert patched is not None or '"card_number":""' in address + mother


def test_a_category_field_named_like_a_card_number_is_made_anew():
    record = SyntheticGenerator(seed=4).next()
    record.category_fields = {**record.category_fields, "card_number": ""}
    made = _made(record)
    _numbered(record, 5)
    assert numbered_rows(made, record, "admin", SAVED_AT) is None


def test_record_keys_are_what_the_check_computes_itself():
    maker = SyntheticGenerator(seed=12, sibling_rate=0.4)
    for _ in range(200):
        b = maker.next()
        numbers, lookup, filed = record_keys(b)
        assert numbers == form_numbers(b) and lookup == person_keys(b)[1]
        assert filed == tuple(person_keys(p)[0] for p in (b, *b.dependants))


def test_the_commands_writer_cache_is_put_back(tmp_path):
    """`fundclient import` enlarges the writer's page cache for the import only (`writer_cache_kib`)."""
    from fundclient.storage import initialise, open_store
    from fundclient.storage.engine import CACHE_KIB
    from fundclient.storage.importer import _writer_cache

    initialise(tmp_path / "o", "SBH", "admin", "admin-pass-1")
    store, _ = open_store(tmp_path / "o", "admin", "admin-pass-1")

    def cache() -> int:
        with store.writer_connection() as conn:
            return conn.exec_driver_sql("PRAGMA cache_size").scalar_one()

    try:
        with _writer_cache(store, 100_000):
            assert cache() == -100_000
        assert cache() == -CACHE_KIB
        try:
            with _writer_cache(store, 50_000):
                raise KeyboardInterrupt
        except KeyboardInterrupt:
            pass
        assert cache() == -CACHE_KIB
    finally:
        store.close()


def _read_column_by_column(row: dict, office_code: str):
    """What `importer.row_to_beneficiary` makes of a row, read column by column (its first form:
    the reference the planned reading is compared with)."""
    from collections import defaultdict

    from fundclient.domain.fields import BENEFICIARY_FIELDS
    from fundclient.domain.records import ArabicName, Beneficiary
    from fundclient.storage.importer import _DEPENDANT, DEFAULTED_COLUMNS

    b = Beneficiary(office_code=office_code)
    name, deps = {}, defaultdict(dict)
    for key, value in row.items():
        dep = _DEPENDANT.fullmatch(key)
        if dep:
            deps[int(dep.group(1))][dep.group(2)] = value
        elif key.startswith("name."):
            name[key[5:]] = value
        elif key.startswith("category_fields."):
            if value:
                b.category_fields[key[len("category_fields."):]] = value
        elif value or (key in BENEFICIARY_FIELDS and BENEFICIARY_FIELDS[key].required
                       and key not in DEFAULTED_COLUMNS):
            setattr(b, key, value)
    b.name = ArabicName(**name)
    for _, values in sorted(deps.items()):
        if any(values.values()):
            d = Dependant(name=ArabicName(**{k[5:]: v for k, v in values.items() if k.startswith("name.")}))
            for k, v in values.items():
                if not k.startswith("name.") and v:
                    setattr(d, k, v)
            b.dependants.append(d)
    return b


_COLUMNS = ["national_number", "name.first", "name.father", "name.grandfather", "name.family", "mother_name", "sex",
            "date_of_birth", "marital_status", "mobile", "municipality", "address", "office_code", "channel", "status",
            "category", "notes", "latin_name", "category_fields.pension_number", "category_fields.retirement_date",
            *[f"dependants[{n}].{k}" for n in (1, 2, 3, 12) for k in
              ("name.first", "name.father", "name.family", "relation", "sex", "date_of_birth", "national_number")]]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_COLUMNS), unique=True), st.data())
def test_a_row_is_read_into_the_record_the_column_by_column_reading_makes(columns, data):
    """`row_to_beneficiary` reads a row by its header's plan (`importer._column_plan`): the record
    the column-by-column reading makes — any columns in any order, empty cells kept at the
    record's defaults (a required one set empty), a dependant made only when a cell of it is
    filled, dependants in their numbers' order (12 after 3) — all but the new ids and times."""
    from fundclient.storage.importer import row_to_beneficiary

    cell = st.sampled_from(["", "", "x", "محمد", "1955-03-01", "M", "son", "119550012345"])
    row = {key: data.draw(cell) for key in columns}
    made, expected = row_to_beneficiary(row, "SBH"), _read_column_by_column(row, "SBH")
    expected.record_id, expected.created_at, expected.updated_at = made.record_id, made.created_at, made.updated_at
    assert len(made.dependants) == len(expected.dependants)
    for mine, theirs in zip(made.dependants, expected.dependants):
        theirs.dependant_id = mine.dependant_id
    assert made == expected
