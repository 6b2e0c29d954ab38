"""Rewriting the migrations (shared column helpers) leaves the schema they build unchanged.

`migration_schema.json` was reflected from databases migrated by the migrations as they were
before they shared helpers; each fresh database here is migrated to the same revisions and
must reflect the same tables, columns, types, nullability, keys, indexes and constraints.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, inspect

from accord.store import migrate
from accord.store.engine import make_engine

pytestmark = pytest.mark.store

SNAPSHOT = Path(__file__).parent / "migration_schema.json"
# The branch heads the snapshot was taken at; later revisions change the schema on purpose.
SNAPSHOT_REVISIONS = (
    "gate_0001",
    "accounts_0001",
    "people_0001",
    "casework_0001",
    "panels_0002",
    "feeds_0003",
    "linkage_0002",
)


def reflect(engine: Engine) -> dict[str, Any]:
    """Everything about the schema a migration decides, in a stable JSON-able shape."""
    inspector = inspect(engine)
    dialect = engine.dialect
    tables: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        if table == "alembic_version":
            continue
        columns = [
            {
                "name": c["name"],
                "type": c["type"].compile(dialect=dialect),
                "nullable": c["nullable"],
                "default": None if c.get("default") is None else str(c["default"]),
            }
            for c in inspector.get_columns(table)
        ]
        pk = inspector.get_pk_constraint(table)
        tables[table] = {
            "columns": columns,
            "primary_key": {"name": pk.get("name"), "columns": pk["constrained_columns"]},
            "indexes": sorted(
                (
                    {"name": i["name"], "columns": i["column_names"], "unique": bool(i["unique"])}
                    for i in inspector.get_indexes(table)
                ),
                key=lambda i: str(i["name"]),
            ),
            "unique": sorted(
                (
                    {"name": u["name"], "columns": u["column_names"]}
                    for u in inspector.get_unique_constraints(table)
                ),
                key=lambda u: (str(u["name"]), u["columns"]),
            ),
            "foreign_keys": sorted(
                (
                    {
                        "name": f["name"],
                        "columns": f["constrained_columns"],
                        "referred_table": f["referred_table"],
                        "referred_columns": f["referred_columns"],
                        "ondelete": (f.get("options") or {}).get("ondelete"),
                    }
                    for f in inspector.get_foreign_keys(table)
                ),
                key=lambda f: (str(f["name"]), f["columns"]),
            ),
            "checks": sorted(
                (
                    {"name": c["name"], "sql": " ".join(str(c["sqltext"]).split())}
                    for c in inspector.get_check_constraints(table)
                ),
                key=lambda c: str(c["name"]),
            ),
        }
    return tables


def migrate_to_snapshot(url: str, migrations: Path = migrate.MIGRATIONS_DIR) -> None:
    config = migrate.alembic_config(url)
    config.set_main_option("script_location", str(migrations))
    for revision in SNAPSHOT_REVISIONS:
        command.upgrade(config, revision)


def test_migrations_build_the_schema_of_the_snapshot(fresh_url: str) -> None:
    migrate_to_snapshot(fresh_url)
    engine = make_engine(fresh_url)
    try:
        schema = reflect(engine)
        dialect = engine.dialect.name
    finally:
        engine.dispose()
    expected = json.loads(SNAPSHOT.read_text())[dialect]
    assert sorted(schema) == sorted(expected), "the migrations build other tables"
    for table, shape in expected.items():
        assert schema[table] == shape, f"table {table} differs from the snapshot"


if __name__ == "__main__":
    # Take the snapshot: python tests/store/test_migration_snapshot.py MIGRATIONS_DIR URL...
    snapshot: dict[str, Any] = {}
    for url in sys.argv[2:]:
        migrate_to_snapshot(url, Path(sys.argv[1]))
        engine = make_engine(url)
        snapshot[engine.dialect.name] = reflect(engine)
        engine.dispose()
    SNAPSHOT.write_text(json.dumps(snapshot, indent=1, sort_keys=True) + "\n")
