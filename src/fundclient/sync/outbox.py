"""Sealed batches waiting for HQ, their acknowledgements, and the per-record answers.

DATA_DIR/outbox/
  pending/<seq>-<batch_id>.fcb     sealed, not yet acknowledged (the only copy: never deleted here)
  sent/<seq>-<batch_id>.fcb        acknowledged (kept for audit; safe to prune)
  quarantine/<name>.fcb + .json    refused for a reason a retry cannot fix; shown to the supervisor
  acks/<batch_id>.json             HQ's signed acknowledgement, verified before it is written
  results/<batch_id>.json          per-record answers not yet applied to the local DB
  results/applied/                 the same after the app applied them
  claims/<batch_id>.json           the device's signed upload claim (batch, length, SHA-256), made when
                                   the batch is sealed, so an unattended sync (no operator logged in,
                                   the device key locked: fundclient/device_key.py) can still send it

Every write is tmp-file + fsync + rename, so a crash leaves either the old or the new state.
"""

from __future__ import annotations

import json
import os
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator

from fundclient.config import Settings
from fundclient.errors import Message, SyncError
from fundclient.private_files import write_bytes_atomic
from fundclient.sync import envelope
from fundclient.sync.ack import verify_ack
from fundclient.sync.device import Device
from fundclient.sync.reasons import reason_message

TOO_LARGE = Message("The beneficiary record with its photos is larger than the batch size limit.")


NO_SUCH_BATCH = Message("No quarantined batch with this id.")


def _short(value: object, limit: int) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= limit else None


def batch_id_of(path: Path) -> str:
    return path.stem.partition("-")[2]


@dataclass(frozen=True)
class RecordResult:
    batch_id: str
    record_id: str
    revision: int
    status: str  # accepted | duplicate | rejected
    reason: str  # a sync.reasons code
    duplicate_of: str | None = None
    # HQ-wide duplicates (#14): the other record's office code and registration date (ISO)
    duplicate_office: str | None = None
    duplicate_date: str | None = None

    @property
    def message(self) -> Message:
        return reason_message(self.reason)


@dataclass(frozen=True)
class Quarantined:
    path: Path
    batch_id: str
    code: str
    message: Message
    at: str

    @property
    def sequence(self) -> int:
        """The batch's number in this office's sending order (what a supervisor is shown,
        never the batch id); 0 when the file name has none."""
        head = self.path.stem.partition("-")[0]
        return int(head) if head.isdigit() else 0


def photo_item(photo) -> dict:
    """Accepts a domain Photo or a plain dict {data, mime, kind, quality, override_reason}."""
    get = photo.get if isinstance(photo, dict) else (lambda k, d=None: getattr(photo, k, d))
    return {"data": bytes(get("data")), "mime": get("mime", "image/jpeg"), "kind": get("kind", "portrait"),
            "quality": dict(get("quality", {}) or {}), "override_reason": get("override_reason", "") or ""}


