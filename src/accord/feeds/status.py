"""Each feed's last delivery, record counts, quarantined rows, and whether it is overdue.

Status holds counts and dates only, no personal data, so it needs the `feeds:status:read`
permission rather than a gate decision on partner records. It counts finished batches only,
and when no writer holds the analytical store it first repairs a batch a crashed ingest left
unfinished, so the record counts of both stores agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.analytics.engine import AnalyticsEngine
from accord.analytics.lock import AnalyticsBusy, writer_lock
from accord.analytics.tables import TableSpec
from accord.feeds.contracts import contracts
from accord.feeds.ingest import open_engine
from accord.feeds.models import PENDING, FeedBatch, FeedIdentity
from accord.feeds.recovery import recover
from accord.gate.catalogue import Permission
from accord.gate.service import require
from accord.gate.types import Actor
from accord.settings import Settings, get_settings
from accord.store.base import aware, utcnow


@dataclass(frozen=True)
class FeedStatus:
    partner: str
    dataset: str
    delivery: str
    cadence: str
    last_delivery: datetime | None
    last_file: str | None
    deliveries: int
    records: int  # rows in the analytical store
    identifiers: int  # sealed identifier rows (0 for feeds without personal data)
    quarantined_last: int  # in the last delivery
    quarantined_total: int
    due_by: datetime | None
    overdue: bool


def feed_status(
    session: Session,
    *,
    actor: Actor,
    register: str,
    now: datetime | None = None,
    settings: Settings | None = None,
    engine: AnalyticsEngine | None = None,
) -> list[FeedStatus]:
    # Status holds counts and dates, no personal data: a permission check, audited when refused.
    require(
        session,
        actor=actor,
        permission=Permission.FEEDS_STATUS_READ.value,
        what="feeds-status",
        register=register,
    )
    now = aware(now) if now else utcnow()
    settings = settings or get_settings()
    owned = engine is None
    engine = engine or open_engine(settings)
    out = []
    try:
        try:
            with writer_lock(settings.analytics_path, wait=0):
                recover(session, engine)
        except AnalyticsBusy:
            pass  # a writer is at work: report what is committed
        for contract in contracts(register):
            scope = (
                FeedBatch.register == register,
                FeedBatch.partner == contract.partner,
                FeedBatch.dataset == contract.dataset,
                FeedBatch.state != PENDING,
            )
            last = session.scalars(
                select(FeedBatch).where(*scope).order_by(FeedBatch.received_at.desc()).limit(1)
            ).first()
            deliveries, quarantined = session.execute(
                select(
                    func.count(FeedBatch.id), func.coalesce(func.sum(FeedBatch.rows_quarantined), 0)
                ).where(*scope)
            ).one()
            held = session.scalar(
                select(func.count())
                .select_from(FeedIdentity)
                .where(
                    FeedIdentity.register == register,
                    FeedIdentity.partner == contract.partner,
                    FeedIdentity.dataset == contract.dataset,
                )
            )
            received = last.received_at if last else None
            due = contract.cadence.after(received) if received else None
            assert due is None or isinstance(due, datetime)
            out.append(
                FeedStatus(
                    partner=contract.partner,
                    dataset=contract.dataset,
                    delivery=contract.delivery.value,
                    cadence=str(contract.cadence),
                    last_delivery=received,
                    last_file=last.file_name if last else None,
                    deliveries=int(deliveries),
                    records=engine.count(TableSpec.from_contract(contract)),
                    identifiers=int(held or 0),
                    quarantined_last=last.rows_quarantined if last else 0,
                    quarantined_total=int(quarantined),
                    due_by=due,
                    overdue=due is None or due < now,
                )
            )
    finally:
        if owned:
            engine.close()
    return out
