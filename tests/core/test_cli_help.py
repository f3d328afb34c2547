"""`fundclient --help` in the CLI's language (#16 item 1): every help text of every parser is a
catalogue entry translated in every language, argparse's own words ("usage:", "options",
"unrecognized arguments") come from the same catalogue, and the language is the one rule of
cli/output.py (--lang, else the office's setting, else Arabic and English both). The commands
run as processes, the way a person types them. No Qt here (core venv)."""

from __future__ import annotations

import argparse
import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from fundclient.catalogue import available_languages
from fundclient.cli import build_parser
from fundclient.cli.parser import ARGPARSE_TEXTS, speaking
from fundclient.cli.parser import text as translated
from fundclient.errors import ExitCode

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"


def _catalogues() -> dict[str, dict[str, str]]:
    """language -> {English: translation} of the plain (context-free) entries."""
    out = {}
    for language in available_languages():
        po = ROOT / "translations" / f"{language}.po"
        if po.exists():
            with open(po, "rb") as fh:
                out[language] = {m.id: m.string for m in read_po(fh) if m.id and not m.context}
    return out


def _parsers(parser: argparse.ArgumentParser, path: tuple[str, ...] = ("fundclient",)):
    """Every parser of the tree with its command path (hq's commands included)."""
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen = set()
            for name, sub in action.choices.items():
                if id(sub) not in seen:
                    seen.add(id(sub))
                    yield from _parsers(sub, path + (name,))


def help_texts(parser: argparse.ArgumentParser):
    """(where, text) of every help text shown: descriptions, epilogs, group titles, each
    option's, argument's and sub-command's help; (where, None) for an argument shown without one."""
    for path, p in _parsers(parser):
        where = " ".join(path)
        for text in (p.description, p.epilog):
            if text:
                yield where, text
        for group in p._action_groups:
            if group.title:
                yield where, group.title
        for action in p._actions:
            if action.help == argparse.SUPPRESS:
                continue
            name = "/".join(action.option_strings) or action.dest
            if action.help is not None or not isinstance(action, argparse._SubParsersAction):
                yield f"{where} {name}", action.help  # (a list of commands needs no line of its own)
            for choice in getattr(action, "_choices_actions", ()):
                yield f"{where} {choice.dest}", choice.help


def untranslated_help(parser: argparse.ArgumentParser) -> list[str]:
    """Every help text that is not a catalogue entry translated in every language, and every
    argument with no help at all (its reader would see a bare English name)."""
    catalogues = _catalogues()
    wrong = []
    for where, text in help_texts(parser):
        if text is None:
            wrong.append(f"{where}: no help text")
            continue
        for language, entries in catalogues.items():
            if not entries.get(text):
                wrong.append(f"{where}: {text!r} has no {language} translation (N_(…), then extract)")
    return wrong


def test_every_help_text_of_every_parser_is_translated():
    wrong = untranslated_help(build_parser())
    assert wrong == [], "\n".join(wrong)


def test_an_english_only_help_text_fails_the_check():
    parser = build_parser()
    sync = next(p for path, p in _parsers(parser) if path == ("fundclient", "sync"))
    sync.add_argument("--new-thing", help="a help text someone forgot to mark")
    sync.add_argument("--bare")
    wrong = untranslated_help(parser)
    assert any("--new-thing" in w and "no ar translation" in w for w in wrong), wrong
    assert any("--new-thing" in w and "no fr translation" in w for w in wrong), wrong
    assert any("--bare: no help text" in w for w in wrong), wrong


def test_argparse_own_words_are_in_the_catalogue():
    """Every msgid the running Python's argparse asks gettext for is listed in ARGPARSE_TEXTS
    (and so extracted and translated): a newer Python with a new word fails here."""
    tree = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    asked = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext"):
            for arg in node.args[:2 if node.func.id == "ngettext" else 1]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    asked.add(arg.value)
    assert asked and asked <= set(ARGPARSE_TEXTS), sorted(asked - set(ARGPARSE_TEXTS))
    catalogues = _catalogues()
    for language, entries in catalogues.items():
        assert [t for t in ARGPARSE_TEXTS if not entries.get(t)] == [], language


def run(*argv: str, data_dir: Path, columns: int = 80) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(SRC), FUNDCLIENT_DATA_DIR=str(data_dir), COLUMNS=str(columns),
               PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "fundclient", *argv], capture_output=True, text=True,
                          encoding="utf-8", env=env, timeout=120)


def test_french_help_of_a_command(data_dir):
    done = run("--lang", "fr", "sync", "--help", data_dir=data_dir)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith("utilisation\u00a0: fundclient sync")
    assert "envoie les lots scellés au siège" in out
    assert "affiche cette aide et quitte" in out and "affiche un résumé JSON" in out
    assert "show this help" not in out and "usage:" not in out and "print a JSON" not in out


