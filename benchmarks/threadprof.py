"""cProfile of every thread of a process (the HQ server's event loop and its thread pool), for
`benchmarks/hq_ingest_http.py --profile FILE`:

    python benchmarks/threadprof.py OUT.prof -m fundclient hq ... serve ...

Runs the module like `python -m`; on exit (SIGTERM included) the
threads' profiles are merged and written to OUT.prof (read it with `python -m pstats`).
cProfile alone follows only the thread that enabled it. Times are each thread's own CPU time
(`time.thread_time`), so waiting for the GIL, a lock or the network counts nothing.
"""

from __future__ import annotations

import atexit
import cProfile
import pstats
import runpy
import signal
import sys
import threading
import time

_profiles: list[cProfile.Profile] = []
_lock = threading.Lock()


def _start_in_thread(*_args) -> None:
    profile = cProfile.Profile(time.thread_time)
    with _lock:
        _profiles.append(profile)
    profile.enable()  # replaces this hook for the thread


def _dump(path: str) -> None:
    with _lock:
        profiles = list(_profiles)
    for profile in profiles:
        profile.create_stats()
    stats = pstats.Stats(profiles[0])
    for profile in profiles[1:]:
        stats.add(profile)
    stats.dump_stats(path)


def main() -> None:
    out, flag, module, *rest = sys.argv[1:]
    if flag != "-m":
        raise SystemExit(__doc__)
    threading.setprofile(_start_in_thread)
    # uvicorn handles SIGTERM, shuts down, then raises it again with the handler found before:
    # this one, so the process ends through atexit (and the profile is written).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    atexit.register(_dump, out)
    main_profile = cProfile.Profile(time.thread_time)
    _profiles.append(main_profile)
    sys.argv = [module, *rest]
    main_profile.enable()
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    finally:
        main_profile.disable()


if __name__ == "__main__":
    main()
