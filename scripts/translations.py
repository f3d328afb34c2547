#!/usr/bin/env python3
"""The one message catalogue: every user-facing string of fundclient (gettext, Babel).

    python scripts/translations.py extract           # code + console templates -> translations/fundclient.pot,
                                                     # and every translations/<lang>.po brought in step
    python scripts/translations.py check             # what the test suite checks (untranslated, unused, placeholders)
    python scripts/translations.py missing [--language fr] [--tsv]   # strings still to translate
    python scripts/translations.py set [--language ar] [--context C] "English" "ترجمة"
    python scripts/translations.py fill FILE.tsv [--language fr]     # CONTEXT<TAB>ENGLISH<TAB>TRANSLATION per line
    python scripts/translations.py build             # .po -> src/fundclient/locale/<lang>.mo (installer; gitignored)
    python scripts/translations.py add-language xx   # a new language: translations/xx.po with every string to do

**Adding a string.** Write it in English where it is shown: `Message("Saved {count} records.")`
in core code (then `.format(count=n)`), `self.tr("Save")` in widgets and cards (ui/, cards/),
`t("Offices")` in an HQ console template, `help=N_("…")` for the command line's help
(cli/parser.py translates it when the help is shown). One English text that needs two different
translations gets a context: `Message("Active", context="operator access")`,
`self.tr("Clerk", "role")` (Qt's disambiguation), `pt("record status", "duplicate")` in a
template. Then `extract`, translate (`set`, `fill`, or any .po editor) and run `check`.

**Adding a language.** `add-language xx`, translate translations/xx.po, `check`. No code
changes: the app's settings, the command line's `--lang` and the HQ console offer every
language with a catalogue (fundclient.catalogue.available_languages).

English is the source language and needs no .po. The app compiles a .po newer than its .mo in
memory, so a checkout never shows stale text; `build` makes the .mo files the installer ships.
Placeholders — `{name}` in Message/console strings, `%1`, `%n` in Qt strings — must appear in
every translation exactly as in the English text; a translation that leaves one out on purpose
(a technical detail only the English log line carries) has the flag `#, omits-placeholder`.
"""

from __future__ import annotations

import argparse
import ast
import csv
import re
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parent.parent
PO_DIR = ROOT / "translations"
POT = PO_DIR / "fundclient.pot"
PACKAGE = ROOT / "src" / "fundclient"
MO_DIR = PACKAGE / "locale"
TEMPLATES = PACKAGE / "hq" / "console" / "templates"
SOURCE_LANGUAGE = "en"


class Found(NamedTuple):
    context: str | None
    msgid: str
    where: str  # path relative to the repository (no line: several people add strings at once)


# --- extraction ----------------------------------------------------------------------------

def _const(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _wrappers(tree: ast.Module) -> dict[str, str | None]:
    """Module helpers such as `def _tr(text): return QCoreApplication.translate("Ctx", text)`."""
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.body:
            ret = node.body[-1]
            call = ret.value if isinstance(ret, ast.Return) else None
            if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "translate" and len(call.args) >= 2
                    and _const(call.args[0]) is not None and isinstance(call.args[1], ast.Name)):
                found[node.name] = _const(call.args[2]) if len(call.args) > 2 else None
    return found


