"""Run by test_xvfb_journey.py inside Xvfb with a window manager (QT_QPA_PLATFORM=xcb); not
collected on its own (no test_ prefix). The app sizes its own windows on the real 1024×768
screen; the window manager activates them; the print dialog and the file dialog are real
top-level windows placed by it."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from journey import arabic_digits


@pytest.fixture
def screen_size(qapp):
    geometry = QApplication.primaryScreen().availableGeometry()
    return geometry.width(), geometry.height()


def test_clerk_on_a_real_1024_screen(demo_app, demo_office, documents, screen_size):
    assert QApplication.platformName() == "xcb"
    assert screen_size == (1024, 768)
    j = demo_app
    j.assert_sees("demo / demo-1234")
    j.login("demo", "demo-1234")
    main = j.main
    # The default window fits the screen it opens on, frame included, without our help.
    frame = main.frameGeometry()
    screen = main.screen().availableGeometry()
    assert screen.contains(frame) or main.isMaximized(), (frame, screen)
    j.assert_layout_ok()

    # Find a person by the national number typed in Arabic-Indic digits, open the record.
    store = j.gui.session.store
    person = store.beneficiaries.search("محمد", 1)[0]
    record = store.beneficiaries.get(getattr(person, "record_id", None) or person["record_id"])
    j.press("Ctrl+F")
    j.wait_idle()
    j.select_all_and_type(arabic_digits(record.national_number))
    search = main.screens["search"]
    j.wait_until(lambda: search.shown_generation == search.generation and not search.debounce.isActive()
                 and search.view.model.rowCount() >= 1, what="the search answer")
    j.enter()
    if j.focus() is not None and j.focus().objectName() == "searchResults":
        j.enter()
    j.wait_until(lambda: main.current_screen() is main.screens["record"], what="the record")
    j.wait_idle()
    j.assert_sees(record.name.full())
    j.assert_layout_ok()

    # Print the receipt to PDF: preview and file dialog are real windows under the WM.
    with j.expect_window(lambda w: w.objectName() == "printPreview") as preview:
        j.tab_to(lambda w: w.objectName() == "printReceiptButton")
        j.enter()
    dialog = preview[0]
    assert screen.contains(dialog.frameGeometry()), (dialog.frameGeometry(), screen)
    j.assert_buttons_fit(dialog)
    with j.expect_window(lambda w: w.objectName() == "savePdfDialog") as chooser:
        j.tab_to(lambda w: w.objectName() == "savePdfButton")
        j.enter()
    j.wait_idle()
    j.enter()  # the offered name, in Documents
    j.wait_until(lambda: not chooser[0].isVisible() and not dialog.isVisible(), what="the PDF written")
    pdfs = list(documents.glob("*.pdf"))
    assert len(pdfs) == 1 and pdfs[0].read_bytes().startswith(b"%PDF")
    j.wait_idle()
    j.assert_layout_ok()
