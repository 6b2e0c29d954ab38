"""Checks of caller input against the loaded registers, shared by the casework services."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping

from sqlalchemy.orm import Session

from accord.cases.errors import InvalidInput
from accord.people import service as people
from accord.register.registry import current_registry
from accord.register.schema import Register


def loaded_register(register_id: str, *, location: str = "body") -> Register:
    """The register, or InvalidInput naming the `register` field and the loaded ones."""
    registry = current_registry()
    try:
        return registry.get(register_id)
    except KeyError:
        loaded = ", ".join(sorted(registry.registers)) or "none"
        raise InvalidInput(
            "register",
            f"no register {register_id!r} is loaded (loaded: {loaded})",
            location=location,
        ) from None


def one_of(name: str, value: str | None, allowed: Iterable[str]) -> str | None:
    """A list filter's value when it is one of `allowed`, else InvalidInput naming the query
    parameter and the values it takes (an unknown value is a mistake, not an empty list)."""
    known = sorted(set(allowed))
    if value is not None and value not in known:
        raise InvalidInput(
            name, f"{value!r} is not one of {', '.join(known) or 'none'}", location="query"
        )
    return value


def organisation_in(register: Register, organisation: str) -> str:
    """`organisation` when the register names it, else InvalidInput naming the field."""
    if not any(o.id == organisation for o in register.organisations):
        raise InvalidInput("organisation", f"{organisation!r} is not in {register.id!r}")
    return organisation


def index_contact(session: Session, subject_id: uuid.UUID, values: Mapping[str, str]) -> None:
    """Blind indexes of the email and phone given, so that a rights request finds the record;
    a value the index cannot read (a phone number in words) is left unindexed, not refused."""
    for kind in ("email", "phone"):
        if values.get(kind):
            try:
                people.index_values(session, subject_id=subject_id, values={kind: values[kind]})
            except ValueError:
                continue
