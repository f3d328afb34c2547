"""Journey: a home visit with no network and no printer, then back at the office: sync, print
(issue #10), keyboard only, at 1366×768 and 1024×768.

The field laptop is an enrolled office PC (`real_office`). On the visit HQ cannot be reached
(the server is down) and no printer is installed: the clerk switches to home-visit mode,
registers an elderly retiree at home with the village, saves; the saved screen still offers
the card, and the print dialog offers only a PDF — the card waits. Back at the office HQ is
reachable again: "Send now" sends the visit, HQ holds it as a home visit, and the card is
printed from the record view (Save as PDF in Documents, a real printer being absent here).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from PySide6.QtWidgets import QApplication

from conftest import CLERK, CLERK_PW, FACE
from journey import arabic_digits
from test_office_day import focused_name, pdftext, save_pdf_from_preview, sign_out, squash, stored

PERSON = {"national": "219400612345", "name": ("مبروكة", "سالم", "علي", "الحضيري"), "born": "12/06/1940",
          "mother": "عائشة محمد", "place": "براك", "mobile": "0914567890", "locality": "قرية الزيغن",
          "address": "بيت العائلة قرب البئر", "pension": "3309121", "retired": "01/01/2000"}


def register_at_home(j) -> None:
    j.press("Ctrl+N")
    j.wait_idle()
    toggle = j.tab_to(lambda w: w.objectName() == "homeVisitToggle")
    j.space()  # زيارة منزلية
    assert toggle.isChecked()
    j.wait_idle()
    j.assert_sees("زيارة منزلية")
    j.tab_to(lambda w: w.objectName() == "field_national_number")
    j.field(arabic_digits(PERSON["national"]))
    for part in PERSON["name"]:
        j.field(part)
    j.choose("أنثى")
    j.enter()
    j.field(arabic_digits(PERSON["born"]))
    j.field("")  # no Latin name
    for text in (PERSON["mother"], PERSON["place"]):
        j.field(text)
    j.choose("أرمل")
    j.enter()
    j.wait_idle()
    assert focused_name() == "field_mobile", focused_name()
    j.field(arabic_digits(PERSON["mobile"]))
    j.choose("براك")
    j.enter()
    assert focused_name() == "field_locality", focused_name()  # the village: home visits only
    j.field(PERSON["locality"])
    j.field(PERSON["address"])
    j.wait_idle()
    assert focused_name() == "field_category", focused_name()
    j.choose("المتقاعدين")
    j.enter()
    j.choose("زيارة منزلية")
    j.enter()
    j.field(arabic_digits(PERSON["pension"]))
    j.choose("الضمان الاجتماعي")
    j.enter()
    j.field(arabic_digits(PERSON["retired"]))
    j.enter()
    j.wait_idle()
    j.press("Alt+5")
    j.wait_idle()
    j.wait_for_text("✓ داخل الإطار", 30000)
    if not j.sees("إعادة التصوير"):
        j.tab_to_text("التقاط الصورة")
        j.enter()
        j.wait_idle()
    j.tab_to_text("اعتماد الصورة")
    j.enter()
    j.wait_idle()
    j.press("Alt+6")
    j.wait_idle()
    j.press("Ctrl+S")
    j.wait_idle()
    j.wait_for_text("تم حفظ التسجيل", 30000)
    j.assert_layout_ok()


def test_home_visit_offline_then_sync_and_print_at_the_office(open_app, real_office, hq_server, documents,
                                                              screen_size):
    from fundclient.hq.export import iter_records
    from fundclient.hq.server import start_in_thread

    port = urlsplit(hq_server.url).port
    hq_server.stop()  # the village has no network
    j = open_app(real_office, camera=str(FACE))
    j.login(CLERK, CLERK_PW)
    register_at_home(j)
    j.assert_sees(" ".join(PERSON["name"]))
    record = stored(j.gui.session.store, PERSON["national"])
    assert record.channel.value == "home_visit" and record.locality == PERSON["locality"]

    # No printer: the print dialog offers only a file; the clerk closes it, the card waits.
    with j.expect_window(lambda w: w.objectName() == "printPreview") as shown:
        j.press("1")
    preview = shown[0]
    with j.expect_window(lambda w: w.objectName() == "printDialog") as dialog:
        assert focused_name() == "printButton", focused_name()
        j.enter()
    j.wait_idle()
    j.escape()  # the print dialog
    j.wait_until(lambda: not dialog[0].isVisible(), what="the print dialog closed")
    j.escape()  # the preview
    j.wait_until(lambda: not preview.isVisible(), what="the preview closed")
    assert not list(documents.glob("*.pdf"))
    # Nothing reached HQ: it is waiting to be sent.
    j.press("Ctrl+E")
    j.wait_idle()
    j.assert_not_sees("قيد الإرسال: ٠", "قيد الإرسال: 0")
    sign_out(j)

    # -- back at the office: HQ is reachable, send now, then print the card ---------------
    office_hq = start_in_thread(hq_server.hq_dir, None, port=port)
    try:
        j.login(CLERK, CLERK_PW)
        assert not j.main.screens["registration"].is_home_visit()  # home-visit mode ends with the visit
        j.press("Ctrl+E")
        j.wait_idle()
        assert focused_name() == "syncNowButton", focused_name()
        j.enter()
        j.wait_for_text("أُرسلت", 60000)
        j.wait_idle()
        j.wait_until(lambda: j.sees("قيد الإرسال: ٠") or j.sees("قيد الإرسال: 0"), what="nothing left to send")
        held = [r for r in iter_records(office_hq.ingestor.engine) if r["record_id"] == record.record_id]
        assert held and "home_visit" in str(held[-1])

        j.press("Ctrl+F")
        j.wait_idle()
        j.select_all_and_type(arabic_digits(PERSON["national"]))
        search = j.main.screens["search"]
        j.wait_until(lambda: search.shown_generation == search.generation and not search.debounce.isActive(),
                     what="the search answer")
        j.wait_idle()
        j.enter()
        if j.focus() is not None and j.focus().objectName() == "searchResults":
            j.enter()
        j.wait_idle()
        j.wait_for_text(record.card_number)
        j.tab_to(lambda w: w.objectName() == "printCardButton")
        card = save_pdf_from_preview(j, "Return", documents, arabic_indic=False)
        text = pdftext(card)
        assert squash(" ".join(PERSON["name"])) in squash(text)
        assert squash("مكتب براك") in squash(text)
        j.assert_layout_ok()
        audit = [e for e in j.gui.session.store.audit.entries() if e.action == "print"]
        assert audit and audit[-1].record_id == record.record_id
        assert Path(card).parent == documents
        assert QApplication.activeModalWidget() is None
    finally:
        office_hq.stop()
