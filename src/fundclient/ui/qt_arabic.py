"""Qt's own dialogs in the interface's language where Qt's catalogue leaves English.

`i18n.set_language` loads Qt's own translation (`qtbase_<language>.qm` from PySide6's
translations folder) for the standard dialogs — file, print, message boxes. Qt's Arabic still
leaves a few strings in English (the file dialog's "&Look in:", the print dialog's duplex and
page-set options), so a clerk would meet an English word in the middle of an Arabic dialog.
This translator fills exactly those gaps, from the one catalogue (translations/*.po, context
"Qt's own dialogs"), in any language. It is installed *before* Qt's and our own catalogues, so
it is asked last: anything they translate keeps their wording.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP3, QTranslator

from fundclient import catalogue

QT_DIALOGS = "Qt's own dialogs"

# (Qt's context, Qt's English source) of the strings Qt's Arabic lacks. Checked against
# qtbase_ar of PySide6 6.11 by tests/ui/test_qt_arabic.py, which lists any string of these
# dialogs still in English.
# (The context is written out in each entry: the catalogue's extractor reads literals.)
QT_SUPPLEMENT: frozenset[tuple[str, str]] = frozenset({
    ("QFileDialog", QT_TRANSLATE_NOOP3("QFileDialog", "&Look in:", "Qt's own dialogs")),
    ("QFileDialog", QT_TRANSLATE_NOOP3("QFileDialog", "Files of &type:", "Qt's own dialogs")),
    ("QAbstractFileIconProvider", QT_TRANSLATE_NOOP3("QAbstractFileIconProvider", "Drive", "Qt's own dialogs")),
    ("QAbstractFileIconProvider", QT_TRANSLATE_NOOP3("QAbstractFileIconProvider", "Folder", "Qt's own dialogs")),
    ("QPrintSettingsOutput", QT_TRANSLATE_NOOP3("QPrintSettingsOutput", "Double Sided Printing",
                                                "Qt's own dialogs")),
    ("QPrintSettingsOutput", QT_TRANSLATE_NOOP3("QPrintSettingsOutput", "Off", "Qt's own dialogs")),
    ("QPrintSettingsOutput", QT_TRANSLATE_NOOP3("QPrintSettingsOutput", "Long side binding", "Qt's own dialogs")),
    ("QPrintSettingsOutput", QT_TRANSLATE_NOOP3("QPrintSettingsOutput", "Short side binding", "Qt's own dialogs")),
    ("QPrintSettingsOutput", QT_TRANSLATE_NOOP3("QPrintSettingsOutput", "Pages", "Qt's own dialogs")),
    ("QPrintSettingsOutput", QT_TRANSLATE_NOOP3("QPrintSettingsOutput", "Page &Set:", "Qt's own dialogs")),
    ("QPrintSettingsOutput", QT_TRANSLATE_NOOP3(
        "QPrintSettingsOutput", "Specify pages or ranges separated by commas. Ranges are specified by two "
        "numbers separated by a hyphen. E.g: 3,5-7,9 prints pages 3, 5, 6, 7 and 9.", "Qt's own dialogs")),
})


class QtSupplement(QTranslator):
    """A fallback catalogue for Qt's own dialogs in `language` (see the module docstring)."""

    def __init__(self, language: str, parent=None) -> None:
        super().__init__(parent)
        self.language = language

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: D401 - Qt API
        if (context, source_text) not in QT_SUPPLEMENT:
            return None  # None (a null string) lets Qt fall back to the English source; "" would blank it
        found = catalogue.lookup(source_text, self.language, QT_DIALOGS)
        return found if found != source_text else None

    def isEmpty(self) -> bool:  # noqa: N802 - Qt name
        return False
