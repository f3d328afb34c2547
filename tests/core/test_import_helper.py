"""#11 item 8: a large spreadsheet is read and checked by a helper process while the import
saves (`storage.importer.CheckedRows`) — with the same outcome as reading it in the importing
process: the same rows imported, refused for the same reasons (the per-row problems' messages
cross the process boundary whole), the same records and card numbers stored — checked against
the office's reference data in use, not the bundled lists a fresh process starts with; an
unreadable file is refused with the same message before anything is written; a helper killed
mid-file is reported (in the person's language), never waited for and never taken for the end
of the file."""

from __future__ import annotations

import csv
import json
import multiprocessing
import os
import signal
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from fundclient.cli import main
from fundclient.domain.records import Beneficiary
from fundclient.domain.reference import bundled_reference, default_reference, use_reference, with_updates
from fundclient.domain.synthetic import SyntheticGenerator
from fundclient.storage import importer, open_store
from fundclient.storage.errors import HelperStopped, ImportFileUnreadable
from fundclient.storage.files import SEQUENCE_HIGH_WATER_FILE
from fundclient.sync.reference import ReferenceStore

PASSWORD = "admin-pass-1"
HANG_GUARD = 300  # s, far above any plausible time: only keeps a hang from holding the suite, never a verdict
HEADERS = ["national_number", "name.first", "name.father", "name.grandfather", "name.family", "mother_name", "sex",
           "date_of_birth", "marital_status", "mobile", "municipality", "address",
           "category_fields.pension_number", "category_fields.pensions_authority", "category_fields.retirement_date",
           *(f"dependants[1].{k}" for k in ("name.first", "name.father", "name.grandfather", "name.family",
                                            "relation", "sex", "date_of_birth", "national_number"))]


@pytest.fixture(autouse=True)
def _bundled_reference_after():
    """An import installs the office's reference data (as a login does): back to the bundled set."""
    yield
    use_reference(None)


def synthetic_cells(count: int, seed: int, municipality: str | None = None):
    """Each row's cells under HEADERS: synthetic people (near-duplicates among them: some are
    refused as possible duplicates), a national number one digit short every 37th row, a
    missing family name every 53rd; every 3rd in `municipality` when given."""
    maker = SyntheticGenerator(seed=seed, near_duplicate_rate=0.08, sibling_rate=0.3)
    for i in range(count):
        b = maker.next()
        cat = b.category_fields
        cells = [b.national_number, b.name.first, b.name.father, b.name.grandfather, b.name.family, b.mother_name,
                 b.sex.value, b.date_of_birth.isoformat(), b.marital_status.value, b.mobile,
                 municipality if municipality and i % 3 == 1 else b.municipality,
                 b.address, cat.get("pension_number", ""), cat.get("pensions_authority", ""),
                 cat.get("retirement_date", "")]
        d = b.dependants[0] if b.dependants else None
        cells += ([d.name.first, d.name.father, d.name.grandfather, d.name.family, d.relation.value, d.sex.value,
                   d.date_of_birth.isoformat() if d.date_of_birth else "", d.national_number] if d else [""] * 8)
        if i % 37 == 20:
            cells[0] = cells[0][:-1]
        elif i % 53 == 30:
            cells[4] = ""
        yield cells


def write_rows(path: Path, count: int, seed: int = 3, municipality: str | None = None) -> Path:
    """`synthetic_cells` as a CSV file, a bad byte every 71st row."""
    lines = [",".join(HEADERS).encode()]
    for i, cells in enumerate(synthetic_cells(count, seed, municipality)):
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


def test_what_a_helper_hands_over_is_what_this_process_would_make(tmp_path):
    """Each valid row's duplicate keys and rows made by a real helper process (the lookup keys
    handed over packed, `importer._packed`) are what the importing process makes of the same
    record: `record_keys` (its lookup pairs, read as a key -> weight mapping) and `unnumbered_rows`."""
    from fundclient.storage.duplicate_candidates import lookup_mapping, record_keys
    from fundclient.storage.rows import unnumbered_rows

    source = write_rows(tmp_path / "legacy.csv", 300)
    checked = importer.CheckedRows(source, office_code="SBH", helper=True, by="admin")
    compared = 0
    try:
        for number, _, outcome in checked:
            made = checked.made(number, "SBH", "admin")
            if not isinstance(outcome, Beneficiary):
                assert made is None
                continue
            (numbers, lookup, filed), rows = made
            mine = importer._made(outcome, "SBH", "admin")  # the same record, made here
            expected_numbers, expected_lookup, expected_filed = record_keys(outcome)
            lookup = lookup_mapping(lookup)  # handed over packed
            assert (numbers, lookup, filed) == (expected_numbers, dict(expected_lookup), expected_filed)
            assert len(lookup) > 100 and rows == unnumbered_rows(outcome) == mine[3]
            compared += 1
    finally:
        checked.close()
    assert compared > 250


