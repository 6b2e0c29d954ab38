"""Validate every row of a delivery against its contract, vectorised over Arrow columns.

Checks: required fields present, types (integer, number, date, boolean), code lists, dates
not in the future and dates of birth not before 1900, one row per partner key. Each failing
row gets every reason that applies ("date_of_birth: not a date (YYYY-MM-DD or DD/MM/YYYY)").
Reasons name the field and the rule, never the value, so they are safe to show and keep.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]

from accord.analytics.tables import ARROW_TYPES
from accord.people.plausible import EARLIEST_BIRTH
from accord.register.schema import FeedContract, FeedField

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
_TRUE = ["true", "t", "yes", "y", "1"]
_FALSE = ["false", "f", "no", "n", "0"]
_INTEGER = r"^[+-]?\d+$"
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"


@dataclass
class Validated:
    typed: pa.Table  # every contract field in its type; failing values are null
    reasons: dict[int, list[str]] = field(default_factory=dict)  # row index -> reasons
    duplicate_keys: int = 0  # distinct keys that appear more than once

    @property
    def ok(self) -> np.ndarray[Any, np.dtype[np.bool_]]:
        mask = np.ones(self.typed.num_rows, dtype=bool)
        if self.reasons:
            mask[list(self.reasons)] = False
        return mask


def _mask(array: pa.Array | pa.ChunkedArray) -> np.ndarray[Any, np.dtype[np.bool_]]:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def _blank_to_null(column: pa.ChunkedArray) -> pa.ChunkedArray:
    trimmed = pc.utf8_trim_whitespace(column)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def _parse_date(text: pa.ChunkedArray) -> pa.ChunkedArray:
    result = pa.nulls(len(text), pa.date32())
    for fmt in DATE_FORMATS:
        stamp = pc.strptime(text, format=fmt, unit="s", error_is_null=True)
        # strptime rolls 31/02 over into March: only a date that prints back as given is real
        exact = pc.equal(pc.strftime(stamp, format=fmt), text)
        parsed = pc.if_else(exact, stamp.cast(pa.date32()), pa.scalar(None, pa.date32()))
        result = pc.coalesce(result, parsed)
    return result


def _typed(
    f: FeedField, text: pa.ChunkedArray
) -> tuple[pa.ChunkedArray, pa.ChunkedArray | None, str]:
    """(typed column, mask of present-but-invalid values or None, reason)."""
    present = pc.is_valid(text)
    if f.type == "date":
        value = _parse_date(text)
        return value, pc.and_(present, pc.is_null(value)), "not a date (YYYY-MM-DD or DD/MM/YYYY)"
    if f.type == "integer":
        ok = pc.match_substring_regex(text, _INTEGER)
        value = pc.if_else(ok, text, pa.scalar(None, pa.string())).cast(pa.int64())
        return value, pc.and_(present, pc.invert(ok)), "not a whole number"
    if f.type == "number":
        ok = pc.match_substring_regex(text, _NUMBER)
        value = pc.if_else(ok, text, pa.scalar(None, pa.string())).cast(pa.float64())
        return value, pc.and_(present, pc.invert(ok)), "not a number"
    if f.type == "boolean":
        lower = pc.utf8_lower(text)
        is_true = pc.is_in(lower, pa.array(_TRUE))
        is_false = pc.is_in(lower, pa.array(_FALSE))
        value = pc.if_else(is_true, True, pc.if_else(is_false, False, pa.scalar(None, pa.bool_())))
        bad = pc.and_(present, pc.invert(pc.or_(is_true, is_false)))
        return value, bad, "not true/false (or yes/no, 1/0)"
    if f.type == "code":
        ok = pc.is_in(text, pa.array(f.codes, pa.string()))
        value = pc.if_else(ok, text, pa.scalar(None, pa.string()))
        return (
            value,
            pc.and_(present, pc.invert(ok)),
            f"not one of the codes ({', '.join(f.codes)})",
        )
    return text, None, ""


def validate(table: pa.Table, contract: FeedContract, *, today: date) -> Validated:
    reasons: dict[int, list[str]] = defaultdict(list)

    def flag(mask: np.ndarray[Any, np.dtype[np.bool_]], message: str) -> None:
        for index in np.flatnonzero(mask):
            reasons[int(index)].append(message)

    columns = {}
    for f in contract.fields:
        text = _blank_to_null(table.column(f.name))
        value, bad, why = _typed(f, text)
        if f.required or f.name == contract.key:
            flag(_mask(pc.is_null(text)), f"{f.name}: required")
        if bad is not None:
            flag(_mask(bad), f"{f.name}: {why}")
        if f.type == "date":
            future_ok = f.name == contract.date_field or f.match_as == "dob"
            if future_ok:
                flag(
                    _mask(pc.greater(value, pa.scalar(today, pa.date32()))),
                    f"{f.name}: in the future",
                )
            if f.match_as == "dob":
                early = pc.less(value, pa.scalar(EARLIEST_BIRTH, pa.date32()))
                flag(_mask(early), f"{f.name}: before 1900")
        columns[f.name] = value.cast(ARROW_TYPES[f.type])
    typed = pa.table(columns)

    keys = typed.column(contract.key)
    counts = pc.value_counts(keys.combine_chunks())
    repeated = counts.filter(pc.greater(counts.field("counts"), 1))
    duplicates = 0
    if len(repeated):
        duplicates = len(repeated)
        dup_keys = repeated.field("values")
        times = dict(zip(dup_keys.to_pylist(), repeated.field("counts").to_pylist(), strict=True))
        dup_mask = _mask(pc.is_in(keys, dup_keys))
        key_values = keys.to_pylist()
        for index in np.flatnonzero(dup_mask):
            n = times[key_values[index]]
            reasons[int(index)].append(f"{contract.key}: duplicate key ({n} rows in this file)")
    return Validated(typed, dict(reasons), duplicates)
