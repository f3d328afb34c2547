"""Shared set-up for the sync benchmarks: an HQ in a thread, an enrolled office, 200 people."""

from __future__ import annotations

import atexit
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "sync"))

from netfaults import FaultProxy, Faults  # noqa: E402
from sync_helpers import enrol_office, people, photos_for  # noqa: E402

from fundclient.hq.keys import init_keys  # noqa: E402
from fundclient.hq.server import start_in_thread  # noqa: E402


def hq_and_office(database_url: str | None = None):
    tmp = Path(tempfile.mkdtemp(prefix="fundbench-"))
    atexit.register(shutil.rmtree, tmp, ignore_errors=True)  # benchmarks leave no temp dirs behind
    init_keys(tmp / "hq")
    if database_url:
        from sqlalchemy import create_engine
        from fundclient.hq.migrate import drop_everything
        engine = create_engine(database_url)
        drop_everything(engine)
        engine.dispose()
    server = start_in_thread(tmp / "hq", database_url)
    office = tmp / "office"
    office.mkdir()
    enrol_office(server, office)
    return server, office


__all__ = ["FaultProxy", "Faults", "enrol_office", "hq_and_office", "people", "photos_for"]