def test_a_sharing_helper_leaves_keys_and_rows_to_a_waiting_importer_the_same(tmp_path):
    """`fundclient import`'s helper shares (`CheckedRows(share=True)`): for as long as the
    importing process has waited for rows it hands rows over without their keys and rows, and
    the importing process makes them as it takes them (`made_here`); once it no longer waits, the
    helper makes them again. Either way each valid row's keys and rows are what the importing
    process makes of the same record (`record_keys`, `unnumbered_rows`). Here the rows are taken
    as they come (the importing process waits for each chunk), then not until the queue has filled."""
    from fundclient.storage.duplicate_candidates import lookup_mapping, record_keys
    from fundclient.storage.rows import unnumbered_rows

    source = write_rows(tmp_path / "legacy.csv", 5000)
    checked = importer.CheckedRows(source, office_code="SBH", helper=True, by="admin", share=True)
    compared, waited = 0, False
    try:
        for number, _, outcome in checked:
            if compared == 500 and not waited:  # stop taking rows until the helper has filled the queue
                deadline = time.monotonic() + 60
                while checked._queue.qsize() < 14 and time.monotonic() < deadline:
                    time.sleep(0.02)
                waited = True
            made = checked.made(number, "SBH", "admin")
            if not isinstance(outcome, Beneficiary):
                assert made is None
                continue
            (numbers, lookup, filed), rows = made
            expected_numbers, expected_lookup, expected_filed = record_keys(outcome)
            assert (numbers, lookup_mapping(lookup), filed) == (expected_numbers, dict(expected_lookup),
                                                                 expected_filed)
            assert rows == unnumbered_rows(outcome)
            compared += 1
    finally:
        checked.close()
    assert compared > 4500
    assert 0 < checked.made_here < compared, (checked.made_here, compared)  # both sides made some


@pytest.mark.skipif(not hasattr(os, "getpriority"), reason="no process priorities (Windows)")
def test_the_helper_runs_below_the_importing_process(tmp_path):
    """The helper lowers its own scheduling priority (`importer.HELPER_NICE`): the importing
    process, the slower one for most of an import, gets a core first (docs/performance.md)."""
    source = write_rows(tmp_path / "legacy.csv", 3000)
    checked = importer.CheckedRows(source, office_code="SBH", helper=True, by="admin")
    try:
        helper = checked._process.pid
        assert os.getpriority(os.PRIO_PROCESS, helper) == os.getpriority(os.PRIO_PROCESS, 0) + importer.HELPER_NICE \
            or os.getpriority(os.PRIO_PROCESS, helper) == 19  # (already niced near the floor)
        assert sum(1 for _ in checked) == 3000
    finally:
        checked.close()


def test_an_unreadable_file_is_refused_alike_by_a_helper(tmp_path):
    path = tmp_path / "no-family.csv"
    path.write_text("national_number,name.first\n1,أحمد\n", encoding="utf-8")
    refusals = []
    for helper in (False, True):
        with pytest.raises(ImportFileUnreadable) as refused:
            importer.CheckedRows(path, helper=helper)
        refusals.append((refused.value.message.en, refused.value.message.ar))
    assert refusals[0] == refusals[1] and "missing or unknown columns" in refusals[0][0]


def _outcomes(checked) -> list[tuple]:
    """Each row's outcome as the report has it: (row, national number, ok / [(field, ar, en)])."""
    try:
        return [(number, national, "ok" if isinstance(outcome, Beneficiary)
                 else [(key, message.ar, message.en) for key, message in outcome])
                for number, national, outcome in checked]
    finally:
        checked.close()


def test_a_helper_checks_against_the_office_reference_in_use(tmp_path):
    """The office's lists no longer hold municipality SBH (installed as a login installs them):
    a helper process refuses the same rows for it as this process, not the bundled lists' none."""
    source = write_rows(tmp_path / "legacy.csv", 2000)
    assert source.stat().st_size >= importer.HELPER_FROM_BYTES
    use_reference(with_updates(bundled_reference(), {"municipalities": {"SBH": None}}))
    here = _outcomes(importer.CheckedRows(source, office_code="SBH", helper=False))
    helper = _outcomes(importer.CheckedRows(source, office_code="SBH", helper=True))
    assert helper == here
    refused_for = Counter(key for _, _, outcome in here if outcome != "ok" for key, _, _ in outcome)
    assert refused_for["municipality"] > 0, refused_for
    use_reference(None)
    bundled = _outcomes(importer.CheckedRows(source, office_code="SBH", helper=True))
    assert not any(key == "municipality" for _, _, outcome in bundled if outcome != "ok" for key, _, _ in outcome)


