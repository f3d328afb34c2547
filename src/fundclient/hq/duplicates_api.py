"""HQ's HTTP endpoints for HQ-wide duplicates (#14), mounted on the intake app by create_app:

  GET  /api/v1/digest?device_id&since&at&sig   the national-number digest (whole, or the delta
                                               since the device's token); a device-signed request;
                                               the body is the blob, its signed description rides
                                               in the Fundclient-Digest header
  POST /api/v1/lookup                          the online duplicate lookup (sync/lookup.py):
                                               device-signed body, HQ-signed answer

Every field is typed before the database sees it; a bad signature, an unknown or revoked device
is 403 bad_signature; too many lookups from one device in a minute is 429 too_many_lookups.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

from fastapi import FastAPI, Query, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from fundclient.encoding import b64e
from fundclient.hq import lookup as hq_lookup
from fundclient.hq.device_requests import check_request
from fundclient.hq.digest import DigestPublisher
from fundclient.sync.ack import sign_body
from fundclient.sync.device_requests import decode_signature
from fundclient.sync.digest import DIGEST_HEADER, META_CONTEXT, REQUEST_CONTEXT as DIGEST_REQUEST
from fundclient.sync.lookup import MAX_NUMBERS, REQUEST_CONTEXT as LOOKUP_REQUEST, query_hash

DEVICE_ID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
NAME_PART = Field(default="", max_length=60)


class LookupName(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    first: str = NAME_PART
    father: str = NAME_PART
    grandfather: str = NAME_PART
    family: str = NAME_PART


class LookupRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    device_id: str = Field(pattern=DEVICE_ID)
    at: int = Field(ge=0, lt=2**40)
    sig: str = Field(min_length=80, max_length=100)
    numbers: list[Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[0-9]+$")]] = \
        Field(default_factory=list, max_length=MAX_NUMBERS)
    name: LookupName = Field(default_factory=LookupName)
    birth: str = Field(default="", pattern=r"^(|[0-9]{4}-[0-9]{2}-[0-9]{2})$")
    sex: str = Field(default="", pattern=r"^(|M|F)$")
    mother: str = Field(default="", max_length=120)
    record_id: str = Field(default="", pattern=r"^[A-Za-z0-9-]{0,36}$")


def _refuse(status: int, code: str) -> JSONResponse:
    return JSONResponse({"code": code}, status_code=status)


def mount(app: FastAPI, engine, keys) -> DigestPublisher:
    publisher = DigestPublisher(engine)

    @app.get("/api/v1/digest")
    async def digest(device_id: Annotated[str, Query(pattern=DEVICE_ID)],
                     since: Annotated[int, Query(ge=0, lt=2**62)], at: Annotated[int, Query(ge=0, lt=2**40)],
                     sig: Annotated[str, Query(max_length=100)]):
        signature = decode_signature(sig)
        if signature is None:
            return _refuse(400, "malformed")
        device = await run_in_threadpool(check_request, engine, DIGEST_REQUEST, device_id, (since,), at, signature)
        if device is None:
            return _refuse(403, "bad_signature")
        part = await run_in_threadpool(publisher.part, since)
        meta = part.meta(device_id)
        signed = {"body": meta, "sigs": sign_body(META_CONTEXT, meta, keys.sign_private)}
        header = b64e(json.dumps(signed, separators=(",", ":")).encode())
        return Response(part.blob, media_type="application/octet-stream",
                        headers={DIGEST_HEADER: header, "Cache-Control": "no-store"})

    @app.post("/api/v1/lookup")
    async def lookup(request: LookupRequest):
        signature = decode_signature(request.sig)
        body = request.model_dump(exclude={"device_id", "at", "sig"})
        if body["birth"]:
            try:
                date.fromisoformat(body["birth"])
            except ValueError:
                return _refuse(400, "malformed")
        if signature is None:
            return _refuse(400, "malformed")
        q = query_hash(body)
        device = await run_in_threadpool(check_request, engine, LOOKUP_REQUEST, request.device_id, (q,), request.at,
                                         signature)
        if device is None:
            return _refuse(403, "bad_signature")
        if await run_in_threadpool(hq_lookup.recent_lookups, engine, request.device_id) >= hq_lookup.LOOKUPS_PER_MINUTE:
            await run_in_threadpool(hq_lookup.audit, engine, request.device_id, "refused", q, -1)
            return _refuse(429, "too_many_lookups")
        return await run_in_threadpool(hq_lookup.answer, engine, keys.sign_private, request.device_id, body, q)

    return publisher

