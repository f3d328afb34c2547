"""A clerk's day, compressed: does the GUI process's memory stay flat? (issue #18 item 2)

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/soak_day.py --minutes 30 \\
        --records 20000 --data-dir /tmp/fundclient-bench-soak   # first run builds the office

Signs in to an office of `--records` records (built once, reused: benchmarks/ui_freeze_bench.py's
office) and runs the real main window (offscreen Qt, 1366x768) in a loop, as fast as the app
allows: a new registration filled in (a synthetic person, with dependants), its photo step on
a looping 640x480 15 fps video 'webcam' until the photo takes itself, Use this photo, Save;
the saved screen; a search typed key by key on the search screen; and again. Every
`--sample` seconds it prints the resident memory (RSS, from /proc), the Python object count
and what has been done; at the end the growth per hour after `--warmup` minutes (least
squares over the samples) and the peak RSS. Figures: docs/performance.md (## Memory over a day).

`--default-malloc` leaves glibc's malloc defaults (no `fundclient.allocator`: the "before").
`--camera-only` runs the photo step alone (every photo taken by itself is accepted, the
camera live again 0.5 s later): the camera pipeline's own memory. `--trim` also calls
glibc's malloc_trim(0) after every sample (to tell the allocator's retained free memory
from real growth). The "cached" column counts the entries of the domain's bounded
lru_caches (name matching and duplicate profiles, filled by searches and duplicate checks).
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import photo_step_common as common  # noqa: E402

QUERIES = ["محمد علي", "فاطمة", "عبد الله الورفلي", "احمد سالم", "خديجة محمد", "ابوبكر"]


def people(seed: int):
    """Synthetic people the office does not have (another seed), as the form's values."""
    from fundclient.domain.synthetic import iter_generate
    from fundclient.ui.registration.binding import values_of

    for beneficiary in iter_generate(100_000, seed=seed):
        yield values_of(beneficiary)


def domain_cache_entries() -> int:
    """Entries held by the lru_caches of fundclient.domain (bounded; they fill as people are
    searched and compared)."""
    total = 0
    for name, module in list(sys.modules.items()):
        if name.startswith("fundclient.domain"):
            for value in vars(module).values():
                info = getattr(value, "cache_info", None)
                if callable(info) and getattr(value, "__module__", "") == name:
                    total += info().currsize
    return total


