"""The duplicate check's stored keys kept at the rule's version (`domain.duplicate_keys.RULE_VERSION`).

Every holder's and dependant's row carries its keys (`dup_keys`, written by `storage.rows`),
filed in `duplicate_keys` by triggers (migration 0008). The version of the rule those keys were
made by is kept in `meta` (migration 0009, row `duplicate_keys_rule`). At each opening of the
store (`Store`) one small read compares it with the code's; when it differs (a store keyed by
an older rule, a backup of one restored) every person is keyed again, set-based as migration
0008 did: the keys' triggers and indexes set aside, each current revision read once and its
people's keys written to their rows, the table filled in one statement per kind of person,
the indexes built once and the triggers made again — a few minutes at a million records, once.
"""

from __future__ import annotations

from fundclient.domain.duplicate_keys import RULE_VERSION

META_ROW = "duplicate_keys_rule"
_BATCH = 2000
_EACH = """json_each('["' || replace(replace(replace(t.dup_keys, '\\', '\\\\'), '"', '\\"'), ' ', '","') || '"]')"""


def stored_version(raw) -> str | None:
    row = raw.execute("SELECT value FROM meta WHERE name = ?", (META_ROW,)).fetchone()
    return row[0] if row else None


def is_current(raw) -> bool:
    return stored_version(raw) == str(RULE_VERSION)


def keep_current(store) -> bool:
    """At the store's opening: the keys made again if they are of another rule. True if they were."""
    with store.read() as conn:
        if is_current(conn.driver_connection):
            return False
    with store.writer_connection() as conn:
        raw = conn.driver_connection
        if is_current(raw):  # another process did it meanwhile
            return False
        rekey(raw)
    return True


def rekey(raw) -> None:
    """Every stored person's keys by the current rule (inside the caller's write transaction)."""
    set_aside = raw.execute(
        "SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND"
        " ((type = 'trigger' AND name LIKE 'duplicate_keys_%') OR (type = 'index' AND tbl_name = 'duplicate_keys'))"
        " ORDER BY type = 'trigger', name").fetchall()
    for kind, name, _ in set_aside:
        raw.execute(f'DROP {kind.upper()} "{name}"')
    _fill_columns(raw)
    raw.execute("DELETE FROM duplicate_keys")
    raw.execute("INSERT INTO duplicate_keys (key, person) SELECT DISTINCT j.value, t.id FROM beneficiaries t, "
                f"{_EACH} j WHERE t.dup_keys != '' AND j.value != ''")
    raw.execute("INSERT INTO duplicate_keys (key, person) SELECT DISTINCT j.value, -t.id FROM dependants t, "
                f"{_EACH} j WHERE t.dup_keys != '' AND j.value != ''")
    for _, _, sql in set_aside:
        raw.execute(sql)
    raw.execute("INSERT OR REPLACE INTO meta (name, value) VALUES (?, ?)", (META_ROW, str(RULE_VERSION)))


def _fill_columns(raw) -> None:
    """`dup_keys` of every stored holder and dependant, from the current revision."""
    from fundclient.storage.records_json import load  # lazy: only a re-keying reads records
    from fundclient.storage.rows import person_keys  # lazy: as above

    last = 0
    while True:
        rows = raw.execute(
            "SELECT b.id, r.data FROM beneficiaries b JOIN revisions r ON r.record_id = b.record_id"
            " AND r.revision = b.revision WHERE b.id > ? ORDER BY b.id LIMIT ?", (last, _BATCH)).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        holders, dependants = [], []
        for row_id, data in rows:
            record = load(data)
            holders.append((person_keys(record), row_id))
            dependants += [(person_keys(d), record.record_id, d.dependant_id) for d in record.dependants]
        raw.executemany("UPDATE beneficiaries SET dup_keys = ? WHERE id = ?", holders)
        raw.executemany("UPDATE dependants SET dup_keys = ? WHERE record_id = ? AND dependant_id = ?", dependants)
