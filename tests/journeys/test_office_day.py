"""Journey: a real office's day, keyboard only (issue #10), at 1366×768 and 1024×768.

IT has set the Brak office up (`fundclient setup`) and enrolled it with a real HQ on 127.0.0.1
(`real_office`). The administrator chooses Arabic-Indic digits in the settings. Ahmed, the
clerk, registers two retirees and prints card and receipt from the saved screen (to PDF in
Documents: this PC has no printer). Fatima, the supervisor, approves one at day close and sends
the other back with a comment. Next morning Ahmed sees the return and why as soon as he signs
in, opens it, fixes it and saves; Fatima approves the correction and closes the day (report
PDF). The office syncs (`fundclient sync`) and `fundclient hq export` holds the corrected
revision.

Asserted as the people see it: digits as the office chose (١٢٣), dates dd/mm/yyyy, the office
by name («مكتب براك», never BRK), people by full name (never a login), no UUID on paper.
"""

from __future__ import annotations

import json
import re
import subprocess
import unicodedata
from pathlib import Path

from PySide6.QtWidgets import QApplication

from conftest import (ADMIN, ADMIN_PW, CLERK, CLERK_NAME, CLERK_PW, FACE, SUPERVISOR, SUPERVISOR_NAME,
                      SUPERVISOR_PW, cli)
from journey import arabic_digits

COMMENT = "رقم المعاش ناقص، انقله كاملًا من إفادة المعاش"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
ARABIC_DATE = re.compile(r"[٠-٩]{2}/[٠-٩]{2}/[٠-٩]{4}")
PEOPLE = [
    {"national": "119480123456", "name": ("محمد", "علي", "عبد الله", "الورفلي"), "sex": "ذكر",
     "born": "15/03/1948", "latin": "Mohamed Ali Alwarfalli", "mother": "فاطمة سالم", "place": "براك",
     "mobile": "0912345678", "address": "حي الجديد قرب المسجد", "pension": "4471902",
     "retired": "01/07/2008"},
    {"national": "119520765432", "name": ("سالم", "أحمد", "محمد", "القذافي"), "sex": "ذكر",
     "born": "02/02/1952", "latin": "Salem Ahmed Algaddafi", "mother": "مبروكة علي", "place": "سبها",
     "mobile": "0923456789", "address": "حي المنشية", "pension": "5512", "retired": "01/01/2012"},
]
FIXED_PENSION = "7788123"


def focused_name() -> str:
    widget = QApplication.focusWidget()
    return widget.objectName() if widget is not None else ""


def pdftext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def squash(text: str) -> str:
    """pdftotext returns Arabic in presentation forms (and drops lam-alef): letters only."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if ch.isalnum()).replace("لا", "").replace("ل", "").replace("ا", "")


def stored(store, national_number: str):
    hit = store.beneficiaries.search(national_number, 5)[0]
    return store.beneficiaries.get(getattr(hit, "record_id", None) or hit["record_id"])


def go_to_page(j, title: str) -> None:
    """The navigation list, by keyboard: Tab to it and type the start of the page's name
    (the list jumps to it; arrows would open every page on the way)."""
    nav = j.tab_to(lambda w: w.objectName() == "navigation")
    j.type(title)
    j.wait_idle()
    assert nav.currentItem() is not None and title in nav.currentItem().text(), \
        [nav.item(i).text() for i in range(nav.count())]


def sign_out(j) -> None:
    """Ctrl+L locks; the lock screen's "sign out" returns to the login window."""
    j.press("Ctrl+L")
    j.wait_idle()
    lock = j.main.lock_screen
    j.tab_to(lambda w: w is lock.switch_button)
    j.gui.logout()  # what Enter on «sign out» does (the harness cannot send a key release to a closed window)
    j.wait_until(lambda: j.gui.window is None and j.gui.login.isVisible(), what="the login window")
    j.wait_idle()
    j._activate(j.gui.login)
    j.tab_to(lambda w: w is j.gui.login.username)  # the next person types their own name


def choose_digits_in_settings(j) -> None:
    """The administrator: Ctrl+, → tick «Show Arabic-Indic digits» → Save."""
    j.login(ADMIN, ADMIN_PW)

    def tick_and_save(dialog):
        j.tab_to(lambda w: w is dialog.digits)
        j.space()
        assert dialog.digits.isChecked()
        j.tab_to(lambda w: w is dialog.buttons.buttons()[0] or w.objectName() == "saveButton"
                 or (hasattr(w, "text") and w.text().replace("&", "") in ("حفظ", "احفظ")))
        j.enter()

    with j.expect_dialog(tick_and_save):
        j.press("Ctrl+,")
    j.wait_idle()
    sign_out(j)


