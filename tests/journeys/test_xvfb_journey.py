"""One journey in a real X server (Xvfb, 1024×768) with a window manager (openbox), so the
platform's own window handling, activation and dialogs are exercised - not the offscreen
platform. `scripts/dev.py test` installs xvfb and openbox; when they are missing this FAILS."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def _free_display() -> int:
    for number in range(90, 200):
        if not Path(f"/tmp/.X{number}-lock").exists() and not Path(f"/tmp/.X11-unix/X{number}").exists():
            return number
    raise RuntimeError("no free X display number")


@pytest.fixture
def x_display(tmp_path):
    xvfb, openbox = shutil.which("Xvfb"), shutil.which("openbox")
    if not xvfb or not openbox:
        pytest.fail("Xvfb and openbox are needed (Debian packages xvfb, openbox): "
                    "`python3 scripts/dev.py test` installs them")
    number = _free_display()
    server = subprocess.Popen([xvfb, f":{number}", "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                              stdout=subprocess.DEVNULL, stderr=(tmp_path / "xvfb.log").open("wb"))
    socket = Path(f"/tmp/.X11-unix/X{number}")
    deadline = time.monotonic() + 20
    while not socket.exists():
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail(f"Xvfb did not start: {(tmp_path / 'xvfb.log').read_text(errors='replace')}")
        time.sleep(0.1)
    env = dict(os.environ, DISPLAY=f":{number}")
    manager = subprocess.Popen([openbox, "--sm-disable"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        yield f":{number}"
    finally:
        manager.terminate()
        server.terminate()
        for process in (manager, server):
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def test_demo_clerk_journey_in_a_real_window(x_display, tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("WAYLAND_DISPLAY",)}
    env.update(DISPLAY=x_display, QT_QPA_PLATFORM="xcb", PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x",
         "--rootdir", str(ROOT), "--basetemp", str(tmp_path / "inner"),
         str(HERE / "xvfb_inner_journey.py")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    output = result.stdout[-6000:] + result.stderr[-3000:]
    assert result.returncode == 0, output
    assert "1 passed" in result.stdout, output
