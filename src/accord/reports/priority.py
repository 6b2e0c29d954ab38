# Factor values reach SQL only as registered Arrow inputs; names come from the register.
# ruff: noqa: S608
"""Identifying priority lists (TVT): people who may need priority support, each decided by a
person before anyone acts.

What the ICO found wrong with the Gangs Matrix is made impossible or visible here:

- no retention: a list is a record on the register's retention clock (`disposal.py`), and
  it expires (`expires_after_days`): an expired list cannot be opened;
- informal copies: a list holds references (the linkage's person id and the factors that put
  them there), never copies; every opening and download is recorded with who, from which
  organisation and which people were in it; removing a person marks their entry in every
  list, and names the downloads that held them so each copy can be recalled;
- blanket sharing: a list is made for named recipient organisations (among the definition's
  recipients) and opened only by holders of its roles there, through the gate;
- no impact assessment: a definition without one is refused by the register check.

Each entry needs a recorded decision (support, no action, not appropriate, with a reason, by
someone other than the list's producer) before anything is done for the person; acting on an
undecided entry, one decided otherwise, or one whose person asked for a human review
(`accord.rights.automated`) that is not done yet, is refused.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.analytics.engine import AnalyticsEngine
from accord.analytics.tables import TableSpec
from accord.errors import Conflict, Gone, Invalid, NotFound
from accord.gate import acts
from accord.gate.catalogue import Permission
from accord.gate.service import authorize, holds_permission, refuse
from accord.gate.types import Action, Actor, ReasonCode, Target
from accord.gate.types import Decision as GateDecision
from accord.register.report_checks import PARTNER_PREFIX
from accord.register.report_schema import PrioritySettings, ReportDefinition, ReportKind
from accord.register.schema import Register
from accord.reports import definitions, service
from accord.reports.priority_models import (
    PriorityAccess,
    PriorityAction,
    PriorityEntry,
    PriorityList,
)
from accord.store.base import aware, utcnow

PARTNER_RECORD = "partner-record"
MIN_REASON = 10
# Who a listed person is, shown to those who open the list: read from the partners' records
# at each opening, never kept in the list.
IDENTITY = ("name", "date-of-birth", "address")


class Decision(StrEnum):
    SUPPORT = "support"
    NO_ACTION = "no-action"
    NOT_APPROPRIATE = "not-appropriate"


def _definition(register: Register, report_id: str) -> tuple[ReportDefinition, PrioritySettings]:
    report = definitions.find(register, report_id)
    if report.kind is not ReportKind.IDENTIFYING or report.priority is None:
        raise Invalid("report", f"{report_id!r} is not a priority list")
    return report, report.priority


def _recipient_organisations(register: Register, report: ReportDefinition) -> list[str]:
    orgs: list[str] = []
    for rid in report.recipients:
        recipient = register.recipient(rid)
        if recipient.organisation:
            orgs.append(recipient.organisation)
        else:
            orgs += definitions.partners(register)
    return sorted(set(orgs))


# --- producing a list -------------------------------------------------------------------------


def produce(
    session: Session,
    *,
    actor: Actor,
    register: str,
    report_id: str,
    engine: AnalyticsEngine,
    recipients: Sequence[str],
) -> PriorityList:
    """Find the people the definition's factors point to and keep the list for the named
    recipient organisations (no blanket sharing: each is named, and must be a recipient the
    definition allows)."""
    reg = service.register_of(register)
    report, settings = _definition(reg, report_id)
    record_type = report.record_types[0]
    authorize(
        session,
        actor=actor,
        purpose=report.purpose,
        action=Action.CREATE,
        target=Target(register, record_type, owner_organisation=actor.organisation),
    )
    allowed = _recipient_organisations(reg, report)
    chosen = sorted(set(recipients))
    if not chosen:
        raise Invalid("recipients", "name each organisation the list is for")
    for org in chosen:
        if org not in allowed:
            raise Invalid(
                "recipients",
                f"{org!r} may not receive {report_id!r} (its recipients: {', '.join(allowed)})",
            )
    current = service.state(session, reg, report)
    if not current.approved:
        acts.record_event(
            session,
            actor=actor,
            action="create",
            purpose=report.purpose,
            register=register,
            record_type=record_type,
            ref=f"{report_id[:40]}@{current.definition_hash[:16]}",
            outcome="refused",
            reason="not-approved",
        )
        raise Conflict(
            f"priority list {report_id!r} cannot be produced: this definition "
            f"({current.definition_hash[:12]}) is not approved by {', '.join(current.awaiting)}",
            field="report",
        )
    found = _people(session, actor, reg, report, settings, engine)
    now = utcnow()
    rule = reg.record_type(record_type).retention
    due = rule.period.after(now) if rule is not None and rule.period is not None else None
    plist = PriorityList(
        register=register,
        report=report_id,
        definition_hash=current.definition_hash,
        record_type=record_type,
        organisation=actor.organisation,
        subject_id=None,
        produced_by=actor.id,
        produced_by_name=actor.name or str(actor.id or actor.kind),
        produced_at=now,
        expires_at=now + timedelta(days=settings.expires_after_days),
        recipients=chosen,
        impact_assessment=settings.impact_assessment[:200],
        entries=0,
        retention_from=now,
        retention_due=due if isinstance(due, datetime) else None,
    )
    session.add(plist)
    session.flush()
    for person, (factors, records) in sorted(found.items()):
        if len(factors) < settings.min_factors:
            continue
        session.add(
            PriorityEntry(
                list_id=plist.id,
                person=person,
                factors=[f.id for f in settings.factors if f.id in factors],
                records=records,
            )
        )
        plist.entries += 1
    session.flush()
    acts.record_event(
        session,
        actor=actor,
        action="create",
        purpose=report.purpose,
        register=register,
        record_type=record_type,
        record_ids=(plist.id,),
        ref=f"{report_id[:40]}:{plist.entries} people",
    )
    return plist


def _people(
    session: Session,
    actor: Actor,
    reg: Register,
    report: ReportDefinition,
    settings: PrioritySettings,
    engine: AnalyticsEngine,
) -> dict[str, tuple[set[str], list[dict[str, Any]]]]:
    """person -> (the factors that apply, the partner records behind them), each dataset read
    through the gate for the list's purpose."""
    from accord.linkage.models import PersonId

    people: dict[str, tuple[set[str], list[dict[str, Any]]]] = defaultdict(lambda: (set(), []))
    hits: list[tuple[str, str, str]] = []  # (factor, source, record id)
    for factor in settings.factors:
        partner, dataset = factor.source.removeprefix(PARTNER_PREFIX).split("/", 1)
        contract = next(c for c in reg.feeds if c.partner == partner and c.dataset == dataset)
        field = next(f for f in contract.fields if f.name == factor.field)
        authorize(
            session,
            actor=actor,
            purpose=report.purpose,
            action=Action.LIST,
            target=Target(reg.id, PARTNER_RECORD, owner_organisation=partner),
            categories=list(field.categories) or None,
        )
        spec = TableSpec.from_contract(contract)
        if not engine._exists(spec.name):
            continue
        q = engine.dialect.quote
        string = engine.dialect.sql_type("string")
        values = f"accord_priority_{uuid.uuid4().hex}"
        engine._put_input(values, pa.table({"v": pa.array(factor.values, pa.string())}))
        try:
            found = engine._fetch(
                f"SELECT s.record_id FROM {engine._ref(spec.name)} s"
                f" WHERE LOWER(CAST(s.{q(factor.field)} AS {string}))"
                f" IN (SELECT LOWER(v) FROM {values})"
            )
        finally:
            engine._drop_input(values)
        for record_id in found.column("record_id").to_pylist():
            hits.append((factor.id, factor.source, str(record_id)))
    ids = sorted({h[2] for h in hits})
    linked: dict[str, str] = {}
    for start in range(0, len(ids), 500):
        part = ids[start : start + 500]
        for record_id, person_id in session.execute(
            select(PersonId.record_id, PersonId.person_id).where(PersonId.record_id.in_(part))
        ):
            linked[record_id] = person_id
    for factor_id, source, record_id in hits:
        person = linked.get(record_id, record_id)  # a record not linked stands for its person
        factors, records = people[person]
        factors.add(factor_id)
        records.append({"factor": factor_id, "source": source, "record_id": record_id})
    return dict(people)


