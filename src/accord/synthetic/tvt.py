"""The feed contracts of Thames Valley Together's partner datasets, as Python objects.

These are the same contracts as the `feeds:` section of registers/tvt.yaml (a test keeps the
two equal); the generator writes rows in these fields so its output ingests like real
deliveries. Field names differ between partners on purpose: real systems name things
differently, and `match_as` maps each identifier field to its matching column.
"""

from __future__ import annotations

from typing import Any

from accord.register.schema import FeedContract, FeedField

AREA_CODE = "area"

_LOOKBACK: dict[str, Any] = {"lookback": "6 years"}
_PURPOSE = "serious-violence-duty"


def _f(name: str, type_: str, role: str = "attribute", **kw: Any) -> FeedField:
    return FeedField.model_validate({"name": name, "type": type_, "role": role, **kw})


def _ident(name: str, type_: str, match_as: str, categories: list[str], **kw: Any) -> FeedField:
    return _f(name, type_, "identifier", match_as=match_as, categories=categories, **kw)


OFFENCE_GROUPS = [
    "violence-with-injury",
    "violence-without-injury",
    "robbery",
    "possession-of-weapons",
    "sexual-offences",
    "domestic-abuse",
    "drug-offences",
]
INVOLVEMENTS = ["victim", "suspect", "witness"]
CARE_SERVICES = [
    "early-help",
    "child-in-need",
    "child-protection",
    "looked-after",
    "adult-safeguarding",
]
RISK_FACTORS = [
    "domestic-abuse",
    "parental-substance-misuse",
    "school-exclusion",
    "missing-episodes",
    "exploitation",
    "mental-health",
]
INCIDENT_TYPES = [
    "deliberate-fire",
    "accidental-fire",
    "safe-and-well-visit",
    "malicious-false-alarm",
    "hoarding",
]

POLICE = FeedContract.model_validate(
    {
        "partner": "thames-valley-police",
        "dataset": "crime-events",
        "description": "People involved in crimes and incidents relevant to serious violence.",
        "key": "crime_ref",
        "delivery": "delta",
        "cadence": "1 days",
        "purpose": _PURPOSE,
        **_LOOKBACK,
        "date_field": "event_date",
        "delete_field": "deleted",
        "fields": [
            _f("crime_ref", "string", "key", required=True, categories=["partner-reference"]),
            _ident("forename", "string", "first_name", ["name"], required=True),
            _ident("surname", "string", "surname", ["name"], required=True),
            _ident("date_of_birth", "date", "dob", ["date-of-birth"]),
            _ident("address", "string", "address", ["address"]),
            _ident("postcode", "string", "postcode", ["address"]),
            _ident("phone", "string", "phone", ["contact-details"]),
            _ident("email", "string", "email", ["contact-details"]),
            _f("event_date", "date", required=True, categories=["crime-involvement"]),
            _f(
                "offence_group",
                "code",
                required=True,
                codes=OFFENCE_GROUPS,
                categories=["crime-involvement"],
            ),
            _f(
                "involvement",
                "code",
                required=True,
                codes=INVOLVEMENTS,
                categories=["crime-involvement"],
            ),
            _f("knife_involved", "boolean", categories=["crime-involvement"]),
            _f("lsoa", "string", categories=[AREA_CODE]),
            _f("deleted", "boolean"),
        ],
    }
)


