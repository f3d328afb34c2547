"""Start-up imports only what each moment needs (#11 item 5) — facts, not timings (the
figures are benchmarks/startup.py's, in docs/performance.md):

* `fundclient --version`, through the real entry point, imports neither the CLI nor any
  database, Qt or web library;
* the login window is built and shown with no ORM, and until Sign in (the pages' modules and
  the login's imports done on the worker thread meanwhile) nothing of the HTTP stack, the
  migrations, the camera's OpenCV/numpy, the HQ server or the spreadsheet reader is loaded;
* a login itself loads none of those either — nor SQLAlchemy: the store's engine is its own
  (storage/engine.py), Alembic and SQLAlchemy come only with a migration — whether the app's
  login (after the login window's `preload`) or a CLI command that logs in (`fundclient seal`);
  nor rapidfuzz (the first name comparison brings it) nor, on Linux, filelock (oslock.py); and
  a CLI command imports only its own command module (cli.COMMAND_MODULES).

Each runs in a fresh process, as the office PC starts it."""

from __future__ import annotations

import json
import subprocess
import sys

from startup_facts import NOT_BEFORE_SIGN_IN, offscreen_env as _env


def _imported(stderr: str) -> set[str]:
    """Module names from `python -X importtime`'s report."""
    names = set()
    for line in stderr.splitlines():
        if line.startswith("import time:") and line.count("|") == 2:
            name = line.rsplit("|", 1)[1].strip()
            if name != "package":
                names.add(name)
    return names


def test_version_through_the_real_entry_point_imports_no_cli_database_qt_or_web():
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "fundclient", "--version"], capture_output=True,
                         text=True, env=_env(), check=True)
    from fundclient import __version__

    assert out.stdout.strip() == f"fundclient {__version__}"
    imported = _imported(out.stderr)
    assert "fundclient.launch" in imported  # the report is read right
    heavy = {name.split(".")[0] for name in imported} & {"sqlalchemy", "sqlcipher3", "alembic", "PySide6", "shiboken6",
                                                          "cryptography", "requests", "fastapi"}
    assert heavy == set()
    assert not any(name == "fundclient.cli" or name.startswith("fundclient.cli.") for name in imported)


def test_the_console_script_is_the_launcher():
    """pyproject's `fundclient` command and the bundle's entry both go through fundclient.launch
    (the --version short cut), which hands every other command to the CLI."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    scripts = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert scripts["fundclient"] == "fundclient.launch:main"
    assert "from fundclient.launch import main" in (root / "installer" / "entry.py").read_text(encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "fundclient", "--help"], capture_output=True, text=True, env=_env())
    assert out.returncode == 0 and "--data-dir" in out.stdout


def test_a_login_loads_nothing_heavy_it_does_not_need(data_dir):
    from fundclient.storage import initialise

    initialise(data_dir, "SBH", "admin", "admin-pass-1")
    code = ("import json, sys; from fundclient.services.session import login, preload; preload();"
            "login(sys.argv[1], 'admin', 'admin-pass-1').close();"
            "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code, str(data_dir)], capture_output=True, text=True, env=_env(),
                         check=True)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert {"sqlcipher3", "cryptography", "fundclient"} <= loaded  # the report is read right: it logged in
    assert "sqlalchemy" not in loaded
    assert loaded & {*NOT_BEFORE_SIGN_IN, "PySide6"} == set(), out.stderr
    # a login compares no names (rapidfuzz comes with the first search or duplicate check) and
    # takes the OS lock with flock itself (filelock only on Windows: oslock.py)
    assert loaded & {"rapidfuzz", *(() if sys.platform == "win32" else ("filelock",))} == set()


def test_a_cli_command_that_logs_in_imports_no_sqlalchemy(data_dir, tmp_path):
    """`fundclient seal --user … --password-file …` logs in as the app does (the housekeeping
    included) through the real entry point: no SQLAlchemy, Alembic or Qt, read from
    `-X importtime`."""
    from fundclient.storage import initialise

    initialise(data_dir, "SBH", "admin", "admin-pass-1")
    secret = tmp_path / "password.txt"
    secret.write_text("admin-pass-1\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-X", "importtime", "-m", "fundclient", "--data-dir", str(data_dir),
                          "seal", "--user", "admin", "--password-file", str(secret)],
                         capture_output=True, text=True, env=_env(), timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    imported = _imported(out.stderr)
    # (fundclient.storage.store itself comes through importlib, which -X importtime does not list)
    assert {"fundclient.services.session", "fundclient.storage.audit", "sqlcipher3"} <= imported
    assert {name.split(".")[0] for name in imported} & {*NOT_BEFORE_SIGN_IN, "PySide6", "rapidfuzz"} == set()
    if sys.platform != "win32":
        assert "filelock" not in imported
    # the command's own module only (cli.COMMAND_MODULES), read from sys.modules at the end (a
    # module imported by importlib is not in -X importtime's report)
    code = ("import json, sys; from fundclient.cli import main;"
            "code = main(['--data-dir', sys.argv[1], 'seal', '--user', 'admin', '--password-file', sys.argv[2]]);"
            "print(json.dumps([code, sorted(m for m in sys.modules if m.startswith('fundclient.cli'))]))")
    out = subprocess.run([sys.executable, "-c", code, str(data_dir), str(secret)], capture_output=True, text=True,
                         env=_env(), timeout=120, check=True)
    code, commands = json.loads(out.stdout.strip().splitlines()[-1])
    assert code == 0 and commands == ["fundclient.cli", "fundclient.cli.output", "fundclient.cli.parser",
                                      "fundclient.cli.sync"]


def test_name_comparisons_import_rapidfuzz_at_their_first_use():
    """The store imports the name ranking (domain.name_match); rapidfuzz comes with the first
    comparison, and answers the same."""
    code = ("import sys; import fundclient.storage.store, fundclient.domain.name_match as m;"
            "before = 'rapidfuzz' in sys.modules;"
            "agree = m.part_agreement('محمود', 'مظمود');"
            "print(before, 'rapidfuzz' in sys.modules, agree, m.close_words('الذوي', ['الزوي', 'سالم']),"
            " m.spelling_similarity('احمد', 'حمد') > 0.5)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=_env(), check=True)
    assert out.stdout.split() == ["False", "True", "0.75", "['الزوي']", "True"]
