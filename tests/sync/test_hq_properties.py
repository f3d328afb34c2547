"""Property-based tests (hypothesis): random and mutated batches, headers, items, drive files,
query parameters, headers and bodies against the parser, the ingest, the USB import and every
HQ endpoint of a real HQ on 127.0.0.1. Whatever comes in: only typed refusals (EnvelopeError,
a 4xx with a reason code), never a 500 or a traceback, and HQ answers normally afterwards."""

from __future__ import annotations

import json
import logging
import uuid
from datetime import datetime, timezone

import pytest
import requests
from hypothesis import HealthCheck, given, settings, strategies as st

from fundclient.hq.ingest import Ingestor
from fundclient.hq.keys import init_keys
from fundclient.hq.limits import Limits
from fundclient.hq.server import start_in_thread
from fundclient.hq.usb import import_batches
from fundclient.sync import envelope
from fundclient.sync.envelope import HEADER_FIELDS, BatchHeader, EnvelopeError

from hostile_batches import with_header
from sync_helpers import enrol_office, people

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**80, max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=60),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12)


def _valid_header(**changes) -> dict:
    header = {"v": 1, "batch_id": str(uuid.uuid4()), "device_id": str(uuid.uuid4()), "seq": 1, "count": 1,
              "hq_key_id": "0" * 16, "created_at": datetime.now(timezone.utc).isoformat()}
    header.update(changes)
    return header


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def hq_parts(request, tmp_path_factory):
    """A real HQ (keys, database, HTTP server without rate limits) and one office enrolled with
    it; shared by the examples of this module. On PostgreSQL too: it enforces column lengths and
    integer ranges that SQLite lets through, so a field typed too loosely shows up there."""
    database_url = None
    if request.param == "postgres":
        import os
        import sqlalchemy as sa
        from fundclient.hq.migrate import drop_everything
        database_url = os.environ.get("FUNDCLIENT_TEST_PG_URL")
        if not database_url:
            pytest.fail("FUNDCLIENT_TEST_PG_URL is not set: start PostgreSQL (scripts/dev.py ThrowawayPostgres)")
        engine = sa.create_engine(database_url)
        drop_everything(engine)
        engine.dispose()
    errors: list[logging.LogRecord] = []
    collector = logging.Handler(logging.ERROR)
    collector.emit = errors.append  # every ERROR anywhere (uvicorn's "Exception in ASGI application")
    logging.getLogger().addHandler(collector)
    root = tmp_path_factory.mktemp("hqprops")
    hq_dir, office = root / "hq", root / "office"
    init_keys(hq_dir)
    server = start_in_thread(hq_dir, database_url, limits=Limits(max_batch_bytes=8 * 1024 * 1024, rates=[]))
    office.mkdir()
    device = enrol_office(server, office)
    from fundclient.sync.outbox import Outbox
    [batch] = Outbox(office).seal([p.to_dict() for p in people(2)])
    yield {"server": server, "hq_dir": hq_dir, "device": device, "good": batch.read_bytes(), "root": root,
           "errors": errors}
    server.stop()
    logging.getLogger().removeHandler(collector)


# --- the parser -----------------------------------------------------------------------------

@SETTINGS
@given(st.binary(max_size=600))
def test_parse_random_bytes_only_ever_refuses_typed(blob):
    try:
        env = envelope.parse(b"FCB1" + blob)
    except EnvelopeError as exc:
        assert exc.code in ("malformed", "oversize")
    else:
        assert isinstance(env.fields, BatchHeader)


@SETTINGS
@given(st.dictionaries(st.sampled_from(sorted(HEADER_FIELDS)), json_values, min_size=7) | json_values)
def test_header_of_any_json_is_typed_or_refused(value):
    try:
        parsed = BatchHeader.parse(value)
    except ValueError:
        return
    assert isinstance(parsed.seq, int) and isinstance(parsed.device_id, str) and len(parsed.device_id) == 36
    assert isinstance(parsed.hq_key_id, str) and not isinstance(parsed.count, bool)


@SETTINGS
@given(field=st.sampled_from(sorted(HEADER_FIELDS)), value=json_values)
def test_one_hostile_field_in_a_real_batch(hq_parts, field, value):
    blob = with_header(hq_parts["good"], {**json.loads(hq_parts["good"][8:8 + int.from_bytes(
        hq_parts["good"][4:8], "big")]), field: value})
    try:
        env = envelope.parse(blob)
    except EnvelopeError as exc:
        assert exc.code == "malformed"
    else:
        BatchHeader.parse(env.header)


@SETTINGS
@given(st.lists(st.tuples(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=255)),
                max_size=6), st.integers(min_value=0, max_value=400))
