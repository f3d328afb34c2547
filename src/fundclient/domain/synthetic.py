"""Deterministic synthetic beneficiaries for demos, tests and storage benchmarks.

Same seed -> same records (ids and timestamps included). Records are valid under
`validate_beneficiary(..., today=<the generator's today>)`: national numbers agree with
sex and date of birth, retirees are 45-95, dependants have consistent relations.
With `near_duplicate_rate`, some records are spelling variants of an earlier one (plus,
sometimes, a one-letter slip and a day/month swap or wrong day; notes = "synthetic
near-duplicate of <record_id>") to exercise the duplicate check; with `sibling_rate`,
some share father, grandfather and family name with an earlier record (false-alarm test).
"""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, timezone
from typing import Iterator

from fundclient.domain.national_id import NationalIdScheme, get_scheme
from fundclient.domain.records import (ArabicName, Beneficiary, Channel, Dependant,
                                       MaritalStatus, Relation, Sex)
from fundclient.domain.reference import ReferenceData, default_reference
from fundclient.domain.synthetic_names import FAMILY, FEMALE_FIRST, MALE_FIRST

DEFAULT_TODAY = date(2026, 1, 1)
NEAR_DUPLICATE_NOTE = "synthetic near-duplicate of "
_EPOCH = datetime(2025, 1, 1, tzinfo=timezone.utc)

_TYPO_LETTERS = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
# Spelling variants a clerk produces for the same name (applied to near-duplicates).
_VARIANTS = (("أ", "ا"), ("إ", "ا"), ("آ", "ا"), ("ة", "ه"), ("ى", "ي"), ("عبد ", "عبد"),
             ("ي", "ى"), ("محمد", "امحمد"), ("ا", "أ"))


_NM, _NF, _NFAM = len(MALE_FIRST), len(FEMALE_FIRST), len(FAMILY)
_CHILDREN = (0, 0, 1, 1, 2, 2, 3, 4)
_MALE, _FEMALE = Sex.MALE, Sex.FEMALE
_MARRIED, _WIDOWED, _DIVORCED, _SINGLE = (MaritalStatus.MARRIED, MaritalStatus.WIDOWED,
                                         MaritalStatus.DIVORCED, MaritalStatus.SINGLE)
_OFFICE, _HOME_VISIT = Channel.OFFICE, Channel.HOME_VISIT
_SPOUSE, _SON, _DAUGHTER = Relation.SPOUSE, Relation.SON, Relation.DAUGHTER
_CLERKS: dict[str, str] = {}


