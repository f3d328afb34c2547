"""One birth date reads the same on every screen, in the digits chosen in the settings."""

from __future__ import annotations

from fundclient.domain.digits import to_arabic_indic
import pytest
from PySide6.QtWidgets import QLabel

from conftest import SUPERVISOR, SUPERVISOR_PW, login_session
from fundclient.domain.synthetic import generate
from fundclient.ui import i18n
from fundclient.ui.ops import wait_for_writes

pytestmark = pytest.mark.qt


@pytest.fixture
def arabic_indic(gui_app):
    i18n.set_language("ar", arabic_indic_digits=True)
    yield
    i18n.set_language("ar", arabic_indic_digits=False)


def test_birth_date_is_one_form_on_record_view_review_and_day_close(qtbot, office, arabic_indic):
    from fundclient.services.registration import register
    from fundclient.ui.main_window import MainWindow

    session = login_session(office, SUPERVISOR, SUPERVISOR_PW)
    try:
        record = generate(1, seed=77)[0]
        record.card_number, record.created_by = "", ""
        record = register(session, record).result
        born = record.date_of_birth
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.resize(1366, 768)
        window.show()
        shown = to_arabic_indic(born.strftime("%d/%m/%Y"))  # e.g. ١٢/٠٤/١٩٥٥

        view = window.show_screen("record", record.record_id)
        qtbot.waitUntil(lambda: view.data is not None, timeout=20000)
        assert view.view.identity_values["date_of_birth"].text() == shown

        day_close = window.show_screen("dayclose")
        qtbot.waitUntil(lambda: any(r.key[0] == record.record_id for r in day_close.items), timeout=20000)
        row = next(i for i, r in enumerate(day_close.items) if r.key[0] == record.record_id)

        def details_show_it() -> bool:
            day_close.view.table.setCurrentCell(row, 0)  # the selected row's details show beside the table
            return shown in [w.text() for w in day_close.view.detail_box.findChildren(QLabel)]

        qtbot.waitUntil(details_show_it, timeout=20000)

        form = window.screens["registration"]
        window.edit_record(record.record_id)
        qtbot.waitUntil(lambda: form.base is not None, timeout=20000)
        form.go_to_step("review")
        assert shown in form.review.summary.text()
        for text in (born.isoformat(), born.strftime("%d/%m/%Y")):
            assert text not in form.review.summary.text()
    finally:
        wait_for_writes()
        session.store.close()


def test_a_core_message_uses_the_chosen_digits(arabic_indic):
    from fundclient.domain.validation import validate_field
    from fundclient.ui.i18n import current_language

    message = validate_field("national_number", "123", None)
    assert message is not None
    text = message.in_language(current_language())
    assert any(ch in text for ch in "٠١٢٣٤٥٦٧٨٩") and not any(ch in text for ch in "0123456789")
