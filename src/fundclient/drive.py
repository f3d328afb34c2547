"""Reading from and writing onto a removable drive, which is hostile until proven otherwise.

One mechanism for every file that crosses a drive (HQ's `import-batches`, the office's
`import-acks`, reference and enrolment files):

* **Reading** (`read_folder`, `read_file`): only regular files are read. Each name is checked
  with lstat, opened with O_NOFOLLOW|O_NONBLOCK (a FIFO never blocks, a link is never
  followed), checked again with fstat (still the same regular file, not larger than the limit)
  and read with a bounded read. Anything else — a link (to a file, to /dev/zero, dangling), a
  FIFO, a device, a socket, a directory, an oversize or unreadable file — comes back as a
  `DriveFile` with a typed `Skip` reason; one bad file never stops the others.
* **Writing** (`create_file`): a new file created exclusively (O_CREAT|O_EXCL|O_NOFOLLOW): never
  through a link, never over an existing file; fsynced, then the folder is fsynced.

On POSIX every name is resolved relative to the opened folder (dir_fd), so the folder cannot be
swapped for a link between the check and the use. The folder the user names is followed (it is
the mount point they chose); sub-folders are opened without following links.

This module sits beside errors.py so every layer (sync/, hq/, storage/, services/) can use it.
"""

from __future__ import annotations

import enum
import os
import stat
import unicodedata
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterator

from fundclient.errors import FundError, Message

_O_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_O_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_O_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_O_NOCTTY = getattr(os, "O_NOCTTY", 0)
_O_BINARY = getattr(os, "O_BINARY", 0)
_O_DIRECTORY = getattr(os, "O_DIRECTORY", 0)
_DIR_FD = os.open in os.supports_dir_fd and os.stat in os.supports_dir_fd and os.scandir in os.supports_fd

DEFAULT_MAX_FILES = 10_000  # names looked at in one folder; beyond that, skipped as too_many


class Skip(str, enum.Enum):
    """Why a file on a drive was not read (the value is the stable reason code)."""

    LINK = "link"
    DIRECTORY = "directory"
    FIFO = "fifo"
    DEVICE = "device"
    SOCKET = "socket"
    NOT_REGULAR = "not_regular"
    OVERSIZE = "oversize"
    UNREADABLE = "unreadable"
    CHANGED = "changed"
    HIDDEN = "hidden"
    TOO_MANY = "too_many"
    MISSING = "missing"


SKIP_MESSAGES: dict[Skip, Message] = {
    Skip.LINK: Message("a link, not a file: skipped"),
    Skip.DIRECTORY: Message("a folder, not a file: skipped"),
    Skip.FIFO: Message("a pipe (FIFO), not a file: skipped"),
    Skip.DEVICE: Message("a device, not a file: skipped"),
    Skip.SOCKET: Message("a socket, not a file: skipped"),
    Skip.NOT_REGULAR: Message("not a regular file: skipped"),
    Skip.OVERSIZE: Message("larger than the limit ({limit} bytes): skipped"),
    Skip.UNREADABLE: Message("could not be read: skipped"),
    Skip.CHANGED: Message("changed while being read: skipped"),
    Skip.HIDDEN: Message("a hidden file: skipped"),
    Skip.TOO_MANY: Message("too many files in the folder: skipped"),
    Skip.MISSING: Message("no such file"),
}

DRIVE_WRITE_FAILED = Message("could not write {name} onto the drive")
DRIVE_FILE_EXISTS = Message("{name} already exists on the drive (file or link): not written over")
DRIVE_FOLDER_BAD = Message("{name} on the drive is not a plain folder (a link, or missing)")


class DriveError(FundError):
    """A drive folder cannot be used, or a file could not be written onto it."""


@dataclass(frozen=True)
class DriveFile:
    """One name in a drive folder: its bytes, or why they were not read."""

    name: str
    path: Path
    data: bytes | None = None
    skip: Skip | None = None
    limit: int = 0

    @property
    def ok(self) -> bool:
        return self.skip is None

    @property
    def display_name(self) -> str:
        return display_name(self.name)

    def reason(self) -> Message | None:
        if self.skip is None:
            return None
        return SKIP_MESSAGES[self.skip].format(limit=self.limit)


