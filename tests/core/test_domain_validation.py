"""Field table, inline validation, whole-record validation and normalisation."""

from __future__ import annotations

from datetime import date

import pytest

from fundclient.domain.categories import categories, get_category
from fundclient.domain.fields import BENEFICIARY_FIELDS, DEPENDANT_FIELDS
from fundclient.domain.phone import local_mobile, normalise_mobile
from fundclient.domain.records import (ArabicName, Beneficiary, Dependant, RecordStatus,
                                       Relation, Sex)
from fundclient.domain.rules import parse_date
from fundclient.domain.validation import (ensure_valid_beneficiary, field_definition,
                                          make_context, normalise_beneficiary,
                                          validate_beneficiary, validate_field)
from fundclient.errors import Message, ValidationFailed


@pytest.fixture(autouse=True, params=["one pass", "two steps"])
def validation_path(request, monkeypatch):
    """Every case here through both ways of `ensure_valid_beneficiary`: the one pass a plain
    record (the form's, an import's row) takes — a case asking `validate_beneficiary` asks
    `ensure_valid_beneficiary` then (a copy cleaned then checked: these records are clean, so
    the same problems) — and the two steps (normalise_beneficiary, validate_beneficiary) the
    rest takes: the same answers (review finding 6)."""
    from fundclient.domain import validation

    if request.param == "two steps":
        monkeypatch.setattr(validation, "_plain", lambda b: False)
    else:
        def through_the_one_pass(b, scheme=None, today=None, reference=None):
            if not validation._plain(b):
                return validation.validate_beneficiary(b, scheme=scheme, today=today, reference=reference)
            try:
                validation.ensure_valid_beneficiary(b, scheme, today, reference)
            except ValidationFailed as failed:
                return failed.problems
            return {}

        monkeypatch.setitem(globals(), "validate_beneficiary", through_the_one_pass)
    return request.param

TODAY = date(2026, 6, 1)


def valid_record(**changes) -> Beneficiary:
    b = Beneficiary(
        national_number="119550012345", name=ArabicName("محمد", "علي", "عبد الله", "الورفلي"),
        latin_name="Mohamed Ali Abdullah Al-Warfalli", mother_name="فاطمة المقرحي",
        sex=Sex.MALE, date_of_birth=date(1955, 3, 1), mobile="0912345678",
        municipality="SBH", office_code="SBH",
        category_fields={"pension_number": "123456", "pensions_authority": "SSF",
                         "retirement_date": "2015-03-01"},
        dependants=[
            Dependant(ArabicName("خديجة", "سالم", "محمد", "التباوي"), Relation.SPOUSE,
                      Sex.FEMALE, date(1960, 5, 5), "219600054321"),
            Dependant(ArabicName("عمر", "محمد", "علي", "الورفلي"), Relation.SON, Sex.MALE,
                      date(1990, 1, 1), "119900011111"),
        ])
    for key, value in changes.items():
        setattr(b, key, value)
    return b


def ctx(**kw):
    return make_context(today=TODAY, **kw)


# ------------------------------------------------------------------ the table itself

def test_every_field_has_bilingual_label_and_positive_length():
    all_defs = list(BENEFICIARY_FIELDS.values()) + list(DEPENDANT_FIELDS.values())
    all_defs += [f for c in categories() for f in c.fields]
    for f in all_defs:
        assert f.label.ar and f.label.en, f.key
        assert f.max_length > 0, f.key
        assert f.kind in {"arabic_name", "latin_name", "national_number", "mobile", "date",
                          "digits", "choice", "text", "multiline"}, f.key
        if f.kind == "choice":
            assert f.choices, f.key


def test_field_definition_resolves_every_key_form():
    assert field_definition("name.first") is BENEFICIARY_FIELDS["name.first"]
    assert field_definition("dependants[3].sex") is DEPENDANT_FIELDS["sex"]
    assert field_definition("dependants[].sex") is DEPENDANT_FIELDS["sex"]
    pension = field_definition("category_fields.pension_number")
    assert pension is not None and pension.label.ar == "رقم المعاش"
    assert field_definition("no_such_field") is None


