"""Card and receipt timings: sign, render (PDF, 300 dpi image), receipt, QR decode + verify.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/cards_bench.py [--repeat 20]

Prints wall and CPU time per call (the long-name sample record, the bundled face photo).
"""

from __future__ import annotations

import argparse
import atexit
import os
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def measure(label, fn, repeat):
    fn()  # warm up (font loading, caches)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        result = fn()
    wall, cpu = (time.perf_counter() - wall) / repeat, (time.process_time() - cpu) / repeat
    print(f"| {label} | {wall * 1000:.1f} ms | {cpu * 1000:.1f} ms |")
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    import cv2
    import zxingcpp
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from PySide6.QtGui import QGuiApplication

    import fundclient.resources.samples as samples
    from fundclient.cards import content, receipt, render
    from fundclient.cards.payload import KeySigner, verify_payload
    from fundclient.cards.sample import SAMPLE_OFFICE, sample_record
    from fundclient.config import Settings

    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])  # noqa: F841
    record, settings = sample_record(), Settings(office_code="BRK")
    signer = KeySigner("bench-device", Ed25519PrivateKey.generate())
    photo = (Path(samples.__file__).parent / "face.jpg").read_bytes()
    keys = {signer.device_id: signer.private_key.public_key()}
    out = Path(tempfile.mkdtemp(prefix="fundbench-cards-"))
    atexit.register(shutil.rmtree, out, ignore_errors=True)  # benchmarks leave no temp dirs behind

    print(f"repeat={args.repeat}, cpus={os.cpu_count()}")
    print("| step | wall / call | cpu / call |\n|---|---|---|")
    card = measure("card content + Ed25519-signed QR payload",
                   lambda: content.card_for_beneficiary(record, office=SAMPLE_OFFICE, settings=settings,
                                                        signer=signer, photo=photo), args.repeat)
    measure("PDF, front + back (1200 dpi, fonts embedded)",
            lambda: render.card_pdf([card], out / "card.pdf"), args.repeat)
    image = measure("front as 300 dpi image", lambda: render.card_image(card, "front", 300), args.repeat)
    image.save(str(out / "front.png"))
    data = content.receipt_for(record, office=SAMPLE_OFFICE, settings=settings)
    measure("receipt PDF, A5", lambda: receipt.receipt_pdf(data, out / "r.pdf", "A5"), args.repeat)
    measure("receipt PDF, 80 mm roll", lambda: receipt.receipt_pdf(data, out / "r80.pdf", "80mm"), args.repeat)
    png = cv2.imread(str(out / "front.png"))
    texts = measure("QR decode from the 300 dpi front (zxing-cpp)",
                    lambda: [r.text for r in zxingcpp.read_barcodes(png)], args.repeat)
    measure("verify payload (Base45 + Ed25519)",
            lambda: verify_payload(texts[0], keys, today=date.today()), args.repeat * 10)
    print(f"PDF size: {(out / 'card.pdf').stat().st_size} bytes; QR text: {len(texts[0])} characters")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
