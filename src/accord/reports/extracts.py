"""Evaluation extracts: pseudonymised casework of people who consented to evaluation.

`run_extract` makes one extract of an approved `kind: extract` definition:

- only people whose consent to the definition's purpose is given now, and who have not
  withdrawn it (`accord.consent.extract`: a withdrawal leaves them out of every later
  extract unless they give consent again);
- each record read through the gate (export under the purpose) and cut to the categories the
  decision allows; the date of birth leaves only as an age band, the postcode only as part;
- each person under a pseudonym: HMAC-SHA256 under a random key made for this extract alone
  and given to the evaluator with it, never kept (a fingerprint of it is), so two extracts
  cannot be joined without both keys; with `link_across_services` one person's records at
  every provider share a pseudonym through the keyed name-and-date-of-birth index;
- the quasi-identifiers widened until k-anonymity holds (`extracts_anonymity`), the rows that
  still stand out withheld;
- each row released logged in the disclosure log (with consent, method `extract`) and the
  extract itself audited and kept as a record of what left (never its rows).
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from accord.errors import Conflict, Invalid, NotFound
from accord.gate import acts
from accord.gate.service import authorize, refuse
from accord.gate.types import AccessDenied, Action, Actor, ReasonCode
from accord.register.report_schema import ExtractSettings, ReportDefinition, ReportKind
from accord.register.schema import Register
from accord.reports import definitions, service
from accord.reports.extracts_anonymity import anonymise
from accord.reports.models import EvaluationExtract
from accord.store.base import utcnow

EXTRACT = "evaluation-extract"  # how extracts are named in the audit trail
PSEUDONYM = "pseudonym"
EQUALITY = ("ethnicity", "religion", "disability")
# Fields carried in clear on a case and not about the person (no category).
PLAIN = ("service", "status", "closure_reason")


@dataclass(frozen=True)
class ExtractResult:
    """What the evaluator receives once: the rows under pseudonyms, and the key that made
    them. Neither is kept."""

    record: EvaluationExtract
    key: str  # hex
    columns: list[str]
    rows: list[list[Any]]


def pseudonym(key: bytes, person: str) -> str:
    """The person's pseudonym in one extract: HMAC-SHA256 under the extract's key."""
    return hmac.new(key, person.encode(), hashlib.sha256).hexdigest()[:32]


def fingerprint(key: bytes) -> str:
    return hashlib.sha256(b"accord evaluation extract key\0" + key).hexdigest()


def _extract_definition(register: Register, report_id: str) -> ReportDefinition:
    report = definitions.find(register, report_id)
    if report.kind is not ReportKind.EXTRACT or report.extract is None:
        raise Invalid("report", f"{report_id!r} is not an evaluation extract")
    return report


def _age(dob: Any, at: datetime) -> int | None:
    if not dob:
        return None
    born = date.fromisoformat(str(dob)[:10])
    on = at.date()
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


@dataclass
class _Candidate:
    case_id: uuid.UUID
    subject_id: uuid.UUID
    person: str
    row: dict[str, Any]
    categories: list[str]


def run_extract(
    session: Session,
    *,
    actor: Actor,
    register: str,
    report_id: str,
    recipient: str | None = None,
) -> ExtractResult:
    """Make one extract of an approved definition for one of its recipients."""
    from accord.consent.extract import excluded_subjects, latest_states
    from accord.consent.ledger import ConsentState
    from accord.consent.models import ConsentEvent

    reg = service.register_of(register)
    report = _extract_definition(reg, report_id)
    settings = report.extract
    assert settings is not None  # checked above
    if actor.kind != "system" and not (actor.roles_in(register) & set(report.roles)):
        refuse(
            session, actor=actor, what=EXTRACT, reason=ReasonCode.NO_PERMISSION, register=register
        )
    to = recipient or report.recipients[0]
    if to not in report.recipients:
        raise Invalid(
            "recipient",
            f"extract {report_id!r} goes to {', '.join(report.recipients)}, not {to!r}",
        )
    current = service.state(session, reg, report)
    if not current.approved:
        acts.record_event(
            session,
            actor=actor,
            action="extract",
            purpose=report.purpose,
            register=register,
            record_type=EXTRACT,
            ref=f"{report_id[:40]}@{current.definition_hash[:16]}",
            outcome="refused",
            reason="not-approved",
        )
        raise Conflict(
            f"extract {report_id!r} cannot run: this definition "
            f"({current.definition_hash[:12]}) is not approved by "
            f"{', '.join(current.awaiting)}",
            field="report",
        )
    from accord.cases.models import Case

    consented = select(ConsentEvent.subject_id).where(
        ConsentEvent.purpose == report.purpose,
        ConsentEvent.register == register,
        ConsentEvent.state == ConsentState.GIVEN.value,
    )
    cases = list(
        session.scalars(
            select(Case)
            .where(
                Case.register == register,
                Case.record_type.in_(report.record_types),
                Case.subject_id.in_(consented),
            )
            .order_by(Case.received_at, Case.id)
        )
    )
    excluded = excluded_subjects(session, purpose=report.purpose)
    states = latest_states(
        session, purpose=report.purpose, subject_ids={c.subject_id for c in cases}
    )
    counts = {"withdrawn": 0, "without_consent": 0, "refused_by_gate": 0}
    links = _links(session, [c.subject_id for c in cases]) if settings.link_across_services else {}
    candidates: list[_Candidate] = []
    for case in cases:
        if case.subject_id in excluded:
            counts["withdrawn"] += 1
            continue
        state, expired = states.get(case.subject_id, ("", False))
        if state != ConsentState.GIVEN.value or expired:
            counts["without_consent"] += 1
            continue
        found = _read(session, actor, reg, report, settings, case)
        if found is None:
            counts["refused_by_gate"] += 1
            continue
        row, categories = found
        person = links.get(case.subject_id, str(case.subject_id))
        candidates.append(_Candidate(case.id, case.subject_id, person, row, categories))
    qis = settings.quasi_identifiers
    result = anonymise(
        [c.row for c in candidates],
        [c.person for c in candidates],
        qis,
        k=settings.k,
        max_suppressed=settings.max_suppressed,
    )
    key = secrets.token_bytes(32)
    columns = [PSEUDONYM] + [q.field for q in qis] + list(settings.fields)
    rows: list[list[Any]] = []
    released_people: set[str] = set()
    by_case = {c.case_id: c for c in candidates}
    for row in result.rows:
        source = by_case[row["_case"]]  # rows keep the case they came from
        rows.append([pseudonym(key, source.person), *(row.get(c) for c in columns[1:])])
        released_people.add(source.person)
        _log(session, actor, register, report, to, source)
    record = EvaluationExtract(
        register=register,
        report=report_id,
        definition_hash=current.definition_hash,
        recipient=to,
        organisation=actor.organisation,
        produced_by=actor.id,
        produced_by_name=actor.name or str(actor.id or actor.kind),
        produced_at=utcnow(),
        key_fingerprint=fingerprint(key),
        rows=len(rows),
        people=len(released_people),
        withdrawn=counts["withdrawn"],
        without_consent=counts["without_consent"],
        refused_by_gate=counts["refused_by_gate"],
        withheld=result.withheld,
        k=settings.k,
        levels=result.levels,
        notes=result.notes,
    )
    session.add(record)
    session.flush()
    acts.record_event(
        session,
        actor=actor,
        action="extract",
        purpose=report.purpose,
        register=register,
        record_type=EXTRACT,
        record_ids=(record.id,),
        ref=f"{report_id[:40]}:{len(rows)} rows",  # the audit keeps 64 characters
    )
    return ExtractResult(record=record, key=key.hex(), columns=columns, rows=rows)


def _read(
    session: Session,
    actor: Actor,
    reg: Register,
    report: ReportDefinition,
    settings: ExtractSettings,
    case: Any,
) -> tuple[dict[str, Any], list[str]] | None:
    """The case's extract fields as the gate allows them, or None when it refuses."""
    from accord.cases.access import case_target, shares_of
    from accord.cases.purposes import field_categories
    from accord.gate.minimise import minimise
    from accord.people.service import unseal

    wanted = [q.field for q in settings.quasi_identifiers] + list(settings.fields)
    cats = field_categories(reg, case.record_type)
    # The stored fields each extract field is made from (the age from the date of birth,
    # else the age recorded at referral); the gate is asked before anything is unsealed.
    sources = {
        "age": ("date_of_birth", "age"),
        "gender": ("gender",),
        "area": ("postcode",),
        "crime_type": ("crime_type",),
        **{name: (name,) for name in EQUALITY},
    }
    requested = {cats[f] for name in wanted for f in sources.get(name, ()) if f in cats}
    try:
        decision = authorize(
            session,
            actor=actor,
            purpose=report.purpose,
            action=Action.EXPORT,
            target=case_target(case, shares_of(session, case.id)),
            categories=sorted(requested),
        )
    except AccessDenied:
        return None
    allowed = decision.categories if decision.allowed else frozenset()
    identity: dict[str, Any] = {}
    sealed_fields = ("date_of_birth", "gender", "postcode")
    if any(cats.get(f) in allowed for f in sealed_fields):
        identity = unseal(session, subject_id=case.subject_id, blob=case.identity)
    equality: dict[str, Any] = {}
    if case.equality is not None and any(n in wanted and cats.get(n) in allowed for n in EQUALITY):
        equality = unseal(session, subject_id=case.subject_id, blob=case.equality)
    by_category: dict[str, dict[str, Any]] = {}

    def put(category: str | None, name: str, value: Any) -> None:
        if category is not None and category in allowed:
            by_category.setdefault(category, {})[name] = value

    for name in wanted:
        if name == "age":
            if identity.get("date_of_birth"):
                put(
                    cats.get("date_of_birth"),
                    name,
                    _age(identity["date_of_birth"], case.received_at),
                )
            else:
                put(cats.get("age"), name, case.age)
        elif name == "gender":
            put(cats.get("gender"), name, identity.get("gender"))
        elif name == "area":
            put(cats.get("postcode"), name, identity.get("postcode"))
        elif name in EQUALITY:
            put(cats.get(name), name, equality.get(name))
        elif name == "crime_type":
            put(cats.get("crime_type"), name, case.crime_type)
    shared = minimise(decision, by_category)
    row: dict[str, Any] = {name: None for name in wanted}
    for values in shared.values():
        row.update(values)
    for name in PLAIN:
        if name in wanted:
            row[name] = getattr(case, name)
    if "received_month" in wanted:
        row["received_month"] = f"{case.received_at:%Y-%m}"
    if "closed_month" in wanted:
        row["closed_month"] = f"{case.closed_at:%Y-%m}" if case.closed_at else None
    row["_case"] = case.id
    return row, sorted(shared)


