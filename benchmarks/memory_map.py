"""Where the GUI process's resident memory is, with the camera running (issue #18 item 2).

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/memory_map.py --seconds 20 \\
        --office /work/bench-1m/soak1m-b --password bench-password-1

Signs in (an office already built with `--office`, else benchmarks/camera_pipeline_bench.py's
small office), opens the real main window on a new registration's photo step with the
looping 640x480 15 fps video as the camera (benchmarks/photo_step_common.py), lets it run
`--seconds` with every auto-captured photo accepted (`--day`: benchmarks/soak_day.py's day
loop instead: registrations, photos, saves, searches), then prints, from /proc/self/smaps:
the totals of /proc/self/smaps_rollup, the resident MB of every mapped file (libraries,
fonts, the database when memory-mapped) and of the anonymous memory (malloc heap, thread
stacks, Python's arenas), the process's threads, SQLite's own count and, with
`--tracemalloc`, the top Python allocation sites. Then what each candidate cut would give
back, one after the other in the same process: malloc's kept free memory (`malloc_trim`),
Qt's pixmap cache, SQLite's page caches, the domain's lru_caches. Not timed: a map, to
decide what to cut.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import photo_step_common as common  # noqa: E402


def by_mapping() -> tuple[dict[str, float], dict[str, float]]:
    """(resident MB per mapped file or anonymous kind, private-dirty MB per the same)."""
    rss: dict[str, float] = collections.Counter()
    dirty: dict[str, float] = collections.Counter()
    name = ""
    with open("/proc/self/smaps") as f:
        for line in f:
            head = line.split(None, 1)[0]
            if not head.endswith(":"):
                parts = line.split(None, 5)
                name = parts[5].strip() if len(parts) > 5 else "[anonymous]"
            elif head == "Rss:":
                rss[name] += int(line.split()[1]) / 1024
            elif head == "Private_Dirty:":
                dirty[name] += int(line.split()[1]) / 1024
    return rss, dirty


def rollup() -> str:
    with open("/proc/self/smaps_rollup") as f:
        lines = f.read().splitlines()[1:]
    keep = ("Rss", "Pss", "Shared_Clean", "Private_Clean", "Private_Dirty", "Anonymous", "Swap")
    return ", ".join(f"{k} {int(v.split()[0]) / 1024:.1f}" for k, v in
                     (line.split(":", 1) for line in lines) if k in keep) + " (MB)"


def threads() -> list[str]:
    names = []
    for tid in sorted(os.listdir("/proc/self/task"), key=int):
        try:
            with open(f"/proc/self/task/{tid}/comm") as f:
                names.append(f.read().strip())
        except OSError:
            continue
    return names


def cuts(camera) -> None:
    import ctypes
    import gc

    import sqlcipher3._sqlite3 as ext
    from PySide6.QtGui import QPixmapCache

    import soak_day

    libc = ctypes.CDLL("libc.so.6")
    lib = ctypes.CDLL(ext.__file__)
    lib.sqlite3_release_memory.argtypes = [ctypes.c_int]

    def clear_domain_caches() -> None:
        for name, module in list(sys.modules.items()):
            if name.startswith("fundclient.domain"):
                for value in vars(module).values():
                    if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", "") == name:
                        value.cache_clear()
        gc.collect()

    import linecache

    steps = [("malloc_trim(0): free memory malloc keeps", lambda: None),
             (f"linecache.clearcache() ({len(linecache.cache)} source files held)", linecache.clearcache),
             (f"QPixmapCache.clear() (limit {QPixmapCache.cacheLimit()} KB)", QPixmapCache.clear),
             ("SQLite page caches released", lambda: lib.sqlite3_release_memory(1 << 30)),
             (f"domain lru_caches emptied ({soak_day.domain_cache_entries()} entries)", clear_domain_caches)]
    for label, step in steps:
        before = common.rss_mb()
        step()
        libc.malloc_trim(0)
        print(f"{before - common.rss_mb():7.1f}  {label}")
    print(f"RSS now {common.rss_mb():.1f} MB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--office", type=Path, default=None)
    parser.add_argument("--user", default=common.USER)
    parser.add_argument("--password", default=common.PASSWORD)
    parser.add_argument("--records", type=int, default=1000, help="without --office")
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--tracemalloc", action="store_true")
    parser.add_argument("--day", action="store_true", help="soak_day.py's day loop, not the photo step alone")
    args = parser.parse_args()
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start(8)
    data_dir = args.office
    if data_dir is None:
        data_dir = Path(tempfile.gettempdir()) / "fundclient-bench-camera"
        common.build_office(data_dir, args.records)
    print(f"RSS at start (python + benchmark imports): {common.rss_mb():.1f} MB", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        video = str(common.make_video(Path(tmp) / "webcam.avi"))
        app, session, window, screen, camera = common.open_photo_step(data_dir, video, user=args.user,
                                                                      password=args.password)
        print(f"RSS signed in, photo step open: {common.rss_mb():.1f} MB", flush=True)
        if args.day:
            from PySide6.QtCore import QTimer

            import soak_day

            day = soak_day.Day(window, screen, camera)
            driver = QTimer(interval=50)
            driver.timeout.connect(day.step)
        else:
            driver = common.AutoAccept(camera)
        driver.start()
        start = time.monotonic()
        common.wait(int(args.seconds * 1000))
        driver.stop()
        done = day.counts if args.day else {"photos": driver.captures}
        print(f"RSS after {time.monotonic() - start:.0f} s ({done}): "
              f"{common.rss_mb():.1f} MB; sqlite {common.sqlite_mb():.1f} MB", flush=True)
        print(rollup())
        rss, dirty = by_mapping()
        anon = sum(v for k, v in rss.items() if not k.startswith("/"))
        files = sum(v for k, v in rss.items() if k.startswith("/"))
        print(f"\nfile-backed {files:.1f} MB, anonymous {anon:.1f} MB")
        print(f"{'RSS MB':>7} {'dirty':>6}  mapping")
        for name, mb in sorted(rss.items(), key=lambda kv: -kv[1])[:args.top]:
            print(f"{mb:7.1f} {dirty[name]:6.1f}  {name}")
        names = threads()
        print(f"\n{len(names)} threads: " + ", ".join(f"{n} x{c}" if c > 1 else n
                                                  for n, c in collections.Counter(names).most_common()))
        if args.tracemalloc:
            import tracemalloc

            snapshot = tracemalloc.take_snapshot()
            print(f"\nPython allocations (tracemalloc): {sum(s.size for s in snapshot.statistics('filename')) / 2**20:.1f} MB")
            for stat in snapshot.statistics("lineno")[:25]:
                print(f"{stat.size / 2**20:7.2f} MB {stat.count:8d}  {stat.traceback[0]}")
        print("\nwhat each cut would give back, one after the other (RSS MB):")
        cuts(camera)
        camera.stop()
        window.close()
        session.close()
        app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
