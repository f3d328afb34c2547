"""A power cut during the daily backup does not lose the form being typed (#18 item 4).

A real app process (benchmarks/draft_bench.py --child: the real encrypted store, the real
registration form, offscreen) signs in; its daily backup runs on its thread and a long write
holds the single writer; the clerk types a national number; the draft autosave reaches the disk
anyway; the process is killed with SIGKILL mid-backup. At the next login the draft is there,
the backup left no finished file, and the next backup cleans the partial one."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from fundclient.storage import open_store
from fundclient.storage.backup import BACKUP_DIR, SUFFIX
from fundclient.storage.draft_journal import JOURNAL_DIR

pytestmark = [pytest.mark.qt, pytest.mark.slow]
BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "draft_bench.py"


def _bench():
    spec = importlib.util.spec_from_file_location("draft_bench", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_kill_9_during_a_backup_keeps_the_draft_typed_meanwhile(tmp_path):
    bench = _bench()
    data_dir = tmp_path / "office"
    bench.make_office(data_dir)

    figures = bench.run_child(data_dir)

    print(f"draft on disk {figures['draft_ms_after_last_key']} ms after the last keystroke")  # a figure, not asserted
    assert figures["draft_ms_after_last_key"] is not None, "the draft autosave never finished"
    # It was written while the backup was still copying and the writer was held.
    assert figures["backup_running"] and figures["writer_held"] and not figures["backup_finished"]
    journal = list((data_dir / JOURNAL_DIR).glob("*.draft"))
    assert len(journal) == 1
    assert bench.NATIONAL_NUMBER.encode() not in journal[0].read_bytes()  # encrypted at rest
    assert not list((data_dir / BACKUP_DIR).glob(f"*{SUFFIX}"))  # the killed backup did not finish

    store, _ = open_store(data_dir, bench.USER, bench.PASSWORD)  # the next login
    try:
        drafts = store.drafts.list(bench.USER)
        assert len(drafts) == 1
        payload = json.loads(store.drafts.load(bench.USER, drafts[0].draft_id))
        assert payload["values"]["national_number"] == bench.NATIONAL_NUMBER
        # Folded into the encrypted DB at login (so backups hold it); the journal file is gone.
        assert not list((data_dir / JOURNAL_DIR).glob("*.draft"))
        assert store.integrity_check() == "ok"
        store.backup_if_due(bench.USER)  # the next backup: made again, the partial one removed
        backups = data_dir / BACKUP_DIR
        assert len(list(backups.glob(f"*{SUFFIX}"))) == 1
        assert not list(backups.glob(f".*{SUFFIX}.*"))
    finally:
        store.close()
