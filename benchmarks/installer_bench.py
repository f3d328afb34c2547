#!/usr/bin/env python3
"""Build the Linux bundle and time it: PyInstaller + packing (wall and CPU), sizes, and the
bundled self-test's start-to-exit time.

    .venv/bin/python benchmarks/installer_bench.py [--work DIR]
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import resource
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=None)
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="fundclient-bench-"))
    if args.work is None:
        atexit.register(shutil.rmtree, work, ignore_errors=True)  # benchmarks leave no temp dirs behind
    wall, cpu = time.monotonic(), children_cpu()
    out = subprocess.run([sys.executable, str(ROOT / "installer" / "build_linux.py"), "--out", str(work / "out"),
                          "--work", str(work / "work")], check=True, capture_output=True, text=True)
    summary = json.loads(out.stdout.strip().splitlines()[-1])
    build_wall, build_cpu = time.monotonic() - wall, children_cpu() - cpu

    unpacked = work / "unpacked"
    started = time.monotonic()
    with tarfile.open(summary["tarball"]) as tar:
        tar.extractall(unpacked, filter="tar")
    extract = time.monotonic() - started
    exe = unpacked / summary["folder"] / "app" / "fundclient"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    started = time.monotonic()
    subprocess.run([str(exe), "--data-dir", str(work / "data"), "selftest", "--json", "--require-qt"], check=True,
                   capture_output=True, env=env)
    selftest = time.monotonic() - started
    started = time.monotonic()
    subprocess.run([str(exe), "--version"], check=True, capture_output=True, env=env)
    version = time.monotonic() - started

    print(f"build (PyInstaller + pack): wall {build_wall:.0f} s, CPU {build_cpu:.0f} s "
          f"(PyInstaller {summary['pyinstaller_seconds']} s, pack {summary['pack_seconds']} s wall)")
    print(f"bundle unpacked: {summary['bundle_bytes'] / 1e6:.0f} MB; tarball: {summary['tarball_bytes'] / 1e6:.0f} MB")
    print(f"extract tarball: {extract:.1f} s; bundled selftest: {selftest:.1f} s; --version: {version:.2f} s")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
