"""Shared set-up of the registration tests: a real encrypted DB with a clerk and a
supervisor, sessions on it, and a screen per test."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication

from fundclient.config import Settings
from fundclient.domain.records import ArabicName, Beneficiary
from fundclient.services.session import Session
from fundclient.storage import Role, initialise, open_store
from fundclient.ui import i18n
from fundclient.ui.ops import wait_for_writes

OFFICE = "SBH"
PASSWORDS = {"admin": "admin-pass-1", "clerk1": "clerk-pass-1", "super1": "super-pass-1"}
ASTRONAUT = Path(__file__).resolve().parents[1] / "data" / "astronaut.jpg"

VALID_VALUES = {
    "national_number": "119480123456", "name.first": "محمد", "name.father": "علي",
    "name.grandfather": "عبد الله", "name.family": "الورفلي", "latin_name": "",
    "mother_name": "فاطمة سالم", "sex": "M", "date_of_birth": "15/03/1948",
    "place_of_birth": "سبها", "marital_status": "married", "mobile": "0912345678",
    "municipality": "SBH", "address": "حي الجديد", "locality": "", "category": "retiree",
    "channel": "office", "notes": "",
    "category_fields.pension_number": "4471902", "category_fields.pensions_authority": "",
    "category_fields.retirement_date": "01/07/2008",
}


def first_authority() -> str:
    from fundclient.domain.reference import default_reference

    return default_reference().items("pensions_authorities")[0].code


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory) -> Path:
    """One initialised DB (the password KDF is slow on purpose), copied for every test."""
    path = tmp_path_factory.mktemp("registration-template") / "data"
    initialise(path, OFFICE, "admin", PASSWORDS["admin"], "مدير النظام", provisional_device_number=902)
    store, _ = open_store(path, "admin", PASSWORDS["admin"])
    store.operators.add("clerk1", PASSWORDS["clerk1"], Role.CLERK, full_name="موظف", by="admin")
    store.operators.add("super1", PASSWORDS["super1"], Role.SUPERVISOR, full_name="مشرف",
                        by="admin")
    store.close()
    return path


@pytest.fixture
def office_dir(template_dir, tmp_path) -> Path:
    path = tmp_path / "office"
    shutil.copytree(template_dir, path)
    return path


def login(data_dir: Path, username: str) -> Session:
    store, operator = open_store(data_dir, username, PASSWORDS[username])
    settings = Settings.load(data_dir)
    settings.office_code = OFFICE
    return Session(data_dir, settings, store, operator)


@pytest.fixture
def sessions(office_dir):
    opened: list[Session] = []

    def make(username: str = "clerk1") -> Session:
        session = login(office_dir, username)
        opened.append(session)
        return session

    yield make
    wait_for_writes()
    for session in opened:
        session.close()


@pytest.fixture
def make_screen(qtbot, sessions):
    from fundclient.ui.registration import RegistrationScreen

    def make(username: str = "clerk1", language: str = "ar"):
        i18n.set_language(language)
        session = sessions(username)
        screen = RegistrationScreen(session)
        qtbot.addWidget(screen)
        screen.resize(1120, 720)
        screen.show()
        qtbot.waitExposed(screen)
        screen.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is screen, timeout=3000)
        screen.on_shown()  # what the main window calls when the page is shown
        return screen

    yield make
    i18n.set_language("ar")


def seed(session: Session, **changes) -> Beneficiary:
    values = dict(national_number="119480123456", name=ArabicName("محمد", "علي", "عبد الله",
                                                                   "الورفلي"),
                  date_of_birth=date(1948, 3, 15), office_code="BRK", municipality="BRK",
                  category_fields={"pension_number": "1234", "pensions_authority":
                                   first_authority(), "retirement_date": "2008-07-01"})
    values.update(changes)
    return session.store.beneficiaries.add(Beneficiary(**values), by="admin")


_PORTRAIT = []


def real_portrait():
    """The ID photo of the test photograph through the real checks and crop (made once)."""
    if not _PORTRAIT:
        import cv2

        from fundclient.camera.analysis import FaceAnalyser
        from fundclient.camera.photo import make_portrait

        frame = cv2.imread(str(ASTRONAUT))
        _PORTRAIT.append(make_portrait(frame, FaceAnalyser().analyse(frame)))
    return _PORTRAIT[0]


def fill_valid(screen, photo: bool = True, **changes) -> None:
    """Every field valid, and (a new registration needs one) the real photo taken."""
    values = dict(VALID_VALUES, **{"category_fields.pensions_authority": first_authority()})
    values.update(changes)
    if photo:
        screen.photo.set_photo(real_portrait())
    screen.set_values(values, [])
    screen._on_field_edited("national_number")  # as if typed: lookups and autosave follow


def type_text(widget, text: str) -> None:
    """Key presses carrying each character, as an Arabic keyboard layout sends them
    (QTest.keyClicks only knows Latin-1 keys)."""
    for ch in text:
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(widget, QKeyEvent(kind, Qt.Key.Key_unknown if not ch.isascii()
                                                     else QKeySequence(ch)[0].key(),
                                                     Qt.KeyboardModifier.NoModifier, ch))


def enter(qtbot, widget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Return)


def wait_saved(qtbot, screen, timeout: int = 15000):
    with qtbot.waitSignal(screen.saved, timeout=timeout) as blocker:
        screen.save()
    wait_for_writes()
    return blocker.args[0]
