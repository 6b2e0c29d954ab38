"""`accord retention plan/run/certificates/certificate/holds/hold/release/reviews/review`."""

from __future__ import annotations

import getpass
import json
import uuid
from dataclasses import asdict
from datetime import datetime
from typing import Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn
from rich.table import Table

from accord.console import console, err_console
from accord.errors import AccordError
from accord.gate.cli_common import AS_OPTION, actor_for, db
from accord.gate.types import AccessDenied
from accord.retention import certificates, holds, reviews
from accord.retention import plan as planning
from accord.retention import run as running
from accord.settings import get_settings
from accord.store.engine import make_engine, make_session_factory

app = typer.Typer(
    help="Retention: what falls due, disposal runs, holds, reviews, certificates.",
    no_args_is_help=True,
)
JSON = typer.Option(False, "--json", help="Print JSON.")


def _fail(exc: Exception) -> typer.Exit:
    err_console.print(f"refused: {exc}" if isinstance(exc, AccessDenied) else str(exc))
    return typer.Exit(1 if isinstance(exc, AccessDenied) else 2)


@app.command("plan")
def plan_command(
    days: int = typer.Option(0, "--days", min=0, help="Include what falls due in N more days."),
    as_json: bool = JSON,
) -> None:
    """What falls due (now, or within N days) by organisation, service, record type, action."""
    with db() as session:
        lines = planning.plan(session, days=days)
    if as_json:
        print(json.dumps([asdict(line) for line in lines], indent=2))
        return
    table = Table(title=f"Due within {days} days" if days else "Due now")
    for column in ("register", "organisation", "service", "record type", "rule", "action", "count"):
        table.add_column(column, justify="right" if column == "count" else "left")
    for line in lines:
        table.add_row(
            line.register,
            line.organisation,
            line.service or "",
            line.record_type,
            line.rule,
            line.action,
            str(line.count),
        )
    console.print(table if lines else "Nothing falls due.")


def _counts_table(title: str, counts: dict[running.Key, int]) -> Table:
    table = Table(title=title)
    for column in ("register", "organisation", "record type", "action", "outcome", "count"):
        table.add_column(column, justify="right" if column == "count" else "left")
    for key, n in sorted(counts.items()):
        table.add_row(*key, str(n))
    return table


@app.command("run")
def run_command(
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Count what would happen; change nothing."
    ),
    batch: int = typer.Option(running.BATCH, min=1, max=10_000, help="Records per transaction."),
    as_json: bool = JSON,
) -> None:
    """Dispose of everything due (a killed run is resumed by running it again)."""
    engine = make_engine(get_settings().database_url)
    ran_by = f"{getpass.getuser()} (accord retention run)"
    try:
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), console=err_console, disable=as_json
        ) as bar:
            task = bar.add_task("starting", total=None)

            def progress(store: str, done: int) -> None:
                bar.update(task, description=f"{store}: {done} due records processed")

            result = running.run(
                make_session_factory(engine),
                ran_by=ran_by,
                dry_run=dry_run,
                batch=batch,
                progress=progress,
            )
    except AccordError as exc:
        raise _fail(exc) from exc
    finally:
        engine.dispose()
    if as_json:
        print(
            json.dumps(
                {
                    "run": str(result.run_id) if result.run_id else None,
                    "dry_run": result.dry_run,
                    "counts": [
                        dict(
                            zip(
                                ("register", "organisation", "record_type", "action", "outcome"),
                                key,
                                strict=True,
                            ),
                            count=n,
                        )
                        for key, n in sorted(result.counts.items())
                    ],
                    "keys_destroyed": result.keys_destroyed,
                    "certificate_hash": result.certificate_hash,
                },
                indent=2,
            )
        )
        return
    title = "Would dispose of (dry run)" if dry_run else f"Run {result.run_id}"
    console.print(_counts_table(title, result.counts))
    console.print(f"keys destroyed: {result.keys_destroyed}")
    if result.certificate_hash:
        console.print(f"certificate SHA-256 {result.certificate_hash} (in the audit chain)")


def _view(view: certificates.CertificateView) -> dict[str, Any]:
    return {
        "run": str(view.run_id),
        "finished_at": view.finished_at,
        "ran_by": view.ran_by,
        "hash": view.hash,
        "in_audit_chain": view.in_audit_chain,
        "intact": view.intact,
        "certificate": view.certificate,
    }


@app.command("certificates")
def certificates_command(as_json: bool = JSON) -> None:
    """List disposal certificates, newest first, each checked against the audit chain."""
    with db() as session:
        views = certificates.list_certificates(session, actor=None)
    if as_json:
        print(json.dumps([_view(v) for v in views], indent=2))
        return
    table = Table(title="Disposal certificates")
    for column in ("run", "finished", "ran by", "records deleted", "keys destroyed", "checked"):
        table.add_column(column)
    for view in views:
        deleted = sum(c["count"] for c in view.certificate["counts"] if c["outcome"] == "deleted")
        table.add_row(
            str(view.run_id),
            view.finished_at or "",
            view.ran_by,
            str(deleted),
            str(view.certificate["keys_destroyed"]),
            "intact" if view.intact and view.in_audit_chain else "DOES NOT MATCH",
        )
    console.print(table)


