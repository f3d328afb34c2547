"""After a save: the saved screen (one key each for card, receipt, next person), the card
choice with its page count, the large preview with Print in view, PDFs in Documents."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit

from fundclient.domain.synthetic import generate
from fundclient.ui.ops import wait_for_writes

pytestmark = pytest.mark.qt


@pytest.fixture
def documents(tmp_path, monkeypatch) -> Path:
    """platformdirs' Documents folder follows XDG_DOCUMENTS_DIR on Linux."""
    folder = tmp_path / "Documents"
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(folder))
    return folder


def _family(window, dependants: int = 3):
    from fundclient.services.registration import register

    record = next(r for r in generate(60, seed=31) if len(r.dependants) >= dependants)
    record.card_number = ""
    record.created_by = ""  # registered by the clerk who is logged in
    return register(window.session, record).result


def _inside(widget, window) -> bool:
    top_left = widget.mapTo(window, widget.rect().topLeft())
    bottom_right = widget.mapTo(window, widget.rect().bottomRight())
    return (widget.isVisible() and window.rect().contains(top_left) and window.rect().contains(bottom_right))


def _saved_screen(qtbot, window, record):
    screen = window.show_screen("saved", record.record_id)
    qtbot.waitUntil(lambda: screen.data is not None, timeout=20000)
    return screen


@pytest.mark.parametrize("size", [(1366, 768), (1024, 768)])
def test_saving_opens_the_saved_screen_and_key_1_previews_the_holders_card(qtbot, main_window, documents, size):
    from registration_helpers import fill_valid

    main_window.resize(*size)
    main_window.new_registration()
    form = main_window.screens["registration"]
    fill_valid(form)
    with qtbot.waitSignal(form.saved, timeout=20000) as blocker:
        form.save()
    wait_for_writes()
    record = blocker.args[0]
    screen = main_window.screens["saved"]
    qtbot.waitUntil(lambda: main_window.current_screen() is screen and screen.data is not None, timeout=20000)
    assert QApplication.focusWidget() is screen.card_button
    for button in (screen.card_button, screen.receipt_button, screen.new_button):
        assert _inside(button, main_window), button.objectName()
    assert "محمد علي عبد الله الورفلي" in screen.person.text()
    office_line = screen.person.text().splitlines()[-1]
    assert "SBH" not in office_line and "المكتب الرئيسي سبها" in office_line
    assert screen.chooser.chosen() == [""]  # the holder only
    assert "٢" in screen.chooser.pages.text() or "2" in screen.chooser.pages.text()

    qtbot.keyClick(screen, Qt.Key.Key_1)  # one key: the card's preview
    qtbot.waitUntil(lambda: screen.preview is not None and screen.preview.isVisible(), timeout=20000)
    preview = screen.preview
    qtbot.waitUntil(lambda: preview.preview.pageCount() == 2, timeout=20000)
    assert preview.width() > 0.8 * preview.screen().availableGeometry().width()
    assert _inside(preview.print_button, preview) and preview.print_button.text()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is preview.print_button, timeout=5000)
    assert record.card_number
    preview.reject()


def test_family_cards_are_chosen_with_their_page_count_and_saved_to_documents(qtbot, main_window, documents):
    record = _family(main_window)
    screen = _saved_screen(qtbot, main_window, record)
    boxes = screen.chooser.boxes
    assert len(boxes) == 1 + len(record.dependants)
    assert [b.isChecked() for b in boxes] == [True] + [False] * len(record.dependants)
    boxes[1].setFocus()
    qtbot.keyClick(boxes[1], Qt.Key.Key_Space)  # the wife's card too
    assert screen.chooser.pages.text() == screen.chooser.tr(
        "%1 card(s), %2 pages (front and back of each card)").replace("%1", "2").replace("%2", "4") or \
        "4" in screen.chooser.pages.text() or "٤" in screen.chooser.pages.text()
    qtbot.keyClick(boxes[1], Qt.Key.Key_1)
    qtbot.waitUntil(lambda: screen.preview is not None and screen.preview.isVisible(), timeout=20000)
    preview = screen.preview
    qtbot.waitUntil(lambda: preview.preview.pageCount() == 4, timeout=20000)
    assert ("4" in preview.pages_label.text() or "٤" in preview.pages_label.text())

    # Print: the system dialog's "print to file" starts in Documents, not in the working directory.
    preview.print_now()
    dialog = preview.print_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=10000)
    paths = [e.text() for e in dialog.findChildren(QLineEdit) if e.text().endswith(".pdf")]
    assert paths and paths[0].startswith(str(documents)), paths
    with qtbot.waitSignal(preview.printed, timeout=20000):
        qtbot.keyClick(dialog, Qt.Key.Key_Return)
    pdf = Path(paths[0])
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    wait_for_writes()
    printed = [e for e in main_window.session.store.audit.entries() if e.action == "print"]
    assert printed and printed[-1].record_id == record.record_id
    assert "٢" in screen.message.text() or "2" in screen.message.text()  # next: the receipt
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.receipt_button, timeout=5000)  # once the preview closed


def test_receipt_with_key_2_saves_a_pdf_with_full_names_and_key_3_starts_the_next(qtbot, main_window, documents):
    record = _family(main_window, 1)
    screen = _saved_screen(qtbot, main_window, record)
    qtbot.keyClick(screen.card_button, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: screen.preview is not None and screen.preview.isVisible(), timeout=20000)
    preview = screen.preview
    assert preview.document.kind == "receipt"
    preview.save_pdf()
    dialog = preview.file_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=10000)
    assert dialog.directory().absolutePath() == str(documents)
    target = documents / "receipt.pdf"
    dialog.selectFile(str(target))
    dialog.accept()
    qtbot.waitUntil(target.exists, timeout=20000)
    from fundclient.ui.printing import build_receipt

    rows = dict(build_receipt(main_window.session, record).rows())
    assert "أحمد الورفلي" in rows.values()  # the clerk's full name, not the login "ahmed"
    assert not any(record.record_id in v for v in rows.values())  # no UUID on paper
    qtbot.keyClick(screen.receipt_button, Qt.Key.Key_3)
    assert main_window.current_screen() is main_window.screens["registration"]