def test_mutated_batches_through_the_ingest(hq_parts, flips, cut):
    ingestor = hq_parts["server"].ingestor
    blob = bytearray(hq_parts["good"])
    for at, value in flips:
        blob[at % len(blob)] = value
    blob = bytes(blob[:len(blob) - cut])
    try:
        doc = ingestor.ingest(blob, source="usb")
    except EnvelopeError:
        return
    assert doc["ack"]["device_id"] == hq_parts["device"].device_id


# --- items from an enrolled device (the payload HQ decrypts) --------------------------------

records = st.fixed_dictionaries({}, optional={
    "record_id": st.one_of(st.just(str(uuid.uuid4())), json_values),
    "revision": st.one_of(st.integers(min_value=-5, max_value=2**40), json_values),
    "national_number": st.one_of(st.text(alphabet="0123456789", max_size=40), json_values),
    "office_code": st.one_of(st.sampled_from(["SBH", "GHT", ""]), json_values),
    "name": json_values, "dependants": json_values, "sex": json_values, "date_of_birth": json_values,
})
items = st.lists(st.one_of(
    st.fixed_dictionaries({"type": st.just("record"), "record": st.one_of(records, json_values)},
                          optional={"photos": st.lists(st.fixed_dictionaries(
                              {"data": st.binary(max_size=40)},
                              optional={"kind": json_values, "mime": json_values, "quality": json_values}),
                              max_size=2)}),
    st.fixed_dictionaries({"type": st.just("card_revocation")},
                          optional={"card_number": json_values, "reason": json_values}),
    st.dictionaries(st.text(max_size=8), json_values, max_size=3),
), min_size=1, max_size=5)


@SETTINGS
@given(items)
def test_hostile_items_signed_by_a_real_device_get_per_item_answers(hq_parts, batch_items):
    from fundclient.sync.device import Device
    device: Device = hq_parts["device"]
    ingestor = hq_parts["server"].ingestor
    seq = test_hostile_items_signed_by_a_real_device_get_per_item_answers.seq = getattr(
        test_hostile_items_signed_by_a_real_device_get_per_item_answers, "seq", 1000) + 1
    header = _valid_header(device_id=device.device_id, seq=seq, count=len(batch_items),
                           hq_key_id=device.hq_active_key_id)
    try:
        blob = envelope.seal(header=header, items=batch_items, hq_public=device.hq_encryption_keys[
            device.hq_active_key_id], device_private=device.signing_private())
    except (TypeError, ValueError, KeyError):
        return  # not even JSON: the device could not have sent it
    try:
        doc = ingestor.ingest(blob)
    except EnvelopeError as exc:
        assert exc.code in ("malformed", "header_mismatch")
        return
    results = doc["ack"]["results"]
    assert len(results) == len(batch_items)
    assert all(r["status"] in ("accepted", "duplicate", "rejected") for r in results)


# --- the USB import -------------------------------------------------------------------------

names = st.text(alphabet=st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)),
                min_size=1, max_size=30).filter(lambda n: n not in (".", ".."))


@SETTINGS
@given(st.lists(st.tuples(names, st.binary(max_size=300) | st.just(b"")), max_size=5), st.data())
def test_usb_import_of_random_files(hq_parts, files, data):
    folder = hq_parts["root"] / f"drive-{uuid.uuid4()}"
    folder.mkdir()
    good = hq_parts["good"]
    for name, blob in files:
        if data.draw(st.booleans()):
            blob = good[: data.draw(st.integers(min_value=0, max_value=len(good)))] + blob
        try:
            (folder / (name + ".fcb")).write_bytes(blob)
        except OSError:
            continue  # a name this file system refuses
    ingestor = Ingestor(hq_parts["server"].ingestor.engine, hq_parts["server"].ingestor.keys)
    report = import_batches(ingestor, folder)
    assert len(report.files) == len(list(folder.glob("*.fcb")))
    assert report.failed == 0 and all(line.count(" | ") >= 1 for line in report.lines())


# --- every endpoint over HTTP ---------------------------------------------------------------

http_text = st.text(max_size=80)
ENDPOINTS = [("GET", "/api/v1/probe"), ("GET", "/api/v1/keys"), ("GET", "/api/v1/pull"), ("POST", "/api/v1/enrol"),
             ("OPTIONS", "/tus/"), ("POST", "/tus/"), ("HEAD", "/tus/{id}"), ("PATCH", "/tus/{id}"),
             ("GET", "/api/v1/batches/{id}/ack"), ("GET", "/api/v1/decisions"), ("GET", "/api/v1/digest"),
             ("POST", "/api/v1/lookup")]
TUS_HEADERS = ["Upload-Length", "Upload-Offset", "Upload-Metadata", "Content-Type", "Tus-Resumable"]


def _header_safe(text: str) -> str:
    return "".join(ch for ch in text if 0x20 < ord(ch) < 0x7f)


