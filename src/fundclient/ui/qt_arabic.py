"""Arabic for Qt's own dialogs where Qt's catalogue has none.

`i18n.set_language("ar")` loads Qt's own Arabic (`qtbase_ar.qm` from PySide6's translations
folder) for the standard dialogs — file, print, message boxes. That catalogue still leaves a
few strings in English (the file dialog's «&Look in:», the print dialog's duplex and page-set
options), so a clerk would meet an English word in the middle of an Arabic dialog. This
translator fills exactly those gaps. It is installed *before* Qt's and our own catalogues,
so it is asked last: anything they translate keeps their wording.
"""

from __future__ import annotations

from PySide6.QtCore import QTranslator

# (Qt's context, Qt's English source) -> Arabic. Checked against qtbase_ar of PySide6 6.11 by
# tests/ui/test_qt_arabic.py, which lists any string of these dialogs still in English.
QT_ARABIC_SUPPLEMENT: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "ا&بحث في:",
    ("QFileDialog", "Files of &type:"): "&نوع الملفات:",
    ("QAbstractFileIconProvider", "Drive"): "قرص",
    ("QAbstractFileIconProvider", "Folder"): "مجلد",
    ("QPrintSettingsOutput", "Double Sided Printing"): "الطباعة على الوجهين",
    ("QPrintSettingsOutput", "Off"): "لا",
    ("QPrintSettingsOutput", "Long side binding"): "التجليد على الحافة الطويلة",
    ("QPrintSettingsOutput", "Short side binding"): "التجليد على الحافة القصيرة",
    ("QPrintSettingsOutput", "Pages"): "الصفحات",
    ("QPrintSettingsOutput", "Page &Set:"): "م&جموعة الصفحات:",
    ("QPrintSettingsOutput", "Specify pages or ranges separated by commas. Ranges are specified by two "
                             "numbers separated by a hyphen. E.g: 3,5-7,9 prints pages 3, 5, 6, 7 and 9."):
        "اكتب أرقام الصفحات أو مجالاتها مفصولة بفواصل، والمجال رقمان بينهما شرطة. مثال: 3,5-7,9 "
        "يطبع الصفحات 3 و5 و6 و7 و9.",
}


class QtArabicSupplement(QTranslator):
    """A fallback catalogue for Qt's own dialogs (see the module docstring)."""

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: D401 - Qt API
        # None (a null string) lets Qt fall back to the English source; "" would blank it.
        return QT_ARABIC_SUPPLEMENT.get((context, source_text))

    def isEmpty(self) -> bool:  # noqa: N802 - Qt name
        return False
