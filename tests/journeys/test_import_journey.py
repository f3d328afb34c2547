"""Fatima (supervisor) imports the office's old list from a spreadsheet in the app, by keyboard
(#11 item 8): Supervisor menu → Import, the file's path, Enter checks every row (the problems
listed with row and field, in Arabic), Enter imports on the long-work thread with a progress bar
(rows done / total, rows per second) while a clerk's save still goes through, «إيقاف» stops it
after the batch being saved (what was saved stays, and the page says so), the same file again
adds the rest (rows already registered are skipped), and the refused rows are saved to a CSV.
Runs at 1366×768 and 1024×768; screenshots docs/screenshots/import-*.png."""

from __future__ import annotations

import csv
import random
from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog

from fundclient.domain.national_id import get_scheme
from fundclient.domain.synthetic import iter_generate
from fundclient.services import registration
from fundclient.services.session import login
from fundclient.ui import import_screen

pytestmark = pytest.mark.journey

ROWS = 300
HEADERS = ["national_number", "name.first", "name.father", "name.grandfather", "name.family", "mother_name",
           "sex", "date_of_birth", "marital_status", "mobile", "municipality",
           "category_fields.pension_number", "category_fields.pensions_authority",
           "category_fields.retirement_date", "dependants[1].name.first", "dependants[1].name.father",
           "dependants[1].name.grandfather", "dependants[1].name.family", "dependants[1].relation",
           "dependants[1].sex", "dependants[1].date_of_birth", "dependants[1].national_number"]


def _cells(b) -> list[str]:
    cat = b.category_fields
    cells = [b.national_number, b.name.first, b.name.father, b.name.grandfather, b.name.family, b.mother_name,
             b.sex.value, b.date_of_birth.isoformat(), b.marital_status.value, b.mobile, b.municipality,
             cat.get("pension_number", ""), cat.get("pensions_authority", ""), cat.get("retirement_date", "")]
    for d in b.dependants[:1]:
        cells += [d.name.first, d.name.father, d.name.grandfather, d.name.family, d.relation.value, d.sex.value,
                  d.date_of_birth.isoformat() if d.date_of_birth else "", d.national_number]
    return cells + [""] * (len(HEADERS) - len(cells))


def legacy_list(path: Path, stored) -> Path:
    """ROWS people of an old list: row 5 a national number one digit short, row 9 without a
    family name, row 12 someone the office already has (same national number), row 15 the same
    person as a stored one under another national number (a possible duplicate)."""
    rows = [_cells(b) for b in iter_generate(ROWS, seed=4711)]
    rows[3][0] = rows[3][0][:-1]
    rows[7][4] = ""
    rows[10] = _cells(stored[0])
    twin = _cells(stored[1])
    twin[0] = get_scheme(None).generate(random.Random(5), stored[1].sex, stored[1].date_of_birth)
    rows[13] = twin[:14] + [""] * (len(HEADERS) - 14)  # the same person, another national number
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADERS)
        writer.writerows(rows)
    return path


def test_supervisor_imports_a_legacy_list_by_keyboard(demo_office, open_app, tmp_path, monkeypatch):
    monkeypatch.setattr(import_screen, "GUI_BATCH", 50)  # several batches in a small file
    desk = login(demo_office.data_dir, "demo", "demo-1234")  # a clerk at another desk of the office
    store_count = desk.store.beneficiaries.count()
    with desk.store.read() as conn:
        ids = [r[0] for r in conn.exec_driver_sql("SELECT record_id FROM beneficiaries ORDER BY id LIMIT 2")]
    stored = [desk.store.beneficiaries.get(i) for i in ids]
    source = legacy_list(tmp_path / "old-list.csv", stored)
    j = open_app(demo_office.data_dir)
    j.login("supervisor", "demo-1234")
    j.press("Ctrl+Shift+I")
    page = j.main.current_screen()
    assert isinstance(page, import_screen.ImportScreen)
    j.assert_sees("استيراد المنتفعين من جدول بيانات")
    assert j.focus() is page.path
    j.assert_layout_ok()

    # The file's path, Enter: every row checked, the problems named by row and field.
    j.type(str(source))
    j.enter()
    j.wait_idle()
    j.wait_for_text(f"{_ar(ROWS)} سطراً في الملف")
    j.assert_sees("الرقم الوطني", "اللقب")  # the fields of rows 5 and 9, in Arabic
    rows_shown = {page.table.item(r, 0).text() for r in range(page.table.rowCount())}
    assert {_ar(5), _ar(9)} <= rows_shown
    assert j.focus() is page.import_button
    j.assert_layout_ok()
    j.screenshot("import-check")

    # Enter imports; the first batches go in, then «إيقاف الاستيراد» stops it.
    j.enter()
    j.wait_until(lambda: page.progress.value() >= 50, timeout_ms=120000, what="the first batch saved")
    j.assert_sees("صف في الثانية")
    assert j.focus() is page.cancel_button
    j.screenshot("import-progress")
    # A clerk's save while the import runs (the same office, another desk): not held up.
    clerk = registration.register(desk, next(iter_generate(1, seed=99)))
    assert clerk.result.card_number
    j.enter()  # stop
    j.wait_idle(timeout_ms=120000)
    result = page.result
    assert result.cancelled and 0 < result.done < ROWS
    j.assert_sees(f"توقف الاستيراد بعد {_ar(result.done)} من {_ar(ROWS)} سطراً")
    assert desk.store.beneficiaries.count() == store_count + 1 + result.imported
    j.assert_layout_ok()
    j.screenshot("import-stopped")

    # The same file again: what is already registered is skipped, the rest goes in.
    j.tab_to(lambda w: w is page.path, backwards=True)
    j.enter()
    j.wait_idle()
    assert j.focus() is page.import_button
    j.enter()
    j.wait_idle(timeout_ms=300000)
    result = page.result
    assert not result.cancelled and result.done == ROWS
    assert result.already_present >= 1 and result.duplicates >= 1 and result.rejected >= 3
    j.assert_sees(f"انتهى الاستيراد: {_ar(ROWS)} سطراً")
    j.assert_sees("تسجيل مكرر محتمل")
    j.assert_layout_ok()
    j.screenshot("import-done")

    # The refused rows, saved where she chooses.
    refused = tmp_path / "refused.csv"

    def save_as(dialog) -> None:
        j.select_all_and_type(str(refused))
        j.enter()

    assert j.focus() is page.save_button
    with j.expect_dialog(save_as, match=lambda w: isinstance(w, QFileDialog)):
        j.enter()
    j.wait_for_text("حُفظ")
    with open(refused, encoding="utf-8-sig") as fh:
        lines = list(csv.DictReader(fh))
    assert {"5", "9"} <= {line["row"] for line in lines}
    assert any(line["field"] == "duplicate" for line in lines)
    desk.close()


def _ar(number: int) -> str:
    from fundclient.ui.i18n import show_number
    return show_number(number)

