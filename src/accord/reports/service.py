# Filter values reach SQL only as registered Arrow inputs; names come from the register.
# ruff: noqa: S608
"""Reports: approvals, runs through the gate and disclosure control, releases, reading.

- `list_reports`: the register's definitions with their approval state.
- `approve`: one partner's approval of the definition's current hash (joint controllers).
- `run_report`: permission, approval by every partner, the gate's aggregate decision for each
  record type (with the categories the breakdowns need), the rows loaded into the analytical
  engine, disclosure control, then the release ledger's differencing check. A `pass` output is
  released; `review` is held for an output checker; `fail` or an exposing release is refused
  and nothing is released.
- `release_run`: an output checker (not the producer) releases a held output, after the same
  differencing check.
- `get_run` / `list_runs`: producers see their register's runs; a recipient only ever sees
  released outputs of the reports whose roles it holds. Every read is audited.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import pyarrow as pa  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.analytics.duckdb_engine import DuckDBEngine
from accord.analytics.engine import AnalyticsEngine
from accord.analytics.tables import TableSpec
from accord.errors import Conflict, Invalid, NotFound, Refused
from accord.gate import acts
from accord.gate.catalogue import Permission
from accord.gate.service import ScopeColumns, authorize, holds_permission, refuse, visible
from accord.gate.types import Action, Actor, ReasonCode, Target
from accord.register.registry import current_registry
from accord.register.report_checks import PARTNER_PREFIX, effective_settings
from accord.register.report_schema import ReportDefinition, ReportKind
from accord.register.schema import Register
from accord.reports import definitions, ledger
from accord.reports.models import ReportApproval, ReportRun
from accord.reports.sdc import Protected, Protector, Source
from accord.store.base import utcnow

DEFINITION = "report-definition"
OUTPUT = "report-output"
SUPPRESSED_MARK = "[c]"  # the ONS mark for a figure withheld to protect confidentiality


def _register(register_id: str) -> Register:
    try:
        return current_registry().get(register_id)
    except KeyError:
        raise NotFound("register", f"No register {register_id!r}.") from None


def register_of(register: str) -> Register:
    """The register by id; not found when there is none."""
    return _register(register)


def definition(register: str, report_id: str) -> ReportDefinition:
    """A register's report definition; not found for an unknown register or report."""
    return definitions.find(_register(register), report_id)


# --- definitions and approvals ---------------------------------------------------------------


@dataclass(frozen=True)
class ReportState:
    report: ReportDefinition
    definition_hash: str
    partners: list[str]
    approved_by: list[str]  # partner organisations that approved this hash

    @property
    def approved(self) -> bool:
        return set(self.partners) <= set(self.approved_by)

    @property
    def awaiting(self) -> list[str]:
        return [p for p in self.partners if p not in self.approved_by]


def _readers(actor: Actor, register: str) -> bool:
    return any(
        holds_permission(actor, p.value, register)
        for p in (
            Permission.REPORTS_AGGREGATE_READ,
            Permission.REPORTS_IDENTIFYING_READ,
            Permission.REPORTS_RUN_EXECUTE,
            Permission.REPORTS_DEFINITION_APPROVE,
            Permission.REPORTS_OUTPUT_CHECK,
        )
    )


def state(session: Session, register: Register, report: ReportDefinition) -> ReportState:
    digest = definitions.definition_hash(register, report)
    approved = session.scalars(
        select(ReportApproval.organisation).where(
            ReportApproval.register == register.id,
            ReportApproval.report == report.id,
            ReportApproval.definition_hash == digest,
        )
    ).all()
    return ReportState(
        report=report,
        definition_hash=digest,
        partners=definitions.partners(register),
        approved_by=sorted(approved),
    )


def list_reports(session: Session, *, actor: Actor, register: str) -> list[ReportState]:
    reg = _register(register)
    if not _readers(actor, register) and actor.kind != "system":
        refuse(
            session,
            actor=actor,
            what=DEFINITION,
            reason=ReasonCode.NO_PERMISSION,
            register=register,
        )
    return [state(session, reg, r) for r in reg.reports]


