"""Every window fits a 1024x768 screen for every role, in both languages and in demo mode:
no screen forces the main window wider or taller, no button is cut off or outside it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QApplication, QDialog

from conftest import ADMIN, ADMIN_PW, CLERK, CLERK_PW, SUPERVISOR, SUPERVISOR_PW, login_session
from fundclient.ui import i18n
from fundclient.ui.ops import wait_for_writes

pytestmark = pytest.mark.qt

SCREEN = QSize(1024, 768)
ROOM = QSize(1024 - 16, 768 - 40 - 32)  # minus window frame, title bar and taskbar


def inside_a_scroll_area(widget) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def clipped_buttons(window) -> list[str]:
    """Visible buttons outside the window, or narrower than their text needs."""
    bad = []
    area = window.rect()
    for button in window.findChildren(QAbstractButton):
        if not button.isVisibleTo(window) or not button.isVisible() or inside_a_scroll_area(button):
            continue
        rect = QRect(button.mapTo(window, button.rect().topLeft()), button.size())
        if not area.contains(rect) or button.width() < button.minimumSizeHint().width():
            bad.append(f"{button.objectName() or button.text()} {rect} < {button.minimumSizeHint()}")
    return bad


@pytest.mark.parametrize("language", ["ar", "en"])
@pytest.mark.parametrize("user,password", [(CLERK, CLERK_PW), (SUPERVISOR, SUPERVISOR_PW),
                                           (ADMIN, ADMIN_PW)])
def test_main_window_fits_1024x768_for_every_role(qtbot, gui_app, office, user, password, language):
    from fundclient.ui.main_window import MainWindow

    i18n.set_language(language)
    session = login_session(office, user, password)
    session.settings.extra["demo"] = user == ADMIN  # the longest status bar: demo banner on
    try:
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.resize(SCREEN.width(), ROOM.height())
        window.show()
        qtbot.waitExposed(window)
        for key in window.screens:
            screen = window.show_screen(key)
            if key == "registration":
                screen.save()  # every field red, every step marked: still fits
            qtbot.wait(20)
            hint = window.minimumSizeHint()
            assert hint.width() <= SCREEN.width() and hint.height() <= ROOM.height(), (key, hint)
            assert window.width() <= SCREEN.width(), key
            assert clipped_buttons(window) == [], key
    finally:
        wait_for_writes()
        session.store.close()
        i18n.set_language("ar")


@pytest.mark.parametrize("language", ["ar", "en"])
def test_dialogs_fit_1024x768(qtbot, gui_app, office, language):
    from fundclient.config import Settings
    from fundclient.ui.operators_dialog import OperatorsDialog
    from fundclient.ui.registration.drafts import DraftOfferDialog
    from fundclient.ui.settings_dialog import SettingsDialog

    i18n.set_language(language)
    session = login_session(office, ADMIN, ADMIN_PW)
    try:
        dialogs = [SettingsDialog(Settings.load(office)), OperatorsDialog(session),
                   DraftOfferDialog([("d1", "2026-11-23T09:29:00+00:00",
                                      {"values": {"name.first": "محمد"}})])]
        for dialog in dialogs:
            qtbot.addWidget(dialog)
            dialog.show()
            qtbot.waitExposed(dialog)
            hint = dialog.minimumSizeHint()
            assert hint.width() <= ROOM.width() and hint.height() <= ROOM.height(), (dialog, hint)
            assert dialog.width() <= ROOM.width() and dialog.height() <= ROOM.height(), dialog
            assert clipped_buttons(dialog) == [], type(dialog).__name__
            dialog.close()
        assert isinstance(dialogs[0], QDialog)
    finally:
        wait_for_writes()
        session.store.close()
        i18n.set_language("ar")


def test_default_window_size_follows_the_screen(qtbot, gui_app):
    from PySide6.QtWidgets import QMainWindow

    from fundclient.ui.main import DEFAULT_MAIN_SIZE, fitted_size

    window = QMainWindow()
    qtbot.addWidget(window)
    room = QApplication.primaryScreen().availableGeometry().size()
    size = fitted_size(window, DEFAULT_MAIN_SIZE)
    assert size.width() <= room.width() and size.height() <= room.height()
    assert fitted_size(window, QSize(300, 200)) == QSize(300, 200)


def test_a_dialog_larger_than_the_screen_is_fitted_onto_it(qtbot, gui_app):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    room = QApplication.primaryScreen().availableGeometry()
    dialog.resize(room.width() + 400, room.height() + 300)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.width() <= room.width() and dialog.height() <= room.height()
    assert room.contains(dialog.frameGeometry().topLeft())
