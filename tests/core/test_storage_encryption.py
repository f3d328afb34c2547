"""No readable personal data on disk: the DB, its WAL and shared-memory files, backups."""

from __future__ import annotations

import pytest

from fundclient.domain.records import ArabicName, Beneficiary, Dependant, Photo
from fundclient.storage import initialise, open_store
from fundclient.storage.backup import create_backup

NAME = "عبدالسلام"
NATIONAL = "119551234567"
PHOTO_MARK = b"JFIF-portrait-marker-0123456789"


def _all_bytes(paths) -> bytes:
    return b"".join(p.read_bytes() for p in paths if p.exists())


def test_db_wal_shm_and_backup_hold_no_plaintext(data_dir, tmp_path):
    initialise(data_dir, "SBH", "admin", "admin-pass-1")
    store, _ = open_store(data_dir, "admin", "admin-pass-1")
    b = Beneficiary(national_number=NATIONAL, name=ArabicName(NAME, "محمد", "علي", "الزوي"), mobile="+218912345678",
                    dependants=[Dependant(name=ArabicName("مبروكة"), national_number="219601234567")])
    store.beneficiaries.add(b, by="admin", photos=[Photo(PHOTO_MARK * 1000)])
    store.drafts.save("admin", "d", '{"first": "%s"}' % NAME)
    store.beneficiaries.search(NAME)
    db = data_dir / "fundclient.db"
    wal, shm = db.with_name("fundclient.db-wal"), db.with_name("fundclient.db-shm")
    assert wal.exists() and wal.stat().st_size > 0  # the save is (also) in the WAL right now
    # While the store is open (WAL not checkpointed) and after closing it.
    for stage in ("open", "closed"):
        on_disk = _all_bytes([db, wal, shm])
        for secret in (NAME.encode("utf-8"), NATIONAL.encode(), b"219601234567", b"+218912345678", PHOTO_MARK,
                       "مبروكة".encode("utf-8")):
            assert secret not in on_disk, (stage, secret)
        assert not on_disk.startswith(b"SQLite format 3")
        if stage == "open":
            backup = create_backup(store, by="admin", to_dir=tmp_path / "bk")
            assert NATIONAL.encode() not in backup.read_bytes() and NAME.encode() not in backup.read_bytes()
            store.close()
    for name in ("status.json", "keystore.json", "audit_head.json", "settings.json"):
        text = (data_dir / name).read_bytes()
        assert NATIONAL.encode() not in text and NAME.encode() not in text


def test_wrong_key_cannot_open(data_dir):
    from fundclient.storage.errors import DatabaseUnreadable
    from fundclient.storage.store import Store

    initialise(data_dir, "SBH", "admin", "admin-pass-1")
    with pytest.raises(DatabaseUnreadable):
        Store(data_dir, b"\x00" * 32)


def test_data_dir_and_key_files_are_private_to_the_office_account(tmp_path):
    import os
    import stat

    from fundclient.storage import initialise

    data_dir = tmp_path / "office"
    initialise(data_dir, "SBH", "admin", "admin-pass-1")
    assert stat.S_IMODE(os.stat(data_dir).st_mode) == 0o700
    for name in ("keystore.json", "audit_head.json"):
        assert stat.S_IMODE(os.stat(data_dir / name).st_mode) == 0o600, name


def test_settings_device_and_enrolment_files_are_private_as_documented(tmp_path):
    """docs/security.md "What is on disk": settings.json and enrolment.json 0600, device/ 0700 —
    also when an older version left them 0644/0755 (#12 item 9)."""
    import os
    import stat

    from fundclient.config import Settings
    from fundclient.sync.device import ensure_signing_key, save_enrolment

    data_dir = tmp_path / "office"
    (data_dir / "device").mkdir(parents=True, mode=0o755)
    os.chmod(data_dir / "device", 0o755)
    (data_dir / "settings.json").write_text("{}")
    os.chmod(data_dir / "settings.json", 0o644)
    Settings(office_code="SBH").save(data_dir)
    ensure_signing_key(data_dir)
    save_enrolment(data_dir, {"device_id": "x"})
    mode = lambda path: stat.S_IMODE(os.stat(path).st_mode)  # noqa: E731
    assert mode(data_dir / "settings.json") == 0o600
    assert mode(data_dir / "device") == 0o700
    assert mode(data_dir / "device" / "enrolment.json") == 0o600
    assert mode(data_dir / "device" / "signing_key.json") == 0o600
