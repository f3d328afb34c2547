"""HQ's schema under Alembic: from an empty database and from the schema release 0.1.0 made with
create_all (hq_db_0_1_0.py, verbatim from git), on SQLite and on PostgreSQL; the migrated
schema equals the tables the code uses (hq/db.py), data survives, downgrade/upgrade round-trips,
and an HQ on the upgraded database ingests."""

from __future__ import annotations

import hashlib
import importlib.util
import os
from datetime import datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from fundclient.hq import migrate
from fundclient.hq.db import metadata, open_engine

PG_ENV = "FUNDCLIENT_TEST_PG_URL"


def _old_schema() -> sa.MetaData:
    spec = importlib.util.spec_from_file_location("hq_db_0_1_0", Path(__file__).with_name("hq_db_0_1_0.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.metadata


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request, tmp_path):
    """(hq_dir, url or None) of an empty database."""
    if request.param == "sqlite":
        return tmp_path / "hq", None
    url = os.environ.get(PG_ENV)
    if not url:
        pytest.fail(f"{PG_ENV} is not set: start PostgreSQL (scripts/dev.py ThrowawayPostgres) and export the URL")
    engine = sa.create_engine(url)
    migrate.drop_everything(engine)
    engine.dispose()
    return tmp_path / "hq", url


def _differences(engine: sa.Engine) -> list:
    """Migrated schema vs the tables the code uses: hq/db.py's and the console's (hq/console/models.py)."""
    from fundclient.hq.console.models import metadata as console_metadata
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "target_metadata": [metadata, console_metadata]})
        return compare_metadata(context, [metadata, console_metadata])


def test_empty_database_gets_every_migration(database):
    hq_dir, url = database
    engine = open_engine(hq_dir, url)
    try:
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert _differences(engine) == []
        open_engine(hq_dir, url).dispose()  # a second start is a no-op
        migrate.downgrade(engine, "base")
        assert not sa.inspect(engine).has_table("devices")
        migrate.upgrade(engine)
        assert _differences(engine) == []
    finally:
        engine.dispose()


def test_a_0_1_0_database_is_stamped_and_upgraded_with_its_data(database):
    hq_dir, url = database
    hq_dir.mkdir(parents=True, exist_ok=True)
    old = sa.create_engine(url or f"sqlite:///{hq_dir / 'hq.db'}")
    _old_schema().create_all(old)
    now = datetime.now(timezone.utc)
    with old.begin() as conn:
        conn.execute(sa.text("INSERT INTO devices (device_id, office_code, device_number, public_key, label, "
                             "enrolled_at) VALUES ('d0d0d0d0-0000-4000-8000-000000000001', 'SBH', 1, :k, '', :t)"),
                     {"k": b"k" * 32, "t": now})
        conn.execute(sa.text("INSERT INTO changes (kind, key, data, deleted, at) "
                             "VALUES ('offices', 'SBH', '{}', :f, :t)"), {"f": False, "t": now})
    assert not sa.inspect(old).has_table("alembic_version")
    old.dispose()

    engine = open_engine(hq_dir, url)
    try:
        assert migrate.current_revision(engine) == migrate.head_revision()
        assert _differences(engine) == []
        assert "ix_rejections_device_id" in {i["name"] for i in sa.inspect(engine).get_indexes("rejections")}
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT office_code FROM devices")).scalar() == "SBH"
            assert conn.execute(sa.text("SELECT count(*) FROM changes")).scalar() == 1
    finally:
        engine.dispose()


def test_hq_serves_on_an_upgraded_0_1_0_database(tmp_path, data_dir):
    from fundclient.hq.keys import init_keys
    from fundclient.hq.server import start_in_thread
    from fundclient.sync.engine import run_sync
    from fundclient.sync.outbox import Outbox
    from sync_helpers import enrol_office, people

    hq_dir = tmp_path / "hq"
    init_keys(hq_dir)
    old = sa.create_engine(f"sqlite:///{hq_dir / 'hq.db'}")
    _old_schema().create_all(old)
    old.dispose()
    server = start_in_thread(hq_dir)
    try:
        enrol_office(server, data_dir)
        Outbox(data_dir).seal([p.to_dict() for p in people(3)])
        assert run_sync(data_dir).batches_acknowledged == 1
    finally:
        server.stop()


