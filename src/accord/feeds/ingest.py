"""Ingest one delivered file: read, validate, split, seal, apply; every row accounted for.

rows in = loaded (inserted + updated + unchanged) + quarantined + excluded (older than the
lookback window) + deletion rows (a delta's deletions). A file with the wrong header is
refused before anything is written; the same file twice is recognised by its hash and
changes nothing; an unchanged row in a new file is recognised by its keyed digest and left
alone (its lineage still names the delivery that last changed it).

The split: identifier fields (and the partner's key) are sealed into the relational store
(`feed_identifiers`, reachable by the matching role only); attribute fields go to the
analytical store against the pseudonymous record_id. A snapshot deletes the records it no
longer holds from both; a delta deletes the records it marks deleted. A snapshot that would
remove more than `feeds_snapshot_max_removal` of the records held (a header-only or truncated
file) is refused, writing nothing, unless the delivery confirms the removal.

The two stores cannot share a transaction, so a batch is written in recoverable steps under
the analytical store's writer lock (accord.analytics.lock): the batch row as pending, the
analytical change with its undo table, then one relational commit of identifiers, quarantine
and counts. The next writer repairs whatever a crash left (accord.feeds.recovery).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.compute as pc  # type: ignore[import-untyped]
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from accord.analytics.engine import AnalyticsEngine
from accord.analytics.lock import writer_lock
from accord.analytics.tables import TableSpec, stored_fields
from accord.feeds import identifiers as ident_store
from accord.feeds.contracts import (
    RECORD_TYPE,
    categories,
    get_contract,
    identifier_fields,
    lookback_cutoff,
)
from accord.feeds.crypto import dataset_cipher
from accord.feeds.errors import SnapshotShrinks
from accord.feeds.keys import record_secret
from accord.feeds.models import APPLIED, COMPLETE, PENDING, FeedBatch, FeedIdentity, QuarantinedRow
from accord.feeds.reader import read_delivery
from accord.feeds.recovery import recover
from accord.feeds.validate import validate
from accord.feeds.vector import json_rows, keys_and_digests, shared_connection
from accord.gate.types import Action, Actor, ReasonCode, Target
from accord.register.schema import Delivery, FeedContract
from accord.settings import Settings, get_settings
from accord.store.base import utcnow
from accord.store.faults import checkpoint


@dataclass(frozen=True)
class IngestResult:
    batch_id: uuid.UUID
    partner: str
    dataset: str
    file: str
    delivery: str
    encoding: str
    rows_in: int
    inserted: int
    updated: int
    unchanged: int
    deletion_rows: int
    excluded: int
    quarantined: int
    records_deleted: int
    duplicate_keys: int
    already_ingested: bool = False

    @property
    def loaded(self) -> int:
        return self.inserted + self.updated + self.unchanged

    @property
    def reconciled(self) -> bool:
        accounted = self.loaded + self.quarantined + self.excluded + self.deletion_rows
        return self.rows_in == accounted


def open_engine(settings: Settings) -> AnalyticsEngine:
    from accord.analytics.duckdb_engine import DuckDBEngine

    return DuckDBEngine(settings.analytics_path, wait=settings.analytics_lock_wait_seconds)


def ingest_file(
    session: Session,
    *,
    actor: Actor,
    partner: str,
    dataset: str,
    path: Path,
    register: str,
    settings: Settings | None = None,
    engine: AnalyticsEngine | None = None,
    today: date | None = None,
    file_name: str | None = None,
    confirm_removal: bool = False,
) -> IngestResult:
    """Ingest `path` as a delivery of `partner/dataset` (recorded as `file_name`, by default
    the path's name); commits the batch in steps (module docstring).

    Raises AnalyticsBusy when another writer holds the analytical store past the wait, and
    SnapshotShrinks for a snapshot removing too much without `confirm_removal`."""
    from accord.gate.service import authorize, refuse

    settings = settings or get_settings()
    today = today or datetime.now(UTC).date()
    contract = get_contract(register, partner, dataset)
    # Published data about places (census areas) is held by the partnership itself; a
    # partner's personal data stays owned by that partner.
    owner = partner if contract.personal_data else actor.organisation
    if actor.kind == "token" and actor.organisation != partner:
        # A partner's system delivers its own datasets only; joint controllership lets the
        # matching team handle every partner's data, not one partner write another's.
        refuse(
            session,
            actor=actor,
            what=f"feed:{partner}/{dataset}",
            reason=ReasonCode.NOT_SHARED_WITH_ORGANISATION,
            register=register,
        )
    authorize(
        session,
        actor=actor,
        purpose=contract.purpose,
        action=Action.CREATE,
        target=Target(register=register, record_type=RECORD_TYPE, owner_organisation=owner),
        categories=categories(contract),
    )
    delivery = read_delivery(path, contract)  # raises FileRejected before any write
    name = (file_name or path.name)[:255]
    with writer_lock(settings.analytics_path, wait=settings.analytics_lock_wait_seconds):
        owned = engine is None
        engine = engine or open_engine(settings)
        try:
            recover(session, engine)
            previous = session.scalar(
                select(FeedBatch).where(
                    FeedBatch.register == register,
                    FeedBatch.partner == partner,
                    FeedBatch.dataset == dataset,
                    FeedBatch.file_hash == delivery.file_hash,
                )
            )
            if previous is not None:
                return _result(previous, delivery.encoding, already=True)
            with shared_connection():
                plan = _plan(contract, delivery, settings, today)
                if plan.snapshot and not confirm_removal:
                    _refuse_shrinking(
                        engine, TableSpec.from_contract(contract), plan, name,
                        settings.feeds_snapshot_max_removal,
                    )  # fmt: skip
                return _apply(
                    session, actor, register, contract, name, delivery, plan, settings, engine
                )  # fmt: skip
        finally:
            if owned:
                engine.close()


@dataclass(frozen=True)
class _Plan:
    """What a delivery will do, worked out before anything is written."""

    checked: Any  # validate.Checked: typed table, ok mask, reasons, duplicate keys
    cutoff: date | None
    ids: np.ndarray[Any, Any]
    digests: np.ndarray[Any, Any]
    deleting: np.ndarray[Any, np.dtype[np.bool_]]
    excluded: np.ndarray[Any, np.dtype[np.bool_]]
    load_idx: np.ndarray[Any, Any]
    snapshot: bool

    @property
    def remove_ids(self) -> list[str]:
        return list(self.ids[self.deleting | self.excluded])


def _plan(contract: FeedContract, delivery: Any, settings: Settings, today: date) -> _Plan:
    raw: pa.Table = delivery.table
    checked = validate(raw, contract, today=today)
    typed = checked.typed
    ok = checked.ok
    cutoff = lookback_cutoff(contract, today)
    n = typed.num_rows

    deleting = np.zeros(n, dtype=bool)
    if contract.delivery is Delivery.DELTA and contract.delete_field:
        deleting = _true(typed.column(contract.delete_field)) & ok
    old = np.zeros(n, dtype=bool)
    if cutoff is not None and contract.date_field:
        old = _true(pc.less(typed.column(contract.date_field), pa.scalar(cutoff, pa.date32())))
    excluded = ok & old & ~deleting
    load = ok & ~old & ~deleting

    hashed = keys_and_digests(
        raw, partner=contract.partner, dataset=contract.dataset, key_column=contract.key,
        secret=record_secret(settings),
    )  # fmt: skip
    return _Plan(
        checked=checked,
        cutoff=cutoff,
        ids=np.asarray(hashed.column("record_id").to_numpy(zero_copy_only=False), dtype=object),
        digests=np.asarray(
            hashed.column("_row_digest").to_numpy(zero_copy_only=False), dtype=object
        ),
        deleting=deleting,
        excluded=excluded,
        load_idx=np.flatnonzero(load),
        snapshot=contract.delivery is Delivery.SNAPSHOT,
    )


def _refuse_shrinking(
    engine: AnalyticsEngine, spec: TableSpec, plan: _Plan, name: str, limit: float
) -> None:
    """Refuse a snapshot that drops more than `limit` of the stored records: a header-only or
    truncated file would otherwise empty the partner's dataset. Records in the file but
    older than the lookback are not counted: the window removes those anyway."""
    stored = engine.read(spec, ["record_id"]).column("record_id")
    held = len(stored)
    if held == 0:
        return
    kept = pa.array(list(plan.ids[plan.load_idx]) + list(plan.ids[plan.excluded]), pa.string())
    removed = held - int(pc.sum(pc.is_in(stored, value_set=kept)).as_py() or 0)
    if removed > limit * held:
        raise SnapshotShrinks(name, removed, held, limit)


def _apply(
    session: Session,
    actor: Actor,
    register: str,
    contract: FeedContract,
    name: str,
    delivery: Any,
    plan: _Plan,
    settings: Settings,
    engine: AnalyticsEngine,
) -> IngestResult:
    checked = plan.checked
    batch = FeedBatch(
        register=register,
        partner=contract.partner,
        dataset=contract.dataset,
        file_name=name,
        file_hash=delivery.file_hash,
        delivery=contract.delivery.value,
        received_at=utcnow(),
        actor_id=actor.id,
        state=PENDING,
        **dict.fromkeys(_COUNT_FIELDS, 0),
    )
    session.add(batch)
    session.commit()  # pending first: a crash from here on is found and undone by recover()
    checkpoint("feeds.ingest.batch-pending")
    batch_id = batch.id
    spec = TableSpec.from_contract(contract)
    try:
        attributes = _attributes(spec, contract, checked.typed, plan, batch, delivery)
        counts = engine.apply(
            spec, attributes, snapshot=plan.snapshot, deletes=plan.remove_ids,
            cutoff=plan.cutoff, batch_id=str(batch_id),
        )  # fmt: skip
        checkpoint("feeds.ingest.after-analytics")
        if contract.personal_data:
            _apply_identifiers(session, register, contract, plan, batch_id, settings)
        _quarantine(
            session, register, contract, delivery.table, checked.reasons, batch_id, settings
        )
        batch.rows_in = checked.typed.num_rows
        batch.rows_inserted, batch.rows_updated = counts.inserted, counts.updated
        batch.rows_unchanged = counts.unchanged
        batch.rows_loaded = counts.inserted + counts.updated + counts.unchanged
        batch.rows_deleted_in_file = int(plan.deleting.sum())
        batch.rows_excluded = int(plan.excluded.sum())
        batch.rows_quarantined = len(checked.reasons)
        batch.records_deleted = counts.deleted
        batch.duplicate_keys = checked.duplicate_keys
        batch.state = APPLIED
        session.flush()
        checkpoint("feeds.ingest.before-commit")
        session.commit()
    except BaseException:
        session.rollback()
        recover(session, engine)  # undo the analytical change and the pending batch
        raise
    checkpoint("feeds.ingest.after-commit")
    engine.discard_undo(spec.name, str(batch_id))
    checkpoint("feeds.ingest.after-undo")
    batch.state = COMPLETE
    session.commit()
    return _result(batch, delivery.encoding)


_COUNT_FIELDS = (
    "rows_in",
    "rows_loaded",
    "rows_inserted",
    "rows_updated",
    "rows_unchanged",
    "rows_deleted_in_file",
    "rows_excluded",
    "rows_quarantined",
    "records_deleted",
    "duplicate_keys",
)


def _true(array: pa.ChunkedArray) -> np.ndarray[Any, np.dtype[np.bool_]]:
    return np.asarray(pc.fill_null(array, False).to_numpy(zero_copy_only=False), dtype=bool)


def _apply_identifiers(
    session: Session,
    register: str,
    contract: FeedContract,
    plan: _Plan,
    batch_id: uuid.UUID,
    settings: Settings,
) -> None:
    typed, ids, digests, load_idx = plan.checked.typed, plan.ids, plan.digests, plan.load_idx
    remove_ids, snapshot, cutoff = plan.remove_ids, plan.snapshot, plan.cutoff
    held = ident_store.held_digests(
        session,
        register=register,
        partner=contract.partner,
        dataset=contract.dataset,
        only=None if snapshot else list(ids[load_idx]) + remove_ids,
    )
    changed = [i for i in load_idx if held.get(ids[i]) != digests[i]]
    idx = np.array(changed, dtype=np.int64)
    plain_columns = {
        f.match_as or f.name: typed.column(f.name).take(idx) for f in identifier_fields(contract)
    }
    plain_columns["key"] = typed.column(contract.key).take(idx)
    plains = json_rows(pa.table(plain_columns))
    if contract.date_field:
        record_dates = typed.column(contract.date_field).take(idx).combine_chunks()
    else:
        record_dates = pa.nulls(len(changed), pa.date32())
    ident_store.store_rows(
        session,
        register=register,
        partner=contract.partner,
        dataset=contract.dataset,
        record_ids=list(ids[idx]),
        plains=plains,
        digests=list(digests[idx]),
        record_dates=record_dates,
        batch_id=batch_id,
        settings=settings,
        replace=[rid for rid in ids[idx] if rid in held],
    )
    gone = set(remove_ids) & held.keys()
    if snapshot:
        gone |= held.keys() - set(ids[load_idx])
    if cutoff is not None:
        gone |= set(
            session.scalars(
                select(FeedIdentity.record_id).where(
                    FeedIdentity.register == register,
                    FeedIdentity.partner == contract.partner,
                    FeedIdentity.dataset == contract.dataset,
                    FeedIdentity.record_date < cutoff,
                )
            )
        )
    ident_store.delete_rows(session, sorted(gone))


def _attributes(
    spec: TableSpec,
    contract: FeedContract,
    typed: pa.Table,
    plan: _Plan,
    batch: FeedBatch,
    delivery: Any,
) -> pa.Table:
    ids, digests, load_idx = plan.ids, plan.digests, plan.load_idx
    idx = pa.array(load_idx, pa.int64())
    m = len(load_idx)
    columns: dict[str, pa.Array] = {
        "record_id": pa.array(ids[load_idx], pa.string()),
        "_row_digest": pa.array(digests[load_idx], pa.string()),
        "_batch_id": pa.array([str(batch.id)] * m, pa.string()),
        "_file_hash": pa.array([delivery.file_hash] * m, pa.string()),
        "_ingested_at": pa.array([batch.received_at] * m, pa.timestamp("us", tz="UTC")),
    }
    for f in stored_fields(contract):
        columns[f.name] = typed.column(f.name).take(idx)
    return pa.table(columns).cast(spec.arrow_schema())


def _quarantine(
    session: Session,
    register: str,
    contract: FeedContract,
    raw: pa.Table,
    reasons: dict[int, list[str]],
    batch_id: uuid.UUID,
    settings: Settings,
) -> None:
    if not reasons:
        return
    cipher = dataset_cipher(
        session, register=register, partner=contract.partner, dataset=contract.dataset,
        settings=settings,
    )  # fmt: skip
    assert cipher is not None
    rows = raw.take(pa.array(sorted(reasons), pa.int64())).to_pylist()
    labels = [f"quarantine|{batch_id}|{i + 1}" for i in sorted(reasons)]
    sealed = cipher.seal_many(labels, rows)
    session.execute(
        insert(QuarantinedRow),
        [
            {
                "id": uuid.uuid4(),
                "batch_id": batch_id,
                "row_number": index + 1,
                "reasons": reasons[index],
                "sealed_row": blob,
            }
            for index, blob in zip(sorted(reasons), sealed, strict=True)
        ],
    )


def _result(batch: FeedBatch, encoding: str, *, already: bool = False) -> IngestResult:
    return IngestResult(
        batch_id=batch.id,
        partner=batch.partner,
        dataset=batch.dataset,
        file=batch.file_name,
        delivery=batch.delivery,
        encoding=encoding,
        rows_in=batch.rows_in,
        inserted=0 if already else batch.rows_inserted,
        updated=0 if already else batch.rows_updated,
        unchanged=batch.rows_loaded if already else batch.rows_unchanged,
        deletion_rows=batch.rows_deleted_in_file,
        excluded=batch.rows_excluded,
        quarantined=batch.rows_quarantined,
        records_deleted=0 if already else batch.records_deleted,
        duplicate_keys=batch.duplicate_keys,
        already_ingested=already,
    )


def open_quarantined(
    session: Session, *, register: str, batch_id: uuid.UUID, settings: Settings | None = None
) -> list[tuple[int, list[str], dict[str, Any] | None]]:
    """(row number, reasons, raw row) of a batch's quarantined rows, unsealed for the
    partner's data steward to correct (internal: callers pass the gate first)."""
    batch = session.get(FeedBatch, batch_id)
    if batch is None:
        return []
    cipher = dataset_cipher(
        session, register=register, partner=batch.partner, dataset=batch.dataset,
        settings=settings, create=False,
    )  # fmt: skip
    out: list[tuple[int, list[str], dict[str, Any] | None]] = []
    for row in session.scalars(
        select(QuarantinedRow)
        .where(QuarantinedRow.batch_id == batch_id)
        .order_by(QuarantinedRow.row_number)
    ):
        raw = None
        if row.sealed_row is not None and cipher is not None:
            raw = cipher.open(f"quarantine|{batch_id}|{row.row_number}", row.sealed_row)
        out.append((row.row_number, list(row.reasons), raw))
    return out
