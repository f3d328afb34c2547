"""Fixtures of the journey tests (tests/journeys/README.md): the real app on a real office.

* `screen_size` – every journey runs at 1366x768 and at 1024x768 (parametrised);
* `demo_office` – `fundclient demo` as a newcomer gets it: demo office + in-process HQ;
* `hq_server`, `real_office` – an HQ on 127.0.0.1 and an office set up with `fundclient
  setup`, enrolled with `fundclient enrol` and an `hq enrol-token`, plus a clerk and a
  supervisor added by the administrator;
* `open_app(data_dir, …)` – the app built as `fundclient` builds it, returning a `Journey`;
* `window_guard` – records every window shown (autouse); a journey fails on unasked dialogs.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pytest

import PySide6  # noqa: F401 - journeys need Qt; a missing PySide6 must fail, not skip

from journey import DOC_SIZE, DOCS_SCREENSHOTS, Journey, WindowGuard

ROOT = Path(__file__).resolve().parents[2]
SIZES = [(1366, 768), (1024, 768)]
FACE = ROOT / "src" / "fundclient" / "resources" / "samples" / "face.jpg"
ASTRONAUT = ROOT / "tests" / "data" / "astronaut.jpg"

OFFICE = "BRK"
ADMIN, ADMIN_PW = "ali", "Brak-admin-26"
CLERK, CLERK_PW = "ahmed", "Brak-clerk-1"
CLERK_NAME = "أحمد الورفلي"
SUPERVISOR, SUPERVISOR_PW = "fatima", "Super-visor-2"
SUPERVISOR_NAME = "فاطمة السنوسي"


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.journey)
            item.add_marker(pytest.mark.qt)


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """The .mo files are not in git: compile them from translations/*.po, as an install does."""
    spec = importlib.util.spec_from_file_location("translations_script", ROOT / "scripts" / "translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build()


@pytest.fixture(params=SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def screen_size(request) -> tuple[int, int]:
    return request.param


@pytest.fixture
def window_guard(qapp):
    guard = WindowGuard()
    guard.install()
    yield guard
    guard.uninstall()


@pytest.fixture
def shots_dir(screen_size, tmp_path) -> Path:
    """Where `Journey.screenshot` writes: docs/screenshots at 1366x768, else the tmp dir."""
    return DOCS_SCREENSHOTS if tuple(screen_size) == DOC_SIZE else tmp_path / "shots"


@pytest.fixture
def demo_office(tmp_path):
    """A demo office exactly as `fundclient demo` builds it (fewer sample people: faster)."""
    from fundclient.demo import start_demo

    demo = start_demo(tmp_path / "demo", records=80)
    yield demo
    demo.close()


@pytest.fixture
def hq_server(tmp_path):
    """A real HQ intake server on 127.0.0.1 (SQLite), its own keys in a tmp dir."""
    from fundclient.hq.keys import init_keys
    from fundclient.hq.server import start_in_thread

    hq_dir = tmp_path / "hq"
    init_keys(hq_dir)
    server = start_in_thread(hq_dir)
    server.hq_dir = hq_dir
    yield server
    server.stop()


def cli(*argv: str) -> int:
    """`fundclient ARGS…` in this process (the same entry point as the console script)."""
    from fundclient.cli import main

    return main([str(a) for a in argv])


@pytest.fixture
def real_office(tmp_path, hq_server, capsys) -> Path:
    """`fundclient setup`, `hq enrol-token`, `fundclient enrol`, then the administrator adds a
    clerk and a supervisor. Returns the office's data dir."""
    from fundclient.storage import open_store

    data_dir = tmp_path / "office"
    secret = tmp_path / "admin-password"
    secret.write_text(ADMIN_PW + "\n", encoding="utf-8")
    assert cli("--data-dir", data_dir, "setup", "--office", OFFICE, "--admin", ADMIN,
               "--full-name", "علي المدير", "--password-file", secret, "--device-number", 901) == 0
    secret.unlink()
    assert cli("hq", "--hq-dir", hq_server.hq_dir, "enrol-token", "--office", OFFICE) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert cli("--data-dir", data_dir, "enrol", "--server", hq_server.url, "--token", token,
               "--label", "desk-1") == 0
    capsys.readouterr()
    store, _ = open_store(data_dir, ADMIN, ADMIN_PW)
    try:
        store.operators.add(CLERK, CLERK_PW, "clerk", full_name=CLERK_NAME, by=ADMIN)
        store.operators.add(SUPERVISOR, SUPERVISOR_PW, "supervisor", full_name=SUPERVISOR_NAME, by=ADMIN)
    finally:
        store.close()
    return data_dir


@pytest.fixture
def documents(tmp_path, monkeypatch) -> Path:
    """The clerk's Documents folder (where "Save as PDF" starts), in the test's tmp dir."""
    path = tmp_path / "home" / "Documents"
    path.mkdir(parents=True)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home" / ".config"))
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(path))
    return path


@pytest.fixture
def open_app(qtbot, screen_size, window_guard, shots_dir, documents):
    """`open_app(data_dir, camera=None, lang=None, login_hint="")` -> a started `Journey`.

    Built through `AppContext.for_office` and `ui.main.build_gui`, i.e. what `fundclient`
    (and `fundclient demo`) run; the login window takes the whole screen of `screen_size`."""
    from PySide6.QtWidgets import QApplication

    from fundclient.app import AppContext
    from fundclient.config import clear_run_overrides
    from fundclient.ui import i18n
    from fundclient.ui.main import build_gui

    journeys: list[Journey] = []

    def start(data_dir: Path, *, camera: str | None = None, lang: str | None = None,
              login_hint: str = "") -> Journey:
        context = AppContext.for_office(Path(data_dir), language=lang, camera=camera,
                                        login_hint=login_hint)
        gui = build_gui(context)
        real_display = QApplication.platformName() not in ("offscreen", "minimal")
        journey = Journey(qtbot, gui, screen_size, window_guard, shots_dir, fit=not real_display)
        journeys.append(journey)
        return journey.start()

    yield start
    try:
        for journey in journeys:
            journey.close()
    finally:
        i18n.set_language("ar")
        clear_run_overrides()
    for journey in journeys:
        journey.assert_no_unasked_windows()


@pytest.fixture
def demo_app(open_app, demo_office) -> Journey:
    """The demo office's login window, as `fundclient demo` opens it."""
    return open_app(demo_office.data_dir, login_hint=demo_office.login_hint())


@pytest.fixture
def copy_photo(tmp_path):
    """A copy of a real photograph in a folder a clerk would import from."""
    def make(source: Path = ASTRONAUT) -> Path:
        target = tmp_path / "Pictures" / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source, target)
        return target
    return make
