"""`fundclient import` of a large legacy list: rows per second, wall and CPU.

Writes N synthetic beneficiaries (with up to 4 dependants each, 1 % of rows broken on
purpose: a bad national number, a missing family name) as the spreadsheet a branch office
would bring (XLSX by default, or CSV), sets up a fresh encrypted office with a device number,
and runs the real command (`fundclient import FILE --user admin --password-file F`) in this
process, timing it. Baseline: the same records through `storage.bulk.bulk_add` into another
fresh office (no file, no checks): the bare insert.

    .venv/bin/python benchmarks/import_bench.py                      # 100,000 rows, XLSX
    .venv/bin/python benchmarks/import_bench.py --rows 100000 --csv
    .venv/bin/python benchmarks/import_bench.py --rows 5000 --profile  # where the time goes
    .venv/bin/python benchmarks/import_bench.py --rows 10000 --csv --names wide

Names: `stock` (default) — the synthetic generator's own small stock (69 first names, 55 family
names), so every row has a full list of sound-alike candidates; `wide` — first, father's and
grandfather's names from that stock (first names ARE concentrated in real lists), but every
family name (the holder's, their children's, a spouse's own) drawn from WIDE_FAMILIES made-up
family names (`ال` + 3–5 letters, half of them with a final `ي`), Zipf-distributed (exponent
1.0: the commonest one ~11 % of rows, half the rows among the ~50 commonest) — closer to a real
office's list, where most family names are rare.

Everything is written in a temp dir that is deleted at the end.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import os
import pstats
import resource
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from fundclient.domain.synthetic import iter_generate

PASSWORD = "admin-pass-1"
DEPENDANTS = 4
DEPENDANT_KEYS = ("name.first", "name.father", "name.grandfather", "name.family", "relation", "sex",
                  "date_of_birth", "national_number")
HEADERS = (["national_number", "name.first", "name.father", "name.grandfather", "name.family", "mother_name",
            "sex", "date_of_birth", "marital_status", "mobile", "municipality", "address",
            "category_fields.pension_number", "category_fields.pensions_authority",
            "category_fields.retirement_date"]
           + [f"dependants[{n}].{k}" for n in range(1, DEPENDANTS + 1) for k in DEPENDANT_KEYS])


WIDE_FAMILIES = 5_000
_LETTERS = "بتثجحخدذرزسشصضطظعغفقكلمنهوي"


def wide_families(seed: int) -> tuple[list[str], list[float]]:
    """WIDE_FAMILIES distinct made-up family names and their cumulative Zipf weights."""
    import random
    from itertools import accumulate

    rng = random.Random(seed * 7919 + 1)
    names: dict[str, None] = {}
    while len(names) < WIDE_FAMILIES:
        stem = "".join(rng.choice(_LETTERS) for _ in range(rng.randint(3, 5)))
        names["ال" + stem + ("ي" if rng.random() < 0.5 else "")] = None
    return list(names), list(accumulate(1.0 / rank for rank in range(1, WIDE_FAMILIES + 1)))


def widened(records, seed: int):
    """The records with family names drawn from `wide_families` (see the module's doc)."""
    import random

    names, weights = wide_families(seed)
    rng = random.Random(seed)

    def draw() -> str:
        return rng.choices(names, cum_weights=weights)[0]

    for b in records:
        family, new = b.name.family, draw()
        b.name = replace(b.name, family=new)
        for d in b.dependants:
            d.name = replace(d.name, family=new if d.name.family == family else draw())
        yield b


def records_for(count: int, seed: int, names: str = "stock"):
    stream = iter_generate(count, seed=seed)
    return widened(stream, seed) if names == "wide" else stream


def rows(count: int, seed: int, names: str = "stock"):
    for i, b in enumerate(records_for(count, seed, names)):
        cat = b.category_fields
        cells = [b.national_number, b.name.first, b.name.father, b.name.grandfather, b.name.family, b.mother_name,
                 b.sex.value, b.date_of_birth.isoformat(), b.marital_status.value, b.mobile, b.municipality,
                 b.address, cat.get("pension_number", ""), cat.get("pensions_authority", ""),
                 cat.get("retirement_date", "")]
        for d in b.dependants[:DEPENDANTS]:
            cells += [d.name.first, d.name.father, d.name.grandfather, d.name.family, d.relation.value,
                      d.sex.value, d.date_of_birth.isoformat() if d.date_of_birth else "", d.national_number]
        cells += [""] * (len(HEADERS) - len(cells))
        if i % 100 == 50:
            cells[0] = cells[0][:-1]  # a national number one digit short
        elif i % 100 == 75:
            cells[4] = ""  # no family name
        yield cells


def write_file(path: Path, count: int, seed: int, names: str = "stock") -> None:
    if path.suffix == ".csv":
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADERS)
            writer.writerows(rows(count, seed, names))
        return
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADERS)
    for cells in rows(count, seed, names):
        sheet.append(cells)
    book.save(path)


