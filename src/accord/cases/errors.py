"""Domain errors for casework; the API maps them to 422, 404 and 409."""

from __future__ import annotations


class CaseworkError(Exception):
    """Base for errors raised by casework services."""


class InvalidInput(CaseworkError):  # noqa: N818 (reads as the condition: raise InvalidInput)
    """Input the register or the record's state cannot accept; names the field and why.
    `location` is where the field was given: the request body, or the query of a list."""

    def __init__(self, field: str, message: str, *, location: str = "body") -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.location = location


class NotFound(CaseworkError):  # noqa: N818 (reads as the condition)
    """No such record for this caller (also said when it exists in another organisation)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} not found")
        self.what = what


class Conflict(CaseworkError):  # noqa: N818 (reads as the condition)
    """The record's state does not allow the change (e.g. closing a closed case)."""
