"""Errors raised by key handling. Messages never carry key material or personal data."""

from __future__ import annotations


class KeysError(Exception):
    """Base for key-handling errors."""


class UnknownMasterKey(KeysError):  # noqa: N818 (reads as the condition it reports)
    """A data key is wrapped under a master key this keyring does not hold."""

    def __init__(self, key_id: str) -> None:
        super().__init__(
            f"data key is wrapped under master key {key_id!r}, which this keyring does not hold"
        )
        self.key_id = key_id


class UnwrapFailed(KeysError):  # noqa: N818 (reads as the condition it reports)
    """The wrapped key failed authentication (tampered, or bound to another subject)."""


class InvalidMasterKey(KeysError):  # noqa: N818 (reads as the condition it reports)
    """Master key material is missing or malformed (names the source, never the value)."""


class KeystoreMisconfigured(KeysError):  # noqa: N818 (reads as the condition it reports)
    """The keystore would share a database with the case data (defeating crypto-shredding)."""
