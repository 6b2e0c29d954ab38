"""Finish or roll back batches a crashed ingest left behind, so both stores agree again.

Ingest writes in this order: the batch row as `pending` (relational, committed); the
analytical change, with an undo table of the rows it removes or replaces; the identifiers,
quarantine and counts with the batch `applied` (relational, one commit); the undo table
dropped; the batch `complete`. Whatever step a crash stops at, the next writer (holding the
analytical store's writer lock, so no batch is in flight) finds:

- a `pending` batch: the relational side never committed, so the analytical change is rolled
  back from its undo table (or was never made) and the batch row deleted;
- an `applied` batch: both sides hold it; only its undo table is left to drop.
"""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from accord.analytics.engine import AnalyticsEngine
from accord.analytics.tables import table_name
from accord.feeds.models import APPLIED, COMPLETE, PENDING, FeedBatch
from accord.store.faults import checkpoint


def recover(session: Session, engine: AnalyticsEngine) -> list[uuid.UUID]:
    """Repair every unfinished batch; returns the ids of the batches rolled back.

    Call with the writer lock held. Commits the session when it repaired anything."""
    unfinished = session.execute(
        select(FeedBatch.id, FeedBatch.partner, FeedBatch.dataset, FeedBatch.state).where(
            FeedBatch.state != COMPLETE
        )
    ).all()
    rolled_back = []
    for batch_id, partner, dataset, state in unfinished:
        table = table_name(partner, dataset)
        if state == PENDING:
            engine.rollback(table, str(batch_id))
            checkpoint("feeds.recover.after-rollback")
            session.execute(delete(FeedBatch).where(FeedBatch.id == batch_id))
            rolled_back.append(batch_id)
        else:
            assert state == APPLIED, state
            engine.discard_undo(table, str(batch_id))
            batch = session.get(FeedBatch, batch_id)
            assert batch is not None
            batch.state = COMPLETE
    if unfinished:
        session.commit()
    return rolled_back
