"""#16 item 6: the nightly sync has one schedule, the OS task, and its time is written in one
place (src/fundclient/nightly.py): the Windows task, the Linux timer and the app's settings
dialog (tests/ui/test_sync_and_settings.py) all take it from there."""

from __future__ import annotations

import re
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "installer"))
import build_linux  # noqa: E402
import bundle_plan as plan  # noqa: E402

from fundclient.nightly import NIGHTLY_SYNC_TIME  # noqa: E402

HH_MM = re.compile(r"(?<![\d:])([01]\d|2[0-3]):[0-5]\d(?![\d:])")


def test_the_build_reads_the_time_the_app_shows():
    assert plan.nightly_sync_time() == NIGHTLY_SYNC_TIME
    assert re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", NIGHTLY_SYNC_TIME)


def test_the_windows_task_takes_the_time_from_the_build():
    iss = (ROOT / "installer" / "windows" / "fundclient.iss").read_bytes().decode("utf-8-sig")
    daily = [line for line in iss.splitlines() if "/SC DAILY" in line]
    assert len(daily) == 1 and "/ST {#NightlySyncTime} " in daily[0]
    assert not re.search(r"#define\s+NightlySyncTime", iss)  # no second copy: a build without it fails
    assert "#error NightlySyncTime" in iss
    assert not HH_MM.search("\n".join(line for line in iss.splitlines() if not line.lstrip().startswith(";")))
    build = (ROOT / "installer" / "build_windows.py").read_text(encoding="utf-8")
    assert 'f"/DNightlySyncTime={plan.nightly_sync_time()}"' in build


def test_the_linux_timer_is_packed_with_the_time(tmp_path):
    template = (ROOT / "installer" / "linux" / "fundclient-sync.timer").read_text(encoding="utf-8")
    assert "OnCalendar=*-*-* @NIGHTLY_SYNC_TIME@:00" in template and not HH_MM.search(template)
    bundle = tmp_path / "bundle"
    bundle.mkdir()
    (bundle / plan.GUI_EXE).write_text("#!/bin/sh\n")
    tarball = tmp_path / "out.tar.gz"
    build_linux.pack(bundle, tarball, "fundclient-x", level=1)
    with tarfile.open(tarball) as tar:
        timer = tar.extractfile("fundclient-x/share/fundclient-sync.timer").read().decode("utf-8")
        service = tar.extractfile("fundclient-x/share/fundclient-sync.service").read().decode("utf-8")
    assert f"OnCalendar=*-*-* {NIGHTLY_SYNC_TIME}:00" in timer and "@NIGHTLY_SYNC_TIME@" not in timer
    assert "@PREFIX@" in service  # left for install.sh, which knows where it installs
