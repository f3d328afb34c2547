"""Journey: a real office's day, keyboard only, at 1366×768 and 1024×768 (issue #10).

IT sets the Brak office up (`fundclient setup`) and enrols it with a real HQ server running as a
separate process on 127.0.0.1 (`fundclient hq serve`). Huda, the clerk, signs in, registers two
retirees by keyboard, prints the card and the receipt from the saved screen (to PDF: this PC
has no printer). Fatima, the supervisor, approves one at day close and sends the other back with
a comment. Next morning Huda sees the return and why as soon as she signs in, opens it, fixes
it and saves; Fatima approves the correction and closes the day (report PDF). The office
syncs (`fundclient sync`) and `fundclient hq export` holds the corrected revision.

Asserted as the people see it: digits in the form the office chose (Arabic-Indic), dates as
dd/mm/yyyy, the office by name («مكتب براك», never BRK), people by full name, no UUID on paper.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QLineEdit, QPlainTextEdit

pytestmark = pytest.mark.qt

ROOT = Path(__file__).resolve().parents[2]
ASTRONAUT = ROOT / "tests" / "data" / "astronaut.jpg"
ADMIN, ADMIN_PW = "ali", "Brak-admin-2026"
CLERK, CLERK_PW, CLERK_NAME = "huda", "Huda-clerk-1", "هدى سالم الحضيري"
SUPER, SUPER_PW, SUPER_NAME = "fatima", "Fatima-super-2", "فاطمة محمد السنوسي"
COMMENT = "رقم المعاش ناقص: انقله كاملًا من إفادة المعاش"
ARABIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")

PEOPLE = [
    {"national": "١١٩٤٨٠١٢٣٤٥٦", "name": ("محمد", "علي", "عبد الله", "الورفلي"), "born": "١٥/٣/١٩٤٨",
     "latin": "Mohamed Ali", "mother": "فاطمة سالم", "place": "براك", "mobile": "0912345678",
     "address": "حي الجديد قرب المسجد", "pension": "4471902", "retired": "1/7/2008"},
    {"national": "119520765432", "name": ("سالم", "أحمد", "محمد", "القذافي"), "born": "2/2/1952",
     "latin": "Salem Ahmed", "mother": "مبروكة علي", "place": "سبها", "mobile": "0923456789",
     "address": "حي المنشية", "pension": "5512", "retired": "1/1/2012"},
]


# -- the command line, as IT uses it -------------------------------------------------------------
def cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), QT_QPA_PLATFORM="offscreen")
    env = {k: v for k, v in env.items() if "proxy" not in k.lower()}
    done = subprocess.run([sys.executable, "-m", "fundclient", *args], capture_output=True, text=True,
                          env=env, timeout=180)
    if check and done.returncode != 0:
        raise AssertionError(f"fundclient {' '.join(args)} -> {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def hq(tmp_path):
    """`fundclient hq init` + `hq serve` in its own process on 127.0.0.1."""
    hq_dir = tmp_path / "hq"
    cli("--data-dir", str(tmp_path / "unused"), "hq", "--hq-dir", str(hq_dir), "init")
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    server = subprocess.Popen([sys.executable, "-m", "fundclient", "hq", "--hq-dir", str(hq_dir), "serve",
                               "--host", "127.0.0.1", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise AssertionError("HQ server did not start")
            time.sleep(0.2)
    yield hq_dir, f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(timeout=20)


@pytest.fixture
def office(tmp_path, hq):
    """`fundclient setup` and `fundclient enroll` against the local HQ; the employees; the
    office's choice of Arabic-Indic digits."""
    hq_dir, url = hq
    data_dir = tmp_path / "brak"
    secret = tmp_path / "admin-password"
    secret.write_text(ADMIN_PW, encoding="utf-8")
    done = cli("--data-dir", str(data_dir), "setup", "--office", "BRK", "--admin", ADMIN,
               "--full-name", "علي المبروك", "--device-number", "901", "--password-file", str(secret))
    assert done.stdout.strip()  # the recovery key, printed once
    token = cli("--data-dir", str(data_dir), "hq", "--hq-dir", str(hq_dir), "enroll-token",
                "--office", "BRK").stdout.strip().splitlines()[-1]
    cli("--data-dir", str(data_dir), "enroll", "--server", url, "--token", token)
    # The administrator adds Huda and Fatima (the Employees dialog's own calls) and ticks
    # "Show Arabic-Indic digits" in the settings.
    from fundclient.config import Settings
    from fundclient.storage.store import open_store

    store, _ = open_store(data_dir, ADMIN, ADMIN_PW)
    try:
        store.operators.add(CLERK, CLERK_PW, "clerk", full_name=CLERK_NAME, by=ADMIN)
        store.operators.add(SUPER, SUPER_PW, "supervisor", full_name=SUPER_NAME, by=ADMIN)
    finally:
        store.close()
    settings = Settings.load(data_dir)
    settings.arabic_indic_digits = True
    settings.save(data_dir)
    return data_dir


