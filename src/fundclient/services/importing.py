"""A legacy spreadsheet into the office: the one path of `fundclient import` and the app's
import page. Rows go through `registration.check_many` / `save_checked` (every check the form
makes, the batch duplicate check, card numbers, one transaction per batch, sealing for HQ): a
batch is saved while the next is checked; the single writer is held for one batch at a time,
so a clerk's save goes in between two batches."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from fundclient.services import registration
from fundclient.storage.duplicate_candidates import FiledKeys, HeldRecords
from fundclient.storage.errors import NotPermitted
from fundclient.storage.importer import IMPORT_BATCH, CheckedRows, ImportResult, Preview, import_file, preview_file

if TYPE_CHECKING:
    from fundclient.services.session import Session


def allowed(session: "Session") -> bool:
    """A whole spreadsheet is a supervisor's (or an administrator's) call."""
    return session.role in registration.OVERRIDE_ROLES


def preview(session: "Session", path: Path, *, progress: Callable[[int, int], None] | None = None,
            cancelled: Callable[[], bool] | None = None) -> Preview:
    """Every row checked as the import will check it; nothing written."""
    return preview_file(Path(path), scheme=session.settings.national_id_scheme,
                        office_code=session.settings.office_code, progress=progress, cancelled=cancelled)


def import_spreadsheet(session: "Session", path: Path, *, report_path: Path | None = None,
                       write_report: bool = True, progress: Callable[[int, int], None] | None = None,
                       cancelled: Callable[[], bool] | None = None,
                       batch_size: int = IMPORT_BATCH, checked: CheckedRows | None = None,
                       writer_cache_kib: int | None = None, write_piece: int | None = None,
                       held_records: int = 0) -> ImportResult:
    """Import the file's good rows (see storage.importer.import_file). Raises NotPermitted
    for a clerk, ImportFileUnreadable for a file that cannot be read: nothing written, or — a large
    XLSX file damaged part-way (`importer.LATE_DAMAGE`) — the rows before the damage imported,
    reported and audited as any import's (its `result`).
    `checked`: the file already being read (`CheckedRows`, made with this office's scheme and code).
    A file large enough for it (`FiledKeys.worth`) is checked with a bitmap of the office's
    duplicate keys (`storage.duplicate_candidates.FiledKeys`), made at the first batch.
    `write_piece`: each batch written that many rows at a time, giving way to a save of
    another process that waits (`registration.save_checked`). `held_records`: up to that many of
    the records this import saved held in memory for its later batches' duplicate checks
    (`storage.duplicate_candidates.HeldRecords`: `fundclient import`, a process of its own — not
    the app's window)."""
    if not allowed(session):
        if checked is not None:
            checked.close()
        raise NotPermitted("import")
    if checked is None:  # raises before anything is written
        checked = CheckedRows(Path(path), scheme=session.settings.national_id_scheme,
                              office_code=session.settings.office_code, by=session.username)
    keys: list = []  # the bitmap, made at the first batch (after the password, the file's total known)
    held = HeldRecords(held_records) if held_records > 0 else None

    def check_many(batch, made, earlier, after_reads):
        if not keys:
            keys.append(FiledKeys(session.store.beneficiaries)
                        if FiledKeys.worth(session.store.beneficiaries, checked.total) else None)
        return registration.check_many(session, batch, validated=True, made=made, earlier=earlier,
                                       after_reads=after_reads, filed_keys=keys[0], held=held)

    def save_checked(batch):
        saved = registration.save_checked(session, batch, piece=write_piece)
        if keys and keys[0] is not None:
            keys[0].saved(record.record_id for record in saved)  # their keys were marked when checked
        if held is not None:
            held.saved(saved)

    return import_file(session.store, Path(path), by=session.username, report_path=report_path,
                       scheme=session.settings.national_id_scheme, office_code=session.settings.office_code,
                       check_many=check_many,
                       save_checked=save_checked,
                       batch_size=batch_size, progress=progress, cancelled=cancelled,
                       write_report=write_report, checked=checked, writer_cache_kib=writer_cache_kib)
