"""Journey: an office moves to a new PC, following docs/install.md §8 word for word (issue #17),
at 1366×768 and 1024×768.

With a link: the Brak office (set up and enrolled by `real_office` against a real HQ on
127.0.0.1) has registered and synced; IT backs it up to a USB drive; the old PC keeps working
(one more card) and then dies. On the new PC IT runs `fundclient restore FILE` (Enter: the
number comes from HQ), enrols it with a new token, runs the self-test; Ahmed signs in to the
real app (the camera the office chose came along), registers a retiree by keyboard; `fundclient
sync` sends everything and HQ holds every card number once — the new PC's carry its new HQ
device number, never a number the old PC printed.

Without a link: an office numbering cards with provisional device number 901 dies; the new PC
is restored with a fresh number (901 is refused), works, and is enrolled later; the records
saved before enrolment reach HQ.

The CLI commands are the ones docs/install.md shows (`fundclient restore <file>`, `fundclient
enrol --server … --token …`, `fundclient selftest`, `fundclient sync`), run as `cli(...)`."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

from conftest import ADMIN, ADMIN_PW, CLERK, CLERK_PW, FACE, OFFICE, cli
from test_office_day import PEOPLE, register

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "import-example.csv"
# Registered on the old PC from a legacy spreadsheet (`fundclient import`): distinct people.
LEGACY = [("أحمد", "الزوي"), ("خليفة", "المقريف"), ("مفتاح", "التباوي")]


def legacy_rows(path: Path, people) -> Path:
    from datetime import date
    import random

    from fundclient.domain.national_id import get_scheme
    from fundclient.domain.records import Sex

    headers = EXAMPLE.read_text(encoding="utf-8").splitlines()[0].split(",")
    good = dict(zip(headers, EXAMPLE.read_text(encoding="utf-8").splitlines()[1].split(",")))
    rows = []
    for seed, (first, family) in people:
        row = dict(good, **{"name.first": first, "name.family": family, "municipality": "BRK",
                            "mobile": f"09{seed + 1}{seed:07d}"})
        row["national_number"] = get_scheme().generate(random.Random(seed), Sex.MALE, date(1955, 3, 1))
        for key in headers:
            if key.startswith("dependants["):
                row[key] = ""
        rows.append([row[h] for h in headers])
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([headers, *rows])
    return path


def admin_login(tmp_path: Path) -> list[str]:
    secret = tmp_path / "admin-password"
    secret.write_text(ADMIN_PW + "\n", encoding="utf-8")
    return ["--user", ADMIN, "--password-file", str(secret)]


def hq_card_numbers(hq_dir: Path, tmp_path: Path) -> dict[str, str]:
    """card number -> record id, from `fundclient hq export` (every revision HQ holds)."""
    out = tmp_path / "export.jsonl"
    assert cli("hq", "--hq-dir", hq_dir, "export", "--format", "jsonl", "--out", out) == 0
    numbers: dict[str, str] = {}
    for line in out.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            number = record["record"].get("card_number") or ""
            assert numbers.get(number, record["record_id"]) == record["record_id"], f"{number} issued twice"
            numbers[number] = record["record_id"]
    return numbers


def local_card_numbers(data_dir: Path) -> set[str]:
    from fundclient.storage import open_store

    store, _ = open_store(data_dir, ADMIN, ADMIN_PW)
    try:
        with store.read() as conn:
            return {row[0] for row in conn.exec_driver_sql("SELECT card_number FROM beneficiaries")}
    finally:
        store.close()


def selftest(data_dir: Path) -> tuple[int, str]:
    """`fundclient selftest` as IT runs it (a process of its own: it starts Qt for the font check)."""
    out = subprocess.run([sys.executable, "-m", "fundclient", "--data-dir", str(data_dir), "--lang", "ar",
                          "selftest"], capture_output=True, text=True, encoding="utf-8", timeout=300)
    return out.returncode, out.stdout + out.stderr


def answers(monkeypatch, *typed: str) -> None:
    """What the technician types at `restore`'s questions, in order."""
    queue = list(typed)
    monkeypatch.setattr("builtins.input", lambda: queue.pop(0))


def register_in_the_app(open_app, data_dir: Path, person: dict) -> str:
    """Ahmed signs in on this PC and registers `person` by keyboard; returns the card number
    the saved screen shows."""
    j = open_app(data_dir)  # no --camera: the camera the office chose (restored with the settings)
    j.login(CLERK, CLERK_PW)
    j.assert_sees("مكتب براك")
    register(j, person)
    store = j.gui.session.store
    hit = store.beneficiaries.search(person["national"], 5)[0]
    record = store.beneficiaries.get(getattr(hit, "record_id", None) or hit["record_id"])
    assert record.card_number
    j.assert_layout_ok()
    j.close()
    return record.card_number


