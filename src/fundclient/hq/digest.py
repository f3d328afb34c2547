"""HQ publishes the digest of every national number it holds (holders and dependants, from
`person_numbers`) with the owning office (domain.number_digest), pulled by office devices with
their reference data: the whole digest once (since = 0), then deltas — the numbers filed since
the device's token (`person_numbers.id`), a day's registrations in a few tens of KB.

The whole digest is built at most once per FULL_MAX_AGE per HQ process and kept (memory), since
encoding five million numbers costs seconds; a device then pulls the delta from that build's
token. A device whose token HQ does not know (a newer one than HQ's own: a restored HQ database)
gets the whole digest again.
"""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, replace

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from fundclient.domain.number_digest import encode, number_value
from fundclient.hq.db import person_numbers

FULL_MAX_AGE = 24 * 3600
DELTA_LIMIT = 200_000
REBUILD_AFTER = 50_000  # numbers filed since the cached whole digest was built
DIGEST_VERSION = 1


@dataclass(frozen=True)
class DigestPart:
    since: int
    token: int
    full: bool
    more: bool
    count: int
    blob: bytes

    def meta(self, device_id: str) -> dict:
        """What HQ signs (the blob by its SHA-256): for this device, from `since`."""
        return {"v": DIGEST_VERSION, "device_id": device_id, "since": self.since, "token": self.token,
                "full": self.full, "more": self.more, "count": self.count,
                "sha256": hashlib.sha256(self.blob).hexdigest(), "size": len(self.blob)}


class DigestPublisher:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.Lock()
        self._full: tuple[float, DigestPart] | None = None

    def _rows(self, since: int, limit: int | None) -> list:
        query = select(person_numbers.c.id, person_numbers.c.national_number, person_numbers.c.office_code) \
            .where(person_numbers.c.id > since).order_by(person_numbers.c.id)
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect() as conn:
            return conn.execute(query).all()

    def _encode(self, since: int, rows: list, full: bool, more: bool) -> DigestPart:
        pairs = [(v, r.office_code) for r in rows if (v := number_value(r.national_number)) is not None]
        token = rows[-1].id if rows else since
        return DigestPart(since, token, full, more, len(pairs), encode(pairs))

    def full(self, newest: int) -> DigestPart:
        """The whole digest as built at most FULL_MAX_AGE ago (or REBUILD_AFTER numbers ago);
        `more` says the device then pulls the delta since its token."""
        with self._lock:
            built = self._full
            if built is None or time.monotonic() - built[0] > FULL_MAX_AGE \
                    or newest - built[1].token > REBUILD_AFTER or (built[1].token == 0 and newest):
                built = self._full = (time.monotonic(), self._encode(0, self._rows(0, None), True, False))
        return replace(built[1], more=newest > built[1].token)

    def part(self, since: int) -> DigestPart:
        """The answer to a device holding everything up to `since` (0: nothing)."""
        with self.engine.connect() as conn:
            newest = conn.execute(select(func.max(person_numbers.c.id))).scalar() or 0
        if since <= 0 or since > newest:
            return self.full(newest)
        rows = self._rows(since, DELTA_LIMIT)
        return self._encode(since, rows, False, len(rows) == DELTA_LIMIT)
