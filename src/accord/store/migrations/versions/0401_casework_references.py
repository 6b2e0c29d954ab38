"""casework: human-readable case references (LVWS-2026-000123) and their counters

Revision ID: casework_0002
Revises: casework_0001
Create Date: 2026-12-01

Existing cases get references in the order they were received, per register and year, and
the counters carry on from there.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from accord.store.migrations import columns as col

revision: str = "casework_0002"
down_revision: str | Sequence[str] | None = "casework_0001"


def _prefix(register: str) -> str:
    # The same rule as accord.cases.references.prefix (a migration is history: kept here).
    return "".join(ch for ch in register.upper() if ch.isalnum())[:10] or "CASE"


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("reference", sa.String(32), nullable=True))
    op.create_index("ix_cases_reference", "cases", ["reference"], unique=True)
    counters = op.create_table(
        "case_reference_counters",
        *col.strings("register"),
        sa.Column("year", sa.Integer(), nullable=False),
        *col.counts("last"),
        col.pk("case_reference_counters", "register", "year"),
    )
    connection = op.get_bind()
    cases = sa.table(
        "cases",
        sa.column("id", sa.Uuid()),
        sa.column("register", sa.String()),
        sa.column("received_at", sa.DateTime(timezone=True)),
        sa.column("reference", sa.String()),
    )
    last: dict[tuple[str, int], int] = {}
    rows = connection.execute(
        sa.select(cases.c.id, cases.c.register, cases.c.received_at).order_by(
            cases.c.received_at, cases.c.id
        )
    ).all()
    for row in rows:
        key = (row.register, row.received_at.year)
        last[key] = last.get(key, 0) + 1
        reference = f"{_prefix(row.register)}-{key[1]}-{last[key]:06d}"
        connection.execute(sa.update(cases).where(cases.c.id == row.id).values(reference=reference))
    if last:
        op.bulk_insert(
            counters,
            [{"register": r, "year": y, "last": n} for (r, y), n in sorted(last.items())],
        )


def downgrade() -> None:
    op.drop_table("case_reference_counters")
    op.drop_index("ix_cases_reference", "cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("reference")