def show_report(session: Session, *, actor: Actor, register: str, report_id: str) -> ReportState:
    reg = _register(register)
    if not _readers(actor, register) and actor.kind != "system":
        refuse(
            session,
            actor=actor,
            what=DEFINITION,
            reason=ReasonCode.NO_PERMISSION,
            register=register,
        )
    return state(session, reg, definitions.find(reg, report_id))


def approve(
    session: Session, *, actor: Actor, register: str, report_id: str, definition_hash: str
) -> ReportApproval:
    """Approve the definition whose hash the approver read (a changed one is refused)."""
    reg = _register(register)
    report = definitions.find(reg, report_id)
    acts.require(
        actor,
        Permission.REPORTS_DEFINITION_APPROVE,
        session=session,
        purpose=report.purpose,
        register=register,
        record_type=DEFINITION,
    )
    current = state(session, reg, report)
    if actor.organisation not in current.partners:
        raise Invalid(
            "organisation",
            f"{actor.organisation!r} is not a joint controller of {register!r}; only partners "
            "approve its reports",
        )
    if definition_hash != current.definition_hash:
        raise Conflict(
            f"report {report_id!r} has changed since it was read: approve the current "
            f"definition ({current.definition_hash[:12]})",
            field="definition_hash",
        )
    if actor.organisation in current.approved_by:
        raise Conflict(f"{actor.organisation!r} has already approved this definition")
    row = ReportApproval(
        register=register,
        report=report_id,
        definition_hash=definition_hash,
        organisation=actor.organisation,
        approved_by=actor.id,
        approver_name=actor.name or str(actor.id or actor.kind),
        approved_at=utcnow(),
    )
    session.add(row)
    session.flush()
    acts.record_event(
        session,
        actor=actor,
        action="approve",
        purpose=report.purpose,
        register=register,
        record_type=DEFINITION,
        record_ids=(row.id,),
        ref=f"{report_id}@{definition_hash[:16]}",
    )
    return row


def approvals_for(session: Session, *, register: str) -> list[ReportApproval]:
    """Every approval recorded for a register's reports (for the privacy notice)."""
    return list(
        session.scalars(
            select(ReportApproval)
            .where(ReportApproval.register == register)
            .order_by(ReportApproval.report, ReportApproval.approved_at)
        )
    )


def notice_approvals(session: Session, *, register: str) -> dict[str, list[str]]:
    """{report id: partners that approved its current definition}, for the privacy notice."""
    reg = _register(register)
    return {r.id: state(session, reg, r).approved_by for r in reg.reports}


# --- runs -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    period_from: date | None = None
    period_to: date | None = None
    filters: Mapping[str, Sequence[str]] | None = None


