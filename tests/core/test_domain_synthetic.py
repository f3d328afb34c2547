"""The synthetic generator: deterministic, valid, realistic enough, fast."""

from __future__ import annotations

from collections import Counter

from fundclient.domain.records import Relation, Sex
from fundclient.domain.synthetic import (DEFAULT_TODAY, NEAR_DUPLICATE_NOTE, generate,
                                         iter_generate)
from fundclient.domain.validation import validate_beneficiary


def test_same_seed_same_records_other_seed_other_records():
    a = [b.to_dict() for b in generate(50, seed=4, near_duplicate_rate=0.2)]
    b = [b.to_dict() for b in generate(50, seed=4, near_duplicate_rate=0.2)]
    c = [b.to_dict() for b in generate(50, seed=5, near_duplicate_rate=0.2)]
    assert a == b and a != c


def test_ids_are_unique_uuid_strings():
    records = generate(2000, seed=1)
    ids = [r.record_id for r in records] + [d.dependant_id for r in records for d in r.dependants]
    assert len(ids) == len(set(ids))
    import uuid
    assert all(uuid.UUID(i).version == 4 for i in ids[:50])


def test_every_record_validates_in_both_schemes():
    for scheme in ("LY", "EG"):
        for b in generate(800, seed=9, scheme=scheme, near_duplicate_rate=0.1):
            assert validate_beneficiary(b, scheme=scheme, today=DEFAULT_TODAY) == {}, b


def test_population_looks_like_retirees_with_families():
    records = generate(3000, seed=2)
    ages = [(DEFAULT_TODAY - r.date_of_birth).days // 365 for r in records]
    assert 45 <= min(ages) and max(ages) <= 95
    sexes = Counter(r.sex for r in records)
    assert 0.65 < sexes[Sex.MALE] / len(records) < 0.8
    relations = Counter(d.relation for r in records for d in r.dependants)
    assert relations[Relation.SPOUSE] and relations[Relation.SON] and relations[Relation.DAUGHTER]
    assert len({r.name.family for r in records}) > 40
    assert all(r.national_number[1:5] == str(r.date_of_birth.year) for r in records)
    son = next(d for r in records if r.sex == Sex.MALE for d in r.dependants
               if d.relation == Relation.SON)
    assert son.name.family  # children carry the family name


def test_near_duplicates_point_to_an_earlier_record():
    records = generate(500, seed=8, near_duplicate_rate=0.2)
    ids = {r.record_id for r in records}
    near = [r for r in records if r.notes.startswith(NEAR_DUPLICATE_NOTE)]
    assert 50 < len(near) < 160
    assert all(r.notes.removeprefix(NEAR_DUPLICATE_NOTE) in ids for r in near)


def test_siblings_share_the_family_line_and_do_not_raise_duplicate_alarms():
    from fundclient.domain.duplicates import find_duplicates
    records = generate(600, seed=6, sibling_rate=0.4, dependants=False)
    lines = Counter((r.name.father, r.name.grandfather, r.name.family) for r in records)
    assert sum(n for n in lines.values() if n > 1) > 150
    assert all(validate_beneficiary(r, today=DEFAULT_TODAY) == {} for r in records)
    alarms = sum(len(find_duplicates(r, records)) for r in records[:200])
    assert alarms <= 2
    # the default stream is untouched by the option's existence
    assert [r.to_dict() for r in generate(20, seed=6)] == \
        [r.to_dict() for r in generate(20, seed=6, sibling_rate=0.0)]
