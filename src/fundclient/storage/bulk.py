"""Fast bulk load (HQ seed data, benchmarks): executemany in large transactions.

Same rows as a normal save (`beneficiaries.current_row` & co.), without photos; one audit
entry per batch instead of one per record.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice
from typing import TYPE_CHECKING

from fundclient.domain.records import Beneficiary, utc_now
from fundclient.storage.beneficiaries import (INSERT_CURRENT, INSERT_DEPENDANT, INSERT_REVISION, current_row,
                                              dependant_rows, revision_row)

if TYPE_CHECKING:
    from fundclient.storage.store import Store


def bulk_add(store: "Store", records: Iterable[Beneficiary], *, by: str, batch_size: int = 20_000) -> int:
    """Insert new records in batches; each batch is one transaction. Returns the count."""
    total = 0
    iterator = iter(records)
    while batch := list(islice(iterator, batch_size)):
        saved_at = utc_now().isoformat()
        with store.write(by, "import", bulk=True, rows=len(batch)) as tx:
            cursor = tx.conn.connection.driver_connection.cursor()
            cursor.executemany(INSERT_CURRENT, [current_row(b) for b in batch])
            cursor.executemany(INSERT_REVISION, [revision_row(b, by, saved_at) for b in batch])
            cursor.executemany(INSERT_DEPENDANT, [row for b in batch for row in dependant_rows(b)])
        total += len(batch)
    return total
