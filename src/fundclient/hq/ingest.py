"""Check, decrypt and store one sealed batch in one transaction; answer with a signed ack.

Order of checks: framing/size -> device known and not revoked -> device signature -> batch id
already ingested (same bytes: return the stored ack; this is what makes uploads idempotent)
-> sequence number not used by another batch -> key id known -> decrypt -> per-item rules.
Batch-level refusals raise EnvelopeError(code) and are logged in `rejections` (no personal data).
These checks, the decryption and each item's typing run before the batch's transaction (and
before the device's turn, hq/turns.py, when the office names its batch before); the header's
checks run once more in the transaction.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from datetime import datetime, timezone
from typing import NamedTuple

from sqlalchemy import and_, bindparam, insert, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from fundclient.hq import duplicates, people, refdata, refusals
from fundclient.hq.bulk import insert_new_rows, insert_rows
from fundclient.hq.db import Lean, WriterTurn, among, batches, blobs, card_numbers, devices, photos, records, rejections
from fundclient.hq.keys import HQKeys
from fundclient.hq.operations import Operations
from fundclient.hq.turns import DeviceTurns
from fundclient.hq.uploads import remove_rows as _remove_upload_rows
from fundclient.sync import envelope
from fundclient.sync.ack import sign_ack
from fundclient.sync.envelope import EnvelopeError
from fundclient.sync.keys import canonical_json, hpke_private_key

log = logging.getLogger(__name__)
DEFAULT_MAX_BATCH_BYTES = 8 * 1024 * 1024


def _now() -> datetime:
    return datetime.now(timezone.utc)


class _Held(NamedTuple):
    """A revision held (or accepted earlier in the same batch): what a re-sealed one is answered
    from (a tuple: one is made per fresh record, a frozen dataclass cost ~1 µs)."""
    sha256: str
    status: str
    duplicate_of: str | None


class Ingestor:
    def __init__(self, engine: Engine, keys: HQKeys, *, max_batch_bytes: int = DEFAULT_MAX_BATCH_BYTES,
                 ops: Operations | None = None) -> None:
        self.engine = engine
        self.keys = keys
        self.max_batch_bytes = max_batch_bytes
        self.ops = ops or Operations()
        self.writer = WriterTurn(engine)
        self._postgres = engine.dialect.name == "postgresql"
        self.turns = DeviceTurns(engine)  # a device's next batch ingested after the one before (hq/turns.py)
        self._hpke: dict[str, tuple[bytes, object]] = {}  # key id -> (raw private key, its HPKE key object)

    def _decrypt_key(self, key_id: str):
        """HQ's HPKE private key `key_id` as a key object, made once per key (expanding the
        ML-KEM seed cost more per batch than the decryption), None when HQ has no such key."""
        raw = self.keys.decrypt_private.get(key_id)
        if raw is None:
            return None
        known = self._hpke.get(key_id)
        if known is None or known[0] != raw:
            known = self._hpke[key_id] = (raw, hpke_private_key(raw))
        return known[1]

    def ingest(self, blob: bytes, *, source: str = "network", upload: str | None = None,
               sha256: str | None = None, after: str | None = None) -> dict:
        """Returns the signed ack document; raises EnvelopeError with a reason code.
        `envelope.parse` types every header field (BatchHeader) before anything here uses it.
        `upload`: the id of the tus upload that carried the batch, removed in the same
        transaction as the batch is stored (one commit fewer per batch; hq/uploads.py).
        `sha256`: the hex SHA-256 of `blob` when the caller computed it already (the upload
        checks it against the device's signed claim), else computed here."""
        batch_id = device_id = None
        try:
            env = envelope.parse(blob, max_bytes=self.max_batch_bytes)
            batch_id, device_id = env.fields.batch_id, env.fields.device_id
            return self._ingest(env, blob, source, upload=upload, digest=sha256, after=after)
        except EnvelopeError as exc:
            log.warning("batch refused: batch=%s device=%s code=%s %s", batch_id, device_id, exc.code, exc.detail)
            self.log_refusal(batch_id, device_id, exc.code, exc.detail)
            self.ops.refused(exc.code)
            raise

    def log_refusal(self, batch_id: str | None, device_id: str | None, code: str, detail: str = "") -> None:
        """A batch-level refusal, for the intake log and the console's Offices page."""
        with self.engine.begin() as conn:
            conn.execute(insert(rejections).values(batch_id=(batch_id or "?")[:64], device_id=(device_id or "")[:64],
                                                   code=code, detail=detail[:500], at=_now()))

    def stored_ack(self, batch_id: str) -> dict | None:
        ack = self.stored_ack_text(batch_id)
        return json.loads(ack) if ack else None

    def stored_ack_text(self, batch_id: str) -> str | None:
        """The signed ack of a batch HQ holds, as the JSON text stored with it (None: not held)."""
        with self.engine.connect() as conn:
            found = _STORED_ACK.scalars(conn, {"b": batch_id})
        return found[0] if found and found[0] else None

    def last_rejection(self, batch_id: str) -> str | None:
        with self.engine.connect() as conn:
            return conn.execute(select(rejections.c.code).where(rejections.c.batch_id == batch_id)
                                .order_by(rejections.c.id.desc()).limit(1)).scalar()

    def _ingest(self, env: envelope.Envelope, blob: bytes, source: str, retry: bool = True,
                upload: str | None = None, digest: str | None = None, after: str | None = None) -> dict:
        """Three steps: the batch opened and its items typed (reads only the device: the CPU of
        signature, decryption, decoding and typing, which may overlap the same device's batch
        before it), the device's turn (`after`: hq/turns.py), then one transaction, few round
        trips (on a busy PostgreSQL each one costs milliseconds)."""
        header = env.header  # typed by envelope.parse (BatchHeader)
        digest = digest or hashlib.sha256(blob).hexdigest()
        opened = self._open(env, digest, upload)
        if isinstance(opened, dict):  # a replay of a batch HQ holds: its stored ack
            return opened
        items, typed = opened
        if after is not None:
            self.turns.wait(after, header["device_id"])
        turn = None  # our turn at SQLite's writer (WriterTurn), held from the first write to the commit
        try:
            try:
                with self.engine.begin() as conn:
                    if self._postgres:  # first: the row stays locked until the commit (hq/turns.py)
                        _finish_upload(conn, upload)
                    # The header's checks again, in the transaction (the batch may have arrived by
                    # another way, or the device been revoked, while it was opened or waited)
                    device, stored = self._device_and_prior(conn, env, digest)
                    if stored is not None:
                        if not self._postgres:
                            _finish_upload(conn, upload)
                        return stored
                    # Everything is read and computed before the first write (on SQLite the one
                    # writer is then held for the writes alone): the answers, the rows, the ack.
                    plan = self._plan_items(conn, items, device, header["batch_id"], typed)

                    def signed() -> dict:
                        return sign_ack({"v": 1, "batch_id": header["batch_id"], "device_id": device.device_id,
                                         "seq": header["seq"], "hq_time": _now().isoformat(), "results": plan.results},
                                        self.keys.sign_private)
                    ack = signed()
                    turn = self.writer.take()
                    if duplicates.claim(conn, plan.check):  # another batch filed one of its numbers meanwhile
                        plan.assemble()
                        ack = signed()
                    results = plan.results
                    plan.write(conn)
                    refusals.store(conn, items, results, device, header["batch_id"])
                    _INSERT_BATCH.run(conn, {"batch_id": header["batch_id"], "device_id": device.device_id,
                                             "seq": header["seq"], "sha256": digest, "source": source,
                                             "received_at": _now(), "ack": json.dumps(ack)})
                    if not self._postgres:  # (SQLite: a write, so at the end, in the writer's turn)
                        _finish_upload(conn, upload)
            finally:
                if turn is not None:
                    turn.release()
        except IntegrityError:
            # Lost a race: the same batch arrived twice at once (network + USB) and the first
            # commit wins — or another batch carried the same record revision; then once more,
            # now seeing the winner's rows, gives the right answer.
            stored = self.stored_ack(header["batch_id"])
            if stored is not None:
                return stored
            if retry:
                return self._ingest(env, blob, source, retry=False, upload=upload, digest=digest)
            raise EnvelopeError("sequence_reused", "concurrent batch with the same sequence") from None
        log.info("batch ingested: batch=%s device=%s seq=%s items=%d", header["batch_id"], device.device_id,
                 header["seq"], len(items))
        self.ops.ingested(device.office_code, results, source)
        return ack

    def _device_and_prior(self, conn: Connection, env: envelope.Envelope, digest: str, check: bool = False):
        """(the sending device's row, None), or (row, the stored ack) when HQ holds this very batch
        (a replay: same answer); raises on an unknown or revoked device, a reused sequence number
        and (`check`) a signature that is not the device's."""
        header = env.header
        found = _DEVICE_AND_PRIOR.rows(conn, {"b": header["batch_id"], "d": header["device_id"], "s": header["seq"]})
        if not found:
            raise EnvelopeError("unknown_device")
        device = found[0]
        if device.revoked_at is not None:
            raise EnvelopeError("revoked_device")
        if check:
            envelope.check_signature(env, device.public_key)
        for prior in found:
            if prior.prior_batch_id is None:  # (the device's row alone: no such batch)
                continue
            if prior.prior_batch_id == header["batch_id"] and prior.prior_sha256 == digest:
                return device, json.loads(prior.prior_ack)  # replay of an ingested batch: same answer
            raise EnvelopeError("sequence_reused", f"seq {header['seq']}")
        return device, None

    def _open(self, env: envelope.Envelope, digest: str, upload: str | None) -> dict | tuple[list, "_Typed"]:
        """The checks in the documented order up to the decryption, then the items decoded and
        typed — no write, no turn: (items, typed), or the stored ack of a replay."""
        header = env.header
        with self.engine.connect() as conn:
            device, stored = self._device_and_prior(conn, env, digest, check=True)
        if stored is not None:
            if upload:
                with self.engine.begin() as conn:
                    _finish_upload(conn, upload)
            return stored
        if header["hq_key_id"] not in self.keys.decrypt_private:
            self.keys.reload_for(header["hq_key_id"])  # rotated on another node meanwhile
        private = self._decrypt_key(header["hq_key_id"])
        if private is None:
            raise EnvelopeError("unknown_key_id")
        items = envelope.open_items(env, private)
        return items, self._type_items(items, device)

    def _type_items(self, items: list[dict], device) -> "_Typed":
        """Each item's own checks and typing, no database: card revocations, refused records'
        answers, and the candidates (index, record, answer, canonical bytes, sha256, people,
        photo qualities)."""
        typed = _Typed([None] * len(items), [], [])
        results, candidates = typed.results, typed.candidates
        by_orjson = getattr(items, "read_by_orjson", False)  # (envelope.Items)
        for i, item in enumerate(items):
            if item.get("type") == "card_revocation":
                number = item.get("card_number", "")
                number = number if isinstance(number, str) and CARD_NUMBER_RE.fullmatch(number) else ""
                reason = item.get("reason", "")
                reason = reason[:500] if isinstance(reason, str) else ""
                if number:
                    typed.revocations.append((number, reason))
                results[i] = {"type": "card_revocation", "card_number": number,
                              "status": "accepted" if number else "rejected",
                              "reason": "accepted" if number else "invalid_record"}
                continue
            record = item.get("record")
            record = record if isinstance(record, dict) else {}
            record_id = record.get("record_id")
            revision = record.get("revision")
            answer = {"type": "record", "record_id": record_id if _short_str(record_id, 36) else "",
                      "revision": revision if _is_int(revision) and 0 <= revision <= MAX_INT else 0,
                      "duplicate_of": None}
            data = _canonical_or_none(record, by_orjson)
            problem, parsed = self._record_problem(record, device.office_code, data)
            qualities = None if problem else _photo_qualities(item.get("photos", []))
            if qualities is None:
                problem = problem or "invalid_record"
                results[i] = {**answer, "status": "rejected", "reason": problem}
                continue
            if data is None:
                data = canonical_json(record)  # (raises as it always did: never stored without it)
            candidates.append((i, record, answer, data, hashlib.sha256(data).hexdigest(), parsed, qualities))
        return typed

    def _plan_items(self, conn: Connection, items: list[dict], device, batch_id: str, typed: "_Typed") -> "_Plan":
        """Per-item answers and the rows to write from the typed items (`_type_items`); reads
        only (a handful of statements per batch, not per record, for ingest speed)."""
        plan = _Plan(items, device, batch_id)
        results = plan.results
        results[:] = typed.results
        plan.revocations = list(typed.revocations)
        candidates = typed.candidates
        ids = {c[2]["record_id"] for c in candidates}
        existing: dict = {}
        numbers_of = {c[0]: _card_numbers(c[1]) for c in candidates}  # item index -> its card numbers
        cards = {n for numbers in numbers_of.values() for n in numbers}
        card_holder: dict[str, str] = {}
        if cards:
            card_holder = dict(_CARD_HOLDERS.rows(conn, {"v": list(cards)}))
        first_seen: dict = {}  # record id -> when HQ first received a revision of it
        if candidates:
            for r in _HELD_REVISIONS.rows(conn, {"v": list(ids)}):
                existing[(r.record_id, r.revision)] = r
                at = duplicates.aware(r.received_at)
                if r.record_id not in first_seen or at < first_seen[r.record_id]:
                    first_seen[r.record_id] = at
        for i, record, answer, data, digest, parsed, qualities in candidates:
            key = (answer["record_id"], answer["revision"])
            if key in existing:  # the same revision re-sealed: held once, same answer
                prior = existing[key]
                results[i] = ({**answer, "status": "rejected", "reason": "revision_conflict"} if prior.sha256 != digest
                              else {**answer, "status": prior.status, "reason": prior.status,
                                    "duplicate_of": prior.duplicate_of})
                continue
            mine = numbers_of[i]
            if any(card_holder.get(n, answer["record_id"]) != answer["record_id"] for n in mine):
                results[i] = {**answer, "status": "rejected", "reason": "card_number_taken"}
                continue
            plan.new_cards += [{"card_number": n, "record_id": answer["record_id"]} for n in mine
                               if n not in card_holder]
            card_holder.update({n: answer["record_id"] for n in mine})
            existing[key] = _Held(digest, "accepted", None)  # (the same revision twice in one batch)
            plan.fresh.append((i, record, answer, data, digest, parsed, qualities))
        # The HQ-wide duplicate check (hq/duplicates.py): one step, over the whole batch.
        plan.check = duplicates.read(conn, [(c[2]["record_id"], c[1]) for c in plan.fresh], device.office_code,
                                     parsed=[c[5] for c in plan.fresh],
                                     first_seen={c[2]["record_id"]: first_seen[c[2]["record_id"]]
                                                 for c in plan.fresh if c[2]["record_id"] in first_seen})
        hashes = {p["sha256"] for c in plan.fresh for p in items[c[0]].get("photos", [])}
        if hashes:  # photo bytes HQ holds already are not sent to the database again
            plan.blobs_held = set(_BLOBS_HELD.scalars(conn, {"v": list(hashes)}))
        plan.assemble()
        return plan

    @staticmethod
    def _record_problem(record: dict, office_code: str, data: bytes | None = None
                        ) -> tuple[str | None, people.Person | None]:
        """Type, length and pattern of the fields HQ stores, then the domain's own typing of the
        record, as strict as `Beneficiary.from_dict` (hq/people.py: the record's people and their
        duplicate profiles in one pass, kept for the duplicate check). The office is the sending
        device's (its enrolment), never what the record says. `data`: the record's canonical
        JSON, when known (it spares the walk over the record when it shows neither a NUL nor depth)."""
        if not (_short_str(record.get("record_id"), 36) and RECORD_ID_RE.fullmatch(record["record_id"])):
            return "invalid_record", None
        if not _plainly_shallow_and_nul_free(data) and _holds_nul(record):
            return "invalid_record", None  # PostgreSQL stores no NUL in text: refused here, not a failed batch
        revision = record.get("revision")
        if not _is_int(revision) or not 1 <= revision <= MAX_INT:
            return "invalid_record", None
        number = record.get("national_number")
        if number is not None and not isinstance(number, str):
            return "invalid_record", None
        if not (number or "").strip():
            return "missing_national_number", None
        if len(number) > 32:
            return "invalid_record", None
        claimed = record.get("office_code")
        if claimed not in (None, "") and claimed != office_code:
            return "wrong_office", None
        holder = people.read(record)
        return (None, holder) if holder is not None else ("invalid_record", None)


MAX_INT = 2**31 - 1  # 32-bit INTEGER columns (PostgreSQL)
RECORD_ID_RE = re.compile(r"[A-Za-z0-9-]{1,36}")
CARD_NUMBER_RE = re.compile(r"[A-Za-z0-9-]{1,32}")
PHOTO_KINDS_MAX, PHOTO_MIME_MAX = 16, 32


class _Typed(NamedTuple):
    """A batch's items typed before its turn (`Ingestor._type_items`)."""
    results: list
    revocations: list
    candidates: list


class _Plan:
    """One batch's answers and the rows to write, computed before the first write."""

    def __init__(self, items: list[dict], device, batch_id: str) -> None:
        self.items, self.device, self.batch_id = items, device, batch_id
        self.results: list[dict | None] = [None] * len(items)
        self.revocations: list[tuple[str, str]] = []
        self.new_cards: list[dict] = []
        # (index, record, answer, data, digest, parsed, the photos' quality JSON) of the revisions stored now
        self.fresh: list[tuple] = []
        self.check: duplicates.Check | None = None
        self.blobs_held: set[str] = set()
        self.new_records: list[dict] = []
        self.new_photos: list[dict] = []
        self.new_blobs: dict[str, bytes] = {}
        self.found: list[tuple] = []

    def assemble(self) -> None:
        """The answers and rows of the fresh revisions from the check's findings (again when
        `duplicates.claim` checked once more)."""
        device, items = self.device, self.items
        self.new_records, self.new_photos, self.new_blobs, self.found = [], [], {}, []
        for (i, record, answer, data, digest, _parsed, qualities), finding in zip(self.fresh, self.check.results):
            key = (answer["record_id"], answer["revision"])
            status = "duplicate" if finding else "accepted"
            other = finding.other_record_id if finding else None
            if finding:
                self.found.append((key[0], key[1], device.office_code, finding))
            self.new_records.append(dict(record_id=key[0], revision=key[1], national_number=record["national_number"],
                                         office_code=device.office_code, device_id=device.device_id,
                                         batch_id=self.batch_id, status=status, duplicate_of=other, sha256=digest,
                                         data=data.decode(), received_at=_now()))
            for n, p in enumerate(items[i].get("photos", [])):
                self.new_photos.append({"record_id": key[0], "revision": key[1], "position": n,
                                        "kind": p.get("kind", "portrait"), "mime": p.get("mime", "image/jpeg"),
                                        "quality": qualities[n], "sha256": p["sha256"]})
                if p["sha256"] not in self.blobs_held:
                    self.new_blobs.setdefault(p["sha256"], p["data"])
            self.results[i] = {**answer, "status": status, "reason": finding.reason if finding else status,
                               **(finding.answer() if finding else {"duplicate_of": None})}

    def write(self, conn: Connection) -> None:
        """The batch's writes, one after the other (after `duplicates.claim`)."""
        for number, reason in self.revocations:
            refdata.revoke_card(conn, number, reason, source=f"device:{self.device.device_id}")
        duplicates.file(conn, self.check)
        duplicates.store_findings(conn, self.found)
        _write(conn, self.new_records, self.new_photos, self.new_blobs, self.new_cards)


# Built once, values bound at execution (duplicates._among): no statement of a batch is built,
# and its cache key computed, per batch; run on the driver's cursor (hq/db.py `Lean`).
# The sending device, with every batch HQ holds under this batch id or under this device's
# sequence number (a replay, or a reused seq) — one row per such batch, or one with no batch: ONE
# statement where there were two (#11 item 7, hq-io).
_DEVICE_AND_PRIOR = Lean(
    select(devices, batches.c.batch_id.label("prior_batch_id"), batches.c.sha256.label("prior_sha256"),
           batches.c.ack.label("prior_ack"))
    .select_from(devices.outerjoin(batches, or_(batches.c.batch_id == bindparam("b"),
                                                and_(batches.c.device_id == devices.c.device_id,
                                                     batches.c.seq == bindparam("s")))))
    .where(devices.c.device_id == bindparam("d")))
_INSERT_BATCH = Lean(insert(batches))
_STORED_ACK = Lean(select(batches.c.ack).where(batches.c.batch_id == bindparam("b")))
_CARD_HOLDERS = Lean(select(card_numbers.c.card_number, card_numbers.c.record_id)
                     .where(among(card_numbers.c.card_number)))
_HELD_REVISIONS = Lean(select(records.c.record_id, records.c.revision, records.c.sha256, records.c.status,
                              records.c.duplicate_of, records.c.received_at).where(among(records.c.record_id)))
_BLOBS_HELD = Lean(select(blobs.c.sha256).where(among(blobs.c.sha256)))


def _write(conn: Connection, new_records: list[dict], new_photos: list[dict], new_blobs: dict[str, bytes],
           new_cards: list[dict]) -> None:
    """The batch's rows, one COPY / executemany per table (hq/bulk.py). Photo bytes go to `blobs`
    once per hash: a hash HQ holds already costs nothing but its `photos` row (`new_blobs` holds
    only the hashes HQ did not hold when the batch was read; its bytes are not even sent to the
    database again)."""
    insert_rows(conn, records, new_records)
    # (ON CONFLICT DO NOTHING: the same photo in a batch ingested at this moment on another node;
    # sorted by hash, so two batches sharing photos take their keys in one order and never deadlock
    # — PostgreSQL has no writer turn)
    insert_new_rows(conn, blobs, [{"sha256": h, "size": len(data), "data": data}
                                  for h, data in sorted(new_blobs.items())], likely_new=True)
    insert_rows(conn, photos, new_photos)
    insert_rows(conn, card_numbers, new_cards)


def _finish_upload(conn: Connection, upload: str | None) -> None:
    """The upload's rows go with the batch's commit (what `UploadStore.finish` does on its own;
    one statement on PostgreSQL: hq/uploads.py `remove_rows`)."""
    if upload:
        _remove_upload_rows(conn, upload)


def _card_numbers(record: dict) -> list[str]:
    """The card numbers a record holds: its own and its dependants' (typed by _record_problem)."""
    numbers = [record.get("card_number")] + [d.get("card_number") for d in record.get("dependants") or []
                                             if isinstance(d, dict)]
    return list(dict.fromkeys(n for n in numbers if isinstance(n, str) and 0 < len(n) <= 32))


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _short_str(value: object, limit: int) -> bool:
    return isinstance(value, str) and 0 < len(value) <= limit and "\x00" not in value


def _canonical_or_none(record: dict, read_by_orjson: bool = False) -> bytes | None:
    """The record's canonical JSON (what HQ stores and hashes), None when it has none (e.g. a
    structure too deep to encode: the record is refused by `_record_problem`). `read_by_orjson`:
    the payload was (envelope.Items): the same bytes by `canonical_json_of_read`, faster."""
    try:
        return envelope.canonical_json_of_read(record) if read_by_orjson else canonical_json(record)
    except (ValueError, TypeError, RecursionError):
        return None


_NUL_ESCAPE = b"\\u0000"


def _plainly_shallow_and_nul_free(data: bytes | None) -> bool:
    """True when the canonical JSON of a record proves what `_holds_nul` would find false, at
    the cost of two byte searches instead of a walk over every value: the encoder writes a NUL
    (in a key or a value) only as the escape `\\u0000` (text that merely holds a backslash and
    "u0000" matches too, and goes to the walk), and with at most 32 `{` and `[` in all no
    container can sit deep enough for the walk's depth rule (a child that is not text at
    depth 33). Anything else: False, and the walk decides."""
    return data is not None and _NUL_ESCAPE not in data and data.count(b"{") + data.count(b"[") <= 32


def _holds_nul(value: object, depth: int = 0) -> bool:
    """A NUL character in any text of a record (its keys too). Depth-bounded like the parse:
    anything below depth 32 but text counts as found. (Loops over a container's children
    instead of one call per child: a tenth of ingest's CPU went on this walk.)"""
    if isinstance(value, str):
        return "\x00" in value
    if depth > 32:
        return True
    deep = depth + 1 > 32  # a child that is not text is too deep
    if isinstance(value, dict):
        children = [x for kv in value.items() for x in kv]
    elif isinstance(value, list):
        children = value
    else:
        return False
    for child in children:
        if isinstance(child, str):
            if "\x00" in child:
                return True
        elif deep or (isinstance(child, (dict, list)) and _holds_nul(child, depth + 1)):
            return True
    return False


def _photo_qualities(photos: object) -> list[str] | None:
    """decode_payload checked the bytes against their hashes; here the fields HQ stores: the
    photos' quality as the JSON text stored (made once), None when a field is not storable."""
    if not isinstance(photos, list):
        return None
    qualities = []
    for p in photos:
        if not (_short_str(p.get("kind", "portrait"), PHOTO_KINDS_MAX) and _short_str(p.get("mime", "image/jpeg"),
                                                                                       PHOTO_MIME_MAX)):
            return None
        try:
            qualities.append(json.dumps(p.get("quality", {})))
        except (TypeError, ValueError, RecursionError):
            return None
    return qualities
