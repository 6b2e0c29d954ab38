"""Demo step: the partners agree the shipped reports, an analyst runs each one, an output
checker releases those held for a check, and the released outputs are written as CSV, XLSX and
HTML (maps also as PNG and SVG), with TVT's six-monthly partner data review pack (HTML, PDF).

Run again on the same folder and database, agreements already given are kept, the reports run
again and the ledger checks each new release against the earlier ones (a release that would
expose an earlier one is refused, and said so).
"""

from __future__ import annotations

import uuid
from pathlib import Path

from accord.demo import DemoContext
from accord.errors import AccordError
from accord.gate.catalogue import Permission
from accord.gate.types import AccessDenied, Actor
from accord.register.registry import current_registry
from accord.register.report_schema import ReportKind
from accord.register.schema import Register
from accord.reports import definitions, maps, outputs, review_pack, service
from accord.reports.engines import report_engine
from accord.reports.models import ReportRun

WIDTH = 76  # each summary line, inside the demo's indent, fits 80 columns


def _actor(register: Register, permission: Permission, organisation: str | None = None) -> Actor:
    """A demo person holding `permission` through one of the register's roles."""
    for role in register.roles:
        if permission.value not in role.permissions:
            continue
        org = organisation or role.organisation or register.organisations[0].id
        if role.organisation not in (None, org):
            continue
        return Actor(
            id=uuid.uuid4(),
            kind="user",
            organisation=org,
            roles=frozenset({role.id}),
            permissions=frozenset(role.permissions),
            name=f"demo {role.name.lower()}",
            grants=frozenset({(register.id, role.id)}),
        )
    raise LookupError(f"no role in {register.id} holds {permission.value}")


def _short(text: str) -> str:
    return text if len(text) <= WIDTH else text[: WIDTH - 1] + "…"


def _approve(ctx: DemoContext, register: Register, report_id: str) -> None:
    report = definitions.find(register, report_id)
    with ctx.session_factory() as session:
        state = service.state(session, register, report)
        for org in state.awaiting:
            approver = _actor(register, Permission.REPORTS_DEFINITION_APPROVE, org)
            service.approve(
                session,
                actor=approver,
                register=register.id,
                report_id=report_id,
                definition_hash=state.definition_hash,
            )
        session.commit()


def _write(run: ReportRun, folder: Path, name: str, description: str | None) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / run.report
    stem.with_suffix(".csv").write_text(outputs.to_csv(run), encoding="utf-8")
    stem.with_suffix(".xlsx").write_bytes(outputs.to_xlsx(run, name))
    stem.with_suffix(".html").write_text(outputs.to_html(run, name, description), "utf-8")
    kinds = ["csv", "xlsx", "html"]
    if maps.is_map(run):
        view = maps.view(run, name)
        stem.with_suffix(".png").write_bytes(maps.image(view, "png"))
        stem.with_suffix(".svg").write_bytes(maps.image(view, "svg"))
        kinds += ["png", "svg"]
    return kinds


def _run_one(ctx: DemoContext, register: Register, report_id: str, folder: Path) -> str:
    report = definitions.find(register, report_id)
    producer = _actor(register, Permission.REPORTS_RUN_EXECUTE)
    checker = _actor(register, Permission.REPORTS_OUTPUT_CHECK, producer.organisation)
    try:
        _approve(ctx, register, report_id)
        with ctx.session_factory() as session:
            with report_engine(ctx.settings, report) as engine:
                run = service.run_report(
                    session,
                    actor=producer,
                    register=register.id,
                    report_id=report_id,
                    engine=engine,
                )
            if run.status == "held":
                run = service.release_run(session, actor=checker, run_id=run.id)
            session.commit()
            checked = " after a check" if run.checked_by_name else ""
            if run.status != "released":
                refusal = run.refusal or ""
                if refusal.startswith("differencing"):
                    return _short(f"{report_id}: refused, it would expose an earlier release")
                return _short(f"{report_id}: nothing released, all figures too small")
            kinds = _write(run, folder, report.name, report.description)
    except (AccordError, AccessDenied, LookupError) as error:
        return _short(f"{report_id}: could not run ({error})")
    where = folder.relative_to(ctx.out)
    return _short(f"{report_id}: released{checked}, {len(kinds)} files in {where}/")


def _review(ctx: DemoContext, register: Register, folder: Path) -> list[str]:
    reader = _actor(register, Permission.FEEDS_STATUS_READ, definitions.partners(register)[0])
    with ctx.session_factory() as session:
        pack = review_pack.build(session, actor=reader, register=register.id)
        session.commit()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "partner-review.html").write_text(review_pack.to_html(pack), encoding="utf-8")
    (folder / "partner-review.pdf").write_bytes(review_pack.to_pdf(pack))
    where = folder.relative_to(ctx.out)
    held = sum(d.held for p in pack.partners for d in p.datasets)
    return [
        _short(f"partner data review: {len(pack.partners)} partners, {held:,} records held"),
        _short(f"  -> {where}/partner-review.html and .pdf"),
    ]


def run(ctx: DemoContext) -> list[str]:
    lines = []
    for register in current_registry().registers.values():
        folder = ctx.out / "reports" / register.id
        for report in register.reports:
            if report.kind is ReportKind.AGGREGATE:
                lines.append(_run_one(ctx, register, report.id, folder))
        if register.feeds and definitions.partners(register):
            lines += _review(ctx, register, folder)
    lines.append("see them at /reports after `accord serve`")
    return lines
