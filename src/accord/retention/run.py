"""A disposal run: everything due by the run's moment, in bounded batches.

Each batch is one transaction: read the due rows (keyset by id, so a killed run resumes where
it got to and rows it left behind, held or queued for review, are passed over), read the
holds again, ask the gate, remove what belongs to the records, delete the records, erase each
person nothing else of is left (their key destroyed, a tombstone in the trail), and add the
batch's counts to the run's tallies. A record is deleted with everything of it or not at all.
The run ends with its certificate, whose hash enters the audit chain.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from accord.gate import audit
from accord.gate.catalogue import Permission
from accord.gate.history import TOMBSTONE
from accord.gate.service import authorize
from accord.gate.types import AccessDenied, Action, Actor, ReasonCode, Target
from accord.people import service as people
from accord.people.crypto import current_crypto
from accord.people.models import Subject, SubjectState
from accord.register.registry import Registry, current_registry
from accord.register.schema import DisposalAction, OrgRole, Register, RetentionRule
from accord.retention import stores
from accord.retention.declare import ClockedRows, DueRow, IdList, delete_in, select_in
from accord.retention.holds import ActiveHolds, active_holds
from accord.retention.models import (
    RetentionHold,
    RetentionReview,
    RetentionRun,
    RetentionRunCount,
)
from accord.store.bulk import bulk_pragmas
from accord.store.faults import checkpoint

BATCH = 10_000
CERTIFICATE = "retention-certificate"

# (register, organisation, record_type, action, outcome) -> count
Key = tuple[str, str, str, str, str]
Progress = Callable[[str, int], None]


def rule_text(rule: RetentionRule | None) -> str:
    if rule is None:
        return "no rule"
    period = "indefinitely" if rule.indefinite or rule.period is None else str(rule.period)
    return f"{period} after {rule.trigger.value.replace('_', ' ')}"


def retention_actor(register: Register, organisation: str) -> Actor:
    """The system acting for `organisation` under the register's retention role(s)."""
    roles = [
        r
        for r in register.roles
        if Permission.RETENTION_RUN_EXECUTE in r.permissions
        and r.organisation in (None, organisation)
    ]
    return Actor(
        id=None,
        kind="system",
        organisation=organisation,
        roles=frozenset(r.id for r in roles),
        permissions=frozenset(p for r in roles for p in r.permissions),
        name="accord retention",
        grants=frozenset((register.id, r.id) for r in roles),
    )


def _purpose(register: Register, record_type: str, actor: Actor) -> str:
    purposes = register.record_type(record_type).purposes
    held = {p for r in register.roles if r.id in actor.roles for p in r.purposes}
    return next((p for p in purposes if p in held), purposes[0])


@dataclass
class Tally:
    counts: Counter[Key] = field(default_factory=Counter)
    rules: dict[Key, str] = field(default_factory=dict)
    keys_destroyed: int = 0
    keys_first_at: datetime | None = None
    keys_last_at: datetime | None = None

    def add(self, row: DueRow, rule: RetentionRule | None, outcome: str, n: int = 1) -> None:
        action = rule.action.value if rule is not None else "none"
        key = (row.register, row.organisation, row.record_type, action, outcome)
        self.counts[key] += n
        if key not in self.rules:
            self.rules[key] = rule_text(rule)

    def add_rows(
        self,
        rows: Sequence[DueRow],
        rule_of: Callable[[DueRow], RetentionRule | None],
        outcome: str,
    ) -> None:
        """`add` for many rows at once (a batch's deletions)."""
        grouped: Counter[tuple[str, str, str]] = Counter(
            (r.register, r.organisation, r.record_type) for r in rows
        )
        firsts = {(r.register, r.organisation, r.record_type): r for r in rows}
        for group, n in grouped.items():
            row = firsts[group]
            self.add(row, rule_of(row), outcome, n)

    def key_destroyed(self, at: datetime, n: int = 1) -> None:
        self.keys_destroyed += n
        self.keys_first_at = self.keys_first_at or at
        self.keys_last_at = at


@dataclass(frozen=True)
class RunResult:
    run_id: uuid.UUID | None
    dry_run: bool
    counts: dict[Key, int]
    keys_destroyed: int
    certificate: dict[str, Any] | None
    certificate_hash: str | None


