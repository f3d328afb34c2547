"""HQ's command line asks in the user's language, like the office's (tests/core/test_cli_prompts.py).
Needs the HQ extra (argon2 for staff passwords), hence here and not in tests/core."""

from __future__ import annotations

from cli_process import fundclient_typed as fc


def test_hq_add_user_asks_twice_in_the_chosen_language(tmp_path):
    """HQ's `add-user` (no --password-file): the password asked twice, in French; two different
    answers are refused and said so."""
    hq = tmp_path / "hq"
    assert fc(tmp_path, "hq", "--hq-dir", str(hq), "init").returncode == 0
    done = fc(tmp_path, "hq", "--hq-dir", str(hq), "add-user", "salem", "--role", "reviewer",
              typed="Salem-pass-2026\nSalem-pass-2026\n", lang="fr")
    assert done.returncode == 0, done.stderr
    assert "Mot de passe : " in done.stderr and "Encore une fois : " in done.stderr
    differ = fc(tmp_path, "hq", "--hq-dir", str(hq), "add-user", "amal", "--role", "viewer",
                typed="Amal-pass-2026\nAmal-pass-2027\n", lang="ar")
    assert differ.returncode == 2 and "كلمة المرور: " in differ.stderr and "مرة أخرى: " in differ.stderr
