"""Permission checks for operations that are not reads of a register record type.

Recording a consent statement, logging a disclosure or approving one are acts of their own:
the actor needs the catalogue permission for the act, whatever the state of the subject's
consent (a withdrawal must always be recordable). Reads and writes of the personal data itself
still go through `accord.gate.service.authorize`.
"""

from __future__ import annotations

from accord.gate.catalogue import Permission
from accord.gate.types import AccessDenied, Actor, Decision, ReasonCode


def require(actor: Actor, permission: Permission, *, purpose: str = "") -> None:
    """Raise AccessDenied (no-permission) unless the actor holds `permission`."""
    if actor.kind == "system" or permission.value in actor.permissions:
        return
    decision = Decision(allowed=False, reason=ReasonCode.NO_PERMISSION, purpose=purpose)
    raise AccessDenied(decision, f"{permission.value} is needed")
