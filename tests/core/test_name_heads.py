"""`name_heads` (migration 0014): every holder's and dependant's name filed by the sound of its
first two words and the spelling of its last, kept by the triggers through saves, edits and bulk
loads; a search of three or more words answered from it ranks exactly as the search through the
FTS indexes does."""

from __future__ import annotations

import random
from dataclasses import replace
from functools import partial

import pytest

from fundclient.domain.arabic import name_tokens
from fundclient.domain.name_match import bare
from fundclient.domain.records import ArabicName, new_id
from fundclient.domain.synthetic import generate
from fundclient.storage import bulk
from fundclient.storage.search_keys import name_heads

from fundclient.storage.name_ends_fill import NAME_HEADS

from name_tables import expected, filed, pages_both_ways
from offices import new_office

_filed, _expected = partial(filed, spec=NAME_HEADS), partial(expected, spec=NAME_HEADS)


def test_name_heads_keys_in_python():
    assert name_heads("محمد علي الورفلي", "محمد علي الورفلي") == ("محمدxعلي", "الورفلي")
    assert name_heads("محمد", "محمد") == ("محمدx", "محمد")
    assert name_heads("", "") == ("x", "")
    assert name_heads("حمد  ورفل", "احمد ء الورفلي") == ("حمدx", "الورفلي")  # an empty key in its place


def test_every_name_is_filed_by_its_heads_through_saves_edits_and_bulk_loads(tmp_path):
    store = new_office(tmp_path / "office")
    try:
        records = generate(40, seed=3)
        records[0] = replace(records[0], name=ArabicName("خليفة", "", "", ""))  # one word: no second
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
        with store.read() as conn:
            row_id = conn.exec_driver_sql("SELECT id FROM beneficiaries WHERE record_id = ?",
                                          (edited.record_id,)).scalar_one()
        assert [(last, norm) for _, last, person, norm in filed if person == row_id] == [
            ("الشتيوي", "خليفه عمر سالم الشتيوي")]  # the old name's row gone with the edit
    finally:
        store.close()




@pytest.mark.parametrize("prefix_last", [True, False])
def test_three_or_more_words_answered_from_name_heads_rank_as_the_full_search(tmp_path, monkeypatch, prefix_last):
    """First + father's name + the family name being typed (2–4 letters, as typed, without «ال»),
    three and four parts as stored or by sound, dependants' names: the page read from `name_heads`
    is the page the FTS queries give, scores, order and people alike — and many such searches are
    answered from it without a single FTS query."""
    store = new_office(tmp_path / "office")
    try:
        records = generate(1_500, seed=23, near_duplicate_rate=0.05)
        rng = random.Random(5)
        # Crowds: a first, father's and family name shared by a dozen people, some spelled otherwise.
        crowd = []
        for b in rng.sample(records, 8):
            for i, other in enumerate(rng.sample(records, 12)):
                family = b.name.family if i % 3 else b.name.family.replace("ي", "ى")
                first = b.name.first if i % 4 else b.name.first.replace("ة", "ه")
                crowd.append(replace(other, record_id=new_id(), national_number="", card_number="", dependants=[],
                                     name=replace(other.name, first=first, father=b.name.father, family=family)))
        bulk.bulk_add(store, records + crowd, by="admin", batch_size=500)
        queries = set()
        for b in rng.sample(records, 40) + crowd[::12]:
            first, father, grandfather, family = b.name.first, b.name.father, b.name.grandfather, b.name.family
            last = name_tokens(family)[-1]
            for letters in (2, 3, 4):
                queries.add(f"{first} {father} {last[:letters]}")
            queries.add(f"{first} {father} {bare(last)[:3]}")
            queries.add(f"{first} {father} {family}")
            queries.add(f"{first} {father} {bare(family)}")
            queries.add(f"{first.replace('ة', 'ه')} {father} {family.replace('ي', 'ى')}")
            queries.add(f"{first} {father} {grandfather} {family}")
            queries.add(f"{first} {father[:-1] + father[-2:]} {grandfather} {family[:4]}")  # a letter doubled
        for d in (d for b in rng.sample(records, 20) for d in b.dependants):
            queries.add(f"{d.name.first} {d.name.father} {d.name.family}")
            queries.add(f"{d.name.first} {d.name.father} {name_tokens(d.name.family)[-1][:3]}")
        quick, full, answered = pages_both_ways(store, queries, prefix_last, monkeypatch)
        assert len(queries) >= 300
        assert {q: p for q, p in quick.items() if p != full[q]} == {}
        assert all(full.values())
        assert answered >= (30 if prefix_last else 15), (answered, len(queries))
    finally:
        store.close()


def test_the_partial_ceiling_is_the_best_spelling_similarity_any_word_gives():
    """`partial_ceiling` (what a search's bound counts for a typed word merely similar to a name's
    word) is the highest `word_tier` below the start of a word that any word gives it."""
    from fundclient.domain.name_match import PARTIAL, PREFIX, partial_ceiling, word_tier

    words = sorted({w for b in generate(300, seed=8) for w in name_tokens(b.name.full())})
    rng = random.Random(3)
    for typed in rng.sample(words, 40) + [w[:3] for w in rng.sample(words, 40)] + ["حسي", "الع", "قذافي"]:
        for unfinished in (False, True):
            tiers = [t for w in words if (t := word_tier(typed, w, unfinished)) < PREFIX]
            assert partial_ceiling(typed, words, unfinished) == max(tiers, default=0.0), (typed, unfinished)
            assert partial_ceiling(typed, words, unfinished) <= PARTIAL