# --- opening, deciding, acting ----------------------------------------------------------------


def _list(session: Session, list_id: uuid.UUID) -> PriorityList:
    plist = session.get(PriorityList, list_id)
    if plist is None:
        raise NotFound("priority list")
    return plist


def _may_open(actor: Actor, reg: Register, report: ReportDefinition, plist: PriorityList) -> bool:
    """Holders of the list's roles with the identifying read permission, at an organisation
    it was made for; and its producer's organisation."""
    if actor.kind == "system":
        return True
    if not holds_permission(actor, Permission.REPORTS_IDENTIFYING_READ.value, reg.id):
        return False
    if not (actor.roles_in(reg.id) & set(report.roles)) and (
        actor.organisation != plist.organisation
    ):
        return False
    return actor.organisation in plist.recipients or actor.organisation == plist.organisation


def _opened(
    session: Session,
    actor: Actor,
    plist: PriorityList,
    action: str,
    categories: Sequence[str] | None = None,
) -> tuple[Register, ReportDefinition, GateDecision]:
    """The checks before anything of a list is shown or changed: it has not expired, the
    actor may open it, and the gate allows the read (the list shared with its recipients)
    of the categories asked for (None: all the purpose may see)."""
    reg = service.register_of(plist.register)
    report = definitions.find(reg, plist.report)
    if not _may_open(actor, reg, report, plist):
        refuse(
            session,
            actor=actor,
            what=plist.record_type,
            reason=ReasonCode.NO_PERMISSION,
            register=plist.register,
        )
    if aware(plist.expires_at) <= utcnow():
        acts.record_event(
            session,
            actor=actor,
            action=action,
            purpose=report.purpose,
            register=plist.register,
            record_type=plist.record_type,
            record_ids=(plist.id,),
            outcome="refused",
            reason="expired",
        )
        raise Gone(
            f"this priority list expired on {aware(plist.expires_at):%d %B %Y}; produce a new "
            "one from the current data"
        )
    decision = authorize(
        session,
        actor=actor,
        purpose=report.purpose,
        action=Action.READ,
        target=Target(
            plist.register,
            plist.record_type,
            owner_organisation=plist.organisation,
            record_id=plist.id,
            shared_with=frozenset(plist.recipients),
        ),
        categories=categories,
    )
    return reg, report, decision


