"""Proposing a person already known to the service as the same person as a new referral.

Candidates come from the keyed blind indexes (exact name and date of birth, email, phone,
crime number, postcode), limited to people with a case the organisation holds or was sent.
The search is bounded: a postcode brings at most POSTCODE_CANDIDATES people (the most
recently referred), so thousands of earlier referrals in one street cost no more than a few.
Each candidate's identifiers are then decrypted through the gate and compared fuzzily
(rapidfuzz on the whole name, Jaro-Winkler on the family name, the date of birth allowing a
transposed day and month), so a typo or a changed email still finds them. Nothing is merged:
proposals wait for a caseworker, whose decision and reason are kept.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import jellyfish
from rapidfuzz import fuzz
from sqlalchemy import Select, and_, func, or_, select, union_all
from sqlalchemy.orm import Session

from accord.cases import purposes
from accord.cases.access import authorize, case_target, shares_of
from accord.cases.models import Case, CaseShare, MatchProposal
from accord.gate.types import AccessDenied, Action, Actor, Target
from accord.keys.normalise import name_dob_value
from accord.people import service as people
from accord.people.crypto import current_crypto
from accord.people.models import Subject, SubjectIndex, SubjectState

PROPOSE_AT = 0.75  # overall score from which a caseworker is asked
MIN_NAME = 0.6  # below this the names are different people sharing a phone or address
MAX_CANDIDATES = 25
# A postcode is shared by a whole street or estate (thousands of earlier referrals in a
# busy one): it brings at most this many candidates, the most recently referred first, so
# the search costs the same however many people live there. None: no bound (benchmarks).
POSTCODE_CANDIDATES: int | None = MAX_CANDIDATES
# The identifiers that single out one person; a postcode does not.
STRONG_KINDS = ("name_dob", "email", "phone", "crime_number")
# Indexed for staff search through the gate, never a reason to propose a match: a date of
# birth alone is shared by everyone born that day.
SEARCH_ONLY_KINDS = frozenset({"date_of_birth"})
NAME_CATEGORIES = ("name", "date-of-birth", "contact-details")


@dataclass(frozen=True)
class Score:
    value: float
    reasons: tuple[str, ...]


def index_values(values: dict[str, Any]) -> dict[str, str]:
    """The blind-index values of a person's identifiers (kinds of accord.people)."""
    out: dict[str, str] = {}
    full = f"{values.get('given_name', '')} {values.get('family_name', '')}".strip()
    if full and values.get("date_of_birth"):
        out["name_dob"] = name_dob_value(full, str(values["date_of_birth"]))
    if values.get("date_of_birth"):
        out["date_of_birth"] = str(values["date_of_birth"])
    for kind in ("email", "phone", "crime_number", "postcode"):
        if values.get(kind):
            out[kind] = str(values[kind])
    return out


def _dob_score(a: str | None, b: str | None) -> float | None:
    if not a or not b:
        return None
    if a == b:
        return 1.0
    da, db = date.fromisoformat(a), date.fromisoformat(b)
    if da.year == db.year and (da.month, da.day) == (db.day, db.month):
        return 0.8  # day and month swapped (US-style entry)
    if (da.month, da.day) == (db.month, db.day) or (da.year == db.year and da.month == db.month):
        return 0.5
    return 0.0


def score(new: dict[str, Any], old: dict[str, Any]) -> Score:
    """How alike two people's identifiers are (0..1), with the agreeing fields named."""
    new_name = f"{new.get('given_name', '')} {new.get('family_name', '')}".lower().strip()
    old_name = f"{old.get('given_name', '')} {old.get('family_name', '')}".lower().strip()
    whole = fuzz.token_sort_ratio(new_name, old_name) / 100
    family = jellyfish.jaro_winkler_similarity(
        str(new.get("family_name", "")).lower(), str(old.get("family_name", "")).lower()
    )
    name = max(whole, (whole + family) / 2)
    reasons = [f"name {round(name * 100)}% alike"]
    parts: list[tuple[float, float]] = [(name, 0.45)]
    dob = _dob_score(new.get("date_of_birth"), old.get("date_of_birth"))
    if dob is not None:
        parts.append((dob, 0.3))
        reasons.append(
            "same date of birth" if dob == 1.0 else f"date of birth {round(dob * 100)}% alike"
        )
    contact = 0.0
    for field in ("phone", "email"):
        if new.get(field) and old.get(field):
            same = _same(field, new[field], old[field])
            contact = max(contact, 1.0 if same else 0.0)
            if same:
                reasons.append(f"same {field}")
    if any(new.get(f) and old.get(f) for f in ("phone", "email")):
        parts.append((contact, 0.25))
    if new.get("postcode") and new.get("postcode") == old.get("postcode"):
        reasons.append("same postcode")
    weight = sum(w for _, w in parts)
    value = sum(s * w for s, w in parts) / weight
    if name < MIN_NAME:
        value = min(value, name)
    return Score(round(value, 3), tuple(reasons))


def _same(kind: str, a: str, b: str) -> bool:
    from accord.keys.normalise import normalise

    try:
        return normalise(kind, a) == normalise(kind, b)
    except ValueError:
        return a.strip().lower() == b.strip().lower()


