"""The audit hash chain detects modified, deleted and truncated entries."""

from __future__ import annotations

import json

import pytest

from fundclient.domain.records import ArabicName, Beneficiary
from fundclient.storage import initialise, open_store
from fundclient.storage.engine import raw_connect


@pytest.fixture
def store(data_dir):
    initialise(data_dir, "SBH", "admin", "admin-pass-1")
    store, _ = open_store(data_dir, "admin", "admin-pass-1")
    for i in range(3):
        store.beneficiaries.add(Beneficiary(national_number=f"11955000000{i}", name=ArabicName("علي")), by="admin")
    store.audit_event("admin", "print", store.beneficiaries.pending_sync()[0][0], copies=1)
    yield store
    store.close()


def _tamper(store, sql, params=()):
    conn = raw_connect(store.data_dir / "fundclient.db", store.db_key)
    conn.execute(sql, params)
    conn.close()


def test_intact_chain_verifies(store):
    result = store.audit.verify()
    assert result.ok and result.entries >= 6 and result.unanchored_tail == 0
    assert [e.action for e in store.audit.entries()][:2] == ["setup", "login"]


def test_no_personal_text_in_details(store):
    with pytest.raises(ValueError):
        store.audit_event("admin", "print", note="أحمد محمد")


def test_modified_entry_detected(store):
    _tamper(store, "UPDATE audit_log SET action = 'login' WHERE seq = 3")
    result = store.audit.verify()
    assert not result.ok and any("entry 3: content was modified" in p for p in result.problems)


def test_deleted_middle_entry_detected(store):
    _tamper(store, "DELETE FROM audit_log WHERE seq = 2")
    result = store.audit.verify()
    assert not result.ok and any("missing" in p for p in result.problems)


def test_deleted_last_entry_detected_by_anchor(store):
    head = store.audit.head()
    _tamper(store, "DELETE FROM audit_log WHERE seq = ?", (head[0],))
    result = store.audit.verify()
    assert not result.ok and any("deleted" in p for p in result.problems)


def test_forged_anchor_detected(store):
    path = store.data_dir / "audit_head.json"
    anchor = json.loads(path.read_text())
    anchor["seq"] -= 1
    path.write_text(json.dumps(anchor))
    assert not store.audit.verify().ok


def test_recomputed_chain_without_key_still_caught(store):
    """Rewriting an entry and re-hashing the rest of the chain does not match the anchor MAC... unless
    the anchor is also rewritten, which needs the DB key: here the tail is rewritten consistently."""
    import hashlib

    conn = raw_connect(store.data_dir / "fundclient.db", store.db_key)
    rows = conn.execute("SELECT seq, at, operator, action, record_id, detail, prev_hash FROM audit_log"
                        " ORDER BY seq").fetchall()
    prev = rows[0][6]
    for seq, at, operator, action, record_id, detail, _ in rows:
        if seq == 2:
            operator = "intruder"
        content = json.dumps([seq, at, operator, action, record_id, detail], ensure_ascii=False)
        digest = hashlib.sha256((prev + content).encode()).hexdigest()
        conn.execute("UPDATE audit_log SET operator = ?, prev_hash = ?, hash = ? WHERE seq = ?",
                     (operator, prev, digest, seq))
        prev = digest
    conn.close()
    result = store.audit.verify()
    assert not result.ok and any("anchor" in p for p in result.problems)
