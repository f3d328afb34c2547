"""End to end: build the Linux tarball (PyInstaller), unpack it, run the bundled program's
self-test offscreen, then install, update and uninstall it for a throw-away user.

Slow (one PyInstaller build, ~1–3 min on 2 cores): the build happens once per session.
"""

from __future__ import annotations

import configparser
import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "installer"))
import bundle_plan as plan  # noqa: E402

pytestmark = pytest.mark.slow  # Linux only, like CI


@pytest.fixture(scope="module")
def tarball(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("build")
    out = subprocess.run([sys.executable, str(ROOT / "installer" / "build_linux.py"), "--out", str(work / "out"),
                          "--work", str(work / "work"), "--compress-level", "1"],
                         capture_output=True, text=True, timeout=1500)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-5000:]
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"\nLinux bundle: {summary}")
    return Path(summary["tarball"])


@pytest.fixture(scope="module")
def unpacked(tarball, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(tarball) as tar:
        tar.extractall(target, filter="tar")  # keeps the exec bits and the symlinks of the bundle
    (folder,) = target.iterdir()
    return folder


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """What an office user's session has: no venv, no repo on the path, no display."""
    env = {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
           "QT_QPA_PLATFORM": "offscreen", "FUNDCLIENT_LOG_DIR": str(home / "logs")}
    env.update(extra)
    return env


def test_tarball_layout(unpacked):
    assert (unpacked / "app" / plan.GUI_EXE).is_file() and os.access(unpacked / "app" / plan.GUI_EXE, os.X_OK)
    assert os.access(unpacked / "install.sh", os.X_OK) and os.access(unpacked / "uninstall.sh", os.X_OK)
    assert (unpacked / "VERSION").read_text().strip() == plan.version()
    assert (unpacked / "docs" / "install.md").exists()
    internal = unpacked / "app" / "_internal"
    for cascade in plan.used_cascades():
        assert (internal / "cv2" / "data" / cascade).is_file()
    assert list((internal / "fundclient" / "storage" / "migrations" / "versions").glob("0001_*.py"))
    assert (internal / "fundclient" / "locale" / "ar.mo").is_file()
    assert not (internal / "PySide6" / "QtQml.abi3.so").exists()  # excluded module stays out
    assert not list(internal.glob("psycopg*")) and not list(internal.glob("tkinter*"))


def test_bundled_program_passes_its_selftest(unpacked, tmp_path):
    exe = unpacked / "app" / plan.GUI_EXE
    out = subprocess.run([str(exe), "--data-dir", str(tmp_path / "data"), "selftest", "--json", "--require-qt"],
                         capture_output=True, text=True, encoding="utf-8", timeout=300, env=clean_env(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert report["ok"] and report["frozen"] is True and report["version"] == plan.version()
    statuses = {c["key"]: c["status"] for c in report["checks"]}
    assert statuses.pop("hq") == "skip"
    assert statuses.pop("office") == "skip"  # no office set up in a fresh data dir: an install check only
    assert set(statuses.values()) == {"pass"}, report


def test_bundled_program_shows_its_version(unpacked, tmp_path):
    out = subprocess.run([str(unpacked / "app" / plan.GUI_EXE), "--version"], capture_output=True, text=True,
                         timeout=120, env=clean_env(tmp_path))
    assert out.returncode == 0 and out.stdout.strip() == f"fundclient {plan.version()}"


def test_install_update_uninstall_keeps_the_office_data(unpacked, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = clean_env(home)
    prefix = home / ".local" / "opt" / "fundclient"
    data = home / ".local" / "share" / "fundclient"  # platformdirs' user data dir for this HOME

    first = subprocess.run([str(unpacked / "install.sh")], capture_output=True, text=True, timeout=600, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Self-test passed" in first.stdout
    exe = home / ".local" / "bin" / "fundclient"
    assert exe.resolve() == (prefix / plan.GUI_EXE).resolve()

    desktop = configparser.ConfigParser(interpolation=None)
    desktop.optionxform = str
    desktop.read(home / ".local" / "share" / "applications" / "fundclient.desktop", encoding="utf-8")
    entry = desktop["Desktop Entry"]
    assert entry["Name[ar]"] == plan.ARABIC_APP_NAME and entry["Exec"] == f'"{prefix}/fundclient"'
    units = home / ".config" / "systemd" / "user"
    service = (units / "fundclient-sync.service").read_text()
    assert f'ExecStart="{prefix}/fundclient" sync' in service
    timer = (units / "fundclient-sync.timer").read_text()
    assert f"OnCalendar=*-*-* {plan.nightly_sync_time()}:00" in timer and "Persistent=true" in timer
    assert "@" not in timer

    # The office sets up its data with the installed program, then the program is updated.
    password = tmp_path / "pw"
    password.write_text("correct horse battery\n")
    setup = subprocess.run([str(exe), "setup", "--office", "SBH", "--admin", "admin", "--password-file",
                            str(password)], capture_output=True, text=True, timeout=300, env=env)
    assert setup.returncode == 0, setup.stdout + setup.stderr
    before = {p.relative_to(data): p.read_bytes() for p in data.rglob("*") if p.is_file()}
    assert Path("fundclient.db") in before and Path("keystore.json") in before

    update = subprocess.run([str(unpacked / "install.sh"), "--no-selftest"], capture_output=True, text=True,
                            timeout=600, env=env)
    assert update.returncode == 0, update.stdout + update.stderr
    after = {p.relative_to(data): p.read_bytes() for p in data.rglob("*") if p.is_file()}
    assert after == before
    backup = subprocess.run([str(exe), "backup", "--user", "admin", "--password-file", str(password)],
                            capture_output=True, text=True, timeout=300, env=env)
    assert backup.returncode == 0, backup.stdout + backup.stderr  # the updated program opens the DB
    kept = {p.relative_to(data): p.read_bytes() for p in data.rglob("*") if p.is_file()}
    assert list((data / "backups").iterdir())

    gone = subprocess.run([str(prefix / "uninstall.sh")], capture_output=True, text=True, timeout=120, env=env)
    assert gone.returncode == 0, gone.stdout + gone.stderr
    assert not prefix.exists() and not exe.exists() and not (units / "fundclient-sync.timer").exists()
    assert {p.relative_to(data): p.read_bytes() for p in data.rglob("*") if p.is_file()} == kept


def test_bundled_gui_starts_and_stays_up(unpacked, tmp_path):
    """The GUI path imports much more than the self-test (every screen, QtWidgets, printing):
    start it offscreen on an empty data dir — that is demo mode, with a local HQ (FastAPI,
    uvicorn) — and check it is still running after a while."""
    proc = subprocess.Popen([str(unpacked / "app" / plan.GUI_EXE), "--data-dir", str(tmp_path / "data")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env(tmp_path))
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        pass  # still running: the window is up (offscreen) and waiting for the clerk
    else:
        out, err = proc.communicate()
        pytest.fail(f"the GUI exited with {proc.returncode}:\n{out[-2000:]}\n{err[-4000:]}")
    finally:
        proc.kill()
        proc.communicate()
