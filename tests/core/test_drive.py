"""fundclient.drive on a hostile drive: only regular files are read, everything else is skipped
with a typed reason, one bad name never stops the others, writes are exclusive and never
through a link."""

from __future__ import annotations

import os
import threading

import pytest

from fundclient import drive
from fundclient.drive import DriveError, Skip
from hostile_drive import make_hostile_drive

LIMIT = 4096

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX drive fixture (links, FIFOs)")


@pytest.fixture
def hostile(tmp_path):
    folder = tmp_path / "drive"
    hostile = make_hostile_drive(folder, suffix=".fcb", max_bytes=LIMIT, good=b"G" * 100)
    (folder / "good-1.fcb").write_bytes(b"one")
    (folder / "good-2.fcb").write_bytes(b"two" * 10)
    (folder / "notes.txt").write_text("not a batch")
    (folder / "._good-1.fcb").write_bytes(b"\x00\x05\x16\x07 AppleDouble")
    return hostile


def test_every_hostile_name_is_skipped_with_its_reason_and_good_files_are_read(hostile):
    done = []
    worker = threading.Thread(target=lambda: done.append(drive.read_folder(hostile.folder, suffix=".fcb",
                                                                           max_bytes=LIMIT)), daemon=True)
    worker.start()
    worker.join(30)
    assert done, "reading the drive hung (FIFO opened blocking?)"
    files = {f.name: f for f in done[0]}
    assert "notes.txt" not in files
    for name, reason in hostile.expected_skips.items():
        assert files[name].skip == Skip(reason), name
        assert files[name].data is None
    assert files["._good-1.fcb"].skip is Skip.HIDDEN
    assert files["good-1.fcb"].data == b"one" and files["good-1.fcb"].ok
    assert files["good-2.fcb"].data == b"two" * 10
    assert files["truncated.fcb"].data == b"G" * 50
    assert files["empty.fcb"].data == b""
    assert [f.name for f in done[0]] == sorted(files)


def test_limit_is_exact(tmp_path):
    (tmp_path / "at.fcb").write_bytes(b"x" * LIMIT)
    (tmp_path / "over.fcb").write_bytes(b"x" * (LIMIT + 1))
    files = {f.name: f for f in drive.read_folder(tmp_path, suffix=".fcb", max_bytes=LIMIT)}
    assert files["at.fcb"].data == b"x" * LIMIT
    assert files["over.fcb"].skip is Skip.OVERSIZE
    assert "4096" in files["over.fcb"].reason().en and "4096" in files["over.fcb"].reason().ar


def test_read_file_refuses_a_link_and_a_fifo_given_by_name(hostile):
    assert drive.read_file(hostile.folder / "link-to-zero.fcb", LIMIT).skip is Skip.LINK
    assert drive.read_file(hostile.folder / "fifo.fcb", LIMIT).skip is Skip.FIFO
    assert drive.read_file(hostile.folder / "absent.fcb", LIMIT).skip is Skip.MISSING
    assert drive.read_file(hostile.folder / "good-1.fcb", LIMIT).data == b"one"


def test_a_linked_subfolder_is_not_entered(tmp_path):
    real = tmp_path / "elsewhere"
    real.mkdir()
    (real / "secret.fcb").write_bytes(b"s")
    top = tmp_path / "drive"
    top.mkdir()
    os.symlink(real, top / "fundclient-batches")
    with drive.open_folder(top) as folder:
        assert folder.subfolder("fundclient-batches") is None
    (tmp_path / "plain").mkdir()
    with drive.open_folder(tmp_path) as folder:
        with folder.subfolder("plain") as sub:
            assert sub.read_all(max_bytes=10) == []


def test_too_many_names_are_skipped_not_read(tmp_path):
    for n in range(5):
        (tmp_path / f"{n}.fcb").write_bytes(b"x")
    files = drive.read_folder(tmp_path, suffix=".fcb", max_bytes=10, max_files=3)
    assert [f.skip for f in files] == [None, None, None, Skip.TOO_MANY, Skip.TOO_MANY]


def test_create_never_writes_through_a_link_or_over_a_file(hostile):
    victim = hostile.outside
    before = victim.read_bytes()
    target = "fundclient-acks.json"
    os.symlink(victim, hostile.folder / target)
    with pytest.raises(DriveError) as err:
        drive.create_file(hostile.folder, target, b"{}")
    assert err.value.code == "drive_file_exists"
    assert victim.read_bytes() == before
    os.symlink(hostile.folder.parent / "would-be-created", hostile.folder / "dangling.json")
    with pytest.raises(DriveError):
        drive.create_file(hostile.folder, "dangling.json", b"{}")
    assert not (hostile.folder.parent / "would-be-created").exists()
    with pytest.raises(DriveError):
        drive.create_file(hostile.folder, "good-1.fcb", b"overwritten")
    assert (hostile.folder / "good-1.fcb").read_bytes() == b"one"


def test_create_unique_picks_a_free_name_and_writes_the_bytes(tmp_path):
    os.symlink(tmp_path / "victim", tmp_path / "acks.json")
    with drive.open_folder(tmp_path) as folder:
        first = folder.create_unique("acks", ".json", b"1")
        second = folder.create_unique("acks", ".json", b"2")
    assert (first.name, second.name) == ("acks-2.json", "acks-3.json")
    assert first.read_bytes() == b"1" and second.read_bytes() == b"2"
    assert not (tmp_path / "victim").exists()


def test_names_are_printed_without_control_characters():
    assert drive.display_name("a\x1b[2Jb.fcb") == "a\ufffd[2Jb.fcb"
    bad = b"x\xff.fcb".decode("utf-8", "surrogateescape")
    assert drive.display_name(bad) == "x\ufffd.fcb"


def test_summary_names_each_skipped_file_in_both_languages(hostile):
    files = drive.read_folder(hostile.folder, suffix=".fcb", max_bytes=LIMIT)
    lines = drive.summary_lines(files)
    fifo = next(line for line in lines if line.startswith("fifo.fcb"))
    assert "FIFO" in fifo and "أنبوب" in fifo


def test_a_plain_name_is_required():
    with pytest.raises(ValueError):
        with drive.open_folder("/") as folder:
            folder.read("../etc/passwd", 10)
