#!/usr/bin/env python3
"""Does signing in stall the window? (#18 item 3)

Builds (or reuses) an office with N synthetic beneficiaries (the same build as
benchmarks/ui_freeze_bench.py), opens the real login window, types the user name and
password and presses Sign in, while the event-loop watch (`ui.watchdog.EventLoopWatch`,
a timer every 10 ms) records the longest gap of the GUI event loop. Reported:

* the longest gap from Sign in until the main window is usable (shown, the search box
  focused) — the goal is < 100 ms;
* the longest gap until the pages built in idle slices after the window shows exist and no
  background op is left;
* how long each page took to build (`MainWindow.build_ms`; the registration form's is the sum
  of its idle slices);
* the longest gap at the registration form's first visit (Ctrl+N), once the pages exist.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/signin_bench.py --records 100000 \
        --data-dir /tmp/fund-100k --runs 3     # first run builds the office, later runs reuse
    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/signin_bench.py --office /tmp/copy-of-1m \
        --password P --runs 3                  # an office already built (a copy: sign-in writes)
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from ui_freeze_bench import PASSWORD, USER, build_office  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/fundclient-bench-signin"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--office", type=Path, default=None,
                        help="an office already built (e.g. a copy of benchmarks/search_recall.py's 1 M store) "
                             "instead of --records/--data-dir")
    parser.add_argument("--user", default=USER, help="with --office")
    parser.add_argument("--password", default=PASSWORD, help="with --office")
    parser.add_argument("--stacks", action="store_true",
                        help="sample the GUI thread's stack every 4 ms and print where it was in the longest gaps")
    parser.add_argument("--profile", action="store_true",
                        help="print where the GUI thread spent its time until usable (cProfile)")
    args = parser.parse_args()
    start = time.perf_counter()
    if args.office is not None:
        args.data_dir = args.office
        print(f"office: {args.office} (already built)")
    else:
        build_office(args.data_dir, args.records)
        print(f"office with {args.records:,} records ready in {time.perf_counter() - start:.0f} s")

    from types import SimpleNamespace

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from fundclient.storage import status
    from fundclient.ui.main import build_gui
    from fundclient.ui.ops import OpsHub, wait_for_writes
    from fundclient.ui.watchdog import EventLoopWatch

    def wait(ms: int) -> None:
        loop = QEventLoop()
        QTimer.singleShot(ms, loop.quit)
        loop.exec()

    def wait_until(check, timeout_s: float = 60.0) -> float:
        began = time.perf_counter()
        while not check():
            if time.perf_counter() - began > timeout_s:
                raise TimeoutError("the main window did not become usable")
            wait(2)
        return time.perf_counter()

    # No daily backup in the measured window: it runs on a thread of its own and is
    # measured by benchmarks/backup_bench.py; here it would only add disk noise.
    status.record_backup(args.data_dir, args.data_dir / "none")
    usable_gaps, settled_gaps, usable_ms, builds = [], [], [], []
    usable_cpu, settled_cpu = [], []  # the GUI thread's own CPU time in those longest gaps
    visit_gaps, visit_cpu = [], []  # the registration form's first visit (Ctrl+N)
    for run in range(args.runs):
        gui = build_gui(SimpleNamespace(data_dir=args.data_dir, lang="ar",
                                        sync_adapter_factory=lambda _s: None))
        gui.show()
        # A person takes seconds to type a user name and password; the window's preparation
        # meanwhile (importing the pages, ui/main.py) is done by then.
        wait(2000)
        wait_until(lambda: not any(t.name == "preload-screens" for t in threading.enumerate()))
        gui.login.username.setText(args.user)
        gui.login.password.setText(args.password)
        watch = EventLoopWatch(10, warn_ms=10_000, sample_stacks=args.stacks)
        watch.start()
        if args.profile:
            import cProfile

            profile = cProfile.Profile()  # this (the GUI) thread only
            profile.enable()
        pressed = time.perf_counter()
        gui.login.login_button.click()

        def usable() -> bool:
            window = gui.window
            if window is None or not window.isVisible():
                return False
            screens = window.screens
            # (getattr: the same benchmark measures the main window before lazy building)
            search = (screens.built() if hasattr(screens, "built") else screens).get("search")
            return search is not None and QApplication.focusWidget() is search.view.box

        usable_at = wait_until(usable)
        if args.profile:
            import pstats

            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        wait(30)  # one more tick so a gap ending at "usable" is counted
        usable_gap, usable_gap_cpu = watch.max_gap_ms, watch.max_gap_cpu_ms
        usable_stacks = watch.max_gap_summary()
        wait_until(lambda: getattr(gui.window, "idle_builds_done", lambda: True)()
                   and OpsHub.instance().running == 0)
        wait(500)
        watch.stop()
        settled_stacks = watch.max_gap_summary()
        visit = EventLoopWatch(10, warn_ms=10_000, sample_stacks=args.stacks)
        visit.start()
        gui.window.new_registration()  # the form's first visit (Ctrl+N)
        wait(300)
        visit.stop()
        visit_gaps.append(visit.max_gap_ms)
        visit_cpu.append(visit.max_gap_cpu_ms)
        usable_gaps.append(usable_gap)
        usable_cpu.append(usable_gap_cpu)
        settled_gaps.append(watch.max_gap_ms)
        settled_cpu.append(watch.max_gap_cpu_ms)
        usable_ms.append((usable_at - pressed) * 1000)
        builds.append(dict(getattr(gui.window, "build_ms", {})))
        print(f"run {run + 1}: usable {usable_ms[-1]:.0f} ms after Sign in (password check included);"
              f" longest GUI gap until usable {usable_gap:.1f} ms ({usable_gap_cpu:.1f} ms GUI-thread CPU),"
              f" until the idle-built pages exist {settled_gaps[-1]:.1f} ms ({settled_cpu[-1]:.1f} ms CPU);"
              f" first Ctrl+N {visit_gaps[-1]:.1f} ms ({visit_cpu[-1]:.1f} ms CPU)")
        if args.stacks:
            for title, lines in (("until usable", usable_stacks), ("until the pages exist", settled_stacks),
                                 ("first Ctrl+N", visit.max_gap_summary())):
                print(f"  the GUI thread in the longest gap {title}:")
                for summary in lines:
                    print(f"    {summary}")
        gui.logout()
        wait_for_writes()
        gui.login.close()
        gui.login.deleteLater()
        wait(200)
    if builds[0]:
        print("screen build times (ms, median of runs): " + ", ".join(
            f"{key} {statistics.median(b.get(key, 0.0) for b in builds):.0f}" for key in builds[0]))
    print(f"longest GUI gap until usable: median {statistics.median(usable_gaps):.1f} ms,"
          f" worst {max(usable_gaps):.1f} ms (goal < 100 ms); GUI-thread CPU in it: median"
          f" {statistics.median(usable_cpu):.1f} ms")
    print(f"longest GUI gap until the idle-built pages exist: median {statistics.median(settled_gaps):.1f} ms,"
          f" worst {max(settled_gaps):.1f} ms; GUI-thread CPU in it: median {statistics.median(settled_cpu):.1f} ms")
    print(f"longest GUI gap at the registration form's first visit (Ctrl+N): median"
          f" {statistics.median(visit_gaps):.1f} ms, worst {max(visit_gaps):.1f} ms; GUI-thread CPU in it: median"
          f" {statistics.median(visit_cpu):.1f} ms")
    print(f"load average during the runs: {os.getloadavg()[0]:.1f} (1 min), {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
