"""OpenCV as the camera uses it: one thread per call (`cv2.setNumThreads(1)`).

Office PCs have 2 cores. The camera already runs its own threads (capture, checks) and the
GUI needs the rest; OpenCV's worker pool (one thread per core, busy-waiting between calls)
cost ~19 % of a core on top, for no gain on 320-px Haar scans (issue #18, docs/performance.md).
Every module of `fundclient.camera` imports cv2 from here, so the first use pins it.
"""

from __future__ import annotations

import cv2

THREADS = 1


def configure(threads: int = THREADS) -> None:
    """Pin OpenCV's own parallelism (idempotent; also called by the app at start)."""
    if cv2.getNumThreads() != threads:
        cv2.setNumThreads(threads)


configure()

__all__ = ["cv2", "configure"]