def _links(session: Session, subject_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Each person's keyed name-and-date-of-birth index (the same person at another provider
    has the same), for linking; people without one stand alone."""
    from accord.people.models import SubjectIndex

    rows = session.execute(
        select(SubjectIndex.subject_id, SubjectIndex.digest).where(
            SubjectIndex.kind == "name_dob", SubjectIndex.subject_id.in_(list(subject_ids))
        )
    ).all()
    return {r.subject_id: "name_dob:" + r.digest.hex() for r in rows}


def _log(
    session: Session,
    actor: Actor,
    register: str,
    report: ReportDefinition,
    recipient: str,
    source: _Candidate,
) -> None:
    from accord.cases.models import Case
    from accord.disclosures.service import DisclosureBasis, log_disclosure

    case = session.get(Case, source.case_id)
    log_disclosure(
        session,
        actor=actor,
        subject_id=source.subject_id,
        register=register,
        recipient=recipient,
        fields=source.categories or [],
        with_consent=True,
        basis=DisclosureBasis.CONSENT,
        purpose=report.purpose,
        from_organisation=case.organisation if case else None,
        record_type=case.record_type if case else None,
        record_id=source.case_id,
        method="extract",
    )


def to_csv(result: ExtractResult) -> str:
    """The extract's rows as CSV (cells a spreadsheet would run are escaped)."""
    from accord.store.exports import escape_row

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(result.columns)
    for row in result.rows:
        writer.writerow(escape_row(["" if v is None else v for v in row]))
    return out.getvalue()