def test_photos_move_out_of_the_record_rows_into_blobs_once_per_hash(database):
    """0008: a database of 0007 with photo bytes in `photos.data` keeps every photo, each
    distinct picture once in `blobs`; downgrade puts the bytes back."""
    hq_dir, url = database
    engine = open_engine(hq_dir, url)
    try:
        migrate.downgrade(engine, "0007")
        picture, other = b"\xff\xd8" + os.urandom(3000), b"\xff\xd8" + os.urandom(2000)
        rows = [("r1", 1, picture), ("r1", 2, picture), ("r2", 1, other)]  # a new revision with the same picture
        with engine.begin() as conn:
            for record_id, revision, data in rows:
                conn.execute(sa.text("INSERT INTO photos (record_id, revision, position, kind, mime, quality, sha256, "
                                     "data) VALUES (:r, :v, 0, 'portrait', 'image/jpeg', '{}', :h, :d)"),
                             {"r": record_id, "v": revision, "h": hashlib.sha256(data).hexdigest(), "d": data})
        migrate.upgrade(engine)
        assert _differences(engine) == []
        with engine.connect() as conn:
            held = dict(conn.execute(sa.text("SELECT sha256, data FROM blobs")).all())
            shots = conn.execute(sa.text("SELECT record_id, revision, sha256 FROM photos ORDER BY id")).all()
        assert {h: bytes(d) for h, d in held.items()} == {hashlib.sha256(d).hexdigest(): d for d in (picture, other)}
        assert [(r, v) for r, v, _h in shots] == [("r1", 1), ("r1", 2), ("r2", 1)]
        migrate.downgrade(engine, "0007")
        with engine.connect() as conn:
            back = conn.execute(sa.text("SELECT data FROM photos ORDER BY id")).scalars().all()
        assert [bytes(b) for b in back] == [picture, picture, other]
    finally:
        engine.dispose()


def test_hq_wide_duplicate_indexes_are_filled_from_the_records_held(database):
    """0006 (#14): every national number HQ already holds — holders' and dependants' — and the
    name blocking keys are filed from the newest revision of each record."""
    import json

    from sync_helpers import people

    hq_dir, url = database
    hq_dir.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url or f"sqlite:///{hq_dir / 'hq.db'}")
    migrate.upgrade(engine, "0005")
    person = people(1, office="SBH", seed=5)[0]
    assert person.dependants and person.dependants[0].national_number
    undated = people(1, office="SBH", seed=6)[0]  # its data without created_at: registered on arrival
    undated_data = {k: v for k, v in undated.to_dict().items() if k != "created_at"}
    now = datetime(2026, 3, 4, 22, 30, tzinfo=timezone.utc)
    with engine.begin() as conn:
        for record_id, revision, number, data in (
                (person.record_id, 1, person.national_number, person.to_dict()),
                (person.record_id, 2, person.national_number,
                 person.next_revision(dependants=person.dependants[:1]).to_dict()),
                (undated.record_id, 1, undated.national_number, undated_data)):
            conn.execute(sa.text("INSERT INTO records (record_id, revision, national_number, office_code, device_id, "
                                 "batch_id, status, sha256, data, received_at) VALUES (:r, :v, :n, 'SBH', 'd', 'b', "
                                 "'accepted', 's', :data, :t)"),
                         {"r": record_id, "v": revision, "n": number, "data": json.dumps(data), "t": now})
    migrate.upgrade(engine)
    try:
        with engine.connect() as conn:
            numbers = set(conn.execute(sa.text("SELECT national_number, role, office_code FROM person_numbers "
                                               "WHERE record_id = :r"), {"r": person.record_id}).all())
            blocks = conn.execute(sa.text("SELECT count(*) FROM person_names WHERE record_id = :r"),
                                  {"r": person.record_id}).scalar()
            undated_days = set(conn.execute(sa.text("SELECT registered_on FROM person_numbers WHERE record_id = :r"),
                                            {"r": undated.record_id}).scalars())
        assert numbers == {(person.national_number, "holder", "SBH"),
                           (person.dependants[0].national_number, "dependant", "SBH")}
        assert blocks >= 2
        assert undated_days == {"2026-03-04"}
    finally:
        engine.dispose()