def test_an_import_checks_rows_against_the_reference_hq_sent_to_the_office(tmp_path, monkeypatch):
    """HQ added municipality NWM to the office's lists (pulled into DATA_DIR/reference): `fundclient
    import` takes its rows, checked here or by a helper process alike, in a real encrypted office."""
    source = write_rows(tmp_path / "legacy.csv", 700, municipality="NWM")
    assert "NWM" not in bundled_reference().codes("municipalities")
    outcomes = {}
    for how, threshold in (("here", 1 << 40), ("helper", 0)):
        monkeypatch.setattr(importer, "HELPER_FROM_BYTES", threshold)
        data_dir = tmp_path / how
        password = _office(data_dir, tmp_path)
        ReferenceStore(data_dir).apply({"token": 1, "changes": [
            {"kind": "municipalities", "key": "NWM", "deleted": False,
             "data": {"ar": "البلدية الجديدة", "en": "New municipality"}}]})
        use_reference(None)  # a fresh command: the bundled lists until it installs the office's
        report = tmp_path / f"{how}.csv"
        code = main(["--data-dir", str(data_dir), "--lang", "en", "import", str(source), "--user", "admin",
                     "--password-file", str(password), "--report", str(report)])
        outcomes[how] = (code, report.read_text(encoding="utf-8-sig"), _stored(data_dir))
        assert "NWM" in default_reference().codes("municipalities")  # installed by the command
    assert outcomes["helper"] == outcomes["here"]
    code, report, stored = outcomes["here"]
    refused = list(csv.DictReader(report.splitlines()))
    assert code == 1 and not any(r["field"] == "municipality" for r in refused), refused
    store, _ = open_store(tmp_path / "here", "admin", PASSWORD)
    try:
        with store.read() as conn:
            in_nwm = conn.exec_driver_sql("SELECT count(*) FROM beneficiaries WHERE municipality = 'NWM'").scalar()
    finally:
        store.close()
    assert in_nwm > 150 and len(stored) + len({r["row"] for r in refused}) == 700


def test_a_helper_killed_mid_file_is_reported_not_taken_for_the_end(tmp_path):
    source = write_rows(tmp_path / "legacy.csv", 3000, seed=5)
    checked = importer.CheckedRows(source, helper=True)
    assert checked.total == 3000
    os.kill(checked._process.pid, signal.SIGKILL)  # while it checks the first rows
    with pytest.raises(HelperStopped) as stopped:
        for _ in checked:
            pass
    assert checked._process is None  # joined, not left behind
    message = stopped.value.message
    assert message.msgid == HelperStopped.IMPORT_AFTER_ROWS.msgid and "of 3000 rows" in message.en
    assert "sur 3000" in message.in_language("fr") and "processus auxiliaire" in message.in_language("fr")
    assert "العملية المساعدة" in message.ar


def _kill_the_helper_once_started(killed: list) -> None:
    for _ in range(12_000):  # up to a minute: the command reads the settings and the reference first
        children = multiprocessing.active_children()
        if children:
            os.kill(children[0].pid, signal.SIGKILL)
            killed.append(children[0].pid)
            return
        time.sleep(0.005)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_the_cli_says_a_killed_helper_stopped_in_the_chosen_language(tmp_path, capsys, language):
    data_dir = tmp_path / "office"
    password = _office(data_dir, tmp_path)
    source = write_rows(tmp_path / "legacy.csv", 3000, seed=5)
    capsys.readouterr()
    killed: list = []
    watcher = threading.Thread(target=_kill_the_helper_once_started, args=(killed,))
    watcher.start()
    try:
        code = main(["--data-dir", str(data_dir), "--lang", language, "import", str(source), "--user", "admin",
                     "--password-file", str(password), "--report", str(tmp_path / "report.csv")])
    finally:
        watcher.join()
    said = capsys.readouterr().err
    assert killed and code == 2, (killed, code, said)
    # Killed as it starts: before it hands over a row (or, on a very slow start, part-way).
    expected = [m.in_language(language).split("{")[0]
                for m in (HelperStopped.IMPORT_BEFORE_ROWS, HelperStopped.IMPORT_AFTER_ROWS)]
    assert any(text in said for text in expected), said
    assert "helper process" not in said and "Traceback" not in said and "RuntimeError" not in said