def test_a_pc_that_dies_is_restored_on_a_new_one_with_a_link(open_app, real_office, hq_server, tmp_path,
                                                            capsys, monkeypatch):
    old_pc, usb = real_office, tmp_path / "usb"
    login = admin_login(tmp_path)
    from fundclient.config import Settings

    settings = Settings.load(old_pc)
    settings.camera = str(FACE)  # the office's camera (a folder of photos here: no webcam on CI)
    settings.save(old_pc)
    # The old PC's days: legacy records imported and synced; §8 step 1-2: sync, back up to USB.
    assert cli("--data-dir", old_pc, "import", legacy_rows(tmp_path / "legacy.csv", list(enumerate(LEGACY[:2], 1))),
               "--report", tmp_path / "report.csv", *login) == 0
    assert cli("--data-dir", old_pc, "sync") == 0
    capsys.readouterr()
    assert cli("--data-dir", old_pc, "backup", "--to", usb, *login) == 0
    backup_file = Path(capsys.readouterr().out.strip().splitlines()[-1])
    # The old PC keeps working after the backup: one more card, sent to HQ; then it dies.
    assert cli("--data-dir", old_pc, "import", legacy_rows(tmp_path / "more.csv", [(3, LEGACY[2])]),
               "--report", tmp_path / "report2.csv", *login) == 0
    assert cli("--data-dir", old_pc, "sync") == 0
    printed = local_card_numbers(old_pc)
    assert len(printed) == 3 and all(n.startswith(f"{OFFICE}-001-") for n in printed)

    # §8 step 3: the new PC — install, do not complete the wizard, `fundclient restore <file>`.
    new_pc = tmp_path / "new-pc"
    capsys.readouterr()
    answers(monkeypatch, "", "yes")  # Enter: this PC gets its number from HQ at enrolment
    assert cli("--data-dir", new_pc, "restore", backup_file) == 0
    out = capsys.readouterr().out
    assert "تمت استعادة المكتب BRK" in out and "لم تكن في هذا المجلد بيانات سابقة" in out
    assert not list(new_pc.glob("replaced-*"))
    # Not enrolled yet, though the office has an HQ address: the self-test says so.
    code, report = selftest(new_pc)
    assert code == 1 and "هذا الجهاز غير مسجَّل لديها" in report, report
    # §8 step 5: a new token from HQ, the new PC enrolled (the records waiting are sealed).
    assert cli("hq", "--hq-dir", hq_server.hq_dir, "enrol-token", "--office", OFFICE) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert cli("--data-dir", new_pc, "enrol", "--server", hq_server.url, "--token", token,
               "--label", "desk-2", *login) == 0
    capsys.readouterr()
    code, report = selftest(new_pc)  # §8 step 4: the self-test passes (camera, office, HQ)
    assert code == 0 and "كل الفحوص المطلوبة ناجحة" in report and "الجهاز رقم 2 مسجَّل" in report, report

    # Ahmed's day on the new PC, in the real app.
    card = register_in_the_app(open_app, new_pc, PEOPLE[0])
    assert card.startswith(f"{OFFICE}-002-") and card not in printed
    assert cli("--data-dir", new_pc, "sync") == 0  # the sync goes on from the new PC
    at_hq = hq_card_numbers(hq_server.hq_dir, tmp_path)  # fails if any number was issued twice
    assert printed | {card} <= set(at_hq)


def test_a_pc_without_a_link_is_restored_with_a_fresh_number_and_enrolled_later(
        open_app, hq_server, tmp_path, capsys, monkeypatch):
    from fundclient.config import Settings
    from fundclient.storage import open_store

    old_pc, usb = tmp_path / "old-pc", tmp_path / "usb"
    login = admin_login(tmp_path)
    assert cli("--data-dir", old_pc, "setup", "--office", OFFICE, "--admin", ADMIN, "--password-file",
               login[-1], "--device-number", 901) == 0
    store, _ = open_store(old_pc, ADMIN, ADMIN_PW)
    store.operators.add(CLERK, CLERK_PW, "clerk", full_name="أحمد الورفلي", by=ADMIN)
    store.close()
    settings = Settings.load(old_pc)
    settings.camera = str(FACE)
    settings.save(old_pc)
    assert cli("--data-dir", old_pc, "import", legacy_rows(tmp_path / "legacy.csv", list(enumerate(LEGACY[:2], 1))),
               "--report", tmp_path / "report.csv", *login) == 0
    capsys.readouterr()
    assert cli("--data-dir", old_pc, "backup", "--to", usb, *login) == 0
    backup_file = Path(capsys.readouterr().out.strip().splitlines()[-1])
    assert cli("--data-dir", old_pc, "import", legacy_rows(tmp_path / "more.csv", [(3, LEGACY[2])]),
               "--report", tmp_path / "report2.csv", *login) == 0
    printed = local_card_numbers(old_pc)  # three cards numbered 901, one after the backup
    assert len(printed) == 3 and all(n.startswith(f"{OFFICE}-901-") for n in printed)

    new_pc = tmp_path / "new-pc"
    capsys.readouterr()
    answers(monkeypatch, "901", "yes")  # the old PC's number: refused, nothing restored
    assert cli("--data-dir", new_pc, "restore", backup_file) == 2
    assert "رقم الجهاز 901 استُعمل في بطاقات هذا المكتب" in capsys.readouterr().err
    assert not (new_pc / "fundclient.db").exists()
    answers(monkeypatch, "902", "yes")
    assert cli("--data-dir", new_pc, "restore", backup_file) == 0
    assert "تُرقَّم البطاقات برقم الجهاز المؤقت 902" in capsys.readouterr().out
    code, report = selftest(new_pc)
    assert code == 0 and "برقم الجهاز المؤقت 902" in report, report

    card = register_in_the_app(open_app, new_pc, PEOPLE[1])
    assert card.startswith(f"{OFFICE}-902-") and card not in printed

    # Later a link: a token from HQ, `fundclient enrol` (the waiting records sealed), sync.
    assert cli("hq", "--hq-dir", hq_server.hq_dir, "enrol-token", "--office", OFFICE) == 0
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert cli("--data-dir", new_pc, "enrol", "--server", hq_server.url, "--token", token, *login) == 0
    assert cli("--data-dir", new_pc, "sync") == 0
    at_hq = hq_card_numbers(hq_server.hq_dir, tmp_path)
    assert card in at_hq and len(at_hq) == 3  # the two restored records and the new one, once each
