"""The camera widget driven by real file sources (the astronaut photograph), offscreen."""

from __future__ import annotations

import cv2
import pytest

import camera_scenes as cs
from fundclient.camera import messages
from fundclient.camera.photo import decode_photo
from fundclient.camera.sources import CameraInfo, FileSource
from fundclient.config import Settings
from fundclient.domain.records import Photo
from fundclient.ui.camera import CameraWidget

pytestmark = pytest.mark.qt


def make_widget(qtbot, spec="", **kwargs) -> CameraWidget:
    kwargs.setdefault("cameras", [])
    kwargs.setdefault("language", "ar")
    widget = CameraWidget(spec, **kwargs)
    qtbot.addWidget(widget)
    widget.resize(760, 640)
    widget.show()
    return widget


@pytest.fixture
def good_folder(tmp_path):
    folder = tmp_path / "good"
    folder.mkdir()
    cv2.imwrite(str(folder / "a.jpg"), cs.scene())
    return folder


@pytest.fixture
def bad_folder(tmp_path):
    folder = tmp_path / "bad"
    folder.mkdir()
    cv2.imwrite(str(folder / "a.jpg"), cs.blurred(cs.scene(), 4.0))
    return folder


def test_auto_capture_then_accept_emits_the_photo(qtbot, good_folder):
    widget = make_widget(qtbot, str(good_folder))
    assert widget.layoutDirection().name == "RightToLeft"
    qtbot.waitUntil(lambda: widget.state == "review", timeout=8000)
    assert widget.ui.accept.isEnabled() and not widget.ui.capture.isEnabled()
    assert widget.ui.hint.text()  # review sentence, Arabic
    with qtbot.waitSignal(widget.photoAccepted, timeout=2000) as accepted:
        qtbot.mouseClick(widget.ui.accept, qtbot_left())
    photo = accepted.args[0]
    assert isinstance(photo, Photo) and photo.kind == "portrait"
    assert len(photo.data) <= 30_000 and decode_photo(photo).shape == (378, 295, 3)
    assert photo.quality["checks_passed"] == 1.0 and photo.override_reason == ""
    # retake goes back to live and auto-captures again
    qtbot.mouseClick(widget.ui.retake, qtbot_left())
    assert widget.state == "live" and not widget.ui.accept.isEnabled()
    qtbot.waitUntil(lambda: widget.state == "review", timeout=8000)
    widget.close()


def test_failing_checks_show_the_arabic_hint_and_block_accept(qtbot, bad_folder):
    widget = make_widget(qtbot, str(bad_folder), allow_override=False)
    qtbot.waitUntil(lambda: widget.last_verdict is not None, timeout=8000)
    qtbot.waitUntil(lambda: widget.ui.hint.text() == messages.BLURRED.ar, timeout=3000)
    assert widget.state == "live"  # never auto-captured
    assert not widget.ui.override.isVisible()
    widget.capture()  # manual capture is allowed, accepting is not
    assert widget.state == "review" and widget.photo is not None
    assert not widget.ui.accept.isEnabled()
    assert widget.request_override("no reason allowed") is False
    widget.close()


def test_supervisor_override_stores_the_reason(qtbot, bad_folder):
    widget = make_widget(qtbot, str(bad_folder), allow_override=True, language="en")
    assert widget.layoutDirection().name == "LeftToRight"
    qtbot.waitUntil(lambda: widget.last_verdict is not None, timeout=8000)
    assert widget.ui.hint.text() == messages.BLURRED.en
    assert widget.ui.override.isEnabled()
    assert widget.request_override("Hand tremor, cannot hold still") is True
    assert widget.state == "review" and widget.ui.accept.isEnabled()
    with qtbot.waitSignal(widget.photoAccepted, timeout=2000) as accepted:
        widget.accept()
    photo = accepted.args[0]
    assert photo.override_reason == "Hand tremor, cannot hold still"
    assert photo.quality["checks_passed"] == 0.0 and photo.quality["sharpness"] < 50
    widget.close()


def test_import_from_file(qtbot, tmp_path, good_folder):
    widget = make_widget(qtbot, str(good_folder), auto_start=False)
    assert widget.import_file(tmp_path / "missing.jpg") is False
    assert widget.ui.status.text()  # says the picture cannot be read
    no_face = tmp_path / "flag.png"
    cv2.imwrite(str(no_face), cs.no_face())
    assert widget.import_file(no_face) is True
    assert widget.photo is None and not widget.ui.accept.isEnabled()
    assert widget.ui.hint.text() == messages.NO_FACE_TO_CROP.ar
    widget.retake()
    portrait = tmp_path / "portrait.jpg"
    cv2.imwrite(str(portrait), cs.scene(0.32))
    assert widget.import_file(str(portrait)) is True
    assert widget.state == "review" and widget.ui.accept.isEnabled()
    with qtbot.waitSignal(widget.photoAccepted, timeout=2000) as accepted:
        widget.accept()
    assert accepted.args[0].kind == "portrait" and len(accepted.args[0].data) <= 30_000


