"""An `anonymise` rule keeps only the statistics the record type marks, generalised, and
leaves nothing that identifies the person: their key goes once none of their other records
need it, and the record stays countable."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases import workflow
from accord.cases.models import Case, CaseEvent
from accord.cases.schemas import AssignmentIn, NotTakenUpIn
from accord.people.crypto import current_crypto
from accord.people.models import Subject
from accord.register.registry import Registry
from factories.actors import actor
from factories.cases import dob_for_age, refer
from factories.registers import register, using
from retention.support import moment, run


@pytest.fixture
def anonymising() -> Iterator[Registry]:
    rule = {
        "trigger": "referral_not_taken_up",
        "period": "12 months",
        "action": "anonymise",
        "source": "test: statistics kept for the commissioner's returns",
    }
    changed = register(
        "lvws",
        record_types={"referral": {"retention": rule, "statistical": ["age", "crime_type"]}},
    )
    with using(changed) as found:
        yield found


def test_an_anonymised_referral_keeps_only_its_banded_statistics(
    session: Session, anonymising: Registry
) -> None:
    worker = actor("lvws", "caseworker", "victim-support", checked=False)
    manager = actor("lvws", "team-manager", "victim-support", teams=("intake",), checked=False)
    with time_machine.travel(moment(2026, 3, 2), tick=False):
        accepted = refer(session, person__date_of_birth=dob_for_age(37))
        workflow.assign(
            session,
            actor=manager,
            case_id=accepted.case_id,
            data=AssignmentIn(user_id=worker.id),  # type: ignore[arg-type]
        )
        workflow.mark_not_taken_up(
            session,
            actor=worker,
            case_id=accepted.case_id,
            data=NotTakenUpIn(reason="declined", note="Does not want contact from anyone"),
        )
    with time_machine.travel(moment(2027, 3, 1), tick=False):
        assert run(session).counts == {}
    with time_machine.travel(moment(2027, 3, 3), tick=False):
        result = run(session)
        assert result.counts == {
            ("lvws", "victim-support", "referral", "anonymise", "anonymised"): 1
        }
        assert run(session).counts == {}  # off the clock: never again
    case = session.get(Case, accepted.case_id)
    assert case is not None
    assert (case.age, case.crime_type, case.police_reference) == (30, "burglary", None)
    assert case.equality is None
    assert case.retention_due is None
    details = session.scalars(select(CaseEvent.detail).where(CaseEvent.case_id == case.id))
    assert all(detail is None for detail in details)
    subject = session.get(Subject, accepted.subject_id)
    assert subject is not None
    assert subject.state == "anonymised"
    assert current_crypto().keystore.get(accepted.subject_id) is None
    assert result.keys_destroyed == 1


@pytest.fixture
def anonymising_enquiries() -> Iterator[Registry]:
    rule = {
        "trigger": "created",
        "period": "6 weeks",
        "action": "anonymise",
        "source": "test: enquiries counted by channel for the service's returns",
    }
    changed = register("lvws", record_types={"web-enquiry": {"retention": rule}})
    with using(changed) as found:
        yield found


def test_an_anonymised_enquiry_keeps_its_channel_and_dates_and_names_nobody(
    session: Session, anonymising_enquiries: Registry
) -> None:
    from accord.enquiries import service as enquiries
    from accord.enquiries.models import Enquiry
    from accord.enquiries.schemas import EnquiryIn
    from accord.people import service as people
    from accord.people.errors import SubjectShredded

    worker = actor("lvws", "caseworker", "victim-support")
    with time_machine.travel(moment(2026, 2, 2), tick=False):
        made = enquiries.record_enquiry(
            session,
            actor=worker,
            data=EnquiryIn(
                register_id="lvws",
                channel="web",
                name="Lee",
                email="lee@example.org",
                message="my neighbour",
            ),  # type: ignore[arg-type]
        )
    with time_machine.travel(moment(2026, 3, 17), tick=False):
        result = run(session)
        assert result.counts == {
            ("lvws", "victim-support", "web-enquiry", "anonymise", "anonymised"): 1
        }
        assert run(session).counts == {}  # off the clock
    enquiry = session.get(Enquiry, made.id)
    assert enquiry is not None
    assert (enquiry.channel, enquiry.record_type, enquiry.retention_due) == (
        "web",
        "web-enquiry",
        None,
    )
    assert enquiry.assigned_user is None
    assert result.keys_destroyed == 1
    with pytest.raises(SubjectShredded):
        people.unseal(session, subject_id=enquiry.subject_id, blob=enquiry.content)
