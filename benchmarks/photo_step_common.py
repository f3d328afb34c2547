"""Shared by benchmarks/camera_pipeline_bench.py and benchmarks/soak_day.py: a webcam-like
video, an office with N records, the real main window on its registration photo step, the
auto-capture driver and per-thread CPU from /proc.

Not a benchmark itself (no main)."""

from __future__ import annotations

import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # camera_scenes: frames from the photograph
sys.path.insert(0, str(ROOT / "benchmarks"))

USER, PASSWORD = "admin", "Sebha-2026!"


def make_video(path: Path, fps: int = 15, seconds: int = 12) -> Path:
    """A looping 640x480 MJPG 'webcam': the test photograph sitting still, swaying, leaning
    in, still again, with sensor noise (so no two frames are identical)."""
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


def build_office(data_dir: Path, records: int, seed: int = 3) -> None:
    """An office of `records` synthetic beneficiaries that may register (a provisional
    device number), built once: a finished build leaves a marker, a half-built dir is rebuilt."""
    import shutil

    from fundclient.domain.synthetic import iter_generate
    from fundclient.storage.bulk import bulk_add
    from fundclient.storage.store import initialise, open_store

    marker = data_dir / f"built-{records}-{seed}-device"
    if marker.exists():
        return
    if data_dir.exists():
        shutil.rmtree(data_dir)
    initialise(data_dir, "SBH", USER, PASSWORD, "مدير المكتب", provisional_device_number=902)
    store, _ = open_store(data_dir, USER, PASSWORD)
    try:
        bulk_add(store, iter_generate(records, seed=seed), by=USER)
    finally:
        store.close()
    marker.write_text("ok")


def thread_cpu() -> dict[str, float]:
    """CPU seconds per thread of this process, by thread name ("gui" for the main thread;
    Qt and OpenCV threads by their OS name)."""
    tick = os.sysconf("SC_CLK_TCK")
    names = {t.native_id: t.name for t in threading.enumerate() if t.native_id is not None}
    main_id = threading.main_thread().native_id
    result: dict[str, float] = {}
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/self/task/{tid}/comm") as f:
                comm = f.read().strip()
        except OSError:  # the thread ended meanwhile
            continue
        seconds = (int(fields[11]) + int(fields[12])) / tick
        name = "gui" if int(tid) == main_id else names.get(int(tid), comm)
        result[name] = result.get(name, 0.0) + seconds
    return result


def cpu_by_thread(before: dict[str, float], after: dict[str, float], wall: float) -> dict[str, float]:
    """% of one core per thread name between two thread_cpu() snapshots (threads that
    ended meanwhile are missing from `after`: their CPU is in the process total only)."""
    return {name: 100 * (after[name] - before.get(name, 0.0)) / wall for name in after}


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def native_mb() -> tuple[float, float]:
    """(malloc heap and anonymous mappings, file-backed) resident MB from /proc/self/smaps:
    the first is where native growth (OpenCV, Qt buffers, SQLite caches, the allocator) shows."""
    anon = files = 0
    name = ""
    with open("/proc/self/smaps") as f:
        for line in f:
            head = line.split(None, 1)[0]
            if not head.endswith(":"):  # a mapping's header: address perms offset dev inode [path]
                parts = line.split(None, 5)
                name = parts[5].strip() if len(parts) > 5 else ""
            elif head == "Rss:":
                kb = int(line.split()[1])
                if not name or name.startswith("[heap]") or name.startswith("[anon"):
                    anon += kb
                elif name.startswith("/"):
                    files += kb
    return anon / 1024, files / 1024


def sqlite_mb() -> float:
    """MB SQLite (SQLCipher) holds in this process: page caches of every connection, mostly."""
    import ctypes

    import sqlcipher3._sqlite3 as ext

    lib = ctypes.CDLL(ext.__file__)
    lib.sqlite3_memory_used.restype = ctypes.c_int64
    return lib.sqlite3_memory_used() / 2**20


def open_photo_step(data_dir: Path, video: str, size=(1366, 768), user: str = USER,
                    password: str = PASSWORD):
    """Sign in to the office, open the main window, a new registration, its photo step on
    the video 'camera'. Returns (app, session, window, screen, camera widget)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from fundclient.config import Settings
    from fundclient.ui.login import default_login
    from fundclient.ui.main import prepare_app
    from fundclient.ui.main_window import MainWindow

    app = prepare_app(Settings.load(data_dir))
    session = default_login(data_dir, user, password)
    session.settings.camera = video
    session.settings.idle_lock_minutes = 0  # a benchmark is not a clerk walking away
    window = MainWindow(session)
    window.resize(*size)
    window.show()
    window.new_registration()
    screen = window.current_screen()
    screen.go_to_step("photo")
    return app, session, window, screen, screen.photo.camera_widget


class AutoAccept:
    """The issue's scenario: every photo the camera takes by itself is accepted, and the
    camera is back to live `retake_ms` later, all run long. `captures` counts them."""

    def __init__(self, camera, retake_ms: int = 500):
        from PySide6.QtCore import QTimer

        self.camera = camera
        self.captures = 0
        self._pending = False
        self._retake = QTimer(singleShot=True, interval=retake_ms)
        self._retake.timeout.connect(self._go_live)
        self._poll = QTimer(interval=50)
        self._poll.timeout.connect(self._check)

    def start(self) -> None:
        self._poll.start()

    def stop(self) -> None:
        self._poll.stop()
        self._retake.stop()

    def _check(self) -> None:
        if self.camera.state == "review" and not self._pending:
            self.captures += 1
            self.camera.accept()
            self._pending = True
            self._retake.start()

    def _go_live(self) -> None:
        self._pending = False
        self.camera.retake()


def wait(ms: int) -> None:
    """Let the event loop run for `ms`."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def now() -> float:
    return time.monotonic()
