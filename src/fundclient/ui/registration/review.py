"""The review step: a read-only summary the clerk reads back to the beneficiary before Save,
with every remaining problem listed (each one a link back to its field)."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from fundclient.domain.photo_exception import PHOTO_REQUIRED, PhotoException
from fundclient.domain.records import Photo
from fundclient.ui.i18n import current_language, is_rtl
from fundclient.ui.labels import photo_exception_text
from fundclient.ui.registration.widgets import html_table

MAX_PROBLEMS_SHOWN = 12


def _tr(text: str) -> str:
    return QCoreApplication.translate("RegistrationReview", text)


class ReviewPage(QWidget):
    field_requested = Signal(str)  # a problem link was activated: go to that field

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reviewPage")
        layout = QVBoxLayout(self)
        self.problems = QLabel(self)
        self.problems.setObjectName("reviewProblems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.RichText)
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.problems.linkActivated.connect(self._link)
        layout.addWidget(self.problems)
        body = QHBoxLayout()
        self.summary = QLabel(self)
        self.summary.setObjectName("reviewSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        body.addWidget(self.summary, 1)
        self.photo = QLabel(self)
        self.photo.setObjectName("reviewPhoto")
        self.photo.setFixedSize(148, 190)
        self.photo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo.setStyleSheet("border:1px solid #999;")
        body.addWidget(self.photo, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(body)
        layout.addStretch(1)

    def _link(self, href: str) -> None:
        if href.startswith("field:"):
            self.field_requested.emit(href.removeprefix("field:"))

    def show_summary(self, sections: list[tuple[str, list[tuple[str, str]]]],
                     problems: list[tuple[str, str, str]], photo: Photo | None,
                     blocked_by_duplicate: bool, exception: PhotoException | None = None,
                     photo_missing: bool = False) -> None:
        """sections: (title, [(label, value)]); problems: (field key, label, message).
        A new registration with no photo is a problem unless a photo exception was approved;
        an approved exception is a warning (never "complete")."""
        if photo_missing and exception is None:
            problems = [("photo", _tr("Photo"), PHOTO_REQUIRED.in_language(current_language())),
                        *problems]
        rtl = is_rtl()
        html = [f"<div dir='{'rtl' if rtl else 'ltr'}'>"]
        for title, pairs in sections:
            html.append(f"<h3 style='margin-bottom:2px'>{escape(title)}</h3>")
            rows = [[f"<span style='color:#444'>{escape(label)}</span>",
                     f"<b>{escape(value)}</b>" if value else
                     "<span style='color:#888'>—</span>"] for label, value in pairs]
            html.append(html_table(rows))
        html.append("</div>")
        self.summary.setText("".join(html))
        self._show_problems(problems, blocked_by_duplicate, rtl, exception)
        if photo is None:
            self.photo.setPixmap(QPixmap())
            self.photo.setText(exception.short(current_language()) if exception is not None
                               else _tr("No photo"))
        else:
            self.photo.setPixmap(QPixmap.fromImage(QImage.fromData(photo.data)).scaled(
                self.photo.size(), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))

    def _show_problems(self, problems: list[tuple[str, str, str]], duplicate: bool,
                       rtl: bool, exception: PhotoException | None = None) -> None:
        lines = []
        if duplicate:
            lines.append(escape(_tr("A possible duplicate must be resolved (see the box at "
                                    "the top).")))
        for key, label, message in problems[:MAX_PROBLEMS_SHOWN]:
            lines.append(f"<a href='field:{escape(key)}'>{escape(label)}</a>: {escape(message)}")
        if len(problems) > MAX_PROBLEMS_SHOWN:
            lines.append(escape(_tr("… and %1 more").replace(
                "%1", str(len(problems) - MAX_PROBLEMS_SHOWN))))
        direction = "rtl" if rtl else "ltr"
        if lines:
            head = escape(_tr("Please correct before saving:"))
            self.problems.setText(f"<div dir='{direction}' style='color:#b00020'><b>{head}</b>"
                                  "<ul>" + "".join(f"<li>{line}</li>" for line in lines)
                                  + "</ul></div>")
            self.problems.setStyleSheet("background:#fdecea; padding:6px;")
        elif exception is not None:
            warning = photo_exception_text(exception)
            self.problems.setText(f"<div dir='{direction}' style='color:#7a4f00'><b>"
                                  + escape(warning) + "</b><br>"
                                  + escape(_tr("Everything else is filled in. Read the data to the "
                                               "beneficiary, then press Save (Ctrl+S)."))
                                  + "</div>")
            self.problems.setStyleSheet("background:#fff4d6; padding:6px;")
        else:
            self.problems.setText(f"<div dir='{direction}' style='color:#1b5e20'><b>"
                                  + escape(_tr("Everything is filled in. Read the data to the "
                                               "beneficiary, then press Save (Ctrl+S)."))
                                  + "</b></div>")
            self.problems.setStyleSheet("background:#e8f5e9; padding:6px;")
