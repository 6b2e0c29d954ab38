"""Releasing an approved risk-of-harm request: once only, even when two releases race, and
with the values the record holds in the categories its register names."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from accord.accounts.deps import current_actor
from accord.cases import workflow
from accord.cases.schemas import AssignmentIn
from accord.disclosures.models import DisclosureEntry, DisclosureRequest
from accord.disclosures.requests import AlreadyReleased, decide, release, request_disclosure
from accord.gate.types import Actor, Target
from accord.people.service import create_subject, erase_subject
from accord.register.schema import Register
from factories.actors import actor
from factories.cases import self_referral
from factories.registers import using

RISK = "Partner has threatened to kill her this week and has access to a knife."
NECESSITY = "Police need the address to carry out a welfare check today; nothing else."
RECORD = {"name": "Jo Bloggs", "address": "1 High St", "phone": "07700900000", "needs": "x"}


def _approved(
    setup: Session, register: Register, caseworker: Actor, manager: Actor
) -> tuple[uuid.UUID, Target, DisclosureRequest]:
    """A new person's record with a risk-of-harm request approved and committed."""
    subject_id = create_subject(setup, register=register.id, organisation="hub").id
    target = Target(
        register=register.id,
        record_type="case",
        owner_organisation="hub",
        record_id=uuid.uuid4(),
        subject_ids=(subject_id,),
        assigned_user=caseworker.id,
    )
    pending = request_disclosure(
        setup,
        actor=caseworker,
        target=target,
        subject_id=subject_id,
        recipient="police-safeguarding",
        fields=["name", "address"],
        risk=RISK,
        risk_level="high",
        necessity=NECESSITY,
    )
    decide(setup, actor=manager, request_id=pending.id, approve=True)
    setup.commit()
    return subject_id, target, pending


def _logged(session: Session, subject_id: uuid.UUID) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(DisclosureEntry)
            .where(DisclosureEntry.subject_id == subject_id)
        )
        or 0
    )


def test_a_release_racing_another_is_refused_and_logs_nothing(
    engine: Engine, register: Register, caseworker: Actor, manager: Actor
) -> None:
    """The second of two releases that both saw the request approved (read before the first
    committed) is refused by the conditional update, not logged a second time."""
    setup = Session(engine, expire_on_commit=False)
    subject_id, target, pending = _approved(setup, register, caseworker, manager)
    try:
        first = Session(engine, expire_on_commit=False)
        second = Session(engine, expire_on_commit=False)
        try:
            # Both see the request approved before either releases it.
            for racer in (first, second):
                assert racer.get_one(DisclosureRequest, pending.id).state == "approved"
                racer.commit()
            release(first, actor=caseworker, request_id=pending.id, target=target, values=RECORD)
            first.commit()
            with pytest.raises(AlreadyReleased, match="already released"):
                release(
                    second, actor=caseworker, request_id=pending.id, target=target, values=RECORD
                )
        finally:
            first.close()
            second.close()
        assert _logged(setup, subject_id) == 1
    finally:
        setup.rollback()
        erase_subject(setup, subject_id=subject_id)
        setup.commit()
        setup.close()


@pytest.fixture
def hub() -> Iterator[Register]:
    with using("cambs-hub") as registry:
        yield registry.get("cambs-hub")


def test_name_and_address_are_released_from_the_sealed_record(
    app: FastAPI, client: TestClient, session: Session, hub: Register
) -> None:
    caseworker = actor(hub, "caseworker")
    manager = actor(hub, "team-manager", teams=("intake",))
    accepted = self_referral(session, caseworker, email=None)
    workflow.assign(
        session,
        actor=manager,
        case_id=accepted.case_id,
        data=AssignmentIn(user_id=caseworker.id, team="intake"),
    )
    session.commit()

    app.dependency_overrides[current_actor] = lambda: caseworker
    raised = client.post(
        "/api/disclosures/requests",
        json={
            "record_id": str(accepted.case_id),
            "recipient": "emergency-services",
            "fields": ["name", "address"],
            "risk": RISK,
            "risk_level": "high",
            "necessity": NECESSITY,
        },
    )
    assert raised.status_code == 201, raised.text
    request_id = raised.json()["id"]
    app.dependency_overrides[current_actor] = lambda: manager
    decided = client.post(
        f"/api/disclosures/requests/{request_id}/decision", json={"approve": True}
    )
    assert decided.status_code == 200, decided.text

    app.dependency_overrides[current_actor] = lambda: caseworker
    released = client.post(f"/api/disclosures/requests/{request_id}/release", json={})
    assert released.status_code == 200, released.text
    values = released.json()["values"]
    assert values["address"] == {"address": "4 Mill Road, Cambridge"}
    assert values["name"] == {"given_name": "Hannah", "family_name": "Walker"}
    assert "07700" not in released.text  # contact details were not approved
    assert released.json()["disclosure"]["fields"] == ["name", "address"]


def test_concurrent_releases_disclose_once(
    engine: Engine, register: Register, caseworker: Actor, manager: Actor
) -> None:
    """Two releases at the same moment on separate connections: one is logged, the other
    is refused as already released."""
    if engine.dialect.name != "postgresql":
        pytest.skip("concurrent writers wait on row locks on PostgreSQL only")
    setup = Session(engine, expire_on_commit=False)
    subject_id, target, pending = _approved(setup, register, caseworker, manager)
    try:
        start = threading.Barrier(2)
        outcomes: list[str] = []

        def attempt() -> None:
            with Session(engine, expire_on_commit=False) as racer:
                racer.get_one(DisclosureRequest, pending.id)
                start.wait(timeout=30)
                try:
                    release(
                        racer, actor=caseworker, request_id=pending.id, target=target, values=RECORD
                    )
                    racer.commit()
                    outcomes.append("released")
                except AlreadyReleased:
                    racer.rollback()
                    outcomes.append("conflict")

        threads = [threading.Thread(target=attempt) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(outcomes) == ["conflict", "released"]
        assert _logged(setup, subject_id) == 1
    finally:
        setup.rollback()
        erase_subject(setup, subject_id=subject_id)
        setup.commit()
        setup.close()
