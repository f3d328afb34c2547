"""Search a seeded record back, open its record view, switch language without losing work."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from fundclient.domain.digits import to_arabic_indic
from fundclient.ui.i18n import show_digits

pytestmark = pytest.mark.qt


def _search(qtbot, window, text):
    screen = window.show_screen("search")
    screen.view.box.setText(text)
    qtbot.waitUntil(lambda: screen.shown_generation == screen.generation and screen.generation > 0
                    and not screen.debounce.isActive(), timeout=20000)
    return screen


def test_search_by_national_number_in_arabic_digits_and_open_record(qtbot, main_window, seeded_records):
    record = seeded_records[10]
    screen = _search(qtbot, main_window, to_arabic_indic(record.national_number))
    ids = [hit.record_id for hit in screen.view.model.hits]
    assert ids[:1] == [record.record_id]
    qtbot.keyClick(screen.view.box, Qt.Key.Key_Return)  # one result: Enter opens it
    record_screen = main_window.screens["record"]
    qtbot.waitUntil(lambda: record_screen.data is not None, timeout=20000)
    assert main_window.current_screen() is record_screen
    assert record_screen.view.name.text() == record.name.full()
    assert "قيد الإرسال" in record_screen.view.sync_badge.text()
    assert record_screen.view.history.rowCount() == 1
    assert record_screen.view.dependants.rowCount() == len(record.dependants)


def test_search_by_name_drops_stale_results(qtbot, main_window, seeded_records):
    record = seeded_records[3]
    screen = main_window.show_screen("search")
    # Type a first query, then a second before the first answers: only the second is shown.
    screen.view.box.setText("zzzz")
    screen.debounce.stop()
    screen.run_query()
    screen.view.box.setText(f"{record.name.first} {record.name.family}")
    screen.debounce.stop()
    screen.run_query()
    latest = screen.generation
    qtbot.waitUntil(lambda: screen.shown_generation == latest, timeout=20000)
    qtbot.wait(200)
    assert record.record_id in [hit.record_id for hit in screen.view.model.hits]


def test_switching_language_flips_layout_and_keeps_typed_text(qtbot, main_window, seeded_records):
    window = main_window
    search = window.show_screen("search")
    search.view.box.setText("نص لم يُحفظ")
    arabic_title = search.view.heading.text()
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    window.set_language("en")
    try:
        assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
        qtbot.waitUntil(lambda: search.view.heading.text() == "Find a beneficiary", timeout=3000)
        assert window.isLeftToRight()
        assert window.menu_records.title() == "&Beneficiaries"
        assert search.view.box.text() == "نص لم يُحفظ"
        assert window.status.pending_label.text().startswith("Waiting to send")
        start = window.screens["reports"].view.start
        start.setDate(start.date().fromString("2025-01-02", "yyyy-MM-dd"))
        assert start.text() == "2 January 2025"  # not "2025 January 2" left over from RTL
    finally:
        window.set_language("ar")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    qtbot.waitUntil(lambda: search.view.heading.text() == arabic_title, timeout=3000)
    assert search.view.box.text() == "نص لم يُحفظ"


def test_reports_count_and_export(qtbot, main_window, tmp_path, seeded_records):
    from datetime import date

    from openpyxl import load_workbook
    from PySide6.QtCore import QDate

    reports = main_window.show_screen("reports")
    reports.view.start.setDate(QDate(2000, 1, 1))
    reports.view.end.setDate(QDate(2030, 1, 1))
    reports.view.group.setCurrentIndex(reports.view.group.findData("municipality"))
    reports.refresh()
    qtbot.waitUntil(lambda: reports.shown_group == "municipality" and bool(reports.rows), timeout=20000)
    assert sum(r.records for r in reports.rows) == len(seeded_records)
    xlsx = reports.export(".xlsx", str(tmp_path / "r"))
    sheet = load_workbook(xlsx).active
    labels = [row[0] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert labels and all(any("\u0600" <= ch <= "\u06ff" for ch in label) for label in labels)
    csv_path = reports.export(".csv", str(tmp_path / "r"))
    assert csv_path.read_text(encoding="utf-8-sig").startswith("المجموعة")
    assert date.today()  # the Today button uses the real clock


def test_keyboard_only_from_search_to_record_and_back(qtbot, main_window, seeded_records):
    window = main_window
    record = seeded_records[20]
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    search = window.screens["search"]
    qtbot.waitUntil(search.view.box.hasFocus, timeout=3000)
    qtbot.keyClicks(search.view.box, record.national_number)  # ASCII digits: typed for real
    qtbot.waitUntil(lambda: bool(search.view.model.hits) and search.shown_generation == search.generation,
                    timeout=20000)
    qtbot.keyClick(search.view.box, Qt.Key.Key_Down)
    assert search.view.table.hasFocus()
    qtbot.keyClick(search.view.table, Qt.Key.Key_Return)
    record_screen = window.screens["record"]
    qtbot.waitUntil(lambda: record_screen.data is not None, timeout=20000)
    assert window.current_screen() is record_screen
    assert record_screen.view.edit_button.hasFocus()
    qtbot.keyClick(record_screen.view.edit_button, Qt.Key.Key_Escape)  # Esc: back to the results
    assert window.current_screen() is search
    assert search.view.model.hits  # the results are still there


def test_a_dependant_found_by_name_says_whose_dependant_and_opens_the_holder(qtbot, main_window, seeded_records):
    record = next(r for r in seeded_records if r.dependants)
    dependant = record.dependants[0]
    screen = _search(qtbot, main_window, dependant.name.full())
    model = screen.view.model
    row = next(i for i, hit in enumerate(model.hits) if hit.dependant_id == dependant.dependant_id)
    shown = model.data(model.index(row, 0))
    assert shown == f"{dependant.name.full()} (من تابعي {record.name.full()})"
    assert model.data(model.index(row, 1)) == show_digits(dependant.national_number)
    assert model.record_id(row) == record.record_id


def test_a_family_name_typed_without_the_article_finds_it(qtbot, main_window, seeded_records):
    record = next(r for r in seeded_records if r.name.family.startswith("ال"))
    screen = _search(qtbot, main_window, f"{record.name.first} {record.name.family[2:]}")
    assert record.record_id in [hit.record_id for hit in screen.view.model.hits[:20]]
