"""Live checks of one frame: one face, size, position, light, backlight, sharpness, pose.

`FaceAnalyser.analyse(frame)` returns a `Verdict`: the result of each check (name, passed,
score, bilingual hint), whether all passed, and the face box. Haar cascades shipped with
OpenCV do the detection on a shrunk, equalised copy (fast, and robust in dim rooms); the
light and sharpness measures use the full-resolution pixels of the face.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from fundclient.camera.opencv import cv2
import numpy as np

from fundclient.camera import messages
from fundclient.camera.framing import Box, as_box, fit_inside, head_span, ideal_crop, overhang
from fundclient.camera.framing import head_centre_offset  # noqa: F401 - re-exported
from fundclient.camera.thresholds import THRESHOLDS, Thresholds
from fundclient.errors import Message

# Check names, in the order their hints matter to the person in front of the camera.
FACE_COUNT = "face_count"
SIZE = "size"
POSITION = "position"
EXPOSURE = "exposure"
BACKLIGHT = "backlight"
SHARPNESS = "sharpness"
FRONTAL = "frontal"
CHECK_NAMES = (FACE_COUNT, SIZE, POSITION, EXPOSURE, BACKLIGHT, SHARPNESS, FRONTAL)


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    score: float | None  # None: could not be measured (e.g. eyes hidden by glasses)
    hint: Message | None = None  # set when the check failed


@dataclass(frozen=True)
class Verdict:
    checks: tuple[CheckResult, ...]
    frame_size: tuple[int, int]  # width, height
    face: Box | None = None  # the one face, when there is exactly one
    faces: tuple[Box, ...] = ()
    eyes: tuple[tuple[int, int], tuple[int, int]] | None = None
    # Where the ID photo is cut (x, y, w, h; may overhang a live frame a little), and whether
    # the picture was judged as a live camera frame or as an imported (still) picture.
    crop: Box | None = None
    still: bool = False
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def ok(self) -> bool:
        return len(self.checks) == len(CHECK_NAMES) and all(c.passed for c in self.checks)

    @property
    def hints(self) -> list[Message]:
        return [c.hint for c in self.checks if not c.passed and c.hint is not None]

    def check(self, name: str) -> CheckResult | None:
        return next((c for c in self.checks if c.name == name), None)

    def failed(self) -> list[str]:
        return [c.name for c in self.checks if not c.passed]

    def scores(self) -> dict[str, float]:
        """Measured scores, ready to store with the photo (JSON-safe: no None/NaN)."""
        return {c.name: round(float(c.score), 3) for c in self.checks if c.score is not None}


def _cascade(name: str) -> cv2.CascadeClassifier:
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + name)
    if cascade.empty():  # a broken OpenCV install: fail loudly at start, not silently per frame
        raise RuntimeError(f"OpenCV cascade {name} is missing")
    return cascade


class FaceAnalyser:
    """Holds the cascades (not thread-safe: one analyser per thread)."""

    def __init__(self, thresholds: Thresholds = THRESHOLDS, track: bool = False):
        """track=True for a live stream: consecutive frames reuse the last face position."""
        self.t = thresholds
        self.track = track
        self._faces = _cascade("haarcascade_frontalface_default.xml")
        self._eyes = _cascade("haarcascade_eye.xml")
        self._eyes_glasses = _cascade("haarcascade_eye_tree_eyeglasses.xml")
        # Local contrast for Haar in dim rooms, used only when the frame as seen gives no
        # face: a global equalizeHist raised false faces in the background (flags, clothing
        # folds), and CLAHE on a face filling the picture breaks it up.
        self._clahe = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(4, 4))
        self._last_face: Box | None = None
        self._since_full_scan = 0
        # Live, with `analyse(defer_full_scan=True)`: the verdict came from tracking although
        # a whole-frame scan was due; `second_look(frame)` does that scan (camera/worker.py
        # runs it after the verdict is on its way, so the person sees the verdict sooner).
        self.full_scan_due = False
        self._scanned: tuple[np.ndarray, list[Box]] | None = None  # (a frame, its faces)

    # --- detection ---------------------------------------------------------------------
    def detect_faces(self, gray: np.ndarray, defer_full_scan: bool = False) -> list[Box]:
        """Faces in `gray`. Live (track=True): near the last face between whole-frame scans
        (one every `full_scan_every` frames); with `defer_full_scan`, a due scan is left to
        `second_look` when the face was found near where it was (`full_scan_due`)."""
        self.full_scan_due = False
        small, scale = self._small(gray)
        found = None
        if self.track and self._last_face is not None:
            due = self._since_full_scan >= self.t.full_scan_every
            if not due or defer_full_scan:
                found = self._detect_near(small, [v * scale for v in self._last_face])
                if found is not None:
                    self._since_full_scan += 1
                    self.full_scan_due = due
        if found is None:
            found = self._detect_all(small)
            self._since_full_scan = 1
        return self._found(found, scale)

    def second_look(self, frame: np.ndarray, verdict: Verdict) -> bool:
        """The whole-frame scan a tracked `verdict` of `frame` skipped: True when it finds the
        same one face (the verdict stands); False when it does not (a second person came in,
        or tracking held on to the wrong place) - then `analyse(frame)` gives the right
        verdict from this scan's faces, without scanning again."""
        gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        small, scale = self._small(gray)
        faces = self._found(self._detect_all(small), scale)
        self._since_full_scan = 1
        self.full_scan_due = False
        agrees = len(faces) == 1 and verdict.face is not None and _overlap(faces[0], verdict.face) >= 0.5
        if not agrees:
            self._scanned = (frame, faces)
        return agrees

    def _small(self, gray: np.ndarray) -> tuple[np.ndarray, float]:
        width = gray.shape[1]
        scale = min(1.0, self.t.detect_width / width)
        small = cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else gray
        return small, scale

    def _found(self, found, scale: float) -> list[Box]:
        faces = [tuple(int(round(v / scale)) for v in box) for box in found]
        self._last_face = faces[0] if len(faces) == 1 else None
        return faces  # type: ignore[return-value]

    def _detect_all(self, small: np.ndarray) -> list:
        min_side = max(20, int(self.t.detect_min_face * small.shape[0]))
        detect = lambda image: self._faces.detectMultiScale(  # noqa: E731
            image, scaleFactor=1.1, minNeighbors=self.t.detect_min_neighbors, minSize=(min_side, min_side))
        found = detect(small)
        # None as seen: if the frame is dim or flat, retry with local contrast raised (dim
        # rooms, dark skin under weak light: Haar needs contrast, not brightness).
        mean, std = cv2.meanStdDev(small)
        if not len(found) and (mean[0][0] < self.t.retry_dim_mean or std[0][0] < self.t.retry_flat_std):
            found = detect(self._clahe.apply(small))
        return list(found)

    def _detect_near(self, small: np.ndarray, last) -> list | None:
        """The one face within a window around the last one, or None (then scan it all)."""
        x, y, w, h = last
        x0, y0 = max(0, int(x - 0.6 * w)), max(0, int(y - 0.6 * h))
        x1, y1 = min(small.shape[1], int(x + 1.6 * w)), min(small.shape[0], int(y + 1.6 * h))
        found = self._faces.detectMultiScale(small[y0:y1, x0:x1], scaleFactor=1.1,
                                             minNeighbors=self.t.detect_min_neighbors,
                                             minSize=(int(0.7 * w),) * 2, maxSize=(int(1.45 * w),) * 2)
        if len(found) != 1:
            return None
        fx, fy, fw, fh = found[0]
        return [(fx + x0, fy + y0, fw, fh)]

    def find_eyes(self, gray: np.ndarray, face: Box) -> tuple[tuple[int, int], tuple[int, int]] | None:
        """Centres (left-in-image first) of two eyes in the upper part of the face, or None."""
        x, y, w, h = face
        roi = gray[y + int(0.15 * h): y + int(0.58 * h), x: x + w]
        if roi.size == 0:
            return None
        scale = min(1.0, 120.0 / w)  # eyes are found just as well on a 120 px-wide face
        if scale < 1:
            roi = cv2.resize(roi, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        roi = cv2.equalizeHist(roi)
        fw = roi.shape[1]
        for cascade in (self._eyes, self._eyes_glasses):
            found = cascade.detectMultiScale(roi, 1.1, 3, minSize=(int(0.12 * fw), int(0.12 * fw)),
                                             maxSize=(int(0.4 * fw), int(0.4 * fw)))
            centres = [(ex + ew / 2, ey + eh / 2) for ex, ey, ew, eh in found]
            left = [c for c in centres if c[0] < 0.5 * fw]
            right = [c for c in centres if c[0] >= 0.5 * fw]
            if left and right:
                # The outermost pair: inner candidates are often eyebrows or the nose bridge.
                le = min(left, key=lambda c: c[0] + 0.2 * c[1])
                re = max(right, key=lambda c: c[0] - 0.2 * c[1])
                to_frame = lambda c: (int(x + c[0] / scale), int(y + 0.15 * h + c[1] / scale))  # noqa: E731
                return to_frame(le), to_frame(re)
        return None

    # --- the verdict -------------------------------------------------------------------
    def analyse(self, frame: np.ndarray, still: bool = False, defer_full_scan: bool = False) -> Verdict:
        """Check one picture. still=False: a live camera frame (distance and placement of the
        person are judged, hints speak to them). still=True: an imported file; a picture that
        is already an ID crop is judged by ID-photo rules (face share and centring within
        the picture), and the hints speak about the picture. defer_full_scan: see
        `detect_faces` and `second_look`."""
        gray = frame if frame.ndim == 2 else cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        height, width = gray.shape
        scanned, self._scanned = self._scanned, None
        if scanned is not None and scanned[0] is frame:  # second_look scanned this frame
            faces = scanned[1]
            self.full_scan_due = False
        else:
            faces = self.detect_faces(gray, defer_full_scan)
        size = (width, height)
        if not faces:
            # A burnt-out or black frame hides the face from Haar: say why, not only "no face".
            return Verdict((CheckResult(FACE_COUNT, False, 0.0, messages.NO_FACE),
                            self._frame_exposure(gray)), size, still=still)
        if len(faces) > 1:
            return Verdict((CheckResult(FACE_COUNT, False, float(len(faces)), messages.SEVERAL_FACES),),
                           size, faces=tuple(faces), still=still)
        face = faces[0]
        eyes = self.find_eyes(gray, face)
        framing = self._framing_still if still else self._framing_live
        size_check, position_check, crop = framing(face, width, height)
        checks = (
            CheckResult(FACE_COUNT, True, 1.0),
            size_check,
            position_check,
            *self._light(gray, face),
            self._sharpness(gray, face),
            self._frontal(face, eyes),
        )
        return Verdict(checks, size, face=face, faces=(face,), eyes=eyes, crop=as_box(crop), still=still)

    def _framing_live(self, face: Box, width: int, height: int):
        """Size = the person's distance; position = the ID-photo box inside the frame."""
        ratio = face[3] / height
        if ratio < self.t.min_face_height or face[3] < self.t.min_face_pixels:
            size = CheckResult(SIZE, False, ratio, messages.MOVE_CLOSER)
        elif ratio > self.t.max_face_height:
            size = CheckResult(SIZE, False, ratio, messages.MOVE_BACK)
        else:
            size = CheckResult(SIZE, True, ratio)
        crop = ideal_crop(face)
        if ratio > self.t.max_face_height:  # too close: the box cannot fit anywhere; size says so
            return size, CheckResult(POSITION, True, None), crop
        score = overhang(crop, width, height) / self.t.crop_overhang  # <= 1 passes
        return size, CheckResult(POSITION, score <= 1.0, score,
                                 None if score <= 1.0 else messages.CENTRE_FACE), crop

    def _framing_still(self, face: Box, width: int, height: int):
        """An imported picture: if the ID-photo box fits in it (a photo of a seated person),
        judge it like a live frame; if not, it is already an ID crop: fit the box inside the
        picture and judge the head's share of it and its centring (ID-photo rules)."""
        ratio = face[3] / height
        crop = ideal_crop(face)
        if face[3] < self.t.min_face_pixels:
            return (CheckResult(SIZE, False, ratio, messages.PICTURE_LOW_RESOLUTION),
                    CheckResult(POSITION, True, None), crop)
        if ratio < self.t.min_face_height:
            return (CheckResult(SIZE, False, ratio, messages.PICTURE_FACE_SMALL),
                    CheckResult(POSITION, True, None), crop)
        # A picture is cut inside itself, never padded (a shift of a few pixels at most
        # when the box fits; a shrunk box when it is already an ID crop).
        box = fit_inside(face, width, height)
        if overhang(crop, width, height) <= self.t.crop_overhang:
            return CheckResult(SIZE, True, ratio), CheckResult(POSITION, True, 0.0), box
        # Already an ID crop (passport-style photo, scanned print): judge the head within it.
        left, top, box_w, box_h = box
        crown, chin = head_span(face)
        head = (chin - crown) / box_h
        size = (CheckResult(SIZE, True, head) if head <= self.t.id_max_head
                else CheckResult(SIZE, False, head, messages.PICTURE_HEAD_CUT))
        off_x = abs(face[0] + face[2] / 2 - (left + box_w / 2)) / box_w / self.t.id_max_offset
        outside = max(top - crown, chin - (top + box_h), 0.0) / box_h / self.t.id_head_outside
        score = max(off_x, outside)
        position = CheckResult(POSITION, score <= 1.0, score,
                               None if score <= 1.0 else messages.PICTURE_OFF_CENTRE)
        if not size.passed:  # a head too large for the box is cut at the same time: one hint
            position = CheckResult(POSITION, True, score)
        return size, position, box

    def _light(self, gray: np.ndarray, face: Box) -> tuple[CheckResult, CheckResult]:
        inner = _inner(gray, face)
        face_mean = float(inner.mean())
        clipped = float((inner >= 250).mean())
        if face_mean < self.t.min_face_luma:
            exposure = CheckResult(EXPOSURE, False, face_mean, messages.TOO_DARK)
        elif face_mean > self.t.max_face_luma or clipped > self.t.max_clipped_fraction:
            exposure = CheckResult(EXPOSURE, False, face_mean, messages.TOO_BRIGHT)
        else:
            exposure = CheckResult(EXPOSURE, True, face_mean)
        gap = _background_mean(gray, face) - face_mean
        # A light wall behind a well-lit face is what an ID photo wants: only a face left dim
        # by a bright background (window, door) counts as backlit.
        backlit = gap > self.t.backlight_margin and face_mean < self.t.backlight_face_below
        backlight = CheckResult(BACKLIGHT, not backlit, gap, messages.BACKLIT if backlit else None)
        return exposure, backlight

    def _frame_exposure(self, gray: np.ndarray) -> CheckResult:
        mean = float(gray.mean())
        if mean < self.t.min_face_luma / 2:
            return CheckResult(EXPOSURE, False, mean, messages.TOO_DARK)
        if mean > self.t.max_face_luma:
            return CheckResult(EXPOSURE, False, mean, messages.TOO_BRIGHT)
        return CheckResult(EXPOSURE, True, mean)

    def _sharpness(self, gray: np.ndarray, face: Box) -> CheckResult:
        side = self.t.sharp_size
        patch = cv2.resize(_inner(gray, face), (side, side), interpolation=cv2.INTER_AREA).astype(np.float32)
        # Same size and same contrast for every face, so the score measures focus only, not
        # how big or how well-lit the face is (a dim face is not a blurred one).
        patch = (patch - patch.mean()) * (self.t.sharp_contrast / max(float(patch.std()), 4.0))
        score = float(cv2.Laplacian(patch, cv2.CV_32F).var())
        passed = score >= self.t.min_sharpness
        return CheckResult(SHARPNESS, passed, score, None if passed else messages.BLURRED)

    def _frontal(self, face: Box, eyes) -> CheckResult:
        if eyes is None:  # glasses, closed eyes, dim light: do not block the photo on it
            return CheckResult(FRONTAL, True, None)
        (lx, ly), (rx, ry) = eyes
        angle = abs(math.degrees(math.atan2(ry - ly, rx - lx)))
        x, _, w, _ = face
        offset = abs((lx + rx) / 2 - (x + w / 2)) / w
        passed = angle <= self.t.max_eye_angle_deg and offset <= self.t.max_eye_offset
        return CheckResult(FRONTAL, passed, angle, None if passed else messages.LOOK_STRAIGHT)


def _overlap(a: Box, b: Box) -> float:
    """Intersection over union of two boxes (x, y, w, h)."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    h = max(0, min(ay + ah, by + bh) - max(ay, by))
    inter = w * h
    union = aw * ah + bw * bh - inter
    return inter / union if union else 0.0


def _inner(gray: np.ndarray, face: Box) -> np.ndarray:
    """The skin part of the face box: drops the hair line, ears and background corners."""
    x, y, w, h = face
    return gray[y + int(0.2 * h): y + int(0.9 * h), x + int(0.2 * w): x + int(0.8 * w)]


def _background_mean(gray: np.ndarray, face: Box) -> float:
    """Mean luminance of the frame outside the head-and-body column of the person."""
    x, y, w, h = face
    mask = np.ones(gray.shape, dtype=bool)
    mask[max(0, y - int(0.7 * h)):, max(0, x - int(0.5 * w)): x + int(1.5 * w)] = False
    if mask.mean() < 0.1:  # the person fills the frame: no background to compare with
        return float(gray.mean())
    return float(gray[mask].mean())
