"""Where a slow save's time goes (issue #11 item 2): a tracer for benchmarks/backup_bench.py.

Imported by the benchmark (it opens no store itself). Once `SaveTrace(store).install()` has run,
each save made between `start()` and `stop()` on the saving thread is timed step by step —
the writer's turn (the OS lock), BEGIN IMMEDIATE, each statement (its first words), the COMMIT
(and how many rows SQLite changed inside it: an FTS5 merge writes hundreds), the audit anchor,
status.json and waking the background threads — each step's wall and this thread's CPU, and for
the whole save the time the thread waited for a core (`/proc/thread-self/schedstat`), its
voluntary switches (waits: a lock, the GIL, the disk) and the bytes it read from the disk. The
background work is logged on a timeline (the checkpointer's checkpoints, the key filer's steps,
the backup's flushes and the waits it gave saves, the sync's sealing and sending, garbage
collections), so a slow save can be set beside what ran while it waited. `report(n)` prints the
n slowest saves with their steps and what overlapped them.

The wrappers are the benchmark's, not the store's: nothing here changes what a save does.
"""

from __future__ import annotations

import gc
import resource
import threading
import time
from contextlib import contextmanager

from fundclient.storage import backup as backup_module, engine as engine_module, status as status_module


MERGE_ROWS = 150  # a save's statements change ~60-130 rows (triggers included); FTS5's merging writes hundreds more


def _schedstat() -> tuple[int, int]:
    """(ns on a core, ns waiting for one) of the calling thread; (0, 0) where unknown."""
    try:
        with open("/proc/thread-self/schedstat", "rb") as fh:
            run, wait, _ = fh.read().split()
        return int(run), int(wait)
    except OSError:
        return 0, 0


def _usage() -> tuple[float, float, int]:
    """(user s, system s, minor page faults) of the calling thread; zeros where unknown."""
    if not hasattr(resource, "RUSAGE_THREAD"):
        return 0.0, 0.0, 0
    u = resource.getrusage(resource.RUSAGE_THREAD)
    return u.ru_utime, u.ru_stime, u.ru_minflt


def _io() -> dict[str, int]:
    try:
        with open("/proc/thread-self/io", "rb") as fh:
            return {k.decode(): int(v) for k, v in (line.split(b": ") for line in fh.read().splitlines())}
    except OSError:
        return {}


