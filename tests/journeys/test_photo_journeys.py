"""Photo journeys (issue #10): the clerk at the keyboard, at 1366x768 and 1024x768.

* the demo's own file camera: the photo is taken by itself and «اعتماد الصورة» is pressed
  with Enter — accepted;
* no camera: the reason and «استيراد من ملف…» are on screen at once; a passport-style photo
  imported through the file dialog, by keyboard, is accepted by ID-photo rules;
* a bedridden beneficiary: no photo is possible, the clerk asks for a photo exception, the
  supervisor types her password at the clerk's desk, the registration is saved; the record
  view and the supervisor's day close show the exception.
"""

from __future__ import annotations

import cv2
from PySide6.QtWidgets import QApplication, QFileDialog

import camera_scenes as cs
from conftest import CLERK, CLERK_PW, SUPERVISOR, SUPERVISOR_PW
from fundclient.camera import messages
from fundclient.domain import photo_exception as pe
from fundclient.ui.camera import layout as words
from journey import arabic_digits

NO_CAMERA = "7"  # a webcam index with no device behind it
NUMBER = "219440765432"  # the bedridden beneficiary's national number


def to_photo_step(j) -> None:
    j.press("Ctrl+N")
    j.wait_idle()
    j.press("Alt+5")  # the step bar's shortcut for «الصورة»
    j.wait_idle()


def test_demo_camera_photo_is_taken_and_accepted_by_keyboard(demo_app):
    j = demo_app
    j.login("demo", "demo-1234")
    to_photo_step(j)
    screen = j.main.current_screen()
    camera = screen.photo.camera_widget
    # The sample is a person seated normally: every check passes, the photo takes itself.
    j.wait_until(lambda: camera.state == "review", what="the photo taken by itself")
    j.assert_sees(words.REVIEW.ar, "✓ " + words.CHECK_LABELS["size"].ar,
                  "✓ " + words.CHECK_LABELS["position"].ar)
    j.assert_not_sees(messages.MOVE_CLOSER.ar)
    assert j.focus() is camera.ui.accept
    j.assert_layout_ok()
    j.screenshot("photo-step")
    j.enter()  # «اعتماد الصورة»
    j.wait_idle()
    assert screen.photo.photo() is not None
    assert screen.photo.photo().quality["checks_passed"] == 1.0
    j.assert_sees(words.ACCEPTED.ar)
    j.assert_layout_ok()
    # Back to the first step and to the photo again: the camera restarts, and the line
    # says what is true (the photo is accepted), not «جارٍ تشغيل الكاميرا…» for good.
    j.press("Alt+1")
    j.wait_idle()
    j.press("Alt+5")
    j.wait_until(lambda: camera.camera_live, what="the camera started again")
    j.wait_idle()
    j.assert_not_sees(words.STARTING.ar)
    j.assert_sees(words.ACCEPTED.ar)


def test_no_camera_then_a_passport_photo_is_imported_by_keyboard(demo_office, open_app, tmp_path):
    passport = tmp_path / "Pictures" / "passport.jpg"
    passport.parent.mkdir()
    cv2.imwrite(str(passport), cs.id_photo(0.80))  # 35x45 at 300 dpi, head 80 % of the height
    j = open_app(demo_office.data_dir, camera=NO_CAMERA)
    j.login("demo", "demo-1234")
    to_photo_step(j)
    camera = j.main.current_screen().photo.camera_widget
    not_found = messages.CAMERA_NOT_FOUND.format(name=NO_CAMERA).ar
    j.wait_for_text(not_found)
    j.assert_not_sees(words.STARTING.ar)
    assert j.focus() is camera.ui.import_file  # the way on is where the keyboard is
    j.assert_sees(words.IMPORT.ar)
    j.assert_layout_ok()

    def choose_file(dialog) -> None:
        j.type(str(passport))
        j.enter()

    with j.expect_dialog(choose_file, match=lambda w: isinstance(w, QFileDialog)):
        j.enter()  # «استيراد من ملف…»
    j.wait_idle()
    assert camera.state == "review"
    j.assert_sees(words.REVIEW.ar)
    checks = camera.ui.checklist.text()
    assert "✗" not in checks and "✓ " + words.CHECK_LABELS["size"].ar in checks
    j._activate(j.main)  # what the window manager does when the dialog closes (offscreen does not)
    j.wait_until(lambda: j.focus() is camera.ui.accept, what="the keyboard on «اعتماد الصورة»")
    j.assert_layout_ok()
    j.enter()
    j.wait_idle()
    assert j.main.current_screen().photo.photo() is not None
    j.assert_sees(words.ACCEPTED.ar)


