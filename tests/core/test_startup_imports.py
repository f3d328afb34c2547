"""Start-up imports only what each moment needs (#11 item 5) — facts, not timings (the
figures are benchmarks/startup.py's, in docs/performance.md):

* `fundclient --version`, through the real entry point, imports neither the CLI nor any
  database, Qt or web library;
* the login window is built and shown with no ORM, and until Sign in (the pages' modules and
  the login's imports done on the worker thread meanwhile) nothing of the HTTP stack, the
  migrations, the camera's OpenCV/numpy, the HQ server or the spreadsheet reader is loaded;
* a login itself loads none of those either.

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
    assert "sqlalchemy" in loaded
    assert loaded & {*NOT_BEFORE_SIGN_IN, "PySide6"} == set(), out.stderr
