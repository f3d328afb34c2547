"""Where the bundled Arabic fonts are (no Qt here; `cards.fonts` registers them with Qt).

The fonts are package data under `fundclient/resources/fonts/`. A source checkout, an
installed wheel and a PyInstaller bundle (`sys._MEIPASS/fundclient/resources/fonts`) are
all tried, so the same call works everywhere.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Family name -> file stem. Naskh is the book style for names and body text; Sans (a
# simpler, more geometric style) for headings and small print, where it stays legible.
FAMILIES = {
    "Noto Naskh Arabic": "NotoNaskhArabic",
    "Noto Sans Arabic": "NotoSansArabic",
}
NASKH = "Noto Naskh Arabic"
SANS = "Noto Sans Arabic"
STYLES = ("Regular", "Bold")


def fonts_dir() -> Path:
    """The directory holding the bundled TTF files and OFL.txt."""
    candidates = [Path(__file__).resolve().parent / "resources" / "fonts"]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidates.append(Path(bundle) / "fundclient" / "resources" / "fonts")
    for candidate in candidates:
        if (candidate / "OFL.txt").exists():
            return candidate
    raise FileNotFoundError("bundled fonts not found; looked in: " + ", ".join(map(str, candidates)))


def font_files() -> list[Path]:
    """Every bundled font file (Regular and Bold of each family)."""
    folder = fonts_dir()
    return [folder / f"{stem}-{style}.ttf" for stem in FAMILIES.values() for style in STYLES]


def font_path(family: str = NASKH, bold: bool = False) -> Path:
    """One font file, e.g. font_path("Noto Sans Arabic", bold=True)."""
    return fonts_dir() / f"{FAMILIES[family]}-{'Bold' if bold else 'Regular'}.ttf"


def licence_path() -> Path:
    return fonts_dir() / "OFL.txt"
