"""HQ's resource limits, as ASGI middleware around the whole app (kept out of app.py's routes).

* Body size: every request has a limit (a batch upload: the batch limit; anything else, the
  enrolment included: `DEFAULT_BODY_LIMIT`). A declared Content-Length over the limit is refused
  with 413 before one byte is read; a body without one is counted as it arrives and cut at the
  limit, so nobody can make HQ hold more than the limit in memory or on disk.
* Per-client rate: the endpoints anyone can call without a device signature get a token
  bucket per client address (enrolment strictly, the read-only ones generously); over it: 429.
* Refusals are JSON `{"code": ...}` like every other refusal of the API (docs/sync-protocol.md).

The buckets live in this node's memory on purpose: behind a load balancer each node counts for
itself (a client gets up to N × the rate from N nodes), and the load balancer's limits hold
across nodes (docs/hq-deploy.md, docs/decisions/hq-stateless-nodes.md). The client address is
the load balancer's X-Forwarded-For only when `hq serve --forwarded-allow-ips` names it.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Callable

from starlette.exceptions import HTTPException

DEFAULT_BODY_LIMIT = 64 * 1024
UPLOAD_BODY_SLACK = 64 * 1024  # a PATCH may carry a little more than the batch; HQ keeps only what fits


@dataclass(frozen=True)
class Rate:
    burst: int  # requests allowed at once
    per_second: float  # refill


@dataclass
class Limits:
    max_batch_bytes: int
    default_body: int = DEFAULT_BODY_LIMIT
    # Path prefix -> rate, first match wins. Uploads are not here: creating one needs a device
    # signature (app.py), and resuming one needs its id.
    rates: list[tuple[str, Rate]] = field(default_factory=lambda: [
        ("/api/v1/enrol", Rate(burst=10, per_second=0.2)),
        ("/api/v1/", Rate(burst=120, per_second=20.0)),
    ])
    max_clients: int = 10_000  # addresses remembered; the oldest are forgotten first

    def body_limit(self, method: str, path: str) -> int:
        if path.startswith("/tus/") and method in ("POST", "PATCH"):
            return self.max_batch_bytes + UPLOAD_BODY_SLACK
        return self.default_body

    def rate_for(self, path: str) -> tuple[str, Rate] | None:
        for prefix, rate in self.rates:
            if path.startswith(prefix):
                return prefix, rate
        return None


class TooLarge(HTTPException):
    """Raised from `receive` when a body passes its limit (FastAPI lets HTTPException through
    its body parsing, so the answer is 413, not a parse error)."""

    def __init__(self) -> None:
        super().__init__(status_code=413, detail="too_large")


async def _send_json(send, status: int, code: str, headers: dict[str, str] | None = None) -> None:
    body = json.dumps({"code": code}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
           (b"connection", b"close")]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


class BodyLimitMiddleware:
    def __init__(self, app, limits: Limits) -> None:
        self.app, self.limits = app, limits

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        limit = self.limits.body_limit(scope["method"], scope["path"])
        declared = [v for k, v in scope["headers"] if k == b"content-length"]
        if declared:
            text = declared[0].decode("latin-1").strip()
            if len(declared) > 1 or not text.isdigit() or len(text) > 15:
                return await _send_json(send, 400, "malformed")
            if int(text) > limit:
                return await _send_json(send, 413, "too_large")
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise TooLarge()
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except TooLarge:
            if not started:
                await _send_json(send, 413, "too_large")


class _Bucket:
    __slots__ = ("tokens", "at")

    def __init__(self, tokens: float, at: float) -> None:
        self.tokens, self.at = tokens, at


class RateLimitMiddleware:
    def __init__(self, app, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.app, self.limits, self.clock = app, limits, clock
        self.buckets: OrderedDict[tuple[str, str], _Bucket] = OrderedDict()

    def allow(self, client: str, path: str) -> bool:
        found = self.limits.rate_for(path)
        if found is None:
            return True
        prefix, rate = found
        now = self.clock()
        key = (client, prefix)
        bucket = self.buckets.pop(key, None) or _Bucket(float(rate.burst), now)
        bucket.tokens = min(float(rate.burst), bucket.tokens + (now - bucket.at) * rate.per_second)
        bucket.at = now
        self.buckets[key] = bucket  # most recent last
        while len(self.buckets) > self.limits.max_clients:
            self.buckets.popitem(last=False)
        if bucket.tokens < 1:
            return False
        bucket.tokens -= 1
        return True

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        client = (scope.get("client") or ("?", 0))[0]
        if not self.allow(client, scope["path"]):
            return await _send_json(send, 429, "rate_limited", {"Retry-After": "5"})
        return await self.app(scope, receive, send)


def install(app, limits: Limits) -> None:
    """Rate first (a refused client costs nothing), then the body limit."""
    from starlette.responses import JSONResponse  # lazy: start-up (Starlette)

    async def too_large(_request, _exc):
        return JSONResponse({"code": "too_large"}, status_code=413, headers={"Connection": "close"})

    app.add_exception_handler(TooLarge, too_large)
    app.add_middleware(BodyLimitMiddleware, limits=limits)
    app.add_middleware(RateLimitMiddleware, limits=limits)