def test_arabic_help_wraps_at_spaces_only(data_dir):
    """COLUMNS=80: no line is longer, and every translated help text is in the output word for
    word (a line never breaks inside a word, a command such as enrol-request, or a path)."""
    for command in ((), ("enrol",), ("hq",), ("operators", "add")):
        done = run("--lang", "ar", *command, "--help", data_dir=data_dir)
        assert done.returncode == 0, done.stderr
        out = done.stdout
        assert out.startswith("الاستعمال: fundclient"), out[:80]
        assert "show this help" not in out and "options:" not in out
        assert max(len(line) for line in out.splitlines()) <= 80
        flat = " " + " ".join(out.split()) + " "
        shown = next(p for path, p in _parsers(build_parser()) if path == ("fundclient",) + command)
        texts = [shown.description] + [a.help for a in shown._actions] + [
            c.help for a in shown._actions for c in getattr(a, "_choices_actions", ())]
        with speaking("ar"):
            expected = [translated(t) for t in texts if t and t != argparse.SUPPRESS and "%" not in t]
        assert len(expected) >= 3
        for text in expected:
            assert " " + " ".join(text.split()) + " " in flat, text


def test_a_wrong_option_is_refused_in_the_chosen_language(data_dir):
    """argparse's refusal in the person's language, exit code 2 ("cannot start", docs/install.md)."""
    done = run("--lang", "fr", "sync", "--bogus", data_dir=data_dir)
    assert done.returncode == ExitCode.CANNOT_START == 2
    assert "utilisation\u00a0: fundclient" in done.stderr
    assert "fundclient\u00a0: erreur\u00a0: arguments non reconnus\u00a0: --bogus" in done.stderr
    assert "error" not in done.stderr and done.stdout == ""

    done = run("--lang", "ar", "sync", "--bogus", data_dir=data_dir)
    assert done.returncode == ExitCode.CANNOT_START
    assert "fundclient: خطأ: معاملات غير معروفة: --bogus" in done.stderr and "unrecognized" not in done.stderr

    done = run("--lang", "fr", "hq", "revoke-card", "12", data_dir=data_dir)
    assert done.returncode == ExitCode.CANNOT_START
    assert "fundclient hq revoke-card\u00a0: erreur\u00a0: les arguments suivants sont requis\u00a0: --reason" \
        in done.stderr

    done = run("--lang", "ar", "report", "--by", "nobody", data_dir=data_dir)
    assert done.returncode == ExitCode.CANNOT_START
    assert "اختيار غير صالح" in done.stderr and "invalid choice" not in done.stderr


def test_no_office_no_lang_speaks_both_arabic_first(data_dir):
    """The rule's third case (no office set up): the help in Arabic, then in English; a refusal
    said in Arabic, then in English."""
    done = run("sync", "--help", data_dir=data_dir)
    assert done.returncode == 0
    out = done.stdout
    assert "يعرض هذه المساعدة ثم يخرج" in out and "show this help message and exit" in out
    assert out.index("الاستعمال:") < out.index("usage:")
    done = run("sync", "--bogus", data_dir=data_dir)
    assert done.returncode == ExitCode.CANNOT_START
    err = done.stderr
    assert "معاملات غير معروفة: --bogus" in err and "fundclient: error: unrecognized arguments: --bogus" in err
    assert err.index("معاملات") < err.index("unrecognized")


def test_the_office_language_setting_chooses_and_lang_beats_it(data_dir, tmp_path):
    from fundclient.config import Settings

    Settings(language="fr").save(data_dir)
    done = run("sync", "--help", data_dir=data_dir)
    assert "affiche cette aide et quitte" in done.stdout and "يعرض" not in done.stdout
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    Settings(language="en").save(elsewhere)  # --data-dir is read as the rule reads it
    done = run("--data-dir", str(elsewhere), "sync", "--help", data_dir=data_dir)
    assert "show this help message and exit" in done.stdout and "affiche" not in done.stdout
    done = run("--lang", "ar", "sync", "--bogus", data_dir=data_dir)
    assert "معاملات غير معروفة" in done.stderr and "non reconnus" not in done.stderr


def test_other_parsers_keep_gettext(capsys):
    """Only our parsers speak from the catalogue: another argparse parser in the same process
    (pytest's, a script's) is left to gettext, as before."""
    import fundclient.cli.parser  # noqa: F401 - installed

    other = argparse.ArgumentParser(prog="other")
    with pytest.raises(SystemExit) as exit_:
        other.parse_args(["--nope"])
    assert exit_.value.code == 2
    assert "other: error: unrecognized arguments: --nope" in capsys.readouterr().err


def test_building_the_parser_loads_no_catalogue():
    """Help is translated when shown: building the parser (every command does) reads no .po/.mo."""
    code = ("import sys; from fundclient.cli import build_parser; from fundclient import catalogue;"
            "build_parser().parse_args(['status']); print(sorted(catalogue._loaded))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=dict(os.environ, PYTHONPATH=str(SRC))).stdout
    assert out.strip() == "[]"



def test_a_refusal_outside_a_parse_is_said_and_exits_2(capsys):
    """`parser.error(…)` called by code after parsing: said in the language, exit 2, as argparse does."""
    parser = build_parser()
    with speaking("fr"), pytest.raises(SystemExit) as exit_:
        parser.error("le fichier manque")
    assert exit_.value.code == ExitCode.CANNOT_START
    assert "fundclient\u00a0: erreur\u00a0: le fichier manque" in capsys.readouterr().err