def _uuid(rng: random.Random) -> str:
    bits = rng.getrandbits(128) & ~(0xF << 76) & ~(0x3 << 62) | (0x4 << 76) | (0x2 << 62)
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class SyntheticGenerator:
    """One deterministic stream of records. Use `generate()` unless you need the stream.

    Written for speed (storage benchmarks want a million records): `random()` and index
    instead of choice/randrange, ids from a seeded prefix plus a counter."""

    def __init__(self, seed: int | str = 0, *, today: date = DEFAULT_TODAY,
                 scheme: str | NationalIdScheme | None = None,
                 reference: ReferenceData | None = None, near_duplicate_rate: float = 0.0,
                 dependants: bool = True, sibling_rate: float = 0.0) -> None:
        self.rng = random.Random(seed)
        self._random = self.rng.random
        self.today = today
        self.scheme = get_scheme(scheme)
        ref = reference or default_reference()
        self.offices = [i.code for i in ref.items("offices", active_only=True)]
        self.municipalities = [i.code for i in ref.items("municipalities", active_only=True)]
        self.authorities = [i.code for i in ref.items("pensions_authorities", active_only=True)]
        self.near_duplicate_rate = near_duplicate_rate
        self.with_dependants = dependants
        # Brothers and sisters: same father, grandfather and family, another first name and
        # birth date — the hard case for false duplicate alarms. Off by default so the
        # default stream stays as it is.
        self.sibling_rate = sibling_rate
        self._families: list[tuple] = []
        self._recent: list[Beneficiary] = []
        self._today_ord = today.toordinal()
        # Unique per generator, same for the same seed; still a well-formed UUIDv4 string.
        self._id_prefix = _uuid(self.rng)[:24]
        self._serial = 0

    def __iter__(self) -> Iterator[Beneficiary]:
        while True:
            yield self.next()

    def next(self) -> Beneficiary:
        r = self._random
        if self._recent and r() < self.near_duplicate_rate:
            return self.near_duplicate(self._pick(self._recent))
        b = self._retiree()
        if len(self._recent) < 256:
            self._recent.append(b)
        else:
            self._recent[int(r() * 256)] = b
        return b

    # ------------------------------------------------------------ pieces

    def _pick(self, seq):
        return seq[int(self._random() * len(seq))]

    def _below(self, start: int, stop: int) -> int:
        return start + int(self._random() * (stop - start))

    def _id(self) -> str:
        self._serial += 1
        return f"{self._id_prefix}{self._serial:012x}"

    def _retiree(self) -> Beneficiary:
        # One flat function with local names: this is the hot loop of a million-record run.
        r = self._random
        today_ord = self._today_ord
        male = r() < 0.72
        sex = _MALE if male else _FEMALE
        born = date.fromordinal(today_ord - 16_426 - int(r() * 18_249))  # 45..95 years
        first = (MALE_FIRST[int(r() * _NM)] if male else FEMALE_FIRST[int(r() * _NF)])
        if self.sibling_rate and self._families and r() < self.sibling_rate:
            father, grandfather, family, elder = self._families[
                int(r() * len(self._families))]
            offset = int(r() * 8_000) - 4_000  # within ~11 years of the sibling
            born = date.fromordinal(min(max(elder.toordinal() + offset, today_ord - 34_674),
                                        today_ord - 16_426))
        else:
            father = MALE_FIRST[int(r() * _NM)]
            grandfather = MALE_FIRST[int(r() * _NM)]
            family = FAMILY[int(r() * _NFAM)]
        if self.sibling_rate:
            if len(self._families) < 256:
                self._families.append((father, grandfather, family, born))
            else:
                self._families[int(r() * 256)] = (father, grandfather, family, born)
        retired = born.replace(year=born.year + 45 + int(r() * 21), day=1)
        if retired > self.today:
            retired = self.today.replace(day=1)
        m = r()
        marital = _MARRIED if m < 0.7 else _WIDOWED if m < 0.9 else _DIVORCED if m < 0.96 \
            else _SINGLE
        created = _EPOCH + timedelta(seconds=int(r() * 31_536_000))
        office = self.offices[int(r() * len(self.offices))]
        clerk = _CLERKS.get(office) or _CLERKS.setdefault(office, f"clerk.{office.lower()}")
        serial = self._serial + 1
        self._serial = serial
        b = Beneficiary(
            national_number=self.scheme.generate(self.rng, sex, born),
            name=ArabicName(first[0], father[0], grandfather[0], family[0]),
            latin_name=f"{first[1]} {father[1]} {grandfather[1]} {family[1]}",
            mother_name=f"{FEMALE_FIRST[int(r() * _NF)][0]} {FAMILY[int(r() * _NFAM)][0]}",
            sex=sex, date_of_birth=born, marital_status=marital,
            mobile=f"+2189{1 + int(r() * 5)}{int(r() * 10_000_000):07d}" if r() < 0.8 else "",
            municipality=self.municipalities[int(r() * len(self.municipalities))],
            category="retiree",
            category_fields={"pension_number": str(100_000 + int(r() * 99_899_999)),
                             "pensions_authority":
                                 self.authorities[int(r() * len(self.authorities))],
                             "retirement_date": retired.isoformat()},
            office_code=office,
            channel=_HOME_VISIT if r() < 0.1 else _OFFICE,
            record_id=f"{self._id_prefix}{serial:012x}", created_at=created,
            updated_at=created, created_by=clerk, updated_by=clerk, dependants=[],
        )
        if self.with_dependants:
            b.dependants = self._dependants(first[0], father[0], family[0], male, born,
                                            marital is _MARRIED)
        return b

    def _dependants(self, first: str, father: str, family: str, holder_male: bool,
                    holder_born: date, married: bool) -> list[Dependant]:
        r = self._random
        generate = self.scheme.generate
        rng = self.rng
        today_ord = self._today_ord
        serial = self._serial
        prefix = self._id_prefix
        out: list[Dependant] = []
        if holder_male:
            husband_first, husband_family = first, family
        else:
            husband_first = MALE_FIRST[int(r() * _NM)][0]
            husband_family = FAMILY[int(r() * _NFAM)][0]
        holder_age = (today_ord - holder_born.toordinal()) // 365
        if married:
            spouse_sex = _FEMALE if holder_male else _MALE
            age = max(holder_age - 12 + int(r() * 16), 30)
            born = date.fromordinal(today_ord - age * 365 - 1 - int(r() * 364))
            spouse_first = (FEMALE_FIRST[int(r() * _NF)] if holder_male
                            else MALE_FIRST[int(r() * _NM)])[0]
            spouse_name = ArabicName(spouse_first, MALE_FIRST[int(r() * _NM)][0],
                                     MALE_FIRST[int(r() * _NM)][0],
                                     FAMILY[int(r() * _NFAM)][0] if holder_male
                                     else husband_family)
            serial += 1
            out.append(Dependant(spouse_name, _SPOUSE, spouse_sex, born,
                                 generate(rng, spouse_sex, born), f"{prefix}{serial:012x}", ""))
        span = (max(min(holder_age - 14, 40), 2) - 1) * 365 - 1
        for _ in range(_CHILDREN[int(r() * 8)]):
            son = r() < 0.5
            sex = _MALE if son else _FEMALE
            born = date.fromordinal(today_ord - 366 - int(r() * span))
            grandfather = father if holder_male else MALE_FIRST[int(r() * _NM)][0]
            child_first = (MALE_FIRST[int(r() * _NM)] if son else FEMALE_FIRST[int(r() * _NF)])
            serial += 1
            out.append(Dependant(
                ArabicName(child_first[0], husband_first, grandfather, husband_family),
                _SON if son else _DAUGHTER, sex, born, generate(rng, sex, born),
                f"{prefix}{serial:012x}", ""))
        self._serial = serial
        return out

    def near_duplicate(self, original: Beneficiary) -> Beneficiary:
        """The same person re-registered: spelling variants, maybe a day/month swap, a new
        record id and a different (still valid) national number."""
        parts = [original.name.first, original.name.father, original.name.grandfather,
                 original.name.family]
        for _ in range(self._below(1, 3)):
            i = self._below(0, 4)
            old, new = self._pick(_VARIANTS)
            if old in parts[i]:
                parts[i] = parts[i].replace(old, new, 1)
            else:
                parts[i] = parts[i].replace(" ", "", 1) if " " in parts[i] else parts[i]
        if self._random() < 0.25:  # a typing slip: one letter replaced
            i = self._below(0, 4)
            if len(parts[i]) >= 4:
                at = self._below(1, len(parts[i]) - 1)
                if parts[i][at] != " ":
                    parts[i] = parts[i][:at] + self._pick(_TYPO_LETTERS) + parts[i][at + 1:]
        born = original.date_of_birth
        slip = self._random()
        if born and slip < 0.2 and born.day <= 12 and born.day != born.month:
            born = born.replace(month=born.day, day=born.month)
        elif born and slip > 0.9:  # wrong day of the month
            born = born.replace(day=1 + (born.day + self._below(1, 27)) % 28)
        # A different valid number (a typo'd or second number): the fuzzy path must catch it.
        number = self.scheme.generate(self.rng, original.sex, born)
        created = original.created_at + timedelta(days=self._below(1, 200))
        return Beneficiary(**{
            **{f: getattr(original, f) for f in (
                "latin_name", "mother_name", "sex", "place_of_birth", "marital_status",
                "mobile", "municipality", "address", "locality", "category", "office_code",
                "channel", "created_by", "updated_by")},
            "national_number": number, "name": ArabicName(*parts), "date_of_birth": born,
            "category_fields": dict(original.category_fields), "dependants": [],
            "notes": NEAR_DUPLICATE_NOTE + original.record_id, "record_id": self._id(),
            "created_at": created, "updated_at": created,
        })


