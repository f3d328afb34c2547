"""`hq import-batches DIR`: ingest batches carried on a drive, write the acks file back to it."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from fundclient.hq.ingest import Ingestor
from fundclient.sync.envelope import EnvelopeError
from fundclient.sync.usb import EXPORT_FOLDER


def import_batches(ingestor: Ingestor, folder: Path) -> Path:
    folder = Path(folder)
    source = folder / EXPORT_FOLDER if (folder / EXPORT_FOLDER).is_dir() else folder
    answers: dict[str, dict] = {}
    for path in sorted(source.glob("*.fcb")):
        batch_id = path.stem.split("-", 1)[-1]
        try:
            answers[batch_id] = {"ack": ingestor.ingest(path.read_bytes(), source="usb")}
        except EnvelopeError as exc:
            answers[batch_id] = {"code": exc.code}
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = folder / f"fundclient-acks-{stamp}.json"
    out.write_text(json.dumps({"batches": answers}, ensure_ascii=False), encoding="utf-8")
    return out
