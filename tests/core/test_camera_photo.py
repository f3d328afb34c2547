"""The stored ID photo and document scans, from the real photograph."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import camera_scenes as cs
from fundclient.camera.analysis import FaceAnalyser
from fundclient.camera.document import find_document_quad, make_document
from fundclient.camera.photo import (correct_colour, decode_photo, encode_jpeg, make_portrait,
                                     portrait_crop_box)
from fundclient.camera.thresholds import DOCUMENT, PORTRAIT
from fundclient.domain.records import Photo
from fundclient.errors import CameraError


@pytest.fixture(scope="module")
def analyser():
    return FaceAnalyser()


def largest_face(analyser, image):
    faces = analyser.detect_faces(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY))
    assert faces, "no face found again in the stored photo"
    return max(faces, key=lambda box: box[2])


@pytest.mark.parametrize("face_height, cx", [(0.30, 0.5), (0.23, 0.47), (0.35, 0.52)])
def test_portrait_is_small_right_size_and_face_centred(analyser, face_height, cx):
    frame = cs.scene(face_height, cx=cx)
    verdict = analyser.analyse(frame)
    assert verdict.ok
    photo = make_portrait(frame, verdict)
    assert isinstance(photo, Photo) and photo.kind == "portrait" and photo.mime == "image/jpeg"
    assert photo.data[:3] == b"\xff\xd8\xff"
    assert len(photo.data) <= 30_000
    image = decode_photo(photo)
    assert image.shape == (378, 295, 3)
    assert abs(295 / 378 - 35 / 45) < 0.005
    # Found again in the crop: centred horizontally, and head-sized (the Haar box is about
    # 1/1.65 of chin-to-crown, which is 72 % of the height).
    x, y, w, h = largest_face(analyser, image)
    assert abs((x + w / 2) / 295 - 0.5) < 0.04
    assert 0.72 / 1.65 * 0.85 < h / 378 < 0.72 / 1.65 * 1.2
    assert 0.15 < (y + h / 2) / 378 < 0.55  # face in the upper half, shoulders below
    # scores stored with the photo
    assert photo.quality["checks_passed"] == 1.0
    assert 10 <= photo.quality["jpeg_quality"] <= 95
    assert set(verdict.scores()) <= set(photo.quality)


def test_crop_near_the_frame_edge_is_padded_not_shifted(analyser):
    frame = cs.scene(0.34, cy=0.36)  # head high in the frame: crop overhangs the top
    verdict = analyser.analyse(frame)
    left, top, width, height = portrait_crop_box(verdict.face)
    assert top < 0
    image = decode_photo(make_portrait(frame, verdict))
    x, y, w, h = largest_face(analyser, image)
    assert abs((x + w / 2) / 295 - 0.5) < 0.04 and h > 140


def test_jpeg_quality_is_the_best_that_fits():
    image = cv2.resize(cs.astronaut(), (295, 378))
    data, quality = encode_jpeg(image, 20_000)
    assert len(data) <= 20_000
    bigger = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality + 1, cv2.IMWRITE_JPEG_OPTIMIZE, 1])[1]
    assert len(bigger) > 20_000
    tiny, low = encode_jpeg(cs.noise((295, 378)), 1_000, min_quality=10)
    assert low == 10 and len(tiny) > 1_000  # cannot fit: smallest returned, caller decides


def test_colour_correction_is_mild_and_removes_a_cast():
    face = cv2.resize(cs.scene(), (295, 378))
    green = np.clip(face.astype(np.float32) * np.float32([0.85, 1.15, 0.85]), 0, 255).astype(np.uint8)
    fixed = correct_colour(green)
    spread = lambda img: float(np.ptp(img.reshape(-1, 3).mean(axis=0)))  # noqa: E731
    assert spread(fixed) < spread(green)
    # mild: the picture stays close to what the camera saw
    assert float(np.abs(fixed.astype(int) - green.astype(int)).mean()) < 25


def test_no_face_needs_a_supervisor_override(analyser):
    frame = cs.no_face()
    verdict = analyser.analyse(frame)
    with pytest.raises(CameraError) as error:
        make_portrait(frame, verdict)
    assert error.value.message.ar and error.value.message.en
    photo = make_portrait(frame, verdict, override_reason="  المنتفع طريح الفراش ")
    assert photo.override_reason == "المنتفع طريح الفراش"
    assert photo.quality["checks_passed"] == 0.0
    assert decode_photo(photo).shape == (378, 295, 3)


def test_failed_checks_are_recorded_with_an_overridden_photo(analyser):
    frame = cs.darkened(cs.scene(), 0.22)
    verdict = analyser.analyse(frame)
    photo = make_portrait(frame, verdict, override_reason="ضعف الإضاءة في المنزل")
    assert photo.quality["checks_passed"] == 0.0
    assert photo.quality["exposure"] < 65
    assert Photo(**{**photo.__dict__}).override_reason == "ضعف الإضاءة في المنزل"


def test_document_is_found_flattened_and_small():
    frame, corners = cs.document_scene()
    quad = find_document_quad(frame)
    assert quad is not None
    assert float(np.abs(quad - corners).max()) < 8
    photo = make_document(frame)
    assert photo.kind == "document" and len(photo.data) <= DOCUMENT.max_bytes
    image = decode_photo(photo)
    assert image.ndim == 2  # a black-and-white card is stored grey
    height, width = image.shape
    # edge-length sizing of the warp is approximate under strong perspective
    assert abs(width / height - 856 / 540) < 0.12
    assert photo.quality["quad_found"] == 1.0
    # flat: the printed card is white edge to edge, the dark desk is gone
    assert image[5:-5, 5:-5].mean() > 170 and image[:, -10:].mean() > 150


def test_document_without_quadrilateral_keeps_the_frame():
    frame = cs.noise((1280, 720))
    photo = make_document(frame)
    assert photo.quality["quad_found"] == 0.0
    assert len(photo.data) <= DOCUMENT.max_bytes
    assert decode_photo(photo).shape[1] <= DOCUMENT.max_long_side


def test_portrait_spec_is_icao_like():
    assert 0.70 <= PORTRAIT.head_fraction <= 0.80
    assert (PORTRAIT.width, PORTRAIT.height) == (295, 378)


@pytest.mark.parametrize("head_share", [0.72, 0.86])
def test_passport_style_import_keeps_the_picture_and_its_face(analyser, head_share):
    """An imported ID crop is cut inside itself: the stored photo shows the same head, centred,
    with no band of repeated edge pixels."""
    picture = cs.id_photo(head_share)
    verdict = analyser.analyse(picture, still=True)
    assert verdict.ok
    photo = make_portrait(picture, verdict)
    image = decode_photo(photo)
    assert image.shape == (378, 295, 3) and len(photo.data) <= 30_000
    x, y, w, h = largest_face(analyser, image)
    assert abs((x + w / 2) / 295 - 0.5) < 0.05
    assert 0.72 / 1.65 * 0.8 < h / 378 < head_share / 1.65 * 1.2
    top_row = image[:3].astype(np.float32)
    assert float(top_row.std(axis=0).mean()) < 12  # a backdrop strip, not smeared hair


def test_demo_sample_makes_a_stored_photo(analyser):
    from fundclient.selftest import SAMPLE_FACE

    frame = cv2.imread(str(SAMPLE_FACE))
    verdict = analyser.analyse(frame)
    assert verdict.ok
    image = decode_photo(make_portrait(frame, verdict))
    x, y, w, h = largest_face(analyser, image)
    assert abs((x + w / 2) / 295 - 0.5) < 0.05