def test_unknown_field_is_a_message_not_an_exception():
    problem = validate_field("password_hash", "x")
    assert isinstance(problem, Message) and "password_hash" in problem.en


# ------------------------------------------------------------------ rule by rule

@pytest.mark.parametrize("name, value, fragment", [
    ("name.first", "", "required"),
    ("name.first", "Mohamed", "Arabic letters only"),
    ("name.first", "محمد Ali", "Arabic letters only"),
    ("name.first", "محمد3", "Arabic letters only"),
    ("name.first", "م" * 41, "too long"),
    ("name.first", "محمد\x00", "control characters"),
    ("name.first", "محمد 😀", "not allowed"),
    ("name.family", "'; DROP TABLE beneficiaries; --", "Arabic letters only"),
    ("latin_name", "محمد", "Latin letters only"),
    ("mother_name", "Fatima", "Arabic letters only"),
    ("mobile", "0812345678", "Libyan mobile"),
    ("mobile", "abc", "Libyan mobile"),
    ("date_of_birth", "31/02/1950", "not a valid date"),
    ("date_of_birth", "1950", "not a valid date"),
    ("date_of_birth", "2027-01-01", "future"),
    ("date_of_birth", "1890-01-01", "over 120"),
    ("date_of_birth", "2000-01-01", "below this category's minimum (40"),
    ("municipality", "XXX", "not in the list"),
    ("office_code", "", "required"),
    ("sex", "X", "not in the list"),
    ("category", "pensioner", "not in the list"),
    ("notes", "x" * 1001, "too long"),
    ("address", "شارع\x07", "control characters"),
    ("category_fields.pension_number", "12A45", "digits only"),
    ("category_fields.pension_number", "12", "too short"),
    ("category_fields.pensions_authority", "NOPE", "not in the list"),
    ("category_fields.retirement_date", "2030-01-01", "future"),
])
def test_field_rules(name, value, fragment):
    problem = validate_field(name, value, ctx())
    assert problem is not None, (name, value)
    assert fragment in problem.en, problem.en
    assert problem.ar and problem.ar != problem.en


@pytest.mark.parametrize("name, value", [
    ("name.first", "  مُحَمَّد  "), ("name.grandfather", "عبد الله"), ("name.first", "محمـــد"),
    ("name.first", "\u200fمحمد\u200f"),            # RTL marks pasted from another app
    ("latin_name", "Mohamed Al-Warfalli"), ("mobile", "+218 91 234 5678"),
    ("mobile", "٠٩٢١٢٣٤٥٦٧"), ("mobile", ""), ("date_of_birth", "١٥/٠٣/١٩٥٥"),
    ("date_of_birth", date(1955, 3, 15)), ("municipality", "سبها"), ("municipality", "sebha"),
    ("sex", Sex.FEMALE), ("category", "retiree"), ("notes", "سطر\nسطر ثان"),
    ("address", "حي المهدية، شارع 5 - قرب المسجد"),
    ("category_fields.pension_number", "١٢٣ ٤٥٦"), ("category_fields.pensions_authority", "SSF"),
    ("category_fields.retirement_date", "01/03/2015"),
])
def test_values_that_are_fine(name, value):
    assert validate_field(name, value, ctx(date_of_birth="1955-03-01")) is None


def test_national_number_field_uses_the_form_siblings():
    assert validate_field("national_number", "119550012345",
                          ctx(sex="M", date_of_birth="01/03/1955")) is None
    wrong_sex = validate_field("national_number", "119550012345", ctx(sex="F"))
    assert wrong_sex and "sex" in wrong_sex.en
    wrong_year = validate_field("national_number", "119550012345",
                                ctx(date_of_birth="1956-01-01"))
    assert wrong_year and "date of birth" in wrong_year.en


def test_egypt_scheme_is_selected_per_deployment():
    c = make_context(scheme="EG", today=TODAY, sex="M", date_of_birth="1955-03-01")
    assert validate_field("national_number", "25503010112337", c) is None
    assert validate_field("national_number", "119550012345", c) is not None


