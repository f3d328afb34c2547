"""One display rule for digits and dates (domain.display): screens, messages, receipts, PDFs."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from fundclient.domain import display
from fundclient.errors import Message


@pytest.fixture
def arabic_indic():
    display.configure(arabic_indic=True)
    yield
    display.configure(arabic_indic=False)


def test_dates_read_day_month_year_in_both_digit_systems(arabic_indic):
    rule = display.rule()
    assert rule.date(date(1955, 4, 12)) == "١٢/٠٤/١٩٥٥"
    assert rule.date(date(1955, 4, 12), "en") == "12/04/1955"  # English text keeps Western digits
    display.configure(arabic_indic=False)
    assert display.rule().date(date(1955, 4, 12)) == "12/04/1955"
    assert display.rule().date(None) == ""


def test_times_are_on_the_office_clock():
    rule = display.configure(timezone="Africa/Tripoli")
    assert rule.datetime(datetime(2026, 11, 29, 23, 30, tzinfo=timezone.utc)) == "30/11/2026 01:30"
    assert rule.datetime(datetime(2026, 11, 29, 23, 30)) == "30/11/2026 01:30"  # stored naive = UTC


def test_messages_follow_the_rule_but_codes_and_paths_keep_their_digits(arabic_indic):
    message = Message.fixed(ar="الرقم الوطني 12 رقمًا. وُلد في {born}. البطاقة {card} في {path}، {count} ملفات.",
                      en="12 digits. Born {born}. Card {card} in {path}, {count} files.").format(
        born=date(1955, 4, 12), card="SBH-901-000001-03", path="E:\\batch-0001.bin", count=3)
    arabic = message.in_language("ar")
    assert "١٢ رقمًا" in arabic and "١٢/٠٤/١٩٥٥" in arabic and "٣ ملفات" in arabic
    assert "SBH-901-000001-03" in arabic and "E:\\batch-0001.bin" in arabic
    assert message.in_language("en") == "12 digits. Born 12/04/1955. Card SBH-901-000001-03 in E:\\batch-0001.bin, 3 files."


def test_western_rule_leaves_messages_alone():
    display.configure(arabic_indic=False)
    assert Message.fixed(ar="بقي 3", en="3 left").in_language("ar") == "بقي 3"


def test_receipt_and_card_dates_use_the_rule(arabic_indic):
    from fundclient.cards.content import format_date

    assert format_date(date(2031, 11, 29)) == "٢٩/١١/٢٠٣١"
    assert format_date(None) == "—"