def _care(partner: str, names: dict[str, str]) -> FeedContract:
    n = names
    return FeedContract.model_validate(
        {
            "partner": partner,
            "dataset": "social-care",
            "description": "Social care involvement (children's and adults') with its risk factors.",
            "key": n["key"],
            "delivery": "snapshot",
            "cadence": "7 days",
            "purpose": _PURPOSE,
            **_LOOKBACK,
            "date_field": n["date"],
            "fields": [
                _f(n["key"], "string", "key", required=True, categories=["partner-reference"]),
                _ident(n["first"], "string", "first_name", ["name"], required=True),
                _ident(n["last"], "string", "surname", ["name"], required=True),
                _ident(n["dob"], "date", "dob", ["date-of-birth"], required=True),
                _ident(n["address"], "string", "address", ["address"]),
                _ident(n["postcode"], "string", "postcode", ["address"]),
                _ident(n["phone"], "string", "phone", ["contact-details"]),
                _ident(n["email"], "string", "email", ["contact-details"]),
                _f(n["date"], "date", required=True, categories=["social-care-involvement"]),
                _f(
                    "service",
                    "code",
                    required=True,
                    codes=CARE_SERVICES,
                    categories=["social-care-involvement"],
                ),
                _f(
                    "risk_factor",
                    "code",
                    codes=RISK_FACTORS,
                    categories=["social-care-involvement"],
                ),
                _f("closed_date", "date", categories=["social-care-involvement"]),
                _f("lsoa", "string", categories=[AREA_CODE]),
            ],
        }
    )


OXFORDSHIRE_CARE = _care(
    "oxfordshire-cc",
    {"key": "case_id", "first": "first_name", "last": "last_name", "dob": "dob",
     "address": "address", "postcode": "postcode", "phone": "phone", "email": "email",
     "date": "referral_date"},
)  # fmt: skip
READING_CARE = _care(
    "reading-bc",
    {"key": "client_ref", "first": "given_name", "last": "family_name", "dob": "birth_date",
     "address": "address_line", "postcode": "post_code", "phone": "telephone",
     "email": "email_address", "date": "contact_date"},
)  # fmt: skip

FIRE = FeedContract.model_validate(
    {
        "partner": "oxfordshire-fire",
        "dataset": "incidents",
        "description": "Fire and rescue incidents and prevention visits, with the occupant.",
        "key": "incident_id",
        "delivery": "snapshot",
        "cadence": "7 days",
        "purpose": _PURPOSE,
        **_LOOKBACK,
        "date_field": "incident_date",
        "fields": [
            _f("incident_id", "string", "key", required=True, categories=["partner-reference"]),
            _ident("occupant_forename", "string", "first_name", ["name"]),
            _ident("occupant_surname", "string", "surname", ["name"], required=True),
            _ident("occupant_dob", "date", "dob", ["date-of-birth"]),
            _ident("address", "string", "address", ["address"], required=True),
            _ident("postcode", "string", "postcode", ["address"], required=True),
            _ident("phone", "string", "phone", ["contact-details"]),
            _f("incident_date", "date", required=True, categories=["fire-prevention"]),
            _f(
                "incident_type",
                "code",
                required=True,
                codes=INCIDENT_TYPES,
                categories=["fire-prevention"],
            ),
            _f("safeguarding_referral", "boolean", categories=["fire-prevention"]),
            _f("lsoa", "string", categories=[AREA_CODE]),
        ],
    }
)

CENSUS_PARTNER = "ons"
CENSUS = FeedContract.model_validate(
    {
        "partner": CENSUS_PARTNER,
        "dataset": "census-areas",
        "description": "Census 2021 attributes of each LSOA (areas, not people).",
        "key": "lsoa",
        "delivery": "snapshot",
        "cadence": "1 years",
        "purpose": _PURPOSE,
        "personal_data": False,
        "fields": [
            _f("lsoa", "string", "key", required=True, categories=[AREA_CODE]),
            _f("lsoa_name", "string", categories=[AREA_CODE]),
            _f("population", "integer", required=True, categories=[AREA_CODE]),
            _f("imd_decile", "integer", required=True, categories=[AREA_CODE]),
            _f("pct_social_rented", "number", categories=[AREA_CODE]),
        ],
    }
)

PERSON_FEEDS: tuple[FeedContract, ...] = (POLICE, OXFORDSHIRE_CARE, READING_CARE, FIRE)
ALL_FEEDS: tuple[FeedContract, ...] = (*PERSON_FEEDS, CENSUS)


def feed_key(contract: FeedContract) -> str:
    return f"{contract.partner}/{contract.dataset}"