def run_report(
    session: Session,
    *,
    actor: Actor,
    register: str,
    report_id: str,
    engine: AnalyticsEngine,
    scope: Scope | None = None,
) -> ReportRun:
    scope = scope or Scope()
    reg = _register(register)
    report = definitions.find(reg, report_id)
    acts.require(
        actor,
        Permission.REPORTS_RUN_EXECUTE,
        session=session,
        purpose=report.purpose,
        register=register,
        record_type=OUTPUT,
    )
    if report.kind is ReportKind.IDENTIFYING:
        raise Invalid(
            "report",
            f"{report_id!r} identifies people: it is produced as a priority list with a "
            "person's decision for each entry, not as a statistical release",
        )
    if report.kind is ReportKind.EXTRACT:
        raise Invalid(
            "report",
            f"{report_id!r} is an evaluation extract: it is produced as an extract of people "
            "who consented, not as a statistical release",
        )
    current = state(session, reg, report)
    if not current.approved:
        acts.record_event(
            session,
            actor=actor,
            action="run",
            purpose=report.purpose,
            register=register,
            record_type=OUTPUT,
            ref=f"{report_id}@{current.definition_hash[:16]}",
            outcome="refused",
            reason="not-approved",
        )
        raise Conflict(
            f"report {report_id!r} cannot run: this definition ({current.definition_hash[:12]}) "
            f"is not approved by {', '.join(current.awaiting)}; every partner approves a "
            "definition, and again after any change",
            field="report",
        )
    settings = effective_settings(reg, report)
    categories = _field_categories(reg, report)
    plan = definitions.plan(reg, report, dialect=engine.dialect, categories=categories)
    _check_scope(plan, scope)
    needed = _needed_categories(report, scope, categories)
    inputs: list[str] = []
    try:
        source = _load(session, actor, reg, report, engine, needed, inputs)
        source = _scoped(engine, source, plan, scope, inputs)
        map_notes: list[str] = []
        if report.map is not None:  # a hotspot map: the location counted by hexagon
            from accord.reports import maps

            source, dims, map_notes = maps.mapped(
                engine, source, plan.dimensions, report.map, inputs
            )
            plan = replace(plan, dimensions=dims)
        # The cells are a table the size of the output: the suppression rounds run on them
        # in memory, whatever engine holds the rows.
        work = DuckDBEngine(":memory:")
        try:
            protected = Protector(engine, work).protect(
                source, plan.dimensions, plan.sums, definitions.rules(settings)
            )
            protected.notes[:0] = map_notes
        finally:
            work.close()
    finally:
        for name in inputs:
            engine._drop_input(name)
    run = _record(session, actor, reg, report, current.definition_hash, plan, scope, protected)
    if protected.outcome == "pass":
        _release(session, run, protected.threshold, checker=None)
    elif protected.outcome == "review":
        run.status = "held"
    else:
        run.status = "refused"
        run.refusal = "disclosure control failed: " + " ".join(
            n for n in protected.notes if n.startswith("Fail") or "suppressed" in n
        )
    session.flush()
    acts.record_event(
        session,
        actor=actor,
        action="run",
        purpose=report.purpose,
        register=register,
        record_type=OUTPUT,
        record_ids=(run.id,),
        categories=needed,
        ref=f"{report_id}@{current.definition_hash[:16]}:{protected.outcome}:{run.status}",
    )
    return run


def release_run(session: Session, *, actor: Actor, run_id: uuid.UUID) -> ReportRun:
    """An output checker releases an output held for review (never their own)."""
    run = session.get(ReportRun, run_id)
    if run is None:
        raise NotFound("report output")
    reg = _register(run.register)
    report = definitions.find(reg, run.report)
    acts.require(
        actor,
        Permission.REPORTS_OUTPUT_CHECK,
        session=session,
        purpose=report.purpose,
        register=run.register,
        record_type=OUTPUT,
    )
    if run.status != "held":
        raise Conflict(f"output {run.id} is {run.status}, not held for review")
    if actor.id is not None and actor.id == run.run_by:
        raise Conflict("an output is checked by someone other than the person who produced it")
    if definitions.definition_hash(reg, report) != run.definition_hash:
        raise Conflict(f"report {run.report!r} has changed since this output was produced")
    threshold = int(run.output.get("threshold", effective_settings(reg, report).min_cell))
    _release(session, run, threshold, checker=actor)
    session.flush()
    acts.record_event(
        session,
        actor=actor,
        action="release",
        purpose=report.purpose,
        register=run.register,
        record_type=OUTPUT,
        record_ids=(run.id,),
        ref=f"{run.report}:{run.status}",
    )
    return run


