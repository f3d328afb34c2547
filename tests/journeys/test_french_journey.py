"""French, the third language (issue #16): the administrator switches the app to French in the
settings, by keyboard, and goes through the main screens — login, home, the six registration
steps with the photo step, search, the record, reports, sending, day close, the settings —
checking that every visible label is French: no text of the interface is left in English or in
Arabic (data such as the demo people's Arabic names is data, not interface), the layout runs
left to right and nothing is clipped.

At 1366×768 this journey makes docs/screenshots/NAME-fr.png."""

from __future__ import annotations

import re
from html import unescape

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QGroupBox, QLabel, QLineEdit, QTabBar

from fundclient import catalogue
from fundclient.demo import DEMO_ADMIN
from fundclient.ui import i18n

from journey import _normal
from test_language_journey import go_by_navigation, walk_registration_steps

ARABIC = re.compile(r"[\u0621-\u063a\u0641-\u064a\u0671-\u06d3]")  # letters (not the ٠١٢٣ digits)
FRENCH = "fr"
# Words that are the same in English and French, or names of keys, languages and formats.
SAME_WORDS = {"English", "العربية", "Français", "PDF", "CSV", "Excel", "USB", "QR", "Ctrl", "Alt", "Enter", "Esc",
              "OK", "Photo", "Version", "Date", "Code", "Distance", "Portrait", "Action", "Source", "Images", "Total"}


def _pattern(text: str) -> re.Pattern | None:
    """A catalogue text as a pattern matching it once its placeholders are filled."""
    text = _normal(text.replace("&&", "\0").replace("&", "").replace("\0", "&"))
    if not re.search(r"[^\W\d_]{3,}", re.sub(r"\{[^{}]*\}|%L?\d|%n", " ", text)):
        return None  # nothing but placeholders and signs: it says nothing of the language
    parts = re.split(r"(\{[^{}]*\}|%L?\d|%n)", text)
    return re.compile("".join(".+?" if i % 2 else re.escape(p) for i, p in enumerate(parts)) + r"\Z", re.S)


def leftover_patterns() -> list[tuple[str, re.Pattern]]:
    """Every interface text as it reads in English or in Arabic, where French reads otherwise."""
    from babel.messages.pofile import read_po

    found = []
    with open(catalogue.SOURCE_PO_DIR / "ar.po", "rb") as fh:
        arabic = read_po(fh)
    for message in arabic:
        if not message.id or isinstance(message.id, tuple):
            continue
        english = message.id
        shown = catalogue.lookup(english, FRENCH, message.context)
        if _normal(shown) == _normal(english):
            continue  # the same in French (e.g. "Version"): not a leftover
        for text, language in ((english, "English"), (message.string, "Arabic")):
            if isinstance(text, str) and text and _normal(text) != _normal(shown) and text.strip() not in SAME_WORDS:
                pattern = _pattern(text)
                if pattern is not None:
                    found.append((f"{language}: «{text}»", pattern))
    return found


def interface_texts(window) -> list[str]:
    """What the interface itself says in `window` (every visible text, line by line, tags out)."""
    from journey import visible_texts

    typed = {_normal(w.text()) for w in window.findChildren(QLineEdit) if w.text()}  # data, not interface
    lines = []
    for text in visible_texts(window):
        if _normal(text) in typed:
            continue
        text = unescape(re.sub(r"<[^>]+>", "\n", text))
        lines.extend(_normal(line) for line in text.splitlines() if _normal(line))
    return lines


def chrome_in_arabic(window, fund_name: str) -> list[str]:
    """Buttons, group titles, tabs, the window title in Arabic letters: never data, so never Arabic
    (the fund's name is the office's setting, written as the fund writes it)."""
    wrong = []
    if ARABIC.search((window.windowTitle() or "").replace(fund_name, "")):
        wrong.append(window.windowTitle())
    for widget in window.findChildren(QAbstractButton) + window.findChildren(QGroupBox):
        if widget.isVisible() and not widget.visibleRegion().isEmpty():
            text = widget.text() if isinstance(widget, QAbstractButton) else widget.title()
            if ARABIC.search(text) and text.strip() not in SAME_WORDS:
                wrong.append(text)
    for bar in window.findChildren(QTabBar):
        if bar.isVisible():
            wrong.extend(t for t in (bar.tabText(i) for i in range(bar.count())) if ARABIC.search(t))
    return wrong


def clipped_labels(window) -> list[str]:
    """Labels whose French text does not fit their box (French runs longer than English)."""
    problems = []
    for label in window.findChildren(QLabel):
        if not label.isVisible() or label.visibleRegion().isEmpty() or not label.text().strip():
            continue
        if label.pixmap() is not None and not label.pixmap().isNull():
            continue
        if label.wordWrap():
            if label.heightForWidth(label.width()) > label.height() + 2:
                problems.append(f"«{_normal(label.text())[:60]}» needs {label.heightForWidth(label.width())} px "
                                f"of height, has {label.height()}")
        elif label.sizeHint().width() > label.width() + 2 and label.textFormat() != Qt.TextFormat.RichText:
            problems.append(f"«{_normal(label.text())[:60]}» needs {label.sizeHint().width()} px, has {label.width()}")
    return problems


