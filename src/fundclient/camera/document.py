"""Document scan mode (ID card, pension document) on the same camera: no face checks.

The largest quadrilateral in the frame is taken as the sheet and warped flat; without one
the whole frame is kept. Stored like a photo (`Photo(kind="document")`) under ~150 KB, in
greyscale when the sheet has almost no colour (smaller, and prints cleanly).
"""

from __future__ import annotations

from fundclient.camera.opencv import cv2
import numpy as np

from fundclient.camera.photo import encode_jpeg
from fundclient.camera.thresholds import DOCUMENT, DocumentSpec
from fundclient.domain.records import Photo


def find_document_quad(frame: np.ndarray, spec: DocumentSpec = DOCUMENT) -> np.ndarray | None:
    """Corners (top-left, top-right, bottom-right, bottom-left; float32 4×2) of the largest
    convex quadrilateral covering at least spec.min_quad_area of the frame, or None."""
    height, width = frame.shape[:2]
    scale = min(1.0, 640.0 / max(height, width))  # edges are found just as well at 640 px
    small = cv2.resize(frame, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA) if scale < 1 else frame
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small
    gray = cv2.GaussianBlur(gray, (5, 5), 0)
    median = float(np.median(gray))
    edges = cv2.Canny(gray, int(max(10, 0.66 * median)), int(min(255, 1.33 * median + 40)))
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8))
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    min_area = spec.min_quad_area * small.shape[0] * small.shape[1]
    for contour in sorted(contours, key=cv2.contourArea, reverse=True)[:5]:
        if cv2.contourArea(contour) < min_area:
            break
        hull = cv2.convexHull(contour)
        approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
        if len(approx) == 4 and cv2.isContourConvex(approx):
            return _order_corners(approx.reshape(4, 2).astype(np.float32) / scale)
    return None


def flatten_document(frame: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Warp the quadrilateral to a flat rectangle sized by its longest opposite edges."""
    tl, tr, br, bl = quad
    width = int(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl)))
    height = int(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr)))
    target = np.float32([[0, 0], [width - 1, 0], [width - 1, height - 1], [0, height - 1]])
    matrix = cv2.getPerspectiveTransform(quad.astype(np.float32), target)
    return cv2.warpPerspective(frame, matrix, (width, height), flags=cv2.INTER_CUBIC)


def make_document(frame: np.ndarray, spec: DocumentSpec = DOCUMENT) -> Photo:
    quad = find_document_quad(frame, spec)
    image = flatten_document(frame, quad) if quad is not None else frame
    long_side = max(image.shape[:2])
    if long_side > spec.max_long_side:
        factor = spec.max_long_side / long_side
        image = cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    grey = image.ndim == 2 or float(cv2.cvtColor(image, cv2.COLOR_BGR2HSV)[..., 1].mean()) < spec.greyscale_below_saturation
    if grey and image.ndim == 3:
        image = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    while True:
        data, quality = encode_jpeg(image, spec.max_bytes, spec.min_quality, spec.max_quality)
        if len(data) <= spec.max_bytes or min(image.shape[:2]) < 200:
            break
        image = cv2.resize(image, None, fx=0.8, fy=0.8, interpolation=cv2.INTER_AREA)  # busy page
    quality_scores = {"quad_found": 1.0 if quad is not None else 0.0, "jpeg_quality": float(quality),
                      "greyscale": 1.0 if grey else 0.0, "width": float(image.shape[1]),
                      "height": float(image.shape[0])}
    return Photo(data=data, mime="image/jpeg", kind="document", quality=quality_scores)


def _order_corners(points: np.ndarray) -> np.ndarray:
    sums = points.sum(axis=1)
    diffs = np.diff(points, axis=1).ravel()  # y - x
    return np.float32([points[np.argmin(sums)], points[np.argmin(diffs)],
                       points[np.argmax(sums)], points[np.argmax(diffs)]])
