"""Uploads in progress on HQ's disk: HQ_DIR/uploads/<batch_id>.part (bytes so far) and
<batch_id>.len (JSON: length, sha256, device id of the signed creation request).

Both files go as soon as the batch is ingested or refused; a sweep (at start and then at most
once per `sweep_every` seconds, on upload creation) removes what a finished or abandoned upload
left: files of batches HQ already holds, files older than `stale_days`, stray temporary files.
A device may hold at most `max_per_device` unfinished uploads, so a device key cannot fill
the disk either.
"""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from fundclient.sync.envelope import UUID_RE

log = logging.getLogger(__name__)

STALE_UPLOAD_DAYS = 14  # longer than any office stays offline mid-upload
SWEEP_EVERY = 3600.0
MAX_OPEN_PER_DEVICE = 32


@dataclass(frozen=True)
class UploadState:
    length: int
    sha256: str | None
    device_id: str | None
    offset: int


class UploadStore:
    def __init__(self, folder: Path, *, max_per_device: int = MAX_OPEN_PER_DEVICE,
                 stale_days: float = STALE_UPLOAD_DAYS, sweep_every: float = SWEEP_EVERY) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.max_per_device, self.stale_days, self.sweep_every = max_per_device, stale_days, sweep_every
        self.last_sweep = 0.0

    def part(self, batch_id: str) -> Path:
        return self.folder / f"{batch_id}.part"

    def _len(self, batch_id: str) -> Path:
        return self.folder / f"{batch_id}.len"

    def state(self, batch_id: str) -> UploadState | None:
        if not UUID_RE.fullmatch(batch_id):
            return None
        try:
            doc = json.loads(self._len(batch_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if isinstance(doc, int):  # written by 0.1.0: the length alone
            doc = {"length": doc}
        if not isinstance(doc, dict) or not isinstance(doc.get("length"), int):
            return None
        part = self.part(batch_id)
        offset = part.stat().st_size if part.exists() else doc["length"]
        return UploadState(doc["length"], doc.get("sha256"), doc.get("device_id"), offset)

    def open_for(self, device_id: str) -> int:
        """Unfinished uploads this device holds."""
        count = 0
        for path in self.folder.glob("*.len"):
            try:
                if json.loads(path.read_text(encoding="utf-8")).get("device_id") == device_id:
                    count += 1
            except (OSError, ValueError, AttributeError):
                continue
        return count

    def create(self, batch_id: str, length: int, sha256: str, device_id: str) -> None:
        """Start (or keep, when the same device re-creates the same upload) an upload."""
        current = self.state(batch_id)
        if current and (current.length, current.sha256, current.device_id) == (length, sha256, device_id):
            return
        tmp = self.folder / f".{batch_id}.len.tmp"
        tmp.write_text(json.dumps({"length": length, "sha256": sha256, "device_id": device_id}), encoding="utf-8")
        self.part(batch_id).write_bytes(b"")
        os.replace(tmp, self._len(batch_id))

    def finish(self, batch_id: str) -> None:
        """The batch was ingested or refused: nothing of the upload stays on disk."""
        self.part(batch_id).unlink(missing_ok=True)
        self._len(batch_id).unlink(missing_ok=True)

    def sweep_due(self) -> bool:
        return time.monotonic() - self.last_sweep >= self.sweep_every

    def sweep(self, held: Callable[[str], bool]) -> int:
        """Remove leftovers; `held(batch_id)` says whether HQ already holds that batch."""
        self.last_sweep = time.monotonic()
        limit = time.time() - self.stale_days * 86400
        removed = 0
        for path in list(self.folder.iterdir()):
            batch_id = path.name.split(".", 1)[0] if not path.name.startswith(".") else ""
            try:
                mtime = path.stat().st_mtime
            except OSError:
                continue
            old = mtime < time.time() - 3600  # never race an upload being created right now
            orphan = old and path.suffix == ".part" and not self._len(batch_id).exists()
            leftover = old and path.name.endswith(".tmp")
            if mtime < limit or orphan or leftover or (UUID_RE.fullmatch(batch_id) and held(batch_id)):
                path.unlink(missing_ok=True)
                removed += 1
        if removed:
            log.info("upload sweep removed %d file(s)", removed)
        return removed
