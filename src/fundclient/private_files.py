"""The one way the small files beside the DB are written and their folders made: owner-only.

`write_json_atomic`: temp file created exclusively with mode 0600 (never through a file or link
someone left at the temp name), fsync, rename — a crash leaves the old or the new file, never
half. `private_dir`: a folder made (or tightened to) 0700. docs/security.md "File modes" lists
what is written this way (settings.json, enrolment.json, keystore.json, device/, …). On Windows
the modes are not enforced: the installer restricts the data folder's ACL instead.

Beside errors.py so config, storage and sync all use it.
"""

from __future__ import annotations

import json
import os
from contextlib import suppress
from pathlib import Path
from typing import Any

FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(path: Path) -> Path:
    """Make `path` (and missing parents) and make sure the folder itself is 0700."""
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    if os.name != "nt":
        with suppress(OSError):  # not ours (e.g. a shared mount): leave it
            if path.stat().st_mode & 0o777 != DIR_MODE:
                os.chmod(path, DIR_MODE)
    return path


def write_json_atomic(path: Path, data: Any, *, durable: bool = True, sync_dir: bool = True) -> None:
    """Write to a temp file (0600), fsync, rename: a crash leaves the old or the new file, never half."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
    write_bytes_atomic(path, text.encode("utf-8"), durable=durable, sync_dir=sync_dir)


def write_bytes_atomic(path: Path, data: bytes, *, durable: bool = True, sync_dir: bool = True) -> None:
    """`write_json_atomic` for bytes (e.g. an encrypted file)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with suppress(FileNotFoundError):
        os.unlink(tmp)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), FILE_MODE)
    with open(fd, "wb") as fh:
        fh.write(data)
        if durable:
            fh.flush()
            os.fsync(fh.fileno())
    os.replace(tmp, path)
    if durable and sync_dir and hasattr(os, "O_DIRECTORY"):
        fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
