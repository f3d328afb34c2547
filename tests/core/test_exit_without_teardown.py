"""A CLI command ends without the interpreter's teardown only when nothing is left open
(fundclient/launch.py `exit_now`, docs/decisions/cli-exit-without-teardown.md): real processes
through the real entry point, a real encrypted office.

Whether the teardown ran is seen from a module-level object whose finaliser writes a line to
stderr: the interpreter's teardown runs it, `os._exit` does not."""

from __future__ import annotations

import subprocess
import sys

from startup_facts import offscreen_env as _env

RUN = r"""
import os, sys
class Marker:
    def __del__(self):
        os.write(2, b"TEARDOWN\n")
marker = Marker()
from fundclient.launch import main  # the entry point: what is open from here on is the command's
{before}
sys.argv = ["fundclient"] + sys.argv[1:]
raise SystemExit(main())
"""


def _office(data_dir, tmp_path):
    from fundclient.storage import initialise

    initialise(data_dir, "SBH", "admin", "admin-pass-1")
    secret = tmp_path / "password.txt"
    secret.write_text("admin-pass-1\n", encoding="utf-8")
    return ["--data-dir", str(data_dir), "seal", "--user", "admin", "--password-file", str(secret)]


def _run(args, before: str = ""):
    return subprocess.run([sys.executable, "-c", RUN.format(before=before), *args], capture_output=True, text=True,
                          env=_env(), timeout=120)


def test_a_command_that_closed_everything_ends_at_once_with_its_output_log_and_store_intact(data_dir, tmp_path):
    args = _office(data_dir, tmp_path)
    at_exit = tmp_path / "at-exit.txt"
    out = _run(args, before=f"import atexit; atexit.register(lambda: open({str(at_exit)!r}, 'w').close())")
    assert out.returncode == 0, out.stderr[-2000:]
    assert "TEARDOWN" not in out.stderr  # no teardown ran
    assert at_exit.exists()  # the atexit handlers did (logging's flush and close among them)
    assert out.stdout.strip() or out.stderr.strip()  # what it said reached the pipe (flushed first)
    # The store was closed cleanly before: its WAL checkpointed and removed, and it opens again.
    assert not (data_dir / "fundclient.db-wal").exists()
    from fundclient.storage import open_store

    store, _ = open_store(data_dir, "admin", "admin-pass-1")
    try:
        actions = [e.action for e in store.audit.entries()]
    finally:
        store.close()
    assert actions == ["setup", "login", "login"]  # the command's login, then this one


def test_a_file_left_open_gets_the_ordinary_exit_and_its_data(data_dir, tmp_path):
    args = _office(data_dir, tmp_path)
    left_open = tmp_path / "left-open.txt"
    out = _run(args, before=f"kept = open({str(left_open)!r}, 'w'); kept.write('buffered, never flushed')")
    assert out.returncode == 0, out.stderr[-2000:]
    assert "TEARDOWN" in out.stderr  # the ordinary exit ran …
    assert left_open.read_text() == "buffered, never flushed"  # … and wrote what was buffered


def test_a_thread_still_running_gets_the_ordinary_exit(data_dir, tmp_path):
    args = _office(data_dir, tmp_path)
    done = tmp_path / "thread-done.txt"
    # A thread the command leaves running as it returns (the command itself, wrapped).
    out = _run(args, before=("import threading, time, fundclient.cli as cli\n"
                             "command = cli.main\n"
                             "def main(argv=None):\n"
                             "    code = command(argv)\n"
                             f"    threading.Thread(target=lambda: (time.sleep(0.3), open({str(done)!r}, 'w')"
                             ".write('ok'))).start()\n"
                             "    return code\n"
                             "cli.main = main"))
    assert out.returncode == 0, out.stderr[-2000:]
    assert "TEARDOWN" in out.stderr
    assert done.read_text() == "ok"  # the thread was waited for, as before


def test_the_exit_code_is_kept(data_dir, tmp_path):
    args = _office(data_dir, tmp_path)
    args[args.index("--password-file") + 1] = str(tmp_path / "missing.txt")  # cannot read the password
    out = _run(args)
    assert out.returncode not in (0, None)
    assert "Traceback" not in out.stderr
