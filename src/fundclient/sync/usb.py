"""USB fallback: the same sealed batches on a removable drive, and HQ's signed acks back.

Office: export-batches writes pending/*.fcb to DIR/fundclient-batches/ (nothing is removed
locally). HQ: `hq import-batches DIR` ingests them with the same checks and writes
DIR/fundclient-acks-<time>.json. Office: import-acks verifies each ack's HQ signature and only
then marks the batch sent — exactly as after a network upload; a refusal is acted on (the batch
moves to quarantine) only when HQ signed it and it names the SHA-256 of this office's own batch
file. An unsigned refusal (a bare code, as HQs before 0.3 wrote) is reported, never used.

The drive is hostile (`fundclient.drive`): the office reads only regular files (never a link,
a FIFO, a device, a folder or an oversize file), writes only new files created exclusively,
and types every field of an acks file before using it: a batch id is a UUID or the entry is
refused — it is never used as a file pattern. One bad file never stops the others; each file
gets one line in the summary, in Arabic and English.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from fundclient import drive
from fundclient.errors import ExitCode, Message, SyncError
from fundclient.sync.ack import verify_refusal
from fundclient.sync.device import Device
from fundclient.sync.outbox import Outbox
from fundclient.sync.reasons import PERMANENT

EXPORT_FOLDER = "fundclient-batches"
ACKS_PREFIX = "fundclient-acks-"
MAX_ACKS_BYTES = 64 * 1024 * 1024
MAX_BATCH_FILE_BYTES = 64 * 1024 * 1024
BATCH_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

# Per-file outcomes (Arabic | English in the summary).
ACKS_APPLIED = Message("{acknowledged} batch(es) acknowledged, {quarantined} quarantined, {already} already "
                       "acknowledged")
ACKS_FORGED = Message("{forged} acknowledgement(s) not signed by HQ (forged or damaged): not used; the "
                      "batches stay pending")
REFUSALS_FORGED = Message("{forged_refusal} refusal(s) not signed by HQ or not about the batch's file "
                          "(forged, damaged, or written by an older HQ): not used; the batches stay pending")
ACKS_MALFORMED_ENTRIES = Message("{malformed} malformed entr(y/ies) in the file: ignored")
ACKS_OTHER = Message("{unknown} batch(es) not from this device: ignored")
ACKS_NOT_JSON = Message("not a valid acknowledgements file (damaged JSON or unexpected layout): nothing used")
NO_ACKS_FILES = Message("no acknowledgement files ({prefix}*.json) in {path}")
EXPORTED = Message("batch written onto the drive")
ALREADY_ON_DRIVE = Message("batch already on the drive (same content)")
EXPORT_NOTHING = Message("No batches are waiting to be sent.")
EXPORT_SUMMARY = Message("{written} batch(es) written to {path}, {already} already there, {failed} failed.")
ACKS_SUMMARY = Message("Acknowledgement files: {files}; {acknowledged} batch(es) acknowledged, {quarantined} "
                       "quarantined, {forged} forged, {bad_files} file(s) not read.")


def _both(message: Message) -> str:
    return f"{message.ar} | {message.en}"


# --- export --------------------------------------------------------------------------------

@dataclass
class ExportReport:
    target: Path
    written: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    failed: dict[str, Message] = field(default_factory=dict)

    @property
    def exit_code(self) -> ExitCode:
        return ExitCode.PARTLY if self.failed else ExitCode.OK

    def lines(self) -> list[str]:
        lines = [f"{name}: {_both(EXPORTED)}" for name in self.written]
        lines += [f"{name}: {_both(ALREADY_ON_DRIVE)}" for name in self.already]
        lines += [f"{drive.display_name(name)}: {_both(reason)}" for name, reason in self.failed.items()]
        return lines

    def summary(self) -> Message:
        if not (self.written or self.already or self.failed):
            return EXPORT_NOTHING
        return EXPORT_SUMMARY.format(written=len(self.written), already=len(self.already), failed=len(self.failed),
                                     path=drive.display_name(str(self.target / EXPORT_FOLDER)))


def export_batches(data_dir: Path, target: Path) -> ExportReport:
    """Write every pending batch onto the drive as a new file (exclusive create, never through a
    link). A file of the same name already there is left alone: same bytes means it is already
    exported; other bytes are reported (HQ would read that file, not ours). Raises SyncError
    `not_enrolled` on a device that was never enrolled (there is nothing HQ could read)."""
    Device.load(data_dir)  # not enrolled: no batch can exist, say so instead of writing nothing
    target = Path(target)
    report = ExportReport(target)
    if not os.path.lexists(target):
        target.mkdir(parents=True)  # `--to E:\\office` names a folder to make on the drive
    with drive.open_folder(target) as top:
        try:
            os.mkdir(target / EXPORT_FOLDER, 0o755)
        except FileExistsError:
            pass
        except OSError as exc:
            raise drive.DriveError(drive.DRIVE_WRITE_FAILED.format(name=EXPORT_FOLDER),
                                   code="drive_write_failed") from exc
        folder = top.subfolder(EXPORT_FOLDER)
        if folder is None:  # a link or a file named like the folder
            raise drive.DriveError(drive.DRIVE_FOLDER_BAD.format(name=drive.display_name(str(target / EXPORT_FOLDER))),
                                   code="drive_folder")
        with folder:
            for path in Outbox(data_dir).pending():
                data = path.read_bytes()
                try:
                    folder.create(path.name, data)
                    report.written.append(path.name)
                except drive.DriveError as exc:
                    if exc.code != "drive_file_exists":
                        report.failed[path.name] = exc.message
                        continue
                    there = folder.read(path.name, len(data))
                    if there.ok and there.data == data:
                        report.already.append(path.name)
                    else:
                        report.failed[path.name] = exc.message
    return report


# --- import of HQ's acknowledgements -------------------------------------------------------

COUNTS = ("acknowledged", "already", "quarantined", "unknown", "forged", "forged_refusal", "malformed")


@dataclass
class AcksFile:
    """One acks file: read or skipped (drive reason), then parsed or refused, then applied."""

    file: drive.DriveFile
    malformed_file: bool = False
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(
        COUNTS, 0))

    @property
    def usable(self) -> bool:
        return self.file.ok and not self.malformed_file

    @property
    def clean(self) -> bool:
        return self.usable and self.counts["forged"] == self.counts["forged_refusal"] == self.counts["malformed"] == 0

    def outcome(self) -> Message:
        if not self.file.ok:
            return self.file.reason()
        if self.malformed_file:
            return ACKS_NOT_JSON
        parts = [ACKS_APPLIED.format(**self.counts)]
        if self.counts["forged"]:
            parts.append(ACKS_FORGED.format(**self.counts))
        if self.counts["forged_refusal"]:
            parts.append(REFUSALS_FORGED.format(**self.counts))
        if self.counts["malformed"]:
            parts.append(ACKS_MALFORMED_ENTRIES.format(**self.counts))
        if self.counts["unknown"]:
            parts.append(ACKS_OTHER.format(**self.counts))
        return Message.join(Message("; "), parts)


@dataclass
class AcksReport:
    source: Path
    files: list[AcksFile] = field(default_factory=list)

    @property
    def totals(self) -> dict[str, int]:
        totals = dict.fromkeys(COUNTS, 0)
        for f in self.files:
            for key, value in f.counts.items():
                totals[key] += value
        totals["files"] = len(self.files)
        totals["bad_files"] = sum(1 for f in self.files if not f.usable)
        return totals

    @property
    def exit_code(self) -> ExitCode:
        """0 every file read and every entry used; 2 no file could be used at all; 1 otherwise
        (a forged or malformed entry, a skipped or malformed file beside good ones)."""
        if not any(f.usable for f in self.files):
            return ExitCode.CANNOT_START
        return ExitCode.OK if all(f.clean for f in self.files) else ExitCode.PARTLY

    def lines(self) -> list[str]:
        lines = [f"{f.file.display_name}: {_both(f.outcome())}" for f in self.files]
        if not self.files:
            lines.append(_both(NO_ACKS_FILES.format(prefix=ACKS_PREFIX, path=drive.display_name(str(self.source)))))
        return lines

    def summary(self) -> Message:
        totals = self.totals
        return ACKS_SUMMARY.format(**{**totals, "forged": totals["forged"] + totals["forged_refusal"]})


def import_acks(data_dir: Path, source: Path) -> AcksReport:
    """Apply HQ's acknowledgements from one acks file, or from every `fundclient-acks-*.json` in
    a drive folder. Never raises for what is on the drive: each file's fate is in the report."""
    source = Path(source)
    report = AcksReport(source)
    outbox = Outbox(data_dir)
    device = Device.load(data_dir)
    if _is_plain_folder(source):
        with drive.open_folder(source) as folder:
            names = [n for n in folder.names() if n.startswith(ACKS_PREFIX) and n.lower().endswith(".json")]
            for name in names:
                report.files.append(_apply(outbox, device, folder.read(name, MAX_ACKS_BYTES)))
    else:
        report.files.append(_apply(outbox, device, drive.read_file(source, MAX_ACKS_BYTES)))
    return report


