"""The nickname table shipped with the package (Bob/Robert, Liz/Elizabeth ...).

Used by the generator to put nicknames into records and available to linkage as a comparison
aid. The table is `nicknames.csv` next to this module: one `name,nickname` pair per line.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


@cache
def pairs() -> tuple[tuple[str, str], ...]:
    """Every (formal name, nickname) pair in the table."""
    text = resources.files(__package__).joinpath("nicknames.csv").read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple((row["name"], row["nickname"]) for row in rows)


@cache
def nicknames_of() -> dict[str, tuple[str, ...]]:
    """Formal name -> its nicknames."""
    table: dict[str, list[str]] = {}
    for name, nickname in pairs():
        table.setdefault(name, []).append(nickname)
    return {name: tuple(nicks) for name, nicks in table.items()}


def same_name(a: str, b: str) -> bool:
    """True when the two forenames are equal or one is a listed nickname of the other."""
    x, y = a.strip().title(), b.strip().title()
    if x == y:
        return True
    return y in nicknames_of().get(x, ()) or x in nicknames_of().get(y, ())
