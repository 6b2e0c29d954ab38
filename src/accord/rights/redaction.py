"""Finding other people in a person's records, to withhold what is about them.

Two ways, both proposing an item to withhold under the third-party exemption until a
reviewer decides:

- by who they are: each other person a record names is a data subject accord knows (a panel
  case's other parties, the main subject of a case the requester is only a party to); their
  details are withheld as a whole, and their names are looked for in free text;
- by patterns in free text: the names of those people, UK phone numbers, email addresses,
  postcodes and National Insurance numbers.

The requester's own identifiers (from their confirmed records and the request) are never
withheld from them: a match that normalises to one of them is left in place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from accord.keys import normalise

WITHHELD = "[withheld]"

PATTERNS: dict[str, re.Pattern[str]] = {
    "email": re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),
    "phone": re.compile(r"(?<![\w+])(?:\+44\s?(?:\(0\)\s?)?|0044\s?|0)\d(?:[\s-]?\d){8,9}(?!\d)"),
    "postcode": re.compile(
        r"\b(?:[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?|GIR)\s?\d[ABD-HJLNP-UW-Z]{2}\b", re.IGNORECASE
    ),
    "ni-number": re.compile(
        r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b",
        re.IGNORECASE,
    ),
}  # fmt: skip
WORDS = {
    "name": "another person's name",
    "email": "an email address",
    "phone": "a phone number",
    "postcode": "a postcode",
    "ni-number": "a National Insurance number",
}
_NORMAL = {"email": normalise.email, "phone": normalise.phone, "postcode": normalise.postcode}
MIN_NAME = 3  # a name part shorter than this is not looked for (initials match everywhere)


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    pattern: str  # name, email, phone, postcode, ni-number
    occurrence: int  # the n-th hit of this pattern in the text (a stable item key)


@dataclass
class Own:
    """The requester's own identifiers, normalised: never withheld from them."""

    values: dict[str, set[str]] = field(default_factory=dict)
    name_words: set[str] = field(default_factory=set)  # each word of their names, normalised

    @classmethod
    def of(cls, given: Iterable[tuple[str, str]]) -> Own:
        own = cls()
        for kind, value in given:
            own.add(kind, value)
        return own

    def add(self, kind: str, value: str) -> None:
        canonical = _canonical(kind, value)
        if canonical is not None:
            self.values.setdefault(kind, set()).add(canonical)
        if kind == "name":
            self.name_words |= {
                normalise.name(w) for w in value.split() if any(c.isalnum() for c in w)
            }

    def holds(self, kind: str, value: str) -> bool:
        canonical = _canonical(kind, value)
        return canonical is not None and canonical in self.values.get(kind, set())


def _canonical(kind: str, value: str) -> str | None:
    if kind == "name":
        return normalise.name(value) if any(ch.isalnum() for ch in value) else None
    fn = _NORMAL.get(kind)
    if fn is None:
        return re.sub(r"\s", "", value).upper()
    try:
        return fn(value)
    except ValueError:
        return None


def name_parts(names: Iterable[str], own: Own) -> list[str]:
    """Each other person's full name and its parts long enough to look for, longest first,
    leaving out parts the requester's own name shares (their surname, say)."""
    mine = own.name_words
    found: set[str] = set()
    for name in names:
        name = " ".join(name.split())
        if not name:
            continue
        if normalise.name(name) not in own.values.get("name", set()):
            found.add(name)
        for part in name.split():
            if len(part) >= MIN_NAME and normalise.name(part) not in mine:
                found.add(part)
    return sorted(found, key=lambda n: (-len(n), n))


def find(text: str, *, names: Iterable[str], own: Own) -> list[Hit]:
    """Where other people's names and identifiers are in `text`, without overlaps."""
    spans: list[tuple[int, int, str]] = []
    kept: list[tuple[int, int]] = []  # the requester's own identifiers: nothing inside is hidden
    for kind, pattern in PATTERNS.items():
        for match in pattern.finditer(text):
            if own.holds(kind, match.group(0)):
                kept.append((match.start(), match.end()))
            else:
                spans.append((match.start(), match.end(), kind))
    for name in names:
        for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", text, re.IGNORECASE):
            spans.append((match.start(), match.end(), "name"))
    spans = [s for s in spans if not any(s[0] < end and start < s[1] for start, end in kept)]
    return list(_numbered(_without_overlaps(spans)))


def _without_overlaps(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(spans, key=lambda s: (s[0], -(s[1] - s[0]))):
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, kind))
    return kept


def _numbered(spans: list[tuple[int, int, str]]) -> Iterator[Hit]:
    seen: dict[str, int] = {}
    for start, end, kind in spans:
        seen[kind] = seen.get(kind, 0) + 1
        yield Hit(start, end, kind, seen[kind])


def apply(text: str, hits: Iterable[tuple[Hit, bool]]) -> str:
    """`text` with each hit marked True replaced by the withheld marker."""
    out, at = [], 0
    for hit, withhold in sorted(hits, key=lambda h: h[0].start):
        if not withhold:
            continue
        out.append(text[at : hit.start])
        out.append(WITHHELD)
        at = hit.end
    out.append(text[at:])
    return "".join(out)
