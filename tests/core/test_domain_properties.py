"""Property-based tests (hypothesis) for the validators, normalisers and generators."""

from __future__ import annotations

import random
from datetime import date

from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from fundclient.domain.arabic import name_key, name_tokens, normalise_name
from fundclient.domain.digits import (ARABIC_INDIC, EASTERN_ARABIC, digits_only,
                                      normalise_digits, to_arabic_indic)
from fundclient.domain.duplicates import profile, score_pair
from fundclient.domain.fields import BENEFICIARY_FIELDS, DEPENDANT_FIELDS
from fundclient.domain.national_id import SCHEMES
from fundclient.domain.phone import MOBILE_PREFIXES, normalise_mobile
from fundclient.domain.records import ArabicName, Beneficiary, Dependant, Relation, Sex
from fundclient.domain.validation import (field_definition, make_context,
                                          normalise_beneficiary, validate_beneficiary,
                                          validate_field)
from fundclient.errors import Message

TODAY = date(2026, 6, 1)
CTX = make_context(today=TODAY, sex="M", date_of_birth="1955-03-01")

ARABIC = st.sampled_from(
    [chr(c) for c in range(0x0621, 0x064B)] + [chr(c) for c in range(0x064B, 0x0653)]
    + ["\u0640", "ٱ", "ک", "ی", " ", " ", "ة", "ى", "أ", "إ", "آ", "ؤ", "ئ", "ء"])
arabic_text = st.text(ARABIC, max_size=30)
# Anything at all: every Unicode category, lone surrogates, controls, emoji.
any_text = st.text(max_size=60) | st.text(st.characters(codec=None), max_size=20) | arabic_text
digits_text = st.text(st.sampled_from("0123456789" + ARABIC_INDIC + EASTERN_ARABIC + " -"),
                      max_size=20)
FIELD_NAMES = (list(BENEFICIARY_FIELDS) + [f"dependants[0].{k}" for k in DEPENDANT_FIELDS]
               + ["category_fields.pension_number", "category_fields.pensions_authority",
                  "category_fields.retirement_date"])
dates = st.dates(min_value=date(1910, 1, 1), max_value=date(2025, 12, 31))
sexes = st.sampled_from([Sex.MALE, Sex.FEMALE])


# ------------------------------------------------------------------ digits

@given(st.text(st.sampled_from("0123456789"), max_size=30))
def test_digit_round_trip(ascii_digits):
    assert normalise_digits(to_arabic_indic(ascii_digits)) == ascii_digits
    eastern = ascii_digits.translate(str.maketrans("0123456789", EASTERN_ARABIC))
    assert normalise_digits(eastern) == ascii_digits


@given(any_text)
def test_digit_normalisation_is_idempotent_and_keeps_length(text):
    once = normalise_digits(text)
    assert normalise_digits(once) == once and len(once) == len(text)
    assert digits_only(text).isascii() and (digits_only(text).isdigit() or not digits_only(text))


# ------------------------------------------------------------------ names

@given(any_text)
def test_normalise_name_is_idempotent_and_never_raises(text):
    once = normalise_name(text)
    assert normalise_name(once) == once
    assert once == once.strip() and "  " not in once
    assert " ".join(name_tokens(text)) == once
    assert name_key(once) == name_key(text)


@given(st.lists(st.sampled_from(["محمد", "علي", "عبد الله", "فاطمة", "مصطفى", "الورفلي",
                                 "أحمد", "عائشة", "إبراهيم"]), min_size=1, max_size=4),
       st.data())
def test_decorations_never_change_the_normalised_name(words, data):
    plain = " ".join(words)
    decorated = ""
    for ch in plain:
        decorated += ch
        if ch != " " and data.draw(st.booleans()):
            decorated += data.draw(st.sampled_from(["\u064e", "\u0651", "\u0640", "\u0652"]))
    spaced = decorated.replace(" ", data.draw(st.sampled_from([" ", "  ", "\t", " \u200f"])))
    assert normalise_name(spaced) == normalise_name(plain)


# ------------------------------------------------------------------ fields

@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FIELD_NAMES), any_text | digits_text)
def test_validate_field_never_raises_and_always_speaks_both_languages(name, value):
    problem = validate_field(name, value, CTX)
    assert problem is None or (isinstance(problem, Message) and problem.ar and problem.en)


