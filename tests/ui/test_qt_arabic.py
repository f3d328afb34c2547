"""Qt's own dialogs speak Arabic: qtbase_ar from PySide6 plus our supplement (ui/qt_arabic.py)."""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QAbstractButton, QComboBox, QFileDialog, QGroupBox, QLabel, QWidget

from fundclient.ui import i18n

pytestmark = pytest.mark.qt
ENGLISH_WORD = re.compile(r"[A-Za-z]{2,}")
NOT_WORDS = {"PDF", "Enter", "Esc", "Ctrl", "Alt", "A4", "A5", "CUPS", "lpr"}


def _english_texts(dialog: QWidget) -> list[str]:
    texts = []
    for widget in dialog.findChildren(QWidget):
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QComboBox) and not widget.isEditable():
            texts += [widget.itemText(i) for i in range(widget.count())]
    found = []
    for text in texts:
        words = [w for w in ENGLISH_WORD.findall(text) if w not in NOT_WORDS]
        if words and "/" not in text and "(*" not in text:  # paths and file filters are not prose
            found.append(text)
    return found


def test_file_dialog_is_arabic(gui_app, qtbot, tmp_path):
    i18n.set_language("ar")
    dialog = QFileDialog(None, "", str(tmp_path))
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    qtbot.addWidget(dialog)
    dialog.show()
    assert _english_texts(dialog) == []
    labels = [w.text() for w in dialog.findChildren(QLabel)]
    assert "ا&بحث في:" in labels and "&Look in:" not in labels


def test_print_dialog_is_arabic_with_its_options_open(gui_app, qtbot):
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    i18n.set_language("ar")
    printer = QPrinter()
    dialog = QPrintDialog(printer)
    qtbot.addWidget(dialog)
    dialog.show()
    for button in dialog.findChildren(QAbstractButton):
        if button.text() == "&خيارات >>":
            button.click()  # the options part: duplex, page set
    assert _english_texts(dialog) == []


def test_english_interface_keeps_qt_english(gui_app, qtbot):
    i18n.set_language("en")
    dialog = QFileDialog(None)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    assert "&Look in:" in [w.text() for w in dialog.findChildren(QLabel)]