def python_strings(path: Path) -> list[Found]:
    """Message("…", context=…), self.tr("…", "disambiguation"), X.translate("Ctx", "…", "dis"),
    and module `_tr("…")` helpers — the string must be written out (a literal) to be found."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    where = path.relative_to(ROOT).as_posix()
    wrappers = _wrappers(tree)
    out = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        args = node.args
        kw = {k.arg: k.value for k in node.keywords}
        if name == "Message":
            text = _const(args[0]) if args else None
            if text is not None:
                out.append(Found(_const(kw.get("context")), text, where))
        elif name == "tr" and isinstance(func, ast.Attribute):
            text = _const(args[0]) if args else None
            if text is not None:
                out.append(Found(_const(args[1]) if len(args) > 1 else None, text, where))
        elif name == "translate" and isinstance(func, ast.Attribute) and len(args) >= 2:
            text = _const(args[1])
            if text is not None and _const(args[0]) is not None:
                out.append(Found(_const(args[2]) if len(args) > 2 else None, text, where))
        elif name in ("QT_TRANSLATE_NOOP", "QT_TRANSLATE_NOOP3") and len(args) >= 2:
            text = _const(args[1])
            if text is not None:
                out.append(Found(_const(args[2]) if len(args) > 2 else None, text, where))
        elif name == "QT_TR_NOOP":
            text = _const(args[0]) if args else None
            if text is not None:
                out.append(Found(None, text, where))
        elif name in ("N_",):  # marks a text translated later (a table of labels)
            text = _const(args[0]) if args else None
            if text is not None:
                out.append(Found(_const(kw.get("context")), text, where))
        elif isinstance(func, ast.Name) and name in wrappers:
            text = _const(args[0]) if args else None
            if text is not None:
                out.append(Found(wrappers[name], text, where))
    return out


_TEMPLATE_CALL = re.compile(r"""\b(t|pt)\(\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')(?=\s*[,)])"""
                            r"""(?:\s*,\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'))?""")


def template_strings(path: Path) -> list[Found]:
    """`t("…")` and `pt("context", "…")` in the HQ console's Jinja2 templates (string literals:
    a computed `t(key)` is a key of hq/console/i18n.py BY_KEY, whose Messages are found there)."""
    where = path.relative_to(ROOT).as_posix()
    out = []
    for m in _TEMPLATE_CALL.finditer(path.read_text(encoding="utf-8")):
        first = ast.literal_eval(m.group(2))
        if m.group(1) == "t":
            out.append(Found(None, first, where))
        elif m.group(3):
            out.append(Found(first, ast.literal_eval(m.group(3)), where))
    return out


def needs_translation(msgid: str) -> bool:
    """False for a pattern of placeholders and spaces only ("{first} {then}"): nothing to translate."""
    return bool(BRACES.sub("", msgid).strip())


REFERENCE_DATA = PACKAGE / "domain" / "reference_data.json"
# Place names read the same in every language written in Latin letters: not translated.
REFERENCE_UNTRANSLATED = ("municipalities",)


def reference_strings(path: Path = REFERENCE_DATA) -> list[Found]:
    """The English labels of the bundled reference data (lists, categories and their fields),
    context "reference data": the data carries Arabic and English, the catalogue every other
    language (errors.Message.fixed, domain.reference.RefItem.label)."""
    import json

    if str(ROOT / "src") not in sys.path:
        sys.path.insert(0, str(ROOT / "src"))
    from fundclient.errors import DATA_CONTEXT

    data = json.loads(path.read_text(encoding="utf-8"))
    where = str(path.relative_to(ROOT))
    found = []
    for name, entries in data.items():
        if not isinstance(entries, list) or name in REFERENCE_UNTRANSLATED:
            continue
        for entry in entries:
            found += [Found(DATA_CONTEXT, entry[key], where) for key in ("en", "hint_en") if entry.get(key)]
            for field in entry.get("fields", []):
                found += [Found(DATA_CONTEXT, field[key], where) for key in ("en", "hint_en") if field.get(key)]
    return found


def extract_all() -> list[Found]:
    found = [f for p in sorted(PACKAGE.rglob("*.py")) for f in python_strings(p)]
    if TEMPLATES.is_dir():
        found += [f for p in sorted(TEMPLATES.glob("*.html")) for f in template_strings(p)]
    found += reference_strings()
    return [f for f in found if needs_translation(f.msgid)]


def template_catalog():
    from babel.messages.catalog import Catalog

    # a fixed date: the .pot changes only when the strings do (several people extract at once)
    catalog = Catalog(project="fundclient", domain="fundclient", charset="utf-8", fuzzy=False,
                      creation_date=datetime(2026, 1, 1, tzinfo=timezone.utc))
    for f in extract_all():
        entry = catalog.get(f.msgid, context=f.context)
        if entry is None:
            catalog.add(f.msgid, context=f.context, locations=[(f.where, None)], flags=_flags(f.msgid))
        elif (f.where, None) not in entry.locations:
            entry.locations.append((f.where, None))
    return catalog


