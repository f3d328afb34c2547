"""USB fallback: the same sealed batches on a removable drive, and HQ's signed acks back.

Office: export-batches copies pending/*.fcb to DIR/fundclient-batches/ (nothing is removed
locally). HQ: `hq import-batches DIR` ingests them with the same checks and writes
DIR/fundclient-acks-<time>.json. Office: import-acks verifies each ack's HQ signature and only
then marks the batch sent — exactly as after a network upload.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from fundclient.errors import SyncError
from fundclient.sync.outbox import Outbox
from fundclient.sync.reasons import PERMANENT

EXPORT_FOLDER = "fundclient-batches"


def export_batches(data_dir: Path, target: Path) -> list[Path]:
    folder = Path(target) / EXPORT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for path in Outbox(data_dir).pending():
        dest = folder / path.name
        tmp = dest.with_name(dest.name + ".tmp")
        shutil.copyfile(path, tmp)
        tmp.replace(dest)
        written.append(dest)
    return written


def import_acks(data_dir: Path, ack_file: Path) -> dict:
    """Returns counts {acknowledged, quarantined, unknown, forged}."""
    outbox = Outbox(data_dir)
    doc = json.loads(Path(ack_file).read_text(encoding="utf-8"))
    counts = {"acknowledged": 0, "quarantined": 0, "unknown": 0, "forged": 0}
    for batch_id, answer in doc["batches"].items():
        path = outbox.find_batch(batch_id)
        if path is None:
            counts["unknown"] += 1
            continue
        if "/sent/" in path.as_posix():  # already acknowledged (network or an earlier file)
            continue
        if "ack" in answer:
            try:
                outbox.store_ack(path, answer["ack"])
                counts["acknowledged"] += 1
            except SyncError:
                counts["forged"] += 1
        elif answer.get("code") in PERMANENT and "/pending/" in path.as_posix():
            outbox.quarantine(path, answer["code"])
            counts["quarantined"] += 1
    return counts