def test_retirement_must_follow_the_18th_birthday():
    problem = validate_field("category_fields.retirement_date", "1970-01-01",
                             ctx(date_of_birth="1955-03-01"))
    assert problem and "18" in problem.en


def test_category_brings_its_own_fields():
    retiree = get_category("retiree")
    assert [f.key for f in retiree.fields] == [
        "category_fields.pension_number", "category_fields.pensions_authority",
        "category_fields.retirement_date"]
    support = get_category("social_support")
    assert support is not None and not support.active
    assert field_definition("category_fields.support_file_number", "social_support")
    assert field_definition("category_fields.pension_number", "social_support") is None


def test_date_and_mobile_forms():
    assert parse_date("1955-03-01") == parse_date("01/03/1955") == parse_date("1.3.1955") \
        == date(1955, 3, 1)
    assert parse_date("03/01") is None
    for typed in ("0912345678", "912345678", "+218912345678", "00218912345678",
                  "218912345678", "+218 091 234 5678", "(091) 234-5678", "۰۹۱۲۳۴۵۶۷۸"):
        assert normalise_mobile(typed) == "+218912345678", typed
    for typed in ("0212345678", "+20912345678", "09123456789", "091234567", ""):
        assert normalise_mobile(typed) is None, typed
    assert local_mobile("+218912345678") == "091-2345678"


# ------------------------------------------------------------------ hostile input

@pytest.mark.parametrize("value", [
    "م" * 10_000_000, "\x00\x01\x02", "\ud800", "🇱🇾👍🏽", "<script>alert(1)</script>",
    "1; SELECT * FROM users", "محمد" + "\u202e" + "abc", None, 12345, 3.5, b"bytes",
])
def test_hostile_values_give_messages_never_exceptions(value):
    for name in list(BENEFICIARY_FIELDS) + ["dependants[0].name.first",
                                            "category_fields.retirement_date"]:
        problem = validate_field(name, value, ctx())
        assert problem is None or (problem.ar and problem.en)


def test_ten_megabyte_string_is_refused():
    problem = validate_field("notes", "x" * 10_000_000, ctx())
    assert problem and "too long" in problem.en


# ------------------------------------------------------------------ whole record

def test_valid_record_has_no_problems():
    assert validate_beneficiary(valid_record(), today=TODAY) == {}


def test_problem_keys_address_fields_dependants_and_category_fields():
    b = valid_record(national_number="219550012345", mobile="12")
    b.name.first = "Mohamed"
    b.category_fields["retirement_date"] = "tomorrow"
    b.dependants[0].date_of_birth = date(2030, 1, 1)
    b.dependants[1].sex = Sex.FEMALE
    problems = validate_beneficiary(b, today=TODAY)
    assert set(problems) == {"national_number", "mobile", "name.first",
                             "category_fields.retirement_date", "dependants[0].date_of_birth",
                             "dependants[1].sex",
                             # their national numbers no longer agree with sex / birth year
                             "dependants[0].national_number", "dependants[1].national_number"}


def test_dependant_cross_rules():
    b = valid_record()
    b.dependants[0].sex = Sex.MALE  # spouse of a male beneficiary
    b.dependants[0].national_number = "119600054321"
    b.dependants[1].date_of_birth = date(1960, 1, 1)  # son born when father was 4
    b.dependants.append(Dependant(ArabicName("سالم", "", "", "الورفلي"), Relation.SON,
                                  Sex.MALE, date(1992, 1, 1), "119550012345"))
    b.dependants.append(Dependant(ArabicName("علي", "", "", "الورفلي"), Relation.SON,
                                  Sex.MALE, date(1993, 1, 1), "119600054321"))
    problems = validate_beneficiary(b, today=TODAY)
    assert "spouse" in problems["dependants[0].sex"].en
    assert "12 years" in problems["dependants[1].date_of_birth"].en
    assert "beneficiary's own" in problems["dependants[2].national_number"].en
    assert "two dependants" in problems["dependants[3].national_number"].en