def _first_saved_clock() -> list[float]:
    """A list that gets the `perf_counter` at which the import's first batch was saved (its
    transaction committed): `registration.save_checked` wrapped for this benchmark's process."""
    from fundclient.services import registration

    saved: list[float] = []
    save_checked = registration.save_checked

    def timed(*args, **kwargs):
        out = save_checked(*args, **kwargs)
        if not saved:
            saved.append(time.perf_counter())
        return out

    registration.save_checked = timed
    return saved


def _clerk(office: str, password: str, start_after: float, every: float, stop, out) -> None:
    """In a process of its own (the app's, during the import): a clerk's save every `every`
    seconds from `start_after` seconds on until `stop` is set; puts [(wait for the writer's
    turn, the save's whole wall)] in seconds on `out`. The records share nothing with the file's
    rows (no national number, names and birth dates of their own): the import's answers stay."""
    import datetime

    from fundclient import oslock
    from fundclient.domain.records import ArabicName, Beneficiary, Sex
    from fundclient.storage import open_store

    waits = []
    exclusive = oslock.exclusive

    def timed_exclusive(path, **kwargs):  # the writer's turn: how long the save waited for it
        from contextlib import contextmanager

        @contextmanager
        def held():
            began = time.perf_counter()
            with exclusive(path, **kwargs) as got:
                if Path(path).name == ".writer.lock":
                    waits.append(time.perf_counter() - began)
                yield got
        return held()

    oslock.exclusive = timed_exclusive
    store, _ = open_store(Path(office), "admin", password)
    samples = []
    try:
        time.sleep(start_after)
        n = 0
        while not stop.is_set():
            n += 1
            record = Beneficiary(name=ArabicName("زخرف", "قسطل", "ظفير", "غضنفرو"), sex=Sex.MALE,
                                 date_of_birth=datetime.date(1900, 1, 1) + datetime.timedelta(days=3 * n))
            waits.clear()
            began = time.perf_counter()
            store.beneficiaries.add(record, by="admin")
            samples.append((waits[0] if waits else 0.0, time.perf_counter() - began))
            stop.wait(every)
    finally:
        store.close()
        out.put(samples)


