"""Photo exceptions through the registration service on a real encrypted store: who may grant
one, what is stored with the revision, audited, and carried in its JSON to HQ."""

from __future__ import annotations

import dataclasses
import json

import pytest

import camera_scenes as cs
from fundclient import storage
from fundclient.camera.analysis import FaceAnalyser
from fundclient.camera.photo import make_portrait
from fundclient.domain import photo_exception as pe
from fundclient.domain.photo_exception import PhotoException
from fundclient.domain.records import Beneficiary
from fundclient.domain.synthetic import generate
from fundclient.errors import AuthError, ValidationFailed
from fundclient.services import registration
from fundclient.services.session import login

PASSWORD = "correct horse 1"


@pytest.fixture
def session(data_dir):
    storage.initialise(data_dir, "SEB", "admin", PASSWORD, "مدير النظام", provisional_device_number=900)
    admin = login(data_dir, "admin", PASSWORD)
    admin.store.operators.add("clerk", PASSWORD, "clerk", full_name="موظف", by="admin")
    admin.store.operators.add("super", PASSWORD, "supervisor", full_name="مشرف", by="admin")
    admin.close()
    s = login(data_dir, "clerk", PASSWORD)
    yield s
    s.close()


@pytest.fixture(scope="module")
def good_photo():
    frame = cs.scene()
    return make_portrait(frame, FaceAnalyser().analyse(frame))


def person(n=0):
    return generate(n + 1, seed=3)[n]


def test_the_form_cannot_save_without_a_photo_or_an_exception(session, good_photo):
    with pytest.raises(ValidationFailed) as info:
        registration.register(session, person(), require_photo=True)
    assert info.value.problems == {"photo": pe.PHOTO_REQUIRED}
    assert session.store.beneficiaries.count() == 0
    registration.register(session, person(), good_photo, require_photo=True)
    # Legacy imports and other callers that do not ask for it still save without a photo.
    registration.register(session, person(1))
    assert session.store.beneficiaries.count() == 2


def test_a_clerk_needs_the_supervisors_password_for_an_exception(session):
    record = person()
    record.photo_exception = PhotoException(pe.BEDRIDDEN, "زيارة منزلية", approved_by="super")
    with pytest.raises(AuthError):  # a name alone proves nothing
        registration.register(session, record, require_photo=True)
    registration.authorise_override(session, "super", PASSWORD)  # a duplicate grant...
    with pytest.raises(AuthError):  # ...is not a photo grant
        registration.register(session, record, require_photo=True)
    with pytest.raises(AuthError):
        registration.authorise_override(session, "super", "wrong password!!", purpose="photo")
    with pytest.raises(AuthError):  # a clerk cannot approve
        registration.authorise_override(session, "clerk", PASSWORD, purpose="photo")
    assert registration.authorise_override(session, "super", PASSWORD, purpose="photo") == "super"
    saved = registration.register(session, record, require_photo=True).result
    stored = session.store.beneficiaries.get(saved.record_id)
    assert stored.photo_exception.reason == pe.BEDRIDDEN
    assert stored.photo_exception.text == "زيارة منزلية"
    assert stored.photo_exception.approved_by == "super" and stored.photo_exception.approved_at
    # one save per confirmation
    again = person(1)
    again.photo_exception = PhotoException(pe.CAMERA_BROKEN, approved_by="super")
    with pytest.raises(AuthError):
        registration.register(session, again, require_photo=True)
    # audited: who confirmed (an "override" for a photo) and the save that stored it
    entries = session.store.audit.entries()
    confirm = [e for e in entries if e.action == "override"]
    assert [e.detail.get("purpose") for e in confirm][-1] == "photo"
    save = next(e for e in entries if e.action == "save" and e.record_id == saved.record_id)
    assert save.detail["photo_exception"] == pe.BEDRIDDEN
    assert session.store.audit.verify().ok


def test_other_needs_words_and_unknown_reasons_are_refused(session):
    record = person()
    record.photo_exception = PhotoException(pe.OTHER, " ")
    with pytest.raises(ValidationFailed) as info:
        registration.register(session, record, require_photo=True)
    assert info.value.problems == {"photo_exception": pe.NEEDS_TEXT}


def test_a_supervisor_signed_in_grants_it_herself_and_an_edit_keeps_it(data_dir, session):
    supervisor = login(data_dir, "super", PASSWORD)
    try:
        record = person()
        record.photo_exception = PhotoException(pe.FACE_COVERING)
        saved = registration.register(supervisor, record, require_photo=True).result
        assert saved.photo_exception.approved_by == "super"
    finally:
        supervisor.close()
    # the clerk edits the address: the approved exception stays, no new password needed
    stored = session.store.beneficiaries.get(saved.record_id)
    stored.address = "حي الجديد"
    edited = registration.edit(session, stored, require_photo=True).result
    assert edited.photo_exception == saved.photo_exception
    # changing the reason is a new exception: it needs a supervisor again
    changed = session.store.beneficiaries.get(saved.record_id)
    changed.photo_exception = dataclasses.replace(changed.photo_exception, reason=pe.BEDRIDDEN)
    with pytest.raises(AuthError):
        registration.edit(session, changed, require_photo=True)


def test_the_exception_travels_in_the_record_json_and_bad_ones_do_not_parse():
    record = Beneficiary(photo_exception=PhotoException(pe.OTHER, "حروق في الوجه", "super", "2026-11-29T10:00:00+00:00"))
    data = json.loads(json.dumps(record.to_dict()))
    assert data["photo_exception"]["reason"] == "other"
    assert Beneficiary.from_dict(data).photo_exception == record.photo_exception
    old = dict(data)
    del old["photo_exception"]  # a batch sealed before the field existed
    assert Beneficiary.from_dict(old).photo_exception is None
    for bad in ("bedridden", {"reason": "asleep"}, {"reason": "other", "text": 5},
                {"reason": "other", "text": "x" * 5000}):
        with pytest.raises(ValueError):
            Beneficiary.from_dict({**data, "photo_exception": bad})


def test_day_close_counts_the_days_photo_exceptions(data_dir, session):
    from fundclient.services import dayclose

    registration.authorise_override(session, "super", PASSWORD, purpose="photo")
    record = person()
    record.photo_exception = PhotoException(pe.CAMERA_BROKEN, approved_by="super")
    registration.register(session, record, require_photo=True)
    registration.register(session, person(1))
    summary = dayclose.summarise(session, dayclose.office_today(session))
    assert summary.photo_exceptions == 1 and summary.totals.saved == 2