def test_inactive_status_needs_a_reason_and_too_many_dependants():
    b = valid_record(status=RecordStatus.DECEASED)
    b.dependants = [Dependant(ArabicName("سالم", "", "", "الورفلي"), Relation.SON, Sex.MALE,
                              date(1990, 1, 1)) for _ in range(31)]
    problems = validate_beneficiary(b, today=TODAY)
    assert "status_reason" in problems and "dependants" in problems


def test_unknown_category_is_reported_on_the_category_field():
    problems = validate_beneficiary(valid_record(category="martians"), today=TODAY)
    assert list(problems) == ["category"]


def test_validate_beneficiary_on_garbage_never_raises():
    assert "record" in validate_beneficiary("not a record")  # type: ignore[arg-type]
    b = valid_record()
    b.dependants = ["x", None]  # type: ignore[list-item]
    b.category_fields = None  # type: ignore[assignment]
    problems = validate_beneficiary(b, today=TODAY)
    assert "dependants[0]" in problems and "category_fields.pension_number" in problems
    with pytest.raises(ValidationFailed) as err:
        ensure_valid_beneficiary(b, today=TODAY)
    assert "dependants[1]" in err.value.problems


def test_ensure_valid_raises_validation_failed_with_all_problems():
    b = valid_record(mobile="bad")
    b.name.father = ""
    with pytest.raises(ValidationFailed) as err:
        ensure_valid_beneficiary(b, today=TODAY)
    assert set(err.value.problems) == {"mobile", "name.father"}
    assert err.value.code == "validation"


def test_ensure_valid_returns_the_normalised_copy():
    b = valid_record(national_number="١١٩٥٥ ٠٠١٢٣٤٥", mobile="091 234 5678",
                     municipality="سبها")
    b.name.family = "  الـورفلي "
    b.category_fields["retirement_date"] = "١/٣/٢٠١٥"
    clean = ensure_valid_beneficiary(b, today=TODAY)
    assert clean.national_number == "119550012345"
    assert clean.mobile == "+218912345678"
    assert clean.municipality == "SBH"
    assert clean.name.family == "الورفلي"
    assert clean.category_fields["retirement_date"] == "2015-03-01"
    assert b.mobile == "091 234 5678"  # the input is not modified


def test_normalise_beneficiary_is_idempotent_and_keeps_identity():
    b = valid_record(mobile="٠٩١٢٣٤٥٦٧٨", notes="  سطر  أول \r\n\r\n سطر ثان  ")
    b.dependants[0].national_number = "2 1960 0054321"
    once = normalise_beneficiary(b)
    assert once.notes == "سطر أول\nسطر ثان"
    assert once.dependants[0].national_number == "219600054321"
    assert once.record_id == b.record_id and once.revision == b.revision
    assert normalise_beneficiary(once) == once


def test_normalise_keeps_an_unparseable_mobile_for_the_validator_to_report():
    b = normalise_beneficiary(valid_record(mobile=" 12 34 "))
    assert b.mobile == "12 34"


def test_date_fields_accept_date_and_datetime_objects():
    from datetime import datetime
    assert validate_field("date_of_birth", datetime(1955, 3, 1, 8, 30), ctx()) is None
    assert BENEFICIARY_FIELDS["date_of_birth"].clean(datetime(1955, 3, 1, 8), ctx()) \
        == "1955-03-01"


def test_other_digit_systems_in_a_national_number_are_refused_with_a_message():
    problem = validate_field("national_number", "११९५५००१२३४५", ctx())  # Devanagari
    assert problem and "digits only" in problem.en


def test_each_scheme_has_its_own_hint():
    from fundclient.domain.national_id import SCHEMES
    assert BENEFICIARY_FIELDS["national_number"].hint == SCHEMES["LY"].hint
    assert "14" in SCHEMES["EG"].hint.en and SCHEMES["EG"].hint.ar


def test_an_office_outside_the_list_is_a_setup_problem_not_a_field_to_correct():
    """The office is this PC's, never typed: the message says who can fix it, with no code."""
    from fundclient.domain.validation import validate_beneficiary

    problems = validate_beneficiary(Beneficiary(office_code="SEB"))
    message = problems["office_code"]
    assert "الدعم الفني" in message.ar and "IT support" in message.en
    assert "SEB" not in message.ar + message.en
    assert "office_code" not in validate_beneficiary(Beneficiary(office_code="SBH"))


