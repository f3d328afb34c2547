"""One sync run: probe HQ, pull reference data, upload every pending batch, store acks.

Used by `fundclient sync` (OS scheduler) and by SyncScheduler (in the app). It moves only
ciphertext: no database key is needed.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

from fundclient.config import Settings
from fundclient.errors import FundError, Message, SyncError
from fundclient.sync.decisions import pull_decisions
from fundclient.sync.device import Device
from fundclient.sync.digest import pull_digest
from fundclient.sync.enrol import adopt_keyset
from fundclient.sync.history import SyncHistory
from fundclient.sync.http import require_https, OFFLINE, RefusedError, TransientError, TransportOptions, make_session, \
    sleep_backoff
from fundclient.sync.outbox import Outbox
from fundclient.sync.probe import probe_status
from fundclient.sync.reference import ReferenceStore, pull
from fundclient.sync.runlock import sync_lock
from fundclient.sync.upload import BatchUploader, Pipeline
from fundclient.threadprio import switch_often
from fundclient.sync.reasons import reason_message

log = logging.getLogger(__name__)
BUSY = Message("Another send is running on this device right now.")
NOT_HQ = Message("A network is up but the server did not prove it is HQ (perhaps a login portal).")


@dataclass
class Progress:
    batches_total: int = 0
    batches_done: int = 0
    bytes_total: int = 0
    # Bytes HQ has confirmed holding (tus Upload-Offset of its answers, a whole batch once
    # acknowledged) — never bytes merely handed to the socket, which a cut link loses.
    bytes_sent: int = 0
    current_batch: str = ""


REFUSED_SOME = Message("HQ refused {count} batch(es), moved to quarantine: {reason}")


@dataclass
class SyncSummary:
    # ok: everything pending reached HQ and was acknowledged. partial: something was left unsent
    # or HQ refused (quarantined) a batch. offline | busy: nothing sent. error: could not start.
    status: str = "ok"  # ok | partial | offline | busy | error
    batches_acknowledged: int = 0
    batches_quarantined: int = 0
    batches_pending: int = 0
    bytes_sent: int = 0
    reference_changes: int = 0
    decisions: int = 0  # HQ decisions on this office's flagged records received in this run
    digest_numbers: int = 0  # national numbers of HQ's digest received in this run
    error: dict | None = None  # {code, ar, en}
    quarantined: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def _error(code: str, message: Message) -> dict:
    return {"code": code, "ar": message.ar, "en": message.en}


def run_sync(data_dir: Path, *, settings: Settings | None = None, options: TransportOptions = TransportOptions(),
             progress: Callable[[Progress], None] | None = None, stop: threading.Event | None = None) -> SyncSummary:
    """One sync run, on the caller's thread at the caller's priority: it takes the writer's
    turn, so it is never lowered (fundclient.threadprio). While it runs the GIL is handed over
    every millisecond (`switch_often`): a clerk's save waits that long at most for its Python."""
    with switch_often():
        return _run_sync(data_dir, settings, options, progress, stop)


def _run_sync(data_dir: Path, settings: Settings | None, options: TransportOptions,
              progress: Callable[[Progress], None] | None, stop: threading.Event | None) -> SyncSummary:
    data_dir = Path(data_dir)
    settings = settings or Settings.load(data_dir)
    summary = SyncSummary()
    with sync_lock(data_dir) as mine:
        if not mine:  # another process is sending these batches right now
            summary.status, summary.error = "busy", _error("busy", BUSY)
            summary.batches_pending = len(Outbox(data_dir, settings).pending())
            return summary
        try:
            _run(data_dir, settings, options, progress or (lambda p: None), stop, summary)
        except FundError as exc:
            summary.status, summary.error = "error", _error(exc.code, exc.message)
    outbox = Outbox(data_dir, settings)
    summary.batches_pending = len(outbox.pending())
    if summary.status == "ok" and (summary.batches_pending or summary.batches_quarantined or summary.error):
        # never "ok" when a batch was refused or is still waiting, or HQ's reference data was forged
        summary.status = "partial"
    if summary.batches_quarantined and summary.error is None:
        first = summary.quarantined[0]
        n = summary.batches_quarantined
        summary.error = _error(first["code"], REFUSED_SOME.format(count=n, reason=Message.fixed(ar=first['ar'], en=first['en'])))
    SyncHistory(data_dir).append(summary.to_dict())
    return summary


def _say_if_revoked(data_dir: Path, device: Device, summary: SyncSummary) -> None:
    """HQ's signed devices list (pulled with the reference data) says this device is revoked: every
    run says so (status partial, exit 1), even with nothing left to send. The batches still go and
    HQ refuses them (quarantined, `sync-status` lists them) — HQ's refusal is the control."""
    entry = ReferenceStore(data_dir).devices().get(device.device_id)
    if entry is not None and entry.revoked_on is not None:
        summary.error = _error("revoked_device", reason_message("revoked_device"))


