"""The day-close report PDF: A4, Arabic text present, counts per operator."""

from __future__ import annotations

import subprocess
from datetime import date

from fundclient.cards.day_report import write_day_close_pdf
from fundclient.domain.day_close import DayCloseSummary, OperatorCounts

from card_test_helpers import comparable


def test_day_close_pdf_has_the_counts_per_operator(qt_app, tmp_path):
    summary = DayCloseSummary(date(2026, 11, 23), "BRK", "super", {
        "clerk1": OperatorCounts(saved=12, approved=10, sent_back=2),
        "clerk2": OperatorCounts(saved=7, approved=7, home_visits=3),
    }, duplicates_flagged=1)
    pdf = write_day_close_pdf(summary, tmp_path / "day.pdf", fund_name="صندوق التأمين الصحي",
                              operator_names={"clerk1": "Ali", "clerk2": "Mona", "super": "Fatima"})
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595 x 842 pts (A4)" in info
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    for expected in ("Ali", "Mona", "12", "19", "23/11/2026"):
        assert expected in text
    assert "BRK" not in text and "super" not in text  # the office by name, people by name
    assert comparable("مكتب براك") in comparable(text)


def test_day_close_pdf_follows_the_arabic_indic_digit_choice(qt_app, tmp_path):
    from fundclient.domain import display

    summary = DayCloseSummary(date(2026, 11, 23), "BRK", "super", {"clerk1": OperatorCounts(saved=12)})
    display.configure(arabic_indic=True)
    try:
        pdf = write_day_close_pdf(summary, tmp_path / "day.pdf", fund_name="صندوق التأمين الصحي",
                                  operator_names={"clerk1": "Ali", "super": "Fatima"})
    finally:
        display.configure(arabic_indic=False)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "٢٣/١١/٢٠٢٦" in text and "١٢" in text and "Fatima" in text
    assert "2026" not in text


def test_day_close_pdf_counts_the_photo_exceptions(qt_app, tmp_path):
    summary = DayCloseSummary(date(2026, 11, 23), "BRK", "super", {"clerk1": OperatorCounts(saved=3)},
                              photo_exceptions=2)
    pdf = write_day_close_pdf(summary, tmp_path / "day.pdf", fund_name="صندوق التأمين الصحي",
                              operator_names={"clerk1": "Ali", "super": "Fatima"})
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    line = next(row for row in text.splitlines() if comparable("تسجيلات باستثناء من الصورة") in comparable(row))
    assert "2" in line
