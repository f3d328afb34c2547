"""A photo exception at the clerk's desk through the real widgets: the clerk asks, the
supervisor types her password in the same dialog, the record is saved with it; the review
step warns; without photo or exception the form does not save."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fundclient.domain import photo_exception as pe
from fundclient.ui.i18n import current_language

from registration_helpers import (PASSWORDS, fill_valid, make_screen,  # noqa: F401
                                  office_dir, sessions, template_dir, type_text, wait_saved)

pytestmark = pytest.mark.qt


def ask_exception_by_keyboard(qtbot, screen, downs: int, details: str, supervisor: str | None):
    screen.go_to_step("photo")
    button = screen.photo.exception_button
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Return)
    dialog = screen.photo_exception_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=3000)
    choice = dialog.reason_choice
    assert [choice.itemData(i) for i in range(choice.count())] == list(pe.REASONS)
    choice.setFocus()
    for _ in range(downs):
        qtbot.keyClick(choice, Qt.Key.Key_Down)
    dialog.reason.setFocus()
    type_text(dialog.reason, details)
    if supervisor is not None:
        dialog.supervisor.setFocus()
        type_text(dialog.supervisor, supervisor)
        dialog.password.setFocus()
        type_text(dialog.password, PASSWORDS[supervisor])
    qtbot.keyClick(dialog.password if supervisor else dialog.reason, Qt.Key.Key_Return,
                   Qt.KeyboardModifier.ControlModifier if supervisor is None else Qt.KeyboardModifier.NoModifier)
    return dialog


def test_no_photo_no_save_then_bedridden_exception_approved_at_the_desk(qtbot, make_screen):
    screen = make_screen("clerk1")
    fill_valid(screen, photo=False)
    assert screen.save() is None  # a new registration needs a photo or an exception
    assert screen.current_step() == 4 and QApplication.focusWidget() is screen.photo.exception_button
    assert screen.status_label.text() == pe.PHOTO_REQUIRED.ar
    screen.go_to_step("review")
    assert pe.PHOTO_REQUIRED.ar in screen.review.problems.text()

    dialog = ask_exception_by_keyboard(qtbot, screen, 0, "زيارة منزلية", "super1")
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15000)  # the password KDF, then accepted
    exception = screen.photo.exception
    assert exception.reason == pe.BEDRIDDEN and exception.approved_by == "super1"
    note = screen.photo.exception_note.text()
    assert pe.REASONS[pe.BEDRIDDEN].ar in note and "super1" in note
    screen.go_to_step("review")
    warning = screen.review.problems.text()
    assert pe.REASONS[pe.BEDRIDDEN].ar in warning and pe.PHOTO_REQUIRED.ar not in warning
    assert "#7a4f00" in warning  # a warning, not "everything is complete"
    saved = wait_saved(qtbot, screen)
    stored = screen.backend.store.beneficiaries.get(saved.record_id)
    assert stored.photo_exception.reason == pe.BEDRIDDEN
    assert stored.photo_exception.text == "زيارة منزلية"
    assert stored.photo_exception.approved_by == "super1"
    assert screen.backend.store.beneficiaries.photo(saved.record_id) is None
    assert screen.photo.exception is None  # the next registration starts without one


def test_a_wrong_password_keeps_the_dialog_open_and_nothing_is_granted(qtbot, make_screen):
    screen = make_screen("clerk1")
    fill_valid(screen, photo=False)
    screen.go_to_step("photo")
    screen.photo.exception_button.click()
    dialog = screen.photo_exception_dialog
    dialog.reason_choice.setCurrentIndex(list(pe.REASONS).index(pe.CAMERA_BROKEN))
    dialog.supervisor.setText("super1")
    dialog.password.setText("wrong password!!")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled() and dialog.message.text() != "", timeout=15000)
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=15000)
    assert dialog.isVisible() and screen.photo.exception is None
    dialog.reject()


def test_other_needs_words_and_a_failed_photo_is_used_with_the_exception(qtbot, make_screen, tmp_path):
    import cv2

    import camera_scenes as cs

    screen = make_screen("super1")  # the signed-in supervisor decides herself
    fill_valid(screen, photo=False)
    screen.go_to_step("photo")
    screen.photo.exception_button.click()
    dialog = screen.photo_exception_dialog
    assert not dialog.password.isVisibleTo(dialog)
    dialog.reason_choice.setCurrentIndex(list(pe.REASONS).index(pe.OTHER))
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert dialog.isVisible() and dialog.message.text() == pe.NEEDS_TEXT.ar
    dialog.reason.setPlainText("حروق في الوجه")
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    assert not dialog.isVisible()
    # A blurred photo (the person cannot hold still) is now accepted, carrying the reason.
    blurred = tmp_path / "blurred.jpg"
    cv2.imwrite(str(blurred), cs.blurred(cs.scene(), 4.0))
    op = screen.photo.import_photo_file(blurred)
    qtbot.waitUntil(lambda: op.done, timeout=10000)
    photo = screen.photo.photo()
    assert photo is not None and photo.quality["checks_passed"] == 0.0
    assert photo.override_reason == screen.photo.exception.describe(current_language())
    saved = wait_saved(qtbot, screen)
    stored = screen.backend.store.beneficiaries.get(saved.record_id)
    assert stored.photo_exception.reason == pe.OTHER and stored.photo_exception.approved_by == "super1"


def test_a_draft_does_not_carry_a_photo_used_only_under_an_exception(qtbot, make_screen, tmp_path):
    import cv2

    import camera_scenes as cs

    screen = make_screen("super1")
    fill_valid(screen, photo=False)
    screen.photo.set_exception(pe.PhotoException(pe.BEDRIDDEN, approved_by="super1"))
    blurred = tmp_path / "blurred.jpg"
    cv2.imwrite(str(blurred), cs.blurred(cs.scene(), 4.0))
    op = screen.photo.import_photo_file(blurred)
    qtbot.waitUntil(lambda: op.done, timeout=10000)
    assert screen.photo.photo().quality["checks_passed"] == 0.0
    payload = screen.snapshot()
    again = make_screen("super1")
    again.restore_draft(payload, "draft-1")
    assert again.photo.photo() is None and again.photo.exception is None
    assert again.save() is None  # a photo or a new exception is needed again
