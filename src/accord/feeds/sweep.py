"""The lookback sweep: partner records older than the window leave both stores.

TVT uses information collected up to 6 years ago; the register's retention rule for
`partner-record` (trigger record_date, 6 years, delete) and each feed contract's lookback say
so. Ingest already excludes old rows and drops stored ones past the window for the dataset it
loads; the sweep does it for every dataset (a feed that stops delivering still ages out).
It also clears the sealed raw copies of quarantined rows once `QUARANTINE_KEEP` has passed:
the reasons stay for the record, the raw row does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from accord.analytics.engine import AnalyticsEngine
from accord.analytics.lock import writer_lock
from accord.analytics.tables import TableSpec
from accord.feeds.contracts import RECORD_TYPE, contracts, lookback_cutoff
from accord.feeds.ingest import open_engine
from accord.feeds.models import FeedBatch, FeedIdentity, QuarantinedRow
from accord.feeds.recovery import recover
from accord.gate.types import Action, Actor, Target
from accord.settings import Settings, get_settings

QUARANTINE_KEEP = timedelta(days=30)


@dataclass(frozen=True)
class SweepResult:
    partner: str
    dataset: str
    cutoff: date | None
    attributes_removed: int
    identifiers_removed: int


def sweep(
    session: Session,
    *,
    actor: Actor,
    register: str,
    today: date | None = None,
    settings: Settings | None = None,
    engine: AnalyticsEngine | None = None,
) -> list[SweepResult]:
    """Remove every dataset's records dated before its lookback cutoff; caller commits.

    Holds the analytical store's writer lock (AnalyticsBusy past the wait) and first
    repairs any batch a crashed ingest left unfinished."""
    settings = settings or get_settings()
    with writer_lock(settings.analytics_path, wait=settings.analytics_lock_wait_seconds):
        owned = engine is None
        engine = engine or open_engine(settings)
        try:
            recover(session, engine)
            return _sweep(session, actor, register, today, engine)
        finally:
            if owned:
                engine.close()


def _sweep(
    session: Session, actor: Actor, register: str, today: date | None, engine: AnalyticsEngine
) -> list[SweepResult]:
    from accord.gate.service import authorize

    today = today or datetime.now(UTC).date()
    results = []
    for contract in contracts(register):
        cutoff = lookback_cutoff(contract, today)
        if cutoff is None or not contract.personal_data:
            continue
        authorize(
            session,
            actor=actor,
            purpose=contract.purpose,
            action=Action.DELETE,
            target=Target(
                register=register, record_type=RECORD_TYPE, owner_organisation=contract.partner
            ),
        )
        result = session.execute(
            delete(FeedIdentity).where(
                FeedIdentity.register == register,
                FeedIdentity.partner == contract.partner,
                FeedIdentity.dataset == contract.dataset,
                FeedIdentity.record_date < cutoff,
            )
        )
        removed = engine.sweep(TableSpec.from_contract(contract), cutoff)
        results.append(
            SweepResult(
                contract.partner,
                contract.dataset,
                cutoff,
                removed,
                int(getattr(result, "rowcount", 0) or 0),
            )
        )
    before = datetime.combine(today, datetime.min.time(), UTC) - QUARANTINE_KEEP
    old_batches = select(FeedBatch.id).where(
        FeedBatch.register == register, FeedBatch.received_at < before
    )
    session.execute(
        update(QuarantinedRow)
        .where(QuarantinedRow.batch_id.in_(old_batches))
        .values(sealed_row=None)
    )
    session.flush()
    return results
