"""The login window shows before the storage stack is loaded, and nothing heavy comes before Sign in
(issue #11 item 5): a real `fundclient` GUI process, offscreen. Needs Qt, hence here and not in
tests/core (which runs without the GUI extra); the other start-up facts are in
tests/core/test_startup_imports.py.
"""

from __future__ import annotations

import json
import subprocess
import sys

from startup_facts import NOT_BEFORE_SIGN_IN, offscreen_env as _env

LOGIN_WINDOW = r"""
import json, sys, threading
import fundclient.ui.main as gui_main
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

seen = {}
shown = gui_main.GuiApp.show

def show(self):
    seen["at_show"] = sorted(m for m in sys.modules if m.split(".")[0] in ("sqlalchemy", "sqlcipher3")
                             or m == "fundclient.storage.store")[:3]
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


def test_the_login_window_shows_without_the_storage_stack_and_nothing_heavy_is_loaded_before_sign_in(data_dir):
    from fundclient.storage import initialise

    initialise(data_dir, "SBH", "admin", "admin-pass-1")
    out = subprocess.run([sys.executable, "-c", LOGIN_WINDOW, str(data_dir)], capture_output=True, text=True,
                         env=_env(), timeout=120)
    seen = json.loads(out.stdout.strip().splitlines()[-1])
    assert seen["login_window"] is True
    assert seen["at_show"] == []  # the store comes on the worker thread, after the window shows
    loaded = {name.split(".")[0] for name in seen["before_sign_in"]}
    assert {"sqlcipher3", "fundclient"} <= loaded  # the worker did its job meanwhile
    assert "fundclient.storage.store" in seen["before_sign_in"]
    assert "fundclient.ui.main_window" in seen["before_sign_in"]
    assert loaded & set(NOT_BEFORE_SIGN_IN) == set(), out.stderr
    # What the imports made is kept out of the collector's full passes (no GC pause at sign-in).
    assert seen["frozen"] > 10_000
