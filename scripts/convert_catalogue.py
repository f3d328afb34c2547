#!/usr/bin/env python3
"""One-off (re-runnable) move to the one catalogue (docs/decisions/one-catalogue.md).

    python scripts/convert_catalogue.py            # rewrite src/, then fill translations/ar.po

It turns every bilingual `Message(ar, en)` (and helpers taking `ar, en` parameters) into
`Message("English")` — f-strings into `Message("… {name} …").format(name=…)` — and keeps each
Arabic text, exactly, as the translation of its English text in translations/ar.po. The Qt
Linguist catalogue (translations/fundclient_ar.ts) and the HQ console's dictionary
(hq/console/i18n.py STRINGS) are folded into ar.po too when they still exist. Code it cannot
convert is listed for a person to finish. Run it again after a rebase that brought new
`Message(ar, en)` literals; what is already converted is left alone.
"""

from __future__ import annotations

import ast
import collections
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "fundclient"
PO_DIR = ROOT / "translations"

ARABIC = re.compile(r"[\u0600-\u06FF]")
# (context, English) -> Arabic, in the order found; conflicts resolved in `write_arabic`
found: list[tuple[str | None, str, str, str]] = []
manual: list[str] = []


def lit(text: str) -> str:
    r = repr(text)
    if r.startswith("'") and '"' not in text:
        r = '"' + r[1:-1].replace("\\'", "'") + '"'
    return r


def wrapped(text: str, col: int, width: int = 112) -> str:
    """A string literal starting at column `col`, split into adjacent literals past `width`."""
    if col + len(lit(text)) <= width or len(text) < 40:
        return lit(text)
    room = max(40, width - col - 2)
    pieces, current = [], ""
    for word in re.split(r"(?<= )", text):
        if current and len(lit(current + word)) > room:
            pieces.append(current)
            current = word
        else:
            current += word
    if current:
        pieces.append(current)
    return ("\n" + " " * col).join(lit(p) for p in pieces)


