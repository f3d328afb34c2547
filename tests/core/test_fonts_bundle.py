"""The bundled Arabic fonts are where fundclient.fonts says, with their licence."""

from __future__ import annotations

import sys

from fundclient import fonts


def test_fonts_and_licence_are_bundled():
    files = fonts.font_files()
    assert [f.name for f in files] == ["NotoNaskhArabic-Regular.ttf", "NotoNaskhArabic-Bold.ttf",
                                       "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"]
    for path in files:
        assert path.read_bytes()[:4] in (b"\x00\x01\x00\x00", b"true", b"OTTO")  # TrueType/OpenType
    assert fonts.font_path(fonts.SANS, bold=True) == files[3]
    licence = fonts.licence_path().read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Google" in licence


def test_a_pyinstaller_bundle_layout_is_found(tmp_path, monkeypatch):
    bundle_fonts = tmp_path / "fundclient" / "resources" / "fonts"
    bundle_fonts.mkdir(parents=True)
    (bundle_fonts / "OFL.txt").write_text("licence")
    monkeypatch.setattr(fonts, "__file__", str(tmp_path / "elsewhere" / "fonts.pyc"))
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert fonts.fonts_dir() == bundle_fonts