@SETTINGS
@given(endpoint=st.sampled_from(ENDPOINTS), batch_id=st.one_of(st.just(str(uuid.uuid4())), http_text),
       params=st.dictionaries(st.sampled_from(["since", "nonce", "device_id", "at", "sig", "x"]), http_text,
                              max_size=3),
       headers=st.dictionaries(st.sampled_from(TUS_HEADERS), http_text.map(_header_safe), max_size=5),
       body=st.one_of(st.binary(max_size=2000), json_values.map(lambda v: json.dumps(v).encode())))
def test_every_endpoint_answers_hostile_requests_without_a_500(hq_parts, endpoint, batch_id, params, headers, body):
    method, path = endpoint
    url = hq_parts["server"].url + path.replace("{id}", requests.utils.quote(batch_id, safe=""))
    answer = requests.request(method, url, params=params, headers=headers, data=body, timeout=30)
    assert answer.status_code < 500, (method, path, answer.status_code, answer.text[:200])
    if answer.status_code >= 400 and answer.headers.get("content-type", "").startswith("application/json"):
        assert "code" in answer.json() or "detail" in answer.json()


@SETTINGS
@given(batch_items=st.just(None), meta=st.dictionaries(st.sampled_from(["batch_id", "device_id", "sha256", "signature"]),
                                                       json_values.map(str), max_size=4),
       length=st.one_of(st.integers(min_value=-10, max_value=2**70).map(str), http_text.map(_header_safe)))
def test_upload_creation_with_hostile_metadata(hq_parts, batch_items, meta, length):
    import base64
    metadata = ",".join(f"{k} {base64.b64encode(v.encode()).decode()}" for k, v in meta.items())
    answer = requests.post(hq_parts["server"].url + "/tus/", headers={"Upload-Length": length,
                                                                       "Upload-Metadata": metadata,
                                                                       "Tus-Resumable": "1.0.0"}, timeout=30)
    assert 400 <= answer.status_code < 500 and answer.json()["code"]


def test_hq_is_healthy_and_wrote_no_traceback_after_all_that(hq_parts):
    """Runs last in this module: HQ still probes, ingests a real batch, holds no stray uploads,
    and nothing was logged as an error (no traceback) during any example."""
    server = hq_parts["server"]
    nonce = uuid.uuid4().hex
    assert requests.get(f"{server.url}/api/v1/probe", params={"nonce": nonce}, timeout=10).json()["nonce"] == nonce
    from fundclient.sync.engine import run_sync
    from fundclient.sync.outbox import Outbox
    from fundclient.config import Settings
    office = hq_parts["root"] / "office"
    Outbox(office).seal([p.to_dict() for p in people(1, seed=77)])
    settings_ = Settings.load(office)
    assert settings_.hq_url == server.url
    assert run_sync(office).batches_acknowledged >= 1
    assert server.app.state.uploads.held_batches() == []
    assert [r.getMessage() for r in hq_parts["errors"]] == []


@pytest.mark.parametrize("where", ["national_number", "first_name", "dependant_name", "card_number",
                                   "photo_kind", "photo_mime"])
def test_a_nul_character_in_a_signed_record_is_refused_not_a_500(hq_parts, where):
    """PostgreSQL refuses a NUL in any text column: a hostile (or broken) device putting one in
    a field HQ stores must get that record refused in its answer — not an exception that fails
    the whole batch, which the device would then send again for ever."""
    from fundclient.sync.device import Device
    device: Device = hq_parts["device"]
    record = people(1)[0].to_dict()
    record["record_id"] = str(uuid.uuid4())
    record["national_number"] = "1" + str(uuid.uuid4().int)[:11]
    photo = {"data": b"\xff\xd8 not really a jpeg", "kind": "portrait", "mime": "image/jpeg"}
    if where == "national_number":
        record["national_number"] = record["national_number"][:6] + "\x00" + record["national_number"][7:]
    elif where == "first_name":
        record["name"]["first"] = "محمد\x00"
    elif where == "dependant_name":
        record["dependants"] = [{"name": {"first": "سالم\x00", "father": "علي", "family": "القماطي"},
                                 "relation": "son", "sex": "M", "date_of_birth": "2001-01-01"}]
    elif where == "card_number":
        record["card_number"] = "SBH-\x00-1"
    elif where == "photo_kind":
        photo["kind"] = "portr\x00ait"
    else:
        photo["mime"] = "image/\x00jpeg"
    seq = 5000 + ["national_number", "first_name", "dependant_name", "card_number", "photo_kind",
                  "photo_mime"].index(where)
    header = _valid_header(device_id=device.device_id, seq=seq, count=1, hq_key_id=device.hq_active_key_id)
    blob = envelope.seal(header=header, items=[{"type": "record", "record": record, "photos": [photo]}],
                         hq_public=device.hq_encryption_keys[device.hq_active_key_id],
                         device_private=device.signing_private())
    doc = hq_parts["server"].ingestor.ingest(blob)
    [result] = doc["ack"]["results"]
    assert result["status"] == "rejected", result