def _run(data_dir, settings, options, progress, stop, summary: SyncSummary) -> None:
    device = Device.load(data_dir)
    base = require_https(settings.hq_url or device.hq_url)
    session = make_session(settings)
    reachable = probe_status(session, base, device, options)
    if reachable != "ok":
        summary.status = "offline"
        summary.error = _error("not_hq", NOT_HQ) if reachable == "not_hq" else _error("offline", OFFLINE)
        return
    outbox = Outbox(data_dir, settings)
    try:
        summary.reference_changes, answer = pull(session, base, ReferenceStore(data_dir), options,
                                                 device.hq_signing_keys)
        if adopt_keyset(device, answer):
            device = Device.load(data_dir)
    except (TransientError, RefusedError) as exc:  # reference data can wait; batches matter more
        log.warning("reference pull failed: %s", exc.code)
    except SyncError as exc:  # forged or altered reference data: not applied, said, batches still go
        log.warning("reference pull refused: %s", exc.code)
        summary.error = _error(exc.code, exc.message)
    except Exception as exc:  # noqa: BLE001  a network error here must not block the upload
        log.warning("reference pull failed: %s", type(exc).__name__)
    _say_if_revoked(data_dir, device, summary)
    try:
        summary.decisions = pull_decisions(session, base, data_dir, device, options)
    except (TransientError, RefusedError) as exc:
        log.warning("decisions pull failed: %s", exc.code)
    except Exception as exc:  # noqa: BLE001  as above: the upload matters more
        log.warning("decisions pull failed: %s", type(exc).__name__)
    try:  # HQ's national-number digest, for the duplicate check with no link (#14)
        summary.digest_numbers = pull_digest(session, base, data_dir, device, options)
    except (TransientError, RefusedError) as exc:
        log.warning("digest pull failed: %s", exc.code)
    except SyncError as exc:  # forged or damaged: not kept; the old digest stays
        log.warning("digest pull refused: %s", exc.code)
    except Exception as exc:  # noqa: BLE001  as above: the upload matters more
        log.warning("digest pull failed: %s", type(exc).__name__)
    pending = outbox.pending()
    sizes = {p.name: p.stat().st_size for p in pending}
    state = Progress(batches_total=len(pending), bytes_total=sum(sizes.values()))
    confirmed: dict[str, int] = {}
    counting = threading.Lock()  # (the next batch's attempt runs in a thread of its own: upload.Pipeline)

    def on_confirmed(path: Path, offset: int) -> None:
        """HQ says it holds `offset` bytes of this batch."""
        with counting:
            offset = min(max(0, offset), sizes.get(path.name, offset))
            if offset <= confirmed.get(path.name, 0):
                return
            gained = offset - confirmed.get(path.name, 0)
            confirmed[path.name] = offset
            state.bytes_sent += gained
            summary.bytes_sent += gained
        progress(state)

    uploader = BatchUploader(session, base, outbox, device, options, on_confirmed=on_confirmed)
    pipeline = Pipeline(uploader, pending)  # the next batch in flight while HQ ingests one (#11 item 7)
    try:
        _send_all(pending, pipeline, outbox, options, stop, summary, state, sizes, on_confirmed, progress)
    finally:
        pipeline.close()


def _send_all(pending, pipeline: Pipeline, outbox: Outbox, options: TransportOptions, stop, summary: SyncSummary,
              state: Progress, sizes: dict, on_confirmed, progress) -> None:
    # One batch HQ keeps failing on must not hold back the others; two in a row means the link
    # (or HQ) is down, and the run ends until the next attempt. The backoff is the link's, not
    # the batch's: it grows with attempts that got nothing through and starts again as soon as
    # HQ confirms more bytes than before (a link cut every few seconds still carries data), and
    # only attempts without progress count towards giving up on a batch.
    failed_in_a_row = 0
    fruitless = 0  # attempts in a row (any batch) after which HQ held nothing more
    for index, path in enumerate(pending):
        if stop is not None and stop.is_set():
            break
        state.current_batch = path.name
        tries = 0
        while True:
            before = state.bytes_sent
            try:
                pipeline.attempt(index)
                on_confirmed(path, sizes[path.name])
                summary.batches_acknowledged += 1
                failed_in_a_row = fruitless = 0
                break
            except RefusedError as exc:
                outbox.quarantine(path, exc.code)
                summary.batches_quarantined += 1
                summary.quarantined.append({"batch": path.name, **_error(exc.code, exc.message)})
                break
            except TransientError as exc:
                log.info("batch %s attempt %d: %s", path.name, tries + 1, exc.detail)
                if state.bytes_sent > before:  # bytes got through: the link works, retry at once
                    fruitless = tries = 0
                else:
                    fruitless += 1
                    tries += 1
                if tries >= options.max_attempts:
                    summary.error = _error("offline", OFFLINE)
                    failed_in_a_row += 1
                    if failed_in_a_row >= 2:
                        return
                    break
                if fruitless:
                    sleep_backoff(options, fruitless - 1, stop)
                if stop is not None and stop.is_set():
                    return
        state.batches_done += 1
        progress(state)