def _in_an_office_of_its_own(tmp_path, name, source, run):
    """`run(session, source, report)` — an import of `source` — in a new office of its own: its
    counts, its report's text and the records stored."""
    from fundclient.config import Settings
    from fundclient.services.session import Session

    data_dir = tmp_path / name
    _office(data_dir, tmp_path)
    store, operator = open_store(data_dir, "admin", PASSWORD)
    session = Session(data_dir, Settings.load(data_dir), store, operator)
    report = tmp_path / f"{name}.csv"
    try:
        result = run(session, source, report)
    finally:
        store.close()
    return ((result.rows, result.imported, result.already_present, result.rejected, result.duplicates),
            report.read_text(encoding="utf-8-sig"), _stored(data_dir))


def _one_batch_at_a_time(session, source, report):
    """`source` imported in batches of 15, each checked and saved before the next is checked (no
    helper, no save thread): the answers an import that overlaps them must give."""
    from fundclient.services import registration

    settings = session.settings
    return importer.import_file(
        session.store, source, by="admin", report_path=report, scheme=settings.national_id_scheme,
        office_code=settings.office_code, batch_size=15,
        checked=importer.CheckedRows(source, scheme=settings.national_id_scheme, office_code=settings.office_code,
                                     helper=False),
        save_many=lambda batch, made: registration.register_many(session, batch, validated=True, made=made))


def test_a_batch_saved_while_the_next_is_checked_answers_as_one_batch_at_a_time(tmp_path):
    """The app's and the command's import save batch k on a thread of their own while batch k+1
    is checked against the store and against batch k's records, not saved yet
    (`registration.check_many(earlier=…)`): the same report, counts, records and card numbers as
    checking and saving one batch at a time (`register_many`) — with batches of 15 rows, so that
    near-duplicates fall in neighbouring batches; at least one row is refused as a possible
    duplicate of a record of the batch before, found while that batch was being saved."""
    from fundclient.errors import DuplicateFound
    from fundclient.services import importing, registration

    source = write_rows(tmp_path / "legacy.csv", 400, seed=5)
    across = []
    check_many = registration.check_many

    def watched(session, batch, **kw):
        checked = check_many(session, batch, **kw)
        earlier = {id(b) for b in kw["earlier"].accepted} if kw.get("earlier") else set()
        across.extend(o for o in checked.outcome if isinstance(o, DuplicateFound) and o.matches
                      and id(o.matches[0].existing) in earlier)
        return checked

    def overlapped(session, source, report):
        registration.check_many = watched
        try:
            return importing.import_spreadsheet(session, source, report_path=report, batch_size=15)
        finally:
            registration.check_many = check_many

    outcomes = {"one batch at a time": _in_an_office_of_its_own(tmp_path, "one", source, _one_batch_at_a_time),
                "saved while the next is checked": _in_an_office_of_its_own(tmp_path, "overlapped", source,
                                                                            overlapped)}
    assert outcomes["saved while the next is checked"] == outcomes["one batch at a time"]
    counts = outcomes["one batch at a time"][0]
    assert counts[1] > 300 and counts[4] >= 5, counts
    assert across, "no row was a possible duplicate of the batch before: the test proves nothing"


def test_the_batch_before_is_saved_while_the_next_is_read_from_a_snapshot(tmp_path, monkeypatch):
    """The import starts saving batch k as soon as batch k+1's read snapshot is taken
    (`Store.snapshot`, `registration.check_many`), not after its reads: here every save is made
    to commit before the next batch's reads even start — and those reads still see the store
    without batch k (the count of records they read is that before batch k), and the import
    answers as checking and saving one batch at a time: the same counts, report, records and
    card numbers."""
    from fundclient.services import importing, registration
    from fundclient.storage.search import SearchMixin

    source = write_rows(tmp_path / "legacy.csv", 300, seed=5)

    def overlapped(session, source, report):
        committed, saved, seen, pending = threading.Event(), [0], [], [False]
        check_many, save_checked = registration.check_many, registration.save_checked
        batch_duplicates = SearchMixin.batch_duplicates

        def checking(session, batch, **kw):
            pending[0] = bool(kw.get("earlier") and kw["earlier"].accepted)  # a save starts
            return check_many(session, batch, **kw)

        def saving(session, batch, **kw):
            done = save_checked(session, batch, **kw)
            saved[0] += len(done)
            committed.set()
            return done

        def reading(repository, records, **kw):
            if pending[0]:
                # the save of the batch before runs on its own thread ("import-save", started
                # before these reads): wait for it to end, however long it takes — its end,
                # not a clock, decides; the bound only keeps a hang from holding the suite
                for thread in threading.enumerate():
                    if thread.name == "import-save" and thread is not threading.current_thread():
                        thread.join(HANG_GUARD)
                        assert not thread.is_alive(), f"hang guard: the save ran over {HANG_GUARD} s"
                assert committed.is_set(), "the batch before was not saved before the reads"
                seen.append((repository.count(), saved[0]))  # what the reads see, what is saved
            committed.clear()
            return batch_duplicates(repository, records, **kw)

        monkeypatch.setattr(registration, "check_many", checking)
        monkeypatch.setattr(registration, "save_checked", saving)
        monkeypatch.setattr(SearchMixin, "batch_duplicates", reading)
        result = importing.import_spreadsheet(session, source, report_path=report, batch_size=15)
        monkeypatch.undo()
        # each batch's reads saw every batch but the one saved meanwhile, though it was committed
        assert len(seen) > 10 and seen[0][0] == 0, seen
        assert [count for count, _ in seen[1:]] == [total for _, total in seen[:-1]], seen
        assert all(count < total for count, total in seen), seen
        return result

    outcomes = {"one batch at a time": _in_an_office_of_its_own(tmp_path, "one", source, _one_batch_at_a_time),
                "saved while the next is read": _in_an_office_of_its_own(tmp_path, "overlapped", source, overlapped)}
    assert outcomes["saved while the next is read"] == outcomes["one batch at a time"]
    assert outcomes["one batch at a time"][0][1] > 250


