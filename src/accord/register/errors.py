"""Register problems, each naming the file, the path inside it and the rule broken."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from accord import errors


@dataclass(frozen=True)
class Problem:
    file: Path
    path: str  # e.g. "purposes[3].basis.art9"
    rule: str  # short rule code, e.g. "art9-condition-required"
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.path}: [{self.rule}] {self.message}"


class RegisterError(Exception):
    """A register that is malformed, unlawful or incomplete."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class NotInRegisters(errors.NotFound, KeyError):  # noqa: N818 (reads as the condition)
    """No loaded register, or nothing in a register (organisation, purpose, role ...), has
    this id: 404, and still a KeyError for callers that look an id up."""

    def __init__(self, what: str, item_id: str) -> None:
        super().__init__(what, f"no {what} {item_id!r}")

    def __str__(self) -> str:
        return self.message
