"""Rows name their register in a column called `register`, in every domain."""

from __future__ import annotations

import uuid
from datetime import date

from alembic import command
from sqlalchemy import Engine, inspect, text

from accord.store import migrate
from accord.store.engine import make_engine
from accord.store.metadata import metadata

# Tables still calling it `register_id`; shrink this as their domains move to `register`.
NOT_YET_RENAMED: set[str] = set()
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
        "consent_events",
        "consent_opt_outs",
        "user_roles",
        "api_tokens",
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


def _key(engine: Engine, value: uuid.UUID) -> object:
    return value.hex if engine.dialect.name == "sqlite" else value


def _registers(engine: Engine, column: str) -> dict[str, str]:
    with engine.connect() as connection:
        return {
            table: connection.scalar(text(f"SELECT {column} FROM {table}"))  # noqa: S608
            for table in ("consent_opt_outs", "user_roles", "api_tokens")
        }


def _has_update_trigger(engine: Engine) -> bool:
    sql = (
        "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
        " AND name = 'consent_events_no_update'"
        if engine.dialect.name == "sqlite"
        else "SELECT count(*) FROM pg_trigger WHERE tgname = 'consent_events_no_update'"
    )
    with engine.connect() as connection:
        return bool(connection.scalar(text(sql)))


def test_consent_and_account_rows_keep_their_register_both_ways(fresh_url: str) -> None:
    config = migrate.alembic_config(fresh_url)
    migrate.upgrade(fresh_url, "panels_0003")
    migrate.upgrade(fresh_url, "accounts_0001")
    engine = make_engine(fresh_url)
    user = uuid.uuid4()
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO consent_opt_outs (id, register_id, purpose, kind, blind_index,"
                    " channel, recorded_at, recorded_by_kind) VALUES (:id, 'mopac', 'newsletter',"
                    " 'email', 'digest', 'unsubscribe-link', CURRENT_TIMESTAMP, 'system')"
                ),
                {"id": _key(engine, uuid.uuid4())},
            )
            connection.execute(
                text(
                    "INSERT INTO users (id, email, name, organisation, totp_confirmed, active,"
                    " created_at) VALUES (:id, 'a@lvws.example', 'A', 'lvws', false, true,"
                    " CURRENT_TIMESTAMP)"
                ),
                {"id": _key(engine, user)},
            )
            connection.execute(
                text(
                    "INSERT INTO user_roles (id, user_id, register_id, role_id, created_at)"
                    " VALUES (:id, :user, 'lvws', 'caseworker', CURRENT_TIMESTAMP)"
                ),
                {"id": _key(engine, uuid.uuid4()), "user": _key(engine, user)},
            )
            connection.execute(
                text(
                    "INSERT INTO api_tokens (id, name, organisation, register_id, role_id,"
                    " secret_hash, created_at) VALUES (:id, 'feed', 'tvt', 'tvt', 'feed',"
                    " 'hash', CURRENT_TIMESTAMP)"
                ),
                {"id": _key(engine, uuid.uuid4())},
            )
        before = _registers(engine, "register_id")
        migrate.upgrade(fresh_url, "panels_0004")
        migrate.upgrade(fresh_url, "accounts_0002")
        assert _registers(engine, "register") == before
        assert {"register"} <= {c["name"] for c in inspect(engine).get_columns("consent_events")}
        # Renaming must not copy the ledger into a table without its append-only trigger.
        assert _has_update_trigger(engine)
        engine.dispose()
        command.downgrade(config, "panels_0003")
        command.downgrade(config, "accounts_0001")
        assert _registers(engine, "register_id") == before
        assert _has_update_trigger(engine)
    finally:
        engine.dispose()
