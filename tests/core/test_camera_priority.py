"""The camera's capture and checks threads ask for a priority above normal (issue #18: a verdict
that stays fresh on a busy PC); the GUI thread and the rest of the process keep theirs."""

from __future__ import annotations

import os
import resource
import sys
import threading

import cv2
import pytest

import camera_scenes as cs
from fundclient.camera import priority
from fundclient.camera.sources import FileSource
from fundclient.camera.worker import CaptureWorker, LatestOnlyWorker
from waiting import wait_for

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux thread priorities")


def may_raise() -> bool:
    """Whether this process may lower a thread's nice value by RAISE_BY: root, or an
    RLIMIT_NICE that allows it (a nice value down to 20 - the limit)."""
    if os.geteuid() == 0:
        return True
    wanted = max(-20, os.getpriority(os.PRIO_PROCESS, os.getpid()) - priority.RAISE_BY)
    soft, _ = resource.getrlimit(resource.RLIMIT_NICE)
    return soft == resource.RLIM_INFINITY or wanted >= 20 - soft


def nice_of(thread: threading.Thread) -> int:
    return os.getpriority(os.PRIO_PROCESS, thread.native_id)


def test_raising_one_thread_leaves_the_others():
    process = os.getpriority(os.PRIO_PROCESS, os.getpid())
    seen = {}

    def run():
        seen["raised"] = priority.raise_current_thread()
        seen["nice"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert seen["raised"] is may_raise()
    assert seen["nice"] == (max(-20, process - priority.RAISE_BY) if seen["raised"] else process)
    assert os.getpriority(os.PRIO_PROCESS, os.getpid()) == process  # the GUI thread keeps its own


def test_the_camera_threads_run_raised_and_still_work(tmp_path):
    cv2.imwrite(str(tmp_path / "a.jpg"), cs.scene())
    process = os.getpriority(os.PRIO_PROCESS, os.getpid())
    frames, results = [], []
    checks = LatestOnlyWorker(lambda item: item * 2, lambda item, result: results.append(result),
                              raise_priority=True)
    capture = CaptureWorker(FileSource(tmp_path, fps=60), frames.append, raise_priority=True)
    checks.start()
    capture.start()
    try:
        assert wait_for(lambda: len(frames) >= 3)
        checks.submit(21)
        assert wait_for(lambda: results == [42])
        expected = max(-20, process - priority.RAISE_BY) if may_raise() else process
        assert capture.priority_raised is checks.priority_raised is may_raise()
        assert nice_of(capture._thread) == expected
        assert nice_of(checks._thread) == expected
    finally:
        capture.stop()
        checks.stop()
    assert os.getpriority(os.PRIO_PROCESS, os.getpid()) == process