def _entries(session: Session, plist: PriorityList) -> list[PriorityEntry]:
    return list(
        session.scalars(
            select(PriorityEntry)
            .where(PriorityEntry.list_id == plist.id, PriorityEntry.removed_at.is_(None))
            .order_by(PriorityEntry.person)
        )
    )


@dataclass(frozen=True)
class Identity:
    """Who a listed person is, as far as the opening's gate decision allows (None: not
    held, or not allowed)."""

    name: str | None = None
    date_of_birth: str | None = None
    address: str | None = None


def _factor_categories(reg: Register, plist: PriorityList) -> set[str]:
    """The data categories of the fields behind the list's factors (shown as its reasons)."""
    _report, settings = _definition(reg, plist.report)
    found: set[str] = set()
    for factor in settings.factors:
        partner, dataset = factor.source.removeprefix(PARTNER_PREFIX).split("/", 1)
        for contract in reg.feeds:
            if contract.partner == partner and contract.dataset == dataset:
                for f in contract.fields:
                    if f.name == factor.field:
                        found.update(f.categories)
    return found


def _identities(
    session: Session, people: Sequence[str], allowed: frozenset[str]
) -> dict[str, Identity]:
    """person -> their name, date of birth and address from the partner records the linkage
    joined into them, each the value most of those records hold (between equals, the one
    held in the latest record); only the categories the gate allowed. The caller has passed the gate for the list's identifying record type."""
    from accord.feeds.facts import partner_record
    from accord.linkage.models import PersonId

    wanted = allowed & set(IDENTITY)
    if not wanted or not people:
        return {}
    records: dict[str, list[str]] = defaultdict(list)
    for start in range(0, len(people), 500):
        part = list(people[start : start + 500])
        for record_id, person_id in session.execute(
            select(PersonId.record_id, PersonId.person_id).where(PersonId.person_id.in_(part))
        ):
            records[person_id].append(record_id)
    out: dict[str, Identity] = {}
    for person in people:
        held = []
        for record_id in sorted(records.get(person, [])):
            try:
                key = uuid.UUID(hex=record_id)
            except ValueError:
                continue
            record = partner_record(session, record_id=key)
            if record is not None:
                held.append(record)
        # field -> value -> (how many records hold it, the latest record date holding it)
        seen: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
        for record in held:
            shown = {
                column: str(value)
                for column, value in record.values.items()
                if record.categories.get(column) and record.categories[column] <= wanted
            }
            when = record.record_date.toordinal() if record.record_date else 0
            name = " ".join(shown[k] for k in ("first_name", "surname") if shown.get(k))
            address = ", ".join(shown[k] for k in ("address", "postcode") if shown.get(k))
            for field, value in (
                ("name", name),
                ("date_of_birth", shown.get("dob", "")),
                ("address", address),
            ):
                if value:
                    count, latest = seen[field].get(value, (0, 0))
                    seen[field][value] = (count + 1, max(latest, when))
        # the most common value; between equally common ones the latest, then the fullest
        values = {field: _likeliest(found) for field, found in seen.items()}
        if values:
            out[person] = Identity(**values)
    return out


