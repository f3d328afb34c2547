"""HQ's turn at SQLite's one writer (`hq.db.WriterTurn`, a lock file beside hq.db): a holder
killed with SIGKILL gives the turn back at once; a lock file root made is given to the
database's owner, and one the service user cannot open never stops ingest (found by review:
a root-run `hq import-batches` left a 0600 root file and every later upload failed)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from fundclient.hq.db import WriterTurn

NOBODY = 65534


def _turn(db: Path) -> WriterTurn:
    db.touch()
    return WriterTurn(create_engine(f"sqlite:///{db}"))


def test_a_holder_killed_with_sigkill_gives_the_turn_back(tmp_path):
    db = tmp_path / "hq.db"
    _turn(db)
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        from sqlalchemy import create_engine
        from fundclient.hq.db import WriterTurn
        WriterTurn(create_engine("sqlite:///{db}")).take()
        print("held", flush=True)
        time.sleep(600)
        """)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        got = threading.Event()

        def wait_for_turn() -> None:
            _turn(db).take().release()
            got.set()

        threading.Thread(target=wait_for_turn, daemon=True).start()
        assert not got.wait(0.5)  # the other process holds it
        os.kill(holder.pid, signal.SIGKILL)
        assert got.wait(30)  # the kernel released the dead holder's lock
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as root and as the service user")
def test_a_lock_file_made_by_root_belongs_to_the_database_s_owner(tmp_path):
    db = tmp_path / "hq.db"
    db.touch()
    os.chown(db, NOBODY, NOBODY)
    _turn(db).take().release()  # as root
    lock = Path(f"{db}-writer.lock")
    assert (lock.stat().st_uid, lock.stat().st_gid) == (NOBODY, NOBODY)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to act as root and as the service user")
def test_a_lock_file_the_service_user_cannot_open_does_not_stop_its_writes(tmp_path):
    tmp_path.chmod(0o755)
    db = tmp_path / "hq.db"
    db.touch()
    os.chown(db, NOBODY, NOBODY)
    lock = Path(f"{db}-writer.lock")
    lock.touch(mode=0o600)  # an older release's file, made by root
    os.chown(lock, 0, 0)
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
        import os
        from sqlalchemy import create_engine
        from fundclient.hq.db import WriterTurn
        turn = WriterTurn(create_engine("sqlite:///{db}"))
        os.setgid({NOBODY}); os.setuid({NOBODY})
        turn.take().release()
        turn.take().release()
        print("wrote")
        """)], capture_output=True, text=True, timeout=60,
        env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "wrote"
    assert done.stderr.count("cannot be opened") <= 1  # said once, not per batch