def _is_plain_folder(path: Path) -> bool:
    try:
        return path.is_dir() and not path.is_symlink()
    except OSError:
        return False


def _apply(outbox: Outbox, device: Device, item: drive.DriveFile) -> AcksFile:
    result = AcksFile(item)
    if not item.ok:
        return result
    entries = _parse(item.data or b"")
    if entries is None:
        result.malformed_file = True
        return result
    counts = result.counts
    for batch_id, answer in entries:
        if batch_id is None:
            counts["malformed"] += 1
            continue
        path = outbox.find_batch(batch_id)
        if path is None:
            counts["unknown"] += 1
            continue
        if path.parent.name == "sent":  # already acknowledged (network or an earlier file)
            counts["already"] += 1
            continue
        if "ack" in answer:
            try:
                outbox.store_ack(path, answer["ack"])
                counts["acknowledged"] += 1
            except SyncError:
                counts["forged"] += 1
        elif path.parent.name == "pending":
            try:  # HQ's signature over this batch id and these very bytes, or nothing moves
                code = verify_refusal(answer, device.hq_signing_keys, batch_id=batch_id,
                                      sha256=hashlib.sha256(path.read_bytes()).hexdigest())
            except SyncError:
                counts["forged_refusal"] += 1
                continue
            if code not in PERMANENT:  # signed, but not a refusal a retry cannot fix: keep sending
                counts["malformed"] += 1
                continue
            outbox.quarantine(path, code)
            counts["quarantined"] += 1
    return result


def _parse(data: bytes) -> list[tuple[str | None, dict]] | None:
    """[(batch id or None when the entry is malformed, answer)], or None when the file is not
    an acks file at all. An answer is {"ack": {...}} (a signed ack), {"refusal": {...}, "sigs":
    {...}} (a signed refusal), or {"code": <a known permanent code>} (an older HQ's unsigned
    refusal: parsed so it can be reported, never acted on)."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(doc, dict) or not isinstance(doc.get("batches"), dict):
        return None
    entries: list[tuple[str | None, dict]] = []
    for key, answer in doc["batches"].items():
        well_formed = (isinstance(key, str) and BATCH_ID.fullmatch(key) is not None and isinstance(answer, dict)
                       and (isinstance(answer.get("ack"), dict)
                            or (isinstance(answer.get("refusal"), dict) and isinstance(answer.get("sigs"), dict))
                            or (isinstance(answer.get("code"), str) and answer["code"] in PERMANENT)))
        entries.append((key, answer) if well_formed else (None, {}))
    return entries
