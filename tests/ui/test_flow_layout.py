"""The wrapping button row (ui/flow_layout.py): long French labels go onto a second line
instead of off the screen; right to left in Arabic; `justify` fills each line."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget

from fundclient.ui.flow_layout import FlowLayout

LABELS = ("Modifier", "Imprimer la carte d'assurance", "Imprimer le reçu d'inscription", "Désactiver")


def _row(qtbot, width: int, *, justify: bool = False, direction=Qt.LayoutDirection.LeftToRight):
    host = QWidget()
    host.setLayoutDirection(direction)
    layout = FlowLayout(host, spacing=6, justify=justify)
    buttons = [QPushButton(text) for text in LABELS]
    for button in buttons:
        layout.addWidget(button)
    qtbot.addWidget(host)
    host.resize(width, layout.heightForWidth(width))
    host.show()
    qtbot.waitExposed(host)
    layout.activate()
    return host, layout, buttons


def test_a_row_that_fits_stays_on_one_line(qtbot):
    wide = sum(QPushButton(t).sizeHint().width() for t in LABELS) + 6 * 3 + 10
    host, layout, buttons = _row(qtbot, wide)
    assert len({b.geometry().top() for b in buttons}) == 1
    assert layout.heightForWidth(wide) == max(b.sizeHint().height() for b in buttons)


def test_a_narrow_row_wraps_and_every_button_keeps_its_whole_text(qtbot):
    host, layout, buttons = _row(qtbot, 420)
    tops = sorted({b.geometry().top() for b in buttons})
    assert len(tops) >= 2
    for button in buttons:
        assert button.width() >= button.sizeHint().width(), button.text()
        assert host.rect().contains(button.geometry()), button.text()
    assert layout.heightForWidth(420) > layout.heightForWidth(2000)


def test_right_to_left_starts_at_the_right_hand_edge(qtbot):
    host, layout, buttons = _row(qtbot, 2000, direction=Qt.LayoutDirection.RightToLeft)
    assert buttons[0].geometry().right() == host.rect().right()
    assert buttons[1].geometry().right() < buttons[0].geometry().left()


def test_justify_shares_the_spare_width_of_each_line(qtbot):
    host, layout, buttons = _row(qtbot, 420, justify=True)
    lines: dict[int, list[QPushButton]] = {}
    for button in buttons:
        lines.setdefault(button.geometry().top(), []).append(button)
    for line in lines.values():
        assert line[0].geometry().left() == 0
        assert line[-1].geometry().right() == host.rect().right()
