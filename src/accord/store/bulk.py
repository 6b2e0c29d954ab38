"""Bulk statements through the DBAPI: for a million rows, ORM bookkeeping costs more than SQL.

Values still go through each column type's own bind conversion (UUIDs as hex text on
SQLite, say), and every value is a bound parameter; only fixed table and column names are
put into the SQL text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from sqlalchemy import FromClause
from sqlalchemy.orm import Session

CHUNK = 50_000


def placeholder(session: Session) -> str:
    """The driver's parameter marker (`?` for sqlite3, `%s` for psycopg)."""
    return "?" if session.connection().dialect.paramstyle == "qmark" else "%s"


def bulk_pragmas(session: Session) -> None:
    """SQLite's default 2 MB page cache thrashes on a million random-key writes."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA cache_size = -262144")  # KiB: 256 MiB


def binder(session: Session, table: FromClause, column: str) -> Callable[[Any], Any]:
    """The dialect's own conversion of Python values for one column."""
    processor = table.c[column].type._cached_bind_processor(session.connection().dialect)
    return processor if processor is not None else (lambda value: value)


def execute_many(session: Session, sql: str, rows: Iterable[Sequence[Any]]) -> int:
    """Run one statement, written with `{mark}` for each parameter marker, for every row
    (tuples of already-bound values), in chunks on the session's connection."""
    statement = sql.format(mark=placeholder(session))
    connection, batch, count = session.connection(), [], 0
    for row in rows:
        batch.append(tuple(row))
        if len(batch) == CHUNK:
            connection.exec_driver_sql(statement, batch)
            count, batch = count + len(batch), []
    if batch:
        connection.exec_driver_sql(statement, batch)
        count += len(batch)
    return count


def insert_many(
    session: Session, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """INSERT rows (tuples of already-bound values, in `columns` order) in chunks."""
    marks = ", ".join(["{mark}"] * len(columns))
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})"  # noqa: S608
    return execute_many(session, sql, rows)


def select_rows(session: Session, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Plain tuples for a SELECT written with `{mark}` for each parameter marker, read on the
    session's own connection (same transaction) straight from the driver's cursor."""
    cursor = session.connection().connection.cursor()
    try:
        cursor.execute(sql.format(mark=placeholder(session)), tuple(params))
        rows = cast(list[tuple[Any, ...]], cursor.fetchall())  # sqlite3 and psycopg: tuples
    finally:
        cursor.close()
    return rows


KEY_CHUNK = 500  # keys per statement: under SQLite's bound-parameter limit


def select_by_keys(session: Session, sql: str, keys: Sequence[Any]) -> list[tuple[Any, ...]]:
    """`select_rows` for a SELECT ending in `IN ({keys})`, run over `keys` in chunks."""
    rows: list[tuple[Any, ...]] = []
    for start in range(0, len(keys), KEY_CHUNK):
        part = list(keys[start : start + KEY_CHUNK])
        rows += select_rows(session, sql.replace("{keys}", ", ".join(["{mark}"] * len(part))), part)
    return rows
