"""Polling for a condition another thread brings about (tests without a Qt event loop)."""

from __future__ import annotations

import time


def wait_for(predicate, timeout=5.0):
    """True as soon as `predicate()` is, False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return False
