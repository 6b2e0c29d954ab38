"""Every timestamp column is a UtcDateTime, so it reads back aware on SQLite too."""

from __future__ import annotations

from sqlalchemy import DateTime

from accord.store.base import UtcDateTime
from accord.store.metadata import metadata

# Tables whose models still declare DateTime(timezone=True); shrink this as they move.
NOT_YET_UTC: set[str] = set()


def test_timestamp_columns_are_utc_datetimes() -> None:
    plain = {
        f"{table.name}.{column.name}"
        for table in metadata.tables.values()
        if table.name not in NOT_YET_UTC
        for column in table.columns
        if isinstance(column.type, DateTime) and not isinstance(column.type, UtcDateTime)
    }
    assert plain == set()
