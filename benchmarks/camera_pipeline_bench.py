"""The registration photo step's CPU cost on this machine, side by side with a bare OpenCV loop.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/camera_pipeline_bench.py --seconds 60

Builds a looping 640x480 15 fps MJPG video from the real test photograph (a person sitting
still, swaying, leaning in; webcam-like sensor noise), then runs at the same time, in two
processes:

* **baseline** — a bare OpenCV loop: `VideoCapture.read()` (capture + decode) paced at the
  video's 15 fps, nothing else;
* **pipeline** — the real `CameraWidget` (offscreen Qt) on that video: capture thread,
  preview painting, live checks with change skipping, auto-capture; every accepted photo is
  retaken after 0.5 s, so it keeps capturing all run long (issue #18's scenario).
  `--no-skip` checks every frame (what it did before the change skipping).

Each process reports its own CPU time (all threads, `time.process_time`) over the measured
wall time after a warm-up, as % of one core, and the pipeline the verdict latency (frame read
→ verdict on the GUI thread, median / 95th percentile) and how many frames were checked or
skipped. Figures go in docs/performance.md (## Camera pipeline on a 2-core PC).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # camera_scenes: frames from the photograph


def make_video(path: Path, fps: int = 15, seconds: int = 12) -> Path:
    import cv2
    import numpy as np

    import camera_scenes as cs

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (640, 480))
    rng = np.random.default_rng(5)
    base = cs.astronaut()
    for n in range(fps * seconds):
        t = n / fps
        if t < 4:  # sitting still
            cx, height = 0.50, 0.24
        elif t < 7:  # swaying
            cx, height = 0.50 + 0.03 * np.sin((t - 4) * 3), 0.24
        elif t < 9:  # leaning in
            cx, height = 0.50, 0.24 + 0.03 * (t - 7)
        else:  # still again
            cx, height = 0.50, 0.30
        frame = cs.scene(height, cx=float(cx), image=base)
        noisy = np.clip(frame.astype(np.float32) + rng.normal(0, 2.5, frame.shape), 0, 255).astype(np.uint8)
        writer.write(noisy)
    writer.release()
    return path


def run_baseline(video: str, warmup: float, seconds: float) -> dict:
    import cv2

    capture = cv2.VideoCapture(video)
    interval = 1 / (capture.get(cv2.CAP_PROP_FPS) or 15)
    frames = 0
    start = None
    cpu0 = None
    next_due = time.monotonic()
    begin = time.monotonic()
    while True:
        now = time.monotonic()
        if start is None and now - begin >= warmup:
            start, cpu0, frames = now, time.process_time(), 0
        if start is not None and now - start >= seconds:
            break
        ok, _frame = capture.read()
        if not ok:
            capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
            continue
        frames += 1
        next_due += interval
        time.sleep(max(0.0, next_due - time.monotonic()))
    wall = time.monotonic() - start
    return {"role": "baseline", "cpu_percent": 100 * (time.process_time() - cpu0) / wall,
            "frames_per_second": frames / wall, "wall": wall}


def run_pipeline(video: str, warmup: float, seconds: float, skip: bool) -> dict:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from fundclient.camera.thresholds import THRESHOLDS, Thresholds
    from fundclient.ui.camera import CameraWidget

    thresholds = THRESHOLDS if skip else Thresholds(skip_change_below=0.0)
    widget = CameraWidget(video, cameras=[], language="ar", thresholds=thresholds, auto_start=False)
    widget.resize(760, 560)
    widget.show()
    read_at: dict[int, float] = {}
    latencies: list[float] = []
    counts = {"captures": 0, "painted": 0}
    measuring = {"on": False}

    original = widget._on_frame_in_worker

    def on_frame(frame):
        read_at[id(frame)] = time.perf_counter()
        if len(read_at) > 200:
            for key in list(read_at)[:100]:
                read_at.pop(key, None)
        original(frame)

    widget._on_frame_in_worker = on_frame  # the capture thread calls it: timing hook
    widget.start()

    def on_verdict(frame, _verdict):
        at = read_at.get(id(frame))
        if measuring["on"] and at is not None:
            latencies.append(time.perf_counter() - at)

    widget._bridge.verdict.connect(on_verdict)

    pending = {"retake": False}

    def retake():
        pending["retake"] = False
        widget.retake()

    def on_state():
        if widget.state == "review" and not pending["retake"]:
            if measuring["on"]:
                counts["captures"] += 1
            widget.accept()
            pending["retake"] = True
            QTimer.singleShot(500, retake)

    poll = QTimer(interval=50)
    poll.timeout.connect(on_state)
    poll.start()
    marks = {}

    def begin():
        measuring["on"] = True
        widget.change_gate.skipped = widget.change_gate.checked = 0
        marks["cpu"], marks["wall"] = time.process_time(), time.monotonic()
        marks["frames"] = widget._capture.frames_read if widget._capture else 0

    def end():
        marks["cpu_end"], marks["wall_end"] = time.process_time(), time.monotonic()
        marks["frames_end"] = widget._capture.frames_read if widget._capture else 0
        app.quit()

    QTimer.singleShot(int(warmup * 1000), begin)
    QTimer.singleShot(int((warmup + seconds) * 1000), end)
    app.exec()
    widget.stop()
    wall = marks["wall_end"] - marks["wall"]
    ordered = sorted(latencies) or [float("nan")]
    import cv2

    return {"role": "pipeline" + ("" if skip else " (no skipping)"),
            "cpu_percent": 100 * (marks["cpu_end"] - marks["cpu"]) / wall,
            "frames_per_second": (marks["frames_end"] - marks["frames"]) / wall,
            "checked": widget.change_gate.checked, "skipped": widget.change_gate.skipped,
            "auto_captures": counts["captures"],
            "latency_median_ms": 1000 * statistics.median(ordered),
            "latency_p95_ms": 1000 * ordered[int(0.95 * (len(ordered) - 1))],
            "opencv_threads": cv2.getNumThreads(), "wall": wall}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--no-skip", action="store_true", help="check every frame (no change skipping)")
    parser.add_argument("--role", choices=["baseline", "pipeline"], help=argparse.SUPPRESS)
    parser.add_argument("--video", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "baseline":
        print(json.dumps(run_baseline(args.video, args.warmup, args.seconds)))
        return
    if args.role == "pipeline":
        print(json.dumps(run_pipeline(args.video, args.warmup, args.seconds, not args.no_skip)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        video = str(make_video(Path(tmp) / "webcam.avi"))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
               "QT_QPA_PLATFORM": "offscreen"}
        common = ["--video", video, "--seconds", str(args.seconds), "--warmup", str(args.warmup)]
        start = time.monotonic()
        procs = [subprocess.Popen([sys.executable, __file__, "--role", "baseline", *common],
                                  stdout=subprocess.PIPE, text=True, env=env),
                 subprocess.Popen([sys.executable, __file__, "--role", "pipeline", *common,
                                   *(["--no-skip"] if args.no_skip else [])],
                                  stdout=subprocess.PIPE, text=True, env=env)]
        results = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
        elapsed = time.monotonic() - start
    import cv2

    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end, OpenCV {cv2.__version__}, "
          f"640x480 MJPG 15 fps, {args.seconds:.0f} s measured after {args.warmup:.0f} s warm-up "
          f"(both processes at the same time, {elapsed:.0f} s wall)")
    baseline = results[0]["cpu_percent"]
    for r in results:
        extra = ""
        if r["role"].startswith("pipeline"):
            extra = (f"  checked {r['checked']} / skipped {r['skipped']} frames, {r['auto_captures']} auto-captures, "
                     f"verdict latency median {r['latency_median_ms']:.0f} ms, p95 {r['latency_p95_ms']:.0f} ms, "
                     f"OpenCV threads {r['opencv_threads']}")
        print(f"{r['role']:26s} CPU {r['cpu_percent']:5.1f} % of one core "
              f"({r['cpu_percent'] / baseline:4.1f}x baseline), {r['frames_per_second']:4.1f} frames/s{extra}")


if __name__ == "__main__":
    main()
