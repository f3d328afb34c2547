"""The one message catalogue (translations/*.po): every string the code shows is translated in
every language, no entry is left that no code uses, placeholders match — and a message reads
in Arabic, English and French from the same English source text. No Qt here (core venv)."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from fundclient import catalogue
from fundclient.errors import Message

ROOT = Path(__file__).resolve().parents[2]


def _script():
    spec = importlib.util.spec_from_file_location("translations_script", ROOT / "scripts" / "translations.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


def test_every_catalogue_is_complete_used_and_consistent():
    problems = _script().problems()
    assert problems == [], ("fix with `python scripts/translations.py extract` then translate "
                            "(docs/dev/translations.md):\n" + "\n".join(problems))


def test_the_template_is_up_to_date_with_the_code():
    """fundclient.pot lists exactly what the code shows (someone forgot `extract`)."""
    script = _script()
    from babel.messages.pofile import read_po

    with open(script.POT, "rb") as fh:
        pot = {(m.context, m.id) for m in read_po(fh) if m.id}
    code = {(f.context, f.msgid) for f in script.extract_all()}
    assert sorted(code - pot, key=str) == [] and sorted(pot - code, key=str) == []


@pytest.fixture
def broken_copy(tmp_path, monkeypatch):
    """The check run on a copy of the catalogues that a test may spoil."""
    script = _script()
    for po in script.PO_DIR.glob("*.po"):
        shutil.copy(po, tmp_path / po.name)
    monkeypatch.setattr(script, "PO_DIR", tmp_path)
    return script


def test_the_check_fails_on_an_untranslated_string(broken_copy):
    catalog = broken_copy.read("fr")
    catalog.get("Save").string = ""
    broken_copy.write(catalog, broken_copy.po_path("fr"))
    assert any("fr.po: untranslated" in p and "'Save'" in p for p in broken_copy.problems())


def test_the_check_fails_on_an_entry_no_code_uses(broken_copy):
    catalog = broken_copy.read("ar")
    catalog.add("A sentence no screen shows", "جملة لا تظهر")
    broken_copy.write(catalog, broken_copy.po_path("ar"))
    assert any("unused entry" in p and "A sentence no screen shows" in p for p in broken_copy.problems())


def test_the_check_fails_on_a_placeholder_mismatch(broken_copy):
    catalog = broken_copy.read("fr")
    entry = next(m for m in catalog if m.id and "{count}" in m.id and m.string)
    entry.string = entry.string.replace("{count}", "{nombre}")
    broken_copy.write(catalog, broken_copy.po_path("fr"))
    assert any("placeholders differ" in p and entry.id in p for p in broken_copy.problems())


def test_a_language_is_a_catalogue_file():
    languages = catalogue.available_languages()
    assert languages[:2] == ("ar", "en") and "fr" in languages
    assert catalogue.is_rtl("ar") and not catalogue.is_rtl("fr") and not catalogue.is_rtl("en")
    assert catalogue.language_name("fr") == "Français"


def test_a_catalogue_added_or_removed_is_seen_at_once(tmp_path, monkeypatch):
    """The languages are listed again whenever a catalogue folder changed (they are remembered
    between calls: the reference data asks once per entry at each login)."""
    po_dir, mo_dir = tmp_path / "translations", tmp_path / "locale"
    po_dir.mkdir()
    (po_dir / "ar.po").write_bytes(b"")
    monkeypatch.setattr(catalogue, "SOURCE_PO_DIR", po_dir)
    monkeypatch.setattr(catalogue, "PACKAGE_LOCALE_DIR", mo_dir)
    assert catalogue.available_languages() == ("ar", "en")
    assert catalogue.available_languages() == ("ar", "en")
    (po_dir / "fr.po").write_bytes(b"")
    assert catalogue.available_languages() == ("ar", "en", "fr")
    mo_dir.mkdir()
    (mo_dir / "tr.mo").write_bytes(b"")
    assert catalogue.available_languages() == ("ar", "en", "fr", "tr")
    (po_dir / "fr.po").unlink()
    assert catalogue.available_languages() == ("ar", "en", "tr")
    monkeypatch.undo()
    assert "fr" in catalogue.available_languages()  # the real folders again


def test_one_message_reads_in_every_language():
    from fundclient.storage.errors import WrongPassword

    message = WrongPassword(2).message
    assert message.in_language("en") == ("Wrong user name or password. 2 tries left before the account is "
                                         "locked for 15 minutes.")
    assert message.in_language("ar").startswith("اسم المستخدم أو كلمة المرور غير صحيحة.")
    assert message.in_language("fr").startswith("Nom d'utilisateur ou mot de passe incorrect.")


def test_values_are_filled_in_the_language_shown_and_braces_in_them_are_safe():
    inner = Message("another office")
    outer = Message("National number {number} is registered at {office} according to HQ's data. "
                    "Check it, or ask a supervisor to save with a reason.").format(number="{x}", office=inner)
    assert "{x}" in outer.in_language("fr") and "another office" not in outer.in_language("ar")
    assert outer.in_language("ar") != outer.in_language("en")


def test_a_message_not_in_the_catalogue_reads_as_its_english_text():
    assert Message("Not a catalogue entry {n}").format(n=3).in_language("fr") == "Not a catalogue entry 3"
    assert Message.fixed(ar="نص", en="text").in_language("fr") == "text"


def test_an_empty_text_stays_empty_in_every_language():
    # gettext answers "" with the catalogue's header (Project-Id-Version: …): a category field
    # published by HQ without a hint showed that header as the hint in Arabic and French.
    for language in catalogue.available_languages():
        assert catalogue.lookup("", language) == ""
        assert Message.fixed(ar="", en="").in_language(language) == ""


def test_the_check_fails_on_a_printf_placeholder_mismatch(broken_copy):
    """argparse's words and help texts use %s / %(name)s: a translation that drops or renames one
    would crash the help (KeyError) or lose the value."""
    catalog = broken_copy.read("ar")
    entry = catalog.get("unrecognized arguments: %s")
    entry.string = entry.string.replace("%s", "")
    catalog.get("port to listen on (default: %(default)s)").string = "المنفذ (%(défaut)s)"
    broken_copy.write(catalog, broken_copy.po_path("ar"))
    found = broken_copy.problems()
    assert any("placeholders differ" in p and "unrecognized arguments" in p for p in found), found
    assert any("placeholders differ" in p and "port to listen on" in p for p in found), found


# --- no user-facing text outside the catalogue ---------------------------------------------------

def test_no_arabic_text_is_written_in_the_code_outside_the_catalogue():
    """Every Arabic text people see is a catalogue entry (English msgid, translations/ar.po);
    the allow-list (scripts/translations.py, ARABIC_ALLOWED_*) names each rule or made-up datum
    that must stay Arabic in the code, and why, and names nothing the code no longer has."""
    script = _script()
    found = script.arabic_literals() + script.stale_allowances()
    assert found == [], "make these catalogue entries (docs/dev/translations.md):\n" + "\n".join(found)


def test_the_arabic_text_check_fails_on_a_literal(tmp_path):
    """The check proves itself on a made-up package: a label, an f-string piece, a dict value and
    an allowed literal in the wrong file are found; a docstring and a comment are not."""
    script = _script()
    (tmp_path / "ui").mkdir()
    (tmp_path / "domain").mkdir()
    (tmp_path / "ui" / "screen.py").write_text(
        '"""A screen («حفظ» in a docstring is for programmers)."""\n'
        '# a comment: حفظ\n'
        'LABEL = "حفظ"\n'
        'def title(n):\n'
        '    """Docstring: عنوان."""\n'
        '    return f"السجلات: {n}"\n'
        'WORDS = {"yes": "نعم"}\n', encoding="utf-8")
    (tmp_path / "domain" / "other.py").write_text('TATWEEL = "\\u0640"\n', encoding="utf-8")
    (tmp_path / "domain" / "arabic.py").write_text('FOLDS = {"أ": "ا"}\n', encoding="utf-8")  # an allowed file
    found = script.arabic_literals(tmp_path)
    assert sorted(line.split(": ", 1)[0] for line in found) == ["domain/other.py:1", "ui/screen.py:3", "ui/screen.py:6",
                                                          "ui/screen.py:7"], found
    stale = script.stale_allowances(tmp_path)
    assert "allowed file no longer exists: domain/digits.py" in stale
    assert any("cards/payload.py" in line for line in stale)