def test_document_mode_captures_a_flat_document(qtbot, tmp_path):
    folder = tmp_path / "doc"
    folder.mkdir()
    cv2.imwrite(str(folder / "card.png"), cs.document_scene()[0])
    widget = make_widget(qtbot, str(folder), auto_capture=True)
    widget.ui.mode_choice.setCurrentIndex(widget.ui.mode_choice.findData("document"))
    assert widget.mode == "document" and not widget.ui.override.isEnabled()
    qtbot.waitUntil(lambda: widget._latest is not None, timeout=8000)
    qtbot.wait(300)
    assert widget.state == "live"  # no auto-capture for documents
    widget.capture()
    with qtbot.waitSignal(widget.photoAccepted, timeout=2000) as accepted:
        widget.accept()
    photo = accepted.args[0]
    assert photo.kind == "document" and photo.quality["quad_found"] == 1.0
    assert len(photo.data) <= 150_000
    widget.close()


def test_camera_unplugged_then_back(qtbot, good_folder):
    source = cs.FlakySource(FileSource(good_folder, fps=30), fail_after=4, down_for=1.0)
    widget = make_widget(qtbot, source=source, auto_capture=False)
    widget._capture._backoff = (0.05, 0.1, 0.2)  # quick replug for the test
    with qtbot.waitSignal(widget.statusChanged, timeout=5000,
                          check_params_cb=lambda status: status.state == "lost"):
        pass
    assert widget.ui.status.text() == messages.CAMERA_LOST.ar
    assert widget.ui.capture.isEnabled()  # the window still answers
    qtbot.mouseClick(widget.ui.capture, qtbot_left())  # capture the last frame: no crash
    widget.retake()
    with qtbot.waitSignal(widget.statusChanged, timeout=5000,
                          check_params_cb=lambda status: status.state == "live"):
        pass
    assert widget.ui.status.text() == messages.CAMERA_BACK.ar
    frames = widget._capture.frames_read
    qtbot.waitUntil(lambda: widget._capture.frames_read > frames + 5, timeout=3000)
    qtbot.waitUntil(lambda: widget.last_verdict is not None and widget.last_verdict.ok, timeout=3000)
    widget.close()
    assert widget._capture is None


def test_choosing_a_camera_is_remembered(qtbot, data_dir, good_folder, tmp_path):
    other = tmp_path / "other"
    other.mkdir()
    cv2.imwrite(str(other / "b.jpg"), cs.scene(0.28))
    cameras = [CameraInfo(str(good_folder), "Front desk"), CameraInfo(str(other), "Home visit")]
    widget = make_widget(qtbot, str(good_folder), cameras=cameras, data_dir=data_dir, auto_capture=False)
    assert widget.ui.camera_choice.currentText() == "Front desk"
    widget.ui.camera_choice.setCurrentIndex(1)
    widget.ui.camera_choice.activated.emit(1)
    assert Settings.load(data_dir).camera == str(other)
    qtbot.waitUntil(lambda: widget.last_verdict is not None, timeout=8000)
    widget.close()


def test_hiding_the_screen_frees_the_camera(qtbot, good_folder):
    widget = make_widget(qtbot, str(good_folder), auto_capture=False)
    qtbot.waitUntil(lambda: widget.last_verdict is not None, timeout=8000)
    source = widget._source
    widget.hide()
    assert widget._capture is None and source._images == []  # released
    widget.show()
    assert widget._capture is not None
    frames = widget._capture.frames_read
    qtbot.waitUntil(lambda: widget._capture.frames_read > frames + 3, timeout=3000)
    widget.close()
    assert widget._capture is None


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_camera_list_is_filled_off_the_gui_thread(qtbot, good_folder):
    widget = make_widget(qtbot, str(good_folder), cameras=None, auto_capture=False)
    # the current source is listed at once; the machine's webcams (none on CI) follow
    assert widget.ui.camera_choice.findData(str(good_folder)) >= 0
    qtbot.wait(300)
    assert widget.ui.camera_choice.currentData() == str(good_folder)
    widget.close()


