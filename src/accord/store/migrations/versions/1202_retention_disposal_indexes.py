"""retention: indexes a disposal's deletes look rows up by

Revision ID: retention_0003
Revises: retention_0002
Create Date: 2026-12-01

Deleting a case or a person makes the database find the match proposals naming them (the
foreign keys' checks), and deleting a record removes its disclosures by record id: without
these indexes each is a scan of the whole table, once per record deleted.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "retention_0003"
down_revision: str | Sequence[str] | None = "retention_0002"
depends_on: str | Sequence[str] | None = ("casework_0002", "panels_0004")

INDEXES = (
    ("ix_match_proposals_subject_id", "match_proposals", "subject_id"),
    ("ix_match_proposals_candidate_case_id", "match_proposals", "candidate_case_id"),
    ("ix_disclosure_log_record_id", "disclosure_log", "record_id"),
    ("ix_disclosure_requests_record_id", "disclosure_requests", "record_id"),
)


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
