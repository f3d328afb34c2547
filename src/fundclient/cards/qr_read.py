"""Reading a card's QR code back from a picture or a PDF (what `fundclient verify-card` and the
bundle's selftest do), with what the bundle already ships: OpenCV's QR detectors, and pdftoppm
for a PDF. Every file is read the hostile way (fundclient.drive)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from fundclient import drive
from fundclient.errors import FundError, Message

NEEDS_PDFTOPPM = Message("Reading a PDF needs pdftoppm (poppler-utils)")
MAX_IMAGE_BYTES = 64 * 1024 * 1024  # the largest picture or PDF of a card read


def qr_texts_from_file(path: Path) -> list[str]:
    """Every QR text found in an image or PDF (pages rasterised at 300 dpi with pdftoppm)."""
    data = drive.read_user_file(path, MAX_IMAGE_BYTES)  # a link, FIFO, folder or oversize file: refused
    if path.suffix.lower() == ".pdf":
        if not shutil.which("pdftoppm"):
            raise FundError(NEEDS_PDFTOPPM, code="usage")
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "card.pdf"  # pdftoppm reads the bytes checked above, not the named path
            copy.write_bytes(data)
            subprocess.run(["pdftoppm", "-r", "300", "-png", str(copy), f"{tmp}/page"], check=True)
            return [t for page in sorted(Path(tmp).glob("*.png")) for t in qr_texts_from_file(page)]
    import numpy as np  # lazy: start-up (the command line imports this module to build its parser)

    from fundclient.camera.opencv import cv2  # lazy: start-up (OpenCV only when a picture is read)

    image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_GRAYSCALE) if data else None
    if image is None:
        return []
    return decode_qr(image)


def decode_qr(gray) -> list[str]:
    """QR texts in a greyscale image with OpenCV's detectors (shipped in the bundle: no other
    library). The classic detector first, then the ArUco-based one (better on photographed,
    tilted or unevenly lit cards); then the picture binarised against its local brightness
    (a blurred, unevenly lit photo whose modules the detectors' own global threshold merges:
    ~1 photographed card in 40 before); a small photo is also tried enlarged, a large one reduced."""
    from fundclient.camera.opencv import cv2  # lazy: start-up (OpenCV only when a picture is read)

    def attempts():
        yield gray
        yield cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, 51, 5)
        height, width = gray.shape[:2]
        if max(height, width) < 1200:
            yield cv2.resize(gray, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
        elif max(height, width) > 2400:
            scale = 1600 / max(height, width)
            yield cv2.resize(gray, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)

    detectors = [cv2.QRCodeDetector()]
    if hasattr(cv2, "QRCodeDetectorAruco"):
        detectors.append(cv2.QRCodeDetectorAruco())
    for image in attempts():
        for detector in detectors:
            try:
                ok, texts, _points, _straight = detector.detectAndDecodeMulti(image)
            except cv2.error:
                ok, texts = False, ()
            found = [t for t in (texts if ok else ()) if t]
            if not found:
                text = detector.detectAndDecode(image)[0]
                found = [text] if text else []
            if found:
                return list(dict.fromkeys(found))
    return []
