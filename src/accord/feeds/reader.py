"""Read a delivered file (CSV, JSON Lines or Parquet) into an Arrow table of strings.

Every value is read as text so that validation, not the reader, decides what a bad value is
(a reader that guesses types turns "12/13/2020" into a null without a reason). Text files are
decoded as UTF-8 (with or without a byte-order mark), falling back to Latin-1, the encoding
older partner systems export. The header is checked against the contract before any row is
looked at: a file with missing or unexpected columns is rejected whole.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.csv as pacsv  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from accord.feeds.errors import FileRejected
from accord.register.schema import FeedContract

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}


@dataclass(frozen=True)
class Delivery:
    table: pa.Table  # every column a string column, in the contract's field order
    file_hash: str  # sha256 of the file's bytes
    encoding: str  # utf-8, utf-8-sig, latin-1 or parquet
    format: str


def file_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise FileRejected(
            path, f"unknown file type {path.suffix!r} (use .csv, .jsonl or .parquet)"
        )
    return fmt


def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 with or without BOM, else Latin-1 (which decodes any bytes)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("latin-1"), "latin-1"
    return text, "utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8"


def check_header(path: Path, columns: list[str], contract: FeedContract) -> None:
    expected = [f.name for f in contract.fields]
    stripped = [c.strip() for c in columns]
    dupes = sorted({c for c in stripped if stripped.count(c) > 1})
    if dupes:
        raise FileRejected(path, f"column(s) named twice: {', '.join(dupes)}")
    missing = [c for c in expected if c not in stripped]
    unexpected = [c for c in stripped if c not in expected]
    if missing or unexpected:
        raise FileRejected(
            path,
            f"header does not match the {contract.partner}/{contract.dataset} contract",
            missing=missing,
            unexpected=unexpected,
        )


def _as_strings(table: pa.Table, contract: FeedContract) -> pa.Table:
    arrays = []
    for f in contract.fields:
        column = table.column(f.name)
        if not pa.types.is_string(column.type) and not pa.types.is_large_string(column.type):
            column = column.cast(pa.string())
        arrays.append(column.cast(pa.string()))
    return pa.table(arrays, names=[f.name for f in contract.fields])


def read_delivery(path: Path, contract: FeedContract) -> Delivery:
    fmt = file_format(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FileRejected(path, f"cannot read the file ({exc.strerror})") from None
    digest = hashlib.sha256(raw).hexdigest()
    if fmt == "parquet":
        try:
            table = pq.read_table(io.BytesIO(raw))
        except pa.ArrowInvalid as exc:
            raise FileRejected(path, f"not a readable Parquet file ({exc})") from None
        check_header(path, table.column_names, contract)
        return Delivery(_as_strings(table, contract), digest, "parquet", fmt)

    text, encoding = decode(raw)
    table = _read_csv(path, text, contract) if fmt == "csv" else _read_jsonl(path, text, contract)
    return Delivery(table, digest, encoding, fmt)


def _read_csv(path: Path, text: str, contract: FeedContract) -> pa.Table:
    first_line = text.split("\n", 1)[0]
    if not first_line.strip():
        raise FileRejected(path, "the file is empty or has no header line")
    header = next(csv.reader([first_line]))
    check_header(path, header, contract)
    try:
        table = pacsv.read_csv(
            io.BytesIO(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(column_names=[h.strip() for h in header], skip_rows=1),
            convert_options=pacsv.ConvertOptions(
                column_types={h.strip(): pa.string() for h in header},
                strings_can_be_null=False,
            ),
        )
    except pa.ArrowInvalid as exc:
        raise FileRejected(path, f"not well-formed CSV ({exc})") from None
    return _as_strings(table, contract)


def _read_jsonl(path: Path, text: str, contract: FeedContract) -> pa.Table:
    names = [f.name for f in contract.fields]
    columns: dict[str, list[str | None]] = {n: [] for n in names}
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise FileRejected(path, f"line {number} is not valid JSON ({exc.msg})") from None
        if not isinstance(row, dict):
            raise FileRejected(path, f"line {number} is not a JSON object")
        if set(row) - seen:
            seen |= set(row)
            unexpected = sorted(seen - set(names))
            if unexpected:
                raise FileRejected(path, "fields not in the contract", unexpected=unexpected)
        for n in names:
            value = row.get(n)
            columns[n].append(None if value is None else _json_text(value))
    missing = [n for n in names if n not in seen]
    if missing and columns[names[0]]:
        raise FileRejected(
            path,
            f"records do not match the {contract.partner}/{contract.dataset} contract",
            missing=missing,
        )
    return pa.table({n: pa.array(columns[n], pa.string()) for n in names})


def _json_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value)
