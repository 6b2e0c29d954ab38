"""k-anonymity for evaluation extracts: widen the quasi-identifiers until every combination of
them is shared by at least `k` people, and withhold the rows that still stand out.

Full-domain generalisation, as the statistical agencies' tools (ARX, sdcMicro) do it: every
row of a quasi-identifier is widened to the same level. Each level comes from the definition
(age bands, then wider bands; postcode sector, district, area; a category, then its group);
past the last level the value is withheld (`*`). While more than `max_suppressed` of the rows
sit in combinations shared by fewer than `k` people, the quasi-identifier with the most
distinct values is widened one level; what is left below `k` is withheld. People are counted,
not rows: a person with two cases in one combination counts once.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

from accord.register.report_schema import PostcodeLevel, QuasiIdentifier

WITHHELD = "*"
UNKNOWN = "not known"


def levels(qi: QuasiIdentifier) -> int:
    """How many levels a quasi-identifier has before it is withheld."""
    if qi.bands:
        return len(qi.bands)
    if qi.postcode:
        return len(qi.postcode)
    return 1 + len(qi.groups)  # the value itself, then each grouping


def band(value: int, bounds: Sequence[int]) -> str:
    """An age band label: 'under 18', '18-24', ..., '65 and over'."""
    if value < bounds[0]:
        return f"under {bounds[0]}"
    for low, high in itertools.pairwise(bounds):
        if value < high:
            return f"{low}-{high - 1}"
    return f"{bounds[-1]} and over"


_OUTWARD = re.compile(r"^([A-Z]{1,2})[0-9][0-9A-Z]?$")


def postcode_part(value: str, level: PostcodeLevel | str) -> str:
    """SW1A 1AA -> 'SW1A 1' (sector), 'SW1A' (district), 'SW' (area); the inward code is
    always the last three characters, with or without the space."""
    compact = re.sub(r"\s+", "", value.upper())
    outward, inward = compact[:-3], compact[-3:]
    found = _OUTWARD.match(outward)
    if found is None or not inward[:1].isdigit():
        return UNKNOWN
    if level == PostcodeLevel.AREA:
        return found.group(1)
    if level == PostcodeLevel.DISTRICT:
        return outward
    return f"{outward} {inward[0]}"


def widen(value: Any, qi: QuasiIdentifier, level: int) -> str:
    """The value as released at `level` (0 is the finest the definition allows)."""
    if level >= levels(qi):
        return WITHHELD
    if value is None or value == "":
        return UNKNOWN
    if qi.bands:
        return band(int(value), qi.bands[level])
    if qi.postcode:
        return postcode_part(str(value), qi.postcode[level])
    if level == 0:
        return str(value)
    return qi.groups[level - 1].get(str(value), "other")


@dataclass
class Anonymised:
    """The rows kept (quasi-identifiers widened), the level each quasi-identifier reached,
    how many rows were withheld, and what was done, in words."""

    rows: list[dict[str, Any]]
    levels: dict[str, int]
    withheld: int
    smallest: int  # people in the smallest combination released (0 when nothing is)
    notes: list[str] = field(default_factory=list)


def _classes(
    rows: Sequence[dict[str, Any]],
    people: Sequence[Hashable],
    qis: Sequence[QuasiIdentifier],
    at: dict[str, int],
) -> tuple[list[tuple[str, ...]], dict[tuple[str, ...], set[Hashable]]]:
    keys = [tuple(widen(r.get(q.field), q, at[q.field]) for q in qis) for r in rows]
    members: dict[tuple[str, ...], set[Hashable]] = defaultdict(set)
    for key, person in zip(keys, people, strict=True):
        members[key].add(person)
    return keys, members


def anonymise(
    rows: Sequence[dict[str, Any]],
    people: Sequence[Hashable],
    qis: Sequence[QuasiIdentifier],
    *,
    k: int,
    max_suppressed: float,
) -> Anonymised:
    """`rows` hold each quasi-identifier's value under its field; `people[i]` is who row i is
    about. Returns the rows to release, each quasi-identifier replaced by its widened value."""
    at = {q.field: 0 for q in qis}
    allowed = int(max_suppressed * len(rows))
    while True:
        keys, members = _classes(rows, people, qis, at)
        small = {key for key, who in members.items() if len(who) < k}
        standing_out = sum(1 for key in keys if key in small)
        widenable = [q for q in qis if at[q.field] < levels(q)]
        if standing_out <= allowed or not widenable:
            break
        distinct = {
            q.field: len({widen(r.get(q.field), q, at[q.field]) for r in rows}) for q in widenable
        }
        # the most varied first; on a tie the one named first in the definition
        chosen = max(widenable, key=lambda q: (distinct[q.field], -qis.index(q)))
        at[chosen.field] += 1
    kept: list[dict[str, Any]] = []
    for row, key in zip(rows, keys, strict=True):
        if key in small:
            continue
        kept.append({**row, **{q.field: value for q, value in zip(qis, key, strict=True)}})
    released = [len(who) for key, who in members.items() if key not in small]
    notes = []
    for q in qis:
        name = q.label or q.field
        if at[q.field] >= levels(q):
            notes.append(f"{name}: withheld for everyone, as no level of it kept {k} together.")
        elif at[q.field] > 0:
            notes.append(f"{name}: widened to level {at[q.field] + 1} of {levels(q)}.")
    withheld = len(rows) - len(kept)
    if withheld:
        notes.append(
            f"{withheld} row(s) withheld: their combination of "
            f"{', '.join(q.label or q.field for q in qis)} was shared by fewer than {k} people."
        )
    return Anonymised(
        rows=kept,
        levels=dict(at),
        withheld=withheld,
        smallest=min(released, default=0),
        notes=notes,
    )