def _release(session: Session, run: ReportRun, threshold: int, *, checker: Actor | None) -> None:
    """Check the output against every earlier release of its source, then release it or
    refuse it naming the release it would expose."""
    earlier = session.scalars(
        select(ReportRun)
        .where(
            ReportRun.register == run.register,
            ReportRun.source == run.source,
            ReportRun.status == "released",
            ReportRun.id != run.id,
        )
        .order_by(ReportRun.released_at)
    ).all()
    new_cells = ledger.cell_sets(run.scope, run.ledger)
    for old in earlier:
        hit = ledger.exposure(new_cells, ledger.cell_sets(old.scope, old.ledger), threshold)
        if hit is not None:
            run.status = "refused"
            released = old.released_at.date().isoformat() if old.released_at else "?"
            run.refusal = (
                f"differencing: with release {old.id} ({old.report}, released {released}) "
                f"the cell [{hit.new.label}] and the earlier cell [{hit.earlier.label}] "
                f"differ by fewer than {threshold}; releasing this would expose that release"
            )
            return
    run.status = "released"
    run.released_at = utcnow()
    if checker is not None:
        run.checked_by_name = checker.name or str(checker.id)


def _record(
    session: Session,
    actor: Actor,
    register: Register,
    report: ReportDefinition,
    digest: str,
    plan: definitions.Plan,
    scope: Scope,
    protected: Protected,
) -> ReportRun:
    measures = ([plan.count_measure] if plan.count_measure else []) + protected.measures
    rows = []
    entries = []
    for cell in protected.cells:
        values: list[Any] = []
        if plan.count_measure:
            values.append(cell.count)
        values += [cell.sums[m] for m in protected.measures]
        rows.append([*cell.key, *values])
        if cell.reason is None:
            entries.append({"key": list(cell.key), "count": cell.contributors})
    totals = {}
    for i, m in enumerate(measures):
        column = [r[len(protected.dimensions) + i] for r in rows]
        totals[m] = sum(v for v in column if v is not None)
    dims = []
    for b in report.breakdowns:
        encoding = "plain"
        if report.map is not None and b.field == report.map.location:
            encoding = f"h3:{report.map.resolution}"
        elif b.period is not None:
            encoding = b.period.value
        elif b.bands:
            encoding = "bands:" + ",".join(str(x) for x in b.bands)
        dims.append({"field": b.field, "encoding": encoding})
    run = ReportRun(
        register=register.id,
        report=report.id,
        definition_hash=digest,
        source=report.source,
        organisation=actor.organisation,
        run_by=actor.id,
        run_by_name=actor.name or str(actor.id or actor.kind),
        ran_at=utcnow(),
        outcome=protected.outcome,
        status="held",
        scope={
            "source": report.source,
            "record_types": list(report.record_types),
            "date_field": plan.date_field,
            "period_from": scope.period_from.isoformat() if scope.period_from else None,
            "period_to": scope.period_to.isoformat() if scope.period_to else None,
            "filters": {k: sorted(set(v)) for k, v in (scope.filters or {}).items()},
            "dimensions": dims,
        },
        output={
            "dimensions": protected.dimensions,
            "measures": measures,
            "labels": [plan.labels[d] for d in protected.dimensions]
            + [plan.measure_names[m] for m in measures],
            "rows": rows,
            "totals": totals,
            "threshold": protected.threshold,
        },
        notes=protected.notes,
        ledger=entries,
        cells=len(rows),
    )
    session.add(run)
    session.flush()
    return run


# --- loading rows through the gate ------------------------------------------------------------


def _field_categories(register: Register, report: ReportDefinition) -> dict[str, list[str]]:
    """The categories each source field holds, from the register."""
    if report.source.startswith(PARTNER_PREFIX):
        partner, dataset = report.source.removeprefix(PARTNER_PREFIX).split("/", 1)
        contract = next(c for c in register.feeds if c.partner == partner and c.dataset == dataset)
        return {f.name: list(f.categories) for f in contract.fields}
    if report.source == "casework":
        from accord.cases.purposes import field_categories

        out: dict[str, list[str]] = {}
        for rt in report.record_types:
            for name, category in field_categories(register, rt).items():
                out.setdefault(name, [])
                if category not in out[name]:
                    out[name].append(category)
        return out
    return {}


def _needed_categories(
    report: ReportDefinition, scope: Scope, categories: dict[str, list[str]]
) -> set[str]:
    fields = {b.field for b in report.breakdowns} | set((scope.filters or {}).keys())
    fields |= {m.field for m in report.measures if m.field}
    return {c for f in fields for c in categories.get(f, [])}


