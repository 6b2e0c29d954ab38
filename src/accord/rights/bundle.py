"""The right of access: a bundle of a person's confirmed records, reviewed, then released.

`produce` reads every confirmed record of a discovery through the gate, finds the other
people in them (`redaction`) and proposes each as an item to withhold under the third-party
exemption. A reviewer decides every proposal (`decide_withholding`: withhold under an
exemption, or disclose, with who decided, why, and for another person's data the paragraph
16 factors) and may withhold any other item (`withhold_item`); each decision is audited. A
bundle with an undecided item cannot be approved, the person who made it cannot approve it,
and only an approved bundle is released (`release`), after the requester's identity was
verified when it answers a request. Nothing is kept of the data itself: the bundle is made
again from the records on release, which is refused if they changed since it was made
(its digest). A bundle about an erased person says so and nothing else.

The document holds the records (withheld items replaced), what was withheld and under which
exemption, the supplementary information from the register (purposes and lawful bases,
categories, recipients from the disclosure log, retention, sources, the rights that apply)
and the person's access history; `bundle_render` writes it as JSON, CSV, HTML and PDF.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.errors import Conflict, Gone, Invalid, NotFound, Refused
from accord.gate import acts, audit
from accord.gate.catalogue import Permission
from accord.gate.history import view_history
from accord.gate.types import Actor
from accord.people import service as people
from accord.people.models import Subject
from accord.register.notice import build_notice
from accord.register.registry import current_registry
from accord.rights import redaction
from accord.rights.bundle_models import AccessBundle, BundleWithholding
from accord.rights.bundle_records import RecordContent, read_records
from accord.rights.clock import Kind
from accord.rights.discovery import KINDS, SearchView, get_search
from accord.rights.exemptions import (
    EXEMPTIONS,
    THIRD_PARTY,
    check_factors,
    check_reason,
    exemption,
)
from accord.rights.models import RightsRequest, RightsRequestEvent
from accord.store.base import utcnow

WHAT = "rights-access"
RECORD_TYPE = "access-bundle"
OTHER_PERSON = "[withheld: information about another person]"
ERASED = "this person's data has been erased: nothing is held to include in a bundle"


@dataclass(frozen=True)
class Finding:
    item: str
    kind: str  # person | pattern
    pattern: str | None
    other_subject_id: uuid.UUID | None
    hit: redaction.Hit | None = None


@dataclass
class Made:
    search: SearchView
    records: list[RecordContent]
    findings: list[Finding]
    digest: str


@dataclass(frozen=True)
class WithholdingView:
    id: uuid.UUID
    item: str
    kind: str
    what: str  # in words: another person's details, a phone number ...
    exemption: str
    exemption_title: str
    provision: str
    status: str
    factors: dict[str, Any] | None
    reason: str | None
    decided_by: uuid.UUID | None
    decided_at: datetime | None


@dataclass(frozen=True)
class BundleView:
    id: uuid.UUID
    search_id: uuid.UUID
    register: str
    organisation: str
    status: str
    records: int
    produced_by: uuid.UUID | None
    produced_at: datetime
    approved_by: uuid.UUID | None
    approved_at: datetime | None
    released_at: datetime | None
    withholdings: tuple[WithholdingView, ...]

    @property
    def undecided(self) -> int:
        return sum(1 for w in self.withholdings if w.status == "proposed")


# --- making the bundle from the records ----------------------------------------------------


def _strings(value: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _strings(inner, f"{path}/{key}" if path else str(key))
    elif isinstance(value, list | tuple):
        for n, inner in enumerate(value):
            yield from _strings(inner, f"{path}/{n}" if path else str(n))


OWN_FIELDS = {"email": "email", "phone": "phone", "telephone": "phone", "postcode": "postcode"}


def _own(records: list[RecordContent]) -> redaction.Own:
    own = redaction.Own()
    for record in records:
        details = record.own
        full = " ".join(
            str(details[k]) for k in ("given_name", "family_name") if details.get(k)
        ) or details.get("name")
        if isinstance(full, str) and full.strip():
            own.add("name", full)
        for key, kind in OWN_FIELDS.items():
            if isinstance(details.get(key), str):
                own.add(kind, details[key])
    return own


def _digest(records: list[RecordContent]) -> str:
    body = json.dumps(
        [[r.key, r.fields] for r in records], sort_keys=True, default=str, ensure_ascii=False
    )
    return hashlib.sha256(body.encode()).hexdigest()


def _check_active(session: Session, subject_ids: set[uuid.UUID]) -> None:
    states: dict[uuid.UUID, str] = {
        subject_id: state
        for subject_id, state in session.execute(
            select(Subject.id, Subject.state).where(Subject.id.in_(list(subject_ids)))
        )
    }
    if any(states.get(s) != "active" for s in subject_ids):
        raise Gone(ERASED)


def _make(session: Session, actor: Actor, search_id: uuid.UUID) -> Made:
    search = get_search(session, actor=actor, search_id=search_id)
    confirmed = search.confirmed
    if not confirmed:
        raise Invalid("confirmed", "confirm at least one record as the requester's first")
    _check_active(session, {c.subject_id for c in confirmed})
    with audit.together(session):  # one append for the reads' entries, each its own
        records = read_records(session, actor=actor, confirmed=confirmed)
    own = _own(records)
    names = [who.name for r in records for _, who, _ in r.others if who.name]
    parts = redaction.name_parts(names, own)
    findings: list[Finding] = []
    for record in records:
        withheld_paths = [path for path, _, _ in record.others]
        for path, who, _ in record.others:
            findings.append(Finding(f"{record.key}/{path}", "person", None, who.subject_id))
        for path, text in _strings(record.fields, ""):
            if any(path == p or path.startswith(p + "/") for p in withheld_paths):
                continue
            for hit in redaction.find(text, names=parts, own=own):
                item = f"{record.key}/{path}#{hit.pattern}:{hit.occurrence}"
                findings.append(Finding(item, "pattern", hit.pattern, None, hit))
    return Made(search, records, findings, _digest(records))


def _requester(session: Session, search: SearchView) -> uuid.UUID:
    """Whose key seals the reviewers' reasons: the request's requester, else the person of
    the first confirmed record."""
    if search.request_id is not None:
        request = session.get(RightsRequest, search.request_id)
        if request is not None:
            return request.subject_id
    return search.confirmed[0].subject_id


def _audit(
    session: Session,
    actor: Actor,
    bundle: AccessBundle,
    action: str,
    *,
    others: tuple[uuid.UUID, ...] = (),
    ref: str | None = None,
    item: uuid.UUID | None = None,
) -> None:
    acts.record_event(
        session,
        actor=actor,
        action=action,
        purpose=WHAT,
        register=bundle.register,
        record_type=RECORD_TYPE,
        subject_ids=(bundle.subject_id, *others),
        record_ids=(bundle.id,) if item is None else (bundle.id, item),
        ref=ref or str(bundle.id),
    )


def produce(session: Session, *, actor: Actor, search_id: uuid.UUID) -> BundleView:
    """Make a bundle from the search's confirmed records, with each other person found in
    them proposed for withholding."""
    made = _make(session, actor, search_id)
    bundle = AccessBundle(
        id=uuid.uuid4(),
        search_id=made.search.id,
        register=made.search.register,
        organisation=made.search.organisation,
        subject_id=_requester(session, made.search),
        status="draft",
        digest=made.digest,
        records=len(made.records),
        produced_by=actor.id,
        produced_at=utcnow(),
    )
    session.add(bundle)
    session.flush()
    seen: set[str] = set()
    rows = []
    for finding in made.findings:
        if finding.item in seen:
            continue
        seen.add(finding.item)
        rows.append(
            BundleWithholding(
                id=uuid.uuid4(),
                bundle_id=bundle.id,
                item=finding.item,
                kind=finding.kind,
                pattern=finding.pattern,
                other_subject_id=finding.other_subject_id,
                exemption=THIRD_PARTY,
                status="proposed",
            )
        )
    session.add_all(rows)
    session.flush()
    others = tuple(sorted({r.other_subject_id for r in rows if r.other_subject_id}, key=str))
    _audit(session, actor, bundle, "make", others=others)
    return _view(session, bundle, rows)


# --- reading and reviewing -----------------------------------------------------------------


def _what(row: BundleWithholding) -> str:
    if row.kind == "person":
        return "another person's details"
    if row.kind == "pattern" and row.pattern is not None:
        return redaction.WORDS.get(row.pattern, row.pattern)
    return "part of a record"


def _withholding_view(
    session: Session, row: BundleWithholding, subject_id: uuid.UUID
) -> WithholdingView:
    found = EXEMPTIONS[row.exemption]
    reason = None
    if row.reason is not None:
        reason = str(people.unseal(session, subject_id=subject_id, blob=row.reason)["reason"])
    return WithholdingView(
        id=row.id,
        item=row.item,
        kind=row.kind,
        what=_what(row),
        exemption=row.exemption,
        exemption_title=found.title,
        provision=found.provision,
        status=row.status,
        factors=row.factors,
        reason=reason,
        decided_by=row.decided_by,
        decided_at=row.decided_at,
    )


def _withholdings(session: Session, bundle_id: uuid.UUID) -> list[BundleWithholding]:
    return list(
        session.scalars(
            select(BundleWithholding)
            .where(BundleWithholding.bundle_id == bundle_id)
            .order_by(BundleWithholding.item)
        )
    )


def _view(
    session: Session, bundle: AccessBundle, rows: list[BundleWithholding] | None = None
) -> BundleView:
    rows = _withholdings(session, bundle.id) if rows is None else rows
    return BundleView(
        id=bundle.id,
        search_id=bundle.search_id,
        register=bundle.register,
        organisation=bundle.organisation,
        status=bundle.status,
        records=bundle.records,
        produced_by=bundle.produced_by,
        produced_at=bundle.produced_at,
        approved_by=bundle.approved_by,
        approved_at=bundle.approved_at,
        released_at=bundle.released_at,
        withholdings=tuple(
            _withholding_view(session, r, bundle.subject_id)
            for r in sorted(rows, key=lambda r: r.item)
        ),
    )


def _load(session: Session, actor: Actor, bundle_id: uuid.UUID) -> AccessBundle:
    bundle = session.get(AccessBundle, bundle_id)
    if bundle is None or bundle.organisation != actor.organisation:
        raise NotFound("bundle")
    acts.require(
        actor, Permission.RIGHTS_REQUEST_MANAGE, session=session, register=bundle.register,
        record_type=RECORD_TYPE,
    )  # fmt: skip
    subject = session.get(Subject, bundle.subject_id)
    if subject is None or not subject.is_active:
        raise Gone(ERASED)
    return bundle


def get_bundle(session: Session, *, actor: Actor, bundle_id: uuid.UUID) -> BundleView:
    return _view(session, _load(session, actor, bundle_id))


def _draft(session: Session, actor: Actor, bundle_id: uuid.UUID) -> AccessBundle:
    bundle = _load(session, actor, bundle_id)
    if bundle.status != "draft":
        raise Conflict(f"this bundle is already {bundle.status}: make a new one to change it")
    return bundle


def _decided(
    session: Session,
    actor: Actor,
    bundle: AccessBundle,
    row: BundleWithholding,
    *,
    status: str,
    code: str,
    reason: str,
    factors: Mapping[str, Any] | None,
) -> WithholdingView:
    # another person's data, withheld or disclosed, needs the paragraph 16 factors weighed
    about_another = code == THIRD_PARTY or row.kind == "person"
    disclosing_found = status == "disclosed" and row.kind in ("person", "pattern")
    row.factors = dict(check_factors(factors)) if about_another or disclosing_found else None
    row.exemption = code
    row.status = status
    row.reason = people.seal(session, subject_id=bundle.subject_id, values={"reason": reason})
    row.decided_by, row.decided_at = actor.id, utcnow()
    session.flush()
    others = (row.other_subject_id,) if row.other_subject_id else ()
    _audit(
        session,
        actor,
        bundle,
        "withhold" if status == "withheld" else "disclose",
        others=others,
        ref=code,
        item=row.id,
    )
    return _withholding_view(session, row, bundle.subject_id)


def decide_withholding(
    session: Session,
    *,
    actor: Actor,
    bundle_id: uuid.UUID,
    withholding_id: uuid.UUID,
    decision: str,
    reason: str,
    exemption_code: str | None = None,
    factors: Mapping[str, Any] | None = None,
) -> WithholdingView:
    """Withhold a proposed item under an exemption, or disclose it, saying why. Another
    person's data needs the paragraph 16 factors either way."""
    bundle = _draft(session, actor, bundle_id)
    row = session.get(BundleWithholding, withholding_id)
    if row is None or row.bundle_id != bundle.id:
        raise NotFound("withheld item")
    if decision not in ("withhold", "disclose"):
        raise Invalid("decision", "withhold or disclose")
    text = check_reason(reason)
    code = exemption(exemption_code or row.exemption).code
    status = "withheld" if decision == "withhold" else "disclosed"
    return _decided(
        session, actor, bundle, row, status=status, code=code, reason=text, factors=factors
    )


