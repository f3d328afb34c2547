"""The camera's two threads ahead of other programs' work (issue #18: a 2-core PC shared with
other programs).

How much the live checks cost is capped by `camera/pacing.py` (about 12 % of one core, fewer
checks on a slower or busier PC). How *soon* a check gets a core is the scheduler's: on a busy
PC a thread at normal priority waits behind every other program's, and the verdict the person
in front of the camera sees came from a picture taken a long while ago. So the capture thread
(decoding, the preview's scaling) and the checks thread ask for a priority one step above
normal — bounded work, paced, never a busy loop, so it cannot starve the window or other
programs. The GUI thread keeps the normal priority.

- Windows: `SetThreadPriority(THREAD_PRIORITY_ABOVE_NORMAL)` (allowed to every user).
- Linux: the thread's nice value `RAISE_BY` below the process's (a thread is a task; allowed
  when the process may lower its nice value: root, CAP_SYS_NICE or RLIMIT_NICE). Refused:
  the thread keeps the process's priority and the camera works as before.
- Elsewhere: unchanged.

Figures: docs/performance.md (## Camera pipeline on a 2-core PC).
"""

from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger(__name__)

RAISE_BY = 5  # nice steps on Linux (about 3x the CPU weight of a normal thread)
_THREAD_PRIORITY_ABOVE_NORMAL = 1  # winbase.h


def raise_current_thread() -> bool:
    """Raise the calling thread's scheduling priority one step. True when the OS agreed."""
    try:
        if sys.platform == "win32":
            import ctypes

            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            return bool(kernel32.SetThreadPriority(kernel32.GetCurrentThread(), _THREAD_PRIORITY_ABOVE_NORMAL))
        if sys.platform.startswith("linux"):
            tid = threading.get_native_id()
            process = os.getpriority(os.PRIO_PROCESS, os.getpid())
            os.setpriority(os.PRIO_PROCESS, tid, max(-20, process - RAISE_BY))
            return True
    except (OSError, AttributeError) as exc:  # not permitted (an ordinary Linux user): keep it
        log.debug("camera thread priority left as it is: %s", exc)
    return False
