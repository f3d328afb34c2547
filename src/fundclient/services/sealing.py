"""Between the encrypted store and the outbox: seal saved revisions for HQ, and write HQ's
per-record answers back into the store.

Sealing needs the operator's open store (to read the record) but nothing after it does: the
nightly `fundclient sync` only moves the sealed files. A small index of sealed
(record id, revision) pairs stops a revision from being sealed twice; if a crash loses an
index line the revision is sealed again and HQ, which keys records by (id, revision),
answers the second copy the same as the first.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from fundclient.cards.replacement import revocations_of
from fundclient.domain.records import Beneficiary, Photo
from fundclient.errors import SyncError
from fundclient.services.changes import Changes
from fundclient.storage.status import record_sealing
from fundclient.sync.reasons import join_reason

if TYPE_CHECKING:
    from fundclient.services.session import Session

log = logging.getLogger(__name__)
SEAL_CHUNK = 200


class SealedIndex:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / "outbox" / "sealed-index.txt"

    def load(self) -> set[tuple[str, int]]:
        if not self.path.exists():
            return set()
        pairs = set()
        for line in self.path.read_text(encoding="ascii").splitlines():
            record_id, _, revision = line.partition(" ")
            if revision.isdigit():
                pairs.add((record_id, int(revision)))
        return pairs

    def add(self, pairs: Iterable[tuple[str, int]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="ascii") as fh:
            fh.writelines(f"{record_id} {revision}\n" for record_id, revision in pairs)
            fh.flush()
            os.fsync(fh.fileno())


def is_enrolled(data_dir: Path) -> bool:
    return (Path(data_dir) / "device" / "enrolment.json").exists()


def seal_records(session: "Session", records: Sequence[Beneficiary],
                 photos: dict[str, list[Photo]] | None = None,
                 card_revocations: list[dict] | None = None) -> Changes:
    """Seal these revisions now if the device is enrolled; otherwise they wait in the store
    (state «قيد الإرسال») and `seal_pending` picks them up after enrolment."""
    if not is_enrolled(session.data_dir):
        if records:  # nothing is sealed before enrolment: every pending revision waits
            record_sealing(session.data_dir, awaiting_seal=session.store.beneficiaries.pending_sync_count())
        return Changes()
    if not (records or card_revocations):
        return Changes()
    from fundclient.sync.outbox import Outbox  # lazy: start-up (cryptography, platformdirs)

    card_revocations = list(card_revocations or []) + [item for r in records for item in revocations_of(r)]

    try:
        Outbox(session.data_dir, session.settings).seal([r.to_dict() for r in records], photos or {},
                                                        card_revocations=card_revocations)
    except (SyncError, OSError, ValueError, KeyError) as exc:
        # The record is saved already; sealing can wait (a keyset change, a full disk): the
        # revisions stay pending and seal_pending retries them at the next login.
        log.error("sealing %d record(s) failed (%s); will retry", len(records), type(exc).__name__)
        return Changes()
    SealedIndex(session.data_dir).add((r.record_id, r.revision) for r in records)
    return Changes(records={r.record_id for r in records}, sync=True)


def seal_pending(session: "Session") -> Changes:
    """Seal every pending revision not sealed yet — after enrolment, or after a crash between
    save and seal. With `seal_on == "approval"` only approved revisions qualify. Runs on the
    caller's thread at its priority: it takes the writer's turn, so it is never lowered
    (fundclient.threadprio)."""
    repo = session.store.beneficiaries
    if not is_enrolled(session.data_dir):
        record_sealing(session.data_dir, awaiting_seal=repo.pending_sync_count())
        return Changes()
    index = SealedIndex(session.data_dir)
    sealed = index.load()
    todo = [pair for pair in repo.pending_sync(limit=1_000_000) if pair not in sealed]
    unapproved = 0
    if session.settings.seal_on == "approval":
        approved = session.store.approvals.approved(todo)
        unapproved = len(todo) - len(approved)
        todo = [pair for pair in todo if pair in approved]
    changes = Changes()
    for start in range(0, len(todo), SEAL_CHUNK):
        chunk = todo[start:start + SEAL_CHUNK]
        records = [repo.get(record_id, revision) for record_id, revision in chunk]
        photos = {r.record_id: photos_of(session, r) for r in records}
        changes = changes.merge(seal_records(session, records, photos))
    sealed = index.load() if todo else sealed
    record_sealing(session.data_dir, awaiting_seal=sum(pair not in sealed for pair in todo),
                   awaiting_approval=unapproved)
    return changes


def sign_upload_claims(session: "Session") -> int:
    """At login, while the device key is unlocked: sign the upload claims of batches sealed by an
    older version, so that the unattended sync (device key locked) can send them too."""
    if not is_enrolled(session.data_dir) or not (Path(session.data_dir) / "outbox").exists():
        return 0
    from fundclient.sync.outbox import Outbox  # lazy: start-up (cryptography, platformdirs)

    return Outbox(session.data_dir, session.settings).ensure_claims()


def photos_of(session: "Session", record: Beneficiary) -> list[Photo]:
    """The photo and document scans this revision shows (saved with it or earlier)."""
    return session.store.beneficiaries.photos(record.record_id, record.revision)


def apply_hq_results(session: "Session") -> Changes:
    """Write HQ's answers (accepted / duplicate / rejected) into the store in one transaction,
    then mark them applied so they are not written twice."""
    from fundclient.sync.outbox import Outbox  # lazy: start-up (cryptography, platformdirs)
    from fundclient.storage.beneficiaries import SYNC_STATES  # lazy: start-up (rapidfuzz, SQLAlchemy)

    if not (Path(session.data_dir) / "outbox").exists():
        return Changes()
    outbox = Outbox(session.data_dir, session.settings)
    answers = list(outbox.iter_record_results())
    if not answers:
        return Changes()
    known = [r for r in answers if r.status in SYNC_STATES]
    if len(known) != len(answers):  # a newer HQ's answer this client cannot show: kept for later
        log.warning("%d HQ answer(s) with an unknown status left unapplied", len(answers) - len(known))
    session.store.beneficiaries.set_sync_states([(r.record_id, r.revision, r.status,
                                                  join_reason(r.reason, r.duplicate_office, r.duplicate_date))
                                                 for r in known])
    outbox.mark_applied({r.batch_id for r in known} - {r.batch_id for r in answers if r not in known})
    return Changes(records={r.record_id for r in known}, sync=True)