def withhold_item(
    session: Session,
    *,
    actor: Actor,
    bundle_id: uuid.UUID,
    item: str,
    exemption_code: str,
    reason: str,
    factors: Mapping[str, Any] | None = None,
) -> WithholdingView:
    """Withhold a record or one of its fields (`kind:record id` or `kind:record id/field`)
    under an exemption, decided now by the actor."""
    bundle = _draft(session, actor, bundle_id)
    code = exemption(exemption_code).code
    text = check_reason(reason)
    made = _make(session, actor, bundle.search_id)
    if not _exists(made.records, item):
        raise Invalid("item", "no such record or field in this bundle")
    if any(w.item == item for w in _withholdings(session, bundle.id)):
        raise Conflict("this item is already considered: decide it instead", field="item")
    row = BundleWithholding(
        id=uuid.uuid4(), bundle_id=bundle.id, item=item, kind="item", exemption=code
    )
    session.add(row)
    return _decided(
        session, actor, bundle, row, status="withheld", code=code, reason=text, factors=factors
    )


def _exists(records: list[RecordContent], item: str) -> bool:
    key, _, path = item.partition("/")
    record = next((r for r in records if r.key == key), None)
    if record is None:
        return False
    value: Any = record.fields
    for part in path.split("/") if path else []:
        if isinstance(value, Mapping) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return False
    return True


