"""Register problems, each naming the file, the path inside it and the rule broken."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
