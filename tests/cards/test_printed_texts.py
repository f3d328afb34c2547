"""The printed documents' words come from the one catalogue and read exactly as before.

The card, the registration receipt and the day-close report are Arabic documents
(docs/decisions/printed-documents-arabic.md); their texts are catalogue entries (English msgids,
context "printed document") rendered in Arabic. Each PDF is made the real way and read back with
pdftotext: every Arabic label the fund's documents carry is there, worded exactly as the fund's
documents have it, and no English source text (an untranslated msgid) is printed.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from card_test_helpers import SAMPLE_OFFICE, comparable, pdftotext

from fundclient.cards import content, receipt
from fundclient.cards.content import card_for_beneficiary, card_for_dependant, receipt_for
from fundclient.cards.day_report import write_day_close_pdf
from fundclient.cards.render import card_pdf
from fundclient.domain.day_close import DayCloseSummary, OperatorCounts

pytestmark = pytest.mark.qt

# The documents' wording, as the fund prints it (these words must never drift).
CARD_WORDS = ["البطاقة التأمينية", "الرقم الوطني", "رقم البطاقة", "تاريخ الميلاد", "تاريخ الإصدار",
              "تاريخ الانتهاء", "شروط الاستخدام",
              "هذه البطاقة شخصية ولا يجوز لغير صاحبها استعمالها.",
              "تُقدَّم البطاقة مع إثبات الهوية عند طلب الخدمة لدى المرافق الصحية المتعاقدة مع الصندوق.",
              "يُبلَّغ أقرب مكتب للصندوق فور فقدان البطاقة أو تلفها.",
              "البطاقة ملك للصندوق وتُعاد إليه عند انتهاء الانتفاع.",
              "في حال العثور على هذه البطاقة يُرجى تسليمها إلى مكتب براك أو إلى أقرب مكتب للصندوق",
              "هاتف المكتب:", "العنوان:", "بدون صورة"]
DEPENDANT_CARD_WORDS = ["تابع", "زوجة", "بطاقة المنتفع"]
RECEIPT_WORDS = ["إيصال التسجيل", "اسم المنتفع", "الرقم الوطني", "رقم البطاقة", "تاريخ التسجيل", "المكتب",
                 "الموظف", "عدد التابعين", "تابع (زوجة)", "رقم بطاقة التابع",
                 "يُرجى إحضار ما يلي في المراجعة القادمة:", "هذا الإيصال", "البطاقة الشخصية أو جواز السفر",
                 "إفادة رقم المعاش (لشريحة المتقاعدين)",
                 "الرقم الوطني وصورة شخصية حديثة لكل تابع لم يُسجَّل بعد", "المنظومة الإلكترونية —"]
DAY_CLOSE_WORDS = ["تقرير إغلاق اليوم", "الموظف", "التسجيلات", "المعتمدة", "المُرجَعة", "دون قرار",
                   "زيارات منزلية", "المجموع", "تسجيلات فيها احتمال تكرار", "تسجيلات باستثناء من الصورة",
                   "المكتب", "اليوم", "أغلقه المشرف", "توقيع المشرف:"]
_BIDI_MOVES = str.maketrans("", "", "():")  # the bidi algorithm moves and mirrors these
# Every English source text of the printed documents: none may reach paper.
ENGLISH = [m.msgid for m in (content.CARD_TITLE, content.DEPENDANT_MARK, content.NO_PHOTO_MARK, content.TERMS_TITLE,
                             content.RECEIPT_TITLE, content.BRING_NEXT_TIME_TITLE, *content.LABELS.values(),
                             *content.RECEIPT_LABELS.values(), *content.TERMS, *content.BRING_NEXT_TIME)]


def assert_printed(words: list[str], text: str) -> None:
    flat = comparable(text).translate(_BIDI_MOVES)
    missing = [w for w in words if comparable(w).translate(_BIDI_MOVES) not in flat]
    assert not missing, missing
    english = [e for e in ENGLISH if e in text]
    assert not english, english


def test_the_card_prints_its_arabic_words(qt_app, tmp_path, record, signer, settings):
    principal = card_for_beneficiary(record, office=SAMPLE_OFFICE, settings=settings, signer=signer)
    wife = card_for_dependant(record, record.dependants[0], office=SAMPLE_OFFICE, settings=settings, signer=signer)
    pdf = card_pdf([principal, wife], tmp_path / "cards.pdf", resolution=300)
    assert_printed(CARD_WORDS, pdftotext(pdf, page=1) + pdftotext(pdf, page=2))
    assert_printed(CARD_WORDS + DEPENDANT_CARD_WORDS, pdftotext(pdf, page=3) + pdftotext(pdf, page=4))


def test_the_receipt_prints_its_arabic_words(qt_app, tmp_path, record, settings):
    data = receipt_for(record, office=SAMPLE_OFFICE, settings=settings, operator="سالم الورفلي",
                       registered_at=datetime(2026, 11, 23, 8, 30, tzinfo=timezone.utc))
    pdf = receipt.receipt_pdf(data, tmp_path / "receipt.pdf", "A4")
    assert_printed(RECEIPT_WORDS + [settings.fund_name, "مكتب براك"], pdftotext(pdf))


def test_the_day_close_report_prints_its_arabic_words(qt_app, tmp_path):
    summary = DayCloseSummary(date(2026, 11, 23), "BRK", "super", {"clerk1": OperatorCounts(saved=3, approved=2)},
                              duplicates_flagged=1, photo_exceptions=1)
    pdf = write_day_close_pdf(summary, tmp_path / "day.pdf", fund_name="صندوق التأمين الصحي",
                              operator_names={"clerk1": "Ali", "super": "Fatima"})
    assert_printed(DAY_CLOSE_WORDS + ["مكتب براك"], pdftotext(pdf))


def test_the_documents_language_is_the_catalogue_s_arabic_whatever_the_screen_shows(qt_app):
    """The screen may be French: a document still prints the catalogue's Arabic entry."""
    from fundclient.ui import i18n

    before = i18n.current_language()
    i18n.set_language("fr")
    try:
        assert content.printed(content.CARD_TITLE) == "البطاقة التأمينية"
        assert content.printed(content.CARD_TITLE) == content.CARD_TITLE.in_language("ar")
        assert content.CARD_TITLE.in_language("fr") == "Carte d'assurance"  # the catalogue has it in French too
    finally:
        i18n.set_language(before)
