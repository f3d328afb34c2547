"""The command line asks in the user's language (the CLI's one language rule, cli.output):
`--lang`, else the office's `language` setting, else Arabic and English on one line. The prompts
are catalogue entries like everything the commands print.

Real `fundclient` processes on real encrypted offices; passwords typed on standard input (the
process has no terminal: `start_new_session` — getpass then reads stdin and prompts on stderr).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from cli_process import fundclient_typed as fc
from fundclient.config import Settings

PASSWORD = "Brak-admin-2026"


def setup(data_dir: Path, lang: str | None) -> subprocess.CompletedProcess:
    return fc(data_dir, "setup", "--office", "BRK", "--admin", "admin", "--full-name", "المدير",
              typed=f"{PASSWORD}\n{PASSWORD}\n", lang=lang)


@pytest.mark.parametrize("lang, asked, again", [
    ("en", "Administrator password: ", "Again: "),
    ("ar", "كلمة مرور المدير: ", "مرة أخرى: "),
    ("fr", "Mot de passe de l'administrateur : ", "Encore une fois : "),
])
def test_setup_asks_for_the_password_in_the_chosen_language(tmp_path, lang, asked, again):
    done = setup(tmp_path / "office", lang)
    assert done.returncode == 0, done.stderr
    assert asked in done.stderr and again in done.stderr
    others = {"Administrator password", "كلمة مرور المدير", "Mot de passe de l'administrateur"} - {asked.split(":")[0].rstrip()}
    assert not any(word in done.stderr for word in others), done.stderr


def test_with_no_office_yet_the_prompt_is_arabic_then_english(tmp_path):
    done = setup(tmp_path / "office", None)
    assert done.returncode == 0, done.stderr
    assert "كلمة مرور المدير / Administrator password: " in done.stderr
    assert "مرة أخرى / Again: " in done.stderr


def test_the_office_s_language_setting_chooses_the_prompts(tmp_path):
    data_dir = tmp_path / "office"
    assert setup(data_dir, "en").returncode == 0
    settings = Settings.load(data_dir)
    settings.language = "fr"
    settings.save(data_dir)
    done = fc(data_dir, "reset-password", "--user", "admin", typed="not-a-key\n")
    assert "Clé de récupération : " in done.stdout + done.stderr  # typed where it can be seen: input()
    assert "Recovery key" not in done.stdout + done.stderr and "مفتاح الاسترداد" not in done.stdout + done.stderr


def test_restore_asks_for_yes_in_the_user_s_language(tmp_path):
    """«Tapez oui»: French answers «oui» (English «yes» always works too); anything else keeps the data."""
    data_dir = tmp_path / "office"
    assert setup(data_dir, "fr").returncode == 0
    backup = fc(data_dir, "backup", "--user", "admin", "--to", str(tmp_path / "backups"), typed=f"{PASSWORD}\n",
                lang="fr")
    assert backup.returncode == 0, backup.stderr
    assert "Mot de passe : " in backup.stderr
    files = sorted((tmp_path / "backups").iterdir())
    assert files
    refused = fc(data_dir, "restore", str(files[0]), typed="non\n", lang="fr")
    assert refused.returncode == 2 and "Tapez oui pour continuer" in refused.stdout, refused.stdout + refused.stderr
    restored = fc(data_dir, "restore", str(files[0]), typed="oui\n", lang="fr")
    assert restored.returncode == 0, restored.stdout + restored.stderr
