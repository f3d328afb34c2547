"""A hostile removable drive for tests: every kind of name a reader must skip, beside good files.

    from hostile_drive import make_hostile_drive
    hostile = make_hostile_drive(folder, suffix=".fcb", max_bytes=LIMIT, good=b"...")

Creates in `folder` (names all end in `suffix`):
  link-to-file   a symlink to a good file outside the folder (a reader must not follow it)
  link-to-zero   a symlink to /dev/zero (unbounded read if followed)
  dangling       a symlink to nowhere
  link-to-dir    a symlink to a directory
  fifo           a FIFO (a blocking open/read would hang forever)
  directory      a directory named like a file
  truncated      the first half of `good` (read, then refused by the parser)
  oversize       a sparse regular file of max_bytes + 1 (never read)
  empty          an empty regular file
and the names of the ones a reader must skip, with their expected reason code.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class HostileDrive:
    folder: Path
    outside: Path  # the file link-to-file points at (a writer must never touch it)
    expected_skips: dict[str, str] = field(default_factory=dict)  # name -> Skip value
    readable: list[str] = field(default_factory=list)  # names read (then judged by the parser)


def make_hostile_drive(folder: Path, *, suffix: str, max_bytes: int, good: bytes = b"good") -> HostileDrive:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    outside = folder.parent / f"outside-the-drive{suffix}"
    outside.write_bytes(good)
    elsewhere = folder.parent / "some-directory"
    elsewhere.mkdir(exist_ok=True)
    drive = HostileDrive(folder, outside)

    def name(stem: str) -> str:
        return f"{stem}{suffix}"

    os.symlink(outside, folder / name("link-to-file"))
    drive.expected_skips[name("link-to-file")] = "link"
    os.symlink("/dev/zero", folder / name("link-to-zero"))
    drive.expected_skips[name("link-to-zero")] = "link"
    os.symlink(folder / "nowhere", folder / name("dangling"))
    drive.expected_skips[name("dangling")] = "link"
    os.symlink(elsewhere, folder / name("link-to-dir"))
    drive.expected_skips[name("link-to-dir")] = "link"
    os.mkfifo(folder / name("fifo"))
    drive.expected_skips[name("fifo")] = "fifo"
    (folder / name("directory")).mkdir()
    drive.expected_skips[name("directory")] = "directory"
    with open(folder / name("oversize"), "wb") as fh:
        fh.truncate(max_bytes + 1)
    drive.expected_skips[name("oversize")] = "oversize"
    (folder / name("truncated")).write_bytes(good[: max(1, len(good) // 2)])
    drive.readable.append(name("truncated"))
    (folder / name("empty")).write_bytes(b"")
    drive.readable.append(name("empty"))
    return drive