def test_the_demo_office_is_one_of_the_fund_offices():
    from fundclient.demo import DEMO_OFFICE
    from fundclient.domain.reference import default_reference

    assert DEMO_OFFICE in default_reference().codes("offices")


def test_every_field_cleans_an_empty_value_to_nothing_and_remembers_the_same_cleaning():
    """`FieldDef.clean`/`check` answer an empty value at once, and remember short values of the
    kinds whose cleaning reads nothing else: both must equal the full cleaning (`_clean`)."""
    from fundclient.domain.categories import get_category
    from fundclient.domain.fields import _CONTEXT_FREE, BENEFICIARY_FIELDS, DEPENDANT_FIELDS
    from fundclient.domain.validation import make_context

    ctx = make_context()
    definitions = [*BENEFICIARY_FIELDS.values(), *DEPENDANT_FIELDS.values()]
    for code in ctx.reference.codes("categories") or [c.get("code") for c in ctx.reference.categories]:
        category = get_category(code, ctx.reference)
        definitions += list(category.fields) if category else []
    samples = ["", " ", "محمد", " محمـد  علي ", "١٩٨٠-٠٢-٠٣", "03/02/1980", "0912345678", "+218 91 234 5678",
               "12-34 56", "Al-Warfalli", "x" * 60, "ذكر", "M", "married"]
    for definition in definitions:
        assert definition._clean("", ctx) == "", definition.key
        for value in samples:
            expected = definition._clean(value, ctx) if value else ""
            assert definition.clean(value, ctx) == expected, (definition.key, value)
            if definition.kind in _CONTEXT_FREE:
                assert definition.clean(value, ctx) == expected  # from memory the second time


def test_remembered_checks_answer_what_the_full_check_answers():
    """`FieldDef.check` remembers the answers of short values for the fields whose rules read
    nothing but the value (names, mobiles, digits) or the reference lists too (choices): asked
    twice, in any context, it answers what the full check (`_check`) answers then — and a new
    reference set is answered from its own lists, never from another set's memory."""
    from fundclient.domain.fields import _reads
    from fundclient.domain.reference import default_reference, with_updates
    from fundclient.domain.rules import READS_REFERENCE, READS_VALUE

    from fundclient.domain.fields import _context_read

    assert _reads(BENEFICIARY_FIELDS["name.first"]) == READS_VALUE
    assert _reads(BENEFICIARY_FIELDS["municipality"]) == READS_REFERENCE
    assert _reads(BENEFICIARY_FIELDS["national_number"]) is None  # the sex, the date: values met once
    assert _reads(DEPENDANT_FIELDS["date_of_birth"]) is None  # against the holder's date: pairs met once
    # remembered per value and the context's attributes the rules read
    assert (_reads(BENEFICIARY_FIELDS["date_of_birth"]), _context_read(BENEFICIARY_FIELDS["date_of_birth"])) \
        == (READS_VALUE, ("min_age", "today"))
    assert (_reads(DEPENDANT_FIELDS["sex"]), _context_read(DEPENDANT_FIELDS["sex"])) \
        == (READS_REFERENCE, ("holder_sex", "relation"))
    contexts = [ctx(), ctx(sex="M", date_of_birth="1950-01-01"), ctx(category="social_support"),
                make_context(today=date(1990, 1, 1)), make_context(today=date(2040, 1, 1)),
                ctx(relation="son", holder_sex="M"), ctx(relation="son", holder_sex="F"),
                ctx(relation="daughter", holder_sex="M"), ctx(relation="spouse", holder_sex="M"),
                ctx(relation="spouse", holder_sex="F"), ctx(relation="son", holder_date_of_birth="1985-01-01"),
                ctx(category="social_support", relation="spouse", holder_sex="F")]
    samples = ["محمد", " محمـد  علي ", "Mohamed", "0912345678", "091234", "SBH", "TRP", "ذكر", "M", "X",
               "married", "123456", "12a", "1980-02-03", "retiree", "\x07", "x" * 60, "F", "أنثى",
               "2000-01-01", "1850-01-01", "2030-01-01", "1989-12-31", "03/02/1980", "119800012345",
               "٠٩١٢٣٤٥٦٧٨", "١٢٣٤٥٦"]
    definitions = [*BENEFICIARY_FIELDS.values(), *DEPENDANT_FIELDS.values()]
    for code in ("retiree", "social_support"):
        category = get_category(code, default_reference())
        definitions += list(category.fields) if category else []
    for context in contexts:
        for definition in definitions:
            for value in samples:
                expected = definition._check(value, context)
                assert definition.check(value, context) == expected, (definition.key, value)
                assert definition.check(value, context) == expected, (definition.key, value)
    municipality = BENEFICIARY_FIELDS["municipality"]
    assert municipality.check("NEW", ctx()) is not None
    widened = with_updates(default_reference(), {"municipalities": {"NEW": {"ar": "جديدة", "en": "New"}}})
    assert municipality.check("NEW", ctx(reference=widened)) is None
    assert municipality.check("NEW", ctx()) is not None  # back to the set in use: its own answer
    # a choice's cleaning (a label to its code) remembered per set too: a label only one set knows
    assert municipality.clean("جديدة", ctx()) == "جديدة"
    assert municipality.clean("جديدة", ctx(reference=widened)) == "NEW"
    assert municipality.clean("جديدة", ctx()) == "جديدة"
    assert municipality.clean(" جديدة ", ctx(reference=widened)) == municipality._clean(" جديدة ", ctx(
        reference=widened)) == "NEW"


