"""Code lists and reference formats accepted at intake.

Crime references. Two formats are accepted, after trimming and upper-casing:
- a Metropolitan Police CRIS crime number: seven digits, a slash, the two-digit year
  (`1234567/24`);
- a CAD (computer-aided dispatch) reference: `CAD`, one to five digits, a slash and the
  day, month and two-digit year of the call (`CAD 1234/23NOV24`, the space optional).
Anything else is refused with the formats named, so a police system sending something else
is told exactly what to change.
"""

from __future__ import annotations

import re
from datetime import date, datetime

# ASCII digits only: `\d` would also take full-width and other-script digits.
CRIS_PATTERN = re.compile(r"^[0-9]{7}/[0-9]{2}$")
CAD_PATTERN = re.compile(r"^CAD ?([0-9]{1,5})/([0-9]{2})([A-Z]{3})([0-9]{2})$")
CRIME_NUMBER_FORMATS = "a CRIS number like 1234567/24 or a CAD reference like CAD 1234/23NOV24"

# Crime types a police referral may carry (the police systems' groupings, kebab-case).
CRIME_TYPES: frozenset[str] = frozenset(
    {
        "anti-social-behaviour",
        "arson",
        "burglary",
        "criminal-damage",
        "domestic-abuse",
        "fraud",
        "harassment",
        "hate-crime",
        "homicide",
        "modern-slavery",
        "online-crime",
        "robbery",
        "sexual-offence",
        "stalking",
        "theft",
        "vehicle-crime",
        "violence-with-injury",
        "violence-without-injury",
    }
)
# Crime types routed as domestic abuse unless the referral says otherwise.
DOMESTIC_ABUSE_TYPES: frozenset[str] = frozenset({"domestic-abuse"})

GENDERS: frozenset[str] = frozenset({"female", "male", "non-binary", "other", "not-stated"})
CONSENT_CHANNELS: frozenset[str] = frozenset({"in-person", "phone", "online", "written"})
# The capacity in which the person is referred.
PERSON_ROLES: frozenset[str] = frozenset({"victim", "witness"})


def normalise_crime_number(value: str) -> str:
    """Return the canonical form of an accepted crime reference, or raise ValueError."""
    text = " ".join(value.strip().upper().split())
    if CRIS_PATTERN.match(text):
        return text
    match = CAD_PATTERN.match(text)
    if match:
        number, day, month, year = match.groups()
        try:
            datetime.strptime(f"{day}{month}{year}", "%d%b%y")
        except ValueError:
            raise ValueError("the CAD reference has no valid call date") from None
        return f"CAD {number}/{day}{month}{year}"
    raise ValueError(f"not {CRIME_NUMBER_FORMATS}")


def check_crime_type(value: str) -> str:
    code = value.strip().lower()
    if code not in CRIME_TYPES:
        raise ValueError(f"unknown crime type; expected one of {', '.join(sorted(CRIME_TYPES))}")
    return code


def age_on(dob: date, on: date) -> int:
    return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))
