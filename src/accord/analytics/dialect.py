"""SQL dialect differences between the analytical engines (types, quoting, literals)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Feed contract field types -> logical column types.
CONTRACT_TYPES = {
    "string": "string",
    "code": "string",
    "integer": "integer",
    "number": "number",
    "date": "date",
    "boolean": "boolean",
}


@dataclass(frozen=True)
class Dialect:
    name: str
    types: dict[str, str]  # logical type -> SQL type
    quote_char: str

    def quote(self, identifier: str) -> str:
        q = self.quote_char
        return f"{q}{identifier.replace(q, q + q)}{q}"

    def sql_type(self, logical: str) -> str:
        return self.types[CONTRACT_TYPES.get(logical, logical)]

    def date_literal(self, value: date) -> str:
        return f"DATE '{value.isoformat()}'"


DUCKDB = Dialect(
    name="duckdb",
    types={
        "string": "VARCHAR",
        "integer": "BIGINT",
        "number": "DOUBLE",
        "date": "DATE",
        "boolean": "BOOLEAN",
        "timestamp": "TIMESTAMP WITH TIME ZONE",
    },
    quote_char='"',
)
SPARK = Dialect(
    name="spark",
    types={
        "string": "STRING",
        "integer": "BIGINT",
        "number": "DOUBLE",
        "date": "DATE",
        "boolean": "BOOLEAN",
        "timestamp": "TIMESTAMP",
    },
    quote_char="`",
)
