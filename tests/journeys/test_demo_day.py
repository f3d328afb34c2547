"""A clerk's day in demo mode, keyboard only (issue #10): log in, register a retiree with a
five-word name, a wife and three children, a photo from the demo's own camera, save, print card
and receipt to PDF from the saved screen, find the person by name, by national number typed in
Arabic-Indic digits and by card number, send now, and see the result."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from pathlib import Path

from fundclient.hq.export import iter_records
from journey import arabic_digits

NATIONAL_NUMBER = "119550412345"
NAME = ("عبد السلام", "محمد", "علي", "الفيتوري")  # five words
WIFE = ("خديجة", "سالم", "محمد", "التباوي", "219600512340", "05/05/1960")
CHILDREN = [("عمر", "ابن", "12/01/1985"), ("فاطمة", "ابنة", "03/09/1988"), ("سالم", "ابن", "20/06/1992")]


def focused_name() -> str:
    widget = QApplication.focusWidget()
    return widget.objectName() if widget is not None else ""


def assert_focus(j, name: str) -> None:
    assert focused_name() == name, f"focus is on {focused_name()!r}, expected {name!r}; screen: {j.texts()[:30]}"


def saved_record(j):
    """The record as stored (read through the running session's store)."""
    store = j.gui.session.store
    hits = store.beneficiaries.search(NATIONAL_NUMBER, 5)
    record_id = getattr(hits[0], "record_id", None) or hits[0]["record_id"]
    return store.beneficiaries.get(record_id)


def print_to_pdf(j, key: str, documents: Path) -> Path:
    """On the saved screen: the key opens the large preview with Print in view; Save as PDF
    starts in Documents; Enter accepts the offered name."""
    before = set(documents.glob("*.pdf"))
    with j.expect_window(lambda w: w.objectName() == "printPreview") as preview:
        j.press(key)
    dialog = preview[0]
    width, height = j.size  # large, and on the screen
    assert dialog.width() <= width and 0.7 * height <= dialog.height() <= height, dialog.size()
    assert dialog.print_button.isVisible() and not dialog.print_button.visibleRegion().isEmpty()
    j.assert_sees(dialog.print_button.text(), root=dialog)
    j.wait_until(lambda: bool(dialog.pages_label.text()), what="the page count")
    j.assert_sees(dialog.pages_label.text(), root=dialog)  # how many pages will print
    j.assert_buttons_fit(dialog)
    j.screenshot("print_preview_" + ("card" if key == "1" else "receipt"), widget=dialog)
    with j.expect_window(lambda w: w.objectName() == "savePdfDialog") as file_dialog:
        j.tab_to(lambda w: w.objectName() == "savePdfButton")
        j.enter()
    j.wait_idle()
    chooser = file_dialog[0]
    assert Path(chooser.directory().absolutePath()) == documents, chooser.directory().absolutePath()
    j.enter()  # the offered name, in Documents
    j.wait_until(lambda: not chooser.isVisible() and not dialog.isVisible(), what="the PDF written")
    j.wait_idle()
    made = set(documents.glob("*.pdf")) - before
    assert len(made) == 1, sorted(p.name for p in documents.iterdir())
    pdf = made.pop()
    assert pdf.read_bytes().startswith(b"%PDF")
    return pdf


def test_demo_clerk_registers_prints_finds_and_sends(demo_app, demo_office, screen_size, documents):
    j = demo_app
    j.hq = demo_office.hq
    j.assert_sees("demo / demo-1234")
    j.assert_layout_ok()
    j.screenshot("login")
    j.login("demo", "demo-1234")
    j.assert_layout_ok()

    # -- step 1: identity ------------------------------------------------------------------
    j.press("Ctrl+N")
    j.wait_idle()
    assert_focus(j, "field_national_number")
    j.field(arabic_digits(NATIONAL_NUMBER))
    for part in NAME:
        j.assert_layout_ok()
        j.field(part)
    j.choose("ذكر")
    j.enter()
    j.field(arabic_digits("12/04/1955"))
    j.field("Abdulsalam Mohamed Ali Alfitouri")
    j.field("مبروكة أحمد")
    j.field("سبها")
    j.choose("متزوج")
    j.assert_layout_ok()
    j.screenshot("registration_1_identity")
    j.enter()  # last field of the step: on to the address
    j.wait_idle()
    j.assert_layout_ok()
    j.screenshot("registration_2_address")

    # -- step 2: address -------------------------------------------------------------------
    assert_focus(j, "field_mobile")
    j.field(arabic_digits("0912345678"))
    j.choose("سبها")
    j.enter()
    j.field("حي الجديد، قرب مسجد النور")
    j.wait_idle()
    j.assert_layout_ok()
    j.screenshot("registration_3_category")
    # -- step 3: category (retiree) --------------------------------------------------------
    assert_focus(j, "field_category")
    j.choose("المتقاعدين")
    j.enter()
    j.choose("في المكتب")
    j.enter()
    j.field(arabic_digits("4471902"))
    j.choose("الضمان الاجتماعي")
    j.enter()
    j.field(arabic_digits("01/07/2015"))
    j.assert_layout_ok()
    j.screenshot("registration_3_category")
    j.enter()  # notes stay empty
    j.wait_idle()

    # -- step 4: a wife and three children -------------------------------------------------
    j.assert_layout_ok()
    for number, (first, relation, born) in enumerate([(WIFE[0], "زوج", WIFE[5]), *CHILDREN]):
        if number == 0:
            assert_focus(j, "addDependant")
            j.enter()
        else:
            j.press("Alt+A")
        j.wait_idle()
        assert focused_name() == "field_dependants.%d.relation" % number, focused_name()
        j.assert_layout_ok()  # the new block is scrolled into view
        j.choose(relation)
        j.enter()
        names = WIFE[:4] if number == 0 else (first, NAME[0], NAME[1], NAME[3])
        for part in names:
            j.field(part)
        j.choose("أنثى" if relation in ("زوج", "ابنة") else "ذكر")
        j.enter()
        j.field(arabic_digits(born))
        j.assert_layout_ok()
        if number == 0:
            j.select_all_and_type(arabic_digits(WIFE[4]))
        j.wait_idle()
        j.assert_layout_ok()
        if number == 3:
            j.screenshot("registration_4_dependants")
    j.enter()  # the last field of the last block: on to the photo
    j.wait_idle()
    j.assert_layout_ok()
    j.wait_for_text("✓ داخل الإطار")  # the demo camera's own sample passes the checks
    j.assert_sees("✓ المسافة", "✓ وجه واحد")
    j.screenshot("registration_5_photo")
    # The camera takes the picture itself once the face holds still («إعادة التصوير» then
    # offers a retake); a person may also press «التقاط الصورة» first.
    if not j.sees("إعادة التصوير"):
        j.tab_to_text("التقاط الصورة")
        j.enter()
        j.wait_idle()
    j.wait_for_text("إعادة التصوير")
    j.tab_to_text("اعتماد الصورة")
    j.enter()
    j.wait_idle()
    j.assert_not_sees("لا توجد صورة بعد")
    j.assert_layout_ok()
    j.press("Alt+6")
    j.wait_idle()
    j.assert_layout_ok()
    j.screenshot("registration_6_review")
    j.press("Ctrl+S")
    j.wait_idle()
    j.assert_sees("تم حفظ التسجيل", " ".join(NAME))
    j.assert_layout_ok()
    j.screenshot("saved")
    record = saved_record(j)
    assert len(record.dependants) == 4 and record.card_number

    # -- print the card and the receipt to PDF, one key each from the saved screen ----------
    card_pdf = print_to_pdf(j, "1", documents)
    receipt_pdf = print_to_pdf(j, "2", documents)
    assert card_pdf != receipt_pdf
    j.assert_layout_ok()

    # -- find the person: by name (without «ال»), national number in ١٢٣ digits, card number
    for query in ("عبد السلام فيتوري", arabic_digits(NATIONAL_NUMBER), record.card_number):
        find(j, query)
        j.assert_sees(" ".join(NAME))
        if query == record.card_number:
            j.screenshot("search")
        j.enter()  # one result: Enter opens the record (several: Enter goes to the list)
        if j.focus() is not None and j.focus().objectName() == "searchResults":
            j.enter()
        j.wait_idle()
        j.wait_for_text(record.card_number)
        j.assert_sees(" ".join(NAME), arabic_digits(NATIONAL_NUMBER)) if j.sees(arabic_digits(NATIONAL_NUMBER)) else j.assert_sees(" ".join(NAME), NATIONAL_NUMBER)
        j.assert_layout_ok()
    j.screenshot("record")

    # -- send now, and see the result ------------------------------------------------------
    j.press("Ctrl+E")
    j.wait_idle()
    j.assert_sees("إرسال الآن")
    assert j.focus().objectName() == "syncNowButton"
    j.enter()
    j.wait_for_text("أُرسلت", 60000)  # the result of this sending, in the history
    j.wait_idle()
    j.wait_until(lambda: j.sees("قيد الإرسال: 0") or j.sees("قيد الإرسال: ٠"), what="nothing left to send")
    j.assert_sees("متصل بالإدارة العامة", "آخر إرسال ناجح")
    j.assert_layout_ok()
    j.screenshot("sync")
    held = {(r["record_id"], r["revision"]) for r in iter_records(j.hq.ingestor.engine)}
    assert (record.record_id, 1) in held


def find(j, query: str) -> None:
    j.press("Ctrl+F")
    j.wait_idle()
    assert j.focus().objectName() == "searchBox", j.focus().objectName()
    j.select_all_and_type(query)
    j.wait_until(lambda: j.main.screens["search"].shown_generation == j.main.screens["search"].generation
                 and not j.main.screens["search"].debounce.isActive(), what="the search answer")
    j.wait_idle()
