"""Finding a person's data: every record held about a requester, for a person to confirm.

People are found by the blind indexes of the identifiers the requester gave (name and date
of birth, email, phone, crime reference; a postcode only corroborates, since it does not
single out one person) and by known links: people named in the request, and people a
caseworker confirmed as the same person when a referral was matched. Their records come from
the domains through the gate's facts (`gate.facts.subject_records`): cases, complaints,
enquiries, community safety cases (as the subject or a party), consent statements, logged
disclosures and fair-processing notices. Partners' records belong to no person accord
knows: they are found by the requester's identifiers in the datasets the answering
organisation supplied (`gate.facts.identified_records`, after a gate check per dataset), and
the records record linkage joined to them are offered too (`gate.facts.linked_records`, for
the organisation that runs the linkage); they are listed as the requester's (the request's
requester, else the one person named). Only records the answering organisation controls
are listed.

Each candidate says why it matched (which kinds of identifier, never their values). A person
confirms or rejects each; the answer to the request covers confirmed records only. Searches
and decisions are audited against the people found, so they appear in their access history.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from accord.cases.models import MatchProposal
from accord.errors import Gone, Invalid, NotFound
from accord.gate import acts
from accord.gate import facts as gate_facts
from accord.gate.catalogue import Permission
from accord.gate.facts import FoundRecord, GateCheck
from accord.gate.service import authorize, needs_consent
from accord.gate.types import Action, Actor, Target
from accord.people.crypto import current_crypto
from accord.people.models import INDEX_KINDS, Subject, SubjectIndex, SubjectState
from accord.register.registry import current_registry
from accord.rights.bundle_models import DiscoveryCandidate, DiscoverySearch
from accord.rights.models import RightsRequest
from accord.store.base import utcnow

WHAT = "rights-discovery"
# A postcode is shared by a household or a street, a date of birth by everyone born that day:
# they corroborate, they never find alone.
CORROBORATING = frozenset({"postcode", "date_of_birth"})
NAMED = "named-in-request"
SAME_PERSON = "confirmed-same-person"
LINKED = "linked-person"

REASONS = {
    "name_dob": "name and date of birth",
    "date_of_birth": "date of birth",
    "email": "email address",
    "phone": "phone number",
    "crime_number": "crime reference",
    "postcode": "postcode",
    NAMED: "named in the request",
    SAME_PERSON: "confirmed as the same person when a referral was matched",
    LINKED: "the partners' record matching, which joined it to a record that matched",
}
KINDS = {
    "case": "Case",
    "complaint": "Complaint",
    "enquiry": "Enquiry",
    "safety-case": "Community safety case",
    "consent": "Consent statement",
    "disclosure": "Information shared with another organisation",
    "notice": "Privacy notice sent or withheld",
    "partner-record": "Record a partner supplied",
}


@dataclass(frozen=True)
class CandidateView:
    id: uuid.UUID
    kind: str
    label: str  # in a caseworker's words
    record_id: uuid.UUID
    subject_id: uuid.UUID
    register: str
    owner: str
    record_type: str | None
    held_since: datetime | None
    matched_on: tuple[str, ...]
    why: str  # matched_on in words
    status: str

    @classmethod
    def of(cls, row: DiscoveryCandidate) -> CandidateView:
        return cls(
            id=row.id,
            kind=row.kind,
            label=label(row.register, row.kind, row.record_type),
            record_id=row.record_id,
            subject_id=row.subject_id,
            register=row.register,
            owner=row.owner,
            record_type=row.record_type,
            held_since=row.held_since,
            matched_on=tuple(row.matched_on),
            why="; ".join(REASONS.get(m, m) for m in row.matched_on),
            status=row.status,
        )


@dataclass(frozen=True)
class SearchView:
    id: uuid.UUID
    register: str
    organisation: str
    request_id: uuid.UUID | None
    kinds: tuple[str, ...]
    searched_at: datetime
    candidates: tuple[CandidateView, ...]

    @property
    def confirmed(self) -> tuple[CandidateView, ...]:
        return tuple(c for c in self.candidates if c.status == "confirmed")

    @property
    def undecided(self) -> int:
        return sum(1 for c in self.candidates if c.status == "proposed")


def label(register: str, kind: str, record_type: str | None) -> str:
    """A record's kind in a caseworker's words (the register's name for its record type)."""
    if record_type is not None:
        try:
            return current_registry().get(register).record_type(record_type).name
        except KeyError:
            pass
    return KINDS.get(kind, kind)


def _digests(identifiers: Mapping[str, str | Sequence[str]]) -> list[tuple[str, bytes]]:
    indexer = current_crypto().indexer
    out: list[tuple[str, bytes]] = []
    for kind, given in identifiers.items():
        if kind not in INDEX_KINDS:
            raise Invalid(
                f"identifiers.{kind}",
                f"not an identifier accord searches (one of {', '.join(INDEX_KINDS)})",
            )
        for value in [given] if isinstance(given, str) else list(given):
            if not str(value).strip():
                continue
            try:
                out.append((kind, indexer.digest(kind, str(value))))
            except ValueError as exc:
                raise Invalid(f"identifiers.{kind}", str(exc)) from None
    return out


def _by_identifiers(
    session: Session, register: str, digests: list[tuple[str, bytes]]
) -> dict[uuid.UUID, set[str]]:
    """Active people in `register` with an identifier among `digests`, with the kinds that
    agreed. One indexed lookup (kind, digest) per identifier."""
    if not digests:
        return {}
    rows = session.execute(
        select(SubjectIndex.subject_id, SubjectIndex.kind)
        .join(Subject, Subject.id == SubjectIndex.subject_id)
        .where(
            or_(*(and_(SubjectIndex.kind == k, SubjectIndex.digest == d) for k, d in digests)),
            Subject.register == register,
            Subject.state == SubjectState.active.value,
        )
    )
    found: dict[uuid.UUID, set[str]] = {}
    for subject_id, kind in rows:
        found.setdefault(subject_id, set()).add(kind)
    return {s: kinds for s, kinds in found.items() if kinds - CORROBORATING}


def _same_person(session: Session, subject_ids: Iterable[uuid.UUID]) -> set[uuid.UUID]:
    """People a caseworker confirmed as the same person as any of these (referral matching)."""
    ids = list(subject_ids)
    if not ids:
        return set()
    rows = session.execute(
        select(MatchProposal.subject_id, MatchProposal.candidate_subject_id).where(
            MatchProposal.status == "confirmed",
            or_(MatchProposal.subject_id.in_(ids), MatchProposal.candidate_subject_id.in_(ids)),
        )
    )
    return {s for pair in rows for s in pair} - set(ids)


def reading_purpose(actor: Actor, target: Target) -> str:
    """A purpose the record type is held for and the reader's roles list, one not resting on
    consent first (a person is answered whatever they consented to); else the record type's
    first, which the gate then refuses with its reason."""
    register = current_registry().get(target.register)
    held = register.record_type(target.record_type).purposes
    listed = {p for role in register.roles if role.id in actor.roles_in(register.id)
              for p in role.purposes}  # fmt: skip
    mine = [p for p in held if p in listed]
    without_consent = [p for p in mine if not needs_consent(register.purpose(p))]
    return (without_consent or mine or list(held))[0]


def gate_check(session: Session, actor: Actor, action: Action) -> GateCheck:
    """Passes the gate for a target as the rights team (`rights:request:manage` on top of
    what the record type asks), audited; returns the categories the decision allows."""

    def check(target: Target) -> frozenset[str]:
        return authorize(
            session,
            actor=actor,
            purpose=reading_purpose(actor, target),
            action=action,
            target=target,
            permission=Permission.RIGHTS_REQUEST_MANAGE.value,
        ).categories

    return check


def _partner_records(
    session: Session,
    actor: Actor,
    register: str,
    identifiers: Mapping[str, str | Sequence[str]],
) -> list[FoundRecord]:
    """Partners' records the actor's organisation supplied that the identifiers find, and
    the records linkage joined to those."""
    given = {k: [v] if isinstance(v, str) else list(v) for k, v in identifiers.items()}
    check = gate_check(session, actor, Action.LIST)
    found = gate_facts.identified_records(
        session, register=register, organisation=actor.organisation, identifiers=given,
        check=check,
    )  # fmt: skip
    linked = gate_facts.linked_records(
        session, register=register, organisation=actor.organisation,
        record_ids=[f.record_id for f in found], check=check,
    )  # fmt: skip
    return [*found, *linked]


def _requester(
    session: Session, register: str, request_id: uuid.UUID | None, named: Sequence[uuid.UUID]
) -> uuid.UUID | None:
    """Whom partners' records found are listed as: the request's requester, else the one
    person named in the request."""
    if request_id is not None:
        request = session.get(RightsRequest, request_id)
        if request is not None and request.register == register:
            return request.subject_id
    return named[0] if len(named) == 1 else None


def _named(
    session: Session, register: str, subject_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, set[str]]:
    """People named in the request. An erased one ends the search: it says so and nothing else."""
    found: dict[uuid.UUID, set[str]] = {}
    for n, subject_id in enumerate(subject_ids):
        subject = session.get(Subject, subject_id)
        if subject is None or subject.register != register:
            raise Invalid(f"subject_ids[{n}]", "no such person in this register")
        if not subject.is_active:
            raise Gone("this person's data has been erased; nothing is held to search")
        found[subject_id] = {NAMED}
    return found


def discover(
    session: Session,
    *,
    actor: Actor,
    register: str,
    identifiers: Mapping[str, str | Sequence[str]] | None = None,
    subject_ids: Sequence[uuid.UUID] = (),
    request_id: uuid.UUID | None = None,
) -> SearchView:
    """Search for every record about the requester the actor's organisation controls in
    `register`, and keep the candidates for a person to confirm."""
    try:
        current_registry().get(register)
    except KeyError:
        raise Invalid("register", f"no register {register!r} is loaded") from None
    acts.require(
        actor, Permission.RIGHTS_REQUEST_MANAGE, session=session, register=register,
        record_type=WHAT,
    )  # fmt: skip
    identifiers = dict(identifiers or {})
    digests = _digests(identifiers)
    if not digests and not subject_ids:
        raise Invalid(
            "identifiers", "give at least one identifier or a person named in the request"
        )
    if digests and not {k for k, _ in digests} - CORROBORATING and not subject_ids:
        raise Invalid(
            "identifiers",
            "a postcode or a date of birth alone does not single out a person: add another "
            "identifier",
        )
    people = _named(session, register, subject_ids)
    for subject_id, kinds in _by_identifiers(session, register, digests).items():
        people.setdefault(subject_id, set()).update(kinds)
    for subject_id in _same_person(session, people):
        people.setdefault(subject_id, set()).add(SAME_PERSON)
    held = [
        h
        for h in gate_facts.subject_records(session, subject_ids=sorted(people, key=str))
        if h.owner_organisation == actor.organisation and h.register == register
    ]
    requester = _requester(session, register, request_id, subject_ids)
    partners = [] if requester is None else _partner_records(session, actor, register, identifiers)
    search = DiscoverySearch(
        id=uuid.uuid4(),
        register=register,
        organisation=actor.organisation,
        request_id=request_id,
        kinds=sorted({k for k, _ in digests} | ({NAMED} if subject_ids else set())),
        searched_by=actor.id,
        searched_at=utcnow(),
    )
    session.add(search)
    session.flush()  # the candidates refer to it
    rows = [
        DiscoveryCandidate(
            id=uuid.uuid4(),
            search_id=search.id,
            kind=h.kind,
            record_id=h.record_id,
            subject_id=h.subject_id,
            register=h.register,
            owner=h.owner_organisation,
            record_type=h.record_type,
            held_since=h.at,
            matched_on=sorted(people[h.subject_id]),
            status="proposed",
        )
        for h in held
    ]
    rows += [
        DiscoveryCandidate(
            id=uuid.uuid4(),
            search_id=search.id,
            kind=f.kind,
            record_id=f.record_id,
            subject_id=requester,
            register=f.register,
            owner=f.owner_organisation,
            record_type=f.record_type,
            held_since=f.at,
            matched_on=sorted(f.matched_on),
            status="proposed",
        )
        for f in partners
        if f.owner_organisation == actor.organisation and requester is not None
    ]
    session.add_all(rows)
    session.flush()
    acts.record_event(
        session,
        actor=actor,
        action="search",
        purpose=WHAT,
        register=register,
        record_type=WHAT,
        subject_ids=sorted({r.subject_id for r in rows}, key=str),
        ref=str(search.id),
    )
    return _view(search, rows)


def _view(search: DiscoverySearch, rows: Iterable[DiscoveryCandidate]) -> SearchView:
    order = {kind: n for n, kind in enumerate(KINDS)}
    candidates = sorted(
        (CandidateView.of(r) for r in rows),
        key=lambda c: (order.get(c.kind, 99), c.held_since or search.searched_at, str(c.id)),
    )
    return SearchView(
        id=search.id,
        register=search.register,
        organisation=search.organisation,
        request_id=search.request_id,
        kinds=tuple(search.kinds),
        searched_at=search.searched_at,
        candidates=tuple(candidates),
    )


def _load(session: Session, actor: Actor, search_id: uuid.UUID) -> DiscoverySearch:
    search = session.get(DiscoverySearch, search_id)
    # another organisation's search is not found: even its existence is about someone
    if search is None or search.organisation != actor.organisation:
        raise NotFound("search")
    acts.require(
        actor, Permission.RIGHTS_REQUEST_MANAGE, session=session, register=search.register,
        record_type=WHAT,
    )  # fmt: skip
    return search


def _rows(session: Session, search_id: uuid.UUID) -> list[DiscoveryCandidate]:
    return list(
        session.scalars(select(DiscoveryCandidate).where(DiscoveryCandidate.search_id == search_id))
    )


def get_search(session: Session, *, actor: Actor, search_id: uuid.UUID) -> SearchView:
    search = _load(session, actor, search_id)
    return _view(search, _rows(session, search.id))


def decide(
    session: Session,
    *,
    actor: Actor,
    search_id: uuid.UUID,
    confirmed: Sequence[uuid.UUID] = (),
    rejected: Sequence[uuid.UUID] = (),
) -> SearchView:
    """Confirm candidates as the requester's records, or reject them (not theirs). Every id
    is checked before anything changes; each decision is recorded with who made it."""
    search = _load(session, actor, search_id)
    rows = {r.id: r for r in _rows(session, search.id)}
    for field, ids in (("confirmed", confirmed), ("rejected", rejected)):
        for n, candidate_id in enumerate(ids):
            if candidate_id not in rows:
                raise Invalid(f"{field}[{n}]", "not a record found by this search")
    both = set(confirmed) & set(rejected)
    if both:
        raise Invalid("rejected", "a record cannot be both confirmed and rejected")
    if not confirmed and not rejected:
        raise Invalid("confirmed", "confirm or reject at least one record")
    at = utcnow()
    for status, ids in (("confirmed", confirmed), ("rejected", rejected)):
        for candidate_id in ids:
            row = rows[candidate_id]
            row.status, row.decided_by, row.decided_at = status, actor.id, at
    session.flush()
    decided = [rows[i] for i in [*confirmed, *rejected]]
    acts.record_event(
        session,
        actor=actor,
        action="confirm",
        purpose=WHAT,
        register=search.register,
        record_type=WHAT,
        subject_ids=sorted({r.subject_id for r in decided}, key=str),
        record_ids=[r.record_id for r in decided],
        ref=str(search.id),
    )
    return _view(search, rows.values())
