"""Record types' field and timeline mappings: each category named must be one the record type
holds, or every write of that field would be refused and every read would drop it."""

from __future__ import annotations

from pathlib import Path

from accord.register.errors import Problem
from accord.register.schema import Register


def check_fields(register: Register, file: Path) -> list[Problem]:
    problems: list[Problem] = []
    for i, rt in enumerate(register.record_types):
        held = set(rt.categories)
        for key, mapping, what in (("fields", rt.fields, "field"), ("events", rt.events, "entry")):
            for name, category in mapping.items():
                if category in held:
                    continue
                problems.append(
                    Problem(
                        file,
                        f"record_types[{i}].{key}.{name}",
                        "field-category-not-held",
                        f"record type {rt.id!r} maps {what} {name!r} to category {category!r}, "
                        f"which it does not hold (categories: {', '.join(rt.categories)})",
                    )
                )
    return problems