def _check_scope(plan: definitions.Plan, scope: Scope) -> None:
    for name in scope.filters or {}:
        if name not in plan.fields:
            raise Invalid(
                f"filters.{name}",
                f"unknown field {name!r} to filter on (fields: {', '.join(sorted(plan.fields))})",
            )
        if not (scope.filters or {})[name]:
            raise Invalid(f"filters.{name}", "a filter needs at least one value")
    if (scope.period_from or scope.period_to) and plan.date_field is None:
        raise Invalid("period_from", "this report has no period breakdown to limit by dates")
    if scope.period_from and scope.period_to and scope.period_from > scope.period_to:
        raise Invalid("period_to", "the period ends before it starts")


def _load(
    session: Session,
    actor: Actor,
    register: Register,
    report: ReportDefinition,
    engine: AnalyticsEngine,
    needed: set[str],
    inputs: list[str],
) -> Source:
    """Authorise the aggregate read of each record type and make the rows queryable."""
    if report.source.startswith(PARTNER_PREFIX):
        for rt in report.record_types:
            decision = authorize(
                session,
                actor=actor,
                purpose=report.purpose,
                action=Action.AGGREGATE,
                target=Target(register.id, rt, owner_organisation=actor.organisation),
                categories=sorted(needed) or None,
            )
            _all_granted(decision.categories, needed, report)
        partner, dataset = report.source.removeprefix(PARTNER_PREFIX).split("/", 1)
        contract = next(c for c in register.feeds if c.partner == partner and c.dataset == dataset)
        spec = TableSpec.from_contract(contract)
        if engine._exists(spec.name):
            table = engine._ref(spec.name)
        else:
            table = _input(engine, spec.arrow_schema().empty_table(), inputs)
        if report.unit != "person":
            return Source(table=table, contributor="s.record_id", one_row_each=True)
        # Counted by linked person: each record's person id from the linkage (a record not
        # linked yet stands for its own person).
        people = _input(engine, _person_ids(session), inputs)
        unit = engine.dialect.quote("accord_unit")
        linked = (
            f"(SELECT r.*, COALESCE(p.person_id, r.record_id) AS {unit} FROM {table} r"
            f" LEFT JOIN {people} p ON p.record_id = r.record_id)"
        )
        return Source(table=linked, contributor=f"s.{unit}", count_contributors=True)
    if report.source == "casework":
        table = _casework_rows(session, actor, register, report, needed)
    else:
        table = _panel_rows(session, actor, register, report, needed)
    return Source(table=_input(engine, table, inputs), contributor="s.unit")


def _person_ids(session: Session) -> pa.Table:
    """The linkage's person id of every partner record (ids only, never identifiers)."""
    from accord.linkage.models import PersonId

    rows = session.execute(select(PersonId.record_id, PersonId.person_id)).all()
    return pa.table(
        {
            "record_id": pa.array([r.record_id for r in rows], pa.string()),
            "person_id": pa.array([r.person_id for r in rows], pa.string()),
        }
    )


def _all_granted(granted: frozenset[str], needed: set[str], report: ReportDefinition) -> None:
    missing = sorted(needed - granted)
    if missing:
        raise Refused(
            ReasonCode.CATEGORY_NOT_FOR_PURPOSE.value,
            f"report {report.id!r} needs {', '.join(missing)}, which purpose "
            f"{report.purpose!r} may not use in statistics",
        )


def _input(engine: AnalyticsEngine, table: pa.Table, inputs: list[str]) -> str:
    name = f"accord_report_{uuid.uuid4().hex}"
    engine._put_input(name, table)
    inputs.append(name)
    return name


def _as_date(value: datetime | date | None) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    return value


