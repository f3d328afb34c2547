"""UI language: Qt translators, layout direction and digit display.

Source strings in the code are English (`self.tr("Search")`); Arabic comes from
`translations/fundclient_ar.ts`, compiled to `fundclient_ar.qm`. The compiled files ship
inside the package (`ui/locale/`, built by `scripts/translations.py build`). When a .qm is
missing (fresh checkout) it is compiled on the fly from the .ts into the cache dir, so the
app is never shown untranslated.

Switching language installs the other translator; Qt then sends every widget a
`LanguageChange` event, each screen calls its `retranslate_ui()`, and nothing typed is lost.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import platformdirs
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, Qt, QTranslator

from fundclient.domain import display
from fundclient.domain.digits import normalise_digits

log = logging.getLogger(__name__)

LANGUAGES = ("ar", "en")
PACKAGE_QM_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_TS_DIR = Path(__file__).resolve().parents[3] / "translations"

_state = {"language": "ar"}
_translators: list[QTranslator] = []


def current_language() -> str:
    return _state["language"]


def is_rtl() -> bool:
    return current_language() == "ar"


def lrelease_path() -> Path | None:
    """The lrelease shipped inside PySide6 (no system Qt needed)."""
    import PySide6

    base = Path(PySide6.__file__).resolve().parent
    for name in ("lrelease", "lrelease.exe"):
        if (base / name).exists():
            return base / name
    candidate = Path(sys.executable).parent / "pyside6-lrelease"
    return candidate if candidate.exists() else None


def compile_ts(ts: Path, qm: Path) -> None:
    tool = lrelease_path()
    if tool is None:
        raise RuntimeError("pyside6 lrelease not found")
    qm.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([str(tool), "-silent", str(ts), "-qm", str(qm)], check=True,
                   stdout=subprocess.DEVNULL)


def qm_file(language: str, cache_dir: Path | None = None) -> Path | None:
    """The compiled catalogue for `language`: shipped, or compiled now from the .ts."""
    shipped = PACKAGE_QM_DIR / f"fundclient_{language}.qm"
    ts = SOURCE_TS_DIR / f"fundclient_{language}.ts"
    if shipped.exists() and not (ts.exists() and ts.stat().st_mtime > shipped.stat().st_mtime):
        return shipped
    if not ts.exists():
        return shipped if shipped.exists() else None
    cache = cache_dir or Path(platformdirs.user_cache_dir("fundclient", appauthor=False))
    compiled = cache / "locale" / f"fundclient_{language}.qm"
    if not compiled.exists() or compiled.stat().st_mtime < ts.stat().st_mtime:
        try:
            compile_ts(ts, compiled)
        except (OSError, RuntimeError, subprocess.CalledProcessError):
            log.exception("could not compile %s", ts.name)
            return shipped if shipped.exists() else None
    return compiled


def set_language(language: str, *, arabic_indic_digits: bool | None = None,
                 cache_dir: Path | None = None) -> None:
    """Install translators for `language` and flip the layout direction app-wide."""
    if language not in LANGUAGES:
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
    if language == "ar":  # installed first, so asked last: Qt's strings its catalogue leaves in English
        from fundclient.ui.qt_arabic import QtArabicSupplement

        _translators.append(QtArabicSupplement(app))
    qtbase = QTranslator(app)
    # Qt's own Arabic (PySide6's translations folder): file and print dialogs, standard buttons.
    if qtbase.load(f"qtbase_{language}", qt_dir):
        _translators.append(qtbase)
    own = QTranslator(app)
    path = qm_file(language, cache_dir)
    if path is not None and own.load(str(path)):
        _translators.append(own)
    elif language == "ar":
        log.error("Arabic catalogue missing: the UI will show English")
    for translator in _translators:
        app.installTranslator(translator)
    QLocale.setDefault(QLocale(QLocale.Language.Arabic, QLocale.Country.Libya)
                       if language == "ar" else QLocale(QLocale.Language.English))
    if hasattr(app, "setLayoutDirection"):
        app.setLayoutDirection(Qt.LayoutDirection.RightToLeft if language == "ar"
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
