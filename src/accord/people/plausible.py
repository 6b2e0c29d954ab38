"""Plausibility checks for a person's identifiers, shared by every way data comes in.

Partner feeds (vectorised, `accord.feeds.validate`) and referral intake (one value at a
time, `accord.referrals.schemas`) apply the same rules: dates of birth from 1900, UK postcode
format, ASCII digits where a reference is numeric, and no control characters in text.
Messages name the rule, never the value, so they are safe to show and to keep.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

EARLIEST_BIRTH = date(1900, 1, 1)
# Outward code (area, district) and inward code (sector digit, unit letters); ASCII only.
UK_POSTCODE = r"^([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9])([A-Z]{2})$"
_UK_POSTCODE = re.compile(UK_POSTCODE)
# Line breaks and tabs are allowed in free text (an address, a description), never in names.
_LAYOUT = frozenset("\n\r\t")
# Bidirectional overrides reorder what a reader sees (a "Trojan source" name).
_BIDI = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def control_character(text: str, *, multiline: bool = False) -> str | None:
    """A description of the first control character in `text` (NUL, a terminal escape,
    a bidirectional override), or None when there is none."""
    for ch in text:
        if multiline and ch in _LAYOUT:
            continue
        if unicodedata.category(ch) == "Cc" or ch in _BIDI:
            return "a NUL byte" if ch == "\0" else f"a control character (U+{ord(ch):04X})"
    return None


def check_text(text: str, *, multiline: bool = False) -> str:
    """`text` unchanged, or ValueError when it holds a control character."""
    found = control_character(text, multiline=multiline)
    if found is not None:
        raise ValueError(f"contains {found}")
    return text


def check_birth_date(value: date, *, today: date) -> date:
    """A date of birth from 1900 to today, else ValueError saying which bound it breaks."""
    if value > today:
        raise ValueError("date of birth is in the future")
    if value < EARLIEST_BIRTH:
        raise ValueError(f"date of birth is before {EARLIEST_BIRTH.year}")
    return value


def uk_postcode(value: str) -> str:
    """The postcode upper-cased with one space before the inward code ("sw1a1aa" ->
    "SW1A 1AA"), or ValueError when it is not in the UK format."""
    compact = "".join(value.upper().split())
    match = _UK_POSTCODE.match(compact)
    if match is None:
        raise ValueError("not a UK postcode (like SW1A 1AA)")
    outward, sector, unit = match.groups()
    return f"{outward} {sector}{unit}"


def ascii_digits(text: str) -> bool:
    """True when every digit in `text` is 0-9 (no full-width or other-script digits)."""
    return all(ch.isascii() for ch in text if ch.isdigit())
