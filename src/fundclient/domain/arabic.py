"""Arabic name normalisation for search and duplicate detection (never for display).

The same person is written many ways: with or without tashkeel, أحمد/احمد, فاطمة/فاطمه,
عبد الله/عبدالله, Persian keyboard letters (ک ی), Arabic-Indic digits. `normalise_name`
folds all of these to one form so FTS and the duplicate check compare like with like.
The stored record keeps what the clerk typed; only search keys are normalised.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from fundclient.domain.digits import ARABIC_INDIC, EASTERN_ARABIC, WESTERN
from fundclient.domain.synthetic_names import FAMILY, FEMALE_FIRST, MALE_FIRST

# Harakat, tanween, shadda, sukun, superscript alef, Quranic marks: meaning-free for matching.
_DIACRITICS = (
    [chr(c) for c in range(0x0610, 0x061B)]
    + [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670"]
    + [chr(c) for c in range(0x06D6, 0x06EE)]
)
_TATWEEL = "\u0640"

_LETTER_FOLDS = {
    "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
    "ؤ": "و", "ئ": "ي", "ى": "ي", "ة": "ه",
    # Hamza on the line is written or dropped at will (سماء/سما, هيئة/هيه): drop it.
    "ء": "",
    # Persian / Urdu keyboard variants that look identical on screen.
    "ک": "ك", "ڪ": "ك", "ی": "ي", "ې": "ي", "ۍ": "ي", "ە": "ه", "ۀ": "ه", "ھ": "ه", "ہ": "ه",
}

_FOLD_TABLE = str.maketrans(
    {**{ch: None for ch in _DIACRITICS}, _TATWEEL: None, **_LETTER_FOLDS,
     **{a: w for a, w in zip(ARABIC_INDIC + EASTERN_ARABIC, WESTERN * 2)}}
)
_NOT_WORD = re.compile(r"[\W_]+")

# Prefix words written joined or apart: عبد الله / عبدالله, أبو بكر / أبوبكر.
_JOIN_WITH_NEXT = frozenset({"عبد", "ابو", "ابي"})

ARABIC_LETTERS = frozenset(chr(c) for c in range(0x0621, 0x064B)) - {_TATWEEL}
# Letters, marks and variants a clerk may legitimately type in an Arabic name field.
_ARABIC_NAME_CHARS = (
    ARABIC_LETTERS | set(_DIACRITICS) | {_TATWEEL} | set(_LETTER_FOLDS) | {"ٱ"}
)
_ARABIC_BASE_LETTERS = ARABIC_LETTERS | set(_LETTER_FOLDS) | {"ٱ"}
_LATIN_NAME = re.compile(r"[A-Za-z]+(?:[ '\-.][A-Za-z]+)*\.?")


def _nfkc(text: str) -> str:
    # The quick check first: most names are already in NFKC (the bulk build's hot path).
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def _fold(text: str) -> str:
    return _nfkc(_nfkc(text).casefold()).translate(_FOLD_TABLE)


def name_tokens(text: str) -> list[str]:
    """Normalised word tokens of a name, with عبد/أبو compounds joined into one token."""
    raw = _NOT_WORD.sub(" ", _fold(text)).split()
    tokens: list[str] = []
    i = 0
    while i < len(raw):
        tok = raw[i]
        while tok in _JOIN_WITH_NEXT and i + 1 < len(raw):
            i += 1
            tok += raw[i]
        tokens.append(tok)
        i += 1
    return tokens


@lru_cache(maxsize=1 << 13)
def _part_tokens(part: str) -> tuple[tuple[str, ...], bool]:
    """A name part's tokens, and whether its last would join the next part's first (عبد …)."""
    tokens = name_tokens(part)
    return tuple(tokens), bool(tokens) and tokens[-1] in _JOIN_WITH_NEXT


def name_tokens_of_parts(parts: Iterable[str]) -> list[str]:
    """`name_tokens(" ".join(p for p in parts if p))` — a full name from its parts — with each
    part's tokens remembered (names draw on a small stock of words: the bulk build's hot path).
    Folding, marks and word splitting never reach across the space between two parts; only a
    part ending in عبد/أبو joins the next part's first word, and then the whole name is
    tokenised at once."""
    tokens: list[str] = []
    open_end = False
    for part in parts:
        if not part:
            continue
        own, ends_open = _part_tokens(part)
        if open_end and own:
            return name_tokens(" ".join(p for p in parts if p))
        tokens.extend(own)
        open_end = open_end or ends_open
    return tokens


def normalise_name(text: str) -> str:
    """The search/duplicate form of a name: folded letters, no marks, single spaces."""
    return " ".join(name_tokens(text))


def name_key(text: str) -> str:
    """A name part as one comparison unit (tokens joined without spaces)."""
    return "".join(name_tokens(text))


# Phonetic-ish classes: letters clerks confuse when writing a name heard aloud.
_PHONETIC_CLASSES = str.maketrans({
    "ث": "ت", "ط": "ت", "ذ": "د", "ض": "د", "ظ": "د", "ص": "س", "ق": "ك", "ه": "ح",
    "غ": "خ", "ز": "س",
})
_VOWEL_LETTERS = frozenset("اوي")
# Libyan spellings of the same registered name.
_VARIANTS = {"امحمد": "محمد", "امحمود": "محمود", "اعبيد": "عبيد", "امبارك": "مبارك"}


def sound_letters(token: str) -> str:
    """The word with each letter written as its sound class (ض/ظ/ذ as د, ص/ز as س, ق as ك …),
    vowels and doubled letters kept: two spellings that differ only by a letter clerks
    confuse become one."""
    return token.translate(_PHONETIC_CLASSES)


def _key(token: str, classes: dict) -> str:
    if token.startswith("ال") and len(token) > 3:
        token = token[2:]
    token = token.translate(classes)
    out: list[str] = []
    for i, ch in enumerate(token):
        if i and ch in _VOWEL_LETTERS:
            continue
        if out and out[-1] == ch:
            continue
        out.append(ch)
    return "".join(out)


@lru_cache(maxsize=1 << 11)
def phonetic_key(token: str) -> str:
    """Coarse sound key of one normalised token: vowel letters (after the first letter)
    dropped, confusable consonants merged, doubled letters collapsed. Stored in the search
    index (name_phon, name_pairs): changing it means re-keying every stored name."""
    return _key(_VARIANTS.get(token, token), _PHONETIC_CLASSES)


# The loose key: what a clerk hearing the name still writes differently from the sound key.
# ذ and ز are one letter in much of the Arab world's speech (المرذوقي for المرزوقي), and the
# Libyan «ا» before a name's first consonant (امحمد, امبارك, اعبيد) survives an added or
# dropped long vowel (امحيمد, اموبارك, امحامد) only when it is dropped from the key itself.
_LOOSE_CLASSES = {**_PHONETIC_CLASSES, ord("ذ"): "ز", ord("ز"): "ز"}
_LOOSE_PREFIXED = {"امحمد": "محمد", "امبرك": "مبرك", "اعبد": "عبد"}


@lru_cache(maxsize=1 << 11)
def loose_key(token: str) -> str:
    """A second, looser sound key of one normalised token, used only when matching (never
    stored): the sound key's rules with ذ/ز one letter and the Libyan «ا» prefix dropped
    whatever long vowel follows. Two words with the same loose key sound the same."""
    key = _key(_VARIANTS.get(token, token), _LOOSE_CLASSES)
    return _LOOSE_PREFIXED.get(key, key)


def is_arabic_name(text: str) -> bool:
    """Only Arabic letters (with marks/variants) and single spaces between words; every
    word holds at least one letter (marks or tatweel alone are not a name)."""
    return _is_arabic_short(text) if len(text) <= 48 else _is_arabic_name(text)


@lru_cache(maxsize=1 << 11)  # names repeat through an import's rows; bounded, short texts only
def _is_arabic_short(text: str) -> bool:
    return _is_arabic_name(text)


def _is_arabic_name(text: str) -> bool:
    words = text.split(" ")
    return all(w and all(ch in _ARABIC_NAME_CHARS for ch in w)
               and any(ch in _ARABIC_BASE_LETTERS for ch in w) for w in words)


def is_latin_name(text: str) -> bool:
    """Latin letters, with spaces, hyphens, apostrophes or dots between them (Al-Warfalli)."""
    return _LATIN_NAME.fullmatch(text) is not None


_TRANSLIT = str.maketrans({
    "ا": "a", "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d",
    "ذ": "dh", "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t",
    "ظ": "z", "ع": "a", "غ": "gh", "ف": "f", "ق": "g", "ك": "k", "ل": "l", "م": "m",
    "ن": "n", "ه": "h", "و": "w", "ي": "y",
})


@lru_cache(maxsize=1)
def _known_latin() -> dict[str, str]:
    # The common names with their usual Libyan passport spelling (same list as synthetic).
    return {name_key(ar): latin for ar, latin in (*MALE_FIRST, *FEMALE_FIRST, *FAMILY)}


def transliterate(text: str) -> str:
    """Latin spelling of an Arabic name, as a *suggestion* for the Latin-name field: the
    usual passport spelling for common names, else a rough letter mapping (Libyan usage:
    ق -> g). Never used for matching; the clerk corrects it."""
    known = _known_latin()
    words = []
    for tok in name_tokens(text):
        if tok in known:
            words.append(known[tok])
        elif tok.startswith("ال") and len(tok) > 2:
            words.append("Al-" + tok[2:].translate(_TRANSLIT).capitalize())
        else:
            words.append(tok.translate(_TRANSLIT).capitalize())
    return " ".join(words)
