"""Rows name their register in a column called `register`, in every domain."""

from __future__ import annotations

import uuid
from datetime import date

from alembic import command
from sqlalchemy import inspect, text

from accord.store import migrate
from accord.store.engine import make_engine
from accord.store.metadata import metadata

# Tables still calling it `register_id`; shrink this as their domains move to `register`.
NOT_YET_RENAMED = {"consent_events", "consent_opt_outs", "user_roles", "api_tokens"}
# Not a reference to a register: the register's own versions, keyed by its id.
REGISTER_VERSIONS = "register_versions"


def test_the_register_column_has_one_name() -> None:
    other_name = {t.name for t in metadata.tables.values() if "register_id" in t.columns}
    assert other_name - {REGISTER_VERSIONS} <= NOT_YET_RENAMED
    for table in (
        "disclosure_requests",
        "disclosure_log",
        "panel_meetings",
        "safety_cases",
        "fair_processing_notices",
    ):
        assert "register" in metadata.tables[table].columns


def test_renaming_the_register_column_keeps_the_rows_both_ways(fresh_url: str) -> None:
    config = migrate.alembic_config(fresh_url)
    migrate.upgrade(fresh_url, "panels_0002")
    engine = make_engine(fresh_url)
    meeting = uuid.uuid4()
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO panel_meetings (id, register_id, organisation, panel, held_on,"
                    " chair, status, created_at) VALUES (:id, 'hounslow', 'hounslow-council',"
                    " 'marac', :held_on, 'Chair', 'scheduled', CURRENT_TIMESTAMP)"
                ),
                {
                    "id": meeting.hex if engine.dialect.name == "sqlite" else meeting,
                    "held_on": date(2026, 12, 1),
                },
            )
        migrate.upgrade(fresh_url, "panels_0003")
        assert "register" in {c["name"] for c in inspect(engine).get_columns("panel_meetings")}
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT register FROM panel_meetings")) == "hounslow"
        engine.dispose()
        command.downgrade(config, "panels_0002")
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT register_id FROM panel_meetings")) == "hounslow"
    finally:
        engine.dispose()