def test_a_batch_that_cannot_be_saved_stops_the_import_with_its_error(tmp_path, monkeypatch):
    """A batch saved on its own thread that fails (here: a card number already taken) stops the
    import with that error in the importing thread, once the saving thread has ended; the
    batches saved before it stay, nothing after it is saved."""
    from fundclient.config import Settings
    from fundclient.services import importing, registration
    from fundclient.services.session import Session
    from fundclient.storage.errors import CardNumberTaken

    source = write_rows(tmp_path / "legacy.csv", 120, seed=6)
    data_dir = tmp_path / "office"
    _office(data_dir, tmp_path)
    store, operator = open_store(data_dir, "admin", PASSWORD)
    session = Session(data_dir, Settings.load(data_dir), store, operator)
    save_checked, saved = registration.save_checked, []

    def second_fails(session, batch, **kw):
        if len(saved) == 1:
            raise CardNumberTaken()
        done = save_checked(session, batch, **kw)
        saved.append(len(batch.accepted))
        return done

    monkeypatch.setattr(registration, "save_checked", second_fails)
    try:
        with pytest.raises(CardNumberTaken):
            importing.import_spreadsheet(session, source, report_path=tmp_path / "report.csv", batch_size=40)
        assert not [t for t in threading.enumerate() if t.name == "import-save"]
        assert saved and store.beneficiaries.count() == saved[0]
    finally:
        store.close()


def test_the_cli_import_postpones_full_collections_and_puts_the_thresholds_back(tmp_path, monkeypatch):
    """`fundclient import` runs with the interpreter's full collections postponed (each walked
    every object of the batches alive: docs/performance.md) — the same report as always — and
    the thresholds are the process's own again after it, also after a failure."""
    import gc

    from fundclient.services import importing

    data_dir = tmp_path / "office"
    password = _office(data_dir, tmp_path)
    source = write_rows(tmp_path / "legacy.csv", 300, seed=9)
    before = gc.get_threshold()
    seen: list = []
    real = importing.import_file

    def import_file(*args, **kwargs):  # the real import, the thresholds it ran with noted
        seen.append(gc.get_threshold())
        return real(*args, **kwargs)

    monkeypatch.setattr(importing, "import_file", import_file)
    code = main(["--data-dir", str(data_dir), "--lang", "en", "import", str(source), "--user", "admin",
                 "--password-file", str(password), "--report", str(tmp_path / "report.csv")])
    assert code == 1  # some rows refused (the file's broken rows)
    assert seen == [(*before[:2], max(before[2], importer.CLI_FULL_COLLECTION_EVERY))]
    assert gc.get_threshold() == before
    with pytest.raises(RuntimeError):
        with importer.few_full_collections(every=before[2] + 7):
            assert gc.get_threshold() == (*before[:2], before[2] + 7)
            raise RuntimeError("stopped")
    assert gc.get_threshold() == before


