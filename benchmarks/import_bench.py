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


_MACHINE = ("machine", "all")  # a timeline sample's whole-machine entry (`_Timeline._machine_busy`)


class _Timeline:
    """`--timeline SECONDS`: where both cores went during the import, sampled every 0.25 s from
    /proc — each thread's CPU (`schedstat`: time run, and time runnable but waiting for a core)
    of this process (the importing one: its main thread, the save thread `import-save`) and of
    its child processes (the helper: its main thread and its queue's feeder thread; the
    multiprocessing resource tracker), summed per bin of SECONDS — plus the import's own events
    in this process: chunks handed over (and the main thread's wait for them, wall − its CPU),
    batches checked and saved, the wait for the save thread. Costs a /proc read of ~10 files
    every 0.25 s and a clock around each chunk and batch: negligible against the import."""

    TICK = 0.25

    def __init__(self, width: float) -> None:
        import threading

        self.width = width
        self.start = time.perf_counter()
        self.samples: list[tuple[float, dict]] = []
        self.events: list[tuple[float, str, float]] = []  # (clock, kind, value)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="timeline", daemon=True)
        self._patch()

    def _names(self) -> dict[int, str]:
        import threading

        return {t.native_id: t.name for t in threading.enumerate() if t.native_id is not None}

    @staticmethod
    def _children(pid: int) -> list[int]:
        out = []
        for task in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    out += [int(c) for c in fh.read().split()]
            except OSError:
                pass
        return out

    def _sample(self) -> dict:
        me, names, threads = os.getpid(), self._names(), {}
        todo = [(me, "import")]
        while todo:
            pid, who = todo.pop()
            try:
                tasks = os.listdir(f"/proc/{pid}/task")
            except OSError:
                continue
            for tid in tasks:
                try:
                    with open(f"/proc/{pid}/task/{tid}/schedstat") as fh:
                        run, queued, _ = (int(v) for v in fh.read().split())
                except (OSError, ValueError):
                    continue
                tid = int(tid)
                if pid == me:
                    name = {"MainThread": "main", "import-save": "save"}.get(names.get(tid, ""), names.get(tid, "?"))
                    name = name.split("-")[0][:10]
                else:
                    name = "main" if tid == pid else "other"
                key = (who, name)
                r, q = threads.get(key, (0, 0))
                threads[key] = (r + run / 1e9, q + queued / 1e9)
            for child in self._children(pid):
                todo.append((child, f"child{child}"))
        threads[_MACHINE] = self._machine_busy()
        return threads

    @staticmethod
    def _machine_busy() -> tuple[float, float]:
        """The whole machine's CPU seconds so far (/proc/stat, every CPU): busy (neither idle nor
        waiting for I/O — anything else running meanwhile shows against this import's), and idle
        while waiting for I/O."""
        try:
            with open("/proc/stat") as fh:
                ticks = [int(v) for v in fh.readline().split()[1:]]
        except (OSError, ValueError):
            return 0.0, 0.0
        hz = os.sysconf("SC_CLK_TCK")
        return (sum(ticks[:8]) - ticks[3] - ticks[4]) / hz, ticks[4] / hz

    def _run(self) -> None:
        while not self._stop.is_set():
            self.samples.append((time.perf_counter(), self._sample()))
            self._stop.wait(self.TICK)

    def _patch(self) -> None:
        from fundclient.services import registration
        from fundclient.storage import importer

        events = self.events
        next_item, join, check_many, save_checked = (importer.CheckedRows._next, importer._Saving.join,
                                                     registration.check_many, registration.save_checked)

        def timed_next(rows):
            began, cpu = time.perf_counter(), time.thread_time()
            item = next_item(rows)
            now = time.perf_counter()
            events.append((now, "wait_rows", (now - began) - (time.thread_time() - cpu)))
            if item is not None and item[0] == "chunk":
                events.append((now, "rows", len(item[1])))
                # valid rows handed over without their keys and rows: made in this process (share)
                events.append((now, "made_here", sum(len(o) == 3 and not isinstance(o[2], list) for o in item[1])))
            elif item is not None and item[0] == "end":
                events.append((now, "helper_end", 0))
            return item

        def timed_join(saving, **kwargs):
            began = time.perf_counter()
            try:
                return join(saving, **kwargs)
            finally:
                events.append((time.perf_counter(), "wait_save", time.perf_counter() - began))

        def timed_check(session, batch, **kwargs):
            events.append((time.perf_counter(), "check_start", len(batch)))
            cpu = time.thread_time()
            out = check_many(session, batch, **kwargs)
            events.append((time.perf_counter(), "check_cpu", time.thread_time() - cpu))
            events.append((time.perf_counter(), "checked", len(batch)))
            return out

        def timed_save(*args, **kwargs):
            events.append((time.perf_counter(), "save_start", len(args[1].accepted)))
            cpu = time.thread_time()
            out = save_checked(*args, **kwargs)
            events.append((time.perf_counter(), "save_cpu", time.thread_time() - cpu))
            events.append((time.perf_counter(), "saved", len(out)))
            return out

        wait = getattr(importer.CheckedRows, "_wait", None)  # (a sharing import waits for rows there first)

        def timed_wait(rows):
            began = time.perf_counter()
            wait(rows)
            now = time.perf_counter()
            events.append((now, "wait_rows", now - began))

        if wait is not None:
            importer.CheckedRows._wait = timed_wait
        importer.CheckedRows._next = timed_next
        importer._Saving.join = timed_join
        registration.check_many = timed_check
        registration.save_checked = timed_save

    def begin(self) -> None:
        self.start = time.perf_counter()
        self._thread.start()

    def end(self) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append((time.perf_counter(), self._sample()))

    def report(self) -> str:
        """One line a bin: cores busy (this import's threads; `all`: the whole machine's; `iow`:
        the machine's cores idle waiting for I/O), each thread's CPU (and time runnable without a
        core, in brackets, when any), rows handed over, batches checked and saved, the waits."""
        if len(self.samples) < 2:
            return "timeline: too short"
        whos = sorted({key for _, t in self.samples for key in t if key != _MACHINE},
                      key=lambda k: (k[0] != "import", k))
        # a child's ordinal: child processes in their order of appearance (the helper comes first)
        kids = []
        for _, t in self.samples:
            for who, _ in t:
                if who not in ("import", _MACHINE[0]) and who not in kids:
                    kids.append(who)
        label = {k: ("helper" if i == 0 else f"child{i}") for i, k in enumerate(kids)}
        label["import"] = "import"
        cols = [w for w in whos if w[0] == "import"] + [w for k in kids for w in whos if w[0] == k]
        bins: dict[int, dict] = {}
        prev_t, prev = self.samples[0]
        for t, cur in self.samples[1:]:
            b = int((t - self.start) / self.width)
            into = bins.setdefault(b, {})
            for key, (run, queued) in cur.items():
                r0, q0 = prev.get(key, (0.0, 0.0))
                r, q = into.get(key, (0.0, 0.0))
                into[key] = (r + max(0.0, run - r0), q + max(0.0, queued - q0))
            prev_t, prev = t, cur
        ev: dict[int, dict] = {}
        for t, kind, value in self.events:
            into = ev.setdefault(int((t - self.start) / self.width), {})
            into[kind] = into.get(kind, 0) + value
        head = "  t(s)  busy   all  iow  " + " ".join(f"{label[w[0]] + '.' + w[1]:>14}" for w in cols) + \
            "   rows in  made here  checked  saved  wait rows  wait save"
        lines = [f"timeline (bins of {self.width:g} s; CPU s a bin per thread, [runnable without a core]):", head]
        last = max(list(bins) + list(ev))
        for b in range(0, last + 1):
            into, e = bins.get(b, {}), ev.get(b, {})
            busy = sum(r for key, (r, _) in into.items() if key != _MACHINE) / self.width
            machine, io = (v / self.width for v in into.get(_MACHINE, (0.0, 0.0)))
            cells = []
            for w in cols:
                r, q = into.get(w, (0.0, 0.0))
                cells.append(f"{r:6.2f}" + (f" [{q:5.2f}]" if q >= 0.01 else " " * 8))
            lines.append(f"{b * self.width:6.1f}  {busy:4.2f}  {machine:4.2f} {io:4.2f}  " + " ".join(f"{c:>14}" for c in cells)
                         + f"  {int(e.get('rows', 0)):8,} {int(e.get('made_here', 0)):10,}"
                         + f" {int(e.get('checked', 0)):8,} {int(e.get('saved', 0)):6,}"
                         + f"  {e.get('wait_rows', 0):8.2f}  {e.get('wait_save', 0):9.2f}"
                         + ("  helper end" if "helper_end" in e else ""))
        totals: dict = {}
        for into in bins.values():
            for key, (r, q) in into.items():
                r0, q0 = totals.get(key, (0.0, 0.0))
                totals[key] = (r0 + r, q0 + q)
        span = self.samples[-1][0] - self.start
        lines.append(f"totals over {span:.1f} s: " + ", ".join(
            f"{label[w[0]]}.{w[1]} {totals[w][0]:.1f} s [{totals[w][1]:.1f}]" for w in cols if w in totals)
            + f"; cores busy {sum(r for key, (r, _) in totals.items() if key != _MACHINE) / span:.2f}"
            + f" (the whole machine's: {totals.get(_MACHINE, (0.0, 0.0))[0] / span:.2f}; idle waiting for I/O"
            + f" {totals.get(_MACHINE, (0.0, 0.0))[1] / span:.2f})"
            + f"; rows whose keys and rows this process made {int(sum(v for _, k, v in self.events if k == 'made_here')):,}"
            + f"; importing main thread waited {sum(v for _, k, v in self.events if k == 'wait_rows'):.1f} s for rows,"
            + f" {sum(v for _, k, v in self.events if k == 'wait_save'):.1f} s for the save thread")
        marks = [(k, t - self.start) for t, k, _ in self.events if k in ("rows", "checked", "saved", "helper_end")]
        for kind in ("rows", "checked", "saved", "helper_end"):
            at = [t for k, t in marks if k == kind]
            if at:
                lines.append(f"  {kind}: first at {at[0]:.2f} s, last at {at[-1]:.2f} s")
        # each batch's check and save: its span (s from the start), rows, and its thread's CPU (s)
        for first, cpu_kind, last, label_ in (("check_start", "check_cpu", "checked", "checks"),
                                              ("save_start", "save_cpu", "saved", "saves")):
            begun = [(t - self.start, v) for t, k, v in self.events if k == first]
            used = [v for _, k, v in self.events if k == cpu_kind]
            ended = [t - self.start for t, k, _ in self.events if k == last]
            spans = [f"{a:.1f}-{b:.1f}({v:,}; {c:.1f})" for (a, v), c, b in zip(begun, used, ended)]
            wall = sum(b - a for (a, _), b in zip(begun, ended))
            lines.append(f"  {label_} (span(rows; thread CPU)), {wall:.1f} s in all, {sum(used):.1f} s CPU: "
                         + " ".join(spans))
        return "\n".join(lines)


