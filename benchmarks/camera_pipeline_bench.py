"""The registration photo step's CPU cost on this machine, side by side with a bare OpenCV loop.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/camera_pipeline_bench.py --seconds 60

Builds a looping 640x480 15 fps MJPG video from the real test photograph (a person sitting
still, swaying, leaning in; webcam-like sensor noise; benchmarks/photo_step_common.py) and a
small office (`--records`, default 1,000, kept in `--data-dir`), then runs at the same time,
in two processes:

* **baseline** — a bare OpenCV loop: `VideoCapture.read()` (capture + decode) paced at the
  video's 15 fps, nothing else;
* **pipeline** — the real app: signed in, the main window (offscreen Qt, 1366x768), a new
  registration on its photo step with that video as the camera: capture thread, preview,
  live checks (change skipping, pacing), auto-capture; every photo taken by itself is
  accepted and the camera is live again 0.5 s later, all run long (issue #18's scenario).

`--hog N` also runs N busy processes (a PC shared with other programs): the checks slow
down (fewer checks a second), the preview keeps its rate.

Each process reports its own CPU time (all threads) over the measured wall time after a
warm-up, as % of one core; the pipeline also per thread, the frames painted per second,
the checks per second and the verdict latency (frame read -> its verdict shown on the GUI
thread, for frames that were checked: median / 95th percentile). Figures go in
docs/performance.md (## Camera pipeline on a 2-core PC).
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
sys.path.insert(0, str(ROOT / "benchmarks"))

from photo_step_common import make_video  # noqa: E402


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


def run_pipeline(video: str, warmup: float, seconds: float, data_dir: Path) -> dict:
    from collections import deque

    import cv2

    import photo_step_common as common

    app, session, window, screen, camera = common.open_photo_step(data_dir, video)
    driver = common.AutoAccept(camera)
    driver.start()
    common.wait(int(warmup * 1000))
    camera.verdict_latency = deque()  # keep every one while measuring
    camera.verdict_timing = deque()
    gate, pacer = camera.change_gate, camera.pacer
    checked0, skipped0, painted0 = gate.checked, gate.skipped, camera.frames_painted
    frames0, captures0 = camera._capture.frames_read, driver.captures
    threads0, cpu0, wall0 = common.thread_cpu(), time.process_time(), time.monotonic()
    common.wait(int(seconds * 1000))
    threads1, cpu1, wall1 = common.thread_cpu(), time.process_time(), time.monotonic()
    wall = wall1 - wall0
    latencies = sorted(camera.verdict_latency) or [float("nan")]
    parts = list(zip(*camera.verdict_timing)) or [[float("nan")]] * 3

    def median_p95(values) -> list[float]:
        values = sorted(values)
        return [1000 * statistics.median(values), 1000 * values[int(0.95 * (len(values) - 1))]]
    result = {"role": "pipeline", "cpu_percent": 100 * (cpu1 - cpu0) / wall,
              "threads": {k: round(v, 1) for k, v in common.cpu_by_thread(threads0, threads1, wall).items()
                          if v >= 0.1},
              "frames_per_second": (camera._capture.frames_read - frames0) / wall,
              "painted_per_second": (camera.frames_painted - painted0) / wall,
              "checked": gate.checked - checked0, "skipped": gate.skipped - skipped0,
              "checks_per_second": (gate.checked - checked0) / wall,
              "check_cost_ms": 1000 * pacer.cost, "slowdown": pacer.slowdown,
              "auto_captures": driver.captures - captures0,
              "latency_median_ms": 1000 * statistics.median(latencies),
              "latency_p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
              "parts_ms": {name: median_p95(values) for name, values in zip(("wait", "check", "to GUI"), parts)},
              "opencv_threads": cv2.getNumThreads(), "rss_mb": common.rss_mb(), "wall": wall}
    driver.stop()
    camera.stop()
    window.close()
    session.close()
    app.processEvents()
    return result


def hog() -> None:
    while True:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=8.0)
    parser.add_argument("--records", type=int, default=1000, help="records in the office")
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "fundclient-bench-camera")
    parser.add_argument("--hog", type=int, default=0, help="busy processes running meanwhile")
    parser.add_argument("--role", choices=["baseline", "pipeline", "hog"], help=argparse.SUPPRESS)
    parser.add_argument("--video", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.role == "hog":
        hog()
    if args.role == "baseline":
        print(json.dumps(run_baseline(args.video, args.warmup, args.seconds)))
        return
    if args.role == "pipeline":
        print(json.dumps(run_pipeline(args.video, args.warmup, args.seconds, args.data_dir)))
        return
    from photo_step_common import build_office

    build_office(args.data_dir, args.records)
    with tempfile.TemporaryDirectory() as tmp:
        video = str(make_video(Path(tmp) / "webcam.avi"))
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
               "QT_QPA_PLATFORM": "offscreen"}
        common = ["--video", video, "--seconds", str(args.seconds), "--warmup", str(args.warmup),
                  "--data-dir", str(args.data_dir)]
        hogs = [subprocess.Popen([sys.executable, __file__, "--role", "hog"]) for _ in range(args.hog)]
        start, cpu_start = time.monotonic(), os.times()
        try:
            procs = [subprocess.Popen([sys.executable, __file__, "--role", role, *common],
                                      stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
                     for role in ("baseline", "pipeline")]
            results = [json.loads(p.communicate()[0].strip().splitlines()[-1]) for p in procs]
        finally:
            for p in hogs:
                p.kill()
                p.wait()
        elapsed = time.monotonic() - start
    import cv2

    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end, OpenCV {cv2.__version__}, "
          f"640x480 MJPG 15 fps, office of {args.records:,} records, {args.hog} busy processes beside, "
          f"{args.seconds:.0f} s measured after {args.warmup:.0f} s warm-up "
          f"(both processes at the same time, {elapsed:.0f} s wall)")
    baseline = results[0]["cpu_percent"]
    for r in results:
        extra = ""
        if r["role"] == "pipeline":
            extra = (f", painted {r['painted_per_second']:4.1f}/s\n    checked {r['checked']} / skipped "
                     f"{r['skipped']} frames ({r['checks_per_second']:.1f} checks/s, {r['check_cost_ms']:.0f} ms "
                     f"CPU each, GUI slowdown x{r['slowdown']:.1f}), {r['auto_captures']} auto-captures, "
                     f"verdict latency median {r['latency_median_ms']:.0f} ms, p95 {r['latency_p95_ms']:.0f} ms ("
                     + ", ".join(f"{name} {m:.0f}/{p:.0f}" for name, (m, p) in r["parts_ms"].items())
                     + " ms median/p95), "
                     f"OpenCV threads {r['opencv_threads']}, RSS {r['rss_mb']:.0f} MB\n    per thread (% of one core): "
                     + ", ".join(f"{k} {v}" for k, v in sorted(r["threads"].items(), key=lambda kv: -kv[1])))
        print(f"{r['role']:10s} CPU {r['cpu_percent']:5.1f} % of one core "
              f"({r['cpu_percent'] / baseline:4.1f}x baseline), {r['frames_per_second']:4.1f} frames/s{extra}")


if __name__ == "__main__":
    main()