def test_a_checked_batch_is_freed_by_reference_counts_alone(tmp_path):
    """A batch whose rows are refused leaves no reference cycle behind: with the cyclic collector
    off (`fundclient import` postpones its full collections), nothing of the batch check is left
    once its answer is dropped — a refusal's traceback held the check's frame, and with it the
    batch's records, lookup keys and candidates (3.3 GB at 100,000 rows, docs/performance.md)."""
    import copy
    import gc

    from fundclient.config import Settings
    from fundclient.domain.synthetic import generate
    from fundclient.errors import DuplicateFound
    from fundclient.services import registration
    from fundclient.services.session import Session
    from fundclient.storage.duplicate_candidates import DuplicateCandidates

    data_dir = tmp_path / "office"
    _office(data_dir, tmp_path)
    store, operator = open_store(data_dir, "admin", PASSWORD)
    session = Session(data_dir, Settings.load(data_dir), store, operator)
    try:
        first, other = generate(2, seed=17)
        twin = copy.deepcopy(first)
        twin.record_id = "twin"  # the same national number: refused as a duplicate of the row before
        gc.collect()
        gc.disable()
        try:
            checked = registration.check_many(session, [first, twin, other])
            refusals = [o for o in checked.outcome if isinstance(o, DuplicateFound)]
            assert len(refusals) == 1 and refusals[0].matches  # what the report reads is kept
            del checked, refusals
            assert not [o for o in gc.get_objects() if isinstance(o, DuplicateCandidates)]
        finally:
            gc.enable()
    finally:
        store.close()


@pytest.mark.parametrize("waiting", [None, "piece", "catch-up", "statement", "piece's statement"])
def test_a_batch_written_in_pieces_gives_way_to_a_waiting_save_only(tmp_path, monkeypatch, waiting):
    """`fundclient import` writes a batch in pieces (`add_many(piece=…)`): with nobody waiting
    the whole batch is one transaction (one audit entry); when a save waits for the writer — a
    thread of its own here, announcing its wait like any save (`Store.writer_wanted`), from
    inside the first piece (before or while its inserts run), just before the catch-up after it,
    or while one of that catch-up's statements runs — the transaction under way is rolled back
    after that piece, inside its inserts, before the catch-up's next statement or inside the
    statement (SQLite's progress handler; nothing of it is committed before the save), the save goes in, the rolled-back piece is written again and
    committed alone, and the rest follows in a transaction of its own. Every record is saved
    either way, with distinct card numbers from the one sequence (the save takes the number the
    rolled-back piece had reserved; the piece gets new ones)."""
    from fundclient.config import Settings
    from fundclient.services.registration import card_number_maker
    from fundclient.services.session import Session
    from fundclient.storage import beneficiaries, bulk

    data_dir = tmp_path / "office"
    _office(data_dir, tmp_path)
    store, operator = open_store(data_dir, "admin", PASSWORD)
    # The import lets the waiting save in for up to a minute, not LET_IN_SECONDS (1 s): it goes on
    # as soon as the save holds the writer — the order below never depends on the clerk's thread
    # being scheduled within a second on a loaded machine (review finding 5).
    let_in = store.let_waiting_writes_in
    monkeypatch.setattr(store, "let_waiting_writes_in", lambda: let_in(at_most=60))
    monkeypatch.setattr(beneficiaries, "CATCH_UP_ROWS", 10)  # a catch-up after every piece
    if waiting in ("statement", "piece's statement"):  # small statements look too
        monkeypatch.setattr(beneficiaries, "GIVE_WAY_OPS", 50)
    session = Session(data_dir, Settings.load(data_dir), store, operator)
    maker = SyntheticGenerator(seed=11)
    records = [maker.next() for _ in range(40)]
    clerks = [maker.next()]
    numbers = card_number_maker(session)
    clerk = threading.Thread(target=lambda: store.beneficiaries.add(clerks[0], by="admin", card_number_from=numbers))
    seen_waiting = []

    def clerk_waits() -> None:
        clerk.start()
        deadline = time.monotonic() + 20
        while not store.writer_wanted() and time.monotonic() < deadline:
            time.sleep(0.005)
        seen_waiting.append(store.writer_wanted())

    def numbering(sequence: int) -> str:
        if waiting in ("piece", "piece's statement") and not clerk.is_alive() and not seen_waiting:  # inside the first piece
            clerk_waits()
        return numbers(sequence)

    catch_up = bulk.RowsWriter.catch_up

    def caught_up(writer, between=None):
        if waiting in ("catch-up", "statement") and not clerk.is_alive() and not seen_waiting:  # after the first piece
            clerk_waits()
            if waiting == "statement":  # not looked for between the statements: only inside them
                return catch_up(writer)
        return catch_up(writer, between)

    monkeypatch.setattr(bulk.RowsWriter, "catch_up", caught_up)
    try:
        since = store.audit.head()[0]
        saved = store.beneficiaries.add_many(records, by="admin", card_numbers_from=numbering, piece=10)
        if waiting:
            clerk.join(20)
            assert seen_waiting == [True]
        entries = [(e.action, e.detail.get("rows")) for e in store.audit.entries(since_seq=since)]
        with store.read() as conn:
            order = [r[0] for r in conn.exec_driver_sql("SELECT record_id FROM revisions ORDER BY rowid")]
            names = conn.exec_driver_sql("SELECT count(*) FROM name_ends").fetchone()[0]
            sequence = conn.exec_driver_sql("SELECT value FROM sequences WHERE name = 'card'").fetchone()[0]
            people = conn.exec_driver_sql("SELECT (SELECT count(*) FROM beneficiaries)"
                                          " + (SELECT count(*) FROM dependants)").fetchone()[0]
        stored = store.beneficiaries.get_many([r.record_id for r in records])
        holders = [p for r in saved for p in (r, *r.dependants)]
        if waiting:
            holders.append(clerks[0])  # (a plain add numbers the holder only)
    finally:
        store.close()
    assert [(r.record_id, r.card_number) for r in saved] == [(r.record_id, stored[r.record_id].card_number)
                                                            for r in records]
    assert len({p.card_number for p in holders}) == len(holders) and all(p.card_number for p in holders)
    assert names == people  # every person's name filed once: the rolled-back catch-up left nothing
    # the highest card number handed out is noted outside the DB too (once a transaction: `note_high_water`)
    assert json.loads((data_dir / SEQUENCE_HIGH_WATER_FILE).read_text())["card"] == sequence == len(holders)
    if not waiting:
        assert entries == [("import", 40)]
        assert order == [r.record_id for r in records]
    elif waiting == "piece's statement":
        # the first piece's inserts stopped (its card numbers taken back): nothing to write again
        assert entries == [("save", None), ("import", 40)], entries
        assert order == [clerks[0].record_id] + [r.record_id for r in records]
    else:
        # the save first (the first piece's transaction rolled back for it), then the first piece
        # written again and committed alone, then the other three pieces together
        assert entries == [("save", None), ("import", 10), ("import", 30)], entries
        assert order == [clerks[0].record_id] + [r.record_id for r in records]


