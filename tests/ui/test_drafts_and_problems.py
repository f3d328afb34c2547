"""Drafts only for real unfinished work; home-visit mode off at every login; one source for
the problem count and the step marks. Real encrypted DB, real widgets."""

from __future__ import annotations

import json
import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from conftest import CLERK, CLERK_PW
from fundclient.config import Settings
from fundclient.ui.i18n import read_digits
from fundclient.domain.records import new_id
from fundclient.ui.main import GuiApp
from fundclient.ui.ops import wait_for_writes
from fundclient.ui.registration.drafts import DraftOfferDialog, draft_is_empty

from registration_helpers import make_screen, office_dir, sessions, template_dir, type_text  # noqa: F401

pytestmark = pytest.mark.qt


def log_in(qtbot, gui: GuiApp) -> None:
    gui.login.username.setText(CLERK)
    gui.login.password.setFocus()
    type_text(gui.login.password, CLERK_PW)
    qtbot.keyClick(gui.login.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gui.window is not None and gui.window.isVisible(), timeout=20000)


def drafts_in(office) -> list:
    from fundclient.storage.store import open_store

    store, _ = open_store(office, CLERK, CLERK_PW)
    try:
        return store.drafts.list(CLERK)
    finally:
        store.close()


def test_logging_in_again_and_again_leaves_no_draft_and_asks_nothing(qtbot, gui_app, office):
    gui = GuiApp(office, Settings.load(office))
    qtbot.addWidget(gui.login)
    gui.show()
    for _ in range(3):
        log_in(qtbot, gui)
        registration = gui.window.screens["registration"]
        gui.window.show_screen("registration")
        qtbot.wait(1800)  # longer than the autosave delay
        assert not registration.is_dirty()
        assert registration.draft_dialog is None  # «تسجيلات غير مكتملة» not shown unasked
        assert registration.status_label.text() == ""  # no «حُفظت المسودة تلقائيًا.»
        gui.window.toggle_language()  # a language switch is not work either
        gui.window.toggle_language()
        assert not registration.is_dirty()
        gui.window.logout_requested.emit()
    assert drafts_in(office) == []


def test_old_empty_drafts_are_deleted_and_never_offered(qtbot, make_screen):
    screen = make_screen("clerk1")
    store = screen.backend.store
    empty = {"version": 1, "values": {"category": "retiree", "channel": "office",
                                      "name.first": ""}, "dependants": [], "photo": None,
             "scans": []}
    assert draft_is_empty(empty)
    for _ in range(3):  # what earlier versions wrote at every login
        store.drafts.save("clerk1", new_id(), json.dumps(empty))
    real = dict(empty, values=dict(empty["values"], **{"name.first": "سالم"}))
    store.drafts.save("clerk1", new_id(), json.dumps(real))
    op = screen.offer_drafts()
    qtbot.waitUntil(lambda: op.done and screen.draft_dialog is not None, timeout=5000)
    assert screen.draft_dialog.list.count() == 1
    assert "سالم" in screen.draft_dialog.list.item(0).text()
    wait_for_writes()
    assert len(store.drafts.list("clerk1")) == 1


def test_typing_and_erasing_leaves_no_draft(qtbot, make_screen):
    screen = make_screen("clerk1")
    editor = screen.rows["name.first"].editor
    editor.setFocus()
    type_text(editor, "سالم")
    assert screen.is_dirty()
    screen.drafts.save_now()
    wait_for_writes()
    assert len(screen.backend.store.drafts.list("clerk1")) == 1
    editor.clear()
    assert not screen.is_dirty()
    wait_for_writes()
    assert screen.backend.store.drafts.list("clerk1") == []


def test_draft_list_shows_local_time_in_reading_order_and_whole_buttons(qtbot, gui_app):
    dialog = DraftOfferDialog([("d1", "2026-11-23T09:29:00+00:00",
                                {"values": {"name.first": "محمد", "name.family": "الورفلي"}})])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    text = dialog.list.item(0).text()
    assert "\u2066" in text and "\u2069" in text  # the date-time is a left-to-right run
    from datetime import datetime, timezone

    from fundclient.domain import display

    # The one display rule: the office's clock (not the machine's), dd/mm/yyyy HH:MM.
    local = display.rule().local(datetime(2026, 11, 23, 9, 29, tzinfo=timezone.utc))
    assert local.strftime("%d/%m/%Y %H:%M") in read_digits(text)
    for button in (dialog.resume_button, dialog.delete_button, dialog.later_button):
        assert button.width() >= button.sizeHint().width(), button.text()
    dialog.resume_button.setFocus()  # the default button keeps its size (no bold on focus)
    assert dialog.resume_button.width() >= dialog.resume_button.sizeHint().width()


def test_home_visit_is_off_at_every_login(qtbot, make_screen):
    first = make_screen("clerk1")
    first.home_visit.setFocus()
    qtbot.keyClick(first.home_visit, Qt.Key.Key_Space)
    assert first.is_home_visit() and first.home_visit_banner.isVisibleTo(first)
    assert "زيارة منزلية" in first.heading.text()
    second = make_screen("clerk1")  # the next login
    assert not second.is_home_visit()
    assert second.rows["channel"].editor.value() == "office"
    assert not second.home_visit_banner.isVisibleTo(second)


def test_the_count_and_the_step_marks_come_from_the_red_fields(qtbot, make_screen):
    screen = make_screen("clerk1")
    screen.dependants.add_row({"relation": "son"})  # a dependant with missing fields too
    screen.save()
    red = screen.problem_rows()
    assert red and all(row.message_text() for row in red)
    count = int(re.search(r"\((\d+)\)", read_digits(screen.status_label.text())).group(1))
    assert count == len(red)  # «(8)» with 9 red fields can no longer happen
    per_step = screen.problems_per_step()
    assert sum(per_step) == len(red)
    for index, step_count in enumerate(per_step):
        button = screen.step_buttons.button(index)
        assert bool(button.property("hasProblems")) == bool(step_count), index
    assert per_step[3] > 0  # the dependants step is marked
    # Fixing a field removes its mark at once.
    first_name = screen.dependants.rows[0].rows["name.first"].editor
    first_name.setFocus()
    type_text(first_name, "سالم")
    qtbot.waitUntil(lambda: screen.problems_per_step()[3] < per_step[3], timeout=3000)
    assert QApplication.focusWidget() is first_name