class SaveTrace:
    def __init__(self, store) -> None:
        self.store = store
        self.thread: int | None = None
        self.current: list | None = None  # the steps of the save under way
        self.saves: list[dict] = []
        self.timeline: list[tuple[float, float, str]] = []  # (start, end, what) of background work
        self.t0 = time.perf_counter()
        self._gc_start: dict[int, float] = {}

    # --- the saves ---------------------------------------------------------------------

    def start(self) -> None:
        """The calling thread's next saves are traced (call before each save)."""
        self.thread = threading.get_ident()
        self.current = []
        self._save_start = (time.perf_counter(), time.thread_time(), _schedstat(), _io(), _usage())

    def stop(self, phase: str) -> None:
        wall0, cpu0, (run0, wait0), io0, (user0, sys0, faults0) = self._save_start
        wall, cpu = time.perf_counter() - wall0, time.thread_time() - cpu0
        run1, wait1 = _schedstat()
        io1 = _io()
        user1, sys1, faults1 = _usage()
        self.saves.append({"at": wall0 - self.t0, "wall": wall, "cpu": cpu, "queued": (wait1 - wait0) / 1e9,
                           "user": user1 - user0, "sys": sys1 - sys0, "faults": faults1 - faults0,
                           "read": io1.get("read_bytes", 0) - io0.get("read_bytes", 0),
                           "phase": phase, "steps": self.current})
        self.current = None

    @contextmanager
    def step(self, label: str):
        if self.current is None or threading.get_ident() != self.thread:
            yield
            return
        wall, cpu, (_, sys0, _) = time.perf_counter(), time.thread_time(), _usage()
        extra: dict = {}
        try:
            yield extra
        finally:
            if self.current is not None:
                self.current.append((label, wall - self.t0, time.perf_counter() - wall, time.thread_time() - cpu,
                                     extra.get("changes"), _usage()[1] - sys0))

    # --- background work ----------------------------------------------------------------

    def background(self, what: str, start: float) -> None:
        self.timeline.append((start - self.t0, time.perf_counter() - self.t0, what))

    def _timed(self, what: str, call):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                self.background(what, start)
        return timed

    def install(self) -> "SaveTrace":
        store, trace = self.store, self
        turn = store._writer_turn

        @contextmanager
        def writer_turn(*args, **kwargs):
            with trace.step("turn (OS lock)"):
                manager = turn(*args, **kwargs)
                manager.__enter__()
            try:
                yield
            except BaseException as exc:
                if not manager.__exit__(type(exc), exc, exc.__traceback__):
                    raise
            else:
                manager.__exit__(None, None, None)
        store._writer_turn = writer_turn

        writer = store._engines.writer
        plain_begin = writer.begin

        @contextmanager
        def begin():
            if trace.current is None or threading.get_ident() != trace.thread:
                with plain_begin() as conn:
                    yield conn
                return
            with trace.step("BEGIN IMMEDIATE"):
                raw, generation = writer._checkout()
            try:
                raw.execute(writer.begin_sql)
                try:
                    yield engine_module.Connection(raw)
                except BaseException:
                    if raw.in_transaction:
                        raw.rollback()
                    raise
                with trace.step("COMMIT") as extra:
                    before = raw.total_changes
                    raw.execute("COMMIT")
                    extra["changes"] = raw.total_changes - before
            finally:
                writer._checkin(raw, generation)
        writer.begin = begin

        plain_exec = engine_module.Connection.exec_driver_sql

        def exec_driver_sql(conn, sql, parameters=None):
            if trace.current is None or threading.get_ident() != trace.thread:
                return plain_exec(conn, sql, parameters)
            with trace.step(" ".join(sql.split()[:3])[:32]) as extra:
                before = conn.driver_connection.total_changes
                result = plain_exec(conn, sql, parameters)
                extra["changes"] = conn.driver_connection.total_changes - before
            return result
        engine_module.Connection.exec_driver_sql = exec_driver_sql

        anchor = store.audit.anchor

        def anchored(head):
            with trace.step("audit anchor (fsync)"):
                anchor(head)
        store.audit.anchor = anchored

        counts = status_module.record_counts

        def recorded(*args, **kwargs):
            with trace.step("status.json"):
                return counts(*args, **kwargs)
        status_module.record_counts = recorded

        for name, thread in (("checkpointer", store._checkpoints), ("key filer", store._key_filer)):
            woke = thread.wrote

            def wrote(woke=woke, name=name):
                with trace.step(f"wake {name}"):
                    woke()
            thread.wrote = wrote

        store._checkpoints._checkpoint = self._timed("checkpoint", store._checkpoints._checkpoint)
        store._key_filer._step = self._timed("key filing step", store._key_filer._step)
        backup_module._Pacer.flush = self._wrapped_method(backup_module._Pacer.flush, "backup fdatasync 1 MiB")
        plain_wait = store.writes.wait_idle

        def wait_idle(*args, **kwargs):
            start = time.perf_counter()
            try:
                return plain_wait(*args, **kwargs)
            finally:
                self.background("backup yields to a save", start)
        store.writes.wait_idle = wait_idle
        backup_module._freeze_snapshot = self._timed("backup freezes its snapshot", backup_module._freeze_snapshot)
        gc.callbacks.append(self._gc)
        return self

    def _wrapped_method(self, method, what: str):
        trace = self

        def wrapped(*args, **kwargs):
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                trace.background(what, start)
        return wrapped

    def _gc(self, phase: str, info: dict) -> None:
        ident = threading.get_ident()
        if phase == "start":
            self._gc_start[ident] = time.perf_counter()
        else:
            start = self._gc_start.pop(ident, None)
            if start is not None:
                name = "this (saving) thread" if ident == self.thread else threading.current_thread().name
                self.background(f"gc gen {info.get('generation')} on {name}", start)

    # --- the report ---------------------------------------------------------------------

    def report(self, slowest: int = 5, phase: str | None = None) -> None:
        saves = [s for s in self.saves if phase is None or s["phase"] == phase]
        first = saves[0] if saves else None
        if first is not None and phase is None:
            print(f"  first save after opening: {first['wall'] * 1000:.1f} ms wall, {first['cpu'] * 1000:.1f} ms CPU")
        merging = [s for s in saves if any((step[4] or 0) >= MERGE_ROWS for step in s["steps"])]
        if merging:  # FTS5's merging inside the save's own statements (automerge; storage/name_merging.py)
            cpus = sorted(s["cpu"] * 1000 for s in merging)
            walls = sorted(s["wall"] * 1000 for s in merging)
            print(f"  saves that merged an index's segments inside their own statements (a step changing"
                  f" {MERGE_ROWS}+ rows): {len(merging)} of {len(saves)}; their CPU p50 {cpus[len(cpus) // 2]:.1f},"
                  f" max {cpus[-1]:.1f} ms; wall max {walls[-1]:.1f} ms")
        else:
            print(f"  saves that merged an index's segments inside their own statements: none of {len(saves)}")
        for save in sorted(saves, key=lambda s: -s["wall"])[:slowest]:
            at, end = save["at"], save["at"] + save["wall"]
            print(f"  save at {at:7.2f} s ({save['phase']}): {save['wall'] * 1000:.1f} ms wall, "
                  f"{save['cpu'] * 1000:.1f} ms CPU (user {save['user'] * 1000:.0f}, system {save['sys'] * 1000:.0f};"
                  f" {save['faults']} page faults), {save['queued'] * 1000:.1f} ms waiting for a core, "
                  f"{save['read'] / 1024:.0f} KiB read from the disk")
            steps = sorted(save["steps"], key=lambda s: -s[2])
            print("    steps (wall / CPU [system] ms): " + ", ".join(
                f"{label} {wall * 1000:.1f}/{cpu * 1000:.1f} [{system * 1000:.0f}]"
                + (f" ({changes} rows)" if changes else "")
                for label, _, wall, cpu, changes, system in steps[:6]))
            beside = [(s, e, w) for s, e, w in self.timeline if s < end and e > at]
            if beside:
                print("    meanwhile: " + "; ".join(
                    f"{w} {(max(s, at) - at) * 1000:.0f}..{(min(e, end) - at) * 1000:.0f} ms"
                    for s, e, w in beside[:8]) + (f" (+{len(beside) - 8} more)" if len(beside) > 8 else ""))
