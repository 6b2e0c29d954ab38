"""Checks of caller input against the loaded registers, shared by the casework services."""

from __future__ import annotations

from accord.cases.errors import InvalidInput
from accord.register.registry import current_registry
from accord.register.schema import Register


def loaded_register(register_id: str) -> Register:
    """The register, or InvalidInput naming the `register` field."""
    try:
        return current_registry().get(register_id)
    except KeyError:
        raise InvalidInput("register", f"no register {register_id!r} is loaded") from None


def organisation_in(register: Register, organisation: str) -> str:
    """`organisation` when the register names it, else InvalidInput naming the field."""
    if not any(o.id == organisation for o in register.organisations):
        raise InvalidInput("organisation", f"{organisation!r} is not in {register.id!r}")
    return organisation
