"""A backup is a whole office (issue #17): restored on a new PC it carries the office's
settings (office code, camera, printers, HQ address), the sequence high-water marks and the
reference data; the new PC gets a device number no card of the office carries (a fresh
provisional one, or HQ's at enrolment), so no card number is issued twice; the data dir is
0700; a backup file read back is hostile: every member typed and checked, the wrong field
named, nothing changed. All through the real CLI on real encrypted files."""

from __future__ import annotations

import csv
import io
import json
import os
import random
import stat
import zipfile
from datetime import date
from pathlib import Path

import pytest

from fundclient.cli import main
from fundclient.config import Settings
from fundclient.domain.national_id import get_scheme
from fundclient.domain.records import Sex
from fundclient.storage import open_store

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "import-example.csv"
HEADERS = EXAMPLE.read_text(encoding="utf-8").splitlines()[0].split(",")
GOOD = EXAMPLE.read_text(encoding="utf-8").splitlines()[1].split(",")
PASSWORD = "admin-pass-1"
FIRST = ["", "أحمد", "سالم", "يوسف", "خليفة", "مفتاح"]
FAMILY = ["", "الورفلي", "الزوي", "المقريف", "السنوسي", "التباوي"]


def run(data_dir, *args):
    return main(["--data-dir", str(data_dir), "--lang", "en", *args])


@pytest.fixture
def password_file(tmp_path):
    path = tmp_path / "pw"
    path.write_text(PASSWORD + "\n", encoding="utf-8")
    return path


def login(password_file):
    return ["--user", "admin", "--password-file", str(password_file)]


@pytest.fixture
def old_pc(tmp_path, password_file):
    """An office set up on its first PC (provisional number 901, no link), camera and printer chosen."""
    data_dir = tmp_path / "old-pc"
    assert main(["--data-dir", str(data_dir), "setup", "--office", "SBH", "--admin", "admin",
                 "--password-file", str(password_file), "--device-number", "901"]) == 0
    settings = Settings.load(data_dir)
    settings.camera, settings.card_printer = "1", "Evolis Primacy"
    settings.extra["receipt_printer"] = "HP LaserJet"
    settings.save(data_dir)
    return data_dir


def register(data_dir, password_file, tmp_path, seed: int) -> None:
    """One beneficiary through `fundclient import` (a card number is issued on save)."""
    values = dict(zip(HEADERS, GOOD))
    values["national_number"] = get_scheme().generate(random.Random(seed), Sex.MALE, date(1955, 3, 1))
    values["name.first"], values["name.family"] = FIRST[seed], FAMILY[seed]  # not a probable duplicate
    values["mobile"] = f"09{seed + 1}{seed:07d}"
    path = tmp_path / f"row-{seed}.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADERS, [values[h] for h in HEADERS]])
    assert run(data_dir, "import", str(path), "--report", str(tmp_path / f"r{seed}.csv"), *login(password_file)) == 0


def card_numbers(data_dir) -> set[str]:
    store, _ = open_store(data_dir, "admin", PASSWORD)
    try:
        with store.read() as conn:
            return {row[0] for row in conn.exec_driver_sql("SELECT card_number FROM beneficiaries")}
    finally:
        store.close()


def backup(data_dir, password_file, to: Path, capsys) -> Path:
    capsys.readouterr()
    assert run(data_dir, "backup", "--to", str(to), *login(password_file)) == 0
    return Path(capsys.readouterr().out.strip().splitlines()[-1])