def _clerk(office: str, password: str, start_after: float, every: float, stop, out) -> None:
    """In a process of its own (the app's, during the import): a clerk's save every `every`
    seconds from `start_after` seconds on until `stop` is set, and — as the app does after every
    save (`RegistrationScreen._saved` → `drafts.discard` → `DraftRepository.delete_from_db`, a
    write of its own) — the form's draft deleted 10 ms after it; puts [(wait for the writer's
    turn, the save's whole wall, the draft deletion's wait for the writer)] in seconds on `out`. The records share nothing with the file's
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
            saved = (waits[0] if waits else 0.0, time.perf_counter() - began)
            time.sleep(0.01)
            waits.clear()
            store.drafts.delete_from_db("admin", f"clerk-draft-{n}")
            samples.append((*saved, waits[0] if waits else 0.0))
            stop.wait(every)
    finally:
        store.close()
        out.put(samples)


def _clerk_report(samples: list[tuple[float, float, float]]) -> str:
    if not samples:
        return "no clerk's save during the import"
    waits = sorted(w for w, _, _ in samples)
    walls = sorted(t for _, t, _ in samples)
    drafts = sorted(d for _, _, d in samples)

    def pct(values, q):
        return values[min(len(values) - 1, int(q * len(values)))] * 1000

    return (f"clerk's saves during the import: {len(samples)}; wait for the writer p50 {pct(waits, 0.5):.0f} ms,"
            f" p95 {pct(waits, 0.95):.0f} ms, max {waits[-1] * 1000:.0f} ms; whole save p50 {pct(walls, 0.5):.0f} ms,"
            f" p95 {pct(walls, 0.95):.0f} ms, max {walls[-1] * 1000:.0f} ms;"
            f" saves waiting >= 100 ms: {sum(w >= 0.1 for w in waits)}; the draft's deletion 10 ms after each save"
            f" (the app's next write): wait p50 {pct(drafts, 0.5):.0f} ms, p95 {pct(drafts, 0.95):.0f} ms,"
            f" max {drafts[-1] * 1000:.0f} ms, >= 100 ms: {sum(d >= 0.1 for d in drafts)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--csv", action="store_true", help="a CSV file instead of XLSX")
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--profile", action="store_true", help="print the import's 25 costliest functions")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--clerk", type=float, default=0.0, metavar="SECONDS",
                        help="a clerk's save every SECONDS in another process during the import, and the app's next write (the draft's deletion) 10 ms after it (their waits reported)")
    parser.add_argument("--timeline", type=float, default=0.0, metavar="SECONDS",
                        help="print each thread's CPU per bin of SECONDS and the import's hand-over and waits")
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
        timeline = _Timeline(args.timeline) if args.timeline else None
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
        if timeline:
            timeline.begin()
        if profiler:
            profiler.enable()
        code = cli(command)
        if profiler:
            profiler.disable()
        wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        if timeline:
            timeline.end()
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
        if timeline:
            print(timeline.report(), flush=True)
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
