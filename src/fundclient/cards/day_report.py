"""The supervisor's day-close report as an A4 PDF, in the printed documents' language (Arabic).

A table is what Qt's rich-text engine does well (right-to-left, Arabic shaping, page breaks),
so the report is a small HTML document printed onto a QPdfWriter.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPdfWriter, QTextDocument, QTextOption

from fundclient.cards.content import DOCUMENT, display_digits, format_date, office_info, printed
from fundclient.cards.fonts import register_fonts
from fundclient.fonts import NASKH
from fundclient.domain.day_close import DayCloseSummary, operator_table
from fundclient.errors import Message

TITLE = Message("Day-close report", context=DOCUMENT)
COLUMNS = (Message("Clerk", context=DOCUMENT), Message("Registrations", context=DOCUMENT),
           Message("Approved", context=DOCUMENT), Message("Sent back", context=DOCUMENT),
           Message("Undecided", context=DOCUMENT), Message("Home visits", context=DOCUMENT))
TOTAL = Message("Total", context=DOCUMENT)
FLAGGED = Message("Registrations flagged as possible duplicates", context=DOCUMENT)
PHOTO_EXCEPTIONS = Message("Registrations with a photo exception", context=DOCUMENT)
OFFICE = Message("Office", context=DOCUMENT)
DAY = Message("Day", context=DOCUMENT)
CLOSED_BY = Message("Closed by the supervisor", context=DOCUMENT)
SIGNATURE = Message("Supervisor's signature: {line}", context=DOCUMENT)
SIGNATURE_LINE = "....................................."


def day_close_html(summary: DayCloseSummary, fund_name: str, operator_names: dict[str, str]) -> str:
    def row(cells, tag="td"):
        # Qt's rich text lays table columns out left to right whatever the direction: the
        # first (rightmost in Arabic) column is written last.
        return "<tr>" + "".join(f'<{tag} align="right">{escape(str(c))}</{tag}>' for c in reversed(cells)) + "</tr>"

    n = display_digits  # counts by the office's display rule, like the screens
    body = [row([printed(c) for c in COLUMNS], "th")]
    for user, c in operator_table(summary):
        body.append(row((operator_names.get(user) or user, n(c.saved), n(c.approved), n(c.sent_back),
                         n(c.undecided), n(c.home_visits))))
    t = summary.totals
    body.append(row((printed(TOTAL), n(t.saved), n(t.approved), n(t.sent_back), n(t.undecided), n(t.home_visits)), "th"))
    # People and places by name (the office's name, the supervisor's full name), never by code or login.
    facts = [(printed(OFFICE), office_info(summary.office_code).name_ar), (printed(DAY), format_date(summary.day)),
             (printed(CLOSED_BY), operator_names.get(summary.closed_by) or summary.closed_by),
             (printed(FLAGGED), n(summary.duplicates_flagged)),
             (printed(PHOTO_EXCEPTIONS), n(summary.photo_exceptions))]
    fact_rows = "".join(f'<tr><td align="right">{escape(str(v))}</td><td align="right" width="35%"><b>{escape(k)}</b></td></tr>'
                        for k, v in facts)
    return f"""<html dir="rtl"><body style="font-family:'{NASKH}'; font-size:12pt">
<p align="center" style="font-size:16pt"><b>{escape(fund_name)}</b></p>
<p align="center" style="font-size:14pt">{escape(printed(TITLE))}</p>
<table width="100%" cellpadding="4">{fact_rows}</table>
<br/>
<table width="100%" border="1" cellspacing="0" cellpadding="6">{''.join(body)}</table>
<br/><br/><p align="right">{escape(printed(SIGNATURE.format(line=Message.plain(SIGNATURE_LINE))))}</p>
</body></html>"""


def write_day_close_pdf(summary: DayCloseSummary, path: Path, *, fund_name: str,
                        operator_names: dict[str, str] | None = None) -> Path:
    register_fonts()
    path = Path(path)
    writer = QPdfWriter(str(path))
    writer.setTitle(printed(TITLE))
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
