"""Digit systems and Arabic name normalisation (example-based; properties elsewhere)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundclient.domain.arabic import (is_arabic_name, is_latin_name, name_key, name_tokens,
                                      normalise_name, phonetic_key, transliterate)
from fundclient.domain.digits import digits_only, normalise_digits, to_arabic_indic


def test_all_three_digit_systems_become_ascii():
    assert normalise_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert normalise_digits("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert normalise_digits("رقم 12٣۴") == "رقم 1234"


def test_arabic_indic_round_trip_and_digits_only():
    assert to_arabic_indic("2024-05") == "٢٠٢٤-٠٥"
    assert normalise_digits(to_arabic_indic("0912345678")) == "0912345678"
    assert digits_only("+218 ٩١-۲٣٤") == "21891234"


@pytest.mark.parametrize("variant", [
    "عبد الله", "عبدالله", "عبد  الله", "عَبْدُ اللَّه", "عبـــد اللـه", "عبداللة", "عبد\u00a0الله",
])
def test_abd_allah_spellings_fold_to_one_token(variant):
    assert name_tokens(variant) == ["عبدالله"]


@pytest.mark.parametrize("typed, folded", [
    ("أحمد", "احمد"), ("إبراهيم", "ابراهيم"), ("آمنة", "امنه"), ("ٱلله", "الله"),
    ("مؤمن", "مومن"), ("عائشة", "عايشه"), ("مصطفى", "مصطفي"), ("فاطِمَةُ", "فاطمه"),
    ("سماء", "سما"), ("علـــي", "علي"), ("کریم", "كريم"), ("أبو بكر", "ابوبكر"),
    ("  محمد \t علي ", "محمد علي"), ("MOHAMED Ali", "mohamed ali"), ("ﻣﺤﻤﺪ", "محمد"),
    ("محمد-علي", "محمد علي"), ("علي ١٢", "علي 12"),
])
def test_normalise_name_folds_spelling_variants(typed, folded):
    assert normalise_name(typed) == folded


def test_name_key_ignores_spacing_between_words():
    assert name_key("عبد الرحمن") == name_key("عبدالرحمن") == "عبدالرحمن"
    assert name_key("بن سليمان") == "بنسليمان"


def test_phonetic_key_merges_confusable_spellings_but_not_different_names():
    assert phonetic_key("مصطفي") == phonetic_key("مصطفا")
    assert phonetic_key("سليمان") == phonetic_key("سلمان")
    assert phonetic_key("امحمد") == phonetic_key("محمد")
    assert phonetic_key("محمد") != phonetic_key("احمد")
    assert phonetic_key("الورفلي") != phonetic_key("المقرحي")


def test_script_checks():
    assert is_arabic_name("محمد علي")
    assert is_arabic_name("مُحَمَّد")
    assert not is_arabic_name("محمد  علي")  # double space is cleaned before checking
    assert not is_arabic_name("محمد Ali")
    assert not is_arabic_name("محمد1")
    assert not is_arabic_name("")
    assert not is_arabic_name("\u064e\u0651")  # marks without a letter
    assert is_latin_name("Mohamed Al-Warfalli")
    assert is_latin_name("Mu'ammar O.")
    assert not is_latin_name("Mohamed محمد")
    assert not is_latin_name("Robert'); DROP TABLE b;--")


def test_transliteration_suggestion():
    assert transliterate("مُحمّد عبد الله الورفلى") == "Mohamed Abdullah Alwarfalli"
    assert transliterate("قسوم الزنتلي") == "Gswm Al-Zntly"  # unknown: letter by letter


def test_a_name_tokenised_from_its_parts_equals_the_full_name_tokenised():
    """`name_tokens_of_parts` (each part's tokens remembered: the bulk build) gives what
    `name_tokens` of the full name gives — عبد/أبو ending a part, marks, digits, odd spaces,
    empty parts — and the stored search keys from the parts equal those of the full name."""
    from fundclient.domain.arabic import name_tokens_of_parts
    from fundclient.domain.records import ArabicName
    from fundclient.domain.synthetic import generate
    from fundclient.storage.search_keys import name_keys, name_keys_of

    names = [ArabicName("عبد", "الله", "أبو", "بكر"), ArabicName("عبد عبد", "الرحمن", "", "ابي"),
             ArabicName("محمد", "عبد", "", "العزيز"), ArabicName("  ", "ﻻمين", "مُحَمَّد٣", "_الـورفلي_"),
             ArabicName("أبو", "", "", ""), ArabicName("ابي  ", " طالب", "عبد\u200f", "\u0651الله"),
             ArabicName("Ab\u0301d", "ﬁsh", "ΣΑΣ", "straße"), ArabicName()]
    for record in generate(300, seed=3, near_duplicate_rate=0.2, sibling_rate=0.3):
        names += [record.name, *(d.name for d in record.dependants)]
    for name in names:
        parts = (name.first, name.father, name.grandfather, name.family)
        assert name_tokens_of_parts(parts) == name_tokens(name.full()), name
        assert name_keys_of(name) == name_keys(name.full()), name


@given(st.lists(st.sampled_from(["عبد", "ابو", "أبي", "الله", " ", "\u064e", "ـ", "x", "1", "_", "-", "ة"]),
                max_size=6).map("".join), st.lists(st.text(max_size=8), min_size=0, max_size=4))
def test_tokens_of_parts_equal_tokens_of_the_joined_parts(first, rest):
    from fundclient.domain.arabic import name_tokens_of_parts

    parts = [first, *rest]
    assert name_tokens_of_parts(parts) == name_tokens(" ".join(p for p in parts if p))