def test_a_new_pc_gets_the_whole_office_and_a_fresh_device_number(old_pc, password_file, tmp_path, capsys):
    register(old_pc, password_file, tmp_path, 1)
    file = backup(old_pc, password_file, tmp_path / "usb", capsys)
    register(old_pc, password_file, tmp_path, 2)  # printed after the backup: the new PC never has it
    printed = card_numbers(old_pc)
    assert {n.split("-")[1] for n in printed} == {"901"}

    new_pc = tmp_path / "new-pc"
    # The old PC's number is on the office's cards: refused, nothing made.
    assert run(new_pc, "restore", str(file), "--yes", "--device-number", "901") == 2
    assert "Device number 901 is already on this office's cards" in capsys.readouterr().err
    assert not (new_pc / "fundclient.db").exists()

    assert run(new_pc, "restore", str(file), "--yes", "--device-number", "902") == 0
    out = capsys.readouterr().out
    assert "Restored office SBH" in out and "There was no previous data" in out
    assert "provisional device number 902" in out
    assert not list(new_pc.glob("replaced-*"))
    if os.name != "nt":
        assert stat.S_IMODE(new_pc.stat().st_mode) == 0o700
        assert stat.S_IMODE((new_pc / "fundclient.db").stat().st_mode) == 0o600
    settings = Settings.load(new_pc)
    assert (settings.office_code, settings.camera, settings.card_printer) == ("SBH", "1", "Evolis Primacy")
    assert settings.extra["receipt_printer"] == "HP LaserJet"
    assert settings.provisional_device_number == 902 and settings.extra["former_device_numbers"] == [901]
    assert json.loads((new_pc / "sequences.json").read_text())["card"] >= 1

    register(new_pc, password_file, tmp_path, 3)
    new = card_numbers(new_pc) - printed  # a repeated number would not be new
    assert len(new) == 1 and next(iter(new)).startswith("SBH-902-"), new
    # The number the new PC chose travels on: a third PC may use neither 901 nor 902.
    again = backup(new_pc, password_file, tmp_path / "usb2", capsys)
    for taken in ("901", "902"):
        assert run(tmp_path / "third-pc", "restore", str(again), "--yes", "--device-number", taken) == 2
    capsys.readouterr()


def test_a_new_pc_without_a_number_waits_for_enrolment_and_asks_interactively(old_pc, password_file, tmp_path,
                                                                             capsys, monkeypatch):
    register(old_pc, password_file, tmp_path, 1)
    file = backup(old_pc, password_file, tmp_path / "usb", capsys)
    answers = iter(["", "yes"])  # Enter: wait for HQ's number; then confirm
    monkeypatch.setattr("builtins.input", lambda: next(answers))
    new_pc = tmp_path / "new-pc"
    assert run(new_pc, "restore", str(file)) == 0
    out = capsys.readouterr().out
    assert "This PC is new to the office" in out and "(not: 901)" in out
    assert "Cards cannot be numbered on this PC until it is enrolled with HQ" in out
    assert Settings.load(new_pc).provisional_device_number == 0
    answers = iter(["٩٠٥", "yes"])  # typed with Arabic-Indic digits
    monkeypatch.setattr("builtins.input", lambda: next(answers))
    other = tmp_path / "other-pc"
    assert run(other, "restore", str(file)) == 0
    assert Settings.load(other).provisional_device_number == 905


def test_restoring_on_the_same_pc_keeps_its_number_and_marks_never_go_down(old_pc, password_file, tmp_path, capsys):
    register(old_pc, password_file, tmp_path, 1)
    file = backup(old_pc, password_file, tmp_path / "usb", capsys)
    register(old_pc, password_file, tmp_path, 2)
    register(old_pc, password_file, tmp_path, 3)
    printed = card_numbers(old_pc)
    marks = json.loads((old_pc / "sequences.json").read_text())
    assert run(old_pc, "restore", str(file), "--yes") == 0
    assert "Previous data kept in" in capsys.readouterr().out
    assert Settings.load(old_pc).provisional_device_number == 901
    assert json.loads((old_pc / "sequences.json").read_text()) == marks
    register(old_pc, password_file, tmp_path, 4)
    assert len(card_numbers(old_pc) - printed) == 1  # the new card's number was never printed before


def tampered(file: Path, tmp_path: Path, change) -> Path:
    """The backup with its members passed through change(name, bytes) -> bytes | None (None drops it)."""
    out = tmp_path / f"tampered-{change.__name__}.fcbackup.zip"
    with zipfile.ZipFile(file) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = change(info.filename, src.read(info.filename))
            if data is not None:
                dst.writestr(info.filename, data)
    return out


def _with_manifest_members(data: bytes, name: str, value: bytes) -> bytes:
    import hashlib

    manifest = json.loads(data)
    manifest["members"][name] = hashlib.sha256(value).hexdigest()
    return json.dumps(manifest).encode()


