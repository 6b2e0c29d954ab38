"""Records made by one organisation, through the domains' own APIs, with unmistakable values.

Each `Group` is what one organisation made (with the people, ids and text in it); who else
may see it is computed afterwards from the store (the record's owner and the organisations it
was shared with) and the register's own sharing rules, never listed by hand.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from accord.gate import targets
from accord.gate.policy import organisation_access
from accord.gate.types import Target
from accord.register.registry import Registry
from security.accounts import Caller, credentials

# The partner agency a panel action is given to, which shares that one panel case with it.
PANEL_PARTNER = "metropolitan-police"
# Owners and sharers by register, known before seeding (used to pick whom to walk).
NOT_SECRET = {"meeting", "grant"}
OWNER = "owner."  # seeding accounts' emails, apart from the sweep's callers
RELATED = {"lvws": {"victim-support"}, "hounslow": {"hounslow", PANEL_PARTNER}}


@dataclass
class Group:
    """Records one organisation made, and what would give them away."""

    name: str
    register: str
    record_type: str
    root: str  # the record whose gate target says who owns and shares the group
    ids: dict[str, str]  # path/body parameter fragment -> id ("case", "subject", ...)
    values: list[str]  # identifying or sealed text no other record holds
    extra_ids: list[str] = field(default_factory=list)  # more ids of the group (parties)
    consent_purpose: str | None = None  # a purpose the group's person consented to
    aimed: bool = True  # calls are aimed at it (else only watched for leaks)
    target: Target | None = None

    @property
    def secret_ids(self) -> set[str]:
        """Ids that name the group's records or people (a meeting or grant id names neither)."""
        named = {v for k, v in self.ids.items() if k not in NOT_SECRET}
        return named | set(self.extra_ids)

    def may_see(self, registry: Registry, caller: Caller) -> bool:
        """Whether the register lets the caller's organisation have the group in full."""
        assert self.target is not None
        if caller.register != self.register:
            return False
        register = registry.get(self.register)
        return organisation_access(register, caller.organisation, self.target) == "full"


def _ok(response: Any, what: str) -> dict[str, Any]:
    assert response.status_code in (200, 201), f"seeding {what}: {response.text}"
    body: dict[str, Any] = response.json()
    return body


def _referral() -> dict[str, Any]:
    now = datetime.now(UTC)
    return {
        "register": "lvws",
        "role": "victim",
        "person": {
            "given_name": "Quillon",
            "family_name": "Vexmoor-Tarrant",
            "date_of_birth": "1979-02-03",
            "gender": "male",
            "phone": "07700 900417",
            "email": "quillon.vexmoor@example.org",
            "address": "41 Zanzibar Mews, London",
            "postcode": "SE5 0EG",
            "ethnicity": "White British",
        },
        "crime": {
            "crime_number": "4417771/26",
            "crime_date": (now - timedelta(days=2)).date().isoformat(),
            "crime_type": "burglary",
        },
        "consent": {
            "given": True,
            "captured_by": "PC 4417",
            "captured_at": (now - timedelta(hours=1)).isoformat(),
            "channel": "in-person",
        },
    }


def _lvws(session: Session, client: TestClient, registry: Registry) -> Group:
    police = credentials(
        session, client, registry, Caller("lvws", "police-referrer", "metropolitan-police", "token")
    )
    made = _ok(client.post("/api/referrals", json=_referral(), headers=police.headers), "referral")
    case_id, subject_id = made["case_id"], made["subject_id"]
    manager = credentials(
        session,
        client,
        registry,
        Caller("lvws", "team-manager", "victim-support", "user"),
        teams=[s.id for s in registry.get("lvws").services],
        prefix=OWNER,
    )
    consent = {
        "subject_id": subject_id,
        "register": "lvws",
        "controller": "victim-support",
        "purpose": "evaluation-sharing",
        "state": "given",
        "channel": "phone",
    }
    _ok(client.post("/api/consent", json=consent, headers=manager.headers), "consent")
    complaint = {
        "register": "lvws",
        "channel": "phone",
        "name": "Orlaith Brimscombe",
        "email": "orlaith.brimscombe@example.org",
        "details": "Complaint marker Halvergate-Thistlewood: nobody rang back.",
    }
    complaint_id = _ok(
        client.post("/api/complaints", json=complaint, headers=manager.headers), "complaint"
    )["id"]
    enquiry = {
        "register": "lvws",
        "channel": "phone",
        "name": "Perpetua Hollingworth-Quayle",
        "phone": "07700 900733",
        "message": "Enquiry marker Brackenfold-Ushant: is my case open?",
    }
    enquiry_id = _ok(
        client.post("/api/enquiries", json=enquiry, headers=manager.headers), "enquiry"
    )["id"]
    # a caseworker's access outside their caseload, waiting in the DPO's review queue
    worker = credentials(
        session, client, registry, Caller("lvws", "caseworker", "victim-support", "token")
    )
    record_type = made.get("record_type", "referral")
    grant = {
        "register": "lvws",
        "record_type": record_type,
        "record_id": case_id,
        "purpose": registry.get("lvws").record_type(record_type).purposes[0],
        "reason": "Covering for a colleague who is off sick this week.",
    }
    grant_id = _ok(
        client.post("/api/access/grants", json=grant, headers=worker.headers), "access grant"
    )["id"]
    return Group(
        name="lvws-case",
        register="lvws",
        record_type=record_type,
        root=case_id,
        consent_purpose=consent["purpose"],
        ids={
            "case": case_id,
            "subject": subject_id,
            "complaint": complaint_id,
            "enquiry": enquiry_id,
            "grant": grant_id,
            "record": case_id,
        },
        values=[
            "Quillon",
            "Vexmoor-Tarrant",
            "quillon.vexmoor@example.org",
            "900417",
            "Zanzibar Mews",
            "4417771/26",
            "Orlaith",
            "Brimscombe",
            "Halvergate-Thistlewood",
            "Perpetua",
            "Hollingworth-Quayle",
            "900733",
            "Brackenfold-Ushant",
        ],
    )