@settings(max_examples=300)
@given(st.sampled_from(FIELD_NAMES), any_text | digits_text)
# Two combining marks kept apart by a separator the cleaning drops (a space, a dash): out of canonical
# order once side by side, reordered by a second cleaning — found by hypothesis on the record test below
@example("category_fields.pension_number", "\u0300 \u0316")
@example("national_number", "\u0300-\u0316")
@example("dependants[0].national_number", "1\u0300 \u0316")
def test_field_cleaning_is_idempotent(name, value):
    definition = field_definition(name)
    once = definition.clean(value, CTX)
    assert definition.clean(once, CTX) == once


@given(st.sampled_from(FIELD_NAMES), any_text)
def test_a_value_that_passes_still_passes_after_cleaning(name, value):
    definition = field_definition(name)
    if validate_field(name, value, CTX) is None:
        assert validate_field(name, definition.clean(value, CTX), CTX) is None


# ------------------------------------------------------------------ national numbers, mobiles

@settings(max_examples=300)
@given(st.sampled_from(sorted(SCHEMES)), sexes, dates, st.integers(0, 2**32))
def test_generated_national_numbers_always_validate(code, sex, born, seed):
    scheme = SCHEMES[code]
    assume(code != "EG" or born.year >= 1900)
    number = scheme.generate(random.Random(seed), sex, born)
    assert scheme.check(number, sex=sex, date_of_birth=born) is None
    assert scheme.check(to_arabic_indic(number), sex=sex, date_of_birth=born) is None
    other = Sex.FEMALE if sex == Sex.MALE else Sex.MALE
    assert scheme.check(number, sex=other) is not None


@given(st.sampled_from(sorted(SCHEMES)), digits_text | any_text, st.sampled_from([None, *Sex]),
       st.one_of(st.none(), dates))
def test_national_number_check_never_raises(code, raw, sex, born):
    problem = SCHEMES[code].check(raw, sex=sex, date_of_birth=born)
    assert problem is None or (problem.ar and problem.en)


@given(st.sampled_from(sorted(MOBILE_PREFIXES)), st.integers(0, 9_999_999),
       st.sampled_from(["0{n}", "{n}", "+218{n}", "00218{n}", "+218 {n}", "218{n}"]),
       st.booleans())
def test_every_mobile_form_normalises_to_the_same_e164(prefix, rest, form, arabic):
    national = f"{prefix}{rest:07d}"
    typed = form.format(n=national)
    if arabic:
        typed = to_arabic_indic(typed)
    e164 = normalise_mobile(typed)
    assert e164 == "+218" + national
    assert normalise_mobile(e164) == e164


@given(any_text | digits_text)
def test_mobile_normalisation_never_raises(text):
    result = normalise_mobile(text)
    assert result is None or (result.startswith("+218") and len(result) == 13)


# ------------------------------------------------------------------ whole records

@st.composite
def records(draw):
    text = any_text | arabic_text
    dependants = [Dependant(ArabicName(draw(text), draw(text), "", draw(text)),
                            draw(st.sampled_from(list(Relation))), draw(sexes),
                            draw(st.one_of(st.none(), dates)), draw(text | digits_text))
                  for _ in range(draw(st.integers(0, 3)))]
    return Beneficiary(
        national_number=draw(text | digits_text),
        name=ArabicName(draw(text), draw(text), draw(text), draw(text)),
        latin_name=draw(text), mother_name=draw(text), sex=draw(sexes),
        date_of_birth=draw(st.one_of(st.none(), dates)), mobile=draw(text | digits_text),
        municipality=draw(st.sampled_from(["SBH", "سبها", "", "zzz"]) | text),
        office_code=draw(st.sampled_from(["SBH", "GHT"]) | text), notes=draw(text),
        category=draw(st.sampled_from(["retiree", "social_support", "x"])),
        category_fields={"pension_number": draw(text | digits_text),
                         "retirement_date": draw(text)},
        dependants=dependants)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(records())
def test_record_validation_and_normalisation_never_raise_and_normalise_is_idempotent(b):
    problems = validate_beneficiary(b, today=TODAY)
    assert all(m.ar and m.en for m in problems.values())
    once = normalise_beneficiary(b)
    assert normalise_beneficiary(once) == once
    validate_beneficiary(once, today=TODAY)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(records(), records())
def test_duplicate_scores_are_bounded_and_symmetric(a, b):
    pa, pb = profile(a), profile(b)
    s1, _ = score_pair(pa, pb)
    s2, _ = score_pair(pb, pa)
    assert 0.0 <= s1 <= 1.0 and abs(s1 - s2) < 1e-9
    if any(pa.parts) and a.date_of_birth:
        assert score_pair(pa, pa)[0] == 1.0