def _likeliest(found: dict[str, tuple[int, int]]) -> str:
    """The value most records hold; between equals, the latest held, then the fullest."""
    return max(found, key=lambda v: (found[v][0], found[v][1], len(v), v))


def open_named(
    session: Session,
    *,
    actor: Actor,
    list_id: uuid.UUID,
    download: str | None = None,
) -> tuple[PriorityList, list[PriorityEntry], dict[str, Identity]]:
    """The list's current entries (removed people left out), with who each person is (name,
    date of birth, address) as far as one gate decision for this opening allows; the
    opening (or download, in the format given) is recorded with who and which people it
    held, and the audit names the entries shown."""
    plist = _list(session, list_id)
    reg = service.register_of(plist.register)
    asked = sorted(set(IDENTITY) | _factor_categories(reg, plist))
    _reg, report, decision = _opened(
        session, actor, plist, "download" if download else "read", categories=asked
    )
    entries = _entries(session, plist)
    people = _identities(session, [e.person for e in entries], decision.categories)
    session.add(
        PriorityAccess(
            list_id=plist.id,
            actor_id=actor.id,
            actor_name=actor.name or str(actor.id or actor.kind),
            organisation=actor.organisation,
            kind="download" if download else "open",
            format=download,
            people=[e.person for e in entries],
            at=utcnow(),
        )
    )
    session.flush()
    shown = sorted({c for i in people.values() for c, v in _shown(i) if v})
    acts.record_event(
        session,
        actor=actor,
        action="download" if download else "read",
        purpose=report.purpose,
        register=plist.register,
        record_type=plist.record_type,
        record_ids=(plist.id, *(e.id for e in entries)),
        categories=shown,
        ref=f"priority:{len(people)} of {len(entries)} people named",
    )
    return plist, entries, people


def _shown(identity: Identity) -> list[tuple[str, str | None]]:
    return [
        ("name", identity.name),
        ("date-of-birth", identity.date_of_birth),
        ("address", identity.address),
    ]


def open_list(
    session: Session,
    *,
    actor: Actor,
    list_id: uuid.UUID,
    download: str | None = None,
) -> tuple[PriorityList, list[PriorityEntry]]:
    """`open_named` without who the people are."""
    plist, entries, _people = open_named(session, actor=actor, list_id=list_id, download=download)
    return plist, entries


def list_lists(
    session: Session, *, actor: Actor, register: str, limit: int = 50, offset: int = 0
) -> tuple[list[PriorityList], int]:
    """Lists the actor's organisation made or was named as a recipient of (not expired ones
    only for recipients)."""
    reg = service.register_of(register)
    reports = [r for r in reg.reports if r.kind is ReportKind.IDENTIFYING]
    if actor.kind != "system" and not holds_permission(
        actor, Permission.REPORTS_IDENTIFYING_READ.value, register
    ):
        refuse(
            session,
            actor=actor,
            what=reports[0].record_types[0] if reports else "report-identifying",
            reason=ReasonCode.NO_PERMISSION,
            register=register,
        )
    rows = list(
        session.scalars(
            select(PriorityList)
            .where(PriorityList.register == register)
            .order_by(PriorityList.produced_at.desc(), PriorityList.id)
        )
    )
    visible = [
        p
        for p in rows
        if actor.kind == "system"
        or p.organisation == actor.organisation
        or (actor.organisation in p.recipients and aware(p.expires_at) > utcnow())
    ]
    acts.record_event(
        session,
        actor=actor,
        action="list",
        purpose=reports[0].purpose if reports else "",
        register=register,
        record_type=reports[0].record_types[0] if reports else "report-identifying",
        ref=f"{len(visible)} lists",
    )
    return visible[offset : offset + limit], len(visible)