def type_retiree(j, number: str) -> None:
    """A retiree, typed as a clerk does: Enter from field to field (Arabic-Indic digits)."""
    j.type(arabic_digits(number))
    j.enter()
    for text in ("سالمة", "علي", "محمد", "الزوي"):
        j.type(text)
        j.enter()
    j.enter()  # sex: from the national number
    j.type(arabic_digits("3/5/1944"))
    j.enter()
    for text in ("", "فاطمة أحمد", "براك"):
        j.type(text)
        j.enter()
    j.press("Down")  # marital status
    j.enter()
    j.type(arabic_digits("0912345678"))  # step 2: mobile
    j.enter()
    j.press("Down")  # municipality
    j.enter()
    j.type("حي المنشية")
    j.enter()
    j.enter()  # step 3: category retiree
    j.enter()  # channel
    j.type(arabic_digits("5512077"))
    j.enter()
    j.press("Down")  # pensions authority
    j.enter()
    j.type(arabic_digits("1/1/2004"))
    j.enter()
    j.enter()  # notes


def test_bedridden_beneficiary_saved_with_a_photo_exception(real_office, open_app):
    j = open_app(real_office, camera=NO_CAMERA)
    j.login(CLERK, CLERK_PW)
    j.press("Ctrl+N")
    j.wait_idle()
    type_retiree(j, NUMBER)
    j.wait_idle()
    screen = j.main.current_screen()
    j.press("Ctrl+S")  # no photo: the form says what is needed and where
    j.wait_idle()
    j.assert_sees(pe.PHOTO_REQUIRED.ar)
    assert screen.current_step() == 4 and j.focus() is screen.photo.exception_button
    j.assert_layout_ok()

    def clerk_and_supervisor(dialog) -> None:
        j.assert_sees(pe.TITLE.ar, pe.REASONS[pe.BEDRIDDEN].ar, root=dialog)
        j.tab_to(lambda w: w is dialog.reason_choice)  # «المنتفع طريح الفراش» is the first
        j.tab_to(lambda w: w is dialog.reason)
        j.type("زيارة منزلية، لا يستطيع الجلوس")
        j.tab_to(lambda w: w is dialog.supervisor)  # Fatima comes to the desk
        j.type(SUPERVISOR)
        j.tab()
        j.type(SUPERVISOR_PW)
        j.enter()

    with j.expect_dialog(clerk_and_supervisor):
        j.enter()  # «استثناء من الصورة…»
    j.wait_idle()
    j.wait_until(lambda: QApplication.activeModalWidget() is None, what="the dialog closed")
    j._activate(j.main)  # what the window manager does when the dialog closes (offscreen does not)
    j.assert_sees(pe.REASONS[pe.BEDRIDDEN].ar, SUPERVISOR)
    j.assert_layout_ok()
    j.press("Alt+6")  # the review step warns; it does not call the record complete
    j.wait_idle()
    j.assert_sees(pe.REASONS[pe.BEDRIDDEN].ar)
    j.assert_not_sees(pe.PHOTO_REQUIRED.ar, "كل البيانات مكتملة")
    j.press("Ctrl+S")
    j.wait_idle()
    j.assert_not_sees(pe.PHOTO_REQUIRED.ar)
    # The record view: found by national number, the exception under the name and in the box.
    j.press("Ctrl+F")
    j.wait_idle()
    j.type(arabic_digits(NUMBER))
    j.wait_for_text("سالمة علي محمد الزوي")  # the one result, as typed
    j.enter()
    j.wait_idle()
    j.wait_for_text(pe.TITLE.ar)
    j.assert_sees(pe.REASONS[pe.BEDRIDDEN].ar, "زيارة منزلية", SUPERVISOR)
    j.assert_layout_ok()
    j.screenshot("record-photo-exception")
    record = j.main.current_screen().data["record"]
    assert record.photo_exception.reason == pe.BEDRIDDEN
    assert record.photo_exception.approved_by == SUPERVISOR

    # Fatima's day close, on her own PC: the registration is flagged and she reads why.
    boss = open_app(real_office, camera=NO_CAMERA)
    boss.login(SUPERVISOR, SUPERVISOR_PW)
    nav = boss.main.nav
    for _ in range(nav.count()):  # each page takes the keyboard when shown: back to the list
        if nav.currentItem() is not None and nav.currentItem().data(0x0100) == "dayclose":
            break
        boss.tab_to(lambda w: w is nav, backwards=True)
        boss.press("Down")
        boss.wait_idle()
    day_close = boss.main.current_screen()
    assert day_close.objectName() == "dayCloseScreen"
    table = day_close.view.table
    boss.wait_until(lambda: table.rowCount() > 0, what="today's registrations")
    for _ in range(table.rowCount()):
        if [r.item.beneficiary.national_number for r in day_close.selected()] == [NUMBER]:
            break
        boss.press("Down")
    boss.wait_idle()
    boss.assert_sees(pe.TITLE.ar, pe.REASONS[pe.BEDRIDDEN].ar, "زيارة منزلية")
    boss.assert_layout_ok()
