"""The exemptions an access bundle may withhold an item under (DPA 2018 Schedules 2 and 3).

Each names its provision. Withholding information about another person (Schedule 2 Part 3
paragraph 16) needs the factors paragraph 16(3) lists weighed and recorded: the duty of
confidentiality owed to them, the steps taken to seek their consent, whether they are
capable of giving it, and any express refusal. Disclosing it needs the same factors, and
either their consent or the reason it is reasonable to disclose without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from accord.errors import Invalid

THIRD_PARTY = "third-party"


@dataclass(frozen=True)
class Exemption:
    code: str
    title: str  # in plain words, as the requester reads it
    provision: str


EXEMPTIONS: dict[str, Exemption] = {
    e.code: e
    for e in (
        Exemption(
            THIRD_PARTY,
            "Information about other people",
            "Data Protection Act 2018, Schedule 2, Part 3, paragraphs 16 and 17",
        ),
        Exemption(
            "crime-and-taxation",
            "Preventing or detecting crime, or catching or prosecuting offenders",
            "Data Protection Act 2018, Schedule 2, Part 1, paragraph 2",
        ),
        Exemption(
            "legal-professional-privilege",
            "Legal advice and communications with lawyers (legal professional privilege)",
            "Data Protection Act 2018, Schedule 2, Part 4, paragraph 19",
        ),
        Exemption(
            "legal-proceedings",
            "Information needed for legal proceedings or legal advice, or whose disclosure a law or court order prevents",
            "Data Protection Act 2018, Schedule 2, Part 1, paragraph 5",
        ),
        Exemption(
            "serious-harm-social-work",
            "Social work information whose disclosure would be likely to cause serious harm",
            "Data Protection Act 2018, Schedule 3, Part 3, paragraph 7",
        ),
        Exemption(
            "serious-harm-health",
            "Health information whose disclosure would be likely to cause serious harm",
            "Data Protection Act 2018, Schedule 3, Part 2, paragraph 5",
        ),
        Exemption(
            "regulatory-functions",
            "Protecting the public through regulatory functions",
            "Data Protection Act 2018, Schedule 2, Part 2, paragraph 7",
        ),
        Exemption(
            "confidential-references",
            "Confidential references",
            "Data Protection Act 2018, Schedule 2, Part 4, paragraph 24",
        ),
        Exemption(
            "management-forecasts",
            "Management forecasts and planning",
            "Data Protection Act 2018, Schedule 2, Part 4, paragraph 22",
        ),
        Exemption(
            "negotiations",
            "Negotiations with the person",
            "Data Protection Act 2018, Schedule 2, Part 4, paragraph 23",
        ),
    )
}  # fmt: skip

# Paragraph 16(3): what must be weighed before disclosing or withholding another person's data.
PARA16_FACTORS = {
    "confidentiality": "any duty of confidentiality owed to the other person",
    "consent_sought": "the steps taken to seek the other person's consent",
    "capable_of_consent": "whether the other person is capable of giving consent",
    "refused": "whether the other person has expressly refused consent",
}
MIN_REASON = 20


def exemption(code: str, *, field: str = "exemption") -> Exemption:
    try:
        return EXEMPTIONS[code]
    except KeyError:
        raise Invalid(
            field, f"not an exemption accord knows (one of {', '.join(EXEMPTIONS)})"
        ) from None


def check_reason(reason: str, *, field: str = "reason") -> str:
    text = (reason or "").strip()
    if len(text) < MIN_REASON:
        raise Invalid(field, f"explain the decision in at least {MIN_REASON} characters")
    return text


def check_factors(
    factors: Mapping[str, Any] | None, *, field: str = "factors"
) -> dict[str, str | bool]:
    """The paragraph 16 factors, each answered: text for confidentiality and consent sought,
    yes or no for capable of consent and refused."""
    given = dict(factors or {})
    unknown = sorted(set(given) - set(PARA16_FACTORS))
    if unknown:
        raise Invalid(f"{field}.{unknown[0]}", "not one of the paragraph 16 factors")
    out: dict[str, str | bool] = {}
    for key, words in PARA16_FACTORS.items():
        value = given.get(key)
        if key in ("capable_of_consent", "refused"):
            if not isinstance(value, bool):
                raise Invalid(f"{field}.{key}", f"say yes or no: {words}")
            out[key] = value
        else:
            if not isinstance(value, str) or not value.strip():
                raise Invalid(f"{field}.{key}", f"record {words}")
            out[key] = value.strip()
    return out
