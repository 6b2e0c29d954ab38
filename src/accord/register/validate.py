"""Lawfulness and completeness rules that span a register (filled in by the register work)."""

from __future__ import annotations

from pathlib import Path

from accord.register.errors import Problem
from accord.register.schema import Register


def validate(register: Register, file: Path) -> list[Problem]:
    """Every problem in `register`; empty when it is lawful and complete."""
    problems: list[Problem] = []
    for index, record_type in enumerate(register.record_types):
        if record_type.retention is None and record_type.personal_data:
            problems.append(
                Problem(
                    file,
                    f"record_types[{index}].retention",
                    "retention-required",
                    f"record type {record_type.id!r} has no retention rule",
                )
            )
    return problems