def display_name(name: str) -> str:
    """A file name safe to print: undecodable bytes and control characters (a name can carry
    terminal escape sequences) become U+FFFD."""
    text = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join("\ufffd" if unicodedata.category(ch) in ("Cc", "Cf", "Cs") else ch for ch in text)


def _kind(mode: int) -> Skip | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return Skip.LINK
    if stat.S_ISDIR(mode):
        return Skip.DIRECTORY
    if stat.S_ISFIFO(mode):
        return Skip.FIFO
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return Skip.DEVICE
    if stat.S_ISSOCK(mode):
        return Skip.SOCKET
    return Skip.NOT_REGULAR


def _is_link(st: os.stat_result) -> bool:
    # Windows: junctions and other reparse points are links too.
    return stat.S_ISLNK(st.st_mode) or bool(getattr(st, "st_file_attributes", 0)
                                            & getattr(stat, "FILE_ATTRIBUTE_REPARSE_POINT", 0))


class DriveFolder:
    """An opened folder on a drive. Use as a context manager."""

    def __init__(self, path: Path, *, follow: bool = True, _fd: int | None = None) -> None:
        self.path = Path(path)
        self._fd: int | None = _fd
        if _fd is None and _DIR_FD:
            flags = os.O_RDONLY | _O_DIRECTORY | _O_CLOEXEC | (0 if follow else _O_NOFOLLOW)
            try:
                self._fd = os.open(self.path, flags)
            except OSError as exc:
                raise DriveError(DRIVE_FOLDER_BAD.format(name=display_name(str(path))), code="drive_folder") from exc
        elif _fd is None:
            st = self._lstat_path(self.path) if not follow else None
            if (st is not None and (_is_link(st) or not stat.S_ISDIR(st.st_mode))) or not self.path.is_dir():
                raise DriveError(DRIVE_FOLDER_BAD.format(name=display_name(str(path))), code="drive_folder")

    @staticmethod
    def _lstat_path(path: Path) -> os.stat_result | None:
        try:
            return os.lstat(path)
        except OSError:
            return None

    def __enter__(self) -> "DriveFolder":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    # -- names ------------------------------------------------------------------------------

    def _lstat(self, name: str) -> os.stat_result:
        if self._fd is not None:
            return os.stat(name, dir_fd=self._fd, follow_symlinks=False)
        return os.lstat(self.path / name)

    def _open(self, name: str, flags: int, mode: int = 0o600) -> int:
        if self._fd is not None:
            return os.open(name, flags, mode, dir_fd=self._fd)
        return os.open(self.path / name, flags, mode)

    def names(self) -> list[str]:
        """Every name in the folder, sorted (no recursion; entries are not followed)."""
        if self._fd is not None:
            with os.scandir(self._fd) as it:
                return sorted(entry.name for entry in it)
        with os.scandir(self.path) as it:
            return sorted(entry.name for entry in it)

    def subfolder(self, name: str) -> "DriveFolder | None":
        """A sub-folder, opened without following a link; None if there is no plain folder
        of that name (missing, a link, a file)."""
        _check_name(name)
        try:
            st = self._lstat(name)
        except OSError:
            return None
        if _is_link(st) or not stat.S_ISDIR(st.st_mode):
            return None
        if self._fd is not None:
            try:
                fd = self._open(name, os.O_RDONLY | _O_DIRECTORY | _O_NOFOLLOW | _O_CLOEXEC)
            except OSError:
                return None
            return DriveFolder(self.path / name, _fd=fd)
        return DriveFolder(self.path / name, follow=False)

    # -- reading ----------------------------------------------------------------------------

    def read(self, name: str, max_bytes: int) -> DriveFile:
        """The bytes of one regular file of at most `max_bytes`, or why not."""
        return self._read(name, max_bytes, chunked=True)

    def open(self, name: str, max_bytes: int) -> BinaryIO:
        """One regular file of at most `max_bytes` (at the time it is opened), opened for
        reading with the same checks as `read` — for a file too large to hold in memory (a
        backup); the caller closes it. Raises DriveError naming the file and why not."""
        result = self._read(name, max_bytes, chunked=False)
        if isinstance(result, DriveFile):
            raise refused(result)
        _, fd = result
        return os.fdopen(fd, "rb")

    def _read(self, name: str, max_bytes: int, *, chunked: bool):
        _check_name(name)
        path = self.path / name

        def skipped(reason: Skip) -> DriveFile:
            return DriveFile(name, path, None, reason, max_bytes)

        try:
            before = self._lstat(name)
        except FileNotFoundError:
            return skipped(Skip.MISSING)
        except OSError:
            return skipped(Skip.UNREADABLE)
        if _is_link(before):
            return skipped(Skip.LINK)
        kind = _kind(before.st_mode)
        if kind is not None:
            return skipped(kind)
        if before.st_size > max_bytes:
            return skipped(Skip.OVERSIZE)
        flags = os.O_RDONLY | _O_NOFOLLOW | _O_NONBLOCK | _O_CLOEXEC | _O_NOCTTY | _O_BINARY
        try:
            fd = self._open(name, flags)
        except OSError:
            # ELOOP: swapped for a link after lstat; anything else: not readable.
            try:
                now = self._lstat(name)
            except OSError:
                return skipped(Skip.UNREADABLE)
            return skipped(Skip.LINK if _is_link(now) else Skip.UNREADABLE)
        try:
            st = os.fstat(fd)
            problem = _kind(st.st_mode)
            if problem is None and (st.st_dev, st.st_ino) != (before.st_dev, before.st_ino) and st.st_ino:
                problem = Skip.CHANGED
            if problem is None and st.st_size > max_bytes:
                problem = Skip.OVERSIZE
        except OSError:
            problem = Skip.UNREADABLE
        except BaseException:
            os.close(fd)
            raise
        if problem is not None:
            os.close(fd)
            return skipped(problem)
        if not chunked:
            return DriveFile(name, path, None, None, max_bytes), fd
        try:
            chunks, total = [], 0
            while total <= max_bytes:
                try:
                    chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
                except BlockingIOError:
                    return skipped(Skip.UNREADABLE)
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
            if total > max_bytes:
                return skipped(Skip.OVERSIZE)
            if total != st.st_size:
                return skipped(Skip.CHANGED)
            return DriveFile(name, path, b"".join(chunks), None, max_bytes)
        except OSError:
            return skipped(Skip.UNREADABLE)
        finally:
            os.close(fd)

    def read_all(self, *, suffix: str = "", max_bytes: int, max_files: int = DEFAULT_MAX_FILES,
                 include_hidden: bool = False) -> list[DriveFile]:
        """Every name ending in `suffix` (exact, case-insensitive), read or skipped with a reason,
        in name order. Hidden names (leading dot: macOS `._x.fcb` companions) are reported as
        skipped unless `include_hidden`."""
        return list(self.iter_all(suffix=suffix, max_bytes=max_bytes, max_files=max_files,
                                  include_hidden=include_hidden))

    def iter_all(self, *, suffix: str = "", max_bytes: int, max_files: int = DEFAULT_MAX_FILES,
                 include_hidden: bool = False) -> Iterator[DriveFile]:
        """Like read_all, one file at a time (only one file's bytes in memory)."""
        wanted = suffix.lower()
        count = 0
        for name in self.names():
            if wanted and not name.lower().endswith(wanted):
                continue
            count += 1
            if count > max_files:
                yield DriveFile(name, self.path / name, None, Skip.TOO_MANY, max_bytes)
            elif name.startswith(".") and not include_hidden:
                yield DriveFile(name, self.path / name, None, Skip.HIDDEN, max_bytes)
            else:
                yield self.read(name, max_bytes)

    # -- writing ----------------------------------------------------------------------------

    def create(self, name: str, data: bytes, *, mode: int = 0o644) -> Path:
        """Write `data` as a NEW file `name`: exclusive create, never through a link, never over
        an existing file; fsync the file and the folder. Raises DriveError (code
        `drive_file_exists` or `drive_write_failed`); a partly written file is removed."""
        _check_name(name)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_NOFOLLOW | _O_CLOEXEC | _O_NOCTTY | _O_BINARY
        try:
            fd = self._open(name, flags, mode)
        except FileExistsError as exc:
            raise DriveError(DRIVE_FILE_EXISTS.format(name=display_name(name)), code="drive_file_exists") from exc
        except OSError as exc:
            raise DriveError(DRIVE_WRITE_FAILED.format(name=display_name(name)), code="drive_write_failed") from exc
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        except OSError as exc:
            os.close(fd)
            fd = -1
            with suppress(OSError):
                self._unlink(name)
            raise DriveError(DRIVE_WRITE_FAILED.format(name=display_name(name)), code="drive_write_failed") from exc
        finally:
            if fd >= 0:
                os.close(fd)
        self._sync()
        return self.path / name

    def create_unique(self, stem: str, suffix: str, data: bytes, *, mode: int = 0o644) -> Path:
        """`create` under `stem+suffix`, or `stem-2+suffix`, `stem-3+suffix`, … when taken."""
        for n in range(1, 1000):
            name = f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}"
            try:
                return self.create(name, data, mode=mode)
            except DriveError as exc:
                if exc.code != "drive_file_exists":
                    raise
        raise DriveError(DRIVE_FILE_EXISTS.format(name=display_name(stem + suffix)), code="drive_file_exists")

    def _unlink(self, name: str) -> None:
        if self._fd is not None:
            os.unlink(name, dir_fd=self._fd)
        else:
            os.unlink(self.path / name)

    def _sync(self) -> None:
        if self._fd is not None:
            with suppress(OSError):  # some drive file systems refuse fsync on a folder
                os.fsync(self._fd)


