"""Online lookup and offline digest (#14 items 2-3): two real office data dirs and one real HQ on
127.0.0.1. A person registered at office A is found at office B online (a device-signed lookup,
HQ-signed answer with only office, date, card status and initials) and offline after a sync
(the digest, encrypted at rest, pulled whole then as deltas). Abuse: unsigned, replayed,
foreign or too many lookups; a forged answer or digest is refused."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import date, datetime, timezone

import pytest
import requests
from sqlalchemy import func, select

from fundclient.domain.records import ArabicName, Dependant, Relation, Sex
from fundclient.errors import SyncError
from fundclient.hq.db import lookups
from fundclient.hq.lookup import LOOKUPS_PER_MINUTE
from fundclient.sync.device import Device
from fundclient.sync.digest import DIGEST_HEADER, DigestStore, registered_elsewhere, signed_params, verify_meta
from fundclient.sync.engine import run_sync
from fundclient.sync.http import make_session
from fundclient.config import Settings
from fundclient.sync.lookup import lookup, query, signed_request, verify_answer
from fundclient.sync.outbox import Outbox

from sync_helpers import people, two_offices

AT_A = datetime(2025, 3, 4, 9, 30, tzinfo=timezone.utc)


@pytest.fixture
def offices(hq, tmp_path):
    return two_offices(hq, tmp_path)


def _registered_at_a(a, seed=31):
    person = people(1, office="SBH", seed=seed)[0]
    person.created_at = AT_A
    person.name = ArabicName("مفتاح", "أحمد", "جبريل", "المنفي")
    person.card_number = "SBH-0001-000001-55"
    wife = Dependant(name=ArabicName("مبروكة", "سالم", "عمر", "الزوي"), relation=Relation.SPOUSE, sex=Sex.FEMALE,
                     date_of_birth=date(1960, 2, 1), national_number="219600000777")
    person.dependants = [wife]
    Outbox(a).seal([person.to_dict()])
    assert run_sync(a).status == "ok"
    return person


def _ask(b, hq, body):
    # What HQ answers, not how fast: the 2 s budget (LOOKUP_TIMEOUT) is the app's, and a loaded
    # test machine can take longer for HQ's first answer (it failed so once in a full run).
    with make_session(Settings()) as http:
        return lookup(http, hq.url, Device.load(b), body, timeout=30)


def test_lookup_by_number_name_and_for_a_dependant(hq, offices):
    a, b = offices
    person = _registered_at_a(a)
    hits = _ask(b, hq, query([person.national_number]))
    assert len(hits) == 1
    hit = hits[0]
    assert (hit.asked, hit.role, hit.office_code, hit.registered_on, hit.card_status, hit.initials) == (
        person.national_number, "holder", "SBH", date(2025, 3, 4), "valid", "م. م.")
    # the wife, listed at A as a dependant, now registering at B as a holder
    wife = person.dependants[0]
    [hit] = _ask(b, hq, query([wife.national_number]))
    assert (hit.role, hit.office_code, hit.card_status, hit.initials) == ("dependant", "SBH", "none", "م. ز.")
    # by name + birth date alone (a number typed wrong): same name spelled another way
    [hit] = _ask(b, hq, query([], "مفتاح", "احمد", "جبريل", "منفي", person.date_of_birth,
                             person.sex.value, person.mother_name))
    assert hit.asked == "" and hit.office_code == "SBH" and hit.role == "holder"
    # a sibling: same father and family name, another first name and birth date
    assert _ask(b, hq, query(["119700000001"], "سالم", "أحمد", "جبريل", "المنفي", date(1970, 1, 1), "M",
                             person.mother_name)) == []
    # the answer never carries the record: only these fields
    with make_session(Settings()) as http:
        raw = http.post(f"{hq.url}/api/v1/lookup",
                        json=signed_request(Device.load(b), query([person.national_number]))).json()
    assert set(raw["body"]["hits"][0]) == {"asked", "role", "office", "registered_on", "card_status", "initials"}
    assert person.name.first not in json.dumps(raw, ensure_ascii=False)
    with hq.ingestor.engine.connect() as conn:
        audited = conn.execute(select(lookups.c.kind, lookups.c.found, lookups.c.query_hash)).all()
    assert len(audited) == 5 and all(person.national_number not in r.query_hash for r in audited)
    assert [r.found for r in audited] == [1, 1, 1, 0, 1]


def test_lookup_abuse_is_refused_and_rate_limited(hq, offices):
    a, b = offices
    device = Device.load(b)
    body = query(["119581208899"])
    with make_session(Settings()) as http:
        url = f"{hq.url}/api/v1/lookup"
        good = signed_request(device, body)
        assert http.post(url, json={**good, "numbers": ["119581208800"]}).status_code == 403  # not what was signed
        assert http.post(url, json=signed_request(device, body, at=1_000_000)).status_code == 403  # replayed
        other = signed_request(Device.load(a), body)
        assert http.post(url, json={**other, "device_id": device.device_id}).status_code == 403  # another key
        assert http.post(url, json={**good, "numbers": ["1" * 40]}).status_code == 400
        assert http.post(url, json={**good, "extra": 1}).status_code == 400
        statuses = [http.post(url, json=signed_request(device, body)).status_code
                    for _ in range(LOOKUPS_PER_MINUTE + 2)]
    assert statuses[:LOOKUPS_PER_MINUTE] == [200] * LOOKUPS_PER_MINUTE and statuses[-1] == 429
    with hq.ingestor.engine.connect() as conn:
        refused = conn.execute(select(func.count()).select_from(lookups).where(lookups.c.found == -1)).scalar()
    assert refused >= 1
    # another device is not limited by this one
    with make_session(Settings()) as http:
        assert http.post(url, json=signed_request(Device.load(a), body)).status_code == 200


def test_forged_lookup_answer_is_refused(hq, offices):
    _a, b = offices
    device = Device.load(b)
    body = query(["119581208899"])
    with make_session(Settings()) as http:
        answer = http.post(f"{hq.url}/api/v1/lookup", json=signed_request(device, body)).json()
    from fundclient.sync.lookup import query_hash
    verify_answer(answer, device, query_hash(body))
    answer["body"]["hits"] = [{"asked": "119581208899", "role": "holder", "office": "GHT", "registered_on": "",
                               "card_status": "valid", "initials": "x."}]
    with pytest.raises(SyncError):
        verify_answer(answer, device, query_hash(body))


def test_lookup_when_hq_is_down_is_an_error_within_the_timeout(offices, hq):
    _a, b = offices
    device = Device.load(b)
    with make_session(Settings()) as http, pytest.raises(requests.RequestException):
        lookup(http, "http://127.0.0.1:9", device, query(["119581208899"]), timeout=0.5)


def test_digest_pulled_whole_then_as_deltas_and_kept_encrypted(hq, offices):
    a, b = offices
    person = _registered_at_a(a)
    summary = run_sync(b)
    assert summary.status == "ok" and summary.digest_numbers == 2  # the holder and his wife
    found = registered_elsewhere(b, [person.national_number, person.dependants[0].national_number, "119990000000"])
    assert found == {person.national_number: ["SBH"], person.dependants[0].national_number: ["SBH"]}
    store = DigestStore(b)
    assert (store.root / "full.fcd").exists()
    for path in store.root.glob("*.fcd"):  # encrypted at rest: neither the number nor its digest bytes
        assert person.national_number.encode() not in path.read_bytes()
        assert path.stat().st_mode & 0o777 == 0o600
    # a second registration at A arrives as a delta
    later = replace(people(1, office="SBH", seed=32)[0], dependants=[])
    Outbox(a).seal([later.to_dict()])
    assert run_sync(a).status == "ok"
    assert run_sync(b).digest_numbers == 1
    assert sorted(p.name for p in store.root.glob("*.fcd")) == [f"delta-{store.token}.fcd", "full.fcd"]
    assert registered_elsewhere(b, [later.national_number]) == {later.national_number: ["SBH"]}
    assert run_sync(b).digest_numbers == 0  # nothing new: an empty delta, nothing written


def test_digest_of_another_device_key_is_dropped_and_pulled_again(hq, offices):
    a, b = offices
    person = _registered_at_a(a)
    assert run_sync(b).status == "ok"
    store = DigestStore(b)
    # the files copied to another PC (another device key) say nothing there
    other = a / "reference" / "digest"
    other.mkdir(parents=True, exist_ok=True)
    for path in store.root.glob("*"):
        (other / path.name).write_bytes(path.read_bytes())
    assert registered_elsewhere(a, [person.national_number]) == {}
    assert DigestStore(a).token == 0  # dropped: the next sync pulls it whole
    assert run_sync(a).status == "ok"
    assert registered_elsewhere(a, [person.national_number]) == {person.national_number: ["SBH"]}


def test_digest_requests_and_answers_are_checked(hq, offices):
    a, b = offices
    _registered_at_a(a)
    device = Device.load(b)
    with make_session(Settings()) as http:
        url = f"{hq.url}/api/v1/digest"
        assert http.get(url, params={**signed_params(device, 0), "since": 5}).status_code == 403
        assert http.get(url, params={**signed_params(device, 0), "sig": "x"}).status_code == 400
        assert http.get(url, params={**signed_params(device, 0), "device_id": "nope"}).status_code == 400
        good = http.get(url, params=signed_params(device, 0))
    assert good.status_code == 200
    meta = verify_meta(good.headers[DIGEST_HEADER], device, 0, good.content)
    assert meta["full"] and meta["count"] == 2
    with pytest.raises(SyncError):
        verify_meta(good.headers[DIGEST_HEADER], device, 0, good.content + b"x")
    signed = json.loads(base64.b64decode(good.headers[DIGEST_HEADER]))
    signed["body"]["token"] += 1
    with pytest.raises(SyncError):
        verify_meta(base64.b64encode(json.dumps(signed).encode()).decode(), device, 0, good.content)


def test_with_the_device_key_locked_the_digest_says_nothing_and_raises_nothing(hq, offices, monkeypatch):
    """The unattended nightly sync (no operator logged in) cannot open the digest: the form's
    check then answers from this PC alone instead of failing (docs/decisions/device-key-at-rest.md)."""
    a, b = offices
    person = _registered_at_a(a)
    assert run_sync(b).digest_numbers == 2
    from fundclient import device_key
    from fundclient.sync import digest as digest_module

    def locked(self):
        raise SyncError(device_key.DEVICE_KEY_LOCKED, code="device_key_locked")

    monkeypatch.setattr(Device, "signing_private", locked)
    digest_module._cache.clear()
    assert registered_elsewhere(b, [person.national_number]) == {}
    assert run_sync(b).status == "ok"  # the pull is skipped, the run goes on
    assert DigestStore(b).token > 0  # what was pulled is kept for when the key is unlocked


def test_the_digest_check_of_an_import_batch_answers_what_the_form_check_answers(hq, offices, tmp_path):
    """services.elsewhere.from_digest_many (an import's batch: digest, device and stored copies
    read once) says, record by record, what from_digest says for one form."""
    from types import SimpleNamespace

    from fundclient import storage
    from fundclient.services.elsewhere import from_digest, from_digest_many

    a, b = offices
    person = _registered_at_a(a)
    assert run_sync(b).status == "ok"
    storage.initialise(tmp_path / "store", "BRK", "admin", "correct horse 1", "مدير")
    store, _ = storage.open_store(tmp_path / "store", "admin", "correct horse 1")
    try:
        session = SimpleNamespace(data_dir=b, settings=Settings(), store=store)
        again = replace(people(1, seed=40)[0], national_number=person.national_number)  # held at SBH
        through_wife = people(1, seed=41)[0]
        through_wife.dependants[:1] = [replace(person.dependants[0])]
        stored_here = people(1, seed=42)[0]
        store.beneficiaries.add(stored_here, by="admin")
        records = [again, through_wife, *people(3, seed=43), stored_here]
        answers = from_digest_many(session, records)
        assert answers == [from_digest(session, r) for r in records]
        assert [len(x) for x in answers[:2]] == [1, 1] and answers[0][0].office_code == "SBH"
        assert answers[1][0].own_dependant
    finally:
        store.close()
