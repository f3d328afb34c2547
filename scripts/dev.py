#!/usr/bin/env python3
"""One entry point for newcomers and CI: set up the environment, then run the app or the tests.

    python3 scripts/dev.py run     # create/refresh .venv, start fundclient (demo when unconfigured)
    python3 scripts/dev.py test    # create/refresh .venv and .venv-core, run every check
    python3 scripts/dev.py lock    # after changing dependencies in pyproject.toml: remake requirements/*.lock

The environments are installed from the hash-pinned locks in requirements/ (the versions the
installers ship are the versions the tests ran against); pyproject.toml keeps the ranges.

Uses only the standard library so it works on a fresh machine before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FULL_VENV = ROOT / ".venv"
CORE_VENV = ROOT / ".venv-core"
# Debian packages the tests and the offscreen Qt platform need on a bare machine.
SYSTEM_PACKAGES = {
    "pdftotext": "poppler-utils",
    "initdb": "postgresql",
    "objdump": "binutils",  # PyInstaller's Linux build
    "chromium": "chromium",  # the HQ console journeys (Playwright drives Debian's browser, never a download)
    "Xvfb": "xvfb",  # the journey in a real X window (tests/journeys/test_xvfb_journey.py)
    "openbox": "openbox",  # ... with a window manager
    "nginx": "nginx",  # the national-load test: HQ nodes behind Debian's nginx (tests/sync/test_hq_national_load.py)
    "haproxy": "haproxy",  # ... and the HAProxy configuration of docs/hq-deploy/ checked and used
}
QT_RUNTIME_LIBS = ["libegl1", "libgl1", "libxkbcommon0", "libfontconfig1", "libglib2.0-0", "libdbus-1-3",
                   # Qt's xcb platform (the Xvfb journey)
                   "libxkbcommon-x11-0", "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxcb-image0",
                   "libxcb-render-util0", "libxcb-randr0", "libxcb-shape0", "libxcb-xkb1", "libxcb-xinerama0"]
POSTGRES_BIN_GLOB = "/usr/lib/postgresql/*/bin"
LOCKS = ROOT / "requirements"
# lock -> (extras of pyproject.toml, more uv inputs). bundle.lock is what the installers ship
# (installer/bundle_plan.py checks the build environment against it); the others are pinned to it.
LOCK_SPECS = {
    "bundle.lock": (["gui", "hq", "build"], []),
    "dev.lock": (["dev"], ["-c", "requirements/bundle.lock"]),
    "core.lock": ([], ["requirements/core-test.in", "-c", "requirements/dev.lock"]),
}
LOCK_PYTHON = "3.11"
# Office PCs (Windows 10/11 x64) and Linux PCs with glibc >= 2.34 (Debian 12, Ubuntu 22.04):
# every locked dependency of the bundle must have a wheel for each (nothing compiles on site).
WHEEL_PLATFORMS = ("x86_64-pc-windows-msvc", "x86_64-manylinux_2_34")


def log(text: str) -> None:
    print(f"[dev] {text}", flush=True)


def run(cmd: list[str], **kwargs) -> int:
    log(" ".join(str(c) for c in cmd))
    return subprocess.call(cmd, cwd=ROOT, **kwargs)


def venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def ensure_venv(venv: Path, lock: str, extras: str = "") -> Path:
    """Create the venv and (re)install from requirements/LOCK (hashes required) plus this checkout
    (editable, no dependencies of its own) when pyproject.toml or the lock changed."""
    python = venv_python(venv)
    if not python.exists():
        subprocess.check_call([sys.executable, "-m", "venv", str(venv)])
    stamp = venv / ".fundclient-installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + (LOCKS / lock).read_bytes()
                            + extras.encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return python
    subprocess.check_call([str(python), "-m", "pip", "install", "-q", "--upgrade", "pip"])
    subprocess.check_call([str(python), "-m", "pip", "install", "-q", "--require-hashes", "-r", str(LOCKS / lock)])
    subprocess.check_call([str(python), "-m", "pip", "install", "-q", "--no-deps", "-e", str(ROOT)])
    if subprocess.call([str(python), "-c", REQUIREMENTS_MET, extras]) != 0:
        raise SystemExit(f"requirements/{lock} does not satisfy pyproject.toml: run `python3 scripts/dev.py lock`")
    stamp.write_text(wanted)
    return python


# Run inside a venv: are fundclient's requirements (with the named extras) all installed?
REQUIREMENTS_MET = """
import sys
from importlib.metadata import PackageNotFoundError, requires, version
from packaging.requirements import Requirement
extras = [e for e in sys.argv[1].split(",") if e]
missing = []
def check(extra):
    for text in requires("fundclient") or []:
        req = Requirement(text)
        if req.marker is not None and not any(req.marker.evaluate({"extra": e}) for e in [extra]):
            continue
        if req.name == "fundclient":
            for e in req.extras:
                check(e)
            continue
        try:
            if not req.specifier.contains(version(req.name), prereleases=True):
                missing.append(f"{req} (installed {version(req.name)})")
        except PackageNotFoundError:
            missing.append(str(req))
for e in extras or [""]:
    check(e)
for m in missing:
    print("[dev] not in the lock:", m)
