"""The beneficiary record and its dependants: plain data, no storage, no Qt.

A record is identified by (record_id, revision). An edit never overwrites: it produces the
next revision, so HQ and the local history both keep every version.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field, fields, is_dataclass, replace
from functools import cache
from datetime import date, datetime, timezone
from enum import Enum
from typing import Any, Callable

from fundclient.domain.photo_exception import PhotoException


class Sex(str, Enum):
    MALE = "M"
    FEMALE = "F"


class MaritalStatus(str, Enum):
    SINGLE = "single"
    MARRIED = "married"
    WIDOWED = "widowed"
    DIVORCED = "divorced"


class Channel(str, Enum):
    OFFICE = "office"
    HOME_VISIT = "home_visit"


class Relation(str, Enum):
    SPOUSE = "spouse"
    SON = "son"
    DAUGHTER = "daughter"
    OTHER = "other"


class RecordStatus(str, Enum):
    ACTIVE = "active"
    DECEASED = "deceased"
    MOVED = "moved"
    INACTIVE_OTHER = "inactive_other"


_RANDOM_BITS = (1 << 62) - 1
_last_stamp = 0  # the time part (ms << 12 | fraction) of this process's last id (`new_id`)
_stamp_lock = threading.Lock()


def new_id() -> str:
    """A new record's, dependant's or draft's id: a UUID of version 7 (RFC 9562) — the Unix time
    in milliseconds (48 bits), the fraction of the millisecond (12 bits: the RFC's "increased
    clock precision"), then 62 random bits (os.urandom). The same form as any UUID (36
    characters, lower-case hex). Ids made in one process increase strictly in the order they
    were made, whatever the clock's resolution (Windows' 15.6 ms under Python 3.11) or a step
    back: the last time part is kept under a lock, and a new one not above it is that one + 1
    (RFC 9562 §6.2, the fraction carrying into the milliseconds). So the indexes keyed by record
    id (`beneficiaries`, `revisions`, their pending index and `dependants` (record_id,
    dependant_id)) take a new record at their end instead of at a random leaf: a bulk import's
    commit no longer rewrites most of their pages (docs/decisions/time-ordered-record-ids.md)."""
    global _last_stamp
    ms, fraction = divmod(time.time_ns(), 1_000_000)
    stamp = (ms & 0xFFFF_FFFF_FFFF) << 12 | fraction * 4096 // 1_000_000
    with _stamp_lock:
        if stamp <= _last_stamp:
            stamp = _last_stamp + 1
        _last_stamp = stamp
    value = ((stamp >> 12) << 80 | 0x7000 << 64 | (stamp & 0xFFF) << 64
             | 0b10 << 62 | int.from_bytes(os.urandom(8), "big") & _RANDOM_BITS)
    text = f"{value:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"


def utc_now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


@dataclass
class ArabicName:
    """Four-part Arabic name: first, father, grandfather, family."""

    first: str = ""
    father: str = ""
    grandfather: str = ""
    family: str = ""

    def full(self) -> str:
        return " ".join(p for p in (self.first, self.father, self.grandfather, self.family) if p)


NAME_PARTS = ("first", "father", "grandfather", "family")


def full_name_of(name: object) -> str:
    """The full name of a name as a record's JSON holds it ({"first": …, …}); anything that is
    not text is left out (HQ reads records from offices: hostile until typed)."""
    if not isinstance(name, dict):
        return ""
    return " ".join(p for p in (name.get(k) for k in NAME_PARTS) if isinstance(p, str) and p)


@dataclass
class Dependant:
    name: ArabicName = field(default_factory=ArabicName)
    relation: Relation = Relation.SPOUSE
    sex: Sex = Sex.FEMALE
    date_of_birth: date | None = None
    national_number: str = ""
    dependant_id: str = field(default_factory=new_id)
    card_number: str = ""


@dataclass
class Beneficiary:
    """One person registered with the fund, at one revision."""

    national_number: str = ""
    name: ArabicName = field(default_factory=ArabicName)
    latin_name: str = ""
    mother_name: str = ""
    sex: Sex = Sex.MALE
    date_of_birth: date | None = None
    place_of_birth: str = ""
    marital_status: MaritalStatus = MaritalStatus.MARRIED
    mobile: str = ""
    municipality: str = ""
    address: str = ""
    locality: str = ""
    category: str = "retiree"
    # The category's own fields (for retirees: pension_number, pensions_authority,
    # retirement_date as ISO text); their rules live with the category in domain.categories.
    category_fields: dict[str, str] = field(default_factory=dict)
    office_code: str = ""
    channel: Channel = Channel.OFFICE
    notes: str = ""
    dependants: list[Dependant] = field(default_factory=list)
    status: RecordStatus = RecordStatus.ACTIVE
    status_reason: str = ""
    card_number: str = ""
    record_id: str = field(default_factory=new_id)
    revision: int = 1
    created_at: datetime = field(default_factory=utc_now)
    updated_at: datetime = field(default_factory=utc_now)
    created_by: str = ""
    updated_by: str = ""
    # Set when a supervisor saved despite a possible duplicate or a failed photo check.
    override_reason: str = ""
    # Saved without an accepted photo (or with one that failed a check) by a supervisor's
    # decision: reason, text, who, when (domain/photo_exception.py). None = no exception.
    photo_exception: PhotoException | None = None
    # Cards replaced (lost, stolen, damaged …): CardRevocation dicts plus the revision that
    # replaced them and the dependant_id ("" = the holder). The old numbers reach HQ with it.
    card_history: list[dict] = field(default_factory=list)

    def next_revision(self, **changes: Any) -> "Beneficiary":
        return replace(self, revision=self.revision + 1, updated_at=utc_now(), **changes)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict; the one serialisation used by storage, sync and export."""
        return _jsonable(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any], *, transient: bool = False) -> "Beneficiary":
        """The record of its JSON (`to_dict`'s shape), as `typed_values` reads and refuses it.
        `transient`: a record read, used and dropped at once (a bulk build's helper process reads
        a million, `storage.bulk.read_list_line`): the record and its dependants made without
        their classes' `__init__` when every field is given (`_made`) — equal objects, the same
        JSON, each holding a dict of its own (more memory an object than `__init__`'s shared keys)."""
        values = typed_values(data)
        values["name"] = ArabicName(*values["name"])
        dependants = values["dependants"]
        make = _made if transient else _initialised
        for n, typed in enumerate(dependants):
            typed["name"] = ArabicName(*typed["name"])
            dependants[n] = make(Dependant, typed)
        return make(cls, values)


