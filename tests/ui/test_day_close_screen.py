"""The supervisor's day-close screen on a real office: review, approve, send back, close, PDF."""

from __future__ import annotations

import subprocess

from conftest import CLERK, CLERK_PW, SUPERVISOR, SUPERVISOR_PW

from fundclient.domain.synthetic import generate
from fundclient.services import dayclose, registration
from fundclient.services.session import login
from fundclient.ui.day_close_screen import DayCloseScreen
from fundclient.ui.ops import wait_for_writes


def test_supervisor_reviews_and_closes_the_day(gui_app, office, qtbot, tmp_path):
    clerk = login(office, CLERK, CLERK_PW)
    for person in generate(3, seed=404):
        registration.register(clerk, person)
    clerk.close()

    session = login(office, SUPERVISOR, SUPERVISOR_PW)
    screen = DayCloseScreen(session)
    qtbot.addWidget(screen)
    screen.show()
    expected = len(dayclose.review_day(session, screen.day()))  # the office's seeded records are today's too
    assert expected >= 3
    screen.refresh()
    qtbot.waitUntil(lambda: len(screen.items) == expected, timeout=10_000)
    assert screen.view.table.rowCount() == expected
    assert {i.item.saved_by for i in screen.items[-3:]} == {CLERK}

    screen.view.table.selectAll()
    screen.approve_selected()
    qtbot.waitUntil(lambda: all(i.item.decision == "approved" for i in screen.items), timeout=20_000)
    screen.view.table.clearSelection()
    screen.view.table.setCurrentCell(expected - 1, 0)
    qtbot.waitUntil(lambda: screen.view.details.rowCount() >= 5, timeout=5_000)
    screen.send_back("الصورة غير واضحة")
    qtbot.waitUntil(lambda: screen.items[-1].item.decision == "sent_back", timeout=10_000)

    pdf = tmp_path / "day.pdf"
    screen.close_day(str(pdf))
    qtbot.waitUntil(pdf.exists, timeout=15_000)
    wait_for_writes()
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert str(expected) in text
    assert screen.last_summary.totals.sent_back == 1
    assert screen.last_summary.totals.approved == expected - 1
    session.close()
