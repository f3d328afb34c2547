"""The stored ID photo: crop to the 35×45 head-and-shoulders frame, correct colour mildly,
resize to 295×378 (25×32 mm at 300 dpi) and encode as JPEG under 30 KB.

JPEG, not WebP: every card printer driver and the HQ tools read it, and at this size the
byte saving of WebP does not matter (docs/camera.md).
"""

from __future__ import annotations

from fundclient.camera.opencv import cv2
import numpy as np

from fundclient.camera import messages
from fundclient.camera.analysis import Verdict
from fundclient.camera.framing import Box, as_box, ideal_crop
from fundclient.camera.thresholds import PORTRAIT, PortraitSpec
from fundclient.domain.records import Photo
from fundclient.errors import CameraError


def portrait_crop_box(face: Box, spec: PortraitSpec = PORTRAIT) -> Box:
    """The 35:45 crop (x, y, w, h) around a Haar face box; it may reach outside the frame.

    Crown and chin are estimated from the box (the cascade box runs mid-forehead to just
    above the chin), the head is made `head_fraction` of the crop height with
    `crown_margin` above it, and the face is centred horizontally (camera/framing.py).
    """
    return as_box(ideal_crop(face, spec))


def crop_portrait(frame: np.ndarray, face: Box, spec: PortraitSpec = PORTRAIT,
                  box: Box | None = None) -> np.ndarray:
    """Cut the ID-photo frame out of `frame` and resize it to spec.width × spec.height.
    `box` is the crop the checks chose (Verdict.crop); by default the ideal box around
    `face`. Where the crop overhangs the frame, the frame's edge pixels are repeated."""
    left, top, crop_w, crop_h = box if box is not None else portrait_crop_box(face, spec)
    height, width = frame.shape[:2]
    pad = max(0, -left, -top, left + crop_w - width, top + crop_h - height)
    if pad:
        frame = cv2.copyMakeBorder(frame, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
        left, top = left + pad, top + pad
    region = frame[top: top + crop_h, left: left + crop_w]
    shrink = crop_h > spec.height
    return cv2.resize(region, (spec.width, spec.height),
                      interpolation=cv2.INTER_AREA if shrink else cv2.INTER_CUBIC)


def centre_crop(frame: np.ndarray, spec: PortraitSpec = PORTRAIT) -> np.ndarray:
    """The largest 35:45 centre crop: used only when a supervisor accepts a photo without a
    detectable face."""
    height, width = frame.shape[:2]
    crop_w = min(width, int(height * spec.width / spec.height))
    crop_h = int(crop_w * spec.height / spec.width)
    left, top = (width - crop_w) // 2, (height - crop_h) // 2
    return cv2.resize(frame[top: top + crop_h, left: left + crop_w], (spec.width, spec.height),
                      interpolation=cv2.INTER_AREA)


def correct_colour(image: np.ndarray, spec: PortraitSpec = PORTRAIT) -> np.ndarray:
    """Gentle gray-world white balance, then gentle CLAHE on the lightness only.

    Both are mild on purpose: cheap webcams under fluorescent or tungsten light give green or
    orange skin, but a strong correction would change how the person looks on the card.
    """
    means = image.reshape(-1, 3).mean(axis=0)
    grey = float(means.mean())
    gains = 1 + spec.white_balance_strength * (grey / np.maximum(means, 1.0) - 1)
    gains = np.clip(gains, 1 / spec.max_channel_gain, spec.max_channel_gain)
    balanced = np.clip(image.astype(np.float32) * gains, 0, 255).astype(np.uint8)
    lab = cv2.cvtColor(balanced, cv2.COLOR_BGR2LAB)
    clahe = cv2.createCLAHE(clipLimit=spec.clahe_clip, tileGridSize=(spec.clahe_tiles, spec.clahe_tiles))
    lab[..., 0] = clahe.apply(lab[..., 0])
    return cv2.cvtColor(lab, cv2.COLOR_LAB2BGR)


def encode_jpeg(image: np.ndarray, max_bytes: int, min_quality: int = 10,
                max_quality: int = 95) -> tuple[bytes, int]:
    """The best-quality JPEG not larger than max_bytes (binary search on quality).

    Returns (bytes, quality). If even min_quality is too big, that smallest encoding is
    returned and the caller decides (document scans shrink the image and retry).
    """
    def encode(quality: int) -> bytes:
        ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality,
                                               cv2.IMWRITE_JPEG_OPTIMIZE, 1])
        if not ok:
            raise ValueError("JPEG encoding failed")
        return buf.tobytes()

    low, high = min_quality, max_quality
    best = (encode(low), low)
    if len(best[0]) > max_bytes:
        return best
    while low < high:  # invariant: `low` fits
        mid = (low + high + 1) // 2
        data = encode(mid)
        if len(data) <= max_bytes:
            low, best = mid, (data, mid)
        else:
            high = mid - 1
    return best


def make_portrait(frame: np.ndarray, verdict: Verdict, override_reason: str = "",
                  spec: PortraitSpec = PORTRAIT) -> Photo:
    """Crop, correct and encode `frame` (the one `verdict` was computed on) into a Photo.

    Without a face only a supervisor override can make a photo (a centre crop)."""
    if verdict.face is not None:
        image = crop_portrait(frame, verdict.face, spec, verdict.crop if spec == PORTRAIT else None)
    elif override_reason:
        image = centre_crop(frame, spec)
    else:
        raise CameraError(messages.NO_FACE_TO_CROP, code="no_face")
    data, quality = encode_jpeg(correct_colour(image, spec), spec.max_bytes, spec.min_quality, spec.max_quality)
    scores = verdict.scores()
    scores.update(jpeg_quality=float(quality), checks_passed=1.0 if verdict.ok else 0.0)
    return Photo(data=data, mime="image/jpeg", kind="portrait", quality=scores,
                 override_reason=override_reason.strip())


def decode_photo(photo: Photo) -> np.ndarray:
    """The stored bytes back to a BGR (or grey) image, for previews and tests."""
    image = cv2.imdecode(np.frombuffer(photo.data, np.uint8), cv2.IMREAD_UNCHANGED)
    if image is None:
        raise ValueError("photo bytes are not an image")
    return image