class Disposer:
    """Disposes of due rows of one declaration inside the caller's transaction."""

    def __init__(self, registry: Registry, *, dry_run: bool, now: datetime) -> None:
        self.registry = registry
        self.dry_run = dry_run
        self.now = now
        self._allowed: dict[tuple[str, str, str, str | None], bool] = {}
        self._rules: dict[tuple[str, str], RetentionRule | None] = {}

    def rule(self, row: DueRow) -> RetentionRule | None:
        key = (row.register, row.record_type)
        if key not in self._rules:
            try:
                rule = self.registry.get(row.register).record_type(row.record_type).retention
            except KeyError:
                rule = None
            self._rules[key] = rule
        return self._rules[key]

    def _authorised(self, session: Session, row: DueRow, actor: Actor | None) -> bool:
        key = (row.register, row.organisation, row.record_type, row.service)
        if actor is None and key in self._allowed:
            return self._allowed[key]
        register = self.registry.get(row.register)
        acting = actor or retention_actor(register, row.organisation)
        try:
            authorize(
                session,
                actor=acting,
                purpose=_purpose(register, row.record_type, acting),
                action=Action.DELETE,
                target=Target(
                    register=row.register,
                    record_type=row.record_type,
                    owner_organisation=row.organisation,
                    service=row.service,
                    record_id=row.id if actor is not None else None,
                    subject_ids=(row.subject_id,) if actor is not None and row.subject_id else (),
                ),
                permission=Permission.RETENTION_RUN_EXECUTE if actor is None else None,
            )
            allowed = True
        except AccessDenied:
            allowed = False
        if actor is None:
            self._allowed[key] = allowed
        return allowed

    def batch(
        self,
        session: Session,
        declaration: ClockedRows,
        rows: Sequence[DueRow],
        tally: Tally,
        *,
        review: bool = True,
        actor: Actor | None = None,
        fresh: bool = False,
    ) -> list[DueRow]:
        """Dispose of `rows` by their rules; returns the rows deleted. With `review=False`
        (a reviewer's decision) a review rule deletes too. `fresh`: the rows were read in
        this transaction, so their clocks need no second read.

        Set-based: a few statements per batch whatever its size (who the records name, the
        holds, the dependants, the records, the people left with nothing)."""
        if not rows:
            return []
        if review and not fresh:
            # Read again inside this transaction: a row whose clock moved is no longer due.
            due_now = declaration.still_due(session, [r.id for r in rows], before=self.now)
            rows = [r for r in rows if r.id in due_now]
        named = declaration.named(session, rows)
        holds = _holds_now(session, rows, [s for found in named.values() for s in found])
        any_holds = bool(holds.records or holds.subjects or holds.record_types)
        deleting: list[DueRow] = []
        anonymising: list[DueRow] = []
        for row in rows:
            rule = self.rule(row)
            if rule is None:
                tally.add(row, rule, "no-rule")
                continue
            if any_holds and holds.covers(row, tuple(named.get(row.id, ()))):
                tally.add(row, rule, "held")
                continue
            if rule.action is DisposalAction.REVIEW and review:
                if self._queue(session, declaration, row):
                    tally.add(row, rule, "queued")
                continue
            if rule.action is DisposalAction.ANONYMISE and declaration.anonymise is None:
                # This store cannot anonymise: counted and left in place, never deleted instead.
                tally.add(row, rule, "not-anonymised")
                continue
            if not self._authorised(session, row, actor):
                tally.add(row, rule, "refused")
                continue
            if rule.action is DisposalAction.ANONYMISE:
                anonymising.append(row)
            else:
                deleting.append(row)
        if anonymising:
            self._anonymise(session, declaration, anonymising, tally)
        if not deleting:
            return []
        ids = IdList(r.id for r in deleting)
        subjects = {s for r in deleting for s in named.get(r.id, ())}
        for dependent in stores.dependants():
            if dependent.remove_for_records is not None:
                dependent.remove_for_records(session, ids)
        declaration.delete(session, ids)
        tally.add_rows(deleting, self.rule, "deleted")
        checkpoint("retention.run.after-delete")
        self._erase_orphans(session, IdList(subjects), tally)
        return deleting

    def _anonymise(
        self, session: Session, declaration: ClockedRows, rows: list[DueRow], tally: Tally
    ) -> None:
        """Keep only each record's statistics; a person none of whose other records remain
        has their key destroyed and stays only as an anonymised subject."""
        assert declaration.anonymise is not None
        by_type: dict[tuple[str, str], list[DueRow]] = {}
        for row in rows:
            by_type.setdefault((row.register, row.record_type), []).append(row)
        ids = [r.id for r in rows]
        subjects = sorted(declaration.subjects(session, ids))
        for (register, record_type), group in by_type.items():
            keep = frozenset(self.registry.get(register).record_type(record_type).statistical)
            declaration.anonymise(session, [r.id for r in group], keep)
            tally.add_rows(group, self.rule, "anonymised")
        remaining: set[uuid.UUID] = set()
        for other in stores.clocked():
            remaining |= other.holding(session, subjects, excluding=ids)
        for subject_id in subjects:
            if subject_id in remaining or self.dry_run:
                continue
            people.shred_subject(session, subject_id=subject_id, state=SubjectState.anonymised)
            tally.key_destroyed(datetime.now(UTC))

    def _queue(self, session: Session, declaration: ClockedRows, row: DueRow) -> bool:
        exists = session.scalar(
            select(RetentionReview.id).where(
                RetentionReview.store == declaration.name,
                RetentionReview.record_id == row.id,
                RetentionReview.status == "pending",
            )
        )
        if exists is not None:
            return False
        session.add(
            RetentionReview(
                id=uuid.uuid4(),
                store=declaration.name,
                record_id=row.id,
                register=row.register,
                organisation=row.organisation,
                service=row.service,
                record_type=row.record_type,
                due_at=row.due,
                queued_at=self.now,
                status="pending",
            )
        )
        return True

    def _erase_orphans(self, session: Session, subjects: IdList, tally: Tally) -> None:
        """Erase each person nothing else of is left: a tombstone in the trail (as
        `gate.history.record_erasure` leaves, one entry naming the batch's people of each
        register and organisation), their keys destroyed in one keystore statement (logged
        first, so a restored backup destroys them again), their rows deleted (what is left
        cascades)."""
        if not subjects:
            return
        remaining: set[uuid.UUID] = set()
        for declaration in stores.clocked():
            remaining |= declaration.holding(session, subjects)
        for dependent in stores.dependants():
            if dependent.holding is not None:
                remaining |= dependent.holding(session, subjects)
        candidates = IdList(s for s in subjects if s not in remaining)
        people_left = select_in(
            session, Subject, ("id", "register", "organisation"), "id", candidates
        )
        if not people_left:
            return
        if self.dry_run:
            tally.keys_destroyed += len(people_left)
            return
        owners: dict[tuple[str, str], list[uuid.UUID]] = {}
        for subject_id, register, organisation in people_left:
            owners.setdefault((register, organisation), []).append(subject_id)
        audit.append(
            session,
            [
                _tombstone(ids, register, organisation)
                for (register, organisation), ids in sorted(owners.items())
            ],
        )
        ids = (
            candidates
            if len(people_left) == len(candidates)
            else IdList(person[0] for person in people_left)
        )
        crypto = current_crypto()
        crypto.keystore.destroy_many(ids)
        for subject_id in ids:
            crypto.cache.drop(subject_id)
        checkpoint("retention.run.after-key")
        delete_in(session, Subject, "id", ids)
        tally.key_destroyed(datetime.now(UTC), len(ids))


