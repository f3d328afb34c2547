"""hq/bulk.py on SQLite and PostgreSQL: `insert_new_rows` writes a batch's rows in one statement,
skips the ones whose key HQ holds already (a photo another batch brought, a national number
already claimed) and stores each value exactly as SQLAlchemy's own `insert` would."""

from __future__ import annotations

import hashlib
import os
from datetime import datetime, timezone

from sqlalchemy import event, insert, select

from fundclient.hq.bulk import insert_new_rows
from fundclient.hq.db import blobs, number_claims, open_engine, rejections


def _blob(data: bytes) -> dict:
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "data": data}


def test_new_rows_go_in_one_statement_and_held_ones_are_skipped(hq_dir, hq_database_url):
    engine = open_engine(hq_dir, hq_database_url)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    try:
        held = b"\x00\xff held photo \x00" + os.urandom(20_000)
        with engine.begin() as conn:
            conn.execute(insert(blobs), [_blob(held)])
            conn.execute(insert(number_claims), [{"national_number": "1990000000001"}])
        fresh = [os.urandom(20_000) + bytes([i]) for i in range(5)]
        # Another batch's row with the same key but other bytes: the stored one stays as it was.
        again = {**_blob(held), "data": b"not what HQ holds"}
        numbers = sorted(f"19900000000{i:02d}" for i in range(1, 40))
        statements.clear()
        with engine.begin() as conn:
            insert_new_rows(conn, blobs, [_blob(d) for d in fresh] + [again])
            insert_new_rows(conn, number_claims, [{"national_number": n} for n in numbers])
            insert_new_rows(conn, blobs, [])  # nothing: no statement
        writes = [s for s in statements if s.lstrip().upper().startswith("INSERT")]
        assert len(writes) == 2, writes  # one per table, not one per row
        with engine.connect() as conn:
            stored = dict(conn.execute(select(blobs.c.sha256, blobs.c.data)).all())
            claimed = list(conn.execute(select(number_claims.c.national_number)
                                        .order_by(number_claims.c.national_number)).scalars())
        assert stored == {_blob(d)["sha256"]: d for d in [held, *fresh]}
        assert claimed == numbers
    finally:
        engine.dispose()


def test_values_are_stored_as_sqlalchemy_insert_stores_them(hq_dir, hq_database_url):
    """Datetimes (SQLite keeps SQLAlchemy's text form), text with Arabic and quotes, NULLs."""
    engine = open_engine(hq_dir, hq_database_url)
    at = datetime(2026, 11, 30, 3, 4, 5, 678901, tzinfo=timezone.utc)
    row = {"batch_id": "b-1", "device_id": None, "code": "bad_signature", "detail": "تفصيل 'quoted' \"x\" \\ %s", "at": at}
    try:
        with engine.begin() as conn:
            insert_new_rows(conn, rejections, [row])
            conn.execute(insert(rejections), [{**row, "batch_id": "b-2"}])
        with engine.connect() as conn:
            got = {r.batch_id: r for r in conn.execute(select(rejections))}
            raw = conn.exec_driver_sql("SELECT batch_id, at FROM rejections ORDER BY batch_id").all()
        for batch_id in ("b-1", "b-2"):
            assert got[batch_id].detail == row["detail"] and got[batch_id].device_id is None
            assert got[batch_id].at.replace(tzinfo=timezone.utc) == at
        assert raw[0][1] == raw[1][1]  # the same stored form as insert()'s
    finally:
        engine.dispose()
