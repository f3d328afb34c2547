"""`hq import-batches DIR`: ingest batches carried on a drive, write the acks file back to it.

The drive is hostile (fundclient.drive): only regular `*.fcb` files are read (links, FIFOs,
devices, folders, oversize files are skipped with a reason), one bad file never stops the
others, and the acks file is a new file created exclusively — never through a link, never
over an existing file. Every file gets one line in the summary (Arabic | English).
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from fundclient import drive
from fundclient.errors import ExitCode, FundError, Message
from fundclient.hq.ingest import Ingestor
from fundclient.sync.ack import sign_refusal
from fundclient.sync.envelope import UUID_RE, EnvelopeError
from fundclient.sync.reasons import reason_message
from fundclient.sync.usb import ACKS_PREFIX, EXPORT_FOLDER

log = logging.getLogger(__name__)

INGESTED = Message("batch received ({records} records)")
REFUSED = Message("batch refused: {reason} (code {code})")
HQ_FAILED = Message("HQ could not process the batch; it will be tried again later")
ACKS_WRITTEN = Message("acknowledgements written to: {path}")
IMPORT_SUMMARY = Message("Batch files: {files}; {ingested} received, {refused} refused, {skipped} skipped, "
                         "{failed} could not be processed.")
NOTHING_FOUND = Message("no batch files (.fcb) in {path}")


@dataclass
class ImportReport:
    """What `import_batches` did with each file on the drive."""

    acks_path: Path | None
    files: list[drive.DriveFile] = field(default_factory=list)
    outcomes: dict[str, Message] = field(default_factory=dict)  # file name -> outcome of a file that was read
    ingested: int = 0
    refused: int = 0
    failed: int = 0

    @property
    def skipped(self) -> int:
        return sum(1 for f in self.files if not f.ok)

    @property
    def clean(self) -> bool:
        return self.refused == self.failed == self.skipped == 0

    @property
    def exit_code(self) -> ExitCode:
        """OK: every file was a batch and got its answer; PARTLY: something was skipped,
        refused or left for later (docs/install.md, "Exit codes")."""
        return ExitCode.OK if self.clean else ExitCode.PARTLY

    def lines(self) -> list[str]:
        lines = drive.summary_lines(self.files, self.outcomes)
        if not self.files:
            lines.append(_both(NOTHING_FOUND.format(path=self.folder_text)))
        if self.acks_path is not None:
            lines.append(_both(ACKS_WRITTEN.format(path=drive.display_name(str(self.acks_path)))))
        return lines

    folder_text: str = ""

    def summary(self) -> Message:
        return IMPORT_SUMMARY.format(files=len(self.files), ingested=self.ingested, refused=self.refused,
                                     skipped=self.skipped, failed=self.failed)


def _both(message: Message) -> str:
    return f"{message.ar} | {message.en}"


def import_batches(ingestor: Ingestor, folder: Path) -> ImportReport:
    """Ingest every batch on the drive; returns the per-file report (the acks file is written
    when at least one batch got an answer)."""
    folder = Path(folder)
    answers: dict[str, dict] = {}
    report = ImportReport(None, folder_text=drive.display_name(str(folder)))
    with drive.open_folder(folder) as top:
        sub = top.subfolder(EXPORT_FOLDER)
        source = sub or top
        try:
            for item in source.iter_all(suffix=".fcb", max_bytes=ingestor.max_batch_bytes):
                report.files.append(item)
                if item.ok:
                    _ingest_one(ingestor, item, answers, report)
        finally:
            # Even if HQ itself fails half-way, the answers it already committed reach the office.
            if sub is not None:
                sub.close()
            if answers:
                stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
                data = json.dumps({"batches": answers}, ensure_ascii=False).encode("utf-8")
                report.acks_path = top.create_unique(f"{ACKS_PREFIX}{stamp}", ".json", data)
    return report


def _ingest_one(ingestor: Ingestor, item: drive.DriveFile, answers: dict, report: ImportReport) -> None:
    assert item.data is not None
    try:
        ack = ingestor.ingest(item.data, source="usb")
    except EnvelopeError as exc:
        report.refused += 1
        reason = reason_message(exc.code)
        report.outcomes[item.name] = REFUSED.format(reason=reason, code=exc.code)
        batch_id = _batch_id_from_name(item.name)
        if batch_id:  # the office learns why (quarantine) for the file it exported under that name,
            # signed by HQ over these very bytes: a refusal the office can check like an ack
            answers[batch_id] = sign_refusal(batch_id, exc.code, hashlib.sha256(item.data).hexdigest(),
                                             ingestor.keys.sign_private)
        return
    except (FundError, SQLAlchemyError) as exc:  # HQ's side (e.g. the database is busy): the office
        log.warning("usb batch not processed: %s", type(exc).__name__)  # keeps the batch and sends it again
        report.failed += 1
        report.outcomes[item.name] = HQ_FAILED
        return
    report.ingested += 1
    records = sum(1 for r in ack["ack"]["results"] if r.get("type") == "record")
    report.outcomes[item.name] = INGESTED.format(records=records)
    answers[ack["ack"]["batch_id"]] = {"ack": ack}


def _batch_id_from_name(name: str) -> str | None:
    """`<seq>-<batch id>.fcb`, as export-batches names them; only a well-formed id is used as
    a key in the acks file (a hostile name never becomes a key)."""
    stem = name[:-4] if name.lower().endswith(".fcb") else name
    candidate = stem.split("-", 1)[-1]
    return candidate if UUID_RE.fullmatch(candidate) else None
