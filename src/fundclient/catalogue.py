"""The one message catalogue: every user-facing string, in every language (gettext).

Source strings in the code are English — `Message("Saved.")` in the core, `self.tr("Save")`
in widgets and cards, `t("Offices")` in the HQ console's templates. Translations live in
`translations/<language>.po` (ar.po, fr.po, …), made from `translations/fundclient.pot` by
`python scripts/translations.py extract` (docs/dev/translations.md). English needs no file.

At run time a language's catalogue is the compiled `fundclient/locale/<language>.mo`
shipped in the package (`scripts/translations.py build`, the installer); in a source checkout
whose .po is newer (or that has no .mo yet) the .po is compiled in memory, so nobody ever sees
a stale or missing translation. Languages are whatever catalogues exist: adding one is adding
a .po file, no code change. No Qt here (the core imports this); `ui/i18n.py` feeds Qt from it.
"""

from __future__ import annotations

import gettext
import io
import logging
import threading
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

SOURCE_LANGUAGE = "en"
DEFAULT_LANGUAGE = "ar"
PACKAGE_LOCALE_DIR = Path(__file__).resolve().parent / "locale"
SOURCE_PO_DIR = Path(__file__).resolve().parents[2] / "translations"

# Direction and own name of a language; Babel's locale data answers for any other language.
_KNOWN = {"ar": ("العربية", "rtl"), "en": ("English", "ltr"), "fr": ("Français", "ltr")}

_lock = threading.Lock()
_loaded: dict[str, gettext.NullTranslations] = {}


def _po_file(language: str) -> Path:
    return SOURCE_PO_DIR / f"{language}.po"


def _mo_file(language: str) -> Path:
    return PACKAGE_LOCALE_DIR / f"{language}.mo"


def available_languages() -> tuple[str, ...]:
    """Every language with a catalogue, Arabic (the default) first, then English, then the rest.

    The folders are listed again only when one of them changed (its modification time: adding,
    removing or renaming a catalogue changes it): the reference data asks once per entry, ~50
    times at each login (#11 item 5)."""
    folders = ((PACKAGE_LOCALE_DIR, ".mo"), (SOURCE_PO_DIR, ".po"))
    stamp = tuple((str(folder), _modified(folder)) for folder, _ in folders)
    known = _languages_seen
    if known is not None and known[0] == stamp:
        return known[1]
    found = {SOURCE_LANGUAGE}
    for folder, suffix in folders:
        if folder.is_dir():
            found.update(p.stem for p in folder.glob(f"*{suffix}") if p.stem.isalpha())
    rest = sorted(found - {DEFAULT_LANGUAGE, SOURCE_LANGUAGE})
    languages = tuple(x for x in (DEFAULT_LANGUAGE, SOURCE_LANGUAGE) if x in found) + tuple(rest)
    _remember_languages(stamp, languages)
    return languages


_languages_seen: tuple[tuple, tuple[str, ...]] | None = None  # (the folders' stamp, their languages)


def _remember_languages(stamp: tuple, languages: tuple[str, ...]) -> None:
    global _languages_seen
    _languages_seen = (stamp, languages)


def _modified(folder: Path) -> int | None:
    try:
        return folder.stat().st_mtime_ns
    except OSError:
        return None


def is_language(language: object) -> bool:
    return isinstance(language, str) and language in available_languages()


@lru_cache(maxsize=None)
def language_name(language: str) -> str:
    """The language's own name ("العربية", "Français"), as its speakers look for it in a list."""
    if language in _KNOWN:
        return _KNOWN[language][0]
    try:
        from babel import Locale

        return Locale.parse(language).get_display_name(language) or language
    except Exception:  # noqa: BLE001 - unknown to Babel: its code is the best we have
        return language


@lru_cache(maxsize=None)
def is_rtl(language: str) -> bool:
    if language in _KNOWN:
        return _KNOWN[language][1] == "rtl"
    try:
        from babel import Locale

        return Locale.parse(language).text_direction == "rtl"
    except Exception:  # noqa: BLE001
        return False


def compile_po(po: Path) -> bytes:
    """A .po file as .mo bytes (fuzzy entries left out, as gettext does)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(po, "rb") as fh:
        catalog = read_po(fh)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def _load(language: str) -> gettext.NullTranslations:
    mo, po = _mo_file(language), _po_file(language)
    try:
        if mo.exists() and not (po.exists() and po.stat().st_mtime > mo.stat().st_mtime):
            with open(mo, "rb") as fh:
                return gettext.GNUTranslations(fh)
        if po.exists():
            return gettext.GNUTranslations(io.BytesIO(compile_po(po)))
    except Exception:  # noqa: BLE001 - a broken catalogue shows English, never a crash
        log.exception("the %s catalogue cannot be read", language)
    if language != SOURCE_LANGUAGE:
        log.error("no catalogue for %s: English is shown", language)
    return gettext.NullTranslations()


def translations(language: str) -> gettext.NullTranslations:
    """The catalogue of `language` (English, i.e. the source texts, when there is none)."""
    found = _loaded.get(language)
    if found is None:
        with _lock:
            found = _loaded.get(language)
            if found is None:
                found = gettext.NullTranslations() if language == SOURCE_LANGUAGE else _load(language)
                _loaded[language] = found
    return found


def reload() -> None:
    """Forget loaded catalogues (after `scripts/translations.py` rewrote them)."""
    with _lock:
        _loaded.clear()


def lookup(text: str, language: str, context: str | None = None) -> str:
    """`text` (an English source string) in `language`; with `context`, the entry for that
    context first (msgctxt: one English text that needs two translations), then the plain one.
    An empty text stays empty (gettext would answer it with the catalogue's header)."""
    if not text:
        return text
    catalogue = translations(language)
    if context:
        found = catalogue.pgettext(context, text)
        if found != text:
            return found
    return catalogue.gettext(text)