def test_stored_duplicate_profiles_are_filled_from_the_newest_revisions(database):
    """0012 (#11 item 7): the people of the newest revision of each record HQ holds are filed as
    their domain profiles; a record whose data does not parse files none; downgrade drops them."""
    import json

    from fundclient.domain.duplicates import profile
    from fundclient.hq import profiles
    from sync_helpers import people

    hq_dir, url = database
    hq_dir.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url or f"sqlite:///{hq_dir / 'hq.db'}")
    migrate.upgrade(engine, "0011")
    person = next(p for p in people(10, office="SBH", seed=7) if len(p.dependants) >= 2)
    newest = person.next_revision(dependants=person.dependants[:1])
    undated = people(1, office="SBH", seed=8)[0]  # its data without created_at: registered on arrival
    now = datetime(2026, 3, 4, 22, 30, tzinfo=timezone.utc)
    with engine.begin() as conn:
        for record_id, revision, data in ((person.record_id, 1, json.dumps(person.to_dict())),
                                          (person.record_id, 2, json.dumps(newest.to_dict())),
                                          (undated.record_id, 1, json.dumps(
                                              {k: v for k, v in undated.to_dict().items() if k != "created_at"})),
                                          ("broken", 1, "{not json")):
            conn.execute(sa.text("INSERT INTO records (record_id, revision, national_number, office_code, device_id, "
                                 "batch_id, status, sha256, data, received_at) VALUES (:r, :v, '1', 'SBH', 'd', 'b', "
                                 "'accepted', 's', :data, :t)"), {"r": record_id, "v": revision, "data": data, "t": now})
    migrate.upgrade(engine)
    try:
        assert _differences(engine) == []
        with engine.connect() as conn:
            held = profiles.read(conn, [person.record_id, "broken"])
        assert list(held) == [person.record_id]
        assert [p.profile for p in held[person.record_id]] == [profile(newest), profile(newest.dependants[0])]
        assert {(p.revision, p.office_code, p.registered_on) for p in held[person.record_id]} == {
            (2, "SBH", newest.created_at.date().isoformat())}
        with engine.connect() as conn:
            undated_held = profiles.read(conn, [undated.record_id])[undated.record_id]
        assert [p.profile for p in undated_held] == [profile(undated)] + [profile(d) for d in undated.dependants]
        assert {p.registered_on for p in undated_held} == {"2026-03-04"}
        migrate.downgrade(engine, "0011")
        assert not sa.inspect(engine).has_table("person_profiles")
    finally:
        engine.dispose()


def _index_rows_held(conn) -> tuple[list, list]:
    return (sorted(conn.execute(sa.text("SELECT national_number, record_id, office_code, role, registered_on "
                                        "FROM person_numbers")).all()),
            sorted(conn.execute(sa.text("SELECT block, record_id FROM person_names")).all()))


def _filled_as_0006_did_before_its_fix(conn) -> None:
    """The index as 0006 left it on SQLite before 368c61b: received_at read untyped (SQLite's text;
    on PostgreSQL the same text, so the store is the same on both), and a record whose
    `registered_on` then failed — one without created_at — silently skipped."""
    import json

    from fundclient.hq.duplicates import index_rows

    conn.execute(sa.text("DELETE FROM person_numbers"))
    conn.execute(sa.text("DELETE FROM person_names"))
    newest: dict[str, tuple] = {}
    for record_id, rev, office, data, received in conn.execute(sa.text(
            "SELECT record_id, revision, office_code, data, received_at FROM records ORDER BY received_at")):
        if record_id not in newest or rev > newest[record_id][0]:
            newest[record_id] = (rev, office, data, str(received))
    for record_id, (_rev, office, data, received) in newest.items():
        try:
            found_numbers, found_names = index_rows(record_id, json.loads(data), office, received)
        except (TypeError, ValueError, KeyError, AttributeError):
            continue
        for row in found_numbers:
            conn.execute(sa.text("INSERT INTO person_numbers (national_number, record_id, office_code, role, "
                                 "registered_on) VALUES (:national_number, :record_id, :office_code, :role, "
                                 ":registered_on)"), row)
        for row in found_names:
            conn.execute(sa.text("INSERT INTO person_names (block, record_id) VALUES (:block, :record_id)"), row)