def test_large_batches_ramp_up_and_taper_off_with_the_same_answers(tmp_path, monkeypatch):
    """`fundclient import`'s batches (CLI_BATCH, larger than RAMP_BATCH) start at RAMP_BATCH rows
    and double, and end in batches of a third of the rows left (`importer.batch_rows`) — scaled
    down here (RAMP_BATCH 20, batches of 80 on 400 rows): the batches checked grow then shrink,
    the progress is told after every batch, and the report, counts and stored records are those
    of batches of 20 throughout."""
    from fundclient.config import Settings
    from fundclient.services import importing, registration
    from fundclient.services.session import Session

    monkeypatch.setattr(importer, "RAMP_BATCH", 20)
    source = write_rows(tmp_path / "legacy.csv", 400, seed=7)
    check_many = registration.check_many
    outcomes, sizes, told = {}, [], []

    def watched(session, batch, **kw):
        sizes.append(len(batch))
        return check_many(session, batch, **kw)

    monkeypatch.setattr(registration, "check_many", watched)
    for batch in (20, 80):
        sizes.clear()
        data_dir = tmp_path / f"office-{batch}"
        _office(data_dir, tmp_path)
        store, operator = open_store(data_dir, "admin", PASSWORD)
        session = Session(data_dir, Settings.load(data_dir), store, operator)
        report = tmp_path / f"report-{batch}.csv"
        try:
            result = importing.import_spreadsheet(session, source, report_path=report, batch_size=batch,
                                                  progress=lambda done, total: told.append((batch, done)))
        finally:
            store.close()
        # (the report's lines in the order the rows were answered: a refusal at reading comes before
        # the duplicates of a batch checked after it — compared as sets of lines)
        outcomes[batch] = ((result.rows, result.imported, result.already_present, result.rejected, result.duplicates),
                           sorted(report.read_text(encoding="utf-8-sig").splitlines()), _stored(data_dir))
        if batch == 80:
            ramped = list(sizes)
    assert outcomes[80] == outcomes[20]
    assert outcomes[20][0][1] > 300
    assert ramped[:3] == [20, 40, 80] and max(ramped) == 80, ramped
    tail = ramped[2:]
    assert tail == sorted(tail, reverse=True) and tail[-2] < 40, ramped  # then down to a third of what is left
    assert len([done for batch, done in told if batch == 80]) >= len(ramped) - 1  # told after every batch


