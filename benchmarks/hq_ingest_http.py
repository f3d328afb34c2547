"""HQ ingest over real HTTP (#11 item 7): `fundclient hq serve` (uvicorn) on 127.0.0.1 in its own
process, offices uploading real sealed batches (registrations with a 20 KB photo) with the
office's own uploader, several at once; then the physical limit: a bare COPY (PostgreSQL) or
one executemany transaction (SQLite) of exactly the rows HQ stored (every table ingest writes,
the stored duplicate profiles included).

    .venv/bin/python benchmarks/hq_ingest_http.py [--count 5000] [--devices 4] [--postgres | --database-url URL]
        [--workers N] [--batch-kb KB] [--serial] [--warm RECORDS] [--profile FILE | --pg-profile FILE]

--serial: the offices send one batch at a time (before 2026-11-30 evening they did; now each keeps
its next batch in flight while HQ ingests one: sync/upload.py `Pipeline`, hq/turns.py).
--batch-kb KB: the offices seal batches of at most KB (their `batch_max_bytes`; default: the offices' own, 4096 since 2026-11-30 (0f86947)):
60 gives batches of 2 registrations that go whole with their creation request, the shape of an
office that seals at each save. --postgres starts a throwaway PostgreSQL (scripts/dev.py) and
removes it afterwards; every temporary directory goes too. Prints records/s, CPU of HQ, of PostgreSQL and of the uploading
offices, and the ratio to the bare write of the same rows. --profile FILE: the server (one
process) runs under benchmarks/threadprof.py — every thread's CPU time by function, read it
with `python -m pstats FILE`; the rates of such a run are not figures. --pg-profile FILE (with
--postgres, 1 process): PostgreSQL's CPU per statement the server sent (benchmarks/pgstmtprof.py).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "sync"))
sys.path.insert(0, str(ROOT / "scripts"))

import hq_cluster  # noqa: E402

import sqlalchemy as sa  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5000)
    parser.add_argument("--devices", type=int, default=4, help="offices uploading at once")
    parser.add_argument("--postgres", action="store_true", help="start a throwaway PostgreSQL")
    parser.add_argument("--database-url")
    parser.add_argument("--workers", type=int, default=1, help="HQ server processes (`hq serve --workers N`)")
    parser.add_argument("--serial", action="store_true", help="offices send one batch at a time (as before "
                        "2026-11-30 evening: no next batch in flight while HQ ingests one)")
    parser.add_argument("--batch-kb", type=int, help="the offices' batch size (Settings.batch_max_bytes; default: "
                        "the offices' own default)")
    parser.add_argument("--warm", type=int, default=0, metavar="RECORDS", help="before the timed run, as many other "
                        "offices send RECORDS registrations in all (the server's start-up — its pooled connections, "
                        "PostgreSQL's backends and their caches, first compilations — then lies outside the window, "
                        "as on a server that has been running)")
    parser.add_argument("--profile", metavar="FILE", help="cProfile every thread of the HQ server (1 process) into "
                        "FILE (benchmarks/threadprof.py); the figures are then not the rates")
    parser.add_argument("--pg-profile", metavar="FILE", help="PostgreSQL's CPU per statement of the HQ server (1 "
                        "process) into FILE (benchmarks/pgstmtprof.py)")
    args = parser.parse_args()
    pg = None
    url = args.database_url
    if args.postgres and not url:
        from dev import ThrowawayPostgres
        pg = ThrowawayPostgres()
        url = pg.start()
    try:
        with tempfile.TemporaryDirectory(prefix="fundclient-ingest-") as tmp:
            return run(Path(tmp), url, pg, args)
    finally:
        if pg:
            pg.stop()


def run(work: Path, url: str | None, pg, args) -> int:
    from fundclient.hq.db import open_engine
    from fundclient.hq.devices import create_token
    from fundclient.hq.keys import HQKeys, init_keys
    from fundclient.hq.migrate import drop_everything

    hq_dir = work / "hq"
    init_keys(hq_dir)
    engine = open_engine(hq_dir, url)
    if url:
        drop_everything(engine)
        engine.dispose()
        engine = open_engine(hq_dir, url)
    if pg is not None:  # what PostgreSQL does beside the statements, in its log (the run's timeline)
        with engine.connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT")
            for setting in ("log_checkpoints = on", "log_autovacuum_min_duration = 0"):
                conn.exec_driver_sql(f"ALTER SYSTEM SET {setting}")
            conn.exec_driver_sql("SELECT pg_reload_conf()")
    db_url = url or f"sqlite:///{hq_dir / 'hq.db'}"
    python = (sys.executable, str(ROOT / "benchmarks" / "threadprof.py"), os.path.abspath(args.profile)) \
        if args.profile else ()
    if args.pg_profile:
        python = (sys.executable, str(ROOT / "benchmarks" / "pgstmtprof.py"), os.path.abspath(args.pg_profile))
    node = hq_cluster.Node(hq_dir, db_url, log=work / "node.log", workers=args.workers, python=python).start()
    try:
        sign = HQKeys(hq_dir).active_sign
        per = args.count // args.devices
        sims = []
        for i in range(args.devices):
            sim = hq_cluster.SimDevice(work / f"device{i}", hq_cluster.OFFICES[i % 6], seed=500 + i, rate=1e12,
                                       pipelined=not args.serial)
            sim.root.mkdir(parents=True)
            from fundclient.sync.enrol import enrol
            enrol(sim.root, node.url, create_token(engine, sim.office, sign))
            if args.batch_kb:
                from fundclient.config import Settings
                settings = Settings.load(sim.root)
                settings.batch_max_bytes = args.batch_kb * 1024
                settings.save(sim.root)
            sim.seal(per)
            sims.append(sim)
        if args.warm:
            warm = []
            for i in range(args.devices):
                sim = hq_cluster.SimDevice(work / f"warm{i}", hq_cluster.OFFICES[(args.devices + i) % 6],
                                           seed=900 + i, rate=1e12, pipelined=not args.serial)
                sim.root.mkdir(parents=True)
                from fundclient.sync.enrol import enrol
                enrol(sim.root, node.url, create_token(engine, sim.office, sign))
                sim.seal(args.warm // args.devices)
                warm.append(sim)
            threads = [threading.Thread(target=s.sync, args=(node.url, time.monotonic() + 900)) for s in warm]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            print(f"warm-up: {args.warm // args.devices * args.devices} registrations from {args.devices} other "
                  f"offices before the timed run")
        batches = sum(len(list((s.root / "outbox" / "pending").glob("*"))) for s in sims)
        print(f"machine: {os.cpu_count()} cores; load before: {hq_cluster.load_average()}")
        print(f"{'PostgreSQL' if url else 'SQLite'}: {per * args.devices} registrations with 20 KB photos in "
              f"{batches} batches from {args.devices} offices at once, over HTTP to uvicorn on 127.0.0.1 "
              f"({args.workers} HQ server process{'es' if args.workers > 1 else ''})")
        node_cpu0, pg_cpu0, split0 = node.cpu(), hq_cluster.postgres_cpu_seconds(pg), hq_split(node)
        machine0 = machine_times()
        cpu0, started = time.process_time(), time.monotonic()
        threads = [threading.Thread(target=s.sync, args=(node.url, started + 900)) for s in sims]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = max(r.acked for s in sims for r in s.runs) - started
        client_cpu, node_cpu, pg_cpu = time.process_time() - cpu0, node.cpu() - node_cpu0, hq_cluster.postgres_cpu_seconds(pg) - pg_cpu0
        split = {k: v - split0.get(k, 0.0) for k, v in hq_split(node).items()}
        machine = {k: v - machine0[k] for k, v in machine_times().items()}
        errors = [s.error for s in sims if s.error] + hq_cluster.unsigned_acks(sims)
        records = per * args.devices
        rate = records / wall
        print(f"  HTTP ingest: {wall:.2f} s wall = {rate:.0f} records/s; CPU: HQ {node_cpu:.1f} s, "
              f"PostgreSQL {pg_cpu:.1f} s, offices (client) {client_cpu:.1f} s; load after: {hq_cluster.load_average()}")
        per_record = (node_cpu + pg_cpu + client_cpu) / records * 1000
        print(f"  CPU per record: HQ {node_cpu / records * 1000:.2f} ms, PostgreSQL {pg_cpu / records * 1000:.2f} ms, "
              f"offices {client_cpu / records * 1000:.2f} ms = {per_record:.2f} ms together -> what {os.cpu_count()} "
              f"idle cores could do at that CPU cost: {os.cpu_count() * 1000 / per_record:.0f} records/s")
        print(f"  HQ's CPU a record: user {split['user'] / records * 1000:.3f} + system {split['system'] / records * 1000:.3f} ms; "
              f"event loop threads {split['loop'] / records * 1000:.3f} + other threads (ingest's pool) "
              f"{split['pool'] / records * 1000:.3f} ms")
        print(f"  cores busy: {(node_cpu + pg_cpu + client_cpu) / (wall * os.cpu_count()) * 100:.0f} % "
              f"(HQ + PostgreSQL + offices CPU / (wall x {os.cpu_count()} cores))")
        size, photo_bytes = database_size(engine)
        held = records + (args.warm // args.devices * args.devices if args.warm else 0)  # (the warm-up's rows too)
        rest = (size - photo_bytes) / held
        print(f"  database: {size / 1e6:.1f} MB for {held} registrations ({photo_bytes / 1e6:.1f} MB of it photo "
              f"bytes in blobs) -> per 1,000,000 registrations {size / held * 1e6 / 1e9:.1f} GB with these "
              f"20 KB photos, {(rest + 30_000) * 1e6 / 1e9:.1f} GB with 30 KB photos (the camera's upper bound)")
        bare = bare_write(engine)
        print(f"  bare {'COPY' if url else 'executemany'} of the same rows ({', '.join(BARE_TABLES)}): "
              f"{bare:.2f} s = {held / bare:.0f} records/s -> HTTP ingest is {rate / (held / bare):.2f} x that")
        print("  " + timeline(sims, started, work / "node.log", pg))
        if pg is not None:
            with engine.connect() as conn:
                backends = conn.exec_driver_sql("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client "
                                                "backend' AND pid <> pg_backend_pid()").scalar()
            print(f"  PostgreSQL client backends at the end (HQ's pooled connections, each started during the run): "
                  f"{backends}")
        print(f"  the machine over the run (/proc/stat, both cores): idle {machine['idle']:.2f} s, iowait "
              f"{machine['iowait']:.2f} s, steal {machine['steal']:.2f} s (CPU the hypervisor gave others), "
              f"busy {machine['busy']:.2f} s")
        for e in errors[:10]:
            print("  PROBLEM:", e)
        return 1 if errors else 0
    finally:
        node.stop()
        engine.dispose()


def machine_times() -> dict[str, float]:
    """The machine's CPU time so far by state, all cores (/proc/stat's first line, seconds)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return {"idle": idle / tick, "iowait": iowait / tick, "steal": steal / tick,
            "busy": (user + nice + system + irq + softirq) / tick}