class Outbox:
    def __init__(self, data_dir: Path, settings: Settings | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.root = self.data_dir / "outbox"
        self.settings = settings or Settings.load(self.data_dir)
        for name in ("pending", "sent", "quarantine", "acks", "results/applied", "claims"):
            (self.root / name).mkdir(parents=True, exist_ok=True)

    # --- sealing -----------------------------------------------------------------
    def seal(self, records: list[dict], photos: dict[str, list] | None = None,
             card_revocations: list[dict] | None = None) -> list[Path]:
        """Seal records (Beneficiary.to_dict()), their photos (record_id -> [Photo|dict]) and card
        revocations ({card_number, reason, record_id?, replacement_card_number?}) into one or more
        batches of at most `batch_max_bytes`. Returns the batch files, in sequence order."""
        photos = photos or {}
        items = [{"type": "record", "record": r, "photos": [photo_item(p) for p in photos.get(r["record_id"], [])]}
                 for r in records]
        items += [{"type": "card_revocation", **c} for c in card_revocations or []]
        return [self._seal_one(group) for group in self._groups(items)]

    def _groups(self, items: list[dict]) -> Iterator[list[dict]]:
        """Items in groups of at most `batch_max_bytes` sealed (a record's JSON counted compressed
        alone, photos as they are) and of at most `envelope.MAX_BATCH_JSON` of JSON as HQ decodes
        it (the record's JSON as it is, each photo's description; 200 bytes each for the rest)."""
        budget = self.settings.batch_max_bytes - envelope.ENVELOPE_OVERHEAD
        group: list[dict] = []
        used = text_used = 0
        for item in items:
            meta = {k: v for k, v in item.items() if k != "photos"}
            text = json.dumps(meta, ensure_ascii=False).encode()
            size = len(zlib.compress(text, 6)) + 200
            text_size = len(text) + 200
            for p in item.get("photos", []):
                size += len(p["data"]) + 200
                text_size += len(json.dumps({k: v for k, v in p.items() if k != "data"}, ensure_ascii=False).encode()) + 200
            if size > budget or text_size > envelope.MAX_BATCH_JSON:
                raise SyncError(TOO_LARGE, code="record_too_large")
            if group and (used + size > budget or text_used + text_size > envelope.MAX_BATCH_JSON):
                yield group
                group, used, text_used = [], 0, 0
            group.append(item)
            used += size
            text_used += text_size
        if group:
            yield group

    def _seal_one(self, items: list[dict]) -> Path:
        device = Device.load(self.data_dir)
        seq = device.next_sequence()
        header = {"v": envelope.FORMAT_VERSION, "batch_id": str(uuid.uuid4()), "device_id": device.device_id,
                  "seq": seq, "count": len(items), "hq_key_id": device.hq_active_key_id,
                  "created_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat()}
        private = device.signing_private()
        blob = envelope.seal(header=header, items=items, hq_public=device.hq_encryption_keys[device.hq_active_key_id],
                             device_private=private)
        path = self.root / "pending" / f"{seq:010d}-{header['batch_id']}.fcb"
        self._write_claim(header["batch_id"], blob, device, private)  # before the batch: never a batch without
        write_bytes_atomic(path, blob)
        return path

    # --- upload claims (signed at sealing, sent by the unattended sync) -------------
    def _claim_path(self, batch_id: str) -> Path:
        return self.root / "claims" / f"{batch_id}.json"

    def _write_claim(self, batch_id: str, blob: bytes, device: Device, private: bytes) -> None:
        digest, signature = envelope.sign_upload(blob, batch_id=batch_id, device_id=device.device_id,
                                                 device_private=private)
        write_bytes_atomic(self._claim_path(batch_id), json.dumps(
            {"sha256": digest, "signature": signature.hex(), "device_id": device.device_id}).encode())

    def upload_claim(self, path: Path, blob: bytes, device: Device) -> tuple[str, bytes]:
        """(sha256, signature) for this pending batch: the one made at sealing when it still
        matches these bytes and this device, else signed now (SyncError device_key_locked when no
        operator logged in in this process)."""
        import hashlib

        try:
            doc = json.loads(self._claim_path(batch_id_of(path)).read_text(encoding="utf-8"))
            if doc["sha256"] == hashlib.sha256(blob).hexdigest() and doc["device_id"] == device.device_id:
                return doc["sha256"], bytes.fromhex(doc["signature"])
        except (OSError, ValueError, KeyError, TypeError):
            pass
        return envelope.sign_upload(blob, batch_id=batch_id_of(path), device_id=device.device_id,
                                    device_private=device.signing_private())

    def ensure_claims(self) -> int:
        """At login (the key is unlocked): sign the claims of pending batches sealed by a version
        that did not keep them, and drop claims of batches neither pending nor quarantined (a
        quarantined batch may be requeued). Returns how many were made."""
        pending = {batch_id_of(p): p for p in self.pending()}
        kept = set(pending) | {q.batch_id for q in self.quarantined()}
        made = 0
        device = Device.load(self.data_dir) if pending else None
        for batch_id, path in pending.items():
            if not self._claim_path(batch_id).exists():
                self._write_claim(batch_id, path.read_bytes(), device, device.signing_private())
                made += 1
        for claim in (self.root / "claims").glob("*.json"):
            if claim.stem not in kept:
                claim.unlink(missing_ok=True)
        return made

    # --- state ---------------------------------------------------------------------
    def pending(self) -> list[Path]:
        return sorted(self.root.glob("pending/*.fcb"))

    def pending_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.pending())

    def sent(self) -> list[Path]:
        return sorted(self.root.glob("sent/*.fcb"))

    def quarantined(self) -> list[Quarantined]:
        out = []
        for path in sorted(self.root.glob("quarantine/*.fcb")):
            try:  # a crash between the two writes of quarantine() leaves no reason file
                info = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
                code, at = str(info["code"]), str(info["at"])
            except (OSError, ValueError, KeyError, TypeError):
                code, at = "unknown", ""
            out.append(Quarantined(path, batch_id_of(path), code, reason_message(code), at))
        return out

    def quarantine(self, path: Path, code: str, detail: str = "") -> None:
        target = self.root / "quarantine" / path.name
        info = {"code": code, "detail": detail, "at": datetime.now(timezone.utc).isoformat()}
        write_bytes_atomic(target.with_suffix(".json"), json.dumps(info).encode())
        os.replace(path, target)

    def requeue(self, batch_id: str) -> Path:
        """Supervisor: send a quarantined batch again (e.g. after HQ re-enabled the device).
        Takes the batch id or the file name `sync-status` shows."""
        wanted = batch_id[:-4] if batch_id.endswith(".fcb") else batch_id
        path = next((p for p in self.root.glob("quarantine/*.fcb") if wanted in (batch_id_of(p), p.stem)), None)
        if path is None:
            raise SyncError(NO_SUCH_BATCH, code="no_such_batch")
        target = self.root / "pending" / path.name
        os.replace(path, target)
        path.with_suffix(".json").unlink(missing_ok=True)
        return target

    def prune_sent(self, older_than_days: float) -> int:
        """Delete acknowledged batch files older than this (their acks and results stay)."""
        limit = datetime.now(timezone.utc).timestamp() - older_than_days * 86400
        old = [p for p in self.sent() if p.stat().st_mtime < limit]
        for path in old:
            path.unlink()
        return len(old)

    def store_ack(self, path: Path, ack_doc: dict) -> dict:
        """Verify HQ's signature, store the ack and results, only then move the batch to sent/."""
        device = Device.load(self.data_dir)
        ack = verify_ack(ack_doc, device.hq_signing_keys, batch_id=batch_id_of(path), device_id=device.device_id)
        batch_id = ack["batch_id"]
        write_bytes_atomic(self.root / "acks" / f"{batch_id}.json", json.dumps(ack_doc, ensure_ascii=False).encode())
        if not (self.root / "results" / "applied" / f"{batch_id}.json").exists():
            write_bytes_atomic(self.root / "results" / f"{batch_id}.json", json.dumps(ack["results"]).encode())
        if path.exists():
            os.replace(path, self.root / "sent" / path.name)
        self._claim_path(batch_id).unlink(missing_ok=True)  # sent: its upload claim is of no more use
        return ack

    def find_batch(self, batch_id: str) -> Path | None:
        """The batch file with exactly this id (an id is compared, never used as a pattern)."""
        for folder in ("pending", "quarantine", "sent"):
            for path in self.root.glob(f"{folder}/*.fcb"):
                if batch_id_of(path) == batch_id:
                    return path
        return None

    # --- per-record answers, for the record view and the sync screen ------------------
    def iter_record_results(self, *, include_applied: bool = False) -> Iterator[RecordResult]:
        folders = [self.root / "results"] + ([self.root / "results" / "applied"] if include_applied else [])
        # HQ's later decisions (decision-<id>.json) come after the batch answers they overrule.
        paths = sorted((p for folder in folders for p in folder.glob("*.json")),
                       key=lambda p: (p.name.startswith("decision-"), p.name))
        for path in paths:
            for r in json.loads(path.read_text(encoding="utf-8")):
                if r.get("type") == "record":
                    yield RecordResult(path.stem, r["record_id"], int(r["revision"]), r["status"], r["reason"],
                                       r.get("duplicate_of"), _short(r.get("duplicate_office"), 32),
                                       _short(r.get("duplicate_date"), 10))

    def answered_not_applied(self) -> set[tuple[str, int]]:
        """Revisions HQ has answered (not merely held) in batch acks the app's DB has not taken
        in yet: still «pending» in the DB until the next login, no longer pending in truth."""
        return {(r.record_id, r.revision) for r in self.iter_record_results()
                if not r.batch_id.startswith("decision-") and r.status != "pending"}

    def mark_applied(self, batch_ids: Iterable[str]) -> None:
        """The app calls this after writing the results of these batches into its DB."""
        for batch_id in set(batch_ids):
            src = self.root / "results" / f"{batch_id}.json"
            if src.exists():
                os.replace(src, self.root / "results" / "applied" / src.name)

    def reapply_results(self) -> int:
        """After a backup was restored: HQ's answers go back in the queue the app applies."""
        moved = 0
        for path in (self.root / "results" / "applied").glob("*.json"):
            os.replace(path, self.root / "results" / path.name)
            moved += 1
        return moved

    def result_for(self, record_id: str, revision: int) -> RecordResult | None:
        """HQ's latest answer for this revision (a decision overrules the batch's answer)."""
        found = None
        for r in self.iter_record_results(include_applied=True):
            if r.record_id == record_id and r.revision == revision:
                found = r
        return found