def _entry(session: Session, entry_id: uuid.UUID) -> tuple[PriorityEntry, PriorityList]:
    entry = session.get(PriorityEntry, entry_id)
    if entry is None or entry.removed_at is not None:
        raise NotFound("priority list entry")
    return entry, _list(session, entry.list_id)


def decide(
    session: Session,
    *,
    actor: Actor,
    entry_id: uuid.UUID,
    decision: str,
    reason: str,
) -> PriorityEntry:
    """A person's decision about one listed person, with the reason; by someone other than
    the list's producer."""
    entry, plist = _entry(session, entry_id)
    _reg, report, _decision = _opened(session, actor, plist, "update")
    try:
        chosen = Decision(decision)
    except ValueError:
        raise Invalid(
            "decision", "Choose one of: " + ", ".join(d.value for d in Decision) + "."
        ) from None
    if len(reason.strip()) < MIN_REASON:
        raise Invalid("reason", f"Say why, in at least {MIN_REASON} characters.")
    if actor.id is not None and actor.id == plist.produced_by:
        raise Conflict("the decision is made by someone other than the list's producer")
    if entry.decision is not None:
        raise Conflict(f"{entry.decided_by_name} already decided: {entry.decision}")
    entry.decision = chosen.value
    entry.reason = reason.strip()[:1000]
    entry.decided_by = actor.id
    entry.decided_by_name = actor.name or str(actor.id or actor.kind)
    entry.decided_at = utcnow()
    session.flush()
    _entry_event(session, actor, report, plist, entry, "decide", ref=f"priority:{chosen.value}")
    return entry


def _entry_event(
    session: Session,
    actor: Actor,
    report: ReportDefinition,
    plist: PriorityList,
    entry: PriorityEntry,
    action: str,
    *,
    ref: str | None = None,
    outcome: str = "recorded",
    reason: str = ReasonCode.ALLOWED.value,
) -> None:
    """An audit entry for an act on one listed person: it names the list and the entry."""
    acts.record_event(
        session,
        actor=actor,
        action=action,
        purpose=report.purpose,
        register=plist.register,
        record_type=plist.record_type,
        record_ids=(plist.id, entry.id),
        ref=ref,
        outcome=outcome,
        reason=reason,
    )


def _review_pending(session: Session, entry_id: uuid.UUID) -> bool:
    """The listed person asked for a human review of their place on the list, not yet done."""
    from accord.rights.decision_models import AutomatedReview

    return (
        session.scalar(
            select(func.count())
            .select_from(AutomatedReview)
            .where(AutomatedReview.reference == entry_id, AutomatedReview.outcome.is_(None))
        )
        or 0
    ) > 0


def act(session: Session, *, actor: Actor, entry_id: uuid.UUID, action: str) -> PriorityAction:
    """Record what is done for a listed person: only once a person decided to support them,
    and not while their request for a human review is open."""
    entry, plist = _entry(session, entry_id)
    _reg, report, _decision = _opened(session, actor, plist, "update")
    if not action.strip():
        raise Invalid("action", "Say what is being done.")
    refusal = None
    if entry.decision is None:
        refusal = "no one has decided about this person yet: a person decides before anyone acts"
    elif entry.decision != Decision.SUPPORT.value:
        refusal = f"the decision recorded was {entry.decision!r}, not support"
    elif _review_pending(session, entry.id):
        refusal = "the person asked for a human review of their place on the list; wait for it"
    if refusal is not None:
        _entry_event(
            session,
            actor,
            report,
            plist,
            entry,
            "act",
            outcome="refused",
            reason="undecided" if entry.decision is None else "not-support",
        )
        raise Conflict(refusal, field="entry")
    row = PriorityAction(
        entry_id=entry.id,
        action=action.strip()[:1000],
        organisation=actor.organisation,
        by=actor.id,
        by_name=actor.name or str(actor.id or actor.kind),
        at=utcnow(),
    )
    session.add(row)
    session.flush()
    acts.record_event(
        session,
        actor=actor,
        action="act",
        purpose=report.purpose,
        register=plist.register,
        record_type=plist.record_type,
        record_ids=(plist.id, entry.id, row.id),
        ref="priority:action",
    )
    return row


# --- removal, explanation ---------------------------------------------------------------------