sys.exit(1 if missing else 0)
"""


def cmd_lock(args: list[str]) -> int:
    """Remake requirements/*.lock from pyproject.toml (newest versions within its ranges)."""
    uv = venv_python(FULL_VENV).parent / "uv"
    if not uv.exists():
        subprocess.check_call([str(venv_python(FULL_VENV)), "-m", "pip", "install", "-q", "uv>=0.5"])
    for name, (extras, more) in LOCK_SPECS.items():
        cmd = [str(uv), "pip", "compile", "pyproject.toml", *more, *[f"--extra={e}" for e in extras],
               "--universal", "--python-version", LOCK_PYTHON, "--generate-hashes", "--only-binary", ":all:",
               "--no-header", "--quiet", "-o", f"requirements/{name}", *args]
        if run(cmd) != 0:
            return 1
    return check_wheels()


def check_wheels() -> int:
    """Every dependency the bundle locks has a wheel for each platform the offices run."""
    uv = venv_python(FULL_VENV).parent / "uv"
    for platform in WHEEL_PLATFORMS:
        log(f"wheels for {platform}")
        if run([str(uv), "pip", "compile", "requirements/bundle.lock", "--no-deps", "--only-binary", ":all:",
                "--python-platform", platform, "--python-version", LOCK_PYTHON, "--quiet", "-o", os.devnull]) != 0:
            log(f"requirements/bundle.lock has a dependency without a wheel for {platform}")
            return 1
    return 0


def ensure_system_packages() -> None:
    """Install missing Debian packages when we may (root on Debian); otherwise just say what is missing."""
    missing = [pkg for tool, pkg in SYSTEM_PACKAGES.items() if not _have_tool(tool)]
    missing += [lib for lib in QT_RUNTIME_LIBS if not _have_deb(lib)]
    if not missing:
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.call(["apt-get", "update", "-qq"], env=env)
        subprocess.check_call(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], env=env)
    else:
        log("missing system packages (install them with your package manager): " + " ".join(missing))


def _have_tool(tool: str) -> bool:
    if shutil.which(tool) or (tool in ("nginx", "haproxy") and Path("/usr/sbin", tool).exists()):
        return True
    return tool == "initdb" and bool(list(Path("/").glob(POSTGRES_BIN_GLOB.lstrip("/") + "/initdb")))


def _have_deb(package: str) -> bool:
    if not shutil.which("dpkg-query"):
        return True
    out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True)
    return "install ok installed" in out.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ThrowawayPostgres:
    """A PostgreSQL cluster in a temp dir on 127.0.0.1, for the HQ tests; removed afterwards."""

    def __init__(self) -> None:
        self.dir: Path | None = None
        self.url: str | None = None
        self._bin: Path | None = None

    def start(self) -> str | None:
        found = sorted(Path("/").glob(POSTGRES_BIN_GLOB.lstrip("/")))
        if not found:
            log("PostgreSQL not found: HQ-on-PostgreSQL tests will fail")
            return None
        self._bin = found[-1]
        self.dir = Path(tempfile.mkdtemp(prefix="fundclient-pg-"))
        port = _free_port()
        as_user = self._as_user()
        if as_user:
            shutil.chown(self.dir, user="postgres")
        data = self.dir / "data"
        subprocess.check_call(as_user + [str(self._bin / "initdb"), "-D", str(data), "-U", "fund", "-A", "trust"],
                              stdout=subprocess.DEVNULL)
        subprocess.check_call(as_user + [str(self._bin / "pg_ctl"), "-D", str(data), "-l", str(self.dir / "log"),
                                         "-o", f"-p {port} -h 127.0.0.1 -k {self.dir}", "-w", "start"],
                              stdout=subprocess.DEVNULL)
        subprocess.check_call(as_user + [str(self._bin / "createdb"), "-h", "127.0.0.1", "-p", str(port),
                                         "-U", "fund", "fundhq_test"])
        self.url = f"postgresql+psycopg://fund@127.0.0.1:{port}/fundhq_test"
        return self.url

    def stop(self) -> None:
        if self.dir and self._bin:
            subprocess.call(self._as_user() + [str(self._bin / "pg_ctl"), "-D", str(self.dir / "data"),
                                               "-m", "immediate", "stop"], stdout=subprocess.DEVNULL)
            shutil.rmtree(self.dir, ignore_errors=True)

    @staticmethod
    def _as_user() -> list[str]:
        # PostgreSQL refuses to run as root.
        if os.name != "nt" and os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--"]
        return []


def cmd_run(args: list[str]) -> int:
    python = ensure_venv(FULL_VENV, "dev.lock", "dev")
    return run([str(python), "-m", "fundclient", *args])


def cmd_test(args: list[str]) -> int:
    started = time.monotonic()
    ensure_system_packages()
    python = ensure_venv(FULL_VENV, "dev.lock", "dev")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    env.pop("DISPLAY", None)

    log("locked dependencies: a wheel for every office platform")
    if check_wheels() != 0:
        return 1

    log("architecture contracts (import-linter)")
    if run([str(venv_python(FULL_VENV).parent / "lint-imports")], env=env) != 0:
        return 1

    log("core tests without Qt installed")
    core = ensure_venv(CORE_VENV, "core.lock")
    if subprocess.call([str(core), "-c", "import PySide6"], stderr=subprocess.DEVNULL) == 0:
        log("PySide6 leaked into the core environment")
        return 1
    code = run([str(core), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/core", *args], env=env)
    if code != 0:
        return code or 1

    pg = ThrowawayPostgres()
    if "FUNDCLIENT_TEST_PG_URL" not in env:
        try:
            url = pg.start()
        except (OSError, subprocess.CalledProcessError) as exc:  # the PostgreSQL tests then fail loudly
            log(f"could not start PostgreSQL: {exc}")
            pg.stop()
            url = None
        if url:
            env["FUNDCLIENT_TEST_PG_URL"] = url
    try:
        log("full test suite")
        code = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests", *args], env=env)
    finally:
        pg.stop()
    log(f"finished in {time.monotonic() - started:.0f} s")
    # pytest exits 5 when it collected nothing: that is a failure, not a pass.
    return code if code != 5 else 1


def main(argv: list[str]) -> int:
    commands = {"run": cmd_run, "test": cmd_test, "lock": cmd_lock}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
