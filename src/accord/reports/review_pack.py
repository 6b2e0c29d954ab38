"""The six-monthly partner data review pack, and the review's recorded outcome.

For each partner that sends data under the register (its feed contracts), over a period: what
was received (deliveries and rows), what is held now (records), what was matched (records the
linkage gave a person, and those linked to another partner's records), what was reported
(report runs over its data, by status) and what was set aside (quarantined rows). Counts
only: the pack holds no personal data, no record ids and no values.

Reading a pack needs `feeds:status:read` or a report permission in the register (a partner's
own feed account sees its own partner only); recording the review's outcome (carry on,
change, suspend, with notes) needs `reports:definition:approve`, the partners' own approvers.
Both are audited; an outcome keeps the SHA-256 of the pack the partners looked at.
"""

from __future__ import annotations

import calendar
import hashlib
import html
import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from accord.errors import Invalid, NotFound, Refused
from accord.gate import acts
from accord.gate.catalogue import Permission
from accord.gate.service import holds_permission
from accord.gate.types import Actor, ReasonCode
from accord.register.registry import current_registry
from accord.register.schema import Register
from accord.reports.models import PartnerReview, ReportRun
from accord.store.base import utcnow

RECORD_TYPE = "partner-data-review"
_READ = (
    Permission.FEEDS_STATUS_READ,
    Permission.REPORTS_RUN_EXECUTE,
    Permission.REPORTS_DEFINITION_APPROVE,
    Permission.REPORTS_OUTPUT_CHECK,
)


class Decision(StrEnum):
    CONTINUE = "continue"
    CHANGE = "change"
    SUSPEND = "suspend"


DECISIONS = {
    Decision.CONTINUE: "Carry on sharing as agreed",
    Decision.CHANGE: "Carry on, with the changes in the notes",
    Decision.SUSPEND: "Stop receiving this partner's data until the changes are made",
}


@dataclass(frozen=True)
class DatasetFigures:
    dataset: str
    deliveries: int = 0
    rows_received: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_outside_lookback: int = 0
    records_deleted: int = 0
    held: int = 0
    matched: int = 0  # records the linkage gave a person id
    matched_across: int = 0  # of those, linked to another partner's records
    last_delivery: str | None = None  # ISO date


@dataclass(frozen=True)
class PartnerFigures:
    partner: str
    name: str
    datasets: list[DatasetFigures]
    reports: dict[str, int]  # report runs over its data by status: released, held, refused
    outcome: dict[str, str] | None = None  # the latest recorded outcome for this period

    @property
    def quarantined(self) -> int:
        return sum(d.rows_quarantined for d in self.datasets)


@dataclass(frozen=True)
class Pack:
    register: str
    register_name: str
    period_from: date
    period_to: date
    made_at: str
    partners: list[PartnerFigures] = field(default_factory=list)

    def digest(self, partner: str | None = None) -> str:
        """SHA-256 of the figures (one partner's, or all), not of when the pack was made."""
        figures = [
            {k: v for k, v in asdict(p).items() if k != "outcome"}
            for p in self.partners
            if partner is None or p.partner == partner
        ]
        body = {
            "register": self.register,
            "from": self.period_from.isoformat(),
            "to": self.period_to.isoformat(),
            "partners": figures,
        }
        return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def default_period(today: date) -> tuple[date, date]:
    """The six months up to and including today."""
    year, month = (
        (today.year, today.month - 6) if today.month > 6 else (today.year - 1, today.month + 6)
    )
    day = min(today.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) + timedelta(days=1), today


def _register(register: str) -> Register:
    try:
        return current_registry().get(register)
    except KeyError:
        raise NotFound("register", f"No register {register!r}.") from None


def partners(register: Register) -> list[str]:
    """The organisations that send data under the register, in the register's order."""
    seen: list[str] = []
    for contract in register.feeds:
        if contract.partner not in seen:
            seen.append(contract.partner)
    return seen


def _purpose(register: Register, partner: str) -> str:
    return next((c.purpose for c in register.feeds if c.partner == partner), "")


def _may_read(actor: Actor, register: str) -> bool:
    return actor.kind == "system" or any(holds_permission(actor, p.value, register) for p in _READ)


def _own_partner_only(actor: Actor, register: str) -> bool:
    """A partner's feed account reads its own organisation's figures only."""
    return actor.kind != "system" and not any(
        holds_permission(actor, p.value, register) for p in _READ[1:]
    )