def _casework_rows(
    session: Session,
    actor: Actor,
    register: Register,
    report: ReportDefinition,
    needed: set[str],
) -> pa.Table:
    from accord.cases.models import Case
    from accord.people.service import unseal_many

    wanted = {b.field for b in report.breakdowns} | {m.field for m in report.measures if m.field}
    equality = sorted(wanted & {"ethnicity", "religion", "disability"})
    clear = [
        "service", "crime_type", "person_role", "status", "source",
        "domestic_abuse", "vulnerable", "age", "received_at", "closed_at",
    ]  # fmt: skip
    columns: dict[str, list[Any]] = {"unit": []} | {c: [] for c in clear + equality}
    for rt in report.record_types:
        scope = visible(
            session,
            actor=actor,
            purpose=report.purpose,
            record_type=rt,
            register=register.id,
            columns=ScopeColumns(owner_organisation=Case.organisation, subject_id=Case.subject_id),
            categories=sorted(needed) or None,
            action=Action.AGGREGATE,
        )
        _all_granted(scope.decision.categories, needed, report)
        rows = session.execute(
            select(Case.subject_id, Case.equality, *(getattr(Case, c) for c in clear)).where(
                Case.register == register.id, Case.record_type == rt, scope.where
            )
        ).all()
        sealed = [(r.subject_id, r.equality) for r in rows if r.equality is not None]
        opened = iter(unseal_many(session, items=sealed, skip_shredded=True)) if equality else None
        for r in rows:
            values: dict[str, Any] | None = None
            if opened is not None and r.equality is not None:
                values = next(opened)
            values = values or {}
            columns["unit"].append(str(r.subject_id))
            for c in clear:
                v = getattr(r, c)
                columns[c].append(_as_date(v) if c.endswith("_at") else v)
            for c in equality:
                columns[c].append(values.get(c))
    types = {"age": pa.int64(), "domestic_abuse": pa.bool_(), "vulnerable": pa.bool_()}
    types |= {"received_at": pa.date32(), "closed_at": pa.date32()}
    return pa.table({k: pa.array(v, type=types.get(k, pa.string())) for k, v in columns.items()})


def _panel_rows(
    session: Session,
    actor: Actor,
    register: Register,
    report: ReportDefinition,
    needed: set[str],
) -> pa.Table:
    from accord.panels.models import SafetyCase

    fields = [
        "service",
        "record_type",
        "risk_level",
        "status",
        "referred_by",
        "opened_at",
        "closed_at",
    ]
    columns: dict[str, list[Any]] = {"unit": []} | {c: [] for c in fields}
    for rt in report.record_types:
        scope = visible(
            session,
            actor=actor,
            purpose=report.purpose,
            record_type=rt,
            register=register.id,
            columns=ScopeColumns(
                owner_organisation=SafetyCase.organisation, subject_id=SafetyCase.subject_id
            ),
            categories=sorted(needed) or None,
            action=Action.AGGREGATE,
        )
        rows = session.execute(
            select(SafetyCase.subject_id, *(getattr(SafetyCase, c) for c in fields)).where(
                SafetyCase.register == register.id, SafetyCase.record_type == rt, scope.where
            )
        ).all()
        for r in rows:
            columns["unit"].append(str(r.subject_id))
            for c in fields:
                v = getattr(r, c)
                columns[c].append(_as_date(v) if c.endswith("_at") else v)
    types = {"opened_at": pa.date32(), "closed_at": pa.date32()}
    return pa.table({k: pa.array(v, type=types.get(k, pa.string())) for k, v in columns.items()})


def _scoped(
    engine: AnalyticsEngine,
    source: Source,
    plan: definitions.Plan,
    scope: Scope,
    inputs: list[str],
) -> Source:
    q = engine.dialect.quote
    string = engine.dialect.sql_type("string")
    where = []
    if plan.date_field is not None:
        column = f"s.{q(plan.date_field)}"
        if scope.period_from is not None:
            where.append(f"{column} >= {engine.dialect.date_literal(scope.period_from)}")
        if scope.period_to is not None:
            where.append(f"{column} <= {engine.dialect.date_literal(scope.period_to)}")
    for name, values in (scope.filters or {}).items():
        table = _input(engine, pa.table({"v": pa.array(sorted(set(values)), pa.string())}), inputs)
        where.append(f"CAST(s.{q(name)} AS {string}) IN (SELECT v FROM {table})")
    if not where:
        return source
    return Source(
        table=source.table,
        contributor=source.contributor,
        where=" AND ".join(where),
        one_row_each=source.one_row_each,
        count_contributors=source.count_contributors,
    )


