"""A fresh encrypted office for storage tests (tests import it like `waiting`)."""

from __future__ import annotations

from fundclient import storage
from fundclient.domain.duplicate_keys import stored_keys
from fundclient.domain.duplicates import profile

PASSWORD = "correct horse 1"


def new_office(path):
    """`path` initialised as office SEB with its administrator, and opened as them."""
    storage.initialise(path, "SEB", "admin", PASSWORD, "مدير النظام")
    return open_office(path)


def open_office(path):
    store, _ = storage.open_store(path, "admin", PASSWORD)
    return store


def filed_keys(store):
    """Every filed duplicate key as (key, record, dependant): in the big table or the small one a
    save files in first (migration 0012), never in both."""
    with store.read() as conn:
        return sorted(row for table in ("duplicate_keys", "duplicate_keys_new") for row in conn.exec_driver_sql(
            f"SELECT k.key, b.record_id, '' FROM {table} k JOIN beneficiaries b ON b.id = k.person"
            f" UNION ALL SELECT k.key, d.record_id, d.dependant_id FROM {table} k"
            " JOIN dependants d ON d.id = -k.person").fetchall())


def expected_keys(records):
    """The keys the rule files for `records` and their dependants, as `filed_keys` lists them."""
    return sorted((k, r.record_id, dep) for r in records
                  for person, dep in ((r, ""), *((d, d.dependant_id) for d in r.dependants))
                  for k in stored_keys(profile(person)))