def build(
    session: Session,
    *,
    actor: Actor,
    register: str,
    period_from: date | None = None,
    period_to: date | None = None,
    partner: str | None = None,
) -> Pack:
    """The pack for every partner (or one) over the period (default: the last six months)."""
    reg = _register(register)
    if not _may_read(actor, register):
        acts.require(actor, Permission.FEEDS_STATUS_READ, session=session, register=register)
    start, end = default_period(utcnow().date())
    period_from, period_to = period_from or start, period_to or end
    if period_from > period_to:
        raise Invalid("period_to", "the period ends before it starts")
    chosen = partners(reg)
    if partner is not None:
        if partner not in chosen:
            raise NotFound("partner", f"{partner!r} sends no data under {register!r}.")
        chosen = [partner]
    if _own_partner_only(actor, register):
        if partner is not None and partner != actor.organisation:
            raise Refused(
                ReasonCode.NO_PERMISSION.value, "a partner reads its own review figures only"
            )
        chosen = [p for p in chosen if p == actor.organisation]
    names = {o.id: o.name for o in reg.organisations}
    pack = Pack(
        register=reg.id,
        register_name=reg.title,
        period_from=period_from,
        period_to=period_to,
        made_at=utcnow().strftime("%d %B %Y %H:%M UTC"),
        partners=[
            _figures(session, reg, p, names.get(p, p), period_from, period_to) for p in chosen
        ],
    )
    acts.record_event(
        session,
        actor=actor,
        action="read",
        purpose=_purpose(reg, chosen[0]) if chosen else "",
        register=reg.id,
        record_type=RECORD_TYPE,
        ref=(f"{period_from}..{period_to}:" + (partner or "all"))[:64],
    )
    return pack


def _bounds(period_from: date, period_to: date) -> tuple[datetime, datetime]:
    from datetime import UTC

    return (
        datetime.combine(period_from, time.min, tzinfo=UTC),
        datetime.combine(period_to + timedelta(days=1), time.min, tzinfo=UTC),
    )


def _figures(
    session: Session,
    register: Register,
    partner: str,
    name: str,
    period_from: date,
    period_to: date,
) -> PartnerFigures:
    from accord.feeds.models import COMPLETE, FeedBatch, FeedIdentity
    from accord.linkage.models import PersonId

    lo, hi = _bounds(period_from, period_to)
    datasets = []
    for contract in (c for c in register.feeds if c.partner == partner):
        where = and_(
            FeedBatch.register == register.id,
            FeedBatch.partner == partner,
            FeedBatch.dataset == contract.dataset,
            FeedBatch.state == COMPLETE,
            FeedBatch.received_at >= lo,
            FeedBatch.received_at < hi,
        )
        got = session.execute(
            select(
                func.count(FeedBatch.id),
                func.coalesce(func.sum(FeedBatch.rows_in), 0),
                func.coalesce(func.sum(FeedBatch.rows_loaded), 0),
                func.coalesce(func.sum(FeedBatch.rows_quarantined), 0),
                func.coalesce(func.sum(FeedBatch.rows_excluded), 0),
                func.coalesce(func.sum(FeedBatch.records_deleted), 0),
                func.max(FeedBatch.received_at),
            ).where(where)
        ).one()
        mine = and_(
            FeedIdentity.register == register.id,
            FeedIdentity.partner == partner,
            FeedIdentity.dataset == contract.dataset,
        )
        held = session.scalar(select(func.count()).select_from(FeedIdentity).where(mine)) or 0
        matched = (
            session.scalar(
                select(func.count())
                .select_from(PersonId)
                .join(FeedIdentity, FeedIdentity.record_id == PersonId.record_id)
                .where(mine)
            )
            or 0
        )
        others = (
            select(PersonId.person_id)
            .join(FeedIdentity, FeedIdentity.record_id == PersonId.record_id)
            .where(FeedIdentity.register == register.id, FeedIdentity.partner != partner)
        )
        across = (
            session.scalar(
                select(func.count())
                .select_from(PersonId)
                .join(FeedIdentity, FeedIdentity.record_id == PersonId.record_id)
                .where(mine, PersonId.person_id.in_(others))
            )
            or 0
        )
        last = got[6]
        datasets.append(
            DatasetFigures(
                dataset=contract.dataset,
                deliveries=int(got[0]),
                rows_received=int(got[1]),
                rows_loaded=int(got[2]),
                rows_quarantined=int(got[3]),
                rows_outside_lookback=int(got[4]),
                records_deleted=int(got[5]),
                held=int(held),
                matched=int(matched),
                matched_across=int(across),
                last_delivery=last.date().isoformat() if last is not None else None,
            )
        )
    runs = session.execute(
        select(ReportRun.status, func.count())
        .where(
            ReportRun.register == register.id,
            ReportRun.source.startswith(f"partner:{partner}/"),
            ReportRun.ran_at >= lo,
            ReportRun.ran_at < hi,
        )
        .group_by(ReportRun.status)
    ).all()
    reports = {"released": 0, "held": 0, "refused": 0} | {s: int(n) for s, n in runs}
    latest = session.scalars(
        select(PartnerReview)
        .where(
            PartnerReview.register == register.id,
            PartnerReview.partner == partner,
            PartnerReview.period_from == period_from,
            PartnerReview.period_to == period_to,
        )
        .order_by(PartnerReview.decided_at.desc())
        .limit(1)
    ).first()
    return PartnerFigures(
        partner=partner,
        name=name,
        datasets=datasets,
        reports=reports,
        outcome=_outcome_words(latest) if latest is not None else None,
    )