@pytest.mark.parametrize("flock", [True, False])
def test_the_commands_batches_stay_small_where_a_waiting_save_cannot_say_so(tmp_path, monkeypatch, flock):
    """`fundclient import`'s large batches (CLI_BATCH) need a waiting save to be seen
    (`oslock.wanted`: it gives way to it). Where the OS has no `flock` (Windows: nobody
    announces, `oslock.can_announce()` is False) its batches stay at RAMP_BATCH rows — a clerk's
    save waits for one such batch at most (review finding 3) — scaled down here (RAMP_BATCH 20,
    CLI_BATCH 80); with `flock` they ramp up to CLI_BATCH."""
    from fundclient import oslock
    from fundclient.services import registration

    monkeypatch.setattr(importer, "RAMP_BATCH", 20)
    monkeypatch.setattr(importer, "CLI_BATCH", 80)
    if not flock:
        monkeypatch.setattr(oslock, "fcntl", None)  # Windows' way: the filelock library's lock, no announce
    source = write_rows(tmp_path / "legacy.csv", 400, seed=7)
    check_many = registration.check_many
    sizes = []

    def watched(session, batch, **kw):
        sizes.append(len(batch))
        return check_many(session, batch, **kw)

    monkeypatch.setattr(registration, "check_many", watched)
    data_dir = tmp_path / "office"
    password = _office(data_dir, tmp_path)
    code = main(["--data-dir", str(data_dir), "--lang", "en", "import", str(source), "--user", "admin",
                 "--password-file", str(password), "--report", str(tmp_path / "report.csv")])
    assert code == 1 and sum(sizes) > 300  # (the file's broken rows refused)
    if flock:
        assert max(sizes) == 80, sizes
    else:
        assert max(sizes) == 20, sizes


def test_a_save_that_comes_while_rolled_back_rows_are_written_again_waits_for_a_piece_only(tmp_path, monkeypatch):
    """Two saves during a batch written in pieces (`add_many(piece=…)`, review finding 1): the
    first waits from the end of the batch's second piece — the transaction (two pieces) is rolled
    back for it; the second waits from the end of the first piece written again (the redo). The redo is
    never rolled back, but it does not keep the second save waiting for the whole of it: at the end
    of its piece under way it commits, the second save goes in, then the redo ends in a transaction
    of its own and the rest of the batch follows."""
    from fundclient.config import Settings
    from fundclient.services.registration import card_number_maker
    from fundclient.services.session import Session

    data_dir = tmp_path / "office"
    _office(data_dir, tmp_path)
    store, operator = open_store(data_dir, "admin", PASSWORD)
    let_in = store.let_waiting_writes_in  # (up to a minute, not 1 s: see the test above)
    monkeypatch.setattr(store, "let_waiting_writes_in", lambda: let_in(at_most=60))
    session = Session(data_dir, Settings.load(data_dir), store, operator)
    maker = SyntheticGenerator(seed=11)
    records = [maker.next() for _ in range(40)]
    clerks = [maker.next(), maker.next()]
    numbers = card_number_maker(session)
    threads = [threading.Thread(target=lambda c=c: store.beneficiaries.add(c, by="admin", card_number_from=numbers))
               for c in clerks]
    seen_waiting = []

    def waits(thread: threading.Thread) -> None:
        thread.start()
        deadline = time.monotonic() + 20
        while not store.writer_wanted() and time.monotonic() < deadline:
            time.sleep(0.005)
        seen_waiting.append(store.writer_wanted())

    insert_new = store.beneficiaries._insert_new
    firsts = []  # the first record of each piece written, in turn

    def inserting(conn, writer, piece, made, by, card_numbers_from):
        firsts.append(records.index(piece[0]))
        written = insert_new(conn, writer, piece, made, by, card_numbers_from)
        if firsts == [0, 10]:  # the first pass's second piece written: the first save
            waits(threads[0])
        elif firsts == [0, 10, 0]:  # the redo's first piece written: the second save
            waits(threads[1])
        return written

    monkeypatch.setattr(store.beneficiaries, "_insert_new", inserting)
    try:
        since = store.audit.head()[0]
        store.beneficiaries.add_many(records, by="admin", card_numbers_from=numbers, piece=10)
        for thread in threads:
            thread.join(20)
        entries = [(e.action, e.detail.get("rows")) for e in store.audit.entries(since_seq=since)]
        with store.read() as conn:
            order = [r[0] for r in conn.exec_driver_sql("SELECT record_id FROM revisions ORDER BY rowid")]
    finally:
        store.close()
    assert seen_waiting == [True, True]
    # the first save, the redo's first piece (committed for the second save), the second save, the
    # redo's second piece, the rest
    assert entries == [("save", None), ("import", 10), ("save", None), ("import", 10), ("import", 20)], entries
    assert firsts == [0, 10, 0, 10, 20, 30]  # nothing written a third time
    assert order == ([clerks[0].record_id] + [r.record_id for r in records[:10]] + [clerks[1].record_id]
                     + [r.record_id for r in records[10:]])
