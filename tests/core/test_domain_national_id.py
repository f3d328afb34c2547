"""Both national-number schemes, rule by rule."""

from __future__ import annotations

import random
from datetime import date

import pytest

from fundclient.domain.national_id import (EGYPT_GOVERNORATES, EgyptScheme, LibyaScheme,
                                           get_scheme)
from fundclient.domain.records import Sex
from fundclient.errors import FundError

LY = LibyaScheme()
EG = EgyptScheme()


def test_default_scheme_is_libya_and_unknown_is_a_fund_error():
    assert get_scheme(None).code == "LY"
    assert get_scheme("eg").code == "EG"
    with pytest.raises(FundError) as err:
        get_scheme("XX")
    assert "XX" in err.value.message.ar and "XX" in err.value.message.en


def test_libya_valid_number_matching_sex_and_year():
    assert LY.check("119551234567", sex=Sex.MALE, date_of_birth=date(1955, 7, 1)) is None
    assert LY.check("219601234567", sex=Sex.FEMALE, date_of_birth=date(1960, 1, 1)) is None


def test_libya_accepts_other_digit_systems_and_separators():
    assert LY.normalise("١١٩٥٥ ١٢٣-٤٥٦٧") == "119551234567"
    assert LY.check("۱۱۹۵۵۱۲۳۴۵۶۷", sex=Sex.MALE) is None


@pytest.mark.parametrize("number, sex, born, expected", [
    ("11955123456", None, None, "12 digits"),                       # too short
    ("1195512345678", None, None, "12 digits"),                     # too long
    ("119551234A67", None, None, "digits only"),
    ("319551234567", None, None, "start with 1"),
    ("118001234567", None, None, "1800"),                           # implausible year
    ("119551234567", Sex.FEMALE, None, "does not match the selected sex"),
    ("219551234567", Sex.MALE, None, "does not match the selected sex"),
    ("119551234567", Sex.MALE, date(1956, 1, 1), "does not match the date of birth"),
])
def test_libya_rules(number, sex, born, expected):
    problem = LY.check(number, sex=sex, date_of_birth=born)
    assert problem is not None
    assert expected in problem.en
    assert problem.ar  # always bilingual


def test_libya_decode():
    info = LY.decode("219481234567")
    assert info.sex == Sex.FEMALE and info.birth_year == 1948


def test_egypt_valid_number():
    # 2 550301 01 123 3 7: born 1955-03-01 in Cairo, serial ends odd -> male
    assert EG.check("25503010112337", sex=Sex.MALE, date_of_birth=date(1955, 3, 1)) is None
    info = EG.decode("25503010112337")
    assert info == info.__class__(sex=Sex.MALE, birth_year=1955, birth_date=date(1955, 3, 1),
                                  region="Cairo")
    assert EG.decode("30101018812347").birth_date == date(2001, 1, 1)


@pytest.mark.parametrize("number, sex, born, expected", [
    ("2550301011233", None, None, "14 digits"),
    ("15503010112337", None, None, "2 or 3"),
    ("25502300112337", None, None, "not a valid date"),   # 30 February
    ("39901010112337", None, None, "not a valid date"),   # 2099: in the future
    ("25503019912337", None, None, "Unknown governorate code (99)"),
    ("25503010112337", Sex.FEMALE, None, "sex"),           # 13th digit 3 is odd -> male
    ("25503010112347", Sex.MALE, None, "sex"),             # 13th digit 4 is even -> female
    ("25503010112337", Sex.MALE, date(1955, 3, 2), "does not match the date of birth"),
])
def test_egypt_rules(number, sex, born, expected):
    problem = EG.check(number, sex=sex, date_of_birth=born)
    assert problem is not None and expected in problem.en


def test_egypt_check_digit_is_not_verified_only_required_to_be_a_digit():
    for k in "0123456789":
        assert EG.check("2550301011233" + k) is None


@pytest.mark.parametrize("scheme", [LY, EG], ids=["LY", "EG"])
def test_generated_numbers_always_validate(scheme):
    rng = random.Random(7)
    for _ in range(2000):
        sex = Sex.MALE if rng.random() < 0.5 else Sex.FEMALE
        born = date.fromordinal(rng.randrange(date(1920, 1, 1).toordinal(),
                                              date(2020, 1, 1).toordinal()))
        number = scheme.generate(rng, sex, born)
        assert len(number) == scheme.length
        assert scheme.check(number, sex=sex, date_of_birth=born) is None, number


def test_egypt_governorate_list_has_the_documented_codes():
    assert {"01", "02", "21", "88", "35"} <= set(EGYPT_GOVERNORATES)
    assert all(len(code) == 2 and code.isdigit() for code in EGYPT_GOVERNORATES)
