# SQL here is built from quoted column names; keys, prefixes and values are bound parameters.
# ruff: noqa: S608
"""Per-row keyed hashing and JSON encoding done column-wise in an in-memory DuckDB.

At a million rows, Python-level HMAC and json.dumps per row cost more than everything else in
ingest together. HMAC-SHA256 is two SHA-256 passes over padded keys, which DuckDB computes
vectorised on every core; the results are byte-for-byte those of `hmac` (a test checks), so
record ids made here equal `accord.feeds.keys.record_ids`. Keys are passed as bound
parameters, never written into SQL text.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import duckdb
import pyarrow as pa  # type: ignore[import-untyped]

from accord.feeds.keys import RECORD_ID_LENGTH

_BLOCK = 64


def _pads(key: bytes) -> tuple[bytes, bytes]:
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    return bytes(b ^ 0x36 for b in key), bytes(b ^ 0x5C for b in key)


def _hmac_sql(message: str, ipad: str, opad: str) -> str:
    """SQL for hex HMAC-SHA256 of the BLOB expression `message` (pads are parameter names)."""
    return f"sha256({opad} || unhex(sha256({ipad} || {message})))"


def row_key(secret: bytes) -> bytes:
    return hashlib.sha256(secret + b"/row-digest").digest()


_local = threading.local()


@contextmanager
def shared_connection() -> Iterator[None]:
    """Reuse one in-memory DuckDB for every call inside the block (opening one costs ~0.1 s);
    it is closed at the end, never left for interpreter shutdown."""
    if getattr(_local, "con", None) is not None:
        yield
        return
    _local.con = duckdb.connect()
    try:
        yield
    finally:
        _local.con.close()
        _local.con = None


@contextmanager
def _connection() -> Iterator[Any]:
    con = getattr(_local, "con", None)
    if con is not None:
        yield con
        return
    con = duckdb.connect()
    try:
        yield con
    finally:
        con.close()


def keys_and_digests(
    raw: pa.Table, *, partner: str, dataset: str, key_column: str, secret: bytes
) -> pa.Table:
    """record_id (HMAC of partner, dataset, key) and _row_digest for every row of `raw`
    (string columns), in row order. The digest only detects unchanged rows, so a single
    SHA-256 over a secret prefix and the row suffices (length extension gains nothing here);
    the secret stops anyone testing guessed identifiers against stored digests."""
    with _connection() as con:
        con.register("raw_rows", raw)
        rid_in, rid_out = _pads(secret)

        q = '"'
        cols = [f"coalesce({q}{c.replace(q, q + q)}{q}, chr(0))" for c in raw.column_names]
        joined = f"encode(concat_ws(chr(31), {', '.join(cols)}))"
        key = f"encode($prefix || coalesce({q}{key_column.replace(q, q + q)}{q}, ''))"
        sql = (
            f"SELECT substr({_hmac_sql(key, '$rid_in', '$rid_out')}, 1, {RECORD_ID_LENGTH})"
            f" AS record_id, substr(sha256($dig_key || {joined}), 1, {RECORD_ID_LENGTH})"
            " AS _row_digest FROM raw_rows"
        )
        params = {
            "prefix": f"{partner}\x1f{dataset}\x1f",
            "rid_in": rid_in,
            "rid_out": rid_out,
            "dig_key": row_key(secret),
        }
        try:
            result: pa.Table = con.sql(sql, params=params).to_arrow_table()
        finally:
            con.unregister("raw_rows")
        return result


def json_rows(table: pa.Table) -> list[bytes]:
    """Each row of `table` as compact UTF-8 JSON (dates ISO, nulls as null), in row order."""
    if table.num_rows == 0:
        return []
    with _connection() as con:
        con.register("rows_in", table)
        fields = ", ".join(
            f"'{name}': \"{name}\"" for name in table.column_names if name.isidentifier()
        )
        if len(table.column_names) != fields.count(":"):
            raise ValueError("column names must be identifiers")
        select = f"SELECT CAST(to_json({{{fields}}}) AS VARCHAR) AS j FROM rows_in"
        out = con.sql(select)
        try:
            return [s.encode() for s in out.to_arrow_table().column(0).to_pylist()]
        finally:
            con.unregister("rows_in")


def record_id_array(partner: str, dataset: str, keys: pa.Array, *, secret: bytes) -> pa.Array:
    """Record ids for an array of partner keys (equal to `accord.feeds.keys.record_ids`)."""
    table = keys_and_digests(
        pa.table({"key": keys.cast(pa.string())}),
        partner=partner,
        dataset=dataset,
        key_column="key",
        secret=secret,
    )
    return table.column("record_id").combine_chunks()


def keyed_digests(table: pa.Table, keys: Mapping[str, bytes]) -> pa.Table:
    """record_id, kind and digest (32 bytes) for each non-null value of each column of
    `table` named in `keys` (column -> HMAC key): HMAC-SHA256 of the value's UTF-8 bytes,
    byte for byte what `hmac` gives."""
    parts: list[str] = []
    params: dict[str, str | bytes] = {}
    for n, (column, key) in enumerate(keys.items()):
        if not column.isidentifier():
            raise ValueError("column names must be identifiers")
        params[f"i{n}"], params[f"o{n}"] = _pads(key)
        params[f"k{n}"] = column
        parts.append(
            f"SELECT record_id, $k{n} AS kind,"
            f" unhex({_hmac_sql(f'encode({column})', f'$i{n}', f'$o{n}')}) AS digest"
            f" FROM index_rows WHERE {column} IS NOT NULL"
        )
    with _connection() as con:
        con.register("index_rows", table)
        try:
            result: pa.Table = con.sql(" UNION ALL ".join(parts), params=params).to_arrow_table()
        finally:
            con.unregister("index_rows")
        return result