def test_a_record_normalised_in_place_is_the_normalised_copy():
    """`ensure_valid_beneficiary(b, in_place=True)` (an import's row, made for the call) answers
    what the copy answers — the same record, or the same problems — on valid, messy and broken
    records."""
    import copy
    import random

    from fundclient.domain.synthetic import SyntheticGenerator

    rng = random.Random(5)
    maker = SyntheticGenerator(seed=5)
    messy = [" ١١٩٥٥ ٠٠١٢٣٤٥", "", "  الـورفلي ", "091 234 5678", "\x07", "سبها", "ذكر", "١/٣/٢٠١٥", "x" * 300,
             "M", "F", "son", "1990-01-01", "2090-01-01", "ابن"]
    records = [valid_record(), valid_record(mobile=" 12 34 ")]
    for _ in range(300):
        b = maker.next()
        for _ in range(rng.randrange(4)):
            target = rng.choice([b, *b.dependants]) if b.dependants else b
            key = rng.choice(["national_number", "sex", "date_of_birth", "mobile", "relation", "municipality"])
            if hasattr(target, key):
                setattr(target, key, rng.choice(messy))
        records.append(b)
    for b in records:
        def outcome(record, **how):
            try:
                return ensure_valid_beneficiary(record, today=TODAY, **how)
            except ValidationFailed as failed:
                return failed.problems
        expected = outcome(copy.deepcopy(b))
        assert outcome(copy.deepcopy(b), in_place=True) == expected
        fresh = copy.deepcopy(b)
        assert normalise_beneficiary(fresh, in_place=True) is fresh
        assert fresh == normalise_beneficiary(copy.deepcopy(b))


@pytest.mark.parametrize("value", ["0", "119550012345", "0912345678", "١٢٣٤", "۱۲۳", "12 34", "１２３", "²3"])
def test_ascii_digits_are_their_own_cleaning_and_hold_no_bad_character(value):
    """`rules.clean_text`/`check_characters` answer ASCII digits at once (a national number is met
    once: it is not remembered): what the full cleaning and check answer, for any digits."""
    from fundclient.domain.rules import _check_characters, _clean_text, check_characters, clean_text

    for multiline in (False, True):
        assert clean_text(value, multiline=multiline) == _clean_text(value, multiline)
    assert check_characters(value) == _check_characters(value)
