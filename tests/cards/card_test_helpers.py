"""PDF helpers for the card tests (poppler's pdftotext / pdfinfo) and Arabic text comparison."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

from fundclient.cards.sample import SAMPLE_OFFICE  # noqa: F401  (re-exported for the tests)

DEVICE_ID = "3f6c2a71-0b8e-4d4a-9c55-7e1f0a2b9d33"


def pdftotext(path: Path, *, page: int | None = None) -> str:
    assert shutil.which("pdftotext"), "poppler-utils is needed (scripts/dev.py test installs it)"
    pages = ["-f", str(page), "-l", str(page)] if page else []
    return subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True).stdout


def page_sizes_pt(path: Path) -> list[tuple[float, float]]:
    out = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts", out)]


def mm(points: float) -> float:
    return points * 25.4 / 72


_LAM_ALEF = re.compile("ل[اأإآ]")
_MARKS = re.compile("[\u064b-\u0652\u0670\u0640\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def comparable(text: str) -> str:
    """Arabic text as pdftotext gives it back, made comparable with what was printed.

    NFKC turns the presentation forms into letters; spaces, marks and bidi controls go; and
    lam-alef is dropped on both sides, because Qt's PDF maps the ligature glyph to no letters.
    """
    text = unicodedata.normalize("NFKC", text)
    text = _MARKS.sub("", text)
    text = _LAM_ALEF.sub("", text)  # before joining words: the ligature never spans a space
    return "".join(text.split())
