"""Camera pipeline figures on one core: check fps at 640×480, capture-to-stored time, bytes.

    .venv/bin/python benchmarks/camera_bench.py                 # figures
    .venv/bin/python benchmarks/camera_bench.py --screenshot docs/screenshots/camera.png

Frames are built from the real test photograph (tests/data/astronaut.jpg). Results go in
docs/performance.md (## Camera).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # camera_scenes: test frames from the photograph

import cv2  # noqa: E402

import camera_scenes as cs  # noqa: E402
from fundclient.camera.analysis import FaceAnalyser  # noqa: E402
from fundclient.camera.document import make_document  # noqa: E402
from fundclient.camera.photo import make_portrait  # noqa: E402


def timed(fn, repeat: int) -> tuple[float, float]:
    """Median (wall, CPU) seconds per call. CPU time of this thread is what one core costs
    on a quiet machine; wall time also counts waiting for a busy machine's cores."""
    fn()  # warm-up
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.thread_time()
        fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.thread_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def line(label: str, wall: float, cpu: float, extra: str = "") -> None:
    print(f"{label:44s} wall {wall * 1000:6.1f} ms  cpu {cpu * 1000:6.1f} ms  = {1 / cpu:5.1f} fps/core {extra}")


def figures(repeat: int) -> None:
    cv2.setNumThreads(1)
    frames = {
        "good (one face, all checks)": cs.scene(),
        "dark (CLAHE retry)": cs.darkened(cs.scene(), 0.12),
        "no face (room background)": cs.no_face(),
        "no face (random noise, worst case)": cs.noise(),
        "two faces": cs.two_faces(),
    }
    print(f"OpenCV {cv2.__version__}, cv2.setNumThreads(1), {repeat} runs each, 640x480 frames, "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    still = FaceAnalyser()
    for name, frame in frames.items():
        line(f"checks, still frame: {name}", *timed(lambda: still.analyse(frame), repeat))
    # Live: the widget's analyser tracks the face between full scans; a slightly moving
    # person (two frames alternating) is what it sees.
    live = FaceAnalyser(track=True)
    sway = [cs.scene(cx=0.49), cs.scene(cx=0.51)]
    counter = iter(range(10**9))
    line("checks, live stream (tracking), one face", *timed(lambda: live.analyse(sway[next(counter) % 2]), repeat))
    good = frames["good (one face, all checks)"]
    verdict = still.analyse(good)
    photo = make_portrait(good, verdict)
    line("photo: crop + colour + JPEG search", *timed(lambda: make_portrait(good, verdict), repeat),
         f"-> {len(photo.data)} bytes, q{photo.quality['jpeg_quality']:.0f}")
    line("manual capture -> stored Photo (checks+photo)", *timed(lambda: make_portrait(good, still.analyse(good)), repeat))
    doc_frame = cs.document_scene()[0]
    doc = make_document(doc_frame)
    line("document 1280x720: find + warp + JPEG", *timed(lambda: make_document(doc_frame), max(5, repeat // 5)),
         f"-> {len(doc.data)} bytes")


def screenshot(path: Path) -> None:
    """The widget live on the astronaut source (offscreen), checks passing, before capture."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import tempfile

    from PySide6.QtWidgets import QApplication

    from fundclient.camera.sources import CameraInfo
    from fundclient.ui.camera import CameraWidget

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        cv2.imwrite(str(Path(folder) / "frame.jpg"), cs.scene(0.30, cx=0.49))
        demo = [CameraInfo(folder, "كاميرا تجريبية (صورة من ملف)")]
        widget = CameraWidget(folder, language="ar", allow_override=True, auto_capture=False, cameras=demo)
        widget.resize(760, 640)
        widget.show()
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline and (widget.last_verdict is None or widget.gate.progress < 0.6):
            app.processEvents()
            time.sleep(0.01)
        widget.gate.count = int(0.6 * widget.thresholds.steady_frames)  # ring part-filled, as live
        widget.ui.preview.set_overlay(widget.last_verdict.face, True, widget.gate.progress)
        app.processEvents()
        path.parent.mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(path))
        widget.stop()
    print(f"saved {path}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=100)
    parser.add_argument("--screenshot", type=Path, help="save an offscreen grab of the widget here")
    args = parser.parse_args()
    if args.screenshot:
        screenshot(args.screenshot)
    else:
        figures(args.repeat)