def test_demo_camera_sample_is_taken_by_itself_and_accepted(qtbot):
    """The demo's file camera (resources/samples/face.jpg): every check ticks, the photo is
    taken by itself and «اعتماد الصورة» is enabled."""
    from fundclient.camera.analysis import CHECK_NAMES
    from fundclient.selftest import SAMPLE_FACE
    from fundclient.ui.camera import layout as words

    widget = make_widget(qtbot, str(SAMPLE_FACE))
    qtbot.waitUntil(lambda: widget.state == "review", timeout=8000)
    assert widget.ui.accept.isEnabled() and widget.ui.accept.text() == words.ACCEPT.ar
    assert widget.ui.checklist.text().count("✓") == len(CHECK_NAMES)
    assert "✗" not in widget.ui.checklist.text()
    with qtbot.waitSignal(widget.photoAccepted, timeout=2000) as accepted:
        widget.accept()
    assert accepted.args[0].quality["checks_passed"] == 1.0
    widget.close()


def test_passport_style_import_is_accepted_and_a_bad_one_says_why(qtbot, tmp_path, good_folder):
    from fundclient.ui.camera import layout as words

    widget = make_widget(qtbot, str(good_folder), auto_start=False)
    passport = tmp_path / "passport.jpg"
    cv2.imwrite(str(passport), cs.id_photo(0.80))
    assert widget.import_file(passport) is True
    assert widget.ui.accept.isEnabled(), widget._review_verdict.failed()
    checks = widget.ui.checklist.text()
    for label in (words.CHECK_LABELS["size"].ar, words.CHECK_LABELS["position"].ar):
        assert f"✓ {label}" in checks
    widget.retake()
    cut = tmp_path / "cut.jpg"
    cv2.imwrite(str(cut), cs.id_photo(0.78, shift_x=0.16))
    assert widget.import_file(cut) is True
    assert not widget.ui.accept.isEnabled()
    assert f"✗ {words.CHECK_LABELS['position'].ar}" in widget.ui.checklist.text()
    assert widget._review_verdict.hints == [messages.PICTURE_OFF_CENTRE]
    widget.close()



def test_review_of_a_bad_import_names_the_problem(qtbot, tmp_path, good_folder):
    widget = make_widget(qtbot, str(good_folder), auto_start=False, language="en")
    far = tmp_path / "far.jpg"
    cv2.imwrite(str(far), cs.id_photo(0.22))
    assert widget.import_file(far) is True and not widget.ui.accept.isEnabled()
    assert widget.ui.hint.text().splitlines()[0] == messages.PICTURE_FACE_SMALL.en
    widget.close()


def test_no_camera_says_so_promptly_and_offers_the_import(qtbot):
    """A webcam index with no device behind it: the real reason replaces «جارٍ تشغيل
    الكاميرا…» in the big line, Take photo is off, the keyboard starts on Import."""
    from fundclient.ui.camera import layout as words

    widget = make_widget(qtbot, "7")  # /dev/video7 (or DirectShow 7): not there
    assert widget.ui.hint.text() == words.STARTING.ar
    qtbot.waitUntil(lambda: widget.ui.hint.text() != words.STARTING.ar, timeout=8000)
    assert widget.ui.hint.text() == messages.CAMERA_NOT_FOUND.format(name="7").ar
    assert not widget.camera_live and not widget.ui.capture.isEnabled()
    assert widget.first_control() is widget.ui.import_file and widget.ui.import_file.isEnabled()
    assert not widget.ui.status.isVisible()  # said once, in the big line, not twice
    widget.close()


def test_a_camera_that_never_answers_is_reported(qtbot, monkeypatch):
    import threading

    from fundclient.ui.camera import layout as words
    from fundclient.ui.camera import widget as widget_module

    class SilentSource:  # a driver stuck in open(): neither a frame nor an error
        description, resolution, frame_interval = "silent", (640, 480), 0.0

        def __init__(self):
            self.release = threading.Event()

        def open(self):
            self.release.wait(10)

        def read(self):
            raise RuntimeError("never")

        def close(self):
            self.release.set()

    monkeypatch.setattr(widget_module, "STARTING_TIMEOUT_MS", 300)
    source = SilentSource()
    widget = make_widget(qtbot, source=source)
    qtbot.waitUntil(lambda: widget.ui.hint.text() == words.CAMERA_SILENT.ar, timeout=5000)
    assert widget.first_control() is widget.ui.import_file
    source.release.set()
    widget.close()


def test_a_still_scene_is_checked_once_and_still_taken_by_itself(qtbot, good_folder):
    """A file camera repeats one picture: the checks run on the first frame, later frames
    reuse its verdict (no CPU spent), and the steady run still fires the auto-capture."""
    widget = make_widget(qtbot, str(good_folder))
    qtbot.waitUntil(lambda: widget.state == "review", timeout=8000)
    gate = widget.change_gate
    assert gate.checked >= 1 and gate.skipped >= 3
    assert gate.checked <= 2  # at most once more, after `recheck_after`
    widget.close()