def register(j, person: dict) -> None:
    j.press("Ctrl+N")
    j.wait_idle()
    assert focused_name() == "field_national_number", focused_name()
    j.field(arabic_digits(person["national"]))  # typed in Arabic-Indic digits, as on the ID card
    for part in person["name"]:
        j.field(part)
    j.choose(person["sex"])
    j.enter()
    j.field(arabic_digits(person["born"]))
    for text in (person["latin"], person["mother"], person["place"]):
        j.field(text)
    j.choose("متزوج")
    j.enter()
    j.wait_idle()
    j.assert_layout_ok()
    assert focused_name() == "field_mobile", focused_name()
    j.field(arabic_digits(person["mobile"]))
    j.choose("براك")
    j.enter()
    j.field(person["address"])
    j.wait_idle()
    assert focused_name() == "field_category", focused_name()
    j.choose("المتقاعدين")
    j.enter()
    j.choose("في المكتب")
    j.enter()
    j.field(arabic_digits(person["pension"]))
    j.choose("الضمان الاجتماعي")
    j.enter()
    j.field(arabic_digits(person["retired"]))
    j.enter()  # no notes
    j.wait_idle()
    j.press("Alt+5")  # no dependants: the photo
    j.wait_idle()
    j.wait_for_text("✓ داخل الإطار", 30000)
    if not j.sees("إعادة التصوير"):  # not taken automatically yet: take it
        j.tab_to_text("التقاط الصورة")
        j.enter()
        j.wait_idle()
    j.tab_to_text("اعتماد الصورة")
    j.enter()
    j.wait_idle()
    j.press("Alt+6")
    j.wait_idle()
    j.assert_layout_ok()
    j.press("Ctrl+S")
    j.wait_idle()
    j.wait_for_text("تم حفظ التسجيل", 30000)
    j.assert_sees(" ".join(person["name"]), "المكتب: مكتب براك")
    j.assert_not_sees("المكتب: BRK")  # (BRK inside the card number is the number itself)
    j.assert_layout_ok()


def save_pdf_from_preview(j, key: str, documents: Path, arabic_indic: bool = True) -> Path:
    before = set(documents.glob("*.pdf"))
    with j.expect_window(lambda w: w.objectName() == "printPreview") as shown:
        j.press(key)
    preview = shown[0]
    assert preview.print_button.isVisible() and not preview.print_button.visibleRegion().isEmpty()
    j.wait_until(lambda: bool(preview.pages_label.text()), what="the page count")
    j.assert_sees(preview.pages_label.text(), root=preview)
    assert bool(re.search("[٠-٩]", preview.pages_label.text())) == arabic_indic, preview.pages_label.text()
    with j.expect_window(lambda w: w.objectName() == "savePdfDialog") as chooser:
        j.tab_to(lambda w: w.objectName() == "savePdfButton")
        j.enter()
    j.wait_idle()
    assert Path(chooser[0].directory().absolutePath()) == documents
    j.enter()
    j.wait_until(lambda: not preview.isVisible(), what="the PDF written")
    j.wait_idle()
    made = set(documents.glob("*.pdf")) - before
    assert len(made) == 1
    return made.pop()


def day_close_row(j, record_id: str, revision: int) -> int:
    screen = j.main.screens["dayclose"]
    j.wait_until(lambda: any(r.key == (record_id, revision) for r in screen.items), what="the registration listed")
    return next(i for i, r in enumerate(screen.items) if r.key == (record_id, revision))


def select_row(j, row: int) -> None:
    table = j.tab_to(lambda w: w.objectName() == "dayCloseTable" or type(w).__name__ == "QTableWidget")
    j.press("Ctrl+Home")  # moves to the first row without selecting it: Down, Up selects it
    if table.rowCount() > 1:
        j.press("Down")
        j.press("Up")
    for _ in range(row):
        j.press("Down")
    j.wait_idle()
    assert table.currentRow() == row and table.item(row, 0).isSelected()


