"""What an operator watches on every HQ node: `GET /healthz` for the load balancer and
`GET /metrics` for Prometheus (prometheus-client, text format). docs/hq-deploy.md says how to
scrape and alert.

Counters are per node (each node counts what it did; Prometheus sums over nodes:
`sum by (office, reason) (rate(fundclient_hq_intake_records_total[5m]))`). The age of the
oldest pending upload comes from the database at scrape time, so every node reports the same
figure whichever node the upload went through.

Metric names, labels and what they count:

  fundclient_hq_intake_records_total{office, reason}   records answered at intake, by the sending
                                                       device's office and the ack's reason
                                                       (accepted, duplicate, invalid_record, ...)
  fundclient_hq_batch_refusals_total{reason}           whole batches refused (bad_signature, ...)
  fundclient_hq_batches_ingested_total{source}         batches ingested (network, usb)
  fundclient_hq_upload_bytes_total                     upload bytes received by this node
  fundclient_hq_ack_latency_seconds                    histogram: upload creation -> signed ack
  fundclient_hq_oldest_pending_upload_seconds          age of the oldest upload in progress (0: none)

No label ever carries personal data: offices are codes, reasons are the protocol's codes.
/metrics answers loopback and private addresses only; /healthz answers anyone (load balancers).
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Callable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy import text
from starlette.requests import Request  # (module level: FastAPI resolves the handler's annotation here)

if TYPE_CHECKING:
    from fastapi import FastAPI
    from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

# Seconds: a whole batch over a LAN is well under one; over a rural link, minutes.
ACK_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 6 * 3600, 24 * 3600)


class _OldestUpload:
    """A collector asked at every scrape (one indexed MIN over `uploads`)."""

    def __init__(self, oldest: Callable[[], datetime | None]) -> None:
        self.oldest = oldest

    def collect(self):
        gauge = GaugeMetricFamily("fundclient_hq_oldest_pending_upload_seconds",
                                  "Age of the oldest upload in progress at HQ (0 when none)")
        try:
            created = self.oldest()
        except Exception:  # a scrape must never fail because the database is down: /healthz says so
            log.warning("oldest pending upload: database not reachable")
            return
        age = 0.0
        if created is not None:
            if created.tzinfo is None:  # SQLite hands back naive UTC
                created = created.replace(tzinfo=timezone.utc)
            age = max(0.0, (datetime.now(timezone.utc) - created).total_seconds())
        gauge.add_metric([], age)
        yield gauge


class Operations:
    """One per HQ app: its own registry, so several apps in one process (tests) never mix."""

    def __init__(self, oldest_upload: Callable[[], datetime | None] | None = None) -> None:
        self.registry = CollectorRegistry()
        self.intake = Counter("fundclient_hq_intake_records", "Records answered at intake, by office and reason",
                              ["office", "reason"], registry=self.registry)
        self.refusals = Counter("fundclient_hq_batch_refusals", "Batches refused whole, by reason", ["reason"],
                                registry=self.registry)
        self.batches = Counter("fundclient_hq_batches_ingested", "Batches ingested, by how they came", ["source"],
                               registry=self.registry)
        self.upload_bytes = Counter("fundclient_hq_upload_bytes", "Upload bytes this node received",
                                    registry=self.registry)
        self.ack_latency = Histogram("fundclient_hq_ack_latency_seconds",
                                     "Time from an upload's creation to its signed acknowledgement",
                                     buckets=ACK_BUCKETS, registry=self.registry)
        self._watching = False
        if oldest_upload is not None:
            self.watch_uploads(oldest_upload)

    def watch_uploads(self, oldest_upload: Callable[[], datetime | None]) -> None:
        if not self._watching:
            self.registry.register(_OldestUpload(oldest_upload))
            self._watching = True

    # Called by the ingestor (hq/ingest.py) after its transaction committed.
    def ingested(self, office: str, results: list[dict], source: str) -> None:
        self.batches.labels(source=source).inc()
        counts: dict[str, int] = {}
        for item in results:
            if item.get("type") == "record":
                counts[item["reason"]] = counts.get(item["reason"], 0) + 1
        for reason, n in counts.items():
            self.intake.labels(office=office, reason=reason).inc(n)

    def refused(self, code: str) -> None:
        self.refusals.labels(reason=code).inc()

    def acknowledged(self, started: datetime | None) -> None:
        if started is None:
            return
        if started.tzinfo is None:
            started = started.replace(tzinfo=timezone.utc)
        self.ack_latency.observe(max(0.0, (datetime.now(timezone.utc) - started).total_seconds()))

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def health(engine: Engine, keys) -> tuple[bool, dict]:
    """Database reachable (one round trip) and keys loaded (an active decryption and signing key)."""
    checks = {}
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any driver error means "not reachable" to a load balancer
        log.warning("healthz: database not reachable (%s)", type(exc).__name__)
        checks["database"] = "unreachable"
    loaded = bool(keys.decrypt_private.get(keys.active_decrypt)) and bool(keys.sign_private.get(keys.active_sign))
    checks["keys"] = "ok" if loaded else "missing"
    return all(v == "ok" for v in checks.values()), checks


def may_scrape(host: str) -> bool:
    """/metrics answers the HQ network only (loopback and private addresses): a single node
    facing the internet does not publish its offices' intake to anyone who asks."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_private


def install(app: FastAPI, ops: Operations, engine: Engine, keys) -> None:
    from fastapi.concurrency import run_in_threadpool  # lazy: start-up (FastAPI, Starlette)
    from fastapi.responses import JSONResponse, Response  # lazy: start-up (FastAPI, Starlette)

    @app.get("/healthz")
    async def healthz():
        ok, checks = await run_in_threadpool(health, engine, keys)
        return JSONResponse({"status": "ok" if ok else "failing", **checks}, status_code=200 if ok else 503,
                            headers={"Cache-Control": "no-store"})

    @app.get("/metrics")
    async def metrics(request: Request):
        if not may_scrape(request.client.host if request.client else ""):
            return JSONResponse({"code": "not_found"}, status_code=404)
        body = await run_in_threadpool(ops.exposition)
        return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
