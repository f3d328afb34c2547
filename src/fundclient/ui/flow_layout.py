"""A row of buttons that wraps onto the next line when the screen is too narrow for it.

The same buttons read much longer in French than in Arabic («Imprimer le reçu d'inscription»
for «طباعة إيصال التسجيل»); a plain row then ran off the side of a 1024×768 screen. This layout
(Qt's "flow layout" example, made direction-aware) keeps each button at its natural size and
starts a new line when the next one would not fit; right to left in Arabic. With `justify`,
the buttons of each line share its spare width (a row of equal-looking buttons, as a box
layout draws them when they fit).
"""

from __future__ import annotations

from PySide6.QtCore import QMargins, QPoint, QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QStyle, QWidget


class FlowLayout(QLayout):
    def __init__(self, parent: QWidget | None = None, spacing: int = 6, *, justify: bool = False) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._spacing = spacing
        self._justify = justify
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    # QLayout's item list -----------------------------------------------------------------
    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802 - Qt API
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt API
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # noqa: N802 - Qt API
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    # sizes ---------------------------------------------------------------------------------
    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802 - Qt API
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802 - Qt API
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt API
        return self._arrange(QRect(0, 0, width, 0), apply=False)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt API
        """All on one line."""
        width = sum(i.sizeHint().width() for i in self._visible()) + self._spacing * max(0, len(self._visible()) - 1)
        height = max((i.sizeHint().height() for i in self._visible()), default=0)
        m = self.contentsMargins()
        return QSize(width + m.left() + m.right(), height + m.top() + m.bottom())

    def minimumSize(self) -> QSize:  # noqa: N802 - Qt API
        """The widest button: narrower than that, nothing can be done."""
        size = QSize()
        for item in self._visible():
            size = size.expandedTo(item.minimumSize())
        m = self.contentsMargins()
        return size + QSize(m.left() + m.right(), m.top() + m.bottom())

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802 - Qt API
        super().setGeometry(rect)
        self._arrange(rect, apply=True)

    # placing -------------------------------------------------------------------------------
    def _visible(self) -> list[QLayoutItem]:
        return [i for i in self._items if not i.isEmpty()]

    def _arrange(self, rect: QRect, apply: bool) -> int:
        """Lay the items out in `rect` line by line; returns the height used."""
        m = self.contentsMargins()
        area = rect.adjusted(m.left(), m.top(), -m.right(), -m.bottom())
        lines: list[list[QLayoutItem]] = [[]]
        used = 0
        for item in self._visible():
            width = item.sizeHint().width()
            if lines[-1] and used + self._spacing + width > area.width():
                lines.append([])
                used = 0
            used += (self._spacing if lines[-1] else 0) + width
            lines[-1].append(item)
        parent = self.parentWidget()
        rtl = parent is not None and parent.layoutDirection() == Qt.LayoutDirection.RightToLeft
        y = area.y()
        for line in (line for line in lines if line):
            height = max(i.sizeHint().height() for i in line)
            if apply:
                natural = sum(i.sizeHint().width() for i in line) + self._spacing * (len(line) - 1)
                spare = max(0, area.width() - natural) if self._justify else 0
                x = area.x()
                for n, item in enumerate(line):
                    extra = spare // len(line) + (1 if n < spare % len(line) else 0)
                    placed = QRect(QPoint(x, y), QSize(item.sizeHint().width() + extra, height))
                    if rtl:  # mirrored inside the area: the first button at the right-hand edge
                        placed = QStyle.visualRect(Qt.LayoutDirection.RightToLeft, area, placed)
                    item.setGeometry(placed)
                    x += placed.width() + self._spacing
            y += height + self._spacing
        return max(0, y - self._spacing - rect.y()) + m.bottom()
