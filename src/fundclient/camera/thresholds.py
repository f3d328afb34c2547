"""Every number that tunes the live checks, the ID-photo crop and the encoders.

One frozen dataclass per concern, one default instance each. docs/camera.md explains why each
value is what it is; change a value there and here together. Fractions are of the frame (or of
the face box) so the same numbers work at 640×480 and 1280×720.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Thresholds:
    # --- detection -----------------------------------------------------------------------
    # Frames are shrunk to this width before Haar detection: keeps one core above 15 fps.
    detect_width: int = 320
    # Faces smaller than this (fraction of frame height) are ignored as background noise.
    # Must stay well below min_face_height so "too small" is reported, not "no face".
    detect_min_face: float = 0.10
    detect_min_neighbors: int = 5
    # Live mode: between full-frame scans, look for the face only near where it was (a few
    # ms instead of tens); a full scan every `full_scan_every` frames still catches a second
    # person stepping in before auto-capture (which needs steady_frames in a row).
    full_scan_every: int = 3
    # A frame with no face that is this dark (mean) or this flat (std. dev.) is searched
    # again after CLAHE (local contrast); bright, contrasted frames are not (it costs a scan).
    retry_dim_mean: float = 90.0
    retry_flat_std: float = 35.0

    # --- guide oval: where the person is asked to put their head ---------------------------
    # Normalised to the frame; only drawn (the checks judge the ID-photo box, not the oval).
    guide_cx: float = 0.50
    guide_cy: float = 0.42
    guide_rx: float = 0.14  # of frame width
    guide_ry: float = 0.25  # of frame height

    # --- size: the person's distance from the camera (live frames) -------------------------
    # Face box height / frame height. 0.16 is a person seated at the desk 80-90 cm from a
    # cheap 60-78 degree webcam (someone sitting normally must not be told "come closer").
    # Above 0.42 the ID-photo box (2.3 face boxes tall) no longer fits in the frame.
    min_face_height: float = 0.16
    max_face_height: float = 0.42
    # And in pixels, whatever the camera: below this the 378-px photo is enlarged > 3.4x.
    min_face_pixels: int = 48
    # --- position: the ID-photo box must lie inside the picture ------------------------------
    # Share of the box's height it may reach outside the frame (filled with edge pixels: a
    # strip of background above the head or beside the shoulders, not noticeable).
    crop_overhang: float = 0.05

    # --- imported pictures that are already ID crops (passport-style photos) --------------
    # A still picture whose ID box does not fit is judged as a cropped ID photo: the box is
    # fitted inside it and the head (crown to chin) must be at most this share of the box
    # (ICAO: 70-80 %; scanned prints are often cut tighter), the face centred within
    # `id_max_offset` of the box width, crown and chin inside the picture.
    id_max_head: float = 0.92
    id_max_offset: float = 0.12
    id_head_outside: float = 0.06  # crown/chin may be estimated this share of the box outside

    # --- light (face = inner part of the face box; background = frame outside the head) --
    min_face_luma: float = 65.0
    max_face_luma: float = 205.0
    max_clipped_fraction: float = 0.20  # share of face pixels at >= 250 (burnt out)
    backlight_margin: float = 55.0  # background mean - face mean above this...
    backlight_face_below: float = 110.0  # ...with a face dimmer than this = backlit

    # --- sharpness: variance of Laplacian of the face patch, resized and contrast-scaled --
    sharp_size: int = 96
    sharp_contrast: float = 40.0  # std. dev. every patch is scaled to: a dim face is not blurred
    min_sharpness: float = 50.0

    # --- frontal pose from the eyes ------------------------------------------------------
    max_eye_angle_deg: float = 8.0
    max_eye_offset: float = 0.10  # eye-midpoint distance from face centre / face width (yaw)

    # --- skipping unchanged frames (live) -------------------------------------------------
    # A frame whose 40x30 thumbnail differs from the last *checked* one by less than this
    # mean grey level is not checked again: the last verdict still holds (a still person, a
    # file camera). Webcam sensor noise averages out in the thumbnail (< 1 level); a person
    # moving by 1 % of the frame changes it by 2-4 levels. Checked anyway every
    # `recheck_after` seconds (slow light changes).
    skip_change_below: float = 1.5
    recheck_after: float = 1.0

    # --- check rate adapted to the machine (live; camera/pacing.py) -----------------------
    # The checks may use this share of one core: after a check that cost c seconds of CPU
    # the next one starts no sooner than c / share after it began (~15 ms a check on the
    # 2-core test machine -> about 8 checks a second; a PC twice as slow checks half as
    # often). Never more often than `min_check_interval` (the preview runs at 15 fps; a
    # person does not change faster than that), never less often than every
    # `max_check_interval` seconds. When the GUI thread is late taking results (a busy
    # window: more than `gui_late_after` s), the wait grows 1.5x per late result, up to
    # `max_gui_slowdown`, and shrinks back when it keeps up.
    check_cpu_share: float = 0.12
    min_check_interval: float = 1 / 15
    max_check_interval: float = 0.6
    gui_late_after: float = 0.05
    max_gui_slowdown: float = 4.0
    # A frame that has waited longer than `fresh_within` seconds when its check may start (it
    # came in while the previous check or the pacer's wait ran) is not checked: the checks
    # take the next frame, waiting for it at most `fresh_wait` seconds (a camera that stalls
    # still gets its last frame checked). The verdict the person sees then describes them as
    # they are now, not as they were up to a frame earlier.
    fresh_within: float = 0.025
    fresh_wait: float = 0.1

    # --- auto-capture -------------------------------------------------------------------
    steady_frames: int = 6  # consecutive passing analysed frames (~0.4 s)
    max_steady_move: float = 0.025  # face-centre move between them, fraction of frame width
    max_steady_scale: float = 0.08  # face-size change between them, relative


@dataclass(frozen=True)
class PortraitSpec:
    """The stored ID photo: 25×32 mm at 300 dpi, head 72 % of the height (ICAO-like)."""

    width: int = 295
    height: int = 378
    head_fraction: float = 0.72  # chin-to-crown / photo height (ICAO 70–80 %)
    crown_margin: float = 0.10  # space above the crown / photo height
    # The Haar box runs from mid-forehead to just above the chin; measured on real faces:
    crown_above_box: float = 0.45  # crown is this many box-heights above the box top
    chin_below_box: float = 0.20  # chin is this many box-heights below the box bottom
    max_bytes: int = 30_000  # "≤ 30 KB" read strictly (decimal)
    min_quality: int = 10
    max_quality: int = 95
    # Mild colour correction: gray-world gains are pulled halfway to 1 and clamped.
    white_balance_strength: float = 0.5
    max_channel_gain: float = 1.25
    clahe_clip: float = 1.5
    clahe_tiles: int = 4


@dataclass(frozen=True)
class DocumentSpec:
    """A scanned ID card or pension document."""

    max_long_side: int = 1600
    max_bytes: int = 150_000
    min_quality: int = 30
    max_quality: int = 90
    min_quad_area: float = 0.15  # largest quadrilateral must cover this share of the frame
    greyscale_below_saturation: float = 30.0  # mean HSV saturation under which we store grey


THRESHOLDS = Thresholds()
PORTRAIT = PortraitSpec()
DOCUMENT = DocumentSpec()
