"""The log never carries the text of an exception (it may hold a name or a national number)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

from fundclient.logs import NoPersonalDataFormatter


def test_exception_text_is_left_out_but_type_and_stack_stay():
    formatter = NoPersonalDataFormatter("%(message)s")
    person = "محمد علي الورفلي 119480123456"  # the stack shows source lines: keep it off the raise line
    try:
        raise OSError(f"cannot open /home/clerk/{person}.jpg")
    except OSError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "photo import failed", None, sys.exc_info())
    text = formatter.format(record)
    assert "photo import failed" in text and "OSError" in text and "test_logs.py" in text
    assert person not in text


def _cli(data_dir, *argv, code: str | None = None, log_dir=None):
    """The real CLI in its own process; no log-folder override unless `log_dir` (the suite sets one)."""
    env = {k: v for k, v in os.environ.items() if k != "FUNDCLIENT_LOG_DIR"}
    if log_dir is not None:
        env["FUNDCLIENT_LOG_DIR"] = str(log_dir)
    program = ["-c", code] if code else ["-m", "fundclient"]
    return subprocess.run([sys.executable, *program, "--data-dir", str(data_dir), *argv],
                          capture_output=True, text=True, timeout=120, env=env)


def test_a_command_logs_under_the_data_dir(tmp_path):
    """#16 item 6: the log lives in DATA_DIR/logs/ (0700) — where the nightly task, run as
    another account, and the person looking for it both find it."""
    data_dir = tmp_path / "office"
    done = _cli(data_dir, "--lang", "en", "status")
    assert done.returncode == 0, done.stderr
    logs = data_dir / "logs"
    assert (logs / "fundclient.log").is_file()
    if os.name != "nt":
        assert logs.stat().st_mode & 0o777 == 0o700


# A fault no input can cause on purpose: the no-command handler replaced by one that divides by 0.
_FAULT = ("import sys, fundclient.cli as cli\n"
          "cli._default_handler = lambda parser: (lambda args: 1 / 0)\n"
          "raise SystemExit(cli.main(sys.argv[1:]))")


def test_a_fault_names_the_log_file_and_the_log_has_its_stack(tmp_path):
    data_dir = tmp_path / "office"
    done = _cli(data_dir, "--lang", "en", code=_FAULT)
    log_path = data_dir / "logs" / "fundclient.log"
    assert done.returncode == 3
    assert str(log_path) in done.stderr and "Traceback" not in done.stderr
    text = log_path.read_text(encoding="utf-8")
    assert "unexpected ZeroDivisionError" in text and os.path.join("cli", "__init__.py") in text


def test_the_log_folder_override_still_wins(tmp_path):
    data_dir, elsewhere = tmp_path / "office", tmp_path / "elsewhere"
    done = _cli(data_dir, "--lang", "en", code=_FAULT, log_dir=elsewhere)
    assert done.returncode == 3 and str(elsewhere / "fundclient.log") in done.stderr
    assert "ZeroDivisionError" in (elsewhere / "fundclient.log").read_text(encoding="utf-8")
    assert not (data_dir / "logs").exists()


def test_an_unwritable_log_folder_does_not_stop_the_command(tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the log folder should be", encoding="utf-8")
    done = _cli(tmp_path / "office", "--lang", "en", code=_FAULT, log_dir=blocked)
    assert done.returncode == 3 and "could not be written" in done.stderr and "Traceback" not in done.stderr