def candidates(
    session: Session,
    *,
    register: str,
    organisation: str,
    values: dict[str, str],
    exclude: uuid.UUID,
) -> dict[uuid.UUID, set[str]]:
    """Subjects sharing an indexed identifier, with a case this organisation holds or was sent.

    One query over every kind's keyed digest (the same digests `people.find_subjects` looks
    up one kind at a time), limited in SQL to this register, active subjects and the
    organisation's own or shared cases."""
    indexer = current_crypto().indexer
    pairs = []
    for kind, value in values.items():
        if kind in SEARCH_ONLY_KINDS:
            continue
        try:
            pairs.append((kind, indexer.digest(kind, value)))
        except ValueError:
            continue  # a value the index cannot normalise finds nobody
    found: dict[uuid.UUID, set[str]] = defaultdict(set)
    strong = [(k, d) for k, d in pairs if k in STRONG_KINDS]
    weak = [(k, d) for k, d in pairs if k not in STRONG_KINDS]
    # Each strong identifier names few people; a bound still stops a shared phone (a refuge's
    # switchboard) from costing as much as a postcode. Both searches go in one query.
    searches = [
        _matching(strong, register, organisation, exclude, limit=MAX_CANDIDATES * len(strong)),
        _matching(weak, register, organisation, exclude, limit=POSTCODE_CANDIDATES),
    ]
    parts = [
        select(part.c.subject_id, part.c.kind)
        for query in searches
        if query is not None
        for part in [query.subquery()]
    ]
    if not parts:
        return {}
    for subject_id, kind in session.execute(union_all(*parts) if len(parts) > 1 else parts[0]):
        found[subject_id].add(kind)
    return dict(found)


def _matching(
    pairs: list[tuple[str, bytes]],
    register: str,
    organisation: str,
    exclude: uuid.UUID,
    *,
    limit: int | None,
) -> Select[uuid.UUID, str, datetime] | None:
    """The (subject, kind) rows sharing one of the digests, most recently referred first."""
    if not pairs:
        return None
    shared = select(CaseShare.case_id).where(CaseShare.organisation == organisation)
    query = (
        select(SubjectIndex.subject_id, SubjectIndex.kind, func.max(Case.received_at))
        .join(Subject, Subject.id == SubjectIndex.subject_id)
        .join(Case, Case.subject_id == SubjectIndex.subject_id)
        .where(
            or_(*(and_(SubjectIndex.kind == k, SubjectIndex.digest == d) for k, d in pairs)),
            SubjectIndex.subject_id != exclude,
            Subject.register == register,
            Subject.state == SubjectState.active.value,
            Case.register == register,
            or_(Case.organisation == organisation, Case.id.in_(shared)),
        )
        .group_by(SubjectIndex.subject_id, SubjectIndex.kind)
        .order_by(func.max(Case.received_at).desc(), SubjectIndex.subject_id)
    )
    if limit is not None:
        query = query.limit(limit)
    return query


def _latest_cases(session: Session, register: str, subject_ids: list[uuid.UUID]) -> list[Case]:
    """Each candidate's most recent case in the register (one query)."""
    rows = session.scalars(
        select(Case)
        .where(Case.subject_id.in_(subject_ids), Case.register == register)
        .order_by(Case.received_at.desc())
    )
    latest: dict[uuid.UUID, Case] = {}
    for row in rows:
        latest.setdefault(row.subject_id, row)
    return [latest[s] for s in subject_ids if s in latest]


def _readable(session: Session, actor: Actor, cases: list[Case]) -> list[Case]:
    """The candidates whose identifiers the gate lets intake matching read.

    One audited read per record type and owner names every candidate subject it covers;
    if the gate refuses a group (e.g. one person's processing is restricted), each candidate
    in it is asked about alone, so one refusal does not hide the others."""
    groups: dict[tuple[str, str], list[Case]] = defaultdict(list)
    for case in cases:
        groups[(case.record_type, case.organisation)].append(case)
    allowed: list[Case] = []
    for (record_type, owner), members in groups.items():
        target = Target(
            register=members[0].register,
            record_type=record_type,
            owner_organisation=owner,
            subject_ids=tuple(c.subject_id for c in members),
            # candidates() kept only cases this organisation owns or was sent
            shared_with=frozenset({actor.organisation}),
        )
        try:
            authorize(
                session,
                actor=actor,
                purpose=purposes.CASEWORK,
                action=Action.READ,
                target=target,
                categories=NAME_CATEGORIES,
            )
            allowed.extend(members)
            continue
        except AccessDenied:
            if len(members) == 1:
                continue
        for case in members:
            try:
                authorize(
                    session,
                    actor=actor,
                    purpose=purposes.CASEWORK,
                    action=Action.READ,
                    target=case_target(case, shares_of(session, case.id)),
                    categories=NAME_CATEGORIES,
                )
            except AccessDenied:
                continue  # refused and audited: not ours to compare
            allowed.append(case)
    return allowed


def propose_matches(
    session: Session, *, actor: Actor, case: Case, values: dict[str, Any]
) -> list[MatchProposal]:
    """Compare the new referral's person with each candidate and keep proposals for review."""
    found = candidates(
        session,
        register=case.register,
        organisation=case.organisation,
        values=index_values(values),
        exclude=case.subject_id,
    )
    if not found:
        return []
    # Strongest signals first, so the cap keeps the likeliest people.
    ranked = sorted(found, key=lambda s: (-len(found[s] - {"postcode"}), -len(found[s]), str(s)))
    earlier = _readable(
        session, actor, _latest_cases(session, case.register, ranked[:MAX_CANDIDATES])
    )
    if not earlier:
        return []
    identities = people.unseal_many(
        session, items=[(c.subject_id, c.identity) for c in earlier], skip_shredded=True
    )
    proposals = []
    for candidate, old in zip(earlier, identities, strict=True):
        if old is None:
            continue
        result = score(values, old)
        if result.value < PROPOSE_AT:
            continue
        proposal = MatchProposal(
            case_id=case.id,
            subject_id=case.subject_id,
            candidate_subject_id=candidate.subject_id,
            candidate_case_id=candidate.id,
            score=result.value,
            reasons="; ".join(result.reasons),
        )
        session.add(proposal)
        proposals.append(proposal)
    session.flush()
    return proposals
