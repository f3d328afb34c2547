"""The bundled Noto Arabic fonts, used app-wide so every office PC shows the same letters.

Windows PCs in the offices often lack a good Arabic face (or have one with broken
shaping for names); registering our own files makes layout and screenshots identical.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from fundclient import fonts as bundled
from fundclient.cards.fonts import register_fonts as cards_register

log = logging.getLogger(__name__)

BASE_POINT_SIZE = 12  # clerks read all day; 12 pt is the smallest that stays comfortable
UI_FAMILY = bundled.SANS  # simple shapes read well at UI sizes
NAME_FAMILY = bundled.NASKH  # names and record details: the book style people expect

_registered: list[str] = []


def register_fonts() -> list[str]:
    """Register the bundled TTFs once; returns the families Qt now knows."""
    if _registered:
        return list(_registered)
    try:  # cards.fonts is the one place that registers them
        cards_register()
    except Exception:  # never block the app on this; fall back to our own loop
        log.exception("cards font registration failed")
    families = set(QFontDatabase.families())
    for path in bundled.font_files():
        if all(name in families for name in bundled.FAMILIES):
            break
        font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id < 0:
            log.error("could not load font %s", path.name)
            continue
        families.update(QFontDatabase.applicationFontFamilies(font_id))
    _registered.extend(f for f in bundled.FAMILIES if f in families)
    return list(_registered)


def ui_font(point_size: int = BASE_POINT_SIZE, bold: bool = False) -> QFont:
    font = QFont()
    # Arabic from Noto Sans Arabic; Latin letters and digits fall back to the system sans.
    font.setFamilies([UI_FAMILY, "Noto Sans", "DejaVu Sans", "Segoe UI", "Arial"])
    font.setPointSize(point_size)
    font.setBold(bold)
    return font


def name_font(point_size: int = BASE_POINT_SIZE + 2, bold: bool = True) -> QFont:
    font = ui_font(point_size, bold)
    font.setFamilies([NAME_FAMILY, UI_FAMILY, "Noto Sans", "DejaVu Sans"])
    return font


def apply_app_font(app: QApplication) -> None:
    register_fonts()
    app.setFont(ui_font())
