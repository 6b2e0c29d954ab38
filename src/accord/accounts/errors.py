"""Errors raised by account services, each naming the field or value at fault."""

from __future__ import annotations

from accord.errors import Invalid


class AccountError(Invalid):
    """Bad input to an account operation (unknown role, duplicate email, ...)."""
