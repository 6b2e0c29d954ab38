"""Proposing a person already known to the service as the same person as a new referral.

Candidates come from the keyed blind indexes (exact name and date of birth, email, phone,
crime number, postcode), limited to people with a case the organisation holds or was sent.
Each candidate's identifiers are then decrypted through the gate and compared fuzzily
(rapidfuzz on the whole name, Jaro-Winkler on the family name, the date of birth allowing a
transposed day and month), so a typo or a changed email still finds them. Nothing is merged:
proposals wait for a caseworker, whose decision and reason are kept.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import jellyfish
from rapidfuzz import fuzz
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from accord.cases import purposes
from accord.cases.access import authorize, case_target, shares_of
from accord.cases.models import Case, CaseShare, MatchProposal
from accord.gate.types import AccessDenied, Action, Actor
from accord.keys.normalise import name_dob_value
from accord.people import service as people

PROPOSE_AT = 0.75  # overall score from which a caseworker is asked
MIN_NAME = 0.6  # below this the names are different people sharing a phone or address
MAX_CANDIDATES = 25
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
    """Subjects sharing an indexed identifier, with a case this organisation holds or was sent."""
    found: dict[uuid.UUID, set[str]] = defaultdict(set)
    for kind, value in values.items():
        for subject_id in people.find_subjects(session, register=register, kind=kind, value=value):
            if subject_id != exclude:
                found[subject_id].add(kind)
    if not found:
        return {}
    visible = session.scalars(
        select(Case.subject_id)
        .where(Case.subject_id.in_(list(found)), Case.register == register)
        .where(
            or_(
                Case.organisation == organisation,
                Case.id.in_(
                    select(CaseShare.case_id).where(CaseShare.organisation == organisation)
                ),
            )
        )
    )
    keep = set(visible)
    return {sid: kinds for sid, kinds in found.items() if sid in keep}


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
    proposals = []
    for subject_id in list(found)[:MAX_CANDIDATES]:
        earlier = session.scalars(
            select(Case)
            .where(Case.subject_id == subject_id, Case.register == case.register)
            .order_by(Case.received_at.desc())
            .limit(1)
        ).first()
        if earlier is None:
            continue
        try:
            authorize(
                session,
                actor=actor,
                purpose=purposes.CASEWORK,
                action=Action.READ,
                target=case_target(earlier, shares_of(session, earlier.id)),
                categories=NAME_CATEGORIES,
            )
        except AccessDenied:
            continue  # refused and audited by the gate: this candidate is not ours to compare
        old = people.unseal(session, subject_id=subject_id, blob=earlier.identity)
        result = score(values, old)
        if result.value < PROPOSE_AT:
            continue
        proposal = MatchProposal(
            case_id=case.id,
            subject_id=case.subject_id,
            candidate_subject_id=subject_id,
            candidate_case_id=earlier.id,
            score=result.value,
            reasons="; ".join(result.reasons),
        )
        session.add(proposal)
        proposals.append(proposal)
    session.flush()
    return proposals
