"""A script that opens the store at module level, without `if __name__ == "__main__":`, and whose
opening starts spawned helpers (the re-keying of an office keyed by an older rule): each helper
re-runs the script while starting and, before `storage.helper_start`, waited for ever for the
upgrade's lock its parent held — the parent waiting for the helper's first slice. Now the helper
stops at once with `OpenedWhileHelperStarts` (its message from the catalogue), the parent with
`HelperStopped`, and the script ends. The same script with the guard re-keys the office."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from fundclient import storage
from fundclient.domain.synthetic import generate
from fundclient.storage import duplicate_rule
from fundclient.storage.bulk import bulk_add
from fundclient.storage.errors import HelperStopped, OpenedWhileHelperStarts

PASSWORD = "correct horse 1"
# Only so that a hang (what these tests guard against) fails the test instead of blocking the run —
# no assertion about speed: generous, under pytest's per-test timeout (600 s, pyproject), so the
# failure says what hung. The scripts end in seconds.
HANG_GUARD = 480

_OPENS = """
import os
import sys
from pathlib import Path
from fundclient.storage import duplicate_rule, open_store

duplicate_rule.SLICE = 10
duplicate_rule.HELPERS_FROM = 0  # helper processes, as on a large office
os.cpu_count = lambda: 1  # one helper: two would write their tracebacks into one stderr, interleaved
"""
_AT_MODULE_LEVEL = _OPENS + """
store, _ = open_store(Path({office!r}), "admin", {password!r})
store.close()
print("opened")
"""
_GUARDED = _OPENS + """
if __name__ == "__main__":
    store, _ = open_store(Path({office!r}), "admin", {password!r})
    store.close()
    print("opened")
"""


def _office_of_an_older_rule(data_dir) -> None:
    storage.initialise(data_dir, "SEB", "admin", PASSWORD, "مدير النظام")
    store, _ = storage.open_store(data_dir, "admin", PASSWORD)
    try:
        bulk_add(store, generate(30, seed=47), by="admin", batch_size=50)
        with store.writer_connection() as conn:
            conn.exec_driver_sql("UPDATE meta SET value = '1' WHERE name = ?", (duplicate_rule.META_ROW,))
            conn.exec_driver_sql("UPDATE beneficiaries SET dup_keys = 'x|old'")
    finally:
        store.close()


def _run_script(tmp_path, source: str) -> subprocess.CompletedProcess:
    """`source` run as a script file (spawn re-runs a script's file, not `python -c`)."""
    script = tmp_path / "opens_the_store.py"
    script.write_text(source.format(office=str(tmp_path / "office"), password=PASSWORD), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen([sys.executable, str(script)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True, cwd=tmp_path, start_new_session=True)
    try:
        stdout, stderr = child.communicate(timeout=HANG_GUARD)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)  # the script and its helpers
        stdout, stderr = child.communicate()
        pytest.fail(f"hang guard, not a speed check: the script (or a helper it started) did not end in {HANG_GUARD} s"
                    f" — it hangs, as before helper_start's guard\n{stderr[-3000:]}")
    return subprocess.CompletedProcess(child.args, child.returncode, stdout, stderr)


def _current(data_dir) -> bool:
    store, _ = storage.open_store(data_dir, "admin", PASSWORD)
    try:
        with store.read() as conn:
            return duplicate_rule.is_current(conn.driver_connection)
    finally:
        store.close()


def test_a_script_opening_the_store_at_module_level_ends_with_the_message_instead_of_hanging(tmp_path):
    _office_of_an_older_rule(tmp_path / "office")
    done = _run_script(tmp_path, _AT_MODULE_LEVEL)
    assert done.returncode != 0 and "opened" not in done.stdout, done.stdout
    assert f"OpenedWhileHelperStarts: {OpenedWhileHelperStarts().message.en}" in done.stderr, done.stderr[-3000:]
    assert f"HelperStopped: {HelperStopped.UPGRADE_STOPPED.en}" in done.stderr, done.stderr[-3000:]
    # the message is the catalogue's, in both languages
    assert "__main__" in OpenedWhileHelperStarts().message.text("ar")
    assert OpenedWhileHelperStarts().message.text("ar") != OpenedWhileHelperStarts().message.en


def test_the_same_script_under_the_guard_re_keys_through_its_helpers(tmp_path):
    _office_of_an_older_rule(tmp_path / "office")
    done = _run_script(tmp_path, _GUARDED)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip() == "opened"
    assert _current(tmp_path / "office")


def _open_and_close(office: str) -> None:
    store, _ = storage.open_store(office, "admin", PASSWORD)
    store.close()


def test_the_store_opens_in_a_spawned_helpers_target(tmp_path):
    """Only the start is refused: a spawned process's own work (its target) may open a store."""
    import multiprocessing

    storage.initialise(tmp_path / "office", "SEB", "admin", PASSWORD, "مدير النظام")
    context = multiprocessing.get_context("spawn")
    child = context.Process(target=_open_and_close, args=(str(tmp_path / "office"),))
    child.start()
    child.join(HANG_GUARD)
    if child.is_alive():
        child.kill()
        child.join()
        pytest.fail(f"hang guard, not a speed check: the spawned process did not end in {HANG_GUARD} s")
    assert child.exitcode == 0