def typed_values(data: dict[str, Any]) -> dict[str, Any]:
    """The one reader of a record's JSON — what storage holds and what an office sends HQ, hostile
    there until typed: the fields a `Beneficiary` has (any other key is left out), each as the
    record holds it — every choice (sex, marital status, channel, status; a dependant's relation
    and sex) its member, the date of birth a `date` when one is given, created_at / updated_at a
    `datetime` when text, the photo exception read (`PhotoException.from_dict`) —, with `name`
    the tuple of its four parts (first, father, grandfather, family) and `dependants` a list of
    the same for each dependant (its relation OTHER and sex FEMALE when absent). Raises
    TypeError, ValueError, KeyError or AttributeError exactly where no record can be made of
    `data`. `Beneficiary.from_dict` builds the objects of it; HQ reads a received record's people
    from it without building them (hq/people.py) — one set of rules for both."""
    values = _known(data, _field_names(Beneficiary))
    values["name"] = _name_parts(values.get("name", {}))
    values["dependants"] = [_typed_dependant(d) for d in values.get("dependants", [])]
    for key, enum in _BENEFICIARY_ENUMS:
        if key in values:
            values[key] = _enum_value(enum, values[key])
    if values.get("date_of_birth"):
        values["date_of_birth"] = date.fromisoformat(values["date_of_birth"])
    for key in ("created_at", "updated_at"):
        if isinstance(values.get(key), str):
            values[key] = datetime.fromisoformat(values[key])
    values["photo_exception"] = PhotoException.from_dict(values.get("photo_exception"))
    return values


@cache
def _field_names(kind: type) -> frozenset[str]:
    """A dataclass's field names, found once (every record read goes through from_dict)."""
    return frozenset(f.name for f in fields(kind))


@cache
def _field_order(kind: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(kind))


def _initialised(kind: type, values: dict[str, Any]) -> Any:
    return kind(**values)


