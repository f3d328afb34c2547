"""National-number schemes, pluggable per deployment (`Settings.national_id_scheme`).

A scheme knows its number's structure: it normalises what the clerk typed, checks the
structure and its agreement with sex and date of birth, decodes what the number says,
and generates valid numbers (synthetic data, property tests). Libya is the default.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from fundclient.domain.digits import normalise_digits
from fundclient.domain.records import Sex
from fundclient.errors import FundError, Message

_SEPARATORS = str.maketrans("", "", " -\u00a0\t")

NOT_DIGITS = Message("The national number must contain digits only")
WRONG_LENGTH = Message("The national number must have {length} digits")
SEX_MISMATCH = Message("The national number does not match the selected sex")
UNKNOWN_SCHEME = Message("Unknown national-number scheme '{code}'")


@dataclass(frozen=True)
class NationalIdInfo:
    """What a structurally valid number says about its holder (None = not encoded)."""

    sex: Sex | None = None
    birth_year: int | None = None
    birth_date: date | None = None
    region: str | None = None


class NationalIdScheme:
    """Base of a scheme. Subclasses set `code`, `length`, `label` and the three hooks."""

    code = ""
    length = 0
    label = Message.plain("")
    # Placeholder for the national-number input under this scheme (the FieldDef hint is
    # Libya's; a form running another scheme shows this one).
    hint = Message.plain("")

    def normalise(self, raw: str) -> str:
        """Digits in any digit system -> ASCII; spaces and dashes between groups dropped."""
        if raw.isascii() and raw.isdigit():  # already so (the usual case): two table walks spared
            return raw
        return normalise_digits(raw).translate(_SEPARATORS)

    def check(self, raw: str, *, sex: Sex | None = None,
              date_of_birth: date | None = None) -> Message | None:
        """None if `raw` is a valid number agreeing with sex/date of birth, else why not."""
        number = self.normalise(raw)
        if not (number.isascii() and number.isdigit()):
            return NOT_DIGITS
        if len(number) != self.length:
            return WRONG_LENGTH.format(length=self.length)
        problem = self._check_structure(number)
        if problem:
            return problem
        info = self.decode(number)
        if sex is not None and info.sex is not None and Sex(sex) != info.sex:
            return SEX_MISMATCH
        if date_of_birth is not None:
            return self._check_birth(info, date_of_birth)
        return None

    def _check_structure(self, number: str) -> Message | None:
        raise NotImplementedError

    def _check_birth(self, info: NationalIdInfo, dob: date) -> Message | None:
        raise NotImplementedError

    def decode(self, number: str) -> NationalIdInfo:
        """Decode a number that passed `check` (structure only)."""
        raise NotImplementedError

    def generate(self, rng: random.Random, sex: Sex, date_of_birth: date) -> str:
        """A valid number for this sex and date of birth."""
        raise NotImplementedError


class LibyaScheme(NationalIdScheme):
    """Libya: 12 digits. Digit 1: 1 = male, 2 = female. Digits 2-5: year of birth.
    Digits 6-12: serial (not checked: no public check-digit rule)."""

    code = "LY"
    length = 12
    label = Message("Libya")
    hint = Message("12 digits: 1 = male / 2 = female, then the birth year")

    BAD_SEX_DIGIT = Message("The national number must start with 1 (male) or 2 (female)")
    BAD_YEAR = Message("The birth year in the national number ({year}) is not valid")
    YEAR_MISMATCH = Message("The birth year in the national number ({year}) does not match the date of birth")

    def _check_structure(self, number: str) -> Message | None:
        if number[0] not in "12":
            return self.BAD_SEX_DIGIT
        year = int(number[1:5])
        if not 1890 <= year <= date.today().year:
            return self.BAD_YEAR.format(year=number[1:5])
        return None

    def _check_birth(self, info: NationalIdInfo, dob: date) -> Message | None:
        if info.birth_year != dob.year:
            return self.YEAR_MISMATCH.format(year=info.birth_year)
        return None

    def decode(self, number: str) -> NationalIdInfo:
        return NationalIdInfo(sex=Sex.MALE if number[0] == "1" else Sex.FEMALE,
                              birth_year=int(number[1:5]))

    def generate(self, rng: random.Random, sex: Sex, date_of_birth: date) -> str:
        first = "1" if sex is Sex.MALE or sex == "M" else "2"
        return f"{first}{date_of_birth.year:04d}{int(rng.random() * 10_000_000):07d}"


# Egyptian governorate codes (digits 8-9), Civil Status Organization numbering.
EGYPT_GOVERNORATES = {
    "01": "Cairo", "02": "Alexandria", "03": "Port Said", "04": "Suez", "11": "Damietta",
    "12": "Dakahlia", "13": "Sharqia", "14": "Qalyubia", "15": "Kafr El Sheikh",
    "16": "Gharbia", "17": "Monufia", "18": "Beheira", "19": "Ismailia", "21": "Giza",
    "22": "Beni Suef", "23": "Faiyum", "24": "Minya", "25": "Asyut", "26": "Sohag",
    "27": "Qena", "28": "Aswan", "29": "Luxor", "31": "Red Sea", "32": "New Valley",
    "33": "Matrouh", "34": "North Sinai", "35": "South Sinai", "88": "Born abroad",
}


class EgyptScheme(NationalIdScheme):
    """Egypt: 14 digits C YYMMDD GG SSSS K. C: century (2 = 1900s, 3 = 2000s); YYMMDD:
    date of birth; GG: governorate code (EGYPT_GOVERNORATES); SSSS: serial whose last digit
    (digit 13) is odd for males, even for females; K: check digit — its algorithm is not
    published, so it is only required to be a digit."""

    code = "EG"
    length = 14
    label = Message("Egypt")
    hint = Message("14 digits: century, birth date (YYMMDD), governorate, serial, check")

    BAD_CENTURY = Message("The first digit of the national number must be 2 or 3")
    BAD_DATE = Message("The birth date in the national number is not a valid date")
    BAD_GOVERNORATE = Message("Unknown governorate code ({code}) in the national number")
    DATE_MISMATCH = Message("The birth date in the national number does not match the date of birth")

    @staticmethod
    def _birth_date(number: str) -> date | None:
        century = 1900 if number[0] == "2" else 2000
        try:
            return date(century + int(number[1:3]), int(number[3:5]), int(number[5:7]))
        except ValueError:
            return None

    def _check_structure(self, number: str) -> Message | None:
        if number[0] not in "23":
            return self.BAD_CENTURY
        born = self._birth_date(number)
        if born is None or born > date.today():
            return self.BAD_DATE
        if number[7:9] not in EGYPT_GOVERNORATES:
            return self.BAD_GOVERNORATE.format(code=number[7:9])
        return None

    def _check_birth(self, info: NationalIdInfo, dob: date) -> Message | None:
        return None if info.birth_date == dob else self.DATE_MISMATCH

    def decode(self, number: str) -> NationalIdInfo:
        born = self._birth_date(number)
        return NationalIdInfo(
            sex=Sex.MALE if int(number[12]) % 2 else Sex.FEMALE,
            birth_year=born.year if born else None, birth_date=born,
            region=EGYPT_GOVERNORATES.get(number[7:9]))

    def generate(self, rng: random.Random, sex: Sex, date_of_birth: date) -> str:
        century = "2" if date_of_birth.year < 2000 else "3"
        governorate = rng.choice(_GOVERNORATE_CODES)
        parity = rng.randrange(5) * 2 + (1 if sex is Sex.MALE or sex == "M" else 0)
        return (f"{century}{date_of_birth:%y%m%d}{governorate}"
                f"{rng.randrange(1000):03d}{parity}{rng.randrange(10)}")


_GOVERNORATE_CODES = tuple(EGYPT_GOVERNORATES)

SCHEMES: dict[str, NationalIdScheme] = {}


def register_scheme(scheme: NationalIdScheme) -> None:
    """Add a deployment's scheme (code as stored in Settings.national_id_scheme)."""
    SCHEMES[scheme.code] = scheme


register_scheme(LibyaScheme())
register_scheme(EgyptScheme())
DEFAULT_SCHEME = SCHEMES["LY"]


def get_scheme(code: str | NationalIdScheme | None = None) -> NationalIdScheme:
    """The scheme for a code ("LY", "EG"); None -> Libya. Unknown -> FundError."""
    if isinstance(code, NationalIdScheme):
        return code
    if not code:
        return DEFAULT_SCHEME
    try:
        return SCHEMES[code.upper()]
    except KeyError:
        raise FundError(UNKNOWN_SCHEME.format(code=code), code="config") from None
