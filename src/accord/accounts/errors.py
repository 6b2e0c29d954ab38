"""Errors raised by account services, each naming the field or value at fault."""

from __future__ import annotations


class AccountError(ValueError):
    """Bad input to an account operation (unknown role, duplicate email, ...)."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")
