"""HQ-wide duplicates at ingest (#14): two offices, one real HQ on 127.0.0.1, both offices
offline while they register, synced later. A person registered at office A is answered
`duplicate` at office B with A's office and registration date; a wife registered as a dependant
at A and as a holder at B is flagged; the same person under a spelling variant (same birth date
and mother) is flagged; a sibling with the same family name is not. Every finding is stored at
HQ with its evidence."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timezone

from sqlalchemy import select

from fundclient.domain.records import ArabicName, Beneficiary, Dependant, Relation, Sex
from fundclient.hq.db import duplicate_findings, person_numbers
from fundclient.sync.engine import run_sync
from fundclient.sync.outbox import Outbox

from sync_helpers import people, two_offices

REGISTERED_AT_A = datetime(2025, 3, 4, 9, 30, tzinfo=timezone.utc)


def _send(data_dir, *records: Beneficiary) -> None:
    Outbox(data_dir).seal([r.to_dict() for r in records])
    assert run_sync(data_dir).status == "ok"


def _answer(data_dir, record: Beneficiary):
    return Outbox(data_dir).result_for(record.record_id, record.revision)


def _findings(hq, record_id: str) -> list:
    with hq.ingestor.engine.connect() as conn:
        return conn.execute(select(duplicate_findings).where(duplicate_findings.c.record_id == record_id)).all()


def _retiree(seed: int, office: str) -> Beneficiary:
    person = people(1, office=office, seed=seed)[0]
    person.created_at = REGISTERED_AT_A
    return person


def test_same_person_at_two_offices_flagged_when_both_sync_later(hq, tmp_path):
    a, b = two_offices(hq, tmp_path)
    at_a = _retiree(11, "SBH")
    # Office B registers the same man: a spelling variant (أحمد → احمد, «ال» dropped from the
    # family name), same birth date, same national number typed again.
    variant = replace(at_a, record_id=Beneficiary().record_id, office_code="BRK", dependants=[], card_number="",
                      created_at=datetime(2025, 6, 1, tzinfo=timezone.utc))
    # both offices register while offline; they sync later, A first
    Outbox(a).seal([at_a.to_dict()])
    Outbox(b).seal([variant.to_dict()])
    assert run_sync(a).status == "ok" and run_sync(b).status == "ok"
    answer = _answer(b, variant)
    assert answer.status == "duplicate" and answer.reason == "duplicate"
    assert (answer.duplicate_of, answer.duplicate_office, answer.duplicate_date) == (at_a.record_id, "SBH",
                                                                                    "2025-03-04")
    found = _findings(hq, variant.record_id)
    assert len(found) == 1 and found[0].other_office == "SBH" and found[0].kind == "national_number"
    evidence = json.loads(found[0].evidence)
    assert evidence["matched"] == "holder" and "الرقم الوطني" in evidence["reason"]["ar"]
    assert _answer(a, at_a).status == "accepted"


def test_spelling_variant_with_same_birth_and_mother_is_flagged(hq, tmp_path):
    a, b = two_offices(hq, tmp_path)
    at_a = _retiree(12, "SBH")
    at_a.name = ArabicName("أحمد", "محمد", "علي", "الورفلي")
    at_a.mother_name = "فاطمة الفرجاني"
    # another national number (a typo at B), the name spelled another way
    other_number = ("1" if at_a.national_number[0] == "2" else "2") + at_a.national_number[1:]
    at_b = replace(at_a, record_id=Beneficiary().record_id, office_code="BRK", dependants=[], card_number="",
                   national_number=at_a.national_number[:5] + "0000001", name=ArabicName("احمد", "امحمد", "علي",
                                                                                           "ورفلي"))
    assert other_number != at_b.national_number
    _send(a, at_a)
    _send(b, at_b)
    answer = _answer(b, at_b)
    assert answer.status == "duplicate" and answer.reason == "duplicate_person"
    assert answer.duplicate_office == "SBH" and answer.duplicate_of == at_a.record_id
    assert _findings(hq, at_b.record_id)[0].kind in ("name_and_birth", "similar")


def test_wife_as_dependant_at_a_then_holder_at_b(hq, tmp_path):
    a, b = two_offices(hq, tmp_path)
    husband = _retiree(13, "SBH")
    wife = Dependant(name=ArabicName("مبروكة", "سالم", "عمر", "الزوي"), relation=Relation.SPOUSE, sex=Sex.FEMALE,
                     date_of_birth=date(1960, 2, 1), national_number="219600000777")
    husband.dependants = [wife]
    as_holder = _retiree(14, "BRK")
    as_holder.name, as_holder.sex, as_holder.date_of_birth = wife.name, Sex.FEMALE, wife.date_of_birth
    as_holder.national_number, as_holder.dependants = wife.national_number, []
    _send(a, husband)
    _send(b, as_holder)
    answer = _answer(b, as_holder)
    assert answer.status == "duplicate" and answer.duplicate_of == husband.record_id
    assert answer.duplicate_office == "SBH"
    assert json.loads(_findings(hq, as_holder.record_id)[0].evidence)["matched"] == "dependant"
    # the wife's number is held HQ-wide as a dependant's (and as a holder's now)
    with hq.ingestor.engine.connect() as conn:
        roles = set(conn.execute(select(person_numbers.c.office_code, person_numbers.c.role)
                                 .where(person_numbers.c.national_number == wife.national_number)).all())
    assert roles == {("SBH", "dependant"), ("BRK", "holder")}


def test_dependant_at_b_already_a_holder_at_a(hq, tmp_path):
    """The other way round: B lists as a dependant someone A registered as a holder."""
    a, b = two_offices(hq, tmp_path)
    at_a = _retiree(15, "SBH")
    at_b = _retiree(16, "BRK")
    at_b.dependants = [Dependant(name=at_a.name, relation=Relation.SPOUSE, sex=at_a.sex,
                                 date_of_birth=at_a.date_of_birth, national_number=at_a.national_number)]
    _send(a, at_a)
    _send(b, at_b)
    answer = _answer(b, at_b)
    assert answer.status == "duplicate" and answer.duplicate_of == at_a.record_id
    assert json.loads(_findings(hq, at_b.record_id)[0].evidence)["through"] == "dependant"


def test_sibling_with_the_same_family_name_is_not_flagged(hq, tmp_path):
    a, b = two_offices(hq, tmp_path)
    brother = _retiree(17, "SBH")
    brother.name = ArabicName("سالم", "محمد", "علي", "الورفلي")
    brother.date_of_birth, brother.sex, brother.mother_name = date(1955, 5, 5), Sex.MALE, "فاطمة الفرجاني"
    brother.national_number = "119550000123"
    sister = _retiree(18, "BRK")
    sister.name = ArabicName("خديجة", "محمد", "علي", "الورفلي")
    sister.date_of_birth, sister.sex, sister.mother_name = date(1958, 9, 9), Sex.FEMALE, "فاطمة الفرجاني"
    sister.national_number = "219580000456"
    sister.dependants = brother.dependants = []
    _send(a, brother)
    _send(b, sister)
    assert _answer(b, sister).status == "accepted"
    assert _findings(hq, sister.record_id) == []


def test_same_batch_and_same_office_and_edits(hq, tmp_path):
    """Two records of one batch with one number: the second is flagged; a new revision of a
    record is never its own duplicate."""
    a, _b = two_offices(hq, tmp_path)
    first = _retiree(19, "SBH")
    second = replace(_retiree(20, "SBH"), national_number=first.national_number)
    _send(a, first, second)
    assert _answer(a, first).status == "accepted"
    assert _answer(a, second).status == "duplicate" and _answer(a, second).duplicate_of == first.record_id
    edited = first.next_revision(mobile="0912345678")
    _send(a, edited)
    assert _answer(a, edited).status == "accepted"


def test_the_same_new_number_ingested_at_the_same_instant_on_two_nodes_is_flagged(hq, hq_dir, tmp_path, monkeypatch):
    """Two nodes (two Ingestors, each with its own database connections) ingest, at the same
    moment, batches from two offices carrying the same new national number: both have read
    what HQ holds before either writes (a barrier holds them there, before their turn at the
    writer). The number's claim row makes the second wait for the first to commit and look
    again: it is answered `duplicate`."""
    import threading

    from fundclient.hq.db import WriterTurn, open_engine
    from fundclient.hq.ingest import Ingestor

    a, b = two_offices(hq, tmp_path)
    at_a = _retiree(31, "SBH")
    at_b = replace(at_a, record_id=Beneficiary().record_id, office_code="BRK", dependants=[], card_number="",
                   created_at=datetime(2025, 6, 1, tzinfo=timezone.utc))
    [batch_a] = Outbox(a).seal([at_a.to_dict()])
    [batch_b] = Outbox(b).seal([at_b.to_dict()])
    other_node = Ingestor(open_engine(hq_dir, hq.ingestor.engine.url.render_as_string(hide_password=False)),
                          hq.ingestor.keys)
    both_read = threading.Barrier(2, timeout=30)
    take = WriterTurn.take  # the turn at the writer, taken just before a batch's first write

    def take_once_both_have_read(self):
        both_read.wait()
        return take(self)

    monkeypatch.setattr(WriterTurn, "take", take_once_both_have_read)
    acks: dict[str, dict] = {}

    def ingest(node, name, path):
        acks[name] = node.ingest(path.read_bytes())

    threads = [threading.Thread(target=ingest, args=(hq.ingestor, "a", batch_a)),
               threading.Thread(target=ingest, args=(other_node, "b", batch_b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    other_node.engine.dispose()
    answers = {name: doc["ack"]["results"][0] for name, doc in acks.items()}
    assert sorted(r["status"] for r in answers.values()) == ["accepted", "duplicate"], answers
    second = next(r for r in answers.values() if r["status"] == "duplicate")
    first = next(r for r in answers.values() if r["status"] == "accepted")
    assert (second["reason"], second["duplicate_of"]) == ("duplicate", first["record_id"])
    assert len(_findings(hq, second["record_id"])) == 1