def slope_per_hour(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) in MB per hour."""
    n = len(samples)
    if n < 2:
        return float("nan")
    mean_t = sum(t for t, _ in samples) / n
    mean_m = sum(m for _, m in samples) / n
    var = sum((t - mean_t) ** 2 for t, _ in samples)
    cov = sum((t - mean_t) * (m - mean_m) for t, m in samples)
    return 3600 * cov / var if var else float("nan")


class Day:
    """The loop, driven by the event loop (a timer steps it; nothing blocks the GUI)."""

    def __init__(self, window, screen, camera):
        self.window, self.screen, self.camera = window, screen, camera
        self.people = people(int(time.time()))  # not the people of an earlier run
        self.counts = {"registrations": 0, "photos": 0, "saved": 0, "not_saved": 0, "searches": 0}
        self.state = "new"
        self.since = time.monotonic()
        self.query = 0
        screen.saved.connect(self._saved)
        self._saved_record = False

    def _saved(self, _record) -> None:
        self._saved_record = True

    def step(self) -> None:
        """Called every 50 ms: one move of the clerk when the app is ready for it."""
        from fundclient.ui.ops import OpsHub

        waited = time.monotonic() - self.since
        if self.state == "new":
            self.window.new_registration()
            values, dependants = next(self.people)
            self.screen.set_values(values, dependants)
            self.screen.go_to_step("photo")
            self.counts["registrations"] += 1
            self._go("photo")
        elif self.state == "photo":
            if self.camera.state == "review" and self.camera.can_accept():
                self.camera.accept()
                self.counts["photos"] += 1
                self._go("save")
            elif waited > 30:  # no photo in 30 s: something is wrong, start over
                self.counts["not_saved"] += 1
                self._go("new")
        elif self.state == "save":
            if OpsHub.instance().running == 0:
                self._saved_record = False
                if self.screen.save() is None:  # refused (e.g. a possible duplicate)
                    self.counts["not_saved"] += 1
                    self._go("search")
                else:
                    self._go("saving")
        elif self.state == "saving":
            if self._saved_record:
                self.counts["saved"] += 1
                self._go("search")
            elif waited > 60:
                self.counts["not_saved"] += 1
                self._go("search")
        elif self.state == "search":
            search = self.window.show_screen("search")
            self.search = search
            self.typed = 0
            self.text = QUERIES[self.query % len(QUERIES)]
            self.query += 1
            search.view.box.clear()
            self._go("typing")
        elif self.state == "typing":
            if self.typed < len(self.text):
                self.typed += 1
                self.search.view.box.setText(self.text[:self.typed])
            elif (self.search.shown_generation == self.search.generation
                  and not self.search.debounce.isActive()):
                self.counts["searches"] += 1
                self._go("new")
            elif waited > 60:
                self._go("new")

    def _go(self, state: str) -> None:
        self.state, self.since = state, time.monotonic()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30.0)
    parser.add_argument("--warmup", type=float, default=5.0, help="minutes left out of the growth figure")
    parser.add_argument("--sample", type=float, default=30.0, help="seconds between samples")
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--data-dir", type=Path, default=Path(tempfile.gettempdir()) / "fundclient-bench-soak")
    parser.add_argument("--trim", action="store_true", help="malloc_trim(0) after every sample")
    parser.add_argument("--camera-only", action="store_true", help="the photo step alone")
    parser.add_argument("--default-malloc", action="store_true",
                        help="leave glibc's malloc settings (no fundclient.allocator): the 'before'")
    parser.add_argument("--office", type=Path, default=None,
                        help="an office already built (e.g. benchmarks/search_recall.py's 1 M store; "
                             "use a copy: the soak saves into it) instead of --records/--data-dir")
    parser.add_argument("--user", default=common.USER, help="with --office")
    parser.add_argument("--password", default=common.PASSWORD, help="with --office")
    parser.add_argument("--build-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.build_only:
        common.build_office(args.data_dir, args.records)
        return 0
    if args.office is not None:
        args.data_dir = args.office
        print(f"office: {args.office} (already built)", flush=True)
    else:
        built = time.monotonic()
        # Built in another process: the build's own memory must not count in this one's RSS.
        subprocess.run([sys.executable, __file__, "--build-only", "--records", str(args.records),
                        "--data-dir", str(args.data_dir)], check=True)
        print(f"office of {args.records:,} records ready in {time.monotonic() - built:.0f} s "
              f"({args.data_dir})", flush=True)
    if args.default_malloc:  # glibc's defaults: the "before" of fundclient.allocator
        import fundclient.allocator

        fundclient.allocator.tune = fundclient.allocator.trim = lambda *a, **k: False
    from PySide6.QtCore import QTimer

    with tempfile.TemporaryDirectory() as tmp:
        video = str(common.make_video(Path(tmp) / "webcam.avi"))
        app, session, window, screen, camera = common.open_photo_step(args.data_dir, video, user=args.user,
                                                                             password=args.password)
        if args.camera_only:
            driver = common.AutoAccept(camera)
            driver.start()
            day = None
        else:
            day = Day(window, screen, camera)
            ticker = QTimer(interval=50)
            ticker.timeout.connect(day.step)
            ticker.start()
        libc = ctypes.CDLL("libc.so.6") if args.trim else None
        start, cpu0 = time.monotonic(), time.process_time()
        samples: list[tuple[float, float]] = []
        print(f"{'minute':>7} {'RSS MB':>7} {'anon':>6} {'files':>6} {'sqlite':>6} {'objects':>8} {'cached':>7} {'registered':>10} {'photos':>6} "
              f"{'searches':>8}", flush=True)
        while time.monotonic() - start < args.minutes * 60:
            common.wait(int(args.sample * 1000))
            if libc is not None:
                libc.malloc_trim(0)
            elapsed = time.monotonic() - start
            rss = common.rss_mb()
            samples.append((elapsed, rss))
            counts = day.counts if day is not None else {"saved": 0, "photos": driver.captures, "searches": 0}
            anon, files = common.native_mb()
            print(f"{elapsed / 60:7.1f} {rss:7.1f} {anon:6.1f} {files:6.1f} {common.sqlite_mb():6.1f} {len(gc.get_objects()):8d} {domain_cache_entries():7d} "
                  f"{counts['saved']:10d} {counts['photos']:6d} {counts['searches']:8d}", flush=True)
        (driver if day is None else ticker).stop()
        wall, cpu = time.monotonic() - start, time.process_time() - cpu0
        camera.stop()
        window.close()
        session.close()
        app.processEvents()
    after = [(t, m) for t, m in samples if t >= args.warmup * 60]
    print(f"\n{args.minutes:.0f} min on {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end; "
          f"CPU {cpu:.0f} s over {wall:.0f} s wall ({100 * cpu / wall:.0f} % of one core)")
    print(f"done: {counts}; malloc: {'glibc defaults' if args.default_malloc else 'fundclient.allocator'}")
    over = [m for _, m in samples if m >= 250]
    print(f"samples at or over 250 MB: {len(over)} of {len(samples)}")
    print(f"RSS: {samples[0][1]:.0f} MB at the first sample, {samples[-1][1]:.0f} MB at the end, "
          f"peak {max(m for _, m in samples):.1f} MB, "
          f"mean after warm-up {sum(m for _, m in after) / max(1, len(after)):.1f} MB")
    print(f"growth after {args.warmup:g} min of warm-up: {slope_per_hour(after):+.1f} MB/h "
          f"({len(after)} samples; goal < 10 MB/h)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
