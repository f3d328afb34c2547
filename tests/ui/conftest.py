"""Real office data dirs for GUI tests: initialised encrypted store, operators of each
role, synthetic beneficiaries. Built once per session and copied per test (cheap)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import PySide6  # noqa: F401 - the full suite needs Qt; a missing PySide6 must fail, not skip

ADMIN, ADMIN_PW = "admin", "Sebha-2026!"
CLERK, CLERK_PW = "ahmed", "Brak-clerk-1"
SUPERVISOR, SUPERVISOR_PW = "fatima", "Super-visor-2"
SEEDED_RECORDS = 120


@pytest.fixture(scope="session", autouse=True)
def compiled_translations():
    """The .mo are not in git: compile them from translations/*.po, as an install does."""
    import importlib.util

    script = Path(__file__).resolve().parents[2] / "scripts" / "translations.py"
    spec = importlib.util.spec_from_file_location("translations_script", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build()


@pytest.fixture(scope="session")
def office_template(tmp_path_factory) -> Path:
    from fundclient.domain.synthetic import generate
    from fundclient.storage.store import initialise, open_store

    data_dir = tmp_path_factory.mktemp("office") / "data"
    initialise(data_dir, "SBH", ADMIN, ADMIN_PW, "مدير المكتب", provisional_device_number=901)
    store, _ = open_store(data_dir, ADMIN, ADMIN_PW)
    try:
        store.operators.add(CLERK, CLERK_PW, "clerk", full_name="أحمد الورفلي", by=ADMIN)
        store.operators.add(SUPERVISOR, SUPERVISOR_PW, "supervisor", full_name="فاطمة السنوسي", by=ADMIN)
        for record in generate(SEEDED_RECORDS, seed=7):
            store.beneficiaries.add(record, by=CLERK)
    finally:
        store.close()
    return data_dir


@pytest.fixture
def office(office_template, tmp_path) -> Path:
    target = tmp_path / "office"
    shutil.copytree(office_template, target)
    return target


@pytest.fixture
def seeded_records():
    from fundclient.domain.synthetic import generate

    return generate(SEEDED_RECORDS, seed=7)


@pytest.fixture
def gui_app(qapp, tmp_path):
    """QApplication prepared like the real app (fonts, style), Arabic by default."""
    from fundclient.config import Settings
    from fundclient.ui import i18n
    from fundclient.ui.main import prepare_app

    app = prepare_app(Settings())
    yield app
    i18n.set_language("ar")


def login_session(data_dir: Path, username: str = CLERK, password: str = CLERK_PW):
    from fundclient.ui.login import default_login

    return default_login(data_dir, username, password)


@pytest.fixture
def clerk_session(office, gui_app):
    session = login_session(office)
    yield session
    from fundclient.ui.ops import wait_for_writes

    wait_for_writes()
    session.store.close()


@pytest.fixture
def main_window(clerk_session, qtbot):
    from fundclient.ui.main_window import MainWindow

    window = MainWindow(clerk_session)
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    return window
