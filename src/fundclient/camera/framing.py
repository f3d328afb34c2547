"""Where the ID photo is cut from a picture: the one geometry the checks and the crop share.

The Haar face box runs from mid-forehead to just above the chin; crown and chin are estimated
from it (`PortraitSpec.crown_above_box`, `chin_below_box`). The ID photo is a 35:45 box with
the head `head_fraction` of its height and `crown_margin` of it above the crown, the face
centred horizontally (`ideal_crop`).

* A **live frame** (camera) may let that box overhang the frame a little (`crop_overhang`):
  the overhang is filled with the frame's edge pixels (background above the head).
* A **still picture** (an imported file) that is already an ID crop has no room around the
  head: the box is shrunk and shifted to fit inside the picture (`fit_inside`), and the
  checks then judge the face share and centring *within the picture* (docs/camera.md).
"""

from __future__ import annotations

from fundclient.camera.thresholds import PORTRAIT, PortraitSpec

Box = tuple[int, int, int, int]  # x, y, width, height in frame pixels


def head_span(face: Box, spec: PortraitSpec = PORTRAIT) -> tuple[float, float]:
    """(crown y, chin y) estimated from a Haar face box."""
    _, y, _, h = face
    return y - spec.crown_above_box * h, y + h + spec.chin_below_box * h


def head_centre_offset(spec: PortraitSpec = PORTRAIT) -> float:
    """Head centre (midway crown-chin) below the face-box top, in box heights."""
    return (-spec.crown_above_box + 1 + spec.chin_below_box) / 2


def ideal_crop(face: Box, spec: PortraitSpec = PORTRAIT) -> tuple[float, float, float, float]:
    """The 35:45 ID-photo box (left, top, width, height) around a face box, unclamped."""
    x, _, w, _ = face
    crown, chin = head_span(face, spec)
    crop_h = (chin - crown) / spec.head_fraction
    crop_w = crop_h * spec.width / spec.height
    return x + w / 2 - crop_w / 2, crown - spec.crown_margin * crop_h, crop_w, crop_h


def overhang(box: tuple[float, float, float, float], width: int, height: int) -> float:
    """How far the box reaches outside the picture on its worst side, as a share of the
    box's own height (0 = inside)."""
    left, top, w, h = box
    return max(0.0, -left, -top, left + w - width, top + h - height) / h


def fit_inside(face: Box, width: int, height: int, spec: PortraitSpec = PORTRAIT
               ) -> tuple[float, float, float, float]:
    """The ID-photo box for a still picture: the ideal box, shrunk to the largest 35:45 box
    the picture holds when it is bigger, then shifted (never padded) to lie inside it."""
    left, top, w, h = ideal_crop(face, spec)
    aspect = spec.width / spec.height
    if h > height or w > width:
        new_h = min(float(height), width / aspect)
        crown, _ = head_span(face, spec)
        left, w = face[0] + face[2] / 2 - new_h * aspect / 2, new_h * aspect
        top, h = crown - spec.crown_margin * new_h, new_h
    left = min(max(left, 0.0), width - w)
    top = min(max(top, 0.0), height - h)
    return left, top, w, h


def as_box(box: tuple[float, float, float, float]) -> Box:
    return tuple(int(round(v)) for v in box)  # type: ignore[return-value]
