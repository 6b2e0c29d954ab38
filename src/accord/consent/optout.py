"""The opted-out list: people who asked never to be contacted again for a purpose.

Entries are keyed blind indexes of a normalised email or phone number (HMAC under the index
key, from accord.keys), so " Jane.Doe@Example.ORG " and "jane.doe@example.org" are the same
entry and the table holds no address. `may_contact` is checked before any contact.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from accord.consent.ledger import ConsentError, consent_purpose
from accord.consent.models import OptOut
from accord.gate.service import authorize
from accord.gate.types import Action, Actor, Target
from accord.people.crypto import current_crypto
from accord.register.registry import current_registry
from accord.register.schema import OrgRole, Register

KINDS = ("email", "phone")


@dataclass(frozen=True)
class ContactDetails:
    email: str | None = None
    phone: str | None = None

    def pairs(self) -> list[tuple[str, str]]:
        out = []
        for kind in KINDS:
            value = getattr(self, kind)
            if value is not None and value.strip():
                out.append((kind, value))
        return out


def _digest(kind: str, value: str) -> str:
    try:
        return current_crypto().indexer.digest(kind, value).hex()
    except ValueError as exc:
        raise ConsentError(kind, str(exc)) from None


def add_opt_out(
    session: Session,
    *,
    actor: Actor,
    register: str,
    purpose: str,
    email: str | None = None,
    phone: str | None = None,
    channel: str,
) -> int:
    """Put these contact details on the opted-out list; returns how many entries were new."""
    reg = current_registry().get(register)
    consent_purpose(reg, purpose)
    if actor.kind != "system":  # a job (an unsubscribe link) acts for the controller
        authorize_list(session, actor=actor, register=reg, purpose=purpose, action=Action.CREATE)
    pairs = ContactDetails(email=email, phone=phone).pairs()
    if not pairs:
        raise ConsentError("email, phone", "give at least one contact detail to opt out")
    added = 0
    for kind, value in pairs:
        digest = _digest(kind, value)
        exists = session.scalar(
            select(OptOut.id).where(
                OptOut.register == register,
                OptOut.purpose == purpose,
                OptOut.kind == kind,
                OptOut.blind_index == digest,
            )
        )
        if exists is not None:
            continue
        session.add(
            OptOut(
                register=register,
                purpose=purpose,
                kind=kind,
                blind_index=digest,
                channel=channel,
                recorded_by_kind=actor.kind,
            )
        )
        added += 1
    session.flush()
    return added


def authorize_list(
    session: Session, *, actor: Actor, register: Register, purpose: str, action: Action
) -> None:
    """Pass the gate for the purpose's opted-out list, held by the register's controller.

    Whether an address is on it says the person subscribed, so it is personal data like the
    rest: only a role of that register working for the purpose, at a controller holding
    the list, adds to it or asks about it (refusals are audited and raise AccessDenied).
    """
    authorize(
        session,
        actor=actor,
        purpose=purpose,
        action=action,
        target=Target(
            register=register.id,
            record_type=list_record_type(register, purpose),
            owner_organisation=list_holder(register, actor.organisation),
        ),
    )


def list_record_type(register: Register, purpose: str) -> str:
    """The record type holding the purpose's opted-out list: one named for it
    (`<x>-opt-out`) if the register has it, else the purpose's personal data."""
    held = [r for r in register.record_types if purpose in r.purposes and r.personal_data]
    for record_type in held:
        if record_type.id.endswith("opt-out"):
            return record_type.id
    if not held:
        raise ConsentError(
            "purpose", f"no record type in register {register.id!r} holds {purpose!r}"
        )
    return held[0].id


def list_holder(register: Register, organisation: str) -> str:
    """The controller whose list it is: the asker's organisation when it is a controller of
    the register, else the register's first controller (so the gate sees another's list)."""
    controllers = [
        o.id
        for o in register.organisations
        if o.role in (OrgRole.CONTROLLER, OrgRole.JOINT_CONTROLLER)
    ]
    if organisation in controllers or not controllers:
        return organisation
    return controllers[0]


def may_contact(
    session: Session,
    *,
    register: str,
    purpose: str,
    email: str | None = None,
    phone: str | None = None,
) -> bool:
    """False when any of the given contact details is on the opted-out list for the purpose.

    Call it with every detail you are about to use: a person who opted out by email is not
    contacted at that address whatever else is known about them.
    """
    pairs = ContactDetails(email=email, phone=phone).pairs()
    if not pairs:
        raise ConsentError("email, phone", "name the contact detail you are about to use")
    for kind, value in pairs:
        hit = session.scalar(
            select(OptOut.id).where(
                OptOut.register == register,
                OptOut.purpose == purpose,
                OptOut.kind == kind,
                OptOut.blind_index == _digest(kind, value),
            )
        )
        if hit is not None:
            return False
    return True


def opted_out_count(session: Session, *, register: str, purpose: str) -> int:
    """How many entries the list holds (for statistics; it holds no addresses)."""
    rows = session.scalars(
        select(OptOut.id).where(OptOut.register == register, OptOut.purpose == purpose)
    )
    return len(list(rows))


def contactable(session: Session, *, register: str, purpose: str, emails: list[str]) -> list[str]:
    """The addresses of a send list that may be contacted: everyone on the opted-out list is
    dropped, however their address is written (the check the notice promises before sending)."""
    return [e for e in emails if may_contact(session, register=register, purpose=purpose, email=e)]
