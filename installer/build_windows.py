#!/usr/bin/env python3
"""Build the Windows installer (run on Windows 10/11 x64 with Inno Setup 6 installed).

    py -m venv .venv && .venv\\Scripts\\pip install --require-hashes -r requirements\\bundle.lock
    .venv\\Scripts\\pip install --no-deps -e .
    .venv\\Scripts\\python installer\\build_windows.py [--iscc PATH] [--work DIR]

1. PyInstaller (installer/fundclient.spec) -> WORK/dist/fundclient/ with fundclient.exe
   (no console: Start menu, nightly task) and fundclient-cli.exe (console: selftest, backup);
2. runs the bundled `fundclient-cli.exe selftest --require-qt` (offscreen) — a broken bundle
   never becomes an installer;
3. ISCC.exe installer/windows/fundclient.iss -> dist/fundclient-VERSION-windows-setup.exe.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bundle_plan as plan  # noqa: E402

ISS = Path(__file__).resolve().parent / "windows" / "fundclient.iss"
ISCC_GUESSES = [r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe", r"C:\Program Files\Inno Setup 6\ISCC.exe"]


def find_iscc(explicit: str | None) -> str:
    for candidate in [explicit, shutil.which("ISCC"), *ISCC_GUESSES]:
        if candidate and Path(candidate).exists():
            return candidate
    raise SystemExit("ISCC.exe (Inno Setup 6) not found: install it or pass --iscc")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iscc", help="path of ISCC.exe")
    parser.add_argument("--work", type=Path, default=plan.BUILD / "windows")
    args = parser.parse_args(argv)
    if sys.platform != "win32":
        raise SystemExit("build the Windows installer on Windows")
    iscc = find_iscc(args.iscc)
    bundle = plan.run_pyinstaller(args.work.resolve(), "win32")
    with tempfile.TemporaryDirectory() as data:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        subprocess.run([str(bundle / (plan.CLI_EXE + ".exe")), "--data-dir", data, "selftest", "--require-qt"],
                       check=True, env=env)
    subprocess.run([iscc, f"/DAppVersion={plan.version()}", f"/DBundleDir={bundle}",
                    f"/DOutputDir={plan.DIST}", f"/DNightlySyncTime={plan.nightly_sync_time()}", str(ISS)], check=True)
    print(plan.DIST / f"fundclient-{plan.version()}-windows-setup.exe")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