def approve(session: Session, *, actor: Actor, bundle_id: uuid.UUID) -> BundleView:
    """A reviewer (not the person who made it) approves a bundle with every item decided."""
    bundle = _draft(session, actor, bundle_id)
    rows = _withholdings(session, bundle.id)
    undecided = sum(1 for r in rows if r.status == "proposed")
    if undecided:
        raise Conflict(
            f"{undecided} item{'s' if undecided != 1 else ''} about other people or under an "
            "exemption still need a decision"
        )
    if bundle.produced_by is not None and actor.id == bundle.produced_by:
        raise Refused(
            "same-person", "someone other than the person who made the bundle approves it"
        )
    bundle.status, bundle.approved_by, bundle.approved_at = "approved", actor.id, utcnow()
    session.flush()
    _audit(session, actor, bundle, "approve")
    return _view(session, bundle, rows)


def _identity_verified(session: Session, request_id: uuid.UUID | None) -> bool:
    if request_id is None:
        return True
    found = session.scalar(
        select(RightsRequestEvent.id).where(
            RightsRequestEvent.request_id == request_id,
            RightsRequestEvent.kind == Kind.IDENTITY_VERIFIED.value,
        )
    )
    return found is not None


def release(session: Session, *, actor: Actor, bundle_id: uuid.UUID) -> dict[str, Any]:
    """Release an approved bundle: made again from the records, refused if they changed."""
    bundle = _load(session, actor, bundle_id)
    if bundle.status != "approved":
        raise Conflict(
            "a bundle is released only once approved, with every item about other people decided"
        )
    made = _make(session, actor, bundle.search_id)
    if not _identity_verified(session, made.search.request_id):
        raise Conflict("the requester's identity has not been verified: no data is released")
    if made.digest != bundle.digest:
        raise Conflict("the records changed since the bundle was made: make and review it again")
    bundle.status, bundle.released_by, bundle.released_at = "released", actor.id, utcnow()
    session.flush()
    _audit(session, actor, bundle, "release")
    return _document(session, actor, bundle, made)