def _outcome_words(row: PartnerReview) -> dict[str, str]:
    return {
        "decision": DECISIONS.get(Decision(row.decision), row.decision),
        "notes": row.notes,
        "by": row.decided_by_name,
        "at": row.decided_at.strftime("%d %B %Y"),
    }


# --- the review's outcome ---------------------------------------------------------------------


def record_outcome(
    session: Session,
    *,
    actor: Actor,
    register: str,
    partner: str,
    period_from: date,
    period_to: date,
    decision: str,
    notes: str = "",
) -> PartnerReview:
    """Record what the partners decided about one partner's data for the period (audited)."""
    reg = _register(register)
    if partner not in partners(reg):
        raise NotFound("partner", f"{partner!r} sends no data under {register!r}.")
    acts.require(
        actor,
        Permission.REPORTS_DEFINITION_APPROVE,
        session=session,
        purpose=_purpose(reg, partner),
        register=register,
        record_type=RECORD_TYPE,
    )
    try:
        chosen = Decision(decision)
    except ValueError:
        raise Invalid(
            "decision", f"choose one of: {', '.join(d.value for d in Decision)}"
        ) from None
    notes = notes.strip()
    if chosen is not Decision.CONTINUE and not notes:
        raise Invalid("notes", "say which changes are needed")
    if len(notes) > 2000:
        raise Invalid("notes", "notes must be 2,000 characters or fewer")
    if period_from > period_to:
        raise Invalid("period_to", "the period ends before it starts")
    pack = build(
        session,
        actor=actor,
        register=register,
        period_from=period_from,
        period_to=period_to,
        partner=partner,
    )
    row = PartnerReview(
        register=register,
        partner=partner,
        period_from=period_from,
        period_to=period_to,
        decision=chosen.value,
        notes=notes,
        pack_hash=pack.digest(partner),
        decided_by=actor.id,
        decided_by_name=actor.name or str(actor.id or actor.kind),
        organisation=actor.organisation,
        decided_at=utcnow(),
    )
    session.add(row)
    session.flush()
    acts.record_event(
        session,
        actor=actor,
        action="decide",
        purpose=_purpose(reg, partner),
        register=register,
        record_type=RECORD_TYPE,
        record_ids=(row.id,),
        ref=f"{partner}:{chosen.value}:{row.pack_hash[:16]}"[:64],
    )
    return row


def outcomes(
    session: Session, *, actor: Actor, register: str, partner: str | None = None
) -> list[PartnerReview]:
    """Recorded outcomes, newest first."""
    _register(register)
    if not _may_read(actor, register):
        acts.require(actor, Permission.FEEDS_STATUS_READ, session=session, register=register)
    stmt = select(PartnerReview).where(PartnerReview.register == register)
    if partner is not None:
        stmt = stmt.where(PartnerReview.partner == partner)
    if _own_partner_only(actor, register):
        stmt = stmt.where(PartnerReview.partner == actor.organisation)
    return list(session.scalars(stmt.order_by(PartnerReview.decided_at.desc())))


# --- the pack as HTML and PDF ------------------------------------------------------------------

ROWS = (
    ("deliveries", "Deliveries received"),
    ("rows_received", "Rows received"),
    ("rows_loaded", "Rows loaded"),
    ("rows_quarantined", "Rows set aside (failed checks)"),
    ("rows_outside_lookback", "Rows older than the agreed look-back"),
    ("records_deleted", "Records removed (deleted or no longer sent)"),
    ("held", "Records held now"),
    ("matched", "Records matched to a person"),
    ("matched_across", "Records matched to another partner's records"),
)
REPORT_ROWS = (
    ("released", "Report outputs released"),
    ("held", "Report outputs held for checking"),
    ("refused", "Report outputs refused"),
)


def _period_words(pack: Pack) -> str:
    return f"{pack.period_from:%d %B %Y} to {pack.period_to:%d %B %Y}"