# --- reading outputs --------------------------------------------------------------------------


def _producer(actor: Actor, register: str) -> bool:
    return actor.kind == "system" or any(
        holds_permission(actor, p.value, register)
        for p in (Permission.REPORTS_RUN_EXECUTE, Permission.REPORTS_OUTPUT_CHECK)
    )


def _recipient_organisations(register: Register, report: ReportDefinition) -> set[str] | None:
    """The organisations the report's recipients are (None: any organisation of the register)."""
    orgs: set[str] = set()
    for rid in report.recipients:
        recipient = register.recipient(rid)
        if recipient.organisation:
            orgs.add(recipient.organisation)
        elif recipient.kind == "joint_controller":
            orgs.update(definitions.partners(register))
        else:
            return None
    return orgs


def may_receive(actor: Actor, register: Register, report: ReportDefinition) -> bool:
    """A recipient: the read permission and one of the report's roles in this register, at an
    organisation among its recipients."""
    orgs = _recipient_organisations(register, report)
    return (
        holds_permission(actor, Permission.REPORTS_AGGREGATE_READ.value, register.id)
        and bool(actor.roles_in(register.id) & set(report.roles))
        and (orgs is None or actor.organisation in orgs)
    )


def _produced_here(actor: Actor, run: ReportRun) -> bool:
    return _producer(actor, run.register) and (
        actor.kind == "system" or actor.organisation == run.organisation
    )


def get_run(session: Session, *, actor: Actor, run_id: uuid.UUID) -> ReportRun:
    """One output: its producer's organisation sees it whatever its status; a recipient only
    once released (anything else is not found)."""
    run = session.get(ReportRun, run_id)
    if run is None:
        raise NotFound("report output")
    reg = _register(run.register)
    report = definitions.find(reg, run.report)
    if not _produced_here(actor, run):
        if not may_receive(actor, reg, report):
            refuse(
                session,
                actor=actor,
                what=OUTPUT,
                reason=ReasonCode.NO_PERMISSION,
                register=run.register,
            )
        if run.status != "released":
            raise NotFound("report output")
    acts.record_event(
        session,
        actor=actor,
        action="read",
        purpose=report.purpose,
        register=run.register,
        record_type=OUTPUT,
        record_ids=(run.id,),
        ref=run.report,
    )
    return run


def list_runs(
    session: Session,
    *,
    actor: Actor,
    register: str,
    report: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[ReportRun], int]:
    """Producers: their organisation's runs. Recipients: released outputs of their reports."""
    from sqlalchemy import func

    reg = _register(register)
    if report is not None:
        definitions.find(reg, report)
    stmt = select(ReportRun).where(ReportRun.register == register)
    if report is not None:
        stmt = stmt.where(ReportRun.report == report)
    if _producer(actor, register):
        if actor.kind != "system":
            stmt = stmt.where(ReportRun.organisation == actor.organisation)
    else:
        receivable = [r.id for r in reg.reports if may_receive(actor, reg, r)]
        if not receivable:
            refuse(
                session,
                actor=actor,
                what=OUTPUT,
                reason=ReasonCode.NO_PERMISSION,
                register=register,
            )
        stmt = stmt.where(ReportRun.status == "released", ReportRun.report.in_(receivable))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(ReportRun.ran_at.desc(), ReportRun.id).limit(limit).offset(offset)
    ).all()
    acts.record_event(
        session,
        actor=actor,
        action="list",
        purpose=report or "",
        register=register,
        record_type=OUTPUT,
        ref=f"{len(rows)} of {total}",
    )
    return list(rows), total
