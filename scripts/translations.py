#!/usr/bin/env python3
"""Translations of the UI (Qt Linguist .ts files in translations/, compiled .qm in the package).

    python scripts/translations.py update            # scan src/fundclient/ui and cards for tr() strings
    python scripts/translations.py build             # .ts -> src/fundclient/ui/locale/*.qm (gitignored)
    python scripts/translations.py missing           # list strings without an Arabic translation
    python scripts/translations.py set CONTEXT "Source text" "النص العربي"
    python scripts/translations.py fill FILE.tsv     # many at once: CONTEXT<TAB>SOURCE<TAB>ARABIC per line
    python scripts/translations.py missing --tsv > todo.tsv   # ...fill the 3rd column, then `fill todo.tsv`

Source strings are English (`self.tr("Save")`); Arabic is the translation. English needs no
translation (Qt shows the source), so fundclient_en.ts is kept in step only for Linguist users.
Run `update` after adding tr() strings, translate, then `build` (tests and the app also
compile on the fly when a .qm is missing or older than its .ts).
"""

from __future__ import annotations

import argparse
import ast
import csv
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS_DIR = ROOT / "translations"
QM_DIR = ROOT / "src" / "fundclient" / "ui" / "locale"
SCAN_DIRS = [ROOT / "src" / "fundclient" / "ui", ROOT / "src" / "fundclient" / "cards"]
LANGUAGES = ("ar", "en")


def ts_path(language: str) -> Path:
    return TS_DIR / f"fundclient_{language}.ts"


def _pyside_tool(name: str) -> str:
    import PySide6

    base = Path(PySide6.__file__).resolve().parent
    for candidate in (base / name, base / f"{name}.exe", Path(sys.executable).parent / f"pyside6-{name}"):
        if candidate.exists():
            return str(candidate)
    raise SystemExit(f"PySide6 {name} not found")


def source_files() -> list[str]:
    return sorted(str(p) for d in SCAN_DIRS if d.exists() for p in d.rglob("*.py"))


