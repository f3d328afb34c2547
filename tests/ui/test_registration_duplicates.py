"""Duplicate warnings while typing, and who may save anyway (real encrypted DB)."""

from __future__ import annotations

from datetime import date

import pytest

from fundclient.domain.records import ArabicName
from fundclient.ui.ops import wait_for_writes

from registration_helpers import (PASSWORDS, fill_valid, make_screen,  # noqa: F401
                                  office_dir, seed, sessions, template_dir, type_text,
                                  wait_saved)

pytestmark = pytest.mark.qt


def test_same_national_number_is_shown_and_a_clerk_alone_cannot_save(qtbot, make_screen):
    screen = make_screen("clerk1", "ar")
    existing = seed(screen.session)
    number = screen.rows["national_number"].editor
    number.setFocus()
    type_text(number, "119480123456")
    panel = screen.duplicate_panel
    qtbot.waitUntil(lambda: panel.isVisibleTo(screen), timeout=5000)
    assert panel.certain()
    assert [h.record_id for h in panel.hits] == [existing.record_id]
    details = panel.details.text()
    assert "محمد علي عبد الله الورفلي" in details  # who
    assert "119480123456" in details and "مكتب براك" in details  # number, office
    # The clerk cannot decide alone...
    assert screen.override_duplicate("رقم خاطئ في القيد القديم") is False
    fill_valid(screen)
    qtbot.waitUntil(lambda: bool(panel.hits), timeout=5000)
    assert screen.save() is None
    assert screen.status_label.text()  # says why
    wait_for_writes()
    assert screen.backend.store.beneficiaries.count() == 1
    # ...but the supervisor can approve at the clerk's desk with their own password.
    dialog = screen.ask_override()
    assert not dialog.supervisor.isHidden()
    dialog.reason.setPlainText("الرقم الوطني في القيد القديم خاطئ")
    dialog.supervisor.setText("super1")
    dialog.password.setText("wrong-password")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=15000)
    assert dialog.isVisible() and dialog.message.text()  # refused, in Arabic
    assert not panel.override_reason
    dialog.password.setText(PASSWORDS["super1"])
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: panel.override_reason != "", timeout=15000)
    assert panel.override_by == "super1"
    saved = wait_saved(qtbot, screen)
    assert saved.override_reason.startswith("الرقم الوطني في القيد القديم خاطئ")
    assert "super1" in saved.override_reason
    assert screen.backend.store.beneficiaries.count() == 2


def test_a_clerk_cannot_override_without_a_supervisor_role(qtbot, make_screen):
    screen = make_screen("clerk1")
    seed(screen.session)
    fill_valid(screen)
    qtbot.waitUntil(lambda: bool(screen.duplicate_panel.hits), timeout=5000)
    dialog = screen.ask_override()
    dialog.reason.setPlainText("الرقم الوطني في القيد القديم خاطئ")
    dialog.supervisor.setText("clerk1")  # a clerk's own password does not approve
    dialog.password.setText(PASSWORDS["clerk1"])
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled(), timeout=15000)
    assert not screen.duplicate_panel.override_reason
    assert dialog.message.text()


def test_supervisor_overrides_a_certain_duplicate_with_a_reason(qtbot, make_screen):
    screen = make_screen("super1", "ar")
    seed(screen.session)
    fill_valid(screen)
    panel = screen.duplicate_panel
    qtbot.waitUntil(lambda: panel.certain(), timeout=5000)
    assert panel.override_button.isEnabled()
    dialog = screen.ask_override()
    assert dialog.supervisor.isHidden()  # the operator is the supervisor
    dialog.reason.setPlainText("قصير")  # too short: refused with a message
    dialog.buttons.accepted.emit()
    assert dialog.isVisible() and dialog.message.text()
    dialog.reason.setPlainText("الرقم الوطني في القيد القديم خاطئ")
    dialog.buttons.accepted.emit()
    assert panel.override_reason == "الرقم الوطني في القيد القديم خاطئ"
    assert not panel.blocks_save()
    saved = wait_saved(qtbot, screen)
    stored = screen.backend.store.beneficiaries.get(saved.record_id)
    assert stored.override_reason == "الرقم الوطني في القيد القديم خاطئ"
    assert screen.backend.store.beneficiaries.count() == 2


def test_name_and_birth_date_match_is_a_possible_duplicate(qtbot, make_screen):
    screen = make_screen("clerk1", "en")
    existing = seed(screen.session, national_number="119480999999",
                    name=ArabicName("محمد", "علي", "عبدالله", "الورفلى"),
                    date_of_birth=date(1948, 3, 15))
    for key, text in (("name.first", "محمد"), ("name.father", "علي"),
                      ("name.grandfather", "عبد الله"), ("name.family", "الورفلي"),
                      ("date_of_birth", "15/03/1948")):
        editor = screen.rows[key].editor
        editor.setFocus()
        type_text(editor, text)
    panel = screen.duplicate_panel
    qtbot.waitUntil(lambda: bool(panel.hits), timeout=5000)
    hit = panel.hits[0]
    assert hit.record_id == existing.record_id and not hit.certain
    assert 0.75 <= hit.score <= 1.0
    assert f"{round(hit.score * 100)}%" in panel.details.text()
    assert "similar name" in panel.title.text()
    # A clerk may continue after checking with the beneficiary, with a reason.
    assert panel.override_button.isEnabled()
    fill_valid(screen, national_number="119480123456")
    qtbot.waitUntil(lambda: bool(panel.hits) and not panel.certain(), timeout=5000)
    assert screen.save() is None  # blocked until decided
    from fundclient.services import registration

    # The supervisor types their own password at the clerk's desk: one save is allowed.
    registration.authorise_override(screen.session, "super1", PASSWORDS["super1"])
    assert screen.override_duplicate("ابن عم بنفس الاسم وتاريخ الميلاد", approved_by="super1")
    saved = wait_saved(qtbot, screen)
    assert saved.override_reason.startswith("ابن عم بنفس الاسم وتاريخ الميلاد")


def test_changing_the_number_clears_the_warning(qtbot, make_screen):
    screen = make_screen("clerk1")
    seed(screen.session)
    number = screen.rows["national_number"].editor
    number.setFocus()
    type_text(number, "119480123456")
    qtbot.waitUntil(lambda: bool(screen.duplicate_panel.hits), timeout=5000)
    number.set_value("119480123457")
    qtbot.waitUntil(lambda: not screen.duplicate_panel.hits, timeout=5000)
    assert not screen.duplicate_panel.isVisibleTo(screen)
