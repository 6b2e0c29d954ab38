"""The errors every layer raises when a request cannot be done, each with the HTTP status it
becomes. The web layer turns them into one response shape (accord.web.errors); services raise
them without knowing about HTTP.

The shape of every 403, 404, 409 and 410 is {"detail": {"message", "reason"?, "field"?}}; a
422 keeps FastAPI's own list of {loc, msg, type}, so a client parses one format per status.
"""

from __future__ import annotations

from typing import Any, ClassVar


class AccordError(Exception):
    """A request that cannot be done; `status` is the HTTP answer it becomes."""

    status: ClassVar[int] = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def detail(self) -> dict[str, Any]:
        return {"message": self.message}


class NotFound(AccordError):  # noqa: N818 (reads as the condition: raise NotFound)
    """No such record for this caller (also said when it exists in another organisation)."""

    status = 404

    def __init__(self, what: str, message: str | None = None) -> None:
        super().__init__(message or f"{what.capitalize()} not found.")
        self.what = what


class Invalid(AccordError):  # noqa: N818 (reads as the condition)
    """Input that cannot be accepted; names the field and why. `location` is where the field
    was given: the request body, the query or the path."""

    status = 422

    def __init__(self, field: str, message: str, *, location: str = "body") -> None:
        super().__init__(message)
        self.field = field
        self.location = location

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"

    def detail(self) -> dict[str, Any]:
        return {"message": self.message, "field": self.field}


class Conflict(AccordError):  # noqa: N818 (reads as the condition)
    """The record's state does not allow the change (e.g. closing a closed case); `field`
    names the input that met the conflict, when one did."""

    status = 409

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    def detail(self) -> dict[str, Any]:
        return {"message": self.message} | ({"field": self.field} if self.field else {})


class Refused(AccordError):  # noqa: N818 (reads as the condition)
    """The gate refused; `reason` is its reason code. The refusal is already audited."""

    status = 403

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason

    def detail(self) -> dict[str, Any]:
        return {"reason": self.reason, "message": self.message}


class Gone(AccordError):  # noqa: N818 (reads as the condition)
    """The record existed and has been erased."""

    status = 410
