"""The registration photo step in the real main window at the office screen sizes: what the
clerk sees with no camera, with the demo's file camera, and with an imported passport photo."""

from __future__ import annotations

import cv2
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QApplication, QWidget

import camera_scenes as cs
from fundclient.camera import messages
from fundclient.selftest import SAMPLE_FACE
from fundclient.ui.camera import layout as words
from fundclient.ui.ops import wait_for_writes

pytestmark = pytest.mark.qt
SIZES = [(1366, 768), (1024, 768)]


def in_view(widget: QWidget) -> bool:
    """The whole widget is shown: inside the window and inside every scroll viewport above it."""
    if not widget.isVisible():
        return False
    rect = QRect(widget.mapTo(widget.window(), QPoint(0, 0)), widget.size())
    parent = widget.parentWidget()
    while parent is not None:
        area = QRect(parent.mapTo(widget.window(), QPoint(0, 0)), parent.size())
        if not area.contains(rect):
            return False
        parent = parent.parentWidget()
    return True


def photo_step_window(qtbot, session, size, camera: str):
    from fundclient.ui.main_window import MainWindow

    session.settings.camera = camera
    window = MainWindow(session)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=3000)
    window.new_registration()
    screen = window.current_screen()
    screen.go_to_step("photo")
    return window, screen


@pytest.mark.parametrize("size", SIZES)
def test_no_camera_message_and_import_are_in_view(qtbot, clerk_session, size):
    window, screen = photo_step_window(qtbot, clerk_session, size, "7")
    camera = screen.photo.camera_widget
    qtbot.waitUntil(lambda: camera.ui.hint.text() != words.STARTING.ar, timeout=8000)
    assert camera.ui.hint.text() == messages.CAMERA_NOT_FOUND.format(name="7").ar
    for widget in (camera.ui.hint, camera.ui.import_file, camera.ui.accept):
        qtbot.waitUntil(lambda: in_view(widget), timeout=2000)
    assert screen.photo.first_control() is camera.ui.import_file
    assert QApplication.focusWidget() is camera.ui.import_file
    window.close()


@pytest.mark.parametrize("size", SIZES)
def test_demo_camera_photo_taken_and_accepted_by_keyboard(qtbot, clerk_session, size):
    window, screen = photo_step_window(qtbot, clerk_session, size, str(SAMPLE_FACE))
    camera = screen.photo.camera_widget
    camera.auto_capture = False  # the clerk presses Take photo herself
    qtbot.waitUntil(lambda: camera.last_verdict is not None and camera.last_verdict.ok, timeout=8000)
    assert camera.ui.hint.text() == messages.ALL_GOOD.ar
    button = QApplication.focusWidget()
    assert button is camera.ui.capture
    qtbot.waitUntil(lambda: in_view(button), timeout=2000)
    qtbot.keyClick(button, Qt.Key.Key_Return)
    assert camera.state == "review"
    assert QApplication.focusWidget() is camera.ui.accept
    qtbot.waitUntil(lambda: in_view(camera.ui.accept), timeout=2000)
    qtbot.keyClick(camera.ui.accept, Qt.Key.Key_Return)
    assert screen.photo.photo() is not None
    assert screen.photo.photo().quality["checks_passed"] == 1.0
    window.close()
    wait_for_writes()


@pytest.mark.parametrize("size", SIZES)
def test_passport_photo_import_is_accepted(qtbot, clerk_session, size, tmp_path):
    window, screen = photo_step_window(qtbot, clerk_session, size, "7")
    camera = screen.photo.camera_widget
    passport = tmp_path / "passport.jpg"
    cv2.imwrite(str(passport), cs.id_photo(0.80))
    assert camera.import_file(passport)
    assert camera.ui.accept.isEnabled()
    qtbot.waitUntil(lambda: in_view(camera.ui.accept), timeout=2000)
    assert "✗" not in camera.ui.checklist.text()
    camera.ui.accept.setFocus()
    qtbot.keyClick(camera.ui.accept, Qt.Key.Key_Return)
    assert screen.photo.photo() is not None
    window.close()
    wait_for_writes()


def test_a_new_registration_never_offers_the_previous_persons_photo(qtbot, clerk_session):
    """The photo taken of one person stays under review in the camera; the next
    registration must start from the live camera, not offer that photo again."""
    window, screen = photo_step_window(qtbot, clerk_session, SIZES[0], str(SAMPLE_FACE))
    camera = screen.photo.camera_widget
    qtbot.waitUntil(lambda: camera.state == "review" and camera.can_accept(), timeout=8000)
    qtbot.keyClick(camera.ui.accept, Qt.Key.Key_Return)
    assert screen.photo.photo() is not None
    camera.auto_capture = False  # the next person is not seated yet
    window.new_registration()
    screen.go_to_step("photo")
    assert screen.photo.photo() is None
    assert camera.state == "live" and camera.photo is None
    assert not camera.ui.accept.isEnabled()
    assert QApplication.focusWidget() is camera.ui.capture
    window.close()
    wait_for_writes()
