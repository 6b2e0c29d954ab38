"""Normalising identifiers before blind indexing, so differently written values match.

Each kind has one canonical form; every function is idempotent (normalising a canonical
value returns it unchanged) and raises ValueError naming the kind (never quoting the value,
which is personal data) when the value cannot be read. Kinds: `name`, `date`, `name_dob` ("name|date"), `date_of_birth` (a date alone), `email`, `phone`,
`crime_number`, `postcode`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime

from dateutil import parser as date_parser

NAME_DOB_SEPARATOR = "|"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UK_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_PHONE_NOISE = re.compile(r"[\s\-().\/]")
_NOT_ALNUM = re.compile(r"[^0-9A-Za-z]")


def name(value: str) -> str:
    """Casefold, drop accents, punctuation and whitespace: "Zoë O'Brien" -> "zoeobrien"."""
    result = value
    # Casefolding can expose new decomposable letters; repeat until nothing changes so the
    # function is idempotent (two rounds are enough for any real name).
    for _ in range(4):
        decomposed = unicodedata.normalize("NFKD", result.casefold())
        folded = "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))
        if folded == result:
            break
        result = folded
    if not result:
        raise ValueError("name: no letters or digits to index")
    return result


def iso_date(value: str | date) -> str:
    """ISO 8601 date. Strings in UK order are read day first: "01/02/1990" is 1 February."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = value.strip()
    if _ISO_DATE.match(text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError("date: not a real calendar date") from None
    numeric = _UK_NUMERIC_DATE.match(text)
    if numeric:  # the common case, without the general parser's cost
        day, month, year = (int(part) for part in numeric.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            raise ValueError("date: not a real calendar date") from None
    # Parse against two different defaults: if the answers differ, the text left out a day,
    # month or year, and a guessed date would index the wrong person.
    try:
        first = date_parser.parse(text, dayfirst=True, default=datetime(2000, 1, 1))
        second = date_parser.parse(text, dayfirst=True, default=datetime(2001, 2, 2))
    except (ValueError, OverflowError):
        raise ValueError("date: cannot read as a date (e.g. 31/01/1990 or 1990-01-31)") from None
    if first.date() != second.date():
        raise ValueError("date: needs a day, month and year")
    return first.date().isoformat()


def name_dob(value: str) -> str:
    """ "Jane Smith|31/01/1990" -> "janesmith|1990-01-31"."""
    person, sep, born = value.rpartition(NAME_DOB_SEPARATOR)
    if not sep:
        raise ValueError(
            f"name_dob: expected 'name{NAME_DOB_SEPARATOR}date of birth' (see name_dob_value)"
        )
    return f"{name(person)}{NAME_DOB_SEPARATOR}{iso_date(born)}"


def name_dob_value(person: str, born: str | date) -> str:
    """Build the `name_dob` value from its two parts."""
    return f"{person}{NAME_DOB_SEPARATOR}{born if isinstance(born, str) else born.isoformat()}"


def email(value: str) -> str:
    result = value.strip().lower()
    local, at, domain = result.rpartition("@")
    if not at or not local or "." not in domain or any(ch.isspace() for ch in result):
        raise ValueError("email: not an email address")
    return result


def phone(value: str) -> str:
    """UK numbers to +44 form: "07700 900123", "+44 (0)7700-900123", "0044..." -> "+447700900123".
    Numbers with another country code keep it ("+33 1 ..." -> "+331...")."""
    text = _PHONE_NOISE.sub("", value.strip().replace("(0)", ""))
    if text.startswith("00"):
        text = "+" + text[2:]
    if text.startswith("+"):
        digits = text[1:]
    elif text.startswith("0"):
        digits = "44" + text[1:]
    elif text.startswith("44") and len(text) in (12, 13):
        digits = text
    else:
        raise ValueError("phone: expected a UK number starting 0, +44 or 0044, or +country code")
    if digits.startswith("440"):  # "+44 0..." written with the trunk zero kept
        digits = "44" + digits[3:]
    if not digits.isdigit() or not 8 <= len(digits) <= 15:
        raise ValueError("phone: not a telephone number")
    if digits.startswith("440") or (digits.startswith("44") and len(digits) not in (11, 12)):
        raise ValueError("phone: a UK number has 9 or 10 digits after the 0")
    return "+" + digits


def crime_number(value: str) -> str:
    """Uppercase without spaces or separators: "ab/1234/22" -> "AB123422"."""
    result = _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", value)).upper()
    if not result:
        raise ValueError("crime_number: no letters or digits")
    return result


def postcode(value: str) -> str:
    """Uppercase without spaces: "sw1a 1aa" -> "SW1A1AA"."""
    result = _NOT_ALNUM.sub("", value).upper()
    if not 5 <= len(result) <= 7:
        raise ValueError("postcode: a UK postcode has 5 to 7 letters and digits")
    return result


NORMALISERS: dict[str, Callable[[str], str]] = {
    "name": name,
    "date": iso_date,
    "name_dob": name_dob,
    "date_of_birth": iso_date,
    "email": email,
    "phone": phone,
    "crime_number": crime_number,
    "postcode": postcode,
}


def normalise(kind: str, value: str) -> str:
    try:
        normaliser = NORMALISERS[kind]
    except KeyError:
        raise ValueError(
            f"unknown index kind {kind!r} (expected one of {', '.join(NORMALISERS)})"
        ) from None
    if not isinstance(value, str):
        raise ValueError(f"{kind}: expected text, got {type(value).__name__}")
    return normaliser(value)
