"""Many rows into one HQ table in one statement, the cheapest way each database offers: `COPY …
FROM STDIN` on PostgreSQL, one `executemany` of a prepared INSERT on SQLite. Ingest writes a
batch's records, photos, card numbers and index rows with it (#11 item 7: SQLAlchemy's own
multi-row INSERT built and bound every row in Python — a tenth of ingest's CPU — and PostgreSQL
parses COPY rows far cheaper than VALUES lists).

Values are bound by the columns' own SQLAlchemy types (their bind processors), so what is
stored is exactly what `insert(table)` would store (SQLite's datetime text, for instance).
Runs inside the caller's transaction; a unique-key clash raises IntegrityError like `insert`.

`insert_new_rows`: the same for rows that another batch may hold already (a photo's bytes, a
national number's claim) — `INSERT … ON CONFLICT DO NOTHING` as ONE statement per batch: on
PostgreSQL the columns go as one array each (`SELECT * FROM unnest(…)`), not a statement per
row (SQLAlchemy's executemany: a batch's ~80 number claims were ~80 statements, a tenth of
ingest's write time — #11 item 7).
"""

from __future__ import annotations

from datetime import datetime
from operator import itemgetter
from typing import Callable

from sqlalchemy import Table, insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DataError, IntegrityError

from fundclient.errors import Message, StorageError
from fundclient.hq.db import on_driver

# HQ's times are moments (timestamptz): a time without its zone names none (SQLite gives them back
# naive, meaning UTC — hq/duplicates.aware —, but a caller handing one to PostgreSQL is a mistake)
NAIVE_TIME = Message("HQ cannot store a time without its time zone in table {table}, column {column}: the "
                     "program must give times in UTC. Nothing was stored.")

_PLANS: dict[tuple[str, str, tuple[str, ...]], tuple[str, list[Callable | None]]] = {}
_NEW_PLANS: dict[tuple[str, str, tuple[str, ...]], tuple[str, list[Callable | None]]] = {}


def insert_rows(conn: Connection, table: Table, rows: list[dict]) -> None:
    """`rows`: dicts with the same keys (a subset of the table's columns; the others take their
    server defaults, e.g. an autoincrement id)."""
    if not rows:
        return
    columns = tuple(rows[0])
    dialect = conn.dialect
    if dialect.name not in ("postgresql", "sqlite") or (dialect.name == "postgresql" and dialect.driver != "psycopg"):
        conn.execute(insert(table), rows)  # any other driver: SQLAlchemy's own multi-row INSERT
        return
    sql, processors = _plan(conn, table, columns)
    values = _tuples(rows, columns)
    if any(processors):
        values = [tuple(p(v) if p else v for p, v in zip(processors, row)) for row in values]
    if dialect.name == "postgresql":
        _copy(conn, sql, values, where=(table.name, columns))
    else:
        on_driver(conn, sql, values, many=True)


