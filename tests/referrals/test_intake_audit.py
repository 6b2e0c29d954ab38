"""A referral's gate decisions each leave their own entry in the audit trail, chained in
order, whether allowed or refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.cases import purposes
from accord.gate import audit
from accord.gate.models import AuditEntry
from accord.gate.types import AccessDenied
from accord.referrals import intake
from accord.referrals.schemas import PoliceReferralIn
from cases.lvws import make_actor, refer, referral_body


def _entries_after(session: Session, seq: int) -> list[AuditEntry]:
    return list(
        session.scalars(select(AuditEntry).where(AuditEntry.seq > seq).order_by(AuditEntry.seq))
    )


def _last_seq(session: Session) -> int:
    return session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1)) or 0


def test_intake_and_equality_decisions_are_two_entries(session: Session) -> None:
    start = _last_seq(session)
    refer(session)
    entries = _entries_after(session, start)
    created = [(e.purpose, e.outcome) for e in entries if e.action == "create"]
    assert created == [(purposes.INTAKE, "allowed"), (purposes.EQUALITY, "allowed")]
    assert "ethnicity" in entries[1].categories
    assert [e.seq for e in entries] == list(range(start + 1, start + 1 + len(entries)))
    assert audit.verify(session).ok


def test_a_refused_referral_leaves_its_refusal_in_the_trail(session: Session) -> None:
    start = _last_seq(session)
    nobody = make_actor("metropolitan-police", "administrator", kind="token")
    data = PoliceReferralIn.model_validate(referral_body())
    with pytest.raises(AccessDenied):
        intake.receive(session, actor=nobody, intake=intake.from_police(data, actor=nobody))
    entries = _entries_after(session, start)
    assert [(e.purpose, e.outcome) for e in entries] == [(purposes.INTAKE, "refused")]
    assert audit.verify(session).ok
