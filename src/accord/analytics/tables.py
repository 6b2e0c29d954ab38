"""The analytical table of a partner dataset: lineage columns then the contract's attributes."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa  # type: ignore[import-untyped]

from accord.register.schema import FeedContract, FeedField, FieldRole

# Lineage kept on every row: which delivery last changed it and when.
LINEAGE: tuple[tuple[str, str], ...] = (
    ("record_id", "string"),
    ("_row_digest", "string"),
    ("_batch_id", "string"),
    ("_file_hash", "string"),
    ("_ingested_at", "timestamp"),
)
ARROW_TYPES = {
    "string": pa.string(),
    "code": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "date": pa.date32(),
    "boolean": pa.bool_(),
    "timestamp": pa.timestamp("us", tz="UTC"),
}


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, logical type)
    date_column: str | None = None

    @property
    def column_names(self) -> list[str]:
        return [name for name, _ in self.columns]

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([(name, ARROW_TYPES[kind]) for name, kind in self.columns])

    @classmethod
    def from_contract(cls, contract: FeedContract) -> TableSpec:
        return cls(
            name=table_name(contract.partner, contract.dataset),
            columns=LINEAGE + tuple((f.name, f.type) for f in stored_fields(contract)),
            date_column=contract.date_field,
        )


def stored_fields(contract: FeedContract) -> list[FeedField]:
    """Attribute fields kept in analytics (the key too when the feed holds no personal data)."""
    keep = []
    for f in contract.fields:
        if f.name == contract.delete_field:
            continue  # an instruction to delete, not data
        if f.role is FieldRole.ATTRIBUTE or (
            f.role is FieldRole.KEY and not contract.personal_data
        ):
            keep.append(f)
    return keep


def table_name(partner: str, dataset: str) -> str:
    return "feed__" + re.sub(r"[^a-z0-9]+", "_", f"{partner}__{dataset}".lower())
