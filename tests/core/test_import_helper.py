"""#11 item 8: a large spreadsheet is read and checked by a helper process while the import
saves (`storage.importer.CheckedRows`) — with the same outcome as reading it in the importing
process: the same rows imported, refused for the same reasons (the per-row problems' messages
cross the process boundary whole), the same records and card numbers stored; an unreadable
file is refused with the same message before anything is written; a helper killed mid-file is
reported, never waited for and never taken for the end of the file."""

from __future__ import annotations

import csv
import os
import signal
from pathlib import Path

import pytest

from fundclient.cli import main
from fundclient.domain.synthetic import SyntheticGenerator
from fundclient.storage import importer, open_store
from fundclient.storage.errors import ImportFileUnreadable

PASSWORD = "admin-pass-1"
HEADERS = ["national_number", "name.first", "name.father", "name.grandfather", "name.family", "mother_name", "sex",
           "date_of_birth", "marital_status", "mobile", "municipality", "address",
           "category_fields.pension_number", "category_fields.pensions_authority", "category_fields.retirement_date",
           *(f"dependants[1].{k}" for k in ("name.first", "name.father", "name.grandfather", "name.family",
                                            "relation", "sex", "date_of_birth", "national_number"))]


def write_rows(path: Path, count: int, seed: int = 3) -> Path:
    """Synthetic people (near-duplicates among them: some are refused as possible duplicates),
    a national number one digit short every 37th row, a missing family name every 53rd, a bad
    byte every 71st."""
    maker = SyntheticGenerator(seed=seed, near_duplicate_rate=0.08, sibling_rate=0.3)
    lines = [",".join(HEADERS).encode()]
    for i in range(count):
        b = maker.next()
        cat = b.category_fields
        cells = [b.national_number, b.name.first, b.name.father, b.name.grandfather, b.name.family, b.mother_name,
                 b.sex.value, b.date_of_birth.isoformat(), b.marital_status.value, b.mobile, b.municipality,
                 b.address, cat.get("pension_number", ""), cat.get("pensions_authority", ""),
                 cat.get("retirement_date", "")]
        d = b.dependants[0] if b.dependants else None
        cells += ([d.name.first, d.name.father, d.name.grandfather, d.name.family, d.relation.value, d.sex.value,
                   d.date_of_birth.isoformat() if d.date_of_birth else "", d.national_number] if d else [""] * 8)
        if i % 37 == 20:
            cells[0] = cells[0][:-1]
        elif i % 53 == 30:
            cells[4] = ""
        buffer = _Line()
        csv.writer(buffer).writerow(cells)
        line = buffer.text.rstrip("\r\n").encode()
        if i % 71 == 40:
            line = line.replace(b",", b",\xff", 1)  # not UTF-8: refused, never re-read in another encoding
        lines.append(line)
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


class _Line:
    text = ""

    def write(self, text: str) -> None:
        self.text += text


def _office(data_dir: Path, tmp_path: Path) -> Path:
    password = tmp_path / "pw"
    password.write_text(PASSWORD + "\n", encoding="utf-8")
    assert main(["--data-dir", str(data_dir), "setup", "--office", "SBH", "--admin", "admin", "--password-file",
                 str(password), "--full-name", "مدير", "--device-number", "901"]) == 0
    return password


def _stored(data_dir: Path) -> list[tuple]:
    store, _ = open_store(data_dir, "admin", PASSWORD)
    try:
        with store.read() as conn:
            ids = [r[0] for r in conn.exec_driver_sql("SELECT record_id FROM beneficiaries")]
        return sorted((b.national_number, b.name.full(), b.card_number, b.date_of_birth,
                       tuple((d.name.full(), d.card_number) for d in b.dependants))
                      for b in store.beneficiaries.get_many(ids).values())
    finally:
        store.close()


def test_a_helper_process_imports_what_this_process_imports(tmp_path, monkeypatch):
    source = write_rows(tmp_path / "legacy.csv", 700)
    outcomes = {}
    for how, threshold in (("here", 1 << 40), ("helper", 0)):
        monkeypatch.setattr(importer, "HELPER_FROM_BYTES", threshold)
        data_dir = tmp_path / how
        password = _office(data_dir, tmp_path)
        report = tmp_path / f"{how}.csv"
        code = main(["--data-dir", str(data_dir), "--lang", "en", "import", str(source), "--user", "admin",
                     "--password-file", str(password), "--report", str(report)])
        outcomes[how] = (code, report.read_text(encoding="utf-8-sig"), _stored(data_dir))
    assert outcomes["helper"] == outcomes["here"]
    code, report, stored = outcomes["here"]
    refused = list(csv.DictReader(report.splitlines()))
    reasons = {r["field"] for r in refused}
    assert code == 1 and {"national_number", "name.family", "duplicate"} <= reasons, reasons
    assert any("not valid text" in r["reason_en"] for r in refused)
    assert len(stored) + len({r["row"] for r in refused}) == 700


def test_an_unreadable_file_is_refused_alike_by_a_helper(tmp_path):
    path = tmp_path / "no-family.csv"
    path.write_text("national_number,name.first\n1,أحمد\n", encoding="utf-8")
    refusals = []
    for helper in (False, True):
        with pytest.raises(ImportFileUnreadable) as refused:
            importer.CheckedRows(path, helper=helper)
        refusals.append((refused.value.message.en, refused.value.message.ar))
    assert refusals[0] == refusals[1] and "missing or unknown columns" in refusals[0][0]


def test_a_helper_killed_mid_file_is_reported_not_taken_for_the_end(tmp_path):
    source = write_rows(tmp_path / "legacy.csv", 3000, seed=5)
    checked = importer.CheckedRows(source, helper=True)
    assert checked.total == 3000
    os.kill(checked._process.pid, signal.SIGKILL)  # while it checks the first rows
    with pytest.raises(RuntimeError, match="stopped after"):
        for _ in checked:
            pass
    assert checked._process is None  # joined, not left behind