def remove_person(
    session: Session, *, actor: Actor, register: str, person: str, reason: str
) -> tuple[int, list[PriorityAccess]]:
    """Take a person off every list (the entries are references, so every later opening and
    download leaves them out). Returns how many entries were removed and the downloads that
    held them, so each copy made can be recalled."""
    reg = service.register_of(register)
    if actor.kind != "system" and not any(
        holds_permission(actor, p.value, register)
        for p in (Permission.RIGHTS_REQUEST_MANAGE, Permission.LINKAGE_RUN_EXECUTE)
    ):
        refuse(
            session,
            actor=actor,
            what="report-identifying",
            reason=ReasonCode.NO_PERMISSION,
            register=register,
        )
    if len(reason.strip()) < MIN_REASON:
        raise Invalid("reason", f"Say why, in at least {MIN_REASON} characters.")
    entries = list(
        session.scalars(
            select(PriorityEntry)
            .join(PriorityList, PriorityList.id == PriorityEntry.list_id)
            .where(
                PriorityList.register == register,
                PriorityEntry.person == person,
                PriorityEntry.removed_at.is_(None),
            )
        )
    )
    now = utcnow()
    for entry in entries:
        entry.removed_at = now
        entry.removed_reason = reason.strip()[:1000]
    list_ids = {e.list_id for e in entries}
    downloads = [
        a
        for a in session.scalars(
            select(PriorityAccess).where(
                PriorityAccess.list_id.in_(list_ids), PriorityAccess.kind == "download"
            )
        )
        if person in a.people
    ]
    session.flush()
    purposes = [r.purpose for r in reg.reports if r.kind is ReportKind.IDENTIFYING]
    acts.record_event(
        session,
        actor=actor,
        action="delete",
        purpose=purposes[0] if purposes else "",
        register=register,
        record_type="report-identifying",
        record_ids=[e.id for e in entries],
        ref=f"priority:removed from {len(list_ids)} lists",
    )
    return len(entries), downloads


def explain(session: Session, *, actor: Actor, entry_id: uuid.UUID) -> str:
    """How a person came to be on a list, in words, for the rights officer recording their
    request for a human review (`accord.rights.automated`, kind priority-list)."""
    entry = session.get(PriorityEntry, entry_id)
    if entry is None:
        raise NotFound("priority list entry")
    plist = _list(session, entry.list_id)
    if actor.kind != "system" and not holds_permission(
        actor, Permission.RIGHTS_REQUEST_MANAGE.value, plist.register
    ):
        refuse(
            session,
            actor=actor,
            what=plist.record_type,
            reason=ReasonCode.NO_PERMISSION,
            register=plist.register,
        )
    reg = service.register_of(plist.register)
    report, settings = _definition(reg, plist.report)
    names = {f.id: f.name for f in settings.factors}
    parts = [
        f"On {aware(plist.produced_at):%d %B %Y} the list {report.name!r} named this person "
        f"because {len(entry.factors)} of its factors applied (at least "
        f"{settings.min_factors} are needed): "
        + "; ".join(names.get(f, f) for f in entry.factors)
        + "."
    ]
    if entry.decision is None:
        parts.append("No one has decided yet what, if anything, to offer.")
    else:
        parts.append(
            f"{entry.decided_by_name} decided {entry.decision!r} on "
            f"{aware(entry.decided_at or plist.produced_at):%d %B %Y}: {entry.reason}"
        )
    _entry_event(session, actor, report, plist, entry, "read", ref="priority:explanation")
    return " ".join(parts)


def to_csv(
    plist: PriorityList,
    entries: Sequence[PriorityEntry],
    people: dict[str, Identity] | None = None,
) -> str:
    from accord.store.exports import escape_row

    reg = service.register_of(plist.register)
    _report, settings = _definition(reg, plist.report)
    names = {f.id: f.name for f in settings.factors}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["person", "name", "date of birth", "address", "factors", "decision", "reason",
         "decided by"]
    )  # fmt: skip
    for e in entries:
        who = (people or {}).get(e.person, Identity())
        writer.writerow(
            escape_row(
                [
                    e.person,
                    who.name or "",
                    who.date_of_birth or "",
                    who.address or "",
                    "; ".join(names.get(f, f) for f in e.factors),
                    e.decision or "not decided yet",
                    e.reason or "",
                    e.decided_by_name or "",
                ]
            )
        )
    return out.getvalue()
