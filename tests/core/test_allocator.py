"""The C allocator sized for a day-long GUI process (issue #18 item 2): on glibc the arenas
are capped and large blocks stay on mmap, so a freed camera frame goes back to the system."""

from __future__ import annotations

import os
import subprocess
import sys


CHILD = r"""
import ctypes, sys
from fundclient import allocator
tuned = allocator.tune() if sys.argv[1] == "tuned" else False
def rss():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20
# Frames handed between threads the way the camera does: allocated in one thread, kept a
# while, freed in another, with small long-lived allocations in between (a day's objects).
import threading, queue, numpy as np
q = queue.Queue(maxsize=4)
keep = []
def produce():
    for n in range(3000):
        q.put(np.empty((480, 640, 3), np.uint8))
        keep.append(bytearray(200))
    q.put(None)
threading.Thread(target=produce).start()
while q.get() is not None:
    pass
allocator.trim()
print(tuned, round(rss()))
"""


def run(mode: str) -> tuple[str, float]:
    """("True"/"False" applied, RSS MB at the end) of the child in mode "tuned" or "default"."""
    out = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True,
                         env={**os.environ}, check=True).stdout.split()
    return out[0], float(out[1])


def test_tuned_malloc_gives_freed_frames_back():
    if not sys.platform.startswith("linux"):  # no glibc: nothing is tuned, and tune() says so
        from fundclient import allocator
        assert allocator.tune() is False
        return
    applied, tuned_rss = run("tuned")
    assert applied == "True"  # glibc took both settings
    # 3000 frames of 0.9 MB (2.6 GB) went through two threads: none of them is kept.
    assert tuned_rss < 150


def test_trim_and_tune_are_harmless_everywhere():
    from fundclient import allocator

    assert allocator.trim() in (True, False)
    assert allocator.tune() in (True, False)