HOLDS_READ_WHOLE = 10_000  # holds in force up to which a batch reads them all at once


def _holds_now(
    session: Session, rows: Sequence[DueRow], subjects: Sequence[uuid.UUID]
) -> ActiveHolds:
    """The holds in force now over these rows and people, read in the disposing transaction:
    all of them in one statement while there are few (holds are rare), else by id."""
    live = session.execute(
        select(
            RetentionHold.scope,
            RetentionHold.organisation,
            RetentionHold.register,
            RetentionHold.record_type,
            RetentionHold.record_id,
            RetentionHold.subject_id,
        )
        .where(RetentionHold.released_at.is_(None))
        .limit(HOLDS_READ_WHOLE + 1)
    ).all()
    if len(live) > HOLDS_READ_WHOLE:
        return active_holds(session, rows, subjects)
    return ActiveHolds(
        records=frozenset((h.organisation, h.record_id) for h in live if h.record_id is not None),
        subjects=frozenset(
            (h.organisation, h.subject_id) for h in live if h.subject_id is not None
        ),
        record_types=frozenset(
            (h.organisation, h.register, h.record_type)
            for h in live
            if h.scope == "record-type" and h.record_type is not None
        ),
    )


def _tombstone(subject_ids: Sequence[uuid.UUID], register: str, organisation: str) -> audit.Event:
    """The entry `gate.history.record_erasure` leaves, naming the people's owner and
    register (`gate.history.erased_owner` finds it by each person's link)."""
    return audit.Event(
        actor=Actor(
            id=None,
            kind="system",
            organisation=organisation,
            roles=frozenset(),
            permissions=frozenset(),
            name="erasure",
        ),
        action=Action.DELETE,
        purpose="erasure",
        register=register,
        record_type=TOMBSTONE,
        reason=ReasonCode.ALLOWED,
        outcome="recorded",
        subject_ids=tuple(subject_ids),
    )


