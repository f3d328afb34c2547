"""What the registration screen needs from the core, behind one small object.

Calls `fundclient.services.registration` (the lead's service: validation, transaction,
card number, sealing, audit). Until that module is present in a build, the same steps run
against storage directly so the form works end to end (same pattern as `ui/login.py`).
Every method runs off the GUI thread (inside a QueryOp / CollectionOp).
"""

from __future__ import annotations

from typing import Any, Sequence

from fundclient.config import Settings
from fundclient.domain.records import Beneficiary, Photo
from fundclient.errors import DuplicateFound, Message
from fundclient.services.changes import Changes
from fundclient.ui import roles

CERTAIN_DUPLICATE = Message(
    "يوجد منتفع مسجل بنفس الرقم الوطني؛ لا يمكن الحفظ إلا بموافقة المشرف مع ذكر السبب",
    "A beneficiary with the same national number is already registered; only a supervisor "
    "can save it, with a reason")


def _service():
    try:
        from fundclient.services import registration  # type: ignore[attr-defined]
    except ImportError:
        return None
    return registration


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
        service = _service()
        if service is not None and hasattr(service, "duplicates"):
            return list(service.duplicates(self.session, b))
        if self.store is None:
            return []
        return list(self.store.beneficiaries.possible_duplicates(b))

    def load(self, record_id: str) -> tuple[Beneficiary, Photo | None]:
        record = self.store.beneficiaries.get(record_id)
        return record, self.store.beneficiaries.photo(record_id)

    # ---------------------------------------------------------------- writes
    def register(self, b: Beneficiary, photo: Photo | None, scans: Sequence[Photo],
                 override_reason: str) -> Changes:
        service = _service()
        if service is not None:
            return service.register(self.session, b, photo, list(scans), override_reason)
        from fundclient.domain.validation import ensure_valid_beneficiary

        record = ensure_valid_beneficiary(b, scheme=self.settings.national_id_scheme)
        record.office_code = record.office_code or self.settings.office_code
        certain = [h for h in self.store.beneficiaries.possible_duplicates(record)
                   if "national_number" in str(getattr(h, "matched_by", ""))]
        if certain and not (override_reason and self.is_supervisor()):
            raise DuplicateFound(CERTAIN_DUPLICATE, code="duplicate")
        record.override_reason = override_reason
        photos = ([photo] if photo is not None else []) + list(scans)
        saved = self.store.beneficiaries.add(record, by=self.operator, photos=photos)
        return Changes(records={saved.record_id}, beneficiaries=True, sync=True, result=saved)

    def edit(self, b: Beneficiary, photo: Photo | None = None,
             scans: Sequence[Photo] = ()) -> Changes:
        service = _service()
        if service is not None:
            return service.edit(self.session, b, photo=photo)
        from fundclient.domain.validation import ensure_valid_beneficiary

        record = ensure_valid_beneficiary(b, scheme=self.settings.national_id_scheme)
        photos = ([photo] if photo is not None else []) + list(scans)
        saved = self.store.beneficiaries.update(record, by=self.operator, photos=photos)
        return Changes(records={saved.record_id}, beneficiaries=True, sync=True, result=saved)