def insert_new_rows(conn: Connection, table: Table, rows: list[dict], returning: str | None = None,
                    likely_new: bool = False) -> set | None:
    """Like `insert_rows`, but a row whose unique key the table holds already (another batch's,
    committed or being committed) is skipped, never an error. One statement; the rows are
    inserted in the order given (callers that take row locks pass them sorted, so two batches
    never wait on each other crosswise).

    `likely_new`: the caller read just before that the table holds none of the rows (a batch's
    new photo bytes): on PostgreSQL they go in a binary COPY under a savepoint — 20–30 % less of
    PostgreSQL's CPU than the array statement for 20 KB photos —, and only when another batch
    committed one of them in between is that undone and the array statement run instead.

    `returning`: a column name — on PostgreSQL the set of its values in the rows this statement
    inserted (the others were held already, or by a batch that committed them meanwhile), so a
    caller can tell its own fresh claims from the contested ones; None where the database does
    not say (SQLite's executemany, another driver): treat every row as contested.

    On PostgreSQL the values go to psycopg as they are, one array per column: the columns' bind
    processors are NOT applied (unlike `insert_rows` on SQLite). Harmless for the callers' columns
    today — text, integers, bytes and timestamps, whose processors do nothing on PostgreSQL; a
    column type with a real processor would need it applied here."""
    if not rows:
        return set() if returning else None
    columns = tuple(rows[0])
    dialect = conn.dialect
    if dialect.name == "postgresql" and dialect.driver != "psycopg":  # another driver: SQLAlchemy's own
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert  # lazy: that case only
        conn.execute(postgresql_insert(table).on_conflict_do_nothing(), rows)
        return None
    if likely_new and not returning and dialect.name == "postgresql":
        import psycopg  # lazy: PostgreSQL's driver, only when HQ runs on PostgreSQL

        sql, _processors = _plan(conn, table, columns)
        try:
            with conn.begin_nested():
                _copy(conn, sql, _tuples(rows, columns), raw_errors=True, where=(table.name, columns))
            return None
        except psycopg.errors.UniqueViolation:
            pass  # held meanwhile: the statement below skips what is held
    key = (dialect.name, table.name, columns)
    plan = _NEW_PLANS.get(key)
    if plan is None:
        preparer = dialect.identifier_preparer
        quoted = ", ".join(preparer.quote(c) for c in columns)
        name = preparer.format_table(table)
        if dialect.name == "postgresql":
            # %b: every array in binary — in text form (%s) each photo went as an escaped hex
            # literal, 5 × the CPU on both sides (#11 item 7)
            arrays = ", ".join(f"%b::{table.c[c].type.compile(dialect=dialect)}[]" for c in columns)
            sql = f"INSERT INTO {name} ({quoted}) SELECT * FROM unnest({arrays}) ON CONFLICT DO NOTHING"
            processors = [None] * len(columns)
        else:  # SQLite (≥ 3.24): one prepared statement, executemany in C
            sql = f"INSERT INTO {name} ({quoted}) VALUES ({', '.join('?' * len(columns))}) ON CONFLICT DO NOTHING"
            processors = [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
        plan = _NEW_PLANS[key] = (sql, processors)
    sql, processors = plan
    if dialect.name == "postgresql":  # (a tuple: one set of parameters, an array per column)
        if returning:
            sql += f" RETURNING {dialect.identifier_preparer.quote(returning)}"
        found = on_driver(conn, sql, tuple([row[c] for row in rows] for c in columns), rows=bool(returning))
        return {row[0] for row in found} if returning else None
    values = _tuples(rows, columns)
    if any(processors):
        values = [tuple(p(v) if p else v for p, v in zip(processors, row)) for row in values]
    on_driver(conn, sql, values, many=True)
    return None


def _tuples(rows: list[dict], columns: tuple[str, ...]) -> list[tuple]:
    """The rows' values in `columns`' order, one tuple each (`itemgetter`: in C, where a
    generator per row cost ~0.02 ms of HQ's CPU per record — #11 item 7)."""
    if len(columns) == 1:
        (column,) = columns
        return [(row[column],) for row in rows]
    return list(map(itemgetter(*columns), rows))


def _plan(conn: Connection, table: Table, columns: tuple[str, ...]) -> tuple[str, list[Callable | None]]:
    dialect = conn.dialect
    key = (dialect.name, table.name, columns)
    plan = _PLANS.get(key)
    if plan is None:
        quoted = ", ".join(dialect.identifier_preparer.quote(c) for c in columns)
        name = dialect.identifier_preparer.format_table(table)
        if dialect.name == "postgresql":
            # psycopg adapts Python values itself in COPY (timestamptz, bytea …); the processors
            # of these column types do nothing on PostgreSQL. In binary form when every column's
            # type is one psycopg writes in binary (all of HQ's): PostgreSQL then parses no text
            # (a record's JSON is not scanned for escapes, a timestamp not read from its spelling).
            types = [_binary_type(table.c[c].type.dialect_impl(dialect)) for c in columns]
            if all(types):
                sql = (f"COPY {name} ({quoted}) FROM STDIN (FORMAT BINARY)", types)
            else:
                sql = f"COPY {name} ({quoted}) FROM STDIN"
            processors = [None] * len(columns)
        else:
            sql = f"INSERT INTO {name} ({quoted}) VALUES ({', '.join('?' * len(columns))})"
            processors = [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
        plan = _PLANS[key] = (sql, processors)
    return plan


# SQLAlchemy type (its visit name) -> the PostgreSQL type psycopg writes in binary COPY (a text
# value goes into a VARCHAR column as it is: same binary form).
_BINARY_TYPES = {"string": "text", "text": "text", "integer": "int4", "big_integer": "int8", "small_integer": "int2",
                 "large_binary": "bytea", "boolean": "bool", "float": "float8", "date": "date"}


_INT_BITS = {"int2": 16, "int4": 32, "int8": 64}


def _binary_type(column_type) -> str | None:
    """The PostgreSQL type of a column's values in a binary COPY, None when not known here."""
    name = type(column_type).__visit_name__
    if name == "datetime":
        return "timestamptz" if column_type.timezone else "timestamp"
    if name == "float" and getattr(column_type, "precision", None) is not None:
        return None  # (REAL and friends: not guessed)
    return _BINARY_TYPES.get(name)


def _copy(conn: Connection, sql: str | tuple[str, list[str]], values: list[tuple], raw_errors: bool = False,
          where: tuple[str, tuple[str, ...]] = ("", ())) -> None:
    """`sql`: the COPY statement, or (a binary COPY statement, its columns' PostgreSQL types);
    `where`: the table's name and the columns, for the errors. A unique-key clash raises
    IntegrityError (psycopg's own error with `raw_errors`); a naive datetime for a timestamptz
    column `StorageError` (NAIVE_TIME) — psycopg's binary dumper raised a bare TypeError."""
    import psycopg  # lazy: PostgreSQL's driver, only when HQ runs on PostgreSQL

    sql, types = sql if isinstance(sql, tuple) else (sql, None)
    if types:
        for i in (i for i, t in enumerate(types) if t == "timestamptz"):
            for row in values:
                value = row[i]
                if isinstance(value, datetime) and value.tzinfo is None:
                    table, columns = where
                    raise StorageError(NAIVE_TIME.format(table=table, column=columns[i] if columns else ""),
                                       code="naive_time")
        # psycopg's binary dumpers wrap an integer out of the column's range (2**40 → 0 in int4)
        # where text COPY and `insert` refuse it: refused here, as `insert` does (DataError)
        for i, bits in ((i, _INT_BITS[t]) for i, t in enumerate(types) if t in _INT_BITS):
            limit = 1 << (bits - 1)
            column = [value for value in map(itemgetter(i), values) if value is not None]  # (min/max in C)
            if column and not (-limit <= min(column) and max(column) < limit):
                value = next(v for v in column if not -limit <= v < limit)
                raise DataError(sql, None, OverflowError(f"{value} out of range for {types[i]}"))
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy(sql) as copy:
            if types:
                copy.set_types(types)
            for row in values:
                copy.write_row(row)
    except psycopg.errors.UniqueViolation as exc:  # the same answer `insert` gives
        if raw_errors:
            raise
        raise IntegrityError(sql, None, exc) from None
    finally:
        cursor.close()
