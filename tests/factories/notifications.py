"""Fair-processing decisions about the people in a community safety case."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.orm import Session

from accord.gate.types import Actor
from accord.notifications.models import FairProcessingNotice
from accord.notifications.service import record_sent, withhold
from accord.panels.access import agencies_of, case_purpose, case_target
from accord.panels.models import SafetyCase

REASON = "Telling him would alert him to the referral and put the victim at risk."


def tell(
    session: Session,
    actor: Actor,
    case: SafetyCase,
    *,
    subject_id: uuid.UUID | None = None,
    channel: str = "letter",
) -> FairProcessingNotice:
    """Record that a person in the case (its main subject by default) was told, under the
    case's own purpose, as the notifications API does."""
    subject = subject_id or case.subject_id
    return record_sent(
        session,
        actor=actor,
        target=case_target(case, agencies_of(session, case.id), party=subject),
        subject_id=subject,
        purpose=case_purpose(case),
        channel=channel,
    )


def withhold_from(
    session: Session,
    actor: Actor,
    case: SafetyCase,
    *,
    subject_id: uuid.UUID | None = None,
    reason_code: str = "prejudicial",
    reason: str = REASON,
    review_on: datetime | None = None,
) -> FairProcessingNotice:
    """Record that a person in the case is not told, with a ground and an explanation."""
    subject = subject_id or case.subject_id
    return withhold(
        session,
        actor=actor,
        target=case_target(case, agencies_of(session, case.id), party=subject),
        subject_id=subject,
        purpose=case_purpose(case),
        reason_code=reason_code,
        reason=reason,
        review_on=review_on,
    )