# --- what left ---------------------------------------------------------------------------------


def _may_read(actor: Actor, register: Register, report: ReportDefinition | None) -> bool:
    if actor.kind == "system":
        return True
    roles = actor.roles_in(register.id)
    if report is not None:
        return bool(roles & set(report.roles))
    return any(roles & set(r.roles) for r in register.reports if r.kind is ReportKind.EXTRACT)


def get_extract(session: Session, *, actor: Actor, extract_id: uuid.UUID) -> EvaluationExtract:
    row = session.get(EvaluationExtract, extract_id)
    if row is None:
        raise NotFound("evaluation extract")
    reg = service.register_of(row.register)
    report = next((r for r in reg.reports if r.id == row.report), None)
    if not _may_read(actor, reg, report) or (
        actor.kind != "system" and actor.organisation != row.organisation
    ):
        refuse(
            session,
            actor=actor,
            what=EXTRACT,
            reason=ReasonCode.NO_PERMISSION,
            register=row.register,
        )
    acts.record_event(
        session,
        actor=actor,
        action="read",
        purpose=report.purpose if report else "",
        register=row.register,
        record_type=EXTRACT,
        record_ids=(row.id,),
        ref=row.report,
    )
    return row


def list_extracts(
    session: Session,
    *,
    actor: Actor,
    register: str,
    report: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[EvaluationExtract], int]:
    """The extracts the actor's organisation made (for those who may make them)."""
    reg = service.register_of(register)
    definition = _extract_definition(reg, report) if report is not None else None
    if not _may_read(actor, reg, definition):
        refuse(
            session, actor=actor, what=EXTRACT, reason=ReasonCode.NO_PERMISSION, register=register
        )
    stmt = select(EvaluationExtract).where(EvaluationExtract.register == register)
    if report is not None:
        stmt = stmt.where(EvaluationExtract.report == report)
    if actor.kind != "system":
        stmt = stmt.where(EvaluationExtract.organisation == actor.organisation)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(EvaluationExtract.produced_at.desc(), EvaluationExtract.id)
        .limit(limit)
        .offset(offset)
    ).all()
    acts.record_event(
        session,
        actor=actor,
        action="list",
        purpose=definition.purpose if definition else "",
        register=register,
        record_type=EXTRACT,
        ref=f"{len(rows)} of {total}",
    )
    return list(rows), total
