"""The Qt half of `fundclient selftest` (fundclient.selftest imports this only when PySide6 is
installed): the bundled Arabic fonts load and cover Arabic letters, and the Arabic catalogue
loads in a QTranslator. Uses QtGui/QtCore only, through the same helpers the app uses.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication

from fundclient import fonts as bundled

ARABIC_SAMPLE = "المنتفع"  # glossary word; every letter must be in the font itself
_app_holder: list[QCoreApplication] = []


def gui_application() -> QCoreApplication:
    """The running app, or a QGuiApplication for the self-test. With no display (a server, CI,
    a service), Qt would abort the process, so the offscreen platform is used instead."""
    app = QCoreApplication.instance()
    if app is not None:
        return app
    no_display = sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
    if no_display and not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    _app_holder.append(QGuiApplication(["fundclient-selftest"]))
    return _app_holder[0]


def load_arabic_fonts() -> list[str]:
    """Register the bundled fonts; every family must contain the Arabic letters themselves
    (not a fallback font's). Raises AssertionError otherwise."""
    gui_application()
    from fundclient.ui.fonts import register_fonts  # lazy: start-up (Qt)

    families = register_fonts()
    missing = [family for family in bundled.FAMILIES if family not in families]
    if missing:
        raise AssertionError(f"Qt did not load: {', '.join(missing)}")
    for family in families:
        metrics = QFontMetrics(QFont(family))
        absent = [ch for ch in ARABIC_SAMPLE if not metrics.inFontUcs4(ord(ch))]
        if absent:
            raise AssertionError(f"{family} lacks Arabic letters: {''.join(absent)}")
    return families


def load_catalogue(language: str = "ar") -> str:
    """Load the app's catalogue for `language` into Qt (the shipped .mo, or the .po compiled in
    memory in a checkout) and translate a widget string through it; returns a one-line
    description. Raises AssertionError."""
    app = gui_application()
    from PySide6.QtCore import QCoreApplication  # lazy: a check imports what it checks

    from fundclient import catalogue  # lazy: a check imports what it checks
    from fundclient.ui.i18n import CatalogueTranslator  # lazy: a check imports what it checks

    entries = len(getattr(catalogue.translations(language), "_catalog", {}))
    if entries < 2:
        raise AssertionError(f"no {language} catalogue found or readable")
    translator = CatalogueTranslator(language, app)
    app.installTranslator(translator)
    try:
        shown = QCoreApplication.translate("LoginScreen", "Password")
    finally:
        app.removeTranslator(translator)
    if shown == "Password":
        raise AssertionError(f"the {language} catalogue does not translate widget strings")
    return f"{language} catalogue loads ({entries} entries; Password = {shown})"
