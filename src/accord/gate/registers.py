"""The register a request is about when its caller does not name one.

A list or a command that takes a register takes it from the caller when it is not given:
the one register the actor holds roles in. No register is a built-in default; an actor
holding roles in several (or none) is asked to name one (422 naming `register`).
"""

from __future__ import annotations

from accord.errors import Invalid
from accord.gate.types import Actor
from accord.register.registry import current_registry


def registers_held(actor: Actor) -> list[str]:
    """The ids of the registers the actor holds a role in: those its grants name; for an actor
    built without grants, every loaded register naming its organisation with one of its
    roles."""
    if actor.grants:
        return sorted({register for register, _ in actor.grants})
    return sorted(
        register.id
        for register in current_registry().registers_of(actor.organisation)
        if any(
            role.id in actor.roles and role.organisation in (None, actor.organisation)
            for role in register.roles
        )
    )


def register_for(
    actor: Actor, register: str | None, *, field: str = "register", location: str = "query"
) -> str:
    """`register` when given, else the one register the actor holds roles in."""
    if register is not None:
        return register
    held = registers_held(actor)
    if len(held) == 1:
        return held[0]
    why = f"you hold roles in {', '.join(held)}" if held else "you hold no role in any register"
    raise Invalid(field, f"name the register: {why}", location=location)