def _check_name(name: str) -> None:
    """A plain name inside the folder: no separators, not . or .."""
    separators = {"/", os.sep, os.altsep or "/"}  # a backslash is an ordinary character on POSIX
    if not name or name in (".", "..") or "\0" in name or any(sep in name for sep in separators):
        raise ValueError(f"not a plain file name: {name!r}")


def open_folder(path: Path | str, *, follow: bool = True) -> DriveFolder:
    return DriveFolder(Path(path), follow=follow)


def read_folder(path: Path | str, *, suffix: str = "", max_bytes: int,
                max_files: int = DEFAULT_MAX_FILES) -> list[DriveFile]:
    """Every `*suffix` file in the folder the user named, read or skipped with a reason."""
    with open_folder(path) as folder:
        return folder.read_all(suffix=suffix, max_bytes=max_bytes, max_files=max_files)


def read_file(path: Path | str, max_bytes: int) -> DriveFile:
    """One file (e.g. an acks or enrolment file the user named): the file itself must be a
    regular file, not a link; its folder is followed."""
    path = Path(path)
    with open_folder(path.parent) as folder:
        return folder.read(path.name, max_bytes)


def read_user_file(path: Path | str, max_bytes: int) -> bytes:
    """The bytes of one file a person named on the command line (a backup's manifest, a devices
    file, a passphrase file…), read the hostile way like `read_file`; DriveError naming the file
    and the reason otherwise (a link, a FIFO, a folder, oversize, missing…)."""
    item = read_file(path, max_bytes)
    if not item.ok:
        raise refused(item)
    assert item.data is not None
    return item.data