def _save(session: Session, run: RetentionRun, tally: Tally) -> None:
    for key, n in tally.counts.items():
        register, organisation, record_type, action, outcome = key
        found = session.get(
            RetentionRunCount, (run.id, register, organisation, record_type, action, outcome)
        )
        if found is None:
            session.add(
                RetentionRunCount(
                    run_id=run.id,
                    register=register,
                    organisation=organisation,
                    record_type=record_type,
                    action=action,
                    outcome=outcome,
                    rule=tally.rules[key],
                    count=n,
                )
            )
        else:
            found.count += n
    if tally.keys_destroyed:
        run.keys_destroyed = (run.keys_destroyed or 0) + tally.keys_destroyed
        run.keys_first_at = run.keys_first_at or tally.keys_first_at
        run.keys_last_at = tally.keys_last_at


def _open_run(session: Session, *, ran_by: str, now: datetime) -> RetentionRun:
    """The unfinished run (a killed one) to resume, else a new one covering up to now."""
    running = session.scalar(
        select(RetentionRun)
        .where(RetentionRun.status == "running")
        .order_by(RetentionRun.started_at)
    )
    if running is not None:
        return running
    previous = session.scalar(
        select(RetentionRun.as_of)
        .where(RetentionRun.status == "finished", RetentionRun.dry_run.is_(False))
        .order_by(RetentionRun.as_of.desc())
        .limit(1)
    )
    run = RetentionRun(
        id=uuid.uuid4(),
        status="running",
        dry_run=False,
        ran_by=ran_by,
        started_at=now,
        as_of=now,
        period_from=previous,
        keys_destroyed=0,
    )
    session.add(run)
    session.flush()
    return run


def run(
    sessions: sessionmaker[Session],
    *,
    ran_by: str,
    dry_run: bool = False,
    now: datetime | None = None,
    batch: int = BATCH,
    progress: Progress | None = None,
    registry: Registry | None = None,
) -> RunResult:
    """Carry out (or with `dry_run`, count) everything due; resumes a killed run."""
    registry = registry or current_registry()
    stores.require_declared(registry)
    started = now or datetime.now(UTC)
    run_row: RetentionRun | None = None
    if not dry_run:
        with sessions() as session, session.begin():
            run_row = _open_run(session, ran_by=ran_by, now=started)
            run_id, as_of = run_row.id, run_row.as_of
    else:
        run_id, as_of = None, started
    disposer = Disposer(registry, dry_run=dry_run, now=as_of)
    total = Tally()
    for declaration in stores.clocked():
        after: uuid.UUID | None = None
        done = 0
        while True:
            tally = Tally()
            with sessions() as session:
                session.begin()
                bulk_pragmas(session)  # SQLite: a page cache for tens of thousands of deletes
                rows = declaration.due(
                    session, before=as_of, after=after, limit=batch, lock=not dry_run
                )
                if not rows:
                    session.rollback()
                    break
                after = rows[-1].id
                disposer.batch(session, declaration, rows, tally, fresh=True)
                if dry_run:
                    session.rollback()
                else:
                    run_row = session.get(RetentionRun, run_id)
                    assert run_row is not None
                    _save(session, run_row, tally)
                    checkpoint("retention.run.before-commit")
                    session.commit()
            total.counts.update(tally.counts)
            total.rules.update(tally.rules)
            total.keys_destroyed += tally.keys_destroyed
            done += len(rows)
            if progress is not None:
                progress(declaration.name, done)
    for swept in stores.swept():
        for register in registry.registers.values():
            for record_type in sorted(swept.holds(register)):
                tally = Tally()
                with sessions() as session:
                    session.begin()
                    removed = _sweep(session, swept, register, record_type, as_of, tally, dry_run)
                    if dry_run or run_id is None:
                        session.rollback()
                    else:
                        run_row = session.get(RetentionRun, run_id)
                        assert run_row is not None
                        _save(session, run_row, tally)
                        session.commit()
                total.counts.update(tally.counts)
                total.rules.update(tally.rules)
                if progress is not None:
                    progress(swept.name, removed)
    if dry_run or run_id is None:
        return RunResult(None, True, dict(total.counts), total.keys_destroyed, None, None)
    with sessions() as session, session.begin():
        run_row = session.get(RetentionRun, run_id)
        assert run_row is not None
        certificate, digest = _certify(session, run_row)
        counts = {
            (c.register, c.organisation, c.record_type, c.action, c.outcome): c.count
            for c in session.scalars(
                select(RetentionRunCount).where(RetentionRunCount.run_id == run_id)
            )
        }
        keys = run_row.keys_destroyed
    return RunResult(run_id, False, counts, keys, certificate, digest)