def is_str(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def lang_strip(node: ast.AST, lang: str) -> str | None:
    """`X.ar` / `X['ar']` / `X.get('ar', …)` -> source of X (as a Message-ish value)."""
    if isinstance(node, ast.Attribute) and node.attr == lang:
        return ast.unparse(node.value)
    return None


def name_of(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id.strip("_") or "value"
    if isinstance(node, ast.Attribute):
        if node.attr in ("ar", "en"):
            return name_of(node.value)
        return node.attr.strip("_") or "value"
    if isinstance(node, ast.Subscript):
        if is_str(node.slice) and node.slice.value.isidentifier():
            return node.slice.value
        return name_of(node.value)
    if isinstance(node, ast.Call):
        fn = node.func
        fname = fn.id if isinstance(fn, ast.Name) else fn.attr if isinstance(fn, ast.Attribute) else ""
        if fname == "len":
            return "count"
        if fname in ("str", "int", "round", "repr") and node.args:
            return name_of(node.args[0])
        if fname in ("lower", "upper", "strip", "title") and isinstance(fn, ast.Attribute):
            return name_of(fn.value)
        return fname.strip("_") or "value"
    if isinstance(node, ast.BinOp):
        return name_of(node.left)
    return "value"


def template(node: ast.AST, lang: str, names: dict[str, str], values: dict[str, str]) -> str | None:
    """The f-string/constant `node` as a str.format template; None when it cannot be."""
    if is_str(node):
        return node.value.replace("{", "{{").replace("}", "}}")
    if not isinstance(node, ast.JoinedStr):
        return None
    out = []
    for part in node.values:
        if is_str(part):
            out.append(part.value.replace("{", "{{").replace("}", "}}"))
            continue
        if not isinstance(part, ast.FormattedValue):
            return None
        inner = part.value
        stripped = lang_strip(inner, lang)
        key_src = stripped if stripped is not None else ast.unparse(inner)
        if key_src not in names:
            base = re.sub(r"\W", "_", name_of(inner)) or "value"
            if not base.isidentifier() or base[0].isdigit():
                base = "value"
            name, i = base, 2
            while name in values:
                name, i = f"{base}{i}", i + 1
            names[key_src] = name
            values[name] = key_src
        spec = ""
        if part.conversion != -1:
            spec += "!" + chr(part.conversion)
        if part.format_spec is not None:
            if not all(is_str(v) for v in part.format_spec.values):
                return None
            spec += ":" + "".join(v.value for v in part.format_spec.values)
        out.append("{" + names[key_src] + spec + "}")
    return "".join(out)


def convert_pair(ar: ast.AST, en: ast.AST, col: int, where: str) -> str | None:
    """Source of one Message expression meaning what the pair (ar, en) meant."""
    if is_str(ar) and is_str(en):
        found.append((None, en.value, ar.value, where))
        return f"Message({wrapped(en.value, col + 8)})"
    # X.ar / X.en
    a, e = lang_strip(ar, "ar"), lang_strip(en, "en")
    if a is not None and a == e:
        return a
    # A.ar.format(**kw) / A.en.format(**kw)
    if (isinstance(ar, ast.Call) and isinstance(en, ast.Call) and isinstance(ar.func, ast.Attribute)
            and isinstance(en.func, ast.Attribute) and ar.func.attr == en.func.attr == "format"
            and not ar.args and not en.args):
        base_a, base_e = lang_strip(ar.func.value, "ar"), lang_strip(en.func.value, "en")
        if base_a is not None and base_a == base_e:
            kw_a = {k.arg: k.value for k in ar.keywords}
            kw_e = {k.arg: k.value for k in en.keywords}
            if kw_a.keys() == kw_e.keys() and None not in kw_a:
                parts = []
                for key in kw_a:
                    va, ve = kw_a[key], kw_e[key]
                    if ast.unparse(va) == ast.unparse(ve):
                        parts.append(f"{key}={ast.unparse(va)}")
                        continue
                    sa, se = lang_strip(va, "ar"), lang_strip(ve, "en")
                    if sa is not None and sa == se:
                        parts.append(f"{key}={sa}")
                        continue
                    if (isinstance(va, ast.Subscript) and isinstance(ve, ast.Subscript)
                            and ast.unparse(va.value) == ast.unparse(ve.value)
                            and is_str(va.slice) and va.slice.value == "ar" and is_str(ve.slice)
                            and ve.slice.value == "en"):
                        base = ast.unparse(va.value)
                        parts.append(f"{key}=Message.fixed(ar={base}['ar'], en={base}['en'])")
                        continue
                    return None
                return f"{base_a}.format({', '.join(parts)})"
    # f-strings
    if isinstance(ar, (ast.JoinedStr, ast.Constant)) and isinstance(en, (ast.JoinedStr, ast.Constant)):
        names: dict[str, str] = {}
        values: dict[str, str] = {}
        ta = template(ar, "ar", names, values)
        te = template(en, "en", names, values)
        if ta is None or te is None:
            return None
        used_a = set(re.findall(r"(?<!\{)\{(\w+)", ta))
        used_e = set(re.findall(r"(?<!\{)\{(\w+)", te))
        if used_a != used_e:
            manual.append(f"{where}: placeholders differ {sorted(used_a)} / {sorted(used_e)} (converted; check)")
        found.append((None, te, ta, where))
        args = ", ".join(f"{k}={v}" for k, v in values.items())
        return f"Message({wrapped(te, col + 8)}).format({args})"
    # dict['ar'] / dict['en']
    if (isinstance(ar, ast.Subscript) and isinstance(en, ast.Subscript)
            and ast.unparse(ar.value) == ast.unparse(en.value)):
        return f"Message.fixed(ar={ast.unparse(ar)}, en={ast.unparse(en)})"
    return None


def pair_params(fn: ast.FunctionDef) -> list[tuple[int, int]]:
    names = [a.arg for a in fn.args.args]
    pairs = []
    for i, n in enumerate(names):
        if n == "ar" or n.endswith("_ar") or n.startswith("ar_"):
            other = "en" if n == "ar" else n.replace("_ar", "_en") if n.endswith("_ar") else "en_" + n[3:]
            if other in names:
                pairs.append((i, names.index(other)))
    return pairs


def convert_file(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    if "Message" not in text:
        return False
    tree = ast.parse(text)
    # helpers once written `(ar, en)`, already turned into `(message)` by an earlier run
    wrappers: dict[str, list[tuple[int, int]]] = {"_unreadable": [(0, 1)], "_bad": [(0, 1)], "_m": [(0, 1)]}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            pairs = pair_params(node)
            if pairs and any(isinstance(c, ast.Call) and getattr(c.func, "id", None) in ("Message", "_m")
                             for c in ast.walk(node)):
                wrappers[node.name] = pairs
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def pos(lineno: int, col: int) -> int:
        return offsets[lineno - 1] + len(lines[lineno - 1].encode("utf-8")[:col].decode("utf-8"))

    edits: list[tuple[int, int, str]] = []
    rel = path.relative_to(ROOT)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        fname = node.func.id if isinstance(node.func, ast.Name) else None
        where = f"{rel}:{node.lineno}"
        if fname == "Message":
            kws = {k.arg: k.value for k in node.keywords}
            if len(node.args) == 2 and not kws:
                ar, en = node.args
            elif not node.args and set(kws) == {"ar", "en"}:
                ar, en = kws["ar"], kws["en"]
            else:
                continue
            if not (ARABIC.search(ast.unparse(ar)) or isinstance(ar, (ast.JoinedStr, ast.Attribute, ast.Call,
                                                                         ast.Subscript, ast.Name))):
                continue
            if is_str(ar) and not ARABIC.search(ar.value) and not is_str(en):
                continue
            new = convert_pair(ar, en, node.col_offset, where)
            if new is None:
                manual.append(f"{where}: {ast.unparse(node)[:160]}")
                continue
            edits.append((pos(node.lineno, node.col_offset), pos(node.end_lineno, node.end_col_offset), new))
        elif fname in wrappers:
            args = node.args
            for ia, ie in wrappers[fname]:
                if max(ia, ie) >= len(args):
                    break
                ar, en = args[ia], args[ie]
                if not (ARABIC.search(ast.unparse(ar)) or isinstance(ar, ast.JoinedStr)):
                    continue
                new = convert_pair(ar, en, en.col_offset, where)
                if new is None:
                    manual.append(f"{where}: {ast.unparse(node)[:160]}")
                    continue
                # the English argument becomes the Message; the Arabic one goes
                edits.append((pos(en.lineno, en.col_offset), pos(en.end_lineno, en.end_col_offset), new))
                # remove the ar argument and the comma after/before it
                start, end = pos(ar.lineno, ar.col_offset), pos(ar.end_lineno, ar.end_col_offset)
                rest = text[end:]
                m = re.match(r"\s*,\s*", rest)
                if m and ia < ie:
                    end += m.end()
                else:
                    before = text[:start]
                    m2 = re.search(r",\s*$", before)
                    if m2:
                        start = m2.start()
                edits.append((start, end, ""))
    if not edits:
        return False
    edits.sort(reverse=True)
    last = None
    for start, end, new in edits:
        if last is not None and end > last:
            manual.append(f"{rel}: overlapping edit at {start}, skipped")
            continue
        text = text[:start] + new + text[end:]
        last = start
    path.write_text(text, encoding="utf-8")
    return True


def from_ts() -> None:
    ts = PO_DIR / "fundclient_ar.ts"
    if not ts.exists():
        return
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            tr = message.find("translation")
            if tr is None or not (tr.text or "").strip() or tr.get("type") in ("unfinished", "obsolete", "vanished"):
                continue
            found.append((None, message.findtext("source", ""), tr.text, f"qt:{name}"))


def write_arabic() -> None:
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    po_path = PO_DIR / "ar.po"
    if po_path.exists():
        with open(po_path, "rb") as fh:
            catalog = read_po(fh)
    else:
        catalog = Catalog(locale="ar", project="fundclient", domain="fundclient")
    by_text = collections.defaultdict(list)
    for ctx, en, ar, where in found:
        by_text[(ctx, en)].append((ar, where))
    for (ctx, en), variants in by_text.items():
        counts = collections.Counter(ar for ar, _ in variants)
        main_ar = counts.most_common(1)[0][0]
        existing = catalog.get(en, context=ctx)
        if existing is None or not existing.string:
            catalog.add(en, main_ar, context=ctx)
        for ar, where in variants:
            if ar != main_ar:
                manual.append(f"{where}: {en!r} has another Arabic ({ar!r}; kept {main_ar!r}): "
                              f"give it a context")
    with open(po_path, "wb") as fh:
        write_po(fh, catalog, width=0, sort_output=True, omit_header=False)


def main() -> int:
    changed = [p for p in sorted(SRC.rglob("*.py")) if p != SRC / "errors.py" and convert_file(p)]
    from_ts()
    contexts = convert_console()
    if contexts:
        write_console_module(contexts)
    write_arabic()
    print(f"{len(changed)} file(s) converted, {len(found)} Arabic text(s) kept in translations/ar.po")
    for line in manual:
        print("MANUAL", line)
    return 0



# --- the HQ console's own dictionary (hq/console/i18n.py STRINGS) --------------------------
CONSOLE = SRC / "hq" / "console"
DYNAMIC_PREFIXES = ("st_", "kind_", "role_", "act_")


def console_strings() -> dict[str, tuple[str, str]] | None:
    path = CONSOLE / "i18n.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", None) == "STRINGS":
            return ast.literal_eval(node.value)
    return None


def convert_console() -> dict[str, str | None]:
    """Fold STRINGS into the Arabic entries; rewrite templates' t('key') as t('English')."""
    strings = console_strings()
    if strings is None:
        return {}
    plain: dict[str, str] = {}
    for ctx, en, ar, _ in found:
        if ctx is None:
            plain.setdefault(en, ar)
    contexts: dict[str, str | None] = {}
    for key, (ar, en) in strings.items():
        if key in ("other_lang",):
            continue
        if en in plain and plain[en] != ar or key.startswith(DYNAMIC_PREFIXES) and en in plain and plain[en] != ar:
            contexts[key] = key
            found.append((key, en, ar, f"console:{key}"))
        else:
            plain.setdefault(en, ar)
            contexts[key] = None
            found.append((None, en, ar, f"console:{key}"))
    pattern = re.compile(r"""\bt\((['"])([a-z_0-9]+)\1""")

    def swap(m: re.Match) -> str:
        key = m.group(2)
        if key not in strings or key not in contexts:
            return m.group(0)
        en = strings[key][1]
        return f"pt({lit(key)}, {lit(en)}" if contexts[key] else f"t({lit(en)}"

    for tpl in sorted((CONSOLE / "templates").glob("*.html")):
        text = tpl.read_text(encoding="utf-8")
        new = pattern.sub(swap, text)
        if new != text:
            tpl.write_text(new, encoding="utf-8")
    return contexts


def write_console_module(contexts: dict[str, str | None]) -> None:
    strings = console_strings()
    lines = []
    for key, (_ar, en) in strings.items():
        if key.startswith(DYNAMIC_PREFIXES):
            ctx = f", context={lit(contexts[key])}" if contexts.get(key) else ""
            lines.append(f"    {lit(key)}: Message({lit(en)}{ctx}),")
    body = "\n".join(lines)
    (CONSOLE / "i18n.py").write_text(f'''"""The HQ console's language: its strings are in the one catalogue (fundclient.catalogue).

Templates call `t("English text", name=value)`, or `pt("context", "English text")` where one
English text needs two translations; `python scripts/translations.py extract` finds both.
Labels chosen by a value (a record's status, a reference kind, a role) are the `Message`s of
`BY_KEY`, looked up as `t("st_" ~ status)`.
"""

from __future__ import annotations

from fundclient.catalogue import available_languages, is_rtl, language_name, lookup
from fundclient.errors import Message

BY_KEY: dict[str, Message] = {{
{body}
}}


def languages() -> tuple[str, ...]:
    return available_languages()


def translate(text: str, lang: str, context: str | None = None, **values) -> str:
    """`text` (English, or a key of BY_KEY) in `lang`, placeholders filled."""
    keyed = BY_KEY.get(text)
    if keyed is not None:
        return keyed.format(**values).in_language(lang) if values else keyed.text(lang)
    pattern = lookup(text, lang, context)
    return pattern.format(**values) if values else pattern


__all__ = ["BY_KEY", "is_rtl", "language_name", "languages", "translate"]
''', encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