def timeline(sims, started: float, node_log: Path, pg) -> str:
    """What a slow run is made of: the offices' retries after a transient error (the simulated
    office sleeps 0.2-0.8 s before it tries again: tests/sync/hq_cluster.py), HQ's answers other
    than 2xx (503 turn_busy: hq/turns.py), the longest wait between two acks of one office, the
    HQ log's warnings, and PostgreSQL's checkpoints and autovacuum runs in its log."""
    retries = sum(1 for s in sims for e in s.exchanges if e.method == "CUT")
    answers: dict[int, int] = {}
    for s in sims:
        for e in s.exchanges:
            if e.status is not None and not 200 <= e.status < 300:
                answers[e.status] = answers.get(e.status, 0) + 1
    gap, where = 0.0, ""
    for s in sims:
        last = started
        for n, r in enumerate(s.runs):
            if r.acked and r.acked - last > gap:
                gap, where = r.acked - last, f"{s.office} batch {n + 1} of {len(s.runs)}"
            last = r.acked or last
    warnings = sum(1 for line in node_log.read_text(errors="replace").splitlines()
                   if "turn not kept" in line or "turn waited" in line or "batch refused" in line) \
        if node_log.exists() else 0
    events = []
    if pg is not None and pg.dir is not None and (pg.dir / "log").exists():
        for line in (pg.dir / "log").read_text(errors="replace").splitlines():
            if any(w in line for w in ("checkpoint starting", "automatic vacuum", "automatic analyze")):
                events.append(line.split(" UTC ", 1)[-1][:80])
    return (f"timeline: {retries} office retries after a transient error, HQ answers not 2xx {answers or 'none'}, "
            f"longest wait for one office's next ack {gap:.2f} s ({where}), {warnings} turns not kept or batches refused in HQ's log; "
            f"PostgreSQL's log: {'; '.join(events) if events else 'no checkpoint or autovacuum'}")