def _clerk_report(samples: list[tuple[float, float]]) -> str:
    if not samples:
        return "no clerk's save during the import"
    waits = sorted(w for w, _ in samples)
    walls = sorted(t for _, t in samples)

    def pct(values, q):
        return values[min(len(values) - 1, int(q * len(values)))] * 1000

    return (f"clerk's saves during the import: {len(samples)}; wait for the writer p50 {pct(waits, 0.5):.0f} ms,"
            f" p95 {pct(waits, 0.95):.0f} ms, max {waits[-1] * 1000:.0f} ms; whole save p50 {pct(walls, 0.5):.0f} ms,"
            f" p95 {pct(walls, 0.95):.0f} ms, max {walls[-1] * 1000:.0f} ms;"
            f" saves waiting >= 100 ms: {sum(w >= 0.1 for w in waits)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--csv", action="store_true", help="a CSV file instead of XLSX")
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--profile", action="store_true", help="print the import's 25 costliest functions")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--clerk", type=float, default=0.0, metavar="SECONDS",
                        help="a clerk's save every SECONDS in another process during the import (its wait reported)")
    parser.add_argument("--names", choices=("stock", "wide"), default="stock",
                        help="the generator's small stock of names, or wide-spread family names")
    args = parser.parse_args()
    from fundclient.cli import main as cli
    from fundclient.storage import open_store
    from fundclient.storage.bulk import bulk_add

    work = Path(tempfile.mkdtemp(prefix="fundclient-import-bench-"))
    clerk = None
    try:
        print(f"cpu: {os.cpu_count()}  python: {sys.version.split()[0]}  load: {os.getloadavg()[0]:.1f}"
              f"  names: {args.names}", flush=True)
        source = work / ("legacy.csv" if args.csv else "legacy.xlsx")
        start = time.perf_counter()
        write_file(source, args.rows, args.seed, args.names)
        print(f"wrote {args.rows:,} rows to {source.suffix}: {source.stat().st_size / 1e6:.1f} MB in"
              f" {time.perf_counter() - start:.1f} s", flush=True)
        password = work / "pw"
        password.write_text(PASSWORD + "\n", encoding="utf-8")
        office = work / "office"
        assert cli(["--data-dir", str(office), "setup", "--office", "SBH", "--admin", "admin", "--password-file",
                    str(password), "--full-name", "مدير", "--device-number", "901"]) == 0
        command = ["--data-dir", str(office), "--lang", "en", "import", str(source), "--user", "admin",
                   "--password-file", str(password), "--report", str(work / "report.csv")]
        first_saved = _first_saved_clock()
        clerk = None
        if args.clerk:
            import multiprocessing

            context = multiprocessing.get_context("spawn")
            clerk_stop, clerk_out = context.Event(), context.Queue()
            clerk = context.Process(target=_clerk, args=(str(office), PASSWORD, 8.0, args.clerk, clerk_stop, clerk_out))
            clerk.start()
        profiler = cProfile.Profile(time.process_time) if args.profile else None  # CPU, not wall: a busy machine inflates nothing
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        start, cpu = time.perf_counter(), time.process_time()
        if profiler:
            profiler.enable()
        code = cli(command)
        if profiler:
            profiler.disable()
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the helper reading and checking the file
        if clerk is not None:  # (its CPU is not in the helper's: taken before it ends)
            clerk_stop.set()
            print(_clerk_report(clerk_out.get(timeout=60)), flush=True)
            clerk.join(timeout=30)
        helper = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
        print(f"fundclient import: exit {code}, {args.rows:,} rows in {wall:.1f} s wall, {cpu:.1f} s CPU"
              f" (+ helper process {helper:.1f} s): {args.rows / wall:,.0f} rows/s wall,"
              f" {args.rows / cpu:,.0f} rows per importing-process CPU second,"
              f" {args.rows / (cpu + helper):,.0f} per CPU second of both"
              f"  (load at end {open('/proc/loadavg').read().split()[:3]})", flush=True)
        if first_saved:
            print(f"first batch saved {first_saved[0] - start:.1f} s after the command's start", flush=True)
        if profiler:
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        if not args.no_baseline:
            from fundclient.storage import initialise

            bare = work / "bare"
            initialise(bare, "SBH", "admin", PASSWORD)
            store, _ = open_store(bare, "admin", PASSWORD)
            records = list(records_for(args.rows, args.seed, args.names))
            start, base_start = time.perf_counter(), time.process_time()
            bulk_add(store, records, by="admin")
            base_wall, base_cpu = time.perf_counter() - start, time.process_time() - base_start
            store.close()
            print(f"baseline bulk_add of the same records: {base_wall:.1f} s wall, {base_cpu:.1f} s CPU"
                  f" ({args.rows / base_wall:,.0f} records/s); import / baseline: {wall / base_wall:.2f}x wall,"
                  f" {cpu / base_cpu:.2f}x CPU", flush=True)
    finally:
        if clerk is not None and clerk.is_alive():  # the import raised: the clerk stopped before its office goes
            clerk_stop.set()
            clerk.join(timeout=30)
            if clerk.is_alive():
                clerk.kill()
                clerk.join()
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
