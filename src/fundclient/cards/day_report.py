"""The supervisor's day-close report (تقرير إغلاق اليوم) as an A4 PDF, in Arabic.

A table is what Qt's rich-text engine does well (right-to-left, Arabic shaping, page breaks),
so the report is a small HTML document printed onto a QPdfWriter.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument, QTextOption

from fundclient.cards.content import display_digits, format_date, office_info
from fundclient.cards.fonts import register_fonts
from fundclient.fonts import NASKH
from fundclient.domain.day_close import DayCloseSummary, operator_table

TITLE = "تقرير إغلاق اليوم"
COLUMNS = ("الموظف", "التسجيلات", "المعتمدة", "المُرجَعة", "دون قرار", "زيارات منزلية")
TOTAL = "المجموع"
FLAGGED = "تسجيلات فيها احتمال تكرار"
PHOTO_EXCEPTIONS = "تسجيلات باستثناء من الصورة"
OFFICE = "المكتب"
DAY = "اليوم"
CLOSED_BY = "أغلقه المشرف"
SIGNATURE = "توقيع المشرف: ....................................."


def day_close_html(summary: DayCloseSummary, fund_name: str, operator_names: dict[str, str]) -> str:
    def row(cells, tag="td"):
        # Qt's rich text lays table columns out left to right whatever the direction: the
        # first (rightmost in Arabic) column is written last.
        return "<tr>" + "".join(f'<{tag} align="right">{escape(str(c))}</{tag}>' for c in reversed(cells)) + "</tr>"

    n = display_digits  # counts by the office's display rule, like the screens
    body = [row(COLUMNS, "th")]
    for user, c in operator_table(summary):
        body.append(row((operator_names.get(user) or user, n(c.saved), n(c.approved), n(c.sent_back),
                         n(c.undecided), n(c.home_visits))))
    t = summary.totals
    body.append(row((TOTAL, n(t.saved), n(t.approved), n(t.sent_back), n(t.undecided), n(t.home_visits)), "th"))
    # People and places by name (مكتب براك, the supervisor's full name), never by code or login.
    facts = [(OFFICE, office_info(summary.office_code).name_ar), (DAY, format_date(summary.day)),
             (CLOSED_BY, operator_names.get(summary.closed_by) or summary.closed_by),
             (FLAGGED, n(summary.duplicates_flagged)), (PHOTO_EXCEPTIONS, n(summary.photo_exceptions))]
    fact_rows = "".join(f'<tr><td align="right">{escape(str(v))}</td><td align="right" width="35%"><b>{escape(k)}</b></td></tr>'
                        for k, v in facts)
    return f"""<html dir="rtl"><body style="font-family:'{NASKH}'; font-size:12pt">
<p align="center" style="font-size:16pt"><b>{escape(fund_name)}</b></p>
<p align="center" style="font-size:14pt">{TITLE}</p>
<table width="100%" cellpadding="4">{fact_rows}</table>
<br/>
<table width="100%" border="1" cellspacing="0" cellpadding="6">{''.join(body)}</table>
<br/><br/><p align="right">{SIGNATURE}</p>
</body></html>"""


def write_day_close_pdf(summary: DayCloseSummary, path: Path, *, fund_name: str,
                        operator_names: dict[str, str] | None = None) -> Path:
    register_fonts()
    path = Path(path)
    writer = QPdfWriter(str(path))
    writer.setTitle(TITLE)
    writer.setResolution(96)  # the rich-text layout works in screen points
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(15, 15, 15, 15), QPageLayout.Unit.Millimeter))
    document = QTextDocument()
    option = QTextOption()
    option.setTextDirection(option.textDirection().RightToLeft)
    document.setDefaultTextOption(option)
    document.setHtml(day_close_html(summary, fund_name, operator_names or {}))
    document.setPageSize(QSizeF(writer.width(), writer.height()))
    document.print_(writer)
    return path