def test_records_0006_skipped_before_its_fix_get_their_index_rows(database):
    """Review finding 4: an HQ migrated through 0006 before 368c61b has no person_numbers or
    person_names rows for the records without created_at. 0013 files them (registered on the
    day HQ received the newest revision), from each record's newest revision; the records that
    were indexed keep their rows, none twice: the index equals the one the fixed 0006 makes."""
    import json

    from sync_helpers import people

    hq_dir, url = database
    hq_dir.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(url or f"sqlite:///{hq_dir / 'hq.db'}")
    migrate.upgrade(engine, "0005")
    dated, undated, changed = people(3, office="SBH", seed=11)
    assert changed.dependants and all(p.national_number for p in (dated, undated, changed))

    def without_date(record) -> dict:
        return {k: v for k, v in record.to_dict().items() if k != "created_at"}

    rows = [(dated.record_id, 1, dated.to_dict(), datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)),
            (undated.record_id, 1, without_date(undated), datetime(2026, 3, 2, 23, 30, tzinfo=timezone.utc)),
            (changed.record_id, 1, without_date(changed), datetime(2026, 3, 3, 8, 0, tzinfo=timezone.utc)),
            (changed.record_id, 2, without_date(changed.next_revision(dependants=[])),
             datetime(2026, 3, 5, 8, 0, tzinfo=timezone.utc))]
    with engine.begin() as conn:
        for record_id, revision, data, at in rows:
            conn.execute(sa.text("INSERT INTO records (record_id, revision, national_number, office_code, device_id, "
                                 "batch_id, status, sha256, data, received_at) VALUES (:r, :v, '1', 'SBH', 'd', 'b', "
                                 "'accepted', 's', :data, :t)"), {"r": record_id, "v": revision,
                                                                  "data": json.dumps(data), "t": at})
        conn.execute(sa.text("INSERT INTO records (record_id, revision, national_number, office_code, device_id, "
                             "batch_id, status, sha256, data, received_at) VALUES ('broken', 1, '1', 'SBH', 'd', 'b', "
                             "'accepted', 's', '{not json', :t)"), {"t": rows[0][3]})
    migrate.upgrade(engine, "0012")
    try:
        with engine.connect() as conn:
            right = _index_rows_held(conn)  # what the fixed 0006 files
        with engine.begin() as conn:
            _filled_as_0006_did_before_its_fix(conn)
        with engine.connect() as conn:
            numbers, names = _index_rows_held(conn)
        assert {r[1] for r in numbers} == {r[1] for r in names} == {dated.record_id}  # the old store, reproduced
        assert {r[1] for r in right[0]} == {dated.record_id, undated.record_id, changed.record_id}

        migrate.upgrade(engine)
        with engine.connect() as conn:
            fixed = _index_rows_held(conn)
        assert fixed == right
        days = {(r[1], r[4]) for r in fixed[0]}
        assert days == {(dated.record_id, dated.created_at.date().isoformat()), (undated.record_id, "2026-03-02"),
                        (changed.record_id, "2026-03-05")}  # the newest revision's arrival
        assert {r[0] for r in fixed[0] if r[1] == changed.record_id} == {changed.national_number}  # no dependant now
        migrate.downgrade(engine, "0012")  # nothing to undo
        migrate.upgrade(engine)
        with engine.connect() as conn:
            assert _index_rows_held(conn) == right
    finally:
        engine.dispose()
