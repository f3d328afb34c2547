"""PySide6 6.12.0 on CPython 3.11 drops a reference to None on every void Qt call; cards.fonts
gives None a reserve so that painting thousands of texts cannot abort the interpreter."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtGui import QColor, QImage, QPainter

import fundclient.cards.fonts  # noqa: F401  (applies the workaround on import)

pytestmark = pytest.mark.qt


def test_many_void_qt_calls_do_not_exhaust_none(qt_app):
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    painter = QPainter(image)
    try:
        before = sys.getrefcount(None)
        for _ in range(50_000):  # far more than None's natural reference count (~4-10 thousand)
            painter.setPen(QColor("black"))
    finally:
        painter.end()
    assert sys.getrefcount(None) > 0
    if sys.version_info < (3, 12):
        assert before > 1 << 39  # the reserve is in place