def open_user_file(path: Path | str, max_bytes: int) -> BinaryIO:
    """A file a person named, opened for reading the hostile way (see DriveFolder.open)."""
    path = Path(path)
    with open_folder(path.parent) as folder:
        return folder.open(path.name, max_bytes)


FILE_REFUSED = Message("file {name}: {reason}")


def refused(item: DriveFile) -> DriveError:
    """The one error for a named file that was not read (its name and the typed reason)."""
    reason = item.reason()
    assert reason is not None and item.skip is not None
    return DriveError(FILE_REFUSED.format(name=display_name(str(item.path)), reason=reason),
                      code=f"file_{item.skip.value}")


def create_file(folder: Path | str, name: str, data: bytes, *, mode: int = 0o644) -> Path:
    """Write a new file onto a drive folder exclusively (see DriveFolder.create)."""
    with open_folder(folder) as opened:
        return opened.create(name, data, mode=mode)


def summary_lines(files: list[DriveFile], outcome: dict[str, Message] | None = None) -> list[str]:
    """One line per file in Arabic and English: `name: reason` for a skipped file, or the
    outcome given by the caller (e.g. accepted / refused with a code) for a file that was read."""
    lines = []
    for f in files:
        message = f.reason() if f.skip else (outcome or {}).get(f.name)
        if message is None:
            continue
        lines.append(f"{f.display_name}: {message.ar} | {message.en}")
    return lines