nul_prone_values = st.recursive(
    st.none() | st.integers() | st.text(alphabet="a\x00\\u0{[", max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet="k\x00\\u0", max_size=4), inner,
                                                               max_size=3),
    max_leaves=40)


@settings(max_examples=3000, deadline=None, derandomize=True)
@given(st.one_of(nul_prone_values, st.integers(25, 40).flatmap(
    lambda depth: nul_prone_values.map(lambda leaf: _nested(leaf, depth)))))
def test_the_nul_walk_is_spared_only_when_its_answer_is_no(value):
    """Ingest skips the walk over a record (`_holds_nul`: a NUL in any text or keys, or a
    structure deeper than 32) when the record's canonical JSON shows no `\\u0000` and at most 32
    brackets; on NULs in keys and values, backslashes, brackets inside text, and structures
    around the depth limit, the walk would then have said no as well."""
    from fundclient.hq.ingest import _canonical_or_none, _holds_nul, _plainly_shallow_and_nul_free
    record = {"record_id": "x", "v": value}
    if _plainly_shallow_and_nul_free(_canonical_or_none(record)):
        assert not _holds_nul(record)


def test_the_nul_walk_is_spared_for_a_usual_record():
    from fundclient.hq.ingest import _canonical_or_none, _plainly_shallow_and_nul_free
    record = people(1)[0].to_dict()
    assert record["dependants"]
    assert _plainly_shallow_and_nul_free(_canonical_or_none(record))
    record["name"]["first"] += "\x00"
    assert not _plainly_shallow_and_nul_free(_canonical_or_none(record))


def _nested(leaf, depth: int):
    for n in range(depth):
        leaf = [leaf] if n % 2 else {"k": leaf}
    return leaf


# The payload's JSON is decoded by orjson when it can, else by the standard library
# (sync/envelope.py `_loads`): the answer must be exactly json.loads's — the same values, the
# same refusal — for whatever text a hostile device seals.
json_edge_texts = st.sampled_from([
    b'{"a": NaN}', b'{"a": Infinity}', b'[-Infinity]', b'[1e400]', b'[-1e400]', b'[123456789012345678901234567890]',
    b'[-18446744073709551617]', b'["\\ud800"]', b'["\\udfff x"]', b'{"a": 1, "a": 2}', b'[' * 2000 + b']' * 2000,
    '["é"]'.encode("utf-16"), '{"x": "ب"}'.encode("utf-16-le"), b'\xef\xbb\xbf[1]', b'["\xff"]', b'[1,]', b'',
    b'[0.1, 1e-7, 1e16, -0.0, 5e-324]', b' {"k" : [true,false,null]} ', b'"\\u0000"', b'[1] x'])


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.one_of(json_edge_texts, json_values.map(lambda v: json.dumps(v, ensure_ascii=False).encode()),
                 st.binary(max_size=40), st.text(max_size=40).map(str.encode)))
def test_the_payload_json_decodes_exactly_as_the_standard_library(text):
    def outcome(loads):
        try:
            return "value", loads(text)
        except (ValueError, RecursionError) as exc:
            return "refused", type(exc).__name__
    expected, got = outcome(json.loads), outcome(envelope._loads)
    assert got == expected or (expected[0] == got[0] == "value" and json.dumps(got[1]) == json.dumps(expected[1]))
    if expected[0] == "value":  # the same types all the way down (an int stays an int, a float a float)
        assert json.dumps(got[1], sort_keys=True) == json.dumps(expected[1], sort_keys=True)
        assert _shape(got[1]) == _shape(expected[1])


def _shape(value):
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}, list(value)
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return type(value).__name__


@settings(max_examples=600, deadline=None, derandomize=True)
@given(st.lists(st.one_of(st.binary(max_size=30), st.integers(0, 40).map(lambda n: b"7" * n),
                          st.text(alphabet="0123456789٠١٢٣٤٥٦٧٨٩ب9", max_size=40).map(str.encode)), max_size=6)
       .map(b"".join))
def test_the_long_digit_run_guard_answers_as_the_regular_expression(text):
    """`envelope._has_long_digit_run` (the translate-and-search guard in front of orjson) says
    yes exactly when `[0-9]{19}` is found: runs of ASCII digits around 19 long, Arabic-Indic
    digits and other bytes between them."""
    import re
    assert envelope._has_long_digit_run(text) == (re.search(rb"[0-9]{19}", text) is not None)
