"""Errors about data subjects. Messages name subject ids and fields, never their values."""

from __future__ import annotations

import uuid

from accord import errors


class PeopleError(Exception):
    """Base for errors raised by accord.people."""


class SubjectNotFound(PeopleError, errors.NotFound):  # noqa: N818 (reads as the condition)
    """No such subject: 404 "No such person."; its text names the subject id, for logs."""

    def __init__(self, subject_id: uuid.UUID) -> None:
        errors.NotFound.__init__(self, "person", "No such person.")
        self.subject_id = subject_id

    def __str__(self) -> str:
        return f"no data subject {self.subject_id}"


class SubjectShredded(PeopleError, errors.Gone):  # noqa: N818 (reads as the condition)
    """The subject's data key has been destroyed: their encrypted fields are unreadable."""

    def __init__(self, subject_id: uuid.UUID) -> None:
        errors.Gone.__init__(self, "This person's data has been erased.")
        self.subject_id = subject_id

    def __str__(self) -> str:
        return f"data subject {self.subject_id} has been erased: their data key no longer exists"


class SealError(PeopleError):
    """A sealed blob is malformed, tampered with, or belongs to another subject."""