def _sweep(
    session: Session,
    swept: Any,
    register: Register,
    record_type: str,
    now: datetime,
    tally: Tally,
    dry_run: bool,
) -> int:
    owner = next(
        (o.id for o in register.organisations if o.role is OrgRole.CONTROLLER),
        register.organisations[0].id,
    )
    rule = register.record_type(record_type).retention
    if dry_run:
        removed = 0
        for count in swept.plan_counts(session, register, now):
            row = DueRow(
                "",
                uuid.uuid4(),
                register.id,
                count.organisation,
                None,
                count.record_type,
                None,
                now,
            )
            tally.add(row, rule, "deleted", count.count)
            removed += count.count
        return removed
    actor = retention_actor(register, owner)
    probe = DueRow("", uuid.uuid4(), register.id, owner, None, record_type, None, now)
    disposer = Disposer(current_registry(), dry_run=False, now=now)
    if not disposer._authorised(session, probe, None):
        tally.add(probe, rule, "refused")
        return 0
    removed = 0
    for outcome in swept.sweep(session, register, now, actor):
        row = DueRow(
            "",
            uuid.uuid4(),
            outcome.register,
            outcome.organisation,
            None,
            outcome.record_type,
            None,
            now,
        )
        tally.add(row, rule, outcome.outcome, outcome.removed)
        if outcome.outcome == "deleted":
            removed += outcome.removed
    return removed


def canonical(document: dict[str, Any]) -> bytes:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


def _certify(session: Session, run_row: RetentionRun) -> tuple[dict[str, Any], str]:
    """Write the run's certificate (counts, period, who, when keys were destroyed; no personal
    data), put its hash in the audit chain and mark the run finished."""
    finished = datetime.now(UTC)
    counts = session.scalars(
        select(RetentionRunCount)
        .where(RetentionRunCount.run_id == run_row.id)
        .order_by(
            RetentionRunCount.register,
            RetentionRunCount.organisation,
            RetentionRunCount.record_type,
            RetentionRunCount.action,
            RetentionRunCount.outcome,
        )
    ).all()
    certificate: dict[str, Any] = {
        "run": str(run_row.id),
        "period": {"from": _iso(run_row.period_from), "to": _iso(run_row.as_of)},
        "ran_by": run_row.ran_by,
        "started_at": _iso(run_row.started_at),
        "finished_at": _iso(finished),
        "counts": [
            {
                "register": c.register,
                "organisation": c.organisation,
                "record_type": c.record_type,
                "rule": c.rule,
                "action": c.action,
                "outcome": c.outcome,
                "count": c.count,
            }
            for c in counts
        ],
        "keys_destroyed": run_row.keys_destroyed,
        "keys_destroyed_from": _iso(run_row.keys_first_at),
        "keys_destroyed_to": _iso(run_row.keys_last_at),
    }
    digest = hashlib.sha256(canonical(certificate)).hexdigest()
    audit.record(
        session,
        audit.Event(
            actor=Actor(
                id=None,
                kind="system",
                organisation="accord",
                roles=frozenset(),
                permissions=frozenset(),
                name=run_row.ran_by,
            ),
            action=Action.DELETE,
            purpose="retention",
            register="",
            record_type=CERTIFICATE,
            reason=ReasonCode.ALLOWED,
            outcome="recorded",
            record_ids=(run_row.id,),
            ref=digest,  # the SHA-256 of the canonical certificate
        ),
    )
    run_row.certificate = certificate
    run_row.certificate_hash = digest
    run_row.status = "finished"
    run_row.finished_at = finished
    return certificate, digest
