"""Test helpers for sync: people with photos, an enrolled office device against a real HQ."""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from pathlib import Path

from fundclient.domain.records import Beneficiary, Photo


def fake_jpeg(size: int = 20_000, seed: int | None = None) -> bytes:
    rnd = random.Random(seed)
    return b"\xff\xd8\xff\xe0" + rnd.randbytes(size - 6) + b"\xff\xd9"


def people(count: int, office: str = "SBH", seed: int = 1) -> list[Beneficiary]:
    """Realistic records from domain.synthetic (dependants, categories, valid national numbers)."""
    from fundclient.domain.synthetic import generate
    persons = generate(count, seed=seed)
    for p in persons:
        p.office_code = office
    return persons


def photos_for(persons: list[Beneficiary], size: int = 20_000) -> dict[str, list[Photo]]:
    return {p.record_id: [Photo(data=fake_jpeg(size, seed=i), quality={"sharpness": 0.9})]
            for i, p in enumerate(persons)}


def enrol_office(hq, data_dir: Path, office: str = "SBH"):
    from fundclient.hq.devices import create_token
    from fundclient.sync.enrol import enrol
    token = create_token(hq.ingestor.engine, office, hq.ingestor.keys.active_sign)
    return enrol(data_dir, hq.url, token)


def two_offices(hq, root: Path) -> tuple[Path, Path]:
    """Office A (Sebha) and office B (Brak), each a data dir enrolled with this HQ."""
    a, b = root / "office-a", root / "office-b"
    for data_dir, office in ((a, "SBH"), (b, "BRK")):
        data_dir.mkdir()
        enrol_office(hq, data_dir, office)
    return a, b


def env_without_proxies() -> dict:
    return {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}


def rewriting_middlebox(app, matches: Callable[[dict], bool], rewrite: Callable[[bytes], bytes]):
    """An ASGI middlebox in front of HQ's `app` that replaces the body of each response to a request
    `matches` accepts by `rewrite(body)` (a compromised proxy or a rogue CA: what TLS alone would
    not stop), its content-length made right."""

    async def wrapped(scope, receive, send):
        if scope["type"] != "http" or not matches(scope):
            return await app(scope, receive, send)
        parts = []

        async def capture(message):
            parts.append(message)

        await app(scope, receive, capture)
        start, body = parts[0], rewrite(b"".join(m.get("body", b"") for m in parts[1:]))
        headers = [(k, v) for k, v in start["headers"] if k != b"content-length"]
        await send({**start, "headers": headers + [(b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})

    return wrapped