def preview(session: Session, *, actor: Actor, bundle_id: uuid.UUID) -> dict[str, Any]:
    """The bundle as it stands, for review: undecided items shown withheld."""
    bundle = _load(session, actor, bundle_id)
    return _document(session, actor, bundle, _make(session, actor, bundle.search_id))


def released(session: Session, *, actor: Actor, bundle_id: uuid.UUID) -> dict[str, Any]:
    """A released bundle again (another format), refused if the records changed since."""
    bundle = _load(session, actor, bundle_id)
    if bundle.status != "released":
        raise Conflict("this bundle has not been released")
    made = _make(session, actor, bundle.search_id)
    if made.digest != bundle.digest:
        raise Conflict("the records changed since the bundle was released: make a new one")
    return _document(session, actor, bundle, made)


# --- the document ----------------------------------------------------------------------------


def _apply(
    record: RecordContent,
    findings: list[Finding],
    decisions: dict[str, BundleWithholding],
) -> dict[str, Any]:
    """The record's fields with every item not disclosed replaced."""

    def hidden(item: str) -> bool:
        row = decisions.get(item)
        return row is None or row.status != "disclosed"

    hits: dict[str, list[Finding]] = {}
    for f in findings:
        if f.hit is not None:
            path = f.item[len(record.key) + 1 :].rsplit("#", 1)[0]
            hits.setdefault(path, []).append(f)
    whole = {
        item[len(record.key) + 1 :]
        for item, row in decisions.items()
        if item.startswith(record.key + "/") and row.kind in ("person", "item")
        and row.status != "disclosed"
    }  # fmt: skip

    def walk(value: Any, path: str) -> Any:
        if path in whole:
            return (
                OTHER_PERSON if decisions[f"{record.key}/{path}"].kind == "person" else "[withheld]"
            )
        if isinstance(value, str):
            found = hits.get(path)
            if not found:
                return value
            return redaction.apply(value, [(f.hit, hidden(f.item)) for f in found if f.hit])
        if isinstance(value, Mapping):
            return {k: walk(v, f"{path}/{k}" if path else str(k)) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [walk(v, f"{path}/{n}" if path else str(n)) for n, v in enumerate(value)]
        return value

    return dict(walk(record.fields, ""))


def _supplementary(records: list[RecordContent]) -> dict[str, Any]:
    registry = current_registry()
    purposes: dict[str, dict[str, Any]] = {}
    categories: set[str] = set()
    retention: dict[str, str] = {}
    sources: set[str] = set()
    controllers: set[str] = set()
    rights: list[dict[str, Any]] = []
    complaints = ""
    for register_id in sorted({r.register for r in records}):
        register = registry.get(register_id)
        notice = build_notice(register)
        rules = {v.record: v.rule for v in notice.retention}
        views = {p.id: p for p in notice.purposes}
        source_names = {s.id: s.name for s in register.sources}
        for record in records:
            if record.register != register_id:
                continue
            controllers.add(register.organisation(record.owner).name)
            if record.record_type is None:
                continue
            record_type = register.record_type(record.record_type)
            for purpose_id in record_type.purposes:
                view = views[purpose_id]
                purposes[view.name] = {
                    "Purpose": view.name,
                    "What for": view.description,
                    "Lawful basis": view.art6,
                    view.art6_detail_label: view.art6_detail,
                    "Special category condition": view.art9,
                    "Criminal offence data condition": view.art10,
                }
            categories |= {register.category(c).name for c in record_type.categories}
            if record_type.name in rules:
                retention[record_type.name] = rules[record_type.name]
            sources |= {source_names.get(s, s) for s in record_type.sources}
        if not rights:
            rights = [{"Right": r.title, "When it applies": r.applies, "Notes": r.notes}
                      for r in notice.rights]  # fmt: skip
            complaints = notice.complaints
    recipients: dict[str, set[str]] = {}
    for record in records:
        if record.kind == "disclosure":
            recipients.setdefault(str(record.fields["Shared with"]), set()).update(
                record.fields["What"]
            )
    return {
        "Who holds your information": sorted(controllers),
        "Why we hold it": list(purposes.values()),
        "Kinds of information": sorted(categories),
        "Who we shared it with": [
            {"Recipient": name, "What": sorted(what)} for name, what in sorted(recipients.items())
        ],
        "How long we keep it": [{"Record": k, "Rule": v} for k, v in sorted(retention.items())],
        "Where it came from": sorted(sources),
        "Your rights": rights,
        "Complaints": complaints,
    }


def _history(session: Session, actor: Actor, records: list[RecordContent]) -> list[dict[str, Any]]:
    registry = current_registry()
    out = []
    for subject_id in sorted({r.subject_id for r in records}, key=str):
        for item in view_history(session, actor=actor, subject_id=subject_id):
            try:
                why = registry.get(item.register).purpose(item.purpose).name
            except KeyError:
                why = item.purpose.replace("-", " ")
            out.append(
                {
                    "When": item.at.isoformat(),
                    "Organisation": item.actor_organisation,
                    "What": item.action,
                    "Why": why,
                    "Outcome": item.outcome,
                }
            )
    return sorted(out, key=lambda h: h["When"])


def _document(session: Session, actor: Actor, bundle: AccessBundle, made: Made) -> dict[str, Any]:
    rows = _withholdings(session, bundle.id)
    decisions = {r.item: r for r in rows}
    by_record: dict[str, list[Finding]] = {}
    for finding in made.findings:
        by_record.setdefault(finding.item.split("/", 1)[0], []).append(finding)
    records = [
        {
            "Record": r.label,
            "Kind": KINDS.get(r.kind, r.kind),
            "Reference": r.key,
            "Held since": None if r.held_since is None else r.held_since.isoformat(),
            "Content": _apply(r, by_record.get(r.key, []), decisions),
        }
        for r in made.records
    ]
    labels = {r.key: r.label for r in made.records}
    withheld = [
        {
            "Where": f"{labels.get(r.item.split('/', 1)[0], 'a record')}: "
            + (r.item.split("/", 1)[1].split("#")[0] if "/" in r.item else "the whole record"),
            "What": _what(r),
            "Exemption": EXEMPTIONS[r.exemption].title,
            "Law": EXEMPTIONS[r.exemption].provision,
        }
        for r in rows
        if r.status != "disclosed"
    ]
    return {
        "Bundle": {
            "Reference": str(bundle.id),
            "Status": bundle.status,
            "Made": bundle.produced_at.isoformat(),
            "Released": None if bundle.released_at is None else bundle.released_at.isoformat(),
            "Records": len(records),
        },
        "Your records": records,
        "What we withheld": withheld,
        "About how we use your information": _supplementary(made.records),
        "Who has looked at your information": _history(session, actor, made.records),
    }
