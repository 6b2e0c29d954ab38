"""List scoping: the filter the gate gives a caller, on a table shaped like a domain's cases."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from gate_fixtures import COMMISSIONER, ORG_A, ORG_B, actor
from sqlalchemy import Column, MetaData, String, Table, Uuid, select
from sqlalchemy.orm import Session

from accord.gate import access
from accord.gate.models import AuditEntry
from accord.gate.service import ScopeColumns, visible
from accord.gate.types import AccessDenied, Action, Actor, ReasonCode, Target
from accord.people.models import Subject

pytestmark = pytest.mark.usefixtures("registry")

# A stand-in for a domain's table, created inside the test's transaction only.
cases = Table(
    "gate_test_cases",
    MetaData(),
    Column("id", Uuid, primary_key=True),
    Column("owner_organisation", String(64)),
    Column("assigned_user", Uuid, nullable=True),
    Column("team", String(64), nullable=True),
    Column("shared_with", String(64), nullable=True),
    Column("subject_id", Uuid),
)
COLUMNS = ScopeColumns(
    owner_organisation=cases.c.owner_organisation,
    assigned_user=cases.c.assigned_user,
    team=cases.c.team,
    record_id=cases.c.id,
    shared_with=lambda org: cases.c.shared_with == org,
    subject_id=cases.c.subject_id,
)
WORKER, COLLEAGUE = uuid.uuid4(), uuid.uuid4()


@pytest.fixture
def rows(session: Session) -> Iterator[dict[str, uuid.UUID]]:
    cases.create(session.connection())
    made: dict[str, uuid.UUID] = {}

    def add(
        name: str, owner: str, assigned: uuid.UUID | None, team: str | None, **more: object
    ) -> None:
        subject = Subject(
            register="t", organisation=owner, restricted=bool(more.pop("restricted", False))
        )
        session.add(subject)
        session.flush()
        made[name] = uuid.uuid4()
        session.execute(
            cases.insert().values(
                id=made[name], owner_organisation=owner, assigned_user=assigned, team=team,
                subject_id=subject.id, **more,
            )
        )  # fmt: skip

    add("mine", ORG_A, WORKER, "north")
    add("colleague-north", ORG_A, COLLEAGUE, "north")
    add("colleague-south", ORG_A, COLLEAGUE, "south")
    add("restricted-mine", ORG_A, WORKER, "north", restricted=True)
    add("theirs", ORG_B, WORKER, "north")
    add("theirs-shared", ORG_B, WORKER, "north", shared_with=ORG_A)
    yield made
    cases.drop(session.connection())


def _listed(
    session: Session, who: Actor, rows: dict[str, uuid.UUID], purpose: str = "support"
) -> set[str]:
    scope = visible(
        session, actor=who, purpose=purpose, record_type="case", register="t", columns=COLUMNS
    )
    ids = set(session.scalars(select(cases.c.id).where(scope.where)))
    return {name for name, rid in rows.items() if rid in ids}


def test_caseworker_lists_own_cases_and_those_shared_with_the_organisation(
    session: Session, rows: dict[str, uuid.UUID]
) -> None:
    worker = actor(actor_id=WORKER, teams=frozenset({"north"}))
    assert _listed(session, worker, rows) == {"mine", "theirs-shared"}
    assert _listed(session, worker, rows, "legal") == {"mine", "restricted-mine", "theirs-shared"}


def test_team_manager_and_dpo_see_wider_caseloads_within_the_organisation(
    session: Session, rows: dict[str, uuid.UUID]
) -> None:
    manager = actor("team-manager", teams=frozenset({"north"}))
    assert _listed(session, manager, rows) == {"mine", "colleague-north", "theirs-shared"}
    dpo = actor("dpo")
    assert _listed(session, dpo, rows) == {
        "mine",
        "colleague-north",
        "colleague-south",
        "theirs-shared",
    }
    org_b_dpo = actor("dpo", organisation=ORG_B)
    assert _listed(session, org_b_dpo, rows) == {"theirs", "theirs-shared"}


def test_a_current_grant_adds_the_record_to_the_list(
    session: Session, rows: dict[str, uuid.UUID]
) -> None:
    worker = actor(actor_id=WORKER, teams=frozenset({"north"}))
    subject = session.scalar(
        select(cases.c.subject_id).where(cases.c.id == rows["colleague-south"])
    )
    assert subject is not None
    target = Target(
        register="t", record_type="case", owner_organisation=ORG_A, record_id=rows["colleague-south"],
        subject_ids=(subject,), assigned_user=COLLEAGUE, team="south",
    )  # fmt: skip
    access.request_access(
        session,
        actor=worker,
        purpose="support",
        target=target,
        reason="Covering the duty desk today",
    )
    assert "colleague-south" in _listed(session, worker, rows)


def test_listing_is_audited_and_refused_without_permission(
    session: Session, rows: dict[str, uuid.UUID]
) -> None:
    worker = actor(actor_id=WORKER)
    scope = visible(
        session, actor=worker, purpose="support", record_type="case", register="t", columns=COLUMNS
    )
    entry = session.get(
        AuditEntry,
        session.scalar(select(AuditEntry.seq).where(AuditEntry.id == scope.decision.audit_id)),
    )
    assert entry is not None
    assert (entry.action, entry.outcome, entry.record_type) == ("list", "allowed", "case")
    with pytest.raises(AccessDenied) as caught:
        visible(
            session,
            actor=worker,
            purpose="equality",
            record_type="case",
            register="t",
            columns=COLUMNS,
        )
    assert caught.value.decision.reason == ReasonCode.PURPOSE_NOT_FOR_ROLE


def test_commissioner_counts_without_identifying_categories_and_never_lists(
    session: Session, rows: dict[str, uuid.UUID]
) -> None:
    commissioner = actor("commissioner", organisation=COMMISSIONER)
    with pytest.raises(AccessDenied) as caught:
        visible(
            session,
            actor=commissioner,
            purpose="stats",
            record_type="case",
            register="t",
            columns=COLUMNS,
        )
    assert caught.value.decision.reason == ReasonCode.NO_PERMISSION
    scope = visible(
        session, actor=commissioner, purpose="stats", record_type="case", register="t",
        columns=COLUMNS, action=Action.AGGREGATE,
    )  # fmt: skip
    assert scope.decision.categories == {"needs", "age-band"}
    # counts over both organisations' active, unrestricted subjects (anonymous statistics)
    counted = set(session.scalars(select(cases.c.id).where(scope.where)))
    assert {n for n, rid in rows.items() if rid in counted} == set(rows) - {"restricted-mine"}


def test_counting_drops_identifying_categories_for_everyone(
    session: Session, rows: dict[str, uuid.UUID]
) -> None:
    dpo = actor("dpo")
    scope = visible(
        session, actor=dpo, purpose="support", record_type="case", register="t",
        columns=COLUMNS, action=Action.AGGREGATE,
    )  # fmt: skip
    assert scope.decision.categories == {"needs", "offence", "age-band"}
    equality = visible(
        session, actor=dpo, purpose="equality", record_type="case", register="t",
        columns=COLUMNS, action=Action.AGGREGATE,
    )  # fmt: skip
    assert equality.decision.categories == {"ethnicity", "age-band"}
    # the organisation's active, unrestricted subjects, whoever's caseload they are in
    counted = set(session.scalars(select(cases.c.id).where(scope.where)))
    assert {n for n, rid in rows.items() if rid in counted} == {
        "mine", "colleague-north", "colleague-south", "theirs-shared",
    }  # fmt: skip


def test_a_consent_purpose_lists_only_people_whose_consent_stands(
    session: Session, rows: dict[str, uuid.UUID]
) -> None:
    from accord.consent.ledger import record_consent

    worker = actor(actor_id=WORKER, teams=frozenset({"north"}))
    assert _listed(session, worker, rows, "referral-on") == set()
    subject = session.scalar(select(cases.c.subject_id).where(cases.c.id == rows["mine"]))
    assert subject is not None
    recorder = actor()
    statement = {
        "subject_id": subject,
        "register": "t",
        "controller": ORG_A,
        "purpose": "referral-on",
        "channel": "phone",
        "notice_digest": "d" * 64,
    }
    record_consent(session, actor=_with_consent_permission(recorder), state="given", **statement)
    assert _listed(session, worker, rows, "referral-on") == {"mine"}
    record_consent(
        session, actor=_with_consent_permission(recorder), state="withdrawn", **statement
    )
    assert _listed(session, worker, rows, "referral-on") == set()


def _with_consent_permission(who: Actor) -> Actor:
    return Actor(
        who.id, who.kind, who.organisation, who.roles, who.permissions | {"consent:record:create"}
    )