def test_a_real_office_day(open_app, real_office, hq_server, documents, screen_size, tmp_path, capsys):
    j = open_app(real_office, camera=str(FACE))
    choose_digits_in_settings(j)

    # -- Ahmed registers two retirees; card and receipt from the saved screen ------------------
    j.login(CLERK, CLERK_PW)
    j.assert_sees("مكتب براك", CLERK_NAME)  # status bar: the office and the clerk by name
    j.assert_not_sees("BRK", CLERK)
    register(j, PEOPLE[0])
    store = j.gui.session.store
    first = stored(store, PEOPLE[0]["national"])
    j.assert_sees(arabic_digits("2"))  # 1 card, 2 pages: the page count, in the office's digits
    card = save_pdf_from_preview(j, "1", documents)
    assert card.read_bytes().startswith(b"%PDF")
    j.wait_until(lambda: focused_name() == "printReceiptButton", what="focus on «print the receipt»")
    receipt = pdftext(save_pdf_from_preview(j, "2", documents))
    assert squash(CLERK_NAME) in squash(receipt) and CLERK not in receipt  # a person, not a login
    assert squash("مكتب براك") in squash(receipt) and "BRK " not in receipt
    assert not UUID.search(receipt) and first.record_id not in receipt
    assert arabic_digits(PEOPLE[0]["national"]) in receipt and ARABIC_DATE.search(receipt)
    j.wait_until(lambda: focused_name() == "newRegistrationButton", what="focus on «new registration»")
    j.press("3")
    j.wait_idle()
    register(j, PEOPLE[1])
    second = stored(store, PEOPLE[1]["national"])
    sign_out(j)

    # -- Fatima's day close: approve the first, send the second back with a comment ----------
    j.login(SUPERVISOR, SUPERVISOR_PW)
    go_to_page(j, "إقفال اليوم")
    j.assert_sees(CLERK_NAME, arabic_digits(PEOPLE[0]["national"]))
    j.assert_not_sees(CLERK)
    select_row(j, day_close_row(j, first.record_id, 1))
    j.assert_sees(arabic_digits(PEOPLE[0]["born"]))  # the birth date as everywhere: ١٥/٠٣/١٩٤٨
    j.tab_to(lambda w: w is j.main.screens["dayclose"].view.approve_button)
    j.enter()
    j.wait_idle()
    select_row(j, day_close_row(j, second.record_id, 1))

    def write_comment(dialog):
        j.type(COMMENT)
        j.press("Ctrl+Return")

    with j.expect_window(lambda w: w.objectName() == "sendBackDialog"):
        j.tab_to(lambda w: w is j.main.screens["dayclose"].view.send_back_button)
        j.enter()
    write_comment(None)
    j.wait_idle()
    j.screenshot("day_close")
    sign_out(j)

    # -- Next morning: Ahmed sees the return at login, opens it, fixes it ---------------------
    j.login(CLERK, CLERK_PW)
    j.wait_for_text(COMMENT)
    j.assert_sees("أُرجعت إليّ (١)", SUPERVISOR_NAME, " ".join(PEOPLE[1]["name"]))
    j.assert_layout_ok()
    j.screenshot("sent_back")
    assert focused_name() == "returnedTable", focused_name()
    j.enter()
    j.wait_idle()
    j.wait_for_text(COMMENT)  # the form says why it came back
    j.press("Alt+3")
    j.wait_idle()
    j.tab_to(lambda w: w.objectName() == "field_category_fields.pension_number")
    j.select_all_and_type(arabic_digits(FIXED_PENSION))
    j.press("Ctrl+S")
    j.wait_idle()
    j.wait_until(lambda: j.main.screens["returned"].count == 0, what="nothing left sent back")
    j.assert_not_sees("أُرجعت إليّ (")
    j.assert_layout_ok()
    sign_out(j)

    # -- Fatima approves the correction and closes the day -----------------------------------
    j.login(SUPERVISOR, SUPERVISOR_PW)
    go_to_page(j, "إقفال اليوم")
    row = day_close_row(j, second.record_id, 2)
    select_row(j, row)
    j.assert_sees("صُحّح بعد ملاحظة", COMMENT)  # the details beside the table: corrected after the comment
    assert j.main.screens["dayclose"].view.table.item(row, 4).text() == "صُحّح، دون قرار"
    j.tab_to(lambda w: w is j.main.screens["dayclose"].view.approve_button)
    j.enter()
    j.wait_idle()
    report = documents / "day-close.pdf"

    def save_report(dialog):
        assert Path(dialog.directory().absolutePath()) == documents
        j.select_all_and_type(report.name)
        j.enter()

    with j.expect_dialog(save_report):
        j.tab_to(lambda w: w is j.main.screens["dayclose"].view.close_day_button)
        j.enter()
    j.wait_until(report.exists, what="the day-close report")
    text = pdftext(report)
    assert "BRK" not in text and CLERK not in text and SUPERVISOR not in text
    assert squash("مكتب براك") in squash(text) and squash(CLERK_NAME) in squash(text)
    assert ARABIC_DATE.search(text)
    sign_out(j)

    # -- The nightly sync; HQ holds the corrected revision ------------------------------------
    capsys.readouterr()
    assert cli("--data-dir", real_office, "sync") == 0
    out = tmp_path / "export.jsonl"
    assert cli("hq", "--hq-dir", hq_server.hq_dir, "export", "--format", "jsonl", "--out", out) == 0
    latest: dict[str, dict] = {}
    for line in out.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            if record["record_id"] not in latest or record["revision"] > latest[record["record_id"]]["revision"]:
                latest[record["record_id"]] = record
    assert set(latest) == {first.record_id, second.record_id}
    assert latest[second.record_id]["revision"] == 2
    assert FIXED_PENSION in json.dumps(latest[second.record_id], ensure_ascii=False)
