"""Drafts survive a crash (the screen is thrown away unsaved), the photo comes from a file,
scans are optional — on a real encrypted DB."""

from __future__ import annotations

import json

import pytest

from fundclient.ui.ops import wait_for_writes

from registration_helpers import (ASTRONAUT, fill_valid, make_screen, office_dir,  # noqa: F401
                                  sessions, template_dir, type_text, wait_saved)

pytestmark = pytest.mark.qt


def drafts_of(session) -> list:
    wait_for_writes()
    return session.store.drafts.list(session.username)


def test_unfinished_registration_is_offered_back_after_a_crash(qtbot, make_screen):
    first = make_screen("clerk1")
    for key, text in (("national_number", "119480123456"), ("name.first", "محمد"),
                      ("date_of_birth", "15/3")):  # a half-typed date comes back as typed
        editor = first.rows[key].editor
        editor.setFocus()
        type_text(editor, text)
    first.dependants.add_row({"relation": "spouse", "name.first": "خديجة"})
    first.home_visit.setChecked(True)  # this time only, not remembered as the mode
    qtbot.waitUntil(lambda: len(drafts_of(first.session)) == 1, timeout=10000)
    draft_id = first.drafts.draft_id
    payload = json.loads(first.session.store.drafts.load("clerk1", draft_id))
    assert payload["values"]["name.first"] == "محمد"
    # Crash: the window goes away without saving; nothing else is written.
    first.drafts.enabled = False
    first.close()

    second = make_screen("clerk1")  # next login, new instance
    assert second.rows["name.first"].editor.value() == ""
    op = second.offer_drafts()
    qtbot.waitUntil(lambda: op.done and second.draft_dialog is not None, timeout=5000)
    dialog = second.draft_dialog
    assert dialog.list.count() == 1 and "محمد" in dialog.list.item(0).text()
    dialog.resume_button.click()
    assert second.rows["name.first"].editor.value() == "محمد"
    assert second.rows["date_of_birth"].editor.value() == "15/3"
    assert second.dependants.rows[0].value("name.first") == "خديجة"
    assert second.is_home_visit()
    assert second.drafts.draft_id == draft_id  # keeps writing the same draft
    # Finishing and saving deletes the draft.
    fill_valid(second, channel="home_visit", locality="المنشية")
    second.dependants.set_values([])
    wait_saved(qtbot, second)
    qtbot.waitUntil(lambda: drafts_of(second.session) == [], timeout=5000)


def test_drafts_are_per_operator_and_can_be_deleted(qtbot, make_screen):
    clerk = make_screen("clerk1")
    fill_valid(clerk)
    qtbot.waitUntil(lambda: len(drafts_of(clerk.session)) == 1, timeout=10000)
    supervisor = make_screen("super1")
    op = supervisor.offer_drafts()
    qtbot.waitUntil(lambda: op.done, timeout=5000)
    assert supervisor.draft_dialog is None  # someone else's draft is not offered

    again = make_screen("clerk1")
    op = again.offer_drafts()
    qtbot.waitUntil(lambda: op.done and again.draft_dialog is not None, timeout=5000)
    again.draft_dialog.delete_button.click()
    qtbot.waitUntil(lambda: drafts_of(again.session) == [], timeout=5000)
    assert not again.draft_dialog.isVisible()


def test_new_keeps_the_unfinished_one_as_a_draft(qtbot, make_screen):
    screen = make_screen("clerk1")
    editor = screen.rows["name.first"].editor
    editor.setFocus()
    type_text(editor, "سالم")
    screen.new()  # Ctrl+N in the shell
    assert screen.rows["name.first"].editor.value() == ""
    qtbot.waitUntil(lambda: len(drafts_of(screen.session)) == 1, timeout=5000)


def test_photo_imported_from_file_and_a_scan_are_saved(qtbot, make_screen):
    screen = make_screen("clerk1")
    fill_valid(screen)
    screen.go_to_step("photo")
    op = screen.photo.import_photo_file(ASTRONAUT)
    qtbot.waitUntil(lambda: op.done, timeout=10000)
    photo = screen.photo.photo()
    assert photo is not None and photo.kind == "portrait"
    assert photo.data[:2] == b"\xff\xd8" and len(photo.data) <= 30 * 1024
    assert not screen.photo.preview.pixmap().isNull()
    op = screen.photo.add_scan_file(ASTRONAUT)
    qtbot.waitUntil(lambda: op.done, timeout=10000)
    assert len(screen.photo.scans()) == 1 and screen.photo.scans_list.count() == 1
    saved = wait_saved(qtbot, screen)
    store = screen.backend.store
    assert store.beneficiaries.photo(saved.record_id).data == photo.data
    assert store.beneficiaries.photo(saved.record_id, kind="document") is not None


def test_a_file_without_a_face_is_refused_with_a_message(qtbot, make_screen, tmp_path):
    import cv2
    import numpy as np

    blank = tmp_path / "wall.png"
    cv2.imwrite(str(blank), np.full((400, 300, 3), 200, np.uint8))
    screen = make_screen("clerk1", "ar")
    op = screen.photo.import_photo_file(blank)
    qtbot.waitUntil(lambda: op.done, timeout=10000)
    assert screen.photo.photo() is None
    assert screen.photo.message.text()  # says why, in Arabic
    # The way out is a photo exception, offered to every clerk (a supervisor confirms it).
    assert screen.photo.exception_button.isVisibleTo(screen.photo)
