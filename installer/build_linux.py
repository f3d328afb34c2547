#!/usr/bin/env python3
"""Build the Linux bundle: PyInstaller one-folder app, packed as a tarball with install.sh.

    .venv/bin/python installer/build_linux.py [--out DIR] [--work DIR] [--reuse]

Needs exactly the locked dependencies in the running Python
(`pip install --require-hashes -r requirements/bundle.lock && pip install --no-deps -e .`).
Writes OUT/fundclient-VERSION-linux-ARCH.tar.gz holding:

    fundclient-VERSION-linux-ARCH/
      app/                 the one-folder program (app/fundclient is the executable)
      install.sh           installs/updates for the current user (~/.local/opt/fundclient)
      uninstall.sh         removes the program, keeps the data
      share/               .desktop entry (Name[ar]) and the systemd user timer + service
      docs/install.md      the install guide (Arabic and English)

Prints a JSON summary (paths, sizes, seconds) as its last line.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bundle_plan as plan  # noqa: E402

HERE = Path(__file__).resolve().parent
LINUX_FILES = HERE / "linux"
SHARE_FILES = ("fundclient.desktop", "fundclient-sync.service", "fundclient-sync.timer")
SCRIPTS = ("install.sh", "uninstall.sh")


def rendered(name: str) -> bytes:
    """A share/ file as packed: the nightly time (src/fundclient/nightly.py, the one place it is
    written) filled in; @PREFIX@ is left for install.sh."""
    return (LINUX_FILES / name).read_text(encoding="utf-8").replace(
        "@NIGHTLY_SYNC_TIME@", plan.nightly_sync_time()).encode("utf-8")


def pack(bundle: Path, tarball: Path, folder: str, level: int = 6) -> None:
    """Write the tarball straight from the bundle (no staging copy of ~400 MB)."""
    tarball.parent.mkdir(parents=True, exist_ok=True)
    tmp = tarball.with_name(tarball.name + ".part")
    guide = plan.ROOT / "docs" / "install.md"
    # Level 6 (release): 167 MB in ~20 s CPU; level 1 (tests): 183 MB in ~7 s. 9 gains ~1 %.
    with tarfile.open(tmp, "w:gz", compresslevel=level) as tar:
        tar.add(bundle, arcname=f"{folder}/app")
        for name in SCRIPTS:
            info = tar.gettarinfo(LINUX_FILES / name, arcname=f"{folder}/{name}")
            info.mode = 0o755
            with open(LINUX_FILES / name, "rb") as fh:
                tar.addfile(info, fh)
        for name in SHARE_FILES:
            text = rendered(name)
            info = tar.gettarinfo(LINUX_FILES / name, arcname=f"{folder}/share/{name}")
            info.size = len(text)
            tar.addfile(info, io.BytesIO(text))
        if guide.exists():
            tar.add(guide, arcname=f"{folder}/docs/install.md")
            tar.add(guide, arcname=f"{folder}/app/docs/install.md")
        version = (plan.version() + "\n").encode()
        info = tarfile.TarInfo(f"{folder}/VERSION")
        info.size, info.mode, info.mtime = len(version), 0o644, int(time.time())
        tar.addfile(info, io.BytesIO(version))
    tmp.replace(tarball)


def build(out: Path, work: Path, reuse: bool = False, level: int = 6) -> dict:
    started = time.monotonic()
    bundle = work / "dist" / plan.BUNDLE_NAME
    if not (reuse and (bundle / plan.GUI_EXE).is_file()):
        bundle = plan.run_pyinstaller(work, "linux")
    built = time.monotonic()
    name = f"fundclient-{plan.version()}-linux-{platform.machine() or 'unknown'}"
    tarball = out / f"{name}.tar.gz"
    pack(bundle, tarball, name, level)
    return {"tarball": str(tarball), "folder": name, "bundle_bytes": plan.tree_size(bundle),
            "tarball_bytes": tarball.stat().st_size, "pyinstaller_seconds": round(built - started, 1),
            "pack_seconds": round(time.monotonic() - built, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=plan.DIST, help="where the tarball goes (default dist/)")
    parser.add_argument("--work", type=Path, default=plan.BUILD / "linux", help="build dir (default build/linux)")
    parser.add_argument("--reuse", action="store_true", help="skip PyInstaller when a bundle is already built")
    parser.add_argument("--compress-level", type=int, default=6, choices=range(1, 10), metavar="1-9",
                        help="gzip level (default 6; tests use 1 to save CPU)")
    args = parser.parse_args(argv)
    summary = build(args.out.resolve(), args.work.resolve(), args.reuse, args.compress_level)
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
