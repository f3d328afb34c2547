"""HQ's HTTP API (FastAPI). Upload is a small tus 1.0.0 server (core + creation); see
docs/decisions/sync-own-tus-implementation.md for why not tuspyserver.

  POST  /api/v1/enrol                 {token, public_key, label} -> device id/number + HQ key set
  GET   /api/v1/probe?nonce=N         HQ-signed answer (captive portals cannot forge it)
  GET   /api/v1/keys                  current HQ key set, endorsed by every HQ signing key
  GET   /api/v1/pull?since=T          reference data + revoked cards changed since token T
  POST  /tus/                         create upload (Upload-Length, Upload-Metadata batch_id, device_id),
                                      with the first bytes as body (creation-with-upload)
  HEAD  /tus/{batch_id}               Upload-Offset = bytes HQ holds
  PATCH /tus/{batch_id}               append at Upload-Offset; on the last byte the batch is ingested and
                                      the signed ack comes back in the Fundclient-Ack header (if < 16 KB)
  GET   /api/v1/batches/{batch_id}/ack  signed ack (200), not here yet (404), refused (422 {code})
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import time
from datetime import datetime, timezone
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import select
from starlette.requests import ClientDisconnect

from fundclient.errors import SyncError
from fundclient.hq import devices as device_admin
from fundclient.hq import refdata
from fundclient.hq.db import devices
from fundclient.hq.ingest import Ingestor
from fundclient.sync.ack import sign_probe
from fundclient.sync.envelope import EnvelopeError
from fundclient.sync.keys import b64d

TUS_VERSION = "1.0.0"
ACK_HEADER = "Fundclient-Ack"  # base64 JSON of the signed ack, on the response that completed the upload
ACK_HEADER_MAX = 16_000
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _refuse(status: int, code: str) -> JSONResponse:
    return JSONResponse({"code": code}, status_code=status, headers={"Tus-Resumable": TUS_VERSION})


def _metadata(header: str) -> dict[str, str]:
    out = {}
    for part in filter(None, (p.strip() for p in header.split(","))):
        key, _, value = part.partition(" ")
        out[key] = base64.b64decode(value).decode() if value else ""
    return out


def _with_ack(headers: dict, ack: dict) -> dict:
    """The signed ack rides on the response that completed the upload (saves a round trip),
    unless it is too large for a header; then the client GETs it."""
    packed = base64.b64encode(json.dumps(ack, separators=(",", ":")).encode()).decode()
    return {**headers, ACK_HEADER: packed} if len(packed) <= ACK_HEADER_MAX else headers


async def _receive(part: Path, request: Request, offset: int, length: int) -> int | None:
    """Append bytes as they arrive, so a cut connection keeps what got here; returns the new
    offset, or None when the client went away."""
    with open(part, "ab") as fh:
        try:
            async for chunk in request.stream():
                chunk = chunk[: length - offset]
                fh.write(chunk)
                offset += len(chunk)
        except ClientDisconnect:
            fh.flush()
            return None
        fh.flush()
        os.fsync(fh.fileno())
    return offset


STALE_UPLOAD_DAYS = 14  # longer than any office stays offline mid-upload


def _drop_stale_uploads(uploads: Path) -> None:
    limit = time.time() - STALE_UPLOAD_DAYS * 86400
    for path in uploads.iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def create_app(hq_dir: Path, ingestor: Ingestor) -> FastAPI:
    app = FastAPI(title="fundclient HQ intake", docs_url=None, redoc_url=None, openapi_url=None)
    uploads = Path(hq_dir) / "uploads"
    uploads.mkdir(parents=True, exist_ok=True)
    _drop_stale_uploads(uploads)
    engine, keys = ingestor.engine, ingestor.keys
    locks: dict[str, asyncio.Lock] = {}

    def device_state(device_id: str) -> str | None:
        with engine.connect() as conn:
            row = conn.execute(select(devices.c.revoked_at).where(devices.c.device_id == device_id)).first()
        if row is None:
            return "unknown_device"
        return "revoked_device" if row.revoked_at is not None else None

    @app.post("/api/v1/enrol")
    async def enrol(body: dict):
        try:
            public = b64d(str(body.get("public_key", "")))
            info = await run_in_threadpool(device_admin.enrol_device, engine, str(body.get("token", "")), public,
                                           str(body.get("label", "")))
        except (SyncError, ValueError) as exc:
            return _refuse(403, getattr(exc, "code", "bad_token"))
        return {**info, **keys.keyset()}

    @app.get("/api/v1/probe")
    async def probe(nonce: str):
        if not re.fullmatch(r"[0-9a-f]{32,64}", nonce):
            return _refuse(400, "malformed")
        return sign_probe(nonce, datetime.now(timezone.utc).isoformat(), keys.sign_private)

    @app.get("/api/v1/keys")
    async def keyset():
        return keys.keyset()

    @app.get("/api/v1/pull")
    async def pull(since: int = 0):
        return {**await run_in_threadpool(refdata.changes_since, engine, since), **keys.keyset()}

    @app.options("/tus/")
    async def tus_options():
        return Response(status_code=204, headers={"Tus-Resumable": TUS_VERSION, "Tus-Version": TUS_VERSION,
                                                  "Tus-Extension": "creation,creation-with-upload",
                                                  "Tus-Max-Size": str(ingestor.max_batch_bytes)})

    @app.post("/tus/")
    async def tus_create(request: Request):
        """Creation, and creation-with-upload when a body comes along (saves a round trip)."""
        try:
            length = int(request.headers["Upload-Length"])
            meta = _metadata(request.headers.get("Upload-Metadata", ""))
            batch_id, device_id = meta["batch_id"], meta["device_id"]
        except (KeyError, ValueError):
            return _refuse(400, "malformed")
        if not UUID_RE.match(batch_id):
            return _refuse(400, "malformed")
        if length > ingestor.max_batch_bytes:
            return _refuse(413, "oversize")
        problem = await run_in_threadpool(device_state, device_id)
        if problem == "revoked_device":  # shown on the console's Offices page (unknown ids are not logged)
            await run_in_threadpool(ingestor.log_refusal, batch_id, device_id, problem)
        if problem:
            return _refuse(403, problem)
        headers = {"Location": f"/tus/{batch_id}", "Tus-Resumable": TUS_VERSION}
        if await run_in_threadpool(ingestor.stored_ack, batch_id) is not None:
            return Response(status_code=201, headers={**headers, "Upload-Offset": str(length)})
        length_file = uploads / f"{batch_id}.len"
        if not length_file.exists() or int(length_file.read_text()) != length:
            length_file.write_text(str(length))
            (uploads / f"{batch_id}.part").write_bytes(b"")
        if request.headers.get("Content-Type") != "application/offset+octet-stream":
            return Response(status_code=201, headers=headers)
        return await append(batch_id, request, 201, headers)

    def offset_of(batch_id: str) -> tuple[int, int] | None:
        length_file = uploads / f"{batch_id}.len"
        if not UUID_RE.match(batch_id) or not length_file.exists():
            return None
        length = int(length_file.read_text())
        part = uploads / f"{batch_id}.part"
        return (part.stat().st_size if part.exists() else length), length

    @app.head("/tus/{batch_id}")
    async def tus_head(batch_id: str):
        state = offset_of(batch_id)
        if state is None:
            return Response(status_code=404, headers={"Tus-Resumable": TUS_VERSION})
        return Response(status_code=200, headers={"Upload-Offset": str(state[0]), "Upload-Length": str(state[1]),
                                                  "Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store"})

    @app.patch("/tus/{batch_id}")
    async def tus_patch(batch_id: str, request: Request):
        if offset_of(batch_id) is None:
            return _refuse(404, "not_found")
        if request.headers.get("Content-Type") != "application/offset+octet-stream":
            return _refuse(415, "malformed")
        return await append(batch_id, request, 204, {"Tus-Resumable": TUS_VERSION})

    async def append(batch_id: str, request: Request, status: int, headers: dict) -> Response:
        lock = locks.setdefault(batch_id, asyncio.Lock())
        if lock.locked():
            return _refuse(409, "busy")
        async with lock:
            state = offset_of(batch_id)
            if state is None:
                return _refuse(404, "not_found")
            offset, length = state
            if request.headers.get("Upload-Offset", "0" if status == 201 else None) != str(offset):
                return _refuse(409, "offset_mismatch")
            part = uploads / f"{batch_id}.part"
            if offset < length:  # (an empty PATCH at the end asks HQ to finish an upload it holds)
                offset = await _receive(part, request, offset, length)
                if offset is None:
                    return Response(status_code=400)
            headers = {**headers, "Upload-Offset": str(offset)}
            if offset == length and not part.exists():  # ingested earlier: answer again
                ack = await run_in_threadpool(ingestor.stored_ack, batch_id)
                if ack is None:
                    return _refuse(404, "not_found")
                return Response(status_code=status, headers=_with_ack(headers, ack))
            if offset == length:
                try:
                    ack = await run_in_threadpool(ingestor.ingest, part.read_bytes(), source="network")
                except EnvelopeError as exc:
                    part.unlink(missing_ok=True)
                    (uploads / f"{batch_id}.len").unlink(missing_ok=True)
                    return _refuse(422, exc.code)
                part.unlink(missing_ok=True)
                headers = _with_ack(headers, ack)
            return Response(status_code=status, headers=headers)

    @app.get("/api/v1/batches/{batch_id}/ack")
    async def batch_ack(batch_id: str):
        ack = await run_in_threadpool(ingestor.stored_ack, batch_id)
        if ack is not None:
            return ack
        code = await run_in_threadpool(ingestor.last_rejection, batch_id)
        return _refuse(422, code) if code else _refuse(404, "not_found")

    return app
