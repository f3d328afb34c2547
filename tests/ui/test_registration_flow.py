"""Registration end to end through the widgets, keyboard only, on a real encrypted DB."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fundclient.config import Settings
from fundclient.domain.national_id import SEX_MISMATCH
from fundclient.domain.records import Channel, Relation, Sex
from fundclient.ui.ops import wait_for_writes

from registration_helpers import (ASTRONAUT, fill_valid, make_screen,  # noqa: F401
                                           office_dir, sessions, template_dir, type_text,
                                           wait_saved)

pytestmark = pytest.mark.qt


def focused():
    return QApplication.focusWidget()


def type_and_enter(qtbot, text: str) -> None:
    widget = focused()
    assert widget is not None
    if text:
        type_text(widget, text)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def choose_and_enter(qtbot, downs: int) -> None:
    widget = focused()
    for _ in range(downs):
        qtbot.keyClick(widget, Qt.Key.Key_Down)
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def test_register_with_two_dependants_by_keyboard(qtbot, make_screen, sessions):
    screen = make_screen("clerk1")
    rows = screen.rows
    assert focused() is rows["national_number"].editor
    type_and_enter(qtbot, "١١٩٤٨٠١٢٣٤٥٦")  # Arabic-Indic digits, as many keyboards type them
    assert focused() is rows["name.first"].editor
    for text in ("محمد", "علي", "عبد الله", "الورفلي"):
        type_and_enter(qtbot, text)
    assert focused() is rows["sex"].editor
    assert rows["sex"].editor.value() == "M"  # filled from the national number's first digit
    type_and_enter(qtbot, "")
    type_and_enter(qtbot, "١٥/٣/١٩٤٨")  # a date with Arabic-Indic digits
    for text in ("Mohamed Ali", "فاطمة سالم", "سبها"):
        type_and_enter(qtbot, text)
    choose_and_enter(qtbot, 2)  # marital status: married; last field -> next step
    assert screen.current_step() == 1 and focused() is rows["mobile"].editor
    type_and_enter(qtbot, "091-2345678")
    choose_and_enter(qtbot, 1)  # municipality: the first one
    assert rows["locality"].isHidden()  # office mode: no village field
    type_and_enter(qtbot, "حي الجديد قرب المسجد")
    assert screen.current_step() == 2 and focused() is rows["category"].editor
    assert rows["category"].editor.value() == "retiree"
    type_and_enter(qtbot, "")
    type_and_enter(qtbot, "")  # channel: at the office
    type_and_enter(qtbot, "4471902")
    choose_and_enter(qtbot, 1)  # pensions authority
    type_and_enter(qtbot, "1/7/2008")
    type_and_enter(qtbot, "")  # notes
    assert screen.current_step() == 3
    assert focused() is screen.dependants.add_button
    qtbot.keyClick(focused(), Qt.Key.Key_Return)  # adds the first dependant
    assert len(screen.dependants.rows) == 1
    choose_and_enter(qtbot, 1)  # relation: spouse -> sex follows (female)
    for text in ("خديجة", "محمد", "سالم", "القذافي"):
        type_and_enter(qtbot, text)
    assert screen.dependants.rows[0].value("sex") == "F"
    type_and_enter(qtbot, "")
    type_and_enter(qtbot, "2/2/1952")
    type_text(focused(), "219520654321")
    qtbot.keyClick(focused(), Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)  # one more
    assert len(screen.dependants.rows) == 2
    choose_and_enter(qtbot, 2)  # relation: son -> father/grandfather/family prefilled
    second = screen.dependants.rows[1]
    assert second.value("name.family") == "الورفلي" and second.value("sex") == "M"
    assert focused() is second.rows["name.first"].editor
    type_and_enter(qtbot, "أحمد")
    assert focused() is second.rows["name.father"].editor
    for _ in range(4):  # father, grandfather, family (prefilled), sex (prefilled)
        type_and_enter(qtbot, "")
    type_and_enter(qtbot, "10/10/1975")
    assert focused() is second.rows["national_number"].editor
    type_and_enter(qtbot, "")  # no national number yet -> photo step
    assert screen.current_step() == 4
    screen.photo.import_photo_file(ASTRONAUT)
    qtbot.waitUntil(lambda: screen.photo.photo() is not None, timeout=10000)
    qtbot.keyClick(focused(), Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert screen.current_step() == 5  # review
    assert "خديجة" in screen.review.summary.text()
    assert focused() is screen.save_button
    with qtbot.waitSignal(screen.saved, timeout=15000) as blocker:
        qtbot.keyClick(focused(), Qt.Key.Key_Return)  # Enter on Save
    wait_for_writes()
    saved = blocker.args[0]

    stored = screen.backend.store.beneficiaries.get(saved.record_id)
    assert stored.national_number == "119480123456"
    assert stored.name.full() == "محمد علي عبد الله الورفلي"
    assert stored.date_of_birth == date(1948, 3, 15)
    assert stored.mobile == "+218912345678"
    assert stored.category_fields["pension_number"] == "4471902"
    assert stored.category_fields["retirement_date"] == "2008-07-01"
    assert stored.channel == Channel.OFFICE and stored.office_code == "SBH"
    assert [d.relation for d in stored.dependants] == [Relation.SPOUSE, Relation.SON]
    assert stored.dependants[0].national_number == "219520654321"
    assert stored.dependants[1].sex == Sex.MALE
    assert stored.dependants[1].name.full() == "أحمد محمد علي الورفلي"
    photo = screen.backend.store.beneficiaries.photo(saved.record_id)
    assert photo is not None and len(photo.data) <= 30 * 1024
    # The form is empty again for the next person.
    assert screen.rows["national_number"].editor.value() == ""
    assert screen.current_step() == 0


def test_sex_digit_mismatch_shows_the_arabic_message_under_the_field(qtbot, make_screen):
    screen = make_screen("clerk1", "ar")
    sex = screen.rows["sex"].editor
    sex.set_value("M")
    number = screen.rows["national_number"]
    number.editor.setFocus()
    qtbot.keyClicks(number.editor, "219480123456")  # 2 = female
    qtbot.waitUntil(lambda: number.message_text() == SEX_MISMATCH.ar, timeout=3000)
    assert not number.message.isHidden()
    # Fixing the sex clears the message at once.
    sex.set_value("F")
    qtbot.waitUntil(lambda: number.message_text() == "", timeout=3000)


def test_english_ui_shows_english_messages_and_labels(qtbot, make_screen):
    screen = make_screen("clerk1", "en")
    assert screen.rows["national_number"].label.text() == "National number *"
    date_row = screen.rows["date_of_birth"]
    date_row.editor.setFocus()
    qtbot.keyClicks(date_row.editor, "31/02/1950")
    qtbot.waitUntil(lambda: "not a valid date" in date_row.message_text(), timeout=3000)


def test_save_with_missing_fields_points_to_the_first_one(qtbot, make_screen):
    screen = make_screen("clerk1", "ar")
    screen.go_to_step("review")
    assert screen.save() is None
    assert screen.current_step() == 0
    assert QApplication.focusWidget() is screen.rows["national_number"].editor
    assert screen.rows["name.first"].message_text() == "حقل «الاسم الأول» مطلوب"


def test_home_visit_saves_channel_and_locality(qtbot, make_screen):
    screen = make_screen("clerk1")
    screen.set_home_visit(True)
    assert screen.home_visit_banner.isVisibleTo(screen)
    assert not screen.rows["locality"].isHidden()
    fill_valid(screen, channel="home_visit", locality="المنشية")
    assert screen.is_home_visit()
    saved = wait_saved(qtbot, screen)
    stored = screen.backend.store.beneficiaries.get(saved.record_id)
    assert stored.channel == Channel.HOME_VISIT
    assert stored.locality == "المنشية"
    assert screen.is_home_visit()  # the field team stays in home-visit mode for the next one
    assert "زيارة منزلية" in screen.heading.text()  # shown clearly while on
    again = make_screen("clerk1")  # next login (back at the office): the mode starts off
    assert not again.is_home_visit() and again.rows["locality"].isHidden()
    assert not again.home_visit_banner.isVisibleTo(again)
    assert "registration_home_visit" not in Settings.load(screen.session.data_dir).extra


def test_edit_mode_saves_a_new_revision(qtbot, make_screen):
    screen = make_screen("clerk1")
    fill_valid(screen)
    saved = wait_saved(qtbot, screen)
    screen.edit_record(saved.record_id)
    qtbot.waitUntil(lambda: screen.base is not None, timeout=5000)
    assert screen.rows["name.first"].editor.value() == "محمد"
    address = screen.rows["address"].editor
    address.set_value("حي المنشية")
    went = []
    screen.navigate.connect(lambda name, arg: went.append((name, arg)))
    edited = wait_saved(qtbot, screen)
    wait_for_writes()
    assert edited.revision == 2
    assert went == [("record", saved.record_id)]  # back to the record view
    assert screen.backend.store.beneficiaries.get(saved.record_id).address == "حي المنشية"


def test_tab_follows_the_enter_order(qtbot, make_screen):
    screen = make_screen("clerk1")
    number = screen.rows["national_number"].editor
    assert QApplication.focusWidget() is number
    qtbot.keyClick(number, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is screen.rows["name.first"].editor


def test_language_switch_keeps_typed_text_and_rewords_messages(qtbot, make_screen):
    from fundclient.ui import i18n

    screen = make_screen("clerk1", "ar")
    number = screen.rows["national_number"]
    number.editor.setFocus()
    type_text(number.editor, "123")
    qtbot.waitUntil(lambda: number.message_text() != "", timeout=3000)
    assert "الرقم الوطني" in number.message_text()
    i18n.set_language("en")
    qtbot.waitUntil(lambda: screen.rows["name.first"].label.text() == "First name *",
                    timeout=3000)
    assert number.editor.value() == "123"
    assert "national number" in number.message_text()
    assert screen.next_button.text() == "Next"


def test_edit_keeps_the_stored_photo_unless_a_new_one_is_taken(qtbot, make_screen):
    screen = make_screen("clerk1")
    fill_valid(screen)
    op = screen.photo.import_photo_file(ASTRONAUT)
    qtbot.waitUntil(lambda: op.done, timeout=10000)
    saved = wait_saved(qtbot, screen)
    store = screen.backend.store
    first_photo = store.beneficiaries.photo(saved.record_id)
    screen.edit_record(saved.record_id)
    qtbot.waitUntil(lambda: screen.base is not None, timeout=5000)
    assert screen.photo.photo().data == first_photo.data and not screen.photo.changed
    screen.rows["mobile"].editor.set_value("0921234567")
    edited = wait_saved(qtbot, screen)
    assert edited.mobile == "+218921234567"
    assert store.beneficiaries.photo(saved.record_id).data == first_photo.data