@pytest.fixture
def documents(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "Documents"
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(folder))
    return folder


# -- keyboard --------------------------------------------------------------------------------------
def focused():
    return QApplication.focusWidget()


def type_text(text: str, widget=None) -> None:
    """Key presses carrying each character, as an Arabic keyboard layout sends them."""
    target = widget or focused()
    assert target is not None, "nothing has the keyboard focus"
    for ch in text:
        key = Qt.Key.Key_unknown if not ch.isascii() else QKeySequence(ch)[0].key()
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch))


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier, widget=None) -> None:
    target = widget or focused()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClick(target, key, modifier)


def type_enter(qtbot, text: str) -> None:
    if text:
        type_text(text)
    press(qtbot, Qt.Key.Key_Return)


def choose_enter(qtbot, downs: int) -> None:
    for _ in range(downs):
        press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)


FAILURES: list[BaseException] = []


def check_modal_answers() -> None:
    if FAILURES:
        raise FAILURES.pop(0)


def when_modal(qtbot, kind, act) -> None:
    """Answer the next modal dialog of type `kind` by keyboard (`act(dialog)`), as it opens."""
    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, kind) and dialog.isVisible():
            try:
                act(dialog)
            except BaseException as exc:  # noqa: BLE001 - report it in the test, not in Qt's loop
                FAILURES.append(exc)
                dialog.reject()
        else:
            QTimer.singleShot(50, poll)

    QTimer.singleShot(50, poll)


def visible_inside(widget, window) -> bool:
    top_left = widget.mapTo(window, widget.rect().topLeft())
    bottom_right = widget.mapTo(window, widget.rect().bottomRight())
    return widget.isVisible() and window.rect().contains(top_left) and window.rect().contains(bottom_right)


def pdftext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def squash(text: str) -> str:
    """pdftotext gives Arabic back in presentation forms: compare letters only."""
    import unicodedata

    text = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in text if ch.isalnum()).replace("لا", "")


# -- the people's steps ------------------------------------------------------------------------------
def sign_in(qtbot, gui, username: str, password: str, size):
    login = gui.login
    qtbot.waitUntil(login.isVisible, timeout=10000)
    qtbot.waitExposed(login)
    login.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is login, timeout=10000)
    login.username.setFocus()
    login.username.clear()
    type_enter(qtbot, username)
    type_enter(qtbot, password)
    qtbot.waitUntil(lambda: gui.window is not None and gui.window.isVisible(), timeout=30000)
    window = gui.window
    window.resize(*size)
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=10000)
    return window


def sign_out(qtbot, gui) -> None:
    gui.window._actions["logout"].trigger()  # System ▸ Sign out
    qtbot.waitUntil(lambda: gui.window is None and gui.login.isVisible(), timeout=30000)


