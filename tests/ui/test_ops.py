"""ui/ops.py: work runs off the GUI thread, results and errors come back on it."""

from __future__ import annotations

import threading
import time

import pytest
from PySide6.QtWidgets import QMessageBox, QWidget

from fundclient.errors import FundError, Message
from fundclient.services.changes import Changes
from fundclient.ui import i18n
from fundclient.ui.ops import CollectionOp, LongOp, OpsHub, QueryOp, stop_long_work, wait_for_writes

pytestmark = pytest.mark.qt


@pytest.fixture
def widget(qtbot):
    w = QWidget()
    qtbot.addWidget(w)
    return w


def test_query_runs_in_a_worker_and_delivers_on_the_main_thread(qtbot, widget):
    seen = {}
    main = threading.get_ident()

    def work():
        seen["worker"] = threading.get_ident()
        return 42

    def success(value):
        seen["value"] = value
        seen["delivered_on"] = threading.get_ident()

    op = QueryOp(parent=widget, op=work, success=success).run_in_background()
    qtbot.waitUntil(lambda: op.done, timeout=5000)
    assert seen["value"] == 42
    assert seen["worker"] != main
    assert seen["delivered_on"] == main


def test_fund_error_is_shown_in_arabic(qtbot, widget):
    i18n.set_language("ar")
    error = FundError(Message.fixed(ar="كلمة المرور غير صحيحة", en="Wrong password"))

    def fail():
        raise error

    op = QueryOp(parent=widget, op=fail, success=lambda _: None).run_in_background()
    qtbot.waitUntil(lambda: op.done, timeout=5000)
    boxes = [b for b in widget.findChildren(QMessageBox) if b.objectName() == "errorBox"]
    assert boxes and boxes[-1].text() == "كلمة المرور غير صحيحة"


def test_custom_failure_handler_gets_the_exception(qtbot, widget):
    got = []

    def fail():
        raise ValueError("bug")

    op = QueryOp(parent=widget, op=fail).failure(got.append).run_in_background()
    qtbot.waitUntil(lambda: op.done, timeout=5000)
    assert isinstance(got[0], ValueError)
    assert not widget.findChildren(QMessageBox)


def test_writes_share_one_thread_and_broadcast_changes(qtbot, widget):
    threads = set()
    broadcast = []
    OpsHub.instance().changed.connect(lambda changes, initiator: broadcast.append((changes, initiator)))

    def write(n):
        threads.add(threading.get_ident())
        return Changes(records={f"r{n}"}, beneficiaries=True)

    ops = [CollectionOp(parent=widget, op=lambda n=n: write(n)).run_in_background() for n in range(5)]
    wait_for_writes()
    qtbot.waitUntil(lambda: all(op.done for op in ops), timeout=5000)
    assert len(threads) == 1
    assert {next(iter(c.records)) for c, _ in broadcast[-5:]} == {f"r{n}" for n in range(5)}
    assert all(initiator is widget for _, initiator in broadcast[-5:])


def test_result_for_a_closed_screen_is_dropped(qtbot):
    w = QWidget()
    called = []
    release = threading.Event()
    op = QueryOp(parent=w, op=lambda: release.wait(5), success=called.append).run_in_background()
    w.deleteLater()
    qtbot.wait(10)
    release.set()
    qtbot.waitUntil(lambda: op.done, timeout=5000)
    assert called == []


def test_long_work_shows_progress_and_closes_it(qtbot, widget):
    from PySide6.QtWidgets import QProgressDialog

    release = threading.Event()
    op = QueryOp(parent=widget, op=lambda: release.wait(10)).with_progress("يرجى الانتظار")
    op.run_in_background()
    qtbot.waitUntil(lambda: bool(widget.findChildren(QProgressDialog)), timeout=3000)
    dialog = widget.findChildren(QProgressDialog)[0]
    op.progress.update(3, 10, "الدفعة 3")
    qtbot.waitUntil(lambda: dialog.value() == 3 and dialog.maximum() == 10, timeout=3000)
    assert dialog.labelText() == "الدفعة 3"
    release.set()
    qtbot.waitUntil(lambda: op.done, timeout=5000)
    qtbot.waitUntil(lambda: not any(d.isVisible() for d in widget.findChildren(QProgressDialog)), timeout=3000)


def test_unexpected_error_is_logged_and_shown_generically(qtbot, widget, caplog):
    i18n.set_language("ar")

    secret = "".join(["1197", "7424", "5191"])  # not a literal: source lines appear in stacks

    def fail():
        raise KeyError(f"national_number={secret}")  # internal detail: never shown, never logged

    op = QueryOp(parent=widget, op=fail).run_in_background()
    qtbot.waitUntil(lambda: op.done, timeout=5000)
    box = [b for b in widget.findChildren(QMessageBox) if b.objectName() == "errorBox"][-1]
    assert "119774245191" not in box.text() and "بياناتك محفوظة" in box.text()
    logged = [r.getMessage() for r in caplog.records if "unexpected error" in r.getMessage()]
    assert logged and "KeyError" in logged[-1]
    assert all("119774245191" not in r.getMessage() for r in caplog.records)


def test_sign_out_and_quit_stop_long_work_after_its_batch(qtbot, widget):
    """A spreadsheet import runs on the long-work thread, asking `cancelled` between batches:
    `stop_long_work` (called at sign-out and quit) asks it to stop and waits until it has — it
    must not go on writing under the name of someone who signed out."""
    batches: list[int] = []
    started = threading.Event()

    def work() -> Changes:
        while not op.progress.cancelled and len(batches) < 3000:  # ~30 s if nobody stops it
            batches.append(1)
            started.set()
            time.sleep(0.01)
        return Changes()

    op = LongOp(parent=widget, op=work)
    op.run_in_background()
    assert started.wait(10)
    begun = time.monotonic()
    stop_long_work(timeout=20)
    assert time.monotonic() - begun < 5 and len(batches) < 3000
    done = len(batches)
    time.sleep(0.05)
    assert len(batches) == done  # nothing more after it returned
    assert not LongOp._running
    stop_long_work(timeout=5)  # nothing running: returns at once
