"""#17 item 3: office codes are canonical at HQ, device numbers unique per office, and a card
number is held by one record only.

Real `fundclient hq` processes on a real HQ data dir; a real HQ on 127.0.0.1 receiving real
sealed batches from two enrolled PCs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from fundclient.errors import SyncError
from fundclient.hq.devices import create_token, enrol_device, list_devices
from fundclient.hq.refdata import set_reference
from fundclient.sync.engine import run_sync
from fundclient.sync.outbox import Outbox
from sync_helpers import enrol_office, env_without_proxies, people


def hq_cli(hq_dir: Path, *args: str, lang: str = "en") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fundclient", "--lang", lang, "hq", "--hq-dir", str(hq_dir), *args],
                          capture_output=True, text=True, timeout=120, env=env_without_proxies())


def test_enrol_token_takes_only_offices_of_the_reference_data(tmp_path):
    hq_dir = tmp_path / "hq"
    assert hq_cli(hq_dir, "init").returncode == 0
    lower = hq_cli(hq_dir, "enrol-token", "--office", "brk")
    assert lower.returncode == 0, lower.stderr
    assert "office BRK" in lower.stderr and "valid until" in lower.stderr  # the canonical code, said
    assert lower.stdout.strip()  # the token alone on stdout

    unknown = hq_cli(hq_dir, "enrol-token", "--office", "XYZ")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert "'XYZ' is not an office code" in unknown.stderr and "BRK" in unknown.stderr
    arabic = hq_cli(hq_dir, "enrol-token", "--office", "XYZ", lang="ar")
    assert arabic.returncode == 2 and "ليس رمز مكتب" in arabic.stderr and "is not" not in arabic.stderr


def test_an_office_added_at_hq_is_known_and_a_removed_one_is_not(hq_sqlite):
    engine, key = hq_sqlite.ingestor.engine, hq_sqlite.ingestor.keys.active_sign
    with pytest.raises(SyncError) as refused:
        create_token(engine, "NEW", key)
    assert refused.value.code == "unknown_office"
    set_reference(engine, "offices", "NEW", {"ar": "مكتب جديد", "en": "New office"})
    create_token(engine, "new", key)
    set_reference(engine, "offices", "NEW", None)
    with pytest.raises(SyncError):
        create_token(engine, "NEW", key)


def test_device_numbers_are_per_canonical_office(hq_sqlite):
    engine, key = hq_sqlite.ingestor.engine, hq_sqlite.ingestor.keys.active_sign
    first = enrol_device(engine, create_token(engine, "BRK", key), b"\x01" * 32)
    second = enrol_device(engine, create_token(engine, " brk ", key), b"\x02" * 32)
    assert (first["office_code"], first["device_number"]) == ("BRK", 1)
    assert (second["office_code"], second["device_number"]) == ("BRK", 2)  # was: office "brk", number 1 again
    assert {d["office_code"] for d in list_devices(engine)} == {"BRK"}


def test_hq_refuses_a_card_number_another_record_holds(hq_sqlite, tmp_path):
    pc1, pc2 = tmp_path / "pc1", tmp_path / "pc2"
    enrol_office(hq_sqlite, pc1, office="BRK")
    enrol_office(hq_sqlite, pc2, office="brk")
    first, second, third = people(3, office="BRK", seed=7)  # 3, 4 and 4 dependants
    assert first.dependants and third.dependants
    first.card_number = "BRK-001-000001-81"
    second.card_number = "BRK-001-000001-81"  # the same number issued again on another PC
    third.card_number = "BRK-002-000001-54"
    first.dependants[0].card_number = "BRK-001-000002-65"
    third.dependants[0].card_number = "BRK-001-000002-65"  # a dependant's number, taken too

    Outbox(pc1).seal([first.to_dict()])
    assert run_sync(pc1).status == "ok"
    Outbox(pc2).seal([second.to_dict(), third.to_dict()])
    assert run_sync(pc2).status == "ok"
    answers = {r.record_id: r for r in Outbox(pc2).iter_record_results()}
    assert answers[second.record_id].status == "rejected"
    assert answers[second.record_id].reason == "card_number_taken"
    assert answers[third.record_id].reason == "card_number_taken"

    # A new revision of the holder keeps its number: still accepted.
    first.revision = 2
    Outbox(pc1).seal([first.to_dict()])
    assert run_sync(pc1).status == "ok"
    mine = [r for r in Outbox(pc1).iter_record_results() if r.revision == 2]
    assert [r.status for r in mine] == ["accepted"]
