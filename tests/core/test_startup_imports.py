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
import os
import subprocess
import sys

# Never before Sign in, nor by the login: the photo step loads OpenCV/numpy, a sync the HTTP
# stack, a migration Alembic (with mako), `hq serve` the web server, an import openpyxl.
NOT_BEFORE_SIGN_IN = ("alembic", "mako", "pygments", "requests", "urllib3", "numpy", "cv2", "fastapi",
                      "uvicorn", "starlette", "jinja2", "openpyxl", "psycopg")


def _env() -> dict:
    return dict(os.environ, QT_QPA_PLATFORM="offscreen")


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


LOGIN_WINDOW = r"""
import json, sys, threading
import fundclient.ui.main as gui_main
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

seen = {}
shown = gui_main.GuiApp.show

def show(self):
    seen["at_show"] = sorted(m for m in sys.modules if m.split(".")[0] == "sqlalchemy")[:3]
    shown(self)

    def until_typed():  # a person types for seconds: the worker's imports are done by then
        self.wait_for_preload()
        seen["before_sign_in"] = sorted(sys.modules)
        seen["login_window"] = self.login.isVisible()
        seen["frozen"] = __import__("gc").get_freeze_count()
        print(json.dumps(seen), flush=True)
        QApplication.instance().quit()

    QTimer.singleShot(0, until_typed)

gui_main.GuiApp.show = show
from fundclient.launch import main
main(["--data-dir", sys.argv[1]])
"""


def test_the_login_window_shows_without_the_orm_and_nothing_heavy_is_loaded_before_sign_in(data_dir):
    from fundclient.storage import initialise

    initialise(data_dir, "SBH", "admin", "admin-pass-1")
    out = subprocess.run([sys.executable, "-c", LOGIN_WINDOW, str(data_dir)], capture_output=True, text=True,
                         env=_env(), timeout=120)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["login_window"] is True
    assert seen["at_show"] == []  # the ORM comes on the worker thread, after the window shows
    loaded = {name.split(".")[0] for name in seen["before_sign_in"]}
    assert {"sqlalchemy", "fundclient"} <= loaded  # the worker did its job meanwhile
    assert "fundclient.ui.main_window" in seen["before_sign_in"]
    assert loaded & set(NOT_BEFORE_SIGN_IN) == set(), out.stderr
    # What the imports made is kept out of the collector's full passes (no GC pause at sign-in).
    assert seen["frozen"] > 10_000


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
