"""HQ's HTTP API (FastAPI). Upload is a small tus 1.0.0 server (core + creation); see
docs/decisions/sync-own-tus-implementation.md for why not tuspyserver.

  POST  /api/v1/enrol                 {token, public_key, label, office_code} -> device id/number + HQ key set
  GET   /api/v1/probe?nonce=N         HQ-signed answer (captive portals cannot forge it); with &device=ID
                                      also HQ's signed word on that device: active / revoked / unknown
  GET   /api/v1/keys                  current HQ key set, endorsed by every HQ signing key
  GET   /api/v1/pull?since=T          reference data + revoked cards changed since token T
  POST  /tus/                         create upload (Upload-Length, Upload-Metadata batch_id, device_id, sha256,
                                      signature: the device signs batch, length and hash — nothing is
                                      allocated before that signature checks), with the first bytes as
                                      body (creation-with-upload)
  HEAD  /tus/{batch_id}               Upload-Offset = bytes HQ holds (any node: uploads live in the database)
  PATCH /tus/{batch_id}               append at Upload-Offset; on the last byte the batch is ingested and
                                      the signed ack comes back in the Fundclient-Ack header (if < 16 KB),
                                      or, asked with `Prefer: return=representation`, as the body (200)
  GET   /api/v1/batches/{batch_id}/ack  signed ack (200), not here yet (404), refused (422 {code})
  GET   /healthz, /metrics            database reachable + keys loaded; Prometheus (hq/operations.py)

A node keeps nothing of its own: uploads in progress, enrolment tokens, acks and console
sessions are in the database, so several nodes serve behind one load balancer (docs/hq-deploy.md).

Every refusal is a 4xx with a JSON reason code; every request field is typed (pattern, length,
range) before the database, the key ring or the disk sees it. Body limits and per-client rates
live in hq/limits.py, the uploads in progress in hq/uploads.py.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Annotated

from fastapi import FastAPI, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import bindparam, exists, func, select
from starlette.requests import ClientDisconnect

from fundclient.domain.card_numbers import OFFICE_CODE_PATTERN
from fundclient.errors import SyncError
from fundclient.hq import devices as device_admin
from fundclient.hq import duplicates_api
from fundclient.hq import limits as hq_limits
from fundclient.hq import operations
from fundclient.hq import refdata
from fundclient.hq.db import Lean, batches, devices, uploads as uploads_table
from fundclient.hq.ingest import Ingestor
from fundclient.hq.turns import RETRY_AFTER_SECONDS, TURN_HEADER, TURNS_HEADER, TURNS_KEPT, TurnNotKept
from fundclient.hq.uploads import UploadState, UploadStore
from fundclient.sync.ack import ACK_HEADER, sign_probe, sign_reference
from fundclient.sync.envelope import SHA256_RE, EnvelopeError, check_upload
from fundclient.encoding import b64d, b64e

TUS_VERSION = "1.0.0"
ACK_HEADER_MAX = 16_000
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MAX_SINCE = 2**63 - 1  # the change log's ids (BIGINT at most)
MAX_METADATA = 1024
UPLOAD_LENGTH_RE = re.compile(r"[0-9]{1,12}")


class EnrolRequest(BaseModel):
    """The enrolment body, typed (the body itself is capped by hq/limits.py)."""

    model_config = ConfigDict(extra="ignore", strict=True)
    token: str = Field(min_length=8, max_length=200, pattern=r"^[A-Za-z0-9_.-]+$")
    public_key: str = Field(min_length=40, max_length=64, pattern=r"^[A-Za-z0-9+/=_-]+$")
    label: str = Field(default="", max_length=200)
    # The office the device belongs to (offices since 0.3 send it): a token of another office is
    # refused (403 wrong_office) before it is used, so no unused device is left at HQ.
    office_code: str | None = Field(default=None, pattern=rf"^(?:{OFFICE_CODE_PATTERN})$")


def _refuse(status: int, code: str, retry_after: int | None = None) -> JSONResponse:
    headers = {"Tus-Resumable": TUS_VERSION}
    if retry_after is not None:
        headers["Retry-After"] = str(retry_after)
    return JSONResponse({"code": code}, status_code=status, headers=headers)


def _metadata(header: str) -> dict[str, str]:
    """tus Upload-Metadata: `key base64value, ...`; raises ValueError on anything else."""
    if len(header) > MAX_METADATA:
        raise ValueError("metadata too long")
    out = {}
    for part in filter(None, (p.strip() for p in header.split(","))):
        key, _, value = part.partition(" ")
        if not re.fullmatch(r"[a-z_0-9]{1,32}", key) or key in out:
            raise ValueError("metadata key")
        try:
            out[key] = b64d(value).decode("ascii") if value else ""
        except ValueError:  # not base64, or not ASCII text
            raise ValueError("metadata value") from None
    return out


# An office that asks with this preference (RFC 7240) gets the signed ack as the body of the
# response that completed its upload, whatever its size: 200 instead of tus's 204 for a PATCH
# (201 stays 201), `Preference-Applied` saying so. Without it (offices before 2026-11-30 evening)
# the ack rides in the `Fundclient-Ack` header when it fits, else the office GETs it — a batch of
# ~90 registrations (2 MiB, the offices' default) has an ack just over the header's 16 KB, so that
# cost every such batch a third request (#11 item 7).
ACK_IN_BODY = "return=representation"


def _wants_ack_body(request: Request) -> bool:
    return ACK_IN_BODY in request.headers.get("Prefer", "")


def _with_ack(status: int, headers: dict, ack: dict, in_body: bool) -> Response:
    """The signed ack rides on the response that completed the upload (saves a round trip): in
    its body when the office asked (`in_body`), else in a header unless it is too large for one;
    then the client GETs it."""
    packed = json.dumps(ack, separators=(",", ":")).encode()
    if in_body:
        return Response(packed, status_code=200 if status == 204 else status, media_type="application/json",
                        headers={**headers, "Preference-Applied": ACK_IN_BODY})
    packed = b64e(packed)
    return Response(status_code=status, headers={**headers, ACK_HEADER: packed} if len(packed) <= ACK_HEADER_MAX
                    else headers)


async def _receive(uploads: UploadStore, batch_id: str, request: Request, state, ops, unwritten: bool = False) \
        -> tuple[int, bytes | bytearray] | None | bool:
    """Take the body from the offset HQ holds. What arrives is written to the database at least
    every `uploads.flush_seconds` (a killed node loses no more than that) and when the client
    goes away; the last stretch of a complete upload stays in memory and goes straight to
    ingest. Returns (offset, bytes not written), None when the client went away, False when
    another node moved the upload on meanwhile. `unwritten`: the upload's row is not in the
    database yet (a creation with its body): the first write of its bytes writes it too, and
    an upload that arrives whole never has one."""
    create = (state.length, state.sha256, state.device_id) if unwritten else None
    written = offset = counted = state.offset
    buffer = bytearray()
    last = time.monotonic()
    try:
        try:
            async for chunk in request.stream():
                room = state.length - offset
                if len(chunk) > room:  # (a slice copies: only when the body runs past the upload)
                    chunk = chunk[:room]
                if not chunk:
                    continue
                buffer += chunk
                offset += len(chunk)
                now = time.monotonic()
                if offset < state.length and (now - last >= uploads.flush_seconds
                                              or len(buffer) >= uploads.flush_bytes):
                    ops.upload_bytes.inc(offset - counted)  # (per flush and at the end, not per piece)
                    counted = offset
                    if not await run_in_threadpool(uploads.append, batch_id, written, bytes(buffer), create):
                        return False
                    written, buffer, last, create = offset, bytearray(), now, None
        finally:
            ops.upload_bytes.inc(offset - counted)
    except ClientDisconnect:
        if buffer:
            await run_in_threadpool(uploads.append, batch_id, written, bytes(buffer), create)
        elif create is not None:  # nothing came: the upload is held from byte 0, as created
            await run_in_threadpool(uploads.create, batch_id, *create)
        return None
    if offset < state.length and buffer:  # the request ended early: hold what came
        if not await run_in_threadpool(uploads.append, batch_id, written, bytes(buffer), create):
            return False
        buffer = bytearray()
    elif offset < state.length and create is not None:  # no byte came with the creation
        await run_in_threadpool(uploads.create, batch_id, *create)
    return offset, buffer  # (not copied: up to 8 MiB, read in place by ingest — envelope.parse)


# Refusals of a creation that came with its body which HQ answers only once the body is read:
# an enrolled device's office must learn them (a revoked device stops sending; the others it
# retries later), and an answer sent while the office is still sending is lost when HQ's side
# closes the connection with bytes unread (the office would see a cut and send again, for ever).
# Anonymous or malformed requests are answered at once: HQ reads nothing of theirs.
_ANSWERED_AFTER_THE_BODY = frozenset({"revoked_device", "batch_id_taken", "too_many_uploads"})


async def _drain(request: Request, length: int) -> None:
    """Read and drop a request's body, at most `length` bytes (the upload's signed length,
    at most the batch limit; hq/limits.py caps the body too)."""
    seen = 0
    try:
        async for chunk in request.stream():
            seen += len(chunk)
            if seen >= length:
                break
    except ClientDisconnect:
        pass


@dataclass(frozen=True)
class _CreationFacts:
    problem: str | None  # unknown_device | revoked_device
    public_key: bytes | None
    acked: bool  # HQ holds this batch already
    held: UploadState | None  # the upload in progress under this id
    open_uploads: int  # the device's unfinished uploads (when `held` is None)


_DEVICE_KEY = Lean(select(devices.c.revoked_at, devices.c.public_key).where(devices.c.device_id == bindparam("d")))
_held = uploads_table.alias("held")  # the upload in progress under this batch id
_open = uploads_table.alias("open")  # the device's unfinished uploads
# Everything a creation reads, in ONE statement (four before: the device, a held ack, the upload
# in progress, the device's open uploads — #11 item 7): no row when the device is unknown.
_CREATION_FACTS = Lean(
    select(devices.c.revoked_at, devices.c.public_key,
           exists().where(batches.c.batch_id == bindparam("b")).label("acked"),
           _held.c.length, _held.c.sha256, _held.c.device_id, _held.c.held, _held.c.created_at,
           select(func.count()).select_from(_open).where(_open.c.device_id == bindparam("d"))
           .scalar_subquery().label("open_uploads"))
    .select_from(devices.outerjoin(_held, _held.c.batch_id == bindparam("b")))
    .where(devices.c.device_id == bindparam("d")))


def _api(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/tus/"))


def create_app(hq_dir, ingestor: Ingestor, limits: hq_limits.Limits | None = None,
               store: UploadStore | None = None) -> FastAPI:
    app = FastAPI(title="fundclient HQ intake", docs_url=None, redoc_url=None, openapi_url=None)
    hq_limits.install(app, limits or hq_limits.Limits(max_batch_bytes=ingestor.max_batch_bytes))
    uploads = store or UploadStore(ingestor.engine)
    engine, keys, ops = ingestor.engine, ingestor.keys, ingestor.ops
    uploads.sweep()
    ops.watch_uploads(uploads.oldest_pending)
    operations.install(app, ops, engine, keys)
    app.state.uploads = uploads

    @app.exception_handler(RequestValidationError)
    async def typed_refusal(request: Request, exc: RequestValidationError):
        """A field of the wrong type, length or range: 400 with a reason code (the API's own
        shape); pages outside the API keep FastAPI's default answer."""
        if _api(request):
            return _refuse(400, "malformed")
        return await request_validation_exception_handler(request, exc)

    def device_key(device_id: str, conn=None) -> tuple[str | None, bytes | None]:
        """(problem, public key) of a device, by an id already checked against UUID_RE."""
        if conn is None:
            with engine.connect() as conn:
                return device_key(device_id, conn)
        row = _DEVICE_KEY.first(conn, {"d": device_id})
        if row is None:
            return "unknown_device", None
        return ("revoked_device" if row.revoked_at is not None else None), row.public_key

    def creation_facts(batch_id: str, device_id: str) -> _CreationFacts:
        """What a creation request reads, in one statement (`_CREATION_FACTS`; four statements
        in four trips to the thread pool at first)."""
        with engine.connect() as conn:
            row = _CREATION_FACTS.first(conn, {"b": batch_id, "d": device_id})
        if row is None:
            return _CreationFacts("unknown_device", None, False, None, 0)
        if row.revoked_at is not None:
            return _CreationFacts("revoked_device", row.public_key, False, None, 0)
        acked = bool(row.acked)
        held = None if acked or row.length is None else \
            UploadState(row.length, row.sha256, row.device_id, row.held, row.created_at)
        return _CreationFacts(None, row.public_key, acked, held, row.open_uploads if not acked and held is None else 0)

    @app.post("/api/v1/enrol")
    async def enrol(body: EnrolRequest):
        try:
            public = b64d(body.public_key)
            info = await run_in_threadpool(device_admin.enrol_device, engine, body.token, public, body.label,
                                           office_code=body.office_code)
        except (SyncError, ValueError) as exc:
            return _refuse(403, getattr(exc, "code", "bad_token"))
        return {**info, **keys.keyset()}

    @app.get("/api/v1/probe")
    async def probe(nonce: Annotated[str, Query(max_length=64)],
                    device: Annotated[str | None, Query(max_length=36)] = None):
        """HQ's signature over the device's nonce; with `device`, also HQ's word on that device
        (active / revoked / unknown), signed with the nonce (`fundclient selftest` asks)."""
        if not re.fullmatch(r"[0-9a-f]{32,64}", nonce) or (device is not None and not UUID_RE.match(device)):
            return _refuse(400, "malformed")
        now = datetime.now(timezone.utc).isoformat()
        if device is None:
            return sign_probe(nonce, now, keys.sign_private)
        problem, _ = await run_in_threadpool(device_key, device)
        standing = {"revoked_device": "revoked", "unknown_device": "unknown"}.get(problem or "", "active")
        return sign_probe(nonce, now, keys.sign_private, device=device, standing=standing)

    @app.get("/api/v1/keys")
    async def keyset():
        return keys.keyset()

    @app.get("/api/v1/pull")
    async def pull(since: Annotated[int, Query(ge=0, le=MAX_SINCE)] = 0):
        """Reference data and revoked cards changed since `since`, signed by HQ (offices verify
        it like an acknowledgement: docs/sync-protocol.md)."""
        answer = await run_in_threadpool(refdata.changes_since, engine, since)
        return {**sign_reference(since, answer, keys.sign_private), **keys.keyset()}

    @app.options("/tus/")
    async def tus_options():
        return Response(status_code=204, headers={"Tus-Resumable": TUS_VERSION, "Tus-Version": TUS_VERSION,
                                                  "Tus-Extension": "creation,creation-with-upload",
                                                  "Tus-Max-Size": str(ingestor.max_batch_bytes)})

    @app.post("/tus/")
    async def tus_create(request: Request):
        """Creation, and creation-with-upload when a body comes along (saves a round trip).
        Nothing is written before the device's signature over (batch, device, length, sha256)
        checks: no anonymous use of HQ's disk."""
        try:
            length_text = request.headers["Upload-Length"].strip()
            if not UPLOAD_LENGTH_RE.fullmatch(length_text):
                raise ValueError("Upload-Length")
            length = int(length_text)
            meta = _metadata(request.headers.get("Upload-Metadata", ""))
            batch_id, device_id = meta["batch_id"], meta["device_id"]
            digest, signature = meta.get("sha256", ""), b64d(meta.get("signature", ""))
        except (KeyError, ValueError):
            return _refuse(400, "malformed")
        if not (UUID_RE.match(batch_id) and UUID_RE.match(device_id)) or length < 1:
            return _refuse(400, "malformed")
        if length > ingestor.max_batch_bytes:
            return _refuse(413, "oversize")
        if not SHA256_RE.fullmatch(digest) or len(signature) != 64:
            return _refuse(401, "unsigned_upload")
        with_body = request.headers.get("Content-Type") == "application/offset+octet-stream"
        created = await run_in_threadpool(creation, batch_id, device_id, length, digest, signature, with_body)
        refused = isinstance(created, tuple) and isinstance(created[0], int)
        if with_body and (created is True or (refused and created[1] in _ANSWERED_AFTER_THE_BODY)):
            await _drain(request, length)
        if refused:
            return _refuse(*created)
        headers = {"Location": f"/tus/{batch_id}", "Tus-Resumable": TUS_VERSION, TURNS_HEADER: TURNS_KEPT}
        if created is True:  # HQ holds this batch already
            return Response(status_code=201, headers={**headers, "Upload-Offset": str(length)})
        if not with_body:
            return Response(status_code=201, headers=headers)
        return await _append(batch_id, request, 201, headers, created[0], unwritten=not created[1])

    def creation(batch_id: str, device_id: str, length: int, digest: str, signature: bytes, with_body: bool) \
            -> tuple[int, str] | tuple[UploadState, bool] | bool:
        """A creation request's reads, checks and write in one trip to the thread pool: a
        refusal (status, code), True when HQ holds the batch already, else the upload's state
        (HQ holds `offset` bytes of it: 0, or what a same device's earlier creation left) and
        whether its row is written. A new upload that comes with its body (`with_body`) is not
        written here: its first bytes written write it (`_receive`), and one that arrives whole
        — a batch of a registration or a few — costs no write but the batch's own commit. Until
        then another node answers HEAD with 404 and the office creates it again (idempotent)."""
        # (read before the signature is checked; nothing is answered from it before)
        facts = creation_facts(batch_id, device_id)
        problem = facts.problem
        if problem == "revoked_device":  # shown on the console's Offices page (unknown ids are not logged)
            ingestor.log_refusal(batch_id, device_id, problem)
        if problem:
            return 403, problem
        if not check_upload(facts.public_key, signature, batch_id=batch_id, device_id=device_id, length=length,
                            sha256=digest):
            return 403, "bad_signature"
        if facts.acked:
            return True
        held = facts.held
        if held is not None and held.device_id != device_id:
            return 409, "batch_id_taken"
        if held is None:
            count = facts.open_uploads
            if uploads.sweep_due():
                uploads.sweep()
                count = uploads.open_for(device_id)
            if count >= uploads.max_per_device:
                return 429, "too_many_uploads"
        if held is not None and (held.length, held.sha256) == (length, digest):
            return held, True  # (the same creation again: what HQ holds stays)
        if held is None and with_body:
            return UploadState(length, digest, device_id, 0, datetime.now(timezone.utc)), False
        uploads.create(batch_id, length, digest, device_id, held)
        return UploadState(length, digest, device_id, 0, datetime.now(timezone.utc)), True

    @app.head("/tus/{batch_id}")
    async def tus_head(batch_id: str):
        state = await run_in_threadpool(uploads.state, batch_id)
        if state is None:
            return Response(status_code=404, headers={"Tus-Resumable": TUS_VERSION})
        return Response(status_code=200, headers={"Upload-Offset": str(state.offset), "Upload-Length": str(state.length),
                                                  "Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store",
                                                  TURNS_HEADER: TURNS_KEPT})

    @app.patch("/tus/{batch_id}")
    async def tus_patch(batch_id: str, request: Request):
        if request.headers.get("Content-Type") != "application/offset+octet-stream":
            return _refuse(415, "malformed")
        return await _append(batch_id, request, 204, {"Tus-Resumable": TUS_VERSION})

    async def _append(batch_id: str, request: Request, status: int, headers: dict,
                      state: UploadState | None = None, unwritten: bool = False) -> Response:
        """Receive bytes at the offset HQ holds (any node: the upload lives in the database),
        then ingest when the last byte is here. `state`: the upload's, when the creation just
        made it (no second read; should another node move the upload on meanwhile, the
        compare-and-set of `UploadStore.append` and the hash of the whole still hold)."""
        after = request.headers.get(TURN_HEADER)
        if after is not None and (not UUID_RE.match(after) or after == batch_id):
            await _drain(request, ingestor.max_batch_bytes)  # (read first: an answer sent while the office sends is lost)
            return _refuse(400, "malformed")
        if state is None:
            state = await run_in_threadpool(uploads.state, batch_id)
        if state is None:
            return _refuse(404, "not_found")
        if request.headers.get("Upload-Offset", "0" if status == 201 else None) != str(state.offset):
            return _refuse(409, "offset_mismatch")
        received = await _receive(uploads, batch_id, request, state, ops, unwritten)
        if received is None:  # the client went away; what it sent is held
            return Response(status_code=400)
        if received is False:  # another node moved this upload on meanwhile
            return _refuse(409, "offset_mismatch")
        offset, tail = received
        headers = {**headers, "Upload-Offset": str(offset)}
        if offset < state.length:
            return Response(status_code=status, headers=headers)
        answer = await run_in_threadpool(complete, batch_id, state, tail, offset - len(tail) > 0, after)
        if isinstance(answer, tuple):
            return _refuse(*answer)
        ops.acknowledged(state.created_at)
        return _with_ack(status, headers, answer, _wants_ack_body(request))

    def complete(batch_id: str, state: UploadState, tail: bytes, held_before: bool,
                 after: str | None = None) -> dict | tuple:
        """The last byte is here: the whole batch (what HQ held before `tail`, read, then
        `tail`), its hash checked against the device's signed claim, then ingested — in one
        trip to the thread pool; `after`: the device's batch this one is ingested after
        (hq/turns.py). The signed ack, or a refusal (status, code)."""
        blob = uploads.read(batch_id) + tail if held_before else tail
        if len(blob) != state.length or hashlib.sha256(blob).hexdigest() != state.sha256:
            uploads.finish(batch_id)  # not the bytes the device signed: start again
            return 409, "upload_mismatch"
        try:  # (a batch HQ ingested already — through another node, or by USB — gets its stored ack)
            # (the upload's rows go in the same commit as the batch; a lost race leaves them to the sweep)
            return ingestor.ingest(blob, source="network", upload=batch_id, sha256=state.sha256, after=after)
        except EnvelopeError as exc:
            uploads.finish(batch_id)
            return 422, exc.code
        except TurnNotKept as exc:  # the batch before may be in progress: not now (hq/turns.py)
            if tail:  # the upload held whole (its row too, when it came whole with its creation): the
                # office's next try is an empty PATCH
                uploads.append(batch_id, state.length - len(tail), bytes(tail),
                               (state.length, state.sha256, state.device_id))
            return 503, exc.code, RETRY_AFTER_SECONDS

    @app.get("/api/v1/batches/{batch_id}/ack")
    async def batch_ack(batch_id: str):
        if not UUID_RE.match(batch_id):
            return _refuse(404, "not_found")
        ack = await run_in_threadpool(ingestor.stored_ack_text, batch_id)
        if ack is not None:  # (its stored JSON as it is: FastAPI's encoder walked the ack object by object)
            return Response(ack, media_type="application/json")
        code = await run_in_threadpool(ingestor.last_rejection, batch_id)
        return _refuse(422, code) if code else _refuse(404, "not_found")

    duplicates_api.mount(app, engine, keys)  # the national-number digest and the online lookup (#14)
    return app