def hq_split(node) -> dict[str, float]:
    """The HQ server processes' CPU so far by kind (user, system) and by thread (each process's
    main thread, which runs uvicorn's event loop, and the others: the thread pool that ingests):
    /proc/PID/task/TID/stat. Threads that ended are not counted (the pool's live for the run)."""
    pids = [node.process.pid]
    if node.workers > 1:
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == node.process.pid:
                    pids.append(int(stat.parent.name))
            except (OSError, ValueError):
                continue
    tick = os.sysconf("SC_CLK_TCK")
    out = {"user": 0.0, "system": 0.0, "loop": 0.0, "pool": 0.0}
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            user, system = int(fields[11]) / tick, int(fields[12]) / tick
            out["user"] += user
            out["system"] += system
            out["loop" if int(task.name) == pid else "pool"] += user + system
    return out


def database_size(engine: sa.Engine) -> tuple[int, int]:
    """(bytes the database takes: tables, indexes, TOAST; bytes of that in `blobs` incl. its TOAST)."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            total = conn.execute(sa.text(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE c.relkind = 'r' AND n.nspname = 'public'")).scalar()
            blobs = conn.execute(sa.text("SELECT pg_total_relation_size('blobs')")).scalar()
            return int(total), int(blobs)
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar() * conn.exec_driver_sql("PRAGMA page_size").scalar()
        blobs = conn.exec_driver_sql("SELECT sum(pgsize) FROM dbstat WHERE name LIKE '%blobs%'").scalar() \
            if _has_dbstat(conn) else conn.exec_driver_sql("SELECT sum(size) FROM blobs").scalar()
        return int(pages), int(blobs or 0)


def _has_dbstat(conn) -> bool:
    try:
        conn.exec_driver_sql("SELECT 1 FROM dbstat LIMIT 1")
        return True
    except sa.exc.OperationalError:
        return False


# Every table a batch's ingest writes rows into (not the uploads' rows, gone at its commit).
BARE_TABLES = ["records", "photos", "blobs", "card_numbers", "person_numbers", "person_names", "person_profiles",
               "number_claims", "duplicate_findings", "batches"]


def bare_write(engine: sa.Engine) -> float:
    """Write exactly the rows HQ stored into empty copies of its tables, the fastest way the
    database offers (PostgreSQL: binary COPY; SQLite: one executemany transaction)."""
    tables = BARE_TABLES
    with engine.connect() as conn:
        rows = {t: conn.execute(sa.text(f"SELECT * FROM {t}")).all() for t in tables}
        columns = {t: list(conn.execute(sa.text(f"SELECT * FROM {t} LIMIT 0")).keys()) for t in tables}
        postgres = engine.dialect.name == "postgresql"
        types = {t: [conn.execute(sa.text("SELECT format_type(atttypid, NULL) FROM pg_attribute WHERE attrelid = "
                                          "CAST(:t AS regclass) AND attname = :c"), {"t": t, "c": c}).scalar()
                     for c in columns[t]] for t in tables} if postgres else {}
    with engine.begin() as conn:
        for t in tables:
            conn.execute(sa.text(f"DROP TABLE IF EXISTS bare_{t}"))
            if postgres:
                conn.execute(sa.text(f"CREATE TABLE bare_{t} (LIKE {t} INCLUDING ALL)"))
                conn.execute(sa.text(f"ALTER TABLE bare_{t} ALTER COLUMN data SET STORAGE EXTERNAL")
                             if t == "blobs" else sa.text("SELECT 1"))
            else:
                for kind, name, ddl in conn.execute(sa.text(
                        "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = :t AND sql IS NOT NULL "
                        "ORDER BY type DESC"), {"t": t}).all():  # the table, then its indexes
                    ddl = re.sub(rf'^CREATE (TABLE|INDEX) "?{re.escape(name)}"?', rf"CREATE \1 bare_{name}", ddl)
                    conn.execute(sa.text(re.sub(rf' ON "?{t}"? ', f" ON bare_{t} ", ddl)))
    started = time.perf_counter()
    raw = engine.raw_connection()
    try:
        cur = raw.cursor()
        for t in tables:
            cols = columns[t]
            if postgres:  # binary COPY: no text form of the bytes (hex doubles a photo) to make or parse
                with cur.copy(f"COPY bare_{t} ({', '.join(cols)}) FROM STDIN (FORMAT BINARY)") as copy:
                    copy.set_types(types[t])
                    for row in rows[t]:
                        copy.write_row(tuple(row))
            else:
                cur.executemany(f"INSERT INTO bare_{t} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                                [tuple(r) for r in rows[t]])
        raw.commit()
    finally:
        raw.close()
    elapsed = time.perf_counter() - started
    with engine.begin() as conn:
        for t in tables:
            conn.execute(sa.text(f"DROP TABLE bare_{t}"))
    return elapsed


if __name__ == "__main__":
    raise SystemExit(main())
