"""What the registration screen needs from the core, behind one small object over
`fundclient.services.registration` (validation, duplicates, transaction, card numbers,
sealing and audit all live there). Every method runs off the GUI thread, inside a
QueryOp / CollectionOp."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from fundclient.config import Settings
from fundclient.domain.records import Beneficiary, Photo
from fundclient.services import elsewhere, registration
from fundclient.services.changes import Changes
from fundclient.ui import roles


class RegistrationBackend:
    def __init__(self, session: Any) -> None:
        self.session = session

    # ---------------------------------------------------------------- who / where
    @property
    def store(self):
        return getattr(self.session, "store", None)

    @property
    def operator(self) -> str:
        return roles.operator_username(getattr(self.session, "operator", None))

    def is_supervisor(self) -> bool:
        return roles.at_least(getattr(self.session, "operator", None), roles.SUPERVISOR)

    @property
    def settings(self) -> Settings:
        return getattr(self.session, "settings", None) or Settings()

    # ---------------------------------------------------------------- reads
    def duplicates(self, b: Beneficiary) -> list:
        if self.store is None:  # no session (screenshots, previews)
            return []
        return list(registration.duplicates(self.session, b))

    def duplicates_here_and_elsewhere(self, b: Beneficiary) -> tuple[list, list]:
        """(local matches, numbers HQ's digest says another office holds): both offline, fast."""
        local = self.duplicates(b)
        if self.store is None:
            return local, []
        return local, elsewhere.from_digest(self.session, b, _numbers_of(local))

    def hq_enrolled(self) -> bool:
        """This PC can ask HQ (it is enrolled; whether HQ answers is another matter)."""
        data_dir = getattr(self.session, "data_dir", None)
        return data_dir is not None and (Path(data_dir) / "device" / "enrolment.json").exists()

    def ask_hq(self, b: Beneficiary, local: list) -> list | None:
        """HQ's online answer (≤ 2 s), or None when HQ was not reached."""
        return elsewhere.from_hq(self.session, b, _numbers_of(local))

    def load(self, record_id: str) -> tuple[Beneficiary, Photo | None]:
        record = self.store.beneficiaries.get(record_id)
        return record, self.store.beneficiaries.photo(record_id)

    def sent_back(self, record_id: str) -> tuple[str, str] | None:
        """(the supervisor's comment, the supervisor's full name) when the record is waiting
        for this correction, else None."""
        found = self.store.approvals.sent_back_comment(record_id)
        if found is None:
            return None
        comment, by = found
        supervisor = self.store.operators.get(by)
        return comment, (getattr(supervisor, "full_name", "") or by)

    # ---------------------------------------------------------------- writes
    def authorise_override(self, supervisor: str, password: str, purpose: str = "duplicate") -> Changes:
        """A supervisor confirms an override (a duplicate, or a photo exception) at the
        clerk's desk (audited)."""
        who = registration.authorise_override(self.session, supervisor, password, purpose)
        return Changes(result=who)

    # A new registration needs a photo or a photo exception (require_photo); an edit keeps
    # what the record had (a legacy record without a photo can still get a phone fixed).
    def register(self, b: Beneficiary, photo: Photo | None, scans: Sequence[Photo],
                 override_reason: str, override_by: str = "") -> Changes:
        return registration.register(self.session, b, photo, list(scans), override_reason,
                                     override_by, require_photo=True)

    def edit(self, b: Beneficiary, photo: Photo | None = None, scans: Sequence[Photo] = (),
             override_reason: str = "", override_by: str = "") -> Changes:
        return registration.edit(self.session, b, photo=photo, scans=list(scans),
                                 override_reason=override_reason, override_by=override_by)


def _numbers_of(matches: list) -> set[str]:
    """The national numbers of the people the local check found (holders and dependants)."""
    out = set()
    for m in matches:
        person = getattr(m, "existing_dependant", None) or getattr(m, "existing", None)
        if person is not None and getattr(person, "national_number", ""):
            out.add(person.national_number)
    return out