def register_by_keyboard(qtbot, window, person: dict):
    press(qtbot, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier, window)  # Ctrl+N
    form = window.screens["registration"]
    qtbot.waitUntil(lambda: window.current_screen() is form, timeout=5000)
    try:
        qtbot.waitUntil(lambda: focused() is form.rows["national_number"].editor, timeout=5000)
    except Exception:
        print("DEBUG3", focused(), QApplication.activeWindow(), QApplication.activeModalWidget(), form.current_step())
        raise

    type_enter(qtbot, person["national"])
    for part in person["name"]:
        type_enter(qtbot, part)
    type_enter(qtbot, "")  # sex: filled from the national number
    for text in (person["born"], person["latin"], person["mother"], person["place"]):
        type_enter(qtbot, text)
    choose_enter(qtbot, 2)  # marital status: married -> the address step
    assert form.current_step() == 1
    type_enter(qtbot, person["mobile"])
    choose_enter(qtbot, 1)  # municipality
    type_enter(qtbot, person["address"])
    assert form.current_step() == 2
    type_enter(qtbot, "")  # category: retirees
    type_enter(qtbot, "")  # channel: at the office
    type_enter(qtbot, person["pension"])
    choose_enter(qtbot, 1)  # pensions authority
    type_enter(qtbot, person["retired"])
    type_enter(qtbot, "")  # notes -> dependants
    assert form.current_step() == 3
    press(qtbot, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)  # no dependants: next step
    assert form.current_step() == 4
    form.photo.import_photo_file(ASTRONAUT)  # the printed passport photo the person brought
    qtbot.waitUntil(lambda: form.photo.photo() is not None, timeout=20000)
    press(qtbot, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert form.current_step() == 5
    with qtbot.waitSignal(form.saved, timeout=30000) as saved:
        press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # Ctrl+S
    return saved.args[0]


def print_from_saved_screen(qtbot, window, documents: Path, key, expected_pdf: str) -> Path:
    """One key on the saved screen opens the preview; Save as PDF (no printer here)."""
    saved = window.screens["saved"]
    press(qtbot, key)
    qtbot.waitUntil(lambda: saved.preview is not None and saved.preview.isVisible(), timeout=30000)
    preview = saved.preview
    assert visible_inside(preview.print_button, preview)  # «اطبع» in view, not in an overflow
    qtbot.waitUntil(lambda: focused() is preview.print_button, timeout=5000)
    target = documents / expected_pdf

    def save_here(dialog):
        assert dialog.directory().absolutePath() == str(documents)  # starts in Documents
        name = dialog.findChild(QLineEdit, "fileNameEdit")
        name.selectAll()
        type_text(target.name, name)  # the dialog is already in Documents
        press(qtbot, Qt.Key.Key_Return, widget=name)

    when_modal(qtbot, QFileDialog, save_here)
    press(qtbot, Qt.Key.Key_Tab, widget=preview.print_button)  # Print -> Save as PDF…
    assert focused() is preview.pdf_button
    press(qtbot, Qt.Key.Key_Return)
    try:
        qtbot.waitUntil(lambda: FAILURES or (target.exists() and not preview.isVisible()), timeout=30000)
    except Exception:
        print("DEBUG", QApplication.activeModalWidget(), preview.file_dialog, preview.print_dialog, focused())
        raise
    check_modal_answers()
    return target


# -- the journey ---------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(1366, 768), (1024, 768)], ids=["1366x768", "1024x768"])
def test_a_real_office_day(qtbot, tmp_path, hq, office, documents, size):
    from fundclient.config import Settings
    from fundclient.ui import i18n
    from fundclient.ui.main import GuiApp, prepare_app
    from fundclient.ui.ops import wait_for_writes

    settings = Settings.load(office)
    prepare_app(settings)
    gui = GuiApp(office, settings)
    gui.show()
    try:
        # --- Huda registers two retirees and prints card and receipt from the saved screen.
        window = sign_in(qtbot, gui, CLERK, CLERK_PW, size)
        status_texts = " ".join(label.text() for label in window.status.findChildren(type(window.status.office_label)))
        assert "مكتب براك" in status_texts and "BRK" not in status_texts
        assert CLERK_NAME in status_texts and CLERK not in status_texts.split()
        first = register_by_keyboard(qtbot, window, PEOPLE[0])
        saved = window.screens["saved"]
        qtbot.waitUntil(lambda: window.current_screen() is saved and saved.data is not None, timeout=30000)
        for button in (saved.card_button, saved.receipt_button, saved.new_button):
            assert visible_inside(button, window)
        assert "مكتب براك" in saved.person.text() and "BRK" not in saved.person.text().splitlines()[-1]
        assert saved.chooser.pages.text().count("٢") >= 1  # 1 card, 2 pages, in Arabic-Indic digits
        qtbot.waitUntil(lambda: focused() is saved.card_button, timeout=5000)
        card_pdf = print_from_saved_screen(qtbot, window, documents, Qt.Key.Key_1, "card-1.pdf")
        assert card_pdf.read_bytes().startswith(b"%PDF")
        qtbot.waitUntil(lambda: focused() is saved.receipt_button, timeout=5000)  # next: the receipt
        receipt_pdf = print_from_saved_screen(qtbot, window, documents, Qt.Key.Key_2, "receipt-1.pdf")
        receipt = pdftext(receipt_pdf)
        assert squash(CLERK_NAME) in squash(receipt)  # her full name, not "huda"
        assert "huda" not in receipt and not UUID.search(receipt)
        assert squash("مكتب براك") in squash(receipt) and "BRK " not in receipt
        assert "١١٩٤٨٠١٢٣٤٥٦" in receipt  # the national number in the office's digits
        assert re.search(r"[٠-٩]{2}/[٠-٩]{2}/[٠-٩]{4}", receipt)  # registered on dd/mm/yyyy
        qtbot.waitUntil(lambda: focused() is saved.new_button, timeout=5000)  # next: the next person
        press(qtbot, Qt.Key.Key_3)
        second = register_by_keyboard(qtbot, window, PEOPLE[1])
        qtbot.waitUntil(lambda: window.current_screen() is saved, timeout=30000)
        wait_for_writes()
        sign_out(qtbot, gui)

        # --- Fatima's day close: approve the first, send the second back with a comment.
        window = sign_in(qtbot, gui, SUPER, SUPER_PW, size)
        day_close = window.show_screen("dayclose")
        qtbot.waitUntil(lambda: len(day_close.items) == 2, timeout=30000)
        table = day_close.view.table
        rows = {review.key[0]: row for row, review in enumerate(day_close.items)}
        assert table.item(rows[first.record_id], 2).text() == CLERK_NAME
        assert table.item(rows[first.record_id], 1).text() == "١١٩٤٨٠١٢٣٤٥٦"
        table.setFocus()
        table.setCurrentCell(rows[first.record_id], 0)
        day_close.view.approve_button.setFocus()
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: day_close.items and any(
            r.key[0] == first.record_id and r.item.decision == "approved" for r in day_close.items), timeout=30000)
        table.setCurrentCell(rows[second.record_id], 0)

        def write_comment(dialog):
            dialog.activateWindow()
            box = dialog.findChild(QPlainTextEdit)
            box.setFocus()
            type_text(COMMENT, box)
            press(qtbot, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier, widget=box)  # leave the text box
            button = dialog.focusWidget()
            assert button is not box, "Ctrl+Tab must leave the comment box"
            press(qtbot, Qt.Key.Key_Return, widget=button)  # OK

        when_modal(qtbot, QInputDialog, write_comment)
        day_close.view.send_back_button.setFocus()
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: FAILURES or any(r.key[0] == second.record_id and r.item.decision == "sent_back"
                                                for r in day_close.items), timeout=30000)
        check_modal_answers()
        wait_for_writes()
        sign_out(qtbot, gui)

        # --- Next morning: Huda sees the return at login, with the count and the comment.
        window = sign_in(qtbot, gui, CLERK, CLERK_PW, size)
        returned = window.screens["returned"]
        qtbot.waitUntil(lambda: window.current_screen() is returned, timeout=30000)
        nav = [window.nav.item(i).text() for i in range(window.nav.count())]
        assert "أُرجعت إليّ (١)" in nav
        assert COMMENT in returned.comment.text() and SUPER_NAME in returned.comment.text()
        qtbot.waitUntil(lambda: focused() is returned.table, timeout=5000)
        press(qtbot, Qt.Key.Key_Return)  # open and correct
        form = window.screens["registration"]
        qtbot.waitUntil(lambda: form.base is not None and form.base.record_id == second.record_id, timeout=30000)
        assert COMMENT in form.status_label.text()
        form.focus_field("category_fields.pension_number")
        pension = form.rows["category_fields.pension_number"].editor
        assert focused() is pension
        press(qtbot, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        type_text("7788123")
        with qtbot.waitSignal(form.saved, timeout=30000):
            press(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: returned.count == 0, timeout=30000)
        assert "أُرجعت إليّ" in [window.nav.item(i).text() for i in range(window.nav.count())]
        wait_for_writes()
        sign_out(qtbot, gui)

        # --- Fatima approves the correction and closes the day; the report names people and the office.
        window = sign_in(qtbot, gui, SUPER, SUPER_PW, size)
        day_close = window.show_screen("dayclose")
        qtbot.waitUntil(lambda: any(r.key == (second.record_id, 2) for r in day_close.items), timeout=30000)
        row = next(i for i, r in enumerate(day_close.items) if r.key == (second.record_id, 2))
        assert day_close.view.table.item(row, 4).text() == "صُحّح، دون قرار"
        day_close.view.table.setCurrentCell(row, 0)
        day_close.view.approve_button.setFocus()
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: any(r.key == (second.record_id, 2) and r.item.decision == "approved"
                                    for r in day_close.items), timeout=30000)
        report = documents / "day-close.pdf"

        def save_report(dialog):
            assert dialog.directory().absolutePath() == str(documents)
            name = dialog.findChild(QLineEdit, "fileNameEdit")
            name.selectAll()
            type_text(report.name, name)
            press(qtbot, Qt.Key.Key_Return, widget=name)

        when_modal(qtbot, QFileDialog, save_report)
        day_close.view.close_day_button.setFocus()
        press(qtbot, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: FAILURES or report.exists(), timeout=30000)
        check_modal_answers()
        text = pdftext(report)
        assert "BRK" not in text and "huda" not in text and "fatima" not in text
        assert squash("مكتب براك") in squash(text) and squash(CLERK_NAME) in squash(text)
        assert re.search(r"[٠-٩]{2}/[٠-٩]{2}/[٠-٩]{4}", text)
        wait_for_writes()
        sign_out(qtbot, gui)
    finally:
        if gui.window is not None:
            gui.logout()
        gui.login.close()
        i18n.set_language("ar", arabic_indic_digits=False)

    # --- The nightly sync, and what HQ holds.
    cli("--data-dir", str(office), "sync")
    hq_dir, _url = hq
    out = tmp_path / "export.jsonl"
    cli("--data-dir", str(tmp_path / "unused"), "hq", "--hq-dir", str(hq_dir), "export", "--format", "jsonl",
        "--out", str(out))
    held = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line.strip()]
    latest = {}
    for record in held:
        if record["record_id"] not in latest or record["revision"] > latest[record["record_id"]]["revision"]:
            latest[record["record_id"]] = record
    assert set(latest) == {first.record_id, second.record_id}
    assert latest[second.record_id]["revision"] == 2
    assert "7788123" in json.dumps(latest[second.record_id], ensure_ascii=False)
