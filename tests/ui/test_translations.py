"""Nothing a clerk sees is left in English: the Arabic catalogue is complete, and the live
widgets of every screen, in Arabic mode, show no English source string."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractItemView, QComboBox, QGroupBox, QLabel,
                               QLineEdit, QTableView, QWidget)

from fundclient.ui import i18n

pytestmark = pytest.mark.qt

ROOT = Path(__file__).resolve().parents[2]
PO_DIR = ROOT / "translations"
# Offered on purpose in the other language so a person who cannot read Arabic finds it.
DELIBERATELY_ENGLISH = {"English", "English interface"}


def _catalogue(name: str):
    from babel.messages.pofile import read_po

    with open(PO_DIR / name, "rb") as fh:
        return [m for m in read_po(fh) if m.id]


def english_sources() -> set[str]:
    return {m.id.replace("&", "") for m in _catalogue("fundclient.pot")}


def test_build_compiles_mo_files(tmp_path):
    spec = importlib.util.spec_from_file_location("translations_script", ROOT / "scripts" / "translations.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    script.build(tmp_path)
    assert (tmp_path / "ar.mo").stat().st_size > 1000 and (tmp_path / "fr.mo").stat().st_size > 1000


def visible_texts(top: QWidget) -> list[tuple[str, str]]:
    """(where, text) for every visible string under `top`."""
    found: list[tuple[str, str]] = [("windowTitle", top.windowTitle())]
    for widget in [top, *top.findChildren(QWidget)]:
        if not widget.isVisibleTo(top) and widget is not top:
            continue
        name = f"{type(widget).__name__}#{widget.objectName()}"
        if isinstance(widget, QLabel):
            found.append((name, widget.text()))
        elif isinstance(widget, QAbstractButton):
            found.append((name, widget.text()))
        elif isinstance(widget, QLineEdit):
            found.append((name + ".placeholder", widget.placeholderText()))
        elif isinstance(widget, QGroupBox):
            found.append((name, widget.title()))
        elif isinstance(widget, QComboBox):
            found += [(name, widget.itemText(i)) for i in range(widget.count())]
        if isinstance(widget, QTableView) and widget.model() is not None:
            model = widget.model()
            found += [(name + ".header", str(model.headerData(c, Qt.Orientation.Horizontal) or ""))
                      for c in range(model.columnCount(QModelIndex()))]
        found += [(name + ".action", a.text()) for a in widget.actions()]
        if hasattr(widget, "menuBar") and callable(widget.menuBar) and widget.inherits("QMainWindow"):
            for action in widget.menuBar().actions():
                found.append(("menu", action.text()))
                if action.menu() is not None:
                    found += [("menu item", a.text()) for a in action.menu().actions()]
    return found


def english_leftovers(top: QWidget) -> list[str]:
    sources = english_sources()
    return sorted({f"{where}: {text!r}" for where, text in visible_texts(top)
                   if text and text.replace("&", "") in sources and text not in DELIBERATELY_ENGLISH})


def test_live_screens_show_no_english_in_arabic_mode(qtbot, main_window, seeded_records):
    from fundclient.ui.lock import LockScreen
    from fundclient.ui.settings_dialog import SettingsDialog

    assert i18n.current_language() == "ar"
    window = main_window
    search = window.show_screen("search")
    search.view.box.setText(seeded_records[0].national_number)
    qtbot.waitUntil(lambda: bool(search.view.model.hits), timeout=20000)
    record = window.show_screen("record", seeded_records[0].record_id)
    qtbot.waitUntil(lambda: record.data is not None, timeout=20000)
    problems = {}
    for key in window.screens:
        window.show_screen(key)
        qtbot.wait(50)
        problems[key] = english_leftovers(window)
    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    problems["settings"] = english_leftovers(dialog)
    from fundclient.ui.operators_dialog import OperatorsDialog, PasswordForm

    operators = OperatorsDialog(window.session, window)
    qtbot.addWidget(operators)
    qtbot.waitUntil(lambda: operators.table.rowCount() > 0, timeout=20000)
    problems["operators"] = english_leftovers(operators)
    problems["operator form"] = english_leftovers(PasswordForm(operators))
    lock = LockScreen("أحمد", lambda pw: True)
    qtbot.addWidget(lock)
    problems["lock"] = english_leftovers(lock)
    assert {k: v for k, v in problems.items() if v} == {}


def test_login_screen_shows_no_english_in_arabic_mode(qtbot, gui_app, office):
    from fundclient.config import Settings
    from fundclient.ui.login import LoginScreen

    screen = LoginScreen(office, Settings.load(office))
    qtbot.addWidget(screen)
    screen.show()
    screen.show_error("x")
    assert english_leftovers(screen) == []
    assert screen.login_button.text() == "دخول"


def arabic_translations() -> set[str]:
    return {m.string.replace("&", "") for m in _catalogue("ar.po") if m.string}


def test_every_screen_retranslates_live_to_english(qtbot, main_window, seeded_records):
    """After the switch, no screen still shows one of our Arabic sentences (a screen that
    forgot retranslate_ui would)."""
    window = main_window
    record = window.show_screen("record", seeded_records[1].record_id)
    qtbot.waitUntil(lambda: record.data is not None, timeout=20000)
    window.set_language("en")
    try:
        qtbot.wait(100)
        arabic = arabic_translations() - DELIBERATELY_ENGLISH - {"العربية", "الواجهة العربية"}
        leftovers = {}
        for key in window.screens:
            window.show_screen(key)
            qtbot.wait(30)
            found = sorted({f"{where}: {text!r}" for where, text in visible_texts(window)
                            if text and text.replace("&", "") in arabic})
            if found:
                leftovers[key] = found
        assert leftovers == {}
    finally:
        window.set_language("ar")


def test_french_is_chosen_in_settings_and_every_screen_follows(qtbot, main_window, seeded_records):
    """French (a catalogue file, no code of its own): chosen like any language, the layout turns
    left-to-right and the screens read French, not Arabic or the English source."""
    from fundclient.ui.settings_dialog import SettingsDialog

    window = main_window
    dialog = SettingsDialog(window.settings, window)
    qtbot.addWidget(dialog)
    offered = [dialog.language.itemData(i) for i in range(dialog.language.count())]
    assert offered[:2] == ["ar", "en"] and "fr" in offered
    assert dialog.language.itemText(offered.index("fr")) == "Français"
    window.set_language("fr")
    try:
        qtbot.wait(100)
        from PySide6.QtWidgets import QApplication

        assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
        arabic = arabic_translations() - {"العربية", "الواجهة العربية"}
        french = {m.string.replace("&", "") for m in _catalogue("fr.po") if m.string}
        leftovers, seen_french = {}, 0
        for key in window.screens:
            window.show_screen(key)
            qtbot.wait(30)
            texts = [text.replace("&", "") for _where, text in visible_texts(window) if text]
            seen_french += sum(text in french for text in texts)
            found = sorted({text for text in texts if text in arabic})
            if found:
                leftovers[key] = found
        assert leftovers == {}
        assert seen_french > 20
    finally:
        window.set_language("ar")