def to_html(pack: Pack) -> str:
    """A self-contained accessible page: one section and table per partner."""
    e = html.escape
    sections = []
    for p in pack.partners:
        head = "".join(
            f'<th scope="col" class="govuk-table__header">{e(d.dataset)}</th>' for d in p.datasets
        )
        body = "".join(
            f'<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{e(label)}</th>'
            + "".join(
                f'<td class="govuk-table__cell govuk-table__cell--numeric">{getattr(d, key):,}</td>'
                for d in p.datasets
            )
            + "</tr>"
            for key, label in ROWS
        )
        reports = "".join(
            f"<li>{e(label)}: {p.reports.get(key, 0):,}</li>" for key, label in REPORT_ROWS
        )
        outcome = (
            f"<p><strong>Outcome:</strong> {e(p.outcome['decision'])}, recorded by "
            f"{e(p.outcome['by'])} on {e(p.outcome['at'])}."
            + (f" Notes: {e(p.outcome['notes'])}" if p.outcome["notes"] else "")
            + "</p>"
            if p.outcome
            else "<p>No outcome recorded yet for this period.</p>"
        )
        sections.append(
            f'<h2 class="govuk-heading-m">{e(p.name)}</h2>'
            f'<table class="govuk-table"><caption class="govuk-table__caption">What '
            f"{e(p.name)} sent, and what became of it</caption>"
            f'<thead class="govuk-table__head"><tr class="govuk-table__row">'
            f'<th scope="col" class="govuk-table__header">Data set</th>{head}</tr></thead>'
            f'<tbody class="govuk-table__body">{body}</tbody></table>'
            f"<ul>{reports}</ul>{outcome}"
        )
    title = f"Partner data review: {pack.register_name}"
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)}</title>
<style>
body {{ font-family: Arial, sans-serif; margin: 2rem; color: #0b0c0c; line-height: 1.4; }}
table {{ border-collapse: collapse; margin: 1rem 0; }}
th, td {{ border-bottom: 1px solid #b1b4b6; padding: 0.4rem 0.8rem; text-align: left; }}
.govuk-table__cell--numeric {{ text-align: right; }}
</style>
</head>
<body>
<main id="main-content">
<h1>{e(title)}</h1>
<p>Six-monthly review of each partner's data, {e(_period_words(pack))}. Counts only: this
pack holds no personal data. Made {e(pack.made_at)}.</p>
{"".join(sections) or "<p>No partner sends data under this register.</p>"}
</main>
</body>
</html>
"""


def _latin(text: str) -> str:
    """The PDF's core font speaks Latin-1 only."""
    return text.replace("\u2019", "'").encode("latin-1", "replace").decode("latin-1")


_NEXT: dict[str, Any] = {"new_x": "LMARGIN", "new_y": "NEXT"}


def to_pdf(pack: Pack) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title(_latin(f"Partner data review: {pack.register_name}"))
    pdf.set_author("accord")
    pdf.set_creation_date(datetime(2000, 1, 1))  # a stable file for the same figures
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 9, _latin(f"Partner data review: {pack.register_name}"), **_NEXT)
    pdf.set_font("Helvetica", "", 10)
    pdf.multi_cell(
        0,
        6,
        _latin(
            f"Six-monthly review of each partner's data, {_period_words(pack)}. Counts only: "
            f"this pack holds no personal data. Made {pack.made_at}."
        ),
        **_NEXT,
    )
    for p in pack.partners:
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 13)
        pdf.multi_cell(0, 8, _latin(p.name), **_NEXT)
        pdf.set_font("Helvetica", "", 9)
        label_w = 90
        col_w = min(40, (pdf.epw - label_w) / max(1, len(p.datasets)))
        pdf.set_font("Helvetica", "B", 9)
        pdf.cell(label_w, 6, "Data set", border="B")
        for d in p.datasets:
            pdf.cell(col_w, 6, _latin(d.dataset), border="B", align="R")
        pdf.ln()
        pdf.set_font("Helvetica", "", 9)
        for key, label in ROWS:
            pdf.cell(label_w, 6, _latin(label), border="B")
            for d in p.datasets:
                pdf.cell(col_w, 6, f"{getattr(d, key):,}", border="B", align="R")
            pdf.ln()
        pdf.ln(2)
        for key, label in REPORT_ROWS:
            pdf.cell(
                0, 6, _latin(f"{label}: {p.reports.get(key, 0):,}"), new_x="LMARGIN", new_y="NEXT"
            )
        outcome = (
            f"Outcome: {p.outcome['decision']}, recorded by {p.outcome['by']} on "
            f"{p.outcome['at']}." + (f" Notes: {p.outcome['notes']}" if p.outcome["notes"] else "")
            if p.outcome
            else "No outcome recorded yet for this period."
        )
        pdf.multi_cell(0, 6, _latin(outcome), **_NEXT)
    return bytes(pdf.output())
