"""The storage CLI end to end: setup, status (no password), backup/restore, audit verify,
import of CSV/XLSX with good, bad and broken input."""

from __future__ import annotations

import csv
import json
import random
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from fundclient.cli import main
from fundclient.domain.national_id import get_scheme
from fundclient.domain.records import Sex
from fundclient.storage import open_store
from fundclient.storage.engine import raw_connect

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "import-example.csv"
HEADERS = EXAMPLE.read_text(encoding="utf-8").splitlines()[0].split(",")
GOOD = EXAMPLE.read_text(encoding="utf-8").splitlines()[1].split(",")


@pytest.fixture
def office(data_dir, tmp_path):
    password = tmp_path / "pw"
    password.write_text("admin-pass-1\n", encoding="utf-8")
    code = main(["--data-dir", str(data_dir), "setup", "--office", "SBH", "--admin", "admin",
                 "--password-file", str(password), "--full-name", "مدير", "--device-number", "901"])
    assert code == 0
    return data_dir, password


def run(data_dir, *args):
    return main(["--data-dir", str(data_dir), "--lang", "en", *args])


def login(office):
    data_dir, password = office
    return ["--user", "admin", "--password-file", str(password)]


def row(**changes):
    values = dict(zip(HEADERS, GOOD))
    values.update(changes)
    return [values[h] for h in HEADERS]


def new_number(seed):
    """A valid number agreeing with the example row's sex and date of birth."""
    return get_scheme().generate(random.Random(seed), Sex.MALE, date(1955, 3, 1))


