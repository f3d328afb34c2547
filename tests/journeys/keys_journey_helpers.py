"""What the keyboard and login journeys share: a real office (encrypted data dir, clerk,
supervisor, admin, seeded beneficiaries), the real app (`ui.main.GuiApp`) driven by key
presses, and the checks of what a person sees (focus visible, nothing clipped, no modal
nobody asked for)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QAbstractButton, QAbstractScrollArea, QApplication, QWidget

ADMIN, ADMIN_PW = "admin", "Sebha-2026!"
CLERK, CLERK_PW = "huda", "Brak-clerk-1"
SUPERVISOR, SUPERVISOR_PW = "fatima", "Super-visor-2"
PASSWORDS = {ADMIN: ADMIN_PW, CLERK: CLERK_PW, SUPERVISOR: SUPERVISOR_PW}
SIZES = {"1366x768": QSize(1366, 768), "1024x768": QSize(1024, 768)}
TASKBAR_AND_TITLE = 72  # what a 768-pixel screen leaves for the window's inside


@pytest.fixture(scope="session")
def keys_office_template(tmp_path_factory) -> Path:
    from fundclient.domain.synthetic import generate
    from fundclient.storage.store import initialise, open_store

    data_dir = tmp_path_factory.mktemp("keys-office") / "data"
    initialise(data_dir, "BRK", ADMIN, ADMIN_PW, "علي المدير", provisional_device_number=901)
    store, _ = open_store(data_dir, ADMIN, ADMIN_PW)
    try:
        store.operators.add(CLERK, CLERK_PW, "clerk", full_name="هدى الزوي", by=ADMIN)
        store.operators.add(SUPERVISOR, SUPERVISOR_PW, "supervisor", full_name="فاطمة السنوسي",
                            by=ADMIN)
        for record in generate(12, seed=11):
            store.beneficiaries.add(record, by=CLERK)
    finally:
        store.close()
    return data_dir


@pytest.fixture
def keys_office(keys_office_template, tmp_path) -> Path:
    target = tmp_path / "office"
    shutil.copytree(keys_office_template, target)
    return target


@pytest.fixture(scope="session")
def keys_translations():
    """The .mo are not in git: compile them from translations/*.po, as an install does."""
    import importlib.util

    script = Path(__file__).resolve().parents[2] / "scripts" / "translations.py"
    spec = importlib.util.spec_from_file_location("translations_script_keys", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build()


@pytest.fixture
def real_app(qapp, keys_translations):
    """The QApplication exactly as `fundclient` prepares it (fonts, style, keyboard rules)."""
    from fundclient.config import Settings
    from fundclient.ui import i18n
    from fundclient.ui.main import prepare_app

    app = prepare_app(Settings(), "ar")
    yield app
    i18n.set_language("ar")


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier, widget: QWidget | None = None) -> None:
    """A key press delivered where the keyboard sends it: to the focused widget."""
    target = widget or QApplication.focusWidget()
    assert target is not None, "nothing has the keyboard focus"
    qtbot.keyClick(target, key, modifier)


def type_text(text: str, widget: QWidget | None = None) -> None:
    """Characters as a keyboard layout sends them (Arabic letters too)."""
    target = widget or QApplication.focusWidget()
    assert target is not None, "nothing has the keyboard focus"
    for ch in text:
        key = Qt.Key.Key_unknown if not ch.isascii() else QKeySequence(ch)[0].key()
        for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
            QApplication.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, ch))


def shortcut(qtbot, window: QWidget, sequence: str) -> None:
    """A menu shortcut (Ctrl+N, Ctrl+L …) pressed on the focused widget of `window`."""
    keys = QKeySequence(sequence)[0]
    target = QApplication.focusWidget() or window
    qtbot.keyClick(target, keys.key(), keys.keyboardModifiers())


def scroll_areas_of(widget: QWidget) -> list[QAbstractScrollArea]:
    found, parent = [], widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            found.append(parent)
        parent = parent.parentWidget()
    return found


def assert_focus_visible(window: QWidget) -> QWidget:
    """The focused widget is inside the window and inside every scroll area around it."""
    focus = QApplication.focusWidget()
    assert focus is not None, "nothing has the keyboard focus"
    if focus.window() is not window:
        return focus
    rect = QRect(focus.mapTo(window, focus.rect().topLeft()), focus.size())
    assert window.rect().intersects(rect), f"{focus.objectName()} is outside the window"
    for area in scroll_areas_of(focus):
        if area.viewport().isAncestorOf(focus):
            viewport = area.viewport()
            inside = QRect(focus.mapTo(viewport, focus.rect().topLeft()), focus.size())
            visible = viewport.rect().intersected(inside)
            assert visible.height() >= min(inside.height(), viewport.height()) - 2 and \
                visible.width() >= min(inside.width(), viewport.width()) // 2, \
                f"{focus.objectName() or type(focus).__name__} is scrolled out of view"
    return focus


def clipped_buttons(window: QWidget) -> list[str]:
    """Visible buttons outside the window or narrower than their label needs."""
    bad = []
    for button in window.findChildren(QAbstractButton):
        if not button.isVisible() or scroll_areas_of(button):
            continue
        rect = QRect(button.mapTo(window, button.rect().topLeft()), button.size())
        if not window.rect().contains(rect) or button.width() < button.minimumSizeHint().width():
            bad.append(f"{button.objectName() or button.text()!r} at {rect}")
    return bad


def assert_no_unasked_modal() -> None:
    modal = QApplication.activeModalWidget()
    assert modal is None, f"a dialog appeared nobody asked for: {modal.windowTitle()!r}"


def fit_window(window: QWidget, size: QSize) -> None:
    """The window as the office's screen shows it (maximized on a 768-pixel screen)."""
    window.resize(size.width(), size.height() - TASKBAR_AND_TITLE)


def arabic_digits_to_latin(text: str) -> str:
    from fundclient.ui.i18n import read_digits

    return read_digits(text)