class FrenchCheck:
    def __init__(self, j):
        self.j = j
        self.fund_name = j.main.settings.fund_name
        self.leftovers = leftover_patterns()
        assert len(self.leftovers) > 500, f"only {len(self.leftovers)} catalogue texts to look for"

    def screen(self, name: str, title: str = "", shoot: bool = True, window=None) -> list[str]:
        j = self.j
        j.wait_idle()
        window = window or QApplication.activeWindow() or j.window
        assert i18n.current_language() == FRENCH
        assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
        assert window.layoutDirection() == Qt.LayoutDirection.LeftToRight, name
        if shoot:  # first, so that a failing screen can be looked at
            j.screenshot(name, widget=window if window is not j.window else None)
        if title:
            j.assert_sees(title)
        texts = interface_texts(window)
        left = sorted({f"{what} shown as «{text}»" for text in texts
                       for what, pattern in self.leftovers if pattern.match(text)})
        assert not left, f"{name}: interface texts not in French:\n" + "\n".join(left)
        arabic = chrome_in_arabic(window, self.fund_name)
        assert not arabic, f"{name}: buttons or titles in Arabic: {arabic}"
        clipped = clipped_labels(window)
        assert not clipped, f"{name}: French texts cut off:\n" + "\n".join(clipped)
        j.assert_layout_ok()
        return texts


def open_list_in_french(j, check: FrenchCheck, name: str, expected: set[str]) -> list[str]:
    """The focused list (a combo box) opened by keyboard (Alt+Down), as the clerk sees it: its
    choices — reference data — read in French, none in Arabic or English; then Escape."""
    combo = QApplication.focusWidget()
    assert isinstance(combo, QComboBox), combo
    j.press("Alt+Down")
    j.wait_until(lambda: combo.view().isVisible(), what=f"the {name} list open")
    j.screenshot(name, widget=combo.view().window())
    choices = [combo.itemText(i) for i in range(combo.count()) if combo.itemText(i).strip()]
    assert expected <= set(choices), choices
    assert not [c for c in choices if ARABIC.search(c)], choices
    english = [c for c in choices for what, pattern in check.leftovers if what.startswith("English") and pattern.match(c)]
    assert not english, english
    QTest.keyClick(combo.view(), Qt.Key.Key_Escape)  # to the open list itself (a window of its own)
    j.wait_until(lambda: not combo.view().isVisible(), what=f"the {name} list closed")
    return choices


def test_french_interface_on_the_main_screens(demo_office, open_app, screen_size):
    j = open_app(demo_office.data_dir, login_hint=demo_office.login_hint())
    j.login(*DEMO_ADMIN)
    j.switch_language(FRENCH)
    check = FrenchCheck(j)
    main = j.main

    texts = check.screen("home")
    assert any("Bureau" in t for t in texts), texts  # the status bar: « Bureau : … »

    # The settings, now in French (the language list shows each language by its own name).
    failed: list[BaseException] = []

    def in_settings(dialog) -> None:
        try:
            check.screen("settings", window=dialog)
            j.assert_sees("Langue de l'interface", "Envoi de nuit", root=dialog)
        except BaseException as exc:  # noqa: BLE001 - reported once the dialog is closed
            failed.append(exc)
        finally:
            j.escape()

    with j.expect_dialog(in_settings, match=lambda w: w.objectName() == "settingsDialog"):
        j.press("Ctrl+,")
    if failed:
        raise failed[0]

    # A new registration, step by step (Alt+1 … Alt+6), the photo step with the demo camera;
    # on the category step the list of categories opens in French (reference data).
    def look(name: str, step: str, title: str) -> None:
        check.screen(name, title)
        if step == "category":
            j.tab_to(lambda w: w.objectName() == "field_category")
            open_list_in_french(j, check, "registration_3_category_list", {"Retraités"})

    walk_registration_steps(j, look)
    j.assert_sees("Nouvelle inscription")

    # A dependant's relationship list, in French too (Alt+4: the dependants; "Add a dependant").
    j.press("Alt+4")
    j.wait_idle()
    j.tab_to(lambda w: w.objectName() == "addDependant")
    j.enter()
    j.wait_until(lambda: QApplication.focusWidget().objectName() == "field_dependants.0.relation",
                 what="the new dependant's relationship")
    open_list_in_french(j, check, "registration_4_relation_list", {"Conjoint(e)", "Fils", "Fille"})

    j.press("Ctrl+F")
    j.wait_idle()
    j.select_all_and_type("محمد")
    search = main.screens["search"]
    j.wait_until(lambda: search.shown_generation == search.generation and not search.debounce.isActive()
                 and search.view.model.rowCount() > 0, what="search results")
    check.screen("search", search.title())
    j.assert_sees("Rechercher un bénéficiaire", "Numéro national")
    j.press("Down")  # into the results
    j.enter()  # open the selected record
    j.wait_until(lambda: main.current_screen() is main.screens["record"], what="the record")
    check.screen("record")
    j.assert_sees("Imprimer la carte d'assurance")

    j.press("Ctrl+R")
    check.screen("reports", main.screens["reports"].title())

    j.press("Ctrl+E")
    check.screen("sync", main.screens["sync"].title())
    j.assert_sees("Envoyer maintenant")

    go_by_navigation(j, main.screens["dayclose"].title())
    check.screen("dayclose", main.screens["dayclose"].title())
    j.assert_sees("Clôture de la journée")

    # Signing out shows the login window in French too.
    j.sign_out()
    check.screen("login", window=j.gui.login)
    j.assert_sees("Se connecter")
    j.login(*DEMO_ADMIN)
    assert i18n.current_language() == FRENCH
