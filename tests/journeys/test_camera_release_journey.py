"""The camera runs only while the photo step is on screen (issue #18 item 1), at 1366x768 and
1024x768, by keyboard on the demo office and its file camera: another step (Alt+1), another
screen (Ctrl+F), the lock (Ctrl+L, then the password) and a minimised window each release
it — no frame read, the picture file closed, as a webcam's light would go off — and coming
back to the photo step starts it again, with pictures on the preview."""

from __future__ import annotations

from fundclient.ui.camera import layout as words


def released(camera) -> bool:
    """No capture thread and the source closed (a webcam would be free for other programs)."""
    source = camera._source
    return not camera.camera_open and (source is None or not source._images)


def test_camera_is_released_whenever_the_photo_step_is_not_on_screen(demo_app):
    j = demo_app
    j.login("demo", "demo-1234")
    j.press("Ctrl+N")
    j.wait_idle()
    screen = j.main.current_screen()
    assert screen.photo.camera_widget is None  # the form's first step: no camera opened yet
    j.press("Alt+5")  # «الصورة»
    camera = screen.photo.camera_widget
    j.wait_until(lambda: camera.camera_open and camera.frames_painted > 3, what="pictures on the preview")
    camera.auto_capture = False  # this journey is about the camera, not the photo

    def back_on_the_photo_step(what: str) -> None:
        painted = camera.frames_painted
        j.wait_until(lambda: camera.camera_open and camera.frames_painted > painted + 3, what=what)
        j.assert_not_sees(words.STARTING.ar)

    # Another step of the form.
    j.press("Alt+1")
    j.wait_until(lambda: released(camera), what="the camera released on the first step")
    j.press("Alt+5")
    back_on_the_photo_step("the camera again on the photo step")

    # Another screen (search), then back through the left bar.
    j.press("Ctrl+F")
    j.wait_until(lambda: released(camera), what="the camera released on the search screen")
    j.main.show_screen("registration")  # what choosing «تسجيل» in the left bar does
    back_on_the_photo_step("the camera again when the registration is shown")

    # The lock page covers the work: released; the password brings it back.
    j.press("Ctrl+L")
    assert j.main.is_locked()
    j.wait_until(lambda: released(camera), what="the camera released while locked")
    j.type("demo-1234")
    j.enter()
    j.wait_until(lambda: not j.main.is_locked(), 30000, "the unlock")
    back_on_the_photo_step("the camera again after the unlock")

    # Minimised (the window system does it, not a key of ours), then restored.
    j.main.showMinimized()
    j.wait_until(lambda: released(camera), what="the camera released while minimised")
    j.main.showNormal()
    j.main.activateWindow()
    back_on_the_photo_step("the camera again after the window is restored")

    # Locked while on another step: unlocking does not open the camera behind the form.
    j.press("Alt+2")
    j.wait_until(lambda: released(camera), what="the camera released on the second step")
    j.press("Ctrl+L")
    j.type("demo-1234")
    j.enter()
    j.wait_until(lambda: not j.main.is_locked(), 30000, "the unlock")
    j.qtbot.wait(300)
    assert released(camera)
    j.press("Alt+5")
    back_on_the_photo_step("the camera on the photo step once more")