def _flags(msgid: str) -> tuple[str, ...]:
    return ("python-brace-format",) if BRACES.search(msgid) else ()


# --- catalogues ----------------------------------------------------------------------------

def po_path(language: str) -> Path:
    return PO_DIR / f"{language}.po"


def languages() -> list[str]:
    return sorted(p.stem for p in PO_DIR.glob("*.po"))


def read(language: str):
    from babel.messages.pofile import read_po

    with open(po_path(language), "rb") as fh:
        return read_po(fh, locale=language)


def write(catalog, path: Path) -> None:
    from babel.messages.pofile import write_po

    with open(path, "wb") as fh:
        write_po(fh, catalog, width=0, sort_output=True, include_lineno=False, ignore_obsolete=True)


def extract() -> int:
    template = template_catalog()
    write(template, POT)
    print(f"{POT.relative_to(ROOT)}: {len(template)} strings")
    for language in languages():
        catalog = read(language)
        catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
        write(catalog, po_path(language))
        todo = sum(1 for m in catalog if m.id and not m.string)
        print(f"{po_path(language).relative_to(ROOT)}: {todo} to translate")
    return 0


def add_language(language: str) -> int:
    from babel.messages.catalog import Catalog

    if po_path(language).exists() or language == SOURCE_LANGUAGE:
        print(f"{language} exists already", file=sys.stderr)
        return 1
    catalog = Catalog(locale=language, project="fundclient", domain="fundclient")
    catalog.update(template_catalog(), no_fuzzy_matching=True)
    write(catalog, po_path(language))
    print(f"wrote {po_path(language).relative_to(ROOT)}: translate it, then `check`")
    return 0


def build(out_dir: Path = MO_DIR) -> list[Path]:
    from babel.messages.mofile import write_mo

    out_dir.mkdir(parents=True, exist_ok=True)
    made = []
    for language in languages():
        target = out_dir / f"{language}.mo"
        with open(target, "wb") as fh:
            write_mo(fh, read(language))
        made.append(target)
        print(f"built {target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}")
    return made


# --- the check -----------------------------------------------------------------------------

BRACES = re.compile(r"(?<!\{)\{([A-Za-z_]\w*)?(?:![rsa])?(?::[^{}]*)?\}(?!\})")
QT_ARGS = re.compile(r"%(?:\d+|n)")
# printf style, as argparse's own words and help texts use it: %s, %r, %(name)s, %(name)r
PRINTF = re.compile(r"%(?:\([A-Za-z_]\w*\))?[sdr]")


def placeholders(text: str) -> set[str]:
    clean = text.replace("{{", "").replace("}}", "")
    printf = set(PRINTF.findall(text.replace("%%", "")))
    return {"{" + (m.group(1) or "") + "}" for m in BRACES.finditer(clean)} | set(QT_ARGS.findall(text)) | printf


def problems(language: str | None = None) -> list[str]:
    """Everything wrong with the catalogues, one line each (empty: all is well)."""
    wanted = {(f.context, f.msgid): f.where for f in extract_all()}
    out = []
    for lang in [language] if language else languages():
        catalog = read(lang)
        have = {}
        for m in catalog:
            if not m.id:
                continue
            have[(m.context, m.id)] = m
            if (m.context, m.id) not in wanted:
                out.append(f"{lang}.po: unused entry (no code shows it): {m.id!r}"
                           + (f" [context {m.context!r}]" if m.context else ""))
            elif m.string:
                extra = placeholders(m.string) - placeholders(m.id)
                dropped = placeholders(m.id) - placeholders(m.string)
                if extra or dropped and "omits-placeholder" not in m.flags:
                    out.append(f"{lang}.po: placeholders differ in {m.id!r}: {sorted(placeholders(m.id))} "
                               f"vs {sorted(placeholders(m.string))}")
                if m.fuzzy:
                    out.append(f"{lang}.po: fuzzy (unchecked) translation of {m.id!r}")
        for key, where in wanted.items():
            entry = have.get(key)
            if entry is None or not entry.string:
                out.append(f"{lang}.po: untranslated ({where}): {key[1]!r}"
                           + (f" [context {key[0]!r}]" if key[0] else ""))
    return out


