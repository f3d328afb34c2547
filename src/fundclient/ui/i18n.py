"""UI language: the one catalogue for Qt widgets, layout direction and digit display.

Source strings in the code are English (`self.tr("Search")`); their translations come from
the one catalogue, `translations/<language>.po` (fundclient.catalogue), through
`CatalogueTranslator`, a QTranslator that asks the catalogue — so widgets, core messages,
cards and the command line read the same entries. Qt's disambiguation argument
(`self.tr("Clerk", "role")`) is the entry's gettext context.

Switching language installs the other translator; Qt then sends every widget a
`LanguageChange` event, each screen calls its `retranslate_ui()`, and nothing typed is lost.
"""

from __future__ import annotations

import logging
import os

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, Qt, QTranslator

from fundclient import catalogue
from fundclient.domain import display
from fundclient.domain.digits import normalise_digits
from fundclient.ui.qt_arabic import QtSupplement

log = logging.getLogger(__name__)

_state = {"language": "ar"}
_translators: list[QTranslator] = []


def languages() -> tuple[str, ...]:
    """Every language the app can be shown in (those with a catalogue), Arabic first."""
    return catalogue.available_languages()


def language_name(language: str) -> str:
    return catalogue.language_name(language)


def current_language() -> str:
    return _state["language"]


def is_rtl() -> bool:
    return catalogue.is_rtl(current_language())


class CatalogueTranslator(QTranslator):
    """Qt's tr()/translate() answered from the one catalogue (fundclient.catalogue)."""

    def __init__(self, language: str, parent=None) -> None:
        super().__init__(parent)
        self.code = language
        self._catalogue = catalogue.translations(language)

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: ARG002 - Qt's signature
        if not source_text:
            return None
        if disambiguation:
            found = self._catalogue.pgettext(disambiguation, source_text)
            if found != source_text:
                return found
        found = self._catalogue.gettext(source_text)
        return found if found != source_text else None


def set_language(language: str, *, arabic_indic_digits: bool | None = None, cache_dir=None) -> None:
    """Install translators for `language` and flip the layout direction app-wide."""
    del cache_dir  # catalogues are compiled in memory (fundclient.catalogue)
    if language not in languages():
        language = "ar"
    app = QCoreApplication.instance()
    _state["language"] = language
    if arabic_indic_digits is not None:
        display.configure(arabic_indic=arabic_indic_digits)
    if app is None:
        return
    for translator in _translators:
        app.removeTranslator(translator)
    _translators.clear()
    qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if language != catalogue.SOURCE_LANGUAGE:  # installed first, so asked last: Qt's strings its
        _translators.append(QtSupplement(language, app))  # own catalogue leaves in English
    qtbase = QTranslator(app)
    # Qt's own translation (PySide6's translations folder): file and print dialogs, standard buttons.
    if qtbase.load(f"qtbase_{language}", qt_dir):
        _translators.append(qtbase)
    if language != catalogue.SOURCE_LANGUAGE:
        _translators.append(CatalogueTranslator(language, app))
    for translator in _translators:
        app.installTranslator(translator)
    QLocale.setDefault(QLocale(QLocale.Language.Arabic, QLocale.Country.Libya) if language == "ar"
                       else QLocale(language))
    if hasattr(app, "setLayoutDirection"):
        app.setLayoutDirection(Qt.LayoutDirection.RightToLeft if catalogue.is_rtl(language)
                               else Qt.LayoutDirection.LeftToRight)
    os.environ["FUNDCLIENT_UI_LANGUAGE"] = language  # child processes (print helpers) follow


def apply_display_settings(settings) -> None:
    """The office's display rule (digits, clock) from its settings: `domain.display`."""
    display.configure_from(settings)


def uses_arabic_indic_digits() -> bool:
    return display.rule().arabic_indic and current_language() == "ar"


# Screens show digits, numbers, dates and times only through these (one rule: domain.display).
def show_digits(text: object) -> str:
    """Text for display: digits in the office's chosen system (Arabic UI only)."""
    return display.rule().digits(text, current_language())


def show_number(value: int) -> str:
    return display.rule().number(value, current_language())


def show_date(value) -> str:
    """A date as dd/mm/yyyy in the chosen digits ("" when unknown)."""
    return display.rule().date(value, current_language())


def show_datetime(value) -> str:
    """A stored moment on the office's clock, dd/mm/yyyy HH:MM, kept in reading order in RTL."""
    return ltr_run(display.rule().datetime(value, current_language()))


def read_digits(text: str) -> str:
    """Input in any digit system -> ASCII digits (what is stored and searched)."""
    return normalise_digits(text)


def ltr_run(text: str) -> str:
    """Keep a date-time or code in reading order inside RTL text ("2026-11-23 09:29" would
    otherwise show as "09:29 2026-11-23"): a Unicode left-to-right isolate."""
    return f"\u2066{text}\u2069" if text else text
