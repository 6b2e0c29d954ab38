"""Every timestamp column is a UtcDateTime, so it reads back aware on SQLite too."""

from __future__ import annotations

from sqlalchemy import DateTime

from accord.store.base import UtcDateTime
from accord.store.metadata import metadata

# Tables whose models still declare DateTime(timezone=True); shrink this as they move.
NOT_YET_UTC = {
    "users",
    "teams",
    "user_roles",
    "api_tokens",
    "sign_in_sessions",
    "sign_in_throttles",
    "consent_events",
    "consent_opt_outs",
    "feed_batches",
    "feed_identifiers",
    "feed_data_keys",
    "audit_entries",
    "access_grants",
    "linkage_runs",
    "linkage_person_ids",
    "linkage_review_pairs",
    "linkage_working_sets",
    "register_versions",
}


def test_timestamp_columns_are_utc_datetimes() -> None:
    plain = {
        f"{table.name}.{column.name}"
        for table in metadata.tables.values()
        if table.name not in NOT_YET_UTC
        for column in table.columns
        if isinstance(column.type, DateTime) and not isinstance(column.type, UtcDateTime)
    }
    assert plain == set()
