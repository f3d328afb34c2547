"""The rows one save of a record writes (current row, revision, dependants, photos): the SQL and
its parameters, shared by a single save (`storage.beneficiaries`) and a bulk load
(`storage.bulk`), so both write exactly the same rows."""

from __future__ import annotations

from collections.abc import Sequence

from fundclient.domain.duplicate_keys import person_stored_keys
from fundclient.domain.records import Beneficiary, Dependant, Photo
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


def current_row(record: Beneficiary) -> tuple:
    """Parameters of INSERT_CURRENT / UPDATE_CURRENT: the searchable columns of a record."""
    norm, phon, pairs = record_keys(record)
    return (record.revision, record.national_number, record.card_number or None, record.mobile, norm, phon, pairs,
            record.status.value, record.office_code, record.created_by, record.channel.value,
            record.municipality, record.created_at.isoformat(), record.updated_at.isoformat(), person_keys(record),
            record.record_id)


def revision_row(record: Beneficiary, by: str, saved_at: str) -> tuple:
    return (record.record_id, record.revision, _dump(record), saved_at, by)


def dependant_rows(record: Beneficiary) -> list[tuple]:
    return [(record.record_id, d.dependant_id, d.national_number, d.card_number, *name_keys_of(d.name),
             person_keys(d)) for d in record.dependants]


def person_keys(person: Beneficiary | Dependant) -> str:
    """The duplicate check's keys of a holder or a dependant (`domain.duplicate_keys`), space-separated:
    the `dup_keys` column, filed in `duplicate_keys` by triggers (migration 0008)."""
    return " ".join(person_stored_keys(person))


def blob_kinds(photos: Sequence[Photo]) -> list[str]:
    """Storage kinds for one save: a second scan of the same kind is stored as "document.2"…"""
    seen: dict[str, int] = {}
    kinds = []
    for p in photos:
        seen[p.kind] = seen.get(p.kind, 0) + 1
        kinds.append(p.kind if seen[p.kind] == 1 else f"{p.kind}.{seen[p.kind]}")
    return kinds
