"""CSV and XLSX of the console's lists. Every cell goes through one formula guard, so a
name typed as `=HYPERLINK(...)` at an office is text in HQ's spreadsheet, never a formula."""

from __future__ import annotations

import csv
import io
import json
from typing import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.engine import Engine

from fundclient import cells
from fundclient.hq.console.models import hq_audit
from fundclient.hq.db import batches, devices, rejections


def safe_cell(value) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (the one rule:
    fundclient.cells); None is an empty cell, numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return cells.safe_cell(str(value))


def to_csv(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 Arabic correctly


def to_xlsx(header: Sequence[str], rows: Iterable[Sequence], *, rtl: bool = True) -> bytes:
    from openpyxl import Workbook  # lazy: start-up (NumPy, openpyxl)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("fundclient")
    sheet.sheet_view.rightToLeft = rtl
    sheet.append([safe_cell(h) for h in header])
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


RECORD_COLUMNS = ["record_id", "revision", "national_number", "name", "birth", "phone", "office_code", "status",
                  "received_at"]


def record_rows(rows: list[dict]) -> list[list]:
    return [[r["record_id"], r["revision"], r["national_number"], r["name"], r["birth"], r["phone"], r["office_code"],
             r["status"], r["received_at"].isoformat() if r["received_at"] else ""] for r in rows]


INTAKE_COLUMNS = ["at", "outcome", "office_code", "device_number", "device_id", "batch_id", "seq", "source", "code",
                  "records"]


def intake_rows(engine: Engine, limit: int = 100_000) -> list[list]:
    with engine.connect() as conn:
        dev = {d.device_id: d for d in conn.execute(select(devices.c.device_id, devices.c.office_code,
                                                           devices.c.device_number))}
        out = []
        for b in conn.execute(select(batches.c.batch_id, batches.c.device_id, batches.c.seq, batches.c.source,
                                     batches.c.received_at, batches.c.ack)
                              .order_by(batches.c.received_at.desc()).limit(limit)):
            d = dev.get(b.device_id)
            count = len(json.loads(b.ack).get("ack", {}).get("results", []))
            out.append([b.received_at.isoformat(), "received", d.office_code if d else "", d.device_number if d else "",
                        b.device_id, b.batch_id, b.seq, b.source, "", count])
        for r in conn.execute(select(rejections).order_by(rejections.c.id.desc()).limit(limit)):
            d = dev.get(r.device_id or "")
            out.append([r.at.isoformat(), "refused", d.office_code if d else "", d.device_number if d else "",
                        r.device_id, r.batch_id, "", "", r.code, ""])
    out.sort(key=lambda row: row[0], reverse=True)
    return out


AUDIT_COLUMNS = ["id", "at", "actor", "action", "target", "detail", "hash"]


def audit_rows(engine: Engine) -> list[list]:
    with engine.connect() as conn:
        return [[r.id, r.at.isoformat(), r.actor, r.action, r.target, r.detail, r.hash]
                for r in conn.execute(select(hq_audit).order_by(hq_audit.c.id))]
