"""Changes to access, and sign-ins, are written to the audit trail by id, never by name."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.accounts import service, tokens
from accord.accounts.models import User
from accord.gate import audit
from accord.gate.models import AuditEntry
from accord.settings import Settings


def entries(session: Session, record_id: object) -> list[AuditEntry]:
    rows = session.scalars(
        select(AuditEntry).where(AuditEntry.purpose == "accounts").order_by(AuditEntry.seq)
    )
    return [r for r in rows if str(record_id) in r.record_ids]


def test_account_changes_are_audited_without_personal_data(
    session: Session, settings: Settings, user: User
) -> None:
    service.add_role(session, user=user, register="alpha", role="dpo")
    service.remove_role(session, user=user, register="alpha", role="dpo")
    service.set_active(session, user=user, active=False)
    rows = entries(session, user.id)
    assert [(r.action, r.register, r.ref) for r in rows] == [
        ("create", "", None),
        ("grant-role", "alpha", "caseworker"),
        ("grant-role", "alpha", "dpo"),
        ("remove-role", "alpha", "dpo"),
        ("disable", "", None),
    ]
    assert all(r.actor_kind == "system" and r.actor_organisation == "org-a" for r in rows)
    for row in rows:
        text = " ".join(
            str(v) for v in (row.actor_organisation, row.ref, row.record_ids, row.reason)
        )
        assert "casey" not in text.lower()
    assert audit.verify(session).ok


def test_tokens_and_lockouts_are_audited(session: Session, settings: Settings, user: User) -> None:
    issued = tokens.create_token(
        session, name="Feed", organisation="org-b", register="alpha", role="referrer"
    )
    tokens.revoke_token(session, token_id=issued.token.id)
    assert [r.action for r in entries(session, issued.token.id)] == ["create", "revoke"]
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=UTC), tick=False):
        for _ in range(5):
            service.authenticate(
                session, settings=settings, email=user.email, password="wrong one!"
            )
    lock = entries(session, user.id)[-1]
    assert (lock.action, lock.outcome, lock.reason) == ("lock", "refused", "too-many-failures")
