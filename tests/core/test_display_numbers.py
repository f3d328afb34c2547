"""Counts in a sentence go through the one display rule (`domain.display`): grouped by thousands
with the language's sign and in the office's digits — 1,234 in English, 1 234 in French,
١٬٢٣٤ in Arabic with Arabic-Indic digits — never Python's Latin-comma `f"{n:,}"` in an Arabic
or French sentence. The office's upgrade at its opening is told in one sentence of the catalogue,
the same for the sign-in window and the CLI's line (`storage.upgrade_progress.said`)."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from babel.numbers import get_group_symbol

from fundclient import storage
from fundclient.config import Settings
from fundclient.domain import display
from fundclient.domain.display import GROUP_SIGNS, Number
from fundclient.domain.synthetic import generate
from fundclient.errors import Message
from fundclient.storage import duplicate_rule, upgrade_progress
from fundclient.storage.bulk import bulk_add

PASSWORD = "correct horse 1"
NNBSP = "\u202f"  # French thousands sign (CLDR)


@pytest.fixture
def western_digits():
    before = display.rule()
    display.configure(arabic_indic=False)
    yield
    display.configure(arabic_indic=before.arabic_indic)


@pytest.fixture
def arabic_indic_digits():
    before = display.rule()
    display.configure(arabic_indic=True)
    yield
    display.configure(arabic_indic=before.arabic_indic)


def test_the_known_thousands_signs_are_cldrs():
    for language, sign in GROUP_SIGNS.items():
        assert sign == get_group_symbol(language, numbering_system="latn"), language
    assert display.group_sign("de") == get_group_symbol("de", numbering_system="latn") == "."


def test_a_number_in_a_sentence_is_grouped_in_the_language_it_is_shown_in(western_digits):
    sentence = Message("Preparing this office's records for the new version: {done} of {total} beneficiaries "
                       "({percent}%).").format(done=Number(1234), total=Number(1000000), percent=Number(0))
    assert "1,234 of 1,000,000 beneficiaries (0%)" in sentence.in_language("en")
    assert f"1{NNBSP}234 sur 1{NNBSP}000{NNBSP}000 bénéficiaires (0 %)" in sentence.in_language("fr")
    assert "1,234 من 1,000,000 منتفع (0٪)" in sentence.in_language("ar")
    plain = Message("Report written ({rows} row(s)): {path}").format(rows=2026, path="x")
    assert "2026" in plain.in_language("fr")  # a plain int is not a count: as written


def test_arabic_indic_digits_group_with_the_arabic_thousands_sign(arabic_indic_digits):
    sentence = upgrade_progress.said("keys", 12345, 1000000)
    text = sentence.in_language("ar")
    assert "١٢٬٣٤٥ من ١٬٠٠٠٬٠٠٠ منتفع (١٪)" in text, text
    assert "," not in text and "1" not in text
    assert "12,345 of 1,000,000 beneficiaries (1%)" in sentence.in_language("en")  # English keeps Western digits
    assert display.rule().number(1234567, "ar") == "١٬٢٣٤٬٥٦٧"


def test_the_upgrade_is_told_in_one_sentence_for_both_stages(western_digits):
    counted = upgrade_progress.said("keys", 3, 12).in_language("en")
    assert counted == ("Preparing this office's records for the new version: 3 of 12 beneficiaries (25%). "
                       "This happens once after an update; keep the computer on.")
    last = upgrade_progress.said("index", 12, 12).in_language("fr")
    assert last.startswith("Préparation des dossiers de ce bureau pour la nouvelle version : dernière étape")
    assert "laissez l’ordinateur allumé" in last


def _cli(data_dir, lang):
    password = data_dir / "pw"
    password.write_text(PASSWORD + "\n", encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "fundclient", "--data-dir", str(data_dir), "--lang", lang,
                           "audit", "verify", "--user", "admin", "--password-file", str(password)],
                          capture_output=True, text=True, encoding="utf-8", timeout=300)


def _older_rule(data_dir):
    store, _ = storage.open_store(data_dir, "admin", PASSWORD)
    try:
        with store.writer_connection() as conn:
            conn.exec_driver_sql("UPDATE meta SET value = '1' WHERE name = ?", (duplicate_rule.META_ROW,))
    finally:
        store.close()


def test_the_cli_prints_the_upgrades_counts_grouped_in_french_and_in_arabic(tmp_path):
    """The real `fundclient` process at the first opening after an update, on an office of 1,003
    holders: the line's counts in the language's grouping; in Arabic with the office's
    Arabic-Indic digits, the Arabic thousands sign (not a Latin comma)."""
    office = tmp_path / "office"
    storage.initialise(office, "SEB", "admin", PASSWORD, "مدير النظام")
    store, _ = storage.open_store(office, "admin", PASSWORD)
    try:
        bulk_add(store, generate(1003, seed=7), by="admin", batch_size=500)
    finally:
        store.close()
    _older_rule(office)
    arabic = tmp_path / "arabic"
    shutil.copytree(office, arabic)

    french = _cli(office, "fr")
    assert french.returncode == 0, french.stderr
    assert f"0 sur 1{NNBSP}003 bénéficiaires (0 %)" in french.stderr, french.stderr
    assert f"1{NNBSP}003 sur 1{NNBSP}003 bénéficiaires (100 %)" in french.stderr, french.stderr
    assert "1,003" not in french.stderr

    settings = Settings.load(arabic)
    settings.arabic_indic_digits = True
    settings.save(arabic)
    result = _cli(arabic, "ar")
    assert result.returncode == 0, result.stderr
    assert "تجهيز سجلات هذا المكتب للإصدار الجديد: ٠ من ١٬٠٠٣ منتفع (٠٪)." in result.stderr, result.stderr
    assert "١٬٠٠٣ من ١٬٠٠٣ منتفع (١٠٠٪)." in result.stderr, result.stderr
    assert "يحدث هذا مرة واحدة بعد التحديث" in result.stderr
    assert "1,003" not in result.stderr and "١,٠٠٣" not in result.stderr
