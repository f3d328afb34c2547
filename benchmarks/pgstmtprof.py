"""PostgreSQL's CPU per statement of one process (the HQ server), for
`benchmarks/hq_ingest_http.py --pg-profile FILE`:

    python benchmarks/pgstmtprof.py OUT.txt -m fundclient hq ... serve ...

Runs the module like `python -m`. Around every statement the process sends through SQLAlchemy
(and every COPY of hq/bulk.py) it reads the CPU time of the PostgreSQL backend serving that
connection (`/proc/PID/schedstat`, nanoseconds: the backend runs on the same machine), and on
exit (SIGTERM included) writes the totals per statement to OUT.txt, largest first. Waits (locks,
fsync, the client) count nothing; what PostgreSQL does outside a statement (commit, its own
background processes) is the difference between the first line's two totals and the
benchmark's PostgreSQL CPU. Linux only; a local PostgreSQL only.
"""

from __future__ import annotations

import atexit
import collections
import re
import runpy
import signal
import sys
import threading

_cpu: collections.Counter = collections.Counter()
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


def _count(sql: str, pid: int, since: int) -> None:
    spent = _backend_ns(pid) - since
    with _lock:
        _cpu[_label(sql)] += spent
        _calls[_label(sql)] += 1


def _before(conn, _cursor, _statement, _parameters, _context, _executemany) -> None:
    pid = _backend(conn)
    _local.started = (pid, _backend_ns(pid)) if pid else None


def _after(conn, _cursor, statement, _parameters, _context, _executemany) -> None:
    started = getattr(_local, "started", None)
    if started:
        _count(statement, *started)
        _local.started = None


def _install() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from fundclient.hq import bulk

    event.listen(Engine, "before_cursor_execute", _before)
    event.listen(Engine, "after_cursor_execute", _after)
    copy = bulk._copy

    def counted_copy(conn, sql, values, **options):
        pid = _backend(conn)
        since = _backend_ns(pid)
        try:
            return copy(conn, sql, values, **options)
        finally:
            _count(sql, pid, since)

    bulk._copy = counted_copy


def _dump(path: str) -> None:
    with _lock:
        backends = sum(_backend_ns(pid) - ns for pid, ns in _first.items())
        rows = _cpu.most_common()
        calls = dict(_calls)
    with open(path, "w") as out:
        out.write(f"PostgreSQL backends of this process: {len(_first)}, their CPU while it ran "
                  f"{backends / 1e9:.3f} s, of which in its statements {sum(_cpu.values()) / 1e9:.3f} s\n")
        out.write("   CPU ms   calls  statement\n")
        for sql, ns in rows:
            out.write(f"{ns / 1e6:9.1f} {calls[sql]:7d}  {sql}\n")


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