def _made(kind: type, values: dict[str, Any]) -> Any:
    """`kind(**values)` of a dataclass with no `__post_init__` (`Beneficiary`, `Dependant`), `values`
    holding only its fields (`typed_values`): when it holds all of them, the object made by
    giving it their dict in the fields' order (what `__init__` would have set, in its order: orjson
    writes an object's fields in its dict's order) — a third cheaper than the call with ~30
    keywords (the bulk build's hot path); otherwise the call (its defaults and factories)."""
    names = _field_order(kind)
    if len(values) != len(names):
        return kind(**values)
    made = object.__new__(kind)
    made.__dict__ = {name: values[name] for name in names}
    return made


_BENEFICIARY_ENUMS = (("sex", Sex), ("marital_status", MaritalStatus), ("channel", Channel), ("status", RecordStatus))
_NAME_KEYS = frozenset(NAME_PARTS)


def _known(data: dict[str, Any], known: frozenset[str]) -> dict[str, Any]:
    """A new dict of `data`'s items whose key is in `known` (a copy in one go when every key is:
    the usual case, a record as `to_dict` wrote it)."""
    if data.keys() <= known:
        return dict(data)
    return {k: v for k, v in data.items() if k in known}


def _enum_value(enum: type[Enum], value: Any) -> Any:
    """`enum(value)`: a member by its value (a dict lookup first: `Enum.__call__` is slow),
    else what `enum(value)` does (ValueError for an unknown value)."""
    try:
        return enum._value2member_map_[value]
    except (KeyError, TypeError):
        return enum(value)


def _name_parts(name: Any) -> tuple[Any, Any, Any, Any]:
    """The four parts of a name object, as `ArabicName(**name)` takes them (TypeError where it
    would raise: not a mapping, a key that is not a part)."""
    if isinstance(name, dict) and name.keys() <= _NAME_KEYS:
        return (name.get("first", ""), name.get("father", ""), name.get("grandfather", ""), name.get("family", ""))
    made = ArabicName(**name)  # (raises; or a mapping that is not a dict)
    return (made.first, made.father, made.grandfather, made.family)


def _typed_dependant(data: dict[str, Any]) -> dict[str, Any]:
    values = _known(data, _field_names(Dependant))
    values["name"] = _name_parts(values.get("name", {}))
    values["relation"] = _enum_value(Relation, values.get("relation", Relation.OTHER))
    values["sex"] = _enum_value(Sex, values.get("sex", Sex.FEMALE))
    if values.get("date_of_birth"):
        values["date_of_birth"] = date.fromisoformat(values["date_of_birth"])
    return values


def _jsonable(value: Any) -> Any:
    """Dataclasses to dicts, enums to their values, dates to ISO text; every container is
    new (like `dataclasses.asdict`, without its deep copy of each leaf: the leaves are
    immutable). This runs for every saved revision (the bulk load's hot path), hence the
    converter per type, found once."""
    kind = type(value)
    if kind is str or value is None or kind is int:
        return value
    convert = _CONVERTERS.get(kind)
    if convert is None:
        convert = _CONVERTERS[kind] = _converter(kind)
    return convert(value)


def _converter(kind: type) -> Callable[[Any], Any]:
    if issubclass(kind, Enum):
        return lambda v: v.value
    if issubclass(kind, (str, int, float, bool)):
        return lambda v: v
    if issubclass(kind, dict):
        return lambda v: {k: _jsonable(x) for k, x in v.items()}
    if issubclass(kind, (list, tuple)):
        return lambda v: kind(_jsonable(x) for x in v) if kind is not list else [_jsonable(x) for x in v]
    if issubclass(kind, (date, datetime)):
        return lambda v: v.isoformat()
    if is_dataclass(kind):
        names = tuple(f.name for f in fields(kind))
        return lambda v: {name: _jsonable(getattr(v, name)) for name in names}
    return lambda v: v


_CONVERTERS: dict[type, Callable[[Any], Any]] = {}


@dataclass
class Photo:
    """An encoded ID photo (or a document scan) and the quality scores it passed."""

    data: bytes
    mime: str = "image/jpeg"
    kind: str = "portrait"  # or "document"
    quality: dict[str, float] = field(default_factory=dict)
    override_reason: str = ""