def test_a_hostile_backup_is_refused_naming_what_is_wrong_and_nothing_changes(old_pc, password_file, tmp_path,
                                                                              capsys):
    file = backup(old_pc, password_file, tmp_path / "usb", capsys)
    settings = json.loads(zipfile.ZipFile(file).read("settings.json"))

    def resettle(field, value):
        """settings.json with one field changed, and the manifest's checksum made to match."""
        changed = json.dumps({**settings, field: value}, ensure_ascii=False, indent=1, sort_keys=True).encode()

        def change(name, data):
            if name == "settings.json":
                return changed
            if name == "manifest.json":
                return _with_manifest_members(data, "settings.json", changed)
            return data
        change.__name__ = f"{field}"
        return change

    def extra_member(name, data):
        return data

    cases = [
        (resettle("idle_lock_minutes", "ten"), "setting 'idle_lock_minutes' in 'settings.json'"),
        (resettle("office_code", "BRK"), "its settings are of another office ('BRK')"),
        (resettle("language", "fr"), "setting 'language'"),
    ]

    def swapped_settings(name, data):  # changed without fixing the checksum
        return json.dumps({**settings, "hq_url": "https://evil.example/"}).encode() if name == "settings.json" else data

    def lowered_marks(name, data):
        return b'{"card": "x"}' if name == "sequences.json" else data

    def fixed_marks(name, data):
        if name == "manifest.json":
            return _with_manifest_members(data, "sequences.json", b'{"card": "x"}')
        return lowered_marks(name, data)

    cases += [(swapped_settings, "member 'settings.json' does not match its checksum"),
              (fixed_marks, "'sequences.json' is not name -> number")]
    new_pc = tmp_path / "new-pc"
    for change, expected in cases:
        bad = tampered(file, tmp_path, change)
        assert run(new_pc, "restore", str(bad), "--yes", "--device-number", "902") == 2, expected
        err = capsys.readouterr().err
        assert expected in err and "Nothing was changed" in err, err
        assert not (new_pc / "fundclient.db").exists() and not (new_pc / "settings.json").exists()
    # An unexpected member (a path outside the data dir) is refused before anything is read.
    evil = tmp_path / "evil.fcbackup.zip"
    with zipfile.ZipFile(file) as src, zipfile.ZipFile(evil, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        dst.writestr("../device/signing_key.json", b"{}")
    assert run(new_pc, "restore", str(evil), "--yes") == 2
    assert "unexpected member '../device/signing_key.json'" in capsys.readouterr().err
    # In Arabic the message names the same thing.
    assert main(["--data-dir", str(new_pc), "--lang", "ar", "restore", str(tampered(file, tmp_path, cases[0][0])),
                 "--yes", "--device-number", "902"]) == 2
    assert "قيمة الإعداد «idle_lock_minutes» غير صالحة" in capsys.readouterr().err


def test_a_backup_of_another_office_is_not_restored_over_this_one(old_pc, password_file, tmp_path, capsys):
    file = backup(old_pc, password_file, tmp_path / "usb", capsys)
    here = tmp_path / "brak"
    assert main(["--data-dir", str(here), "setup", "--office", "BRK", "--admin", "admin",
                 "--password-file", str(password_file), "--device-number", "950"]) == 0
    capsys.readouterr()
    assert run(here, "restore", str(file), "--yes") == 2
    assert "belongs to office 'BRK' and the backup to office 'SBH'" in capsys.readouterr().err
    assert Settings.load(here).office_code == "BRK"


def test_a_backup_from_before_settings_travelled_keeps_this_pcs_settings(old_pc, password_file, tmp_path, capsys):
    """Format 1 (DB, keystore, anchor, manifest only): restored here, this PC's settings and
    device number stay as they are."""
    file = backup(old_pc, password_file, tmp_path / "usb", capsys)

    def as_format_1(name, data):
        if name in ("settings.json", "sequences.json"):
            return None
        if name == "manifest.json":
            manifest = json.loads(data)
            for key in ("members", "machine", "device_numbers"):
                manifest.pop(key)
            return json.dumps({**manifest, "format": 1}).encode()
        return data
    old = tampered(file, tmp_path, as_format_1)
    assert sorted(zipfile.ZipFile(old).namelist()) == ["audit_head.json", "fundclient.db", "keystore.json",
                                                       "manifest.json"]
    assert run(old_pc, "restore", str(old), "--yes") == 0
    settings = Settings.load(old_pc)
    assert (settings.office_code, settings.provisional_device_number, settings.card_printer) == \
        ("SBH", 901, "Evolis Primacy")
