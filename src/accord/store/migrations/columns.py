"""Column and constraint builders shared by the migrations.

Each builder spells one recurring column shape once (a UUID key, a register-id string, a
timezone-aware moment, a sealed value) and names constraints by the naming convention in
`accord.store.base`, so a migration lists only what is particular to its tables. Migrations
are history: change a builder only in a way that leaves every existing migration's schema as it
was (`tests/store/test_migration_snapshot.py` checks this).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

TS = sa.DateTime(timezone=True)
CODE_LENGTH = 64  # register ids: register, organisation, service, record type, purpose ...


def uuids(*names: str, nullable: bool = False) -> list[sa.Column[object]]:
    return [sa.Column(name, sa.Uuid(), nullable=nullable) for name in names]


def strings(
    *names: str, nullable: bool = False, length: int = CODE_LENGTH
) -> list[sa.Column[object]]:
    """String columns; the default length is that of register ids (`register`, `purpose` ...)."""
    return [sa.Column(name, sa.String(length), nullable=nullable) for name in names]


def moments(*names: str, nullable: bool = False) -> list[sa.Column[object]]:
    return [sa.Column(name, TS, nullable=nullable) for name in names]


def sealed(*names: str, nullable: bool = False) -> list[sa.Column[object]]:
    """Values sealed under the subject's data key (ciphertext, never read by SQL)."""
    return [sa.Column(name, sa.LargeBinary(), nullable=nullable) for name in names]


def flags(*names: str) -> list[sa.Column[object]]:
    return [sa.Column(name, sa.Boolean(), nullable=False) for name in names]


def counts(*names: str) -> list[sa.Column[object]]:
    return [sa.Column(name, sa.Integer(), nullable=False) for name in names]


def workload() -> list[sa.Column[object]]:
    """Who a record is assigned to: a user and a team, both optional."""
    return [*uuids("assigned_user", nullable=True), *strings("team", nullable=True)]


def retention() -> list[sa.Column[object]]:
    """The retention clock (`accord.cases.clock`): when its trigger happened and when due."""
    return moments("retention_from", "retention_due", nullable=True)


def timestamps() -> list[sa.Column[object]]:
    return moments("created_at", "updated_at")


def pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*(columns or ("id",)), name=f"pk_{table}")


def unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=f"uq_{table}_{columns[0]}")


def fk(
    table: str, column: str, target: str, ondelete: str | None = "CASCADE"
) -> sa.ForeignKeyConstraint:
    """A foreign key from `table.column` to `target` ("table.column")."""
    referred = target.split(".")[0]
    return sa.ForeignKeyConstraint(
        [column], [target], name=f"fk_{table}_{column}_{referred}", ondelete=ondelete
    )


def indexes(table: str, *columns: str) -> None:
    """One single-column index per column, named ix_<table>_<column>."""
    for column in columns:
        op.create_index(f"ix_{table}_{column}", table, [column])


def drop_indexes(table: str, *columns: str) -> None:
    for column in columns:
        op.drop_index(f"ix_{table}_{column}", table)


def drop_tables(*tables: str) -> None:
    """Drop tables in the order given (dependants first); their indexes go with them."""
    for table in tables:
        op.drop_table(table)
