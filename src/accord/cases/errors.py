"""Domain errors for casework, in the project's one hierarchy (accord.errors): the web layer
answers them 422, 404 and 409."""

from __future__ import annotations

from accord.errors import AccordError, Conflict, Invalid, NotFound

CaseworkError = AccordError
InvalidInput = Invalid

__all__ = ["CaseworkError", "Conflict", "InvalidInput", "NotFound"]