# --- no text outside the catalogue ------------------------------------------------------------

# Arabic script (letters, digits, punctuation, presentation forms; not U+FEFF, the BOM).
ARABIC_SCRIPT = re.compile("[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFC]")

# Where Arabic may be written in the code because it is not a text shown to people but a rule
# about Arabic writing, or made-up data. Every user-facing Arabic text is a catalogue entry.
ARABIC_ALLOWED_FILES = {
    "domain/arabic.py": "name normalisation rules (letter folds, marks) for search and duplicates",
    "domain/name_match.py": "name matching rules (compound names, particles)",
    "domain/digits.py": "digit tables (Arabic-Indic, Eastern Arabic)",
    "domain/display.py": "display rule tables (Arabic thousands separator, punctuation around a value)",
    "domain/synthetic.py": "spelling variants of made-up names (tests, benchmarks, demo)",
    "domain/synthetic_names.py": "made-up Arabic names (tests, benchmarks, demo)",
    "cards/sample.py": "the made-up beneficiary of the sample card and receipt",
    "catalogue.py": "each language's own name",
}
ARABIC_ALLOWED_LITERALS = {
    ("domain/fields.py", "\u0640"): "tatweel, removed from what is typed",
    ("cards/payload.py", "\u0640"): "tatweel, removed before the name digest",
    ("hq/lookup.py", "ال"): "the article, left out of a family name's initial",
    **{("domain/fields.py", f"e.g. {name}"): "an example name in a name field's hint: names are written in "
       "Arabic whatever the interface's language" for name in ("محمد", "علي", "عبد الله", "الورفلي")},
    ("config.py", "صندوق التأمين الصحي العام – المنطقة الجنوبية"): "the default of the fund_name setting "
       "(the fund's name is data the office sets; the Arabic documents print it)",
    ("ui/qt_selftest.py", "المنتفع"): "the self-test's sample word: the bundled font must draw Arabic",
    ("ui/first_run/printing.py", "المنتفع — الرقم الوطني ١٢٣٤٥٦٧٨٩٠١٢ — البطاقة التأمينية"):
        "the printer test page's Arabic sample line: it checks Arabic printing in any interface language",
    ("cli/hq.py", 'entry as JSON, e.g. {"ar": "سبها", "en": "Sabha"}'): "an example of reference data as HQ "
       "staff type it",
    **{("demo.py", name): "a demo operator's name (data)" for name in ("موظف تجريبي", "مشرف تجريبي", "مدير تجريبي")},
    **{("selftest.py", name): "the self-test's made-up operator and beneficiary (data)"
       for name in ("اختبار ذاتي", "منتفع تجريبي", "منتفع", "تجريبي")},
}


def _docstrings(tree: ast.Module) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def arabic_literals(package: Path = PACKAGE) -> list[str]:
    """Every string literal in the code holding Arabic script that is not in the allow-lists
    above (docstrings and comments are for programmers and are not looked at): a user-facing
    text must be a catalogue entry (English msgid, Arabic in translations/ar.po)."""
    out = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if rel in ARABIC_ALLOWED_FILES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docs = _docstrings(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs
                    and ARABIC_SCRIPT.search(node.value) and (rel, node.value) not in ARABIC_ALLOWED_LITERALS):
                out.append(f"{rel}:{node.lineno}: Arabic text outside the catalogue: {node.value[:80]!r}")
    return out


