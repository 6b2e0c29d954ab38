"""Errors about data subjects. Messages name subject ids and fields, never their values."""

from __future__ import annotations

import uuid


class PeopleError(Exception):
    """Base for errors raised by accord.people."""


class SubjectNotFound(PeopleError):  # noqa: N818 (reads as the condition it reports)
    def __init__(self, subject_id: uuid.UUID) -> None:
        super().__init__(f"no data subject {subject_id}")
        self.subject_id = subject_id


class SubjectShredded(PeopleError):  # noqa: N818 (reads as the condition it reports)
    """The subject's data key has been destroyed: their encrypted fields are unreadable."""

    def __init__(self, subject_id: uuid.UUID) -> None:
        super().__init__(
            f"data subject {subject_id} has been erased: their data key no longer exists"
        )
        self.subject_id = subject_id


class SealError(PeopleError):
    """A sealed blob is malformed, tampered with, or belongs to another subject."""