def wrapper_messages(path: Path) -> list[tuple[str, str]]:
    """Strings passed to a module-level helper such as

        def _tr(text): return QCoreApplication.translate("RegistrationScreen", text)

    lupdate only sees literal translate()/tr() calls; this finds `_tr("...")` too."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wrappers: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.body:
            ret = node.body[-1]
            call = ret.value if isinstance(ret, ast.Return) else None
            if (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                    and call.func.attr == "translate" and len(call.args) >= 2
                    and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)):
                wrappers[node.name] = call.args[0].value
    found = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in wrappers
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            found.append((wrappers[node.func.id], node.args[0].value))
    return found


def _merge_wrapper_messages(tree: ET.ElementTree, wanted: list[tuple[str, str]]) -> None:
    root = tree.getroot()
    contexts = {c.findtext("name", ""): c for c in root.iter("context")}
    present = {(ctx, src) for ctx, src, _ in messages(tree)}
    for ctx, src in wanted:
        if (ctx, src) in present:
            continue
        present.add((ctx, src))
        context = contexts.get(ctx)
        if context is None:
            context = ET.SubElement(root, "context")
            ET.SubElement(context, "name").text = ctx
            contexts[ctx] = context
        message = ET.SubElement(context, "message")
        ET.SubElement(message, "source").text = src
        ET.SubElement(message, "translation", type="unfinished")


def update() -> int:
    TS_DIR.mkdir(exist_ok=True)
    wrapped = [m for f in source_files() for m in wrapper_messages(Path(f))]
    for language in LANGUAGES:
        # lupdate drops (-no-obsolete) what it cannot see, so keep translations to re-apply.
        known = {}
        if ts_path(language).exists():
            known = {(c, s): t.text for c, s, t in messages(load(language)) if is_done(t)}
        # No line numbers: several engineers add strings at once; locations would only make conflicts.
        cmd = [_pyside_tool("lupdate"), "-silent", "-no-obsolete", "-locations", "none", "-source-language",
               "en", "-target-language", language, *source_files(), "-ts", str(ts_path(language))]
        subprocess.run(cmd, check=True)
        tree = load(language)
        _merge_wrapper_messages(tree, wrapped)
        for ctx, src, translation in messages(tree):
            if translation is not None and not is_done(translation) and known.get((ctx, src)):
                translation.text = known[(ctx, src)]
                translation.attrib.pop("type", None)
        save(tree, language)
    return report_missing(quiet=True)


def build(out_dir: Path = QM_DIR) -> int:
    out_dir.mkdir(parents=True, exist_ok=True)
    for language in LANGUAGES:
        qm = out_dir / f"fundclient_{language}.qm"
        subprocess.run([_pyside_tool("lrelease"), "-silent", str(ts_path(language)), "-qm", str(qm)], check=True)
        print(f"built {qm.relative_to(ROOT) if qm.is_relative_to(ROOT) else qm}")
    return 0


def load(language: str = "ar") -> ET.ElementTree:
    return ET.parse(ts_path(language))


def save(tree: ET.ElementTree, language: str = "ar") -> None:
    ET.indent(tree, space="    ")
    body = ET.tostring(tree.getroot(), encoding="unicode")
    ts_path(language).write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n",
                                 encoding="utf-8")


def messages(tree: ET.ElementTree):
    """(context name, source, translation element) for every message."""
    for context in tree.getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            yield name, message.findtext("source", ""), message.find("translation")


def is_done(translation: ET.Element | None) -> bool:
    return (translation is not None and bool((translation.text or "").strip())
            and translation.get("type") not in ("unfinished", "obsolete", "vanished"))


def missing(language: str = "ar") -> list[tuple[str, str]]:
    return [(ctx, src) for ctx, src, tr in messages(load(language)) if not is_done(tr)]


def report_missing(quiet: bool = False, tsv: bool = False) -> int:
    todo = missing("ar")
    if tsv:
        writer = csv.writer(sys.stdout, delimiter="\t", lineterminator="\n")
        for ctx, src in todo:
            writer.writerow([ctx, src, ""])
    elif todo:
        print(f"{len(todo)} string(s) without Arabic:")
        for ctx, src in todo:
            print(f"  [{ctx}] {src!r}")
    elif not quiet:
        print("every string has an Arabic translation")
    return 1 if todo else 0


def set_many(entries: list[tuple[str, str, str]], language: str = "ar") -> int:
    tree = load(language)
    wanted = {(c, s): t for c, s, t in entries if t.strip()}
    found = set()
    for ctx, src, tr in messages(tree):
        if (ctx, src) in wanted and tr is not None:
            tr.text = wanted[(ctx, src)]
            tr.attrib.pop("type", None)
            found.add((ctx, src))
    save(tree, language)
    for key in wanted.keys() - found:
        print(f"not in the catalogue (run `update` first?): [{key[0]}] {key[1]!r}", file=sys.stderr)
    print(f"set {len(found)} translation(s)")
    return 0 if found == set(wanted) else 1


def fill(path: Path) -> int:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = [row for row in csv.reader(fh, delimiter="\t") if len(row) >= 3]
    return set_many([(r[0], r[1], r[2]) for r in rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("update", help="extract tr() strings into the .ts files")
    sub.add_parser("build", help="compile .ts into .qm inside the package")
    miss = sub.add_parser("missing", help="list strings that have no Arabic translation")
    miss.add_argument("--tsv", action="store_true", help="print CONTEXT<TAB>SOURCE<TAB> lines to fill in")
    one = sub.add_parser("set", help="set one Arabic translation")
    one.add_argument("context")
    one.add_argument("source")
    one.add_argument("arabic")
    many = sub.add_parser("fill", help="set Arabic translations from a TSV file")
    many.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    if args.command == "update":
        return update()
    if args.command == "build":
        return build()
    if args.command == "missing":
        return report_missing(tsv=args.tsv)
    if args.command == "set":
        return set_many([(args.context, args.source, args.arabic)])
    return fill(args.file)


if __name__ == "__main__":
    sys.exit(main())