def write_csv(path, rows, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows([HEADERS, *rows])
    return path


def records(data_dir) -> int:
    return json.loads((data_dir / "status.json").read_text())["records"]


def test_setup_prints_recovery_key_once(data_dir, tmp_path, capsys):
    password = tmp_path / "pw"
    password.write_text("admin-pass-1", encoding="utf-8")
    assert main(["--data-dir", str(data_dir), "setup", "--office", "SBH", "--admin", "admin",
                 "--password-file", str(password)]) == 0
    out = capsys.readouterr().out
    key = out.strip().splitlines()[-1]
    assert len(key.split("-")) == 9
    assert key not in "".join(p.read_text() for p in data_dir.glob("*.json"))


def test_status_json_needs_no_password(office, tmp_path):
    data_dir, _ = office
    out = subprocess.run([sys.executable, "-m", "fundclient", "--data-dir", str(data_dir), "status", "--json"],
                         capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60)
    assert out.returncode == 0, out.stderr
    status = json.loads(out.stdout)
    assert status["set_up"] and status["records"] == 0 and status["pending_sync"] == 0
    empty = subprocess.run([sys.executable, "-m", "fundclient", "--data-dir", str(tmp_path / "none"), "status",
                            "--json"], capture_output=True, text=True, timeout=60)
    assert empty.returncode == 0 and json.loads(empty.stdout)["set_up"] is False


def test_import_csv_good_bad_and_rerun(office, tmp_path, capsys):
    data_dir, _ = office
    rows = [row(), row(national_number=new_number(3), **{"name.first": "Ahmed"}),  # Latin in an Arabic field
            row(national_number=new_number(4), sex="X"), row(national_number=new_number(5), **{"name.first": "خالد"})]
    source = write_csv(tmp_path / "in.csv", rows)
    capsys.readouterr()
    assert run(data_dir, "import", str(source), *login(office)) == 1
    assert "Importing: 4 of 4 rows (100%)" in capsys.readouterr().err  # the progress line
    report = list(csv.DictReader(open(tmp_path / "in-report.csv", encoding="utf-8-sig")))
    assert {(r["row"], r["result"]) for r in report} == {("3", "rejected"), ("4", "rejected")}
    assert all(r["reason_ar"] and r["reason_en"] for r in report)
    assert records(data_dir) == 2
    # Re-run (e.g. after an interruption): nothing imported twice.
    assert run(data_dir, "import", str(source), *login(office), "--report", str(tmp_path / "r2.csv")) == 1
    assert records(data_dir) == 2
    # Card numbers in a spreadsheet are ignored (this device numbers cards); the same name and
    # birth date under another national number is a possible duplicate, reported for review.
    odd = tmp_path / "card.csv"
    with open(odd, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([HEADERS + ["card_number"],
                                  row(national_number=new_number(7), **{"name.first": "سالم"}) + ["SBH1"],
                                  row(national_number=new_number(8)) + ["SBH1"]])
    assert run(data_dir, "import", str(odd), *login(office), "--report", str(tmp_path / "r3.csv")) == 1
    report = list(csv.DictReader(open(tmp_path / "r3.csv", encoding="utf-8-sig")))
    assert [(r["row"], r["field"]) for r in report] == [("3", "duplicate")]
    assert records(data_dir) == 3
    good_only = write_csv(tmp_path / "good.csv", [row(), row(national_number=new_number(6), **{"name.first": "عمر"})])
    assert run(data_dir, "import", str(good_only), *login(office)) == 0
    assert records(data_dir) == 4
    store, _ = open_store(data_dir, "admin", "admin-pass-1")
    hit = store.beneficiaries.search(GOOD[0])[0].beneficiary
    assert hit.name.family == "الورفلي" and hit.dependants[0].name.first == "فاطمة"
    assert hit.mobile == "+218912345678" and hit.office_code == "SBH"
    assert hit.card_number.startswith("SBH-901-")
    assert "import" in [e.action for e in store.audit.entries()]
    store.close()


def test_import_xlsx(office, tmp_path):
    data_dir, _ = office
    book = Workbook()
    book.active.append(HEADERS)
    book.active.append(row())
    book.active.append(row(national_number="123"))
    book.save(tmp_path / "in.xlsx")
    assert run(data_dir, "import", str(tmp_path / "in.xlsx"), *login(office)) == 1
    assert records(data_dir) == 1


def _broken_files(tmp_path):
    book = Workbook()
    book.active.append(HEADERS)
    book.active.append(row())
    book.save(tmp_path / "ok.xlsx")
    data = (tmp_path / "ok.xlsx").read_bytes()
    (tmp_path / "truncated.xlsx").write_bytes(data[: len(data) // 2])
    write_csv(tmp_path / "utf16.csv", [row()], encoding="utf-16-le")
    (tmp_path / "missing.csv").write_text("national_number,name.first\n119551343642,أحمد\n", encoding="utf-8")
    (tmp_path / "empty.csv").write_bytes(b"")
    (tmp_path / "garbage.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 10)
    return ["truncated.xlsx", "utf16.csv", "missing.csv", "empty.csv", "garbage.xlsx", "absent.csv"]


def test_broken_files_change_nothing(office, tmp_path, capsys):
    data_dir, _ = office
    for name in _broken_files(tmp_path):
        capsys.readouterr()
        assert run(data_dir, "import", str(tmp_path / name), *login(office)) == 2, name
        err = capsys.readouterr().err
        assert "import file cannot be read" in err, (name, err)
        assert records(data_dir) == 0


def test_broken_files_message_in_arabic(office, tmp_path, capsys):
    data_dir, _ = office
    (tmp_path / "missing.csv").write_text("name.first\nأحمد\n", encoding="utf-8")
    assert main(["--data-dir", str(data_dir), "import", str(tmp_path / "missing.csv"), *login(office)]) == 2
    err = capsys.readouterr().err
    assert "تعذّرت قراءة ملف الاستيراد" in err and "national_number" in err


def test_backup_restore_roundtrip(office, tmp_path, monkeypatch, capsys):
    data_dir, _ = office
    assert run(data_dir, "import", str(EXAMPLE), "--report", str(tmp_path / "r.csv"), *login(office)) == 0
    capsys.readouterr()
    assert run(data_dir, "backup", "--to", str(tmp_path / "bk"), *login(office)) == 0
    [backup] = (tmp_path / "bk").glob("*.zip")
    out, err = capsys.readouterr()
    assert out.strip() == str(backup) and f"Encrypted backup written: {backup}" in err
    assert run(data_dir, "import", str(write_csv(tmp_path / "more.csv", [row(national_number=new_number(9),
                                                                          **{"name.first": "يوسف"})])),
               *login(office)) == 0
    assert records(data_dir) == 2
    monkeypatch.setattr("builtins.input", lambda: "no")
    assert run(data_dir, "restore", str(backup)) == 2
    assert records(data_dir) == 2
    assert run(data_dir, "restore", str(backup), "--yes") == 0
    assert records(data_dir) == 1
    assert list(data_dir.glob("replaced-*/fundclient.db"))
    store, _ = open_store(data_dir, "admin", "admin-pass-1")
    assert store.counters()["records"] == 1 and store.audit.verify().ok
    assert "restore" in [e.action for e in store.audit.entries()]
    store.close()
    (tmp_path / "bad.zip").write_bytes(b"not a zip")
    assert run(data_dir, "restore", str(tmp_path / "bad.zip"), "--yes") == 2


def test_automatic_backups_rotate(office):
    from fundclient.config import Settings
    from fundclient.storage.backup import backup_due, create_backup

    data_dir, _ = office
    settings = Settings.load(data_dir)
    settings.backup_keep = 2
    settings.save(data_dir)
    store, _ = open_store(data_dir, "admin", "admin-pass-1")
    assert backup_due(data_dir)
    made = []
    for _ in range(3):
        made.append(create_backup(store, by="admin"))
        import time
        time.sleep(1.1)  # backup names carry the second
    store.close()
    assert not backup_due(data_dir)
    assert sorted(p.name for p in (data_dir / "backups").glob("*.zip")) == sorted(p.name for p in made[1:])


def test_audit_verify_command(office, capsys):
    data_dir, _ = office
    assert run(data_dir, "audit", "verify", *login(office)) == 0
    store, _ = open_store(data_dir, "admin", "admin-pass-1")
    conn = raw_connect(data_dir / "fundclient.db", store.db_key)
    conn.execute("UPDATE audit_log SET operator = 'x' WHERE seq = 1")
    conn.close()
    store.close()
    assert run(data_dir, "audit", "verify", *login(office)) == 1  # checked, and found tampering
    out = capsys.readouterr()
    assert "content was modified" in out.err and "tampered with" in out.out


def test_report_command(office, tmp_path):
    data_dir, _ = office
    run(data_dir, "import", str(EXAMPLE), "--report", str(tmp_path / "r.csv"), *login(office))
    today = date.today().isoformat()
    out = tmp_path / "report.xlsx"
    assert run(data_dir, "report", "--from", today, "--to", today, "--by", "municipality", "--out", str(out),
               *login(office)) == 0
    assert out.exists()


def test_reset_password_command(office, tmp_path, capsys):
    data_dir, _ = office
    assert run(data_dir, "reset-password", "--user", "admin", "--recovery-key-file", str(tmp_path / "pw"),
               "--password-file", str(tmp_path / "pw")) == 2  # not a recovery key


def test_backup_if_due_and_logout(office):
    data_dir, _ = office
    store, _ = open_store(data_dir, "admin", "admin-pass-1")
    assert store.backup_if_due("admin") is not None
    assert store.backup_if_due("admin") is None  # one a day
    store.logout("admin")
    store, _ = open_store(data_dir, "admin", "admin-pass-1")
    assert "logout" in [e.action for e in store.audit.entries()]
    store.close()


def test_rekey_command(office):
    data_dir, _ = office
    store, _ = open_store(data_dir, "admin", "admin-pass-1")
    old_key = store.db_key
    store.close()
    assert run(data_dir, "rekey", *login(office)) == 0
    store, _ = open_store(data_dir, "admin", "admin-pass-1")
    assert store.db_key != old_key and store.audit.verify().ok
    store.close()


def test_setup_refuses_an_office_outside_the_fund_list(data_dir, tmp_path, capsys):
    """An office the reference data does not know could never save a registration."""
    password = tmp_path / "pw"
    password.write_text("admin-pass-1\n", encoding="utf-8")
    code = main(["--data-dir", str(data_dir), "--lang", "en", "setup", "--office", "SEB",
                 "--admin", "admin", "--password-file", str(password)])
    assert code == 2
    err = capsys.readouterr().err
    assert "'SEB' is not in the fund's list of offices" in err and "SBH" in err
    assert not (data_dir / "keystore.json").exists()
