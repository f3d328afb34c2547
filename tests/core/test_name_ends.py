"""`name_ends` (migration 0010): every holder's and dependant's name filed by the sound of its
first and last words, kept by the triggers through saves, edits and bulk loads; a search of
two words answered from it ranks exactly as the search through the FTS indexes does."""

from __future__ import annotations

import random
from dataclasses import replace
from functools import partial

import pytest

from fundclient.domain.name_match import bare
from fundclient.domain.records import ArabicName, new_id
from fundclient.domain.synthetic import generate
from fundclient.storage import bulk

from fundclient.storage.name_ends_fill import NAME_ENDS

from name_tables import expected, filed, pages_both_ways
from offices import new_office

_filed, _expected = partial(filed, spec=NAME_ENDS), partial(expected, spec=NAME_ENDS)


def test_every_name_is_filed_by_its_ends_through_saves_edits_and_bulk_loads(tmp_path):
    store = new_office(tmp_path / "office")
    try:
        records = generate(40, seed=3)
        for record in records[:10]:
            store.beneficiaries.add(record, by="admin")
        bulk.bulk_add(store, records[10:], by="admin", batch_size=12)
        edited = store.beneficiaries.get(records[4].record_id)
        edited.name = ArabicName("خليفة", "عمر", "سالم", "الشتيوي")
        edited.dependants = edited.dependants[1:]  # a dependant removed: its row goes
        store.beneficiaries.update(edited, by="admin")
        filed = _filed(store)
        assert filed == _expected(store)
        assert len(filed) == 40 + sum(len(r.dependants) for r in records) - (1 if records[4].dependants else 0)
        assert [norm for _, person, norm in filed if person == _row_id(store, edited.record_id)] == [
            "خليفه عمر سالم الشتيوي"]  # the old name's row gone with the edit
    finally:
        store.close()


def _row_id(store, record_id: str) -> int:
    with store.read() as conn:
        return conn.exec_driver_sql("SELECT id FROM beneficiaries WHERE record_id = ?", (record_id,)).scalar_one()




@pytest.mark.parametrize("prefix_last", [True, False])
def test_two_words_answered_from_name_ends_rank_as_the_full_search(tmp_path, monkeypatch, prefix_last):
    """First + family name (as stored, by sound, a letter doubled, with or without «ال»): the page
    read from `name_ends` is the page the FTS queries give, scores, order and people alike — and
    most such searches are answered from it without a single FTS query."""
    store = new_office(tmp_path / "office")
    try:
        records = generate(1_500, seed=21, near_duplicate_rate=0.05)
        rng = random.Random(4)
        # Crowds: a first and a family name shared by a dozen people, some spelled otherwise.
        crowd = []
        for b in rng.sample(records, 8):
            for i, other in enumerate(rng.sample(records, 12)):
                family = b.name.family if i % 3 else b.name.family.replace("ي", "ى")
                first = b.name.first if i % 4 else b.name.first.replace("ة", "ه")
                crowd.append(replace(other, record_id=new_id(), national_number="", card_number="", dependants=[],
                                     name=replace(other.name, first=first, family=family)))
        bulk.bulk_add(store, records + crowd, by="admin", batch_size=500)
        queries = set()
        for b in rng.sample(records, 40) + crowd[::12]:
            first, family = b.name.first, b.name.family
            queries.add(f"{first} {family}")
            queries.add(f"{first} {bare(family)}")
            queries.add(f"{first} {family[:-1] + family[-2:]}")  # the last letter doubled
            queries.add(f"{first.replace('ة', 'ه')} {family.replace('ي', 'ى')}")
        for d in (d for b in rng.sample(records, 20) for d in b.dependants):
            queries.add(f"{d.name.first} {d.name.family}")
        quick, full, answered = pages_both_ways(store, queries, prefix_last, monkeypatch)
        assert quick == full
        assert all(full.values())
        assert answered >= 20, (answered, len(queries))
    finally:
        store.close()
