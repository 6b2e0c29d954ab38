"""Erasing a whole partner dataset: crypto-shred its key, then delete what it sealed.

The key goes first (from the keystore, logged in the erasure log, committed at once): from
that moment every copy of the dataset's sealed identifiers and quarantined rows is
unreadable, including copies in case-database backups and linkage working sets. The rows
themselves and the analytical table are then deleted in the caller's transaction; if that
fails the data left behind is already unreadable, and a re-run finishes it.

The whole erasure holds the analytical store's writer lock, taken before the key goes: an
ingest, sweep or backup in progress makes it give up with AnalyticsBusy having changed nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from accord.analytics.engine import AnalyticsEngine
from accord.analytics.lock import writer_lock
from accord.analytics.tables import TableSpec
from accord.feeds.contracts import RECORD_TYPE, contracts
from accord.feeds.crypto import destroy_dataset_key
from accord.feeds.errors import NoFeedContract
from accord.feeds.models import FeedBatch, FeedIdentity, QuarantinedRow
from accord.gate.types import Action, Actor, Target
from accord.register.schema import FeedContract
from accord.settings import Settings, get_settings


@dataclass(frozen=True)
class ErasedDataset:
    partner: str
    dataset: str
    key_destroyed: bool
    identifiers_removed: int


def erase_dataset(
    session: Session,
    *,
    actor: Actor,
    register: str,
    partner: str,
    dataset: str,
    settings: Settings | None = None,
    engine: AnalyticsEngine | None = None,
) -> ErasedDataset:
    """Destroy the dataset's key and delete its rows from both stores; caller commits.
    Raises AnalyticsBusy, before anything is destroyed, when another writer holds the
    analytical store past the configured wait."""
    from accord.gate.service import authorize

    contract = next(
        (c for c in contracts(register) if (c.partner, c.dataset) == (partner, dataset)), None
    )
    if contract is None:
        raise NoFeedContract(f"register {register!r} has no feed contract {partner}/{dataset}")
    authorize(
        session,
        actor=actor,
        purpose=contract.purpose,
        action=Action.DELETE,
        target=Target(register=register, record_type=RECORD_TYPE, owner_organisation=partner),
    )
    settings = settings or get_settings()
    with writer_lock(settings.analytics_path, wait=settings.analytics_lock_wait_seconds):
        return _erase(session, contract, register, partner, dataset, settings, engine)


def _erase(
    session: Session,
    contract: FeedContract,
    register: str,
    partner: str,
    dataset: str,
    settings: Settings,
    engine: AnalyticsEngine | None,
) -> ErasedDataset:
    from accord.feeds.ingest import open_engine

    destroyed = destroy_dataset_key(session, register=register, partner=partner, dataset=dataset)
    result = session.execute(
        delete(FeedIdentity).where(
            FeedIdentity.register == register,
            FeedIdentity.partner == partner,
            FeedIdentity.dataset == dataset,
        )
    )
    batches = select(FeedBatch.id).where(
        FeedBatch.register == register, FeedBatch.partner == partner, FeedBatch.dataset == dataset
    )
    session.execute(
        update(QuarantinedRow).where(QuarantinedRow.batch_id.in_(batches)).values(sealed_row=None)
    )
    session.flush()
    owned = engine is None
    engine = engine or open_engine(settings)
    try:
        engine.drop(TableSpec.from_contract(contract))
    finally:
        if owned:
            engine.close()
    return ErasedDataset(partner, dataset, destroyed, int(getattr(result, "rowcount", 0) or 0))
