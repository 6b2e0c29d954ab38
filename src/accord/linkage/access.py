"""Every linkage read or write passes the gate, under the configured register and purpose.

Linkage works on the record type `linked-person` (in the one register declaring it, unless
the configuration names one) for the purpose `data-matching`; the gate maps its actions to the linkage permissions:
- a run reads every partner's identifiers out to the linkage engine: Action.EXPORT
  (linkage:run:execute);
- status and the review queue are listings: Action.LIST (linkage:identifiers:read);
- a review decision updates a linked person: Action.UPDATE plus linkage:review:decide.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from accord.errors import Invalid
from accord.gate.catalogue import Permission
from accord.gate.types import Action, Actor, Decision, Target
from accord.linkage.config import LinkageConfig


def target(config: LinkageConfig) -> Target:
    if not config.register:
        raise Invalid(
            "register",
            f"no one loaded register declares the {config.record_type!r} record type: name it",
        )
    if not config.owner_organisation:
        raise Invalid(
            "owner_organisation",
            f"register {config.register!r} binds the role that runs linkage to no one"
            " organisation: name the organisation that owns the linked records",
        )
    return Target(
        register=config.register,
        record_type=config.record_type,
        owner_organisation=config.owner_organisation,
    )


def authorize(
    session: Session,
    *,
    actor: Actor,
    config: LinkageConfig,
    action: Action,
    permission: Permission | None = None,
) -> Decision:
    from accord.gate.service import authorize as gate_authorize

    return gate_authorize(
        session,
        actor=actor,
        purpose=config.purpose,
        action=action,
        target=target(config),
        permission=None if permission is None else permission.value,
    )


def actor_label(actor: Actor) -> str:
    """Who decided or ran something, for the linkage tables (an id, never a name)."""
    return str(actor.id) if actor.id is not None else f"{actor.kind}:{actor.organisation}"
