"""The rows one save of a record writes (current row, revision, dependants, photos): the SQL and
its parameters, shared by a single save (`storage.beneficiaries`) and a bulk load
(`storage.bulk`), so both write exactly the same rows."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import orjson

from fundclient.domain.duplicate_keys import stored_keys_of
from fundclient.domain.records import Beneficiary, Dependant, Photo, RecordStatus
from fundclient.storage.records_json import dump as _dump
from fundclient.storage.search_keys import name_keys_of, record_keys

_CURRENT_COLUMNS = ("revision, national_number, card_number, mobile, name_norm, name_phon, name_pairs, status,"
                    " office_code, created_by, channel, municipality, created_at, updated_at, dup_keys")
INSERT_CURRENT = f"INSERT INTO beneficiaries ({_CURRENT_COLUMNS}, record_id) VALUES ({', '.join('?' * 16)})"
UPDATE_CURRENT = ("UPDATE beneficiaries SET " + ", ".join(f"{c.strip()} = ?" for c in _CURRENT_COLUMNS.split(","))
                  + " WHERE record_id = ?")
INSERT_REVISION = "INSERT INTO revisions (record_id, revision, data, saved_at, saved_by) VALUES (?, ?, ?, ?, ?)"
INSERT_DEPENDANT = ("INSERT INTO dependants (record_id, dependant_id, national_number, card_number, name_norm,"
                    " name_phon, name_pairs, dup_keys) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
INSERT_BLOB = ("INSERT INTO blobs (record_id, revision, kind, mime, quality, override_reason, data)"
               " VALUES (?, ?, ?, ?, ?, ?, ?)")


def current_row(record: Beneficiary, filed: Sequence[int] | None = None) -> tuple:
    """Parameters of INSERT_CURRENT / UPDATE_CURRENT: the searchable columns of a record.
    `filed`: the holder's duplicate keys when already made (`duplicate_keys.person_stored_keys`)."""
    norm, phon, pairs = record_keys(record)
    return (record.revision, record.national_number, record.card_number or None, record.mobile, norm, phon, pairs,
            record.status.value, record.office_code, record.created_by, record.channel.value,
            record.municipality, record.created_at.isoformat(), record.updated_at.isoformat(),
            person_keys(record) if filed is None else dup_keys_text(filed), record.record_id)


def revision_row(record: Beneficiary, by: str, saved_at: str) -> tuple:
    return (record.record_id, record.revision, _dump(record), saved_at, by)


def dependant_rows(record: Beneficiary, filed: Sequence[Sequence[int]] | None = None) -> list[tuple]:
    """`filed`: each dependant's duplicate keys when already made, in order."""
    return [(record.record_id, d.dependant_id, d.national_number, d.card_number, *name_keys_of(d.name),
             person_keys(d) if filed is None else dup_keys_text(filed[i])) for i, d in enumerate(record.dependants)]


def person_keys(person: Beneficiary | Dependant) -> str:
    """The duplicate check's keys of a holder or a dependant (`domain.duplicate_keys`: ~3 signed
    64-bit integers), comma-separated: the `dup_keys` column, filed in `duplicate_keys` by
    triggers that read it as a JSON array (migration 0013)."""
    # `stored_keys_of`, not `person_stored_keys`: the same keys (tests/core/test_duplicate_keys.py)
    # without its memo of whole names, which a bulk build's million names miss (38 µs a record
    # in a build's helper against 67).
    name, born = person.name, person.date_of_birth
    return dup_keys_text(stored_keys_of(name.first, name.father, name.grandfather, name.family,
                                        born if isinstance(born, date) else None))


def dup_keys_text(keys) -> str:
    """A person's keys as their `dup_keys` column holds them ("" when none)."""
    return ",".join(map(str, keys))


def blob_kinds(photos: Sequence[Photo]) -> list[str]:
    """Storage kinds for one save: a second scan of the same kind is stored as "document.2"…"""
    seen: dict[str, int] = {}
    kinds = []
    for p in photos:
        seen[p.kind] = seen.get(p.kind, 0) + 1
        kinds.append(p.kind if seen[p.kind] == 1 else f"{p.kind}.{seen[p.kind]}")
    return kinds


def ready_for_import(record: Beneficiary, office_code: str) -> Beneficiary:
    """What registering a new record sets whatever the file said (`services.registration`
    `register`/`register_many`): this office unless the row names one, no override, no card
    numbers (given at the save), active."""
    record.office_code = record.office_code or office_code
    record.override_reason = ""
    record.card_number = ""
    record.status, record.status_reason = RecordStatus.ACTIVE, ""
    for dependant in record.dependants:
        dependant.card_number = ""
    return record


# A new record's rows made before its card numbers are known (an import's helper process makes
# them while this process checks and writes the batch before): every card number empty, then
# patched in by `numbered_rows` once the batch's numbers are reserved — the same rows as
# `current_row`/`revision_row`/`dependant_rows` of the numbered record (tests/core/test_import_rows.py).
_EMPTY_CARD = '"card_number":""'


def unnumbered_rows(record: Beneficiary, filed: Sequence[Sequence[int]] | None = None
                    ) -> tuple[tuple, str, list[tuple]]:
    """(current row, revision JSON, dependant rows) of a new record whose holder and dependants
    have no card number yet (`record.card_number` and each dependant's empty). `filed`: the
    keys each of its people is filed under, holder then dependants, when already made
    (`duplicate_candidates.record_keys`' third item — an import's helper makes them for the
    duplicate check): not made twice."""
    if filed is None or len(filed) != 1 + len(record.dependants):
        return current_row(record), _dump(record), dependant_rows(record)
    return current_row(record, filed[0]), _dump(record), dependant_rows(record, filed[1:])


def numbered_rows(made: tuple[tuple, str, list[tuple]], record: Beneficiary, by: str,
                  saved_at: str) -> tuple[tuple, tuple, list[tuple]] | None:
    """`unnumbered_rows` with the card numbers `record` (the same record) now holds: the rows
    `current_row`, `revision_row` and `dependant_rows` give — or None when the JSON does not
    show exactly one empty card number per person (then the caller makes the rows anew)."""
    current, text, dependants = made
    parts = text.split(_EMPTY_CARD)
    if len(parts) != len(record.dependants) + 2 or len(dependants) != len(record.dependants):
        return None
    # The JSON holds the dependants (and their numbers) before the holder's own number.
    numbers = [d.card_number for d in record.dependants] + [record.card_number]
    pieces = [parts[0]]
    for number, part in zip(numbers, parts[1:]):
        pieces += ['"card_number":', _json_text(number), part]
    return ((*current[:2], record.card_number or None, *current[3:]),
            (record.record_id, record.revision, "".join(pieces), saved_at, by),
            [(*row[:3], d.card_number, *row[4:]) for row, d in zip(dependants, record.dependants)])


def _json_text(value: str) -> str:
    return orjson.dumps(value).decode()