def stale_allowances(package: Path = PACKAGE) -> list[str]:
    """Allow-list entries that name a file or a literal the code no longer has (keep the list true)."""
    seen = set()
    for rel, value in ARABIC_ALLOWED_LITERALS:
        path = package / rel
        if path.exists():
            tree = ast.parse(path.read_text(encoding="utf-8"))
            seen |= {(rel, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value == value}
    return ([f"allowed Arabic literal no longer in the code: {rel}: {value!r}"
             for rel, value in ARABIC_ALLOWED_LITERALS if (rel, value) not in seen]
            + [f"allowed file no longer exists: {rel}" for rel in ARABIC_ALLOWED_FILES if not (package / rel).exists()])


def check() -> int:
    found = problems() + arabic_literals() + stale_allowances()
    for line in found:
        print(line)
    print(f"{len(found)} problem(s)" if found else "every string is translated in every catalogue")
    return 1 if found else 0


# --- filling in ----------------------------------------------------------------------------

def set_many(entries: list[tuple[str, str, str]], language: str) -> int:
    """(context, English, translation): the context is used when the catalogue has an entry for
    it, else the plain entry of that English text (so a TSV keyed by Qt class names still fits)."""
    catalog = read(language)
    done, unknown = 0, []
    for ctx, src, text in entries:
        if not text.strip():
            continue
        entry = (catalog.get(src, context=ctx or None) if ctx else None) or catalog.get(src)
        if entry is None:
            matches = [m for m in catalog if m.id == src]
            entry = matches[0] if len(matches) == 1 else None
        if entry is None:
            unknown.append((ctx, src))
            continue
        entry.string = text
        entry.flags.discard("fuzzy")
        done += 1
    write(catalog, po_path(language))
    for ctx, src in unknown:
        print(f"not in the catalogue (run `extract` first?): [{ctx}] {src!r}", file=sys.stderr)
    print(f"set {done} translation(s) in {po_path(language).relative_to(ROOT)}")
    return 0 if not unknown else 1


def fill(path: Path, language: str) -> int:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.reader(fh, delimiter="\t") if len(row) >= 3]
    return set_many([(r[0], r[1], r[2]) for r in rows], language)


def missing(language: str, tsv: bool) -> int:
    catalog = read(language)
    todo = [m for m in catalog if m.id and not m.string]
    if tsv:
        writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
        for m in todo:
            writer.writerow([m.context or "", m.id, ""])
    else:
        for m in todo:
            print(f"  {m.id!r}" + (f" [{m.context}]" if m.context else ""))
        print(f"{len(todo)} string(s) without a {language} translation")
    return 1 if todo else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("extract", help="collect every string into fundclient.pot and bring the .po files in step")
    sub.add_parser("check", help="fail on untranslated, unused or placeholder-mismatched strings")
    make = sub.add_parser("build", help="compile the .po files into the package's locale/ folder")
    make.add_argument("--out", type=Path, default=MO_DIR, help="another folder (the installer's build)")
    new = sub.add_parser("add-language", help="start translations/LANG.po")
    new.add_argument("language")
    miss = sub.add_parser("missing", help="list strings without a translation")
    miss.add_argument("--language", default="ar")
    miss.add_argument("--tsv", action="store_true", help="print CONTEXT<TAB>ENGLISH<TAB> lines to fill in")
    one = sub.add_parser("set", help="set one translation")
    one.add_argument("--language", default="ar")
    one.add_argument("--context", default="")
    one.add_argument("source")
    one.add_argument("translation")
    many = sub.add_parser("fill", help="set translations from a TSV file (CONTEXT, ENGLISH, TRANSLATION)")
    many.add_argument("file", type=Path)
    many.add_argument("--language", default="ar")
    args = parser.parse_args(argv)
    if args.command == "extract":
        return extract()
    if args.command == "check":
        return check()
    if args.command == "build":
        build(args.out)
        return 0
    if args.command == "add-language":
        return add_language(args.language)
    if args.command == "missing":
        return missing(args.language, args.tsv)
    if args.command == "set":
        return set_many([(args.context, args.source, args.translation)], args.language)
    return fill(args.file, args.language)


if __name__ == "__main__":
    sys.exit(main())