@given(any_text)
def test_name_tokens_are_single_words_and_phonetic_keys_never_grow(text):
    from fundclient.domain.arabic import phonetic_key
    for token in name_tokens(text):
        assert token and " " not in token
        assert len(phonetic_key(token)) <= len(token)


# ------------------------------------------------------------------ an import's rows: one pass = two steps

def _texts_of(values: list[str]):
    return st.sampled_from(values) | any_text | digits_text


@st.composite
def row_records(draw):
    """Records as an import's row makes them (`storage.importer.row_to_beneficiary`): every field
    text as the cell held it — valid, messy (other digit systems, spaces, labels instead of codes,
    tatweel) or hostile — some left at their defaults, a category's fields of any kind."""
    name = _texts_of(["محمد", " محمـد ", "علي", "عبد الله", "الورفلي", "", "Ali", "\u200fسالم"])
    day = _texts_of(["1955-03-01", "01/03/1955", "١٩٥٥-٠٣-٠١", "2090-01-01", "1890-01-01", "2010-02-30",
                     "15/03/2010", " 1980-07-04 ", "", "1955-3-1"])
    number = _texts_of(["119550012345", "219800012345", "١١٩٥٥٠٠١٢٣٤٥", "1195500123", "119 5500 12345", "",
                        "319550012345"])
    dependants = []
    for _ in range(draw(st.integers(0, 4))):
        d = Dependant(ArabicName(draw(name), draw(name), draw(name), draw(name)))
        d.relation = draw(_texts_of(["spouse", "son", "daughter", "other", "ابن", "زوجة", ""]))
        d.sex = draw(_texts_of(["M", "F", "ذكر", "أنثى", "", "x"]))
        d.date_of_birth = draw(st.one_of(st.none(), day))
        d.national_number = draw(number)
        if draw(st.booleans()):
            d.card_number = draw(any_text)
        dependants.append(d)
    b = Beneficiary(national_number=draw(number), name=ArabicName(draw(name), draw(name), draw(name), draw(name)),
                    dependants=dependants, office_code=draw(_texts_of(["SBH", "GHT", ""])))
    for key, values in (("mother_name", ["فاطمة علي", "", " زينب  "]), ("sex", ["M", "F", "ذكر", "أنثى", ""]),
                        ("date_of_birth", []), ("marital_status", ["married", "single", "متزوج", ""]),
                        ("mobile", ["0912345678", "+218 91 234 5678", "٠٩١٢٣٤٥٦٧٨", "12 34", ""]),
                        ("municipality", ["SBH", "سبها", "", "zzz"]), ("address", ["حي الجديد " * 8, ""]),
                        ("category", ["retiree", "social_support", "x", ""]), ("latin_name", ["Ali Salem", ""]),
                        ("notes", ["سطر\nسطر", ""]), ("status", ["active", "deceased", ""]),
                        ("status_reason", ["", "نقل"]), ("channel", ["office", "home_visit", "x"])):
        if draw(st.booleans()):
            setattr(b, key, draw(day if key == "date_of_birth" else _texts_of(values)))
    for short, values in (("pension_number", ["12345", "١٢٣٤٥", "12a"]), ("pensions_authority", ["GPF", "x"]),
                          ("retirement_date", ["2015-01-01", "1960-01-01", "x"])):
        if draw(st.booleans()):
            b.category_fields[short] = draw(_texts_of(values))
    return b


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(row_records())
def test_an_import_row_checked_in_one_pass_is_what_the_two_steps_answer(b):
    """`ensure_valid_beneficiary(b, in_place=True)` on a plain record (an import's row) takes
    the one pass (`validation._normalised_and_checked`): the same normalised record, or the same
    problems in the same order, as `normalise_beneficiary` then `validate_beneficiary`."""
    import copy

    from fundclient.domain.validation import _plain, ensure_valid_beneficiary
    from fundclient.errors import ValidationFailed

    assert _plain(b)
    two = normalise_beneficiary(copy.deepcopy(b), in_place=True)
    expected = list(validate_beneficiary(two, today=TODAY).items())
    one = copy.deepcopy(b)
    try:
        assert ensure_valid_beneficiary(one, today=TODAY, in_place=True) is one
        problems = []
    except ValidationFailed as failed:
        problems = list(failed.problems.items())
    assert problems == expected
    assert one == two
    # the form's way (a copy, the same one pass): the same answer, and its record left as it was
    form, before = copy.deepcopy(b), copy.deepcopy(b)
    try:
        clean = ensure_valid_beneficiary(form, today=TODAY)
        assert not expected and clean == two and clean is not form
    except ValidationFailed as failed:
        assert list(failed.problems.items()) == expected
    assert form == before