def _party(name: str, phone: str) -> dict[str, Any]:
    return {"role": "victim", "details": {"name": name, "telephone": phone}}


def _hounslow(session: Session, client: TestClient, registry: Registry) -> list[Group]:
    coordinator = credentials(
        session,
        client,
        registry,
        Caller("hounslow", "panel-coordinator", "hounslow", "user"),
        teams=["marac"],
        prefix=OWNER,
    )
    h = coordinator.headers

    def marac(victim: str, phone: str, perpetrator: str, referral: str) -> dict[str, Any]:
        body = {
            "register": "hounslow",
            "service": "marac",
            "parties": [
                _party(victim, phone),
                {"role": "perpetrator", "details": {"name": perpetrator}},
            ],
            "referral": {"referral-forms": referral},
            "risk_level": "high",
            "referred_by": "metropolitan-police",
        }
        return _ok(client.post("/api/panels/cases", json=body, headers=h), "panel case")

    shared = marac(
        "Wilhelmina Ashcombe-Prynne", "07700 900551", "Thaddeus Cragwell", "DASH marker Ombersley"
    )
    private = marac(
        "Rosalind Fenwick-Oddie", "07700 900662", "Bartholomew Scarth", "DASH marker Wendlebury"
    )
    meeting = {
        "register": "hounslow",
        "panel": "marac",
        "held_on": str(date.today()),
        "chair": "DI Chair",
    }
    meeting_id = _ok(client.post("/api/panels/meetings", json=meeting, headers=h), "meeting")["id"]
    for case in (shared, private):
        listing = {"case_id": case["id"]}
        url = f"/api/panels/meetings/{meeting_id}/listings"
        _ok(client.post(url, json=listing, headers=h), "listing")
    for case, marker in (
        (shared, "Minutes marker Kingsteignton"),
        (private, "Minutes marker Aldbourne"),
    ):
        url = f"/api/panels/meetings/{meeting_id}/listings/{case['id']}/minutes"
        _ok(client.put(url, json={"minutes": marker}, headers=h), "minutes")
    action = {
        "owner_agency": PANEL_PARTNER,
        "description": "Flag the address for urgent response",
        "due_on": str(date.today() + timedelta(days=7)),
        "meeting_id": meeting_id,
    }
    _ok(client.post(f"/api/panels/cases/{shared['id']}/actions", json=action, headers=h), "action")

    worker = credentials(
        session,
        client,
        registry,
        Caller("hounslow", "caseworker", "hounslow", "user"),
        teams=["dsv-outreach"],
        prefix=OWNER,
    )
    outreach_body = {
        "register": "hounslow",
        "service": "dsv-outreach",
        "parties": [
            {
                "role": "victim",
                "details": {"name": "Isolde Carrow-Penhallow", "address": "7 Quenington Row"},
            }
        ],
        "referral": {"referral-forms": "Self-referral marker Pebworth"},
    }
    outreach = _ok(
        client.post("/api/panels/cases", json=outreach_body, headers=worker.headers), "outreach"
    )
    request = {
        "record_id": outreach["id"],
        "recipient": PANEL_PARTNER,
        "fields": ["name", "address"],
        "risk": "Risk marker Gallowstree: perpetrator seen outside the refuge tonight.",
        "risk_level": "high",
        "necessity": "Necessity marker Yarnscombe: police need the address to attend.",
    }
    request_id = _ok(
        client.post("/api/disclosures/requests", json=request, headers=worker.headers), "request"
    )["id"]

    def group(name: str, case: dict[str, Any], values: list[str], **ids: str) -> Group:
        return Group(
            name=name,
            register="hounslow",
            record_type=case["record_type"],
            root=case["id"],
            ids={"case": case["id"], "record": case["id"], **ids},
            values=values,
        )

    groups = [
        group(
            "marac-shared",
            shared,
            ["Wilhelmina", "Ashcombe-Prynne", "900551", "Cragwell", "Ombersley", "Kingsteignton"],
            meeting=meeting_id,
        ),
        group(
            "marac-private",
            private,
            ["Rosalind", "Fenwick-Oddie", "900662", "Scarth", "Wendlebury", "Aldbourne"],
            meeting=meeting_id,
        ),
        group(
            "outreach-request",
            outreach,
            ["Isolde", "Carrow-Penhallow", "Quenington", "Pebworth", "Gallowstree", "Yarnscombe"],
            request=request_id,
        ),
    ]
    groups[1].aimed = False  # like the shared case but for its sharing: watched, not aimed at
    return groups


def seed(session: Session, client: TestClient, registry: Registry) -> list[Group]:
    groups = [_lvws(session, client, registry), *_hounslow(session, client, registry)]
    for group in groups:
        _resolve(session, group)
    return groups


def _resolve(session: Session, group: Group) -> None:
    """Who owns and shares the group, and every person in it, from the store."""
    from accord.panels.models import CaseParty

    session.expire_all()
    group.target = targets.resolve(
        session,
        register=group.register,
        record_type=group.record_type,
        record_id=uuid.UUID(group.root),
    )
    assert group.target is not None, f"no gate target for {group.name}"
    group.ids.setdefault("subject", str(group.target.subject_ids[0]))
    parties = session.query(CaseParty.subject_id).filter(CaseParty.case_id == uuid.UUID(group.root))
    group.extra_ids = sorted(
        {str(p.subject_id) for p in parties} | {str(s) for s in group.target.subject_ids}
    )
