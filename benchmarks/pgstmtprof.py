"""PostgreSQL's CPU per statement of one process (the HQ server), for
`benchmarks/hq_ingest_http.py --pg-profile FILE`:

    python benchmarks/pgstmtprof.py OUT.txt -m fundclient hq ... serve ...

Runs the module like `python -m`. Around every statement the process sends through SQLAlchemy
(and every COPY of hq/bulk.py, every statement hq/db.py's `on_driver` runs on the driver's
cursor) it reads the CPU time of the PostgreSQL backend serving that connection
(`/proc/PID/schedstat`, nanoseconds: the backend runs on the same machine), and on exit (SIGTERM
included) writes the totals per statement to OUT.txt, largest first. Beside them, the HQ
process's own CPU per statement (its thread's `time.thread_time`): in SQLAlchemy's whole
`Connection.execute` / `exec_driver_sql` (or hq/bulk.py's `insert_rows` / `insert_new_rows`: the
rows' building too), and in psycopg's execution within it (or the COPY). The driver's column
leaves out this tool's own reads of /proc; the whole call holds them (~0.02–0.04 ms per
statement), and so does the benchmark's HQ CPU of such a run: read its shares, not its totals.
Waits (locks, fsync, the client) count nothing; what PostgreSQL does outside a statement
(commit, its own background processes) is the difference between the first line's two totals and
the benchmark's PostgreSQL CPU. Linux only; a local PostgreSQL only.
"""

from __future__ import annotations

import atexit
import collections
import re
import runpy
import signal
import sys
import threading
import time

_cpu: collections.Counter = collections.Counter()
_driver: collections.Counter = collections.Counter()  # the process's own CPU in psycopg's execute (or the COPY)
_whole: collections.Counter = collections.Counter()  # … in SQLAlchemy's whole `Connection.execute` (or the COPY)
_calls: collections.Counter = collections.Counter()
_first: dict[int, int] = {}
_lock = threading.Lock()
_local = threading.local()


def _backend_ns(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/schedstat") as f:
            return int(f.read().split()[0])
    except OSError:
        return 0


def _label(sql) -> str:
    sql = sql[0] if isinstance(sql, tuple) else sql  # (hq/bulk.py's binary COPY: statement, types)
    return re.sub(r"\s+", " ", sql)[:120]


def _backend(conn) -> int | None:
    if conn.dialect.name != "postgresql":
        return None
    pid = conn.connection.dbapi_connection.info.backend_pid
    with _lock:
        _first.setdefault(pid, _backend_ns(pid))
    return pid


def _count(sql: str, pid: int, since: int, client_since: int) -> None:
    client = time.thread_time_ns() - client_since  # (before the /proc read below: not counted)
    spent = _backend_ns(pid) - since
    label = _label(sql)
    if getattr(_local, "label", None) is None or not label.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
        _local.label = label  # (a savepoint around a COPY: the whole call is the COPY's)
    with _lock:
        _cpu[label] += spent
        _driver[label] += client
        _calls[label] += 1


def _before(conn, _cursor, _statement, _parameters, _context, _executemany) -> None:
    pid = _backend(conn)
    _local.started = (pid, _backend_ns(pid), time.thread_time_ns()) if pid else None  # (HQ's clock after the /proc read)


def _after(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    started = getattr(_local, "started", None)
    if started:
        _count(statement, *started)
        _local.started = None


def _install() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Connection, Engine

    from fundclient.hq import bulk

    event.listen(Engine, "before_cursor_execute", _before)
    event.listen(Engine, "after_cursor_execute", _after)
    copy = bulk._copy

    def counted_copy(conn, sql, values, **options):
        pid = _backend(conn)
        since = _backend_ns(pid)
        client = time.thread_time_ns()
        try:
            return copy(conn, sql, values, **options)
        finally:
            _count(sql, pid, since, client)

    bulk._copy = counted_copy
    _wrap_lean()
    for owner, name in ((Connection, "execute"), (Connection, "exec_driver_sql"), (bulk, "insert_rows"),
                        (bulk, "insert_new_rows")):
        _wrap_whole(owner, name)


def _wrap_lean() -> None:
    """hq/db.py runs some statements on the driver's cursor (`on_driver`: `Lean`'s and
    hq/bulk.py's), past SQLAlchemy's events: counted around its execution step and, for `Lean`,
    around its whole call."""
    from fundclient.hq import db

    execute = db._driver_execute

    def counted_execute(conn, cursor, sql, values, many):
        pid = _backend(conn)
        since = _backend_ns(pid) if pid else 0
        client = time.thread_time_ns()
        try:
            return execute(conn, cursor, sql, values, many)
        finally:
            if pid:
                _count(sql, pid, since, client)

    db._driver_execute = counted_execute
    _wrap_whole(db.Lean, "_run")


def _wrap_whole(owner, name: str) -> None:
    """The calling thread's CPU in the whole call (SQLAlchemy's execute: compile cache,
    parameters, the driver, the result's set-up; hq/bulk.py's: the rows' building too), filed
    under the statement it sent last; a call inside another counts in the outer one only."""
    method = getattr(owner, name)

    def counted(*args, **kwargs):
        depth = getattr(_local, "depth", 0)
        _local.depth = depth + 1
        if depth:
            try:
                return method(*args, **kwargs)
            finally:
                _local.depth = depth
        _local.label = None
        started = time.thread_time_ns()
        try:
            return method(*args, **kwargs)
        finally:
            _local.depth = depth
            label = getattr(_local, "label", None)
            if label is not None:
                with _lock:
                    _whole[label] += time.thread_time_ns() - started

    setattr(owner, name, counted)


def _dump(path: str) -> None:
    with _lock:
        backends = sum(_backend_ns(pid) - ns for pid, ns in _first.items())
        rows = _cpu.most_common()
        calls = dict(_calls)
        driver, whole = dict(_driver), dict(_whole)
    with open(path, "w") as out:
        out.write(f"PostgreSQL backends of this process: {len(_first)}, their CPU while it ran "
                  f"{backends / 1e9:.3f} s, of which in its statements {sum(_cpu.values()) / 1e9:.3f} s; this process's "
                  f"own CPU in them: in the whole calls (SQLAlchemy's execute, hq/bulk.py's, Lean's) "
                  f"{sum(whole.values()) / 1e9:.3f} s, of which in the driver's execution (psycopg) "
                  f"{sum(driver.values()) / 1e9:.3f} s\n")
        out.write(" PG CPU ms  HQ: whole call  psycopg ms   calls  statement\n")
        for sql, ns in rows:
            out.write(f"{ns / 1e6:10.1f} {whole.get(sql, 0) / 1e6:15.1f} {driver[sql] / 1e6:11.1f} {calls[sql]:7d}  {sql}\n")


def main() -> None:
    out, flag, module, *rest = sys.argv[1:]
    if flag != "-m":
        raise SystemExit(__doc__)
    _install()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    atexit.register(_dump, out)
    sys.argv = [module, *rest]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