def generate(count: int, seed: int = 0, **options) -> list[Beneficiary]:
    """`count` records; options as for SyntheticGenerator (today, scheme, reference,
    near_duplicate_rate, dependants, sibling_rate)."""
    gen = SyntheticGenerator(seed, **options)
    return [gen.next() for _ in range(count)]


def iter_generate(count: int, seed: int = 0, **options) -> Iterator[Beneficiary]:
    """Streaming form of `generate` for a million records without holding them all."""
    gen = SyntheticGenerator(seed, **options)
    for _ in range(count):
        yield gen.next()


def stream_seed(seed: int, stream: int) -> str:
    """The seed of stream `stream` of `iter_generate_streams` (independent of the others)."""
    return f"{seed}:{stream}"


def stream_batches(count: int, batch_size: int, streams: int, stream: int) -> list[int]:
    """Sizes of the batches `iter_generate_streams` takes from stream `stream`, in order."""
    sizes = [min(batch_size, count - start) for start in range(0, count, batch_size)]
    return sizes[stream::streams]


def iter_generate_streams(count: int, seed: int = 0, *, streams: int, batch_size: int,
                          **options) -> Iterator[Beneficiary]:
    """`count` records from `streams` independently seeded generators (`stream_seed`), a batch of
    `batch_size` from each in turn: what a bulk build with `streams` helper processes writes
    (`storage.bulk.bulk_generate(..., helpers=streams)`), regenerated in one process — e.g. by a
    benchmark that must know which records it built. Options as for SyntheticGenerator."""
    if streams == 1:
        yield from iter_generate(count, seed, **options)
        return
    generators = [SyntheticGenerator(stream_seed(seed, k), **options) for k in range(streams)]
    for number, start in enumerate(range(0, count, batch_size)):
        gen = generators[number % streams]
        for _ in range(min(batch_size, count - start)):
            yield gen.next()
