"""Register the bundled Arabic fonts with Qt (QtGui only; the UI reuses `register_fonts`)."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase

from fundclient.fonts import NASKH, SANS, font_files

_registered: list[str] = []


def register_fonts() -> list[str]:
    """Add Noto Naskh Arabic and Noto Sans Arabic to QFontDatabase once; returns the family names.

    Needs a QGuiApplication (or QApplication). Safe to call many times.
    """
    if not _registered:
        families: set[str] = set()
        for path in font_files():
            font_id = QFontDatabase.addApplicationFont(str(path))
            if font_id < 0:
                raise RuntimeError(f"Qt could not load the font {path.name}")
            families.update(QFontDatabase.applicationFontFamilies(font_id))
        _registered.extend(sorted(families))
    return list(_registered)


def arabic_font(point_size: float, *, bold: bool = False, sans: bool = False) -> QFont:
    """A bundled Arabic font (Naskh by default, Sans for headings/small print) at a point size."""
    register_fonts()
    font = QFont(SANS if sans else NASKH)
    font.setPointSizeF(point_size)
    font.setBold(bold)
    # Latin letters are not in the Arabic fonts: let Qt fall back to the system sans serif.
    font.setStyleHint(QFont.StyleHint.SansSerif)
    return font


def latin_font(point_size: float, *, bold: bool = False) -> QFont:
    """The system's sans serif for Latin-only text (the Latin name): its line height is that of a
    Latin font, not the taller one Arabic fonts reserve for marks."""
    font = QFont()
    font.setFamilies(["Noto Sans", "DejaVu Sans", "Segoe UI", "Arial", "Liberation Sans"])
    font.setStyleHint(QFont.StyleHint.SansSerif)
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def monospace_font(point_size: float, *, bold: bool = False) -> QFont:
    """A fixed-pitch font for the machine-readable line (whatever the system has)."""
    font = QFont()
    font.setFamilies(["DejaVu Sans Mono", "Consolas", "Liberation Mono", "Courier New", "monospace"])
    font.setStyleHint(QFont.StyleHint.Monospace)
    font.setFixedPitch(True)
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def without_ligatures(font: QFont) -> QFont:
    """A copy for codes (card numbers, record ids): "ff" must stay two letters, also in a PDF's text."""
    plain = QFont(font)
    for tag in ("liga", "clig", "dlig"):
        plain.setFeature(QFont.Tag(tag), 0)
    return plain