@app.command("certificate")
def certificate_command(run_id: uuid.UUID, as_json: bool = JSON) -> None:
    """Show one certificate; exits 1 when it no longer matches the hash in the audit chain."""
    with db() as session:
        try:
            view = certificates.show_certificate(session, actor=None, run_id=run_id)
        except AccordError as exc:
            raise _fail(exc) from exc
    if as_json:
        print(json.dumps(_view(view), indent=2))
    else:
        cert = view.certificate
        console.print(f"Run {view.run_id}, ran by {view.ran_by}")
        console.print(f"Period: {cert['period']['from'] or 'the start'} to {cert['period']['to']}")
        console.print(
            f"Keys destroyed: {cert['keys_destroyed']}"
            + (
                f" (from {cert['keys_destroyed_from']} to {cert['keys_destroyed_to']})"
                if cert["keys_destroyed"]
                else ""
            )
        )
        table = Table()
        for column in (
            "register",
            "organisation",
            "record type",
            "rule",
            "action",
            "outcome",
            "count",
        ):
            table.add_column(column)
        for c in cert["counts"]:
            table.add_row(
                c["register"],
                c["organisation"],
                c["record_type"],
                c["rule"],
                c["action"],
                c["outcome"],
                str(c["count"]),
            )
        console.print(table)
        console.print(f"SHA-256 {view.hash}")
    if not (view.intact and view.in_audit_chain):
        err_console.print("the certificate does not match the hash in the audit chain")
        raise typer.Exit(1)


@app.command("holds")
def holds_command(as_email: str = AS_OPTION, as_json: bool = JSON) -> None:
    """Legal holds in force."""
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            found = holds.list_holds(session, actor=actor)
        except (AccordError, AccessDenied) as exc:
            session.commit()
            raise _fail(exc) from exc
        session.commit()
        rows = [
            {
                "id": str(h.id),
                "register": h.register,
                "scope": h.scope,
                "record_type": h.record_type,
                "record_id": str(h.record_id) if h.record_id else None,
                "subject_id": str(h.subject_id) if h.subject_id else None,
                "kind": h.kind,
                "reason": h.reason,
                "placed_by": h.placed_by,
                "placed_at": h.placed_at.isoformat(),
            }
            for h in found
        ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title="Legal holds in force")
    for column in ("id", "register", "scope", "on", "kind", "reason", "placed by"):
        table.add_column(column)
    for row in rows:
        on = row["record_type"] or row["record_id"] or row["subject_id"] or ""
        table.add_row(
            row["id"],
            row["register"],
            row["scope"],
            on,
            row["kind"],
            row["reason"],
            row["placed_by"],
        )
    console.print(table)


@app.command("hold")
def hold_command(
    register: str = typer.Option(..., help="The register of what is held."),
    scope: str = typer.Option(..., help="subject, record or record-type."),
    kind: str = typer.Option(..., help="litigation, investigation or inquiry."),
    reason: str = typer.Option(..., help="Why (at least 10 characters)."),
    record_type: str | None = typer.Option(None, help="With --scope record-type."),
    record_id: uuid.UUID | None = typer.Option(None, help="With --scope record."),
    subject_id: uuid.UUID | None = typer.Option(None, help="With --scope subject."),
    as_email: str = AS_OPTION,
) -> None:
    """Place a legal hold: nothing it covers is disposed of until it is released."""
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            hold = holds.place_hold(
                session,
                actor=actor,
                register=register,
                scope=scope,
                kind=kind,
                reason=reason,
                record_type=record_type,
                record_id=record_id,
                subject_id=subject_id,
            )
        except (AccordError, AccessDenied) as exc:
            session.commit() if isinstance(exc, AccessDenied) else session.rollback()
            raise _fail(exc) from exc
        session.commit()
        console.print(f"hold {hold.id} placed")


@app.command("release")
def release_command(
    hold_id: uuid.UUID,
    reason: str | None = typer.Option(None, help="Why the hold is over (at least 10 characters)."),
    as_email: str = AS_OPTION,
) -> None:
    """Release a legal hold."""
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            holds.release_hold(session, actor=actor, hold_id=hold_id, reason=reason)
        except (AccordError, AccessDenied) as exc:
            session.commit() if isinstance(exc, AccessDenied) else session.rollback()
            raise _fail(exc) from exc
        session.commit()
        console.print(f"hold {hold_id} released")


@app.command("reviews")
def reviews_command(as_email: str = AS_OPTION, as_json: bool = JSON) -> None:
    """Records waiting for a person to dispose of them or keep them."""
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            found = reviews.pending(session, actor=actor)
        except (AccordError, AccessDenied) as exc:
            session.commit()
            raise _fail(exc) from exc
        session.commit()
        rows = [
            {
                "id": str(r.id),
                "register": r.register,
                "organisation": r.organisation,
                "service": r.service,
                "record_type": r.record_type,
                "record_id": str(r.record_id),
                "due_at": r.due_at.isoformat(),
            }
            for r in found
        ]
    if as_json:
        print(json.dumps(rows, indent=2))
        return
    table = Table(title="Retention reviews waiting")
    for column in ("id", "register", "service", "record type", "record", "due"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row["id"],
            row["register"],
            row["service"] or "",
            row["record_type"],
            row["record_id"],
            row["due_at"],
        )
    console.print(table)


@app.command("review")
def review_command(
    review_id: uuid.UUID,
    decision: str = typer.Option(..., help="dispose or keep."),
    reason: str = typer.Option(..., help="Why (at least 10 characters)."),
    review_on: datetime | None = typer.Option(None, help="With keep: the next review date."),
    as_email: str = AS_OPTION,
) -> None:
    """Decide a review: dispose of the record, or keep it until a new review date."""
    with db() as session:
        actor = actor_for(session, as_email)
        try:
            reviews.decide(
                session,
                actor=actor,
                review_id=review_id,
                decision=decision,
                reason=reason,
                review_on=review_on,
            )
        except (AccordError, AccessDenied) as exc:
            session.commit() if isinstance(exc, AccessDenied) else session.rollback()
            raise _fail(exc) from exc
        session.commit()
        console.print(f"review {review_id}: {decision}")
