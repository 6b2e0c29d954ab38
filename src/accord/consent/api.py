"""The consent ledger over HTTP: record a statement (a withdrawal applies its effect), read a
person's history, opt contact details out, and check before contacting anyone."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from accord.accounts.deps import CurrentActor
from accord.consent import ledger, optout, withdrawal
from accord.deps import DbSession
from accord.gate.types import Action
from accord.register.load import digest
from accord.register.registry import current_registry
from accord.web.errors import ERROR_RESPONSES as ERRORS

router = APIRouter(prefix="/api/consent", tags=["consent"])


class ConsentIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    subject_id: uuid.UUID
    register_id: str = Field(alias="register", description="The register id.")
    controller: str
    purpose: str
    state: ledger.ConsentState
    channel: ledger.Channel
    notice_digest: str | None = Field(
        None, description="Digest of the notice shown; the current register's when omitted."
    )
    expires_at: datetime | None = None
    email: str | None = Field(None, description="Withdrawal from a contact list: the address.")
    phone: str | None = None


class ConsentOut(BaseModel):
    id: uuid.UUID | None
    subject_id: uuid.UUID
    purpose: str
    state: str
    channel: str
    notice_digest: str
    recorded_at: datetime | None
    expires_at: datetime | None
    effect: str | None = None
    erased: bool = False
    message: str = ""


class OptOutIn(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    register_id: str = Field(alias="register", description="The register id.")
    purpose: str
    email: str | None = None
    phone: str | None = None
    channel: ledger.Channel = ledger.Channel.UNSUBSCRIBE_LINK


class MayContactOut(BaseModel):
    may_contact: bool


def _out(record: ledger.ConsentRecord) -> ConsentOut:
    return ConsentOut(
        id=record.id,
        subject_id=record.subject_id,
        purpose=record.purpose,
        state=record.state.value,
        channel=record.channel,
        notice_digest=record.notice_digest,
        recorded_at=record.recorded_at,
        expires_at=record.expires_at,
    )


@router.post("", status_code=201, responses=ERRORS)
def record(body: ConsentIn, session: DbSession, actor: CurrentActor) -> ConsentOut:
    """Record consent given, refused or withdrawn. A withdrawal applies the register's effect
    at once (deletion, exclusion from extracts, the opted-out list)."""
    notice = body.notice_digest or digest(current_registry().get(body.register_id))
    if body.state is ledger.ConsentState.WITHDRAWN:
        outcome = withdrawal.withdraw(
            session,
            actor=actor,
            subject_id=body.subject_id,
            register=body.register_id,
            controller=body.controller,
            purpose=body.purpose,
            channel=body.channel,
            notice_digest=notice,
            email=body.email,
            phone=body.phone,
        )
        out = (
            _out(outcome.record)
            if outcome.record
            else ConsentOut(
                id=None,
                subject_id=body.subject_id,
                purpose=body.purpose,
                state="withdrawn",
                channel=body.channel.value,
                notice_digest=notice,
                recorded_at=None,
                expires_at=None,
            )
        )
        out.effect, out.erased, out.message = (
            outcome.effect.value,
            outcome.erased,
            outcome.message,
        )
    else:
        out = _out(
            ledger.record_consent(
                session,
                actor=actor,
                subject_id=body.subject_id,
                register=body.register_id,
                controller=body.controller,
                purpose=body.purpose,
                state=body.state,
                channel=body.channel,
                notice_digest=notice,
                expires_at=body.expires_at,
            )
        )
    return out


@router.get("/subjects/{subject_id}", responses=ERRORS)
def history(
    subject_id: uuid.UUID, session: DbSession, actor: CurrentActor, purpose: str | None = None
) -> list[ConsentOut]:
    """Every consent statement of a person, oldest first; the last per purpose decides."""
    records = ledger.history(session, actor=actor, subject_id=subject_id, purpose=purpose)
    return [_out(r) for r in records]


@router.post("/opt-outs", status_code=201, responses=ERRORS)
def opt_out(body: OptOutIn, session: DbSession, actor: CurrentActor) -> dict[str, int]:
    """Put contact details on the opted-out list (e.g. from an unsubscribe link)."""
    added = optout.add_opt_out(
        session,
        actor=actor,
        register=body.register_id,
        purpose=body.purpose,
        email=body.email,
        phone=body.phone,
        channel=body.channel.value,
    )
    return {"added": added}


@router.post("/may-contact", responses=ERRORS)
def may_contact(body: OptOutIn, session: DbSession, actor: CurrentActor) -> MayContactOut:
    """Check contact details against the opted-out list before any contact (a POST, so no
    address ends up in a URL or an access log)."""
    register = current_registry().get(body.register_id)
    ledger.consent_purpose(register, body.purpose)
    optout.authorize_list(
        session, actor=actor, register=register, purpose=body.purpose, action=Action.READ
    )
    allowed = optout.may_contact(
        session,
        register=body.register_id,
        purpose=body.purpose,
        email=body.email,
        phone=body.phone,
    )
    return MayContactOut(may_contact=allowed)
